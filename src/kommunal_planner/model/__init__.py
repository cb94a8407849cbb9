"""Immutable domain types of the input contract and their validation (no I/O, no solver)."""

from kommunal_planner.model._frozen import FrozenMap, freeze, thaw
from kommunal_planner.model._portfolio import Portfolio, PortfolioArrays
from kommunal_planner.model._types import Criterion, Eligibility, Focus, FundingProgramme, Horizon, Pool, Project

__all__ = [
    "Criterion",
    "Eligibility",
    "Focus",
    "FrozenMap",
    "FundingProgramme",
    "Horizon",
    "Pool",
    "Portfolio",
    "PortfolioArrays",
    "Project",
    "freeze",
    "thaw",
]
