"""Plain formulation against kommunal_planner's, same solver (HiGHS) and settings, side by side in one run.

Plain: the straightforward model of benchmarks/naive_pulp.py (every eligible programme a y column, no dominance
reduction, no start solution), written to MPS and read by HiGHS. Ours: ``build_model`` with the greedy start.
Both are solved single-threaded with the same gap tolerances and time limit.

    python benchmarks/formulations.py --projects 40 60 100 --seeds 3 --time-limit 120     # time to the proof
    python benchmarks/formulations.py --projects 200 500 2000 --seeds 2 --time-limit 10 60  # gap at equal time
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from generate import random_portfolio
from kommunal_planner.model import Portfolio
from kommunal_planner.optimize import SolveOptions, build_model, get_solver, greedy_plan
from kommunal_planner.optimize._solvers import _new_highs
from naive_pulp import naive_model


def solve_plain(pf: Portfolio, time_limit: float) -> dict[str, Any]:
    import highspy

    prob = naive_model(pf)
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "plain.mps")
        prob.writeMPS(path, with_objsense=True)
        h = _new_highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.setOptionValue("mip_rel_gap", 1e-9)
        h.setOptionValue("mip_abs_gap", 1e-7)
        h.setOptionValue("time_limit", float(time_limit))
        h.readModel(path)
        t = time.perf_counter()
        h.run()
        elapsed = time.perf_counter() - t
    info = h.getInfo()
    obj = abs(info.objective_function_value)
    bound = abs(info.mip_dual_bound)
    return {
        "time": elapsed,
        "obj": obj,
        "bound": bound,
        "gap": abs(bound - obj) / max(1.0, obj),
        "optimal": h.getModelStatus() == highspy.HighsModelStatus.kOptimal,
    }


def solve_ours(pf: Portfolio, time_limit: float) -> dict[str, Any]:
    t = time.perf_counter()
    model = build_model(pf)
    start = greedy_plan(pf)
    x0 = model.encode(*start) if start is not None else None
    res = get_solver("highs").solve(model, SolveOptions(time_limit=time_limit, threads=1), start=x0)
    elapsed = time.perf_counter() - t
    obj = -float(res.objective) if res.objective is not None else float("nan")
    bound = -float(res.bound) if res.bound is not None else float("nan")
    return {
        "time": elapsed,
        "obj": obj,
        "bound": bound,
        "gap": abs(bound - obj) / max(1.0, abs(obj)),
        "optimal": res.status == "optimal",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--projects", type=int, nargs="+", default=[40, 60])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--time-limit", type=float, nargs="+", default=[120.0])
    ap.add_argument("--years", type=int, default=6)
    ap.add_argument("--tightness", type=float, default=0.35)
    args = ap.parse_args()
    print(
        f"{'projects':>8} {'seed':>4} {'limit':>6} | {'plain s':>8} {'gap':>8} {'opt':>4} | "
        f"{'ours s':>8} {'gap':>8} {'opt':>4} | same optimum"
    )
    summary: dict[tuple[int, float], list[tuple[dict[str, Any], dict[str, Any]]]] = {}
    for n in args.projects:
        for limit in args.time_limit:
            for seed in range(args.seeds):
                pf = random_portfolio(n, years=args.years, seed=seed, tightness=args.tightness)
                plain = solve_plain(pf, limit)
                ours = solve_ours(pf, limit)
                same = plain["optimal"] and ours["optimal"] and abs(plain["obj"] - ours["obj"]) < 1e-5
                print(
                    f"{n:>8} {seed:>4} {limit:>6.0f} | {plain['time']:>8.2f} {plain['gap']:>8.2%} "
                    f"{'y' if plain['optimal'] else 'n':>4} | {ours['time']:>8.2f} {ours['gap']:>8.2%} "
                    f"{'y' if ours['optimal'] else 'n':>4} | {same if plain['optimal'] and ours['optimal'] else '-'}",
                    flush=True,
                )
                summary.setdefault((n, limit), []).append((plain, ours))
    print("\nsummary (geometric mean of time ratios plain/ours; mean gaps)")
    for (n, limit), rows in summary.items():
        ratio = float(np.exp(np.mean([np.log(p["time"] / o["time"]) for p, o in rows])))
        print(
            f"  {n:>5} projects, limit {limit:>5.0f} s: time ratio {ratio:5.2f}x, "
            f"gap plain {statistics.mean(p['gap'] for p, _ in rows):.3%}, "
            f"ours {statistics.mean(o['gap'] for _, o in rows):.3%}, "
            f"proven plain {sum(p['optimal'] for p, _ in rows)}/{len(rows)}, "
            f"ours {sum(o['optimal'] for _, o in rows)}/{len(rows)}"
        )


if __name__ == "__main__":
    main()
