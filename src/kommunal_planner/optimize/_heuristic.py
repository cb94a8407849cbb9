"""A greedy start plan: must-dos first, then by benefit per own euro, each placed in its earliest year that fits.

It is handed to the solver as an incumbent and returned on its own when a limit stops the solver before it
finds a plan. It keeps every rule of DESIGN §3 by construction (budgets, staff, pots, windows, dependencies,
exclusive groups, focus); it may fail to place a must-do, in which case it returns ``None``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

import numpy as np

from kommunal_planner.model import Portfolio

__all__ = ["greedy_plan"]

logger = logging.getLogger(__name__)


def greedy_plan(
    portfolio: Portfolio,
    *,
    forced_in: frozenset[str] | set[str] = frozenset(),
    forced_out: frozenset[str] | set[str] = frozenset(),
    fixed_starts: Mapping[str, int] | None = None,
) -> tuple[dict[int, int], dict[int, int]] | None:
    """Greedy decisions ``({project: year offset}, {project: programme index})``, or None if a must-do fails."""
    pf = portfolio
    arr = pf.arrays
    n_p, n_t = len(pf.projects), len(arr.years)
    fixed = {pf.index_of(k): int(v) - pf.horizon.start for k, v in (fixed_starts or {}).items()}
    out = {pf.index_of(k) for k in forced_out}
    must = set(np.flatnonzero(arr.mandatory).tolist()) | {pf.index_of(k) for k in forced_in} | set(fixed)
    req: list[list[int]] = [[] for _ in range(n_p)]
    for q, p in arr.requires:
        req[int(q)].append(int(p))
    # must-dos drag in their requirements
    stack = list(must)
    while stack:
        q = stack.pop()
        for p in req[q]:
            if p not in must:
                must.add(p)
                stack.append(p)

    own_left = arr.budget.astype(float).copy()
    staff_left = arr.staff_capacity.astype(float).copy()
    pot_left = arr.pot.astype(float).copy()
    total_cost = arr.cost.sum(axis=1)
    starts: dict[int, int] = {}
    progs: dict[int, int] = {}
    groups_used: set[int] = set()
    fields_used: set[int] = set()
    max_fields = pf.focus.max_fields
    t_idx = np.arange(n_t)

    def place(i: int) -> bool:
        if i in starts or i in out:
            return i in starts
        g = int(arr.group_index[i])
        if g >= 0 and g in groups_used:
            return False
        fld = int(arr.field_index[i])
        if max_fields is not None and fld not in fields_used and len(fields_used) >= max_fields:
            return False
        ready = 0
        for p in req[i]:
            if p not in starts:
                return False
            ready = max(ready, starts[p] + int(arr.duration[p]))
        d = int(arr.duration[i])
        candidates = [fixed[i]] if i in fixed else list(np.flatnonzero(arr.start_ok[i]))
        for t in candidates:
            if t < ready or not (0 <= t < n_t) or not arr.start_ok[i, t]:
                continue
            k = t_idx - t
            running = (k >= 0) & (k < d)
            kk = np.clip(k, 0, arr.cost.shape[1] - 1)
            cost = np.where(running, arr.cost[i, kk], 0.0)
            staff = np.where(running, arr.staff[i, kk], 0.0)
            own = cost + np.where(k >= d, arr.operating[i], 0.0)
            if np.any(staff > staff_left + 1e-9):
                continue
            # best programme: the largest grant whose window and pot allow it
            best_f, best_g = -1, 0.0
            for f in np.flatnonzero(arr.eligible[i]):
                grant = float(arr.grant[i, f])
                if arr.window[f, t] and grant <= pot_left[f] + 1e-9 and grant > best_g:
                    best_f, best_g = int(f), grant
            paid = best_g * cost / total_cost[i] if best_f >= 0 and total_cost[i] > 0 else np.zeros(n_t)
            if np.any(own - paid > own_left + 1e-6):
                continue
            starts[i] = int(t)
            own_left[:] -= own - paid
            staff_left[:] -= staff
            if best_f >= 0:
                progs[i] = best_f
                pot_left[best_f] -= best_g
            if g >= 0:
                groups_used.add(g)
            fields_used.add(fld)
            return True
        return False

    # must-dos in dependency order: repeat passes until nothing more can be placed
    pending = sorted(must, key=lambda i: (len(req[i]), i))
    for _ in range(n_p + 1):
        before = len(starts)
        pending = [i for i in pending if not place(i)]
        if not pending or len(starts) == before:
            break
    if pending:
        logger.debug("greedy start could not place %d must-do projects", len(pending))
        return None
    # the rest by benefit per own euro (own cost after the best possible grant plus running costs)
    best_grant = arr.grant.max(axis=1) if arr.grant.size else np.zeros(n_p)
    own_cost = total_cost - best_grant + arr.operating * np.maximum(n_t - arr.duration, 0) / 2.0
    ratio = arr.benefit / np.maximum(own_cost, 1.0)
    order = [int(i) for i in np.lexsort((np.arange(n_p), -ratio)) if int(i) not in starts]
    for _ in range(3):
        before = len(starts)
        order = [i for i in order if not place(i)]
        if len(starts) == before:
            break
    return starts, progs
