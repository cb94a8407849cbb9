"""The formatted Excel report: Übersicht, Priorisierung, Finanzierungsplan, Roadmap, Szenarien (or English names).

Numbers stay numbers: money carries an Excel number format (``#,##0 "€"``), which Excel displays with the reader's
own separators, so a German Excel shows ``1.234.567 €`` and an English one ``1,234,567 €``. Headers are frozen and
filterable and repeat when printed. Text from the input that a spreadsheet would take for a formula is stored as a
text cell with Excel's quote prefix, so it is shown literally and never evaluated, not even after editing.
The workbook is written atomically.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

from kommunal_planner.io._atomic import atomic_path
from kommunal_planner.report._catalogue import text
from kommunal_planner.report._content import (
    ReportInputs,
    frame_table,
    key_figures,
    main_reason,
    schedule_table,
)
from kommunal_planner.report._document import CellKind, Table
from kommunal_planner.report._explain import field_label
from kommunal_planner.report._financing import FINANCING_COLUMNS
from kommunal_planner.report._locale import Lang
from kommunal_planner.report._safety import clean_text, starts_formula

__all__ = ["SHEETS", "build_report_workbook", "number_format", "write_report_workbook"]

logger = logging.getLogger(__name__)

SHEETS: dict[Lang, dict[str, str]] = {
    "de": {
        "summary": "Übersicht",
        "priorities": "Priorisierung",
        "financing": "Finanzierungsplan",
        "roadmap": "Roadmap",
        "scenarios": "Szenarien",
    },
    "en": {
        "summary": "Summary",
        "priorities": "Priorities",
        "financing": "Financing plan",
        "roadmap": "Roadmap",
        "scenarios": "Scenarios",
    },
}

_HEADER_FILL = "FFE6E6E6"


def number_format(kind: CellKind, lang: Lang) -> str:
    """The Excel number format of a cell kind (codes in Excel's invariant syntax; Excel localises the display).

    Examples
    --------
    >>> number_format("eur", "de"), number_format("eur", "en"), number_format("points", "de")
    ('#,##0 "€";-#,##0 "€"', '"€"#,##0;-"€"#,##0', '0.0')
    """
    if kind == "eur":
        return '#,##0 "€";-#,##0 "€"' if lang == "de" else '"€"#,##0;-"€"#,##0'
    if kind == "points":
        return "0.0"
    if kind == "percent":
        return "0%"
    if kind in ("int", "days"):
        return "#,##0"
    if kind == "year":
        return "0"
    return "General"


def _put(ws: Any, row: int, col: int, value: Any, kind: CellKind, lang: Lang) -> Any:
    cell = ws.cell(row=row, column=col)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return cell
    if isinstance(value, str):
        cleaned = clean_text(value)
        cell.value = cleaned
        if starts_formula(cleaned):
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell
    if isinstance(value, bool):
        cell.value = value
        return cell
    cell.value = value
    cell.number_format = number_format(kind, lang)
    return cell


def _header(ws: Any, row: int, names: tuple[str, ...], lang: Lang) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    for k, name in enumerate(names, start=1):
        cell = _put(ws, row, k, name, "text", lang)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=_HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.border = Border(bottom=Side(style="thin"))


def _write_table(ws: Any, table: Table, lang: Lang, *, start: int = 1, filters: bool = True) -> int:
    """Write a header and rows from *start*; return the last row written."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    _header(ws, start, table.columns, lang)
    for r, row in enumerate(table.rows, start=start + 1):
        for k, (value, kind) in enumerate(zip(row, table.kinds, strict=True), start=1):
            cell = _put(ws, r, k, value, kind, lang)
            if r - start - 1 in table.totals:
                cell.font = Font(bold=True)
    last = start + len(table.rows)
    if filters and table.rows:
        ws.auto_filter.ref = f"A{start}:{get_column_letter(len(table.columns))}{last}"
    return last


def _widths(ws: Any, wide: dict[int, float] | None = None) -> None:
    from openpyxl.utils import get_column_letter

    for col in ws.iter_cols(min_row=1, max_row=ws.max_row):
        k = col[0].column
        longest = max((len(str(c.value)) for c in col if c.value is not None), default=8)
        width = min(60.0, max(9.0, longest * 1.1 + 2))
        if wide and k in wide:
            width = wide[k]
        ws.column_dimensions[get_column_letter(k)].width = width


def _print_setup(ws: Any, *, landscape: bool, title_rows: str | None = "1:1") -> None:
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows


def priorities_sheet_table(ri: ReportInputs) -> Table:
    """Every project, selected ones first by priority rank, then the others by benefit."""
    plan, pf, lang = ri.plan, ri.portfolio, ri.lang
    arr = pf.arrays
    index = {p.id: i for i, p in enumerate(pf.projects)}
    selected = [d for d in plan.projects if d.selected]
    selected.sort(key=lambda d: ri.ranks[d.id])
    others = [d for d in plan.projects if not d.selected]
    others.sort(key=lambda d: (-float(arr.benefit[index[d.id]]), d.id))
    yes, no = text("word.yes", lang), text("word.no", lang)
    rows = []
    for d in [*selected, *others]:
        p = pf.project(d.id)
        expl = ri.explanations[d.id] if d.id in ri.explanations else None  # noqa: SIM401 (not a dict)
        flip = None if expl is None else expl.flip_benefit
        rows.append(
            (
                ri.ranks.get(d.id),
                d.id,
                p.name,
                field_label(p.field, lang),
                yes if d.selected else no,
                d.start,
                d.finish,
                pf.programme(d.programme).name if d.programme else None,
                float((d.grant or 0.0) + (d.own_cost or 0.0)) if d.selected else p.total_cost,
                d.grant,
                d.own_cost,
                d.benefit if d.selected else float(arr.benefit[index[d.id]]),
                None if flip is None or not math.isfinite(flip) else flip,
                yes if p.mandatory else "",
                "" if d.selected else main_reason(ri, d.id),
                "" if expl is None else expl.text(lang),
            )
        )
    cols = (
        "rank",
        "id",
        "project",
        "field",
        "selected",
        "start",
        "finish",
        "programme",
        "investment",
        "grant",
        "own_share",
        "benefit",
        "flip",
        "mandatory",
        "reason",
        "reasons",
    )
    kinds: tuple[CellKind, ...] = (
        "int",
        "text",
        "text",
        "text",
        "text",
        "year",
        "year",
        "text",
        "eur",
        "eur",
        "eur",
        "points",
        "points",
        "text",
        "text",
        "text",
    )
    return Table(
        "priorities_all",
        text("table.priorities", lang),
        tuple(text(f"col.{c}", lang) for c in cols),
        kinds,
        tuple(rows),
    )


def financing_sheet_table(ri: ReportInputs) -> Table:
    """The financing plan in long form (one row per year and programme, plus a total row per year)."""
    lang = ri.lang
    fp = ri.financing
    rows = []
    for rec in fp.to_dict("records"):
        is_total = rec["level"] == "total"
        prog = rec["programme"] if isinstance(rec["programme"], str) else None
        name = "" if is_total else (ri.portfolio.programme(prog).name if prog else text("word.no_programme", lang))
        rows.append(
            (
                int(rec["year"]),
                text("word.total" if is_total else "word.programme", lang),
                name,
                prog or "",
                *(float(rec[c]) for c in FINANCING_COLUMNS),
            )
        )
    cols = ("year", "level", "programme", "programme_id", *FINANCING_COLUMNS)
    money: list[CellKind] = ["eur" for _ in FINANCING_COLUMNS]
    totals = frozenset(k for k, r in enumerate(rows) if r[1] == text("word.total", lang))
    return Table(
        "financing_long",
        text("table.financing", lang, horizon=""),
        tuple(text(f"col.{c}", lang) for c in cols),
        ("year", "text", "text", "text", *money),
        tuple(rows),
        totals=totals,
    )


def build_report_workbook(ri: ReportInputs) -> Any:
    """The formatted Excel report for *ri* as an openpyxl ``Workbook``."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    lang = ri.lang
    names = SHEETS[lang]
    wb = Workbook()

    ws = wb.active
    ws.title = names["summary"]
    _header(ws, 1, (text("col.figure", lang), text("col.value", lang)), lang)
    figures = key_figures(ri)
    for r, (label, value, kind) in enumerate(figures, start=2):
        _put(ws, r, 1, label, "text", lang)
        _put(ws, r, 2, value, kind, lang)
    ws.auto_filter.ref = f"A1:B{len(figures) + 1}"
    row = len(figures) + 3
    _put(ws, row, 1, text("h.summary", lang), "text", lang).font = Font(bold=True)
    for reason in ri.explanations.summary:
        row += 1
        cell = _put(ws, row, 1, reason.text(lang), "text", lang)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        ws.row_dimensions[row].height = 45
    ws.freeze_panes = "A2"
    _widths(ws, {1: 42.0, 2: 18.0, 3: 18.0, 4: 18.0})
    _print_setup(ws, landscape=False)

    ws = wb.create_sheet(names["priorities"])
    table = priorities_sheet_table(ri)
    _write_table(ws, table, lang)
    ws.freeze_panes = "D2"
    _widths(ws, {3: 45.0, 16: 90.0})
    for cells in ws.iter_rows(min_row=2, min_col=16, max_col=16):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _print_setup(ws, landscape=True)

    ws = wb.create_sheet(names["financing"])
    _write_table(ws, financing_sheet_table(ri), lang)
    ws.freeze_panes = "B2"
    _widths(ws)
    _print_setup(ws, landscape=True)

    ws = wb.create_sheet(names["roadmap"])
    if ri.roadmap is not None:
        _write_section(ws, ri, ri.roadmap.title, [t for _, t in ri.roadmap.tables], ri.roadmap.paragraphs)
    else:
        _write_table(ws, schedule_table(ri), lang)
        ws.freeze_panes = "B2"
    _widths(ws, {1: 45.0})
    _print_setup(ws, landscape=True)

    ws = wb.create_sheet(names["scenarios"])
    sections = [s for s in (ri.comparison, ri.robustness) if s is not None]
    if sections:
        row = 1
        for section in sections:
            row = _write_section(ws, ri, section.title, [t for _, t in section.tables], section.paragraphs, start=row)
            row += 2
    else:
        _header(ws, 1, (text("h.scenarios", lang),), lang)
        _put(ws, 2, 1, text("report.no_scenarios", lang), "text", lang)
        ws.freeze_panes = "A2"
    _widths(ws, {1: 45.0})
    _print_setup(ws, landscape=True)

    return wb


def write_report_workbook(ri: ReportInputs, path: str | Path) -> Path:
    """Write the formatted Excel report for *ri* to *path*, atomically."""
    wb = build_report_workbook(ri)
    target = Path(path)
    with atomic_path(target) as tmp:
        wb.save(tmp)
    logger.info("wrote %s", target)
    return target


def _write_section(
    ws: Any,
    ri: ReportInputs,
    title: str,
    frames: list[Any],
    paragraphs: tuple[str, ...],
    *,
    start: int = 1,
) -> int:
    """A hook section: its tables one below the other (the first header frozen when it starts the sheet)."""
    from openpyxl.styles import Font

    row = start
    if frames:
        for k, frame in enumerate(frames):
            table = frame_table(f"section{k}", title, frame, ri.lang)
            if row > 1:
                _put(ws, row, 1, title, "text", ri.lang).font = Font(bold=True)
                row += 1
            last = _write_table(ws, table, ri.lang, start=row, filters=row == 1)
            if row == 1:
                ws.freeze_panes = "A2"
            row = last + 2
    for para in paragraphs:
        _put(ws, row, 1, para, "text", ri.lang)
        row += 1
    return row
