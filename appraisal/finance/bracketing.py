"""IRR of streams with one sign change: grid bracketing, then vectorised Newton.

One matrix product puts every stream's unique root between two rates of a fixed
grid; inverse interpolation gives a close start, and Newton's method (safeguarded by
bisection where needed) polishes it. See :func:`appraisal.finance.irr`, Notes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from appraisal.finance._common import (
    _EPS,
    BoolArray,
    FloatArray,
    IntArray,
    _check_finite,
    _horner,
    _split_rate,
)
from appraisal.finance.products import (
    _columns_agree,
    _grid_product32,
    _serial_matmul_rows,
)
from appraisal.finance.roots import _real_roots_batch, _to_rate, _unique_root

# Newton stops when the error it estimates after the step is below this, relative to
# the root variable (1/(1+r) or 1+r), so about this relative to 1 + r.
_NEWTON_TOL: Final = 1e-13
_NEWTON_MAXITER: Final = 100
# Rates at which the NPV of every stream is evaluated in one matrix product to bracket
# a unique root (clipped to the search range, which is added). Dense where IRRs lie.
_GRID_RATES: Final = (
    -0.9, -0.75, -0.6, -0.45, -0.3, -0.2, -0.14, -0.09, -0.05, -0.02, 0.0, 0.02, 0.04, 0.06,
    0.08, 0.1, 0.125, 0.15, 0.18, 0.21, 0.25, 0.3, 0.36, 0.45, 0.6, 0.8, 1.1, 1.6, 2.5, 4.0,
    6.5,
)  # fmt: skip


@dataclass(frozen=True)
class _Grid:
    """Bracketing grid for one stream length and search range (see :func:`_grid`)."""

    rates: FloatArray  # non-decreasing, low .. high
    z: FloatArray  # root variable at each rate: 1/(1+r), or 1+r where ``form_y``
    mat: FloatArray  # (grid, years): product with a stream = the polynomial in z
    mat_t: FloatArray  # ``mat.T``, contiguous
    mat32: npt.NDArray[np.float32]  # ``mat`` in single precision
    mat32_t: npt.NDArray[np.float32]  # (years, grid): ``mat32.T``, contiguous
    err32: FloatArray  # per grid rate: single-precision error bound per unit max |flow|
    err64: FloatArray  # the same in double precision
    max32: float  # largest max |flow| whose single-precision products cannot overflow
    by_cols: bool  # the float32 product may run with the streams along the columns
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
    mat32 = np.ascontiguousarray(mat32_t.T)
    err32 = 2.0 * (n_years + 4) * float(np.finfo(np.float32).eps) * mat.sum(axis=1)
    err64 = err32 * (_EPS / float(np.finfo(np.float32).eps))
    largest = float(mat.max())
    max32 = 1e36 / (largest * n_years) if largest < 1e30 else 0.0
    mat_t = np.ascontiguousarray(mat.T)
    grid = _Grid(
        rates, z, mat, mat_t, mat32, mat32_t, err32, err64, max32,
        max32 > 0 and _columns_agree(mat32, mat32_t), form_y, z_lo, z_hi, points, has_extra,
        degenerate,
    )  # fmt: skip
    arrays = (rates, z, mat, mat_t, mat32, mat32_t, err32, err64, form_y, z_lo, z_hi, points)
    for a in (*arrays, has_extra, degenerate):
        a.setflags(write=False)
    return grid


def _first_positive_run(f: npt.NDArray[np.float32]) -> IntArray:
    """:func:`_first_nonpositive` of ``f.T`` for ``f`` (grid, streams) without NaN.

    The first index of a value not above 0 is the minimum over small integers of
    ``j + height x [f_j > 0]``: one pass down the rows instead of an argmax across
    them (NaN would count as not above 0 here, and not in :func:`_first_nonpositive`).
    """
    g = f.shape[0]
    if g > 63:  # the int8 sums below would overflow
        return _first_nonpositive(np.ascontiguousarray(f.T))
    score = (f > 0).view(np.int8) * np.int8(g)
    score += np.arange(g, dtype=np.int8)[:, None]
    above = np.asarray(score.min(axis=0), dtype=np.intp)
    above[f[-1] > 0] = g
    return above


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
    rows: IntArray | None = None,
) -> FloatArray:
    """Streams with one sign change: grid bracket, then Newton, all vectorised.

    ``v`` (streams, years) holds the flows, or, with ``rows``, stream i is ``v[rows[i]]``;
    ``vt`` (years, streams) the same times ``sign`` (-1 for streams negated to put their
    outflows first), and is modified in place; ``largest`` is each stream's largest
    absolute flow. ``sign`` x NPV(r) is positive below the unique root, negative above it.
    """
    t, m = vt.shape

    def flows(which: IntArray) -> FloatArray:  # rows of the streams ``which``, in order
        return v[which] if rows is None else v[rows[which]]

    grid = _grid(t, low, high)
    g = grid.rates.size
    out = np.full(m, np.nan)
    # NPV x a positive factor at each grid rate, (grid, streams): in single precision
    # (twice as fast), its decisive signs checked below, unless T is too long for it.
    in_float32 = grid.max32 > 0
    flip = np.flatnonzero(sign < 0)
    with np.errstate(over="ignore", invalid="ignore"):
        if in_float32:
            vt32 = vt.astype(np.float32)
            if flip.size:  # the product of the flows as given, then negated
                vt32[:, flip] *= -1
            f32 = _grid_product32(grid.mat32, grid.mat32_t, grid.by_cols, vt32)
            if flip.size:
                f32[:, flip] *= -1
            above = _first_positive_run(f32)  # NaN only where ``unsure`` below
            f: npt.NDArray[np.float32] | FloatArray = f32
        else:
            f_rows = _serial_matmul_rows(v if rows is None else v[rows], grid.mat_t)
            if flip.size:
                f_rows *= sign[:, None]
            above = _first_nonpositive(f_rows)
            f = np.ascontiguousarray(f_rows.T)
    k = np.minimum(above, g - 1)
    points = grid.points.take(k, axis=1)  # (4, streams): grid indices k-1, k, two more
    vals = f.ravel().take(points * m + np.arange(m)).astype(np.float64)
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
                f64 = _serial_matmul_rows(np.ascontiguousarray(flows(idx)), grid.mat_t)
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
        size = np.einsum("ij,ij->i", np.abs(flows(idx)), grid.mat[k[idx]])
        edge[idx] = np.abs(f_k[idx]) <= 2.0 * (t + 4) * _EPS * size
    hit = (((above < g) & ((f_k == 0) | grid.degenerate.take(k))) | edge) & finite
    if hit.any():
        out[hit] = grid.rates.take(k[hit])
    inside = (above > 0) & (above < g) & ~hit & finite
    if not finite.all():
        bad = np.flatnonzero(~finite)
        _check_finite(flows(bad))  # an infinite flow; else values near 1e300 overflowed
        row_of, roots = _real_roots_batch(np.ascontiguousarray(flows(bad)), low, high)
        out[bad] = _unique_root(row_of, roots, bad.size)
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
    if in_y.any():
        np.copyto(out, _to_rate(z, in_y), where=inside)
    else:  # as _to_rate with every root in 1/(1+r)
        z = np.divide(1.0, z, out=z)
        np.copyto(out, np.subtract(z, 1.0, out=z), where=inside)
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
