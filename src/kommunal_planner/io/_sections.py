"""Optional sections of an input file beyond DESIGN §3's portfolio, such as ``scoring`` and ``scenarios``.

The layer that understands a section registers it here (:func:`register_section`); the readers then accept it in
YAML/JSON (under its key or an alias) and as sheets of a workbook or files of a CSV folder, validate it, and keep
it on :attr:`Portfolio.sections <kommunal_planner.model.Portfolio>` as plain, frozen data. The writers write it
back, so ``read(write(x)) == x`` holds for sections too. Sections are registered when :mod:`kommunal_planner` is
imported; an unregistered section key is an unknown key, as before.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kommunal_planner.errors import Location, ValidationError
from kommunal_planner.model import Portfolio, freeze, thaw

if TYPE_CHECKING:
    from kommunal_planner.io._tables import Lang, RawTable, TableOut, TableSpec

__all__ = [
    "Section",
    "apply_sections",
    "derived_values",
    "prepare_sections",
    "register_section",
    "registered_sections",
    "section_alias",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Section:
    """How one optional section is read, checked and written.

    Parameters
    ----------
    key
        The canonical key (``"scenarios"``), under which the data is kept in ``Portfolio.sections``.
    aliases
        Further top-level keys read in YAML/JSON (German names, lower case), e.g. ``("szenarien",)``.
    check
        ``check(data, portfolio) -> data``: validates the section's plain data (as read from YAML/JSON, or as
        built by ``read_tables``) against the portfolio without it, and returns its canonical plain form
        (dicts, lists, str, numbers, bool, None), which is stored and written back. Errors are
        :class:`~kommunal_planner.errors.ValidationError` with a ``path`` starting at the section key
        (``scenarios[2].budget``); the readers add the file.
    tables
        The sheets (workbook) or files (CSV folder) of the section, as ``TableSpec``; none: YAML/JSON only.
    read_tables
        ``read_tables(tables) -> data``: the plain data from the section's raw tables (keyed by table key; only
        those present). Cell errors are raised with ``table.where(row, column)``.
    write_tables
        ``write_tables(data, lang) -> [TableOut, ...]``: the section's tables for a workbook or CSV folder.
    prepare
        ``prepare(data, portfolio_dict) -> portfolio_dict``: runs before the portfolio is built, on the plain
        dict of its own keys (contract names), and may derive values from the section (scores from raw values,
        weights from pairwise comparisons). It must not modify its arguments, and must not silently overrule a
        value the file gives: a conflict is a ValidationError.
    locate
        ``locate(error, tables) -> error``: for a workbook or CSV folder, the *error* that ``check`` raised (its
        path starting at the section key) placed at the sheet, row and column it came from.
    derived
        ``derived(data, portfolio) -> [path, ...]``: the portfolio values that ``prepare`` derives from the section
        and that equal what it derives, as paths ``("criteria", id, "weight")``, ``("projects", id, "scores",
        criterion)`` or ``("projects", id, "earliest_start")``. The writers leave them out, so that a file whose
        section was edited after writing reads without a stale value contradicting the section.
    description, schema
        For ``kommunal-planner schema``: one line on the section, and its JSON Schema (default: any object or
        list; ``check`` validates it in full).
    """

    key: str
    aliases: tuple[str, ...] = ()
    check: Callable[[Any, Portfolio], Any] | None = None
    tables: tuple[TableSpec, ...] = ()
    read_tables: Callable[[Mapping[str, RawTable]], Any] | None = None
    write_tables: Callable[[Any, Lang], list[TableOut]] | None = None
    prepare: Callable[[Any, Mapping[str, Any]], Mapping[str, Any]] | None = None
    locate: Callable[[ValidationError, Mapping[str, RawTable]], ValidationError] | None = None
    derived: Callable[[Any, Portfolio], Iterable[tuple[str, ...]]] | None = None
    description: str = ""
    schema: Mapping[str, Any] | None = None


_REGISTRY: dict[str, Section] = {}


def register_section(section: Section) -> None:
    """Register *section*; registering the same key again replaces it (e.g. on module reload)."""
    _REGISTRY[section.key] = section
    logger.debug("registered input section '%s'", section.key)


def registered_sections() -> tuple[Section, ...]:
    """The registered sections, in registration order."""
    return tuple(_REGISTRY.values())


def section_alias(name: str) -> str | None:
    """The section key for a top-level key *name* (any case), or ``None``."""
    low = name.strip().lower()
    for section in _REGISTRY.values():
        if low == section.key or low in section.aliases:
            return section.key
    return None


def prepare_sections(data: Any, raw: Mapping[str, Any]) -> Any:
    """Let each present section with a ``prepare`` hook derive values in the portfolio dict *data*."""
    if not isinstance(data, Mapping):
        return data
    for key, section_data in raw.items():
        section = _REGISTRY.get(key)
        if section is not None and section.prepare is not None and section_data is not None:
            data = section.prepare(section_data, data)
    return data


def apply_sections(portfolio: Portfolio, raw: Mapping[str, Any]) -> Portfolio:
    """Check the raw section data *raw* (key → plain data) against *portfolio* and attach it.

    Raises
    ------
    ValidationError
        From a section's ``check``, its path starting at the section key.
    """
    if not raw:
        return portfolio
    checked: dict[str, Any] = {}
    for key, data in raw.items():
        section = _REGISTRY.get(key)
        if section is None:
            raise ValidationError(f"unknown section '{key}'", location=Location(path=key))
        if data is None:
            continue
        checked[key] = section.check(thaw(data), portfolio) if section.check is not None else data
    if not checked:
        return portfolio
    return dataclasses.replace(portfolio, sections=freeze({**portfolio.sections, **checked}))


def derived_values(portfolio: Portfolio) -> frozenset[tuple[str, ...]]:
    """The paths of the values the sections of *portfolio* derive (see ``Section.derived``); writers skip them."""
    out: set[tuple[str, ...]] = set()
    for key, data in portfolio.sections.items():
        section = _REGISTRY.get(key)
        if section is not None and section.derived is not None:
            out.update(section.derived(thaw(data), portfolio))
    return frozenset(out)
