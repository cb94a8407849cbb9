"""The optimiser against exhaustive enumeration on small random portfolios with every rule switched on.

The enumeration below is written from DESIGN §3 alone, sharing no code with the formulation: it tries every
selection, start year and programme per project (depth-first, pruning only on rules that can only get worse as
projects are added), and keeps the best total benefit.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings

import kommunal_planner as kp
from kommunal_planner.model import Portfolio
from kommunal_planner.testing import portfolios


def _benefit(p: object, pf: Portfolio) -> float:
    if p.benefit is not None:  # type: ignore[attr-defined]
        return float(p.benefit)  # type: ignore[attr-defined]
    w = sum(c.weight for c in pf.criteria)
    return 100 * sum(c.weight * p.scores[c.id] for c in pf.criteria) / (5 * w)  # type: ignore[attr-defined]


def exhaustive_optimum(pf: Portfolio) -> float | None:
    """Best total benefit over all plans that keep every rule, or None when there is none."""
    h0 = pf.horizon.start
    h1 = h0 + pf.horizon.years - 1
    years = list(range(h0, h1 + 1))
    projects = sorted(pf.projects, key=lambda p: -_benefit(p, pf))
    options = []
    for p in projects:
        total = sum(p.cost)
        opts: list[tuple[int, str | None, float]] = []
        for s in years:
            f = s + p.duration - 1
            if f > h1 or (p.earliest_start and s < p.earliest_start) or (p.latest_start and s > p.latest_start):
                continue
            if p.deadline is not None and f > p.deadline:
                continue
            opts.append((s, None, 0.0))
            for g in pf.programmes:
                el = g.eligible
                if not (p.field in el.fields or p.id in el.projects or set(p.tags) & set(el.tags)):
                    continue
                if g.windows is not None and s not in g.windows:
                    continue
                rate = g.rate_weak if pf.financially_weak and g.rate_weak is not None else g.rate
                grant = min(rate * total, g.max_grant if g.max_grant is not None else math.inf)
                if (g.min_grant is not None and grant < g.min_grant) or grant <= 0:
                    continue
                opts.append((s, g.id, grant))
        options.append(opts)
    benefits = [_benefit(p, pf) for p in projects]
    rest = [sum(benefits[i:]) for i in range(len(projects))] + [0.0]
    best: list[float | None] = [None]
    own = dict.fromkeys(years, 0.0)
    staff = dict.fromkeys(years, 0.0)
    pots: dict[str, float] = {}
    chosen: dict[str, int] = {}

    def fits() -> bool:
        return (
            all(own[y] <= pf.budget[y] + 1e-6 for y in years)
            and all(staff[y] <= pf.staff_capacity[y] + 1e-9 for y in years if y in pf.staff_capacity)
            and all(v <= (pf.programme(k).pot or math.inf) + 1e-6 for k, v in pots.items())
        )

    def leaf_ok() -> bool:
        for p in projects:
            if p.id in chosen:
                for r in p.requires:
                    if r not in chosen or chosen[p.id] < chosen[r] + pf.project(r).duration:
                        return False
        return True

    def dfs(i: int, value: float, groups: frozenset[str], fields: frozenset[str]) -> None:
        if best[0] is not None and value + rest[i] <= best[0] + 1e-9:
            return
        if i == len(projects):
            if leaf_ok():
                best[0] = value
            return
        p = projects[i]
        total = sum(p.cost)
        for s, prog, grant in options[i]:
            if p.exclusive_group and p.exclusive_group in groups:
                break
            new_fields = fields | {p.field}
            if pf.focus.max_fields is not None and len(new_fields) > pf.focus.max_fields:
                break
            delta = {}
            for k in range(p.duration):
                delta[s + k] = p.cost[k] - (grant * p.cost[k] / total if total else 0.0)
            for y in range(s + p.duration, h1 + 1):
                delta[y] = delta.get(y, 0.0) + p.operating_cost
            for y, v in delta.items():
                own[y] += v
            for k in range(p.duration):
                staff[s + k] += p.staff_days[k]
            if prog:
                pots[prog] = pots.get(prog, 0.0) + grant
            chosen[p.id] = s
            if fits():
                dfs(
                    i + 1,
                    value + benefits[i],
                    groups | ({p.exclusive_group} if p.exclusive_group else set()),
                    new_fields,
                )
            del chosen[p.id]
            if prog:
                pots[prog] -= grant
            for k in range(p.duration):
                staff[s + k] -= p.staff_days[k]
            for y, v in delta.items():
                own[y] -= v
        if not p.mandatory:
            dfs(i + 1, value, groups, fields)

    dfs(0, 0.0, frozenset(), frozenset())
    return best[0]


@settings(max_examples=120)
@given(portfolios(max_projects=12, max_years=4, max_programmes=3, mandatory=True))
def test_highs_matches_exhaustive_enumeration(pf: Portfolio) -> None:
    expected = exhaustive_optimum(pf)
    plan = kp.optimize(pf)
    if expected is None:
        assert plan.status == "infeasible"
        assert plan.explanation is not None and plan.explanation.text_en
        return
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(expected, abs=1e-5)
    report = plan.verify()
    assert report.ok, str(report)


@settings(max_examples=25)
@given(portfolios(max_projects=8, max_years=3, max_programmes=2))
def test_cbc_matches_exhaustive_enumeration(pf: Portfolio) -> None:
    expected = exhaustive_optimum(pf)
    plan = kp.optimize(pf, solver="cbc")
    assert expected is not None  # no must-dos: the empty plan is always feasible
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(expected, abs=1e-5)
    assert plan.verify().ok


@settings(max_examples=25)
@given(portfolios(max_projects=8, max_years=4, max_programmes=3))
def test_every_plan_keeps_every_rule_and_is_deterministic(pf: Portfolio) -> None:
    first = kp.optimize(pf)
    assert first.status == "optimal"
    assert first.verify().ok, str(first.verify())
    again = kp.optimize(pf)
    assert again.to_dict() | {"times": None} == first.to_dict() | {"times": None}
