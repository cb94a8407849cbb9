"""Text from input files is escaped in HTML and Markdown and cannot become a formula in Excel or CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

import kommunal_planner as kp
from kommunal_planner.model import Criterion, Eligibility, FundingProgramme, Horizon, Portfolio, Project
from kommunal_planner.report import render, write_plan_outputs
from kommunal_planner.report._safety import csv_safe, escape_html, escape_markdown, starts_formula

SCRIPT = '<script>alert("x")</script>'
FORMULAS = ('=HYPERLINK("http://evil.invalid","x")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR")


@pytest.fixture
def hostile() -> Portfolio:
    return Portfolio(
        name=f"Evil {SCRIPT}",
        horizon=Horizon(2026, 2),
        budget=200_000,
        criteria=(Criterion("c", f"Kriterium {SCRIPT}", 1),),
        programmes=(
            FundingProgramme("=prog", "=cmd|' /C calc'!A0", rate=0.5, eligible=Eligibility(fields=("=field",))),
        ),
        projects=(
            Project("=p1", FORMULAS[0], "=field", 1, 10_000, 0, 0, {"c": 5}),
            Project("p2", f"Portal {SCRIPT} | *x* [link](javascript:alert(1))", "web", 1, 10_000, 0, 0, {"c": 4}),
            Project("@p3", FORMULAS[3], "web", 1, 500_000, 0, 0, {"c": 3}),
            Project("p4", FORMULAS[1], "web", 1, 1_000, 0, 0, {"c": 2}),
            Project("p5", FORMULAS[4], "web", 1, 1_000, 0, 0, {"c": 2}),
        ),
    )


def test_html_escapes_input_text(hostile: Portfolio) -> None:
    html = render(kp.optimize(hostile), hostile, "html", "de")
    assert isinstance(html, str)
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "javascript:alert" not in html.split("<main>")[0]
    assert 'href="javascript' not in html


def test_markdown_escapes_input_text(hostile: Portfolio) -> None:
    md = render(kp.optimize(hostile), hostile, "md", "en")
    assert isinstance(md, str)
    assert "<script" not in md
    assert "&lt;script&gt;" in md
    assert "[link](javascript" not in md  # brackets escaped: no link
    # a | in a name is escaped, so every row of a table keeps the header's column count
    block: list[int] = []
    for line in [*md.splitlines(), ""]:
        if line.startswith("|"):
            block.append(len(re.findall(r"(?<!\\)\|", line)))
        elif block:
            assert len(set(block)) == 1, block
            block = []


def test_workbook_never_holds_a_formula(hostile: Portfolio, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    plan = kp.optimize(hostile)
    out = tmp_path / "report.xlsx"
    render(plan, hostile, "xlsx", "en", out)
    write_plan_outputs(plan, tmp_path, lang="en", reports=False)
    for path in (out, tmp_path / "plan.xlsx"):
        wb = load_workbook(path)
        dangerous = 0
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, ws.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and starts_formula(cell.value):
                        assert cell.quotePrefix, (path.name, ws.title, cell.coordinate)
                        dangerous += 1
        if path == out:
            assert dangerous >= 4  # the hostile ids and names are there, as text


def test_csv_neutralises_formulas(hostile: Portfolio, tmp_path: Path) -> None:
    plan = kp.optimize(hostile)
    write_plan_outputs(plan, tmp_path, lang="en")
    text = (tmp_path / "finanzierungsplan.csv").read_text(encoding="utf-8")
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not starts_formula(cell) or (cell.startswith("-") and cell[1:].replace(".", "").isdigit()), cell
    assert "'=prog" in text


def test_escape_helpers() -> None:
    assert escape_html("a & b") == "a &amp; b"
    assert escape_markdown("line\nbreak | pipe") == "line break \\| pipe"
    assert [csv_safe(f) for f in FORMULAS] == ["'" + f for f in FORMULAS]
    assert csv_safe("Portal") == "Portal" and csv_safe(-5.0) == -5.0
