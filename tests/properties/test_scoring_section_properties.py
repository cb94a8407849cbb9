"""Properties of the ``scoring`` input section: read(write(x)) == x in every format, and fuzzed input.

Round trip: a random portfolio gets a random scoring section (weights by any method, a value function with raw
values, participation counts with themes); the values the section derives are removed from the portfolio's own
data first, so the portfolio read is the section's. Fuzz: a valid section, one part replaced by junk, through the
YAML/JSON reader; and a written workbook and CSV folder, one cell of a scoring sheet replaced. Every case must
read or raise the library's own error, located.
"""

from __future__ import annotations

import copy
import csv
import tempfile
import warnings
from pathlib import Path
from typing import Any

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kommunal_planner as kp
from kommunal_planner.errors import KommunalPlannerError, ValidationError
from kommunal_planner.io import portfolio_from_dict, portfolio_to_dict, read
from kommunal_planner.testing import FIELDS, TAGS, portfolios

_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]

_FUNCTIONS: list[dict[str, Any]] = [
    {"kind": "linear", "worst": 0, "best": 100},
    {"kind": "linear", "worst": 80, "best": 5},
    {"kind": "step", "thresholds": [10, 50], "scores": [0, 2.5, 5]},
    {"kind": "piecewise", "points": [[0, 0], [30, 4], [100, 5]]},
    {"kind": "categorical", "categories": {"ja": 5, "nein": 0}, "default": 1},
]


@st.composite
def scored_dicts(draw: Any) -> dict[str, Any]:
    """The dict form of a random portfolio with a random scoring section that fits it."""
    data = portfolio_to_dict(draw(portfolios(max_projects=5, max_programmes=1)))
    criteria = [c["id"] for c in data["criteria"]]
    section: dict[str, Any] = {}
    function = copy.deepcopy(draw(st.sampled_from(_FUNCTIONS)))
    target = criteria[0]
    section["value_functions"] = {target: function}
    raw: dict[str, Any] = {}
    for project in data["projects"]:
        if draw(st.booleans()):
            value = (
                draw(st.sampled_from(["ja", "nein", "vielleicht"]))
                if function["kind"] == "categorical"
                else draw(st.integers(0, 100) | st.floats(0, 100, allow_nan=False).map(lambda x: round(x, 3)))
            )
            raw[project["id"]] = {target: value}
            project["scores"].pop(target, None)
    if raw:
        section["raw_values"] = raw
    if len(criteria) > 1:
        citizen = criteria[1]
        counts = {}
        for theme in ("Portal", "Schule"):
            row = {c: draw(st.integers(0, 30)) for c in ("priority", "important", "later", "dropped")}
            row["important"] += 1
            counts[theme] = row
        themes = {
            "Portal": {"fields": draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=2, unique=True))},
            "Schule": {"tags": draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=2, unique=True))},
        }
        rules: dict[str, Any] = {"later_start_year": 2026, "unmatched_score": draw(st.integers(0, 5))}
        if draw(st.booleans()):
            rules["drop_share"] = draw(st.sampled_from([0.3, 0.5, 0.9]))
        if draw(st.booleans()):
            rules["basis"] = "lower_bound"
        section["participation"] = {"criterion": citizen, "counts": counts, "themes": themes, "rules": rules}
        for project in data["projects"]:
            project["scores"].pop(citizen, None)
            project.pop("earliest_start", None)
            project.pop("deadline", None)
    method = draw(st.sampled_from(["direct", "swing", "rank", "ahp"] if len(criteria) > 1 else ["direct", "swing"]))
    weights: dict[str, Any] = {"method": method, "apply": draw(st.booleans())}
    if method in ("direct", "swing"):
        weights["values"] = {c: draw(st.integers(1, 100)) for c in criteria}
    elif method == "rank":
        weights["ranking"] = draw(st.permutations(criteria))
    else:
        scale = st.sampled_from([1, 2, 3, "1/2", "1/3", 5])
        weights["comparisons"] = [
            {"a": a, "b": b, "value": draw(scale)} for i, a in enumerate(criteria) for b in criteria[i + 1 :]
        ]
    section["weights"] = weights
    if weights["apply"]:
        for c in data["criteria"]:
            c.pop("weight", None)
    for project in data["projects"]:
        if not project.get("scores"):
            project.pop("scores", None)
    data["scoring"] = section
    return data


@settings(max_examples=25, deadline=None, suppress_health_check=_HEALTH)
@given(scored_dicts(), st.sampled_from([".yaml", ".json", ".xlsx", ""]))
def test_read_write_round_trip_with_a_scoring_section(data: dict[str, Any], suffix: str) -> None:
    pf = portfolio_from_dict(data)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / f"pf{suffix}"
        kp.write(pf, target)
        back = read(target)
    assert back == pf
    assert back.sections["scoring"] == pf.sections["scoring"]


# --------------------------------------------------------------------------- fuzz: YAML/JSON
BASE: dict[str, Any] = {
    "name": "Fuzzstadt",
    "horizon": {"start": 2026, "years": 3},
    "budget": 500_000,
    "criteria": [{"id": "citizen"}, {"id": "economy"}],
    "projects": [
        {"id": "p1", "field": "administration", "cost": 10_000},
        {"id": "p2", "field": "mobility", "cost": 20_000, "tags": ["pilot"], "scores": {"economy": 2}},
    ],
    "scoring": {
        "weights": {"method": "ahp", "comparisons": [["citizen", "economy", 3]]},
        "value_functions": {"economy": {"kind": "linear", "worst": 0, "best": 10}},
        "raw_values": {"p1": {"economy": 4}},
        "participation": {
            "counts": {"Portal": {"priority": 5, "important": 3}, "Mobil": {"later": 2, "important": 4}},
            "themes": {"Portal": {"fields": ["administration"]}, "Mobil": {"tags": ["pilot"]}},
            "rules": {"later_start_year": 2027},
        },
    },
}
JUNK = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(["1/0", "0/0", "1/3", "nan", "-1", "ja", "citizen", "p1", "Portal", "später", "1e999"]),
    st.lists(st.integers(0, 3), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for k, value in enumerate(node):
            out += _paths(value, (*prefix, k))
    return out


_SECTION_PATHS = [p for p in _paths(BASE["scoring"]) if p]


def _set(node: Any, path: tuple[Any, ...], value: Any, mode: str) -> None:
    *head, last = path
    for key in head:
        node = node[key]
    if mode == "delete":
        del node[last]
    elif mode == "extra-key" and isinstance(node, dict):
        node[f"{last}_x"] = value
    else:
        node[last] = value


def _assert_located(exc: KommunalPlannerError) -> None:
    assert str(exc), "an error without a message"
    if isinstance(exc, ValidationError):
        where = exc.location
        assert where.path or where.file or where.item, f"an error without a location: {exc}"


@settings(max_examples=300, deadline=None, suppress_health_check=_HEALTH)
@given(st.sampled_from(_SECTION_PATHS), JUNK, st.sampled_from(["replace", "delete", "extra-key"]))
def test_fuzzed_section_reads_or_raises_a_located_library_error(path: tuple[Any, ...], junk: Any, mode: str) -> None:
    data = copy.deepcopy(BASE)
    _set(data["scoring"], path, junk, mode)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            portfolio_from_dict(data, source="fuzz.yaml")
    except KommunalPlannerError as exc:
        _assert_located(exc)


# --------------------------------------------------------------------------- fuzz: workbook and CSV folder
_SHEETS = ["Bewertung", "Paarvergleich", "Wertfunktionen", "Rohwerte", "Beteiligung", "Themen"]
CELLS = st.one_of(
    st.none(),
    st.sampled_from(["", "x", "nan", "-3", "1/0", "1,5", "1.234,5", "#DIV/0!", "ja", "p9", "Gewicht", "Portal"]),
    st.integers(-5, 50),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
)


def _tables_base(tmp: Path) -> tuple[Path, Path]:
    pf = portfolio_from_dict(copy.deepcopy(BASE))
    kp.write(pf, tmp / "base.xlsx")
    kp.write(pf, tmp / "base")
    return tmp / "base.xlsx", tmp / "base"


@settings(max_examples=120, deadline=None, suppress_health_check=_HEALTH)
@given(st.sampled_from(_SHEETS), st.integers(1, 6), st.integers(1, 5), CELLS, st.booleans())
def test_fuzzed_scoring_tables_read_or_raise_a_located_error(
    sheet: str, row: int, column: int, value: Any, as_csv: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        workbook, folder = _tables_base(tmp)
        if as_csv:
            path = folder / f"{sheet.lower()}.csv"
            rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
            while len(rows) < row:
                rows.append([])
            while len(rows[row - 1]) < column:
                rows[row - 1].append("")
            rows[row - 1][column - 1] = "" if value is None else str(value)
            with path.open("w", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerows(rows)
            target = folder
        else:
            wb = openpyxl.load_workbook(workbook)
            wb[sheet].cell(row, column).value = value
            wb.save(workbook)
            target = workbook
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                read(target)
        except KommunalPlannerError as exc:
            _assert_located(exc)
            if isinstance(exc, ValidationError):
                assert exc.location.file, f"no file named: {exc}"
