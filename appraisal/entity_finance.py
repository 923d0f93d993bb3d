"""Financial analysis of a revenue-earning entity: after-tax cash flows, its WACC and DSCR.

A city's loan mostly finances public goods; the parts that earn revenue (a
municipal energy company, a housing company) are judged as entities, the way
ADB's financial analysis judges a project entity: FIRR and FNPV after income
tax, in real terms, against the WACC of the financing the entity carries, and
its debt service coverage by year in nominal terms, on the part of the loan
on-lent to it (docs/methods.md section 3).

Pure: numpy arrays and pandas tables in, the same out. Money in the case's
currency and unit; "real" means constant prices of the case's price year.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from appraisal.finance import dscr, wacc_table

__all__ = [
    "EntityAnalysis",
    "EntityTerms",
    "entity_analysis",
    "entity_cash_flows",
    "entity_debt_service",
    "entity_dscr",
    "entity_wacc_sources",
    "inflation_index",
    "program_wacc_sources",
    "straight_line_depreciation",
]

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class EntityTerms:
    """How a revenue-earning component is financed and taxed.

    Attributes
    ----------
    on_lent_loan
        Part of the loan on-lent to the entity, on the loan's terms [money].
    income_tax_rate
        Income tax rate of the entity [decimal].
    inflation
        Domestic inflation, to turn real figures into nominal ones [decimal per year].
    """

    on_lent_loan: float = 0.0
    income_tax_rate: float = 0.0
    inflation: float = 0.0

    @classmethod
    def of(cls, financial: Mapping[str, Any] | None) -> EntityTerms:
        """The terms a component's ``financial`` table gives (0 where absent)."""
        f = financial or {}
        return cls(
            float(f.get("on_lent_loan", 0.0)),
            float(f.get("income_tax_rate", 0.0)),
            float(f.get("inflation", 0.0)),
        )


def inflation_index(years: Sequence[int], price_year: int, inflation: float) -> FloatArray:
    """Price index of each year against the price year: ``(1 + inflation)^(year - price_year)``.

    Parameters
    ----------
    years
        Calendar years.
    price_year
        Year of the constant prices [year].
    inflation
        Domestic inflation [decimal per year]; > -1.

    Examples
    --------
    >>> inflation_index([2020, 2021, 2022], 2020, 0.1).round(4).tolist()
    [1.0, 1.1, 1.21]
    """
    if not math.isfinite(inflation) or inflation <= -1.0:
        raise ValueError(f"inflation must be > -1, a decimal (got {inflation})")
    y = np.asarray(years, dtype=np.float64)
    return np.power(1.0 + inflation, y - price_year)


def straight_line_depreciation(capital: npt.ArrayLike, life_years: int | None) -> FloatArray:
    """Straight-line depreciation by year of the capital spent in each year.

    Parameters
    ----------
    capital
        Capital spent by year [money per year, in the terms depreciation is wanted in].
    life_years
        Depreciation life [years]; None or 0: no depreciation.

    Returns
    -------
    ndarray
        Each year's capital / life, charged in each of the ``life_years`` years
        after the year it is spent (cut at the horizon) [money per year].

    Examples
    --------
    >>> straight_line_depreciation([10.0, 0.0, 0.0, 0.0], 2).tolist()
    [0.0, 5.0, 5.0, 0.0]
    """
    c = np.asarray(capital, dtype=np.float64)
    out = np.zeros_like(c)
    if not life_years:
        return out
    n = c.size
    for s in np.flatnonzero(c):
        out[s + 1 : min(n, s + 1 + life_years)] += c[s] / life_years
    return out


def entity_cash_flows(
    capital: npt.ArrayLike,
    operating: npt.ArrayLike,
    revenue: npt.ArrayLike,
    *,
    years: Sequence[int],
    price_year: int,
    terms: EntityTerms,
    life_years: int | None = None,
    residual_value: npt.ArrayLike | None = None,
) -> pd.DataFrame:
    """An entity's cash flows after income tax, real and nominal, by year.

    Parameters
    ----------
    capital, operating, revenue
        By year, financial prices, real (constant prices of ``price_year``)
        [money per year].
    years
        Calendar years of the rows.
    price_year
        Year of the constant prices [year].
    terms
        Tax rate and domestic inflation of the entity.
    life_years
        Depreciation life of the capital [years]; None: no depreciation allowed
        (a streams component), which overstates the tax.
    residual_value
        Value of the assets' remaining life in the horizon's last year, financial
        prices, real [money per year]; None: none. A terminal inflow of the FIRR
        (not a sale: not taxed, not cash for debt service).

    Returns
    -------
    pandas.DataFrame
        Index ``year``; columns ``capital``, ``operating``, ``revenue``,
        ``income_tax``, ``residual_value``, ``net`` (revenue - capital - O&M -
        income tax + residual value) [money per year, real]; ``price_index``
        [ratio]; ``income_tax_nominal``, ``cash_available_nominal`` (revenue -
        O&M - income tax) [money per year, nominal].

    Notes
    -----
    Tax is levied on nominal income: ``taxable = (revenue - O&M) x index -
    depreciation``, where depreciation is straight-line over ``life_years`` of the
    nominal capital (historic cost, not revalued); ``income tax = rate x
    max(taxable, 0)`` each year (losses are not carried forward, which
    overstates the tax in the first operating years). The real tax is the
    nominal tax / index. Interest is not deducted: the FIRR is measured before
    financing, and the tax shield on interest is in the WACC (ADB 2005,
    Financial Management and Analysis of Projects; docs/methods.md section 3).

    Examples
    --------
    >>> t = entity_cash_flows([10.0, 0, 0], [0, 1.0, 1.0], [0, 6.0, 6.0],
    ...     years=[2020, 2021, 2022], price_year=2020,
    ...     terms=EntityTerms(0.0, 0.25, 0.0), life_years=2)
    >>> t["income_tax"].tolist()  # 0.25 x (6 - 1 - 10 / 2)
    [0.0, 0.0, 0.0]
    >>> t["net"].tolist()
    [-10.0, 5.0, 5.0]
    """
    cap = np.asarray(capital, dtype=np.float64)
    om = np.asarray(operating, dtype=np.float64)
    rev = np.asarray(revenue, dtype=np.float64)
    rate = terms.income_tax_rate
    if not 0.0 <= rate < 1.0:
        raise ValueError(f"income_tax_rate must be in [0, 1), a decimal (got {rate})")
    index = inflation_index(years, price_year, terms.inflation)
    depreciation = straight_line_depreciation(cap * index, life_years)
    taxable = (rev - om) * index - depreciation
    tax_nominal = rate * np.maximum(taxable, 0.0)
    tax = tax_nominal / index
    residual = np.zeros_like(cap) if residual_value is None else np.asarray(residual_value, float)
    return pd.DataFrame(
        {
            "capital": cap,
            "operating": om,
            "revenue": rev,
            "income_tax": tax,
            "residual_value": residual,
            "net": rev - cap - om - tax + residual,
            "price_index": index,
            "income_tax_nominal": tax_nominal,
            "cash_available_nominal": (rev - om) * index - tax_nominal,
        },
        index=pd.Index(list(years), name="year"),
    )


def entity_debt_service(
    schedule: pd.DataFrame, on_lent_loan: float, loan_amount: float, years: Sequence[int]
) -> pd.DataFrame:
    """The on-lent part of a loan's schedule, on the case's years.

    Parameters
    ----------
    schedule
        The loan schedule by calendar year (:func:`appraisal.finance.loan_schedule`
        re-indexed), columns ``debt_service`` and ``principal_repaid`` [money per
        year, nominal].
    on_lent_loan, loan_amount
        The part on-lent and the whole loan [money]; ``loan_amount`` > 0.
    years
        The case's calendar years; loan years outside them are left out.

    Returns
    -------
    pandas.DataFrame
        Index ``year``: ``debt_service`` and ``principal_repaid`` of the whole loan
        scaled by ``on_lent_loan / loan_amount`` (the entity borrows on the loan's
        terms, so its schedule is the loan's in proportion) [money per year,
        nominal]; 0 in years without loan service.
    """
    if loan_amount <= 0:
        raise ValueError(f"loan amount must be > 0 to scale an on-lent part (got {loan_amount})")
    share = on_lent_loan / loan_amount
    idx = pd.Index(list(years), name="year")
    part = schedule[["debt_service", "principal_repaid"]].reindex(idx).fillna(0.0) * share
    return part.astype(np.float64)


def entity_dscr(
    cash_available_nominal: npt.ArrayLike,
    debt_service_nominal: npt.ArrayLike,
    principal_repaid: npt.ArrayLike,
) -> tuple[FloatArray, float | None]:
    """DSCR by year and its lowest value over the repayment years.

    Parameters
    ----------
    cash_available_nominal
        Revenue - O&M - income tax [money per year, nominal].
    debt_service_nominal, principal_repaid
        The entity's debt service and principal repaid [money per year, nominal].

    Returns
    -------
    (ndarray, float or None)
        The DSCR by year (NaN without debt service) [ratio], and its minimum from
        the first year of principal repayment on, as lenders read it (during
        construction only interest and fees fall due while the entity earns
        nothing yet); None when no repayment year falls within the years given.

    Examples
    --------
    >>> by_year, worst = entity_dscr([0.0, 3.0, 2.5], [0.1, 2.0, 2.0], [0.0, 1.5, 1.6])
    >>> worst
    1.25
    """
    ratio = dscr(cash_available_nominal, debt_service_nominal)
    repaying = np.flatnonzero(np.asarray(principal_repaid, dtype=np.float64) > 0)
    vals = ratio[repaying[0] :] if repaying.size else ratio[:0]
    vals = vals[np.isfinite(vals)]
    return ratio, (float(vals.min()) if vals.size else None)


def program_wacc_sources(
    sources: Sequence[Mapping[str, Any]], *, borrower_pays_income_tax: bool
) -> list[dict[str, Any]]:
    """The WACC table's sources for the borrower: no tax shield when it pays no income tax.

    A municipality pays no income tax, so its interest saves no tax: every
    source's ``tax_rate`` is taken as 0 unless ``borrower_pays_income_tax``.

    Examples
    --------
    >>> program_wacc_sources([{"name": "loan", "tax_rate": 0.25}],
    ...                      borrower_pays_income_tax=False)[0]["tax_rate"]
    0.0
    """
    out = [dict(s) for s in sources]
    if not borrower_pays_income_tax:
        for s in out:
            s["tax_rate"] = 0.0
    return out


def entity_wacc_sources(
    capital: float,
    terms: EntityTerms,
    *,
    loan_interest_rate: float | None,
    program_sources: Sequence[Mapping[str, Any]],
) -> list[dict[str, Any]]:
    """The WACC table of the financing an entity carries.

    Parameters
    ----------
    capital
        The entity's capital cost, undiscounted [money, financial prices].
    terms
        Its on-lent loan, income tax rate and domestic inflation.
    loan_interest_rate
        The loan's nominal rate [decimal per year]; None without a loan.
    program_sources
        The program's financing sources (``financing.sources``).

    Returns
    -------
    list of dict
        Sources for :func:`appraisal.finance.wacc_table`: the on-lent loan (its
        amount, the loan's nominal rate, the entity's tax rate and domestic
        inflation: the entity services it from domestic revenue), then the rest
        of the capital (``capital - on_lent_loan``, when > 0) split over the
        program's sources pro rata to their amounts, each at its own cost and
        inflation, with the entity's tax rate on debt (the entity deducts its
        interest). Empty when the entity carries nothing that can be costed.

    Examples
    --------
    >>> rows = entity_wacc_sources(30.0, EntityTerms(20.0, 0.25, 0.02),
    ...     loan_interest_rate=0.025,
    ...     program_sources=[{"name": "city", "amount": 100.0, "nominal_cost": 0.06,
    ...                       "inflation": 0.02, "is_debt": False}])
    >>> [(r["name"], r["amount"]) for r in rows]
    [('On-lent loan', 20.0), ('city', 10.0)]
    """
    rows: list[dict[str, Any]] = []
    if terms.on_lent_loan > 0 and loan_interest_rate is not None:
        rows.append(
            {
                "name": "On-lent loan",
                "amount": terms.on_lent_loan,
                "nominal_cost": loan_interest_rate,
                "tax_rate": terms.income_tax_rate,
                "inflation": terms.inflation,
                "is_debt": True,
            }
        )
    rest = capital - terms.on_lent_loan
    total = math.fsum(float(s["amount"]) for s in program_sources)
    if rest > 0 and total > 0:
        for s in program_sources:
            rows.append(
                {
                    **dict(s),
                    "amount": rest * float(s["amount"]) / total,
                    "tax_rate": terms.income_tax_rate,
                }
            )
    return rows


@dataclass(frozen=True)
class EntityAnalysis:
    """What :func:`entity_analysis` gives for one revenue-earning component.

    Attributes
    ----------
    table
        :func:`entity_cash_flows` with ``debt_service_nominal``,
        ``principal_repaid_nominal`` (the on-lent part) and ``dscr`` [ratio].
    wacc_table
        The WACC table of the financing it carries, or None.
    wacc
        Its real WACC [decimal per year], or None.
    summary
        JSON keys for its ``financial`` block: ``dscr_min`` and, when null,
        ``dscr_min_reason``.
    """

    table: pd.DataFrame
    wacc_table: pd.DataFrame | None
    wacc: float | None
    summary: dict[str, Any]


def entity_analysis(
    capital: npt.ArrayLike,
    operating: npt.ArrayLike,
    revenue: npt.ArrayLike,
    *,
    years: Sequence[int],
    price_year: int,
    terms: EntityTerms,
    life_years: int | None,
    residual_value: npt.ArrayLike | None = None,
    schedule: pd.DataFrame | None,
    loan_amount: float | None,
    loan_interest_rate: float | None,
    program_sources: Sequence[Mapping[str, Any]],
) -> EntityAnalysis:
    """Cash flows after tax, WACC and DSCR of one revenue-earning entity.

    Parameters are those of :func:`entity_cash_flows`, :func:`entity_debt_service`
    and :func:`entity_wacc_sources`; ``schedule`` is the loan schedule by calendar
    year (None without a loan).
    """
    table = entity_cash_flows(
        capital,
        operating,
        revenue,
        years=years,
        price_year=price_year,
        terms=terms,
        life_years=life_years,
        residual_value=residual_value,
    )
    summary: dict[str, Any] = {}
    reason = None
    if terms.on_lent_loan <= 0:
        reason = "carries no on-lent debt: no debt service to cover"
    elif schedule is None or not loan_amount:
        reason = "no loan schedule"
    if reason is None:
        assert schedule is not None and loan_amount
        part = entity_debt_service(schedule, terms.on_lent_loan, loan_amount, years)
        table["debt_service_nominal"] = part["debt_service"].to_numpy()
        table["principal_repaid_nominal"] = part["principal_repaid"].to_numpy()
        by_year, worst = entity_dscr(
            table["cash_available_nominal"].to_numpy(),
            table["debt_service_nominal"].to_numpy(),
            table["principal_repaid_nominal"].to_numpy(),
        )
        table["dscr"] = by_year
        summary["dscr_min"] = worst
        if worst is None:
            summary["dscr_min_reason"] = "no repayment year within the case years"
    else:
        summary["dscr_min"] = None
        summary["dscr_min_reason"] = reason
    rows = entity_wacc_sources(
        float(np.sum(np.asarray(capital, dtype=np.float64))),
        terms,
        loan_interest_rate=loan_interest_rate,
        program_sources=program_sources,
    )
    wt = wacc_table(rows) if rows else None
    w = float(math.fsum(wt["weighted_real_cost"])) if wt is not None else None
    return EntityAnalysis(table, wt, w, summary)
