"""Scenario overrides: what apply() changes, the dict form, and errors that name scenario and override."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kommunal_planner as kp
from kommunal_planner.errors import ValidationError
from kommunal_planner.model import Portfolio
from kommunal_planner.scenarios import (
    CostFactor,
    ProgrammeChange,
    Scenario,
    YearlyChange,
    example_scenarios,
    read_scenarios,
    scenarios_from_dict,
)


def test_budget_and_staff_overrides(small: Portfolio) -> None:
    pf = Scenario("s", budget={"factor": 0.5}).apply(small)
    assert dict(pf.budget) == {2026: 50_000, 2027: 60_000}
    pf = Scenario("s", budget={2027: 90_000}).apply(small)
    assert dict(pf.budget) == {2026: 100_000, 2027: 90_000}
    pf = Scenario("s", budget=YearlyChange(amount=80_000, factor={2026: 0.5})).apply(small)
    assert dict(pf.budget) == {2026: 40_000, 2027: 80_000}
    # a year without a staff limit stays unlimited under a factor
    pf = Scenario("s", staff_capacity={"factor": 0.8}).apply(small)
    assert dict(pf.staff_capacity) == {2026: 80}
    pf = Scenario("s", staff_capacity={2027: 50}).apply(small)
    assert dict(pf.staff_capacity) == {2026: 100, 2027: 50}


def test_cost_factors_multiply_by_scope(small: Portfolio) -> None:
    s = Scenario(
        "teuer",
        costs={
            "all": 1.1,
            "fields": {"mobility": {"investment": 2.0}},
            "tags": {"pilot": {"operating": 3.0}},
            "projects": {"lora": 0.5},
        },
    )
    pf = s.apply(small)
    assert pf.project("konto").cost == pytest.approx((66_000,))
    assert pf.project("konto").operating_cost == pytest.approx(5_500)
    assert pf.project("wlan").cost == pytest.approx((80_000 * 1.1 * 2.0,))
    assert pf.project("wlan").operating_cost == pytest.approx(8_000 * 1.1 * 3.0)
    assert pf.project("lora").cost == pytest.approx((40_000 * 1.1 * 2.0 * 0.5,))
    assert pf.project("lora").operating_cost == pytest.approx(2_000 * 1.1 * 3.0 * 0.5)
    assert s.costs[0] == CostFactor("all", None, 1.1, 1.1)


def test_programme_changes_rejections_and_weights(small: Portfolio) -> None:
    pf = Scenario("s", programmes={"bund": "closed"}).apply(small)
    assert [g.id for g in pf.programmes] == ["land"]
    pf = Scenario("s", programmes={"bund": {"pot": None, "rate": 0.5, "windows": [2026, 2027]}}).apply(small)
    bund = pf.programme("bund")
    assert (bund.pot, bund.rate, bund.windows) == (None, 0.5, (2026, 2027))
    pf = Scenario("s", rejected={"bund": ["wlan"]}).apply(small)
    assert pf.programme("bund").eligible.projects == ("lora",)
    assert not pf.arrays.eligible[pf.index_of("wlan"), 1] and pf.arrays.eligible[pf.index_of("lora"), 1]
    pf = Scenario("s", weights={"citizen": 0.0}).apply(small)
    assert pf.arrays.benefit[pf.index_of("konto")] == pytest.approx(100.0)  # urgency 5 alone counts
    pf = Scenario("s", financially_weak=True).apply(small)
    assert pf.financially_weak


def test_decisions_reach_the_optimiser(small: Portfolio) -> None:
    s = Scenario("s", forced_in=["wlan"], forced_out=["lora"])
    assert s.decisions() == {"forced_in": ("wlan",), "forced_out": ("lora",), "fixed_starts": {}}
    plan = s.optimize(small)  # wlan does not fit beside konto and portal (see test_small_portfolio_by_hand)
    assert plan.status == "optimal" and "wlan" in plan.selected and "lora" not in plan.selected
    plan = Scenario("s", fixed_starts={"konto": 2027}).optimize(small, forced_out=["portal"])
    assert plan.decision("konto").start == 2027 and "portal" not in plan.selected


def test_unchanged_scenario_returns_the_same_portfolio(small: Portfolio) -> None:
    assert Scenario("nichts").apply(small) is small


@pytest.mark.parametrize(
    ("scenario", "path", "words"),
    [
        ({"costs": {"projects": {"portl": 1.2}}}, "costs.projects.portl", "did you mean 'portal'"),
        ({"costs": {"fields": {"mobilty": 1.2}}}, "costs.fields.mobilty", "did you mean 'mobility'"),
        ({"costs": {"tags": {"pilott": 1.2}}}, "costs.tags.pilott", "did you mean 'pilot'"),
        ({"programmes": {"bunt": "closed"}}, "programmes.bunt", "did you mean 'bund'"),
        ({"weights": {"citizn": 1}}, "weights.citizn", "did you mean 'citizen'"),
        ({"forced_in": ["konot"]}, "forced_in", "did you mean 'konto'"),
        ({"fixed_starts": {"portal": 2030}}, "fixed_starts.portal", "horizon 2026–2027"),
        ({"budget": {2030: 1}}, "budget.2030", "horizon 2026–2027"),
        ({"rejected": {"bund": ["konto"]}}, "rejected.bund", "not eligible"),
        ({"programmes": {"bund": {"rate": 1.5}}}, "programmes.bund.rate", "rate in (0, 1]"),
    ],
)
def test_errors_name_scenario_and_override(small: Portfolio, scenario: dict, path: str, words: str) -> None:
    with pytest.raises(ValidationError) as info:
        Scenario("probe", **scenario).apply(small)
    err = info.value
    assert err.item is not None and err.item.startswith("scenario 'probe'")
    assert err.path == path
    assert words.lower() in str(err).lower()


@pytest.mark.parametrize(
    ("scenario", "path", "words"),
    [
        ({"budget": {"factor": -1}}, "budget.factor", "≥ 0"),
        ({"budget": {"faktor": 1, 2027: 3}}, "budget", "either factor/amount or years"),
        ({"costs": {"all": "x"}}, "costs.all", "a finite number"),
        ({"costs": {"alles": 1.2}}, "costs.alles", "did you mean 'all'"),
        ({"programmes": {"bund": {"quote": 0.5}}}, "programmes.bund.quote", "unknown key"),
        ({"programmes": {"bund": {"pot": -5}}}, "programmes.bund.pot", "≥ 0"),
        ({"forced_in": ["a"], "forced_out": ["a"]}, "forced_out", "forced both in and out"),
        ({"fixed_starts": {"a": "2027x"}}, "fixed_starts.a", "calendar year"),
        ({"haushlt": {"factor": 1}}, "haushlt", "did you mean 'budget'"),
    ],
)
def test_malformed_specs_name_scenario_and_key(scenario: dict, path: str, words: str) -> None:
    with pytest.raises(ValidationError) as info:
        Scenario.from_dict({"name": "kaputt", **scenario})
    err = info.value
    assert err.item == "scenario 'kaputt'"
    assert err.path == path
    assert words.lower() in str(err).lower()


def test_dict_form_round_trip_and_german_keys() -> None:
    s = Scenario(
        "alles",
        description="jede Art von Änderung",
        budget={"factor": 0.9},
        staff_capacity={"amount": {2027: 300}},
        programmes={"a": ProgrammeChange.closed(), "b": {"pot": 1e6, "windows": [2026]}},
        rejected={"c": ["p1", "p2"]},
        weights={"citizen": 0.5},
        costs={"all": 1.3, "projects": {"p1": {"investment": 2, "operating": 1}}},
        forced_in=["p1"],
        forced_out=["p3"],
        fixed_starts={"p2": 2027},
        financially_weak=True,
    )
    data = s.to_dict()
    assert Scenario.from_dict(json.loads(json.dumps(data))) == s
    german = {
        "name": "alles",
        "beschreibung": "jede Art von Änderung",
        "haushalt": {"faktor": 0.9},
        "personalkapazität": {"betrag": {2027: 300}},
        "förderprogramme": {"a": "geschlossen", "b": {"fördertopf": 1e6, "antragsjahre": [2026]}},
        "abgelehnt": {"c": ["p1", "p2"]},
        "gewichte": {"citizen": 0.5},
        "kosten": {"alle": 1.3, "projekte": {"p1": {"investition": 2, "folgekosten": 1}}},
        "gesetzt": ["p1"],
        "ausgeschlossen": ["p3"],
        "startjahre": {"p2": 2027},
        "haushaltsnotlage": True,
    }
    assert Scenario.from_dict(german) == s


def test_read_scenarios_from_an_input_file(tmp_path: Path) -> None:
    path = tmp_path / "input.yaml"
    path.write_text(
        "name: X\nszenarien:\n  - {name: a, haushalt: {faktor: 0.9}}\n  - {name: b, kosten: {alle: 1.2}}\n",
        encoding="utf-8",
    )
    assert [s.name for s in read_scenarios(path)] == ["a", "b"]
    path.write_text("- {name: a}\n- {name: a}\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="used twice"):
        read_scenarios(path)
    path.write_text("- {name: a}\n- {name: b, kosten: {alle: -1}}\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_scenarios(path)
    assert info.value.file == str(path) and info.value.path == "scenarios[1].costs.all"


def test_scenarios_from_dict_accepts_a_plain_list() -> None:
    assert scenarios_from_dict([]) == ()
    assert [s.name for s in scenarios_from_dict({"scenarios": [{"name": "x"}]})] == ["x"]


def test_example_scenarios_fit_the_example(example_path: Path) -> None:
    pf = kp.read(example_path)
    scenarios = example_scenarios()
    assert 4 <= len(scenarios) <= 6
    for s in scenarios:
        changed = s.apply(pf)
        assert changed != pf, s.name
        assert Scenario.from_dict(s.to_dict()) == s
