"""The command-line verbs of scoring: ``weights`` and ``score``.

Registered on :data:`kommunal_planner.cli.main` when :mod:`kommunal_planner.cli` is imported. Each verb reads the
input, calls :func:`kommunal_planner.scoring.evaluate` and renders its result as tables.
"""

from __future__ import annotations

import math
from typing import Any

import click
from rich.table import Table

from kommunal_planner.cli import _handle_errors, _input_args, _load, main, out
from kommunal_planner.scoring import AHPResult, GroupAHPResult, ScoringResult, Weights

_METHOD_NAMES = {
    "direct": ("direkte Gewichte", "direct weights"),
    "swing": ("Swing-Gewichtung", "swing weighting"),
    "roc": ("Rangfolge (Rank Order Centroid)", "ranking (rank order centroid)"),
    "rank-sum": ("Rangfolge (Rangsumme)", "ranking (rank sum)"),
    "rank-reciprocal": ("Rangfolge (reziproke Ränge)", "ranking (rank reciprocal)"),
    "ahp-eigenvector": ("AHP-Paarvergleich (Eigenvektor)", "AHP pairwise comparison (eigenvector)"),
    "ahp-geometric": ("AHP-Paarvergleich (geometrisches Mittel)", "AHP pairwise comparison (geometric mean)"),
    "group-ahp-aij": ("Gruppen-AHP (Urteile aggregiert, AIJ)", "group AHP (judgements aggregated, AIJ)"),
    "group-ahp-aip": ("Gruppen-AHP (Prioritäten aggregiert, AIP)", "group AHP (priorities aggregated, AIP)"),
}
_RULES = {
    "citizen score": ("Bürgerpunkte", "citizen score"),
    "later": ("später", "later"),
    "dropped": ("entfällt", "dropped"),
    "value function": ("Wertfunktion", "value function"),
}
_VERDICTS = {
    "priority": "Priorität",
    "important": "wichtig",
    "later": "später",
    "dropped": "verzichtbar",
    "insufficient": "zu wenige Antworten",
}


def _num(value: float, digits: int, de: bool) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = f"{value:,.{digits}f}"
    return text.translate(str.maketrans(",.", ".,")) if de else text


def _judgement(value: float, de: bool) -> str:
    """A Saaty judgement as written in a workshop: 3, or 1/3."""
    if value >= 1 - 1e-9:
        return _num(value, 0 if abs(value - round(value)) < 1e-9 else 2, de)
    inverse = 1.0 / value
    return f"1/{round(inverse)}" if abs(inverse - round(inverse)) < 1e-6 else _num(value, 3, de)


def _t(de: bool, german: str, english: str) -> str:
    return german if de else english


def _lang_option(func: Any) -> Any:
    return click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True)(func)


def _consistency(result: AHPResult, de: bool) -> str:
    ok = result.is_consistent
    verdict = _t(de, "konsistent", "consistent") if ok else _t(de, "inkonsistent", "inconsistent")
    return f"CR = {_num(result.consistency_ratio, 3, de)} ({verdict}, {_t(de, 'Grenze', 'limit')} {_num(0.1, 2, de)})"


def _judgements_table(result: AHPResult, de: bool) -> Table:
    table = Table(
        _t(de, "Urteil", "judgement"),
        _t(de, "gegeben", "given"),
        _t(de, "konsistent wäre", "consistent"),
        _t(de, "Anteil an der Inkonsistenz", "share of inconsistency"),
        box=None,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    for j in result.inconsistent_judgements:
        table.add_row(
            f"{j.row} : {j.column}",
            _judgement(j.given, de),
            _judgement(j.consistent, de),
            f"{_num(100 * j.contribution, 0, de)} %",
        )
    return table


def _print_ahp(result: AHPResult, de: bool, label: str = "") -> None:
    prefix = f"{label}: " if label else ""
    out.print(f"{prefix}{_consistency(result, de)}")
    if result.completed:
        pairs = ", ".join(f"{a} : {b}" for a, b in result.completed)
        out.print(_t(de, f"  ergänzte fehlende Urteile: {pairs}", f"  missing judgements completed: {pairs}"))
    if result.inconsistent_judgements:
        out.print(_t(de, "  am stärksten inkonsistente Urteile:", "  most inconsistent judgements:"))
        out.print(_judgements_table(result, de))


@main.command(name="weights")
@_input_args
@_lang_option
@_handle_errors
def weights_command(source: str | None, example: bool, lang: str) -> None:
    """Print the criterion weights, the method they come from, its consistency (CR) and inconsistent judgements."""
    from kommunal_planner.scoring import evaluate

    pf, name = _load(source, example)
    de = lang == "de"
    result = evaluate(pf)
    names = {c.id: c.name for c in pf.criteria}
    derived = result.derived_weights
    out.print(f"[bold]{pf.name}[/]: {_t(de, 'Gewichte der Kriterien', 'criterion weights')} ({name})")
    columns = [_t(de, "Kriterium", "criterion"), _t(de, "Name", "name"), _t(de, "Gewicht", "weight")]
    if derived is not None:
        columns += [_t(de, "aus der Methode", "from the method"), _t(de, "Abweichung", "difference")]
    table = Table(*columns, box=None, pad_edge=False, padding=(0, 1, 0, 0))
    for cid, weight in result.weights.items():
        row = [str(cid), names[str(cid)], f"{_num(100 * weight, 1, de)} %"]
        if derived is not None:
            w = derived[str(cid)]
            row += [f"{_num(100 * w, 1, de)} %", f"{_num(100 * (w - weight), 1, de)} {_t(de, '%-Pkt.', 'pp')}"]
        table.add_row(*row)
    out.print(table)
    if derived is None:
        out.print(
            _t(
                de,
                "Die Gewichte stehen direkt in der Tabelle der Kriterien; ein Abschnitt 'bewertung' kann zeigen, "
                "wie sie gefunden wurden.",
                "The weights are given directly with the criteria; a 'scoring' section can show how they were found.",
            )
        )
        return
    method = _METHOD_NAMES.get(derived.method, (derived.method, derived.method))[0 if de else 1]
    applied = (
        _t(de, "die Gewichte der Kriterien kommen aus dieser Methode", "the criteria weights come from this method")
        if result.applied
        else _t(
            de,
            "nur berichtet (übernehmen: nein); die Kriterien tragen eigene Gewichte",
            "reported only (apply: false); the criteria carry their own weights",
        )
    )
    out.print(f"{_t(de, 'Methode', 'Method')}: {method}; {applied}")
    detail = result.weights_result
    if isinstance(detail, AHPResult):
        _print_ahp(detail, de)
    elif isinstance(detail, GroupAHPResult):
        frame = detail.to_frame()
        table = Table(
            _t(de, "Kriterium", "criterion"),
            *detail.participants,
            _t(de, "Gruppe", "group"),
            box=None,
            pad_edge=False,
            padding=(0, 1, 0, 0),
        )
        for cid, values in frame.iterrows():
            table.add_row(str(cid), *(f"{_num(100 * float(v), 1, de)} %" for v in values))
        out.print(table)
        for who, individual in zip(detail.participants, detail.individual, strict=True):
            _print_ahp(individual, de, who)
        if detail.aggregate is not None:
            _print_ahp(detail.aggregate, de, _t(de, "Gruppe", "group"))
    elif isinstance(detail, Weights):
        pass


@main.command(name="score")
@_input_args
@_lang_option
@click.option("--top", "k", type=click.IntRange(min=1), default=5, show_default=True, help="Length of the top list.")
@_handle_errors
def score_command(source: str | None, example: bool, lang: str, k: int) -> None:
    """Print the benefit table (each criterion's contribution), weight stability and the participation trace."""
    from kommunal_planner.scoring import evaluate

    pf, name = _load(source, example)
    de = lang == "de"
    result = evaluate(pf, k=k)
    out.print(f"[bold]{pf.name}[/]: {_t(de, 'Nutzwerte', 'benefit points')} ({name})")
    _print_benefit(result, de)
    _print_stability(result, de, k)
    _print_participation(result, de)


def _print_benefit(result: ScoringResult, de: bool) -> None:
    criteria = [str(c) for c in result.weights.index]
    table = Table(box=None, pad_edge=False, padding=(0, 1, 0, 0))
    table.add_column(_t(de, "Rang", "rank"), justify="right", no_wrap=True)
    table.add_column(_t(de, "Projekt", "project"), no_wrap=True)
    for cid, weight in result.weights.items():
        header = f"{cid}\n{_num(100 * float(weight), 0, de)} %"
        table.add_column(header, justify="right", no_wrap=True, min_width=len(str(cid)))
    table.add_column(_t(de, "Nutzen", "benefit"), justify="right", no_wrap=True)
    for pid, row in result.benefit.iterrows():
        cells = [_num(float(row[c]), 1, de) for c in criteria]
        table.add_row(str(int(row["rank"])), str(pid), *cells, _num(float(row["benefit"]), 1, de))
    out.print(table)
    if len(result.given_benefit):
        given = ", ".join(f"{p} ({_num(float(v), 0, de)})" for p, v in result.given_benefit.items())
        out.print(_t(de, f"Nutzen direkt angegeben: {given}", f"benefit given directly: {given}"))


def _print_stability(result: ScoringResult, de: bool, k: int) -> None:
    if result.stability.empty:
        return
    top = result.stability.attrs.get("top_k", ())
    out.print(
        _t(
            de,
            f"Stabilität der ersten {len(top)} ({', '.join(map(str, top))}): Spanne des Gewichts, in der die "
            "Reihenfolge gleich bleibt",
            f"Stability of the top {len(top)} ({', '.join(map(str, top))}): the weight range within which the order "
            "stays the same",
        )
    )
    table = Table(
        _t(de, "Kriterium", "criterion"),
        _t(de, "Gewicht", "weight"),
        _t(de, "von", "from"),
        _t(de, "bis", "to"),
        _t(de, "an der Grenze", "at the bound"),
        box=None,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    for cid, row in result.stability.iterrows():
        events = "; ".join(str(e) for e in (row["lower_event"], row["upper_event"]) if e)
        table.add_row(
            str(cid),
            f"{_num(100 * row['weight'], 1, de)} %",
            f"{_num(100 * row['lower'], 1, de)} %",
            f"{_num(100 * row['upper'], 1, de)} %",
            events,
        )
    out.print(table)


def _trace(rec: dict[str, Any], de: bool) -> tuple[str, str, str]:
    """Rule, source and result of one row of the trace, in words."""
    rule = str(rec["rule"])
    label = _RULES.get(rule, (rule, rule))[0 if de else 1]
    value, threshold, res = float(rec["value"]), float(rec["threshold"]), float(rec["result"])
    if rule == "value function":
        raw = _num(value, 2, de).rstrip("0").rstrip(",.") if not math.isnan(value) else str(rec["effect"])
        return label, f"{_t(de, 'Rohwert', 'raw value')} {raw}", f"{rec['criterion']} = {_num(res, 2, de)}"
    source = f"{rec['theme']}" if rec["theme"] else _t(de, "kein Thema", "no theme")
    if rule == "citizen score":
        return label, source, f"{rec['criterion']} = {_num(res, 2, de)}"
    if rule == "later":
        share = f"{_num(100 * value, 0, de)} % > {_num(100 * threshold, 0, de)} %"
        return label, f"{source} ({share})", _t(de, f"Beginn frühestens {res:.0f}", f"start {res:.0f} at the earliest")
    share = f"{_num(100 * value, 0, de)} % > {_num(100 * threshold, 0, de)} %"
    return label, f"{source} ({share})", _t(de, "entfällt", "dropped")


def _print_participation(result: ScoringResult, de: bool) -> None:
    aggregate = result.participation
    if aggregate is None:
        return
    out.print(_t(de, "Bürgerbeteiligung je Thema", "Citizen participation per theme"))
    table = Table(box=None, pad_edge=False, padding=(0, 1, 0, 0))
    table.add_column(_t(de, "Thema", "theme"), no_wrap=True)
    table.add_column(_t(de, "Antw.", "answers"), justify="right", no_wrap=True)
    table.add_column(_t(de, "Prio.", "prio."), justify="right", no_wrap=True)
    table.add_column(_t(de, "später/verz.", "later/dropped"), justify="right", no_wrap=True)
    table.add_column(_t(de, "Punkte", "score"), justify="right", no_wrap=True)
    table.add_column(_t(de, "Ergebnis", "verdict"), no_wrap=True)
    for theme, row in aggregate.table.iterrows():
        verdict = str(row["verdict"])
        table.add_row(
            str(theme),
            str(int(row["n"])),
            f"{_num(100 * row['share_priority'], 0, de)} %",
            f"{_num(100 * row['share_later_or_dropped'], 0, de)} %",
            _num(row["score"], 2, de),
            _VERDICTS.get(verdict, verdict) if de else verdict,
        )
    out.print(table)
    if not result.changes.empty:
        out.print(_t(de, "Was die Bewertungsdaten ableiten", "What the scoring data derive"))
        table = Table(box=None, pad_edge=False, padding=(0, 1, 0, 0))
        for header in (_t(de, "Projekt", "project"), _t(de, "Regel", "rule")):
            table.add_column(header, no_wrap=True)
        table.add_column(_t(de, "aus", "from"))
        table.add_column(_t(de, "Ergebnis", "result"))
        for rec in result.changes.to_dict(orient="records"):
            table.add_row(str(rec["project"]), *_trace({str(k): v for k, v in rec.items()}, de))
        out.print(table)
    if result.dropped:
        out.print(
            _t(
                de,
                f"Entfallen nach der Beteiligung (werden nicht eingeplant): {', '.join(result.dropped)}",
                f"Dropped after participation (left out of the plan): {', '.join(result.dropped)}",
            )
        )
