"""Small value checks shared by the domain types; each raises ValidationError with the location."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

from kommunal_planner.errors import Location, ValidationError

MAX_AMOUNT = 1e15
MIN_YEAR, MAX_YEAR = 1900, 2200


def where(item: str | None, path: str) -> Location:
    return Location(item=item, path=path)


def number(
    value: Any,
    *,
    item: str | None,
    path: str,
    minimum: float | None = 0.0,
    allow_none: bool = False,
    expected: str | None = None,
) -> float | None:
    """Check a finite real number (not a bool), at least *minimum* where given."""
    if value is None and allow_none:
        return None
    exp = expected or (f"a number ≥ {minimum:g}" if minimum is not None else "a number")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValidationError("", location=where(item, path), expected=exp, found=value)
    out = float(value)
    if not math.isfinite(out):
        raise ValidationError("", location=where(item, path), expected=f"a finite {exp[2:]}", found=value)
    if minimum is not None and out < minimum:
        raise ValidationError("", location=where(item, path), expected=exp, found=value)
    if abs(out) > MAX_AMOUNT:
        # totals of such amounts overflow to infinity; no municipal figure comes near
        raise ValidationError("", location=where(item, path), expected=f"{exp} and below 10^15", found=value)
    return out


def integer(
    value: Any, *, item: str | None, path: str, minimum: int | None = None, allow_none: bool = False
) -> int | None:
    """Check a whole number (an int, or a float with no fraction as spreadsheets write it)."""
    if value is None and allow_none:
        return None
    exp = "a whole number" + (f" ≥ {minimum}" if minimum is not None else "")
    if isinstance(value, bool):
        raise ValidationError("", location=where(item, path), expected=exp, found=value)
    if isinstance(value, numbers.Integral) and abs(int(value)) > 10**9:
        raise ValidationError("", location=where(item, path), expected=exp + " of at most 10 digits", found=value)
    if isinstance(value, numbers.Integral) or (
        isinstance(value, numbers.Real) and math.isfinite(float(value)) and float(value).is_integer()
    ):
        out = int(float(value))
    else:
        raise ValidationError("", location=where(item, path), expected=exp, found=value)
    if minimum is not None and out < minimum:
        raise ValidationError("", location=where(item, path), expected=exp, found=value)
    return out


def text(value: Any, *, item: str | None, path: str, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise ValidationError("", location=where(item, path), expected="a text", found=value)
    value = value.strip()
    if not value and not allow_empty:
        raise ValidationError("", location=where(item, path), expected="a non-empty text", found=value)
    return value


def identifier(value: Any, *, item: str | None, path: str) -> str:
    out = text(value, item=item, path=path)
    if any(ch in out for ch in ",;\n\t"):
        raise ValidationError(
            "",
            location=where(item, path),
            expected="an id without commas, semicolons or line breaks",
            found=out,
        )
    return out


def boolean(value: Any, *, item: str | None, path: str) -> bool:
    if isinstance(value, bool):
        return value
    raise ValidationError("", location=where(item, path), expected="true or false", found=value)


def text_tuple(values: Any, *, item: str | None, path: str) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValidationError("", location=where(item, path), expected="a list of texts", found=values)
    out = tuple(identifier(v, item=item, path=f"{path}[{i}]") for i, v in enumerate(values))
    dup = duplicates(out)
    if dup:
        raise ValidationError(f"'{dup[0]}' is listed twice", location=where(item, path))
    return out


def duplicates(values: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    dup: list[str] = []
    for v in values:
        if v in seen and v not in dup:
            dup.append(v)
        seen.add(v)
    return dup
