"""The ``scenarios`` section of input files: every format round-trips, errors are located, the example uses it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

import kommunal_planner as kp
from kommunal_planner.errors import DataFormatError, ValidationError
from kommunal_planner.io import write_csv_folder, write_excel
from kommunal_planner.model import Portfolio
from kommunal_planner.scenarios import (
    Scenario,
    example_scenarios,
    from_portfolio,
    read_scenarios,
    scenarios_to_dict,
)

# every kind of change, some per year, some for every year, with German texts
FULL = [
    {"name": "sparen", "description": "Haushalt −10 %, 2027 fest", "budget": {"factor": 0.9, "amount": {2027: 110000}}},
    {"name": "personal", "staff_capacity": {"amount": 80, "factor": {2026: 0.5}}},
    {
        "name": "programme",
        "programmes": {"land": {"rate": 0.5, "max_grant": None, "min_grant": 1000}, "bund": "closed"},
    },
    {
        "name": "fenster",
        "programmes": {"bund": {"windows": [2026, 2027], "pot": 60000, "approval_probability": 0.7}},
        "rejected": {"land": ["konto", "portal"]},
    },
    {"name": "gewichte", "weights": {"citizen": 2, "urgency": 0.25}},
    {
        "name": "kosten",
        "costs": {
            "all": 1.1,
            "fields": {"mobility": {"investment": 1.2, "operating": 1}},
            "tags": {"pilot": 0.95},
            "projects": {"portal": {"investment": 1.5, "operating": 2}},
        },
    },
    {
        "name": "entscheidungen",
        "forced_in": ["wlan"],
        "forced_out": ["lora", "portal"],
        "fixed_starts": {"wlan": 2027},
        "financially_weak": True,
    },
    {"name": "leer"},
]


@pytest.fixture
def full(small: Portfolio) -> Portfolio:
    return kp.io.portfolio_from_dict({**kp.io.portfolio_to_dict(small), "scenarios": FULL})


def test_the_section_is_read_checked_and_kept(full: Portfolio) -> None:
    scenarios = from_portfolio(full)
    assert [s.name for s in scenarios] == [d["name"] for d in FULL]
    assert scenarios_to_dict(scenarios) == [Scenario.from_dict(d).to_dict() for d in FULL]
    assert from_portfolio(dataclasses.replace(full, sections={})) == []
    assert scenarios[0].budget is not None and scenarios[0].budget.apply({2026: 100.0, 2027: 100.0}, (2026, 2027)) == {
        2026: 90.0,
        2027: 99000.0,
    }


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx", "", "_en.xlsx", "_de"])
def test_round_trip_in_every_format(full: Portfolio, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"pf{suffix}"
    if suffix == "_en.xlsx":
        write_excel(full, target, lang="en")
    elif suffix == "_de":
        write_csv_folder(full, target, dialect="de")
    else:
        kp.write(full, target)
    back = kp.read(target)
    assert back == full
    assert from_portfolio(back) == from_portfolio(full)


def test_sheet_layout_is_long_and_readable(full: Portfolio, tmp_path: Path) -> None:
    write_csv_folder(full, tmp_path / "de")
    lines = (tmp_path / "de" / "szenarien.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Szenario,Beschreibung,Änderung,Schlüssel,Jahr,Wert"
    assert "sparen,Haushalt −10 %, 2027 fest,Haushalt Betrag,,2027,110000" not in lines  # the comma is quoted
    assert 'sparen,"Haushalt −10 %, 2027 fest",Haushalt Betrag,,2027,110000' in lines
    assert "sparen,,Haushalt Faktor,,,0.9" in lines
    assert "programme,,Förderquote,land,,0.5" in lines
    assert "programme,,Höchstbetrag,land,," in lines  # the cap is lifted
    assert "programme,,Programm geschlossen,bund,," in lines
    assert 'fenster,,Antragsjahre,bund,,"2026, 2027"' in lines
    assert 'fenster,,Antrag abgelehnt,land,,"konto, portal"' in lines
    assert "kosten,,Investition Handlungsfeld,mobility,,1.2" in lines
    assert "kosten,,Kosten alle,,,1.1" in lines
    assert "entscheidungen,,Startjahr,wlan,2027," in lines
    assert "entscheidungen,,Haushaltsnotlage,,,ja" in lines
    assert "leer,,,,," in lines
    write_csv_folder(full, tmp_path / "en", lang="en")
    english = (tmp_path / "en" / "scenarios.csv").read_text(encoding="utf-8").splitlines()
    assert english[0] == "Scenario,Description,Override,Key,Year,Value"
    assert "kosten,,Operating cost project,portal,,2" in english
    assert "entscheidungen,,Financially weak,,,yes" in english


def test_hand_written_sheet_with_aliases_and_scattered_rows(small: Portfolio, tmp_path: Path) -> None:
    folder = tmp_path / "pf"
    write_csv_folder(small, folder)
    (folder / "szenarien.csv").write_text(
        "Name;Änderung;Schlüssel;Jahr;Wert;Erläuterung\n"
        "knapp;Haushalt;;2027;100.000;\n"
        "teuer;Kosten;;;1,3;Alles teurer\n"
        "knapp;Gesetzt;konto, wlan;;;Enger Haushalt\n"
        "knapp;Fördertopf;bund;;;\n"
        ";;;;;\n",
        encoding="utf-8",
    )
    pf = kp.read(folder)
    knapp, teuer = from_portfolio(pf)
    assert knapp == Scenario(
        "knapp",
        "Enger Haushalt",
        budget={"amount": {2027: 100_000}},
        forced_in=("konto", "wlan"),
        programmes={"bund": {"pot": None}},
    )
    assert teuer == Scenario("teuer", "Alles teurer", costs={"all": 1.3})


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("x,,Gewicht,citizn,,1", "Schlüssel", "unknown criterion 'citizn'. Did you mean 'citizen'"),
        ("x,,Programm geschlossen,lnd,,", "Schlüssel", "unknown programme 'lnd'. Did you mean 'land'"),
        ("x,,Kosten Projekt,portl,,1.2", "Schlüssel", "unknown project 'portl'. Did you mean 'portal'"),
        ("x,,Kosten Schlagwort,piolt,,1.2", "Schlüssel", "unknown tag 'piolt'"),
        ('x,,Antrag abgelehnt,land,,"konto, portl"', "Wert", "unknown project 'portl'"),
        ("x,,Antrag abgelehnt,land,,wlan", "Wert", "'wlan' is not eligible for programme 'land'"),
        ("x,,Haushalt Faktor,,2040,0.9", "Jahr", "expected a year of the horizon 2026–2027, found 2040"),
        ("x,,Startjahr,wlan,2031,", "Jahr", "expected a year of the horizon"),
        ("x,,Haushalt Faktor,,,-1", "Wert", "expected a number ≥ 0"),
        ("x,,Haushalt Faktor,,,viel", "Wert", 'found "viel"'),
        ("x,,Förderquote,land,,1.5", "Wert", "rate"),
        ("x,,Haushalt Faktr,,,0.9", "Änderung", "unknown change 'Haushalt Faktr'. Did you mean 'Haushalt Faktor'"),
        ("x,,Gewicht,,,1", "Schlüssel", "expected a criterion id"),
        ("x,,Haushalt Faktor,konto,,1", "Schlüssel", "takes no key"),
        ("x,,Gesetzt,konto,2027,", "Jahr", "takes no year"),
        ("x,,,konto,,", "Änderung", "without a change"),
        (",,Gesetzt,konto,,", "Szenario", "expected the scenario's name"),
        ("x,,Gesetzt,konto,,\nx,,Ausgeschlossen,konto,,", "Schlüssel", "forced both in and out"),
        ("x,,Gewicht,citizen,,1\nx,,Gewicht,citizen,,2", "Schlüssel", "given twice (first in row 2)"),
        ("x,,Programm geschlossen,land,,\nx,,Förderquote,land,,0.5", "Änderung", "closed in another row"),
        ("x,a,,,,\nx,b,,,,", "Beschreibung", "a second description"),
    ],
)
def test_sheet_errors_name_sheet_row_and_column(
    small: Portfolio, tmp_path: Path, row: str, column: str, words: str
) -> None:
    folder = tmp_path / "pf"
    write_csv_folder(small, folder)
    (folder / "szenarien.csv").write_text(f"Szenario,Beschreibung,Änderung,Schlüssel,Jahr,Wert\n{row}\n")
    with pytest.raises(ValidationError) as info:
        kp.read(folder)
    err = info.value
    assert err.file is not None and err.file.endswith("szenarien.csv")
    assert err.row is not None and err.row >= 2
    assert err.column == column, str(err)
    assert words in str(err)


def test_sheet_errors_in_a_workbook_name_the_sheet(small: Portfolio, tmp_path: Path) -> None:
    bad = dataclasses.replace(small, sections={})
    target = tmp_path / "pf.xlsx"
    write_excel(bad, target)
    from openpyxl import load_workbook

    wb = load_workbook(target)
    ws = wb.create_sheet("Szenarien")
    ws.append(["Szenario", "Änderung", "Schlüssel", "Wert"])
    ws.append(["a", "Gesetzt", "konto"])
    ws.append(["a", "Gewicht", "urgncy", 2])
    wb.save(target)
    with pytest.raises(ValidationError) as info:
        kp.read(target)
    assert (info.value.sheet, info.value.row, info.value.column) == ("Szenarien", 3, "Schlüssel")
    assert "unknown criterion 'urgncy'. Did you mean 'urgency'" in str(info.value)


def test_unknown_column_is_a_format_error(small: Portfolio, tmp_path: Path) -> None:
    folder = tmp_path / "pf"
    write_csv_folder(small, folder)
    (folder / "scenarios.csv").write_text("Scenario,Change,Colour\nx,,red\n")
    with pytest.raises(DataFormatError, match="unknown column 'Colour'"):
        kp.read(folder)


@pytest.mark.parametrize(
    ("scenarios", "path", "words"),
    [
        ([{"name": "a", "forced_in": ["portl"]}], "scenarios[0].forced_in", "Did you mean 'portal'"),
        ([{"name": "a"}, {"name": "b", "kosten": {"felder": {}}}], "scenarios[1].costs.felder", "unknown key"),
        ([{"name": "a", "budget": {2031: 5}}], "scenarios[0].budget.2031", "horizon 2026–2027"),
        ([{"name": "a", "programmes": {"land": {"rate": 2}}}], "scenarios[0]", "rate"),
        ([{"name": "a"}, {"name": "a"}], "scenarios", "used twice"),
        ({"name": "a"}, "scenarios", "a list of scenarios"),
    ],
)
def test_yaml_errors_name_the_scenario_and_path(
    small: Portfolio, tmp_path: Path, scenarios: Any, path: str, words: str
) -> None:
    data = {**kp.io.portfolio_to_dict(small), "szenarien": scenarios}
    target = tmp_path / "pf.json"
    target.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        kp.read(target)
    assert info.value.file == str(target)
    assert (info.value.path or "").startswith(path), str(info.value)
    assert words in str(info.value)


def test_example_file_declares_the_six_scenarios(example_path: Path) -> None:
    pf = kp.read(example_path)
    names = [s.name for s in from_portfolio(pf)]
    assert names == [
        "haushalt_minus_10",
        "smart_city_entfaellt",
        "buergersicht",
        "kosten_plus_30",
        "gigabit_antrag_abgelehnt",
        "personal_minus_20",
    ]
    assert example_scenarios() == from_portfolio(pf)
    assert read_scenarios(example_path) == tuple(from_portfolio(pf))


def test_read_scenarios_from_a_workbook_and_a_csv_folder(full: Portfolio, tmp_path: Path) -> None:
    kp.write(full, tmp_path / "pf.xlsx")
    kp.write(full, tmp_path / "pf")
    expected = tuple(from_portfolio(full))
    assert read_scenarios(tmp_path / "pf.xlsx") == expected
    assert read_scenarios(tmp_path / "pf") == expected
    # a workbook or folder with the scenarios only
    only = tmp_path / "only"
    only.mkdir()
    (only / "scenarios.csv").write_text("Scenario,Override,Value\nlow,Budget factor,0.8\n", encoding="utf-8")
    assert read_scenarios(only) == (Scenario("low", budget={"factor": 0.8}),)
    assert read_scenarios(only / "scenarios.csv") == (Scenario("low", budget={"factor": 0.8}),)
    (only / "scenarios.csv").write_text("Scenario,Override,Value\nlow,Budget factor,-2\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_scenarios(only)
    assert (info.value.row, info.value.column) == (2, "Value") and "expected a number ≥ 0" in str(info.value)
    with pytest.raises(DataFormatError, match="no sheet"):
        read_scenarios(tmp_path / "pf" / "..")
