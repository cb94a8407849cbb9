"""Resource levelling: start quarters that keep every pool within its capacity and every dependency.

The engine is :func:`~kommunal_planner.roadmap.schedule_rcpsp`, which minimises the makespan of a single-mode RCPSP
with constant capacities and finish-to-start precedences. The roadmap's problem has three features the engine
lacks, and each is reduced to it:

* **Release dates** (a project starts no earlier than Q1 of its plan year): a dummy source activity of duration 0
  and, for each project with release ``r > 0``, a delay activity of duration ``r`` and no demand between the
  source and the project. The delay finishes at ``r`` at the earliest, so the project cannot start before; it
  needs no resource, so it never competes with the projects.
* **Capacities that change by quarter** (the yearly staff capacity ÷ 4, or a figure per quarter): the engine gets
  each pool's smallest capacity, a conservative model.
* **Needs that change within a project** (a front-loaded yearly profile): the engine gets each project's peak
  need per pool, again conservative.

Any schedule of the conservative model is feasible for the real one. It is then decoded with a serial schedule
generation scheme against the real needs and capacities, taking the projects in the order of the engine's starts;
no project starts later than the engine had it (each one, in that order, still fits where the engine put it), so
the makespan is never worse. Three simple activity lists are decoded first (plan order, benefit order, latest
finish); when one of them already meets the critical-path bound, the completion is proven shortest and the
engine is not needed. Among schedules of the shortest completion found, the one with the fewest broken funding
windows and deadlines and then the one that finishes high-benefit projects earliest (the smallest
benefit-weighted sum of finish quarters) is sought by moving high-benefit projects forward in the activity list;
these later criteria are heuristic and not proven.

The lower bound is the engine's where the conservative model is the real one (constant needs and capacities);
otherwise the best of a relaxed engine run (each project's smallest need, each pool's largest capacity), the
critical path with release dates and an energy bound per pool and release date, each valid for the real model.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from kommunal_planner.errors import Location, ValidationError
from kommunal_planner.roadmap._cpm import critical_path
from kommunal_planner.roadmap._rcpsp import RCPSPSchedule, schedule_rcpsp
from kommunal_planner.roadmap._settings import Calendar

__all__ = ["LevelledSchedule", "RCPSPReduction", "level", "rcpsp_reduction", "serial_schedule"]

logger = logging.getLogger(__name__)

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
Penalty = Callable[[IntArray], int]
_A = TypeVar("_A", bound=np.ndarray)

# Rounds of list moves for the second criterion; each round tries every delayed project once.
_MOVE_ROUNDS = 2
# Default wall-clock budget of the engine: about one second per 30 projects, at most this.
_MAX_DEFAULT_SECONDS = 10.0


@dataclass(frozen=True, eq=False)
class RCPSPReduction:
    """The engine's instance for a roadmap (see the module notes); activity 0 is the source, the last the sink.

    ``project[j]`` is the activity index of project ``j``; ``delay[j]`` that of its delay activity (-1: none).
    ``pools`` are the indices of the pools that limit anything; ``exact`` says whether the conservative model is
    the real one, so that the engine's lower bound holds for the roadmap.
    """

    durations: IntArray
    successors: tuple[tuple[int, ...], ...]
    demands: IntArray
    capacities: IntArray
    project: IntArray
    delay: IntArray
    pools: IntArray
    exact: bool


def _ro(arr: _A) -> _A:
    arr.setflags(write=False)
    return arr


def finite_pools(cal: Calendar) -> IntArray:
    """Indices of the pools with a limit somewhere (an unlimited pool never delays anything)."""
    return np.flatnonzero(np.isfinite(cal.capacity).any(axis=1)).astype(np.int64)


def rcpsp_reduction(cal: Calendar, successors: Sequence[Sequence[int]]) -> RCPSPReduction:
    """Build the engine's instance: release dates as delay activities, peak needs, smallest capacities.

    Examples
    --------
    Two projects, the second after the first and released in quarter 6: source, 2 projects, 1 delay, sink.

    >>> from kommunal_planner.roadmap._settings import Calendar
    >>> import numpy as np
    >>> cal = Calendar(2026, 8, ("a", "b"), np.array([4, 2]), np.array([0, 6]),
    ...     (np.array([[3, 3, 3, 3]]), np.array([[2, 2]])), (np.zeros((1, 4)), np.zeros((1, 2))),
    ...     (), np.full((1, 20), 5.0), np.ones((2, 1)), (), ())
    >>> red = rcpsp_reduction(cal, [[1], []])
    >>> red.durations.tolist(), red.successors, red.demands.ravel().tolist(), red.capacities.tolist()
    ([0, 4, 2, 6, 0], ((1, 3), (2, 4), (4,), (2,), ()), [0, 3, 2, 0, 0], [5])
    """
    n = cal.n
    pools = finite_pools(cal)
    peak = np.array(
        [d[pools].max(axis=1) if d.shape[1] else np.zeros(len(pools), dtype=np.int64) for d in cal.demand],
        dtype=np.int64,
    ).reshape(n, len(pools))
    caps = cal.capacity[pools]
    low = np.where(np.isfinite(caps), caps, np.inf).min(axis=1) if len(pools) else np.zeros(0)
    cap = low.copy()
    conservative = True
    for k in range(len(pools)):
        need = int(peak[:, k].max(initial=0))
        if need > cap[k]:
            # A dip below one project's peak: the engine gets the peak (no longer conservative) and the decoder,
            # which sees the real capacities, repairs the schedule.
            cap[k] = need
            conservative = False
    constant = all(bool(np.all(d[pools] == d[pools, :1])) for d in cal.demand if d.shape[1]) and bool(
        np.all(caps == caps[:, :1])
    )
    delayed = np.flatnonzero(cal.release > 0)
    n_act = 1 + n + len(delayed) + 1
    sink = n_act - 1
    project = np.arange(1, n + 1, dtype=np.int64)
    delay = np.full(n, -1, dtype=np.int64)
    delay[delayed] = np.arange(n + 1, n + 1 + len(delayed))
    durations = np.zeros(n_act, dtype=np.int64)
    durations[project] = cal.durations
    durations[delay[delayed]] = cal.release[delayed]
    succ: list[list[int]] = [[] for _ in range(n_act)]
    for j in range(n):
        first = int(delay[j]) if delay[j] >= 0 else int(project[j])
        succ[0].append(first)
        if delay[j] >= 0:
            succ[int(delay[j])].append(int(project[j]))
        succ[int(project[j])].extend(int(project[s]) for s in successors[j])
        succ[int(project[j])].append(sink)
    if n == 0:
        succ[0].append(sink)
    demands = np.zeros((n_act, len(pools)), dtype=np.int64)
    demands[project] = peak
    capacities = np.asarray(np.minimum(cap, np.iinfo(np.int32).max), dtype=np.int64)
    return RCPSPReduction(
        durations=_ro(durations),
        successors=tuple(tuple(sorted(set(s))) for s in succ),
        demands=_ro(demands),
        capacities=_ro(capacities),
        project=_ro(project),
        delay=_ro(delay),
        pools=_ro(pools),
        exact=conservative and constant,
    )


def serial_schedule(order: Sequence[int], cal: Calendar, predecessors: Sequence[Sequence[int]]) -> IntArray:
    """Serial schedule generation on the real model: each project, in *order*, at the earliest quarter at or after
    its release and its predecessors' finish where its need fits the capacity left in every pool and quarter.

    *order* must list every predecessor before its successors.

    Raises
    ------
    ValidationError
        Naming the project, when a pool can hold its need in no quarter (a capacity that ends too early).
    """
    n = cal.n
    pools = finite_pools(cal)
    resid = cal.capacity[pools].copy()
    length = resid.shape[1]
    starts = np.zeros(n, dtype=np.int64)
    finish = np.zeros(n, dtype=np.int64)
    for j in order:
        t0 = int(cal.release[j])
        for p in predecessors[j]:
            t0 = max(t0, int(finish[p]))
        d = int(cal.durations[j])
        need = cal.demand[j][pools]
        active = np.flatnonzero(need.any(axis=1)) if d else np.zeros(0, dtype=np.int64)
        start = t0
        if active.size:
            sub = need[active]
            room = resid[active]
            if not (t0 + d <= length and (room[:, t0 : t0 + d] >= sub).all()):
                start = _first_fit(room, sub, t0)
            if start < 0:
                k = int(pools[active[0]])
                raise ValidationError(
                    f"no quarter from {cal.label(t0)} on has room for its need in pool '{cal.pools[k].id}'",
                    location=Location(item=f"project '{cal.ids[j]}'"),
                    hint="give the pool a capacity after the horizon, or move part of the share to another pool",
                )
            resid[active, start : start + d] -= sub
        starts[j] = start
        finish[j] = start + d
    return starts


def _first_fit(room: FloatArray, need: IntArray, t0: int) -> int:
    """The first start at or after *t0* where the need profile fits the room left, or -1."""
    length = room.shape[1]
    d = need.shape[1]
    span = length - d + 1 - t0
    if span <= 0:
        return -1
    if bool(np.all(need == need[:, :1])):
        # A constant need fits a window exactly when no quarter in it is short: count short quarters cumulatively.
        short = (room[:, t0:] < need[:, :1]).any(axis=0)
        count = np.concatenate(([0], np.cumsum(short)))
        ok = count[d : d + span] == count[:span]
    else:
        ok = np.ones(span, dtype=bool)
        for u in range(d):
            ok &= (room[:, t0 + u : t0 + u + span] >= need[:, u : u + 1]).all(axis=0)
    hits = np.flatnonzero(ok)
    return t0 + int(hits[0]) if hits.size else -1


def pool_load(cal: Calendar, starts: IntArray, quarters: int) -> IntArray:
    """Whole person-days per pool and quarter that the schedule books, shape (pools, quarters)."""
    load = np.zeros((len(cal.pools), quarters), dtype=np.int64)
    for j in range(cal.n):
        s, d = int(starts[j]), int(cal.durations[j])
        end = min(s + d, quarters)
        if end > s:
            load[:, s:end] += cal.demand[j][:, : end - s]
    return load


@dataclass(frozen=True, eq=False)
class LevelledSchedule:
    """A schedule of the roadmap's projects in quarters; arrays are read-only and follow ``ids``.

    Attributes
    ----------
    starts, finishes
        Start quarter and the first quarter after the project (quarter 0 = Q1 of the horizon's first year).
    makespan
        Completion: the first quarter after the last project.
    lower_bound, proven_optimal
        A lower bound on the shortest completion with the pools' capacities, and whether it is reached.
    weighted_finish
        Σ benefit × finish quarter, the second criterion (smaller: high-benefit projects finish earlier).
    levelled
        False for the early-start schedule that ignores the pools (``level=False``).
    slack
        Quarters each project may slip with every other project in place, within the dependencies, the completion
        and the pools' capacities.
    chain
        The critical chain of the schedule: from the project that finishes last back through the project whose
        finish let it start (a dependency, or the pool it waited for) to a project that starts at its release.
    method
        What produced the schedule, e.g. ``"genetic algorithm + benefit moves"``.
    engine
        The engine's result on the reduced instance (None when the pools were not levelled).
    """

    ids: tuple[str, ...]
    starts: IntArray
    finishes: IntArray
    makespan: int
    lower_bound: int
    proven_optimal: bool
    weighted_finish: float
    levelled: bool
    slack: IntArray
    chain: tuple[str, ...]
    method: str
    engine: RCPSPSchedule | None = None


def _key(starts: IntArray, cal: Calendar, benefit: FloatArray, penalty: Penalty | None) -> tuple[float, ...]:
    finish = starts + cal.durations
    makespan = int(finish.max(initial=0))
    return (
        float(makespan),
        float(penalty(starts) if penalty is not None else 0),
        round(float(benefit @ finish), 6),
        float(finish.sum()),
    )


def _ready_order(n: int, predecessors: Sequence[Sequence[int]], rank: Callable[[int], tuple[float, ...]]) -> list[int]:
    """A precedence-feasible list: repeatedly the ready project with the smallest *rank*."""
    left = [len(p) for p in predecessors]
    succ: list[list[int]] = [[] for _ in range(n)]
    for j, ps in enumerate(predecessors):
        for p in ps:
            succ[p].append(j)
    ready = {j for j in range(n) if left[j] == 0}
    out: list[int] = []
    while ready:
        j = min(ready, key=rank)
        ready.remove(j)
        out.append(j)
        for s in succ[j]:
            left[s] -= 1
            if left[s] == 0:
                ready.add(s)
    return out


def _move_forward(order: list[int], j: int, predecessors: Sequence[Sequence[int]]) -> list[int]:
    """*order* with *j* moved to the earliest place after all its predecessors."""
    rest = [i for i in order if i != j]
    preds = set(predecessors[j])
    pos = max((k + 1 for k, i in enumerate(rest) if i in preds), default=0)
    return [*rest[:pos], j, *rest[pos:]]


def level(
    cal: Calendar,
    successors: Sequence[Sequence[int]],
    benefit: Sequence[float] | FloatArray,
    *,
    penalty: Penalty | None = None,
    time_limit: float | None = None,
    seed: int = 0,
    method: str = "auto",
    max_schedules: int | None = None,
) -> LevelledSchedule:
    """The levelled schedule: shortest completion, then high-benefit projects first (see the module notes).

    Parameters
    ----------
    cal
        The resolved calendar (projects, needs, capacities, release dates).
    successors
        For every project the indices of the projects that require it.
    benefit
        Benefit points per project, the weights of the second criterion.
    penalty
        Optional count of rule breaches of a schedule (funding windows, deadlines); among schedules of equal
        completion the one with fewer breaches is preferred before the second criterion.
    time_limit, seed, method, max_schedules
        Passed to :func:`~kommunal_planner.roadmap.schedule_rcpsp`; ``time_limit`` [s] also bounds the list moves.
        Default: about one second per 30 projects, at least 1 and at most 10 seconds.
    """
    t0 = time.perf_counter()
    n = cal.n
    if time_limit is None:
        # The engine's own default counts the delay activities too; a roadmap should be ready in seconds.
        time_limit = min(_MAX_DEFAULT_SECONDS, max(1.0, n / 30.0))
    weights = np.asarray(benefit, dtype=np.float64)
    predecessors: list[list[int]] = [[] for _ in range(n)]
    for j, ss in enumerate(successors):
        for s in ss:
            predecessors[s].append(j)
    cpm = critical_path(cal.durations, successors, cal.release, ids=cal.ids)
    lft = np.asarray(cpm.latest_finish)
    lists = {
        "plan order": _ready_order(n, predecessors, lambda j: (int(cal.release[j]), -weights[j], lft[j], j)),
        "benefit order": _ready_order(n, predecessors, lambda j: (-weights[j], lft[j], j)),
        "latest-finish order": _ready_order(n, predecessors, lambda j: (lft[j], -weights[j], j)),
    }
    best_name, best_order, best_starts = "", list[int](), np.zeros(n, dtype=np.int64)
    best_key: tuple[float, ...] = (np.inf,)
    for name, order in lists.items():
        starts = serial_schedule(order, cal, predecessors)
        key = _key(starts, cal, weights, penalty)
        if key < best_key:
            best_name, best_order, best_starts, best_key = name, order, starts, key
    red = rcpsp_reduction(cal, successors)
    engine: RCPSPSchedule | None = None
    if best_key[0] > cpm.length:
        # Only when a simple list misses the critical-path bound is there a shorter schedule to look for.
        engine = schedule_rcpsp(
            red.durations,
            red.successors,
            red.demands,
            red.capacities,
            time_limit=time_limit,
            seed=seed,
            method=method,
            max_schedules=max_schedules,
        )
        engine_starts = np.asarray(engine.starts)[red.project]
        order = sorted(range(n), key=lambda j: (int(engine_starts[j]), -weights[j], j))
        starts = serial_schedule(order, cal, predecessors)
        key = _key(starts, cal, weights, penalty)
        if key < best_key:
            best_name, best_order, best_starts, best_key = engine.method, order, starts, key
    moves = 0
    # The list moves cost one decoding each; the deadline only guards very large portfolios.
    deadline = t0 + max(5.0, 2.0 * time_limit)
    by_benefit = sorted(range(n), key=lambda j: (-float(weights[j]), j))
    for _ in range(_MOVE_ROUNDS):
        improved = False
        for j in by_benefit:
            if time.perf_counter() > deadline:
                break
            if best_starts[j] <= cal.release[j]:
                # It cannot start earlier; putting it first in the list would only hold others back.
                continue
            order = _move_forward(best_order, j, predecessors)
            if order == best_order:
                continue
            starts = serial_schedule(order, cal, predecessors)
            key = _key(starts, cal, weights, penalty)
            if key < best_key:
                best_order, best_starts, best_key = order, starts, key
                improved = True
                moves += 1
        if not improved:
            break
    makespan = int((best_starts + cal.durations).max(initial=0))
    if makespan <= cpm.length:
        bound = cpm.length
    elif red.exact and engine is not None:
        bound = engine.lower_bound
    else:
        bound = max(cpm.length, _energy_bound(cal), _relaxed_bound(cal, red, seed))
    bound = min(bound, makespan)
    label = best_name + (f" + {moves} benefit moves" if moves else "")
    logger.info(
        "levelled %d projects: completion %d quarters (lower bound %d), %s, %.2f s",
        n,
        makespan,
        bound,
        label,
        time.perf_counter() - t0,
    )
    finishes = best_starts + cal.durations
    return LevelledSchedule(
        ids=cal.ids,
        starts=_ro(best_starts),
        finishes=_ro(finishes),
        makespan=makespan,
        lower_bound=int(bound),
        proven_optimal=bound >= makespan,
        weighted_finish=float(weights @ finishes),
        levelled=True,
        slack=_ro(levelled_slack(cal, best_starts, successors, makespan)),
        chain=levelled_chain(cal, best_starts, predecessors, weights),
        method=label,
        engine=engine,
    )


def early_schedule(cal: Calendar, successors: Sequence[Sequence[int]], benefit: FloatArray) -> LevelledSchedule:
    """The critical-path early starts, ignoring the pools (``level=False``)."""
    cpm = critical_path(cal.durations, successors, cal.release, ids=cal.ids, priority=benefit)
    starts = np.array(cpm.earliest_start)
    finishes = starts + cal.durations
    return LevelledSchedule(
        ids=cal.ids,
        starts=_ro(starts),
        finishes=_ro(finishes),
        makespan=cpm.length,
        lower_bound=cpm.length,
        proven_optimal=True,
        weighted_finish=float(np.asarray(benefit) @ finishes),
        levelled=False,
        slack=cpm.free_slack,
        chain=cpm.chain,
        method="early start (pools not levelled)",
    )


def _energy_bound(cal: Calendar) -> int:
    """For each pool and release date r: the work of the projects released at r or later needs the capacity
    from r on, so the completion is at least the first quarter by which that capacity has accumulated."""
    best = 0
    for k in finite_pools(cal).tolist():
        cap = cal.capacity[k]
        work = np.array([int(d[k].sum()) for d in cal.demand], dtype=np.int64)
        for r in sorted(set(cal.release.tolist())):
            need = int(work[cal.release >= r].sum())
            if need == 0 or not np.all(np.isfinite(cap[r:])):
                continue
            cum = np.cumsum(cap[r:])
            pos = int(np.searchsorted(cum, need - 1e-9))
            if pos < cum.shape[0]:
                best = max(best, r + pos + 1)
    return best


def _relaxed_bound(cal: Calendar, red: RCPSPReduction, seed: int) -> int:
    """The engine's lower bound on a relaxation: each project's smallest need, each pool's largest capacity."""
    pools = red.pools
    if len(pools) == 0:
        return 0
    caps = cal.capacity[pools]
    keep = np.flatnonzero(np.isfinite(caps).all(axis=1))
    if keep.size == 0:
        return 0
    low = np.zeros_like(red.demands)
    for j in range(cal.n):
        d = cal.demand[j][pools]
        low[red.project[j]] = d.min(axis=1) if d.shape[1] else 0
    res = schedule_rcpsp(
        red.durations,
        red.successors,
        low[:, keep],
        caps[keep].max(axis=1).astype(np.int64),
        method="priority",
        seed=seed,
        time_limit=0.5,
    )
    return int(res.lower_bound)


def levelled_slack(cal: Calendar, starts: IntArray, successors: Sequence[Sequence[int]], makespan: int) -> IntArray:
    """Per project, the quarters it may slip with all others in place (each shift up to it must fit)."""
    n = cal.n
    pools = finite_pools(cal)
    quarters = max(makespan, 1)
    load = pool_load(cal, starts, quarters)[pools].astype(np.float64)
    cap = cal.capacity[pools, :quarters]
    out = np.zeros(n, dtype=np.int64)
    for j in range(n):
        s, d = int(starts[j]), int(cal.durations[j])
        limit = min([makespan, *(int(starts[i]) for i in successors[j])]) - (s + d)
        need = cal.demand[j][pools].astype(np.float64)
        free = cap - load
        free[:, s : s + d] += need
        shift = 0
        while shift < limit:
            nxt = s + shift + 1
            if not np.all(free[:, nxt : nxt + d] >= need):
                break
            shift += 1
        out[j] = shift
    return out


def levelled_chain(
    cal: Calendar, starts: IntArray, predecessors: Sequence[Sequence[int]], benefit: FloatArray
) -> tuple[str, ...]:
    """The critical chain of a levelled schedule (dependencies and the pools that made projects wait)."""
    n = cal.n
    if n == 0:
        return ()
    finish = starts + cal.durations
    makespan = int(finish.max())
    uses = np.array([d.any(axis=1) for d in cal.demand]).reshape(n, len(cal.pools))
    limited = np.isfinite(cal.capacity).any(axis=1)

    def pick(cands: list[int]) -> int:
        return max(cands, key=lambda i: (float(benefit[i]), -i))

    j = pick([i for i in range(n) if finish[i] == makespan])
    chain = [j]
    while True:
        drivers = [p for p in predecessors[j] if finish[p] == starts[j]]
        if not drivers and starts[j] > cal.release[j]:
            shared: NDArray[np.bool_] = np.asarray(uses[:, uses[j] & limited].any(axis=1))
            drivers = [i for i in range(n) if i != j and finish[i] == starts[j] and shared[i]]
        if not drivers:
            break
        j = pick(drivers)
        chain.append(j)
    return tuple(cal.ids[i] for i in reversed(chain))
