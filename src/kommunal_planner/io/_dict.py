"""The canonical nested-dict form of a portfolio: what YAML and JSON hold, and what tables are converted to.

:func:`portfolio_from_dict` is strict: unknown keys are errors naming the key (with a suggestion), so a typo never
silently drops a rule. German key names are accepted as aliases of the contract's English ones.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from kommunal_planner.errors import Location, ValidationError
from kommunal_planner.io._sections import (
    apply_sections,
    derived_values,
    prepare_sections,
    registered_sections,
    section_alias,
)
from kommunal_planner.model import (
    Criterion,
    Eligibility,
    Focus,
    FundingProgramme,
    Horizon,
    Pool,
    Portfolio,
    Project,
    thaw,
)

__all__ = ["portfolio_from_dict", "portfolio_to_dict"]

T = TypeVar("T")

# German aliases of the contract's keys, per section.
_TOP = {
    "name": "name",
    "description": "description",
    "beschreibung": "description",
    "horizon": "horizon",
    "horizont": "horizon",
    "financially_weak": "financially_weak",
    "haushaltsnotlage": "financially_weak",
    "discount_rate": "discount_rate",
    "diskontsatz": "discount_rate",
    "budget": "budget",
    "haushalt": "budget",
    "staff_capacity": "staff_capacity",
    "personalkapazitaet": "staff_capacity",
    "personalkapazität": "staff_capacity",
    "focus": "focus",
    "schwerpunkte": "focus",
    "criteria": "criteria",
    "kriterien": "criteria",
    "programmes": "programmes",
    "programs": "programmes",
    "foerderprogramme": "programmes",
    "förderprogramme": "programmes",
    "projects": "projects",
    "projekte": "projects",
    "massnahmen": "projects",
    "maßnahmen": "projects",
    "pools": "pools",
    "ressourcen": "pools",
}
_POOL = {
    "id": "id",
    "name": "name",
    "bezeichnung": "name",
    "capacity": "capacity",
    "kapazitaet": "capacity",
    "kapazität": "capacity",
    "share": "share",
    "anteil": "share",
}
_HORIZON = {"start": "start", "beginn": "start", "years": "years", "jahre": "years"}
_FOCUS = {"max_fields": "max_fields", "max_handlungsfelder": "max_fields"}
_CRITERION = {"id": "id", "name": "name", "bezeichnung": "name", "weight": "weight", "gewicht": "weight"}
_PROGRAMME = {
    "id": "id",
    "name": "name",
    "bezeichnung": "name",
    "rate": "rate",
    "foerderquote": "rate",
    "förderquote": "rate",
    "rate_weak": "rate_weak",
    "foerderquote_notlage": "rate_weak",
    "förderquote_notlage": "rate_weak",
    "max_grant": "max_grant",
    "hoechstbetrag": "max_grant",
    "höchstbetrag": "max_grant",
    "min_grant": "min_grant",
    "bagatellgrenze": "min_grant",
    "pot": "pot",
    "mittel": "pot",
    "foerdertopf": "pot",
    "fördertopf": "pot",
    "windows": "windows",
    "antragsjahre": "windows",
    "approval_probability": "approval_probability",
    "bewilligungswahrscheinlichkeit": "approval_probability",
    "eligible": "eligible",
    "foerderfaehig": "eligible",
    "förderfähig": "eligible",
}
_ELIGIBLE = {
    "fields": "fields",
    "handlungsfelder": "fields",
    "projects": "projects",
    "projekte": "projects",
    "tags": "tags",
    "schlagworte": "tags",
}
_PROJECT = {
    "id": "id",
    "name": "name",
    "bezeichnung": "name",
    "field": "field",
    "handlungsfeld": "field",
    "duration": "duration",
    "dauer": "duration",
    "cost": "cost",
    "kosten": "cost",
    "operating_cost": "operating_cost",
    "folgekosten": "operating_cost",
    "staff_days": "staff_days",
    "personentage": "staff_days",
    "scores": "scores",
    "bewertungen": "scores",
    "benefit": "benefit",
    "nutzen": "benefit",
    "earliest_start": "earliest_start",
    "fruehester_beginn": "earliest_start",
    "frühester_beginn": "earliest_start",
    "latest_start": "latest_start",
    "spaetester_beginn": "latest_start",
    "spätester_beginn": "latest_start",
    "deadline": "deadline",
    "frist": "deadline",
    "requires": "requires",
    "voraussetzungen": "requires",
    "mandatory": "mandatory",
    "pflicht": "mandatory",
    "exclusive_group": "exclusive_group",
    "variantengruppe": "exclusive_group",
    "tags": "tags",
    "schlagworte": "tags",
    "description": "description",
    "beschreibung": "description",
    "duration_quarters": "duration_quarters",
    "dauer_quartale": "duration_quarters",
    "pools": "pools",
    "poolanteile": "pools",
}


def _keys(
    data: Any,
    aliases: Mapping[str, str],
    *,
    path: str,
    item: str | None = None,
    required: tuple[str, ...] = (),
) -> dict[str, Any]:
    """Map the keys of *data* onto contract names; unknown or doubled keys are errors."""
    if not isinstance(data, Mapping):
        raise ValidationError(
            "",
            location=Location(path=path or "(top level)", item=item),
            expected="a mapping of keys to values",
            found=_short(data),
        )
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = aliases.get(str(key).strip().lower()) if isinstance(key, str) else None
        if name is None:
            close = difflib.get_close_matches(str(key).lower(), list(aliases), n=1)
            raise ValidationError(
                f"unknown key '{key}'",
                location=Location(path=_join(path, str(key)), item=item),
                hint=f"did you mean '{aliases[close[0]]}'?"
                if close
                else f"known keys: {', '.join(sorted(set(aliases.values())))}",
            )
        if name in out:
            raise ValidationError(
                f"the key '{name}' is given twice (as '{key}' too)",
                location=Location(path=_join(path, str(key)), item=item),
            )
        out[name] = value
    for name in required:
        if out.get(name) is None:
            raise ValidationError(f"'{name}' is missing", location=Location(path=_join(path, name), item=item))
    return out


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _short(value: Any) -> Any:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _item(kind: str, raw: Any) -> str | None:
    """ "project 'x'" from a raw mapping's id (under any alias), for locating errors before it is parsed."""
    if isinstance(raw, Mapping):
        for key in ("id", "ID", "Id"):
            if isinstance(raw.get(key), str | int):
                return f"{kind} '{raw[key]}'"
    return None


def _list(data: Any, *, path: str) -> list[Any]:
    if data is None:
        return []
    if not isinstance(data, list | tuple):
        raise ValidationError("", location=Location(path=path), expected="a list", found=_short(data))
    return list(data)


def _build(factory: Callable[..., T], kwargs: dict[str, Any], *, path: str, item: str | None) -> T:
    """Construct a model object, completing the location of any error it raises with *path*."""
    try:
        return factory(**kwargs)
    except ValidationError as exc:
        loc = exc.location
        new = Location(
            file=loc.file,
            sheet=loc.sheet,
            row=loc.row,
            column=loc.column,
            path=_join(path, loc.path) if loc.path else path,
            item=loc.item or item,
        )
        raise exc.with_location(new) from None


def portfolio_from_dict(data: Any, *, source: str | None = None) -> Portfolio:
    """Build a validated :class:`Portfolio` from its nested-dict form (as YAML or JSON hold it).

    Parameters
    ----------
    data
        A mapping with the keys of DESIGN §3 (German aliases accepted).
    source
        A file name, added to the location of any error.

    Raises
    ------
    ValidationError
        Naming the key path, the project or programme, and what is wrong.

    Examples
    --------
    >>> pf = portfolio_from_dict({
    ...     "name": "Mini", "horizon": {"start": 2026, "years": 2}, "budget": 1000,
    ...     "projects": [{"id": "a", "benefit": 10, "cost": 500}]})
    >>> pf.project("a").cost, pf.budget[2027]
    ((500.0,), 1000.0)
    """
    try:
        return _from_dict(data)
    except ValidationError as exc:
        if source:
            raise exc.at(Location(file=source)) from None
        raise


def _split_sections(data: Any) -> tuple[Any, dict[str, Any]]:
    """The portfolio's own keys, and the registered optional sections (scoring, scenarios …) apart."""
    if not isinstance(data, Mapping):
        return data, {}
    own: dict[Any, Any] = {}
    sections: dict[str, Any] = {}
    for key, value in data.items():
        name = section_alias(key) if isinstance(key, str) else None
        if name is None:
            own[key] = value
        elif name in sections:
            raise ValidationError(f"the section '{name}' is given twice (as '{key}' too)", location=Location(path=key))
        else:
            sections[name] = value
    return own, sections


def _from_dict(data: Any) -> Portfolio:
    data, sections = _split_sections(data)
    data = prepare_sections(data, sections)
    return apply_sections(_portfolio(data), sections)


def _portfolio(data: Any) -> Portfolio:
    top = _keys(data, _TOP, path="", required=("name", "horizon", "budget", "projects"))
    hz = _keys(top["horizon"], _HORIZON, path="horizon", required=("start", "years"))
    horizon = _build(Horizon, hz, path="horizon", item="horizon")
    criteria = tuple(
        _build(
            Criterion,
            _keys(c, _CRITERION, path=f"criteria[{i}]", required=("id",)),
            path=f"criteria[{i}]",
            item=None,
        )
        for i, c in enumerate(_list(top.get("criteria"), path="criteria"))
    )
    programmes = []
    for i, raw in enumerate(_list(top.get("programmes"), path="programmes")):
        path = f"programmes[{i}]"
        kw = _keys(raw, _PROGRAMME, path=path, required=("id", "rate"), item=_item("programme", raw))
        item = f"programme '{kw['id']}'"
        if "eligible" in kw:
            el = _keys(kw["eligible"] or {}, _ELIGIBLE, path=f"{path}.eligible", item=item)
            kw["eligible"] = _build(
                Eligibility,
                {k: _list(v, path=f"{path}.eligible.{k}") for k, v in el.items()},
                path=f"{path}.eligible",
                item=item,
            )
        if kw.get("windows") is not None:
            kw["windows"] = _list(kw["windows"], path=f"{path}.windows")
        programmes.append(_build(FundingProgramme, kw, path=path, item=item))
    projects = []
    for i, raw in enumerate(_list(top["projects"], path="projects")):
        path = f"projects[{i}]"
        kw = _keys(raw, _PROJECT, path=path, required=("id",), item=_item("project", raw))
        item = f"project '{kw['id']}'"
        if kw.get("scores") is None:
            kw.pop("scores", None)
        for name in ("requires", "tags"):
            if name in kw:
                kw[name] = _list(kw[name], path=f"{path}.{name}")
        for name in ("cost", "staff_days"):
            if isinstance(kw.get(name), list):
                kw[name] = tuple(kw[name])
        for name in ("name", "description", "field"):
            if kw.get(name) is None:
                kw.pop(name, None)
        for name in ("operating_cost", "mandatory", "pools"):
            if name in kw and kw[name] is None:
                kw.pop(name)
        projects.append(_build(Project, kw, path=path, item=item))
    pools = []
    for i, raw in enumerate(_list(top.get("pools"), path="pools")):
        path = f"pools[{i}]"
        kw = _keys(raw, _POOL, path=path, required=("id",), item=_item("pool", raw))
        pools.append(_build(Pool, kw, path=path, item=f"pool '{kw['id']}'"))
    focus_raw = top.get("focus")
    focus = _build(Focus, _keys(focus_raw, _FOCUS, path="focus"), path="focus", item="focus") if focus_raw else Focus()
    kwargs: dict[str, Any] = {
        "name": top["name"],
        "horizon": horizon,
        "budget": top["budget"],
        "projects": tuple(projects),
        "criteria": criteria,
        "programmes": tuple(programmes),
        "focus": focus,
        "pools": tuple(pools),
    }
    for name in ("staff_capacity", "financially_weak", "discount_rate", "description"):
        if top.get(name) is not None:
            kwargs[name] = top[name]
    return Portfolio(**kwargs)


def _num(value: float) -> int | float:
    """Write whole numbers as ints so files stay readable; floats keep full precision."""
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else float(value)


def portfolio_to_dict(portfolio: Portfolio) -> dict[str, Any]:
    """The nested-dict form of *portfolio*, with contract key names; ``portfolio_from_dict`` inverts it.

    Optional values that are unset are left out, so the output is what a person would write by hand.
    """
    pf = portfolio
    out: dict[str, Any] = {"name": pf.name}
    if pf.description:
        out["description"] = pf.description
    out["horizon"] = {"start": pf.horizon.start, "years": pf.horizon.years}
    out["financially_weak"] = pf.financially_weak
    out["discount_rate"] = _num(pf.discount_rate)
    out["budget"] = {int(y): _num(v) for y, v in pf.budget.items()}
    if pf.staff_capacity:
        out["staff_capacity"] = {int(y): _num(v) for y, v in pf.staff_capacity.items()}
    if pf.focus.max_fields is not None:
        out["focus"] = {"max_fields": pf.focus.max_fields}
    if pf.pools:
        pools = []
        for pool in pf.pools:
            entry: dict[str, Any] = {"id": pool.id, "name": pool.name}
            if isinstance(pool.capacity, Mapping):
                entry["capacity"] = {k: _num(v) for k, v in pool.capacity.items()}
            elif pool.capacity is not None:
                entry["capacity"] = _num(pool.capacity)
            if pool.share is not None:
                entry["share"] = _num(pool.share)
            pools.append(entry)
        out["pools"] = pools
    out["criteria"] = [{"id": c.id, "name": c.name, "weight": _num(c.weight)} for c in pf.criteria]
    programmes = []
    for g in pf.programmes:
        d: dict[str, Any] = {"id": g.id, "name": g.name, "rate": _num(g.rate)}
        for name in ("rate_weak", "max_grant", "min_grant", "pot"):
            value = getattr(g, name)
            if value is not None:
                d[name] = _num(value)
        if g.windows is not None:
            d["windows"] = list(g.windows)
        if g.approval_probability != 1.0:
            d["approval_probability"] = _num(g.approval_probability)
        d["eligible"] = {
            k: list(getattr(g.eligible, k)) for k in ("fields", "projects", "tags") if getattr(g.eligible, k)
        }
        programmes.append(d)
    out["programmes"] = programmes
    projects = []
    for p in pf.projects:
        d = {
            "id": p.id,
            "name": p.name,
            "field": p.field,
            "duration": p.duration,
            "cost": [_num(v) for v in p.cost],
            "operating_cost": _num(p.operating_cost),
            "staff_days": [_num(v) for v in p.staff_days],
        }
        if p.scores:
            d["scores"] = {k: _num(v) for k, v in p.scores.items()}
        if p.benefit is not None:
            d["benefit"] = _num(p.benefit)
        for name in ("earliest_start", "latest_start", "deadline"):
            if getattr(p, name) is not None:
                d[name] = getattr(p, name)
        if p.requires:
            d["requires"] = list(p.requires)
        if p.mandatory:
            d["mandatory"] = True
        if p.exclusive_group is not None:
            d["exclusive_group"] = p.exclusive_group
        if p.tags:
            d["tags"] = list(p.tags)
        if p.description:
            d["description"] = p.description
        if p.duration_quarters is not None:
            d["duration_quarters"] = p.duration_quarters
        if p.pools:
            d["pools"] = {k: _num(v) for k, v in p.pools.items()}
        projects.append(d)
    out["projects"] = projects
    for section in registered_sections():
        if section.key in pf.sections:
            out[section.key] = thaw(pf.sections[section.key])
    _leave_out_derived(out, derived_values(pf))
    return out


def _leave_out_derived(out: dict[str, Any], paths: frozenset[tuple[str, ...]]) -> None:
    """Remove the values a section derives (they are derived again on reading; see ``Section.derived``)."""
    for kind, ident, *rest in paths:
        for entry in out.get(kind, ()):
            if entry.get("id") != ident:
                continue
            if rest[0] == "scores" and len(rest) == 2:
                entry.get("scores", {}).pop(rest[1], None)
                if "scores" in entry and not entry["scores"]:
                    del entry["scores"]
            else:
                entry.pop(rest[0], None)
