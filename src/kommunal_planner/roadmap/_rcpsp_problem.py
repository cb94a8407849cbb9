"""Validated, array-based form of a single-mode RCPSP instance, shared by all RCPSP algorithms.

The public entry point validates the user's input once and builds a :class:`Problem`; the schedule
generation schemes, bounds and the MIP work on it without further checks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

logger = logging.getLogger(__name__)

IntArray = NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class Problem:
    """An RCPSP instance in array form (internal).

    ``dur`` has shape (n,), ``dem`` (n, k), ``cap`` (k,); ``succ``/``pred`` are adjacency tuples.
    The activities are assumed to form a DAG and every demand to fit its capacity.
    """

    dur: IntArray
    dem: IntArray
    cap: IntArray
    succ: tuple[tuple[int, ...], ...]
    pred: tuple[tuple[int, ...], ...]
    topo: IntArray
    _cache: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def n(self) -> int:
        return int(self.dur.shape[0])

    @property
    def k(self) -> int:
        return int(self.cap.shape[0])

    @staticmethod
    def build(
        dur: IntArray, dem: IntArray, cap: IntArray, succ: tuple[tuple[int, ...], ...], topo: IntArray
    ) -> Problem:
        """Assemble a problem from validated parts (``topo`` is a topological order)."""
        n = int(dur.shape[0])
        preds: list[list[int]] = [[] for _ in range(n)]
        for i, ss in enumerate(succ):
            for j in ss:
                preds[j].append(i)
        pred = tuple(tuple(sorted(p)) for p in preds)
        return Problem(dur=dur, dem=dem, cap=cap, succ=succ, pred=pred, topo=topo)

    def reversed(self) -> Problem:
        """The same project with every precedence arc reversed (for backward scheduling)."""
        cached = self._cache.get("reversed")
        if isinstance(cached, Problem):
            return cached
        rev = Problem(
            dur=self.dur,
            dem=self.dem,
            cap=self.cap,
            succ=self.pred,
            pred=self.succ,
            topo=self.topo[::-1].copy(),
        )
        rev._cache["reversed"] = self
        self._cache["reversed"] = rev
        return rev

    @cached_property
    def predpad(self) -> IntArray:
        """Predecessors as an (n, p) index array padded with ``n`` (a column that always holds 0)."""
        width = max(1, max((len(p) for p in self.pred), default=0))
        out = np.full((self.n, width), self.n, dtype=np.int64)
        for j, p in enumerate(self.pred):
            out[j, : len(p)] = p
        return out

    @cached_property
    def succ_matrix(self) -> NDArray[np.int32]:
        """Dense (n, n) 0/1 matrix of direct successor arcs (row = predecessor)."""
        m = np.zeros((self.n, self.n), dtype=np.int32)
        for i, ss in enumerate(self.succ):
            m[i, list(ss)] = 1
        return m

    @cached_property
    def n_pred(self) -> NDArray[np.int32]:
        return np.array([len(p) for p in self.pred], dtype=np.int32)

    @cached_property
    def horizon(self) -> int:
        """A trivial upper bound on any serial-SGS makespan: the sum of durations."""
        return max(1, int(self.dur.sum()))

    @cached_property
    def earliest_starts(self) -> IntArray:
        """Earliest start times from the critical-path method (resources ignored)."""
        es = np.zeros(self.n, dtype=np.int64)
        dur = self.dur.tolist()
        es_l = [0] * self.n
        for j in self.topo.tolist():
            fj = es_l[j] + dur[j]
            for s in self.succ[j]:
                if fj > es_l[s]:
                    es_l[s] = fj
        es[:] = es_l
        return es

    @cached_property
    def critical_path(self) -> int:
        """Length of the longest path (the CPM makespan)."""
        if self.n == 0:
            return 0
        return int((self.earliest_starts + self.dur).max())

    def latest_finishes(self, horizon: int) -> IntArray:
        """Latest finish times for a project deadline ``horizon`` (resources ignored)."""
        dur = self.dur.tolist()
        lf = [horizon] * self.n
        for j in self.topo[::-1].tolist():
            ls_j = lf[j] - dur[j]
            for p in self.pred[j]:
                if ls_j < lf[p]:
                    lf[p] = ls_j
        return np.asarray(lf, dtype=np.int64)

    @cached_property
    def transitive_successors(self) -> NDArray[np.bool_]:
        """Boolean (n, n) matrix: ``[i, j]`` is true when j (transitively) follows i."""
        n = self.n
        reach = np.zeros((n, n), dtype=np.bool_)
        for j in self.topo[::-1].tolist():
            for s in self.succ[j]:
                reach[j, s] = True
                reach[j] |= reach[s]
        return reach


def makespan_of(starts: IntArray, dur: IntArray) -> int:
    """Finish time of the last activity (0 for an empty project)."""
    if starts.size == 0:
        return 0
    return int((starts + dur).max())
