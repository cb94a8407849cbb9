"""Value functions: evaluation, dict round trip and validation of the dict schema."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kommunal_planner.errors import ValidationError
from kommunal_planner.scoring import (
    CategoricalValue,
    LinearValue,
    PiecewiseLinearValue,
    StepValue,
    apply_value_functions,
    value_function_from_dict,
)


class TestLinear:
    def test_increasing_clipped(self) -> None:
        f = LinearValue("economy", worst=0, best=50_000)
        np.testing.assert_allclose(f(np.array([-1.0, 0, 10_000, 50_000, 1e9])), [0, 0, 1, 5, 5])
        assert f(25_000) == 2.5 and isinstance(f(25_000), float)
        assert f.direction == "increasing"

    def test_decreasing(self) -> None:
        f = LinearValue("cost", worst=100_000, best=20_000)
        assert f.direction == "decreasing"
        np.testing.assert_allclose(f([100_000, 60_000, 20_000, 0]), [0, 2.5, 5, 5])

    def test_dict_round_trip_and_aliases(self) -> None:
        data = {
            "criterion": "economy",
            "kind": "linear",
            "worst": 0,
            "best": 50000,
            "direction": "increasing",
        }
        f = value_function_from_dict(data)
        assert isinstance(f, LinearValue)
        assert f.to_dict() == {**data, "worst": 0.0, "best": 50000.0}
        assert value_function_from_dict(f.to_dict()) == f
        german = {
            "Kriterium": "Kosten",
            "Art": "linear",
            "schlechtester": 100,
            "bester": 0,
            "Richtung": "fallend",
        }
        g = value_function_from_dict(german)
        assert g == LinearValue("Kosten", 100, 0)

    def test_contradicting_direction(self) -> None:
        data = {"criterion": "cost", "kind": "linear", "worst": 0, "best": 100, "direction": "decreasing"}
        with pytest.raises(ValidationError, match="contradicts"):
            value_function_from_dict(data, path="value_functions[1]")

    def test_equal_ends(self) -> None:
        with pytest.raises(ValidationError, match="equal"):
            LinearValue("x", 3, 3)


class TestPiecewiseAndStep:
    def test_piecewise(self) -> None:
        f = PiecewiseLinearValue("users", points=((0, 0), (1000, 3), (10000, 5)), direction="increasing")
        np.testing.assert_allclose(f([-5, 0, 500, 1000, 5500, 10000, 1e6]), [0, 0, 1.5, 3, 4, 5, 5])
        assert value_function_from_dict(f.to_dict()) == f

    def test_piecewise_dict_forms(self) -> None:
        data = {
            "criterion": "users",
            "kind": "stückweise",
            "stützstellen": [{"wert": 0, "punkte": 0}, {"value": 100, "score": 5}],
        }
        f = value_function_from_dict(data)
        assert f(50) == 2.5

    def test_step(self) -> None:
        f = StepValue("rating", thresholds=(4, 7), scores=(0, 3, 5))
        np.testing.assert_allclose(f([1, 3.99, 4, 6.9, 7, 10]), [0, 0, 3, 3, 5, 5])
        assert value_function_from_dict(f.to_dict()) == f
        decreasing = StepValue("risk", thresholds=(2,), scores=(5, 1), direction="decreasing")
        assert decreasing(1) == 5 and decreasing(2) == 1

    @pytest.mark.parametrize(
        ("data", "fragment"),
        [
            ({"kind": "piecewise", "criterion": "u", "points": [[0, 0]]}, "at least two"),
            ({"kind": "piecewise", "criterion": "u", "points": [[0, 0], [0, 5]]}, "increase strictly"),
            ({"kind": "piecewise", "criterion": "u", "points": [[0, 0], [1, 6]]}, "outside the score range"),
            ({"kind": "piecewise", "criterion": "u", "points": [[0, 0], [1]]}, r"\[value, score\]"),
            (
                {"kind": "piecewise", "criterion": "u", "points": [[0, 5], [1, 0]], "direction": "up"},
                "direction",
            ),
            (
                {
                    "kind": "piecewise",
                    "criterion": "u",
                    "points": [[0, 5], [1, 0]],
                    "direction": "increasing",
                },
                "do not follow",
            ),
            ({"kind": "piecewise", "criterion": "u"}, "needs 'points'"),
            (
                {"kind": "step", "criterion": "r", "thresholds": [5, 3], "scores": [0, 1, 2]},
                "increase strictly",
            ),
            ({"kind": "step", "criterion": "r", "thresholds": [5], "scores": [0, 1, 2]}, "one score more"),
            ({"kind": "step", "criterion": "r", "thresholds": [], "scores": [0]}, "at least one threshold"),
            ({"kind": "step", "criterion": "r", "thresholds": "5", "scores": [0, 1]}, "must be a list"),
            ({"kind": "step", "criterion": "r", "scores": [0, 1]}, "needs 'thresholds'"),
            (
                {"kind": "step", "criterion": "r", "thresholds": [1], "scores": [-1, 1]},
                "outside the score range",
            ),
        ],
    )
    def test_bad_sections(self, data: dict[str, object], fragment: str) -> None:
        with pytest.raises(ValidationError, match=fragment):
            value_function_from_dict(data, path="value_functions[0]")

    def test_error_path_is_prefixed(self) -> None:
        data = {"kind": "step", "criterion": "r", "thresholds": [1, "x"], "scores": [0, 1, 2]}
        with pytest.raises(ValidationError) as info:
            value_function_from_dict(data, path="value_functions[4]")
        assert info.value.path == "value_functions[4].thresholds[1]"


class TestCategorical:
    def test_yes_no_synonyms(self) -> None:
        f = CategoricalValue("ozg", categories=(("yes", 5), ("no", 0)))
        np.testing.assert_allclose(f(["yes", "Ja", " NEIN ", True, False, "x"]), [5, 5, 0, 5, 0, 5])
        assert f("nein") == 0.0

    def test_mapping_and_default(self) -> None:
        f = value_function_from_dict(
            {
                "criterion": "stage",
                "kind": "categorical",
                "categories": {"pilot": 2, "Rollout": 5},
                "default": 1,
            }
        )
        assert isinstance(f, CategoricalValue)
        assert f("rollout") == 5 and f("unknown") == 1 and f(None) == 1
        assert value_function_from_dict(f.to_dict()) == f

    def test_unknown_category(self) -> None:
        f = CategoricalValue("ozg", categories={"ja": 5, "nein": 0})  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match="unknown category") as info:
            f(["ja", "vielleicht"])
        assert "position 1" in str(info.value)

    @pytest.mark.parametrize(
        ("categories", "fragment"),
        [
            ({"ja": 5, "yes": 4}, "mean the same"),
            ({}, "needs categories"),
            ({"ja": 7}, "outside the score range"),
            ("ja", "must map names"),
            ([("ja", 5, 1)], r"\(name, score\)"),
        ],
    )
    def test_bad_categories(self, categories: object, fragment: str) -> None:
        with pytest.raises(ValidationError, match=fragment):
            CategoricalValue("ozg", categories=categories)  # type: ignore[arg-type]


class TestSchema:
    def test_unknown_key_is_named(self) -> None:
        with pytest.raises(ValidationError) as info:
            value_function_from_dict(
                {"criterion": "x", "kind": "linear", "worst": 0, "best": 1, "colour": "red"},
                path="value_functions[2]",
            )
        assert info.value.path == "value_functions[2].colour"
        assert "'colour'" in str(info.value)

    @pytest.mark.parametrize(
        ("data", "fragment"),
        [
            ({"criterion": "x", "worst": 0, "best": 1}, "needs 'kind'"),
            ({"criterion": "x", "kind": "cubic"}, "unknown kind"),
            ({"kind": "linear", "worst": 0, "best": 1}, "name of its criterion"),
            ({"criterion": "x", "kind": "linear", "best": 1}, "needs 'worst'"),
            ({"criterion": "x", "kind": "linear", "worst": "null", "best": 1}, "not a number"),
            ({"criterion": "x", "kind": "linear", "worst": 0, "best": 1, "Worst": 2}, "twice"),
            (["criterion", "x"], "must be a mapping"),
            ({"criterion": "x", "kind": "linear", "worst": 0, "best": 1, 3: 4}, "not text"),
        ],
    )
    def test_bad_dicts(self, data: object, fragment: str) -> None:
        with pytest.raises(ValidationError, match=fragment):
            value_function_from_dict(data)  # type: ignore[arg-type]

    def test_kind_mismatch_in_class_from_dict(self) -> None:
        with pytest.raises(ValidationError, match="expected a linear"):
            LinearValue.from_dict({"criterion": "x", "kind": "step", "thresholds": [1], "scores": [0, 1]})


class TestEvaluationErrors:
    @pytest.mark.parametrize(
        ("values", "fragment"),
        [
            ([1.0, np.nan], "missing or not finite"),
            ([1.0, np.inf], "missing or not finite"),
            (["1", "zwei"], "not a number"),
            ([True, False], "categorical"),
            ([[1, 2], [3]], "flat list"),
            (None, "missing"),
        ],
    )
    def test_bad_raw_values(self, values: object, fragment: str) -> None:
        with pytest.raises(ValidationError, match=fragment):
            LinearValue("economy", 0, 10)(values)  # type: ignore[arg-type]

    def test_numeric_text_is_read(self) -> None:
        np.testing.assert_allclose(LinearValue("economy", 0, 10)(["2", "2,5", 5]), [1, 1.25, 2.5])


class TestApply:
    def test_table(self) -> None:
        raw = pd.DataFrame(
            {"economy": [0, 25_000, 60_000], "ozg": ["ja", "nein", "ja"], "rating": [3, 8, 5]},
            index=pd.Index(["portal", "akte", "app"], name="project"),
        )
        functions = [
            LinearValue("economy", 0, 50_000),
            CategoricalValue("ozg", (("yes", 5), ("no", 0))),
            StepValue("rating", (4, 7), (0, 3, 5)),
        ]
        scores = apply_value_functions(raw, functions)
        assert scores.index.name == "project"
        assert scores.to_dict("list") == {
            "economy": [0.0, 2.5, 5.0],
            "ozg": [5.0, 0.0, 5.0],
            "rating": [0.0, 5.0, 3.0],
        }

    def test_missing_value_names_project_and_column(self) -> None:
        raw = pd.DataFrame({"economy": [1.0, None]}, index=["portal", "akte"])
        with pytest.raises(ValidationError) as info:
            apply_value_functions(raw, [LinearValue("economy", 0, 10)])
        assert info.value.column == "economy" and "akte" in str(info.value)

    def test_missing_column_and_duplicates(self) -> None:
        raw = pd.DataFrame({"economy": [1.0]})
        with pytest.raises(ValidationError, match="no column for criterion 'users'"):
            apply_value_functions(raw, [LinearValue("users", 0, 10)])
        with pytest.raises(ValidationError, match="more than once"):
            apply_value_functions(raw, [LinearValue("economy", 0, 10), LinearValue("economy", 0, 5)])
        with pytest.raises(ValidationError, match="not a value function"):
            apply_value_functions(raw, ["economy"])  # type: ignore[list-item]
        with pytest.raises(ValidationError, match="DataFrame"):
            apply_value_functions({"economy": [1]}, [LinearValue("economy", 0, 10)])  # type: ignore[arg-type]
