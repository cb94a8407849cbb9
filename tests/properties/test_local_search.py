"""The LP-rounded start and its local search: every vector they return keeps every rule of DESIGN §3.

Each vector is checked twice: against the model's rows, and (decoded into a plan) by the independent verifier,
which recomputes every rule from the plan alone. Its value can never exceed the proven optimum, and a feasible
start is never made worse.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kommunal_planner as kp
from kommunal_planner.model import Portfolio
from kommunal_planner.optimize import (
    build_model,
    local_search,
    lp_rounding,
    lp_sample,
    lp_start,
    plan_from_decisions,
)
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
    found = lp_start(model, time_limit=5.0, restarts=3, seed=7)
    _check(pf, model, found.x, optimum)
    solved = solve_lp(model)
    if solved is not None:
        _check(pf, model, local_search(model, lp_rounding(model, solved[0]), max_moves=200), optimum)
        sample = lp_sample(model, solved[0], np.random.default_rng(0))
        _check(pf, model, local_search(model, sample, max_moves=200), optimum)


def _check_structure(model: Model, v: np.ndarray) -> None:
    """A 0/1 vector with at most one start per project, z its sum, pot columns only on chosen starts."""
    assert set(np.unique(v)) <= {0.0, 1.0}
    n = len(model.field_index)
    x = v[: model.y_offset]
    per_project = np.bincount(model.x_project, x, minlength=n)
    assert per_project.max(initial=0) <= 1
    assert np.array_equal(per_project, v[model.z_offset : model.z_offset + n])
    y = v[model.y_offset : model.u_offset]
    assert np.all(x[model.y_x[y > 0.5]] == 1.0)
    assert np.bincount(model.y_x, y, minlength=model.y_offset).max(initial=0) <= 1
    if model.n_fields:
        used = np.zeros(model.n_fields)
        used[model.field_index[per_project > 0.5]] = 1.0
        assert np.array_equal(v[model.u_offset : model.z_offset], used)


@settings(max_examples=60, deadline=None)
@given(portfolios(max_projects=12, max_years=4, max_programmes=3, mandatory=True), st.integers(0, 2**32 - 1))
def test_random_roundings_are_one_option_per_project(pf: Portfolio, seed: int) -> None:
    model = build_model(pf)
    solved = solve_lp(model)
    if solved is None:
        return
    rng = np.random.default_rng(seed)
    for _ in range(5):
        _check_structure(model, lp_sample(model, solved[0], rng))
    _check_structure(model, lp_rounding(model, solved[0]))


def test_random_rounding_draws_starts_with_the_lp_weights() -> None:
    pf = Portfolio(
        "M",
        kp.model.Horizon(2026, 3),
        {2026: 100, 2027: 100, 2028: 100},
        projects=(kp.Project("a", benefit=5, cost=60), kp.Project("b", benefit=4, cost=50)),
    )
    model = build_model(pf)
    values = np.zeros(model.n_cols)
    weights = {0: (0.2, 0.5, 0.3), 1: (0.0, 0.1, 0.3)}  # a always selected, b with probability 0.4
    for i, (p, t) in enumerate(zip(model.x_project, model.x_year, strict=True)):
        values[i] = weights[int(p)][int(t)]
    values[model.z_offset : model.z_offset + 2] = [1.0, 0.4]
    rng = np.random.default_rng(1)
    draws = 4000
    counts = np.zeros((2, 4))  # per project: starts 0..2, not selected
    for _ in range(draws):
        v = lp_sample(model, values, rng)
        starts, _ = model.decode(v)
        for p in (0, 1):
            counts[p, starts.get(p, 3)] += 1
    expected = np.array([[0.2, 0.5, 0.3, 0.0], [0.0, 0.1, 0.3, 0.6]])
    assert np.abs(counts / draws - expected).max() < 0.03


def test_sampling_an_integral_lp_gives_that_plan() -> None:
    _, model, values = _integral_lp()
    for seed in range(5):
        assert np.array_equal(lp_sample(model, values, np.random.default_rng(seed)), lp_rounding(model, values))


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


def _integral_lp() -> tuple[Portfolio, Model, np.ndarray]:
    """One year, budget for the two best projects exactly: the LP optimum is integral (a and b)."""
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
    return pf, model, solved[0]


def test_rounding_an_integral_lp_gives_that_plan() -> None:
    pf, model, values = _integral_lp()
    v = lp_rounding(model, values)
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
