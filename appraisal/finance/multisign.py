"""IRR of streams with several sign changes: the grid decides most, eigenvalues the rest.

A stream with two or more sign changes can have several IRRs or none; :func:`irr`
needs only to know whether exactly one lies in range, and which. On the bracketing
grid of :mod:`~appraisal.finance.bracketing` the polynomial's Bernstein coefficients
on every grid interval (one matrix product for all streams) settle that for nearly
every stream, without an eigenvalue:

- two intervals whose end values have opposite signs hold two distinct roots: not
  unique, NaN;
- when every interval's coefficients have at most one sign change (and every sign is
  beyond rounding), the number of roots in each interval is exactly that count
  (Descartes' rule of signs in Bernstein form: the number of roots in an interval is
  at most the number of sign changes of its Bernstein coefficients, and has its
  parity); so the stream has no root, or exactly one, in one known interval, found
  by Newton's method safeguarded by bisection there.

The rest (roots at or near a grid rate, close or multiple roots, very long streams)
go to the companion-matrix eigenvalues of :func:`~appraisal.finance.irr_roots`.

Reference: the Bernstein form of Descartes' rule, e.g. Basu, Pollack and Roy,
*Algorithms in Real Algebraic Geometry* (2006), Proposition 10.27 and Theorem 10.3
(the count is exact when it is 0 or 1 and bounds the roots otherwise).
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass
from typing import Final

import numpy as np

from appraisal.finance._common import _EPS, BoolArray, FloatArray, IntArray
from appraisal.finance.bracketing import _bracketed_newton, _grid
from appraisal.finance.products import _serial_matmul_rows
from appraisal.finance.roots import _real_roots_batch, _to_rate, _unique_root

# Longest stream decided on the grid (binomial coefficients stay far below 1e308);
# longer ones go to the eigenvalues.
_MAX_YEARS: Final = 400


# Ends of the coarse intervals (with low, high and the split rate) on which the
# Bernstein coefficients are tried first; each is a rate of the bracketing grid.
_COARSE_RATES: Final = (-0.75, -0.3, -0.09, 0.0, 0.06, 0.125, 0.21, 0.36, 0.8, 2.5)


@dataclass(frozen=True)
class _Bernstein:
    """Bernstein coefficients on a set of grid intervals, as one matrix (see :func:`_bernstein`)."""

    mat_t: FloatArray  # (years, intervals * years): stream @ mat_t = the coefficients
    bound: FloatArray  # (intervals, years): rounding bound per unit max |flow|
    z_lo: FloatArray  # (intervals,) lower end of each interval in its root variable
    z_hi: FloatArray  # (intervals,) upper end
    form_y: BoolArray  # (intervals,) the root variable is 1 + r (else 1/(1+r))


@functools.lru_cache(maxsize=16)
def _bernstein(n_years: int, low: float, high: float, coarse: bool) -> _Bernstein:
    """Matrix giving each stream's Bernstein coefficients on each interval.

    The intervals join consecutive rates of the bracketing grid
    (:func:`~appraisal.finance.bracketing._grid`), or, when ``coarse``, consecutive
    rates among ``_COARSE_RATES``, ``low``, ``high`` and the split rate. On an interval
    ``[a, b]`` of the root variable z (``1/(1+r)``, or ``1+r`` below the split rate)
    with ``n`` the degree, ``p(z) = sum_i c_i z^i = sum_k b_k C(n,k) s^k (1-s)^(n-k)``,
    ``s = (z-a)/(b-a)``, and ``b_k = sum_(j<=k) C(k,j)/C(n,j) q_j`` with the Taylor
    coefficients ``q_j = (b-a)^j sum_(i>=j) C(i,j) a^(i-j) c_i``. Every entry of the
    matrix is a sum of non-negative terms (``0 <= a < b``), so it is accurate to a few
    ``n`` eps relative, and ``b_0 = p(a)``, ``b_n = p(b)``.
    """
    grid = _grid(n_years, low, high)
    n = n_years - 1
    # Pascal's triangle in float64: exact below 2^53, relative error <= n eps above.
    binom = np.zeros((n + 1, n + 1))
    binom[:, 0] = 1.0
    for i in range(1, n + 1):
        binom[i, 1 : i + 1] = binom[i - 1, :i] + binom[i - 1, 1 : i + 1]
    i_idx = np.arange(n + 1)
    expo = i_idx[None, :] - i_idx[:, None]  # [j, i] = i - j
    weight = binom / binom[n][None, :]  # [k, j] = C(k,j) / C(n,j), zero above j = k
    rates = grid.rates
    ends = [
        g
        for g in range(rates.size)
        if not coarse
        or g in (0, rates.size - 1)
        or rates[g] in _COARSE_RATES
        or (g > 0 and grid.degenerate[g])
        or (g + 1 < rates.size and grid.degenerate[g + 1])
    ]
    pairs = [(a, b) for a, b in itertools.pairwise(ends) if rates[a] < rates[b]]
    mats = []
    z_lo, z_hi, form_y = [], [], []
    for g0, g1 in pairs:
        y = bool(grid.form_y[g1])
        za, zb = float(grid.z[g0]), float(grid.z[g1])
        a, b = min(za, zb), max(za, zb)
        with np.errstate(under="ignore"):
            shift = binom.T * np.where(expo >= 0, a ** np.maximum(expo, 0), 0.0)  # [j, i]
            shift *= ((b - a) ** i_idx)[:, None]
        m = weight @ shift  # [k, i]: b_k = sum_i m[k, i] c_i
        mats.append(m[:, ::-1] if y else m)  # in 1 + r, c_i = v_(n-i)
        z_lo.append(a)
        z_hi.append(b)
        form_y.append(y)
    full = np.concatenate(mats, axis=0)  # (intervals * years, years)
    # |computed - exact| <= gamma_T sum_i m_ki |c_i| + the matrix's own error, both
    # below 4 (T + 4) eps sum_i m_ki max|c| (max|c| < 1): taken twice.
    bound = 8.0 * (n_years + 4) * _EPS * full.sum(axis=1).reshape(len(pairs), n_years)
    out = _Bernstein(
        np.ascontiguousarray(full.T),
        bound,
        np.array(z_lo),
        np.array(z_hi),
        np.array(form_y, dtype=bool),
    )
    for arr in (out.mat_t, out.bound, out.z_lo, out.z_hi, out.form_y):
        arr.setflags(write=False)
    return out


def _classify(
    vs: FloatArray, bern: _Bernstein
) -> tuple[FloatArray, BoolArray, BoolArray, BoolArray]:
    """Bernstein coefficients of scaled rows ``vs`` and what they decide.

    ``vs`` (streams, years) has largest flow below 1 in magnitude. Returns
    ``(coef, bracket, several, decided)``: ``coef`` (streams, intervals, years) the
    coefficients; ``bracket`` (streams, intervals) where the interval's end values have
    opposite signs beyond rounding (a root inside); ``several`` the rows with two
    brackets or more; ``decided`` the other rows whose every interval has at most one
    sign change, every sign beyond rounding (then roots = brackets, 0 or 1).
    """
    m, t = vs.shape
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        coef = _serial_matmul_rows(vs, bern.mat_t).reshape(m, bern.bound.shape[0], t)
    pos = coef > bern.bound
    neg = coef < -bern.bound
    bracket = (pos[:, :, 0] & neg[:, :, -1]) | (neg[:, :, 0] & pos[:, :, -1])
    several = bracket.sum(axis=1) >= 2  # two roots in two disjoint intervals
    ok = (pos | neg).all(axis=(1, 2))
    if ok.any():
        changes = pos[:, :, 1:] != pos[:, :, :-1]
        ok &= changes.sum(axis=2).max(axis=1) <= 1
    return coef, bracket, several, ok & ~several


def _solve_one(
    vs: FloatArray, coef: FloatArray, bracket: BoolArray, bern: _Bernstein
) -> FloatArray:
    """The root of each row of ``vs``, known to be the only one, in its bracket's interval."""
    where = bracket.argmax(axis=1)
    rows = np.arange(vs.shape[0])
    z_lo, z_hi = bern.z_lo[where], bern.z_hi[where]
    in_y = bern.form_y[where]
    vt = vs.T
    c = np.where(in_y[None, :], vt[::-1], vt)  # polynomial in z, per stream
    f_lo = coef[rows, where, 0]  # p(z_lo)
    f_hi = coef[rows, where, -1]  # p(z_hi), of the other sign
    # oriented: negative at z_lo, positive at z_hi
    c = np.ascontiguousarray(c * np.where(f_lo < 0, 1.0, -1.0)[None, :])
    g_lo, g_hi = -np.abs(f_lo), np.abs(f_hi)
    start = z_lo - g_lo * (z_hi - z_lo) / (g_hi - g_lo)  # regula falsi
    z = _bracketed_newton(c, start, z_lo.copy(), z_hi.copy(), np.ones(rows.size, bool))
    return _to_rate(z, in_y)


def _two_brackets(vs: FloatArray, low: float, high: float) -> BoolArray:
    """Rows of ``vs`` (largest flow below 1) with sign changes between two pairs of
    neighbouring rates of the bracketing grid, signs beyond rounding: two roots at least.

    The sign grid alone (one product with the grid's matrix, about 35 values per
    stream) settles most streams with several roots before any Bernstein coefficient.
    """
    grid = _grid(vs.shape[1], low, high)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        f = _serial_matmul_rows(vs, grid.mat_t)
    pos = f > grid.err64
    neg = f < -grid.err64
    change = (pos[:, 1:] & neg[:, :-1]) | (neg[:, 1:] & pos[:, :-1])
    change[:, grid.degenerate[1:]] = False  # the split rate in its two forms
    return np.asarray(change.sum(axis=1) >= 2)


def _irr_multi(v: FloatArray, low: float, high: float) -> FloatArray:
    """IRR of each row of ``v`` (streams, years), finite flows with two or more sign changes.

    The root when exactly one lies in ``[low, high]``, else NaN: as the eigenvalues of
    :func:`~appraisal.finance.roots._real_roots_batch` give, which decide the streams
    the grid cannot (see the module's docstring). First the coarse intervals, then,
    for the rows they leave undecided, every interval of the grid.
    """
    m, t = v.shape
    out = np.full(m, np.nan)
    rest = np.arange(m)
    if 2 <= t <= _MAX_YEARS and m:
        # Rows scaled by a power of two (exact: same roots) to a largest flow in [0.5, 1).
        _, expo = np.frexp(np.abs(v).max(axis=1))
        vs = np.ldexp(v, -expo[:, None])
        rest = rest[~_two_brackets(vs, low, high)]  # NaN: several roots
        for coarse in (True, False):
            bern = _bernstein(t, low, high, coarse)
            coef, bracket, several, decided = _classify(vs[rest], bern)
            one = decided & bracket.any(axis=1)
            if one.any():
                out[rest[one]] = _solve_one(vs[rest[one]], coef[one], bracket[one], bern)
            rest = rest[~several & ~decided]
            if not rest.size:
                break
    if rest.size:
        rows, roots = _real_roots_batch(np.ascontiguousarray(v[rest]), low, high)
        out[rest] = _unique_root(rows, roots, rest.size)
    return out


def _path(v: FloatArray, low: float = -0.99, high: float = 10.0) -> IntArray:
    """Which path each row (two or more sign changes) takes in :func:`_irr_multi`.

    0: two roots or more on the coarse intervals, 1: decided on the coarse intervals,
    2: on the grid's intervals, 3: the eigenvalues. For the tests and the benchmark;
    not used by :func:`irr`.
    """
    m, t = v.shape
    path = np.full(m, 3, dtype=np.intp)
    if not 2 <= t <= _MAX_YEARS:
        return path
    _, expo = np.frexp(np.abs(v).max(axis=1))
    vs = np.ldexp(v, -expo[:, None])
    _, _, several, decided = _classify(vs, _bernstein(t, low, high, True))
    path[several] = 0
    path[decided] = 1
    rest = np.flatnonzero(~several & ~decided)
    _, _, several, decided = _classify(vs[rest], _bernstein(t, low, high, False))
    path[rest[several | decided]] = 2
    return path
