"""Drawing and writing a roadmap: the Gantt chart and the pool load (matplotlib, imported lazily), Mermaid ``gantt``
text, a Markdown page and an Excel sheet.

Charts are readable in grey: every field of action has a hatch pattern as well as a colour, the critical chain a
thick outline, funding windows a cross-hatch. Figures are made with :class:`matplotlib.figure.Figure` directly (no
pyplot, no global state; PNG through the Agg canvas). Text from the input (names, ids) is data: it is stripped of
what Mermaid, Markdown or a spreadsheet would read as syntax or a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import logging
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from kommunal_planner._optional import new_figure, require_matplotlib
from kommunal_planner.errors import KommunalPlannerError, Location, ValidationError
from kommunal_planner.io._atomic import atomic_path, write_bytes_atomic, write_text_atomic
from kommunal_planner.roadmap._graph import phase_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from kommunal_planner.roadmap._roadmap import Roadmap

__all__ = ["excel_sheet", "gantt_figure", "load_figure", "markdown_page", "mermaid_gantt", "write_outputs"]

logger = logging.getLogger(__name__)

#: Okabe–Ito colours (distinct for colour-blind readers) and hatches that keep the fields apart in grey.
FIELD_COLOURS = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#999999",
    "#882255",
    "#44AA99",
)
FIELD_HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo", "--", "||", "**")
_CHAIN = "#7a0000"
_RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "hatch.linewidth": 0.5,
    "svg.fonttype": "path",
    "svg.hashsalt": "kommunal-planner-roadmap",
}
_LABELS: dict[str, dict[str, str]] = {
    "de": {
        "quarter": "Quartal",
        "windows": "Förderfenster",
        "milestones": "Meilensteine",
        "chain": "kritische Kette",
        "critical": "kritisch (ohne Puffer)",
        "wait": "wartet auf Kapazität",
        "horizon": "Ende des Planungszeitraums",
        "capacity": "Kapazität",
        "unlimited": "unbegrenzt",
        "days": "Personentage",
        "gantt_title": "Roadmap {name}",
        "early_title": "Roadmap {name} – früheste Termine ohne Kapazitätsgrenzen",
        "load_title": "Auslastung – {pool}",
        "projects": "Projekte",
        "phases": "Phasen",
        "issues": "Hinweise",
        "phase": "Phase",
        "start": "Beginn",
        "finish": "Ende",
        "slack": "Puffer (Quartale)",
        "critical_col": "kritisch",
        "name": "Projekt",
        "count": "Anzahl",
        "years": "Startjahre",
        "cost": "Investition",
        "grant": "Förderung",
        "own": "Eigenanteil",
        "yes": "ja",
        "no": "",
    },
    "en": {
        "quarter": "quarter",
        "windows": "Funding window",
        "milestones": "Milestones",
        "chain": "critical chain",
        "critical": "critical (no slack)",
        "wait": "waiting for capacity",
        "horizon": "end of planning period",
        "capacity": "capacity",
        "unlimited": "unlimited",
        "days": "person-days",
        "gantt_title": "Roadmap {name}",
        "early_title": "Roadmap {name} – earliest dates without capacity limits",
        "load_title": "Load – {pool}",
        "projects": "Projects",
        "phases": "Phases",
        "issues": "Notes",
        "phase": "phase",
        "start": "start",
        "finish": "finish",
        "slack": "slack (quarters)",
        "critical_col": "critical",
        "name": "project",
        "count": "count",
        "years": "start years",
        "cost": "investment",
        "grant": "grants",
        "own": "own share",
        "yes": "yes",
        "no": "",
    },
}


def _rc() -> Any:
    return dict(_RC)


def _new_figure(width: float, height: float) -> Figure:
    return new_figure(width, height, what="roadmap charts", extra="plot")


def field_styles(fields: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    """Colour and hatch of each field of action, in the portfolio's field order.

    Examples
    --------
    >>> field_styles(("administration", "mobility"))["mobility"]
    ('#E69F00', '//')
    """
    return {
        f: (FIELD_COLOURS[i % len(FIELD_COLOURS)], FIELD_HATCHES[i % len(FIELD_HATCHES)]) for i, f in enumerate(fields)
    }


def _short(name: str, width: int = 38) -> str:
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


def _year_axis(ax: Axes, start_year: int, quarters: int) -> None:
    """Year boundaries as major ticks and grid lines, the year names centred in between, quarters as light lines."""
    bounds = list(range(0, quarters + 1, 4))
    ax.set_xticks(bounds, [""] * len(bounds))
    centres = [t + 2 for t in bounds if t + 2 < quarters]
    ax.set_xticks(centres, [str(start_year + t // 4) for t in centres], minor=True)
    ax.tick_params(axis="x", which="minor", length=0)
    for t in range(quarters + 1):
        if t % 4:
            ax.axvline(t, color="#ececec", linewidth=0.4, zorder=0)
    ax.set_xlim(0, quarters)
    ax.grid(axis="x", which="major", color="#bdbdbd", linewidth=0.7)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _funding_lanes(rm: Roadmap) -> list[tuple[str, tuple[int, ...]]]:
    """Programmes with application windows that fund a project of the roadmap: (name, window years)."""
    used = {rm.graph.nodes[pid]["programme"] for pid in rm.ids} - {None}
    lanes = []
    for prog in rm.portfolio.programmes:
        if prog.id in used and prog.windows is not None:
            lanes.append((prog.name, prog.windows))
    return lanes


def gantt_figure(rm: Roadmap, lang: str = "de", *, schedule: str = "levelled") -> Figure:
    """The roadmap as a Gantt chart by quarter (see :meth:`Roadmap.gantt`)."""
    require_matplotlib("roadmap charts")
    import matplotlib as mpl
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    lab = _LABELS[lang]
    cal = rm.calendar
    if schedule == "early":
        starts = np.asarray(rm.cpm.earliest_start)
        chain = rm.cpm.chain
        title = lab["early_title"].format(name=rm.portfolio.name)
        quarters = max(cal.horizon_quarters, rm.cpm.length)
    elif schedule == "levelled":
        starts = np.asarray(rm.schedule.starts)
        chain = rm.schedule.chain
        title = lab["gantt_title"].format(name=rm.portfolio.name)
        quarters = rm.quarters
    else:
        raise ValidationError("", location=Location(path="schedule"), expected="'levelled' or 'early'", found=schedule)
    finishes = starts + np.asarray(cal.durations)
    phase_rank = {key: i for i, (key, _) in enumerate(cal.phases)}
    order = sorted(range(cal.n), key=lambda j: (phase_rank[rm.phase_of[cal.ids[j]]], int(starts[j]), cal.ids[j]))
    lanes = _funding_lanes(rm)
    milestones = rm.milestones(lang)
    top = len(lanes) + (1 if milestones else 0)
    styles = field_styles(rm.portfolio.fields)
    rows = cal.n + top
    with mpl.rc_context(_rc()):
        fig = _new_figure(10.0, 0.26 * rows + 1.9)
        ax = fig.add_subplot()
        ax.set_title(title, loc="left", fontsize=10)
        y_labels: list[str] = []
        if milestones:
            y = len(y_labels)
            y_labels.append(lab["milestones"])
            merged: dict[int, list[str]] = {}
            for name, q in milestones:
                merged.setdefault(q, []).append(name)
            for k, (q, names) in enumerate(sorted(merged.items())):
                ax.plot([q + 1], [y], marker="D", color="black", markersize=5, linestyle="none")
                right = q + 1 > 0.8 * quarters
                # Neighbouring labels alternate above and below the lane so that they do not overprint.
                ax.annotate(
                    "; ".join(_short(name, 30) for name in names),
                    (q + 1, y),
                    xytext=(-4 if right else 4, 4 if k % 2 == 0 else -9),
                    textcoords="offset points",
                    fontsize=6,
                    ha="right" if right else "left",
                )
                ax.axvline(q + 1, color="#555555", linewidth=0.6, linestyle=":")
        for name, years in lanes:
            y = len(y_labels)
            y_labels.append(f"{lab['windows']}: {_short(name, 28)}")
            for year in years:
                t = (year - cal.start_year) * 4
                ax.add_patch(
                    Rectangle((t, y - 0.3), 4, 0.6, facecolor="#f2f2f2", edgecolor="#555555", hatch="xx", linewidth=0.5)
                )
        if top:
            ax.axhline(top - 0.5, color="#333333", linewidth=0.6)
        chain_set = set(chain)
        current_phase = None
        ypos: dict[str, int] = {}
        for j in order:
            pid = cal.ids[j]
            y = len(y_labels)
            ypos[pid] = y
            node = rm.graph.nodes[pid]
            colour, hatch = styles[node["field"]]
            phase = rm.phase_of[pid]
            if phase != current_phase:
                if current_phase is not None:
                    ax.axhline(y - 0.5, color="#999999", linewidth=0.5, linestyle="--")
                ax.annotate(
                    phase_label(phase, lang),
                    (quarters, y - 0.45),
                    xytext=(-2, 0),
                    textcoords="offset points",
                    ha="right",
                    va="top",
                    fontsize=6,
                    style="italic",
                    color="#333333",
                )
                current_phase = phase
            y_labels.append(_short(node["name"]))
            on_chain = pid in chain_set
            ax.barh(
                y,
                int(cal.durations[j]),
                0.62,
                left=int(starts[j]),
                color=colour,
                hatch=hatch,
                edgecolor=_CHAIN if on_chain else "black",
                linewidth=2.0 if on_chain else 0.5,
            )
            if schedule == "levelled" and starts[j] > cal.release[j]:
                ax.plot([cal.release[j], starts[j]], [y, y], color="#555555", linewidth=0.8, linestyle=":")
                ax.plot([cal.release[j]], [y], marker="|", color="#555555", markersize=6)
        for a, b in itertools.pairwise(chain):
            ja, jb = cal.ids.index(a), cal.ids.index(b)
            ax.annotate(
                "",
                xy=(float(starts[jb]), ypos[b]),
                xytext=(float(finishes[ja]), ypos[a]),
                arrowprops={"arrowstyle": "->", "color": _CHAIN, "linewidth": 1.0, "shrinkA": 0, "shrinkB": 0},
            )
        if quarters > cal.horizon_quarters:
            ax.axvline(cal.horizon_quarters, color="black", linewidth=1.0)
        ax.set_yticks(range(len(y_labels)), y_labels, fontsize=7)
        ax.set_ylim(len(y_labels) - 0.5, -0.7)
        _year_axis(ax, cal.start_year, quarters)
        handles: list[Any] = [
            Patch(facecolor=styles[f][0], hatch=styles[f][1], edgecolor="black", label=f)
            for f in rm.portfolio.fields
            if any(rm.graph.nodes[pid]["field"] == f for pid in cal.ids)
        ]
        handles.append(Patch(facecolor="white", edgecolor=_CHAIN, linewidth=2.0, label=lab["chain"]))
        if schedule == "levelled" and np.any(starts > cal.release):
            handles.append(Line2D([], [], color="#555555", linestyle=":", marker="|", label=lab["wait"]))
        if lanes:
            handles.append(Patch(facecolor="#f2f2f2", edgecolor="#555555", hatch="xx", label=lab["windows"]))
        if milestones:
            handles.append(Line2D([], [], color="black", marker="D", linestyle="none", label=lab["milestones"]))
        if quarters > cal.horizon_quarters:
            handles.append(Line2D([], [], color="black", linewidth=1.0, label=lab["horizon"]))
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.04), ncols=4, frameon=False, fontsize=7)
    return fig


def load_figure(rm: Roadmap, lang: str = "de") -> Figure:
    """Booked person-days per pool and quarter stacked by field, with the capacity as a step line."""
    require_matplotlib("roadmap charts")
    import matplotlib as mpl
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    lab = _LABELS[lang]
    cal = rm.calendar
    quarters = rm.quarters
    styles = field_styles(rm.portfolio.fields)
    fields = [f for f in rm.portfolio.fields if any(rm.graph.nodes[pid]["field"] == f for pid in cal.ids)]
    by_field = np.zeros((len(fields), len(cal.pools), quarters))
    for j, pid in enumerate(cal.ids):
        s, d = int(rm.schedule.starts[j]), int(cal.durations[j])
        end = min(s + d, quarters)
        by_field[fields.index(rm.graph.nodes[pid]["field"]), :, s:end] += cal.demand[j][:, : end - s]
    x = np.arange(quarters) + 0.5
    with mpl.rc_context(_rc()):
        fig = _new_figure(10.0, 2.0 * len(cal.pools) + 1.0)
        axes = fig.subplots(len(cal.pools), 1, sharex=True, squeeze=False)[:, 0]
        for k, (ax, pool) in enumerate(zip(axes, cal.pools, strict=True)):
            bottom = np.zeros(quarters)
            for f, fld in enumerate(fields):
                colour, hatch = styles[fld]
                ax.bar(
                    x, by_field[f, k], 0.8, bottom=bottom, color=colour, hatch=hatch, edgecolor="black", linewidth=0.4
                )
                bottom += by_field[f, k]
            cap = cal.capacity[k, :quarters]
            if np.isfinite(cap).any():
                steps = np.append(cap, cap[-1])
                ax.step(
                    np.arange(quarters + 1),
                    np.where(np.isfinite(steps), steps, np.nan),
                    where="post",
                    color="black",
                    linewidth=1.2,
                )
            else:
                ax.text(
                    0.99, 0.95, f"{lab['capacity']}: {lab['unlimited']}", transform=ax.transAxes, ha="right", va="top"
                )
            ax.set_title(lab["load_title"].format(pool=pool.name), loc="left", fontsize=9)
            ax.set_ylabel(lab["days"])
            ax.grid(axis="y", color="#ececec", linewidth=0.5)
            _year_axis(ax, cal.start_year, quarters)
        handles: list[Any] = [
            Patch(facecolor=styles[f][0], hatch=styles[f][1], edgecolor="black", label=f) for f in fields
        ]
        handles.append(Line2D([], [], color="black", linewidth=1.2, label=lab["capacity"]))
        axes[-1].legend(
            handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=5, frameon=False, fontsize=7
        )
    return fig


# --------------------------------------------------------------------------- Mermaid and Markdown
# Mermaid ends a task name at ':', takes '#' and ';' as syntax, '%%' as a comment and brackets or angle brackets
# as markup in some renderers; a line break would start a new statement.
_MERMAID_BAD = re.compile(r"[:;#%\[\]{}<>`\"\\\x00-\x1f\x7f]+")
_MERMAID_KEYWORDS = (
    "title",
    "section",
    "dateformat",
    "axisformat",
    "tickinterval",
    "excludes",
    "includes",
    "todaymarker",
    "weekday",
    "inclusiveenddates",
    "topaxis",
    "displaymode",
    "acctitle",
    "accdescr",
    "click",
    "gantt",
)


def mermaid_text(value: str) -> str:
    """*value* as one line of Mermaid text: syntax characters become spaces, a leading keyword is quoted away.

    Examples
    --------
    >>> mermaid_text("Portal: Phase 1; #2 %% x")
    'Portal Phase 1 2 x'
    >>> mermaid_text("section A")
    '› section A'
    """
    out = " ".join(_MERMAID_BAD.sub(" ", value).split()) or "-"
    if out.split(" ", 1)[0].lower() in _MERMAID_KEYWORDS:
        out = "› " + out
    return out


def _mermaid_id(value: str, used: set[str]) -> str:
    base = "p_" + (re.sub(r"[^A-Za-z0-9_]", "_", value) or "x")
    out, k = base, 1
    while out in used:
        k += 1
        out = f"{base}_{k}"
    used.add(out)
    return out


def quarter_date(index: int, start_year: int) -> dt.date:
    """The first day of quarter *index* (0 = Q1 of *start_year*)."""
    year, q = divmod(int(index), 4)
    return dt.date(start_year + year, 3 * q + 1, 1)


def mermaid_gantt(rm: Roadmap, lang: str = "de", *, title: str | None = None) -> str:
    """The schedule as Mermaid ``gantt`` text: a section per phase, tasks from the first day of their start quarter
    to the first day after their last quarter (Mermaid's end dates are exclusive), the critical chain tagged
    ``crit``, milestones in their own section."""
    lab = _LABELS[lang]
    cal = rm.calendar
    head = title if title is not None else lab["gantt_title"].format(name=rm.portfolio.name)
    lines = [
        "gantt",
        f"    title {mermaid_text(head)}",
        "    dateFormat YYYY-MM-DD",
        "    axisFormat %Y-%m",
    ]
    starts = np.asarray(rm.schedule.starts)
    chain = set(rm.schedule.chain)
    used: set[str] = set()
    for key, _ in cal.phases:
        members = [j for j in range(cal.n) if rm.phase_of[cal.ids[j]] == key]
        if not members:
            continue
        lines.append(f"    section {mermaid_text(phase_label(key, lang).capitalize())}")
        for j in sorted(members, key=lambda i: (int(starts[i]), cal.ids[i])):
            pid = cal.ids[j]
            tags = "crit, " if pid in chain else ""
            begin = quarter_date(int(starts[j]), cal.start_year)
            end = quarter_date(int(starts[j] + cal.durations[j]), cal.start_year)
            name = mermaid_text(rm.graph.nodes[pid]["name"])
            lines.append(f"    {name} :{tags}{_mermaid_id(pid, used)}, {begin.isoformat()}, {end.isoformat()}")
    milestones = rm.milestones(lang)
    if milestones:
        lines.append(f"    section {mermaid_text(lab['milestones'])}")
        for k, (name, q) in enumerate(milestones):
            day = quarter_date(q + 1, cal.start_year)
            lines.append(f"    {mermaid_text(name)} :milestone, {_mermaid_id(f'm{k}', used)}, {day.isoformat()}, 0d")
    return "\n".join(lines) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#<>])")


def _md(value: Any) -> str:
    """*value* as one line of Markdown text with no markup."""
    one_line = " ".join(re.sub(r"[\x00-\x1f\x7f]", " ", str(value)).split())
    return _MD_SPECIAL.sub(r"\\\1", one_line)


def _eur(value: float, lang: str) -> str:
    text = f"{value:,.0f}"
    if lang == "de":
        text = text.replace(",", ".")
    return f"{text} €"


def markdown_page(rm: Roadmap, lang: str = "de") -> str:
    """The roadmap as a Markdown page with the Mermaid Gantt chart (see :meth:`Roadmap.markdown`)."""
    lab = _LABELS[lang]
    out = [f"# {_md(lab['gantt_title'].format(name=rm.portfolio.name))}", ""]
    for sentence in rm.summary(lang):
        out += [_md(sentence), ""]
    out += ["```mermaid", rm.mermaid(lang).rstrip("\n"), "```", ""]
    out += [f"## {lab['phases']}", ""]
    out.append(f"| {lab['phase']} | {lab['years']} | {lab['count']} | {lab['cost']} | {lab['grant']} | {lab['own']} |")
    out.append("|---|---|---:|---:|---:|---:|")
    for ph in rm.phases:
        years = f"{ph.first_year}–{ph.last_year}" if ph.last_year is not None else f"{ph.first_year}–"
        out.append(
            f"| {_md(ph.label(lang))} | {years} | {len(ph.projects)} | {_eur(ph.cost, lang)} | "
            f"{_eur(ph.grant, lang)} | {_eur(ph.own_cost, lang)} |"
        )
    out += ["", f"## {lab['projects']}", ""]
    out.append(
        f"| {lab['name']} | {lab['phase']} | {lab['start']} | {lab['finish']} | {lab['slack']} | {lab['chain']} |"
    )
    out.append("|---|---|---|---|---:|---|")
    frame = rm.to_frame()
    chain = set(rm.schedule.chain)
    for row in frame.itertuples(index=False):
        out.append(
            f"| {_md(row.name)} | {_md(phase_label(str(row.phase), lang))} | {row.start} | {row.finish} | "
            f"{row.slack} | {lab['yes'] if row.project in chain else lab['no']} |"
        )
    if rm.issues:
        out += ["", f"## {lab['issues']}", ""]
        out += [f"- {_md(issue.text(lang))}" for issue in rm.issues]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- files
def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """*fig* as SVG or PNG bytes, without dates or software names (the same roadmap gives the same file)."""
    import matplotlib as mpl

    buf = io.BytesIO()
    with mpl.rc_context(_rc()):
        if fmt == "svg":
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
        else:
            fig.savefig(buf, format="png", dpi=150, metadata={"Software": None})
    return buf.getvalue()


def write_outputs(rm: Roadmap, folder: Path, lang: str, formats: tuple[str, ...], stem: str) -> list[Path]:
    """Write the roadmap files (see :meth:`Roadmap.write`)."""
    known = ("svg", "png", "md", "xlsx")
    for fmt in formats:
        if fmt not in known:
            raise ValidationError("", location=Location(path="formats"), expected=" | ".join(known), found=fmt)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KommunalPlannerError(f"{folder}: cannot create the output folder ({exc.strerror})") from None
    written: list[Path] = []
    images = [f for f in formats if f in ("svg", "png")]
    if images:
        gantt, load = gantt_figure(rm, lang), load_figure(rm, lang)
        for fmt in images:
            for fig, name in ((gantt, f"{stem}.{fmt}"), (load, f"{stem}_load.{fmt}")):
                write_bytes_atomic(folder / name, figure_bytes(fig, fmt))
                written.append(folder / name)
    if "md" in formats:
        write_text_atomic(folder / f"{stem}.md", markdown_page(rm, lang))
        written.append(folder / f"{stem}.md")
    if "xlsx" in formats:
        from openpyxl import Workbook

        wb = Workbook()
        excel_sheet(rm, wb, lang, "Roadmap")
        del wb[wb.sheetnames[0]]
        with atomic_path(folder / f"{stem}.xlsx") as tmp:
            wb.save(tmp)
        written.append(folder / f"{stem}.xlsx")
    logger.info("roadmap written: %s", ", ".join(p.name for p in written))
    return written


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _put(ws: Any, row: int, col: int, value: Any, number_format: str | None = None) -> Any:
    cell = ws.cell(row=row, column=col)
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return cell
    if isinstance(value, str):
        cleaned = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", value)
        cell.value = cleaned
        if cleaned[:1] in _FORMULA_START:
            # Stored as text with Excel's quote prefix: shown literally, never evaluated.
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell
    if isinstance(value, np.generic):
        value = value.item()
    cell.value = value
    if number_format and not isinstance(value, bool):
        cell.number_format = number_format
    return cell


def _table(ws: Any, row: int, frame: Any, formats: dict[str, str]) -> int:
    """Write a header and the rows of *frame* from *row*; return the next free row."""
    from openpyxl.styles import Font, PatternFill

    data = frame.reset_index() if frame.index.name is not None or frame.index.nlevels > 1 else frame
    for k, name in enumerate(data.columns, start=1):
        cell = _put(ws, row, k, str(name))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFE6E6E6")
    for r, values in enumerate(data.itertuples(index=False, name=None), start=row + 1):
        for k, (name, value) in enumerate(zip(data.columns, values, strict=True), start=1):
            _put(ws, r, k, value, formats.get(str(name)))
    return row + len(data) + 2


def excel_sheet(rm: Roadmap, workbook: Any, lang: str = "de", title: str = "Roadmap") -> Any:
    """Add the roadmap sheet to an openpyxl workbook (see :meth:`Roadmap.to_excel_sheet`)."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    position = None
    if title in workbook.sheetnames:
        position = workbook.sheetnames.index(title)
        del workbook[title]
    ws = workbook.create_sheet(title, position)
    eur = '#,##0 "€";-#,##0 "€"' if lang == "de" else '"€"#,##0;-"€"#,##0'
    lab = _LABELS[lang]
    _put(ws, 1, 1, lab["gantt_title"].format(name=rm.portfolio.name)).font = Font(bold=True, size=13)
    row = 2
    for sentence in rm.summary(lang):
        _put(ws, row, 1, sentence)
        row += 1
    row += 1
    projects = rm.to_frame(lang)
    money = {c: eur for c in projects.columns if "EUR" in str(c)}
    header_row = row
    points = {c: "0.0" for c in projects.columns if "Punkte" in str(c) or "points" in str(c)}
    row = _table(ws, row, projects, {**money, **points})
    ws.freeze_panes = ws.cell(row=header_row + 1, column=3)
    phases = rm.phase_frame(lang)
    row = _table(ws, row, phases, {c: eur for c in phases.columns if "EUR" in str(c)})
    load = rm.load_frame(lang)
    row = _table(ws, row, load, {})
    for r in range(row - len(load) - 1, row - 1):
        measure = ws.cell(row=r, column=2).value
        if measure in ("Auslastung", "utilisation"):
            for c in range(3, 3 + load.shape[1]):
                ws.cell(row=r, column=c).number_format = "0%"
    for k in range(1, ws.max_column + 1):
        longest = max(
            (len(str(c.value)) for c in ws[get_column_letter(k)][header_row - 1 :] if c.value is not None), default=8
        )
        ws.column_dimensions[get_column_letter(k)].width = min(45.0, max(8.0, longest * 1.1 + 1))
    return ws
