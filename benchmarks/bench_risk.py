"""Benchmark the Monte Carlo risk analysis of the Xiangtan case (issue #5).

Targets on the 2-core reference machine: 1,000,000 draws in under 2 s, and
10,000,000 draws in under 2 GB of memory. Run by ``make bench``:

    python benchmarks/bench_risk.py [--draws 1000000] [--repeat 3] [--memory-draws 10000000]

The timed figure is ``appraisal.risk(result, draws, seed)``: drawing the uncertain
inputs, building every draw's net stream, its ENPV and its EIRR (with and without
carbon) and the summary, histograms and S-curves; the deterministic appraisal is
done once before. The memory figure is the peak resident set size of a separate
process that loads the case, appraises it and runs the large risk analysis
(``ru_maxrss`` of that child), so nothing else this script did counts.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASE = ROOT / "cases" / "xiangtan" / "case.toml"
SEED = 52230001


def _time_risk(draws: int, repeat: int) -> list[float]:
    import appraisal

    result = appraisal.appraise(appraisal.load_case(CASE))
    appraisal.risk(result, 1000, SEED)  # warm-up: imports, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = appraisal.risk(result, draws, SEED)
        times.append(time.perf_counter() - start)
    s = out.summary["risk"]
    print(
        f"  P(ENPV<0) {s['p_enpv_negative']:.4f}, EIRR p5/p50/p95 "
        f"{s['eirr_p5']:.4%} / {s['eirr_p50']:.4%} / {s['eirr_p95']:.4%}, "
        f"draws without an EIRR {s['eirr_undefined_draws']}"
    )
    return times


def _child(draws: int) -> None:
    """Run in a fresh process: one large risk analysis; print the seconds it took."""
    import appraisal

    result = appraisal.appraise(appraisal.load_case(CASE))
    start = time.perf_counter()
    out = appraisal.risk(result, draws, SEED)
    print(f"{time.perf_counter() - start:.3f} {out.summary['risk']['p_enpv_negative']:.6f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--memory-draws", type=int, default=10_000_000)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return 0

    print(
        f"bench_risk: Xiangtan Monte Carlo; python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}"
    )
    print(f"{args.draws:,} draws, seed {SEED}, {args.repeat} runs:")
    times = _time_risk(args.draws, args.repeat)
    best = min(times)
    print(
        "  seconds: " + ", ".join(f"{t:.3f}" for t in times) + f"; best {best:.3f} "
        f"({args.draws / best:,.0f} draws/s); target < 2 s: {'met' if best < 2 else 'NOT met'}"
    )

    print(f"{args.memory_draws:,} draws in a fresh process (peak resident memory):")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(args.memory_draws)],
        capture_output=True,
        text=True,
        check=True,
    )
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # Linux: KiB
    seconds, p_neg = done.stdout.split()
    gib = peak_kib / 1024**2
    note = "" if peak_kib > before else " (a previous child was larger: upper bound)"
    print(
        f"  peak RSS {gib:.2f} GiB{note}; {float(seconds):.2f} s; P(ENPV<0) {p_neg}; "
        f"target < 2 GB: {'met' if peak_kib * 1024 < 2e9 else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
