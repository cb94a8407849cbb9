"""The exception family of kommunal_planner.

Every error the library raises on purpose derives from :class:`KommunalPlannerError`, so a caller (and the command
line) can catch one type. Input errors carry *where* (file, sheet, row, column, YAML path), *what* (the project or
programme id), what was expected and what was found, both as attributes and in the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DataFormatError",
    "DependencyCycleError",
    "InfeasiblePortfolioError",
    "KommunalPlannerError",
    "Location",
    "SolverError",
    "SolverNotAvailableError",
    "ValidationError",
]


@dataclass(frozen=True, slots=True)
class Location:
    """Where in the input an error was found; every part is optional.

    Examples
    --------
    >>> str(Location(file="projekte.xlsx", sheet="Projekte", row=14, column="Kosten 2027"))
    'projekte.xlsx, sheet Projekte, row 14, column Kosten 2027'
    >>> str(Location(path="projects[3].cost[1]", item="project 'portal'"))
    "project 'portal', projects[3].cost[1]"
    """

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    path: str | None = None
    item: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file)
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.item:
            parts.append(self.item)
        if self.column:
            parts.append(f"column {self.column}")
        if self.path and not self.column:
            parts.append(self.path)
        return ", ".join(parts)

    def merged(self, other: Location) -> Location:
        """Fill the parts this location lacks from *other* (own parts win)."""
        return Location(
            file=self.file or other.file,
            sheet=self.sheet or other.sheet,
            row=self.row if self.row is not None else other.row,
            column=self.column or other.column,
            path=self.path or other.path,
            item=self.item or other.item,
        )


class KommunalPlannerError(Exception):
    """Root of every error raised by kommunal_planner on purpose."""


class _LocatedError(KommunalPlannerError):
    """An error about the input, with a location, what was expected and what was found."""

    def __init__(
        self,
        problem: str,
        *,
        location: Location | None = None,
        expected: str | None = None,
        found: Any = None,
        hint: str | None = None,
    ) -> None:
        self.problem = problem
        self.location = location or Location()
        self.expected = expected
        self.found = found
        self.hint = hint
        super().__init__(self._render())

    # Convenience views on the location, so callers need not dig.
    @property
    def file(self) -> str | None:
        return self.location.file

    @property
    def sheet(self) -> str | None:
        return self.location.sheet

    @property
    def row(self) -> int | None:
        return self.location.row

    @property
    def column(self) -> str | None:
        return self.location.column

    @property
    def path(self) -> str | None:
        return self.location.path

    @property
    def item(self) -> str | None:
        return self.location.item

    def _render(self) -> str:
        where = str(self.location)
        text = self.problem
        if self.expected is not None:
            text = f"{text}: expected {self.expected}" if text else f"expected {self.expected}"
            if self.found is not None:
                text += f", found {_show(self.found)}"
        elif self.found is not None:
            text += f" (found {_show(self.found)})"
        if self.hint:
            text += f". {self.hint[:1].upper()}{self.hint[1:]}"
        return f"{where}: {text}" if where else text

    def at(self, location: Location) -> _LocatedError:
        """Return a copy of this error whose location is completed from *location* (its own parts win).

        Readers use this to add the file, sheet and row to an error the model raised.
        """
        return self.with_location(self.location.merged(location))

    def placed(self, cell: Location) -> _LocatedError:
        """Return a copy of this error at the file, sheet, row and column of *cell*, keeping its path and item.

        Readers of tables use this to move an error the model raised (located by key path) to the cell it came from.
        """
        return self.with_location(
            Location(
                file=cell.file,
                sheet=cell.sheet,
                row=cell.row,
                column=cell.column,
                path=self.location.path,
                item=self.location.item,
            )
        )

    def with_location(self, location: Location) -> _LocatedError:
        """Return a copy of this error at exactly *location*."""
        new = self.__class__.__new__(self.__class__)
        new.__dict__.update(self.__dict__)
        new.location = location
        Exception.__init__(new, new._render())
        return new

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _rebuild,
            (
                self.__class__,
                self.problem,
                self.location,
                self.expected,
                self.found,
                self.hint,
                self.__dict__,
            ),
        )


def _rebuild(
    cls: type[_LocatedError],
    problem: str,
    location: Location,
    expected: str | None,
    found: Any,
    hint: str | None,
    state: dict[str, Any],
) -> _LocatedError:
    err = cls.__new__(cls)
    err.__dict__.update(state)
    _LocatedError.__init__(err, problem, location=location, expected=expected, found=found, hint=hint)
    return err


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"' if len(value) <= 60 else f'"{value[:57]}..."'
    return repr(value)


class ValidationError(_LocatedError, ValueError):
    """The input breaks a rule of the data contract (a value, a reference, a consistency rule)."""


class DataFormatError(_LocatedError):
    """A file cannot be read as what it claims to be (syntax, encoding, missing sheet or column, wrong type)."""


class DependencyCycleError(ValidationError):
    """Projects require each other in a cycle; ``cycle`` holds the project ids in order."""

    def __init__(self, cycle: Sequence[str], *, location: Location | None = None) -> None:
        self.cycle = tuple(cycle)
        chain = " -> ".join([*self.cycle, self.cycle[0]]) if self.cycle else "?"
        super().__init__(
            f"the dependencies (requires) form a cycle: {chain}",
            location=location,
            hint="remove one of these requirements",
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (DependencyCycleError, (self.cycle,), {"location": self.location})

    def __setstate__(self, state: dict[str, Any] | None) -> None:
        self.__dict__.update(state or {})
        Exception.__init__(self, self._render())


class SolverNotAvailableError(KommunalPlannerError):
    """The requested solver is not installed or not usable on this machine."""


class SolverError(KommunalPlannerError):
    """The solver failed in a way that is not a property of the model (crash, licence, numerical failure)."""


class InfeasiblePortfolioError(KommunalPlannerError):
    """No plan satisfies every rule; ``explanation`` says which rules conflict and what would resolve it."""

    def __init__(self, message: str, explanation: Any = None) -> None:
        self.explanation = explanation
        super().__init__(message)
