"""A self-contained HTML report: one file, inline CSS and SVG charts, no scripts, no external requests.

A Content-Security-Policy in the page forbids loading anything (``default-src 'none'``), so even text from an input
file that slipped through escaping could not make the browser fetch a resource. Tables carry a ``<caption>`` and
``<th scope>``; the page has a ``lang`` attribute; the print style sheet repeats table headers on each page and
keeps rows, charts and reasons from breaking across pages.
"""

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
from kommunal_planner.report._safety import escape_html as esc

__all__ = ["CSP", "to_html"]

logger = logging.getLogger(__name__)

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
_NUMERIC = frozenset({"figure", "eur", "points", "int", "percent", "days", "year"})

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  line-height: 1.45; color: #1a1a1a; background: #fff; max-width: 66rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
header { border-bottom: 3px solid #1a1a1a; margin-bottom: 1.25rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; padding-bottom: .2rem; border-bottom: 1px solid #bbb; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .5rem; }
p.subtitle { color: #444; margin: 0 0 .75rem; }
nav.toc { background: #f3f3f3; border: 1px solid #ccc; padding: .6rem 1rem; margin: 0 0 1rem; font-size: .92rem; }
nav.toc h2 { font-size: 1rem; border: 0; margin: 0 0 .3rem; padding: 0; }
nav.toc ol { margin: 0; padding-left: 1.3rem; columns: 2; }
a { color: #0b4f8a; }
.table-wrap { overflow-x: auto; margin: .4rem 0 1.2rem; }
table { border-collapse: collapse; width: 100%; font-size: .84rem; }
table.narrow { width: auto; min-width: 50%; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: 0 0 .35rem; }
th, td { border: 1px solid #9a9a9a; padding: .22rem .45rem; vertical-align: top; text-align: left;
  hyphens: auto; overflow-wrap: anywhere; }
thead th { background: #e8e8e8; }
tbody th { font-weight: normal; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
td.num { white-space: nowrap; hyphens: none; overflow-wrap: normal; }
table.wide { font-size: .78rem; }
table.wide th, table.wide td { padding: .2rem .3rem; }
tr.total th, tr.total td { font-weight: 700; background: #f4f4f4; border-top: 2px solid #555; }
p.note { font-size: .82rem; color: #444; margin-top: -.8rem; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }
dl.kv dt { font-weight: 600; }
dl.kv dd { margin: 0; }
dl.reasons dt { font-weight: 700; margin-top: .7rem; }
dl.reasons dd { margin: .15rem 0 0; }
figure { margin: 1rem 0 1.4rem; }
figure svg { display: block; width: 100%; max-width: 50rem; height: auto; }
figcaption { font-size: .85rem; color: #333; margin-top: .3rem; }
.page-break { break-after: page; }
@page { size: A4; margin: 16mm 14mm 18mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav.toc { display: none; }
  a { color: inherit; text-decoration: none; }
  .table-wrap { overflow: visible; }
  thead { display: table-header-group; }
  tr, figure, dl.reasons dd, dl.kv { break-inside: avoid; }
  h2, h3, caption { break-after: avoid; }
  thead th, tr.total th, tr.total td { background: none; }
}
""".strip()


def _table(table: Table, lang: Lang) -> str:
    head = []
    for k, (name, kind) in enumerate(zip(table.columns, table.kinds, strict=True)):
        cls = ' class="num"' if kind in _NUMERIC and k != table.row_header else ""
        head.append(f'<th scope="col"{cls}>{esc(name)}</th>')
    body = []
    for r, row in enumerate(table.rows):
        cells = []
        for k, (value, kind) in enumerate(zip(row, table.kinds, strict=True)):
            content = esc(format_cell(value, kind, lang))
            cls = ' class="num"' if kind in _NUMERIC else ""
            if k == table.row_header:
                cells.append(f'<th scope="row"{cls}>{content}</th>')
            else:
                cells.append(f"<td{cls}>{content}</td>")
        attr = ' class="total"' if r in table.totals else ""
        body.append(f"<tr{attr}>{''.join(cells)}</tr>")
    narrow = ' class="narrow"' if len(table.columns) <= 3 else ' class="wide"' if len(table.columns) > 7 else ""
    html = (
        f'<div class="table-wrap"><table id="table-{esc(table.key.replace(":", "-"))}"{narrow}>'
        f"<caption>{esc(table.caption)}</caption>"
        f"<thead><tr>{''.join(head)}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )
    if table.note:
        html += f'<p class="note">{esc(table.note)}</p>'
    return html


def _chart(chart: Chart, index: int) -> str:
    from kommunal_planner.report._charts import figure_svg

    try:
        fig = chart.make()
    except Exception:  # a failing chart must not cost the whole report
        logger.warning("chart %s could not be drawn", chart.key, exc_info=True)
        return ""
    svg = figure_svg(fig, prefix=f"c{index}", title=chart.title)
    return f"<figure>{svg}<figcaption>{esc(chart.title)}</figcaption></figure>"


def to_html(doc: Document) -> str:
    """The document as one self-contained HTML page (UTF-8)."""
    lang = doc.lang
    parts: list[str] = []
    toc: list[tuple[str, str]] = []
    n_chart = 0
    for block in doc.blocks:
        if isinstance(block, Heading):
            level = min(6, max(2, block.level))
            anchor = f' id="{esc(block.anchor)}"' if block.anchor else ""
            if level == 2 and block.anchor:
                toc.append((block.anchor, block.text))
            parts.append(f"<h{level}{anchor}>{esc(block.text)}</h{level}>")
        elif isinstance(block, Paragraph):
            body = esc(block.text)
            parts.append(f"<p><strong>{body}</strong></p>" if block.strong else f"<p>{body}</p>")
        elif isinstance(block, Bullets):
            tag = "ol" if block.ordered else "ul"
            items = "".join(f"<li>{esc(i)}</li>" for i in block.items)
            parts.append(f"<{tag}>{items}</{tag}>")
        elif isinstance(block, KeyValues):
            items = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in block.items)
            parts.append(f'<dl class="kv">{items}</dl>')
        elif isinstance(block, Explained):
            items = "".join(f"<dt>{esc(lead)}</dt><dd>{esc(body)}</dd>" for lead, body in block.items)
            parts.append(f'<dl class="reasons">{items}</dl>')
        elif isinstance(block, Table):
            parts.append(_table(block, lang))
        elif isinstance(block, Chart):
            n_chart += 1
            parts.append(_chart(block, n_chart))
        elif isinstance(block, PageBreak):
            parts.append('<div class="page-break"></div>')
    nav = ""
    if toc:
        links = "".join(f'<li><a href="#{esc(a)}">{esc(t)}</a></li>' for a, t in toc)
        label = esc(text("report.toc", lang))
        nav = f'<nav class="toc" aria-label="{label}"><h2>{label}</h2><ol>{links}</ol></nav>'
    subtitle = f'<p class="subtitle">{esc(doc.subtitle)}</p>' if doc.subtitle else ""
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="kommunal-planner">\n'
        f"<title>{esc(doc.title)}</title>\n<style>\n{_CSS}\n</style>\n</head>\n<body>\n"
        f"<header><h1>{esc(doc.title)}</h1>{subtitle}</header>\n{nav}\n<main>\n"
        + "\n".join(parts)
        + "\n</main>\n</body>\n</html>\n"
    )
