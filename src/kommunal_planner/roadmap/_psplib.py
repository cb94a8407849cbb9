"""Reader for single-mode RCPSP instances in the PSPLIB ``.sm`` format (Kolisch and Sprecher 1996).

The file is read by locating its section titles (``PRECEDENCE RELATIONS:``, ``REQUESTS/DURATIONS:``,
``RESOURCEAVAILABILITIES:``) and the labelled header lines; inside a section every line is split on
whitespace. Jobs are numbered from 1 in the file and from 0 in the returned instance.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from kommunal_planner.errors import DataFormatError, Location

logger = logging.getLogger(__name__)

__all__ = ["RCPSPInstance", "read_psplib", "read_psplib_text"]


@dataclass(frozen=True, eq=False)
class RCPSPInstance:
    """A single-mode RCPSP instance as read from a PSPLIB file.

    Attributes
    ----------
    name
        Instance name (by default the file name without its suffix).
    durations
        (n,) read-only int array; job 1 of the file is activity 0.
    successors
        For every activity, the tuple of its direct successors (0-based).
    demands
        (n, k) read-only int array of per-period demands on the renewable resources.
    capacities
        (k,) read-only int array of renewable-resource capacities.
    """

    name: str
    durations: NDArray[np.int64]
    successors: tuple[tuple[int, ...], ...]
    demands: NDArray[np.int64]
    capacities: NDArray[np.int64]

    @property
    def n_activities(self) -> int:
        """Number of activities, dummies included."""
        return int(self.durations.shape[0])

    @property
    def n_resources(self) -> int:
        """Number of renewable resources."""
        return int(self.capacities.shape[0])


_SECTIONS = ("PRECEDENCE RELATIONS:", "REQUESTS/DURATIONS:", "RESOURCEAVAILABILITIES:")
# A line of asterisks ends a section; a line of dashes is a rule under column headers.
_SECTION_END = re.compile(r"^\s*[*=]{5,}\s*$")
_RULE = re.compile(r"^\s*-{5,}\s*$")


class _Reader:
    def __init__(self, text: str, name: str) -> None:
        self.name = name
        self.lines = text.splitlines()

    def error(
        self, problem: str, line: int | None, section: str | None, *, expected: str | None = None, found: object = None
    ) -> DataFormatError:
        """An error located at a 0-based line index (reported 1-based) inside ``section``."""
        return DataFormatError(
            problem,
            location=Location(file=self.name, row=None if line is None else line + 1, path=section),
            expected=expected,
            found=found,
        )

    def labelled_int(self, label: str) -> tuple[int, int]:
        """Value of a ``label : value`` header line and the line's index."""
        pattern = re.compile(rf"^\s*{re.escape(label)}[^:]*:\s*(\S+)")
        for no, line in enumerate(self.lines):
            m = pattern.match(line)
            if m:
                try:
                    return int(m.group(1)), no
                except ValueError:
                    raise self.error(
                        f"the value of '{label}' is not an integer", no, "header", found=m.group(1)
                    ) from None
        raise self.error(f"the header line '{label} :' is missing", None, "header")

    def section(self, title: str) -> int:
        for no, line in enumerate(self.lines):
            if line.strip().upper().startswith(title):
                return no
        raise self.error(f"the section '{title}' is missing", None, title.rstrip(":"))

    def data_rows(self, start: int, section: str, count: int) -> list[tuple[int, list[str]]]:
        """The next ``count`` data lines after a section title (column headers and rules skipped)."""
        rows: list[tuple[int, list[str]]] = []
        no = start + 1
        while no < len(self.lines) and len(rows) < count:
            line = self.lines[no]
            stripped = line.strip()
            if _SECTION_END.match(line):
                break
            if _RULE.match(line):
                pass
            elif stripped and stripped[0].isdigit():
                rows.append((no, stripped.split()))
            elif stripped and rows:
                raise self.error("unexpected text inside the section", no, section, found=stripped)
            no += 1
        if len(rows) < count:
            raise self.error(
                f"the section has {len(rows)} job lines",
                no if no < len(self.lines) else None,
                section,
                expected=f"{count} job lines",
            )
        return rows

    def ints(self, fields: list[str], no: int, section: str) -> list[int]:
        try:
            return [int(f) for f in fields]
        except ValueError:
            raise self.error("a field is not an integer", no, section, found=" ".join(fields)) from None


def read_psplib_text(text: str, name: str = "<psplib>") -> RCPSPInstance:
    """Parse the text of a PSPLIB single-mode (``.sm``) file.

    Parameters
    ----------
    text
        The file's content.
    name
        Name used for the instance and in error messages.

    Returns
    -------
    RCPSPInstance
        The instance; only the renewable resources are kept (in single-mode instances non-renewable
        resources do not constrain the schedule).

    Raises
    ------
    kommunal_planner.errors.DataFormatError
        When a section or header line is missing or malformed; the message names the file, the line
        and the section.

    Examples
    --------
    >>> text = '''
    ... jobs (incl. supersource/sink ):  3
    ... RESOURCES
    ...   - renewable                 :  1   R
    ...   - nonrenewable              :  0   N
    ...   - doubly constrained        :  0   D
    ... PRECEDENCE RELATIONS:
    ... jobnr.    #modes  #successors   successors
    ...    1        1          1           2
    ...    2        1          1           3
    ...    3        1          0
    ... REQUESTS/DURATIONS:
    ... jobnr. mode duration  R 1
    ... ------------------------------------------------------------------------
    ...   1      1     0       0
    ...   2      1     4       2
    ...   3      1     0       0
    ... RESOURCEAVAILABILITIES:
    ...   R 1
    ...     3
    ... '''
    >>> inst = read_psplib_text(text, name="tiny")
    >>> inst.durations.tolist(), inst.successors, inst.capacities.tolist()
    ([0, 4, 0], ((1,), (2,), ()), [3])
    """
    return _parse(text, source=name, name=name)


def _parse(text: str, *, source: str, name: str) -> RCPSPInstance:
    r = _Reader(text, source)
    n_jobs, _ = r.labelled_int("jobs (incl. supersource/sink )")
    n_renew, renew_line = r.labelled_int("- renewable")
    n_nonrenew, _ = r.labelled_int("- nonrenewable")
    n_doubly, doubly_line = r.labelled_int("- doubly constrained")
    if n_jobs < 0 or n_renew < 0 or n_nonrenew < 0:
        raise r.error("negative job or resource count", renew_line, "header")
    if n_doubly:
        raise r.error("doubly constrained resources are not supported", doubly_line, "RESOURCES", found=n_doubly)

    # Precedence relations.
    sec = "PRECEDENCE RELATIONS"
    start = r.section(_SECTIONS[0])
    successors: list[tuple[int, ...] | None] = [None] * n_jobs
    for no, fields in r.data_rows(start, sec, n_jobs):
        vals = r.ints(fields, no, sec)
        if len(vals) < 3:
            raise r.error("a job line needs job number, #modes and #successors", no, sec, found=" ".join(fields))
        job, modes, count = vals[0], vals[1], vals[2]
        if not 1 <= job <= n_jobs:
            raise r.error("job number out of range", no, sec, expected=f"1..{n_jobs}", found=job)
        if successors[job - 1] is not None:
            raise r.error(f"job {job} is listed twice", no, sec)
        if modes != 1:
            raise r.error(f"job {job} has {modes} modes; only single-mode (.sm) files are supported", no, sec)
        succ = vals[3:]
        if len(succ) != count:
            raise r.error(
                f"job {job} declares {count} successors but lists {len(succ)}",
                no,
                sec,
                expected=f"{count} successor numbers",
                found=" ".join(fields[3:]),
            )
        for s in succ:
            if not 1 <= s <= n_jobs:
                raise r.error(f"successor of job {job} out of range", no, sec, expected=f"1..{n_jobs}", found=s)
        successors[job - 1] = tuple(s - 1 for s in succ)

    # Durations and requests.
    sec = "REQUESTS/DURATIONS"
    start = r.section(_SECTIONS[1])
    width = 3 + n_renew + n_nonrenew
    durations = np.full(n_jobs, -1, dtype=np.int64)
    demands = np.zeros((n_jobs, n_renew), dtype=np.int64)
    for no, fields in r.data_rows(start, sec, n_jobs):
        vals = r.ints(fields, no, sec)
        if len(vals) != width:
            raise r.error(
                "wrong number of fields",
                no,
                sec,
                expected=f"{width} (job, mode, duration and {n_renew + n_nonrenew} resource demands)",
                found=len(vals),
            )
        job = vals[0]
        if not 1 <= job <= n_jobs:
            raise r.error("job number out of range", no, sec, expected=f"1..{n_jobs}", found=job)
        if durations[job - 1] >= 0:
            raise r.error(f"job {job} is listed twice", no, sec)
        if vals[2] < 0 or any(v < 0 for v in vals[3:]):
            raise r.error(f"job {job} has a negative duration or demand", no, sec)
        durations[job - 1] = vals[2]
        demands[job - 1] = vals[3 : 3 + n_renew]

    # Capacities.
    sec = "RESOURCEAVAILABILITIES"
    start = r.section(_SECTIONS[2])
    rows = r.data_rows(start, sec, 1)
    no, fields = rows[0]
    caps = r.ints(fields, no, sec)
    if len(caps) != n_renew + n_nonrenew:
        raise r.error("wrong number of capacities", no, sec, expected=f"{n_renew + n_nonrenew} values", found=len(caps))
    capacities = np.asarray(caps[:n_renew], dtype=np.int64)
    if (capacities < 0).any():
        raise r.error("a capacity is negative", no, sec, found=" ".join(fields))

    for arr in (durations, demands, capacities):
        arr.setflags(write=False)
    succ_t = tuple(s if s is not None else () for s in successors)
    return RCPSPInstance(name=name, durations=durations, successors=succ_t, demands=demands, capacities=capacities)


def read_psplib(path: str | PathLike[str]) -> RCPSPInstance:
    """Read a PSPLIB single-mode (``.sm``) file.

    Parameters
    ----------
    path
        The file. The instance is named after the file name without its suffix.

    Returns
    -------
    RCPSPInstance
        See :func:`read_psplib_text`.

    Raises
    ------
    kommunal_planner.errors.DataFormatError
        When the file cannot be read or is malformed (the message names the file, line and section).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     f = pathlib.Path(tmp) / "empty.sm"
    ...     _ = f.write_text("nothing here")
    ...     try:
    ...         read_psplib(f)
    ...     except DataFormatError as err:
    ...         print(err)
    empty.sm, header: the header line 'jobs (incl. supersource/sink ) :' is missing
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="latin-1")
    except OSError as exc:
        raise DataFormatError(f"cannot read the file ({exc.strerror})", location=Location(file=str(p))) from exc
    return _parse(text, source=p.name, name=p.stem)
