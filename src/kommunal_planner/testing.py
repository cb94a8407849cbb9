"""Hypothesis strategies for portfolios, for this package's tests and for tools built on it.

Needs the ``test`` extra (hypothesis). Every portfolio drawn is valid by construction: dependencies only point
to earlier projects (no cycles), must-dos are left out unless asked for, and all limits lie in the horizon.

Examples
--------
>>> from hypothesis import given
>>> from kommunal_planner.testing import portfolios
>>> @given(portfolios(max_projects=4))
... def test(pf):
...     assert len(pf.projects) <= 4
>>> test()
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from kommunal_planner.model import (
    Criterion,
    Eligibility,
    Focus,
    FundingProgramme,
    Horizon,
    Portfolio,
    Project,
)

__all__ = ["portfolios"]

FIELDS = ("administration", "broadband", "mobility", "education", "health")
TAGS = ("ozg", "pilot", "rural", "school")

_money = st.integers(min_value=0, max_value=400).map(lambda k: float(k * 1000))


@st.composite
def portfolios(
    draw: Any,
    *,
    min_projects: int = 1,
    max_projects: int = 8,
    max_years: int = 4,
    max_programmes: int = 3,
    mandatory: bool = False,
    all_rules: bool = True,
) -> Portfolio:
    """Draw a valid portfolio with every optional rule switched on at random (when *all_rules*)."""
    start = 2026
    years = draw(st.integers(1, max_years))
    horizon = Horizon(start, years)
    end = start + years - 1
    n_crit = draw(st.integers(1, 3))
    criteria = tuple(
        Criterion(f"c{i}", name=f"Kriterium {i}", weight=float(draw(st.integers(1, 5)))) for i in range(n_crit)
    )
    n_p = draw(st.integers(min_projects, max_projects))
    maybe = (lambda s: draw(st.one_of(st.none(), s))) if all_rules else (lambda s: None)
    groups = ("g1", "g2")
    projects: list[Project] = []
    for i in range(n_p):
        duration = draw(st.integers(1, min(3, years)))
        as_list = draw(st.booleans())
        cost: Any = tuple(draw(_money) for _ in range(duration)) if as_list else draw(_money)
        staff: Any = tuple(float(draw(st.integers(0, 60))) for _ in range(duration))
        scores = {c.id: float(draw(st.integers(0, 5))) for c in criteria}
        benefit = maybe(st.integers(1, 120).map(float))
        earliest = maybe(st.integers(start, end - duration + 1))
        deadline = maybe(st.integers((earliest or start) + duration - 1, end))
        requires: tuple[str, ...] = ()
        if i and all_rules and draw(st.booleans()):
            requires = (f"p{draw(st.integers(0, i - 1))}",)
        projects.append(
            Project(
                id=f"p{i}",
                name=f"Projekt {i}",
                field=draw(st.sampled_from(FIELDS)),
                duration=duration,
                cost=cost,
                operating_cost=float(draw(st.integers(0, 30)) * 1000) if all_rules else 0.0,
                staff_days=staff,
                scores=scores,
                benefit=benefit,
                earliest_start=earliest,
                deadline=deadline,
                requires=requires,
                exclusive_group=maybe(st.sampled_from(groups)),
                tags=tuple(draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True))),
                mandatory=mandatory and i == 0 and draw(st.booleans()),
            )
        )
    n_f = draw(st.integers(0, max_programmes))
    programmes = []
    for f in range(n_f):
        windows = maybe(st.lists(st.integers(start, end), min_size=1, max_size=years, unique=True))
        programmes.append(
            FundingProgramme(
                id=f"f{f}",
                name=f"Programm {f}",
                rate=draw(st.sampled_from((0.5, 0.65, 0.8, 0.9))),
                rate_weak=maybe(st.sampled_from((0.9, 0.95))),
                max_grant=maybe(st.integers(20, 300).map(lambda k: float(k * 1000))),
                min_grant=maybe(st.integers(1, 19).map(lambda k: float(k * 1000))),
                pot=maybe(st.integers(50, 600).map(lambda k: float(k * 1000))),
                windows=tuple(windows) if windows else None,
                eligible=Eligibility(
                    fields=tuple(draw(st.lists(st.sampled_from(FIELDS), max_size=2, unique=True))),
                    tags=tuple(draw(st.lists(st.sampled_from(TAGS), max_size=1, unique=True))),
                    projects=tuple(draw(st.lists(st.sampled_from([p.id for p in projects]), max_size=1, unique=True))),
                ),
            )
        )
    budget = {y: float(draw(st.integers(50, 600)) * 1000) for y in horizon.calendar_years}
    staff_cap = {
        y: float(draw(st.integers(20, 150))) for y in horizon.calendar_years if all_rules and draw(st.booleans())
    }
    focus = Focus(draw(st.one_of(st.none(), st.integers(1, 3)))) if all_rules else Focus()
    return Portfolio(
        name="Testgemeinde",
        horizon=horizon,
        budget=budget,
        projects=tuple(projects),
        criteria=criteria,
        programmes=tuple(programmes),
        staff_capacity=staff_cap,
        financially_weak=draw(st.booleans()) if all_rules else False,
        discount_rate=float(draw(st.sampled_from((0.0, 0.02)))),
        focus=focus,
    )
