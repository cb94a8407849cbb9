"""Shared parsing and validation helpers of the scoring layer.

Everything here turns loosely typed user input (spreadsheet cells, YAML values) into clean numbers and labels,
or raises :class:`~kommunal_planner.errors.ValidationError` that says where and what. No function in the
scoring layer lets a raw numpy, pandas or ``KeyError`` escape on bad input; these helpers are where that
promise is kept.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import numbers
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kommunal_planner.errors import Location, ValidationError

logger = logging.getLogger(__name__)

FloatArray = NDArray[np.float64]

#: Scores of every criterion live on this scale (0 = worst, 5 = best).
SCORE_MIN = 0.0
SCORE_MAX = 5.0


class HasCriteriaWeights(Protocol):
    """Anything that carries criterion labels and a weight vector in the same order."""

    @property
    def criteria(self) -> tuple[str, ...]: ...

    @property
    def weights(self) -> FloatArray: ...


def readonly(values: Any) -> FloatArray:
    """Return a float64 copy of *values* that cannot be written to."""
    array = np.array(values, dtype=np.float64, copy=True)
    array.setflags(write=False)
    return array


def canonical(text: str) -> str:
    """Fold a label for tolerant matching: NFC, case-folded, blanks and dashes as underscores."""
    folded = unicodedata.normalize("NFC", text).strip().casefold()
    for char in (" ", "-", "\t"):
        folded = folded.replace(char, "_")
    while "__" in folded:
        folded = folded.replace("__", "_")
    return folded


def is_missing(value: Any) -> bool:
    """True for the ways a spreadsheet or YAML file says "no value": None, NaN, pandas NA/NaT, blank text."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, (float, np.floating)):
        return bool(math.isnan(value))
    try:
        return bool(pd.isna(value)) if np.ndim(value) == 0 else False
    except (TypeError, ValueError):
        return False


def is_scalar(value: Any) -> bool:
    """True for a single cell value (text counts as one value); False for lists, arrays and ragged nests."""
    if isinstance(value, (str, bytes)):
        return True
    try:
        return bool(np.ndim(value) == 0)
    except (TypeError, ValueError):
        return False


def parse_number(value: Any) -> float | None:
    """Read one number from a cell: numbers, numeric text (``"0,5"``, ``"1/3"``); ``None`` when it is missing.

    Raises ``ValueError`` (for the caller to turn into a located :class:`ValidationError`) when the value is
    not a number at all. Booleans are rejected on purpose: ``True`` in a judgement cell is a spreadsheet
    accident.
    """
    if is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        raise ValueError("a yes/no value is not a number")
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, str):
        text = value.strip().replace("\u2212", "-").replace(" ", "")
        if "/" in text:
            num, _, den = text.partition("/")
            numerator = _plain_number(num)
            denominator = _plain_number(den)
            if denominator == 0.0:
                raise ValueError("division by zero")
            return numerator / denominator
        return _plain_number(text)
    raise ValueError(f"a {type(value).__name__} is not a number")


def _plain_number(text: str) -> float:
    # A single comma is a German decimal separator ("0,5"); anything else is left to float() to judge.
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    return float(text)


def number_or_error(
    value: Any,
    *,
    what: str,
    location: Location | None = None,
    expected: str = "a number",
    allow_missing: bool = False,
) -> float | None:
    """:func:`parse_number` that raises a located :class:`ValidationError` instead of ``ValueError``."""
    try:
        number = parse_number(value)
    except (ValueError, OverflowError):
        raise ValidationError(
            f"{what} is not a number",
            location=location,
            expected=expected,
            found=value,
        ) from None
    if number is None:
        if allow_missing:
            return None
        raise ValidationError(f"{what} is missing", location=location, expected=expected)
    if not math.isfinite(number):
        raise ValidationError(f"{what} is not finite", location=location, expected=expected, found=value)
    return number


def required_number(
    value: Any,
    *,
    what: str,
    location: Location | None = None,
    expected: str = "a number",
) -> float:
    """A finite number that must be present."""
    number = number_or_error(value, what=what, location=location, expected=expected)
    assert number is not None  # allow_missing=False guarantees a number
    return number


def label_tuple(labels: Iterable[Any], *, what: str, location: Location | None = None) -> tuple[str, ...]:
    """Validate a list of labels (criteria, themes): non-empty text, unique after stripping blanks."""
    try:
        items = list(labels)
    except TypeError:
        raise ValidationError(f"{what} must be a list of names", location=location, found=labels) from None
    result: list[str] = []
    seen: dict[str, str] = {}
    for item in items:
        if isinstance(item, (bool, np.bool_)) or not isinstance(item, (str, int, np.integer)):
            raise ValidationError(
                f"every {what} needs a name",
                location=location,
                expected="text",
                found=item,
            )
        name = str(item).strip()
        if not name:
            raise ValidationError(f"a {what} has an empty name", location=location)
        key = canonical(name)
        if key in seen:
            raise ValidationError(
                f"{what} {name!r} appears more than once",
                location=location,
                hint=f"each {what} must be named once (clashes with {seen[key]!r})",
            )
        seen[key] = name
        result.append(name)
    return tuple(result)


def describe_set_difference(expected: Iterable[str], found: Iterable[str]) -> str:
    """Human summary of which labels are missing and which are unexpected."""
    expected_set = list(dict.fromkeys(expected))
    found_set = list(dict.fromkeys(found))
    missing = [x for x in expected_set if x not in found_set]
    extra = [x for x in found_set if x not in expected_set]
    parts: list[str] = []
    if missing:
        parts.append("missing " + ", ".join(repr(x) for x in missing))
    if extra:
        parts.append("unexpected " + ", ".join(repr(x) for x in extra))
    return "; ".join(parts) if parts else "same labels"


def check_unknown_keys(
    data: Mapping[str, Any], allowed: Mapping[str, str], *, what: str, path: str | None
) -> dict[str, Any]:
    """Translate the keys of a dict section to canonical names, rejecting unknown and duplicated keys.

    ``allowed`` maps every accepted spelling (canonical form) to the canonical key.
    """
    if not isinstance(data, Mapping):
        raise ValidationError(
            f"{what} must be a mapping of keys to values",
            location=Location(path=path),
            expected="a dict / YAML mapping",
            found=type(data).__name__,
        )
    result: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for raw_key, value in data.items():
        if not isinstance(raw_key, str):
            raise ValidationError(
                f"{what} has a key that is not text",
                location=Location(path=path),
                found=raw_key,
            )
        key = allowed.get(canonical(raw_key))
        sub_path = f"{path}.{raw_key}" if path else raw_key
        if key is None:
            accepted = sorted(set(allowed.values()))
            raise ValidationError(
                f"{what} has an unknown key {raw_key!r}",
                location=Location(path=sub_path),
                expected="one of " + ", ".join(accepted),
                hint="remove the key or correct its spelling",
            )
        if key in result:
            raise ValidationError(
                f"{what} gives {key!r} twice (as {origin[key]!r} and {raw_key!r})",
                location=Location(path=sub_path),
            )
        result[key] = value
        origin[key] = raw_key
    return result


def sub_path(path: str | None, key: str) -> str:
    """Join a YAML path and a key."""
    return f"{path}.{key}" if path else key


def with_path_prefix(error: ValidationError, prefix: str | None) -> ValidationError:
    """The same error with its YAML path placed under *prefix* (``points[1]`` -> ``fs[3].points[1]``)."""
    if not prefix:
        return error
    location = error.location
    if location.path and location.path.startswith(prefix):
        return error
    path = sub_path(prefix, location.path) if location.path else prefix
    return ValidationError(
        error.problem,
        location=dataclasses.replace(location, path=path),
        expected=error.expected,
        found=error.found,
        hint=error.hint,
    )


def coerce_weights(weights: Any, *, what: str = "weights") -> tuple[tuple[str, ...], FloatArray]:
    """Read criterion weights from a result object, a mapping or a pandas Series; normalise them to sum 1."""
    labels: tuple[str, ...]
    values: list[Any]
    if hasattr(weights, "criteria") and hasattr(weights, "weights"):
        labels = label_tuple(weights.criteria, what="criterion")
        values = list(np.asarray(weights.weights, dtype=object).ravel())
    elif isinstance(weights, pd.Series):
        labels = label_tuple(weights.index, what="criterion")
        values = list(weights.to_numpy(dtype=object))
    elif isinstance(weights, Mapping):
        labels = label_tuple(weights.keys(), what="criterion")
        values = list(weights.values())
    else:
        raise ValidationError(
            f"{what} cannot be read",
            expected="a Weights or AHPResult object, a mapping criterion -> weight, or a pandas Series",
            found=type(weights).__name__,
        )
    if len(labels) != len(values):
        raise ValidationError(f"{what}: {len(labels)} criteria but {len(values)} weights")
    if not labels:
        raise ValidationError(f"{what} name no criterion", expected="at least one criterion")
    numbers_: list[float] = []
    for label, value in zip(labels, values, strict=True):
        number = required_number(
            value,
            what=f"the weight of {label!r}",
            location=Location(item=f"criterion {label!r}"),
            expected="a non-negative number",
        )
        if number < 0:
            raise ValidationError(
                f"the weight of {label!r} is negative",
                location=Location(item=f"criterion {label!r}"),
                expected="a non-negative number",
                found=value,
            )
        numbers_.append(number)
    total = math.fsum(numbers_)
    if total <= 0:
        raise ValidationError(f"{what} are all zero", expected="at least one positive weight", found=numbers_)
    return labels, readonly(np.asarray(numbers_) / total)
