"""The LP-rounded start and its local search: every vector they return keeps every rule of DESIGN §3.

Each vector is checked twice: against the model's rows, and (decoded into a plan) by the independent verifier,
which recomputes every rule from the plan alone. Its value can never exceed the proven optimum, and a feasible
start is never made worse.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

import kommunal_planner as kp
from kommunal_planner.model import Portfolio
from kommunal_planner.optimize import build_model, local_search, lp_rounding, lp_start, plan_from_decisions
from kommunal_planner.optimize._formulation import Model
from kommunal_planner.optimize._solvers import solve_lp
from kommunal_planner.testing import portfolios


def _plan(pf: Portfolio, model: Model, v: np.ndarray) -> kp.Plan:
    starts, progs = model.decode(v)
    ids = pf.project_ids
    return plan_from_decisions(
        pf,
        {ids[p]: pf.horizon.start + t for p, t in starts.items()},
        {ids[p]: pf.programmes[f].id for p, f in progs.items()},
        status="feasible",
        objective=float(model.sign * (model.c @ v)),
        bound=None,
        gap=None,
        solver="local_search",
    )


def _check(pf: Portfolio, model: Model, v: np.ndarray | None, optimum: float | None) -> None:
    if v is None:
        return
    assert set(np.unique(v)) <= {0.0, 1.0}
    assert model.keeps_rows(v)
    plan = _plan(pf, model, v)
    report = plan.verify()
    assert report.ok, str(report)
    assert optimum is not None  # a feasible vector exists, so the optimiser must not call it infeasible
    assert plan.objective is not None and plan.objective <= optimum + 1e-6


@settings(max_examples=80, deadline=None)
@given(portfolios(max_projects=12, max_years=4, max_programmes=3, mandatory=True))
def test_every_vector_keeps_every_rule(pf: Portfolio) -> None:
    model = build_model(pf)
    best = kp.optimize(pf, tie_break=False, explain=False)
    optimum = best.objective if best.status == "optimal" else None
    _check(pf, model, local_search(model, None, max_moves=200), optimum)
    found = lp_start(model, time_limit=5.0)
    _check(pf, model, found.x, optimum)
    if found.bound is not None and optimum is not None:
        # the LP relaxation's bound is a bound on the proven optimum
        assert float(model.sign * found.bound) >= optimum - 1e-6
    solved = solve_lp(model)
    if solved is not None:
        _check(pf, model, local_search(model, lp_rounding(model, solved[0]), max_moves=200), optimum)


@settings(max_examples=40, deadline=None)
@given(portfolios(max_projects=10, max_years=4, max_programmes=3))
def test_a_feasible_start_is_never_made_worse(pf: Portfolio) -> None:
    plan = kp.optimize(pf)
    assert plan.status == "optimal"
    model = build_model(pf)
    index = {p: i for i, p in enumerate(pf.project_ids)}
    prog = {g.id: f for f, g in enumerate(pf.programmes)}
    start = model.encode(
        {index[d.id]: d.start - pf.horizon.start for d in plan.projects if d.selected and d.start is not None},
        {index[d.id]: prog[d.programme] for d in plan.projects if d.selected and d.programme is not None},
    )
    assert model.keeps_rows(start)
    v = local_search(model, start, max_moves=100)
    assert v is not None
    assert float(model.sign * (model.c @ v)) == pytest.approx(plan.objective, abs=1e-6)


def test_rounding_an_integral_lp_gives_that_plan() -> None:
    # one year, budget for the two best projects exactly: the LP optimum is integral
    pf = Portfolio(
        "M",
        kp.model.Horizon(2026, 1),
        110,
        projects=(
            kp.Project("a", benefit=5, cost=60),
            kp.Project("b", benefit=4, cost=50),
            kp.Project("c", benefit=1, cost=40),
        ),
    )
    model = build_model(pf)
    solved = solve_lp(model)
    assert solved is not None
    v = lp_rounding(model, solved[0])
    assert model.keeps_rows(v)
    starts, _ = model.decode(v)
    assert sorted(pf.project_ids[p] for p in starts) == ["a", "b"]


@settings(max_examples=3, deadline=None)
@given(portfolios(min_projects=110, max_projects=130, max_years=5, max_programmes=3, mandatory=False))
def test_optimize_hands_the_lp_start_to_the_solver_from_100_projects(pf: Portfolio) -> None:
    model = build_model(pf)
    found = lp_start(model, time_limit=10.0)
    plan = kp.optimize(pf, time_limit=20, gap=1e-3)
    assert plan.success
    assert plan.verify().ok
    assert "heuristic" in plan.times
    assert plan.bound is not None and plan.objective is not None and plan.bound >= plan.objective - 1e-6
    if found.bound is not None:
        # the reported bound is never weaker than the LP relaxation's
        assert plan.bound <= float(model.sign * found.bound) + 1e-6
    start = found.x
    if start is not None:
        # the solver starts from a plan at least this good and returns the best it has
        assert plan.objective is not None
        assert plan.objective >= float(model.sign * (model.c @ start)) - 1e-6
