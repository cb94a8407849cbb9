"""Readers and writers of portfolios: YAML, JSON, Excel workbooks and folders of CSV files."""

from kommunal_planner.io._api import format_of, read, write
from kommunal_planner.io._csv import read_csv_folder, write_csv_folder
from kommunal_planner.io._dict import portfolio_from_dict, portfolio_to_dict
from kommunal_planner.io._excel import read_excel, write_excel
from kommunal_planner.io._template import write_template
from kommunal_planner.io._yaml import parse_json, parse_yaml, read_json, read_yaml, write_json, write_yaml

__all__ = [
    "format_of",
    "parse_json",
    "parse_yaml",
    "portfolio_from_dict",
    "portfolio_to_dict",
    "read",
    "read_csv_folder",
    "read_excel",
    "read_json",
    "read_yaml",
    "write",
    "write_csv_folder",
    "write_excel",
    "write_json",
    "write_template",
    "write_yaml",
]
