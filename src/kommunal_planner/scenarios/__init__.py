"""What-if analysis: scenarios, comparison, efficient frontier, Monte Carlo robustness and sensitivity.

Every batch function takes any :class:`concurrent.futures.Executor` (``executor=``, e.g. a Dask
``distributed.Client(...).get_executor()``), or creates a process pool (``workers=N``), or runs in this process;
the results do not depend on which. Progress is reported through an optional ``progress(done, total)`` callback.

Importing this package registers the ``scenarios`` (``szenarien``) section of input files: YAML/JSON, a workbook
sheet ``Szenarien``/``Scenarios``, a CSV file; :func:`from_portfolio` returns the scenarios a file declared.
"""

from kommunal_planner.scenarios._batch import ProgressCallback
from kommunal_planner.scenarios._compare import Comparison, ScenarioOutcome, compare
from kommunal_planner.scenarios._examples import example_scenarios
from kommunal_planner.scenarios._frontier import BudgetPoint, Frontier, FrontierPoint, frontier
from kommunal_planner.scenarios._robustness import DrawResult, Robustness, robustness
from kommunal_planner.scenarios._scenario import (
    CostFactor,
    ProgrammeChange,
    Scenario,
    YearlyChange,
    read_scenarios,
    scenarios_from_dict,
    scenarios_to_dict,
)
from kommunal_planner.scenarios._section import from_portfolio
from kommunal_planner.scenarios._sensitivity import Sensitivity, sensitivity
from kommunal_planner.scenarios._uncertainty import (
    CostUncertainty,
    LogNormal,
    NormalClipped,
    Triangular,
    Uncertainty,
    Uniform,
    draw_scenario,
)

__all__ = [
    "BudgetPoint",
    "Comparison",
    "CostFactor",
    "CostUncertainty",
    "DrawResult",
    "Frontier",
    "FrontierPoint",
    "LogNormal",
    "NormalClipped",
    "ProgrammeChange",
    "ProgressCallback",
    "Robustness",
    "Scenario",
    "ScenarioOutcome",
    "Sensitivity",
    "Triangular",
    "Uncertainty",
    "Uniform",
    "YearlyChange",
    "compare",
    "draw_scenario",
    "example_scenarios",
    "from_portfolio",
    "frontier",
    "read_scenarios",
    "robustness",
    "scenarios_from_dict",
    "scenarios_to_dict",
    "sensitivity",
]
