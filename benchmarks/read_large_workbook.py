"""Reading a large portfolio from a workbook and from CSV folders, against YAML as a baseline.

python benchmarks/read_large_workbook.py --projects 2000 --repeat 5

Times are medians over the repeats. For the workbook, the share spent inside openpyxl (unzipping and parsing the
sheet XML) is shown apart from the share spent turning cells into a validated Portfolio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from generate import random_portfolio
from kommunal_planner.io import read, write_csv_folder, write_excel, write_yaml
from kommunal_planner.io._excel import _load_sheets
from kommunal_planner.io._tables import read_file_bytes


def timed(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--projects", type=int, default=2000)
    ap.add_argument("--years", type=int, default=8)
    ap.add_argument("--programmes", type=int, default=20)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    warnings.simplefilter("ignore", UserWarning)  # random portfolios hold projects that can never start
    pf = random_portfolio(args.projects, years=args.years, n_programmes=args.programmes, seed=1)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        targets = {
            "xlsx": root / "pf.xlsx",
            "csv (comma, UTF-8)": root / "csv_default",
            "csv (German Excel)": root / "csv_de",
            "yaml (baseline)": root / "pf.yaml",
        }
        writers: dict[str, Callable[[], None]] = {
            "xlsx": lambda: write_excel(pf, targets["xlsx"]),
            "csv (comma, UTF-8)": lambda: write_csv_folder(pf, targets["csv (comma, UTF-8)"]),
            "csv (German Excel)": lambda: write_csv_folder(pf, targets["csv (German Excel)"], dialect="de"),
            "yaml (baseline)": lambda: write_yaml(pf, targets["yaml (baseline)"]),
        }
        print(f"{args.projects} projects, {args.years} years, {args.programmes} programmes; median of {args.repeat}")
        print(f"{'format':<20} {'size kB':>9} {'write s':>9} {'read s':>9}  equal")
        for name, target in targets.items():
            write_s = timed(writers[name], 1)
            size = sum(f.stat().st_size for f in target.iterdir()) if target.is_dir() else target.stat().st_size
            read_s = timed(partial(read, target), args.repeat)
            equal = read(target) == pf
            print(f"{name:<20} {size / 1024:>9.0f} {write_s:>9.3f} {read_s:>9.3f}  {equal}")
        data = read_file_bytes(targets["xlsx"])
        load_s = timed(lambda: _load_sheets(data, "pf.xlsx"), args.repeat)
        print(f"  of the xlsx read, openpyxl parsing the sheets: {load_s:.3f} s")


if __name__ == "__main__":
    main()
