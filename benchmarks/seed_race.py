"""Racing HiGHS seeds on both cores: does it prove optimality sooner than one single-threaded solve?

HiGHS's time to the proof varies strongly with its random seed. A race runs the same model (ours, greedy start)
with K seeds in K processes at once, one thread each, and stops all of them when one proves optimality; in the
``shared`` column each process also hands every better plan it finds to the others through HiGHS's MIP
callbacks. Printed per portfolio: the time of each seed alone (one after the other, one
process), and the wall time of the race without and with sharing (processes started included).

    python benchmarks/seed_race.py --projects 40 --seeds 1 2 3 4 --time-limit 300
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from generate import random_portfolio
from kommunal_planner.optimize import Model, build_model, greedy_plan
from kommunal_planner.optimize._solvers import HighsSolver, SolveOptions


def _options(limit: float, seed: int) -> SolveOptions:
    """The settings of every solve here: one thread, proven optimality, as ``kp.optimize`` runs it."""
    return SolveOptions(time_limit=limit, threads=1, seed=seed, tie_break=False)


def _racer(model: Model, start: np.ndarray | None, limit: float, share: bool, seed: int, shared: Any, out: Any) -> None:
    """One process of the race: solve with *seed*, publish better plans, take the others', stop when one proved."""
    import highspy

    best_obj, best_x, done, lock = shared
    h = HighsSolver().prepare(model, _options(limit, seed), start=start)

    def improving(e: Any) -> None:
        obj = float(e.data_out.objective_function_value)
        with lock:
            if obj < best_obj.value - 1e-9:
                best_obj.value = obj
                best_x[:] = np.asarray(e.data_out.mip_solution)

    def user_solution(e: Any) -> None:
        if best_obj.value < e.data_out.mip_primal_bound - 1e-6:
            with lock:
                x = np.array(best_x[:])
            e.data_in.setSolution(x)

    def interrupt(e: Any) -> None:
        if done.value:
            e.interrupt()

    if share:
        h.cbMipImprovingSolution.subscribe(improving)
        h.cbMipUserSolution.subscribe(user_solution)
    h.cbMipInterrupt.subscribe(interrupt)
    h.run()
    proved = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    if proved:
        done.value = 1
    info = h.getInfo()
    out.put((seed, proved, float(info.objective_function_value), float(info.mip_dual_bound)))


def race(model: Model, start: np.ndarray | None, limit: float, seeds: list[int], share: bool) -> dict[str, Any]:
    """Wall time of the race, whether one process proved, and the best plan and bound over all processes."""
    ctx = mp.get_context("spawn")  # HiGHS's thread pool does not survive a fork
    shared = (
        ctx.Value("d", float(model.c @ start) if start is not None else np.inf, lock=False),
        ctx.Array("d", model.n_cols, lock=False),
        ctx.Value("i", 0, lock=False),
        ctx.Lock(),
    )
    if start is not None:
        shared[1][:] = start
    out = ctx.Queue()
    t = time.perf_counter()
    procs = [ctx.Process(target=_racer, args=(model, start, limit, share, s, shared, out)) for s in seeds]
    for p in procs:
        p.start()
    results = [out.get(timeout=limit + 120) for _ in procs]  # a process that died does not hang the run
    for p in procs:
        p.join()
    return {
        "time": time.perf_counter() - t,
        "optimal": any(r[1] for r in results),
        "obj": -min(r[2] for r in results),
        "bound": -max(r[3] for r in results),
    }


def alone(model: Model, start: np.ndarray | None, limit: float, seed: int) -> dict[str, Any]:
    """One single-threaded solve with *seed*, as ``kp.optimize`` runs it."""
    t = time.perf_counter()
    res = HighsSolver().solve(model, _options(limit, seed), start=start)
    return {
        "time": time.perf_counter() - t,
        "optimal": res.status == "optimal",
        "obj": -res.objective if res.objective is not None else np.nan,
        "bound": -res.bound if res.bound is not None else np.nan,
    }


def _cell(run: dict[str, Any]) -> str:
    return f"{run['time']:>7.1f}{'' if run['optimal'] else '+':<1} {run['obj']:>6.0f}/{run['bound']:<6.0f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--projects", type=int, nargs="+", default=[40])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2], help="seeds of the random portfolios")
    ap.add_argument("--highs-seeds", type=int, nargs="+", default=[0, 1], help="HiGHS seeds, one process each")
    ap.add_argument("--time-limit", type=float, default=300.0)
    args = ap.parse_args()
    alone_head = " ".join(f"{'seed ' + str(s):>21}" for s in args.highs_seeds)
    print(f"{'projects':>8} {'seed':>4} | alone: {alone_head} | race: {'separate':>21} {'shared':>21}")
    print("  (time in s, '+' where not proved within the limit; plan/bound)")
    for n in args.projects:
        for seed in args.seeds:
            pf = random_portfolio(n, seed=seed)
            model = build_model(pf)
            greedy = greedy_plan(pf)
            start = model.encode(*greedy) if greedy is not None else None
            single = [alone(model, start, args.time_limit, s) for s in args.highs_seeds]
            separate = race(model, start, args.time_limit, args.highs_seeds, share=False)
            shared = race(model, start, args.time_limit, args.highs_seeds, share=True)
            cells = " ".join(_cell(r) for r in single)
            print(f"{n:>8} {seed:>4} | alone: {cells} | race: {_cell(separate)} {_cell(shared)}", flush=True)


if __name__ == "__main__":
    main()
