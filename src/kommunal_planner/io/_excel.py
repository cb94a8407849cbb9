"""Excel workbooks (.xlsx): one sheet per table, in the layout of :mod:`kommunal_planner.io._tables`.

Reading uses openpyxl in read-only mode with the values a spreadsheet last computed (``data_only``), so a
formula cell gives its saved result. A formula whose result was never saved (a file written by a program and
not opened in a spreadsheet since) is an error naming the cell. The input is read into memory once, never
written.

Writing gives a workbook a person can work in: a bold, frozen header row with filters, fitting column widths,
number formats (``#,##0`` for EUR, ``0%`` for shares, also on the empty cells below the data). Drop-down lists
and an explanations sheet are added by templates (:mod:`kommunal_planner.io._template`). Floats keep every
digit, so reading the workbook back gives an equal portfolio. (Excel itself keeps 15 significant digits, so a
file saved in Excel may differ in the 16th.)
"""

from __future__ import annotations

import logging
import os
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from kommunal_planner.errors import DataFormatError, KommunalPlannerError, Location
from kommunal_planner.io._atomic import atomic_path
from kommunal_planner.io._tables import (
    PROJECTS,
    Lang,
    RawTable,
    TableOut,
    build_portfolio,
    make_table,
    match_table,
    normalise,
    portfolio_tables,
    read_file_bytes,
)
from kommunal_planner.model import Portfolio

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["build_workbook", "read_excel", "save_workbook", "write_excel"]

logger = logging.getLogger(__name__)

_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ENGLISH_PROJECT_SHEETS = {normalise(n) for n in ("Projects", "Project", "Measures")}
HEADER_FILL = "DDEBF7"
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_COLUMN_FORMATS = {"money": "#,##0", "rate": "0%"}


# --------------------------------------------------------------------------- reading
def read_excel(path: str | os.PathLike[str]) -> Portfolio:
    """Read a portfolio from an Excel workbook (.xlsx, .xlsm).

    Parameters
    ----------
    path
        The workbook: sheets Allgemein/Settings, Haushalt/Budget, Projekte/Projects and optionally
        Kriterien/Criteria and Förderprogramme/Programmes (German or English names; other sheets are ignored).

    Returns
    -------
    Portfolio
        The validated portfolio.

    Raises
    ------
    DataFormatError
        The file is no readable workbook, or a required sheet or column is missing, unknown or doubled.
    ValidationError
        A cell or the portfolio is wrong; the message names file, sheet, row and column.

    See Also
    --------
    write_excel, kommunal_planner.io.write_template, kommunal_planner.io.read
    """
    source = str(path)
    data = read_file_bytes(path)
    tables = _tables(data, source)
    return build_portfolio(tables, source=source)


def _not_a_workbook(data: bytes, source: str) -> DataFormatError:
    if not data:
        return DataFormatError("the file is empty", location=Location(file=source))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        hint = "this is an old .xls workbook (or encrypted); save it as .xlsx (Excel-Arbeitsmappe)"
    elif data[:4096].isascii() and b"\x00" not in data[:4096]:
        hint = "it looks like a text file; CSV files belong in a folder, read as a folder of CSV files"
    else:
        hint = "save it in Excel as .xlsx (Excel-Arbeitsmappe)"
    return DataFormatError("is not an Excel workbook (.xlsx)", location=Location(file=source), hint=hint)


def _tables(data: bytes, source: str) -> dict[str, RawTable]:
    if not data.startswith(b"PK\x03\x04"):
        raise _not_a_workbook(data, source)
    sheets = _load_sheets(data, source)
    project_title = next((title for title, _ in sheets if (s := match_table(title)) and s.key == "projects"), None)
    decimal_mark = "." if project_title and normalise(project_title) in _ENGLISH_PROJECT_SHEETS else ","
    tables: dict[str, RawTable] = {}
    for title, rows in sheets:
        spec = match_table(title)
        if spec is None:
            continue
        if spec.key in tables:
            raise DataFormatError(
                f"the sheets '{tables[spec.key].sheet}' and '{title}' both hold the table {spec.en}",
                location=Location(file=source),
                hint="delete or rename one of them",
            )
        tables[spec.key] = make_table(spec, rows, file=source, sheet=title, decimal_mark=decimal_mark, letters=True)
    unsaved = _formulas_without_result(data)
    for key, table in tables.items():
        cells = unsaved.get(table.sheet or "")
        if cells:
            raise _unsaved_formula(table, cells[0])
        logger.debug("read sheet '%s' as %s: %d rows", table.sheet, key, len(table.rows))
    return tables


def _load_sheets(data: bytes, source: str) -> list[tuple[str, list[tuple[int, list[Any]]]]]:
    """Every worksheet's title and its rows (row number, cell values), read in one pass."""
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            wb = load_workbook(BytesIO(data), read_only=True, data_only=True)
            try:
                sheets = [(ws.title, _rows(ws)) for ws in wb.worksheets]
            finally:
                wb.close()
    except KommunalPlannerError:
        raise
    except Exception as exc:  # a damaged archive fails in zipfile, XML or openpyxl alike, with no common base
        raise DataFormatError(
            f"cannot be read as an Excel workbook ({type(exc).__name__}: {_short(exc)})",
            location=Location(file=source),
            hint="the file may be damaged or incomplete; save it again in Excel",
        ) from exc
    for warning in caught:
        logger.info("%s: %s", source, warning.message)
    return sheets


def _rows(ws: Any) -> list[tuple[int, list[Any]]]:
    # The stored dimension can be wrong (some programs write A1 or the whole sheet); read the rows that exist.
    ws.reset_dimensions()
    return [(number, list(row)) for number, row in enumerate(ws.iter_rows(values_only=True), start=1) if row]


def _short(exc: BaseException) -> str:
    text = str(exc) or "no details"
    return text if len(text) <= 120 else text[:117] + "..."


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _formulas_without_result(data: bytes) -> dict[str, list[str]]:
    """Sheet title → cells whose formula has no saved result.

    openpyxl cannot tell such a cell from an empty one, so the sheet XML is looked at directly, and only for
    sheets that hold a formula at all. An empty text result (``t="str"``) is a saved result.
    """
    out: dict[str, list[str]] = {}
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            for title, part in _sheet_parts(zf).items():
                raw = zf.read(part)
                if not _FORMULA_TAG.search(raw):
                    continue
                missing = list(_unsaved_cells(raw))
                if missing:
                    out[title] = missing
    except (KeyError, zipfile.BadZipFile, ET.ParseError, OSError, ValueError) as exc:
        # openpyxl has read the workbook already; a layout this check does not know only skips the check.
        logger.debug("formula check skipped: %s", exc)
    return out


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    workbook = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels if _local(rel.tag) == "Relationship"}
    parts: dict[str, str] = {}
    for el in workbook.iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
        target = targets.get(rid, "")
        if not target:
            continue
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        parts[el.get("name", "")] = path
    return parts


def _unsaved_cells(raw: bytes) -> Iterator[str]:
    for _, el in ET.iterparse(BytesIO(raw), events=("end",)):
        if _local(el.tag) != "c":
            continue
        children = {_local(child.tag): child for child in el}
        if "f" in children:
            value = children.get("v")
            if value is None or (not value.text and el.get("t") != "str"):
                yield el.get("r", "?")
        el.clear()


def _unsaved_formula(table: RawTable, coordinate: str) -> DataFormatError:
    match = re.match(r"([A-Z]+)(\d+)$", coordinate)
    row, column = (int(match.group(2)), match.group(1)) if match else (None, coordinate)
    j = sum((ord(ch) - 64) * 26**k for k, ch in enumerate(reversed(column))) - 1 if match else -1
    header = table.headers[j] if 0 <= j < len(table.headers) and table.headers[j] else f"{column}"
    return DataFormatError(
        f"the cell {coordinate} holds a formula whose result was never saved",
        location=table.where(row=row, column=header),
        hint="open the file in Excel or LibreOffice and save it, so that the results are stored",
    )


# --------------------------------------------------------------------------- writing
def write_excel(portfolio: Portfolio, path: str | os.PathLike[str], *, lang: Lang = "de") -> None:
    """Write *portfolio* as an Excel workbook, atomically; :func:`read_excel` reads it back equal.

    Parameters
    ----------
    portfolio
        The portfolio.
    path
        The target ``.xlsx`` file; an existing file is replaced only once the new one is complete.
    lang
        ``"de"`` (default) or ``"en"``: the names of sheets, columns and yes/no.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from kommunal_planner.io import parse_yaml
    >>> pf = parse_yaml("{name: Mini, horizon: {start: 2026, years: 1}, budget: 9, "
    ...                 "projects: [{id: a, benefit: 1}]}")
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "mini.xlsx"
    >>> write_excel(pf, target, lang="en")
    >>> read_excel(target) == pf
    True
    """
    target = Path(path)
    if target.suffix.lower() == ".xlsm":
        raise DataFormatError(
            "cannot write a macro workbook (.xlsm)", location=Location(file=str(target)), hint="write .xlsx"
        )
    wb, _ = build_workbook(portfolio_tables(portfolio, lang))
    save_workbook(wb, target)


def save_workbook(wb: Workbook, target: Path) -> None:
    """Save *wb* to *target* atomically; an OS error names the file."""
    with atomic_path(target) as tmp:
        try:
            wb.save(tmp)
        except OSError as exc:
            raise DataFormatError(
                f"cannot be written ({exc.strerror or exc})", location=Location(file=str(target))
            ) from exc


def build_workbook(tables: list[TableOut]) -> tuple[Workbook, dict[str, Worksheet]]:
    """A workbook with one formatted sheet per table, and the sheets by table key."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    sheets: dict[str, Worksheet] = {}
    for table in tables:
        ws = wb.create_sheet(table.name)
        sheets[table.spec.key] = ws
        _fill(ws, table)
    return wb, sheets


def _fill(ws: Worksheet, table: TableOut) -> None:
    from openpyxl.styles import Font, PatternFill

    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    for j, header in enumerate(table.headers, start=1):
        cell = ws.cell(row=1, column=j)
        _put(cell, header, table, 1, j - 1)
        cell.font = bold
        cell.fill = fill
    for i, row in enumerate(table.rows):
        for j, value in enumerate(row):
            if value is not None:
                cell = ws.cell(row=i + 2, column=j + 1)
                _put(cell, value, table, i + 2, j)
                _format(cell, value, table.kind(i, j))
            elif table.spec.key_value and j == 1 and table.kind(i, j) in _COLUMN_FORMATS:
                ws.cell(row=i + 2, column=2).number_format = _COLUMN_FORMATS[table.kind(i, j)]
    last = letter(len(table.headers))
    ws.freeze_panes = "C2" if table.spec is PROJECTS else "A2"
    if not table.spec.key_value:
        ws.auto_filter.ref = f"A1:{last}{max(len(table.rows) + 1, 2)}"
    for j, header in enumerate(table.headers):
        width = max([len(header)] + [_shown_length(r[j]) for r in table.rows[:500]])
        dimension = ws.column_dimensions[letter(j + 1)]
        dimension.width = min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)
        # A column's style is what a spreadsheet gives the cells typed into it later (the template's rows).
        if not table.spec.key_value and table.kinds[j] in _COLUMN_FORMATS:
            dimension.number_format = _COLUMN_FORMATS[table.kinds[j]]


def _put(cell: Cell, value: Any, table: TableOut, row: int, j: int) -> None:
    if isinstance(value, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        if len(value) > 32767 or ILLEGAL_CHARACTERS_RE.search(value):
            raise DataFormatError(
                "a text cannot be stored in an Excel cell",
                location=Location(sheet=table.name, row=row, column=table.headers[j] if row > 1 else None),
                expected="at most 32,767 characters and no control characters",
                found=value,
            )
        cell.value = value
        # Texts such as "=x" or "#N/A" would become a formula or an error value; they are texts.
        if cell.data_type != "s":
            cell.data_type = "s"
    elif isinstance(value, float) and float(f"{value:.16g}") != value:
        # openpyxl stores numbers with 16 significant digits; this float needs 17 to read back equal.
        cell.value = repr(value)
        cell.data_type = "n"
    else:
        cell.value = value


def _format(cell: Cell, value: Any, kind: str) -> None:
    if not isinstance(value, int | float):
        return
    whole = float(value).is_integer()
    if kind == "money":
        cell.number_format = "#,##0" if whole else "#,##0.00"
    elif kind == "rate":
        cell.number_format = "0%" if float(value * 100).is_integer() else "0.00%"


def _shown_length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, float | int):
        return min(len(f"{value:,.2f}"), 16)
    return max((len(line) for line in str(value).splitlines()), default=0)


def letter(j: int) -> str:
    """The spreadsheet letters of the 1-based column *j*."""
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(j))
