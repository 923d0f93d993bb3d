"""Section 4 of the PDF annex: the financial analysis of the revenue-earning parts.

ADB's WACC table (``wacc_table``), the financial cash flow after income tax
(``program.financial``) with the FNPV and FIRR of the JSON summary, the loan
schedule (``loan_schedule``, nominal), each revenue-earning entity's WACC, FIRR
and lowest DSCR on its on-lent loan, and the fiscal burden on the city's budget
(``result.fiscal``; docs/methods.md section 3).
"""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable

from appraisal import formatting as fmt
from appraisal.io.pdf import layout
from appraisal.io.pdf.fiscal import entity_tables, fiscal_tables
from appraisal.io.pdf.styles import p
from appraisal.result import AppraisalResult


def financial_section(result: AppraisalResult, n: layout.Numbering) -> list[Flowable]:
    """Section 4: WACC table, financial cash flow, loan schedule."""
    meta = result.case.meta
    f = result.summary["financial"]
    story: list[Flowable] = []
    earning = [c for c in result.case.components if c.revenue_earning]
    if earning:
        names = ", ".join(c.name for c in earning)
        firr_note = ""
        if f["firr"] is not None and f["wacc"] is not None:
            verdict = "above" if f["firr"] > f["wacc"] else "below"
            firr_note = (
                f" The FIRR of {fmt.rate(f['firr'])} is {verdict} the real WACC of "
                f"{fmt.rate(f['wacc'])}; the FNPV at the WACC is {fmt.money(f['fnpv'])}."
            )
        story.append(
            p(
                f"The revenue-earning parts are appraised financially at financial prices in "
                f"constant {meta.price_year} prices: {names}.{firr_note}"
            )
        )
    else:
        story.append(
            p(
                "No component earns revenue: there is no FIRR or FNPV. The WACC and the loan "
                "schedule are shown where the case gives financing sources and loan terms."
            )
        )
    w = result.wacc_table
    if w is not None:
        t = layout.frame_table(
            w,
            [
                ("name", "Source of funds", 120, str),
                ("amount", "Amount", 48, fmt.money),
                ("weight", "Weight", 40, fmt.rate),
                ("nominal_cost", "Nominal cost", 42, fmt.rate),
                ("tax_rate", "Tax rate", 38, fmt.rate),
                ("after_tax_nominal_cost", "After-tax nominal cost", 48, fmt.rate),
                ("inflation", "Inflation", 42, fmt.rate),
                ("real_cost", "Real cost", 42, fmt.rate),
                ("weighted_real_cost", "Weighted real cost", 50, fmt.rate),
            ],
            totals=[["WACC (real)", *[""] * 7, fmt.rate(f["wacc"])]],
        )
        story += layout.captioned(
            f"{n.table()}: Weighted average cost of capital ({meta.money})",
            t,
            "After-tax nominal cost = nominal cost x (1 - tax rate) for debt; real cost = "
            "(1 + after-tax nominal cost) / (1 + inflation) - 1; WACC = sum of weight x real cost.",
        )
    fin = result.program.financial
    if fin is not None:
        t2 = layout.yearly_table(
            fin,
            [
                ("capital", "Capital", 66, fmt.money),
                ("operating", "O&M", 66, fmt.money),
                ("revenue", "Revenue", 66, fmt.money),
                ("income_tax", "Income tax", 66, fmt.money),
                ("residual_value", "Residual value", 66, fmt.money),
                ("net", "Net cash flow after tax", 80, fmt.money),
            ],
            year_width=70,
            totals=[
                [
                    f"PV at WACC {fmt.rate(f['wacc'])}" if f["wacc"] is not None else "FNPV",
                    *[""] * 5,
                    fmt.money(f["fnpv"]),
                ],
                ["FIRR", *[""] * 5, fmt.rate(f["firr"])],
            ],
        )
        story.append(CondPageBreak(120))
        story += layout.captioned(
            f"{n.table()}: Financial cash flow of the revenue-earning parts ({meta.money}, "
            "financial prices)",
            t2,
            f.get("firr_reason", "") or f.get("fnpv_reason", ""),
        )
    sched = result.loan_schedule
    if sched is not None:
        loan = result.case.financing.loan
        spec: list[tuple[str, str, layout.Formatter]] = [
            ("disbursed", "Disbursed", fmt.money),
            ("opening_balance", "Opening balance", fmt.money),
            ("interest", "Interest", fmt.money),
            ("commitment_fee", "Commitment fee", fmt.money),
            ("principal_repaid", "Principal repaid", fmt.money),
            ("debt_service", "Debt service", fmt.money),
            ("closing_balance", "Closing balance", fmt.money),
        ]
        if "interest_capitalized" in sched and (sched["interest_capitalized"] != 0).any():
            spec.insert(3, ("interest_capitalized", "Interest capitalized", fmt.money))
        t3 = layout.frame_wide_yearly_table(sched, spec, year_width=36.0)
        terms = ""
        if loan is not None:
            terms = (
                f"Loan of {fmt.money(loan.amount)}, interest {fmt.rate(loan.interest_rate)}, "
                f"tenor {loan.tenor_years} years including {loan.grace_years} years of grace, "
                f"{loan.repayment} repayment, commitment fee {fmt.rate(loan.commitment_fee)} on "
                "the undisbursed balance. "
            )
        story.append(CondPageBreak(160))
        story += layout.captioned(
            f"{n.table()}: Loan schedule and debt service coverage ({meta.money})",
            t3,
            terms + "Nominal terms. The loan as a whole gets no DSCR: it mostly finances public "
            "goods; the entities' DSCRs and the fiscal burden follow.",
        )
    story += entity_tables(result, n)
    story += fiscal_tables(result, n)
    return story
