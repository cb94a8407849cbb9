"""Reports of a plan: the plan files, explanations, financing plan and documents."""

from kommunal_planner.report._outputs import write_plan_outputs, write_plan_workbook

__all__ = ["write_plan_outputs", "write_plan_workbook"]
