"""Markdown (CommonMark with pipe tables) from the document model; input text escaped, no raw HTML."""

from __future__ import annotations

import logging

from kommunal_planner.report._catalogue import text
from kommunal_planner.report._document import (
    Bullets,
    Chart,
    Document,
    Explained,
    Heading,
    KeyValues,
    PageBreak,
    Paragraph,
    Table,
    format_cell,
)
from kommunal_planner.report._locale import Lang
from kommunal_planner.report._safety import escape_markdown

__all__ = ["to_markdown"]

logger = logging.getLogger(__name__)

_NUMERIC = frozenset({"figure", "eur", "points", "int", "percent", "days", "year"})


def _table(table: Table, number: int, lang: Lang) -> list[str]:
    lines = [f"**{escape_markdown(text('label.table', lang, number=str(number), caption=table.caption))}**", ""]
    lines.append("| " + " | ".join(escape_markdown(c) for c in table.columns) + " |")
    lines.append("|" + "|".join("---:" if k in _NUMERIC else "---" for k in table.kinds) + "|")
    for r, row in enumerate(table.rows):
        cells = [escape_markdown(format_cell(v, k, lang)) for v, k in zip(row, table.kinds, strict=True)]
        if r in table.totals:
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    if table.note:
        lines += ["", f"*{escape_markdown(table.note)}*"]
    return lines


def to_markdown(doc: Document) -> str:
    """The document as Markdown text; charts are left out (they live in the HTML and Word versions).

    Tables are numbered and captioned in bold above the table; total rows are bold; money and points are
    formatted for the document's language.
    """
    lang = doc.lang
    out: list[str] = [f"# {escape_markdown(doc.title)}", ""]
    if doc.subtitle:
        out += [f"*{escape_markdown(doc.subtitle)}*", ""]
    n_table = 0
    for block in doc.blocks:
        if isinstance(block, Heading):
            out += [f"{'#' * min(6, block.level)} {escape_markdown(block.text)}", ""]
        elif isinstance(block, Paragraph):
            body = escape_markdown(block.text)
            out += [f"**{body}**" if block.strong else body, ""]
        elif isinstance(block, Bullets):
            for k, item in enumerate(block.items, start=1):
                out.append(f"{k}. {escape_markdown(item)}" if block.ordered else f"- {escape_markdown(item)}")
            out.append("")
        elif isinstance(block, KeyValues):
            for label, value in block.items:
                out.append(f"- **{escape_markdown(label)}:** {escape_markdown(value)}")
            out.append("")
        elif isinstance(block, Explained):
            for lead, body in block.items:
                out += [f"**{escape_markdown(lead)}.** {escape_markdown(body)}", ""]
        elif isinstance(block, Table):
            n_table += 1
            out += [*_table(block, n_table, lang), ""]
        elif isinstance(block, PageBreak):
            out += ["---", ""]
        elif isinstance(block, Chart):
            continue
    return "\n".join(out).rstrip() + "\n"
