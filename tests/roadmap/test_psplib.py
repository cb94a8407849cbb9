"""Tests of the PSPLIB ``.sm`` reader."""

from __future__ import annotations

import tarfile
from pathlib import Path

import numpy as np
import pytest

from kommunal_planner.errors import DataFormatError
from kommunal_planner.roadmap import RCPSPInstance, read_psplib, read_psplib_text

REPO = Path(__file__).resolve().parents[2]
PSPLIB = REPO.parent / "shared" / "data" / "psplib"

TINY = """\
************************************************************************
file with basedata            : tiny.bas
************************************************************************
projects                      :  1
jobs (incl. supersource/sink ):  4
horizon                       :  7
RESOURCES
  - renewable                 :  2   R
  - nonrenewable              :  0   N
  - doubly constrained        :  0   D
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          2           2   3
   2        1          1           4
   3        1          1           4
   4        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1  R 2
------------------------------------------------------------------------
  1      1     0       0    0
  2      1     3       2    1
  3      1     4       1    1
  4      1     0       0    0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1  R 2
    2    3
************************************************************************
"""


def test_tiny_text() -> None:
    inst = read_psplib_text(TINY, name="tiny")
    assert isinstance(inst, RCPSPInstance)
    assert inst.name == "tiny"
    assert inst.durations.tolist() == [0, 3, 4, 0]
    assert inst.successors == ((1, 2), (3,), (3,), ())
    assert inst.demands.tolist() == [[0, 0], [2, 1], [1, 1], [0, 0]]
    assert inst.capacities.tolist() == [2, 3]
    assert inst.n_activities == 4
    assert inst.n_resources == 2
    with pytest.raises(ValueError, match="read-only"):
        inst.durations[0] = 1


def _broken(old: str, new: str) -> str:
    assert old in TINY
    return TINY.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        (_broken("jobs (incl. supersource/sink ):  4", "jobs:  4"), r"bad\.sm, header: .*'jobs \(incl"),
        (_broken("PRECEDENCE RELATIONS:", "PRECEDENCES:"), r"bad\.sm, PRECEDENCE RELATIONS: the section .* missing"),
        (
            _broken("   2        1          1           4", "   2        1          2           4"),
            r"bad\.sm, row 15, PRECEDENCE RELATIONS: job 2 declares 2 successors but lists 1",
        ),
        (
            _broken("   3        1          1           4", "   3        1          1           9"),
            r"row 16, PRECEDENCE RELATIONS: successor of job 3 out of range: expected 1\.\.4, found 9",
        ),
        (
            _broken("   2        1          1           4", "   2        2          1           4"),
            r"row 15, PRECEDENCE RELATIONS: job 2 has 2 modes; only single-mode",
        ),
        (
            _broken("  3      1     4       1    1", "  3      1     4       1"),
            r"row 24, REQUESTS/DURATIONS: wrong number of fields: expected 5",
        ),
        (
            _broken("  2      1     3       2    1", "  2      1     x       2    1"),
            r"row 23, REQUESTS/DURATIONS: a field is not an integer",
        ),
        (_broken("    2    3\n", "    2\n"), r"row 29, RESOURCEAVAILABILITIES: wrong number of capacities"),
        (_broken("   4        1          0\n", ""), r"PRECEDENCE RELATIONS: the section has 3 job lines: expected 4"),
        (
            _broken(
                "   1        1          2           2   3\n   2        1          1           4\n"
                "   3        1          1           4\n   4        1          0\n",
                "",
            ),
            r"row 14, PRECEDENCE RELATIONS: the section has 0 job lines: expected 4",
        ),
        (_broken("   3        1          1           4", "   three"), r"row 16, PRECEDENCE RELATIONS: unexpected text"),
        (
            _broken("  1      1     0       0    0\n", "  2      1     0       0    0\n"),
            r"row 23, REQUESTS/DURATIONS: job 2 is listed twice",
        ),
    ],
)
def test_bad_text_names_file_line_and_section(text: str, pattern: str) -> None:
    with pytest.raises(DataFormatError, match=pattern):
        read_psplib_text(text, name="bad.sm")


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFormatError, match="cannot read the file"):
        read_psplib(tmp_path / "nope.sm")


def test_bad_file_is_named(tmp_path: Path) -> None:
    f = tmp_path / "broken.sm"
    f.write_text(_broken("RESOURCEAVAILABILITIES:", "AVAILABILITIES:"))
    with pytest.raises(DataFormatError, match=r"^broken\.sm, RESOURCEAVAILABILITIES") as err:
        read_psplib(f)
    assert err.value.file == "broken.sm"


def _need_data() -> Path:
    if not (PSPLIB / "j30").is_dir():
        pytest.skip(f"PSPLIB data not available: {PSPLIB}")
    return PSPLIB


def test_j301_1() -> None:
    inst = read_psplib(_need_data() / "j30" / "j301_1.sm")
    assert inst.name == "j301_1"
    assert inst.n_activities == 32
    assert inst.capacities.tolist() == [12, 13, 4, 12]
    assert inst.durations[:4].tolist() == [0, 8, 4, 6]
    assert inst.successors[0] == (1, 2, 3)
    assert inst.successors[-1] == ()
    assert inst.demands[2].tolist() == [10, 0, 0, 0]
    # MPM-Time in the file header is the critical-path length.
    ef = np.zeros(32, dtype=int)
    for j in range(32):  # successors always have larger numbers in PSPLIB
        for s in inst.successors[j]:
            ef[s] = max(ef[s], ef[j] + inst.durations[j])
    assert int((ef + inst.durations).max()) == 38


def test_all_j30_files_parse() -> None:
    files = sorted((_need_data() / "j30").glob("*.sm"))
    assert len(files) == 480
    for f in files:
        inst = read_psplib(f)
        assert inst.n_activities == 32 and inst.n_resources == 4
        assert (inst.demands <= inst.capacities).all()


def test_j60_member_from_the_archive() -> None:
    archive = _need_data() / "j60.sm.tar.gz"
    if not archive.is_file():
        pytest.skip("j60 archive not available")
    with tarfile.open(archive) as tar:
        member = tar.getmember("j60/j6010_1.sm")
        fh = tar.extractfile(member)
        assert fh is not None
        inst = read_psplib_text(fh.read().decode("latin-1"), name="j6010_1")
    assert inst.n_activities == 62
    assert inst.n_resources == 4
