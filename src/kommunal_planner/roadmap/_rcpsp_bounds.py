"""Lower bounds on the RCPSP makespan.

* ``critical_path``: longest path with durations (resources ignored).
* ``energy``: ``max_k ceil(sum_j d_j r_jk / R_k)`` (precedence ignored).
* ``clique``: the largest total duration of a set of activities no two of which can overlap, because
  they are precedence-related or together exceed some capacity (a greedy version of the node-packing bound
  LB3 of Mingozzi et al. 1998).
* ``destructive``: destructive improvement (Klein and Scholl 1999): a makespan T is refuted when time
  windows derived from T become contradictory under precedence propagation, disjunctive-pair propagation
  and an energetic-reasoning check (Baptiste, Le Pape and Nuijten); the smallest T that is not refuted is
  a lower bound.
"""

from __future__ import annotations

import logging
import time

import numpy as np
from numpy.typing import NDArray

from ._rcpsp_problem import IntArray, Problem

logger = logging.getLogger(__name__)

# The energetic check costs O(n^3) per trial makespan; above this many activities it would cost more than
# the search it is meant to shorten.
_ENERGETIC_MAX_ACTIVITIES = 250


def energy_bound(problem: Problem) -> int:
    """``max_k ceil(sum_j d_j r_jk / R_k)`` over resources with positive capacity."""
    best = 0
    work = problem.dur @ problem.dem if problem.n else np.zeros(problem.k, dtype=np.int64)
    for kk in range(problem.k):
        cap = int(problem.cap[kk])
        if cap > 0:
            best = max(best, -(-int(work[kk]) // cap))
    return best


def incompatible_pairs(problem: Problem) -> NDArray[np.bool_]:
    """(n, n) matrix: true when the two activities cannot run in parallel because of a resource."""
    dem = problem.dem
    if problem.k == 0 or problem.n == 0:
        return np.zeros((problem.n, problem.n), dtype=np.bool_)
    over: NDArray[np.bool_] = np.asarray(((dem[:, None, :] + dem[None, :, :]) > problem.cap[None, None, :]).any(axis=2))
    np.fill_diagonal(over, False)
    return over


def clique_bound(problem: Problem) -> int:
    """Greedy heaviest set of pairwise non-overlapping activities (sum of their durations)."""
    n = problem.n
    if n == 0:
        return 0
    reach = problem.transitive_successors
    conflict = incompatible_pairs(problem) | reach | reach.T
    dur = problem.dur
    order = np.argsort(-dur, kind="stable")
    best = 0
    for seed in order[: min(n, 64)].tolist():
        if dur[seed] == 0:
            break
        members = [seed]
        total = int(dur[seed])
        ok = conflict[seed].copy()
        for j in order.tolist():
            if ok[j] and dur[j] > 0:
                members.append(j)
                total += int(dur[j])
                ok &= conflict[j]
        best = max(best, total)
    return best


class Windows:
    """Time windows [ES_j, LF_j] for a trial makespan, with propagation."""

    def __init__(self, problem: Problem, resource_conflict: NDArray[np.bool_]) -> None:
        self.problem = problem
        reach = problem.transitive_successors
        positive = problem.dur > 0
        self.disjunctive = resource_conflict & ~reach & ~reach.T & positive[:, None] & positive[None, :]
        self.has_disjunctive = bool(self.disjunctive.any())
        self.dur_f = problem.dur.astype(np.int64)

    def refuted(self, horizon: int, energetic: bool) -> bool:
        """True when no schedule can finish by ``horizon``."""
        return self.windows(horizon, energetic) is None

    def windows(self, horizon: int, energetic: bool) -> tuple[IntArray, IntArray] | None:
        """Earliest starts and latest finishes valid for every schedule finishing by ``horizon``, or
        ``None`` when the propagation proves that there is no such schedule."""
        p = self.problem
        es = p.earliest_starts.copy()
        lf = p.latest_finishes(horizon)
        d = self.dur_f
        if (es + d > lf).any():
            return None
        for _ in range(4 * p.n + 10):
            changed = False
            if self.has_disjunctive:
                # i before j is possible when ES_i + d_i + d_j <= LF_j.
                i_first = (es + d)[:, None] + d[None, :] <= lf[None, :]
                both = self.disjunctive
                no_order = both & ~i_first & ~i_first.T
                if no_order.any():
                    return None
                forced = both & i_first & ~i_first.T  # i must precede j
                if forced.any():
                    ii, jj = np.nonzero(forced)
                    new_es = es.copy()
                    np.maximum.at(new_es, jj, es[ii] + d[ii])
                    new_lf = lf.copy()
                    np.minimum.at(new_lf, ii, lf[jj] - d[jj])
                    if (new_es != es).any() or (new_lf != lf).any():
                        es, lf = new_es, new_lf
                        changed = True
            if changed:
                es, lf = self._propagate_precedence(es, lf)
                if (es + d > lf).any():
                    return None
            else:
                break
        if energetic and p.n <= _ENERGETIC_MAX_ACTIVITIES and p.k > 0 and self._energetic_overload(es, lf):
            return None
        return es, lf

    def _propagate_precedence(self, es: IntArray, lf: IntArray) -> tuple[IntArray, IntArray]:
        p = self.problem
        dur = p.dur.tolist()
        es_l = es.tolist()
        lf_l = lf.tolist()
        for j in p.topo.tolist():
            fj = es_l[j] + dur[j]
            for s in p.succ[j]:
                if fj > es_l[s]:
                    es_l[s] = fj
        for j in p.topo[::-1].tolist():
            sj = lf_l[j] - dur[j]
            for q in p.pred[j]:
                if sj < lf_l[q]:
                    lf_l[q] = sj
        return np.asarray(es_l, dtype=np.int64), np.asarray(lf_l, dtype=np.int64)

    def _energetic_overload(self, es: IntArray, lf: IntArray) -> bool:
        """Energetic reasoning: does some interval [a, b) need more energy than the resources offer?

        An activity must use at least ``min(d, b - a, EF - a, b - LS)`` periods of [a, b) whichever way it
        is shifted inside its window; a and b range over the window starts and ends.
        """
        p = self.problem
        active = p.dur > 0
        if not active.any():
            return False
        d = p.dur[active]
        es_a, lf_a = es[active], lf[active]
        ef, ls = es_a + d, lf_a - d
        dem = p.dem[active]
        a_pts = np.unique(np.concatenate([es_a, ls]))
        b_pts = np.unique(np.concatenate([ef, lf_a]))
        # Blocks of interval starts keep the (block, |b|, n) array at about a million entries.
        block = max(1, 1_000_000 // max(1, b_pts.size * d.size))
        B = b_pts[None, :, None]
        for lo in range(0, a_pts.size, block):
            A = a_pts[lo : lo + block, None, None]
            length = B - A
            m = np.minimum(np.minimum(d[None, None, :], length), np.minimum(ef - A, B - ls))
            np.maximum(m, 0, out=m)
            need = m.reshape(-1, d.size) @ dem
            room = np.maximum(length, 0).reshape(-1, 1) * p.cap[None, :]
            if (need > room).any():
                return True
        return False


def lower_bounds(problem: Problem, *, deadline: float | None = None) -> dict[str, int]:
    """All lower bounds by name (see the module docstring); ``deadline`` limits the destructive one."""
    out: dict[str, int] = {"critical_path": problem.critical_path, "energy": energy_bound(problem)}
    if problem.n == 0:
        out["clique"] = 0
        out["destructive"] = 0
        return out
    out["clique"] = clique_bound(problem)
    start = max(out.values())
    windows = Windows(problem, incompatible_pairs(problem))
    t = start
    # The bound never exceeds the sum of durations, which every serial schedule achieves.
    while t < problem.horizon and windows.refuted(t, energetic=True):
        t += 1
        if deadline is not None and time.perf_counter() > deadline:
            break
    out["destructive"] = t
    return out
