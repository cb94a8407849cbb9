"""YAML and JSON files: contract files read unchanged, round trips, bad files, atomic writes."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

import kommunal_planner as kp
from kommunal_planner.errors import DataFormatError, KommunalPlannerError, ValidationError
from kommunal_planner.io import parse_json, parse_yaml, read, write
from kommunal_planner.io._atomic import atomic_path

MINI = """
name: Mini
horizon: {start: 2026, years: 2}
budget: {2026: 1000, 2027: 1000}
projects:
  - {id: a, benefit: 10, cost: [300, 200], duration: 2}
"""


def test_contract_files_read_validate_and_round_trip(shared_data: Path, tmp_path: Path) -> None:
    files = sorted((shared_data / "contract").glob("*.yaml"))
    assert len(files) == 8
    for path in files:
        before = path.read_bytes()
        with pytest.warns(UserWarning) if path.name in {"portfolio_2000.yaml"} else _Nothing():
            pf = read(path)
        assert path.read_bytes() == before  # inputs are never modified
        for suffix in (".yaml", ".json", ".xlsx", ""):
            out = tmp_path / f"{path.stem}{suffix or '_csv'}"
            write(pf, out)
            assert read(out) == pf, (path.name, suffix)


class _Nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


def test_example_reads(example_path: Path) -> None:
    pf = kp.read(example_path)
    assert 40 <= len(pf.projects) <= 60
    assert 5 <= len(pf.programmes) <= 8
    assert len(pf.criteria) == 5
    assert pf.arrays.mandatory.any()


def test_german_keys_are_accepted() -> None:
    pf = parse_yaml("""
name: Mini
horizont: {beginn: 2026, jahre: 1}
haushalt: 1000
projekte:
  - {id: a, nutzen: 10, kosten: 300, pflicht: true, handlungsfeld: verwaltung}
""")
    assert pf.project("a").mandatory and pf.project("a").field == "verwaltung"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("name: [unclosed", "not valid YAML"),
        ("name: a\nname: b\n", "the key 'name' is given twice"),
        ("!!python/object:os.system {}", "not valid YAML"),
        ("- just\n- a list\n", "expected a mapping"),
        (MINI.replace("benefit: 10", "benefit: zehn"), "project 'a'.*benefit.*found \"zehn\""),
    ],
)
def test_bad_yaml(text: str, message: str) -> None:
    with pytest.raises(KommunalPlannerError, match=message):
        parse_yaml(text, source="x.yaml")


def test_yaml_error_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "projekte.yaml"
    path.write_text("name: a\nprojects:\n  - id: [\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"projekte.yaml: not valid YAML \(line \d+, column \d+"):
        read(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("{", "not valid JSON"),
        ('{"name": "a", "name": "b"}', "given twice"),
        ('{"name": NaN}', "not a number JSON allows"),
    ],
)
def test_bad_json(text: str, message: str) -> None:
    with pytest.raises(DataFormatError, match=message):
        parse_json(text, source="x.json")


def test_unknown_suffix_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match=r"unknown file type '\.txt'"):
        read(tmp_path / "a.txt")
    with pytest.raises(DataFormatError, match="no such file"):
        read(tmp_path / "a.yaml")


def test_cp1252_and_bom_are_read(tmp_path: Path) -> None:
    text = MINI.replace("name: Mini", "name: Köln-Süd")
    (tmp_path / "a.yaml").write_bytes(text.encode("cp1252"))
    (tmp_path / "b.yaml").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert read(tmp_path / "a.yaml").name == "Köln-Süd"
    assert read(tmp_path / "b.yaml").name == "Köln-Süd"


def test_validation_error_is_value_error() -> None:
    with pytest.raises(ValueError):
        parse_yaml(MINI.replace("budget: {2026: 1000, 2027: 1000}", "budget: {2026: 1000}"))
    assert issubclass(ValidationError, KommunalPlannerError)


def test_atomic_write_keeps_old_file_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "plan.yaml"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("crash while writing")
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["plan.yaml"]


def test_write_into_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    pf = parse_yaml(MINI)
    with pytest.raises(DataFormatError, match="folder does not exist"):
        write(pf, tmp_path / "nope" / "x.yaml")


def test_pools_round_trip_and_feed_the_roadmap(tmp_path: Path, small: kp.Portfolio) -> None:
    pools = (kp.model.Pool("it", "IT", capacity=15), kp.model.Pool("fach", "Fachamt", share=0.5))
    projects = tuple(
        dataclasses.replace(p, pools={"it": 0.5, "fach": 0.5}, duration_quarters=2) if p.id == "portal" else p
        for p in small.projects
    )
    pf = dataclasses.replace(small, pools=pools, projects=projects)
    for suffix in (".yaml", ".json"):
        kp.write(pf, tmp_path / f"p{suffix}")
        assert kp.read(tmp_path / f"p{suffix}") == pf
    with pytest.raises(kp.DataFormatError, match="Write the portfolio as YAML or JSON"):
        kp.write(pf, tmp_path / "p.xlsx")
    rm = kp.roadmap(kp.optimize(pf))
    assert rm.pools == ("it", "fach") and rm.finish("portal") == "2027-Q2"
