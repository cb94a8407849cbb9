"""Gantt chart, pool load chart, Mermaid text, Markdown page and Excel sheet of a roadmap."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

import kommunal_planner as kp
from kommunal_planner.roadmap._gantt import figure_bytes, mermaid_text
from kommunal_planner.roadmap._roadmap import Roadmap, roadmap

pytest.importorskip("matplotlib")

TASK = re.compile(
    r"^    (?P<name>[^:#;%\n]+?) :(?P<tags>(?:(?:crit|done|active|milestone), )*)"
    r"(?P<id>[A-Za-z_][A-Za-z0-9_]*), (?P<start>\d{4}-\d{2}-\d{2}), (?P<end>\d{4}-\d{2}-\d{2}|\d+d)$"
)
HEADER = ("gantt", re.compile(r"^    title [^:#;%\n]+$"), "    dateFormat YYYY-MM-DD", "    axisFormat %Y-%m")


def parse_mermaid(text: str) -> dict[str, dict[str, object]]:
    """Check *text* line by line against Mermaid's gantt syntax; return the tasks by id."""
    lines = text.rstrip("\n").split("\n")
    assert lines[0] == HEADER[0]
    assert isinstance(HEADER[1], re.Pattern) and HEADER[1].match(lines[1]), lines[1]
    assert lines[2:4] == list(HEADER[2:4])
    tasks: dict[str, dict[str, object]] = {}
    section = None
    for line in lines[4:]:
        if line.startswith("    section "):
            section = line[len("    section ") :]
            assert section and ":" not in section
            continue
        match = TASK.match(line)
        assert match, f"not a gantt task line: {line!r}"
        assert section is not None, "task before the first section"
        assert match["id"] not in tasks, f"id {match['id']} twice"
        start = dt.date.fromisoformat(match["start"])
        if match["end"].endswith("d"):
            assert "milestone" in match["tags"] and match["end"] == "0d"
            end = start
        else:
            end = dt.date.fromisoformat(match["end"])
            assert end > start
        tasks[match["id"]] = {
            "name": match["name"],
            "tags": match["tags"],
            "start": start,
            "end": end,
            "section": section,
        }
    return tasks


@pytest.fixture
def small_roadmap(small: kp.Portfolio) -> Roadmap:
    return roadmap(kp.optimize(small), milestones={"Rat beschließt": "2026-Q2", "Bilanz": 2027})


def test_mermaid_is_well_formed(small_roadmap: Roadmap) -> None:
    text = small_roadmap.mermaid("de")
    tasks = parse_mermaid(text)
    assert tasks["p_konto"]["start"] == dt.date(2026, 1, 1) and tasks["p_konto"]["end"] == dt.date(2027, 1, 1)
    assert tasks["p_portal"]["start"] == dt.date(2027, 1, 1) and tasks["p_portal"]["section"] == "Kurzfristig"
    assert {k for k, v in tasks.items() if "crit" in str(v["tags"])} == {"p_konto", "p_portal"}
    milestones = {v["name"]: v["start"] for v in tasks.values() if "milestone" in str(v["tags"])}
    assert milestones == {
        "Rat beschließt": dt.date(2026, 7, 1),
        "Bilanz": dt.date(2028, 1, 1),
        "Kurzfristig abgeschlossen": dt.date(2028, 1, 1),
    }
    assert "section Meilensteine" in text and "section Milestones" in small_roadmap.mermaid("en")


def test_mermaid_keeps_hostile_names_as_text(small: kp.Portfolio) -> None:
    projects = tuple(
        replace(p, name="section Evil: a;b #c %%{init}%% <b>x</b>") if p.id == "konto" else p for p in small.projects
    )
    pf = replace(small, projects=projects)
    text = roadmap(kp.optimize(pf)).mermaid("en", title="Plan: 2026; #1")
    tasks = parse_mermaid(text)
    assert tasks["p_konto"]["name"] == "› section Evil a b c init b x /b"
    assert mermaid_text("") == "-"


def test_gantt_and_load_files(small_roadmap: Roadmap, tmp_path: Path) -> None:
    written = small_roadmap.write(tmp_path, lang="en", formats=("svg", "png", "md", "xlsx"))
    names = sorted(p.name for p in written)
    assert names == ["roadmap.md", "roadmap.png", "roadmap.svg", "roadmap.xlsx", "roadmap_load.png", "roadmap_load.svg"]
    for name in ("roadmap.png", "roadmap_load.png"):
        data = (tmp_path / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000
    for name in ("roadmap.svg", "roadmap_load.svg"):
        root = ET.fromstring((tmp_path / name).read_bytes())
        assert root.tag.endswith("svg") and len(list(root.iter())) > 50
    page = (tmp_path / "roadmap.md").read_text(encoding="utf-8")
    assert page.startswith("# Roadmap Klein") and "```mermaid\ngantt\n" in page
    parse_mermaid(page.split("```mermaid\n", 1)[1].split("```", 1)[0])


def test_same_roadmap_same_svg(small_roadmap: Roadmap) -> None:
    first = figure_bytes(small_roadmap.gantt("de"), "svg")
    assert first == figure_bytes(small_roadmap.gantt("de"), "svg")


def test_gantt_content(small_roadmap: Roadmap) -> None:
    fig = small_roadmap.gantt("de")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0] == "Meilensteine" and labels[1].startswith("Förderfenster: Smart City")
    assert labels[2:] == ["Servicekonto", "LoRaWAN", "Bürgerportal"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "kritische Kette" in legend and "administration" in legend and "Förderfenster" in legend
    bars = [p for p in ax.patches if p.get_height() == pytest.approx(0.62)]
    assert len(bars) == 3 and len({p.get_hatch() for p in bars}) == 2
    early = small_roadmap.gantt("en", schedule="early")
    assert "earliest" in early.axes[0].get_title(loc="left")
    with pytest.raises(kp.ValidationError, match="schedule"):
        small_roadmap.gantt("de", schedule="late")  # type: ignore[arg-type]
    load = small_roadmap.load_chart("en")
    assert [ax.get_title(loc="left") for ax in load.axes] == ["Load – Personal"]


def test_excel_sheet(small: kp.Portfolio) -> None:
    from openpyxl import Workbook

    projects = tuple(replace(p, name="=HYPERLINK(1)") if p.id == "lora" else p for p in small.projects)
    rm = roadmap(kp.optimize(replace(small, projects=projects)))
    wb = Workbook()
    wb.create_sheet("Roadmap")
    ws = rm.to_excel_sheet(wb, lang="de")
    assert wb.sheetnames.count("Roadmap") == 1 and ws.title == "Roadmap"
    values = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(i for i, row in enumerate(values) if row[0] == "Projekt")
    assert values[header][:8] == [
        "Projekt",
        "Bezeichnung",
        "Handlungsfeld",
        "Phase",
        "Welle",
        "Planjahr",
        "Beginn",
        "Ende",
    ]
    cells = [c for row in ws.iter_rows() for c in row if c.value == "=HYPERLINK(1)"]
    assert cells and all(c.data_type == "s" for c in cells)
    assert any(row[0] == "kurzfristig" for row in values) and any(row[1] == "Auslastung" for row in values)
