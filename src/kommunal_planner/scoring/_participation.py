"""Citizen participation: from survey or workshop answers per theme to scores, drops and postponements.

Two steps, both pure:

1. :func:`aggregate_participation` counts the answers per theme (categories *priority / important / later /
   dropped* — German *Priorität / wichtig / später / verzichtbar*, also *entfällt*, *streichen* — or a 1 … 5
   rating), and derives shares, the mean score with a t-interval, Wilson intervals for the shares the rules
   use, and the theme's verdict by the declared :class:`ParticipationRules`.
2. :func:`apply_participation` maps themes to fields of action and tags of projects and turns the verdicts
   into (a) the ``citizen`` criterion score, (b) projects to drop, (c) a later earliest start — and lists
   every change with the rule and the numbers behind it.

Verdict rules, checked in this order (first match wins; "share" is the observed share, or the lower end of its
Wilson interval when ``basis = "lower_bound"``):

* ``insufficient``: fewer answers than ``min_responses``;
* ``dropped``: share of *dropped* answers > ``drop_share``;
* ``later``: share of *later* or *dropped* answers > ``later_share``;
* ``priority``: share of *priority* answers >= ``priority_share``;
* ``important``: otherwise.

The citizen score of a theme is its mean answer scaled linearly onto 0 … 5: the lowest possible mean (all
answers *dropped*, or all ratings at the bottom of the scale) is 0, the highest is 5. A project's citizen
score is the plain mean of the scores of the themes it belongs to.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from kommunal_planner.errors import Location, ValidationError
from kommunal_planner.scoring._common import (
    SCORE_MAX,
    SCORE_MIN,
    canonical,
    check_unknown_keys,
    is_missing,
    parse_number,
    required_number,
    sub_path,
)

logger = logging.getLogger(__name__)

__all__ = [
    "CATEGORIES",
    "ParticipationAggregate",
    "ParticipationEffect",
    "ParticipationRules",
    "aggregate_counts",
    "aggregate_participation",
    "apply_participation",
]

Category = Literal["priority", "important", "later", "dropped"]
Verdict = Literal["priority", "important", "later", "dropped", "insufficient"]

#: The answer categories, from most to least wanted.
CATEGORIES: tuple[Category, ...] = ("priority", "important", "later", "dropped")

_CATEGORY_LABELS: dict[str, Category] = {
    "priority": "priority",
    "prio": "priority",
    "priorität": "priority",
    "prioritaet": "priority",
    "hohe_priorität": "priority",
    "important": "important",
    "wichtig": "important",
    "later": "later",
    "später": "later",
    "spaeter": "later",
    "dropped": "dropped",
    "drop": "dropped",
    "verzichtbar": "dropped",
    "entfällt": "dropped",
    "entfaellt": "dropped",
    "streichen": "dropped",
    "gestrichen": "dropped",
}

_THEME_COLUMNS = ("theme", "thema", "themen", "topic")
_ANSWER_COLUMNS = ("answer", "antwort", "rating", "bewertung", "vote", "votum")
_RESPONDENT_COLUMNS = ("respondent", "teilnehmer", "teilnehmerin", "teilnehmende", "participant", "person")

_RULE_KEYS = {
    "category_scores": "category_scores",
    "kategorie_punkte": "category_scores",
    "rating_scale": "rating_scale",
    "bewertungsskala": "rating_scale",
    "rating_categories": "rating_categories",
    "bewertung_kategorien": "rating_categories",
    "drop_share": "drop_share",
    "anteil_verzichtbar": "drop_share",
    "later_share": "later_share",
    "anteil_später": "later_share",
    "anteil_spaeter": "later_share",
    "priority_share": "priority_share",
    "anteil_priorität": "priority_share",
    "anteil_prioritaet": "priority_share",
    "basis": "basis",
    "grundlage": "basis",
    "confidence": "confidence",
    "konfidenz": "confidence",
    "min_responses": "min_responses",
    "mindestantworten": "min_responses",
    "later_start_year": "later_start_year",
    "später_ab": "later_start_year",
    "spaeter_ab": "later_start_year",
    "unmatched_score": "unmatched_score",
    "punkte_ohne_thema": "unmatched_score",
}
_BASES = {
    "estimate": "estimate",
    "schätzwert": "estimate",
    "schaetzwert": "estimate",
    "lower_bound": "lower_bound",
    "untergrenze": "lower_bound",
}


def _category(value: Any) -> Category | None:
    return _CATEGORY_LABELS.get(canonical(value)) if isinstance(value, str) else None


def _share_in_range(value: Any, name: str) -> float:
    where = Location(item="participation rules", path=name)
    number = required_number(value, what=name, location=where, expected="a share between 0 and 1")
    if not 0.0 <= number <= 1.0:
        raise ValidationError(f"{name} is not a share", location=where, expected="0 … 1", found=value)
    return number


def _whole(value: Any, name: str, *, minimum: int | None = None) -> int:
    where = Location(item="participation rules", path=name)
    number = required_number(value, what=name, location=where, expected="a whole number")
    if number != int(number) or (minimum is not None and number < minimum):
        expected = "a whole number" if minimum is None else f"a whole number >= {minimum}"
        raise ValidationError(f"{name} is not valid", location=where, expected=expected, found=value)
    return int(number)


def _pairs(value: Any, name: str) -> list[tuple[Any, Any]]:
    if isinstance(value, Mapping):
        return list(value.items())
    if isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        result = []
        for item in value:
            if not (isinstance(item, Sequence) and not isinstance(item, (str, bytes)) and len(item) == 2):
                raise ValidationError(
                    f"{name} must map keys to values",
                    location=Location(item="participation rules", path=name),
                )
            result.append((item[0], item[1]))
        return result
    raise ValidationError(
        f"{name} must map keys to values",
        location=Location(item="participation rules", path=name),
        found=value,
    )


@dataclass(frozen=True, slots=True)
class ParticipationRules:
    """The declared, configurable rules that turn participation answers into effects.

    Attributes
    ----------
    category_scores : tuple of (category, number)
        Number per answer category for the mean (default priority 4, important 3, later 2, dropped 1); must
        not rise from *priority* to *dropped*.
    rating_scale : (int, int)
        Lowest and highest rating when answers are ratings (default 1 … 5).
    rating_categories : tuple of (rating, category)
        Category of each rating for the shares (default 5 priority, 4 and 3 important, 2 later, 1 dropped).
    drop_share : float
        A theme is *dropped* when the share of *dropped* answers exceeds this (default 0.5).
    later_share : float
        A theme is *later* when the share of *later* or *dropped* answers exceeds this (default 0.5).
    priority_share : float
        A theme is *priority* when the share of *priority* answers reaches this (default 0.5).
    basis : {"estimate", "lower_bound"}
        Compare the observed share, or the lower end of its Wilson interval (drop or postpone only when the
        evidence is clear).
    confidence : float
        Level of the t-interval of the mean and the Wilson intervals (default 0.95).
    min_responses : int
        Answers a theme needs for a verdict; a mapped theme with fewer is an error (0 allows mapped themes
        without answers, which then have no effect).
    later_start_year : int or None
        Earliest start given to projects of *later* themes (the mid term); needed as soon as a theme is
        *later*.
    unmatched_score : float or None
        Citizen score of projects that belong to no theme; ``None`` leaves it empty (NaN) for the caller to
        decide.

    Examples
    --------
    >>> rules = ParticipationRules(drop_share=0.4, later_start_year=2028)
    >>> ParticipationRules.from_dict(rules.to_dict()) == rules
    True
    >>> ParticipationRules.from_dict({"anteil_verzichtbar": 0.6}).drop_share
    0.6
    """

    category_scores: tuple[tuple[str, float], ...] = (
        ("priority", 4.0),
        ("important", 3.0),
        ("later", 2.0),
        ("dropped", 1.0),
    )
    rating_scale: tuple[int, int] = (1, 5)
    rating_categories: tuple[tuple[int, str], ...] = (
        (1, "dropped"),
        (2, "later"),
        (3, "important"),
        (4, "important"),
        (5, "priority"),
    )
    drop_share: float = 0.5
    later_share: float = 0.5
    priority_share: float = 0.5
    basis: str = "estimate"
    confidence: float = 0.95
    min_responses: int = 1
    later_start_year: int | None = None
    unmatched_score: float | None = None

    def __post_init__(self) -> None:
        scores: dict[str, float] = {}
        for key, value in _pairs(self.category_scores, "category_scores"):
            category = _category(key)
            where = Location(item="participation rules", path=sub_path("category_scores", str(key)))
            if category is None:
                raise ValidationError(
                    "unknown answer category", location=where, expected=", ".join(CATEGORIES), found=key
                )
            if category in scores:
                raise ValidationError("an answer category is given twice", location=where, found=key)
            scores[category] = required_number(value, what="the category score", location=where)
        if set(scores) != set(CATEGORIES):
            raise ValidationError(
                "category_scores must give a number for every answer category",
                location=Location(item="participation rules", path="category_scores"),
                expected=", ".join(CATEGORIES),
                found=", ".join(scores) or "none",
            )
        ordered = [scores[c] for c in CATEGORIES]
        if any(b > a for a, b in itertools.pairwise(ordered)) or ordered[0] == ordered[-1]:
            raise ValidationError(
                "category scores must fall from priority to dropped",
                location=Location(item="participation rules", path="category_scores"),
                expected="priority >= important >= later >= dropped, priority > dropped",
                found=dict(zip(CATEGORIES, ordered, strict=True)),
            )
        scale = self.rating_scale
        if isinstance(scale, (str, bytes)) or not isinstance(scale, Sequence) or len(scale) != 2:
            raise ValidationError(
                "rating_scale must be [lowest, highest]",
                location=Location(item="participation rules", path="rating_scale"),
                found=scale,
            )
        low, high = _whole(scale[0], "rating_scale[0]"), _whole(scale[1], "rating_scale[1]")
        if high <= low:
            raise ValidationError(
                "rating_scale must rise",
                location=Location(item="participation rules", path="rating_scale"),
                found=list(scale),
            )
        mapping: dict[int, str] = {}
        for key, value in _pairs(self.rating_categories, "rating_categories"):
            rating = _whole(key, f"rating_categories.{key}")
            category = _category(value)
            if category is None:
                raise ValidationError(
                    "unknown answer category",
                    location=Location(item="participation rules", path=f"rating_categories.{key}"),
                    expected=", ".join(CATEGORIES),
                    found=value,
                )
            mapping[rating] = category
        needed = set(range(low, high + 1))
        if set(mapping) != needed:
            raise ValidationError(
                "rating_categories must give a category for every rating of the scale",
                location=Location(item="participation rules", path="rating_categories"),
                expected=", ".join(map(str, sorted(needed))),
                found=", ".join(map(str, sorted(mapping))),
            )
        basis = _BASES.get(canonical(self.basis)) if isinstance(self.basis, str) else None
        if basis is None:
            raise ValidationError(
                "unknown basis",
                location=Location(item="participation rules", path="basis"),
                expected="'estimate' or 'lower_bound'",
                found=self.basis,
            )
        confidence = required_number(self.confidence, what="confidence", expected="a number between 0 and 1")
        if not 0.0 < confidence < 1.0:
            raise ValidationError(
                "confidence out of range",
                location=Location(item="participation rules", path="confidence"),
                expected="0 < confidence < 1",
                found=self.confidence,
            )
        year = None if self.later_start_year is None else _whole(self.later_start_year, "later_start_year")
        unmatched = None
        if self.unmatched_score is not None:
            unmatched = required_number(
                self.unmatched_score,
                what="unmatched_score",
                expected="a score 0 … 5",
            )
            if not SCORE_MIN <= unmatched <= SCORE_MAX:
                raise ValidationError(
                    "unmatched_score out of range",
                    expected="0 … 5",
                    found=self.unmatched_score,
                )
        set_ = object.__setattr__
        set_(self, "category_scores", tuple((c, scores[c]) for c in CATEGORIES))
        set_(self, "rating_scale", (low, high))
        set_(self, "rating_categories", tuple(sorted(mapping.items())))
        set_(self, "drop_share", _share_in_range(self.drop_share, "drop_share"))
        set_(self, "later_share", _share_in_range(self.later_share, "later_share"))
        set_(self, "priority_share", _share_in_range(self.priority_share, "priority_share"))
        set_(self, "basis", basis)
        set_(self, "confidence", confidence)
        set_(self, "min_responses", _whole(self.min_responses, "min_responses", minimum=0))
        set_(self, "later_start_year", year)
        set_(self, "unmatched_score", unmatched)

    def to_dict(self) -> dict[str, Any]:
        """Canonical dict form (English keys), as a YAML section holds it."""
        return {
            "category_scores": dict(self.category_scores),
            "rating_scale": list(self.rating_scale),
            "rating_categories": dict(self.rating_categories),
            "drop_share": self.drop_share,
            "later_share": self.later_share,
            "priority_share": self.priority_share,
            "basis": self.basis,
            "confidence": self.confidence,
            "min_responses": self.min_responses,
            "later_start_year": self.later_start_year,
            "unmatched_score": self.unmatched_score,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, path: str | None = None) -> ParticipationRules:
        """Build from the dict form (English or German keys); unknown keys are an error naming the key."""
        fields = check_unknown_keys(data, _RULE_KEYS, what="the participation rules", path=path)
        try:
            return cls(**fields)
        except ValidationError as error:
            location = error.location
            if path and location.path:
                location = Location(item=location.item, path=sub_path(path, location.path))
            raise ValidationError(
                error.problem, location=location, expected=error.expected, found=error.found, hint=error.hint
            ) from None

    @property
    def score_range(self) -> tuple[float, float]:
        """Lowest and highest category score."""
        values = [v for _, v in self.category_scores]
        return min(values), max(values)


# ----------------------------------------------------------------------------------------------------
# Aggregation


def _find_column(frame: pd.DataFrame, given: str | None, candidates: Sequence[str], what: str) -> Any:
    if given is not None:
        if given in frame.columns:
            return given
        raise ValidationError(
            f"the {what} column {given!r} is not in the table",
            location=Location(column=given),
            expected="one of " + ", ".join(map(str, frame.columns)),
        )
    matches = [c for c in frame.columns if isinstance(c, str) and canonical(c) in candidates]
    if len(matches) > 1:
        raise ValidationError(
            f"several columns could hold the {what}",
            found=", ".join(map(str, matches)),
            hint=f"name the one to use with {what}_column=",
        )
    return matches[0] if matches else None


def _row_location(label: Any, position: int, column: Any) -> Location:
    if isinstance(label, (int, np.integer)) and not isinstance(label, bool):
        return Location(row=int(label), column=str(column))
    return Location(
        item=f"response {label!r}" if label is not None else f"response {position + 1}",
        column=str(column),
    )


def _wilson(successes: float, n: float, z: float) -> tuple[float, float]:
    if n <= 0:
        return math.nan, math.nan
    p = successes / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denominator
    half = z * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def _summarise(counts: pd.DataFrame, kind: str, rules: ParticipationRules) -> pd.DataFrame:
    """Statistics and verdict per theme from the count table (the rules may differ from aggregation time)."""
    if kind == "categories":
        level_values = np.array([dict(rules.category_scores)[c] for c in counts.columns], dtype=np.float64)
        level_category = list(counts.columns)
        low, high = rules.score_range
    else:
        categories = dict(rules.rating_categories)
        level_values = np.array([float(r) for r in counts.columns], dtype=np.float64)
        level_category = [categories[int(r)] for r in counts.columns]
        low, high = float(rules.rating_scale[0]), float(rules.rating_scale[1])
    # scipy.stats costs over half a second to import, so only when statistics are computed.
    from scipy import stats

    z = float(stats.norm.ppf(0.5 + rules.confidence / 2.0))
    rows: list[dict[str, Any]] = []
    for theme, row in counts.iterrows():
        c = row.to_numpy(dtype=np.float64)
        n = float(c.sum())
        by_category: dict[str, float] = dict.fromkeys(CATEGORIES, 0.0)
        for count, cat in zip(c, level_category, strict=True):
            by_category[cat] += count
        record: dict[str, Any] = {"theme": theme, "n": int(n)}
        for cat in CATEGORIES:
            record[f"n_{cat}"] = int(by_category[cat])
        for cat in CATEGORIES:
            record[f"share_{cat}"] = by_category[cat] / n if n else math.nan
        later_or_dropped = by_category["later"] + by_category["dropped"]
        record["share_later_or_dropped"] = later_or_dropped / n if n else math.nan
        record["priority_low"], record["priority_high"] = _wilson(by_category["priority"], n, z)
        record["dropped_low"], record["dropped_high"] = _wilson(by_category["dropped"], n, z)
        record["later_or_dropped_low"], record["later_or_dropped_high"] = _wilson(later_or_dropped, n, z)
        mean = float(c @ level_values / n) if n else math.nan
        if n >= 2:
            sd = math.sqrt(float(c @ (level_values - mean) ** 2) / (n - 1.0))
            half = float(stats.t.ppf(0.5 + rules.confidence / 2.0, n - 1.0)) * sd / math.sqrt(n)
            # The t-interval is symmetric and can leave the answer scale; values outside it are meaningless.
            record["mean_low"], record["mean_high"] = max(low, mean - half), min(high, mean + half)
        else:
            record["mean_low"], record["mean_high"] = math.nan, math.nan
        record["mean"] = mean
        record["score"] = SCORE_MAX * (mean - low) / (high - low) if n else math.nan
        verdict, basis_value, threshold, reason = _verdict(record, rules)
        record["verdict"] = verdict
        record["rule_value"] = basis_value
        record["rule_threshold"] = threshold
        record["reason"] = reason
        rows.append(record)
    table = pd.DataFrame(rows).set_index("theme")
    return table


def _basis(record: Mapping[str, Any], share: str, low: str, rules: ParticipationRules) -> float:
    return float(record[low] if rules.basis == "lower_bound" else record[share])


def _verdict(record: Mapping[str, Any], rules: ParticipationRules) -> tuple[Verdict, float, float, str]:
    n = record["n"]
    if n < max(1, rules.min_responses):
        return (
            "insufficient",
            float(n),
            float(rules.min_responses),
            f"{n} answers < {rules.min_responses} required",
        )
    label = "Wilson lower bound of share" if rules.basis == "lower_bound" else "share"
    dropped = _basis(record, "share_dropped", "dropped_low", rules)
    if dropped > rules.drop_share:
        return (
            "dropped",
            dropped,
            rules.drop_share,
            f"{label} 'dropped' {dropped:.3f} > {rules.drop_share:.3f}",
        )
    later = _basis(record, "share_later_or_dropped", "later_or_dropped_low", rules)
    if later > rules.later_share:
        reason = f"{label} 'later' or 'dropped' {later:.3f} > {rules.later_share:.3f}"
        return "later", later, rules.later_share, reason
    priority = _basis(record, "share_priority", "priority_low", rules)
    if priority >= rules.priority_share:
        reason = f"{label} 'priority' {priority:.3f} >= {rules.priority_share:.3f}"
        return "priority", priority, rules.priority_share, reason
    return (
        "important",
        priority,
        rules.priority_share,
        f"{label} 'priority' {priority:.3f} < {rules.priority_share:.3f}",
    )


@dataclass(frozen=True, slots=True, eq=False)
class ParticipationAggregate:
    """Answers per theme, their statistics and verdicts.

    Attributes
    ----------
    counts : pandas.DataFrame
        Theme x answer level (the four categories, or each rating) counts.
    answer_kind : {"categories", "ratings"}
    rules : ParticipationRules
        Rules the statistics and verdicts in ``table`` were computed with.
    table : pandas.DataFrame
        Per theme: ``n``, ``n_<category>``, ``share_<category>``, ``share_later_or_dropped``, Wilson bounds
        (``priority_low/high``, ``dropped_low/high``, ``later_or_dropped_low/high``), ``mean`` with its
        t-interval (``mean_low/high``), ``score`` (0 … 5), ``verdict``, and the rule figures ``rule_value``,
        ``rule_threshold``, ``reason``.
    skipped : int
        Rows without an answer, left out.
    """

    counts: pd.DataFrame
    answer_kind: str
    rules: ParticipationRules
    table: pd.DataFrame
    skipped: int = 0

    @property
    def themes(self) -> tuple[str, ...]:
        """Theme names as first written in the answers."""
        return tuple(str(t) for t in self.counts.index)

    def verdict(self, theme: str) -> str:
        """Verdict of one theme (matched ignoring case and blanks)."""
        return str(self.table.loc[self._theme_key(theme), "verdict"])

    def _theme_key(self, theme: str) -> str:
        for known in self.themes:
            if canonical(known) == canonical(theme):
                return known
        raise ValidationError(
            f"no answers for theme {theme!r}", expected="one of " + ", ".join(self.themes), found=theme
        )

    def with_rules(self, rules: ParticipationRules) -> ParticipationAggregate:
        """The same answers evaluated with other rules."""
        if not isinstance(rules, ParticipationRules):
            raise ValidationError("rules must be ParticipationRules", found=type(rules).__name__)
        return ParticipationAggregate(
            self.counts,
            self.answer_kind,
            rules,
            _summarise(self.counts, self.answer_kind, rules),
            self.skipped,
        )


def aggregate_participation(
    responses: pd.DataFrame,
    *,
    rules: ParticipationRules | None = None,
    theme_column: str | None = None,
    answer_column: str | None = None,
    respondent_column: str | None = None,
) -> ParticipationAggregate:
    """Aggregate participation answers per theme.

    Parameters
    ----------
    responses : pandas.DataFrame
        One row per respondent and theme. Columns (found by name, German or English, ignoring case): the theme
        (``Thema``/``theme``), the answer (``Antwort``/``Bewertung``/``answer``/``rating``) and optionally the
        respondent (``Teilnehmer``/``respondent``). An answer is a category (priority/Priorität,
        important/wichtig, later/später, dropped/verzichtbar/entfällt/streichen) or a whole-number rating on
        ``rules.rating_scale``; one table uses one kind. Rows without an answer are skipped.
    rules : ParticipationRules, optional
        Scoring and verdict rules; defaults to ``ParticipationRules()``.
    theme_column, answer_column, respondent_column : str, optional
        Column names, when they cannot be recognised.

    Returns
    -------
    ParticipationAggregate

    Raises
    ------
    ValidationError
        No answers at all, a missing theme, an answer that is neither a known category nor a rating on the
        scale, categories and ratings mixed, or a respondent answering the same theme twice. Row numbers are
        the DataFrame's index labels.

    Examples
    --------
    >>> answers = pd.DataFrame({
    ...     "Thema": ["Bürgerportal"] * 4 + ["Parkraum-App"] * 3,
    ...     "Antwort": ["Priorität", "Priorität", "wichtig", "später", "verzichtbar", "entfällt", "wichtig"],
    ... })
    >>> agg = aggregate_participation(answers)
    >>> columns = ["n", "share_priority", "share_dropped", "score", "verdict"]
    >>> agg.table[columns].round(3)  # doctest: +NORMALIZE_WHITESPACE
                  n  share_priority  share_dropped  score   verdict
    theme
    Bürgerportal  4             0.5          0.000  3.750  priority
    Parkraum-App  3             0.0          0.667  1.111   dropped
    """
    if not isinstance(responses, pd.DataFrame):
        raise ValidationError(
            "participation answers must be a table",
            expected="a pandas DataFrame",
            found=type(responses).__name__,
        )
    rules = ParticipationRules() if rules is None else rules
    if not isinstance(rules, ParticipationRules):
        raise ValidationError("rules must be ParticipationRules", found=type(rules).__name__)
    if responses.shape[0] == 0:
        raise ValidationError(
            "the participation table has no answers", expected="at least one answer", hint="check the export"
        )
    theme_col = _find_column(responses, theme_column, _THEME_COLUMNS, "theme")
    answer_col = _find_column(responses, answer_column, _ANSWER_COLUMNS, "answer")
    for col, what, names in (
        (theme_col, "theme", "Thema/theme"),
        (answer_col, "answer", "Antwort/answer/rating"),
    ):
        if col is None:
            raise ValidationError(
                f"the participation table has no {what} column",
                expected=f"a column named {names}",
                found=", ".join(map(str, responses.columns)) or "no columns",
            )
    respondent_col = _find_column(responses, respondent_column, _RESPONDENT_COLUMNS, "respondent")
    low, high = rules.rating_scale
    theme_names: dict[str, str] = {}
    records: list[tuple[str, Category | int]] = []
    kinds: dict[str, tuple[Any, int]] = {}
    seen_pairs: dict[tuple[str, str], Any] = {}
    skipped = 0
    for position, (label, row) in enumerate(responses.iterrows()):
        theme_raw = row[theme_col]
        if (
            is_missing(theme_raw)
            or isinstance(theme_raw, (bool, np.bool_))
            or not isinstance(theme_raw, (str, int, np.integer))
        ):
            raise ValidationError(
                "an answer has no theme",
                location=_row_location(label, position, theme_col),
                expected="the theme's name",
                found=None if is_missing(theme_raw) else theme_raw,
            )
        theme_text = str(theme_raw).strip()
        key = canonical(theme_text)
        theme = theme_names.setdefault(key, theme_text)
        answer = row[answer_col]
        if is_missing(answer):
            skipped += 1
            continue
        value: Category | int
        category = _category(answer)
        if category is not None:
            value, kind = category, "categories"
        else:
            try:
                number = parse_number(answer)
            except (ValueError, OverflowError):
                number = None
            if number is None or not _is_rating(number, low, high):
                raise ValidationError(
                    "the answer is neither an answer category nor a rating",
                    location=_row_location(label, position, answer_col),
                    expected=f"Priorität/wichtig/später/verzichtbar (priority/important/later/dropped) "
                    f"or a whole number {low} … {high}",
                    found=answer,
                )
            value, kind = int(number), "ratings"
        kinds.setdefault(kind, (label, position))
        if len(kinds) > 1:
            raise ValidationError(
                "the table mixes answer categories and ratings",
                location=_row_location(label, position, answer_col),
                expected="either categories or ratings in one table",
                found=answer,
            )
        if respondent_col is not None and not is_missing(row[respondent_col]):
            pair = (canonical(str(row[respondent_col])), key)
            if pair in seen_pairs:
                raise ValidationError(
                    f"respondent {row[respondent_col]!r} answered theme {theme!r} twice",
                    location=_row_location(label, position, respondent_col),
                    hint=f"the first answer is in row {seen_pairs[pair]}",
                )
            seen_pairs[pair] = label
        records.append((theme, value))
    if not records:
        raise ValidationError(
            "the participation table has no answers",
            expected="at least one row with an answer",
            found=f"{skipped} rows without an answer",
        )
    kind = next(iter(kinds))
    levels: list[Any] = list(CATEGORIES) if kind == "categories" else list(range(low, high + 1))
    themes = list(dict.fromkeys(t for t, _ in records))
    tally = Counter(records)
    counts = pd.DataFrame(
        [[tally[(theme, level)] for level in levels] for theme in themes],
        index=pd.Index(themes, name="theme"),
        columns=pd.Index(levels, name="answer"),
    )
    if skipped:
        logger.info("participation: %d rows without an answer skipped", skipped)
    return ParticipationAggregate(counts, kind, rules, _summarise(counts, kind, rules), skipped)


def aggregate_counts(
    counts: Mapping[str, Mapping[Any, Any]],
    *,
    rules: ParticipationRules | None = None,
) -> ParticipationAggregate:
    """Aggregate participation results that are already counted per theme and answer.

    Survey tools and workshop protocols usually report "how many said what" per theme; this reads that form
    without expanding it into one row per answer.

    Parameters
    ----------
    counts : mapping
        Theme -> answer -> number of answers. Answers are the categories (priority/Priorität,
        important/wichtig, later/später, dropped/verzichtbar …) or whole-number ratings on
        ``rules.rating_scale``; one table uses one kind. Answers not listed count 0.
    rules : ParticipationRules, optional
        Scoring and verdict rules; defaults to ``ParticipationRules()``.

    Returns
    -------
    ParticipationAggregate
        As from :func:`aggregate_participation` on the expanded answers.

    Raises
    ------
    ValidationError
        No theme or no answer at all, a theme named twice, an unknown answer, categories and ratings mixed, or
        a count that is not a whole number >= 0; the path names the theme and answer.

    Examples
    --------
    >>> agg = aggregate_counts({"Bürgerportal": {"Priorität": 2, "wichtig": 1, "später": 1}})
    >>> row = agg.table.loc["Bürgerportal"]
    >>> int(row["n"]), float(row["score"]), agg.verdict("Bürgerportal")
    (4, 3.75, 'priority')
    """
    rules = ParticipationRules() if rules is None else rules
    if not isinstance(rules, ParticipationRules):
        raise ValidationError("rules must be ParticipationRules", found=type(rules).__name__)
    if not isinstance(counts, Mapping) or not counts:
        raise ValidationError(
            "the participation counts name no theme",
            expected="{theme: {priority: n, important: n, later: n, dropped: n}}",
            found=counts,
        )
    low, high = rules.rating_scale
    kind: str | None = None
    tallies: dict[str, dict[Any, int]] = {}
    seen: dict[str, str] = {}
    for theme, answers in counts.items():
        if not isinstance(theme, str) or not theme.strip():
            raise ValidationError("a theme needs a name", location=Location(path=str(theme)), found=theme)
        name = theme.strip()
        if canonical(name) in seen:
            raise ValidationError(
                f"theme {name!r} is given twice",
                location=Location(path=name),
                hint=f"also as {seen[canonical(name)]!r}",
            )
        seen[canonical(name)] = name
        if not isinstance(answers, Mapping) or not answers:
            raise ValidationError(
                f"theme {name!r} has no counted answers",
                location=Location(path=name),
                expected="{answer: number of answers}",
                found=answers,
            )
        tally: dict[Any, int] = {}
        for answer, raw in answers.items():
            path = f"{name}.{answer}"
            level: Any = _category(answer) if isinstance(answer, str) else None
            answer_kind = "categories"
            if level is None:
                try:
                    number = parse_number(answer)
                except (ValueError, OverflowError):
                    number = None
                if number is None or not _is_rating(number, low, high):
                    raise ValidationError(
                        "unknown answer",
                        location=Location(path=path),
                        expected=f"priority/important/later/dropped (Priorität/wichtig/später/verzichtbar) "
                        f"or a whole number {low} … {high}",
                        found=answer,
                    )
                level, answer_kind = int(number), "ratings"
            if kind is None:
                kind = answer_kind
            elif kind != answer_kind:
                raise ValidationError(
                    "the counts mix answer categories and ratings",
                    location=Location(path=path),
                    expected="either categories or ratings",
                    found=answer,
                )
            if level in tally:
                raise ValidationError(f"the answer {answer!r} is counted twice", location=Location(path=path))
            count = required_number(raw, what="the count", location=Location(path=path), expected="a whole number >= 0")
            if count < 0 or count != int(count) or count > 1e12:
                raise ValidationError(
                    "the count is not valid", location=Location(path=path), expected="a whole number >= 0", found=raw
                )
            tally[level] = int(count)
        tallies[name] = tally
    assert kind is not None  # every theme has at least one answer
    levels: list[Any] = list(CATEGORIES) if kind == "categories" else list(range(low, high + 1))
    frame = pd.DataFrame(
        [[tally.get(level, 0) for level in levels] for tally in tallies.values()],
        index=pd.Index(list(tallies), name="theme"),
        columns=pd.Index(levels, name="answer"),
    )
    if int(frame.to_numpy().sum()) == 0:
        raise ValidationError(
            "the participation counts hold no answers", expected="at least one answer", found="all counts 0"
        )
    return ParticipationAggregate(frame, kind, rules, _summarise(frame, kind, rules), 0)


# ----------------------------------------------------------------------------------------------------
# Effects on projects


@dataclass(frozen=True, slots=True)
class _Project:
    id: str
    field: str
    tags: tuple[str, ...]
    mandatory: bool
    earliest_start: int | None


@dataclass(frozen=True, slots=True)
class _ThemeMap:
    theme: str
    fields: frozenset[str]
    tags: frozenset[str]
    projects: frozenset[str] = frozenset()


def _is_rating(number: float, low: int, high: int) -> bool:
    return math.isfinite(number) and number == int(number) and low <= number <= high


def _name_tuple(value: Any) -> tuple[str, ...] | None:
    """The names of a list of texts, or None when *value* is not one (a lone text or a mapping is not)."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return None
    items = tuple(value)
    return items if all(isinstance(v, str) for v in items) else None


def _belongs(project: _Project, theme: _ThemeMap) -> bool:
    if canonical(project.field) in theme.fields or canonical(project.id) in theme.projects:
        return True
    return any(canonical(tag) in theme.tags for tag in project.tags)


def _read_projects(projects: Iterable[Any]) -> list[_Project]:
    if isinstance(projects, (str, bytes, Mapping)) or not isinstance(projects, Iterable):
        raise ValidationError("projects must be a list of project records", found=type(projects).__name__)
    result: list[_Project] = []
    seen: set[str] = set()
    for k, project in enumerate(projects):
        where = Location(item=f"project #{k + 1}")
        values: dict[str, Any] = {}
        for attribute in ("id", "field", "tags", "mandatory", "earliest_start"):
            if not hasattr(project, attribute):
                raise ValidationError(
                    f"a project has no attribute {attribute!r}",
                    location=where,
                    expected="id, field, tags, mandatory, earliest_start",
                )
            values[attribute] = getattr(project, attribute)
        pid = values["id"]
        if not isinstance(pid, str) or not pid.strip():
            raise ValidationError("a project id must be text", location=where, found=pid)
        where = Location(item=f"project {pid!r}")
        if pid in seen:
            raise ValidationError("a project id appears twice", location=where)
        seen.add(pid)
        if not isinstance(values["field"], str):
            raise ValidationError("the field of action must be text", location=where, found=values["field"])
        tags = _name_tuple(() if values["tags"] is None else values["tags"])
        if tags is None:
            raise ValidationError("tags must be a list of text", location=where, found=values["tags"])
        if not isinstance(values["mandatory"], (bool, np.bool_)):
            raise ValidationError(
                "mandatory must be true or false",
                location=where,
                found=values["mandatory"],
            )
        start = values["earliest_start"]
        if start is not None and (isinstance(start, bool) or not isinstance(start, (int, np.integer))):
            raise ValidationError("earliest_start must be a year or empty", location=where, found=start)
        result.append(
            _Project(
                pid,
                values["field"],
                tuple(tags),
                bool(values["mandatory"]),
                None if start is None else int(start),
            )
        )
    return result


_MAP_KEYS = {
    "fields": "fields",
    "field": "fields",
    "handlungsfelder": "fields",
    "handlungsfeld": "fields",
    "tags": "tags",
    "tag": "tags",
    "schlagworte": "tags",
    "schlagwort": "tags",
    "projects": "projects",
    "project": "projects",
    "projekte": "projects",
    "projekt": "projects",
    "massnahmen": "projects",
    "maßnahmen": "projects",
}


def _names(value: Any, path: str) -> frozenset[str]:
    if value is None:
        return frozenset()
    items = _name_tuple([value] if isinstance(value, str) else value)
    if items is None:
        raise ValidationError("expected a name or a list of names", location=Location(path=path), found=value)
    return frozenset(canonical(v) for v in items if v.strip())


def _read_mapping(mapping: Any) -> list[_ThemeMap]:
    if not isinstance(mapping, Mapping) or not mapping:
        raise ValidationError(
            "the theme mapping must map each theme to fields of action and/or tags",
            expected="{theme: {fields: [...], tags: [...]}}",
            found=mapping,
        )
    result: list[_ThemeMap] = []
    for theme, spec in mapping.items():
        if not isinstance(theme, str) or not theme.strip():
            raise ValidationError("a mapped theme needs a name", found=theme)
        path = f"mapping.{theme}"
        if isinstance(spec, Mapping):
            fields = check_unknown_keys(spec, _MAP_KEYS, what=f"the mapping of theme {theme!r}", path=path)
            result_fields = _names(fields.get("fields"), sub_path(path, "fields"))
            result_tags = _names(fields.get("tags"), sub_path(path, "tags"))
            result_projects = _names(fields.get("projects"), sub_path(path, "projects"))
        else:
            result_fields, result_tags, result_projects = _names(spec, path), frozenset(), frozenset()
        if not result_fields and not result_tags and not result_projects:
            raise ValidationError(
                f"theme {theme!r} is mapped to no field of action, tag or project", location=Location(path=path)
            )
        result.append(_ThemeMap(theme.strip(), result_fields, result_tags, result_projects))
    return result


@dataclass(frozen=True, slots=True, eq=False)
class ParticipationEffect:
    """What participation changes in the portfolio, with a trace of every change.

    Attributes
    ----------
    citizen : pandas.Series
        Citizen criterion score 0 … 5 per project id (NaN for projects in no theme unless
        ``rules.unmatched_score`` is set).
    dropped : tuple of str
        Projects to drop.
    earliest_start : mapping
        Project id -> new earliest start year, for projects the *later* rule moved.
    changes : pandas.DataFrame
        One row per project, theme and rule: ``project``, ``theme``, ``rule`` (``citizen score``, ``dropped``,
        ``later``), ``value`` (the figure the rule looked at), ``threshold``, ``effect`` (in words).
    unmatched : tuple of str
        Projects that belong to no mapped theme.
    skipped_themes : tuple of str
        Mapped themes without answers (only when ``min_responses`` is 0).
    """

    citizen: pd.Series
    dropped: tuple[str, ...]
    earliest_start: Mapping[str, int]
    changes: pd.DataFrame
    unmatched: tuple[str, ...] = ()
    skipped_themes: tuple[str, ...] = field(default=())


def apply_participation(
    projects: Iterable[Any],
    aggregate: ParticipationAggregate,
    mapping: Mapping[str, Any],
    rules: ParticipationRules | None = None,
) -> ParticipationEffect:
    """Turn theme verdicts into the citizen score, drops and postponements of projects.

    Parameters
    ----------
    projects : iterable
        Objects with ``id: str``, ``field: str``, ``tags: tuple[str, ...]``, ``mandatory: bool`` and
        ``earliest_start: int | None``.
    aggregate : ParticipationAggregate
        From :func:`aggregate_participation`.
    mapping : mapping
        Theme -> ``{fields: [...], tags: [...], projects: [...]}`` (German ``handlungsfelder``/``schlagworte``/
        ``projekte`` accepted), or theme -> a field name / list of field names. A project belongs to a theme
        when its field is one of the theme's fields, one of its tags is one of the theme's tags, or its id is
        one of the theme's projects (names compared ignoring case and blanks).
    rules : ParticipationRules, optional
        Rules to apply; by default the ones the aggregate was computed with.

    Returns
    -------
    ParticipationEffect

    Raises
    ------
    ValidationError
        A mandatory project in a *dropped* theme (named with the theme), a mapped theme with fewer answers
        than ``rules.min_responses``, a *later* theme without ``rules.later_start_year``, or malformed
        projects or mapping.

    Examples
    --------
    >>> from types import SimpleNamespace as P
    >>> answers = pd.DataFrame({"theme": ["portal", "portal", "parking", "parking"],
    ...                         "answer": ["priority", "important", "dropped", "dropped"]})
    >>> projects = [P(id="eid", field="services", tags=(), mandatory=False, earliest_start=None),
    ...             P(id="park", field="mobility", tags=("parking",), mandatory=False, earliest_start=None)]
    >>> effect = apply_participation(projects, aggregate_participation(answers),
    ...                              {"portal": {"fields": ["services"]}, "parking": {"tags": ["parking"]}})
    >>> effect.dropped
    ('park',)
    >>> effect.citizen.round(3).to_dict()
    {'eid': 4.167, 'park': 0.0}
    """
    if not isinstance(aggregate, ParticipationAggregate):
        raise ValidationError(
            "aggregate must come from aggregate_participation()",
            found=type(aggregate).__name__,
        )
    if rules is not None and rules != aggregate.rules:
        aggregate = aggregate.with_rules(rules)
    rules = aggregate.rules
    items = _read_projects(projects)
    themes = _read_mapping(mapping)
    statistics: dict[str, dict[str, Any]] = {
        str(theme): {str(k): v for k, v in row.items()}
        for theme, row in aggregate.table.to_dict(orient="index").items()
    }
    lookup = {canonical(t): t for t in aggregate.themes}
    active: list[tuple[_ThemeMap, Mapping[str, Any]]] = []
    skipped: list[str] = []
    for theme in themes:
        key = lookup.get(canonical(theme.theme))
        n = 0 if key is None else int(statistics[key]["n"])
        if n < rules.min_responses:
            raise ValidationError(
                f"theme {theme.theme!r} has too few answers for a verdict",
                location=Location(path=f"mapping.{theme.theme}"),
                expected=f"at least {rules.min_responses} answers",
                found=n,
                hint="check the spelling against the answered themes: " + ", ".join(aggregate.themes),
            )
        if key is None or n == 0:
            skipped.append(theme.theme)
            logger.info("participation: theme %r has no answers and no effect", theme.theme)
            continue
        active.append((theme, statistics[key]))
    rows: list[dict[str, Any]] = []
    citizen: dict[str, float] = {}
    dropped: list[str] = []
    starts: dict[str, int] = {}
    unmatched: list[str] = []
    used_themes: set[str] = set()
    for project in items:
        member = [(theme, stats_) for theme, stats_ in active if _belongs(project, theme)]
        if not member:
            unmatched.append(project.id)
            citizen[project.id] = math.nan if rules.unmatched_score is None else rules.unmatched_score
            if rules.unmatched_score is not None:
                rows.append(
                    _change(project.id, "", "citizen score", rules.unmatched_score, math.nan, "no theme"),
                )
            continue
        used_themes.update(theme.theme for theme, _ in member)
        score = float(np.mean([stats_["score"] for _, stats_ in member]))
        citizen[project.id] = score
        for theme, stats_ in member:
            plural = "s" if len(member) > 1 else ""
            effect = f"citizen score {score:.2f} (mean over {len(member)} theme{plural})"
            rows.append(_change(project.id, theme.theme, "citizen score", stats_["score"], math.nan, effect))
        drops = [(theme, stats_) for theme, stats_ in member if stats_["verdict"] == "dropped"]
        if drops:
            theme, stats_ = drops[0]
            if project.mandatory:
                raise ValidationError(
                    f"mandatory project {project.id!r} is in theme {theme.theme!r}, which is dropped",
                    location=Location(item=f"project {project.id!r}", path=f"mapping.{theme.theme}"),
                    found=stats_["reason"],
                    hint="a statutory project cannot be dropped: take it out of the theme's mapping, "
                    "or change the drop rule",
                )
            dropped.append(project.id)
            for theme, stats_ in drops:
                rows.append(
                    _change(
                        project.id,
                        theme.theme,
                        "dropped",
                        stats_["rule_value"],
                        stats_["rule_threshold"],
                        "drop project",
                    )
                )
            continue
        laters = [(theme, stats_) for theme, stats_ in member if stats_["verdict"] == "later"]
        if laters:
            if rules.later_start_year is None:
                raise ValidationError(
                    f"theme {laters[0][0].theme!r} is to come later, but no mid-term year is set",
                    location=Location(item="participation rules", path="later_start_year"),
                    expected="the year from which 'later' projects may start",
                )
            year = rules.later_start_year
            old = project.earliest_start
            if old is None or old < year:
                starts[project.id] = year
                effect = f"earliest start {year} (was {'not set' if old is None else old})"
            else:
                effect = f"earliest start stays {old} (already >= {year})"
            for theme, stats_ in laters:
                rows.append(
                    _change(
                        project.id,
                        theme.theme,
                        "later",
                        stats_["rule_value"],
                        stats_["rule_threshold"],
                        effect,
                    )
                )
    for theme, _ in active:
        if theme.theme not in used_themes:
            logger.warning("participation: theme %r matches no project", theme.theme)
    changes = pd.DataFrame(rows, columns=["project", "theme", "rule", "value", "threshold", "effect"])
    return ParticipationEffect(
        citizen=pd.Series(citizen, name="citizen", dtype=np.float64).rename_axis("project"),
        dropped=tuple(dropped),
        earliest_start=MappingProxyType(starts),
        changes=changes,
        unmatched=tuple(unmatched),
        skipped_themes=tuple(skipped),
    )


def _change(project: str, theme: str, rule: str, value: Any, threshold: Any, effect: str) -> dict[str, Any]:
    return {
        "project": project,
        "theme": theme,
        "rule": rule,
        "value": float(value),
        "threshold": float(threshold),
        "effect": effect,
    }
