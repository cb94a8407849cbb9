"""Explanations: every sentence carries a figure, and the counterfactual figures match independent re-solves."""

from __future__ import annotations

import dataclasses
import math
import re

import pytest

import kommunal_planner as kp
from kommunal_planner.model import Portfolio
from kommunal_planner.report import Explanations, clear_resolve_cache, explain, forced_solves
from kommunal_planner.report import _explain as explain_module

DIGIT = re.compile(r"\d")
# a sentence ends at . ! or ? followed by a space and a capital (numbers like 1.234 and "e.g. from" do not split)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ„“])")


def _all_texts(ex: Explanations) -> list[tuple[str, str, str]]:
    out = []
    for lang in ("de", "en"):
        out += [("summary", r.key, r.text(lang)) for r in ex.summary]
        out += [(p.project, r.key, r.text(lang)) for p in ex for r in p.reasons]
    return out


@pytest.mark.parametrize("fixture", ["tiny", "small", "rich"])
def test_every_sentence_has_a_figure(fixture: str, request: pytest.FixtureRequest) -> None:
    pf: Portfolio = request.getfixturevalue(fixture)
    ex = explain(kp.optimize(pf), pf)
    texts = _all_texts(ex)
    assert texts
    for project, key, sentence_block in texts:
        for sentence in SENTENCE_END.split(sentence_block):
            assert DIGIT.search(sentence), f"{project} {key}: no figure in {sentence!r}"


def test_every_project_is_explained_in_both_languages(rich: Portfolio, rich_plan: kp.Plan) -> None:
    ex = explain(rich_plan, rich)
    assert [p.project for p in ex] == list(rich.project_ids)
    for p in ex:
        assert p.reasons, p.project
        assert p.text("de") != p.text("en")
        assert p.selected == (p.project in rich_plan.selected)


def test_reasons_name_the_binding_rule(rich: Portfolio, rich_plan: kp.Plan) -> None:
    ex = explain(rich_plan, rich, resolve=False)
    kinds = {p.project: {r.kind for r in p.reasons} for p in ex}
    assert "mandatory" in kinds["konto"]
    assert "exclusive" in kinds["akte_a"]
    assert "requires_missing" in kinds["app"]
    assert "no_start" in kinds["never"]
    assert "budget" in kinds["huge"]
    assert "staff" in kinds["staffy"]
    assert "focus" in kinds["sensor"]
    budget = next(r for r in ex["huge"].reasons if r.kind == "budget")
    year, need, slack = budget.figures["years"][0]
    assert need > slack
    assert slack == pytest.approx(rich_plan.years[year - 2026].slack)
    staff = next(r for r in ex["staffy"].reasons if r.kind == "staff")
    year, need, left = staff.figures["years"][0]
    y = rich_plan.years[year - 2026]
    assert left == pytest.approx(y.staff_capacity - y.staff_days) and need > left


def test_pot_and_minimum_grant_reasons(small: Portfolio, rich: Portfolio) -> None:
    ex = explain(kp.optimize(small), small, resolve=False)
    pot = next(r for r in ex["wlan"].reasons if r.key == "reason.funding_missed.pot")
    assert pot.figures["pot"] == 50_000 and pot.figures["pot_left"] == pytest.approx(24_000)
    ex = explain(kp.optimize(rich), rich, resolve=False)
    floor = next(r for r in ex["wait"].reasons if r.key == "reason.funding_missed.min_grant")
    assert floor.figures["grant"] == pytest.approx(2_400) and floor.figures["min_grant"] == 2_500


def test_forced_figures_match_independent_resolves(small: Portfolio) -> None:
    clear_resolve_cache()
    plan = kp.optimize(small)
    ex = explain(plan, small)
    for p in small.projects:
        if p.mandatory:
            assert ex[p.id].forced is None
            continue
        fs = ex[p.id].forced
        assert fs is not None and fs.exact
        if p.id in plan.selected:
            other = kp.optimize(small, forced_out=[p.id])
            assert fs.direction == "out"
        else:
            other = kp.optimize(small, forced_in=[p.id])
            assert fs.direction == "in"
        assert other.status == fs.status == "optimal"
        assert fs.objective == pytest.approx(other.objective)
        assert fs.loss == pytest.approx(plan.objective - other.objective)
        assert set(fs.left) == set(plan.selected) - set(other.selected) - {p.id}
        assert set(fs.entered) == set(other.selected) - set(plan.selected) - {p.id}


def _with_benefit(pf: Portfolio, project_id: str, benefit: float) -> Portfolio:
    projects = tuple(dataclasses.replace(p, benefit=benefit) if p.id == project_id else p for p in pf.projects)
    return dataclasses.replace(pf, projects=projects)


@pytest.mark.parametrize("fixture", ["small", "rich"])
def test_flip_benefit_is_exact(fixture: str, request: pytest.FixtureRequest) -> None:
    """Just above the threshold the decision is one way, just below the other way."""
    pf: Portfolio = request.getfixturevalue(fixture)
    plan = kp.optimize(pf)
    ex = explain(plan, pf)
    checked = 0
    for p in ex:
        theta = p.flip_benefit
        if theta is None or not math.isfinite(theta) or theta <= 0.5 or abs(theta - p.benefit) < 1e-9:
            continue
        above = kp.optimize(_with_benefit(pf, p.project, theta + 0.5))
        below = kp.optimize(_with_benefit(pf, p.project, theta - 0.5))
        assert p.project in above.selected, (p.project, theta)
        assert p.project not in below.selected, (p.project, theta)
        checked += 1
    assert checked >= 2


def test_unreachable_and_infeasible_forcing(rich: Portfolio, rich_plan: kp.Plan) -> None:
    ex = explain(rich_plan, rich)
    assert ex["huge"].flip_benefit == math.inf
    assert ex["huge"].forced is not None and ex["huge"].forced.status == "infeasible"
    assert ex["never"].forced is None  # no possible start: nothing to re-solve


def test_tiny_displacement_sentence(tiny: Portfolio) -> None:
    plan = kp.optimize(tiny)
    ex = explain(plan, tiny, lang="en")
    b = ex["b"]
    assert b.flip_benefit == pytest.approx(5.0)
    assert b.forced is not None and b.forced.left == ("a",) and b.forced.loss == pytest.approx(1.0)
    text = b.text("en")
    assert "Forcing it in would lower the benefit by 1.0 points (from 8.0 to 7.0 points)." in text
    assert "In exchange, “a” (5.0 points) would leave." in text


def test_resolves_are_cached(small: Portfolio, monkeypatch: pytest.MonkeyPatch) -> None:
    clear_resolve_cache()
    plan = kp.optimize(small)
    first = forced_solves(plan, small)
    calls = []
    original = explain_module._solve_forced

    def counting(*args: object) -> object:
        calls.append(args)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(explain_module, "_solve_forced", counting)
    second = forced_solves(plan, small)
    assert calls == [] and first == second
    forced_solves(plan, small, time_limit=5.0)  # other settings: solved again
    assert len(calls) == len(first)


def test_resolve_subset_and_executor(small: Portfolio) -> None:
    from concurrent.futures import ThreadPoolExecutor

    clear_resolve_cache()
    plan = kp.optimize(small)
    with ThreadPoolExecutor(max_workers=2) as pool:
        ex = explain(plan, small, resolve=["wlan"], executor=pool)
    assert ex["wlan"].forced is not None
    assert ex["lora"].forced is None and ex.resolved


def test_static_only_is_fast_and_marked(small: Portfolio) -> None:
    ex = explain(kp.optimize(small), small, resolve=False)
    assert not ex.resolved and all(p.forced is None for p in ex)
    frame = ex.to_frame("en")
    assert set(frame["project"]) == set(small.project_ids)
    data = ex.to_dict()
    assert data["projects"][0]["reasons"][0]["text_de"]


def test_infeasible_plan_is_explained(tmp_path: object) -> None:
    pf = Portfolio(
        "Notlage",
        kp.Horizon(2026, 1),
        1000,
        projects=(
            kp.Project("a", benefit=1, cost=800, mandatory=True),
            kp.Project("b", benefit=1, cost=700, mandatory=True),
        ),
    )
    plan = kp.optimize(pf)
    ex = explain(plan, pf)
    assert ex.status == "infeasible" and len(ex) == 0
    assert DIGIT.search(ex.summary[0].text("de")) and DIGIT.search(ex.summary[0].text("en"))


@pytest.mark.parametrize("objective", ["grants", "time_weighted"])
def test_other_objectives(small: Portfolio, objective: str) -> None:
    plan = kp.optimize(small, objective=objective)
    ex = explain(plan, small, lang="en")
    assert all(p.flip_benefit is None for p in ex)  # the flip point is a benefit figure: benefit objective only
    for project, key, sentence in _all_texts(ex):
        assert DIGIT.search(sentence), (project, key)
    forced = [p.forced for p in ex if p.forced is not None]
    assert forced and all(f.loss is None or f.loss >= -1e-6 for f in forced)
    if objective == "grants":
        assert any("€" in r.text("en") for p in ex for r in p.reasons if r.kind == "forced")
