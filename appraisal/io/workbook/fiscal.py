"""The Fiscal sheet: the program's burden on the borrowing city's budget, by year.

Written when the case has a ``[fiscal]`` table (``result.fiscal``). Years in
rows; live formulas over the inputs: capital of every component (Investment
costs), the loan's disbursement and debt service (the Financial sheet's loan
schedule) deflated by the domestic inflation, the O&M of the components that
earn no revenue, the share of the loan not on-lent, and the city's budget
revenue (inputs). Burden = counterpart capital + O&M + retained debt service;
share = burden / budget revenue; the largest share and its year carry the
names ``fiscal_burden_share_max`` and ``fiscal_burden_share_year``
(docs/methods.md section 3). Only functions every spreadsheet shares (MAX,
INDEX, MATCH).

Needs ``ctx.inv_program``, each ``Comp.inv``, ``ctx.financing_live`` and the
loan entries of ``ctx.prog_cells`` (:mod:`.financial`).
"""

from __future__ import annotations

from appraisal.formatting import EXCEL_FORMATS
from appraisal.io.workbook.context import FIRST, WorkbookContext
from appraisal.io.xlsx_common import SheetWriter
from appraisal.result import AppraisalResult

__all__ = ["write_fiscal"]

_MONEY = EXCEL_FORMATS["money"]


def write_fiscal(ctx: WorkbookContext, result: AppraisalResult) -> None:
    """Write the Fiscal sheet (after Financial) when the result has a fiscal analysis."""
    fiscal, f = result.fiscal, ctx.case.fiscal
    if fiscal is None or f is None:
        return
    ws = ctx.wb.create_sheet("Fiscal", index=ctx.wb.sheetnames.index("Financial") + 1)
    sh = SheetWriter(ws, ctx.names)
    ctx.sheets["Fiscal"] = sh
    ctx.year_header(sh, "Fiscal burden on the city budget (real, financial prices)")
    t = fiscal.table
    inv = ctx.sheets["Investment costs"]
    fin = ctx.sheets["Financial"]
    n, last = ctx.n, ctx.last
    # the inputs, below the yearly rows
    r_in = last + 3
    sh.put(r_in - 1, 1, "Inputs and results", "head")
    labels = (
        ("Domestic inflation", f.inflation, "0.00%"),
        ("Largest acceptable share (fiscal.max_burden_share)", f.max_burden_share, "0.00%"),
    )
    for k, (label, v, fmt) in enumerate(labels):
        sh.put(r_in + k, 1, label)
        sh.put(r_in + k, 2, v, "input", fmt)
    infl, limit = f"$B${r_in}", f"$B${r_in + 1}"
    ctx.name("fiscal.max_burden_share", sh, f"B{r_in + 1}")
    amount = ctx.financing_live.get("financing.loan.amount")
    first_row = ctx.prog_cells.get("loan.schedule_first_row")
    tenor = ctx.case.financing.loan.tenor_years if ctx.case.financing.loan else 0
    r_ret = r_in + 2
    sh.put(r_ret, 1, "Share of the loan not on-lent (serviced by the city)")
    on_lent = ctx.prog_cells.get("entities.on_lent_total", "0")
    retained = "1" if amount is None else f"MAX(0,1-({on_lent})/{amount[0]})"
    sh.formula(r_ret, 2, retained, _retained(ctx), "0.00%")
    py = ctx.meta.price_year
    years = range(FIRST, last + 1)
    cols = {
        "capital": [inv.ref(r, ctx.inv_program["cap_fin"]) for r in years],
        "price_index": [f"(1+{infl})^(A{r}-{py})" for r in years],
    }
    heads = (("capital", "Capital, all components", 2), ("price_index", "Price index", 3))
    for key, label, col in heads:
        unit, fmt = (ctx.money, _MONEY) if col == 2 else ("ratio", "0.0000")
        ctx.column(sh, col, "", label, unit, formulas=cols[key], cached=t[key].to_numpy(), fmt=fmt)

    def loan_ref(col: str, i: int) -> str:
        if first_row is None or i >= tenor:
            return "0"
        return fin.ref(int(first_row) + i, _COL[col])

    disbursed = [f"{loan_ref('D', i)}/C{FIRST + i}" for i in range(n)]
    non_rev = [c for c in ctx.comps if c.res.financial is None]
    om = ["+".join(inv.ref(FIRST + i, c.inv["om_fin"]) for c in non_rev) or "0" for i in range(n)]
    service = [f"{loan_ref('K', i)}*$B${r_ret}/C{FIRST + i}" for i in range(n)]
    money_columns = (
        (4, "Loan disbursed", "loan_disbursed", disbursed),
        (5, "Counterpart capital", "counterpart", [f"B{r}-D{r}" for r in years]),
        (6, "O&M, components earning no revenue", "om_non_revenue", om),
        (7, "Debt service kept by the city", "debt_service_retained", service),
        (8, "Burden on the budget", "burden", [f"E{r}+F{r}+G{r}" for r in years]),
    )
    for col, label, key, formulas in money_columns:
        ctx.column(sh, col, "", label, ctx.money, formulas=formulas, cached=t[key].to_numpy())
    revenue = t["budget_revenue"].to_numpy()
    ctx.column(sh, 9, "", "General budget revenue", ctx.money, values=revenue)
    ctx.column(
        sh,
        10,
        "",
        "Burden, share of revenue",
        "share",
        formulas=[f"H{r}/I{r}" for r in years],
        cached=t["burden_share"].to_numpy(),
        fmt="0.00%",
    )
    shares = f"$J${FIRST}:$J${last}"
    r_out = r_ret + 1
    sh.put(r_out, 1, "Burden on the budget, largest share", "head")
    coord = sh.formula(r_out, 2, f"MAX({shares})", fiscal.burden_share_max, "0.00%", "key")
    ctx.name("fiscal.burden_share_max", sh, coord)
    sh.put(r_out + 1, 1, "Year of the largest share", "head")
    coord = sh.formula(
        r_out + 1,
        2,
        f"INDEX($A${FIRST}:$A${last},MATCH(MAX({shares}),{shares},0))",
        fiscal.burden_share_year,
        "0",
        "key",
    )
    ctx.name("fiscal.burden_share_year", sh, coord)
    sh.put(r_out + 2, 1, "Above the threshold?")
    sh.formula(r_out + 2, 2, f"B{r_out}>{limit}", fiscal.burden_share_max > f.max_burden_share)
    sh.put(r_out + 3, 1, f"Source: {f.source}" if f.source else "Source: not given")
    sh.widths(8, 15, 10)
    sh.width(1, 16)
    ctx.finish(sh, "B6")


_COL = {"D": 4, "K": 11}  # the loan schedule's disbursed and debt-service columns (.loan)


def _retained(ctx: WorkbookContext) -> float:
    """The share of the loan not on-lent [share]."""
    loan = ctx.case.financing.loan
    if loan is None or loan.amount <= 0:
        return 1.0
    on_lent = sum(float((c.financial or {}).get("on_lent_loan", 0.0)) for c in ctx.case.components)
    return max(0.0, 1.0 - on_lent / loan.amount)
