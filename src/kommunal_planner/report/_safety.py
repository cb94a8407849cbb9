"""Text from input files is data, never markup or a formula: escaping for HTML, Markdown and spreadsheets.

Names, ids and descriptions come from files a municipality receives from many hands (workshop lists, consultants'
spreadsheets). In HTML they are escaped; in Markdown, characters that would start a table cell, a link, emphasis or
raw HTML are escaped; in spreadsheets and CSV files a cell that would start a formula (``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) is neutralised, following the OWASP advice on CSV injection.
"""

from __future__ import annotations

import html
import logging
import re

__all__ = ["FORMULA_START", "clean_text", "csv_safe", "escape_html", "escape_markdown", "starts_formula"]

logger = logging.getLogger(__name__)

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#])")


def clean_text(text: object) -> str:
    """*text* as a string without control characters (they break XML-based formats such as .docx and .xlsx).

    Examples
    --------
    >>> clean_text("Portal\\x00 neu")
    'Portal neu'
    """
    return _CONTROL.sub("", str(text))


def escape_html(text: object) -> str:
    """Escape *text* for HTML element content and attribute values.

    Examples
    --------
    >>> escape_html('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    """
    return html.escape(clean_text(text), quote=True)


def escape_markdown(text: object) -> str:
    """Escape *text* for a Markdown paragraph or table cell (one line, no markup, no raw HTML).

    Examples
    --------
    >>> escape_markdown("A|B <b>*fett*</b>")
    'A\\\\|B &lt;b&gt;\\\\*fett\\\\*&lt;/b&gt;'
    """
    one_line = " ".join(clean_text(text).split())
    return _MD_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def starts_formula(text: str) -> bool:
    """Whether a spreadsheet would read *text* as the start of a formula.

    Examples
    --------
    >>> starts_formula("=HYPERLINK(1)"), starts_formula("Portal")
    (True, False)
    """
    return text[:1] in FORMULA_START


def csv_safe(value: object) -> object:
    """For CSV export: text that would start a formula gets a leading apostrophe; other values pass unchanged.

    Examples
    --------
    >>> csv_safe("=1+1"), csv_safe("@SUM(A1)"), csv_safe(12.5)
    ("'=1+1", "'@SUM(A1)", 12.5)
    """
    if isinstance(value, str):
        return "'" + value if starts_formula(value) else value
    return value
