"""The portfolio MILP, built from numpy index arrays into one sparse matrix (DESIGN §6, STYLE §7).

Columns come in blocks: ``x[p,t]`` (project p starts in horizon year t; only allowed starts), ``y[p,f,t]`` (p starts
in t funded by programme f instead of its default; only eligible pairs with a pot inside the programme's windows)
and, with a focus limit, ``u[g]`` (field of action g is used). The default programme of ``x[p,t]`` is the largest
grant without a pot (``x_programme``), already netted into its own-funds coefficients. Every row family is one
vectorised block; a Python loop runs over families only.

All objectives are expressed as *minimise* ``c @ v``; maximisation objectives negate their coefficients and
:attr:`Model.sign` restores the reported value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from kommunal_planner.errors import ValidationError
from kommunal_planner.model import Portfolio

__all__ = ["OBJECTIVES", "Model", "Objective", "build_model"]

Objective = Literal["benefit", "time_weighted", "grants", "own_funds"]
OBJECTIVES: tuple[str, ...] = ("benefit", "time_weighted", "grants", "own_funds")

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True, eq=False)
class Model:
    """A built MILP in matrix form: minimise ``c @ v`` s.t. ``row_lo <= A @ v <= row_hi``, bounds, integrality.

    The index arrays map columns back to decisions: ``x_project[i], x_year[i]`` for column ``i`` of the x block
    (``x_year`` is the horizon-year offset), likewise ``y_*`` for the y block starting at ``y_offset``.
    """

    c: FloatArray
    A: sp.csr_array
    row_lo: FloatArray
    row_hi: FloatArray
    col_lo: FloatArray
    col_hi: FloatArray
    sign: float
    x_project: IntArray
    x_year: IntArray
    x_programme: IntArray
    y_project: IntArray
    y_programme: IntArray
    y_year: IntArray
    y_x: IntArray
    y_offset: int
    u_offset: int
    n_fields: int
    z_offset: int
    row_kind: tuple[tuple[str, int, int], ...]
    own_funds: FloatArray
    benefit: FloatArray
    start_rank: FloatArray
    objective: str
    field_index: IntArray
    col_integer: NDArray[np.bool_] | None = None
    programme_rank: FloatArray | None = None

    @property
    def integrality(self) -> NDArray[np.bool_]:
        """Which columns are integer (all, unless a caller added continuous ones such as slacks)."""
        return np.ones(self.n_cols, dtype=bool) if self.col_integer is None else self.col_integer

    @property
    def n_cols(self) -> int:
        return int(self.c.shape[0])

    @property
    def n_rows(self) -> int:
        return int(self.A.shape[0])

    def rows_of(self, kind: str) -> slice:
        """The row slice of one constraint family (e.g. ``"budget"``)."""
        for name, lo, hi in self.row_kind:
            if name == kind:
                return slice(lo, hi)
        return slice(0, 0)

    def keeps_rows(self, values: FloatArray) -> bool:
        """Whether the vector *values* keeps every row (with a relative tolerance of 1e-6)."""
        act = self.A @ values
        hi, lo = np.isfinite(self.row_hi), np.isfinite(self.row_lo)
        hi_ok = np.all(act[hi] <= self.row_hi[hi] + 1e-6 * np.maximum(1.0, np.abs(self.row_hi[hi])))
        lo_ok = np.all(act[lo] >= self.row_lo[lo] - 1e-6 * np.maximum(1.0, np.abs(self.row_lo[lo])))
        return bool(hi_ok and lo_ok)

    def decode(self, values: FloatArray) -> tuple[dict[int, int], dict[int, int]]:
        """Starts and programmes from a solution vector: ``{project: year offset}``, ``{project: programme}``."""
        chosen = np.flatnonzero(values[: self.y_offset] > 0.5)
        starts = {int(self.x_project[i]): int(self.x_year[i]) for i in chosen}
        progs = {int(self.x_project[i]): int(self.x_programme[i]) for i in chosen if self.x_programme[i] >= 0}
        ychosen = np.flatnonzero(values[self.y_offset : self.u_offset] > 0.5)
        progs.update({int(self.y_project[i]): int(self.y_programme[i]) for i in ychosen})
        return starts, progs

    def encode(self, starts: Mapping[int, int], programmes: Mapping[int, int]) -> FloatArray:
        """A solution vector from decisions (the inverse of :meth:`decode`), e.g. for a start solution."""
        v = np.zeros(self.n_cols)
        key_x = {(int(p), int(t)): i for i, (p, t) in enumerate(zip(self.x_project, self.x_year, strict=True))}
        for p, t in starts.items():
            i = key_x.get((p, t))
            if i is not None:
                v[i] = 1.0
        key_y = {
            (int(p), int(f), int(t)): i
            for i, (p, f, t) in enumerate(zip(self.y_project, self.y_programme, self.y_year, strict=True))
        }
        for p, f in programmes.items():
            if p in starts and (p, starts[p]) in key_x and self.x_programme[key_x[(p, starts[p])]] == f:
                continue  # the folded default programme needs no y column
            if p in starts:
                i = key_y.get((p, f, starts[p]))
                if i is not None:
                    v[self.y_offset + i] = 1.0
        if self.n_fields:
            used = np.zeros(self.n_fields)
            for p in starts:
                used[self.field_index[p]] = 1.0
            v[self.u_offset : self.z_offset] = used
        for p in starts:
            v[self.z_offset + p] = 1.0
        return v


class _Rows:
    """Collects row blocks as COO triplets with bounds; stacked once at the end."""

    def __init__(self) -> None:
        self.rows: list[IntArray] = []
        self.cols: list[IntArray] = []
        self.vals: list[FloatArray] = []
        self.lo: list[FloatArray] = []
        self.hi: list[FloatArray] = []
        self.kinds: list[tuple[str, int, int]] = []
        self.n = 0

    def add(self, kind: str, rows: IntArray, cols: IntArray, vals: FloatArray, lo: FloatArray, hi: FloatArray) -> None:
        count = len(lo)
        if count == 0:
            return
        self.rows.append(rows + self.n)
        self.cols.append(cols)
        self.vals.append(vals)
        self.lo.append(lo)
        self.hi.append(hi)
        self.kinds.append((kind, self.n, self.n + count))
        self.n += count

    def matrix(self, n_cols: int) -> tuple[sp.csr_array, FloatArray, FloatArray]:
        if not self.rows:
            return sp.csr_array((0, n_cols)), np.zeros(0), np.zeros(0)
        r = np.concatenate(self.rows)
        c = np.concatenate(self.cols)
        v = np.concatenate(self.vals)
        keep = v != 0.0
        A = sp.coo_array((v[keep], (r[keep], c[keep])), shape=(self.n, n_cols)).tocsr()
        A.sum_duplicates()
        return A, np.concatenate(self.lo), np.concatenate(self.hi)


def _year_profiles(pf: Portfolio, xp: IntArray, xt: IntArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Dense (n_x × T) investment, staff and operating cost of each x column per horizon year."""
    arr = pf.arrays
    n_t = len(arr.years)
    k = np.arange(n_t)[None, :] - xt[:, None]  # project year of each calendar year
    d = arr.duration[xp][:, None]
    running = (k >= 0) & (k < d)
    kk = np.clip(k, 0, arr.cost.shape[1] - 1)
    cost = np.where(running, arr.cost[xp[:, None], kk], 0.0)
    staff = np.where(running, arr.staff[xp[:, None], kk], 0.0)
    operating = np.where(k >= d, arr.operating[xp][:, None], 0.0)
    return cost, staff, operating


def start_rank(project_ids: tuple[str, ...] | list[str], xp: IntArray, xt: IntArray) -> FloatArray:
    """Tie-break weight of each start column ``(xp[i], xt[i])``: earlier starts first, and between plans with the
    same start years the earlier start goes to the smaller id (a larger weight on the year offset of smaller ids)."""
    n_p = len(project_ids)
    rank = np.argsort(np.argsort(np.array(project_ids, dtype=object)))
    return np.asarray((xt + 1.0) * (1.0 + (n_p - rank[xp]) / (n_p + 1.0) * 1e-3), dtype=np.float64)


def programme_rank(yf: IntArray, n_programmes: int) -> FloatArray:
    """Tie-break weight of each funding column: between plans equal in all else, the programme listed first."""
    return np.asarray((yf + 1.0) / (n_programmes + 1.0), dtype=np.float64)


def build_model(
    portfolio: Portfolio,
    *,
    objective: Objective | str = "benefit",
    required_benefit: float | None = None,
    forced_in: frozenset[str] | set[str] = frozenset(),
    forced_out: frozenset[str] | set[str] = frozenset(),
    fixed_starts: Mapping[str, int] | None = None,
) -> Model:
    """Build the MILP of *portfolio* (DESIGN §3 semantics) as sparse matrices.

    Parameters
    ----------
    objective
        ``"benefit"`` (maximise total benefit), ``"time_weighted"`` (benefit earned each year after completion,
        discounted), ``"grants"`` (maximise grants) or ``"own_funds"`` (minimise own funds over the horizon,
        subject to ``required_benefit``).
    forced_in, forced_out
        Project ids that must / must not be selected.
    fixed_starts
        Project id to start year; the project is selected and starts in that year.

    Examples
    --------
    >>> from kommunal_planner.model import Portfolio, Horizon, Project
    >>> pf = Portfolio("M", Horizon(2026, 2), 100, projects=(Project("a", benefit=5, cost=60),))
    >>> m = build_model(pf)
    >>> m.n_cols, m.rows_of("budget")  # x for 2026 and 2027, the selection column z; budget rows after 2 rows
    (3, slice(2, 4, None))
    """
    pf = portfolio
    arr = pf.arrays
    n_p, n_t = len(pf.projects), len(arr.years)
    if objective not in OBJECTIVES:
        raise ValidationError(f"unknown objective '{objective}'", expected=" or ".join(OBJECTIVES))
    fixed = dict(fixed_starts or {})
    for name, ids in (("forced_in", forced_in), ("forced_out", forced_out), ("fixed_starts", fixed)):
        for pid in ids:
            if pid not in pf.project_ids:
                raise ValidationError(f"{name} names unknown project '{pid}'")
    clash = set(forced_out) & (set(forced_in) | set(fixed))
    if clash:
        raise ValidationError(f"project '{sorted(clash)[0]}' is forced both in and out")

    # ---- x block: allowed (project, start year) pairs
    allowed = arr.start_ok.copy()
    for pid in forced_out:
        allowed[pf.index_of(pid)] = False
    for pid, year in fixed.items():
        i = pf.index_of(pid)
        t = int(year) - pf.horizon.start
        keep = allowed[i, t] if 0 <= t < n_t else False
        allowed[i] = False
        if keep:
            allowed[i, t] = True
    xp, xt = np.nonzero(allowed)
    xp = xp.astype(np.int64)
    xt = xt.astype(np.int64)
    n_x = len(xp)
    xcol = np.full((n_p, n_t), -1, dtype=np.int64)
    xcol[xp, xt] = np.arange(n_x)

    # ---- funding. Dominance: among programmes without a pot, the largest grant is always worth taking (funding
    # is never forced, and a larger grant is paid along the same cost profile, so it lowers own funds in every
    # year). It is folded into the x column. y columns remain only for pot programmes paying more than that.
    n_f = len(pf.programmes)
    base_f = np.full(n_x, -1, dtype=np.int64)
    base_grant = np.zeros(n_x)
    if n_f:
        ok = arr.eligible[xp] & arr.window[:, xt].T  # (n_x, F)
        g_all = np.where(ok, arr.grant[xp], 0.0)
        free = ok & ~np.isfinite(arr.pot)[None, :]
        g_free = np.where(free, g_all, 0.0)
        has_free = free.any(axis=1)
        base_f = np.where(has_free, np.argmax(g_free, axis=1), -1)
        base_grant = np.where(has_free, g_free.max(axis=1), 0.0)
        extra = ok & np.isfinite(arr.pot)[None, :] & (g_all > base_grant[:, None] + 1e-9)
        y_x, yf = np.nonzero(extra)
    else:
        y_x = yf = np.zeros(0, dtype=np.int64)
    y_x = y_x.astype(np.int64)
    yf = yf.astype(np.int64)
    yp, yt = xp[y_x], xt[y_x]
    n_y = len(y_x)
    y_off = n_x
    u_off = n_x + n_y
    focus = pf.focus.max_fields
    n_u = len(arr.fields) if focus is not None and focus < len(arr.fields) else 0
    # z[p] = sum_t x[p,t]: an explicit selection column lets the solver branch on "select p or not" (a GUB
    # branch) instead of on single start years; measured to cut nodes several-fold on tight budgets.
    z_off = u_off + n_u
    n_cols = z_off + n_p

    rows = _Rows()
    # select: sum_t x[p,t] <= 1 (== 1 for must-dos)
    must = arr.mandatory.copy()
    for pid in set(forced_in) | set(fixed):
        must[pf.index_of(pid)] = True
    lo = np.where(must, 1.0, 0.0)
    rows.add("select", xp, np.arange(n_x), np.ones(n_x), lo, np.ones(n_p))
    rows.add(
        "selection",
        np.concatenate([xp, np.arange(n_p)]),
        np.concatenate([np.arange(n_x), z_off + np.arange(n_p)]),
        np.concatenate([np.ones(n_x), -np.ones(n_p)]),
        np.zeros(n_p),
        np.zeros(n_p),
    )
    # link: sum_f y[p,f,t] - x[p,t] <= 0, only for x columns that have a y
    if n_y:
        linked, inverse = np.unique(y_x, return_inverse=True)
        r = np.concatenate([inverse, np.arange(len(linked))])
        c = np.concatenate([y_off + np.arange(n_y), linked])
        v = np.concatenate([np.ones(n_y), -np.ones(len(linked))])
        rows.add("link", r, c, v, np.full(len(linked), -np.inf), np.zeros(len(linked)))

    cost, staff, operating = _year_profiles(pf, xp, xt)
    total_cost = arr.cost.sum(axis=1)
    grant = arr.grant[yp, yf]
    # grants are paid along the cost profile: share of the cost in each calendar year
    share = np.divide(cost, total_cost[xp][:, None], out=np.zeros((n_x, n_t)), where=total_cost[xp][:, None] > 0)
    y_paid = (grant - base_grant[y_x])[:, None] * share[y_x]  # (n_y, T): what the pot programme adds
    x_own = cost + operating - base_grant[:, None] * share  # (n_x, T)

    # budget rows: own funds per year <= budget
    rx, cx = np.nonzero(x_own.T)
    ry, cy = np.nonzero(y_paid.T)
    rows.add(
        "budget",
        np.concatenate([rx, ry]),
        np.concatenate([cx, y_off + cy]),
        np.concatenate([x_own.T[rx, cx], -y_paid.T[ry, cy]]),
        np.full(n_t, -np.inf),
        arr.budget.astype(np.float64),
    )
    # staff rows: only years with a finite capacity
    cap_years = np.flatnonzero(np.isfinite(arr.staff_capacity))
    if len(cap_years):
        sub = staff[:, cap_years].T
        rs, cs = np.nonzero(sub)
        rows.add("staff", rs, cs, sub[rs, cs], np.full(len(cap_years), -np.inf), arr.staff_capacity[cap_years])
    # pots: sum of grants of a programme <= pot
    pot_f = np.flatnonzero(np.isfinite(arr.pot))
    if len(pot_f) and n_y:
        pos = np.full(n_f, -1)
        pos[pot_f] = np.arange(len(pot_f))
        sel = pos[yf] >= 0
        rows.add(
            "pot",
            pos[yf[sel]],
            y_off + np.flatnonzero(sel),
            grant[sel],
            np.full(len(pot_f), -np.inf),
            arr.pot[pot_f],
        )
    # precedence, strong disaggregated form: for each edge q requires p and year tau:
    #   sum_{t<=tau} x[q,t] - sum_{t+d_p<=tau} x[p,t] <= 0
    if len(arr.requires):
        q, p = arr.requires[:, 0], arr.requires[:, 1]
        t_idx = np.arange(n_t)
        tau = t_idx[None, :, None]
        tt = t_idx[None, None, :]
        q_cols = np.broadcast_to(xcol[q][:, None, :], (len(q), n_t, n_t))
        p_cols = np.broadcast_to(xcol[p][:, None, :], (len(q), n_t, n_t))
        q_on = (tt <= tau) & (q_cols >= 0)
        p_on = (tt + arr.duration[p][:, None, None] <= tau) & (p_cols >= 0)
        # a row without a positive term is always satisfied: drop it
        has_q: NDArray[np.bool_] = np.asarray(q_on.any(axis=2))
        row_id = np.full(has_q.shape, -1)
        row_id[has_q] = np.arange(int(has_q.sum()))
        eq, etau, et = np.nonzero(q_on & has_q[:, :, None])
        pe, ptau, pt = np.nonzero(p_on & has_q[:, :, None])
        n_rows = int(has_q.sum())
        rows.add(
            "precedence",
            np.concatenate([row_id[eq, etau], row_id[pe, ptau]]),
            np.concatenate([q_cols[eq, etau, et], p_cols[pe, ptau, pt]]),
            np.concatenate([np.ones(len(eq)), -np.ones(len(pe))]),
            np.full(n_rows, -np.inf),
            np.zeros(n_rows),
        )
    # exclusive groups: at most one project per group
    if arr.groups:
        g = arr.group_index
        sel = g >= 0
        rows.add(
            "exclusive",
            g[sel],
            z_off + np.flatnonzero(sel),
            np.ones(int(sel.sum())),
            np.full(len(arr.groups), -np.inf),
            np.ones(len(arr.groups)),
        )
    # focus: z[p] - u[field(p)] <= 0 for each project, sum_g u[g] <= max_fields
    if n_u:
        fi = arr.field_index
        rows.add(
            "focus_link",
            np.concatenate([np.arange(n_p), np.arange(n_p)]),
            np.concatenate([z_off + np.arange(n_p), u_off + fi]),
            np.concatenate([np.ones(n_p), -np.ones(n_p)]),
            np.full(n_p, -np.inf),
            np.zeros(n_p),
        )
        rows.add(
            "focus",
            np.zeros(n_u, dtype=np.int64),
            u_off + np.arange(n_u),
            np.ones(n_u),
            np.array([-np.inf]),
            np.array([float(focus or 0)]),
        )

    # ---- objective
    zeros_uz = np.zeros(n_u + n_p)
    own = np.concatenate([x_own.sum(axis=1), -y_paid.sum(axis=1), zeros_uz])
    benefit = np.concatenate([arr.benefit[xp], np.zeros(n_y), zeros_uz])
    if objective == "benefit":
        # on the selection columns: the benefit does not depend on the start year
        c = -np.concatenate([np.zeros(n_x + n_y + n_u), arr.benefit])
        sign = -1.0
    elif objective == "time_weighted":
        years_after = n_t - (xt + arr.duration[xp])  # full years of use inside the horizon
        disc = (1.0 + pf.discount_rate) ** -np.arange(n_t, dtype=np.float64)
        csum = np.concatenate([np.cumsum(disc[::-1])[::-1], [0.0]])  # csum[k] = sum_{tau>=k} disc[tau]
        first = np.clip(xt + arr.duration[xp], 0, n_t)
        weight = np.where(years_after > 0, csum[first], 0.0)
        c = -np.concatenate([arr.benefit[xp] * weight, np.zeros(n_y), zeros_uz])
        sign = -1.0
    elif objective == "grants":
        c = -np.concatenate([base_grant, grant - base_grant[y_x], zeros_uz])
        sign = -1.0
    else:
        c, sign = own.copy(), 1.0
        if required_benefit is not None:
            rows.add(
                "required_benefit",
                np.zeros(n_x, dtype=np.int64),
                np.arange(n_x),
                arr.benefit[xp],
                np.array([float(required_benefit)]),
                np.array([np.inf]),
            )
    A, row_lo, row_hi = rows.matrix(n_cols)
    # used by the tie-break phase
    ranks = np.concatenate([start_rank(pf.project_ids, xp, xt), np.zeros(n_y), zeros_uz])
    return Model(
        c=c.astype(np.float64),
        A=A,
        row_lo=row_lo,
        row_hi=row_hi,
        col_lo=np.zeros(n_cols),
        col_hi=np.ones(n_cols),
        sign=sign,
        x_project=xp,
        x_year=xt,
        x_programme=base_f,
        y_project=yp,
        y_programme=yf,
        y_year=yt,
        y_x=y_x,
        y_offset=y_off,
        u_offset=u_off,
        n_fields=n_u,
        z_offset=z_off,
        row_kind=tuple(rows.kinds),
        own_funds=own,
        benefit=benefit,
        start_rank=ranks,
        objective=str(objective),
        field_index=arr.field_index,
        programme_rank=np.concatenate([np.zeros(n_x), programme_rank(yf, n_f), zeros_uz]),
    )
