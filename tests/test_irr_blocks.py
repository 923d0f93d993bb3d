"""The faster block steps of ``irr`` give the same bits as the steps they replaced.

Issue 13 made ``irr`` faster without changing any result: the grid product now has
the streams along the columns, the first grid rate at or above the root is found by
a minimum over small integers, sign changes are counted in whole-array passes, and
the one-sign-change streams of a mixed block are solved in place of a copy of their
rows. Each check compares with the step it replaced or with an identity:

- the product against the row layout the bracketing used before (the column layout
  is used only where this machine's BLAS sums each entry in the same order, checked
  by ``_columns_agree``; the rest keeps the row layout);
- the bracket index against ``_first_nonpositive`` (an argmax of ``f <= 0``);
- the sign changes against a plain loop over each stream (Descartes' count);
- ``irr(-v) == irr(v)`` bit for bit (negating a stream keeps its roots; the negated
  streams take the flipping branch), and the one-sign-change rows of a block give
  the same bits whatever rows with several sign changes share their block.

Comparisons are exact (``np.array_equal``): any changed bit fails.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from appraisal.finance import irr
from appraisal.finance._common import _sign_changes
from appraisal.finance.bracketing import _first_nonpositive, _first_positive_run, _grid
from appraisal.finance.products import _grid_product32, _serial_matmul_rows


def flows(rng: np.random.Generator, m: int, t: int) -> np.ndarray:
    """Project-like streams: 1-4 years of outflows, then inflows (one sign change)."""
    v = rng.uniform(2.0, 40.0, size=(m, t))
    build = np.arange(t)[None, :] < rng.integers(1, 5, size=m)[:, None]
    v[build] = -rng.uniform(50.0, 150.0, size=int(build.sum()))
    return v


@pytest.mark.parametrize("t", [2, 5, 25, 30, 31, 32, 40, 61])
@pytest.mark.parametrize("m", [1, 7, 63, 64, 248, 249, 250, 312, 313, 1000, 8192])
def test_grid_product_same_bits_as_row_layout(t: int, m: int) -> None:
    rng = np.random.default_rng(t * 10000 + m)
    v32 = (rng.normal(0.0, 50.0, size=(m, t)) * 10.0 ** rng.integers(-3, 4, size=(m, 1))).astype(
        np.float32
    )
    grid = _grid(t, -0.99, 10.0)
    if grid.max32 > 0:
        got = _grid_product32(grid.mat32, grid.mat32_t, grid.by_cols, np.ascontiguousarray(v32.T))
        assert np.array_equal(got, _serial_matmul_rows(v32, grid.mat32_t).T)


def test_first_positive_run_matches_argmax() -> None:
    rng = np.random.default_rng(1)
    for g in (35, 70):  # 70: the fallback beyond int8 sums
        m = 5000
        k = rng.integers(0, g + 1, size=m)
        f = np.where(np.arange(g)[:, None] < k[None, :], 1.0, -1.0) * rng.random((g, m))
        noise = rng.random((g, m)) < 0.05  # wrong signs and zeros anywhere
        f[noise] *= rng.choice([-1.0, 0.0, -0.0], size=int(noise.sum()))
        f32 = f.astype(np.float32)
        assert np.array_equal(_first_positive_run(f32), _first_nonpositive(f32.T))
        f32[-1] = np.abs(f32[-1]) + 1.0  # positive at the top rate: the height, as before
        assert np.array_equal(_first_positive_run(f32), _first_nonpositive(f32.T))


def test_sign_changes_match_a_loop() -> None:
    rng = np.random.default_rng(2)
    for t in (1, 2, 3, 30):
        vt = rng.choice([-3.0, -0.0, 0.0, 2.0, 5.0], size=(t, 400))
        changes, last = _sign_changes(vt)
        for i in range(vt.shape[1]):
            signs = [s for s in np.sign(vt[:, i]) if s != 0]
            want = sum(a != b for a, b in itertools.pairwise(signs))
            assert changes[i] == want
            assert last[i] == (signs[-1] if signs else 0.0)


def test_negated_streams_same_bits() -> None:
    rng = np.random.default_rng(3)
    v = flows(rng, 20_000, 30)
    half = rng.random(v.shape[0]) < 0.5
    want = irr(v)
    assert np.array_equal(irr(-v), want)  # every stream flipped back
    assert np.array_equal(irr(np.where(half[:, None], -v, v)), want)  # half of them


def test_single_rows_same_bits_beside_several_sign_changes() -> None:
    rng = np.random.default_rng(4)
    v = flows(rng, 8000, 30)  # one block of 8,192: the same blocks with or without
    multi = rng.random(v.shape[0]) < 0.05
    mixed = v.copy()
    mixed[multi, 15] = -rng.uniform(5.0, 60.0, size=int(multi.sum()))  # a replacement year
    mixed[multi, -1] = -rng.uniform(5.0, 60.0, size=int(multi.sum()))  # decommissioning
    assert np.array_equal(irr(mixed)[~multi], irr(v[~multi]))
