"""Why no plan exists: a minimal set of conflicting rules, in words, with the smallest change that resolves it.

Every rule that can make a portfolio infeasible is a row whose bound can be lifted: a year's budget, a year's
staff capacity, a programme's pot, a must-do, a must-do's time limits (earliest/latest start, deadline), the focus
limit and an exclusive group. (Funding is never forced, so windows and grant floors cannot cause infeasibility.)
A deletion filter over these rules leaves a minimal conflicting set (an irreducible infeasible subset of the rules);
then the smallest extra budget, staff or pot that makes the portfolio feasible with the other rules kept is found by
an elastic model with penalised slack.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

from kommunal_planner.model import Portfolio, Project
from kommunal_planner.optimize._formulation import Model, build_model
from kommunal_planner.optimize._solvers import SolveOptions, Solver, SolveStatus

__all__ = ["Conflict", "Explanation", "Rule", "explain_infeasibility"]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule of the portfolio that takes part in a conflict."""

    kind: str  # budget | staff | pot | mandatory | time_limits | focus | exclusive
    key: str  # the year, programme id, project id or group
    rows: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Conflict:
    """A rule of the minimal conflicting set, with its numbers."""

    kind: str
    key: str
    limit: float | None = None
    needed: float | None = None
    projects: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a portfolio is infeasible: the conflicting rules and the smallest change that resolves them."""

    conflicts: tuple[Conflict, ...]
    fixes: tuple[Conflict, ...]
    text_en: str
    text_de: str
    complete: bool = True

    def text(self, lang: str = "en") -> str:
        return self.text_de if lang == "de" else self.text_en


def _eur(value: float, lang: str) -> str:
    text = f"{value:,.0f}"
    if lang == "de":
        text = text.replace(",", ".")
    return f"{text} EUR"


def _num(value: float, lang: str) -> str:
    text = f"{value:,.0f}"
    return text.replace(",", ".") if lang == "de" else text


def _relaxed_portfolio(pf: Portfolio) -> Portfolio:
    """The portfolio with must-dos' time limits lifted (they become explicit, relaxable rows)."""
    projects = tuple(
        dataclasses.replace(p, earliest_start=None, latest_start=None, deadline=None) if p.mandatory else p
        for p in pf.projects
    )
    return dataclasses.replace(pf, projects=projects)


def _rules_model(pf: Portfolio, kwargs: Mapping[str, Any]) -> tuple[Model, list[Rule]]:
    relaxed = _relaxed_portfolio(pf)
    model = build_model(relaxed, **kwargs)
    arr, rel = pf.arrays, relaxed.arrays
    rules: list[Rule] = []
    rows_b = model.rows_of("budget")
    for k in range(rows_b.stop - rows_b.start):
        rules.append(Rule("budget", str(int(arr.years[k])), (rows_b.start + k,)))
    rows_s = model.rows_of("staff")
    cap_years = np.flatnonzero(np.isfinite(arr.staff_capacity))
    for k in range(rows_s.stop - rows_s.start):
        rules.append(Rule("staff", str(int(arr.years[cap_years[k]])), (rows_s.start + k,)))
    rows_p = model.rows_of("pot")
    pot_f = np.flatnonzero(np.isfinite(arr.pot))
    for k in range(rows_p.stop - rows_p.start):
        rules.append(Rule("pot", pf.programmes[int(pot_f[k])].id, (rows_p.start + k,)))
    rows_sel = model.rows_of("select")
    for i in np.flatnonzero(arr.mandatory):
        rules.append(Rule("mandatory", pf.projects[int(i)].id, (rows_sel.start + int(i),)))
    rows_f = model.rows_of("focus")
    if rows_f.stop > rows_f.start:
        rules.append(Rule("focus", "max_fields", (rows_f.start,)))
    rows_e = model.rows_of("exclusive")
    for k in range(rows_e.stop - rows_e.start):
        rules.append(Rule("exclusive", arr.groups[k], (rows_e.start + k,)))
    # time limits of must-dos: sum of x outside the original allowed starts <= 0
    extra_rows, extra_lo, extra_hi = [], [], []
    n = model.n_rows
    for i in np.flatnonzero(arr.mandatory):
        bad = np.flatnonzero((model.x_project == i) & ~arr.start_ok[i, model.x_year] & rel.start_ok[i, model.x_year])
        if len(bad):
            row = np.zeros(model.n_cols)
            row[bad] = 1.0
            extra_rows.append(row)
            extra_lo.append(-np.inf)
            extra_hi.append(0.0)
            rules.append(Rule("time_limits", pf.projects[int(i)].id, (n + len(extra_rows) - 1,)))
    if extra_rows:
        A = sp.vstack([model.A, sp.csr_array(np.array(extra_rows))], format="csr")
        model = dataclasses.replace(
            model,
            A=A,
            row_lo=np.concatenate([model.row_lo, extra_lo]),
            row_hi=np.concatenate([model.row_hi, extra_hi]),
        )
    return model, rules


def _lift(model: Model, rules: list[Rule], off: set[int]) -> Model:
    """The model with the rules in *off* lifted (their rows made free)."""
    lo, hi = model.row_lo.copy(), model.row_hi.copy()
    for r in off:
        rule = rules[r]
        for row in rule.rows:
            if rule.kind == "mandatory":
                lo[row] = 0.0
            else:
                hi[row] = np.inf
    return dataclasses.replace(model, row_lo=lo, row_hi=hi)


def _feasible(model: Model, solver: Solver, options: SolveOptions) -> bool | None:
    res = solver.solve(model, options, c=np.zeros(model.n_cols))
    if res.status == SolveStatus.INFEASIBLE:
        return False
    if res.success:
        return True
    return None


def explain_infeasibility(
    portfolio: Portfolio, solver: Solver, options: SolveOptions, build_kwargs: Mapping[str, Any]
) -> Explanation:
    """Find a minimal set of conflicting rules and the smallest change that makes *portfolio* feasible."""
    model, rules = _rules_model(portfolio, build_kwargs)
    quick = dataclasses.replace(options, tie_break=False, log=False, time_limit=min(options.time_limit or 30.0, 30.0))
    all_rules = set(range(len(rules)))
    complete = True
    if _feasible(_lift(model, rules, all_rules), solver, quick) is not True:
        # the hard rules (dependencies, selection links) alone conflict, or the check ran out of time
        complete = False
        keep: set[int] = set()
    else:
        keep = set()
        candidates = list(range(len(rules)))
        # deletion filter: a rule whose removal keeps the rest infeasible is not needed for the conflict
        off: set[int] = set()
        for r in candidates:
            trial = off | {r}
            verdict = _feasible(_lift(model, rules, trial), solver, quick)
            if verdict is False:
                off = trial
            else:
                if verdict is None:
                    complete = False
                keep.add(r)
    conflicts = _describe(portfolio, model, rules, keep, solver, quick)
    fixes = _smallest_fix(portfolio, model, rules, keep, solver, quick)
    return Explanation(
        conflicts=conflicts,
        fixes=fixes,
        text_en=_text(portfolio, conflicts, fixes, "en"),
        text_de=_text(portfolio, conflicts, fixes, "de"),
        complete=complete,
    )


def _describe(
    pf: Portfolio, model: Model, rules: list[Rule], keep: set[int], solver: Solver, options: SolveOptions
) -> tuple[Conflict, ...]:
    mandatory = tuple(sorted(rules[r].key for r in keep if rules[r].kind == "mandatory"))
    out: list[Conflict] = []
    for r in sorted(keep, key=lambda r: (rules[r].kind, rules[r].key)):
        rule = rules[r]
        limit: float | None = None
        if rule.kind in ("budget", "staff", "pot"):
            limit = float(model.row_hi[rule.rows[0]])
        elif rule.kind == "focus":
            limit = float(pf.focus.max_fields or 0)
        out.append(Conflict(rule.kind, rule.key, limit=limit, projects=mandatory))
    return tuple(out)


def _smallest_fix(
    pf: Portfolio, model: Model, rules: list[Rule], keep: set[int], solver: Solver, options: SolveOptions
) -> tuple[Conflict, ...]:
    """Minimal extra budget/staff/pot on the conflicting capacity rows, all other rules kept."""
    cap = [r for r in keep if rules[r].kind in ("budget", "staff", "pot")]
    if not cap:
        return ()
    n = model.n_cols
    k = len(cap)
    # continuous slack columns s_r >= 0 on the conflicting capacity rows, in units of 1 % of the limit so that
    # the objective weighs a year's shortfall relative to its size
    scale = np.array([max(1.0, abs(float(model.row_hi[rules[r].rows[0]]))) * 1e-2 for r in cap])
    A = model.A.tocoo()
    rows = np.concatenate([A.row, [rules[r].rows[0] for r in cap]])
    cols = np.concatenate([A.col, n + np.arange(k)])
    vals = np.concatenate([A.data, -scale])
    A2 = sp.csr_array((vals, (rows, cols)), shape=(model.n_rows, n + k))
    ext = dataclasses.replace(
        model,
        A=A2,
        c=np.concatenate([np.zeros(n), np.ones(k)]),
        col_lo=np.concatenate([model.col_lo, np.zeros(k)]),
        col_hi=np.concatenate([model.col_hi, np.full(k, 1e6)]),
        col_integer=np.concatenate([model.integrality, np.zeros(k, dtype=bool)]),
    )
    res = solver.solve(ext, options)
    if not res.success or res.x is None:
        return ()
    out = []
    for j, r in enumerate(cap):
        extra = float(res.x[n + j] * scale[j])
        if extra > 1e-6:
            limit = float(model.row_hi[rules[r].rows[0]])
            out.append(Conflict(rules[r].kind, rules[r].key, limit=limit, needed=limit + extra))
    return tuple(out)


def _names(pf: Portfolio, ids: tuple[str, ...] | list[str]) -> str:
    by_id: dict[str, Project] = {p.id: p for p in pf.projects}
    return ", ".join(f"{by_id[i].name} ({i})" if by_id[i].name != i else i for i in ids)


def _text(pf: Portfolio, conflicts: tuple[Conflict, ...], fixes: tuple[Conflict, ...], lang: str) -> str:
    de = lang == "de"
    if not conflicts:
        return (
            "Es gibt keinen zulässigen Plan; die Abhängigkeiten der Projekte lassen sich nicht erfüllen."
            if de
            else "No plan satisfies every rule; the project dependencies cannot be met."
        )
    must = [c.key for c in conflicts if c.kind == "mandatory"]
    timed = [c.key for c in conflicts if c.kind == "time_limits"]
    fix_by = {(f.kind, f.key): f for f in fixes}
    parts: list[str] = []
    subject = ""
    if must:
        subject = f"Die Pflichtprojekte {_names(pf, must)}" if de else f"The mandatory projects {_names(pf, must)}"
        if len(must) == 1:
            subject = f"Das Pflichtprojekt {_names(pf, must)}" if de else f"The mandatory project {_names(pf, must)}"
    for c in conflicts:
        f = fix_by.get((c.kind, c.key))
        if c.kind == "budget":
            need = f.needed if f and f.needed is not None else None
            if de:
                s = f"der Haushalt {c.key} sieht Eigenmittel von {_eur(c.limit or 0, 'de')} vor"
                if need is not None:
                    s = (
                        f"benötigen {c.key} Eigenmittel von mindestens {_eur(need, 'de')}; "
                        f"der Haushalt sieht {_eur(c.limit or 0, 'de')} vor"
                    )
            else:
                s = f"the budget for {c.key} provides {_eur(c.limit or 0, 'en')} of own funds"
                if need is not None:
                    s = (
                        f"need at least {_eur(need, 'en')} of own funds in {c.key}; "
                        f"the budget provides {_eur(c.limit or 0, 'en')}"
                    )
            parts.append(s)
        elif c.kind == "staff":
            need = f.needed if f and f.needed is not None else None
            if de:
                s = f"die Personalkapazität {c.key} beträgt {_num(c.limit or 0, 'de')} Personentage"
                if need is not None:
                    s = (
                        f"benötigen {c.key} mindestens {_num(need, 'de')} Personentage; verfügbar sind "
                        f"{_num(c.limit or 0, 'de')}"
                    )
            else:
                s = f"the staff capacity in {c.key} is {_num(c.limit or 0, 'en')} person-days"
                if need is not None:
                    s = (
                        f"need at least {_num(need, 'en')} person-days in {c.key}; "
                        f"{_num(c.limit or 0, 'en')} are available"
                    )
            parts.append(s)
        elif c.kind == "pot":
            parts.append(
                f"der Fördertopf von '{c.key}' umfasst {_eur(c.limit or 0, 'de')}"
                if de
                else f"the pot of programme '{c.key}' holds {_eur(c.limit or 0, 'en')}"
            )
        elif c.kind == "focus":
            parts.append(
                f"höchstens {int(c.limit or 0)} Handlungsfelder sind erlaubt"
                if de
                else f"at most {int(c.limit or 0)} fields of action are allowed"
            )
        elif c.kind == "exclusive":
            parts.append(
                f"aus der Variantengruppe '{c.key}' darf nur ein Projekt gewählt werden"
                if de
                else f"only one project of the exclusive group '{c.key}' may be chosen"
            )
    if timed:
        parts.append(
            f"die Termine (frühester Beginn, spätester Beginn, Frist) von {_names(pf, timed)} gelten"
            if de
            else f"the time limits (earliest/latest start, deadline) of {_names(pf, timed)} hold"
        )
    if subject:
        text = subject + (" " if parts and parts[0].startswith(("benötigen", "need")) else (": " if parts else ""))
        text += "; ".join(parts) + "."
    else:
        text = ("Kein Plan erfüllt alle Regeln: " if de else "No plan satisfies every rule: ") + "; ".join(parts) + "."
    if fixes:
        changes = []
        for f in fixes:
            extra = (f.needed or 0) - (f.limit or 0)
            if f.kind == "budget":
                changes.append(f"+{_eur(extra, lang)} {'im Haushalt' if de else 'budget in'} {f.key}")
            elif f.kind == "staff":
                changes.append(
                    f"+{_num(extra, lang)} {'Personentage' if de else 'person-days in'} {f.key}"
                    if not de
                    else f"+{_num(extra, lang)} Personentage {f.key}"
                )
            else:
                changes.append(f"+{_eur(extra, lang)} {'im Topf von' if de else 'in the pot of'} '{f.key}'")
        text += (
            (
                " Kleinste Änderung für einen zulässigen Plan: "
                if de
                else " Smallest change that makes a plan possible: "
            )
            + ", ".join(changes)
            + "."
        )
    elif must:
        text += (
            f" Ohne eines der Pflichtprojekte {_names(pf, must)} wäre ein Plan möglich."
            if de
            else f" Without one of the mandatory projects {_names(pf, must)} a plan would be possible."
        )
    return text
