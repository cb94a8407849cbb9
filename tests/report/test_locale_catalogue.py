"""Both languages complete in one catalogue; numbers, money and dates written without the system locale."""

from __future__ import annotations

import ast
import datetime as dt
import locale
import re
from pathlib import Path

import pytest

import kommunal_planner as kp
from kommunal_planner.model import Portfolio
from kommunal_planner.report import CATALOGUE, catalogue_problems, render
from kommunal_planner.report._locale import (
    format_date,
    format_eur,
    format_number,
    format_percent,
    join_list,
    parse_number,
)

REPORT_SRC = Path(kp.__file__).parent / "report"


def test_every_key_exists_in_both_languages() -> None:
    assert catalogue_problems() == []
    for key, entry in CATALOGUE.items():
        assert set(entry) == {"de", "en"}, key


def test_catalogue_check_finds_gaps() -> None:
    broken = {"a": {"de": "x {n}"}, "b": {"de": "y {n}", "en": "y {m}"}, "c": {"de": " ", "en": "z"}}
    problems = catalogue_problems(broken)
    assert "a: missing en" in problems
    assert any(p.startswith("b: placeholders differ") for p in problems)
    assert "c: empty de" in problems


def _literal_keys() -> set[str]:
    """Catalogue keys written as string literals in calls of text(...) / _t(...) in the report package."""
    keys: set[str] = set()
    for path in REPORT_SRC.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("text", "_t")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                keys.add(node.args[0].value)
    return keys


def test_every_key_used_in_the_code_is_in_the_catalogue() -> None:
    keys = _literal_keys()
    assert len(keys) > 100
    assert sorted(k for k in keys if k not in CATALOGUE) == []


def test_no_german_text_leaks_into_english_documents(rich: Portfolio) -> None:
    """Every fixed text of an English document comes from the catalogue's English side."""
    plan = kp.optimize(rich)
    md = render(plan, rich, "md", "en", resolve=True)
    assert isinstance(md, str)
    names = [p.name for p in rich.projects] + [c.name for c in rich.criteria] + [g.name for g in rich.programmes]
    for name in names:
        md = md.replace(name, "")
    for word in ("Maßnahme", "Förderung", "Haushalt", " und ", "Punkte", "Jahr ", "Eigenanteil", "Rat "):
        assert word not in md, word


@pytest.mark.parametrize(
    ("value", "de", "en"),
    [
        (1234567, "1.234.567\u00a0€", "€1,234,567"),
        (0.4, "0\u00a0€", "€0"),
        (-2500.4, "-2.500\u00a0€", "-€2,500"),
        (999.5, "1.000\u00a0€", "€1,000"),
    ],
)
def test_money(value: float, de: str, en: str) -> None:
    assert format_eur(value, "de") == de
    assert format_eur(value, "en") == en
    assert parse_number(de, "de") == pytest.approx(round(value))
    assert parse_number(en, "en") == pytest.approx(round(value))


def test_numbers_shares_dates_lists() -> None:
    assert format_number(2077.0, "de", 1) == "2.077,0"
    assert format_number(2077.0, "en", 1) == "2,077.0"
    assert format_percent(0.703, "de", 1) == "70,3\u00a0%"
    assert format_percent(0.703, "en", 1) == "70.3%"
    assert format_date(dt.date(2026, 12, 1), "de") == "01.12.2026"
    assert format_date(dt.date(2026, 12, 1), "en") == "1 December 2026"
    assert join_list(["A", "B", "C"], "de") == "A, B und C"
    assert join_list(["A"], "en") == "A"


def test_independent_of_the_system_locale() -> None:
    before = locale.setlocale(locale.LC_ALL)
    try:
        for name in ("de_DE.UTF-8", "C.UTF-8", "C"):
            try:
                locale.setlocale(locale.LC_ALL, name)
            except locale.Error:
                continue
            assert format_eur(1234567.0, "de") == "1.234.567\u00a0€"
            assert format_eur(1234567.0, "en") == "€1,234,567"
    finally:
        locale.setlocale(locale.LC_ALL, before)


def test_unknown_language_is_refused(small: Portfolio) -> None:
    with pytest.raises(kp.ValidationError, match="'de' or 'en'"):
        render(kp.optimize(small), small, "md", "fr")


def test_templates_are_single_sentences() -> None:
    """A reason is one sentence, so the figure check per sentence is a check per reason."""
    inner = re.compile(r"[.!?]\s+[A-ZÄÖÜ]")
    for key, entry in CATALOGUE.items():
        if key.startswith("reason."):
            for lang in ("de", "en"):
                assert not inner.search(entry[lang]), (key, lang)
