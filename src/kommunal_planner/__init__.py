"""kommunal_planner: a municipality's digitalisation strategy as a decision it can defend.

Read a portfolio of candidate projects, select a multi-year plan under budgets, staff and funding rules, and
explain it::

    import kommunal_planner as kp
    portfolio = kp.read("musterstadt.yaml")
    plan = kp.optimize(portfolio)
    print(plan.to_frame())
    kp.roadmap(plan).write("out")
"""

import logging

# imported for their input sections (registered on import) and as ``kp.scoring`` / ``kp.scenarios``
from kommunal_planner import scenarios, scoring
from kommunal_planner.errors import (
    DataFormatError,
    DependencyCycleError,
    InfeasiblePortfolioError,
    KommunalPlannerError,
    SolverError,
    SolverNotAvailableError,
    ValidationError,
)
from kommunal_planner.io import read, write
from kommunal_planner.model import Criterion, FundingProgramme, Horizon, Portfolio, Project
from kommunal_planner.optimize import Plan, available_solvers, optimize
from kommunal_planner.roadmap import Roadmap, roadmap
from kommunal_planner.scenarios import Comparison, Scenario, compare

__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "Comparison",
    "Criterion",
    "DataFormatError",
    "DependencyCycleError",
    "FundingProgramme",
    "Horizon",
    "InfeasiblePortfolioError",
    "KommunalPlannerError",
    "Plan",
    "Portfolio",
    "Project",
    "Roadmap",
    "Scenario",
    "SolverError",
    "SolverNotAvailableError",
    "ValidationError",
    "__version__",
    "available_solvers",
    "compare",
    "optimize",
    "read",
    "roadmap",
    "scenarios",
    "scoring",
    "write",
]
