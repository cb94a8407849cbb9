"""The straightforward model: the same semantics written with Python loops over PuLP, as a reference.

It is the comparison for the vectorised build (benchmarks/build_time.py) and, exported to MPS and solved by the
same HiGHS, the "plain formulation" for benchmarks/formulations.py: every eligible (project, programme, year)
gets its own y column, no dominance reduction, and no start solution.
"""

from __future__ import annotations

import pulp

from kommunal_planner.model import Portfolio


def naive_model(pf: Portfolio) -> pulp.LpProblem:
    prob = pulp.LpProblem("naive", pulp.LpMaximize)
    years = list(range(pf.horizon.start, pf.horizon.start + pf.horizon.years))
    x: dict[tuple[str, int], pulp.LpVariable] = {}
    y: dict[tuple[str, str, int], pulp.LpVariable] = {}
    grants: dict[tuple[str, str], float] = {}
    for p in pf.projects:
        for s in pf.allowed_starts(p):
            x[p.id, s] = prob.add_variable(f"x_{p.id}_{s}", 0, 1, cat=pulp.LpInteger)
            for g in pf.programmes:
                el = g.eligible
                if not (p.field in el.fields or p.id in el.projects or set(p.tags) & set(el.tags)):
                    continue
                if g.windows is not None and s not in g.windows:
                    continue
                grant = g.grant_for(p.total_cost, pf.financially_weak)
                if grant <= 0:
                    continue
                grants[p.id, g.id] = grant
                y[p.id, g.id, s] = prob.add_variable(f"y_{p.id}_{g.id}_{s}", 0, 1, cat=pulp.LpInteger)
    y_by_start: dict[tuple[str, int], list[pulp.LpVariable]] = {}
    y_by_programme: dict[str, list[tuple[str, pulp.LpVariable]]] = {}
    for (pid, gid, s), var in y.items():
        y_by_start.setdefault((pid, s), []).append(var)
        y_by_programme.setdefault(gid, []).append((pid, var))
    benefit = {p.id: p.benefit_value(pf.criteria) for p in pf.projects}
    prob += pulp.lpSum(benefit[pid] * var for (pid, _), var in x.items())
    for p in pf.projects:
        starts = [x[p.id, s] for s in pf.allowed_starts(p)]
        if p.mandatory:
            prob += pulp.lpSum(starts) == 1
        else:
            prob += pulp.lpSum(starts) <= 1
        for s in pf.allowed_starts(p):
            ys = y_by_start.get((p.id, s), [])
            if ys:
                prob += pulp.lpSum(ys) <= x[p.id, s]
    for t in years:
        terms = []
        for p in pf.projects:
            for s in pf.allowed_starts(p):
                k = t - s
                if 0 <= k < p.duration:
                    terms.append(p.cost[k] * x[p.id, s])
                    for g in pf.programmes:
                        if (p.id, g.id, s) in y:
                            terms.append(-grants[p.id, g.id] * p.cost[k] / p.total_cost * y[p.id, g.id, s])
                elif k >= p.duration:
                    terms.append(p.operating_cost * x[p.id, s])
        prob += pulp.lpSum(terms) <= pf.budget[t]
        if t in pf.staff_capacity:
            prob += (
                pulp.lpSum(
                    p.staff_days[t - s] * x[p.id, s]
                    for p in pf.projects
                    for s in pf.allowed_starts(p)
                    if 0 <= t - s < p.duration
                )
                <= pf.staff_capacity[t]
            )
    for g in pf.programmes:
        if g.pot is not None:
            prob += pulp.lpSum(grants[pid, g.id] * var for pid, var in y_by_programme.get(g.id, [])) <= g.pot
    by_id = {p.id: p for p in pf.projects}
    for q in pf.projects:
        for r in q.requires:
            p = by_id[r]
            for tau in years:
                prob += pulp.lpSum(x[q.id, s] for s in pf.allowed_starts(q) if s <= tau) <= pulp.lpSum(
                    x[p.id, s] for s in pf.allowed_starts(p) if s + p.duration <= tau
                )
    groups: dict[str, list[str]] = {}
    for p in pf.projects:
        if p.exclusive_group:
            groups.setdefault(p.exclusive_group, []).append(p.id)
    for members in groups.values():
        prob += pulp.lpSum(x[pid, s] for pid in members for s in pf.allowed_starts(pid)) <= 1
    if pf.focus.max_fields is not None:
        fields = sorted({p.field for p in pf.projects})
        u = {f: pulp.LpVariable(f"u_{f}", cat=pulp.LpBinary) for f in fields}
        for p in pf.projects:
            prob += pulp.lpSum(x[p.id, s] for s in pf.allowed_starts(p)) <= u[p.field]
        prob += pulp.lpSum(u.values()) <= pf.focus.max_fields
    return prob
