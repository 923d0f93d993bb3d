"""Abatement cost: levelized cost per tCO2e and marginal abatement cost curves.

See ``docs/methods.md`` section 7.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from appraisal.finance import npv

if TYPE_CHECKING:
    from appraisal.case import Case
    from appraisal.result import ComponentResult

__all__ = ["LevelizedCost", "levelized_cost", "mac_curve", "program_abatement"]


@dataclass(frozen=True)
class LevelizedCost:
    """Levelized abatement cost; ``value`` is None with a ``reason`` when undefined."""

    value: float | None
    reason: str | None
    pv_net_cost: float
    pv_tonnes: float

    def block(self, usd_per_currency_unit: float) -> dict[str, Any]:
        """The JSON abatement block: the cost per tCO2e [case currency and USD], its PVs.

        ``cost_per_tco2e_reason`` follows ``cost_per_tco2e`` only when the cost is undefined.
        """
        block: dict[str, Any] = {"cost_per_tco2e": self.value}
        if self.value is None:
            block["cost_per_tco2e_reason"] = self.reason
        block["cost_per_tco2e_usd"] = (
            None if self.value is None else self.value * usd_per_currency_unit
        )
        block["pv_net_cost"] = self.pv_net_cost
        block["pv_tco2e"] = self.pv_tonnes
        return block


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


def program_abatement(case: Case, comps: Sequence[ComponentResult]) -> dict[str, Any]:
    """The program's abatement block, over the components that avoid tonnes.

    Parameters
    ----------
    case
        The validated case (discount rate, NPV timing, money unit).
    comps
        The component results (their ``economic`` and ``ghg`` tables and the PV of
        tCO2e of their ``abatement`` block are read).

    Returns
    -------
    dict
        ``cost_per_tco2e`` (with ``cost_per_tco2e_reason`` when undefined),
        ``cost_per_tco2e_usd``, ``pv_net_cost``, ``pv_tco2e`` and
        ``excluded_components``: the ids of the components that avoid no tonnes
        (the PV of their reduction is 0 or negative).

    Notes
    -----
    LCA = sum of PV(net cost) / sum of PV(tCO2e) over the components that avoid
    tonnes (a positive PV of tCO2e): the components of the MAC curve. A component
    that changes no emissions (flood protection) or adds them (a new hospital
    against no hospital) is left out of both sums: its benefits would otherwise
    lower, or its costs raise, the cost of tonnes it does not avoid
    (docs/methods.md section 7). Its tonnes still count in the ``ghg`` block.
    """
    meta, e = case.meta, case.economic
    fyd = meta.first_year_discounted
    net, tonnes = np.zeros(meta.years), np.zeros(meta.years)
    excluded: list[str] = []
    for c in comps:
        if not c.summary["abatement"]["pv_tco2e"] > 0:
            excluded.append(c.id)
            continue
        econ = c.economic
        net = net + (econ["costs"] - econ["benefits_without_carbon"]).to_numpy(dtype=np.float64)
        tonnes = tonnes + c.ghg["reduction"].to_numpy(dtype=np.float64)
    lc = levelized_cost(
        net, tonnes, e.discount_rate, first_year_discounted=fyd, scale=meta.unit_scale
    )
    return {**lc.block(meta.usd_per_currency_unit), "excluded_components": excluded}
