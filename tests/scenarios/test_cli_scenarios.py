"""The what-if verbs of the command line: compare, frontier, robustness (CliRunner, real solves)."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner, Result
from rich.console import Console

import kommunal_planner as kp
from kommunal_planner import cli
from kommunal_planner.model import Portfolio
from kommunal_planner.optimize import SolveOptions, build_model, get_solver

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PuLP's own deprecations

EXAMPLE_SCENARIOS = [
    "haushalt_minus_10",
    "smart_city_entfaellt",
    "buergersicht",
    "kosten_plus_30",
    "gigabit_antrag_abgelehnt",
    "personal_minus_20",
]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli.main, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def rand_file(tmp_path_factory: pytest.TempPathFactory, rand10: Portfolio) -> Path:
    path = tmp_path_factory.mktemp("input") / "rand10.yaml"
    kp.write(rand10, path)
    return path


@pytest.fixture(scope="module")
def example_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path]:
    out = tmp_path_factory.mktemp("compare")
    return run("compare", "--example", "--out", str(out), "--workers", "2"), out


# --------------------------------------------------------------------------- compare
def test_compare_example_shows_the_base_and_all_six_scenarios(example_run: tuple[Result, Path]) -> None:
    result, out = example_run
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Musterstadt: Szenarienvergleich" in text
    lines = {line.split()[0]: line.split() for line in text.splitlines() if line.strip()}
    for name in ["base", *EXAMPLE_SCENARIOS]:
        assert lines[name][1] == "optimal", text
    assert lines["base"][2] == "2.072,0"  # the example's optimum, German number format
    assert "In jedem Szenario gewählt" in text
    summary = pd.read_csv(out / "compare_summary.csv", index_col="scenario")
    assert list(summary.index) == ["base", *EXAMPLE_SCENARIOS]
    assert summary.loc["base", "objective"] == pytest.approx(2072.0)
    assert (summary["status"] == "optimal").all()
    # fewer own funds can only lower the benefit
    assert summary.loc["haushalt_minus_10", "benefit"] <= summary.loc["base", "benefit"]
    selection = pd.read_csv(out / "compare_selection.csv", index_col="project")
    assert list(selection.columns) == ["base", *EXAMPLE_SCENARIOS]
    assert selection["base"].notna().sum() == summary.loc["base", "selected"]
    book = pd.read_excel(out / "compare.xlsx", sheet_name=None)
    assert set(book) == {"summary", "selection", "years"}
    assert (out / "compare.png").stat().st_size > 1000


def test_compare_a_scenarios_file_in_english_with_an_infeasible_scenario(rand_file: Path, tmp_path: Path) -> None:
    scenarios = tmp_path / "what_if.yaml"
    scenarios.write_text(
        "- {name: tight, budget: {factor: 0.7}}\n"
        "- {name: impossible, budget: {factor: 0.01}, forced_in: [p1, p2, p3]}\n"
        "- {name: closed, programmes: {f0: closed}}\n",
        encoding="utf-8",
    )
    result = run("-q", "compare", str(rand_file), "--scenarios", str(scenarios), "--out", str(tmp_path / "o"),
                 "--lang", "en")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "scenarios compared" in result.stdout
    assert "impossible: infeasible:" in result.stdout
    summary = pd.read_csv(tmp_path / "o" / "compare_summary.csv", index_col="scenario")
    assert summary.loc["impossible", "status"] == "infeasible"
    assert summary.loc[["base", "tight", "closed"], "status"].eq("optimal").all()
    assert summary.loc["tight", "benefit"] <= summary.loc["base", "benefit"] + 1e-9


def test_a_crashing_scenario_is_a_row_not_a_crash(
    rand_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kommunal_planner.scenarios import _compare

    solve = _compare._solve_scenario

    def flaky(ready: Any, scenario: Any) -> Any:
        if scenario is not None and scenario.name == "broken":
            raise RuntimeError("solver crashed")
        return solve(ready, scenario)

    monkeypatch.setattr(_compare, "_solve_scenario", flaky)
    scenarios = tmp_path / "s.json"
    scenarios.write_text('[{"name": "broken"}, {"name": "fine", "costs": {"all": 1.1}}]', encoding="utf-8")
    result = run("compare", str(rand_file), "--scenarios", str(scenarios), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0, result.output
    assert "broken: error: RuntimeError: solver crashed" in result.stdout
    summary = pd.read_csv(tmp_path / "o" / "compare_summary.csv", index_col="scenario")
    assert summary.loc["broken", "status"] == "error"
    assert summary.loc["fine", "status"] == "optimal"


def test_compare_bad_input_exits_2_with_one_located_message(rand_file: Path, tmp_path: Path) -> None:
    scenarios = tmp_path / "bad.yaml"
    scenarios.write_text("- {name: a, forced_in: [p11]}\n", encoding="utf-8")
    result = CliRunner().invoke(cli.main, ["compare", str(rand_file), "--scenarios", str(scenarios)])
    assert result.exit_code == 2
    assert "scenario 'a'" in result.stderr and "unknown project 'p11'" in result.stderr
    assert "Traceback" not in result.output
    result = CliRunner().invoke(cli.main, ["compare", str(rand_file)])
    assert result.exit_code == 2
    assert "declares no scenarios" in result.output


def test_progress_bar_shows_elapsed_and_remaining_time(
    rand_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stream = io.StringIO()
    monkeypatch.setattr(cli, "err", Console(file=stream, force_terminal=True, width=120, color_system=None))
    scenarios = tmp_path / "s.yaml"
    scenarios.write_text("- {name: a, budget: {factor: 0.8}}\n- {name: b, costs: {all: 1.2}}\n", encoding="utf-8")
    args = ["compare", str(rand_file), "--scenarios", str(scenarios), "--out", str(tmp_path / "o")]
    assert run(*args).exit_code == 0
    shown = stream.getvalue()
    assert "Szenarien" in shown and "2/2" in shown
    assert "0:00:0" in shown  # elapsed (h:mm:ss) and remaining time columns
    stream.truncate(0)
    stream.seek(0)
    assert run("--quiet", *args).exit_code == 0
    assert stream.getvalue() == ""


def test_without_matplotlib_the_plot_is_skipped_with_a_note(
    rand_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    scenarios = tmp_path / "s.yaml"
    scenarios.write_text("- {name: a, budget: {factor: 0.8}}\n", encoding="utf-8")
    result = run("compare", str(rand_file), "--scenarios", str(scenarios), "--out", str(tmp_path / "o"))
    assert result.exit_code == 0
    assert "matplotlib fehlt" in result.stderr
    assert not (tmp_path / "o" / "compare.png").exists()
    assert (tmp_path / "o" / "compare.xlsx").exists()


# --------------------------------------------------------------------------- frontier
def _best_benefit_with_cap(pf: Portfolio, cap: float) -> float:
    """Independent of the scenario code: build_model plus one row (total own funds ≤ cap), solved by CBC."""
    model = build_model(pf)
    res = get_solver("cbc").solve(model, SolveOptions(), extra_rows=[(model.own_funds, -np.inf, cap)])
    assert res.status == "optimal" and res.x is not None
    return float(model.benefit @ res.x)


def test_frontier_points_are_optimal_and_non_dominated(rand_file: Path, rand10: Portfolio, tmp_path: Path) -> None:
    result = run("frontier", str(rand_file), "--points", "6", "--out", str(tmp_path), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "Pareto-optimal plans" in result.stdout and "Every yearly budget scaled" in result.stdout
    points = pd.read_csv(tmp_path / "frontier_points.csv", index_col="point")
    assert 2 <= len(points) <= 6
    assert points["knee"].sum() <= 1
    own, benefit = points["own_funds"].to_numpy(), points["benefit"].to_numpy()
    # non-dominated: more own funds always buy strictly more benefit
    assert np.all(np.diff(own) > 0) and np.all(np.diff(benefit) > 0)
    for o, b in zip(own, benefit, strict=True):
        assert _best_benefit_with_cap(rand10, o + 1e-6) == pytest.approx(b, abs=1e-6)
        cheapest = kp.optimize(rand10, objective="own_funds", required_benefit=b - 1e-7, solver="cbc", tie_break=False)
        assert cheapest.objective == pytest.approx(o, abs=1e-4)
    sweep = pd.read_csv(tmp_path / "frontier_sweep.csv", index_col="factor")
    assert list(sweep.index) == pytest.approx([0.5 + 0.1 * k for k in range(11)])
    solved = sweep[sweep["status"] == "optimal"]
    assert solved["benefit"].is_monotonic_increasing  # a larger budget never lowers the optimum
    assert (tmp_path / "frontier.png").exists()


# --------------------------------------------------------------------------- robustness
def test_robustness_with_a_seed_gives_identical_files(rand_file: Path, tmp_path: Path) -> None:
    outputs = []
    for k in range(2):
        out = tmp_path / f"run{k}"
        result = run("-q", "robustness", str(rand_file), "--draws", "12", "--workers", "2", "--seed", "7",
                     "--out", str(out))  # fmt: skip
        assert result.exit_code == 0, result.output
        outputs.append((result.stdout.replace(str(out), "OUT"), out))
    (text_a, a), (text_b, b) = outputs
    assert text_a == text_b
    assert "12 Ziehungen (Seed 7)" in text_a and "Kern (sicher beginnen)" in text_a
    for name in ("selection", "overrun", "postponements", "draws"):
        assert (a / f"robustness_{name}.csv").read_bytes() == (b / f"robustness_{name}.csv").read_bytes(), name
    book_a = pd.read_excel(a / "robustness.xlsx", sheet_name=None)
    book_b = pd.read_excel(b / "robustness.xlsx", sheet_name=None)
    assert book_a.keys() == book_b.keys()
    for name in book_a:
        pd.testing.assert_frame_equal(book_a[name], book_b[name])
    draws = pd.read_csv(a / "robustness_draws.csv", index_col="draw")
    assert len(draws) == 12 and (draws["status"] == "optimal").all()
    selection = pd.read_csv(a / "robustness_selection.csv", index_col="project")
    assert selection["frequency"].between(0, 1).all()
    assert set(selection["class"]) <= {"core", "borderline", "exterior"}
    # another seed, other draws
    other = run("-q", "robustness", str(rand_file), "--draws", "12", "--seed", "8", "--out", str(tmp_path / "c"))
    assert other.exit_code == 0
    assert (tmp_path / "c" / "robustness_draws.csv").read_bytes() != (a / "robustness_draws.csv").read_bytes()


def test_robustness_uncertainty_file_and_bad_values(rand_file: Path, tmp_path: Path) -> None:
    spec = tmp_path / "u.yaml"
    spec.write_text("costs: [{triangular: [0.9, 1.0, 1.5], scope: all}]\napprovals: false\n", encoding="utf-8")
    result = run("-q", "robustness", str(rand_file), "--draws", "4", "--uncertainty", str(spec), "--lang", "en",
                 "--out", str(tmp_path / "o"))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "4 draws" in result.stdout and "Adopted plan: own funds against the budget" in result.stdout
    spec.write_text("costs: [{triangular: [0.9, 1.0, 1.5], scope: field, key: nirgends}]\n", encoding="utf-8")
    bad = CliRunner().invoke(cli.main, ["robustness", str(rand_file), "--draws", "2", "--uncertainty", str(spec)])
    assert bad.exit_code == 2 and "unknown field 'nirgends'" in bad.stderr
    bad = CliRunner().invoke(cli.main, ["robustness", str(rand_file), "--costs", "1,2"])
    assert bad.exit_code == 2 and "LOW,MODE,HIGH" in bad.output
