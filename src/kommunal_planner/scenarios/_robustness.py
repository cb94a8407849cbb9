"""Monte Carlo robustness: how often each project is chosen, and what the adopted plan risks.

Two questions, answered on the same draws of costs, approvals and weights:

(a) *Selection frequency.* Each draw is re-optimised; a project's frequency is the share of draws in which it is
selected. Following Robust Portfolio Modelling (Liesiö, Mild & Salo 2007, "Preference programming for robust
portfolio modeling and project selection", European Journal of Operational Research 181(3), 1488–1505), projects
are *core* (selected in at least ``theta_hi`` of the draws: safe to start), *exterior* (at most ``theta_lo``: safe
to drop) or *borderline* (the ones to discuss). RPM classifies by membership in all / none of the non-dominated
portfolios under incomplete information; here the set of optimal portfolios over the draws takes that place, and
the thresholds soften "all" and "none".

(b) *Adopted-plan risk.* The base plan is kept as adopted and costed in each draw: a grant notice fixes the grant
as a maximum (cost overruns are paid from own funds; lower costs lower the grant); a rejected application pays
nothing. Per year: the chance and size (mean given an overrun, 90th percentile) of a budget overrun. Where a draw
overruns, the remaining years are re-planned: the projects the plan starts in its first year are under way and
fixed (with their grants), the other projects of the plan may start later or be dropped, and no other project
enters; benefit is maximised, then the delay minimised. The table says how often each project would have to be
postponed or dropped.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kommunal_planner._optional import new_figure
from kommunal_planner.model import Portfolio
from kommunal_planner.optimize import Plan
from kommunal_planner.optimize._reuse import ModelValues, solve_model, start_vector
from kommunal_planner.scenarios._batch import (
    BatchContext,
    Prepared,
    ProgressCallback,
    prepared,
    run_batch,
    solver_threads,
)
from kommunal_planner.scenarios._engine import plan_decisions, plan_of, solve_instance, split_kwargs
from kommunal_planner.scenarios._uncertainty import Compiled, Uncertainty, rng_for

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["DrawResult", "Robustness", "robustness"]

logger = logging.getLogger(__name__)

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class DrawResult:
    """One Monte Carlo draw. Starts are horizon-year offsets per project, -1 where not selected.

    ``status``/``starts``: the re-optimised plan (question a). ``own_funds``: the adopted plan's own funds per year
    in this draw; ``replan``: ``"not_needed"`` when it keeps every budget, else the status of the re-planning,
    whose starts are ``replan_starts`` (question b).
    """

    index: int
    status: str = "not_run"
    objective: float | None = None
    starts: tuple[int, ...] | None = None
    own_funds: tuple[float, ...] | None = None
    replan: str | None = None
    replan_starts: tuple[int, ...] | None = None
    seconds: float = 0.0
    message: str = ""


@dataclass(frozen=True, slots=True)
class Robustness:
    """The results of :func:`robustness`: per-draw records and the tables built from them."""

    portfolio_name: str
    project_ids: tuple[str, ...]
    project_names: tuple[str, ...]
    project_fields: tuple[str, ...]
    calendar_years: tuple[int, ...]
    budget: tuple[float, ...]
    plan_starts: tuple[int, ...]
    plan_own_funds: tuple[float, ...]
    draws: tuple[DrawResult, ...]
    seed: int
    uncertainty: Uncertainty
    theta_hi: float = 0.9
    theta_lo: float = 0.1

    # ------------------------------------------------------------------ (a) selection frequency
    def _solved(self) -> list[DrawResult]:
        return [d for d in self.draws if d.starts is not None and d.status in ("optimal", "feasible")]

    def selection(self) -> pd.DataFrame:
        """Per project: selection frequency over the solved draws, its standard error, RPM class, base selection."""
        solved = self._solved()
        n, n_p = len(solved), len(self.project_ids)
        starts = np.array([d.starts for d in solved], dtype=float).reshape(n, n_p)
        sel = starts >= 0
        freq = sel.mean(axis=0) if n else np.full(n_p, np.nan)
        with np.errstate(invalid="ignore"):
            mean_start = np.where(sel.any(axis=0), np.where(sel, starts, 0).sum(axis=0) / sel.sum(axis=0), np.nan)
        frame = pd.DataFrame(
            {
                "name": self.project_names,
                "field": self.project_fields,
                "frequency": freq,
                "stderr": np.sqrt(freq * (1 - freq) / max(n, 1)),
                "class": [self._classify(f) for f in freq],
                "in_plan": [s >= 0 for s in self.plan_starts],
                "mean_start": mean_start + self.calendar_years[0],
            },
            index=pd.Index(self.project_ids, name="project"),
        )
        return frame

    def _classify(self, f: float) -> str:
        if math.isnan(f):
            return "unknown"
        if f >= self.theta_hi:
            return "core"
        if f <= self.theta_lo:
            return "exterior"
        return "borderline"

    def _group(self, kind: str) -> tuple[str, ...]:
        table = self.selection()
        return tuple(table.index[table["class"] == kind])

    @property
    def core(self) -> tuple[str, ...]:
        return self._group("core")

    @property
    def borderline(self) -> tuple[str, ...]:
        return self._group("borderline")

    @property
    def exterior(self) -> tuple[str, ...]:
        return self._group("exterior")

    def statuses(self) -> dict[str, int]:
        """How many draws ended in each status (re-optimisation)."""
        out: dict[str, int] = {}
        for d in self.draws:
            out[d.status] = out.get(d.status, 0) + 1
        return out

    # ------------------------------------------------------------------ (b) adopted-plan risk
    def _own(self) -> FloatArray:
        rows = [d.own_funds for d in self.draws if d.own_funds is not None]
        return np.array(rows, dtype=np.float64).reshape(len(rows), len(self.calendar_years))

    def overrun(self) -> pd.DataFrame:
        """Per year: budget, the plan's own funds, their mean over draws, P(overrun), mean overrun given one, P90."""
        own = self._own()
        budget = np.array(self.budget)
        over = np.maximum(own - budget[None, :], 0.0)
        hit = over > 1e-6 * np.maximum(1.0, budget[None, :])
        n = len(own)
        with np.errstate(invalid="ignore"):
            mean_given = np.where(hit.any(axis=0), (over * hit).sum(axis=0) / np.maximum(hit.sum(axis=0), 1), 0.0)
        return pd.DataFrame(
            {
                "budget": budget,
                "planned_own_funds": self.plan_own_funds,
                "mean_own_funds": own.mean(axis=0) if n else np.nan,
                "p_overrun": hit.mean(axis=0) if n else np.nan,
                "mean_overrun": mean_given,
                "p90_overrun": np.quantile(over, 0.9, axis=0) if n else np.nan,
            },
            index=pd.Index(self.calendar_years, name="year"),
        )

    @property
    def p_any_overrun(self) -> float:
        """The chance that the adopted plan overruns the budget in at least one year."""
        own = self._own()
        if not len(own):
            return math.nan
        budget = np.array(self.budget)
        return float(np.mean(np.any(own > budget[None, :] + 1e-6 * np.maximum(1.0, budget[None, :]), axis=1)))

    def postponements(self) -> pd.DataFrame:
        """Per project of the plan: how often it must be postponed or dropped, and the mean delay when postponed.

        Draws in which the plan keeps every budget count as "nothing postponed". ``p_unresolved`` is the share of
        draws in which even the projects under way overrun the later budgets (the re-planning is infeasible).
        """
        draws = [d for d in self.draws if d.own_funds is not None]
        n = len(draws)
        rows = []
        for j, pid in enumerate(self.project_ids):
            planned = self.plan_starts[j]
            if planned < 0:
                continue
            postponed = dropped = unresolved = 0
            delay = 0.0
            for d in draws:
                if d.replan in (None, "not_needed"):
                    continue
                if d.replan_starts is None:
                    unresolved += 1
                    continue
                s = d.replan_starts[j]
                if s < 0:
                    dropped += 1
                elif s > planned:
                    postponed += 1
                    delay += s - planned
            rows.append(
                {
                    "project": pid,
                    "name": self.project_names[j],
                    "planned_start": planned + self.calendar_years[0],
                    "p_postponed": postponed / n if n else math.nan,
                    "p_dropped": dropped / n if n else math.nan,
                    "mean_delay_years": delay / postponed if postponed else 0.0,
                    "p_unresolved": unresolved / n if n else math.nan,
                }
            )
        return pd.DataFrame(rows).set_index("project") if rows else pd.DataFrame()

    def draws_frame(self) -> pd.DataFrame:
        """One row per draw: status, objective, selected count, replanning status, seconds."""
        return pd.DataFrame(
            [
                {
                    "draw": d.index,
                    "status": d.status,
                    "objective": d.objective,
                    "selected": None if d.starts is None else sum(s >= 0 for s in d.starts),
                    "replan": d.replan,
                    "seconds": d.seconds,
                    "message": d.message,
                }
                for d in self.draws
            ]
        ).set_index("draw")

    def plot(self) -> Figure:
        """Selection frequencies by RPM class, and the chance of a budget overrun per year."""
        fig = new_figure(11, max(4.0, 0.16 * len(self.project_ids) + 1), what="plots")
        ax1, ax2 = fig.subplots(1, 2, width_ratios=[1.3, 1])
        table = self.selection().sort_values("frequency")
        colors = {"core": "#4c72b0", "borderline": "#dd8452", "exterior": "#c44e52", "unknown": "#999999"}
        ax1.barh(table.index, table["frequency"], color=[colors[c] for c in table["class"]])
        for theta in (self.theta_lo, self.theta_hi):
            ax1.axvline(theta, color="k", ls=":", lw=1)
        ax1.set_xlim(0, 1)
        ax1.set_xlabel("share of draws in which the project is selected")
        ax1.tick_params(axis="y", labelsize=6)
        ax1.set_title("Selection frequency (core / borderline / exterior)")
        over = self.overrun()
        ax2.bar(over.index.astype(str), over["p_overrun"], color="#c44e52")
        ax2.set_ylim(0, 1)
        ax2.set_ylabel("P(own funds > budget)")
        ax2.set_title("Adopted plan: chance of a budget overrun")
        return fig


# --------------------------------------------------------------------------- worker side
def _compiled(ready: Prepared) -> Compiled:
    hit = ready.cache.get("compiled")
    if hit is None:
        assert ready.model is not None
        hit = Compiled(ready.settings["uncertainty"], ready.portfolio, ready.model.values, ready.model.programme_ids)
        ready.cache["compiled"] = hit
    assert isinstance(hit, Compiled)
    return hit


def _starts_of(model: Any, x: FloatArray, n_p: int) -> tuple[int, ...]:
    starts, _ = model.decode(x)
    return tuple(int(starts.get(p, -1)) for p in range(n_p))


def _draw_task(ready: Prepared, index: int) -> DrawResult:
    import time

    t0 = time.perf_counter()
    st = ready.settings
    comp = _compiled(ready)
    draw = comp.sample(rng_for(int(st["seed"]), index))
    values = comp.values_of(draw)
    pm = ready.model
    assert pm is not None
    n_p = pm.n_projects
    status, objective, starts = "not_run", None, None
    message = ""
    if st["selection"]:
        model, sol, _ = solve_instance(ready, values, tie_break=bool(st["tie_break"]), start=True)
        status, objective, message = sol.status, sol.objective, sol.message
        if sol.success and sol.x is not None:
            starts = _starts_of(model, sol.x, n_p)
    own_funds = replan = replan_starts = None
    if st["adopted"]:
        plan_s = np.array(st["plan_starts"], dtype=np.int64)
        plan_f = np.array(st["plan_programmes"], dtype=np.int64)
        own = _adopted(ready, values, plan_s, plan_f)
        own_funds = tuple(float(v) for v in own)
        budget = pm.values.budget
        if np.any(own > budget + 1e-6 * np.maximum(1.0, budget)):
            replan, replan_starts = _replan(ready, values, plan_s, plan_f)
        else:
            replan = "not_needed"
    return DrawResult(
        index, status, objective, starts, own_funds, replan, replan_starts, time.perf_counter() - t0, message
    )


def _adopted(ready: Prepared, values: ModelValues, plan_s: NDArray[np.int64], plan_f: NDArray[np.int64]) -> FloatArray:
    pm = ready.model
    assert pm is not None
    arr = ready.portfolio.arrays
    sel = np.flatnonzero(plan_s >= 0)
    n_t = pm.n_years
    if not len(sel):
        return np.zeros(n_t)
    s = plan_s[sel]
    d = arr.duration[sel]
    k = np.arange(n_t)[None, :] - s[:, None]
    running = (k >= 0) & (k < d[:, None])
    kk = np.clip(k, 0, values.cost.shape[1] - 1)
    cost = np.where(running, values.cost[sel[:, None], kk], 0.0)
    after = np.where(k >= d[:, None], values.operating[sel][:, None], 0.0)
    total = values.cost[sel].sum(axis=1)
    f = plan_f[sel]
    fi = np.maximum(f, 0)
    g_draw = values.grants()[sel, fi] if values.admits.shape[1] else np.zeros(len(sel))
    g_plan = pm.values.grants()[sel, fi] if values.admits.shape[1] else np.zeros(len(sel))
    grant = np.where(f >= 0, np.minimum(g_draw, g_plan), 0.0)
    share = np.divide(cost, total[:, None], out=np.zeros_like(cost), where=total[:, None] > 0)
    return np.asarray((cost + after - grant[:, None] * share).sum(axis=0), dtype=np.float64)


def _replan(
    ready: Prepared, values: ModelValues, plan_s: NDArray[np.int64], plan_f: NDArray[np.int64]
) -> tuple[str, tuple[int, ...] | None]:
    """Re-plan the years after the first: first-year projects fixed with their grants, the rest may move or go."""
    pm = ready.model
    assert pm is not None
    pf = ready.portfolio
    ids = pf.project_ids
    n_p = pm.n_projects
    first = np.flatnonzero(plan_s == 0)
    fixed = {ids[p]: pf.horizon.start for p in first}
    out = [ids[p] for p in range(n_p) if plan_s[p] < 0]
    admits = values.admits.copy()
    cap = np.full(admits.shape, np.inf)
    base_grants = pm.values.grants()
    for p in first:
        f = int(plan_f[p])
        keep = admits[p, f] if f >= 0 else False
        admits[p] = False
        if keep:
            admits[p, f] = True
            cap[p, f] = base_grants[p, f]
    budget = values.budget.copy()
    budget[0] = np.inf  # the first year is under way: its overrun is a fact, not a choice
    replan_values = dataclasses.replace(values, admits=admits, grant_cap=cap, budget=budget, benefit=pm.values.benefit)
    model = pm.instance(replan_values, forced_out=out, fixed_starts=fixed, earliest_start=pf.horizon.start + 1)
    starts = {int(p): int(plan_s[p]) for p in np.flatnonzero(plan_s >= 0)}
    progs = {int(p): int(plan_f[p]) for p in np.flatnonzero(plan_f >= 0)}
    x0 = start_vector(model, starts, progs)
    # benefit first, then as little delay as possible: the delay term sums to less than 0.1 % of the least benefit
    benefit = pm.values.benefit
    positive = benefit[benefit > 0]
    delta = 1e-3 * (float(positive.min()) if len(positive) else 1.0) / max(1, n_p * pm.n_years)
    n_x = model.y_offset
    planned = plan_s[model.x_project]
    delay = np.where(planned >= 0, np.maximum(model.x_year - planned, 0), 0)
    c = np.zeros(model.n_cols)
    c[:n_x] = -benefit[model.x_project] + delta * delay
    sol = solve_model(model, ready.options, start=x0, c=c)
    if not sol.success or sol.x is None:
        return sol.status, None
    return sol.status, _starts_of(model, sol.x, n_p)


def _draw_failed(index: int, message: str) -> DrawResult:
    return DrawResult(index, "error", message=message)


def robustness(
    portfolio: Portfolio,
    uncertainty: Uncertainty | None = None,
    *,
    draws: int = 200,
    seed: int = 0,
    first_draw: int = 0,
    plan: Plan | None = None,
    selection: bool = True,
    adopted: bool = True,
    theta_hi: float = 0.9,
    theta_lo: float = 0.1,
    executor: cf.Executor | None = None,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    chunk_size: int | None = None,
    **optimize_kwargs: Any,
) -> Robustness:
    """Monte Carlo robustness of the portfolio decision under uncertain costs, approvals and weights.

    Parameters
    ----------
    portfolio
        The portfolio.
    uncertainty
        What is drawn; default: only the approvals, with each programme's ``approval_probability``.
    draws, seed, first_draw
        Number of draws, the seed, and the index of the first draw; the same seed gives the same draws and results
        with any executor, and draws ``first_draw … first_draw + draws − 1`` of one seed can be run in parts.
    plan
        The adopted plan for question (b); default: the optimal plan of *portfolio* (with the tie-break rule).
    selection, adopted
        Answer question (a) (re-optimise each draw) and/or (b) (cost the adopted plan, re-plan on overruns).
    theta_hi, theta_lo
        Core and exterior thresholds of the selection frequency (Liesiö, Mild & Salo 2007).
    executor, workers, progress, chunk_size
        As for :func:`~kommunal_planner.scenarios.compare`; draws travel in chunks.
    **optimize_kwargs
        ``gap``, ``time_limit`` (per solve), ``solver``, ``threads``, ``seed`` of the solver, ``tie_break``
        (default False here: among equally good plans in a draw the solver's choice stands; True applies
        DESIGN §3's rule at about twice the cost). Results are reproducible when solves end by gap, not by time.

    Returns
    -------
    Robustness
        ``selection()``, ``core``/``borderline``/``exterior``, ``overrun()``, ``postponements()``, ``draws_frame()``,
        ``plot()``. A failed draw is a record with its status; it never stops the batch.
    """
    spec = uncertainty or Uncertainty()
    spec.check(portfolio)
    if not 0 <= theta_lo < theta_hi <= 1:
        from kommunal_planner.errors import ValidationError

        raise ValidationError("", expected="0 ≤ theta_lo < theta_hi ≤ 1", found=(theta_lo, theta_hi))
    kwargs = dict(optimize_kwargs)
    tie_break = bool(kwargs.pop("tie_break", False))
    options, settings = split_kwargs(kwargs)
    context = BatchContext(portfolio, options, None, settings)
    ready = prepared(context)
    if ready.model is None:
        raise NotImplementedError("Monte Carlo needs the re-usable model structure")
    if plan is None:
        with solver_threads(options):
            model, sol, times = solve_instance(ready, None, tie_break=True, start=True, portfolio=portfolio)
        plan = plan_of(portfolio, model, sol, solver=options.solver.lower(), times=times)
    if not plan.success:
        raise ValueError(f"the base plan has no solution ({plan.status}): {plan.message}")
    decisions = plan_decisions(portfolio, plan)
    plan_s = [-1] * len(portfolio.projects)
    plan_f = [-1] * len(portfolio.projects)
    for p, t, f in decisions:
        plan_s[p], plan_f[p] = t, f
    settings.update(
        uncertainty=spec,
        seed=int(seed),
        selection=bool(selection),
        adopted=bool(adopted),
        tie_break=tie_break,
        plan_starts=tuple(plan_s),
        plan_programmes=tuple(plan_f),
    )
    context = BatchContext(portfolio, options, decisions, settings)
    results = run_batch(
        _draw_task,
        _draw_failed,
        context,
        list(range(int(first_draw), int(first_draw) + int(draws))),
        executor=executor,
        workers=workers,
        progress=progress,
        chunk_size=chunk_size,
    )
    return Robustness(
        portfolio_name=portfolio.name,
        project_ids=portfolio.project_ids,
        project_names=tuple(p.name for p in portfolio.projects),
        project_fields=tuple(p.field for p in portfolio.projects),
        calendar_years=portfolio.horizon.calendar_years,
        budget=tuple(float(b) for b in portfolio.arrays.budget),
        plan_starts=tuple(plan_s),
        plan_own_funds=tuple(y.own_funds for y in plan.years),
        draws=tuple(results),
        seed=int(seed),
        uncertainty=spec,
        theta_hi=theta_hi,
        theta_lo=theta_lo,
    )
