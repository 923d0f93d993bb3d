"""Fiscal sustainability of the borrower: what the program asks of the city's budget.

ADB lends to a city for public goods that earn no revenue; the city repays.
Whether it can is judged by the burden on its budget by year (counterpart
funds, O&M of the non-revenue assets, debt service it keeps) as a share of its
general budget revenue (docs/methods.md section 3).

Pure: arrays in, a pandas table and two figures out. Money in the case's
currency and unit, real (constant prices of the case's price year).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from appraisal.entity_finance import inflation_index

__all__ = ["FiscalResult", "fiscal_burden"]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class FiscalResult:
    """The burden on the city's budget by year and its worst year.

    Attributes
    ----------
    table
        Index ``year``; columns ``capital`` (every component's capital, financial
        prices), ``loan_disbursed`` (deflated), ``counterpart`` (capital - loan
        disbursed), ``om_non_revenue`` (O&M of the components that earn no
        revenue), ``debt_service_retained`` (debt service of the part of the loan
        not on-lent, deflated), ``burden`` (their sum), ``budget_revenue``
        [money per year, real]; ``price_index`` [ratio]; ``burden_share``
        (burden / budget revenue) [share].
    burden_share_max
        The largest yearly share [share].
    burden_share_year
        The first year with that share [calendar year].
    """

    table: pd.DataFrame
    burden_share_max: float
    burden_share_year: int


def fiscal_burden(
    *,
    years: Sequence[int],
    price_year: int,
    budget_revenue: npt.ArrayLike,
    inflation: float,
    capital: npt.ArrayLike,
    loan_disbursed_nominal: npt.ArrayLike,
    om_non_revenue: npt.ArrayLike,
    debt_service_nominal: npt.ArrayLike,
    retained_share: float,
) -> FiscalResult:
    """The program's burden on the city's budget by year, and its share of budget revenue.

    Parameters
    ----------
    years
        Calendar years of the rows.
    price_year
        Year of the constant prices [year].
    budget_revenue
        The city's general budget revenue by year, real [money per year]; > 0.
    inflation
        Domestic inflation, to deflate the nominal loan flows [decimal per year].
    capital
        Capital cost of every component by year, financial prices, real [money per year].
    loan_disbursed_nominal, debt_service_nominal
        The whole loan's disbursement and debt service by year [money per year, nominal].
    om_non_revenue
        O&M of the components that earn no revenue, financial prices, real
        [money per year].
    retained_share
        Share of the loan the city services itself: 1 - on-lent loans / loan
        amount [share].

    Returns
    -------
    FiscalResult

    Notes
    -----
    ``burden_t = (capital_t - disbursed_t / P_t) + om_non_revenue_t +
    retained_share x debt_service_t / P_t`` with ``P_t = (1 + inflation)^(t -
    price_year)``; ``share_t = burden_t / budget_revenue_t``. The counterpart
    term counts all capital not paid by the loan in that year (grants, other
    lenders and the entities' own funds included): an upper bound of the city's
    share when others co-finance. A year in which the loan disburses more than
    is spent gives a negative counterpart (the loan prefinances later spending).

    Examples
    --------
    >>> r = fiscal_burden(years=[2020, 2021], price_year=2020, budget_revenue=[100.0, 100.0],
    ...     inflation=0.0, capital=[10.0, 0.0], loan_disbursed_nominal=[6.0, 0.0],
    ...     om_non_revenue=[0.0, 1.0], debt_service_nominal=[0.0, 4.0], retained_share=0.5)
    >>> r.table["burden"].tolist(), r.burden_share_max, r.burden_share_year
    ([4.0, 3.0], 0.04, 2020)
    """
    idx = pd.Index(list(years), name="year")
    revenue = np.asarray(budget_revenue, dtype=np.float64)
    if revenue.shape != (len(idx),) or not np.all(np.isfinite(revenue)) or np.any(revenue <= 0):
        raise ValueError("budget revenue must be > 0 in every year of the case")
    if not 0.0 <= retained_share <= 1.0:
        raise ValueError(f"retained share must be in [0, 1] (got {retained_share})")
    index = inflation_index(years, price_year, inflation)
    cap = np.asarray(capital, dtype=np.float64)
    disbursed = np.asarray(loan_disbursed_nominal, dtype=np.float64) / index
    om = np.asarray(om_non_revenue, dtype=np.float64)
    service = retained_share * np.asarray(debt_service_nominal, dtype=np.float64) / index
    counterpart = cap - disbursed
    burden = counterpart + om + service
    share = burden / revenue
    table = pd.DataFrame(
        {
            "capital": cap,
            "loan_disbursed": disbursed,
            "counterpart": counterpart,
            "om_non_revenue": om,
            "debt_service_retained": service,
            "burden": burden,
            "budget_revenue": revenue,
            "price_index": index,
            "burden_share": share,
        },
        index=idx,
    )
    k = int(np.argmax(share))
    return FiscalResult(table, float(share[k]), int(idx[k]))
