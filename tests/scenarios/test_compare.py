"""compare(): statuses, changes against the base, tables, plots; failures stay results."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import kommunal_planner as kp
from kommunal_planner.errors import ValidationError
from kommunal_planner.model import Portfolio
from kommunal_planner.scenarios import Comparison, Scenario, compare, example_scenarios


def test_infeasible_scenario_is_a_row_and_the_others_complete(small: Portfolio) -> None:
    scenarios = [
        Scenario("knapp", budget={"factor": 0.3}),  # the must-do konto alone needs 40,000 in 2026
        Scenario("mehr", budget={"factor": 1.5}),
        Scenario("ohne_bund", programmes={"bund": "closed"}),
    ]
    cmp = compare(small, scenarios)
    summary = cmp.summary()
    assert list(summary.index) == ["base", "knapp", "mehr", "ohne_bund"]
    assert summary.loc["knapp", "status"] == "infeasible"
    assert "budget" in summary.loc["knapp", "message"]  # the explanation, in words
    assert (summary.loc[["base", "mehr", "ohne_bund"], "status"] == "optimal").all()
    assert cmp["knapp"].plan is not None and cmp["knapp"].plan.explanation is not None
    assert cmp.base is not None and cmp.base.plan is not None
    assert cmp.base.plan.selected == ("konto", "portal", "lora")
    assert cmp["mehr"].objective is not None and cmp["mehr"].objective >= cmp.base.plan.objective
    # without the pot programme lora keeps its place but pays its 40,000 itself
    closed = cmp["ohne_bund"].plan
    assert closed is not None and all(d.programme != "bund" for d in closed.projects)
    assert closed.total_own_funds > cmp.base.plan.total_own_funds + 20_000
    assert set(cmp.always_selected) <= set(cmp.base.plan.selected)
    assert cmp.entering("knapp") == () and cmp.leaving("knapp") == ()


def test_tables_and_plot(small: Portfolio) -> None:
    cmp = compare(small, [Scenario("mehr", budget={"factor": 1.5}), Scenario("knapp", budget={"factor": 0.3})])
    sel = cmp.selection()
    assert list(sel.columns) == ["base", "mehr", "knapp"] and list(sel.index) == list(small.project_ids)
    assert sel.loc["konto", "base"] == 2026 and sel["knapp"].isna().all()
    assert cmp.selection("selected").loc["konto"].tolist()[:2] == [True, True]
    years = cmp.years()
    assert set(years.index.get_level_values(0)) == {"base", "mehr"}
    for name in ("base", "mehr"):
        plan = cmp[name].plan
        assert plan is not None and plan.verify().ok
        assert years.loc[name, "own_funds"].tolist() == [y.own_funds for y in plan.years]
    fig = cmp.plot()
    assert fig.__class__.__name__ == "Figure" and len(fig.axes) == 2


def test_plot_without_matplotlib_is_a_clear_error(small: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    cmp = compare(small, [Scenario("mehr", budget={"factor": 1.5})])
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    with pytest.raises(kp.KommunalPlannerError, match=r"plots need matplotlib: pip install 'kommunal-planner\[plot\]'"):
        cmp.plot()
    assert list(cmp.selection().columns) == ["base", "mehr"]  # the tables need no matplotlib


def test_reuse_gives_the_rebuilt_optimum(rand10: Portfolio) -> None:
    scenarios = [
        Scenario("b90", budget={"factor": 0.9}),
        Scenario("teuer", costs={"all": 1.25, "tags": {"pilot": {"investment": 1.5}}}),
        Scenario("zu", programmes={rand10.programmes[0].id: "closed", rand10.programmes[1].id: {"rate": 0.5}}),
        Scenario("gewichte", weights={"citizen": 1.0, "strategy": 0.0}),
        Scenario("personal", staff_capacity={"factor": 0.7}),
        Scenario("fix", forced_in=["p3"], forced_out=["p0"]),
    ]
    cmp = compare(rand10, scenarios)
    for s in scenarios:
        outcome = cmp[s.name]
        assert outcome.model == "reuse" and outcome.warm
        rebuilt = s.optimize(rand10)
        assert outcome.status == rebuilt.status
        assert outcome.objective == pytest.approx(rebuilt.objective, abs=1e-6)
        assert outcome.plan is not None and outcome.plan.verify().ok
        # the tie-break rule picks the same plan among equally good ones
        assert [(d.id, d.start, d.programme) for d in outcome.plan.projects] == [
            (d.id, d.start, d.programme) for d in rebuilt.projects
        ]


def test_structural_change_falls_back_to_a_rebuild(small: Portfolio) -> None:
    # a pot where there was none changes the model's shape
    cmp = compare(small, [Scenario("topf", programmes={"land": {"pot": 30_000}})])
    assert cmp["topf"].model == "rebuild"
    assert cmp["topf"].objective == pytest.approx(
        Scenario("topf", programmes={"land": {"pot": 30_000}}).optimize(small).objective
    )


def test_bad_scenarios_raise_before_any_solve(small: Portfolio) -> None:
    with pytest.raises(ValidationError) as info:
        compare(small, [Scenario("ok"), {"name": "tippfehler", "kosten": {"projekte": {"portl": 2}}}])
    assert info.value.item == "scenario 'tippfehler'" and "portal" in str(info.value)
    with pytest.raises(ValidationError, match="used twice"):
        compare(small, [Scenario("a"), Scenario("a")])
    with pytest.raises(ValidationError, match="unknown keyword"):
        compare(small, [Scenario("a")], gapp=0.1)


def test_a_crashing_task_is_a_result(small: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    from kommunal_planner.scenarios import _compare

    real = _compare._solve_scenario

    def flaky(ready, scenario):  # type: ignore[no-untyped-def]
        if scenario is not None and scenario.name == "kaputt":
            raise RuntimeError("solver crashed")
        return real(ready, scenario)

    monkeypatch.setattr(_compare, "_solve_scenario", flaky)
    with ThreadPoolExecutor(2) as pool:
        cmp = compare(small, [Scenario("kaputt"), Scenario("gut")], executor=pool)
    assert cmp["kaputt"].status == "error" and "solver crashed" in cmp["kaputt"].message
    assert cmp["gut"].status == "optimal"


def test_progress_is_reported(small: Portfolio) -> None:
    seen: list[tuple[int, int]] = []
    compare(small, [Scenario("a"), Scenario("b")], progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 2) and seen[-1] == (2, 2)


def test_example_scenarios_compare(example_path: Path) -> None:
    pf = kp.read(example_path)
    cmp = compare(pf, example_scenarios()[:2], gap=0.02, time_limit=20)
    assert isinstance(cmp, Comparison)
    assert all(s in ("optimal", "feasible") for s in cmp.summary()["status"])
