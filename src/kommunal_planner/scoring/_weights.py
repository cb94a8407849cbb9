"""Criterion weights from direct points, a ranking, or swings.

A weight vector here is always non-negative and sums to 1. The methods differ only in what the workshop was
asked:

* direct weights: "distribute 100 points over the criteria";
* rank-based weights: "order the criteria by importance" (ties allowed), turned into numbers by the rank-order
  centroid (ROC), rank-sum (RS) or rank-reciprocal (RR) formula (Stillwell, Seaver & Edwards 1981; Barron &
  Barrett 1996, "Decision quality using ranked attribute weights", Management Science 42(11));
* swing weights: "how much is the swing of each criterion from its worst to its best level worth, if the most
  important swing is worth 100 points?" (von Winterfeldt & Edwards 1986).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from kommunal_planner.errors import Location, ValidationError
from kommunal_planner.scoring._common import FloatArray, canonical, label_tuple, readonly, required_number

logger = logging.getLogger(__name__)

__all__ = ["RankMethod", "Weights", "direct_weights", "rank_weights", "swing_weights"]

RankMethod = Literal["roc", "rank-sum", "rank-reciprocal"]

_RANK_METHODS: dict[str, RankMethod] = {
    "roc": "roc",
    "rank_order_centroid": "roc",
    "rank_sum": "rank-sum",
    "rs": "rank-sum",
    "rank_reciprocal": "rank-reciprocal",
    "rr": "rank-reciprocal",
}


@dataclass(frozen=True, slots=True, eq=False)
class Weights:
    """Normalised criterion weights and how they were obtained.

    Attributes
    ----------
    criteria : tuple of str
        Criterion labels, in the order of ``weights``.
    weights : numpy.ndarray
        Read-only, non-negative, sums to 1.
    method : str
        ``"direct"``, ``"roc"``, ``"rank-sum"``, ``"rank-reciprocal"``, ``"swing"``, ``"ahp-eigenvector"``,
        ...

    Examples
    --------
    >>> w = direct_weights({"economy": 30, "citizen": 50, "law": 20})
    >>> w["citizen"]
    0.5
    >>> w.as_dict()
    {'economy': 0.3, 'citizen': 0.5, 'law': 0.2}
    """

    criteria: tuple[str, ...]
    weights: FloatArray
    method: str

    def __post_init__(self) -> None:
        labels = label_tuple(self.criteria, what="criterion")
        values = np.asarray(self.weights, dtype=np.float64).ravel()
        if values.shape != (len(labels),):
            raise ValidationError(
                "weights and criteria differ in length",
                expected=f"{len(labels)} weights",
                found=int(values.size),
            )
        if not np.all(np.isfinite(values)) or np.any(values < 0) or not math.isclose(values.sum(), 1.0):
            raise ValidationError(
                "weights must be non-negative and sum to 1",
                found=values.tolist(),
                hint="use direct_weights() to normalise raw points",
            )
        object.__setattr__(self, "criteria", labels)
        object.__setattr__(self, "weights", readonly(values))

    def __getitem__(self, criterion: str) -> float:
        try:
            return float(self.weights[self.criteria.index(criterion)])
        except ValueError:
            raise ValidationError(
                f"no weight for criterion {criterion!r}",
                expected="one of " + ", ".join(self.criteria),
            ) from None

    def __len__(self) -> int:
        return len(self.criteria)

    def as_dict(self) -> dict[str, float]:
        """Criterion -> weight, as plain floats (rounded to 12 digits to keep files tidy)."""
        return {c: round(float(w), 12) for c, w in zip(self.criteria, self.weights, strict=True)}

    def to_series(self) -> pd.Series:
        """The weights as a pandas Series indexed by criterion."""
        return pd.Series(
            np.array(self.weights),
            index=pd.Index(self.criteria, name="criterion"),
            name="weight",
        )


def _positive_points(
    points: Mapping[str, Any] | pd.Series,
    *,
    what: str,
) -> tuple[tuple[str, ...], FloatArray]:
    if isinstance(points, pd.Series):
        items = list(zip(points.index, points.to_numpy(dtype=object), strict=True))
    elif isinstance(points, Mapping):
        items = list(points.items())
    else:
        raise ValidationError(
            f"{what} cannot be read",
            expected="a mapping criterion -> number (dict, YAML mapping or pandas Series)",
            found=type(points).__name__,
        )
    if not items:
        raise ValidationError(f"{what} name no criterion", expected="at least one criterion")
    labels = label_tuple([k for k, _ in items], what="criterion")
    values: list[float] = []
    for label, raw in zip(labels, (v for _, v in items), strict=True):
        where = Location(item=f"criterion {label!r}")
        number = required_number(
            raw,
            what=f"the {what} of {label!r}",
            location=where,
            expected="a number >= 0",
        )
        if number < 0:
            raise ValidationError(
                f"the {what} of {label!r} is negative", location=where, expected="a number >= 0", found=raw
            )
        values.append(number)
    total = math.fsum(values)
    if total <= 0:
        raise ValidationError(
            f"all {what} are zero",
            expected="at least one criterion with a positive number",
            hint="a weight vector needs something to weigh",
        )
    return labels, np.asarray(values, dtype=np.float64) / total


def direct_weights(weights: Mapping[str, Any] | pd.Series) -> Weights:
    """Normalise directly given weights (points, percentages) so that they sum to 1.

    Parameters
    ----------
    weights : mapping or pandas.Series
        Criterion -> non-negative number. Numeric text such as ``"0,25"`` is accepted.

    Returns
    -------
    Weights
        ``method == "direct"``.

    Raises
    ------
    ValidationError
        If a value is negative, missing or not a number, or all values are zero.

    Examples
    --------
    >>> direct_weights({"economy": 2, "citizen": 1, "law": 1}).as_dict()
    {'economy': 0.5, 'citizen': 0.25, 'law': 0.25}
    """
    labels, values = _positive_points(weights, what="weight")
    return Weights(labels, values, "direct")


def swing_weights(points: Mapping[str, Any] | pd.Series) -> Weights:
    """Weights from swing points (worth of moving each criterion from its worst to its best level).

    The workshop first ranks the swings, gives the most valued swing 100 points and the others fewer points in
    proportion to how much they are worth. The weight of a criterion is its points divided by the sum of all
    points. A criterion whose swing is worth nothing may get 0 points.

    Parameters
    ----------
    points : mapping or pandas.Series
        Criterion -> points (>= 0). The most valued swing is usually 100, but any common scale works.

    Returns
    -------
    Weights
        ``method == "swing"``.

    Examples
    --------
    >>> swing_weights({"economy": 100, "citizen": 60, "law": 40}).as_dict()
    {'economy': 0.5, 'citizen': 0.3, 'law': 0.2}
    """
    labels, values = _positive_points(points, what="swing points")
    return Weights(labels, values, "swing")


def _positional_weights(n: int, method: RankMethod) -> FloatArray:
    positions = np.arange(1, n + 1, dtype=np.float64)
    if method == "roc":
        # w_k = (1/n) * sum_{i=k..n} 1/i
        tail = np.cumsum((1.0 / positions)[::-1])[::-1]
        return tail / n
    if method == "rank-sum":
        return 2.0 * (n + 1 - positions) / (n * (n + 1))
    reciprocal = 1.0 / positions
    return reciprocal / reciprocal.sum()


def _ranking_groups(ranking: Mapping[str, Any] | Sequence[Any]) -> list[list[str]]:
    """Turn either ranking form into an ordered list of tie groups (most important first)."""
    if isinstance(ranking, pd.Series):
        ranking = dict(zip(ranking.index, ranking.to_numpy(dtype=object), strict=True))
    if isinstance(ranking, Mapping):
        labels = label_tuple(ranking.keys(), what="criterion")
        ranks: dict[str, float] = {}
        for label, raw in zip(labels, ranking.values(), strict=True):
            where = Location(item=f"criterion {label!r}")
            rank = required_number(
                raw,
                what=f"the rank of {label!r}",
                location=where,
                expected="a whole number >= 1",
            )
            if rank < 1 or rank != int(rank):
                raise ValidationError(
                    f"the rank of {label!r} is not a whole number >= 1",
                    location=where,
                    expected="1 for the most important criterion, 2 for the next, ...",
                    found=raw,
                )
            ranks[label] = rank
        groups: dict[float, list[str]] = {}
        for label in labels:
            groups.setdefault(ranks[label], []).append(label)
        return [groups[r] for r in sorted(groups)]
    if isinstance(ranking, (str, bytes)) or not isinstance(ranking, Sequence):
        raise ValidationError(
            "the ranking cannot be read",
            expected="a mapping criterion -> rank, or an ordered list of criteria (a nested list for ties)",
            found=ranking,
        )
    ordered: list[list[str]] = []
    for position, entry in enumerate(ranking, start=1):
        members = [entry] if isinstance(entry, str) else entry
        if isinstance(members, Sequence) and not isinstance(members, (str, bytes)):
            group = list(
                label_tuple(members, what="criterion", location=Location(item=f"rank position {position}")),
            )
        else:
            raise ValidationError(
                "a ranking entry is neither a criterion nor a group of tied criteria",
                location=Location(item=f"rank position {position}"),
                found=entry,
            )
        if not group:
            raise ValidationError("a tie group is empty", location=Location(item=f"rank position {position}"))
        ordered.append(group)
    label_tuple([c for g in ordered for c in g], what="criterion")  # rejects a criterion ranked twice
    return ordered


def rank_weights(ranking: Mapping[str, Any] | Sequence[Any], *, method: str = "roc") -> Weights:
    """Weights from an importance ranking alone.

    With n criteria and position k (1 = most important):

    * ROC, rank-order centroid: ``w_k = (1/n) * sum_{i=k}^{n} 1/i``;
    * RS, rank sum: ``w_k = 2 (n + 1 - k) / (n (n + 1))``;
    * RR, rank reciprocal: ``w_k = (1/k) / sum_{i=1}^{n} 1/i``.

    Tied criteria occupy consecutive positions and share the mean of those positions' weights, so the weights
    still sum to 1 and a tie is treated symmetrically.

    Parameters
    ----------
    ranking : mapping or sequence
        Either criterion -> rank (1 = most important; equal ranks are ties; ``{a: 1, b: 2, c: 2, d: 4}`` and
        ``{a: 1, b: 2, c: 2, d: 3}`` mean the same), or an ordered list of criteria where an inner list is a
        tie group: ``["a", ["b", "c"], "d"]``.
    method : {"roc", "rank-sum", "rank-reciprocal"}
        Formula (``"rs"`` and ``"rr"`` are accepted as short names).

    Returns
    -------
    Weights

    Examples
    --------
    >>> w = rank_weights(["law", "economy", "citizen", "ecology"], method="roc")
    >>> [round(float(x), 4) for x in w.weights]
    [0.5208, 0.2708, 0.1458, 0.0625]
    >>> rank_weights({"law": 1, "economy": 2, "citizen": 2}, method="rank-sum").as_dict()
    {'law': 0.5, 'economy': 0.25, 'citizen': 0.25}
    """
    chosen = _RANK_METHODS.get(canonical(method)) if isinstance(method, str) else None
    if chosen is None:
        raise ValidationError(
            "unknown rank weighting method", expected="'roc', 'rank-sum' or 'rank-reciprocal'", found=method
        )
    groups = _ranking_groups(ranking)
    n = sum(len(g) for g in groups)
    if n == 0:
        raise ValidationError("the ranking names no criterion", expected="at least one criterion")
    positional = _positional_weights(n, chosen)
    labels: list[str] = []
    values: list[float] = []
    start = 0
    for group in groups:
        share = float(positional[start : start + len(group)].mean())
        for label in group:
            labels.append(label)
            values.append(share)
        start += len(group)
    array = np.asarray(values)
    return Weights(tuple(labels), array / array.sum(), chosen)
