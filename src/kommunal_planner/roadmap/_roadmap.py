"""The roadmap of a plan: :func:`roadmap` turns the chosen projects and start years into a quarterly schedule a small
administration can carry out, and :class:`Roadmap` shows it as tables, a Gantt chart, Mermaid text and an Excel sheet.
"""

from __future__ import annotations

import dataclasses
import logging
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx
import numpy as np
import pandas as pd
from numpy.typing import NDArray

from kommunal_planner._optional import have_matplotlib
from kommunal_planner.errors import KommunalPlannerError, Location, ValidationError
from kommunal_planner.model import FrozenMap, Portfolio
from kommunal_planner.optimize import Plan
from kommunal_planner.roadmap._cpm import CriticalPath, critical_path
from kommunal_planner.roadmap._graph import (
    PhaseSummary,
    assign_phases,
    dependency_graph,
    drawing_graph,
    phase_label,
    waves,
)
from kommunal_planner.roadmap._levelling import LevelledSchedule, early_schedule, level, pool_load
from kommunal_planner.roadmap._settings import Calendar, RoadmapSettings, resolve_settings

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["Roadmap", "RoadmapIssue", "roadmap"]

logger = logging.getLogger(__name__)

Lang = Literal["de", "en"]
IssueKind = Literal["window", "deadline", "horizon", "budget_year"]

_COLUMNS: dict[str, dict[str, str]] = {
    "de": {
        "project": "Projekt",
        "name": "Bezeichnung",
        "field": "Handlungsfeld",
        "phase": "Phase",
        "wave": "Welle",
        "plan_start": "Planjahr",
        "start": "Beginn",
        "finish": "Ende",
        "quarters": "Quartale",
        "earliest_start": "Frühester Beginn",
        "latest_start": "Spätester Beginn",
        "slack": "Puffer (Quartale)",
        "free_slack": "Freier Puffer (Quartale)",
        "critical": "Kritisch",
        "levelled_slack": "Puffer im Zeitplan (Quartale)",
        "on_chain": "Kritische Kette",
        "delay": "Verschoben (Quartale)",
        "benefit": "Nutzen (Punkte)",
        "programme": "Förderprogramm",
        "grant": "Förderung (EUR)",
        "own_cost": "Eigenanteil (EUR)",
        "per_quarter": "PT/Quartal",
        "pool": "Pool",
        "measure": "Größe",
        "load": "Last (PT)",
        "capacity": "Kapazität (PT)",
        "utilisation": "Auslastung",
        "years": "Startjahre",
        "projects": "Projekte",
        "count": "Anzahl",
        "cost": "Investition (EUR)",
        "yes": "ja",
        "no": "nein",
    },
    "en": {
        "project": "project",
        "name": "name",
        "field": "field",
        "phase": "phase",
        "wave": "wave",
        "plan_start": "plan year",
        "start": "start",
        "finish": "finish",
        "quarters": "quarters",
        "earliest_start": "earliest start",
        "latest_start": "latest start",
        "slack": "slack (quarters)",
        "free_slack": "free slack (quarters)",
        "critical": "critical",
        "levelled_slack": "slack in schedule (quarters)",
        "on_chain": "critical chain",
        "delay": "delayed (quarters)",
        "benefit": "benefit (points)",
        "programme": "programme",
        "grant": "grant (EUR)",
        "own_cost": "own cost (EUR)",
        "per_quarter": "days/quarter",
        "pool": "pool",
        "measure": "measure",
        "load": "load (days)",
        "capacity": "capacity (days)",
        "utilisation": "utilisation",
        "years": "start years",
        "projects": "projects",
        "count": "count",
        "cost": "investment (EUR)",
        "yes": "yes",
        "no": "no",
    },
}

_COMPACT = ["name", "field", "phase", "start", "finish", "levelled_slack", "on_chain", "programme"]

_TEXT: dict[str, dict[str, str]] = {
    "de": {
        "title": "Roadmap",
        "summary": "Die {n} ausgewählten Projekte laufen von {first} bis {last}, {m} Quartale ab {origin}. {bound}",
        "bound_proven": "Kürzer geht es mit den Personalkapazitäten nicht (bewiesen).",
        "bound_open": "Die untere Schranke liegt bei {lb} Quartalen; ein kürzerer Zeitplan ist nicht ausgeschlossen.",
        "unlevelled": "Der Zeitplan beachtet nur die Abhängigkeiten, nicht die Personalkapazitäten.",
        "chain": "Kritische Kette: {chain}.",
        "cpm": "Ohne Kapazitätsgrenzen wären die Projekte mit {last} fertig (kritischer Pfad: {lead}).",
        "delayed": "{k} Projekte beginnen wegen der Personalkapazität später als im Plan.",
        "waves": "Die Abhängigkeiten ordnen die Projekte in {w} Wellen.",
        "caption_projects": "Projekte im Zeitplan",
        "caption_phases": "Phasen",
        "caption_load": "Auslastung der Pools je Jahr",
        "figure_gantt": "Roadmap (Gantt)",
        "figure_load": "Auslastung der Pools",
        "window": "'{pid}' beginnt im Zeitplan {year}, außerhalb der Antragsjahre von '{prog}' ({years}): "
        "die Förderung ist gefährdet",
        "deadline": "'{pid}' endet im Zeitplan {quarter}, nach seiner Frist {deadline}",
        "horizon": "'{pid}' endet im Zeitplan {quarter}, nach dem Planungszeitraum (bis {end})",
        "budget_year": "'{pid}' beginnt im Zeitplan {year} statt {plan}: Kosten und Förderung verschieben sich "
        "im Haushalt",
        "phase_done": "{phase} abgeschlossen",
        "empty": "Der Plan wählt kein Projekt aus; es gibt nichts zu terminieren.",
        "none": "keine",
    },
    "en": {
        "title": "Roadmap",
        "summary": "The {n} selected projects run from {first} to {last}, {m} quarters from {origin}. {bound}",
        "bound_proven": "With the staff capacities it cannot be shorter (proven).",
        "bound_open": "The lower bound is {lb} quarters; a shorter schedule is not ruled out.",
        "unlevelled": "The schedule keeps the dependencies only, not the staff capacities.",
        "chain": "Critical chain: {chain}.",
        "cpm": "Without capacity limits the projects would be finished by {last} (critical path: {lead}).",
        "delayed": "{k} projects start later than planned because of staff capacity.",
        "waves": "The dependencies order the projects into {w} waves.",
        "caption_projects": "Projects in the schedule",
        "caption_phases": "Phases",
        "caption_load": "Pool load per year",
        "figure_gantt": "Roadmap (Gantt)",
        "figure_load": "Pool load",
        "window": "'{pid}' starts in {year} in the schedule, outside the application years of '{prog}' ({years}): "
        "the grant is at risk",
        "deadline": "'{pid}' ends in {quarter} in the schedule, after its deadline {deadline}",
        "horizon": "'{pid}' ends in {quarter} in the schedule, after the planning period (to {end})",
        "budget_year": "'{pid}' starts in {year} in the schedule instead of {plan}: its costs and grant move to "
        "another budget year",
        "phase_done": "{phase} completed",
        "empty": "The plan selects no project; there is nothing to schedule.",
        "none": "none",
    },
}


def _lang(lang: str) -> Lang:
    if lang not in ("de", "en"):
        raise ValidationError("", location=Location(path="lang"), expected="'de' or 'en'", found=lang)
    return "de" if lang == "de" else "en"


def text(key: str, lang: str, **values: Any) -> str:
    """A roadmap text in *lang* with *values* filled in."""
    return _TEXT[_lang(lang)][key].format(**values)


@dataclass(frozen=True, slots=True)
class RoadmapIssue:
    """Something the schedule changes against the plan or a rule, for one project.

    ``kind`` is ``window`` (a funded project starts outside its programme's application years), ``deadline``,
    ``horizon`` (it ends after its deadline or the planning period) or ``budget_year`` (it starts in another year
    than planned, so its costs move in the budget).
    """

    project: str
    kind: IssueKind
    values: Mapping[str, Any]

    def text(self, lang: str = "de") -> str:
        return text(self.kind, lang, pid=self.project, **self.values)


@dataclass(frozen=True, eq=False)
class Roadmap:
    """The roadmap of a plan; build it with :func:`roadmap`.

    Attributes
    ----------
    plan, portfolio, settings
        What it was made from.
    calendar
        The resolved quarters, needs and capacities (read-only arrays).
    graph
        The dependency graph of the selected projects (frozen networkx DiGraph, edge p → q: q requires p).
    waves
        Topological generations of :attr:`graph`.
    phases, phase_of
        The phases (kurz-, mittel-, langfristig) with projects and money, and each project's phase key.
    cpm
        Critical path in quarters with the plan's start years as release dates.
    schedule
        The levelled schedule (or the early-start schedule when ``level=False``).
    issues
        What the schedule changes against the plan or its rules (funding windows, deadlines, budget years).
    """

    plan: Plan
    portfolio: Portfolio
    settings: RoadmapSettings
    calendar: Calendar
    graph: nx.DiGraph
    waves: tuple[tuple[str, ...], ...]
    phases: tuple[PhaseSummary, ...]
    phase_of: Mapping[str, str]
    cpm: CriticalPath
    schedule: LevelledSchedule
    issues: tuple[RoadmapIssue, ...]

    # ------------------------------------------------------------------ views
    @property
    def ids(self) -> tuple[str, ...]:
        """The selected projects, in input order."""
        return self.calendar.ids

    @property
    def start_year(self) -> int:
        return self.calendar.start_year

    @property
    def quarters(self) -> int:
        """Quarters shown: the horizon, or up to the completion where the schedule runs longer."""
        return max(self.calendar.horizon_quarters, self.schedule.makespan)

    @property
    def quarter_labels(self) -> tuple[str, ...]:
        return tuple(self.calendar.label(t) for t in range(self.quarters))

    @property
    def pools(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.calendar.pools)

    @property
    def load(self) -> NDArray[np.int64]:
        """Booked person-days per pool and quarter (whole days, see the rounding in the docs), read-only."""
        out = pool_load(self.calendar, np.asarray(self.schedule.starts), self.quarters)
        out.setflags(write=False)
        return out

    @property
    def capacity(self) -> NDArray[np.float64]:
        """Capacity per pool and quarter (whole days, rounded down; ``inf`` unlimited), read-only."""
        out = np.array(self.calendar.capacity[:, : self.quarters])
        out.setflags(write=False)
        return out

    @property
    def drawing_graph(self) -> nx.DiGraph:
        """The transitive reduction of :attr:`graph`, for drawing."""
        return drawing_graph(self.graph)

    @property
    def critical_chain(self) -> tuple[str, ...]:
        """The chain that sets the completion of the schedule shown (levelled, or the CPM chain unlevelled)."""
        return self.schedule.chain

    def index(self, project_id: str) -> int:
        try:
            return self.ids.index(project_id)
        except ValueError:
            raise KeyError(f"project '{project_id}' is not in the roadmap") from None

    def start(self, project_id: str) -> str:
        """The start quarter of a project, e.g. ``'2027-Q2'``."""
        return self.calendar.label(int(self.schedule.starts[self.index(project_id)]))

    def finish(self, project_id: str) -> str:
        """The last quarter in which a project runs."""
        return self.calendar.label(int(self.schedule.finishes[self.index(project_id)]) - 1)

    @property
    def completion(self) -> str:
        """The last quarter of the schedule (the horizon's first quarter for an empty roadmap)."""
        return self.calendar.label(max(self.schedule.makespan, 1) - 1)

    def milestones(self, lang: str = "de") -> tuple[tuple[str, int], ...]:
        """Milestones as (name, quarter index); each falls at the end of its quarter.

        The completion of each phase (its last project's finish) and the milestones of the settings.
        """
        out: list[tuple[str, int]] = []
        for ph in self.phases:
            if ph.projects:
                end = max(int(self.schedule.finishes[self.index(pid)]) for pid in ph.projects) - 1
                out.append((text("phase_done", lang, phase=phase_label(ph.key, lang).capitalize()), end))
        out.extend(self.calendar.milestones)
        return tuple(sorted(out, key=lambda m: m[1]))

    # ------------------------------------------------------------------ tables
    def to_frame(self, lang: str | None = None, *, compact: bool = False) -> pd.DataFrame:
        """One row per selected project, in schedule order (start, then input order).

        Columns: project, name, field, phase, wave (1 = needs nothing), plan_start (year), start and finish
        (quarters such as '2027-Q2'; finish is the last quarter it runs), quarters, earliest_start and latest_start
        (critical path), slack and free_slack (critical path, quarters), critical, levelled_slack (quarters it may
        slip in this schedule with all others in place), on_chain, delay (quarters after its release), benefit,
        programme, grant, own_cost, and per pool the person-days it books per running quarter. With *lang*
        (``'de'`` or ``'en'``) the columns get display names and yes/no replaces True/False. ``compact`` keeps the
        columns a council paper needs: name, field, phase, start, finish, levelled_slack, on_chain, programme.
        """
        cal, sched, cpm = self.calendar, self.schedule, self.cpm
        wave_of = {pid: k + 1 for k, wave in enumerate(self.waves) for pid in wave}
        chain = set(sched.chain)
        rows = []
        for j, pid in enumerate(self.ids):
            node = self.graph.nodes[pid]
            row: dict[str, Any] = {
                "project": pid,
                "name": node["name"],
                "field": node["field"],
                "phase": self.phase_of[pid] if lang is None else phase_label(self.phase_of[pid], lang),
                "wave": wave_of[pid],
                "plan_start": int(node["start"]),
                "start": cal.label(int(sched.starts[j])),
                "finish": cal.label(int(sched.finishes[j]) - 1),
                "quarters": int(cal.durations[j]),
                "earliest_start": cal.label(int(cpm.earliest_start[j])),
                "latest_start": cal.label(int(cpm.latest_start[j])),
                "slack": int(cpm.total_slack[j]),
                "free_slack": int(cpm.free_slack[j]),
                "critical": bool(cpm.total_slack[j] == 0),
                "levelled_slack": int(sched.slack[j]),
                "on_chain": pid in chain,
                "delay": int(sched.starts[j] - cal.release[j]),
                "benefit": float(node["benefit"]),
                "programme": node["programme"],
                "grant": float(node["grant"]),
                "own_cost": float(node["own_cost"]),
            }
            d = max(int(cal.durations[j]), 1)
            for k, pool in enumerate(cal.pools):
                row[f"{pool.id}_per_quarter"] = round(float(cal.demand[j][k].sum()) / d, 1)
            rows.append(row)
        frame = pd.DataFrame(rows, columns=self._columns())
        order = np.lexsort((np.arange(len(self.ids)), np.asarray(sched.starts)))
        frame = frame.iloc[order].reset_index(drop=True)
        if compact:
            frame = frame[_COMPACT]
        if lang is None:
            return frame
        return self._display(frame, lang)

    def _columns(self) -> list[str]:
        base = list(_COLUMNS["en"])[: list(_COLUMNS["en"]).index("per_quarter")]
        return base + [f"{p.id}_per_quarter" for p in self.calendar.pools]

    def _display(self, frame: pd.DataFrame, lang: str) -> pd.DataFrame:
        names = _COLUMNS[_lang(lang)]
        out = frame.copy()
        for col in out.columns:
            if pd.api.types.is_bool_dtype(out[col]):
                out[col] = out[col].map({True: names["yes"], False: names["no"]})
        rename = {c: names[c] for c in out.columns if c in names}
        for pool in self.calendar.pools:
            rename[f"{pool.id}_per_quarter"] = f"{pool.name} {names['per_quarter']}"
        return out.rename(columns=rename)

    def load_frame(self, lang: str | None = None, *, by: Literal["quarter", "year"] = "quarter") -> pd.DataFrame:
        """Load, capacity and utilisation per pool (rows) and quarter (columns '2026-Q1' …) or year (``by="year"``).

        The index is (pool, measure) with measure ``load``, ``capacity`` (NaN: unlimited) and ``utilisation``
        (load ÷ capacity) [person-days]; with *lang* the pools show their names and the measures display names.
        """
        load = self.load.astype(np.float64)
        cap = np.where(np.isfinite(self.capacity), self.capacity, np.nan)
        labels: list[str] = list(self.quarter_labels)
        if by == "year":
            years = self.quarters // 4 + (1 if self.quarters % 4 else 0)
            pad = 4 * years - self.quarters
            load = np.pad(load, ((0, 0), (0, pad))).reshape(len(load), years, 4).sum(axis=2)
            # A year with an unlimited quarter has no finite capacity (NaN propagates through the sum).
            cap = np.pad(cap, ((0, 0), (0, pad)), constant_values=np.nan).reshape(len(cap), years, 4).sum(axis=2)
            labels = [str(self.start_year + y) for y in range(years)]
        elif by != "quarter":
            raise ValidationError("", location=Location(path="by"), expected="'quarter' or 'year'", found=by)
        with np.errstate(divide="ignore", invalid="ignore"):
            util = np.where(cap > 0, load / cap, np.nan)
        index = []
        values = []
        for k, pool in enumerate(self.calendar.pools):
            for measure, row in (("load", load[k]), ("capacity", cap[k]), ("utilisation", util[k])):
                index.append((pool.id if lang is None else pool.name, measure))
                values.append(row)
        frame = pd.DataFrame(
            np.array(values).reshape(len(index), len(labels)),
            index=pd.MultiIndex.from_tuples(index, names=["pool", "measure"]),
            columns=labels,
        )
        if lang is None:
            return frame
        names = _COLUMNS[_lang(lang)]
        frame = frame.rename(index={m: names[m] for m in ("load", "capacity", "utilisation")}, level="measure")
        frame.index = frame.index.set_names([names["pool"], names["measure"]])
        return frame

    def phase_frame(self, lang: str | None = None) -> pd.DataFrame:
        """One row per phase: its start years, projects, investment, grants, own share and benefit."""
        rows = []
        for ph in self.phases:
            years = f"{ph.first_year}–{ph.last_year}" if ph.last_year is not None else f"{ph.first_year}–"
            rows.append(
                {
                    "phase": ph.key if lang is None else ph.label(lang),
                    "years": years,
                    "count": len(ph.projects),
                    "projects": ", ".join(ph.projects),
                    "cost": ph.cost,
                    "grant": ph.grant,
                    "own_cost": ph.own_cost,
                    "benefit": ph.benefit,
                }
            )
        frame = pd.DataFrame(
            rows, columns=["phase", "years", "count", "projects", "cost", "grant", "own_cost", "benefit"]
        )
        if lang is None:
            return frame
        names = _COLUMNS[_lang(lang)]
        return frame.rename(columns={c: names[c] for c in frame.columns})

    # ------------------------------------------------------------------ text
    def summary(self, lang: str = "de") -> tuple[str, ...]:
        """A few sentences on the schedule: span, bound, critical chain, delays, waves."""
        sched = self.schedule
        n = len(self.ids)
        if n == 0:
            return (text("empty", lang),)
        if sched.levelled:
            bound = (
                text("bound_proven", lang) if sched.proven_optimal else text("bound_open", lang, lb=sched.lower_bound)
            )
        else:
            bound = text("unlevelled", lang)
        first = self.calendar.label(int(np.min(sched.starts)))
        origin = self.calendar.label(0)
        out = [
            text("summary", lang, n=n, first=first, last=self.completion, m=sched.makespan, origin=origin, bound=bound)
        ]
        names = [self.graph.nodes[pid]["name"] for pid in sched.chain]
        out.append(text("chain", lang, chain=" → ".join(names) if names else text("none", lang)))
        if sched.levelled:
            lead = " → ".join(self.graph.nodes[pid]["name"] for pid in self.cpm.chain) or text("none", lang)
            out.append(text("cpm", lang, last=self.calendar.label(max(self.cpm.length, 1) - 1), lead=lead))
            delayed = int(np.sum(np.asarray(sched.starts) > self.calendar.release))
            if delayed:
                out.append(text("delayed", lang, k=delayed))
        out.append(text("waves", lang, w=len(self.waves)))
        return tuple(out)

    def mermaid(self, lang: str = "de", *, title: str | None = None) -> str:
        """The schedule as a Mermaid ``gantt`` diagram (sections per phase, critical chain tagged ``crit``)."""
        from kommunal_planner.roadmap._gantt import mermaid_gantt

        return mermaid_gantt(self, _lang(lang), title=title)

    def markdown(self, lang: str = "de") -> str:
        """A Markdown page: heading, summary, the Mermaid Gantt, the phases, the projects and the issues."""
        from kommunal_planner.roadmap._gantt import markdown_page

        return markdown_page(self, _lang(lang))

    # ------------------------------------------------------------------ charts and files
    def gantt(self, lang: str = "de", *, schedule: Literal["levelled", "early"] = "levelled") -> Figure:
        """The Gantt chart (matplotlib Figure): bars by quarter coloured and hatched by field, the critical chain
        outlined, funding windows and milestones on top; ``schedule="early"`` draws the critical-path early starts.
        """
        from kommunal_planner.roadmap._gantt import gantt_figure

        return gantt_figure(self, _lang(lang), schedule=schedule)

    def load_chart(self, lang: str = "de") -> Figure:
        """Booked person-days per pool and quarter, stacked by field, against the capacity (a step line)."""
        from kommunal_planner.roadmap._gantt import load_figure

        return load_figure(self, _lang(lang))

    def write(
        self,
        out_dir: str | Path,
        *,
        lang: str = "de",
        formats: Sequence[str] | None = None,
        stem: str = "roadmap",
    ) -> list[Path]:
        """Write ``roadmap.svg``, ``roadmap.png`` (the Gantt chart and ``roadmap_load.*``, the pool load) and
        ``roadmap.md`` (Mermaid) into *out_dir*, atomically; ``"xlsx"`` in *formats* adds ``roadmap.xlsx``.

        *formats* defaults to ``("svg", "png", "md")``, or to ``("md",)`` with a logged warning when matplotlib
        (the ``plot`` extra) is not installed; naming ``"svg"`` or ``"png"`` without it raises
        :class:`~kommunal_planner.errors.KommunalPlannerError`. Returns the paths written.
        """
        from kommunal_planner.roadmap._gantt import write_outputs

        if formats is None and have_matplotlib():
            formats = ("svg", "png", "md")
        elif formats is None:
            logger.warning("matplotlib is not installed: roadmap charts left out (kommunal-planner[plot])")
            formats = ("md",)
        return write_outputs(self, Path(out_dir), _lang(lang), tuple(formats), stem)

    def to_excel_sheet(self, workbook: Any, *, lang: str = "de", title: str = "Roadmap") -> Any:
        """Add (or replace) the sheet *title* in an openpyxl *workbook*: projects, phases and pool load.

        Returns the worksheet. Text from the input is stored as text, never as a formula.
        """
        from kommunal_planner.roadmap._gantt import excel_sheet

        return excel_sheet(self, workbook, _lang(lang), title)

    def report_parts(self, lang: str = "de") -> dict[str, Any]:
        """The roadmap's section for the reports: ``title``, ``paragraphs``, ``tables`` ((caption, DataFrame)
        pairs), ``figures`` ((title, Figure) pairs; empty without matplotlib) and ``risks``.

        The keyword arguments of the report layer's ``ReportSection``; the report writes ``tables`` on its
        "Roadmap" sheet. The tables are the compact ones (projects, phases, load per year); the full ones are
        :meth:`to_frame`, :meth:`load_frame` and :meth:`to_excel_sheet`.
        """
        lg = _lang(lang)
        figures: tuple[tuple[str, Any], ...] = ()
        if have_matplotlib():
            figures = ((text("figure_gantt", lg), self.gantt(lg)), (text("figure_load", lg), self.load_chart(lg)))
        else:
            logger.info("matplotlib is not installed: the roadmap section has no charts")
        return {
            "title": text("title", lg),
            "paragraphs": self.summary(lg),
            "tables": (
                (text("caption_projects", lg), self.to_frame(lg, compact=True)),
                (text("caption_phases", lg), self.phase_frame(lg)),
                (text("caption_load", lg), self.load_frame(lg, by="year")),
            ),
            "figures": figures,
            "risks": tuple(i.text(lg) for i in self.issues if i.kind != "budget_year"),
        }

    def violations(self) -> tuple[str, ...]:
        """Re-check the schedule: every dependency, release date and (when levelled) pool capacity per quarter.

        Empty when all hold; otherwise one line per breach. Written with plain loops, apart from the scheduler.
        """
        out: list[str] = []
        cal, sched = self.calendar, self.schedule
        start = {pid: int(sched.starts[j]) for j, pid in enumerate(self.ids)}
        end = {pid: int(sched.finishes[j]) for j, pid in enumerate(self.ids)}
        for p, q in self.graph.edges:
            if start[q] < end[p]:
                out.append(f"'{q}' starts in {cal.label(start[q])} before '{p}' ends ({cal.label(end[p] - 1)})")
        for j, pid in enumerate(self.ids):
            if start[pid] < int(cal.release[j]):
                out.append(
                    f"'{pid}' starts in {cal.label(start[pid])} before its release {cal.label(int(cal.release[j]))}"
                )
        if sched.levelled:
            for k, pool in enumerate(cal.pools):
                for t in range(self.quarters):
                    used = 0
                    for j, pid in enumerate(self.ids):
                        if start[pid] <= t < end[pid]:
                            used += int(cal.demand[j][k][t - start[pid]])
                    if used > cal.capacity[k, t]:
                        out.append(f"pool '{pool.id}' in {cal.label(t)}: {used} > {cal.capacity[k, t]:g} person-days")
        return tuple(out)


# --------------------------------------------------------------------------- building
def _check_plan(plan: Plan, portfolio: Portfolio) -> None:
    if not plan.success:
        raise KommunalPlannerError(
            f"no roadmap for a plan without a solution (status {plan.status}): {plan.message or 'see its explanation'}"
        )
    for d in plan.projects:
        if not d.selected:
            continue
        try:
            p = portfolio.project(d.id)
        except KeyError:
            raise ValidationError(
                "the plan selects a project the input does not have",
                location=Location(item=f"project '{d.id}'"),
                hint="attach the input the plan was made for",
            ) from None
        if d.start is None or d.start not in portfolio.horizon:
            raise ValidationError(
                "",
                location=Location(item=f"project '{d.id}'", path="start"),
                expected=f"a start year of the horizon {portfolio.horizon.start}–{portfolio.horizon.end}",
                found=d.start,
            )
        if d.finish is not None and d.finish != d.start + p.duration - 1:
            raise ValidationError(
                f"the plan runs it {d.start}–{d.finish}, but it lasts {p.duration} year(s)",
                location=Location(item=f"project '{d.id}'", path="finish"),
                hint="attach the input the plan was made for",
            )


def _issues(
    cal: Calendar, starts: NDArray[np.int64], plan: Plan, portfolio: Portfolio, ids: Sequence[str]
) -> tuple[RoadmapIssue, ...]:
    h = portfolio.horizon
    out: list[RoadmapIssue] = []
    for j, pid in enumerate(ids):
        p = portfolio.project(pid)
        d = plan.decision(pid)
        s = int(starts[j])
        f = s + int(cal.durations[j]) - 1
        year, end_year = h.start + s // 4, h.start + f // 4
        if d.programme is not None:
            prog = portfolio.programme(d.programme)
            if prog.windows is not None and year not in prog.windows:
                out.append(
                    RoadmapIssue(
                        pid,
                        "window",
                        FrozenMap({"year": year, "prog": prog.id, "years": ", ".join(map(str, prog.windows))}),
                    )
                )
        if p.deadline is not None and end_year > p.deadline:
            out.append(RoadmapIssue(pid, "deadline", FrozenMap({"quarter": cal.label(f), "deadline": p.deadline})))
        if end_year > h.end:
            out.append(RoadmapIssue(pid, "horizon", FrozenMap({"quarter": cal.label(f), "end": h.end})))
        if d.start is not None and year != d.start:
            out.append(RoadmapIssue(pid, "budget_year", FrozenMap({"year": year, "plan": d.start})))
    return tuple(out)


def _penalty(cal: Calendar, plan: Plan, portfolio: Portfolio) -> Any:
    """Count of hard breaches of a schedule: funding windows, deadlines, the horizon."""
    h = portfolio.horizon
    n = cal.n
    window_ok = np.ones((n, 4 * h.years + cal.quarters), dtype=bool)
    last_year = np.full(n, h.end, dtype=np.int64)
    for j, pid in enumerate(cal.ids):
        d = plan.decision(pid)
        if d.programme is not None:
            windows = portfolio.programme(d.programme).windows
            if windows is not None:
                years = h.start + np.arange(window_ok.shape[1]) // 4
                window_ok[j] = np.isin(years, windows)
        deadline = portfolio.project(pid).deadline
        if deadline is not None:
            last_year[j] = min(last_year[j], deadline)
    rows = np.arange(n)
    durations = np.asarray(cal.durations)

    def penalty(starts: NDArray[np.int64]) -> int:
        late = h.start + (starts + durations - 1) // 4 > last_year
        outside = ~window_ok[rows, np.minimum(starts, window_ok.shape[1] - 1)]
        return int(late.sum() + outside.sum())

    return penalty


def roadmap(
    plan: Plan,
    portfolio: Portfolio | None = None,
    *,
    settings: RoadmapSettings | Mapping[str, Any] | None = None,
    **options: Any,
) -> Roadmap:
    """Turn a plan into a quarterly roadmap: dependency graph, phases, critical path and a levelled schedule.

    Parameters
    ----------
    plan
        A plan with a solution (``optimal`` or ``feasible``).
    portfolio
        The input the plan was made for; default ``plan.portfolio`` (a plan read from JSON needs it here).
    settings
        A :class:`RoadmapSettings`, or its dict form (see :meth:`RoadmapSettings.from_dict`).
    **options
        Fields of :class:`RoadmapSettings` that override *settings*, e.g. ``time_limit=2``, ``level=False``.

    Returns
    -------
    Roadmap

    Raises
    ------
    KommunalPlannerError
        When the plan has no solution or no portfolio is known.
    ValidationError
        Naming the project or pool, when the settings do not fit the portfolio or the plan not the input.

    Examples
    --------
    >>> import kommunal_planner as kp
    >>> pf = kp.Portfolio(name="M", horizon=kp.Horizon(2026, 2), budget=100, staff_capacity=40,
    ...     projects=(kp.Project("a", benefit=3, cost=10, staff_days=40),
    ...               kp.Project("b", benefit=2, cost=10, staff_days=40, requires=("a",))))
    >>> rm = roadmap(kp.optimize(pf))
    >>> rm.start("b"), rm.finish("b"), rm.cpm.critical
    ('2027-Q1', '2027-Q4', ('a', 'b'))
    """
    if portfolio is not None and not isinstance(portfolio, Portfolio):
        raise TypeError(f"roadmap() takes the input as a Portfolio, not {type(portfolio).__name__}")
    pf = portfolio or plan.portfolio
    if pf is None:
        raise KommunalPlannerError(
            "the roadmap needs the input the plan was made for: roadmap(plan, portfolio), or "
            "Plan.from_json(text, portfolio=...)"
        )
    if isinstance(settings, Mapping):
        settings = RoadmapSettings.from_dict(settings)
    settings = settings or RoadmapSettings()
    if not isinstance(settings, RoadmapSettings):
        raise ValidationError(
            "", location=Location(path="settings"), expected="RoadmapSettings or a mapping", found=settings
        )
    if options:
        unknown = sorted(set(options) - {f.name for f in dataclasses.fields(RoadmapSettings)})
        if unknown:
            raise TypeError(f"roadmap() got an unknown option '{unknown[0]}'")
        settings = dataclasses.replace(settings, **options)
    _check_plan(plan, pf)
    graph = dependency_graph(plan, pf)
    ids = tuple(graph.nodes)
    cal = resolve_settings(settings, pf, ids, [int(graph.nodes[i]["start"]) for i in ids])
    pos = {pid: j for j, pid in enumerate(ids)}
    successors = [[pos[s] for s in graph.successors(pid)] for pid in ids]
    benefit = np.array([graph.nodes[pid]["benefit"] for pid in ids], dtype=np.float64)
    cpm = critical_path(cal.durations, successors, cal.release, ids=ids, priority=benefit)
    if settings.level:
        schedule = level(
            cal,
            successors,
            benefit,
            penalty=_penalty(cal, plan, pf),
            time_limit=settings.time_limit,
            seed=settings.seed,
            method=settings.method,
            max_schedules=settings.max_schedules,
        )
    else:
        schedule = early_schedule(cal, successors, benefit)
    phases, phase_of = assign_phases(graph, cal.phases, pf.horizon.start)
    issues = _issues(cal, np.asarray(schedule.starts), plan, pf, ids)
    hard = [i for i in issues if i.kind != "budget_year"]
    if hard:
        warnings.warn(
            f"the roadmap breaks {len(hard)} rule(s) of the plan, e.g. {hard[0].text('en')}; see Roadmap.issues",
            stacklevel=2,
        )
    nx.freeze(graph)
    return Roadmap(
        plan=plan if plan.portfolio is not None else plan.with_portfolio(pf),
        portfolio=pf,
        settings=settings,
        calendar=cal,
        graph=graph,
        waves=waves(graph),
        phases=phases,
        phase_of=FrozenMap(phase_of),
        cpm=cpm,
        schedule=schedule,
        issues=issues,
    )
