"""An independent verifier: re-checks every rule of DESIGN §3 on a plan, from the plan and the raw input alone.

It deliberately shares no code with the formulation or the derived arrays: it walks the projects and
programmes in plain Python, recomputes grants, own funds and staff per year, and compares them with the rules and
with the figures the plan reports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kommunal_planner.model import Portfolio, Project

if TYPE_CHECKING:
    from kommunal_planner.optimize._plan import Plan

__all__ = ["Verification", "Violation", "verify_plan"]


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule: which rule, about what, and the numbers."""

    rule: str
    item: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule} ({self.item}): {self.message}"


@dataclass(frozen=True, slots=True)
class Verification:
    """The verifier's findings; ``ok`` when there are none."""

    violations: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        return not self.violations

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        if self.ok:
            return "the plan keeps every rule"
        return "\n".join(str(v) for v in self.violations)


def _close(a: float, b: float, tol: float = 1e-6) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


def _benefit(p: Project, portfolio: Portfolio) -> float:
    if p.benefit is not None:
        return float(p.benefit)
    total_w = sum(c.weight for c in portfolio.criteria)
    return 100.0 * sum(c.weight * p.scores[c.id] for c in portfolio.criteria) / (5.0 * total_w)


def verify_plan(plan: Plan, portfolio: Portfolio) -> Verification:
    """Check *plan* against every rule of *portfolio*; see :meth:`Plan.verify`."""
    out: list[Violation] = []

    def bad(rule: str, item: str, message: str) -> None:
        out.append(Violation(rule, item, message))

    pf = portfolio
    h0, h1 = pf.horizon.start, pf.horizon.start + pf.horizon.years - 1
    by_id = {p.id: p for p in pf.projects}
    progs = {g.id: g for g in pf.programmes}
    decided = {d.id: d for d in plan.projects}
    if not plan.success:
        return Verification(())
    for pid in by_id:
        if pid not in decided:
            bad("completeness", pid, "the plan does not list this project")
    for pid in decided:
        if pid not in by_id:
            bad("completeness", pid, "the plan lists a project the portfolio does not have")

    cost: dict[int, float] = defaultdict(float)
    grant_paid: dict[int, float] = defaultdict(float)
    operating: dict[int, float] = defaultdict(float)
    staff: dict[int, float] = defaultdict(float)
    pot_used: dict[str, float] = defaultdict(float)
    fields_used: set[str] = set()
    groups: dict[str, list[str]] = defaultdict(list)
    total_benefit = 0.0
    for pid, p in by_id.items():
        d = decided.get(pid)
        if d is None:
            continue
        if not d.selected:
            if p.mandatory:
                bad("mandatory", pid, "a mandatory project is not selected")
            if any(v is not None for v in (d.start, d.finish, d.programme, d.grant, d.own_cost, d.benefit)):
                bad("export", pid, "an unselected project must have null figures")
            continue
        s = d.start
        if s is None:
            bad("export", pid, "a selected project has no start year")
            continue
        f = s + p.duration - 1
        if d.finish != f:
            bad("export", pid, f"finish {d.finish} but start {s} + duration {p.duration} − 1 = {f}")
        if s < h0 or f > h1:
            bad("horizon", pid, f"runs {s}–{f}, outside the horizon {h0}–{h1}")
        if p.earliest_start is not None and s < p.earliest_start:
            bad("earliest_start", pid, f"starts {s}, before its earliest start {p.earliest_start}")
        if p.latest_start is not None and s > p.latest_start:
            bad("latest_start", pid, f"starts {s}, after its latest start {p.latest_start}")
        if p.deadline is not None and f > p.deadline:
            bad("deadline", pid, f"runs until {f}, after its deadline {p.deadline}")
        fields_used.add(p.field)
        if p.exclusive_group is not None:
            groups[p.exclusive_group].append(pid)
        benefit = _benefit(p, pf)
        total_benefit += benefit
        if d.benefit is None or not _close(d.benefit, benefit):
            bad("export", pid, f"benefit {d.benefit} reported, {benefit:.6f} recomputed")
        total = sum(p.cost)
        grant = 0.0
        if d.programme is not None:
            g = progs.get(d.programme)
            if g is None:
                bad("programme", pid, f"funded by unknown programme '{d.programme}'")
            else:
                el = g.eligible
                if not (p.field in el.fields or p.id in el.projects or set(p.tags) & set(el.tags)):
                    bad("eligibility", pid, f"not eligible for '{g.id}' by field, id or tag")
                if g.windows is not None and s not in g.windows:
                    bad("window", pid, f"starts {s}, outside the windows {list(g.windows)} of '{g.id}'")
                rate = g.rate_weak if (pf.financially_weak and g.rate_weak is not None) else g.rate
                grant = rate * total
                if g.max_grant is not None:
                    grant = min(grant, g.max_grant)
                if g.min_grant is not None and grant < g.min_grant:
                    bad(
                        "min_grant",
                        pid,
                        f"grant {grant:,.2f} is below the minimum {g.min_grant:,.2f} of '{g.id}'",
                    )
                pot_used[g.id] += grant
        if not _close(d.grant or 0.0, grant):
            bad("export", pid, f"grant {d.grant} reported, {grant:,.2f} recomputed")
        if not _close(d.own_cost or 0.0, total - grant):
            bad("export", pid, f"own cost {d.own_cost} reported, {total - grant:,.2f} recomputed")
        for k in range(p.duration):
            year = s + k
            cost[year] += p.cost[k]
            staff[year] += p.staff_days[k]
            if total > 0:
                grant_paid[year] += grant * p.cost[k] / total
        for year in range(f + 1, h1 + 1):
            operating[year] += p.operating_cost
        for req in p.requires:
            r = decided.get(req)
            if r is None or not r.selected or r.start is None:
                bad("requires", pid, f"requires '{req}', which is not selected")
            elif s < r.start + by_id[req].duration:
                bad("requires", pid, f"starts {s}, but '{req}' runs until {r.start + by_id[req].duration - 1}")
    for gid, members in groups.items():
        if len(members) > 1:
            bad("exclusive_group", gid, f"{len(members)} projects of one group selected: {', '.join(members)}")
    if pf.focus.max_fields is not None and len(fields_used) > pf.focus.max_fields:
        bad(
            "focus",
            "focus.max_fields",
            f"{len(fields_used)} fields used ({', '.join(sorted(fields_used))}), at most {pf.focus.max_fields}",
        )
    for gid, used in pot_used.items():
        pot = progs[gid].pot
        if pot is not None and used > pot * (1 + 1e-9) + 1e-6:
            bad("pot", gid, f"grants {used:,.2f} exceed the pot {pot:,.2f}")
    years = {y.year: y for y in plan.years}
    for year in range(h0, h1 + 1):
        own = cost[year] - grant_paid[year] + operating[year]
        budget = pf.budget[year]
        if own > budget + 1e-6 * max(1.0, budget):
            bad("budget", str(year), f"own funds {own:,.2f} exceed the budget {budget:,.2f}")
        cap = pf.staff_capacity.get(year)
        if cap is not None and staff[year] > cap + 1e-6 * max(1.0, cap):
            bad("staff", str(year), f"{staff[year]:,.2f} staff days exceed the capacity {cap:,.2f}")
        y = years.get(year)
        if y is None:
            bad("export", str(year), "the plan has no figures for this year")
            continue
        for name, value in (
            ("cost", cost[year]),
            ("grant", grant_paid[year]),
            ("operating", operating[year]),
            ("own_funds", own),
            ("staff_days", staff[year]),
            ("budget", budget),
        ):
            if not _close(getattr(y, name), value):
                bad("export", str(year), f"{name} {getattr(y, name)} reported, {value:,.2f} recomputed")
    if plan.objective_name == "benefit" and plan.objective is not None and not _close(plan.objective, total_benefit):
        bad(
            "objective",
            "objective",
            f"{plan.objective} reported, total benefit {total_benefit:.6f} recomputed",
        )
    return Verification(tuple(out))
