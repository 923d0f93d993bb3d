"""Abatement cost: levelized cost per tCO2e and marginal abatement cost curves.

See ``docs/methods.md`` section 7.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from appraisal.finance import npv

__all__ = ["LevelizedCost", "levelized_cost", "mac_curve"]


@dataclass(frozen=True)
class LevelizedCost:
    """Levelized abatement cost; ``value`` is None with a ``reason`` when undefined."""

    value: float | None
    reason: str | None
    pv_net_cost: float
    pv_tonnes: float


def levelized_cost(
    net_cost: npt.ArrayLike,
    tonnes: npt.ArrayLike,
    rate: float,
    *,
    first_year_discounted: bool = True,
    scale: float = 1.0,
) -> LevelizedCost:
    """Levelized cost of abatement [currency per tCO2e].

    Parameters
    ----------
    net_cost
        Economic costs minus non-carbon benefits by year [money per year].
    tonnes
        tCO2e avoided by year [tCO2e per year].
    rate
        Discount rate, applied to money and tonnes alike [decimal per year].
    first_year_discounted
        NPV timing (see :func:`appraisal.finance.npv`).
    scale
        Currency units per money unit (1e6 when money is in millions), so the
        result is in whole currency units per tonne.

    Notes
    -----
    LCA = PV(net cost) / PV(tCO2e). It is the constant real carbon price at
    which ENPV = 0 (an identity the tests check). Negative values are win-win.
    """
    pv_cost = float(
        npv(
            rate,
            np.asarray(net_cost, dtype=np.float64),
            first_year_discounted=first_year_discounted,
        )
    )
    pv_t = float(
        npv(rate, np.asarray(tonnes, dtype=np.float64), first_year_discounted=first_year_discounted)
    )
    if pv_t <= 0:
        reason = "no emission reduction" if pv_t == 0 else "emissions increase"
        return LevelizedCost(None, reason + ": cost per tonne undefined", pv_cost, pv_t)
    return LevelizedCost(pv_cost * scale / pv_t, None, pv_cost, pv_t)


def mac_curve(components: pd.DataFrame) -> pd.DataFrame:
    """Marginal abatement cost curve data.

    Parameters
    ----------
    components
        One row per measure with columns ``id``, ``name``, ``cost_per_tco2e``
        [currency per tCO2e] and ``annual_tco2e`` [tCO2e per year, the bar width].

    Returns
    -------
    DataFrame
        Rows sorted by cost (measures with an undefined cost left out), with
        ``x_start`` and ``x_end``, the cumulative tCO2e per year at each bar's edges.
    """
    df = components.dropna(subset=["cost_per_tco2e"])
    df = df[df["annual_tco2e"] > 0].sort_values(["cost_per_tco2e", "id"], kind="stable")
    df = df.reset_index(drop=True)
    df["x_end"] = df["annual_tco2e"].cumsum()
    df["x_start"] = df["x_end"] - df["annual_tco2e"]
    return df
