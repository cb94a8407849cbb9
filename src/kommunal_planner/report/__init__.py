"""Reports of a plan: explanations, the financing plan, documents for the council and funders, charts.

* :func:`explain` — why each project is in or out, in German and English sentences backed by figures, with the
  exact benefit at which each decision flips (:func:`forced_solves` runs the re-solves);
* :func:`financing_plan` — investment, grants, own share, operating costs and commitment authorisations per year
  and programme, adding up to plan.json; :func:`programme_summary`;
* :func:`render` — the HTML report, the council paper (Ratsvorlage) and the funding-application annexes in
  Markdown and Word, the Excel report; :func:`write_plan_outputs` writes them all beside plan.json;
* :class:`ReportSection` — the hook through which the roadmap and scenario layers add their sections.

Word output needs python-docx and charts need matplotlib (the ``report`` extra); both are imported only when used.
"""

from kommunal_planner.report._catalogue import CATALOGUE, catalogue_problems
from kommunal_planner.report._charts import (
    benefit_by_field_chart,
    budget_chart,
    figure_png,
    figure_svg,
    frequency_chart,
    frontier_chart,
    gantt_chart,
)
from kommunal_planner.report._document import ReportSection
from kommunal_planner.report._explain import (
    Explanations,
    ForcedSolve,
    ProjectExplanation,
    Reason,
    clear_resolve_cache,
    explain,
    forced_solves,
    priority_ranks,
)
from kommunal_planner.report._financing import check_plan_matches, financing_plan, programme_summary
from kommunal_planner.report._locale import format_date, format_eur, format_number, format_percent
from kommunal_planner.report._outputs import write_plan_outputs, write_plan_workbook
from kommunal_planner.report._render import FORMATS, render

__all__ = [
    "CATALOGUE",
    "FORMATS",
    "Explanations",
    "ForcedSolve",
    "ProjectExplanation",
    "Reason",
    "ReportSection",
    "benefit_by_field_chart",
    "budget_chart",
    "catalogue_problems",
    "check_plan_matches",
    "clear_resolve_cache",
    "explain",
    "figure_png",
    "figure_svg",
    "financing_plan",
    "forced_solves",
    "format_date",
    "format_eur",
    "format_number",
    "format_percent",
    "frequency_chart",
    "frontier_chart",
    "gantt_chart",
    "priority_ranks",
    "programme_summary",
    "render",
    "write_plan_outputs",
    "write_plan_workbook",
]
