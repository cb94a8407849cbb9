"""A start plan from the LP relaxation: round it, then repair and improve it by a penalty-weighted tabu search.

The LP relaxation of a portfolio with tight yearly budgets selects almost every project it would select in a good
plan, but fills each year's budget to the euro by splitting projects across start years. Rounding each project to
its heaviest start gives a plan that breaks a few rows; a local search repairs it with few moves. On portfolios of
hundreds or thousands of projects this plan is far better than the greedy one and than what the solver finds by
itself in its first seconds (``benchmarks/formulations.py`` measures it).

The search works on *options*: a project takes none, or one start column ``x[p,t]`` (funded by its folded default
programme), or that column together with one of its pot-programme columns ``y[p,f,t]``. An option's column of the
option matrix is the sum of the model columns it sets, the selection column ``z[p]`` included, so every row of the
model (budgets, staff, pots, precedence, exclusive groups, must-dos) is kept or broken linearly by the options
chosen; the focus limit counts the fields in use. The search minimises ``c @ v + sum_r w_r * excess_r / scale_r``.
A move changes one project's option (add, drop, another start or programme); all moves are scored at once from the
sparse option matrix; the best move that is not tabu is taken. Weights of broken rows grow and all weights shrink
while the plan is feasible (strategic oscillation), so the search crosses the boundary of the feasible set instead
of settling inside it. It returns the best feasible vector it met; the caller re-checks it against every row.
Measured, one search's value lies in the repair: searching longer after the first repaired plan seldom finds a
better one, but searching again from other roundings does. :func:`lp_sample` draws them with the LP's weights.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from kommunal_planner.optimize._formulation import Model

__all__ = ["LPStart", "local_search", "lp_rounding", "lp_sample", "lp_start", "lp_start_budget"]

logger = logging.getLogger(__name__)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

_NON_GENERIC = ("focus_link", "focus")  # kept by counting the fields in use instead
_INTERIOR_COLUMNS = 10_000  # from this model size on, the LP is solved by the interior-point method


def _with_starts(model: Model, v: FloatArray, starts: IntArray) -> FloatArray:
    """*v* with the start columns *starts* set, their projects' selection columns and the fields they use."""
    v[starts] = 1.0
    v[model.z_offset + model.x_project[starts]] = 1.0
    if model.n_fields:
        used = np.zeros(model.n_fields)
        used[model.field_index[model.x_project[starts]]] = 1.0
        v[model.u_offset : model.z_offset] = used
    return v


def lp_rounding(model: Model, values: FloatArray) -> FloatArray:
    """Each project whose selection column is at least 0.5 in the LP values *values* starts in its heaviest year.

    The pot-programme column of that start is kept where the LP funds it by more than half. The result may break
    rows (it is the search's starting point, not a plan).
    """
    xs = values[: model.y_offset]
    xp = model.x_project
    order = np.lexsort((-xs, xp))  # per project, the heaviest start first
    first = np.ones(len(order), dtype=bool)
    first[1:] = xp[order][1:] != xp[order][:-1]
    heaviest = order[first]
    heaviest = heaviest[values[model.z_offset + xp[heaviest]] >= 0.5]
    v = _with_starts(model, np.zeros(model.n_cols), heaviest)
    funded = np.flatnonzero(values[model.y_offset : model.u_offset] > 0.5)
    funded = funded[v[model.y_x[funded]] > 0.5]
    # at most one pot programme per start: the one the LP funds most
    funded = funded[np.argsort(-values[model.y_offset + funded], kind="stable")]
    _, keep = np.unique(model.y_x[funded], return_index=True)
    v[model.y_offset + funded[keep]] = 1.0
    return v


def _draw(group: IntArray, weight: FloatArray, u: FloatArray) -> IntArray:
    """Per group, the entry at which the group's running sum of *weight* (>= 0) first exceeds the draw ``u[group]``.

    A group whose weights sum to at most its draw chooses no entry.
    """
    order = np.argsort(group, kind="stable")
    g = group[order]
    running = np.cumsum(weight[order])
    starts = np.concatenate(([True], g[1:] != g[:-1]))
    # the running sum before each group (non-decreasing, as the weights are)
    before = np.maximum.accumulate(np.where(starts, np.concatenate(([0.0], running[:-1])), 0.0))
    passed = running - before > u[g]
    first = passed & (starts | ~np.concatenate(([False], passed[:-1])))
    return np.asarray(order[first], dtype=np.int64)


def lp_sample(model: Model, values: FloatArray, rng: np.random.Generator) -> FloatArray:
    """A random rounding of the LP values *values*: each project is drawn with the LP's weights.

    One uniform draw ``u`` per project selects it where ``u < z[p]`` and picks the start whose running sum of
    ``x[p, t]`` first exceeds ``u``, so start ``t`` is drawn with probability ``x[p, t]``. The start is funded by a
    pot programme with probability ``y[p, f, t] / x[p, t]`` likewise. Like :func:`lp_rounding`, the result may break
    rows; it is a starting point for :func:`local_search` that differs from run to run of the draws.
    """
    xs = np.clip(values[: model.y_offset], 0.0, None)
    chosen = _draw(model.x_project, xs, rng.random(len(model.field_index)))
    v = _with_starts(model, np.zeros(model.n_cols), chosen)
    ys = np.clip(values[model.y_offset : model.u_offset], 0.0, None)
    share = np.where(v[model.y_x] > 0.5, ys / np.maximum(xs[model.y_x], 1e-12), 0.0)
    v[model.y_offset + _draw(model.y_x, share, rng.random(model.y_offset))] = 1.0
    return v


def lp_start_budget(n_projects: int, time_limit: float | None) -> float:
    """Seconds for :func:`lp_start` at most: 2 s plus 4 s per thousand projects, and 40 % of the run's time limit.

    It is a cap: the search stops earlier when it no longer improves (on 500 projects after about 0.5 s).
    """
    budget = 2.0 + 4.0 * n_projects / 1000.0
    return budget if time_limit is None else min(budget, 0.4 * float(time_limit))


@dataclass(frozen=True, slots=True, eq=False)
class LPStart:
    """What :func:`lp_start` found: the repaired start vector (or None) and the LP relaxation's bound.

    ``bound`` is a lower bound on ``model.c @ v`` over every feasible ``v`` (the minimisation form), loosened by a
    relative 1e-7 for the LP's tolerances; None when the LP was not solved.
    """

    x: FloatArray | None
    bound: float | None


def lp_start(
    model: Model,
    *,
    threads: int | None = None,
    time_limit: float = 2.0,
    seed: int = 0,
    restarts: int = 0,
) -> LPStart:
    """A start vector: the LP relaxation rounded by :func:`lp_rounding`, repaired by :func:`local_search`.

    With *restarts*, the search is run again from as many random roundings (:func:`lp_sample`, drawn with *seed*)
    while time is left, and the best vector of all is returned. The vector is None when the LP cannot be solved or
    no search meets a feasible vector within *time_limit* [s].
    """
    from kommunal_planner.optimize._solvers import solve_lp

    t0 = time.perf_counter()
    solved = solve_lp(model, threads=threads, interior=model.n_cols >= _INTERIOR_COLUMNS, time_limit=time_limit)
    if solved is None:
        return LPStart(None, None)
    values = solved[0]
    value = float(model.c @ values)
    bound = value - 1e-7 * max(1.0, abs(value))
    rng = np.random.default_rng(seed)
    best: FloatArray | None = None
    searches = 0
    while searches <= restarts:
        left = time_limit - (time.perf_counter() - t0)
        if left <= 0:
            break
        begin = lp_rounding(model, values) if searches == 0 else lp_sample(model, values, rng)
        found = local_search(model, begin, time_limit=left, seed=seed + searches)
        searches += 1
        if found is not None and (best is None or float(model.c @ found) < float(model.c @ best)):
            best = found
    logger.debug("LP start: %d searches, best %s", searches, None if best is None else float(model.c @ best))
    return LPStart(best, bound)


class _Options:
    """The option matrix of a model: option ``o`` belongs to project ``proj[o]`` and sets the columns ``S[:, o]``."""

    def __init__(self, model: Model) -> None:
        m = model
        n_x = m.y_offset
        n_y = m.u_offset - m.y_offset
        xo = np.arange(n_x)
        yo = np.arange(n_y)
        n_opt = n_x + n_y
        rows = np.concatenate([xo, m.z_offset + m.x_project, m.y_x, m.y_offset + yo, m.z_offset + m.y_project])
        cols = np.concatenate([xo, xo, n_x + yo, n_x + yo, n_x + yo])
        S = sp.csc_array((np.ones(len(rows)), (rows, cols)), shape=(m.n_cols, n_opt))
        generic = np.ones(m.n_rows, dtype=bool)
        for kind in _NON_GENERIC:
            generic[m.rows_of(kind)] = False
        A = sp.csr_array(m.A)
        B = sp.csc_array(sp.csr_array(A.multiply(generic[:, None])) @ S)
        B.sum_duplicates()
        B.eliminate_zeros()
        B.sort_indices()
        self.S = S
        self.B = B
        self.generic = generic
        self.n_opt = n_opt
        self.cost = np.asarray(S.T @ m.c, dtype=np.float64)
        self.proj = np.concatenate([m.x_project, m.y_project]).astype(np.int64)
        self.allowed = np.asarray(S.T @ (m.col_hi < 0.5).astype(np.float64) == 0, dtype=bool)
        # COO view of B ordered by option: every move is scored in one pass over it
        self.k_opt = np.repeat(np.arange(n_opt), np.diff(B.indptr)).astype(np.int64)
        self.k_row = B.indices.astype(np.int64)
        self.k_val = B.data.astype(np.float64)
        self.k_proj = self.proj[self.k_opt]
        # one slot per (project, row) pair that any option of the project touches: the current option's value in
        # each of its rows is scattered into the slots, and every option entry reads its project's value there
        _, self.k_slot = np.unique(self.k_row * len(m.field_index) + self.k_proj, return_inverse=True)
        self.n_slots = int(self.k_slot.max()) + 1 if len(self.k_slot) else 0
        self.scale = np.maximum(1.0, np.asarray(abs(A).max(axis=1).toarray(), dtype=np.float64).ravel())


def local_search(
    model: Model,
    start: FloatArray | None,
    *,
    time_limit: float = 1.0,
    max_moves: int | None = None,
    patience: int | None = None,
    seed: int = 0,
) -> FloatArray | None:
    """Repair and improve *start* (a 0/1 vector of *model*, or None for the empty plan) by tabu search.

    Parameters
    ----------
    model
        A model of :func:`~kommunal_planner.optimize.build_model` (binary columns, no lower bounds above 0).
    start
        A vector to start from; it may break rows.
    time_limit
        Wall-clock limit [s].
    max_moves
        Limit on the number of moves (default: 20 per project).
    patience
        Stop after this many moves without a better feasible vector once one was found (default: 50 plus one
        per ten projects), so that the result does not depend on the machine's speed when no limit is reached.
    seed
        Seed of the tie-break between equally good moves and of the tabu tenure.

    Returns
    -------
    numpy.ndarray or None
        The best feasible vector met (a feasible *start* is returned when nothing better was met), or None.

    Examples
    --------
    >>> from kommunal_planner.model import Portfolio, Horizon, Project
    >>> from kommunal_planner.optimize import build_model
    >>> pf = Portfolio("M", Horizon(2026, 1), 100, projects=(
    ...     Project("a", benefit=5, cost=60), Project("b", benefit=4, cost=50), Project("c", benefit=3, cost=40)))
    >>> m = build_model(pf)
    >>> v = local_search(m, None)
    >>> float(-m.c @ v)
    8.0
    """
    if (model.col_integer is not None and not bool(np.all(model.col_integer))) or np.any(model.col_lo > 0):
        return None
    t0 = time.perf_counter()
    opts = _Options(model)
    n_p, n_opt = len(model.field_index), opts.n_opt
    if n_opt == 0:
        return None
    rng = np.random.default_rng(seed)
    max_moves = 20 * n_p if max_moves is None else int(max_moves)
    patience = 50 + n_p // 10 if patience is None else int(patience)
    lo = np.where(opts.generic, model.row_lo, -np.inf)
    hi = np.where(opts.generic, model.row_hi, np.inf)
    bound = np.maximum(np.where(np.isfinite(hi), np.abs(hi), 0.0), np.where(np.isfinite(lo), np.abs(lo), 0.0))
    tol = 1e-7 * np.maximum(1.0, bound)
    scale = opts.scale
    nonzero = opts.cost[opts.cost != 0]
    w0 = max(1.0, float(np.mean(np.abs(nonzero)))) if len(nonzero) else 1.0
    w_min, decay, grow = 0.05 * w0, 0.9, 1.1
    weight = np.full(model.n_rows, w0)
    field = model.field_index.astype(np.int64)
    n_fields = int(field.max()) + 1 if len(field) else 0
    focus_max = float(model.row_hi[model.rows_of("focus")][0]) if model.n_fields else None
    focus_weight = w0

    def excess(act: FloatArray, rows: IntArray | slice, w: FloatArray) -> FloatArray:
        over = np.maximum(0.0, act - hi[rows] - tol[rows]) + np.maximum(0.0, lo[rows] - act - tol[rows])
        return np.asarray(w[rows] * over / scale[rows], dtype=np.float64)

    cur = np.full(n_p, -1, dtype=np.int64)  # option of each project, -1: not selected
    if start is not None:
        s = np.asarray(start, dtype=np.float64)
        sel = np.flatnonzero(s[: model.y_offset] > 0.5)
        cur[model.x_project[sel]] = sel
        ysel = np.flatnonzero(s[model.y_offset : model.u_offset] > 0.5)
        cur[model.y_project[ysel]] = model.y_offset + ysel

    def to_vector(cur_: IntArray) -> FloatArray:
        chosen = np.zeros(n_opt)
        chosen[cur_[cur_ >= 0]] = 1.0
        v = np.asarray(opts.S @ chosen, dtype=np.float64)
        if model.n_fields:
            counts = np.bincount(field[cur_ >= 0], minlength=n_fields)
            v[model.u_offset : model.z_offset] = (counts[: model.n_fields] > 0).astype(np.float64)
        return v

    B = opts.B
    all_rows = slice(None)
    best_vec: FloatArray | None = None
    best_val = np.inf
    tabu_until = np.zeros(n_p, dtype=np.int64)
    moves = clock = breakouts = 0
    since_best = 0
    while moves < max_moves and time.perf_counter() - t0 < time_limit:
        clock += 1
        selected = cur >= 0
        chosen = np.zeros(n_opt)
        chosen[cur[selected]] = 1.0
        act = np.asarray(B @ chosen, dtype=np.float64)
        viol = excess(act, all_rows, weight)
        counts = np.bincount(field[selected], minlength=n_fields)
        in_use = float(np.count_nonzero(counts))
        focus_over = max(0.0, in_use - focus_max) if focus_max is not None else 0.0
        feasible = not np.any(viol > 0) and focus_over == 0.0
        value = float(opts.cost[cur[selected]].sum())
        if feasible and value < best_val - 1e-9:
            best_val, best_vec, since_best = value, to_vector(cur), 0
        elif best_vec is not None and since_best > patience:
            break
        # the entries of the current options: row, value, project
        chosen_p = np.flatnonzero(selected)
        chosen_o = cur[chosen_p]
        lens = B.indptr[chosen_o + 1] - B.indptr[chosen_o]
        idx = np.repeat(B.indptr[chosen_o + 1] - np.cumsum(lens), lens) + np.arange(int(lens.sum()))
        c_row = B.indices[idx].astype(np.int64)
        c_val = B.data[idx]
        c_proj = np.repeat(chosen_p, lens)
        # what dropping each project's current option changes
        removal = np.bincount(c_proj, excess(act[c_row] - c_val, c_row, weight) - viol[c_row], minlength=n_p)
        # for every option entry, the value the project's current option has in that row (0 where none)
        slot_val = np.zeros(opts.n_slots)
        slot_val[opts.k_slot[idx]] = c_val
        cur_at = slot_val[opts.k_slot]
        base = act[opts.k_row] - cur_at
        gain = excess(base + opts.k_val, opts.k_row, weight) - excess(base, opts.k_row, weight)
        cur_cost = np.where(selected, opts.cost[np.maximum(cur, 0)], 0.0)
        delta = np.bincount(opts.k_opt, gain, minlength=n_opt) + removal[opts.proj] + opts.cost - cur_cost[opts.proj]
        drop = removal[chosen_p] - cur_cost[chosen_p]
        if focus_max is not None:
            now = max(0.0, in_use - focus_max)
            opens = (counts[field[opts.proj]] == 0) & ~selected[opts.proj]
            delta += focus_weight * (max(0.0, in_use + 1 - focus_max) - now) * opens
            closes = counts[field[chosen_p]] == 1
            drop += focus_weight * (max(0.0, in_use - 1 - focus_max) - now) * closes
        delta[~opts.allowed] = np.inf
        delta[cur[selected]] = np.inf  # staying is not a move
        cand = np.concatenate([delta, drop])
        cand_proj = np.concatenate([opts.proj, chosen_p])
        # a tabu move is allowed when it leads below the best feasible value
        total = value + float(viol.sum()) + focus_weight * focus_over
        cand = np.where((tabu_until[cand_proj] > clock) & (total + cand >= best_val - 1e-9), np.inf, cand)
        best_delta = float(cand.min()) if len(cand) else np.inf
        if not np.isfinite(best_delta):
            break
        if best_delta >= 0.0 and not feasible:
            # breakout at a local minimum that breaks rows: those rows get dearer
            weight[viol > 0] *= 1.5
            focus_weight *= 1.5 if focus_over > 0 else 1.0
            breakouts += 1
            if breakouts > 50:
                break
            continue
        ties = np.flatnonzero(cand <= best_delta + 1e-9 * max(1.0, abs(best_delta)))
        k = int(ties[rng.integers(len(ties))])
        if k < n_opt:
            p = int(opts.proj[k])
            cur[p] = k
        else:
            p = int(chosen_p[k - n_opt])
            cur[p] = -1
        tabu_until[p] = clock + 3 + int(rng.integers(0, max(2, n_p // 20)))
        moves += 1
        since_best += 1
        breakouts = 0
        # strategic oscillation: cheaper rows while the plan keeps them, dearer broken rows while it does not
        if feasible:
            np.maximum(weight * decay, w_min, out=weight)
            focus_weight = max(w_min, focus_weight * decay)
        else:
            weight[viol > 0] *= grow
            focus_weight *= grow if focus_over > 0 else 1.0
    logger.debug("local search: %d moves in %.2f s, best %s", moves, time.perf_counter() - t0, best_val)
    if start is None or not model.keeps_rows(np.asarray(start, dtype=np.float64)):
        return best_vec
    if best_vec is None or float(model.c @ start) <= float(model.c @ best_vec):
        return np.asarray(start, dtype=np.float64)
    return best_vec
