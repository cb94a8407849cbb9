"""``optimize(portfolio, ...) -> Plan``: build, start, solve, break ties, and explain when infeasible."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterable, Mapping

import numpy as np

from kommunal_planner.model import Portfolio
from kommunal_planner.optimize._formulation import Model, Objective, build_model
from kommunal_planner.optimize._heuristic import greedy_plan
from kommunal_planner.optimize._infeasible import explain_infeasibility
from kommunal_planner.optimize._local_search import lp_start, lp_start_budget
from kommunal_planner.optimize._plan import Plan, plan_from_decisions
from kommunal_planner.optimize._solvers import SolveOptions, SolveResult, SolveStatus, get_solver

__all__ = ["LP_START_PROJECTS", "LP_START_RESTARTS", "optimize"]

# From this many projects on, the LP-rounded start repaired by local search is tried beside the greedy one: there
# it is far better than the greedy plan and than what the solver finds in its first seconds; below, the solver
# finds good plans at once and the LP would only add time (benchmarks/formulations.py --greedy).
LP_START_PROJECTS = 100
# Random roundings of the LP searched again after the first, within the start's time cap (lp_start_budget): on 200
# and 500 projects their best plan is worth 0.1-0.2 % of benefit over the single rounding's.
LP_START_RESTARTS = 20

logger = logging.getLogger(__name__)


def _remaining(options: SolveOptions, started: float) -> SolveOptions:
    if options.time_limit is None:
        return options
    left = max(0.5, float(options.time_limit) - (time.perf_counter() - started))
    return dataclasses.replace(options, time_limit=left)


def optimize(
    portfolio: Portfolio,
    *,
    objective: Objective | str = "benefit",
    solver: str = "highs",
    time_limit: float | None = None,
    gap: float | None = None,
    threads: int | None = None,
    seed: int = 0,
    log: bool = False,
    required_benefit: float | None = None,
    forced_in: Iterable[str] = (),
    forced_out: Iterable[str] = (),
    fixed_starts: Mapping[str, int] | None = None,
    tie_break: bool = True,
    start: bool = True,
    initial: Plan | None = None,
    explain: bool = True,
    options: SolveOptions | None = None,
) -> Plan:
    """Choose which projects to start in which year, funded by which programme (DESIGN §3, §6).

    Parameters
    ----------
    portfolio
        The validated input.
    objective
        ``"benefit"`` (default), ``"time_weighted"``, ``"grants"`` or ``"own_funds"`` (least own funds for
        ``required_benefit``).
    solver
        ``"highs"`` (default), ``"cbc"`` or any solver name PuLP knows; see :func:`available_solvers`.
    time_limit
        Limit for the whole run [s]; a run stopped by it returns the best plan found (status ``feasible``),
        or the greedy start plan when the solver found none.
    gap
        Relative gap at which to stop (default 1e-9: proven optimal).
    forced_in, forced_out, fixed_starts
        Scenario overrides: projects that must / must not be selected, and fixed start years.
    tie_break
        Among optimal plans choose by DESIGN §3's rule (less own funds, then earlier starts, then project id),
        so that the same input always gives the same plan.
    start
        Hand a start plan to the solver as its first incumbent: the greedy plan and, from
        :data:`LP_START_PROJECTS` projects on, the LP relaxation rounded and repaired by local search (then
        searched again from :data:`LP_START_RESTARTS` random roundings while its time cap allows), whichever is
        better.
    initial
        A previous plan (e.g. the base plan of a scenario) to start from; its decisions that still keep every rule
        are used as the first incumbent where they are better than the greedy plan.
    explain
        When infeasible, find the conflicting rules and the smallest change (see ``plan.explanation``).

    Returns
    -------
    Plan
        Status, objective, bound, gap, times and every figure per project and year.

    Examples
    --------
    >>> from kommunal_planner.model import Portfolio, Horizon, Project
    >>> pf = Portfolio("M", Horizon(2026, 1), 100, projects=(
    ...     Project("a", benefit=5, cost=60), Project("b", benefit=4, cost=50), Project("c", benefit=3, cost=40)))
    >>> plan = optimize(pf)
    >>> plan.status, plan.selected, plan.objective
    ('optimal', ('a', 'c'), 8.0)
    """
    opts = options or SolveOptions(
        solver=solver,
        time_limit=time_limit,
        threads=threads,
        seed=seed,
        log=log,
        tie_break=tie_break,
        **({"mip_rel_gap": gap} if gap is not None else {}),
    )
    opts.validate()
    backend = get_solver(opts.solver)
    forced_in_set = frozenset(forced_in)
    forced_out_set = frozenset(forced_out)
    fixed = dict(fixed_starts or {})
    build_kwargs = {
        "objective": objective,
        "required_benefit": required_benefit,
        "forced_in": forced_in_set,
        "forced_out": forced_out_set,
        "fixed_starts": fixed,
    }
    started = time.perf_counter()
    model = build_model(
        portfolio,
        objective=objective,
        required_benefit=required_benefit,
        forced_in=forced_in_set,
        forced_out=forced_out_set,
        fixed_starts=fixed,
    )
    t_build = time.perf_counter() - started
    candidates: list[np.ndarray] = []
    lp_bound: float | None = None  # the LP relaxation's bound, where the start solved it (minimisation form)
    if initial is not None and initial.success:
        candidates.append(_encode_plan(model, portfolio, initial))
    if start:
        greedy = greedy_plan(portfolio, forced_in=forced_in_set, forced_out=forced_out_set, fixed_starts=fixed)
        if greedy is not None:
            candidates.append(model.encode(*greedy))
        if len(portfolio.projects) >= LP_START_PROJECTS:
            budget = lp_start_budget(len(portfolio.projects), opts.time_limit)
            found = lp_start(model, threads=opts.threads, time_limit=budget, seed=opts.seed, restarts=LP_START_RESTARTS)
            lp_bound = found.bound
            if found.x is not None:
                candidates.append(found.x)
    feasible = [x for x in candidates if model.keeps_rows(x)]
    if len(feasible) < len(candidates):
        logger.debug("%d start solution(s) rejected by the model rows", len(candidates) - len(feasible))
    x0 = min(feasible, key=lambda x: float(model.c @ x)) if feasible else None
    t_heur = time.perf_counter() - started - t_build
    logger.info(
        "model: %d columns, %d rows, %d nonzeros, built in %.3f s",
        model.n_cols,
        model.n_rows,
        model.A.nnz,
        t_build,
    )
    result = backend.solve(model, _remaining(opts, started), start=x0)
    logger.info(
        "solve: %s, objective %s, bound %s, %.3f s",
        result.status,
        result.objective,
        result.bound,
        result.time,
    )
    times = {"build": t_build, "heuristic": t_heur, "solve": result.time}
    explanation = None
    x = result.x
    status = result.status
    message = result.message
    if status == SolveStatus.OPTIMAL and opts.tie_break and x is not None:
        t_tie = time.perf_counter()
        x = _tie_break(model, result, x, backend, _remaining(opts, started))
        times["tie_break"] = time.perf_counter() - t_tie
    if status == SolveStatus.NO_SOLUTION and x0 is not None:
        x, status, message = x0, SolveStatus.FEASIBLE, "limit reached; the greedy start plan is returned"
    if status == SolveStatus.INFEASIBLE and explain:
        t_exp = time.perf_counter()
        explanation = explain_infeasibility(portfolio, backend, opts, build_kwargs)
        times["explain"] = time.perf_counter() - t_exp
        message = explanation.text_en
    if x is None or status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        plan = plan_from_decisions(
            portfolio,
            {},
            {},
            status=str(status),
            objective=None,
            bound=None,
            gap=None,
            solver=backend.name,
            solver_version=result.version,
            objective_name=str(objective),
            times=times,
            message=message,
        )
        return dataclasses.replace(plan, explanation=explanation)
    starts, progs = model.decode(x)
    value = float(model.sign * (model.c @ x))
    # the solver's bound, or the LP's where the solver stopped before its root LP gave a better one
    lower = [b for b in (result.bound, lp_bound) if b is not None and np.isfinite(b)]
    bound = float(model.sign * max(lower)) if lower else None
    if status == SolveStatus.OPTIMAL:
        bound = value if bound is None else bound
    gap_value = None if bound is None else abs(bound - value) / max(1.0, abs(value))
    ids = portfolio.project_ids
    prog_ids = [g.id for g in portfolio.programmes]
    return plan_from_decisions(
        portfolio,
        {ids[p]: portfolio.horizon.start + t for p, t in starts.items()},
        {ids[p]: prog_ids[f] for p, f in progs.items()},
        status=str(status),
        objective=value,
        bound=bound,
        gap=gap_value,
        solver=backend.name,
        solver_version=result.version,
        objective_name=str(objective),
        times=times,
        message=message,
    )


def _encode_plan(model: Model, portfolio: Portfolio, plan: Plan) -> np.ndarray:
    """The solution vector of *plan*'s decisions in *model* (projects or programmes it does not know are dropped)."""
    index = {p.id: i for i, p in enumerate(portfolio.projects)}
    programmes = {g.id: f for f, g in enumerate(portfolio.programmes)}
    starts = {
        index[d.id]: d.start - portfolio.horizon.start
        for d in plan.projects
        if d.selected and d.start is not None and d.id in index
    }
    progs = {
        index[d.id]: programmes[d.programme]
        for d in plan.projects
        if d.selected and d.programme in programmes and d.id in index
    }
    return model.encode(starts, progs)


def _tie_break(model: Model, result: SolveResult, x: np.ndarray, backend: object, options: SolveOptions) -> np.ndarray:
    """Among optimal plans, the one with least own funds, then earlier starts by project order (DESIGN §3).

    One extra solve with the objective held at its optimum: own funds in EUR plus the start order and then the
    programme order, weighted so that all of it is worth less than a cent; so the orders only decide between plans
    of equal own funds (a programme listed earlier wins where two pay the same grant).
    """
    solver = backend
    z = float(model.c @ x)
    rows = [(model.c, -np.inf, z + 1e-7 * max(1.0, abs(z)))]
    total_rank = float(np.abs(model.start_rank).sum()) or 1.0
    c = model.start_rank * (5e-3 / total_rank)
    if model.programme_rank is not None:
        c = c + model.programme_rank * (1e-3 / max(1.0, float(model.programme_rank.sum())))
    if model.objective != "own_funds":
        c = c + model.own_funds
    res = solver.solve(model, options, start=x, c=c, extra_rows=rows)  # type: ignore[attr-defined]
    if res.success and res.x is not None:
        x = res.x
    return x
