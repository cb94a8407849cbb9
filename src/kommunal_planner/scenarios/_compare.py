"""Compare scenarios: optimise the base and every scenario, and tabulate what changes (``kp.compare``)."""

from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from kommunal_planner._optional import new_figure
from kommunal_planner.errors import ValidationError
from kommunal_planner.model import FrozenMap, Portfolio
from kommunal_planner.optimize import Plan, get_solver, optimize, plan_from_decisions
from kommunal_planner.scenarios._batch import (
    BatchContext,
    Prepared,
    ProgressCallback,
    prepared,
    run_batch,
    solver_threads,
)
from kommunal_planner.scenarios._engine import plan_decisions, plan_of, solve_instance, split_kwargs
from kommunal_planner.scenarios._scenario import Scenario, merge_decisions

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["Comparison", "ScenarioOutcome", "compare"]

logger = logging.getLogger(__name__)

BASE = "base"


@dataclass(frozen=True, slots=True)
class ScenarioOutcome:
    """The result of one scenario: its plan (None only when the run itself failed) and how it was solved.

    ``model`` is ``"reuse"`` when the base model's structure took the scenario's values, ``"rebuild"`` when the
    scenario changed the structure; ``warm`` says whether the solver got a start solution.
    """

    name: str
    status: str
    plan: Plan | None
    description: str = ""
    model: str = "reuse"
    warm: bool = False
    message: str = ""
    seconds: float = 0.0

    @property
    def success(self) -> bool:
        return self.status in ("optimal", "feasible")

    @property
    def selected(self) -> tuple[str, ...]:
        return self.plan.selected if self.plan is not None and self.success else ()

    @property
    def objective(self) -> float | None:
        return self.plan.objective if self.plan is not None else None


@dataclass(frozen=True, slots=True)
class Comparison:
    """Plans of a base and of scenarios, side by side.

    Examples
    --------
    >>> from kommunal_planner.model import Portfolio, Horizon, Project
    >>> pf = Portfolio("M", Horizon(2026, 1), 100, projects=(
    ...     Project("a", benefit=5, cost=60), Project("b", benefit=4, cost=50), Project("c", benefit=3, cost=40)))
    >>> cmp = compare(pf, [Scenario("mehr", budget={"factor": 1.1})])
    >>> cmp.summary()[["status", "objective"]].to_dict("index")
    {'base': {'status': 'optimal', 'objective': 8.0}, 'mehr': {'status': 'optimal', 'objective': 9.0}}
    >>> cmp.entering("mehr"), cmp.leaving("mehr")
    (('b',), ('c',))
    """

    outcomes: tuple[ScenarioOutcome, ...]
    project_ids: tuple[str, ...]
    calendar_years: tuple[int, ...]
    base_name: str | None = BASE

    # ------------------------------------------------------------------ lookups
    @property
    def names(self) -> tuple[str, ...]:
        return tuple(o.name for o in self.outcomes)

    def __getitem__(self, name: str) -> ScenarioOutcome:
        for o in self.outcomes:
            if o.name == name:
                return o
        raise KeyError(f"no scenario '{name}'; the scenarios are {', '.join(self.names)}")

    @property
    def base(self) -> ScenarioOutcome | None:
        return self[self.base_name] if self.base_name is not None else None

    def entering(self, name: str) -> tuple[str, ...]:
        """Projects selected in scenario *name* but not in the base (empty without a base or a solution)."""
        base, other = self.base, self[name]
        if base is None or not base.success or not other.success:
            return ()
        before = set(base.selected)
        return tuple(p for p in other.selected if p not in before)

    def leaving(self, name: str) -> tuple[str, ...]:
        """Projects selected in the base but not in scenario *name*."""
        base, other = self.base, self[name]
        if base is None or not base.success or not other.success:
            return ()
        after = set(other.selected)
        return tuple(p for p in base.selected if p not in after)

    @property
    def always_selected(self) -> tuple[str, ...]:
        """Projects selected in every scenario that has a plan (the base included)."""
        solved = [set(o.selected) for o in self.outcomes if o.success]
        if not solved:
            return ()
        common = set.intersection(*solved)
        return tuple(p for p in self.project_ids if p in common)

    # ------------------------------------------------------------------ tables
    def summary(self) -> pd.DataFrame:
        """One row per scenario: status, objective, benefit, own funds, grants, selection and changes vs. the base."""
        rows = []
        for o in self.outcomes:
            plan = o.plan if o.success else None
            rows.append(
                {
                    "scenario": o.name,
                    "status": o.status,
                    "objective": None if plan is None else plan.objective,
                    "benefit": None if plan is None else plan.total_benefit,
                    "own_funds": None if plan is None else plan.total_own_funds,
                    "grants": None if plan is None else plan.total_grant,
                    "selected": len(o.selected) if plan is not None else None,
                    "entering": ", ".join(self.entering(o.name)),
                    "leaving": ", ".join(self.leaving(o.name)),
                    "gap": None if plan is None else plan.gap,
                    "model": o.model,
                    "warm_start": o.warm,
                    "seconds": round(o.seconds, 3),
                    "description": o.description,
                    "message": o.message,
                }
            )
        frame = pd.DataFrame(rows).set_index("scenario")
        for col in ("objective", "benefit", "own_funds", "grants", "gap"):
            frame[col] = frame[col].astype("Float64")
        frame["selected"] = frame["selected"].astype("Int64")
        return frame

    def selection(self, kind: str = "start") -> pd.DataFrame:
        """Projects × scenarios: the start year (``kind="start"``, <NA> when not selected) or selected (``"selected"``).

        Scenarios without a plan get an all-<NA> column.
        """
        if kind not in ("start", "selected"):
            raise ValueError("kind must be 'start' or 'selected'")
        data: dict[str, list[Any]] = {}
        for o in self.outcomes:
            starts = (
                {d.id: d.start for d in o.plan.projects if d.selected} if o.plan is not None and o.success else None
            )
            if starts is None:
                data[o.name] = [None] * len(self.project_ids)
            elif kind == "start":
                data[o.name] = [starts.get(p) for p in self.project_ids]
            else:
                data[o.name] = [p in starts for p in self.project_ids]
        frame = pd.DataFrame(data, index=pd.Index(self.project_ids, name="project"))
        return frame.astype("Int64" if kind == "start" else "boolean")

    def years(self) -> pd.DataFrame:
        """Money per scenario and year: cost, grants, operating, own funds, budget, slack, staff days."""
        rows = []
        for o in self.outcomes:
            if o.plan is None or not o.success:
                continue
            for y in o.plan.years:
                rows.append({"scenario": o.name, **y.to_dict()})
        if not rows:
            return pd.DataFrame(
                columns=["cost", "grant", "operating", "own_funds", "budget", "slack", "staff_days", "staff_capacity"],
                index=pd.MultiIndex.from_arrays([[], []], names=["scenario", "year"]),
            )
        return pd.DataFrame(rows).set_index(["scenario", "year"])

    def plot(self) -> Figure:
        """Benefit per scenario and own funds per year against the budget; returns a matplotlib Figure."""
        fig = new_figure(11, 4.2, what="plots")
        ax1, ax2 = fig.subplots(1, 2, width_ratios=[1, 1.4])
        names = list(self.names)
        values = [o.plan.total_benefit if o.plan is not None and o.success else 0.0 for o in self.outcomes]
        colors = ["#4c72b0" if o.status == "optimal" else "#dd8452" if o.success else "#c44e52" for o in self.outcomes]
        bars = ax1.barh(names, values, color=colors)
        for bar, o in zip(bars, self.outcomes, strict=True):
            if not o.success:
                ax1.text(0, bar.get_y() + bar.get_height() / 2, f" {o.status}", va="center", fontsize=8)
        ax1.invert_yaxis()
        ax1.set_xlabel("benefit points")
        ax1.set_title("Benefit per scenario")
        years = self.years()
        for name in names:
            if name in years.index.get_level_values(0):
                sub = years.loc[name]
                ax2.plot(sub.index, sub["own_funds"] / 1e3, marker="o", label=name)
        base = self.base
        if base is not None and base.plan is not None:
            ys = [y.year for y in base.plan.years]
            ax2.plot(ys, [y.budget / 1e3 for y in base.plan.years], "k--", label="budget (base)")
        ax2.set_xlabel("year")
        ax2.set_ylabel("own funds [kEUR]")
        ax2.set_title("Own funds per year")
        ax2.legend(fontsize=8)
        return fig


# --------------------------------------------------------------------------- the batch job
def _solve_scenario(ready: Prepared, scenario: Scenario | None) -> ScenarioOutcome:
    t0 = time.perf_counter()
    st = ready.settings
    base_pf = ready.portfolio
    applied = scenario.apply(base_pf) if scenario is not None else base_pf
    user = {k: st[k] for k in ("forced_in", "forced_out", "fixed_starts")}
    decisions = merge_decisions(scenario.decisions(), user) if scenario is not None else user
    name = scenario.name if scenario is not None else st.get("base_name", BASE)
    description = scenario.description if scenario is not None else ""
    objective = st["objective"]
    options = dataclasses.replace(ready.options, tie_break=st["tie_break"])
    values = None
    if ready.model is not None and objective in ("benefit", "own_funds"):
        values = ready.model.values_for(applied)
    if values is None:
        initial = _base_plan(ready) if st["start"] else None
        plan = optimize(
            applied,
            objective=objective,
            required_benefit=st["required_benefit"],
            options=options,
            explain=st["explain"],
            start=st["start"],
            initial=initial,
            **decisions,
        )
        return ScenarioOutcome(
            name, plan.status, plan, description, "rebuild", initial is not None, plan.message, time.perf_counter() - t0
        )
    model, sol, times = solve_instance(
        ready,
        values,
        objective=objective,
        required_benefit=st["required_benefit"],
        tie_break=st["tie_break"],
        start=bool(st["start"]),
        portfolio=applied,
        options=options,
        **decisions,
    )
    solver = options.solver.lower()
    assert ready.model is not None
    plan = plan_of(
        applied,
        model,
        sol,
        solver=solver,
        times=times,
        objective_name=objective,
        programme_ids=ready.model.programme_ids,
    )
    if sol.status == "infeasible" and st["explain"]:
        from kommunal_planner.optimize import explain_infeasibility

        t_exp = time.perf_counter()
        build_kwargs = {
            "objective": objective,
            "required_benefit": st["required_benefit"],
            "forced_in": frozenset(decisions["forced_in"]),
            "forced_out": frozenset(decisions["forced_out"]),
            "fixed_starts": dict(decisions["fixed_starts"]),
        }
        explanation = explain_infeasibility(applied, get_solver(options.solver), options, build_kwargs)
        plan = dataclasses.replace(
            plan,
            explanation=explanation,
            message=explanation.text_en,
            times=FrozenMap({**dict(plan.times), "explain": round(time.perf_counter() - t_exp, 4)}),
        )
    return ScenarioOutcome(
        name, plan.status, plan, description, "reuse", sol.warm, plan.message, time.perf_counter() - t0
    )


def _base_plan(ready: Prepared) -> Plan | None:
    """The base plan's decisions as a Plan, the first incumbent of a rebuilt scenario."""
    if not ready.start_starts:
        return None
    pf = ready.portfolio
    ids = pf.project_ids
    progs = [g.id for g in pf.programmes]
    return plan_from_decisions(
        pf,
        {ids[p]: pf.horizon.start + t for p, t in ready.start_starts.items()},
        {ids[p]: progs[f] for p, f in ready.start_programmes.items()},
        status="feasible",
        objective=None,
        bound=None,
        gap=None,
        solver="",
    )


def _failed_scenario(scenario: Scenario | None, message: str) -> ScenarioOutcome:
    name = scenario.name if scenario is not None else BASE
    return ScenarioOutcome(name, "error", None, scenario.description if scenario else "", "", False, message)


def compare(
    portfolio: Portfolio,
    scenarios: Iterable[Scenario | Mapping[str, Any]],
    *,
    executor: cf.Executor | None = None,
    workers: int | None = None,
    base: bool = True,
    progress: ProgressCallback | None = None,
    chunk_size: int | None = None,
    **optimize_kwargs: Any,
) -> Comparison:
    """Optimise the base portfolio and every scenario, and compare the plans.

    The base is solved first, in this process; every scenario then starts from the base plan (repaired where the
    scenario makes it infeasible). Scenarios that only change values (costs, budgets, weights, programme terms,
    approvals, closed programmes) re-use the base model's structure; others rebuild it.

    Parameters
    ----------
    portfolio
        The base portfolio.
    scenarios
        :class:`Scenario` objects or their dict form.
    executor, workers
        Where the scenarios run: any :class:`concurrent.futures.Executor` (e.g. a Dask
        ``Client(...).get_executor()``), a process pool of *workers* created here, or (both None) this process.
    base
        Solve the base portfolio too, as the reference for entering and leaving projects.
    progress
        Called as ``progress(done, total)`` while scenarios complete.
    **optimize_kwargs
        As for :func:`~kommunal_planner.optimize.optimize` (``objective``, ``gap``, ``time_limit``, ``tie_break``,
        ``explain``, ``forced_in``, ...); ``time_limit`` applies to each solve.

    Returns
    -------
    Comparison
        A failed or infeasible scenario is a row with its status; it never stops the others.

    Raises
    ------
    ValidationError
        A scenario is malformed or names an unknown project, programme, field, tag or criterion.
    """
    items = [s if isinstance(s, Scenario) else Scenario.from_dict(s) for s in scenarios]
    names = [s.name for s in items]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise ValidationError(f"the scenario name '{dup}' is used twice")
    if base and BASE in names:
        raise ValidationError(f"the name '{BASE}' is kept for the base; rename that scenario")
    for s in items:
        s.apply(portfolio)  # every spec error surfaces here, before any solve
    options, settings = split_kwargs(optimize_kwargs)
    context = BatchContext(portfolio, options, None, settings)
    outcomes: list[ScenarioOutcome] = []
    if base:
        with solver_threads(options):
            base_outcome = _solve_scenario(prepared(context), None)
        outcomes.append(base_outcome)
        if base_outcome.plan is not None and base_outcome.success:
            context = context.with_start(plan_decisions(portfolio, base_outcome.plan))
    outcomes.extend(
        run_batch(
            _solve_scenario,
            _failed_scenario,
            context,
            items,
            executor=executor,
            workers=workers,
            progress=progress,
            chunk_size=chunk_size or 1,
        )
    )
    return Comparison(
        outcomes=tuple(outcomes),
        project_ids=portfolio.project_ids,
        calendar_years=portfolio.horizon.calendar_years,
        base_name=BASE if base else None,
    )
