"""Tests of appraisal.entity_finance: an entity's tax, nominal cash, DSCR and WACC.

Every expected number is worked by hand in the test (docs/methods.md section 3);
the loan's annuity is numpy-financial's ``pmt``.
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import numpy_financial as npf
import pytest

import appraisal
from appraisal.case import CaseError, parse_case
from appraisal.cli import main
from appraisal.entity_finance import (
    EntityTerms,
    entity_cash_flows,
    entity_wacc_sources,
    inflation_index,
    straight_line_depreciation,
)
from appraisal.finance import wacc
from appraisal.io.template.toml import case_to_toml

YEARS = [2020, 2021, 2022, 2023]


def entity_case(**financing: Any) -> dict[str, Any]:
    """Four years; a loan of 100 at 10% repaid as an annuity over loan years 1-3; one
    public component and one revenue-earning company with 5 of the loan on-lent."""
    return {
        "case": {
            "name": "Entity example",
            "currency": "USD",
            "unit": "million",
            "price_year": 2020,
            "first_year": 2020,
            "years": 4,
            "first_year_discounted": True,
        },
        "economic": {"discount_rate": 0.09, "carbon_price": "none"},
        "financing": {
            "sources": [
                {"name": "loan", "amount": 60.0, "nominal_cost": 0.05, "tax_rate": 0.25,
                 "inflation": 0.02, "source": "hand-worked"},
                {"name": "equity", "amount": 40.0, "nominal_cost": 0.08, "inflation": 0.02,
                 "is_debt": False, "source": "hand-worked"},
            ],
            "loan": {"amount": 100.0, "interest_rate": 0.10, "tenor_years": 4,
                     "grace_years": 1, "disbursement": [1.0], "source": "hand-worked"},
            **financing,
        },
        "components": [
            {"id": "public", "name": "Public works", "source": "hand-worked",
             "streams": {"basis": "financial", "capital": [90.0], "operating": [0, 2, 2, 2],
                         "benefits": {"b": [0, 30, 30, 30]}}},
            {"id": "pv", "name": "PV company", "source": "hand-worked",
             "streams": {"basis": "financial", "capital": [10.0], "operating": [0, 1, 1, 1],
                         "benefits": {"b": [0, 6, 6, 6]}},
             "financial": {"revenue": [0, 5, 5, 5], "on_lent_loan": 5.0,
                           "income_tax_rate": 0.25, "inflation": 0.10}},
        ],
    }  # fmt: skip


def test_inflation_index_and_depreciation_by_hand() -> None:
    assert inflation_index(YEARS, 2020, 0.1) == pytest.approx([1.0, 1.1, 1.21, 1.331])
    # 10 spent in 2020 over 2 years: 5 in 2021 and 2022, nothing after
    assert straight_line_depreciation([10.0, 0, 0, 0], 2).tolist() == [0.0, 5.0, 5.0, 0.0]
    assert straight_line_depreciation([10.0, 0, 0, 0], None).tolist() == [0.0] * 4


def test_tax_on_nominal_income_less_depreciation_by_hand() -> None:
    t = entity_cash_flows(
        [10.0, 0, 0, 0], [0, 1.0, 1.0, 1.0], [0, 5.0, 5.0, 5.0],
        years=YEARS, price_year=2020, terms=EntityTerms(0.0, 0.25, 0.10), life_years=2,
    )  # fmt: skip
    # taxable (nominal) = (5 - 1) x 1.1^(t-2020) - depreciation 5 (2021, 2022):
    # 2021: 4.4 - 5 < 0; 2022: 4.84 - 5 < 0; 2023: 5.324 - 0 -> tax 0.25 x 5.324 = 1.331,
    # real 1.331 / 1.331 = 1.0
    assert t["income_tax_nominal"].to_numpy() == pytest.approx([0, 0, 0, 1.331])
    assert t["income_tax"].to_numpy() == pytest.approx([0, 0, 0, 1.0])
    assert t["net"].to_numpy() == pytest.approx([-10.0, 4.0, 4.0, 3.0])
    # nominal cash available = (5 - 1) x index - nominal tax
    assert t["cash_available_nominal"].to_numpy() == pytest.approx([0, 4.4, 4.84, 3.993])


def test_entity_dscr_by_hand_through_appraise() -> None:
    r = appraisal.appraise(parse_case(entity_case()))
    pv = r.component("pv")
    assert pv.financial is not None
    # streams component: no depreciation; tax = 0.25 x 4 x 1.1^(t-2020) nominal
    cash = [0.0, 4.4 * 0.75, 4.84 * 0.75, 5.324 * 0.75]  # 3.3, 3.63, 3.993
    assert pv.financial["cash_available_nominal"].to_numpy() == pytest.approx(cash)
    # loan: 100 disbursed in 2020, annuity from loan year 1 over 3 years
    service = -npf.pmt(0.10, 3, 100.0)  # 40.2115 a year
    on_lent = service * 5.0 / 100.0  # the on-lent share 5 / 100: 2.01057 a year
    assert pv.financial["debt_service_nominal"].to_numpy() == pytest.approx(
        [0.0, on_lent, on_lent, on_lent]
    )
    # DSCR 3.3 / 2.01057 = 1.64132 (2021), 1.8054, 1.9860: the lowest is 2021's
    f = pv.summary["financial"]
    assert f["dscr_min"] == pytest.approx(3.3 / on_lent, rel=1e-12)
    assert f["dscr_min"] == pytest.approx(1.64132, abs=1e-5)
    # the public component and the program carry no DSCR, each with its reason
    assert r.component("public").summary["financial"]["dscr_min"] is None
    assert r.summary["financial"]["dscr_min"] is None
    assert "public goods" in r.summary["financial"]["dscr_min_reason"]
    assert not [c for c in r.checks if c.code == "dscr-below-one"]


def test_dscr_below_one_is_a_check_of_the_entity() -> None:
    data = entity_case()
    data["components"][1]["financial"]["on_lent_loan"] = 10.0  # debt service 4.0212
    r = appraisal.appraise(parse_case(data))
    f = r.component("pv").summary["financial"]
    assert f["dscr_min"] == pytest.approx(3.3 / (-npf.pmt(0.10, 3, 100.0) * 0.1), rel=1e-12)
    (check,) = [c for c in r.checks if c.code == "dscr-below-one"]
    assert check.message.startswith("pv: ")


def test_no_on_lent_debt_gives_no_dscr_with_a_reason() -> None:
    data = entity_case()
    data["components"][1]["financial"]["on_lent_loan"] = 0.0
    f = appraisal.appraise(parse_case(data)).component("pv").summary["financial"]
    assert f["dscr_min"] is None
    assert "no on-lent debt" in f["dscr_min_reason"]


def test_tax_shield_only_when_the_borrower_pays_income_tax() -> None:
    # Hand-worked ADB WACC table, loan 60 at 5% (tax 25%, inflation 2%), equity 40 at 8%:
    # with the shield: loan real (1 + 0.05 x 0.75) / 1.02 - 1 = 0.0171569,
    #   equity real 1.08 / 1.02 - 1 = 0.0588235: WACC 0.6 x 0.0171569 + 0.4 x 0.0588235
    #   = 0.0338235
    # without (a municipality): loan real 1.05 / 1.02 - 1 = 0.0294118: WACC 0.0411765
    taxed = appraisal.appraise(parse_case(entity_case(borrower_pays_income_tax=True)))
    untaxed = appraisal.appraise(parse_case(entity_case()))  # default: false
    assert taxed.summary["financial"]["wacc"] == pytest.approx(0.0338235, abs=1e-7)
    assert untaxed.summary["financial"]["wacc"] == pytest.approx(0.0411765, abs=1e-7)
    note = [c for c in untaxed.checks if "pays no income tax" in c.message]
    assert note and "loan" in note[0].message


def test_entity_wacc_of_what_it_carries_by_hand() -> None:
    # capital 30: on-lent 20 at the loan's 5% (entity tax 25%, inflation 3%), the other 10
    # from the sources pro rata (loan 60%: 6; equity 40%: 4), debt at the entity's tax:
    # on-lent real (1 + 0.0375) / 1.03 - 1 = 0.0072816; loan 0.0171569; equity 0.0588235
    # WACC = 20/30 x 0.0072816 + 6/30 x 0.0171569 + 4/30 x 0.0588235 = 0.0161289
    sources = entity_case()["financing"]["sources"]
    rows = entity_wacc_sources(
        30.0, EntityTerms(20.0, 0.25, 0.03), loan_interest_rate=0.05, program_sources=sources
    )
    assert [r["amount"] for r in rows] == pytest.approx([20.0, 6.0, 4.0])
    assert wacc(rows) == pytest.approx(0.0161289, abs=1e-7)
    # and through appraise: the PV company (capital 10, on-lent 5 at 10%, inflation 10%)
    r = appraisal.appraise(parse_case(entity_case()))
    # on-lent real (1 + 0.10 x 0.75) / 1.10 - 1 = -0.0227273; the other 5 as above
    want = 0.5 * (1.075 / 1.10 - 1) + 0.3 * 0.0171569 + 0.2 * 0.0588235
    assert r.component("pv").summary["financial"]["wacc"] == pytest.approx(want, abs=1e-7)
    # the FNPV of the entity is at its own WACC (Excel NPV timing: first year discounted)
    net = r.component("pv").financial["net"].to_numpy()  # type: ignore[index]
    fnpv = npf.npv(want, net) / (1 + want)
    assert r.component("pv").summary["financial"]["fnpv"] == pytest.approx(fnpv, rel=1e-6)


@pytest.mark.parametrize(
    ("edit", "where"),
    [
        (lambda d: d["financing"].pop("loan"), "components[1].financial.on_lent_loan"),
        (lambda d: d["components"][1]["financial"].update(on_lent_loan=150.0),
         "components.financial.on_lent_loan"),
        (lambda d: d["components"][0].update(financial={"on_lent_loan": 5.0}),
         "components[0].financial.on_lent_loan"),
        (lambda d: d["components"][1]["financial"].update(income_tax_rate=25.0),
         "components[1].financial.income_tax_rate"),
        (lambda d: d["components"][1]["financial"].update(on_lent_loan=-1.0),
         "components[1].financial.on_lent_loan"),
    ],
)  # fmt: skip
def test_bad_entity_inputs_are_named(edit: Any, where: str) -> None:
    data = copy.deepcopy(entity_case())
    edit(data)
    with pytest.raises(CaseError) as info:
        parse_case(data)
    assert where in [p.path for p in info.value.problems]


def test_bad_input_is_one_line_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = case_to_toml(parse_case(entity_case()))
    assert text.count("on_lent_loan = 5.0") == 1
    case = tmp_path / "case.toml"
    case.write_text(text.replace("on_lent_loan = 5.0", "on_lent_loan = 150.0"), "utf-8")
    assert main(["run", str(case), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")
    assert "on_lent_loan" in err[0]
    assert not (tmp_path / "out").exists()


def test_shipped_cases_show_no_program_dscr() -> None:
    # the 0.36 (Xiangtan) and 0.00 (Ulaanbaatar) program DSCRs are gone
    for name in ("xiangtan", "ulaanbaatar"):
        root = Path(__file__).resolve().parent.parent / "cases" / name / "case.toml"
        parse_case(tomllib.loads(root.read_text("utf-8")))
        r = appraisal.appraise(appraisal.load_case(root))
        assert r.summary["financial"]["dscr_min"] is None
    r = appraisal.appraise(appraisal.load_case(root.parent.parent / "xiangtan" / "case.toml"))
    assert r.component("community-solar-ev").summary["financial"]["dscr_min"] > 1.0
    assert np.isfinite(r.component("community-solar-ev").summary["financial"]["wacc"])


def test_residual_value_is_a_terminal_inflow_not_taxed() -> None:
    # Identity: the residual value adds to the net flow of its year only; tax and the
    # cash available for debt service are unchanged (it is a terminal value, not a sale).
    kw: dict[str, Any] = {
        "years": YEARS, "price_year": 2020, "terms": EntityTerms(0.0, 0.25, 0.10),
        "life_years": 2,
    }  # fmt: skip
    flows = ([10.0, 0, 0, 0], [0, 1.0, 1.0, 1.0], [0, 5.0, 5.0, 5.0])
    without = entity_cash_flows(*flows, **kw)
    with_rv = entity_cash_flows(*flows, residual_value=[0, 0, 0, 2.5], **kw)
    assert (with_rv["net"] - without["net"]).tolist() == [0.0, 0.0, 0.0, 2.5]
    for col in ("income_tax", "cash_available_nominal"):
        assert with_rv[col].tolist() == without[col].tolist()
