"""What is uncertain, and how it is drawn: cost factors, grant approvals and criteria weights.

Every draw uses its own random stream, ``numpy.random.SeedSequence(seed, spawn_key=(i,))`` for draw ``i`` (the
``i``-th child of ``SeedSequence(seed).spawn``), so a draw is the same in every process and in every order of
completion. Within a draw the order is fixed: the cost factors in the order given, then the approvals, then the
weights.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from numpy.typing import NDArray

from kommunal_planner.errors import Location, ValidationError
from kommunal_planner.model import FrozenMap, Portfolio
from kommunal_planner.optimize._reuse import ModelValues

if TYPE_CHECKING:
    from kommunal_planner.scenarios._scenario import Scenario

__all__ = [
    "CostUncertainty",
    "Distribution",
    "LogNormal",
    "NormalClipped",
    "Triangular",
    "Uncertainty",
    "Uniform",
    "draw_scenario",
]

logger = logging.getLogger(__name__)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def _num(value: Any, path: str, *, minimum: float | None = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(float(value)):
        raise ValidationError("", location=Location(item="uncertainty", path=path), expected="a number", found=value)
    if minimum is not None and value < minimum:
        raise ValidationError(
            "", location=Location(item="uncertainty", path=path), expected=f"a number ≥ {minimum:g}", found=value
        )
    return float(value)


def _bad(path: str, problem: str, found: Any = None) -> ValidationError:
    return ValidationError(problem, location=Location(item="uncertainty", path=path), found=found)


@dataclass(frozen=True, slots=True)
class Triangular:
    """A factor between *low* and *high*, most often *mode* (e.g. ``Triangular(0.9, 1.0, 1.4)``: overruns likelier)."""

    low: float
    mode: float
    high: float

    def __post_init__(self) -> None:
        for name in ("low", "mode", "high"):
            object.__setattr__(self, name, _num(getattr(self, name), name))
        if not self.low <= self.mode <= self.high:
            raise _bad("mode", "expected low ≤ mode ≤ high", (self.low, self.mode, self.high))

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        if self.high == self.low:
            return np.full(size, self.low)
        return np.asarray(rng.triangular(self.low, self.mode, self.high, size), dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        return {"triangular": [self.low, self.mode, self.high]}


@dataclass(frozen=True, slots=True)
class Uniform:
    """A factor drawn evenly between *low* and *high*."""

    low: float
    high: float

    def __post_init__(self) -> None:
        for name in ("low", "high"):
            object.__setattr__(self, name, _num(getattr(self, name), name))
        if self.low > self.high:
            raise _bad("low", "expected low ≤ high", (self.low, self.high))

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        return np.asarray(rng.uniform(self.low, self.high, size), dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        return {"uniform": [self.low, self.high]}


@dataclass(frozen=True, slots=True)
class LogNormal:
    """A factor ``median · exp(sigma · Z)``, Z standard normal: right-skewed, as cost overruns are."""

    sigma: float
    median: float = 1.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "sigma", _num(self.sigma, "sigma"))
        object.__setattr__(self, "median", _num(self.median, "median"))

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        return np.asarray(self.median * np.exp(self.sigma * rng.standard_normal(size)), dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        return {"lognormal": {"sigma": self.sigma, "median": self.median}}


@dataclass(frozen=True, slots=True)
class NormalClipped:
    """A factor ``mean + sd · Z`` clipped to [*low*, *high*] (a normal draw cannot give a negative cost)."""

    sd: float
    mean: float = 1.0
    low: float = 0.0
    high: float = math.inf

    def __post_init__(self) -> None:
        for name in ("sd", "mean", "low"):
            object.__setattr__(self, name, _num(getattr(self, name), name))
        if not (isinstance(self.high, int | float) and self.high >= self.low):
            raise _bad("high", "expected high ≥ low", self.high)
        object.__setattr__(self, "high", float(self.high))

    def sample(self, rng: np.random.Generator, size: int) -> FloatArray:
        return np.clip(self.mean + self.sd * rng.standard_normal(size), self.low, self.high)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"sd": self.sd, "mean": self.mean, "low": self.low}
        if math.isfinite(self.high):
            out["high"] = self.high
        return {"normal": out}


Distribution = Triangular | Uniform | LogNormal | NormalClipped


def distribution_from_dict(data: Any, path: str = "distribution") -> Distribution:
    """A distribution from ``{triangular: [lo, mode, hi]}``, ``{uniform: [lo, hi]}``, ``{lognormal: {sigma: s}}``
    or ``{normal: {sd: s, mean: m, low: a, high: b}}``."""
    if not isinstance(data, Mapping) or len(data) != 1:
        raise _bad(path, "expected one of triangular, uniform, lognormal, normal", data)
    ((kind, args),) = data.items()
    kind = str(kind).lower()
    try:
        if kind == "triangular":
            return Triangular(*args)
        if kind == "uniform":
            return Uniform(*args)
        if kind == "lognormal":
            return LogNormal(**args)
        if kind in ("normal", "normal_clipped"):
            return NormalClipped(**args)
    except TypeError as exc:
        raise _bad(f"{path}.{kind}", f"wrong parameters ({exc})", args) from None
    raise _bad(path, f"unknown distribution '{kind}'", kind)


@dataclass(frozen=True, slots=True)
class CostUncertainty:
    """A cost factor drawn from *distribution* for the projects of a scope.

    Parameters
    ----------
    scope, key
        ``"all"`` projects, or one ``"field"``, ``"tag"`` or ``"project"`` named by *key*.
    applies_to
        ``"investment"``, ``"operating"`` or ``"both"`` cost kinds.
    common
        One factor shared by every project of the scope in a draw (a systematic risk such as construction prices);
        else each project draws its own. Factors of several matching entries multiply.
    """

    distribution: Distribution
    scope: Literal["all", "field", "tag", "project"] = "all"
    key: str | None = None
    applies_to: Literal["investment", "operating", "both"] = "investment"
    common: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.distribution, Triangular | Uniform | LogNormal | NormalClipped):
            raise _bad("costs.distribution", "expected a distribution", self.distribution)
        if self.scope not in ("all", "field", "tag", "project"):
            raise _bad("costs.scope", "expected all, field, tag or project", self.scope)
        if (self.scope == "all") != (self.key is None):
            raise _bad("costs.key", "a key names the field, tag or project (none for all)", self.key)
        if self.applies_to not in ("investment", "operating", "both"):
            raise _bad("costs.applies_to", "expected investment, operating or both", self.applies_to)
        if not isinstance(self.common, bool):
            raise _bad("costs.common", "expected true or false", self.common)

    def mask(self, portfolio: Portfolio) -> BoolArray:
        pf = portfolio
        if self.scope == "all":
            return np.ones(len(pf.projects), dtype=bool)
        if self.scope == "field":
            return np.array([p.field == self.key for p in pf.projects])
        if self.scope == "tag":
            return np.array([self.key in p.tags for p in pf.projects])
        return np.array([p.id == self.key for p in pf.projects])

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {**self.distribution.to_dict(), "scope": self.scope}
        if self.key is not None:
            out["key"] = self.key
        out["applies_to"] = self.applies_to
        if self.common:
            out["common"] = True
        return out


@dataclass(frozen=True, slots=True)
class Uncertainty:
    """What a Monte Carlo run draws.

    Parameters
    ----------
    costs
        Cost factors per scope (see :class:`CostUncertainty`).
    approvals
        Draw each application (project, programme) as approved with the programme's ``approval_probability``; a
        rejected one pays nothing to that project in that draw.
    approval_probability
        Overrides of ``approval_probability`` per programme id.
    weight_concentration
        Draw criteria weights from a Dirichlet distribution with mean at the given (normalised) weights and this
        concentration κ (larger: closer to the given weights; κ = 50 moves a weight of 0.3 by about ±0.06).
        None: the weights are certain.

    Examples
    --------
    >>> u = Uncertainty(costs=(CostUncertainty(Triangular(0.9, 1.0, 1.5)),), weight_concentration=50)
    >>> Uncertainty.from_dict(u.to_dict()) == u
    True
    """

    costs: tuple[CostUncertainty, ...] = ()
    approvals: bool = True
    approval_probability: Mapping[str, float] = field(default_factory=FrozenMap)
    weight_concentration: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "costs", tuple(self.costs))
        for i, c in enumerate(self.costs):
            if not isinstance(c, CostUncertainty):
                raise _bad(f"costs[{i}]", "expected a CostUncertainty", c)
        if not isinstance(self.approvals, bool):
            raise _bad("approvals", "expected true or false", self.approvals)
        probs = {}
        for k, v in dict(self.approval_probability).items():
            p = _num(v, f"approval_probability.{k}")
            if p > 1:
                raise _bad(f"approval_probability.{k}", "expected a probability in [0, 1]", v)
            probs[str(k)] = p
        object.__setattr__(self, "approval_probability", FrozenMap(probs))
        if self.weight_concentration is not None:
            kappa = _num(self.weight_concentration, "weight_concentration")
            if kappa <= 0:
                raise _bad("weight_concentration", "expected a concentration > 0", self.weight_concentration)
            object.__setattr__(self, "weight_concentration", kappa)

    def check(self, portfolio: Portfolio) -> None:
        """Check every id against *portfolio*; raise ValidationError with a suggestion."""
        import difflib

        pf = portfolio
        pools = {
            "field": list(pf.fields),
            "tag": sorted({t for p in pf.projects for t in p.tags}),
            "project": list(pf.project_ids),
        }
        for i, c in enumerate(self.costs):
            if c.scope != "all" and c.key not in pools[c.scope]:
                close = difflib.get_close_matches(str(c.key), pools[c.scope], n=1)
                raise ValidationError(
                    f"unknown {c.scope} '{c.key}'",
                    location=Location(item="uncertainty", path=f"costs[{i}].key"),
                    hint=f"did you mean '{close[0]}'?" if close else None,
                )
        progs = [g.id for g in pf.programmes]
        for gid in self.approval_probability:
            if gid not in progs:
                close = difflib.get_close_matches(gid, progs, n=1)
                raise ValidationError(
                    f"unknown programme '{gid}'",
                    location=Location(item="uncertainty", path=f"approval_probability.{gid}"),
                    hint=f"did you mean '{close[0]}'?" if close else None,
                )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"costs": [c.to_dict() for c in self.costs], "approvals": self.approvals}
        if self.approval_probability:
            out["approval_probability"] = dict(self.approval_probability)
        if self.weight_concentration is not None:
            out["weight_concentration"] = self.weight_concentration
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Uncertainty:
        costs = []
        for i, raw in enumerate(data.get("costs", ()) or ()):
            if not isinstance(raw, Mapping):
                raise _bad(f"costs[{i}]", "expected a mapping", raw)
            rest = dict(raw)
            dist_keys = [k for k in rest if k in ("triangular", "uniform", "lognormal", "normal", "normal_clipped")]
            if len(dist_keys) != 1:
                raise _bad(f"costs[{i}]", "expected exactly one distribution", sorted(rest))
            dist = distribution_from_dict({dist_keys[0]: rest.pop(dist_keys[0])}, f"costs[{i}]")
            costs.append(CostUncertainty(dist, **rest))
        return cls(
            costs=tuple(costs),
            approvals=bool(data.get("approvals", True)),
            approval_probability=data.get("approval_probability") or {},
            weight_concentration=data.get("weight_concentration"),
        )


@dataclass(frozen=True, slots=True, eq=False)
class Draw:
    """One draw: factors per project on investment and running costs, approvals, criteria weights."""

    investment: FloatArray
    operating: FloatArray
    approved: BoolArray | None
    weights: FloatArray | None


class Compiled:
    """An :class:`Uncertainty` bound to a portfolio: masks, probabilities and score matrix, built once per worker."""

    def __init__(self, spec: Uncertainty, portfolio: Portfolio, values: ModelValues, programme_ids: Iterable[str]):
        pf = portfolio
        self.spec = spec
        self.values = values
        self.n_p = len(pf.projects)
        self.masks = [c.mask(pf) for c in spec.costs]
        by_id = {g.id: g for g in pf.programmes}
        self.prob = np.array(
            [
                spec.approval_probability.get(gid, by_id[gid].approval_probability if gid in by_id else 0.0)
                for gid in programme_ids
            ],
            dtype=np.float64,
        )
        crit = pf.criteria
        self.weights = np.array([c.weight for c in crit], dtype=np.float64)
        self.scored = np.array([p.benefit is None for p in pf.projects], dtype=bool)
        self.scores = np.array([[p.scores.get(c.id, 0.0) for c in crit] for p in pf.projects], dtype=np.float64)
        if not len(crit):
            self.scores = np.zeros((self.n_p, 0))

    def sample(self, rng: np.random.Generator) -> Draw:
        inv = np.ones(self.n_p)
        op = np.ones(self.n_p)
        for c, mask in zip(self.spec.costs, self.masks, strict=True):
            n = int(mask.sum())
            factors = np.full(n, c.distribution.sample(rng, 1)[0]) if c.common else c.distribution.sample(rng, n)
            if c.applies_to in ("investment", "both"):
                inv[mask] *= factors
            if c.applies_to in ("operating", "both"):
                op[mask] *= factors
        approved = None
        if self.spec.approvals and len(self.prob):
            approved = rng.random((self.n_p, len(self.prob))) < self.prob[None, :]
        weights = None
        kappa = self.spec.weight_concentration
        if kappa is not None and self.weights.size:
            positive = self.weights > 0
            w = self.weights / self.weights.sum()
            weights = np.zeros_like(w)
            weights[positive] = rng.dirichlet(kappa * w[positive])
        return Draw(inv, op, approved, weights)

    def values_of(self, draw: Draw) -> ModelValues:
        v = self.values
        benefit = v.benefit
        if draw.weights is not None and self.scored.any():
            total = draw.weights.sum()
            drawn = 100.0 * (self.scores @ draw.weights) / (5.0 * total)
            benefit = np.where(self.scored, drawn, v.benefit)
        admits = v.admits if draw.approved is None else v.admits & draw.approved
        return v.replace(
            cost=v.cost * draw.investment[:, None],
            operating=v.operating * draw.operating,
            benefit=benefit,
            admits=admits,
        )


def rng_for(seed: int, index: int) -> np.random.Generator:
    """The random stream of draw *index*: the same in every process and order of completion."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index,)))


def draw_scenario(portfolio: Portfolio, uncertainty: Uncertainty, seed: int, index: int) -> Scenario:
    """Draw *index* of a Monte Carlo run as a :class:`Scenario`, to inspect, compare or re-solve it on its own.

    Examples
    --------
    >>> from kommunal_planner.model import Portfolio, Horizon, Project
    >>> pf = Portfolio("M", Horizon(2026, 1), 100, projects=(Project("a", benefit=5, cost=60),))
    >>> spec = Uncertainty(costs=(CostUncertainty(Uniform(1.5, 1.5)),))
    >>> draw_scenario(pf, spec, seed=0, index=3).apply(pf).project("a").cost
    (90.0,)
    """
    from kommunal_planner.scenarios._scenario import CostFactor, Scenario

    pf = portfolio
    programme_ids = [g.id for g in pf.programmes]
    values = ModelValues.of(pf)
    draw = Compiled(uncertainty, pf, values, programme_ids).sample(rng_for(seed, index))
    costs = tuple(
        CostFactor("project", pid, float(draw.investment[i]), float(draw.operating[i]))
        for i, pid in enumerate(pf.project_ids)
        if draw.investment[i] != 1.0 or draw.operating[i] != 1.0
    )
    rejected: dict[str, tuple[str, ...]] = {}
    if draw.approved is not None:
        for f, gid in enumerate(programme_ids):
            lost = tuple(pid for i, pid in enumerate(pf.project_ids) if values.admits[i, f] and not draw.approved[i, f])
            if lost:
                rejected[gid] = lost
    weights = {}
    if draw.weights is not None:
        weights = {c.id: float(w) for c, w in zip(pf.criteria, draw.weights, strict=True)}
    return Scenario(
        f"draw {index}",
        description=f"Monte Carlo draw {index} of seed {seed}",
        costs=costs,
        rejected=rejected,
        weights=weights,
    )
