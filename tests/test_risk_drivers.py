"""What drives the risk: rank correlations and variance shares (issue 12).

Independent sources: with a single uncertain input that moves the ENPV linearly
(capital only), the ENPV is a decreasing function of the draw, so its Spearman
rank correlation is -1 by definition and it carries all the variance (share 1);
P(ENPV < 0) is then the probability that the capital multiplier exceeds the
break-even PV(benefits) / PV(capital), from the triangular distribution's CDF
(hand-written below), within Monte Carlo error for 10^6 draws.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from appraisal import appraise
from appraisal.case import parse_case
from appraisal.cli import main
from appraisal.uncertainty.drivers import DriverStatistics
from tests.conftest import minimal_case

RATE = 0.09
BENEFIT = 11.3  # a year, 2022-2045
LOW, MODE, HIGH = 0.8, 1.0, 1.4


def _case(variables: list[dict[str, Any]]) -> dict[str, Any]:
    data = minimal_case(carbon_price="none")
    data["components"][0]["streams"] = {
        "basis": "economic",
        "capital": [100.0],
        "benefits": {"time_savings": [0.0] + [BENEFIT] * 24},
    }
    data["risk"] = {"draws": 2000, "seed": 11, "variables": variables}
    return data


CAPITAL = {"name": "capital", "distribution": "triangular", "min": LOW, "mode": MODE, "max": HIGH}


def _triangular_cdf(x: float) -> float:
    """CDF of the triangular distribution (min LOW, mode MODE, max HIGH)."""
    if x <= MODE:
        return (x - LOW) ** 2 / ((HIGH - LOW) * (MODE - LOW))
    return 1.0 - (HIGH - x) ** 2 / ((HIGH - LOW) * (HIGH - MODE))


def test_single_linear_input_rank_correlation_and_variance_share() -> None:
    draws = 1_000_000
    result = appraise(parse_case(_case([CAPITAL])), risk_draws=draws)
    s = result.summary["risk"]
    (driver,) = s["drivers"]
    assert driver["variable"] == "capital"
    # ENPV falls strictly as the multiplier rises: ranks exactly reversed
    assert driver["rank_correlation"] == pytest.approx(-1.0, abs=1e-12)
    assert driver["variance_share"] == pytest.approx(1.0, abs=1e-12)
    assert s["drivers_r_squared"] == pytest.approx(1.0, abs=1e-9)  # exactly linear
    assert s["drivers_rank_draws"] == 100_000
    # Break-even multiplier by hand (Excel NPV timing: year t discounted t + 1 periods)
    pv_capital = 100.0 / (1 + RATE)
    pv_benefits = sum(BENEFIT / (1 + RATE) ** (t + 1) for t in range(1, 25))
    p_analytic = 1.0 - _triangular_cdf(pv_benefits / pv_capital)
    assert 0.05 < p_analytic < 0.5  # the break-even lies inside the range
    # Monte Carlo error of a proportion: sqrt(p (1 - p) / n) ~ 0.0004; allow 4 of them
    sigma = np.sqrt(p_analytic * (1 - p_analytic) / draws)
    assert abs(s["p_enpv_negative"] - p_analytic) < 4 * sigma


def test_two_inputs_shares_sum_to_one_largest_first() -> None:
    # benefits -10%..+10% moves the ENPV by ~+-10 x PV(benefits), capital -2%..+2% by
    # ~+-2 x PV(capital): benefits comes first and the shares sum to 1
    benefits = {"name": "benefits", "distribution": "uniform", "min": 0.9, "max": 1.1}
    capital = {"name": "capital", "distribution": "uniform", "min": 0.98, "max": 1.02}
    s = appraise(parse_case(_case([capital, benefits])), risk_draws=20_000).summary["risk"]
    names = [d["variable"] for d in s["drivers"]]
    assert names == ["benefits", "capital"]
    assert sum(d["variance_share"] for d in s["drivers"]) == pytest.approx(1.0, abs=1e-12)
    assert s["drivers"][0]["rank_correlation"] > 0 > s["drivers"][1]["rank_correlation"]


def test_streamed_moments_equal_the_moments_of_all_draws() -> None:
    # Chunked updates (Chan et al.) against numpy's covariance of the whole sample
    rng = np.random.default_rng(5)
    x = rng.normal(size=(10_001, 3))
    y = x @ np.array([1.0, -2.0, 0.5]) + rng.normal(size=10_001)
    d = DriverStatistics(["a", "b", "c"], rank_sample=4000)
    for start in range(0, 10_001, 999):
        d.update(x[start : start + 999], y[start : start + 999])
    want = np.cov(np.column_stack([x, y]), rowvar=False)
    np.testing.assert_allclose(d.comoment / (d.count - 1), want, rtol=1e-10, atol=1e-12)
    assert d.rank_draws == 4000


def test_run_computes_the_declared_risk_once(tmp_path: Path, capsys: Any) -> None:
    path = tmp_path / "case.toml"
    benefits = json.dumps(_case([CAPITAL])["components"][0]["streams"]["benefits"]["time_savings"])
    lines = [
        "[case]",
        'name = "Example"',
        "price_year = 2020",
        "first_year = 2021",
        "years = 25",
        "[economic]",
        "discount_rate = 0.09",
        'carbon_price = "none"',
        "[[components]]",
        'id = "c"',
        'name = "c"',
        "[components.streams]",
        'basis = "economic"',
        "capital = [100.0]",
        "[components.streams.benefits]",
        f"time_savings = {benefits}",
        "[risk]",
        "draws = 2000",
        "seed = 11",
        "[[risk.variables]]",
        'name = "capital"',
        'distribution = "triangular"',
        f"min = {LOW}",
        f"mode = {MODE}",
        f"max = {HIGH}",
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--formats", "json"]) == 0
    printed = capsys.readouterr().out
    assert printed.count("Risk (2,000 draws, seed 11)") == 1
    summary = json.loads(next(out.glob("*.json")).read_text("utf-8"))
    assert summary["risk"]["draws"] == 2000 and summary["risk"]["seed"] == 11
    assert summary["risk"]["drivers"][0]["variable"] == "capital"


def test_average_ranks_equal_scipy_rankdata():
    # Independent reference: scipy.stats.rankdata (method="average"), on ties and no ties.
    from scipy.stats import rankdata

    from appraisal.uncertainty.drivers import _ranks

    rng = np.random.default_rng(3)
    x = np.column_stack([rng.normal(size=500), rng.integers(0, 7, size=500).astype(float)])
    np.testing.assert_array_equal(_ranks(x), rankdata(x, axis=0))
    v = rng.integers(0, 3, size=50).astype(float)
    np.testing.assert_array_equal(_ranks(v), rankdata(v))


@pytest.mark.parametrize(
    ("n", "ties"), [(2, False), (1001, True), (100_000, False), (100_000, True)]
)
def test_rank_pearson_is_exact(n: int, ties: bool) -> None:
    # Independent reference: exact integer arithmetic. Twice a centred rank is an
    # integer, so the three dot products are exact sums of integers / 4; the correlation
    # is then one division of those exact values (what np.dot gave before, in any order).
    import math

    from appraisal.uncertainty.drivers import _pearson, _ranks

    rng = np.random.default_rng(n)
    x = rng.normal(size=(n, 2))
    if ties:
        x = np.round(x * 3.0)
    r = _ranks(x)
    twice = [[int(2 * v) - (n + 1) for v in r[:, j]] for j in range(2)]
    aa, bb, ab = (
        sum(p * q for p, q in zip(u, w, strict=True))
        for u, w in ((twice[0], twice[0]), (twice[1], twice[1]), (twice[0], twice[1]))
    )
    expected = (ab / 4.0) / float(math.sqrt((aa / 4.0) * (bb / 4.0)))
    assert _pearson(r[:, 0], r[:, 1]) == expected
    assert expected == float(np.dot(r[:, 0] - r[:, 0].mean(), r[:, 1] - r[:, 1].mean())) / float(
        np.sqrt(
            np.dot(r[:, 0] - r[:, 0].mean(), r[:, 0] - r[:, 0].mean())
            * np.dot(r[:, 1] - r[:, 1].mean(), r[:, 1] - r[:, 1].mean())
        )
    )
