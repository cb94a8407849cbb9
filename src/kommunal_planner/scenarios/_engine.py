"""Shared steps of every batch: solver options from keyword arguments, warm starts, one solve, one Plan."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from kommunal_planner.errors import ValidationError
from kommunal_planner.model import Portfolio
from kommunal_planner.optimize import Model, Plan, SolveOptions, greedy_plan, plan_from_decisions
from kommunal_planner.optimize._reuse import ModelSolution, ModelValues, solve_model, start_vector
from kommunal_planner.scenarios._batch import Prepared

logger = logging.getLogger(__name__)

FloatArray = NDArray[np.float64]

_OPTION_KEYS = ("solver", "time_limit", "gap", "threads", "seed", "log", "options")
_DECISION_KEYS = ("forced_in", "forced_out", "fixed_starts")
_OTHER_KEYS = ("objective", "required_benefit", "tie_break", "explain", "start")


def split_kwargs(kwargs: Mapping[str, Any], *, default_threads: int | None = 1) -> tuple[SolveOptions, dict[str, Any]]:
    """Solver options and the remaining settings from ``optimize``-style keyword arguments.

    Batch solves use one solver thread unless ``threads`` is given: the parallelism comes from the executor, and
    measured on two cores, two HiGHS threads per solve made a batch slower, not faster. The batch runner gives
    each thread a solver scheduler of that size for the batch and frees it afterwards.
    """
    unknown = [k for k in kwargs if k not in (*_OPTION_KEYS, *_DECISION_KEYS, *_OTHER_KEYS)]
    if unknown:
        raise ValidationError(
            f"unknown keyword '{unknown[0]}'",
            expected="an argument of optimize(): " + ", ".join((*_OPTION_KEYS, *_DECISION_KEYS, *_OTHER_KEYS)),
        )
    given = kwargs.get("options")
    if given is not None:
        opts = given
    else:
        opts = SolveOptions(
            solver=kwargs.get("solver", "highs"),
            time_limit=kwargs.get("time_limit"),
            threads=kwargs.get("threads", default_threads),
            seed=kwargs.get("seed", 0),
            log=kwargs.get("log", False),
            tie_break=kwargs.get("tie_break", True),
            **({"mip_rel_gap": kwargs["gap"]} if kwargs.get("gap") is not None else {}),
        )
    opts.validate()
    settings = {
        "objective": str(kwargs.get("objective", "benefit")),
        "required_benefit": kwargs.get("required_benefit"),
        "tie_break": bool(kwargs.get("tie_break", opts.tie_break)),
        "explain": bool(kwargs.get("explain", True)),
        "start": bool(kwargs.get("start", True)),
        "forced_in": tuple(kwargs.get("forced_in", ())),
        "forced_out": tuple(kwargs.get("forced_out", ())),
        "fixed_starts": dict(kwargs.get("fixed_starts") or {}),
    }
    return opts, settings


def plan_decisions(portfolio: Portfolio, plan: Plan) -> tuple[tuple[int, int, int], ...]:
    """A plan's decisions as ``(project index, year offset, programme index or -1)``, the form batches ship."""
    progs = [g.id for g in portfolio.programmes]
    out = []
    for d in plan.projects:
        if d.selected and d.start is not None:
            f = progs.index(d.programme) if d.programme in progs else -1
            out.append((portfolio.index_of(d.id), d.start - portfolio.horizon.start, f))
    return tuple(out)


def warm_start(
    ready: Prepared,
    model: Model,
    *,
    portfolio: Portfolio | None = None,
    decisions: Mapping[str, Any] | None = None,
    starts: Mapping[int, int] | None = None,
    programmes: Mapping[int, int] | None = None,
) -> FloatArray | None:
    """The base plan (or *starts*), repaired for *model*; else a greedy plan of *portfolio*; else None.

    A project forced in that the base plan lacks is added at the first start year that can be repaired around it.
    """
    s = dict(ready.start_starts if starts is None else starts)
    f = dict(ready.start_programmes if programmes is None else programmes)
    if s or starts is not None:
        sel_lo = model.row_lo[model.rows_of("select")]
        missing = [int(p) for p in np.flatnonzero(sel_lo >= 0.5) if int(p) not in s]
        if not missing:
            x0 = start_vector(model, s, f)
            if x0 is not None:
                return x0
        elif len(missing) == 1:
            p = missing[0]
            for t in sorted(
                {int(t) for t in model.x_year[(model.x_project == p) & (model.col_hi[: model.y_offset] > 0)]}
            ):
                x0 = start_vector(model, {**s, p: t}, f)
                if x0 is not None:
                    return x0
    if portfolio is not None:
        dec = decisions or {}
        greedy = greedy_plan(
            portfolio,
            forced_in=frozenset(dec.get("forced_in", ())),
            forced_out=frozenset(dec.get("forced_out", ())),
            fixed_starts=dict(dec.get("fixed_starts") or {}),
        )
        if greedy is not None:
            return start_vector(model, *greedy)
    return None


def solve_instance(
    ready: Prepared,
    values: ModelValues | None,
    *,
    objective: str = "benefit",
    required_benefit: float | None = None,
    forced_in: Iterable[str] = (),
    forced_out: Iterable[str] = (),
    fixed_starts: Mapping[str, int] | None = None,
    earliest_start: int | None = None,
    own_funds_cap: float | None = None,
    tie_break: bool = False,
    start: FloatArray | bool | None = True,
    portfolio: Portfolio | None = None,
    options: SolveOptions | None = None,
) -> tuple[Model, ModelSolution, dict[str, float]]:
    """Instantiate the prepared structure for *values*, warm-start it and solve it."""
    assert ready.model is not None
    t0 = time.perf_counter()
    fixed = dict(fixed_starts or {})
    decisions: dict[str, Any] = {"forced_in": tuple(forced_in), "forced_out": tuple(forced_out), "fixed_starts": fixed}
    model = ready.model.instance(
        values,
        objective=objective,
        required_benefit=required_benefit,
        earliest_start=earliest_start,
        own_funds_cap=own_funds_cap,
        forced_in=decisions["forced_in"],
        forced_out=decisions["forced_out"],
        fixed_starts=fixed,
    )
    t_build = time.perf_counter() - t0
    x0: FloatArray | None
    if start is True:
        x0 = warm_start(ready, model, portfolio=portfolio, decisions=decisions)
    elif start is False or start is None:
        x0 = None
    else:
        x0 = start
    t_start = time.perf_counter() - t0 - t_build
    sol = solve_model(model, options or ready.options, start=x0, tie_break=tie_break)
    return model, sol, {"build": t_build, "heuristic": t_start, "solve": sol.time}


def plan_of(
    portfolio: Portfolio,
    model: Model,
    sol: ModelSolution,
    *,
    solver: str,
    times: Mapping[str, float],
    objective_name: str = "benefit",
    x: FloatArray | None = None,
    programme_ids: tuple[str, ...] | None = None,
) -> Plan:
    """The :class:`Plan` of a solution of a model instance (every figure recomputed from *portfolio*).

    *programme_ids* names the model's programme columns (the base portfolio's, which a scenario may have fewer of).
    """
    values = sol.x if x is None else x
    if values is None or not sol.success:
        return plan_from_decisions(
            portfolio,
            {},
            {},
            status=sol.status,
            objective=None,
            bound=None,
            gap=None,
            solver=solver,
            objective_name=objective_name,
            times=times,
            message=sol.message,
        )
    starts, progs = model.decode(values)
    ids = portfolio.project_ids
    prog_ids = programme_ids if programme_ids is not None else tuple(g.id for g in portfolio.programmes)
    return plan_from_decisions(
        portfolio,
        {ids[p]: portfolio.horizon.start + t for p, t in starts.items()},
        {ids[p]: prog_ids[f] for p, f in progs.items()},
        status=sol.status,
        objective=float(model.sign * (model.c @ values)) if x is not None else sol.objective,
        bound=sol.bound,
        gap=sol.gap,
        solver=solver,
        objective_name=objective_name,
        times=times,
        message=sol.message,
    )


def values_with_budget(values: ModelValues, factor: float | None = None, *, unlimited: bool = False) -> ModelValues:
    budget = values.budget * (1.0 if factor is None else factor)
    if unlimited:
        budget = np.full_like(values.budget, np.inf)
    return dataclasses.replace(values, budget=budget)
