"""Random portfolios of any size for the benchmarks: realistic shapes, tight yearly budgets, every rule in use."""

from __future__ import annotations

import numpy as np

from kommunal_planner.model import Criterion, Eligibility, Focus, FundingProgramme, Horizon, Portfolio, Project

FIELDS = (
    "administration",
    "broadband",
    "mobility",
    "retail",
    "tourism",
    "education",
    "health",
    "participation",
    "environment",
    "economy",
)
TAGS = ("ozg", "pilot", "rural", "school", "smart_city", "retail")


def random_portfolio(
    n_projects: int,
    *,
    years: int = 6,
    n_programmes: int = 6,
    seed: int = 0,
    tightness: float = 0.35,
    dependencies: float = 0.15,
    groups: float = 0.1,
    focus: int | None = None,
) -> Portfolio:
    """A random portfolio whose yearly budgets cover about *tightness* of the average yearly own cost."""
    rng = np.random.default_rng(seed)
    criteria = (
        Criterion("citizen", weight=0.3),
        Criterion("strategy", weight=0.25),
        Criterion("urgency", weight=0.2),
        Criterion("economy", weight=0.15),
        Criterion("feasibility", weight=0.1),
    )
    projects = []
    for i in range(n_projects):
        d = int(rng.integers(1, min(3, years) + 1))
        total = float(rng.integers(10, 400) * 1000)
        shares = rng.dirichlet(np.ones(d))
        cost = tuple(float(round(total * s, -2)) for s in shares)
        staff = tuple(float(rng.integers(5, 80)) for _ in range(d))
        requires: tuple[str, ...] = ()
        if i > 5 and rng.random() < dependencies:
            requires = (f"p{int(rng.integers(0, i))}",)
        projects.append(
            Project(
                id=f"p{i}",
                name=f"Projekt {i}",
                field=str(rng.choice(FIELDS)),
                duration=d,
                cost=cost,
                operating_cost=float(rng.integers(0, 30) * 1000),
                staff_days=staff,
                scores={c.id: float(rng.integers(0, 6)) for c in criteria},
                requires=requires,
                exclusive_group=f"g{int(rng.integers(0, max(1, n_projects // 10)))}" if rng.random() < groups else None,
                tags=tuple(sorted({str(t) for t in rng.choice(TAGS, size=int(rng.integers(0, 3)), replace=False)})),
            )
        )
    programmes = []
    for f in range(n_programmes):
        programmes.append(
            FundingProgramme(
                id=f"f{f}",
                rate=float(rng.choice([0.5, 0.65, 0.8, 0.9])),
                max_grant=float(rng.integers(50, 400) * 1000) if rng.random() < 0.6 else None,
                min_grant=float(rng.integers(1, 10) * 1000) if rng.random() < 0.3 else None,
                pot=float(rng.integers(2, 8) * 100_000 * max(1, n_projects // 40)) if rng.random() < 0.5 else None,
                windows=tuple(
                    sorted(
                        {
                            int(y)
                            for y in rng.choice(np.arange(2026, 2026 + years), size=int(rng.integers(1, years + 1)))
                        }
                    )
                )
                if rng.random() < 0.4
                else None,
                eligible=Eligibility(
                    fields=tuple(str(x) for x in rng.choice(FIELDS, size=2, replace=False)),
                    tags=(str(rng.choice(TAGS)),),
                ),
            )
        )
    avg_yearly = sum(p.total_cost for p in projects) / years
    budget = {2026 + t: float(round(avg_yearly * tightness * rng.uniform(0.85, 1.15), -3)) for t in range(years)}
    staff_total = sum(p.total_staff_days for p in projects) / years
    capacity = {2026 + t: float(round(staff_total * 0.6)) for t in range(years) if rng.random() < 0.7}
    return Portfolio(
        name=f"Zufall-{n_projects}-{seed}",
        horizon=Horizon(2026, years),
        budget=budget,
        projects=tuple(projects),
        criteria=criteria,
        programmes=tuple(programmes),
        staff_capacity=capacity,
        focus=Focus(focus),
    )
