"""The dependency graph of a plan's selected projects: waves, the transitive reduction, and the phases.

Edges point from a required project to the project that requires it (``requires: [p]`` on q gives p → q), so a
topological order is an order in which the projects can be done.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx

from kommunal_planner.errors import DependencyCycleError, Location, ValidationError
from kommunal_planner.model import Portfolio
from kommunal_planner.optimize import Plan

__all__ = ["PHASE_LABELS", "PhaseSummary", "assign_phases", "dependency_graph", "drawing_graph", "waves"]

logger = logging.getLogger(__name__)

#: Display names of the default phase keys (other keys are shown as given).
PHASE_LABELS: dict[str, dict[str, str]] = {
    "de": {"short": "kurzfristig", "mid": "mittelfristig", "long": "langfristig"},
    "en": {"short": "short term", "mid": "medium term", "long": "long term"},
}


def phase_label(key: str, lang: str) -> str:
    """The display name of a phase key in *lang* (``'de'`` or ``'en'``).

    Examples
    --------
    >>> phase_label("short", "de"), phase_label("mid", "en"), phase_label("Sofortprogramm", "de")
    ('kurzfristig', 'medium term', 'Sofortprogramm')
    """
    return PHASE_LABELS.get(lang, PHASE_LABELS["en"]).get(key, key)


def dependency_graph(plan: Plan, portfolio: Portfolio) -> nx.DiGraph:
    """The selected projects of *plan* as a directed graph with an edge p → q for every ``requires: [p]`` on q.

    Node attributes: ``name``, ``field``, ``start``, ``finish`` (plan years), ``programme``, ``grant``,
    ``own_cost``, ``cost`` [EUR] and ``benefit`` [points].

    Raises
    ------
    ValidationError
        When the plan selects a project the portfolio lacks, or a selected project requires one the plan leaves out.
    DependencyCycleError
        When the requirements form a cycle (a portfolio built by the model never has one).

    Examples
    --------
    >>> import kommunal_planner as kp
    >>> pf = kp.Portfolio(name="M", horizon=kp.Horizon(2026, 2), budget=100,
    ...     projects=(kp.Project("a", benefit=1, cost=10), kp.Project("b", benefit=1, cost=10, requires=("a",))))
    >>> g = dependency_graph(kp.optimize(pf), pf)
    >>> sorted(g.edges)
    [('a', 'b')]
    """
    graph = nx.DiGraph()
    known = set(portfolio.project_ids)
    chosen = [d for d in plan.projects if d.selected]
    for d in chosen:
        if d.id not in known:
            raise ValidationError(
                "the plan selects a project the input does not have",
                location=Location(item=f"project '{d.id}'"),
                hint="attach the input the plan was made for",
            )
        p = portfolio.project(d.id)
        graph.add_node(
            d.id,
            name=p.name,
            field=p.field,
            start=d.start,
            finish=d.finish,
            programme=d.programme,
            grant=float(d.grant or 0.0),
            own_cost=float(d.own_cost if d.own_cost is not None else p.total_cost),
            cost=p.total_cost,
            benefit=float(d.benefit or 0.0),
        )
    for d in chosen:
        for req in portfolio.project(d.id).requires:
            if req not in graph:
                raise ValidationError(
                    f"requires '{req}', which the plan does not select",
                    location=Location(item=f"project '{d.id}'", path="requires"),
                    hint="the plan does not belong to this input, or it was edited by hand",
                )
            graph.add_edge(req, d.id)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return graph
    nodes = [edge[0] for edge in cycle]
    raise DependencyCycleError(nodes, location=Location(item=f"project '{nodes[0]}'", path="requires"))


def waves(graph: nx.DiGraph) -> tuple[tuple[str, ...], ...]:
    """Topological generations: wave 0 needs nothing, wave k needs only projects of earlier waves.

    Within a wave the projects keep the graph's node order (the plan's input order).

    Examples
    --------
    >>> import networkx as nx
    >>> waves(nx.DiGraph([("a", "b"), ("b", "c"), ("a", "c"), ("d", "c")]))
    (('a', 'd'), ('b',), ('c',))
    """
    order = {node: i for i, node in enumerate(graph.nodes)}
    return tuple(tuple(sorted(gen, key=order.__getitem__)) for gen in nx.topological_generations(graph))


def drawing_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """The transitive reduction with the node attributes kept: the fewest arrows that show the same order.

    Examples
    --------
    >>> import networkx as nx
    >>> sorted(drawing_graph(nx.DiGraph([("a", "b"), ("b", "c"), ("a", "c")])).edges)
    [('a', 'b'), ('b', 'c')]
    """
    reduced = nx.transitive_reduction(graph)
    reduced.add_nodes_from(graph.nodes(data=True))
    return reduced


@dataclass(frozen=True, slots=True)
class PhaseSummary:
    """One phase of the roadmap (kurz-, mittel-, langfristig) with its projects and money [EUR].

    ``first_year``/``last_year`` are the calendar years of plan starts the phase covers (``last_year`` None: open).
    """

    key: str
    first_year: int
    last_year: int | None
    projects: tuple[str, ...]
    cost: float
    grant: float
    own_cost: float
    benefit: float

    def label(self, lang: str = "de") -> str:
        return phase_label(self.key, lang)


def assign_phases(
    graph: nx.DiGraph, phases: Sequence[tuple[str, int]], start_year: int
) -> tuple[tuple[PhaseSummary, ...], dict[str, str]]:
    """Sort the projects into phases by their plan start year; return the summaries and the phase of each project.

    *phases* holds ``(key, first horizon year)`` pairs (1-based, rising, the first is 1).

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.DiGraph()
    >>> g.add_node("a", start=2026, cost=10.0, grant=5.0, own_cost=5.0, benefit=3.0)
    >>> g.add_node("b", start=2030, cost=8.0, grant=0.0, own_cost=8.0, benefit=2.0)
    >>> summaries, of = assign_phases(g, (("short", 1), ("mid", 3), ("long", 5)), 2026)
    >>> [(s.key, s.projects, s.cost) for s in summaries], of["b"]
    ([('short', ('a',), 10.0), ('mid', (), 0.0), ('long', ('b',), 8.0)], 'long')
    """
    bounds = [start_year + first - 1 for _, first in phases]
    of: dict[str, str] = {}
    members: dict[str, list[str]] = {key: [] for key, _ in phases}
    for node, data in graph.nodes(data=True):
        year = int(data["start"])
        k = max(i for i, b in enumerate(bounds) if b <= year) if year >= bounds[0] else 0
        key = phases[k][0]
        of[node] = key
        members[key].append(node)
    out = []
    for i, (key, _) in enumerate(phases):
        ids = members[key]
        attrs = [graph.nodes[n] for n in ids]
        out.append(
            PhaseSummary(
                key=key,
                first_year=bounds[i],
                last_year=bounds[i + 1] - 1 if i + 1 < len(bounds) else None,
                projects=tuple(ids),
                cost=float(sum(a["cost"] for a in attrs)),
                grant=float(sum(a["grant"] for a in attrs)),
                own_cost=float(sum(a["own_cost"] for a in attrs)),
                benefit=float(sum(a["benefit"] for a in attrs)),
            )
        )
    return tuple(out), of
