"""The Financial sheet, its entity part: each revenue-earning entity's terms and WACC.

An entity (a revenue-earning component) carries a part of the loan on-lent to
it, pays income tax and sees domestic inflation (live inputs in the terms
table beside the yearly columns). Its WACC table lists the on-lent loan and
the rest of its capital from the program's sources pro rata, at its own tax
rate (``docs/methods.md`` section 3); the cells are formulas of the terms, the
loan rate and the program's WACC table, and carry the component's
``financial.wacc`` name.

Called by :mod:`.financial`; reads ``ctx.financing_live`` for the loan rate
and the sources.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from openpyxl.utils import get_column_letter

from appraisal.formatting import EXCEL_FORMATS
from appraisal.io.workbook.context import FIRST, Comp, WorkbookContext
from appraisal.io.xlsx_common import SheetWriter
from appraisal.result import AppraisalResult

__all__ = [
    "EntityCells",
    "entity_terms_refs",
    "write_entity_terms",
    "write_entity_wacc",
    "write_wacc_row",
]

_MONEY = EXCEL_FORMATS["money"]
_TERMS = (
    ("on_lent_loan", "On-lent loan [{money}]", _MONEY),
    ("income_tax_rate", "Income tax rate", "0.00%"),
    ("inflation", "Domestic inflation", "0.00%"),
)


@dataclass
class EntityCells:
    """Where an entity's inputs and figures sit on the Financial sheet (absolute refs)."""

    comp: Comp
    on_lent_loan: str
    income_tax_rate: str
    inflation: str
    cash_col: int = 0  # the yearly column of its nominal cash available
    wacc: str = ""


def entity_terms_refs(earning: list[Comp], col: int) -> list[EntityCells]:
    """The cells the terms table at column ``col`` will hold, one row per entity from FIRST."""
    out = []
    for k, c in enumerate(earning):
        r = FIRST + k
        on_lent, tax, inflation = (f"${get_column_letter(col + 1 + j)}${r}" for j in range(3))
        out.append(EntityCells(c, on_lent, tax, inflation))
    return out


def write_entity_terms(ctx: WorkbookContext, cells: list[EntityCells], col: int) -> None:
    """The terms table (live inputs) at column ``col``, as :func:`entity_terms_refs` placed it."""
    sh = ctx.sheets["Financial"]
    sh.put(2, col, "Revenue-earning entities: terms", "head")
    sh.header(4, ["Entity", *(h.format(money=ctx.money) for _, h, _ in _TERMS)], col=col)
    for k, e in enumerate(cells):
        f = e.comp.comp.financial or {}
        sh.put(FIRST + k, col, e.comp.comp.name)
        i = ctx.case.components.index(e.comp.comp)
        for j, (key, _, fmt) in enumerate(_TERMS):
            v = float(f.get(key, 0.0))
            sh.put(FIRST + k, col + 1 + j, v, "input", fmt)
            ctx.financing_live[f"components[{i}].financial.{key}"] = (
                sh.ref(FIRST + k, col + 1 + j, absolute=True),
                v,
                fmt,
            )
    sh.width(col, 28)


def write_entity_wacc(
    ctx: WorkbookContext, result: AppraisalResult, cells: list[EntityCells], row: int
) -> int:
    """One WACC table per entity from ``row``; fills each ``wacc``; returns the row after."""
    sh = ctx.sheets["Financial"]
    srcs = ctx.case.financing.sources
    live = ctx.financing_live
    loan_rate = live.get("financing.loan.interest_rate")
    for e in cells:
        t = result.entity_wacc.get(e.comp.comp.id)
        sh.put(row, 1, f"WACC of the financing {e.comp.comp.name} carries", "head")
        row += 1
        if t is None:
            sh.put(row, 1, "WACC (real)", "head")
            e.wacc = sh.ref(row, 10, absolute=True)
            sh.formula(row, 10, "NA()", None, "0.00%", "key")
            sh.put(row, 11, "no financing to cost")
            row += 2
            continue
        sh.header(
            row,
            ["Source", f"Amount [{ctx.money}]", "Weight", "Nominal cost", "Tax rate", "Debt",
             "After-tax nominal cost", "Inflation", "Real cost", "Weighted real cost"],
        )  # fmt: skip
        row += 1
        first = row
        # capital carried: the entity's financial capital column summed
        cap = f"SUM({sh.col_range(e.comp.fin['capital'], FIRST, ctx.last, here=sh)})"
        k = 0
        if t["name"].iloc[0] == "On-lent loan" and loan_rate is not None:
            sh.put(row, 1, "On-lent loan")
            sh.formula(row, 2, e.on_lent_loan, t["amount"].iloc[0], _MONEY)
            sh.formula(row, 4, loan_rate[0], t["nominal_cost"].iloc[0], "0.00%")
            sh.formula(row, 8, e.inflation, t["inflation"].iloc[0], "0.00%")
            sh.put(row, 6, True, "setting")
            row, k = row + 1, 1
        for i, s in enumerate(srcs):
            if k + i >= len(t):
                break
            amt = live[f"financing.sources[{i}].amount"][0]
            total = "+".join(live[f"financing.sources[{j}].amount"][0] for j in range(len(srcs)))
            sh.put(row, 1, s.name)
            sh.formula(
                row,
                2,
                f"({cap}-{e.on_lent_loan})*{amt}/({total})",
                t["amount"].iloc[k + i],
                _MONEY,
            )
            sh.formula(
                row, 4, live[f"financing.sources[{i}].nominal_cost"][0], s.nominal_cost, "0.00%"
            )
            sh.formula(row, 8, live[f"financing.sources[{i}].inflation"][0], s.inflation, "0.00%")
            sh.formula(row, 6, live[f"financing.sources[{i}].is_debt"][0], s.is_debt)
            row += 1
        last = row - 1
        for r_, j in zip(range(first, row), range(len(t)), strict=True):
            sh.formula(r_, 5, e.income_tax_rate, t["tax_rate"].iloc[j], "0.00%")
            write_wacc_row(sh, r_, (first, last), t, j, tax_shield=f"F{r_}")
        sh.put(row, 1, "WACC (real)", "head")
        wacc = e.comp.res.summary["financial"]["wacc"]
        coord = sh.formula(
            row, 10, f"SUMPRODUCT(C{first}:C{last},I{first}:I{last})", wacc, "0.00%", "key"
        )
        e.wacc = sh.ref(row, 10, absolute=True)
        ctx.name("financial.wacc", sh, coord, e.comp)
        row += 2
    return row


def write_wacc_row(
    sh: SheetWriter,
    row: int,
    rows: tuple[int, int],
    table: pd.DataFrame,
    i: int,
    *,
    tax_shield: str,
) -> None:
    """The computed cells of one row of a WACC table (ADB's columns B to J).

    Weight (C) = amount (B) / the table's total amount over ``rows`` (first,
    last); after-tax nominal cost (G) = nominal cost (D) x (1 - tax rate (E))
    where the formula ``tax_shield`` holds (debt, taxed), else D; real cost (I) =
    (1 + G) / (1 + inflation (H)) - 1; weighted real cost (J) = C x I. The cached
    values are the engine's: row ``i`` of ``table`` (a ``wacc_table``).
    """
    first, last = rows
    sh.formula(row, 3, f"B{row}/SUM($B${first}:$B${last})", table["weight"].iloc[i], "0.00%")
    sh.formula(
        row,
        7,
        f"IF({tax_shield},D{row}*(1-E{row}),D{row})",
        table["after_tax_nominal_cost"].iloc[i],
        "0.00%",
    )
    sh.formula(row, 9, f"(1+G{row})/(1+H{row})-1", table["real_cost"].iloc[i], "0.00%")
    sh.formula(row, 10, f"C{row}*I{row}", table["weighted_real_cost"].iloc[i], "0.00%")
