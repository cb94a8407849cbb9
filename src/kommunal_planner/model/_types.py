"""Immutable domain types of the input contract (DESIGN §3), each validated on construction.

Each type checks its own fields; rules that span several objects (references, cycles, feasibility of must-dos) are
checked by :class:`~kommunal_planner.model.Portfolio`. Values are normalised once here: a scalar cost becomes a
per-year tuple spread evenly over the duration, lists become tuples and mappings become :class:`FrozenMap`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from kommunal_planner.errors import ValidationError
from kommunal_planner.model import _checks as chk
from kommunal_planner.model._frozen import FrozenMap

__all__ = ["Criterion", "Eligibility", "Focus", "FundingProgramme", "Horizon", "Pool", "Project"]

SCORE_MAX = 5.0
_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")


@dataclass(frozen=True, slots=True)
class Horizon:
    """The planning horizon: ``years`` calendar years from ``start``.

    Examples
    --------
    >>> Horizon(2026, 3).calendar_years
    (2026, 2027, 2028)
    """

    start: int
    years: int

    def __post_init__(self) -> None:
        start = chk.integer(self.start, item="horizon", path="start", minimum=chk.MIN_YEAR)
        if start is not None and start > chk.MAX_YEAR:
            raise ValidationError(
                "",
                location=chk.where("horizon", "start"),
                expected=f"a year {chk.MIN_YEAR}–{chk.MAX_YEAR}",
                found=self.start,
            )
        years = chk.integer(self.years, item="horizon", path="years", minimum=1)
        if years is not None and years > 100:
            raise ValidationError("", location=chk.where("horizon", "years"), expected="at most 100 years", found=years)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "years", years)

    @property
    def end(self) -> int:
        """The last year of the horizon."""
        return self.start + self.years - 1

    @property
    def calendar_years(self) -> tuple[int, ...]:
        return tuple(range(self.start, self.start + self.years))

    def __contains__(self, year: object) -> bool:
        return isinstance(year, int) and self.start <= year <= self.end


@dataclass(frozen=True, slots=True)
class Criterion:
    """A benefit criterion with its weight (weights need not sum to one; they are normalised)."""

    id: str
    name: str = ""
    weight: float = 1.0

    def __post_init__(self) -> None:
        cid = chk.identifier(self.id, item=None, path="id")
        item = f"criterion '{cid}'"
        object.__setattr__(self, "id", cid)
        object.__setattr__(self, "name", chk.text(self.name or cid, item=item, path="name"))
        object.__setattr__(self, "weight", chk.number(self.weight, item=item, path="weight"))


@dataclass(frozen=True, slots=True)
class Eligibility:
    """Which projects a programme may fund: by field of action, by project id, or by tag (any one suffices)."""

    fields: tuple[str, ...] = ()
    projects: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("fields", "projects", "tags"):
            object.__setattr__(self, name, chk.text_tuple(getattr(self, name), item=None, path=name))

    def admits(self, project: Project) -> bool:
        """Whether *project* is eligible by field, id or tag (windows aside)."""
        return (
            project.field in self.fields or project.id in self.projects or any(tag in self.tags for tag in project.tags)
        )


@dataclass(frozen=True, slots=True)
class FundingProgramme:
    """A funding programme (Förderprogramm).

    Parameters
    ----------
    rate
        Share of a project's investment cost paid as grant, in (0, 1].
    rate_weak
        Rate paid instead when the portfolio is ``financially_weak`` (Haushaltsnotlage).
    max_grant, min_grant
        Per-project cap and floor of the grant [EUR]; a grant below the floor is not paid (the pair is not eligible).
    pot
        All grants of the programme together [EUR].
    windows
        Years in which a funded project may start; ``None`` means any year.
    approval_probability
        Chance an application is approved, used by Monte Carlo analysis.
    """

    id: str
    name: str = ""
    rate: float = 0.5
    rate_weak: float | None = None
    max_grant: float | None = None
    min_grant: float | None = None
    pot: float | None = None
    windows: tuple[int, ...] | None = None
    approval_probability: float = 1.0
    eligible: Eligibility = dc_field(default_factory=Eligibility)

    def __post_init__(self) -> None:
        pid = chk.identifier(self.id, item=None, path="id")
        item = f"programme '{pid}'"
        object.__setattr__(self, "id", pid)
        object.__setattr__(self, "name", chk.text(self.name or pid, item=item, path="name"))
        for name in ("rate", "rate_weak"):
            value = chk.number(getattr(self, name), item=item, path=name, minimum=None, allow_none=name == "rate_weak")
            if value is not None and not 0.0 < value <= 1.0:
                raise ValidationError(
                    "", location=chk.where(item, name), expected="a rate in (0, 1]", found=getattr(self, name)
                )
            object.__setattr__(self, name, value)
        for name in ("max_grant", "min_grant", "pot"):
            object.__setattr__(self, name, chk.number(getattr(self, name), item=item, path=name, allow_none=True))
        if self.max_grant is not None and self.min_grant is not None and self.min_grant > self.max_grant:
            raise ValidationError(
                "",
                location=chk.where(item, "min_grant"),
                expected=f"min_grant ≤ max_grant ({self.max_grant:g})",
                found=self.min_grant,
            )
        prob = chk.number(self.approval_probability, item=item, path="approval_probability")
        if prob is not None and prob > 1.0:
            raise ValidationError(
                "",
                location=chk.where(item, "approval_probability"),
                expected="a probability in [0, 1]",
                found=self.approval_probability,
            )
        object.__setattr__(self, "approval_probability", prob)
        if self.windows is not None:
            if isinstance(self.windows, str | bytes) or not isinstance(self.windows, Sequence | tuple):
                raise ValidationError(
                    "", location=chk.where(item, "windows"), expected="a list of years", found=self.windows
                )
            years = tuple(int(chk.integer(y, item=item, path=f"windows[{i}]") or 0) for i, y in enumerate(self.windows))
            if not years:
                raise ValidationError(
                    "",
                    location=chk.where(item, "windows"),
                    expected="at least one year (omit windows for any year)",
                    found=[],
                )
            if len(set(years)) != len(years):
                raise ValidationError("a year is listed twice", location=chk.where(item, "windows"), found=list(years))
            object.__setattr__(self, "windows", tuple(sorted(years)))
        if not isinstance(self.eligible, Eligibility):
            raise ValidationError(
                "",
                location=chk.where(item, "eligible"),
                expected="fields, projects and/or tags",
                found=self.eligible,
            )

    def effective_rate(self, financially_weak: bool) -> float:
        """The rate paid, given the municipality's budget situation."""
        if financially_weak and self.rate_weak is not None:
            return self.rate_weak
        return self.rate

    def grant_for(self, total_cost: float, financially_weak: bool) -> float:
        """The grant for a project of *total_cost*, or 0.0 where below ``min_grant``.

        Examples
        --------
        >>> p = FundingProgramme("digital", rate=0.8, max_grant=20000, min_grant=2500)
        >>> p.grant_for(10000, False), p.grant_for(50000, False), p.grant_for(3000, False)
        (8000.0, 20000.0, 0.0)
        """
        grant = self.effective_rate(financially_weak) * total_cost
        if self.max_grant is not None:
            grant = min(grant, self.max_grant)
        if self.min_grant is not None and grant < self.min_grant:
            return 0.0
        return grant


def _profile(value: Any, duration: int, *, item: str, path: str) -> tuple[float, ...]:
    """A per-year list of length *duration*, or a single total spread evenly."""
    if isinstance(value, Mapping):
        raise ValidationError(
            "",
            location=chk.where(item, path),
            expected=f"a number or a list of {duration} yearly numbers",
            found=dict(value),
        )
    if isinstance(value, str | bytes) or not isinstance(value, Sequence | tuple):
        total = chk.number(
            value, item=item, path=path, expected=f"a number ≥ 0 or a list of {duration} yearly numbers ≥ 0"
        )
        assert total is not None
        return tuple(total / duration for _ in range(duration))
    values = tuple(value)
    if not values:  # nothing given: no cost in any year
        return tuple(0.0 for _ in range(duration))
    if len(values) != duration:
        raise ValidationError(
            f"{len(values)} yearly values for a project of {duration} years",
            location=chk.where(item, path),
            hint="give one value per project year, or a single total",
        )
    return tuple(float(chk.number(v, item=item, path=f"{path}[{k}]") or 0.0) for k, v in enumerate(values))


@dataclass(frozen=True, slots=True)
class Project:
    """A candidate project (Maßnahme).

    Parameters
    ----------
    cost
        Investment per year of the project [EUR/year]; a single number is a total spread evenly; empty for none.
    operating_cost
        Running cost per year after completion (Folgekosten) [EUR/year]; never eligible for grants.
    staff_days
        Staff effort per year of the project [person-days/year]; a single number is a total spread evenly.
    scores
        Criterion scores on 0..5; may be omitted for criteria when ``benefit`` is given.
    benefit
        A benefit given directly (e.g. from a cost-benefit study) [benefit points].
    deadline
        Last year in which the project may still run.
    requires
        Projects that must be finished before this one starts.
    duration_quarters
        Duration in quarters for the roadmap, 1 … 4 × ``duration`` (default 4 × ``duration``).
    pools
        Share of the staff need each resource pool carries (pool id to share; the shares sum to 1). ``staff_days``
        stays the total.

    Examples
    --------
    >>> p = Project("portal", field="administration", duration=2, cost=270000, staff_days=[120, 60])
    >>> p.cost, p.total_cost
    ((135000.0, 135000.0), 270000.0)
    """

    id: str
    name: str = ""
    field: str = "general"
    duration: int = 1
    cost: tuple[float, ...] = ()
    operating_cost: float = 0.0
    staff_days: tuple[float, ...] = ()
    scores: Mapping[str, float] = dc_field(default_factory=FrozenMap)
    benefit: float | None = None
    earliest_start: int | None = None
    latest_start: int | None = None
    deadline: int | None = None
    requires: tuple[str, ...] = ()
    mandatory: bool = False
    exclusive_group: str | None = None
    tags: tuple[str, ...] = ()
    description: str = ""
    duration_quarters: int | None = None
    pools: Mapping[str, float] = dc_field(default_factory=FrozenMap)

    def __post_init__(self) -> None:
        pid = chk.identifier(self.id, item=None, path="id")
        item = f"project '{pid}'"
        object.__setattr__(self, "id", pid)
        object.__setattr__(self, "name", chk.text(self.name or pid, item=item, path="name"))
        object.__setattr__(self, "field", chk.identifier(self.field, item=item, path="field"))
        duration = chk.integer(self.duration, item=item, path="duration", minimum=1)
        assert duration is not None
        if duration > 100:
            raise ValidationError(
                "", location=chk.where(item, "duration"), expected="at most 100 years", found=duration
            )
        object.__setattr__(self, "duration", duration)
        object.__setattr__(self, "cost", _profile(self.cost, duration, item=item, path="cost"))
        object.__setattr__(self, "staff_days", _profile(self.staff_days, duration, item=item, path="staff_days"))
        object.__setattr__(self, "operating_cost", chk.number(self.operating_cost, item=item, path="operating_cost"))
        if not isinstance(self.scores, Mapping):
            raise ValidationError(
                "",
                location=chk.where(item, "scores"),
                expected="a mapping of criterion id to a score 0..5",
                found=self.scores,
            )
        scores: dict[str, float] = {}
        for key, value in self.scores.items():
            cid = chk.identifier(key, item=item, path="scores")
            score = chk.number(value, item=item, path=f"scores.{cid}", expected="a score 0..5")
            assert score is not None
            if score > SCORE_MAX:
                raise ValidationError(
                    "", location=chk.where(item, f"scores.{cid}"), expected="a score 0..5", found=value
                )
            scores[cid] = score
        object.__setattr__(self, "scores", FrozenMap(scores))
        object.__setattr__(self, "benefit", chk.number(self.benefit, item=item, path="benefit", allow_none=True))
        for name in ("earliest_start", "latest_start", "deadline"):
            object.__setattr__(self, name, chk.integer(getattr(self, name), item=item, path=name, allow_none=True))
        if (
            self.earliest_start is not None
            and self.latest_start is not None
            and (self.latest_start < self.earliest_start)
        ):
            raise ValidationError(
                "",
                location=chk.where(item, "latest_start"),
                expected=f"a year ≥ earliest_start {self.earliest_start}",
                found=self.latest_start,
            )
        requires = chk.text_tuple(self.requires, item=item, path="requires")
        if pid in requires:
            raise ValidationError("a project cannot require itself", location=chk.where(item, "requires"))
        object.__setattr__(self, "requires", requires)
        object.__setattr__(self, "mandatory", chk.boolean(self.mandatory, item=item, path="mandatory"))
        if self.exclusive_group is not None:
            object.__setattr__(
                self,
                "exclusive_group",
                chk.identifier(self.exclusive_group, item=item, path="exclusive_group"),
            )
        object.__setattr__(self, "tags", chk.text_tuple(self.tags, item=item, path="tags"))
        object.__setattr__(
            self,
            "description",
            chk.text(self.description or "", item=item, path="description", allow_empty=True),
        )
        quarters = chk.integer(self.duration_quarters, item=item, path="duration_quarters", minimum=1, allow_none=True)
        if quarters is not None and quarters > 4 * duration:
            raise ValidationError(
                "",
                location=chk.where(item, "duration_quarters"),
                expected=f"1 to {4 * duration} quarters for a project of {duration} year(s)",
                found=self.duration_quarters,
                hint=f"raise the duration to {-(-quarters // 4)} years if it needs {quarters} quarters",
            )
        object.__setattr__(self, "duration_quarters", quarters)
        if not isinstance(self.pools, Mapping):
            raise ValidationError(
                "", location=chk.where(item, "pools"), expected="a mapping of pool id to share", found=self.pools
            )
        shares = {
            chk.identifier(k, item=item, path="pools"): float(chk.number(v, item=item, path=f"pools.{k}") or 0.0)
            for k, v in self.pools.items()
        }
        if shares and abs(sum(shares.values()) - 1.0) > 1e-6:
            raise ValidationError(
                "",
                location=chk.where(item, "pools"),
                expected="pool shares that sum to 1 (staff_days stays the project's total)",
                found=round(sum(shares.values()), 6),
            )
        object.__setattr__(self, "pools", FrozenMap(shares))

    @property
    def total_cost(self) -> float:
        """Investment over all project years [EUR]."""
        return float(sum(self.cost))

    @property
    def total_staff_days(self) -> float:
        return float(sum(self.staff_days))

    def benefit_value(self, criteria: Sequence[Criterion]) -> float:
        """Benefit points: ``benefit`` where given, else 100 · Σ w·s / (5 · Σ w) over *criteria*.

        Examples
        --------
        >>> crit = [Criterion("a", weight=3), Criterion("b", weight=1)]
        >>> Project("p", scores={"a": 5, "b": 1}).benefit_value(crit)
        80.0
        """
        if self.benefit is not None:
            return self.benefit
        total_weight = sum(c.weight for c in criteria)
        if total_weight <= 0:
            raise ValidationError("the criteria weights are all zero", location=chk.where(None, "criteria"))
        missing = [c.id for c in criteria if c.id not in self.scores]
        if missing:
            raise ValidationError(
                f"no score for criterion '{missing[0]}'",
                location=chk.where(f"project '{self.id}'", "scores"),
                hint="give every criterion a score 0..5, or a benefit value",
            )
        weighted = sum(c.weight * self.scores[c.id] for c in criteria)
        return 100.0 * weighted / (SCORE_MAX * total_weight)

    def runs_in(self, start: int) -> range:
        """The calendar years the project runs in when it starts in *start*."""
        return range(start, start + self.duration)


@dataclass(frozen=True, slots=True)
class Pool:
    """A resource pool (IT department, specialist office, external provider) whose time per quarter is limited.

    Parameters
    ----------
    capacity
        Person-days per quarter [person-days/quarter]: one number, or a mapping whose keys are years (the figure
        holds for each quarter of that year) or quarters such as ``'2027-Q3'``; quarters it leaves out are unlimited.
    share
        Used when ``capacity`` is not given: this share of the portfolio's yearly ``staff_capacity``, ÷ 4 per quarter.

    Examples
    --------
    >>> Pool("it", "IT-Abteilung", capacity={2027: 30, "2028-Q1": 10}).capacity
    FrozenMap({2027: 30.0, '2028-Q1': 10.0})
    """

    id: str
    name: str = ""
    capacity: float | Mapping[int | str, float] | None = None
    share: float | None = None

    def __post_init__(self) -> None:
        pid = chk.identifier(self.id, item=None, path="id")
        item = f"pool '{pid}'"
        object.__setattr__(self, "id", pid)
        object.__setattr__(self, "name", chk.text(self.name or pid, item=item, path="name"))
        if isinstance(self.capacity, Mapping):
            caps: dict[int | str, float] = {}
            for key, value in self.capacity.items():
                if isinstance(key, str) and _QUARTER.match(key):
                    where: int | str = key.strip().upper().replace(" ", "")
                else:
                    year = chk.integer(
                        int(key) if isinstance(key, str) and key.strip().isdigit() else key,
                        item=item,
                        path=f"capacity.{key}",
                    )
                    where = int(year or 0)
                caps[where] = float(chk.number(value, item=item, path=f"capacity.{key}") or 0.0)
            object.__setattr__(self, "capacity", FrozenMap(caps))
        elif self.capacity is not None:
            object.__setattr__(self, "capacity", chk.number(self.capacity, item=item, path="capacity"))
        object.__setattr__(self, "share", chk.number(self.share, item=item, path="share", allow_none=True))


@dataclass(frozen=True, slots=True)
class Focus:
    """Focus areas (Schwerpunkte): at most ``max_fields`` fields of action in the plan."""

    max_fields: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(
            self,
            "max_fields",
            chk.integer(self.max_fields, item="focus", path="max_fields", minimum=1, allow_none=True),
        )
