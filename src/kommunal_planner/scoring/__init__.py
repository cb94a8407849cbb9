"""Scoring: from workshop and participation results to criterion weights, scores and benefit points.

* weights: :func:`direct_weights`, :func:`rank_weights` (ROC, rank sum, rank reciprocal),
  :func:`swing_weights`, :func:`ahp` (pairwise comparisons) and :func:`group_ahp`;
* value functions turning raw criterion values into 0 … 5 scores: :class:`LinearValue`,
  :class:`PiecewiseLinearValue`, :class:`StepValue`, :class:`CategoricalValue`;
* citizen participation: :func:`aggregate_participation`, :func:`apply_participation`;
* benefit: :func:`benefit_table` (0 … 100 points) and :func:`ranking_stability`;
* a portfolio's scoring at a glance: :func:`evaluate` (weights, benefit table, stability, participation trace).

The ``scoring`` section of an input file (German ``bewertung``) holds weights, pairwise comparisons, value
functions, raw values and participation results; importing this package registers it with the readers and
writers (see ``docs/scoring.en.md``).
"""

from kommunal_planner.scoring import _section  # noqa: F401  (registers the input section)
from kommunal_planner.scoring._ahp import (
    CONSISTENCY_THRESHOLD,
    GCI_THRESHOLDS,
    SAATY_RANDOM_INDEX,
    AHPResult,
    GroupAHPResult,
    InconsistentJudgement,
    ahp,
    group_ahp,
)
from kommunal_planner.scoring._benefit import benefit_table, ranking_stability
from kommunal_planner.scoring._evaluate import ScoringResult, dropped_projects, evaluate
from kommunal_planner.scoring._participation import (
    CATEGORIES,
    ParticipationAggregate,
    ParticipationEffect,
    ParticipationRules,
    aggregate_counts,
    aggregate_participation,
    apply_participation,
)
from kommunal_planner.scoring._value_functions import (
    CategoricalValue,
    LinearValue,
    PiecewiseLinearValue,
    StepValue,
    ValueFunction,
    apply_value_functions,
    value_function_from_dict,
)
from kommunal_planner.scoring._weights import Weights, direct_weights, rank_weights, swing_weights

__all__ = [
    "CATEGORIES",
    "CONSISTENCY_THRESHOLD",
    "GCI_THRESHOLDS",
    "SAATY_RANDOM_INDEX",
    "AHPResult",
    "CategoricalValue",
    "GroupAHPResult",
    "InconsistentJudgement",
    "LinearValue",
    "ParticipationAggregate",
    "ParticipationEffect",
    "ParticipationRules",
    "PiecewiseLinearValue",
    "ScoringResult",
    "StepValue",
    "ValueFunction",
    "Weights",
    "aggregate_counts",
    "aggregate_participation",
    "ahp",
    "apply_participation",
    "apply_value_functions",
    "benefit_table",
    "direct_weights",
    "dropped_projects",
    "evaluate",
    "group_ahp",
    "rank_weights",
    "ranking_stability",
    "swing_weights",
    "value_function_from_dict",
]
