"""Results do not depend on where a batch runs: in-process, a user's process pool, a pool of its own, Dask."""

from __future__ import annotations

from concurrent.futures import Executor
from typing import Any

import pandas as pd
import pytest

from kommunal_planner.model import Portfolio
from kommunal_planner.scenarios import (
    CostUncertainty,
    LogNormal,
    NormalClipped,
    Scenario,
    Triangular,
    Uncertainty,
    Uniform,
    compare,
    frontier,
    robustness,
    sensitivity,
)

SPEC = Uncertainty(
    costs=(
        CostUncertainty(Triangular(0.9, 1.0, 1.4)),
        CostUncertainty(LogNormal(0.2), scope="tag", key="pilot", applies_to="both"),
        CostUncertainty(Uniform(0.95, 1.3), scope="field", key="health", common=True),
        CostUncertainty(NormalClipped(0.1, 1.05, 0.8, 1.5), scope="project", key="p3", applies_to="operating"),
    ),
    approval_probability={"f0": 0.5, "f3": 0.7},
    weight_concentration=40.0,
)


def _where(kind: str, request: pytest.FixtureRequest) -> dict[str, Any]:
    if kind == "serial":
        return {}
    if kind == "own_pool":
        return {"workers": 2}
    name = "process_pool" if kind == "user_pool" else "dask_executor"
    executor: Executor = request.getfixturevalue(name)
    return {"executor": executor}


KINDS = ["serial", "user_pool", "own_pool", "dask"]


@pytest.fixture(scope="module")
def reference(rand10: Portfolio) -> dict[str, Any]:
    scenarios = [
        Scenario("b80", budget={"factor": 0.8}),
        Scenario("teuer", costs={"all": 1.2}),
        Scenario("zu", programmes={"f0": "closed"}),
        Scenario("unmoeglich", budget={"factor": 0.01}, forced_in=["p1", "p2", "p3"]),
    ]
    return {
        "scenarios": scenarios,
        "compare": _compare_tables(compare(rand10, scenarios, explain=False)),
        "robustness": _robust_tables(robustness(rand10, SPEC, draws=24, seed=11)),
        "frontier": _frontier_tables(frontier(rand10, points=5, sweep=(0.6, 1.0, 1.4))),
        "sensitivity": _sens_tables(sensitivity(rand10, projects=["p0", "p1", "p2"], tolerance=0.05)),
    }


def _compare_tables(cmp: Any) -> list[pd.DataFrame]:
    return [cmp.summary().drop(columns=["seconds"]), cmp.selection(), cmp.years()]


def _robust_tables(r: Any) -> list[pd.DataFrame]:
    return [r.selection(), r.overrun(), r.postponements(), r.draws_frame().drop(columns=["seconds"])]


def _frontier_tables(f: Any) -> list[pd.DataFrame]:
    return [f.frame(), f.sweep_frame()]


def _sens_tables(s: Any) -> list[pd.DataFrame]:
    return [s.projects(), s.resources()]


def _same(a: list[pd.DataFrame], b: list[pd.DataFrame]) -> None:
    for x, y in zip(a, b, strict=True):
        pd.testing.assert_frame_equal(x, y)


@pytest.mark.parametrize("kind", KINDS)
def test_compare_does_not_depend_on_the_executor(
    kind: str, rand10: Portfolio, reference: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    cmp = compare(rand10, reference["scenarios"], explain=False, **_where(kind, request))
    assert cmp["unmoeglich"].status == "infeasible"
    assert all(cmp[s].status == "optimal" for s in ("base", "b80", "teuer", "zu"))
    _same(_compare_tables(cmp), reference["compare"])


@pytest.mark.parametrize("kind", KINDS)
def test_monte_carlo_does_not_depend_on_the_executor(
    kind: str, rand10: Portfolio, reference: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    r = robustness(rand10, SPEC, draws=24, seed=11, chunk_size=5, **_where(kind, request))
    assert r.statuses() == {"optimal": 24}
    _same(_robust_tables(r), reference["robustness"])


@pytest.mark.parametrize("kind", ["serial", "dask"])
def test_frontier_and_sensitivity_do_not_depend_on_the_executor(
    kind: str, rand10: Portfolio, reference: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    where = _where(kind, request)
    _same(_frontier_tables(frontier(rand10, points=5, sweep=(0.6, 1.0, 1.4), **where)), reference["frontier"])
    _same(
        _sens_tables(sensitivity(rand10, projects=["p0", "p1", "p2"], tolerance=0.05, **where)),
        reference["sensitivity"],
    )
