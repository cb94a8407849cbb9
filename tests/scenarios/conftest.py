"""Fixtures of the scenario tests: small random portfolios that solve in milliseconds, and executors."""

from __future__ import annotations

import importlib.util
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from kommunal_planner.model import Portfolio

_GENERATE = Path(__file__).resolve().parents[2] / "benchmarks" / "generate.py"


def _random_portfolio() -> Callable[..., Portfolio]:
    spec = importlib.util.spec_from_file_location("kp_benchmarks_generate", _GENERATE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.random_portfolio  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def make_portfolio() -> Callable[..., Portfolio]:
    """``random_portfolio(n, seed=...)`` of the benchmarks: every rule in use, tight budgets."""
    return _random_portfolio()


@pytest.fixture(scope="session")
def rand10() -> Portfolio:
    """Ten projects, six years, six programmes (pots, windows, floors), staff limits: solves in ~20 ms."""
    return _random_portfolio()(10, seed=1)


@pytest.fixture(scope="session")
def rand8() -> Portfolio:
    return _random_portfolio()(8, seed=1)


@pytest.fixture(scope="module")
def process_pool() -> Iterator[ProcessPoolExecutor]:
    """A user's own pool of two processes (fork: the batch code must cope with a solver forked mid-use)."""
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        yield pool


@pytest.fixture(scope="module")
def dask_executor() -> Iterator[Any]:
    """A real Dask scheduler with two worker processes of one thread each; skipped without ``distributed``."""
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client.get_executor()
