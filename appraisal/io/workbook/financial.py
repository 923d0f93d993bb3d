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
from appraisal.io.workbook.entity import (
    EntityCells,
    entity_terms_refs,
    write_entity_terms,
    write_entity_wacc,
    write_wacc_row,
)
from appraisal.io.workbook.loan import write_loan
from appraisal.io.xlsx_common import quote_sheet
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
    # the entities' terms table sits right of the yearly columns: 8 per entity, 7 program
    terms_col = 2 + 8 * len(earning) + (7 if earning else 0)
    entities = entity_terms_refs(earning, terms_col)
    L = get_column_letter
    for c, e in zip(earning, entities, strict=True):
        sh.put(2, col, c.comp.name, "head")
        assert c.res.financial is not None
        copies = {
            "capital": ctx.copy_column(inv, c.inv["cap_fin"]),
            "operating": ctx.copy_column(inv, c.inv["om_fin"]),
            "revenue": ctx.copy_column(inp, c.cols["revenue"]),
        }
        c.fin.update(_flows(ctx, col, copies, c.res.financial))
        # nominal cash = (revenue - O&M - income tax) x (1 + inflation)^(year - price year)
        py = ctx.meta.price_year
        e.cash_col = ctx.column(
            sh,
            col + 6,
            "",
            "Cash available for debt service, nominal",
            f"{money.split(' (')[0]}, nominal",
            formulas=[
                f"({L(col + 2)}{r}-{L(col + 1)}{r}-{L(col + 3)}{r})*(1+{e.inflation})^(A{r}-{py})"
                for r in range(FIRST, ctx.last + 1)
            ],
            cached=c.res.financial["cash_available_nominal"].to_numpy(),
        )
        col += 8
    pf = result.program.financial
    if earning and pf is not None:
        sh.put(2, col, "Program (revenue-earning components)", "head")
        keys = [k for k, _ in _FLOWS] + ["income_tax", "residual_value"]
        sums = {key: ctx.sum_columns(sh, [c.fin[key] for c in earning]) for key in keys}
        ctx.prog_fin.update(_flows(ctx, col, sums, pf))
        col += 7
        write_entity_terms(ctx, entities, terms_col)
        # for the Fiscal sheet: the loan on-lent to all entities
        ctx.prog_cells["entities.on_lent_total"] = "+".join(
            f"{quote_sheet(sh.title)}!{e.on_lent_loan}" for e in entities
        )
        col += 5
    sh.widths(8, 13, max(col, 12))
    row = _wacc(ctx, result, ctx.last + 2)
    row, result_rows = _results(ctx, result, row + 1)
    row = write_loan(ctx, result, row + 1, entities, result_rows)
    row = write_entity_wacc(ctx, result, entities, row + 1)
    _entity_results(ctx, entities, result_rows)
    ctx.finish(sh, "B6")


def _entity_results(
    ctx: WorkbookContext, entities: list[EntityCells], rows: dict[str, int]
) -> None:
    """Each entity's WACC and FNPV in the results table, at the WACC of what it carries."""
    sh = ctx.sheets["Financial"]
    for e in entities:
        row, summ = rows[e.comp.comp.id], e.comp.res.summary["financial"]
        sh.formula(row, 3, e.wacc, summ["wacc"], "0.00%")
        f_npv = ctx.npv(e.wacc, sh, e.comp.fin["net"], sh) if summ["wacc"] is not None else "NA()"
        sh.formula(row, 4, f_npv, summ["fnpv"], EXCEL_FORMATS["money"], "calc")


def _flows(
    ctx: WorkbookContext, col: int, formulas: dict[str, list[str]], table: pd.DataFrame
) -> dict[str, int]:
    """Capital, O&M, revenue (``formulas``), income tax and the net cash flow after tax."""
    sh = ctx.sheets["Financial"]
    cols: dict[str, int] = {}
    for j, (key, label) in enumerate(_FLOWS):
        cached = table[key].to_numpy()
        cols[key] = ctx.column(
            sh, col + j, "", label, ctx.money, formulas=formulas[key], cached=cached
        )
    tax = table["income_tax"].to_numpy()
    if "income_tax" in formulas:  # the program: the entities' sum
        cols["income_tax"] = ctx.column(
            sh, col + 3, "", "Income tax", ctx.money, formulas=formulas["income_tax"], cached=tax
        )
    else:  # on nominal income less depreciation (docs/methods.md section 3): the engine's
        cols["income_tax"] = ctx.column(
            sh, col + 3, "", "Income tax (engine, on nominal income)", ctx.money, values=tax,
            style="calc",
        )  # fmt: skip
    residual = table["residual_value"].to_numpy()
    if "residual_value" in formulas:
        cols["residual_value"] = ctx.column(
            sh, col + 4, "", "Residual value", ctx.money,
            formulas=formulas["residual_value"], cached=residual,
        )  # fmt: skip
    else:  # the assets' remaining life in the last year (straight line, the engine's)
        cols["residual_value"] = ctx.column(
            sh, col + 4, "", "Residual value", ctx.money, values=residual, style="calc"
        )
    # revenue less capital less O&M less income tax plus the residual value
    a, b, c, d, rv = (get_column_letter(col + k) for k in (2, 0, 1, 3, 4))
    net = [f"{a}{r}-{b}{r}-{c}{r}-{d}{r}+{rv}{r}" for r in range(FIRST, ctx.last + 1)]
    label = "Net cash flow after tax"
    cols["net"] = ctx.column(
        sh, col + 5, "", label, ctx.money, formulas=net, cached=table["net"].to_numpy()
    )
    return cols


def _wacc(ctx: WorkbookContext, result: AppraisalResult, row: int) -> int:
    """ADB's WACC table; returns the row after it."""
    sh = ctx.sheets["Financial"]
    sh.put(row, 1, "Weighted average cost of capital (ADB table)", "head")
    # the tax shield on debt only where the borrower pays income tax (a city does not)
    sh.put(row, 5, "Borrower pays income tax")
    sh.put(row, 6, ctx.case.financing.borrower_pays_income_tax, "input")
    taxed = f"$F${row}"
    ctx.financing_live["financing.borrower_pays_income_tax"] = (
        sh.ref(row, 6, absolute=True),
        ctx.case.financing.borrower_pays_income_tax,
        None,
    )
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
        write_wacc_row(sh, r_, (first, last), t, i, tax_shield=f"AND(F{r_},{taxed})")
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
        if c.res.financial is None:  # an entity's own WACC table names its WACC (.entity)
            ctx.name("financial.wacc", sh, coord, c)
    return row + 1


def _results(ctx: WorkbookContext, result: AppraisalResult, row: int) -> tuple[int, dict[str, int]]:
    """FNPV, FIRR, DSCR and the revenue-earning flag of every part; the row after, each row."""
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
    rows: dict[str, int] = {}
    for comp, summ, cols in parts:
        rows[comp.comp.id if comp else "program"] = row
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
        if summ.get("dscr_min") is None:  # an entity's live DSCR is written with the loan
            coord = sh.formula(row, 6, "NA()", None, EXCEL_FORMATS["ratio"])
            ctx.name("financial.dscr_min", sh, coord, comp)
            if summ.get("dscr_min_reason"):
                notes.append(f"DSCR: {summ['dscr_min_reason']}")
        sh.put(row, 7, "; ".join(notes))
        row += 1
    return row, rows
