"""Fund allocation: which projects a fixed public budget should support.

A public fund (Hunan's reward and subsidy scheme for innovative low-carbon
projects is the model) pays support to projects from a fixed budget. The exact
choice maximises tonnes avoided (or ENPV) under the budget and optional
per-city minimum and maximum spending: a 0-1 knapsack with side constraints,
solved as an integer program with :func:`scipy.optimize.milp` (HiGHS, relative
gap 0, so the optimum is proven). Beside it, the common rule of thumb: fund
projects in MAC order (cheapest economic cost per tCO2e first) while they fit.
The two differ because the MAC curve ranks by economic cost per tonne, while
the fund is limited by the support it pays; :func:`explain` says where.

Pure functions on arrays (:func:`solve_exact`, :func:`greedy_mac`); tables
built from appraised cases by :func:`project_table`; :func:`allocate` runs both
and explains the difference. Reading the cases is :mod:`appraisal.io.folders`;
the terminal summary is :mod:`appraisal.io.text.fund`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from appraisal import formatting as fmt
from appraisal.case import Case, CaseError
from appraisal.result import AppraisalResult, ComponentResult, to_json
from appraisal.result_schema import SCHEMA_VERSION
from appraisal.schema import Problem

__all__ = [
    "Allocation",
    "allocate",
    "explain",
    "greedy_mac",
    "project_table",
    "solve_exact",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
OBJECTIVES = {"tco2e": "tco2e", "enpv": "enpv"}


def _tol(budget: float) -> float:
    # Solver feasibility tolerance is ~1e-7 (HiGHS default); accept that, relative to the budget.
    return 1e-7 * max(1.0, abs(budget))


def solve_exact(
    costs: npt.ArrayLike,
    values: npt.ArrayLike,
    budget: float,
    *,
    groups: Sequence[str] | None = None,
    group_min: Mapping[str, float] | None = None,
    group_max: Mapping[str, float] | None = None,
) -> BoolArray | None:
    """The subset of projects that maximises the total value within the budget.

    Parameters
    ----------
    costs
        Support each project needs from the budget, >= 0 [money].
    values
        What each project brings: tCO2e avoided or ENPV [tCO2e or money].
    budget
        The fund's budget [money].
    groups
        The city of each project (for the per-city limits).
    group_min, group_max
        Minimum and maximum support per city [money]; cities not named are free.

    Returns
    -------
    ndarray of bool, or None
        The projects chosen; None when no choice satisfies the constraints
        (e.g. city minimums that add up to more than the budget).

    Notes
    -----
    max sum(v_i x_i) s.t. sum(c_i x_i) <= B, lo_g <= sum_{i in g}(c_i x_i) <= hi_g,
    x_i in {0, 1}; solved by :func:`scipy.optimize.milp` with ``mip_rel_gap=0``.

    Examples
    --------
    >>> solve_exact([6, 5, 5], [10, 7, 7], 10).tolist()
    [False, True, True]
    """
    from scipy.optimize import Bounds, LinearConstraint, milp

    c = np.asarray(costs, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    n = c.size
    if v.size != n:
        raise ValueError(f"{n} costs but {v.size} values; expected one of each per project")
    if np.any(c < 0) or not np.all(np.isfinite(c)) or not np.all(np.isfinite(v)):
        raise ValueError("costs must be finite and >= 0, values finite")
    if n == 0:
        return np.zeros(0, dtype=bool)
    rows = [c]
    lo = [-np.inf]
    hi = [float(budget)]
    if groups is not None:
        g = np.asarray(list(groups), dtype=object)
        for name in sorted(set(group_min or {}) | set(group_max or {})):
            mask = (g == name).astype(np.float64)
            rows.append(c * mask)
            lo.append(float((group_min or {}).get(name, -np.inf)))
            hi.append(float((group_max or {}).get(name, np.inf)))
    res = milp(
        -v,
        constraints=LinearConstraint(np.vstack(rows), np.array(lo), np.array(hi)),
        integrality=np.ones(n),
        bounds=Bounds(np.zeros(n), np.ones(n)),
        options={"mip_rel_gap": 0.0},
    )
    if res.x is None:
        return None
    x: BoolArray = np.asarray(np.round(res.x), dtype=np.float64) > 0.5
    if float(c[x].sum()) > budget + _tol(budget):
        raise RuntimeError("the solver returned a choice over the budget")  # pragma: no cover
    return x


def greedy_mac(
    costs: npt.ArrayLike,
    cost_per_tonne: npt.ArrayLike,
    budget: float,
    *,
    groups: Sequence[str] | None = None,
    group_max: Mapping[str, float] | None = None,
    ids: Sequence[str] | None = None,
) -> BoolArray:
    """Fund projects in MAC order (cheapest cost per tCO2e first) while they fit.

    Parameters
    ----------
    costs
        Support each project needs [money].
    cost_per_tonne
        Levelized economic cost per tCO2e; NaN for projects off the MAC curve
        (no reduction), which are never funded [currency per tCO2e].
    budget
        The fund's budget [money].
    groups, group_max
        City of each project and maximum support per city: a project that
        would exceed its city's maximum is skipped. Minimums are not sought.
    ids
        Names used to break ties in cost per tonne (default: the position).

    Returns
    -------
    ndarray of bool
        The projects funded: in order of cost per tonne, each one funded when
        it fits in what is left of the budget (and of its city's maximum).
    """
    c = np.asarray(costs, dtype=np.float64)
    k = np.asarray(cost_per_tonne, dtype=np.float64)
    names = list(ids) if ids is not None else [f"{i:09d}" for i in range(c.size)]
    order = sorted(
        (i for i in range(c.size) if math.isfinite(k[i])), key=lambda i: (k[i], names[i])
    )
    chosen = np.zeros(c.size, dtype=bool)
    left = float(budget)
    spent_by: dict[str, float] = {}
    for i in order:
        if c[i] > left + _tol(budget):
            continue
        if groups is not None and group_max:
            g = groups[i]
            cap = group_max.get(g)
            if cap is not None and spent_by.get(g, 0.0) + c[i] > cap + _tol(cap):
                continue
            spent_by[g] = spent_by.get(g, 0.0) + c[i]
        chosen[i] = True
        left -= c[i]
    return chosen


# ---------------------------------------------------------------- projects from cases
def _city(case: Case) -> str:
    city = case.data.get("city")
    return str(city["name"]) if isinstance(city, Mapping) else case.slug


def _capital_financial(comp: ComponentResult) -> float:
    """The component's capital cost over the horizon [money, financial prices]."""
    if comp.streams is None:  # appraise() always sets them; a result built by hand may not
        raise ValueError(f"component {comp.id!r} has no streams; expected an appraised result")
    return float(comp.streams.capital_financial.sum())


def project_table(
    appraised: Sequence[tuple[Case, AppraisalResult]],
    *,
    by: str = "component",
    support_share: float = 1.0,
) -> pd.DataFrame:
    """The candidate projects of a fund, from appraised cases.

    Parameters
    ----------
    appraised
        (case, result) pairs.
    by
        ``component``: each component of each case is a project; ``case``:
        each case is one project.
    support_share
        Share of a project's capital cost (financial prices) the fund pays
        [decimal]. 1.0: the fund pays the whole investment.

    Returns
    -------
    DataFrame
        One row per project: ``id``, ``name``, ``city``, ``case``, ``support``
        [money], ``capital`` [money, financial], ``tco2e`` (avoided over the
        horizon) [tCO2e], ``enpv`` [money], ``cost_per_tco2e`` [currency/tCO2e].
    """
    if by not in ("component", "case"):
        raise ValueError(f"by={by!r}; expected 'component' or 'case'")
    if not 0.0 <= support_share <= 1.0:
        raise ValueError(f"support_share={support_share!r}; expected a decimal from 0 to 1")
    money = {(c.meta.currency, c.meta.unit) for c, _ in appraised}
    if len(money) > 1:
        raise CaseError(
            "fund",
            [
                Problem(
                    "case.currency",
                    f"the cases use different money units {sorted(money)}; "
                    "expected one currency and unit to share a budget",
                )
            ],
        )
    rows = []
    for case, result in appraised:
        capital = {comp.id: _capital_financial(comp) for comp in result.components}
        city = _city(case)
        if by == "case":
            s = result.summary
            rows.append(
                {
                    "id": case.slug,
                    "name": case.meta.name,
                    "city": city,
                    "case": case.slug,
                    "capital": sum(capital.values()),
                    "tco2e": s["ghg"]["reduction_tco2e_total"],
                    "enpv": s["economic"]["enpv"],
                    "cost_per_tco2e": s["abatement"]["cost_per_tco2e"],
                }
            )
            continue
        for comp in result.components:
            s = comp.summary
            rows.append(
                {
                    "id": f"{case.slug}/{comp.id}",
                    "name": comp.name,
                    "city": city,
                    "case": case.slug,
                    "capital": capital[comp.id],
                    "tco2e": s["ghg"]["reduction_tco2e_total"],
                    "enpv": s["economic"]["enpv"],
                    "cost_per_tco2e": s["abatement"]["cost_per_tco2e"],
                }
            )
    df = pd.DataFrame(rows)
    if df.empty:
        return df
    if df["id"].duplicated().any():
        dup = sorted(df.loc[df["id"].duplicated(), "id"])
        raise CaseError("fund", [Problem("(cases)", f"project ids repeat: {dup}")])
    df["cost_per_tco2e"] = df["cost_per_tco2e"].astype("float64")
    df.insert(4, "support", df["capital"] * support_share)
    return df


# ---------------------------------------------------------------- allocation
@dataclass
class Allocation:
    """The exact and the greedy choice of a fund, and why they differ.

    Attributes
    ----------
    projects
        :func:`project_table` plus ``value`` (the objective's figure) and the
        booleans ``exact`` and ``greedy``.
    budget, objective, city_min, city_max
        The problem [money].
    status
        ``optimal``, or ``infeasible`` (no choice meets the city limits).
    exact_value, greedy_value
        Total objective of each choice [tCO2e or money].
    exact_spent, greedy_spent
        Support paid [money].
    greedy_meets_city_min
        Whether the greedy choice happens to satisfy the city minimums.
    explanation
        Sentences on the difference.
    """

    projects: pd.DataFrame
    budget: float
    objective: str
    city_min: dict[str, float]
    city_max: dict[str, float]
    status: str
    exact_value: float | None
    greedy_value: float
    exact_spent: float | None
    greedy_spent: float
    greedy_meets_city_min: bool
    explanation: list[str]
    money: str = "money"

    @property
    def summary(self) -> dict[str, Any]:
        """The JSON document (see ``docs/cluster.md``)."""
        cols = [
            "id",
            "name",
            "city",
            "support",
            "tco2e",
            "enpv",
            "cost_per_tco2e",
            "exact",
            "greedy",
        ]
        projects = []
        for rec in self.projects[cols].to_dict(orient="records"):
            projects.append(
                {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in rec.items()}
            )
        return {
            "schema_version": SCHEMA_VERSION,
            "fund": {
                "budget": self.budget,
                "objective": self.objective,
                "money": self.money,
                "city_min": self.city_min,
                "city_max": self.city_max,
            },
            "status": self.status,
            "exact": {"value": self.exact_value, "spent": self.exact_spent},
            "greedy_mac_order": {
                "value": self.greedy_value,
                "spent": self.greedy_spent,
                "meets_city_min": self.greedy_meets_city_min,
            },
            "explanation": self.explanation,
            "projects": projects,
        }

    def to_json(self) -> str:
        return to_json(self.summary)

    def spent_by_city(self) -> pd.DataFrame:
        """Support paid per city by each choice [money]."""
        p = self.projects
        out = pd.DataFrame(
            {
                "exact": p["support"].where(p["exact"], 0.0).groupby(p["city"]).sum(),
                "greedy": p["support"].where(p["greedy"], 0.0).groupby(p["city"]).sum(),
            }
        )
        out.index.name = "city"
        return out


def _unit(objective: str) -> str:
    return "tCO2e" if objective == "tco2e" else "money"


def explain(
    projects: pd.DataFrame,
    budget: float,
    objective: str,
    *,
    city_min: Mapping[str, float] | None = None,
    money: str = "money",
) -> list[str]:
    """Sentences that say how and why the exact and the greedy choice differ.

    ``projects`` has ``id``, ``support``, ``value``, ``cost_per_tco2e``,
    ``city`` and the booleans ``exact`` and ``greedy``.
    """
    p = projects
    unit = "tCO2e" if objective == "tco2e" else money
    ev = float(p.loc[p["exact"], "value"].sum())
    gv = float(p.loc[p["greedy"], "value"].sum())
    es = float(p.loc[p["exact"], "support"].sum())
    gs = float(p.loc[p["greedy"], "support"].sum())
    if (p["exact"] == p["greedy"]).all():
        return [
            "The greedy MAC-order choice is optimal here: it funds the same projects as the "
            "exact choice."
        ]
    out = []
    gap = ev - gv
    pct = f" ({gap / abs(ev):.1%} of the optimum)" if ev else ""
    out.append(
        f"The exact choice funds {int(p['exact'].sum())} projects for {ev:,.2f} {unit}; "
        f"greedy MAC order funds {int(p['greedy'].sum())} for {gv:,.2f} {unit}: "
        f"{gap:,.2f} {unit} less{pct}."
    )
    out.append(
        "Why: the MAC order ranks projects by economic cost per tCO2e (net of their other "
        "benefits), but what the fund runs short of is its budget; the exact choice ranks "
        f"whole combinations by {unit} per unit of support and fills the budget."
    )
    if objective == "enpv":
        out.append("The objective is ENPV, which the MAC order does not look at.")

    def describe(mask: pd.Series) -> str:
        parts = []
        for r in p[mask].sort_values("id").to_dict(orient="records"):
            ratio = r["value"] / r["support"] if r["support"] > 0 else math.inf
            cpt = fmt.per_tonne(None if math.isnan(r["cost_per_tco2e"]) else r["cost_per_tco2e"])
            parts.append(
                f"{r['id']} (support {r['support']:,.2f}, {r['value']:,.2f} {unit}, "
                f"{ratio:,.2f} {unit} per {money} of support, {cpt}/tCO2e)"
            )
        return "; ".join(parts)

    only_g = p["greedy"] & ~p["exact"]
    only_e = p["exact"] & ~p["greedy"]
    if only_g.any():
        out.append("Funded by greedy only: " + describe(only_g) + ".")
    if only_e.any():
        out.append("Funded by the exact choice instead: " + describe(only_e) + ".")
    out.append(f"Budget left unspent: exact {budget - es:,.2f}, greedy {budget - gs:,.2f} {money}.")
    if budget - gs > budget - es + _tol(budget):
        out.append(
            "Greedy stops filling the budget when the next project in MAC order does not fit; "
            "the exact choice uses the budget on a combination that fits."
        )
    off_curve = p["exact"] & p["cost_per_tco2e"].isna()
    if off_curve.any():
        out.append(
            "Off the MAC curve (no tCO2e), so never funded by greedy: "
            + ", ".join(sorted(p.loc[off_curve, "id"]))
            + "."
        )
    short = []
    for city, lo in (city_min or {}).items():
        got = float(p.loc[p["greedy"] & (p["city"] == city), "support"].sum())
        if got < lo - _tol(lo):
            short.append(f"{city} gets {got:,.2f} < minimum {lo:,.2f}")
    if short:
        out.append("Greedy ignores the city minimums: " + "; ".join(short) + ".")
    return out


def allocate(
    projects: pd.DataFrame,
    budget: float,
    *,
    objective: str = "tco2e",
    city_min: Mapping[str, float] | None = None,
    city_max: Mapping[str, float] | None = None,
    money: str = "money",
) -> Allocation:
    """Choose the projects a fixed budget supports, exactly and by MAC order.

    Parameters
    ----------
    projects
        :func:`project_table` (``id``, ``city``, ``support``, ``tco2e``,
        ``enpv``, ``cost_per_tco2e``).
    budget
        The fund's budget [money].
    objective
        ``tco2e`` (tonnes avoided over the horizon) or ``enpv``.
    city_min, city_max
        Support per city [money].
    money
        Label of the money unit, for the explanation (e.g. "USD million").
    """
    if objective not in OBJECTIVES:
        raise ValueError(f"objective={objective!r}; expected tco2e or enpv")
    if not (math.isfinite(budget) and budget >= 0):
        raise ValueError(f"budget={budget!r}; expected a number >= 0")
    cmin = {str(k): float(v) for k, v in (city_min or {}).items()}
    cmax = {str(k): float(v) for k, v in (city_max or {}).items()}
    cities = set(projects["city"]) if not projects.empty else set()
    unknown = sorted((set(cmin) | set(cmax)) - cities)
    if unknown:
        raise ValueError(
            f"city limits name {unknown}, which have no project; expected one of {sorted(cities)}"
        )
    p = projects.copy()
    p["value"] = p[OBJECTIVES[objective]].astype("float64")
    groups = list(p["city"])
    x = solve_exact(p["support"], p["value"], budget, groups=groups, group_min=cmin, group_max=cmax)
    g = greedy_mac(
        p["support"], p["cost_per_tco2e"], budget, groups=groups, group_max=cmax, ids=list(p["id"])
    )
    p["greedy"] = g
    meets = all(
        float(p.loc[g & (p["city"] == c), "support"].sum()) >= lo - _tol(lo)
        for c, lo in cmin.items()
    )
    if x is None:
        p["exact"] = False
        explanation = [
            "No choice meets the constraints: the city minimums "
            f"({sum(cmin.values()):,.2f}) exceed the budget ({budget:,.2f}) or what the cities' "
            "projects can absorb."
        ]
        return Allocation(
            p,
            budget,
            objective,
            cmin,
            cmax,
            "infeasible",
            None,
            float(p.loc[g, "value"].sum()),
            None,
            float(p.loc[g, "support"].sum()),
            meets,
            explanation,
            money,
        )
    p["exact"] = x
    return Allocation(
        p,
        budget,
        objective,
        cmin,
        cmax,
        "optimal",
        float(p.loc[x, "value"].sum()),
        float(p.loc[g, "value"].sum()),
        float(p.loc[x, "support"].sum()),
        float(p.loc[g, "support"].sum()),
        meets,
        explain(p, budget, objective, city_min=cmin, money=money),
        money,
    )
