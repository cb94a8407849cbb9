"""Benefit points from criterion scores and weights, and how stable the resulting top-k ranking is.

benefit_p = 100 · Σ_c w_c s_pc / (5 · Σ_c w_c), so a project that scores 5 on every criterion gets 100 points
and one that scores 0 everywhere gets 0.

Stability: when the weight of one criterion c moves from w_c to t and the other weights are rescaled
proportionally so that all weights still sum to 1, w_j(t) = w_j (1 - t) / (1 - w_c), every project's benefit
is linear in t. Two projects swap places exactly where their two lines cross, so the interval of t on which
the ordered top-k list stays as it is follows from those crossing points — exactly, without a grid search.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np
import pandas as pd

from kommunal_planner.errors import Location, ValidationError
from kommunal_planner.scoring._common import (
    SCORE_MAX,
    SCORE_MIN,
    FloatArray,
    coerce_weights,
    describe_set_difference,
    label_tuple,
    parse_number,
)

logger = logging.getLogger(__name__)

__all__ = ["benefit_table", "ranking_stability"]

_TOLERANCE = 1e-9


def _score_matrix(scores: Any, criteria: tuple[str, ...]) -> tuple[pd.Index, FloatArray]:
    """Validated projects x criteria score matrix in the order of *criteria*."""
    if not isinstance(scores, pd.DataFrame):
        raise ValidationError(
            "scores must be a table",
            expected="a pandas DataFrame (projects x criteria)",
            found=type(scores).__name__,
        )
    if scores.shape[0] == 0:
        raise ValidationError("the score table has no projects", expected="at least one project")
    columns = label_tuple(scores.columns, what="score column")
    if set(columns) != set(criteria):
        raise ValidationError(
            "the score columns do not match the weighted criteria",
            expected=", ".join(criteria),
            found=describe_set_difference(criteria, columns) + " among the score columns",
        )
    if "benefit" in criteria:
        raise ValidationError(
            "a criterion must not be called 'benefit'",
            hint="the name is used for the total",
        )
    if scores.index.has_duplicates:
        duplicated = scores.index[scores.index.duplicated()].tolist()
        raise ValidationError("a project appears twice in the score table", found=duplicated[:5])
    position = {label: k for k, label in enumerate(columns)}
    raw = scores.to_numpy(dtype=object)
    matrix = np.empty((scores.shape[0], len(criteria)), dtype=np.float64)
    for i, project in enumerate(scores.index):
        for j, criterion in enumerate(criteria):
            value = raw[i, position[criterion]]
            where = Location(item=f"project {project!r}", column=criterion)
            try:
                number = parse_number(value)
            except (ValueError, OverflowError):
                raise ValidationError(
                    "a score is not a number", location=where, expected="a score from 0 to 5", found=value
                ) from None
            if number is None or not math.isfinite(number):
                raise ValidationError(
                    "a score is missing",
                    location=where,
                    expected="a score from 0 to 5",
                    found=value,
                )
            if not SCORE_MIN - _TOLERANCE <= number <= SCORE_MAX + _TOLERANCE:
                raise ValidationError(
                    "a score is outside 0 … 5", location=where, expected="a score from 0 to 5", found=value
                )
            matrix[i, j] = min(SCORE_MAX, max(SCORE_MIN, number))
    return scores.index, matrix


def benefit_table(scores: pd.DataFrame, weights: Any) -> pd.DataFrame:
    """Each criterion's contribution and the total benefit (0 … 100 points) per project.

    Parameters
    ----------
    scores : pandas.DataFrame
        Projects (index) x criteria (columns), scores 0 … 5.
    weights : Weights, AHPResult, GroupAHPResult, mapping or pandas.Series
        Non-negative weight per criterion, same criteria as the score columns; normalised here.

    Returns
    -------
    pandas.DataFrame
        Same index; one column per criterion with its contribution 100 · w_c s_c / (5 Σ w) and ``benefit``,
        their sum.

    Examples
    --------
    >>> scores = pd.DataFrame({"economy": [5, 2], "citizen": [1, 4]}, index=["portal", "app"])
    >>> benefit_table(scores, {"economy": 3, "citizen": 1})
            economy  citizen  benefit
    portal     75.0      5.0     80.0
    app        30.0     20.0     50.0
    """
    criteria, w = coerce_weights(weights)
    index, matrix = _score_matrix(scores, criteria)
    contributions = matrix * w[None, :] * (100.0 / SCORE_MAX)
    frame = pd.DataFrame(contributions, index=index, columns=list(criteria))
    frame["benefit"] = contributions.sum(axis=1)
    return frame


#: Benefits closer than this many points count as equal, so that rounding noise cannot decide a ranking.
_TIE_DECIMALS = 9


def _order(points: FloatArray) -> list[int]:
    # Ties keep the order of the score table (a stable, documented tie-break).
    rounded = np.round(points, _TIE_DECIMALS)
    return sorted(range(rounded.size), key=lambda p: (-rounded[p], p))


def ranking_stability(scores: pd.DataFrame, weights: Any, k: int = 5) -> pd.DataFrame:
    """For each criterion, the weight interval within which the ordered top-k list does not change.

    The weight of one criterion is varied over [0, 1] while the other weights are rescaled proportionally
    (their ratios stay fixed, all weights sum to 1). Inside the interval ``(lower, upper)`` the first k
    projects and their order are the same as with the given weights; at a bound two projects tie, and beyond
    it they swap. Benefits equal to 9 decimal places count as tied and keep the order of the score table.

    Parameters
    ----------
    scores : pandas.DataFrame
        Projects x criteria, scores 0 … 5.
    weights : Weights, AHPResult, mapping or pandas.Series
        Criterion weights (normalised here; the intervals are in normalised weights).
    k : int
        Length of the top list; larger than the number of projects means the whole ranking.

    Returns
    -------
    pandas.DataFrame
        Index criterion; columns ``weight``, ``lower``, ``upper``, ``lower_event`` and ``upper_event`` (which
        project overtakes which at the bound, or empty when the bound is 0 or 1). ``attrs["top_k"]`` holds the
        ranking.

    Notes
    -----
    If every other criterion has weight 0, no proportional rescaling exists and the interval is the single
    point ``[1, 1]``.

    Examples
    --------
    >>> scores = pd.DataFrame({"economy": [5, 2, 0], "citizen": [2, 4, 5]}, index=["portal", "app", "park"])
    >>> r = ranking_stability(scores, {"economy": 0.5, "citizen": 0.5}, k=2)
    >>> r[["weight", "lower", "upper"]].round(4)  # doctest: +NORMALIZE_WHITESPACE
               weight  lower  upper
    criterion
    economy       0.5    0.4    1.0
    citizen       0.5    0.0    0.6
    >>> r.loc["economy", "lower_event"]
    "'app' overtakes 'portal'"
    """
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1:
        raise ValidationError("k must be a whole number >= 1", found=k)
    criteria, w = coerce_weights(weights)
    index, matrix = _score_matrix(scores, criteria)
    projects = [str(p) for p in index]
    n_projects = matrix.shape[0]
    if k > n_projects:
        logger.info("ranking_stability: k=%d exceeds the %d projects; using the whole ranking", k, n_projects)
        k = n_projects
    order = _order(matrix @ w * (100.0 / SCORE_MAX))
    top = order[:k]
    pairs = [(top[i], top[i + 1]) for i in range(k - 1)]
    pairs += [(top[-1], q) for q in order[k:]]
    records: list[dict[str, Any]] = []
    for c, criterion in enumerate(criteria):
        w0 = float(w[c])
        record: dict[str, Any] = {"criterion": criterion, "weight": w0}
        rest = 1.0 - w0
        if rest <= _TOLERANCE:
            record.update(lower=1.0, upper=1.0, lower_event="", upper_event="")
            records.append(record)
            continue
        others = matrix @ w - matrix[:, c] * w0
        alpha = others / rest
        beta = matrix[:, c] - alpha
        lower, upper = 0.0, 1.0
        lower_event, upper_event = "", ""
        for a, b in pairs:
            d_alpha = alpha[a] - alpha[b]
            d_beta = beta[a] - beta[b]
            if abs(d_beta) <= _TOLERANCE:
                continue
            crossing = -d_alpha / d_beta
            event = f"{projects[b]!r} overtakes {projects[a]!r}"
            if d_beta > 0 and crossing > lower:
                # a's lead grows with t, so below the crossing b is ahead
                lower, lower_event = min(crossing, w0), event
            elif d_beta < 0 and crossing < upper:
                upper, upper_event = max(crossing, w0), event
        record.update(lower=lower, upper=upper, lower_event=lower_event, upper_event=upper_event)
        records.append(record)
    frame = pd.DataFrame(records).set_index("criterion")
    frame.attrs["top_k"] = tuple(projects[p] for p in top)
    return frame
