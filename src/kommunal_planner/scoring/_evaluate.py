"""The scoring of a portfolio at a glance: weights, each criterion's contribution, stability, participation."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kommunal_planner.model import Portfolio
from kommunal_planner.scoring._ahp import AHPResult, GroupAHPResult
from kommunal_planner.scoring._benefit import benefit_table, ranking_stability
from kommunal_planner.scoring._participation import ParticipationAggregate, ParticipationEffect
from kommunal_planner.scoring._spec import SECTION, ProjectView, derive, parse_scoring
from kommunal_planner.scoring._weights import Weights

__all__ = ["ScoringResult", "dropped_projects", "evaluate"]

logger = logging.getLogger(__name__)

_CHANGE_COLUMNS = ["project", "criterion", "theme", "rule", "value", "threshold", "result", "effect"]


@dataclass(frozen=True, slots=True, eq=False)
class ScoringResult:
    """How a portfolio's benefit points come about.

    Attributes
    ----------
    weights : pandas.Series
        The criterion weights the portfolio uses, normalised to sum 1 (index: criterion).
    derived_weights : Weights or None
        The weights of the method declared in the scoring section; ``None`` without one.
    weights_result : Weights, AHPResult or GroupAHPResult or None
        The method's full result (with CR and inconsistent judgements for AHP).
    applied : bool
        Whether the derived weights set the criteria weights, or are only reported (``apply: false``).
    benefit : pandas.DataFrame
        Per project with scores: each criterion's contribution, ``benefit`` (0 … 100) and ``rank``; sorted by
        rank. Projects whose benefit is given directly are listed in ``given_benefit``.
    given_benefit : pandas.Series
        Projects with a benefit given directly (not from scores).
    stability : pandas.DataFrame
        Per criterion, the weight interval within which the top-k ranking stays the same
        (:func:`~kommunal_planner.scoring.ranking_stability`).
    participation : ParticipationAggregate or None
        Answers per theme with their statistics and verdicts.
    effect : ParticipationEffect or None
        What participation does to the projects.
    dropped : tuple of str
        Projects of dropped themes: the plan should leave them out (``optimize(..., forced_out=dropped)``).
    changes : pandas.DataFrame
        The trace: one row per project, criterion and rule (``value function``, ``citizen score``, ``later``,
        ``dropped``) with the numbers behind it: ``value`` (the raw value, or the theme's figure the rule looked
        at), ``threshold``, ``result`` (the score, or the earliest start year; NaN for a drop) and ``effect`` in
        words.
    """

    weights: pd.Series
    derived_weights: Weights | None
    weights_result: Weights | AHPResult | GroupAHPResult | None
    applied: bool
    benefit: pd.DataFrame
    given_benefit: pd.Series
    stability: pd.DataFrame
    participation: ParticipationAggregate | None
    effect: ParticipationEffect | None
    dropped: tuple[str, ...]
    changes: pd.DataFrame


def evaluate(portfolio: Portfolio, *, k: int = 5) -> ScoringResult:
    """Evaluate the scoring of *portfolio*: weights, benefit table, ranking stability and participation.

    Parameters
    ----------
    portfolio : Portfolio
        A portfolio, with or without a ``scoring`` section.
    k : int
        Length of the top list whose stability is reported.

    Returns
    -------
    ScoringResult

    Raises
    ------
    ValidationError
        The portfolio's scoring section does not fit it (only for portfolios not built by the readers).

    Examples
    --------
    >>> import kommunal_planner as kp
    >>> from kommunal_planner.cli import example_path
    >>> result = kp.scoring.evaluate(kp.read(example_path()))
    >>> result.benefit.index[0], round(float(result.benefit["benefit"].iloc[0]), 1)
    ('gigabit_nord', 84.0)
    >>> result.dropped
    ()
    """
    criteria = [c.id for c in portfolio.criteria]
    raw = np.array([c.weight for c in portfolio.criteria], dtype=np.float64)
    total = float(raw.sum())
    weights = pd.Series(
        raw / total if total > 0 else raw, index=pd.Index(criteria, name="criterion"), name="weight", dtype=float
    )
    scored = [p for p in portfolio.projects if p.benefit is None or all(c in p.scores for c in criteria)]
    scored = [p for p in scored if all(c in p.scores for c in criteria)]
    scores = pd.DataFrame(
        [[p.scores[c] for c in criteria] for p in scored],
        index=pd.Index([p.id for p in scored], name="project"),
        columns=criteria,
        dtype=float,
    )
    given = pd.Series(
        {p.id: p.benefit for p in portfolio.projects if p.benefit is not None}, name="benefit", dtype=float
    ).rename_axis("project")
    if criteria and len(scores) and total > 0:
        table = benefit_table(scores, weights)
        table["rank"] = table["benefit"].rank(ascending=False, method="min").astype(int)
        table = table.sort_values(["rank"], kind="stable")
        stability = ranking_stability(scores, weights, k=k)
    else:
        table = pd.DataFrame(columns=[*criteria, "benefit", "rank"])
        stability = pd.DataFrame(columns=["weight", "lower", "upper", "lower_event", "upper_event"])
    derived_weights = None
    weights_result = None
    applied = False
    aggregate = None
    effect = None
    dropped: tuple[str, ...] = ()
    rows: list[dict[str, object]] = []
    if SECTION in portfolio.sections:
        from kommunal_planner.model import thaw

        spec = parse_scoring(thaw(portfolio.sections[SECTION]))
        views = [ProjectView(p.id, p.field, tuple(p.tags), p.mandatory, None) for p in portfolio.projects]
        derivation = derive(spec, criteria, views)
        if spec.weights is not None:
            derived_weights, weights_result, applied = derivation.weights, spec.weights.result, spec.weights.apply
        for pid, values in spec.raw_values.items():
            for cid, value in values.items():
                number = value if isinstance(value, int | float) and not isinstance(value, bool) else math.nan
                score = derivation.scores[pid][cid]
                effect_text = f"score {score:g} from raw value {value}"
                rows.append(_row(pid, cid, "", "value function", number, math.nan, score, effect_text))
        if spec.participation is not None:
            aggregate, effect = spec.participation.aggregate, derivation.effect
            assert effect is not None
            criterion = spec.participation.criterion
            for record in effect.changes.to_dict(orient="records"):
                pid, rule = str(record["project"]), str(record["rule"])
                if rule == "citizen score":
                    result = derivation.scores.get(pid, {}).get(criterion, math.nan)
                elif rule == "later":
                    result = float(derivation.earliest_start.get(pid, spec.participation.rules.later_start_year or 0))
                else:
                    result = math.nan
                rows.append(
                    _row(
                        pid,
                        criterion if rule == "citizen score" else "",
                        str(record["theme"]),
                        rule,
                        float(record["value"]),
                        float(record["threshold"]),
                        result,
                        str(record["effect"]),
                    )
                )
            dropped = derivation.dropped
    changes = pd.DataFrame(rows, columns=_CHANGE_COLUMNS)
    logger.debug("scoring of '%s': %d projects scored, %d dropped", portfolio.name, len(scores), len(dropped))
    return ScoringResult(
        weights,
        derived_weights,
        weights_result,
        applied,
        table,
        given,
        stability,
        aggregate,
        effect,
        dropped,
        changes,
    )


def _row(
    project: str, criterion: str, theme: str, rule: str, value: float, threshold: float, result: float, effect: str
) -> dict[str, object]:
    return {
        "result": result,
        "project": project,
        "criterion": criterion,
        "theme": theme,
        "rule": rule,
        "value": value,
        "threshold": threshold,
        "effect": effect,
    }


def dropped_projects(portfolio: Portfolio) -> tuple[str, ...]:
    """The projects that citizen participation dropped (their theme's verdict is *dropped*).

    A portfolio has no notion of an excluded project; pass these to ``optimize(..., forced_out=...)``, as the
    command ``kommunal-planner plan`` does.

    Examples
    --------
    >>> import kommunal_planner as kp
    >>> from kommunal_planner.cli import example_path
    >>> dropped_projects(kp.read(example_path()))
    ()
    """
    if SECTION not in portfolio.sections:
        return ()
    from kommunal_planner.model import thaw

    spec = parse_scoring(thaw(portfolio.sections[SECTION]))
    if spec.participation is None:
        return ()
    views = [ProjectView(p.id, p.field, tuple(p.tags), p.mandatory, None) for p in portfolio.projects]
    return derive(spec, [c.id for c in portfolio.criteria], views).dropped
