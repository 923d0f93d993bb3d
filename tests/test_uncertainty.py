"""Sensitivity tests, switching values and Monte Carlo risk (appraisal.uncertainty).

Expected numbers come from a hand-worked example (written out below), from
identities (ENPV = 0 at a switching value; zero variance = the deterministic
result), from numpy-financial and from scipy.stats.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import numpy_financial as npf
import pytest
from scipy import special, stats

import appraisal
from appraisal.case import CaseError, parse_case
from appraisal.cli import main
from appraisal.finance import npv
from appraisal.uncertainty import (
    ADB_STANDARD_TESTS,
    Atom,
    Correlation,
    EconomicStreams,
    GroupModel,
    RiskVariable,
    SensitivityTest,
    Target,
    economic_streams,
    monte_carlo,
    sample,
    scenario_enpv,
    scenario_net,
    sensitivity,
)
from appraisal.uncertainty.distributions import _TABLES_KEPT, _interp_cdf, _pert_table
from tests.conftest import CASES, case_data


# ------------------------------------------------------------------ hand-worked
def _hand_streams() -> EconomicStreams:
    """Capital 100 in year 0, benefits 60 in years 1 and 2, 10%, year 0 undiscounted."""
    return EconomicStreams(
        atoms=(Atom("capital", "a"), Atom("benefit", "a", "b")),
        values=np.array([[100.0, 0.0, 0.0], [0.0, 60.0, 60.0]]),
        years=(2021, 2022, 2023),
        discount_rate=0.10,
        first_year_discounted=False,
        carbon_in_eirr=True,
    )


def test_si_and_sv_against_a_hand_worked_example():
    # Worked by hand, in fractions:
    #   ENPV_0 = -100 + 60/1.1 + 60/1.21 = (-12100 + 6600 + 6000)/121 = 500/121 = 4.13223
    #   capital: P = -100 -> SI = P/ENPV_0 = -100*121/500 = -24.2, SV = 500/121/100 = 5/121
    #            capital +10%: ENPV = 500/121 - 10
    #   benefits: P = 600/11 + 6000/121 = 12600/121 -> SI = 12600/500 = 25.2, SV = -5/126
    #            benefits -10%: ENPV = 500/121 - 1260/121 = -760/121
    #   delay d in [0, 1]: benefits (0, 60(1-d), 60) -> ENPV = 500/121 - (600/11) d,
    #            so SV = (500/121)/(600/11) = 5/66 years; a 1-year delay: (0, 0, 60),
    #            ENPV = -100 + 6000/121 = -6100/121
    t = sensitivity(_hand_streams(), ADB_STANDARD_TESTS).table.set_index("test")
    assert t.loc["base", "enpv"] == pytest.approx(500 / 121, abs=1e-12)
    cap = t.loc["capital cost +10%"]
    assert cap["enpv"] == pytest.approx(500 / 121 - 10, abs=1e-12)
    assert cap["sensitivity_indicator"] == pytest.approx(-24.2, rel=1e-13)
    assert cap["switching_value"] == pytest.approx(5 / 121, rel=1e-13)
    ben = t.loc["benefits -10%"]
    assert ben["enpv"] == pytest.approx(-760 / 121, abs=1e-12)
    assert ben["sensitivity_indicator"] == pytest.approx(25.2, rel=1e-13)
    assert ben["switching_value"] == pytest.approx(-5 / 126, rel=1e-13)
    delay = t.loc["benefits delayed 1 year"]
    assert delay["enpv"] == pytest.approx(-6100 / 121, abs=1e-12)
    assert delay["switching_value"] == pytest.approx(5 / 66, abs=1e-13)
    assert math.isnan(delay["sensitivity_indicator"])  # SI is defined for % changes only
    om = t.loc["O&M cost +10%"]  # no O&M: no effect, no switching value
    assert om["enpv"] == pytest.approx(500 / 121, abs=1e-12)
    assert om["sensitivity_indicator"] == 0.0 and math.isnan(om["switching_value"])
    # SV = -1/SI for a linear variable (METHODS.md section 4: |SV| = 100/|SI| in %)
    assert cap["switching_value"] == pytest.approx(-1 / cap["sensitivity_indicator"], rel=1e-14)
    # the EIRR of each test is numpy-financial's IRR of the same stream
    assert t.loc["base", "eirr"] == pytest.approx(npf.irr([-100, 60, 60]), abs=1e-12)
    assert cap["eirr"] == pytest.approx(npf.irr([-110, 60, 60]), abs=1e-12)


def test_table_columns_base_row_and_tornado():
    res = sensitivity(_hand_streams())
    # The columns SensitivityResult's docstring (and the JSON `sensitivity` rows) name.
    documented = "test change enpv eirr sensitivity_indicator switching_value"
    assert list(res.table.columns) == documented.split()
    assert res.table["test"].iloc[0] == "base"
    assert list(res.tornado.columns) == ["variable", "enpv_low", "enpv_high"]
    widths = (res.tornado["enpv_high"] - res.tornado["enpv_low"]).abs().to_numpy()
    assert np.all(np.diff(widths) <= 0)  # widest bar first
    # capital +-10%: ENPV 500/121 + 10 at the low end, 500/121 - 10 at the high end
    row = res.tornado.set_index("variable").loc["capital ±10%"]
    assert row["enpv_low"] == pytest.approx(500 / 121 + 10, abs=1e-12)
    assert row["enpv_high"] == pytest.approx(500 / 121 - 10, abs=1e-12)


def test_a_fractional_delay_reads_the_stream_between_years():
    # benefits (0, 60, 60) delayed 0.25 year: (0, 60*0.75, 60*0.75 + 60*0.25) = (0, 45, 60)
    net = scenario_net(_hand_streams(), [Target("delay")], [0.25])
    np.testing.assert_allclose(net, [-100.0, 45.0, 60.0], atol=1e-13)


# ------------------------------------------------------------- Xiangtan identities
def _delayed_enpv(result, years: float) -> float:
    """ENPV with every benefit delayed ``years``, rebuilt independently with np.interp."""
    econ = result.program.economic
    benefits = econ["benefits_without_carbon"].to_numpy()
    if result.case.economic.carbon_in_eirr:
        benefits = benefits + econ["carbon_value"].to_numpy()
    n = benefits.size
    # the stream read at t - d, linear between years, zero before the first year
    shifted = np.interp(np.arange(n) - years, np.arange(-1, n), np.concatenate([[0.0], benefits]))
    net = shifted - econ["costs"].to_numpy()
    meta = result.case.meta
    rate = result.case.economic.discount_rate
    return float(npv(rate, net, first_year_discounted=meta.first_year_discounted))


def test_each_switching_value_makes_enpv_zero(xiangtan_result):
    streams = economic_streams(xiangtan_result)
    res = xiangtan_result.sensitivity
    checked = 0
    for test in ADB_STANDARD_TESTS:
        if not test.single:
            continue
        target, _ = test.changes[0]
        sv = float(res.table.set_index("test").loc[test.name, "switching_value"])
        if target.is_delay:
            assert _delayed_enpv(xiangtan_result, sv) == pytest.approx(0.0, abs=1e-9)
        else:
            assert float(scenario_enpv(streams, [target], [1.0 + sv])) == pytest.approx(
                0.0, abs=1e-9
            )
        checked += 1
    assert checked == 4


def test_xiangtan_base_row_is_the_appraisal_and_the_json_block(xiangtan_result):
    e = xiangtan_result.summary["economic"]
    block = xiangtan_result.summary["sensitivity"]
    assert [b["test"] for b in block] == ["base"] + [t.name for t in ADB_STANDARD_TESTS]
    assert block[0]["enpv"] == pytest.approx(e["enpv"], abs=1e-9)
    assert block[0]["eirr"] == pytest.approx(e["eirr"], abs=1e-12)
    keys = {"test", "change", "enpv", "eirr", "sensitivity_indicator", "switching_value"}
    assert all(keys <= set(b) for b in block)
    delayed = next(b for b in block if b["test"] == "benefits delayed 1 year")
    assert delayed["unit"] == "years" and delayed["sensitivity_indicator"] is None
    # the 1-year delay's ENPV, rebuilt independently
    assert delayed["enpv"] == pytest.approx(_delayed_enpv(xiangtan_result, 1.0), abs=1e-9)


def test_configured_tests_restricted_to_a_component():
    data = case_data("xiangtan")
    data["sensitivity"] = {
        "standard": False,
        "tests": [
            {"name": "bus capital +20%", "component": "bus-priority", "capital": 0.2},
            {"name": "time savings -30%", "streams": {"time_savings": -0.3}},
        ],
    }
    result = appraisal.appraise(parse_case(data))
    t = result.sensitivity.table.set_index("test")
    assert list(t.index) == ["base", "bus capital +20%", "time savings -30%"]
    base = t.loc["base", "enpv"]
    meta, r = result.case.meta, result.case.economic.discount_rate
    bus = result.component("bus-priority").economic["capital"].to_numpy()
    pv_bus = npv(r, bus, first_year_discounted=meta.first_year_discounted)
    assert t.loc["bus capital +20%", "enpv"] == pytest.approx(base - 0.2 * pv_bus, abs=1e-9)
    assert t.loc["bus capital +20%", "switching_value"] == pytest.approx(base / pv_bus, rel=1e-12)
    ts = result.program.economic["benefit:time_savings"].to_numpy()
    pv_ts = npv(r, ts, first_year_discounted=meta.first_year_discounted)
    assert t.loc["time savings -30%", "enpv"] == pytest.approx(base - 0.3 * pv_ts, abs=1e-9)


@pytest.mark.parametrize(
    ("section", "where", "word"),
    [
        ({"tests": [{"name": "x", "streams": {"nonsense": 0.1}}]}, "streams.nonsense", "unknown"),
        (
            {"tests": [{"name": "x", "component": "nowhere", "capital": 0.1}]},
            "component",
            "nowhere",
        ),
        ({"tests": [{"name": "x"}]}, "tests[0]", "changes nothing"),
    ],
)
def test_bad_sensitivity_inputs_are_refused_with_their_key(section, where, word):
    data = case_data("xiangtan")
    data["sensitivity"] = section
    with pytest.raises(CaseError) as info:
        appraisal.appraise(parse_case(data))
    (problem,) = info.value.problems
    assert where in problem.path and word in problem.message


# ------------------------------------------------------------------- Monte Carlo
def _risk_case(variables, correlations=()):
    data = case_data("xiangtan")
    data["risk"] = {"variables": list(variables), "correlations": list(correlations)}
    return parse_case(data)


def test_zero_variance_equals_the_deterministic_result(xiangtan_result):
    degenerate = [
        {"name": "capital", "distribution": "triangular", "min": 1.0, "mode": 1.0, "max": 1.0},
        {"name": "operating", "distribution": "pert", "min": 1.0, "mode": 1.0, "max": 1.0},
        {"name": "benefits", "distribution": "normal", "mean": 1.0, "sd": 0.0},
        {"name": "carbon_price", "distribution": "lognormal", "mean": 1.0, "sd": 0.0},
        {"name": "time_savings", "distribution": "uniform", "min": 1.0, "max": 1.0},
        {"name": "delay", "distribution": "triangular", "min": 0.0, "mode": 0.0, "max": 0.0},
    ]
    corr = [{"first": "capital", "second": "benefits", "rank_correlation": 0.4}]
    result = appraisal.appraise(_risk_case(degenerate, corr), risk_draws=1000, risk_seed=3)
    s, e = result.summary["risk"], xiangtan_result.summary["economic"]
    for q in ("p5", "p50", "p95", "mean"):
        assert s[f"enpv_{q}"] == pytest.approx(e["enpv"], abs=1e-9)
        assert s[f"enpv_without_carbon_{q}"] == pytest.approx(e["enpv_without_carbon"], abs=1e-9)
    for q in ("p5", "p50", "p95"):
        assert s[f"eirr_{q}"] == pytest.approx(e["eirr"], abs=1e-12)
        assert s[f"eirr_without_carbon_{q}"] == pytest.approx(e["eirr_without_carbon"], abs=1e-12)
    assert s["p_enpv_negative"] == 0.0 and s["eirr_undefined_draws"] == 0


def test_same_seed_same_json_whatever_the_chunk_size():
    case = appraisal.load_case(CASES / "xiangtan" / "case.toml")
    base = appraisal.appraise(case)
    a = appraisal.risk(base, 3000, 11)
    b = appraisal.risk(appraisal.appraise(case), 3000, 11)
    assert a.to_json() == b.to_json()
    c = appraisal.risk(base, 3000, 12)
    assert c.summary["risk"]["enpv_p50"] != a.summary["risk"]["enpv_p50"]
    streams = economic_streams(base)
    variables = [RiskVariable(Target("capital"), "triangular", {"min": 0.9, "mode": 1, "max": 1.4})]
    one = monte_carlo(streams, variables, draws=5000, seed=5)
    small = monte_carlo(streams, variables, draws=5000, seed=5, chunk_size=777)

    # the same draws; sums over a chunk may round differently (BLAS blocking): 1e-12
    def near(value):
        if isinstance(value, float):
            return pytest.approx(value, rel=1e-12)
        if isinstance(value, dict):
            return {k: near(v) for k, v in value.items()}
        if isinstance(value, list):
            return [near(v) for v in value]
        return value

    for key, value in one.summary.items():
        assert small.summary[key] == near(value), key
    assert one.histogram["count"].tolist() == small.histogram["count"].tolist()


def test_each_draw_is_its_scenario_and_its_eirr_numpy_financials():
    case = appraisal.load_case(CASES / "xiangtan" / "case.toml")
    result = appraisal.appraise(case)
    streams = economic_streams(result)
    variables = [
        RiskVariable(Target("capital"), "triangular", {"min": 0.9, "mode": 1.0, "max": 1.3}),
        RiskVariable(Target("delay"), "uniform", {"min": 0.0, "max": 2.5}),
    ]
    (draws,) = list(sample(variables, draws=6, seed=1))
    targets = [v.target for v in variables]
    net = scenario_net(streams, targets, draws)
    for row, values in zip(net, draws, strict=True):
        # rebuilt by hand: capital scaled, benefits (and carbon) delayed by the draw
        econ = result.program.economic
        benefits = (econ["benefits_without_carbon"] + econ["carbon_value"]).to_numpy()
        n = benefits.size
        shifted = np.interp(
            np.arange(n) - values[1], np.arange(-1, n), np.concatenate([[0.0], benefits])
        )
        expected = shifted - values[0] * econ["capital"].to_numpy() - econ["operating"].to_numpy()
        np.testing.assert_allclose(row, expected, atol=1e-12)
    res = monte_carlo(streams, variables, draws=6, seed=1, bins=3)
    irr_npf = sorted(npf.irr(row) for row in net)
    assert res.summary["eirr_p50"] == pytest.approx(np.percentile(irr_npf, 50), abs=1e-10)


def test_draws_without_an_eirr_are_counted_with_a_reason():
    # benefits multiplied by 0: every draw's stream is costs only, no sign change
    # (no residual value either: a residual at the horizon would be a late inflow)
    variables = [{"name": "benefits", "distribution": "uniform", "min": 0.0, "max": 0.0}]
    data = case_data("xiangtan")
    data["risk"] = {"variables": variables, "correlations": []}
    data["case"]["residual_value"] = "none"
    case = parse_case(data)
    result = appraisal.appraise(case, risk_draws=500, risk_seed=1)
    s = result.summary["risk"]
    assert s["eirr_undefined_draws"] == 500
    assert s["eirr_undefined_no_sign_change"] == 500 and s["eirr_undefined_other"] == 0
    assert s["eirr_p50"] is None and s["p_enpv_negative"] == 1.0
    assert json.loads(result.to_json())["risk"]["eirr_p5"] is None


@pytest.mark.parametrize(
    ("distribution", "params", "reference"),
    [
        ("triangular", {"min": 0.9, "mode": 1.0, "max": 1.4}, stats.triang(0.2, 0.9, 0.5)),
        ("pert", {"min": 0.8, "mode": 1.0, "max": 1.6}, stats.beta(2.0, 4.0, 0.8, 0.8)),
        (
            "pert",
            {"min": 0.0, "mode": 0.1, "max": 3.0},
            stats.beta(1 + 0.4 / 3, 1 + 11.6 / 3, 0, 3),
        ),
        ("uniform", {"min": 0.7, "max": 1.2}, stats.uniform(0.7, 0.5)),
        ("normal", {"mean": 1.0, "sd": 0.2}, stats.norm(1.0, 0.2)),
        # lognormal with mean 1, sd 0.3 of the multiplier: sigma^2 = ln(1 + 0.09)
        (
            "lognormal",
            {"mean": 1.0, "sd": 0.3},
            stats.lognorm(math.sqrt(math.log(1.09)), scale=math.exp(-0.5 * math.log(1.09))),
        ),
    ],
)
def test_marginals_are_scipy_distributions(distribution, params, reference):
    # PERT (Vose 2008): Beta(1 + 4 (mode - min)/(max - min), 1 + 4 (max - mode)/(max - min))
    var = RiskVariable(Target("capital"), distribution, params)
    z = np.linspace(-5.0, 5.0, 2001)
    expected = reference.ppf(stats.norm.cdf(z))
    # 1e-8 of the range: PERT's tabulated inverse; the others are closed forms
    np.testing.assert_allclose(var.ppf(z), expected, atol=1e-8, rtol=1e-12)


def test_rank_correlation_through_the_copula():
    variables = [
        RiskVariable(Target("capital"), "triangular", {"min": 0.9, "mode": 1.0, "max": 1.5}),
        RiskVariable(Target("delay"), "pert", {"min": 0.0, "mode": 0.5, "max": 3.0}),
        RiskVariable(Target("benefits"), "lognormal", {"mean": 1.0, "sd": 0.2}),
    ]
    corr = [Correlation("capital", "delay", 0.6), Correlation("capital", "benefits", -0.3)]
    x = np.concatenate(list(sample(variables, corr, draws=200_000, seed=2)))
    rho = stats.spearmanr(x).statistic
    # sampling error of a rank correlation over 200,000 draws is about 0.002
    assert rho[0, 1] == pytest.approx(0.6, abs=0.01)
    assert rho[0, 2] == pytest.approx(-0.3, abs=0.01)
    assert abs(rho[1, 2]) < 0.01  # pairs not listed are independent in the copula
    assert x[:, 1].min() >= 0.0


@pytest.mark.parametrize(
    ("variable", "where", "word"),
    [
        ({"name": "capital", "distribution": "triangular", "min": 1.2, "mode": 1.0, "max": 1.3},
         "risk.variables[0].min", "min <= mode"),
        ({"name": "delay", "distribution": "normal", "mean": 1.0, "sd": 0.5},
         "risk.variables[0].distribution", "negative"),
        ({"name": "capital", "distribution": "pert", "min": 0.9, "max": 1.3},
         "risk.variables[0].mode", "missing"),
        ({"name": "rainfall", "distribution": "uniform", "min": 0.9, "max": 1.3},
         "risk.variables[0].name", "unknown variable"),
    ],
)  # fmt: skip
def test_bad_risk_inputs_are_refused_with_their_key(variable, where, word):
    with pytest.raises(CaseError) as info:
        appraisal.appraise(_risk_case([variable]))
    paths = [(p.path, p.message) for p in info.value.problems]
    assert any(p == where and word in m for p, m in paths), paths


def test_inconsistent_correlations_are_refused():
    variables = [
        {"name": n, "distribution": "uniform", "min": 0.9, "max": 1.1}
        for n in ("capital", "operating", "benefits")
    ]
    corr = [
        {"first": "capital", "second": "operating", "rank_correlation": 0.9},
        {"first": "capital", "second": "benefits", "rank_correlation": 0.9},
        {"first": "operating", "second": "benefits", "rank_correlation": -0.9},
    ]
    with pytest.raises(CaseError) as info:
        appraisal.appraise(_risk_case(variables, corr))
    assert "positive semi-definite" in info.value.problems[0].message


def test_risk_result_tables():
    case = _risk_case(
        [{"name": "capital", "distribution": "triangular", "min": 1.0, "mode": 1.0, "max": 1.4}]
    )
    res = appraisal.appraise(case, risk_draws=4000, risk_seed=9).risk
    assert list(res.histogram.columns) == ["bin_start", "bin_end", "count"]
    assert int(res.histogram["count"].sum()) == 4000
    assert list(res.s_curve.columns) == ["enpv", "cumulative_probability"]
    assert np.all(np.diff(res.s_curve["enpv"].to_numpy()) >= 0)
    assert res.s_curve["enpv"].iloc[50] == pytest.approx(res.summary["enpv_p50"], abs=1e-12)
    # only capital varies, upwards: ENPV never above the appraisal's
    assert res.s_curve["enpv"].iloc[-1] <= case_enpv(case) + 1e-9


def case_enpv(case) -> float:
    return float(appraisal.appraise(case).summary["economic"]["enpv"])


# -------------------------------------------------------------------------- CLI
def test_cli_risk_writes_the_risk_block_reproducibly(tmp_path, capsys):
    args = ["risk", str(CASES / "xiangtan"), "--draws", "2000", "--seed", "4", "--formats", "json"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert "P(ENPV < 0)" in out
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    a = (tmp_path / "a" / "xiangtan.json").read_bytes()
    assert a == (tmp_path / "b" / "xiangtan.json").read_bytes()
    risk = json.loads(a)["risk"]
    assert risk["draws"] == 2000 and risk["seed"] == 4
    issue_keys = {"draws", "seed", "p_enpv_negative", "eirr_p5", "eirr_p50", "eirr_p95"}
    issue_keys |= {"enpv_p5", "enpv_p50", "enpv_p95", "p_enpv_negative_without_carbon"}
    issue_keys |= {f"{k}_without_carbon_p{q}" for k in ("enpv", "eirr") for q in (5, 50, 95)}
    assert issue_keys <= set(risk)
    assert all(v["source"] for v in risk["variables"])  # every Xiangtan range has a reason


def test_cli_risk_without_uncertain_inputs_is_refused(tmp_path, capsys):
    path = tmp_path / "case.toml"
    path.write_text((CASES / "excel-npv-example" / "case.toml").read_text("utf-8"), "utf-8")
    assert main(["risk", str(path), "--draws", "10", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "risk.variables" in err[0] and "no uncertain input" in err[0]
    assert not (tmp_path / "o").exists()
    assert main(["risk", str(path), "--draws", "0"]) == 2


# --------------------------------------------------------------------- workbook
def _sheet_values(path, title: str) -> dict[str, object]:
    import openpyxl

    ws = openpyxl.load_workbook(path, data_only=True)[title]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row}


@functools.cache
def _sheet_result() -> Any:
    case = _risk_case(
        [{"name": "capital", "distribution": "triangular", "min": 0.9, "mode": 1.0, "max": 1.4}]
    )
    return appraisal.appraise(case, risk_draws=2000, risk_seed=1)


def _write_sheets(src: Path) -> list[Path]:
    """The Sensitivity and Risk sheets alone, the capital change edited to +25%."""
    import openpyxl

    from appraisal.io.workbook.uncertainty_sheets import add_sheets

    wb = openpyxl.Workbook()
    add_sheets(wb, _sheet_result())  # self-contained: no names, the rate written on the sheet
    ws = wb["Sensitivity"]
    assert ws["B14"].value == 0.1 and ws["A14"].value == "capital cost +10%"
    ws["B14"].value = 0.25  # capital +25% instead of +10%
    path = src / "uncertainty-sheets.xlsx"
    wb.save(path)
    return [path]


# Recalculated in the session's one LibreOffice run (``recalculated`` in conftest.py).
RECALC_INPUTS = (_write_sheets,)


def test_workbook_sheets_recalculated_by_libreoffice(recalculated):
    # The Sensitivity sheet's formulas, recalculated by LibreOffice Calc (an independent
    # spreadsheet engine), give the engine's ENPV, EIRR, SI and SV; a changed change
    # cell moves its row like the engine does with the same change.
    result = _sheet_result()
    out = recalculated["out"]["uncertainty-sheets"]
    v = _sheet_values(out, "Sensitivity")
    table = result.sensitivity.table.set_index("test")
    for row, test in enumerate(table.index, start=6):
        if test == "capital cost +10%":
            continue
        assert v[f"C{row}"] == pytest.approx(table.loc[test, "enpv"], abs=1e-9), test
        assert v[f"D{row}"] == pytest.approx(table.loc[test, "eirr"], abs=1e-9), test
    streams = economic_streams(result)
    enpv_25 = float(scenario_enpv(streams, [Target("capital")], [1.25]))
    assert v["C7"] == pytest.approx(enpv_25, abs=1e-9)
    cap = table.loc["capital cost +10%"]  # SI and SV do not depend on the size of the change
    assert v["E7"] == pytest.approx(cap["sensitivity_indicator"], rel=1e-9)
    assert v["F7"] == pytest.approx(cap["switching_value"], rel=1e-9)
    risk = _sheet_values(out, "Risk")
    assert risk["B5"] == 2000  # draws


def test_no_delay_switching_value_when_enpv_never_changes_sign():
    # Benefits only (no cost): ENPV stays positive until every benefit has left the
    # horizon, where it is exactly 0: no delay makes the project fail, so no SV.
    streams = EconomicStreams(
        (Atom("benefit", "a", "b"),), np.array([[0.0, 5.0, 5.0]]), (1, 2, 3), 0.1, True, True
    )
    row = sensitivity(streams).table.set_index("test").loc["benefits delayed 1 year"]
    assert math.isnan(row["switching_value"])
    # ... and with a negative base ENPV a delay only makes it worse: no SV either
    t = sensitivity(_hand_streams_negative()).table.set_index("test")
    assert math.isnan(t.loc["benefits delayed 1 year", "switching_value"])


def _hand_streams_negative() -> EconomicStreams:
    """Capital 100, benefits 50 and 50: ENPV < 0 at 10%."""
    return EconomicStreams(
        (Atom("capital", "a"), Atom("benefit", "a", "b")),
        np.array([[100.0, 0.0, 0.0], [0.0, 50.0, 50.0]]),
        (1, 2, 3),
        0.10,
        False,
        True,
    )


@pytest.mark.parametrize(("a", "b"), [(2.0, 4.0), (1.0, 5.0), (3.0, 3.0), (4.9, 1.1), (1.0, 1.0)])
def test_pert_table_lookup_is_numpys_interp_bit_for_bit(a, b):
    # The bucketed look-up must reproduce np.interp exactly (same interval, same
    # formula), so that the draws and the JSON do not change: compared as bit patterns,
    # at random scores, at every table point and its neighbours, and at the ends.
    x, cdf, start, slope = _pert_table(a, b)
    rng = np.random.default_rng(5)
    u = np.concatenate(
        [
            special.ndtr(rng.standard_normal(200_000)),
            cdf,
            np.nextafter(cdf, 2.0),
            np.nextafter(cdf, -1.0),
            [0.0, -0.0, 1.0, 5e-324, 1e-300, np.nextafter(1.0, 0.0), np.nan],
        ]
    )
    u = u[~(u > 1.0) & ~(u < 0.0)]
    expected = np.interp(u, cdf, x)
    got = _interp_cdf(u, cdf, x, start, slope)
    assert np.array_equal(got.view(np.int64), expected.view(np.int64))
    assert np.array_equal(_interp_cdf(u, cdf, x).view(np.int64), expected.view(np.int64))


def test_the_pert_table_cache_is_bounded():
    # A long-lived worker sees many PERT shapes: the cache keeps at most _TABLES_KEPT
    # tables (~2 MB each), and a table dropped and rebuilt is the same, bit for bit.
    first = _pert_table(1.5, 3.5)
    kept = np.array(first.cdf)
    for k in range(2 * _TABLES_KEPT):
        _pert_table(1.0 + k / 10.0, 2.0)
    info = _pert_table.cache_info()
    assert info.maxsize == _TABLES_KEPT and info.currsize <= _TABLES_KEPT
    again = _pert_table(1.5, 3.5)
    assert again is not first and np.array_equal(again.cdf, kept)
    assert not again.cdf.flags.writeable  # shared by every caller: read-only


# ----------------------------------------------------------- what the sheets read
def test_the_result_carries_the_tests_targets_groups_and_flows(xiangtan_result):
    # What the Sensitivity sheet writes, carried by the result: checked against
    # independent rebuilds (scenario_net with each test's own targets; the streams'
    # signed sum).
    res = xiangtan_result.sensitivity
    streams = economic_streams(xiangtan_result)
    assert np.array_equal(res.streams.values, streams.values)
    assert res.tests == ADB_STANDARD_TESTS
    assert res.targets == (Target("capital"), Target("operating"), Target("benefits"),
                           Target("delay"))  # fmt: skip
    assert isinstance(res.groups, GroupModel) and res.groups.targets == res.targets
    # every atom is in one group; the groups' flows sum to the program's net stream
    signed = np.array([a.sign for a in streams.atoms])[:, None] * streams.values
    np.testing.assert_allclose(res.groups.signed.sum(axis=0), signed.sum(axis=0), atol=1e-9)
    for atom, g in zip(streams.atoms, res.groups.atom_groups, strict=True):
        assert res.groups.signs[g] == atom.sign
        assert bool(res.groups.carbon[g]) == (atom.kind == "carbon")
    assert len(res.groups.labels) == res.groups.signed.shape[0]
    assert list(res.flows.index) == list(res.table["test"])
    assert list(res.flows.columns) == list(streams.years)
    for test in ADB_STANDARD_TESTS:
        targets = [t for t, _ in test.changes]
        values = [c if t.is_delay else 1.0 + c for t, c in test.changes]
        own = scenario_net(streams, targets, values)
        np.testing.assert_allclose(res.flows.loc[test.name], own, rtol=1e-12, atol=1e-9)


def test_group_labels_name_what_each_row_holds():
    # written out by hand from the three atoms and the one test
    streams = EconomicStreams(
        (Atom("capital", "a"), Atom("benefit", "a", "b"), Atom("carbon", "a")),
        np.array([[100.0, 0.0, 0.0], [0.0, 60.0, 60.0], [0.0, 0.0, 0.0]]),
        (1, 2, 3),
        0.10,
        False,
        True,
    )
    res = sensitivity(streams, [SensitivityTest("late", ((Target("delay"), 1.5),))])
    assert res.targets == (Target("delay"),)
    assert res.groups.labels == (
        "capital [costs (negative)]",
        "benefit [benefits; tested: delay]",
        "(zero) [benefits; tested: delay]",  # the carbon value is zero here
    )
    assert res.groups.atom_groups == (0, 1, 2)
    # 1.5 years late: benefits (0, 0, 60 * 0.5)
    np.testing.assert_allclose(res.flows.loc["late"], [-100.0, 0.0, 30.0], atol=1e-13)


def test_a_fractional_delay_is_a_valid_formula_of_the_flow_rows():
    # 1.5 years late: each flow cell reads half of the row 1 and 2 years earlier
    # (the weights written as plain numbers: a formula a spreadsheet can read).
    openpyxl = pytest.importorskip("openpyxl")
    from appraisal.io.workbook.uncertainty_sheets import add_sheets

    data = case_data("xiangtan")
    data["sensitivity"] = {"standard": False, "tests": [{"name": "late", "delay_years": 1.5}]}
    result = appraisal.appraise(parse_case(data))
    wb = openpyxl.Workbook()
    add_sheets(wb, result)
    formulas = [
        str(c.value) for row in wb["Sensitivity"].iter_rows() for c in row if c.data_type == "f"
    ]
    assert any("0.5*" in f for f in formulas)
    assert not any("np." in f or "float64" in f for f in formulas)
