"""Direct, rank-based and swing weights."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from kommunal_planner.errors import ValidationError
from kommunal_planner.scoring import Weights, direct_weights, rank_weights, swing_weights

CRITERIA = ["law", "economy", "citizen", "ecology"]


class TestRankWeights:
    @pytest.mark.parametrize(
        ("method", "expected"),
        [
            # ROC, n = 4: w_k = (1/4) sum_{i>=k} 1/i -> 25/48, 13/48, 7/48, 3/48 (Barron & Barrett 1996).
            ("roc", [Fraction(25, 48), Fraction(13, 48), Fraction(7, 48), Fraction(3, 48)]),
            # Rank sum, n = 4: 2 (n + 1 - k) / (n (n + 1)) -> 4/10, 3/10, 2/10, 1/10.
            ("rank-sum", [Fraction(4, 10), Fraction(3, 10), Fraction(2, 10), Fraction(1, 10)]),
            # Rank reciprocal, n = 4: (1/k) / (25/12) -> 12/25, 6/25, 4/25, 3/25.
            ("rank-reciprocal", [Fraction(12, 25), Fraction(6, 25), Fraction(4, 25), Fraction(3, 25)]),
        ],
    )
    def test_formulas_n4(self, method: str, expected: list[Fraction]) -> None:
        w = rank_weights(CRITERIA, method=method)
        np.testing.assert_allclose(w.weights, [float(x) for x in expected], rtol=1e-12)
        assert w.criteria == tuple(CRITERIA)
        assert w.method == method

    def test_short_names(self) -> None:
        assert rank_weights(CRITERIA, method="RS").method == "rank-sum"
        assert rank_weights(CRITERIA, method="rr").method == "rank-reciprocal"

    def test_ties_share_mean_positional_weight(self) -> None:
        """economy and citizen tie for positions 2 and 3: each gets (13/48 + 7/48) / 2 = 10/48 under ROC."""
        as_list = rank_weights(["law", ["economy", "citizen"], "ecology"])
        as_ranks = rank_weights({"law": 1, "economy": 2, "citizen": 2, "ecology": 4})
        dense = rank_weights({"law": 1, "economy": 2, "citizen": 2, "ecology": 3})
        for w in (as_list, as_ranks, dense):
            assert w.as_dict() == pytest.approx(
                {"law": 25 / 48, "economy": 10 / 48, "citizen": 10 / 48, "ecology": 3 / 48}
            )

    def test_all_tied_is_equal(self) -> None:
        w = rank_weights([CRITERIA])
        np.testing.assert_allclose(w.weights, 0.25)

    def test_series_ranking(self) -> None:
        w = rank_weights(pd.Series({"law": 2, "economy": 1}), method="rank-sum")
        assert w.as_dict() == pytest.approx({"law": 1 / 3, "economy": 2 / 3})

    @pytest.mark.parametrize(
        ("ranking", "fragment"),
        [
            ({"law": 0}, "whole number >= 1"),
            ({"law": 1.5}, "whole number >= 1"),
            ({"law": "first"}, "not a number"),
            ({"law": None}, "missing"),
            (["law", "law"], "more than once"),
            (["law", ["economy", "law"]], "more than once"),
            ([], "names no criterion"),
            ("law", "cannot be read"),
            (["law", 3.5], "neither a criterion"),
            (["law", []], "tie group is empty"),
        ],
    )
    def test_bad_rankings(self, ranking: object, fragment: str) -> None:
        with pytest.raises(ValidationError, match=fragment):
            rank_weights(ranking)  # type: ignore[arg-type]

    def test_unknown_method(self) -> None:
        with pytest.raises(ValidationError, match="unknown rank weighting method"):
            rank_weights(CRITERIA, method="borda")


class TestDirectAndSwing:
    def test_direct_normalises(self) -> None:
        w = direct_weights({"law": 40, "economy": "30", "citizen": "20,0", "ecology": 10})
        assert w.as_dict() == pytest.approx({"law": 0.4, "economy": 0.3, "citizen": 0.2, "ecology": 0.1})
        assert w["economy"] == pytest.approx(0.3)
        assert len(w) == 4

    def test_direct_accepts_zero_for_some(self) -> None:
        assert direct_weights({"law": 0, "economy": 2}).as_dict() == {"law": 0.0, "economy": 1.0}

    def test_swing_points(self) -> None:
        """Swing: top swing 100, others relative; weight = points / sum of points."""
        w = swing_weights({"economy": 100, "citizen": 80, "law": 20})
        assert w.as_dict() == pytest.approx({"economy": 0.5, "citizen": 0.4, "law": 0.1})
        assert w.method == "swing"

    @pytest.mark.parametrize("function", [direct_weights, swing_weights])
    @pytest.mark.parametrize(
        ("values", "fragment"),
        [
            ({"law": -1, "economy": 2}, "negative"),
            ({"law": 0, "economy": 0}, "zero"),
            ({"law": float("nan"), "economy": 1}, "missing"),
            ({"law": float("inf"), "economy": 1}, "not finite"),
            ({"law": "viel"}, "not a number"),
            ({}, "name no criterion"),
            ({"": 1}, "empty name"),
            ([1, 2], "cannot be read"),
        ],
    )
    def test_bad_values(self, function: object, values: object, fragment: str) -> None:
        with pytest.raises(ValidationError, match=fragment):
            function(values)  # type: ignore[operator]

    def test_weights_record(self) -> None:
        w = direct_weights({"law": 1, "economy": 3})
        with pytest.raises(ValueError):
            w.weights[0] = 0.9
        with pytest.raises(ValidationError, match="no weight for criterion"):
            w["ecology"]
        series = w.to_series()
        assert series.name == "weight" and series.index.name == "criterion"
        with pytest.raises(ValidationError, match="sum to 1"):
            Weights(("a", "b"), np.array([0.5, 0.6]), "direct")
        with pytest.raises(ValidationError, match="differ in length"):
            Weights(("a", "b"), np.array([1.0]), "direct")
