"""Validation rules of the model, each with the message it must give, and the derived arrays."""

from __future__ import annotations

import dataclasses
import pickle
import re
from typing import Any

import numpy as np
import pytest

from kommunal_planner.errors import DependencyCycleError, ValidationError
from kommunal_planner.io import portfolio_from_dict, portfolio_to_dict
from kommunal_planner.model import FundingProgramme, Portfolio, Project


def base() -> dict[str, Any]:
    return {
        "name": "Musterort",
        "horizon": {"start": 2026, "years": 3},
        "budget": {2026: 100_000, 2027: 100_000, 2028: 100_000},
        "criteria": [{"id": "c", "weight": 1}],
        "programmes": [{"id": "f", "rate": 0.5, "eligible": {"fields": ["admin"]}}],
        "projects": [
            {"id": "a", "field": "admin", "duration": 2, "cost": [10_000, 20_000], "scores": {"c": 4}},
            {"id": "b", "field": "admin", "cost": 5_000, "scores": {"c": 2}, "requires": ["a"]},
        ],
    }


def broken(path: str, value: Any) -> dict[str, Any]:
    data = base()
    target: Any = data
    keys = path.split(".")
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    last = keys[-1]
    if value is KeyError:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return data


def test_valid_base_reads() -> None:
    pf = portfolio_from_dict(base())
    assert pf.project("a").cost == (10_000.0, 20_000.0)
    assert pf.project("b").cost == (5_000.0,)
    assert pf.arrays.benefit.tolist() == [80.0, 40.0]


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("projects.1", {"id": "a", "benefit": 1}, "the id 'a' is used twice"),
        ("projects.1.requires", ["zz"], "project 'b'.*requires unknown project 'zz'"),
        ("projects.0.scores", {"c": 4, "x": 1}, "project 'a'.*unknown criterion 'x'"),
        ("projects.0.scores", {}, "project 'a'.*no score for criterion 'c'"),
        ("projects.0.cost", [1, 2, 3], "project 'a'.*3 yearly values for a project of 2 years"),
        ("projects.0.staff_days", [1], "project 'a'.*1 yearly values for a project of 2 years"),
        ("projects.0.cost", [-5, 1], r"project 'a'.*cost\[0\].*expected a number ≥ 0, found -5"),
        ("projects.0.cost", [float("nan"), 1], r"project 'a'.*cost\[0\].*finite"),
        ("projects.0.operating_cost", float("inf"), "project 'a'.*operating_cost.*finite"),
        ("projects.0.cost", "ca. 20T€", "project 'a'.*cost.*found \"ca. 20T€\""),
        ("projects.0.scores", {"c": 7}, r"project 'a'.*scores.c.*expected a score 0..5, found 7"),
        ("projects.0.deadline", 2031, "project 'a'.*deadline.*horizon 2026–2028"),
        ("projects.0.earliest_start", 2020, "project 'a'.*earliest_start.*horizon"),
        ("projects.0.duration", 0, "project 'a'.*duration.*≥ 1"),
        ("projects.0.mandatory", "yes", "project 'a'.*mandatory.*true or false"),
        ("programmes.0.rate", 1.5, "programme 'f'.*rate.*in \\(0, 1\\]"),
        ("programmes.0.rate", 0, "programme 'f'.*rate.*in \\(0, 1\\]"),
        ("programmes.0.windows", [2030], "programme 'f'.*windows.*horizon"),
        (
            "programmes.0.eligible",
            {"projects": ["nope"]},
            "programme 'f'.*eligible project 'nope' is unknown",
        ),
        ("programmes.0.max_grant", -1, "programme 'f'.*max_grant.*≥ 0"),
        ("budget", {2026: 1, 2028: 1}, "no budget for 2027"),
        ("budget", {2026: 1, 2027: 1, 2028: 1, 2040: 1}, "budget.2040.*horizon"),
        ("criteria", [{"id": "c", "weight": 0}], "criteria weights are all zero"),
        ("criteria.0.weight", -1, "criterion 'c'.*weight.*≥ 0"),
        ("horizon.years", 0, "horizon.*years.*≥ 1"),
        ("projects.0.cots", 5, "project 'a'.*unknown key 'cots'. Did you mean 'cost'"),
        ("projects", KeyError, "'projects' is missing"),
        ("projects", [], "no projects given"),
    ],
)
def test_rule_broken_gives_clear_error(path: str, value: Any, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        portfolio_from_dict(broken(path, value), source="projekte.yaml")


def test_error_carries_location_attributes() -> None:
    with pytest.raises(ValidationError) as info:
        portfolio_from_dict(broken("projects.0.cost", [-5, 1]), source="projekte.yaml")
    err = info.value
    assert err.file == "projekte.yaml"
    assert err.item == "project 'a'"
    assert err.path == "projects[0].cost[0]"
    assert err.expected == "a number ≥ 0"
    assert err.found == -5
    assert str(err).startswith("projekte.yaml, project 'a', projects[0].cost[0]")


def test_cycle_is_named() -> None:
    data = base()
    data["projects"][0]["requires"] = ["b"]
    with pytest.raises(DependencyCycleError) as info:
        portfolio_from_dict(data)
    assert set(info.value.cycle) == {"a", "b"}
    assert re.search(r"cycle: (a -> b -> a|b -> a -> b)", str(info.value))


def test_mandatory_without_start_year() -> None:
    data = base()
    data["projects"][0].update(mandatory=True, earliest_start=2028)  # 2 years from 2028 leaves the horizon
    with pytest.raises(ValidationError, match="mandatory project has no possible start year"):
        portfolio_from_dict(data)


def test_mandatory_whose_requirement_cannot_precede_it() -> None:
    data = base()
    data["projects"][1].update(mandatory=True, deadline=2027)  # a runs 2026-2027, b needs to start 2028
    with pytest.raises(ValidationError, match="mandatory project 'b' cannot be done: 'b' requires 'a'"):
        portfolio_from_dict(data)


def test_two_mandatory_in_one_exclusive_group() -> None:
    data = base()
    data["projects"][1].update(mandatory=True, exclusive_group="g", requires=[])
    data["projects"][0].update(mandatory=True, exclusive_group="g")
    with pytest.raises(ValidationError, match="exclusive group 'g'"):
        portfolio_from_dict(data)


def test_mandatory_fields_beyond_focus() -> None:
    data = base()
    data["focus"] = {"max_fields": 1}
    data["projects"][0]["mandatory"] = True
    data["projects"][1].update(mandatory=True, field="mobility")
    with pytest.raises(ValidationError, match="mandatory projects span 2 fields"):
        portfolio_from_dict(data)


def test_benefit_given_directly_needs_no_scores() -> None:
    data = base()
    data["projects"][0].pop("scores")
    data["projects"][0]["benefit"] = 42.5
    assert portfolio_from_dict(data).arrays.benefit[0] == 42.5


def test_scalar_budget_and_staff_are_spread_over_every_year() -> None:
    data = base()
    data["budget"] = 5000
    data["staff_capacity"] = {2027: 10}
    pf = portfolio_from_dict(data)
    assert dict(pf.budget) == {2026: 5000.0, 2027: 5000.0, 2028: 5000.0}
    assert np.isinf(pf.arrays.staff_capacity[[0, 2]]).all() and pf.arrays.staff_capacity[1] == 10


def test_arrays_are_read_only_and_consistent() -> None:
    pf = portfolio_from_dict(base())
    arr = pf.arrays
    with pytest.raises(ValueError):
        arr.cost[0, 0] = 1.0
    # a 2-year project may start in 2026 or 2027 within a 3-year horizon; b after a only by rows, not here
    assert arr.start_ok.tolist() == [[True, True, False], [True, True, True]]
    assert arr.grant[:, 0].tolist() == [15_000.0, 2_500.0]
    assert arr.requires.tolist() == [[1, 0]]


def test_grant_rules_rate_weak_caps_and_floor() -> None:
    prog = FundingProgramme("f", rate=0.65, rate_weak=0.9, max_grant=50_000, min_grant=10_000)
    assert prog.grant_for(40_000, financially_weak=False) == pytest.approx(26_000)
    assert prog.grant_for(40_000, financially_weak=True) == pytest.approx(36_000)
    assert prog.grant_for(100_000, financially_weak=True) == 50_000
    assert prog.grant_for(10_000, financially_weak=False) == 0.0  # 6,500 is below the floor


def test_immutable_equal_hashable_picklable() -> None:
    pf = portfolio_from_dict(base())
    with pytest.raises(dataclasses.FrozenInstanceError):
        pf.name = "x"  # type: ignore[misc]
    again = pickle.loads(pickle.dumps(pf))
    assert again == pf
    assert hash(pf.project("a")) == hash(again.project("a"))
    changed = dataclasses.replace(pf, budget=1)
    assert changed != pf and changed.budget[2028] == 1.0


def test_replace_revalidates() -> None:
    pf = portfolio_from_dict(base())
    with pytest.raises(ValidationError, match="requires unknown project 'a'"):
        dataclasses.replace(pf, projects=(pf.project("b"),))


def test_portfolio_built_in_python() -> None:
    pf = Portfolio("P", horizon=portfolio_from_dict(base()).horizon, budget=10, projects=(Project("x", benefit=1.0),))
    assert pf.allowed_starts("x") == (2026, 2027, 2028)


def test_impossible_optional_project_warns() -> None:
    data = base()
    data["projects"][0]["earliest_start"] = 2028
    with pytest.warns(UserWarning, match="project 'a' has no feasible start year"):
        portfolio_from_dict(data)


def test_pools_and_quarters_of_the_roadmap() -> None:
    data = base()
    data["pools"] = [
        {"id": "it", "name": "IT-Abteilung", "share": 0.4},
        {"id": "extern", "kapazität": {2027: 20, "2028-q1": 5}},
    ]
    data["projects"][0] |= {"duration_quarters": 6, "pools": {"it": 0.5, "extern": 0.5}}
    pf = portfolio_from_dict(data)
    assert [p.id for p in pf.pools] == ["it", "extern"]
    assert dict(pf.pools[1].capacity) == {2027: 20.0, "2028-Q1": 5.0}
    assert pf.project("a").duration_quarters == 6 and dict(pf.project("a").pools) == {"it": 0.5, "extern": 0.5}
    assert portfolio_from_dict(portfolio_to_dict(pf)) == pf


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"duration_quarters": 9}, "project 'a', projects[0].duration_quarters: expected 1 to 8 quarters"),
        ({"pools": {"it": 0.7}}, "project 'a', projects[0].pools: expected pool shares that sum to 1"),
        ({"pools": {"itt": 1}}, "project 'a', pools: unknown pool 'itt'. Did you mean 'it'?"),
    ],
)
def test_pool_rules(change: dict[str, Any], message: str) -> None:
    data = base()
    data["pools"] = [{"id": "it", "share": 1}]
    data["projects"][0] |= change
    with pytest.raises(ValidationError, match=re.escape(message)):
        portfolio_from_dict(data)


def test_pool_capacity_outside_the_horizon() -> None:
    data = base()
    data["pools"] = [{"id": "it", "capacity": {2031: 10}}]
    with pytest.raises(ValidationError, match=re.escape("pool 'it', capacity.2031: expected a year or quarter")):
        portfolio_from_dict(data)
