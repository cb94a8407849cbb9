"""Build and solve time, objective, bound and gap by portfolio size, for HiGHS and CBC, in one run.

python benchmarks/scaling.py --projects 50 200 500 2000 --time-limit 60 --solvers highs cbc
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import kommunal_planner as kp
from generate import random_portfolio


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--projects", type=int, nargs="+", default=[50, 200, 500, 2000])
    ap.add_argument("--years", type=int, default=8)
    ap.add_argument("--programmes", type=int, default=10)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--solvers", nargs="+", default=["highs", "cbc"])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    print(
        f"{'projects':>8} {'solver':>6} {'status':>9} {'build s':>8} {'start s':>8} {'solve s':>8} {'objective':>11} "
        f"{'bound':>11} {'gap':>8} {'verified':>8}"
    )
    for n in args.projects:
        pf = random_portfolio(n, years=args.years, n_programmes=args.programmes, seed=args.seed)
        for solver in args.solvers:
            t = time.perf_counter()
            plan = kp.optimize(pf, solver=solver, time_limit=args.time_limit, tie_break=False, explain=False)
            wall = time.perf_counter() - t
            ok = plan.verify().ok if plan.success else False
            obj = f"{plan.objective:11.1f}" if plan.objective is not None else f"{'-':>11}"
            bound = f"{plan.bound:11.1f}" if plan.bound is not None else f"{'-':>11}"
            gap = f"{plan.gap:8.3%}" if plan.gap is not None else f"{'-':>8}"
            print(
                f"{n:>8} {solver:>6} {plan.status:>9} {plan.times['build']:>8.3f} {plan.times['heuristic']:>8.2f} "
                f"{plan.times['solve']:>8.2f} "
                f"{obj} {bound} {gap} {ok!s:>8}   (wall {wall:.1f} s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
