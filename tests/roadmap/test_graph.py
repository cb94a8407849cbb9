"""The dependency graph of a plan: edges, waves, transitive reduction and phases, checked by hand."""

from __future__ import annotations

import networkx as nx
import pytest

import kommunal_planner as kp
from kommunal_planner.optimize import ProjectDecision
from kommunal_planner.roadmap._graph import assign_phases, dependency_graph, drawing_graph, phase_label, waves


def chain_portfolio() -> kp.Portfolio:
    """a → b → c, one year each, and c also requires a directly (a redundant edge)."""
    return kp.Portfolio(
        name="Kette",
        horizon=kp.Horizon(2026, 5),
        budget=1_000_000,
        projects=(
            kp.Project("a", "Basis", "administration", cost=10_000, benefit=10),
            kp.Project("b", "Aufbau", "administration", cost=10_000, benefit=10, requires=("a",)),
            kp.Project("c", "Ausbau", "mobility", cost=10_000, benefit=10, requires=("a", "b")),
            kp.Project("d", "Einzeln", "mobility", cost=10_000, benefit=10, earliest_start=2030),
        ),
    )


def test_small_plan_graph(small: kp.Portfolio) -> None:
    plan = kp.optimize(small)
    g = dependency_graph(plan, small)
    assert set(g.nodes) == {"konto", "portal", "lora"}
    assert list(g.edges) == [("konto", "portal")]
    assert g.nodes["portal"]["start"] == 2027 and g.nodes["konto"]["grant"] == 20_000.0
    assert g.nodes["portal"]["own_cost"] == 70_000.0 and g.nodes["lora"]["programme"] == "bund"
    assert waves(g) == (("konto", "lora"), ("portal",))


def test_chain_waves_and_reduction() -> None:
    pf = chain_portfolio()
    plan = kp.optimize(pf)
    g = dependency_graph(plan, pf)
    assert sorted(g.edges) == [("a", "b"), ("a", "c"), ("b", "c")]
    assert waves(g) == (("a", "d"), ("b",), ("c",))
    reduced = drawing_graph(g)
    assert sorted(reduced.edges) == [("a", "b"), ("b", "c")]
    assert reduced.nodes["c"]["name"] == "Ausbau"


def test_phases_by_plan_start_year() -> None:
    pf = chain_portfolio()
    plan = kp.optimize(pf)
    g = dependency_graph(plan, pf)
    assert [plan.decision(p).start for p in "abcd"] == [2026, 2027, 2028, 2030]
    summaries, of = assign_phases(g, (("short", 1), ("mid", 3), ("long", 5)), 2026)
    assert of == {"a": "short", "b": "short", "c": "mid", "d": "long"}
    assert [(s.key, s.projects, s.first_year, s.last_year) for s in summaries] == [
        ("short", ("a", "b"), 2026, 2027),
        ("mid", ("c",), 2028, 2029),
        ("long", ("d",), 2030, None),
    ]
    assert summaries[0].cost == 20_000.0 and summaries[0].own_cost == 20_000.0 and summaries[0].benefit == 20.0
    custom, of = assign_phases(g, (("Sofort", 1), ("Später", 2)), 2026)
    assert of["a"] == "Sofort" and of["c"] == "Später" and custom[1].label("de") == "Später"


def test_phase_labels() -> None:
    assert phase_label("short", "de") == "kurzfristig"
    assert phase_label("long", "en") == "long term"


def test_plan_that_does_not_fit_the_input_names_the_project(small: kp.Portfolio) -> None:
    plan = kp.optimize(small)
    foreign = (*plan.projects, ProjectDecision("fremd", True, 2026, 2026))
    with pytest.raises(kp.ValidationError, match="project 'fremd'"):
        dependency_graph(plan.__class__(**{**_fields(plan), "projects": foreign}), small)
    without_konto = tuple(ProjectDecision(d.id, False) if d.id == "konto" else d for d in plan.projects)
    with pytest.raises(kp.ValidationError, match=r"project 'portal'.*'konto'"):
        dependency_graph(plan.__class__(**{**_fields(plan), "projects": without_konto}), small)


def _fields(plan: kp.Plan) -> dict[str, object]:
    return {name: getattr(plan, name) for name in plan.__dataclass_fields__}


def test_waves_of_an_empty_graph() -> None:
    assert waves(nx.DiGraph()) == ()
