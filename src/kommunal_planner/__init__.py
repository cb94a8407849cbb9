"""kommunal_planner."""
