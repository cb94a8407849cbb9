"""Benchmark the RCPSP scheduler on PSPLIB J30 / J60.

For every method, every instance is scheduled, the schedule is checked independently for feasibility, and the
makespan is compared with the optimum (J30) or the best known upper bound (J60) from ``optimum.csv``.

Example (the full J30 set with two worker processes)::

    python benchmarks/psplib_rcpsp.py --set j30 --time-limit 1 --workers 2

The data are read from ``../shared/data/psplib`` relative to the repository root (J60 straight from
``j60.sm.tar.gz``, without extracting it); ``--data`` points elsewhere.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing import Pool
from pathlib import Path

import numpy as np

from kommunal_planner.roadmap import RCPSPInstance, read_psplib_text, schedule_rcpsp

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "data" / "psplib"
ALL_METHODS = ("priority", "justify", "heuristic", "auto", "exact")
DEFAULT_METHODS = ("priority", "justify", "heuristic", "auto")


@dataclass(frozen=True)
class Outcome:
    method: str
    instance: str
    makespan: int
    lower_bound: int
    proven: bool
    feasible: bool
    seconds: float
    schedules: int
    produced_by: str


def _natural(name: str) -> tuple[int, int]:
    m = re.search(r"(\d+)_(\d+)$", name)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def load_texts(data: Path, which: str) -> dict[str, str]:
    """Instance name -> file text, without writing anything to disk."""
    texts: dict[str, str] = {}
    if which == "j30":
        for f in (data / "j30").glob("*.sm"):
            texts[f.stem] = f.read_text(encoding="latin-1")
    else:
        with tarfile.open(data / "j60.sm.tar.gz") as tar:
            for member in tar.getmembers():
                if member.isfile() and member.name.endswith(".sm"):
                    fh = tar.extractfile(member)
                    if fh is not None:
                        texts[Path(member.name).stem] = fh.read().decode("latin-1")
    return dict(sorted(texts.items(), key=lambda kv: _natural(kv[0])))


def reference_values(data: Path) -> dict[str, tuple[int, bool]]:
    with (data / "optimum.csv").open(newline="") as fh:
        return {r["instance"]: (int(r["makespan"]), r["proven_optimal"] == "true") for r in csv.DictReader(fh)}


def feasible(inst: RCPSPInstance, starts: np.ndarray) -> bool:
    """Independent check of precedence and per-period capacity."""
    d = inst.durations
    if (starts < 0).any():
        return False
    for j, succ in enumerate(inst.successors):
        for s in succ:
            if starts[j] + d[j] > starts[s]:
                return False
    end = int((starts + d).max()) if d.size else 0
    use = np.zeros((end + 1, inst.n_resources), dtype=np.int64)
    for j in range(inst.n_activities):
        use[starts[j] : starts[j] + d[j]] += inst.demands[j]
    return bool((use <= inst.capacities).all())


def _run(task: tuple[str, str, str, float, int | None, int]) -> Outcome:
    method, name, text, time_limit, max_schedules, seed = task
    inst = read_psplib_text(text, name=name)
    res = schedule_rcpsp(
        inst.durations,
        inst.successors,
        inst.demands,
        inst.capacities,
        time_limit=time_limit,
        seed=seed,
        method=method,
        max_schedules=max_schedules,
    )
    return Outcome(
        method=method,
        instance=name,
        makespan=res.makespan,
        lower_bound=res.lower_bound,
        proven=res.proven_optimal,
        feasible=feasible(inst, np.asarray(res.starts)),
        seconds=res.time,
        schedules=res.schedules_evaluated,
        produced_by=res.method,
    )


def _sample(names: list[str], limit: int | None) -> list[str]:
    """``limit`` instances spread evenly over the set (all parameter groups represented)."""
    if limit is None or limit >= len(names):
        return names
    idx = np.linspace(0, len(names) - 1, limit).round().astype(int)
    return [names[i] for i in sorted(set(idx.tolist()))]


def summarise(method: str, rows: list[Outcome], ref: dict[str, tuple[int, bool]]) -> dict[str, float]:
    dev = np.array([(r.makespan - ref[r.instance][0]) / ref[r.instance][0] * 100 for r in rows])
    secs = np.array([r.seconds for r in rows])
    return {
        "instances": len(rows),
        "mean_dev": float(dev.mean()),
        "max_dev": float(dev.max()),
        "at_ref": float(np.mean([r.makespan <= ref[r.instance][0] for r in rows])),
        "better": float(sum(r.makespan < ref[r.instance][0] for r in rows)),
        "proven": float(np.mean([r.proven for r in rows])),
        "mean_time": float(secs.mean()),
        "max_time": float(secs.max()),
        "schedules": float(np.mean([r.schedules for r in rows])),
        "infeasible": float(sum(not r.feasible for r in rows)),
        "bound_violations": float(sum(r.lower_bound > ref[r.instance][0] and ref[r.instance][1] for r in rows)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", dest="which", choices=("j30", "j60"), default="j30")
    parser.add_argument("--limit", type=int, default=None, help="number of instances (spread over the set)")
    parser.add_argument("--time-limit", type=float, default=1.0, help="seconds per instance and method")
    parser.add_argument("--max-schedules", type=int, default=None, help="deterministic schedule budget")
    parser.add_argument(
        "--methods", default=",".join(DEFAULT_METHODS), help=f"comma-separated subset of {', '.join(ALL_METHODS)}"
    )
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--csv", type=Path, default=None, help="write one row per instance and method")
    args = parser.parse_args(argv)

    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = [m for m in methods if m not in ALL_METHODS]
    if unknown:
        parser.error(f"unknown method(s): {', '.join(unknown)}")
    if not args.data.is_dir():
        print(f"PSPLIB data not found at {args.data}", file=sys.stderr)
        return 2
    texts = load_texts(args.data, args.which)
    ref = reference_values(args.data)
    names = _sample(list(texts), args.limit)
    reference = "optimum" if args.which == "j30" else "best known"
    print(
        f"{args.which}: {len(names)} instances, methods {', '.join(methods)}, time limit {args.time_limit:g} s, "
        f"max schedules {args.max_schedules}, workers {args.workers}, deviation from the {reference}",
        flush=True,
    )

    tasks = [(m, nm, texts[nm], args.time_limit, args.max_schedules, args.seed) for m in methods for nm in names]
    started = time.perf_counter()
    results: list[Outcome] = []

    def outcomes() -> Iterator[Outcome]:
        if args.workers > 1:
            with Pool(args.workers) as pool:
                yield from pool.imap_unordered(_run, tasks, chunksize=1)
        else:
            yield from map(_run, tasks)

    for i, out in enumerate(outcomes(), 1):
        results.append(out)
        if i % 50 == 0:
            print(f"  {i}/{len(tasks)} runs, {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)

    header = (
        f"{'method':<10} {'n':>4} {'mean dev%':>9} {'max dev%':>8} {'=ref':>6} {'proven':>6} "
        f"{'mean s':>7} {'max s':>6} {'schedules':>9} {'infeas':>6}"
    )
    print(header)
    print("-" * len(header))
    for m in methods:
        rows = [r for r in results if r.method == m]
        s = summarise(m, rows, ref)
        print(
            f"{m:<10} {s['instances']:>4} {s['mean_dev']:>9.3f} {s['max_dev']:>8.2f} {s['at_ref']:>6.1%} "
            f"{s['proven']:>6.1%} {s['mean_time']:>7.3f} {s['max_time']:>6.2f} {s['schedules']:>9.0f} "
            f"{s['infeasible']:>6.0f}"
        )
        if s["better"]:
            print(f"  {m}: {s['better']:.0f} makespans below the reference value")
        if s["bound_violations"]:
            print(f"  {m}: {s['bound_violations']:.0f} lower bounds above a proven optimum (a bug)")
    print(f"wall time {time.perf_counter() - started:.0f} s")

    if args.csv is not None:
        with args.csv.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["method", "instance", "makespan", "reference", "lower_bound", "proven", "feasible",
                        "seconds", "schedules", "produced_by"])  # fmt: skip
            for r in sorted(results, key=lambda r: (r.method, _natural(r.instance))):
                w.writerow([r.method, r.instance, r.makespan, ref[r.instance][0], r.lower_bound, r.proven,
                            r.feasible, f"{r.seconds:.3f}", r.schedules, r.produced_by])  # fmt: skip
    return 1 if any(not r.feasible for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
