"""The content of the documents: the report, the council paper (Ratsvorlage) and the funding-application annexes.

Each builder returns a :class:`~kommunal_planner.report._document.Document`; every figure in it comes from the plan
(as exported to plan.json), from the financing plan derived from it, or from an explanation record.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

import pandas as pd

from kommunal_planner.errors import KommunalPlannerError
from kommunal_planner.model import Portfolio
from kommunal_planner.optimize import Plan
from kommunal_planner.report._catalogue import text
from kommunal_planner.report._document import (
    Block,
    Bullets,
    CellKind,
    Chart,
    Document,
    Explained,
    Heading,
    KeyValues,
    PageBreak,
    Paragraph,
    ReportSection,
    Table,
    as_section,
    format_cell,
    frame_table,
    selection_frequencies,
)
from kommunal_planner.report._explain import Explanations, explain, field_label, priority_ranks
from kommunal_planner.report._financing import financing_plan, programme_summary, project_years
from kommunal_planner.report._locale import (
    Lang,
    format_date,
    format_eur,
    format_number,
    format_percent,
    format_period,
    join_list,
    quote,
)

__all__ = ["ReportInputs", "build_council", "build_funding", "build_report", "prepare"]

logger = logging.getLogger(__name__)

#: A project selected in fewer scenarios than this share counts as a risk in the council paper.
STABLE_SHARE = 0.8
#: A year whose slack is below this share of its budget counts as tight.
TIGHT_SHARE = 0.02


@dataclass(frozen=True)
class ReportInputs:
    """Everything the documents draw on, computed once and shared by the builders."""

    plan: Plan
    portfolio: Portfolio
    lang: Lang
    explanations: Explanations
    financing: pd.DataFrame
    ranks: dict[str, int]
    date: dt.date
    roadmap: ReportSection | None
    comparison: ReportSection | None
    robustness: ReportSection | None
    frequencies: dict[str, float] | None


def prepare(
    plan: Plan,
    portfolio: Portfolio,
    lang: Lang,
    *,
    explanations: Explanations | None,
    roadmap: Any,
    comparison: Any,
    robustness: Any,
    date: dt.date | None,
    resolve: bool,
) -> ReportInputs:
    if not plan.success:
        raise KommunalPlannerError(
            f"no report for a plan without a solution (status {plan.status}): {plan.message or 'see the explanation'}"
        )
    expl = explanations if explanations is not None else explain(plan, portfolio, lang=lang, resolve=resolve)
    return ReportInputs(
        plan=plan,
        portfolio=portfolio,
        lang=lang,
        explanations=expl,
        financing=financing_plan(plan, portfolio),
        ranks=priority_ranks(plan),
        date=date or dt.date.today(),
        roadmap=as_section(roadmap, lang, default_title=text("h.roadmap", lang)),
        comparison=as_section(comparison, lang, default_title=text("h.scenarios", lang)),
        robustness=as_section(robustness, lang, default_title=text("h.robustness", lang)),
        frequencies=selection_frequencies(robustness),
    )


# --------------------------------------------------------------------------- helpers
def _t(key: str, ri: ReportInputs, **values: str) -> str:
    return text(key, ri.lang, **values)


def _eur(value: float, ri: ReportInputs) -> str:
    return format_eur(value, ri.lang)


def _horizon(pf: Portfolio) -> str:
    return format_period(pf.horizon.start, pf.horizon.end)


def _kinds(kind: CellKind, count: int) -> tuple[CellKind, ...]:
    return tuple(kind for _ in range(count))


def _columns(ri: ReportInputs, *keys: str) -> tuple[str, ...]:
    return tuple(_t(f"col.{k}", ri) for k in keys)


def _status_label(ri: ReportInputs) -> str:
    plan = ri.plan
    if plan.status == "optimal":
        return _t("status.optimal", ri)
    return _t("status.feasible", ri, gap=format_percent(float(plan.gap or 0.0), ri.lang, 2))


def _totals(ri: ReportInputs) -> pd.DataFrame:
    fp = ri.financing
    return fp[fp["level"] == "total"].set_index("year")


def _by_year(frame: pd.DataFrame, column: str) -> dict[int, float]:
    """One column of a frame indexed by year, as plain floats."""
    return {int(k): float(v) for k, v in zip(frame.index, frame[column].to_numpy(dtype=float), strict=True)}


# --------------------------------------------------------------------------- tables
def key_figures_table(ri: ReportInputs) -> Table:
    """Key figures of the plan; the value column mixes kinds, so its cells are formatted here."""
    return Table(
        "key_figures",
        _t("table.key_figures", ri, horizon=_horizon(ri.portfolio)),
        _columns(ri, "figure", "value"),
        ("text", "figure"),
        tuple((label, format_cell(v, k, ri.lang)) for label, v, k in key_figures(ri)),
    )


def key_figures(ri: ReportInputs) -> list[tuple[str, float, CellKind]]:
    """The key figures as (label, raw value, kind), for writers that keep numbers (Excel)."""
    plan, pf = ri.plan, ri.portfolio
    tot = _totals(ri)
    return [
        (_t("kf.projects", ri), float(len(plan.selected)), "int"),
        (_t("kf.candidates", ri), float(len(pf.projects)), "int"),
        (_t("kf.benefit", ri), plan.total_benefit, "points"),
        (_t("kf.investment", ri), float(tot["investment"].sum()), "eur"),
        (_t("kf.grants", ri), float(tot["grant"].sum()), "eur"),
        (_t("kf.own_funds", ri), float(tot["own_funds"].sum()), "eur"),
        (_t("kf.budget", ri), float(tot["budget"].sum()), "eur"),
        (_t("kf.slack", ri), float(tot["slack"].sum()), "eur"),
        (_t("kf.commitments", ri), float(tot["commitment"].sum()), "eur"),
        (_t("kf.staff", ri), float(sum(y.staff_days for y in plan.years)), "days"),
        (_t("kf.operating_after", ri, end=str(pf.horizon.end)), _operating_after(ri), "eur"),
    ]


def _operating_after(ri: ReportInputs) -> float:
    """Operating costs per year that the plan leaves to the years after the horizon."""
    return float(sum(ri.portfolio.project(i).operating_cost for i in ri.plan.selected))


def _programme_name(ri: ReportInputs, programme: str | None) -> str:
    if programme is None:
        return _t("word.no_programme", ri)
    return ri.portfolio.programme(programme).name


def priorities_table(ri: ReportInputs) -> Table:
    plan, pf = ri.plan, ri.portfolio
    chosen = sorted((d for d in plan.projects if d.selected), key=lambda d: ri.ranks[d.id])
    rows = tuple(
        (
            ri.ranks[d.id],
            pf.project(d.id).name,
            field_label(pf.project(d.id).field, ri.lang),
            format_period(int(d.start or 0), int(d.finish or 0)),
            d.benefit,
            _programme_name(ri, d.programme),
            float((d.grant or 0.0) + (d.own_cost or 0.0)),
            d.grant,
            d.own_cost,
            _t("word.yes", ri) if pf.project(d.id).mandatory else "",
        )
        for d in chosen
    )
    return Table(
        "priorities",
        _t("table.priorities", ri),
        _columns(
            ri,
            "rank",
            "project",
            "field",
            "period",
            "benefit",
            "programme",
            "investment",
            "grant",
            "own_share",
            "mandatory",
        ),
        ("int", "text", "text", "text", "points", "text", "eur", "eur", "eur", "text"),
        rows,
        row_header=1,
    )


_BLOCK_ORDER = (
    "no_start",
    "exclusive",
    "requires_missing",
    "focus",
    "requires_late",
    "budget",
    "staff",
    "fits",
)


def main_reason(ri: ReportInputs, project_id: str) -> str:
    """The first blocking reason of a left-out project, as a short label."""
    kinds = {r.kind for r in ri.explanations[project_id].reasons} if project_id in ri.explanations else set()
    for kind in _BLOCK_ORDER:
        if kind in kinds:
            return _t(f"kind.{kind}", ri)
    return "–"


def left_out_table(ri: ReportInputs) -> Table:
    """Projects left out, by benefit, with their main reason and, after re-solves, the benefit that brings them in."""
    plan, pf = ri.plan, ri.portfolio
    arr = pf.arrays
    chosen = set(plan.selected)
    out = [(i, p) for i, p in enumerate(pf.projects) if p.id not in chosen]
    out.sort(key=lambda ip: (-float(arr.benefit[ip[0]]), ip[1].id))
    flips = {p.id: _flip(ri, p.id) for _, p in out}
    with_flip = any(v is not None for v in flips.values())
    rows = tuple(
        (
            p.name,
            field_label(p.field, ri.lang),
            float(arr.benefit[i]),
            p.total_cost,
            main_reason(ri, p.id),
            *((flips[p.id],) if with_flip else ()),
        )
        for i, p in out
    )
    keys = ("project", "field", "benefit", "investment", "reason", *(("flip",) if with_flip else ()))
    kinds: tuple[CellKind, ...] = ("text", "text", "points", "eur", "text", *(("points",) if with_flip else ()))
    return Table("left_out", _t("table.left_out", ri), _columns(ri, *keys), kinds, rows, row_header=0)


def _flip(ri: ReportInputs, project_id: str) -> float | None:
    if project_id not in ri.explanations:
        return None
    value = ri.explanations[project_id].flip_benefit
    return None if value is None or not math.isfinite(value) else value


def financing_rows(ri: ReportInputs) -> list[tuple[str, str, list[float], bool]]:
    """The rows of the wide financing plan: (key, label, one value per year, is a total row)."""
    fp = ri.financing
    years = [y.year for y in ri.plan.years]
    tot = _totals(ri)

    def col(name: str) -> list[float]:
        values = _by_year(tot, name)
        return [values[y] for y in years]

    rows: list[tuple[str, str, list[float], bool]] = [
        ("investment", _t("fin.investment", ri), col("investment"), False)
    ]
    progs = fp[(fp["level"] == "programme") & fp["programme"].notna()]
    for prog in dict.fromkeys(progs["programme"]):
        part = _by_year(progs[progs["programme"] == prog].set_index("year"), "grant")
        rows.append(
            (
                f"grant:{prog}",
                _t("fin.grant_programme", ri, programme=ri.portfolio.programme(str(prog)).name),
                [part[y] for y in years],
                False,
            )
        )
    rows += [
        ("grant", _t("fin.grant", ri), col("grant"), True),
        ("own_share", _t("fin.own_share", ri), col("own_share"), False),
        ("operating", _t("fin.operating", ri), col("operating"), False),
        ("own_funds", _t("fin.own_funds", ri), col("own_funds"), True),
        ("budget", _t("fin.budget", ri), col("budget"), False),
        ("slack", _t("fin.slack", ri), col("slack"), True),
        ("commitment", _t("fin.commitment", ri), col("commitment"), False),
        ("commitment_gross", _t("fin.commitment_gross", ri), col("commitment_gross"), False),
    ]
    return rows


def financing_table(ri: ReportInputs) -> Table:
    years = [y.year for y in ri.plan.years]
    rows = financing_rows(ri)
    return Table(
        "financing",
        _t("table.financing", ri, horizon=_horizon(ri.portfolio)),
        (_t("col.item", ri), *(str(y) for y in years), _t("col.total", ri)),
        ("text", *_kinds("eur", len(years)), "eur"),
        tuple((label, *values, float(sum(values))) for _, label, values, _ in rows),
        row_header=0,
        totals=frozenset(k for k, (_, _, _, total) in enumerate(rows) if total),
        note=_t("note.rounding", ri),
    )


def programmes_table(ri: ReportInputs) -> Table:
    summary = programme_summary(ri.plan, ri.portfolio)
    rows = tuple(
        (
            r["name"],
            float(r["rate"]),
            None if math.isnan(r["max_grant"]) else float(r["max_grant"]),
            None if math.isnan(r["pot"]) else float(r["pot"]),
            r["windows"] or _t("word.any_year", ri),
            int(r["projects"]),
            float(r["grant"]),
            None if math.isnan(r["pot_left"]) else float(r["pot_left"]),
        )
        for _, r in summary.iterrows()
    )
    return Table(
        "programmes",
        _t("table.programmes", ri),
        _columns(ri, "programme", "rate", "max_grant", "pot", "windows", "projects", "grant", "pot_left"),
        ("text", "percent", "eur", "eur", "text", "int", "eur", "eur"),
        rows,
    )


def criteria_table(ri: ReportInputs) -> Table | None:
    crit = ri.portfolio.criteria
    total = sum(c.weight for c in crit)
    if not crit or total <= 0:
        return None
    return Table(
        "criteria",
        _t("table.criteria", ri),
        _columns(ri, "criterion", "weight"),
        ("text", "percent"),
        tuple((c.name, c.weight / total) for c in crit),
    )


def schedule_table(ri: ReportInputs) -> Table:
    """Per selected project the years it runs: a text Gantt from the plan (used when no roadmap is given)."""
    plan, pf = ri.plan, ri.portfolio
    years = list(pf.horizon.calendar_years)
    chosen = sorted((d for d in plan.projects if d.selected), key=lambda d: (d.start, d.finish, d.id))
    rows = tuple(
        (
            pf.project(d.id).name,
            d.start,
            d.finish,
            *("■" if int(d.start or 0) <= y <= int(d.finish or 0) else "" for y in years),
        )
        for d in chosen
    )
    return Table(
        "schedule",
        _t("table.schedule", ri),
        (*_columns(ri, "project", "start", "finish"), *(str(y) for y in years)),
        ("text", "year", "year", *_kinds("text", len(years))),
        rows,
    )


def funding_costs_table(ri: ReportInputs, project_id: str) -> Table:
    d = ri.plan.decision(project_id)
    py = project_years(ri.portfolio, project_id, int(d.start or 0), float(d.grant or 0.0))
    years = list(ri.portfolio.horizon.calendar_years)
    rows: list[tuple[Any, ...]] = [
        (y, float(py.cost[t]), float(py.grant[t]), float(py.own_share[t]))
        for t, y in enumerate(years)
        if py.cost[t] > 0 or py.grant[t] > 0
    ]
    rows.append((_t("col.total", ri), float(py.cost.sum()), float(py.grant.sum()), float(py.own_share.sum())))
    return Table(
        f"funding_costs:{project_id}",
        _t("table.funding_costs", ri, project=ri.portfolio.project(project_id).name),
        _columns(ri, "year", "investment", "grant", "own_share"),
        ("year", "eur", "eur", "eur"),
        tuple(rows),
        totals=frozenset({len(rows) - 1}),
    )


# --------------------------------------------------------------------------- reusable sections
def _explained(ri: ReportInputs, selected: bool) -> Explained:
    pf = ri.portfolio
    items = [p for p in ri.explanations if p.selected == selected]
    if selected:
        items.sort(key=lambda p: ri.ranks.get(p.project, 0))
    else:
        items.sort(key=lambda p: (-p.benefit, p.project))
    lead = (
        (lambda p: f"{ri.ranks[p.project]}. {pf.project(p.project).name}")
        if selected
        else (lambda p: pf.project(p.project).name)
    )
    return Explained(tuple((lead(p), p.text(ri.lang)) for p in items))


def _charts_available() -> bool:
    from kommunal_planner.report._charts import have_matplotlib

    return have_matplotlib()


def _budget_chart(ri: ReportInputs) -> list[Block]:
    if not _charts_available():
        return []
    from kommunal_planner.report._charts import budget_chart

    return [Chart("budget", _t("chart.budget_title", ri), lambda: budget_chart(ri.plan, ri.lang))]


def _field_chart(ri: ReportInputs) -> list[Block]:
    if not _charts_available():
        return []
    from kommunal_planner.report._charts import benefit_by_field_chart

    return [
        Chart("fields", _t("chart.field_title", ri), lambda: benefit_by_field_chart(ri.plan, ri.portfolio, ri.lang))
    ]


def _section_blocks(ri: ReportInputs, section: ReportSection, key: str, level: int) -> list[Block]:
    blocks: list[Block] = [Heading(section.title, level, key)]
    blocks += [Paragraph(p) for p in section.paragraphs]
    for k, (caption, frame) in enumerate(section.tables):
        blocks.append(frame_table(f"{key}:{k}", caption, frame, ri.lang))
    for k, (title, fig) in enumerate(section.figures):
        blocks.append(Chart(f"{key}-fig{k}", title, partial(_same, fig)))
    return blocks


def _same(fig: Any) -> Any:
    return fig


def _roadmap_blocks(ri: ReportInputs, level: int) -> list[Block]:
    if ri.roadmap is not None:
        return _section_blocks(ri, ri.roadmap, "roadmap", level)
    blocks: list[Block] = [Heading(_t("h.roadmap", ri), level, "roadmap"), Paragraph(_t("report.no_roadmap", ri))]
    if _charts_available():
        from kommunal_planner.report._charts import gantt_chart

        blocks.append(Chart("gantt", _t("chart.gantt_title", ri), lambda: gantt_chart(ri.plan, ri.portfolio, ri.lang)))
    blocks.append(schedule_table(ri))
    return blocks


def _robustness_blocks(ri: ReportInputs, level: int) -> list[Block]:
    blocks: list[Block] = []
    if ri.robustness is not None:
        blocks += _section_blocks(ri, ri.robustness, "robustness", level)
        if ri.frequencies and _charts_available():
            from kommunal_planner.report._charts import frequency_chart

            names = {p.id: p.name for p in ri.portfolio.projects}
            freqs = ri.frequencies
            blocks.append(
                Chart(
                    "frequencies",
                    _t("chart.frequency_title", ri),
                    lambda: frequency_chart(freqs, names, ri.lang, threshold=STABLE_SHARE),
                )
            )
    else:
        blocks += [Heading(_t("h.robustness", ri), level, "robustness"), Paragraph(_t("report.no_robustness", ri))]
    return blocks


def _comparison_blocks(ri: ReportInputs, level: int) -> list[Block]:
    if ri.comparison is None:
        return [Heading(_t("h.scenarios", ri), level, "scenarios"), Paragraph(_t("report.no_scenarios", ri))]
    blocks = _section_blocks(ri, ri.comparison, "scenarios", level)
    for _, frame in ri.comparison.tables:
        if {"own_funds", "benefit"} <= set(frame.columns) and len(frame) > 1 and _charts_available():
            from kommunal_planner.report._charts import frontier_chart

            blocks.append(Chart("frontier", _t("chart.frontier_title", ri), partial(frontier_chart, frame, ri.lang)))
            break
    return blocks


def risk_items(ri: ReportInputs) -> list[str]:
    """Risks backed by figures: approval chances of programmes, tight years, robustness where given."""
    plan, pf = ri.plan, ri.portfolio
    items: list[str] = []
    expected: dict[str, float] = {}
    for d in plan.projects:
        if d.selected and d.programme:
            prob = pf.programme(d.programme).approval_probability
            expected[d.programme] = expected.get(d.programme, 0.0) + float(d.grant or 0.0) * (1.0 - prob)
    total_grant = plan.total_grant
    shortfall = sum(expected.values())
    if shortfall > 0.5:
        worst = max(expected, key=lambda k: expected[k])
        items.append(
            _t(
                "risk.approval",
                ri,
                expected=_eur(shortfall, ri),
                grant=_eur(total_grant, ri),
                programme=quote(pf.programme(worst).name, ri.lang),
                amount=_eur(expected[worst], ri),
            )
        )
    tight = [y for y in plan.years if y.budget > 0 and y.slack <= TIGHT_SHARE * y.budget]
    if tight:
        items.append(
            _t(
                "risk.tight",
                ri,
                items=join_list([f"{y.year} ({_eur(max(0.0, y.slack), ri)})" for y in tight], ri.lang),
                share=format_percent(TIGHT_SHARE, ri.lang),
            )
        )
    after = _operating_after(ri)
    if after > 0:
        items.append(_t("risk.operating", ri, start=str(pf.horizon.end + 1), amount=_eur(after, ri)))
    freqs = ri.frequencies
    if freqs:
        chosen = [i for i in plan.selected if i in freqs]
        shaky = sorted((i for i in chosen if freqs[i] < STABLE_SHARE), key=lambda i: (freqs[i], i))
        items.append(
            _t(
                "risk.robust",
                ri,
                stable=str(len(chosen) - len(shaky)),
                count=str(len(chosen)),
                threshold=format_percent(STABLE_SHARE, ri.lang),
            )
        )
        for i in shaky:
            items.append(
                _t(
                    "risk.unstable",
                    ri,
                    name=quote(pf.project(i).name, ri.lang),
                    share=format_percent(freqs[i], ri.lang),
                )
            )
    if ri.robustness is not None:
        items.extend(ri.robustness.risks)
    else:
        items.append(_t("risk.no_robustness", ri))
    return items


def _method_text(ri: ReportInputs) -> list[Block]:
    plan = ri.plan
    seconds = float(sum(plan.times.values()))
    blocks: list[Block] = [
        Paragraph(
            _t(
                "report.method",
                ri,
                solver=plan.solver + (f" {plan.solver_version}" if plan.solver_version else ""),
                seconds=format_number(seconds, ri.lang, 1),
                goal=_t(f"goal.{plan.objective_name}", ri),
                status=_status_label(ri),
            )
        ),
        Paragraph(_t("note.rounding", ri)),
    ]
    if not ri.explanations.resolved:
        blocks.append(Paragraph(_t("report.no_resolve", ri)))
    return blocks


# --------------------------------------------------------------------------- documents
def build_report(ri: ReportInputs) -> Document:
    """The full report (HTML): summary, priorities, reasons, financing plan, roadmap, scenarios, method."""
    pf = ri.portfolio
    blocks: list[Block] = [
        Heading(_t("h.summary", ri), 2, "summary"),
        *(Paragraph(r.text(ri.lang)) for r in ri.explanations.summary),
        key_figures_table(ri),
        *_budget_chart(ri),
        Heading(_t("h.priorities", ri), 2, "priorities"),
        priorities_table(ri),
        *_field_chart(ri),
        Heading(_t("h.reasons_in", ri), 3, "reasons-in"),
        _explained(ri, True),
        Heading(_t("h.left_out", ri), 2, "left-out"),
        left_out_table(ri),
        Heading(_t("h.reasons_out", ri), 3, "reasons-out"),
        _explained(ri, False),
        Heading(_t("h.financing", ri), 2, "financing"),
        financing_table(ri),
        Paragraph(_t("report.commitments", ri)),
        programmes_table(ri),
        *_roadmap_blocks(ri, 2),
        *_comparison_blocks(ri, 2),
        *_robustness_blocks(ri, 2),
        Heading(_t("h.risks", ri), 2, "risks"),
        Bullets(tuple(risk_items(ri))),
        Heading(_t("h.method", ri), 2, "method"),
        *_method_text(ri),
    ]
    crit = criteria_table(ri)
    if crit is not None:
        blocks.append(crit)
    return Document(
        "report",
        _t("doc.report_title", ri, name=pf.name, horizon=_horizon(pf)),
        ri.lang,
        tuple(blocks),
        subtitle=_t("doc.subtitle", ri, date=format_date(ri.date, ri.lang), status=_status_label(ri)),
    )


def build_council(ri: ReportInputs) -> Document:
    """The council paper (Ratsvorlage): resolution, facts with priorities and reasons, financial effects, risks."""
    plan, pf = ri.plan, ri.portfolio
    tot = _totals(ri)
    years = [y.year for y in plan.years]
    funded = [d for d in plan.projects if d.selected and d.programme]
    investment = float(tot["investment"].sum())
    commitments = float(tot["commitment"].sum())
    first = years[0]
    resolution = [
        _t(
            "council.resolution.programme",
            ri,
            horizon=_horizon(pf),
            count=str(len(plan.selected)),
            investment=_eur(investment, ri),
        )
    ]
    if funded:
        resolution.append(
            _t(
                "council.resolution.funding",
                ri,
                count=str(len(funded)),
                grant=_eur(float(sum(d.grant or 0.0 for d in funded)), ri),
            )
        )
    resolution.append(
        _t(
            "council.resolution.budget",
            ri,
            own_funds=_eur(float(tot["own_funds"].sum()), ri),
            first=str(first),
            last=str(years[-1]),
        )
    )
    if commitments > 0.5:
        resolution.append(
            _t(
                "council.resolution.commitments",
                ri,
                total=_eur(commitments, ri),
                first=str(first),
                first_amount=_eur(_by_year(tot, "commitment")[first], ri),
            )
        )
    resolution.append(_t("council.resolution.report", ri, year=str(first + 1)))
    crit = criteria_table(ri)
    blocks: list[Block] = [
        KeyValues(
            (
                (_t("council.kv.municipality", ri), pf.name),
                (_t("council.kv.body", ri), _t("council.body", ri)),
                (_t("council.kv.date", ri), format_date(ri.date, ri.lang)),
                (_t("council.kv.subject", ri), _t("council.subject", ri, horizon=_horizon(pf))),
            )
        ),
        Heading(_t("h.resolution", ri), 2, "resolution"),
        Bullets(tuple(resolution), ordered=True),
        Heading(_t("h.facts", ri), 2, "facts"),
        Heading(_t("h.situation", ri), 3, "situation"),
        Paragraph(
            _t(
                "council.situation",
                ri,
                count=str(len(pf.projects)),
                fields=str(len(pf.fields)),
                criteria=str(len(pf.criteria)),
            )
        ),
    ]
    if crit is not None:
        blocks.append(crit)
    blocks += [
        Heading(_t("h.method_council", ri), 3, "method"),
        Paragraph(_t("council.method", ri, goal=_t(f"goal.{plan.objective_name}", ri))),
        Heading(_t("h.result", ri), 3, "result"),
        *(Paragraph(r.text(ri.lang)) for r in ri.explanations.summary),
        priorities_table(ri),
        Heading(_t("h.reasons_in", ri), 3, "reasons-in"),
        _explained(ri, True),
        Heading(_t("h.left_out", ri), 3, "left-out"),
        left_out_table(ri),
        _explained(ri, False),
        Heading(_t("h.finance", ri), 2, "finance"),
        Paragraph(_t("council.finance", ri, horizon=_horizon(pf))),
        financing_table(ri),
        Paragraph(_t("report.commitments", ri)),
        programmes_table(ri),
    ]
    after = _operating_after(ri)
    if after > 0:
        blocks.append(Paragraph(_t("council.operating_after", ri, end=str(pf.horizon.end), amount=_eur(after, ri))))
    blocks += [
        *_roadmap_blocks(ri, 2),
        Heading(_t("h.risks", ri), 2, "risks"),
        Bullets(tuple(risk_items(ri))),
    ]
    if ri.comparison is not None:
        blocks += _comparison_blocks(ri, 3)
    blocks += [
        Heading(_t("h.attachments", ri), 2, "attachments"),
        Bullets(
            (
                _t("council.attachment.projects", ri),
                _t("council.attachment.funding", ri, count=str(len(funded))),
                _t("council.attachment.financing", ri),
            )
        ),
    ]
    return Document(
        "council",
        _t("doc.council_title", ri),
        ri.lang,
        tuple(blocks),
    )


#: Reasons a funder needs (priority, benefit, duty, dependencies, how robust the priority is); what the plan
#: would do without the project is for the council, not for an application.
_ANNEX_KINDS = frozenset({"mandatory", "rank", "benefit", "funding", "requires", "enables", "flip"})


def build_funding(ri: ReportInputs, projects: Iterable[str] | None = None) -> Document:
    """One funding-application annex (Förderantrag-Anlage) per funded project, or per project in *projects*."""
    plan, pf = ri.plan, ri.portfolio
    wanted = list(projects) if projects is not None else [d.id for d in plan.projects if d.selected and d.programme]
    for pid in wanted:
        d = plan.decision(pid)
        if not d.selected:
            raise KommunalPlannerError(f"project '{pid}' is not in the plan; no funding annex for it")
    wanted.sort(key=lambda i: ri.ranks[i])
    blocks: list[Block] = []
    if not wanted:
        blocks.append(Paragraph(_t("funding.none", ri, count=str(len(plan.selected)))))
    for k, pid in enumerate(wanted):
        d = plan.decision(pid)
        p = pf.project(pid)
        expl = ri.explanations[pid]
        if k:
            blocks.append(PageBreak())
        investment = float((d.grant or 0.0) + (d.own_cost or 0.0))
        blocks += [
            Heading(_t("funding.heading", ri, project=p.name), 2, f"annex-{k + 1}"),
            KeyValues(
                (
                    (_t("funding.kv.applicant", ri), pf.name),
                    (_t("funding.kv.programme", ri), _programme_name(ri, d.programme)),
                    (_t("funding.kv.project", ri), f"{p.name} ({p.id})"),
                    (_t("funding.kv.field", ri), field_label(p.field, ri.lang)),
                    (_t("funding.kv.period", ri), format_period(int(d.start or 0), int(d.finish or 0))),
                    (
                        _t("funding.kv.priority", ri),
                        _t("funding.priority", ri, rank=str(ri.ranks[pid]), count=str(len(plan.selected))),
                    ),
                    (_t("funding.kv.resolution", ri), _t("funding.resolution", ri)),
                )
            ),
            Heading(_t("h.justification", ri), 3, ""),
            *(Paragraph(r.text(ri.lang)) for r in expl.reasons if r.kind in _ANNEX_KINDS),
            Heading(_t("h.costs", ri), 3, ""),
            funding_costs_table(ri, pid),
        ]
        if d.programme:
            blocks.append(
                Paragraph(
                    _t(
                        "funding.grant",
                        ri,
                        grant=_eur(float(d.grant or 0.0), ri),
                        share=format_percent(float(d.grant or 0.0) / investment if investment > 0 else 0.0, ri.lang, 1),
                        investment=_eur(investment, ri),
                        own=_eur(float(d.own_cost or 0.0), ri),
                    )
                )
            )
        if p.operating_cost > 0:
            blocks.append(
                Paragraph(
                    _t(
                        "funding.operating",
                        ri,
                        operating=_eur(p.operating_cost, ri),
                        start=str(int(d.finish or 0) + 1),
                    )
                )
            )
        blocks.append(Paragraph(_t("funding.start", ri, start=str(d.start))))
    return Document(
        "funding",
        _t("doc.funding_title", ri, name=pf.name),
        ri.lang,
        tuple(blocks),
        subtitle=format_date(ri.date, ri.lang),
    )
