"""Value functions: raw criterion values (EUR saved, users reached, yes/no duties, ratings) to 0 … 5 scores.

Four kinds, each a frozen dataclass that is callable on a scalar or a numpy array and round-trips through a
plain dict (the form a YAML section holds):

``linear``
    ``{criterion: economy, kind: linear, worst: 0, best: 50000, direction: increasing}``: 0 points at
    ``worst``, 5 points at ``best``, linear in between, clipped outside. ``worst > best`` means less is
    better; ``direction`` is optional and, when given, must agree with the order of ``worst`` and ``best``.
``piecewise``
    ``{criterion: users, kind: piecewise, points: [[0, 0], [1000, 3], [10000, 5]]}``: linear between
    breakpoints ``[value, score]`` (values strictly increasing), constant beyond the first and last
    breakpoint.
``step``
    ``{criterion: rating, kind: step, thresholds: [4, 7], scores: [0, 3, 5]}``: ``scores[0]`` below the first
    threshold, ``scores[k]`` from threshold k on (a value equal to a threshold gets the higher step).
``categorical``
    ``{criterion: ozg, kind: categorical, categories: {yes: 5, no: 0}, default: 0}``: text categories, matched
    ignoring case and blanks; ja/nein, true/false and yes/no are interchangeable.

German key names are accepted as well (``kriterium``, ``art``, ``schlechtester``, ``bester``, ``richtung``,
``stützstellen``, ``schwellen``, ``punkte``, ``kategorien``, ``standard``); any other key is an error that
names it.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, overload

import numpy as np
import pandas as pd

from kommunal_planner.errors import Location, ValidationError
from kommunal_planner.scoring._common import (
    SCORE_MAX,
    SCORE_MIN,
    FloatArray,
    canonical,
    check_unknown_keys,
    is_missing,
    is_scalar,
    label_tuple,
    parse_number,
    required_number,
    sub_path,
    with_path_prefix,
)

logger = logging.getLogger(__name__)

__all__ = [
    "CategoricalValue",
    "Direction",
    "LinearValue",
    "PiecewiseLinearValue",
    "StepValue",
    "ValueFunction",
    "apply_value_functions",
    "value_function_from_dict",
]

Direction = Literal["increasing", "decreasing"]

_DIRECTIONS: dict[str, Direction] = {
    "increasing": "increasing",
    "ascending": "increasing",
    "more_is_better": "increasing",
    "higher_is_better": "increasing",
    "steigend": "increasing",
    "aufsteigend": "increasing",
    "mehr_ist_besser": "increasing",
    "decreasing": "decreasing",
    "descending": "decreasing",
    "less_is_better": "decreasing",
    "lower_is_better": "decreasing",
    "fallend": "decreasing",
    "absteigend": "decreasing",
    "weniger_ist_besser": "decreasing",
}

_KINDS: dict[str, str] = {
    "linear": "linear",
    "piecewise": "piecewise",
    "piecewise_linear": "piecewise",
    "stückweise": "piecewise",
    "stueckweise": "piecewise",
    "stückweise_linear": "piecewise",
    "stueckweise_linear": "piecewise",
    "step": "step",
    "steps": "step",
    "stufen": "step",
    "stufe": "step",
    "categorical": "categorical",
    "categories": "categorical",
    "kategorial": "categorical",
    "kategorien": "categorical",
}

_COMMON_KEYS = {
    "criterion": "criterion",
    "kriterium": "criterion",
    "kind": "kind",
    "type": "kind",
    "art": "kind",
    "typ": "kind",
}
_KEYS: dict[str, dict[str, str]] = {
    "linear": {
        **_COMMON_KEYS,
        "worst": "worst",
        "schlechtester": "worst",
        "schlechtester_wert": "worst",
        "best": "best",
        "bester": "best",
        "bester_wert": "best",
        "direction": "direction",
        "richtung": "direction",
    },
    "piecewise": {
        **_COMMON_KEYS,
        "points": "points",
        "breakpoints": "points",
        "stützstellen": "points",
        "stuetzstellen": "points",
        "direction": "direction",
        "richtung": "direction",
    },
    "step": {
        **_COMMON_KEYS,
        "thresholds": "thresholds",
        "schwellen": "thresholds",
        "schwellenwerte": "thresholds",
        "scores": "scores",
        "punkte": "scores",
        "direction": "direction",
        "richtung": "direction",
    },
    "categorical": {
        **_COMMON_KEYS,
        "categories": "categories",
        "kategorien": "categories",
        "default": "default",
        "standard": "default",
        "vorgabe": "default",
    },
}

# yes/no synonyms so that a mapping written with "ja"/"nein" also reads True/False, "yes", "x" …
_BOOLEAN_SYNONYMS = {
    "yes": "yes",
    "ja": "yes",
    "j": "yes",
    "y": "yes",
    "true": "yes",
    "wahr": "yes",
    "x": "yes",
    "no": "no",
    "nein": "no",
    "n": "no",
    "false": "no",
    "falsch": "no",
}


def _where(criterion: str | None, path: str | None = None) -> Location:
    return Location(item=f"value function {criterion!r}" if criterion else "value function", path=path)


def _criterion(value: Any, path: str | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            "a value function needs the name of its criterion",
            location=_where(None, sub_path(path, "criterion")),
            expected="text, e.g. economy",
            found=value,
        )
    return value.strip()


def _direction(value: Any, criterion: str, path: str | None = None) -> Direction | None:
    if value is None:
        return None
    chosen = _DIRECTIONS.get(canonical(value)) if isinstance(value, str) else None
    if chosen is None:
        raise ValidationError(
            "unknown direction",
            location=_where(criterion, sub_path(path, "direction")),
            expected="increasing (more is better) or decreasing (less is better)",
            found=value,
        )
    return chosen


def _score(value: Any, criterion: str, what: str, path: str | None = None) -> float:
    number = required_number(
        value,
        what=what,
        location=_where(criterion, path),
        expected="a score from 0 to 5",
    )
    if not SCORE_MIN <= number <= SCORE_MAX:
        raise ValidationError(
            f"{what} is outside the score range",
            location=_where(criterion, path),
            expected="0 … 5",
            found=value,
        )
    return number


def _number_list(value: Any, criterion: str, what: str, path: str | None) -> list[Any]:
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence | np.ndarray):
        raise ValidationError(f"{what} must be a list", location=_where(criterion, path), found=value)
    return list(value)


def _check_monotone(
    scores: Sequence[float],
    direction: Direction | None,
    criterion: str,
    path: str | None,
) -> None:
    if direction is None:
        return
    diffs = np.diff(np.asarray(scores, dtype=np.float64))
    bad = diffs < 0 if direction == "increasing" else diffs > 0
    if np.any(bad):
        raise ValidationError(
            f"the scores do not follow the declared direction {direction!r}",
            location=_where(criterion, path),
            expected="scores that never fall" if direction == "increasing" else "scores that never rise",
            found=list(scores),
        )


def _as_values(values: Any, criterion: str) -> np.ndarray:
    try:
        original = np.asarray(values)
    except (TypeError, ValueError):
        raise ValidationError(
            "raw values must be a number or a flat list of numbers",
            location=Location(item=f"criterion {criterion!r}"),
            found=values,
        ) from None
    if original.dtype.kind == "b":
        raise ValidationError(
            "yes/no values need a categorical value function",
            location=Location(item=f"criterion {criterion!r}"),
            hint="use kind: categorical with categories {yes: 5, no: 0}",
        )
    if original.dtype.kind in "fiu":
        array = original.astype(np.float64)
    else:
        flat = original.astype(object).ravel()
        converted = np.empty(flat.shape, dtype=np.float64)
        for k, item in enumerate(flat):
            try:
                number = parse_number(item)
            except (ValueError, OverflowError):
                raise ValidationError(
                    "a raw value is not a number",
                    location=Location(item=f"criterion {criterion!r}", path=f"position {k}"),
                    expected="a number",
                    found=item,
                ) from None
            converted[k] = np.nan if number is None else number
        array = converted.reshape(original.shape)
    bad = ~np.isfinite(array)
    if np.any(bad):
        position = int(np.flatnonzero(bad.ravel())[0])
        raise ValidationError(
            "a raw value is missing or not finite",
            location=Location(item=f"criterion {criterion!r}", path=f"position {position}"),
            expected="a finite number",
            found=float(array.ravel()[position]),
        )
    return array


def _result(array: np.ndarray, scalar: bool) -> Any:
    array = np.clip(array, SCORE_MIN, SCORE_MAX)
    return float(array) if scalar else array


@dataclass(frozen=True, slots=True)
class LinearValue:
    """Linear value function from ``worst`` (0 points) to ``best`` (5 points), clipped outside.

    Examples
    --------
    >>> f = LinearValue("economy", worst=0, best=50_000)
    >>> f(25_000)
    2.5
    >>> f([-10, 10_000, 90_000]).tolist()
    [0.0, 1.0, 5.0]
    >>> LinearValue("cost", worst=100, best=0).direction
    'decreasing'
    """

    kind: ClassVar[str] = "linear"
    criterion: str
    worst: float
    best: float

    def __post_init__(self) -> None:
        criterion = _criterion(self.criterion)
        worst = required_number(self.worst, what="worst", location=_where(criterion))
        best = required_number(self.best, what="best", location=_where(criterion))
        if worst == best:
            raise ValidationError(
                "worst and best are equal, so the value function is undefined",
                location=_where(criterion),
                expected="two different values",
                found=worst,
            )
        object.__setattr__(self, "criterion", criterion)
        object.__setattr__(self, "worst", worst)
        object.__setattr__(self, "best", best)

    @property
    def direction(self) -> Direction:
        """``"increasing"`` when more is better, else ``"decreasing"``."""
        return "increasing" if self.best > self.worst else "decreasing"

    @overload
    def __call__(self, values: float) -> float: ...
    @overload
    def __call__(self, values: Sequence[Any] | np.ndarray) -> FloatArray: ...
    def __call__(self, values: Any) -> Any:
        array = _as_values(values, self.criterion)
        return _result(5.0 * (array - self.worst) / (self.best - self.worst), np.ndim(values) == 0)

    def to_dict(self) -> dict[str, Any]:
        """Canonical dict form (English keys)."""
        return {
            "criterion": self.criterion,
            "kind": self.kind,
            "worst": self.worst,
            "best": self.best,
            "direction": self.direction,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, path: str | None = None) -> LinearValue:
        """Build from the dict form; unknown keys are an error naming the key."""
        fields = _fields(data, "linear", path)
        criterion = _criterion(fields.get("criterion"), path)
        for key in ("worst", "best"):
            if key not in fields:
                raise ValidationError(
                    f"a linear value function needs {key!r}",
                    location=_where(criterion, sub_path(path, key)),
                    expected="a number",
                )
        try:
            result = cls(criterion, fields["worst"], fields["best"])
        except ValidationError as error:
            raise with_path_prefix(error, path) from None
        declared = _direction(fields.get("direction"), criterion, path)
        if declared is not None and declared != result.direction:
            raise ValidationError(
                f"direction {declared!r} contradicts worst={result.worst:g} and best={result.best:g}",
                location=_where(criterion, sub_path(path, "direction")),
                hint="for 'less is better' give the larger number as worst (e.g. worst: 100, best: 0)",
            )
        return result


@dataclass(frozen=True, slots=True)
class PiecewiseLinearValue:
    """Piecewise-linear value function through breakpoints ``(value, score)``; flat beyond the ends.

    Examples
    --------
    >>> f = PiecewiseLinearValue("users", points=((0, 0), (1000, 3), (10000, 5)))
    >>> f([500, 1000, 5500, 20000]).tolist()
    [1.5, 3.0, 4.0, 5.0]
    """

    kind: ClassVar[str] = "piecewise"
    criterion: str
    points: tuple[tuple[float, float], ...]
    direction: Direction | None = None

    def __post_init__(self) -> None:
        criterion = _criterion(self.criterion)
        raw = _number_list(self.points, criterion, "points", None)
        if len(raw) < 2:
            raise ValidationError(
                "a piecewise-linear value function needs at least two breakpoints",
                location=_where(criterion),
                expected="[[value, score], [value, score], …]",
                found=raw,
            )
        points: list[tuple[float, float]] = []
        for k, point in enumerate(raw):
            where = _where(criterion, f"points[{k}]")
            if isinstance(point, Mapping):
                fields = check_unknown_keys(
                    point,
                    {"value": "value", "wert": "value", "x": "value", "score": "score", "punkte": "score"},
                    what="a breakpoint",
                    path=f"points[{k}]",
                )
                pair = [fields.get("value"), fields.get("score")]
            elif isinstance(point, Sequence | np.ndarray) and not isinstance(point, (str, bytes)):
                pair = list(point)
            else:
                raise ValidationError("a breakpoint must be [value, score]", location=where, found=point)
            if len(pair) != 2:
                raise ValidationError("a breakpoint must be [value, score]", location=where, found=point)
            x = required_number(pair[0], what="the breakpoint value", location=where)
            points.append((x, _score(pair[1], criterion, "the breakpoint score", f"points[{k}]")))
        xs = [p[0] for p in points]
        if any(b <= a for a, b in itertools.pairwise(xs)):
            raise ValidationError(
                "breakpoint values must increase strictly",
                location=_where(criterion, "points"),
                expected="values in ascending order without repeats",
                found=xs,
            )
        direction = _direction(self.direction, criterion)
        _check_monotone([p[1] for p in points], direction, criterion, "points")
        object.__setattr__(self, "criterion", criterion)
        object.__setattr__(self, "points", tuple(points))
        object.__setattr__(self, "direction", direction)

    @overload
    def __call__(self, values: float) -> float: ...
    @overload
    def __call__(self, values: Sequence[Any] | np.ndarray) -> FloatArray: ...
    def __call__(self, values: Any) -> Any:
        array = _as_values(values, self.criterion)
        xs = np.array([p[0] for p in self.points])
        ys = np.array([p[1] for p in self.points])
        return _result(np.interp(array, xs, ys), np.ndim(values) == 0)

    def to_dict(self) -> dict[str, Any]:
        """Canonical dict form (English keys)."""
        data: dict[str, Any] = {
            "criterion": self.criterion,
            "kind": self.kind,
            "points": [[x, y] for x, y in self.points],
        }
        if self.direction is not None:
            data["direction"] = self.direction
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, path: str | None = None) -> PiecewiseLinearValue:
        """Build from the dict form; unknown keys are an error naming the key."""
        fields = _fields(data, "piecewise", path)
        criterion = _criterion(fields.get("criterion"), path)
        if "points" not in fields:
            raise ValidationError(
                "a piecewise-linear value function needs 'points'",
                location=_where(criterion, sub_path(path, "points")),
                expected="[[value, score], …]",
            )
        try:
            return cls(criterion, fields["points"], fields.get("direction"))
        except ValidationError as error:
            raise with_path_prefix(error, path) from None


@dataclass(frozen=True, slots=True)
class StepValue:
    """Step value function: ``scores[0]`` below ``thresholds[0]``, ``scores[k]`` from ``thresholds[k-1]`` on.

    Examples
    --------
    >>> f = StepValue("rating", thresholds=(4, 7), scores=(0, 3, 5))
    >>> f([1, 4, 6.9, 7, 10]).tolist()
    [0.0, 3.0, 3.0, 5.0, 5.0]
    """

    kind: ClassVar[str] = "step"
    criterion: str
    thresholds: tuple[float, ...]
    scores: tuple[float, ...]
    direction: Direction | None = None

    def __post_init__(self) -> None:
        criterion = _criterion(self.criterion)
        raw_t = _number_list(self.thresholds, criterion, "thresholds", None)
        raw_s = _number_list(self.scores, criterion, "scores", None)
        if not raw_t:
            raise ValidationError(
                "a step value function needs at least one threshold",
                location=_where(criterion),
            )
        thresholds = [
            required_number(t, what="a threshold", location=_where(criterion, f"thresholds[{k}]"))
            for k, t in enumerate(raw_t)
        ]
        if any(b <= a for a, b in itertools.pairwise(thresholds)):
            raise ValidationError(
                "thresholds must increase strictly",
                location=_where(criterion, "thresholds"),
                expected="ascending values without repeats",
                found=thresholds,
            )
        if len(raw_s) != len(thresholds) + 1:
            raise ValidationError(
                "a step value function needs one score more than thresholds",
                location=_where(criterion, "scores"),
                expected=f"{len(thresholds) + 1} scores for {len(thresholds)} thresholds",
                found=f"{len(raw_s)} scores",
            )
        scores = [_score(s, criterion, "a step score", f"scores[{k}]") for k, s in enumerate(raw_s)]
        direction = _direction(self.direction, criterion)
        _check_monotone(scores, direction, criterion, "scores")
        object.__setattr__(self, "criterion", criterion)
        object.__setattr__(self, "thresholds", tuple(thresholds))
        object.__setattr__(self, "scores", tuple(scores))
        object.__setattr__(self, "direction", direction)

    @overload
    def __call__(self, values: float) -> float: ...
    @overload
    def __call__(self, values: Sequence[Any] | np.ndarray) -> FloatArray: ...
    def __call__(self, values: Any) -> Any:
        array = _as_values(values, self.criterion)
        index = np.searchsorted(np.asarray(self.thresholds), array, side="right")
        return _result(np.asarray(self.scores)[index], np.ndim(values) == 0)

    def to_dict(self) -> dict[str, Any]:
        """Canonical dict form (English keys)."""
        data: dict[str, Any] = {
            "criterion": self.criterion,
            "kind": self.kind,
            "thresholds": list(self.thresholds),
            "scores": list(self.scores),
        }
        if self.direction is not None:
            data["direction"] = self.direction
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, path: str | None = None) -> StepValue:
        """Build from the dict form; unknown keys are an error naming the key."""
        fields = _fields(data, "step", path)
        criterion = _criterion(fields.get("criterion"), path)
        for key in ("thresholds", "scores"):
            if key not in fields:
                raise ValidationError(
                    f"a step value function needs {key!r}",
                    location=_where(criterion, sub_path(path, key)),
                    expected="a list of numbers",
                )
        try:
            return cls(criterion, fields["thresholds"], fields["scores"], fields.get("direction"))
        except ValidationError as error:
            raise with_path_prefix(error, path) from None


def _category_key(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    text = canonical(str(value))
    return _BOOLEAN_SYNONYMS.get(text, text)


@dataclass(frozen=True, slots=True)
class CategoricalValue:
    """Score per category (e.g. an OZG duty: yes -> 5, no -> 0); unknown categories use ``default`` or fail.

    Examples
    --------
    >>> f = CategoricalValue("ozg", categories=(("yes", 5), ("no", 0)))
    >>> f(["Ja", "nein", True]).tolist()
    [5.0, 0.0, 5.0]
    """

    kind: ClassVar[str] = "categorical"
    criterion: str
    categories: tuple[tuple[str, float], ...]
    default: float | None = None

    def __post_init__(self) -> None:
        criterion = _criterion(self.criterion)
        raw = self.categories
        items: list[tuple[Any, Any]]
        if isinstance(raw, Mapping):
            items = list(raw.items())
        elif isinstance(raw, Sequence) and not isinstance(raw, (str, bytes)):
            items = []
            for k, item in enumerate(raw):
                if not (isinstance(item, Sequence) and not isinstance(item, (str, bytes)) and len(item) == 2):
                    raise ValidationError(
                        "a category must be (name, score)",
                        location=_where(criterion, f"categories[{k}]"),
                        found=item,
                    )
                items.append((item[0], item[1]))
        else:
            raise ValidationError(
                "categories must map names to scores",
                location=_where(criterion, "categories"),
                expected="{yes: 5, no: 0}",
                found=raw,
            )
        if not items:
            raise ValidationError("a categorical value function needs categories", location=_where(criterion))
        names = label_tuple(
            ["yes" if k is True else "no" if k is False else k for k, _ in items],
            what="category",
            location=_where(criterion, "categories"),
        )
        seen: dict[str, str] = {}
        categories: list[tuple[str, float]] = []
        for name, (_, score) in zip(names, items, strict=True):
            key = _category_key(name)
            if key in seen:
                raise ValidationError(
                    f"categories {seen[key]!r} and {name!r} mean the same",
                    location=_where(criterion, "categories"),
                )
            seen[key] = name
            points = _score(score, criterion, f"the score of {name!r}", f"categories.{name}")
            categories.append((name, points))
        default = None
        if self.default is not None:
            default = _score(self.default, criterion, "the default score", "default")
        object.__setattr__(self, "criterion", criterion)
        object.__setattr__(self, "categories", tuple(categories))
        object.__setattr__(self, "default", default)

    def score_of(self, value: Any, *, location: Location | None = None) -> float:
        """Score of one category value."""
        lookup = {_category_key(name): score for name, score in self.categories}
        if not is_missing(value):
            key = _category_key(value)
            if key in lookup:
                return lookup[key]
        if self.default is not None:
            return self.default
        raise ValidationError(
            "unknown category" if not is_missing(value) else "the category is missing",
            location=location or Location(item=f"criterion {self.criterion!r}"),
            expected="one of " + ", ".join(name for name, _ in self.categories),
            found=value,
            hint="add the category to the value function or give a default score",
        )

    @overload
    def __call__(self, values: str | bool | float) -> float: ...
    @overload
    def __call__(self, values: Sequence[Any] | np.ndarray) -> FloatArray: ...
    def __call__(self, values: Any) -> Any:
        if is_scalar(values):
            return self.score_of(values)
        try:
            array = np.asarray(values, dtype=object)
        except ValueError:
            raise ValidationError(
                "categories must be a single value or a flat list",
                location=Location(item=f"criterion {self.criterion!r}"),
                found=values,
            ) from None
        flat = [
            self.score_of(v, location=Location(item=f"criterion {self.criterion!r}", path=f"position {k}"))
            for k, v in enumerate(array.ravel())
        ]
        return np.asarray(flat, dtype=np.float64).reshape(array.shape)

    def to_dict(self) -> dict[str, Any]:
        """Canonical dict form (English keys)."""
        data: dict[str, Any] = {
            "criterion": self.criterion,
            "kind": self.kind,
            "categories": dict(self.categories),
        }
        if self.default is not None:
            data["default"] = self.default
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, path: str | None = None) -> CategoricalValue:
        """Build from the dict form; unknown keys are an error naming the key."""
        fields = _fields(data, "categorical", path)
        criterion = _criterion(fields.get("criterion"), path)
        if "categories" not in fields:
            raise ValidationError(
                "a categorical value function needs 'categories'",
                location=_where(criterion, sub_path(path, "categories")),
                expected="{yes: 5, no: 0}",
            )
        try:
            return cls(criterion, fields["categories"], fields.get("default"))
        except ValidationError as error:
            raise with_path_prefix(error, path) from None


ValueFunction = LinearValue | PiecewiseLinearValue | StepValue | CategoricalValue

_CLASSES: dict[
    str,
    type[LinearValue] | type[PiecewiseLinearValue] | type[StepValue] | type[CategoricalValue],
] = {
    "linear": LinearValue,
    "piecewise": PiecewiseLinearValue,
    "step": StepValue,
    "categorical": CategoricalValue,
}


def _kind_of(data: Mapping[str, Any], path: str | None) -> str:
    if not isinstance(data, Mapping):
        raise ValidationError(
            "a value function must be a mapping",
            location=Location(path=path),
            expected="{criterion: …, kind: linear | piecewise | step | categorical, …}",
            found=type(data).__name__,
        )
    raw = None
    for key, value in data.items():
        if isinstance(key, str) and _COMMON_KEYS.get(canonical(key)) == "kind":
            raw = value
    if raw is None:
        raise ValidationError(
            "a value function needs 'kind'",
            location=Location(path=sub_path(path, "kind")),
            expected="linear, piecewise, step or categorical",
        )
    kind = _KINDS.get(canonical(raw)) if isinstance(raw, str) else None
    if kind is None:
        raise ValidationError(
            "unknown kind of value function",
            location=Location(path=sub_path(path, "kind")),
            expected="linear, piecewise, step or categorical",
            found=raw,
        )
    return kind


def _fields(data: Mapping[str, Any], kind: str, path: str | None) -> dict[str, Any]:
    found = _kind_of(data, path)
    if found != kind:
        raise ValidationError(
            f"expected a {kind} value function", location=Location(path=sub_path(path, "kind")), found=found
        )
    return check_unknown_keys(data, _KEYS[kind], what=f"the {kind} value function", path=path)


def value_function_from_dict(data: Mapping[str, Any], *, path: str | None = None) -> ValueFunction:
    """Build any value function from its dict form, dispatching on ``kind``.

    Parameters
    ----------
    data : mapping
        The YAML section, e.g. ``{criterion: economy, kind: linear, worst: 0, best: 50000}``.
    path : str, optional
        Where the section sits in the file (``"value_functions[2]"``), for error messages.

    Examples
    --------
    >>> section = {"Kriterium": "ozg", "Art": "Kategorien", "Kategorien": {"ja": 5, "nein": 0}}
    >>> f = value_function_from_dict(section)
    >>> f.to_dict()
    {'criterion': 'ozg', 'kind': 'categorical', 'categories': {'ja': 5.0, 'nein': 0.0}}
    >>> bad = {"criterion": "x", "kind": "linear", "worst": 0, "best": 1, "colour": 2}
    >>> value_function_from_dict(bad, path="value_functions[0]")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    kommunal_planner.errors.ValidationError: value_functions[0].colour: ... unknown key 'colour'...
    """
    kind = _kind_of(data, path)
    cls = _CLASSES[kind]
    return cls.from_dict(data, path=path)


def apply_value_functions(
    raw: pd.DataFrame,
    functions: Sequence[ValueFunction] | Mapping[str, ValueFunction],
) -> pd.DataFrame:
    """Score a table of raw values (projects x criteria) with one value function per criterion.

    Parameters
    ----------
    raw : pandas.DataFrame
        One row per project (index = project id), one column per criterion with raw values.
    functions : sequence or mapping of value functions
        One per criterion; each reads the column named by its ``criterion``.

    Returns
    -------
    pandas.DataFrame
        Scores 0 … 5, same index, one column per value function (in the order given).

    Examples
    --------
    >>> raw = pd.DataFrame({"economy": [0, 25_000], "ozg": ["ja", "nein"]}, index=["portal", "akte"])
    >>> fs = [LinearValue("economy", 0, 50_000), CategoricalValue("ozg", (("yes", 5), ("no", 0)))]
    >>> apply_value_functions(raw, fs)
            economy  ozg
    portal      0.0  5.0
    akte        2.5  0.0
    """
    if not isinstance(raw, pd.DataFrame):
        raise ValidationError("raw values must be a pandas DataFrame", found=type(raw).__name__)
    items = list(functions.values()) if isinstance(functions, Mapping) else list(functions)
    for k, f in enumerate(items):
        if not isinstance(f, LinearValue | PiecewiseLinearValue | StepValue | CategoricalValue):
            raise ValidationError(
                "not a value function", location=Location(path=f"functions[{k}]"), found=type(f).__name__
            )
    label_tuple([f.criterion for f in items], what="criterion with a value function")
    columns = {str(c).strip(): c for c in raw.columns}
    result: dict[str, FloatArray] = {}
    for f in items:
        if f.criterion not in columns:
            raise ValidationError(
                f"no column for criterion {f.criterion!r}",
                expected="a column named like the criterion",
                found=", ".join(map(str, raw.columns)) or "no columns",
            )
        column = columns[f.criterion]
        series = raw[column]
        scores = np.empty(len(series), dtype=np.float64)
        for k, (project, value) in enumerate(series.items()):
            where = Location(item=f"project {project!r}", column=str(column))
            if isinstance(f, CategoricalValue):
                scores[k] = f.score_of(value, location=where)
                continue
            number: float | None
            try:
                number = parse_number(value)
            except (ValueError, OverflowError):
                raise ValidationError(
                    "a raw value is not a number", location=where, expected="a number", found=value
                ) from None
            if number is None or not math.isfinite(number):
                raise ValidationError(
                    "a raw value is missing", location=where, expected="a number", found=value, hint=None
                )
            scores[k] = f(number)
        result[f.criterion] = scores
    return pd.DataFrame(result, index=raw.index)
