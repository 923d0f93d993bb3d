"""Financial analysis: NPV, IRR, MIRR, WACC, loan schedules and debt service coverage.

Pure functions over numpy arrays (pandas only for the two tables). Methods follow
``../shared/METHODS.md`` sections 3, 5 and 9.

Conventions shared by every function here:

- Rates are decimals per period (0.09, never 9).
- Cash flows are signed: outflows (investment, costs) negative, inflows positive.
- ``values[t]`` is the net flow of period ``t``, periods one year apart.
- :func:`npv` discounts ``values[0]`` by one period by default, as Excel ``NPV``
  and published ADB economic cash-flow tables do; numpy-financial leaves it
  undiscounted. The IRR is the same under both conventions.
- A stream with more than one sign change can have several IRRs or none: the IRR
  functions report every real root in the range searched, and :func:`irr` gives
  NaN rather than pick one.
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import numpy as np
import numpy.typing as npt
import numpy_financial as npf
import pandas as pd

__all__ = [
    "IrrResult",
    "dscr",
    "irr",
    "irr_detail",
    "irr_roots",
    "loan_schedule",
    "mirr",
    "npv",
    "wacc",
    "wacc_table",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]
BoolArray = npt.NDArray[np.bool_]
_Real = TypeVar("_Real", npt.NDArray[np.float64], npt.NDArray[np.float32])

_EPS: Final = float(np.finfo(np.float64).eps)
# Two roots closer than this (relative to 1 + r) are one root.
_DEDUPE_TOL: Final = 1e-9
# Newton stops when the error it estimates after the step is below this, relative to
# the root variable (1/(1+r) or 1+r), so about this relative to 1 + r.
_NEWTON_TOL: Final = 1e-13
_NEWTON_MAXITER: Final = 100
# An eigenvalue of the companion matrix is taken as real when its imaginary part is
# below this (relative); a double real root comes back as a pair about sqrt(eps) apart.
_IMAG_TOL: Final = 1e-6
# Companion matrices solved per LAPACK batch (bounds memory: batch x degree^2 doubles).
_EIG_BATCH: Final = 2048
# OpenBLAS runs a matrix product on one thread when M x N x K <= 4 x 65536 (its
# GEMM_MULTITHREAD_THRESHOLD); its threads wait on each other badly when the cores are
# shared with other work, so the grid products are cut into pieces below that size.
_SERIAL_GEMM: Final = 262144
# Up to this many polynomials are evaluated from explicit powers rather than by Horner.
_FEW: Final = 16
# Streams handled per vectorised pass inside a chunk (keeps the working set in cache).
_BLOCK: Final = 8192
# Rates at which the NPV of every stream is evaluated in one matrix product to bracket
# a unique root (clipped to the search range, which is added). Dense where IRRs lie.
_GRID_RATES: Final = (
    -0.9, -0.75, -0.6, -0.45, -0.3, -0.2, -0.14, -0.09, -0.05, -0.02, 0.0, 0.02, 0.04, 0.06,
    0.08, 0.1, 0.125, 0.15, 0.18, 0.21, 0.25, 0.3, 0.36, 0.45, 0.6, 0.8, 1.1, 1.6, 2.5, 4.0,
    6.5,
)  # fmt: skip


# --------------------------------------------------------------------------- helpers
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


def _pct(r: float) -> str:
    return f"{r * 100:g}%"


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

    ``vt`` is (years, streams). Loops over years, not streams.
    """
    t, m = vt.shape
    last = np.zeros(m)
    changes = np.zeros(m, dtype=np.intp)
    for j in range(t):
        s = np.sign(vt[j])
        changes += (s * last) < 0
        last = np.where(s != 0, s, last)
    return changes, last


def _split_rate(n_years: int) -> float:
    """Rate below which roots are sought in y = 1 + r rather than x = 1/(1+r).

    Above it the polynomial is the NPV itself, sum v_t x^t (smoothest near usual IRRs);
    below it, sum v_t y^(T-1-t) = NPV x (1+r)^(T-1), whose powers stay at most 1 however
    close to -100% the rate. The split keeps x^(T-1) below 1e250: -50% up to 831 years.
    """
    return -min(0.5, 1.0 - float(10.0 ** (-250.0 / max(n_years - 1, 1))))


@dataclass(frozen=True)
class _Grid:
    """Bracketing grid for one stream length and search range (see :func:`_grid`)."""

    rates: FloatArray  # non-decreasing, low .. high
    z: FloatArray  # root variable at each rate: 1/(1+r), or 1+r where ``form_y``
    mat: FloatArray  # (grid, years): product with a stream = the polynomial in z
    mat_t: FloatArray  # ``mat.T``, contiguous
    mat32_t: npt.NDArray[np.float32]  # (years, grid): ``mat.T`` in single precision
    err32: FloatArray  # per grid rate: single-precision error bound per unit max |flow|
    err64: FloatArray  # the same in double precision
    max32: float  # largest max |flow| whose single-precision products cannot overflow
    form_y: BoolArray  # grid point in the 1+r form
    # Per index k of the first grid point above a root (bracket k-1, k):
    z_lo: FloatArray  # bracket end with the smaller z
    z_hi: FloatArray  # bracket end with the larger z
    points: IntArray  # (4, grid): k-1, k and two more points of the same form (or k)
    has_extra: BoolArray  # (2, grid): whether each of the two more points exists
    degenerate: BoolArray  # k-1 and k are the split rate in its two forms


@functools.lru_cache(maxsize=64)
def _grid(n_years: int, low: float, high: float) -> _Grid:
    """Bracketing grid for the search range.

    The rates run from ``low`` to ``high`` through the dense list ``_GRID_RATES``, with
    the split rate of :func:`_split_rate` twice when inside (once in each form). The
    matrix gives, in one product with a (years, streams) array, every stream's
    polynomial in its root variable at every grid rate: the NPV times a positive
    factor, so with the NPV's sign.
    """
    split = _split_rate(n_years)
    inner = [r for r in _GRID_RATES if low < r < high and r != split]
    both = [split, split] if low < split < high else []
    rates = np.array(sorted([low, high, *inner, *both]))
    form_y = rates < split
    if both:
        form_y[np.flatnonzero(rates == split)[0]] = True  # the first copy: 1+r form
    form_y |= (rates == split) & (high <= split)
    z = np.where(form_y, 1.0 + rates, 1.0 / (1.0 + rates))
    t = np.arange(n_years, dtype=np.float64)
    powers = np.where(form_y[:, None], (n_years - 1 - t)[None, :], t[None, :])
    mat = np.ascontiguousarray(z[:, None] ** powers)
    g = rates.size
    k = np.arange(g)
    km1 = np.maximum(k - 1, 0)
    # z = 1+r increases with r, z = 1/(1+r) decreases.
    z_lo = np.where(form_y, z[km1], z)
    z_hi = np.where(form_y, z, z[km1])
    # Inverse interpolation wants up to two more points of the same form as the bracket,
    # nearest first (in the 1+r form, k+1 may be the other copy of the split rate).
    extra = np.full((2, g), -1, dtype=np.intp)
    for i in range(1, g):
        order = [i - 2, i + 1, i - 3, i + 2] if form_y[i] else [i + 1, i - 2, i + 2, i - 3]
        found = [c for c in order if 0 <= c < g and form_y[c] == form_y[i] == form_y[i - 1]]
        for n, c in enumerate(found[:2]):
            extra[n, i] = c
    degenerate = (k > 0) & (rates[km1] == rates)
    has_extra = extra >= 0
    points = np.stack(
        [km1, k, np.where(has_extra[0], extra[0], k), np.where(has_extra[1], extra[1], k)]
    )
    # The bracketing product may run in single precision (twice as fast); a sign it
    # decides is trusted when the value is beyond the rounding bound of a float32
    # product of T terms, (T + 4) eps32 sum_t |v_t| z^t <= (T + 4) eps32 max|v| sum_t z^t
    # (Higham 2002, 3.1), taken twice; else that stream is redone in double precision.
    mat32_t = np.ascontiguousarray(mat.T, dtype=np.float32)
    err32 = 2.0 * (n_years + 4) * float(np.finfo(np.float32).eps) * mat.sum(axis=1)
    err64 = err32 * (_EPS / float(np.finfo(np.float32).eps))
    largest = float(mat.max())
    max32 = 1e36 / (largest * n_years) if largest < 1e30 else 0.0
    mat_t = np.ascontiguousarray(mat.T)
    grid = _Grid(
        rates, z, mat, mat_t, mat32_t, err32, err64, max32, form_y, z_lo, z_hi, points,
        has_extra, degenerate,
    )  # fmt: skip
    arrays = (rates, z, mat, mat_t, mat32_t, err32, err64, form_y, z_lo, z_hi, points, has_extra)
    for a in (*arrays, degenerate):
        a.setflags(write=False)
    return grid


def _serial_matmul_rows(a: _Real, b: _Real) -> _Real:
    """``a @ b`` for a tall ``a`` and a small ``b``, in single-threaded row pieces."""
    m, t = a.shape
    g = b.shape[1]
    step = max(1, _SERIAL_GEMM // max(g * t, 1))
    if m <= step:
        return a @ b
    out = np.empty((m, g), dtype=np.result_type(a, b))
    for s in range(0, m, step):
        np.matmul(a[s : s + step], b, out=out[s : s + step])
    return out


# ------------------------------------------------------------------------------ NPV
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


# ------------------------------------------------------------------------------ IRR
@dataclass(frozen=True)
class IrrResult:
    """An IRR with every real root found and, when there is no single IRR, why not.

    Attributes
    ----------
    value : float or None
        The IRR when the stream has exactly one real root in the range searched,
        else None [decimal per year].
    roots : tuple of float
        Every distinct real root in the range, increasing [decimal per year].
    reason : str or None
        Why ``value`` is None (no sign change, no root in range, several roots);
        None when ``value`` is set.
    """

    value: float | None
    roots: tuple[float, ...]
    reason: str | None


def _polish(
    coef: FloatArray, z0: FloatArray, maxiter: int = 60
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Newton on each column of ``coef`` from ``z0``; returns z, |p(z)| and its noise bound.

    A column stops when its step is below 1e-15 of z or stops shrinking (rounding
    level reached; at a multiple root the steps shrink only linearly, and go on).
    """
    z = z0.copy()
    prev = np.full(z.size, np.inf)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        active = np.arange(z.size)
        for _ in range(maxiter):
            if active.size == 0:
                break
            za = z[active]
            p, dp = _horner(coef[:, active], za, derivative=True)
            assert dp is not None
            step = p / dp
            size = np.abs(step)
            last = prev[active]
            # a step that does not shrink is rounding noise: not taken, and the end
            ok = np.isfinite(step) & (za - step > 0) & (size < last)
            z[active] = np.where(ok, za - step, za)
            moving = ok & (size > 1e-15 * za) & (size < 0.9 * last)
            prev[active] = size
            active = active[moving]
        p, _ = _horner(coef, z, derivative=False)
        scale, _ = _horner(np.abs(coef), z, derivative=False)
    # Rounding bound of Horner's rule: about 2 T eps sum |a_j| z^j (Higham 2002, 5.1).
    noise = 4.0 * coef.shape[0] * _EPS * scale
    return z, np.abs(p), noise


def _to_rate(z: FloatArray, form_y: BoolArray) -> FloatArray:
    return np.where(form_y, z - 1.0, 1.0 / z - 1.0)


def _to_z(r: FloatArray, form_y: BoolArray) -> FloatArray:
    return np.where(form_y, 1.0 + r, 1.0 / (1.0 + r))


def _coef_for(v_rows: FloatArray, form_y: BoolArray) -> FloatArray:
    """(years, k) polynomial coefficients in z for each row: in 1+r (reversed) or 1/(1+r)."""
    fwd = v_rows.T
    return np.ascontiguousarray(np.where(form_y[None, :], fwd[::-1], fwd))


def _real_roots_batch(v: FloatArray, low: float, high: float) -> tuple[IntArray, FloatArray]:
    """All distinct real roots in [low, high] of many streams, by companion eigenvalues.

    Returns ``(row, root)`` arrays sorted by row then root. Loops over polynomial
    degrees and batches of companion matrices, never over streams.
    """
    t = v.shape[1]
    if t < 2:
        return np.zeros(0, dtype=np.intp), np.zeros(0)
    nz = v != 0
    has = nz.any(axis=1)
    first = nz.argmax(axis=1)
    last = t - 1 - nz[:, ::-1].argmax(axis=1)
    degree = np.where(has, last - first, 0)
    rows_out: list[IntArray] = []
    r_out: list[FloatArray] = []
    for d in np.unique(degree[degree >= 1]):
        d = int(d)
        idx_all = np.flatnonzero(degree == d)
        for s in range(0, idx_all.size, _EIG_BATCH):
            idx = idx_all[s : s + _EIG_BATCH]
            cols = first[idx][:, None] + np.arange(d + 1)
            c = v[idx[:, None], cols]  # c[:, k]: coefficient of x^k, c[:, 0] and c[:, d] != 0
            # Monic in x (divide by c_d), or in y = 1/x = 1 + r (divide by c_0), whichever
            # end coefficient is larger, so the companion entries stay moderate.
            in_y = np.abs(c[:, 0]) > np.abs(c[:, d])
            hi_first = np.where(in_y[:, None], c, c[:, ::-1])  # highest power first
            with np.errstate(over="ignore"):
                top = -hi_first[:, 1:] / hi_first[:, :1]
            if not np.isfinite(top).all():
                raise ValueError(
                    "cash flows span more than 1e308 in magnitude: their IRRs cannot be "
                    "computed in double precision"
                )
            comp = np.zeros((idx.size, d, d))
            comp[:, 0, :] = top
            if d > 1:
                comp[:, np.arange(1, d), np.arange(d - 1)] = 1.0
            eig = np.linalg.eigvals(comp)
            real = (np.abs(eig.imag) <= _IMAG_TOL * np.abs(eig)) & (eig.real > 0)
            r_i, k_i = np.nonzero(real)
            e = eig.real[r_i, k_i]
            with np.errstate(divide="ignore", over="ignore"):
                r_out.append(np.where(in_y[r_i], e - 1.0, 1.0 / e - 1.0))
            rows_out.append(idx[r_i])
    if not rows_out:
        return np.zeros(0, dtype=np.intp), np.zeros(0)
    rows = np.concatenate(rows_out)
    r0 = np.concatenate(r_out)
    slack = 1e-6 * (1.0 + np.abs(r0))
    keep = (r0 >= low - slack) & (r0 <= high + slack)
    rows, r0 = rows[keep], r0[keep]
    if rows.size == 0:
        return rows, r0
    side = r0 < _split_rate(t)
    coef = _coef_for(v[rows], side)
    z0 = _to_z(r0, side)
    z, resid, noise = _polish(coef, z0)
    r = _to_rate(z, side)
    # A root within 1e-12 (relative to 1 + r) of a range end counts as at that end.
    hair = 1e-12 * (1.0 + np.abs(r))
    ok = (resid <= noise) & (r >= low - hair) & (r <= high + hair) & np.isfinite(r)
    rows, r, coef = rows[ok], np.clip(r[ok], low, high), coef[:, ok]
    order = np.lexsort((r, rows))
    rows, r, coef = rows[order], r[order], coef[:, order]
    if rows.size > 1:
        same_row = rows[1:] == rows[:-1]
        gap = np.diff(r)
        dup = same_row & (gap <= _DEDUPE_TOL * (1.0 + np.abs(r[1:])))
        # A multiple root comes back as a cluster a few 1e-8 apart: merge two roots when
        # the NPV midway between them is within rounding noise of zero.
        near = same_row & ~dup & (gap <= 1e-6 * (1.0 + np.abs(r[1:])))
        if near.any():
            k = np.flatnonzero(near)
            mid = 0.5 * (r[k] + r[k + 1])
            mside = mid < _split_rate(t)
            cm = _coef_for(v[rows[k]], mside)
            zm = _to_z(mid, mside)
            pm, _ = _horner(cm, zm, derivative=False)
            sm, _ = _horner(np.abs(cm), zm, derivative=False)
            dup[k] |= np.abs(pm) <= 4.0 * t * _EPS * sm
        keep_first = np.concatenate(([True], ~dup))
        rows, r = rows[keep_first], r[keep_first]
    return rows, r


def irr_roots(values: npt.ArrayLike, *, low: float = -0.99, high: float = 10.0) -> list[float]:
    """Every real IRR of one cash-flow stream in a range of rates.

    Parameters
    ----------
    values : array_like, shape (T,)
        Net cash flows by period, outflows negative [money per year].
    low, high : float
        Range of rates searched, inclusive, ``-1 < low < high`` [decimal per year].

    Returns
    -------
    list of float
        The distinct real roots r of NPV(r) = 0 in ``[low, high]``, increasing,
        each polished by Newton's method to about 1e-12; empty when there is none
        (all-zero stream, no sign change, or no root in range) [decimal per year].

    Raises
    ------
    ValueError
        If ``values`` is not 1-D or holds NaN or an infinite value (named).

    Notes
    -----
    NPV(r) = 0 is the polynomial equation :math:`\\sum_t v_t x^t = 0` in
    :math:`x = 1/(1+r)` (the timing convention of the first flow does not change
    it). Its roots are the eigenvalues of the companion matrix, as in
    ``numpy.roots`` and numpy-financial ``irr``; the real positive ones in range
    are polished by Newton on the polynomial (in ``1/(1+r)`` for r >= 0, in ``1+r``
    for r < 0, so no power exceeds 1) and kept when the polished residual is
    within Horner's rounding bound. Roots closer than 1e-9 x (1 + r) are one root,
    and a multiple root (a cluster of roots about 1e-8 apart with the NPV zero
    within rounding between them) is reported once. Leading and trailing zero
    flows do not add roots. A stream with k sign changes has at most k positive
    roots in x (Descartes' rule of signs).

    Examples
    --------
    >>> from appraisal.finance import irr_roots
    >>> [round(r, 12) for r in irr_roots([-100.0, 230.0, -132.0])]
    [0.1, 0.2]
    >>> irr_roots([100.0, 50.0])
    []
    """
    v = _cash_flows(values, ndims=(1,))
    _check_finite(v)
    _check_range(low, high)
    _, roots = _real_roots_batch(v[None, :], low, high)
    return [float(r) for r in roots]


def _irr_block(
    v: FloatArray, low: float, high: float, buffer: FloatArray | None = None
) -> FloatArray:
    """IRR of each row of ``v`` (m, T): the root when exactly one lies in range, else NaN.

    ``buffer``, at least (T, m), receives the transposed flows (reused across blocks).
    """
    m, t = v.shape
    out = np.full(m, np.nan)
    if t < 2:
        return out
    if buffer is None:
        vt = v.T.copy()
    else:  # (years, streams), private: modified in place below
        vt = buffer[:, :m]
        np.copyto(vt, v.T)
    # Descartes' rule: exactly one sign change gives exactly one root x = 1/(1+r) > 0.
    # Fast test, outflows first: negative at t = 0, never negative again once not, and
    # some inflow (zeros allowed after the first inflow).
    neg = vt < 0
    top = vt.max(axis=0)
    largest = np.maximum(top, -vt.min(axis=0))
    single = neg[0] & (top > 0) & ~(neg[1:] > neg[:-1]).any(axis=0)  # NaN: top is NaN
    flip = np.zeros(m, dtype=bool)  # negated (same roots) to put the outflows first
    if not single.all():
        rest = np.flatnonzero(~single)
        _check_finite(v[rest])  # NaN fails the fast test (inf that passes: see below)
        vr = vt[:, rest]
        neg_r = vr < 0
        pos_r = vr > 0
        any_neg = neg_r.any(axis=0)
        in_out = pos_r[0] & any_neg & ~(pos_r[1:] > pos_r[:-1]).any(axis=0)
        single[rest] = in_out
        flip[rest] = in_out
        # Neither pattern: no root when one sign only, else count the sign changes.
        other = ~in_out & any_neg & pos_r.any(axis=0)
        if other.any():
            rest = rest[other]
            changes, last = _sign_changes(vr[:, other])
            one = changes == 1
            single[rest[one]] = True
            flip[rest[one]] = last[one] < 0
            multi = rest[changes >= 2]
            if multi.size:
                rows, roots = _real_roots_batch(v[multi], low, high)
                out[multi] = _unique_root(rows, roots, multi.size)
    if flip.any():
        vt[:, flip] = -vt[:, flip]
    sign = np.where(flip, -1.0, 1.0)
    if single.all():
        out[:] = _irr_single(v, vt, sign, largest, low, high)
    elif single.any():
        idx = np.flatnonzero(single)
        vt_idx = np.ascontiguousarray(vt[:, idx])
        out[idx] = _irr_single(v[idx], vt_idx, sign[idx], largest[idx], low, high)
    return out


def _unique_root(rows: IntArray, roots: FloatArray, n: int) -> FloatArray:
    """Per stream 0..n-1: its root when it has exactly one in ``rows``, else NaN."""
    count = np.bincount(rows, minlength=n)
    out = np.full(n, np.nan)
    unique = np.flatnonzero(count == 1)
    out[unique] = roots[np.searchsorted(rows, unique)]
    return out


def _first_nonpositive(f: npt.NDArray[np.floating[Any]]) -> IntArray:
    """Per row of ``f`` (streams, grid): index of the first value <= 0, or the width.

    With one root the positive values are a prefix, so this is the grid index just
    at or above the root (the width when the root lies above the last rate).
    """
    above = np.asarray((f <= 0).argmax(axis=1), dtype=np.intp)
    above[f[:, -1] > 0] = f.shape[1]
    return above


def _irr_single(
    v: FloatArray,
    vt: FloatArray,
    sign: FloatArray,
    largest: FloatArray,
    low: float,
    high: float,
) -> FloatArray:
    """Streams with one sign change: grid bracket, then Newton, all vectorised.

    ``v`` (streams, years) holds the flows, ``vt`` (years, streams) the same times
    ``sign`` (-1 for streams negated to put their outflows first), and is modified in
    place; ``largest`` is each stream's largest absolute flow. ``sign`` x NPV(r) is
    positive below the unique root, negative above it.
    """
    m, t = v.shape
    grid = _grid(t, low, high)
    g = grid.rates.size
    out = np.full(m, np.nan)
    rows_g = np.arange(m) * g
    # NPV x a positive factor at each grid rate, (streams, grid): in single precision
    # (twice as fast), its decisive signs checked below, unless T is too long for it.
    in_float32 = grid.max32 > 0
    with np.errstate(over="ignore", invalid="ignore"):
        if in_float32:
            f: npt.NDArray[np.float32] | FloatArray = _serial_matmul_rows(
                v.astype(np.float32), grid.mat32_t
            )
        else:
            f = _serial_matmul_rows(v, grid.mat_t)
    if (sign < 0).any():
        np.multiply(f, sign[:, None], out=f, casting="same_kind")
    above = _first_nonpositive(f)
    k = np.minimum(above, g - 1)
    points = grid.points.take(k, axis=1)  # (4, streams): grid indices k-1, k, two more
    vals = f.ravel().take(points + rows_g).astype(np.float64)
    if in_float32:
        # The bracket's signs, at k (<= 0 unless the root is above the range) and k-1
        # (> 0), must exceed the float32 rounding bound; streams where they do not, or
        # whose flows are outside float32's safe magnitudes, are redone in float64.
        bound = largest * grid.err32.take(points[:2])
        unsure = (np.abs(vals[1]) <= bound[1]) | ~np.isfinite(vals[1])
        unsure |= (above > 0) & (vals[0] <= bound[0])
        unsure |= (largest > grid.max32) | (largest < 1e-30)
        if unsure.any():
            idx = np.flatnonzero(unsure)
            with np.errstate(over="ignore", invalid="ignore"):
                f64 = _serial_matmul_rows(np.ascontiguousarray(v[idx]), grid.mat_t)
            f64 *= sign[idx, None]
            above[idx] = _first_nonpositive(f64)
            k[idx] = np.minimum(above[idx], g - 1)
            points[:, idx] = grid.points.take(k[idx], axis=1)
            vals[:, idx] = f64.ravel().take(points[:, idx] + (np.arange(idx.size) * g))
    f_km1, f_k, f_1, f_2 = vals
    finite = np.isfinite(f_k)  # overflow of flows near 1e300: left to the eigenvalues
    # A root exactly at a grid rate, or (within rounding) at the split rate; and one
    # within double-precision rounding of ``low`` or ``high`` counts as in the range.
    edge = ((above == 0) | (above == g)) & (np.abs(f_k) <= largest * grid.err64.take(k))
    if edge.any():  # tighter: the bound with sum_t |v_t| z^t itself (values are float64)
        idx = np.flatnonzero(edge)
        size = np.einsum("ij,ij->i", np.abs(v[idx]), grid.mat[k[idx]])
        edge[idx] = np.abs(f_k[idx]) <= 2.0 * (t + 4) * _EPS * size
    hit = (((above < g) & ((f_k == 0) | grid.degenerate.take(k))) | edge) & finite
    if hit.any():
        out[hit] = grid.rates.take(k[hit])
    inside = (above > 0) & (above < g) & ~hit & finite
    if not finite.all():
        bad = np.flatnonzero(~finite)
        _check_finite(v[bad])  # an infinite flow; else values near 1e300 overflowed
        rows, roots = _real_roots_batch(np.ascontiguousarray(v[bad]), low, high)
        out[bad] = _unique_root(rows, roots, bad.size)
    if not inside.any():
        return out
    # Root variable z: 1/(1+r), or 1+r where the polynomial is sum v_t z^(T-1-t) (same
    # roots); oriented so that h(z) < 0 below the root in z and > 0 above it.
    in_y = grid.form_y.take(k)
    if in_y.any():
        y_cols = inside & in_y
        vt[:, y_cols] = -vt[::-1, y_cols]
    z_km1, z_k, z_1, z_2 = grid.z.take(points)
    z_lo = grid.z_lo.take(k)
    z_hi = grid.z_hi.take(k)
    # Inverse interpolation z(f) at f = 0 (Lagrange) through the bracket and two more
    # grid points of the same form: cubic (error of order h^4 on the grid step h), else
    # quadratic, else linear, whichever first lands inside the bracket. The sign and
    # scale of the polynomial cancel out.
    with np.errstate(divide="ignore", invalid="ignore"):
        d_km = f_k - f_km1
        d_k1 = f_k - f_1
        d_m1 = f_km1 - f_1
        d_k2 = f_k - f_2
        d_m2 = f_km1 - f_2
        d_12 = f_1 - f_2
        z0 = (
            z_km1 * f_k * f_1 * f_2 / (d_km * d_m1 * d_m2)
            - z_k * f_km1 * f_1 * f_2 / (d_km * d_k1 * d_k2)
            - z_1 * f_k * f_km1 * f_2 / (d_k1 * d_m1 * d_12)
            + z_2 * f_k * f_km1 * f_1 / (d_k2 * d_m2 * d_12)
        )
        ok = grid.has_extra[1].take(k) & (z0 > z_lo) & (z0 < z_hi)
        if not (ok | ~inside).all():
            quad = (
                z_k * f_km1 * f_1 / (d_km * d_k1)
                - z_km1 * f_k * f_1 / (d_km * d_m1)
                + z_1 * f_k * f_km1 / (d_k1 * d_m1)
            )
            ok_quad = grid.has_extra[0].take(k) & (quad > z_lo) & (quad < z_hi)
            linear = z_k - f_k * (z_km1 - z_k) / (f_km1 - f_k)
            z0 = np.where(ok, z0, np.where(ok_quad, quad, linear))
    z = _fast_newton(vt, z0, z_lo, z_hi)
    retry = inside & ~np.isfinite(z)
    if retry.any():  # the fast iteration left the bracket or did not settle: safeguard
        idx = np.flatnonzero(retry)
        lo, hi, start = z_lo[idx], z_hi[idx], z0[idx]
        start = np.where(np.isfinite(start), start, 0.5 * (lo + hi))
        z[idx] = _bracketed_newton(
            np.ascontiguousarray(vt[:, idx]), start, lo, hi, np.ones(idx.size, bool)
        )
    out[inside] = _to_rate(z, in_y)[inside]
    return out


def _fast_newton(
    coef: FloatArray, z0: FloatArray, z_lo: FloatArray, z_hi: FloatArray
) -> FloatArray:
    """Two Newton steps and one chord step (the last derivative reused) from a close guess.

    With e the error and C = p''/(2p') near the root, Newton gives e -> C e^2 and the
    chord step e2 -> 2 C e1 e2, so a start within 3e-4 ends near 1e-17. Checked per
    stream: the result is NaN (to be redone by :func:`_bracketed_newton`) unless it
    lies in the bracket and the error left, 2 C |s2| |s3| with C ~ |s2| / s1^2 from
    the steps s1, s2, s3, is below ``_NEWTON_TOL`` x z.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        p, dp = _horner(coef, z0, derivative=True)
        assert dp is not None
        s1 = p / dp
        z = z0 - s1
        p, dp = _horner(coef, z, derivative=True)
        assert dp is not None
        s2 = p / dp
        z -= s2
        p, _ = _horner(coef, z, derivative=False)
        s3 = p / dp
        z -= s3
        a3 = np.abs(s3)
        settled = (a3 <= 4 * _EPS * z) | (2.0 * a3 * s2 * s2 <= _NEWTON_TOL * z * s1 * s1)
        ok = settled & (z >= z_lo) & (z <= z_hi)
    return np.where(ok, z, np.nan)


def _bracketed_newton(
    coef: FloatArray, z: FloatArray, z_lo: FloatArray, z_hi: FloatArray, live: BoolArray
) -> FloatArray:
    """Newton's method on ``sum_j coef[j, i] z_i^j``, kept inside each bracket.

    The polynomial is negative at ``z_lo`` and positive at ``z_hi``; a step that leaves
    the bracket is replaced by bisection. Only ``live`` columns are solved. A stream
    stops when the error left after its step, estimated from the last two Newton steps
    (e_next = C e^2 with C = step_k / step_(k-1)^2), is below ``_NEWTON_TOL`` x z, when
    a step is at rounding level, or when the bracket has closed.
    """
    m = z.size
    out = np.full(m, np.nan)
    idx = np.arange(m)  # columns of `coef` held in the working arrays below
    z, z_lo, z_hi, live = z.copy(), z_lo.copy(), z_hi.copy(), live.copy()
    c = coef
    prev = np.full(m, np.nan)  # previous Newton step, NaN after a bisection
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for _ in range(_NEWTON_MAXITER):
            p, dp = _horner(c, z, derivative=True)
            assert dp is not None
            below = p < 0
            np.copyto(z_lo, z, where=below)
            np.copyto(z_hi, z, where=~below)
            step = p / dp
            nxt = z - step
            ok = (nxt >= z_lo) & (nxt <= z_hi)
            size = np.abs(step)
            tiny = size <= 4 * _EPS * z
            done = (
                (p == 0)
                | (ok & (tiny | (size**3 <= _NEWTON_TOL * z * prev**2)))
                | (z_hi - z_lo <= 4 * _EPS * z_hi)
            )
            z = np.where(ok, nxt, np.where(tiny | (p == 0), z, 0.5 * (z_lo + z_hi)))
            prev = np.where(ok, step, np.nan)
            live &= ~done
            n_live = int(np.count_nonzero(live))
            if n_live == 0:
                break
            if n_live < 0.5 * idx.size:  # compact: stop evaluating finished streams
                out[idx] = z
                keep = np.flatnonzero(live)
                c = np.ascontiguousarray(c[:, keep])
                idx, z, z_lo, z_hi, prev = idx[keep], z[keep], z_lo[keep], z_hi[keep], prev[keep]
                live = np.ones(idx.size, dtype=bool)
    out[idx] = z
    return out


def irr(
    values: npt.ArrayLike,
    *,
    low: float = -0.99,
    high: float = 10.0,
    chunk_size: int = 65536,
) -> float | FloatArray:
    """Internal rate of return of one or many streams, NaN unless it is unique.

    Parameters
    ----------
    values : array_like, shape (T,) or (n, T)
        Net cash flows by period, outflows negative; a 2-D array holds one stream
        per row, periods in columns [money per year].
    low, high : float
        Range of rates searched, inclusive, ``-1 < low < high`` [decimal per year].
    chunk_size : int, default 65536
        Most streams processed at once; bounds the working memory whatever ``n``
        is. Blocks of at most 8,192 streams (fewer if ``chunk_size`` says so) are
        solved in turn, which keeps each block's arrays in cache: a few arrays of
        ``block x T`` doubles [streams].

    Returns
    -------
    float or ndarray
        The IRR, a Python float for 1-D ``values``, an array of shape (n,) for 2-D.
        NaN when the stream has no real root in ``[low, high]`` or more than one
        (then see :func:`irr_detail`); one root is never picked silently
        [decimal per year].

    Raises
    ------
    ValueError
        If ``values`` holds NaN or an infinite value (its row and year are named),
        or the range is invalid.

    Notes
    -----
    The IRR solves :math:`\\sum_t v_t / (1+r)^t = 0`, a polynomial in
    :math:`x = 1/(1+r)`; whether ``values[0]`` is discounted (see :func:`npv`) only
    multiplies the NPV by a positive factor, so the IRR is the same.

    Method, vectorised over the streams (no Python loop per stream):

    1. Descartes' rule of signs: a stream with exactly one sign change (zeros
       skipped) has exactly one root x > 0, i.e. one r > -1. The common patterns
       (outflows then inflows, or the reverse) are recognised with a few boolean
       array passes; the rest get an exact count of sign changes.
    2. One matrix product evaluates every single-change stream's NPV (times a
       positive factor) on a fixed grid of about 30 rates, dense from -20% to 45%,
       plus ``low`` and ``high``. The signs give the bracket, and whether the root
       lies in ``[low, high]`` at all; cubic inverse interpolation through four grid
       values gives a start within about 3e-4 of the root. The product runs in
       single precision; each stream's two deciding signs must exceed the float32
       rounding bound ((T + 4) eps32 x largest flow x sum of the discount factors,
       doubled), else that stream's product is redone in double precision.
    3. Two Newton steps and a chord step on the polynomial, in x = 1/(1+r) above
       -50% and in 1 + r below (where it is NPV x (1+r)^(T-1)), so no power
       overflows. Each result is accepted only inside its bracket and when the
       error left, estimated from the steps, is below 1e-13 x (1 + r); the rare
       rest are redone by Newton's method safeguarded by bisection.
    4. Streams with no sign change have no root. Streams with two or more go to the
       method of :func:`irr_roots`, batched: eigenvalues of a stack of companion
       matrices per polynomial degree, then Newton polishing; NaN unless exactly
       one root lies in range.

    The matrix products are cut into pieces small enough for OpenBLAS to run them
    on one thread. The result agrees with numpy-financial ``irr`` (to about 1e-13)
    and pyxirr ``irr`` (to its own tolerance, about 1e-8 relative at high rates)
    wherever those find the unique root. Flows beyond about 1e250 in magnitude are
    not supported.

    Examples
    --------
    >>> from appraisal.finance import irr
    >>> round(irr([-100.0, 39.0, 59.0, 55.0, 20.0]), 5)  # numpy-financial docs
    0.28095
    >>> irr([[-100.0, 110.0], [-100.0, 230.0, -132.0][:2], [100.0, 50.0]]).round(6)
    array([0.1, 1.3, nan])
    >>> irr([-100.0, 230.0, -132.0])  # two IRRs, 10% and 20%: see irr_detail
    nan
    """
    v = _cash_flows(values)
    _check_range(low, high)
    try:
        chunk = operator.index(chunk_size)
    except TypeError:
        chunk = 0
    if isinstance(chunk_size, bool) or chunk < 1:
        raise ValueError(f"chunk_size must be a positive integer (got {chunk_size!r})")
    if v.ndim == 1:
        _check_finite(v)
        return float(_irr_block(v[None, :], low, high)[0])
    n, t = v.shape
    out = np.empty(n)
    step = min(chunk, _BLOCK)
    buffer = np.empty((t, min(step, n)))
    for s in range(0, n, step):
        block = v[s : s + step]
        try:
            out[s : s + step] = _irr_block(block, low, high, buffer)
        except ValueError:
            _check_finite(v)  # re-raise with the row numbered in the whole array
            raise
    return out


def irr_detail(values: npt.ArrayLike, *, low: float = -0.99, high: float = 10.0) -> IrrResult:
    """IRR of one stream with every real root and the reason when there is no single IRR.

    Parameters
    ----------
    values : array_like, shape (T,)
        Net cash flows by period, outflows negative [money per year].
    low, high : float
        Range of rates searched, inclusive, ``-1 < low < high`` [decimal per year].

    Returns
    -------
    IrrResult
        ``value`` is the IRR when exactly one real root lies in the range, else None;
        ``roots`` all distinct roots in range, increasing; ``reason`` says why
        ``value`` is None: ``"all cash flows are zero: no IRR"``, ``"no sign change in
        the cash flows: no IRR"``, ``"no real root in [-99%, 1000%]"`` or
        ``"2 IRRs: 10.00%, 20.00%; use MIRR or NPV"``.

    Notes
    -----
    Roots come from :func:`irr_roots` (METHODS.md section 5: report all real roots
    in the plausible range, never one picked silently; offer MIRR).

    Examples
    --------
    >>> from appraisal.finance import irr_detail
    >>> irr_detail([-100.0, 230.0, -132.0]).reason
    '2 IRRs: 10.00%, 20.00%; use MIRR or NPV'
    >>> round(irr_detail([-100.0, 60.0, 60.0]).value, 6)
    0.130662
    >>> irr_detail([100.0, 0.0, 50.0])
    IrrResult(value=None, roots=(), reason='no sign change in the cash flows: no IRR')
    """
    v = _cash_flows(values, ndims=(1,))
    _check_finite(v)
    _check_range(low, high)
    if not v.any():
        return IrrResult(None, (), "all cash flows are zero: no IRR")
    changes, _ = _sign_changes(v[:, None])
    if changes[0] == 0:
        return IrrResult(None, (), "no sign change in the cash flows: no IRR")
    roots = tuple(irr_roots(v, low=low, high=high))
    if not roots:
        return IrrResult(None, (), f"no real root in [{_pct(low)}, {_pct(high)}]")
    if len(roots) == 1:
        return IrrResult(roots[0], roots, None)
    listed = ", ".join(f"{r:.2%}" for r in roots)
    return IrrResult(None, roots, f"{len(roots)} IRRs: {listed}; use MIRR or NPV")


# ----------------------------------------------------------------------------- MIRR
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


# ----------------------------------------------------------------------------- WACC
_WACC_COLUMNS: Final = (
    "name", "amount", "weight", "nominal_cost", "tax_rate", "after_tax_nominal_cost",
    "inflation", "real_cost", "weighted_real_cost",
)  # fmt: skip


def _number(source: Mapping[str, Any], key: str, i: int, default: float | None) -> float:
    if key not in source:
        if default is None:
            raise ValueError(f"financing source {i} ({source.get('name', '?')!r}) lacks {key!r}")
        return default
    try:
        x = float(source[key])
    except (TypeError, ValueError):
        raise ValueError(
            f"financing source {i}: {key} must be a number (got {source[key]!r})"
        ) from None
    if not math.isfinite(x):
        raise ValueError(f"financing source {i}: {key} must be finite (got {x})")
    return x


def wacc_table(sources: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """ADB's weighted average cost of capital table, one row per source of funds.

    Parameters
    ----------
    sources : sequence of mappings
        One mapping per source (ADB loan, counterpart funds, on-lending, equity) with
        keys ``name`` (str); ``amount`` [money]; ``nominal_cost`` [decimal per year];
        ``tax_rate`` [decimal], default 0; ``inflation`` of the source's currency,
        international for foreign-currency debt, domestic for local funds
        [decimal per year], default 0; ``is_debt`` (bool), default True: equity
        gets no tax shield. Other keys (e.g. ``source``) are ignored.

    Returns
    -------
    pandas.DataFrame
        Columns ``name, amount, weight, nominal_cost, tax_rate,
        after_tax_nominal_cost, inflation, real_cost, weighted_real_cost``
        (rates decimal per year, weight a share of the total amount).

    Raises
    ------
    ValueError
        For no sources, a missing or non-numeric field, a negative amount, a zero
        total amount, a tax rate outside [0, 1] or an inflation or cost <= -100%.

    Notes
    -----
    After-tax nominal cost = nominal x (1 - tax) for debt (interest is deductible),
    = nominal for equity; real cost = (1 + after-tax nominal) / (1 + inflation) - 1
    (Fisher); weighted real cost = weight x real cost, weight = amount / total;
    WACC = sum of weighted real costs (ADB financial analysis practice, METHODS.md
    section 3).

    Examples
    --------
    >>> from appraisal.finance import wacc_table
    >>> t = wacc_table([
    ...     {"name": "ADB loan", "amount": 150.0, "nominal_cost": 0.025,
    ...      "tax_rate": 0.25, "inflation": 0.02},
    ...     {"name": "equity", "amount": 100.0, "nominal_cost": 0.08,
    ...      "inflation": 0.03, "is_debt": False},
    ... ])
    >>> t["weighted_real_cost"].round(6).tolist()
    [-0.000735, 0.019417]
    >>> round(float(t["weighted_real_cost"].sum()), 6)
    0.018682
    """
    if isinstance(sources, Mapping) or not len(sources):
        raise ValueError("wacc_table needs a non-empty sequence of financing sources")
    rows = []
    for i, s in enumerate(sources):
        if "name" not in s:
            raise ValueError(f"financing source {i} lacks 'name'")
        amount = _number(s, "amount", i, None)
        nominal = _number(s, "nominal_cost", i, None)
        tax = _number(s, "tax_rate", i, 0.0)
        inflation = _number(s, "inflation", i, 0.0)
        is_debt = bool(s.get("is_debt", True))
        if amount < 0:
            raise ValueError(f"financing source {i} ({s['name']!r}): amount {amount} < 0")
        if not 0.0 <= tax <= 1.0:
            raise ValueError(
                f"financing source {i} ({s['name']!r}): tax_rate {tax} outside [0, 1] "
                "(rates are decimals)"
            )
        if inflation <= -1.0 or nominal <= -1.0:
            raise ValueError(
                f"financing source {i} ({s['name']!r}): nominal_cost and inflation must be "
                f"> -1 (got {nominal}, {inflation})"
            )
        after_tax = nominal * (1.0 - tax) if is_debt else nominal
        rows.append((str(s["name"]), amount, nominal, tax, after_tax, inflation))
    total = math.fsum(r[1] for r in rows)
    if total <= 0:
        raise ValueError("financing sources total zero amount: weights undefined")
    table = pd.DataFrame(
        rows,
        columns=["name", "amount", "nominal_cost", "tax_rate", "after_tax_nominal_cost",
                 "inflation"],
    )  # fmt: skip
    table["weight"] = table["amount"] / total
    table["real_cost"] = (1.0 + table["after_tax_nominal_cost"]) / (1.0 + table["inflation"]) - 1.0
    table["weighted_real_cost"] = table["weight"] * table["real_cost"]
    return table[list(_WACC_COLUMNS)]


def wacc(sources: Sequence[Mapping[str, Any]]) -> float:
    """Real weighted average cost of capital: the sum of :func:`wacc_table`'s weighted costs.

    Parameters
    ----------
    sources : sequence of mappings
        As for :func:`wacc_table`.

    Returns
    -------
    float
        WACC [decimal per year, real].

    Examples
    --------
    >>> from appraisal.finance import wacc
    >>> round(wacc([{"name": "loan", "amount": 1.0, "nominal_cost": 0.05,
    ...              "inflation": 0.02}]), 6)
    0.029412
    """
    return float(math.fsum(wacc_table(sources)["weighted_real_cost"]))


# ----------------------------------------------------------------------------- loans
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
