"""Model build time: the vectorised formulation against the naive PuLP model, side by side in one run.

python benchmarks/build_time.py --projects 2000 --years 10 --programmes 30
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import random_portfolio
from kommunal_planner.model._portfolio import _build_arrays
from kommunal_planner.optimize import build_model
from naive_pulp import naive_model


def timed(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--projects", type=int, nargs="+", default=[200, 2000])
    ap.add_argument("--years", type=int, default=10)
    ap.add_argument("--programmes", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    print(
        f"{'projects':>8} {'cols':>8} {'rows':>7} {'nnz':>9} {'arrays s':>9} {'vectorised s':>13} "
        f"{'naive PuLP s':>13} {'ratio':>7}"
    )
    for n in args.projects:
        pf = random_portfolio(n, years=args.years, n_programmes=args.programmes, seed=1)
        model = build_model(pf)
        arrays = timed(lambda pf=pf: _build_arrays(pf), args.repeat)
        fast = timed(lambda pf=pf: build_model(pf), args.repeat)
        slow = timed(lambda pf=pf: naive_model(pf), 1)
        print(
            f"{n:>8} {model.n_cols:>8} {model.n_rows:>7} {model.A.nnz:>9} {arrays:>9.3f} {fast:>13.3f} "
            f"{slow:>13.2f} {slow / fast:>6.0f}x"
        )


if __name__ == "__main__":
    main()
