"""Excel workbooks: round trips, what a person types into cells, and errors located at the cell."""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import re
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kommunal_planner.errors import DataFormatError, DependencyCycleError, KommunalPlannerError, ValidationError
from kommunal_planner.io import _tables as tables
from kommunal_planner.io import read, read_excel, write, write_excel
from kommunal_planner.model import Criterion, Eligibility, Focus, FundingProgramme, Horizon, Portfolio, Project


@pytest.fixture
def pf() -> Portfolio:
    """Three years, two criteria, a programme with every field, projects with every column."""
    return Portfolio(
        name="Teststadt",
        description="Zwei Zeilen\nBeschreibung",
        horizon=Horizon(2026, 3),
        budget={2026: 100_000, 2027: 120_000.5, 2028: 90_000},
        staff_capacity={2026: 300, 2028: 250.5},
        financially_weak=True,
        discount_rate=0.025,
        focus=Focus(2),
        criteria=(Criterion("citizen", "Bürger", 0.6), Criterion("urgency", "Dringlichkeit", 0.4)),
        programmes=(
            FundingProgramme(
                "land",
                "Landesprogramm",
                rate=0.655,
                rate_weak=0.9,
                max_grant=50_000,
                min_grant=2_500,
                pot=80_000,
                windows=(2026, 2027),
                approval_probability=0.7,
                eligible=Eligibility(fields=("administration",), projects=("schule",), tags=("pilot",)),
            ),
        ),
        projects=(
            Project(
                "portal",
                "Bürgerportal",
                "administration",
                2,
                cost=(60_000.0, 0.1 + 0.2),
                staff_days=(40, 20),
                operating_cost=5_000,
                scores={"citizen": 4, "urgency": 5},
                tags=("ozg", "pilot"),
                deadline=2028,
            ),
            Project(
                "netz",
                "Glasfaser",
                "broadband",
                1,
                cost=50_000,
                benefit=42.5,
                exclusive_group="g",
                earliest_start=2026,
                latest_start=2027,
            ),
            Project(
                "schule",
                "=Schul-WLAN",
                "education",
                1,
                cost=20_000,
                scores={"citizen": 2, "urgency": 1},
                requires=("portal",),
                description="#N/A",
            ),
        ),
    )


@pytest.fixture
def book(pf: Portfolio, tmp_path: Path) -> Path:
    path = tmp_path / "projekte.xlsx"
    write_excel(pf, path)
    return path


def _edit(path: Path, change: Callable[[openpyxl.Workbook], Any]) -> Path:
    wb = openpyxl.load_workbook(path)
    change(wb)
    out = path.with_name("edited.xlsx")
    wb.save(out)
    return out


def _col(ws: Any, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


def _baseline(path: Path) -> Portfolio:
    """The portfolio of *path* after openpyxl saved it again (it keeps 16 significant digits, not 17)."""
    return read(_edit(path, lambda wb: None))


def _clear(ws: Any, row: int, column: int) -> None:
    ws.cell(row, column).value = None


def _error(path: Path) -> KommunalPlannerError:
    with pytest.raises(KommunalPlannerError) as info:
        read(path)
    return info.value


# --------------------------------------------------------------------------- round trips and layout
@pytest.mark.parametrize("lang", ["de", "en"])
def test_round_trip_is_exact(pf: Portfolio, tmp_path: Path, lang: str) -> None:
    path = tmp_path / "pf.xlsx"
    write_excel(pf, path, lang=lang)  # type: ignore[arg-type]
    back = read_excel(path)
    assert back == pf
    assert back.project("portal").cost[1] == 0.1 + 0.2  # 17 significant digits survive
    assert back.project("schule").name == "=Schul-WLAN"  # a text, not a formula


def test_written_sheets_and_headers(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == ["Allgemein", "Haushalt", "Kriterien", "Förderprogramme", "Projekte"]
    headers = [c.value for c in wb["Projekte"][1]]
    assert headers[:6] == ["ID", "Name", "Handlungsfeld", "Dauer", "Kosten Jahr 1", "Kosten Jahr 2"]
    assert "Bewertung citizen" in headers and "Personentage Jahr 2" in headers
    assert [r[0].value for r in wb["Allgemein"].iter_rows(min_row=2)][:3] == ["Name", "Beschreibung", "Planungsbeginn"]


def test_formatting(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    ws = wb["Projekte"]
    assert ws["A1"].font.b and ws.freeze_panes == "C2" and ws.auto_filter.ref.startswith("A1:")
    assert ws.cell(2, _col(ws, "Kosten Jahr 1")).number_format == "#,##0"
    assert ws.column_dimensions["B"].width >= len("Bürgerportal")
    rate = wb["Förderprogramme"].cell(2, _col(wb["Förderprogramme"], "Förderquote"))
    assert rate.value == 0.655 and rate.number_format == "0.00%"
    assert wb["Förderprogramme"].cell(2, _col(wb["Förderprogramme"], "Förderquote Notlage")).number_format == "0%"
    assert wb["Haushalt"]["B3"].number_format == "#,##0.00"


def test_input_file_is_not_modified(book: Path) -> None:
    before = hashlib.sha256(book.read_bytes()).hexdigest()
    read(book)
    assert hashlib.sha256(book.read_bytes()).hexdigest() == before


def test_write_is_atomic_and_refuses_xlsm(pf: Portfolio, book: Path) -> None:
    before = book.read_bytes()
    bad = dataclasses.replace(pf, name="x\x01y")
    with pytest.raises(DataFormatError, match="control characters"):
        write_excel(bad, book)
    assert book.read_bytes() == before
    assert [p.name for p in book.parent.iterdir()] == [book.name]
    with pytest.raises(DataFormatError, match="xlsm"):
        write_excel(pf, book.with_suffix(".xlsm"))


# --------------------------------------------------------------------------- what people type
def test_german_and_english_number_texts(book: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["Projekte"]
        ws.cell(3, _col(ws, "Kosten Jahr 1"), "50.000,5")
        ws.cell(4, _col(ws, "Kosten Jahr 1"), "20.000 €")
        ws.cell(2, _col(ws, "Folgekosten"), "1.234")
        wb["Förderprogramme"].cell(2, _col(wb["Förderprogramme"], "Förderquote"), "65,5 %")
        wb["Allgemein"]["B7"] = "2,5%"

    back = read(_edit(book, change))
    assert back.project("netz").cost == (50_000.5,)
    assert back.project("schule").cost == (20_000.0,)
    assert back.project("portal").operating_cost == 1234.0  # dot thousands in a German workbook
    assert back.programmes[0].rate == 0.655
    assert back.discount_rate == 0.025


def test_yes_no_spellings_and_excel_booleans(book: Path) -> None:
    for value, expected in [
        ("x", True),
        ("JA", True),
        ("wahr", True),
        (1, True),
        (True, True),
        ("nein", False),
        ("", False),
        (0, False),
        ("no", False),
    ]:

        def change(wb: openpyxl.Workbook, value: Any = value) -> None:
            ws = wb["Projekte"]
            ws.cell(3, _col(ws, "Pflicht"), value)

        assert read(_edit(book, change)).project("netz").mandatory is expected, value


def test_header_variants_transliteration_case_units(book: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        wb["Förderprogramme"].title = "FOERDERPROGRAMME"
        ws = wb["Projekte"]
        ws.cell(1, _col(ws, "Kosten Jahr 1"), "kosten jahr 1 (EUR)")
        ws.cell(1, _col(ws, "Frühester Beginn"), "Fruehester_Beginn")
        ws.cell(1, _col(ws, "Bewertung citizen"), "citizen")  # a criterion id alone
        ws.cell(1, _col(ws, "Folgekosten"), "operating_cost")  # the contract key

    assert read(_edit(book, change)) == _baseline(book)


def test_total_cost_column_is_spread_evenly(book: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["Projekte"]
        for header in ("Kosten Jahr 1", "Kosten Jahr 2"):
            ws.cell(1, _col(ws, header), "Kosten" if header.endswith("1") else "Notiz")
        ws.delete_cols(_col(ws, "Notiz"))
        ws.cell(2, _col(ws, "Kosten"), 90_000)

    assert read(_edit(book, change)).project("portal").cost == (45_000.0, 45_000.0)


def test_total_and_yearly_columns_must_agree(book: Path) -> None:
    def change(wb: openpyxl.Workbook, total: float) -> None:
        ws = wb["Projekte"]
        ws.cell(1, ws.max_column + 1, "Kosten")
        ws.cell(3, ws.max_column, total)

    assert read(_edit(book, lambda wb: change(wb, 50_000))) == _baseline(book)
    err = _error(_edit(book, lambda wb: change(wb, 40_000)))
    assert isinstance(err, ValidationError)
    assert "row 3" in str(err) and "column Kosten:" in str(err) and "not to the total 40000" in str(err)


def test_headerless_settings_blank_rows_and_unknown_sheets(book: Path, caplog: pytest.LogCaptureFixture) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        wb["Allgemein"].delete_rows(1)
        wb["Projekte"].insert_rows(3, 2)
        wb.create_sheet("Notizen")["A1"] = "anything"

    with caplog.at_level(logging.INFO, logger="kommunal_planner.io._tables"):
        assert read(_edit(book, change)) == _baseline(book)
    assert "Notizen" in caplog.text and "Erläuterungen" not in caplog.text


def test_formula_with_saved_result_is_read(book: Path, tmp_path: Path) -> None:
    edited = _edit(book, lambda wb: wb["Projekte"].cell(3, _col(wb["Projekte"], "Kosten Jahr 1"), "=25000*2"))
    # A spreadsheet stores the result next to the formula; openpyxl does not, so add it as Excel would.
    saved = tmp_path / "saved.xlsx"
    with zipfile.ZipFile(edited) as src, zipfile.ZipFile(saved, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename.endswith(".xml"):
                data = re.sub(rb"<f>25000\*2</f>(<v\s*/>|<v></v>)", b"<f>25000*2</f><v>50000</v>", data)
            dst.writestr(item, data)
    assert read(saved).project("netz").cost == (50_000.0,)


# --------------------------------------------------------------------------- errors at the cell
@pytest.mark.parametrize(
    ("change", "kind", "where", "what"),
    [
        (
            lambda wb: wb["Projekte"].cell(3, _col(wb["Projekte"], "Kosten Jahr 1"), "ca. 20T€"),
            ValidationError,
            "sheet Projekte, row 3, project 'netz', column Kosten Jahr 1",
            'expected a number ≥ 0, found "ca. 20T€"',
        ),
        (
            lambda wb: wb["Projekte"].cell(3, _col(wb["Projekte"], "Kosten Jahr 1"), -5),
            ValidationError,
            "row 3, project 'netz', column Kosten Jahr 1",
            "expected a number ≥ 0, found -5.0",
        ),
        (
            lambda wb: wb["Projekte"].cell(4, _col(wb["Projekte"], "Voraussetzungen"), "portal, nix"),
            ValidationError,
            "row 4, project 'schule', column Voraussetzungen",
            "requires unknown project 'nix'",
        ),
        (
            lambda wb: _clear(wb["Projekte"], 4, _col(wb["Projekte"], "Bewertung urgency")),
            ValidationError,
            "row 4, project 'schule', column Bewertung urgency",
            "no score for criterion 'urgency'",
        ),
        (
            lambda wb: wb["Projekte"].cell(2, _col(wb["Projekte"], "Bewertung citizen"), 7),
            ValidationError,
            "row 2, project 'portal', column Bewertung citizen",
            "expected a score 0..5",
        ),
        (
            lambda wb: wb["Projekte"].cell(2, _col(wb["Projekte"], "Kosten Jahr 2"), "nan"),
            ValidationError,
            "column Kosten Jahr 2",
            'found "nan"',
        ),
        (
            lambda wb: wb["Projekte"].cell(3, _col(wb["Projekte"], "Kosten Jahr 2"), 5),
            ValidationError,
            "row 3, project 'netz', column Kosten Jahr 2",
            "the project runs 1 year, but there is a value for year 2",
        ),
        (
            lambda wb: wb["Projekte"].cell(3, _col(wb["Projekte"], "Dauer"), datetime(2027, 1, 1)),
            ValidationError,
            "column Dauer",
            "expected a whole number",
        ),
        (
            lambda wb: wb["Projekte"].cell(4, 1, "portal"),
            ValidationError,
            "row 4, column ID",
            "the id 'portal' is used twice (first in row 2)",
        ),
        (
            lambda wb: wb["Projekte"].cell(3, _col(wb["Projekte"], "Pflicht"), "vielleicht"),
            ValidationError,
            "column Pflicht",
            'found "vielleicht"',
        ),
        (
            lambda wb: wb["Förderprogramme"].cell(2, _col(wb["Förderprogramme"], "Förderquote"), 65),
            ValidationError,
            "sheet Förderprogramme, row 2, programme 'land', column Förderquote",
            "expected a rate in (0, 1]",
        ),
        (
            lambda wb: wb["Förderprogramme"].cell(2, _col(wb["Förderprogramme"], "Antragsjahre"), "2026, 2040"),
            ValidationError,
            "row 2, programme 'land', column Antragsjahre",
            "found 2040",
        ),
        (
            lambda wb: wb["Förderprogramme"].cell(2, _col(wb["Förderprogramme"], "Förderfähige Projekte"), "nix"),
            ValidationError,
            "column Förderfähige Projekte",
            "eligible project 'nix' is unknown",
        ),
        (
            lambda wb: wb["Haushalt"].cell(3, 1, 2040),
            ValidationError,
            "sheet Haushalt, row 3, column Jahr",
            "expected a year of the horizon 2026–2028, found 2040",
        ),
        (
            lambda wb: wb["Haushalt"].delete_rows(3),
            ValidationError,
            "sheet Haushalt, column Budget",
            "no budget for 2027",
        ),
        (
            lambda wb: wb["Haushalt"].cell(2, 2, -1),
            ValidationError,
            "sheet Haushalt, row 2, column Budget",
            "expected a number ≥ 0",
        ),
        (
            lambda wb: [wb["Kriterien"].cell(r, 3, 0) for r in (2, 3)],
            ValidationError,
            "sheet Kriterien, column Gewicht",
            "weights are all zero",
        ),
        (
            lambda wb: wb["Allgemein"].cell(4, 2, "zweitausend"),
            ValidationError,
            "sheet Allgemein, row 4, setting 'Planungsbeginn', column Wert",
            "expected a year",
        ),
        (lambda wb: wb["Allgemein"].cell(5, 2, 0), ValidationError, "sheet Allgemein, row 5", "≥ 1, found 0"),
        (
            lambda wb: _clear(wb["Allgemein"], 2, 2),
            ValidationError,
            "sheet Allgemein, row 2",
            "the setting 'Name' is not given",
        ),
        (
            lambda wb: wb["Allgemein"].cell(9, 1, "Farbe"),
            ValidationError,
            "sheet Allgemein, row 9",
            "unknown setting 'Farbe'",
        ),
        (
            lambda wb: wb["Projekte"].cell(1, _col(wb["Projekte"], "Kosten Jahr 2"), "Kostn Jahr 2"),
            DataFormatError,
            "sheet Projekte, row 1, column Kostn Jahr 2",
            "Did you mean 'Kosten Jahr 2'?",
        ),
        (
            lambda wb: wb["Projekte"].cell(1, _col(wb["Projekte"], "Name"), "Frist"),
            DataFormatError,
            "column Frist",
            "the column 'Frist' appears twice",
        ),
        (
            lambda wb: (
                wb["Projekte"].cell(1, _col(wb["Projekte"], "Name"), "Bezeichnung")
                and wb["Projekte"].cell(1, _col(wb["Projekte"], "Beschreibung"), "Titel")
            ),
            DataFormatError,
            "column Titel",
            "the columns 'Bezeichnung' and 'Titel' mean the same",
        ),
        (
            lambda wb: wb["Projekte"].cell(1, _col(wb["Projekte"], "Bewertung urgency"), "Bewertung urgncy"),
            ValidationError,
            "column Bewertung urgncy",
            "unknown criterion 'urgncy'. Did you mean 'urgency'?",
        ),
        (
            lambda wb: wb["Projekte"].cell(2, wb["Projekte"].max_column + 2, "stray"),
            DataFormatError,
            "sheet Projekte, row 2",
            "column",
        ),
        (
            lambda wb: wb["Projekte"].delete_cols(1),
            DataFormatError,
            "sheet Projekte, row 1",
            "the column 'ID' is missing",
        ),
        (lambda wb: wb.remove(wb["Haushalt"]), DataFormatError, "edited.xlsx:", "the sheet 'Haushalt' or 'Budget'"),
        (lambda wb: wb["Projekte"].delete_rows(1, 10), DataFormatError, "sheet Projekte", "the table is empty"),
        (lambda wb: wb["Projekte"].delete_rows(2, 10), ValidationError, "sheet Projekte", "no projects given"),
        (
            lambda wb: wb.create_sheet("Projects"),
            DataFormatError,
            "edited.xlsx",
            "the sheets 'Projekte' and 'Projects' both hold the table",
        ),
        (
            lambda wb: wb["Projekte"].cell(3, _col(wb["Projekte"], "Kosten Jahr 1"), "=1/0"),
            DataFormatError,
            "sheet Projekte, row 3, column Kosten Jahr 1",
            "formula whose result was never saved",
        ),
    ],
)
def test_errors_name_the_cell(
    book: Path, change: Callable[[openpyxl.Workbook], Any], kind: type[Exception], where: str, what: str
) -> None:
    err = _error(_edit(book, change))
    assert isinstance(err, kind), repr(err)
    assert str(err).startswith(str(book.with_name("edited.xlsx"))), str(err)
    assert where in str(err) and what in str(err), str(err)


def test_cycle_is_located_and_keeps_its_type(book: Path) -> None:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb["Projekte"]
        ws.cell(2, _col(ws, "Voraussetzungen"), "schule")

    err = _error(_edit(book, change))
    assert isinstance(err, DependencyCycleError)
    assert set(err.cycle) == {"portal", "schule"}
    assert err.sheet == "Projekte" and err.column == "Voraussetzungen" and err.row in (2, 4)


def test_error_location_attributes(book: Path) -> None:
    err = _error(_edit(book, lambda wb: wb["Projekte"].cell(3, _col(wb["Projekte"], "Frist"), 2040)))
    assert isinstance(err, ValidationError)
    assert (err.sheet, err.row, err.column, err.item) == ("Projekte", 3, "Frist", "project 'netz'")
    assert err.path == "deadline"


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"", "the file is empty"),
        (b"ID;Name\nportal;Portal\n", "is not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0" + bytes(200), "old .xls workbook"),
        (b"PK\x03\x04" + bytes(100), "cannot be read as an Excel workbook"),
    ],
)
def test_files_that_are_no_workbooks(tmp_path: Path, content: bytes, what: str) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    err = _error(path)
    assert isinstance(err, DataFormatError) and what in str(err) and str(path) in str(err)


def test_truncated_workbook_and_missing_file(book: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(book.read_bytes()[: book.stat().st_size // 2])
    assert isinstance(_error(cut), DataFormatError)
    assert "no such file" in str(_error(tmp_path / "missing.xlsx"))


# --------------------------------------------------------------------------- the layout table itself
def test_module_docstring_matches_the_layout() -> None:
    """The header table in the module docstring lists the names the code reads and writes."""
    doc = tables.__doc__ or ""
    lines = doc.splitlines()
    rules = [i for i, line in enumerate(lines) if line.startswith("=" * 20)]
    spans = [(m.start(), m.end()) for m in re.finditer(r"=+", lines[rules[0]])]
    spec = None
    checked = 0
    for line in lines[rules[1] + 1 : rules[2]]:
        key, de, en, also = (line[a : b if i < 3 else None].strip() for i, (a, b) in enumerate(spans))
        if key.startswith("*"):
            spec = tables.match_table(key.strip("*"))
            assert spec is not None and (spec.de, spec.en) == (de, en)
            continue
        assert spec is not None
        if key.startswith("("):
            column = tables.SETTINGS_KEY if "key" in key else tables.SETTINGS_VALUE
            assert (column.de, column.en) == (de, en)
            names = {tables.normalise(n) for n in column.names}
            assert all(tables.normalise(a) in names for a in also.split(", ") if a)
            continue
        column = spec.column(key.rstrip(" *"))
        assert column.required == key.endswith("*"), key
        if column.key == "scores":
            continue
        if column.year_de is not None:
            assert (column.year_name("de", 1), column.year_name("en", 1)) == (de[:-7] + "1", en[:-7] + "1")
        else:
            assert (column.de, column.en) == (de, en)
        for alias in also.split(", ") if also else ():
            alias = re.sub(r"\s*\(.*\)$", "", alias)
            assert spec.lookup[tables.normalise(alias)] is column, alias
        checked += 1
    assert checked == sum(len(t.columns) for t in tables.TABLES) - 1  # all but scores


def test_every_spec_column_is_written(pf: Portfolio) -> None:
    written = {t.spec.key: t.headers for t in tables.portfolio_tables(pf, "en")}
    for spec in tables.TABLES:
        if spec.key_value:
            continue
        for column in spec.columns:
            names = [column.year_name("en", 1)] if column.year_de else [column.en]
            if column.key == "scores":
                names = ["Score citizen"]
            assert set(names) <= set(written[spec.key]), (spec.key, column.key)


def test_write_dispatch_and_lang(pf: Portfolio, tmp_path: Path) -> None:
    write(pf, tmp_path / "x.xlsx")
    assert openpyxl.load_workbook(tmp_path / "x.xlsx").sheetnames[0] == "Allgemein"
    with pytest.raises(ValueError, match="lang"):
        write_excel(pf, tmp_path / "y.xlsx", lang="fr")  # type: ignore[arg-type]
