"""Shared private helpers of :mod:`appraisal.finance`: array types, input checks, polynomials.

Validation of cash flows and of the IRR search range, Horner evaluation of many
polynomials at once, sign-change counting and the rate at which the root variable
switches from 1/(1+r) to 1+r.
"""

from __future__ import annotations

import math
from typing import Final

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]

_EPS: Final = float(np.finfo(np.float64).eps)
# Up to this many polynomials are evaluated from explicit powers rather than by Horner.
_FEW: Final = 16


def _check_finite(v: FloatArray, name: str = "values") -> None:
    """Raise ValueError naming the first NaN or infinite cash flow."""
    bad = ~np.isfinite(v)
    if bad.any():
        where = np.argwhere(bad)[0]
        what = "NaN" if np.isnan(v[tuple(where)]) else "an infinite value"
        loc = (
            f"index {int(where[0])}"
            if v.ndim == 1
            else (f"row {int(where[0])}, year index {int(where[1])}")
        )
        raise ValueError(f"{name} contains {what} at {loc}: cash flows must be finite numbers")


def _cash_flows(values: npt.ArrayLike, *, ndims: tuple[int, ...] = (1, 2)) -> FloatArray:
    v = np.asarray(values, dtype=np.float64)
    if v.ndim not in ndims:
        want = " or ".join(f"{d}-D" for d in ndims)
        raise ValueError(f"values must be {want} (got {v.ndim}-D, shape {v.shape})")
    return v


def _check_range(low: float, high: float) -> None:
    if not (math.isfinite(low) and math.isfinite(high) and -1.0 < low < high):
        raise ValueError(
            f"IRR search range must satisfy -1 < low < high, finite (got low={low}, high={high})"
        )


def _horner(
    coef: FloatArray, z: FloatArray, *, derivative: bool
) -> tuple[FloatArray, FloatArray | None]:
    """Evaluate ``sum_j coef[j, i] * z[i] ** j`` (and its derivative) for every column i.

    Horner's rule, one vectorised step per coefficient; for a few columns, where the
    cost is per numpy call, the same sums from explicit powers in a handful of calls.
    """
    t, m = coef.shape
    if m <= _FEW:
        expo = np.arange(t, dtype=np.float64)[:, None]
        powers = z[None, :] ** expo
        p_small = (coef * powers).sum(axis=0)
        if not derivative:
            return p_small, None
        return p_small, (coef[1:] * expo[1:] * powers[:-1]).sum(axis=0)
    p = coef[t - 1].copy()
    if not derivative:
        for j in range(t - 2, -1, -1):
            np.multiply(p, z, out=p)
            np.add(p, coef[j], out=p)
        return p, None
    dp = np.zeros_like(p)
    for j in range(t - 2, -1, -1):
        np.multiply(dp, z, out=dp)
        np.add(dp, p, out=dp)
        np.multiply(p, z, out=p)
        np.add(p, coef[j], out=p)
    return p, dp


def _sign_changes(vt: FloatArray) -> tuple[IntArray, FloatArray]:
    """Sign changes (zeros skipped) and sign of the last non-zero flow, per column.

    ``vt`` is (years, streams). Whole-array passes: each sign against the last non-zero
    sign before it (carried forward by a running maximum of its year index).
    """
    t, m = vt.shape
    s = np.sign(vt)
    year = np.where(s != 0, np.arange(t)[:, None], -1)
    np.maximum.accumulate(year, axis=0, out=year)
    carried = np.take_along_axis(s, np.maximum(year, 0), axis=0)
    carried[year < 0] = 0.0  # no non-zero flow yet
    changes = np.count_nonzero(s[1:] * carried[:-1] < 0, axis=0)
    last = carried[-1] if t else np.zeros(m)
    return np.asarray(changes, dtype=np.intp), last


def _split_rate(n_years: int) -> float:
    """Rate below which roots are sought in y = 1 + r rather than x = 1/(1+r).

    Above it the polynomial is the NPV itself, sum v_t x^t (smoothest near usual IRRs);
    below it, sum v_t y^(T-1-t) = NPV x (1+r)^(T-1), whose powers stay at most 1 however
    close to -100% the rate. The split keeps x^(T-1) below 1e250: -50% up to 831 years.
    """
    return -min(0.5, 1.0 - float(10.0 ** (-250.0 / max(n_years - 1, 1))))
