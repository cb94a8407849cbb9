"""The ``scoring`` input section: what it derives, its conflicts and errors, and round trips in every format.

Expected numbers are worked out by hand in the comments (value functions and participation scores from their
definitions), independent of the code under test.
"""

from __future__ import annotations

import copy
import dataclasses
import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

import kommunal_planner as kp
from kommunal_planner.errors import DataFormatError, KommunalPlannerError, ValidationError
from kommunal_planner.io import portfolio_from_dict

SECTION: dict[str, Any] = {
    # consistent pairwise comparisons: citizen : economy : urgency = 4 : 1 : 2
    "weights": {
        "method": "ahp",
        "comparisons": [["citizen", "economy", 4], ["citizen", "urgency", 2], ["urgency", "economy", 2]],
    },
    # payback in years: 10 → 0 points, 0 → 5 points
    "value_functions": {"economy": {"kind": "linear", "worst": 10, "best": 0}},
    "raw_values": {"portal": {"economy": 4}},
    "participation": {
        "counts": {
            "Portal": {"priority": 6, "important": 3, "later": 1},
            "Schule": {"important": 4, "later": 6},
            "Parken": {"important": 3, "dropped": 7},
        },
        "themes": {
            "Portal": {"fields": ["administration"]},
            "Schule": {"projects": ["schule"]},
            "Parken": {"tags": ["parking"]},
        },
        "rules": {"later_start_year": 2028},
    },
}


def _data(section: dict[str, Any] | None = None, key: str = "scoring") -> dict[str, Any]:
    return {
        "name": "Teststadt",
        "horizon": {"start": 2026, "years": 4},
        "budget": 1_000_000,
        "criteria": [{"id": "citizen"}, {"id": "economy"}, {"id": "urgency"}],
        "projects": [
            {"id": "portal", "field": "administration", "cost": 100_000, "scores": {"urgency": 4}},
            {
                "id": "park",
                "field": "mobility",
                "cost": 50_000,
                "scores": {"urgency": 2, "economy": 3},
                "tags": ["parking"],
            },
            {"id": "schule", "field": "education", "cost": 80_000, "scores": {"urgency": 3, "economy": 1}},
        ],
        key: copy.deepcopy(SECTION if section is None else section),
    }


@pytest.fixture
def scored() -> kp.Portfolio:
    return portfolio_from_dict(_data())


def test_section_derives_weights_scores_citizen_and_later_start(scored: kp.Portfolio) -> None:
    weights = {c.id: c.weight for c in scored.criteria}
    assert weights == pytest.approx({"citizen": 4 / 7, "economy": 1 / 7, "urgency": 2 / 7}, abs=1e-9)
    portal = scored.project("portal")
    assert portal.scores["economy"] == 3.0  # 5 · (10 − 4) / 10
    # Portal: mean answer (6·4 + 3·3 + 1·2) / 10 = 3.5 on the 1 … 4 scale → 5 · (3.5 − 1) / 3
    assert portal.scores["citizen"] == pytest.approx(5 * 2.5 / 3, abs=1e-6)
    schule = scored.project("schule")
    assert schule.scores["citizen"] == pytest.approx(5 * (2.4 - 1) / 3, abs=1e-6)  # (4·3 + 6·2) / 10 = 2.4
    assert schule.earliest_start == 2028  # 60 % later > 50 %
    assert scored.project("park").scores["citizen"] == pytest.approx(1.0, abs=1e-6)  # (7·1 + 3·3) / 10 = 1.6
    assert scored.project("park").earliest_start is None


def test_evaluate_reports_drops_trace_and_benefit(scored: kp.Portfolio) -> None:
    result = kp.scoring.evaluate(scored)
    assert result.dropped == ("park",) == kp.scoring.dropped_projects(scored)
    assert result.applied and result.derived_weights is not None
    rules = set(zip(result.changes["project"], result.changes["rule"], strict=True))
    assert {
        ("portal", "value function"),
        ("portal", "citizen score"),
        ("schule", "later"),
        ("park", "dropped"),
    } <= rules
    for pid, row in result.benefit.iterrows():
        assert row["benefit"] == pytest.approx(scored.project(str(pid)).benefit_value(scored.criteria))
        contributions = sum(row[c.id] for c in scored.criteria)
        assert contributions == pytest.approx(row["benefit"])
    assert list(result.benefit["rank"]) == sorted(result.benefit["rank"])


def test_german_keys_are_read() -> None:
    german = {
        "gewichtung": {"methode": "direkt", "punkte": {"citizen": 50, "economy": 20, "urgency": 30}},
        "wertfunktionen": {
            "economy": {"art": "stufen", "schwellen": [2, 5], "punkte": [5, 3, 0], "richtung": "fallend"}
        },
        "rohwerte": {"portal": {"economy": 3}},
        "beteiligung": {
            "stimmen": {"Portal": {"Priorität": 3, "wichtig": 1}},
            "themen": {"Portal": {"handlungsfelder": ["administration"]}},
        },
    }
    data = _data(german, key="bewertung")
    data["projects"][2]["scores"]["citizen"] = 2
    data["projects"][1]["scores"]["citizen"] = 1
    pf = portfolio_from_dict(data)
    assert [c.weight for c in pf.criteria] == pytest.approx([0.5, 0.2, 0.3])
    assert pf.project("portal").scores["economy"] == 3.0  # step: 2 <= 3 < 5 → second score
    assert pf.project("portal").scores["citizen"] == pytest.approx(5 * (3.75 - 1) / 3, abs=1e-6)
    assert pf.sections["scoring"]["weights"]["method"] == "direct"
    assert pf.sections["scoring"]["participation"]["counts"]["Portal"] == {"priority": 3, "important": 1}


def test_rank_and_swing_weights() -> None:
    rank = {"weights": {"method": "rank", "ranking": ["citizen", "urgency", "economy"]}}
    data = _data(rank)
    for p in data["projects"]:
        p["scores"] |= {"citizen": 1, "economy": 1}
    pf = portfolio_from_dict(data)
    # rank order centroid for 3 criteria: (1 + 1/2 + 1/3)/3, (1/2 + 1/3)/3, (1/3)/3
    assert [c.weight for c in pf.criteria] == pytest.approx([11 / 18, 2 / 18, 5 / 18])
    swing = {"weights": {"method": "swing", "values": {"citizen": 100, "economy": 25, "urgency": 75}}}
    data["scoring"] = swing
    pf = portfolio_from_dict(data)
    assert [c.weight for c in pf.criteria] == pytest.approx([0.5, 0.125, 0.375])


def test_given_values_that_agree_are_kept_and_conflicts_name_project_criterion_and_rule() -> None:
    data = _data()
    data["projects"][0]["scores"]["economy"] = 3  # agrees with the value function
    data["criteria"][0]["weight"] = 40  # 40 : 10 : 20 agrees with 4 : 1 : 2
    data["criteria"][1]["weight"] = 10
    pf = portfolio_from_dict(data)
    assert pf.project("portal").scores["economy"] == 3
    assert [c.weight for c in pf.criteria] == pytest.approx([40, 10, 20])  # urgency scaled like the given two
    data["projects"][0]["scores"]["economy"] = 4
    with pytest.raises(ValidationError, match=r"project 'portal', criterion 'economy'.*gives the score 4.*raw value 4"):
        portfolio_from_dict(data, source="t.yaml")
    data = _data()
    data["projects"][0]["scores"]["citizen"] = 2
    with pytest.raises(ValidationError, match=r"portal.*criterion 'citizen'.*participation \(themes 'Portal'\)"):
        portfolio_from_dict(data)
    data = _data()
    data["criteria"][0]["weight"] = 0.5  # citizen : economy = 1 : 1, the comparisons say 4 : 1
    data["criteria"][1]["weight"] = 0.5
    with pytest.raises(ValidationError, match=r"criterion '(citizen|economy)'.*weight 0.5.*'ahp'"):
        portfolio_from_dict(data)
    data = _data()
    data["projects"][2]["earliest_start"] = 2027
    with pytest.raises(ValidationError, match=r"schule.*earliest start 2027.*'later'.*'Schule'.*2028"):
        portfolio_from_dict(data)
    data["projects"][2]["earliest_start"] = 2029  # later than the mid term: no conflict, stays
    assert portfolio_from_dict(data).project("schule").earliest_start == 2029


def test_apply_false_only_reports_the_weights() -> None:
    data = _data()
    data["scoring"]["weights"]["apply"] = False
    data["criteria"][0]["weight"] = 0.9
    pf = portfolio_from_dict(data)
    assert [c.weight for c in pf.criteria] == [0.9, 1.0, 1.0]
    result = kp.scoring.evaluate(pf)
    assert not result.applied
    assert result.derived_weights is not None and result.derived_weights["citizen"] == pytest.approx(4 / 7)


def test_mandatory_project_in_a_dropped_theme_is_an_error_naming_it() -> None:
    data = _data()
    data["projects"][1]["mandatory"] = True
    with pytest.raises(ValidationError, match=r"mandatory project 'park' is in theme 'Parken', which is dropped"):
        portfolio_from_dict(data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["raw_values"].update(nix={"economy": 1}), r"scoring\.raw_values\.nix.*unknown project 'nix'"),
        (lambda s: s["raw_values"]["portal"].update(urgency=1), r"raw_values\.portal\.urgency.*no value function"),
        (
            lambda s: s["value_functions"].update(cost={"kind": "linear", "worst": 0, "best": 1}),
            r"unknown criterion 'cost'",
        ),
        (
            lambda s: s["weights"]["comparisons"].append(["citizen", "kosten", 2]),
            r"scoring\.weights.*unknown criterion 'kosten'",
        ),
        (
            lambda s: s["weights"]["comparisons"].__setitem__(0, ["citizen", "economy", 12]),
            r"comparisons\[0\]\.value.*Saaty",
        ),
        (
            lambda s: s["weights"]["comparisons"].__setitem__(0, ["citizen", "economy", "viel"]),
            r"comparisons\[0\]\.value",
        ),
        (lambda s: s["weights"].update(comparisons=[["citizen", "urgency", 2]]), r"leave out the criterion 'economy'"),
        (lambda s: s["weights"].update(method="magic"), r"weights\.method.*unknown weighting method"),
        (lambda s: s["participation"]["themes"].update(Sport={"fields": ["sport"]}), r"themes\.Sport.*no answers"),
        (
            lambda s: s["participation"]["themes"]["Schule"].update(projects=["gym"]),
            r"themes\.Schule\.projects\[0\].*unknown project 'gym'",
        ),
        (lambda s: s["participation"]["counts"].update(Leer={}), r"counts\.Leer.*no counted answers"),
        (
            lambda s: s["participation"]["counts"]["Portal"].update(vielleicht=3),
            r"counts\.Portal\.vielleicht.*unknown answer",
        ),
        (
            lambda s: s["participation"]["counts"]["Portal"].update(priority=-2),
            r"counts\.Portal\.priority.*whole number",
        ),
        (lambda s: s["participation"].update(counts={}), r"participation.*no theme"),
        (lambda s: s["participation"].update(responses=[]), r"participation.*either counted"),
        (lambda s: s["participation"]["rules"].update(later_start_year=None), r"no mid-term year"),
        (lambda s: s["participation"]["rules"].update(drop_share=2), r"rules\.drop_share"),
        (lambda s: s["participation"].update(criterion="buerger"), r"participation\.criterion.*unknown criterion"),
        (lambda s: s.update(colour=1), r"scoring\.colour.*unknown key"),
        (lambda s: s.update(weights=[1, 2]), r"scoring\.weights.*mapping"),
    ],
)
def test_bad_section_input_is_a_located_error(change: Any, message: str) -> None:
    section = copy.deepcopy(SECTION)
    change(section)
    with pytest.raises(ValidationError, match=message):
        portfolio_from_dict(_data(section), source="t.yaml")


def test_responses_one_by_one_with_respondents() -> None:
    section = copy.deepcopy(SECTION)
    del section["participation"]["counts"]
    answers = [("Portal", "priority")] * 6 + [("Portal", "wichtig")] * 3 + [("Portal", "später")]
    answers += [("Schule", "important")] * 4 + [("Schule", "later")] * 6 + [("Parken", "dropped")] * 7
    answers += [("Parken", "important")] * 3
    section["participation"]["responses"] = [
        {"theme": t, "answer": a, "respondent": f"r{k}"} for k, (t, a) in enumerate(answers)
    ]
    pf = portfolio_from_dict(_data(section))
    reference = portfolio_from_dict(_data())
    assert pf.projects == reference.projects
    section["participation"]["responses"].append({"theme": "Portal", "answer": "priority", "respondent": "r0"})
    with pytest.raises(ValidationError, match=r"responses\[30\]\.respondent.*answered theme 'Portal' twice"):
        portfolio_from_dict(_data(section))


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".xlsx", ""])
def test_round_trip_in_every_format(scored: kp.Portfolio, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"pf{suffix}"
    kp.write(scored, target)
    back = kp.read(target)
    assert back == scored
    assert back.sections["scoring"] == scored.sections["scoring"]


@pytest.mark.parametrize("suffix", [".xlsx", ""])
def test_round_trip_tables_with_responses_ratings_and_every_value_function(tmp_path: Path, suffix: str) -> None:
    section: dict[str, Any] = {
        "weights": {
            "method": "ahp",
            "prioritisation": "geometric",
            "aggregation": "aip",
            "comparisons": [
                {"participant": "Rat", "a": "citizen", "b": "economy", "value": "1/3"},
                {"participant": "Rat", "a": "citizen", "b": "urgency", "value": 2},
                {"participant": "Verwaltung", "a": "economy", "b": "urgency", "value": 0.5},
                {"participant": "Verwaltung", "a": "citizen", "b": "urgency", "value": 3},
            ],
        },
        "value_functions": {
            "economy": {"kind": "piecewise", "points": [[0, 0], [1.5, 2.5], [10, 5]]},
            "urgency": {"kind": "categorical", "categories": {"pflicht": 5, "kür": 1}, "default": 0},
        },
        "raw_values": {"portal": {"economy": 1.5, "urgency": "pflicht"}, "schule": {"urgency": "sonstiges"}},
        "participation": {
            "criterion": "citizen",
            "responses": [
                {"theme": "Portal", "answer": 5, "respondent": "a"},
                {"theme": "Portal", "answer": 4},
                {"theme": "Schule", "answer": 2},
            ],
            "themes": {"Portal": {"fields": ["administration"], "tags": ["x"]}, "Schule": {"projects": ["schule"]}},
            "rules": {"later_start_year": 2027, "basis": "estimate", "confidence": 0.9, "min_responses": 1},
        },
    }
    data = _data(section)
    data["projects"][1]["scores"]["citizen"] = 2
    data["projects"][0]["scores"].pop("urgency")
    data["projects"][2]["scores"].pop("urgency")
    pf = portfolio_from_dict(data)
    assert pf.project("portal").scores["economy"] == 2.5 and pf.project("schule").scores["urgency"] == 0
    assert pf.project("schule").earliest_start == 2027
    target = tmp_path / f"pf{suffix}"
    write = kp.io.write_excel if suffix else kp.io.write_csv_folder
    write(pf, target, lang="en")
    assert kp.read(target) == pf
    steps = {"kind": "step", "thresholds": [1, 4], "scores": [0, 3, 5], "direction": "increasing"}
    data["scoring"]["value_functions"]["economy"] = steps
    data["scoring"]["participation"]["counts"] = {"Portal": {1: 2, 5: 3}, "Schule": {2: 4, 3: 0}}
    del data["scoring"]["participation"]["responses"]
    pf = portfolio_from_dict(data)
    kp.write(pf, target)
    assert kp.read(target) == pf


def test_written_files_leave_derived_values_out(scored: kp.Portfolio, tmp_path: Path) -> None:
    kp.write(scored, tmp_path / "pf.yaml")
    text = yaml.safe_load((tmp_path / "pf.yaml").read_text(encoding="utf-8"))
    assert all("weight" not in c for c in text["criteria"])
    portal = next(p for p in text["projects"] if p["id"] == "portal")
    assert portal["scores"] == {"urgency": 4}
    schule = next(p for p in text["projects"] if p["id"] == "schule")
    assert "earliest_start" not in schule


def test_scoring_data_edited_after_writing_reads_without_stale_values(scored: kp.Portfolio, tmp_path: Path) -> None:
    path = tmp_path / "pf.yaml"
    kp.write(scored, path)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["scoring"]["raw_values"]["portal"]["economy"] = 8
    data["scoring"]["participation"]["counts"]["Schule"] = {"priority": 10}
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    back = kp.read(path)
    assert back.project("portal").scores["economy"] == 1.0  # 5 · (10 − 8) / 10
    assert back.project("schule").scores["citizen"] == 5.0
    assert back.project("schule").earliest_start is None


def test_workbook_edited_after_writing_reads_the_new_raw_value(scored: kp.Portfolio, tmp_path: Path) -> None:
    path = tmp_path / "pf.xlsx"
    kp.write(scored, path)
    wb = openpyxl.load_workbook(path)
    sheet = wb["Rohwerte"]
    assert sheet.cell(2, 1).value == "portal"
    sheet.cell(2, 2).value = 6
    wb.save(path)
    assert kp.read(path).project("portal").scores["economy"] == 2.0


def test_table_errors_name_file_sheet_row_and_column(scored: kp.Portfolio, tmp_path: Path) -> None:
    path = tmp_path / "pf.xlsx"
    kp.write(scored, path)
    wb = openpyxl.load_workbook(path)
    wb["Rohwerte"].cell(2, 1).value = "nix"
    wb.save(path)
    with pytest.raises(ValidationError, match=r"pf\.xlsx, sheet Rohwerte, row 2.*unknown project 'nix'"):
        kp.read(path)
    kp.write(scored, path)
    wb = openpyxl.load_workbook(path)
    wb["Paarvergleich"].cell(3, 4).value = "viel"
    wb.save(path)
    with pytest.raises(ValidationError, match=r"sheet Paarvergleich, row 3.*judgement"):
        kp.read(path)
    kp.write(scored, path)
    wb = openpyxl.load_workbook(path)
    wb["Beteiligung"].cell(2, 2).value = "viele"
    wb.save(path)
    with pytest.raises(ValidationError, match=r"sheet Beteiligung, row 2, column Priorität"):
        kp.read(path)
    kp.write(scored, path)
    wb = openpyxl.load_workbook(path)
    wb["Themen"].cell(1, 2).value = "Farbe"
    wb.save(path)
    with pytest.raises(DataFormatError, match=r"sheet Themen.*unknown column 'Farbe'"):
        kp.read(path)


def test_csv_folder_cell_error_names_the_file(scored: kp.Portfolio, tmp_path: Path) -> None:
    folder = tmp_path / "pf"
    kp.write(scored, folder)
    raw = folder / "rohwerte.csv"
    raw.write_text(raw.read_text(encoding="utf-8").replace("portal,4", "portal,vier"), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"rohwerte\.csv, row 2, column economy: the raw value is not a number"):
        kp.read(folder)


def test_rules_the_tables_cannot_hold_are_refused_on_writing(tmp_path: Path) -> None:
    section = copy.deepcopy(SECTION)
    section["participation"]["rules"]["category_scores"] = {"priority": 3, "important": 2, "later": 1, "dropped": 0}
    pf = portfolio_from_dict(_data(section))
    with pytest.raises(DataFormatError, match="category_scores"):
        kp.write(pf, tmp_path / "pf.xlsx")
    kp.write(pf, tmp_path / "pf.yaml")
    assert kp.read(tmp_path / "pf.yaml") == pf


# --------------------------------------------------------------------------- the bundled example
def test_example_section_reproduces_the_given_weights_basis_and_scores(example_path: Path) -> None:
    pf = kp.read(example_path)
    data = yaml.safe_load(example_path.read_text(encoding="utf-8"))
    scoring = data.pop("scoring")
    without = portfolio_from_dict(data)
    # Same criteria and projects as without the section: the optimum pinned elsewhere cannot move.
    assert pf.criteria == without.criteria and pf.projects == without.projects
    assert dataclasses.replace(pf, sections={}) == dataclasses.replace(without, sections={})
    # Each theme's citizen score from its counts, by the documented rule: mean of 4/3/2/1, onto 0 … 5.
    counts = scoring["participation"]["counts"]
    values = {"priority": 4, "important": 3, "later": 2, "dropped": 1}
    for theme, mapped in scoring["participation"]["themes"].items():
        n = sum(counts[theme].values())
        mean = sum(values[a] * k for a, k in counts[theme].items()) / n
        expected = 5 * (mean - 1) / 3
        members = [p for p in pf.projects if p.id in mapped.get("projects", ()) or p.field in mapped.get("fields", ())]
        assert members
        for p in members:
            assert p.scores["citizen"] == pytest.approx(expected, abs=1e-9), (theme, p.id)
    for pid, raw in scoring["raw_values"].items():
        assert pf.project(pid).scores["economy"] == pytest.approx(5 * (12 - raw["economy"]) / 10)
    result = kp.scoring.evaluate(pf)
    assert result.dropped == () and not result.applied
    assert result.participation is not None and result.participation.verdict("Digitale Parkscheine") == "dropped"
    assert result.derived_weights is not None
    assert sum(result.derived_weights.as_dict().values()) == pytest.approx(1)


def test_example_round_trips_with_its_scoring_section(example_path: Path, tmp_path: Path) -> None:
    pf = kp.read(example_path)
    for suffix in (".yaml", ".json", ".xlsx", ""):
        target = tmp_path / f"m{suffix}"
        try:
            kp.write(pf, target)
        except DataFormatError as exc:  # another section may be YAML/JSON only
            assert "scoring" not in str(exc)
            continue
        assert kp.read(target) == pf


def test_evaluate_without_a_scoring_section(small: kp.Portfolio) -> None:
    result = kp.scoring.evaluate(small)
    assert result.derived_weights is None and result.participation is None and result.dropped == ()
    assert result.changes.empty
    for pid, row in result.benefit.iterrows():
        assert row["benefit"] == pytest.approx(small.project(str(pid)).benefit_value(small.criteria))


def test_every_error_is_the_librarys(scored: kp.Portfolio) -> None:
    data = _data()
    data["scoring"]["participation"]["counts"]["Portal"]["priority"] = math.inf
    with pytest.raises(KommunalPlannerError):
        portfolio_from_dict(data)


def test_importing_the_package_does_not_import_scipy_stats() -> None:
    """scipy.stats costs over half a second to import; participation statistics import it when they need it."""
    import subprocess
    import sys

    code = "import sys, kommunal_planner; print('scipy.stats' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
