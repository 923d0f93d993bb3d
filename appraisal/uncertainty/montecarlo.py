"""Monte Carlo risk analysis: draws of the uncertain inputs, the ENPV and EIRR of each.

:func:`parse_risk` reads a case's ``[risk]`` section; :func:`sample` draws the
inputs through a Gaussian copula; :func:`monte_carlo` builds each draw's net
stream from the grouped atoms, its ENPV and EIRR, and summarises them in a
:class:`RiskResult` (histograms, S-curves, the JSON ``risk`` block; see
``docs/uncertainty.md``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from appraisal.finance import _BLOCK as _IRR_BLOCK
from appraisal.finance import _irr_transposed
from appraisal.schema import Problem, field_by_key
from appraisal.uncertainty.distributions import Correlation, RiskVariable, _copula_factor
from appraisal.uncertainty.drivers import DriverStatistics
from appraisal.uncertainty.groups import GroupModel
from appraisal.uncertainty.streams import (
    EconomicStreams,
    FloatArray,
    Target,
    UncertaintyInputError,
    _target_problems,
)

__all__ = ["CHUNK_SIZE", "MAX_DRAWS", "RiskResult", "monte_carlo", "parse_risk", "sample"]

# Draws evaluated at once: bounds the working memory (about 10 arrays of
# chunk x years doubles, ~130 MB for 30 years) whatever the number of draws.
CHUNK_SIZE: Final = 65536
# Most draws of one run: the schema's bound on risk.draws (10^7). Every draw's ENPV and
# EIRR are kept for exact percentiles (32 bytes a draw, about 48 with the sorted copy
# and masks): 10^7 draws peaked at 646 to 678 MB resident (docs/limits.md).
MAX_DRAWS: Final = int(field_by_key()["risk.draws"].max or 0)
_WORKERS: Final = 2
_TILE: Final = 512  # streams per piece of the transposing copy (the source stays in cache)


def sample(
    variables: Sequence[RiskVariable],
    correlations: Sequence[Correlation] = (),
    *,
    draws: int,
    seed: int,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[FloatArray]:
    """Draws of the uncertain inputs, chunk by chunk, through a Gaussian copula.

    Parameters
    ----------
    variables
        The uncertain inputs.
    correlations
        Rank correlations between pairs of them (by :attr:`RiskVariable.label`).
    draws
        Number of draws [count].
    seed
        Seed of numpy's PCG64 generator: the same seed gives the same draws, whatever
        ``chunk_size`` is (the normal scores are drawn row by row in order).
    chunk_size
        Draws per chunk [count].

    Yields
    ------
    ndarray, shape (chunk, len(variables))
        One column per variable, in its unit (multiplier or years).
    """
    for z in _scores(variables, correlations, draws=draws, seed=seed, chunk_size=chunk_size):
        out = np.empty(z.shape)
        _inputs(variables, z, out)
        yield out


def _scores(
    variables: Sequence[RiskVariable],
    correlations: Sequence[Correlation],
    *,
    draws: int,
    seed: int,
    chunk_size: int,
) -> Iterator[FloatArray]:
    """The copula's correlated standard-normal scores, chunk by chunk (see :func:`sample`)."""
    labels = [v.label for v in variables]
    factor = _copula_factor(labels, correlations)
    rng = np.random.default_rng(seed)
    k = len(variables)
    for start in range(0, draws, chunk_size):
        n = min(chunk_size, draws - start)
        z = rng.standard_normal((n, k))
        if correlations:
            # einsum, not BLAS: OpenBLAS threads left spinning after a call take a 2-core
            # machine's second core from the rest of the loop (measured: 2x slower)
            z = np.einsum("ij,kj->ik", z, factor)
        yield z


def _inputs(variables: Sequence[RiskVariable], z: FloatArray, out: FloatArray) -> None:
    """``out[:, j]`` = variable j at the scores ``z[:, j]`` (element by element, so a
    block of rows gives the same values as the whole chunk)."""
    for j, var in enumerate(variables):
        out[:, j] = var.ppf(z[:, j])


def parse_risk(
    section: Mapping[str, Any] | None, streams: EconomicStreams
) -> tuple[list[RiskVariable], list[Correlation]]:
    """The uncertain inputs and correlations of a case's ``[risk]`` section.

    Raises :class:`UncertaintyInputError` naming the key path of each problem.
    """
    section = section or {}
    problems: list[Problem] = []
    variables: list[RiskVariable] = []
    for i, v in enumerate(section.get("variables", [])):
        path = f"risk.variables[{i}]"
        target = Target(v["name"], v.get("component", ""))
        params = {k: float(v[k]) for k in ("min", "mode", "max", "mean", "sd") if k in v}
        var = RiskVariable(target, v["distribution"], params, v.get("source", ""))
        problems += _target_problems(target, streams, f"{path}.name")
        problems += var.problems(path)
        if any(x.label == var.label for x in variables):
            problems.append(Problem(f"{path}.name", f"{var.label!r} is declared twice"))
        variables.append(var)
    labels = {v.label for v in variables}
    correlations: list[Correlation] = []
    for i, c in enumerate(section.get("correlations", [])):
        path = f"risk.correlations[{i}]"
        for key in ("first", "second"):
            if c[key] not in labels:
                known = ", ".join(sorted(labels)) or "none declared"
                problems.append(
                    Problem(f"{path}.{key}", f"{c[key]!r} is not a risk variable ({known})")
                )
        if c["first"] == c["second"]:
            problems.append(Problem(f"{path}.second", "a variable cannot correlate with itself"))
        correlations.append(Correlation(c["first"], c["second"], float(c["rank_correlation"])))
    if not problems and correlations:
        try:
            _copula_factor([v.label for v in variables], correlations)
        except ValueError as exc:
            problems.append(Problem("risk.correlations", str(exc)))
    if problems:
        raise UncertaintyInputError(problems)
    return variables, correlations


@dataclass(frozen=True)
class RiskResult:
    """Monte Carlo risk analysis of the ENPV and EIRR.

    Attributes
    ----------
    summary
        The JSON ``risk`` block (see ``docs/uncertainty.md``).
    histogram
        Headline ENPV: ``bin_start``, ``bin_end`` [money], ``count`` [draws].
    s_curve
        Headline ENPV quantiles: ``enpv`` [money] at ``cumulative_probability``
        0, 0.01, ..., 1.
    eirr_histogram
        EIRR of the draws that have one: ``bin_start``, ``bin_end`` [decimal],
        ``count`` [draws].
    histogram_without_carbon, s_curve_without_carbon
        The same for the ENPV without the carbon value.
    drivers
        One row per uncertain input, largest variance share first: ``variable``,
        ``rank_correlation`` (Spearman, with the headline ENPV), ``variance_share``
        (normalised squared standardised regression coefficient),
        ``standardised_coefficient`` (see :mod:`appraisal.uncertainty.drivers`).
    """

    summary: dict[str, Any]
    histogram: pd.DataFrame
    s_curve: pd.DataFrame
    eirr_histogram: pd.DataFrame
    histogram_without_carbon: pd.DataFrame
    s_curve_without_carbon: pd.DataFrame
    drivers: pd.DataFrame | None = None


def _histogram(x: FloatArray, bins: int) -> pd.DataFrame:
    finite = np.isfinite(x)
    if not finite.all():  # no copy of the draws when they are all finite
        x = x[finite]
    del finite
    if x.size == 0:
        return pd.DataFrame({"bin_start": [], "bin_end": [], "count": []})
    lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        lo, hi = lo - 0.5 * max(abs(lo), 1e-9), hi + 0.5 * max(abs(hi), 1e-9)
    counts, edges = np.histogram(x, bins=bins, range=(lo, hi))
    return pd.DataFrame(
        {"bin_start": edges[:-1], "bin_end": edges[1:], "count": counts.astype(np.int64)}
    )


_DRIVER_COLUMNS: Final = (
    "variable",
    "rank_correlation",
    "variance_share",
    "standardised_coefficient",
)
_LEVELS: Final = np.arange(101) / 100.0  # S-curve probabilities; 5, 50, 95 give the percentiles


def _sorted_quantiles(s: FloatArray, levels: FloatArray) -> FloatArray:
    """``np.quantile(s, levels)`` bit for bit, for ``s`` sorted, without NaN, not empty.

    numpy's default ("linear", Hyndman and Fan's method 7) step by step: the virtual
    index ``(n - 1) q``, its floor and the next index (both the last where the virtual
    index reaches it), then numpy's ``_lerp``. numpy would partition the array first
    (for 101 levels, more than the sort costs); sorted, the order statistics are there.

    >>> s = np.sort(np.random.default_rng(1).standard_normal(1001))
    >>> q = np.array([0.0, 0.05, 0.5, 0.95, 1.0])
    >>> bool(np.array_equal(_sorted_quantiles(s, q), np.quantile(s, q)))
    True
    """
    virtual = (s.size - 1) * levels
    prev = np.floor(virtual)
    nxt = prev + 1
    last = virtual >= s.size - 1
    prev[last] = -1
    nxt[last] = -1
    i, j = prev.astype(np.intp), nxt.astype(np.intp)
    a, b = s[i], s[j]
    gamma = virtual - i
    diff = b - a
    out = np.add(a, diff * gamma)
    np.subtract(b, diff * (1 - gamma), out=out, where=gamma >= 0.5)
    return out


_EIRR_LEVELS: Final = np.array([0.05, 0.5, 0.95])


def _stats(
    prefix: str, enpv: FloatArray, eirr: FloatArray, no_sign: int, suffix: str = ""
) -> tuple[dict[str, Any], pd.DataFrame]:
    """The summary figures of one ENPV/EIRR pair, and the ENPV S-curve."""
    out: dict[str, Any] = {f"p_enpv_negative{suffix}": float(np.mean(enpv < 0.0))}
    out[f"enpv{prefix}_mean"] = float(np.mean(enpv))
    # Quantiles of a sorted copy: the same order statistics, so the same figures as
    # np.quantile of the draws, for one sort (numpy's partition for 101 levels costs
    # about three times a sort, for 3 levels more than one: measured). One sorted copy
    # at a time: the summaries run in parallel, and their memory stays bounded.
    curve = _sorted_quantiles(np.sort(enpv), _LEVELS)  # the S-curve and the percentiles
    for q in (5, 50, 95):
        out[f"enpv{prefix}_p{q}"] = float(curve[q])
    ok = eirr[np.isfinite(eirr)]
    ok.sort()
    pct = _sorted_quantiles(ok, _EIRR_LEVELS) if ok.size else [None] * 3
    for q, v in zip((5, 50, 95), pct, strict=True):
        out[f"eirr{prefix}_p{q}"] = None if v is None else float(v)
    undefined = int(eirr.size - ok.size)
    out[f"eirr{prefix}_undefined_draws"] = undefined
    out[f"eirr{prefix}_undefined_no_sign_change"] = no_sign
    out[f"eirr{prefix}_undefined_other"] = undefined - no_sign
    return out, pd.DataFrame({"enpv": curve, "cumulative_probability": _LEVELS})


def monte_carlo(
    streams: EconomicStreams,
    variables: Sequence[RiskVariable],
    correlations: Sequence[Correlation] = (),
    *,
    draws: int,
    seed: int,
    chunk_size: int = CHUNK_SIZE,
    bins: int = 50,
    progress: Callable[[int, int], None] | None = None,
) -> RiskResult:
    """Monte Carlo risk analysis: the distribution of ENPV and EIRR, with and without carbon.

    Parameters
    ----------
    streams
        From :func:`economic_streams`.
    variables, correlations
        The uncertain inputs and their rank correlations (see :func:`sample`).
    draws
        Number of draws [count].
    seed
        Random seed: the same seed and inputs give the same result.
    chunk_size
        Draws evaluated at once; bounds memory. The draws do not depend on it; the
        figures only to rounding (about 1e-15 relative).
    bins
        Histogram bins.
    progress
        Called as ``progress(done, draws)`` after each chunk.

    Returns
    -------
    RiskResult

    Notes
    -----
    Each draw's net stream is built from the atoms (no re-run of the appraisal);
    its ENPV is the stream times the discount factors and its EIRR comes from the
    vectorised :func:`appraisal.finance.irr` (NaN when a stream has no IRR or
    several: those draws are counted, split into "no sign change" and "other", and
    the EIRR percentiles are over the draws that have one). Percentiles use numpy's
    linear interpolation. ``p_enpv_negative`` is the share of draws with ENPV < 0,
    which is the share with EIRR below the discount rate for conventional streams.
    Only the four per-draw figures are kept (32 bytes a draw), and the first
    100,000 draws of the inputs for the rank correlations of ``drivers`` (the
    variance shares come from moments summed over every draw; see
    :mod:`appraisal.uncertainty.drivers`). Each chunk is solved
    in blocks of 8,192 draws (the blocks :func:`~appraisal.finance.irr` uses) shared
    by two threads, which also turn the block's normal scores into inputs; the
    calling thread meanwhile draws the next chunk's scores and adds the chunk before
    to the drivers' moments, in draw order. A block's figures do not depend on which
    thread or order; the summaries of the draws are computed in parallel at the end.
    """
    if isinstance(draws, bool) or int(draws) != draws or draws < 1:
        raise ValueError(f"draws must be a positive whole number (got {draws!r})")
    if draws > MAX_DRAWS:
        raise ValueError(
            f"draws must be at most {MAX_DRAWS:,} (got {draws:,}): every draw is kept "
            "for exact percentiles, about 48 bytes each (docs/limits.md)"
        )
    draws = int(draws)
    model = GroupModel(streams, [v.target for v in variables])
    df = streams.discount_factors
    head = streams.carbon_in_eirr
    enpv_0 = np.empty(draws)
    eirr_0 = np.empty(draws)
    # with carbon only when it is the headline (else the headline is without carbon)
    enpv_c = np.empty(draws) if head else enpv_0
    eirr_c = np.empty(draws) if head else eirr_0
    no_sign = [0, 0]
    drivers = DriverStatistics([v.label for v in variables])
    # Streams are built and solved a block at a time, the blocks :func:`irr` itself
    # would cut the chunk into (so every figure is as for the whole chunk): a block's
    # streams stay in cache from their construction to their EIRR.
    block = min(chunk_size, _IRR_BLOCK)
    local = threading.local()  # each thread's working memory, reused block after block

    def solve(z: FloatArray, x: FloatArray, rows: slice, first: int) -> tuple[int, int]:
        """Inputs, ENPV and EIRR of draws ``first + rows``: ``x[rows]`` from the scores
        ``z[rows]``; the counts of draws with no sign change (without, with carbon)."""
        xb = x[rows]
        _inputs(variables, z[rows], xb)
        n = xb.shape[0]
        t = model.n_years
        work = getattr(local, "work", None)
        if work is None:
            work = local.work = np.empty(5 * block * t)
        sl = slice(first + rows.start, first + rows.start + n)
        # Years along the rows (numpy's loops then run along the draws): the parts, and
        # the net streams as irr() solves them; copied draw by draw for the ENPV.
        net0, carbon_value = model.parts(xb, work[: 3 * t * n].reshape(3, t, n), columns=True)
        by_draw = work[3 * t * n : 5 * t * n].reshape(2, n, t)
        pairs = [(enpv_0, eirr_0, net0)]
        if head:
            carbon_value += net0  # the net stream with carbon, in place
            pairs.append((enpv_c, eirr_c, carbon_value))
        counts = [0, 0]
        for j, (enpv, eirr, net_t) in enumerate(pairs):
            net = by_draw[j]
            for s in range(0, n, _TILE):
                np.copyto(net[s : s + _TILE], net_t[:, s : s + _TILE].T)
            enpv[sl] = np.einsum("ij,j->i", net, df)  # not BLAS: see _scores()
            r = _irr_transposed(net, net_t)  # as irr(net); overwrites net_t
            eirr[sl] = r
            bad = ~np.isfinite(r)
            if bad.any():
                nb = net[bad]
                counts[j] = int(np.count_nonzero((nb >= 0).all(axis=1) | (nb <= 0).all(axis=1)))
        return counts[0], counts[1]

    def finish(x: FloatArray, first: int, jobs: list[Future[tuple[int, int]]]) -> None:
        """Wait for a chunk's blocks, in order; add its draws to the drivers' moments."""
        for job in jobs:
            a, b = job.result()
            no_sign[0] += a
            no_sign[1] += b
        end = first + x.shape[0]
        drivers.update(x, enpv_c[first:end])  # the headline ENPV (enpv_0 if no carbon)
        if progress is not None:
            progress(end, draws)

    # Blocks are independent and write disjoint slices: two threads share them (numpy
    # releases the GIL in its loops), and every figure is as computed in one thread.
    # While they solve a chunk, this thread draws the next one's scores and then adds
    # the chunk before it to the drivers' moments (in draw order, as the moments need).
    done = 0
    pending: tuple[FloatArray, int, list[Future[tuple[int, int]]]] | None = None
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        for z in _scores(variables, correlations, draws=draws, seed=seed, chunk_size=chunk_size):
            n = z.shape[0]
            x = np.empty(z.shape)
            cuts = [slice(s, min(s + block, n)) for s in range(0, n, block)]
            jobs = [pool.submit(solve, z, x, cut, done) for cut in cuts]
            if pending is not None:
                finish(*pending)
            pending = (x, done, jobs)
            done += n
        if pending is not None:
            finish(*pending)
        h_enpv, h_eirr = (enpv_c, eirr_c) if head else (enpv_0, eirr_0)
        h_ns = no_sign[1] if head else no_sign[0]
        # the summaries are independent: the two threads share them with this one
        head_job = pool.submit(_stats, "", h_enpv, h_eirr, h_ns)
        job_0 = pool.submit(
            _stats, "_without_carbon", enpv_0, eirr_0, no_sign[0], "_without_carbon"
        )
        hist_jobs = [pool.submit(_histogram, v, bins) for v in (h_enpv, h_eirr, enpv_0)]
        rows, r2 = drivers.result(h_enpv)
        (head_stats, head_curve), (stats_0, curve_0) = head_job.result(), job_0.result()
        histogram, eirr_histogram, histogram_0 = (job.result() for job in hist_jobs)
    summary: dict[str, Any] = {"draws": draws, "seed": seed, "hurdle_rate": streams.discount_rate}
    summary["headline_with_carbon"] = head
    summary |= head_stats
    summary |= stats_0
    summary["variables"] = [v.as_dict() for v in variables]
    summary["correlations"] = [
        {"first": c.first, "second": c.second, "rank_correlation": c.rank_correlation}
        for c in correlations
    ]
    summary["drivers"] = rows
    summary["drivers_r_squared"] = r2
    summary["drivers_rank_draws"] = drivers.rank_draws
    return RiskResult(
        summary=summary,
        histogram=histogram,
        s_curve=head_curve,
        eirr_histogram=eirr_histogram,
        histogram_without_carbon=histogram_0,
        s_curve_without_carbon=curve_0,
        drivers=pd.DataFrame(rows, columns=list(_DRIVER_COLUMNS)),
    )
