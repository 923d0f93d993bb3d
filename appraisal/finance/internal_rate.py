"""The internal rate of return: :func:`irr` (vectorised), :func:`irr_detail`, :class:`IrrResult`."""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

from appraisal.finance._common import (
    FloatArray,
    _cash_flows,
    _check_finite,
    _check_range,
    _sign_changes,
)
from appraisal.finance.bracketing import _irr_single
from appraisal.finance.multisign import _irr_multi
from appraisal.finance.roots import irr_roots

__all__ = ["IrrResult", "irr", "irr_detail"]

# Streams handled per vectorised pass inside a chunk (keeps the working set in cache).
_BLOCK: Final = 8192
# Streams per piece of the transposing copy into a block's (years, streams) buffer.
_TILE: Final = 512


def _pct(r: float) -> str:
    return f"{r * 100:g}%"


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


def _irr_block(
    v: FloatArray,
    low: float,
    high: float,
    buffer: FloatArray | None = None,
    transposed: FloatArray | None = None,
) -> FloatArray:
    """IRR of each row of ``v`` (m, T): the root when exactly one lies in range, else NaN.

    ``buffer``, at least (T, m), receives the transposed flows (reused across blocks);
    or ``transposed``, (T, m), already holds them (and is modified in place).
    """
    m, t = v.shape
    out = np.full(m, np.nan)
    if t < 2:
        return out
    if transposed is not None:
        vt = transposed
    elif buffer is None:
        vt = v.T.copy()
    else:  # (years, streams), private: modified in place below
        vt = buffer[:, :m]
        for s in range(0, m, _TILE):  # in tiles: the source rows stay in L1/L2 cache
            np.copyto(vt[:, s : s + _TILE], v[s : s + _TILE].T)
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
                out[multi] = _irr_multi(v[multi], low, high)
    if flip.any():
        vt[:, flip] = -vt[:, flip]
    sign = np.where(flip, -1.0, 1.0)
    if single.all():
        out[:] = _irr_single(v, vt, sign, largest, low, high)
    elif single.any():
        idx = np.flatnonzero(single)
        vt_idx = vt.take(idx, axis=1)  # C-contiguous, unlike vt[:, idx]
        out[idx] = _irr_single(v, vt_idx, sign[idx], largest[idx], low, high, rows=idx)
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
    4. Streams with no sign change have no root. For streams with two or more, one
       more matrix product gives the polynomial's Bernstein coefficients on every
       interval of the grid: two intervals with a sign change between their ends
       mean two roots (NaN); when no interval's coefficients change sign more than
       once (signs beyond rounding), the stream has no root or exactly one, in a
       known interval, found by the safeguarded Newton of step 3. The few streams
       left (roots at or very near a grid rate, close or multiple roots, more than
       400 years) go to the method of :func:`irr_roots`, batched: eigenvalues of a
       stack of companion matrices, then Newton polishing; NaN unless exactly one
       root lies in range. See :mod:`appraisal.finance.multisign`.

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


def _irr_transposed(v: FloatArray, vt: FloatArray) -> FloatArray:
    """``irr(v)`` for 2-D ``v`` of at most ``_BLOCK`` rows, given ``vt`` = ``v.T`` too.

    The same figures, bit for bit, without :func:`irr`'s transposing copy: for a caller
    that builds its streams with the years along the rows (``vt``, (T, m), any row
    stride; overwritten) and copies them to ``v`` itself ((m, T), C-contiguous, not
    modified). The default range; the same errors as :func:`irr`.
    """
    try:
        return _irr_block(v, -0.99, 10.0, transposed=vt)
    except ValueError:
        _check_finite(v)  # re-raise with the row numbered
        raise


def irr_detail(values: npt.ArrayLike, *, low: float = -0.99, high: float = 10.0) -> IrrResult:
    """IRR of one stream with every real root and the reason when there is no single IRR.

    Parameters
    ----------
    values, low, high
        As for :func:`~appraisal.finance.roots.irr_roots`: the net cash flows by
        period [money per year] and the range of rates searched [decimal per year].

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
    Roots come from :func:`irr_roots` (``docs/methods.md``, Time, prices and
    discounting: report all real roots in the plausible range, never one picked
    silently; offer MIRR).

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
