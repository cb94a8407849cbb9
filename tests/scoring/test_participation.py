"""Citizen participation: aggregation, intervals, verdict rules and effects on projects."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import pandas as pd
import pytest

from kommunal_planner.errors import ValidationError
from kommunal_planner.scoring import (
    ParticipationRules,
    aggregate_participation,
    apply_participation,
)
from kommunal_planner.scoring._participation import _wilson

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Project:
    id: str
    field: str
    tags: tuple[str, ...] = ()
    mandatory: bool = False
    earliest_start: int | None = None


def _answers(rows: list[tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["Thema", "Antwort"])


WORKSHOP = _answers(
    [("Bürgerportal", "Priorität")] * 6
    + [("Bürgerportal", "wichtig")] * 3
    + [("Bürgerportal", "später")]
    + [("Parkraum-App", "verzichtbar")] * 5
    + [("Parkraum-App", "entfällt"), ("Parkraum-App", "streichen"), ("Parkraum-App", "wichtig")]
    + [("Smart City", "später")] * 4
    + [("Smart City", "Priorität")] * 2
)


class TestIntervals:
    @pytest.mark.parametrize(
        ("successes", "n", "low", "high"),
        [(81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0, 0.1611), (1, 29, 0.0061, 0.1718)],
    )
    def test_wilson_matches_newcombe_1998(self, successes: int, n: int, low: float, high: float) -> None:
        """Newcombe (1998), "Two-sided confidence intervals for the single proportion: comparison of seven
        methods", Statistics in Medicine 17, 857-872, Table II, method 3 (Wilson score interval)."""
        lo, hi = _wilson(successes, n, Z95)
        assert (round(lo, 4), round(hi, 4)) == (low, high)

    def test_t_interval_of_ratings(self) -> None:
        """Ratings 1..5 once each: mean 3, s = sqrt(2.5), t(0.975, 4) = 2.776445 -> 3 +- 1.96334."""
        answers = pd.DataFrame({"theme": ["portal"] * 5, "rating": [1, 2, 3, 4, 5]})
        row = aggregate_participation(answers).table.loc["portal"]
        half = 2.7764451051977987 * math.sqrt(2.5) / math.sqrt(5)
        assert row["mean"] == 3.0
        assert row["mean_low"] == pytest.approx(3 - half) and row["mean_high"] == pytest.approx(3 + half)
        assert row["score"] == pytest.approx(2.5)

    def test_single_answer_has_no_interval(self) -> None:
        row = aggregate_participation(_answers([("portal", "wichtig")])).table.loc["portal"]
        assert math.isnan(row["mean_low"]) and row["n"] == 1


class TestAggregate:
    def test_counts_shares_scores_verdicts(self) -> None:
        agg = aggregate_participation(WORKSHOP)
        table = agg.table
        assert agg.answer_kind == "categories"
        portal = table.loc["Bürgerportal"]
        assert (portal["n"], portal["n_priority"], portal["n_important"], portal["n_later"]) == (10, 6, 3, 1)
        # mean = (6*4 + 3*3 + 1*2) / 10 = 3.5 -> score 5 * (3.5 - 1) / 3
        assert portal["mean"] == pytest.approx(3.5) and portal["score"] == pytest.approx(5 * 2.5 / 3)
        assert portal["verdict"] == "priority"
        assert agg.verdict("bürgerportal") == "priority"
        assert agg.verdict("Parkraum-App") == "dropped"
        assert table.loc["Parkraum-App", "share_dropped"] == pytest.approx(7 / 8)
        assert agg.verdict("Smart City") == "later"
        assert "0.667 > 0.500" in table.loc["Smart City", "reason"]
        assert agg.themes == ("Bürgerportal", "Parkraum-App", "Smart City")

    def test_lower_bound_basis_is_more_cautious(self) -> None:
        answers = _answers([("A", "verzichtbar")] * 3 + [("A", "wichtig")] * 2)
        assert aggregate_participation(answers).verdict("A") == "dropped"
        cautious = aggregate_participation(answers, rules=ParticipationRules(basis="lower_bound"))
        assert cautious.verdict("A") != "dropped"
        low = cautious.table.loc["A", "dropped_low"]
        assert low == pytest.approx(_wilson(3, 5, Z95)[0])

    def test_thresholds_are_configurable(self) -> None:
        answers = _answers([("A", "verzichtbar")] * 2 + [("A", "wichtig")] * 3)
        assert aggregate_participation(answers).verdict("A") == "important"
        strict = aggregate_participation(answers, rules=ParticipationRules(drop_share=0.3))
        assert strict.verdict("A") == "dropped"
        relaxed = aggregate_participation(answers).with_rules(ParticipationRules(drop_share=0.3))
        assert relaxed.verdict("A") == "dropped"

    def test_ratings_and_column_names(self) -> None:
        answers = pd.DataFrame(
            {"Teilnehmer": ["a", "b", "c", "a"], "Thema": ["T", "T", "T", "U"], "Bewertung": [5, "4", 1.0, 2]}
        )
        agg = aggregate_participation(answers)
        assert agg.answer_kind == "ratings"
        t = agg.table.loc["T"]
        assert (t["n_priority"], t["n_important"], t["n_dropped"]) == (1, 1, 1)
        assert t["mean"] == pytest.approx(10 / 3)
        assert t["score"] == pytest.approx(5 * (10 / 3 - 1) / 4)

    def test_blank_answers_are_skipped(self) -> None:
        answers = _answers([("A", "wichtig"), ("A", ""), ("A", None)])  # type: ignore[list-item]
        agg = aggregate_participation(answers)
        assert agg.skipped == 2 and agg.table.loc["A", "n"] == 1

    def test_rules_round_trip(self) -> None:
        rules = ParticipationRules(
            category_scores={"Priorität": 5, "wichtig": 3, "später": 2, "verzichtbar": 0},  # type: ignore[arg-type]
            drop_share=0.4,
            later_share=0.6,
            basis="lower_bound",
            later_start_year=2028,
            unmatched_score=2.5,
        )
        assert ParticipationRules.from_dict(rules.to_dict()) == rules
        assert rules.category_scores[0] == ("priority", 5.0)
        german = ParticipationRules.from_dict(
            {"anteil_verzichtbar": 0.3, "später_ab": 2029, "grundlage": "untergrenze"}
        )
        assert (german.drop_share, german.later_start_year, german.basis) == (0.3, 2029, "lower_bound")

    @pytest.mark.parametrize(
        ("data", "fragment"),
        [
            ({"drop_share": 1.5}, "not a share"),
            ({"drop_shares": 0.5}, "unknown key 'drop_shares'"),
            ({"basis": "median"}, "unknown basis"),
            ({"confidence": 1}, "confidence out of range"),
            ({"min_responses": -1}, "min_responses"),
            ({"later_start_year": 2027.5}, "later_start_year"),
            ({"category_scores": {"priority": 4}}, "every answer category"),
            ({"category_scores": {"priority": 1, "important": 2, "later": 3, "dropped": 4}}, "must fall"),
            ({"category_scores": {"top": 1}}, "unknown answer category"),
            ({"rating_scale": [5, 1]}, "must rise"),
            ({"rating_scale": 5}, r"\[lowest, highest\]"),
            ({"rating_categories": {1: "dropped"}}, "every rating"),
            ({"unmatched_score": 7}, "out of range"),
        ],
    )
    def test_bad_rules(self, data: dict[str, object], fragment: str) -> None:
        with pytest.raises(ValidationError, match=fragment):
            ParticipationRules.from_dict(data, path="participation.rules")

    @pytest.mark.parametrize(
        ("frame", "fragment"),
        [
            (pd.DataFrame({"Thema": [], "Antwort": []}), "no answers"),
            (pd.DataFrame({"Thema": ["A"], "Antwort": [None]}), "no answers"),
            (pd.DataFrame({"Thema": ["A"], "Note": ["wichtig"]}), "no answer column"),
            (pd.DataFrame({"Antwort": ["wichtig"]}), "no theme column"),
            (pd.DataFrame({"Thema": [None], "Antwort": ["wichtig"]}), "no theme"),
            (pd.DataFrame({"Thema": ["A"], "Antwort": ["vielleicht"]}), "neither an answer category"),
            (pd.DataFrame({"Thema": ["A"], "Antwort": [7]}), "neither an answer category"),
            (pd.DataFrame({"Thema": ["A"], "Antwort": [2.5]}), "neither an answer category"),
            (pd.DataFrame({"Thema": ["A", "A"], "Antwort": ["wichtig", 3]}), "mixes"),
            (pd.DataFrame({"Thema": ["A"], "Antwort": ["wichtig"], "answer": ["x"]}), "several columns"),
            (
                pd.DataFrame({"respondent": [1, 1], "theme": ["A", "a "], "answer": ["wichtig", "später"]}),
                "answered theme 'A' twice",
            ),
        ],
    )
    def test_bad_tables(self, frame: pd.DataFrame, fragment: str) -> None:
        with pytest.raises(ValidationError, match=fragment):
            aggregate_participation(frame)

    def test_error_names_row(self) -> None:
        frame = pd.DataFrame({"Thema": ["A", "B"], "Antwort": ["wichtig", "egal"]}, index=[14, 15])
        with pytest.raises(ValidationError) as info:
            aggregate_participation(frame)
        assert info.value.row == 15 and info.value.column == "Antwort"

    def test_not_a_frame(self) -> None:
        with pytest.raises(ValidationError, match="table"):
            aggregate_participation([("A", "wichtig")])  # type: ignore[arg-type]


class TestApply:
    MAPPING: ClassVar[dict[str, object]] = {
        "Bürgerportal": {"fields": ["Bürgerservice"]},
        "Parkraum-App": {"tags": ["parken"]},
        "Smart City": {"handlungsfelder": ["Stadtentwicklung"], "schlagworte": ["sensorik"]},
    }

    def test_effects_and_trace(self) -> None:
        projects = [
            Project("eakte", "Bürgerservice"),
            Project("parkapp", "Mobilität", tags=("Parken",)),
            Project("sensoren", "Umwelt", tags=("Sensorik",), earliest_start=2026),
            Project("both", "Bürgerservice", tags=("sensorik",)),
            Project("intranet", "Verwaltung"),
        ]
        rules = ParticipationRules(later_start_year=2028)
        agg = aggregate_participation(WORKSHOP, rules=rules)
        effect = apply_participation(projects, agg, self.MAPPING)
        assert effect.dropped == ("parkapp",)
        assert dict(effect.earliest_start) == {"sensoren": 2028, "both": 2028}
        portal = agg.table.loc["Bürgerportal", "score"]
        smart = agg.table.loc["Smart City", "score"]
        assert effect.citizen["eakte"] == pytest.approx(portal)
        assert effect.citizen["both"] == pytest.approx((portal + smart) / 2)
        assert math.isnan(effect.citizen["intranet"])
        assert effect.unmatched == ("intranet",)
        changes = effect.changes
        assert list(changes.columns) == ["project", "theme", "rule", "value", "threshold", "effect"]
        drop = changes[(changes["project"] == "parkapp") & (changes["rule"] == "dropped")].iloc[0]
        assert drop["theme"] == "Parkraum-App"
        assert drop["value"] == pytest.approx(7 / 8) and drop["threshold"] == 0.5
        later = changes[(changes["project"] == "sensoren") & (changes["rule"] == "later")].iloc[0]
        assert later["effect"] == "earliest start 2028 (was 2026)"
        assert later["value"] == pytest.approx(4 / 6)

    def test_rules_passed_to_apply_take_effect(self) -> None:
        agg = aggregate_participation(WORKSHOP)
        effect = apply_participation(
            [Project("eakte", "Bürgerservice")],
            agg,
            {"Bürgerportal": "Bürgerservice"},
            ParticipationRules(unmatched_score=2.5, priority_share=0.9),
        )
        assert effect.changes["rule"].tolist() == ["citizen score"]

    def test_unmatched_score_rule(self) -> None:
        effect = apply_participation(
            [Project("intranet", "Verwaltung")],
            aggregate_participation(WORKSHOP, rules=ParticipationRules(unmatched_score=2.5)),
            {"Bürgerportal": ["Bürgerservice"]},
        )
        assert effect.citizen["intranet"] == 2.5
        assert effect.changes.iloc[0]["effect"] == "no theme"

    def test_later_start_already_late_enough(self) -> None:
        agg = aggregate_participation(WORKSHOP, rules=ParticipationRules(later_start_year=2028))
        effect = apply_participation(
            [Project("s", "x", ("sensorik",), earliest_start=2030)],
            agg,
            self.MAPPING,
        )
        assert dict(effect.earliest_start) == {}
        assert "stays 2030" in effect.changes.iloc[-1]["effect"]

    def test_mandatory_project_in_dropped_theme_is_an_error(self) -> None:
        agg = aggregate_participation(WORKSHOP)
        with pytest.raises(ValidationError) as info:
            apply_participation(
                [Project("ozg-park", "Mobilität", ("parken",), mandatory=True)],
                agg,
                self.MAPPING,
            )
        message = str(info.value)
        assert "'ozg-park'" in message and "'Parkraum-App'" in message

    def test_later_needs_a_year(self) -> None:
        with pytest.raises(ValidationError, match="no mid-term year"):
            apply_participation(
                [Project("s", "x", ("sensorik",))],
                aggregate_participation(WORKSHOP),
                self.MAPPING,
            )

    def test_mapped_theme_without_answers(self) -> None:
        agg = aggregate_participation(WORKSHOP)
        with pytest.raises(ValidationError, match="too few answers") as info:
            apply_participation([Project("a", "x")], agg, {"Glasfaser": ["x"]})
        assert "Bürgerportal" in str(info.value)
        lenient = apply_participation(
            [Project("a", "x")], agg, {"Glasfaser": ["x"]}, ParticipationRules(min_responses=0)
        )
        assert lenient.skipped_themes == ("Glasfaser",)
        with pytest.raises(ValidationError, match="too few answers"):
            apply_participation(
                [Project("a", "x")],
                agg,
                {"Smart City": ["x"]},
                ParticipationRules(min_responses=7),
            )

    @pytest.mark.parametrize(
        ("mapping", "fragment"),
        [
            ({}, "theme mapping"),
            ({"Bürgerportal": {}}, "no field of action, tag or project"),
            ({"Bürgerportal": {"felder": ["x"]}}, "unknown key 'felder'"),
            ({"Bürgerportal": {"fields": [1]}}, "list of names"),
            ({"": ["x"]}, "needs a name"),
        ],
    )
    def test_bad_mappings(self, mapping: dict[str, object], fragment: str) -> None:
        with pytest.raises(ValidationError, match=fragment):
            apply_participation([Project("a", "x")], aggregate_participation(WORKSHOP), mapping)

    def test_bad_projects(self) -> None:
        agg = aggregate_participation(WORKSHOP)
        mapping = {"Bürgerportal": ["x"]}
        with pytest.raises(ValidationError, match="appears twice"):
            apply_participation([Project("a", "x"), Project("a", "y")], agg, mapping)
        with pytest.raises(ValidationError, match="no attribute 'id'"):
            apply_participation([object()], agg, mapping)
        with pytest.raises(ValidationError, match="mandatory"):
            apply_participation([Project("a", "x", mandatory="ja")], agg, mapping)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="earliest_start"):
            apply_participation([Project("a", "x", earliest_start="2027")], agg, mapping)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="tags"):
            apply_participation([Project("a", "x", tags="parken")], agg, mapping)  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="aggregate_participation"):
            apply_participation([Project("a", "x")], WORKSHOP, mapping)  # type: ignore[arg-type]
