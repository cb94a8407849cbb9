"""Every text of the reports, in German and English, in one catalogue.

One entry per key, each with both languages; placeholders in braces are filled with figures already formatted for
the language (see :mod:`kommunal_planner.report._locale`). A key missing in one language, or a placeholder present
in one language only, is an error caught by the tests (:func:`catalogue_problems`).
"""

from __future__ import annotations

import logging
import string
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from kommunal_planner.report._locale import LANGS, Lang

__all__ = ["CATALOGUE", "catalogue_problems", "has_text", "text"]

logger = logging.getLogger(__name__)

_TEXTS: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ units and list items
    "unit.points": {"de": "{value} Punkte", "en": "{value} points"},
    "item.named_points": {"de": "{name} ({points} Punkte)", "en": "{name} ({points} points)"},
    "item.criterion": {
        "de": "{criterion} (Bewertung {score} von 5 bei Gewicht {weight}: {points} Punkte)",
        "en": "{criterion} (score {score} of 5 at weight {weight}: {points} points)",
    },
    "item.year_amount": {"de": "{year}: {amount}", "en": "{year}: {amount}"},
    "item.year_days": {"de": "{year}: {days} Personentage", "en": "{year}: {days} staff days"},
    "item.finished": {"de": "{name} (fertig {year})", "en": "{name} (finished {year})"},
    "item.starts": {"de": "{name} (Beginn {year})", "en": "{name} (starting {year})"},
    "item.budget_year": {
        "de": "{year} fehlen {short} (Bedarf {need}, frei {slack})",
        "en": "in {year} it lacks {short} (needs {need}, {slack} free)",
    },
    "item.staff_year": {
        "de": "{year} {need} Personentage bei {left} freien",
        "en": "in {year} {need} staff days with {left} free",
    },
    "label.budget_year": {"de": "Haushalt {year}", "en": "budget {year}"},
    "label.staff_year": {"de": "Personal {year}", "en": "staff {year}"},
    "label.requires": {"de": "Voraussetzung {name}", "en": "prerequisite {name}"},
    "label.fits": {"de": "ohne Engpass", "en": "no bottleneck"},
    "objective.benefit": {"de": "der Nutzen", "en": "the benefit"},
    "objective.time_weighted": {"de": "der zeitgewichtete Nutzen", "en": "the time-weighted benefit"},
    "objective.grants": {"de": "die Fördersumme", "en": "the grant total"},
    "objective.own_funds": {"de": "der Eigenmitteleinsatz", "en": "the own funds"},
    # ------------------------------------------------------------------ reasons: both
    "reason.benefit.criteria": {
        "de": "Nutzen {benefit} Punkte, getragen vor allem von {criteria}.",
        "en": "Benefit {benefit} points, carried mainly by {criteria}.",
    },
    "reason.benefit.given": {
        "de": "Nutzen {benefit} Punkte, direkt vorgegeben (etwa aus einer Kosten-Nutzen-Untersuchung).",
        "en": "Benefit {benefit} points, given directly (e.g. from a cost-benefit study).",
    },
    "reason.benefit.zero": {
        "de": "Nutzen {benefit} Punkte: kein Kriterium trägt zum Nutzen bei.",
        "en": "Benefit {benefit} points: no criterion contributes.",
    },
    "reason.own_cost": {
        "de": "Eigenanteil an der Investition von {investment}: {total} ({years}).",
        "en": "Own share of the investment of {investment}: {total} ({years}).",
    },
    "reason.own_cost.if": {
        "de": "Bei Beginn {start}: Investition {investment}, Eigenanteil {total} ({years}).",
        "en": "Starting in {start}: investment {investment}, own share {total} ({years}).",
    },
    "reason.operating": {
        "de": "Danach Folgekosten von {operating} pro Jahr ab {from}, bis {end} zusammen {total}.",
        "en": "Then operating costs of {operating} a year from {from}, {total} in all up to {end}.",
    },
    "reason.operating.after": {
        "de": "Folgekosten von {operating} pro Jahr fallen erst ab {from} an, nach dem Planungszeitraum.",
        "en": "Operating costs of {operating} a year start only in {from}, after the planning horizon.",
    },
    "reason.funding_missed.window": {
        "de": "{programme} würde {grant} zahlen, fördert aber nur Maßnahmen mit Beginn {windows}, nicht {start}.",
        "en": "{programme} would pay {grant} but funds only projects starting in {windows}, not {start}.",
    },
    "reason.funding_missed.pot": {
        "de": "{programme} würde {grant} zahlen, doch vom Fördertopf ({pot}) sind nur noch {pot_left} frei.",
        "en": "{programme} would pay {grant}, but only {pot_left} of its pot ({pot}) is left.",
    },
    "reason.funding_missed.min_grant": {
        "de": "{programme} käme auf {grant}, zahlt aber erst ab einer Bagatellgrenze von {min_grant}.",
        "en": "{programme} would come to {grant} but pays nothing below its minimum grant of {min_grant}.",
    },
    # ------------------------------------------------------------------ reasons: selected
    "reason.mandatory": {
        "de": "Pflichtaufgabe (etwa eine gesetzliche Pflicht), die umgesetzt werden muss; vorgesehen für {period}.",
        "en": "A must-do (such as a legal duty) that has to be done; planned for {period}.",
    },
    "reason.rank": {
        "de": "Im Plan mit Priorität {rank} von {of} (nach Nutzen), Laufzeit {period}.",
        "en": "In the plan with priority {rank} of {of} (by benefit), running {period}.",
    },
    "reason.funding": {
        "de": "Gefördert aus {programme} mit {rate} der Investition von {investment}: {grant} Zuschuss.",
        "en": "Funded by {programme} at {rate} of the investment of {investment}: a grant of {grant}.",
    },
    "reason.funding.capped": {
        "de": "Gefördert aus {programme} mit {rate} der Investition von {investment}, begrenzt auf den "
        "Höchstbetrag: {grant} Zuschuss.",
        "en": "Funded by {programme} at {rate} of the investment of {investment}, capped at the maximum: "
        "a grant of {grant}.",
    },
    "reason.funding.if": {
        "de": "Bei Beginn {start} würde {programme} {rate} zahlen, also {grant}.",
        "en": "Starting in {start}, {programme} would pay {rate}, i.e. {grant}.",
    },
    "reason.funding.if.capped": {
        "de": "Bei Beginn {start} würde {programme} {grant} zahlen ({rate}, begrenzt auf den Höchstbetrag).",
        "en": "Starting in {start}, {programme} would pay {grant} ({rate}, capped at the maximum).",
    },
    "reason.no_funding.none": {
        "de": "Kein Förderprogramm ist für diese Maßnahme förderfähig ({grant} Zuschuss); die Investition von "
        "{investment} trägt die Kommune selbst.",
        "en": "No funding programme is eligible for this project ({grant} grant); the municipality bears the "
        "investment of {investment} itself.",
    },
    "reason.no_funding.blocked": {
        "de": "Ohne Förderung ({grant} Zuschuss): die Investition von {investment} trägt die Kommune selbst.",
        "en": "Without funding ({grant} grant): the municipality bears the investment of {investment} itself.",
    },
    "reason.requires": {
        "de": "Baut auf {items} auf und beginnt daher {start}.",
        "en": "Builds on {items} and therefore starts in {start}.",
    },
    "reason.enables": {
        "de": "Voraussetzung für {items}.",
        "en": "Prerequisite for {items}.",
    },
    # ------------------------------------------------------------------ reasons: left out
    "reason.no_start": {
        "de": "Im Planungszeitraum {horizon} nicht umsetzbar: {duration} Jahre Laufzeit, Beginn frühestens "
        "{earliest}, Abschluss spätestens {deadline}.",
        "en": "Cannot be done within the planning horizon {horizon}: it runs {duration} years, can start in "
        "{earliest} at the earliest and must be finished by {deadline}.",
    },
    "reason.requires_missing": {
        "de": "Setzt {name} voraus, das nicht im Plan ist (Nutzen {benefit} Punkte, Investition {investment}).",
        "en": "Requires {name}, which is not in the plan (benefit {benefit} points, investment {investment}).",
    },
    "reason.requires_late": {
        "de": "Setzt {name} voraus, das erst {finish} fertig wird: Beginn frühestens {earliest}, möglich wäre "
        "aber höchstens {latest}.",
        "en": "Requires {name}, which finishes only in {finish}: it could start in {earliest} at the earliest, "
        "but {latest} is the latest possible start.",
    },
    "reason.exclusive": {
        "de": "Variante der Gruppe {group}, von der nur eine umgesetzt wird: gewählt ist {chosen} (Nutzen "
        "{chosen_benefit} Punkte, Eigenanteil {chosen_own_cost}) statt dieser (Nutzen {benefit} Punkte).",
        "en": "A variant of group {group}, of which only one is done: {chosen} is chosen (benefit "
        "{chosen_benefit} points, own share {chosen_own_cost}) instead of this one (benefit {benefit} points).",
    },
    "reason.focus": {
        "de": "Der Plan umfasst schon {used} von höchstens {max} Handlungsfeldern; {field} gehört nicht dazu.",
        "en": "The plan already spans {used} of at most {max} fields of action; {field} is not among them.",
    },
    "reason.budget": {
        "de": "Bei Beginn {start} reicht der Haushalt nicht: {items}.",
        "en": "Starting in {start}, the budget is not enough: {items}.",
    },
    "reason.staff": {
        "de": "Bei Beginn {start} reicht das Personal nicht: {items}.",
        "en": "Starting in {start}, staff capacity is not enough: {items}.",
    },
    "reason.other_starts": {
        "de": "Auch die übrigen {count} möglichen Beginnjahre scheitern ({items}).",
        "en": "The other {count} possible start years fail as well ({items}).",
    },
    "reason.other_starts.one": {
        "de": "Auch das andere mögliche Beginnjahr scheitert ({items}).",
        "en": "The other possible start year fails as well ({items}).",
    },
    "reason.fits.gap": {
        "de": "Bei Beginn {start} passte sie noch in Haushalt und Personal; der Plan ist nur bis auf eine Lücke "
        "von {gap} optimiert.",
        "en": "Starting in {start} it would still fit the budget and staff; the plan is optimised only up to a gap "
        "of {gap}.",
    },
    "reason.fits.zero": {
        "de": "Bei Beginn {start} passte sie noch in Haushalt und Personal, bringt aber nur {benefit} Punkte.",
        "en": "Starting in {start} it would still fit the budget and staff but adds only {benefit} points.",
    },
    "reason.fits.objective": {
        "de": "Bei Beginn {start} passte sie noch in Haushalt und Personal, verbessert aber nicht das Ziel "
        "({objective}); ihr Nutzen: {benefit} Punkte.",
        "en": "Starting in {start} it would still fit the budget and staff but does not improve the objective "
        "({objective}); its benefit: {benefit} points.",
    },
    # ------------------------------------------------------------------ re-solves
    "reason.forced_out": {
        "de": "Ohne sie sänke {what} um {loss} (von {base} auf {forced}).",
        "en": "Without it, {what} would fall by {loss} (from {base} to {forced}).",
    },
    "reason.forced_out.tie": {
        "de": "Ohne sie gäbe es einen gleich guten Plan ({forced}); den Ausschlag gab die Regel „weniger "
        "Eigenmittel, frühere Beginne“.",
        "en": "Without it there is an equally good plan ({forced}); the rule “less own funds, earlier starts” decided.",
    },
    "reason.forced_out.range": {
        "de": "Ohne sie sänke {what} um {lower} bis {loss} (Neuberechnung nach {seconds} s beendet).",
        "en": "Without it, {what} would fall by {lower} to {loss} (re-solve stopped after {seconds} s).",
    },
    "reason.forced_out.infeasible": {
        "de": "Ohne sie gibt es keinen zulässigen Plan; im Plan erreicht {objective}.",
        "en": "Without it no plan satisfies every rule; the plan achieves {objective}.",
    },
    "reason.forced_out.no_solution": {
        "de": "Die Neuberechnung ohne sie fand in {seconds} s keinen Plan.",
        "en": "The re-solve without it found no plan within {seconds} s.",
    },
    "reason.forced_out.entered": {
        "de": "An ihre Stelle träten {items}.",
        "en": "It would be replaced by {items}.",
    },
    "reason.forced_out.left": {
        "de": "Mit ihr entfielen {items}.",
        "en": "With it, {items} would leave too.",
    },
    "reason.forced_out.moved": {
        "de": "{count} weitere Maßnahmen begännen in einem anderen Jahr.",
        "en": "{count} other projects would start in a different year.",
    },
    "reason.forced_out.moved.one": {
        "de": "{count} weitere Maßnahme begänne in einem anderen Jahr.",
        "en": "{count} other project would start in a different year.",
    },
    "reason.forced_in": {
        "de": "Würde sie erzwungen, sänke {what} um {loss} (von {base} auf {forced}).",
        "en": "Forcing it in would lower {what} by {loss} (from {base} to {forced}).",
    },
    "reason.forced_in.tie": {
        "de": "Ein Plan mit ihr wäre gleich gut ({forced}); den Ausschlag gab die Regel „weniger Eigenmittel, "
        "frühere Beginne“.",
        "en": "A plan with it would be equally good ({forced}); the rule “less own funds, earlier starts” decided.",
    },
    "reason.forced_in.range": {
        "de": "Würde sie erzwungen, sänke {what} um {lower} bis {loss} (Neuberechnung nach {seconds} s beendet).",
        "en": "Forcing it in would lower {what} by {lower} to {loss} (re-solve stopped after {seconds} s).",
    },
    "reason.forced_in.infeasible": {
        "de": "Mit ihr gibt es keinen zulässigen Plan: kein noch so hoher Nutzen (jetzt {benefit} Punkte) "
        "brächte sie in den Plan.",
        "en": "No plan with it satisfies every rule: no benefit, however high (now {benefit} points), would bring "
        "it in.",
    },
    "reason.forced_in.no_solution": {
        "de": "Die Neuberechnung mit ihr fand in {seconds} s keinen Plan.",
        "en": "The re-solve with it found no plan within {seconds} s.",
    },
    "reason.forced_in.entered": {
        "de": "Mit ihr kämen außerdem {items} hinzu.",
        "en": "With it, {items} would join as well.",
    },
    "reason.forced_in.left": {
        "de": "Dafür entfielen {items}.",
        "en": "In exchange, {items} would leave.",
    },
    "reason.forced_in.moved": {
        "de": "{count} weitere Maßnahmen begännen in einem anderen Jahr.",
        "en": "{count} other projects would start in a different year.",
    },
    "reason.forced_in.moved.one": {
        "de": "{count} weitere Maßnahme begänne in einem anderen Jahr.",
        "en": "{count} other project would start in a different year.",
    },
    "reason.flip_out": {
        "de": "Sie bliebe im Plan, solange ihr Nutzen über {threshold} Punkten liegt (jetzt {benefit}, Reserve "
        "{margin} Punkte).",
        "en": "It would stay in the plan as long as its benefit stays above {threshold} points (now {benefit}, a "
        "margin of {margin} points).",
    },
    "reason.flip_out.always": {
        "de": "Sie bliebe selbst bei 0 Punkten im Plan: ohne sie gingen {margin} Punkte verloren, mehr als ihr "
        "eigener Nutzen von {benefit} Punkten.",
        "en": "It would stay in the plan even at 0 points: without it {margin} points are lost, more than its own "
        "benefit of {benefit} points.",
    },
    "reason.flip_out.free": {
        "de": "Sie verdrängt keine andere Maßnahme: ohne sie fielen genau ihre {benefit} Punkte weg, und sie "
        "bliebe bei jedem Nutzen über 0 Punkten im Plan.",
        "en": "It displaces no other project: without it exactly its {benefit} points would be lost, and it "
        "would stay in the plan at any benefit above 0 points.",
    },
    "reason.flip_out.range": {
        "de": "Sie fiele aus dem Plan, wenn ihr Nutzen (jetzt {benefit} Punkte) unter einen Wert zwischen {low} "
        "und {high} Punkten sänke.",
        "en": "It would leave the plan if its benefit (now {benefit} points) fell below a value between {low} and "
        "{high} points.",
    },
    "reason.flip_in": {
        "de": "Sie käme in den Plan, wenn ihr Nutzen über {threshold} Punkte stiege (jetzt {benefit}, also um "
        "mehr als {margin} Punkte).",
        "en": "It would enter the plan if its benefit rose above {threshold} points (now {benefit}, i.e. by more "
        "than {margin} points).",
    },
    "reason.flip_in.unreachable": {
        "de": "Selbst mit den höchstmöglichen 100 Punkten käme sie nicht in den Plan: nötig wären über "
        "{threshold} Punkte (jetzt {benefit}).",
        "en": "Even the highest possible 100 points would not bring it in: it would need more than {threshold} "
        "points (now {benefit}).",
    },
    "reason.flip_in.range": {
        "de": "Sie käme in den Plan, wenn ihr Nutzen (jetzt {benefit} Punkte) über einen Wert zwischen {low} und "
        "{high} Punkten stiege.",
        "en": "It would enter the plan if its benefit (now {benefit} points) rose above a value between {low} and "
        "{high} points.",
    },
    # ------------------------------------------------------------------ plan summary
    "summary.selection": {
        "de": "Der Plan umfasst {selected} von {projects} Maßnahmen in {fields} Handlungsfeldern mit einem "
        "Gesamtnutzen von {benefit} Punkten.",
        "en": "The plan comprises {selected} of {projects} projects in {fields} fields of action with a total "
        "benefit of {benefit} points.",
    },
    "summary.money": {
        "de": "Im Zeitraum {horizon} werden {investment} investiert; Förderprogramme tragen {grant} ({share}), die "
        "Eigenmittel einschließlich Folgekosten betragen {own_funds} bei einem Haushaltsansatz von {budget}.",
        "en": "Over {horizon}, {investment} is invested; funding programmes bear {grant} ({share}), own funds "
        "including operating costs come to {own_funds} against a budget of {budget}.",
    },
    "summary.tight": {
        "de": "Der Haushalt ist nahezu ausgeschöpft in {items} (verbleibender Spielraum).",
        "en": "The budget is almost exhausted in {items} (slack left).",
    },
    "summary.staff_tight": {
        "de": "Das Personal ist nahezu ausgelastet in {items} (freie Kapazität).",
        "en": "Staff capacity is almost fully used in {items} (capacity left).",
    },
    "summary.optimal": {
        "de": "Der Plan ist bewiesen optimal: {what} beträgt {objective}, mehr ist unter allen Regeln nicht "
        "erreichbar (Lücke {gap}).",
        "en": "The plan is proven optimal: {what} is {objective}; no plan satisfying every rule achieves more "
        "(gap {gap}).",
    },
    "summary.feasible": {
        "de": "Der Plan ist zulässig, aber nicht bewiesen optimal: {what} beträgt {objective}, höchstens "
        "erreichbar wären {bound} (Lücke {gap}).",
        "en": "The plan is feasible but not proven optimal: {what} is {objective}, at most {bound} would be "
        "achievable (gap {gap}).",
    },
    "summary.no_plan": {
        "de": "Für die {count} Maßnahmen gibt es keinen Plan (Status {status}): {detail}",
        "en": "There is no plan for the {count} projects (status {status}): {detail}",
    },
    # ------------------------------------------------------------------ documents: common
    "doc.report_title": {
        "de": "Digitalisierungsstrategie {name}: Maßnahmenplan {horizon}",
        "en": "Digitalisation strategy {name}: project plan {horizon}",
    },
    "doc.subtitle": {"de": "Stand {date} · Plan {status}", "en": "As of {date} · plan {status}"},
    "doc.council_title": {"de": "Ratsvorlage", "en": "Council paper"},
    "doc.funding_title": {
        "de": "Anlagen zu den Förderanträgen: {name}",
        "en": "Annexes to the funding applications: {name}",
    },
    "status.optimal": {"de": "bewiesen optimal", "en": "proven optimal"},
    "status.feasible": {"de": "zulässig, Optimalitätslücke {gap}", "en": "feasible, optimality gap {gap}"},
    "label.table": {"de": "Tabelle {number}: {caption}", "en": "Table {number}: {caption}"},
    "note.rounding": {
        "de": "Beträge auf volle Euro gerundet; Summen können um Rundungsdifferenzen abweichen.",
        "en": "Amounts rounded to whole euros; totals may differ by rounding.",
    },
    "word.yes": {"de": "ja", "en": "yes"},
    "word.no": {"de": "nein", "en": "no"},
    "word.total": {"de": "Summe", "en": "total"},
    "word.programme": {"de": "Programm", "en": "programme"},
    "word.no_programme": {"de": "ohne Förderung", "en": "no funding"},
    "word.any_year": {"de": "jedes Jahr", "en": "any year"},
    "goal.benefit": {"de": "größter Gesamtnutzen", "en": "the largest total benefit"},
    "goal.time_weighted": {
        "de": "größter zeitgewichteter Nutzen (früh fertige Maßnahmen zählen mehr)",
        "en": "the largest time-weighted benefit (projects finished early count more)",
    },
    "goal.grants": {"de": "größte Fördersumme", "en": "the largest grant total"},
    "goal.own_funds": {
        "de": "geringste Eigenmittel für einen geforderten Nutzen",
        "en": "the least own funds for a required benefit",
    },
    # ------------------------------------------------------------------ headings
    "h.summary": {"de": "Zusammenfassung", "en": "Summary"},
    "h.priorities": {"de": "Prioritäten", "en": "Priorities"},
    "h.reasons_in": {"de": "Begründung der Maßnahmen im Plan", "en": "Why the planned projects are in"},
    "h.left_out": {"de": "Nicht aufgenommene Maßnahmen", "en": "Projects left out"},
    "h.reasons_out": {"de": "Begründung der nicht aufgenommenen Maßnahmen", "en": "Why the other projects are out"},
    "h.financing": {"de": "Finanzierungsplan", "en": "Financing plan"},
    "h.roadmap": {"de": "Zeitplan und Roadmap", "en": "Schedule and roadmap"},
    "h.scenarios": {"de": "Szenarien", "en": "Scenarios"},
    "h.robustness": {"de": "Robustheit", "en": "Robustness"},
    "h.risks": {"de": "Risiken", "en": "Risks"},
    "h.method": {"de": "Methode und Rechenweg", "en": "Method"},
    "h.resolution": {"de": "Beschlussvorschlag", "en": "Proposed resolution"},
    "h.facts": {"de": "Sachverhalt", "en": "Facts"},
    "h.situation": {"de": "Ausgangslage", "en": "Background"},
    "h.method_council": {"de": "Vorgehen", "en": "Approach"},
    "h.result": {"de": "Ergebnis und Prioritäten", "en": "Result and priorities"},
    "h.finance": {"de": "Finanzielle Auswirkungen", "en": "Financial effects"},
    "h.attachments": {"de": "Anlagen", "en": "Attachments"},
    "h.justification": {"de": "Begründung", "en": "Justification"},
    "h.costs": {"de": "Kosten- und Finanzierungsplan", "en": "Costs and financing"},
    # ------------------------------------------------------------------ tables and columns
    "table.key_figures": {"de": "Kennzahlen des Plans {horizon}", "en": "Key figures of the plan {horizon}"},
    "table.priorities": {"de": "Maßnahmen im Plan nach Priorität", "en": "Projects in the plan by priority"},
    "table.left_out": {"de": "Nicht aufgenommene Maßnahmen", "en": "Projects left out"},
    "table.financing": {"de": "Finanzierungsplan {horizon}", "en": "Financing plan {horizon}"},
    "table.programmes": {"de": "Förderprogramme", "en": "Funding programmes"},
    "table.criteria": {"de": "Bewertungskriterien und Gewichte", "en": "Criteria and weights"},
    "table.schedule": {"de": "Zeitplan der Maßnahmen", "en": "Schedule of the projects"},
    "table.funding_costs": {
        "de": "Kosten und Finanzierung: {project}",
        "en": "Costs and financing: {project}",
    },
    "col.rank": {"de": "Rang", "en": "Rank"},
    "col.id": {"de": "ID", "en": "ID"},
    "col.project": {"de": "Maßnahme", "en": "Project"},
    "col.field": {"de": "Handlungsfeld", "en": "Field of action"},
    "col.period": {"de": "Laufzeit", "en": "Period"},
    "col.benefit": {"de": "Nutzen (Punkte)", "en": "Benefit (points)"},
    "col.programme": {"de": "Förderprogramm", "en": "Funding programme"},
    "col.programme_id": {"de": "Programm-ID", "en": "Programme ID"},
    "col.investment": {"de": "Investition", "en": "Investment"},
    "col.grant": {"de": "Förderung", "en": "Grant"},
    "col.own_share": {"de": "Eigenanteil", "en": "Own share"},
    "col.operating": {"de": "Folgekosten", "en": "Operating costs"},
    "col.own_funds": {"de": "Eigenmittel", "en": "Own funds"},
    "col.commitment": {"de": "VE (Eigenanteil)", "en": "Commitments (own share)"},
    "col.commitment_gross": {"de": "VE (brutto)", "en": "Commitments (gross)"},
    "col.budget": {"de": "Haushaltsansatz", "en": "Budget"},
    "col.slack": {"de": "Spielraum", "en": "Slack"},
    "col.mandatory": {"de": "Pflicht", "en": "Must-do"},
    "col.reason": {"de": "Hauptgrund", "en": "Main reason"},
    "col.reasons": {"de": "Begründung", "en": "Reasons"},
    "col.flip": {"de": "Nutzenschwelle (Punkte)", "en": "Benefit threshold (points)"},
    "col.item": {"de": "Position", "en": "Item"},
    "col.total": {"de": "Summe", "en": "Total"},
    "col.rate": {"de": "Förderquote", "en": "Rate"},
    "col.max_grant": {"de": "Höchstbetrag", "en": "Maximum grant"},
    "col.pot": {"de": "Fördertopf", "en": "Pot"},
    "col.pot_left": {"de": "Topf frei", "en": "Pot left"},
    "col.windows": {"de": "Förderfenster (Beginn)", "en": "Windows (start)"},
    "col.projects": {"de": "Maßnahmen", "en": "Projects"},
    "col.criterion": {"de": "Kriterium", "en": "Criterion"},
    "col.weight": {"de": "Gewicht", "en": "Weight"},
    "col.start": {"de": "Beginn", "en": "Start"},
    "col.finish": {"de": "Ende", "en": "Finish"},
    "col.year": {"de": "Jahr", "en": "Year"},
    "col.level": {"de": "Ebene", "en": "Level"},
    "col.selected": {"de": "Im Plan", "en": "In plan"},
    "col.figure": {"de": "Kennzahl", "en": "Figure"},
    "col.value": {"de": "Wert", "en": "Value"},
    "kind.no_start": {"de": "Zeitrahmen", "en": "Time frame"},
    "kind.exclusive": {"de": "andere Variante gewählt", "en": "other variant chosen"},
    "kind.requires_missing": {"de": "Voraussetzung fehlt", "en": "prerequisite missing"},
    "kind.focus": {"de": "Schwerpunktsetzung", "en": "focus areas"},
    "kind.requires_late": {"de": "Voraussetzung zu spät", "en": "prerequisite too late"},
    "kind.budget": {"de": "Haushalt", "en": "budget"},
    "kind.staff": {"de": "Personal", "en": "staff"},
    "kind.fits": {"de": "kein Zugewinn", "en": "no gain"},
    "kf.projects": {"de": "Maßnahmen im Plan", "en": "Projects in the plan"},
    "kf.candidates": {"de": "Geprüfte Maßnahmen", "en": "Projects considered"},
    "kf.benefit": {"de": "Gesamtnutzen (Punkte)", "en": "Total benefit (points)"},
    "kf.investment": {"de": "Investitionen", "en": "Investment"},
    "kf.grants": {"de": "Fördermittel", "en": "Grants"},
    "kf.own_funds": {"de": "Eigenmittel einschließlich Folgekosten", "en": "Own funds including operating costs"},
    "kf.budget": {"de": "Haushaltsansatz Eigenmittel", "en": "Own-funds budget"},
    "kf.slack": {"de": "Verbleibender Spielraum", "en": "Slack left"},
    "kf.commitments": {
        "de": "Verpflichtungsermächtigungen (Eigenanteil)",
        "en": "Commitment authorisations (own share)",
    },
    "kf.staff": {"de": "Personentage", "en": "Staff days"},
    "kf.operating_after": {
        "de": "Folgekosten pro Jahr nach {end}",
        "en": "Operating costs per year after {end}",
    },
    "fin.investment": {"de": "Investitionsauszahlungen", "en": "Investment payments"},
    "fin.grant_programme": {"de": "Förderung: {programme}", "en": "Grant: {programme}"},
    "fin.grant": {"de": "Förderung gesamt", "en": "Grants in total"},
    "fin.own_share": {"de": "Eigenanteil Investitionen", "en": "Own share of investment"},
    "fin.operating": {"de": "Folgekosten", "en": "Operating costs"},
    "fin.own_funds": {"de": "Eigenmittelbedarf", "en": "Own funds needed"},
    "fin.budget": {"de": "Haushaltsansatz Eigenmittel", "en": "Own-funds budget"},
    "fin.slack": {"de": "Spielraum", "en": "Slack"},
    "fin.commitment": {
        "de": "Verpflichtungsermächtigung (Eigenanteil)",
        "en": "Commitment authorisation (own share)",
    },
    "fin.commitment_gross": {
        "de": "Verpflichtungsermächtigung (brutto)",
        "en": "Commitment authorisation (gross)",
    },
    # ------------------------------------------------------------------ report
    "report.toc": {"de": "Inhalt", "en": "Contents"},
    "report.commitments": {
        "de": "Verpflichtungsermächtigung (VE): Beginnt eine mehrjährige Maßnahme im Jahr t, geht die Kommune in t "
        "Verpflichtungen für die Zahlungen der Folgejahre ein. Die VE im Haushaltsjahr t ist die Summe der "
        "Eigenanteile, die in den Jahren nach t für die in t beginnenden Maßnahmen zu zahlen sind; die Zeile "
        "„brutto“ nennt dieselben Verpflichtungen vor Abzug der Förderung. Folgekosten sind nicht enthalten.",
        "en": "Commitment authorisation: when a multi-year project starts in year t, the municipality enters "
        "obligations in t for the payments of later years. The authorisation in budget year t is the sum of the "
        "own shares payable in the years after t for the projects starting in t; the “gross” row gives the same "
        "obligations before grants. Operating costs are not included.",
    },
    "report.no_roadmap": {
        "de": "Zeitplan aus dem Optimierungsergebnis (Beginn und Ende je Maßnahme); eine Roadmap mit Phasen und "
        "kritischem Pfad kann ergänzt werden.",
        "en": "Schedule from the optimisation (start and finish of each project); a roadmap with phases and the "
        "critical path can be added.",
    },
    "report.no_scenarios": {
        "de": "Für diesen Bericht wurden keine Szenarien verglichen.",
        "en": "No scenarios were compared for this report.",
    },
    "report.no_robustness": {
        "de": "Für diesen Bericht liegt keine Robustheitsanalyse vor.",
        "en": "No robustness analysis is attached to this report.",
    },
    "report.method": {
        "de": "Berechnet mit dem Solver {solver} in {seconds} s. Ziel: {goal} unter allen Regeln des Haushalts, "
        "des Personals, der Abhängigkeiten, Fristen und Förderprogramme. Status: {status}.",
        "en": "Computed with the solver {solver} in {seconds} s. Objective: {goal} under every rule of budget, "
        "staff, dependencies, deadlines and funding programmes. Status: {status}.",
    },
    "report.no_resolve": {
        "de": "Angaben dazu, was eine Maßnahme verdrängt und ab welchem Nutzen sich eine Entscheidung dreht, "
        "erfordern je Maßnahme eine Neuberechnung und sind in dieser Fassung nicht enthalten.",
        "en": "What a project displaces and at which benefit a decision flips need one re-solve per project; "
        "they are not part of this version.",
    },
    # ------------------------------------------------------------------ council paper
    "council.kv.municipality": {"de": "Kommune", "en": "Municipality"},
    "council.kv.body": {"de": "Beratungsfolge", "en": "Body"},
    "council.body": {"de": "Rat (Entscheidung)", "en": "Council (decision)"},
    "council.kv.date": {"de": "Datum", "en": "Date"},
    "council.kv.subject": {"de": "Betreff", "en": "Subject"},
    "council.subject": {
        "de": "Digitalisierungsstrategie: Maßnahmenprogramm {horizon} und seine Finanzierung",
        "en": "Digitalisation strategy: project programme {horizon} and its financing",
    },
    "council.resolution.programme": {
        "de": "Der Rat beschließt das Maßnahmenprogramm der Digitalisierungsstrategie für {horizon} mit {count} "
        "Maßnahmen und einem Investitionsvolumen von {investment} (Anlage 1).",
        "en": "The council adopts the project programme of the digitalisation strategy for {horizon} with {count} "
        "projects and an investment of {investment} (attachment 1).",
    },
    "council.resolution.funding": {
        "de": "Die Verwaltung wird beauftragt, für {count} Maßnahmen Förderanträge über zusammen {grant} zu stellen "
        "(Anlage 2). Eine geförderte Maßnahme beginnt erst nach Zugang des Zuwendungsbescheids.",
        "en": "The administration is instructed to apply for funding for {count} projects, {grant} in total "
        "(attachment 2). A funded project starts only once the grant notice has been received.",
    },
    "council.resolution.budget": {
        "de": "Die Eigenmittel von {own_funds} einschließlich Folgekosten werden im Haushalt {first} und in der "
        "mittelfristigen Finanzplanung bis {last} veranschlagt (Anlage 3).",
        "en": "The own funds of {own_funds} including operating costs are provided in the budget {first} and the "
        "medium-term financial plan up to {last} (attachment 3).",
    },
    "council.resolution.commitments": {
        "de": "Für Zahlungen in Folgejahren werden Verpflichtungsermächtigungen von zusammen {total} vorgesehen, "
        "davon {first_amount} im Haushaltsjahr {first}.",
        "en": "Commitment authorisations of {total} in total are provided for payments in later years, "
        "{first_amount} of them in the budget year {first}.",
    },
    "council.resolution.report": {
        "de": "Die Verwaltung berichtet dem Rat ab {year} jährlich über Umsetzungsstand, Kosten und Förderbescheide.",
        "en": "From {year}, the administration reports to the council every year on progress, costs and grant notices.",
    },
    "council.situation": {
        "de": "Die Verwaltung hat {count} mögliche Maßnahmen aus {fields} Handlungsfeldern zusammengetragen und nach "
        "{criteria} Kriterien bewertet; jede Maßnahme erhält so einen Nutzen von 0 bis 100 Punkten.",
        "en": "The administration collected {count} candidate projects from {fields} fields of action and rated "
        "them on {criteria} criteria; each project thus receives a benefit of 0 to 100 points.",
    },
    "council.method": {
        "de": "Aus allen Maßnahmen wurde mit einem mathematischen Optimierungsverfahren (ganzzahlige lineare "
        "Optimierung) die Auswahl mit Beginnjahr und Förderprogramm bestimmt, die das Ziel „{goal}“ erreicht und "
        "dabei in jedem Jahr den Haushaltsansatz für Eigenmittel und die Personalkapazität einhält sowie "
        "Abhängigkeiten, Fristen, Pflichtaufgaben und die Regeln der Förderprogramme beachtet (Förderquoten, "
        "Höchstbeträge, Fördertöpfe, Förderfenster, keine Doppelförderung).",
        "en": "From all projects, a mathematical optimisation (integer linear programming) determined the "
        "selection, with start year and funding programme, that achieves “{goal}” while keeping each year's "
        "own-funds budget and staff capacity and respecting dependencies, deadlines, must-dos and the rules of "
        "the funding programmes (rates, caps, pots, windows, no double funding).",
    },
    "council.finance": {
        "de": "Der Finanzierungsplan zeigt je Haushaltsjahr {horizon} Investitionen, Förderung je Programm, "
        "Eigenanteil, Folgekosten, Eigenmittelbedarf, Haushaltsansatz und Spielraum sowie die nötigen "
        "Verpflichtungsermächtigungen.",
        "en": "The financing plan shows for each budget year {horizon} the investment, grants by programme, own "
        "share, operating costs, own funds needed, budget and slack, and the commitment authorisations needed.",
    },
    "council.operating_after": {
        "de": "Nach {end} belasten die Folgekosten der Maßnahmen den Haushalt dauerhaft mit {amount} pro Jahr.",
        "en": "After {end}, the projects' operating costs burden the budget permanently with {amount} a year.",
    },
    "council.attachment.projects": {
        "de": "Anlage 1: Maßnahmenliste mit Prioritäten und Begründungen",
        "en": "Attachment 1: list of projects with priorities and reasons",
    },
    "council.attachment.funding": {
        "de": "Anlage 2: Anlagen zu den {count} Förderanträgen",
        "en": "Attachment 2: annexes to the {count} funding applications",
    },
    "council.attachment.financing": {
        "de": "Anlage 3: Finanzierungsplan",
        "en": "Attachment 3: financing plan",
    },
    "risk.approval": {
        "de": "Förderrisiko: Die Zuwendungen sind noch nicht bewilligt. Gewichtet mit den angenommenen "
        "Bewilligungswahrscheinlichkeiten fehlen im Erwartungswert {expected} der beantragten {grant}, am "
        "meisten bei {programme} ({amount}).",
        "en": "Funding risk: the grants are not yet approved. Weighted with the assumed approval chances, "
        "{expected} of the {grant} applied for is expected to be missing, most of it at {programme} ({amount}).",
    },
    "risk.tight": {
        "de": "Haushaltsrisiko: In {items} bleibt weniger als {share} des Ansatzes frei; Kostensteigerungen dort "
        "erfordern Verschiebungen oder zusätzliche Mittel.",
        "en": "Budget risk: in {items} less than {share} of the budget is left; cost increases there require "
        "postponements or additional funds.",
    },
    "risk.operating": {
        "de": "Folgekostenrisiko: Ab {start} binden die Maßnahmen dauerhaft {amount} pro Jahr.",
        "en": "Operating-cost risk: from {start} the projects permanently tie up {amount} a year.",
    },
    "risk.robust": {
        "de": "Robustheit: {stable} von {count} Maßnahmen des Plans sind in mindestens {threshold} der Szenarien "
        "ausgewählt.",
        "en": "Robustness: {stable} of the plan's {count} projects are selected in at least {threshold} of the "
        "scenarios.",
    },
    "risk.unstable": {
        "de": "{name} ist nur in {share} der Szenarien ausgewählt.",
        "en": "{name} is selected in only {share} of the scenarios.",
    },
    "risk.no_robustness": {
        "de": "Eine Robustheitsanalyse (Szenarien, Monte-Carlo-Simulation) liegt dieser Vorlage nicht bei.",
        "en": "No robustness analysis (scenarios, Monte Carlo simulation) is attached to this paper.",
    },
    # ------------------------------------------------------------------ funding annexes
    "funding.heading": {"de": "Anlage zum Förderantrag: {project}", "en": "Funding application annex: {project}"},
    "funding.kv.applicant": {"de": "Antragsteller", "en": "Applicant"},
    "funding.kv.programme": {"de": "Förderprogramm", "en": "Funding programme"},
    "funding.kv.project": {"de": "Maßnahme", "en": "Project"},
    "funding.kv.field": {"de": "Handlungsfeld", "en": "Field of action"},
    "funding.kv.period": {"de": "Durchführungszeitraum", "en": "Period"},
    "funding.kv.priority": {"de": "Priorität im Maßnahmenprogramm", "en": "Priority in the programme"},
    "funding.kv.resolution": {"de": "Ratsbeschluss", "en": "Council resolution"},
    "funding.priority": {"de": "Rang {rank} von {count}", "en": "rank {rank} of {count}"},
    "funding.resolution": {"de": "(Datum des Beschlusses eintragen)", "en": "(enter the date of the resolution)"},
    "funding.grant": {
        "de": "Beantragte Zuwendung: {grant}, das sind {share} der zuwendungsfähigen Ausgaben von {investment}; "
        "Eigenanteil der Kommune: {own}.",
        "en": "Grant applied for: {grant}, i.e. {share} of the eligible expenditure of {investment}; the "
        "municipality's own share: {own}.",
    },
    "funding.operating": {
        "de": "Folgekosten von {operating} pro Jahr ab {start} sind nicht zuwendungsfähig; die Kommune trägt sie "
        "aus dem Haushalt.",
        "en": "Operating costs of {operating} a year from {start} are not eligible; the municipality bears them "
        "from its budget.",
    },
    "funding.start": {
        "de": "Mit der Maßnahme wird nicht vor Zugang des Zuwendungsbescheids begonnen (kein vorzeitiger "
        "Maßnahmenbeginn); geplanter Beginn {start}.",
        "en": "The project will not start before the grant notice is received (no early start); planned start {start}.",
    },
    "funding.none": {
        "de": "Keine der {count} Maßnahmen des Plans wird gefördert.",
        "en": "None of the plan's {count} projects is funded.",
    },
    # ------------------------------------------------------------------ charts
    "chart.own_share": {"de": "Eigenanteil Investitionen", "en": "Own share of investment"},
    "chart.operating": {"de": "Folgekosten", "en": "Operating costs"},
    "chart.grants": {"de": "Fördermittel", "en": "Grants"},
    "chart.budget": {"de": "Haushaltsansatz Eigenmittel", "en": "Own-funds budget"},
    "chart.thousand_eur": {"de": "Tsd. €", "en": "€ thousand"},
    "chart.budget_title": {
        "de": "Eigenmittel, Förderung und Haushaltsansatz je Jahr",
        "en": "Own funds, grants and budget per year",
    },
    "chart.in_plan": {"de": "im Plan", "en": "in the plan"},
    "chart.left_out": {"de": "nicht aufgenommen", "en": "left out"},
    "chart.points": {"de": "Nutzenpunkte", "en": "Benefit points"},
    "chart.field_title": {"de": "Nutzen nach Handlungsfeld", "en": "Benefit by field of action"},
    "chart.gantt_title": {"de": "Zeitplan der Maßnahmen", "en": "Schedule of the projects"},
    "chart.project": {"de": "Maßnahme", "en": "Project"},
    "chart.mandatory": {"de": "Pflichtaufgabe", "en": "Must-do"},
    "chart.frontier_title": {
        "de": "Nutzen und Eigenmittel der Szenarien",
        "en": "Benefit and own funds of the scenarios",
    },
    "chart.stable": {"de": "stabil", "en": "stable"},
    "chart.unstable": {"de": "unsicher", "en": "uncertain"},
    "chart.frequency": {"de": "Anteil der Szenarien mit Auswahl (%)", "en": "Share of scenarios selecting it (%)"},
    "chart.frequency_title": {"de": "Auswahlhäufigkeit in den Szenarien", "en": "Selection frequency across scenarios"},
    # ------------------------------------------------------------------ fields of action (common ids)
    "field.administration": {"de": "Verwaltung", "en": "Administration"},
    "field.broadband": {"de": "Breitband und Netze", "en": "Broadband and networks"},
    "field.mobility": {"de": "Mobilität", "en": "Mobility"},
    "field.retail": {"de": "Handel", "en": "Retail"},
    "field.tourism": {"de": "Tourismus", "en": "Tourism"},
    "field.education": {"de": "Bildung", "en": "Education"},
    "field.health": {"de": "Gesundheit und Pflege", "en": "Health and care"},
    "field.participation": {"de": "Bürgerbeteiligung", "en": "Citizen participation"},
    "field.economy": {"de": "Wirtschaft", "en": "Economy"},
    "field.environment": {"de": "Umwelt und Klima", "en": "Environment and climate"},
    "field.security": {"de": "Sicherheit", "en": "Security"},
    "field.culture": {"de": "Kultur", "en": "Culture"},
    "field.energy": {"de": "Energie", "en": "Energy"},
    "field.general": {"de": "Allgemein", "en": "General"},
}

#: The catalogue, read-only: key -> {"de": text, "en": text}.
CATALOGUE: Final[Mapping[str, Mapping[str, str]]] = MappingProxyType(
    {k: MappingProxyType(v) for k, v in _TEXTS.items()}
)


def has_text(key: str) -> bool:
    return key in _TEXTS


def text(key: str, lang: Lang, /, **values: str) -> str:
    """The text *key* in *lang*, its placeholders filled from *values*.

    Examples
    --------
    >>> text("unit.points", "de", value="12,5")
    '12,5 Punkte'
    """
    try:
        template = _TEXTS[key][lang]
    except KeyError:
        raise KeyError(f"no text '{key}' in language '{lang}'") from None
    return template.format(**values) if values else template


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def catalogue_problems(catalogue: Mapping[str, Mapping[str, str]] = CATALOGUE) -> list[str]:
    """Every key missing a language, with an empty text, or with placeholders that differ between languages.

    Examples
    --------
    >>> catalogue_problems({"a": {"de": "{x} Punkte", "en": "{y} points"}, "b": {"de": "Text"}})
    ["a: placeholders differ: de {'x'}, en {'y'}", 'b: missing en']
    """
    problems = []
    for key, entry in catalogue.items():
        for lang in LANGS:
            if lang not in entry:
                problems.append(f"{key}: missing {lang}")
            elif not entry[lang].strip():
                problems.append(f"{key}: empty {lang}")
        extra = set(entry) - set(LANGS)
        if extra:
            problems.append(f"{key}: unknown languages {sorted(extra)}")
        if all(lang in entry for lang in LANGS):
            found = {lang: _placeholders(entry[lang]) for lang in LANGS}
            if found["de"] != found["en"]:
                problems.append(f"{key}: placeholders differ: de {found['de']}, en {found['en']}")
    return problems
