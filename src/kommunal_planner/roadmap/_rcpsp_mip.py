"""Time-indexed MIP for the RCPSP, solved with HiGHS.

Step formulation of the time-indexed model (Pritsker, Watters and Wolfe 1969; step variables as in Sousa
and Wolsey 1992, compared in Artigues 2017): ``z[j, t] = 1`` when activity j has started at or before
period t, for t in its window [ES_j, LS_j) (``z = 0`` before the window, ``1`` from LS_j on). The windows
come from precedence and disjunctive-pair propagation for the horizon (see ``_rcpsp_bounds.Windows``).

* ``z[j, t - 1] <= z[j, t]`` (a start happens once),
* ``z[j, t] <= z[i, t - d_i]`` for every arc i -> j: the strong per-period form of precedence, whose LP
  relaxation is as tight as the disaggregated pulse formulation (Christofides et al. 1987),
* ``sum_j r_jk (z[j, t] - z[j, t - d_j]) <= R_k`` (activities running in period t),
* minimise the start of a virtual sink that follows every activity.

Two uses: with horizon = the incumbent's makespan and the incumbent as MIP start (``setSolution``), or
"strict", with horizon = makespan - 1, so that only better schedules are searched and an infeasible model
proves the incumbent optimal. The scheduler uses the strict form: its windows are tighter, and HiGHS 1.16
must run without presolve when given a start (see ``_run_highs``). The dual bound is reported as a lower
bound in both cases.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from kommunal_planner.errors import SolverNotAvailableError

from ._rcpsp_bounds import Windows, incompatible_pairs
from ._rcpsp_problem import IntArray, Problem

logger = logging.getLogger(__name__)

_banner_suppressed = False
# Below this time limit HiGHS gets the light presolve.
_FULL_PRESOLVE_SECONDS = 10.0


@contextlib.contextmanager
def _quiet_stdout() -> Iterator[None]:
    """Silence file descriptor 1 (HiGHS prints a banner there when its first instance is created)."""
    try:
        sys.stdout.flush()
        saved = os.dup(1)
    except (OSError, ValueError, AttributeError):
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 1)
            try:
                yield
            finally:
                os.dup2(saved, 1)
    finally:
        os.close(saved)


def _new_highs() -> Any:
    global _banner_suppressed
    try:
        import highspy
    except ImportError as exc:  # pragma: no cover - highspy is a dependency
        raise SolverNotAvailableError("the exact RCPSP method needs highspy (pip install highspy)") from exc
    if _banner_suppressed:
        h = highspy.Highs()
    else:
        with _quiet_stdout():
            h = highspy.Highs()
        _banner_suppressed = True
    h.setOptionValue("output_flag", False)
    return h


@dataclass(frozen=True)
class MIPOutcome:
    """What the MIP achieved: a schedule (maybe the incumbent), a lower bound, and whether it is optimal."""

    starts: IntArray
    makespan: int
    lower_bound: int
    optimal: bool
    improved: bool
    status: str


def estimate_size(problem: Problem, horizon: int) -> int:
    """Number of binary variables the model would have for this horizon."""
    es = problem.earliest_starts
    ls = problem.latest_finishes(horizon) - problem.dur
    return int(np.maximum(ls - es, 0).sum()) + horizon


def solve_time_indexed(
    problem: Problem,
    incumbent: IntArray,
    lower_bound: int,
    *,
    time_limit: float,
    seed: int = 0,
    strict: bool = False,
) -> MIPOutcome:
    """Minimise the makespan with the time-indexed model.

    The horizon is the incumbent's makespan (the incumbent is the MIP start) or, with ``strict``, one
    period less, so that only better schedules are searched and an infeasible model proves the incumbent
    optimal. Time windows come from precedence and disjunctive-pair propagation for that horizon.
    """
    t_start = time.perf_counter()
    n = problem.n
    dur = problem.dur
    inc_ms = int((incumbent + dur).max()) if n else 0
    if n == 0 or inc_ms <= lower_bound:
        return MIPOutcome(incumbent, inc_ms, max(lower_bound, inc_ms), True, False, "trivial")

    horizon = inc_ms - 1 if strict else inc_ms
    win = Windows(problem, incompatible_pairs(problem)).windows(horizon, energetic=False)
    if win is None:
        # Propagation alone shows that no schedule finishes by the horizon.
        lb = inc_ms if strict else lower_bound
        return MIPOutcome(incumbent, inc_ms, max(lb, lower_bound), lb >= inc_ms, False, "propagation")
    es_act, lf_act = win
    # Activities plus a virtual sink (index n, duration 0) after every activity without successors.
    es = np.append(es_act, int((es_act + dur).max()))
    lf = np.append(lf_act, horizon)
    d_all = np.append(dur, 0)
    ls = lf - d_all
    succ: list[tuple[int, ...]] = [*problem.succ, ()]
    terminal = [j for j in range(n) if not problem.succ[j]]
    for j in terminal:
        succ[j] = (*succ[j], n)
    m = n + 1

    # Column index of z[j, t] for t in [es_j, ls_j); from ls_j on z is the constant 1.
    first_col = np.zeros(m + 1, dtype=np.int64)
    first_col[1:] = np.cumsum(ls - es)
    n_cols = int(first_col[-1])

    def col(j: int, t: int) -> int:
        """Column of z[j, t], or -1 for the constant 0 (t < es) and -2 for the constant 1 (t >= ls)."""
        if t < es[j]:
            return -1
        if t >= ls[j]:
            return -2
        return int(first_col[j] + t - es[j])

    rows_idx: list[list[int]] = []
    rows_val: list[list[float]] = []
    row_lo: list[float] = []
    row_hi: list[float] = []
    inf = math.inf
    violated: list[bool] = []

    def add_row(entries: list[tuple[int, float]], lo: float, hi: float) -> None:
        idx: list[int] = []
        val: list[float] = []
        for c, v in entries:
            if c == -1:
                continue
            if c == -2:
                lo -= v
                hi -= v
                continue
            idx.append(c)
            val.append(v)
        if not idx:
            if lo > 1e-9 or hi < -1e-9:
                violated.append(True)
            return
        rows_idx.append(idx)
        rows_val.append(val)
        row_lo.append(lo)
        row_hi.append(hi)

    # Monotonicity: z[j, t-1] - z[j, t] <= 0.
    for j in range(m):
        for t in range(int(es[j]) + 1, int(ls[j])):
            add_row([(col(j, t - 1), 1.0), (col(j, t), -1.0)], -inf, 0.0)
    # Precedence: z[j, t] - z[i, t - d_i] <= 0 for arcs i -> j.
    for i in range(n):
        di = int(d_all[i])
        for j in succ[i]:
            for t in range(int(es[j]), int(ls[j])):
                ci = col(i, t - di)
                if ci == -2:
                    break
                add_row([(col(j, t), 1.0), (ci, -1.0)], -inf, 0.0)
    # Resources: sum_j r_jk (z[j, t] - z[j, t - d_j]) <= R_k, only where overload is possible.
    dem = problem.dem
    for kk in range(problem.k):
        users = [j for j in range(n) if dem[j, kk] > 0 and dur[j] > 0]
        if not users:
            continue
        cap = float(problem.cap[kk])
        for t in range(horizon):
            running = [j for j in users if es[j] <= t < lf[j]]
            if sum(int(dem[j, kk]) for j in running) <= cap:
                continue
            entries: list[tuple[int, float]] = []
            for j in running:
                r = float(dem[j, kk])
                entries.append((col(j, t), r))
                entries.append((col(j, t - int(dur[j])), -r))
            add_row(_merge(entries), -inf, cap)

    if violated:
        # A constraint on fixed variables fails: nothing fits into the horizon.
        lb = max(lower_bound, horizon + 1)
        return MIPOutcome(incumbent, inc_ms, min(lb, inc_ms), lb >= inc_ms, False, "infeasible")
    if n_cols == 0:
        # The windows fix every start: the only schedule within the horizon is the windows' one.
        starts = ls[:n].copy()
        ms = int((starts + dur).max())
        better = ms < inc_ms
        return MIPOutcome(starts if better else incumbent, min(ms, inc_ms), min(ms, inc_ms), True, better, "fixed")

    matrix = (
        np.asarray(row_lo, dtype=np.float64),
        np.asarray(row_hi, dtype=np.float64),
        rows_idx,
        rows_val,
    )
    z0 = None
    if not strict:
        # Warm start with the incumbent (the sink starts at its makespan).
        inc_start = np.append(incumbent, inc_ms)
        z0 = np.zeros(n_cols)
        for j in range(m):
            a, b = int(first_col[j]), int(first_col[j + 1])
            if b > a:
                z0[a:b] = (np.arange(int(es[j]), int(ls[j])) >= inc_start[j]).astype(np.float64)
    objective = np.zeros(n_cols)
    # Sink start = ls_sink - sum_t z[sink, t]: minimising it maximises the sum.
    objective[first_col[n] : first_col[n + 1]] = -1.0
    remaining = float(time_limit) - (time.perf_counter() - t_start)
    run = _run_highs(n_cols, objective, float(ls[n]), matrix, z0, remaining, seed)

    lb = lower_bound
    if run.infeasible:
        lb = max(lb, horizon + 1)
    elif run.dual is not None and math.isfinite(run.dual):
        lb = max(lb, math.ceil(run.dual - 1e-6))
    best_starts, best_ms, improved = incumbent, inc_ms, False
    if run.values is not None:
        starts = np.empty(n, dtype=np.int64)
        for j in range(n):
            a, b = int(first_col[j]), int(first_col[j + 1])
            starts[j] = int(ls[j]) - round(float(run.values[a:b].sum()))
        ms = int((starts + dur).max())
        if ms < best_ms:
            best_starts, best_ms, improved = starts, ms, True
    optimal = lb >= best_ms
    lb = min(lb, best_ms)
    logger.debug("MIP %s: makespan %d, bound %d (%d cols, %d rows)", run.status, best_ms, lb, n_cols, len(rows_idx))
    return MIPOutcome(best_starts, best_ms, lb, optimal, improved, run.status)


@dataclass(frozen=True)
class _Run:
    status: str
    infeasible: bool
    dual: float | None
    values: np.ndarray | None


def _run_highs(
    n_cols: int,
    objective: np.ndarray,
    offset: float,
    matrix: tuple[np.ndarray, np.ndarray, list[list[int]], list[list[float]]],
    start: np.ndarray | None,
    time_limit: float,
    seed: int,
) -> _Run:
    """Solve ``min objective.z + offset`` over binary z subject to the row-wise constraints."""
    h = _new_highs()
    import highspy

    row_lo, row_hi, rows_idx, rows_val = matrix
    lp = highspy.HighsLp()
    lp.num_col_ = n_cols
    lp.num_row_ = len(rows_idx)
    lp.col_cost_ = objective
    lp.col_lower_ = np.zeros(n_cols)
    lp.col_upper_ = np.ones(n_cols)
    lp.row_lower_ = row_lo
    lp.row_upper_ = row_hi
    ptr = np.zeros(len(rows_idx) + 1, dtype=np.int32)
    ptr[1:] = np.cumsum([len(r) for r in rows_idx])
    nnz = int(ptr[-1])
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.start_ = ptr
    lp.a_matrix_.index_ = np.fromiter((c for r in rows_idx for c in r), dtype=np.int32, count=nnz)
    lp.a_matrix_.value_ = np.fromiter((v for r in rows_val for v in r), dtype=np.float64, count=nnz)
    lp.a_matrix_.num_col_ = n_cols
    lp.a_matrix_.num_row_ = len(rows_idx)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n_cols
    h.passModel(lp)
    # HiGHS fixes its thread pool for the whole process at the first solve.
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", max(0.01, time_limit))
    h.setOptionValue("random_seed", int(seed) % 2147483647)
    h.setOptionValue("mip_rel_gap", 0.0)
    # The objective is integral, so a dual bound above best - 1 already proves optimality.
    h.setOptionValue("mip_abs_gap", 1.0 - 1e-6)
    if time_limit < _FULL_PRESOLVE_SECONDS:
        # Full presolve (probing) can take a second on a j30 model without looking at the clock.
        h.setOptionValue("presolve_mode", 2)
    if start is not None:
        # HiGHS 1.16 can map a MIP start wrongly into the presolved space and then report an objective
        # and dual bound better than the true optimum; without presolve the start is used as given.
        h.setOptionValue("presolve", "off")
        sol = highspy.HighsSolution()
        sol.col_value = start
        sol.value_valid = True
        h.setSolution(sol)
    # HiGHS looks at its time limit only between phases; the interrupt callbacks are polled more often.
    # Neither is polled inside a round of root cut separation, which on some j30 models runs for several
    # seconds, so the limit can still be overrun by that much.
    deadline = time.perf_counter() + max(0.01, time_limit)

    def stop_when_late(event: Any) -> None:
        if time.perf_counter() > deadline:
            event.interrupt()

    h.cbMipInterrupt += stop_when_late
    h.cbSimplexInterrupt += stop_when_late
    run_status = h.run()
    if run_status == highspy.HighsStatus.kError and h.getModelStatus() == highspy.HighsModelStatus.kNotset:
        # Another solve in this process has already fixed the size of HiGHS' thread pool; use it.
        h.setOptionValue("threads", 0)
        run_status = h.run()
    model_status = h.getModelStatus()
    if run_status == highspy.HighsStatus.kError:
        logger.warning("HiGHS failed on the RCPSP model (%s)", h.modelStatusToString(model_status))
        return _Run(status=h.modelStatusToString(model_status), infeasible=False, dual=None, values=None)
    info = h.getInfo()
    values = None
    if int(info.primal_solution_status) == int(highspy.SolutionStatus.kSolutionStatusFeasible):
        values = np.asarray(h.getSolution().col_value, dtype=np.float64)
    return _Run(
        status=h.modelStatusToString(model_status),
        infeasible=model_status == highspy.HighsModelStatus.kInfeasible,
        dual=float(info.mip_dual_bound) + offset,
        values=values,
    )


def _merge(entries: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """Combine coefficients of the same column (constants are kept as they are)."""
    acc: dict[int, float] = {}
    consts: list[tuple[int, float]] = []
    for c, v in entries:
        if c < 0:
            consts.append((c, v))
        else:
            acc[c] = acc.get(c, 0.0) + v
    return [(c, v) for c, v in acc.items() if v != 0.0] + consts
