"""Loan schedules (disbursement, fees, interest, repayment) and debt service coverage."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

import numpy as np
import numpy.typing as npt
import numpy_financial as npf
import pandas as pd

from appraisal.finance._common import FloatArray

__all__ = ["dscr", "loan_schedule"]


_SCHEDULE_COLUMNS: Final = (
    "year_index", "disbursed", "opening_balance", "commitment_fee", "interest",
    "principal_repaid", "debt_service", "closing_balance", "interest_capitalized",
)  # fmt: skip


def loan_schedule(
    principal: float,
    *,
    interest_rate: float,
    tenor_years: int,
    grace_years: int = 0,
    repayment: str = "annuity",
    disbursement: Sequence[float] = (1.0,),
    commitment_fee: float = 0.0,
    capitalize_interest: bool = False,
    years: int | None = None,
) -> pd.DataFrame:
    """Annual schedule of a loan: disbursement, interest, fees, repayment, balance.

    Parameters
    ----------
    principal : float
        Amount committed [money].
    interest_rate : float
        Interest on the outstanding balance [decimal per year].
    tenor_years : int
        Years from the first disbursement to the last repayment, grace included
        [years].
    grace_years : int, default 0
        Years (from year 0) in which no principal is repaid; interest is paid, or
        added to the balance when ``capitalize_interest`` [years].
    repayment : {"annuity", "level"}
        ``"annuity"``: level debt service (numpy-financial ``pmt``/``ipmt``/``ppmt``);
        ``"level"``: equal principal instalments.
    disbursement : sequence of float, default (1.0,)
        Share of ``principal`` disbursed in each year from year 0; non-negative,
        summing to 1 [share per year].
    commitment_fee : float, default 0
        Fee on the committed but undisbursed balance [decimal per year].
    capitalize_interest : bool, default False
        Add interest during grace to the balance (interest during construction)
        instead of paying it.
    years : int, optional
        Rows returned; default ``tenor_years``. Longer pads with zero years, shorter
        truncates [years].

    Returns
    -------
    pandas.DataFrame
        Index 0..years-1 (loan year) and columns ``year_index, disbursed,
        opening_balance, commitment_fee, interest, principal_repaid, debt_service,
        closing_balance, interest_capitalized`` [money per year; balances money].

    Raises
    ------
    ValueError
        For inconsistent terms, each named with its value.

    Notes
    -----
    Timing, stated because spreadsheets differ:

    - Disbursements happen at the end of their year, so a year's interest is
      ``interest_rate x opening balance`` and year 0 carries no interest.
    - The commitment fee of year k is ``commitment_fee x (principal - disbursed
      before year k)``: the undisbursed committed balance at the start of the year.
    - Repayment starts in year ``s = max(grace_years, number of disbursement
      years)``; ``grace_years`` from 1 up must cover the disbursement years (else a
      balance still being drawn would never be repaid). The balance outstanding at
      the start of year s (disbursed plus any capitalised interest) is repaid over
      ``tenor_years - s`` years: annuity ``pmt = B r / (1 - (1 + r)^-n)`` split by
      ``ipmt``/``ppmt``, or level ``B / n`` plus interest on the opening balance.
      The last instalment absorbs rounding so the closing balance is exactly 0 at
      the end of year ``tenor_years - 1``.
    - ``debt_service`` = interest paid (not capitalised) + principal repaid +
      commitment fee.

    Examples
    --------
    >>> from appraisal.finance import loan_schedule
    >>> s = loan_schedule(100.0, interest_rate=0.05, tenor_years=4, grace_years=1)
    >>> s[["interest", "principal_repaid", "debt_service"]].round(4)
       interest  principal_repaid  debt_service
    0    0.0000            0.0000        0.0000
    1    5.0000           31.7209       36.7209
    2    3.4140           33.3069       36.7209
    3    1.7486           34.9722       36.7209
    """
    if not math.isfinite(principal) or principal < 0:
        raise ValueError(f"principal must be a non-negative number (got {principal})")
    if not math.isfinite(interest_rate) or interest_rate <= -1.0:
        raise ValueError(f"interest_rate must be > -1, a decimal (got {interest_rate})")
    for label, n in (("tenor_years", tenor_years), ("grace_years", grace_years)):
        if isinstance(n, bool) or int(n) != n:
            raise ValueError(f"{label} must be a whole number of years (got {n!r})")
    tenor, grace = int(tenor_years), int(grace_years)
    if tenor < 1:
        raise ValueError(f"tenor_years must be at least 1 (got {tenor})")
    if grace < 0:
        raise ValueError(f"grace_years must be >= 0 (got {grace})")
    if repayment not in ("annuity", "level"):
        raise ValueError(f"repayment must be 'annuity' or 'level' (got {repayment!r})")
    if not math.isfinite(commitment_fee) or commitment_fee < 0:
        raise ValueError(f"commitment_fee must be >= 0, a decimal (got {commitment_fee})")
    shares = np.asarray(disbursement, dtype=np.float64)
    if shares.ndim != 1 or shares.size == 0:
        raise ValueError(f"disbursement must be a non-empty list of shares (got {disbursement!r})")
    if not np.isfinite(shares).all() or (shares < 0).any():
        raise ValueError(f"disbursement shares must be finite and >= 0 (got {shares.tolist()})")
    if abs(math.fsum(shares) - 1.0) > 1e-9:
        raise ValueError(
            f"disbursement shares must sum to 1 (got {math.fsum(shares):.12g} "
            f"from {shares.tolist()})"
        )
    n_disb = int(np.flatnonzero(shares)[-1]) + 1
    if 0 < grace < n_disb:
        raise ValueError(
            f"grace_years={grace} ends before the last disbursement (year {n_disb - 1}): "
            f"set grace_years to at least {n_disb}, or 0 to start repayment after "
            "disbursement"
        )
    start = max(grace, n_disb)
    if start >= tenor:
        raise ValueError(
            f"tenor_years={tenor} leaves no repayment year after grace/disbursement "
            f"(repayment would start in year {start})"
        )
    n_rows = tenor if years is None else years
    if isinstance(n_rows, bool) or int(n_rows) != n_rows or n_rows < 1:
        raise ValueError(f"years must be a positive whole number (got {years!r})")

    disbursed = np.zeros(tenor)
    disbursed[:n_disb] = principal * shares[:n_disb]
    opening = np.zeros(tenor)
    fee = np.zeros(tenor)
    interest = np.zeros(tenor)
    capitalized = np.zeros(tenor)
    repaid = np.zeros(tenor)
    balance = 0.0
    drawn = 0.0
    for k in range(start):  # grace and disbursement years
        opening[k] = balance
        fee[k] = commitment_fee * (principal - drawn)
        interest[k] = interest_rate * balance
        if capitalize_interest:
            capitalized[k] = interest[k]
        drawn += disbursed[k]
        balance += disbursed[k] + capitalized[k]
    n_rep = tenor - start
    per = np.arange(1, n_rep + 1)
    if repayment == "annuity":
        # numpy-financial evaluates its rate = 0 branch alongside a 0/0 it then discards
        with np.errstate(divide="ignore", invalid="ignore"):
            repaid[start:] = npf.ppmt(interest_rate, per, n_rep, -balance)
    else:
        repaid[start:] = balance / n_rep
    for k in range(start, tenor):
        opening[k] = balance
        interest[k] = interest_rate * balance
        if k == tenor - 1:
            repaid[k] = balance  # absorbs rounding: the loan is fully repaid
        balance -= repaid[k]
    closing = opening + disbursed + capitalized - repaid
    closing[-1] = 0.0
    service = interest - capitalized + repaid + fee
    table = pd.DataFrame(
        {
            "year_index": np.arange(tenor),
            "disbursed": disbursed,
            "opening_balance": opening,
            "commitment_fee": fee,
            "interest": interest,
            "principal_repaid": repaid,
            "debt_service": service,
            "closing_balance": closing,
            "interest_capitalized": capitalized,
        }
    )
    n_rows = int(n_rows)
    if n_rows < tenor:
        table = table.iloc[:n_rows].copy()
    elif n_rows > tenor:
        pad = pd.DataFrame(0.0, index=range(tenor, n_rows), columns=list(_SCHEDULE_COLUMNS))
        pad["year_index"] = np.arange(tenor, n_rows)
        table = pd.concat([table, pad])
    table.index = pd.RangeIndex(n_rows)
    return table


def dscr(cash_available: npt.ArrayLike, debt_service: npt.ArrayLike) -> FloatArray:
    """Debt service coverage ratio by year.

    Parameters
    ----------
    cash_available : array_like
        Cash available for debt service (revenue less operating costs and taxes)
        [money per year].
    debt_service : array_like
        Debt service due, broadcasting with ``cash_available`` [money per year].

    Returns
    -------
    ndarray
        ``cash_available / debt_service`` elementwise; NaN where debt service is 0
        (no ratio in years without debt service) [ratio].

    Examples
    --------
    >>> from appraisal.finance import dscr
    >>> dscr([0.0, 130.0, 90.0], [0.0, 100.0, 100.0])
    array([nan, 1.3, 0.9])
    """
    cash = np.asarray(cash_available, dtype=np.float64)
    service = np.asarray(debt_service, dtype=np.float64)
    out = np.full(np.broadcast_shapes(cash.shape, service.shape), np.nan)
    np.divide(cash, service, out=out, where=service != 0)
    return out
