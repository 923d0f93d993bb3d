"""Matrix products of many streams with a small matrix, on one thread, in either layout.

The IRR's bracketing grid (:mod:`~appraisal.finance.bracketing`) and the Bernstein
coefficients (:mod:`~appraisal.finance.multisign`) multiply every stream by a small
matrix. The products are cut into pieces that OpenBLAS runs on one thread, and the
single-precision grid product runs with the streams along the columns where that
gives the same bits as the row layout it used to run in (checked on this machine).
"""

from __future__ import annotations

from typing import Final, TypeVar

import numpy as np
import numpy.typing as npt

Float32Array = npt.NDArray[np.float32]
_Real = TypeVar("_Real", npt.NDArray[np.float64], npt.NDArray[np.float32])

# OpenBLAS runs a matrix product on one thread when M x N x K <= 4 x 65536 (its
# GEMM_MULTITHREAD_THRESHOLD); its threads wait on each other badly when the cores are
# shared with other work, so the grid products are cut into pieces below that size.
_SERIAL_GEMM: Final = 262144
# A last piece of the single-precision grid product narrower than this many streams runs
# in the row layout (see _grid_product32).
_MIN_TAIL: Final = 64


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


def _serial_matmul_cols(a: _Real, b: _Real) -> _Real:
    """``a @ b`` for a small ``a`` and a wide ``b``, in single-threaded column pieces."""
    g, t = a.shape
    m = b.shape[1]
    step = max(1, _SERIAL_GEMM // max(g * t, 1))
    if m <= step:
        return a @ b
    out = np.empty((g, m), dtype=np.result_type(a, b))
    for s in range(0, m, step):
        np.matmul(a, b[:, s : s + step], out=out[:, s : s + step])
    return out


def _columns_agree(mat32: Float32Array, mat32_t: Float32Array) -> bool:
    """Whether this machine's BLAS gives the grid product the same float32 bits with
    the streams along the columns as along the rows (see :func:`_grid_product32`).

    Each entry is a sum of T products either way, but a BLAS kernel may take the
    terms in another order in one layout (OpenBLAS on this project's machine does for
    T >= 32). A different order changes most entries of random data, so random probes
    decide: full column pieces and every narrower width from ``_MIN_TAIL`` to 127
    against the row layout, and the row layout itself on shifted pieces and single
    rows (it must not depend on which rows share a product).
    """
    g, t = mat32.shape
    step = max(1, _SERIAL_GEMM // max(g * t, 1))
    rng = np.random.default_rng(20261130)
    probe = rng.normal(0.0, 1.0, size=(2 * step + 127, t)).astype(np.float32)
    cols = np.ascontiguousarray(probe.T)
    with np.errstate(all="ignore"):
        ref = _serial_matmul_rows(probe, mat32_t)
        same = np.array_equal(_serial_matmul_rows(probe[5:], mat32_t), ref[5:])
        for i in (0, step - 1, 2 * step):
            same &= np.array_equal(probe[i : i + 1] @ mat32_t, ref[i : i + 1])
        same &= np.array_equal(_serial_matmul_cols(mat32, cols[:, : 2 * step]), ref[: 2 * step].T)
        for w in range(_MIN_TAIL, min(128, step)):
            same &= np.array_equal(mat32 @ cols[:, :w], ref[:w].T)
    return bool(same)


def _grid_product32(
    mat32: Float32Array, mat32_t: Float32Array, columns: bool, vt32: Float32Array
) -> Float32Array:
    """``mat32 @ vt32``, (grid, streams), for ``vt32`` (years, streams), single precision.

    With the streams along the columns OpenBLAS runs several times faster than with
    them along the rows, as this product used to run; where :func:`_columns_agree`
    found the two layouts give the same bits (``columns``), the columns are used,
    except for a last piece narrower than ``_MIN_TAIL`` streams (done in rows, with
    ``mat32_t``, ``mat32.T`` contiguous). Else all in rows, as before.
    """
    g, t = mat32.shape
    m = vt32.shape[1]
    step = max(1, _SERIAL_GEMM // max(g * t, 1))
    by_cols = m - m % step if m % step < _MIN_TAIL else m
    if not columns:
        by_cols = 0
    f = np.empty((g, m), dtype=np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        for s in range(0, by_cols, step):
            e = min(s + step, by_cols)
            np.matmul(mat32, vt32[:, s:e], out=f[:, s:e])
        if by_cols < m:
            rows = np.ascontiguousarray(vt32[:, by_cols:].T)
            f[:, by_cols:] = _serial_matmul_rows(rows, mat32_t).T
    return f
