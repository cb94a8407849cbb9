"""The generated JSON Schema accepts the files the readers accept and rejects what they reject at the top level."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

import kommunal_planner as kp
from kommunal_planner.io._schema import input_schema

jsonschema = pytest.importorskip("jsonschema")


def _validator() -> Any:
    schema = input_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _as_json(data: Any) -> Any:
    """YAML gives int keys for years; a JSON file has strings there."""
    return json.loads(json.dumps(data))


def test_the_example_with_its_sections_is_valid(example_path: Path) -> None:
    data = _as_json(yaml.safe_load(example_path.read_text(encoding="utf-8")))
    errors = [e.message for e in _validator().iter_errors(data)]
    assert errors == []


def test_every_registered_section_is_a_top_level_property_and_sections_is_not() -> None:
    props = input_schema()["properties"]
    assert "sections" not in props
    from kommunal_planner.io._sections import registered_sections

    keys = {s.key for s in registered_sections()}
    assert {"scoring", "scenarios"} <= keys <= set(props)


def test_written_portfolio_is_valid_and_unknown_key_is_not(small: kp.Portfolio, tmp_path: Path) -> None:
    target = tmp_path / "pf.json"
    kp.write(small, target)
    data = json.loads(target.read_text(encoding="utf-8"))
    validator = _validator()
    assert list(validator.iter_errors(data)) == []
    data["budgett"] = 1
    assert not validator.is_valid(data)
    with pytest.raises(kp.ValidationError, match="unknown key 'budgett'"):
        kp.io.portfolio_from_dict(data)
