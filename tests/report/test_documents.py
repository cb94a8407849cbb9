"""Every number in the documents traces to plan.json: Markdown tables, workbook cells and Word tables."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import kommunal_planner as kp
from kommunal_planner.model import Portfolio
from kommunal_planner.report import explain, render, write_plan_outputs
from kommunal_planner.report._catalogue import text
from kommunal_planner.report._excel import SHEETS, number_format
from kommunal_planner.report._locale import Lang, parse_number

LANGS: tuple[Lang, ...] = ("de", "en")
DATE = dt.date(2026, 3, 1)
Tables = Callable[[str], dict[str, tuple[list[str], list[list[str]]]]]


def _plan_json(pf: Portfolio, path: Path) -> tuple[kp.Plan, dict[str, Any]]:
    """Solve, write plan.json, read it back: the documents are made from what other tools see."""
    path.write_text(kp.optimize(pf).to_json(), encoding="utf-8")
    data = json.loads(path.read_text(encoding="utf-8"))
    return kp.Plan.from_json(path.read_text(encoding="utf-8"), portfolio=pf), data


def _money(cell: str, lang: Lang) -> float:
    return parse_number(cell, lang)


def _check_markdown(md: str, data: dict[str, Any], pf: Portfolio, lang: Lang, md_tables: Tables) -> None:
    tables = md_tables(md)
    horizon = f"{pf.horizon.start}–{pf.horizon.end}"
    header, rows = tables[text("table.financing", lang, horizon=horizon)]
    by_label = {r[0]: r[1:] for r in rows}
    years = data["years"]
    assert header[1:-1] == [str(y["year"]) for y in years]
    for label_key, field in (
        ("fin.investment", "cost"),
        ("fin.grant", "grant"),
        ("fin.operating", "operating"),
        ("fin.own_funds", "own_funds"),
        ("fin.budget", "budget"),
        ("fin.slack", "slack"),
    ):
        cells = by_label[text(label_key, lang)]
        for cell, y in zip(cells[:-1], years, strict=True):
            assert abs(_money(cell, lang) - y[field]) <= 0.5, (label_key, y["year"])
        assert abs(_money(cells[-1], lang) - sum(y[field] for y in years)) <= 0.5
    own_share = by_label[text("fin.own_share", lang)]
    for cell, y in zip(own_share[:-1], years, strict=True):
        assert abs(_money(cell, lang) - (y["cost"] - y["grant"])) <= 0.5

    header, rows = tables[text("table.priorities", lang)]
    col = {name: k for k, name in enumerate(header)}
    decisions = {pf.project(d["id"]).name: d for d in data["projects"]}
    assert len(rows) == sum(d["selected"] for d in data["projects"])
    for row in rows:
        d = decisions[row[col[text("col.project", lang)]]]
        assert d["selected"]
        assert parse_number(row[col[text("col.benefit", lang)]], lang) == pytest.approx(d["benefit"])
        assert abs(_money(row[col[text("col.grant", lang)]], lang) - d["grant"]) <= 0.5
        assert abs(_money(row[col[text("col.own_share", lang)]], lang) - d["own_cost"]) <= 0.5
        invest = d["grant"] + d["own_cost"]
        assert abs(_money(row[col[text("col.investment", lang)]], lang) - invest) <= 0.5
        period = row[col[text("col.period", lang)]]
        assert period.startswith(str(d["start"])) and period.endswith(str(d["finish"]))


@pytest.mark.parametrize("lang", LANGS)
def test_council_paper_tables_trace_to_plan_json(
    rich: Portfolio, tmp_path: Path, lang: Lang, md_tables: Tables
) -> None:
    plan, data = _plan_json(rich, tmp_path / "plan.json")
    md = render(plan, rich, "md", lang, date=DATE)
    assert isinstance(md, str)
    _check_markdown(md, data, rich, lang, md_tables)
    resolution = md.split("\n## ")[1]
    selected = sum(d["selected"] for d in data["projects"])
    assert f" {selected} " in resolution


@pytest.mark.parametrize("lang", LANGS)
def test_funding_annexes_trace_to_plan_json(small: Portfolio, tmp_path: Path, lang: Lang, md_tables: Tables) -> None:
    plan, data = _plan_json(small, tmp_path / "plan.json")
    md = render(plan, small, "md", lang, document="funding", date=DATE)
    assert isinstance(md, str)
    tables = md_tables(md)
    funded = [d for d in data["projects"] if d["selected"] and d["programme"]]
    assert len(funded) == md.count("\n## ")
    for d in funded:
        name = small.project(d["id"]).name
        _header, rows = tables[text("table.funding_costs", lang, project=name)]
        total = rows[-1]
        assert abs(_money(total[1], lang) - (d["grant"] + d["own_cost"])) <= 0.5
        assert abs(_money(total[2], lang) - d["grant"]) <= 0.5
        assert abs(_money(total[3], lang) - d["own_cost"]) <= 0.5
        for row in rows[:-1]:
            assert d["start"] <= int(row[0]) <= d["finish"]


@pytest.mark.parametrize("lang", LANGS)
def test_workbook_cells_equal_plan_json(rich: Portfolio, tmp_path: Path, lang: Lang) -> None:
    from openpyxl import load_workbook

    plan, data = _plan_json(rich, tmp_path / "plan.json")
    out = tmp_path / "report.xlsx"
    assert render(plan, rich, "xlsx", lang, out) == out
    wb = load_workbook(out)
    names = SHEETS[lang]
    assert wb.sheetnames == [names[k] for k in ("summary", "priorities", "financing", "roadmap", "scenarios")]

    ws = wb[names["priorities"]]
    header = [c.value for c in ws[1]]
    col = {name: k for k, name in enumerate(header)}
    assert ws.freeze_panes == "D2" and ws.auto_filter.ref.startswith("A1:")
    by_id = {d["id"]: d for d in data["projects"]}
    seen = 0
    for row in ws.iter_rows(min_row=2, values_only=True):
        d = by_id[row[col[text("col.id", lang)]]]
        seen += 1
        assert row[col[text("col.grant", lang)]] == d["grant"]
        assert row[col[text("col.own_share", lang)]] == d["own_cost"]
        assert row[col[text("col.start", lang)]] == d["start"]
        if d["selected"]:
            assert row[col[text("col.benefit", lang)]] == d["benefit"]
            assert row[col[text("col.investment", lang)]] == d["grant"] + d["own_cost"]
    assert seen == len(data["projects"])
    grant_cell = ws.cell(row=2, column=col[text("col.grant", lang)] + 1)
    assert grant_cell.number_format == number_format("eur", lang)

    ws = wb[names["financing"]]
    header = [c.value for c in ws[1]]
    col = {name: k for k, name in enumerate(header)}
    total_word = text("word.total", lang)
    totals = [r for r in ws.iter_rows(min_row=2, values_only=True) if r[col[text("col.level", lang)]] == total_word]
    assert [r[0] for r in totals] == [y["year"] for y in data["years"]]
    for r, y in zip(totals, data["years"], strict=True):
        assert r[col[text("col.investment", lang)]] == y["cost"]
        assert r[col[text("col.grant", lang)]] == y["grant"]
        assert r[col[text("col.operating", lang)]] == y["operating"]
        assert r[col[text("col.own_funds", lang)]] == y["own_funds"]
        assert r[col[text("col.budget", lang)]] == y["budget"]
        assert r[col[text("col.slack", lang)]] == y["slack"]
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref

    ws = wb[names["summary"]]
    values = {r[0]: r[1] for r in ws.iter_rows(min_row=2, max_col=2, values_only=True) if r[0]}
    assert values[text("kf.projects", lang)] == sum(d["selected"] for d in data["projects"])
    assert values[text("kf.grants", lang)] == pytest.approx(sum(y["grant"] for y in data["years"]))
    assert values[text("kf.own_funds", lang)] == pytest.approx(sum(y["own_funds"] for y in data["years"]))


def test_word_document_has_the_same_figures(small: Portfolio, tmp_path: Path) -> None:
    docx = pytest.importorskip("docx")
    plan, data = _plan_json(small, tmp_path / "plan.json")
    out = tmp_path / "ratsvorlage.docx"
    render(plan, small, "docx", "de", out, date=DATE)
    document = docx.Document(str(out))
    assert document.core_properties.language == "de-DE"
    texts = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    rows = {r[0]: r[1:] for r in texts}
    investment = rows[text("fin.investment", "de")]
    for cell, y in zip(investment[:-1], data["years"], strict=True):
        assert abs(parse_number(cell, "de") - y["cost"]) <= 0.5
    assert abs(parse_number(investment[-1], "de") - sum(y["cost"] for y in data["years"])) <= 0.5
    slack = rows[text("fin.slack", "de")]
    for cell, y in zip(slack[:-1], data["years"], strict=True):
        assert abs(parse_number(cell, "de") - y["slack"]) <= 0.5
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert text("h.resolution", "de") in headings and text("h.finance", "de") in headings


def test_example_outputs(example_path: Path, tmp_path: Path, md_tables: Tables) -> None:
    """The bundled example once, end to end: every file of `plan --example`, figures traced to plan.json."""
    pf = kp.read(example_path)
    plan = kp.optimize(pf, time_limit=60, gap=0.005)
    assert plan.success
    written = write_plan_outputs(plan, tmp_path, lang="de")
    names = {p.name for p in written}
    expected = {
        "plan.json",
        "plan.xlsx",
        "report.html",
        "report.xlsx",
        "ratsvorlage.md",
        "foerderantraege.md",
        "finanzierungsplan.csv",
    }
    assert expected <= names
    data = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))
    _check_markdown((tmp_path / "ratsvorlage.md").read_text(encoding="utf-8"), data, pf, "de", md_tables)
    csv = (tmp_path / "finanzierungsplan.csv").read_text(encoding="utf-8-sig").splitlines()
    assert csv[0].startswith("Jahr;Ebene;")
    totals = [line.split(";") for line in csv[1:] if ";Summe;" in line]
    for cells, y in zip(totals, data["years"], strict=True):
        assert float(cells[4].replace(",", ".")) == pytest.approx(y["cost"], abs=0.005)
    ex = explain(plan, pf, resolve=False)
    assert len(ex) == len(pf.projects)
