"""Format dispatch: ``read(path)`` and ``write(portfolio, path)`` choose the format by suffix."""

from __future__ import annotations

import os
from pathlib import Path

from kommunal_planner.errors import DataFormatError, Location
from kommunal_planner.model import Portfolio

__all__ = ["FORMATS", "format_of", "read", "write"]

FORMATS = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".xlsx": "excel", ".xlsm": "excel", "": "csv"}


def format_of(path: str | os.PathLike[str]) -> str:
    """The format of *path* by its suffix; a path without a suffix (or a folder) is a folder of CSV files."""
    p = Path(path)
    if p.is_dir():
        return "csv"
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise DataFormatError(
            f"unknown file type '{p.suffix}'",
            location=Location(file=str(p)),
            hint="use .yaml, .yml, .json, .xlsx, or a folder of CSV files",
        )
    return fmt


def read(path: str | os.PathLike[str]) -> Portfolio:
    """Read a portfolio from YAML, JSON, an Excel workbook or a folder of CSV files.

    Parameters
    ----------
    path
        The file or folder; the format follows from the suffix (a folder holds CSV files).

    Returns
    -------
    Portfolio
        The validated portfolio.

    Raises
    ------
    DataFormatError
        The file cannot be read as its format.
    ValidationError
        The content breaks a rule of the contract; the message names file, sheet, row, column or project.
    """
    fmt = format_of(path)
    if fmt == "yaml":
        from kommunal_planner.io._yaml import read_yaml

        return read_yaml(path)
    if fmt == "json":
        from kommunal_planner.io._yaml import read_json

        return read_json(path)
    if fmt == "excel":
        from kommunal_planner.io._excel import read_excel

        return read_excel(path)
    from kommunal_planner.io._csv import read_csv_folder

    return read_csv_folder(path)


def write(portfolio: Portfolio, path: str | os.PathLike[str]) -> None:
    """Write *portfolio* in the format given by the suffix of *path*, atomically.

    Reading the result with :func:`read` gives an equal portfolio.
    """
    p = Path(path)
    fmt = "csv" if p.is_dir() else FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise DataFormatError(
            f"unknown file type '{p.suffix}'",
            location=Location(file=str(p)),
            hint="use .yaml, .yml, .json, .xlsx, or a folder name without suffix for CSV",
        )
    if fmt == "yaml":
        from kommunal_planner.io._yaml import write_yaml

        write_yaml(portfolio, p)
    elif fmt == "json":
        from kommunal_planner.io._yaml import write_json

        write_json(portfolio, p)
    elif fmt == "excel":
        from kommunal_planner.io._excel import write_excel

        write_excel(portfolio, p)
    else:
        from kommunal_planner.io._csv import write_csv_folder

        write_csv_folder(portfolio, p)
