"""Fixtures of the report tests: a portfolio that exercises every reason, and a Markdown table reader."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest

import kommunal_planner as kp
from kommunal_planner.model import Criterion, Eligibility, Focus, FundingProgramme, Horizon, Portfolio, Project

DATE = dt.date(2026, 3, 1)


@pytest.fixture
def rich() -> Portfolio:
    """Three years and small budgets, so that each kind of reason (budget, staff, variant, prerequisite, time
    frame, focus, funding window and pot) decides at least one project."""
    crit = (Criterion("citizen", "Bürgerpriorität", 3), Criterion("urgency", "Dringlichkeit", 2))
    return Portfolio(
        name="Reichweite",
        horizon=Horizon(2026, 3),
        budget={2026: 100_000, 2027: 90_000, 2028: 90_000},
        staff_capacity={2026: 60, 2027: 80},
        criteria=crit,
        focus=Focus(max_fields=2),
        programmes=(
            FundingProgramme(
                "land", "Digitales Rathaus", rate=0.8, max_grant=20_000, min_grant=2_500, eligible=Eligibility(("adm",))
            ),
            FundingProgramme(
                "bund", "Smart City", rate=0.6, pot=30_000, windows=(2026,), eligible=Eligibility(tags=("pilot",))
            ),
        ),
        projects=(
            Project("konto", "Servicekonto", "adm", 1, 50_000, 4_000, 30, {"citizen": 3, "urgency": 5}, mandatory=True),
            Project(
                "portal", "Bürgerportal", "adm", 1, 60_000, 6_000, 30, {"citizen": 5, "urgency": 4}, requires=("konto",)
            ),
            Project(
                "akte_a",
                "E-Akte Basis",
                "adm",
                1,
                30_000,
                3_000,
                20,
                {"citizen": 2, "urgency": 4},
                exclusive_group="akte",
            ),
            Project(
                "akte_b",
                "E-Akte Komplett",
                "adm",
                2,
                [60_000, 60_000],
                9_000,
                [40, 40],
                {"citizen": 3, "urgency": 4},
                exclusive_group="akte",
            ),
            Project("huge", "Glasfaser", "net", 2, [300_000, 300_000], 0, 20, {"citizen": 5, "urgency": 5}),
            Project("app", "Stadt-App", "net", 1, 20_000, 2_000, 10, {"citizen": 3, "urgency": 1}, requires=("huge",)),
            Project("sensor", "Sensoren", "net", 1, 50_000, 1_000, 10, {"citizen": 2, "urgency": 3}, tags=("pilot",)),
            Project(
                "staffy",
                "Schulung",
                "adm",
                1,
                5_000,
                0,
                90,
                {"citizen": 3, "urgency": 3},
                earliest_start=2026,
                latest_start=2027,
            ),
            Project("never", "Großprojekt", "adm", 3, 30_000, 0, 0, {"citizen": 5, "urgency": 5}, deadline=2027),
            Project("culture", "Museum digital", "culture", 1, 10_000, 0, 5, {"citizen": 4, "urgency": 2}),
            Project("wait", "Wartenummern", "adm", 1, 3_000, 500, 2, {"citizen": 1, "urgency": 1}),
        ),
    )


@pytest.fixture
def rich_plan(rich: Portfolio) -> kp.Plan:
    return kp.optimize(rich)


@pytest.fixture
def report_date() -> dt.date:
    return DATE


@pytest.fixture
def md_tables() -> Callable[[str], dict[str, tuple[list[str], list[list[str]]]]]:
    """The Markdown table reader below, as a fixture (test modules cannot import conftest)."""
    return markdown_tables


_CAPTION = re.compile(r"^\*\*(?:Tabelle|Table) \d+: (.*)\*\*$")


def markdown_tables(text: str) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Every numbered table of a Markdown document: caption -> (header, rows), bold and escapes removed."""
    lines = text.splitlines()
    tables: dict[str, tuple[list[str], list[list[str]]]] = {}
    k = 0
    while k < len(lines):
        match = _CAPTION.match(lines[k])
        if not match:
            k += 1
            continue
        caption = match.group(1).replace("\\", "")
        k += 2
        rows: list[list[str]] = []
        while k < len(lines) and lines[k].startswith("|"):
            cells = re.split(r"(?<!\\)\|", lines[k].strip()[1:-1])
            rows.append([c.strip().strip("*").replace("\\", "") for c in cells])
            k += 1
        tables[caption] = (rows[0], rows[2:])
    return tables
