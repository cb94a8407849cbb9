"""The ``scenarios`` section: read(write(x)) == x in every format for generated scenarios, and bad input only ever
raises the library's own errors."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import kommunal_planner as kp
from kommunal_planner.errors import KommunalPlannerError, ValidationError
from kommunal_planner.io import portfolio_from_dict, portfolio_to_dict, write_csv_folder, write_excel
from kommunal_planner.model import Portfolio
from kommunal_planner.scenarios import from_portfolio
from kommunal_planner.testing import portfolios

_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much]
_factor = st.one_of(
    st.floats(min_value=0.0, max_value=3.0, allow_nan=False),
    st.sampled_from([0.1 + 0.2, 1 / 3, 1.0, 0.0, 2.5]),
)
_money = st.one_of(st.integers(0, 10**7).map(float), st.floats(min_value=0, max_value=1e9, allow_nan=False))
_text = st.text(alphabet=st.sampled_from("abcäöüß ÄÖÜ€;,\"'=#%-_.0123456789\t"), min_size=1, max_size=20).filter(
    lambda s: s == s.strip() and bool(s)
)


@st.composite
def _yearly(draw: Any, years: tuple[int, ...], money: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for sub, values in (("amount", money), ("factor", _factor)):
        kind = draw(st.sampled_from(["none", "scalar", "years"]))
        if kind == "scalar":
            out[sub] = draw(values)
        elif kind == "years":
            chosen = draw(st.lists(st.sampled_from(years), min_size=1, unique=True))
            out[sub] = {y: draw(values) for y in chosen}
    return out or {"factor": draw(_factor)}


@st.composite
def scenario_dicts(draw: Any, pf: Portfolio, name: str) -> dict[str, Any]:
    """The dict form of a scenario valid for *pf*, every kind of change switched on at random."""
    years = pf.horizon.calendar_years
    ids = list(pf.project_ids)
    out: dict[str, Any] = {"name": name}
    if draw(st.booleans()):
        out["description"] = draw(_text)
    if draw(st.booleans()):
        out["budget"] = draw(_yearly(years, _money))
    if draw(st.booleans()):
        out["staff_capacity"] = draw(_yearly(years, st.integers(0, 500).map(float)))
    if pf.programmes and draw(st.booleans()):
        prog = draw(st.sampled_from(pf.programmes))
        if draw(st.booleans()):
            out["programmes"] = {prog.id: "closed"}
        else:
            terms: dict[str, Any] = {}
            if draw(st.booleans()):
                terms["rate"] = draw(st.sampled_from([0.25, 0.5, 1.0, 1 / 3]))
            if draw(st.booleans()):
                terms["pot"] = draw(st.one_of(st.none(), _money.filter(lambda v: v > 0)))
            if draw(st.booleans()):
                terms["max_grant"] = None
            if draw(st.booleans()):
                terms["approval_probability"] = draw(st.floats(0, 1))
            if draw(st.booleans()):
                terms["windows"] = draw(st.lists(st.sampled_from(years), min_size=1, unique=True))
            out["programmes"] = {prog.id: terms or {"rate": 0.5}}
            admitted = [p.id for p in pf.projects if prog.eligible.admits(p)]
            if admitted and draw(st.booleans()):
                out["rejected"] = {prog.id: draw(st.lists(st.sampled_from(admitted), min_size=1, unique=True))}
    if draw(st.booleans()):
        out["weights"] = {c.id: draw(st.floats(0.01, 10)) for c in pf.criteria if draw(st.booleans())} or {
            pf.criteria[0].id: 1.0
        }
    costs: dict[str, Any] = {}
    pair = st.one_of(_factor, st.fixed_dictionaries({"investment": _factor, "operating": _factor}))
    if draw(st.booleans()):
        costs["all"] = draw(pair)
    for scope, pool in (("fields", pf.fields), ("tags", sorted({t for p in pf.projects for t in p.tags}))):
        if pool and draw(st.booleans()):
            costs[scope] = {k: draw(pair) for k in draw(st.lists(st.sampled_from(pool), min_size=1, unique=True))}
    if draw(st.booleans()):
        costs["projects"] = {p: draw(pair) for p in draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))}
    if costs:
        out["costs"] = costs
    chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=4))
    cut = draw(st.integers(0, len(chosen)))
    if chosen[:cut]:
        out["forced_in"] = chosen[:cut]
    if chosen[cut:]:
        out["forced_out"] = chosen[cut:]
    if chosen[:cut] and draw(st.booleans()):
        out["fixed_starts"] = {chosen[0]: draw(st.sampled_from(years))}
    if draw(st.booleans()):
        out["financially_weak"] = draw(st.booleans())
    return out


@st.composite
def with_scenarios(draw: Any) -> Portfolio:
    pf = draw(portfolios(max_projects=5, max_years=3))
    names = draw(st.lists(_text.filter(lambda s: s.lower() != "base"), min_size=1, max_size=4, unique=True))
    section = [draw(scenario_dicts(pf, name)) for name in names]
    try:
        return portfolio_from_dict({**portfolio_to_dict(pf), "scenarios": section})
    except ValidationError:
        reject()  # e.g. a factor that makes the changed portfolio invalid: refused, and named, by the check


def _written(pf: Portfolio, where: Path, form: str) -> Path:
    if form == "xlsx_en":
        target = where / "pf.xlsx"
        write_excel(pf, target, lang="en")
    elif form == "csv_de":
        target = where / "pf"
        write_csv_folder(pf, target, dialect="de")
    else:
        target = where / f"pf.{form}" if form != "csv" else where / "pf"
        kp.write(pf, target)
    return target


@pytest.mark.parametrize("form", ["yaml", "json", "xlsx", "xlsx_en", "csv", "csv_de"])
def test_scenarios_round_trip(form: str) -> None:
    @settings(max_examples=25, deadline=None, suppress_health_check=_HEALTH)
    @given(pf=with_scenarios())
    def check(pf: Portfolio) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            back = kp.read(_written(pf, Path(tmp), form))
        assert back == pf
        assert from_portfolio(back) == from_portfolio(pf)

    check()


# --------------------------------------------------------------------------- bad input
_BASE_PF = portfolio_from_dict(
    {
        "name": "F",
        "horizon": {"start": 2026, "years": 2},
        "budget": 100000,
        "criteria": [{"id": "c", "weight": 1}],
        "programmes": [{"id": "g", "rate": 0.5, "eligible": {"fields": ["a"]}}],
        "projects": [{"id": "p", "field": "a", "cost": 1000, "scores": {"c": 3}}, {"id": "q", "benefit": 2}],
    }
)
_CELLS = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "",
            "p",
            "q",
            "g",
            "c",
            "a",
            "x",
            "2026",
            "2040",
            "0,5",
            "1.234,5",
            "-1",
            "ja",
            "nein",
            "65 %",
            "#N/A",
            "=1+1",
            "p, q",
            "Haushalt Faktor",
            "Haushalt Betrag",
            "Personal Faktor",
            "Programm geschlossen",
            "Förderquote",
            "Fördertopf",
            "Antragsjahre",
            "Antrag abgelehnt",
            "Gewicht",
            "Kosten alle",
            "Investition Projekt",
            "Folgekosten Handlungsfeld",
            "Kosten Schlagwort",
            "Gesetzt",
            "Ausgeschlossen",
            "Startjahr",
            "Haushaltsnotlage",
            "Budget factor",
        ]
    ),
    st.text(max_size=12),
)
_HEADERS = ["Szenario", "Beschreibung", "Änderung", "Schlüssel", "Jahr", "Wert"]


def _csv_line(cells: list[Any]) -> str:
    return ",".join("" if c is None else '"' + str(c).replace('"', '""') + '"' for c in cells)


@settings(max_examples=300, deadline=None, suppress_health_check=_HEALTH)
@given(
    headers=st.one_of(st.just(_HEADERS), st.permutations(_HEADERS), st.lists(st.sampled_from([*_HEADERS, "X"]))),
    rows=st.lists(st.lists(_CELLS, min_size=0, max_size=7), max_size=6),
)
def test_fuzzed_scenario_sheet_raises_only_library_errors(headers: list[str], rows: list[list[Any]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pf"
        write_csv_folder(_BASE_PF, folder)
        text = "\n".join([_csv_line(headers), *(_csv_line(r) for r in rows)]) + "\n"
        (folder / "szenarien.csv").write_text(text, encoding="utf-8")
        try:
            pf = kp.read(folder)
        except KommunalPlannerError as exc:
            assert str(exc)
            return
        # what is read is checked and round-trips
        from_portfolio(pf)
        write_csv_folder(pf, Path(tmp) / "again")
        assert kp.read(Path(tmp) / "again") == pf


_JSON = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-3000, 3000),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from(["p", "q", "g", "c", "a", "closed", "x", "2026", "faktor", "factor", "amount"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(
            st.sampled_from(
                [
                    "name",
                    "budget",
                    "haushalt",
                    "staff_capacity",
                    "programmes",
                    "rejected",
                    "weights",
                    "costs",
                    "kosten",
                    "all",
                    "projects",
                    "fields",
                    "tags",
                    "forced_in",
                    "forced_out",
                    "fixed_starts",
                    "financially_weak",
                    "g",
                    "p",
                    "c",
                    "rate",
                    "pot",
                    "windows",
                    "factor",
                    "amount",
                    "investment",
                    "2026",
                    "2027",
                    "x",
                ]
            ),
            inner,
            max_size=4,
        ),
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None, suppress_health_check=_HEALTH)
@given(section=st.one_of(_JSON, st.lists(_JSON, max_size=3), st.lists(st.dictionaries(st.just("name"), _JSON))))
def test_fuzzed_scenarios_section_raises_only_library_errors(section: Any) -> None:
    data = {**portfolio_to_dict(_BASE_PF), "szenarien": section}
    text = json.dumps(data)
    try:
        pf = kp.io.parse_json(text, source="fuzz.json")
    except KommunalPlannerError as exc:
        assert str(exc)
        return
    assert kp.io.parse_json(json.dumps(portfolio_to_dict(pf))) == pf
