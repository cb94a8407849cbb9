"""Optional dependencies: whether one can be imported, and one clear error where a feature needs it."""

from __future__ import annotations

from kommunal_planner.errors import KommunalPlannerError

__all__ = ["have_matplotlib", "require_matplotlib"]


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
