"""Folders of CSV files: dialects written and detected, encodings, line numbers in errors."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from kommunal_planner.errors import DataFormatError, KommunalPlannerError, ValidationError
from kommunal_planner.io import read, read_csv_folder, write, write_csv_folder
from kommunal_planner.model import Criterion, Eligibility, FundingProgramme, Horizon, Portfolio, Project


@pytest.fixture
def pf() -> Portfolio:
    return Portfolio(
        name="Teststadt, Kreis Süd",
        description='Zitat "Digital"\nzweite Zeile',
        horizon=Horizon(2026, 2),
        budget={2026: 100_000.25, 2027: 1.234},
        staff_capacity={2027: 80},
        discount_rate=0.1 + 0.2,
        criteria=(Criterion("citizen", "Bürger", 0.6), Criterion("urgency", "Dringlichkeit", 0.4)),
        programmes=(
            FundingProgramme(
                "land",
                "Land; Bund",
                rate=0.65,
                windows=(2026, 2027),
                eligible=Eligibility(fields=("administration",), projects=("netz",)),
            ),
        ),
        projects=(
            Project(
                "portal",
                "Portal",
                "administration",
                2,
                cost=(1234.5, 1e-7),
                staff_days=(10, 5),
                scores={"citizen": 4, "urgency": 5},
                tags=("ozg",),
            ),
            Project("netz", "Netz", "broadband", 1, cost=20_000, benefit=33.3, requires=("portal",)),
        ),
    )


def _error(path: Path) -> KommunalPlannerError:
    with pytest.raises(KommunalPlannerError) as info:
        read(path)
    return info.value


@pytest.mark.parametrize("lang", ["de", "en"])
@pytest.mark.parametrize("dialect", ["default", "de"])
def test_round_trip(pf: Portfolio, tmp_path: Path, lang: str, dialect: str) -> None:
    write_csv_folder(pf, tmp_path / "pf", lang=lang, dialect=dialect)  # type: ignore[arg-type]
    assert read_csv_folder(tmp_path / "pf") == pf


def test_dialects_as_written(pf: Portfolio, tmp_path: Path) -> None:
    write_csv_folder(pf, tmp_path / "de", dialect="de")
    raw = (tmp_path / "de" / "haushalt.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfJahr;Budget;Personalkapazit\xc3\xa4t\r\n")
    assert b"2026;100000,25;\r\n" in raw and b"2027;1,234;80\r\n" in raw
    write_csv_folder(pf, tmp_path / "en", lang="en")
    text = (tmp_path / "en" / "budget.csv").read_text("utf-8")
    assert text == "Year,Budget,Staff capacity\n2026,100000.25,\n2027,1.234,80\n"
    assert sorted(p.name for p in (tmp_path / "en").iterdir()) == [
        "budget.csv",
        "criteria.csv",
        "programmes.csv",
        "projects.csv",
        "settings.csv",
    ]


def test_write_replaces_a_folder_whole(pf: Portfolio, tmp_path: Path) -> None:
    target = tmp_path / "pf"
    target.mkdir()
    (target / "alt.csv").write_text("x")
    write(pf, target)
    assert not (target / "alt.csv").exists() and read(target) == pf
    assert [p.name for p in tmp_path.iterdir()] == ["pf"]


def _folder(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "hand"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


_SETTINGS = "Einstellung;Wert\nName;Handstadt\nPlanungsbeginn;2026\nPlanungsjahre;2\n"


def test_german_excel_export_cp1252_semicolon_decimal_comma(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {
            "Allgemein.csv": ("sep=;\r\n" + _SETTINGS.replace("\n", "\r\n") + "Diskontsatz;2,5 %\r\n").encode("cp1252"),
            "Haushalt.csv": "Jahr;Budget\r\n2026;1.234.567,5\r\n2027;20.000\r\n".encode("cp1252"),
            "Projekte.csv": "ID;Name;Kosten;Nutzen\r\nmärkte;Märkte ;1.500;12,5\r\n".encode("cp1252"),
        },
    )
    pf = read(folder)
    assert pf.budget == {2026: 1_234_567.5, 2027: 20_000.0}
    assert pf.discount_rate == 0.025
    assert pf.project("märkte").cost == (1500.0,) and pf.project("märkte").benefit == 12.5
    assert pf.project("märkte").name == "Märkte"


def test_comma_file_with_bom_tab_file_in_utf16(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {
            "settings.csv": "\ufeffSetting,Value\nName,x\nHorizon start,2026\nHorizon years,1\n".encode(),
            "budget.csv": "Year\tBudget\n2026\t1,234.5\n".encode("utf-16"),
            "projects.csv": b'ID,Name,Cost,Benefit\np,"Name, with comma",1.234,"1,5"\n',
        },
    )
    pf = read(folder)
    assert pf.budget[2026] == 1234.5
    assert pf.project("p").cost == (1.234,) and pf.project("p").benefit == 1.5
    assert pf.project("p").name == "Name, with comma"


def test_line_numbers_count_lines_not_records(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {
            "allgemein.csv": _SETTINGS.encode(),
            "haushalt.csv": b"Jahr;Budget\n2026;1\n2027;1\n",
            "projekte.csv": b'ID;Beschreibung;Kosten\n\na;"drei\nZeilen\nText";1\nb;;viel\n',
        },
    )
    err = _error(folder)
    assert isinstance(err, ValidationError)
    assert str(err) == (
        f"{folder / 'projekte.csv'}, row 6, project 'b', column Kosten: expected a number ≥ 0, found \"viel\""
    )


def test_model_errors_point_at_the_file_and_line(tmp_path: Path) -> None:
    folder = _folder(
        tmp_path,
        {
            "allgemein.csv": _SETTINGS.encode(),
            "haushalt.csv": b"Jahr;Budget\n2026;1\n2027;1\n",
            "projekte.csv": b"ID;Kosten;Nutzen;Voraussetzungen\na;1;1;\nb;1;1;a, c\n",
        },
    )
    err = _error(folder)
    assert (err.file, err.sheet, err.row, err.column) == (  # type: ignore[attr-defined]
        str(folder / "projekte.csv"),
        None,
        3,
        "Voraussetzungen",
    )
    assert "requires unknown project 'c'" in str(err)


@pytest.mark.parametrize(
    ("files", "what"),
    [
        ({}, "the folder holds no CSV files"),
        ({"allgemein.csv": _SETTINGS.encode()}, "the sheet 'Haushalt' or 'Budget' is missing"),
        ({"projekte.csv": b"", "projects.csv": b""}, "hold the same table"),
        ({"projekte.csv": b"ID\x00;x"}, "binary data"),
        ({"projekte.csv": b"\x81\x8d\x8f\x90\x9d"}, "neither UTF-8 nor Windows-1252"),
        ({"projekte.csv": b'ID;Name\n"' + b"x" * 200_000 + b'"\n'}, "is not valid CSV"),
    ],
)
def test_folders_that_cannot_be_read(tmp_path: Path, files: dict[str, bytes], what: str) -> None:
    base = (
        {"allgemein.csv": _SETTINGS.encode(), "haushalt.csv": b"Jahr;Budget\n2026;1\n2027;1\n"}
        if files and ("allgemein.csv" not in files)
        else {}
    )
    err = _error(_folder(tmp_path, {**base, **files}))
    assert isinstance(err, DataFormatError) and what in str(err), str(err)


def test_empty_required_file_and_stray_cells(tmp_path: Path) -> None:
    base = {"allgemein.csv": _SETTINGS.encode(), "haushalt.csv": b"Jahr;Budget\n2026;1\n2027;1\n"}
    err = _error(_folder(tmp_path, {**base, "projekte.csv": b"\n \n"}))
    assert isinstance(err, DataFormatError) and "projekte.csv: the table is empty" in str(err)
    (tmp_path / "b").mkdir()
    err = _error(_folder(tmp_path / "b", {**base, "projekte.csv": b"ID;Nutzen\na;1;oops\n"}))
    assert isinstance(err, DataFormatError) and "row 2" in str(err) and "column #3" in str(err)


def test_not_a_folder(tmp_path: Path) -> None:
    (tmp_path / "datei").write_text("x")
    assert "is not a folder" in str(_error(tmp_path / "datei"))
    assert "no such folder" in str(_error(tmp_path / "fehlt"))


def test_unknown_files_are_ignored(pf: Portfolio, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    write_csv_folder(pf, tmp_path / "pf")
    (tmp_path / "pf" / "notizen.csv").write_text("a,b\n")
    (tmp_path / "pf" / "readme.txt").write_text("hallo")
    with caplog.at_level(logging.INFO, logger="kommunal_planner.io._tables"):
        assert read(tmp_path / "pf") == pf
    assert "notizen" in caplog.text


def test_bad_dialect(pf: Portfolio, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="dialect"):
        write_csv_folder(pf, tmp_path / "x", dialect="excel")  # type: ignore[arg-type]
