"""A folder of CSV files, one per table, in the layout of :mod:`kommunal_planner.io._tables`.

Reading detects, per file, what spreadsheet programs write: the encoding (UTF-8 with or without BOM, UTF-16
with BOM, else Windows-1252), the delimiter (comma, semicolon or tab, from the header line; Excel's ``sep=;``
first line is understood) and the decimal mark (a comma in semicolon files, as German Excel writes them; a
point otherwise, see :func:`~kommunal_planner.io._tables.parse_number` for the numbers that are unambiguous
anyway). Files are named after their table in German or English (``projekte.csv`` or ``projects.csv``,
``foerderprogramme.csv`` …); other files are ignored. Rows are numbered as the file's lines.

Writing has two dialects:

``"default"``
    UTF-8 without BOM, comma-separated, decimal point, ``\\n`` line ends: for version control and other tools.
``"de"``
    What German Excel opens with a double click: UTF-8 with BOM, semicolon-separated, decimal comma,
    ``\\r\\n`` line ends.

Both keep every digit of a float, so reading the folder back gives an equal portfolio.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import os
from pathlib import Path
from typing import Any, Literal

from kommunal_planner.errors import DataFormatError, Location
from kommunal_planner.io._atomic import atomic_dir
from kommunal_planner.io._tables import (
    TABLES,
    Lang,
    RawTable,
    TableOut,
    TableSpec,
    build_portfolio,
    format_number,
    make_table,
    match_table,
    normalise,
    portfolio_tables,
    read_file_bytes,
)
from kommunal_planner.model import Portfolio

__all__ = ["read_csv_folder", "write_csv_folder"]

logger = logging.getLogger(__name__)

Dialect = Literal["default", "de"]
_DELIMITERS = (";", ",", "\t")


def file_name(spec: TableSpec, lang: Lang) -> str:
    """The file name a table is written to: its name in *lang*, in ASCII, lower case.

    Examples
    --------
    >>> from kommunal_planner.io._tables import PROGRAMMES
    >>> file_name(PROGRAMMES, "de"), file_name(PROGRAMMES, "en")
    ('foerderprogramme.csv', 'programmes.csv')
    """
    return normalise(spec.name(lang)).replace(" ", "_") + ".csv"


# --------------------------------------------------------------------------- reading
def read_csv_folder(path: str | os.PathLike[str]) -> Portfolio:
    """Read a portfolio from a folder of CSV files, one per table.

    Parameters
    ----------
    path
        The folder, holding ``allgemein.csv`` (``settings.csv``), ``haushalt.csv`` (``budget.csv``),
        ``projekte.csv`` (``projects.csv``) and optionally ``kriterien.csv`` (``criteria.csv``) and
        ``foerderprogramme.csv`` (``programmes.csv``).

    Returns
    -------
    Portfolio
        The validated portfolio.

    Raises
    ------
    DataFormatError
        A file cannot be read as CSV, or a required file or a column is missing, unknown or doubled.
    ValidationError
        A cell or the portfolio is wrong; the message names the file, its line and column.

    See Also
    --------
    write_csv_folder, kommunal_planner.io.read
    """
    folder = Path(path)
    if not folder.exists():
        raise DataFormatError("no such folder", location=Location(file=str(folder)))
    if not folder.is_dir():
        raise DataFormatError(
            "is not a folder of CSV files",
            location=Location(file=str(folder)),
            hint="use .yaml, .json or .xlsx for a single file",
        )
    try:
        files = sorted(f for f in folder.iterdir() if f.suffix.lower() == ".csv" and f.is_file())
    except OSError as exc:
        raise DataFormatError(f"cannot be read ({exc.strerror or exc})", location=Location(file=str(folder))) from exc
    if not files:
        expected = ", ".join(file_name(t, "de") for t in TABLES if t.required)
        raise DataFormatError(
            "the folder holds no CSV files",
            location=Location(file=str(folder)),
            hint=f"expected {expected} (or their English names)",
        )
    tables: dict[str, RawTable] = {}
    for f in files:
        spec = match_table(f.stem)
        if spec is None:
            continue
        if spec.key in tables:
            raise DataFormatError(
                f"the files '{Path(tables[spec.key].file).name}' and '{f.name}' hold the same table",
                location=Location(file=str(folder)),
                hint="delete or rename one of them",
            )
        tables[spec.key] = read_csv_table(f, spec)
    return build_portfolio(tables, source=str(folder))


def read_csv_table(path: Path, spec: TableSpec) -> RawTable:
    """One CSV file as a raw table (encoding, delimiter and decimal mark detected)."""
    source = str(path)
    text = _decode(read_file_bytes(path), source)
    delimiter, skip = _sniff(text)
    decimal_mark = "," if delimiter == ";" or (delimiter == "\t" and _german(path.stem, spec)) else "."
    rows: list[tuple[int, list[Any]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 0
    try:
        for record in reader:
            start, line = line + 1, reader.line_num
            if skip:
                skip = False
                continue
            rows.append((start, list(record)))
    except csv.Error as exc:
        raise DataFormatError(
            f"is not valid CSV ({exc})", location=Location(file=source, row=reader.line_num or None)
        ) from exc
    logger.debug("%s: delimiter %r, decimal mark %r, %d lines", source, delimiter, decimal_mark, line)
    return make_table(spec, rows, file=source, sheet=None, decimal_mark=decimal_mark, letters=False)


def _german(stem: str, spec: TableSpec) -> bool:
    return normalise(stem) != normalise(spec.en)


def _decode(raw: bytes, source: str) -> str:
    """Text of a CSV file: UTF-16 with BOM, UTF-8 (BOM or not), else Windows-1252."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DataFormatError("is not valid UTF-16 text", location=Location(file=source)) from exc
    if b"\x00" in raw:
        raise DataFormatError(
            "is not a text file (it contains binary data)",
            location=Location(file=source),
            hint="save the table as CSV (UTF-8)",
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise DataFormatError(
            "is neither UTF-8 nor Windows-1252 text",
            location=Location(file=source),
            hint="save the table as CSV (UTF-8)",
        ) from exc


def _sniff(text: str) -> tuple[str, bool]:
    """The delimiter, from the first non-blank line; and whether that line is Excel's ``sep=`` hint.

    The delimiter that splits the header into the most cells wins; a tie (or none) goes to the semicolon,
    then the comma, since a header with neither is a single column.
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    if first.lower().startswith("sep=") and len(first.rstrip()) == 5:
        return first[4], True
    counts = {d: _cells(first, d) for d in _DELIMITERS}
    best = max(counts.values())
    if best <= 1:
        return ",", False
    return next(d for d in _DELIMITERS if counts[d] == best), False


def _cells(line: str, delimiter: str) -> int:
    try:
        return len(next(csv.reader([line], delimiter=delimiter), []))
    except csv.Error:  # a field beyond the size limit; the reader proper reports it with its line
        return line.count(delimiter) + 1


# --------------------------------------------------------------------------- writing
def write_csv_folder(
    portfolio: Portfolio, path: str | os.PathLike[str], *, lang: Lang = "de", dialect: Dialect = "default"
) -> None:
    """Write *portfolio* as a folder of CSV files, atomically; :func:`read_csv_folder` reads it back equal.

    Parameters
    ----------
    portfolio
        The portfolio.
    path
        The folder; an existing folder is replaced as a whole once the new one is complete.
    lang
        ``"de"`` (default) or ``"en"``: file, column and settings names, and yes/no.
    dialect
        ``"default"`` (UTF-8, comma, decimal point) or ``"de"`` (UTF-8 with BOM, semicolon, decimal comma:
        what German Excel opens directly).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from kommunal_planner.io import parse_yaml
    >>> pf = parse_yaml("{name: Mini, horizon: {start: 2026, years: 1}, budget: 9.5, "
    ...                 "projects: [{id: a, benefit: 1}]}")
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "mini"
    >>> write_csv_folder(pf, target, dialect="de")
    >>> sorted(p.name for p in target.iterdir())[:3]
    ['allgemein.csv', 'foerderprogramme.csv', 'haushalt.csv']
    >>> read_csv_folder(target) == pf
    True
    """
    if dialect not in ("default", "de"):
        raise ValueError(f"dialect must be 'default' or 'de', not {dialect!r}")
    tables = portfolio_tables(portfolio, lang)
    german = dialect == "de"
    with atomic_dir(path) as tmp:
        for table in tables:
            text = _csv_text(table, delimiter=";" if german else ",", decimal_mark="," if german else ".")
            data = text.encode("utf-8-sig" if german else "utf-8")
            try:
                (tmp / file_name(table.spec, lang)).write_bytes(data)
            except OSError as exc:
                raise DataFormatError(
                    f"cannot be written ({exc.strerror or exc})", location=Location(file=str(path))
                ) from exc


def _csv_text(table: TableOut, *, delimiter: str, decimal_mark: str) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n" if delimiter == ";" else "\n")
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow(["" if v is None else v if isinstance(v, str) else format_number(v, decimal_mark) for v in row])
    return out.getvalue()
