"""Every real root of NPV(r) = 0: companion-matrix eigenvalues, polished by Newton.

Used by :func:`irr_roots` and :func:`~appraisal.finance.irr_detail`, and by
:func:`~appraisal.finance.irr` for streams with several sign changes.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

from appraisal.finance._common import (
    _EPS,
    BoolArray,
    FloatArray,
    IntArray,
    _cash_flows,
    _check_finite,
    _check_range,
    _horner,
    _split_rate,
)

__all__ = ["irr_roots"]

# Two roots closer than this (relative to 1 + r) are one root.
_DEDUPE_TOL: Final = 1e-9
# An eigenvalue of the companion matrix is taken as real when its imaginary part is
# below this (relative); a double real root comes back as a pair about sqrt(eps) apart.
_IMAG_TOL: Final = 1e-6
# Companion matrices solved per LAPACK batch (bounds memory: batch x degree^2 doubles).
_EIG_BATCH: Final = 2048


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


def _unique_root(rows: IntArray, roots: FloatArray, n: int) -> FloatArray:
    """Per stream 0..n-1: its root when it has exactly one in ``rows``, else NaN."""
    count = np.bincount(rows, minlength=n)
    out = np.full(n, np.nan)
    unique = np.flatnonzero(count == 1)
    out[unique] = roots[np.searchsorted(rows, unique)]
    return out
