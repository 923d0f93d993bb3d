"""The Monte Carlo run's fast paths give the figures of the plain computation, bit for bit.

``monte_carlo`` draws the inputs of a block in the threads that solve it, while the
calling thread draws the next chunk's scores and adds the previous chunk to the
drivers' moments; each thread reuses its working memory; the percentiles come from
one sort. Independent references: numpy (``np.quantile``, ``np.histogram``), the same
figures rebuilt serially from :func:`sample`, :meth:`GroupModel.parts` with fresh
memory and :func:`appraisal.finance.irr`, and a delay model's parts written by hand.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

import appraisal
from appraisal.finance import irr
from appraisal.uncertainty import (
    Atom,
    EconomicStreams,
    GroupModel,
    Target,
    economic_streams,
    monte_carlo,
    parse_risk,
    sample,
)
from appraisal.uncertainty.drivers import DriverStatistics
from appraisal.uncertainty.montecarlo import _LEVELS, _sorted_quantiles
from tests.conftest import CASES


def _bits(a: Any) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(a, dtype=np.float64)).view(np.int64)


# ------------------------------------------------------------------ percentiles
@pytest.mark.parametrize("n", [1, 2, 3, 100, 101, 1001, 65_537])
def test_quantiles_of_the_sorted_draws_are_numpys_bit_for_bit(n: int) -> None:
    # np.quantile (numpy's "linear" method) is the reference, on draws with and
    # without ties, at the S-curve's 101 levels, the EIRR's three and random ones.
    rng = np.random.default_rng(n)
    levels = [_LEVELS, np.array([0.05, 0.5, 0.95]), np.sort(rng.random(17))]
    samples = [
        rng.standard_normal(n) * 40.0 - 12.0,
        rng.integers(-3, 4, size=n).astype(np.float64),  # many ties
        np.full(n, 0.0719),
        rng.lognormal(size=n) * 1e-3,
    ]
    for x in samples:
        s = np.sort(x)
        for q in levels:
            assert np.array_equal(_bits(_sorted_quantiles(s, q)), _bits(np.quantile(x, q)))


# ------------------------------------------------------------------ reused memory
def _xiangtan_streams() -> EconomicStreams:
    return economic_streams(
        appraisal.appraise(appraisal.load_case(CASES / "xiangtan" / "case.toml"))
    )


def test_parts_written_into_reused_memory_are_the_same_bits() -> None:
    # Reference: parts() with fresh memory. The reused buffer holds garbage (NaN) from
    # "a previous block"; every value must be overwritten, including a part with no
    # group (no carbon atom: zeros).
    streams = _xiangtan_streams()
    targets = [
        Target("capital"),
        Target("delay", "bus-priority"),
        Target("delay"),
        Target("benefits"),
    ]
    model = GroupModel(streams, targets)
    rng = np.random.default_rng(4)
    n = 1000
    values = np.column_stack(
        [
            rng.uniform(0.8, 1.5, n),
            rng.uniform(0.0, 3.0, n),
            np.concatenate([rng.uniform(0.0, 40.0, n - 2), [0.0, 25.0]]),  # past the horizon
            rng.uniform(0.5, 1.1, n),
        ]
    )
    expected = model.parts(values)
    work = np.full((3, n, model.n_years), np.nan)
    got = model.parts(values, work)
    for e, g, w in zip(expected, got, work[:2], strict=True):
        assert np.array_equal(_bits(e), _bits(g)) and np.shares_memory(g, w)
    hand = EconomicStreams(
        (Atom("capital", "a"), Atom("benefit", "a", "b")),
        np.array([[100.0, 0.0, 0.0], [0.0, 60.0, 60.0]]),
        (2021, 2022, 2023),
        0.10,
        False,
        True,
    )
    no_carbon = GroupModel(hand, [Target("delay")])
    work = np.full((3, 2, 3), np.nan)
    without, carbon = no_carbon.parts(np.array([[0.5], [1.0]]), work)
    assert without.tolist() == [[-100.0, 30.0, 60.0], [-100.0, 0.0, 60.0]]  # by hand
    assert carbon.tolist() == [[0.0] * 3] * 2


def test_parts_by_year_are_the_transposed_bits() -> None:
    # Reference: parts() with the draws along the rows (the layout the risk run used
    # before); by year, into a buffer full of NaN, every value is the same bits.
    streams = _xiangtan_streams()
    targets = [Target("capital"), Target("delay"), Target("benefits"), Target("carbon_price")]
    model = GroupModel(streams, targets)
    rng = np.random.default_rng(5)
    n = 777
    values = np.column_stack(
        [
            rng.uniform(0.8, 1.5, n),
            np.concatenate([rng.uniform(0.0, 30.0, n - 3), [0.0, 2.0, 25.0]]),
            rng.uniform(0.5, 1.1, n),
            rng.lognormal(0.0, 0.3, n),
        ]
    )
    expected = model.parts(values)
    work = np.full((3, model.n_years, n), np.nan)
    got = model.parts(values, work, columns=True)
    for e, g, w in zip(expected, got, work[:2], strict=True):
        assert np.array_equal(_bits(e.T), _bits(g)) and np.shares_memory(g, w)


def test_irr_of_a_block_given_both_layouts_is_irr() -> None:
    # Reference: irr() itself on the same streams: conventional, reversed (inflows
    # first), no sign change, several sign changes, roots near -99% and 1000%, zeros.
    from appraisal.finance import _irr_transposed

    rng = np.random.default_rng(6)
    m, t = 3000, 25
    v = np.column_stack([-rng.uniform(50, 150, m), rng.uniform(0, 30, (m, t - 1))])
    v[::7] *= -1.0
    v[1::11, 5] = -400.0
    v[2::13] = np.abs(v[2::13])
    v[3::17, 1:] *= 1e-3
    v[4::19, 1:] *= 50.0
    v[5::23] = 0.0
    expected = irr(v, chunk_size=8192)
    vt = np.ascontiguousarray(v.T)
    got = _irr_transposed(v, vt)
    assert np.array_equal(_bits(expected), _bits(got))
    bad = v.copy()
    bad[9, 4] = np.nan
    with pytest.raises(ValueError, match="row 9, year index 4"):
        _irr_transposed(bad, np.ascontiguousarray(bad.T))


# ------------------------------------------------------------------ the whole run
def _serial(
    streams: EconomicStreams, variables: Any, correlations: Any, draws: int, seed: int
) -> dict[str, Any]:
    """The per-draw figures computed one block after another in this thread, with
    fresh memory (the blocks monte_carlo cuts: 8,192 draws within 65,536-draw chunks)."""
    model = GroupModel(streams, [v.target for v in variables])
    df = streams.discount_factors
    out: dict[str, list[np.ndarray]] = {k: [] for k in ("e0", "ec", "r0", "rc")}
    drivers = DriverStatistics([v.label for v in variables])
    for x in sample(variables, correlations, draws=draws, seed=seed):
        headline = []
        for s in range(0, x.shape[0], 8192):
            net0, carbon_value = model.parts(x[s : s + 8192])
            netc = net0 + carbon_value
            for key, net in (("0", net0), ("c", netc)):
                out["e" + key].append(np.einsum("ij,j->i", net, df))
                out["r" + key].append(np.asarray(irr(net, chunk_size=8192)))
            headline.append(out["ec" if streams.carbon_in_eirr else "e0"][-1])
        drivers.update(x, np.concatenate(headline))
    figures: dict[str, Any] = {k: np.concatenate(v) for k, v in out.items()}
    figures["drivers"] = drivers
    return figures


@pytest.mark.parametrize("carbon_in_eirr", [True, False])
def test_the_threaded_run_gives_the_serial_figures_bit_for_bit(carbon_in_eirr: bool) -> None:
    case = appraisal.load_case(CASES / "xiangtan" / "case.toml")
    streams = dataclasses.replace(_xiangtan_streams(), carbon_in_eirr=carbon_in_eirr)
    variables, correlations = parse_risk(case.data["risk"], streams)
    draws, seed = 70_001, 3  # two chunks, the second a part of one block
    calls: list[tuple[int, int]] = []
    res = monte_carlo(
        streams,
        variables,
        correlations,
        draws=draws,
        seed=seed,
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls == [(65_536, draws), (draws, draws)]
    ref = _serial(streams, variables, correlations, draws, seed)
    s = res.summary
    pairs = [("", "ec" if carbon_in_eirr else "e0"), ("_without_carbon", "e0")]
    for prefix, key in pairs:
        enpv, eirr = ref[key], ref["r" + key[1]]
        suffix = prefix
        assert s[f"p_enpv_negative{suffix}"] == float(np.mean(enpv < 0.0))
        assert s[f"enpv{prefix}_mean"] == float(np.mean(enpv))
        curve = np.quantile(enpv, _LEVELS)
        for q in (5, 50, 95):
            assert s[f"enpv{prefix}_p{q}"] == float(curve[q])
        ok = eirr[np.isfinite(eirr)]
        eirr_pct = np.quantile(ok, [0.05, 0.5, 0.95])
        assert [s[f"eirr{prefix}_p{q}"] for q in (5, 50, 95)] == eirr_pct.tolist()
        assert s[f"eirr{prefix}_undefined_draws"] == eirr.size - ok.size
        table = res.s_curve if prefix == "" else res.s_curve_without_carbon
        assert np.array_equal(_bits(table["enpv"]), _bits(curve))
        hist = res.histogram if prefix == "" else res.histogram_without_carbon
        counts, edges = np.histogram(enpv, bins=50, range=(enpv.min(), enpv.max()))
        assert hist["count"].tolist() == counts.tolist()
        assert np.array_equal(_bits(hist["bin_start"]), _bits(edges[:-1]))
    head_eirr = ref["rc" if carbon_in_eirr else "r0"]
    ok = head_eirr[np.isfinite(head_eirr)]
    counts, _ = np.histogram(ok, bins=50, range=(ok.min(), ok.max()))
    assert res.eirr_histogram["count"].tolist() == counts.tolist()
    rows, r2 = ref["drivers"].result(ref["ec" if carbon_in_eirr else "e0"])
    assert s["drivers"] == rows and s["drivers_r_squared"] == r2


def test_a_block_that_fails_raises_its_error() -> None:
    # A negative delay is refused where the streams are built, inside a worker thread:
    # the caller sees the same ValueError as before (the draws are made directly here;
    # parse_risk refuses a normal delay before any draw).
    streams = _xiangtan_streams()
    variables, _ = parse_risk(
        {"variables": [{"name": "capital", "distribution": "uniform", "min": 1, "max": 2}]},
        streams,
    )
    bad = dataclasses.replace(
        variables[0], target=Target("delay"), distribution="normal", params={"mean": 0.0, "sd": 1.0}
    )
    with pytest.raises(ValueError, match="a delay must be >= 0 years"):
        monte_carlo(streams, [bad], draws=100_000, seed=1)
