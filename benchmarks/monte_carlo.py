"""Monte Carlo throughput on the example municipality, measured side by side in one run.

Part A, executors (run first): the same draws (selection frequency, one re-optimisation per draw) run in this
process, on a process pool of two workers and on a Dask ``LocalCluster`` of two single-threaded worker processes.
The draws are split into blocks and the three executors take turns block by block, so that the load of a shared
machine falls on all of them alike. Reported: wall time, solves per second, and whether all three gave identical
tables.

Part B, re-use and warm starts: for each of some draws, in this process, one after the other:
  rebuild/cold   the draw as a scenario, applied to a new validated portfolio, ``optimize(start=False)``
  rebuild/greedy as above with the greedy start plan (``optimize``'s default)
  reuse/cold     the base model's structure instantiated with the draw's values, no start plan
  reuse/warm     as above, started from the base plan repaired for the draw (what the batch functions do)
Each is timed from the draw's data to the solved plan; the objectives are compared.

Solves stop at a relative gap (``--gap``, default 1e-3) with a safety time limit per solve (``--time-limit``,
default 60 s). Results are reproducible only for solves that end by the gap; the count of time-limited solves is
reported.

    /work/venv/bin/python benchmarks/monte_carlo.py --draws 1000 --block 100 --reuse-draws 100 --json mc.json
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

import kommunal_planner as kp
from kommunal_planner.optimize import SolveOptions
from kommunal_planner.optimize._reuse import ParametricModel, solve_model, start_vector
from kommunal_planner.scenarios import (
    CostUncertainty,
    LogNormal,
    Triangular,
    Uncertainty,
    draw_scenario,
    robustness,
)
from kommunal_planner.scenarios._uncertainty import Compiled, rng_for

EXAMPLE = Path(__file__).resolve().parents[1] / "src" / "kommunal_planner" / "examples" / "musterstadt.yaml"

SPEC = Uncertainty(
    costs=(
        CostUncertainty(Triangular(0.9, 1.0, 1.4)),  # each project: overruns likelier than savings
        CostUncertainty(LogNormal(0.08), common=True),  # one price level for all (construction prices)
    ),
    approvals=True,  # each application approved with its programme's approval_probability
    weight_concentration=200.0,  # weights around the council's, a criterion of 0.3 moves by about ±0.03
)


def part_a(pf: kp.Portfolio, plan: kp.Plan, args: argparse.Namespace) -> dict[str, Any]:
    from distributed import Client, LocalCluster

    kw = {"gap": args.gap, "time_limit": args.time_limit, "selection": True, "adopted": False, "plan": plan}
    modes = ("serial", "process_pool", "dask")
    seconds = dict.fromkeys(modes, 0.0)
    draws: dict[str, list[Any]] = {m: [] for m in modes}
    t0 = time.perf_counter()
    with (
        ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("forkserver")) as pool,
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.WARNING
        ) as cluster,
        Client(cluster) as client,
    ):
        startup = time.perf_counter() - t0
        executors = {"serial": None, "process_pool": pool, "dask": client.get_executor()}
        # one warm-up chunk each, so that worker start-up and imports are not counted as solving time
        for mode in ("process_pool", "dask"):
            robustness(pf, SPEC, draws=2, seed=args.seed, first_draw=args.draws, executor=executors[mode], **kw)
        for first in range(0, args.draws, args.block):
            n = min(args.block, args.draws - first)
            for mode in modes:
                t = time.perf_counter()
                r = robustness(pf, SPEC, draws=n, seed=args.seed, first_draw=first, executor=executors[mode], **kw)
                seconds[mode] += time.perf_counter() - t
                draws[mode].extend(r.draws)
            logging.info("part A: %d/%d draws, %s", first + n, args.draws, {m: round(s) for m, s in seconds.items()})
    ref = draws["serial"]
    identical = {m: [d.starts for d in draws[m]] == [d.starts for d in ref] for m in modes}
    statuses: dict[str, int] = {}
    for d in ref:
        statuses[d.status] = statuses.get(d.status, 0) + 1
    solve_s = [d.seconds for d in ref]
    return {
        "draws": args.draws,
        "cluster_and_pool_startup_s": round(startup, 2),
        "seconds": {m: round(s, 1) for m, s in seconds.items()},
        "solves_per_second": {m: round(args.draws / s, 3) for m, s in seconds.items()},
        "speedup_vs_serial": {m: round(seconds["serial"] / s, 2) for m, s in seconds.items()},
        "identical_to_serial": identical,
        "statuses": statuses,
        "serial_seconds_per_draw": {
            "mean": round(statistics.mean(solve_s), 3),
            "median": round(statistics.median(solve_s), 3),
            "max": round(max(solve_s), 3),
        },
    }


def _build_seconds(pf: kp.Portfolio) -> float:
    from kommunal_planner.optimize import build_model

    t = time.perf_counter()
    build_model(pf)
    return time.perf_counter() - t


def part_b(pf: kp.Portfolio, plan: kp.Plan, args: argparse.Namespace) -> dict[str, Any]:
    options = SolveOptions(mip_rel_gap=args.gap, time_limit=args.time_limit, threads=1, tie_break=False)
    t = time.perf_counter()
    pm = ParametricModel(pf)
    structure_s = time.perf_counter() - t
    comp = Compiled(SPEC, pf, pm.values, pm.programme_ids)
    starts = {pf.index_of(d.id): d.start - pf.horizon.start for d in plan.projects if d.start is not None}
    progs = {
        pf.index_of(d.id): pm.programme_ids.index(d.programme) for d in plan.projects if d.selected and d.programme
    }
    variants = ("rebuild_cold", "rebuild_greedy", "reuse_cold", "reuse_warm")
    times: dict[str, list[float]] = {v: [] for v in variants}
    build: dict[str, list[float]] = {"rebuild": [], "reuse": []}
    objectives: dict[str, list[float | None]] = {v: [] for v in variants}
    statuses: dict[str, dict[str, int]] = {v: {} for v in variants}
    warm_ok = 0
    for k in range(args.reuse_draws):
        i = args.draws + 10 + k  # draws Part A did not use
        scenario = draw_scenario(pf, SPEC, args.seed, i)  # the draw, as data for a rebuild ...
        values = comp.values_of(comp.sample(rng_for(args.seed, i)))  # ... and as values for the structure
        for variant in variants:
            t = time.perf_counter()
            if variant.startswith("rebuild"):
                applied = scenario.apply(pf)
                if variant == "rebuild_cold":
                    build["rebuild"].append(time.perf_counter() - t + _build_seconds(applied))
                p = kp.optimize(applied, options=options, start=variant == "rebuild_greedy", explain=False)
                status, objective = p.status, p.objective
            else:
                model = pm.instance(values)
                if variant == "reuse_cold":
                    build["reuse"].append(time.perf_counter() - t)
                x0 = start_vector(model, starts, progs) if variant == "reuse_warm" else None
                if variant == "reuse_warm" and x0 is not None:
                    warm_ok += 1
                sol = solve_model(model, options, start=x0)
                status, objective = sol.status, sol.objective
            times[variant].append(time.perf_counter() - t)
            objectives[variant].append(objective)
            statuses[variant][status] = statuses[variant].get(status, 0) + 1
        logging.info("part B: %d/%d draws", k + 1, args.reuse_draws)
    ref = np.array([np.nan if o is None else o for o in objectives["rebuild_cold"]])
    agree = {}
    for v in variants:
        o = np.array([np.nan if x is None else x for x in objectives[v]])
        agree[v] = int(np.sum(np.abs(o - ref) <= args.gap * np.maximum(1.0, np.abs(ref)) + 1e-6))
    total = {v: sum(ts) for v, ts in times.items()}
    return {
        "draws": args.reuse_draws,
        "structure_once_s": round(structure_s, 4),
        "mean_build_s": {k: round(statistics.mean(v), 5) for k, v in build.items()},
        "build_speedup": round(statistics.mean(build["rebuild"]) / statistics.mean(build["reuse"]), 1),
        "total_s": {v: round(s, 1) for v, s in total.items()},
        "mean_s": {v: round(s / args.reuse_draws, 3) for v, s in total.items()},
        "speedup_vs_rebuild_cold": {v: round(total["rebuild_cold"] / s, 2) for v, s in total.items()},
        "warm_start_repaired": warm_ok,
        "objective_within_gap_of_rebuild_cold": agree,
        "statuses": statuses,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--draws", type=int, default=1000, help="draws per executor in part A")
    parser.add_argument("--block", type=int, default=100, help="draws per block; executors take turns per block")
    parser.add_argument("--reuse-draws", type=int, default=100, help="draws of part B")
    parser.add_argument("--gap", type=float, default=1e-3, help="relative MIP gap of every solve")
    parser.add_argument("--time-limit", type=float, default=60.0, help="safety limit per solve [s]")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-a", action="store_true")
    parser.add_argument("--skip-b", action="store_true")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("distributed").setLevel(logging.WARNING)
    logging.getLogger("kommunal_planner").setLevel(logging.WARNING)
    pf = kp.read(EXAMPLE)
    t = time.perf_counter()
    plan = kp.optimize(pf, gap=args.gap, threads=1)
    out: dict[str, Any] = {
        "portfolio": f"{pf.name}: {len(pf.projects)} projects, {pf.horizon.years} years, "
        f"{len(pf.programmes)} programmes",
        "gap": args.gap,
        "time_limit_per_solve": args.time_limit,
        "base_plan": {"status": plan.status, "objective": plan.objective, "seconds": round(time.perf_counter() - t, 2)},
        "uncertainty": SPEC.to_dict(),
    }
    # executors first: their worker processes import the package at the start of the run, like this process
    if not args.skip_a:
        out["executors"] = part_a(pf, plan, args)
        print(json.dumps(out["executors"], indent=2), flush=True)
    if not args.skip_b:
        out["reuse_and_warm_start"] = part_b(pf, plan, args)
        print(json.dumps(out["reuse_and_warm_start"], indent=2), flush=True)
    if args.json is not None:
        args.json.write_text(json.dumps(out, indent=2, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
