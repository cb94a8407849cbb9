"""YAML and JSON files of a portfolio: ``read_*``, ``parse_*`` and ``write_*``.

YAML is loaded safely (no object tags) and a key given twice in one mapping is an error, not silently overwritten.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

from kommunal_planner.errors import DataFormatError, Location
from kommunal_planner.io._atomic import write_text_atomic
from kommunal_planner.io._dict import portfolio_from_dict, portfolio_to_dict
from kommunal_planner.model import Portfolio

__all__ = ["parse_json", "parse_yaml", "read_json", "read_text", "read_yaml", "write_json", "write_yaml"]


_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser where libyaml is present


class _StrictLoader(_Base):
    """A safe loader that rejects a key given twice in one mapping."""


def _mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value", key_node.start_mark
            ) from None
        if key in out:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key '{key}' is given twice in one mapping", key_node.start_mark
            )
        out[key] = loader.construct_object(value_node, deep=deep)
    return out


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read_text(path: str | os.PathLike[str]) -> str:
    """Read a text file as UTF-8 (with or without BOM), falling back to cp1252; errors name the file."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise DataFormatError("no such file", location=Location(file=str(p))) from None
    except IsADirectoryError:
        raise DataFormatError("is a folder, expected a file", location=Location(file=str(p))) from None
    except OSError as exc:
        raise DataFormatError(f"cannot be read ({exc.strerror})", location=Location(file=str(p))) from None
    if b"\x00" in raw[:4096]:
        raise DataFormatError("is not a text file (it contains binary data)", location=Location(file=str(p)))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def parse_yaml(text: str, *, source: str | None = None) -> Portfolio:
    """Parse a portfolio from YAML text.

    Examples
    --------
    >>> pf = parse_yaml('''
    ... name: Mini
    ... horizon: {start: 2026, years: 1}
    ... budget: 1000
    ... projects: [{id: a, benefit: 10, cost: 500}]
    ... ''')
    >>> pf.name, len(pf.projects)
    ('Mini', 1)
    """
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise DataFormatError(
            f"not valid YAML ({where}{exc.problem or exc.context})", location=Location(file=source)
        ) from None
    except yaml.YAMLError as exc:
        raise DataFormatError(f"not valid YAML ({exc})", location=Location(file=source)) from None
    except RecursionError:
        raise DataFormatError("not valid YAML (nested too deeply)", location=Location(file=source)) from None
    except (ValueError, OverflowError) as exc:  # e.g. an integer of thousands of digits
        raise DataFormatError(f"not valid YAML ({exc})", location=Location(file=source)) from None
    if data is None:
        raise DataFormatError("the file is empty", location=Location(file=source))
    return portfolio_from_dict(data, source=source)


def parse_json(text: str, *, source: str | None = None) -> Portfolio:
    """Parse a portfolio from JSON text (year keys may be strings, as JSON requires)."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise DataFormatError(f"the key '{key}' is given twice in one object", location=Location(file=source))
            out[key] = value
        return out

    if not text.strip():
        raise DataFormatError("the file is empty", location=Location(file=source))
    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise DataFormatError(
            f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})",
            location=Location(file=source),
        ) from None
    except RecursionError:
        raise DataFormatError("not valid JSON (nested too deeply)", location=Location(file=source)) from None
    except ValueError as exc:
        raise DataFormatError(str(exc), location=Location(file=source)) from None
    return portfolio_from_dict(data, source=source)


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def read_yaml(path: str | os.PathLike[str]) -> Portfolio:
    """Read a portfolio from a YAML file."""
    return parse_yaml(read_text(path), source=str(path))


def read_json(path: str | os.PathLike[str]) -> Portfolio:
    """Read a portfolio from a JSON file."""
    return parse_json(read_text(path), source=str(path))


def _represent_float(dumper: yaml.SafeDumper, value: float) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:float", repr(value))


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(float, _represent_float)


def dump_yaml(portfolio: Portfolio) -> str:
    """The YAML text of *portfolio*."""
    return yaml.dump(
        portfolio_to_dict(portfolio),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=110,
    )


def dump_json(portfolio: Portfolio) -> str:
    """The JSON text of *portfolio*."""
    return json.dumps(portfolio_to_dict(portfolio), ensure_ascii=False, indent=2) + "\n"


def write_yaml(portfolio: Portfolio, path: str | os.PathLike[str]) -> None:
    """Write *portfolio* as YAML, atomically."""
    write_text_atomic(path, dump_yaml(portfolio))


def write_json(portfolio: Portfolio, path: str | os.PathLike[str]) -> None:
    """Write *portfolio* as JSON, atomically."""
    write_text_atomic(path, dump_json(portfolio))
