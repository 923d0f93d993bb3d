"""The paths of ``irr`` for streams with several sign changes give the eigenvalue answers.

Streams with two or more sign changes used to go straight to the companion-matrix
eigenvalues (``_real_roots_batch``, also behind ``irr_roots``); most are now decided
by Bernstein coefficients on the bracketing grid (``appraisal.finance.multisign``).
The reference kept here is that old path: ``irr_roots`` of the row, its root when it
is the only one, else NaN. Independent checks: ``numpy.roots`` (companion matrix,
numpy's own code) and pyxirr where the root is unique.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import pyxirr
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.finance import irr, irr_roots
from appraisal.finance.multisign import _path

FAST = settings(max_examples=80, deadline=None)

amounts = st.floats(min_value=1e-2, max_value=1e6, allow_nan=False, allow_infinity=False)
signed = st.builds(lambda a, neg: -a if neg else a, amounts, st.booleans())


def reference(row: np.ndarray) -> float:
    """The old ``irr`` of a stream with several sign changes: the eigenvalue path."""
    roots = irr_roots(row)
    return roots[0] if len(roots) == 1 else math.nan


def numpy_roots(row: np.ndarray, low: float = -0.99, high: float = 10.0) -> list[float]:
    """Real roots in range from ``numpy.roots`` (independent of our code), increasing."""
    nz = np.flatnonzero(row)
    x = np.roots(row[nz[0] : nz[-1] + 1][::-1])  # highest power of 1/(1+r) first
    real = x[(np.abs(x.imag) <= 1e-9 * np.abs(x)) & (x.real > 0)].real
    return sorted(float(r) for r in 1.0 / real - 1.0 if low <= r <= high)


@st.composite
def project(draw: st.DrawFn) -> np.ndarray:
    """A project's net flows: construction, operation, a replacement, maybe decommissioning."""
    years = draw(st.integers(8, 45))
    build = draw(st.integers(1, 4))
    inflow = draw(st.floats(5.0, 40.0))
    v = np.full(years, inflow)
    v[:build] = -draw(st.floats(50.0, 150.0))
    v[draw(st.integers(build + 1, years - 2))] = -draw(st.floats(1.0, 150.0))
    if draw(st.booleans()):
        v[-1] = -draw(st.floats(1.0, 200.0))
    return v


@st.composite
def any_stream(draw: st.DrawFn) -> np.ndarray:
    """Any signs, zeros included."""
    n = draw(st.integers(3, 30))
    return np.array(draw(st.lists(st.one_of(signed, st.just(0.0)), min_size=n, max_size=n)))


def check_rows(mat: np.ndarray) -> None:
    got = irr(mat, chunk_size=5)
    for row, value in zip(mat, got, strict=True):
        want = reference(row)
        if math.isnan(want):
            assert math.isnan(value), (row.tolist(), value)
        else:
            assert value == pytest.approx(want, rel=1e-11, abs=1e-11), row.tolist()


@FAST
@given(rows=st.lists(project(), min_size=1, max_size=12))
def test_project_streams_match_eigenvalue_path_and_numpy_roots(rows: list[np.ndarray]) -> None:
    width = max(r.size for r in rows)
    mat = np.zeros((len(rows), width))  # trailing zeros: no roots added
    for i, r in enumerate(rows):
        mat[i, : r.size] = r
    check_rows(mat)
    for row, value in zip(mat, irr(mat), strict=True):
        found = numpy_roots(row)
        if len(found) == 1 and not math.isnan(value):
            assert value == pytest.approx(found[0], rel=1e-7, abs=1e-8)
            theirs = pyxirr.irr(row[np.flatnonzero(row)[0] :])
            if theirs is not None and abs(theirs - value) < 1e-3:  # pyxirr found this root
                assert value == pytest.approx(theirs, rel=1e-7, abs=1e-8)


@FAST
@given(rows=st.lists(any_stream(), min_size=1, max_size=12), width=st.integers(30, 31))
def test_any_signs_match_eigenvalue_path(rows: list[np.ndarray], width: int) -> None:
    mat = np.zeros((len(rows), width))
    for i, r in enumerate(rows):
        mat[i, : r.size] = r
    check_rows(mat)


def test_every_path_taken_and_right() -> None:
    # Hand-factored: -100 (1.1x - 1)(1.2x - 1) = -100 + 230x - 132x^2 (x = 1/(1+r)) has
    # IRRs 10% and 20%, in two coarse intervals (0.06-0.125, 0.125-0.21): path 0.
    two_apart = [-100.0, 230.0, -132.0]
    # -100 (1.07x - 1)(1.11x - 1) = -100 + 218x - 118.77x^2: 7% and 11%, both in the
    # coarse interval 0.06-0.125 but in different grid intervals: path 2.
    two_close = [-100.0, 218.0, -118.77]
    # -100 (1.1x - 1)^2 = -100 + 220x - 121x^2: a double root at 10%: eigenvalues, path 3.
    double = [-100.0, 220.0, -121.0]
    # Build, run, replace in year 10, run: one IRR, decided on the coarse intervals.
    replaced = [-100.0] + [15.0] * 9 + [-20.0] + [15.0] * 9
    rows = [two_apart, two_close, double, replaced]
    mat = np.zeros((4, 20))
    for i, r in enumerate(rows):
        mat[i, : len(r)] = r
    assert _path(mat).tolist() == [0, 2, 3, 1]
    got = irr(mat)
    assert math.isnan(got[0]) and math.isnan(got[1])
    assert got[2] == pytest.approx(0.1, abs=1e-7)  # irr_roots reports a double root once
    assert got[3] == pytest.approx(reference(mat[3]), rel=1e-12)
    assert got[3] == pytest.approx(pyxirr.irr(mat[3]), rel=1e-8)


def test_two_roots_inside_one_grid_interval_are_seen() -> None:
    # Roots 10.2%, 10.8% (both between the grid rates 10% and 12.5%, so no sign change
    # at any grid rate there) and 50%: the product -(1.102x - 1)(1.108x - 1)(1.5x - 1),
    # x = 1/(1+r), expanded by numpy.polymul (an identity). Only 50% shows on the sign
    # grid; three IRRs, so NaN, never 50% alone.
    poly = -np.polymul(np.polymul([1.102, -1.0], [1.108, -1.0]), [1.5, -1.0])
    row = np.zeros(10)
    row[:4] = poly[::-1] * 1000.0  # flows by year: coefficient of x^t
    assert [round(r, 9) for r in irr_roots(row)] == [0.102, 0.108, 0.5]
    assert _path(row[None, :]).tolist() == [3]
    assert math.isnan(irr(row))
    assert math.isnan(irr(np.tile(row, (3, 1)))[1])


def test_seeded_mix_matches_eigenvalue_path() -> None:
    # 3,000 project streams with a replacement (half with decommissioning): the paths
    # and the answers, row by row, against the eigenvalue path.
    rng = np.random.default_rng(13)
    n, years = 3000, 30
    v = rng.uniform(2.0, 40.0, size=(n, years))
    v[:, :2] = -rng.uniform(50.0, 150.0, size=(n, 2))
    v[np.arange(n), rng.integers(8, 25, size=n)] = -rng.uniform(1.0, 120.0, size=n)
    v[: n // 2, -1] = -rng.uniform(1.0, 200.0, size=n // 2)
    got = irr(v)
    want = np.array([reference(row) for row in v])
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    ok = ~np.isnan(want)
    np.testing.assert_allclose(got[ok], want[ok], rtol=1e-11, atol=1e-11)
    assert set(_path(v).tolist()) >= {0, 1}
