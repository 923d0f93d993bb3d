"""Throughput of the vectorised IRR against numpy-financial and pyxirr, in one run.

Usage: ``python benchmarks/bench_irr.py [N]`` (default N = 100_000 streams).

Generates N random conventional 30-year streams (seeded: 1-4 years of outflows, then
inflows; IRRs roughly -5% to +40%), then times

- ``appraisal.finance.irr`` on the whole (N, 30) array (best of 5 runs),
- ``numpy_financial.irr`` in a Python loop over a subsample of 2,000 streams (best of 3),
- ``pyxirr.irr`` in a Python loop over a subsample of 50,000 streams or N (best of 3),

prints each throughput in streams per second, the ratios, the largest absolute
difference between the engines' IRRs on the common streams, and the time ours takes
for 1,000,000 streams. Targets: at least 5x pyxirr and 500x numpy-financial.

Everything runs on one core (``irr`` keeps its matrix products below OpenBLAS'
threading threshold), so the ratios compare like with like; on a machine shared with
other work the absolute figures vary from run to run, the ratios much less.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import numpy_financial as npf
import pyxirr

from appraisal.finance import irr

YEARS = 30
NPF_SAMPLE = 2_000
PYXIRR_SAMPLE = 50_000


def streams(n: int, seed: int = 20240601) -> np.ndarray:
    """N conventional streams of YEARS years: outflows first, then inflows."""
    rng = np.random.default_rng(seed)
    v = rng.uniform(2.0, 40.0, size=(n, YEARS))
    n_out = rng.integers(1, 5, size=n)  # years of construction
    out = np.arange(YEARS)[None, :] < n_out[:, None]
    v[out] = -rng.uniform(50.0, 150.0, size=int(out.sum()))
    return v


def best_of(runs: int, fn: object) -> float:
    assert callable(fn)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str]) -> int:
    n = int(argv[1]) if len(argv) > 1 else 100_000
    v = streams(n)
    irr(v[:100])  # warm up caches (grid matrix)

    ours_result: list[np.ndarray] = []
    t_ours = best_of(5, lambda: ours_result.append(irr(v)))
    ours = ours_result[-1]

    n_npf = min(NPF_SAMPLE, n)
    t_npf = best_of(3, lambda: [npf.irr(row) for row in v[:n_npf]])
    ref_npf = np.array([npf.irr(row) for row in v[:n_npf]])

    n_pyx = min(PYXIRR_SAMPLE, n)
    rows = list(v[:n_pyx])
    t_pyx = best_of(3, lambda: [pyxirr.irr(row) for row in rows])
    ref_pyx = np.array([pyxirr.irr(row) for row in rows], dtype=np.float64)

    thr_ours = n / t_ours
    thr_npf = n_npf / t_npf
    thr_pyx = n_pyx / t_pyx
    print(
        f"streams: {n:,} x {YEARS} years; IRR range {np.nanmin(ours):.4f} .. {np.nanmax(ours):.4f}"
    )
    print(f"appraisal.finance.irr (2-D, vectorised): {thr_ours:12,.0f} streams/s  ({t_ours:.3f} s)")
    print(f"pyxirr.irr (loop, {n_pyx:,} streams):     {thr_pyx:12,.0f} streams/s")
    print(f"numpy_financial.irr (loop, {n_npf:,}):     {thr_npf:12,.0f} streams/s")
    print(f"ratio ours / pyxirr:          {thr_ours / thr_pyx:8.1f}x  (target >= 5x)")
    print(f"ratio ours / numpy-financial: {thr_ours / thr_npf:8.1f}x  (target >= 500x)")
    print(f"max |ours - pyxirr|:          {np.max(np.abs(ours[:n_pyx] - ref_pyx)):.3e}")
    print(f"max |ours - numpy-financial|: {np.max(np.abs(ours[:n_npf] - ref_npf)):.3e}")
    print(f"NaN results: {int(np.isnan(ours).sum())}")

    million = streams(1_000_000, seed=7)
    t0 = time.perf_counter()
    irr(million)
    print(f"1,000,000 streams: {time.perf_counter() - t0:.2f} s")
    ok = thr_ours >= 5 * thr_pyx and thr_ours >= 500 * thr_npf
    print("targets met" if ok else "TARGETS NOT MET")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
