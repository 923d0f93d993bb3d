"""The Financial sheet: cash flows, the WACC table and the financial results.

Cash flows of the revenue-earning components and their program (capital, O&M,
revenue, net, cash available for debt service), years in rows; ADB's WACC table
(WACC = SUMPRODUCT(weights, real costs)); FNPV at the WACC, FIRR and the
revenue-earning flag of every part. The loan terms, schedule and DSCR follow
(:mod:`.loan`).

Needs ``Comp.inv`` (Investment costs) and ``Comp.cols`` (Inputs); fills each
``Comp.fin``, ``ctx.prog_fin``, ``ctx.wacc_ref``, ``ctx.dscr_cell``,
``ctx.financing_live`` and the ``financial.*`` entries of ``ctx.prog_cells``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from openpyxl.utils import get_column_letter

from appraisal.formatting import EXCEL_FORMATS
from appraisal.io.workbook.context import FIRST, Comp, WorkbookContext
from appraisal.io.workbook.loan import write_loan
from appraisal.result import AppraisalResult

__all__ = ["write_financial"]

_FLOWS = (("capital", "Capital"), ("operating", "O&M"), ("revenue", "Revenue"))
_WACC_HEADS = (
    "Source",
    "Amount [{money}]",
    "Weight",
    "Nominal cost",
    "Tax rate",
    "Debt",
    "After-tax nominal cost",
    "Inflation",
    "Real cost",
    "Weighted real cost",
    "Source of the figure",
)


def write_financial(ctx: WorkbookContext, result: AppraisalResult) -> None:
    """Write the Financial sheet (with the loan); fill the ``financial.*`` references."""
    sh, inp, inv = ctx.sheets["Financial"], ctx.sheets["Inputs"], ctx.sheets["Investment costs"]
    money = ctx.money
    ctx.year_header(sh, "Financial analysis (financial prices)")
    col = 2
    earning = [c for c in ctx.comps if c.res.financial is not None]
    for c in earning:
        sh.put(2, col, c.comp.name, "head")
        assert c.res.financial is not None
        copies = {
            "capital": ctx.copy_column(inv, c.inv["cap_fin"]),
            "operating": ctx.copy_column(inv, c.inv["om_fin"]),
            "revenue": ctx.copy_column(inp, c.cols["revenue"]),
        }
        c.fin.update(_flows(ctx, col, copies, c.res.financial))
        col += 5
    pf = result.program.financial
    if earning and pf is not None:
        sh.put(2, col, "Program (revenue-earning components)", "head")
        sums = {key: ctx.sum_columns(sh, [c.fin[key] for c in earning]) for key, _ in _FLOWS}
        ctx.prog_fin.update(_flows(ctx, col, sums, pf))
        L = get_column_letter
        ctx.prog_fin["cash"] = ctx.column(
            sh,
            col + 4,
            "",
            "Cash available for debt service",
            money,
            formulas=[f"{L(col + 2)}{FIRST + i}-{L(col + 1)}{FIRST + i}" for i in range(ctx.n)],
            cached=(pf["revenue"] - pf["operating"]).to_numpy(),
        )
        col += 6
    sh.widths(8, 13, max(col, 12))
    row = _wacc(ctx, result, ctx.last + 2)
    row = _results(ctx, result, row + 1)
    write_loan(ctx, result, row + 1)
    ctx.finish(sh, "B6")


def _flows(
    ctx: WorkbookContext, col: int, formulas: dict[str, list[str]], table: pd.DataFrame
) -> dict[str, int]:
    """Capital, O&M and revenue (``formulas``) and the net cash flow, from column ``col``."""
    sh = ctx.sheets["Financial"]
    cols: dict[str, int] = {}
    for j, (key, label) in enumerate(_FLOWS):
        cached = table[key].to_numpy()
        cols[key] = ctx.column(
            sh, col + j, "", label, ctx.money, formulas=formulas[key], cached=cached
        )
    # revenue less capital less O&M
    a, b, c = (get_column_letter(col + k) for k in (2, 0, 1))
    net = [f"{a}{FIRST + i}-{b}{FIRST + i}-{c}{FIRST + i}" for i in range(ctx.n)]
    label = "Net cash flow"
    cols["net"] = ctx.column(
        sh, col + 3, "", label, ctx.money, formulas=net, cached=table["net"].to_numpy()
    )
    return cols


def _wacc(ctx: WorkbookContext, result: AppraisalResult, row: int) -> int:
    """ADB's WACC table; returns the row after it."""
    sh = ctx.sheets["Financial"]
    sh.put(row, 1, "Weighted average cost of capital (ADB table)", "head")
    row += 1
    sh.header(row, [h.format(money=ctx.money) for h in _WACC_HEADS])
    row += 1
    srcs = ctx.case.financing.sources
    t = result.wacc_table
    first = row
    last = row + len(srcs) - 1
    for i, s in enumerate(srcs):
        r_ = row + i
        sh.put(r_, 1, s.name)
        sh.put(r_, 2, s.amount, "input", EXCEL_FORMATS["money"])
        sh.put(r_, 4, s.nominal_cost, "input", "0.00%")
        sh.put(r_, 5, s.tax_rate, "input", "0.00%")
        sh.put(r_, 6, s.is_debt, "input")
        sh.put(r_, 8, s.inflation, "input", "0.00%")
        assert t is not None
        sh.formula(r_, 3, f"B{r_}/SUM($B${first}:$B${last})", t["weight"].iloc[i], "0.00%")
        sh.formula(
            r_, 7, f"IF(F{r_},D{r_}*(1-E{r_}),D{r_})", t["after_tax_nominal_cost"].iloc[i], "0.00%"
        )
        sh.formula(r_, 9, f"(1+G{r_})/(1+H{r_})-1", t["real_cost"].iloc[i], "0.00%")
        sh.formula(r_, 10, f"C{r_}*I{r_}", t["weighted_real_cost"].iloc[i], "0.00%")
        sh.put(r_, 11, s.source)
        for k, cc in (
            ("amount", 2),
            ("nominal_cost", 4),
            ("tax_rate", 5),
            ("inflation", 8),
            ("is_debt", 6),
        ):
            ctx.financing_live[f"financing.sources[{i}].{k}"] = (
                sh.ref(r_, cc, absolute=True),
                getattr(s, k),
                None,
            )
    row = max(row + len(srcs), row)
    sh.put(row, 1, "WACC (real)", "head")
    wacc = result.summary["financial"]["wacc"]
    if srcs:
        formula = f"SUMPRODUCT(C{first}:C{last},I{first}:I{last})"
        coord = sh.formula(row, 10, formula, wacc, "0.00%", "key")
    else:
        coord = sh.formula(row, 10, "NA()", None, "0.00%", "key")
        sh.put(row, 11, "no financing sources: the WACC is unknown")
    ctx.wacc_ref = sh.ref(row, 10, absolute=True)
    ctx.name("financial.wacc", sh, coord)
    for c in ctx.comps:
        ctx.name("financial.wacc", sh, coord, c)
    return row + 1


def _results(ctx: WorkbookContext, result: AppraisalResult, row: int) -> int:
    """FNPV, FIRR and the revenue-earning flag of every part; returns the row after."""
    sh = ctx.sheets["Financial"]
    sh.put(row, 1, "Financial results", "head")
    heads = (
        "Part",
        "Revenue-earning",
        "WACC",
        f"FNPV [{ctx.money}]",
        "FIRR",
        "DSCR, lowest",
        "Note",
    )
    sh.header(row + 1, heads)
    row += 2
    parts: list[tuple[Comp | None, dict[str, Any], dict[str, int]]] = [
        (c, c.res.summary["financial"], c.fin) for c in ctx.comps
    ]
    parts.append((None, result.summary["financial"], ctx.prog_fin))
    for comp, summ, cols in parts:
        sh.put(row, 1, comp.comp.name if comp else "Program")
        coord = sh.put(row, 2, summ["revenue_earning"], "setting")
        ctx.name("financial.revenue_earning", sh, coord, comp)
        sh.formula(row, 3, ctx.wacc_ref, summ["wacc"], "0.00%")
        notes = []
        if cols:
            known = summ["wacc"] is not None or ctx.case.financing.sources
            f_npv = ctx.npv(ctx.wacc_ref, sh, cols["net"], sh) if known else "NA()"
            f_irr = ctx.irr(sh.col_range(cols["net"], FIRST, ctx.last, here=sh), summ["firr"])
        else:
            f_npv = f_irr = "NA()"
        for key, cc, f_, fmt in (
            ("fnpv", 4, f_npv, EXCEL_FORMATS["money"]),
            ("firr", 5, f_irr, "0.00%"),
        ):
            coord = sh.formula(row, cc, f_, summ[key], fmt, "key" if comp is None else "calc")
            ctx.name(f"financial.{key}", sh, coord, comp)
            if summ.get(f"{key}_reason") and summ[f"{key}_reason"] not in notes:
                notes.append(summ[f"{key}_reason"])
        if comp is None:
            ctx.dscr_cell = (row, 6)
            ctx.prog_cells["financial.fnpv"] = sh.ref(row, 4, absolute=True)
            ctx.prog_cells["financial.firr"] = sh.ref(row, 5, absolute=True)
        sh.put(row, 7, "; ".join(notes))
        row += 1
    return row
