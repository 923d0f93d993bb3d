"""Peak on time at least cost: which projects bring each city (or the cluster) to the target.

The cities of a cluster agree to peak their emissions by a common year. Which
candidate projects (the components of their programs, with the support a fund
pays for each, as :mod:`appraisal.fund` defines them) must be supported so that
each city's emissions, baseline path minus the chosen projects' reductions, do
not exceed the target year's level in any later year, at the least total
support (or least economic cost)? And what does peaking a year earlier cost?

The constraints are linear in the choices x_i in {0, 1}: for each city (scope
``city``) or for the cluster's total (scope ``cluster``) and each year t from
the target year T to the horizon,

    E_t(x) <= E_T(x),   E_t(x) = B_t - sum_i r_i,t x_i        [tCO2e per year]

(both sides depend on x: a project cutting emissions in T lowers the level the
later years are held to), or E_t(x) <= L when a peak level L is stated. An
integer program (:func:`scipy.optimize.milp`, HiGHS, relative gap 0) finds the
proven least-cost choice; when none exists, a second program finds the choice
that leaves the smallest excess, which is the gap no choice closes. Beside it,
the rule of thumb: add projects in MAC order (cheapest tonnes first) until the
target holds (:func:`greedy_peak`). Method and sources: ``docs/cluster.md``.

Pure functions on arrays (:func:`peak_rows`, :func:`solve_peak`,
:func:`greedy_peak`, :func:`peak_curve`); :func:`plan_peak` builds them from
the appraised cities of a cluster. The result types (:class:`PeakChoice`,
:class:`PeakPlan`, its JSON) are :mod:`appraisal.peak_plan`. The terminal text is
:mod:`appraisal.io.text.peak`, the workbook :mod:`appraisal.io.workbook.peak`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from appraisal.case import CaseError
from appraisal.cluster import ClusterSpec, assess_peak
from appraisal.economics import interpolate_path
from appraisal.fund import project_table
from appraisal.peak_plan import PeakChoice, PeakPlan, explain
from appraisal.result import AppraisalResult
from appraisal.schema import Problem

__all__ = [
    "CURVE_SPAN",
    "OBJECTIVES",
    "SCOPES",
    "PeakChoice",
    "PeakPlan",
    "greedy_peak",
    "peak_curve",
    "peak_rows",
    "plan_peak",
    "solve_peak",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
SCOPES = ("city", "cluster")
OBJECTIVES = ("support", "economic-cost")
CURVE_SPAN = 3  # the curve runs from target - 3 to target + 3 (issue 15)
# A constraint counts as met within this share of the largest baseline level
# (100 tCO2e/yr for a 100 MtCO2e/yr city): above HiGHS's feasibility tolerance
# (1e-7 on the scaled rows) and far below any figure reported.
REL_TOL = 1e-6


def _arrays(
    reductions: npt.ArrayLike, baseline: npt.ArrayLike, members: npt.ArrayLike, years: Sequence[int]
) -> tuple[FloatArray, FloatArray, BoolArray]:
    r = np.atleast_2d(np.asarray(reductions, dtype=np.float64))
    b = np.atleast_2d(np.asarray(baseline, dtype=np.float64))
    m = np.atleast_2d(np.asarray(members, dtype=bool))
    n_years = len(years)
    if r.shape[1] != n_years or b.shape[1] != n_years:
        raise ValueError(f"reductions and baseline need one column per year ({n_years} years)")
    if m.shape != (b.shape[0], r.shape[0]):
        raise ValueError(f"members must be (units, projects) = {(b.shape[0], r.shape[0])}")
    return r, b, m


def peak_rows(
    reductions: npt.ArrayLike,
    baseline: npt.ArrayLike,
    members: npt.ArrayLike,
    years: Sequence[int],
    target_year: int,
    *,
    levels: Sequence[float | None] | None = None,
) -> tuple[FloatArray, FloatArray, list[tuple[int, int]]]:
    """The peak constraints as rows ``A x <= b``.

    Parameters
    ----------
    reductions
        (projects, years): what each project cuts from its city's emissions [tCO2e per year].
    baseline
        (units, years): each unit's emissions without any project; NaN in
        years outside the unit's own path [tCO2e per year].
    members
        (units, projects): whether a project's reductions count for a unit.
    years
        The calendar years of the columns.
    target_year
        T, the year by which every unit must peak.
    levels
        Per unit, the stated peak level L [tCO2e per year], or None: the level
        of the target year itself, E_T(x).

    Returns
    -------
    (A, b, where)
        One row per unit and year t: with L stated, t >= T and
        ``-r_t . x <= L - B_t``; else t > T and ``(r_T - r_t) . x <= B_T - B_t``
        (E_t(x) <= E_T(x)). ``where`` gives each row's (unit, year).

    Examples
    --------
    >>> a, b, where = peak_rows([[0, 0, 3]], [[10, 11, 12]], [[True]], [1, 2, 3], 2)
    >>> a.tolist(), b.tolist(), where
    ([[-3.0]], [-1.0], [(0, 3)])
    """
    r, base, m = _arrays(reductions, baseline, members, years)
    ys = [int(y) for y in years]
    if target_year not in ys:
        raise ValueError(f"target year {target_year} is not among the years {ys[0]}-{ys[-1]}")
    k = ys.index(target_year)
    lv = list(levels) if levels is not None else [None] * base.shape[0]
    rows: list[FloatArray] = []
    rhs: list[float] = []
    where: list[tuple[int, int]] = []
    for u in range(base.shape[0]):
        if math.isnan(base[u, k]):
            raise ValueError(f"target year {target_year} is outside unit {u}'s years")
        ru = r * m[u][:, None]
        level = lv[u]
        for j in range(k if level is not None else k + 1, len(ys)):
            if math.isnan(base[u, j]):
                continue
            if level is None:
                rows.append(ru[:, k] - ru[:, j])
                rhs.append(float(base[u, k] - base[u, j]))
            else:
                rows.append(-ru[:, j])
                rhs.append(float(level) - float(base[u, j]))
            where.append((u, ys[j]))
    a = np.vstack(rows) if rows else np.zeros((0, r.shape[0]))
    return a, np.asarray(rhs, dtype=np.float64), where


def _tol(baseline: FloatArray) -> float:
    finite = baseline[np.isfinite(baseline)]
    return REL_TOL * max(1.0, float(np.max(np.abs(finite))) if finite.size else 1.0)


def _choice(
    x: BoolArray,
    a: FloatArray,
    b: FloatArray,
    where: list[tuple[int, int]],
    costs: FloatArray,
    tol: float,
) -> PeakChoice:
    """Evaluate a choice: feasibility and the largest excess (earliest year first)."""
    excess = a @ x.astype(np.float64) - b if len(b) else np.zeros(0)
    gap = float(excess.max()) if excess.size else 0.0
    cost = float(costs[x].sum())
    if gap <= tol:
        return PeakChoice(True, x, cost)
    worst = [i for i in range(len(b)) if excess[i] >= gap - tol]
    unit, year = min((where[i] for i in worst), key=lambda uy: (uy[1], uy[0]))
    return PeakChoice(False, x, cost, gap, unit, year)


def solve_peak(
    reductions: npt.ArrayLike,
    baseline: npt.ArrayLike,
    members: npt.ArrayLike,
    years: Sequence[int],
    target_year: int,
    costs: npt.ArrayLike,
    *,
    levels: Sequence[float | None] | None = None,
    support: npt.ArrayLike | None = None,
    budget: float | None = None,
) -> PeakChoice:
    """The least-cost choice of projects that brings every unit to peak by the target year.

    Parameters
    ----------
    reductions, baseline, members, years, target_year, levels
        As :func:`peak_rows`.
    costs
        What each project costs the objective: the fund's support or the PV of
        economic costs net of non-carbon benefits (may be negative) [money].
    support, budget
        Support per project and the cap on its total [money]; no cap when
        ``budget`` is None.

    Returns
    -------
    PeakChoice
        Feasible: the proven least-cost choice. Infeasible: the choice whose
        largest excess (``gap_tco2e``) is least, then cheapest; that excess is
        what no choice closes.

    Notes
    -----
    min c . x s.t. A x <= b (:func:`peak_rows`), support . x <= budget,
    x in {0, 1}: :func:`scipy.optimize.milp` with ``mip_rel_gap = 0``. When
    infeasible: min s s.t. A x - s <= b, then min c . x with s <= s*.

    Examples
    --------
    >>> c = solve_peak([[0, 0, 3], [0, 3, 0]], [[10, 11, 12]], [[True, True]], [1, 2, 3], 2, [5, 1])
    >>> c.feasible, c.chosen.tolist(), c.cost
    (True, [True, False], 5.0)
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    r, base, m = _arrays(reductions, baseline, members, years)
    n = r.shape[0]
    c = np.asarray(costs, dtype=np.float64)
    if c.shape != (n,) or not np.all(np.isfinite(c)):
        raise ValueError(f"costs: expected {n} finite numbers, one per project")
    a, b, where = peak_rows(r, base, m, years, target_year, levels=levels)
    tol = _tol(base)
    scale = tol / REL_TOL  # rows in units of the largest baseline level: O(1) for the solver
    cons = [LinearConstraint(a / scale, -np.inf, b / scale)] if len(b) else []
    s = np.asarray(support if support is not None else c, dtype=np.float64)
    cap = math.inf
    if budget is not None:
        if not (math.isfinite(budget) and budget >= 0) or np.any(s < 0):
            raise ValueError(f"budget={budget!r}: expected money >= 0 and support >= 0")
        cap = float(budget) + 1e-9 * max(1.0, float(budget))
        cons.append(LinearConstraint(s[None, :], -np.inf, cap))
    opts = {"mip_rel_gap": 0.0}
    ints = np.ones(n)
    res = milp(c, constraints=cons, integrality=ints, bounds=Bounds(0, 1), options=opts)
    if res.status == 0:
        choice = _choice(np.round(res.x) > 0.5, a, b, where, c, tol)
        if not choice.feasible:  # pragma: no cover - the solver's answer is checked, not trusted
            raise RuntimeError("the solver's choice breaks a peak constraint")
        return choice
    if res.status != 2:  # pragma: no cover
        raise RuntimeError(f"the integer program stopped: {res.message}")
    # Infeasible: the least possible largest excess s*, then the cheapest choice reaching it.
    ext = [LinearConstraint(np.hstack([a / scale, -np.ones((len(b), 1))]), -np.inf, b / scale)]
    if budget is not None:
        ext.append(LinearConstraint(np.append(s, 0.0)[None, :], -np.inf, cap))
    ints1 = np.append(ints, 0.0)
    goal = np.append(np.zeros(n), 1.0)
    lo, hi = np.zeros(n + 1), np.append(np.ones(n), np.inf)
    first = milp(goal, constraints=ext, integrality=ints1, bounds=Bounds(lo, hi), options=opts)
    hi[-1] = float(first.x[-1]) + REL_TOL
    cheap = np.append(c, 0.0)
    second = milp(cheap, constraints=ext, integrality=ints1, bounds=Bounds(lo, hi), options=opts)
    best = second if second.status == 0 else first
    return _choice(np.round(best.x[:n]) > 0.5, a, b, where, c, tol)


def greedy_peak(
    reductions: npt.ArrayLike,
    baseline: npt.ArrayLike,
    members: npt.ArrayLike,
    years: Sequence[int],
    target_year: int,
    costs: npt.ArrayLike,
    cost_per_tonne: npt.ArrayLike,
    *,
    levels: Sequence[float | None] | None = None,
    support: npt.ArrayLike | None = None,
    budget: float | None = None,
    ids: Sequence[str] | None = None,
) -> PeakChoice:
    """The rule of thumb: add projects in MAC order until every unit peaks on time.

    Projects are taken cheapest levelized cost per tCO2e first (ties by ``ids``;
    NaN: off the MAC curve, never taken), each when its support fits in what is
    left of the budget; the choice stops as soon as every constraint of
    :func:`peak_rows` holds. Parameters as :func:`solve_peak`;
    ``cost_per_tonne`` [currency per tCO2e].

    Examples
    --------
    >>> g = greedy_peak([[0, 0, 3], [0, 3, 0]], [[10, 11, 12]], [[True, True]], [1, 2, 3], 2,
    ...                 [5, 1], [9.0, 1.0])
    >>> g.feasible, g.chosen.tolist(), g.gap_tco2e
    (False, [True, True], 1.0)
    """
    r, base, m = _arrays(reductions, baseline, members, years)
    c = np.asarray(costs, dtype=np.float64)
    k = np.asarray(cost_per_tonne, dtype=np.float64)
    s = np.asarray(support if support is not None else c, dtype=np.float64)
    a, b, where = peak_rows(r, base, m, years, target_year, levels=levels)
    tol = _tol(base)
    names = list(ids) if ids is not None else [f"{i:09d}" for i in range(c.size)]
    order = sorted(
        (i for i in range(c.size) if math.isfinite(k[i])), key=lambda i: (k[i], names[i])
    )
    x = np.zeros(c.size, dtype=bool)
    choice = _choice(x, a, b, where, c, tol)
    spent = 0.0
    for i in order:
        if choice.feasible:
            break
        if budget is not None and spent + s[i] > budget + 1e-9 * max(1.0, budget):
            continue
        x = x.copy()
        x[i] = True
        spent += float(s[i])
        choice = _choice(x, a, b, where, c, tol)
    return choice


def peak_curve(
    reductions: npt.ArrayLike,
    baseline: npt.ArrayLike,
    members: npt.ArrayLike,
    years: Sequence[int],
    target_years: Sequence[int],
    costs: npt.ArrayLike,
    *,
    levels: Sequence[float | None] | None = None,
    support: npt.ArrayLike | None = None,
    budget: float | None = None,
) -> list[dict[str, Any]]:
    """The least cost of peaking by each target year.

    Returns
    -------
    list of dict
        ``target_year``, ``feasible`` and ``cost`` [money; None when infeasible].

    Notes
    -----
    With stated levels, an earlier target adds constraints (years T-1, ...) and
    removes none, so the cost never falls toward earlier years; with the
    target year's own level (``levels`` None) it need not be monotone.
    """
    out = []
    for t in target_years:
        ch = solve_peak(
            reductions,
            baseline,
            members,
            years,
            int(t),
            costs,
            levels=levels,
            support=support,
            budget=budget,
        )
        out.append(
            {
                "target_year": int(t),
                "feasible": ch.feasible,
                "cost": ch.cost if ch.feasible else None,
            }
        )
    return out


def _city_paths(
    results: Sequence[AppraisalResult],
) -> tuple[list[str], list[int], FloatArray, FloatArray]:
    """City names, the union of their years, each city's baseline (NaN outside its own
    years) and each city's baseline held flat outside them (the cluster's convention)."""
    cities = [r.case.data["city"] for r in results]
    names = [str(c["name"]) for c in cities]
    if len(set(names)) != len(names):
        raise CaseError("cluster", [Problem("city.name", f"city names repeat: {names}")])
    paths = [{int(k): float(v) for k, v in c["baseline_emissions"].items()} for c in cities]
    years = list(range(min(min(p) for p in paths), max(max(p) for p in paths) + 1))
    y = np.asarray(years)
    flat = np.vstack([interpolate_path(p, years) for p in paths])
    own = np.vstack(
        [
            np.where((y >= min(p)) & (y <= max(p)), f, np.nan)
            for p, f in zip(paths, flat, strict=True)
        ]
    )
    return names, years, own, flat


def plan_peak(
    spec: ClusterSpec,
    results: Sequence[AppraisalResult],
    *,
    target_year: int | None = None,
    scope: str = "city",
    objective: str = "support",
    budget: float | None = None,
    span: int = CURVE_SPAN,
) -> PeakPlan:
    """Which projects bring every city (or the cluster) to peak by the target year at least cost.

    Parameters
    ----------
    spec
        The cluster: its ``peak_target_year`` is the default target, its
        ``peak_target_tco2e`` the cluster's stated level, its ``[fund]``
        ``support_share`` the fund's share of capital cost (default 1).
    results
        The appraisal of each city's case (with its ``[city]`` section: baseline
        path, optional ``peak_target_tco2e``).
    target_year
        The common peak year T [year]; a city's own ``peak_target_year`` is not used.
    scope
        ``city``: each city must peak by T (one program holds every city's
        constraints); ``cluster``: the cities' total must.
    objective
        ``support`` (the fund's support) or ``economic-cost`` (PV of economic
        costs net of non-carbon benefits, ``abatement.pv_net_cost``) [money].
    budget
        Cap on the total support [money]; None: no cap.
    span
        The curve runs over T - span .. T + span, within the years every unit has.

    Raises
    ------
    ValueError
        A bad option (scope, objective, budget, target year outside the baseline paths).
    CaseError
        Cities that repeat a name or do not share a money unit.
    """
    if scope not in SCOPES:
        raise ValueError(f"--scope {scope!r}: expected one of {', '.join(SCOPES)}")
    if objective not in OBJECTIVES:
        raise ValueError(f"--objective {objective!r}: expected one of {', '.join(OBJECTIVES)}")
    if budget is not None and not (math.isfinite(budget) and budget >= 0):
        raise ValueError(f"--budget {budget!r}: expected money >= 0")
    year = target_year if target_year is not None else spec.peak_target_year
    if year is None:
        raise ValueError("no target year: give --target-year, or cluster.peak_target_year")
    if not results:
        raise ValueError("a cluster needs at least one city")
    names, years, own, flat = _city_paths(results)
    share = float(spec.fund.get("support_share", 1.0))
    table = project_table([(r.case, r) for r in results], by="component", support_share=share)
    comps = [c for r in results for c in r.components]  # the order of project_table's rows
    table["economic_cost"] = [float(c.summary["abatement"]["pv_net_cost"]) for c in comps]
    red = np.vstack([c.ghg["reduction"].reindex(years, fill_value=0.0).to_numpy() for c in comps])
    city_of = np.asarray(table["city"], dtype=object)
    if scope == "city":
        base, members, units = own, np.vstack([city_of == n for n in names]), names
        levels = [r.case.data["city"].get("peak_target_tco2e") for r in results]
    else:
        base, members, units = (
            flat.sum(axis=0)[None, :],
            np.ones((1, len(comps)), bool),
            ["cluster"],
        )
        levels = [spec.peak_target_tco2e]
    valid = [y for j, y in enumerate(years) if not np.isnan(base[:, j]).any()]
    if year not in valid:
        raise ValueError(
            f"--target-year {year}: outside the baseline paths; expected a year "
            f"{valid[0]} to {valid[-1]}"
        )
    costs = table["support" if objective == "support" else "economic_cost"].to_numpy(np.float64)
    kw: dict[str, Any] = {"levels": levels, "support": table["support"], "budget": budget}
    exact = solve_peak(red, base, members, years, year, costs, **kw)
    mac = table["cost_per_tco2e"]
    greedy = greedy_peak(red, base, members, years, year, costs, mac, ids=list(table["id"]), **kw)
    tys = [y for y in range(year - span, year + span + 1) if y in valid]
    curve = peak_curve(red, base, members, years, tys, costs, **kw)

    traj: dict[str, Any] = {}
    cities = []
    for u, n in enumerate(names):
        cut = (exact.chosen & (city_of == n)).astype(np.float64) @ red
        traj[f"{n}:baseline"], traj[f"{n}:with_choice"] = flat[u], flat[u] - cut
        path = pd.Series(own[u] - cut, index=years).dropna()
        lv = levels[u] if scope == "city" else None
        cities.append((n, assess_peak(path, target_year=year, target_level=lv)))
    traj["total:baseline"] = flat.sum(axis=0)
    traj["total:with_choice"] = traj["total:baseline"] - exact.chosen.astype(np.float64) @ red
    trajectory = pd.DataFrame(traj, index=pd.Index(years, name="year"))
    total = assess_peak(
        trajectory["total:with_choice"], target_year=year, target_level=spec.peak_target_tco2e
    )
    plan = PeakPlan(
        cluster=spec.name,
        scope=scope,
        objective=objective,
        target_year=int(year),
        budget=budget,
        money=results[0].case.meta.money,
        support_share=share,
        units=units,
        levels=levels,
        projects=table.assign(exact=exact.chosen, greedy=greedy.chosen),
        exact=exact,
        greedy=greedy,
        curve=curve,
        cities=cities,
        total=total,
        trajectory=trajectory,
    )
    plan.explanation = explain(plan)
    return plan
