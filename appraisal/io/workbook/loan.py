"""The Financial sheet, its loan part: terms, schedule and each entity's lowest DSCR.

The loan terms are live inputs; the schedule by loan year is formulas of them:
disbursement, commitment fee, interest, capitalised interest, principal repaid
(PPMT for an annuity, level principal otherwise), debt service and balance.
For each revenue-earning entity with an on-lent part, three more columns: its
debt service (the loan's x on-lent / amount), its nominal cash available (from
its yearly columns) and the DSCR, shown from the first repayment year; the
lowest DSCR is ``IF(COUNT(..)=0,NA(),MIN(..))`` over that column (functions
every spreadsheet shares). The program has no DSCR (docs/methods.md section 3).

Needs ``ctx.a["first_year"]`` and the entities' cells (:mod:`.entity`); adds to
``ctx.financing_live``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter

from appraisal.formatting import EXCEL_FORMATS
from appraisal.io.workbook.context import WorkbookContext
from appraisal.io.workbook.entity import EntityCells
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
    "Disbursing: loan year + 1",
)
_MONEY, _RATIO = EXCEL_FORMATS["money"], EXCEL_FORMATS["ratio"]


def write_loan(
    ctx: WorkbookContext,
    result: AppraisalResult,
    row: int,
    entities: list[EntityCells],
    result_rows: dict[str, int],
) -> int:
    """Write the loan from ``row`` on and each entity's lowest DSCR; returns the row after."""
    sh = ctx.sheets["Financial"]
    loan = ctx.case.financing.loan
    if loan is None:
        return row
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
        f"MAX({ref['grace_years']},MAX(M{first}:M{last}))",
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
    pre = sched["drawn_before"].to_numpy()
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
        # a helper column, so that the repayment start is a plain MAX (no array formula)
        sh.formula(rr, 13, f"IF(C{rr}>0,A{rr}+1,0)", k + 1 if shares[k] > 0 else 0, "0")
    ctx.prog_cells["loan.schedule_first_row"] = str(first)  # for the Fiscal sheet
    col = 14
    for e in entities:
        fin = e.comp.res.financial
        if fin is None or "dscr" not in fin:
            continue
        _entity_columns(ctx, e, col, first, start_ref, amount, sched)
        # the lowest DSCR over the repayment years, as the engine takes it
        rng = f"{get_column_letter(col + 2)}{first}:{get_column_letter(col + 2)}{last}"
        coord = sh.formula(
            result_rows[e.comp.comp.id],
            6,
            f"IF(COUNT({rng})=0,NA(),MIN({rng}))",
            e.comp.res.summary["financial"]["dscr_min"],
            _RATIO,
        )
        ctx.name("financial.dscr_min", sh, coord, e.comp)
        col += 3
    return last + 1


def _entity_columns(
    ctx: WorkbookContext,
    e: EntityCells,
    col: int,
    first: int,
    start_ref: str,
    amount: str,
    sched: pd.DataFrame,
) -> None:
    """An entity's debt service, nominal cash available and DSCR by loan year."""
    sh = ctx.sheets["Financial"]
    fin = e.comp.res.financial
    assert fin is not None
    name = e.comp.comp.name
    sh.header(first - 1, [f"Debt service, {name}", f"Cash available, {name}", f"DSCR, {name}"],
              col=col)  # fmt: skip
    L = get_column_letter
    ds, cash = L(col), L(col + 1)
    share = e.on_lent_loan
    for k in range(len(sched)):
        rr = first + k
        sh.formula(
            rr,
            col,
            f"K{rr}*{share}/{amount}",
            sched["debt_service"].iloc[k] * _share(e, ctx),
            _MONEY,
        )
        if k >= ctx.n:
            sh.put(rr, col + 1, "beyond the case years")
            continue
        sh.formula(rr, col + 1, sh.ref(6 + k, e.cash_col, here=sh),
                   float(fin["cash_available_nominal"].iloc[k]), _MONEY)  # fmt: skip
        dv = float(fin["dscr"].iloc[k])
        shown = math.isfinite(dv) and k >= int(sched["principal_repaid"].to_numpy().nonzero()[0][0])
        sh.formula(
            rr,
            col + 2,
            f'IF(AND(A{rr}>={start_ref},{ds}{rr}<>0),{cash}{rr}/{ds}{rr},"")',
            dv if shown else "",
            _RATIO,
        )


def _share(e: EntityCells, ctx: WorkbookContext) -> float:
    """The on-lent share of the loan [share]."""
    loan = ctx.case.financing.loan
    assert loan is not None
    return float((e.comp.comp.financial or {}).get("on_lent_loan", 0.0)) / loan.amount
