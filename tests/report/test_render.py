"""render(): formats, return values, hooks for roadmap/scenarios/robustness, charts and missing dependencies."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd
import pytest

import kommunal_planner as kp
from kommunal_planner.model import Portfolio
from kommunal_planner.report import (
    ReportSection,
    budget_chart,
    explain,
    figure_png,
    figure_svg,
    frequency_chart,
    render,
    write_plan_outputs,
)


def test_return_values_and_files(small: Portfolio, tmp_path: Path) -> None:
    plan = kp.optimize(small)
    ex = explain(plan, small, resolve=False)
    assert isinstance(render(plan, small, "html", "en", explanations=ex), str)
    assert isinstance(render(plan, small, "md", "de", explanations=ex, document="funding"), str)
    data = render(plan, small, "xlsx", "de", explanations=ex)
    assert isinstance(data, bytes) and data[:2] == b"PK"
    out = tmp_path / "r.html"
    assert render(plan, small, "html", "de", out, explanations=ex) == out and out.stat().st_size > 0
    with pytest.raises(kp.ValidationError, match="report format"):
        render(plan, small, "pdf")
    with pytest.raises(kp.KommunalPlannerError, match="not in the plan"):
        render(plan, small, "md", document="funding", projects=["wlan"], explanations=ex)


def test_plan_from_json_needs_the_input(small: Portfolio) -> None:
    plan = kp.Plan.from_json(kp.optimize(small).to_json())
    with pytest.raises(kp.KommunalPlannerError, match="needs the input"):
        render(plan, None, "md")
    assert "Servicekonto" in str(render(plan, small, "md", "de"))


def test_missing_python_docx_is_a_clear_error(small: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "docx", None)
    with pytest.raises(kp.KommunalPlannerError, match=r"pip install 'kommunal-planner\[docx\]'"):
        render(kp.optimize(small), small, "docx")


def test_outputs_skip_word_without_python_docx(
    small: Portfolio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "docx", None)
    names = {p.name for p in write_plan_outputs(kp.optimize(small), tmp_path)}
    assert "ratsvorlage.md" in names and "report.html" in names and "ratsvorlage.docx" not in names


def test_without_matplotlib_reports_leave_charts_out_and_a_chart_is_a_clear_error(
    small: Portfolio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = kp.optimize(small)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    with pytest.raises(
        kp.KommunalPlannerError, match=r"charts need matplotlib: pip install 'kommunal-planner\[report\]'"
    ):
        budget_chart(plan, "de")
    html = render(plan, small, "html", "de")
    assert "<svg" not in html and small.name in html
    names = {p.name for p in write_plan_outputs(plan, tmp_path)}
    assert {"plan.json", "report.html", "ratsvorlage.md"} <= names


def test_infeasible_plan_writes_only_plan_json(tmp_path: Path) -> None:
    pf = Portfolio(
        "Notlage",
        kp.Horizon(2026, 1),
        1000,
        projects=(
            kp.Project("a", benefit=1, cost=800, mandatory=True),
            kp.Project("b", benefit=1, cost=700, mandatory=True),
        ),
    )
    plan = kp.optimize(pf)
    assert [p.name for p in write_plan_outputs(plan, tmp_path)] == ["plan.json"]
    with pytest.raises(kp.KommunalPlannerError, match="infeasible"):
        render(plan, pf, "html")


class _Roadmap:
    """Stands in for the roadmap layer: anything with report_section(lang)."""

    def report_section(self, lang: str) -> ReportSection:
        frame = pd.DataFrame({"phase": ["Basis", "Ausbau"], "start": [2026, 2027], "finish": [2026, 2027]})
        return ReportSection(
            "Roadmap mit kritischem Pfad" if lang == "de" else "Roadmap and critical path",
            paragraphs=("Kritischer Pfad: konto → portal (2 Jahre).",),
            tables=(("Phasen", frame),),
        )


def test_hooks_render_where_given(small: Portfolio, tmp_path: Path) -> None:
    plan = kp.optimize(small)
    comparison = pd.DataFrame(
        {"scenario": ["Basis", "Budget +10 %"], "own_funds": [131_000.0, 140_000.0], "benefit": [208.0, 230.0]}
    )
    robustness = {"konto": 1.0, "portal": 0.55, "lora": 0.9, "wlan": 0.3}
    html = render(plan, small, "html", "de", roadmap=_Roadmap(), comparison=comparison, robustness=robustness)
    assert isinstance(html, str)
    assert "Roadmap mit kritischem Pfad" in html and "konto → portal (2 Jahre)" in html
    assert "Budget +10 %" in html and "Auswahlhäufigkeit" in html
    md = render(plan, small, "md", "de", roadmap=_Roadmap(), robustness=robustness)
    assert "„Bürgerportal“ ist nur in 55 % der Szenarien ausgewählt." in str(md)
    assert "2 von 3 Maßnahmen des Plans sind in mindestens 80 % der Szenarien ausgewählt." in str(md)
    out = tmp_path / "r.xlsx"
    render(plan, small, "xlsx", "en", out, roadmap=_Roadmap(), comparison=comparison)
    from openpyxl import load_workbook

    wb = load_workbook(out)
    assert wb["Roadmap"]["A1"].value == "phase" and wb["Roadmap"]["B2"].value == 2026
    assert wb["Scenarios"]["A1"].value == "scenario"
    with pytest.raises(TypeError, match="report_section"):
        render(plan, small, "html", roadmap=object())


def test_charts_print_in_grey(small: Portfolio) -> None:
    plan = kp.optimize(small)
    svg = figure_svg(budget_chart(plan, "de"), prefix="t1", title="Haushalt <2026>")
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title>Haushalt &lt;2026&gt;</title>" in svg
    assert "http" not in svg and "<?xml" not in svg and "<metadata" not in svg
    ids = re.findall(r'id="([^"]+)"', svg)
    assert ids and all(i.startswith("t1-") for i in ids)
    for r, g, b in re.findall(r"#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})", svg):
        assert r == g == b, f"colour #{r}{g}{b} is not a grey"
    assert "hatch" in svg or "<pattern" in svg
    png = figure_png(frequency_chart({"konto": 1.0, "portal": 0.5}, {"konto": "Servicekonto"}, "en"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
