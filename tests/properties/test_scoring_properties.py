"""Property-based tests of the scoring layer.

Invariants of weights, AHP, value functions and benefit, and that bad input only ever raises ValidationError.
"""

from __future__ import annotations

import contextlib
import itertools
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from kommunal_planner.errors import ValidationError
from kommunal_planner.scoring import (
    LinearValue,
    ParticipationRules,
    PiecewiseLinearValue,
    StepValue,
    aggregate_participation,
    ahp,
    benefit_table,
    direct_weights,
    group_ahp,
    rank_weights,
    ranking_stability,
    swing_weights,
    value_function_from_dict,
)

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SAATY = [float(k) for k in range(1, 10)] + [1.0 / k for k in range(2, 10)]
METHODS = ["eigenvector", "geometric"]


@st.composite
def reciprocal_matrices(draw: st.DrawFn, min_n: int = 1, max_n: int = 7) -> np.ndarray:
    n = draw(st.integers(min_n, max_n))
    matrix = np.ones((n, n))
    for i, j in itertools.combinations(range(n), 2):
        value = draw(st.sampled_from(SAATY))
        matrix[i, j], matrix[j, i] = value, 1.0 / value
    return matrix


@st.composite
def priority_vectors(draw: st.DrawFn, min_n: int = 2, max_n: int = 7) -> np.ndarray:
    n = draw(st.integers(min_n, max_n))
    # Ratios of at most 9 keep every a_ij = w_i / w_j on Saaty's scale.
    values = draw(hnp.arrays(np.float64, n, elements=st.floats(1.0, 9.0)))
    return values / values.sum()


def _consistent(w: np.ndarray) -> np.ndarray:
    return w[:, None] / w[None, :]


# ------------------------------------------------------------------------------------------------------------
# Weights


@SETTINGS
@given(
    st.dictionaries(
        st.text("abcdefgh", min_size=1, max_size=4),
        st.floats(0, 1e6, allow_nan=False),
        min_size=1,
        max_size=8,
    ),
    st.randoms(use_true_random=False),
)
def test_direct_and_swing_weights_sum_to_one_and_follow_permutation(
    values: dict[str, float],
    rnd: Any,
) -> None:
    assume(sum(values.values()) > 0)
    items = list(values.items())
    rnd.shuffle(items)
    for function in (direct_weights, swing_weights):
        a, b = function(values), function(dict(items))
        assert a.weights.sum() == pytest.approx(1.0)
        assert (a.weights >= 0).all()
        for criterion in values:
            assert a[criterion] == pytest.approx(b[criterion])


@SETTINGS
@given(
    st.lists(st.integers(1, 5), min_size=1, max_size=9),
    st.sampled_from(["roc", "rank-sum", "rank-reciprocal"]),
    st.randoms(use_true_random=False),
)
def test_rank_weights_sum_to_one_order_and_permutation(ranks: list[int], method: str, rnd: Any) -> None:
    ranking = {f"c{i}": r for i, r in enumerate(ranks)}
    items = list(ranking.items())
    rnd.shuffle(items)
    a, b = rank_weights(ranking, method=method), rank_weights(dict(items), method=method)
    assert a.weights.sum() == pytest.approx(1.0)
    assert a.as_dict() == pytest.approx(b.as_dict())
    for x, y in itertools.permutations(ranking, 2):
        if ranking[x] < ranking[y]:
            assert a[x] > a[y]
        elif ranking[x] == ranking[y]:
            assert a[x] == pytest.approx(a[y])


# ------------------------------------------------------------------------------------------------------------
# AHP


@SETTINGS
@given(reciprocal_matrices(), st.sampled_from(METHODS), st.randoms(use_true_random=False))
def test_ahp_weights_sum_to_one_and_are_permutation_equivariant(
    matrix: np.ndarray,
    method: str,
    rnd: Any,
) -> None:
    n = matrix.shape[0]
    perm = list(range(n))
    rnd.shuffle(perm)
    a = ahp(matrix, method=method)
    b = ahp(matrix[np.ix_(perm, perm)], method=method)
    assert a.weights.sum() == pytest.approx(1.0)
    assert (a.weights > 0).all()
    np.testing.assert_allclose(b.weights, a.weights[perm], rtol=1e-7, atol=1e-12)
    assert b.consistency_ratio == pytest.approx(a.consistency_ratio, abs=1e-9)
    assert a.lambda_max >= n - 1e-9
    if a.consistency_ratio > 0.1:
        assert a.inconsistent_judgements
    else:
        assert a.inconsistent_judgements == ()


@SETTINGS
@given(priority_vectors())
def test_consistent_matrix_has_zero_cr_and_both_methods_recover_w(w: np.ndarray) -> None:
    for method in METHODS:
        result = ahp(_consistent(w), method=method)
        np.testing.assert_allclose(result.weights, w, rtol=1e-8)
        assert result.consistency_ratio == pytest.approx(0.0, abs=1e-9)
        assert result.lambda_max == pytest.approx(len(w), abs=1e-9)
        if method == "geometric":
            assert result.geometric_consistency_index == pytest.approx(0.0, abs=1e-12)


@SETTINGS
@given(
    reciprocal_matrices(min_n=2),
    st.integers(1, 4),
    st.sampled_from(["aij", "aip"]),
    st.sampled_from(METHODS),
    st.lists(st.floats(0.1, 10), min_size=4, max_size=4),
)
def test_identical_participants_equal_the_single_participant(
    matrix: np.ndarray, copies: int, method: str, prioritisation: str, weights: list[float]
) -> None:
    single = ahp(matrix, method=prioritisation)
    group = group_ahp(
        [matrix] * copies,
        method=method,
        prioritisation=prioritisation,
        weights=weights[:copies],
    )
    np.testing.assert_allclose(group.weights, single.weights, rtol=1e-8)
    if group.aggregate is not None:
        assert group.aggregate.consistency_ratio == pytest.approx(single.consistency_ratio, abs=1e-8)


@st.composite
def incomplete_consistent(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    w = draw(priority_vectors(min_n=3, max_n=8))
    n = w.size
    # A random spanning tree keeps the comparison graph connected; other pairs are dropped at random.
    order = draw(st.permutations(range(n)))
    tree = {tuple(sorted((order[k], order[draw(st.integers(0, k - 1))]))) for k in range(1, n)}
    matrix = _consistent(w).astype(object)
    for i, j in itertools.combinations(range(n), 2):
        if (i, j) not in tree and draw(st.booleans()):
            matrix[i, j] = None
            matrix[j, i] = None if draw(st.booleans()) else np.nan
    return matrix, w


@SETTINGS
@given(incomplete_consistent(), st.sampled_from(METHODS))
def test_completion_of_consistent_matrix_recovers_weights(
    case: tuple[np.ndarray, np.ndarray],
    method: str,
) -> None:
    matrix, w = case
    result = ahp(matrix, method=method)
    np.testing.assert_allclose(result.weights, w, rtol=1e-7)
    assert result.consistency_ratio == pytest.approx(0.0, abs=1e-8)
    np.testing.assert_allclose(result.matrix, _consistent(w), rtol=1e-7)


# ------------------------------------------------------------------------------------------------------------
# Value functions and benefit

finite = st.floats(-1e6, 1e6, allow_nan=False)


@SETTINGS
@given(finite, finite, st.lists(finite, min_size=1, max_size=20))
def test_linear_value_is_monotone_and_bounded(worst: float, best: float, xs: list[float]) -> None:
    assume(abs(worst - best) > 1e-6)
    f = LinearValue("c", worst, best)
    values = np.sort(np.asarray(xs))
    scores = f(values)
    assert ((scores >= 0) & (scores <= 5)).all()
    steps = np.diff(scores)
    assert (steps >= -1e-12).all() if f.direction == "increasing" else (steps <= 1e-12).all()


@SETTINGS
@given(
    st.lists(finite, min_size=2, max_size=6, unique=True),
    st.lists(st.floats(0, 5), min_size=6, max_size=6),
    st.sampled_from(["increasing", "decreasing"]),
    st.lists(finite, min_size=1, max_size=20),
)
def test_piecewise_and_step_are_monotone_in_declared_direction(
    xs: list[float], ys: list[float], direction: str, probe: list[float]
) -> None:
    xs = sorted(xs)
    scores = sorted(ys[: len(xs)], reverse=direction == "decreasing")
    values = np.sort(np.asarray(probe))
    piecewise = PiecewiseLinearValue("c", tuple(zip(xs, scores, strict=True)), direction)  # type: ignore[arg-type]
    step_scores = sorted(ys[: len(xs) + 1], reverse=direction == "decreasing") if len(xs) < 6 else None
    functions: list[Any] = [piecewise]
    if step_scores is not None:
        functions.append(StepValue("c", tuple(xs), tuple(step_scores), direction))  # type: ignore[arg-type]
    for f in functions:
        out = f(values)
        assert ((out >= 0) & (out <= 5)).all()
        steps = np.diff(out)
        assert (steps >= -1e-9).all() if direction == "increasing" else (steps <= 1e-9).all()
        assert value_function_from_dict(f.to_dict()) == f


@SETTINGS
@given(
    hnp.arrays(np.float64, st.tuples(st.integers(1, 8), st.integers(1, 5)), elements=st.floats(0, 5)),
    st.lists(st.floats(0, 100), min_size=5, max_size=5),
)
def test_benefit_lies_between_0_and_100(scores: np.ndarray, weights: list[float]) -> None:
    n_criteria = scores.shape[1]
    assume(sum(weights[:n_criteria]) > 0)
    criteria = [f"c{j}" for j in range(n_criteria)]
    frame = pd.DataFrame(scores, columns=criteria, index=[f"p{i}" for i in range(scores.shape[0])])
    table = benefit_table(frame, dict(zip(criteria, weights, strict=False)))
    assert table["benefit"].between(-1e-9, 100 + 1e-9).all()
    np.testing.assert_allclose(table[criteria].sum(axis=1), table["benefit"], atol=1e-9)


@settings(max_examples=40, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(2, 6), st.integers(2, 4)),
        elements=st.integers(0, 5).map(float),
    ),
    st.lists(st.floats(0.05, 1), min_size=4, max_size=4),
    st.integers(1, 4),
)
def test_ranking_is_unchanged_inside_stability_interval(scores: np.ndarray, raw: list[float], k: int) -> None:
    n_projects, n_criteria = scores.shape
    criteria = [f"c{j}" for j in range(n_criteria)]
    frame = pd.DataFrame(scores, columns=criteria)
    w = np.asarray(raw[:n_criteria]) / sum(raw[:n_criteria])
    weights = dict(zip(criteria, w, strict=True))
    result = ranking_stability(frame, weights, k=k)
    k = min(k, n_projects)

    def top(vector: np.ndarray) -> list[int]:
        # Same tie rule as the library: benefits equal to 9 decimals keep the table order.
        total = np.round(20.0 * scores @ vector, 9)
        return sorted(range(n_projects), key=lambda p: (-total[p], p))[:k]

    reference = top(w)
    assert list(result.attrs["top_k"]) == [str(p) for p in reference]
    for c, criterion in enumerate(criteria):
        lower, upper = result.loc[criterion, "lower"], result.loc[criterion, "upper"]
        assert lower - 1e-12 <= w[c] <= upper + 1e-12
        for t in np.linspace(lower, upper, 9)[1:-1]:
            vector = w * (1 - t) / (1 - w[c])
            vector[c] = t
            assert top(vector) == reference


# ------------------------------------------------------------------------------------------------------------
# Bad input raises ValidationError and nothing else

junk_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-20, 20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "3", "1/3", "0,5", "abc", "1/0", "nan", "-2", "9"]),
    st.just(np.nan),
    st.lists(st.integers(), max_size=2),
)


def _only_validation_errors(call: Any, *args: Any, **kwargs: Any) -> None:
    # Any other exception type propagates and fails the test.
    with contextlib.suppress(ValidationError):
        call(*args, **kwargs)


@SETTINGS
@given(st.lists(st.lists(junk_scalars, max_size=4), max_size=4), st.sampled_from(METHODS))
def test_ahp_on_junk_raises_only_validation_error(matrix: list[list[Any]], method: str) -> None:
    _only_validation_errors(ahp, matrix, method=method)
    if len({len(row) for row in matrix}) == 1:
        _only_validation_errors(ahp, pd.DataFrame(matrix), method=method)
    _only_validation_errors(group_ahp, [matrix, matrix], method="aip", prioritisation=method)


@SETTINGS
@given(
    reciprocal_matrices(min_n=2, max_n=5),
    st.data(),
    st.sampled_from(["negative", "zero", "nan_diagonal", "non_reciprocal", "non_square", "labels", "inf"]),
)
def test_definitely_bad_matrices_raise_validation_error(
    matrix: np.ndarray,
    data: st.DataObject,
    kind: str,
) -> None:
    n = matrix.shape[0]
    i, j = data.draw(st.sampled_from(list(itertools.permutations(range(n), 2))))
    bad: Any = matrix.copy()
    if kind == "negative":
        bad[i, j] = -data.draw(st.floats(0.1, 9))
    elif kind == "zero":
        bad[i, j] = 0.0
    elif kind == "inf":
        bad[i, j] = np.inf
    elif kind == "nan_diagonal":
        bad[i, i] = 2.0
    elif kind == "non_reciprocal":
        bad[j, i] = bad[i, j] * 2.0 if bad[i, j] <= 1 else bad[i, j]
        assume(abs(np.log(bad[i, j] * bad[j, i])) > 0.05)
    elif kind == "non_square":
        bad = bad[:, :-1]
    else:
        labels = [f"c{k}" for k in range(n)]
        bad = pd.DataFrame(bad, index=labels, columns=[*labels[:-1], "other"])
    with pytest.raises(ValidationError):
        ahp(bad)


@SETTINGS
@given(st.dictionaries(st.one_of(st.text(max_size=5), st.integers()), junk_scalars, max_size=5))
def test_weights_on_junk_raise_only_validation_error(values: dict[Any, Any]) -> None:
    _only_validation_errors(direct_weights, values)
    _only_validation_errors(swing_weights, values)
    _only_validation_errors(rank_weights, values)
    _only_validation_errors(rank_weights, list(values.values()))


value_function_keys = st.sampled_from(
    [
        *("criterion", "kind", "worst", "best", "direction", "points", "thresholds", "scores", "categories"),
        *("default", "Kriterium", "Art", "colour", "richtung"),
    ]
)
value_function_values = st.one_of(
    junk_scalars,
    st.sampled_from(["linear", "piecewise", "step", "categorical", "increasing", "fallend", "economy"]),
    st.lists(st.one_of(junk_scalars, st.lists(junk_scalars, max_size=3)), max_size=4),
    st.dictionaries(st.text(max_size=3), junk_scalars, max_size=3),
)


@SETTINGS
@given(
    st.dictionaries(value_function_keys, value_function_values, max_size=6),
    st.lists(junk_scalars, max_size=4),
)
def test_value_functions_on_junk_raise_only_validation_error(data: dict[str, Any], raw: list[Any]) -> None:
    try:
        f = value_function_from_dict(data, path="value_functions[0]")
    except ValidationError:
        return
    _only_validation_errors(f, raw)
    for item in raw:
        _only_validation_errors(f, item)


@SETTINGS
@given(
    st.lists(st.tuples(junk_scalars, junk_scalars, junk_scalars), max_size=6),
    st.sampled_from([["Thema", "Antwort", "Teilnehmer"], ["theme", "rating", "respondent"], ["a", "b", "c"]]),
)
def test_participation_on_junk_raises_only_validation_error(
    rows: list[tuple[Any, ...]],
    columns: list[str],
) -> None:
    frame = pd.DataFrame(rows, columns=columns)
    _only_validation_errors(aggregate_participation, frame)
    _only_validation_errors(aggregate_participation, frame, rules=ParticipationRules(basis="lower_bound"))


@SETTINGS
@given(
    st.lists(st.lists(junk_scalars, min_size=2, max_size=2), min_size=1, max_size=4),
    st.tuples(junk_scalars, junk_scalars),
)
def test_benefit_on_junk_raises_only_validation_error(
    rows: list[list[Any]],
    weights: tuple[Any, Any],
) -> None:
    frame = pd.DataFrame(rows, columns=["a", "b"])
    mapping = {"a": weights[0], "b": weights[1]}
    _only_validation_errors(benefit_table, frame, mapping)
    _only_validation_errors(ranking_stability, frame, mapping, k=2)
