"""The ``scenarios`` section of an input file (German ``szenarien``): YAML/JSON, a workbook sheet, a CSV file.

In YAML and JSON the section is the list of scenario dicts of :meth:`Scenario.to_dict
<kommunal_planner.scenarios.Scenario.to_dict>`. In a workbook (sheet ``Szenarien``/``Scenarios``) or a CSV folder
(``szenarien.csv``/``scenarios.csv``) it is a long table, one change per row, that is easy to edit by hand:

==========  ============  ==========================================================================
column      English       holds
==========  ============  ==========================================================================
Szenario *  Scenario      the scenario's name; its rows need not stand together
Beschreibung Description  optional, in any one row of the scenario
Änderung    Override      what is changed (below); empty for a scenario without changes
Schlüssel   Key           the programme, criterion, field, tag or project the change is about
Jahr        Year          for budget and staff: one year (empty = every year); the fixed start year
Wert        Value         the new value: a factor, an amount, a share, a list, ja/nein
==========  ============  ==========================================================================

Changes (German and English names; the contract's key is read too): ``Haushalt Faktor``/``Budget factor``,
``Haushalt Betrag``/``Budget amount``, ``Personal Faktor``/``Staff factor``, ``Personal Betrag``/``Staff amount``;
``Programm geschlossen``/``Programme closed`` (key: programme); a programme term under its column name on the
programmes sheet (``Förderquote``/``Rate``, ``Höchstbetrag``/``Max grant``, ``Fördertopf``/``Pot`` … ; key:
programme; an empty value lifts an optional term); ``Antrag abgelehnt``/``Application rejected`` (key: programme,
value: projects); ``Gewicht``/``Weight`` (key: criterion); ``Kosten``/``Cost``, ``Investition``/``Investment`` or
``Folgekosten``/``Operating cost``, each followed by ``alle``/``all``, ``Handlungsfeld``/``field``,
``Schlagwort``/``tag`` or ``Projekt``/``project`` (key: that field, tag or project; value: a factor);
``Gesetzt``/``Forced in`` and ``Ausgeschlossen``/``Forced out`` (key: projects); ``Startjahr``/``Fixed start``
(key: project, year); ``Haushaltsnotlage``/``Financially weak`` (value: ja/nein).

Every scenario is checked against the portfolio (unknown ids with a suggestion, years outside the horizon, the
changed portfolio validated anew); errors name the scenario and the change, and in a workbook or CSV folder the
sheet, row and column.
"""

from __future__ import annotations

import difflib
import functools
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kommunal_planner.errors import DataFormatError, Location, ValidationError
from kommunal_planner.io._sections import Section, register_section
from kommunal_planner.io._tables import (
    PROGRAMMES,
    Column,
    Kind,
    Lang,
    RawTable,
    TableOut,
    TableReader,
    TableSpec,
    is_blank,
    match_table,
    normalise,
    read_file_bytes,
    resolve_columns,
)
from kommunal_planner.model import Portfolio, thaw
from kommunal_planner.scenarios._scenario import (
    _PROGRAMME_FIELDS,
    Scenario,
    _num,
    _rebase,
    scenarios_from_dict,
    scenarios_to_dict,
)

__all__ = ["SCENARIOS_TABLE", "check_scenarios", "from_portfolio", "read_scenario_tables", "write_scenario_tables"]

logger = logging.getLogger(__name__)

KEY = "scenarios"

SCENARIOS_TABLE = TableSpec(
    KEY,
    "Szenarien",
    "Scenarios",
    False,
    aliases=("Szenario", "Scenario", "Was-wäre-wenn", "What if"),
    meaning=(
        "Was-wäre-wenn-Szenarien: je Zeile eine Änderung gegenüber der Grundplanung.",
        "What-if scenarios: one change against the base per row.",
    ),
    columns=(
        Column("scenario", "Szenario", "Scenario", "text", True, ("Name", "Szenarioname", "Scenario name")),
        Column("description", "Beschreibung", "Description", "text", False, ("Erläuterung",)),
        Column("override", "Änderung", "Override", "text", False, ("Art", "Change", "Parameter")),
        Column("key", "Schlüssel", "Key", "text", False, ("ID", "Kennung", "Für", "For", "Objekt")),
        Column("year", "Jahr", "Year", "year"),
        Column("value", "Wert", "Value", "text", False, ("Neuer Wert", "New value", "Faktor", "Factor")),
    ),
)


# --------------------------------------------------------------------------- the changes a row can make
@dataclass(frozen=True, slots=True)
class _Change:
    """One kind of row: its names, what its key names (None: no key), its value's kind (None: no value)."""

    code: str
    de: str
    en: str
    aliases: tuple[str, ...] = ()
    key: str | None = None
    value: Kind | None = None
    year: bool = False
    keys_list: bool = False

    def name(self, lang: Lang) -> str:
        return self.de if lang == "de" else self.en


_COST_KINDS: tuple[tuple[str, str, str], ...] = (
    ("cost", "Kosten", "Cost"),
    ("investment", "Investition", "Investment"),
    ("operating", "Folgekosten", "Operating cost"),
)
_SCOPES: tuple[tuple[str, str, str], ...] = (
    ("all", "alle", "all"),
    ("field", "Handlungsfeld", "field"),
    ("tag", "Schlagwort", "tag"),
    ("project", "Projekt", "project"),
)


def _changes() -> tuple[_Change, ...]:
    out = [
        _Change("budget.factor", "Haushalt Faktor", "Budget factor", ("Eigenmittel Faktor",), None, "number", True),
        _Change("budget.amount", "Haushalt Betrag", "Budget amount", ("Haushalt", "Budget", "Eigenmittel"), None,
                "money", True),
        _Change("staff_capacity.factor", "Personal Faktor", "Staff factor",
                ("Personalkapazität Faktor", "Staff capacity factor"), None, "number", True),
        _Change("staff_capacity.amount", "Personal Betrag", "Staff amount",
                ("Personalkapazität", "Personentage", "Staff capacity", "Staff days"), None, "number", True),
        _Change("closed", "Programm geschlossen", "Programme closed",
                ("geschlossen", "closed", "Programm entfällt", "Programme removed"), "programme", "bool"),
    ]  # fmt: skip
    for term in _PROGRAMME_FIELDS:
        col = PROGRAMMES.column(term)
        out.append(_Change(f"term.{term}", col.de, col.en, col.aliases, "programme", col.kind))
    out += [
        _Change("rejected", "Antrag abgelehnt", "Application rejected", ("abgelehnt", "Ablehnung"), "programme",
                "ids"),
        _Change("weight", "Gewicht", "Weight", ("Gewichtung", "weights", "Kriteriengewicht"), "criterion", "number"),
        _Change("forced_in", "Gesetzt", "Forced in", ("erzwungen", "Muss"), "project", None, keys_list=True),
        _Change("forced_out", "Ausgeschlossen", "Forced out", ("gestrichen", "Excluded"), "project", None,
                keys_list=True),
        _Change("fixed_start", "Startjahr", "Fixed start", ("fixed_starts", "Festes Startjahr", "Start year"),
                "project", None, True),
        _Change("financially_weak", "Haushaltsnotlage", "Financially weak", ("Notlage",), None, "bool"),
    ]  # fmt: skip
    for kind, kde, ken in _COST_KINDS:
        for scope, sde, sen in _SCOPES:
            aliases = (kde, ken) if scope == "all" else ()
            key = None if scope == "all" else scope
            out.append(_Change(f"costs.{kind}.{scope}", f"{kde} {sde}", f"{ken} {sen}", aliases, key, "number"))
    return tuple(out)


_CHANGES = _changes()


def _lookup() -> dict[str, _Change]:
    table: dict[str, _Change] = {}
    for change in _CHANGES:
        for name in (change.de, change.en, change.code, *change.aliases):
            if table.setdefault(normalise(name), change) is not change:
                raise RuntimeError(f"the change name '{name}' is used twice")
    return table


_LOOKUP = _lookup()
_BY_CODE = {c.code: c for c in _CHANGES}
_KEY_WHAT = {"programme": "a programme id", "criterion": "a criterion id", "project": "a project id"}
_KEY_WHAT |= {"field": "a field of action", "tag": "a tag"}


# --------------------------------------------------------------------------- check (every format)
def check_scenarios(data: Any, portfolio: Portfolio) -> list[dict[str, Any]]:
    """Validate the ``scenarios`` section *data* against *portfolio*; return its canonical dict form.

    Parameters
    ----------
    data
        The section as read: a list of scenario dicts (German key names accepted).
    portfolio
        The portfolio the scenarios change (without its sections).

    Returns
    -------
    list of dict
        :func:`~kommunal_planner.scenarios.scenarios_to_dict` of the scenarios.

    Raises
    ------
    ValidationError
        A malformed scenario, or one that names an unknown project, programme, criterion, field or tag, a year
        outside the horizon, or makes the portfolio invalid; the path starts at ``scenarios[i]``.
    """
    if isinstance(data, str | Mapping) or not isinstance(data, Sequence):
        raise ValidationError("", location=Location(path=KEY), expected="a list of scenarios", found=_short(data))
    scenarios = scenarios_from_dict(data)
    for i, scenario in enumerate(scenarios):
        try:
            scenario.apply(portfolio)
        except ValidationError as exc:
            moved = _rebase(exc, scenario.item, None)
            path = f"{KEY}[{i}]" + (f".{moved.path}" if moved.path else "")
            raise moved.with_location(Location(item=moved.item, path=path)) from None
    return scenarios_to_dict(scenarios)


def from_portfolio(portfolio: Portfolio) -> list[Scenario]:
    """The scenarios of *portfolio*'s input file (its ``scenarios`` section; none: an empty list).

    Examples
    --------
    >>> import kommunal_planner as kp
    >>> from kommunal_planner.scenarios._examples import example_file
    >>> [s.name for s in from_portfolio(kp.read(example_file()))][:2]
    ['haushalt_minus_10', 'smart_city_entfaellt']
    """
    data = portfolio.sections.get(KEY)
    return list(scenarios_from_dict(thaw(data))) if data is not None else []


# --------------------------------------------------------------------------- sheet → dict form
@dataclass(slots=True)
class _Origin:
    """Where a row's change went in the dict form, to place the errors of the check at its cells."""

    row: int
    paths: tuple[str, ...]
    key: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    year_column: str | None = None


@dataclass(slots=True)
class _Draft:
    """A scenario being assembled from its rows."""

    data: dict[str, Any]
    origins: list[_Origin] = field(default_factory=list)
    seen: dict[tuple[str, ...], int] = field(default_factory=dict)
    description_row: int | None = None
    costs: dict[tuple[str, str | None], dict[str, float]] = field(default_factory=dict)


def _parse(tables: Mapping[str, RawTable]) -> tuple[list[dict[str, Any]], list[list[_Origin]]]:
    table = tables.get(KEY)
    if table is None or table.empty:
        return [], []
    cols = resolve_columns(table).index
    headers = table.headers
    names = TableReader(table).read(cols.get("scenario"), "text")
    reader = TableReader(table, [f"scenario '{n}'" if n else None for n in names])
    descriptions = reader.read(cols.get("description"), "text")
    overrides = reader.read(cols.get("override"), "text")
    years = reader.read(cols.get("year"), "year")
    key_cells = reader.cells(cols.get("key"))
    value_cells = reader.cells(cols.get("value"))
    drafts: dict[str, _Draft] = {}

    def header(name: str) -> str:
        j = cols.get(name)
        return headers[j] if j is not None else SCENARIOS_TABLE.column(name).de

    for i, (number, _) in enumerate(table.rows):
        name = names[i]

        fail = functools.partial(_row_error, table, number, name, header)
        if name is None:
            raise fail("", "scenario", expected="the scenario's name in every row", found=None)
        draft = drafts.setdefault(name, _Draft({"name": name}))
        draft.origins.append(_Origin(number, ("", "name")))
        if descriptions[i] is not None:
            if draft.description_row is not None and draft.data["description"] != descriptions[i]:
                raise fail(f"a second description (the first is in row {draft.description_row})", "description")
            draft.data["description"] = descriptions[i]
            draft.description_row = number
            draft.origins.append(_Origin(number, ("description",)))
        text = overrides[i]
        if text is None:
            for column, cells in (("key", key_cells), ("year", years), ("value", value_cells)):
                if not is_blank(cells[i]):
                    raise fail(f"a {column} without a change", "override", hint="name the change in this column")
            continue
        change = _LOOKUP.get(normalise(text))
        if change is None:
            known = [n for c in _CHANGES for n in (c.de, c.en)]
            close = difflib.get_close_matches(text, known, n=1, cutoff=0.5)
            raise fail(
                f"unknown change '{text}'",
                "override",
                hint=f"did you mean '{close[0]}'?" if close else f"known changes: {', '.join(c.de for c in _CHANGES)}",
            )
        # the key
        keys: list[str] = []
        if change.key is not None:
            raw = key_cells[i]
            parsed = None if raw is None else reader.parse(raw, "ids" if change.keys_list else "id", number,
                                                              header("key"), i)  # fmt: skip
            keys = ([parsed] if isinstance(parsed, str) else list(parsed)) if parsed else []
            if not keys:
                raise fail("", "key", expected=f"{_KEY_WHAT[change.key]} for '{text}'", found=None)
        elif not is_blank(key_cells[i]):
            raise fail(f"'{text}' takes no key", "key", found=key_cells[i], hint="leave the cell empty")
        # the year
        year = years[i]
        year_column: str | None = header("year") if year is not None else None
        if change.code == "fixed_start" and year is None:
            raw_value = value_cells[i]
            if raw_value is not None:
                year = reader.parse(raw_value, "year", number, header("value"), i)
                year_column = header("value") if year is not None else None
            if year is None:
                raise fail("", "year", expected="the start year", found=None)
        elif year is not None and not change.year:
            raise fail(f"'{text}' takes no year", "year", found=year, hint="leave the cell empty")
        # the value
        value: Any = None
        if change.value is not None:
            raw_value = value_cells[i]
            value = None if raw_value is None else reader.parse(raw_value, change.value, number, header("value"), i)
            if value is None and not change.code.startswith("term.") and change.code != "closed":
                raise fail("", "value", expected=f"a value for '{text}'", found=None)
        elif change.code != "fixed_start" and not is_blank(value_cells[i]):
            raise fail(f"'{text}' takes no value", "value", found=value_cells[i], hint="leave the cell empty")
        _enter(draft, change, keys, year, value, number, year_column, fail)
    out = []
    for draft in drafts.values():
        for (scope, key), pair in draft.costs.items():
            costs = draft.data.setdefault("costs", {})
            if scope == "all":
                costs["all"] = pair
            else:
                costs.setdefault(f"{scope}s", {})[key] = pair
        out.append(draft.data)
    return out, [d.origins for d in drafts.values()]


def _row_error(
    table: RawTable,
    row: int,
    name: str | None,
    header: Callable[[str], str],
    problem: str,
    column: str,
    *,
    expected: str | None = None,
    found: Any = None,
    hint: str | None = None,
) -> ValidationError:
    item = f"scenario '{name}'" if name else None
    return ValidationError(
        problem,
        location=table.where(row=row, column=header(column), item=item),
        expected=expected,
        found=found,
        hint=hint,
    )


def _enter(
    draft: _Draft,
    change: _Change,
    keys: list[str],
    year: int | None,
    value: Any,
    row: int,
    year_column: str | None,
    fail: Any,
) -> None:
    """Put one row's change into the scenario's dict form, refusing a change given twice."""
    data = draft.data
    code = change.code

    def once(*what: Any, column: str = "override") -> None:
        slot = tuple(str(w) for w in what)
        if slot in draft.seen:
            raise fail(f"this change is given twice (first in row {draft.seen[slot]})", column)
        draft.seen[slot] = row

    def origin(*paths: str, values: Sequence[str] = ()) -> None:
        draft.origins.append(_Origin(row, paths, tuple(keys), tuple(values), year_column))

    if code.startswith(("budget.", "staff_capacity.")):
        attr, sub = code.split(".")
        current = data.setdefault(attr, {}).get(sub)
        if year is None:
            once(attr, sub)
            if current is not None:
                raise fail("give this change for every year or for single years, not both", "year")
            data[attr][sub] = value
            origin(f"{attr}.{sub}", attr)
        else:
            once(attr, sub, year)
            if current is not None and not isinstance(current, dict):
                raise fail("give this change for every year or for single years, not both", "year")
            data[attr].setdefault(sub, {})[year] = value
            origin(f"{attr}.{sub}.{year}", f"{attr}.{year}", f"{attr}.{sub}", attr)
    elif code == "closed" or code.startswith("term."):
        gid = keys[0]
        programmes = data.setdefault("programmes", {})
        if code == "closed":
            if value is False:
                raise fail("", "value", expected="ja (or empty) to close the programme", found="nein")
            once("programmes", gid)
            if gid in programmes:
                raise fail(f"programme '{gid}' has new terms in another row, so it cannot be closed", "override")
            programmes[gid] = "closed"
            origin(f"programmes.{gid}")
        else:
            term = code.removeprefix("term.")
            once("programmes", gid, term)
            if programmes.get(gid) == "closed":
                raise fail(f"programme '{gid}' is closed in another row, so its terms cannot change", "override")
            programmes.setdefault(gid, {})[term] = value
            origin(f"programmes.{gid}.{term}", f"programmes.{gid}")
    elif code == "rejected":
        gid = keys[0]
        ids = list(value)
        data.setdefault("rejected", {}).setdefault(gid, []).extend(ids)
        origin(f"rejected.{gid}", values=ids)
    elif code == "weight":
        once("weights", keys[0], column="key")
        data.setdefault("weights", {})[keys[0]] = value
        origin(f"weights.{keys[0]}")
    elif code in ("forced_in", "forced_out"):
        data.setdefault(code, []).extend(keys)
        origin(code)
    elif code == "fixed_start":
        once("fixed_starts", keys[0], column="key")
        data.setdefault("fixed_starts", {})[keys[0]] = year
        origin(f"fixed_starts.{keys[0]}")
    elif code == "financially_weak":
        once("financially_weak")
        data["financially_weak"] = value
        origin("financially_weak")
    else:
        _, kind, scope = code.split(".")
        key = keys[0] if keys else None
        pair = draft.costs.setdefault((scope, key), {})
        parts = ("investment", "operating") if kind == "cost" else (kind,)
        for part in parts:
            once("costs", scope, key, part)
            pair[part] = value
        base = "costs.all" if scope == "all" else f"costs.{scope}s.{key}"
        origin(base, *(f"{base}.{p}" for p in parts))


def read_scenario_tables(tables: Mapping[str, RawTable]) -> list[dict[str, Any]]:
    """The ``scenarios`` section (dict form) from its sheet or CSV file; cell errors name sheet, row and column."""
    return _parse(tables)[0]


_QUOTED = re.compile(r"'([^']*)'")
_INDEX = re.compile(rf"^{KEY}\[(\d+)\]\.?(.*)$", re.DOTALL)


def locate_scenario_error(exc: ValidationError, tables: Mapping[str, RawTable]) -> ValidationError:
    """The check's *exc* placed at the row and column of the scenarios sheet it came from."""
    table = tables[KEY]
    m = _INDEX.match(exc.path or "")
    _, origins = _parse(tables)
    if m is None or int(m.group(1)) >= len(origins):
        return exc.with_location(exc.location.merged(table.where()))  # type: ignore[return-value]
    rest = m.group(2)
    quoted = set(_QUOTED.findall(exc.problem))

    def score(o: _Origin) -> tuple[int, int]:
        best = 0
        for p in o.paths:
            if rest == p:
                best = max(best, 1000 + len(p))
            elif p and (rest.startswith(p + ".") or rest.startswith(p + "[")):
                best = max(best, 1 + len(p))
        named = int(bool(quoted & (set(o.key) | set(o.values))))
        return best, named

    candidates = origins[int(m.group(1))]
    chosen = max(candidates, key=score)  # max keeps the first of equals: the scenario's first row
    headers = {name: _header(table, name) for name in ("key", "value", "year", "description", "scenario")}
    if set(chosen.values) & quoted:
        column = headers["value"]
    elif set(chosen.key) & quoted:
        column = headers["key"]
    elif chosen.year_column and ("year" in (exc.expected or "") or rest.rsplit(".", 1)[-1].isdigit()):
        column = chosen.year_column
    elif "description" in chosen.paths:
        column = headers["description"]
    elif score(chosen)[0] == 0 or chosen.paths == ("", "name"):
        column = headers["scenario"]
    elif chosen.paths[0].startswith(("forced_", "fixed_starts")) or "unknown" in exc.problem:
        column = headers["key"]
    else:
        column = headers["value"]
    where = table.where(row=chosen.row, column=column)
    return exc.placed(where)  # type: ignore[return-value]


def read_scenario_file(path: Path) -> tuple[Scenario, ...]:
    """The scenarios of the sheet ``Szenarien``/``Scenarios`` of a workbook, of a CSV file, or of one in a folder.

    Raises
    ------
    DataFormatError
        The file cannot be read, or holds no scenarios sheet.
    ValidationError
        A malformed scenario, named by file, sheet, row and column.
    """
    from kommunal_planner.io._csv import read_csv_table

    tables: dict[str, RawTable] = {}
    if path.is_dir():
        for f in sorted(path.iterdir()):
            spec = match_table(f.stem) if f.suffix.lower() == ".csv" and f.is_file() else None
            if spec is not None and spec.key == KEY:
                tables[KEY] = read_csv_table(f, SCENARIOS_TABLE)
    elif path.suffix.lower() == ".csv":
        tables[KEY] = read_csv_table(path, SCENARIOS_TABLE)
    else:
        from kommunal_planner.io._excel import _tables

        tables = _tables(read_file_bytes(path), str(path))
    if KEY not in tables:
        raise DataFormatError(
            "no sheet or file of scenarios", location=Location(file=str(path)), hint="name it Szenarien or Scenarios"
        )
    data = read_scenario_tables(tables)
    try:
        return scenarios_from_dict(data, source=str(path))
    except ValidationError as exc:
        raise locate_scenario_error(exc, tables) from None


def _short(value: Any) -> Any:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _header(table: RawTable, name: str) -> str | None:
    for j, h in enumerate(table.headers):
        col = SCENARIOS_TABLE.lookup.get(normalise(h)) if h else None
        if col is not None and col.key == name:
            return table.headers[j]
    return None


# --------------------------------------------------------------------------- dict form → sheet
def write_scenario_tables(data: Any, lang: Lang) -> list[TableOut]:
    """The ``Szenarien``/``Scenarios`` sheet of the section *data* (dict form) in language *lang*."""
    spec = SCENARIOS_TABLE
    rows: list[list[Any]] = []
    for s in scenarios_from_dict(data):
        own: list[list[Any]] = []

        def put(code: str, key: str | None = None, year: int | None = None, value: Any = None) -> None:
            own.append([s.name, None, _BY_CODE[code].name(lang), key, year, value])  # noqa: B023

        for attr in ("budget", "staff_capacity"):
            change = getattr(s, attr)
            if change is None:
                continue
            for sub in ("amount", "factor"):
                v = getattr(change, sub)
                if isinstance(v, Mapping):
                    for y, x in v.items():
                        put(f"{attr}.{sub}", year=int(y), value=_num(x))
                elif v is not None:
                    put(f"{attr}.{sub}", value=_num(v))
        for gid, pc in s.programmes.items():
            if pc.remove:
                put("closed", gid)
                continue
            for term, v in pc.values.items():
                if isinstance(v, tuple):
                    v = ", ".join(str(y) for y in v) or None
                put(f"term.{term}", gid, value=None if v is None else v if isinstance(v, str) else _num(v))
        for gid, ids in s.rejected.items():
            put("rejected", gid, value=", ".join(ids))
        for cid, w in s.weights.items():
            put("weight", cid, value=_num(w))
        for cf in s.costs:
            kinds = [("cost", cf.investment)] if cf.investment == cf.operating else []
            kinds = kinds or [("investment", cf.investment), ("operating", cf.operating)]
            for kind, v in kinds:
                put(f"costs.{kind}.{cf.scope}", cf.key, value=_num(v))
        for pid in s.forced_in:
            put("forced_in", pid)
        for pid in s.forced_out:
            put("forced_out", pid)
        for pid, y in s.fixed_starts.items():
            put("fixed_start", pid, year=int(y))
        if s.financially_weak is not None:
            yes = ("ja" if s.financially_weak else "nein") if lang == "de" else ("yes" if s.financially_weak else "no")
            put("financially_weak", value=yes)
        if not own:
            own.append([s.name, None, None, None, None, None])
        own[0][1] = s.description or None
        rows += own
    headers = [c.name(lang) for c in spec.columns]
    return [TableOut(spec, spec.name(lang), headers, ["text", "text", "text", "text", "year", "text"], rows)]


register_section(
    Section(
        KEY,
        aliases=("szenarien",),
        check=check_scenarios,
        tables=(SCENARIOS_TABLE,),
        read_tables=read_scenario_tables,
        write_tables=write_scenario_tables,
        locate=locate_scenario_error,
        description="What-if scenarios: a list of named overrides of budget, staff, programmes, weights, costs "
        "and decisions (docs/scenarios.md).",
        schema={"type": "array", "items": {"type": "object", "required": ["name"]}},
    )
)
