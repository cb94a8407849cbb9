"""Input templates: a workbook a municipality fills in, with drop-down lists and an explanations sheet.

The sheets and columns are those :func:`~kommunal_planner.io.read_excel` reads (see
:mod:`kommunal_planner.io._tables`). Drop-down lists offer closed choices: yes/no for ``Pflicht`` and
``Haushaltsnotlage`` (a warning, not a refusal, for other spellings the reader accepts), the standard fields of
action for ``Handlungsfeld`` and ``Förderfähige Handlungsfelder``, and the project ids of the projects sheet for
``Voraussetzungen`` and ``Förderfähige Projekte``; where a list is a suggestion (fields, ids in a
comma-separated cell), free entry stays allowed. No programme id is referenced by another column of the input
contract, so the programmes sheet feeds no drop-down. A blank template has no sample row, so whatever a
municipality types in is read back as typed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from kommunal_planner.io._excel import HEADER_FILL, build_workbook, letter, save_workbook
from kommunal_planner.io._sections import registered_sections
from kommunal_planner.io._tables import (
    FIELDS_OF_ACTION,
    SETTINGS,
    Lang,
    TableOut,
    explanation_rows,
    portfolio_tables,
)
from kommunal_planner.model import Portfolio

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["add_guidance", "write_template"]

_VALIDATION_ROWS = 1000  # rows below the data that still get drop-downs, room for new entries


def write_template(
    path: str | os.PathLike[str], lang: Lang = "de", portfolio: Portfolio | None = None, *, project_years: int = 4
) -> None:
    """Write an input template: every sheet with its headers, drop-down lists, formats and explanations.

    The template holds no sample rows, so what a municipality enters is read back as entered. Criteria scores
    need one column per criterion on the projects sheet, headed ``Bewertung <ID>`` (``Score <ID>``); the
    explanations sheet says so. With *portfolio*, the template is filled with it (the data of
    :func:`~kommunal_planner.io.write_excel` plus the guidance).

    Parameters
    ----------
    path
        The target ``.xlsx`` file (written atomically).
    lang
        ``"de"`` or ``"en"``.
    portfolio
        Optional: a portfolio to fill the template with.
    project_years
        Number of per-year cost and staff-day columns offered in a blank template.
    """
    if project_years < 1:
        raise ValueError(f"project_years must be ≥ 1, not {project_years}")
    tables = portfolio_tables(portfolio, lang, project_years=project_years)
    present = {t.spec.key for t in tables}
    for section in registered_sections():  # the optional sheets (scoring, scenarios), empty, after the core ones
        for spec in section.tables:
            if spec.key not in present and not spec.key_value:
                tables.append(
                    TableOut(
                        spec, spec.name(lang), [c.name(lang) for c in spec.columns], [c.kind for c in spec.columns], []
                    )
                )
    wb, sheets = build_workbook(tables)
    add_guidance(wb, sheets, tables, lang)
    save_workbook(wb, Path(path))


def add_guidance(wb: Workbook, sheets: dict[str, Worksheet], tables: list[TableOut], lang: Lang) -> None:
    """Add the drop-down lists to *sheets* and an explanations sheet to *wb*."""
    _validations(sheets, tables, lang)
    _explanations(wb.create_sheet("Erläuterungen" if lang == "de" else "Explanations"), lang)


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _validations(sheets: dict[str, Worksheet], tables: list[TableOut], lang: Lang) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    by_key = {t.spec.key: t for t in tables}
    yes_no = '"ja,nein"' if lang == "de" else '"yes,no"'
    projects = by_key["projects"]
    used_fields = [f for row in projects.rows for f in [row[2]] if isinstance(f, str)]
    fields = list(dict.fromkeys([*FIELDS_OF_ACTION, *used_fields]))
    field_list = '"' + ",".join(fields) + '"'
    if len(field_list) > 257 or any("," in f or '"' in f for f in fields):
        field_list = '"' + ",".join(FIELDS_OF_ACTION) + '"'
    last_row = max(len(projects.rows), len(by_key["programmes"].rows)) + _VALIDATION_ROWS
    id_range = f"${letter(1)}$2:${letter(1)}${last_row}"

    def add(table: TableOut, key: str, formula: str, *, strict: bool) -> None:
        header = table.spec.column(key).name(lang)
        if header not in table.headers:
            return
        column = letter(table.headers.index(header) + 1)
        dv = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=strict,
            errorStyle="warning" if strict else None,
        )
        sheets[table.spec.key].add_data_validation(dv)
        dv.add(f"{column}2:{column}{last_row}")

    add(projects, "field", field_list, strict=False)
    add(projects, "mandatory", yes_no, strict=True)
    add(projects, "requires", id_range, strict=False)
    programmes = by_key["programmes"]
    add(programmes, "eligible_fields", field_list, strict=False)
    add(programmes, "eligible_projects", f"{_quoted(projects.name)}!{id_range}", strict=False)
    weak_row = 2 + [c.key for c in SETTINGS.columns].index("financially_weak")
    dv = DataValidation(type="list", formula1=yes_no, allow_blank=True, showErrorMessage=True, errorStyle="warning")
    sheets["settings"].add_data_validation(dv)
    dv.add(f"B{weak_row}")


def _explanations(ws: Worksheet, lang: Lang) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    rows = explanation_rows(lang)
    for row in rows:
        ws.append(row)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
    widths = (18, 34, 70, 22, 10, 24)
    wrap = Alignment(wrap_text=True, vertical="top")
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[letter(j)].width = width
    for row_cells in ws.iter_rows(min_row=2):
        for cell in row_cells:
            cell.alignment = wrap
        if row_cells[0].value and not row_cells[1].value:
            row_cells[0].font = Font(bold=True)
    ws.freeze_panes = "A2"
    ws.sheet_properties.tabColor = "A6A6A6"
