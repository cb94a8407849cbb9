"""Activity-list genetic algorithm with forward-backward improvement.

The representation, two-point crossover and swap mutation are Hartmann's (1998); every child is decoded
by the serial SGS and then improved by one forward-backward pass (Valls, Ballestín and Quintanilla 2005).
The child keeps the activity list of the improved schedule (sorted by start time), so what the GA
recombines are justified schedules. A second mutation moves one activity to a random position between its
last predecessor and first successor; after justification most adjacent swaps decode to the same schedule,
and the larger move is what keeps the search from stalling.

Several island populations evolve side by side (one numpy batch, no migration); selection keeps the best
distinct schedules of parents and children of an island, and an island that stalls is restarted from
regret-based biased random samples. All operators work on whole batches with numpy.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ._rcpsp_problem import IntArray, Problem
from ._rcpsp_sgs import forward_backward, makespans, regret_sampling, serial_sgs

logger = logging.getLogger(__name__)


@dataclass
class Budget:
    """Stopping rule shared by the heuristic phases.

    ``deadline`` is the overall wall-clock limit, ``soft_deadline`` an earlier one for the heuristic when
    a MIP follows, ``max_schedules`` the deterministic limit on SGS passes (``used`` counts them), and
    ``target`` the lower bound at which the search stops.
    """

    deadline: float
    max_schedules: int | None = None
    target: int = 0
    used: int = 0
    soft_deadline: float = field(default=float("inf"))

    def left(self) -> int | None:
        """Schedules left under the count budget (``None`` = unlimited)."""
        return None if self.max_schedules is None else max(0, self.max_schedules - self.used)

    def exhausted(self) -> bool:
        if self.max_schedules is not None and self.used >= self.max_schedules:
            return True
        now = time.perf_counter()
        return now >= self.deadline or now >= self.soft_deadline


@dataclass
class Incumbent:
    """Best schedule found so far and what produced it."""

    starts: IntArray
    makespan: int
    method: str

    def offer(self, starts: IntArray, ms: IntArray, method: str) -> bool:
        i = int(np.argmin(ms))
        if int(ms[i]) < self.makespan:
            self.starts = starts[i].copy()
            self.makespan = int(ms[i])
            self.method = method
            return True
        return False


def crossover(mothers: IntArray, fathers: IntArray, rng: np.random.Generator) -> IntArray:
    """Hartmann's two-point crossover: positions [0, q1) from the mother, [q1, q2) from the father (in the
    father's order, skipping activities already taken), the rest in the mother's order."""
    n_pairs, n = mothers.shape
    rows = np.arange(n_pairs)[:, None]
    cut = np.sort(rng.integers(0, n + 1, size=(n_pairs, 2)), axis=1)
    q1, q2 = cut[:, :1], cut[:, 1:]
    pos_m = np.empty_like(mothers)
    pos_m[rows, mothers] = np.arange(n)[None, :]
    pos_f = np.empty_like(fathers)
    pos_f[rows, fathers] = np.arange(n)[None, :]
    in_a = pos_m < q1
    # Rank of each remaining activity in the father's order.
    rest_in_f = ~in_a[rows, fathers]
    rank_f_seq = np.cumsum(rest_in_f, axis=1) - 1
    rank_f = np.empty_like(mothers)
    rank_f[rows, fathers] = rank_f_seq
    in_b = ~in_a & (rank_f < (q2 - q1))
    rest_in_m = ~(in_a | in_b)[rows, mothers]
    rank_m_seq = np.cumsum(rest_in_m, axis=1) - 1
    rank_m = np.empty_like(mothers)
    rank_m[rows, mothers] = rank_m_seq
    key = np.where(in_a, pos_m, np.where(in_b, q1 + rank_f, q2 + rank_m))
    return np.argsort(key, axis=1, kind="stable").astype(np.int64)


def mutate(problem: Problem, lists: IntArray, rate: float, rng: np.random.Generator) -> IntArray:
    """Swap neighbours with probability ``rate`` unless the first directly precedes the second."""
    n_lists, n = lists.shape
    if n < 2 or rate <= 0:
        return lists
    out = lists.copy()
    smat = problem.succ_matrix
    draws = rng.random((n_lists, n - 1)) < rate
    rows = np.arange(n_lists)
    for i in np.flatnonzero(draws.any(axis=0)).tolist():
        a, b = out[:, i], out[:, i + 1]
        swap = draws[:, i] & (smat[a, b] == 0)
        if swap.any():
            r = rows[swap]
            tmp = out[r, i].copy()
            out[r, i] = out[r, i + 1]
            out[r, i + 1] = tmp
    return out


def shift_mutation(problem: Problem, lists: IntArray, rate: float, rng: np.random.Generator) -> IntArray:
    """With probability ``rate`` per list, move one random activity to a random position between its last
    predecessor and its first successor (so the list stays precedence-feasible)."""
    n_lists, n = lists.shape
    chosen = np.flatnonzero(rng.random(n_lists) < rate)
    if n < 2 or chosen.size == 0:
        return lists
    out = lists.copy()
    sub = out[chosen]
    m = chosen.size
    rows = np.arange(m)
    pos = np.empty((m, n + 1), dtype=np.int64)
    pos[rows[:, None], sub] = np.arange(n)[None, :]
    act = rng.integers(0, n, size=m)
    pos[:, n] = -1
    lo = pos[rows[:, None], problem.predpad[act]].max(axis=1) + 1
    pos[:, n] = n
    hi = pos[rows[:, None], problem.reversed().predpad[act]].min(axis=1) - 1
    new = lo + np.floor(rng.random(m) * (hi - lo + 1)).astype(np.int64)
    key = pos[:, :n].astype(np.float64)
    old = key[rows, act]
    key[rows, act] = np.where(new > old, new + 0.5, new - 0.5)
    out[chosen] = np.take_along_axis(sub, np.argsort(key[rows[:, None], sub], axis=1, kind="stable"), axis=1)
    return out


def _select(lists: IntArray, starts: IntArray, ms: IntArray, size: int) -> tuple[IntArray, IntArray, IntArray]:
    """The ``size`` best distinct schedules (duplicates only if there are too few distinct ones)."""
    order = np.argsort(ms, kind="stable")
    _, first = np.unique(starts[order], axis=0, return_index=True)
    distinct = np.zeros(order.size, dtype=np.bool_)
    distinct[first] = True
    ranked = np.concatenate([order[distinct], order[~distinct]])
    keep = ranked[:size]
    return lists[keep], starts[keep], ms[keep]


@dataclass
class GAResult:
    """Statistics of a GA run (for logging and tests)."""

    generations: int
    restarts: int


def evaluate(problem: Problem, lists: IntArray, budget: Budget, horizon: int) -> tuple[IntArray, IntArray, IntArray]:
    """Decode and justify a batch; returns (justified lists, starts, makespans)."""
    starts = serial_sgs(problem, lists, horizon)
    starts, lists, passes = forward_backward(problem, starts)
    budget.used += lists.shape[0] * (1 + passes)
    return lists, starts, makespans(problem, starts)


def genetic_search(
    problem: Problem,
    seeds: IntArray,
    incumbent: Incumbent,
    budget: Budget,
    rng: np.random.Generator,
    *,
    priority: NDArray[np.float64],
    islands: int = 4,
    island_size: int = 24,
    mutation_rate: float = 0.05,
    shift_rate: float = 1.0,
    restart_after: int = 25,
    stop_after: int | None = None,
) -> GAResult:
    """Island GA: ``islands`` populations of ``island_size`` evolve side by side in one numpy batch.

    Island 0 starts from ``seeds`` (justified activity lists, e.g. from priority rules) topped up with
    regret-based samples, the others from samples only. An island whose best makespan has not improved for
    ``restart_after`` generations is replaced by fresh samples: runs from different starts end in
    different local optima, and a restart costs less than waiting for a converged population to escape.
    The search ends when the budget is spent, the incumbent reaches ``budget.target``, or (with
    ``stop_after``) the incumbent has not improved for that many generations.
    """
    n = problem.n
    K, S = islands, island_size
    horizon = _horizon(problem, incumbent.makespan)
    first = seeds[:S]
    count = K * S - first.shape[0]
    left = budget.left()
    if left is not None:
        count = min(count, max(0, (left - first.shape[0]) // 3))
    sampled = regret_sampling(problem, priority, count, rng)
    s_lists, s_starts, s_ms = evaluate(problem, sampled, budget, problem.horizon)
    incumbent.offer(s_starts, s_ms, "sampling")
    seed_starts = serial_sgs(problem, first, horizon)
    budget.used += first.shape[0]
    all_lists = np.vstack([first, s_lists])
    all_starts = np.vstack([seed_starts, s_starts])
    all_ms = np.concatenate([makespans(problem, seed_starts), s_ms])
    if all_lists.shape[0] < K * S:
        # Not enough budget for a full population.
        return GAResult(generations=0, restarts=0)
    lists = all_lists.reshape(K, S, n)
    starts = all_starts.reshape(K, S, n)
    ms = all_ms.reshape(K, S)
    for k in range(K):
        lists[k], starts[k], ms[k] = _select(lists[k], starts[k], ms[k], S)
    island_best = ms.min(axis=1)
    island_stall = np.zeros(K, dtype=np.int64)
    generations = restarts = global_stall = 0
    half = S // 2
    per_generation = 3 * K * 2 * half
    while not budget.exhausted() and incumbent.makespan > budget.target:
        left = budget.left()
        if left is not None and left < per_generation:
            break
        perm = np.argsort(rng.random((K, S)), axis=1)
        rows = np.arange(K)[:, None]
        moms = lists[rows, perm[:, :half]].reshape(-1, n)
        dads = lists[rows, perm[:, half : 2 * half]].reshape(-1, n)
        kids = np.concatenate(
            [crossover(moms, dads, rng).reshape(K, half, n), crossover(dads, moms, rng).reshape(K, half, n)], axis=1
        ).reshape(-1, n)
        kids = mutate(problem, kids, mutation_rate, rng)
        kids = shift_mutation(problem, kids, shift_rate, rng)
        c_lists, c_starts, c_ms = evaluate(problem, kids, budget, horizon)
        generations += 1
        if incumbent.offer(c_starts, c_ms, "genetic algorithm"):
            global_stall = 0
            horizon = _horizon(problem, incumbent.makespan)
        else:
            global_stall += 1
        c_lists = c_lists.reshape(K, 2 * half, n)
        c_starts = c_starts.reshape(K, 2 * half, n)
        c_ms = c_ms.reshape(K, 2 * half)
        for k in range(K):
            lists[k], starts[k], ms[k] = _select(
                np.vstack([lists[k], c_lists[k]]),
                np.vstack([starts[k], c_starts[k]]),
                np.concatenate([ms[k], c_ms[k]]),
                S,
            )
        best_now = ms.min(axis=1)
        improved = best_now < island_best
        island_stall = np.where(improved, 0, island_stall + 1)
        island_best = np.minimum(island_best, best_now)
        if stop_after is not None and global_stall >= stop_after:
            break
        stale = np.flatnonzero(island_stall >= restart_after)
        left = budget.left()
        if stale.size and (left is None or left >= 3 * stale.size * S) and not budget.exhausted():
            fresh = regret_sampling(problem, priority, stale.size * S, rng)
            f_lists, f_starts, f_ms = evaluate(problem, fresh, budget, horizon)
            incumbent.offer(f_starts, f_ms, "sampling")
            restarts += int(stale.size)
            for i, k in enumerate(stale.tolist()):
                sl = slice(i * S, (i + 1) * S)
                lists[k], starts[k], ms[k] = _select(f_lists[sl], f_starts[sl], f_ms[sl], S)
                island_best[k] = ms[k].min()
                island_stall[k] = 0
    logger.debug("GA: %d generations, %d island restarts, best %d", generations, restarts, incumbent.makespan)
    return GAResult(generations=generations, restarts=restarts)


def _horizon(problem: Problem, best: int) -> int:
    """Resource-profile length for decoding: generous beyond the incumbent, exact rows redone if needed."""
    longest = int(problem.dur.max(initial=0))
    return min(problem.horizon, best + best // 4 + longest + 1)
