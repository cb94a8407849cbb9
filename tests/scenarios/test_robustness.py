"""Monte Carlo: reproducible draws, RPM classes, the adopted plan's overruns and postponements."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import kommunal_planner as kp
from kommunal_planner.errors import ValidationError
from kommunal_planner.model import Portfolio
from kommunal_planner.optimize._reuse import ModelValues
from kommunal_planner.scenarios import (
    CostUncertainty,
    LogNormal,
    NormalClipped,
    Triangular,
    Uncertainty,
    Uniform,
    draw_scenario,
    robustness,
)
from kommunal_planner.scenarios._uncertainty import Compiled, rng_for

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PuLP's own deprecations

SPEC = Uncertainty(costs=(CostUncertainty(Triangular(0.9, 1.0, 1.5)),), weight_concentration=30.0)


def test_same_seed_same_results_other_seed_other_draws(rand10: Portfolio) -> None:
    a = robustness(rand10, SPEC, draws=20, seed=5)
    b = robustness(rand10, SPEC, draws=20, seed=5)
    pd.testing.assert_frame_equal(a.selection(), b.selection())
    pd.testing.assert_frame_equal(a.overrun(), b.overrun())
    pd.testing.assert_frame_equal(a.postponements(), b.postponements())
    c = robustness(rand10, SPEC, draws=20, seed=6)
    assert [d.own_funds for d in c.draws] != [d.own_funds for d in a.draws]
    # draw i is the same draw whatever the number of draws around it
    d = robustness(rand10, SPEC, draws=8, seed=5)
    assert [x.starts for x in d.draws] == [x.starts for x in a.draws[:8]]


def test_classes_follow_the_thresholds(rand10: Portfolio) -> None:
    r = robustness(rand10, SPEC, draws=20, seed=1, adopted=False, theta_hi=0.8, theta_lo=0.2)
    table = r.selection()
    for pid, row in table.iterrows():
        f = row["frequency"]
        expected = "core" if f >= 0.8 else "exterior" if f <= 0.2 else "borderline"
        assert row["class"] == expected, pid
    assert set(r.core) | set(r.borderline) | set(r.exterior) == set(rand10.project_ids)
    assert r.overrun().empty or math.isnan(r.p_any_overrun)
    fig = r.plot()
    assert len(fig.axes) == 2


def test_certain_costs_and_approvals_mean_no_risk(rand10: Portfolio) -> None:
    spec = Uncertainty(approvals=False)
    r = robustness(rand10, spec, draws=5, seed=0)
    plan = kp.optimize(rand10)
    assert all(d.replan == "not_needed" for d in r.draws)
    over = r.overrun()
    assert (over["p_overrun"] == 0).all()
    assert over["mean_own_funds"].tolist() == pytest.approx([y.own_funds for y in plan.years])
    # every draw re-optimises to the plan itself
    freq = r.selection()["frequency"]
    assert freq[list(plan.selected)].eq(1.0).all() and freq.drop(list(plan.selected)).eq(0.0).all()


def test_cost_overruns_are_paid_from_own_funds(rand10: Portfolio) -> None:
    spec = Uncertainty(costs=(CostUncertainty(Uniform(1.5, 1.5)),), approvals=False)
    plan = kp.optimize(rand10)
    r = robustness(rand10, spec, draws=3, seed=0, selection=False)
    # the notice fixes the grant: the whole extra 50 % of the investment is own funds
    extra = np.zeros(len(rand10.horizon.calendar_years))
    ops = np.zeros_like(extra)
    for d in plan.projects:
        if d.selected:
            p = rand10.project(d.id)
            for k, c in enumerate(p.cost):
                extra[d.start - 2026 + k] += 0.5 * c
    over = r.overrun()
    assert over["mean_own_funds"].to_numpy() == pytest.approx(np.array([y.own_funds for y in plan.years]) + extra + ops)
    assert r.p_any_overrun == 1.0
    post = r.postponements()
    assert set(post.index) == set(plan.selected)
    # re-planning never touches the first year's projects
    first = [d.id for d in plan.projects if d.selected and d.start == 2026]
    assert (post.loc[first, ["p_postponed", "p_dropped"]] == 0).all().all()
    assert all(d.replan in ("optimal", "infeasible") for d in r.draws)


def test_rejected_applications_pay_nothing(small: Portfolio) -> None:
    plan = kp.optimize(small)
    assert plan.decision("lora").programme == "bund"
    spec = Uncertainty(approval_probability={"bund": 0.0, "land": 1.0})
    r = robustness(small, spec, draws=4, seed=0)
    grant = plan.decision("lora").grant or 0.0
    assert r.overrun().loc[2026, "mean_own_funds"] == pytest.approx(plan.years[0].own_funds + grant)
    # every draw re-optimises without the pot programme
    assert r.statuses() == {"optimal": 4}


def _draws(pf: Portfolio, spec: Uncertainty, n: int = 400) -> list:  # type: ignore[type-arg]
    comp = Compiled(spec, pf, ModelValues.of(pf), [g.id for g in pf.programmes])
    return [comp.sample(rng_for(3, i)) for i in range(n)]


def test_samplers_and_weights(rand10: Portfolio) -> None:
    health = np.array([p.field == "health" for p in rand10.projects])
    common = Uncertainty(costs=(CostUncertainty(LogNormal(0.3, median=1.1), scope="field", key="health", common=True),))
    inv = np.array([d.investment for d in _draws(rand10, common)])
    assert np.all(inv[:, health] == inv[:, health][:, :1]) and np.all(inv[:, ~health] == 1.0)
    assert np.median(inv[:, health][:, 0]) == pytest.approx(1.1, rel=0.05)
    tri = Uncertainty(costs=(CostUncertainty(Triangular(0.8, 1.0, 1.6)),))
    inv = np.array([d.investment for d in _draws(rand10, tri)])
    assert inv.mean() == pytest.approx((0.8 + 1.0 + 1.6) / 3, rel=0.02) and inv.min() >= 0.8 and inv.max() <= 1.6
    normal = Uncertainty(costs=(CostUncertainty(NormalClipped(0.5, 1.0, 0.5, 1.5), applies_to="operating"),))
    draws = _draws(rand10, normal)
    op = np.array([d.operating for d in draws])
    assert op.min() >= 0.5 and op.max() <= 1.5 and np.all(np.array([d.investment for d in draws]) == 1.0)
    weights = np.array([d.weights for d in _draws(rand10, Uncertainty(weight_concentration=20.0))])
    assert np.allclose(weights.sum(axis=1), 1.0)
    w = np.array([c.weight for c in rand10.criteria])
    assert weights.mean(axis=0) == pytest.approx(w / w.sum(), abs=0.02)
    approvals = np.array([d.approved for d in _draws(rand10, Uncertainty(approval_probability={"f0": 0.25}))])
    assert approvals[:, :, 0].mean() == pytest.approx(0.25, abs=0.02) and approvals[:, :, 1].all()


def test_bad_uncertainty_is_named(rand10: Portfolio) -> None:
    with pytest.raises(ValidationError, match="Did you mean 'health'"):
        robustness(rand10, Uncertainty(costs=(CostUncertainty(Uniform(1, 2), scope="field", key="helth"),)), draws=1)
    with pytest.raises(ValidationError, match="mode"):
        Triangular(1.0, 0.5, 2.0)
    with pytest.raises(ValidationError, match="probability"):
        Uncertainty(approval_probability={"f0": 1.5})
    assert Uncertainty.from_dict(SPEC.to_dict()) == SPEC


def test_a_draw_as_a_scenario_gives_the_draws_optimum(rand10: Portfolio) -> None:
    spec = Uncertainty(
        costs=(CostUncertainty(Triangular(0.8, 1.0, 1.5)),),
        approval_probability={"f0": 0.3, "f1": 0.5},
        weight_concentration=20.0,
    )
    r = robustness(rand10, spec, draws=4, seed=9, adopted=False)
    for d in r.draws:
        scenario = draw_scenario(rand10, spec, seed=9, index=d.index)
        plan = scenario.optimize(rand10, solver="cbc", tie_break=False, explain=False)
        assert plan.objective == pytest.approx(d.objective, abs=1e-6)
