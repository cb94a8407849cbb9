"""The ``scoring`` input section (German ``bewertung``) in YAML/JSON, workbooks and CSV folders.

Registered with :mod:`kommunal_planner.io` on import. Before the portfolio is built, the section derives what it
declares (:func:`_prepare`): criterion weights from the weighting method, project scores from raw values through
value functions, the citizen score and later earliest starts from participation. A value the file gives itself is
never overruled: where it differs from the derived one, reading fails with the project, criterion and rule. The
writers leave derived values out (:func:`_derived`), so a file whose scoring data were edited after writing reads
again without a stale value.

Sheets (workbook) and files (CSV folder), German and English names:

=======================  =======================  ==========================================================
German                   English                  columns
=======================  =======================  ==========================================================
Bewertung                Scoring                  Einstellung, Wert (method, rules; one row per setting)
Gewichtung               Weights                  Kriterium, Punkte, Rang
Paarvergleich            Pairwise                 Teilnehmer, Kriterium A, Kriterium B, Wert
Wertfunktionen           Value functions          Kriterium, Art, Rohwert, Punkte, Richtung
Rohwerte                 Raw values               Projekt, one column per criterion
Beteiligung              Participation            Thema, Priorität, Wichtig, Später, Verzichtbar (or 1 … 5)
Antworten                Responses                Teilnehmer, Thema, Antwort
Themen                   Themes                   Thema, Handlungsfelder, Schlagworte, Projekte
=======================  =======================  ==========================================================
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any

from kommunal_planner.errors import DataFormatError, Location, ValidationError
from kommunal_planner.io._dict import _CRITERION, _PROJECT, _TOP
from kommunal_planner.io._sections import Section, register_section
from kommunal_planner.io._tables import (
    SETTINGS_KEY,
    SETTINGS_VALUE,
    Column,
    Lang,
    RawTable,
    TableOut,
    TableReader,
    TableSpec,
    is_blank,
    normalise,
    resolve_columns,
)
from kommunal_planner.model import Portfolio, thaw
from kommunal_planner.scoring._participation import CATEGORIES
from kommunal_planner.scoring._spec import SECTION, TOLERANCE, Derivation, ProjectView, derive, parse_scoring

__all__: list[str] = []

ALIASES = ("bewertung", "nutzwertanalyse")


# --------------------------------------------------------------------------- derive before the portfolio is built
def _key(mapping: Mapping[Any, Any], aliases: Mapping[str, str], name: str) -> Any:
    """The key under which *mapping* holds the contract key *name* (any alias), or ``None``."""
    for key in mapping:
        if isinstance(key, str) and aliases.get(key.strip().lower()) == name:
            return key
    return None


def _get(mapping: Mapping[Any, Any], aliases: Mapping[str, str], name: str) -> Any:
    key = _key(mapping, aliases, name)
    return None if key is None else mapping[key]


def _views(projects: Any) -> list[ProjectView] | None:
    """The projects of a portfolio dict as the derivation sees them; ``None`` where the dict is malformed."""
    if not isinstance(projects, list) or not all(isinstance(p, Mapping) for p in projects):
        return None
    views = []
    for p in projects:
        pid, fld = _get(p, _PROJECT, "id"), _get(p, _PROJECT, "field")
        tags, mandatory, start = (
            _get(p, _PROJECT, "tags"),
            _get(p, _PROJECT, "mandatory"),
            _get(p, _PROJECT, "earliest_start"),
        )
        tags = [tags] if isinstance(tags, str) else tags or []
        if (
            not isinstance(pid, str)
            or not isinstance(fld, str | None)
            or not isinstance(tags, list | tuple)
            or not all(isinstance(t, str) for t in tags)
            or not isinstance(mandatory, bool | None)
            or (start is not None and (isinstance(start, bool) or not isinstance(start, int)))
        ):
            return None
        views.append(ProjectView(pid.strip(), (fld or "general").strip(), tuple(tags), bool(mandatory), start))
    return views


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _prepare(section: Any, data: Mapping[str, Any]) -> Mapping[str, Any]:
    spec = parse_scoring(thaw(section))
    criteria_key, projects_key = _key(data, _TOP, "criteria"), _key(data, _TOP, "projects")
    criteria = data.get(criteria_key, []) if criteria_key is not None else []
    views = _views(data.get(projects_key) if projects_key is not None else [])
    if not isinstance(criteria, list) or not all(isinstance(c, Mapping) for c in criteria) or views is None:
        return data  # the portfolio's own checks report the malformed part
    ids = [_get(c, _CRITERION, "id") for c in criteria]
    if not all(isinstance(c, str) for c in ids):
        return data
    derivation = derive(spec, [c.strip() for c in ids], views)
    out = dict(data)
    if derivation.weights is not None and derivation.apply_weights:
        out[criteria_key] = _apply_weights(criteria, derivation, spec.weights.method if spec.weights else "")
    if projects_key is not None:
        out[projects_key] = [
            _apply_project(p, v, derivation, i) for i, (p, v) in enumerate(zip(data[projects_key], views, strict=True))
        ]
    return out


def _apply_weights(criteria: list[Mapping[str, Any]], derivation: Derivation, method: str) -> list[dict[str, Any]]:
    assert derivation.weights is not None
    derived = derivation.weights.as_dict()
    given = {str(_get(c, _CRITERION, "id")).strip(): _get(c, _CRITERION, "weight") for c in criteria}
    parsed = {cid: _number(w) for cid, w in given.items() if w is not None}
    if any(v is None for v in parsed.values()):
        return [dict(c) for c in criteria]  # not a number: the model reports it
    numbers = {cid: float(v) for cid, v in parsed.items() if v is not None}
    scale = 1.0
    if numbers:
        total_given, total_derived = sum(numbers.values()), sum(derived[c] for c in numbers)
        if total_given > 0 and total_derived > 0:
            scale = total_given / total_derived
        for cid, w in numbers.items():
            expected = derived[cid] * scale
            if not math.isclose(w, expected, rel_tol=TOLERANCE, abs_tol=TOLERANCE * max(1.0, abs(total_given))):
                raise ValidationError(
                    f"criterion '{cid}': the file gives the weight {w:g}, the weighting method '{method}' gives "
                    f"{expected:.6g}",
                    location=Location(path=f"criteria[{list(given).index(cid)}].weight", item=f"criterion '{cid}'"),
                    hint="leave the criteria weights empty to take the derived ones, or set 'apply: false' to only "
                    "report them",
                )
    out = []
    for c in criteria:
        entry = dict(c)
        cid = str(_get(c, _CRITERION, "id")).strip()
        if given[cid] is None:
            key = _key(entry, _CRITERION, "weight") or "weight"
            entry[key] = round(derived[cid] * scale, 12)
        out.append(entry)
    return out


def _apply_project(project: Mapping[str, Any], view: ProjectView, derivation: Derivation, i: int) -> Mapping[str, Any]:
    derived = derivation.scores.get(view.id, {})
    start = derivation.earliest_start.get(view.id)
    if not derived and start is None:
        return project
    entry = dict(project)
    if derived:
        key = _key(entry, _PROJECT, "scores") or "scores"
        scores = entry.get(key)
        if scores is None:
            scores = {}
        if not isinstance(scores, Mapping):
            return project  # the model reports it
        scores = dict(scores)
        for cid, value in derived.items():
            given = scores.get(cid)
            if given is None:
                scores[cid] = value
                continue
            number = _number(given)
            if number is not None and abs(number - value) > TOLERANCE:
                raise ValidationError(
                    f"project '{view.id}', criterion '{cid}': the file gives the score {number:g}, "
                    f"{derivation.sources.get((view.id, cid), 'the scoring section')} gives {value:g}",
                    location=Location(path=f"projects[{i}].scores.{cid}", item=f"project '{view.id}'"),
                    hint=f"leave the score of '{cid}' empty to take the derived one, or correct the scoring data",
                )
        entry[key] = scores
    if start is not None:
        key = _key(entry, _PROJECT, "earliest_start") or "earliest_start"
        given = entry.get(key)
        if given is None:
            entry[key] = start
        elif given < start:
            theme = _later_theme(derivation, view.id)
            raise ValidationError(
                f"project '{view.id}': the file gives the earliest start {given}, the participation rule 'later' "
                f"(theme '{theme}') gives {start}",
                location=Location(path=f"projects[{i}].earliest_start", item=f"project '{view.id}'"),
                hint="leave the earliest start empty, or give one no earlier than the mid-term year",
            )
    return entry


def _later_theme(derivation: Derivation, pid: str) -> str:
    effect = derivation.effect
    assert effect is not None
    rows = effect.changes[(effect.changes["project"] == pid) & (effect.changes["rule"] == "later")]
    return str(rows["theme"].iloc[0]) if len(rows) else ""


# --------------------------------------------------------------------------- check, and what writers leave out
def portfolio_views(portfolio: Portfolio, *, keep_starts: bool = True) -> list[ProjectView]:
    """The projects of *portfolio* as the derivation sees them."""
    return [
        ProjectView(p.id, p.field, tuple(p.tags), p.mandatory, p.earliest_start if keep_starts else None)
        for p in portfolio.projects
    ]


def _check(data: Any, portfolio: Portfolio) -> Any:
    spec = parse_scoring(data)
    derive(spec, [c.id for c in portfolio.criteria], portfolio_views(portfolio))
    return spec.data


def _derived(data: Any, portfolio: Portfolio) -> Iterable[tuple[str, ...]]:
    spec = parse_scoring(data)
    derivation = derive(spec, [c.id for c in portfolio.criteria], portfolio_views(portfolio, keep_starts=False))
    out: list[tuple[str, ...]] = []
    if derivation.weights is not None and derivation.apply_weights:
        derived = derivation.weights.as_dict()
        out += [("criteria", c.id, "weight") for c in portfolio.criteria if c.weight == round(derived[c.id], 12)]
    for p in portfolio.projects:
        for cid, value in derivation.scores.get(p.id, {}).items():
            if p.scores.get(cid) == value:
                out.append(("projects", p.id, "scores", cid))
        if p.earliest_start is not None and derivation.earliest_start.get(p.id) == p.earliest_start:
            out.append(("projects", p.id, "earliest_start"))
    return out


# --------------------------------------------------------------------------- tables
def _c(key: str, de: str, en: str, kind: Any, *aliases: str, required: bool = False) -> Column:
    return Column(key, de, en, kind, required, aliases)


# fmt: off
SCORING_SETTINGS = TableSpec(
    "scoring_settings", "Bewertung", "Scoring", False, key_value=True,
    aliases=("Bewertungsmethode", "Scoring settings", "Nutzwertanalyse"),
    meaning=("Gewichtungsmethode und Regeln der Bürgerbeteiligung (eine Zeile je Einstellung).",
             "Weighting method and participation rules (one row per setting)."),
    columns=(
        _c("method", "Gewichtungsmethode", "Weighting method", "text", "Methode", "Method"),
        _c("apply", "Gewichte übernehmen", "Apply weights", "bool", "Übernehmen", "Apply"),
        _c("variant", "Rangverfahren", "Rank variant", "text", "Variante", "Variant"),
        _c("prioritisation", "AHP-Verfahren", "AHP prioritisation", "text", "Priorisierung", "Prioritisation"),
        _c("aggregation", "AHP-Gruppenverfahren", "AHP aggregation", "text", "Aggregation"),
        _c("criterion", "Kriterium Beteiligung", "Participation criterion", "id", "Beteiligungskriterium"),
        _c("drop_share", "Anteil verzichtbar", "Drop share", "rate"),
        _c("later_share", "Anteil später", "Later share", "rate"),
        _c("priority_share", "Anteil Priorität", "Priority share", "rate"),
        _c("basis", "Grundlage", "Basis", "text"),
        _c("confidence", "Konfidenz", "Confidence", "rate", "Konfidenzniveau", "Confidence level"),
        _c("min_responses", "Mindestantworten", "Min responses", "integer", "Minimum responses"),
        _c("later_start_year", "Später ab", "Later from", "year", "Mittelfristig ab", "Later start year"),
        _c("unmatched_score", "Punkte ohne Thema", "Score without theme", "number", "Unmatched score"),
    ),
)
WEIGHTS = TableSpec(
    "weights", "Gewichtung", "Weights", False, aliases=("Gewichte", "Criteria weights"),
    meaning=("Punkte (direkt oder Swing) oder Rang je Kriterium.", "Points (direct or swing) or rank per criterion."),
    columns=(
        _c("criterion", "Kriterium", "Criterion", "id", "ID", required=True),
        _c("points", "Punkte", "Points", "number", "Gewicht", "Weight", "Werte", "Values"),
        _c("rank", "Rang", "Rank", "integer", "Rangfolge", "Ranking"),
    ),
)
PAIRWISE = TableSpec(
    "pairwise", "Paarvergleich", "Pairwise", False,
    aliases=("Paarvergleiche", "Pairwise comparisons", "AHP"),
    meaning=("Paarvergleiche (AHP): wie viel wichtiger A als B ist, 1/9 … 9.",
             "Pairwise comparisons (AHP): how much more important A is than B, 1/9 … 9."),
    columns=(
        _c("participant", "Teilnehmer", "Participant", "text", "Teilnehmerin", "Teilnehmende", "Gruppe"),
        _c("a", "Kriterium A", "Criterion A", "id", required=True),
        _c("b", "Kriterium B", "Criterion B", "id", required=True),
        _c("value", "Wert", "Value", "text", "Urteil", "Judgement", required=True),
    ),
)
VALUE_FUNCTIONS = TableSpec(
    "value_functions", "Wertfunktionen", "Value functions", False, aliases=("Wertfunktion", "ValueFunctions"),
    meaning=("Je Kriterium eine Wertfunktion, eine Zeile je Stützstelle: Rohwert → Punkte 0–5.",
             "One value function per criterion, one row per point: raw value → score 0–5."),
    columns=(
        _c("criterion", "Kriterium", "Criterion", "id", "ID", required=True),
        _c("kind", "Art", "Kind", "text", "Typ", "Type", required=True),
        _c("raw", "Rohwert", "Raw value", "text", "Schwelle", "Threshold", "Kategorie", "Category"),
        _c("score", "Punkte", "Score", "number", "Bewertung", required=True),
        _c("direction", "Richtung", "Direction", "text"),
    ),
)
RAW_VALUES = TableSpec(
    "raw_values", "Rohwerte", "Raw values", False, aliases=("RawValues", "Messwerte"),
    meaning=("Rohwerte je Projekt, eine Spalte je Kriterium mit Wertfunktion.",
             "Raw values per project, one column per criterion with a value function."),
    columns=(_c("project", "Projekt", "Project", "id", "ID", required=True),),
)
_CATEGORY_NAMES = {"priority": ("Priorität", "Priority"), "important": ("Wichtig", "Important"),
                   "later": ("Später", "Later"), "dropped": ("Verzichtbar", "Dropped")}
COUNTS = TableSpec(
    "participation", "Beteiligung", "Participation", False,
    aliases=("Beteiligungsergebnisse", "Participation results", "Auszählung"),
    meaning=("Antworten der Bürgerbeteiligung je Thema, ausgezählt (Kategorien oder Noten 1 … 5).",
             "Participation answers per theme, counted (categories or ratings 1 … 5)."),
    columns=(
        _c("theme", "Thema", "Theme", "text", required=True),
        *(_c(c, de, en, "integer", c) for c, (de, en) in _CATEGORY_NAMES.items()),
    ),
)
RESPONSES = TableSpec(
    "responses", "Antworten", "Responses", False, aliases=("Beteiligungsantworten", "Answers"),
    meaning=("Antworten der Bürgerbeteiligung, eine Zeile je Person und Thema.",
             "Participation answers, one row per respondent and theme."),
    columns=(
        _c("respondent", "Teilnehmer", "Respondent", "text", "Teilnehmerin", "Teilnehmende", "Participant"),
        _c("theme", "Thema", "Theme", "text", required=True),
        _c("answer", "Antwort", "Answer", "text", "Rating", required=True),
    ),
)
THEMES = TableSpec(
    "themes", "Themen", "Themes", False, aliases=("Themenzuordnung", "Theme mapping"),
    meaning=("Welche Projekte zu einem Thema der Beteiligung gehören (Handlungsfelder, Schlagworte, Projekte).",
             "Which projects belong to a participation theme (fields of action, tags, projects)."),
    columns=(
        _c("theme", "Thema", "Theme", "text", required=True),
        _c("fields", "Handlungsfelder", "Fields of action", "ids", "Fields"),
        _c("tags", "Schlagworte", "Tags", "ids"),
        _c("projects", "Projekte", "Projects", "ids", "Maßnahmen"),
    ),
)
# fmt: on
NUMBER = WEIGHTS.columns[1].kind
TABLES = (SCORING_SETTINGS, WEIGHTS, PAIRWISE, VALUE_FUNCTIONS, RAW_VALUES, COUNTS, RESPONSES, THEMES)
_WEIGHT_SETTINGS = ("method", "apply", "variant", "prioritisation", "aggregation")
_RULE_SETTINGS = (
    "drop_share",
    "later_share",
    "priority_share",
    "basis",
    "confidence",
    "min_responses",
    "later_start_year",
    "unmatched_score",
)


def _text_or_number(value: Any, table: RawTable) -> Any:
    """A cell that may hold a number or a text: numbers (also as German text) as numbers, fractions kept."""
    from kommunal_planner.io._tables import parse_number

    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if re.fullmatch(r"\d+\s*/\s*\d+", text):
            return text
        number = parse_number(text, table.decimal)
        return text if number is None else number
    return value


def _read_settings(table: RawTable) -> dict[str, Any]:
    names = [normalise(h) for h in table.headers]
    key_names = {normalise(n) for n in SETTINGS_KEY.names}
    value_names = {normalise(n) for n in SETTINGS_VALUE.names}
    kj = next((j for j, n in enumerate(names) if n in key_names), None)
    vj = next((j for j, n in enumerate(names) if n in value_names), None)
    if kj is None or vj is None:
        raise DataFormatError(
            "expected the columns 'Einstellung' and 'Wert' ('Setting' and 'Value')",
            location=table.where(row=table.header_row),
            found=", ".join(h for h in table.headers if h),
        )
    reader = TableReader(table)
    out: dict[str, Any] = {}
    rows: dict[str, int] = {}
    for i, (number, cells) in enumerate(table.rows):
        raw_key = cells[kj] if kj < len(cells) else None
        raw_value = cells[vj] if vj < len(cells) else None
        if is_blank(raw_key):
            if not is_blank(raw_value):
                raise ValidationError(
                    "a value without a setting name", location=table.where(row=number), found=raw_value
                )
            continue
        col = SCORING_SETTINGS.lookup.get(normalise(str(raw_key)))
        if col is None:
            raise ValidationError(
                f"unknown setting '{raw_key}'",
                location=table.where(row=number),
                hint="known settings: " + ", ".join(c.de for c in SCORING_SETTINGS.columns),
            )
        if col.key in rows:
            raise ValidationError(
                f"the setting '{raw_key}' is given twice (first in row {rows[col.key]})",
                location=table.where(row=number),
            )
        rows[col.key] = number
        if not is_blank(raw_value):
            out[col.key] = reader.parse(raw_value, col.kind, number, table.headers[vj], i)
    return out


def _read_tables(tables: Mapping[str, RawTable]) -> Any:
    data: dict[str, Any] = {}
    settings = _read_settings(tables["scoring_settings"]) if "scoring_settings" in tables else {}
    weights: dict[str, Any] = {k: settings[k] for k in _WEIGHT_SETTINGS if k in settings}
    if "weights" in tables and not tables["weights"].empty:
        table = tables["weights"]
        cols = resolve_columns(table)
        reader = TableReader(table)
        ids = reader.read(cols.index["criterion"], "id")
        points = reader.read(cols.index.get("points"), "number")
        ranks = reader.read(cols.index.get("rank"), "integer")
        if any(p is not None for p in points):
            weights["values"] = {c: p for c, p in zip(ids, points, strict=True) if c is not None and p is not None}
        if any(r is not None for r in ranks):
            weights["ranking"] = {c: r for c, r in zip(ids, ranks, strict=True) if c is not None and r is not None}
    if "pairwise" in tables and not tables["pairwise"].empty:
        table = tables["pairwise"]
        cols = resolve_columns(table)
        reader = TableReader(table)
        who = reader.read(cols.index.get("participant"), "text")
        a, b = reader.read(cols.index["a"], "id"), reader.read(cols.index["b"], "id")
        values = [_text_or_number(v, table) for v in reader.cells(cols.index["value"])]
        weights["comparisons"] = [
            {"a": x, "b": y, "value": v} | ({"participant": w} if w is not None else {})
            for w, x, y, v in zip(who, a, b, values, strict=True)
        ]
    if weights:
        data["weights"] = weights
    if "value_functions" in tables and not tables["value_functions"].empty:
        data["value_functions"] = _read_functions(tables["value_functions"])
    if "raw_values" in tables and not tables["raw_values"].empty:
        table = tables["raw_values"]
        extra = [h for h in table.headers if h and normalise(h) not in RAW_VALUES.lookup]
        cols = resolve_columns(table, extra)
        reader = TableReader(table)
        ids = reader.read(cols.index["project"], "id")
        raw: dict[str, dict[str, Any]] = {}
        for i, pid in enumerate(ids):
            cells = table.rows[i][1]
            row = {
                cid: _text_or_number(cells[j], table)
                for cid, j in cols.scores.items()
                if j < len(cells) and not is_blank(cells[j])
            }
            if pid is None:
                if row:
                    raise ValidationError("raw values without a project", location=table.where(row=table.rows[i][0]))
                continue
            if pid in raw:
                raise ValidationError(f"the project '{pid}' is given twice", location=table.where(row=table.rows[i][0]))
            raw[pid] = row
        data["raw_values"] = raw
    participation: dict[str, Any] = {}
    if "criterion" in settings:
        participation["criterion"] = settings["criterion"]
    rules = {k: settings[k] for k in _RULE_SETTINGS if k in settings}
    if rules:
        participation["rules"] = rules
    if "participation" in tables and not tables["participation"].empty:
        participation["counts"] = _read_counts(tables["participation"])
    if "responses" in tables and not tables["responses"].empty:
        table = tables["responses"]
        cols = resolve_columns(table)
        reader = TableReader(table)
        who = reader.read(cols.index.get("respondent"), "text")
        themes = reader.read(cols.index["theme"], "text")
        answers = [_text_or_number(v, table) for v in reader.cells(cols.index["answer"])]
        participation["responses"] = [
            {"theme": t, "answer": a} | ({"respondent": w} if w is not None else {})
            for w, t, a in zip(who, themes, answers, strict=True)
        ]
    if "themes" in tables and not tables["themes"].empty:
        table = tables["themes"]
        cols = resolve_columns(table)
        reader = TableReader(table)
        names = reader.read(cols.index["theme"], "text")
        parts = {k: reader.read(cols.index.get(k), "ids") for k in ("fields", "tags", "projects")}
        themes_out: dict[str, Any] = {}
        for i, name in enumerate(names):
            if name is None:
                continue
            if name in themes_out:
                raise ValidationError(f"the theme '{name}' is given twice", location=table.where(row=table.rows[i][0]))
            themes_out[name] = {k: v[i] for k, v in parts.items() if v[i]}
        participation["themes"] = themes_out
    if participation:
        data["participation"] = participation
    return data


def _read_functions(table: RawTable) -> dict[str, Any]:
    cols = resolve_columns(table)
    reader = TableReader(table)
    crit = reader.read(cols.index["criterion"], "id")
    kinds = reader.read(cols.index["kind"], "text")
    raws = [_text_or_number(v, table) for v in reader.cells(cols.index.get("raw"))]
    scores = reader.read(cols.index["score"], "number")
    directions = reader.read(cols.index.get("direction"), "text")
    rows: dict[str, list[int]] = {}
    for i, cid in enumerate(crit):
        if cid is None:
            raise ValidationError("a row without a criterion", location=table.where(row=table.rows[i][0]))
        rows.setdefault(cid, []).append(i)
    out: dict[str, Any] = {}
    for cid, index in rows.items():
        kind = next((kinds[i] for i in index if kinds[i] is not None), None)
        spec: dict[str, Any] = {"kind": kind}
        direction = next((directions[i] for i in index if directions[i] is not None), None)
        kind_name = str(kind or "").strip().lower()
        pairs = [(raws[i], scores[i]) for i in index]
        if kind_name in ("linear",):
            by_score = {s: r for r, s in pairs}
            spec.update(worst=by_score.get(0.0), best=by_score.get(5.0))
            if len(pairs) != 2 or None in (spec["worst"], spec["best"]):
                raise ValidationError(
                    "a linear value function needs two rows: the raw value scoring 0 and the one scoring 5",
                    location=table.where(
                        row=table.rows[index[0]][0],
                        column=table.headers[cols.index["score"]],
                        item=f"criterion '{cid}'",
                    ),
                )
        elif kind_name in ("step", "stufen", "steps", "stufe"):
            spec.update(thresholds=[r for r, _ in pairs if r is not None], scores=[s for _, s in pairs])
        elif kind_name in ("categorical", "kategorien", "categories", "kategorial"):
            spec["categories"] = {str(r): s for r, s in pairs if r is not None}
            default = [s for r, s in pairs if r is None]
            if default:
                spec["default"] = default[0]
        else:
            spec["points"] = [[r, s] for r, s in pairs]
        if direction is not None and "categories" not in spec:
            spec["direction"] = direction
        out[cid] = spec
    return out


def _read_counts(table: RawTable) -> dict[str, Any]:
    extra = [h for h in table.headers if h and normalise(h) not in COUNTS.lookup]
    cols = resolve_columns(table, extra)
    reader = TableReader(table)
    themes = reader.read(cols.index["theme"], "text")
    levels = {c: cols.index[c] for c in CATEGORIES if c in cols.index} | dict(cols.scores)
    counts = {level: reader.read(j, "integer") for level, j in levels.items()}
    out: dict[str, Any] = {}
    for i, theme in enumerate(themes):
        row = {level: values[i] for level, values in counts.items() if values[i] is not None}
        if theme is None:
            if row:
                raise ValidationError("counts without a theme", location=table.where(row=table.rows[i][0]))
            continue
        if theme in out:
            raise ValidationError(f"the theme '{theme}' is given twice", location=table.where(row=table.rows[i][0]))
        out[theme] = row
    return out


def _table(spec: TableSpec, lang: Lang, rows: list[list[Any]], headers: list[str] | None = None) -> TableOut:
    names = headers if headers is not None else [c.name(lang) for c in spec.columns]
    kinds: list[Any] = [c.kind for c in spec.columns] if headers is None else ["text"] * len(names)
    return TableOut(spec, spec.name(lang), names, kinds, rows)


def _write_tables(data: Any, lang: Lang) -> list[TableOut]:
    out: list[TableOut] = []
    weights = data.get("weights") or {}
    part = data.get("participation") or {}
    rules = part.get("rules") or {}
    unsupported = [f"participation.rules.{k}" for k in rules if k not in _RULE_SETTINGS]
    if "participant_weights" in weights:
        unsupported.append("weights.participant_weights")
    if unsupported:
        raise DataFormatError(
            f"workbooks and CSV folders do not hold scoring.{unsupported[0]}",
            hint="write the portfolio as YAML or JSON",
        )
    settings = {k: weights[k] for k in _WEIGHT_SETTINGS if k in weights} | rules
    if "criterion" in part:
        settings["criterion"] = part["criterion"]
    if settings:
        yes_no = {True: "ja" if lang == "de" else "yes", False: "nein" if lang == "de" else "no"}
        rows = [
            [c.name(lang), yes_no[settings[c.key]] if c.kind == "bool" else settings[c.key]]
            for c in SCORING_SETTINGS.columns
            if c.key in settings
        ]
        kinds = [c.kind for c in SCORING_SETTINGS.columns if c.key in settings]
        out.append(
            TableOut(
                SCORING_SETTINGS,
                SCORING_SETTINGS.name(lang),
                [SETTINGS_KEY.name(lang), SETTINGS_VALUE.name(lang)],
                ["text", "text"],
                rows,
                kinds,
            )
        )
    values, ranking = weights.get("values") or {}, weights.get("ranking") or {}
    if values or ranking:
        names = list(dict.fromkeys([*values, *ranking]))
        out.append(_table(WEIGHTS, lang, [[c, values.get(c), ranking.get(c)] for c in names]))
    if weights.get("comparisons"):
        rows = [[e.get("participant"), e["a"], e["b"], e["value"]] for e in weights["comparisons"]]
        table = _table(PAIRWISE, lang, rows)
        table.kinds[3] = "number"
        out.append(table)
    if data.get("value_functions"):
        out.append(_functions_table(data["value_functions"], lang))
    if data.get("raw_values"):
        criteria = list(dict.fromkeys(c for row in data["raw_values"].values() for c in row))
        headers = [RAW_VALUES.columns[0].name(lang), *criteria]
        rows = [[pid, *(row.get(c) for c in criteria)] for pid, row in data["raw_values"].items()]
        table = _table(RAW_VALUES, lang, rows, headers)
        table.kinds = [RAW_VALUES.columns[0].kind] + [NUMBER] * len(criteria)
        out.append(table)
    if part.get("counts"):
        levels = list(dict.fromkeys(level for row in part["counts"].values() for level in row))
        ratings = [lv for lv in levels if not isinstance(lv, str)]
        columns = [c for c in CATEGORIES if c in levels] if not ratings else sorted(ratings)
        headers = [COUNTS.columns[0].name(lang)] + [
            COUNTS.column(c).name(lang) if isinstance(c, str) else str(c) for c in columns
        ]
        rows = [[theme, *(row.get(c) for c in columns)] for theme, row in part["counts"].items()]
        table = _table(COUNTS, lang, rows, headers)
        table.kinds = [COUNTS.columns[0].kind] + [COUNTS.columns[1].kind] * len(columns)
        out.append(table)
    if part.get("responses"):
        rows = [[r.get("respondent"), r["theme"], r["answer"]] for r in part["responses"]]
        out.append(_table(RESPONSES, lang, rows))
    if part.get("themes"):
        rows = [
            [theme, *(", ".join(m.get(k, ())) or None for k in ("fields", "tags", "projects"))]
            for theme, m in part["themes"].items()
        ]
        out.append(_table(THEMES, lang, rows))
    return out


def _functions_table(functions: Mapping[str, Any], lang: Lang) -> TableOut:
    rows: list[list[Any]] = []
    for cid, f in functions.items():
        kind, direction = f["kind"], f.get("direction")
        if kind == "linear":
            pairs = [(f["worst"], 0.0), (f["best"], 5.0)]
        elif kind == "piecewise":
            pairs = [(x, y) for x, y in f["points"]]
        elif kind == "step":
            pairs = [(None, f["scores"][0]), *zip(f["thresholds"], f["scores"][1:], strict=True)]
        else:
            pairs = list(f["categories"].items()) + ([(None, f["default"])] if f.get("default") is not None else [])
        for k, (raw, score) in enumerate(pairs):
            rows.append([cid, kind if k == 0 else None, raw, score, direction if k == 0 else None])
    table = _table(VALUE_FUNCTIONS, lang, rows)
    table.kinds[2] = "number"
    return table


# --------------------------------------------------------------------------- errors placed at their cells
_PATH = re.compile(r"^scoring\.(\w+)(?:\.|\[)?(.*)$")


def _locate(error: ValidationError, tables: Mapping[str, RawTable]) -> ValidationError:
    """Place an error of the scoring section at the sheet, row and column its data came from."""
    path = error.location.path or ""
    where = _where(path, tables)
    if where is None:  # no single cell: name the file of the scoring tables
        first = next(iter(tables.values()))
        where = Location(file=first.file)
    moved = error.placed(where)
    assert isinstance(moved, ValidationError)
    return moved


def _row_of(table: RawTable, column_key: str, value: str) -> int | None:
    j = next(
        (
            j
            for j, h in enumerate(table.headers)
            if table.spec.lookup.get(normalise(h)) is not None and table.spec.lookup[normalise(h)].key == column_key
        ),
        None,
    )
    if j is None:
        return None
    for number, cells in table.rows:
        if j < len(cells) and isinstance(cells[j], str | int | float) and str(cells[j]).strip() == value:
            return number
    return None


def _column_named(table: RawTable, name: str) -> str | None:
    return next((h for h in table.headers if h.strip() == name or normalise(h) == normalise(name)), None)


def _where(path: str, tables: Mapping[str, RawTable]) -> Location | None:
    parts = re.split(r"\.|\[|\]\.?", path)
    parts = [p for p in parts if p != ""]
    if len(parts) < 2:
        return None
    part, rest = parts[1], parts[2:]
    if part == "raw_values" and "raw_values" in tables and rest:
        table = tables["raw_values"]
        return table.where(
            row=_row_of(table, "project", rest[0]), column=_column_named(table, rest[1]) if len(rest) > 1 else None
        )
    if part == "value_functions" and "value_functions" in tables and rest:
        table = tables["value_functions"]
        return table.where(row=_row_of(table, "criterion", rest[0]))
    if part == "weights" and rest:
        if rest[0] == "comparisons" and "pairwise" in tables and len(rest) > 1 and rest[1].isdigit():
            table = tables["pairwise"]
            k = int(rest[1])
            return table.where(row=table.rows[k][0] if k < len(table.rows) else None)
        if rest[0] in ("values", "ranking") and "weights" in tables:
            table = tables["weights"]
            return table.where(row=_row_of(table, "criterion", rest[1]) if len(rest) > 1 else None)
        if "scoring_settings" in tables:
            return tables["scoring_settings"].where()
    if part == "participation" and rest:
        if rest[0] == "counts" and "participation" in tables:
            table = tables["participation"]
            column = None
            if len(rest) > 2:
                spec = COUNTS.lookup
                column = next(
                    (
                        h
                        for h in table.headers
                        if h.strip() == rest[2] or getattr(spec.get(normalise(h)), "key", None) == rest[2]
                    ),
                    None,
                )
            return table.where(row=_row_of(table, "theme", rest[1]) if len(rest) > 1 else None, column=column)
        if rest[0] == "responses" and "responses" in tables:
            table = tables["responses"]
            n = int(rest[1]) if len(rest) > 1 and rest[1].isdigit() else len(table.rows)
            return table.where(row=table.rows[n][0] if n < len(table.rows) else None)
        if rest[0] == "themes" and "themes" in tables:
            table = tables["themes"]
            return table.where(row=_row_of(table, "theme", rest[1]) if len(rest) > 1 else None)
        if rest[0] in ("rules", "criterion") and "scoring_settings" in tables:
            return tables["scoring_settings"].where()
    return None


register_section(
    Section(
        SECTION,
        ALIASES,
        check=_check,
        tables=TABLES,
        read_tables=_read_tables,
        write_tables=_write_tables,
        prepare=_prepare,
        locate=_locate,
        derived=_derived,
        description="How weights and scores were found: weighting method or AHP pairwise comparisons, value "
        "functions with raw values, citizen participation results and their rules (docs/scoring.en.md).",
        schema={"type": "object"},
    )
)
