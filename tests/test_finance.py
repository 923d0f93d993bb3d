"""Tests of appraisal.finance (NPV, IRR, MIRR) against independent engines and identities.

WACC and loan schedules: test_finance_cost_of_capital.py, test_finance_loans.py.

Independent sources used below:
- numpy-financial 1.0 (``npf``): npv (t = 0 convention), irr (numpy.roots), mirr, pmt,
  ipmt, ppmt.
- pyxirr (``pyxirr``): a second NPV/IRR engine written in Rust. Its ``npv`` is
  ``sum v_i / (1 + r)^i`` with ``start_from_zero=True`` (numpy convention) and starts
  the exponent at 1 with ``start_from_zero=False`` (Excel convention), per its docstring.
- Hand arithmetic written out in the comments.
- Identities: NPV(IRR) = 0; the 2-D result equals the 1-D result of each row.
"""

from __future__ import annotations

import doctest
import importlib
import itertools
import math
import pkgutil

import numpy as np
import numpy_financial as npf
import pytest
import pyxirr
from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal import finance
from appraisal.finance import IrrResult, irr, irr_detail, irr_roots, mirr, npv

FAST = settings(max_examples=60, deadline=None)

# Cash flows as a bank states them: 0, or 0.01 to 1e6 money units of either sign.
amounts = st.floats(min_value=1e-2, max_value=1e6, allow_nan=False, allow_infinity=False)
signed = st.builds(lambda a, neg: -a if neg else a, amounts, st.booleans())
rates = st.floats(min_value=-0.5, max_value=1.0, allow_nan=False, allow_infinity=False)


@st.composite
def conventional(draw: st.DrawFn) -> np.ndarray:
    """Outflows first (1-5 years), then inflows: exactly one sign change."""
    n_out = draw(st.integers(1, 5))
    n_in = draw(st.integers(1, 40))
    out = draw(st.lists(amounts, min_size=n_out, max_size=n_out))
    inflow = draw(st.lists(amounts, min_size=n_in, max_size=n_in))
    return np.array([-a for a in out] + inflow)


@st.composite
def any_stream(draw: st.DrawFn) -> np.ndarray:
    """Any signs, zeros included (several sign changes, leading/trailing zeros)."""
    n = draw(st.integers(2, 25))
    vals = draw(st.lists(st.one_of(signed, st.just(0.0)), min_size=n, max_size=n))
    return np.array(vals)


def test_docstring_examples_run() -> None:
    # The Examples sections are part of the documentation: they must stay true.
    failed = attempted = 0
    for info in pkgutil.iter_modules(finance.__path__, "appraisal.finance."):
        module = importlib.import_module(info.name)
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        failed += result.failed
        attempted += result.attempted
    assert failed == 0
    assert attempted > 20


# ------------------------------------------------------------------------------- NPV
@FAST
@given(rate=rates, values=st.lists(signed, min_size=1, max_size=40))
def test_npv_matches_numpy_financial_and_pyxirr(rate: float, values: list[float]) -> None:
    scale = 1.0 + sum(abs(v) for v in values)  # rounding of sums of 40 terms, relative
    # numpy-financial npv leaves values[0] undiscounted.
    t0 = npv(rate, values, first_year_discounted=False)
    assert t0 == pytest.approx(npf.npv(rate, values), rel=1e-12, abs=1e-12 * scale)
    # Excel NPV is numpy-financial's divided by (1 + r).
    excel = npv(rate, values)
    assert excel == pytest.approx(npf.npv(rate, values) / (1 + rate), rel=1e-12, abs=1e-12 * scale)
    # pyxirr: start_from_zero=True is the numpy convention, False the Excel one.
    assert t0 == pytest.approx(pyxirr.npv(rate, values), rel=1e-12, abs=1e-12 * scale)
    assert excel == pytest.approx(
        pyxirr.npv(rate, values, start_from_zero=False), rel=1e-12, abs=1e-12 * scale
    )
    assert isinstance(excel, float)


def test_npv_known_value_excel_convention() -> None:
    # Excel NPV(10%, -100, 60, 60) = -100/1.1 + 60/1.21 + 60/1.331 = 3.756574004507...
    assert npv(0.10, [-100.0, 60.0, 60.0]) == pytest.approx(
        -100 / 1.1 + 60 / 1.21 + 60 / 1.331, rel=1e-15
    )
    # The t = 0 convention overstates it by (1 + r) (docs/methods.md).
    assert npv(0.10, [-100.0, 60.0, 60.0], first_year_discounted=False) == pytest.approx(
        1.1 * npv(0.10, [-100.0, 60.0, 60.0]), rel=1e-14
    )


def test_npv_2d_and_rate_broadcasting() -> None:
    v = np.array([[-100.0, 60.0, 60.0], [-50.0, 10.0, 80.0], [0.0, 0.0, 1.0]])
    per_row = [npv(0.08, row) for row in v]
    np.testing.assert_allclose(npv(0.08, v), per_row, rtol=1e-15)
    # One rate per row.
    r = np.array([0.0, 0.05, 0.10])
    np.testing.assert_allclose(
        npv(r, v), [npv(ri, row) for ri, row in zip(r, v, strict=True)], rtol=1e-15
    )
    # Several rates for one stream; a column of rates against every row.
    np.testing.assert_allclose(npv(r, v[0]), [npv(ri, v[0]) for ri in r], rtol=1e-15)
    assert npv(r[:, None], v).shape == (3, 3)
    assert npv(0.1, []) == 0.0


def test_npv_rejects_rate_at_or_below_minus_one() -> None:
    with pytest.raises(ValueError, match="greater than -1"):
        npv(-1.0, [1.0, 2.0])


# ------------------------------------------------------------------------------- IRR
@FAST
@given(values=conventional())
def test_irr_matches_numpy_financial_and_pyxirr(values: np.ndarray) -> None:
    ours = irr(values)
    # numpy-financial solves by numpy.roots (companion eigenvalues, unpolished: good to
    # about 1e-12 here); with one sign change its root "closest to 0" is the only one.
    ref = npf.irr(values)
    if -0.99 + 1e-9 < ref < 10.0 - 1e-9:
        assert ours == pytest.approx(ref, rel=1e-9, abs=1e-9)
        # pyxirr stops its iteration earlier: at high IRRs it is off by up to ~3e-8
        # relative (e.g. 5.6076838673 for a root 5.6076840080 that numpy-financial and
        # the NPV identity confirm), hence the looser tolerance.
        assert ours == pytest.approx(pyxirr.irr(values), rel=1e-7, abs=1e-9)
    elif not (-0.99 - 1e-9 <= ref <= 10.0 + 1e-9):
        assert math.isnan(ours)  # the only root lies outside the range searched


@FAST
@given(values=conventional(), first=st.booleans())
def test_npv_at_irr_is_zero(values: np.ndarray, first: bool) -> None:
    r = irr(values)
    if math.isnan(r):
        return
    # Identity NPV(IRR) = 0 under either timing convention, within the rounding of a
    # sum of terms whose magnitudes add up to sum |v_t| / (1 + r)^t.
    size = float(np.sum(np.abs(values) / (1 + r) ** np.arange(values.size)))
    assert abs(npv(r, values, first_year_discounted=first)) <= 1e-10 * size


@FAST
@given(rows=st.lists(conventional(), min_size=1, max_size=30))
def test_irr_2d_equals_1d_conventional(rows: list[np.ndarray]) -> None:
    width = max(r.size for r in rows)
    mat = np.zeros((len(rows), width))  # trailing zeros do not change an IRR
    for i, r in enumerate(rows):
        mat[i, : r.size] = r
    many = irr(mat)
    one = [irr(r) for r in rows]
    # Same algorithm; only BLAS summation order may differ (matrix vs vector product).
    np.testing.assert_allclose(many, one, rtol=0, atol=1e-12)


@FAST
@given(rows=st.lists(any_stream(), min_size=1, max_size=20), width=st.integers(25, 26))
def test_irr_2d_any_signs_matches_roots(rows: list[np.ndarray], width: int) -> None:
    mat = np.zeros((len(rows), width))
    for i, r in enumerate(rows):
        mat[i, : r.size] = r
    many = irr(mat, chunk_size=7)
    for row, value in zip(mat, many, strict=True):
        roots = irr_roots(row)
        single = irr(row)
        if len(roots) == 1:
            # irr (Newton, or the batched eigenvalue path) agrees with irr_roots.
            assert value == pytest.approx(roots[0], rel=1e-9, abs=1e-9)
            assert single == pytest.approx(value, rel=1e-12, abs=1e-12)
        else:
            assert math.isnan(value) and math.isnan(single)


@FAST
@given(values=any_stream())
def test_irr_roots_are_roots(values: np.ndarray) -> None:
    roots = irr_roots(values)
    assert roots == sorted(roots)
    assert all(-0.99 <= r <= 10.0 for r in roots)
    for a, b in itertools.pairwise(roots):
        assert b - a > 1e-9 * (1 + abs(b))  # deduplicated
    for r in roots:
        size = float(np.sum(np.abs(values) / (1 + r) ** np.arange(values.size)))
        assert abs(npv(r, values, first_year_discounted=False)) <= 1e-9 * size
    # Descartes: no more positive roots in 1/(1+r) than sign changes.
    s = np.sign(values[values != 0])
    assert len(roots) <= int(np.count_nonzero(s[1:] != s[:-1]))


def test_two_irrs_reported_never_picked() -> None:
    # -100 + 230 x - 132 x^2 = -(1.1 x - 1)(1.2 x - 1) ... roots x = 1/1.1, 1/1.2, so
    # r = 10% and 20% (factor by hand: 132 = 1.1*1.2*100, 230 = (1.1+1.2)*100).
    values = [-100.0, 230.0, -132.0]
    np.testing.assert_allclose(irr_roots(values), [0.10, 0.20], rtol=0, atol=1e-12)
    assert math.isnan(irr(values))
    detail = irr_detail(values)
    assert detail.value is None
    np.testing.assert_allclose(detail.roots, [0.10, 0.20], rtol=0, atol=1e-12)
    assert detail.reason == "2 IRRs: 10.00%, 20.00%; use MIRR or NPV"
    # numpy-financial and pyxirr each silently return one of them (10% and 20%).
    assert npf.irr(values) == pytest.approx(0.10)
    assert pyxirr.irr(values) == pytest.approx(0.20)


def test_no_sign_change_no_irr() -> None:
    assert math.isnan(irr([100.0, 50.0, 20.0]))
    assert irr_roots([100.0, 50.0, 20.0]) == []
    assert irr_detail([100.0, 0.0, 20.0]) == IrrResult(
        None, (), "no sign change in the cash flows: no IRR"
    )
    assert irr_detail([0.0, 0.0]).reason == "all cash flows are zero: no IRR"
    assert irr_roots([0.0, 0.0, 0.0]) == []
    assert math.isnan(irr(np.zeros((3, 4)))[0])


def test_root_outside_range() -> None:
    # -100 + 0.5 / (1 + r) = 0 at r = -99.5%, below the default -99%.
    assert irr_detail([-100.0, 0.5]).reason == "no real root in [-99%, 1000%]"
    assert math.isnan(irr([-100.0, 0.5]))
    assert irr([-100.0, 0.5], low=-0.999) == pytest.approx(-0.995, abs=1e-12)


def test_single_root_in_range_of_a_multi_sign_stream() -> None:
    # Roots r = 10% and r = 2000% by construction: (x - 1/1.1)(x - 1/21), x = 1/(1+r).
    x1, x2 = 1 / 1.1, 1 / 21
    values = 100 * np.array([x1 * x2, -(x1 + x2), 1.0])
    assert irr(values) == pytest.approx(0.10, abs=1e-12)
    np.testing.assert_allclose(irr_roots(values, high=100.0), [0.10, 20.0], rtol=1e-12)
    assert math.isnan(irr(values, high=100.0))
    assert irr_detail(values) == IrrResult(irr_roots(values)[0], tuple(irr_roots(values)), None)


def test_leading_trailing_zeros_and_negative_irr() -> None:
    # -100 then 110 one year later: 10%, wherever the stream sits in the years.
    assert irr_roots([0.0, 0.0, -100.0, 110.0, 0.0]) == [pytest.approx(0.10, abs=1e-12)]
    assert irr([0.0, 0.0, -100.0, 110.0, 0.0]) == pytest.approx(0.10, abs=1e-12)
    # -100 then 74 three years later: (0.74)^(1/3) - 1 = -9.5499% (numpy-financial docs).
    assert irr([-100.0, 0.0, 0.0, 74.0]) == pytest.approx(0.74 ** (1 / 3) - 1, abs=1e-12)
    # Inflows first (a loan seen by the borrower) have the same IRR as the lender's view.
    assert irr([100.0, -110.0]) == pytest.approx(0.10, abs=1e-12)


def test_roots_at_and_near_round_rates() -> None:
    # Round rates are where a bracketing grid would put its points, so where a sign
    # decided in low precision would be most fragile. For [-1, 1 + r] the IRR is r by
    # definition; for 30-year streams built to have IRR r, irr_roots (eigenvalues, then
    # Newton in double precision) is the reference.
    rng = np.random.default_rng(11)
    centres = [-0.9, -0.5, -0.2, -0.05, 0.0, 0.02, 0.1, 0.25, 0.45, 1.0, 4.0, 10.0]
    offsets = [0.0, 1e-13, -1e-13, 1e-9, -1e-9, 1e-6]
    rates_ = np.array([c + d for c in centres for d in offsets if -0.99 <= c + d <= 10.0])
    two = np.stack([-np.ones_like(rates_), 1.0 + rates_], axis=1)
    np.testing.assert_allclose(irr(two), rates_, rtol=0, atol=1e-14)
    weights = rng.uniform(0.2, 1.5, (rates_.size, 29))
    disc = (1.0 + rates_[:, None]) ** -np.arange(1, 30)
    long = np.column_stack([-np.ones_like(rates_), weights / (weights * disc).sum(axis=1)[:, None]])
    long *= 10.0 ** rng.uniform(-2, 6, (rates_.size, 1))
    got = irr(long)
    ref = [irr_roots(row)[0] for row in long]
    np.testing.assert_allclose(got, ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(got, rates_, rtol=1e-9, atol=1e-9)  # construction rounding


def test_double_root_reported_once() -> None:
    # -1 + 2x - x^2 = -(1 - x)^2: a double root at x = 1, r = 0.
    assert irr_roots([-1.0, 2.0, -1.0]) == [pytest.approx(0.0, abs=1e-7)]


def test_nan_input_named() -> None:
    with pytest.raises(ValueError, match="NaN at index 1"):
        irr_roots([-100.0, np.nan, 50.0])
    with pytest.raises(ValueError, match="NaN at index 1"):
        irr([-100.0, np.nan, 50.0])
    with pytest.raises(ValueError, match="NaN at row 2, year index 0"):
        irr(np.array([[-1.0, 2.0], [-1.0, 3.0], [np.nan, 1.0]]), chunk_size=2)
    with pytest.raises(ValueError, match="infinite value at row 0, year index 1"):
        irr(np.array([[-1.0, np.inf], [-1.0, 3.0]]))
    with pytest.raises(ValueError, match="NaN"):
        irr_detail([np.nan, 1.0])
    with pytest.raises(ValueError, match="1-D"):
        irr_roots([[1.0, -2.0]])
    with pytest.raises(ValueError, match="low < high"):
        irr([-1.0, 2.0], low=0.5, high=0.1)
    with pytest.raises(ValueError, match="chunk_size"):
        irr([[-1.0, 2.0]], chunk_size=0)


def test_irr_large_batch_chunks_and_negative_rates() -> None:
    rng = np.random.default_rng(7)
    n = 20_000
    v = np.empty((n, 30))
    v[:, :3] = -rng.uniform(50, 150, (n, 3))
    v[:, 3:] = rng.uniform(0.5, 40, (n, 27))  # IRRs from about -10% to +15%
    v[::97] *= -1  # inflows first
    ours = irr(v, chunk_size=5000)
    assert ours.shape == (n,)
    # Other chunks change only the order of BLAS sums: the same roots to rounding.
    again = irr(v[:3000], chunk_size=np.int64(999))
    np.testing.assert_allclose(again, ours[:3000], rtol=0, atol=1e-14)
    assert (ours < 0).any() and (ours > 0).any()
    sample = slice(0, n, 50)
    ref = np.array([pyxirr.irr(row) for row in v[sample]])
    np.testing.assert_allclose(ours[sample], ref, rtol=0, atol=1e-9)
    size = np.abs(v).sum(axis=1) * 1e-10
    resid = npv(ours, v)  # NPV of each row at its own IRR (one rate per row)
    assert (np.abs(resid) <= size).all()


# ------------------------------------------------------------------------------ MIRR
@FAST
@given(values=any_stream(), fr=rates, rr=rates)
def test_mirr_matches_numpy_financial(values: np.ndarray, fr: float, rr: float) -> None:
    ours = mirr(values, fr, rr)
    has_both = (values > 0).any() and (values < 0).any()
    if not has_both:
        assert math.isnan(ours)
        return
    ref = npf.mirr(values, fr, rr)
    assert ours == pytest.approx(ref, rel=1e-10, abs=1e-12)


def test_mirr_2d_and_excel_example() -> None:
    # Microsoft's MIRR help example: flows -120000, 39000, 30000, 21000, 37000, 46000,
    # finance rate 10%, reinvestment 12%. It shows, at whole-percent display: 13% after
    # five years, -5% after three years, 13% with a 14% reinvestment rate.
    values = [-120000.0, 39000.0, 30000.0, 21000.0, 37000.0, 46000.0]
    assert round(mirr(values, 0.10, 0.12), 2) == 0.13
    assert round(mirr(values[:4], 0.10, 0.12), 2) == -0.05
    assert round(mirr(values, 0.10, 0.14), 2) == 0.13
    # More digits: numpy-financial gives 0.126094130366 for the first.
    assert mirr(values, 0.10, 0.12) == pytest.approx(0.1260941303659, rel=1e-12)
    mat = np.array([values, [-1.0, 2.0, 0.0, 0.0, 0.0, 0.0], [1.0] * 6])
    got = mirr(mat, 0.10, 0.12)
    assert got[0] == pytest.approx(mirr(values, 0.10, 0.12), rel=1e-15)
    assert got[1] == pytest.approx(npf.mirr(mat[1], 0.10, 0.12), rel=1e-12)
    assert math.isnan(got[2])
