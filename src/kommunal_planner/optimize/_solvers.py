"""Solver backends behind one protocol: HiGHS (embedded, default) and any solver PuLP knows (CBC, GUROBI, ...).

Each backend maps its native status codes onto :class:`SolveStatus` in one table. Limits are results, not
exceptions: a run stopped by its time limit with a solution is ``FEASIBLE`` with its gap, without one it is
``NO_SOLUTION``. Solver packages are imported lazily.
"""

from __future__ import annotations

import enum
import logging
import math
import os
import time
import warnings
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from kommunal_planner.errors import SolverError, SolverNotAvailableError, ValidationError
from kommunal_planner.optimize._formulation import Model

__all__ = [
    "SolveOptions",
    "SolveResult",
    "SolveStatus",
    "Solver",
    "available_solvers",
    "get_solver",
]

logger = logging.getLogger(__name__)


class SolveStatus(enum.StrEnum):
    """Outcome of a solve, as written to plan.json."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    NO_SOLUTION = "no_solution"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class SolveOptions:
    """Solver settings, kept as given and checked once by :meth:`validate` at solve time.

    Parameters
    ----------
    solver
        ``"highs"`` (default), ``"cbc"``, or any PuLP solver name (e.g. ``"GUROBI"``, ``"SCIP_CMD"``).
    time_limit
        Wall-clock limit per solve [s]; ``None`` for none.
    mip_rel_gap
        Relative gap at which a solution counts as optimal.
    threads
        Solver threads (HiGHS fixes its thread count for the whole process at the first solve).
    """

    solver: str = "highs"
    time_limit: float | None = None
    mip_rel_gap: float = 1e-9
    mip_abs_gap: float = 1e-7
    threads: int | None = None
    seed: int = 0
    log: bool = False
    tie_break: bool = True

    def validate(self) -> SolveOptions:
        if self.time_limit is not None and not (isinstance(self.time_limit, int | float) and self.time_limit > 0):
            raise ValidationError("", expected="a time limit > 0 seconds", found=self.time_limit)
        for name in ("mip_rel_gap", "mip_abs_gap"):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and 0 <= value < 1 and math.isfinite(value)):
                raise ValidationError("", expected=f"{name} in [0, 1)", found=value)
        if self.threads is not None and (not isinstance(self.threads, int) or self.threads < 1):
            raise ValidationError("", expected="threads ≥ 1", found=self.threads)
        return self


@dataclass(frozen=True, slots=True, eq=False)
class SolveResult:
    """What a backend returns: status, values and the solver's own report."""

    status: SolveStatus
    message: str
    x: NDArray[np.float64] | None
    objective: float | None
    bound: float | None
    gap: float | None
    nodes: int | None
    time: float
    solver: str
    version: str

    @property
    def success(self) -> bool:
        return self.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


class Solver(Protocol):
    """A MILP backend: solves a :class:`Model` (minimisation form) with options and an optional start."""

    name: str

    def version(self) -> str: ...

    def solve(
        self,
        model: Model,
        options: SolveOptions,
        start: NDArray[np.float64] | None = None,
        c: NDArray[np.float64] | None = None,
        extra_rows: list[tuple[NDArray[np.float64], float, float]] | None = None,
    ) -> SolveResult: ...


_HIGHS_QUIET = False


def _new_highs() -> Any:
    """A new ``highspy.Highs``; the first one of a process is made with stdout closed, as it prints a banner."""
    global _HIGHS_QUIET
    import highspy

    if _HIGHS_QUIET:
        return highspy.Highs()
    import os
    import sys

    sys.stdout.flush()
    try:
        saved = os.dup(1)
    except OSError:  # no stdout at all: nothing to protect
        _HIGHS_QUIET = True
        return highspy.Highs()
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _HIGHS_QUIET = True
    return h


def _rel_gap(objective: float | None, bound: float | None) -> float | None:
    if objective is None or bound is None or not math.isfinite(bound):
        return None
    return abs(objective - bound) / max(1.0, abs(objective))


def _with_rows(
    model: Model, extra_rows: list[tuple[NDArray[np.float64], float, float]] | None
) -> tuple[sp.csr_array, NDArray[np.float64], NDArray[np.float64]]:
    """The model's matrix (CSR) and row bounds, with *extra_rows* (dense row, lower, upper) appended."""
    A = sp.csr_array(model.A)
    if not extra_rows:
        return A, model.row_lo, model.row_hi
    A = sp.csr_array(sp.vstack([A] + [sp.csr_array(r[0][None, :]) for r in extra_rows], format="csr"))
    row_lo = np.concatenate([model.row_lo, [r[1] for r in extra_rows]])
    row_hi = np.concatenate([model.row_hi, [r[2] for r in extra_rows]])
    return A, row_lo, row_hi


def _highs_lp(
    model: Model,
    A: sp.csr_array,
    row_lo: NDArray[np.float64],
    row_hi: NDArray[np.float64],
    cost: NDArray[np.float64],
    col_lo: NDArray[np.float64],
    col_hi: NDArray[np.float64],
    *,
    integer: bool,
) -> Any:
    """A ``highspy.HighsLp`` of the model in one CSC matrix; with ``integer`` the model's integrality is kept."""
    import highspy

    csc = A.tocsc()
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_ = int(model.n_cols)
    lp.num_row_ = int(A.shape[0])
    lp.col_cost_ = np.asarray(cost, dtype=np.float64)
    lp.col_lower_ = np.asarray(col_lo, dtype=np.float64)
    lp.col_upper_ = np.asarray(col_hi, dtype=np.float64)
    lp.row_lower_ = np.where(np.isfinite(row_lo), row_lo, -inf)
    lp.row_upper_ = np.where(np.isfinite(row_hi), row_hi, inf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data.astype(np.float64)
    lp.a_matrix_.num_col_ = int(model.n_cols)
    lp.a_matrix_.num_row_ = int(A.shape[0])
    if integer:
        kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
        lp.integrality_ = [kinds[int(b)] for b in model.integrality]
    return lp


def solve_lp(
    model: Model,
    *,
    threads: int | None = None,
    fixed: NDArray[np.float64] | None = None,
    interior: bool = False,
    time_limit: float | None = None,
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """Column values and row duals of the model's LP relaxation (HiGHS), or None when it is not solved to optimality.

    With *fixed*, every column is held at that value. The duals are HiGHS's, for the minimisation form.
    *threads* must be the thread count of the process's other HiGHS solves (HiGHS fixes it at the first one).
    With *interior*, the interior-point method without crossover is used: an optimal point that need not be a
    vertex, found several times faster than by the simplex method on models of thousands of projects.
    """
    try:
        import highspy
    except ImportError:
        return None
    h = _new_highs()
    h.setOptionValue("output_flag", False)
    if threads is not None:
        h.setOptionValue("threads", int(threads))
    if interior:
        h.setOptionValue("solver", "ipm")
        h.setOptionValue("run_crossover", "off")
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    lo = model.col_lo if fixed is None else fixed
    hi = model.col_hi if fixed is None else fixed
    lp = _highs_lp(model, sp.csr_array(model.A), model.row_lo, model.row_hi, model.c, lo, hi, integer=False)
    if h.passModel(lp) == highspy.HighsStatus.kError:
        return None
    h.run()
    if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
        return None
    sol = h.getSolution()
    return np.array(sol.col_value, dtype=np.float64), np.array(sol.row_dual, dtype=np.float64)


class HighsSolver:
    """HiGHS through highspy: the model is passed as one CSC matrix; a start solution is given as incumbent."""

    name = "highs"

    def version(self) -> str:
        h = _new_highs()
        return f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"

    def prepare(
        self,
        model: Model,
        options: SolveOptions,
        start: NDArray[np.float64] | None = None,
        c: NDArray[np.float64] | None = None,
        extra_rows: list[tuple[NDArray[np.float64], float, float]] | None = None,
    ) -> Any:
        """A ``highspy.Highs`` with the options set, the model passed and *start* given, ready to ``run()``.

        :meth:`solve` runs it; callers that need HiGHS's callbacks subscribe them before they run it.
        """
        import highspy

        A, row_lo, row_hi = _with_rows(model, extra_rows)
        cost = model.c if c is None else c
        h = _new_highs()
        h.setOptionValue("output_flag", bool(options.log))
        h.setOptionValue("log_to_console", bool(options.log))
        h.setOptionValue("mip_rel_gap", float(options.mip_rel_gap))
        h.setOptionValue("mip_abs_gap", float(options.mip_abs_gap))
        h.setOptionValue("random_seed", int(options.seed))
        if options.threads is not None:
            h.setOptionValue("threads", int(options.threads))
        if options.time_limit is not None:
            h.setOptionValue("time_limit", float(options.time_limit))
        lp = _highs_lp(model, A, row_lo, row_hi, cost, model.col_lo, model.col_hi, integer=True)
        status = h.passModel(lp)
        if status == highspy.HighsStatus.kError:
            raise SolverError("HiGHS rejected the model")
        if start is not None:
            idx = np.arange(model.n_cols, dtype=np.int32)
            if h.setSolution(int(model.n_cols), idx, np.asarray(start, dtype=np.float64)) != highspy.HighsStatus.kOk:
                logger.debug("HiGHS did not take the start solution")
        return h

    def solve(
        self,
        model: Model,
        options: SolveOptions,
        start: NDArray[np.float64] | None = None,
        c: NDArray[np.float64] | None = None,
        extra_rows: list[tuple[NDArray[np.float64], float, float]] | None = None,
    ) -> SolveResult:
        import highspy

        t0 = time.perf_counter()
        h = self.prepare(model, options, start=start, c=c, extra_rows=extra_rows)
        h.run()
        elapsed = time.perf_counter() - t0
        ms = h.getModelStatus()
        info = h.getInfo()
        has_sol = info.primal_solution_status == 2  # kSolutionStatusFeasible
        x = np.array(h.getSolution().col_value, dtype=np.float64) if has_sol else None
        obj = float(info.objective_function_value) if has_sol else None
        bound = float(info.mip_dual_bound) if math.isfinite(info.mip_dual_bound) else None
        M = highspy.HighsModelStatus
        if ms == M.kOptimal:
            status_ = SolveStatus.OPTIMAL
        elif ms in (M.kInfeasible,):
            status_ = SolveStatus.INFEASIBLE
        elif ms in (
            M.kTimeLimit,
            M.kIterationLimit,
            M.kSolutionLimit,
            M.kInterrupt,
            M.kObjectiveBound,
            M.kObjectiveTarget,
        ):
            status_ = SolveStatus.FEASIBLE if has_sol else SolveStatus.NO_SOLUTION
        elif ms == M.kUnboundedOrInfeasible:
            status_ = SolveStatus.INFEASIBLE
        else:
            status_ = SolveStatus.ERROR
        if status_ == SolveStatus.OPTIMAL and bound is None:
            bound = obj
        gap = _rel_gap(obj, bound)
        return SolveResult(
            status_,
            h.modelStatusToString(ms),
            x,
            obj,
            bound,
            gap,
            int(info.mip_node_count),
            elapsed,
            "highs",
            self.version(),
        )


def _cbc_path() -> str | None:
    """A CBC binary: one on the PATH (e.g. from ``pulp[cbc]``), else the one bundled with PuLP."""
    import shutil

    found = shutil.which("cbc")
    if found:
        return found
    from pulp.apis import coin_api

    bundled = os.path.abspath(coin_api.pulp_cbc_path)
    return bundled if os.path.exists(bundled) else None


class PulpSolver:
    """Any solver PuLP knows. Only this adapter walks the finished matrix row by row.

    PuLP reports "Optimal" when a time limit stopped the solver with a solution; the status is therefore read
    from PuLP's solution status and the gap, and a limited run is never called optimal.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._cbc = name.lower() == "cbc"
        self._pulp_name = "COIN_CMD" if self._cbc else name

    def version(self) -> str:
        import pulp

        return f"pulp {pulp.__version__}"

    def _make(self, options: SolveOptions, warm: bool) -> Any:
        import pulp

        kwargs: dict[str, Any] = {"msg": bool(options.log)}
        if options.time_limit is not None:
            kwargs["timeLimit"] = float(options.time_limit)
        if self._cbc:
            kwargs["path"] = _cbc_path()
            kwargs["gapRel"] = float(options.mip_rel_gap)
            kwargs["gapAbs"] = float(options.mip_abs_gap)
            kwargs["warmStart"] = warm
            if options.threads:
                kwargs["threads"] = int(options.threads)
            kwargs["options"] = [
                f"randomSeed {int(options.seed) + 1}",
                f"randomCbcSeed {int(options.seed) + 1}",
            ]
        try:
            solver = pulp.getSolver(self._pulp_name, **kwargs)
        except Exception as exc:  # PuLP raises bare PulpSolverError for unknown names
            raise SolverNotAvailableError(f"the solver '{self.name}' is not known to PuLP: {exc}") from exc
        if not solver.available():
            raise SolverNotAvailableError(f"the solver '{self.name}' is not available on this machine")
        return solver

    def solve(
        self,
        model: Model,
        options: SolveOptions,
        start: NDArray[np.float64] | None = None,
        c: NDArray[np.float64] | None = None,
        extra_rows: list[tuple[NDArray[np.float64], float, float]] | None = None,
    ) -> SolveResult:
        import pulp

        t0 = time.perf_counter()
        cost = model.c if c is None else c
        prob = pulp.LpProblem("portfolio", pulp.LpMinimize)
        integral = model.integrality
        vars_ = [
            prob.add_variable(
                f"v{i}",
                float(model.col_lo[i]),
                float(model.col_hi[i]),
                cat=pulp.LpInteger if integral[i] else pulp.LpContinuous,
            )
            for i in range(model.n_cols)
        ]
        nz = np.flatnonzero(cost)
        prob.setObjective(pulp.LpAffineExpression(zip([vars_[i] for i in nz], cost[nz].tolist(), strict=True)))
        A, row_lo, row_hi = _with_rows(model, extra_rows)
        for k in range(A.shape[0]):
            lo, hi = float(row_lo[k]), float(row_hi[k])
            idx, val = A.indices[A.indptr[k] : A.indptr[k + 1]], A.data[A.indptr[k] : A.indptr[k + 1]]
            expr = pulp.LpAffineExpression(zip([vars_[j] for j in idx], val.tolist(), strict=True))
            if np.isfinite(lo) and np.isfinite(hi) and lo == hi:
                prob.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintEQ, f"r{k}", hi))
                continue
            if np.isfinite(hi):
                prob.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintLE, f"r{k}u", hi))
            if np.isfinite(lo):
                prob.addConstraint(pulp.LpConstraint(expr, pulp.LpConstraintGE, f"r{k}l", lo))
        if start is not None:
            for v, val in zip(vars_, start, strict=True):
                v.setInitialValue(float(val))
        solver = self._make(options, warm=start is not None)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                prob.solve(solver)
            except pulp.PulpSolverError as exc:
                raise SolverError(f"{self.name} failed: {exc}") from exc
        elapsed = time.perf_counter() - t0
        sol_status = prob.sol_status
        values = np.array([v.value() if v.value() is not None else 0.0 for v in vars_], dtype=np.float64)
        has_sol = sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
        obj = float(cost @ values) if has_sol else None
        limited = options.time_limit is not None and elapsed >= 0.98 * float(options.time_limit)
        bound: float | None = None
        if prob.status == pulp.LpStatusInfeasible or sol_status == pulp.LpSolutionInfeasible:
            status = SolveStatus.INFEASIBLE
        elif sol_status == pulp.LpSolutionOptimal and not limited:
            status, bound = SolveStatus.OPTIMAL, obj
        elif has_sol:
            status = SolveStatus.FEASIBLE
        elif sol_status == pulp.LpSolutionNoSolutionFound or limited:
            status = SolveStatus.NO_SOLUTION
        else:
            status = SolveStatus.ERROR
        gap = _rel_gap(obj, bound)
        return SolveResult(
            status,
            pulp.LpStatus.get(prob.status, "?"),
            values if has_sol else None,
            obj,
            bound,
            gap,
            None,
            elapsed,
            self.name.lower(),
            self.version(),
        )


def get_solver(name: str) -> Solver:
    """The backend for *name* (case-insensitive for ``highs`` and ``cbc``)."""
    key = name.strip()
    if key.lower() == "highs":
        try:
            import highspy  # noqa: F401
        except ImportError as exc:
            raise SolverNotAvailableError("highspy is not installed: pip install highspy") from exc
        return HighsSolver()
    try:
        import pulp  # noqa: F401
    except ImportError as exc:
        raise SolverNotAvailableError("PuLP is not installed: pip install pulp") from exc
    return PulpSolver(key)


def available_solvers() -> list[str]:
    """Names of the solvers that work on this machine, the default first.

    Examples
    --------
    >>> "highs" in available_solvers()
    True
    """
    names: list[str] = []
    try:
        import highspy  # noqa: F401

        names.append("highs")
    except ImportError:
        pass
    try:
        import pulp

        if _cbc_path() is not None:
            names.append("cbc")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # listing instantiates PuLP's deprecated CBC class
            others = pulp.listSolvers(onlyAvailable=True)
        names.extend(n for n in others if n not in ("PULP_CBC_CMD", "COIN_CMD"))
    except ImportError:
        pass
    return list(dict.fromkeys(names))
