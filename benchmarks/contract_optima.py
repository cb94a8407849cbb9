"""The contract portfolios (../shared/data/contract) with HiGHS and CBC: time, objective against the independent
optimum, and whether both solvers return the same plan.json.

    python benchmarks/contract_optima.py
"""

from __future__ import annotations

import csv
import time
from pathlib import Path

import kommunal_planner as kp

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "contract"


def main() -> None:
    rows = list(csv.DictReader((DATA / "optimum.csv").open(encoding="utf-8")))
    print(
        f"{'file':<20} {'projects':>8} {'optimum':>12} | {'highs s':>8} {'ok':>3} | {'cbc s':>8} {'ok':>3} | same plan"
    )
    for row in rows:
        pf = kp.read(DATA / row["file"])
        plans, times = [], []
        for solver in ("highs", "cbc"):
            t = time.perf_counter()
            plans.append(kp.optimize(pf, solver=solver))
            times.append(time.perf_counter() - t)
        ok = [
            p.status == "optimal"
            and p.objective is not None
            and abs(p.objective - float(row["optimum"])) < 1e-5
            and p.verify().ok
            for p in plans
        ]
        a, b = (p.to_dict() for p in plans)
        for d in (a, b):
            for key in ("times", "solver", "solver_version", "message", "bound", "gap"):
                d.pop(key)
        print(
            f"{row['file']:<20} {row['projects']:>8} {float(row['optimum']):>12.6f} | {times[0]:>8.2f} "
            f"{'y' if ok[0] else 'n':>3} | {times[1]:>8.2f} {'y' if ok[1] else 'n':>3} | {a == b}"
        )


if __name__ == "__main__":
    main()
