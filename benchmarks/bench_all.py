"""Every speed figure of issue 13 in one table, each a ratio measured in this run.

Usage: ``python benchmarks/bench_all.py [--streams N] [--repeat 3] [--draws N] [--only irr,risk]``
(``make bench``). Progress goes to stderr, the table to stdout. Every time is the
median of ``--repeat`` runs (wall clock, ``time.perf_counter``), and each baseline is
timed in the same run as the figure it is compared with, so a busy machine slows
both. Rows (method in ``docs/performance.md``):

- ``irr``: the vectorised ``appraisal.irr`` on N 30-year streams with 0%, 1% and 5%
  non-conventional streams, against a pyxirr loop, a numpy-financial loop (both timed
  on a subsample and scaled to N: a Python loop's time is linear in its length) and
  a plain vectorised numpy Newton (written below as a competent user would).
- risk: ``appraisal.risk`` in process and ``appraisal risk --formats json`` from the
  command line, 10^6 draws of the Xiangtan case, against the lower bound: the random
  numbers (one per draw and uncertain input) plus one ``irr`` per draw.
- ``import appraisal`` against ``import pandas`` (fresh interpreters).
- ``appraisal run`` of the Xiangtan case, all formats (a fresh interpreter).
- the workbook of generated 50- and 200-component cases (``benchmarks/gencase.py``).
- a batch of cases, all formats, on a process pool (``--jobs 2``) and on a Dask
  LocalCluster of two single-threaded workers.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
XIANGTAN = ROOT / "cases" / "xiangtan" / "case.toml"
BIN = Path(sys.executable).parent
YEARS = 30
PYXIRR_SAMPLE = 50_000
NPF_SAMPLE = 1_000

Row = tuple[str, str, str, str, str]
ROWS: list[Row] = []


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def median_time(fn: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def row(what: str, ours: str, versus: str, ratio: float | None, target: str, met: bool) -> None:
    figure = "" if ratio is None else f"{ratio:,.2f}"
    verdict = f"{target} {'met' if met else 'NOT met'}" if target else ""
    ROWS.append((what, ours, versus, figure, verdict))
    log(f"  {what}: {ours} vs {versus} -> {figure} ({target})")


# ----------------------------------------------------------------------------- IRR
def streams(n: int, share: float, seed: int = 20240601) -> np.ndarray:
    """N 30-year streams: 1-4 years of outflows then inflows; ``share`` of them
    non-conventional: a replacement year with a net outflow, half of those also a
    decommissioning outflow in the last year (two IRRs in range, or none, for many)."""
    rng = np.random.default_rng(seed)
    v = rng.uniform(2.0, 40.0, size=(n, YEARS))
    n_out = rng.integers(1, 5, size=n)
    out = np.arange(YEARS)[None, :] < n_out[:, None]
    v[out] = -rng.uniform(50.0, 150.0, size=int(out.sum()))
    k = round(share * n)
    rows = rng.choice(n, k, replace=False)
    v[rows, rng.integers(10, 20, size=k)] = -rng.uniform(5.0, 60.0, size=k)
    half = rows[: k // 2]
    v[half, -1] = -rng.uniform(5.0, 60.0, size=half.size)
    return v


def numpy_newton(v: np.ndarray, guess: float = 0.1, tol: float = 1e-10) -> np.ndarray:
    """The plain vectorised baseline: Newton on NPV(r) from 10% for every stream at
    once, Horner's rule over the years, until every step is below ``tol`` (50 at most).
    No bracketing and no check of uniqueness: it returns whichever root it reaches."""
    vt = np.ascontiguousarray(v.T)
    r = np.full(v.shape[0], guess)
    with np.errstate(all="ignore"):
        for _ in range(50):
            x = 1.0 / (1.0 + r)
            p = np.zeros_like(r)
            dp = np.zeros_like(r)
            for c in vt[::-1]:  # p(x) = sum v_t x^t and dp/dx
                dp = dp * x + p
                p = p * x + c
            step = p / (-dp * x * x)  # dNPV/dr = dp/dx * dx/dr, dx/dr = -x^2
            r = r - step
            if not np.nanmax(np.abs(step)) > tol:
                break
    return r


def bench_irr(n: int, repeat: int) -> None:
    import numpy_financial as npf
    import pyxirr

    from appraisal import irr

    for share in (0.0, 0.01, 0.05):
        log(f"irr: {n:,} streams, {share:.0%} non-conventional")
        v = streams(n, share)
        irr(v[:1000])  # warm-up (grid caches)
        pyx, npf_sub = v[:PYXIRR_SAMPLE], v[:NPF_SAMPLE]
        runs: dict[str, list[float]] = {"ours": [], "pyx": [], "npf": [], "newton": []}
        for _ in range(repeat):  # interleaved: a busy spell slows ours and a baseline alike
            runs["ours"].append(median_time(lambda v=v: irr(v), 1))
            runs["pyx"].append(
                median_time(lambda s=pyx: [pyxirr.irr(x) for x in s], 1) * n / pyx.shape[0]
            )
            # minutes at full size: on the subsample, in every round (its time moves
            # a lot between runs, so one timing made a noisy ratio)
            runs["npf"].append(
                median_time(lambda s=npf_sub: [npf.irr(x) for x in s], 1) * n / NPF_SAMPLE
            )
            runs["newton"].append(median_time(lambda v=v: numpy_newton(v), 1))
        t_ours, t_pyx, t_npf, t_newton = (statistics.median(runs[k]) for k in runs)
        name = f"irr, {n:,} streams, {share:.0%} non-conv."
        ours = f"{t_ours:.2f} s"
        goal = 8 if share == 0 else 5
        row(
            name,
            ours,
            f"pyxirr loop {t_pyx:.2f} s*",
            t_pyx / t_ours,
            f">= {goal}x",
            t_pyx / t_ours >= goal,
        )
        row(
            name,
            ours,
            f"numpy-financial loop {t_npf:,.0f} s*",
            t_npf / t_ours,
            ">= 500x",
            t_npf / t_ours >= 500,
        )
        row(
            name,
            ours,
            f"numpy Newton {t_newton:.2f} s",
            t_newton / t_ours,
            ">= 2x",
            t_newton / t_ours >= 2,
        )


# ----------------------------------------------------------------------------- risk
def bench_risk(draws: int, repeat: int, tmp: Path) -> None:
    import appraisal
    from appraisal import irr

    log(f"risk: {draws:,} draws of the Xiangtan case")
    case = appraisal.load_case(XIANGTAN)
    result = appraisal.appraise(case)
    appraisal.risk(result, 1000, 1)  # warm-up
    t_risk = median_time(lambda: appraisal.risk(result, draws, 52230001), repeat)
    raw = tomllib.loads(XIANGTAN.read_text(encoding="utf-8"))
    n_vars, years = len(raw["risk"]["variables"]), int(raw["case"]["years"])
    v = streams(draws, 0.0)[:, :years]
    t_low = median_time(lambda: np.random.default_rng(7).random((draws, n_vars)), repeat)
    t_low += median_time(lambda: irr(v), repeat)
    row(
        f"risk() in process, {draws:,} draws",
        f"{t_risk:.2f} s",
        f"lower bound {t_low:.2f} s",
        t_risk / t_low,
        "<= 2x bound",
        t_risk / t_low <= 2,
    )
    cmd = [
        str(BIN / "appraisal"),
        "risk",
        str(XIANGTAN),
        "--draws",
        str(draws),
        "--formats",
        "json",
    ]
    t_cli = median_time(
        lambda: subprocess.run([*cmd, "--out", str(tmp / "risk")], check=True, capture_output=True),
        repeat,
    )
    row(
        f"appraisal risk --formats json, {draws:,}",
        f"{t_cli:.2f} s",
        f"lower bound {t_low:.2f} s",
        t_cli / t_low,
        "<= 1.5 s",
        t_cli <= 1.5,
    )


# ----------------------------------------------------------------------------- start-up
def bench_import(repeat: int) -> None:
    log("import appraisal vs import pandas")
    py = sys.executable

    def imp(mod: str) -> float:
        return median_time(lambda: subprocess.run([py, "-c", f"import {mod}"], check=True), repeat)

    bare = imp("sys")  # the interpreter alone, for the record
    t_app, t_pd = imp("appraisal"), imp("pandas")
    row(
        "import appraisal (fresh python)",
        f"{t_app:.2f} s",
        f"import pandas {t_pd:.2f} s (python alone {bare:.2f} s)",
        t_app / t_pd,
        "<= 1.5x",
        t_app / t_pd <= 1.5,
    )


def bench_run(repeat: int, tmp: Path) -> None:
    log("appraisal run, Xiangtan, all formats")
    cmd = [str(BIN / "appraisal"), "run", str(XIANGTAN), "--formats", "json,xlsx,pdf"]
    t = median_time(
        lambda: subprocess.run([*cmd, "--out", str(tmp / "run")], check=True, capture_output=True),
        repeat,
    )
    row("appraisal run Xiangtan, all formats", f"{t:.2f} s", "", None, "<= 1.5 s", t <= 1.5)


# ----------------------------------------------------------------------------- workbook
def bench_workbook(repeat: int, tmp: Path) -> None:
    from gencase import generate

    import appraisal
    from appraisal.io.workbook import render_workbook

    times = {}
    for n in (6, 50, 200):
        log(f"workbook: {n} components")
        path = XIANGTAN if n == 6 else generate(n, tmp / f"case{n}")
        result = appraisal.appraise(appraisal.load_case(path))
        times[n] = median_time(
            lambda result=result: render_workbook(result), repeat if n < 200 else max(1, repeat - 1)
        )
    per = (times[200] - times[50]) / 150
    row(
        "workbook, 50 components",
        f"{times[50]:.2f} s",
        f"Xiangtan (6) {times[6]:.2f} s",
        None,
        "",
        True,
    )
    row(
        "workbook, 200 components",
        f"{times[200]:.2f} s",
        f"{per * 1000:.0f} ms per component",
        None,
        "<= 4 s",
        times[200] <= 4,
    )


# ----------------------------------------------------------------------------- batch
def bench_batch(n_cases: int, tmp: Path) -> None:
    folder = tmp / "batch"
    folder.mkdir()
    for i in range(n_cases):
        shutil.copy(XIANGTAN, folder / f"xiangtan-{i:03d}.toml")
    cmd = [str(BIN / "appraisal"), "run", str(folder), "--formats", "json,xlsx,pdf"]
    log(f"batch: {n_cases} cases, process pool of 2")
    start = time.perf_counter()
    subprocess.run([*cmd, "--jobs", "2", "--out", str(tmp / "b1")], check=True, capture_output=True)
    t_pool = time.perf_counter() - start
    row(
        f"batch {n_cases} cases, --jobs 2",
        f"{n_cases / t_pool:.2f} cases/s",
        "",
        None,
        ">= 4 cases/s",
        n_cases / t_pool >= 4,
    )
    try:
        from distributed import LocalCluster
    except ImportError:
        row("batch on Dask LocalCluster", "dask not installed", "", None, "", False)
        return
    log(f"batch: {n_cases} cases, Dask LocalCluster of 2 workers")
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as lc:
        start = time.perf_counter()
        subprocess.run(
            [*cmd, "--scheduler", lc.scheduler_address, "--out", str(tmp / "b2")],
            check=True,
            capture_output=True,
        )
        t_dask = time.perf_counter() - start
    row(
        f"batch {n_cases} cases, Dask LocalCluster",
        f"{n_cases / t_dask:.2f} cases/s",
        "",
        None,
        ">= 4 cases/s",
        n_cases / t_dask >= 4,
    )


def machine() -> str:
    model = ""
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        model = next(
            (ln.split(":", 1)[1].strip() for ln in out.splitlines() if ln.startswith("Model name")),
            "",
        )
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kib = int(f.readline().split()[1])
        mem = f", {kib / 1024**2:.1f} GiB"
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}){mem}; python {platform.python_version()}"


SECTIONS = ("irr", "risk", "import", "run", "workbook", "batch")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=1_000_000)
    parser.add_argument("--draws", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections to run (default all: {','.join(SECTIONS)})",
    )
    args = parser.parse_args()
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(only) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; expected {', '.join(SECTIONS)}")
    # Byte-compile the package first, as installing it does (pip compiles what it
    # installs, and pandas, the import baseline, is compiled): a checkout run with
    # PYTHONDONTWRITEBYTECODE would otherwise compile every module in every process.
    compileall.compile_dir(str(ROOT / "appraisal"), quiet=1)
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        if "irr" in only:
            bench_irr(args.streams, args.repeat)
        if "risk" in only:
            bench_risk(args.draws, args.repeat, tmp)
        if "import" in only:
            bench_import(max(5, args.repeat))
        if "run" in only:
            bench_run(args.repeat, tmp)
        if "workbook" in only:
            bench_workbook(args.repeat, tmp)
        if "batch" in only:
            bench_batch(args.batch, tmp)
    print(
        f"bench_all: {machine()}; medians of {args.repeat} runs; * loop timed on "
        f"{PYXIRR_SAMPLE:,} (pyxirr) or {NPF_SAMPLE:,} (numpy-financial) streams, scaled"
    )
    head = ("measure", "ours", "baseline", "ratio", "target")
    widths = [max(len(r[i]) for r in [head, *ROWS]) for i in range(5)]
    for r in [head, tuple("-" * w for w in widths), *ROWS]:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
