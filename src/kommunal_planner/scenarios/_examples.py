"""Scenarios for the bundled example municipality (Musterstadt), until its input file carries them itself."""

from __future__ import annotations

import logging

from kommunal_planner.scenarios._scenario import Scenario, scenarios_from_dict

__all__ = ["example_scenarios"]

logger = logging.getLogger(__name__)

_EXAMPLE = [
    {
        "name": "haushalt_minus_10",
        "description": "Haushaltskonsolidierung: 10 % weniger Eigenmittel in jedem Jahr",
        "budget": {"factor": 0.9},
    },
    {
        "name": "smart_city_entfaellt",
        "description": "Das Programm Modellprojekte Smart Cities nimmt keine Anträge mehr an",
        "programmes": {"smart_city": "closed"},
    },
    {
        "name": "buergersicht",
        "description": "Gewichte aus der Bürgerbeteiligung: Bürgerpriorität zählt am meisten",
        "weights": {"citizen": 0.45, "strategy": 0.2, "urgency": 0.15, "economy": 0.1, "feasibility": 0.1},
    },
    {
        "name": "kosten_plus_30",
        "description": "Baupreise und Lizenzen: alle Investitions- und Folgekosten 30 % höher",
        "costs": {"all": 1.3},
    },
    {
        "name": "gigabit_antrag_abgelehnt",
        "description": "Der Gigabit-Förderantrag für den Glasfaserausbau Süd wird abgelehnt",
        "rejected": {"gigabit": ["gigabit_sued"]},
    },
    {
        "name": "personal_minus_20",
        "description": "Fachkräftemangel: 20 % weniger Personentage in jedem Jahr",
        "staff_capacity": {"factor": 0.8},
    },
]


def example_scenarios() -> list[Scenario]:
    """Six what-if scenarios for the example municipality (``kp.read(example)``).

    Examples
    --------
    >>> [s.name for s in example_scenarios()][:3]
    ['haushalt_minus_10', 'smart_city_entfaellt', 'buergersicht']
    """
    return list(scenarios_from_dict(_EXAMPLE))
