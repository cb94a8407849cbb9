"""Sensitivity: exact benefit thresholds, bracketed cost thresholds, resource values and labelled duals."""

from __future__ import annotations

import dataclasses
import math

import pytest

import kommunal_planner as kp
from kommunal_planner.model import Horizon, Portfolio, Project
from kommunal_planner.scenarios import Scenario, sensitivity


def _with_benefit(pf: Portfolio, pid: str, benefit: float) -> Portfolio:
    projects = tuple(dataclasses.replace(p, benefit=benefit) if p.id == pid else p for p in pf.projects)
    return dataclasses.replace(pf, projects=projects)


def test_thresholds_of_the_tiny_knapsack(tiny: Portfolio) -> None:
    s = sensitivity(tiny, budget_step=10)
    t = s.projects()
    # {a, c} = 8 is optimal; without a: {b, c} = 7; without c: {a} = 5; with b: {b, c} = 7
    assert t["benefit_threshold"].to_dict() == {"a": 4.0, "b": 5.0, "c": 0.0}
    # a leaves once its cost exceeds 60 (factor 1); b enters at cost 40 (0.8); c stays in {b, c} up to 50 (1.25)
    assert t.loc["a", "cost_factor"] == pytest.approx(1.0, abs=0.03)
    assert t.loc["b", "cost_factor"] == pytest.approx(0.8, abs=0.02)
    assert t.loc["c", "cost_factor"] == pytest.approx(1.25, abs=0.03)
    assert "leaves if its benefit falls below 4.0" in t.loc["a", "rule_en"]
    assert "wird aufgenommen" in t.loc["b", "rule_de"]
    r = s.resources()
    row = r.loc[("budget", 2026)]
    assert (row["gain"], row["value_per_unit"], row["slack"]) == (1.0, 0.1, 0.0)  # 110: {a, b} = 9
    # LP relaxation: a whole, then 40/50 of b: a budget euro is worth 4/50 points; the fixed LP prices nothing
    assert row["lp_relaxation_dual"] == pytest.approx(0.08)
    assert row["fixed_integer_lp_dual"] == 0.0


def test_benefit_thresholds_flip_the_selection(rand10: Portfolio) -> None:
    s = sensitivity(rand10, cost=False, resources=False)
    for pid, row in s.projects().iterrows():
        thr = row["benefit_threshold"]
        if not math.isfinite(thr) or thr <= 0:
            continue
        eps = 0.5
        inside = kp.optimize(_with_benefit(rand10, str(pid), thr + eps))
        outside = kp.optimize(_with_benefit(rand10, str(pid), thr - eps))
        assert pid in inside.selected, (pid, thr)
        assert pid not in outside.selected, (pid, thr)


def test_cost_brackets_hold(rand10: Portfolio) -> None:
    projects = ["p0", "p1", "p5"]
    s = sensitivity(rand10, projects=projects, benefit=False, resources=False, tolerance=0.05)
    table = s.projects()
    for pid in projects:
        row = table.loc[pid]
        lo, hi = row["cost_factor_low"], row["cost_factor_high"]
        if not (math.isfinite(hi) and hi > 0):
            continue
        near = {"costs": {"projects": {pid: lo}}} if lo > 0 else None
        far = {"costs": {"projects": {pid: hi}}}
        if row["selected"]:
            assert pid in Scenario.from_dict({"name": "lo", **near}).optimize(rand10, tie_break=False).selected
            assert pid not in Scenario.from_dict({"name": "hi", **far}).optimize(rand10, tie_break=False).selected
        else:
            assert pid not in Scenario.from_dict({"name": "hi", **far}).optimize(rand10, tie_break=False).selected
            if near is not None:
                assert pid in Scenario.from_dict({"name": "lo", **near}).optimize(rand10, tie_break=False).selected


def test_must_dos_and_hopeless_projects() -> None:
    pf = Portfolio(
        "M",
        Horizon(2026, 1),
        100,
        projects=(Project("pflicht", benefit=1, cost=30, mandatory=True), Project("riesig", benefit=50, cost=500)),
    )
    t = sensitivity(pf, resources=False).projects()
    assert t.loc["pflicht", "benefit_threshold"] == -math.inf
    # riesig needs 500 of 100: it can never enter at any benefit, but it would at 14 % of its cost
    assert t.loc["riesig", "benefit_threshold"] == math.inf
    assert t.loc["riesig", "cost_factor"] == pytest.approx(0.14, abs=0.02)
