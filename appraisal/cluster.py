"""City clusters: emission trajectories, peak year and level against a target, combined results.

A cluster (Changsha-Zhuzhou-Xiangtan is the model) is several cities, each with
its own program appraised as a case whose ``[city]`` section gives the city's
baseline emission path. For each city and for the cluster:

- trajectory = baseline path - program reductions, by calendar year [tCO2e/yr];
- peak year and peak level of the trajectory, against the agreed target year
  (and level, when one is stated);
- combined ENPV / EIRR of the programs (their economic streams summed on the
  calendar), abatement cost per city, and one MAC curve across every component.

The functions on arrays and Series (:func:`peak`, :func:`assess_peak`,
:func:`city_trajectory`) are pure; :func:`appraise_cluster` puts them together
from appraised cases. Reading a cluster folder and its ``cluster.toml``
(format: ``docs/cluster.md``) is :mod:`appraisal.io.clusters`; the terminal
summary is :mod:`appraisal.io.text.cluster`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from appraisal.abatement import levelized_cost, mac_curve
from appraisal.case import CaseError
from appraisal.economics import economic_indicators, interpolate_path
from appraisal.finance import npv
from appraisal.result import AppraisalResult, to_json
from appraisal.result_schema import SCHEMA_VERSION
from appraisal.schema import Problem

__all__ = [
    "ClusterResult",
    "ClusterSpec",
    "PeakAssessment",
    "appraise_cluster",
    "assess_peak",
    "city_trajectory",
    "peak",
]


# ---------------------------------------------------------------- pure functions
def peak(trajectory: pd.Series) -> tuple[int, float]:
    """Peak year and peak level of an emission trajectory.

    Parameters
    ----------
    trajectory
        Emissions by calendar year (the index) [tCO2e per year].

    Returns
    -------
    (year, level)
        The year of the highest value (the first such year when several tie)
        and that value.

    Examples
    --------
    >>> peak(pd.Series([5.0, 7.0, 7.0, 6.0], index=[2025, 2026, 2027, 2028]))
    (2026, 7.0)
    """
    if trajectory.empty:
        raise ValueError("an empty trajectory has no peak")
    values = trajectory.to_numpy(dtype=np.float64)
    i = int(np.argmax(values))  # argmax returns the first maximum: ties go to the earliest year
    return int(trajectory.index[i]), float(values[i])


@dataclass(frozen=True)
class PeakAssessment:
    """Peak of a trajectory against a commitment.

    Attributes
    ----------
    peak_year, peak_level
        Year and level of the highest emissions [year, tCO2e per year].
    peaked_within_horizon
        False when the highest value is the last year of the trajectory: the
        emissions have not been seen to fall, so the true peak may be later.
    target_year, target_level
        The commitment (None when not stated).
    meets_year
        peak_year <= target_year and the peak lies within the horizon (None without a target year).
    meets_level
        peak_level <= target_level (None without a target level).
    years_margin
        target_year - peak_year (positive: early) [years].
    level_margin
        target_level - peak_level (positive: below the cap) [tCO2e per year].
    """

    peak_year: int
    peak_level: float
    peaked_within_horizon: bool
    target_year: int | None = None
    target_level: float | None = None
    meets_year: bool | None = None
    meets_level: bool | None = None
    years_margin: int | None = None
    level_margin: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def assess_peak(
    trajectory: pd.Series,
    *,
    target_year: int | None = None,
    target_level: float | None = None,
) -> PeakAssessment:
    """Peak year and level of a trajectory against a target year and level.

    Parameters
    ----------
    trajectory
        Emissions by calendar year [tCO2e per year].
    target_year
        The year by which emissions must peak [year].
    target_level
        The level the peak must not exceed [tCO2e per year].

    Notes
    -----
    A trajectory whose highest value is its last year has not peaked within
    the horizon: the target year is then met only if the horizon ends no later
    than the target year and the path is flat from there, which cannot be
    known, so ``meets_year`` is False.
    """
    year, level = peak(trajectory)
    within = year != int(trajectory.index[-1]) or len(trajectory) == 1
    out: dict[str, Any] = {}
    if target_year is not None:
        out["target_year"] = int(target_year)
        out["meets_year"] = bool(within and year <= target_year)
        out["years_margin"] = int(target_year) - year
    if target_level is not None:
        out["target_level"] = float(target_level)
        out["meets_level"] = bool(level <= target_level)
        out["level_margin"] = float(target_level) - level
    return PeakAssessment(year, level, within, **out)


def city_trajectory(
    baseline: float | Mapping[int, float],
    reduction: pd.Series,
    *,
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """A city's emission trajectory: baseline path minus program reductions.

    Parameters
    ----------
    baseline
        The city's emissions without the program: a constant or {year: tCO2e},
        interpolated linearly between the years given [tCO2e per year].
    reduction
        The program's emission reductions by calendar year [tCO2e per year];
        years outside its index count as 0.
    years
        Calendar years of the trajectory; default: the first to the last year
        of ``baseline`` (a table), else the years of ``reduction``.

    Returns
    -------
    DataFrame
        By year: ``baseline``, ``reduction``, ``with_program`` [tCO2e per year].
    """
    if years is None:
        if isinstance(baseline, Mapping) and baseline:
            ks = sorted(int(k) for k in baseline)
            years = list(range(ks[0], ks[-1] + 1))
        else:
            years = [int(y) for y in reduction.index]
    idx = pd.Index(list(years), name="year")
    base = interpolate_path(
        baseline if not isinstance(baseline, Mapping) else dict(baseline), np.asarray(idx)
    )
    red = reduction.reindex(idx, fill_value=0.0).to_numpy(dtype=np.float64)
    return pd.DataFrame({"baseline": base, "reduction": red, "with_program": base - red}, index=idx)


# ---------------------------------------------------------------- the cluster definition
@dataclass(frozen=True)
class ClusterSpec:
    """What ``cluster.toml`` says (see ``docs/cluster.md``).

    Attributes
    ----------
    name
        Name of the cluster.
    cities
        Case files of the cities' programs, relative to the cluster folder.
    peak_target_year, peak_target_tco2e
        The cluster's agreed target: peak year and, when stated, the level
        [year, tCO2e per year]. A city without its own target is held to the year.
    source
        Where the target comes from.
    fund
        Defaults for ``appraisal fund`` on this cluster: ``budget`` [money],
        ``objective``, ``support_share``, ``city_min`` / ``city_max`` [money].
    """

    name: str
    cities: tuple[str, ...]
    peak_target_year: int | None = None
    peak_target_tco2e: float | None = None
    source: str = ""
    fund: dict[str, Any] = field(default_factory=dict)


# ---------------------------------------------------------------- combining cities
@dataclass
class CityResult:
    """One city of a cluster: its program's appraisal and its trajectory."""

    name: str
    result: AppraisalResult
    trajectory: pd.DataFrame
    peak: PeakAssessment


@dataclass
class ClusterResult:
    """Everything ``appraisal cluster`` reports.

    Attributes
    ----------
    spec
        The cluster definition.
    cities
        One :class:`CityResult` per city, in file order.
    trajectory
        By year: ``<city>:baseline``, ``<city>:with_program`` for each city and
        ``total:baseline``, ``total:reduction``, ``total:with_program`` [tCO2e/yr].
    peak
        The cluster total's peak against the agreed target.
    economic
        Combined ENPV / EIRR / BCR, with and without carbon [money, decimal].
    cities_table
        One row per city: ENPV, EIRR, tCO2e avoided, cost per tCO2e, peak.
    mac
        One MAC curve across every component of every city (ids ``city/component``).
    summary
        The JSON document (see ``docs/cluster.md``).
    """

    spec: ClusterSpec
    cities: list[CityResult]
    trajectory: pd.DataFrame
    peak: PeakAssessment
    economic: dict[str, Any]
    cities_table: pd.DataFrame
    mac: pd.DataFrame
    summary: dict[str, Any]

    def to_json(self) -> str:
        return to_json(self.summary)


def _common(results: Sequence[AppraisalResult]) -> dict[str, Any]:
    """The settings the cities must share to be added up; raise otherwise."""
    keys = {
        "currency": lambda r: r.case.meta.currency,
        "unit": lambda r: r.case.meta.unit,
        "price_year": lambda r: r.case.meta.price_year,
        "discount_rate": lambda r: r.case.economic.discount_rate,
        "first_year_discounted": lambda r: r.case.meta.first_year_discounted,
        "carbon_in_eirr": lambda r: r.case.economic.carbon_in_eirr,
    }
    out: dict[str, Any] = {}
    problems = []
    for key, get in keys.items():
        values = {get(r) for r in results}
        if len(values) > 1:
            listed = ", ".join(f"{r.case.slug}={get(r)!r}" for r in results)
            problems.append(
                Problem(key, f"the cities differ ({listed}); expected one value to add them up")
            )
        else:
            out[key] = values.pop()
    if problems:
        raise CaseError("cluster", problems)
    return out


def _calendar(results: Sequence[AppraisalResult]) -> list[int]:
    first = min(r.case.meta.first_year for r in results)
    last = max(r.case.meta.first_year + r.case.meta.years - 1 for r in results)
    return list(range(first, last + 1))


def appraise_cluster(spec: ClusterSpec, results: Sequence[AppraisalResult]) -> ClusterResult:
    """Combine the cities' appraised programs into the cluster's results.

    Parameters
    ----------
    spec
        The cluster definition (target, name).
    results
        The appraisal of each city's case; each case has a ``[city]`` section.

    Notes
    -----
    The combined ENPV discounts the cities' economic streams, summed on the
    calendar, from the earliest first year of the cities, with the common
    discount rate and timing; when every city starts the same year it equals
    the sum of the cities' ENPVs (ENPV is linear). The combined EIRR is the
    IRR of that summed stream. The cluster's trajectory is the sum of the
    cities' trajectories on the union of their years (a city's baseline is
    held flat outside its own years; see ``docs/cluster.md``).
    """
    if not results:
        raise ValueError("a cluster needs at least one city")
    common = _common(results)
    cities: list[CityResult] = []
    for r in results:
        c = r.case.data["city"]
        red = r.program.ghg["reduction"]
        base = c["baseline_emissions"]
        traj = city_trajectory(base, red)
        target_year = c.get("peak_target_year", spec.peak_target_year)
        pk = assess_peak(
            traj["with_program"], target_year=target_year, target_level=c.get("peak_target_tco2e")
        )
        cities.append(CityResult(c["name"], r, traj, pk))
    names = [c.name for c in cities]
    if len(set(names)) != len(names):
        raise CaseError("cluster", [Problem("city.name", f"city names repeat: {names}")])

    years = sorted(set().union(*(set(c.trajectory.index) for c in cities)))
    idx = pd.Index(years, name="year")
    cols: dict[str, Any] = {}
    total_base = np.zeros(len(years))
    total_red = np.zeros(len(years))
    for c in cities:
        base_spec = c.result.case.data["city"]["baseline_emissions"]
        full = city_trajectory(base_spec, c.result.program.ghg["reduction"], years=years)
        cols[f"{c.name}:baseline"] = full["baseline"].to_numpy()
        cols[f"{c.name}:reduction"] = full["reduction"].to_numpy()
        cols[f"{c.name}:with_program"] = full["with_program"].to_numpy()
        total_base += full["baseline"].to_numpy()
        total_red += full["reduction"].to_numpy()
    cols["total:baseline"] = total_base
    cols["total:reduction"] = total_red
    cols["total:with_program"] = total_base - total_red
    trajectory = pd.DataFrame(cols, index=idx)
    total_peak = assess_peak(
        trajectory["total:with_program"],
        target_year=spec.peak_target_year,
        target_level=spec.peak_target_tco2e,
    )

    # Combined economics on the common calendar.
    cal = _calendar(results)
    cidx = pd.Index(cal, name="year")
    costs = np.zeros(len(cal))
    b0 = np.zeros(len(cal))
    carbon = np.zeros(len(cal))
    tonnes = np.zeros(len(cal))
    for r in results:
        e = r.program.economic.reindex(cidx, fill_value=0.0)
        costs += e["costs"].to_numpy()
        b0 += e["benefits_without_carbon"].to_numpy()
        carbon += e["carbon_value"].to_numpy()
        tonnes += r.program.ghg["reduction"].reindex(cidx, fill_value=0.0).to_numpy()
    rate = common["discount_rate"]
    fyd = common["first_year_discounted"]
    without = economic_indicators(costs, b0, rate, first_year_discounted=fyd)
    withc = economic_indicators(costs, b0 + carbon, rate, first_year_discounted=fyd)
    head = withc if common["carbon_in_eirr"] else without
    scale = results[0].case.meta.unit_scale
    lc = levelized_cost(costs - b0, tonnes, rate, first_year_discounted=fyd, scale=scale)
    economic: dict[str, Any] = {
        "discount_rate": rate,
        "first_year": cal[0],
        "enpv": head.enpv,
        "eirr": head.eirr,
        "bcr": head.bcr,
        "enpv_with_carbon": withc.enpv,
        "eirr_with_carbon": withc.eirr,
        "enpv_without_carbon": without.enpv,
        "eirr_without_carbon": without.eirr,
        "pv_carbon_value": float(npv(rate, carbon, first_year_discounted=fyd)),
        "reduction_tco2e_total": float(tonnes.sum()),
        "cost_per_tco2e": lc.value,
        "carbon_in_eirr": common["carbon_in_eirr"],
    }
    if head.eirr is None:
        economic["eirr_reason"] = head.eirr_reason
    if lc.value is None:
        economic["cost_per_tco2e_reason"] = lc.reason

    rows = []
    for c in cities:
        s = c.result.summary
        rows.append(
            {
                "city": c.name,
                "case": c.result.case.slug,
                "enpv": s["economic"]["enpv"],
                "eirr": s["economic"]["eirr"],
                "reduction_tco2e_total": s["ghg"]["reduction_tco2e_total"],
                "cost_per_tco2e": s["abatement"]["cost_per_tco2e"],
                "peak_year": c.peak.peak_year,
                "peak_tco2e": c.peak.peak_level,
                "target_year": c.peak.target_year,
                "meets_target_year": c.peak.meets_year,
            }
        )
    cities_table = pd.DataFrame(rows)

    comp_rows = []
    for c in cities:
        for comp in c.result.components:
            a = comp.summary["abatement"]["cost_per_tco2e"]
            comp_rows.append(
                {
                    "id": f"{c.name}/{comp.id}",
                    "name": comp.name,
                    "city": c.name,
                    "cost_per_tco2e": np.nan if a is None else a,
                    "annual_tco2e": comp.summary["ghg"]["reduction_tco2e_annual_average"],
                }
            )
    mac = mac_curve(pd.DataFrame(comp_rows))

    summary: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "cluster": {
            "name": spec.name,
            "cities": names,
            "currency": common["currency"],
            "unit": common["unit"],
            "price_year": common["price_year"],
            "peak_target_year": spec.peak_target_year,
            "peak_target_tco2e": spec.peak_target_tco2e,
            "source": spec.source,
        },
        "peak": total_peak.as_dict(),
        "economic": economic,
        "cities": [
            {
                **row,
                "peak": c.peak.as_dict(),
                "trajectory": {
                    str(y): {
                        "baseline": float(t.baseline),
                        "reduction": float(t.reduction),
                        "with_program": float(t.with_program),
                    }
                    for y, t in c.trajectory.iterrows()
                },
            }
            for row, c in zip(rows, cities, strict=True)
        ],
        "trajectory_total": {
            str(y): {
                "baseline": float(row["total:baseline"]),
                "reduction": float(row["total:reduction"]),
                "with_program": float(row["total:with_program"]),
            }
            for y, row in trajectory.iterrows()
        },
        "mac": [
            {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in rec.items()}
            for rec in mac.to_dict(orient="records")
        ],
    }
    return ClusterResult(spec, cities, trajectory, total_peak, economic, cities_table, mac, summary)
