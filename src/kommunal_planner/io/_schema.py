"""The JSON Schema of the input, generated from the model's dataclasses so it cannot drift from them."""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any

from kommunal_planner.io._sections import registered_sections
from kommunal_planner.model import (
    Criterion,
    Eligibility,
    Focus,
    FundingProgramme,
    Horizon,
    Pool,
    Portfolio,
    Project,
)

__all__ = ["input_schema"]

_DOC: dict[str, str] = {
    "Portfolio.name": "Name of the municipality or portfolio.",
    "Portfolio.description": "Free text shown in reports.",
    "Portfolio.horizon": "Planning horizon: `years` calendar years from `start`.",
    "Portfolio.budget": "Own funds per year [EUR]: one number for every year, or a mapping covering every year.",
    "Portfolio.staff_capacity": "Person-days per year; a number, or a mapping where a missing year is unlimited.",
    "Portfolio.financially_weak": "Haushaltsnotlage: programmes with rate_weak pay that rate instead.",
    "Portfolio.discount_rate": "Discount rate of the time-weighted objective; 0 = none.",
    "Portfolio.focus": "Focus areas: at most `max_fields` fields of action in the plan.",
    "Project.cost": "Investment per project year [EUR]; a single number is a total spread evenly.",
    "Project.operating_cost": "Running cost per year after completion [EUR/year]; never eligible for grants.",
    "Project.staff_days": "Staff effort per project year [person-days]; a single number is a total spread evenly.",
    "Project.scores": "Criterion id to a score 0..5.",
    "Project.benefit": "Benefit points given directly (scores may then be omitted).",
    "Project.deadline": "Last year in which the project may still run.",
    "Project.requires": "Project ids that must be finished before this one starts.",
    "Project.mandatory": "A must-do (e.g. a legal duty such as the OZG).",
    "Project.exclusive_group": "At most one project of a group is selected (variants of one idea).",
    "FundingProgramme.rate": "Share of the investment paid as grant, in (0, 1].",
    "FundingProgramme.rate_weak": "Rate paid instead when financially_weak.",
    "FundingProgramme.max_grant": "Per-project cap of the grant [EUR].",
    "FundingProgramme.min_grant": "Bagatellgrenze: smaller grants are not paid [EUR].",
    "FundingProgramme.pot": "All grants of the programme together [EUR].",
    "FundingProgramme.windows": "Years in which a funded project may start (absent = any).",
    "FundingProgramme.approval_probability": "Chance an application is approved (Monte Carlo).",
    "FundingProgramme.eligible": "Eligible by field of action, project id or tag (any one suffices).",
    "Portfolio.pools": "Resource pools of the roadmap (IT department, specialist office, external provider).",
    "Project.duration_quarters": "Duration in quarters for the roadmap, 1 … 4 × duration (default 4 × duration).",
    "Project.pools": "Pool id to the share of the staff need it carries; the shares sum to 1.",
    "Pool.capacity": "Person-days per quarter: a number, or a mapping of year or quarter ('2027-Q3') to a number.",
    "Pool.share": "Without capacity: this share of staff_capacity, ÷ 4 per quarter.",
}

_REQUIRED = {
    "Portfolio": ["name", "horizon", "budget", "projects"],
    "Project": ["id"],
    "FundingProgramme": ["id", "rate"],
    "Criterion": ["id"],
    "Horizon": ["start", "years"],
    "Pool": ["id"],
}

_FLEX = {  # fields that accept a number or a list/mapping in files
    ("Project", "cost"),
    ("Project", "staff_days"),
    ("Portfolio", "budget"),
    ("Portfolio", "staff_capacity"),
    ("Pool", "capacity"),
}


def _type_schema(tp: Any) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        schemas = [_type_schema(a) for a in inner]
        if type(None) in args:
            schemas.append({"type": "null"})
        return schemas[0] if len(schemas) == 1 else {"anyOf": schemas}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is str:
        return {"type": "string"}
    if origin is tuple:
        return {"type": "array", "items": _type_schema(args[0]) if args else {}}
    if origin in (Mapping, dict, typing.Mapping) or (isinstance(origin, type) and issubclass(origin, Mapping)):
        return {"type": "object", "additionalProperties": _type_schema(args[1]) if len(args) == 2 else {}}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return {"$ref": f"#/$defs/{tp.__name__}"}
    return {}


def _class_schema(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    props: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name.startswith("_"):
            continue
        schema = _type_schema(hints[f.name])
        if (cls.__name__, f.name) in _FLEX:
            if f.name in ("budget", "staff_capacity", "capacity"):
                schema = {
                    "anyOf": [
                        {"type": "number", "minimum": 0},
                        {"type": "object", "additionalProperties": {"type": "number", "minimum": 0}},
                    ]
                }
            else:
                schema = {
                    "anyOf": [
                        {"type": "number", "minimum": 0},
                        {"type": "array", "items": {"type": "number", "minimum": 0}},
                    ]
                }
        doc = _DOC.get(f"{cls.__name__}.{f.name}")
        if doc:
            schema = {**schema, "description": doc}
        props[f.name] = schema
    out: dict[str, Any] = {"type": "object", "properties": props, "additionalProperties": False}
    if cls.__name__ in _REQUIRED:
        out["required"] = _REQUIRED[cls.__name__]
    return out


def input_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a portfolio file, generated from the model.

    Examples
    --------
    >>> schema = input_schema()
    >>> schema["required"], "Project" in schema["$defs"]
    (['name', 'horizon', 'budget', 'projects'], True)
    """
    defs = {
        cls.__name__: _class_schema(cls)
        for cls in (Horizon, Criterion, Eligibility, FundingProgramme, Project, Focus, Pool)
    }
    top = _class_schema(Portfolio)
    # ``Portfolio.sections`` is not a key of the file: each registered section is one, checked by its layer
    del top["properties"]["sections"]
    for section in registered_sections():
        entry: dict[str, Any] = dict(section.schema) if section.schema else {"type": ["object", "array"]}
        if section.description:
            entry.setdefault("description", section.description)
        top["properties"][section.key] = entry
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://kommunal-planner.invalid/schema/portfolio.json",
        "title": "kommunal_planner portfolio",
        **top,
        "$defs": defs,
    }
