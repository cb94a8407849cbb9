"""The whole input of a planning run: :class:`Portfolio`, its cross-object validation and derived arrays."""

from __future__ import annotations

import difflib
import logging
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
from numpy.typing import NDArray

from kommunal_planner.errors import DependencyCycleError, Location, ValidationError
from kommunal_planner.model import _checks as chk
from kommunal_planner.model._frozen import FrozenMap, freeze, readonly
from kommunal_planner.model._types import Criterion, Focus, FundingProgramme, Horizon, Pool, Project

__all__ = ["Portfolio", "PortfolioArrays"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, eq=False)
class PortfolioArrays:
    """Dense, read-only arrays derived once from a portfolio; rows are projects, in input order.

    ``cost[p, k]`` and ``staff[p, k]`` are per project year ``k`` (zero past the duration); ``start_ok[p, t]`` says
    whether project ``p`` may start in horizon year ``t``; ``grant[p, f]`` is the grant programme ``f`` pays for ``p``
    (zero where not eligible); ``window[f, t]`` whether ``f`` funds a start in year ``t``.
    """

    years: NDArray[np.int64]
    budget: NDArray[np.float64]
    staff_capacity: NDArray[np.float64]
    duration: NDArray[np.int64]
    cost: NDArray[np.float64]
    staff: NDArray[np.float64]
    operating: NDArray[np.float64]
    benefit: NDArray[np.float64]
    start_ok: NDArray[np.bool_]
    fields: tuple[str, ...]
    field_index: NDArray[np.int64]
    eligible: NDArray[np.bool_]
    grant: NDArray[np.float64]
    window: NDArray[np.bool_]
    pot: NDArray[np.float64]
    requires: NDArray[np.int64]
    group_index: NDArray[np.int64]
    groups: tuple[str, ...]
    mandatory: NDArray[np.bool_]


def _suggest(name: str, known: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean '{close[0]}'?" if close else None


def _year_map(value: Any, horizon: Horizon, *, what: str, complete: bool) -> FrozenMap[int, float]:
    """A number for every year, or a year mapping (complete, or with missing years meaning unlimited)."""
    if value is None:
        return FrozenMap()
    if not isinstance(value, Mapping):
        amount = chk.number(value, item=None, path=what)
        return FrozenMap({year: float(amount or 0.0) for year in horizon.calendar_years})
    out: dict[int, float] = {}
    for key, amount in value.items():
        year = chk.integer(_as_year(key), item=None, path=f"{what}.{key}")
        if year not in horizon:
            raise ValidationError(
                "",
                location=Location(path=f"{what}.{key}"),
                expected=f"a year of the horizon {horizon.start}–{horizon.end}",
                found=key,
            )
        out[int(year or 0)] = float(chk.number(amount, item=None, path=f"{what}.{key}") or 0.0)
    if complete:
        gaps = [y for y in horizon.calendar_years if y not in out]
        if gaps:
            raise ValidationError(
                f"no {what} for {', '.join(map(str, gaps))}",
                location=Location(path=what),
                hint=f"give an amount for every year {horizon.start}–{horizon.end}",
            )
    return FrozenMap(sorted(out.items()))


def _as_year(key: Any) -> Any:
    if isinstance(key, str) and key.strip().isdigit():
        return int(key.strip())
    return key


@dataclass(frozen=True, slots=True)
class Portfolio:
    """The whole input: horizon, budgets, staff, criteria, programmes and candidate projects (DESIGN §3).

    The constructor validates every rule that spans several objects and raises
    :class:`~kommunal_planner.errors.ValidationError` naming the object at fault. Derived arrays are built once
    and are read-only (:attr:`arrays`). Change a portfolio with :func:`dataclasses.replace`.

    ``sections`` holds the optional parts of an input file that other layers interpret (``"scoring"``,
    ``"scenarios"``), as deeply frozen plain data (:func:`~kommunal_planner.model.thaw` gives dicts and lists back);
    the readers validate them and the writers write them back.

    Examples
    --------
    >>> pf = Portfolio(
    ...     name="Mini", horizon=Horizon(2026, 2), budget=100000,
    ...     criteria=(Criterion("c", weight=1),),
    ...     projects=(Project("a", scores={"c": 5}, cost=80000), Project("b", scores={"c": 2}, cost=50000)),
    ... )
    >>> pf.budget[2027], pf.arrays.benefit.tolist()
    (100000.0, [100.0, 40.0])
    """

    name: str
    horizon: Horizon
    budget: Mapping[int, float]
    projects: tuple[Project, ...]
    criteria: tuple[Criterion, ...] = ()
    programmes: tuple[FundingProgramme, ...] = ()
    staff_capacity: Mapping[int, float] = field(default_factory=FrozenMap)
    financially_weak: bool = False
    discount_rate: float = 0.0
    focus: Focus = field(default_factory=Focus)
    description: str = ""
    pools: tuple[Pool, ...] = ()
    sections: Mapping[str, Any] = field(default_factory=FrozenMap)
    _arrays: PortfolioArrays | None = field(default=None, init=False, repr=False, compare=False)
    _index: Mapping[str, int] = field(default_factory=FrozenMap, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", chk.text(self.name, item=None, path="name"))
        object.__setattr__(
            self,
            "description",
            chk.text(self.description or "", item=None, path="description", allow_empty=True),
        )
        if not isinstance(self.horizon, Horizon):
            raise ValidationError("", location=Location(path="horizon"), expected="start and years", found=self.horizon)
        object.__setattr__(self, "budget", _year_map(self.budget, self.horizon, what="budget", complete=True))
        if not self.budget:
            raise ValidationError("no budget given", location=Location(path="budget"))
        object.__setattr__(
            self,
            "staff_capacity",
            _year_map(self.staff_capacity, self.horizon, what="staff_capacity", complete=False),
        )
        object.__setattr__(
            self, "financially_weak", chk.boolean(self.financially_weak, item=None, path="financially_weak")
        )
        rate = chk.number(self.discount_rate, item=None, path="discount_rate")
        if rate is not None and rate >= 1.0:
            raise ValidationError(
                "",
                location=Location(path="discount_rate"),
                expected="a rate in [0, 1)",
                found=self.discount_rate,
            )
        object.__setattr__(self, "discount_rate", rate)
        for name, kind in (
            ("projects", Project),
            ("criteria", Criterion),
            ("programmes", FundingProgramme),
            ("pools", Pool),
        ):
            values = getattr(self, name)
            if isinstance(values, str | bytes) or not isinstance(values, Sequence | tuple):
                raise ValidationError("", location=Location(path=name), expected=f"a list of {name}", found=values)
            values = tuple(values)
            for i, v in enumerate(values):
                if not isinstance(v, kind):
                    raise ValidationError(
                        "", location=Location(path=f"{name}[{i}]"), expected=f"a {kind.__name__}", found=v
                    )
            object.__setattr__(self, name, values)
        if not isinstance(self.focus, Focus):
            raise ValidationError("", location=Location(path="focus"), expected="max_fields", found=self.focus)
        if not isinstance(self.sections, Mapping) or not all(isinstance(k, str) for k in self.sections):
            raise ValidationError(
                "", location=Location(path="sections"), expected="a mapping of section names", found=self.sections
            )
        object.__setattr__(self, "sections", freeze(self.sections))
        _validate(self)
        object.__setattr__(self, "_index", FrozenMap({p.id: i for i, p in enumerate(self.projects)}))
        object.__setattr__(self, "_arrays", _build_arrays(self))

    # ----------------------------------------------------------------- lookups
    @property
    def arrays(self) -> PortfolioArrays:
        """The derived, read-only arrays (built once, on construction)."""
        assert self._arrays is not None  # set in __post_init__
        return self._arrays

    @property
    def project_ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.projects)

    def project(self, project_id: str) -> Project:
        """The project with id *project_id*; raises KeyError naming close matches when unknown."""
        try:
            return self.projects[self._index[project_id]]
        except KeyError:
            hint = _suggest(project_id, self._index)
            raise KeyError(f"no project '{project_id}'" + (f"; {hint}" if hint else "")) from None

    def programme(self, programme_id: str) -> FundingProgramme:
        for prog in self.programmes:
            if prog.id == programme_id:
                return prog
        raise KeyError(f"no programme '{programme_id}'")

    def index_of(self, project_id: str) -> int:
        return self._index[project_id]

    @property
    def fields(self) -> tuple[str, ...]:
        """Fields of action in order of first appearance."""
        return self.arrays.fields

    def allowed_starts(self, project: Project | str) -> tuple[int, ...]:
        """Start years that keep *project* inside the horizon, its start limits and its deadline."""
        p = self.project(project) if isinstance(project, str) else project
        idx = self._index[p.id]
        return tuple(int(y) for y in self.arrays.years[self.arrays.start_ok[idx]])

    def summary(self) -> dict[str, Any]:
        """A short summary of what was read (used by ``validate``)."""
        arr = self.arrays
        per_field = {f: int(np.sum(arr.field_index == i)) for i, f in enumerate(arr.fields)}
        return {
            "name": self.name,
            "horizon": f"{self.horizon.start}–{self.horizon.end}",
            "projects": len(self.projects),
            "projects_per_field": per_field,
            "mandatory": int(arr.mandatory.sum()),
            "programmes": len(self.programmes),
            "criteria": len(self.criteria),
            "total_cost": float(arr.cost.sum()),
            "total_budget": float(arr.budget.sum()),
            "total_staff_days": float(arr.staff.sum()),
        }


# --------------------------------------------------------------------------- validation
def _validate(pf: Portfolio) -> None:
    horizon = pf.horizon
    for name, items in (
        ("projects", pf.projects),
        ("criteria", pf.criteria),
        ("programmes", pf.programmes),
        ("pools", pf.pools),
    ):
        dup = chk.duplicates([x.id for x in items])
        if dup:
            raise ValidationError(f"the id '{dup[0]}' is used twice", location=Location(path=name))
    if not pf.projects:
        raise ValidationError("no projects given", location=Location(path="projects"))
    ids = {p.id for p in pf.projects}
    crit_ids = [c.id for c in pf.criteria]
    needs_scores = [p for p in pf.projects if p.benefit is None]
    if needs_scores:
        if not pf.criteria:
            raise ValidationError(
                "no criteria given",
                location=Location(path="criteria", item=f"project '{needs_scores[0].id}'"),
                hint="define criteria with weights, or give every project a benefit value",
            )
        if sum(c.weight for c in pf.criteria) <= 0:
            raise ValidationError(
                "the criteria weights are all zero",
                location=Location(path="criteria"),
                hint="give at least one criterion a weight > 0",
            )
    for p in pf.projects:
        item = f"project '{p.id}'"
        for cid in p.scores:
            if cid not in crit_ids:
                raise ValidationError(
                    f"unknown criterion '{cid}'",
                    location=Location(item=item, path="scores"),
                    hint=_suggest(cid, crit_ids),
                )
        if p.benefit is None:
            missing = [c for c in crit_ids if c not in p.scores]
            if missing:
                raise ValidationError(
                    f"no score for criterion '{missing[0]}'",
                    location=Location(item=item, path=f"scores.{missing[0]}"),
                    hint="give every criterion a score 0..5, or a benefit value",
                )
        for req in p.requires:
            if req not in ids:
                raise ValidationError(
                    f"requires unknown project '{req}'",
                    location=Location(item=item, path="requires"),
                    hint=_suggest(req, ids),
                )
        for name in ("earliest_start", "latest_start", "deadline"):
            year = getattr(p, name)
            if year is not None and year not in horizon:
                raise ValidationError(
                    "",
                    location=Location(item=item, path=name),
                    expected=f"a year of the horizon {horizon.start}–{horizon.end}",
                    found=year,
                )
    for prog in pf.programmes:
        item = f"programme '{prog.id}'"
        for pid in prog.eligible.projects:
            if pid not in ids:
                raise ValidationError(
                    f"eligible project '{pid}' is unknown",
                    location=Location(item=item, path="eligible.projects"),
                    hint=_suggest(pid, ids),
                )
        for year in prog.windows or ():
            if year not in horizon:
                raise ValidationError(
                    "",
                    location=Location(item=item, path="windows"),
                    expected=f"years of the horizon {horizon.start}–{horizon.end}",
                    found=year,
                )
    _check_pools(pf)
    _check_cycles(pf)
    _check_mandatory(pf)


def _check_pools(pf: Portfolio) -> None:
    horizon = pf.horizon
    pool_ids = [pool.id for pool in pf.pools]
    for pool in pf.pools:
        if isinstance(pool.capacity, Mapping):
            for key in pool.capacity:
                if int(str(key)[:4]) not in horizon:
                    raise ValidationError(
                        "",
                        location=Location(item=f"pool '{pool.id}'", path=f"capacity.{key}"),
                        expected=f"a year or quarter of the horizon {horizon.start}–{horizon.end}",
                        found=key,
                    )
    for p in pf.projects:
        for pid in p.pools:
            if pid not in pool_ids:
                raise ValidationError(
                    f"unknown pool '{pid}'",
                    location=Location(item=f"project '{p.id}'", path="pools"),
                    hint=_suggest(pid, pool_ids) or "define it under pools",
                )


def _check_cycles(pf: Portfolio) -> None:
    graph = nx.DiGraph()
    graph.add_nodes_from(p.id for p in pf.projects)
    graph.add_edges_from((req, p.id) for p in pf.projects for req in p.requires)
    try:
        cycle = nx.find_cycle(graph)
    except nx.NetworkXNoCycle:
        return
    nodes = [edge[0] for edge in cycle]
    raise DependencyCycleError(nodes, location=Location(item=f"project '{nodes[0]}'", path="requires"))


def _own_starts(pf: Portfolio, p: Project) -> list[int]:
    h = pf.horizon
    last = h.end if p.deadline is None else min(h.end, p.deadline)
    lo = h.start if p.earliest_start is None else max(h.start, p.earliest_start)
    hi = last - p.duration + 1
    if p.latest_start is not None:
        hi = min(hi, p.latest_start)
    return list(range(lo, hi + 1))


def _earliest_starts(pf: Portfolio) -> dict[str, int | None]:
    """Earliest feasible start of each project given its predecessors (None: none exists)."""
    by_id = {p.id: p for p in pf.projects}
    graph = nx.DiGraph()
    graph.add_nodes_from(by_id)
    graph.add_edges_from((req, p.id) for p in pf.projects for req in p.requires)
    earliest: dict[str, int | None] = {}
    for pid in nx.topological_sort(graph):
        p = by_id[pid]
        bound = -math.inf
        blocked = False
        for req in p.requires:
            e = earliest[req]
            if e is None:
                blocked = True
                break
            bound = max(bound, e + by_id[req].duration)
        starts = [s for s in _own_starts(pf, p) if s >= bound] if not blocked else []
        earliest[pid] = starts[0] if starts else None
    return earliest


def _check_mandatory(pf: Portfolio) -> None:
    by_id = {p.id: p for p in pf.projects}
    # A must-do drags in everything it requires; check the closure, not just the flagged projects.
    closure: dict[str, str] = {}
    stack = [(p.id, p.id) for p in pf.projects if p.mandatory]
    while stack:
        pid, origin = stack.pop()
        if pid in closure:
            continue
        closure[pid] = origin
        stack.extend((r, origin) for r in by_id[pid].requires)
    earliest = _earliest_starts(pf)
    for pid, origin in closure.items():
        p = by_id[pid]
        if earliest[pid] is not None:
            continue
        item = f"project '{origin}'"
        own = _own_starts(pf, p)
        if not own:
            limits = (
                f"duration {p.duration} years, earliest start {p.earliest_start or pf.horizon.start}, "
                f"deadline {p.deadline or pf.horizon.end}"
            )
            what = "the mandatory project" if pid == origin else f"'{pid}', required by the mandatory project,"
            raise ValidationError(
                f"{what} has no possible start year ({limits}, horizon {pf.horizon.start}–{pf.horizon.end})",
                location=Location(item=item, path="mandatory"),
            )
        blockers = [r for r in p.requires if (e := earliest[r]) is None or e + by_id[r].duration > own[-1]]
        blocker = blockers[0] if blockers else p.requires[0]
        b = by_id[blocker]
        e_b = earliest[blocker]
        finish = "can never be done" if e_b is None else f"finishes in {e_b + b.duration - 1} at the earliest"
        raise ValidationError(
            f"mandatory project '{origin}' cannot be done: '{pid}' requires '{blocker}', which {finish}, "
            f"but '{pid}' must start by {own[-1]}",
            location=Location(item=item, path="requires"),
        )
    for p in pf.projects:
        if earliest[p.id] is None and p.id not in closure:
            warnings.warn(f"project '{p.id}' has no feasible start year and can never be selected", stacklevel=5)
    groups: dict[str, list[str]] = {}
    for pid in closure:
        g = by_id[pid].exclusive_group
        if g is not None:
            groups.setdefault(g, []).append(pid)
    for g, members in groups.items():
        if len(members) > 1:
            members.sort()
            raise ValidationError(
                f"the projects {', '.join(repr(m) for m in members)} are all mandatory (or required by one), "
                f"but belong to the exclusive group '{g}'",
                location=Location(item=f"project '{members[0]}'", path="exclusive_group"),
            )
    if pf.focus.max_fields is not None:
        fields_needed = sorted({by_id[pid].field for pid in closure})
        if len(fields_needed) > pf.focus.max_fields:
            raise ValidationError(
                f"the mandatory projects span {len(fields_needed)} fields ({', '.join(fields_needed)}), "
                f"more than focus.max_fields = {pf.focus.max_fields}",
                location=Location(path="focus.max_fields"),
            )


# --------------------------------------------------------------------------- derived arrays
def _build_arrays(pf: Portfolio) -> PortfolioArrays:
    h = pf.horizon
    years = np.arange(h.start, h.end + 1, dtype=np.int64)
    n_p, n_t, n_f = len(pf.projects), len(years), len(pf.programmes)
    duration = np.array([p.duration for p in pf.projects], dtype=np.int64)
    d_max = int(duration.max())
    cost = np.zeros((n_p, d_max))
    staff = np.zeros((n_p, d_max))
    for i, p in enumerate(pf.projects):
        cost[i, : p.duration] = p.cost
        staff[i, : p.duration] = p.staff_days
    operating = np.array([p.operating_cost for p in pf.projects], dtype=np.float64)
    benefit = np.array([p.benefit_value(pf.criteria) for p in pf.projects], dtype=np.float64)

    def limit(values: Iterable[int | None], default: int) -> NDArray[np.int64]:
        return np.array([default if v is None else v for v in values], dtype=np.int64)

    earliest = limit((p.earliest_start for p in pf.projects), h.start)
    latest = limit((p.latest_start for p in pf.projects), h.end)
    deadline = np.minimum(limit((p.deadline for p in pf.projects), h.end), h.end)
    start_ok = (
        (years[None, :] >= earliest[:, None])
        & (years[None, :] <= latest[:, None])
        & (years[None, :] + duration[:, None] - 1 <= deadline[:, None])
    )

    fields = tuple(dict.fromkeys(p.field for p in pf.projects))
    field_pos = {f: i for i, f in enumerate(fields)}
    field_index = np.array([field_pos[p.field] for p in pf.projects], dtype=np.int64)

    total = cost.sum(axis=1)
    eligible = np.zeros((n_p, n_f), dtype=bool)
    grant = np.zeros((n_p, n_f))
    window = np.ones((n_f, n_t), dtype=bool)
    pot = np.full(n_f, np.inf)
    ids = np.array([p.id for p in pf.projects], dtype=object)
    tag_sets = [set(p.tags) for p in pf.projects]
    field_arr = np.array([p.field for p in pf.projects], dtype=object)
    for f, prog in enumerate(pf.programmes):
        el = prog.eligible
        match = np.isin(field_arr, list(el.fields)) | np.isin(ids, list(el.projects))
        if el.tags:
            wanted = set(el.tags)
            match |= np.array([bool(tags & wanted) for tags in tag_sets], dtype=bool)
        g = prog.effective_rate(pf.financially_weak) * total
        if prog.max_grant is not None:
            g = np.minimum(g, prog.max_grant)
        if prog.min_grant is not None:
            match &= g >= prog.min_grant
        match &= g > 0
        eligible[:, f] = match
        grant[:, f] = np.where(match, g, 0.0)
        if prog.windows is not None:
            window[f] = np.isin(years, prog.windows)
        if prog.pot is not None:
            pot[f] = prog.pot

    req = [(i, pf._index[r]) for i, p in enumerate(pf.projects) for r in p.requires]
    requires = np.array(req, dtype=np.int64).reshape(-1, 2)
    groups = tuple(dict.fromkeys(p.exclusive_group for p in pf.projects if p.exclusive_group is not None))
    group_pos = {g: i for i, g in enumerate(groups)}
    group_index = np.array(
        [-1 if p.exclusive_group is None else group_pos[p.exclusive_group] for p in pf.projects],
        dtype=np.int64,
    )
    budget = np.array([pf.budget[int(y)] for y in years], dtype=np.float64)
    staff_cap = np.array([pf.staff_capacity.get(int(y), np.inf) for y in years], dtype=np.float64)
    mandatory = np.array([p.mandatory for p in pf.projects], dtype=bool)
    return PortfolioArrays(
        years=readonly(years),
        budget=readonly(budget),
        staff_capacity=readonly(staff_cap),
        duration=readonly(duration),
        cost=readonly(cost),
        staff=readonly(staff),
        operating=readonly(operating),
        benefit=readonly(benefit),
        start_ok=readonly(start_ok),
        fields=fields,
        field_index=readonly(field_index),
        eligible=readonly(eligible),
        grant=readonly(grant),
        window=readonly(window),
        pot=readonly(pot),
        requires=readonly(requires),
        group_index=readonly(group_index),
        groups=groups,
        mandatory=readonly(mandatory),
    )
