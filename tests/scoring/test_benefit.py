"""Benefit points and exact ranking-stability intervals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kommunal_planner.errors import ValidationError
from kommunal_planner.scoring import ahp, benefit_table, direct_weights, ranking_stability

SCORES = pd.DataFrame(
    {
        "economy": [5, 2, 0, 3, 4],
        "citizen": [2, 4, 5, 3, 1],
        "law": [1, 3, 2, 5, 0],
    },
    index=pd.Index(["portal", "app", "park", "akte", "wlan"], name="project"),
)
WEIGHTS = {"economy": 0.5, "citizen": 0.3, "law": 0.2}


def _top(scores: pd.DataFrame, weights: dict[str, float], k: int) -> list[str]:
    total = benefit_table(scores, weights)["benefit"].round(9)
    order = sorted(range(len(total)), key=lambda p: (-total.iloc[p], p))
    return [str(scores.index[p]) for p in order[:k]]


def _rescaled(weights: dict[str, float], criterion: str, t: float) -> dict[str, float]:
    w0 = weights[criterion]
    return {c: (t if c == criterion else w * (1 - t) / (1 - w0)) for c, w in weights.items()}


class TestBenefit:
    def test_formula(self) -> None:
        """benefit = 100 * sum w_c s_c / (5 * sum w_c); portal: 100 (0.5*5 + 0.3*2 + 0.2*1) / 5 = 66."""
        table = benefit_table(SCORES, WEIGHTS)
        assert list(table.columns) == ["economy", "citizen", "law", "benefit"]
        assert table.loc["portal", "benefit"] == pytest.approx(66.0)
        assert table.loc["portal", "economy"] == pytest.approx(50.0)
        np.testing.assert_allclose(table[["economy", "citizen", "law"]].sum(axis=1), table["benefit"])
        assert table.index.name == "project"

    def test_weights_are_normalised_and_objects_accepted(self) -> None:
        raw = benefit_table(SCORES, {"economy": 5, "citizen": 3, "law": 2})
        pd.testing.assert_frame_equal(raw, benefit_table(SCORES, direct_weights(WEIGHTS)))
        pd.testing.assert_frame_equal(raw, benefit_table(SCORES, pd.Series(WEIGHTS)))
        result = ahp([[1, 2, 3], [1 / 2, 1, 2], [1 / 3, 1 / 2, 1]], criteria=["economy", "citizen", "law"])
        assert benefit_table(SCORES, result)["benefit"].between(0, 100).all()

    def test_extremes(self) -> None:
        scores = pd.DataFrame({"a": [0, 5], "b": [0, 5]}, index=["none", "all"])
        assert benefit_table(scores, {"a": 1, "b": 3})["benefit"].tolist() == [0.0, 100.0]

    @pytest.mark.parametrize(
        ("scores", "weights", "fragment"),
        [
            (SCORES.assign(economy=[5, 2, 0, 3, 6]), WEIGHTS, "outside 0 … 5"),
            (SCORES.assign(economy=[5, 2, 0, 3, -1]), WEIGHTS, "outside 0 … 5"),
            (SCORES.assign(economy=[5, 2, np.nan, 3, 1]), WEIGHTS, "missing"),
            (SCORES.assign(economy=[5, 2, "viel", 3, 1]), WEIGHTS, "not a number"),
            (SCORES, {"economy": 1, "citizen": 1}, "do not match"),
            (SCORES, {"economy": 1, "citizen": 1, "law": 1, "ecology": 1}, "do not match"),
            (SCORES, {"economy": -1, "citizen": 1, "law": 1}, "negative"),
            (SCORES, {"economy": 0, "citizen": 0, "law": 0}, "all zero"),
            (SCORES, [0.5, 0.3, 0.2], "cannot be read"),
            (SCORES.iloc[:0], WEIGHTS, "no projects"),
            ([[1, 2]], WEIGHTS, "must be a table"),
            (pd.concat([SCORES, SCORES.iloc[:1]]), WEIGHTS, "appears twice"),
        ],
    )
    def test_errors(self, scores: object, weights: object, fragment: str) -> None:
        with pytest.raises(ValidationError, match=fragment):
            benefit_table(scores, weights)  # type: ignore[arg-type]

    def test_error_names_project_and_criterion(self) -> None:
        with pytest.raises(ValidationError) as info:
            benefit_table(SCORES.assign(law=[1, 2, 3, 4, 9]), WEIGHTS)
        assert info.value.column == "law" and "'wlan'" in str(info.value)


class TestStability:
    @pytest.mark.parametrize("k", [1, 2, 3, 5])
    def test_intervals_match_brute_force(self, k: int) -> None:
        """Inside (lower, upper) the ordered top-k is unchanged; just beyond a bound below 1 (above 0) it
        changes. The bounds are exact crossing points, checked on both sides with a tiny step."""
        stability = ranking_stability(SCORES, WEIGHTS, k=k)
        reference = _top(SCORES, WEIGHTS, k)
        assert list(stability.attrs["top_k"]) == reference
        for criterion, row in stability.iterrows():
            lower, upper = row["lower"], row["upper"]
            assert lower <= row["weight"] <= upper
            for t in np.linspace(lower, upper, 23)[1:-1]:
                assert _top(SCORES, _rescaled(WEIGHTS, str(criterion), float(t)), k) == reference
            eps = 1e-7
            if lower > 0:
                assert _top(SCORES, _rescaled(WEIGHTS, str(criterion), lower - eps), k) != reference
                assert row["lower_event"]
            if upper < 1:
                assert _top(SCORES, _rescaled(WEIGHTS, str(criterion), upper + eps), k) != reference
                assert row["upper_event"]

    def test_hand_computed(self) -> None:
        """portal = 2 + 3t and app = 4 - 2t cross at t = 0.4 (economy weight t, citizen 1 - t)."""
        scores = pd.DataFrame({"economy": [5, 2, 0], "citizen": [2, 4, 5]}, index=["portal", "app", "park"])
        result = ranking_stability(scores, {"economy": 1, "citizen": 1}, k=2)
        assert result.loc["economy", "lower"] == pytest.approx(0.4)
        assert result.loc["economy", "upper"] == 1.0
        assert result.loc["economy", "lower_event"] == "'app' overtakes 'portal'"
        assert result.loc["citizen", "upper"] == pytest.approx(0.6)

    def test_single_criterion_and_large_k(self) -> None:
        scores = pd.DataFrame({"a": [1, 2]}, index=["x", "y"])
        result = ranking_stability(scores, {"a": 1}, k=10)
        assert (result.loc["a", "lower"], result.loc["a", "upper"]) == (1.0, 1.0)
        assert result.attrs["top_k"] == ("y", "x")

    def test_zero_weight_criterion(self) -> None:
        result = ranking_stability(SCORES, {"economy": 0.6, "citizen": 0.4, "law": 0.0}, k=2)
        assert result.loc["law", "lower"] == 0.0

    @pytest.mark.parametrize("k", [0, -1, 1.5, True, "2"])
    def test_bad_k(self, k: object) -> None:
        with pytest.raises(ValidationError, match="k must be"):
            ranking_stability(SCORES, WEIGHTS, k=k)  # type: ignore[arg-type]
