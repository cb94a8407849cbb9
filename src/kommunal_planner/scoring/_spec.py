"""The ``scoring`` section of an input file: its canonical form, and what it derives for a portfolio.

Two pure steps, shared by the readers (:mod:`kommunal_planner.scoring._section`) and
:func:`kommunal_planner.scoring.evaluate`:

1. :func:`parse_scoring` checks the section's structure (types, methods, matrices, value functions, answers) and
   returns a :class:`ScoringSpec`: the built library objects and the canonical plain data (English keys), which is
   what a portfolio keeps and the writers write back.
2. :func:`derive` applies a spec to the criteria and projects of a portfolio: the criterion weights of the
   declared method, project scores from raw values through value functions, the citizen score, postponements and
   drops from participation. Every reference to a criterion, project or theme is checked here.

Errors are :class:`~kommunal_planner.errors.ValidationError` whose path starts at ``scoring``
(``scoring.weights.comparisons[3].value``).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kommunal_planner.errors import Location, ValidationError
from kommunal_planner.scoring._ahp import AHPResult, GroupAHPResult, ahp, group_ahp
from kommunal_planner.scoring._common import SCORE_MAX, SCORE_MIN, canonical, is_missing, parse_number
from kommunal_planner.scoring._participation import (
    _RULE_KEYS,
    ParticipationAggregate,
    ParticipationEffect,
    ParticipationRules,
    _category,
    aggregate_counts,
    aggregate_participation,
    apply_participation,
)
from kommunal_planner.scoring._value_functions import CategoricalValue, ValueFunction, value_function_from_dict
from kommunal_planner.scoring._weights import Weights, direct_weights, rank_weights, swing_weights

__all__ = ["SECTION", "Derivation", "ProjectView", "ScoringSpec", "derive", "parse_scoring"]

logger = logging.getLogger(__name__)

#: The key of the section in a file (German alias ``bewertung``).
SECTION = "scoring"

#: Derived scores are rounded to this many decimals, so that files stay tidy and round trips exact.
SCORE_DECIMALS = 6
#: A value the file gives counts as agreeing with a derived one when closer than this.
TOLERANCE = 1e-6

_TOP = {
    "weights": "weights",
    "gewichtung": "weights",
    "gewichte": "weights",
    "value_functions": "value_functions",
    "wertfunktionen": "value_functions",
    "raw_values": "raw_values",
    "rohwerte": "raw_values",
    "participation": "participation",
    "beteiligung": "participation",
    "buergerbeteiligung": "participation",
    "bürgerbeteiligung": "participation",
}
_WEIGHTS = {
    "method": "method",
    "methode": "method",
    "verfahren": "method",
    "apply": "apply",
    "übernehmen": "apply",
    "uebernehmen": "apply",
    "anwenden": "apply",
    "values": "values",
    "points": "values",
    "werte": "values",
    "punkte": "values",
    "ranking": "ranking",
    "rangfolge": "ranking",
    "reihenfolge": "ranking",
    "variant": "variant",
    "variante": "variant",
    "comparisons": "comparisons",
    "paarvergleiche": "comparisons",
    "vergleiche": "comparisons",
    "prioritisation": "prioritisation",
    "prioritization": "prioritisation",
    "priorisierung": "prioritisation",
    "aggregation": "aggregation",
    "participant_weights": "participant_weights",
    "teilnehmergewichte": "participant_weights",
    "teilnehmer_gewichte": "participant_weights",
}
_METHODS = {
    "direct": "direct",
    "direkt": "direct",
    "rank": "rank",
    "rang": "rank",
    "rangfolge": "rank",
    "ranking": "rank",
    "swing": "swing",
    "ahp": "ahp",
    "paarvergleich": "ahp",
    "pairwise": "ahp",
}
_METHOD_KEYS = {
    "direct": {"values"},
    "swing": {"values"},
    "rank": {"ranking", "variant"},
    "ahp": {"comparisons", "prioritisation", "aggregation", "participant_weights"},
}
_VARIANTS = {"roc": "roc", "rank_sum": "rank-sum", "rangsumme": "rank-sum", "rank_reciprocal": "rank-reciprocal"}
_PRIORITISATION = {
    "eigenvector": "eigenvector",
    "eigenvektor": "eigenvector",
    "geometric": "geometric",
    "geometrisch": "geometric",
    "geometric_mean": "geometric",
}
_AGGREGATION = {"aij": "aij", "aip": "aip"}
_COMPARISON = {
    "a": "a",
    "criterion_a": "a",
    "kriterium_a": "a",
    "b": "b",
    "criterion_b": "b",
    "kriterium_b": "b",
    "value": "value",
    "wert": "value",
    "urteil": "value",
    "judgement": "value",
    "participant": "participant",
    "teilnehmer": "participant",
    "teilnehmerin": "participant",
    "teilnehmende": "participant",
    "gruppe": "participant",
}
_PARTICIPATION = {
    "criterion": "criterion",
    "kriterium": "criterion",
    "counts": "counts",
    "auszählung": "counts",
    "auszaehlung": "counts",
    "stimmen": "counts",
    "ergebnisse": "counts",
    "results": "counts",
    "responses": "responses",
    "antworten": "responses",
    "themes": "themes",
    "themen": "themes",
    "rules": "rules",
    "regeln": "rules",
}
_RESPONSE = {
    "theme": "theme",
    "thema": "theme",
    "answer": "answer",
    "antwort": "answer",
    "rating": "answer",
    "respondent": "respondent",
    "teilnehmer": "respondent",
    "teilnehmerin": "respondent",
    "teilnehmende": "respondent",
    "participant": "respondent",
}
_THEME = {
    "fields": "fields",
    "handlungsfelder": "fields",
    "tags": "tags",
    "schlagworte": "tags",
    "projects": "projects",
    "projekte": "projects",
    "maßnahmen": "projects",
    "massnahmen": "projects",
}
_FRACTION = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


# --------------------------------------------------------------------------- small helpers
def _join(path: str, key: Any) -> str:
    return f"{path}[{key}]" if isinstance(key, int) and not isinstance(key, bool) else f"{path}.{key}"


def _error(problem: str, path: str, **kwargs: Any) -> ValidationError:
    return ValidationError(problem, location=Location(path=path), **kwargs)


def _keys(data: Any, aliases: Mapping[str, str], path: str, what: str) -> dict[str, Any]:
    """*data*'s keys mapped onto canonical names; unknown and doubled keys are errors naming the key."""
    if not isinstance(data, Mapping):
        raise _error(f"{what} must be a mapping", path, expected="a mapping of keys to values", found=_short(data))
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = aliases.get(canonical(key)) if isinstance(key, str) else None
        if name is None:
            raise _error(
                f"unknown key '{key}'",
                _join(path, key),
                expected="one of " + ", ".join(sorted(set(aliases.values()))),
            )
        if name in out:
            raise _error(f"the key '{name}' is given twice (as '{key}' too)", _join(path, key))
        out[name] = value
    return out


def _short(value: Any) -> Any:
    text = repr(value)
    return value if len(text) <= 60 else text[:57] + "..."


def _name(value: Any, path: str, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        raise _error(f"{what} needs a name", path, expected="a text", found=_short(value))
    return str(value).strip()


def _names(value: Any, path: str) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if isinstance(items, Mapping) or not isinstance(items, Sequence):
        raise _error("expected a list of names", path, found=_short(value))
    return list(dict.fromkeys(_name(v, _join(path, k), "a list entry") for k, v in enumerate(items)))


def _number(value: Any, path: str, what: str, expected: str = "a number") -> float:
    try:
        number = parse_number(value)
    except (ValueError, OverflowError):
        number = math.nan
    if number is None:
        raise _error(f"{what} is missing", path, expected=expected)
    if not math.isfinite(number):
        raise _error(f"{what} is not a number", path, expected=expected, found=_short(value))
    return number


def _bool(value: Any, path: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and canonical(value) in ("ja", "yes", "true", "wahr"):
        return True
    if isinstance(value, str) and canonical(value) in ("nein", "no", "false", "falsch"):
        return False
    raise _error("expected yes or no", path, expected="true/false (ja/nein)", found=_short(value))


def _choice(value: Any, choices: Mapping[str, str], path: str, what: str) -> str:
    chosen = choices.get(canonical(value)) if isinstance(value, str) else None
    if chosen is None:
        raise _error(f"unknown {what}", path, expected=", ".join(sorted(set(choices.values()))), found=_short(value))
    return chosen


def _prefixed(error: ValidationError, prefix: str, strip: str = "") -> ValidationError:
    """*error* with its path moved under *prefix* (a leading *strip* of the old path removed)."""
    old = error.location.path or ""
    if strip and old.startswith(strip):
        old = old[len(strip) :].lstrip(".")
    path = f"{prefix}.{old}" if old else prefix
    location = error.location
    return ValidationError(
        error.problem,
        location=Location(
            file=location.file,
            sheet=location.sheet,
            row=location.row,
            column=location.column,
            path=path,
            item=location.item,
        ),
        expected=error.expected,
        found=error.found,
        hint=error.hint,
    )


def _tidy(number: float) -> int | float:
    """Whole numbers as int, so files read ``3``, not ``3.0``."""
    return int(number) if float(number).is_integer() and abs(number) < 2**53 else float(number)


# --------------------------------------------------------------------------- the parsed section
@dataclass(frozen=True, slots=True)
class WeightsSpec:
    """The declared weighting: method, whether it sets the criteria weights, and its inputs."""

    method: str
    apply: bool
    criteria: tuple[str, ...]
    result: Weights | AHPResult | GroupAHPResult
    data: Mapping[str, Any]

    @property
    def weights(self) -> Weights:
        """The normalised weights the method gives."""
        result = self.result
        return result if isinstance(result, Weights) else result.as_weights()


@dataclass(frozen=True, slots=True)
class ParticipationSpec:
    """Aggregated participation answers, the theme mapping and the rules."""

    criterion: str
    aggregate: ParticipationAggregate
    themes: Mapping[str, Mapping[str, list[str]]]
    rules: ParticipationRules


@dataclass(frozen=True, slots=True)
class ScoringSpec:
    """A checked ``scoring`` section.

    Attributes
    ----------
    data : dict
        The canonical plain form (English keys, numbers as numbers), as kept in ``Portfolio.sections``.
    weights : WeightsSpec or None
    value_functions : dict
        Criterion -> value function.
    raw_values : dict
        Project -> criterion -> raw value.
    participation : ParticipationSpec or None
    """

    data: Mapping[str, Any]
    weights: WeightsSpec | None = None
    value_functions: Mapping[str, ValueFunction] = field(default_factory=dict)
    raw_values: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    participation: ParticipationSpec | None = None


def parse_scoring(data: Any, path: str = SECTION) -> ScoringSpec:
    """Check the structure of a ``scoring`` section and build its parts.

    Parameters
    ----------
    data : mapping
        The section as read from YAML/JSON or built from the tables (English or German keys).
    path : str
        Where the section sits, for error messages.

    Returns
    -------
    ScoringSpec

    Raises
    ------
    ValidationError
        Wrong types, unknown keys or methods, bad pairwise comparisons, value functions or answers; the path
        names the key (``scoring.participation.counts.Parken.später``).

    Examples
    --------
    >>> spec = parse_scoring({"gewichtung": {"methode": "direkt", "punkte": {"a": 3, "b": 1}}})
    >>> spec.weights.weights.as_dict(), spec.data["weights"]["method"]
    ({'a': 0.75, 'b': 0.25}, 'direct')
    """
    top = _keys(data, _TOP, path, "the scoring section")
    canonical_data: dict[str, Any] = {}
    weights = None
    if top.get("weights") is not None:
        weights = _parse_weights(top["weights"], _join(path, "weights"))
        canonical_data["weights"] = weights.data
    functions: dict[str, ValueFunction] = {}
    if top.get("value_functions") is not None:
        functions = _parse_functions(top["value_functions"], _join(path, "value_functions"))
        canonical_data["value_functions"] = {
            c: {k: v for k, v in f.to_dict().items() if k != "criterion"} for c, f in functions.items()
        }
    raw: dict[str, dict[str, Any]] = {}
    if top.get("raw_values") is not None:
        raw = _parse_raw(top["raw_values"], functions, _join(path, "raw_values"))
        canonical_data["raw_values"] = raw
    participation = None
    if top.get("participation") is not None:
        participation, plain = _parse_participation(top["participation"], _join(path, "participation"))
        canonical_data["participation"] = plain
    return ScoringSpec(canonical_data, weights, functions, raw, participation)


def _parse_weights(data: Any, path: str) -> WeightsSpec:
    spec = _keys(data, _WEIGHTS, path, "the weights")
    if spec.get("method") is None:
        raise _error("the weighting method is missing", _join(path, "method"), expected="direct, rank, swing or ahp")
    method = _choice(spec["method"], _METHODS, _join(path, "method"), "weighting method")
    apply = True if spec.get("apply") is None else _bool(spec["apply"], _join(path, "apply"))
    for key in spec:
        if key not in ("method", "apply") and key not in _METHOD_KEYS[method]:
            raise _error(f"'{key}' does not belong to the method '{method}'", _join(path, key))
    out: dict[str, Any] = {"method": method, "apply": apply}
    result: Weights | AHPResult | GroupAHPResult
    try:
        if method in ("direct", "swing"):
            values = _criterion_numbers(spec.get("values"), _join(path, "values"), "points")
            result = direct_weights(values) if method == "direct" else swing_weights(values)
            out["values"] = {c: _tidy(v) for c, v in values.items()}
        elif method == "rank":
            ranking = _ranking(spec.get("ranking"), _join(path, "ranking"))
            variant = "roc" if spec.get("variant") is None else spec["variant"]
            variant = _choice(variant, _VARIANTS, _join(path, "variant"), "rank weighting variant")
            result = rank_weights(ranking, method=variant)
            out.update(ranking=ranking, variant=variant)
        else:
            result, extra = _ahp(spec, path)
            out.update(extra)
    except ValidationError as exc:
        raise _prefixed(exc, path) if not (exc.location.path or "").startswith(path) else exc from None
    return WeightsSpec(method, apply, tuple(result.criteria), result, out)


def _criterion_numbers(data: Any, path: str, what: str) -> dict[str, float]:
    if not isinstance(data, Mapping) or not data:
        raise _error(f"the {what} per criterion are missing", path, expected="{criterion: number, …}", found=data)
    out: dict[str, float] = {}
    for key, value in data.items():
        cid = _name(key, _join(path, key), "a criterion")
        number = _number(value, _join(path, cid), f"the {what} of '{cid}'", "a number >= 0")
        if number < 0:
            raise _error(f"the {what} of '{cid}' are negative", _join(path, cid), expected=">= 0", found=value)
        if cid in out:
            raise _error(f"criterion '{cid}' is given twice", _join(path, cid))
        out[cid] = number
    if not any(out.values()):
        raise _error(f"the {what} are all zero", path, expected="at least one positive value")
    return out


def _ranking(data: Any, path: str) -> dict[str, int]:
    """Criterion -> rank (1 = most important; equal ranks tie), from a list or a mapping."""
    if isinstance(data, Sequence) and not isinstance(data, str) and data:
        names = [_name(v, _join(path, k), "a criterion") for k, v in enumerate(data)]
        if len(set(names)) != len(names):
            raise _error("a criterion is ranked twice", path, found=names)
        return {c: k + 1 for k, c in enumerate(names)}
    if isinstance(data, Mapping) and data:
        out: dict[str, int] = {}
        for key, value in data.items():
            cid = _name(key, _join(path, key), "a criterion")
            rank = _number(value, _join(path, cid), f"the rank of '{cid}'", "a whole number >= 1")
            if rank < 1 or rank != int(rank):
                raise _error(f"the rank of '{cid}' is not valid", _join(path, cid), expected="1, 2, 3 …", found=value)
            out[cid] = int(rank)
        return out
    raise _error("the ranking is missing", path, expected="a list of criteria, most important first", found=data)


def _judgement(value: Any, path: str) -> tuple[float, float | str]:
    """The number of a pairwise judgement and its canonical form (a fraction text stays text)."""
    if isinstance(value, str) and _FRACTION.match(value):
        m = _FRACTION.match(value)
        assert m is not None
        if int(m.group(2)) == 0:
            raise _error("the judgement divides by zero", path, found=value)
        number = int(m.group(1)) / int(m.group(2))
        canonical_value: float | str = f"{int(m.group(1))}/{int(m.group(2))}"
    else:
        number = _number(value, path, "the judgement", "a number 1/9 … 9")
        canonical_value = _tidy(number)
    if not 1 / 9 - 1e-9 <= number <= 9 + 1e-9:
        raise _error(
            "the judgement is off Saaty's scale",
            path,
            expected="1/9 … 9 (how many times more important a is than b)",
            found=value,
        )
    return number, canonical_value


def _ahp(spec: Mapping[str, Any], path: str) -> tuple[AHPResult | GroupAHPResult, dict[str, Any]]:
    items = spec.get("comparisons")
    cpath = _join(path, "comparisons")
    if isinstance(items, Mapping) or not isinstance(items, Sequence) or isinstance(items, str) or not items:
        raise _error(
            "the pairwise comparisons are missing",
            cpath,
            expected="a list of {a: criterion, b: criterion, value: 1/9 … 9}",
            found=_short(items),
        )
    prioritisation = "eigenvector"
    if spec.get("prioritisation") is not None:
        prioritisation = _choice(spec["prioritisation"], _PRIORITISATION, _join(path, "prioritisation"), "method")
    matrices: dict[str | None, dict[tuple[str, str], float]] = {}
    criteria: list[str] = []
    plain: list[dict[str, Any]] = []
    for k, item in enumerate(items):
        ipath = _join(cpath, k)
        if isinstance(item, Sequence) and not isinstance(item, str) and len(item) == 3:
            entry = dict(zip(("a", "b", "value"), item, strict=True))
        else:
            entry = _keys(item, _COMPARISON, ipath, "a comparison")
        for key in ("a", "b", "value"):
            if entry.get(key) is None:
                raise _error(f"the comparison needs '{key}'", _join(ipath, key))
        a = _name(entry["a"], _join(ipath, "a"), "criterion a")
        b = _name(entry["b"], _join(ipath, "b"), "criterion b")
        if a == b:
            raise _error(f"criterion '{a}' is compared with itself", ipath)
        number, value = _judgement(entry["value"], _join(ipath, "value"))
        who = (
            None
            if entry.get("participant") is None
            else _name(entry["participant"], _join(ipath, "participant"), "a participant")
        )
        matrix = matrices.setdefault(who, {})
        if (a, b) in matrix or (b, a) in matrix:
            raise _error(f"'{a}' and '{b}' are compared twice" + (f" by '{who}'" if who else ""), ipath)
        matrix[(a, b)] = number
        criteria += [c for c in (a, b) if c not in criteria]
        plain.append({"a": a, "b": b, "value": value} | ({"participant": who} if who else {}))
    if None in matrices and len(matrices) > 1:
        raise _error("some comparisons name a participant and some do not", cpath, hint="name every participant")
    frames = {who: _matrix(matrix, criteria) for who, matrix in matrices.items()}
    extra: dict[str, Any] = {"comparisons": plain}
    if prioritisation != "eigenvector":
        extra["prioritisation"] = prioritisation
    if None in frames:
        if spec.get("aggregation") is not None or spec.get("participant_weights") is not None:
            raise _error("aggregation and participant weights need comparisons by participants", path)
        return ahp(frames[None], method=prioritisation, criteria=criteria), extra
    aggregation = "aij"
    if spec.get("aggregation") is not None:
        aggregation = _choice(spec["aggregation"], _AGGREGATION, _join(path, "aggregation"), "aggregation")
        extra["aggregation"] = aggregation
    weights = None
    if spec.get("participant_weights") is not None:
        wpath = _join(path, "participant_weights")
        raw = _criterion_numbers(spec["participant_weights"], wpath, "weights")
        unknown = [w for w in raw if w not in frames]
        if unknown:
            raise _error(
                f"unknown participant '{unknown[0]}'", _join(wpath, unknown[0]), expected=", ".join(map(str, frames))
            )
        weights = {str(w): raw.get(str(w), 0.0) for w in frames}
        extra["participant_weights"] = {w: _tidy(v) for w, v in raw.items()}
    named = {str(w): f for w, f in frames.items()}
    return group_ahp(
        named, method=aggregation, weights=weights, prioritisation=prioritisation, criteria=criteria
    ), extra


def _matrix(judgements: Mapping[tuple[str, str], float], criteria: Sequence[str]) -> pd.DataFrame:
    frame = pd.DataFrame(math.nan, index=list(criteria), columns=list(criteria), dtype=float)
    for c in criteria:
        frame.loc[c, c] = 1.0
    for (a, b), value in judgements.items():
        frame.loc[a, b] = value
        frame.loc[b, a] = 1.0 / value
    return frame


def _parse_functions(data: Any, path: str) -> dict[str, ValueFunction]:
    if isinstance(data, Sequence) and not isinstance(data, str):
        entries: list[tuple[str | None, Any, str]] = [(None, v, _join(path, k)) for k, v in enumerate(data)]
    elif isinstance(data, Mapping):
        entries = [(_name(k, _join(path, k), "a criterion"), v, _join(path, k)) for k, v in data.items()]
    else:
        raise _error("value functions must map criteria to functions", path, found=_short(data))
    out: dict[str, ValueFunction] = {}
    for cid, spec, fpath in entries:
        if not isinstance(spec, Mapping):
            raise _error(
                "a value function must be a mapping",
                fpath,
                expected="{kind: linear, worst: …, best: …}",
                found=_short(spec),
            )
        body = dict(spec)
        named = [k for k in body if isinstance(k, str) and canonical(k) in ("criterion", "kriterium")]
        if cid is not None:
            if any(str(body[k]).strip() != cid for k in named):
                raise _error(f"the value function under '{cid}' names another criterion", fpath)
            for k in named:
                del body[k]
            body["criterion"] = cid
        try:
            function = value_function_from_dict(body, path=fpath)
        except ValidationError as exc:
            raise (exc if (exc.location.path or "").startswith(path) else _prefixed(exc, fpath)) from None
        if function.criterion in out:
            raise _error(f"criterion '{function.criterion}' has two value functions", fpath)
        out[function.criterion] = function
    return out


def _parse_raw(data: Any, functions: Mapping[str, ValueFunction], path: str) -> dict[str, dict[str, Any]]:
    if not isinstance(data, Mapping):
        raise _error("raw values must map projects to {criterion: value}", path, found=_short(data))
    out: dict[str, dict[str, Any]] = {}
    for key, values in data.items():
        pid = _name(key, _join(path, key), "a project")
        ppath = _join(path, pid)
        if not isinstance(values, Mapping):
            raise _error("expected {criterion: raw value}", ppath, found=_short(values))
        row: dict[str, Any] = {}
        for ckey, value in values.items():
            cid = _name(ckey, _join(ppath, ckey), "a criterion")
            vpath = _join(ppath, cid)
            if is_missing(value):
                continue
            function = functions.get(cid)
            if function is None:
                raise _error(
                    f"criterion '{cid}' has no value function",
                    vpath,
                    hint="add one under scoring.value_functions (Wertfunktionen)",
                )
            if isinstance(function, CategoricalValue):
                if isinstance(value, bool):
                    row[cid] = value
                elif isinstance(value, str | int | float):
                    row[cid] = value.strip() if isinstance(value, str) else _tidy(float(value))
                else:
                    raise _error("the raw value is not a category", vpath, found=_short(value))
            else:
                if isinstance(value, bool):
                    raise _error("the raw value is not a number", vpath, expected="a number", found=value)
                row[cid] = _tidy(_number(value, vpath, "the raw value"))
            try:
                _score(function, row[cid], vpath)
            except ValidationError as exc:
                raise _prefixed(exc, vpath) if not exc.location.path else exc from None
        if pid in out:
            raise _error(f"project '{pid}' is given twice", ppath)
        if row:
            out[pid] = row
    return out


def _score(function: ValueFunction, value: Any, path: str) -> float:
    if isinstance(function, CategoricalValue):
        score = function.score_of(value, location=Location(path=path))
    else:
        score = float(function(float(value)))
    if not math.isfinite(score) or not SCORE_MIN - 1e-9 <= score <= SCORE_MAX + 1e-9:
        raise _error("the value function gives a score outside 0 … 5", path, found=score)
    return round(min(max(score, SCORE_MIN), SCORE_MAX), SCORE_DECIMALS) + 0.0


def _parse_participation(data: Any, path: str) -> tuple[ParticipationSpec, dict[str, Any]]:
    spec = _keys(data, _PARTICIPATION, path, "the participation section")
    plain: dict[str, Any] = {}
    criterion = "citizen"
    if spec.get("criterion") is not None:
        criterion = _name(spec["criterion"], _join(path, "criterion"), "the criterion")
        plain["criterion"] = criterion
    rules = ParticipationRules()
    if spec.get("rules") is not None:
        rpath = _join(path, "rules")
        if not isinstance(spec["rules"], Mapping):
            raise _error("the rules must be a mapping", rpath, found=_short(spec["rules"]))
        try:
            rules = ParticipationRules.from_dict(spec["rules"], path=rpath)
        except ValidationError as exc:
            raise (exc if (exc.location.path or "").startswith(rpath) else _prefixed(exc, rpath)) from None
        full = rules.to_dict()
        given = {canonical(k) for k in spec["rules"] if isinstance(k, str)}
        plain["rules"] = {key: full[key] for key in full if any(alias in given for alias in _rule_aliases(key))}
    counts, responses = spec.get("counts"), spec.get("responses")
    if (counts is None) == (responses is None):
        raise _error(
            "give the answers either counted per theme (counts) or one by one (responses)",
            path,
            expected="counts: {theme: {priority: n, …}} or responses: [{theme: …, answer: …}, …]",
        )
    aggregate: ParticipationAggregate
    if counts is not None:
        cpath = _join(path, "counts")
        try:
            aggregate = aggregate_counts(counts, rules=rules)
        except ValidationError as exc:
            raise _prefixed(exc, cpath) from None
        plain["counts"] = {
            str(theme).strip(): {_level(level): int(parse_number(n) or 0) for level, n in row.items()}
            for theme, row in counts.items()
        }
    else:
        aggregate, plain["responses"] = _responses(responses, rules, _join(path, "responses"))
    tpath = _join(path, "themes")
    raw_themes = spec.get("themes")
    if not isinstance(raw_themes, Mapping) or not raw_themes:
        raise _error(
            "the themes are not mapped to projects",
            tpath,
            expected="{theme: {fields: [...], tags: [...], projects: [...]}}",
            found=_short(raw_themes),
        )
    themes: dict[str, dict[str, list[str]]] = {}
    for key, value in raw_themes.items():
        theme = _name(key, _join(tpath, key), "a theme")
        thpath = _join(tpath, theme)
        parts = (
            _keys(value, _THEME, thpath, f"the theme '{theme}'") if isinstance(value, Mapping) else {"fields": value}
        )
        mapped = {k: _names(parts.get(k), _join(thpath, k)) for k in ("fields", "tags", "projects")}
        mapped = {k: v for k, v in mapped.items() if v}
        if not mapped:
            raise _error(f"theme '{theme}' is mapped to no field of action, tag or project", thpath)
        if canonical(theme) in {canonical(t) for t in themes}:
            raise _error(f"theme '{theme}' is mapped twice", thpath)
        if canonical(theme) not in {canonical(t) for t in aggregate.themes} and rules.min_responses > 0:
            raise _error(
                f"theme '{theme}' has no answers",
                thpath,
                expected="one of " + ", ".join(aggregate.themes),
                hint="check the spelling against the themes of the answers",
            )
        themes[theme] = mapped
    plain["themes"] = themes
    return ParticipationSpec(criterion, aggregate, themes, rules), plain


def _level(answer: Any) -> str | int:
    """The canonical answer level of a checked counts key: a category name, or a rating."""
    category = _category(answer) if isinstance(answer, str) else None
    if category is not None:
        return category
    number = parse_number(answer)
    assert number is not None  # aggregate_counts checked it
    return int(number)


def _rule_aliases(key: str) -> set[str]:
    return {alias for alias, name in _RULE_KEYS.items() if name == key}


def _responses(data: Any, rules: ParticipationRules, path: str) -> tuple[ParticipationAggregate, list[dict[str, Any]]]:
    if isinstance(data, Mapping) or not isinstance(data, Sequence) or isinstance(data, str) or not data:
        raise _error(
            "the participation answers are missing", path, expected="a list of {theme, answer}", found=_short(data)
        )
    rows: list[dict[str, Any]] = []
    for k, item in enumerate(data):
        entry = _keys(item, _RESPONSE, _join(path, k), "an answer")
        theme = _name(entry.get("theme"), _join(_join(path, k), "theme"), "an answer's theme")
        answer = entry.get("answer")
        if isinstance(answer, bool) or not isinstance(answer, str | int | float) or is_missing(answer):
            raise _error("the answer is missing or not valid", _join(_join(path, k), "answer"), found=_short(answer))
        row: dict[str, Any] = {"theme": theme, "answer": answer.strip() if isinstance(answer, str) else _tidy(answer)}
        if entry.get("respondent") is not None:
            row["respondent"] = _name(entry["respondent"], _join(_join(path, k), "respondent"), "a respondent")
        rows.append(row)
    frame = pd.DataFrame(rows, columns=["theme", "answer", "respondent"])
    try:
        aggregate = aggregate_participation(frame, rules=rules, respondent_column="respondent")
    except ValidationError as exc:
        where = exc.location
        if where.row is not None:  # the frame's row label is the answer's index in the list
            row_path = f"{path}[{where.row}]" + (f".{where.column}" if where.column else "")
            exc = ValidationError(exc.problem, location=Location(path=row_path), expected=exc.expected, found=exc.found)
            raise exc from None
        raise _prefixed(exc, path) from None
    return aggregate, rows


# --------------------------------------------------------------------------- applying a spec to projects
@dataclass(frozen=True, slots=True)
class ProjectView:
    """What the derivation needs of a project."""

    id: str
    field: str
    tags: tuple[str, ...] = ()
    mandatory: bool = False
    earliest_start: int | None = None


@dataclass(frozen=True, slots=True, eq=False)
class Derivation:
    """What a scoring section derives for a portfolio.

    Attributes
    ----------
    weights : Weights or None
        The criterion weights of the declared method (normalised), ``None`` without a weights part.
    apply_weights : bool
        Whether they set the criteria weights (``apply``), or are only reported.
    scores : dict
        Project -> criterion -> score 0 … 5, from raw values and value functions, and the citizen score.
    earliest_start : dict
        Project -> earliest start year from the *later* rule.
    dropped : tuple of str
        Projects of dropped themes.
    effect : ParticipationEffect or None
        The participation effect with its trace.
    """

    weights: Weights | None
    apply_weights: bool
    scores: Mapping[str, Mapping[str, float]]
    earliest_start: Mapping[str, int]
    dropped: tuple[str, ...]
    effect: ParticipationEffect | None
    sources: Mapping[tuple[str, str], str] = field(default_factory=dict)


def derive(spec: ScoringSpec, criteria: Sequence[str], projects: Sequence[ProjectView]) -> Derivation:
    """Apply *spec* to a portfolio's criteria and projects; check every reference.

    Parameters
    ----------
    spec : ScoringSpec
        From :func:`parse_scoring`.
    criteria : sequence of str
        The portfolio's criterion ids.
    projects : sequence of ProjectView
        The portfolio's projects.

    Returns
    -------
    Derivation

    Raises
    ------
    ValidationError
        An unknown criterion, project or theme, weights that leave out a criterion, a mandatory project in a
        dropped theme, or a *later* theme without ``rules.later_start_year``; the path names the key.
    """
    known = set(criteria)
    ids = {p.id for p in projects}
    weights = None
    if spec.weights is not None:
        w = spec.weights
        path = f"{SECTION}.weights"
        unknown = [c for c in w.criteria if c not in known]
        if unknown:
            raise _error(
                f"unknown criterion '{unknown[0]}'",
                path,
                expected="one of " + ", ".join(criteria) if criteria else "a criterion of the portfolio",
            )
        missing = [c for c in criteria if c not in w.criteria]
        if missing:
            raise _error(
                f"the weights leave out the criterion '{missing[0]}'",
                path,
                hint="weigh every criterion of the portfolio (Kriterien)",
            )
        weights = Weights(tuple(criteria), np.array([w.weights[c] for c in criteria]), w.weights.method)
    scores: dict[str, dict[str, float]] = {}
    sources: dict[tuple[str, str], str] = {}
    for cid in spec.value_functions:
        if cid not in known:
            raise _error(f"unknown criterion '{cid}'", f"{SECTION}.value_functions.{cid}", expected=", ".join(criteria))
    for pid, values in spec.raw_values.items():
        ppath = f"{SECTION}.raw_values.{pid}"
        if pid not in ids:
            raise _error(f"unknown project '{pid}'", ppath)
        for cid, value in values.items():
            scores.setdefault(pid, {})[cid] = _score(spec.value_functions[cid], value, f"{ppath}.{cid}")
            sources[(pid, cid)] = f"the raw value {value} through the {spec.value_functions[cid].kind} value function"
    effect = None
    starts: dict[str, int] = {}
    dropped: tuple[str, ...] = ()
    if spec.participation is not None:
        part = spec.participation
        ppath = f"{SECTION}.participation"
        if part.criterion not in known:
            raise _error(f"unknown criterion '{part.criterion}'", f"{ppath}.criterion", expected=", ".join(criteria))
        for theme, mapped in part.themes.items():
            for k, pid in enumerate(mapped.get("projects", ())):
                if pid not in ids:
                    raise _error(f"unknown project '{pid}'", f"{ppath}.themes.{theme}.projects[{k}]")
        try:
            effect = apply_participation(projects, part.aggregate, part.themes, part.rules)
        except ValidationError as exc:
            path = exc.location.path or ""
            if path.startswith("mapping"):
                exc = _prefixed(exc, f"{ppath}.themes", strip="mapping")
            elif path:
                exc = _prefixed(exc, f"{ppath}.rules")
            else:
                exc = _prefixed(exc, ppath)
            raise exc from None
        for label, value in effect.citizen.items():
            pid = str(label)
            if math.isfinite(value):
                scores.setdefault(pid, {})
                if part.criterion in scores[pid]:
                    raise _error(
                        f"project '{pid}': the criterion '{part.criterion}' comes from raw values and from "
                        "participation",
                        f"{SECTION}.raw_values.{pid}.{part.criterion}",
                    )
                scores[pid][part.criterion] = round(float(value), SCORE_DECIMALS) + 0.0
                rows = effect.changes[(effect.changes["project"] == pid) & (effect.changes["rule"] == "citizen score")]
                themes = ", ".join(f"'{t}'" for t in rows["theme"] if t)
                sources[(pid, part.criterion)] = (
                    f"the participation (themes {themes})" if themes else "the participation"
                )
        starts = dict(effect.earliest_start)
        dropped = effect.dropped
    apply = spec.weights.apply if spec.weights else False
    return Derivation(weights, apply, scores, starts, dropped, effect, sources)
