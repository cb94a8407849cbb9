"""Shared fixtures: tiny portfolios checkable by hand, and the public benchmark data beside the repository."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from kommunal_planner.model import Criterion, Eligibility, FundingProgramme, Horizon, Portfolio, Project

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
EXAMPLE = REPO / "src" / "kommunal_planner" / "examples" / "musterstadt.yaml"

settings.register_profile("ci", deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public benchmark data beside the repository; skips the test where it is absent (a user's clone)."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"benchmark data not available: {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def example_path() -> Path:
    return EXAMPLE


@pytest.fixture
def tiny() -> Portfolio:
    """Three projects, one year, budget 100: the optimum is {a, c} with benefit 8 (a+b costs 110)."""
    return Portfolio(
        name="Tiny",
        horizon=Horizon(2026, 1),
        budget=100,
        projects=(
            Project("a", benefit=5, cost=60),
            Project("b", benefit=4, cost=50),
            Project("c", benefit=3, cost=40),
        ),
    )


@pytest.fixture
def small() -> Portfolio:
    """Two years, a programme with a pot and a window, a dependency, an exclusive group and a must-do."""
    return Portfolio(
        name="Klein",
        horizon=Horizon(2026, 2),
        budget={2026: 100_000, 2027: 120_000},
        staff_capacity={2026: 100},
        criteria=(Criterion("citizen", "Bürger", 0.6), Criterion("urgency", "Dringlichkeit", 0.4)),
        programmes=(
            FundingProgramme(
                "land",
                "Digitales Rathaus",
                rate=0.8,
                max_grant=20_000,
                min_grant=2_500,
                eligible=Eligibility(fields=("administration",)),
            ),
            FundingProgramme(
                "bund",
                "Smart City",
                rate=0.65,
                pot=50_000,
                windows=(2026,),
                eligible=Eligibility(tags=("pilot",)),
            ),
        ),
        projects=(
            Project(
                "konto",
                "Servicekonto",
                "administration",
                1,
                60_000,
                5_000,
                40,
                {"citizen": 3, "urgency": 5},
                mandatory=True,
            ),
            Project(
                "portal",
                "Bürgerportal",
                "administration",
                1,
                90_000,
                10_000,
                50,
                {"citizen": 5, "urgency": 4},
                requires=("konto",),
            ),
            Project(
                "wlan",
                "WLAN Innenstadt",
                "mobility",
                1,
                80_000,
                8_000,
                30,
                {"citizen": 4, "urgency": 1},
                tags=("pilot",),
                exclusive_group="netz",
            ),
            Project(
                "lora",
                "LoRaWAN",
                "mobility",
                1,
                40_000,
                2_000,
                20,
                {"citizen": 2, "urgency": 2},
                tags=("pilot",),
                exclusive_group="netz",
            ),
        ),
    )
