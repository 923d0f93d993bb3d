"""The workflow on whole cases: the JSON contract, identities and sums."""

from __future__ import annotations

import json

import numpy as np
import numpy_financial as npf
import pytest

import appraisal
from appraisal.case import parse_case
from tests.conftest import CASE_FILES, case_data, minimal_case

CONTRACT = [
    "economic.discount_rate",
    "economic.enpv",
    "economic.eirr",
    "economic.bcr",
    "economic.enpv_without_carbon",
    "economic.eirr_without_carbon",
    "financial.wacc",
    "financial.fnpv",
    "financial.firr",
    "ghg.reduction_tco2e_total",
    "abatement.cost_per_tco2e",
    "cobenefits.jobs_construction_job_years",
    "cobenefits.jobs_operation",
]


def _get(block, dotted):
    for part in dotted.split("."):
        block = block[part]
    return block


def test_json_contract_keys_present_for_program_and_components(xiangtan_result):
    s = json.loads(xiangtan_result.to_json())
    for key in CONTRACT:
        _get(s, key)  # KeyError if missing
        for comp in s["components"]:
            _get(comp, key)
    assert [c["id"] for c in s["components"]] == [c.id for c in xiangtan_result.case.components]
    # A figure that does not exist is null with a reason beside it.
    flood = next(c for c in s["components"] if c["id"] == "flood-adaptation")
    assert flood["abatement"]["cost_per_tco2e"] is None
    assert "no emission reduction" in flood["abatement"]["cost_per_tco2e_reason"]
    assert flood["financial"]["firr"] is None and flood["financial"]["firr_reason"]


def test_program_is_the_sum_of_components(xiangtan_result):
    r = xiangtan_result
    total = sum(c.economic["net_with_carbon"] for c in r.components)
    np.testing.assert_allclose(r.program.economic["net_with_carbon"], total, rtol=1e-12)
    tonnes = sum(c.summary["ghg"]["reduction_tco2e_total"] for c in r.components)
    assert r.summary["ghg"]["reduction_tco2e_total"] == pytest.approx(tonnes, rel=1e-12)
    # ENPV is linear: the program's equals the sum of the components'.
    enpv = sum(c.summary["economic"]["enpv"] for c in r.components)
    assert r.summary["economic"]["enpv"] == pytest.approx(enpv, rel=1e-12)


def test_program_enpv_and_eirr_against_numpy_financial(xiangtan_result):
    net = xiangtan_result.program.economic["net_with_carbon"].to_numpy()
    s = xiangtan_result.summary["economic"]
    # The case says first_year_discounted = true: Excel NPV = npf.npv / (1 + r).
    assert s["enpv"] == pytest.approx(npf.npv(0.09, net) / 1.09, rel=1e-12)
    assert s["eirr"] == pytest.approx(npf.irr(net), abs=1e-9)
    # Identity: NPV at the EIRR is zero.
    assert appraisal.npv(s["eirr"], net) == pytest.approx(0.0, abs=1e-8)


def test_fnpv_at_wacc_against_numpy_financial(xiangtan_result):
    r = xiangtan_result
    fin = r.program.financial
    s = r.summary["financial"]
    # WACC from the table: hand check of the ADB form for this case's two sources. The
    # borrower, a municipality, pays no income tax: no tax shield on the ADB loan
    # (financing.borrower_pays_income_tax = false; docs/methods.md section 3).
    w_adb = 150 / 345.88
    real_adb = 1.025 / 1.018 - 1
    real_cp = 1.06 / 1.025 - 1
    assert s["wacc"] == pytest.approx(w_adb * real_adb + (1 - w_adb) * real_cp, rel=1e-12)
    assert s["fnpv"] == pytest.approx(
        npf.npv(s["wacc"], fin["net"].to_numpy()) / (1 + s["wacc"]), rel=1e-12
    )
    assert s["firr"] == pytest.approx(npf.irr(fin["net"].to_numpy()), abs=1e-9)


@pytest.mark.parametrize("component", ["community-retrofit", "community-solar-ev"])
def test_abatement_cost_as_carbon_price_makes_enpv_zero(xiangtan_result, component):
    # Identity (docs/methods.md section 7): the levelized cost per tonne, used as a constant
    # real carbon price, gives ENPV = 0. Through the whole workflow, for the components
    # whose cost is positive (a case may not state a negative carbon price).
    r = xiangtan_result
    lca = r.component(component).summary["abatement"]["cost_per_tco2e"]
    assert lca > 0
    data = case_data("xiangtan")
    data["economic"]["carbon_price"] = {str(y): lca for y in (2021, 2045)}
    data["economic"]["carbon_in_eirr"] = True
    again = appraisal.appraise(parse_case(data))
    assert again.component(component).summary["economic"]["enpv"] == pytest.approx(0.0, abs=1e-9)


@pytest.mark.parametrize(
    "component",
    [
        "program",
        "bus-priority",
        "green-buildings",
        "smart-city",
        "community-retrofit",
        "community-solar-ev",
    ],
)
def test_abatement_identity_for_negative_costs_too(xiangtan_result, component):
    # The same identity at the level of the yearly tables, where a win-win measure's
    # negative cost per tonne is a legitimate (negative) constant carbon price.
    # The program's cost counts the components that avoid tonnes only (the MAC's).
    r = xiangtan_result.component(component)
    lca = r.summary["abatement"]["cost_per_tco2e"]
    parts = [r]
    if component == "program":
        left_out = r.summary["abatement"]["excluded_components"]
        assert left_out == ["hospital-base", "flood-adaptation"]
        parts = [c for c in xiangtan_result.components if c.id not in left_out]
    net = np.zeros(len(r.economic))
    for c in parts:
        carbon = c.ghg["reduction"].to_numpy() * lca / 1e6  # USD million
        econ = c.economic
        net += econ["benefits_without_carbon"].to_numpy() + carbon - econ["costs"].to_numpy()
    assert appraisal.npv(0.09, net) == pytest.approx(0.0, abs=1e-9)


def test_carbon_value_is_reduction_times_price():
    data = minimal_case()
    r = appraisal.appraise(parse_case(data))
    econ = r.program.economic
    price = 36.30 * 1.02 ** (np.arange(2021, 2046) - 2016)
    reduction = r.program.ghg["reduction"].to_numpy()
    np.testing.assert_allclose(econ["carbon_value"], reduction * price / 1e6, rtol=1e-12)
    assert reduction[2] == 21000 and reduction[3] == 21500 and reduction[4:].sum() == 0
    # Without carbon in the EIRR the headline equals the without-carbon figure.
    r2 = appraisal.appraise(parse_case(minimal_case(carbon_in_eirr=False)))
    assert r2.summary["economic"]["enpv"] == r2.summary["economic"]["enpv_without_carbon"]


def test_financial_basis_streams_are_converted():
    data = minimal_case(conversion_factors={"capital": 0.8, "time_savings": 1.1})
    data["components"][0]["streams"]["basis"] = "financial"
    r = appraisal.appraise(parse_case(data))
    econ = r.program.economic
    assert econ["capital"].iloc[1] == pytest.approx(20.5 * 0.8)
    assert econ["benefit:time_savings"].iloc[2] == pytest.approx(3.1 * 1.1)
    assert econ["operating"].iloc[2] == pytest.approx(0.4)  # no factor: 1


def test_jobs_hand_worked(xiangtan_result):
    # Capital that creates construction work: 345.88 less land (10 bus priority, 5 flood)
    # = 330.88, less the 10% tax share of civil works, equipment and ICT = 297.792;
    # x 7.5 job-years/US$ m (Garrett-Peltier 2017: direct and indirect, so no
    # multiplier) x 0.8 local.
    cob = xiangtan_result.summary["cobenefits"]
    assert cob["jobs_construction_capital"] == pytest.approx(330.88 * 0.9, rel=1e-12)
    jobs = cob["jobs_construction_job_years"]
    assert jobs == pytest.approx(330.88 * 0.9 * 7.5 * 0.8, rel=1e-12)
    assert cob["jobs_construction_indirect"] == 0.0 == cob["jobs_construction_induced"]


def test_same_inputs_same_json_bytes():
    a = appraisal.appraise(appraisal.load_case(CASE_FILES[0])).to_json()
    b = appraisal.appraise(appraisal.load_case(CASE_FILES[0])).to_json()
    assert a == b


@pytest.mark.parametrize("path", CASE_FILES, ids=[p.parent.name for p in CASE_FILES])
def test_every_shipped_case_appraises(path):
    r = appraisal.appraise(appraisal.load_case(path))
    json.loads(r.to_json())


def test_several_irrs_are_reported_not_picked():
    # [-100, 230, -132] has IRRs of 10% and 20% (issue 5).
    data = minimal_case(carbon_price="none")
    data["case"]["years"] = 3
    data["components"][0]["streams"] = {
        "capital": [100.0, 0.0, 132.0],
        "benefits": {"b": [0.0, 230.0, 0.0]},
    }
    s = appraisal.appraise(parse_case(data)).summary["economic"]
    assert s["eirr"] is None
    assert s["eirr_roots"] == pytest.approx([0.10, 0.20])
    assert "10.00%" in s["eirr_reason"] and "20.00%" in s["eirr_reason"]


def test_loan_annuity_and_no_program_dscr(xiangtan_result):
    # The loan (150 at 2.5%, 25 years, 5 grace, disbursed over 5 years) repays as an
    # annuity from loan year 5 over 20 years: debt service = -pmt(0.025, 20, balance)
    # (numpy-financial), plus nothing else once disbursed. The sovereign loan mostly
    # finances public goods: no DSCR for the program (issue 11); each revenue-earning
    # entity has its own on its on-lent part (tests/test_entity_finance.py).
    r = xiangtan_result
    sched = r.loan_schedule
    balance = sched["closing_balance"].iloc[4]
    service = -npf.pmt(0.025, 20, balance)
    repaying = sched[sched["principal_repaid"] > 0]
    np.testing.assert_allclose(repaying["debt_service"], service, rtol=1e-12)
    assert r.summary["financial"]["dscr_min"] is None
    assert r.summary["financial"]["dscr_min_reason"]
