"""roadmap."""

from ._cpm import CriticalPath, critical_path
from ._graph import PhaseSummary, dependency_graph, drawing_graph, waves
from ._levelling import LevelledSchedule
from ._psplib import RCPSPInstance, read_psplib, read_psplib_text
from ._rcpsp import RCPSPSchedule, schedule_rcpsp
from ._roadmap import Roadmap, RoadmapIssue, roadmap
from ._settings import Pool, RoadmapSettings, read_settings

__all__ = [
    "CriticalPath",
    "LevelledSchedule",
    "PhaseSummary",
    "Pool",
    "RCPSPInstance",
    "RCPSPSchedule",
    "Roadmap",
    "RoadmapIssue",
    "RoadmapSettings",
    "critical_path",
    "dependency_graph",
    "drawing_graph",
    "read_psplib",
    "read_psplib_text",
    "read_settings",
    "roadmap",
    "schedule_rcpsp",
    "waves",
]
