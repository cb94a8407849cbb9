"""Charts of a plan (matplotlib, imported lazily), readable in print and in grey.

Every series differs by hatching, marker or line style as well as by shade, so a black-and-white print of a council
paper still tells them apart. Figures are built with :class:`matplotlib.figure.Figure` directly (no pyplot, no global
state, the Agg canvas for PNG), and :func:`figure_svg` turns one into a self-contained SVG fragment for inline use
in HTML: text as paths (no fonts to load), no metadata, ids prefixed so that several charts can share one page.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kommunal_planner._optional import have_matplotlib, new_figure, require_matplotlib
from kommunal_planner.model import Portfolio
from kommunal_planner.optimize import Plan
from kommunal_planner.report._catalogue import text
from kommunal_planner.report._locale import Lang, format_number

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "benefit_by_field_chart",
    "budget_chart",
    "figure_png",
    "figure_svg",
    "frequency_chart",
    "frontier_chart",
    "gantt_chart",
    "have_matplotlib",
]

logger = logging.getLogger(__name__)

#: Greys that stay distinct when printed; hatching carries the difference where the printer blurs them.
_DARK, _MID, _LIGHT = "#333333", "#8c8c8c", "#e0e0e0"
_RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": "#333333",
    "axes.linewidth": 0.8,
    "hatch.linewidth": 0.6,
    "svg.fonttype": "path",
    "svg.hashsalt": "kommunal-planner",
}


def _rc() -> Any:
    return dict(_RC)


def _new_figure(width: float, height: float) -> Figure:
    return new_figure(width, height, what="charts", extra="report")


def _thousands(lang: Lang) -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: format_number(v / 1000.0, lang))


def budget_chart(plan: Plan, lang: Lang = "de") -> Figure:
    """Own share, operating costs and grants per year as stacked bars, the own-funds budget as a line.

    The budget line is to be read against the two lower segments (own share and operating costs = own funds);
    the hatched top segment shows what funding programmes add on top.
    """
    require_matplotlib("charts", "report")
    import matplotlib as mpl

    with mpl.rc_context(_rc()):
        fig = _new_figure(7.0, 3.6)
        ax = fig.add_subplot()
        years = np.array([y.year for y in plan.years])
        own = np.array([y.cost - y.grant for y in plan.years])
        op = np.array([y.operating for y in plan.years])
        grant = np.array([y.grant for y in plan.years])
        budget = np.array([y.budget for y in plan.years])
        ax.bar(years, own, 0.6, color=_DARK, edgecolor="black", label=text("chart.own_share", lang))
        ax.bar(
            years, op, 0.6, bottom=own, color=_MID, edgecolor="black", hatch="//", label=text("chart.operating", lang)
        )
        ax.bar(
            years,
            grant,
            0.6,
            bottom=own + op,
            color="white",
            edgecolor="black",
            hatch="..",
            label=text("chart.grants", lang),
        )
        ax.plot(
            years, budget, color="black", linestyle="--", marker="o", markersize=5, label=text("chart.budget", lang)
        )
        ax.set_xticks(years, [str(y) for y in years])
        ax.yaxis.set_major_formatter(_thousands(lang))
        ax.set_ylabel(text("chart.thousand_eur", lang))
        ax.grid(axis="y", color=_LIGHT, linewidth=0.6)
        ax.set_axisbelow(True)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncols=4, frameon=False)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return fig


def benefit_by_field_chart(plan: Plan, portfolio: Portfolio, lang: Lang = "de") -> Figure:
    """Benefit points per field of action: in the plan (solid) and left out (hatched)."""
    require_matplotlib("charts", "report")
    import matplotlib as mpl

    from kommunal_planner.report._explain import field_label

    arr = portfolio.arrays
    chosen = set(plan.selected)
    fields = list(portfolio.fields)
    inside = np.zeros(len(fields))
    outside = np.zeros(len(fields))
    for i, p in enumerate(portfolio.projects):
        k = fields.index(p.field)
        if p.id in chosen:
            inside[k] += arr.benefit[i]
        else:
            outside[k] += arr.benefit[i]
    order = np.argsort(-(inside + outside), kind="stable")[::-1]
    labels = [field_label(fields[k], lang) for k in order]
    with mpl.rc_context(_rc()):
        fig = _new_figure(7.0, 0.45 * len(fields) + 1.4)
        ax = fig.add_subplot()
        y = np.arange(len(fields))
        ax.barh(y, inside[order], 0.6, color=_DARK, edgecolor="black", label=text("chart.in_plan", lang))
        ax.barh(
            y,
            outside[order],
            0.6,
            left=inside[order],
            color="white",
            edgecolor="black",
            hatch="//",
            label=text("chart.left_out", lang),
        )
        ax.set_yticks(y, labels)
        ax.set_xlabel(text("chart.points", lang))
        ax.xaxis.set_major_formatter(_plain(lang))
        ax.grid(axis="x", color=_LIGHT, linewidth=0.6)
        ax.set_axisbelow(True)
        ax.legend(loc="lower right", frameon=False)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return fig


def _plain(lang: Lang) -> Any:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: format_number(v, lang))


def _short(name: str, width: int = 42) -> str:
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


def gantt_chart(plan: Plan, portfolio: Portfolio, lang: Lang = "de") -> Figure:
    """The selected projects as bars from start to finish (must-dos cross-hatched), ordered by start year.

    A plain schedule drawn from the plan; a roadmap with phases and a critical path supplies its own chart
    through the report's roadmap hook.
    """
    require_matplotlib("charts", "report")
    import matplotlib as mpl

    rows = sorted(
        (d for d in plan.projects if d.selected and d.start is not None),
        key=lambda d: (d.start, d.finish, d.id),
    )
    with mpl.rc_context(_rc()):
        fig = _new_figure(7.0, 0.22 * len(rows) + 1.3)
        ax = fig.add_subplot()
        for k, d in enumerate(rows):
            p = portfolio.project(d.id)
            start = int(d.start or 0)
            finish = int(d.finish if d.finish is not None else start)
            ax.barh(
                k,
                finish - start + 1,
                0.6,
                left=start - 0.5,
                color=_MID if p.mandatory else _DARK,
                edgecolor="black",
                hatch="xx" if p.mandatory else None,
            )
        ax.set_yticks(np.arange(len(rows)), [_short(portfolio.project(d.id).name) for d in rows], fontsize=7)
        ax.invert_yaxis()
        years = list(portfolio.horizon.calendar_years)
        ax.set_xticks(years, [str(y) for y in years])
        ax.set_xlim(years[0] - 0.5, years[-1] + 0.5)
        ax.grid(axis="x", color=_LIGHT, linewidth=0.6)
        ax.set_axisbelow(True)
        from matplotlib.patches import Patch

        ax.legend(
            handles=[
                Patch(facecolor=_DARK, edgecolor="black", label=text("chart.project", lang)),
                Patch(facecolor=_MID, edgecolor="black", hatch="xx", label=text("chart.mandatory", lang)),
            ],
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0 + 0.3 / max(1, len(rows))),
            ncols=2,
            frameon=False,
        )
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return fig


def frontier_chart(frame: pd.DataFrame, lang: Lang = "de", *, x: str = "own_funds", y: str = "benefit") -> Figure:
    """A trade-off curve (e.g. benefit against own funds over a range of budgets): line with markers."""
    require_matplotlib("charts", "report")
    import matplotlib as mpl

    data = frame.sort_values(x)
    with mpl.rc_context(_rc()):
        fig = _new_figure(7.0, 3.4)
        ax = fig.add_subplot()
        ax.plot(data[x], data[y], color="black", marker="s", markersize=4, linestyle="-")
        ax.xaxis.set_major_formatter(_thousands(lang))
        ax.yaxis.set_major_formatter(_plain(lang))
        ax.set_xlabel(text("chart.thousand_eur", lang))
        ax.set_ylabel(text("chart.points", lang))
        ax.grid(color=_LIGHT, linewidth=0.6)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return fig


def frequency_chart(
    frequencies: Mapping[str, float], names: Mapping[str, str], lang: Lang = "de", *, threshold: float = 0.8
) -> Figure:
    """How often each project is selected across scenarios (0…1), with the stability threshold dashed."""
    require_matplotlib("charts", "report")
    import matplotlib as mpl

    items = sorted(frequencies.items(), key=lambda kv: (-kv[1], kv[0]))
    with mpl.rc_context(_rc()):
        fig = _new_figure(7.0, 0.22 * len(items) + 1.3)
        ax = fig.add_subplot()
        y = np.arange(len(items))
        values = np.array([v for _, v in items])
        stable = values >= threshold
        ax.barh(y[stable], 100 * values[stable], 0.6, color=_DARK, edgecolor="black", label=text("chart.stable", lang))
        ax.barh(
            y[~stable],
            100 * values[~stable],
            0.6,
            color="white",
            edgecolor="black",
            hatch="//",
            label=text("chart.unstable", lang),
        )
        ax.axvline(100 * threshold, color="black", linestyle="--", linewidth=1)
        ax.set_yticks(y, [_short(names.get(k, k)) for k, _ in items], fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, 100)
        ax.set_xlabel(text("chart.frequency", lang))
        ax.legend(loc="lower right", frameon=False)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return fig


# --------------------------------------------------------------------------- export
_XML_DECL = re.compile(r"<\?xml[^>]*\?>\s*")
_DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>\s*", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_XMLNS = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')
_ID = re.compile(r'\bid="([^"]+)"')
_REF = re.compile(r'(href="#|url\(#)([^")]+)')
_SIZE = re.compile(r'<svg([^>]*?)\s+width="[^"]*"\s+height="[^"]*"')


def figure_svg(fig: Figure, *, prefix: str, title: str) -> str:
    """An inline SVG fragment of *fig*: no XML prolog, no metadata, no namespace URLs, ids prefixed.

    The chart scales to its container (``width: 100%``) and carries ``role="img"`` with *title* as its
    accessible name.
    """
    import matplotlib as mpl

    buf = io.StringIO()
    with mpl.rc_context(_rc()):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = buf.getvalue()
    svg = _XML_DECL.sub("", svg)
    svg = _DOCTYPE.sub("", svg)
    svg = _METADATA.sub("", svg)
    svg = _XMLNS.sub("", svg)
    svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = _REF.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
    svg = _SIZE.sub(r'<svg\1 width="100%"', svg, count=1)
    from kommunal_planner.report._safety import escape_html

    label = escape_html(title)
    svg = svg.replace("<svg", f'<svg role="img" aria-label="{label}"', 1)
    head_end = svg.index(">") + 1
    return svg[:head_end] + f"<title>{label}</title>" + svg[head_end:]


def figure_png(fig: Figure, *, dpi: int = 200) -> bytes:
    """*fig* as PNG bytes (for Word documents)."""
    import matplotlib as mpl

    buf = io.BytesIO()
    with mpl.rc_context(_rc()):
        fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()
