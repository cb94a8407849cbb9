"""Word documents (.docx) from the document model, with python-docx (an optional dependency, imported lazily).

Tables get a caption above them, a header row that repeats on every page, right-aligned figures and bold totals;
charts are embedded as PNG; the document language is set so that Word checks spelling and hyphenates in German or
English; creation and modification dates are the report date, so the same plan gives the same file content.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from pathlib import Path
from typing import Any

from kommunal_planner.errors import KommunalPlannerError
from kommunal_planner.io._atomic import atomic_path
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
from kommunal_planner.report._safety import clean_text

__all__ = ["have_docx", "write_docx"]

logger = logging.getLogger(__name__)

_NUMERIC = frozenset({"figure", "eur", "points", "int", "percent", "days", "year"})
_LANG_TAG = {"de": "de-DE", "en": "en-GB"}


def have_docx() -> bool:
    """Whether python-docx can be imported."""
    try:
        import docx  # noqa: F401
    except ImportError:
        return False
    return True


def _import_docx() -> Any:
    try:
        import docx
    except ImportError as exc:
        raise KommunalPlannerError(
            "writing Word files needs python-docx: pip install 'kommunal-planner[docx]'"
        ) from exc
    return docx


def _set_language(document: Any, tag: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = document.styles["Normal"].element.get_or_add_rPr()
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), tag)


def _repeat_header(row: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    trpr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)


def _table(document: Any, table: Table, number: int, lang: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    caption = document.add_paragraph(
        clean_text(text("label.table", lang, number=str(number), caption=table.caption)),  # type: ignore[arg-type]
        style="Caption",
    )
    caption.paragraph_format.keep_with_next = True
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    header = grid.rows[0]
    _repeat_header(header)
    for k, name in enumerate(table.columns):
        cell = header.cells[k]
        cell.text = ""
        run = cell.paragraphs[0].add_run(clean_text(name))
        run.bold = True
        if table.kinds[k] in _NUMERIC:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for r, row in enumerate(table.rows):
        cells = grid.add_row().cells
        for k, (value, kind) in enumerate(zip(row, table.kinds, strict=True)):
            para = cells[k].paragraphs[0]
            run = para.add_run(clean_text(format_cell(value, kind, lang)))  # type: ignore[arg-type]
            run.bold = r in table.totals
            if kind in _NUMERIC:
                para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    for row in grid.rows:
        for cell in row.cells:
            for para in cell.paragraphs:
                for run in para.runs:
                    run.font.size = Pt(8 if len(table.columns) > 7 else 9)
    if table.note:
        note = document.add_paragraph(clean_text(table.note))
        note.runs[0].italic = True


def build_docx(doc: Document) -> Any:
    """The document as a python-docx ``Document`` object."""
    docx = _import_docx()
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2.0)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)
    _set_language(document, _LANG_TAG[doc.lang])
    document.add_heading(clean_text(doc.title), level=0)
    if doc.subtitle:
        document.add_paragraph(clean_text(doc.subtitle)).runs[0].italic = True
    n_table = 0
    for block in doc.blocks:
        if isinstance(block, Heading):
            document.add_heading(clean_text(block.text), level=min(4, max(1, block.level - 1)))
        elif isinstance(block, Paragraph):
            para = document.add_paragraph()
            para.add_run(clean_text(block.text)).bold = block.strong
        elif isinstance(block, Bullets):
            style = "List Number" if block.ordered else "List Bullet"
            for item in block.items:
                document.add_paragraph(clean_text(item), style=style)
        elif isinstance(block, KeyValues):
            grid = document.add_table(rows=0, cols=2)
            grid.style = "Table Grid"
            for label, value in block.items:
                cells = grid.add_row().cells
                cells[0].paragraphs[0].add_run(clean_text(label)).bold = True
                cells[1].paragraphs[0].add_run(clean_text(value))
            document.add_paragraph()
        elif isinstance(block, Explained):
            for lead, body in block.items:
                para = document.add_paragraph()
                para.add_run(clean_text(lead) + ". ").bold = True
                para.add_run(clean_text(body))
        elif isinstance(block, Table):
            n_table += 1
            _table(document, block, n_table, doc.lang)
        elif isinstance(block, Chart):
            from kommunal_planner.report._charts import figure_png

            try:
                png = figure_png(block.make())
            except Exception:  # a failing chart must not cost the whole document
                logger.warning("chart %s could not be drawn", block.key, exc_info=True)
                continue
            document.add_picture(io.BytesIO(png), width=Cm(16.5))
            document.add_paragraph(clean_text(block.title), style="Caption")
        elif isinstance(block, PageBreak):
            document.add_page_break()
    props = document.core_properties
    props.title = clean_text(doc.title)
    props.language = _LANG_TAG[doc.lang]
    props.author = "kommunal-planner"
    return document


def write_docx(doc: Document, path: str | Path, *, date: dt.date | None = None) -> Path:
    """Write *doc* as a Word file, atomically; *date* fixes the file's creation and modification dates."""
    document = build_docx(doc)
    if date is not None:
        stamp = dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)
        document.core_properties.created = stamp
        document.core_properties.modified = stamp
        document.core_properties.last_printed = stamp
    target = Path(path)
    with atomic_path(target) as tmp:
        document.save(str(tmp))
    return target
