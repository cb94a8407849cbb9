"""The critical-path method with release dates, on cases worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from kommunal_planner.errors import DependencyCycleError, ValidationError
from kommunal_planner.roadmap._cpm import critical_path


def test_chain_of_three() -> None:
    # a (4) -> b (2) -> c (4): everything is critical, the chain is the whole path, length 10.
    cp = critical_path([4, 2, 4], [[1], [2], []], ids=["a", "b", "c"])
    assert cp.length == 10
    assert cp.earliest_start.tolist() == [0, 4, 6]
    assert cp.latest_finish.tolist() == [4, 6, 10]
    assert cp.total_slack.tolist() == [0, 0, 0]
    assert cp.critical == ("a", "b", "c") and cp.chain == ("a", "b", "c")


def test_total_and_free_slack_differ() -> None:
    # a (4) -> c (3); b (1) -> d (1) -> c. T = 7; b may slip 2 in total but not at all without moving d.
    cp = critical_path([4, 1, 3, 1], [[2], [3], [], [2]], ids=["a", "b", "c", "d"])
    assert cp.length == 7
    assert cp.earliest_start.tolist() == [0, 0, 4, 1]
    assert cp.latest_start.tolist() == [0, 2, 4, 3]
    assert cp.total_slack.tolist() == [0, 2, 0, 2]
    assert cp.free_slack.tolist() == [0, 0, 0, 2]
    assert cp.critical == ("a", "c") and cp.chain == ("a", "c")


def test_release_dates_move_the_critical_path() -> None:
    # Without releases a -> b (4 + 4) is critical; x (2) released in quarter 8 then ends last.
    cp = critical_path([4, 4, 2], [[1], [], []], [0, 0, 8], ids=["a", "b", "x"])
    assert cp.length == 10
    assert cp.critical == ("x",) and cp.chain == ("x",)
    assert cp.total_slack.tolist() == [2, 2, 0]
    # A release that holds back a successor beyond its predecessor's finish breaks the chain there.
    cp = critical_path([4, 4], [[1], []], [0, 6], ids=["a", "b"])
    assert cp.earliest_start.tolist() == [0, 6] and cp.length == 10
    assert cp.total_slack.tolist() == [2, 0] and cp.chain == ("b",)


def test_chain_prefers_the_higher_priority_driver() -> None:
    # Two equal predecessors drive c; the one with more benefit is followed.
    cp = critical_path([4, 4, 2], [[2], [2], []], ids=["p", "q", "c"], priority=[1.0, 5.0, 0.0])
    assert cp.critical == ("p", "q", "c") and cp.chain == ("q", "c")


def test_result_is_read_only() -> None:
    cp = critical_path([1, 2], [[1], []])
    with pytest.raises(ValueError):
        cp.earliest_start[0] = 5
    assert cp.ids == ("0", "1")


def test_empty() -> None:
    cp = critical_path(np.zeros(0, dtype=int), [])
    assert cp.length == 0 and cp.critical == () and cp.chain == ()


def test_errors_name_the_project() -> None:
    with pytest.raises(ValidationError, match=r"project 'b'.*durations"):
        critical_path([1, -1], [[], []], ids=["a", "b"])
    with pytest.raises(ValidationError, match=r"project 'a'.*successors"):
        critical_path([1, 1], [[5], []], ids=["a", "b"])
    with pytest.raises(DependencyCycleError) as info:
        critical_path([1, 1, 1], [[1], [2], [1]], ids=["a", "b", "c"])
    assert set(info.value.cycle) == {"b", "c"}
