"""Properties of the roadmap (hypothesis): levelled schedules are feasible, the critical path is the unconstrained
makespan, zero total slack marks exactly the projects whose delay delays completion, waves respect the DAG."""

from __future__ import annotations

import itertools
import warnings
from typing import Any

import networkx as nx
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kommunal_planner as kp
from kommunal_planner.roadmap._cpm import critical_path
from kommunal_planner.roadmap._graph import waves
from kommunal_planner.roadmap._levelling import level
from kommunal_planner.roadmap._rcpsp import schedule_rcpsp
from kommunal_planner.roadmap._roadmap import roadmap
from kommunal_planner.roadmap._settings import Calendar, Pool, controlled_rounding
from kommunal_planner.testing import portfolios

LENGTH = 80


@st.composite
def dags(draw: Any, max_nodes: int = 9) -> tuple[int, list[list[int]]]:
    """A random DAG on n nodes as successor lists (arcs from lower to higher rank, ranks shuffled)."""
    n = draw(st.integers(1, max_nodes))
    arcs = draw(st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda a: a[0] < a[1])))
    perm = draw(st.permutations(range(n)))
    successors: list[list[int]] = [[] for _ in range(n)]
    for i, j in arcs:
        successors[perm[i]].append(perm[j])
    return n, successors


@st.composite
def instances(draw: Any) -> tuple[Calendar, list[list[int]], list[float]]:
    """Projects with dependencies, release dates, pools whose capacity changes in the first years, and needs that
    change within a project; every need fits the capacity the pools keep from year four on."""
    n, successors = draw(dags())
    k = draw(st.integers(0, 2))
    durations = draw(st.lists(st.integers(1, 6), min_size=n, max_size=n))
    release = draw(st.lists(st.integers(0, 8), min_size=n, max_size=n))
    capacity = np.zeros((k, LENGTH))
    for r in range(k):
        late = draw(st.integers(4, 12))
        early = draw(st.lists(st.integers(0, 12), min_size=12, max_size=12))
        capacity[r, :12] = early
        capacity[r, 12:] = late
    demand = []
    for d in durations:
        rows = []
        for r in range(k):
            top = int(capacity[r, 12])
            if draw(st.booleans()):
                rows.append([draw(st.integers(0, top))] * d)
            else:
                rows.append(draw(st.lists(st.integers(0, top), min_size=d, max_size=d)))
        demand.append(np.array(rows, dtype=np.int64).reshape(k, d))
    benefit = draw(st.lists(st.floats(0, 100, allow_nan=False), min_size=n, max_size=n))
    cal = Calendar(
        start_year=2026,
        horizon_quarters=24,
        ids=tuple(f"p{j}" for j in range(n)),
        durations=np.array(durations, dtype=np.int64),
        release=np.array(release, dtype=np.int64),
        demand=tuple(demand),
        exact_demand=tuple(d.astype(float) for d in demand),
        pools=tuple(Pool(f"r{r}") for r in range(k)),
        capacity=capacity,
        shares=np.ones((n, k)),
        phases=(("short", 1),),
        milestones=(),
    )
    return cal, successors, benefit


@given(instances())
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
def test_levelled_schedules_respect_dependencies_releases_and_capacity(
    case: tuple[Calendar, list[list[int]], list[float]],
) -> None:
    cal, successors, benefit = case
    sched = level(cal, successors, benefit, method="justify", time_limit=0.5, max_schedules=200, seed=0)
    starts = [int(s) for s in sched.starts]
    finish = [s + int(d) for s, d in zip(starts, cal.durations, strict=True)]
    for j in range(cal.n):
        assert starts[j] >= cal.release[j]
        for s in successors[j]:
            assert finish[j] <= starts[s]
    for r in range(len(cal.pools)):
        for t in range(max(finish)):
            used = sum(int(cal.demand[j][r][t - starts[j]]) for j in range(cal.n) if starts[j] <= t < finish[j])
            assert used <= cal.capacity[r, t]
    assert sched.makespan == max(finish)
    cpm = critical_path(cal.durations, successors, cal.release)
    assert cpm.length <= sched.lower_bound <= sched.makespan
    assert sched.proven_optimal == (sched.lower_bound == sched.makespan)


@given(dags(), st.data())
@settings(max_examples=80)
def test_critical_path_length_is_the_unconstrained_makespan(dag: tuple[int, list[list[int]]], data: Any) -> None:
    n, successors = dag
    durations = data.draw(st.lists(st.integers(0, 7), min_size=n, max_size=n))
    release = data.draw(st.lists(st.integers(0, 9), min_size=n, max_size=n))
    cpm = critical_path(durations, successors, release)
    # The engine with no resources on its own reduction: source 0, projects 1..n, delays n+1..2n.
    succ: list[list[int]] = [[n + 1 + j for j in range(n)]]
    succ += [[1 + s for s in successors[j]] for j in range(n)]
    succ += [[1 + j] for j in range(n)]
    unconstrained = schedule_rcpsp([0, *durations, *release], succ, np.zeros((2 * n + 1, 0)), np.zeros(0))
    assert cpm.length == unconstrained.makespan
    assert cpm.length == max(e for e in cpm.earliest_finish.tolist())
    assert (cpm.total_slack >= 0).all() and (cpm.free_slack >= 0).all() and (cpm.free_slack <= cpm.total_slack).all()


@given(dags(), st.data())
@settings(max_examples=80)
def test_zero_total_slack_exactly_on_the_projects_that_delay_completion(
    dag: tuple[int, list[list[int]]], data: Any
) -> None:
    n, successors = dag
    durations = data.draw(st.lists(st.integers(1, 7), min_size=n, max_size=n))
    release = data.draw(st.lists(st.integers(0, 9), min_size=n, max_size=n))
    cpm = critical_path(durations, successors, release)
    for j in range(n):
        slack = int(cpm.total_slack[j])
        later = list(release)
        later[j] = int(cpm.earliest_start[j]) + slack
        assert critical_path(durations, successors, later).length == cpm.length
        later[j] += 1
        assert critical_path(durations, successors, later).length == cpm.length + 1
        assert (cpm.ids[j] in cpm.critical) == (slack == 0)
    chain = [int(i) for i in cpm.chain]
    assert all(cpm.total_slack[i] == 0 for i in chain)
    assert cpm.earliest_finish[chain[-1]] == cpm.length
    assert cpm.earliest_start[chain[0]] == release[chain[0]]
    for a, b in itertools.pairwise(chain):
        assert b in successors[a] and cpm.earliest_finish[a] == cpm.earliest_start[b]


@given(dags(max_nodes=12))
@settings(max_examples=80)
def test_waves_respect_the_dag(dag: tuple[int, list[list[int]]]) -> None:
    n, successors = dag
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from((j, s) for j in range(n) for s in successors[j])
    generations = waves(graph)
    wave = {node: k for k, gen in enumerate(generations) for node in gen}
    assert sorted(wave) == list(range(n))
    for p, q in graph.edges:
        assert wave[p] < wave[q]
    for node, k in wave.items():
        if k:
            assert any(wave[p] == k - 1 for p in graph.predecessors(node))


@given(portfolios(max_projects=6, max_years=4))
@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])
def test_roadmaps_of_optimised_plans(pf: kp.Portfolio) -> None:
    plan = kp.optimize(pf)
    if not plan.success:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        rm = roadmap(plan, time_limit=0.5, max_schedules=200, method="justify")
    assert rm.violations() == ()
    wave = {pid: k for k, gen in enumerate(rm.waves) for pid in gen}
    assert set(wave) == set(plan.selected)
    for pid in plan.selected:
        for req in pf.project(pid).requires:
            assert wave[req] < wave[pid]
    assert sum(len(p.projects) for p in rm.phases) == len(plan.selected)
    # Within the plan's years the yearly staff capacity holds, so the plan's own placement is a levelled schedule
    # of the same rounded needs: the roadmap never ends later than the plan.
    last = max((d.finish for d in plan.projects if d.selected and d.finish is not None), default=pf.horizon.start - 1)
    if plan.selected:
        assert rm.schedule.makespan <= 4 * (last - pf.horizon.start + 1)


@given(
    st.integers(1, 6).flatmap(
        lambda rows: st.lists(
            st.lists(st.floats(0, 30, allow_nan=False).map(lambda x: round(x, 3)), min_size=5, max_size=5),
            min_size=rows,
            max_size=rows,
        )
    )
)
@settings(max_examples=60)
def test_controlled_rounding_rounds_cells_rows_and_columns_up_or_down(values: list[list[float]]) -> None:
    table = np.array(values)
    whole = controlled_rounding(table)
    tol = 1e-6
    assert (whole >= np.floor(table + tol)).all() and (whole <= np.ceil(table - tol)).all()
    for exact, rounded in ((table.sum(axis=1), whole.sum(axis=1)), (table.sum(axis=0), whole.sum(axis=0))):
        assert (rounded >= np.floor(exact + tol)).all() and (rounded <= np.ceil(exact - tol)).all()
