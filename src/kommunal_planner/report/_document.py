"""A neutral document model shared by the Markdown, HTML and Word writers, and the hook for other layers' sections.

Content is assembled once (:mod:`._content`) as blocks — headings, paragraphs, lists, tables with typed columns,
charts — and each writer only decides how a block looks. Table cells hold raw values (numbers stay numbers), so the
writers format them per language and the Excel writer keeps them as numbers with number formats.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from kommunal_planner.report._locale import Lang, format_eur, format_number, format_percent

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "Block",
    "Bullets",
    "CellKind",
    "Chart",
    "Document",
    "Explained",
    "Heading",
    "KeyValues",
    "PageBreak",
    "Paragraph",
    "ReportSection",
    "Table",
    "format_cell",
]

logger = logging.getLogger(__name__)

CellKind = Literal["text", "figure", "eur", "points", "year", "int", "percent", "days"]


@dataclass(frozen=True, slots=True)
class Heading:
    text: str
    level: int = 2
    anchor: str = ""


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    strong: bool = False


@dataclass(frozen=True, slots=True)
class Bullets:
    items: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True, slots=True)
class KeyValues:
    """Label–value pairs, e.g. the header of a council paper."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Explained:
    """Items with a lead-in (a project's name) and a paragraph of reasons."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Table:
    """A table with typed columns; ``key`` identifies it (for tests and tools), ``caption`` is shown.

    ``row_header`` is the column that names each row (rendered as a row header), ``totals`` the indices of rows
    that hold totals (emphasised).
    """

    key: str
    caption: str
    columns: tuple[str, ...]
    kinds: tuple[CellKind, ...]
    rows: tuple[tuple[Any, ...], ...]
    row_header: int = 0
    totals: frozenset[int] = frozenset()
    note: str = ""

    def __post_init__(self) -> None:
        if len(self.kinds) != len(self.columns):
            raise ValueError(f"table {self.key}: {len(self.columns)} columns but {len(self.kinds)} kinds")
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"table {self.key}: a row has {len(row)} cells, expected {len(self.columns)}")


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart built on demand (matplotlib is imported only by writers that draw)."""

    key: str
    title: str
    make: Callable[[], Figure] = field(compare=False)


@dataclass(frozen=True, slots=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Bullets | KeyValues | Explained | Table | Chart | PageBreak


@dataclass(frozen=True, slots=True)
class Document:
    """A document: title, language and blocks. ``kind`` is ``report``, ``council`` or ``funding``."""

    kind: str
    title: str
    lang: Lang
    blocks: tuple[Block, ...]
    subtitle: str = ""

    def tables(self) -> dict[str, Table]:
        return {b.key: b for b in self.blocks if isinstance(b, Table)}


def format_cell(value: Any, kind: CellKind, lang: Lang) -> str:
    """A cell value as text: money and points per language, years and counts plain, missing values as a dash.

    Examples
    --------
    >>> format_cell(1234.4, "eur", "de"), format_cell(81.0, "points", "en"), format_cell(None, "eur", "de")
    ('1.234\\xa0€', '81.0', '–')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "eur":
        return format_eur(float(value), lang)
    if kind == "points":
        return format_number(float(value), lang, 1)
    if kind == "percent":
        return format_percent(float(value), lang)
    if kind in ("int", "days"):
        return format_number(float(value), lang)
    if kind == "year":
        return str(int(value)) if isinstance(value, int | float) else str(value)
    return str(value)


# --------------------------------------------------------------------------- hooks for other layers
@dataclass(frozen=True)
class ReportSection:
    """A section another layer contributes to the reports (roadmap, scenario comparison, robustness).

    Give any object passed as ``roadmap=``, ``comparison=`` or ``robustness=`` a method
    ``report_section(lang) -> ReportSection`` (or ``report_parts(lang)`` returning its fields as a dict) — or pass a
    ``ReportSection`` or a pandas DataFrame directly — and it
    appears in the HTML, Markdown, Word and Excel reports without this package importing that layer.

    Parameters
    ----------
    title
        Section heading.
    paragraphs
        Plain-text paragraphs (escaped by every writer).
    tables
        ``(caption, DataFrame)`` pairs; the index is written as the first column when it is named.
    figures
        ``(title, matplotlib Figure)`` pairs, drawn in HTML (SVG) and Word (PNG).
    risks
        Plain-text risk statements for the council paper's risk section.
    """

    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[tuple[str, pd.DataFrame], ...] = ()
    figures: tuple[tuple[str, Any], ...] = ()
    risks: tuple[str, ...] = ()


def frame_table(key: str, caption: str, frame: pd.DataFrame, lang: Lang) -> Table:
    """A pandas DataFrame as a :class:`Table`; numeric columns whose name suggests money are formatted as EUR."""
    data = frame.reset_index() if frame.index.name is not None or isinstance(frame.index, pd.MultiIndex) else frame
    columns = tuple(str(c) for c in data.columns)
    kinds: list[CellKind] = []
    for name in data.columns:
        series = data[name]
        lowered = str(name).lower()
        if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            kinds.append("text")
        elif any(w in lowered for w in ("eur", "cost", "grant", "budget", "fund", "kosten", "förder", "mittel")):
            kinds.append("eur")
        elif "year" in lowered or "jahr" in lowered or lowered in ("start", "finish", "beginn", "ende"):
            kinds.append("year")
        elif pd.api.types.is_integer_dtype(series):
            kinds.append("int")
        else:
            kinds.append("points")
    rows = tuple(tuple(_plain_value(v) for v in row) for row in data.itertuples(index=False, name=None))
    return Table(key, caption, columns, tuple(kinds), rows)


def _plain_value(value: Any) -> Any:
    if hasattr(value, "item") and callable(value.item):
        try:
            return value.item()
        except (ValueError, TypeError):
            return value
    return value


def as_section(obj: Any, lang: Lang, *, default_title: str) -> ReportSection | None:
    """Turn a hook argument into a :class:`ReportSection` (None stays None).

    Accepted: a ReportSection; an object with ``report_section(lang)``, or with ``report_parts(lang)`` returning the
    keyword arguments of a ReportSection; a DataFrame (or an object with ``to_frame()``) shown as one table; a
    mapping or Series of project id to a selection frequency 0…1.
    """
    if obj is None:
        return None
    if isinstance(obj, ReportSection):
        return obj
    method = getattr(obj, "report_section", None)
    if callable(method):
        section = method(lang)
        if not isinstance(section, ReportSection):
            raise TypeError(f"{type(obj).__name__}.report_section() returned {type(section).__name__}")
        return section
    parts = getattr(obj, "report_parts", None)
    if callable(parts):
        # Layers beside this one (the roadmap) cannot import ReportSection; they hand over its fields.
        return ReportSection(**parts(lang))
    if isinstance(obj, pd.DataFrame):
        return ReportSection(default_title, tables=((default_title, obj),))
    if isinstance(obj, pd.Series | Mapping):
        return ReportSection(default_title, tables=((default_title, pd.Series(dict(obj)).to_frame("value")),))
    to_frame = getattr(obj, "to_frame", None)
    if callable(to_frame):
        frame = to_frame()
        if isinstance(frame, pd.DataFrame):
            return ReportSection(default_title, tables=((default_title, frame),))
    raise TypeError(
        f"cannot show a {type(obj).__name__} in a report: give it report_section(lang), or pass a ReportSection "
        "or a DataFrame"
    )


def selection_frequencies(obj: Any) -> dict[str, float] | None:
    """Selection frequency per project from a robustness result, where it has one (mapping, Series or frame).

    Recognised: a mapping or Series of project id to a number in 0…1; a DataFrame with a column
    ``frequency`` or ``selection_frequency`` indexed by project id (or with a ``project`` column); an object with
    an attribute ``selection_frequency`` holding one of these.
    """
    if obj is None or isinstance(obj, ReportSection):
        return None
    attr = getattr(obj, "selection_frequency", None)
    if attr is not None and not callable(attr):
        return selection_frequencies(attr)
    if isinstance(obj, pd.DataFrame):
        for col in ("selection_frequency", "frequency"):
            if col in obj.columns:
                frame = obj.set_index("project") if "project" in obj.columns else obj
                return {str(k): float(v) for k, v in frame[col].items()}
        return None
    if isinstance(obj, pd.Series | Mapping):
        try:
            values = {str(k): float(v) for k, v in dict(obj).items()}
        except (TypeError, ValueError):
            return None
        if all(0.0 <= v <= 1.0 for v in values.values()):
            return values
    return None
