"""What-if scenarios: named sets of overrides applied to a portfolio, with their dict (YAML/JSON) form.

A :class:`Scenario` changes the data of a portfolio (budget, staff, programmes, weights, costs) and the decisions
the optimiser must respect (forced in, forced out, fixed start years). :meth:`Scenario.apply` returns a new,
validated :class:`~kommunal_planner.model.Portfolio`; the decision overrides are passed to
:func:`~kommunal_planner.optimize.optimize` by :meth:`Scenario.optimize` and by the batch functions.

Every error names the scenario and the override, e.g. ``scenario 'kosten', costs.projects.portl: unknown project
'portl'. Did you mean 'portal'?``.
"""

from __future__ import annotations

import dataclasses
import difflib
import logging
import math
import numbers
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from kommunal_planner.errors import Location, ValidationError
from kommunal_planner.io._dict import _PROGRAMME as _PORTFOLIO_PROGRAMME
from kommunal_planner.io._dict import _TOP as _PORTFOLIO_TOP
from kommunal_planner.model import Eligibility, FrozenMap, FundingProgramme, Portfolio, Project

if TYPE_CHECKING:
    import os

    from kommunal_planner.optimize import Plan

__all__ = [
    "CostFactor",
    "ProgrammeChange",
    "Scenario",
    "YearlyChange",
    "read_scenarios",
    "scenarios_from_dict",
    "scenarios_to_dict",
]

logger = logging.getLogger(__name__)

CostScope = Literal["all", "field", "tag", "project"]
T = TypeVar("T")

_PROGRAMME_FIELDS = ("rate", "rate_weak", "max_grant", "min_grant", "pot", "windows", "approval_probability")


# --------------------------------------------------------------------------- small checks
def _where(path: str, item: str | None = None) -> Location:
    return Location(item=item, path=path)


def _number(value: Any, path: str, *, minimum: float | None = 0.0, allow_none: bool = False) -> float | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(float(value)):
        what = "a finite number" + (f" ≥ {minimum:g}" if minimum is not None else "")
        raise ValidationError("", location=_where(path), expected=what, found=value)
    if minimum is not None and float(value) < minimum:
        raise ValidationError("", location=_where(path), expected=f"a number ≥ {minimum:g}", found=value)
    return float(value)


def _year(value: Any, path: str) -> int:
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    whole = isinstance(value, numbers.Integral) or (
        isinstance(value, numbers.Real) and math.isfinite(float(value)) and float(value).is_integer()
    )
    if isinstance(value, bool) or not whole:
        raise ValidationError("", location=_where(path), expected="a calendar year", found=value)
    return int(value)


def _ident(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("", location=_where(path), expected="a non-empty id", found=value)
    return value.strip()


def _ids(values: Any, path: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, Iterable):
        raise ValidationError("", location=_where(path), expected="a list of ids", found=values)
    out = tuple(_ident(v, f"{path}[{i}]") for i, v in enumerate(values))
    seen: set[str] = set()
    for v in out:
        if v in seen:
            raise ValidationError(f"'{v}' is listed twice", location=_where(path))
        seen.add(v)
    return out


def _year_values(value: Any, path: str, *, minimum: float = 0.0) -> float | FrozenMap[int, float]:
    """A number for every year, or a mapping of years to numbers."""
    if isinstance(value, Mapping):
        if not value:
            raise ValidationError("", location=_where(path), expected="at least one year", found={})
        return FrozenMap(
            sorted(
                (_year(k, f"{path}.{k}"), float(_number(v, f"{path}.{k}", minimum=minimum) or 0.0))
                for k, v in value.items()
            )
        )
    return float(_number(value, path, minimum=minimum) or 0.0)


def _suggest(name: str, known: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean '{close[0]}'?" if close else None


def _rebase(exc: ValidationError, item: str, prefix: str | None) -> ValidationError:
    """The same error, located in scenario *item* under the override path *prefix* (its own item is kept)."""
    loc = exc.location
    parts = [p for p in (prefix, loc.path) if p]
    inner = loc.item
    full = item if not inner or inner == item or inner.startswith("scenario ") else f"{item}, {inner}"
    moved = exc.with_location(Location(file=loc.file, item=full or None, path=".".join(parts) or None))
    assert isinstance(moved, ValidationError)
    return moved


# --------------------------------------------------------------------------- override types
@dataclass(frozen=True, slots=True)
class YearlyChange:
    """A change of a yearly series (budget or staff capacity): new amounts, then factors.

    Parameters
    ----------
    amount
        A new amount for every year, or ``{year: amount}`` for some years [EUR or person-days].
    factor
        A factor for every year, or ``{year: factor}`` for some years; applied after *amount*.

    Examples
    --------
    >>> YearlyChange(factor=0.9).apply({2026: 100.0, 2027: 200.0}, (2026, 2027))
    {2026: 90.0, 2027: 180.0}
    >>> YearlyChange(amount={2027: 150}).apply({2026: 100.0, 2027: 200.0}, (2026, 2027))
    {2026: 100.0, 2027: 150.0}
    """

    amount: float | Mapping[int, float] | None = None
    factor: float | Mapping[int, float] | None = None

    def __post_init__(self) -> None:
        if self.amount is None and self.factor is None:
            raise ValidationError("", location=_where(""), expected="an amount and/or a factor", found={})
        for name in ("amount", "factor"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _year_values(value, name))

    def years(self) -> tuple[int, ...]:
        """The years this change names explicitly."""
        out: list[int] = []
        for value in (self.amount, self.factor):
            if isinstance(value, Mapping):
                out.extend(value)
        return tuple(sorted(set(out)))

    def apply(self, values: Mapping[int, float], years: Sequence[int]) -> dict[int, float]:
        """The changed series; a year missing from *values* stays missing unless *amount* names it."""
        out = {int(y): float(v) for y, v in values.items()}
        if isinstance(self.amount, Mapping):
            out.update({int(y): float(v) for y, v in self.amount.items()})
        elif self.amount is not None:
            out = {int(y): float(self.amount) for y in years}
        if isinstance(self.factor, Mapping):
            for y, f in self.factor.items():
                if y in out:
                    out[y] *= f
        elif self.factor is not None:
            out = {y: v * float(self.factor) for y, v in out.items()}
        return dict(sorted(out.items()))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in ("amount", "factor"):
            value = getattr(self, name)
            if isinstance(value, Mapping):
                out[name] = {int(y): _num(v) for y, v in value.items()}
            elif value is not None:
                out[name] = _num(value)
        return out


@dataclass(frozen=True, slots=True)
class CostFactor:
    """A factor on investment and running costs of the projects in a scope.

    Several factors that match one project multiply (all × field × each tag × project).

    Parameters
    ----------
    scope
        ``"all"`` projects, one ``"field"`` of action, one ``"tag"`` or one ``"project"``.
    key
        The field, tag or project id (None for ``"all"``).
    investment, operating
        Factors on the investment cost (grants follow it) and on the running costs (Folgekosten).
    """

    scope: CostScope
    key: str | None = None
    investment: float = 1.0
    operating: float = 1.0

    def __post_init__(self) -> None:
        if self.scope not in ("all", "field", "tag", "project"):
            raise ValidationError("", location=_where("scope"), expected="all, field, tag or project", found=self.scope)
        if self.scope == "all":
            if self.key is not None:
                raise ValidationError("", location=_where("key"), expected="no key for scope 'all'", found=self.key)
        else:
            object.__setattr__(self, "key", _ident(self.key, "key"))
        for name in ("investment", "operating"):
            object.__setattr__(self, name, _number(getattr(self, name), name))

    def matches(self, project: Project) -> bool:
        if self.scope == "all":
            return True
        if self.scope == "field":
            return project.field == self.key
        if self.scope == "tag":
            return self.key in project.tags
        return project.id == self.key

    @property
    def path(self) -> str:
        return "costs.all" if self.scope == "all" else f"costs.{self.scope}s.{self.key}"


@dataclass(frozen=True, slots=True)
class ProgrammeChange:
    """A change of one funding programme: removed (closed), or some of its terms replaced.

    Parameters
    ----------
    remove
        The programme closes: no project gets its grant.
    values
        New values for ``rate``, ``rate_weak``, ``max_grant``, ``min_grant``, ``pot``, ``windows`` or
        ``approval_probability``; None removes an optional term (e.g. ``pot: None`` lifts the pot).
    """

    remove: bool = False
    values: Mapping[str, Any] = field(default_factory=FrozenMap)

    def __post_init__(self) -> None:
        if not isinstance(self.remove, bool):
            raise ValidationError("", location=_where("remove"), expected="true or false", found=self.remove)
        if not isinstance(self.values, Mapping):
            raise ValidationError("", location=_where(""), expected="a mapping of programme terms", found=self.values)
        values: dict[str, Any] = {}
        for key, value in self.values.items():
            if key not in _PROGRAMME_FIELDS:
                raise ValidationError(
                    f"unknown programme term '{key}'",
                    location=_where(str(key)),
                    hint=_suggest(str(key), _PROGRAMME_FIELDS) or f"known terms: {', '.join(_PROGRAMME_FIELDS)}",
                )
            if key == "windows":
                if value is not None:
                    if isinstance(value, str) or not isinstance(value, Iterable):
                        raise ValidationError("", location=_where(key), expected="a list of years", found=value)
                    value = tuple(_year(v, f"windows[{i}]") for i, v in enumerate(value))
            elif key == "rate":
                value = _number(value, key)
            else:
                value = _number(value, key, allow_none=True)
            values[key] = value
        if self.remove and values:
            raise ValidationError("a closed programme cannot change its terms", location=_where(next(iter(values))))
        if not self.remove and not values:
            raise ValidationError("", location=_where(""), expected="'closed' or new terms", found={})
        object.__setattr__(self, "values", FrozenMap(values))

    @classmethod
    def closed(cls) -> ProgrammeChange:
        """The programme closes."""
        return cls(remove=True)

    def to_dict(self) -> Any:
        if self.remove:
            return "closed"
        return {
            k: (list(v) if isinstance(v, tuple) else _num(v) if isinstance(v, float) else v)
            for k, v in self.values.items()
        }


# --------------------------------------------------------------------------- the scenario
@dataclass(frozen=True, slots=True)
class Scenario:
    """A named what-if: overrides of a portfolio's data and of the decisions the optimiser must respect.

    Mappings and plain values are accepted where the fields name override objects and are normalised on
    construction (``budget=0.9`` is not allowed: say ``budget={"factor": 0.9}`` or ``YearlyChange(factor=0.9)``).

    Parameters
    ----------
    name
        The scenario's name, used in every table and error.
    budget, staff_capacity
        :class:`YearlyChange` or its mapping form ``{"factor": 0.9}``, ``{"amount": 500000}``, ``{2027: 450000}``.
    programmes
        ``{programme id: ProgrammeChange | "closed" | None | {term: value}}``; None and ``"closed"`` remove it.
    rejected
        ``{programme id: [project ids]}``: applications that are rejected (the project gets no grant from it).
    weights
        ``{criterion id: weight}``: new criteria weights (the others keep theirs).
    costs
        :class:`CostFactor` objects, or ``{"all": f, "fields": {id: f}, "tags": {id: f}, "projects": {id: f}}``
        where ``f`` is a factor on both cost kinds or ``{"investment": f, "operating": f}``.
    forced_in, forced_out, fixed_starts
        Projects that must / must not be selected, and fixed start years (``{project id: year}``).
    financially_weak
        Override the budget situation (Haushaltsnotlage: programmes pay ``rate_weak``).

    Examples
    --------
    >>> from kommunal_planner.model import Portfolio, Horizon, Project
    >>> pf = Portfolio("M", Horizon(2026, 1), 100, projects=(
    ...     Project("a", benefit=5, cost=60), Project("b", benefit=4, cost=50), Project("c", benefit=3, cost=40)))
    >>> s = Scenario("sparen", budget={"factor": 0.9}, costs={"projects": {"a": 1.5}})
    >>> new = s.apply(pf)
    >>> new.budget[2026], new.project("a").cost
    (90.0, (90.0,))
    >>> s.optimize(pf).selected
    ('b', 'c')
    """

    name: str
    description: str = ""
    budget: YearlyChange | None = None
    staff_capacity: YearlyChange | None = None
    programmes: Mapping[str, ProgrammeChange] = field(default_factory=FrozenMap)
    rejected: Mapping[str, tuple[str, ...]] = field(default_factory=FrozenMap)
    weights: Mapping[str, float] = field(default_factory=FrozenMap)
    costs: tuple[CostFactor, ...] = ()
    forced_in: tuple[str, ...] = ()
    forced_out: tuple[str, ...] = ()
    fixed_starts: Mapping[str, int] = field(default_factory=FrozenMap)
    financially_weak: bool | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValidationError("", location=_where("name"), expected="a non-empty scenario name", found=self.name)
        name = self.name.strip()
        object.__setattr__(self, "name", name)
        item = f"scenario '{name}'"
        try:
            self._normalise()
        except ValidationError as exc:
            raise _rebase(exc, item, None) from None

    def _normalise(self) -> None:
        if not isinstance(self.description, str):
            raise ValidationError("", location=_where("description"), expected="a text", found=self.description)
        for name in ("budget", "staff_capacity"):
            value = getattr(self, name)
            object.__setattr__(self, name, _nested(name, _yearly, value) if value is not None else None)
        if not isinstance(self.programmes, Mapping):
            raise ValidationError(
                "", location=_where("programmes"), expected="{programme id: change}", found=self.programmes
            )
        progs = {}
        for key, change in self.programmes.items():
            gid = _ident(key, "programmes")
            progs[gid] = _nested(f"programmes.{gid}", _programme_change, change)
        object.__setattr__(self, "programmes", FrozenMap(progs))
        if not isinstance(self.rejected, Mapping):
            raise ValidationError(
                "", location=_where("rejected"), expected="{programme id: [project ids]}", found=self.rejected
            )
        rejected = {}
        for key, ids in self.rejected.items():
            gid = _ident(key, "rejected")
            rejected[gid] = _ids(ids, f"rejected.{gid}")
            if gid in progs and progs[gid].remove:
                raise ValidationError(
                    f"programme '{gid}' is closed, so no application to it can be rejected",
                    location=_where(f"rejected.{gid}"),
                )
        object.__setattr__(self, "rejected", FrozenMap(rejected))
        if not isinstance(self.weights, Mapping):
            raise ValidationError("", location=_where("weights"), expected="{criterion id: weight}", found=self.weights)
        weights = {_ident(k, "weights"): float(_number(v, f"weights.{k}") or 0.0) for k, v in self.weights.items()}
        object.__setattr__(self, "weights", FrozenMap(weights))
        object.__setattr__(self, "costs", _cost_factors(self.costs))
        object.__setattr__(self, "forced_in", _ids(self.forced_in, "forced_in"))
        object.__setattr__(self, "forced_out", _ids(self.forced_out, "forced_out"))
        if not isinstance(self.fixed_starts, Mapping):
            raise ValidationError(
                "", location=_where("fixed_starts"), expected="{project id: start year}", found=self.fixed_starts
            )
        fixed = {_ident(k, "fixed_starts"): _year(v, f"fixed_starts.{k}") for k, v in self.fixed_starts.items()}
        object.__setattr__(self, "fixed_starts", FrozenMap(fixed))
        clash = sorted(set(self.forced_out) & (set(self.forced_in) | set(fixed)))
        if clash:
            raise ValidationError(f"project '{clash[0]}' is forced both in and out", location=_where("forced_out"))
        if self.financially_weak is not None and not isinstance(self.financially_weak, bool):
            raise ValidationError(
                "", location=_where("financially_weak"), expected="true or false", found=self.financially_weak
            )

    # ------------------------------------------------------------------ application
    @property
    def item(self) -> str:
        return f"scenario '{self.name}'"

    def _fail(self, problem: str, path: str, *, hint: str | None = None) -> ValidationError:
        return ValidationError(problem, location=Location(item=self.item, path=path), hint=hint)

    def check(self, portfolio: Portfolio) -> None:
        """Check every id and year this scenario names against *portfolio*; raise ValidationError naming it."""
        pf = portfolio
        ids = pf.project_ids
        progs = [g.id for g in pf.programmes]
        crits = [c.id for c in pf.criteria]
        fields = pf.fields
        tags = sorted({t for p in pf.projects for t in p.tags})
        years = pf.horizon.calendar_years

        def known(value: str, pool: Sequence[str], what: str, path: str) -> None:
            if value not in pool:
                raise self._fail(f"unknown {what} '{value}'", path, hint=_suggest(value, pool))

        for name in ("budget", "staff_capacity"):
            change = getattr(self, name)
            for y in change.years() if change is not None else ():
                if y not in pf.horizon:
                    raise ValidationError(
                        "",
                        location=Location(item=self.item, path=f"{name}.{y}"),
                        expected=f"a year of the horizon {years[0]}–{years[-1]}",
                        found=y,
                    )
        for gid in self.programmes:
            known(gid, progs, "programme", f"programmes.{gid}")
        for gid, pids in self.rejected.items():
            known(gid, progs, "programme", f"rejected.{gid}")
            prog = pf.programme(gid)
            for pid in pids:
                known(pid, ids, "project", f"rejected.{gid}")
                if not prog.eligible.admits(pf.project(pid)):
                    raise self._fail(
                        f"project '{pid}' is not eligible for programme '{gid}', so no application can be rejected",
                        f"rejected.{gid}",
                    )
        for cid in self.weights:
            known(cid, crits, "criterion", f"weights.{cid}")
        for cf in self.costs:
            if cf.scope == "field":
                known(str(cf.key), fields, "field", cf.path)
            elif cf.scope == "tag":
                known(str(cf.key), tags, "tag", cf.path)
            elif cf.scope == "project":
                known(str(cf.key), ids, "project", cf.path)
        for name in ("forced_in", "forced_out"):
            for pid in getattr(self, name):
                known(pid, ids, "project", name)
        for pid, year in self.fixed_starts.items():
            known(pid, ids, "project", f"fixed_starts.{pid}")
            if year not in pf.horizon:
                raise ValidationError(
                    "",
                    location=Location(item=self.item, path=f"fixed_starts.{pid}"),
                    expected=f"a year of the horizon {years[0]}–{years[-1]}",
                    found=year,
                )

    def apply(self, portfolio: Portfolio) -> Portfolio:
        """The portfolio with this scenario's data overrides, validated anew.

        The decision overrides (forced in/out, fixed starts) are not part of a portfolio; see :meth:`decisions`.

        Raises
        ------
        ValidationError
            Naming this scenario and the override at fault.
        """
        pf = portfolio
        self.check(pf)
        changes: dict[str, Any] = {}
        years = pf.horizon.calendar_years
        if self.budget is not None:
            changes["budget"] = self.budget.apply(pf.budget, years)
        if self.staff_capacity is not None:
            changes["staff_capacity"] = self.staff_capacity.apply(pf.staff_capacity, years)
        if self.financially_weak is not None:
            changes["financially_weak"] = self.financially_weak
        if self.weights:
            changes["criteria"] = tuple(
                dataclasses.replace(c, weight=self.weights[c.id]) if c.id in self.weights else c for c in pf.criteria
            )
        if self.costs:
            changes["projects"] = tuple(self._cost_changed(p) for p in pf.projects)
        if self.programmes or self.rejected:
            changes["programmes"] = tuple(
                g for g in (self._programme_changed(g, pf) for g in pf.programmes) if g is not None
            )
        if not changes:
            return pf
        try:
            with warnings.catch_warnings():
                # the base portfolio warned already about projects that can never start
                warnings.filterwarnings("ignore", message="project .* has no feasible start year")
                return dataclasses.replace(pf, **changes)
        except ValidationError as exc:
            raise _rebase(exc, self.item, None) from None

    def _cost_changed(self, project: Project) -> Project:
        inv = op = 1.0
        path = None
        for cf in self.costs:
            if cf.matches(project):
                inv *= cf.investment
                op *= cf.operating
                path = cf.path
        if inv == 1.0 and op == 1.0:
            return project
        try:
            return dataclasses.replace(
                project,
                cost=tuple(c * inv for c in project.cost),
                operating_cost=project.operating_cost * op,
            )
        except ValidationError as exc:
            raise _rebase(exc, self.item, path) from None

    def _programme_changed(self, prog: FundingProgramme, pf: Portfolio) -> FundingProgramme | None:
        change = self.programmes.get(prog.id)
        if change is not None and change.remove:
            return None
        kwargs: dict[str, Any] = dict(change.values) if change is not None else {}
        rejected = self.rejected.get(prog.id)
        if rejected:
            # eligibility by field or tag cannot exclude one project: list the eligible projects explicitly
            admitted = tuple(p.id for p in pf.projects if prog.eligible.admits(p) and p.id not in rejected)
            kwargs["eligible"] = Eligibility(projects=admitted)
        if not kwargs:
            return prog
        try:
            return dataclasses.replace(prog, **kwargs)
        except ValidationError as exc:
            path = f"programmes.{prog.id}" if change is not None else f"rejected.{prog.id}"
            raise _rebase(exc, self.item, path) from None

    def decisions(self) -> dict[str, Any]:
        """The decision overrides as keyword arguments of :func:`~kommunal_planner.optimize.optimize`."""
        return {
            "forced_in": self.forced_in,
            "forced_out": self.forced_out,
            "fixed_starts": dict(self.fixed_starts),
        }

    def optimize(self, portfolio: Portfolio, **kwargs: Any) -> Plan:
        """Apply this scenario to *portfolio* and optimise it (keyword arguments as for ``optimize``)."""
        from kommunal_planner.optimize import optimize

        merged = merge_decisions(self.decisions(), kwargs)
        return optimize(self.apply(portfolio), **{**kwargs, **merged})

    # ------------------------------------------------------------------ dict form
    def to_dict(self) -> dict[str, Any]:
        """The dict form (contract key names); :meth:`from_dict` inverts it. Unset overrides are left out."""
        out: dict[str, Any] = {"name": self.name}
        if self.description:
            out["description"] = self.description
        for name in ("budget", "staff_capacity"):
            change = getattr(self, name)
            if change is not None:
                out[name] = change.to_dict()
        if self.programmes:
            out["programmes"] = {gid: ch.to_dict() for gid, ch in self.programmes.items()}
        if self.rejected:
            out["rejected"] = {gid: list(ids) for gid, ids in self.rejected.items()}
        if self.weights:
            out["weights"] = {k: _num(v) for k, v in self.weights.items()}
        if self.costs:
            out["costs"] = _costs_to_dict(self.costs)
        for name in ("forced_in", "forced_out"):
            if getattr(self, name):
                out[name] = list(getattr(self, name))
        if self.fixed_starts:
            out["fixed_starts"] = dict(self.fixed_starts)
        if self.financially_weak is not None:
            out["financially_weak"] = self.financially_weak
        return out

    @classmethod
    def from_dict(cls, data: Any, *, path: str = "scenarios") -> Scenario:
        """A scenario from its dict form (German key names accepted); errors name the scenario and the key."""
        item = _item_of(data)
        try:
            kw = _keys(data, _TOP, path="", required=("name",))
            if "budget" in kw:
                kw["budget"] = _yearly_from_dict(kw["budget"], "budget")
            if "staff_capacity" in kw:
                kw["staff_capacity"] = _yearly_from_dict(kw["staff_capacity"], "staff_capacity")
            if "programmes" in kw:
                raw = kw["programmes"]
                if not isinstance(raw, Mapping):
                    raise ValidationError(
                        "", location=_where("programmes"), expected="{programme id: change}", found=raw
                    )
                kw["programmes"] = {k: _programme_from_dict(v, f"programmes.{k}") for k, v in raw.items()}
            if "costs" in kw:
                kw["costs"] = _costs_from_dict(kw["costs"])
            if kw.get("description") is None:
                kw.pop("description", None)
            for name in ("programmes", "rejected", "weights", "fixed_starts"):
                if name in kw and kw[name] is None:
                    kw.pop(name)
            return cls(**kw)
        except ValidationError as exc:
            if item is None or exc.location.item:
                raise
            raise _rebase(exc, item, None) from None


def merge_decisions(scenario: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """Scenario decisions joined with caller-given ``forced_in``, ``forced_out`` and ``fixed_starts``."""
    fixed = {**dict(extra.get("fixed_starts") or {}), **dict(scenario["fixed_starts"])}
    return {
        "forced_in": tuple(dict.fromkeys([*extra.get("forced_in", ()), *scenario["forced_in"]])),
        "forced_out": tuple(dict.fromkeys([*extra.get("forced_out", ()), *scenario["forced_out"]])),
        "fixed_starts": fixed,
    }


def _nested(path: str, build: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    try:
        return build(*args, **kwargs)
    except ValidationError as exc:
        raise _rebase(exc, exc.location.item or "", path) from None


def _yearly(value: Any) -> YearlyChange:
    if isinstance(value, YearlyChange):
        return value
    if isinstance(value, Mapping):
        return _yearly_from_dict(value, "")
    raise ValidationError("", location=_where(""), expected="{factor: f}, {amount: a} or {year: amount}", found=value)


def _programme_change(value: Any) -> ProgrammeChange:
    if isinstance(value, ProgrammeChange):
        return value
    return _programme_from_dict(value, "")


def _cost_factors(value: Any) -> tuple[CostFactor, ...]:
    if isinstance(value, Mapping):
        return _costs_from_dict(value)
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError("", location=_where("costs"), expected="cost factors", found=value)
    out = []
    for i, cf in enumerate(value):
        if not isinstance(cf, CostFactor):
            raise ValidationError("", location=_where(f"costs[{i}]"), expected="a CostFactor", found=cf)
        out.append(cf)
    return tuple(out)


# --------------------------------------------------------------------------- dict form helpers
# the overrides of portfolio data take the portfolio's (German) key names
_SHARED = ("description", "budget", "staff_capacity", "programmes", "financially_weak")
_TOP = {k: v for k, v in _PORTFOLIO_TOP.items() if v in _SHARED}
_TOP |= {
    "name": "name",
    "bezeichnung": "name",
    "rejected": "rejected",
    "abgelehnt": "rejected",
    "weights": "weights",
    "gewichte": "weights",
    "costs": "costs",
    "kosten": "costs",
    "forced_in": "forced_in",
    "gesetzt": "forced_in",
    "forced_out": "forced_out",
    "ausgeschlossen": "forced_out",
    "fixed_starts": "fixed_starts",
    "startjahre": "fixed_starts",
}
_YEARLY = {"amount": "amount", "betrag": "amount", "factor": "factor", "faktor": "factor"}
_COSTS = {
    "all": "all",
    "alle": "all",
    "fields": "field",
    "handlungsfelder": "field",
    "tags": "tag",
    "schlagworte": "tag",
    "projects": "project",
    "projekte": "project",
    "massnahmen": "project",
    "maßnahmen": "project",
}
_COST_KINDS = {
    "investment": "investment",
    "investition": "investment",
    "operating": "operating",
    "folgekosten": "operating",
}
# a programme's terms take the same (German) key names as in the portfolio's programmes
_PROGRAMME = {k: v for k, v in _PORTFOLIO_PROGRAMME.items() if v in _PROGRAMME_FIELDS}
_PROGRAMME |= {"closed": "closed", "geschlossen": "closed"}
_CLOSED_WORDS = ("closed", "geschlossen", "remove", "entfällt", "entfaellt")


def _keys(data: Any, aliases: Mapping[str, str], *, path: str, required: tuple[str, ...] = ()) -> dict[str, Any]:
    """Map the keys of *data* onto contract names; unknown or doubled keys are errors with a suggestion."""
    if not isinstance(data, Mapping):
        raise ValidationError("", location=_where(path or "(scenario)"), expected="a mapping", found=data)
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = aliases.get(key.strip().lower()) if isinstance(key, str) else None
        here = f"{path}.{key}" if path else str(key)
        if name is None:
            close = difflib.get_close_matches(str(key).lower(), list(aliases), n=1)
            raise ValidationError(
                f"unknown key '{key}'",
                location=_where(here),
                hint=f"did you mean '{aliases[close[0]]}'?"
                if close
                else f"known keys: {', '.join(sorted(set(aliases.values())))}",
            )
        if name in out:
            raise ValidationError(f"the key '{name}' is given twice", location=_where(here))
        out[name] = value
    for name in required:
        if out.get(name) is None:
            raise ValidationError(f"'{name}' is missing", location=_where(f"{path}.{name}" if path else name))
    return out


def _item_of(data: Any) -> str | None:
    if isinstance(data, Mapping):
        for key in ("name", "Name", "bezeichnung", "Bezeichnung"):
            if isinstance(data.get(key), str):
                return f"scenario '{data[key].strip()}'"
    return None


def _yearly_from_dict(value: Any, path: str) -> YearlyChange:
    if isinstance(value, YearlyChange):
        return value
    if not isinstance(value, Mapping):
        if isinstance(value, numbers.Real) and not isinstance(value, bool):
            return _nested(path, YearlyChange, amount=float(value))
        raise ValidationError(
            "", location=_where(path), expected="{factor: f}, {amount: a} or {year: amount}", found=value
        )
    words = {k for k in value if isinstance(k, str) and k.strip().lower() in _YEARLY}
    if words and len(words) == len(value):
        kw = _keys(value, _YEARLY, path=path)
        return _nested(path, YearlyChange, **kw)
    if words:
        raise ValidationError(
            "give either factor/amount or years, not both", location=_where(path), found=sorted(map(str, value))
        )
    return _nested(path, YearlyChange, amount=value)


def _programme_from_dict(value: Any, path: str) -> ProgrammeChange:
    if isinstance(value, ProgrammeChange):
        return value
    if value is None or value is False:
        return ProgrammeChange.closed()
    if isinstance(value, str):
        if value.strip().lower() in _CLOSED_WORDS:
            return ProgrammeChange.closed()
        raise ValidationError("", location=_where(path), expected="'closed' or a mapping of terms", found=value)
    kw = _keys(value, _PROGRAMME, path=path)
    closed = kw.pop("closed", False)
    if not isinstance(closed, bool):
        raise ValidationError("", location=_where(f"{path}.closed"), expected="true or false", found=closed)
    return _nested(path, ProgrammeChange, remove=closed, values=kw)


def _cost_pair(value: Any, path: str) -> tuple[float, float]:
    if isinstance(value, Mapping):
        kw = _keys(value, _COST_KINDS, path=path)
        inv = _number(kw.get("investment", 1.0), f"{path}.investment")
        op = _number(kw.get("operating", 1.0), f"{path}.operating")
        return float(inv or 0.0), float(op or 0.0)
    f = float(_number(value, path) or 0.0)
    return f, f


def _costs_from_dict(value: Any) -> tuple[CostFactor, ...]:
    kw = _keys(value, _COSTS, path="costs")
    out: list[CostFactor] = []
    if "all" in kw:
        inv, op = _cost_pair(kw["all"], "costs.all")
        out.append(CostFactor("all", None, inv, op))
    for scope in ("field", "tag", "project"):
        if scope not in kw:
            continue
        raw = kw[scope]
        if not isinstance(raw, Mapping):
            raise ValidationError("", location=_where(f"costs.{scope}s"), expected=f"{{{scope} id: factor}}", found=raw)
        for key, f in raw.items():
            here = f"costs.{scope}s.{key}"
            inv, op = _cost_pair(f, here)
            out.append(_nested(here, CostFactor, scope, _ident(key, "key"), inv, op))
    return tuple(out)


def _costs_to_dict(costs: Sequence[CostFactor]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for cf in costs:
        value: Any = (
            _num(cf.investment)
            if cf.investment == cf.operating
            else {"investment": _num(cf.investment), "operating": _num(cf.operating)}
        )
        if cf.scope == "all":
            out["all"] = value
        else:
            out.setdefault(f"{cf.scope}s", {})[cf.key] = value
    return out


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)


def scenarios_from_dict(data: Any, *, source: str | None = None) -> tuple[Scenario, ...]:
    """Scenarios from a list of dicts, or from a mapping with a ``scenarios`` (``szenarien``) list.

    Examples
    --------
    >>> [s.name for s in scenarios_from_dict([{"name": "a", "haushalt": {"faktor": 0.9}}, {"name": "b"}])]
    ['a', 'b']
    """
    if isinstance(data, Mapping):
        key = next((k for k in data if isinstance(k, str) and k.strip().lower() in ("scenarios", "szenarien")), None)
        data = data.get(key) if key is not None else None
    if data is None:
        return ()
    if isinstance(data, str) or not isinstance(data, Sequence):
        raise ValidationError(
            "", location=Location(file=source, path="scenarios"), expected="a list of scenarios", found=data
        )
    out: list[Scenario] = []
    for i, raw in enumerate(data):
        try:
            out.append(Scenario.from_dict(raw))
        except ValidationError as exc:
            loc = exc.location
            path = f"scenarios[{i}]" + (f".{loc.path}" if loc.path else "")
            raise exc.with_location(Location(file=source, item=loc.item, path=path)) from None
    names = [s.name for s in out]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise ValidationError(
            f"the scenario name '{dup}' is used twice", location=Location(file=source, path="scenarios")
        )
    return tuple(out)


def scenarios_to_dict(scenarios: Iterable[Scenario]) -> list[dict[str, Any]]:
    """The ``scenarios`` section of an input file."""
    return [s.to_dict() for s in scenarios]


def read_scenarios(path: str | os.PathLike[str]) -> tuple[Scenario, ...]:
    """Read scenarios from a file: a list of scenarios, or an input file with a ``scenarios`` section.

    YAML and JSON hold the dict form; a workbook (``.xlsx``), a CSV file or a folder of CSV files holds the sheet
    ``Szenarien``/``Scenarios`` (see :mod:`kommunal_planner.scenarios._section`); the rest of the input may be absent.

    Raises
    ------
    DataFormatError
        The file cannot be read or parsed.
    ValidationError
        A scenario is malformed; the message names the file, the scenario and the key.
    """
    import json
    from pathlib import Path

    import yaml

    from kommunal_planner.errors import DataFormatError
    from kommunal_planner.io._yaml import read_text

    p = Path(path)
    if p.is_dir() or p.suffix.lower() in (".xlsx", ".xlsm", ".csv"):
        from kommunal_planner.scenarios._section import read_scenario_file

        return read_scenario_file(p)
    text = read_text(p)
    try:
        data = json.loads(text) if p.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise DataFormatError(f"cannot be parsed ({exc})", location=Location(file=str(p))) from None
    return scenarios_from_dict(data, source=str(p))
