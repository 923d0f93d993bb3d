"""Discounting: net present value and the modified internal rate of return."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from appraisal.finance._common import FloatArray, _cash_flows, _check_finite

__all__ = ["mirr", "npv"]


def npv(
    rate: npt.ArrayLike, values: npt.ArrayLike, *, first_year_discounted: bool = True
) -> float | FloatArray:
    """Net present value of one or many cash-flow streams.

    Parameters
    ----------
    rate : scalar or array_like
        Discount rate per period; an array broadcasts against the stream axes of
        ``values`` (e.g. one rate per row of a 2-D ``values``) [decimal per year].
    values : array_like, shape (T,) or (n, T)
        Net cash flows by period, outflows negative; a 2-D array holds one stream
        per row, periods in columns [money per year].
    first_year_discounted : bool, default True
        True (Excel ``NPV`` convention, the ADB default): ``values[0]`` is at the end
        of the first period and is discounted once. False (numpy-financial
        convention): ``values[0]`` is at time 0, undiscounted.

    Returns
    -------
    float or ndarray
        A Python float for a scalar rate and a 1-D stream; otherwise an array of
        shape ``broadcast(rate.shape, values.shape[:-1])`` [money, present value].

    Notes
    -----
    With ``s = 1`` if ``first_year_discounted`` else ``0``:

    .. math:: NPV = \\sum_{t=0}^{T-1} \\frac{v_t}{(1+r)^{t+s}}

    ``s = 0`` is numpy-financial ``npv`` (Gitman, *Principles of Managerial Finance*,
    2003, p. 346); ``s = 1`` is Excel ``NPV``, which ADB (2013) *Cost-Benefit Analysis
    for Development* applies from the first year of construction. A t = 0 engine
    overstates an Excel-convention NPV by a factor (1 + r). NaN flows give NaN.

    Examples
    --------
    >>> from appraisal.finance import npv
    >>> round(npv(0.10, [-100.0, 60.0, 60.0]), 4)  # Excel NPV(10%, -100, 60, 60)
    3.7566
    >>> round(npv(0.10, [-100.0, 60.0, 60.0], first_year_discounted=False), 4)
    4.1322
    >>> npv(0.10, [[-100.0, 60.0, 60.0], [-50.0, 30.0, 30.0]]).round(4)
    array([3.7566, 1.8783])
    >>> npv([0.0, 0.10], [[-100.0, 60.0, 60.0], [-50.0, 30.0, 30.0]]).round(4)  # a rate per row
    array([20.    ,  1.8783])
    """
    v = _cash_flows(values)
    r = np.asarray(rate, dtype=np.float64)
    if np.any(r <= -1.0):
        bad = float(r.min())
        raise ValueError(f"discount rate must be greater than -1 (got {bad})")
    exponents = np.arange(v.shape[-1], dtype=np.float64) + (1.0 if first_year_discounted else 0.0)
    if r.ndim == 0:
        discount = (1.0 + float(r)) ** -exponents
        out = v @ discount
        return float(out) if v.ndim == 1 else np.asarray(out, dtype=np.float64)
    discount = (1.0 + r)[..., None] ** -exponents
    return np.asarray((v * discount).sum(axis=-1), dtype=np.float64)


def mirr(
    values: npt.ArrayLike, finance_rate: npt.ArrayLike, reinvest_rate: npt.ArrayLike
) -> float | FloatArray:
    """Modified internal rate of return, as numpy-financial ``mirr`` and Excel ``MIRR``.

    Parameters
    ----------
    values : array_like, shape (T,) or (n, T)
        Net cash flows by period, outflows negative; 2-D: one stream per row
        [money per year].
    finance_rate : float or array_like
        Rate paid on the outflows; an array gives one rate per row [decimal per year].
    reinvest_rate : float or array_like
        Rate earned on reinvested inflows; an array gives one rate per row
        [decimal per year].

    Returns
    -------
    float or ndarray
        MIRR, a float for 1-D ``values``, shape (n,) for 2-D; NaN for a stream
        without both a positive and a negative flow [decimal per year].

    Raises
    ------
    ValueError
        If ``values`` holds NaN or an infinite value (named).

    Notes
    -----
    .. math:: MIRR = \\left(\\frac{FV_{reinvest}(\\text{inflows})}
              {-PV_{finance}(\\text{outflows})}\\right)^{1/(T-1)} - 1

    with the inflows compounded to the last period at the reinvestment rate and
    the outflows discounted to period 0 at the finance rate; identical to Excel
    ``MIRR`` and numpy-financial ``mirr`` (which computes it as
    ``(|npv(reinvest, inflows)| / |npv(finance, outflows)|) ** (1/(T-1)) *
    (1 + reinvest) - 1`` with t = 0 NPVs). It does not depend on the NPV timing
    convention.

    Examples
    --------
    >>> from appraisal.finance import mirr
    >>> round(mirr([-100.0, 230.0, -132.0], 0.10, 0.12), 6)  # numpy-financial: 0.109955
    0.109955
    >>> mirr([100.0, 50.0], 0.1, 0.1)
    nan
    """
    v = _cash_flows(values)
    _check_finite(v)
    t = v.shape[-1]
    fr = np.asarray(finance_rate, dtype=np.float64)
    rr = np.asarray(reinvest_rate, dtype=np.float64)
    ok = (v > 0).any(axis=-1) & (v < 0).any(axis=-1)
    if t < 2:
        res = np.full(v.shape[:-1], np.nan)
    else:
        inflow = np.asarray(npv(rr, np.where(v > 0, v, 0.0), first_year_discounted=False))
        outflow = np.asarray(npv(fr, np.where(v < 0, v, 0.0), first_year_discounted=False))
        with np.errstate(divide="ignore", invalid="ignore"):
            res = (np.abs(inflow) / np.abs(outflow)) ** (1.0 / (t - 1)) * (1.0 + rr) - 1.0
        res = np.where(ok, res, np.nan)
    if v.ndim == 1 and res.ndim == 0:
        return float(res)
    return np.asarray(res, dtype=np.float64)
