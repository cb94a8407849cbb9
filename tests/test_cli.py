"""The command line: exit codes, one-line errors naming the place, files written."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import kommunal_planner as kp
from kommunal_planner.cli import main

BROKEN = """
name: Kaputt
horizon: {start: 2026, years: 2}
budget: {2026: 1000, 2027: 1000}
projects:
  - {id: portal, benefit: 10, cost: 100, requires: [konto]}
"""

INFEASIBLE = """
name: Notlage
horizon: {start: 2026, years: 1}
budget: 1000
projects:
  - {id: a, benefit: 1, cost: 800, mandatory: true}
  - {id: b, benefit: 1, cost: 700, mandatory: true}
"""


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def test_validate_example(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", "--example"])
    assert result.exit_code == 0, result.output
    assert "musterstadt.yaml: valid" in result.output
    assert "administration" in result.output


def test_bad_input_exit_2_one_line_no_traceback(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "kaputt.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert "kaputt.yaml" in result.stderr and "project 'portal'" in result.stderr and "'konto'" in result.stderr
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) == 1


def test_debug_shows_the_exception(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "kaputt.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = runner.invoke(main, ["--debug", "validate", str(path)])
    assert result.exit_code != 0 and isinstance(result.exception, kp.ValidationError)


def test_plan_writes_json_and_workbook(runner: CliRunner, tmp_path: Path, small: kp.Portfolio) -> None:
    src = tmp_path / "klein.yaml"
    kp.write(small, src)
    before = src.read_bytes()
    out = tmp_path / "out"
    result = runner.invoke(main, ["--quiet", "plan", str(src), "--out", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert data["status"] == "optimal" and data["portfolio"] == "Klein"
    assert (out / "plan.xlsx").stat().st_size > 0
    assert "own funds" in result.output and "konto" in result.output
    assert src.read_bytes() == before
    plan = kp.Plan.from_json((out / "plan.json").read_text(encoding="utf-8"), portfolio=small)
    assert plan.verify().ok


def test_infeasible_exit_3_with_explanation(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "notlage.yaml"
    path.write_text(INFEASIBLE, encoding="utf-8")
    result = runner.invoke(main, ["plan", str(path), "--out", str(tmp_path / "o"), "--lang", "de"])
    assert result.exit_code == 3
    assert "1.500 EUR" in result.stderr and "1.000 EUR" in result.stderr
    data = json.loads((tmp_path / "o" / "plan.json").read_text(encoding="utf-8"))
    assert data["status"] == "infeasible"


def test_convert_round_trip_and_never_overwrites_input(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    assert runner.invoke(main, ["convert", "--example", str(out)]).exit_code == 0
    assert kp.read(out) == kp.read(Path(kp.__file__).parent / "examples" / "musterstadt.yaml")
    same = runner.invoke(main, ["convert", str(out), str(out)])
    assert same.exit_code != 0 and "never overwritten" in same.output


def test_schema(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert "projects" in schema["properties"]


def test_missing_input(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 2 and "--example" in result.output


def test_plan_writes_the_roadmap_and_roadmap_redraws_it(runner: CliRunner, tmp_path: Path, small: kp.Portfolio) -> None:
    src = tmp_path / "klein.yaml"
    kp.write(small, src)
    out = tmp_path / "out"
    result = runner.invoke(main, ["--quiet", "plan", str(src), "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("roadmap.svg", "roadmap.png", "roadmap.md", "roadmap_load.svg"):
        assert (out / name).stat().st_size > 0
    assert "```mermaid" in (out / "roadmap.md").read_text(encoding="utf-8")
    again = tmp_path / "again"
    args = ["--quiet", "roadmap", str(out / "plan.json"), "--input", str(src), "--out", str(again), "--lang", "en"]
    result = runner.invoke(main, [*args, "--xlsx"])
    assert result.exit_code == 0, result.output
    assert "The 3 selected projects run from 2026-Q1" in result.output
    assert {p.name for p in again.iterdir()} >= {"roadmap.svg", "roadmap.png", "roadmap.md", "roadmap.xlsx"}
    bare = runner.invoke(main, ["--quiet", "plan", str(src), "--out", str(tmp_path / "bare"), "--no-roadmap"])
    assert bare.exit_code == 0 and not (tmp_path / "bare" / "roadmap.svg").exists()


def test_plan_example_without_matplotlib_writes_everything_but_the_charts(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The main job on a bare install (no ``plot`` extra): plan, reports and roadmap.md, and a note on stderr."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    out = tmp_path / "out"
    result = runner.invoke(main, ["--quiet", "plan", "--example", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "matplotlib fehlt" in result.stderr and "kommunal-planner[plot]" in result.stderr
    # the note once, not again as the library's log line
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING and "matplotlib" in r.getMessage()]
    names = {p.name for p in out.iterdir()}
    assert {"plan.json", "plan.xlsx", "report.html", "roadmap.md"} <= names
    assert not any(name.endswith((".svg", ".png")) for name in names)
    assert json.loads((out / "plan.json").read_text(encoding="utf-8"))["status"] == "optimal"
    again = tmp_path / "again"
    args = ["--quiet", "roadmap", str(out / "plan.json"), "--example", "--out", str(again), "--lang", "en", "--xlsx"]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "matplotlib is not installed" in result.stderr
    assert {p.name for p in again.iterdir()} == {"roadmap.md", "roadmap.xlsx"}


def test_roadmap_errors(runner: CliRunner, tmp_path: Path, small: kp.Portfolio) -> None:
    src = tmp_path / "klein.yaml"
    kp.write(small, src)
    plan = tmp_path / "plan.json"
    plan.write_text(kp.optimize(small).to_json(), encoding="utf-8")
    result = runner.invoke(main, ["roadmap", str(plan)])
    assert result.exit_code == 2 and "--input" in result.output
    settings = tmp_path / "rm.yaml"
    settings.write_text("projects: {portal: {duration_quarters: 9}}\n", encoding="utf-8")
    result = runner.invoke(main, ["roadmap", str(plan), "--input", str(src), "--settings", str(settings)])
    assert result.exit_code == 2
    assert "project 'portal'" in result.stderr and "duration_quarters" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
