"""Run a batch of solves on any :class:`concurrent.futures.Executor`, in-process, or on a pool of its own.

A batch is a *context* (the portfolio and settings, the same for every task) and a list of small *tasks*. Tasks
travel in chunks; each worker prepares the context once (builds the base model) and keeps it in a small cache, so
later chunks of the same batch find it ready. With ``workers=N`` the pool is created here with an initializer that
installs the context once per process, and chunks carry only a token. Results are stored by task index, so they
do not depend on the executor or on the order in which chunks complete. A task that raises, and a chunk whose
worker dies, become failed results; the rest of the batch is kept.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import math
import multiprocessing
import os
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from kommunal_planner.model import Portfolio
from kommunal_planner.optimize import SolveOptions

__all__ = ["BatchContext", "Prepared", "ProgressCallback", "run_batch"]

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

_IMPORT_PID = os.getpid()
_RESET_PIDS: set[int] = set()


ProgressCallback = Callable[[int, int], None]
"""Called in the calling process as results arrive: ``progress(done, total)`` (total 0: not known in advance)."""


@dataclass(frozen=True, slots=True, eq=False)
class BatchContext:
    """What every task of a batch shares; shipped once per worker (own pool) or once per chunk (other executors).

    Parameters
    ----------
    portfolio
        The base portfolio.
    options
        Solver options of every solve.
    start
        The base plan's decisions ``((project index, year offset, programme index or -1), ...)``, the warm start
        of every solve, or None.
    settings
        Settings of the job (tie-break, objective, uncertainty, ...), small and picklable.
    """

    portfolio: Portfolio
    options: SolveOptions
    start: tuple[tuple[int, int, int], ...] | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    def with_start(self, start: tuple[tuple[int, int, int], ...] | None) -> BatchContext:
        """The same context with another warm start (and a new token: workers must not re-use the old one)."""
        return BatchContext(self.portfolio, self.options, start, dict(self.settings))

    def with_settings(self, **changes: Any) -> BatchContext:
        """The same context with some settings changed (and a new token)."""
        return BatchContext(self.portfolio, self.options, self.start, {**self.settings, **changes})


class Prepared:
    """A context made ready in a worker: the base model structure is built once and re-used by every task."""

    def __init__(self, context: BatchContext) -> None:
        from kommunal_planner.optimize._reuse import ParametricModel

        self.context = context
        self.portfolio = context.portfolio
        self.options = context.options
        self.settings = context.settings
        try:
            self.model: ParametricModel | None = ParametricModel(context.portfolio)
        except NotImplementedError as exc:
            logger.info("no re-usable model structure (%s): every solve rebuilds", exc)
            self.model = None
        self.start_starts: dict[int, int] = {}
        self.start_programmes: dict[int, int] = {}
        for p, t, f in context.start or ():
            self.start_starts[p] = t
            if f >= 0:
                self.start_programmes[p] = f
        self.cache: dict[str, Any] = {}


_CACHE: OrderedDict[str, Prepared] = OrderedDict()
_INSTALLED: dict[str, BatchContext] = {}


def _reset_solver_threads() -> None:
    """Make the solver usable in a forked child: its thread pool does not survive ``fork``."""
    pid = os.getpid()
    if pid == _IMPORT_PID or pid in _RESET_PIDS:
        return
    _RESET_PIDS.add(pid)
    try:
        import highspy

        highspy.Highs.resetGlobalScheduler(False)
    except (ImportError, AttributeError):  # pragma: no cover - other solvers or an old highspy
        pass


@contextlib.contextmanager
def solver_threads(options: SolveOptions) -> Iterator[None]:
    """A fresh solver scheduler for this thread while a batch runs, and a fresh one again afterwards.

    HiGHS keeps one scheduler per thread, sized at its first solve, and fails a solve that asks for another size;
    a batch asking for one thread in a thread that solved with the default before would fail without this.
    """
    reset = None
    if options.threads is not None and options.solver.lower() == "highs":
        try:
            import highspy

            reset = getattr(highspy.Highs, "resetThreadScheduler", None)
        except ImportError:  # pragma: no cover - get_solver reports it
            reset = None
    if reset is not None:
        reset(True)
    try:
        yield
    finally:
        if reset is not None:
            reset(True)


def prepared(payload: BatchContext | str) -> Prepared:
    """The prepared context of a batch in this process (built at first use, then cached)."""
    _reset_solver_threads()
    token = payload if isinstance(payload, str) else payload.token
    hit = _CACHE.get(token)
    if hit is not None:
        _CACHE.move_to_end(token)
        return hit
    context = _INSTALLED.get(token) if isinstance(payload, str) else payload
    if context is None:
        raise RuntimeError("the batch context was not installed in this worker")
    ready = Prepared(context)
    _CACHE[token] = ready
    while len(_CACHE) > 4:
        _CACHE.popitem(last=False)
    return ready


def _install(context: BatchContext) -> None:
    _INSTALLED[context.token] = context


@dataclass(frozen=True, slots=True)
class _Job(Generic[T, R]):
    run: Callable[[Prepared, T], R]
    fail: Callable[[T, str], R]


def _run_chunk(job: _Job[T, R], payload: BatchContext | str, chunk: Sequence[tuple[int, T]]) -> list[tuple[int, R]]:
    ready = prepared(payload)
    out: list[tuple[int, R]] = []
    with solver_threads(ready.options):
        for index, task in chunk:
            try:
                out.append((index, job.run(ready, task)))
            except Exception as exc:  # one bad task must not lose the batch
                logger.warning("task %d failed: %s", index, exc)
                out.append((index, job.fail(task, f"{type(exc).__name__}: {exc}")))
    return out


def _pool_context() -> multiprocessing.context.BaseContext:
    # fork would copy a solver whose threads did not survive it (and any lock held by another thread)
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _capacity(executor: cf.Executor) -> int:
    """How many tasks the executor runs at once, as far as can be told (for chunk sizes only)."""
    n = getattr(executor, "_max_workers", None)
    if isinstance(n, int) and n > 0:
        return n
    client = getattr(executor, "_client", None)
    if client is not None:
        try:
            return max(1, sum(client.nthreads().values()))
        except Exception:  # the scheduler may not answer; any guess only tunes chunk sizes
            return 4
    return 4


def run_batch(
    run: Callable[[Prepared, T], R],
    fail: Callable[[T, str], R],
    context: BatchContext,
    tasks: Sequence[T],
    *,
    executor: cf.Executor | None = None,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
    chunk_size: int | None = None,
) -> list[R]:
    """Run ``run(prepared_context, task)`` for every task; results in task order.

    Parameters
    ----------
    run, fail
        Module-level functions (they are pickled by reference): *run* solves one task, *fail* turns a task and an
        error message into a failed result.
    executor
        Any :class:`concurrent.futures.Executor`, e.g. a ``ProcessPoolExecutor`` or a Dask
        ``distributed.Client(...).get_executor()``. None: in this process, unless *workers* is given.
    workers
        With no executor, the number of worker processes of a pool created (and shut down) here.
    progress
        Called as ``progress(done, total)`` after each chunk.
    chunk_size
        Tasks per submitted chunk; default about four chunks per worker, at most 16 tasks.
    """
    n = len(tasks)
    results: list[R | None] = [None] * n
    job = _Job(run, fail)
    indexed = list(enumerate(tasks))
    done = 0
    if progress is not None:
        progress(0, n)
    if executor is None and (workers is None or workers <= 1):
        for index, task in indexed:
            for i, r in _run_chunk(job, context, [(index, task)]):
                results[i] = r
            done += 1
            if progress is not None:
                progress(done, n)
        return _filled(results)

    if not n:
        return []
    own = executor is None
    pool: cf.Executor
    if own:
        pool = cf.ProcessPoolExecutor(
            max_workers=int(workers or 1),
            mp_context=_pool_context(),
            initializer=_install,
            initargs=(context,),
        )
        capacity = int(workers or 1)
    else:
        assert executor is not None
        pool = executor
        capacity = _capacity(executor)
    size = chunk_size or max(1, min(16, math.ceil(n / (4 * capacity))))
    chunks = [indexed[i : i + size] for i in range(0, n, size)]
    payload: BatchContext | str = context.token if own else context
    try:
        futures = {pool.submit(_run_chunk, job, payload, chunk): chunk for chunk in chunks}
        for future in cf.as_completed(futures):
            chunk = futures[future]
            try:
                for i, r in future.result():
                    results[i] = r
            except Exception as exc:  # a worker died or the chunk could not be shipped
                logger.warning("a chunk of %d tasks failed: %s", len(chunk), exc)
                for i, task in chunk:
                    results[i] = fail(task, f"{type(exc).__name__}: {exc}")
            done += len(chunk)
            if progress is not None:
                progress(done, n)
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)
    return _filled(results)


def _filled(results: list[R | None]) -> list[R]:
    out: list[R] = []
    for r in results:
        if r is None:  # pragma: no cover - every index is filled above
            raise RuntimeError("a batch result is missing")
        out.append(r)
    return out
