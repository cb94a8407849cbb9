"""The financing plan (Finanzierungsplan): money per year and per funding programme, commitment authorisations.

Every figure is recomputed from the plan's decisions (start year and programme per project) and the input's cost
profiles, with the rules of DESIGN §3, and the year totals are checked against the plan's own year figures: a plan
file that no longer matches its input is refused rather than reported with figures that do not add up.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kommunal_planner.errors import DataFormatError, KommunalPlannerError, Location
from kommunal_planner.model import Portfolio
from kommunal_planner.optimize import Plan

__all__ = [
    "FINANCING_COLUMNS",
    "ProjectYears",
    "check_plan_matches",
    "financing_plan",
    "programme_summary",
    "project_years",
]

logger = logging.getLogger(__name__)

FloatArray = NDArray[np.float64]

#: The money columns of :func:`financing_plan`, in order.
FINANCING_COLUMNS: Final[tuple[str, ...]] = (
    "investment",
    "grant",
    "own_share",
    "operating",
    "own_funds",
    "commitment",
    "commitment_gross",
    "budget",
    "slack",
)

_TOLERANCE = 1e-6


@dataclass(frozen=True, slots=True)
class ProjectYears:
    """One project's figures per horizon year when it starts in ``start`` with grant ``grant`` [EUR, person-days]."""

    start: int
    cost: FloatArray
    grant: FloatArray
    operating: FloatArray
    staff: FloatArray

    @property
    def own_share(self) -> FloatArray:
        """Investment minus grant, per year [EUR]."""
        return self.cost - self.grant

    @property
    def own_funds(self) -> FloatArray:
        """Own share plus operating costs, per year: what the project takes from the budget [EUR]."""
        return self.cost - self.grant + self.operating


def project_years(portfolio: Portfolio, project_id: str, start: int, grant: float) -> ProjectYears:
    """The figures of one project per horizon year (DESIGN §3: grants follow the cost profile).

    Examples
    --------
    >>> from kommunal_planner.model import Portfolio, Horizon, Project
    >>> pf = Portfolio("M", Horizon(2026, 3), 100, projects=(
    ...     Project("a", benefit=1, duration=2, cost=[60, 40], operating_cost=5),))
    >>> py = project_years(pf, "a", 2026, 50.0)
    >>> py.grant.tolist(), py.own_funds.tolist()
    ([30.0, 20.0, 0.0], [30.0, 20.0, 5.0])
    """
    pf = portfolio
    p = pf.project(project_id)
    n_t = pf.horizon.years
    t0 = start - pf.horizon.start
    cost = np.zeros(n_t)
    grant_y = np.zeros(n_t)
    staff = np.zeros(n_t)
    operating = np.zeros(n_t)
    total = p.total_cost
    for k in range(p.duration):
        if 0 <= t0 + k < n_t:
            cost[t0 + k] += p.cost[k]
            staff[t0 + k] += p.staff_days[k]
            if grant and total > 0:
                grant_y[t0 + k] += grant * p.cost[k] / total
    if t0 + p.duration < n_t:
        operating[max(0, t0 + p.duration) :] = p.operating_cost
    return ProjectYears(start, cost, grant_y, operating, staff)


def _clean(value: float) -> float:
    out = round(float(value), 6)
    return 0.0 if out == 0 else out


def check_plan_matches(plan: Plan, portfolio: Portfolio, *, source: str | None = None) -> None:
    """Raise :class:`DataFormatError` when *plan* was not made for *portfolio* (ids or year figures differ).

    A plan file is read without its input; when the input has changed since (a cost, a budget, a project), the
    figures of a report would no longer add up to plan.json. The message names the first difference.
    """
    loc = Location(file=source)
    plan_ids = [d.id for d in plan.projects]
    if plan_ids != list(portfolio.project_ids):
        missing = [i for i in plan_ids if i not in portfolio.project_ids]
        extra = [i for i in portfolio.project_ids if i not in plan_ids]
        what = (
            f"project '{missing[0]}' of the plan is not in the input"
            if missing
            else f"project '{extra[0]}' of the input is not in the plan"
            if extra
            else "the projects are in a different order"
        )
        raise DataFormatError(
            f"the plan was made for another input: {what}", location=loc, hint="run `plan` again on this input"
        )
    if not plan.success:
        return
    years = [y.year for y in plan.years]
    if years != list(portfolio.horizon.calendar_years):
        raise DataFormatError(
            "the plan was made for another input",
            location=loc,
            expected=f"the horizon {portfolio.horizon.start}–{portfolio.horizon.end}",
            found=f"{years[0]}–{years[-1]}" if years else "no years",
            hint="run `plan` again on this input",
        )
    frame = _per_project(plan, portfolio)
    grouped = frame.groupby("year")[["investment", "grant", "operating", "staff"]].sum().reset_index()
    sums: dict[int, dict[str, float]] = {
        int(rec["year"]): {str(k): float(v) for k, v in rec.items() if k != "year"}
        for rec in grouped.to_dict("records")
    }
    empty = {"investment": 0.0, "grant": 0.0, "operating": 0.0, "staff": 0.0}
    for y in plan.years:
        row = sums.get(y.year, empty)
        for name, mine, theirs in (
            ("investment", row["investment"], y.cost),
            ("grant", row["grant"], y.grant),
            ("operating", row["operating"], y.operating),
            ("budget", portfolio.budget[y.year], y.budget),
            ("staff days", row["staff"], y.staff_days),
        ):
            if abs(float(mine) - float(theirs)) > _TOLERANCE * max(1.0, abs(float(theirs))):
                raise DataFormatError(
                    f"the plan does not match the input: {name} {y.year} is {float(theirs):,.2f} in the plan "
                    f"but {float(mine):,.2f} from the input",
                    location=loc,
                    hint="run `plan` again on this input",
                )


def _per_project(plan: Plan, portfolio: Portfolio) -> pd.DataFrame:
    """Long table: one row per selected project and horizon year."""
    pf = portfolio
    rows: list[dict[str, object]] = []
    years = pf.horizon.calendar_years
    for d in plan.projects:
        if not d.selected or d.start is None:
            continue
        py = project_years(pf, d.id, d.start, float(d.grant or 0.0))
        own_later = py.own_share[years.index(d.start) + 1 :].sum() if d.start in years else 0.0
        cost_later = py.cost[years.index(d.start) + 1 :].sum() if d.start in years else 0.0
        for t, year in enumerate(years):
            rows.append(
                {
                    "project": d.id,
                    "programme": d.programme,
                    "year": year,
                    "investment": py.cost[t],
                    "grant": py.grant[t],
                    "operating": py.operating[t],
                    "staff": py.staff[t],
                    "commitment": own_later if year == d.start else 0.0,
                    "commitment_gross": cost_later if year == d.start else 0.0,
                }
            )
    columns = [
        "project",
        "programme",
        "year",
        "investment",
        "grant",
        "operating",
        "staff",
        "commitment",
        "commitment_gross",
    ]
    return pd.DataFrame(rows, columns=columns)


def financing_plan(plan: Plan, portfolio: Portfolio | None = None) -> pd.DataFrame:
    """The financing plan: per year, one row per funding programme used and one total row.

    Parameters
    ----------
    plan
        A plan holding a solution.
    portfolio
        The input it was made for (default: ``plan.portfolio``); needed for the cost profiles.

    Returns
    -------
    pandas.DataFrame
        Columns ``year``, ``level`` (``"programme"`` or ``"total"``), ``programme`` (the programme id; None for
        projects without funding and on total rows) and, all in EUR:

        * ``investment`` — investment cost paid in the year;
        * ``grant`` — grants paid in the year (along each project's cost profile);
        * ``own_share`` — investment minus grants (Eigenanteil);
        * ``operating`` — operating costs (Folgekosten) of projects finished before the year;
        * ``own_funds`` — own share plus operating costs: what the plan takes from the budget (Eigenmittel);
        * ``commitment`` — the commitment authorisation (Verpflichtungsermächtigung, VE) needed in the year:
          **the VE in budget year t is the sum of the own-funds payments in years after t of the projects that
          start in t**, i.e. the obligations entered in t for later years. Own-funds payments here are the
          investment's own share (investment minus grant) of the later project years; operating costs are not
          included, since they are budgeted each year as running expenditure, not contracted at the start;
        * ``commitment_gross`` — the same obligations before grants (the later years' investment), the figure a
          budget statute (Haushaltssatzung) authorises where VE are approved gross;
        * ``budget``, ``slack`` — on total rows only (NaN on programme rows): the own-funds budget and what is
          left of it.

        Programme rows are listed for every programme the plan uses (and a row without programme when a project
        is unfunded), in every year, so the table pivots cleanly. Each total row equals the plan's year figures
        exactly (``cost``, ``grant``, ``operating``, ``own_funds``, ``budget``, ``slack`` of plan.json); the
        programme rows add up to it.

    Raises
    ------
    KommunalPlannerError
        When the plan holds no solution, or no portfolio is given or attached.
    DataFormatError
        When the plan does not match the portfolio (see :func:`check_plan_matches`).

    Examples
    --------
    >>> from kommunal_planner.model import Portfolio, Horizon, Project
    >>> from kommunal_planner.optimize import optimize
    >>> pf = Portfolio("M", Horizon(2026, 2), 100, projects=(
    ...     Project("a", benefit=5, duration=2, cost=[60, 40]),))
    >>> fp = financing_plan(optimize(pf))
    >>> fp[fp.level == "total"][["year", "investment", "own_funds", "commitment", "slack"]]
       year  investment  own_funds  commitment  slack
    1  2026        60.0       60.0        40.0   40.0
    3  2027        40.0       40.0         0.0   60.0
    """
    pf = portfolio or plan.portfolio
    if pf is None:
        raise KommunalPlannerError("the financing plan needs the input: financing_plan(plan, portfolio)")
    if not plan.success:
        raise KommunalPlannerError(f"no financing plan for a plan without a solution (status {plan.status})")
    check_plan_matches(plan, pf)
    per = _per_project(plan, pf)
    order = [g.id for g in pf.programmes]
    used = {d.programme for d in plan.projects if d.selected}
    keys: list[str | None] = [f for f in order if f in used]
    if None in used:
        keys.append(None)
    records: list[dict[str, object]] = []
    for y in plan.years:
        in_year = per[per["year"] == y.year]
        for key in keys:
            part = in_year[in_year["programme"].isna()] if key is None else in_year[in_year["programme"] == key]
            inv, grant, op = (float(part[c].sum()) for c in ("investment", "grant", "operating"))
            records.append(
                {
                    "year": y.year,
                    "level": "programme",
                    "programme": key,
                    "investment": _clean(inv),
                    "grant": _clean(grant),
                    "own_share": _clean(inv - grant),
                    "operating": _clean(op),
                    "own_funds": _clean(inv - grant + op),
                    "commitment": _clean(float(part["commitment"].sum())),
                    "commitment_gross": _clean(float(part["commitment_gross"].sum())),
                    "budget": math.nan,
                    "slack": math.nan,
                }
            )
        records.append(
            {
                "year": y.year,
                "level": "total",
                "programme": None,
                "investment": y.cost,
                "grant": y.grant,
                "own_share": _clean(y.cost - y.grant),
                "operating": y.operating,
                "own_funds": y.own_funds,
                "commitment": _clean(float(in_year["commitment"].sum())),
                "commitment_gross": _clean(float(in_year["commitment_gross"].sum())),
                "budget": y.budget,
                "slack": y.slack,
            }
        )
    frame = pd.DataFrame(records, columns=["year", "level", "programme", *FINANCING_COLUMNS])
    frame["programme"] = frame["programme"].astype(object)
    frame["year"] = frame["year"].astype("int64")
    return frame


def programme_summary(plan: Plan, portfolio: Portfolio | None = None) -> pd.DataFrame:
    """Per funding programme: rate, cap, pot, window, how many projects it funds, their grants and what is left.

    Returns
    -------
    pandas.DataFrame
        Indexed by programme id, in input order; columns ``name``, ``rate`` (the rate paid, given
        ``financially_weak``), ``max_grant``, ``pot``, ``windows`` (text, empty for any year), ``projects``,
        ``grant`` [EUR] and ``pot_left`` [EUR, NaN without a pot].
    """
    pf = portfolio or plan.portfolio
    if pf is None:
        raise KommunalPlannerError("the programme summary needs the input: programme_summary(plan, portfolio)")
    rows = []
    for prog in pf.programmes:
        funded = [d for d in plan.projects if d.selected and d.programme == prog.id]
        total = float(sum(d.grant or 0.0 for d in funded))
        rows.append(
            {
                "programme": prog.id,
                "name": prog.name,
                "rate": prog.effective_rate(pf.financially_weak),
                "max_grant": math.nan if prog.max_grant is None else prog.max_grant,
                "pot": math.nan if prog.pot is None else prog.pot,
                "windows": ", ".join(str(y) for y in prog.windows) if prog.windows else "",
                "projects": len(funded),
                "grant": _clean(total),
                "pot_left": math.nan if prog.pot is None else _clean(prog.pot - total),
            }
        )
    columns = ["programme", "name", "rate", "max_grant", "pot", "windows", "projects", "grant", "pot_left"]
    return pd.DataFrame(rows, columns=columns).set_index("programme")
