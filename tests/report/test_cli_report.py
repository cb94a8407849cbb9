"""The command line: `plan` writes the reports beside plan.json; `report PLAN.json --input INPUT` renders one."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import kommunal_planner as kp
from kommunal_planner.cli import main
from kommunal_planner.model import Portfolio


@pytest.fixture
def planned(small: Portfolio, tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "klein.yaml"
    kp.write(small, src)
    result = CliRunner().invoke(main, ["--quiet", "plan", str(src), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    return src, tmp_path / "out" / "plan.json"


def test_plan_writes_the_reports(planned: tuple[Path, Path]) -> None:
    folder = planned[1].parent
    for name in ("plan.json", "plan.xlsx", "report.html", "report.xlsx", "ratsvorlage.md", "finanzierungsplan.csv"):
        assert (folder / name).stat().st_size > 0, name
    assert "Beschlussvorschlag" in (folder / "ratsvorlage.md").read_text(encoding="utf-8")


@pytest.mark.skipif("report" not in main.commands, reason="the `report` command is not in this cli.py yet")
@pytest.mark.parametrize(
    ("args", "name"),
    [
        (["--format", "html", "--lang", "en"], "report.html"),
        (["--format", "md", "--resolve"], "ratsvorlage.md"),
        (["--format", "md", "--document", "funding"], "foerderantraege.md"),
        (["--format", "xlsx"], "report.xlsx"),
    ],
)
def test_report_command(planned: tuple[Path, Path], args: list[str], name: str) -> None:
    src, plan_json = planned
    target = plan_json.parent / name
    target.unlink(missing_ok=True)
    result = CliRunner().invoke(main, ["--quiet", "report", str(plan_json), "--input", str(src), *args])
    assert result.exit_code == 0, result.output
    assert target.stat().st_size > 0 and str(target) in result.output


@pytest.mark.skipif("report" not in main.commands, reason="the `report` command is not in this cli.py yet")
def test_report_for_another_input_exits_2(planned: tuple[Path, Path]) -> None:
    _, plan_json = planned
    result = CliRunner().invoke(main, ["report", str(plan_json), "--example"])
    assert result.exit_code == 2
    assert "plan.json" in result.stderr and "another input" in result.stderr and "Traceback" not in result.output
