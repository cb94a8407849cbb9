"""Properties of scenarios: the dict form round-trips, and re-using the base model gives the rebuilt optimum."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kommunal_planner as kp
from kommunal_planner.errors import ValidationError
from kommunal_planner.model import Portfolio
from kommunal_planner.optimize import SolveOptions
from kommunal_planner.optimize._reuse import ParametricModel, solve_model
from kommunal_planner.scenarios import Scenario
from kommunal_planner.testing import portfolios

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # PuLP's own deprecations

_factor = st.floats(min_value=0.3, max_value=2.0, allow_nan=False).map(lambda f: round(f, 3))


@st.composite
def scenario_for(draw: Any, pf: Portfolio) -> Scenario:
    """A scenario that only changes values (so the base model's structure can hold it)."""
    kw: dict[str, Any] = {}
    if draw(st.booleans()):
        kw["budget"] = {"factor": draw(_factor)}
    if draw(st.booleans()) and pf.staff_capacity:
        kw["staff_capacity"] = {"factor": draw(_factor)}
    costs: dict[str, Any] = {}
    if draw(st.booleans()):
        costs["all"] = draw(_factor)
    picked = draw(st.lists(st.sampled_from(pf.project_ids), max_size=3, unique=True))
    if picked:
        costs["projects"] = {p: {"investment": draw(_factor), "operating": draw(_factor)} for p in picked}
    if costs:
        kw["costs"] = costs
    if pf.programmes and draw(st.booleans()):
        prog = draw(st.sampled_from(pf.programmes))
        kw["programmes"] = {prog.id: draw(st.sampled_from(["closed", {"rate": 0.3}, {"max_grant": 5000}]))}
    if pf.criteria and draw(st.booleans()):
        kw["weights"] = {pf.criteria[0].id: float(draw(st.integers(1, 9)))}
    return Scenario("zufall", **kw)


@settings(max_examples=30)
@given(data=st.data(), pf=portfolios(max_projects=6, max_years=3, mandatory=True))
def test_reused_model_gives_the_rebuilt_optimum(data: st.DataObject, pf: Portfolio) -> None:
    scenario = data.draw(scenario_for(pf))
    try:
        applied = scenario.apply(pf)
    except ValidationError as exc:  # e.g. a cap below the programme's floor: named, never silent
        assert exc.item is not None and exc.item.startswith("scenario 'zufall'")
        return
    pm = ParametricModel(pf)
    values = pm.values_for(applied)
    assert values is not None, pm.incompatibility(applied)
    # CBC is the reference solver of this property: formulation equivalence does not depend on the solver
    sol = solve_model(pm.instance(values), SolveOptions(solver="cbc"))
    rebuilt = kp.optimize(applied, solver="cbc", tie_break=False, explain=False, start=False)
    assert sol.status == rebuilt.status
    if sol.success:
        assert sol.objective == pytest.approx(rebuilt.objective, abs=1e-6)


@settings(max_examples=50)
@given(data=st.data(), pf=portfolios(max_projects=5, max_years=3))
def test_scenario_dict_form_round_trips(data: st.DataObject, pf: Portfolio) -> None:
    scenario = data.draw(scenario_for(pf))
    assert Scenario.from_dict(scenario.to_dict()) == scenario
