"""Settings of a roadmap: resource pools, durations in quarters, pool shares, phases, milestones, and the quarter
calendar they are read against.

Projects give their duration in years and their staff need in person-days per project year (DESIGN §3). A roadmap
works in quarters and may split the staff need over pools (IT department, specialist office, external provider).
:class:`RoadmapSettings` carries these optional inputs; every value is checked once, against the portfolio and
the plan, by :func:`resolve_settings`, which returns the dense, read-only :class:`Calendar` the schedulers use.
"""

from __future__ import annotations

import itertools
import logging
import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

import numpy as np
from numpy.typing import NDArray

from kommunal_planner.errors import DataFormatError, Location, ValidationError
from kommunal_planner.model import FrozenMap, Pool, Portfolio, Project

__all__ = [
    "DEFAULT_PHASES",
    "DEFAULT_POOL",
    "Calendar",
    "Pool",
    "RoadmapSettings",
    "parse_quarter",
    "quarter_label",
    "read_settings",
    "resolve_settings",
]

logger = logging.getLogger(__name__)

_A = TypeVar("_A", bound=np.ndarray)
Spread = Literal["profile", "even"]
Release = Literal["plan", "none"]

#: The pool used when none is given: all staff, with the portfolio's yearly staff capacity ÷ 4 per quarter.
DEFAULT_POOL = "staff"
#: Phases by the plan's start year in the horizon: years 1–2 short, 3–4 mid, 5 and later long term.
DEFAULT_PHASES: tuple[tuple[str, int], ...] = (("short", 1), ("mid", 3), ("long", 5))

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")
# Demands are rounded up and capacities down; without this tolerance 30 · 0.3 = 9.000000000000002 would need 10.
_ROUND_TOL = 1e-6


def quarter_label(index: int, start_year: int) -> str:
    """The label of quarter *index* counted from the first quarter of *start_year*.

    Examples
    --------
    >>> quarter_label(0, 2026), quarter_label(5, 2026), quarter_label(-1, 2026)
    ('2026-Q1', '2027-Q2', '2025-Q4')
    """
    year, q = divmod(int(index), 4)
    return f"{start_year + year}-Q{q + 1}"


def parse_quarter(text: Any, start_year: int, *, item: str | None = None, path: str = "quarter") -> int:
    """The index of a quarter given as ``'2027-Q2'`` (or ``'2027Q2'``), counted from Q1 of *start_year*.

    Examples
    --------
    >>> parse_quarter("2027-Q2", 2026), parse_quarter("2026q1", 2026)
    (5, 0)
    """
    match = _QUARTER.match(str(text)) if isinstance(text, str) else None
    if match is None:
        raise ValidationError(
            "", location=Location(item=item, path=path), expected="a quarter such as '2027-Q2'", found=text
        )
    return (int(match.group(1)) - start_year) * 4 + int(match.group(2)) - 1


def _section(value: Any, path: str) -> dict[str, Any]:
    """A settings mapping (None for empty), or a ValidationError naming *path*."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValidationError("", location=Location(path=path), expected="a mapping", found=value)
    return dict(value)


def _non_negative(value: Any, *, item: str | None, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValidationError("", location=Location(item=item, path=path), expected="a number ≥ 0", found=value)
    out = float(value)
    if not (out >= 0.0) or math.isnan(out):
        raise ValidationError("", location=Location(item=item, path=path), expected="a number ≥ 0", found=value)
    return out


@dataclass(frozen=True)
class RoadmapSettings:
    """Optional inputs of a roadmap; the arguments are kept as given and checked when the roadmap is built.

    Parameters
    ----------
    pools
        The resource pools. Default: one pool ``"staff"`` with the portfolio's yearly staff capacity ÷ 4 per
        quarter (unlimited where the portfolio gives none).
    duration_quarters
        Per project id, its duration in quarters, 1 … 4 × duration (default 4 × duration in years).
    shares
        Per project id, the share of its staff need each pool carries, e.g. ``{"it": 0.3, "fach": 0.7}``;
        the shares of a project sum to 1.
    default_shares
        Shares for projects without their own; default: everything in the first pool.
    phases
        ``(key, first horizon year)`` pairs in order, by the plan's start year: the default
        ``(("short", 1), ("mid", 3), ("long", 5))`` makes years 1–2 short, 3–4 mid and 5 on long term.
    milestones
        Extra milestones, name to a quarter (``'2027-Q4'``) or a year (its last quarter).
    spread
        How a project's staff need is spread over its quarters: ``"profile"`` stretches the yearly profile
        (``staff_days`` per project year) over the quarters, ``"even"`` spreads the total evenly.
    release
        ``"plan"``: a project starts no earlier than Q1 of its start year in the plan; ``"none"``: only the
        dependencies hold it back (its costs may then fall into other budget years than planned).
    level
        Whether to level the pools; without levelling the schedule is the critical-path early start.
    time_limit, seed, method, max_schedules
        Passed to :func:`~kommunal_planner.roadmap.schedule_rcpsp`; ``time_limit`` [s] defaults to about one second
        per 30 projects (1 to 10 seconds). For a result that is the same on every machine give ``max_schedules`` and
        a time limit that is not reached.

    Examples
    --------
    >>> s = RoadmapSettings(pools=(Pool("it", share=0.4), Pool("fach", share=0.6)),
    ...                     shares={"portal": {"it": 0.5, "fach": 0.5}}, duration_quarters={"portal": 6})
    >>> s.duration_quarters["portal"]
    6
    """

    pools: Sequence[Pool] = ()
    duration_quarters: Mapping[str, int] = field(default_factory=FrozenMap)
    shares: Mapping[str, Mapping[str, float]] = field(default_factory=FrozenMap)
    default_shares: Mapping[str, float] | None = None
    phases: Sequence[tuple[str, int]] = DEFAULT_PHASES
    milestones: Mapping[str, Any] = field(default_factory=FrozenMap)
    spread: Spread = "profile"
    release: Release = "plan"
    level: bool = True
    time_limit: float | None = None
    seed: int = 0
    method: str = "auto"
    max_schedules: int | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None, **overrides: Any) -> RoadmapSettings:
        """Settings from their nested-dict form (a ``roadmap:`` section of YAML or JSON).

        ``pools`` is a mapping of pool id to ``{name, capacity, share}`` (or a list of such mappings with an
        ``id``); ``projects`` maps a project id to ``{duration_quarters, pools: {pool: share}}``;
        ``default_pools`` gives the default shares; ``phases`` maps a phase key to its first horizon year.

        Examples
        --------
        >>> s = RoadmapSettings.from_dict({
        ...     "pools": {"it": {"name": "IT", "share": 0.5}, "fach": {"share": 0.5}},
        ...     "projects": {"portal": {"duration_quarters": 6, "pools": {"it": 1}}}})
        >>> [p.id for p in s.pools], dict(s.shares["portal"]), s.duration_quarters["portal"]
        (['it', 'fach'], {'it': 1}, 6)
        """
        data = _section(data, "roadmap")
        known = {"pools", "projects", "default_pools", "phases", "milestones", "spread", "release"}
        unknown = sorted(set(map(str, data)) - known)
        if unknown:
            raise ValidationError(
                f"unknown key '{unknown[0]}'",
                location=Location(path=f"roadmap.{unknown[0]}"),
                hint=f"known keys: {', '.join(sorted(known))}",
            )
        kwargs: dict[str, Any] = {}
        raw_pools = data.get("pools") or {}
        pools: list[Pool] = []
        entries: list[tuple[Any, Any]]
        if isinstance(raw_pools, Mapping):
            entries = list(raw_pools.items())
        elif isinstance(raw_pools, list):
            entries = [(p.get("id") if isinstance(p, Mapping) else None, p) for p in raw_pools]
        else:
            raise ValidationError(
                "", location=Location(path="roadmap.pools"), expected="a mapping of pool ids", found=raw_pools
            )
        for pid, raw in entries:
            spec = {"capacity": raw} if isinstance(raw, int | float) else _section(raw, f"roadmap.pools.{pid}")
            spec.pop("id", None)
            bad = sorted(set(spec) - {"name", "capacity", "share"})
            if bad:
                raise ValidationError(
                    f"unknown key '{bad[0]}'",
                    location=Location(item=f"pool '{pid}'", path=f"roadmap.pools.{pid}.{bad[0]}"),
                    hint="known keys: capacity, name, share",
                )
            pools.append(Pool(str(pid) if pid is not None else "", **spec))
        if pools:
            kwargs["pools"] = tuple(pools)
        quarters: dict[str, Any] = {}
        shares: dict[str, Any] = {}
        for pid, raw in _section(data.get("projects"), "roadmap.projects").items():
            spec = _section(raw, f"roadmap.projects.{pid}")
            bad = sorted(set(spec) - {"duration_quarters", "pools"})
            if bad:
                raise ValidationError(
                    f"unknown key '{bad[0]}'",
                    location=Location(item=f"project '{pid}'", path=f"roadmap.projects.{pid}.{bad[0]}"),
                    hint="known keys: duration_quarters, pools",
                )
            if spec.get("duration_quarters") is not None:
                quarters[str(pid)] = spec["duration_quarters"]
            if spec.get("pools") is not None:
                shares[str(pid)] = spec["pools"]
        if quarters:
            kwargs["duration_quarters"] = quarters
        if shares:
            kwargs["shares"] = shares
        if data.get("default_pools") is not None:
            kwargs["default_shares"] = data["default_pools"]
        if data.get("phases") is not None:
            phases = data["phases"]
            kwargs["phases"] = tuple(phases.items()) if isinstance(phases, Mapping) else tuple(map(tuple, phases))
        for name in ("milestones", "spread", "release"):
            if data.get(name) is not None:
                kwargs[name] = data[name]
        kwargs.update(overrides)
        return cls(**kwargs)


@dataclass(frozen=True, eq=False)
class Calendar:
    """The settings resolved against a plan: dense, read-only arrays over the selected projects (internal).

    ``demand[j]`` has shape (pools, duration in quarters) with whole person-days; ``capacity`` has shape
    (pools, quarters) with whole person-days or ``inf``; quarter 0 is Q1 of the horizon's first year and the
    capacity array runs far enough that every serial schedule fits (its last column repeats).
    """

    start_year: int
    horizon_quarters: int
    ids: tuple[str, ...]
    durations: NDArray[np.int64]
    release: NDArray[np.int64]
    demand: tuple[NDArray[np.int64], ...]
    exact_demand: tuple[NDArray[np.float64], ...]
    pools: tuple[Pool, ...]
    capacity: NDArray[np.float64]
    shares: NDArray[np.float64]
    phases: tuple[tuple[str, int], ...]
    milestones: tuple[tuple[str, int], ...]

    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def quarters(self) -> int:
        """Length of the capacity arrays (every serial schedule ends before it)."""
        return int(self.capacity.shape[1])

    def label(self, index: int) -> str:
        return quarter_label(index, self.start_year)


def _ro(arr: _A) -> _A:
    arr.setflags(write=False)
    return arr


def stretch(profile: Sequence[float], quarters: int) -> NDArray[np.float64]:
    """Spread a per-year profile over *quarters* equal quarters, keeping its total and shape.

    Quarter ``u`` covers the share ``[u/q, (u+1)/q)`` of the project's run and takes from each project year the
    part of that year it overlaps; with ``q = 4 · years`` each quarter gets a quarter of its year's figure.

    Examples
    --------
    >>> stretch([120, 60], 8).tolist()
    [30.0, 30.0, 30.0, 30.0, 15.0, 15.0, 15.0, 15.0]
    >>> stretch([120, 60], 6).round(2).tolist()
    [40.0, 40.0, 40.0, 20.0, 20.0, 20.0]
    """
    years = len(profile)
    values = np.asarray(profile, dtype=np.float64)
    if quarters <= 0 or years == 0:
        return np.zeros(max(quarters, 0))
    # Work on a common grid of years · quarters cells: cell c belongs to year c // quarters, quarter c // years.
    cells = np.arange(years * quarters)
    per_cell = values[cells // quarters] / quarters
    return np.bincount(cells // years, weights=per_cell, minlength=quarters).astype(np.float64)


def _item(pid: str) -> str:
    return f"project '{pid}'"


def _project_quarters(p: Project, settings: RoadmapSettings) -> int:
    raw = settings.duration_quarters.get(p.id) if settings.duration_quarters else None
    if raw is None:
        # Read from the model once Project carries the field (an optional input column).
        raw = getattr(p, "duration_quarters", None)
    if raw is None:
        return 4 * p.duration
    if isinstance(raw, bool) or not isinstance(raw, int | np.integer | float) or float(raw) != int(raw):
        raise ValidationError(
            "", location=Location(item=_item(p.id), path="duration_quarters"), expected="a whole number", found=raw
        )
    q = int(raw)
    if not 1 <= q <= 4 * p.duration:
        raise ValidationError(
            "",
            location=Location(item=_item(p.id), path="duration_quarters"),
            expected=f"1 to {4 * p.duration} quarters for a project of {p.duration} year(s)",
            found=raw,
            hint=f"raise the project's duration to {max(1, math.ceil(q / 4))} years if it needs {q} quarters"
            if q > 0
            else None,
        )
    return q


def _shares(p: Project, settings: RoadmapSettings, pool_ids: Sequence[str]) -> NDArray[np.float64]:
    raw = settings.shares.get(p.id) if settings.shares else None
    where = "shares"
    if raw is None:
        model_pools = getattr(p, "pools", None)
        if model_pools:
            raw, where = model_pools, "pools"
    if raw is None:
        raw, where = settings.default_shares, "default_shares"
    out = np.zeros(len(pool_ids))
    if raw is None:
        out[0] = 1.0
        return out
    if not isinstance(raw, Mapping):
        raise ValidationError(
            "", location=Location(item=_item(p.id), path=where), expected="a mapping of pool id to share", found=raw
        )
    for pool, share in raw.items():
        if pool not in pool_ids:
            raise ValidationError(
                f"unknown pool '{pool}'",
                location=Location(item=_item(p.id), path=f"{where}.{pool}"),
                hint=f"known pools: {', '.join(pool_ids)}",
            )
        out[pool_ids.index(pool)] = _non_negative(share, item=_item(p.id), path=f"{where}.{pool}")
    total = float(out.sum())
    if abs(total - 1.0) > 1e-6:
        raise ValidationError(
            "",
            location=Location(item=_item(p.id), path=where),
            expected="pool shares that sum to 1 (staff_days stays the project's total)",
            found=round(total, 6),
        )
    return out


def _pools(settings: RoadmapSettings, portfolio: Portfolio) -> tuple[Pool, ...]:
    # The input's own pools section is read where the model has one; settings given here win.
    raw = tuple(settings.pools or ()) or tuple(getattr(portfolio, "pools", ()) or ())
    pools: list[Pool] = []
    for i, pool in enumerate(raw):
        if not isinstance(pool, Pool):
            if not all(hasattr(pool, a) for a in ("id", "name", "capacity", "share")):
                raise ValidationError("", location=Location(path=f"pools[{i}]"), expected="a Pool", found=pool)
            pool = Pool(pool.id, pool.name, pool.capacity, pool.share)
        pools.append(pool)
    if not pools:
        return (Pool(DEFAULT_POOL, "Personal", share=1.0),)
    seen: set[str] = set()
    for pool in pools:
        if pool.id in seen:
            raise ValidationError(f"the pool id '{pool.id}' is used twice", location=Location(path="pools"))
        seen.add(pool.id)
    return tuple(pools)


def split_year(total: float) -> NDArray[np.float64]:
    """A yearly capacity as four whole-day quarters that keep the (rounded-down) yearly total.

    Examples
    --------
    >>> split_year(450).tolist(), split_year(380).tolist()
    ([113.0, 113.0, 112.0, 112.0], [95.0, 95.0, 95.0, 95.0])
    """
    whole = math.floor(total + _ROUND_TOL)
    base, extra = divmod(whole, 4)
    return np.array([base + 1] * extra + [base] * (4 - extra), dtype=np.float64)


def _capacity_row(pool: Pool, portfolio: Portfolio, quarters: int) -> NDArray[np.float64]:
    """Capacity per quarter of the horizon in whole person-days; ``inf`` where unlimited.

    A figure per quarter is rounded down; a share of a yearly capacity is split into four whole-day quarters
    that keep the yearly total, so that a plan that uses its whole yearly capacity still fits.
    """
    h = portfolio.horizon
    row = np.full(quarters, np.inf)
    item = f"pool '{pool.id}'"
    if isinstance(pool.capacity, Mapping):
        for key, value in pool.capacity.items():
            if isinstance(key, str) and not key.strip().isdigit():
                q = parse_quarter(key, h.start, item=item, path=f"capacity.{key}")
                span = [q]
            else:
                try:
                    year = int(key)
                except (TypeError, ValueError):
                    raise ValidationError(
                        "",
                        location=Location(item=item, path=f"capacity.{key}"),
                        expected="a year or a quarter such as '2027-Q3'",
                        found=key,
                    ) from None
                span = list(range((year - h.start) * 4, (year - h.start) * 4 + 4))
            if not 0 <= span[0] < quarters:
                raise ValidationError(
                    "",
                    location=Location(item=item, path=f"capacity.{key}"),
                    expected=f"a year or quarter of the horizon {h.start}–{h.end}",
                    found=key,
                )
            row[span] = math.floor(float(value) + _ROUND_TOL)
    elif pool.capacity is not None:
        row[:] = math.floor(float(pool.capacity) + _ROUND_TOL)
    elif pool.share is not None:
        for y, cap in portfolio.staff_capacity.items():
            t = (int(y) - h.start) * 4
            row[t : t + 4] = split_year(pool.share * float(cap))
    return row


def controlled_rounding(table: NDArray[np.float64], limit: NDArray[np.float64] | None = None) -> NDArray[np.int64]:
    """Round a non-negative table to whole numbers so that every cell, every row total and every column total is
    rounded up or down (zero-restricted controlled rounding, Bacharach 1966; Cox 1987).

    Such a rounding always exists and is found as a feasible integer flow: source → row → column → sink, each
    arc between the rounded-down and rounded-up value. Where *limit* is given, a column total is kept at or below
    it when rounding down allows; if that cannot be met, the limit is dropped.

    Examples
    --------
    >>> controlled_rounding(np.array([[17.5, 17.5], [8.75, 8.75], [0.5, 0.5]])).sum(axis=1).tolist()
    [35, 17, 1]
    >>> controlled_rounding(np.array([[0.5, 0.5], [0.5, 0.5]]), limit=np.array([1.0, 1.0])).sum(axis=0).tolist()
    [1, 1]
    """
    base = np.floor(table + _ROUND_TOL)
    frac = table - base
    cells = np.argwhere(frac > _ROUND_TOL)
    out = base.astype(np.int64)
    if cells.size == 0:
        return out
    rows, cols = table.sum(axis=1), table.sum(axis=0)
    row_lo = np.floor(rows + _ROUND_TOL) - base.sum(axis=1)
    row_hi = np.ceil(rows - _ROUND_TOL) - base.sum(axis=1)
    col_lo = np.floor(cols + _ROUND_TOL) - base.sum(axis=0)
    col_hi = np.ceil(cols - _ROUND_TOL) - base.sum(axis=0)
    attempts = [col_hi]
    if limit is not None:
        room = np.where(np.isfinite(limit), limit, np.inf) - base.sum(axis=0)
        attempts.insert(0, np.minimum(col_hi, np.maximum(col_lo, room)))
    for hi in attempts:
        flow = _bounded_flow(cells, row_lo, row_hi, col_lo, hi)
        if flow is not None:
            for (i, t), x in zip(cells.tolist(), flow, strict=True):
                out[i, t] += x
            return out
    logger.warning("controlled rounding failed; needs are rounded up instead")
    return np.ceil(table - _ROUND_TOL).astype(np.int64)


def _bounded_flow(
    cells: NDArray[np.int64],
    row_lo: NDArray[np.float64],
    row_hi: NDArray[np.float64],
    col_lo: NDArray[np.float64],
    col_hi: NDArray[np.float64],
) -> list[int] | None:
    """0/1 per cell with row and column sums in their bounds, or None when there is none."""
    import networkx as nx

    graph = nx.DiGraph()
    demand: dict[Any, int] = {}

    def arc(u: Any, v: Any, lo: float, hi: float) -> None:
        lo_i, hi_i = int(np.rint(lo)), int(np.rint(hi))
        graph.add_edge(u, v, capacity=hi_i - lo_i)
        # A lower bound is sent up front: u must receive it from elsewhere, v has it to pass on.
        demand[u] = demand.get(u, 0) + lo_i
        demand[v] = demand.get(v, 0) - lo_i

    used_rows = sorted(set(cells[:, 0].tolist()))
    used_cols = sorted(set(cells[:, 1].tolist()))
    for i in used_rows:
        arc("s", ("r", i), row_lo[i], row_hi[i])
    for i, t in cells.tolist():
        arc(("r", i), ("c", t), 0, 1)
    for t in used_cols:
        arc(("c", t), "z", col_lo[t], col_hi[t])
    graph.add_edge("z", "s")
    for node, value in demand.items():
        graph.nodes[node]["demand"] = value
    try:
        flow = nx.min_cost_flow(graph)
    except nx.NetworkXUnfeasible:
        return None
    return [int(flow[("r", i)][("c", t)]) for i, t in cells.tolist()]


def resolve_settings(
    settings: RoadmapSettings,
    portfolio: Portfolio,
    ids: Sequence[str],
    plan_starts: Sequence[int],
) -> Calendar:
    """Check *settings* against the portfolio and the selected projects and build the :class:`Calendar`.

    Raises
    ------
    ValidationError
        Naming the project or pool: an unknown id, a duration outside 1 … 4 × years, shares that do not sum to
        one, a pool that cannot hold a project's need in any quarter.
    """
    if settings.spread not in ("profile", "even"):
        raise ValidationError(
            "", location=Location(path="spread"), expected="'profile' or 'even'", found=settings.spread
        )
    if settings.release not in ("plan", "none"):
        raise ValidationError(
            "", location=Location(path="release"), expected="'plan' or 'none'", found=settings.release
        )
    for what in ("duration_quarters", "shares", "milestones"):
        if not isinstance(getattr(settings, what) or {}, Mapping):
            raise ValidationError("", location=Location(path=what), expected="a mapping", found=getattr(settings, what))
    known = set(portfolio.project_ids)
    for what in ("duration_quarters", "shares"):
        for pid in getattr(settings, what) or {}:
            if pid not in known:
                raise ValidationError(f"unknown project '{pid}'", location=Location(item=_item(str(pid)), path=what))
    pools = _pools(settings, portfolio)
    pool_ids = [p.id for p in pools]
    h = portfolio.horizon
    n_h = 4 * h.years
    projects = [portfolio.project(pid) for pid in ids]
    durations = np.array([_project_quarters(p, settings) for p in projects], dtype=np.int64)
    if settings.release == "plan":
        release = np.array([4 * (int(s) - h.start) for s in plan_starts], dtype=np.int64)
    else:
        release = np.zeros(len(ids), dtype=np.int64)
    shares = np.zeros((len(ids), len(pools)))
    exact: list[NDArray[np.float64]] = []
    for j, p in enumerate(projects):
        shares[j] = _shares(p, settings, pool_ids)
        q = int(durations[j])
        per_quarter = np.full(q, p.total_staff_days / q) if settings.spread == "even" else stretch(p.staff_days, q)
        need = shares[j][:, None] * per_quarter[None, :]
        exact.append(_ro(need))
    cap_h = np.vstack([_capacity_row(pool, portfolio, n_h) for pool in pools])
    demand = _whole_days(exact, [4 * (int(s) - h.start) for s in plan_starts], cap_h)
    last = int(release.max(initial=0))
    length = max(n_h, last) + int(durations.sum()) + 1
    capacity = np.empty((len(pools), length))
    capacity[:, :n_h] = cap_h
    capacity[:, n_h:] = cap_h[:, -1:]
    for j, p in enumerate(projects):
        if not settings.level:
            break
        peak = demand[j].max(axis=1, initial=0)
        best = capacity.max(axis=1)
        over = np.flatnonzero(peak > best)
        if over.size:
            k = int(over[0])
            raise ValidationError(
                f"needs {int(peak[k])} person-days per quarter from pool '{pool_ids[k]}', which never has more than "
                f"{best[k]:g}",
                location=Location(item=_item(p.id), path=f"pools.{pool_ids[k]}"),
                hint="raise the pool's capacity, move part of the share to another pool or lengthen duration_quarters",
            )
    phases = _phases(settings.phases)
    milestones = tuple(
        (str(name), _milestone(value, h.start, str(name))) for name, value in (settings.milestones or {}).items()
    )
    logger.debug("roadmap calendar: %d projects, %d pools, %d quarters", len(ids), len(pools), length)
    return Calendar(
        start_year=h.start,
        horizon_quarters=n_h,
        ids=tuple(ids),
        durations=_ro(durations),
        release=_ro(release),
        demand=tuple(demand),
        exact_demand=tuple(exact),
        pools=pools,
        capacity=_ro(capacity),
        shares=_ro(shares),
        phases=phases,
        milestones=milestones,
    )


def _whole_days(
    exact: Sequence[NDArray[np.float64]], placement: Sequence[int], capacity: NDArray[np.float64]
) -> list[NDArray[np.int64]]:
    """Each project's needs in whole person-days, by controlled rounding of every pool's table of needs placed
    where the plan puts the projects: each project keeps its total and each quarter of the plan its load, both
    rounded up or down, and a quarter whose exact load fits its capacity keeps fitting where rounding allows."""
    n = len(exact)
    out = [np.zeros(e.shape, dtype=np.int64) for e in exact]
    if n == 0:
        return out
    quarters = max(capacity.shape[1], max(int(s) + e.shape[1] for s, e in zip(placement, exact, strict=True)))
    for k in range(capacity.shape[0]):
        table = np.zeros((n, quarters))
        for j, (s, e) in enumerate(zip(placement, exact, strict=True)):
            table[j, s : s + e.shape[1]] = e[k]
        limit = np.full(quarters, np.inf)
        limit[: capacity.shape[1]] = capacity[k]
        whole = controlled_rounding(table, limit)
        for j, (s, e) in enumerate(zip(placement, exact, strict=True)):
            out[j][k] = whole[j, s : s + e.shape[1]]
    return [_ro(d) for d in out]


def read_settings(path: str | os.PathLike[str]) -> RoadmapSettings:
    """Roadmap settings from a YAML or JSON file: the mapping of :meth:`RoadmapSettings.from_dict`, at the top
    level or under a ``roadmap:`` key.

    Raises
    ------
    DataFormatError
        When the file cannot be read or is not YAML/JSON, naming the file.
    ValidationError
        When a setting is unknown or malformed, naming the file.
    """
    import yaml

    from kommunal_planner.io._yaml import _StrictLoader, read_text

    source = str(path)
    try:
        data = yaml.load(read_text(path), Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        raise DataFormatError(f"not valid YAML or JSON ({exc})", location=Location(file=source)) from None
    if isinstance(data, Mapping) and isinstance(data.get("roadmap"), Mapping):
        data = data["roadmap"]
    if data is not None and not isinstance(data, Mapping):
        raise DataFormatError("", location=Location(file=source), expected="a mapping of settings", found=data)
    try:
        return RoadmapSettings.from_dict(data)
    except ValidationError as exc:
        raise exc.at(Location(file=source)) from None


def _phases(raw: Sequence[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    try:
        phases = tuple((str(key), int(first)) for key, first in raw)
    except (TypeError, ValueError):
        raise ValidationError(
            "", location=Location(path="phases"), expected="(key, first horizon year) pairs", found=raw
        ) from None
    firsts = [first for _, first in phases]
    if not phases or firsts[0] != 1 or any(b <= a for a, b in itertools.pairwise(firsts)):
        raise ValidationError(
            "",
            location=Location(path="phases"),
            expected="phases whose first years rise and start at horizon year 1",
            found=[list(p) for p in phases],
        )
    return phases


def _milestone(value: Any, start_year: int, name: str) -> int:
    """A milestone's quarter index: a quarter label, or a year meaning the end of its last quarter."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (value - start_year) * 4 + 3
    return parse_quarter(value, start_year, item=f"milestone '{name}'", path="milestones")
