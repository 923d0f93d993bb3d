"""The Financial sheet, its loan part: terms, schedule and the lowest DSCR.

The loan terms are live inputs; the schedule by loan year is formulas of them:
disbursement, commitment fee, interest, capitalised interest, principal repaid
(PPMT for an annuity, level principal otherwise), debt service and balance;
the cash available for debt service comes from the program's financial cash
flows, and the DSCR is their ratio. The lowest DSCR is taken over the repayment
period, as the engine takes it.

Needs ``ctx.dscr_cell``, ``ctx.prog_fin`` and ``ctx.a["first_year"]``; adds to
``ctx.financing_live`` and ``ctx.prog_cells``.
"""

from __future__ import annotations

import math

import numpy as np

from appraisal.formatting import EXCEL_FORMATS
from appraisal.io.workbook.context import FIRST, WorkbookContext
from appraisal.io.workbook.names import LOAN_TERMS
from appraisal.result import AppraisalResult

__all__ = ["write_loan"]

_HEADS = (
    "Loan year",
    "Year",
    "Disbursement share",
    "Disbursed",
    "Balance before repayment",
    "Commitment fee",
    "Opening balance",
    "Interest",
    "Interest capitalised",
    "Principal repaid",
    "Debt service",
    "Closing balance",
    "Cash available",
    "DSCR",
)
_MONEY, _RATIO = EXCEL_FORMATS["money"], EXCEL_FORMATS["ratio"]


def write_loan(ctx: WorkbookContext, result: AppraisalResult, row: int) -> None:
    """Write the loan from ``row`` on, and the lowest DSCR in ``ctx.dscr_cell``."""
    sh = ctx.sheets["Financial"]
    loan = ctx.case.financing.loan
    dscr_min = result.summary["financial"]["dscr_min"]
    r0, c0 = ctx.dscr_cell
    if loan is None:
        coord = sh.formula(r0, c0, "NA()", None, _RATIO, "key")
        ctx.name("financial.dscr_min", sh, coord)
        return
    sched = result.loan_schedule
    assert sched is not None
    sh.put(row, 1, "Loan", "head")
    row += 1
    ref: dict[str, str] = {}
    for term, label, unit, fmt in LOAN_TERMS:
        unit = unit.format(money=ctx.money)
        v = getattr(loan, term)
        sh.put(row, 1, f"{label} [{unit}]" if unit else label)
        sh.put(row, 2, v, "input", fmt)
        ref[term] = sh.ref(row, 2, here=sh, absolute=True)
        ctx.financing_live[f"financing.loan.{term}"] = (sh.ref(row, 2, absolute=True), v, fmt)
        row += 1
    sh.put(row, 1, "Repayment")
    sh.put(row, 2, loan.repayment, "setting")
    sh.put(row, 3, loan.source)
    row += 1
    tenor = loan.tenor_years
    # the disbursement shares as the case gives them, over the tenor
    shares = np.zeros(tenor)
    shares[: len(loan.disbursement)] = loan.disbursement
    n_disb = int(np.flatnonzero(shares)[-1]) + 1
    start = max(loan.grace_years, n_disb)
    hdr = row + 2
    first = hdr + 1
    last = first + tenor - 1
    sh.put(row, 1, "Repayment starts in loan year")
    sh.formula(
        row,
        2,
        f"MAX({ref['grace_years']},SUMPRODUCT(MAX((C{first}:C{last}>0)*(A{first}:A{last}+1))))",
        start,
        "0",
    )
    start_ref = f"$B${row}"
    sh.put(row + 1, 1, "Balance to repay")
    b_ref = f"$B${row + 1}"
    pre_balance = float(sched["opening_balance"].iloc[start]) if start < tenor else 0.0
    sh.formula(row + 1, 2, f"SUM(D{first}:D{last})+SUM(I{first}:I{last})", pre_balance, _MONEY)
    sh.header(hdr, _HEADS)
    # helper "balance before repayment": disbursed and capitalised so far (no repayment)
    pre = np.concatenate(
        [[0.0], np.cumsum(sched["disbursed"] + sched["interest_capitalized"])[:-1]]
    )
    cash_col = ctx.prog_fin.get("cash")
    dscr_vals = sched["dscr"].to_numpy() if "dscr" in sched else None
    fy = ctx.meta.first_year
    rate, amount = ref["interest_rate"], ref["amount"]

    def before(col: str, rr: int) -> str:
        """The sum of a column over the loan years before row ``rr``."""
        return "0" if rr == first else f"SUM({col}${first}:{col}{rr - 1})"

    for k in range(tenor):
        rr = first + k
        srow = sched.iloc[k]
        early = f"A{rr}<{start_ref}"
        sh.put(rr, 1, k, "setting", "0")
        sh.formula(rr, 2, f"{ctx.a['first_year']}+A{rr}", fy + k, "0")
        sh.put(rr, 3, float(shares[k]), "input", "0.00%")
        sh.formula(rr, 4, f"{amount}*C{rr}", srow["disbursed"], _MONEY)
        drawn = "0" if k == 0 else f"{before('D', rr)}+{before('I', rr)}"
        sh.formula(rr, 5, drawn, pre[k], _MONEY)
        fee = f"IF({early},{ref['commitment_fee']}*({amount}-{before('D', rr)}),0)"
        sh.formula(rr, 6, fee, srow["commitment_fee"], _MONEY)
        opening = f"IF({early},E{rr},{b_ref}-{before('J', rr)})"
        sh.formula(rr, 7, opening, srow["opening_balance"], _MONEY)
        sh.formula(rr, 8, f"{rate}*G{rr}", srow["interest"], _MONEY)
        capitalised = f"IF(AND({ref['capitalize_interest']},{early}),{rate}*E{rr},0)"
        sh.formula(rr, 9, capitalised, srow["interest_capitalized"], _MONEY)
        n_rep = f"({ref['tenor_years']}-{start_ref})"
        instal = (
            f"PPMT({rate},A{rr}-{start_ref}+1,{n_rep},-{b_ref})"
            if loan.repayment == "annuity"
            else f"{b_ref}/{n_rep}"
        )
        last_year = f"A{rr}={ref['tenor_years']}-1"
        repaid = f"IF({early},0,IF({last_year},{b_ref}-{before('J', rr)},{instal}))"
        sh.formula(rr, 10, repaid, srow["principal_repaid"], _MONEY)
        sh.formula(rr, 11, f"H{rr}-I{rr}+J{rr}+F{rr}", srow["debt_service"], _MONEY)
        sh.formula(rr, 12, f"G{rr}+D{rr}+I{rr}-J{rr}", srow["closing_balance"], _MONEY)
        if cash_col is not None and dscr_vals is not None:
            if k < ctx.n:
                cash = sh.ref(FIRST + k, cash_col, here=sh)
                sh.formula(rr, 13, cash, srow["cash_available"], _MONEY)
                dv = float(dscr_vals[k])
                sh.formula(
                    rr,
                    14,
                    f'IF(K{rr}<>0,M{rr}/K{rr},"")',
                    "" if not math.isfinite(dv) else dv,
                    _RATIO,
                )
            else:
                sh.put(rr, 13, "beyond the case years")
    if cash_col is not None and dscr_vals is not None:
        # lowest DSCR over the repayment period (loan years from start_ref on),
        # as the engine computes it
        rng, yrs, crit = f"N{first}:N{last}", f"A{first}:A{last}", f'">="&{start_ref}'
        formula = (
            f'IF(COUNTIFS({yrs},{crit},{rng},">-1E300")=0,NA(),_xlfn.MINIFS({rng},{yrs},{crit}))'
        )
        coord = sh.formula(r0, c0, formula, dscr_min, _RATIO, "key")
    else:
        coord = sh.formula(r0, c0, "NA()", None, _RATIO, "key")
    ctx.name("financial.dscr_min", sh, coord)
    ctx.prog_cells["financial.dscr_min"] = sh.ref(r0, c0, absolute=True)
