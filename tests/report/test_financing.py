"""The financing plan adds up exactly to plan.json; commitment authorisations follow their definition."""

from __future__ import annotations

import dataclasses
import json

import pytest

import kommunal_planner as kp
from kommunal_planner.model import Portfolio
from kommunal_planner.report import check_plan_matches, financing_plan, programme_summary

MONEY = ["investment", "grant", "own_share", "operating", "own_funds", "commitment", "commitment_gross"]


@pytest.mark.parametrize("fixture", ["small", "rich"])
def test_totals_equal_plan_json_exactly(fixture: str, request: pytest.FixtureRequest) -> None:
    pf: Portfolio = request.getfixturevalue(fixture)
    data = json.loads(kp.optimize(pf).to_json())
    plan = kp.Plan.from_json(json.dumps(data), portfolio=pf)
    fp = financing_plan(plan, pf)
    totals = fp[fp["level"] == "total"].set_index("year")
    for y in data["years"]:
        row = totals.loc[y["year"]]
        assert row["investment"] == y["cost"]
        assert row["grant"] == y["grant"]
        assert row["operating"] == y["operating"]
        assert row["own_funds"] == y["own_funds"]
        assert row["budget"] == y["budget"]
        assert row["slack"] == y["slack"]
    assert totals["grant"].sum() == pytest.approx(sum(d["grant"] or 0 for d in data["projects"]), abs=1e-6)
    own_invest = sum(d["own_cost"] or 0 for d in data["projects"])
    assert totals["own_share"].sum() == pytest.approx(own_invest, abs=1e-6)


def test_programme_rows_add_up_to_the_totals(rich: Portfolio, rich_plan: kp.Plan) -> None:
    fp = financing_plan(rich_plan, rich)
    parts = fp[fp["level"] == "programme"].groupby("year")[MONEY].sum()
    totals = fp[fp["level"] == "total"].set_index("year")[MONEY]
    assert (parts - totals).abs().to_numpy().max() < 1e-6
    assert fp[fp["level"] == "programme"]["budget"].isna().all()
    by_prog = fp[fp["level"] == "programme"].groupby("programme", dropna=False)["grant"].sum()
    for d in rich_plan.projects:
        if d.selected and d.programme:
            funded = sum(e.grant or 0 for e in rich_plan.projects if e.selected and e.programme == d.programme)
            assert by_prog[d.programme] == pytest.approx(funded)


def test_commitments_follow_the_definition(rich: Portfolio, rich_plan: kp.Plan) -> None:
    """VE in year t = own-funds (investment own share) payments in years after t of projects starting in t."""
    fp = financing_plan(rich_plan, rich)
    totals = fp[fp["level"] == "total"].set_index("year")
    expected = dict.fromkeys(rich.horizon.calendar_years, 0.0)
    gross = dict.fromkeys(rich.horizon.calendar_years, 0.0)
    for d in rich_plan.projects:
        if not d.selected:
            continue
        p = rich.project(d.id)
        share = 1.0 - (d.grant or 0.0) / p.total_cost
        expected[d.start] += sum(c * share for c in p.cost[1:])
        gross[d.start] += sum(p.cost[1:])
    for year in rich.horizon.calendar_years:
        assert totals.loc[year, "commitment"] == pytest.approx(expected[year])
        assert totals.loc[year, "commitment_gross"] == pytest.approx(gross[year])
    assert totals["commitment"].sum() > 0  # the two-year project starts inside the horizon


def test_programme_summary(small: Portfolio) -> None:
    plan = kp.optimize(small)
    summary = programme_summary(plan, small)
    assert summary.loc["bund", "pot_left"] == pytest.approx(50_000 - summary.loc["bund", "grant"])
    assert summary.loc["land", "projects"] == sum(1 for d in plan.projects if d.programme == "land")


def test_a_plan_for_another_input_is_refused(small: Portfolio) -> None:
    plan = kp.Plan.from_json(kp.optimize(small).to_json())
    changed = dataclasses.replace(
        small, projects=tuple(dataclasses.replace(p, cost=99_000) if p.id == "konto" else p for p in small.projects)
    )
    with pytest.raises(kp.DataFormatError, match="investment 2026"):
        check_plan_matches(plan, changed, source="plan.json")
    fewer = dataclasses.replace(small, projects=small.projects[:3])
    with pytest.raises(kp.DataFormatError, match="project 'lora' of the plan is not in the input"):
        financing_plan(plan, fewer)
    with pytest.raises(kp.KommunalPlannerError, match="needs the input"):
        financing_plan(plan)
