"""The scenarios of the bundled example municipality (Musterstadt), kept in its input file."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from kommunal_planner.scenarios._scenario import Scenario
from kommunal_planner.scenarios._section import from_portfolio

__all__ = ["example_file", "example_scenarios"]

logger = logging.getLogger(__name__)


def example_file() -> Path:
    """The input file of the bundled example municipality (``musterstadt.yaml``, illustrative figures)."""
    return Path(str(resources.files("kommunal_planner.examples").joinpath("musterstadt.yaml")))


def example_scenarios() -> list[Scenario]:
    """The six what-if scenarios of the example municipality (the ``scenarios`` section of its file).

    Examples
    --------
    >>> [s.name for s in example_scenarios()][:3]
    ['haushalt_minus_10', 'smart_city_entfaellt', 'buergersicht']
    """
    from kommunal_planner.io import read

    return from_portfolio(read(example_file()))
