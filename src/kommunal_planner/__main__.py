"""Run the command line as ``python -m kommunal_planner``."""

from kommunal_planner.cli import main

if __name__ == "__main__":
    main()
