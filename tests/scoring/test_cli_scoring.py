"""The command-line verbs ``weights`` and ``score``, and ``plan`` leaving out projects participation dropped."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

import kommunal_planner as kp
from kommunal_planner.cli import main

from .test_section import SECTION, _data


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _input(tmp_path: Path, section: dict[str, Any] | None = None) -> Path:
    path = tmp_path / "teststadt.yaml"
    path.write_text(yaml.safe_dump(_data(section), allow_unicode=True), encoding="utf-8")
    return path


def test_weights_example_shows_given_and_derived_weights_and_consistency(runner: CliRunner) -> None:
    result = runner.invoke(main, ["weights", "--example"])
    assert result.exit_code == 0, result.output
    pf = kp.read(kp.cli.example_path())
    derived = kp.scoring.evaluate(pf).derived_weights
    assert derived is not None
    for c in pf.criteria:
        line = next(line for line in result.output.splitlines() if line.startswith(c.id + " "))
        assert f"{100 * c.weight:.1f} %".replace(".", ",") in line
        assert f"{100 * derived[c.id]:.1f} %".replace(".", ",") in line
    assert "Gruppen-AHP" in result.output and "nur berichtet" in result.output
    assert "Verwaltungsvorstand: CR = 0,012 (konsistent" in result.output
    english = runner.invoke(main, ["weights", "--example", "--lang", "en"])
    assert english.exit_code == 0 and "reported only (apply: false)" in english.output


def test_weights_lists_inconsistent_judgements(runner: CliRunner, tmp_path: Path) -> None:
    section = copy.deepcopy(SECTION)
    # citizen > economy > urgency, but urgency ≫ citizen: a cycle of judgements
    section["weights"]["comparisons"] = [
        ["citizen", "economy", 5],
        ["economy", "urgency", 5],
        ["urgency", "citizen", 5],
    ]
    data = _data(section)
    path = tmp_path / "cycle.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(main, ["weights", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    ahp = kp.scoring.ahp(
        [[1, 5, 1 / 5], [1 / 5, 1, 5], [5, 1 / 5, 1]], criteria=["citizen", "economy", "urgency"]
    )  # the same matrix, directly
    assert f"CR = {ahp.consistency_ratio:,.3f} (inconsistent" in result.output
    assert "most inconsistent judgements" in result.output
    first = ahp.inconsistent_judgements[0]
    assert f"{first.row} : {first.column}" in result.output


def test_weights_without_a_scoring_section(runner: CliRunner, tmp_path: Path, small: kp.Portfolio) -> None:
    kp.write(small, tmp_path / "klein.yaml")
    result = runner.invoke(main, ["weights", str(tmp_path / "klein.yaml")])
    assert result.exit_code == 0, result.output
    assert "60,0 %" in result.output and "40,0 %" in result.output
    assert "direkt in der Tabelle der Kriterien" in result.output


def test_score_example_prints_benefit_table_stability_and_participation(runner: CliRunner) -> None:
    result = runner.invoke(main, ["score", "--example", "--top", "3"])
    assert result.exit_code == 0, result.output
    pf = kp.read(kp.cli.example_path())
    best = max((p for p in pf.projects if p.benefit is None), key=lambda p: p.benefit_value(pf.criteria))
    rows = [line.split() for line in result.output.splitlines()]
    top = next(r for r in rows if r[:1] == ["1"])
    assert top[1] == best.id
    assert top[-1] == f"{best.benefit_value(pf.criteria):.1f}".replace(".", ",")
    assert "Stabilität der ersten 3" in result.output
    assert "Digitale Parkscheine" in result.output and "verzichtbar" in result.output
    assert any(r[:3] == ["terminvergabe", "Bürgerpunkte", "Termine"] for r in rows)
    assert any(r[:4] == ["eakte_komplett", "Wertfunktion", "Rohwert", "2"] and r[-1] == "5,00" for r in rows)


def test_score_reports_drops_and_later_starts(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["score", str(_input(tmp_path)), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Dropped after participation (left out of the plan): park" in result.output
    later = next(line for line in result.output.splitlines() if line.startswith("schule") and "later" in line)
    assert "Schule (60 % > 50 %)" in later and "start 2028 at the earliest" in later


def test_plan_leaves_out_dropped_projects(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(main, ["plan", str(_input(tmp_path)), "--out", str(out), "--no-roadmap"])
    assert result.exit_code == 0, result.output
    assert "nach der Bürgerbeteiligung entfallen: park" in result.output
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    selected = {p["id"]: p["selected"] for p in plan["projects"]}
    # the budget covers all three projects; only the drop keeps 'park' out
    assert selected == {"portal": True, "park": False, "schule": True}
    starts = {p["id"]: p["start"] for p in plan["projects"]}
    assert starts["schule"] >= 2028


def test_bad_scoring_input_exits_2_with_one_located_line(runner: CliRunner, tmp_path: Path) -> None:
    section = copy.deepcopy(SECTION)
    section["raw_values"]["nix"] = {"economy": 2}
    result = runner.invoke(main, ["score", str(_input(tmp_path, section))])
    assert result.exit_code == 2
    assert "teststadt.yaml" in result.output and "scoring.raw_values.nix" in result.output
    assert "unknown project 'nix'" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("suffix", [".xlsx", ""])
def test_verbs_read_workbooks_and_csv_folders_like_yaml(runner: CliRunner, tmp_path: Path, suffix: str) -> None:
    source = _input(tmp_path)
    target = tmp_path / f"teststadt_tables{suffix}"
    kp.write(kp.read(source), target)
    for verb in ("weights", "score"):
        from_yaml = runner.invoke(main, [verb, str(source)])
        from_tables = runner.invoke(main, [verb, str(target)])
        assert from_yaml.exit_code == from_tables.exit_code == 0, from_tables.output
        body = from_yaml.output.splitlines()[1:]
        assert from_tables.output.splitlines()[1:] == body
