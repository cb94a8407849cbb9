"""Input templates: headers, drop-downs, formats and explanations; filled in as a person would, read back."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kommunal_planner.errors import DataFormatError, ValidationError
from kommunal_planner.io import _tables as tables
from kommunal_planner.io import read, write_excel, write_template
from kommunal_planner.io._sections import registered_sections
from kommunal_planner.model import Criterion, Eligibility, Focus, FundingProgramme, Horizon, Portfolio, Project


def _intended() -> Portfolio:
    """What the municipality means to enter in the test below."""
    return Portfolio(
        name="Musterdorf",
        horizon=Horizon(2026, 3),
        budget={2026: 200_000, 2027: 210_000, 2028: 220_000},
        staff_capacity={2026: 150, 2027: 160},
        financially_weak=True,
        discount_rate=0.02,
        focus=Focus(2),
        criteria=(Criterion("citizen", "Bürgerpriorität", 0.7), Criterion("urgency", "Dringlichkeit", 0.3)),
        programmes=(
            FundingProgramme(
                "digital",
                "Digitales Rathaus",
                rate=0.8,
                rate_weak=0.9,
                max_grant=20_000,
                min_grant=2_500,
                windows=(2026, 2027),
                approval_probability=0.9,
                eligible=Eligibility(fields=("administration",), projects=("wlan",)),
            ),
        ),
        projects=(
            Project(
                "portal",
                "Bürgerportal",
                "administration",
                2,
                cost=(80_000, 40_000),
                operating_cost=10_000,
                staff_days=(60, 30),
                scores={"citizen": 5, "urgency": 4},
                mandatory=True,
                tags=("ozg",),
            ),
            Project(
                "wlan",
                "WLAN Rathaus",
                "administration",
                1,
                cost=15_000,
                staff_days=10,
                scores={"citizen": 3, "urgency": 2},
                requires=("portal",),
                exclusive_group="netz",
            ),
            Project(
                "app",
                "Mängelmelder",
                "participation",
                1,
                cost=9_999.5,
                benefit=40,
                earliest_start=2027,
                description="Meldungen per App\nmit Foto",
            ),
        ),
    )


def _append(ws: Any, values: dict[str, Any]) -> None:
    """Fill the next empty row by header name, as a person typing into the sheet."""
    headers = [c.value for c in ws[1]]
    row = ws.max_row + 1
    for header, value in values.items():
        ws.cell(row, headers.index(header) + 1, value)


@pytest.mark.parametrize("lang", ["de", "en"])
def test_blank_template_has_every_sheet_and_column(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "vorlage.xlsx"
    write_template(path, lang=lang)  # type: ignore[arg-type]
    wb = openpyxl.load_workbook(path)
    names = [t.name(lang) for t in tables.TABLES]  # type: ignore[arg-type]
    optional = [t for s in registered_sections() for t in s.tables if not t.key_value]
    assert {"Szenarien", "Paarvergleich", "Beteiligung"} <= {t.de for t in optional}
    extra = [t.name(lang) for t in optional]  # type: ignore[arg-type]
    assert wb.sheetnames == [*names, *extra, "Erläuterungen" if lang == "de" else "Explanations"]
    for spec in [*tables.TABLES, *optional]:
        ws = wb[spec.name(lang)]  # type: ignore[arg-type]
        headers = [c.value for c in ws[1]]
        assert all(c.font.b for c in ws[1])
        if spec.key_value:
            assert [r[0].value for r in ws.iter_rows(min_row=2)] == [c.name(lang) for c in spec.columns]  # type: ignore[arg-type]
            assert all(r[1].value is None for r in ws.iter_rows(min_row=2))
            continue
        assert ws.max_row == 1, "no sample rows"
        for col in spec.columns:
            if col.key == "scores":
                continue
            expected = col.year_name(lang, 4) if col.year_de else col.name(lang)  # type: ignore[arg-type]
            assert expected in headers, (spec.key, expected)


def test_blank_template_formats_and_drop_downs(tmp_path: Path) -> None:
    path = tmp_path / "vorlage.xlsx"
    write_template(path, project_years=2)
    wb = openpyxl.load_workbook(path)
    projects = wb["Projekte"]
    headers = [c.value for c in projects[1]]
    letter = {h: openpyxl.utils.get_column_letter(i + 1) for i, h in enumerate(headers)}
    assert "Kosten Jahr 3" not in headers
    assert projects.column_dimensions[letter["Kosten Jahr 1"]].number_format == "#,##0"
    assert wb["Förderprogramme"].column_dimensions["C"].number_format == "0%"
    assert wb["Allgemein"]["B7"].number_format == "0%"  # Diskontsatz
    lists = {str(dv.sqref).split(":")[0]: dv for dv in projects.data_validations.dataValidation}
    field = lists[f"{letter['Handlungsfeld']}2"]
    assert "administration" in field.formula1 and "environment" in field.formula1 and not field.showErrorMessage
    assert lists[f"{letter['Pflicht']}2"].formula1 == '"ja,nein"'
    assert lists[f"{letter['Voraussetzungen']}2"].formula1 == "$A$2:$A$1000"
    programmes = {
        str(dv.sqref).split(":")[0]: dv.formula1 for dv in wb["Förderprogramme"].data_validations.dataValidation
    }
    assert "'Projekte'!$A$2:$A$1000" in programmes.values()
    assert [str(dv.sqref) for dv in wb["Allgemein"].data_validations.dataValidation] == ["B6"]


@pytest.mark.parametrize("lang", ["de", "en"])
def test_explanations_cover_every_column(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "vorlage.xlsx"
    write_template(path, lang=lang)  # type: ignore[arg-type]
    ws = openpyxl.load_workbook(path)["Erläuterungen" if lang == "de" else "Explanations"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == (
        ["Tabelle", "Spalte", "Bedeutung", "Einheit", "Angabe", "Beispiel"]
        if lang == "de"
        else ["Sheet", "Column", "Meaning", "Unit", "Required", "Example"]
    )
    described = {(r[0], (r[1] or "").split(",")[0].split(" <")[0]) for r in rows[1:] if r[2]}
    for spec in tables.TABLES:
        for col in spec.columns:
            name = col.year_name(lang, 1) if col.year_de else col.name(lang)  # type: ignore[arg-type]
            assert (spec.name(lang), name) in described, (spec.key, col.key)  # type: ignore[arg-type]
    meanings = [r[2] for r in rows[1:] if r[1]]
    assert all(meanings), "every column has a meaning"


@pytest.mark.parametrize("lang", ["de", "en"])
def test_template_filled_in_by_hand_reads_back_as_intended(tmp_path: Path, lang: str) -> None:
    path = tmp_path / "vorlage.xlsx"
    write_template(path, lang=lang)  # type: ignore[arg-type]
    wb = openpyxl.load_workbook(path)
    de = lang == "de"
    yes, no = ("ja", "nein") if de else ("yes", "no")

    settings = wb["Allgemein" if de else "Settings"]
    values = {
        "name": "Musterdorf",
        "start": 2026,
        "years": 3,
        "financially_weak": yes,
        "discount_rate": 0.02,
        "max_fields": 2,
    }
    for row, col in enumerate(tables.SETTINGS.columns, start=2):
        settings.cell(row, 2, values.get(col.key))

    budget = wb["Haushalt" if de else "Budget"]
    for year, amount, staff in [(2026, 200_000, 150), (2027, 210_000, 160), (2028, 220_000, None)]:
        budget.append([year, amount, staff])

    criteria = wb["Kriterien" if de else "Criteria"]
    criteria.append(["citizen", "Bürgerpriorität", 0.7])
    criteria.append(["urgency", "Dringlichkeit", 0.3])

    programmes = wb["Förderprogramme" if de else "Programmes"]
    h = {c.key: c.name(lang) for c in tables.PROGRAMMES.columns}  # type: ignore[arg-type]
    _append(
        programmes,
        {
            h["id"]: "digital",
            h["name"]: "Digitales Rathaus",
            h["rate"]: 0.8,
            h["rate_weak"]: 0.9,
            h["max_grant"]: 20_000,
            h["min_grant"]: 2_500,
            h["windows"]: "2026, 2027",
            h["approval_probability"]: 0.9,
            h["eligible_fields"]: "administration",
            h["eligible_projects"]: "wlan",
        },
    )

    projects = wb["Projekte" if de else "Projects"]
    score = "Bewertung" if de else "Score"
    last = projects.max_column
    projects.cell(1, last + 1, f"{score} citizen")  # one score column per criterion, added by the user
    projects.cell(1, last + 2, f"{score} urgency")
    p = {c.key: c.name(lang) for c in tables.PROJECTS.columns}  # type: ignore[arg-type]
    cost_col = tables.PROJECTS.column("cost")
    staff_col = tables.PROJECTS.column("staff_days")
    y = {k: (cost_col.year_name(lang, k), staff_col.year_name(lang, k)) for k in (1, 2)}  # type: ignore[arg-type]
    _append(
        projects,
        {
            p["id"]: "portal",
            p["name"]: "Bürgerportal",
            p["field"]: "administration",
            p["duration"]: 2,
            y[1][0]: 80_000,
            y[2][0]: 40_000,
            p["operating_cost"]: 10_000,
            y[1][1]: 60,
            y[2][1]: 30,
            f"{score} citizen": 5,
            f"{score} urgency": 4,
            p["mandatory"]: yes,
            p["tags"]: "ozg",
        },
    )
    _append(
        projects,
        {
            p["id"]: "wlan",
            p["name"]: "WLAN Rathaus",
            p["field"]: "administration",
            y[1][0]: 15_000,
            y[1][1]: 10,
            f"{score} citizen": 3,
            f"{score} urgency": 2,
            p["requires"]: "portal",
            p["mandatory"]: no,
            p["exclusive_group"]: "netz",
        },
    )
    _append(
        projects,
        {
            p["id"]: "app",
            p["name"]: "Mängelmelder",
            p["field"]: "participation",
            p["duration"]: 1,
            y[1][0]: 9_999.5,
            p["benefit"]: 40,
            p["earliest_start"]: 2027,
            p["description"]: "Meldungen per App\nmit Foto",
        },
    )
    filled = tmp_path / "ausgefuellt.xlsx"
    wb.save(filled)
    assert read(filled) == _intended()


def test_template_with_portfolio_reads_back(tmp_path: Path) -> None:
    pf = _intended()
    write_template(tmp_path / "t.xlsx", portfolio=pf)
    write_excel(pf, tmp_path / "e.xlsx")
    assert read(tmp_path / "t.xlsx") == pf == read(tmp_path / "e.xlsx")
    assert "Erläuterungen" in openpyxl.load_workbook(tmp_path / "t.xlsx").sheetnames


def test_blank_template_reads_as_missing_input(tmp_path: Path) -> None:
    write_template(tmp_path / "t.xlsx")
    with pytest.raises(ValidationError, match="the setting 'Name' is not given"):
        read(tmp_path / "t.xlsx")


def test_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="project_years"):
        write_template(tmp_path / "t.xlsx", project_years=0)
    with pytest.raises(DataFormatError, match="folder does not exist"):
        write_template(tmp_path / "nope" / "t.xlsx")


def test_template_scenario_sheet_filled_in_by_hand_is_read(tmp_path: Path) -> None:
    """The template offers the optional sheets empty; a row typed into one is read as that section."""
    pf = _intended()
    write_template(tmp_path / "t.xlsx", portfolio=pf)
    wb = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert "Paarvergleich" in wb.sheetnames
    ws = wb["Szenarien"]
    assert [c.value for c in ws[1]] == ["Szenario", "Beschreibung", "Änderung", "Schlüssel", "Jahr", "Wert"]
    ws.append(["sparen", "10 % weniger", "Haushalt Faktor", None, None, 0.9])
    wb.save(tmp_path / "filled.xlsx")
    back = read(tmp_path / "filled.xlsx")
    assert dataclasses.replace(back, sections={}) == pf
    from kommunal_planner.scenarios import from_portfolio

    (scenario,) = from_portfolio(back)
    assert scenario.name == "sparen"
    assert scenario.apply(pf).budget[2026] == pytest.approx(0.9 * pf.budget[2026])
