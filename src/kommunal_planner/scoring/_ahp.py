"""Analytic Hierarchy Process: weights from pairwise comparisons, their consistency, and group aggregation.

Two prioritisation methods are offered:

* ``"eigenvector"``: Saaty's principal right eigenvector (Saaty 1977, 1980); an incomplete matrix is completed
  by Harker's method (Harker 1987, "Incomplete pairwise comparisons in the analytic hierarchy process",
  Mathematical Modelling 9(11), 837-848): a missing a_ij is replaced by 0 and the diagonal of row i by 1 +
  (number of missing entries in row i); the principal eigenvector of that matrix is the priority vector, and
  it is also the principal eigenvector of the matrix completed with a_ij = w_i / w_j.
* ``"geometric"``: the row geometric mean, i.e. the logarithmic least-squares solution (Crawford & Williams
  1985, "A note on the analysis of subjective judgment matrices", J. Math. Psychology 29, 387-405). For an
  incomplete matrix the least-squares problem over the given judgements is solved directly (Kwiesielewicz
  1996; Bozóki, Fülöp & Rónyai 2010): its normal equations are a graph-Laplacian system with a unique solution
  iff the comparison graph is connected.

Consistency: CI = (lambda_max - n) / (n - 1) and CR = CI / RI with Saaty's random index; lambda_max is the
Perron eigenvalue of the (completed) matrix for both methods. The geometric method also reports the geometric
consistency index GCI (Crawford & Williams 1985; Aguarón & Moreno-Jiménez 2003, "The geometric consistency
index: approximated thresholds", EJOR 147, 137-145).
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from kommunal_planner.errors import Location, ValidationError
from kommunal_planner.scoring._common import (
    FloatArray,
    canonical,
    describe_set_difference,
    is_scalar,
    label_tuple,
    number_or_error,
    readonly,
    required_number,
)
from kommunal_planner.scoring._weights import Weights

logger = logging.getLogger(__name__)

__all__ = [
    "CONSISTENCY_THRESHOLD",
    "GCI_THRESHOLDS",
    "SAATY_RANDOM_INDEX",
    "AHPMethod",
    "AHPResult",
    "GroupAHPResult",
    "InconsistentJudgement",
    "MatrixLike",
    "ahp",
    "group_ahp",
]

AHPMethod = Literal["eigenvector", "geometric"]
GroupMethod = Literal["aij", "aip"]

#: A pairwise comparison matrix as the user may give it.
MatrixLike = np.ndarray | pd.DataFrame | Sequence[Sequence[Any]]

#: Saaty's random consistency index RI by matrix order n (Saaty 1980, The Analytic Hierarchy Process, for
#: n <= 10; the values for 11..15 are the ones commonly tabulated with it). Larger matrices are not supported:
#: split the criteria into a hierarchy instead (Saaty recommends at most 7 +- 2 elements per comparison).
SAATY_RANDOM_INDEX: Mapping[int, float] = MappingProxyType(
    {
        1: 0.0,
        2: 0.0,
        3: 0.58,
        4: 0.90,
        5: 1.12,
        6: 1.24,
        7: 1.32,
        8: 1.41,
        9: 1.45,
        10: 1.49,
        11: 1.51,
        12: 1.48,
        13: 1.56,
        14: 1.57,
        15: 1.59,
    }
)

#: Judgements are acceptably consistent when CR <= this value (Saaty).
CONSISTENCY_THRESHOLD = 0.1

#: GCI thresholds of Aguarón & Moreno-Jiménez (2003) by n; n >= 5 uses the value for 5.
GCI_THRESHOLDS: Mapping[int, float] = MappingProxyType({3: 0.31, 4: 0.35, 5: 0.37})

_SCALE_TEXT = "a positive number on Saaty's 1–9 scale or its reciprocal (1/9 … 9)"
_METHODS: dict[str, AHPMethod] = {
    "eigenvector": "eigenvector",
    "eigen": "eigenvector",
    "ev": "eigenvector",
    "eigenvalue": "eigenvector",
    "geometric": "geometric",
    "geometric_mean": "geometric",
    "rgm": "geometric",
    "llsm": "geometric",
}
_GROUP_METHODS: dict[str, GroupMethod] = {
    "aij": "aij",
    "aip": "aip",
    "judgements": "aij",
    "priorities": "aip",
}


@dataclass(frozen=True, slots=True)
class InconsistentJudgement:
    """One judgement that contributes much to the inconsistency of a matrix, with a consistent replacement.

    Attributes
    ----------
    row, column : str
        The criterion pair: the judgement says how much more important ``row`` is than ``column``.
    given : float
        The judgement a_ij as given (after reciprocal completion).
    consistent : float
        w_i / w_j from the current weights, rounded onto Saaty's scale (1 … 9 or 1/9 … 1).
    contribution : float
        Share of this judgement in the total squared log deviation sum log²(a_ij w_j / w_i) over the given
        judgements (0 … 1).
    """

    row: str
    column: str
    given: float
    consistent: float
    contribution: float


@dataclass(frozen=True, slots=True, eq=False)
class AHPResult:
    """Priorities and consistency of one pairwise comparison matrix.

    Attributes
    ----------
    criteria : tuple of str
        Labels in the order of ``weights``.
    weights : numpy.ndarray
        Read-only priority vector, sums to 1.
    method : {"eigenvector", "geometric"}
    lambda_max : float
        Principal eigenvalue of the (completed) matrix.
    consistency_index, consistency_ratio, random_index : float
        CI = (lambda_max - n)/(n - 1), RI from :data:`SAATY_RANDOM_INDEX`, CR = CI/RI (0 when n <= 2).
    geometric_consistency_index : float or None
        GCI, reported for the geometric method; ``None`` for the eigenvector method.
    inconsistent_judgements : tuple of InconsistentJudgement
        Filled only when CR > 0.1: the judgements deviating most from the derived weights.
    matrix : numpy.ndarray
        The reciprocal matrix used, with missing judgements completed as w_i/w_j (read-only).
    completed : tuple of (str, str)
        Criterion pairs whose judgement was missing and completed.
    name : str or None
        Name of the matrix (participant, committee) for messages.
    """

    criteria: tuple[str, ...]
    weights: FloatArray
    method: AHPMethod
    lambda_max: float
    consistency_index: float
    consistency_ratio: float
    random_index: float
    geometric_consistency_index: float | None
    inconsistent_judgements: tuple[InconsistentJudgement, ...]
    matrix: FloatArray
    completed: tuple[tuple[str, str], ...] = ()
    name: str | None = None

    @property
    def is_consistent(self) -> bool:
        """True when CR <= 0.1 (Saaty's rule)."""
        return self.consistency_ratio <= CONSISTENCY_THRESHOLD + 1e-12

    def as_weights(self) -> Weights:
        """The priorities as a :class:`Weights` record, method ``"ahp-<method>"``."""
        return Weights(self.criteria, self.weights, f"ahp-{self.method}")

    def to_frame(self) -> pd.DataFrame:
        """Weights and ranks as a DataFrame indexed by criterion; the consistency figures are in ``attrs``.

        Examples
        --------
        >>> r = ahp([[1, 3], [1 / 3, 1]], criteria=["economy", "citizen"])
        >>> r.to_frame()  # doctest: +NORMALIZE_WHITESPACE
                   weight  rank
        criterion
        economy      0.75     1
        citizen      0.25     2
        """
        ranks = pd.Series(np.array(self.weights)).rank(ascending=False, method="min").astype(int)
        frame = pd.DataFrame(
            {"weight": np.array(self.weights), "rank": ranks.to_numpy()},
            index=pd.Index(self.criteria, name="criterion"),
        )
        frame.attrs.update(
            {
                "method": self.method,
                "lambda_max": self.lambda_max,
                "consistency_index": self.consistency_index,
                "consistency_ratio": self.consistency_ratio,
                "geometric_consistency_index": self.geometric_consistency_index,
            }
        )
        return frame

    def judgements_frame(self) -> pd.DataFrame:
        """The inconsistent judgements as a DataFrame (empty when the matrix is consistent enough)."""
        columns = ["row", "column", "given", "consistent", "contribution"]
        return pd.DataFrame(
            [[j.row, j.column, j.given, j.consistent, j.contribution] for j in self.inconsistent_judgements],
            columns=columns,
        )


@dataclass(frozen=True, slots=True, eq=False)
class GroupAHPResult:
    """Priorities of a group of participants.

    Attributes
    ----------
    criteria : tuple of str
    weights : numpy.ndarray
        Group priorities (read-only, sum 1).
    method : {"aij", "aip"}
        Aggregation of individual judgements (geometric mean of each entry, then prioritised) or of individual
        priorities (weighted geometric mean of the priority vectors, normalised).
    prioritisation : {"eigenvector", "geometric"}
    participants : tuple of str
    participant_weights : numpy.ndarray
        Normalised participant weights (read-only).
    individual : tuple of AHPResult
        Each participant's own result.
    aggregate : AHPResult or None
        For AIJ, the result of the aggregated matrix (with its own consistency); ``None`` for AIP.
    """

    criteria: tuple[str, ...]
    weights: FloatArray
    method: GroupMethod
    prioritisation: AHPMethod
    participants: tuple[str, ...]
    participant_weights: FloatArray
    individual: tuple[AHPResult, ...]
    aggregate: AHPResult | None

    @property
    def consistency_ratio(self) -> float | None:
        """CR of the aggregated matrix for AIJ; ``None`` for AIP (see ``individual``)."""
        return None if self.aggregate is None else self.aggregate.consistency_ratio

    def as_weights(self) -> Weights:
        """The group priorities as a :class:`Weights` record."""
        return Weights(self.criteria, self.weights, f"group-ahp-{self.method}")

    def to_frame(self) -> pd.DataFrame:
        """Criterion x (each participant, ``group``) weights; participants' CRs are in ``attrs``."""
        data = {p: np.array(r.weights) for p, r in zip(self.participants, self.individual, strict=True)}
        data["group"] = np.array(self.weights)
        frame = pd.DataFrame(data, index=pd.Index(self.criteria, name="criterion"))
        frame.attrs["consistency_ratio"] = {
            p: r.consistency_ratio for p, r in zip(self.participants, self.individual, strict=True)
        }
        if self.aggregate is not None:
            frame.attrs["consistency_ratio"]["group"] = self.aggregate.consistency_ratio
        return frame


# ----------------------------------------------------------------------------------------------------
# Parsing and validation


@dataclass(frozen=True, slots=True)
class _Judgements:
    criteria: tuple[str, ...]
    values: FloatArray  # reciprocal; NaN where missing; diagonal 1
    known: np.ndarray  # bool, symmetric
    name: str | None


def _matrix_label(name: str | None) -> str:
    return f"AHP matrix {name!r}" if name else "AHP matrix"


def _cell(name: str | None, row: str, column: str) -> Location:
    return Location(item=f"{_matrix_label(name)}, row {row}", column=column)


def _resolve_method(method: Any) -> AHPMethod:
    chosen = _METHODS.get(canonical(method)) if isinstance(method, str) else None
    if chosen is None:
        raise ValidationError("unknown AHP method", expected="'eigenvector' or 'geometric'", found=method)
    return chosen


def _grid(
    matrix: Any,
    criteria: Sequence[str] | None,
    name: str | None,
) -> tuple[tuple[str, ...], list[list[Any]]]:
    """Cells of the matrix in criteria order, and the criteria labels."""
    where = Location(item=_matrix_label(name))
    wanted = None if criteria is None else label_tuple(criteria, what="criterion", location=where)
    if isinstance(matrix, pd.DataFrame):
        n_rows, n_cols = matrix.shape
        if n_rows != n_cols or n_rows == 0:
            raise ValidationError(
                "the pairwise comparison matrix is not square",
                location=where,
                expected="as many columns as rows (one per criterion)",
                found=f"{n_rows} rows x {n_cols} columns",
            )
        cells = matrix.to_numpy(dtype=object)
        if isinstance(matrix.index, pd.RangeIndex) and isinstance(matrix.columns, pd.RangeIndex):
            grid = cells.tolist()
        else:
            rows = label_tuple(matrix.index, what="row label", location=where)
            cols = label_tuple(matrix.columns, what="column label", location=where)
            if set(rows) != set(cols):
                raise ValidationError(
                    "row and column labels of the matrix differ",
                    location=where,
                    expected="the same criteria as rows and columns",
                    found=describe_set_difference(rows, cols) + " in the columns",
                )
            order = rows
            if wanted is not None:
                if set(wanted) != set(rows):
                    raise ValidationError(
                        "the matrix labels do not match the criteria",
                        location=where,
                        expected=", ".join(wanted),
                        found=describe_set_difference(wanted, rows) + " in the matrix",
                    )
                order = wanted
            row_pos = {label: i for i, label in enumerate(rows)}
            col_pos = {label: j for j, label in enumerate(cols)}
            grid = [[cells[row_pos[r], col_pos[c]] for c in order] for r in order]
            return order, grid
    elif isinstance(matrix, np.ndarray):
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1] or matrix.shape[0] == 0:
            raise ValidationError(
                "the pairwise comparison matrix is not square",
                location=where,
                expected="an n x n matrix (one row and one column per criterion)",
                found=f"shape {matrix.shape}",
            )
        grid = matrix.tolist()
    elif isinstance(matrix, Sequence) and not isinstance(matrix, (str, bytes)):
        grid = []
        n = len(matrix)
        if n == 0:
            raise ValidationError(
                "the pairwise comparison matrix is empty",
                location=where,
                expected="n x n, n >= 1",
            )
        for i, row in enumerate(matrix):
            if isinstance(row, (str, bytes)) or not isinstance(row, Sequence | np.ndarray):
                raise ValidationError(
                    "the pairwise comparison matrix is not a table",
                    location=Location(item=f"{_matrix_label(name)}, row {i + 1}"),
                    expected="a list of rows, each a list of numbers",
                    found=row,
                )
            cells_row = list(row)
            if len(cells_row) != n:
                raise ValidationError(
                    "the pairwise comparison matrix is not square",
                    location=Location(item=f"{_matrix_label(name)}, row {i + 1}"),
                    expected=f"{n} entries (one per criterion)",
                    found=f"{len(cells_row)} entries",
                )
            grid.append(cells_row)
    else:
        raise ValidationError(
            "the pairwise comparison matrix cannot be read",
            location=where,
            expected="a numpy array, a list of lists or a pandas DataFrame",
            found=type(matrix).__name__,
        )
    n = len(grid)
    if wanted is None:
        labels = tuple(f"C{i + 1}" for i in range(n))
    else:
        if len(wanted) != n:
            raise ValidationError(
                "the number of criteria does not match the matrix",
                location=where,
                expected=f"{n} criteria names",
                found=len(wanted),
            )
        labels = wanted
    return labels, grid


def _parse(matrix: Any, *, criteria: Sequence[str] | None, name: str | None, tolerance: float) -> _Judgements:
    labels, grid = _grid(matrix, criteria, name)
    n = len(labels)
    if n > max(SAATY_RANDOM_INDEX):
        raise ValidationError(
            f"{n} criteria are too many for one pairwise comparison matrix",
            location=Location(item=_matrix_label(name)),
            expected=f"at most {max(SAATY_RANDOM_INDEX)} (Saaty's random index is tabulated up to that size)",
            hint="group the criteria into a hierarchy and compare within each group",
        )
    low, high = 1.0 / 9.0 / (1.0 + tolerance), 9.0 * (1.0 + tolerance)
    values = np.full((n, n), np.nan)
    for i in range(n):
        for j in range(n):
            cell = grid[i][j]
            location = _cell(name, labels[i], labels[j])
            if not is_scalar(cell):
                raise ValidationError(
                    "a matrix cell holds more than one value",
                    location=location,
                    found=cell,
                )
            number = number_or_error(
                cell, what="the judgement", location=location, expected=_SCALE_TEXT, allow_missing=True
            )
            if number is None:
                continue
            if number <= 0 or not low <= number <= high:
                raise ValidationError(
                    "not a valid judgement",
                    location=location,
                    expected=_SCALE_TEXT,
                    found=cell,
                )
            values[i, j] = number
    known = np.zeros((n, n), dtype=bool)
    for i in range(n):
        if not np.isnan(values[i, i]) and abs(math.log(values[i, i])) > tolerance:
            raise ValidationError(
                "a criterion compared with itself must be 1",
                location=_cell(name, labels[i], labels[i]),
                expected="1 on the diagonal",
                found=grid[i][i],
            )
        values[i, i] = 1.0
        known[i, i] = True
        for j in range(i + 1, n):
            a, b = values[i, j], values[j, i]
            if np.isnan(a) and np.isnan(b):
                continue
            if np.isnan(a):
                a = 1.0 / b
            elif np.isnan(b):
                b = 1.0 / a
            elif abs(math.log(a * b)) > tolerance:
                raise ValidationError(
                    f"not the reciprocal of row {labels[i]}, column {labels[j]}",
                    location=_cell(name, labels[j], labels[i]),
                    expected=f"{_fmt(1.0 / a)} (1/{_fmt(a)}), or leave the cell empty",
                    found=grid[j][i],
                    hint="a_ji must equal 1/a_ij; give only the upper triangle to avoid this",
                )
            # Averaging in log space keeps exact reciprocity even when a typed "0.33" stands for 1/3.
            g = math.sqrt(a / b)
            values[i, j], values[j, i] = g, 1.0 / g
            known[i, j] = known[j, i] = True
    _check_connected(labels, known, name)
    return _Judgements(labels, values, known, name)


def _fmt(x: float) -> str:
    return f"{x:.4g}"


def _check_connected(labels: tuple[str, ...], known: np.ndarray, name: str | None) -> None:
    n = len(labels)
    component = np.full(n, -1)
    groups: list[list[str]] = []
    for start in range(n):
        if component[start] >= 0:
            continue
        index = len(groups)
        members: list[str] = []
        queue = deque([start])
        component[start] = index
        while queue:
            node = queue.popleft()
            members.append(labels[node])
            for other in np.flatnonzero(known[node]):
                if component[other] < 0:
                    component[other] = index
                    queue.append(int(other))
        groups.append(members)
    if len(groups) > 1:
        described = " | ".join("{" + ", ".join(g) + "}" for g in groups)
        raise ValidationError(
            "the pairwise comparisons do not connect all criteria, so their relative weights are open",
            location=Location(item=_matrix_label(name)),
            expected="every criterion linked to every other through given comparisons",
            found=f"separate groups {described}",
            hint="add at least one comparison between criteria of different groups",
        )


# ----------------------------------------------------------------------------------------------------
# Numerics


def _perron(matrix: np.ndarray) -> tuple[FloatArray, float]:
    """Principal eigenvector (normalised to sum 1) and eigenvalue of a non-negative irreducible matrix."""
    eigenvalues, eigenvectors = np.linalg.eig(matrix)
    k = int(np.argmax(eigenvalues.real))
    vector = np.abs(eigenvectors[:, k].real)
    return vector / vector.sum(), float(eigenvalues[k].real)


def _llsm(values: np.ndarray, known: np.ndarray) -> FloatArray:
    """Logarithmic least squares over the given judgements: min sum (log a_ij - y_i + y_j)^2."""
    n = values.shape[0]
    off = known & ~np.eye(n, dtype=bool)
    logs = np.where(off, np.log(np.where(off, values, 1.0)), 0.0)
    laplacian = np.diag(off.sum(axis=1).astype(np.float64)) - off.astype(np.float64)
    rhs = logs.sum(axis=1)
    # Adding the all-ones matrix removes the Laplacian's null space and pins sum(y) = 0 (rhs sums to 0).
    y = np.linalg.solve(laplacian + np.ones((n, n)), rhs)
    w = np.exp(y - y.max())
    return w / w.sum()


def _to_scale(ratio: float) -> float:
    """Round a ratio onto Saaty's scale: 1..9 or their reciprocals (half-up in the integer domain)."""
    if ratio >= 1.0:
        return float(min(9, max(1, math.floor(ratio + 0.5))))
    return 1.0 / min(9, max(1, math.floor(1.0 / ratio + 0.5)))


def _analyse(judgements: _Judgements, method: AHPMethod, max_suggestions: int) -> AHPResult:
    labels, values, known = judgements.criteria, judgements.values, judgements.known
    n = len(labels)
    complete = bool(known.all())
    if method == "eigenvector":
        if complete:
            weights, lambda_max = _perron(values)
        else:
            harker = np.where(known, values, 0.0)
            harker[np.diag_indices(n)] = 1.0 + (~known).sum(axis=1)
            weights, _ = _perron(harker)
    else:
        weights = _llsm(values, known)
    ratios = weights[:, None] / weights[None, :]
    filled = np.where(known, values, ratios)
    if method == "geometric" or not complete:
        _, lambda_max = _perron(filled)
    ci = max(0.0, (lambda_max - n) / (n - 1)) if n > 1 else 0.0
    ri = SAATY_RANDOM_INDEX[n]
    cr = ci / ri if ri > 0 else 0.0

    upper = np.triu(known, k=1)
    errors = np.where(upper, np.log(np.where(upper, values, 1.0) / np.where(upper, ratios, 1.0)), 0.0)
    squared = errors**2
    total = float(squared.sum())
    gci: float | None = None
    if method == "geometric":
        freedom = int(upper.sum()) - (n - 1)
        gci = total / freedom if freedom > 0 else 0.0

    suggestions: list[InconsistentJudgement] = []
    if cr > CONSISTENCY_THRESHOLD and total > 0:
        rows, cols = np.nonzero(upper)
        order = sorted(range(rows.size), key=lambda k: (-abs(errors[rows[k], cols[k]]), rows[k], cols[k]))
        for k in order:
            i, j = int(rows[k]), int(cols[k])
            consistent = _to_scale(float(ratios[i, j]))
            if math.isclose(consistent, float(values[i, j]), rel_tol=1e-6):
                continue
            suggestions.append(
                InconsistentJudgement(
                    row=labels[i],
                    column=labels[j],
                    given=float(values[i, j]),
                    consistent=consistent,
                    contribution=float(squared[i, j] / total),
                )
            )
            if len(suggestions) >= max_suggestions:
                break
        logger.info(
            "%s: consistency ratio %.3f exceeds %.2f; most inconsistent: %s",
            _matrix_label(judgements.name),
            cr,
            CONSISTENCY_THRESHOLD,
            ", ".join(f"{s.row}/{s.column}" for s in suggestions),
        )
    missing = np.nonzero(np.triu(~known, k=1))
    missing_pairs = tuple((labels[i], labels[j]) for i, j in zip(*missing, strict=True))
    return AHPResult(
        criteria=labels,
        weights=readonly(weights),
        method=method,
        lambda_max=float(lambda_max),
        consistency_index=float(ci),
        consistency_ratio=float(cr),
        random_index=float(ri),
        geometric_consistency_index=None if gci is None else float(gci),
        inconsistent_judgements=tuple(suggestions),
        matrix=readonly(filled),
        completed=missing_pairs,
        name=judgements.name,
    )


def _check_options(tolerance: Any, max_suggestions: Any) -> tuple[float, int]:
    tol = required_number(tolerance, what="reciprocity_tolerance", expected="a number between 0 and 1")
    if not 0 <= tol < 1:
        raise ValidationError(
            "reciprocity_tolerance out of range",
            expected="0 <= tolerance < 1",
            found=tolerance,
        )
    whole = isinstance(max_suggestions, (int, np.integer)) and not isinstance(max_suggestions, bool)
    if not whole or max_suggestions < 0:
        raise ValidationError("max_suggestions must be a whole number >= 0", found=max_suggestions)
    return tol, int(max_suggestions)


# ----------------------------------------------------------------------------------------------------
# Public functions


def ahp(
    matrix: MatrixLike,
    *,
    method: str = "eigenvector",
    criteria: Sequence[str] | None = None,
    name: str | None = None,
    reciprocity_tolerance: float = 0.05,
    max_suggestions: int = 3,
) -> AHPResult:
    """Priorities and consistency of a pairwise comparison matrix on Saaty's 1–9 scale.

    Parameters
    ----------
    matrix : array-like or pandas.DataFrame
        Square matrix; a_ij says how much more important criterion i is than j (1 … 9, or 1/9 … 1). A
        DataFrame carries the criterion labels (rows and columns must name the same criteria; columns are
        matched by label). Cells may be numbers or numeric text (``"1/3"``, ``"0,5"``). Missing cells (NaN,
        None, blank) are allowed: give the upper triangle alone, or leave comparisons out entirely as long as
        the remaining comparisons connect all criteria — the matrix is then completed (Harker's method for
        ``"eigenvector"``, logarithmic least squares for ``"geometric"``).
    method : {"eigenvector", "geometric"}
        Principal eigenvector (Saaty) or row geometric mean (Crawford & Williams).
    criteria : sequence of str, optional
        Labels for an unlabelled matrix, or the desired order for a DataFrame. Default ``C1, C2, …``.
    name : str, optional
        Name of the matrix (e.g. the committee) used in error messages.
    reciprocity_tolerance : float
        Allowed relative deviation |log(a_ij a_ji)| and |log a_ii|, so that typed decimals such as 0.33 for
        1/3 pass.
    max_suggestions : int
        How many inconsistent judgements to list when CR > 0.1.

    Returns
    -------
    AHPResult

    Raises
    ------
    ValidationError
        Non-square or empty matrix, a value that is not a positive number within 1/9 … 9, a diagonal other
        than 1, a_ji not the reciprocal of a_ij, labels that do not match, comparisons that do not connect all
        criteria, or more than 15 criteria.

    Notes
    -----
    When CR > 0.1 the judgements are ranked by |log(a_ij w_j / w_i)| (the most inconsistent entries, after
    Saaty 2003 and Ergu et al. 2011) and each is reported with w_i / w_j rounded onto the scale as a
    consistent value.

    Examples
    --------
    >>> r = ahp([[1, 3, 5], [1 / 3, 1, 2], [1 / 5, 1 / 2, 1]], criteria=["law", "economy", "citizen"])
    >>> [round(float(w), 3) for w in r.weights]
    [0.648, 0.23, 0.122]
    >>> round(r.consistency_ratio, 4), r.is_consistent
    (0.0032, True)
    >>> ahp([[1, 3, None], [None, 1, 2], [None, None, 1]], method="geometric").completed
    (('C1', 'C3'),)
    """
    chosen = _resolve_method(method)
    tol, suggestions = _check_options(reciprocity_tolerance, max_suggestions)
    if name is not None and not isinstance(name, str):
        raise ValidationError("the matrix name must be text", found=name)
    judgements = _parse(matrix, criteria=criteria, name=name, tolerance=tol)
    return _analyse(judgements, chosen, suggestions)


def _split_matrices(matrices: Any) -> tuple[tuple[str, ...], list[Any]]:
    if isinstance(matrices, Mapping):
        names = label_tuple(matrices.keys(), what="participant")
        return names, list(matrices.values())
    if isinstance(matrices, np.ndarray):
        if matrices.ndim != 3:
            raise ValidationError(
                "group_ahp needs several matrices",
                expected="a list of matrices, a mapping participant -> matrix, or a 3-d array",
                found=f"an array of shape {matrices.shape}",
                hint="for a single matrix use ahp()",
            )
        items = list(matrices)
    elif isinstance(matrices, (pd.DataFrame, str, bytes)) or not isinstance(matrices, Sequence):
        raise ValidationError(
            "group_ahp needs several matrices",
            expected="a list of matrices or a mapping participant -> matrix",
            found=type(matrices).__name__,
            hint="for a single matrix use ahp()",
        )
    else:
        items = list(matrices)
        # A list of rows of numbers is one matrix, not many.
        if items and all(
            isinstance(row, Sequence) and not isinstance(row, (str, bytes)) and all(is_scalar(c) for c in row)
            for row in items
        ):
            raise ValidationError(
                "group_ahp got a single matrix",
                expected="a list of matrices or a mapping participant -> matrix",
                hint="for a single matrix use ahp()",
            )
    return tuple(f"participant {k + 1}" for k in range(len(items))), items


def _participant_weights(weights: Any, participants: tuple[str, ...]) -> FloatArray:
    m = len(participants)
    if weights is None:
        return readonly(np.full(m, 1.0 / m))
    if isinstance(weights, Mapping):
        keys = label_tuple(weights.keys(), what="participant")
        if set(keys) != set(participants):
            raise ValidationError(
                "participant weights do not match the participants",
                expected=", ".join(participants),
                found=describe_set_difference(participants, keys),
            )
        raw = [weights[p] for p in participants]
    elif isinstance(weights, (str, bytes)) or not isinstance(weights, Sequence | np.ndarray):
        raise ValidationError(
            "participant weights cannot be read", expected="a list of numbers or a mapping", found=weights
        )
    else:
        raw = list(weights)
        if len(raw) != m:
            raise ValidationError(
                "one weight per participant is needed", expected=f"{m} weights", found=f"{len(raw)} weights"
            )
    values = []
    for participant, value in zip(participants, raw, strict=True):
        where = Location(item=f"participant {participant!r}")
        number = required_number(
            value,
            what="the participant weight",
            location=where,
            expected="a number >= 0",
        )
        if number < 0:
            raise ValidationError(
                "a participant weight is negative",
                location=where,
                expected=">= 0",
                found=value,
            )
        values.append(number)
    total = math.fsum(values)
    if total <= 0:
        raise ValidationError("all participant weights are zero", expected="at least one positive weight")
    return readonly(np.asarray(values) / total)


def group_ahp(
    matrices: Sequence[MatrixLike] | Mapping[str, MatrixLike],
    *,
    method: str = "aij",
    weights: Sequence[float] | Mapping[str, float] | None = None,
    prioritisation: str = "eigenvector",
    criteria: Sequence[str] | None = None,
    reciprocity_tolerance: float = 0.05,
    max_suggestions: int = 3,
) -> GroupAHPResult:
    """Group priorities from several participants' pairwise comparison matrices.

    Parameters
    ----------
    matrices : sequence or mapping
        One matrix per participant (as accepted by :func:`ahp`), or participant name -> matrix. Labelled
        matrices are aligned by label; all must compare the same criteria.
    method : {"aij", "aip"}
        ``"aij"``: aggregate individual judgements — each a_ij becomes the weighted geometric mean of the
        participants' a_ij (over those who gave it), then the aggregated matrix is prioritised. ``"aip"``:
        aggregate individual priorities — the weighted geometric mean of the participants' priority vectors,
        normalised (Forman & Peniwati 1998, EJOR 108, 165-169).
    weights : sequence or mapping, optional
        Participant weights (>= 0, not all 0), normalised internally; equal by default.
    prioritisation : {"eigenvector", "geometric"}
        Method used for each matrix.
    criteria : sequence of str, optional
        Labels for unlabelled matrices and the order of the result; by default the first labelled matrix's
        order.
    reciprocity_tolerance, max_suggestions
        As for :func:`ahp`.

    Returns
    -------
    GroupAHPResult

    Examples
    --------
    >>> a = [[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]]
    >>> b = [[1, 8, 4], [1 / 8, 1, 1 / 2], [1 / 4, 2, 1]]
    >>> g = group_ahp({"mayor": a, "council": b}, criteria=["law", "economy", "citizen"])
    >>> [round(float(w), 4) for w in g.weights]
    [0.6667, 0.1667, 0.1667]
    """
    chosen_method = _GROUP_METHODS.get(canonical(method)) if isinstance(method, str) else None
    if chosen_method is None:
        raise ValidationError("unknown group aggregation method", expected="'aij' or 'aip'", found=method)
    chosen_priority = _resolve_method(prioritisation)
    tol, suggestions = _check_options(reciprocity_tolerance, max_suggestions)
    participants, items = _split_matrices(matrices)
    if not items:
        raise ValidationError("group_ahp got no matrices", expected="at least one participant's matrix")
    lam = _participant_weights(weights, participants)
    reference: Sequence[str] | None = criteria
    if reference is None:
        for item in items:
            if isinstance(item, pd.DataFrame) and not (
                isinstance(item.index, pd.RangeIndex) and isinstance(item.columns, pd.RangeIndex)
            ):
                reference = label_tuple(item.index, what="row label")
                break
    parsed = [
        _parse(item, criteria=reference, name=participant, tolerance=tol)
        for participant, item in zip(participants, items, strict=True)
    ]
    labels = parsed[0].criteria
    for participant, p in zip(participants, parsed, strict=True):
        if p.criteria != labels:
            raise ValidationError(
                "the participants compare different criteria",
                location=Location(item=f"{_matrix_label(participant)}"),
                expected=", ".join(labels),
                found=", ".join(p.criteria),
            )
    individual = tuple(_analyse(p, chosen_priority, suggestions) for p in parsed)
    aggregate: AHPResult | None = None
    if chosen_method == "aij":
        n = len(labels)
        log_sum = np.zeros((n, n))
        weight_sum = np.zeros((n, n))
        for share, p in zip(lam, parsed, strict=True):
            if share == 0:
                continue
            log_sum += np.where(p.known, np.log(np.where(p.known, p.values, 1.0)), 0.0) * share
            weight_sum += np.where(p.known, share, 0.0)
        known = weight_sum > 0
        values = np.where(known, np.exp(log_sum / np.where(known, weight_sum, 1.0)), np.nan)
        aggregate = _analyse(_Judgements(labels, values, known, "group (AIJ)"), chosen_priority, suggestions)
        group_weights = aggregate.weights
    else:
        logs = np.array([np.log(r.weights) for r in individual])
        combined = np.exp(lam @ logs)
        group_weights = readonly(combined / combined.sum())
    return GroupAHPResult(
        criteria=labels,
        weights=readonly(group_weights),
        method=chosen_method,
        prioritisation=chosen_priority,
        participants=participants,
        participant_weights=lam,
        individual=individual,
        aggregate=aggregate,
    )
