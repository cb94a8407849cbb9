"""One model structure for a batch of related solves: scenarios, Monte Carlo draws, sensitivity probes.

:func:`~kommunal_planner.optimize.build_model` folds the largest grant of a programme without a pot into the start
column and keeps ``y`` columns only for pot programmes that pay more. Which programme that is, and which ``y``
columns exist, depends on costs, rates, caps, floors and approvals, so a change of any of them changes the model's
shape. :class:`ParametricModel` keeps the part that does not change: the ``x`` column of every allowed start, a
``y`` column for every pot programme that *may* fund a start (eligible by field, id or tag, inside its windows),
and the rows that involve ``x`` only (selection, staff, precedence, exclusive groups, focus). An instance then
recomputes values only: the folded grant and its programme, the budget and pot coefficients, the bounds (closed
``y`` columns, forced projects, closed years) and the objective. For the same data its feasible set and optimum are
those of ``build_model`` (the scenario tests check the optimum against a rebuild).

A start solution is taken from an earlier plan (the base plan of a batch) and repaired by dropping projects until
it keeps every row, so that each solve of a batch starts from a good incumbent.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from kommunal_planner.errors import ValidationError
from kommunal_planner.model import Portfolio
from kommunal_planner.optimize._api import _tie_break
from kommunal_planner.optimize._formulation import Model, build_model, programme_rank, start_rank
from kommunal_planner.optimize._solvers import SolveOptions, SolveStatus, get_solver, solve_lp

__all__ = [
    "ModelSolution",
    "ModelValues",
    "ParametricModel",
    "lp_duals",
    "solve_model",
    "start_vector",
]

logger = logging.getLogger(__name__)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

# Row families of build_model whose coefficients do not depend on money, rates or approvals and that hold no y
# column: they are taken over unchanged. A family not listed here makes the structure unusable (callers rebuild),
# so a new rule in the formulation can never be dropped silently.
_STATIC = ("select", "selection", "staff", "precedence", "exclusive", "focus_link", "focus")
_VALUED = ("link", "budget", "pot", "required_benefit")
# Model fields with one value per column that an instance recomputes; another one makes the structure unusable
_PER_COLUMN = ("c", "col_lo", "col_hi", "own_funds", "benefit", "start_rank", "programme_rank", "col_integer")


@dataclass(frozen=True, slots=True, eq=False)
class ModelValues:
    """The numbers an instance of a :class:`ParametricModel` is made of; rows are projects, columns programmes.

    Parameters
    ----------
    cost
        Investment per project year [EUR], shape (projects, longest duration).
    operating
        Running cost per year after completion [EUR/year].
    benefit
        Benefit points per project.
    budget, staff_capacity
        Per horizon year [EUR, person-days]; ``inf`` means unlimited.
    rate, max_grant, min_grant, pot
        Per programme: the effective rate, the cap (``inf``: none), the floor (0: none) and the pot (``inf``: none).
    admits
        Whether programme ``f`` may fund project ``p`` at all (eligible by field, id or tag, and the application
        not rejected).
    window
        Whether programme ``f`` funds a start in horizon year ``t``.
    grant_cap
        Optional cap per (project, programme) [EUR], e.g. the amount of a grant notice already issued.
    """

    cost: FloatArray
    operating: FloatArray
    benefit: FloatArray
    budget: FloatArray
    staff_capacity: FloatArray
    rate: FloatArray
    max_grant: FloatArray
    min_grant: FloatArray
    pot: FloatArray
    admits: BoolArray
    window: BoolArray
    grant_cap: FloatArray | None = None

    @classmethod
    def of(cls, portfolio: Portfolio, programmes: Iterable[str] | None = None) -> ModelValues:
        """The values of *portfolio*, with programme columns in the order of *programmes* (default: its own).

        A programme listed in *programmes* that the portfolio lacks gets a column that admits no project.
        """
        pf = portfolio
        arr = pf.arrays
        own = {g.id: g for g in pf.programmes}
        order = [g.id for g in pf.programmes] if programmes is None else list(programmes)
        n_p, n_f, n_t = len(pf.projects), len(order), len(arr.years)
        rate = np.zeros(n_f)
        max_grant = np.full(n_f, np.inf)
        min_grant = np.zeros(n_f)
        pot = np.full(n_f, np.inf)
        admits = np.zeros((n_p, n_f), dtype=bool)
        window = np.ones((n_f, n_t), dtype=bool)
        for f, gid in enumerate(order):
            g = own.get(gid)
            if g is None:
                window[f] = False
                continue
            rate[f] = g.effective_rate(pf.financially_weak)
            if g.max_grant is not None:
                max_grant[f] = g.max_grant
            if g.min_grant is not None:
                min_grant[f] = g.min_grant
            if g.pot is not None:
                pot[f] = g.pot
            admits[:, f] = [g.eligible.admits(p) for p in pf.projects]
            if g.windows is not None:
                window[f] = np.isin(arr.years, g.windows)
        return cls(
            cost=np.array(arr.cost, dtype=np.float64),
            operating=np.array(arr.operating, dtype=np.float64),
            benefit=np.array(arr.benefit, dtype=np.float64),
            budget=np.array(arr.budget, dtype=np.float64),
            staff_capacity=np.array(arr.staff_capacity, dtype=np.float64),
            rate=rate,
            max_grant=max_grant,
            min_grant=min_grant,
            pot=pot,
            admits=admits,
            window=window,
        )

    def replace(self, **changes: Any) -> ModelValues:
        """A copy with some arrays replaced."""
        return dataclasses.replace(self, **changes)

    def grants(self) -> FloatArray:
        """The grant each programme pays each project (0 where it pays none), as DESIGN §3 defines it."""
        total = self.cost.sum(axis=1)
        g = np.minimum(self.rate[None, :] * total[:, None], self.max_grant[None, :])
        if self.grant_cap is not None:
            g = np.minimum(g, self.grant_cap)
        g = np.where(self.admits & (g >= self.min_grant[None, :]) & (g > 0), g, 0.0)
        return np.asarray(g, dtype=np.float64)


@dataclass(frozen=True, slots=True, eq=False)
class ModelSolution:
    """A solve of a model instance: status, values and times (a failed solve is a status, not an exception)."""

    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    x: FloatArray | None
    message: str
    time: float
    warm: bool = False

    @property
    def success(self) -> bool:
        return self.status in ("optimal", "feasible")


class ParametricModel:
    """The fixed structure of a portfolio's model, instantiated for new values without rebuilding.

    Parameters
    ----------
    portfolio
        The base portfolio; its projects, start years, dependencies, groups, focus, staff days, windows of pot
        programmes and which years have a staff limit fix the structure.

    Examples
    --------
    >>> from kommunal_planner.model import Portfolio, Horizon, Project
    >>> pf = Portfolio("M", Horizon(2026, 1), 100, projects=(
    ...     Project("a", benefit=5, cost=60), Project("b", benefit=4, cost=50), Project("c", benefit=3, cost=40)))
    >>> pm = ParametricModel(pf)
    >>> values = pm.values.replace(budget=pm.values.budget * 1.1)
    >>> sol = solve_model(pm.instance(values), SolveOptions())
    >>> sol.status, sol.objective
    ('optimal', 9.0)
    """

    def __init__(self, portfolio: Portfolio) -> None:
        pf = portfolio
        self.portfolio = pf
        self.programme_ids: tuple[str, ...] = tuple(g.id for g in pf.programmes)
        self.values = ModelValues.of(pf)
        arr = pf.arrays
        base = build_model(pf)
        unknown = [kind for kind, _, _ in base.row_kind if kind not in _STATIC and kind not in _VALUED]
        if unknown:
            raise NotImplementedError(f"row family '{unknown[0]}' of the formulation has no parametric form")
        for f in dataclasses.fields(base):
            value = getattr(base, f.name)
            if f.name not in _PER_COLUMN and isinstance(value, np.ndarray) and value.shape == (base.n_cols,):
                raise NotImplementedError(f"per-column field '{f.name}' of the formulation has no parametric form")
        self._base = base
        n_p, n_t = len(pf.projects), len(arr.years)
        self.n_projects, self.n_years = n_p, n_t
        xp, xt = base.x_project, base.x_year
        n_x = len(xp)
        self.xp, self.xt, self.n_x = xp, xt, n_x
        self.pot_struct = np.isfinite(self.values.pot)
        self.window_struct = self.values.window.copy()
        cand = self.values.admits[xp] & self.values.window[:, xt].T & self.pot_struct[None, :]
        y_x, yf = np.nonzero(cand)
        self.y_x = y_x.astype(np.int64)
        self.yf = yf.astype(np.int64)
        self.yp = xp[self.y_x]
        self.yt = xt[self.y_x]
        n_y = len(self.y_x)
        self.n_y = n_y
        # columns behind the y block (focus fields, selection columns, ...) keep their order, shifted
        self._rest_base = base.u_offset
        self.u_offset = n_x + n_y
        self._shift = self.u_offset - base.u_offset
        self.n_cols = base.n_cols + self._shift
        # calendar profile of each x column: project year k of calendar year t, whether it runs or is finished
        k = np.arange(n_t)[None, :] - xt[:, None]
        d = arr.duration[xp][:, None]
        self._running = (k >= 0) & (k < d)
        self._after = k >= d
        self._kk = np.clip(k, 0, arr.cost.shape[1] - 1)
        self._fixed: dict[str, tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray]] = {}
        for kind in _STATIC:
            rows = base.rows_of(kind)
            if rows.stop <= rows.start:
                continue
            block = sp.coo_array(base.A[rows])
            cols = np.asarray(block.col, dtype=np.int64)
            if np.any((cols >= n_x) & (cols < base.u_offset)):
                raise NotImplementedError(f"row family '{kind}' holds funding columns")
            cols = np.where(cols >= base.u_offset, cols + self._shift, cols)
            self._fixed[kind] = (
                np.asarray(block.row, dtype=np.int64),
                cols,
                np.asarray(block.data, dtype=np.float64),
                base.row_lo[rows].copy(),
                base.row_hi[rows].copy(),
            )
        kinds = [kind for kind, _, _ in base.row_kind if kind != "required_benefit"]
        self._order = (*kinds, *(k for k in ("link", "budget", "pot") if k not in kinds), "required_benefit")
        self._staff_years = np.flatnonzero(np.isfinite(arr.staff_capacity))
        # link rows: sum_f y[p,f,t] - x[p,t] <= 0 for x columns that have a y
        self._linked, self._link_row = np.unique(self.y_x, return_inverse=True)
        self._pot_f = np.flatnonzero(self.pot_struct & np.isin(np.arange(len(self.pot_struct)), self.yf))
        pos = np.full(len(self.pot_struct), -1, dtype=np.int64)
        pos[self._pot_f] = np.arange(len(self._pot_f))
        self._pot_row = pos[self.yf]
        # where the formulation puts the benefit: on selection columns when it has them, else on start columns
        self._z_offset: int | None = getattr(base, "z_offset", None)
        self._start_rank = np.zeros(self.n_cols)
        self._start_rank[:n_x] = start_rank(pf.project_ids, xp, xt)
        self._x_of_project = [np.flatnonzero(xp == p) for p in range(n_p)]

    # ------------------------------------------------------------------ compatibility
    def values_for(self, portfolio: Portfolio) -> ModelValues | None:
        """The values of a changed *portfolio* when this structure can hold them, else None (rebuild instead).

        Costs, running costs, benefits, weights, budgets, staff limits, rates, caps, floors, pots, approvals,
        removed programmes and narrowed windows fit; new projects, other start years, dependencies, groups, focus,
        staff days, a new programme or pot, or a staff limit in a year that had none do not.
        """
        reason = self.incompatibility(portfolio)
        if reason is not None:
            logger.debug("model re-use not possible (%s): the model is rebuilt", reason)
            return None
        return ModelValues.of(portfolio, self.programme_ids)

    def incompatibility(self, portfolio: Portfolio) -> str | None:
        """Why *portfolio* does not fit this structure, or None when it does."""
        base, pf = self.portfolio, portfolio
        a, b = base.arrays, pf.arrays
        if pf.horizon != base.horizon:
            return "the horizon differs"
        if pf.project_ids != base.project_ids:
            return "the projects differ"
        checks = (
            ("durations", a.duration, b.duration),
            ("start years", a.start_ok, b.start_ok),
            ("dependencies", a.requires, b.requires),
            ("exclusive groups", a.group_index, b.group_index),
            ("mandatory projects", a.mandatory, b.mandatory),
            ("fields", a.field_index, b.field_index),
            ("staff days", a.staff, b.staff),
        )
        for name, x, y in checks:
            if x.shape != y.shape or not np.array_equal(x, y):
                return f"the {name} differ"
        if a.fields != b.fields or a.groups != b.groups or pf.focus != base.focus:
            return "the fields, groups or focus differ"
        if np.any(np.isfinite(b.staff_capacity) & ~np.isfinite(a.staff_capacity)):
            return "a staff limit in a year that had none"
        unknown = [g.id for g in pf.programmes if g.id not in self.programme_ids]
        if unknown:
            return f"new programme '{unknown[0]}'"
        new = ModelValues.of(pf, self.programme_ids)
        if np.any(np.isfinite(new.pot) & ~self.pot_struct):
            return "a pot for a programme that had none"
        pot_cols = self.pot_struct
        if np.any(new.admits[:, pot_cols] & ~self.values.admits[:, pot_cols]):
            return "a pot programme admits a project it did not admit"
        if np.any(new.window[pot_cols] & ~self.window_struct[pot_cols]):
            return "a pot programme's windows are wider"
        return None

    # ------------------------------------------------------------------ instances
    def project_index(self, ids: Iterable[str], what: str) -> list[int]:
        pf = self.portfolio
        out = []
        for pid in ids:
            if pid not in pf.project_ids:
                raise ValidationError(f"{what} names unknown project '{pid}'")
            out.append(pf.index_of(pid))
        return out

    def instance(
        self,
        values: ModelValues | None = None,
        *,
        objective: str = "benefit",
        required_benefit: float | None = None,
        forced_in: Iterable[str] = (),
        forced_out: Iterable[str] = (),
        fixed_starts: Mapping[str, int] | None = None,
        earliest_start: int | None = None,
        own_funds_cap: float | None = None,
    ) -> Model:
        """A model for *values* (default: the base portfolio's), in the form :func:`build_model` returns.

        Parameters
        ----------
        objective
            ``"benefit"`` or ``"own_funds"`` (with ``required_benefit``); other objectives need a rebuild.
        forced_in, forced_out, fixed_starts
            As for :func:`~kommunal_planner.optimize.optimize`, applied as bounds.
        earliest_start
            Close every start before this year, except for projects in *fixed_starts* (re-planning the years
            that remain once the first ones are under way).
        own_funds_cap
            A limit on the own funds over the whole horizon [EUR] (the ε-constraint of a frontier).
        """
        if objective not in ("benefit", "own_funds"):
            raise ValueError(f"objective '{objective}' needs a rebuilt model")
        v = self.values if values is None else values
        pf = self.portfolio
        xp, xt, n_x, n_t = self.xp, self.xt, self.n_x, self.n_years
        fixed = dict(fixed_starts or {})
        in_idx = self.project_index(forced_in, "forced_in")
        out_idx = self.project_index(forced_out, "forced_out")
        fix_idx = self.project_index(fixed, "fixed_starts")
        clash = set(out_idx) & (set(in_idx) | set(fix_idx))
        if clash:
            raise ValidationError(f"project '{pf.project_ids[min(clash)]}' is forced both in and out")

        g = v.grants()
        ok = (g > 0)[xp] & v.window[:, xt].T
        if g.shape[1]:
            free = ok & ~self.pot_struct[None, :]
            g_free = np.where(free, g[xp], 0.0)
            has_free = free.any(axis=1)
            base_f = np.where(has_free, np.argmax(g_free, axis=1), -1).astype(np.int64)
            base_grant = np.where(has_free, g_free.max(axis=1), 0.0)
        else:
            base_f = np.full(n_x, -1, dtype=np.int64)
            base_grant = np.zeros(n_x)
        y_grant = g[self.yp, self.yf]
        y_open = ok[self.y_x, self.yf] & (y_grant > base_grant[self.y_x] + 1e-9)

        cost = np.where(self._running, v.cost[xp[:, None], self._kk], 0.0)
        operating = np.where(self._after, v.operating[xp][:, None], 0.0)
        total = v.cost.sum(axis=1)[xp][:, None]
        share = np.divide(cost, total, out=np.zeros_like(cost), where=total > 0)
        x_own = cost + operating - base_grant[:, None] * share
        y_paid = np.where(y_open, y_grant - base_grant[self.y_x], 0.0)[:, None] * share[self.y_x]

        blocks = dict(self._fixed)
        must = np.array(pf.arrays.mandatory, dtype=bool)
        must[in_idx + fix_idx] = True
        s_rows, s_cols, s_vals, _, s_hi = blocks["select"]
        blocks["select"] = (s_rows, s_cols, s_vals, np.where(must, 1.0, 0.0), s_hi)
        if "staff" in blocks:
            s_rows, s_cols, s_vals, s_lo, _ = blocks["staff"]
            staff_hi = np.asarray(v.staff_capacity[self._staff_years], dtype=np.float64)
            blocks["staff"] = (s_rows, s_cols, s_vals, s_lo, staff_hi)
        if self.n_y:
            n_link = len(self._linked)
            blocks["link"] = (
                np.concatenate([self._link_row, np.arange(n_link)]),
                np.concatenate([n_x + np.arange(self.n_y), self._linked]),
                np.concatenate([np.ones(self.n_y), -np.ones(n_link)]),
                np.full(n_link, -np.inf),
                np.zeros(n_link),
            )
        rx, cx = np.nonzero(x_own.T)
        ry, cy = np.nonzero(y_paid.T)
        blocks["budget"] = (
            np.concatenate([rx, ry]).astype(np.int64),
            np.concatenate([cx, n_x + cy]).astype(np.int64),
            np.concatenate([x_own.T[rx, cx], -y_paid.T[ry, cy]]),
            np.full(n_t, -np.inf),
            np.asarray(v.budget, dtype=np.float64),
        )
        if len(self._pot_f):
            sel = np.flatnonzero(y_open & (self._pot_row >= 0))
            blocks["pot"] = (
                self._pot_row[sel],
                n_x + sel,
                y_grant[sel],
                np.full(len(self._pot_f), -np.inf),
                np.asarray(v.pot[self._pot_f], dtype=np.float64),
            )
        rest = self.n_cols - self.u_offset
        own = np.concatenate([x_own.sum(axis=1), -y_paid.sum(axis=1), np.zeros(rest)])
        benefit = np.concatenate([v.benefit[xp], np.zeros(self.n_y + rest)])
        if objective == "own_funds" and required_benefit is not None:
            blocks["required_benefit"] = (
                np.zeros(n_x, dtype=np.int64),
                np.arange(n_x, dtype=np.int64),
                np.asarray(v.benefit[xp], dtype=np.float64),
                np.array([float(required_benefit)]),
                np.array([np.inf]),
            )
        if own_funds_cap is not None:
            nz = np.flatnonzero(own)
            blocks["own_funds_cap"] = (
                np.zeros(len(nz), dtype=np.int64),
                nz.astype(np.int64),
                own[nz],
                np.array([-np.inf]),
                np.array([float(own_funds_cap)]),
            )
        A, row_lo, row_hi, kinds = _stack(blocks, (*self._order, "own_funds_cap"), self.n_cols)

        col_hi = np.ones(self.n_cols)
        col_hi[n_x : n_x + self.n_y] = y_open.astype(np.float64)
        closed = np.zeros(n_x, dtype=bool)
        for p in out_idx:
            closed[self._x_of_project[p]] = True
        for pid, year in fixed.items():
            p = pf.index_of(pid)
            cols = self._x_of_project[p]
            closed[cols[xt[cols] != int(year) - pf.horizon.start]] = True
        if earliest_start is not None:
            late = np.ones(n_x, dtype=bool)
            for p in fix_idx:
                late[self._x_of_project[p]] = False
            closed |= late & (xt < int(earliest_start) - pf.horizon.start)
        col_hi[:n_x][closed] = 0.0
        y_closed = closed[self.y_x]
        col_hi[n_x : n_x + self.n_y][y_closed] = 0.0

        if objective == "benefit":
            sign = -1.0
            if self._z_offset is not None:
                c = np.zeros(self.n_cols)
                z = self._z_offset + self._shift
                c[z : z + self.n_projects] = -v.benefit
            else:
                c = -benefit
        else:
            c, sign = own.copy(), 1.0
        # closed columns leave the model, as build_model never creates them: the solver then sees the columns a
        # rebuild would give (fixed-at-zero integer columns are not binaries to HiGHS, and change its presolve)
        keep = col_hi > 0
        keep[self.u_offset :] = True
        keep_x = keep[:n_x]
        keep_y = keep[n_x : self.u_offset]
        new_x = np.cumsum(keep_x) - 1
        n_x_kept = int(keep_x.sum())
        n_y_kept = int(keep_y.sum())
        shift = self._shift - (n_x - n_x_kept) - (self.n_y - n_y_kept)
        cols = np.flatnonzero(keep)
        changes: dict[str, Any] = {
            "c": np.asarray(c, dtype=np.float64)[cols],
            "A": sp.csr_array(A[:, cols]),
            "row_lo": row_lo,
            "row_hi": row_hi,
            "col_lo": np.zeros(len(cols)),
            "col_hi": np.ones(len(cols)),
            "sign": sign,
            "x_project": xp[keep_x],
            "x_year": xt[keep_x],
            "x_programme": base_f[keep_x],
            "y_project": self.yp[keep_y],
            "y_programme": self.yf[keep_y],
            "y_year": self.yt[keep_y],
            "y_x": new_x[self.y_x[keep_y]],
            "y_offset": n_x_kept,
            "u_offset": n_x_kept + n_y_kept,
            "row_kind": kinds,
            "own_funds": own[cols],
            "benefit": benefit[cols],
            "start_rank": self._start_rank[cols],
            "objective": objective,
        }
        if getattr(self._base, "programme_rank", None) is not None:
            rank = np.zeros(self.n_cols)
            rank[n_x : self.u_offset] = programme_rank(self.yf, len(self.programme_ids))
            changes["programme_rank"] = rank[cols]
        base = self._base
        for f in dataclasses.fields(base):
            value = getattr(base, f.name)
            if f.name.endswith("_offset") and f.name not in changes and isinstance(value, int):
                changes[f.name] = value + shift if value >= self._rest_base else value
        if base.col_integer is not None:
            changes["col_integer"] = np.concatenate(
                [np.ones(n_x_kept + n_y_kept, dtype=bool), base.col_integer[self._rest_base :]]
            )
        return dataclasses.replace(base, **changes)


def _stack(
    blocks: Mapping[str, tuple[IntArray, IntArray, FloatArray, FloatArray, FloatArray]],
    order: Iterable[str],
    n_cols: int,
) -> tuple[sp.csr_array, FloatArray, FloatArray, tuple[tuple[str, int, int], ...]]:
    rows, cols, vals, los, his = [], [], [], [], []
    kinds: list[tuple[str, int, int]] = []
    n = 0
    for kind in order:
        if kind not in blocks:
            continue
        r, c, d, lo, hi = blocks[kind]
        if len(lo) == 0:
            continue
        rows.append(r + n)
        cols.append(c)
        vals.append(d)
        los.append(lo)
        his.append(hi)
        kinds.append((kind, n, n + len(lo)))
        n += len(lo)
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    d = np.concatenate(vals)
    keep = d != 0.0
    A = sp.coo_array((d[keep], (r[keep], c[keep])), shape=(n, n_cols)).tocsr()
    A.sum_duplicates()
    return A, np.concatenate(los), np.concatenate(his), tuple(kinds)


def own_funds_by_year(model: Model, x: FloatArray) -> FloatArray:
    """Own funds per horizon year [EUR] of solution *x* (the activity of the budget rows)."""
    return np.asarray(model.A[model.rows_of("budget")] @ x, dtype=np.float64)


def start_vector(
    model: Model,
    starts: Mapping[int, int],
    programmes: Mapping[int, int],
) -> FloatArray | None:
    """A start solution from earlier decisions, repaired to keep every row; None when that is not possible.

    Projects whose start is closed are left out; then, while a row is broken, the selected project with the least
    benefit among those that load a broken row is dropped (projects a forced or mandatory rule keeps are never
    dropped). Dropping a project breaks the rows of projects that require it, which are dropped in turn.

    Parameters
    ----------
    starts, programmes
        ``{project index: horizon-year offset}`` and ``{project index: programme index}``.
    """
    n_x = model.y_offset
    open_x = {
        (int(p), int(t)) for p, t, hi in zip(model.x_project, model.x_year, model.col_hi[:n_x], strict=True) if hi
    }
    keep = {int(p): int(t) for p, t in starts.items() if (int(p), int(t)) in open_x}
    progs = {int(p): int(f) for p, f in programmes.items()}
    sel_lo = model.row_lo[model.rows_of("select")]  # one selection row per project
    protected = sel_lo >= 0.5
    col_project = np.full(model.n_cols, -1, dtype=np.int64)
    col_project[:n_x] = model.x_project
    col_project[n_x : model.u_offset] = model.y_project
    project_benefit = np.zeros(len(sel_lo))
    np.maximum.at(project_benefit, model.x_project, model.benefit[:n_x])
    A = model.A
    hi_tol = 1e-6 * np.maximum(1.0, np.abs(np.where(np.isfinite(model.row_hi), model.row_hi, 0.0)))
    lo_tol = 1e-6 * np.maximum(1.0, np.abs(np.where(np.isfinite(model.row_lo), model.row_lo, 0.0)))
    for _ in range(len(sel_lo) + 1):
        v = np.minimum(model.encode(keep, {p: f for p, f in progs.items() if p in keep}), model.col_hi)
        act = A @ v
        if np.any(act < model.row_lo - lo_tol):
            return None  # a must-do is missing: dropping projects cannot help
        over = np.flatnonzero(act > model.row_hi + hi_tol)
        if not len(over):
            return np.asarray(v, dtype=np.float64)
        sub = sp.csr_array(A[over])
        cols = np.unique(sub.indices[(sub.data > 0) & (v[sub.indices] > 0.5)])
        cand = np.unique(col_project[cols])
        cand = cand[cand >= 0]
        cand = cand[~protected[cand]]
        if not len(cand):
            return None
        drop = int(cand[np.lexsort((cand, project_benefit[cand]))[0]])
        keep.pop(drop, None)
    return None


def _consistent(res: Any, c: FloatArray) -> bool:
    """Whether the returned solution has the objective the solver reports for it."""
    if res.x is None or res.objective is None:
        return True
    value = float(c @ res.x)
    return abs(value - float(res.objective)) <= 1e-6 * max(1.0, abs(float(res.objective)))


def _status_of(status: SolveStatus | str) -> str:
    return str(status)


def solve_model(
    model: Model,
    options: SolveOptions,
    *,
    start: FloatArray | None = None,
    tie_break: bool = False,
    c: FloatArray | None = None,
) -> ModelSolution:
    """Solve a model instance; with *tie_break*, choose among optimal plans by DESIGN §3's rule.

    A solver failure is returned as status ``error`` with its message, never raised, so a batch keeps its results.
    With *c*, that objective is minimised instead of the model's (no tie-break); the reported objective is still
    the model's own, evaluated at the solution.
    """
    t0 = time.perf_counter()
    try:
        backend = get_solver(options.solver)
        res = backend.solve(model, options, start=start, c=c)
        if start is not None and not _consistent(res, model.c if c is None else c):
            # HiGHS 1.16 can return the start itself, labelled with the objective of the optimum it found in the
            # presolved space; the solution is then lost, so solve again without the start
            logger.warning("the solver returned its start solution as the optimum; solving again without it")
            start = None
            res = backend.solve(model, options, start=None, c=c)
        if res.status == SolveStatus.ERROR:
            # HiGHS now and then rejects its own optimum after postsolve ("solve error"); another seed avoids it
            logger.debug("solver error (%s); retrying with another seed", res.message)
            res = backend.solve(model, dataclasses.replace(options, seed=options.seed + 1), start=start, c=c)
        x = res.x
        status = res.status
        message = res.message
        if status == SolveStatus.OPTIMAL and tie_break and c is None and x is not None:
            x = _tie_break(model, res, x, backend, options)
        if status == SolveStatus.NO_SOLUTION and start is not None:
            x, status, message = start, SolveStatus.FEASIBLE, "limit reached; the start plan is returned"
    except Exception as exc:  # a batch must survive a crashed solve
        logger.warning("solve failed: %s", exc)
        return ModelSolution("error", None, None, None, None, f"{type(exc).__name__}: {exc}", time.perf_counter() - t0)
    if x is None or status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        return ModelSolution(
            _status_of(status), None, None, None, None, message, time.perf_counter() - t0, start is not None
        )
    value = float(model.sign * (model.c @ x))
    bound = None if res.bound is None or c is not None else float(model.sign * res.bound)
    if status == SolveStatus.OPTIMAL and bound is None and c is None:
        bound = value
    gap = None if bound is None else abs(bound - value) / max(1.0, abs(value))
    return ModelSolution(_status_of(status), value, bound, gap, x, message, time.perf_counter() - t0, start is not None)


def lp_duals(model: Model, *, fixed: FloatArray | None = None) -> FloatArray | None:
    """Row duals of the LP relaxation, or of the LP with every integer column fixed at *fixed*.

    Each value is the change of the reported objective (benefit points for the benefit objective) per unit of the
    row's bound, so a binding budget row gets a value ≥ 0 in points per EUR. In this model every column is
    integer, so with *fixed* the LP has no freedom left and its duals say little; they are the prices of
    fixed-decision pricing and labelled as such by callers. None when HiGHS is not available or the LP fails.
    """
    solved = solve_lp(model, fixed=None if fixed is None else np.asarray(fixed, dtype=np.float64))
    if solved is None:
        return None
    duals = solved[1]
    return np.asarray(model.sign * duals, dtype=np.float64)
