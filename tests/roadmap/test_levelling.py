"""Levelling: the reduction to the RCPSP engine, the serial decoder on the real model, rounding to whole days."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from kommunal_planner.errors import ValidationError
from kommunal_planner.roadmap._levelling import level, pool_load, rcpsp_reduction, serial_schedule
from kommunal_planner.roadmap._settings import Calendar, Pool, controlled_rounding, split_year, stretch


def calendar(
    durations: Sequence[int],
    needs: Sequence[Sequence[int] | Sequence[Sequence[int]]],
    capacity: Sequence[float] | np.ndarray,
    release: Sequence[int] | None = None,
    *,
    length: int = 60,
) -> Calendar:
    """A calendar built by hand: ``needs[j]`` is a per-pool constant or a (pools, duration) profile."""
    n = len(durations)
    cap = np.asarray(capacity, dtype=np.float64)
    if cap.ndim == 1:
        cap = np.repeat(cap[:, None], length, axis=1)
    k = cap.shape[0]
    demand = []
    for d, need in zip(durations, needs, strict=True):
        arr = np.asarray(need, dtype=np.int64)
        demand.append(np.repeat(arr.reshape(k, 1), d, axis=1) if arr.ndim == 1 else arr.reshape(k, d))
    return Calendar(
        start_year=2026,
        horizon_quarters=min(length, 24),
        ids=tuple(f"p{j}" for j in range(n)),
        durations=np.asarray(durations, dtype=np.int64),
        release=np.zeros(n, dtype=np.int64) if release is None else np.asarray(release, dtype=np.int64),
        demand=tuple(demand),
        exact_demand=tuple(d.astype(np.float64) for d in demand),
        pools=tuple(Pool(f"r{i}") for i in range(k)),
        capacity=cap,
        shares=np.ones((n, k)) / k,
        phases=(("short", 1),),
        milestones=(),
    )


def check(cal: Calendar, successors: Sequence[Sequence[int]], starts: np.ndarray) -> None:
    """Independent feasibility check with plain loops."""
    finish = [int(s) + int(d) for s, d in zip(starts, cal.durations, strict=True)]
    for j, ss in enumerate(successors):
        assert starts[j] >= cal.release[j]
        for s in ss:
            assert finish[j] <= starts[s], f"{j} -> {s}"
    for k in range(len(cal.pools)):
        for t in range(max(finish, default=0)):
            used = sum(int(cal.demand[j][k][t - int(starts[j])]) for j in range(cal.n) if starts[j] <= t < finish[j])
            assert used <= cal.capacity[k, t], f"pool {k}, quarter {t}"


def test_two_projects_that_do_not_fit_together_run_one_after_the_other() -> None:
    # Each needs 60 of 100 person-days a quarter for 4 quarters: 8 quarters, the energy bound, proven.
    cal = calendar([4, 4], [[60], [60]], [100])
    sched = level(cal, [[], []], [1.0, 2.0], method="justify")
    assert sorted(sched.starts.tolist()) == [0, 4] and sched.makespan == 8
    assert sched.lower_bound == 8 and sched.proven_optimal
    # The second criterion: the project with more benefit goes first.
    assert sched.starts.tolist() == [4, 0]
    assert sched.chain == ("p1", "p0")
    check(cal, [[], []], sched.starts)


def test_release_dates_and_dependencies_hold() -> None:
    # p0 (4) -> p1 (4); p2 released in quarter 6; one pool of 10 and every project needs 6.
    cal = calendar([4, 4, 2], [[6], [6], [6]], [10], release=[0, 0, 6])
    sched = level(cal, [[1], [], []], [1.0, 1.0, 1.0], method="justify")
    check(cal, [[1], [], []], sched.starts)
    assert sched.starts.tolist() == [0, 4, 8] and sched.makespan == 10
    assert sched.lower_bound == 10 and sched.proven_optimal


def test_capacity_that_changes_by_quarter() -> None:
    # The pool has 10 a quarter in the first year, then 100: a project needing 50 waits for the second year.
    cap = np.full((1, 40), 100.0)
    cap[0, :4] = 10
    cal = calendar([2, 2], [[50], [5]], cap)
    sched = level(cal, [[], []], [5.0, 1.0], method="justify")
    assert sched.starts.tolist() == [4, 0]
    check(cal, [[], []], sched.starts)
    assert sched.lower_bound <= sched.makespan == 6


def test_needs_that_change_within_a_project() -> None:
    # p0 needs 8 then 2 per quarter, p1 needs 2 then 8; capacity 10: they fit side by side, staggered.
    cal = calendar([2, 2], [[[8, 2]], [[2, 8]]], [10])
    sched = level(cal, [[], []], [1.0, 1.0], method="justify")
    check(cal, [[], []], sched.starts)
    assert sched.makespan == 2 and sched.proven_optimal


def test_the_engine_runs_when_simple_lists_miss_the_bound() -> None:
    # Ten projects with needs that pack only in one way; the engine's schedule is decoded and never worse.
    rng = np.random.default_rng(3)
    n = 10
    durations = rng.integers(1, 5, n).tolist()
    needs = [[int(x)] for x in rng.integers(3, 9, n)]
    successors: list[list[int]] = [[j + 1] if j % 3 == 0 and j + 1 < n else [] for j in range(n)]
    cal = calendar(durations, needs, [10])
    sched = level(cal, successors, rng.random(n), method="justify", seed=1)
    check(cal, successors, sched.starts)
    assert sched.engine is not None
    assert sched.makespan <= sched.engine.makespan
    assert sched.lower_bound <= sched.makespan


def test_reduction_models_release_dates_as_delay_activities() -> None:
    cal = calendar([3, 2], [[4], [4]], [5], release=[0, 5])
    red = rcpsp_reduction(cal, [[], []])
    # source, two projects, one delay (5 quarters, no demand), sink
    assert red.durations.tolist() == [0, 3, 2, 5, 0]
    assert red.successors == ((1, 3), (4,), (4,), (2,), ())
    assert red.demands[:, 0].tolist() == [0, 4, 4, 0, 0] and red.capacities.tolist() == [5]
    assert red.exact


def test_reduction_is_conservative_for_profiles_and_changing_capacity() -> None:
    cap = np.full((1, 30), 12.0)
    cap[0, 10:] = 20
    cal = calendar([2], [[[3, 7]]], cap)
    red = rcpsp_reduction(cal, [[]])
    assert red.demands[1].tolist() == [7] and red.capacities.tolist() == [12] and not red.exact


def test_unlimited_pools_are_left_out() -> None:
    cal = calendar([2, 2], [[5, 1], [5, 1]], np.array([[np.inf] * 30, [1.0] * 30]))
    red = rcpsp_reduction(cal, [[], []])
    assert red.pools.tolist() == [1] and red.demands.shape == (4, 1)
    sched = level(cal, [[], []], [1.0, 1.0], method="justify")
    assert sched.makespan == 4


def test_decoder_names_a_project_that_never_fits() -> None:
    cap = np.zeros((1, 12))
    cap[0, :2] = 10
    cal = calendar([4], [[5]], cap, length=12)
    with pytest.raises(ValidationError, match=r"project 'p0'.*pool 'r0'"):
        serial_schedule([0], cal, [[]])


def test_pool_load() -> None:
    cal = calendar([2, 3], [[[1, 2]], [[3, 3, 3]]], [10])
    assert pool_load(cal, np.array([0, 1]), 5).tolist() == [[1, 5, 3, 3, 0]]


def test_rounding_to_whole_days() -> None:
    assert stretch([120, 60], 8).tolist() == [30.0] * 4 + [15.0] * 4
    assert split_year(450).tolist() == [113, 113, 112, 112] and split_year(99.5).sum() == 99
    # Four projects of 8.75 a quarter: the quarter totals (35) stay whole and each project keeps its 35 days.
    table = np.full((4, 4), 8.75)
    whole = controlled_rounding(table)
    assert whole.sum(axis=1).tolist() == [35] * 4 and whole.sum(axis=0).tolist() == [35] * 4
    assert set(np.unique(whole).tolist()) <= {8, 9}
    # A quarter limit is kept where rounding down allows it.
    whole = controlled_rounding(np.array([[0.6, 0.6], [0.6, 0.6]]), limit=np.array([1.0, 2.0]))
    assert whole.sum(axis=0)[0] <= 1
