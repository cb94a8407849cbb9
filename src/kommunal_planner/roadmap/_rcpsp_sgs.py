"""Schedule generation schemes, priority rules, sampling and forward-backward improvement.

The serial SGS decodes a whole batch of activity lists at once: step ``i`` places the ``i``-th activity of
every list, and the resource profile of every list is one row of a (k, P, H) array. The per-step work is a
handful of numpy operations on (P, H) arrays, so the Python overhead is paid once per step rather than once
per schedule, which is what makes several thousand schedules per second possible without compiled code.
"""

from __future__ import annotations

import logging

import numpy as np
from numpy.typing import NDArray

from ._rcpsp_problem import IntArray, Problem

logger = logging.getLogger(__name__)

PRIORITY_RULES: tuple[str, ...] = ("LFT", "LST", "MTS", "GRPW", "MSLK")


def _profile_dtype(problem: Problem) -> type[np.signedinteger]:
    top = int(problem.cap.max(initial=0))
    if top < 2**14:
        return np.int16
    return np.int32 if top < 2**30 else np.int64


def serial_sgs(problem: Problem, lists: IntArray, horizon: int | None = None) -> IntArray:
    """Decode precedence-feasible activity lists with the serial SGS.

    Parameters
    ----------
    problem
        The instance.
    lists
        (P, n) array; every row is a precedence-feasible permutation of the activities.
    horizon
        Length of the resource profile. The sum of durations (the default) is never exceeded by a
        serial-SGS schedule; a shorter profile is faster, and rows that do not fit into it are decoded
        again with the full one.

    Returns
    -------
    numpy.ndarray
        (P, n) start times; every activity starts at the earliest precedence- and resource-feasible time
        given the activities before it in its list.
    """
    lists = np.atleast_2d(np.asarray(lists, dtype=np.int64))
    full = problem.horizon
    H = full if horizon is None else max(1, min(int(horizon), full))
    starts, overflow = _serial_sgs(problem, lists, H)
    if overflow.any():
        starts[overflow] = _serial_sgs(problem, lists[overflow], full)[0]
    return starts


def _serial_sgs(problem: Problem, lists: IntArray, H: int) -> tuple[IntArray, NDArray[np.bool_]]:
    n_lists, n = lists.shape
    starts = np.zeros((n_lists, n), dtype=np.int64)
    overflow = np.zeros(n_lists, dtype=np.bool_)
    if n == 0 or n_lists == 0:
        return starts, overflow
    dur, predpad = problem.dur, problem.predpad
    dtype = _profile_dtype(problem)
    dem = problem.dem.astype(dtype)
    used = problem.dem > 0
    avail = np.empty((problem.k, n_lists, H), dtype=dtype)
    avail[:] = problem.cap.astype(dtype)[:, None, None]
    finish = np.zeros((n_lists, n + 1), dtype=np.int64)
    rows = np.arange(n_lists)
    rows_col = rows[:, None]
    tgrid = np.arange(H, dtype=np.int64)[None, :]
    lastbad = np.empty((n_lists, H), dtype=np.int64)
    for i in range(n):
        act = lists[:, i]
        d = dur[act]
        es = finish[rows_col, predpad[act]].max(axis=1)
        ks = np.flatnonzero(used[act].any(axis=0))
        if ks.size == 0 or not d.any():
            s = es
        else:
            r = dem[act]
            bad: NDArray[np.bool_] | None = None
            for kk in ks.tolist():
                cond = avail[kk] < r[:, kk, None]
                bad = cond if bad is None else (bad | cond)
            assert bad is not None
            # lastbad[e] = last overloaded period <= e (or -1). A window ending at e (start e - d + 1) fits
            # when lastbad[e] + d <= e; the earliest such e at or after es + d - 1 gives the start.
            np.copyto(lastbad, -1)
            np.copyto(lastbad, tgrid, where=bad)
            np.maximum.accumulate(lastbad, axis=1, out=lastbad)
            dcol = d[:, None]
            ok = (lastbad + dcol <= tgrid) & (tgrid >= (es + d - 1)[:, None])
            e = ok.argmax(axis=1)
            overflow |= ~ok[rows, e]
            s = np.where(d == 0, es, e - d + 1)
            run = (tgrid >= s[:, None]) & (tgrid < (s + d)[:, None])
            for kk in ks.tolist():
                np.subtract(avail[kk], r[:, kk, None], out=avail[kk], where=run)
        starts[rows, act] = s
        finish[rows, act] = s + d
    return starts, overflow


def makespans(problem: Problem, starts: IntArray) -> IntArray:
    """Makespan of every row of a (P, n) start-time array."""
    if starts.shape[1] == 0:
        return np.zeros(starts.shape[0], dtype=np.int64)
    return np.asarray((starts + problem.dur[None, :]).max(axis=1), dtype=np.int64)


def order_by(times: IntArray, tie: IntArray | None = None) -> IntArray:
    """Activity lists sorted by ``times`` per row (stable; ties by ``tie`` then by index).

    Sorting the start times of a feasible schedule gives a precedence-feasible list (a successor starts no
    earlier than its predecessor finishes; zero-duration ties are resolved by ``tie`` = topological rank).
    """
    if tie is None:
        return np.argsort(times, axis=1, kind="stable").astype(np.int64)
    n = times.shape[1]
    key = times * (n + 1) + tie[None, :]
    return np.argsort(key, axis=1, kind="stable").astype(np.int64)


def forward_backward(problem: Problem, starts: IntArray, rounds: int = 1) -> tuple[IntArray, IntArray, int]:
    """Forward-backward improvement (double justification) of a batch of schedules.

    The backward pass right-justifies every activity in the order of decreasing finish times, the forward
    pass left-justifies them again in the order of increasing start times. Neither pass lengthens a
    schedule (Valls, Ballestín and Quintanilla 2005).

    Returns
    -------
    tuple
        The improved start times, the activity lists that decode to them, and the number of SGS passes.
    """
    rev = problem.reversed()
    rank = np.empty(problem.n, dtype=np.int64)
    rank[problem.topo] = np.arange(problem.n)
    rev_rank = problem.n - 1 - rank
    dur = problem.dur[None, :]
    passes = 0
    lists = order_by(starts, rank)
    for _ in range(rounds):
        ms = (starts + dur).max(axis=1)
        # Backward: schedule the reversed project; "start" there is the distance of the finish time
        # from the end of the schedule.
        back_key = ms[:, None] - (starts + dur)
        back_lists = order_by(back_key, rev_rank)
        back = serial_sgs(rev, back_lists)
        back_ms = (back + dur).max(axis=1)
        new_starts_key = back_ms[:, None] - (back + dur)
        lists = order_by(new_starts_key, rank)
        new = serial_sgs(problem, lists)
        passes += 2
        improved = (new + dur).max(axis=1) < ms
        starts = new
        if not improved.any():
            break
    return starts, lists, passes


def priority_values(problem: Problem, rule: str, upper: int) -> NDArray[np.float64]:
    """Static priority values; the activity with the *smallest* value is preferred.

    ``upper`` is the deadline used for latest start/finish times.
    """
    es = problem.earliest_starts
    lf = problem.latest_finishes(upper)
    ls = lf - problem.dur
    idx = np.arange(problem.n, dtype=np.float64)
    tie = idx / (problem.n + 1.0)
    if rule == "LFT":
        return lf.astype(np.float64) + tie
    if rule == "LST":
        return ls.astype(np.float64) + tie
    if rule == "MTS":
        count = problem.transitive_successors.sum(axis=1).astype(np.float64)
        return -count + (lf.astype(np.float64) / (upper + 1.0)) * 0.5
    if rule == "GRPW":
        weight = problem.dur.astype(np.float64).copy()
        for j, ss in enumerate(problem.succ):
            weight[j] += float(problem.dur[list(ss)].sum()) if ss else 0.0
        return -weight + (lf.astype(np.float64) / (upper + 1.0)) * 0.5
    if rule == "MSLK":
        slack = (ls - es).astype(np.float64)
        return slack + (lf.astype(np.float64) / (upper + 1.0)) * 0.5
    raise ValueError(f"unknown priority rule {rule!r}")


def lists_from_keys(problem: Problem, keys: NDArray[np.float64]) -> IntArray:
    """Precedence-feasible activity lists: repeatedly pick the eligible activity with the smallest key."""
    keys = np.atleast_2d(keys)
    n_lists, n = keys.shape
    out = np.empty((n_lists, n), dtype=np.int64)
    if n == 0:
        return out
    remaining = np.broadcast_to(problem.n_pred, (n_lists, n)).copy()
    done = np.zeros((n_lists, n), dtype=np.bool_)
    rows = np.arange(n_lists)
    smat = problem.succ_matrix
    inf = np.inf
    for i in range(n):
        elig = (remaining == 0) & ~done
        pick = np.where(elig, keys, inf).argmin(axis=1)
        out[:, i] = pick
        done[rows, pick] = True
        remaining -= smat[pick]
    return out


def regret_sampling(
    problem: Problem, values: NDArray[np.float64], count: int, rng: np.random.Generator, alpha: float = 1.0
) -> IntArray:
    """Regret-based biased random sampling of activity lists (Drexl 1991; Kolisch 1996).

    Among the eligible activities, ``j`` is drawn with probability proportional to
    ``(max_eligible(values) - values[j] + 1) ** alpha`` (small values preferred), using the Gumbel-max
    trick so that all ``count`` lists are drawn in one vectorised pass.
    """
    n = problem.n
    out = np.empty((count, n), dtype=np.int64)
    if n == 0 or count == 0:
        return out
    remaining = np.broadcast_to(problem.n_pred, (count, n)).copy()
    done = np.zeros((count, n), dtype=np.bool_)
    rows = np.arange(count)
    smat = problem.succ_matrix
    vals = np.broadcast_to(values, (count, n))
    for i in range(n):
        elig = (remaining == 0) & ~done
        worst = np.where(elig, vals, -np.inf).max(axis=1)
        regret = np.maximum(worst[:, None] - vals, 0.0) + 1.0
        score = np.where(elig, alpha * np.log(regret) + rng.gumbel(size=(count, n)), -np.inf)
        pick = score.argmax(axis=1)
        out[:, i] = pick
        done[rows, pick] = True
        remaining -= smat[pick]
    return out


def parallel_sgs(problem: Problem, values: NDArray[np.float64]) -> IntArray:
    """Parallel SGS: at each decision time, start eligible activities in priority order while they fit.

    ``values`` are priorities (smallest first). Returns the (n,) start times.
    """
    n, k = problem.n, problem.k
    dur = problem.dur.tolist()
    dem = problem.dem.tolist()
    cap = problem.cap.tolist()
    starts = [-1] * n
    finish = [0] * n
    remaining = [len(p) for p in problem.pred]
    ready_time = [0] * n
    eligible = {j for j in range(n) if remaining[j] == 0}
    active: list[int] = []
    free = list(cap)
    order = sorted(range(n), key=lambda j: (float(values[j]), j))
    rank = {j: i for i, j in enumerate(order)}
    t = 0
    scheduled = 0

    def complete(j: int) -> None:
        for s in problem.succ[j]:
            remaining[s] -= 1
            ready_time[s] = max(ready_time[s], finish[j])
            if remaining[s] == 0:
                eligible.add(s)

    while scheduled < n:
        # Release activities that finish by t (their successors become eligible at t).
        still: list[int] = []
        for j in active:
            if finish[j] <= t:
                for kk in range(k):
                    free[kk] += dem[j][kk]
                complete(j)
            else:
                still.append(j)
        active = still
        progress = True
        while progress:
            progress = False
            for j in sorted((e for e in eligible if ready_time[e] <= t), key=rank.__getitem__):
                dj = dem[j]
                if all(dj[kk] <= free[kk] for kk in range(k)):
                    eligible.discard(j)
                    starts[j] = t
                    finish[j] = t + dur[j]
                    scheduled += 1
                    if dur[j] == 0:
                        complete(j)
                        progress = True
                    else:
                        for kk in range(k):
                            free[kk] -= dj[kk]
                        active.append(j)
        if scheduled >= n:
            break
        candidates = [finish[j] for j in active if finish[j] > t]
        candidates += [ready_time[e] for e in eligible if ready_time[e] > t]
        t = min(candidates)
    return np.asarray(starts, dtype=np.int64)


def priority_rule_schedules(
    problem: Problem, upper: int, rules: tuple[str, ...] = PRIORITY_RULES
) -> list[tuple[str, IntArray]]:
    """Serial and parallel SGS schedules for each priority rule, labelled ``"<rule>/<scheme>"``."""
    out: list[tuple[str, IntArray]] = []
    vals = [priority_values(problem, rule, upper) for rule in rules]
    serial = serial_sgs(problem, lists_from_keys(problem, np.vstack(vals)))
    for rule, v, s in zip(rules, vals, serial, strict=True):
        out.append((f"{rule}/serial", s))
        out.append((f"{rule}/parallel", parallel_sgs(problem, v)))
    return out
