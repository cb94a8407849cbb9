"""The multi-year portfolio optimiser: formulation, solver backends, Plan, verification, infeasibility."""

from kommunal_planner.optimize._api import optimize
from kommunal_planner.optimize._formulation import OBJECTIVES, Model, build_model
from kommunal_planner.optimize._heuristic import greedy_plan
from kommunal_planner.optimize._infeasible import Conflict, Explanation, explain_infeasibility
from kommunal_planner.optimize._local_search import (
    LPStart,
    local_search,
    lp_rounding,
    lp_sample,
    lp_start,
    lp_start_budget,
)
from kommunal_planner.optimize._plan import Plan, ProjectDecision, YearFigures, plan_from_decisions
from kommunal_planner.optimize._solvers import (
    SolveOptions,
    SolveResult,
    SolveStatus,
    available_solvers,
    get_solver,
)
from kommunal_planner.optimize._verify import Verification, Violation, verify_plan

__all__ = [
    "OBJECTIVES",
    "Conflict",
    "Explanation",
    "LPStart",
    "Model",
    "Plan",
    "ProjectDecision",
    "SolveOptions",
    "SolveResult",
    "SolveStatus",
    "Verification",
    "Violation",
    "YearFigures",
    "available_solvers",
    "build_model",
    "explain_infeasibility",
    "get_solver",
    "greedy_plan",
    "local_search",
    "lp_rounding",
    "lp_sample",
    "lp_start",
    "lp_start_budget",
    "optimize",
    "plan_from_decisions",
    "verify_plan",
]
