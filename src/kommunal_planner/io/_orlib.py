"""OR-Library multidimensional knapsack files, and their reading as a multi-year capital-budgeting portfolio.

The multidimensional 0/1 knapsack (maximise Σ p_j x_j s.t. Σ_j r_ij x_j ≤ b_i) is the capital-budgeting core of
portfolio selection: with one project per item, a duration of m years whose yearly costs are the item's m weights,
a start fixed to the first year and the m capacities as yearly budgets, the portfolio's optimum is the knapsack's.
This gives the optimiser public instances with known optima.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from kommunal_planner.errors import DataFormatError, Location
from kommunal_planner.model import Horizon, Portfolio, Project
from kommunal_planner.model._frozen import readonly

__all__ = ["KnapsackInstance", "knapsack_portfolio", "read_mknap"]


@dataclass(frozen=True, slots=True, eq=False)
class KnapsackInstance:
    """One multidimensional knapsack instance: ``profits`` (n), ``weights`` (m × n), ``capacities`` (m)."""

    name: str
    profits: NDArray[np.float64]
    weights: NDArray[np.float64]
    capacities: NDArray[np.float64]
    optimum: float | None

    @property
    def n(self) -> int:
        return int(self.profits.shape[0])

    @property
    def m(self) -> int:
        return int(self.capacities.shape[0])


def _numbers(text: str, source: str) -> list[float]:
    try:
        return [float(tok) for tok in text.split()]
    except ValueError as exc:
        raise DataFormatError(f"not a number list ({exc})", location=Location(file=source)) from None


def _take(tokens: list[float], pos: int, count: int, source: str, what: str) -> tuple[NDArray[np.float64], int]:
    if pos + count > len(tokens):
        raise DataFormatError(f"the file ends inside {what}", location=Location(file=source))
    return np.array(tokens[pos : pos + count], dtype=np.float64), pos + count


def _read_stream(text: str, source: str, stem: str) -> list[KnapsackInstance]:
    """mknap1.txt and mknapcb*.txt: K, then per instance n m opt, profits, m rows of weights, capacities."""
    tokens = _numbers(text, source)
    if not tokens:
        raise DataFormatError("the file is empty", location=Location(file=source))
    count, pos = int(tokens[0]), 1
    out = []
    for k in range(count):
        head, pos = _take(tokens, pos, 3, source, f"the header of instance {k}")
        n, m, opt = int(head[0]), int(head[1]), float(head[2])
        profits, pos = _take(tokens, pos, n, source, f"the profits of instance {k}")
        weights, pos = _take(tokens, pos, n * m, source, f"the weights of instance {k}")
        caps, pos = _take(tokens, pos, m, source, f"the capacities of instance {k}")
        out.append(
            KnapsackInstance(
                f"{stem}-{k}",
                readonly(profits),
                readonly(weights.reshape(m, n)),
                readonly(caps),
                opt if opt > 0 else None,
            )
        )
    if pos != len(tokens):
        raise DataFormatError(
            f"{len(tokens) - pos} numbers left over after {count} instances", location=Location(file=source)
        )
    return out


def _read_mknap2(text: str, source: str) -> list[KnapsackInstance]:
    """mknap2.txt: free text, then blocks introduced by 'problem NAME.DAT' between '+++' lines."""
    parts = re.split(r"\n\s*\+{5,}\s*\n\s*\n?\s*problem\s+(\S+?)(?:\.DAT)?\s*\n\s*\n?\s*\+{5,}\s*\n", text)
    out = []
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        nums = _numbers(body.split("+++")[0], source)
        m, n = int(nums[0]), int(nums[1])
        pos = 2
        profits, pos = _take(nums, pos, n, source, f"the profits of {name}")
        caps, pos = _take(nums, pos, m, source, f"the capacities of {name}")
        weights, pos = _take(nums, pos, m * n, source, f"the weights of {name}")
        opt, pos = _take(nums, pos, 1, source, f"the optimum of {name}")
        out.append(
            KnapsackInstance(name, readonly(profits), readonly(weights.reshape(m, n)), readonly(caps), float(opt[0]))
        )
    if not out:
        raise DataFormatError("no 'problem NAME.DAT' blocks found", location=Location(file=source))
    return out


def read_mknap(path: str | os.PathLike[str]) -> list[KnapsackInstance]:
    """Read an OR-Library multidimensional knapsack file (mknap1, mknap2 or mknapcb1..9 format).

    Raises
    ------
    DataFormatError
        Naming the file when it does not parse as its format.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="latin-1")
    except OSError as exc:
        raise DataFormatError(f"cannot be read ({exc.strerror})", location=Location(file=str(p))) from None
    if "problem" in text and "+++" in text:
        return _read_mknap2(text, str(p))
    return _read_stream(text, str(p), p.stem)


def knapsack_portfolio(instance: KnapsackInstance, *, start: int = 2026) -> Portfolio:
    """The instance as a portfolio: item j is a project of m years costing ``weights[:, j]``, all starting in
    *start*; the m capacities are the yearly budgets; the profit is the benefit.

    Examples
    --------
    >>> inst = KnapsackInstance("k", np.array([3.0, 4.0]), np.array([[2.0, 3.0], [1.0, 1.0]]),
    ...                         np.array([4.0, 1.0]), 4.0)
    >>> pf = knapsack_portfolio(inst)
    >>> pf.horizon.years, pf.project("i1").cost, pf.budget[2027]
    (2, (3.0, 1.0), 1.0)
    """
    m = instance.m
    projects = tuple(
        Project(
            id=f"i{j}",
            field="item",
            duration=m,
            cost=tuple(float(v) for v in instance.weights[:, j]),
            benefit=float(instance.profits[j]),
            earliest_start=start,
            latest_start=start,
        )
        for j in range(instance.n)
    )
    budget = {start + i: float(c) for i, c in enumerate(instance.capacities)}
    return Portfolio(name=instance.name, horizon=Horizon(start, m), budget=budget, projects=projects)
