"""The result of an optimisation: :class:`Plan`, its figures per project and year, and its JSON (DESIGN §4)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kommunal_planner.errors import DataFormatError, KommunalPlannerError, Location
from kommunal_planner.model import FrozenMap, Portfolio

if TYPE_CHECKING:
    from kommunal_planner.optimize._verify import Verification

__all__ = ["Plan", "ProjectDecision", "YearFigures", "plan_from_decisions"]

STATUSES = ("optimal", "feasible", "infeasible", "no_solution", "error")


@dataclass(frozen=True, slots=True)
class ProjectDecision:
    """The decision on one project; all but ``id`` and ``selected`` are None when it is not selected."""

    id: str
    selected: bool
    start: int | None = None
    finish: int | None = None
    programme: str | None = None
    grant: float | None = None
    own_cost: float | None = None
    benefit: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "selected": self.selected,
            "start": self.start,
            "finish": self.finish,
            "programme": self.programme,
            "grant": self.grant,
            "own_cost": self.own_cost,
            "benefit": self.benefit,
        }


@dataclass(frozen=True, slots=True)
class YearFigures:
    """Money and staff of one horizon year [EUR, person-days]; ``staff_capacity`` None means unlimited."""

    year: int
    cost: float
    grant: float
    operating: float
    own_funds: float
    budget: float
    staff_days: float
    staff_capacity: float | None

    @property
    def slack(self) -> float:
        """Budget left over [EUR]."""
        return self.budget - self.own_funds

    def to_dict(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "cost": self.cost,
            "grant": self.grant,
            "operating": self.operating,
            "own_funds": self.own_funds,
            "budget": self.budget,
            "slack": self.slack,
            "staff_days": self.staff_days,
            "staff_capacity": self.staff_capacity,
        }


@dataclass(frozen=True, slots=True)
class Plan:
    """A portfolio decision: which projects start when, funded by which programme, and its figures.

    ``status`` is one of ``optimal``, ``feasible`` (a solution with a gap), ``infeasible``, ``no_solution``
    (a limit was reached without one) or ``error``. ``portfolio`` is the input it was made for, where known
    (a plan read from JSON has none until one is attached with :meth:`with_portfolio`).
    """

    portfolio_name: str
    status: str
    objective: float | None
    bound: float | None
    gap: float | None
    solver: str
    projects: tuple[ProjectDecision, ...]
    years: tuple[YearFigures, ...]
    times: Mapping[str, float] = field(default_factory=FrozenMap)
    solver_version: str = ""
    objective_name: str = "benefit"
    message: str = ""
    explanation: Any = field(default=None, compare=False)
    portfolio: Portfolio | None = field(default=None, compare=False, repr=False)

    # ------------------------------------------------------------------ views
    @property
    def success(self) -> bool:
        """Whether the plan holds a solution (optimal or feasible)."""
        return self.status in ("optimal", "feasible")

    @property
    def selected(self) -> tuple[str, ...]:
        """Ids of the selected projects, in input order."""
        return tuple(d.id for d in self.projects if d.selected)

    def decision(self, project_id: str) -> ProjectDecision:
        for d in self.projects:
            if d.id == project_id:
                return d
        raise KeyError(f"no project '{project_id}' in the plan")

    @property
    def total_benefit(self) -> float:
        return float(sum(d.benefit or 0.0 for d in self.projects if d.selected))

    @property
    def total_grant(self) -> float:
        return float(sum(y.grant for y in self.years))

    @property
    def total_own_funds(self) -> float:
        return float(sum(y.own_funds for y in self.years))

    def raise_for_status(self) -> Plan:
        """Return self when the plan holds a solution, else raise :class:`KommunalPlannerError`."""
        if not self.success:
            from kommunal_planner.errors import InfeasiblePortfolioError

            if self.status == "infeasible":
                raise InfeasiblePortfolioError(self.message or "no plan satisfies every rule", self.explanation)
            raise KommunalPlannerError(f"no plan: {self.status} ({self.message})")
        return self

    def with_portfolio(self, portfolio: Portfolio) -> Plan:
        """This plan with *portfolio* attached (needed by :meth:`verify` and the roadmap for a plan from JSON)."""
        return replace(self, portfolio=portfolio)

    def verify(self, portfolio: Portfolio | None = None) -> Verification:
        """Re-check every rule of DESIGN §3 on this plan, independently of the model code.

        Returns a :class:`~kommunal_planner.optimize.Verification` whose ``violations`` name each broken rule.
        """
        from kommunal_planner.optimize._verify import verify_plan

        pf = portfolio or self.portfolio
        if pf is None:
            raise KommunalPlannerError("verify needs the portfolio: plan.verify(portfolio)")
        return verify_plan(self, pf)

    def to_frame(self) -> pd.DataFrame:
        """One row per project (selected or not), indexed by project id."""
        frame = pd.DataFrame([d.to_dict() for d in self.projects])
        if self.portfolio is not None:
            by_id = {p.id: p for p in self.portfolio.projects}
            frame.insert(1, "name", [by_id[i].name for i in frame["id"]])
            frame.insert(2, "field", [by_id[i].field for i in frame["id"]])
        return frame.set_index("id")

    def years_frame(self) -> pd.DataFrame:
        """One row per horizon year: cost, grants, operating, own funds, budget, slack, staff."""
        return pd.DataFrame([y.to_dict() for y in self.years]).set_index("year")

    # ------------------------------------------------------------------ JSON
    def to_dict(self) -> dict[str, Any]:
        """The plan export of DESIGN §4 as a dict (fields may be added, never renamed)."""
        return {
            "portfolio": self.portfolio_name,
            "status": self.status,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "solver": self.solver,
            "solver_version": self.solver_version,
            "objective_name": self.objective_name,
            "message": self.message,
            "times": dict(self.times),
            "projects": [d.to_dict() for d in self.projects],
            "years": [y.to_dict() for y in self.years],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """The plan as JSON text (DESIGN §4)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    @classmethod
    def from_json(cls, text: str | bytes, *, source: str | None = None, portfolio: Portfolio | None = None) -> Plan:
        """Read a plan written by :meth:`to_json`; bad content raises :class:`DataFormatError`."""
        loc = Location(file=source)
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise DataFormatError(f"not valid JSON ({exc})", location=loc) from None
        return cls.from_dict(data, source=source, portfolio=portfolio)

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, portfolio: Portfolio | None = None) -> Plan:
        def fail(path: str, expected: str, found: Any) -> DataFormatError:
            return DataFormatError("", location=Location(file=source, path=path), expected=expected, found=found)

        if not isinstance(data, Mapping):
            raise fail("(top level)", "a JSON object", type(data).__name__)
        try:
            status = data["status"]
            if status not in STATUSES:
                raise fail("status", " or ".join(STATUSES), status)
            projects = tuple(
                ProjectDecision(
                    id=str(d["id"]),
                    selected=bool(d["selected"]),
                    start=_opt_int(d.get("start")),
                    finish=_opt_int(d.get("finish")),
                    programme=d.get("programme"),
                    grant=_opt_float(d.get("grant")),
                    own_cost=_opt_float(d.get("own_cost")),
                    benefit=_opt_float(d.get("benefit")),
                )
                for d in data["projects"]
            )
            years = tuple(
                YearFigures(
                    year=int(y["year"]),
                    cost=float(y["cost"]),
                    grant=float(y["grant"]),
                    operating=float(y["operating"]),
                    own_funds=float(y["own_funds"]),
                    budget=float(y["budget"]),
                    staff_days=float(y["staff_days"]),
                    staff_capacity=_opt_float(y.get("staff_capacity")),
                )
                for y in data["years"]
            )
            return cls(
                portfolio_name=str(data["portfolio"]),
                status=status,
                objective=_opt_float(data.get("objective")),
                bound=_opt_float(data.get("bound")),
                gap=_opt_float(data.get("gap")),
                solver=str(data.get("solver", "")),
                projects=projects,
                years=years,
                times=FrozenMap({str(k): float(v) for k, v in (data.get("times") or {}).items()}),
                solver_version=str(data.get("solver_version", "")),
                objective_name=str(data.get("objective_name", "benefit")),
                message=str(data.get("message", "")),
                portfolio=portfolio,
            )
        except KeyError as exc:
            raise DataFormatError(f"the key {exc} is missing", location=Location(file=source)) from None
        except (TypeError, ValueError) as exc:
            raise DataFormatError(f"a value has the wrong type ({exc})", location=Location(file=source)) from None


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _clean(value: float) -> float:
    """Round away float noise so plan.json is stable across solvers (cents are the unit of money)."""
    out = round(float(value), 6)
    return 0.0 if out == 0 else out


def plan_from_decisions(
    portfolio: Portfolio,
    starts: Mapping[str, int],
    programmes: Mapping[str, str],
    *,
    status: str,
    objective: float | None,
    bound: float | None,
    gap: float | None,
    solver: str,
    solver_version: str = "",
    objective_name: str = "benefit",
    times: Mapping[str, float] | None = None,
    message: str = "",
) -> Plan:
    """Compute every figure of a plan from its decisions (start year and programme per selected project)."""
    pf = portfolio
    arr = pf.arrays
    n_t = len(arr.years)
    cost_y = np.zeros(n_t)
    grant_y = np.zeros(n_t)
    op_y = np.zeros(n_t)
    staff_y = np.zeros(n_t)
    decisions = []
    for i, p in enumerate(pf.projects):
        if p.id not in starts:
            decisions.append(ProjectDecision(p.id, False))
            continue
        s = int(starts[p.id])
        t0 = s - pf.horizon.start
        prog = programmes.get(p.id)
        grant = 0.0
        if prog is not None:
            grant = float(arr.grant[i, [g.id for g in pf.programmes].index(prog)])
        total = p.total_cost
        for k in range(p.duration):
            cost_y[t0 + k] += p.cost[k]
            staff_y[t0 + k] += p.staff_days[k]
            if grant and total > 0:
                grant_y[t0 + k] += grant * p.cost[k] / total
        op_y[t0 + p.duration :] += p.operating_cost
        decisions.append(
            ProjectDecision(
                p.id,
                True,
                s,
                s + p.duration - 1,
                prog,
                _clean(grant),
                _clean(total - grant),
                _clean(float(arr.benefit[i])),
            )
        )
    years = tuple(
        YearFigures(
            year=int(y),
            cost=_clean(cost_y[t]),
            grant=_clean(grant_y[t]),
            operating=_clean(op_y[t]),
            own_funds=_clean(cost_y[t] - grant_y[t] + op_y[t]),
            budget=_clean(arr.budget[t]),
            staff_days=_clean(staff_y[t]),
            staff_capacity=None if not math.isfinite(arr.staff_capacity[t]) else _clean(arr.staff_capacity[t]),
        )
        for t, y in enumerate(arr.years)
    )
    return Plan(
        portfolio_name=pf.name,
        status=status,
        objective=None if objective is None else _clean(objective),
        bound=None if bound is None else _clean(bound),
        gap=None if gap is None else float(gap),
        solver=solver,
        projects=tuple(decisions),
        years=years,
        times=FrozenMap({k: round(float(v), 4) for k, v in (times or {}).items()}),
        solver_version=solver_version,
        objective_name=objective_name,
        message=message,
        portfolio=pf,
    )
