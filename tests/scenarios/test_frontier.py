"""The benefit/own-funds frontier: every point verified optimal by independent re-solves, and non-dominated."""

from __future__ import annotations

import numpy as np
import pytest

import kommunal_planner as kp
from kommunal_planner.model import Portfolio
from kommunal_planner.optimize import SolveOptions, build_model, get_solver
from kommunal_planner.scenarios import Frontier, frontier

# the references are solved with CBC: HiGHS 1.16 was seen to return wrong optima on a few models of this kind
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PuLP's own deprecations
REFERENCE = "cbc"


def _best_benefit_with_cap(pf: Portfolio, cap: float) -> float:
    """Independent of the scenario code: build_model plus one extra row (total own funds ≤ cap)."""
    model = build_model(pf)
    res = get_solver(REFERENCE).solve(model, SolveOptions(), extra_rows=[(model.own_funds, -np.inf, cap)])
    assert res.status == "optimal" and res.x is not None
    return float(model.benefit @ res.x)


def _check_points(pf: Portfolio, f: Frontier) -> None:
    points = f.points
    assert points, "no frontier"
    for a in points:
        assert a.status == "optimal" and a.plan is not None
        assert a.plan.verify().ok
        assert a.plan.total_benefit == pytest.approx(a.benefit)
        assert a.plan.total_own_funds == pytest.approx(a.own_funds, abs=1e-4)
        # the same objective when re-solved with its own cap: the most benefit for these own funds ...
        assert _best_benefit_with_cap(pf, a.own_funds + 1e-6) == pytest.approx(a.benefit, abs=1e-6)
        # ... and the least own funds for this benefit
        cheapest = kp.optimize(
            pf, objective="own_funds", required_benefit=a.benefit - 1e-7, solver=REFERENCE, tie_break=False
        )
        assert cheapest.objective == pytest.approx(a.own_funds, abs=1e-4)
        for b in points:
            if a is not b:
                dominated = b.own_funds <= a.own_funds + 1e-6 and b.benefit >= a.benefit - 1e-9
                assert not dominated, (a.own_funds, a.benefit, b.own_funds, b.benefit)
    own = [p.own_funds for p in points]
    benefit = [p.benefit for p in points]
    assert own == sorted(own) and benefit == sorted(benefit)


def test_tiny_frontier_by_hand(tiny: Portfolio) -> None:
    f = frontier(tiny, exhaustive=True, sweep=(0.5, 1.0, 1.5))
    assert [(p.own_funds, p.benefit) for p in f.points] == [
        (0.0, 0.0),
        (40.0, 3.0),
        (50.0, 4.0),
        (60.0, 5.0),
        (90.0, 7.0),
        (100.0, 8.0),
    ]
    assert f.complete
    # budget 50: b is the best that fits; 150: all three
    assert [(b.factor, b.benefit) for b in f.sweep] == [(0.5, 4.0), (1.0, 8.0), (1.5, 12.0)]
    assert f.knee is not None
    frame = f.frame()
    assert frame["knee"].sum() == 1 and frame["benefit_per_100k"].iloc[1] == pytest.approx(3.0 / 40 * 1e5)


def test_exhaustive_frontier_points_are_verified_optimal(rand8: Portfolio) -> None:
    f = frontier(rand8, exhaustive=True, sweep=None)
    assert len(f.points) >= 5
    _check_points(rand8, f)


def test_grid_points_lie_on_the_exhaustive_frontier(rand8: Portfolio) -> None:
    full = {(round(p.own_funds, 3), round(p.benefit, 6)) for p in frontier(rand8, exhaustive=True, sweep=None).points}
    grid = frontier(rand8, points=6, sweep=None)
    assert not grid.complete and len(grid.points) >= 2
    assert {(round(p.own_funds, 3), round(p.benefit, 6)) for p in grid.points} <= full


def test_budget_sweep(rand10: Portfolio) -> None:
    f = frontier(rand10, points=4)
    sweep = f.sweep_frame()
    assert list(sweep.index) == pytest.approx([0.5 + 0.1 * k for k in range(11)])
    solved = sweep[sweep["status"] == "optimal"]
    assert solved["benefit"].is_monotonic_increasing
    assert sweep.loc[1.0, "benefit"] == pytest.approx(kp.optimize(rand10).objective)
    _check_points(rand10, f)
    fig = f.plot()
    assert len(fig.axes) == 1


def test_without_yearly_budgets_the_frontier_reaches_further(rand8: Portfolio) -> None:
    kept = frontier(rand8, points=3, sweep=None)
    free = frontier(rand8, points=3, sweep=None, yearly_budgets=False)
    assert free.points[-1].benefit >= kept.points[-1].benefit
