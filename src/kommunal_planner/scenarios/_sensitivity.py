"""Sensitivity of the optimal plan: at which benefit or cost a project changes sides, and what resources are worth.

*Benefit thresholds are exact, with one re-solve per project.* Changing the benefit of project p by δ changes the
value of every plan that contains p by δ and of no other plan. So a selected project leaves the plan once its
benefit falls below ``b_p − (z* − z_out)``, where ``z_out`` is the optimum with p forced out; an unselected project
enters once its benefit rises above ``b_p + (z* − z_in)``, ``z_in`` the optimum with p forced in (no plan with p:
it can never enter). A bisection on the benefit would find the same number with more solves and a tolerance.

*Cost thresholds are found by bisection* on a factor on the project's investment and running costs, each probe a
re-solve warm-started from the base plan. Costs act through the budgets, grants, caps and floors, so the response
need not be monotone (a grant floor can make a dearer project cheaper to the municipality); the bracket reported
is where the selection was seen to change.

*Resources.* The value of more own budget in a year, or more staff days, is the gain of the optimum when that
year's limit is raised by a step, per unit (a step function of the step; by default 5 % of the mean budget and of
the mean staff limit). Beside it, labelled as such: the row duals of the LP relaxation (an optimistic price of the
relaxed model), and the duals of the LP with every integer decision fixed at the optimum. In this model every
decision is integer, so the latter LP has no freedom left and its duals are zero; they are shown because
fixed-decision pricing is the usual way to price a MIP's constraints, and their zeros say that no marginal price
exists for this model.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kommunal_planner.model import Portfolio
from kommunal_planner.optimize import Plan
from kommunal_planner.optimize._reuse import ModelValues, lp_duals
from kommunal_planner.scenarios._batch import (
    BatchContext,
    Prepared,
    ProgressCallback,
    prepared,
    run_batch,
    solver_threads,
)
from kommunal_planner.scenarios._engine import plan_decisions, plan_of, solve_instance, split_kwargs

__all__ = ["Sensitivity", "sensitivity"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Sensitivity:
    """Per-project thresholds and per-year resource values of an optimal plan.

    ``projects()`` and ``resources()`` are the tables; ``plan`` is the base plan they refer to.
    """

    plan: Plan
    objective: float
    project_rows: tuple[dict[str, Any], ...]
    resource_rows: tuple[dict[str, Any], ...]

    def projects(self) -> pd.DataFrame:
        """Per project: selected, benefit, the benefit and cost factor at which it changes sides, and in words.

        ``benefit_threshold``: below it a selected project leaves (−inf: it never leaves, e.g. a must-do); above
        it an unselected one enters (+inf: it can never enter). ``cost_factor``: the factor on its costs at which
        it leaves (selected; inf: not up to ``max_factor``) or enters (unselected; 0: not even free), with the
        bracket ``cost_factor_low``–``cost_factor_high`` where the change was seen.
        """
        if not self.project_rows:
            return pd.DataFrame()
        return pd.DataFrame(list(self.project_rows)).set_index("project")

    def resources(self) -> pd.DataFrame:
        """Per resource and year: limit, slack, step, gain of the optimum, value per unit, LP duals (labelled)."""
        if not self.resource_rows:
            return pd.DataFrame()
        return pd.DataFrame(list(self.resource_rows)).set_index(["resource", "year"])


# --------------------------------------------------------------------------- worker side
def _selected(model: Any, x: Any, p: int) -> bool:
    starts, _ = model.decode(x)
    return p in starts


def _probe(ready: Prepared, values: ModelValues, p: int, factor: float) -> bool | None:
    """Whether project *p* is selected when its costs are scaled by *factor* (None: the solve failed)."""
    cost = values.cost.copy()
    operating = values.operating.copy()
    cost[p] *= factor
    operating[p] *= factor
    model, sol, _ = solve_instance(ready, values.replace(cost=cost, operating=operating), start=True)
    if not sol.success or sol.x is None:
        return None
    return _selected(model, sol.x, p)


def _cost_threshold(ready: Prepared, p: int, selected: bool) -> tuple[float, float, float, int]:
    """(estimate, low, high, probes) of the factor at which *p* changes sides."""
    st = ready.settings
    assert ready.model is not None
    values = ready.model.values
    tol = float(st["tolerance"])
    max_factor = float(st["max_factor"])
    probes = 0
    if selected:
        lo, hi = 1.0, max_factor
        probes += 1
        if _probe(ready, values, p, hi):
            return math.inf, hi, math.inf, probes
        while hi / lo - 1.0 > tol:
            mid = math.sqrt(lo * hi)
            probes += 1
            inside = _probe(ready, values, p, mid)
            if inside is None:
                break
            lo, hi = (mid, hi) if inside else (lo, mid)
        return math.sqrt(lo * hi), lo, hi, probes
    lo, hi = 0.0, 1.0
    probes += 1
    if not _probe(ready, values, p, 0.0):
        return 0.0, 0.0, 0.0, probes
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        probes += 1
        inside = _probe(ready, values, p, mid)
        if inside is None:
            break
        lo, hi = (mid, hi) if inside else (lo, mid)
    return 0.5 * (lo + hi), lo, hi, probes


def _task(ready: Prepared, task: tuple[str, int]) -> dict[str, Any]:
    kind, index = task
    st = ready.settings
    pm = ready.model
    assert pm is not None
    ids = ready.portfolio.project_ids
    if kind == "benefit":
        selected = index in ready.start_starts
        flip = (ids[index],)
        _, sol, _ = solve_instance(
            ready, None, start=True, forced_out=flip if selected else (), forced_in=() if selected else flip
        )
        return {"kind": kind, "index": index, "status": sol.status, "objective": sol.objective}
    if kind == "cost":
        estimate, lo, hi, probes = _cost_threshold(ready, index, index in ready.start_starts)
        return {"kind": kind, "index": index, "factor": estimate, "low": lo, "high": hi, "probes": probes}
    values = pm.values
    step = float(st["budget_step"] if kind == "budget" else st["staff_step"])
    if kind == "budget":
        budget = values.budget.copy()
        budget[index] += step
        values = values.replace(budget=budget)
    else:
        staff = values.staff_capacity.copy()
        staff[index] += step
        values = values.replace(staff_capacity=staff)
    _, sol, _ = solve_instance(ready, values, start=True)
    return {"kind": kind, "index": index, "status": sol.status, "objective": sol.objective, "step": step}


def _failed(task: tuple[str, int], message: str) -> dict[str, Any]:
    return {"kind": task[0], "index": task[1], "status": "error", "objective": None, "message": message}


# --------------------------------------------------------------------------- texts
def _fmt(value: float, lang: str) -> str:
    text = f"{value:,.1f}"
    return text.replace(",", "X").replace(".", ",").replace("X", ".") if lang == "de" else text


def _rules(row: dict[str, Any]) -> tuple[str, str]:
    b = row["benefit"]
    thr = row.get("benefit_threshold", math.nan)
    parts_en: list[str] = []
    parts_de: list[str] = []
    if row["selected"]:
        if thr == -math.inf:
            parts_en.append("stays in at any benefit")
            parts_de.append("bleibt bei jedem Nutzen im Plan")
        elif not math.isnan(thr):
            parts_en.append(f"leaves if its benefit falls below {_fmt(thr, 'en')} (now {_fmt(b, 'en')})")
            parts_de.append(f"scheidet aus, wenn der Nutzen unter {_fmt(thr, 'de')} fällt (jetzt {_fmt(b, 'de')})")
    else:
        if thr == math.inf:
            parts_en.append("cannot enter at any benefit")
            parts_de.append("kann bei keinem Nutzen aufgenommen werden")
        elif not math.isnan(thr):
            parts_en.append(f"enters if its benefit exceeds {_fmt(thr, 'en')} (now {_fmt(b, 'en')})")
            parts_de.append(f"wird aufgenommen, wenn der Nutzen {_fmt(thr, 'de')} übersteigt (jetzt {_fmt(b, 'de')})")
    f = row.get("cost_factor")
    if f is not None and not (isinstance(f, float) and math.isnan(f)):
        if row["selected"]:
            if f == math.inf:
                parts_en.append("stays in even at many times its costs")
                parts_de.append("bleibt auch bei einem Vielfachen der Kosten im Plan")
            else:
                parts_en.append(f"leaves if its costs rise by about {f - 1:.0%}")
                parts_de.append(f"scheidet aus, wenn die Kosten um etwa {f - 1:.0%} steigen".replace("%", " %"))
        elif f == 0.0:
            parts_en.append("does not enter even at no cost")
            parts_de.append("wird selbst ohne Kosten nicht aufgenommen")
        else:
            parts_en.append(f"enters if its costs fall by about {1 - f:.0%}")
            parts_de.append(f"wird aufgenommen, wenn die Kosten um etwa {1 - f:.0%} sinken".replace("%", " %"))
    return "; ".join(parts_en), "; ".join(parts_de)


# --------------------------------------------------------------------------- entry point
def sensitivity(
    portfolio: Portfolio,
    *,
    projects: Iterable[str] | None = None,
    benefit: bool = True,
    cost: bool = True,
    resources: bool = True,
    budget_step: float | None = None,
    staff_step: float | None = None,
    max_factor: float = 8.0,
    tolerance: float = 0.02,
    executor: cf.Executor | None = None,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    chunk_size: int | None = None,
    **optimize_kwargs: Any,
) -> Sensitivity:
    """Benefit and cost thresholds per project, and the value of more budget and staff per year.

    Parameters
    ----------
    portfolio
        The portfolio; its optimal plan (with the tie-break rule) is the reference.
    projects
        The projects to analyse (default: all).
    benefit, cost, resources
        Which analyses to run: exact benefit thresholds (one solve per project), cost-factor thresholds
        (bisection), resource values (one solve per year and resource, plus two LPs).
    budget_step, staff_step
        Steps for the resource values [EUR, person-days]; by default 5 % of the mean budget (rounded to 1,000 EUR)
        and of the mean staff limit.
    max_factor, tolerance
        Cost bisection: the largest factor tried for a selected project, and the width at which it stops
        (relative for factors above 1, absolute below).
    executor, workers, progress, chunk_size
        As for :func:`~kommunal_planner.scenarios.compare`.
    **optimize_kwargs
        ``gap``, ``time_limit`` (per solve), ``solver``, ``threads``. Thresholds are exact only with proven
        optimal solves; with a gap they are within it.

    Examples
    --------
    >>> from kommunal_planner.model import Portfolio, Horizon, Project
    >>> pf = Portfolio("M", Horizon(2026, 1), 100, projects=(
    ...     Project("a", benefit=5, cost=60), Project("b", benefit=4, cost=50), Project("c", benefit=3, cost=40)))
    >>> s = sensitivity(pf, cost=False, resources=False)
    >>> s.projects()["benefit_threshold"].to_dict()
    {'a': 4.0, 'b': 5.0, 'c': 0.0}
    """
    options, settings = split_kwargs(optimize_kwargs)
    pf = portfolio
    wanted = list(pf.project_ids) if projects is None else list(projects)
    for pid in wanted:
        pf.project(pid)  # a KeyError names close matches
    # a step of a few per cent: the optimum is a step function of a limit, and a tiny step mostly buys nothing
    mean_budget = float(np.mean(pf.arrays.budget))
    step_b = float(budget_step) if budget_step is not None else max(1000.0, round(0.05 * mean_budget, -3))
    caps = pf.arrays.staff_capacity[np.isfinite(pf.arrays.staff_capacity)]
    step_s = (
        float(staff_step)
        if staff_step is not None
        else max(1.0, round(0.05 * float(np.mean(caps))))
        if len(caps)
        else 1.0
    )
    settings.update(budget_step=step_b, staff_step=step_s, max_factor=max_factor, tolerance=tolerance)
    context = BatchContext(pf, options, None, settings)
    ready = prepared(context)
    if ready.model is None:
        raise NotImplementedError("sensitivity needs the re-usable model structure")
    with solver_threads(options):
        model, sol, times = solve_instance(ready, None, tie_break=True, start=True, portfolio=pf)
        plan = plan_of(pf, model, sol, solver=options.solver.lower(), times=times)
        if not plan.success or sol.x is None or sol.objective is None:
            raise ValueError(f"the portfolio has no optimal plan ({plan.status}): {plan.message}")
        duals_lp = lp_duals(model) if resources else None
        duals_fixed = lp_duals(model, fixed=sol.x) if resources else None
    z = float(sol.objective)
    context = context.with_start(plan_decisions(pf, plan))
    idx = [pf.index_of(pid) for pid in wanted]
    tasks: list[tuple[str, int]] = []
    if benefit:
        tasks += [("benefit", i) for i in idx if not pf.arrays.mandatory[i]]
    if cost:
        tasks += [("cost", i) for i in idx if not pf.arrays.mandatory[i]]
    if resources:
        tasks += [("budget", t) for t in range(len(pf.arrays.years))]
        tasks += [("staff", t) for t in np.flatnonzero(np.isfinite(pf.arrays.staff_capacity)).tolist()]
    results = run_batch(
        _task, _failed, context, tasks, executor=executor, workers=workers, progress=progress, chunk_size=chunk_size
    )
    by_task = {(r["kind"], r["index"]): r for r in results}
    selected = set(plan.selected)
    project_rows = []
    for i in idx:
        p = pf.projects[i]
        b = float(pf.arrays.benefit[i])
        row: dict[str, Any] = {"project": p.id, "name": p.name, "selected": p.id in selected, "benefit": b}
        if pf.arrays.mandatory[i]:
            row.update(benefit_threshold=-math.inf, benefit_margin=math.inf, alternative_objective=None)
        elif benefit:
            r = by_task[("benefit", i)]
            alt = r.get("objective")
            if r["status"] == "infeasible":
                thr = -math.inf if p.id in selected else math.inf
            elif alt is None:
                thr = math.nan
            else:
                thr = b - (z - alt) if p.id in selected else b + (z - alt)
            row.update(benefit_threshold=thr, benefit_margin=abs(b - thr), alternative_objective=alt)
        if cost and not pf.arrays.mandatory[i]:
            r = by_task[("cost", i)]
            row.update(
                cost_factor=r.get("factor", math.nan),
                cost_factor_low=r.get("low", math.nan),
                cost_factor_high=r.get("high", math.nan),
                cost_probes=r.get("probes", 0),
            )
        row["rule_en"], row["rule_de"] = _rules(row)
        project_rows.append(row)
    resource_rows = []
    if resources:
        staff_rows = np.flatnonzero(np.isfinite(pf.arrays.staff_capacity))
        budget_rows = model.rows_of("budget")
        staff_slice = model.rows_of("staff")
        activity = model.A @ sol.x
        for kind, years in (("budget", range(len(pf.arrays.years))), ("staff", staff_rows.tolist())):
            for pos, t in enumerate(years):
                r = by_task[(kind, t)]
                row_index = (budget_rows.start + t) if kind == "budget" else (staff_slice.start + pos)
                limit = float(model.row_hi[row_index])
                gain = None if r.get("objective") is None else float(r["objective"]) - z
                step = float(r.get("step", step_b if kind == "budget" else step_s))
                resource_rows.append(
                    {
                        "resource": kind,
                        "year": int(pf.arrays.years[t]),
                        "limit": limit,
                        "slack": limit - float(activity[row_index]),
                        "step": step,
                        "gain": gain,
                        "value_per_unit": None if gain is None else gain / step,
                        "lp_relaxation_dual": None if duals_lp is None else float(duals_lp[row_index]) + 0.0,
                        "fixed_integer_lp_dual": None if duals_fixed is None else float(duals_fixed[row_index]) + 0.0,
                        "status": r["status"],
                    }
                )
    return Sensitivity(plan, z, tuple(project_rows), tuple(resource_rows))
