"""read(write(pf)) == pf for every format, on portfolios with awkward floats, texts and ids.

The strategy here is harsher than :mod:`kommunal_planner.testing` on purpose: any finite float (17 significant
digits, tiny and huge), texts with umlauts, quotes, separators, formula-like and number-like content, line breaks
in descriptions, ids with spaces and punctuation. Every optional field is switched on at random.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kommunal_planner.io import read, write, write_csv_folder, write_excel, write_json, write_yaml
from kommunal_planner.model import Criterion, Eligibility, Focus, FundingProgramme, Horizon, Portfolio, Project

EXAMPLE = Path(__file__).resolve().parents[2] / "src" / "kommunal_planner" / "examples" / "musterstadt.yaml"
CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "data" / "contract"

_ID_CHARS = "abcxyzäöüßABZ019_-. =#'\"/+€"
_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(categories=("L", "N", "P", "S", "Zs"), max_codepoint=0x2FFF), st.sampled_from("äöüÄÖÜß€;,\"'=#%")
    ),
    min_size=1,
    max_size=16,
).filter(lambda s: bool(s.strip()))
_AWKWARD = st.sampled_from(["=SUM(A1:A3)", "#N/A", "1.234", "12 %", "ja", "nein", "2026, 2027", "-", "0"])
_NAMES = st.one_of(_TEXT, _AWKWARD)
_DESCRIPTION = st.one_of(st.just(""), _NAMES, st.lists(_TEXT, min_size=2, max_size=3).map("\n".join))
_MONEY = st.one_of(
    st.integers(0, 10**9).map(float),
    st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1 + 0.2, 1e-300, 5e-324, 1 / 3, 2.0**48, 123456.789]),
)
_SHARE = st.floats(min_value=0, max_value=1, exclude_min=True, allow_nan=False)
_SCORE = st.one_of(st.integers(0, 5).map(float), st.floats(0, 5, allow_nan=False))


def _ids(prefix: str, n: int) -> st.SearchStrategy[list[str]]:
    raw = st.text(alphabet=_ID_CHARS, min_size=1, max_size=6).map(str.strip).filter(bool)
    return st.lists(raw, min_size=n, max_size=n, unique_by=str.casefold).map(
        lambda ids: [f"{prefix}{i}" if i.isspace() else i for i in ids]
    )


@st.composite
def portfolios(draw: Any) -> Portfolio:
    """A valid portfolio of up to five projects with every optional field drawn at random."""
    start = draw(st.integers(1990, 2100))
    n_years = draw(st.integers(1, 5))
    horizon = Horizon(start, n_years)
    years = list(horizon.calendar_years)
    budget = {y: draw(_MONEY) for y in years}
    staff = {y: draw(_MONEY) for y in years if draw(st.booleans())}

    n_crit = draw(st.integers(0, 3))
    crit_ids = draw(_ids("c", n_crit))
    weights = [draw(_MONEY) for _ in crit_ids]
    if weights and sum(weights) <= 0:
        weights[0] = 1.0
    criteria = tuple(
        Criterion(cid, name=draw(st.one_of(st.just(""), _NAMES)), weight=w)
        for cid, w in zip(crit_ids, weights, strict=True)
    )

    n_proj = draw(st.integers(1, 5))
    project_ids = draw(_ids("p", n_proj))
    fields = draw(st.lists(st.sampled_from(["administration", "mobility", "Bildung & Schule", "x y"]), min_size=1))
    tags_pool = ["ozg", "pilot", "Schule", "rural area"]
    groups = ["g1", "Variante A"]
    projects = []
    for i, pid in enumerate(project_ids):
        duration = draw(st.integers(1, n_years))
        cost: Any = draw(st.one_of(_MONEY, st.lists(_MONEY, min_size=duration, max_size=duration)))
        staff_days: Any = draw(st.one_of(_MONEY, st.lists(_MONEY, min_size=duration, max_size=duration)))
        with_benefit = not criteria or draw(st.booleans())
        scored = [c for c in crit_ids if not with_benefit or draw(st.booleans())]
        scores = {c: draw(_SCORE) for c in scored}
        last_start = years[-1] - duration + 1
        earliest = draw(st.one_of(st.none(), st.integers(years[0], last_start)))
        latest = draw(st.one_of(st.none(), st.integers(earliest or years[0], last_start)))
        deadline = draw(st.one_of(st.none(), st.integers((latest or earliest or years[0]) + duration - 1, years[-1])))
        projects.append(
            Project(
                pid,
                name=draw(st.one_of(st.just(""), _NAMES)),
                field=draw(st.sampled_from(fields)),
                duration=duration,
                cost=cost,
                operating_cost=draw(_MONEY),
                staff_days=staff_days,
                scores=scores,
                benefit=draw(_MONEY) if with_benefit else None,
                earliest_start=earliest,
                latest_start=latest,
                deadline=deadline,
                requires=tuple(draw(st.lists(st.sampled_from(project_ids[:i]), unique=True)) if i else ()),
                exclusive_group=draw(st.one_of(st.none(), st.sampled_from(groups))),
                tags=tuple(draw(st.lists(st.sampled_from(tags_pool), unique=True, max_size=3))),
                description=draw(_DESCRIPTION),
            )
        )

    programmes = []
    for gid in draw(_ids("f", draw(st.integers(0, 3)))):
        max_grant = draw(st.one_of(st.none(), _MONEY))
        min_grant = draw(st.one_of(st.none(), _MONEY))
        if max_grant is not None and min_grant is not None and min_grant > max_grant:
            min_grant, max_grant = max_grant, min_grant
        windows = draw(st.one_of(st.none(), st.lists(st.sampled_from(years), min_size=1, unique=True)))
        programmes.append(
            FundingProgramme(
                gid,
                name=draw(st.one_of(st.just(""), _NAMES)),
                rate=draw(_SHARE),
                rate_weak=draw(st.one_of(st.none(), _SHARE)),
                max_grant=max_grant,
                min_grant=min_grant,
                pot=draw(st.one_of(st.none(), _MONEY)),
                windows=None if windows is None else tuple(windows),
                approval_probability=draw(st.floats(0, 1, allow_nan=False)),
                eligible=Eligibility(
                    fields=tuple(draw(st.lists(st.sampled_from(fields), unique=True))),
                    projects=tuple(draw(st.lists(st.sampled_from(project_ids), unique=True))),
                    tags=tuple(draw(st.lists(st.sampled_from(tags_pool), unique=True))),
                ),
            )
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a project that can never start is legal input
        return Portfolio(
            name=draw(_NAMES),
            description=draw(_DESCRIPTION),
            horizon=horizon,
            budget=budget,
            staff_capacity=staff,
            financially_weak=draw(st.booleans()),
            discount_rate=draw(st.floats(0, 1, exclude_max=True, allow_nan=False)),
            focus=Focus(draw(st.one_of(st.none(), st.integers(1, 5)))),
            criteria=criteria,
            programmes=tuple(programmes),
            projects=tuple(projects),
        )


def _read(path: Path) -> Portfolio:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return read(path)


_HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]


@settings(max_examples=35, suppress_health_check=_HEALTH)
@given(pf=portfolios(), lang=st.sampled_from(["de", "en"]))
def test_excel_round_trip(pf: Portfolio, lang: str, tmp_path: Path) -> None:
    target = tmp_path / "pf.xlsx"
    write_excel(pf, target, lang=lang)  # type: ignore[arg-type]
    assert _read(target) == pf


@settings(max_examples=50, suppress_health_check=_HEALTH)
@given(pf=portfolios(), lang=st.sampled_from(["de", "en"]))
def test_csv_round_trip_both_dialects(pf: Portfolio, lang: str, tmp_path: Path) -> None:
    for dialect in ("default", "de"):
        target = tmp_path / dialect
        write_csv_folder(pf, target, lang=lang, dialect=dialect)  # type: ignore[arg-type]
        assert _read(target) == pf, dialect


@settings(max_examples=50, suppress_health_check=_HEALTH)
@given(pf=portfolios())
def test_yaml_and_json_round_trip(pf: Portfolio, tmp_path: Path) -> None:
    write_yaml(pf, tmp_path / "pf.yaml")
    assert _read(tmp_path / "pf.yaml") == pf
    write_json(pf, tmp_path / "pf.json")
    assert _read(tmp_path / "pf.json") == pf


def test_example_through_every_format(tmp_path: Path) -> None:
    if not EXAMPLE.is_file():
        pytest.skip("the bundled example is not there yet")
    original = _read(EXAMPLE)
    current = original
    for target in (tmp_path / "a.xlsx", tmp_path / "b", tmp_path / "c.yaml", tmp_path / "d.json"):
        write(current, target)
        current = _read(target)
        assert current == original, target.name


def test_contract_files_through_tables(tmp_path: Path) -> None:
    files = sorted(CONTRACT.glob("*.yaml")) if CONTRACT.is_dir() else []
    if not files:
        pytest.skip("the contract files beside the repository are not available")
    for path in files:
        pf = _read(path)
        for target in (tmp_path / f"{path.stem}.xlsx", tmp_path / path.stem):
            write(pf, target)
            assert _read(target) == pf, (path.name, target.name)
