"""The Investment costs sheet: financial cost, conversion factor, economic cost.

Per component and cost category: the financial cost (a parametric component's
capital x its construction share, or the stream the case gives), the conversion
factor (row 5, from the Assumptions sheet) and the economic cost; then capital
and O&M at financial and economic prices, and the program's totals (the jobs
count every component).

Needs ``ctx.a``, ``ctx.cf_ref`` and ``Comp.cols``; fills each ``Comp.inv`` and
``ctx.inv_program``.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter

from appraisal.io.workbook.context import FIRST, HEADER_ROWS, Comp, FloatArray, WorkbookContext
from appraisal.io.workbook.names import RATIO4
from appraisal.result import AppraisalResult
from appraisal.streams import ComponentStreams

__all__ = ["write_investment"]

_PROGRAM = (
    ("cap_fin", "Capital, financial prices"),
    ("cap_eco", "Capital, economic prices"),
    ("om_fin", "O&M, financial prices"),
    ("om_eco", "O&M, economic prices"),
)


def write_investment(ctx: WorkbookContext, result: AppraisalResult) -> None:
    """Write the Investment costs sheet; fill each ``Comp.inv`` and ``ctx.inv_program``."""
    sh = ctx.sheets["Investment costs"]
    ctx.year_header(sh, "Investment costs: financial cost, conversion factor, economic cost")
    sh.put(3, 1, "CF", "head")
    col = 2
    for c in ctx.comps:
        col = _component(ctx, c, col)
    # the program: every component (the jobs count all of them)
    sh.put(2, col, "Program (all components)", "head")
    # every component (the program's streams at financial prices count only the
    # revenue-earning ones): the engine's sum of all of them
    assert result.all_streams is not None  # appraise() always sets it
    program = _by_key(result.all_streams)
    for key, label in _PROGRAM:
        f_ = ctx.sum_columns(sh, [c.inv[key] for c in ctx.comps])
        ctx.inv_program[key] = ctx.column(
            sh, col, "", label, ctx.money, formulas=f_, cached=program[key]
        )
        col += 1
    sh.widths(8, 14, col)
    ctx.finish(sh, "B6")


def _streams(c: Comp) -> dict[str, FloatArray]:
    """A component's capital and O&M at financial and economic prices, by column key."""
    return _by_key(c.s)


def _by_key(s: ComponentStreams) -> dict[str, FloatArray]:
    """Capital and O&M at financial and economic prices, by column key."""
    return {
        "cap_fin": s.capital_financial,
        "cap_eco": s.capital,
        "om_fin": s.operating_financial,
        "om_eco": s.operating,
    }


def _times_cf(ctx: WorkbookContext, src: int, cf_col: int) -> list[str]:
    """Year by year, a column of this sheet times the factor in row 5 of ``cf_col``."""
    sh = ctx.sheets["Investment costs"]
    cf = f"{get_column_letter(cf_col)}${HEADER_ROWS}"
    return [f"{sh.ref(FIRST + i, src, here=sh)}*{cf}" for i in range(ctx.n)]


def _component(ctx: WorkbookContext, c: Comp, col: int) -> int:
    """A component's columns from ``col`` on; returns the next free column."""
    sh, inp, money, n = ctx.sheets["Investment costs"], ctx.sheets["Inputs"], ctx.money, ctx.n
    sh.put(2, col, c.comp.name, "head")
    fin_cols, eco_cols = [], []
    for cat in c.cats:
        cf = c.cat_econ_cf[cat]
        fin_v = c.cat_fin[cat]
        if c.basis == "parametric":
            amount = ctx.a[f"{c.comp.id}:cap:{cat}"]
            fin_f = [f"{amount}*{inp.ref(FIRST + i, c.cols['build'])}" for i in range(n)]
        else:
            fin_f = ctx.copy_column(inp, c.cols[f"cap:{cat}"])
        label = f"{cat}, as given (economic)" if c.basis == "economic" else f"{cat}, financial"
        ctx.column(sh, col, "", label, money, formulas=fin_f, cached=fin_v)
        fin_cols.append(col)
        if cf is None:
            eco_cols.append(col)
            col += 1
            continue
        sh.formula(HEADER_ROWS, col + 1, ctx.cf_ref[cat], cf, RATIO4)
        label = f"{cat}, economic (x CF in row {HEADER_ROWS})"
        eco_f = _times_cf(ctx, col, col + 1)
        ctx.column(sh, col + 1, "", label, money, formulas=eco_f, cached=fin_v * cf)
        eco_cols.append(col + 1)
        col += 2
    # financial capital total (for the financial analysis and the jobs)
    if c.basis == "economic" and c.fin_capital_given is not None:
        f_ = ctx.copy_column(inp, c.cols["fin_cap"])
    else:
        f_ = ctx.sum_columns(sh, fin_cols)
    c.inv["cap_fin"] = ctx.column(
        sh,
        col,
        "",
        "Capital, financial prices",
        money,
        formulas=f_,
        cached=c.s.capital_financial,
        style="calc",
    )
    col += 1
    f_ = ctx.sum_columns(sh, eco_cols)
    c.inv["cap_eco"] = ctx.column(
        sh, col, "", "Capital, economic prices", money, formulas=f_, cached=c.s.capital
    )
    col += 1
    if c.basis == "parametric":
        amounts = "+".join(ctx.a[f"{c.comp.id}:cap:{cat}"] for cat in c.cats)
        share, fixed = ctx.a[f"{c.comp.id}:om_share"], ctx.a[f"{c.comp.id}:om_amount"]
        base = f"({share}*({amounts})+{fixed})"
        f_ = [f"{base}*{inp.ref(FIRST + i, c.cols['opyear'])}" for i in range(n)]
    elif c.basis == "economic" and c.fin_operating_given is not None:
        f_ = ctx.copy_column(inp, c.cols["fin_om"])
    else:
        f_ = ctx.copy_column(inp, c.cols["om"])
    c.inv["om_fin"] = ctx.column(
        sh, col, "", "O&M, financial prices", money, formulas=f_, cached=c.s.operating_financial
    )
    col += 1
    if c.basis == "economic":
        f_ = ctx.copy_column(inp, c.cols["om"])
    else:
        cf_op = c.s.conversion_factors["operating"]
        sh.formula(HEADER_ROWS, col, ctx.cf_ref["operating"], cf_op, RATIO4)
        f_ = _times_cf(ctx, c.inv["om_fin"], col)
    c.inv["om_eco"] = ctx.column(
        sh, col, "", "O&M, economic prices", money, formulas=f_, cached=c.s.operating
    )
    return col + 2
