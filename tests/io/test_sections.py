"""The optional-section mechanism: a registered section is read, checked, kept and written in every format."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

import kommunal_planner as kp
from kommunal_planner.errors import Location, ValidationError
from kommunal_planner.io import _sections
from kommunal_planner.io._sections import Section, register_section
from kommunal_planner.io._tables import Column, RawTable, TableOut, TableSpec, normalise
from kommunal_planner.model import Portfolio

NOTES = TableSpec(
    "notes_test",
    "Notizen",
    "Notes test",
    False,
    (Column("project", "Projekt", "Project", "text", True), Column("text", "Text", "Text", "text", True)),
)


def _check(data: Any, pf: Portfolio) -> Any:
    if not isinstance(data, list):
        raise ValidationError("", location=Location(path="notes"), expected="a list", found=data)
    for i, entry in enumerate(data):
        if entry.get("project") not in pf.project_ids:
            raise ValidationError(f"unknown project '{entry.get('project')}'", location=Location(path=f"notes[{i}]"))
    return [{"project": e["project"], "text": str(e["text"])} for e in data]


def _read(tables: Mapping[str, RawTable]) -> Any:
    table = tables["notes_test"]
    cols = {normalise(h): j for j, h in enumerate(table.headers)}
    return [{"project": r[cols["projekt"]], "text": r[cols["text"]]} for _, r in table.rows]


def _write(data: Any, lang: Any) -> list[TableOut]:
    headers = [c.name(lang) for c in NOTES.columns]
    return [TableOut(NOTES, NOTES.name(lang), headers, ["text", "text"], [[e["project"], e["text"]] for e in data])]


@pytest.fixture
def notes_section() -> Iterator[None]:
    saved = dict(_sections._REGISTRY)
    register_section(Section("notes", ("notizen",), _check, (NOTES,), _read, _write))
    yield
    _sections._REGISTRY.clear()
    _sections._REGISTRY.update(saved)


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx", ""])
def test_section_round_trips_in_every_format(notes_section: None, tiny: Portfolio, tmp_path: Path, suffix: str) -> None:
    pf = dataclasses.replace(tiny, sections={"notes": [{"project": "a", "text": "Bürgerwunsch"}]})
    target = tmp_path / f"pf{suffix}"
    kp.write(pf, target)
    back = kp.read(target)
    assert back == pf
    assert back.sections["notes"][0]["text"] == "Bürgerwunsch"


def test_section_read_under_its_german_alias_and_checked(notes_section: None, tiny: Portfolio) -> None:
    data = kp.io.portfolio_to_dict(tiny)
    data["Notizen"] = [{"project": "b", "text": "x"}]
    assert kp.io.portfolio_from_dict(data).sections["notes"] == ({"project": "b", "text": "x"},)
    data["Notizen"] = [{"project": "zz", "text": "x"}]
    with pytest.raises(ValidationError, match=r"notes\[0\].*unknown project 'zz'"):
        kp.io.portfolio_from_dict(data, source="pf.yaml")


def test_section_given_twice_is_an_error(notes_section: None, tiny: Portfolio) -> None:
    data = kp.io.portfolio_to_dict(tiny)
    data["notes"] = []
    data["notizen"] = []
    with pytest.raises(ValidationError, match="given twice"):
        kp.io.portfolio_from_dict(data)


def test_unregistered_section_is_an_unknown_key(tiny: Portfolio) -> None:
    data = kp.io.portfolio_to_dict(tiny)
    data["notes"] = []
    with pytest.raises(ValidationError, match="unknown key 'notes'"):
        kp.io.portfolio_from_dict(data)


def test_sections_are_frozen_and_hashable(tiny: Portfolio) -> None:
    pf = dataclasses.replace(tiny, sections={"x": {"a": [1, 2]}})
    assert hash(pf) == hash(dataclasses.replace(tiny, sections={"x": {"a": (1, 2)}}))
    with pytest.raises(TypeError):
        pf.sections["x"]["a"][0] = 3  # type: ignore[index]
