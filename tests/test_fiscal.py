"""Tests of appraisal.fiscal: the program's burden on the city's budget.

Every expected number is worked by hand in the test (docs/methods.md section 3);
the loan's annuity is numpy-financial's ``pmt``. The workbook's Fiscal sheet is
recalculated by LibreOffice (tests/conftest.py ``recalculated``) and its defined
names compared with the JSON.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy_financial as npf
import openpyxl
import pytest

import appraisal
from appraisal.case import CaseError, parse_case
from appraisal.fiscal import fiscal_burden
from tests.conftest import write_workbooks
from tests.test_entity_finance import entity_case


def fiscal_case(**fiscal: Any) -> dict[str, Any]:
    data = entity_case()
    data["fiscal"] = {"budget_revenue": 1000.0, "inflation": 0.10, "source": "hand-worked",
                      **fiscal}  # fmt: skip
    return data


def test_fiscal_burden_by_hand() -> None:
    # capital 20, 10, 0; loan disbursed 11 (nominal, 2020: index 1); counterpart 9, 10, 0
    # O&M of the public parts 0, 1, 1; debt service 0, 5.5, 6.05 nominal, 80% kept:
    # real 0, 0.8 x 5.5 / 1.1 = 4.0, 0.8 x 6.05 / 1.21 = 4.0
    # burden 9, 15, 5 over revenue 100: shares 0.09, 0.15, 0.05 -> max 0.15 in 2021
    r = fiscal_burden(
        years=[2020, 2021, 2022],
        price_year=2020,
        budget_revenue=[100.0, 100.0, 100.0],
        inflation=0.10,
        capital=[20.0, 10.0, 0.0],
        loan_disbursed_nominal=[11.0, 0.0, 0.0],
        om_non_revenue=[0.0, 1.0, 1.0],
        debt_service_nominal=[0.0, 5.5, 6.05],
        retained_share=0.8,
    )
    assert r.table["counterpart"].to_numpy() == pytest.approx([9.0, 10.0, 0.0])
    assert r.table["debt_service_retained"].to_numpy() == pytest.approx([0.0, 4.0, 4.0])
    assert r.table["burden"].to_numpy() == pytest.approx([9.0, 15.0, 5.0])
    assert r.table["burden_share"].to_numpy() == pytest.approx([0.09, 0.15, 0.05])
    assert (r.burden_share_max, r.burden_share_year) == (pytest.approx(0.15), 2021)


def test_fiscal_block_through_appraise_by_hand() -> None:
    r = appraisal.appraise(parse_case(fiscal_case()))
    # capital 90 + 10 = 100 in 2020, all from the loan (disbursed 100 in 2020): counterpart 0
    # O&M of the public component 2 a year from 2021; the PV company's is its own
    # debt service 40.2115 (pmt) nominal, 95% kept (5 of 100 on-lent), deflated by 1.1^t:
    # 2021: 0.95 x 40.2115 / 1.1 = 34.7281; burden 36.7281; share of 1000: 0.0367281
    service = -npf.pmt(0.10, 3, 100.0)
    want = [0.0] + [2.0 + 0.95 * service / 1.1**k for k in (1, 2, 3)]
    assert r.fiscal is not None
    assert r.fiscal.table["burden"].to_numpy() == pytest.approx(want, rel=1e-12)
    f = r.summary["fiscal"]
    assert f["burden_share_max"] == pytest.approx(want[1] / 1000.0, rel=1e-12)
    assert f["burden_share_max"] == pytest.approx(0.0367281, abs=1e-7)
    assert f["burden_share_year"] == 2021
    assert f["max_burden_share"] == 0.05  # the default
    assert not [c for c in r.checks if c.code == "fiscal-burden-high"]


def test_a_burden_above_the_threshold_is_a_warning() -> None:
    r = appraisal.appraise(parse_case(fiscal_case(max_burden_share=0.03)))
    (check,) = [c for c in r.checks if c.code == "fiscal-burden-high"]
    assert check.severity == "warning" and "2021" in check.message


def test_a_budget_path_is_interpolated() -> None:
    # {2020: 1000, 2023: 1300}: 1100 in 2021 -> share 36.7281 / 1100
    r = appraisal.appraise(parse_case(fiscal_case(budget_revenue={"2020": 1000.0, "2023": 1300.0})))
    assert r.fiscal is not None
    assert r.fiscal.table["budget_revenue"].to_numpy() == pytest.approx([1000, 1100, 1200, 1300])


def test_no_fiscal_table_no_fiscal_block() -> None:
    r = appraisal.appraise(parse_case(entity_case()))
    assert r.fiscal is None and "fiscal" not in r.summary


@pytest.mark.parametrize(
    ("fiscal", "where"),
    [
        ({"budget_revenue": -5.0}, "fiscal.budget_revenue"),
        ({"budget_revenue": 1000.0, "max_burden_share": 5.0}, "fiscal.max_burden_share"),
        ({"budget_revenue": 1000.0, "inflation": 3.0}, "fiscal.inflation"),
        ({"inflation": 0.02}, "fiscal.budget_revenue"),
        ({"budget_revenue": 1000.0, "tax": 0.1}, "fiscal.tax"),
    ],
)
def test_bad_fiscal_inputs_are_named(fiscal: dict[str, Any], where: str) -> None:
    data = entity_case()
    data["fiscal"] = fiscal
    with pytest.raises(CaseError) as info:
        parse_case(data)
    assert where in [p.path for p in info.value.problems]


def test_a_zero_budget_is_refused_by_the_core() -> None:
    with pytest.raises(ValueError, match="budget revenue must be > 0"):
        fiscal_burden(
            years=[2020], price_year=2020, budget_revenue=[0.0], inflation=0.0,
            capital=[1.0], loan_disbursed_nominal=[0.0], om_non_revenue=[0.0],
            debt_service_nominal=[0.0], retained_share=1.0,
        )  # fmt: skip


# ------------------------------------------------------------------ the workbook


def _write(src: Path) -> Iterable[Path]:
    cases = {
        "fiscal-example": fiscal_case(),
        "fiscal-example-high": fiscal_case(max_burden_share=0.03, budget_revenue=500.0),
    }
    return write_workbooks(
        src, {stem: appraisal.appraise(parse_case(data)) for stem, data in cases.items()}
    )


RECALC_INPUTS = (_write,)


def _names(path: Path) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for name, dn in wb.defined_names.items():
        ((sheet, coord),) = list(dn.destinations)
        out[name] = wb[sheet][coord.replace("$", "")].value
    return out


@pytest.mark.parametrize(
    ("stem", "kw"),
    [("fiscal-example", {}), ("fiscal-example-high", {"max_burden_share": 0.03,
                                                      "budget_revenue": 500.0})],
)  # fmt: skip
def test_libreoffice_recalculates_the_fiscal_and_entity_names(
    recalculated: dict[str, dict[str, Path]], stem: str, kw: dict[str, Any]
) -> None:
    summary = appraisal.appraise(parse_case(fiscal_case(**kw))).summary
    got = _names(recalculated["out"][stem])
    want: dict[str, Any] = {f"fiscal_{k}": v for k, v in summary["fiscal"].items()}
    pv = summary["components"][1]["financial"]
    want |= {f"c_pv_financial_{k}": pv[k] for k in ("wacc", "fnpv", "firr", "dscr_min")}
    want |= {"financial_wacc": summary["financial"]["wacc"]}
    for name, value in want.items():
        assert name in got, name
        if isinstance(value, float):
            assert got[name] == pytest.approx(value, rel=1e-9), name
        else:
            assert got[name] == value, name
    assert math.isfinite(got["c_pv_financial_dscr_min"])
    # the program's DSCR is n/a (a text or an error value once recalculated)
    assert not isinstance(got["financial_dscr_min"], float)
