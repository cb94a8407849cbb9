"""OR-Library multidimensional knapsack instances as portfolios reach their published optima."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

import kommunal_planner as kp
from kommunal_planner.errors import DataFormatError
from kommunal_planner.io._orlib import KnapsackInstance, knapsack_portfolio, read_mknap


def test_mknap1_all_seven_reach_the_optimum(shared_data: Path) -> None:
    instances = read_mknap(shared_data / "mknap" / "mknap1.txt")
    assert [i.n for i in instances] == [6, 10, 15, 20, 28, 39, 50]
    for inst in instances:
        plan = kp.optimize(knapsack_portfolio(inst), tie_break=False)
        assert plan.status == "optimal", inst.name
        assert plan.objective == pytest.approx(inst.optimum, abs=1e-6), inst.name
        assert plan.verify().ok


def test_mknap2_small_instances(shared_data: Path) -> None:
    instances = {i.name: i for i in read_mknap(shared_data / "mknap" / "mknap2.txt")}
    assert len(instances) == 48
    for name in ("WEING1", "WEING2", "WEISH01", "PB4"):
        inst = instances[name]
        plan = kp.optimize(knapsack_portfolio(inst), tie_break=False)
        assert plan.status == "optimal" and plan.objective == pytest.approx(inst.optimum), name


def test_mknapcb1_instance_reaches_best_known(shared_data: Path) -> None:
    rows = {
        (r["file"], int(r["instance_index"])): float(r["best_known"])
        for r in csv.DictReader((shared_data / "mknap" / "best_known.csv").open(encoding="utf-8"))
    }
    inst = read_mknap(shared_data / "mknap" / "mknapcb1.txt")[1]
    assert (inst.n, inst.m) == (100, 5)
    plan = kp.optimize(knapsack_portfolio(inst), tie_break=False)
    assert plan.status == "optimal"
    assert plan.objective == pytest.approx(rows[("mknapcb1.txt", 1)])


def test_mapping_by_hand() -> None:
    inst = KnapsackInstance(
        "k", np.array([3.0, 4.0, 5.0]), np.array([[2.0, 3.0, 4.0], [2.0, 1.0, 3.0]]), np.array([5.0, 4.0]), 8.0
    )
    plan = kp.optimize(knapsack_portfolio(inst))
    assert plan.selected == ("i0", "i1") and plan.objective == 7.0  # i2 with either exceeds a capacity


def test_bad_knapsack_files(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="latin-1")
    (tmp_path / "short.txt").write_text("1\n3 1 0\n1 2 3\n", encoding="latin-1")
    (tmp_path / "text.txt").write_text("1 two 3", encoding="latin-1")
    for name, msg in (("empty.txt", "empty"), ("short.txt", "ends inside"), ("text.txt", "not a number")):
        with pytest.raises(DataFormatError, match=msg):
            read_mknap(tmp_path / name)
