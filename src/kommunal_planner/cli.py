"""The command line: parses options, calls one public function, renders the result.

Errors of the library are caught once, at the top: one line on stderr and exit 2 (bad input) or 3 (infeasible
portfolio); ``--debug`` shows the traceback. Progress goes to stderr and is off with ``--quiet`` or when stderr is
not a terminal.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import sys
import time
from collections.abc import Callable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from kommunal_planner._optional import have_matplotlib
from kommunal_planner.errors import InfeasiblePortfolioError, KommunalPlannerError
from kommunal_planner.model import Portfolio

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INPUT = 2
EXIT_INFEASIBLE = 3

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def example_path() -> Path:
    """The bundled example municipality (illustrative figures)."""
    return Path(str(resources.files("kommunal_planner.examples").joinpath("musterstadt.yaml")))


def _load(source: str | None, example: bool) -> tuple[Portfolio, str]:
    from kommunal_planner.io import read

    if example:
        path = example_path()
        return read(path), path.name
    if source is None:
        raise click.UsageError("give an INPUT file or folder, or --example")
    return read(source), source


def _handle_errors(func: F) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        debug = bool(ctx.find_root().params.get("debug"))
        try:
            return func(*args, **kwargs)
        except InfeasiblePortfolioError as exc:
            if debug:
                raise
            err.print(f"[bold red]infeasible:[/] {exc}", markup=True)
            sys.exit(EXIT_INFEASIBLE)
        except KommunalPlannerError as exc:
            if debug:
                raise
            err.print(f"error: {exc}", markup=False)
            sys.exit(EXIT_INPUT)

    return wrapper  # type: ignore[return-value]


@contextlib.contextmanager
def _progress(text: str, quiet: bool) -> Iterator[None]:
    """A spinner with elapsed time on stderr while long work runs (only on a terminal)."""
    if quiet or not err.is_terminal:
        yield
        return
    started = time.perf_counter()
    with err.status(f"{text} …") as status:

        def tick() -> None:
            status.update(f"{text} … {time.perf_counter() - started:.0f} s")

        tick()
        yield


def note_no_matplotlib(lang: str) -> None:
    """Tell the user on stderr that charts are left out because matplotlib (the ``plot`` extra) is missing."""
    err.print(
        "Hinweis: matplotlib fehlt, daher keine Grafik (pip install 'kommunal-planner[plot]')."
        if lang == "de"
        else "note: matplotlib is not installed, so no plot (pip install 'kommunal-planner[plot]').",
        markup=False,
    )


def _roadmap_formats(lang: str, *, xlsx: bool = False) -> tuple[str, ...]:
    """The roadmap files to write: the charts where matplotlib is installed (else the note), Mermaid, the sheet."""
    charts = have_matplotlib()
    if not charts:
        note_no_matplotlib(lang)
    return (("svg", "png") if charts else ()) + ("md",) + (("xlsx",) if xlsx else ())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logging.")
@click.option("-q", "--quiet", is_flag=True, help="No progress output.")
@click.version_option(package_name="kommunal-planner")
@click.pass_context
def main(ctx: click.Context, debug: bool, quiet: bool) -> None:
    """kommunal-planner: select, sequence and explain a municipality's digitalisation projects."""
    ctx.ensure_object(dict)
    ctx.obj["quiet"] = quiet
    logging.basicConfig(
        level=logging.DEBUG if debug else logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not debug:
        import warnings

        warnings.showwarning = _show_warning


def _show_warning(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: Any = None,
    line: str | None = None,
) -> None:
    err.print(f"note: {message}", markup=False)


def _input_args(func: F) -> F:
    func = click.option("--example", is_flag=True, help="Use the bundled example municipality.")(func)
    return click.argument("source", required=False, metavar="INPUT")(func)


@main.command()
@_input_args
@_handle_errors
def validate(source: str | None, example: bool) -> None:
    """Read and check INPUT; print a short summary of what was read."""
    pf, name = _load(source, example)
    s = pf.summary()
    out.print(f"{name}: valid")
    out.print(f"  {s['name']}, horizon {s['horizon']}")
    out.print(
        f"  {s['projects']} projects ({s['mandatory']} mandatory), {s['programmes']} programmes, "
        f"{s['criteria']} criteria"
    )
    out.print(
        f"  total investment {s['total_cost']:,.0f} EUR, own-funds budget {s['total_budget']:,.0f} EUR, "
        f"{s['total_staff_days']:,.0f} staff days"
    )
    table = Table("field of action", "projects", box=None, pad_edge=False)
    for fld, count in s["projects_per_field"].items():
        table.add_row(fld, str(count))
    out.print(table)


@main.command()
@click.argument("paths", nargs=-1, metavar="[IN] OUT")
@click.option("--example", is_flag=True, help="Convert the bundled example (IN is then omitted).")
@_handle_errors
def convert(paths: tuple[str, ...], example: bool) -> None:
    """Convert IN to OUT; the format follows the suffix (.yaml .yml .json .xlsx; no suffix: CSV folder)."""
    from kommunal_planner.io import write

    if len(paths) != (1 if example else 2):
        raise click.UsageError("give IN and OUT, or --example and OUT")
    src, dst = (None, paths[0]) if example else paths
    pf, name = _load(src, example)
    if src is not None and Path(src).resolve() == Path(dst).resolve():
        raise click.UsageError("IN and OUT are the same; the input is never overwritten")
    write(pf, dst)
    out.print(f"{name} -> {dst}")


@main.command()
@click.argument("dst", metavar="OUT.xlsx")
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True)
@_handle_errors
def template(dst: str, lang: str) -> None:
    """Write an empty input workbook with headers, drop-down lists and explanations."""
    from kommunal_planner.io._template import write_template

    write_template(dst, lang="en" if lang == "en" else "de")
    out.print(f"template written: {dst}")


@main.command()
@click.option("--out", "dst", type=click.Path(dir_okay=False), help="Write to a file instead of stdout.")
@_handle_errors
def schema(dst: str | None) -> None:
    """Print the JSON Schema of the input file."""
    from kommunal_planner.io._atomic import write_text_atomic
    from kommunal_planner.io._schema import input_schema

    text = json.dumps(input_schema(), indent=2, ensure_ascii=False)
    if dst:
        write_text_atomic(dst, text + "\n")
        out.print(f"schema written: {dst}")
    else:
        click.echo(text)


@main.command()
@_input_args
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default="out",
    show_default=True,
    help="Folder for plan.json and the reports.",
)
@click.option("--solver", default="highs", show_default=True, help="highs, cbc, or any solver PuLP knows.")
@click.option("--time-limit", type=float, default=None, help="Seconds for the whole run.")
@click.option("--gap", type=float, default=None, help="Relative gap at which to stop (default: proven optimum).")
@click.option(
    "--objective",
    type=click.Choice(["benefit", "time_weighted", "grants", "own_funds"]),
    default="benefit",
    show_default=True,
)
@click.option("--required-benefit", type=float, default=None, help="With --objective own_funds.")
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True)
@click.option(
    "--roadmap/--no-roadmap",
    "with_roadmap",
    default=True,
    show_default=True,
    help="Write the quarterly roadmap (roadmap.svg/.png, roadmap.md) beside plan.json.",
)
@click.option(
    "--roadmap-settings",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="YAML/JSON file with pools, durations in quarters, pool shares, phases and milestones.",
)
@click.pass_context
@_handle_errors
def plan(
    ctx: click.Context,
    source: str | None,
    example: bool,
    out_dir: str,
    solver: str,
    time_limit: float | None,
    gap: float | None,
    objective: str,
    required_benefit: float | None,
    lang: str,
    with_roadmap: bool,
    roadmap_settings: str | None,
) -> None:
    """Optimise INPUT and write OUT/plan.json, plan.xlsx, the reports and the roadmap; print a summary.

    The reports: report.html, report.xlsx, ratsvorlage.md/.docx, foerderantraege.md/.docx (Word files need
    python-docx) and finanzierungsplan.csv. ``kommunal-planner report`` adds the re-solves (--resolve).
    The roadmap: roadmap.svg/.png (Gantt chart), roadmap_load.svg/.png (pool load) and roadmap.md (Mermaid).
    """
    from kommunal_planner.optimize import optimize
    from kommunal_planner.report import write_plan_outputs
    from kommunal_planner.roadmap import read_settings, roadmap
    from kommunal_planner.scoring import dropped_projects

    pf, _ = _load(source, example)
    dropped = dropped_projects(pf)  # dropped by citizen participation (the input's scoring section)
    if objective == "own_funds" and required_benefit is None:
        raise click.UsageError("--objective own_funds needs --required-benefit")
    settings = read_settings(roadmap_settings) if roadmap_settings else None
    with _progress(f"optimising {len(pf.projects)} projects", ctx.obj["quiet"]):
        result = optimize(
            pf,
            solver=solver,
            time_limit=time_limit,
            gap=gap,
            objective=objective,
            required_benefit=required_benefit,
            forced_out=dropped,
        )
    rm = None
    if result.success and with_roadmap:
        with _progress("scheduling the roadmap", ctx.obj["quiet"]):
            rm = roadmap(result, settings=settings)
    written = write_plan_outputs(result, Path(out_dir), lang=lang, roadmap=rm)
    if rm is not None:
        written += rm.write(out_dir, lang=lang, formats=_roadmap_formats(lang))
    if result.status == "infeasible":
        text = result.explanation.text(lang) if result.explanation is not None else result.message
        raise InfeasiblePortfolioError(text, result.explanation)
    if not result.success:
        raise KommunalPlannerError(f"no plan found: {result.status} ({result.message})")
    _print_summary(result, lang)
    if dropped:
        note = "nach der Bürgerbeteiligung entfallen" if lang == "de" else "dropped by citizen participation"
        out.print(f"{note}: {', '.join(dropped)}")
    for path in written:
        out.print(f"written: {path}")


_REPORT_NAMES = {"report": "report", "council": "ratsvorlage", "funding": "foerderantraege"}


@main.command()
@click.argument("plan_file", metavar="PLAN.json", type=click.Path(exists=True, dir_okay=False))
@click.option("--input", "source", metavar="INPUT", help="The input file or folder the plan was made for.")
@click.option("--example", is_flag=True, help="The plan was made for the bundled example.")
@click.option("--format", "fmt", type=click.Choice(["html", "md", "docx", "xlsx"]), default="html", show_default=True)
@click.option(
    "--document",
    type=click.Choice(["report", "council", "funding"]),
    default=None,
    help="report (default for html, always for xlsx), council paper (default for md, docx) or funding annexes.",
)
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True)
@click.option("--out", "dst", type=click.Path(dir_okay=False), help="Output file (default: beside PLAN.json).")
@click.option(
    "--resolve/--no-resolve",
    default=False,
    show_default=True,
    help="Re-solve each project forced the other way: what it displaces, where its decision flips.",
)
@click.option("--resolve-time-limit", type=float, default=10.0, show_default=True, help="Seconds per re-solve.")
@click.pass_context
@_handle_errors
def report(
    ctx: click.Context,
    plan_file: str,
    source: str | None,
    example: bool,
    fmt: str,
    document: str | None,
    lang: str,
    dst: str | None,
    resolve: bool,
    resolve_time_limit: float,
) -> None:
    """Write a report of PLAN.json for the INPUT it was made for (plan.json holds no input)."""
    from kommunal_planner.optimize import Plan
    from kommunal_planner.report import check_plan_matches, explain, render

    pf, _ = _load(source, example)
    result = Plan.from_json(Path(plan_file).read_bytes(), source=plan_file, portfolio=pf)
    check_plan_matches(result, pf, source=plan_file)
    kind = "report" if fmt == "xlsx" else document or ("report" if fmt == "html" else "council")
    target = Path(dst) if dst else Path(plan_file).with_name(f"{_REPORT_NAMES[kind]}.{fmt}")
    with _progress("explaining the plan", ctx.obj["quiet"]):
        reasons = explain(result, pf, lang=lang, resolve=resolve, time_limit=resolve_time_limit)
    render(result, pf, fmt, lang, target, explanations=reasons, document=kind)
    out.print(f"written: {target}")


@main.command(name="roadmap")
@click.argument("plan_file", metavar="PLAN.json", type=click.Path(exists=True, dir_okay=False))
@click.option("--input", "source", metavar="INPUT", help="The input file or folder the plan was made for.")
@click.option("--example", is_flag=True, help="The plan was made for the bundled example.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Folder for the roadmap files (default: the folder of PLAN.json).",
)
@click.option(
    "--settings",
    "settings_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="YAML/JSON file with pools, durations in quarters, pool shares, phases and milestones.",
)
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True)
@click.option("--time-limit", type=float, default=None, help="Seconds for levelling the pools.")
@click.option("--xlsx", is_flag=True, help="Also write roadmap.xlsx (the sheet 'Roadmap').")
@click.pass_context
@_handle_errors
def roadmap_command(
    ctx: click.Context,
    plan_file: str,
    source: str | None,
    example: bool,
    out_dir: str | None,
    settings_file: str | None,
    lang: str,
    time_limit: float | None,
    xlsx: bool,
) -> None:
    """Draw the roadmap of PLAN.json again for the INPUT it was made for: roadmap.svg/.png, roadmap_load.svg/.png
    and roadmap.md (Mermaid)."""
    from kommunal_planner.optimize import Plan
    from kommunal_planner.roadmap import read_settings, roadmap

    if source is None and not example:
        raise click.UsageError("give the input the plan was made for: --input INPUT or --example")
    pf, _ = _load(source, example)
    saved = Plan.from_json(Path(plan_file).read_bytes(), source=plan_file, portfolio=pf)
    settings = read_settings(settings_file) if settings_file else None
    options = {} if time_limit is None else {"time_limit": time_limit}
    with _progress("scheduling the roadmap", ctx.obj["quiet"]):
        rm = roadmap(saved, pf, settings=settings, **options)
    folder = Path(out_dir) if out_dir is not None else Path(plan_file).parent
    written = rm.write(folder, lang=lang, formats=_roadmap_formats(lang, xlsx=xlsx))
    for line in rm.summary(lang):
        out.print(line, markup=False)
    for path in written:
        out.print(f"written: {path}")


def _print_summary(result: Any, lang: str) -> None:
    de = lang == "de"
    pf = result.portfolio

    def num(value: float, digits: int = 0) -> str:
        text = f"{value:,.{digits}f}"
        return text.translate(str.maketrans(",.", ".,")) if de else text

    gap = f", gap {result.gap:.2%}" if result.gap else ""
    out.print(
        f"[bold]{pf.name}[/]: {result.status}, "
        f"{'Nutzen' if de else 'benefit'} {num(result.objective, 1)}{gap} ({result.solver}, "
        f"{sum(result.times.values()):.2f} s)"
    )
    by_year: dict[int, list[str]] = {}
    for d in result.projects:
        if d.selected:
            by_year.setdefault(d.start, []).append(d.id)
    t = Table("Start" if de else "start", "Projekte" if de else "projects", box=None, pad_edge=False)
    for year in sorted(by_year):
        t.add_row(str(year), ", ".join(by_year[year]))
    out.print(t)
    t = Table(
        "Jahr" if de else "year",
        "Eigenmittel" if de else "own funds",
        "Haushalt" if de else "budget",
        "Förderung" if de else "grants",
        "Personentage" if de else "staff days",
        box=None,
        pad_edge=False,
    )
    for y in result.years:
        cap = "∞" if y.staff_capacity is None else num(y.staff_capacity)
        t.add_row(str(y.year), num(y.own_funds), num(y.budget), num(y.grant), f"{num(y.staff_days)} / {cap}")
    out.print(t)
    grants: dict[str, float] = {}
    for d in result.projects:
        if d.selected and d.programme:
            grants[d.programme] = grants.get(d.programme, 0.0) + (d.grant or 0.0)
    if grants:
        t = Table("Programm" if de else "programme", "Förderung" if de else "grants", box=None, pad_edge=False)
        for prog, value in sorted(grants.items()):
            t.add_row(prog, num(value))
        out.print(t)


import kommunal_planner._cli_scoring  # noqa: E402, F401
from kommunal_planner import _cli_scenarios  # noqa: E402, F401

if __name__ == "__main__":  # pragma: no cover
    main()
