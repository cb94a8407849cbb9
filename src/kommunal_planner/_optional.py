"""Optional dependencies: whether one can be imported, and one clear error where a feature needs it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kommunal_planner.errors import KommunalPlannerError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["have_matplotlib", "new_figure", "require_matplotlib"]


def have_matplotlib() -> bool:
    """Whether matplotlib can be imported (the ``plot`` and ``report`` extras install it).

    Examples
    --------
    >>> isinstance(have_matplotlib(), bool)
    True
    """
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def require_matplotlib(what: str, extra: str = "plot") -> None:
    """Raise :class:`~kommunal_planner.errors.KommunalPlannerError` naming *what* needs matplotlib and the extra
    that installs it, unless matplotlib can be imported."""
    if not have_matplotlib():
        raise KommunalPlannerError(f"{what} need matplotlib: pip install 'kommunal-planner[{extra}]'")


def new_figure(width: float, height: float, *, what: str = "charts", extra: str = "plot") -> Figure:
    """A matplotlib :class:`~matplotlib.figure.Figure` of *width* x *height* inches with constrained layout, made
    directly (no pyplot, no global state); without matplotlib the error of :func:`require_matplotlib`."""
    require_matplotlib(what, extra)
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")
