"""Fuzzing the readers: valid files, mutated, through ``kommunal_planner.io.read``.

Every case must either read or raise a :class:`~kommunal_planner.errors.KommunalPlannerError`; any other exception
escaping is a failure that hypothesis shrinks to a small example. Mutations: wrong types in cells, missing,
extra and doubled columns, empty and missing sheets, unknown ids, dependency cycles, NaN, infinity and huge
numbers, formulas without results, other encodings, truncated files, random bytes under a known suffix, empty
files. :data:`CASES` counts the cases tried per format; :data:`OUTCOMES` how they ended.
"""

from __future__ import annotations

import csv
import io
import json
import math
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kommunal_planner.errors import KommunalPlannerError
from kommunal_planner.io import parse_json, parse_yaml, portfolio_to_dict, read, write_csv_folder, write_excel
from kommunal_planner.model import Criterion, Eligibility, Focus, FundingProgramme, Horizon, Portfolio, Project

CASES: Counter[str] = Counter()
OUTCOMES: Counter[tuple[str, str]] = Counter()

_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]


def _base() -> Portfolio:
    """A small portfolio that uses every table and column."""
    return Portfolio(
        name="Fuzzstadt",
        description="Basis für Mutationen",
        horizon=Horizon(2026, 5),
        budget={2026: 300_000, 2027: 250_000.5, 2028: 280_000, 2029: 1e6, 2030: 0},
        staff_capacity={2026: 200, 2028: 150},
        discount_rate=0.02,
        focus=Focus(2),
        criteria=(Criterion("citizen", "Bürger", 0.6), Criterion("urgency", "Dringlichkeit", 0.4)),
        programmes=(
            FundingProgramme(
                "f1",
                "Land",
                rate=0.8,
                rate_weak=0.9,
                max_grant=50_000,
                min_grant=2_500,
                pot=90_000,
                windows=(2026, 2027),
                approval_probability=0.7,
                eligible=Eligibility(fields=("administration",), projects=("p3",), tags=("pilot",)),
            ),
            FundingProgramme("f2", rate=0.5),
        ),
        projects=(
            Project(
                "p1",
                "Portal",
                "administration",
                2,
                cost=(60_000, 40_000),
                staff_days=(50, 20),
                scores={"citizen": 4, "urgency": 5},
                tags=("ozg",),
                operating_cost=5_000,
            ),
            Project(
                "p2",
                "Breitband",
                "broadband",
                1,
                cost=120_000,
                benefit=70,
                requires=("p1",),
                exclusive_group="g",
                earliest_start=2027,
                deadline=2028,
            ),
            Project(
                "p3",
                "Schule",
                "education",
                2,
                cost=(10_000, 30_000.25),
                scores={"citizen": 2, "urgency": 1},
                requires=("p2",),
                tags=("pilot", "school"),
                latest_start=2029,
                description="mit\nUmbruch",
            ),
        ),
    )


BASE = _base()
PROJECT_IDS = [p.id for p in BASE.projects]

INTERESTING = [
    "",
    "   ",
    "0",
    "-1",
    "1.234,56",
    "20.000",
    "12 %",
    "1e5",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e999",
    "1e308",
    "9" * 30,
    "ca. 20T€",
    "ja",
    "nein",
    "x",
    "vielleicht",
    "2026, 2027",
    "2026; 1800",
    "1900",
    "99999999999",
    "a, b",
    "p1",
    "p2",
    "p3",
    "p1, p3",
    "f1",
    "citizen",
    "#DIV/0!",
    "#N/A",
    "=1/0",
    "=A1+1",
    "\ufeff",
    "ä,ö;ü",
    "Kosten Jahr 2",
    "Bewertung citizen",
    "Bewertung nix",
    "ID",
    "Name",
    "Projekte",
    "Allgemein",
]
_SAFE_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)


def _attempt(fmt: str, path: Path) -> None:
    CASES[fmt] += 1
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            read(path)
    except KommunalPlannerError as exc:
        assert str(exc), "an error without a message"
        OUTCOMES[fmt, type(exc).__name__] += 1
    else:
        OUTCOMES[fmt, "read"] += 1


def _bytes_op() -> st.SearchStrategy[Callable[[bytes], bytes]]:
    """Damage a file's bytes: truncate, flip, replace by random bytes or text, empty it."""
    truncate = st.floats(0, 1).map(lambda f: lambda b: b[: int(len(b) * f)])
    flip = st.tuples(st.floats(0, 1), st.integers(1, 255)).map(
        lambda a: (
            lambda b: (
                b
                if not b
                else b[: int(len(b) * a[0]) % len(b)]
                + bytes([b[int(len(b) * a[0]) % len(b)] ^ a[1]])
                + b[int(len(b) * a[0]) % len(b) + 1 :]
            )
        )
    )
    random = st.binary(max_size=300).map(lambda r: lambda b: r)
    text = st.sampled_from([b"", b"ID;Name\n1;2\n", b"name: x\n", b'{"a": 1}', b"PK\x03\x04broken"]).map(
        lambda t: lambda b: t
    )
    return st.one_of(truncate, flip, random, text)


# --------------------------------------------------------------------------- xlsx
def _xlsx_bytes() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        write_excel(BASE, Path(tmp) / "base.xlsx")
        return (Path(tmp) / "base.xlsx").read_bytes()


_XLSX = _xlsx_bytes()


_CELL_VALUES = st.one_of(
    st.none(),
    st.integers(-(10**25), 10**25),
    st.floats(allow_nan=True, allow_infinity=True),
    _SAFE_TEXT,
    st.booleans(),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2200, 1, 1)),
    st.sampled_from(INTERESTING),
)
_SHEETS = ["Allgemein", "Haushalt", "Kriterien", "Förderprogramme", "Projekte"]


def _xlsx_ops() -> st.SearchStrategy[list[tuple[Any, ...]]]:
    sheet = st.sampled_from(_SHEETS)
    cell = st.tuples(st.just("cell"), sheet, st.integers(1, 6), st.integers(1, 22), _CELL_VALUES)
    header = st.tuples(st.just("cell"), sheet, st.just(1), st.integers(1, 22), st.sampled_from(INTERESTING))
    delete_col = st.tuples(st.just("delete_col"), sheet, st.integers(1, 22))
    insert_col = st.tuples(st.just("insert_col"), sheet, st.integers(1, 22), _CELL_VALUES)
    delete_rows = st.tuples(st.just("delete_rows"), sheet, st.integers(1, 6), st.integers(1, 6))
    remove = st.tuples(st.just("remove_sheet"), sheet)
    rename = st.tuples(st.just("rename_sheet"), sheet, st.sampled_from(["Projects", "Budget", "x", "Kriterien"]))
    add = st.tuples(st.just("add_sheet"), st.sampled_from(["Notizen", "Projects", "Settings", "Erläuterungen"]))
    cycle = st.tuples(st.just("cycle"))
    return st.lists(
        st.one_of(cell, cell, header, delete_col, insert_col, delete_rows, remove, rename, add, cycle),
        min_size=1,
        max_size=4,
    )


def _apply_xlsx(ops: list[tuple[Any, ...]]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(_XLSX))
    for op in ops:
        kind, *args = op
        if kind == "add_sheet":
            wb.create_sheet(args[0])
            continue
        if kind == "cycle":
            ws = wb["Projekte"] if "Projekte" in wb.sheetnames else None
            if ws is not None:
                col = (
                    [c.value for c in ws[1]].index("Voraussetzungen") + 1
                    if "Voraussetzungen" in [c.value for c in ws[1]]
                    else 1
                )
                ws.cell(2, col, "p3")
            continue
        if args[0] not in wb.sheetnames:
            continue
        ws = wb[args[0]]
        if kind == "cell":
            row, col, value = args[1:]
            try:
                ws.cell(row, col, value)
            except (ValueError, TypeError):  # a value openpyxl itself refuses to store
                continue
        elif kind == "delete_col":
            ws.delete_cols(args[1])
        elif kind == "insert_col":
            ws.insert_cols(args[1])
            try:
                ws.cell(1, args[1], args[2])
            except (ValueError, TypeError):
                continue
        elif kind == "delete_rows":
            ws.delete_rows(args[1], args[2])
        elif kind == "remove_sheet":
            wb.remove(ws)
        elif kind == "rename_sheet" and args[1] not in wb.sheetnames:
            ws.title = args[1]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@settings(max_examples=220, suppress_health_check=_HEALTH)
@given(ops=_xlsx_ops(), damage=st.one_of(st.none(), st.none(), st.none(), _bytes_op()))
def _fuzz_xlsx(ops: list[tuple[Any, ...]], damage: Callable[[bytes], bytes] | None, tmp_path: Path) -> None:
    data = _apply_xlsx(ops)
    if damage is not None:
        data = damage(data)
    path = tmp_path / "fuzz.xlsx"
    path.write_bytes(data)
    _attempt("xlsx", path)


def test_fuzz_xlsx(tmp_path: Path) -> None:
    _fuzz_xlsx(tmp_path=tmp_path)
    assert CASES["xlsx"] >= 200


# --------------------------------------------------------------------------- csv
def _csv_base(dialect: str) -> dict[str, bytes]:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "pf"
        write_csv_folder(BASE, target, dialect=dialect)  # type: ignore[arg-type]
        return {f.name: f.read_bytes() for f in target.iterdir()}


_CSV_BASES = {d: _csv_base(d) for d in ("default", "de")}
_FILES = sorted(_CSV_BASES["default"])


def _csv_ops() -> st.SearchStrategy[list[tuple[Any, ...]]]:
    name = st.sampled_from(_FILES)
    value = st.one_of(st.text(max_size=12), st.sampled_from(INTERESTING))
    cell = st.tuples(st.just("cell"), name, st.integers(0, 5), st.integers(0, 22), value)
    delete_col = st.tuples(st.just("delete_col"), name, st.integers(0, 22))
    add_col = st.tuples(st.just("add_col"), name, value)
    remove = st.tuples(st.just("remove"), name)
    empty = st.tuples(st.just("empty"), name)
    encode = st.tuples(st.just("encode"), name, st.sampled_from(["cp1252", "utf-16", "latin-1", "utf-8-sig"]))
    damage = st.tuples(st.just("damage"), name, _bytes_op())
    huge = st.tuples(st.just("huge_field"), name)
    extra = st.tuples(st.just("extra_file"), st.sampled_from(["notes.csv", "projects.csv", "x.txt", "Projekte.CSV"]))
    return st.lists(
        st.one_of(cell, cell, delete_col, add_col, remove, empty, encode, damage, huge, extra), min_size=1, max_size=4
    )


def _rows(data: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


def _dump(rows: list[list[str]], delimiter: str) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8")


def _apply_csv(dialect: str, ops: list[tuple[Any, ...]]) -> dict[str, bytes]:
    files = dict(_CSV_BASES[dialect])
    delimiter = ";" if dialect == "de" else ","
    raw: set[str] = set()  # files whose bytes no longer decode as the writer's text
    for kind, target, *args in ops:
        if kind == "extra_file":
            files[target] = files.get("projekte.csv", b"ID\nq\n")
            continue
        if target not in files:
            continue
        if kind in ("cell", "delete_col", "add_col") and target not in raw:
            rows = _rows(files[target], delimiter)
            if kind == "cell":
                r, c, v = args
                while len(rows) <= r:
                    rows.append([])
                while len(rows[r]) <= c:
                    rows[r].append("")
                rows[r][c] = v
            elif kind == "delete_col":
                rows = [row[: args[0]] + row[args[0] + 1 :] for row in rows]
            else:
                rows = [[*row, args[0] if i == 0 else "1"] for i, row in enumerate(rows)]
            files[target] = _dump(rows, delimiter)
        elif kind == "remove":
            del files[target]
        elif kind == "empty":
            files[target] = b""
        elif kind == "encode" and target not in raw:
            text = files[target].decode("utf-8-sig")
            files[target] = text.encode(args[0], errors="replace")
            raw.add(target)
        elif kind == "damage":
            files[target] = args[0](files[target])
            raw.add(target)
        elif kind == "huge_field":  # beyond the csv module's field size limit
            files[target] += b'"' + b"x" * 200_000 + b'"\n'
            raw.add(target)
    return files


@settings(max_examples=400, suppress_health_check=_HEALTH)
@given(dialect=st.sampled_from(["default", "de"]), ops=_csv_ops())
def _fuzz_csv(dialect: str, ops: list[tuple[Any, ...]], tmp_path: Path) -> None:
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    for name, data in _apply_csv(dialect, ops).items():
        (folder / name).write_bytes(data)
    _attempt("csv", folder)


def test_fuzz_csv(tmp_path: Path) -> None:
    _fuzz_csv(tmp_path=tmp_path)
    assert CASES["csv"] >= 350


# --------------------------------------------------------------------------- yaml and json
# Huge integers and floats are kept out of the random values; the tests below pin their handling.
_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**62), 2**62),
    st.floats(min_value=-1e18, max_value=1e18) | st.sampled_from([math.nan, math.inf, -math.inf]),
    st.text(max_size=10),
    st.sampled_from(INTERESTING),
    st.dates(),
)
_VALUE = st.recursive(
    _LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


_DICT = portfolio_to_dict(BASE)
_DICT_PATHS = _paths(_DICT)[1:]


def _dict_ops() -> st.SearchStrategy[list[tuple[Any, ...]]]:
    path = st.sampled_from(_DICT_PATHS)
    set_value = st.tuples(st.just("set"), path, _VALUE)
    delete = st.tuples(st.just("delete"), path)
    add_key = st.tuples(st.just("add"), path, st.sampled_from(["colour", "kosten", "id", "Projekte", "2026"]), _VALUE)
    ids = st.tuples(
        st.just("set"),
        st.sampled_from([p for p in _DICT_PATHS if "requires" in p or "projects" in p]),
        st.sampled_from(["p1", "p2", "p3", "nix", ["p3"], ["p1", "p1"]]),
    )
    return st.lists(st.one_of(set_value, set_value, delete, add_key, ids), min_size=1, max_size=4)


def _apply_dict(ops: list[tuple[Any, ...]]) -> Any:
    data: Any = json.loads(json.dumps(_DICT))
    for kind, path, *args in ops:
        parent: Any = data
        try:
            for key in path[:-1]:
                parent = parent[key]
            last = path[-1]
            if kind == "set":
                parent[last] = args[0]
            elif kind == "delete":
                del parent[last]
            elif isinstance(parent[last], dict):
                parent[last][args[0]] = args[1]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier operation removed or replaced this path
    return data


def _text_format(fmt: str, data: Any) -> bytes:
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")
    return json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")


def _fuzz_text(
    fmt: str, ops: list[tuple[Any, ...]], damage: Callable[[bytes], bytes] | None, encoding: str | None, tmp_path: Path
) -> None:
    data = _text_format(fmt, _apply_dict(ops))
    if encoding is not None:
        data = data.decode("utf-8").encode(encoding, errors="replace")
    if damage is not None:
        data = damage(data)
    path = tmp_path / f"fuzz.{fmt}"
    path.write_bytes(data)
    _attempt(fmt, path)


_ENCODINGS = st.one_of(st.none(), st.sampled_from(["cp1252", "utf-16", "utf-8-sig"]))


@settings(max_examples=300, suppress_health_check=_HEALTH)
@given(ops=_dict_ops(), damage=st.one_of(st.none(), st.none(), _bytes_op()), encoding=_ENCODINGS)
def _fuzz_yaml(
    ops: list[tuple[Any, ...]], damage: Callable[[bytes], bytes] | None, encoding: str | None, tmp_path: Path
) -> None:
    _fuzz_text("yaml", ops, damage, encoding, tmp_path)


@settings(max_examples=300, suppress_health_check=_HEALTH)
@given(ops=_dict_ops(), damage=st.one_of(st.none(), st.none(), _bytes_op()), encoding=_ENCODINGS)
def _fuzz_json(
    ops: list[tuple[Any, ...]], damage: Callable[[bytes], bytes] | None, encoding: str | None, tmp_path: Path
) -> None:
    _fuzz_text("json", ops, damage, encoding, tmp_path)


def test_fuzz_yaml(tmp_path: Path) -> None:
    _fuzz_yaml(tmp_path=tmp_path)
    assert CASES["yaml"] >= 250


def test_fuzz_json(tmp_path: Path) -> None:
    _fuzz_json(tmp_path=tmp_path)
    assert CASES["json"] >= 250


# --------------------------------------------------------------------------- known gaps elsewhere
_MINI = "name: a\nhorizon: {{start: {start}, years: 2}}\nbudget: 5\nprojects: [{{id: a, benefit: 1}}]\n"


def test_huge_horizon_start_is_a_validation_error() -> None:
    with pytest.raises(KommunalPlannerError):
        parse_yaml(_MINI.format(start=10**20))


def test_yaml_integer_beyond_digit_limit_is_a_format_error() -> None:
    with pytest.raises(KommunalPlannerError):
        parse_yaml(_MINI.format(start="1" * 5000))


@pytest.mark.parametrize("parse", [parse_yaml, parse_json], ids=["yaml", "json"])
def test_deep_nesting_is_a_format_error(parse: Callable[[str], Any]) -> None:
    with pytest.raises(KommunalPlannerError):
        parse("[" * 100_000)
