"""Benefit against own funds: the Pareto-optimal plans by the ε-constraint method, and a budget sweep.

A plan is Pareto-optimal when no other plan has at least its benefit with fewer own funds over the horizon, or more
benefit with no more own funds. The ε-constraint method finds such plans exactly: maximise benefit subject to
``total own funds ≤ ε`` (and every rule of the portfolio, the yearly budgets included), then, with the benefit held
at that optimum, minimise the own funds (a lexicographic second stage; without it a plan of equal benefit but more
own funds could be returned). Sweeping ε over the range between the cheapest plan and the best plan gives points
of the frontier; stepping ε just below each point's own funds gives all of them (Haimes, Lasdon & Wismer 1971;
Mavrotas 2009).

The budget sweep answers a different question: how benefit and own funds respond when every yearly budget is
scaled (50 %–150 % by default). Its points can lie beyond the frontier, which keeps the yearly budgets.
"""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kommunal_planner._optional import new_figure
from kommunal_planner.model import Portfolio
from kommunal_planner.optimize import Plan
from kommunal_planner.optimize._reuse import ModelValues
from kommunal_planner.scenarios._batch import (
    BatchContext,
    Prepared,
    ProgressCallback,
    prepared,
    run_batch,
    solver_threads,
)
from kommunal_planner.scenarios._engine import plan_decisions, plan_of, solve_instance, split_kwargs

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["BudgetPoint", "Frontier", "FrontierPoint", "frontier"]

logger = logging.getLogger(__name__)

DEFAULT_SWEEP = tuple(round(0.5 + 0.1 * k, 2) for k in range(11))


@dataclass(frozen=True, slots=True)
class FrontierPoint:
    """A Pareto-optimal plan: its own funds over the horizon [EUR], its benefit, and the cap ε that found it."""

    own_funds: float
    benefit: float
    cap: float | None
    status: str
    plan: Plan | None

    @property
    def selected(self) -> tuple[str, ...]:
        return self.plan.selected if self.plan is not None else ()


@dataclass(frozen=True, slots=True)
class BudgetPoint:
    """The optimal plan when every yearly budget is scaled by *factor*."""

    factor: float
    budget: float
    status: str
    benefit: float | None
    own_funds: float | None
    plan: Plan | None

    @property
    def selected(self) -> tuple[str, ...]:
        return self.plan.selected if self.plan is not None and self.benefit is not None else ()


@dataclass(frozen=True, slots=True)
class Frontier:
    """Pareto-optimal plans (benefit against own funds) and, optionally, a budget sweep.

    ``points`` are sorted by own funds and non-dominated; ``complete`` says whether every Pareto-optimal point was
    enumerated (``exhaustive=True``) or a grid of them was found. ``failed`` holds caps whose solve failed.
    """

    points: tuple[FrontierPoint, ...]
    sweep: tuple[BudgetPoint, ...] = ()
    complete: bool = False
    failed: tuple[FrontierPoint, ...] = ()

    @property
    def knee(self) -> FrontierPoint | None:
        """The point farthest above the chord between the cheapest and the best point (both axes scaled to 0..1).

        Left of it each euro buys much benefit, right of it little: the usual choice for a "good value" plan.
        """
        pts = self.points
        if len(pts) < 3:
            return None
        x = np.array([p.own_funds for p in pts])
        y = np.array([p.benefit for p in pts])
        xs = (x - x[0]) / max(x[-1] - x[0], 1e-12)
        ys = (y - y[0]) / max(y[-1] - y[0], 1e-12)
        dist = ys - xs  # distance above the chord, up to the factor 1/√2
        k = int(np.argmax(dist))
        return pts[k] if dist[k] > 1e-12 else None

    def frame(self) -> pd.DataFrame:
        """One row per point: own funds, benefit, marginal benefit per 100,000 EUR to the next cheaper point, knee."""
        knee = self.knee
        rows = []
        prev: FrontierPoint | None = None
        for p in self.points:
            marginal = None
            if prev is not None and p.own_funds > prev.own_funds:
                marginal = (p.benefit - prev.benefit) / (p.own_funds - prev.own_funds) * 1e5
            rows.append(
                {
                    "own_funds": p.own_funds,
                    "benefit": p.benefit,
                    "benefit_per_100k": marginal,
                    "selected": len(p.selected),
                    "projects": ", ".join(p.selected),
                    "knee": p is knee,
                    "status": p.status,
                }
            )
            prev = p
        frame = pd.DataFrame(rows)
        if len(frame):
            frame["benefit_per_100k"] = frame["benefit_per_100k"].astype("Float64")
        frame.index.name = "point"
        return frame

    def sweep_frame(self) -> pd.DataFrame:
        """One row per budget factor: total budget, status, benefit, own funds, selected projects."""
        return (
            pd.DataFrame(
                [
                    {
                        "factor": b.factor,
                        "budget": b.budget,
                        "status": b.status,
                        "benefit": b.benefit,
                        "own_funds": b.own_funds,
                        "selected": len(b.selected),
                        "projects": ", ".join(b.selected),
                    }
                    for b in self.sweep
                ]
            ).set_index("factor")
            if self.sweep
            else pd.DataFrame()
        )

    def plot(self) -> Figure:
        """The frontier as a staircase, its knee, and the budget sweep; returns a matplotlib Figure."""
        fig = new_figure(7.5, 4.8, what="plots")
        ax = fig.subplots()
        if self.points:
            x = [p.own_funds / 1e3 for p in self.points]
            y = [p.benefit for p in self.points]
            ax.step(x, y, where="post", color="#4c72b0", alpha=0.5)
            ax.plot(x, y, "o", color="#4c72b0", label="Pareto-optimal plans")
            knee = self.knee
            if knee is not None:
                ax.plot([knee.own_funds / 1e3], [knee.benefit], "*", ms=16, color="#c44e52", label="knee")
        solved = [b for b in self.sweep if b.benefit is not None and b.own_funds is not None]
        if solved:
            ax.plot(
                [b.own_funds / 1e3 for b in solved if b.own_funds is not None],
                [b.benefit for b in solved if b.benefit is not None],
                "s--",
                color="#55a868",
                label="budget scaled",
            )
            for b in solved:
                ax.annotate(
                    f"{b.factor:.0%}",
                    ((b.own_funds or 0.0) / 1e3, b.benefit or 0.0),
                    fontsize=7,
                    xytext=(3, -9),
                    textcoords="offset points",
                )
        ax.set_xlabel("own funds over the horizon [kEUR]")
        ax.set_ylabel("benefit points")
        ax.set_title("Benefit against own funds")
        ax.grid(alpha=0.3)
        ax.legend()
        return fig


# --------------------------------------------------------------------------- solves
def _tol(value: float) -> float:
    return 1e-7 * max(1.0, abs(value))


def _values(ready: Prepared) -> ModelValues:
    assert ready.model is not None
    values = ready.model.values
    if not ready.settings.get("yearly_budgets", True):
        values = dataclasses.replace(values, budget=np.full_like(values.budget, np.inf))
    return values


def lexicographic(ready: Prepared, cap: float | None) -> FrontierPoint:
    """Maximise benefit with own funds ≤ *cap*, then minimise own funds with that benefit kept."""
    values = _values(ready)
    solver = ready.options.solver.lower()
    model, first, times = solve_instance(ready, values, own_funds_cap=cap, start=True, portfolio=ready.portfolio)
    if not first.success or first.x is None or first.objective is None:
        return FrontierPoint(math.nan, math.nan, cap, first.status, None)
    z = first.objective
    model2, second, times2 = solve_instance(
        ready,
        values,
        objective="own_funds",
        required_benefit=z - _tol(z),
        own_funds_cap=cap,
        start=first.x,
    )
    use = second if second.success and second.x is not None else first
    m = model2 if use is second else model
    assert use.x is not None
    own = float(m.own_funds @ use.x)
    benefit = float(m.benefit @ use.x)
    status = "optimal" if first.status == "optimal" and use.status == "optimal" else "feasible"
    merged = {k: times.get(k, 0.0) + times2.get(k, 0.0) for k in set(times) | set(times2)}
    plan = plan_of(
        ready.portfolio,
        m,
        dataclasses.replace(use, status=status, objective=benefit),
        solver=solver,
        times=merged,
        programme_ids=ready.model.programme_ids if ready.model is not None else None,
    )
    plan = dataclasses.replace(plan, objective=round(benefit, 6), bound=None, gap=None)
    return FrontierPoint(own, benefit, cap, status, plan)


def _budget_point(ready: Prepared, factor: float) -> BudgetPoint:
    assert ready.model is not None
    values = ready.model.values
    values = dataclasses.replace(values, budget=values.budget * factor)
    model, sol, times = solve_instance(
        ready, values, tie_break=bool(ready.settings.get("tie_break", True)), portfolio=ready.portfolio
    )
    budget = float(values.budget.sum())
    if not sol.success or sol.x is None:
        return BudgetPoint(factor, budget, sol.status, None, None, None)
    plan = plan_of(
        ready.portfolio,
        model,
        sol,
        solver=ready.options.solver.lower(),
        times=times,
        programme_ids=ready.model.programme_ids,
    )
    return BudgetPoint(factor, budget, sol.status, float(model.benefit @ sol.x), float(model.own_funds @ sol.x), plan)


def _point_task(ready: Prepared, task: tuple[str, float]) -> FrontierPoint | BudgetPoint:
    kind, value = task
    if kind == "cap":
        return lexicographic(ready, value)
    return _budget_point(ready, value)


def _point_failed(task: tuple[str, float], message: str) -> FrontierPoint | BudgetPoint:
    kind, value = task
    if kind == "cap":
        return FrontierPoint(math.nan, math.nan, value, "error", None)
    return BudgetPoint(value, math.nan, "error", None, None, None)


def _non_dominated(points: Sequence[FrontierPoint]) -> list[FrontierPoint]:
    """Sorted by own funds; equal points merged; a point with no more benefit than a cheaper one dropped."""
    good = sorted((p for p in points if p.plan is not None), key=lambda p: (p.own_funds, -p.benefit))
    out: list[FrontierPoint] = []
    for p in good:
        if out and p.benefit <= out[-1].benefit + _tol(out[-1].benefit):
            continue  # dominated, or the same benefit as a cheaper point
        if out and abs(p.own_funds - out[-1].own_funds) <= _tol(p.own_funds):
            out[-1] = p
            continue
        out.append(p)
    return out


def frontier(
    portfolio: Portfolio,
    *,
    points: int = 12,
    exhaustive: bool = False,
    resolution: float = 1.0,
    sweep: Sequence[float] | None = DEFAULT_SWEEP,
    yearly_budgets: bool = True,
    executor: cf.Executor | None = None,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    **optimize_kwargs: Any,
) -> Frontier:
    """The Pareto-optimal plans of benefit against own funds over the horizon, and a budget sweep.

    Parameters
    ----------
    portfolio
        The portfolio; every rule is kept, the yearly budgets too unless *yearly_budgets* is False.
    points
        Caps ε spread evenly between the cheapest and the best plan (the two ends are always included).
    exhaustive
        Enumerate every Pareto-optimal point instead: each next cap is the last point's own funds minus
        *resolution* [EUR]. One point after the other, so it does not use the executor; for small portfolios.
    sweep
        Factors on every yearly budget for the budget sweep (None: no sweep).
    executor, workers, progress
        As for :func:`~kommunal_planner.scenarios.compare`. In exhaustive mode ``progress(done, 0)``: the
        total is not known in advance.
    **optimize_kwargs
        ``gap``, ``time_limit`` (per solve), ``solver``, ``threads``, ``seed``. Points are exact (Pareto-optimal)
        only when every solve is proven optimal: with a gap they are within that gap.

    Returns
    -------
    Frontier
        Points sorted by own funds, each with its plan; the knee; the budget sweep.

    Examples
    --------
    >>> from kommunal_planner.model import Portfolio, Horizon, Project
    >>> pf = Portfolio("M", Horizon(2026, 1), 100, projects=(
    ...     Project("a", benefit=5, cost=60), Project("b", benefit=4, cost=50), Project("c", benefit=3, cost=40)))
    >>> f = frontier(pf, exhaustive=True, sweep=None)
    >>> [(p.own_funds, p.benefit) for p in f.points]
    [(0.0, 0.0), (40.0, 3.0), (50.0, 4.0), (60.0, 5.0), (90.0, 7.0), (100.0, 8.0)]
    """
    options, settings = split_kwargs(optimize_kwargs)
    settings["yearly_budgets"] = yearly_budgets
    context = BatchContext(portfolio, options, None, settings)
    if prepared(context).model is None:
        raise NotImplementedError("the frontier needs the re-usable model structure")
    with solver_threads(options):
        found, failed, tasks, context = _anchors(portfolio, context, points, exhaustive, resolution, sweep, progress)
    results = (
        run_batch(_point_task, _point_failed, context, tasks, executor=executor, workers=workers, progress=progress)
        if tasks
        else []
    )
    sweep_points: list[BudgetPoint] = []
    for r in results:
        if isinstance(r, FrontierPoint):
            (found if r.plan is not None else failed).append(r)
        else:
            sweep_points.append(r)
    return Frontier(tuple(_non_dominated(found)), tuple(sweep_points), exhaustive, tuple(failed))


def _cheapest(ready: Prepared) -> FrontierPoint:
    """The plan with the least own funds (the must-dos), with as much benefit as those own funds allow."""
    values = _values(ready)
    model, sol, _ = solve_instance(ready, values, objective="own_funds", start=True, portfolio=ready.portfolio)
    if not sol.success or sol.x is None:
        return FrontierPoint(math.nan, math.nan, None, sol.status, None)
    least = float(model.own_funds @ sol.x)
    return lexicographic(ready, least + _tol(least))


def _anchors(
    portfolio: Portfolio,
    context: BatchContext,
    points: int,
    exhaustive: bool,
    resolution: float,
    sweep: Sequence[float] | None,
    progress: ProgressCallback | None,
) -> tuple[list[FrontierPoint], list[FrontierPoint], list[tuple[str, float]], BatchContext]:
    """The best and the cheapest plan (or, exhaustively, every point), and the batch tasks that remain."""
    ready = prepared(context)
    # the best plan first: it is the warm start of every other solve
    best = lexicographic(ready, None)
    if best.plan is None:
        return [], [best], [], context
    context = context.with_start(plan_decisions(portfolio, best.plan))
    ready = prepared(context)
    found = [best]
    failed: list[FrontierPoint] = []
    budget_tasks: list[tuple[str, float]] = [("budget", float(f)) for f in (sweep or ())]
    if exhaustive:
        cap = best.own_funds - resolution
        done = 1
        while True:
            point = lexicographic(ready, cap)
            done += 1
            if progress is not None:
                progress(done, 0)
            if point.plan is None:
                if point.status != "infeasible":
                    failed.append(point)
                break
            found.append(point)
            cap = point.own_funds - resolution
        return found, failed, budget_tasks, context
    cheapest = _cheapest(ready)
    if cheapest.plan is None:
        failed.append(cheapest)
        return found, failed, budget_tasks, context
    found.append(cheapest)
    lo, hi = cheapest.own_funds, best.own_funds
    caps = [lo + (hi - lo) * k / (points - 1) for k in range(1, points - 1)] if points > 2 and hi > lo else []
    return found, failed, [("cap", c) for c in caps] + budget_tasks, context
