"""The critical-path method (CPM) in whole periods, with release dates.

A forward pass gives the earliest start ``ES_j = max(r_j, max_p EF_p)`` and finish ``EF_j = ES_j + d_j``; the
completion time is ``T = max_j EF_j``. A backward pass from ``T`` gives the latest finish
``LF_j = min(T, min_s LS_s)`` and start ``LS_j = LF_j - d_j``. Total slack ``LS - ES`` is how far a project may
slip without delaying completion; free slack ``min_s ES_s - EF_j`` (``T - EF_j`` without successors) is how far it
may slip without delaying any other project. Release dates bound the starts from below only, so they change the
forward pass and, through ``T``, the slack; the critical projects are those with zero total slack.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
from numpy.typing import ArrayLike, NDArray

from kommunal_planner.errors import DependencyCycleError, Location, ValidationError

__all__ = ["CriticalPath", "critical_path"]

logger = logging.getLogger(__name__)

IntArray = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class CriticalPath:
    """Result of :func:`critical_path`; all arrays are read-only and indexed like the input.

    Attributes
    ----------
    ids
        Names of the activities (project ids).
    durations, release
        The input [periods].
    earliest_start, earliest_finish, latest_start, latest_finish
        CPM times [periods]; a finish is the first period after the activity.
    total_slack, free_slack
        [periods]; zero total slack marks a critical activity.
    length
        Completion time ``T`` of the whole project [periods].
    critical
        Ids of the activities with zero total slack, in input order.
    chain
        One critical chain in order, from an activity that starts at its release date (or 0) to one that ends at
        ``T``; each link finishes exactly when the next starts.
    """

    ids: tuple[str, ...]
    durations: IntArray
    release: IntArray
    earliest_start: IntArray
    earliest_finish: IntArray
    latest_start: IntArray
    latest_finish: IntArray
    total_slack: IntArray
    free_slack: IntArray
    length: int
    critical: tuple[str, ...]
    chain: tuple[str, ...]

    def index(self, project_id: str) -> int:
        return self.ids.index(project_id)


def _ro(values: Iterable[int] | IntArray) -> IntArray:
    arr = np.array(list(values) if not isinstance(values, np.ndarray) else values, dtype=np.int64)
    arr.setflags(write=False)
    return arr


def topological_order(successors: Sequence[Sequence[int]], ids: Sequence[str]) -> list[int]:
    """A topological order (smallest index first among the ready ones); a cycle raises DependencyCycleError."""
    n = len(successors)
    indeg = [0] * n
    for ss in successors:
        for s in ss:
            indeg[s] += 1
    ready = sorted((j for j in range(n) if indeg[j] == 0), reverse=True)
    order: list[int] = []
    while ready:
        j = ready.pop()
        order.append(j)
        for s in successors[j]:
            indeg[s] -= 1
            if indeg[s] == 0:
                ready.append(s)
                ready.sort(reverse=True)
    if len(order) < n:
        stuck = {j for j in range(n) if indeg[j] > 0}
        graph = nx.DiGraph((j, s) for j in stuck for s in successors[j] if s in stuck)
        cycle = [ids[edge[0]] for edge in nx.find_cycle(graph)]
        raise DependencyCycleError(cycle, location=Location(item=f"project '{cycle[0]}'", path="requires"))
    return order


def critical_path(
    durations: ArrayLike,
    successors: Sequence[Iterable[int]],
    release: ArrayLike | None = None,
    *,
    ids: Sequence[str] | None = None,
    priority: ArrayLike | None = None,
) -> CriticalPath:
    """Earliest and latest times, slack and the critical chain of activities with release dates.

    Parameters
    ----------
    durations
        n non-negative whole durations [periods].
    successors
        For every activity, the indices of the activities that may start only after it has finished.
    release
        n earliest starts [periods] (default 0).
    ids
        Names used in the result and in errors (default ``'0'``, ``'1'``, …).
    priority
        Where several predecessors drive a chain, the one with the highest priority (e.g. benefit) is followed;
        ties go to the lower index.

    Returns
    -------
    CriticalPath

    Raises
    ------
    ValidationError
        For a negative duration or release, or a successor index out of range.
    DependencyCycleError
        When the precedences form a cycle.

    Examples
    --------
    A chain a → b → c of 4, 2 and 4 quarters, and d (2 quarters) released in quarter 6:

    >>> cp = critical_path([4, 2, 4, 2], [[1], [2], [], []], [0, 0, 0, 6], ids=["a", "b", "c", "d"])
    >>> cp.length, cp.critical, cp.total_slack.tolist(), cp.free_slack.tolist()
    (10, ('a', 'b', 'c'), [0, 0, 0, 2], [0, 0, 0, 2])
    >>> cp.chain
    ('a', 'b', 'c')
    """
    dur = np.asarray(durations, dtype=np.int64).reshape(-1)
    n = int(dur.shape[0])
    names = tuple(str(i) for i in range(n)) if ids is None else tuple(ids)
    succ = [sorted({int(s) for s in ss}) for ss in successors]
    rel = np.zeros(n, dtype=np.int64) if release is None else np.asarray(release, dtype=np.int64).reshape(-1)
    if len(names) != n or len(succ) != n or rel.shape[0] != n:
        raise ValidationError(
            "durations, successors, release and ids differ in length",
            location=Location(path="durations"),
            found=(n, len(succ), int(rel.shape[0]), len(names)),
        )
    for what, arr in (("durations", dur), ("release", rel)):
        bad = np.flatnonzero(arr < 0)
        if bad.size:
            j = int(bad[0])
            raise ValidationError(
                "", location=Location(item=f"project '{names[j]}'", path=what), expected="≥ 0", found=int(arr[j])
            )
    for j, ss in enumerate(succ):
        for s in ss:
            if not 0 <= s < n or s == j:
                raise ValidationError(
                    "successor index out of range",
                    location=Location(item=f"project '{names[j]}'", path="successors"),
                    expected=f"an index in 0..{n - 1} other than {j}",
                    found=s,
                )
    prio = np.zeros(n) if priority is None else np.asarray(priority, dtype=np.float64).reshape(-1)
    pred: list[list[int]] = [[] for _ in range(n)]
    for j, ss in enumerate(succ):
        for s in ss:
            pred[s].append(j)
    order = topological_order(succ, names)

    es = rel.copy()
    for j in order:
        for p in pred[j]:
            es[j] = max(es[j], es[p] + dur[p])
    ef = es + dur
    length = int(ef.max(initial=0))
    lf = np.full(n, length, dtype=np.int64)
    for j in reversed(order):
        for s in succ[j]:
            lf[j] = min(lf[j], lf[s] - dur[s])
    ls = lf - dur
    total = ls - es
    free = np.array(
        [(min(int(es[s]) for s in succ[j]) if succ[j] else length) - int(ef[j]) for j in range(n)], dtype=np.int64
    )
    critical = tuple(names[j] for j in range(n) if total[j] == 0)

    chain: list[int] = []
    ends = [j for j in range(n) if total[j] == 0 and ef[j] == length]
    if ends:
        j = max(ends, key=lambda i: (prio[i], -i))
        chain.append(j)
        while True:
            drivers = [p for p in pred[j] if total[p] == 0 and ef[p] == es[j]]
            if not drivers:
                break
            j = max(drivers, key=lambda i: (prio[i], -i))
            chain.append(j)
    logger.debug("critical path: length %d, %d critical of %d", length, len(critical), n)
    return CriticalPath(
        ids=names,
        durations=_ro(dur),
        release=_ro(rel),
        earliest_start=_ro(es),
        earliest_finish=_ro(ef),
        latest_start=_ro(ls),
        latest_finish=_ro(lf),
        total_slack=_ro(total),
        free_slack=_ro(free),
        length=length,
        critical=critical,
        chain=tuple(names[j] for j in reversed(chain)),
    )
