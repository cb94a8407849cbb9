"""AHP: published worked examples, hand-computed cases, completion, group aggregation and input errors."""

from __future__ import annotations

import math
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from kommunal_planner.errors import ValidationError
from kommunal_planner.scoring import (
    SAATY_RANDOM_INDEX,
    AHPResult,
    InconsistentJudgement,
    ahp,
    group_ahp,
)

# Saaty (1990), "How to make a decision: The Analytic Hierarchy Process", European Journal of Operational
# Research 48, 9-26, section "An example" (choosing a house): pairwise comparison of the eight criteria.
HOUSE_CRITERIA = [
    "size",
    "bus",
    "neighbourhood",
    "age",
    "yard",
    "facilities",
    "condition",
    "financing",
]
HOUSE = [
    [1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
    [1 / 5, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
    [1 / 3, 3, 1, 6, 3, 4, 6, 1 / 5],
    [1 / 7, 1 / 5, 1 / 6, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
    [1 / 6, 1 / 3, 1 / 3, 3, 1, 1 / 2, 1 / 5, 1 / 6],
    [1 / 6, 1 / 3, 1 / 4, 4, 2, 1, 1 / 5, 1 / 6],
    [3, 5, 1 / 6, 7, 5, 5, 1, 1 / 2],
    [4, 7, 5, 8, 6, 6, 2, 1],
]

# Saaty (1977), "A scaling method for priorities in hierarchical structures", Journal of Mathematical
# Psychology 15, 234-281, the wealth-of-nations example (also Saaty 1980, The Analytic Hierarchy Process,
# McGraw-Hill, ch. 2): US, USSR, China, France, UK, Japan, West Germany.
WEALTH = [
    [1, 4, 9, 6, 6, 5, 5],
    [1 / 4, 1, 7, 5, 5, 3, 4],
    [1 / 9, 1 / 7, 1, 1 / 5, 1 / 5, 1 / 7, 1 / 5],
    [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
    [1 / 6, 1 / 5, 5, 1, 1, 1 / 3, 1 / 3],
    [1 / 5, 1 / 3, 7, 3, 3, 1, 2],
    [1 / 5, 1 / 4, 5, 3, 3, 1 / 2, 1],
]

# Saaty (2008), "Decision making with the analytic hierarchy process", International Journal of Services
# Sciences 1(1), 83-98, table "Which drink is consumed more in the U.S.?".
DRINKS = [
    [1, 9, 5, 2, 1, 1, 1 / 2],
    [1 / 9, 1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
    [1 / 5, 3, 1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
    [1 / 2, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [1, 9, 4, 2, 1, 2, 1 / 2],
    [1, 9, 3, 1, 1 / 2, 1, 1 / 3],
    [2, 9, 9, 3, 2, 3, 1],
]


def _rounded(values: np.ndarray, digits: int) -> list[float]:
    return [round(float(v), digits) for v in values]


class TestPublishedExamples:
    def test_saaty_1990_house_criteria(self) -> None:
        """Saaty (1990), EJOR 48, 9-26, house example: the printed priority vector of the eight criteria is
        .173 .054 .188 .018 .031 .036 .167 .333 with lambda_max = 9.669, C.I. = 0.238 and C.R. = 0.169."""
        result = ahp(HOUSE, criteria=HOUSE_CRITERIA)
        assert _rounded(result.weights, 3) == [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
        assert round(result.lambda_max, 3) == 9.669
        assert round(result.consistency_index, 3) == 0.238
        assert round(result.consistency_ratio, 3) == 0.169
        assert result.random_index == 1.41
        assert not result.is_consistent

    def test_saaty_1977_wealth_of_nations(self) -> None:
        """Saaty (1977), J. Math. Psychology 15, 234-281 (and Saaty 1980, ch. 2): the printed eigenvector
        .427 .230 .021 .052 .052 .123 .094 with lambda_max = 7.61."""
        result = ahp(WEALTH, criteria=["US", "USSR", "China", "France", "UK", "Japan", "W. Germany"])
        assert _rounded(result.weights, 3) == [0.427, 0.230, 0.021, 0.052, 0.052, 0.123, 0.094]
        assert round(result.lambda_max, 2) == 7.61
        assert result.is_consistent

    def test_saaty_2008_drinks(self) -> None:
        """Saaty (2008), Int. J. Services Sciences 1(1), 83-98, drink consumption table: the printed derived
        priorities are .177 .019 .042 .116 .190 .129 .327 (coffee, wine, tea, beer, sodas, milk, water)."""
        result = ahp(DRINKS, criteria=["coffee", "wine", "tea", "beer", "sodas", "milk", "water"])
        assert _rounded(result.weights, 3) == [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]
        assert result.is_consistent

    def test_random_index_is_saatys_table(self) -> None:
        """Saaty (1980), The Analytic Hierarchy Process, random index for n = 3 … 10."""
        assert [SAATY_RANDOM_INDEX[n] for n in range(3, 11)] == [
            0.58,
            0.90,
            1.12,
            1.24,
            1.32,
            1.41,
            1.45,
            1.49,
        ]


class TestHandComputed:
    def test_three_by_three_closed_form(self) -> None:
        """For n = 3 both methods give w_i proportional to the row geometric mean, and with
        rho = a12 a23 / a13 the principal eigenvalue is 1 + rho^(1/3) + rho^(-1/3) (closed form of the
        characteristic polynomial of a 3 x 3 reciprocal matrix)."""
        a12, a13, a23 = 3.0, 5.0, 4.0
        matrix = [[1, a12, a13], [1 / a12, 1, a23], [1 / a13, 1 / a23, 1]]
        g = np.array([(a12 * a13) ** (1 / 3), (a23 / a12) ** (1 / 3), (1 / (a13 * a23)) ** (1 / 3)])
        expected = g / g.sum()
        rho = a12 * a23 / a13
        lam = 1 + rho ** (1 / 3) + rho ** (-1 / 3)
        for method in ("eigenvector", "geometric"):
            result = ahp(matrix, method=method)
            np.testing.assert_allclose(result.weights, expected, rtol=1e-10)
            assert result.lambda_max == pytest.approx(lam, rel=1e-10)
            assert result.consistency_ratio == pytest.approx((lam - 3) / 2 / 0.58, rel=1e-10)

    def test_geometric_consistency_index_by_hand(self) -> None:
        """GCI = 2/((n-1)(n-2)) * sum_{i<j} log^2(a_ij w_j / w_i); for n = 3 every log error equals
        +-log(rho)/3, so GCI = log(rho)^2 / 3."""
        a12, a13, a23 = 3.0, 5.0, 4.0
        result = ahp([[1, a12, a13], [None, 1, a23], [None, None, 1]], method="geometric")
        assert result.geometric_consistency_index == pytest.approx(
            math.log(a12 * a23 / a13) ** 2 / 3,
            rel=1e-10,
        )
        assert ahp([[1, a12, a13], [None, 1, a23], [None, None, 1]]).geometric_consistency_index is None

    def test_geometric_method_on_house_is_row_geometric_mean(self) -> None:
        """The geometric method returns the normalised row geometric means and still reports CR from the
        principal eigenvalue of the matrix (the same 0.169 as Saaty's eigenvector result)."""
        result = ahp(HOUSE, method="geometric")
        g = np.exp(np.log(np.array(HOUSE)).mean(axis=1))
        np.testing.assert_allclose(result.weights, g / g.sum(), rtol=1e-12)
        assert round(result.consistency_ratio, 3) == 0.169
        assert result.geometric_consistency_index is not None and result.geometric_consistency_index > 0.37

    def test_two_criteria_and_one(self) -> None:
        result = ahp([[1, 4], [1 / 4, 1]])
        np.testing.assert_allclose(result.weights, [0.8, 0.2])
        assert result.consistency_ratio == 0.0 and result.is_consistent
        single = ahp([[1]], criteria=["only"])
        assert single.weights.tolist() == [1.0] and single.consistency_ratio == 0.0


class TestInconsistency:
    def test_house_most_inconsistent_judgements(self) -> None:
        """With CR = 0.169 the judgement 'neighbourhood is 6x as important as general condition' stands out:
        the weights make them about equal (0.188 vs 0.167), so the consistent value is 1."""
        result = ahp(HOUSE, criteria=HOUSE_CRITERIA)
        first = result.inconsistent_judgements[0]
        assert isinstance(first, InconsistentJudgement)
        assert (first.row, first.column, first.given, first.consistent) == (
            "neighbourhood",
            "condition",
            6.0,
            1.0,
        )
        assert len(result.inconsistent_judgements) == 3
        contributions = [j.contribution for j in result.inconsistent_judgements]
        assert contributions == sorted(contributions, reverse=True)
        assert all(0 < c < 1 for c in contributions)
        frame = result.judgements_frame()
        assert list(frame.columns) == ["row", "column", "given", "consistent", "contribution"]

    def test_following_the_suggestion_improves_consistency(self) -> None:
        result = ahp(HOUSE, criteria=HOUSE_CRITERIA)
        j = result.inconsistent_judgements[0]
        frame = pd.DataFrame(HOUSE, index=HOUSE_CRITERIA, columns=HOUSE_CRITERIA)
        frame.loc[j.row, j.column] = j.consistent
        frame.loc[j.column, j.row] = 1 / j.consistent
        assert ahp(frame).consistency_ratio < result.consistency_ratio

    def test_no_suggestions_when_consistent(self) -> None:
        assert ahp(WEALTH).inconsistent_judgements == ()

    def test_suggested_values_are_on_the_scale(self) -> None:
        scale = {float(k) for k in range(1, 10)} | {1 / k for k in range(2, 10)}
        for j in ahp(HOUSE, max_suggestions=28).inconsistent_judgements:
            assert any(math.isclose(j.consistent, s) for s in scale)
            assert not math.isclose(j.consistent, j.given)


class TestInputForms:
    def test_dataframe_labels_and_column_order(self) -> None:
        labels = ["law", "economy", "citizen"]
        matrix = [[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]]
        frame = pd.DataFrame(matrix, index=labels, columns=labels)
        shuffled = frame.loc[labels, ["citizen", "law", "economy"]]
        a, b = ahp(frame), ahp(shuffled)
        assert a.criteria == b.criteria == tuple(labels)
        np.testing.assert_allclose(a.weights, b.weights)
        reordered = ahp(frame, criteria=["citizen", "law", "economy"])
        np.testing.assert_allclose(reordered.weights, a.weights[[2, 0, 1]])

    def test_upper_triangle_and_text_cells(self) -> None:
        full = ahp([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]])
        upper = ahp([[1, "3", "5"], [None, 1, "2"], [np.nan, "", 1]])
        lower = ahp([[None, None, None], ["1/3", None, None], ["0,2", 0.5, None]])
        np.testing.assert_allclose(upper.weights, full.weights)
        np.testing.assert_allclose(lower.weights, full.weights)
        assert upper.completed == ()

    def test_rounded_reciprocals_within_tolerance(self) -> None:
        result = ahp([[1, 3, 0.2], [0.33, 1, 0.14], [5, 7, 1]])
        assert result.matrix[1, 0] * result.matrix[0, 1] == pytest.approx(1.0)
        assert result.weights.sum() == pytest.approx(1.0)

    def test_result_is_frozen_and_read_only(self) -> None:
        result = ahp(WEALTH)
        assert isinstance(result, AHPResult)
        with pytest.raises(ValueError):
            result.weights[0] = 1.0
        with pytest.raises(ValueError):
            result.matrix[0, 0] = 2.0
        with pytest.raises(AttributeError):
            result.lambda_max = 1.0  # type: ignore[misc]

    def test_to_frame(self) -> None:
        frame = ahp(HOUSE, criteria=HOUSE_CRITERIA).to_frame()
        assert list(frame.columns) == ["weight", "rank"]
        assert frame.loc["financing", "rank"] == 1
        assert frame.attrs["consistency_ratio"] == pytest.approx(0.1691, abs=1e-4)
        assert ahp(HOUSE).as_weights().method == "ahp-eigenvector"


class TestIncomplete:
    def test_spanning_tree_is_completed_consistently(self) -> None:
        """a12 = 2 and a23 = 3 without a13: the only consistent completion is a13 = 6, w = (0.6, 0.3, 0.1)."""
        for method in ("eigenvector", "geometric"):
            result = ahp([[1, 2, None], [None, 1, 3], [None, None, 1]], method=method)
            np.testing.assert_allclose(result.weights, [0.6, 0.3, 0.1], rtol=1e-12)
            assert result.completed == (("C1", "C3"),)
            assert result.matrix[0, 2] == pytest.approx(6.0)
            assert result.consistency_ratio == pytest.approx(0.0, abs=1e-12)

    def test_harker_weights_are_eigenvector_of_completed_matrix(self) -> None:
        """Harker (1987): the priority vector is the principal eigenvector of the matrix completed with
        w_i / w_j, and lambda_max is that matrix's principal eigenvalue."""
        matrix = np.array(HOUSE, dtype=object)
        for i, j in [(0, 6), (1, 2), (2, 7), (3, 5)]:
            matrix[i, j] = matrix[j, i] = None
        result = ahp(matrix)
        completed = np.asarray(result.matrix)
        np.testing.assert_allclose(completed @ result.weights, result.lambda_max * result.weights, rtol=1e-9)
        assert len(result.completed) == 4

    def test_llsm_weights_are_row_geometric_mean_of_completed_matrix(self) -> None:
        """The least-squares solution over the given judgements is a fixed point: the row geometric mean of
        the matrix completed with w_i / w_j is w again."""
        matrix = np.array(HOUSE, dtype=object)
        for i, j in [(0, 6), (1, 2), (2, 7)]:
            matrix[i, j] = matrix[j, i] = None
        result = ahp(matrix, method="geometric")
        g = np.exp(np.log(np.asarray(result.matrix)).mean(axis=1))
        np.testing.assert_allclose(g / g.sum(), result.weights, rtol=1e-10)

    def test_disconnected_comparisons_are_named(self) -> None:
        matrix = [[1, 2, None, None], [None, 1, None, None], [None, None, 1, 3], [None, None, None, 1]]
        with pytest.raises(ValidationError) as info:
            ahp(matrix, criteria=["law", "economy", "citizen", "ecology"], name="council")
        message = str(info.value)
        assert "{law, economy}" in message and "{citizen, ecology}" in message
        assert "council" in message


class TestGroup:
    A: ClassVar[list[list[float]]] = [[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]]  # w = (4, 2, 1) / 7
    B: ClassVar[list[list[float]]] = [[1, 8, 4], [1 / 8, 1, 1 / 2], [1 / 4, 2, 1]]  # w = (8, 1, 2) / 11

    def test_equal_weights_hand_computed(self) -> None:
        """AIJ: a12 = sqrt(2*8) = 4, a13 = 4, a23 = sqrt(2 * 1/2) = 1 -> w = (4, 1, 1)/6. AIP: the geometric
        mean of (4,2,1)/7 and (8,1,2)/11 is proportional to (sqrt 32, sqrt 2, sqrt 2) = sqrt 2 (4, 1, 1)."""
        for method in ("aij", "aip"):
            result = group_ahp([self.A, self.B], method=method)
            np.testing.assert_allclose(result.weights, [4 / 6, 1 / 6, 1 / 6], rtol=1e-10)
        aij = group_ahp([self.A, self.B], method="aij")
        assert aij.aggregate is not None
        np.testing.assert_allclose(aij.aggregate.matrix[0], [1, 4, 4])
        assert aij.consistency_ratio == pytest.approx(0.0, abs=1e-12)
        assert group_ahp([self.A, self.B], method="aip").consistency_ratio is None

    def test_weighted_participants_hand_computed(self) -> None:
        """Weights 3:1 -> a12 = 2^(3/4) 8^(1/4) = 2^1.5, a13 = 4, a23 = 2^(3/4) 2^(-1/4) = 2^0.5 (consistent):
        w proportional to (1, 2^-1.5, 1/4)."""
        expected = np.array([1.0, 2**-1.5, 0.25])
        expected /= expected.sum()
        for method in ("aij", "aip"):
            result = group_ahp(
                {"mayor": self.A, "council": self.B},
                method=method,
                weights={"mayor": 3, "council": 1},
            )
            np.testing.assert_allclose(result.weights, expected, rtol=1e-10)
            np.testing.assert_allclose(result.participant_weights, [0.75, 0.25])
            assert result.participants == ("mayor", "council")

    def test_inconsistent_group_aij_geometric_mean_of_entries(self) -> None:
        c = [[1, 3, 1 / 2], [1 / 3, 1, 5], [2, 1 / 5, 1]]
        result = group_ahp([self.A, c], method="aij", prioritisation="geometric")
        assert result.aggregate is not None
        np.testing.assert_allclose(result.aggregate.matrix[0, 1], math.sqrt(2 * 3))
        np.testing.assert_allclose(result.aggregate.matrix[1, 2], math.sqrt(2 * 5))
        frame = result.to_frame()
        assert list(frame.columns) == ["participant 1", "participant 2", "group"]

    def test_incomplete_participants_use_available_judgements(self) -> None:
        partial = [[1, 2, None], [None, 1, 2], [None, None, 1]]
        result = group_ahp([self.A, partial], method="aij")
        assert result.aggregate is not None
        assert result.aggregate.matrix[0, 2] == pytest.approx(4.0)  # only participant 1 judged it

    def test_labelled_matrices_are_aligned(self) -> None:
        labels = ["law", "economy", "citizen"]
        fa = pd.DataFrame(self.A, index=labels, columns=labels)
        fb = pd.DataFrame(self.B, index=labels, columns=labels).loc[labels[::-1], labels[::-1]]
        result = group_ahp([fa, fb])
        assert result.criteria == tuple(labels)
        np.testing.assert_allclose(result.weights, [4 / 6, 1 / 6, 1 / 6], rtol=1e-10)

    def test_group_errors(self) -> None:
        with pytest.raises(ValidationError, match="single matrix"):
            group_ahp(self.A)
        with pytest.raises(ValidationError, match="several matrices"):
            group_ahp(np.array(self.A))
        with pytest.raises(ValidationError, match="one weight per participant"):
            group_ahp([self.A, self.B], weights=[1])
        with pytest.raises(ValidationError, match="all participant weights are zero"):
            group_ahp([self.A, self.B], weights=[0, 0])
        with pytest.raises(ValidationError, match="negative"):
            group_ahp([self.A, self.B], weights=[1, -1])
        with pytest.raises(ValidationError, match="unknown group aggregation"):
            group_ahp([self.A, self.B], method="mean")
        with pytest.raises(ValidationError, match="no matrices"):
            group_ahp([])
        labels = ["law", "economy", "citizen"]
        other = ["law", "economy", "ecology"]
        with pytest.raises(ValidationError, match="do not match the criteria"):
            group_ahp(
                [
                    pd.DataFrame(self.A, index=labels, columns=labels),
                    pd.DataFrame(self.B, index=other, columns=other),
                ]
            )


class TestErrors:
    def test_negative_judgement_message(self) -> None:
        labels = ["citizen", "economy"]
        frame = pd.DataFrame([[1, -3], [None, 1]], index=labels, columns=labels)
        with pytest.raises(ValidationError) as info:
            ahp(frame, name="council")
        assert str(info.value).startswith(
            "AHP matrix 'council', row citizen, column economy: not a valid judgement: "
            "expected a positive number on Saaty's 1–9 scale or its reciprocal"
        )
        assert str(info.value).endswith("found -3")
        assert info.value.column == "economy"

    @pytest.mark.parametrize(
        ("matrix", "fragment"),
        [
            ([[1, 0], [None, 1]], "not a valid judgement"),
            ([[1, 10], [None, 1]], "not a valid judgement"),
            ([[1, float("inf")], [None, 1]], "not finite"),
            ([[1, "abc"], [None, 1]], "not a number"),
            ([[1, True], [None, 1]], "not a number"),
            ([[2, 3], [1 / 3, 1]], "compared with itself must be 1"),
            ([[1, 3], [3, 1]], "not the reciprocal"),
            ([[1, 3, 2], [1 / 3, 1]], "not square"),
            ([[1, 3], [1 / 3, 1], [1, 1]], "not square"),
            ([], "empty"),
            ("matrix", "cannot be read"),
            (42, "cannot be read"),
            ([[1, [2, 3]], [None, 1]], "more than one value"),
            ([[1, None], [None, 1]], "do not connect"),
            (np.ones((2, 3)), "not square"),
            (np.ones(3), "not square"),
            (np.ones((16, 16)), "too many"),
        ],
    )
    def test_bad_matrices(self, matrix: object, fragment: str) -> None:
        with pytest.raises(ValidationError, match=fragment):
            ahp(matrix)  # type: ignore[arg-type]

    def test_wrong_labels(self) -> None:
        frame = pd.DataFrame([[1, 2], [0.5, 1]], index=["a", "b"], columns=["a", "c"])
        with pytest.raises(ValidationError, match="row and column labels"):
            ahp(frame)
        good = pd.DataFrame([[1, 2], [0.5, 1]], index=["a", "b"], columns=["a", "b"])
        with pytest.raises(ValidationError, match="do not match the criteria"):
            ahp(good, criteria=["a", "x"])
        with pytest.raises(ValidationError, match="number of criteria"):
            ahp([[1, 2], [0.5, 1]], criteria=["a", "b", "c"])
        with pytest.raises(ValidationError, match="more than once"):
            ahp([[1, 2], [0.5, 1]], criteria=["a", "a"])

    def test_bad_options(self) -> None:
        with pytest.raises(ValidationError, match="unknown AHP method"):
            ahp([[1]], method="median")
        with pytest.raises(ValidationError, match="reciprocity_tolerance"):
            ahp([[1]], reciprocity_tolerance=2)
        with pytest.raises(ValidationError, match="max_suggestions"):
            ahp([[1]], max_suggestions=-1)
