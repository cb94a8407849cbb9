"""Why each project is in or out of the plan, in sentences backed by figures of the plan or of a re-solve.

Two kinds of evidence are used. *Static* reasons are read off the plan and the input: a project's benefit and the
criteria that carry it, its own share per year, the programme and rate that fund it, and, for a project left out,
the year whose budget or staff capacity it would exceed given the plan's slack, the missing or late prerequisite,
the variant chosen instead, the funding window or pot it misses, the deadline it cannot meet. *Counterfactual*
reasons come from re-solving with the project forced in (left out) or forced out (selected): the objective lost and
which projects leave or enter.

The forced re-solve also gives the exact benefit at which a decision flips. With the benefit objective, changing
project p's benefit by δ shifts the value of every plan containing p by δ and leaves the others unchanged. So a
selected p stays selected while δ > −(z* − z_out), and an unselected p enters once δ > z* − z_in, where z* is the
plan's optimum and z_out, z_in the optima with p forced out or in. The forced objective loss *is* the margin; no
bisection is needed. The figure is exact when both solves are proven optimal; a re-solve stopped by its time limit
gives an interval from its best solution and its bound.

Re-solves run in a batch (optionally on any :class:`concurrent.futures.Executor`), are ordered so that the most
marginal projects come first, and are cached per input, project and solver settings.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Executor, Future, wait
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal

import numpy as np
import pandas as pd

from kommunal_planner.errors import KommunalPlannerError
from kommunal_planner.model import FrozenMap, Portfolio, Project
from kommunal_planner.optimize import Plan, optimize
from kommunal_planner.report._catalogue import text
from kommunal_planner.report._financing import check_plan_matches, project_years
from kommunal_planner.report._locale import (
    LANGS,
    Lang,
    check_lang,
    format_eur,
    format_number,
    format_percent,
    format_period,
    join_list,
    quote,
)

__all__ = [
    "Explanations",
    "ForcedSolve",
    "ProjectExplanation",
    "Reason",
    "ReasonKind",
    "clear_resolve_cache",
    "explain",
    "forced_solves",
    "priority_ranks",
]

logger = logging.getLogger(__name__)

ReasonKind = Literal[
    "summary",
    "mandatory",
    "rank",
    "benefit",
    "funding",
    "no_funding",
    "funding_missed",
    "own_cost",
    "operating",
    "requires",
    "enables",
    "no_start",
    "requires_missing",
    "requires_late",
    "exclusive",
    "focus",
    "budget",
    "staff",
    "other_starts",
    "fits",
    "forced",
    "flip",
]
Direction = Literal["in", "out"]

_EPS = 1e-6
_MONEY_EPS = 0.5  # half a euro: below this a shortfall is rounding, not a constraint


# --------------------------------------------------------------------------- records
@dataclass(frozen=True, slots=True)
class Reason:
    """One reason, as figures and as a sentence in each language.

    ``kind`` says what the reason is about (see :data:`ReasonKind`), ``key`` names the sentence in the text
    catalogue, and ``figures`` holds the raw numbers behind it (EUR, points, years, person-days).
    """

    kind: str
    key: str
    figures: Mapping[str, Any]
    text_de: str
    text_en: str

    def text(self, lang: Lang = "de") -> str:
        return self.text_de if check_lang(lang) == "de" else self.text_en

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "figures": _jsonable(dict(self.figures)),
            "text_de": self.text_de,
            "text_en": self.text_en,
        }


@dataclass(frozen=True, slots=True)
class ForcedSolve:
    """The plan's optimum against a re-solve with one project forced in or out.

    ``loss`` is how much the objective falls (baseline − forced; for the benefit objective in points), from the
    re-solve's best solution; ``loss_lower`` from its bound (equal to ``loss`` when it is proven optimal).
    ``entered`` and ``left`` list the other projects that join or leave; ``moved`` those that keep their place
    but change their start year. ``exact`` is True when the plan and the re-solve are both proven optimal.
    """

    project: str
    direction: Direction
    status: str
    baseline: float
    objective: float | None
    bound: float | None
    loss: float | None
    loss_lower: float | None
    exact: bool
    entered: tuple[str, ...]
    left: tuple[str, ...]
    moved: tuple[str, ...]
    seconds: float

    @property
    def feasible(self) -> bool:
        return self.objective is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "direction": self.direction,
            "status": self.status,
            "baseline": self.baseline,
            "objective": self.objective,
            "bound": self.bound,
            "loss": self.loss,
            "loss_lower": self.loss_lower,
            "exact": self.exact,
            "entered": list(self.entered),
            "left": list(self.left),
            "moved": list(self.moved),
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True, slots=True)
class ProjectExplanation:
    """Why one project is in or out: its decision and its reasons, most important first.

    ``rank`` is the priority rank among the selected projects (see :func:`priority_ranks`), None when left out.
    ``flip_benefit`` is the benefit at which the decision would flip (exact, from the forced re-solve), None where
    no re-solve ran or the objective is not the benefit; ``inf`` when no benefit brings the project in.
    """

    project: str
    name: str
    selected: bool
    rank: int | None
    benefit: float
    reasons: tuple[Reason, ...]
    forced: ForcedSolve | None = None
    flip_benefit: float | None = None

    def text(self, lang: Lang = "de") -> str:
        """All reasons as one paragraph."""
        return " ".join(r.text(lang) for r in self.reasons)

    def sentences(self, lang: Lang = "de") -> list[str]:
        return [r.text(lang) for r in self.reasons]

    def to_dict(self) -> dict[str, Any]:
        return {
            "project": self.project,
            "name": self.name,
            "selected": self.selected,
            "rank": self.rank,
            "benefit": self.benefit,
            "flip_benefit": None if self.flip_benefit is None else _jsonable(self.flip_benefit),
            "forced": None if self.forced is None else self.forced.to_dict(),
            "reasons": [r.to_dict() for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class Explanations:
    """Why the plan looks as it does: a summary and one :class:`ProjectExplanation` per project (input order).

    Index by project id (``expl["portal"]``), iterate, or turn into a table with :meth:`to_frame`. Texts exist in
    German and English; ``lang`` is the default for :meth:`text`.
    """

    portfolio: str
    status: str
    objective_name: str
    objective: float | None
    summary: tuple[Reason, ...]
    projects: tuple[ProjectExplanation, ...]
    lang: Lang = "de"
    resolved: bool = False
    _index: Mapping[str, int] = field(default_factory=FrozenMap, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", FrozenMap({p.project: i for i, p in enumerate(self.projects)}))

    def __getitem__(self, project_id: str) -> ProjectExplanation:
        try:
            return self.projects[self._index[project_id]]
        except KeyError:
            raise KeyError(f"no project '{project_id}' in the explanations") from None

    def __iter__(self) -> Iterator[ProjectExplanation]:
        return iter(self.projects)

    def __len__(self) -> int:
        return len(self.projects)

    def __contains__(self, project_id: object) -> bool:
        return project_id in self._index

    def text(self, project_id: str | None = None, lang: Lang | None = None) -> str:
        """The reasons of one project, or the summary and every project, as text."""
        language = check_lang(lang or self.lang)
        if project_id is not None:
            return self[project_id].text(language)
        lines = [r.text(language) for r in self.summary]
        for p in self.projects:
            lines.append(f"{p.name} ({p.project}): {p.text(language)}")
        return "\n".join(lines)

    def to_frame(self, lang: Lang | None = None) -> pd.DataFrame:
        """One row per reason: project, selected, rank, kind, key, text."""
        language = check_lang(lang or self.lang)
        rows = [
            {
                "project": p.project,
                "selected": p.selected,
                "rank": p.rank,
                "kind": r.kind,
                "key": r.key,
                "text": r.text(language),
            }
            for p in self.projects
            for r in p.reasons
        ]
        return pd.DataFrame(rows, columns=["project", "selected", "rank", "kind", "key", "text"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "portfolio": self.portfolio,
            "status": self.status,
            "objective_name": self.objective_name,
            "objective": self.objective,
            "resolved": self.resolved,
            "summary": [r.to_dict() for r in self.summary],
            "projects": [p.to_dict() for p in self.projects],
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


# --------------------------------------------------------------------------- wording helpers
class _Say:
    """Figures formatted for one language."""

    def __init__(self, lang: Lang, pf: Portfolio, objective: str) -> None:
        self.lang = lang
        self.pf = pf
        self.objective = objective

    def eur(self, value: float) -> str:
        return format_eur(value, self.lang)

    def pts(self, value: float) -> str:
        return format_number(value, self.lang, 1)

    def num(self, value: float, decimals: int = 0) -> str:
        return format_number(value, self.lang, decimals)

    def pct(self, value: float) -> str:
        return format_percent(value, self.lang, 0 if abs(100 * value - round(100 * value)) < 1e-9 else 1)

    def name(self, project_id: str) -> str:
        return quote(self.pf.project(project_id).name, self.lang)

    def prog(self, programme_id: str) -> str:
        return quote(self.pf.programme(programme_id).name, self.lang)

    def join(self, items: Iterable[str]) -> str:
        return join_list(list(items), self.lang)

    def obj(self, value: float) -> str:
        """A value of the objective with its unit."""
        if self.objective == "grants":
            return self.eur(value)
        return text("unit.points", self.lang, value=self.pts(value))

    def obj_plain(self, value: float) -> str:
        """A value of the objective, its unit left to a figure that follows."""
        return self.eur(value) if self.objective == "grants" else self.pts(value)

    def named_points(self, ids: Iterable[str], benefit: Mapping[str, float]) -> str:
        return self.join(
            text("item.named_points", self.lang, name=self.name(i), points=self.pts(benefit[i])) for i in ids
        )


def _reason(
    kind: str,
    key: str,
    figures: Mapping[str, Any],
    values: Callable[[_Say], Mapping[str, str]],
    sayers: Mapping[Lang, _Say],
) -> Reason:
    texts = {lang: text(key, lang, **values(sayers[lang])) for lang in LANGS}
    return Reason(kind, key, FrozenMap(figures), texts["de"], texts["en"])


# --------------------------------------------------------------------------- priority
def priority_ranks(plan: Plan) -> dict[str, int]:
    """Priority rank of each selected project: by benefit (highest first), then lower own cost, then id.

    The rank is what the council paper and the funding annexes quote ("priority 3 of 35"); every figure it
    uses is in plan.json.

    Examples
    --------
    >>> from kommunal_planner.model import Portfolio, Horizon, Project
    >>> from kommunal_planner.optimize import optimize
    >>> pf = Portfolio("M", Horizon(2026, 1), 100, projects=(
    ...     Project("a", benefit=5, cost=60), Project("b", benefit=4, cost=50), Project("c", benefit=3, cost=40)))
    >>> priority_ranks(optimize(pf))
    {'a': 1, 'c': 2}
    """
    chosen = [d for d in plan.projects if d.selected]
    chosen.sort(key=lambda d: (-(d.benefit or 0.0), d.own_cost or 0.0, d.id))
    return {d.id: k + 1 for k, d in enumerate(chosen)}


# --------------------------------------------------------------------------- forced re-solves
@dataclass(frozen=True, slots=True)
class _Raw:
    status: str
    objective: float | None
    bound: float | None
    starts: Mapping[str, int]
    seconds: float


_CACHE: OrderedDict[tuple[Any, ...], _Raw] = OrderedDict()
_CACHE_SIZE = 2048
_LOCK = threading.Lock()


def clear_resolve_cache() -> None:
    """Forget all cached forced re-solves."""
    with _LOCK:
        _CACHE.clear()


def _solve_forced(
    portfolio: Portfolio,
    project: str,
    direction: Direction,
    objective: str,
    solver: str,
    time_limit: float | None,
    gap: float | None,
    tie_break: bool,
) -> _Raw:
    """One forced re-solve (a module-level function so that process pools can run it)."""
    started = time.perf_counter()
    result = optimize(
        portfolio,
        objective=objective,
        solver=solver,
        time_limit=time_limit,
        gap=gap,
        tie_break=tie_break,
        explain=False,
        forced_in=(project,) if direction == "in" else (),
        forced_out=(project,) if direction == "out" else (),
    )
    starts = {d.id: int(d.start) for d in result.projects if d.selected and d.start is not None}
    return _Raw(result.status, result.objective, result.bound, FrozenMap(starts), time.perf_counter() - started)


def forced_solves(
    plan: Plan,
    portfolio: Portfolio | None = None,
    projects: Iterable[str] | None = None,
    *,
    solver: str = "highs",
    time_limit: float | None = 10.0,
    gap: float | None = None,
    tie_break: bool = True,
    max_time: float | None = None,
    executor: Executor | None = None,
) -> dict[str, ForcedSolve]:
    """Re-solve with each project forced the other way: selected ones out, left-out ones in.

    Parameters
    ----------
    plan
        The plan to compare with (its objective is the baseline; it should be proven optimal for exact figures).
    portfolio
        Its input (default: ``plan.portfolio``).
    projects
        Which projects to re-solve (default: all except must-dos, which cannot be forced out, and projects that
        have no possible start year, which cannot be forced in).
    time_limit
        Limit per re-solve [s]; a stopped re-solve gives an interval instead of an exact figure.
    gap
        Relative gap per re-solve (default: proven optimum).
    tie_break
        Break ties among optimal re-solves as the optimiser does, so the lists of projects that leave or enter are
        reproducible (one extra solve each).
    max_time
        Budget for the whole batch [s]; projects not reached keep their static reasons only. The most marginal
        projects (left out with the highest benefit, selected with the lowest) are re-solved first.
    executor
        Run the re-solves on this executor (e.g. a ``ProcessPoolExecutor``); by default one after another.

    Returns
    -------
    dict
        Project id to :class:`ForcedSolve`, for the projects re-solved.
    """
    pf = portfolio or plan.portfolio
    if pf is None:
        raise KommunalPlannerError("re-solves need the input: forced_solves(plan, portfolio)")
    if not plan.success or plan.objective is None:
        return {}
    if plan.objective_name == "own_funds":
        # the required benefit of that objective is not part of plan.json, so the run cannot be repeated
        logger.info("no re-solves for the own_funds objective")
        return {}
    selected = set(plan.selected)
    order = _resolve_order(plan, pf, projects)
    direction: dict[str, Direction] = {pid: "out" if pid in selected else "in" for pid in order}
    keys = {
        pid: (
            pf,
            pid,
            direction[pid],
            plan.objective_name,
            solver,
            time_limit,
            gap,
            tie_break,
        )
        for pid in order
    }
    raws: dict[str, _Raw] = {}
    with _LOCK:
        for pid, key in keys.items():
            hit = _CACHE.get(key)
            if hit is not None:
                _CACHE.move_to_end(key)
                raws[pid] = hit
    todo = [pid for pid in order if pid not in raws]
    logger.info("forced re-solves: %d cached, %d to run", len(raws), len(todo))
    started = time.perf_counter()

    def args(pid: str) -> tuple[Any, ...]:
        return (pf, pid, direction[pid], plan.objective_name, solver, time_limit, gap, tie_break)

    if executor is None:
        for pid in todo:
            if max_time is not None and time.perf_counter() - started > max_time:
                logger.info("re-solve budget of %s s used up; %d projects keep static reasons", max_time, len(todo))
                break
            raws[pid] = _solve_forced(*args(pid))
    else:
        futures: dict[Future[_Raw], str] = {executor.submit(_solve_forced, *args(pid)): pid for pid in todo}
        done, pending = wait(futures, timeout=max_time)
        for fut in pending:
            fut.cancel()
        for fut in done:
            if fut.exception() is None:
                raws[futures[fut]] = fut.result()
            else:
                logger.warning("re-solve for %s failed: %s", futures[fut], fut.exception())
    with _LOCK:
        for pid in todo:
            if pid in raws:
                _CACHE[keys[pid]] = raws[pid]
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    baseline_exact = plan.status == "optimal" and (plan.gap or 0.0) <= 1e-6
    return {
        pid: _compare(plan, pid, direction[pid], raws[pid], baseline_exact and gap is None)
        for pid in order
        if pid in raws
    }


def _resolve_order(plan: Plan, pf: Portfolio, projects: Iterable[str] | None) -> list[str]:
    wanted = set(pf.project_ids if projects is None else projects)
    for pid in wanted:
        pf.project(pid)  # raises on unknown ids
    arr = pf.arrays
    selected = set(plan.selected)
    out_side = [p.id for p in pf.projects if p.id in wanted and p.id in selected and not p.mandatory]  # forced out
    in_side = [
        p.id
        for i, p in enumerate(pf.projects)
        if p.id in wanted and p.id not in selected and bool(arr.start_ok[i].any())
    ]
    benefit = {p.id: float(arr.benefit[i]) for i, p in enumerate(pf.projects)}
    out_side.sort(key=lambda i: (benefit[i], i))
    in_side.sort(key=lambda i: (-benefit[i], i))
    merged: list[str] = []
    for k in range(max(len(out_side), len(in_side))):
        merged.extend(side[k] for side in (in_side, out_side) if k < len(side))
    return merged


def _compare(plan: Plan, pid: str, direction: Direction, raw: _Raw, exact_base: bool) -> ForcedSolve:
    base = float(plan.objective or 0.0)
    before = {d.id: d.start for d in plan.projects if d.selected}
    after = dict(raw.starts)
    entered = tuple(i for i in after if i not in before and i != pid)
    left = tuple(i for i in before if i not in after and i != pid)
    moved = tuple(i for i in before if i in after and i != pid and before[i] != after[i])
    sign = -1.0 if plan.objective_name == "own_funds" else 1.0
    loss = None if raw.objective is None else _round(sign * (base - raw.objective))
    lower = None
    if raw.status == "optimal":
        lower = loss
    elif raw.bound is not None:
        lower = _round(sign * (base - raw.bound))
    return ForcedSolve(
        project=pid,
        direction=direction,
        status=raw.status,
        baseline=base,
        objective=raw.objective,
        bound=raw.bound,
        loss=loss,
        loss_lower=lower,
        exact=exact_base and raw.status == "optimal",
        entered=entered,
        left=left,
        moved=moved,
        seconds=raw.seconds,
    )


def _round(value: float) -> float:
    out = round(value, 6)
    return 0.0 if abs(out) < _EPS else out


# --------------------------------------------------------------------------- the context of one plan
@dataclass(slots=True)
class _Context:
    pf: Portfolio
    plan: Plan
    years: tuple[int, ...]
    slack: np.ndarray
    staff_left: np.ndarray
    pot_left: dict[str, float]
    selected: dict[str, Any]
    benefit: dict[str, float]
    contributions: pd.DataFrame | None
    ranks: dict[str, int]
    fields_used: set[str]
    say: dict[Lang, _Say]


def _context(plan: Plan, pf: Portfolio) -> _Context:
    arr = pf.arrays
    slack = np.array([y.slack for y in plan.years], dtype=float)
    staff_left = np.array(
        [math.inf if y.staff_capacity is None else y.staff_capacity - y.staff_days for y in plan.years], dtype=float
    )
    selected = {d.id: d for d in plan.projects if d.selected}
    pot_left: dict[str, float] = {}
    for prog in pf.programmes:
        used = sum(d.grant or 0.0 for d in selected.values() if d.programme == prog.id)
        pot_left[prog.id] = math.inf if prog.pot is None else prog.pot - used
    benefit = {p.id: float(arr.benefit[i]) for i, p in enumerate(pf.projects)}
    return _Context(
        pf=pf,
        plan=plan,
        years=pf.horizon.calendar_years,
        slack=slack,
        staff_left=staff_left,
        pot_left=pot_left,
        selected=selected,
        benefit=benefit,
        contributions=_contributions(pf),
        ranks=priority_ranks(plan),
        fields_used={pf.project(i).field for i in selected},
        say={lang: _Say(lang, pf, plan.objective_name) for lang in LANGS},
    )


def _contributions(pf: Portfolio) -> pd.DataFrame | None:
    """Each criterion's weighted contribution to each scored project's benefit (scoring.benefit_table)."""
    from kommunal_planner.scoring import benefit_table

    scored = [p for p in pf.projects if p.benefit is None]
    if not scored or not pf.criteria or sum(c.weight for c in pf.criteria) <= 0:
        return None
    crit = [c.id for c in pf.criteria]
    scores = pd.DataFrame([[p.scores[c] for c in crit] for p in scored], index=[p.id for p in scored], columns=crit)
    return benefit_table(scores, {c.id: c.weight for c in pf.criteria})


# --------------------------------------------------------------------------- funding options
@dataclass(frozen=True, slots=True)
class _Option:
    programme: str
    grant: float
    rate: float
    capped: bool
    status: str  # ok | window | pot | min_grant


def _options(ctx: _Context, p: Project, start: int, own_grant: Mapping[str, float]) -> list[_Option]:
    """Programmes that admit *p* and what each would pay for a start in *start* given the pots left."""
    pf = ctx.pf
    out: list[_Option] = []
    for prog in pf.programmes:
        if not prog.eligible.admits(p):
            continue
        rate = prog.effective_rate(pf.financially_weak)
        raw = rate * p.total_cost
        capped = prog.max_grant is not None and raw > prog.max_grant
        grant = min(raw, prog.max_grant) if prog.max_grant is not None else raw
        if grant <= 0:
            continue
        if prog.min_grant is not None and grant < prog.min_grant:
            status = "min_grant"
        elif prog.windows is not None and start not in prog.windows:
            status = "window"
        elif ctx.pot_left[prog.id] + own_grant.get(prog.id, 0.0) < grant - _MONEY_EPS:
            status = "pot"
        else:
            status = "ok"
        out.append(_Option(prog.id, grant, rate, capped, status))
    return out


def _missed_values(f: Mapping[str, Any], s: _Say) -> dict[str, str]:
    return {
        "programme": s.prog(f["programme"]),
        "grant": s.eur(f["grant"]),
        "start": str(f["start"]),
        "windows": s.join([str(y) for y in f.get("windows", ())]),
        "pot": s.eur(f.get("pot", 0.0)),
        "pot_left": s.eur(f.get("pot_left", 0.0)),
        "min_grant": s.eur(f.get("min_grant", 0.0)),
    }


def _missed_reasons(ctx: _Context, options: list[_Option], best: float, start: int) -> list[Reason]:
    """Programmes that would pay more than the grant obtained, and why they do not."""
    reasons = []
    for opt in sorted(options, key=lambda o: -o.grant):
        if opt.status == "ok" or opt.grant <= best + _MONEY_EPS:
            continue
        prog = ctx.pf.programme(opt.programme)
        figures: dict[str, Any] = {"programme": opt.programme, "grant": opt.grant, "start": start}
        if opt.status == "window":
            figures["windows"] = tuple(prog.windows or ())
            key = "reason.funding_missed.window"
        elif opt.status == "pot":
            pot = float(prog.pot or 0.0)
            figures.update(pot=pot, pot_left=max(0.0, ctx.pot_left[opt.programme]))
            key = "reason.funding_missed.pot"
        else:
            figures["min_grant"] = float(prog.min_grant or 0.0)
            key = "reason.funding_missed.min_grant"
        reasons.append(
            _reason(
                "funding_missed",
                key,
                figures,
                partial(_missed_values, figures),
                ctx.say,
            )
        )
    return reasons


# --------------------------------------------------------------------------- reasons shared by in and out
def _benefit_reason(ctx: _Context, p: Project) -> Reason:
    b = ctx.benefit[p.id]
    table = ctx.contributions
    if p.benefit is not None or table is None or p.id not in table.index:
        return _reason("benefit", "reason.benefit.given", {"benefit": b}, lambda s: {"benefit": s.pts(b)}, ctx.say)
    crit_ids = [c.id for c in ctx.pf.criteria]
    points = dict(zip(crit_ids, table.loc[p.id, crit_ids].to_numpy(dtype=float).tolist(), strict=True))
    total_w = sum(c.weight for c in ctx.pf.criteria)
    top = [c for c in sorted(crit_ids, key=lambda c: -points[c]) if points[c] > 0][:2]
    crit = {c.id: c for c in ctx.pf.criteria}
    items = [
        {
            "criterion": c,
            "points": points[c],
            "score": float(p.scores[c]),
            "weight": crit[c].weight / total_w,
        }
        for c in top
    ]
    if not items:
        return _reason("benefit", "reason.benefit.zero", {"benefit": b}, lambda s: {"benefit": s.pts(b)}, ctx.say)

    def values(s: _Say) -> dict[str, str]:
        parts = [
            text(
                "item.criterion",
                s.lang,
                criterion=quote(crit[it["criterion"]].name, s.lang),
                score=s.num(it["score"], 0 if float(it["score"]).is_integer() else 1),
                weight=s.pct(it["weight"]),
                points=s.pts(it["points"]),
            )
            for it in items
        ]
        return {"benefit": s.pts(b), "criteria": s.join(parts)}

    return _reason("benefit", "reason.benefit.criteria", {"benefit": b, "criteria": tuple(items)}, values, ctx.say)


def _own_cost_reason(ctx: _Context, p: Project, start: int, grant: float, *, hypothetical: bool) -> list[Reason]:
    py = project_years(ctx.pf, p.id, start, grant)
    years = [(y, float(py.own_share[t])) for t, y in enumerate(ctx.years) if py.cost[t] > 0 or py.grant[t] > 0]
    total = float(py.own_share.sum())
    figures = {"start": start, "own_share": total, "by_year": tuple(years), "investment": p.total_cost}
    key = "reason.own_cost.if" if hypothetical else "reason.own_cost"

    def values(s: _Say) -> dict[str, str]:
        per_year = s.join([text("item.year_amount", s.lang, year=str(y), amount=s.eur(v)) for y, v in years])
        return {
            "start": str(start),
            "total": s.eur(total),
            "investment": s.eur(p.total_cost),
            "years": per_year or s.eur(0.0),
        }

    out = [_reason("own_cost", key, figures, values, ctx.say)]
    if p.operating_cost > 0:
        finish = start + p.duration - 1
        n_years = max(0, ctx.pf.horizon.end - finish)
        op = p.operating_cost
        if n_years > 0:
            f2 = {"operating": op, "from": finish + 1, "years": n_years, "total": op * n_years}
            out.append(
                _reason(
                    "operating",
                    "reason.operating",
                    f2,
                    lambda s: {
                        "operating": s.eur(op),
                        "from": str(finish + 1),
                        "years": str(n_years),
                        "total": s.eur(op * n_years),
                        "end": str(ctx.pf.horizon.end),
                    },
                    ctx.say,
                )
            )
        else:
            out.append(
                _reason(
                    "operating",
                    "reason.operating.after",
                    {"operating": op, "from": finish + 1},
                    lambda s: {"operating": s.eur(op), "from": str(finish + 1)},
                    ctx.say,
                )
            )
    return out


# --------------------------------------------------------------------------- selected projects
def _explain_selected(ctx: _Context, p: Project, forced: ForcedSolve | None) -> ProjectExplanation:
    d = ctx.selected[p.id]
    start, finish = int(d.start), int(d.finish)
    reasons: list[Reason] = []
    rank = ctx.ranks[p.id]
    n_sel = len(ctx.selected)
    if p.mandatory:
        reasons.append(
            _reason(
                "mandatory",
                "reason.mandatory",
                {"start": start, "finish": finish},
                lambda s: {"period": format_period(start, finish)},
                ctx.say,
            )
        )
    reasons.append(
        _reason(
            "rank",
            "reason.rank",
            {"rank": rank, "of": n_sel, "start": start, "finish": finish},
            lambda s: {"rank": str(rank), "of": str(n_sel), "period": format_period(start, finish)},
            ctx.say,
        )
    )
    reasons.append(_benefit_reason(ctx, p))
    grant = float(d.grant or 0.0)
    own_grant = {d.programme: grant} if d.programme else {}
    options = _options(ctx, p, start, own_grant)
    if d.programme:
        prog = ctx.pf.programme(d.programme)
        rate = prog.effective_rate(ctx.pf.financially_weak)
        capped = prog.max_grant is not None and rate * p.total_cost > prog.max_grant + _MONEY_EPS
        figures = {
            "programme": d.programme,
            "rate": rate,
            "investment": p.total_cost,
            "grant": grant,
            "max_grant": prog.max_grant,
        }
        key = "reason.funding.capped" if capped else "reason.funding"
        reasons.append(
            _reason(
                "funding",
                key,
                figures,
                lambda s: {
                    "programme": s.prog(str(d.programme)),
                    "rate": s.pct(rate),
                    "investment": s.eur(p.total_cost),
                    "grant": s.eur(grant),
                    "max_grant": s.eur(float(prog.max_grant or 0.0)),
                },
                ctx.say,
            )
        )
    else:
        key = "reason.no_funding.none" if not options else "reason.no_funding.blocked"
        reasons.append(
            _reason(
                "no_funding",
                key,
                {"investment": p.total_cost, "grant": 0.0},
                lambda s: {"investment": s.eur(p.total_cost), "grant": s.eur(0.0)},
                ctx.say,
            )
        )
    reasons.extend(_missed_reasons(ctx, options, grant, start))
    reasons.extend(_own_cost_reason(ctx, p, start, grant, hypothetical=False))
    if p.requires:
        reqs = [(r, int(ctx.selected[r].finish)) for r in p.requires if r in ctx.selected]
        reasons.append(
            _reason(
                "requires",
                "reason.requires",
                {"requires": tuple(reqs), "start": start},
                lambda s: {
                    "items": s.join(text("item.finished", s.lang, name=s.name(r), year=str(y)) for r, y in reqs),
                    "start": str(start),
                },
                ctx.say,
            )
        )
    dependants = [
        (q.id, int(ctx.selected[q.id].start)) for q in ctx.pf.projects if p.id in q.requires and q.id in ctx.selected
    ]
    if dependants:
        reasons.append(
            _reason(
                "enables",
                "reason.enables",
                {"enables": tuple(dependants)},
                lambda s: {
                    "items": s.join(text("item.starts", s.lang, name=s.name(q), year=str(y)) for q, y in dependants)
                },
                ctx.say,
            )
        )
    flip = None
    if forced is not None:
        reasons.extend(_forced_reasons(ctx, p, forced))
        flip, flip_reason = _flip(ctx, p, forced)
        if flip_reason is not None:
            reasons.append(flip_reason)
    return ProjectExplanation(p.id, p.name, True, rank, ctx.benefit[p.id], tuple(reasons), forced, flip)


# --------------------------------------------------------------------------- projects left out
@dataclass(slots=True)
class _StartCheck:
    start: int
    grant: float
    programme: str | None
    options: list[_Option]
    late: list[tuple[str, int, int]]  # requirement, its finish, latest allowed start
    budget: list[tuple[int, float, float]]  # year, need, slack
    staff: list[tuple[int, float, float]]

    @property
    def blocked(self) -> bool:
        return bool(self.late or self.budget or self.staff)

    def score(self) -> tuple[float, ...]:
        short = sum(n - s for _, n, s in self.budget)
        staff_short = sum(n - s for _, n, s in self.staff)
        kinds = bool(self.late) + bool(self.budget) + bool(self.staff)
        return (kinds, short, staff_short, self.start)


def _check_start(ctx: _Context, p: Project, start: int) -> _StartCheck:
    options = _options(ctx, p, start, {})
    ok = [o for o in options if o.status == "ok"]
    best = max(ok, key=lambda o: o.grant) if ok else None
    grant = best.grant if best else 0.0
    py = project_years(ctx.pf, p.id, start, grant)
    budget = [
        (y, float(py.own_funds[t]), float(ctx.slack[t]))
        for t, y in enumerate(ctx.years)
        if py.own_funds[t] > ctx.slack[t] + _MONEY_EPS
    ]
    staff = [
        (y, float(py.staff[t]), float(ctx.staff_left[t]))
        for t, y in enumerate(ctx.years)
        if py.staff[t] > ctx.staff_left[t] + 1e-6
    ]
    late = []
    for r in p.requires:
        if r in ctx.selected:
            fin = int(ctx.selected[r].finish)
            if start <= fin:
                late.append((r, fin, start))
    return _StartCheck(start, grant, best.programme if best else None, options, late, budget, staff)


def _requires_missing_values(f: Mapping[str, Any], s: _Say) -> dict[str, str]:
    return {"name": s.name(f["requires"]), "benefit": s.pts(f["benefit"]), "investment": s.eur(f["investment"])}


def _exclusive_values(f: Mapping[str, Any], s: _Say) -> dict[str, str]:
    return {
        "group": quote(f["group"], s.lang),
        "chosen": s.name(f["chosen"]),
        "chosen_benefit": s.pts(f["chosen_benefit"]),
        "chosen_own_cost": s.eur(f["chosen_own_cost"]),
        "benefit": s.pts(f["benefit"]),
    }


def _late_values(f: Mapping[str, Any], s: _Say) -> dict[str, str]:
    return {
        "name": s.name(f["requires"]),
        "finish": str(f["finish"]),
        "earliest": str(f["finish"] + 1),
        "latest": str(f["latest_start"]),
    }


def _explain_unselected(ctx: _Context, p: Project, forced: ForcedSolve | None) -> ProjectExplanation:
    pf = ctx.pf
    reasons: list[Reason] = [_benefit_reason(ctx, p)]
    starts = pf.allowed_starts(p)
    if not starts:
        h = pf.horizon
        figures = {
            "duration": p.duration,
            "earliest": p.earliest_start or h.start,
            "latest": p.latest_start,
            "deadline": p.deadline or h.end,
            "horizon": (h.start, h.end),
        }
        reasons.append(
            _reason(
                "no_start",
                "reason.no_start",
                figures,
                lambda s: {
                    "duration": str(p.duration),
                    "earliest": str(p.earliest_start or h.start),
                    "deadline": str(min(p.deadline or h.end, h.end)),
                    "horizon": format_period(h.start, h.end),
                },
                ctx.say,
            )
        )
        return ProjectExplanation(p.id, p.name, False, None, ctx.benefit[p.id], tuple(reasons), None, math.inf)
    for r in p.requires:
        if r not in ctx.selected:
            rp = pf.project(r)
            reasons.append(
                _reason(
                    "requires_missing",
                    "reason.requires_missing",
                    (figures_req := {"requires": r, "benefit": ctx.benefit[r], "investment": rp.total_cost}),
                    partial(_requires_missing_values, figures_req),
                    ctx.say,
                )
            )
    if p.exclusive_group is not None:
        rivals = [q for q in pf.projects if q.exclusive_group == p.exclusive_group and q.id in ctx.selected]
        for q in rivals:
            dq = ctx.selected[q.id]
            reasons.append(
                _reason(
                    "exclusive",
                    "reason.exclusive",
                    (
                        figures_ex := {
                            "group": str(p.exclusive_group),
                            "chosen": q.id,
                            "chosen_benefit": ctx.benefit[q.id],
                            "chosen_own_cost": float(dq.own_cost or 0.0),
                            "benefit": ctx.benefit[p.id],
                        }
                    ),
                    partial(_exclusive_values, figures_ex),
                    ctx.say,
                )
            )
    max_fields = pf.focus.max_fields
    if max_fields is not None and p.field not in ctx.fields_used and len(ctx.fields_used) >= max_fields:
        used = len(ctx.fields_used)
        reasons.append(
            _reason(
                "focus",
                "reason.focus",
                {"used": used, "max_fields": max_fields, "field": p.field},
                lambda s: {"used": str(used), "max": str(max_fields), "field": field_label(p.field, s.lang)},
                ctx.say,
            )
        )
    checks = [_check_start(ctx, p, s) for s in starts]
    best = min(checks, key=lambda c: c.score())
    reasons.extend(_own_cost_reason(ctx, p, best.start, best.grant, hypothetical=True))
    if best.programme is not None:
        prog = pf.programme(best.programme)
        rate = prog.effective_rate(pf.financially_weak)
        capped_if = prog.max_grant is not None and rate * p.total_cost > prog.max_grant + _MONEY_EPS
        reasons.append(
            _reason(
                "funding",
                "reason.funding.if.capped" if capped_if else "reason.funding.if",
                {"programme": best.programme, "grant": best.grant, "rate": rate, "start": best.start},
                lambda s: {
                    "programme": s.prog(str(best.programme)),
                    "grant": s.eur(best.grant),
                    "rate": s.pct(rate),
                    "start": str(best.start),
                },
                ctx.say,
            )
        )
    reasons.extend(_missed_reasons(ctx, best.options, best.grant, best.start))
    for r, fin, _ in best.late:
        latest = max(starts)
        reasons.append(
            _reason(
                "requires_late",
                "reason.requires_late",
                (figures_late := {"requires": r, "finish": fin, "latest_start": latest, "deadline": p.deadline}),
                partial(_late_values, figures_late),
                ctx.say,
            )
        )
    if best.budget:
        items = best.budget
        reasons.append(
            _reason(
                "budget",
                "reason.budget",
                {"start": best.start, "years": tuple(items)},
                lambda s: {
                    "start": str(best.start),
                    "items": s.join(
                        text(
                            "item.budget_year",
                            s.lang,
                            year=str(y),
                            short=s.eur(n - sl),
                            need=s.eur(n),
                            slack=s.eur(max(0.0, sl)),
                        )
                        for y, n, sl in items
                    ),
                },
                ctx.say,
            )
        )
    if best.staff:
        items_s = best.staff
        reasons.append(
            _reason(
                "staff",
                "reason.staff",
                {"start": best.start, "years": tuple(items_s)},
                lambda s: {
                    "start": str(best.start),
                    "items": s.join(
                        text(
                            "item.staff_year",
                            s.lang,
                            year=str(y),
                            need=s.num(n),
                            left=s.num(max(0.0, sl)),
                        )
                        for y, n, sl in items_s
                    ),
                },
                ctx.say,
            )
        )
    others = [c for c in checks if c is not best]
    if others and best.blocked:
        reasons.append(_other_starts_reason(ctx, others))
    if not best.blocked and not [r for r in reasons if r.kind in ("requires_missing", "exclusive", "focus")]:
        reasons.append(_fits_reason(ctx, p, best))
    flip = None
    if forced is not None:
        reasons.extend(_forced_reasons(ctx, p, forced))
        flip, flip_reason = _flip(ctx, p, forced)
        if flip_reason is not None:
            reasons.append(flip_reason)
    return ProjectExplanation(p.id, p.name, False, None, ctx.benefit[p.id], tuple(reasons), forced, flip)


def _other_starts_reason(ctx: _Context, others: list[_StartCheck]) -> Reason:
    summary = []
    for c in others:
        what: list[tuple[str, str]] = []
        what.extend(("budget", str(y)) for y, _, _ in c.budget[:1])
        what.extend(("staff", str(y)) for y, _, _ in c.staff[:1])
        what.extend(("late", r) for r, _, _ in c.late[:1])
        summary.append((c.start, tuple(what)))

    def values(s: _Say) -> dict[str, str]:
        parts = []
        for start, what in summary:
            labels = [
                text("label.budget_year", s.lang, year=v)
                if k == "budget"
                else text("label.staff_year", s.lang, year=v)
                if k == "staff"
                else text("label.requires", s.lang, name=s.name(v))
                for k, v in what
            ]
            if not labels:
                labels = [text("label.fits", s.lang)]
            parts.append(f"{start}: {s.join(labels)}")
        return {"count": str(len(summary)), "items": "; ".join(parts)}

    key = "reason.other_starts.one" if len(summary) == 1 else "reason.other_starts"
    return _reason("other_starts", key, {"starts": tuple(summary)}, values, ctx.say)


def _fits_reason(ctx: _Context, p: Project, best: _StartCheck) -> Reason:
    plan = ctx.plan
    b = ctx.benefit[p.id]
    if plan.objective_name == "benefit" and b <= _EPS:
        key = "reason.fits.zero"
    elif plan.objective_name != "benefit":
        key = "reason.fits.objective"
    else:
        key = "reason.fits.gap"
    gap = float(plan.gap or 0.0)
    return _reason(
        "fits",
        key,
        {"start": best.start, "benefit": b, "gap": gap},
        lambda s: {
            "start": str(best.start),
            "benefit": s.pts(b),
            "gap": s.pct(gap) if gap >= 0.001 else format_percent(gap, s.lang, 2),
            "objective": text(f"objective.{plan.objective_name}", s.lang),
        },
        ctx.say,
    )


# --------------------------------------------------------------------------- counterfactual sentences
def _forced_reasons(ctx: _Context, p: Project, fs: ForcedSolve) -> list[Reason]:
    d = fs.direction
    obj_name = ctx.plan.objective_name
    base = fs.baseline
    figures = fs.to_dict()
    if not fs.feasible:
        key = f"reason.forced_{d}." + ("infeasible" if fs.status == "infeasible" else "no_solution")
        return [
            _reason(
                "forced",
                key,
                figures,
                lambda s: {
                    "objective": s.obj(base),
                    "benefit": s.pts(ctx.benefit[p.id]),
                    "seconds": s.num(fs.seconds, 1),
                },
                ctx.say,
            )
        ]
    loss = float(fs.loss or 0.0)
    lower = fs.loss_lower
    if fs.status != "optimal" and lower is not None:
        key = f"reason.forced_{d}.range"
    elif abs(loss) <= _EPS:
        key = f"reason.forced_{d}.tie"
    else:
        key = f"reason.forced_{d}"
    out = [
        _reason(
            "forced",
            key,
            figures,
            lambda s: {
                "what": text(f"objective.{obj_name}", s.lang),
                "loss": s.obj(loss),
                "lower": s.obj(float(lower if lower is not None else loss)),
                "base": s.obj_plain(base),
                "forced": s.obj(float(fs.objective or 0.0)),
                "seconds": s.num(fs.seconds, 1),
            },
            ctx.say,
        )
    ]
    if fs.entered:
        out.append(
            _reason(
                "forced",
                f"reason.forced_{d}.entered",
                {"entered": fs.entered},
                lambda s: {"items": s.named_points(fs.entered, ctx.benefit)},
                ctx.say,
            )
        )
    if fs.left:
        out.append(
            _reason(
                "forced",
                f"reason.forced_{d}.left",
                {"left": fs.left},
                lambda s: {"items": s.named_points(fs.left, ctx.benefit)},
                ctx.say,
            )
        )
    if fs.moved:
        out.append(
            _reason(
                "forced",
                f"reason.forced_{d}.moved" + (".one" if len(fs.moved) == 1 else ""),
                {"moved": fs.moved},
                lambda s: {"count": str(len(fs.moved))},
                ctx.say,
            )
        )
    return out


def _flip(ctx: _Context, p: Project, fs: ForcedSolve) -> tuple[float | None, Reason | None]:
    """The benefit at which the decision on *p* flips (benefit objective only), and its sentence."""
    if ctx.plan.objective_name != "benefit":
        return None, None
    b = ctx.benefit[p.id]
    if not fs.feasible:
        if fs.status == "infeasible":
            return (math.inf if fs.direction == "in" else -math.inf), None
        return None, None
    loss = float(fs.loss or 0.0)
    lower = fs.loss_lower if fs.loss_lower is not None else loss
    if abs(loss) <= _EPS and fs.status == "optimal":
        return b, None  # the tie sentence of the re-solve says it
    if fs.direction == "out":
        threshold = b - loss
        if fs.status != "optimal":
            lo, hi = b - loss, b - lower
            reason = _reason(
                "flip",
                "reason.flip_out.range",
                {"benefit": b, "threshold_low": lo, "threshold_high": hi},
                lambda s: {"benefit": s.pts(b), "low": s.pts(lo), "high": s.pts(hi)},
                ctx.say,
            )
            return threshold, reason
        if threshold < -_EPS:
            key = "reason.flip_out.always"
        elif threshold <= _EPS:
            key = "reason.flip_out.free"
        else:
            key = "reason.flip_out"
        return threshold, _reason(
            "flip",
            key,
            {"benefit": b, "threshold": threshold, "margin": loss},
            lambda s: {"benefit": s.pts(b), "threshold": s.pts(threshold), "margin": s.pts(loss)},
            ctx.say,
        )
    threshold = b + loss
    if fs.status != "optimal":
        lo, hi = b + lower, b + loss
        reason = _reason(
            "flip",
            "reason.flip_in.range",
            {"benefit": b, "threshold_low": lo, "threshold_high": hi},
            lambda s: {"benefit": s.pts(b), "low": s.pts(lo), "high": s.pts(hi)},
            ctx.say,
        )
        return threshold, reason
    key = "reason.flip_in.unreachable" if p.benefit is None and threshold > 100.0 + _EPS else "reason.flip_in"
    return threshold, _reason(
        "flip",
        key,
        {"benefit": b, "threshold": threshold, "margin": loss},
        lambda s: {"benefit": s.pts(b), "threshold": s.pts(threshold), "margin": s.pts(loss)},
        ctx.say,
    )


# --------------------------------------------------------------------------- summary
def _summary(ctx: _Context) -> tuple[Reason, ...]:
    plan, pf = ctx.plan, ctx.pf
    n_sel, n_all = len(ctx.selected), len(pf.projects)
    total_benefit = plan.total_benefit
    invest = float(sum(y.cost for y in plan.years))
    grants = plan.total_grant
    own = plan.total_own_funds
    budget = float(sum(y.budget for y in plan.years))
    out = [
        _reason(
            "summary",
            "summary.selection",
            {"selected": n_sel, "projects": n_all, "benefit": total_benefit, "fields": len(ctx.fields_used)},
            lambda s: {
                "selected": str(n_sel),
                "projects": str(n_all),
                "benefit": s.pts(total_benefit),
                "fields": str(len(ctx.fields_used)),
            },
            ctx.say,
        ),
        _reason(
            "summary",
            "summary.money",
            {"investment": invest, "grant": grants, "own_funds": own, "budget": budget},
            lambda s: {
                "investment": s.eur(invest),
                "grant": s.eur(grants),
                "share": s.pct(grants / invest if invest > 0 else 0.0),
                "own_funds": s.eur(own),
                "budget": s.eur(budget),
                "horizon": format_period(pf.horizon.start, pf.horizon.end),
            },
            ctx.say,
        ),
    ]
    tight = [(y.year, y.slack, y.budget) for y in plan.years if y.budget > 0 and y.slack <= 0.02 * y.budget]
    if tight:
        out.append(
            _reason(
                "summary",
                "summary.tight",
                {"years": tuple(tight)},
                lambda s: {
                    "items": s.join(
                        text("item.year_amount", s.lang, year=str(y), amount=s.eur(max(0.0, sl))) for y, sl, _ in tight
                    )
                },
                ctx.say,
            )
        )
    staff_tight = [
        (y.year, y.staff_capacity - y.staff_days)
        for y in plan.years
        if y.staff_capacity is not None
        and y.staff_capacity > 0
        and y.staff_capacity - y.staff_days <= 0.05 * y.staff_capacity
    ]
    if staff_tight:
        out.append(
            _reason(
                "summary",
                "summary.staff_tight",
                {"years": tuple(staff_tight)},
                lambda s: {
                    "items": s.join(
                        text("item.year_days", s.lang, year=str(y), days=s.num(max(0.0, left)))
                        for y, left in staff_tight
                    )
                },
                ctx.say,
            )
        )
    gap = plan.gap or 0.0
    key = "summary.optimal" if plan.status == "optimal" else "summary.feasible"
    out.append(
        _reason(
            "summary",
            key,
            {"status": plan.status, "objective": plan.objective, "bound": plan.bound, "gap": gap},
            lambda s: {
                "objective": s.obj(float(plan.objective or 0.0)),
                "bound": s.obj(float(plan.bound if plan.bound is not None else plan.objective or 0.0)),
                "gap": s.pct(gap) if gap >= 0.001 else format_percent(gap, s.lang, 2),
                "what": text(f"objective.{plan.objective_name}", s.lang),
            },
            ctx.say,
        )
    )
    return tuple(out)


def field_label(field_id: str, lang: Lang) -> str:
    """A readable name for a field of action: the catalogue's name for common ids, else the id itself."""
    from kommunal_planner.report._catalogue import has_text

    key = f"field.{field_id}"
    return text(key, lang) if has_text(key) else field_id


# --------------------------------------------------------------------------- entry point
def explain(
    plan: Plan,
    portfolio: Portfolio | None = None,
    *,
    lang: Lang | str = "de",
    resolve: bool | Iterable[str] = True,
    solver: str = "highs",
    time_limit: float | None = 10.0,
    gap: float | None = None,
    tie_break: bool = True,
    max_time: float | None = None,
    executor: Executor | None = None,
) -> Explanations:
    """Explain, for every project, why it is in or out of *plan*, with the figures behind each sentence.

    Parameters
    ----------
    plan
        The plan to explain.
    portfolio
        Its input (default: ``plan.portfolio``; a plan read from JSON needs it given).
    lang
        Default language of :meth:`Explanations.text`; the records always hold German and English.
    resolve
        Re-solve with each project forced the other way (True), with the listed project ids only, or not at all
        (False: static reasons only, instant). See :func:`forced_solves` for ``solver``, ``time_limit`` (per
        re-solve), ``gap``, ``tie_break``, ``max_time`` (for the whole batch) and ``executor``.

    Returns
    -------
    Explanations
        A summary of the plan and one :class:`ProjectExplanation` per project, in input order.

    Raises
    ------
    DataFormatError
        When the plan does not match the portfolio.

    Examples
    --------
    >>> from kommunal_planner.model import Portfolio, Horizon, Project
    >>> from kommunal_planner.optimize import optimize
    >>> pf = Portfolio("M", Horizon(2026, 1), 100, projects=(
    ...     Project("a", benefit=5, cost=60), Project("b", benefit=4, cost=50), Project("c", benefit=3, cost=40)))
    >>> ex = explain(optimize(pf), lang="en")
    >>> ex["b"].flip_benefit
    5.0
    >>> print(ex["b"].sentences("en")[-1])
    It would enter the plan if its benefit rose above 5.0 points (now 4.0, i.e. by more than 1.0 points).
    """
    language = check_lang(lang)
    pf = portfolio or plan.portfolio
    if pf is None:
        raise KommunalPlannerError("explain needs the input: explain(plan, portfolio)")
    check_plan_matches(plan, pf)
    if not plan.success:
        return _explain_failed(plan, pf, language)
    ctx = _context(plan, pf)
    forced: dict[str, ForcedSolve] = {}
    if resolve is not False:
        ids = None if resolve is True else list(resolve)
        forced = forced_solves(
            plan,
            pf,
            ids,
            solver=solver,
            time_limit=time_limit,
            gap=gap,
            tie_break=tie_break,
            max_time=max_time,
            executor=executor,
        )
    projects = tuple(
        _explain_selected(ctx, p, forced.get(p.id))
        if p.id in ctx.selected
        else _explain_unselected(ctx, p, forced.get(p.id))
        for p in pf.projects
    )
    return Explanations(
        portfolio=pf.name,
        status=plan.status,
        objective_name=plan.objective_name,
        objective=plan.objective,
        summary=_summary(ctx),
        projects=projects,
        lang=language,
        resolved=bool(forced),
    )


def _explain_failed(plan: Plan, pf: Portfolio, lang: Lang) -> Explanations:
    texts = {}
    for language in LANGS:
        detail = plan.explanation.text(language) if plan.explanation is not None else plan.message
        texts[language] = text(
            "summary.no_plan", language, status=plan.status, count=str(len(pf.projects)), detail=detail
        )
    reason = Reason("summary", "summary.no_plan", FrozenMap({"status": plan.status}), texts["de"], texts["en"])
    return Explanations(pf.name, plan.status, plan.objective_name, None, (reason,), (), lang, False)
