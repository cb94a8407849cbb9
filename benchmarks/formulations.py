"""Plain formulation against kommunal_planner's, same solver (HiGHS) and settings, side by side in one run.

Plain: the straightforward model of benchmarks/naive_pulp.py (every eligible programme a y column, no dominance
reduction, no start solution), written to MPS and read by HiGHS. Ours: ``kp.optimize`` as users call it (one
thread, no tie-break). Both are solved single-threaded with the same gap tolerances and time limit.

Its start plan (greedy, and from 100 projects on the LP-rounded plan repaired by local search) is included in its
time; ``--greedy`` adds a run of ours with the greedy start only, to show what the LP start contributes. The
start column shows the start plan's value (recomputed). ``--single`` adds ours with one LP rounding and no random
restarts of the search. ``--oracle S`` adds a run of ours that is also given the best plan a run of S seconds
found (not counted in its time): the gap that the best start could leave, which tells whether a better start plan
could close the gap or only a better bound could.

    python benchmarks/formulations.py --projects 40 60 100 --seeds 0 1 2 --time-limit 120  # time to the proof
    python benchmarks/formulations.py --projects 200 500 --seeds 0 1 2 3 4 5 --time-limit 10 60  # gap, equal time
    python benchmarks/formulations.py --projects 200 500 --seeds 0 1 2 --time-limit 600  # ten times as long
    python benchmarks/formulations.py --projects 2000 --seeds 0 1 2 --time-limit 10 60 --single
    python benchmarks/formulations.py --projects 200 --seeds 0 1 --time-limit 10 60 --oracle 900  # could a start do it?
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
from kommunal_planner.optimize import Plan, build_model, greedy_plan, lp_start, lp_start_budget, optimize
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


def solve_ours(pf: Portfolio, time_limit: float, start: str = "auto", initial: Plan | None = None) -> dict[str, Any]:
    """kp.optimize as users call it, one thread; ``start="greedy"`` leaves out the LP-rounded start, ``"single"``
    its random restarts.

    *initial* is handed to the solver as a start plan besides its own (the oracle run of ``--oracle``).
    """
    from kommunal_planner.optimize import _api

    saved = _api.LP_START_PROJECTS
    saved_restarts = _api.LP_START_RESTARTS
    if start == "greedy":
        _api.LP_START_PROJECTS = sys.maxsize
    if start == "single":
        _api.LP_START_RESTARTS = 0
    try:
        t = time.perf_counter()
        plan = optimize(pf, time_limit=time_limit, threads=1, tie_break=False, explain=False, initial=initial)
        elapsed = time.perf_counter() - t
    finally:
        _api.LP_START_PROJECTS = saved
        _api.LP_START_RESTARTS = saved_restarts
    model = build_model(pf)
    greedy = greedy_plan(pf)
    starts = [-float(model.c @ model.encode(*greedy))] if greedy is not None else []
    if start != "greedy" and len(pf.projects) >= saved:
        restarts = 0 if start == "single" else saved_restarts
        found = lp_start(model, threads=1, time_limit=lp_start_budget(len(pf.projects), time_limit), restarts=restarts)
        if found.x is not None:
            starts.append(-float(model.c @ found.x))
    if initial is not None and initial.objective is not None:
        starts.append(initial.objective)
    obj = plan.objective if plan.objective is not None else float("nan")
    bound = plan.bound if plan.bound is not None else float("nan")
    return {
        "time": elapsed,
        "obj": obj,
        "bound": bound,
        "gap": abs(bound - obj) / max(1.0, abs(obj)),
        "optimal": plan.status == "optimal",
        "start": max(starts, default=float("nan")),
        "start_time": plan.times.get("heuristic", 0.0),
    }


def _pair(run: dict[str, Any]) -> str:
    """The plan's objective and the bound, rounded to whole units: which side of the gap moved."""
    return f"{run['obj']:.0f}/{run['bound']:.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--projects", type=int, nargs="+", default=[40, 60])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="seeds of the random portfolios")
    ap.add_argument("--time-limit", type=float, nargs="+", default=[120.0])
    ap.add_argument("--years", type=int, default=6)
    ap.add_argument("--tightness", type=float, default=0.35)
    ap.add_argument("--greedy", action="store_true", help="also ours with the greedy start only (the start's effect)")
    ap.add_argument("--single", action="store_true", help="also ours with one LP rounding, no random restarts")
    ap.add_argument(
        "--oracle",
        type=float,
        metavar="SECONDS",
        help="also ours given the best plan of a run of SECONDS as its start: the gap a perfect start would leave",
    )
    args = ap.parse_args()
    variants = ["ours"] + [v for v in ("greedy", "single") if getattr(args, v)] + (["oracle"] if args.oracle else [])
    best: dict[tuple[int, int], Plan] = {}
    head = " | ".join(f"{v + ' s':>8} {'plan/bound':>15} {'gap':>8} {'opt':>3} {'start':>8}" for v in variants)
    print(
        f"{'projects':>8} {'seed':>4} {'limit':>6} | {'plain s':>8} {'plan/bound':>15} {'gap':>8} {'opt':>3} | {head}"
        " | same optimum"
    )
    summary: dict[tuple[int, float], list[dict[str, dict[str, Any]]]] = {}
    for n in args.projects:
        for limit in args.time_limit:
            for seed in args.seeds:
                pf = random_portfolio(n, years=args.years, seed=seed, tightness=args.tightness)
                run = {"plain": solve_plain(pf, limit), "ours": solve_ours(pf, limit)}
                if args.greedy:
                    run["greedy"] = solve_ours(pf, limit, start="greedy")
                if args.single:
                    run["single"] = solve_ours(pf, limit, start="single")
                if args.oracle:
                    if (n, seed) not in best:
                        best[n, seed] = optimize(pf, time_limit=args.oracle, threads=1, tie_break=False, explain=False)
                    run["oracle"] = solve_ours(pf, limit, initial=best[n, seed])
                proven = [r for r in run.values() if r["optimal"]]
                same = len(proven) == len(run) and max(r["obj"] for r in proven) - min(r["obj"] for r in proven) < 1e-5
                cells = " | ".join(
                    f"{run[v]['time']:>8.2f} {_pair(run[v]):>15} {run[v]['gap']:>8.3%} "
                    f"{'y' if run[v]['optimal'] else 'n':>3} "
                    f"{run[v]['start']:>8.0f}"
                    for v in variants
                )
                plain = run["plain"]
                print(
                    f"{n:>8} {seed:>4} {limit:>6.0f} | {plain['time']:>8.2f} {_pair(plain):>15} {plain['gap']:>8.3%} "
                    f"{'y' if plain['optimal'] else 'n':>3} | {cells} | {same if len(proven) == len(run) else '-'}",
                    flush=True,
                )
                summary.setdefault((n, limit), []).append(run)
    print("\nsummary (geometric mean of time ratios plain/ours; mean gaps; ratio of mean gaps plain/ours)")
    for (n, limit), rows in summary.items():
        for v in variants:
            ratio = float(np.exp(np.mean([np.log(r["plain"]["time"] / r[v]["time"]) for r in rows])))
            gp = statistics.mean(r["plain"]["gap"] for r in rows)
            go = statistics.mean(r[v]["gap"] for r in rows)
            print(
                f"  {n:>5} projects, limit {limit:>5.0f} s, {v:>6}: time ratio {ratio:5.2f}x, "
                f"gap plain {gp:.3%}, {v} {go:.3%} (plain/{v} {gp / go if go > 0 else float('inf'):.2f}x), "
                f"proven plain {sum(r['plain']['optimal'] for r in rows)}/{len(rows)}, "
                f"{v} {sum(r[v]['optimal'] for r in rows)}/{len(rows)}"
            )


if __name__ == "__main__":
    main()
