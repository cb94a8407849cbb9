"""The files a planning run writes, each atomically: plan.json (DESIGN §4), plan.xlsx (the plan's data), and the
reports — report.html, report.xlsx, ratsvorlage.md/.docx, foerderantraege.md/.docx and finanzierungsplan.csv."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from kommunal_planner.errors import DataFormatError, Location
from kommunal_planner.io._atomic import atomic_path, write_text_atomic
from kommunal_planner.model import Portfolio
from kommunal_planner.optimize import Plan
from kommunal_planner.report._safety import clean_text, csv_safe

__all__ = ["write_plan_outputs", "write_plan_workbook"]

logger = logging.getLogger(__name__)

_SHEETS = {
    "de": {"projects": "Projekte", "years": "Jahre", "summary": "Übersicht"},
    "en": {"projects": "Projects", "years": "Years", "summary": "Summary"},
}
_COLUMNS = {
    "de": {
        "id": "ID",
        "name": "Bezeichnung",
        "field": "Handlungsfeld",
        "selected": "Ausgewählt",
        "start": "Beginn",
        "finish": "Ende",
        "programme": "Förderprogramm",
        "grant": "Förderung (EUR)",
        "own_cost": "Eigenanteil (EUR)",
        "benefit": "Nutzen (Punkte)",
        "year": "Jahr",
        "cost": "Investition (EUR)",
        "operating": "Folgekosten (EUR)",
        "own_funds": "Eigenmittel (EUR)",
        "budget": "Haushalt (EUR)",
        "slack": "Spielraum (EUR)",
        "staff_days": "Personentage",
        "staff_capacity": "Personalkapazität",
    },
    "en": {
        "id": "id",
        "name": "name",
        "field": "field",
        "selected": "selected",
        "start": "start",
        "finish": "finish",
        "programme": "programme",
        "grant": "grant (EUR)",
        "own_cost": "own cost (EUR)",
        "benefit": "benefit (points)",
        "year": "year",
        "cost": "investment (EUR)",
        "operating": "operating (EUR)",
        "own_funds": "own funds (EUR)",
        "budget": "budget (EUR)",
        "slack": "slack (EUR)",
        "staff_days": "staff days",
        "staff_capacity": "staff capacity",
    },
}


def _neutralise(value: object) -> object:
    """Text that a spreadsheet would take for a formula is prefixed with an apostrophe; control characters go."""
    if isinstance(value, str):
        return csv_safe(clean_text(value))
    return value


def write_plan_workbook(plan: Plan, path: str | Path, *, lang: str = "de") -> None:
    """Write the plan as an Excel workbook (projects and years sheets), atomically."""
    cols = _COLUMNS[lang]
    sheets = _SHEETS[lang]
    projects = plan.to_frame().reset_index()
    projects = projects.map(_neutralise).rename(columns=cols)
    years = plan.years_frame().reset_index().rename(columns=cols)
    summary = pd.DataFrame(
        {
            ("Kennzahl" if lang == "de" else "figure"): [
                "Portfolio",
                "Status",
                "Zielwert" if lang == "de" else "objective",
                "Schranke" if lang == "de" else "bound",
                "Lücke" if lang == "de" else "gap",
                "Solver",
            ],
            ("Wert" if lang == "de" else "value"): [
                _neutralise(plan.portfolio_name),
                plan.status,
                plan.objective,
                plan.bound,
                plan.gap,
                plan.solver,
            ],
        }
    )
    with atomic_path(path) as tmp, pd.ExcelWriter(tmp, engine="openpyxl") as writer:
        summary.to_excel(writer, sheet_name=sheets["summary"], index=False)
        projects.to_excel(writer, sheet_name=sheets["projects"], index=False)
        years.to_excel(writer, sheet_name=sheets["years"], index=False)
        for ws in writer.book.worksheets:
            ws.freeze_panes = "A2"
            ws.auto_filter.ref = ws.dimensions
            for column in ws.columns:
                width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
                ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
                for cell in column[1:]:
                    if isinstance(cell.value, float):
                        cell.number_format = "#,##0.00"


def write_plan_outputs(
    plan: Plan,
    out_dir: str | Path,
    *,
    lang: str = "de",
    reports: bool = True,
    resolve: bool | Iterable[str] = False,
    resolve_time_limit: float | None = 10.0,
    roadmap: Any = None,
    comparison: Any = None,
    robustness: Any = None,
) -> list[Path]:
    """Write the plan files and reports into *out_dir* (created if needed); return the paths written.

    Always ``plan.json``; when the plan holds a solution also ``plan.xlsx`` and, with ``reports`` and the input
    attached to the plan, ``report.html``, ``report.xlsx``, ``ratsvorlage.md``, ``foerderantraege.md``,
    ``finanzierungsplan.csv`` and, where python-docx is installed, ``ratsvorlage.docx`` and
    ``foerderantraege.docx``. The explanations are computed once for all documents; ``resolve`` adds the forced
    re-solves (what a project displaces, where its decision flips), each limited to ``resolve_time_limit`` seconds.
    """
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataFormatError(
            f"cannot create the output folder ({exc.strerror})", location=Location(file=str(folder))
        ) from None
    written = []
    target = folder / "plan.json"
    write_text_atomic(target, plan.to_json() + "\n")
    written.append(target)
    if plan.success:
        target = folder / "plan.xlsx"
        write_plan_workbook(plan, target, lang=lang)
        written.append(target)
        if reports and plan.portfolio is not None:
            written += _write_reports(
                plan,
                plan.portfolio,
                folder,
                lang=lang,
                resolve=resolve,
                resolve_time_limit=resolve_time_limit,
                roadmap=roadmap,
                comparison=comparison,
                robustness=robustness,
            )
    logger.info("wrote %s", ", ".join(map(str, written)))
    return written


def _write_reports(
    plan: Plan,
    portfolio: Portfolio,
    folder: Path,
    *,
    lang: str,
    resolve: bool | Iterable[str],
    resolve_time_limit: float | None,
    roadmap: Any,
    comparison: Any,
    robustness: Any,
) -> list[Path]:
    from kommunal_planner.report._content import prepare
    from kommunal_planner.report._docx import have_docx
    from kommunal_planner.report._explain import explain
    from kommunal_planner.report._locale import check_lang
    from kommunal_planner.report._render import render_inputs, write_financing_csv

    language = check_lang(lang)
    explanations = explain(plan, portfolio, lang=language, resolve=resolve, time_limit=resolve_time_limit)
    ri = prepare(
        plan,
        portfolio,
        language,
        explanations=explanations,
        roadmap=roadmap,
        comparison=comparison,
        robustness=robustness,
        date=None,
        resolve=False,
    )
    written: list[Path] = []
    jobs: list[tuple[str, str, Any]] = [
        ("report.html", "html", "report"),
        ("report.xlsx", "xlsx", None),
        ("ratsvorlage.md", "md", "council"),
        ("foerderantraege.md", "md", "funding"),
    ]
    if have_docx():
        jobs += [("ratsvorlage.docx", "docx", "council"), ("foerderantraege.docx", "docx", "funding")]
    else:
        logger.info("python-docx is not installed: no Word documents")
    for name, fmt, kind in jobs:
        render_inputs(ri, fmt, folder / name, document=kind)
        written.append(folder / name)
    written.append(write_financing_csv(ri, folder / "finanzierungsplan.csv"))
    return written
