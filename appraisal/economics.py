"""Economic analysis: conversion factors, carbon value paths, ENPV, EIRR, BCR.

Pure functions over numpy arrays. Methods follow the ADB Guidelines for the
Economic Analysis of Projects (2017); see ``docs/methods.md`` section 2.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from appraisal.carbon import CarbonPath, carbon_paths
from appraisal.finance import irr_detail, npv

__all__ = [
    "CARBON_PATHS",
    "CarbonPath",
    "EconomicIndicators",
    "carbon_price_path",
    "conversion_factor",
    "economic_indicators",
    "interpolate_path",
]

FloatArray = npt.NDArray[np.float64]


# The named paths are data files (appraisal/data/carbon_paths/, read by appraisal.carbon).
CARBON_PATHS: dict[str, CarbonPath] = carbon_paths()


def interpolate_path(path: float | Mapping[int, float], years: npt.ArrayLike) -> FloatArray:
    """Values of a path in each calendar year.

    Parameters
    ----------
    path
        A constant, or ``{year: value}`` points interpolated linearly and held
        flat before the first and after the last point.
    years
        Calendar years.

    Examples
    --------
    >>> interpolate_path({2020: 1.0, 2030: 0.5}, [2019, 2025, 2031]).tolist()
    [1.0, 0.75, 0.5]
    """
    y = np.asarray(years, dtype=np.float64)
    if isinstance(path, Mapping):
        xs = np.array(sorted(path), dtype=np.float64)
        vs = np.array([path[int(k)] for k in xs], dtype=np.float64)
        return np.interp(y, xs, vs)
    return np.full(y.shape, float(path))


def carbon_price_path(
    spec: str | Mapping[int, float], years: npt.ArrayLike, *, deflator: float = 1.0
) -> FloatArray:
    """Carbon value per tonne in each year: the path x the deflator.

    Parameters
    ----------
    spec
        A name in :data:`CARBON_PATHS` [the path's currency per tCO2e] or a table
        ``{year: price}`` already in the case's prices [USD per tCO2e].
    years
        Calendar years.
    deflator
        Price level of the case's price year over the path's price year [ratio];
        applied to named paths only.

    Returns
    -------
    ndarray
        [the path's currency (USD for a table) per tCO2e, case prices]; the
        conversion to the case's currency is :mod:`appraisal.carbon`'s.

    Examples
    --------
    >>> round(float(carbon_price_path("adb-2017", [2020])[0]), 2)
    39.29
    """
    if isinstance(spec, str):
        return CARBON_PATHS[spec].price(years) * deflator
    return interpolate_path(spec, years)


# Conversion factor of each part of a cost under each numeraire (ADB 2017, ch. 4):
# domestic price numeraire: traded at border price x SERF, others at 1, unskilled
# labour at the SWRF; world price numeraire: non-traded divided by the SERF.
def _part_factors(numeraire: str, serf: float, swrf: float) -> dict[str, float]:
    if numeraire == "world":
        return {
            "traded": 1.0,
            "non_traded": 1.0 / serf,
            "skilled_labour": 1.0 / serf,
            "unskilled_labour": swrf / serf,
            "taxes": 0.0,
        }
    return {
        "traded": serf,
        "non_traded": 1.0,
        "skilled_labour": 1.0,
        "unskilled_labour": swrf,
        "taxes": 0.0,
    }


def conversion_factor(
    category: str,
    *,
    conversion_factors: Mapping[str, float],
    cost_shares: Mapping[str, Mapping[str, float]],
    numeraire: str = "domestic",
    serf: float = 1.0,
    swrf: float = 1.0,
    default: float = 1.0,
) -> float:
    """Economic / financial price ratio of a cost category.

    An explicit factor wins; else the share-weighted factor of the category's
    composition; else the part factor when the category is itself a part
    (``traded``, ``unskilled_labour``, ...); else ``default``.

    Examples
    --------
    >>> conversion_factor("civil_works", conversion_factors={},
    ...     cost_shares={"civil_works": {"traded": 0.4, "non_traded": 0.4, "taxes": 0.2}},
    ...     serf=1.05)
    0.82
    """
    if category in conversion_factors:
        return float(conversion_factors[category])
    parts = _part_factors(numeraire, serf, swrf)
    if category in cost_shares:
        return round(sum(share * parts[part] for part, share in cost_shares[category].items()), 12)
    if category in parts:
        return parts[category]
    return default


@dataclass(frozen=True)
class EconomicIndicators:
    """ENPV, EIRR and BCR of one net-benefit stream [money unit of the case]."""

    enpv: float
    eirr: float | None
    eirr_reason: str | None
    eirr_roots: tuple[float, ...]
    bcr: float | None
    pv_costs: float
    pv_benefits: float


def economic_indicators(
    costs: npt.ArrayLike,
    benefits: npt.ArrayLike,
    rate: float,
    *,
    first_year_discounted: bool = True,
) -> EconomicIndicators:
    """ENPV, EIRR and BCR of yearly costs and benefits.

    Parameters
    ----------
    costs, benefits
        Yearly economic costs and benefits, both positive [money per year].
    rate
        Economic discount rate [decimal per year, real].
    first_year_discounted
        NPV timing (see :func:`appraisal.finance.npv`).

    Notes
    -----
    ENPV = NPV(benefits - costs); BCR = PV(benefits) / PV(costs); the EIRR is
    the unique real root of NPV = 0, or None with the reason (no root, several).
    """
    c = np.asarray(costs, dtype=np.float64)
    b = np.asarray(benefits, dtype=np.float64)
    net = b - c
    pv_c = float(npv(rate, c, first_year_discounted=first_year_discounted))
    pv_b = float(npv(rate, b, first_year_discounted=first_year_discounted))
    detail = irr_detail(net)
    return EconomicIndicators(
        enpv=pv_b - pv_c,
        eirr=detail.value,
        eirr_reason=detail.reason,
        eirr_roots=tuple(detail.roots),
        bcr=pv_b / pv_c if pv_c > 0 else None,
        pv_costs=pv_c,
        pv_benefits=pv_b,
    )
