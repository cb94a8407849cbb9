"""The what-if verbs of the command line: ``compare``, ``frontier`` and ``robustness``.

Each loads the input, calls one function of :mod:`kommunal_planner.scenarios`, prints summary tables (German by
default, English with ``--lang en``), and writes its tables (CSV and one workbook) and a plot (PNG, with
matplotlib) to ``--out``. A progress bar with elapsed and remaining time runs on stderr while the solves run; it is
off with ``--quiet`` or when stderr is not a terminal. A failed or timed-out solve is a row of the results.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import click
import pandas as pd
from rich import box
from rich.table import Table

from kommunal_planner import cli
from kommunal_planner._optional import have_matplotlib
from kommunal_planner.cli import F, _handle_errors, _input_args, _load, main
from kommunal_planner.errors import DataFormatError, Location, ValidationError
from kommunal_planner.model import Portfolio
from kommunal_planner.scenarios import ProgressCallback

_LANG = click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True)
_WORKERS = click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes that solve side by side (1: in this process).",
)
_TIME_LIMIT = click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=None,
                           help="Seconds per solve; a solve that reaches it is a row with its status.")  # fmt: skip
_GAP = click.option("--gap", type=click.FloatRange(min=0), default=None, help="Relative gap at which a solve stops.")


def _out_option(default: str) -> Any:
    return click.option(
        "--out",
        "out_dir",
        type=click.Path(file_okay=False),
        default=default,
        show_default=True,
        help="Folder for the tables (CSV, xlsx) and the plot (PNG).",
    )


def _batch_options(func: F) -> F:
    """--out, --workers, --time-limit, --gap and --lang, shared by the three verbs."""
    for option in reversed((_out_option("out"), _WORKERS, _TIME_LIMIT, _GAP, _LANG)):
        func = option(func)
    return func


# --------------------------------------------------------------------------- shared helpers
@contextlib.contextmanager
def _bar(text: str, quiet: bool) -> Iterator[ProgressCallback | None]:
    """A progress bar (done/total, elapsed, remaining) driven by the library's ``progress(done, total)``."""
    console = cli.err
    if quiet or not console.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("•"),
        TimeElapsedColumn(),
        TextColumn("•"),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task(text, total=None)

        def callback(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total if total > 0 else None)

        yield callback


def _num(value: Any, lang: str, digits: int = 0) -> str:
    """A number as shown in tables (German: 1.234,5); missing values as a dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "–"
    text = f"{float(value):,.{digits}f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "de" else text


def _pct(value: Any, lang: str) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return _num(100 * float(value), lang, 0) + " %"


def _year(value: Any, lang: str) -> str:
    """A (mean) year with one decimal and no thousands separator."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{float(value):.1f}"
    return text.replace(".", ",") if lang == "de" else text


def _t(lang: str, de: str, en: str) -> str:
    return de if lang == "de" else en


def _table(headers: list[str], *, right: tuple[int, ...] = (), **kwargs: Any) -> Table:
    """A summary table in the verbs' style: title on the left, a light box, numbers right-aligned."""
    table = Table(*headers, title_justify="left", caption_justify="left", box=box.SIMPLE_HEAD, **kwargs)
    for j in right:
        table.columns[j].justify = "right"
    return table


def _write_tables(out_dir: Path, stem: str, frames: Mapping[str, pd.DataFrame]) -> list[Path]:
    """Each frame as ``{stem}_{name}.csv`` and all of them as sheets of ``{stem}.xlsx``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name, frame in frames.items():
        path = out_dir / f"{stem}_{name}.csv"
        frame.to_csv(path, encoding="utf-8")
        written.append(path)
    book = out_dir / f"{stem}.xlsx"
    try:
        with pd.ExcelWriter(book, engine="openpyxl") as writer:
            for name, frame in frames.items():
                frame.to_excel(writer, sheet_name=name[:31])
    except OSError as exc:
        raise DataFormatError(f"cannot be written ({exc.strerror or exc})", location=Location(file=str(book))) from exc
    written.append(book)
    return written


def _write_plot(obj: Any, path: Path, lang: str) -> Path | None:
    """``obj.plot()`` as PNG; without matplotlib a note instead."""
    if not have_matplotlib():
        cli.note_no_matplotlib(lang)
        return None
    fig = obj.plot()
    fig.savefig(path, dpi=120, metadata={"Software": None})
    return path


def _print_written(paths: list[Path | None], lang: str) -> None:
    for path in paths:
        if path is not None:
            cli.out.print(f"{_t(lang, 'geschrieben', 'written')}: {path}", markup=False)


def _solve_kwargs(time_limit: float | None, gap: float | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if time_limit is not None:
        out["time_limit"] = time_limit
    if gap is not None:
        out["gap"] = gap
    return out


def _where(workers: int) -> dict[str, Any]:
    return {"workers": workers} if workers > 1 else {}


# --------------------------------------------------------------------------- compare
@main.command()
@_input_args
@click.option(
    "--scenarios",
    "scenarios_file",
    type=click.Path(exists=True),
    default=None,
    help="Scenarios from FILE (YAML/JSON, a workbook, a CSV file or folder; sheet Szenarien) instead of INPUT's.",
)
@_batch_options
@click.pass_context
@_handle_errors
def compare(
    ctx: click.Context,
    source: str | None,
    example: bool,
    scenarios_file: str | None,
    out_dir: str,
    workers: int,
    time_limit: float | None,
    gap: float | None,
    lang: str,
) -> None:
    """Optimise the base and every scenario of INPUT; print and write what changes.

    Writes OUT/compare_summary.csv, compare_selection.csv (start year per project and scenario),
    compare_years.csv, compare.xlsx (all three) and compare.png.
    """
    from kommunal_planner.scenarios import compare as run_compare
    from kommunal_planner.scenarios import from_portfolio, read_scenarios

    pf, _ = _load(source, example)
    scenarios = list(read_scenarios(scenarios_file)) if scenarios_file else from_portfolio(pf)
    if not scenarios:
        raise click.UsageError("the input declares no scenarios (section 'scenarios'); give --scenarios FILE")
    with _bar(_t(lang, "Szenarien", "scenarios"), ctx.obj["quiet"]) as progress:
        cmp = run_compare(pf, scenarios, progress=progress, **_where(workers), **_solve_kwargs(time_limit, gap))
    _print_comparison(pf, cmp, lang)
    folder = Path(out_dir)
    written: list[Path | None] = list(
        _write_tables(
            folder,
            "compare",
            {"summary": cmp.summary(), "selection": cmp.selection(), "years": cmp.years()},
        )
    )
    written.append(_write_plot(cmp, folder / "compare.png", lang))
    _print_written(written, lang)


def _print_comparison(pf: Portfolio, cmp: Any, lang: str) -> None:
    summary = cmp.summary()
    t = _table(
        [
            _t(lang, "Szenario", "scenario"),
            "Status",
            _t(lang, "Nutzen", "benefit"),
            _t(lang, "Eigenmittel", "own funds"),
            _t(lang, "Förderung", "grants"),
            _t(lang, "Projekte", "projects"),
        ],
        right=(2, 3, 4, 5),
        title=_t(lang, f"{pf.name}: Szenarienvergleich", f"{pf.name}: scenarios compared"),
    )
    t.columns[0].no_wrap = True
    for name, row in summary.iterrows():
        t.add_row(
            str(name),
            str(row["status"]),
            _num(row["benefit"], lang, 1),
            _num(row["own_funds"], lang),
            _num(row["grants"], lang),
            _num(row["selected"], lang),
        )
    cli.out.print(t)
    base = cmp.base
    if base is not None and base.success:
        cli.out.print(_t(lang, f"Änderungen gegenüber {base.name}:", f"Changes against {base.name}:"), markup=False)
        for name in summary.index:
            entering, leaving = cmp.entering(name), cmp.leaving(name)
            if entering or leaving:
                parts = ([f"+ {', '.join(entering)}"] if entering else []) + (
                    [f"− {', '.join(leaving)}"] if leaving else []
                )
                cli.out.print(f"  {name}: {'; '.join(parts)}", markup=False)
    for name, row in summary.iterrows():
        if row["status"] not in ("optimal", "feasible"):
            cli.out.print(f"{name}: {row['status']}: {row['message'] or '–'}", markup=False)
    common = cmp.always_selected
    label = _t(lang, "In jedem Szenario gewählt", "Selected in every scenario")
    cli.out.print(f"{label} ({len(common)}): {', '.join(common) or '–'}", markup=False)


# --------------------------------------------------------------------------- frontier
@main.command()
@_input_args
@click.option("--points", type=click.IntRange(min=2), default=12, show_default=True, help="Points of the frontier.")
@click.option(
    "--sweep/--no-sweep", default=True, show_default=True, help="Also solve with every budget scaled 50 %…150 %."
)
@_batch_options
@click.pass_context
@_handle_errors
def frontier(
    ctx: click.Context,
    source: str | None,
    example: bool,
    points: int,
    sweep: bool,
    out_dir: str,
    workers: int,
    time_limit: float | None,
    gap: float | None,
    lang: str,
) -> None:
    """The Pareto-optimal plans of benefit against own funds, their knee, and a budget sweep.

    Writes OUT/frontier_points.csv, frontier_sweep.csv, frontier.xlsx and frontier.png.
    """
    from kommunal_planner.scenarios import frontier as run_frontier
    from kommunal_planner.scenarios._frontier import DEFAULT_SWEEP

    pf, _ = _load(source, example)
    with _bar(_t(lang, "Grenzlinie", "frontier"), ctx.obj["quiet"]) as progress:
        f = run_frontier(
            pf,
            points=points,
            sweep=DEFAULT_SWEEP if sweep else None,
            progress=progress,
            **_where(workers),
            **_solve_kwargs(time_limit, gap),
        )
    _print_frontier(pf, f, lang)
    folder = Path(out_dir)
    frames = {"points": f.frame()}
    if f.sweep:
        frames["sweep"] = f.sweep_frame()
    written: list[Path | None] = list(_write_tables(folder, "frontier", frames))
    written.append(_write_plot(f, folder / "frontier.png", lang))
    _print_written(written, lang)


def _print_frontier(pf: Portfolio, f: Any, lang: str) -> None:
    frame = f.frame()
    t = _table(
        [
            "#",
            _t(lang, "Eigenmittel", "own funds"),
            _t(lang, "Nutzen", "benefit"),
            _t(lang, "Nutzen je 100.000 €", "benefit per 100,000 EUR"),
            _t(lang, "Projekte", "projects"),
            "",
        ],
        right=(1, 2, 3, 4),
        title=_t(
            lang,
            f"{pf.name}: Pareto-optimale Pläne (Nutzen gegen Eigenmittel im Planungszeitraum)",
            f"{pf.name}: Pareto-optimal plans (benefit against own funds over the horizon)",
        ),
    )
    for k, row in frame.iterrows():
        t.add_row(
            str(k + 1),
            _num(row["own_funds"], lang),
            _num(row["benefit"], lang, 1),
            _num(row["benefit_per_100k"], lang, 1),
            str(row["selected"]),
            _t(lang, "← Knick", "← knee") if row["knee"] else "",
        )
    cli.out.print(t)
    if f.sweep:
        s = _table(
            [
                _t(lang, "Haushalt", "budget"),
                _t(lang, "Summe Haushalt", "total budget"),
                "Status",
                _t(lang, "Nutzen", "benefit"),
                _t(lang, "Eigenmittel", "own funds"),
                _t(lang, "Projekte", "projects"),
            ],
            right=(0, 1, 3, 4, 5),
            title=_t(lang, "Alle Jahresbudgets skaliert", "Every yearly budget scaled"),
        )
        for b in f.sweep:
            s.add_row(
                _pct(b.factor, lang),
                _num(b.budget, lang),
                b.status,
                _num(b.benefit, lang, 1),
                _num(b.own_funds, lang),
                str(len(b.selected)) if b.benefit is not None else "–",
            )
        cli.out.print(s)
    for p in f.failed:
        cap = _num(p.cap, lang) if p.cap is not None else "–"
        cli.out.print(f"{_t(lang, 'ohne Lösung', 'no solution')}: cap {cap}: {p.status}", markup=False)


# --------------------------------------------------------------------------- robustness
def _uncertainty(path: str | None, costs: str) -> Any:
    from kommunal_planner.scenarios import CostUncertainty, Triangular, Uncertainty

    if path is not None:
        import yaml

        from kommunal_planner.io._yaml import read_text

        text = read_text(path)
        try:
            data = json.loads(text) if Path(path).suffix.lower() == ".json" else yaml.safe_load(text)
        except (json.JSONDecodeError, yaml.YAMLError) as exc:
            raise DataFormatError(f"cannot be parsed ({exc})", location=Location(file=path)) from None
        if isinstance(data, Mapping) and "uncertainty" in data:
            data = data["uncertainty"]
        if not isinstance(data, Mapping):
            raise ValidationError("", location=Location(file=path), expected="a mapping (costs, approvals …)")
        try:
            return Uncertainty.from_dict(data)
        except ValidationError as exc:
            raise exc.at(Location(file=path)) from None
        except (TypeError, AttributeError) as exc:
            raise ValidationError(f"not an uncertainty ({exc})", location=Location(file=path)) from None
    if costs.strip().lower() in ("none", "keine", "0", ""):
        return Uncertainty()
    parts = [p.strip() for p in costs.split(",")]
    try:
        low, mode, high = (float(p) for p in parts)
    except ValueError:
        raise click.BadParameter("expected LOW,MODE,HIGH such as 0.9,1,1.3, or none", param_hint="--costs") from None
    return Uncertainty(costs=(CostUncertainty(Triangular(low, mode, high)),))


@main.command()
@_input_args
@click.option("--draws", type=click.IntRange(min=1), default=200, show_default=True, help="Monte Carlo draws.")
@click.option("--seed", type=int, default=0, show_default=True, help="The same seed gives the same draws and tables.")
@click.option(
    "--costs",
    default="0.9,1,1.3",
    show_default=True,
    help="Triangular factor LOW,MODE,HIGH on each project's investment cost; 'none': certain costs.",
)
@click.option(
    "--uncertainty",
    "uncertainty_file",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="YAML/JSON file with what is drawn (costs, approvals, weight_concentration); replaces --costs.",
)
@_batch_options
@click.pass_context
@_handle_errors
def robustness(
    ctx: click.Context,
    source: str | None,
    example: bool,
    draws: int,
    seed: int,
    costs: str,
    uncertainty_file: str | None,
    out_dir: str,
    workers: int,
    time_limit: float | None,
    gap: float | None,
    lang: str,
) -> None:
    """Monte Carlo: how often each project is chosen (core, borderline, exterior) and the adopted plan's risk.

    Funding applications are approved with each programme's approval_probability. Writes OUT/robustness_selection.csv,
    robustness_overrun.csv, robustness_postponements.csv, robustness_draws.csv, robustness.xlsx and robustness.png.
    """
    from kommunal_planner.scenarios import robustness as run_robustness

    pf, _ = _load(source, example)
    spec = _uncertainty(uncertainty_file, costs)
    with _bar(_t(lang, "Ziehungen", "draws"), ctx.obj["quiet"]) as progress:
        r = run_robustness(
            pf, spec, draws=draws, seed=seed, progress=progress, **_where(workers), **_solve_kwargs(time_limit, gap)
        )
    _print_robustness(pf, r, lang)
    folder = Path(out_dir)
    frames = {
        "selection": r.selection(),
        "overrun": r.overrun(),
        "postponements": r.postponements(),
        "draws": r.draws_frame().drop(columns=["seconds"]),
    }
    written: list[Path | None] = list(_write_tables(folder, "robustness", frames))
    written.append(_write_plot(r, folder / "robustness.png", lang))
    _print_written(written, lang)


def _print_robustness(pf: Portfolio, r: Any, lang: str) -> None:
    statuses = ", ".join(f"{n} {s}" for s, n in sorted(r.statuses().items()))
    cli.out.print(
        f"[bold]{pf.name}[/]: {len(r.draws)} {_t(lang, 'Ziehungen', 'draws')} (Seed {r.seed}): {statuses}",
    )
    for label, ids in (
        (_t(lang, "Kern (sicher beginnen)", "core (safe to start)"), r.core),
        (_t(lang, "Grenzfälle (zu beraten)", "borderline (to discuss)"), r.borderline),
        (_t(lang, "Außen (sicher zurückstellen)", "exterior (safe to drop)"), r.exterior),
    ):
        cli.out.print(f"{label} ({len(ids)}): {', '.join(ids) or '–'}", markup=False)
    sel = r.selection().sort_values(["frequency", "in_plan"], ascending=[False, False], kind="stable")
    t = _table(
        [
            _t(lang, "Projekt", "project"),
            _t(lang, "Häufigkeit", "frequency"),
            _t(lang, "Klasse", "class"),
            _t(lang, "im Plan", "in plan"),
            _t(lang, "mittlerer Beginn", "mean start"),
        ],
        right=(1,),
        title=_t(lang, "Wie oft jedes Projekt gewählt wird", "How often each project is selected"),
    )
    classes = {"core": "Kern", "borderline": "Grenzfall", "exterior": "Außen", "unknown": "–"}
    for pid, row in sel.iterrows():
        if row["frequency"] == 0 and not row["in_plan"]:
            continue
        t.add_row(
            str(pid),
            _pct(row["frequency"], lang),
            classes.get(row["class"], row["class"]) if lang == "de" else row["class"],
            _t(lang, "ja", "yes") if row["in_plan"] else _t(lang, "nein", "no"),
            _year(row["mean_start"], lang),
        )
    cli.out.print(t)
    never = [str(p) for p, row in sel.iterrows() if row["frequency"] == 0 and not row["in_plan"]]
    if never:
        cli.out.print(_t(lang, "Nie gewählt", "Never selected") + f" ({len(never)}): {', '.join(never)}", markup=False)
    over = r.overrun()
    o = _table(
        [
            _t(lang, "Jahr", "year"),
            _t(lang, "Haushalt", "budget"),
            _t(lang, "Plan", "plan"),
            _t(lang, "Ø Ziehung", "mean draw"),
            "P(>)",
            _t(lang, "Ø darüber", "mean over"),
            _t(lang, "P90 darüber", "P90 over"),
        ],
        right=(1, 2, 3, 4, 5, 6),
        title=_t(
            lang,
            "Beschlossener Plan: Eigenmittel gegen Haushalt",
            "Adopted plan: own funds against the budget",
        ),
        caption=_t(
            lang,
            "P(>): Anteil der Ziehungen mit Eigenmitteln über dem Haushalt; Ø/P90 darüber: Betrag der Überschreitung",
            "P(>): share of draws with own funds above the budget; mean/P90 over: the amount above it",
        ),
    )
    for year, row in over.iterrows():
        o.add_row(
            str(year),
            _num(row["budget"], lang),
            _num(row["planned_own_funds"], lang),
            _num(row["mean_own_funds"], lang),
            _pct(row["p_overrun"], lang),
            _num(row["mean_overrun"], lang),
            _num(row["p90_overrun"], lang),
        )
    cli.out.print(o)
    cli.out.print(
        _t(lang, "Überschreitung in mindestens einem Jahr", "Overrun in at least one year")
        + f": {_pct(r.p_any_overrun, lang)}",
        markup=False,
    )
    post = r.postponements()
    if len(post):
        post = post[(post["p_postponed"] > 0) | (post["p_dropped"] > 0)]
    if len(post):
        p = _table(
            [
                _t(lang, "Projekt", "project"),
                _t(lang, "geplant", "planned"),
                _t(lang, "verschoben", "postponed"),
                _t(lang, "gestrichen", "dropped"),
                _t(lang, "Verzug Ø (Jahre)", "mean delay (years)"),
            ],
            right=(2, 3, 4),
            title=_t(lang, "Bei Überschreitung neu geplant", "Re-planned on an overrun"),
        )
        for pid, row in post.iterrows():
            p.add_row(
                str(pid),
                str(row["planned_start"]),
                _pct(row["p_postponed"], lang),
                _pct(row["p_dropped"], lang),
                _num(row["mean_delay_years"], lang, 1),
            )
        cli.out.print(p)
