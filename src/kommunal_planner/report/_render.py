"""``render(plan, portfolio, format=...)``: the report, council paper or funding annexes as HTML, Markdown, Word or
Excel, and the financing plan as CSV."""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from kommunal_planner.errors import KommunalPlannerError, ValidationError
from kommunal_planner.io._atomic import atomic_path, write_text_atomic
from kommunal_planner.model import Portfolio
from kommunal_planner.optimize import Plan
from kommunal_planner.report._catalogue import text
from kommunal_planner.report._content import ReportInputs, build_council, build_funding, build_report, prepare
from kommunal_planner.report._document import Document
from kommunal_planner.report._explain import Explanations
from kommunal_planner.report._financing import FINANCING_COLUMNS, check_plan_matches
from kommunal_planner.report._locale import Lang, check_lang
from kommunal_planner.report._safety import csv_safe

__all__ = ["FORMATS", "build_document", "render", "write_financing_csv"]

logger = logging.getLogger(__name__)

Format = Literal["html", "md", "docx", "xlsx"]
DocumentKind = Literal["council", "funding", "report"]
FORMATS: tuple[str, ...] = ("html", "md", "docx", "xlsx")


def build_document(ri: ReportInputs, document: DocumentKind, projects: Iterable[str] | None = None) -> Document:
    """The document model of one document kind."""
    if document == "report":
        return build_report(ri)
    if document == "council":
        return build_council(ri)
    if document == "funding":
        return build_funding(ri, projects)
    raise ValidationError("unknown document", expected="'report', 'council' or 'funding'", found=document)


def render(
    plan: Plan,
    portfolio: Portfolio | None = None,
    format: Format | str = "html",
    lang: Lang | str = "de",
    out: str | Path | None = None,
    explanations: Explanations | None = None,
    roadmap: Any = None,
    comparison: Any = None,
    robustness: Any = None,
    *,
    document: DocumentKind | str | None = None,
    projects: Iterable[str] | None = None,
    date: dt.date | None = None,
    resolve: bool = False,
) -> Path | str | bytes:
    """Render a plan as a document.

    Parameters
    ----------
    plan, portfolio
        The plan and its input (default ``plan.portfolio``; a plan read from plan.json needs the input given).
    format
        ``"html"`` (self-contained report), ``"md"`` and ``"docx"`` (council paper or funding annexes),
        ``"xlsx"`` (formatted workbook).
    lang
        ``"de"`` or ``"en"``.
    out
        File to write (atomically). Without it the content is returned: text for html/md, bytes for docx/xlsx.
    explanations
        Reasons from :func:`~kommunal_planner.report.explain`; computed here (with ``resolve``) when not given.
        Pass them to reuse re-solves across several documents.
    roadmap, comparison, robustness
        Sections from other layers (see :class:`~kommunal_planner.report.ReportSection`): an object with
        ``report_section(lang)``, a ReportSection or a DataFrame. ``robustness`` may also be a mapping or frame of
        selection frequencies per project, from which the council paper states its risks.
    document
        For md/docx: ``"council"`` (Ratsvorlage, default) or ``"funding"`` (Förderantrag-Anlagen); html and xlsx
        are always the full report, but html also takes ``"council"`` and ``"funding"``.
    projects
        For the funding annexes: which selected projects (default: every funded one).
    date
        Date printed on the documents (default: today).
    resolve
        When explanations are computed here: re-solve each project forced the other way (slow on large inputs).

    Returns
    -------
    pathlib.Path, str or bytes
        The path written, or the content.

    Raises
    ------
    KommunalPlannerError
        When the plan holds no solution, or python-docx is missing for ``docx``.
    DataFormatError
        When the plan does not match the input.
    """
    fmt = str(format).lower()
    if fmt not in FORMATS:
        raise ValidationError("unknown report format", expected=" or ".join(FORMATS), found=format)
    language = check_lang(lang)
    pf = portfolio or plan.portfolio
    if pf is None:
        raise KommunalPlannerError("a report needs the input: render(plan, portfolio, ...)")
    check_plan_matches(plan, pf)
    if fmt == "docx":
        from kommunal_planner.report._docx import _import_docx

        _import_docx()  # fail before any work when python-docx is missing
    ri = prepare(
        plan,
        pf,
        language,
        explanations=explanations,
        roadmap=roadmap,
        comparison=comparison,
        robustness=robustness,
        date=date,
        resolve=resolve,
    )
    return render_inputs(ri, fmt, out, document=_document_kind(document), projects=projects)


def _document_kind(document: str | None) -> DocumentKind | None:
    kinds: dict[str | None, DocumentKind | None] = {
        None: None,
        "council": "council",
        "funding": "funding",
        "report": "report",
    }
    if document not in kinds:
        raise ValidationError("unknown document", expected="'report', 'council' or 'funding'", found=document)
    return kinds[document]


def render_inputs(
    ri: ReportInputs,
    fmt: str,
    out: str | Path | None,
    *,
    document: DocumentKind | None = None,
    projects: Iterable[str] | None = None,
) -> Path | str | bytes:
    """:func:`render` once the shared inputs exist (several documents from one set of explanations)."""
    if fmt == "xlsx":
        from kommunal_planner.report._excel import build_report_workbook, write_report_workbook

        if out is None:
            buf = io.BytesIO()
            build_report_workbook(ri).save(buf)
            return buf.getvalue()
        return write_report_workbook(ri, out)
    kind: DocumentKind = document or ("report" if fmt == "html" else "council")
    doc = build_document(ri, kind, projects)
    if fmt == "html":
        from kommunal_planner.report._html import to_html

        return _emit_text(to_html(doc), out)
    if fmt == "md":
        from kommunal_planner.report._markdown import to_markdown

        return _emit_text(to_markdown(doc), out)
    from kommunal_planner.report._docx import build_docx, write_docx

    if out is None:
        buf = io.BytesIO()
        build_docx(doc).save(buf)
        return buf.getvalue()
    return write_docx(doc, out, date=ri.date)


def _emit_text(content: str, out: str | Path | None) -> Path | str:
    if out is None:
        return content
    target = Path(out)
    write_text_atomic(target, content)
    logger.info("wrote %s", target)
    return target


def write_financing_csv(ri: ReportInputs, path: str | Path) -> Path:
    """The financing plan as CSV: German with ``;`` and decimal comma (UTF-8 with BOM, as Excel expects it),
    English with ``,`` and decimal point; headers in the report language; programme names made formula-safe."""
    lang = ri.lang
    fp = ri.financing.copy()
    fp.insert(
        3,
        "programme_name",
        ["" if not isinstance(p, str) else ri.portfolio.programme(p).name for p in fp["programme"]],
    )
    fp["level"] = [text("word.total" if v == "total" else "word.programme", lang) for v in fp["level"]]
    fp["programme"] = fp["programme"].map(lambda v: v if isinstance(v, str) else "")
    for col in ("programme", "programme_name"):
        fp[col] = fp[col].map(csv_safe)
    names = ["year", "level", "programme_id", "programme", *FINANCING_COLUMNS]
    fp = fp[["year", "level", "programme", "programme_name", *FINANCING_COLUMNS]]
    fp.columns = pd.Index([text(f"col.{n}", lang) for n in names])
    target = Path(path)
    with atomic_path(target) as tmp:
        fp.to_csv(
            tmp,
            index=False,
            sep=";" if lang == "de" else ",",
            decimal="," if lang == "de" else ".",
            float_format="%.2f",
            encoding="utf-8-sig" if lang == "de" else "utf-8",
            lineterminator="\n",
        )
    return target
