"""Tests of appraisal.finance.loan_schedule and dscr.

Independent sources: numpy-financial 1.0 (``npf``) pmt, ipmt and ppmt, and hand
arithmetic written out in the comments.
"""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest

from appraisal.finance import dscr, loan_schedule


def test_annuity_schedule_matches_numpy_financial() -> None:
    s = loan_schedule(
        100.0, interest_rate=0.05, tenor_years=10, grace_years=2, disbursement=(0.4, 0.6)
    )
    assert list(s.columns) == [
        "year_index", "disbursed", "opening_balance", "commitment_fee", "interest",
        "principal_repaid", "debt_service", "closing_balance", "interest_capitalized",
    ]  # fmt: skip
    assert s["year_index"].tolist() == list(range(10)) == s.index.tolist()
    # Grace: disbursed 40 at the end of year 0, 60 at the end of year 1; interest on the
    # opening balance: 0 in year 0, 0.05 x 40 = 2 in year 1, paid.
    np.testing.assert_allclose(s["interest"][:2], [0.0, 2.0])
    np.testing.assert_allclose(s["debt_service"][:2], [0.0, 2.0])
    # Then 100 repaid over 10 - 2 = 8 years: numpy-financial pmt/ipmt/ppmt are the reference.
    per = np.arange(1, 9)
    np.testing.assert_allclose(s["debt_service"][2:], npf.pmt(0.05, 8, -100.0), rtol=1e-12)
    np.testing.assert_allclose(s["interest"][2:], npf.ipmt(0.05, per, 8, -100.0), rtol=1e-12)
    np.testing.assert_allclose(
        s["principal_repaid"][2:], npf.ppmt(0.05, per, 8, -100.0), rtol=1e-12
    )
    assert s["closing_balance"].iloc[-1] == 0.0
    assert s["principal_repaid"].sum() == pytest.approx(100.0, rel=1e-14)
    # pmt(5%, 8, -100) = 100 x 0.05 / (1 - 1.05^-8) = 15.4721813627681 (by hand)
    assert s["debt_service"].iloc[-1] == pytest.approx(100 * 0.05 / (1 - 1.05**-8), rel=1e-12)


def test_level_repayment_and_commitment_fee() -> None:
    s = loan_schedule(
        150.0, interest_rate=0.04, tenor_years=8, grace_years=3, repayment="level",
        disbursement=(0.2, 0.5, 0.3), commitment_fee=0.0015,
    )  # fmt: skip
    # Equal principal 150 / 5 = 30 in years 3..7; it sums to the principal.
    np.testing.assert_allclose(s["principal_repaid"], [0, 0, 0, 30, 30, 30, 30, 30])
    assert s["principal_repaid"].sum() == pytest.approx(150.0)
    np.testing.assert_allclose(s["closing_balance"], [30, 105, 150, 120, 90, 60, 30, 0])
    # Fee on the undisbursed commitment at the start of each year: 0.0015 x 150, x 120,
    # x 45, then nothing.
    np.testing.assert_allclose(
        s["commitment_fee"], [0.225, 0.18, 0.0675, 0, 0, 0, 0, 0], rtol=1e-12
    )
    # Interest 4% of the opening balance; debt service = interest + principal + fee.
    np.testing.assert_allclose(s["interest"], 0.04 * s["opening_balance"], rtol=1e-15)
    np.testing.assert_allclose(
        s["debt_service"], s["interest"] + s["principal_repaid"] + s["commitment_fee"]
    )


def test_capitalised_interest_during_grace() -> None:
    s = loan_schedule(
        100.0, interest_rate=0.10, tenor_years=5, grace_years=3, disbursement=(0.5, 0.5),
        capitalize_interest=True,
    )  # fmt: skip
    # Year 0: draw 50. Year 1: interest 5 capitalised, draw 50 -> 105.
    # Year 2: interest 10.5 capitalised -> 115.5, repaid over 2 years as an annuity.
    np.testing.assert_allclose(s["interest_capitalized"], [0, 5.0, 10.5, 0, 0], atol=1e-12)
    np.testing.assert_allclose(s["closing_balance"][:3], [50.0, 105.0, 115.5])
    assert (s["debt_service"][:3] == 0).all()
    pmt = npf.pmt(0.10, 2, -115.5)
    np.testing.assert_allclose(s["debt_service"][3:], [pmt, pmt], rtol=1e-12)
    assert s["closing_balance"].iloc[-1] == 0.0
    assert s["principal_repaid"].sum() == pytest.approx(115.5, rel=1e-14)


def test_schedule_defaults_years_and_errors() -> None:
    # One disbursement at the end of year 0: repayment from year 1 (grace 0 or 1 alike).
    s0 = loan_schedule(100.0, interest_rate=0.05, tenor_years=4)
    s1 = loan_schedule(100.0, interest_rate=0.05, tenor_years=4, grace_years=1)
    pd.testing.assert_frame_equal(s0, s1)
    np.testing.assert_allclose(s0["debt_service"][1:], npf.pmt(0.05, 3, -100.0), rtol=1e-12)
    zero = loan_schedule(90.0, interest_rate=0.0, tenor_years=4)
    np.testing.assert_allclose(zero["principal_repaid"], [0, 30, 30, 30])
    longer = loan_schedule(100.0, interest_rate=0.05, tenor_years=4, years=6)
    assert len(longer) == 6 and (longer.iloc[4:, 1:] == 0).all().all()
    assert longer["year_index"].tolist() == list(range(6))
    assert len(loan_schedule(100.0, interest_rate=0.05, tenor_years=4, years=2)) == 2
    with pytest.raises(ValueError, match="sum to 1"):
        loan_schedule(100.0, interest_rate=0.05, tenor_years=5, disbursement=(0.5, 0.4))
    with pytest.raises(ValueError, match="grace_years=1 ends before"):
        loan_schedule(
            100.0, interest_rate=0.05, tenor_years=5, grace_years=1, disbursement=(0.5, 0.5)
        )
    with pytest.raises(ValueError, match="no repayment year"):
        loan_schedule(100.0, interest_rate=0.05, tenor_years=2, grace_years=2)
    with pytest.raises(ValueError, match="repayment must be"):
        loan_schedule(100.0, interest_rate=0.05, tenor_years=5, repayment="bullet")


def test_dscr() -> None:
    got = dscr([10.0, 130.0, 90.0, -5.0], [0.0, 100.0, 100.0, 10.0])
    np.testing.assert_array_equal(got, [np.nan, 1.3, 0.9, -0.5])
    assert dscr(5.0, 2.0) == 2.5


def test_drawn_before_is_the_balance_until_repayment_starts():
    # Identity: before any principal is repaid, the opening balance is exactly what was
    # disbursed and capitalised in the earlier years (loan_schedule's own balance).
    import numpy as np

    from appraisal import load_case
    from appraisal.program_finance import loan_schedule_by_year
    from tests.conftest import CASES

    sched = loan_schedule_by_year(load_case(CASES / "xiangtan" / "case.toml"))
    assert sched is not None
    drawn = sched["disbursed"] + sched["interest_capitalized"]
    expected = np.concatenate([[0.0], np.cumsum(drawn.to_numpy())[:-1]])
    np.testing.assert_array_equal(sched["drawn_before"].to_numpy(), expected)
    repaid_before = np.concatenate([[0.0], np.cumsum(sched["principal_repaid"].to_numpy())[:-1]])
    unpaid = repaid_before == 0
    assert unpaid.sum() >= 2  # the grace years at least
    np.testing.assert_allclose(
        sched["drawn_before"].to_numpy()[unpaid], sched["opening_balance"].to_numpy()[unpaid]
    )
