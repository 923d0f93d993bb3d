"""Flood damage avoided: expected annual damage (EAD) from damages at return periods.

Pure functions over numbers and numpy arrays. Damages are in the case's money
unit per event (economic prices); return periods in years; the EAD in money per
year. Method and sources: ``docs/methods.md``, "Expected annual damage".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from appraisal.economics import interpolate_path

__all__ = [
    "FloodRisk",
    "avoided_damage_stream",
    "damage_curve",
    "expected_annual_damage",
    "flood_risk",
]

FloatArray = npt.NDArray[np.float64]


def expected_annual_damage(return_periods: Sequence[float], damages: Sequence[float]) -> float:
    """Expected annual damage: the integral of damage over annual exceedance probability.

    Parameters
    ----------
    return_periods
        Return periods T of the listed events, strictly increasing, each > 1 [years].
    damages
        Damage of each event [money per event].

    Returns
    -------
    float
        EAD [money per year].

    Notes
    -----
    With p_i = 1 / T_i the annual exceedance probability of event i (p_1 the most
    frequent), the trapezoid rule over the listed points plus the tail:

        EAD = sum_i (p_i - p_(i+1)) (D_i + D_(i+1)) / 2  +  p_n D_n

    The tail counts the rarest listed event's damage for every rarer event (a
    flat curve from p_n down to 0, a lower bound); events more frequent than the
    most frequent listed (p > p_1) cause no damage. This is the risk-integration
    of USACE EM 1110-2-1619 (1996), ch. 6, and of Ward et al. (2011), Nat. Hazards
    Earth Syst. Sci. 11, 3181-3195, who show how the choice of return periods and of
    the tail moves the estimate.

    Examples
    --------
    Three events: T = 2, 10, 100 years with damages 0, 50 and 200. The trapezoids
    are (0.5 - 0.1)(0 + 50)/2 = 10 and (0.1 - 0.01)(50 + 200)/2 = 11.25, the tail
    0.01 x 200 = 2:

    >>> round(expected_annual_damage([2, 10, 100], [0, 50, 200]), 10)
    23.25
    """
    t = np.asarray(return_periods, dtype=np.float64)
    d = np.asarray(damages, dtype=np.float64)
    if t.ndim != 1 or t.size == 0 or t.shape != d.shape:
        raise ValueError("expected one damage per return period, at least one")
    if np.any(t <= 1.0) or np.any(np.diff(t) <= 0.0):
        raise ValueError("return periods must be above 1 year and strictly increasing")
    p = 1.0 / t
    trapezoids = float(np.sum((p[:-1] - p[1:]) * (d[:-1] + d[1:]) / 2.0))
    return trapezoids + float(p[-1] * d[-1])


@dataclass(frozen=True)
class FloodRisk:
    """Expected annual damage without and with a component [money per year]."""

    ead_without: float
    ead_with: float

    @property
    def avoided_ead(self) -> float:
        """EAD avoided, before any climate multiplier [money per year]."""
        return self.ead_without - self.ead_with

    def as_dict(self) -> dict[str, float]:
        """The JSON ``adaptation`` block."""
        return {
            "ead_without": self.ead_without,
            "ead_with": self.ead_with,
            "avoided_ead": self.avoided_ead,
        }


def flood_risk(
    return_periods: Sequence[float],
    damage_without: Sequence[float],
    damage_with: Sequence[float],
) -> FloodRisk:
    """EAD without and with a component, over the same return periods.

    >>> r = flood_risk([2, 10, 100], [0, 50, 200], [0, 10, 100])
    >>> round(r.ead_without, 10), round(r.ead_with, 10), round(r.avoided_ead, 10)
    (23.25, 7.95, 15.3)
    """
    return FloodRisk(
        expected_annual_damage(return_periods, damage_without),
        expected_annual_damage(return_periods, damage_with),
    )


def damage_curve(
    return_periods: Sequence[float],
    damage_without: Sequence[float],
    damage_with: Sequence[float],
) -> pd.DataFrame:
    """The damage-probability table: one row per listed event.

    Columns: ``return_period`` [years], ``probability`` (annual exceedance, 1/T),
    ``damage_without``, ``damage_with``, ``damage_avoided`` [money per event], and
    ``ead_part_without``, ``ead_part_with`` [money per year]: each row's term of
    :func:`expected_annual_damage` (the trapezoid to the next rarer event; for the
    rarest, the tail), so that each column sums to the EAD.

    >>> damage_curve([2, 10, 100], [0, 50, 200], [0, 10, 100])["ead_part_without"].round(9).tolist()
    [10.0, 11.25, 2.0]
    """
    t = np.asarray(return_periods, dtype=np.float64)
    p = 1.0 / t
    d0 = np.asarray(damage_without, dtype=np.float64)
    d1 = np.asarray(damage_with, dtype=np.float64)

    def parts(d: FloatArray) -> FloatArray:
        return np.append((p[:-1] - p[1:]) * (d[:-1] + d[1:]) / 2.0, p[-1] * d[-1])

    return pd.DataFrame(
        {
            "return_period": t,
            "probability": p,
            "damage_without": d0,
            "damage_with": d1,
            "damage_avoided": d0 - d1,
            "ead_part_without": parts(d0),
            "ead_part_with": parts(d1),
        }
    )


def avoided_damage_stream(
    avoided_ead: float,
    climate_multiplier: float | Mapping[int, float],
    calendar_years: Sequence[int],
    operating_years: FloatArray,
) -> FloatArray:
    """The benefit stream ``avoided_flood_damage``: avoided EAD x multiplier, when operating.

    Parameters
    ----------
    avoided_ead
        EAD avoided [money per year].
    climate_multiplier
        A number or ``{year: multiplier}``, interpolated linearly and flat outside [ratio].
    calendar_years
        The case's years.
    operating_years
        1.0 in each year the component operates, else 0.0 [flag per year].

    Returns
    -------
    ndarray
        Avoided damage by year [money per year, economic prices].

    Examples
    --------
    >>> avoided_damage_stream(10.0, {2022: 1.0, 2024: 1.2}, [2021, 2022, 2023, 2024],
    ...                       np.array([0.0, 1.0, 1.0, 1.0])).round(10).tolist()
    [0.0, 10.0, 11.0, 12.0]
    """
    if isinstance(climate_multiplier, Mapping):  # TOML keys arrive as text
        climate_multiplier = {int(k): float(v) for k, v in climate_multiplier.items()}
    multiplier = interpolate_path(climate_multiplier, calendar_years)
    return avoided_ead * multiplier * np.asarray(operating_years, dtype=np.float64)
