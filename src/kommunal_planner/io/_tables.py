"""The table layout shared by Excel workbooks and CSV folders: names, cell parsing, the way to a Portfolio.

A portfolio is five tables: one sheet each in a workbook, one file each in a CSV folder. German and English
names are both read; writing uses one language. Names are compared after :func:`normalise`: case-insensitive,
trimmed, umlauts and their transliterations alike, ``_``, ``-`` and ``.`` as spaces, a trailing unit in
brackets ignored. So ``Förderprogramme``, ``Foerderprogramme`` and ``FÖRDERPROGRAMME`` name one sheet, and
``Kosten (EUR)`` is ``Kosten``. The authoritative list is :data:`TABLES`; tests check this summary against it.

====================  ==============================  =======================  ===============================
key                   German (written)                English (written)        also read, among others
====================  ==============================  =======================  ===============================
*settings*            Allgemein                       Settings                 Einstellungen, General
(key column)          Einstellung                     Setting                  Schlüssel, Key, Parameter
(value column)        Wert                            Value                    Angabe
name *                Name                            Name                     Kommune, Municipality
description           Beschreibung                    Description
start *               Planungsbeginn                  Horizon start            Startjahr, Start year, Beginn
years *               Planungsjahre                   Horizon years            Jahre, Years, Anzahl Jahre
financially_weak      Haushaltsnotlage                Financially weak         Notlage
discount_rate         Diskontsatz                     Discount rate            Abzinsungssatz
max_fields            Max. Handlungsfelder            Max fields of action     Schwerpunkte, Max fields, Focus
*budget*              Haushalt                        Budget                   Haushaltsplan, Finanzplan
year *                Jahr                            Year
budget *              Budget                          Budget                   Eigenmittel, Own funds
staff_capacity        Personalkapazität               Staff capacity           Personaltage, Capacity
*criteria*            Kriterien                       Criteria                 Bewertungskriterien
id *                  ID                              ID                       Kennung, Kriterium, Criterion
name                  Name                            Name                     Bezeichnung
weight                Gewicht                         Weight                   Gewichtung
*programmes*          Förderprogramme                 Programmes               Programme, Programs, Förderung
id *                  ID                              ID                       Kennung, Programm, Programme
name                  Name                            Name                     Bezeichnung
rate *                Förderquote                     Rate                     Quote, Funding rate
rate_weak             Förderquote Notlage             Rate financially weak    Förderquote Haushaltsnotlage
max_grant             Höchstbetrag                    Max grant                Förderhöchstbetrag
min_grant             Bagatellgrenze                  Min grant                Mindestbetrag, Minimum grant
pot                   Fördertopf                      Pot                      Programmbudget, Mittel
windows               Antragsjahre                    Windows                  Förderfenster
approval_probability  Bewilligungswahrscheinlichkeit  Approval probability     Wahrscheinlichkeit, Probability
eligible_fields       Förderfähige Handlungsfelder    Eligible fields          Handlungsfelder, Fields
eligible_projects     Förderfähige Projekte           Eligible projects        Projekte, Projects
eligible_tags         Förderfähige Schlagworte        Eligible tags            Schlagworte, Tags
*projects*            Projekte                        Projects                 Maßnahmen, Massnahmen, Measures
id *                  ID                              ID                       Kennung, Projekt-ID, Project id
name                  Name                            Name                     Bezeichnung, Titel, Title
field                 Handlungsfeld                   Field of action          Field, Feld
duration              Dauer                           Duration                 Laufzeit
cost                  Kosten Jahr 1, 2, …             Cost year 1, 2, …        Kosten, Cost (as a total)
operating_cost        Folgekosten                     Operating cost           Betriebskosten, Operating costs
staff_days            Personentage Jahr 1, 2, …       Staff days year 1, 2, …  Personentage (as a total)
scores                Bewertung <id>                  Score <id>               <id> alone, Kriterium <id>
benefit               Nutzen                          Benefit                  Nutzwert, Benefit points
earliest_start        Frühester Beginn                Earliest start           Beginn ab, Start from
latest_start          Spätester Beginn                Latest start             Beginn bis, Start by
deadline              Frist                           Deadline                 Fertig bis, Finish by
requires              Voraussetzungen                 Requires                 Abhängigkeiten, Dependencies
mandatory             Pflicht                         Mandatory                Pflichtaufgabe, Muss
exclusive_group       Variantengruppe                 Exclusive group          Alternativgruppe, Gruppe, Group
tags                  Schlagworte                     Tags                     Stichworte
description           Beschreibung                    Description
====================  ==============================  =======================  ===============================

``*`` marks what must be there: the sheets settings, budget and projects, and the starred columns/settings.
The contract's own key (``operating_cost``, ``max_grant`` …) is read everywhere too.

Cells
-----
* Empty cells (and cells of blanks only) are "not given"; blank rows are skipped; the first non-blank row of a
  table is its header. Costs and staff days not given are 0; a missing duration (``Dauer``) is 1 year.
* Numbers: numeric cells as they are, or text in German or English notation: ``1.234,56``, ``1234,5``,
  ``20.000`` (dot thousands), ``1,234.56``, ``1 234``, ``1e5``; in money columns also ``€`` or ``EUR`` before
  or after. A single separator that could be either (``1.234``, ``1,234``) follows the table's decimal mark:
  ``,`` in a workbook whose projects sheet has its German name and in a semicolon CSV, ``.`` otherwise.
  NaN and infinity are refused.
* Shares (``Förderquote``, ``Diskontsatz``, ``Bewilligungswahrscheinlichkeit``): ``0.65``, or ``65 %`` (a
  trailing percent sign divides by 100; an Excel percent cell holds 0.65 already). A bare ``65`` is *not* read
  as percent: it is refused as a share above 1, so a slip cannot pass unnoticed.
* Yes/no: ``ja``/``nein``, ``yes``/``no``, ``x``, ``wahr``/``falsch``, ``true``/``false``, ``1``/``0``, and
  Excel's own booleans.
* Lists (requires, tags, windows, eligible …) are separated by commas or semicolons: ``2026, 2027``.

A cell that cannot be parsed, or a value the model refuses, raises
:class:`~kommunal_planner.errors.ValidationError` naming file, sheet, row and column. A table that cannot be
read as one (a required sheet missing or empty, a column missing, unknown or doubled) raises
:class:`~kommunal_planner.errors.DataFormatError`. Unknown sheets and files are ignored with a note in the
log (INFO), so a workbook may carry notes and charts of its own.

Reading tables of a section
---------------------------
Sections (:mod:`kommunal_planner.io._sections`) read their own sheets with the same rules: :func:`resolve_columns`
finds the columns of a :class:`RawTable`, :class:`TableReader` parses them by kind with errors placed at their
cells, and :func:`is_blank` tells a cell that is not given.
"""

from __future__ import annotations

import decimal
import difflib
import logging
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NoReturn, cast

from kommunal_planner.errors import DataFormatError, Location, ValidationError
from kommunal_planner.io._dict import portfolio_from_dict
from kommunal_planner.io._sections import Section, derived_values, registered_sections
from kommunal_planner.model import Portfolio, thaw

__all__ = [
    "FIELDS_OF_ACTION",
    "PROGRAMMES",
    "SETTINGS_KEY",
    "SETTINGS_VALUE",
    "TABLES",
    "Column",
    "Kind",
    "Lang",
    "RawTable",
    "ResolvedColumns",
    "TableOut",
    "TableReader",
    "TableSpec",
    "build_portfolio",
    "format_number",
    "is_blank",
    "match_table",
    "normalise",
    "parse_number",
    "portfolio_tables",
    "read_file_bytes",
    "resolve_columns",
]

logger = logging.getLogger(__name__)

Lang = Literal["de", "en"]
Kind = Literal["id", "text", "number", "money", "rate", "integer", "year", "bool", "ids", "years"]

#: Fields of action offered in drop-down lists (free entry stays allowed).
FIELDS_OF_ACTION: tuple[str, ...] = (
    "administration",
    "broadband",
    "mobility",
    "retail",
    "tourism",
    "education",
    "health",
    "participation",
    "environment",
    "economy",
)

# Largest integer a spreadsheet cell holds exactly; larger "years" or counts are typos, not data.
_INT_LIMIT = 2**53


# --------------------------------------------------------------------------- names
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})
_UNIT = re.compile(r"\s*[(\[][^()\[\]]*[)\]]\s*$")
_SEPARATORS = re.compile(r"[\s_\-./:]+")


def normalise(name: str) -> str:
    """The form in which sheet, file and column names are compared.

    Examples
    --------
    >>> normalise("  Förderprogramme "), normalise("FOERDERPROGRAMME"), normalise("Kosten Jahr 2 (EUR)")
    ('foerderprogramme', 'foerderprogramme', 'kosten jahr 2')
    >>> normalise("Max. Handlungsfelder"), normalise("operating_cost")
    ('max handlungsfelder', 'operating cost')
    """
    text = unicodedata.normalize("NFC", name).casefold().translate(_TRANSLIT)
    text = _UNIT.sub("", text)
    return _SEPARATORS.sub(" ", text).strip()


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a table (or one key of the key–value settings table).

    ``de``/``en`` are the names written; ``aliases`` are further names read. ``year_de``/``year_en`` are the
    per-project-year form (``{k}`` is the year number, 1-based) where a column also comes per year.
    ``meaning``, ``unit`` and ``example`` feed the explanations sheet of templates.
    """

    key: str
    de: str
    en: str
    kind: Kind
    required: bool = False
    aliases: tuple[str, ...] = ()
    year_de: str | None = None
    year_en: str | None = None
    meaning: tuple[str, str] = ("", "")
    unit: tuple[str, str] = ("", "")
    example: str = ""

    def name(self, lang: Lang) -> str:
        return self.de if lang == "de" else self.en

    def year_name(self, lang: Lang, k: int) -> str:
        pattern = self.year_de if lang == "de" else self.year_en
        assert pattern is not None  # only called for per-year columns
        return pattern.format(k=k)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.de, self.en, self.key, *self.aliases)


@dataclass(frozen=True, slots=True)
class TableSpec:
    """One table: its names, whether it must be there, and its columns (settings: its keys)."""

    key: str
    de: str
    en: str
    required: bool
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    key_value: bool = False
    meaning: tuple[str, str] = ("", "")
    lookup: Mapping[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        table: dict[str, Column] = {}
        for col in self.columns:
            for alias in col.names:
                norm = normalise(alias)
                if table.setdefault(norm, col) is not col:
                    raise RuntimeError(f"table {self.key}: the name '{alias}' is used twice")
        object.__setattr__(self, "lookup", table)

    def name(self, lang: Lang) -> str:
        return self.de if lang == "de" else self.en

    @property
    def names(self) -> tuple[str, ...]:
        return (self.de, self.en, self.key, *self.aliases)

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)


def _c(
    key: str,
    de: str,
    en: str,
    kind: Kind,
    *aliases: str,
    required: bool = False,
    years: tuple[str, str] | None = None,
    meaning: tuple[str, str] = ("", ""),
    unit: tuple[str, str] = ("", ""),
    example: str = "",
) -> Column:
    return Column(
        key,
        de,
        en,
        kind,
        required,
        aliases,
        years[0] if years else None,
        years[1] if years else None,
        meaning,
        unit,
        example,
    )


# fmt: off
# One entry per table and column: names written (de, en), names also read, kind, and the
# explanation a template shows. Kept as an aligned table, one or two lines a column.
_EUR = ("EUR", "EUR")
_EUR_Y = ("EUR pro Jahr", "EUR per year")
_SHARE = ("Anteil 0–1 oder %", "share 0–1 or %")
_YEAR = ("Kalenderjahr", "calendar year")
_LIST = ("Liste, durch Komma getrennt", "list, comma-separated")

SETTINGS = TableSpec(
    "settings", "Allgemein", "Settings", True, key_value=True,
    aliases=("Einstellungen", "General", "Allgemeines", "Stammdaten"),
    meaning=("Eckdaten der Kommune und des Planungszeitraums (eine Zeile je Einstellung).",
             "Key facts of the municipality and the planning horizon (one row per setting)."),
    columns=(
        _c("name", "Name", "Name", "text", "Kommune", "Municipality", required=True, example="Musterstadt",
           meaning=("Name der Kommune oder des Portfolios", "Name of the municipality or portfolio")),
        _c("description", "Beschreibung", "Description", "text", example="Digitalisierungsstrategie 2026",
           meaning=("Freitext zur Erläuterung", "Free text")),
        _c("start", "Planungsbeginn", "Horizon start", "year", "Startjahr", "Start year", "Beginn", "Start",
           "horizon start", required=True, unit=_YEAR, example="2026",
           meaning=("Erstes Jahr des Planungszeitraums", "First year of the planning horizon")),
        _c("years", "Planungsjahre", "Horizon years", "integer", "Jahre", "Years", "Anzahl Jahre", "horizon years",
           required=True, unit=("Jahre", "years"), example="6",
           meaning=("Länge des Planungszeitraums", "Length of the planning horizon")),
        _c("financially_weak", "Haushaltsnotlage", "Financially weak", "bool", "Notlage", unit=("ja/nein", "yes/no"),
           example="nein",
           meaning=("Haushaltsnotlage: Programme mit Förderquote Notlage zahlen diese Quote",
                    "Budget emergency: programmes with a rate for this case pay that rate")),
        _c("discount_rate", "Diskontsatz", "Discount rate", "rate", "Abzinsungssatz", unit=_SHARE, example="2 %",
           meaning=("Abzinsung für die zeitgewichtete Zielfunktion; 0 = keine",
                    "Discounting for the time-weighted objective; 0 = none")),
        _c("max_fields", "Max. Handlungsfelder", "Max fields of action", "integer", "Schwerpunkte", "Max fields",
           "Focus", "focus max fields", "Maximale Handlungsfelder", example="3",
           meaning=("Höchstens so viele Handlungsfelder im Plan (Schwerpunkte); leer = beliebig viele",
                    "At most this many fields of action in the plan (focus areas); empty = any")),
    ),
)

SETTINGS_KEY = _c("setting", "Einstellung", "Setting", "text", "Schlüssel", "Key", "Parameter", "Eigenschaft")
SETTINGS_VALUE = _c("value", "Wert", "Value", "text", "Angabe")

BUDGET = TableSpec(
    "budget", "Haushalt", "Budget", True, key_value=False,
    aliases=("Haushaltsplan", "Finanzplan", "Budgets"),
    meaning=("Eigenmittel und Personalkapazität je Jahr des Planungszeitraums (eine Zeile je Jahr).",
             "Own funds and staff capacity per year of the horizon (one row per year)."),
    columns=(
        _c("year", "Jahr", "Year", "year", required=True, unit=_YEAR, example="2027",
           meaning=("Jahr des Planungszeitraums; jedes Jahr braucht eine Zeile",
                    "A horizon year; every year needs a row")),
        _c("budget", "Budget", "Budget", "money", "Eigenmittel", "Haushaltsmittel", "Own funds", required=True,
           unit=_EUR, example="500.000",
           meaning=("Eigenmittel für Investitionen und Folgekosten in diesem Jahr",
                    "Own funds for investment and operating costs in this year")),
        _c("staff_capacity", "Personalkapazität", "Staff capacity", "number", "Personaltage", "Kapazität", "Capacity",
           unit=("Personentage", "person-days"), example="450",
           meaning=("Verfügbare Personentage; leer = unbegrenzt", "Staff days available; empty = unlimited")),
    ),
)

CRITERIA = TableSpec(
    "criteria", "Kriterien", "Criteria", False, key_value=False,
    aliases=("Bewertungskriterien", "Kriterium", "Criterion"),
    meaning=("Bewertungskriterien und ihre Gewichte; je Kriterium eine Spalte 'Bewertung <ID>' auf Projekte.",
             "Criteria and their weights; one column 'Score <ID>' per criterion on Projects."),
    columns=(
        _c("id", "ID", "ID", "id", "Kennung", "Kriterium", "Criterion", required=True, example="citizen",
           meaning=("Kurzname, eindeutig, ohne Komma", "Short unique name, no commas")),
        _c("name", "Name", "Name", "text", "Bezeichnung", example="Bürgerpriorität",
           meaning=("Ausgeschriebener Name; leer = ID", "Full name; empty = the id")),
        _c("weight", "Gewicht", "Weight", "number", "Gewichtung", unit=("≥ 0, relativ", "≥ 0, relative"), example="0,3",
           meaning=("Gewicht; wird auf die Summe normiert; leer = 1", "Weight, normalised by the sum; empty = 1")),
    ),
)

PROGRAMMES = TableSpec(
    "programmes", "Förderprogramme", "Programmes", False, key_value=False,
    aliases=("Programme", "Programs", "Förderung", "Funding programmes", "Funding", "Foerderprogramm",
             "Förderprogramm"),
    meaning=("Förderprogramme: Quote, Grenzen, Antragsjahre und wofür sie fördern (eine Zeile je Programm).",
             "Funding programmes: rate, limits, application years and what they fund (one row per programme)."),
    columns=(
        _c("id", "ID", "ID", "id", "Kennung", "Programm", "Programme", "Program", required=True, example="smart_city",
           meaning=("Kurzname, eindeutig, ohne Komma", "Short unique name, no commas")),
        _c("name", "Name", "Name", "text", "Bezeichnung", example="Modellprojekte Smart Cities",
           meaning=("Ausgeschriebener Name; leer = ID", "Full name; empty = the id")),
        _c("rate", "Förderquote", "Rate", "rate", "Quote", "Funding rate", required=True, unit=_SHARE, example="65 %",
           meaning=("Anteil der Investitionskosten, den das Programm zahlt", "Share of the investment paid")),
        _c("rate_weak", "Förderquote Notlage", "Rate financially weak", "rate", "Förderquote Haushaltsnotlage",
           "Rate weak", unit=_SHARE, example="90 %",
           meaning=("Quote bei Haushaltsnotlage; leer = wie Förderquote",
                    "Rate when financially weak; empty = as rate")),
        _c("max_grant", "Höchstbetrag", "Max grant", "money", "Förderhöchstbetrag", "Maximum grant", unit=_EUR,
           example="800.000",
           meaning=("Höchstens so viel Förderung je Projekt; leer = ohne Grenze", "Cap per project; empty = none")),
        _c("min_grant", "Bagatellgrenze", "Min grant", "money", "Mindestbetrag", "Minimum grant", unit=_EUR,
           example="2.500",
           meaning=("Kleinere Zuschüsse werden nicht gezahlt; leer = keine",
                    "Smaller grants are not paid; empty = none")),
        _c("pot", "Fördertopf", "Pot", "money", "Programmbudget", "Mittel", "Programme budget", unit=_EUR,
           example="1.500.000",
           meaning=("Alle Zuschüsse des Programms zusammen höchstens; leer = ohne Grenze",
                    "All grants of the programme together at most; empty = none")),
        _c("windows", "Antragsjahre", "Windows", "years", "Förderfenster", "Application years", unit=_LIST,
           example="2026, 2027",
           meaning=("Jahre, in denen ein gefördertes Projekt beginnen darf; leer = jedes Jahr",
                    "Years in which a funded project may start; empty = any")),
        _c("approval_probability", "Bewilligungswahrscheinlichkeit", "Approval probability", "rate",
           "Wahrscheinlichkeit", "Probability", unit=_SHARE, example="70 %",
           meaning=("Chance auf Bewilligung (für Monte-Carlo-Analysen); leer = 100 %",
                    "Chance of approval (Monte Carlo); empty = 100 %")),
        _c("eligible_fields", "Förderfähige Handlungsfelder", "Eligible fields", "ids", "Handlungsfelder", "Fields",
           unit=_LIST, example="mobility, participation",
           meaning=("Projekte dieser Handlungsfelder sind förderfähig", "Projects of these fields are eligible")),
        _c("eligible_projects", "Förderfähige Projekte", "Eligible projects", "ids", "Projekte", "Projects", unit=_LIST,
           example="portal",
           meaning=("Diese Projekte sind förderfähig (IDs)", "These projects are eligible (ids)")),
        _c("eligible_tags", "Förderfähige Schlagworte", "Eligible tags", "ids", "Schlagworte", "Tags", unit=_LIST,
           example="pilot",
           meaning=("Projekte mit einem dieser Schlagworte sind förderfähig",
                    "Projects with one of these tags are eligible")),
    ),
)

PROJECTS = TableSpec(
    "projects", "Projekte", "Projects", True, key_value=False,
    aliases=("Maßnahmen", "Massnahmen", "Measures", "Projektliste", "Projekt", "Project"),
    meaning=("Die Projekte (Maßnahmen), eine Zeile je Projekt.",
             "The candidate projects, one row per project."),
    columns=(
        _c("id", "ID", "ID", "id", "Kennung", "Projekt-ID", "Project id", "Projekt", "Project", required=True,
           example="portal",
           meaning=("Kurzname, eindeutig, ohne Komma", "Short unique name, no commas")),
        _c("name", "Name", "Name", "text", "Bezeichnung", "Titel", "Title", "Maßnahme",
           example="Digitales Bürgerportal",
           meaning=("Ausgeschriebener Name; leer = ID", "Full name; empty = the id")),
        _c("field", "Handlungsfeld", "Field of action", "id", "Field", "Feld", example="administration",
           meaning=("Handlungsfeld (Liste oder freie Eingabe); leer = general",
                    "Field of action (list or free entry); empty = general")),
        _c("duration", "Dauer", "Duration", "integer", "Laufzeit", unit=("Jahre", "years"), example="2",
           meaning=("Laufzeit in Jahren; leer = 1", "Duration in years; empty = 1")),
        _c("cost", "Kosten", "Cost", "money", "Investition", "Investment", "Costs", "Gesamtkosten", "Total cost",
           years=("Kosten Jahr {k}", "Cost year {k}"), unit=_EUR, example="180.000",
           meaning=("Investitionskosten je Projektjahr (Jahr 1 = Startjahr); statt dessen geht eine Spalte "
                    "'Kosten' mit der Summe, gleichmäßig verteilt; leer = 0",
                    "Investment per project year (year 1 = start year); or one column 'Cost' with the total, "
                    "spread evenly; empty = 0")),
        _c("operating_cost", "Folgekosten", "Operating cost", "money", "Betriebskosten", "Operating costs", unit=_EUR_Y,
           example="25.000",
           meaning=("Laufende Kosten je Jahr nach Abschluss; nie förderfähig; leer = 0",
                    "Running cost per year after completion; never funded; empty = 0")),
        _c("staff_days", "Personentage", "Staff days", "number", "Personalaufwand", "Staff effort",
           years=("Personentage Jahr {k}", "Staff days year {k}"), unit=("Personentage", "person-days"), example="120",
           meaning=("Personalaufwand je Projektjahr, oder eine Spalte 'Personentage' mit der Summe; leer = 0",
                    "Staff effort per project year, or one column 'Staff days' with the total; empty = 0")),
        _c("scores", "Bewertung", "Score", "number", unit=("0–5", "0–5"), example="4",
           meaning=("Je Kriterium eine Spalte 'Bewertung <ID>' mit 0 (nichts) bis 5 (sehr viel); leer = keine "
                    "Bewertung (dann Nutzen angeben)",
                    "One column 'Score <ID>' per criterion, 0 (none) to 5 (very high); empty = no score (then give "
                    "a benefit)")),
        _c("benefit", "Nutzen", "Benefit", "number", "Nutzwert", "Benefit points", unit=("Punkte", "points"),
           example="75",
           meaning=("Nutzen direkt (z. B. aus einer Nutzwertanalyse) statt aus den Bewertungen",
                    "Benefit given directly (e.g. from a cost-benefit study) instead of the scores")),
        _c("earliest_start", "Frühester Beginn", "Earliest start", "year", "Beginn ab", "Start from", unit=_YEAR,
           example="2027",
           meaning=("Nicht vor diesem Jahr beginnen", "Start no earlier than this year")),
        _c("latest_start", "Spätester Beginn", "Latest start", "year", "Beginn bis", "Start by", unit=_YEAR,
           example="2029",
           meaning=("Nicht nach diesem Jahr beginnen", "Start no later than this year")),
        _c("deadline", "Frist", "Deadline", "year", "Fertig bis", "Spätestes Ende", "Finish by", unit=_YEAR,
           example="2028",
           meaning=("Letztes Jahr, in dem das Projekt noch laufen darf", "Last year in which it may still run")),
        _c("requires", "Voraussetzungen", "Requires", "ids", "Abhängigkeiten", "Benötigt", "Dependencies", unit=_LIST,
           example="broadband",
           meaning=("Projekte (IDs), die vor dem Beginn abgeschlossen sein müssen",
                    "Projects (ids) that must be finished before this one starts")),
        _c("mandatory", "Pflicht", "Mandatory", "bool", "Pflichtaufgabe", "Muss", unit=("ja/nein", "yes/no"),
           example="nein",
           meaning=("Pflichtaufgabe (z. B. OZG): wird in jedem Fall umgesetzt; leer = nein",
                    "A must-do (e.g. a legal duty): always selected; empty = no")),
        _c("exclusive_group", "Variantengruppe", "Exclusive group", "id", "Alternativgruppe", "Gruppe", "Group",
           example="portal_varianten",
           meaning=("Höchstens ein Projekt je Gruppe (Varianten einer Idee)",
                    "At most one project per group (variants of one idea)")),
        _c("tags", "Schlagworte", "Tags", "ids", "Stichworte", unit=_LIST, example="ozg, pilot",
           meaning=("Schlagworte, z. B. für förderfähige Schlagworte eines Programms",
                    "Tags, e.g. matched by a programme's eligible tags")),
        _c("description", "Beschreibung", "Description", "text", example="Online-Anträge für alle Leistungen",
           meaning=("Freitext", "Free text")),
    ),
)

# fmt: on

#: Every table, in the order they are written.
TABLES: tuple[TableSpec, ...] = (SETTINGS, BUDGET, CRITERIA, PROGRAMMES, PROJECTS)

#: Sheets that are known and skipped without a note (the explanations written into every workbook).
EXPLANATIONS: tuple[str, str] = ("Erläuterungen", "Explanations")
_SKIPPED = {normalise(name) for name in (*EXPLANATIONS, "Hinweise", "Notes", "Readme", "Liesmich")}
_TABLE_LOOKUP: dict[str, TableSpec] = {normalise(name): spec for spec in TABLES for name in spec.names}

_SCORE_PREFIX = re.compile(r"^\s*(?:bewertung|score|kriterium|criterion)\s*[:_\-]?\s+(.+?)\s*$", re.IGNORECASE)
_PER_YEAR = re.compile(r"^(.+?) (?:jahr|year) (\d{1,3})$")


def match_table(name: str) -> TableSpec | None:
    """The table a sheet or file (stem) name stands for; ``None`` for unknown or skipped names.

    Examples
    --------
    >>> match_table("Foerderprogramme").key, match_table("projects").key, match_table("Notizen") is None
    ('programmes', 'projects', True)
    """
    norm = normalise(name)
    spec = _TABLE_LOOKUP.get(norm)
    if spec is None:
        spec = next(
            (t for section in registered_sections() for t in section.tables if norm in map(normalise, t.names)),
            None,
        )
    if spec is None and norm not in _SKIPPED:
        logger.info("ignoring the sheet or file '%s': not one of %s", name, ", ".join(f"{t.de}/{t.en}" for t in TABLES))
    return spec


# --------------------------------------------------------------------------- cell parsing
_NUMBER = re.compile(r"^([+-]?)(\d[\d.,]*|[.,]\d+)(?:[eE]([+-]?\d+))?$")
_CURRENCY = re.compile(r"^(?:€|eur)\s*|\s*(?:€|eur)$", re.IGNORECASE)
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'’")
_TRUE = frozenset({"ja", "j", "yes", "y", "x", "wahr", "true", "1", "1.0", "w", "t", "✓", "✔"})
_FALSE = frozenset({"nein", "n", "no", "falsch", "false", "0", "0.0", "f", "-"})
_EXCEL_ERRORS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"})
_LIST_SPLIT = re.compile(r"[,;\n]")


def _grouped(body: str, sep: str) -> bool:
    """Whether *body* is an integer written with *sep* as thousands separator (1.234 or 12.345.678)."""
    head, *groups = body.split(sep)
    return bool(groups) and 1 <= len(head) <= 3 and head[0] != "0" and all(len(g) == 3 for g in groups)


def _plain(body: str, decimal_mark: str) -> str | None:
    """*body* (digits, dots, commas) as Python number text, or ``None`` where it is no number."""
    dots, commas = body.count("."), body.count(",")
    if not dots and not commas:
        return body
    if dots and commas:
        dec = "." if body.rfind(".") > body.rfind(",") else ","
        thousands = "," if dec == "." else "."
        whole, _, frac = body.rpartition(dec)
        if body.count(dec) != 1 or not frac.isdigit() or not _grouped(whole, thousands):
            return None
        return whole.replace(thousands, "") + "." + frac
    sep = "." if dots else ","
    if body.count(sep) > 1:
        return body.replace(sep, "") if _grouped(body, sep) else None
    if sep != decimal_mark and _grouped(body, sep):
        return body.replace(sep, "")
    whole, _, frac = body.partition(sep)
    if not (whole or frac) or not (whole.isdigit() or not whole) or not (frac.isdigit() or not frac):
        return None
    return f"{whole or '0'}.{frac or '0'}"


def parse_number(text: str, decimal_mark: str = ".", *, percent: bool = False, money: bool = False) -> float | None:
    """A number written as text in German or English notation; ``None`` where it is none.

    Parameters
    ----------
    text
        The cell text.
    decimal_mark
        ``","`` or ``"."``: how to read a single separator that could be either (``1.234``, ``1,5``).
    percent
        Accept a trailing ``%`` (the value is divided by 100).
    money
        Accept a leading or trailing ``€`` or ``EUR``.

    Examples
    --------
    >>> parse_number("1.234,56", ","), parse_number("1234,5", ","), parse_number("20.000", ",")
    (1234.56, 1234.5, 20000.0)
    >>> parse_number("1.5", ","), parse_number("1,234.5"), parse_number("12 %", percent=True)
    (1.5, 1234.5, 0.12)
    >>> parse_number("ca. 20T€", money=True) is None, parse_number("nan") is None
    (True, True)
    """
    s = text.strip().translate(_SPACES).replace("\u2212", "-")
    if money:
        s = _CURRENCY.sub("", s).strip()
    scale = False
    if percent and s.endswith("%"):
        s, scale = s[:-1].rstrip(), True
    m = _NUMBER.match(s)
    if m is None:
        return None
    sign, body, exponent = m.groups()
    plain = _plain(body, decimal_mark)
    if plain is None:
        return None
    literal = f"{sign}{plain}" + (f"e{exponent}" if exponent else "")
    try:
        value = float(decimal.Decimal(literal) / 100) if scale else float(literal)
    except (decimal.InvalidOperation, OverflowError, ValueError):
        return None
    return value if math.isfinite(value) else None


def format_number(value: float | int, decimal_mark: str = ".") -> str:
    """Number text that :func:`parse_number` reads back exactly (shortest round-trip digits, no grouping).

    Examples
    --------
    >>> format_number(20000.0), format_number(0.1 + 0.2, ","), format_number(1e-7, ",")
    ('20000', '0,30000000000000004', '1e-07')
    """
    text = str(_out_number(value))
    return text.replace(".", ",") if decimal_mark == "," else text


def _out_number(value: float | int) -> int | float:
    """Whole numbers as ints (so cells read '20000', not '20000.0'); others keep every digit."""
    if isinstance(value, int):
        return value
    return int(value) if value.is_integer() and abs(value) < _INT_LIMIT else value


# --------------------------------------------------------------------------- raw tables
def read_file_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a file; a missing, unreadable or folder path is a DataFormatError naming it."""
    p = Path(path)
    try:
        return p.read_bytes()
    except FileNotFoundError:
        raise DataFormatError("no such file", location=Location(file=str(p))) from None
    except IsADirectoryError:
        raise DataFormatError("is a folder, expected a file", location=Location(file=str(p))) from None
    except OSError as exc:
        raise DataFormatError(f"cannot be read ({exc.strerror or exc})", location=Location(file=str(p))) from exc


@dataclass(slots=True)
class RawTable:
    """One sheet or CSV file as read: header texts and the non-blank rows with their row (line) numbers.

    ``decimal`` is the decimal mark for ambiguous number texts; ``letters`` says whether columns are named by
    letters (a spreadsheet) when a column has no header.
    """

    spec: TableSpec
    file: str
    sheet: str | None
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list[Any]]]
    decimal: str = "."
    letters: bool = True

    @property
    def empty(self) -> bool:
        return not self.headers

    def where(self, row: int | None = None, column: str | None = None, item: str | None = None) -> Location:
        return Location(file=self.file, sheet=self.sheet, row=row, column=column, item=item)

    def column_label(self, j: int) -> str:
        if self.letters:
            return _column_letter(j)
        return f"#{j + 1}"


def _column_letter(j: int) -> str:
    """Spreadsheet letters of the 0-based column *j* (0 → A, 26 → AA)."""
    out = ""
    j += 1
    while j:
        j, rem = divmod(j - 1, 26)
        out = chr(65 + rem) + out
    return out


def is_blank(value: object) -> bool:
    """Whether a cell is "not given": empty, or a text of blanks only.

    Parameters
    ----------
    value
        The cell as read from a workbook or CSV file.

    Returns
    -------
    bool
        ``True`` for ``None`` and for a text that is empty after stripping; ``False`` for anything else, ``0``
        and ``False`` included.

    Examples
    --------
    >>> is_blank(None), is_blank("  "), is_blank(""), is_blank(0), is_blank("x")
    (True, True, True, False, False)
    """
    return value is None or (isinstance(value, str) and not value.strip())


def make_table(
    spec: TableSpec,
    rows: Iterable[tuple[int, Sequence[Any]]],
    *,
    file: str,
    sheet: str | None,
    decimal_mark: str,
    letters: bool,
) -> RawTable:
    """Split *rows* (row number, cells) into header and data; blank rows are dropped.

    A header cell may be a number (a year, say); it is taken as text. A table with no non-blank row is empty.
    """
    header: list[str] | None = None
    header_row = 0
    data: list[tuple[int, list[Any]]] = []
    for number, cells in rows:
        if all(is_blank(v) for v in cells):
            continue
        if header is None:
            header = [_header_text(v) for v in cells]
            header_row = number
        else:
            data.append((number, list(cells)))
    table = RawTable(spec, file, sheet, header_row, header or [], data, decimal_mark, letters)
    while (
        table.headers
        and not table.headers[-1]
        and not any(len(r) >= len(table.headers) and not is_blank(r[len(table.headers) - 1]) for _, r in data)
    ):
        table.headers.pop()
    width = len(table.headers)
    for number, cells in data:
        for j in range(width, len(cells)):
            if not is_blank(cells[j]):
                raise DataFormatError(
                    f"a cell in column {table.column_label(j)} holds data, but the column has no header",
                    location=table.where(row=number),
                    found=cells[j],
                    hint="add a header or delete the cell",
                )
    return table


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# --------------------------------------------------------------------------- column resolution
@dataclass(slots=True)
class ResolvedColumns:
    """Where each column of a table is, as found by :func:`resolve_columns`.

    Attributes
    ----------
    index
        Contract key of a column (``"id"``, ``"rate"`` …) → its 0-based position in the table.
    per_year
        Key of a per-year column (``"cost"``, ``"staff_days"``) → {project year *k* (1-based) → position}.
    scores
        Name given in the *criteria* of :func:`resolve_columns` (a criterion id) → position of its own column;
        empty if none were given.
    """

    index: dict[str, int] = field(default_factory=dict)
    per_year: dict[str, dict[int, int]] = field(default_factory=dict)
    scores: dict[str, int] = field(default_factory=dict)


def _required(spec: TableSpec) -> list[str]:
    return [c.de for c in spec.columns if c.required]


def _both(de: str, en: str) -> str:
    return de if de == en else f"{de}' or '{en}"


def _known_names(spec: TableSpec, criteria: Sequence[str]) -> list[str]:
    names = [n for col in spec.columns if col.key != "scores" for n in (col.de, col.en)]
    names += [
        pattern.format(k=k)
        for col in spec.columns
        for pattern in (col.year_de, col.year_en)
        if pattern
        for k in range(1, 11)
    ]
    names += [f"Bewertung {cid}" for cid in criteria]
    return names


def resolve_columns(table: RawTable, criteria: Sequence[str] | None = None) -> ResolvedColumns:
    """Map every header of *table* onto its spec; unknown, doubled and missing columns are errors.

    Headers are compared after :func:`normalise`, so any name a :class:`Column` reads (German, English, the
    contract key, an alias) finds it. A column without a header is skipped if it holds no data.

    Parameters
    ----------
    table
        The table as read; ``table.spec`` says which columns it may have.
    criteria
        The criterion ids for which a column of their own is accepted (``Bewertung <id>``, ``Score <id>`` or the
        id alone); they go to :attr:`ResolvedColumns.scores`. ``None``: no such columns.

    Returns
    -------
    ResolvedColumns
        The position of every column found.

    Raises
    ------
    DataFormatError
        A header no column has, two headers for one column, a required column missing, or data in a column
        without a header.
    ValidationError
        A score column for a criterion not in *criteria*.

    Examples
    --------
    >>> table = make_table(
    ...     PROGRAMMES, [(1, ["ID", "Quote", "Höchstbetrag (EUR)"])],
    ...     file="programme.csv", sheet=None, decimal_mark=",", letters=False,
    ... )
    >>> resolve_columns(table).index
    {'id': 0, 'rate': 1, 'max_grant': 2}
    """
    spec = table.spec
    cols = ResolvedColumns()
    seen: dict[tuple[str, Any], int] = {}
    by_case: dict[str, list[str]] = {}
    for criterion in criteria or ():
        by_case.setdefault(criterion.casefold(), []).append(criterion)

    def claim(what: tuple[str, Any], j: int) -> None:
        if what in seen:
            first = table.headers[seen[what]]
            raise DataFormatError(
                f"the columns '{first}' and '{table.headers[j]}' mean the same"
                if first != table.headers[j]
                else f"the column '{first}' appears twice",
                location=table.where(row=table.header_row, column=table.headers[j]),
                hint="delete or rename one of them",
            )
        seen[what] = j

    for j, raw in enumerate(table.headers):
        if not raw:
            filled = next((n for n, r in table.rows if j < len(r) and not is_blank(r[j])), None)
            if filled is not None:
                raise DataFormatError(
                    f"column {table.column_label(j)} holds data but has no header",
                    location=table.where(row=filled),
                    hint="add a header or delete the column",
                )
            continue
        norm = normalise(raw)
        col = spec.lookup.get(norm)
        if col is not None and col.key != "scores":
            claim((col.key, None), j)
            cols.index[col.key] = j
            continue
        m = _PER_YEAR.match(norm)
        if m:
            base = spec.lookup.get(m.group(1))
            if base is not None and base.year_de is not None:
                k = int(m.group(2))
                if k < 1:
                    raise DataFormatError(
                        "project years are counted from 1", location=table.where(row=table.header_row, column=raw)
                    )
                claim((base.key, k), j)
                cols.per_year.setdefault(base.key, {})[k] = j
                continue
        if criteria is not None:
            sm = _SCORE_PREFIX.match(raw)
            ref: str = sm.group(1) if sm else raw.strip()
            cid: str | None = ref if ref in by_case.get(ref.casefold(), ()) else None
            if cid is None and len(by_case.get(ref.casefold(), ())) == 1:
                cid = by_case[ref.casefold()][0]
            if cid is not None or sm:
                if cid is None:
                    close = difflib.get_close_matches(ref, list(criteria), n=1)
                    raise ValidationError(
                        f"the column '{raw}' scores the unknown criterion '{ref}'",
                        location=table.where(row=table.header_row, column=raw),
                        hint=f"did you mean '{close[0]}'?"
                        if close
                        else "add the criterion to the criteria sheet (Kriterien/Criteria)",
                    )
                claim(("scores", cid), j)
                cols.scores[cid] = j
                continue
        known = _known_names(spec, criteria or ())
        close = difflib.get_close_matches(raw, known, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known columns: {', '.join(known[:30])}"
        if criteria is not None and not close:
            hint += "; a criterion score column is headed 'Bewertung <id>' or 'Score <id>'"
        raise DataFormatError(
            f"unknown column '{raw}'", location=table.where(row=table.header_row, column=raw), hint=hint
        )
    for col in spec.columns:
        if col.required and col.key not in cols.index:
            raise DataFormatError(
                f"the column '{_both(col.de, col.en)}' is missing",
                location=table.where(row=table.header_row or None),
                hint=f"the table needs the columns {', '.join(_required(spec))}",
            )
    return cols


# --------------------------------------------------------------------------- typed column readers
def _fail(
    table: RawTable, row: int, column: str, item: str | None, expected: str, found: Any, hint: str | None = None
) -> NoReturn:
    if isinstance(found, str) and found.strip() in _EXCEL_ERRORS:
        hint = "the cell shows an Excel error; correct its formula"
    raise ValidationError(
        "", location=table.where(row=row, column=column, item=item), expected=expected, found=found, hint=hint
    )


_EXPECTED: dict[str, str] = {
    "number": "a number ≥ 0",
    "money": "a number ≥ 0",
    "rate": "a share such as 0.65 or 65 %",
    "integer": "a whole number",
    "year": "a year such as 2027",
    "bool": "ja/nein (or yes/no, x, 1/0)",
    "text": "a text",
    "id": "a text",
    "ids": "names separated by commas",
    "years": "years separated by commas, such as 2026, 2027",
}


class TableReader:
    """Reads the columns of one table into Python values, each error located at its cell.

    Cells are parsed by *kind* as the module describes under "Cells": numbers in German or English notation
    (following ``table.decimal``), shares with ``%``, yes/no words, comma-separated lists. Blank cells are
    ``None``. A cell that cannot be parsed raises :class:`~kommunal_planner.errors.ValidationError` naming
    file, sheet, row, column and the row's item.

    Parameters
    ----------
    table
        The table to read.
    items
        One label per data row (``"programme 'g1'"``), named in errors; ``None``: no labels.

    Examples
    --------
    >>> table = make_table(
    ...     PROGRAMMES, [(1, ["ID", "Förderquote", "Höchstbetrag"]), (2, ["g1", "65 %", "1.234,5"]), (3, ["g2", 0.5])],
    ...     file="programme.csv", sheet=None, decimal_mark=",", letters=False,
    ... )
    >>> cols = resolve_columns(table).index
    >>> reader = TableReader(table, ["programme 'g1'", "programme 'g2'"])
    >>> reader.read(cols["rate"], "rate"), reader.read(cols["max_grant"], "money")
    ([0.65, 0.5], [1234.5, None])
    """

    def __init__(self, table: RawTable, items: Sequence[str | None] | None = None) -> None:
        self.table = table
        self.items = items

    def item(self, i: int) -> str | None:
        """The label of data row *i* (0-based), or ``None``.

        Parameters
        ----------
        i
            The index of the row among the data rows of the table.

        Returns
        -------
        str or None
            The label given for the row, or ``None`` if there are no labels.
        """
        return self.items[i] if self.items is not None else None

    def cells(self, j: int | None) -> list[Any]:
        """The raw cells of column *j*, one per data row, unparsed.

        Parameters
        ----------
        j
            The 0-based position of the column; ``None`` for a column the table does not have.

        Returns
        -------
        list
            The cell of every data row; ``None`` where a row is shorter, and all ``None`` if *j* is ``None``.
        """
        if j is None:
            return [None] * len(self.table.rows)
        return [cells[j] if j < len(cells) else None for _, cells in self.table.rows]

    def read(self, j: int | None, kind: Kind) -> list[Any]:
        """The column *j* parsed as *kind*, one value per data row.

        Parameters
        ----------
        j
            The 0-based position of the column; ``None`` for a column the table does not have.
        kind
            How to read the cells: ``"text"``, ``"id"``, ``"number"``, ``"money"``, ``"rate"``, ``"integer"``,
            ``"year"``, ``"bool"``, ``"ids"`` or ``"years"``.

        Returns
        -------
        list
            The parsed value of every data row; ``None`` for a blank cell, and all ``None`` if *j* is ``None``.

        Raises
        ------
        ValidationError
            A cell that is not a *kind*, located at its row and column.
        """
        values = self.cells(j)
        if j is None:
            return values
        header = self.table.headers[j]
        parse = self.parse
        rows = self.table.rows
        return [None if v is None else parse(v, kind, rows[i][0], header, i) for i, v in enumerate(values)]

    def parse(self, value: Any, kind: Kind, row: int, header: str, i: int) -> Any:
        """One cell *value* parsed as *kind*; *row*, *header* and *i* place an error.

        Parameters
        ----------
        value
            The raw cell.
        kind
            How to read it, as in :meth:`read`.
        row
            The row (line) number of the cell in its sheet or file, named in an error.
        header
            The header of the cell's column, named in an error.
        i
            The index of the cell's row among the data rows, for its label (:meth:`item`).

        Returns
        -------
        Any
            ``None`` for a blank text; a ``str``, ``float``, ``int``, ``bool``, or a list (``"ids"``,
            ``"years"``) otherwise.

        Raises
        ------
        ValidationError
            *value* is not a *kind*.
        """
        t = type(value)
        if t is str:
            text = value.strip()
            if not text:
                return None
            if kind in ("text", "id"):
                return text
            return self._from_text(text, kind, row, header, i, value)
        if t is bool:
            if kind == "bool":
                return value
            self._bad(kind, row, header, i, value)
        if t is int or t is float:
            return self._from_number(value, kind, row, header, i)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self._from_number(float(value), kind, row, header, i)
        self._bad(kind, row, header, i, value)

    def _bad(self, kind: Kind, row: int, header: str, i: int, found: Any) -> NoReturn:
        _fail(self.table, row, header, self.item(i), _EXPECTED[kind], found)

    def _from_number(self, value: float, kind: Kind, row: int, header: str, i: int) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            self._bad(kind, row, header, i, value)
        if kind in ("number", "money", "rate"):
            try:
                return float(value)
            except OverflowError:
                self._bad(kind, row, header, i, value)
        if kind in ("integer", "year", "years"):
            whole = self._whole(value, kind, row, header, i)
            return [whole] if kind == "years" else whole
        if kind == "bool":
            if value in (0, 1):
                return bool(value)
            self._bad(kind, row, header, i, value)
        text = str(_out_number(value))
        return [text] if kind == "ids" else text

    def _whole(self, value: float, kind: Kind, row: int, header: str, i: int) -> int:
        if (isinstance(value, int) or float(value).is_integer()) and abs(value) < _INT_LIMIT:
            return int(value)
        self._bad(kind, row, header, i, value)

    def _from_text(self, text: str, kind: Kind, row: int, header: str, i: int, raw: str) -> Any:
        if kind == "bool":
            key = text.casefold()
            if key in _TRUE:
                return True
            if key in _FALSE:
                return False
            self._bad(kind, row, header, i, raw)
        if kind == "ids":
            return [part for part in (p.strip() for p in _LIST_SPLIT.split(text)) if part]
        if kind == "years":
            out = []
            for part in (p.strip() for p in _LIST_SPLIT.split(text)):
                if not part:
                    continue
                num = parse_number(part, ".")
                if num is None or not num.is_integer() or abs(num) >= _INT_LIMIT:
                    self._bad(kind, row, header, i, raw)
                out.append(int(num))
            return out
        if text.isascii() and text.isdigit() and len(text) < 16:
            number: float | None = float(int(text))
        else:
            number = parse_number(text, self.table.decimal, percent=kind == "rate", money=kind == "money")
        if number is None:
            self._bad(kind, row, header, i, raw)
        if kind in ("integer", "year"):
            return self._whole(number, kind, row, header, i)
        return number


# --------------------------------------------------------------------------- tables → portfolio
@dataclass(slots=True)
class _Origin:
    """Where the values of one project/programme/criterion came from, to locate the model's errors."""

    table: RawTable
    cols: ResolvedColumns
    rows: list[int]
    ids: dict[str, int] = field(default_factory=dict)
    cost_total: list[bool] = field(default_factory=list)
    staff_total: list[bool] = field(default_factory=list)


@dataclass(slots=True)
class _Context:
    source: str
    settings: RawTable | None = None
    settings_column: str | None = None
    settings_rows: dict[str, int] = field(default_factory=dict)
    budget: _Origin | None = None
    budget_years: dict[int, int] = field(default_factory=dict)
    origins: dict[str, _Origin] = field(default_factory=dict)


def build_portfolio(tables: Mapping[str, RawTable], *, source: str) -> Portfolio:
    """Build a :class:`Portfolio` from raw tables keyed by table key (``"projects"`` …).

    Parameters
    ----------
    tables
        The tables found; ``settings``, ``budget`` and ``projects`` must be there.
    source
        The workbook or folder, named in errors that no single table owns.

    Raises
    ------
    DataFormatError
        A required table is missing or empty, a column is unknown, doubled or missing.
    ValidationError
        A cell cannot be parsed, or the portfolio breaks a rule; located at file, sheet, row and column.
    """
    for spec in TABLES:
        if spec.required and spec.key not in tables:
            raise DataFormatError(
                f"the sheet '{_both(spec.de, spec.en)}' is missing",
                location=Location(file=source),
                hint=f"a portfolio needs the sheets {', '.join(t.de for t in TABLES if t.required)}; "
                "write a template with 'kommunal-planner template'",
            )
        table = tables.get(spec.key)
        if spec.required and table is not None and table.empty:
            raise DataFormatError(
                "the table is empty (no header row)",
                location=table.where(),
                hint=f"it needs a header row with at least {', '.join(_required(spec))}"
                if not spec.key_value
                else "it needs rows Name, Planungsbeginn, Planungsjahre",
            )
    ctx = _Context(source)
    data: dict[str, Any] = {}
    horizon = _read_settings(tables["settings"], data, ctx)
    data["budget"], staff = _read_budget(tables["budget"], horizon, ctx)
    if staff:
        data["staff_capacity"] = staff
    criteria_table = tables.get("criteria")
    data["criteria"] = _read_criteria(criteria_table, ctx) if criteria_table and not criteria_table.empty else []
    programmes_table = tables.get("programmes")
    if programmes_table is not None and not programmes_table.empty:
        data["programmes"] = _read_programmes(programmes_table, ctx)
    data["projects"] = _read_projects(tables["projects"], [c["id"] for c in data["criteria"]], ctx)
    for section in registered_sections():
        # a sheet without data rows (e.g. an unused sheet of the template) holds nothing of its section
        present = _section_tables(section, tables)
        if present and section.read_tables is not None:
            data[section.key] = section.read_tables(present)
    try:
        return portfolio_from_dict(data)
    except ValidationError as exc:
        raise _in_section(exc, tables) or _relocate(exc, ctx) from None


def _in_section(exc: ValidationError, tables: Mapping[str, RawTable]) -> ValidationError | None:
    """An error of a section's check, placed by the section at its sheet, row and column (``None``: not one)."""
    head = re.split(r"[.\[]", exc.path or "", maxsplit=1)[0]
    for section in registered_sections():
        if section.key == head and section.locate is not None:
            present = _section_tables(section, tables)
            return section.locate(exc, present) if present else None
    return None


def _section_tables(section: Section, tables: Mapping[str, RawTable]) -> dict[str, RawTable]:
    """The tables of *section* that were found and hold at least one data row."""
    return {t.key: tables[t.key] for t in section.tables if t.key in tables and tables[t.key].rows}


def _settings_columns(table: RawTable) -> tuple[int, int, bool]:
    """Key and value column of the settings sheet, and whether its first row is data (no header row)."""
    names = [normalise(h) for h in table.headers]
    key_names = {normalise(n) for n in SETTINGS_KEY.names}
    value_names = {normalise(n) for n in SETTINGS_VALUE.names}
    if names and names[0] in SETTINGS.lookup:
        return 0, 1, True
    key = next((j for j, n in enumerate(names) if n in key_names), None)
    value = next((j for j, n in enumerate(names) if n in value_names), None)
    if key is None or value is None:
        raise DataFormatError(
            "expected the columns 'Einstellung' and 'Wert' ('Setting' and 'Value')",
            location=table.where(row=table.header_row),
            found=", ".join(h for h in table.headers if h),
        )
    for j, header in enumerate(table.headers):
        if j not in (key, value) and header:
            raise DataFormatError(
                f"unknown column '{header}'",
                location=table.where(row=table.header_row, column=header),
                hint="the settings sheet has the columns Einstellung and Wert",
            )
    return key, value, False


def _read_settings(table: RawTable, data: dict[str, Any], ctx: _Context) -> tuple[int, int] | None:
    ctx.settings = table
    kj, vj, headerless = _settings_columns(table)
    rows = list(table.rows)
    if headerless:
        rows.insert(0, (table.header_row, list(table.headers)))
    value_header = table.column_label(vj) if headerless else table.headers[vj]
    ctx.settings_column = value_header
    entries: list[tuple[int, Column, str, Any]] = []
    for number, cells in rows:
        raw_key = cells[kj] if kj < len(cells) else None
        raw_value = cells[vj] if vj < len(cells) else None
        if is_blank(raw_key):
            if not is_blank(raw_value):
                raise ValidationError(
                    "a value without a setting name", location=table.where(row=number), found=raw_value
                )
            continue
        name = _header_text(raw_key)
        col = SETTINGS.lookup.get(normalise(name))
        if col is None:
            close = difflib.get_close_matches(
                name, [c.de for c in SETTINGS.columns] + [c.en for c in SETTINGS.columns], n=1
            )
            raise ValidationError(
                f"unknown setting '{name}'",
                location=table.where(row=number),
                hint=f"did you mean '{close[0]}'?"
                if close
                else f"known settings: {', '.join(c.de for c in SETTINGS.columns)}",
            )
        if col.key in ctx.settings_rows:
            raise ValidationError(
                f"the setting '{name}' is given twice (first in row {ctx.settings_rows[col.key]})",
                location=table.where(row=number),
            )
        ctx.settings_rows[col.key] = number
        entries.append((number, col, name, raw_value))
    reader = TableReader(table, [f"setting '{name}'" for _, _, name, _ in entries])
    found: dict[str, Any] = {
        col.key: None if raw is None else reader.parse(raw, col.kind, number, value_header, i)
        for i, (number, col, _, raw) in enumerate(entries)
    }
    for col in SETTINGS.columns:
        if col.required and found.get(col.key) is None:
            row = ctx.settings_rows.get(col.key)
            raise ValidationError(
                f"the setting '{_both(col.de, col.en)}' is not given",
                location=table.where(row=row, column=value_header if row else None),
                hint="add a row with its name and value",
            )
    data["name"] = found["name"]
    data["horizon"] = {"start": found["start"], "years": found["years"]}
    for key in ("description", "financially_weak", "discount_rate"):
        if found.get(key) is not None:
            data[key] = found[key]
    if found.get("max_fields") is not None:
        data["focus"] = {"max_fields": found["max_fields"]}
    start, years = found["start"], found["years"]
    return (start, years) if start >= 1900 and 1 <= years <= 100 else None


def _read_budget(
    table: RawTable, horizon: tuple[int, int] | None, ctx: _Context
) -> tuple[dict[int, float], dict[int, float]]:
    cols = resolve_columns(table)
    reader = TableReader(table)
    years = reader.read(cols.index["year"], "year")
    amounts = reader.read(cols.index["budget"], "money")
    staff = reader.read(cols.index.get("staff_capacity"), "number")
    ctx.budget = _Origin(table, cols, [n for n, _ in table.rows])
    budget: dict[int, float] = {}
    capacity: dict[int, float] = {}
    year_header = table.headers[cols.index["year"]]
    for i, (number, _) in enumerate(table.rows):
        year = years[i]
        if year is None:
            raise ValidationError(
                "",
                location=table.where(row=number, column=year_header),
                expected="a year such as 2027",
                found="an empty cell",
            )
        if year in ctx.budget_years:
            raise ValidationError(
                f"the year {year} is given twice (first in row {ctx.budget_years[year]})",
                location=table.where(row=number, column=year_header),
            )
        if horizon is not None and not horizon[0] <= year < horizon[0] + horizon[1]:
            last = horizon[0] + horizon[1] - 1
            raise ValidationError(
                "",
                location=table.where(row=number, column=year_header),
                expected=f"a year of the horizon {horizon[0]}–{last}",
                found=year,
                hint="the horizon is set by Planungsbeginn and Planungsjahre on the settings sheet",
            )
        ctx.budget_years[year] = number
        if amounts[i] is None:
            raise ValidationError(
                f"no budget for {year}",
                location=table.where(row=number, column=table.headers[cols.index["budget"]]),
                hint="give the own funds for every year",
            )
        budget[year] = amounts[i]
        if staff[i] is not None:
            capacity[year] = staff[i]
    return budget, capacity


def _ids(table: RawTable, cols: ResolvedColumns, kind: str) -> list[str]:
    """The id column (needed first: it names the item in every later error); blanks and doubles are errors."""
    reader = TableReader(table)
    ids = reader.read(cols.index["id"], "id")
    header = table.headers[cols.index["id"]]
    first: dict[str, int] = {}
    for (number, _), pid in zip(table.rows, ids, strict=True):
        if pid is None:
            raise ValidationError(
                f"a {kind} without an id",
                location=table.where(row=number, column=header),
                hint="give every row an id, or delete the row",
            )
        if pid in first:
            raise ValidationError(
                f"the id '{pid}' is used twice (first in row {first[pid]})",
                location=table.where(row=number, column=header),
            )
        first[pid] = number
    return ids


def _origin(table: RawTable, cols: ResolvedColumns, ids: list[str]) -> _Origin:
    return _Origin(table, cols, [n for n, _ in table.rows], {pid: i for i, pid in enumerate(ids)})


def _read_criteria(table: RawTable, ctx: _Context) -> list[dict[str, Any]]:
    cols = resolve_columns(table)
    ids = _ids(table, cols, "criterion")
    reader = TableReader(table, [f"criterion '{c}'" for c in ids])
    ctx.origins["criteria"] = _origin(table, cols, ids)
    names = reader.read(cols.index.get("name"), "text")
    weights = reader.read(cols.index.get("weight"), "number")
    out = []
    for cid, name, weight in zip(ids, names, weights, strict=True):
        row: dict[str, Any] = {"id": cid, "name": name}
        if weight is not None:
            row["weight"] = weight
        out.append(row)
    return out


_PROGRAMME_FIELDS = ("name", "rate", "rate_weak", "max_grant", "min_grant", "pot", "windows", "approval_probability")


def _read_programmes(table: RawTable, ctx: _Context) -> list[dict[str, Any]]:
    cols = resolve_columns(table)
    ids = _ids(table, cols, "programme")
    reader = TableReader(table, [f"programme '{p}'" for p in ids])
    ctx.origins["programmes"] = _origin(table, cols, ids)
    values = {key: reader.read(cols.index.get(key), PROGRAMMES.column(key).kind) for key in _PROGRAMME_FIELDS}
    eligible = {key: reader.read(cols.index.get(f"eligible_{key}"), "ids") for key in ("fields", "projects", "tags")}
    out = []
    for i, pid in enumerate(ids):
        row: dict[str, Any] = {"id": pid}
        for key, column in values.items():
            if column[i] is not None:
                row[key] = column[i]
        row["eligible"] = {key: column[i] for key, column in eligible.items() if column[i]}
        out.append(row)
    return out


_PROJECT_SIMPLE = (
    "name",
    "field",
    "operating_cost",
    "benefit",
    "earliest_start",
    "latest_start",
    "deadline",
    "requires",
    "mandatory",
    "exclusive_group",
    "tags",
    "description",
)


def _read_projects(table: RawTable, criteria: list[str], ctx: _Context) -> list[dict[str, Any]]:
    cols = resolve_columns(table, criteria)
    ids = _ids(table, cols, "project")
    items = [f"project '{p}'" for p in ids]
    reader = TableReader(table, items)
    origin = _origin(table, cols, ids)
    ctx.origins["projects"] = origin
    values = {key: reader.read(cols.index.get(key), PROJECTS.column(key).kind) for key in _PROJECT_SIMPLE}
    durations = reader.read(cols.index.get("duration"), "integer")
    scores = {cid: reader.read(j, "number") for cid, j in cols.scores.items()}
    profiles = {}
    for key in ("cost", "staff_days"):
        kind = PROJECTS.column(key).kind
        per_year = {k: reader.read(j, kind) for k, j in sorted(cols.per_year.get(key, {}).items())}
        profiles[key] = (reader.read(cols.index.get(key), kind), per_year)
    out = []
    for i, pid in enumerate(ids):
        row: dict[str, Any] = {"id": pid}
        duration = durations[i]
        if duration is not None:
            row["duration"] = duration
        for key, column in values.items():
            if column[i] is not None:
                row[key] = column[i]
        for key, (totals, per_year) in profiles.items():
            value, from_total = _profile(
                table, origin, i, key, duration, totals[i], {k: col[i] for k, col in per_year.items()}, items[i]
            )
            row[key] = value
            (origin.cost_total if key == "cost" else origin.staff_total).append(from_total)
        given = {cid: column[i] for cid, column in scores.items() if column[i] is not None}
        if given:
            row["scores"] = given
        out.append(row)
    return out


def _profile(
    table: RawTable,
    origin: _Origin,
    i: int,
    key: str,
    duration: int | None,
    total: float | None,
    per_year: dict[int, float | None],
    item: str,
) -> tuple[Any, bool]:
    """The cost (or staff) of one project: per-year list, total, or 0; and whether it came from the total.

    Per-year cells past the duration must be empty (or 0); within it, an empty cell is 0 once a year is given.
    """
    given = {k: v for k, v in per_year.items() if v is not None}
    if not given:
        return (0.0 if total is None else total), True
    d = 1 if duration is None else duration
    number = origin.rows[i]
    if not 1 <= d <= 100:
        return [per_year[k] or 0.0 for k in sorted(per_year)], False
    year_cols = origin.cols.per_year[key]
    for k, v in given.items():
        if k > d and v != 0:
            unit = "year" if d == 1 else "years"
            raise ValidationError(
                f"the project runs {d} {unit}, but there is a value for year {k}",
                location=table.where(row=number, column=table.headers[year_cols[k]], item=item),
                found=v,
                hint="set the duration (Dauer), or move the value into a year of the project",
            )
    values = [float(per_year.get(k) or 0.0) for k in range(1, d + 1)]
    if total is not None and not math.isclose(sum(values), total, rel_tol=1e-9, abs_tol=1e-6):
        raise ValidationError(
            f"the yearly values add up to {sum(values):g}, not to the total {total:g}",
            location=table.where(row=number, column=table.headers[origin.cols.index[key]], item=item),
            hint="give either the total or the yearly values, or make them agree",
        )
    return values, False


# --------------------------------------------------------------------------- relocating model errors
_ITEM = re.compile(r"^(project|programme|criterion) '(.*)'$", re.DOTALL)
_INDEXED = re.compile(r"^(projects|programmes|criteria)\[(\d+)\]\.?(.*)$", re.DOTALL)
_PLURAL = {"project": "projects", "programme": "programmes", "criterion": "criteria"}
_SETTING_PATHS = {
    "name": "name",
    "description": "description",
    "horizon": "start",
    "horizon.start": "start",
    "horizon.years": "years",
    "financially_weak": "financially_weak",
    "discount_rate": "discount_rate",
    "focus": "max_fields",
    "focus.max_fields": "max_fields",
}


def _relocate(exc: ValidationError, ctx: _Context) -> ValidationError:
    """Add file, sheet, row and column to an error the model raised about the portfolio of the tables."""
    path = exc.path or ""
    item = exc.item
    location = Location(file=ctx.source)
    kind, index, rest = None, None, path
    m = _INDEXED.match(path)
    if m:
        kind, index, rest = m.group(1), int(m.group(2)), m.group(3)
    elif item and (mi := _ITEM.match(item)) and path not in ("criteria", "projects", "programmes"):
        kind = _PLURAL[mi.group(1)]
        origin = ctx.origins.get(kind)
        index = origin.ids.get(mi.group(2)) if origin else None
    if kind is not None and kind in ctx.origins:
        origin = ctx.origins[kind]
        row = origin.rows[index] if index is not None and index < len(origin.rows) else None
        column = _column_for(origin, rest, index)
        location = origin.table.where(row=row, column=column)
    elif path.split(".")[0] in ("budget", "staff_capacity") and ctx.budget is not None:
        head, _, year = path.partition(".")
        budget = ctx.budget
        row = ctx.budget_years.get(int(year)) if year.isdigit() else None
        j = budget.cols.index.get("budget" if head == "budget" else "staff_capacity")
        location = budget.table.where(row=row, column=budget.table.headers[j] if j is not None else None)
    elif path in _SETTING_PATHS and ctx.settings is not None:
        row = ctx.settings_rows.get(_SETTING_PATHS[path])
        location = ctx.settings.where(row=row, column=ctx.settings_column if row else None)
    elif path in ("criteria", "projects", "programmes") and path in ctx.origins:
        origin = ctx.origins[path]
        # The one table-wide rule on criteria is about the weights.
        column = _column_for(origin, "weight", None) if path == "criteria" else None
        location = origin.table.where(column=column)
    return cast(ValidationError, exc.placed(location))


def _column_for(origin: _Origin, rest: str, index: int | None) -> str | None:
    """The header of the column that a model path (``cost[1]``, ``scores.citizen``) came from."""
    headers = origin.table.headers
    cols = origin.cols
    name, _, sub = rest.partition(".")
    base, bracket, tail = name.partition("[")
    if base == "scores" and sub:
        j = cols.scores.get(sub)
        return headers[j] if j is not None else None
    if base == "eligible" and sub:
        j = cols.index.get("eligible_" + sub.partition("[")[0])
        return headers[j] if j is not None else None
    if base in ("cost", "staff_days") and index is not None:
        totals = origin.cost_total if base == "cost" else origin.staff_total
        from_total = totals[index] if index < len(totals) else True
        if not from_total:
            k = int(tail.rstrip("]")) + 1 if bracket and tail.rstrip("]").isdigit() else 1
            j = cols.per_year.get(base, {}).get(k)
            if j is not None:
                return headers[j]
    j = cols.index.get(base)
    return headers[j] if j is not None else None


# --------------------------------------------------------------------------- portfolio → tables
@dataclass(slots=True)
class TableOut:
    """A table to write: its name, headers, the kind of each cell (for number formats) and the cell values.

    Values are ``str``, ``int``, ``float`` or ``None``; yes/no and lists are text in the chosen language.
    """

    spec: TableSpec
    name: str
    headers: list[str]
    kinds: list[Kind]
    rows: list[list[Any]]
    row_kinds: list[Kind] | None = None

    def kind(self, i: int, j: int) -> Kind:
        """The kind of cell (row *i*, column *j*); the settings table has one kind per row."""
        if self.row_kinds is not None and j == 1:
            return self.row_kinds[i]
        return self.kinds[j]


def _yes_no(value: bool, lang: Lang) -> str:
    return ("ja" if value else "nein") if lang == "de" else ("yes" if value else "no")


def _num(value: float | None) -> int | float | None:
    return None if value is None else _out_number(value)


def _join(values: Iterable[Any]) -> str | None:
    text = ", ".join(str(v) for v in values)
    return text or None


def portfolio_tables(portfolio: Portfolio | None, lang: Lang = "de", *, project_years: int = 4) -> list[TableOut]:
    """The five tables of *portfolio* in language *lang*; with ``None``, empty tables (headers only).

    Parameters
    ----------
    portfolio
        The portfolio, or ``None`` for a blank template.
    lang
        ``"de"`` or ``"en"``: the names of sheets, columns, settings and yes/no.
    project_years
        For a blank template: how many per-year cost and staff columns to offer. With a portfolio, the longest
        project duration decides.
    """
    if lang not in ("de", "en"):
        raise ValueError(f"lang must be 'de' or 'en', not {lang!r}")
    if portfolio is not None and (
        portfolio.pools or any(p.pools or p.duration_quarters is not None for p in portfolio.projects)
    ):
        # The tables have no place for them yet; dropping them silently would break read(write(x)) == x.
        raise DataFormatError(
            "workbooks and CSV folders do not hold resource pools or durations in quarters yet",
            hint="write the portfolio as YAML or JSON",
        )
    pf = portfolio
    # settings: key-value rows
    values: dict[str, Any] = {c.key: None for c in SETTINGS.columns}
    if pf is not None:
        values.update(
            name=pf.name,
            description=pf.description or None,
            start=pf.horizon.start,
            years=pf.horizon.years,
            financially_weak=_yes_no(pf.financially_weak, lang),
            discount_rate=_num(pf.discount_rate),
            max_fields=pf.focus.max_fields,
        )
    settings = TableOut(
        SETTINGS,
        SETTINGS.name(lang),
        [SETTINGS_KEY.name(lang), SETTINGS_VALUE.name(lang)],
        ["text", "text"],
        [[c.name(lang), values[c.key]] for c in SETTINGS.columns],
        [c.kind for c in SETTINGS.columns],
    )
    # budget
    budget_rows: list[list[Any]] = []
    if pf is not None:
        budget_rows = [
            [year, _num(pf.budget[year]), _num(pf.staff_capacity.get(year))] for year in pf.horizon.calendar_years
        ]
    budget = _simple(BUDGET, lang, budget_rows)
    skip = derived_values(pf) if pf is not None else frozenset()  # values a section derives again on reading
    criteria = _simple(
        CRITERIA,
        lang,
        []
        if pf is None
        else [[c.id, c.name, None if ("criteria", c.id, "weight") in skip else _num(c.weight)] for c in pf.criteria],
    )
    programme_rows: list[list[Any]] = []
    for g in pf.programmes if pf is not None else ():
        programme_rows.append(
            [
                g.id,
                g.name,
                _num(g.rate),
                _num(g.rate_weak),
                _num(g.max_grant),
                _num(g.min_grant),
                _num(g.pot),
                _join(g.windows or ()),
                _num(g.approval_probability),
                _join(g.eligible.fields),
                _join(g.eligible.projects),
                _join(g.eligible.tags),
            ]
        )
    programmes = _simple(PROGRAMMES, lang, programme_rows)
    out = [settings, budget, criteria, programmes, _projects_table(pf, lang, project_years, skip)]
    for section in registered_sections():
        if pf is None or section.key not in pf.sections:
            continue
        if section.write_tables is None:
            raise DataFormatError(
                f"workbooks and CSV folders do not hold the section '{section.key}'",
                hint="write the portfolio as YAML or JSON",
            )
        out.extend(section.write_tables(thaw(pf.sections[section.key]), lang))
    return out


def _simple(spec: TableSpec, lang: Lang, rows: list[list[Any]]) -> TableOut:
    return TableOut(spec, spec.name(lang), [c.name(lang) for c in spec.columns], [c.kind for c in spec.columns], rows)


def _projects_table(
    pf: Portfolio | None, lang: Lang, project_years: int, skip: frozenset[tuple[str, ...]] = frozenset()
) -> TableOut:
    n_years = max((p.duration for p in pf.projects), default=1) if pf is not None else project_years
    criteria = [c.id for c in pf.criteria] if pf is not None else []
    headers: list[str] = []
    kinds: list[Kind] = []
    for col in PROJECTS.columns:
        if col.key == "scores":
            prefix = col.name(lang)
            headers += [f"{prefix} {cid}" for cid in criteria]
            kinds += [col.kind] * len(criteria)
        elif col.year_de is not None:
            headers += [col.year_name(lang, k) for k in range(1, n_years + 1)]
            kinds += [col.kind] * n_years
        else:
            headers.append(col.name(lang))
            kinds.append(col.kind)
    rows: list[list[Any]] = []
    for p in pf.projects if pf is not None else ():
        pad = [None] * (n_years - p.duration)
        rows.append(
            [
                p.id,
                p.name,
                p.field,
                p.duration,
                *[_num(v) for v in p.cost],
                *pad,
                _num(p.operating_cost),
                *[_num(v) for v in p.staff_days],
                *pad,
                *[None if ("projects", p.id, "scores", cid) in skip else _num(p.scores.get(cid)) for cid in criteria],
                _num(p.benefit),
                None if ("projects", p.id, "earliest_start") in skip else p.earliest_start,
                p.latest_start,
                p.deadline,
                _join(p.requires),
                _yes_no(p.mandatory, lang),
                p.exclusive_group,
                _join(p.tags),
                p.description or None,
            ]
        )
    return TableOut(PROJECTS, PROJECTS.name(lang), headers, kinds, rows)


def explanation_rows(lang: Lang) -> list[list[str]]:
    """The rows of the explanations sheet: table, column, meaning, unit, required or optional, example."""
    de = lang == "de"
    header = (
        ["Tabelle", "Spalte", "Bedeutung", "Einheit", "Angabe", "Beispiel"]
        if de
        else ["Sheet", "Column", "Meaning", "Unit", "Required", "Example"]
    )
    rows = [header]
    pick = 0 if de else 1
    for spec in TABLES:
        rows.append(
            [
                spec.name(lang),
                "",
                spec.meaning[pick],
                "",
                "Pflicht" if spec.required and de else "required" if spec.required else "optional",
                "",
            ]
        )
        if spec.key_value:
            rows.append(
                [
                    spec.name(lang),
                    f"{SETTINGS_KEY.name(lang)} | {SETTINGS_VALUE.name(lang)}",
                    "Name der Einstellung | ihr Wert" if de else "Name of the setting | its value",
                    "",
                    "",
                    "",
                ]
            )
        for col in spec.columns:
            if col.key == "scores":
                name = f"{col.name(lang)} <ID>"
            elif col.year_de is not None:
                name = f"{col.year_name(lang, 1)}, {col.year_name(lang, 2)}, … " + (
                    f"(oder {col.name(lang)})" if de else f"(or {col.name(lang)})"
                )
            else:
                name = col.name(lang)
            required = ("Pflicht" if de else "required") if col.required else "optional"
            rows.append([spec.name(lang), name, col.meaning[pick], col.unit[pick], required, col.example])
    notes = (
        [
            ("Zahlen", "1234,56 oder 1.234,56 oder Zahlenzellen; Anteile als 0,65 oder 65 %"),
            ("Ja/Nein", "ja/nein, x, wahr/falsch, 1/0"),
            ("Listen", "durch Komma getrennt, z. B. 2026, 2027"),
            ("Leere Zellen", "nicht angegeben; leere Zeilen werden übersprungen"),
            ("Weitere Blätter", "werden nicht gelesen"),
        ]
        if de
        else [
            ("Numbers", "1234.56 or 1,234.56 or number cells; shares as 0.65 or 65 %"),
            ("Yes/no", "yes/no, x, true/false, 1/0"),
            ("Lists", "comma-separated, e.g. 2026, 2027"),
            ("Empty cells", "not given; blank rows are skipped"),
            ("Other sheets", "are not read"),
        ]
    )
    rows.append([""] * 6)
    rows += [[title, "", text, "", "", ""] for title, text in notes]
    return rows
