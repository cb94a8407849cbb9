"""Single-mode resource-constrained project scheduling (RCPSP): the public entry point.

:func:`schedule_rcpsp` validates the input, computes lower bounds, and then runs, depending on ``method``,

1. priority-rule schedules (serial and parallel SGS with LFT, LST, MTS, GRPW and MSLK),
2. forward-backward improvement (double justification) of those schedules,
3. an island genetic algorithm on activity lists with justification, restarting stalled islands from
   regret-based biased random samples,
4. a time-indexed MIP (HiGHS) that searches for a schedule better than the best one found, and proves the
   latter optimal when there is none (small instances).

Every phase stops as soon as the makespan meets the lower bound.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from kommunal_planner.errors import DependencyCycleError, Location, ValidationError

from ._rcpsp_bounds import lower_bounds
from ._rcpsp_ga import Budget, Incumbent, genetic_search
from ._rcpsp_mip import estimate_size, solve_time_indexed
from ._rcpsp_problem import IntArray, Problem, makespan_of
from ._rcpsp_sgs import (
    forward_backward,
    makespans,
    priority_rule_schedules,
    priority_values,
)

logger = logging.getLogger(__name__)

__all__ = ["METHODS", "RCPSPSchedule", "schedule_rcpsp"]

Method = Literal["auto", "exact", "heuristic", "justify", "priority"]
METHODS: tuple[str, ...] = ("auto", "exact", "heuristic", "justify", "priority")

# Above this many binary variables the time-indexed model is not tried in "auto" mode: the LP alone
# would use up a default time budget.
_AUTO_MIP_MAX_VARIABLES = 30_000
# Share of the time budget the heuristic may use in "auto" mode before the MIP takes over, and the number of
# generations without improvement after which it hands over earlier ("auto" and "exact").
_AUTO_HEURISTIC_SHARE = 0.5
_AUTO_STALL = 40
_EXACT_STALL = 15


@dataclass(frozen=True, eq=False)
class RCPSPSchedule:
    """Result of :func:`schedule_rcpsp`.

    Attributes
    ----------
    starts
        Read-only int array with the start period of every activity (finish = start + duration).
    makespan
        Finish time of the last activity.
    lower_bound
        Best proven lower bound on the optimal makespan (at most ``makespan``).
    proven_optimal
        True when ``makespan == lower_bound``.
    method
        What produced the schedule: ``"priority:<rule>/<serial|parallel>"``, ``"justification"``,
        ``"sampling"``, ``"genetic algorithm"``, ``"mip"``, or ``"empty"`` for a project without
        activities.
    schedules_evaluated
        Number of schedule-generation passes (each forward or backward SGS pass counts as one).
    time
        Wall-clock seconds spent.
    durations
        Read-only copy of the activity durations (for ``finishes``).
    lower_bounds
        Every bound that was computed, by name (``critical_path``, ``energy``, ``clique``, ``destructive``
        and, when the MIP ran, ``mip``).
    """

    starts: NDArray[np.int64]
    makespan: int
    lower_bound: int
    proven_optimal: bool
    method: str
    schedules_evaluated: int
    time: float
    durations: NDArray[np.int64] = field(repr=False)
    lower_bounds: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def finishes(self) -> NDArray[np.int64]:
        """Finish periods (a new read-only array)."""
        out = self.starts + self.durations
        out.setflags(write=False)
        return out

    @property
    def gap(self) -> float:
        """Relative distance of the makespan from the lower bound (0 when proven optimal)."""
        return 0.0 if self.makespan == 0 else (self.makespan - self.lower_bound) / self.makespan


def default_time_limit(n_activities: int, method: str) -> float:
    """Default wall-clock budget: about one second per 30 activities (longer for ``method="exact"``)."""
    base = min(60.0, max(0.5, n_activities / 30.0))
    return base * 20.0 if method == "exact" else base


def schedule_rcpsp(
    durations: Sequence[int] | ArrayLike,
    successors: Sequence[Iterable[int]],
    demands: ArrayLike,
    capacities: ArrayLike,
    *,
    time_limit: float | None = None,
    seed: int = 0,
    method: Method | str = "auto",
    max_schedules: int | None = None,
) -> RCPSPSchedule:
    """Schedule activities under precedence and renewable-resource constraints, minimising the makespan.

    Parameters
    ----------
    durations
        n non-negative integer durations (0 for milestones/dummies).
    successors
        For every activity the indices (0-based) of the activities that may start only after it finished.
    demands
        n x k non-negative integer per-period demands on the k renewable resources.
    capacities
        k non-negative integer capacities (available in every period).
    time_limit
        Wall-clock budget in seconds. ``None`` gives about one second per 30 activities (twenty times that
        for ``method="exact"``). The MIP phase can run past it: HiGHS does not look at the clock during a
        round of root cut separation, which takes up to a few seconds on some 30-activity models.
    seed
        Seed of the random number generator used by sampling and the genetic algorithm.
    method
        ``"priority"`` (priority-rule SGS only), ``"justify"`` (plus forward-backward improvement),
        ``"heuristic"`` (plus the genetic algorithm for the whole budget), ``"exact"`` (a short heuristic
        for an incumbent, then the time-indexed MIP for the rest of the budget) or ``"auto"`` (the
        heuristic, then the MIP if the instance is small and the lower bound is not yet reached).
    max_schedules
        Deterministic budget: the sampling and genetic-algorithm phases stop after this many SGS passes
        in total (the priority rules and their justification, about 40 passes, always run). With the same
        input, seed and ``max_schedules`` (and a time limit that is not reached) the result is the same on
        every run; the MIP phase is reproducible only when it finishes within its time limit.

    Returns
    -------
    RCPSPSchedule
        Start times, makespan, lower bound and how they were obtained.

    Raises
    ------
    kommunal_planner.errors.ValidationError
        For mismatched lengths, negative or non-integer values, successor indices out of range or a
        demand above its capacity.
    kommunal_planner.errors.DependencyCycleError
        When the precedence relations form a cycle (``cycle`` lists the activity indices as strings).

    Examples
    --------
    Two jobs that each need the whole machine, and a third after the first:

    >>> res = schedule_rcpsp([3, 2, 1], [[2], [], []], [[1], [1], [0]], [1], seed=1)
    >>> res.makespan, res.proven_optimal
    (5, True)
    >>> res.starts.tolist()
    [0, 3, 3]
    """
    t0 = time.perf_counter()
    if method not in METHODS:
        raise ValidationError(
            "unknown RCPSP method", location=Location(path="method"), expected=" | ".join(METHODS), found=method
        )
    if time_limit is not None and (
        isinstance(time_limit, bool) or not isinstance(time_limit, int | float) or not (0 < time_limit < float("inf"))
    ):
        raise ValidationError(
            "invalid time limit",
            location=Location(path="time_limit"),
            expected="a positive, finite number of seconds",
            found=time_limit,
        )
    if max_schedules is not None and (
        isinstance(max_schedules, bool) or not isinstance(max_schedules, int | np.integer) or max_schedules < 1
    ):
        raise ValidationError(
            "invalid schedule budget",
            location=Location(path="max_schedules"),
            expected="a positive integer",
            found=max_schedules,
        )
    problem = validate(durations, successors, demands, capacities)
    n = problem.n
    limit = default_time_limit(n, method) if time_limit is None else float(time_limit)
    deadline = t0 + limit
    bounds = lower_bounds(problem, deadline=t0 + 0.2 * limit)
    lb = max(bounds.values())
    if n == 0:
        return _result(problem, np.zeros(0, dtype=np.int64), lb, "empty", 0, t0, bounds)

    rng = np.random.default_rng(seed)
    budget = Budget(deadline=deadline, max_schedules=None if max_schedules is None else int(max_schedules), target=lb)

    # 1. Priority rules.
    upper = problem.horizon
    seeds = priority_rule_schedules(problem, upper)
    budget.used += len(seeds)
    all_starts = np.vstack([s for _, s in seeds])
    ms = makespans(problem, all_starts)
    best = int(np.argmin(ms))
    inc = Incumbent(starts=all_starts[best].copy(), makespan=int(ms[best]), method=f"priority:{seeds[best][0]}")
    logger.debug("priority rules: best %d (%s), lower bound %d", inc.makespan, inc.method, lb)
    if method == "priority" or inc.makespan <= lb:
        return _result(problem, inc.starts, lb, inc.method, budget.used, t0, bounds)

    # 2. Forward-backward improvement of the priority-rule schedules.
    just, lists, passes = forward_backward(problem, all_starts, rounds=3)
    budget.used += passes * all_starts.shape[0]
    inc.offer(just, makespans(problem, just), "justification")
    if method == "justify" or inc.makespan <= lb:
        return _result(problem, inc.starts, lb, inc.method, budget.used, t0, bounds)

    # 3. Genetic algorithm.
    mip_wanted = method == "exact" or (
        method == "auto" and estimate_size(problem, inc.makespan) <= _AUTO_MIP_MAX_VARIABLES
    )
    if method == "exact":
        budget.soft_deadline = t0 + 0.1 * limit
    elif mip_wanted:
        budget.soft_deadline = t0 + _AUTO_HEURISTIC_SHARE * limit
    lft = priority_values(problem, "LFT", upper)
    # When the MIP follows, hand over once the GA stalls: the MIP needs the time more than the GA.
    stop_after = None if not mip_wanted else (_EXACT_STALL if method == "exact" else _AUTO_STALL)
    genetic_search(
        problem,
        lists,
        inc,
        budget,
        rng,
        priority=lft,
        island_size=_island_size(n),
        stop_after=stop_after,
    )

    # 4. Time-indexed MIP.
    remaining = deadline - time.perf_counter()
    if mip_wanted and inc.makespan > lb and remaining > 0.05:
        # Searching only for better schedules (horizon = best makespan - 1) gives tighter windows, and an
        # infeasible model proves the incumbent optimal.
        outcome = solve_time_indexed(problem, inc.starts, lb, time_limit=remaining, seed=seed, strict=True)
        bounds["mip"] = outcome.lower_bound
        lb = max(lb, outcome.lower_bound)
        if outcome.improved:
            inc.starts, inc.makespan, inc.method = outcome.starts, outcome.makespan, "mip"
    return _result(problem, inc.starts, lb, inc.method, budget.used, t0, bounds)


def _island_size(n: int) -> int:
    return int(min(32, max(16, (3 * n) // 4)))


def _result(
    problem: Problem,
    starts: IntArray,
    lb: int,
    method: str,
    evaluated: int,
    t0: float,
    bounds: dict[str, int],
) -> RCPSPSchedule:
    starts = np.array(starts, dtype=np.int64)
    starts.setflags(write=False)
    ms = makespan_of(starts, problem.dur)
    if lb > ms:
        logger.warning("lower bound %d above the makespan %d of a feasible schedule; capped", lb, ms)
        lb = ms
    dur = problem.dur.copy()
    dur.setflags(write=False)
    return RCPSPSchedule(
        starts=starts,
        makespan=ms,
        lower_bound=lb,
        proven_optimal=lb >= ms,
        method=method,
        schedules_evaluated=int(evaluated),
        time=time.perf_counter() - t0,
        lower_bounds=MappingProxyType(dict(bounds)),
        durations=dur,
    )


# ---------------------------------------------------------------------------------------------------------
# Validation


def _int_array(values: Any, what: str, ndim: int) -> IntArray:
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"{what} cannot be read as an array", location=Location(path=what)) from exc
    if arr.size == 0:
        return np.zeros(arr.shape if arr.ndim == ndim else (0,) * ndim, dtype=np.int64)
    if arr.ndim != ndim:
        raise ValidationError(
            f"{what} has the wrong shape",
            location=Location(path=what),
            expected=f"{ndim}-dimensional",
            found=f"shape {arr.shape}",
        )
    if arr.dtype.kind == "b" or arr.dtype.kind not in "iuf":
        raise ValidationError(f"{what} must hold integers", location=Location(path=what), found=str(arr.dtype))
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr) | (arr != np.round(arr))
        if bad.any():
            pos = tuple(int(x) for x in np.argwhere(bad)[0])
            raise ValidationError(
                f"{what} must hold integers",
                location=Location(path=f"{what}{list(pos)}"),
                found=float(arr[pos]),
            )
    return arr.astype(np.int64)


def validate(durations: Any, successors: Sequence[Iterable[int]], demands: Any, capacities: Any) -> Problem:
    """Check the input and build the internal :class:`Problem` (see :func:`schedule_rcpsp` for the rules)."""
    dur = _int_array(durations, "durations", 1)
    n = int(dur.shape[0])
    cap = _int_array(capacities, "capacities", 1)
    k = int(cap.shape[0])
    dem = _int_array(demands, "demands", 2)
    if dem.size == 0:
        dem = np.zeros((n, k), dtype=np.int64) if dem.shape[0] in (0, n) else dem
    if dem.shape != (n, k):
        raise ValidationError(
            "demands do not match durations and capacities",
            location=Location(path="demands"),
            expected=f"shape ({n}, {k}) (activities x resources)",
            found=f"shape {dem.shape}",
        )
    if len(successors) != n:
        raise ValidationError(
            "successors does not match durations",
            location=Location(path="successors"),
            expected=f"{n} successor lists",
            found=len(successors),
        )
    neg = np.flatnonzero(dur < 0)
    if neg.size:
        j = int(neg[0])
        raise ValidationError(
            "negative duration",
            location=Location(item=f"activity {j}", path=f"durations[{j}]"),
            expected="a non-negative integer",
            found=int(dur[j]),
        )
    neg = np.flatnonzero(cap < 0)
    if neg.size:
        kk = int(neg[0])
        raise ValidationError(
            "negative capacity",
            location=Location(item=f"resource {kk}", path=f"capacities[{kk}]"),
            expected="a non-negative integer",
            found=int(cap[kk]),
        )
    if k and (dem < 0).any():
        j, kk = (int(x) for x in np.argwhere(dem < 0)[0])
        raise ValidationError(
            f"negative demand of activity {j} for resource {kk}",
            location=Location(item=f"activity {j}", path=f"demands[{j}][{kk}]"),
            expected="a non-negative integer",
            found=int(dem[j, kk]),
        )
    if k and (dem > cap[None, :]).any():
        j, kk = (int(x) for x in np.argwhere(dem > cap[None, :])[0])
        raise ValidationError(
            f"activity {j} needs {int(dem[j, kk])} units of resource {kk}, more than its capacity {int(cap[kk])}",
            location=Location(item=f"activity {j}", path=f"demands[{j}][{kk}]"),
            hint="no schedule can run it; lower the demand or raise the capacity",
        )
    succ: list[tuple[int, ...]] = []
    for j, raw in enumerate(successors):
        try:
            items = list(raw)
        except TypeError:
            raise ValidationError(
                f"the successors of activity {j} are not a list of indices",
                location=Location(item=f"activity {j}", path=f"successors[{j}]"),
                found=raw,
            ) from None
        out: list[int] = []
        for s in items:
            if isinstance(s, bool) or not isinstance(s, int | np.integer):
                raise ValidationError(
                    f"successor of activity {j} is not an integer index",
                    location=Location(item=f"activity {j}", path=f"successors[{j}]"),
                    found=s,
                )
            s = int(s)
            if not 0 <= s < n:
                raise ValidationError(
                    f"successor of activity {j} out of range",
                    location=Location(item=f"activity {j}", path=f"successors[{j}]"),
                    expected=f"an index in 0..{n - 1}",
                    found=s,
                )
            out.append(s)
        succ.append(tuple(sorted(set(out))))
    topo = _topological_order(succ)
    return Problem.build(dur, dem, cap, tuple(succ), topo)


def _topological_order(succ: list[tuple[int, ...]]) -> IntArray:
    n = len(succ)
    indeg = [0] * n
    for ss in succ:
        for s in ss:
            indeg[s] += 1
    stack = [j for j in range(n - 1, -1, -1) if indeg[j] == 0]
    order: list[int] = []
    while stack:
        j = stack.pop()
        order.append(j)
        for s in reversed(succ[j]):
            indeg[s] -= 1
            if indeg[s] == 0:
                stack.append(s)
    if len(order) < n:
        raise DependencyCycleError([str(j) for j in _find_cycle(succ, {j for j in range(n) if indeg[j] > 0})])
    return np.asarray(order, dtype=np.int64)


def _find_cycle(succ: list[tuple[int, ...]], nodes: set[int]) -> list[int]:
    """A cycle among ``nodes``, the activities a topological sort could not place.

    Each of them has a predecessor among them, so walking predecessors must revisit an activity.
    """
    pred: dict[int, int] = {}
    for i in sorted(nodes):
        for s in succ[i]:
            if s in nodes and s not in pred:
                pred[s] = i
    seen: dict[int, int] = {}
    path: list[int] = []
    j = min(nodes)
    while j not in seen:
        seen[j] = len(path)
        path.append(j)
        j = pred[j]
    cycle = path[seen[j] :][::-1]
    first = cycle.index(min(cycle))
    return cycle[first:] + cycle[:first]
