"""Numbers, money, shares, dates and lists written per language, independent of the system locale.

German: ``1.234.567 €`` (dot groups, decimal comma, a no-break space before the euro sign), ``65 %``,
``19.05.2026``, ``A, B und C``. English: ``€1,234,567`` (comma groups, decimal point, the sign in front),
``65%``, ``19 May 2026``, ``A, B and C``. A negative amount carries an ASCII minus (``-1.234 €``, ``-€1,234``) so that
the figures can be copied into any spreadsheet. The system locale is never consulted: a report written on a server
configured for ``C`` looks the same as one written in a German town hall.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Sequence
from typing import Literal, TypeGuard

from kommunal_planner.errors import ValidationError

__all__ = [
    "LANGS",
    "NBSP",
    "Lang",
    "check_lang",
    "format_date",
    "format_eur",
    "format_number",
    "format_percent",
    "format_period",
    "join_list",
    "parse_number",
    "quote",
]

logger = logging.getLogger(__name__)

Lang = Literal["de", "en"]
LANGS: tuple[Lang, ...] = ("de", "en")
NBSP = "\u00a0"

_MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _is_lang(value: object) -> TypeGuard[Lang]:
    return value in LANGS


def check_lang(lang: object) -> Lang:
    """Return *lang* when it is ``"de"`` or ``"en"``; raise ValueError naming the choices otherwise.

    Examples
    --------
    >>> check_lang("en")
    'en'
    """
    if _is_lang(lang):
        return lang
    raise ValidationError("unknown report language", expected="'de' or 'en'", found=lang)


def format_number(value: float, lang: Lang, decimals: int = 0) -> str:
    """A number with thousands groups and *decimals* places.

    Examples
    --------
    >>> format_number(1234567.25, "de", 1), format_number(1234567.25, "en", 1)
    ('1.234.567,2', '1,234,567.2')
    >>> format_number(-0.4, "de")
    '0'
    """
    if not math.isfinite(value):
        return "∞" if value > 0 else "-∞"
    text = f"{value:,.{decimals}f}"
    if text.lstrip("-").strip("0,.") == "":
        text = text.lstrip("-")  # no "-0"
    if lang == "de":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def format_eur(value: float, lang: Lang, decimals: int = 0) -> str:
    """An amount in euros.

    Examples
    --------
    >>> format_eur(1234567, "de"), format_eur(1234567, "en"), format_eur(-2500, "en")
    ('1.234.567\\xa0€', '€1,234,567', '-€2,500')
    """
    number = format_number(abs(value), lang, decimals)
    negative = value < 0 and number.strip("0,.") != ""
    if lang == "de":
        return f"{'-' if negative else ''}{number}{NBSP}€"
    return f"{'-' if negative else ''}€{number}"


def format_percent(share: float, lang: Lang, decimals: int = 0) -> str:
    """A share (0.65) as a percentage.

    Examples
    --------
    >>> format_percent(0.65, "de"), format_percent(0.125, "en", 1)
    ('65\\xa0%', '12.5%')
    """
    number = format_number(100.0 * share, lang, decimals)
    return f"{number}{NBSP}%" if lang == "de" else f"{number}%"


def format_date(day: dt.date, lang: Lang) -> str:
    """A calendar date, without the system locale.

    Examples
    --------
    >>> import datetime as dt
    >>> format_date(dt.date(2026, 5, 19), "de"), format_date(dt.date(2026, 5, 19), "en")
    ('19.05.2026', '19 May 2026')
    """
    if lang == "de":
        return f"{day.day:02d}.{day.month:02d}.{day.year}"
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def format_period(first: int, last: int) -> str:
    """A span of calendar years: ``2026–2027``, or ``2026`` for one year.

    Examples
    --------
    >>> format_period(2026, 2027), format_period(2028, 2028)
    ('2026–2027', '2028')
    """
    return str(first) if first == last else f"{first}–{last}"


def join_list(items: Sequence[str], lang: Lang) -> str:
    """``A, B und C`` / ``A, B and C``.

    Examples
    --------
    >>> join_list(["A", "B", "C"], "de"), join_list(["A", "B"], "en")
    ('A, B und C', 'A and B')
    """
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    word = " und " if lang == "de" else " and "
    return ", ".join(items[:-1]) + word + items[-1]


def quote(text: str, lang: Lang) -> str:
    """Typographic quotes: „Text“ / “Text”.

    Examples
    --------
    >>> quote("Bürgerportal", "de"), quote("portal", "en")
    ('„Bürgerportal“', '“portal”')
    """
    return f"„{text}“" if lang == "de" else f"“{text}”"


def parse_number(text: str, lang: Lang) -> float:
    """Read back a figure written by the functions above (used to check documents against plan.json).

    Examples
    --------
    >>> parse_number("1.234.567\\xa0€", "de"), parse_number("-€2,500", "en"), parse_number("65,5 %", "de")
    (1234567.0, -2500.0, 65.5)
    """
    cleaned = text.replace(NBSP, " ").replace("€", "").replace("%", "").replace("EUR", "").strip()
    negative = cleaned.startswith("-")
    cleaned = cleaned.lstrip("-").strip()
    cleaned = cleaned.replace(".", "").replace(",", ".") if lang == "de" else cleaned.replace(",", "")
    value = float(cleaned)
    return -value if negative else value
