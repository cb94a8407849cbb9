"""Roadmaps end to end: hand-checked small plans, release dates, settings and their errors, the example municipality."""

from __future__ import annotations

import logging
import sys
import warnings
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import kommunal_planner as kp
from kommunal_planner.model import Eligibility
from kommunal_planner.roadmap._roadmap import Roadmap, roadmap
from kommunal_planner.roadmap._settings import Pool, RoadmapSettings, read_settings


def three_in_a_row(staff: float = 40) -> kp.Portfolio:
    """a → b → c, one year each, staff 40 a year against 100: the plan runs them 2026, 2027, 2028."""
    return kp.Portfolio(
        name="Kette",
        horizon=kp.Horizon(2026, 4),
        budget=100_000,
        staff_capacity=100,
        projects=(
            kp.Project("a", "Erst", "administration", cost=10_000, staff_days=staff, benefit=30),
            kp.Project("b", "Dann", "administration", cost=10_000, staff_days=staff, benefit=20, requires=("a",)),
            kp.Project("c", "Zuletzt", "mobility", cost=10_000, staff_days=staff, benefit=10, requires=("b",)),
        ),
    )


def test_small_plan_by_hand(small: kp.Portfolio) -> None:
    rm = roadmap(kp.optimize(small))
    assert rm.ids == ("konto", "portal", "lora")
    assert [rm.start(p) for p in rm.ids] == ["2026-Q1", "2027-Q1", "2026-Q1"]
    assert [rm.finish(p) for p in rm.ids] == ["2026-Q4", "2027-Q4", "2026-Q4"]
    # konto -> portal is the critical path; lora (2026 only) may slip four quarters.
    assert rm.cpm.critical == ("konto", "portal") and rm.cpm.chain == ("konto", "portal")
    assert rm.cpm.total_slack.tolist() == [0, 0, 4] and rm.cpm.length == 8
    assert rm.schedule.makespan == 8 and rm.schedule.proven_optimal and rm.schedule.chain == ("konto", "portal")
    # 2026: konto 40 + lora 20 staff days = 15 a quarter against 100 / 4; 2027 (no capacity given): portal 50.
    assert rm.load.tolist() == [[15, 15, 15, 15, 13, 13, 12, 12]]
    assert rm.capacity[0, :4].tolist() == [25.0] * 4 and np.isinf(rm.capacity[0, 4:]).all()
    assert rm.waves == (("konto", "lora"), ("portal",))
    assert [(p.key, len(p.projects)) for p in rm.phases] == [("short", 3), ("mid", 0), ("long", 0)]
    assert rm.phases[0].grant == 66_000.0 and rm.violations() == ()
    assert rm.issues == ()


def test_chain_of_three() -> None:
    pf = three_in_a_row()
    rm = roadmap(kp.optimize(pf))
    assert rm.schedule.starts.tolist() == [0, 4, 8] and rm.completion == "2028-Q4"
    assert rm.cpm.chain == ("a", "b", "c") and rm.schedule.chain == ("a", "b", "c")
    assert rm.cpm.total_slack.tolist() == [0, 0, 0]
    # Shorter in quarters: b needs two quarters, c starts right after it, before its plan year (release="none").
    rm = roadmap(kp.optimize(pf), duration_quarters={"b": 2}, release="none")
    assert [rm.start(p) for p in "abc"] == ["2026-Q1", "2027-Q1", "2027-Q3"]
    assert rm.cpm.length == 10 and rm.schedule.makespan == 10
    assert [i.kind for i in rm.issues] == ["budget_year"] and rm.issues[0].project == "c"


def test_release_dates_hold_projects_to_their_plan_year() -> None:
    pf = kp.Portfolio(
        name="Freigabe",
        horizon=kp.Horizon(2026, 3),
        budget=100_000,
        projects=(
            kp.Project("früh", cost=1_000, staff_days=10, benefit=5),
            kp.Project("spät", cost=1_000, staff_days=10, benefit=5, earliest_start=2028),
        ),
    )
    plan = kp.optimize(pf)
    rm = roadmap(plan)
    assert rm.start("spät") == "2028-Q1" and rm.cpm.earliest_start.tolist() == [0, 8]
    assert rm.cpm.critical == ("spät",) and rm.cpm.total_slack.tolist() == [8, 0]
    free = roadmap(plan, release="none")
    assert free.start("spät") == "2026-Q1"


def test_levelling_delays_the_project_with_less_benefit() -> None:
    # Two independent projects of 80 staff days each in 2026, a pool of 20 a quarter: one after the other.
    pf = kp.Portfolio(
        name="Eng",
        horizon=kp.Horizon(2026, 3),
        budget=100_000,
        projects=(
            kp.Project("klein", cost=1_000, staff_days=80, benefit=10),
            kp.Project("gross", cost=1_000, staff_days=80, benefit=90),
        ),
    )
    rm = roadmap(kp.optimize(pf), pools=(Pool("it", "IT", capacity=20),))
    assert rm.start("gross") == "2026-Q1" and rm.start("klein") == "2027-Q1"
    assert rm.schedule.makespan == 8 and rm.schedule.lower_bound == 8 and rm.schedule.proven_optimal
    assert rm.schedule.chain == ("gross", "klein")
    assert [(i.project, i.kind) for i in rm.issues] == [("klein", "budget_year")]
    frame = rm.to_frame()
    assert frame["project"].tolist() == ["gross", "klein"] and frame["delay"].tolist() == [0, 4]
    assert frame["it_per_quarter"].tolist() == [20.0, 20.0]


def test_pools_and_shares_from_a_mapping(small: kp.Portfolio) -> None:
    settings = {
        "pools": {"it": {"name": "IT", "share": 0.5}, "fach": {"name": "Fachamt", "share": 0.5}, "extern": 30},
        "default_pools": {"it": 0.5, "fach": 0.5},
        "projects": {"portal": {"duration_quarters": 3, "pools": {"it": 0.2, "fach": 0.2, "extern": 0.6}}},
    }
    rm = roadmap(kp.optimize(small), settings=settings)
    assert rm.pools == ("it", "fach", "extern")
    assert rm.finish("portal") == "2027-Q3"
    j = rm.index("portal")
    assert rm.calendar.demand[j].sum(axis=1).tolist() == [10, 10, 30]
    assert rm.capacity[:, 0].tolist() == [13.0, 12.5 // 1, 30.0] or rm.capacity[:, 0].tolist() == [13.0, 13.0, 30.0]
    assert rm.capacity[:, :4].sum(axis=1).tolist() == [50.0, 50.0, 120.0]
    assert rm.violations() == ()
    frame = rm.load_frame("de")
    assert frame.index.names == ["Pool", "Größe"] and ("IT", "Kapazität (PT)") in frame.index


@pytest.mark.parametrize(
    ("settings", "match"),
    [
        ({"duration_quarters": {"konto": 5}}, r"project 'konto', duration_quarters: expected 1 to 4 quarters"),
        ({"duration_quarters": {"nope": 2}}, r"unknown project 'nope'"),
        ({"shares": {"portal": {"staff": 0.5}}}, r"project 'portal', shares: expected pool shares that sum to 1"),
        ({"shares": {"portal": {"it": 1.0}}}, r"project 'portal', shares.it: unknown pool 'it'"),
        ({"pools": (Pool("a", capacity=3),)}, r"project 'konto', pools.a: needs 10 person-days per quarter"),
        ({"pools": (Pool("a"), Pool("a"))}, r"the pool id 'a' is used twice"),
        ({"phases": (("short", 2),)}, r"phases"),
        ({"spread": "flat"}, r"spread"),
        ({"milestones": {"x": "2027-Q7"}}, r"milestone 'x'"),
    ],
)
def test_settings_errors_name_what_is_wrong(small: kp.Portfolio, settings: dict[str, object], match: str) -> None:
    plan = kp.optimize(small)
    with pytest.raises(kp.ValidationError, match=match):
        roadmap(plan, **settings)


def test_settings_from_dict_rejects_unknown_keys() -> None:
    with pytest.raises(kp.ValidationError, match="unknown key 'pool'"):
        RoadmapSettings.from_dict({"pool": {}})
    with pytest.raises(kp.ValidationError, match=r"project 'x'.*unknown key 'dauer'"):
        RoadmapSettings.from_dict({"projects": {"x": {"dauer": 3}}})
    with pytest.raises(kp.ValidationError, match=r"pool 'it'.*capacity"):
        Pool("it", capacity=-1)


def test_unknown_option() -> None:
    with pytest.raises(TypeError, match="unknown option 'speed'"):
        roadmap(kp.optimize(three_in_a_row()), speed=3)


def test_without_levelling_the_early_starts_are_shown() -> None:
    pf = three_in_a_row(staff=80)
    rm = roadmap(kp.optimize(pf), level=False, pools=(Pool("it", capacity=5),), spread="even")
    assert not rm.schedule.levelled and rm.schedule.starts.tolist() == rm.cpm.earliest_start.tolist()
    assert "nicht die Personalkapazitäten" in " ".join(rm.summary("de"))


def test_plan_from_json_needs_the_input(small: kp.Portfolio) -> None:
    plan = kp.optimize(small)
    loaded = kp.Plan.from_json(plan.to_json())
    with pytest.raises(kp.KommunalPlannerError, match="needs the input"):
        roadmap(loaded)
    assert roadmap(loaded, small).schedule.starts.tolist() == roadmap(plan).schedule.starts.tolist()
    with pytest.raises(kp.KommunalPlannerError, match="without a solution"):
        roadmap(replace(plan, status="infeasible"))


def test_plan_of_another_input_is_refused(small: kp.Portfolio) -> None:
    plan = kp.optimize(small)
    longer = tuple(
        replace(p, duration=2, cost=40_000.0, staff_days=20.0) if p.id == "lora" else p for p in small.projects
    )
    other = replace(small, projects=longer)
    with pytest.raises(kp.ValidationError, match=r"project 'lora'.*lasts 2 year"):
        roadmap(plan, other)


def test_funding_window_is_kept_where_the_completion_allows(small: kp.Portfolio) -> None:
    # A pool of 14 a quarter: konto (10) and lora (5) cannot run side by side, nor lora beside portal (13).
    # Every order takes 12 quarters, a year past the horizon; lora first keeps it in the window of 'bund' (2026).
    with pytest.warns(UserWarning, match="after the planning period"):
        rm = roadmap(kp.optimize(small), pools=(Pool("it", capacity=14),))
    assert rm.schedule.makespan == 12 and rm.completion == "2028-Q4"
    assert rm.start("lora") == "2026-Q1" and rm.start("konto") == "2027-Q1"
    assert {(i.project, i.kind) for i in rm.issues} == {
        ("konto", "budget_year"),
        ("portal", "budget_year"),
        ("portal", "horizon"),
    }


def test_funding_window_at_risk_is_reported() -> None:
    # Both projects are funded only when they start in 2026; the pool runs one at a time.
    pf = kp.Portfolio(
        name="Fenster",
        horizon=kp.Horizon(2026, 2),
        budget=100_000,
        programmes=(kp.FundingProgramme("bund", rate=0.5, windows=(2026,), eligible=Eligibility(tags=("x",))),),
        projects=(
            kp.Project("eins", cost=10_000, staff_days=40, benefit=9, tags=("x",)),
            kp.Project("zwei", cost=10_000, staff_days=40, benefit=5, tags=("x",)),
        ),
    )
    plan = kp.optimize(pf)
    assert plan.decision("zwei").programme == "bund"
    with pytest.warns(UserWarning, match=r"zwei.*application years of 'bund'"):
        rm = roadmap(plan, settings=RoadmapSettings(pools=(Pool("it", capacity=10),)))
    assert [(i.project, i.kind) for i in rm.issues] == [("zwei", "window"), ("zwei", "budget_year")]
    parts = rm.report_parts("de")
    assert parts["risks"] == (
        "'zwei' beginnt im Zeitplan 2027, außerhalb der Antragsjahre von 'bund' (2026): die Förderung ist gefährdet",
    )


def test_report_parts(small: kp.Portfolio) -> None:
    parts = roadmap(kp.optimize(small)).report_parts("en")
    assert set(parts) == {"title", "paragraphs", "tables", "figures", "risks"}
    assert parts["title"] == "Roadmap" and parts["paragraphs"][0].startswith("The 3 selected projects run from 2026-Q1")
    captions = [c for c, _ in parts["tables"]]
    assert captions == ["Projects in the schedule", "Phases", "Pool load per year"]
    assert all(isinstance(f, pd.DataFrame) for _, f in parts["tables"])
    assert len(parts["figures"]) == 2


def test_frames(small: kp.Portfolio) -> None:
    rm = roadmap(kp.optimize(small))
    frame = rm.to_frame()
    assert list(frame.columns[:8]) == ["project", "name", "field", "phase", "wave", "plan_start", "start", "finish"]
    assert frame["critical"].tolist() == [True, False, True] and frame["on_chain"].dtype == bool
    german = rm.to_frame("de")
    assert "Puffer (Quartale)" in german.columns and set(german["Kritisch"]) == {"ja", "nein"}
    phases = rm.phase_frame("en")
    assert phases["phase"].tolist() == ["short term", "medium term", "long term"]
    assert list(rm.to_frame("en", compact=True).columns) == [
        "name",
        "field",
        "phase",
        "start",
        "finish",
        "slack in schedule (quarters)",
        "critical chain",
        "programme",
    ]
    yearly = rm.load_frame(by="year")
    assert list(yearly.columns) == ["2026", "2027"]
    assert yearly.loc[("staff", "load")].tolist() == [60.0, 50.0]
    assert yearly.loc[("staff", "capacity"), "2026"] == 100.0 and np.isnan(yearly.loc[("staff", "capacity"), "2027"])


@pytest.fixture(scope="module")
def example_plan(example_path: Path) -> kp.Plan:
    pf = kp.read(example_path)
    return kp.optimize(pf, gap=1e-4, time_limit=60)


def test_example_municipality_end_to_end(example_plan: kp.Plan, tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        rm = roadmap(example_plan)
    assert isinstance(rm, Roadmap) and len(rm.ids) == len(example_plan.selected)
    assert rm.violations() == ()
    assert rm.schedule.lower_bound <= rm.schedule.makespan
    assert rm.schedule.makespan >= rm.cpm.length
    frame = rm.to_frame()
    assert frame["start"].str.match(r"^\d{4}-Q[1-4]$").all()
    assert (frame["slack"] >= 0).all() and set(frame.loc[frame["slack"] == 0, "project"]) == set(rm.cpm.critical)
    # Every project keeps its plan start year unless the pools made it wait.
    plan_start = {d.id: d.start for d in example_plan.projects if d.selected}
    for j, pid in enumerate(rm.ids):
        assert rm.calendar.release[j] == 4 * (plan_start[pid] - 2026) <= rm.schedule.starts[j]
    written = rm.write(tmp_path, lang="de")
    assert {p.name for p in written} >= {"roadmap.svg", "roadmap.png", "roadmap.md"}
    again = roadmap(example_plan)
    assert again.schedule.starts.tolist() == rm.schedule.starts.tolist()


def test_settings_file(tmp_path: Path, small: kp.Portfolio) -> None:
    path = tmp_path / "roadmap.yaml"
    path.write_text(
        "roadmap:\n  pools:\n    it: {name: IT, capacity: 30}\n  projects:\n    portal: {duration_quarters: 2}\n"
        "  milestones: {Start: 2026-Q1}\n",
        encoding="utf-8",
    )
    settings = read_settings(path)
    rm = roadmap(kp.optimize(small), settings=settings)
    assert rm.pools == ("it",) and rm.finish("portal") == "2027-Q2"
    assert ("Start", 0) in rm.milestones("de")
    path.write_text("projects: [portal]\n", encoding="utf-8")
    with pytest.raises(kp.ValidationError, match=r"roadmap\.yaml, roadmap\.projects: expected a mapping"):
        read_settings(path)
    path.write_text("pools: {it: [\n", encoding="utf-8")
    with pytest.raises(kp.DataFormatError, match=r"roadmap\.yaml: not valid YAML"):
        read_settings(path)


def test_a_plan_without_projects(tmp_path: Path) -> None:
    pf = kp.Portfolio(
        name="Leer", horizon=kp.Horizon(2026, 2), budget=10, projects=(kp.Project("a", benefit=1, cost=99),)
    )
    rm = roadmap(kp.optimize(pf))
    assert rm.ids == () and rm.schedule.makespan == 0 and rm.waves == ()
    assert rm.summary("en") == ("The plan selects no project; there is nothing to schedule.",)
    assert rm.to_frame().empty and rm.mermaid().startswith("gantt\n")
    assert len(rm.write(tmp_path)) == 5


def test_without_matplotlib_charts_are_left_out_by_default_and_refused_when_asked_for(
    small: kp.Portfolio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    rm = roadmap(kp.optimize(small))
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    with caplog.at_level(logging.WARNING, logger="kommunal_planner"):
        written = rm.write(tmp_path)
    assert [p.name for p in written] == ["roadmap.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roadmap.md"]
    assert "matplotlib is not installed" in caplog.text and "kommunal-planner[plot]" in caplog.text
    need = r"roadmap charts need matplotlib: pip install 'kommunal-planner\[plot\]'"
    with pytest.raises(kp.KommunalPlannerError, match=need):
        rm.write(tmp_path / "asked", formats=("svg", "md"))
    assert not (tmp_path / "asked" / "roadmap.md").exists()
    with pytest.raises(kp.KommunalPlannerError, match=need):
        rm.gantt()
    with pytest.raises(kp.KommunalPlannerError, match=need):
        rm.load_chart()
