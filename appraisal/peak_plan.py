"""The result of ``appraisal peak``: the choices of projects, the curve, and why they differ.

:class:`PeakChoice` is one choice of projects against the peak constraints (what
:func:`appraisal.peak.solve_peak` and :func:`appraisal.peak.greedy_peak`
return); :class:`PeakPlan` is the whole answer for a cluster, with its JSON
document (``peak.json``, keys in ``docs/cluster.md``); :func:`explain` writes
the sentences on the exact answer and on the MAC order's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from appraisal.cluster import PeakAssessment
from appraisal.result import to_json
from appraisal.result_schema import SCHEMA_VERSION

__all__ = ["PeakChoice", "PeakPlan", "explain"]

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class PeakChoice:
    """A choice of projects against the peak constraints.

    Attributes
    ----------
    feasible
        Whether every constraint holds (within :data:`appraisal.peak.REL_TOL` of the
        largest baseline level).
    chosen
        The projects chosen. For an infeasible exact problem: the closest choice
        (the least gap, then the least cost).
    cost
        Total objective of ``chosen`` [money].
    gap_tco2e
        0 when feasible; else the largest excess of a year's emissions over the
        level it must not exceed [tCO2e per year].
    gap_unit, gap_year
        Where that excess is: the index of the city (or 0, the cluster) and the
        year (the earliest of equal excesses); None when feasible.
    """

    feasible: bool
    chosen: BoolArray
    cost: float
    gap_tco2e: float = 0.0
    gap_unit: int | None = None
    gap_year: int | None = None


@dataclass
class PeakPlan:
    """Everything ``appraisal peak`` reports (JSON: :attr:`summary`; see ``docs/cluster.md``).

    Attributes
    ----------
    cluster, scope, objective, target_year, budget, money, support_share
        The question [budget: money, or None for no cap; support_share: decimal].
    units, levels
        The units held to the target (the cities, or the cluster) and each
        one's stated peak level, None for the target year's own [tCO2e per year].
    projects
        :func:`appraisal.fund.project_table` plus ``economic_cost`` (PV of
        economic costs net of non-carbon benefits) [money] and the booleans
        ``exact`` and ``greedy``.
    exact, greedy
        The least-cost choice (the closest when infeasible) and the MAC-order choice.
    curve
        The least cost by target year (:func:`appraisal.peak.peak_curve`), from
        target - span to target + span, within the years every unit has.
    cities, total
        Each city's and the cluster's peak with the exact choice.
    trajectory
        By year: ``<city>:baseline``, ``<city>:with_choice`` and ``total:*`` [tCO2e per year].
    explanation
        Sentences on the answer and on the MAC order's.
    """

    cluster: str
    scope: str
    objective: str
    target_year: int
    budget: float | None
    money: str
    support_share: float
    units: list[str]
    levels: list[float | None]
    projects: pd.DataFrame
    exact: PeakChoice
    greedy: PeakChoice
    curve: list[dict[str, Any]]
    cities: list[tuple[str, PeakAssessment]]
    total: PeakAssessment
    trajectory: pd.DataFrame
    explanation: list[str] = field(default_factory=list)

    def _ids(self, x: BoolArray) -> list[str]:
        return [str(i) for i, on in zip(self.projects["id"], x, strict=True) if on]

    def _gap(self, ch: PeakChoice) -> dict[str, Any] | None:
        if ch.feasible:
            return None
        assert ch.gap_unit is not None
        return {"year": ch.gap_year, "where": self.units[ch.gap_unit], "tco2e": ch.gap_tco2e}

    @property
    def summary(self) -> dict[str, Any]:
        """The JSON document ``peak.json``."""
        e, g = self.exact, self.greedy
        cols = ["id", "name", "city", "support", "economic_cost", "tco2e", "cost_per_tco2e"]
        projects = [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in rec.items()}
            | {"exact": bool(x), "greedy": bool(gr)}
            for rec, x, gr in zip(
                self.projects[cols].to_dict(orient="records"), e.chosen, g.chosen, strict=True
            )
        ]
        return {
            "schema_version": SCHEMA_VERSION,
            "peak": {
                "cluster": self.cluster,
                "scope": self.scope,
                "objective": self.objective,
                "target_year": self.target_year,
                "target_levels": dict(zip(self.units, self.levels, strict=True)),
                "budget": self.budget,
                "money": self.money,
                "support_share": self.support_share,
                "feasible": e.feasible,
                "cost": e.cost if e.feasible else None,
                "chosen": self._ids(e.chosen) if e.feasible else [],
                "gap": None
                if e.feasible
                else {**(self._gap(e) or {}), "closest": self._ids(e.chosen)},
                "cities": [{"city": name, **pk.as_dict()} for name, pk in self.cities],
                "total": self.total.as_dict(),
                "curve": self.curve,
                "greedy_mac_order": {
                    "chosen": self._ids(g.chosen),
                    "cost": g.cost,
                    "feasible": g.feasible,
                    "gap": self._gap(g),
                },
                "explanation": self.explanation,
            },
            "projects": projects,
        }

    def to_json(self) -> str:
        return to_json(self.summary)


def _count(n: int) -> str:
    return f"{n} project" + ("" if n == 1 else "s")


def _where(p: PeakPlan, unit: int | None) -> str:
    return "the cluster" if p.scope == "cluster" else p.units[unit or 0]


def explain(p: PeakPlan) -> list[str]:
    """Sentences on the exact answer and on what the MAC order would have chosen instead."""
    e, g = p.exact, p.greedy
    what = "every city" if p.scope == "city" else "the cluster"
    paid = "support" if p.objective == "support" else "economic cost (PV, net of other benefits)"
    n_e, n_g = _count(int(e.chosen.sum())), _count(int(g.chosen.sum()))
    out = []
    if e.feasible:
        out.append(
            f"Least {paid} for {what} to peak by {p.target_year}: {e.cost:,.2f} {p.money}, {n_e}."
        )
    else:
        assert e.gap_unit is not None
        out.append(
            f"No choice of projects brings {what} to peak by {p.target_year}: in {e.gap_year} "
            f"{_where(p, e.gap_unit)}'s emissions stay at least {e.gap_tco2e:,.0f} tCO2e/yr above "
            "the level they must not exceed, whatever is chosen"
            + (f" within the budget of {p.budget:,.2f} {p.money}" if p.budget is not None else "")
            + f". The closest choice ({n_e}, {e.cost:,.2f} {p.money}) is shown."
        )
    if g.feasible:
        verdict = "meets the target"
    else:
        assert g.gap_unit is not None
        verdict = (
            f"misses the target: in {g.gap_year} {_where(p, g.gap_unit)} stays "
            f"{g.gap_tco2e:,.0f} tCO2e/yr over"
        )
    out.append(
        f"MAC order (cheapest tonnes first, until the target holds): {n_g}, "
        f"{g.cost:,.2f} {p.money} of {paid}; it {verdict}."
    )
    ids = p.projects["id"]
    only_g = sorted(ids[g.chosen & ~e.chosen])
    only_e = sorted(ids[e.chosen & ~g.chosen])
    if not only_g and not only_e:
        out.append("The MAC order chooses the same projects.")
        return out
    if only_g:
        out.append("Chosen by the MAC order only: " + ", ".join(only_g) + ".")
    if only_e:
        out.append("Chosen by the exact choice only: " + ", ".join(only_e) + ".")
    cost_col = "support" if p.objective == "support" else "economic_cost"
    free = sorted(ids[e.chosen & ~g.chosen & (p.projects[cost_col] < 0)])
    if free:
        out.append(
            "The exact choice also takes the projects whose other benefits exceed their costs "
            "(negative economic cost): each lowers the total; the MAC order stops as soon as "
            "the target holds."
        )
    if set(only_e) - set(free) or only_g:
        if any(lv is None for lv in p.levels):
            why = (
                "the target holds each year after the target year to that year's level, so "
                "tonnes avoided in the target year itself lower the bar the later years must "
                "clear, and only the years where the path would rise above it count"
            )
        else:
            why = (
                "the target holds each year from the target year on to the stated level, so "
                "only tonnes avoided in the years the path would exceed it count"
            )
        out.append(
            "Why: the MAC order ranks projects by cost per tonne over the whole horizon, "
            f"whatever the year; {why}."
        )
    return out
