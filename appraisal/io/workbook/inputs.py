"""The Inputs sheet: the yearly input streams, years in rows.

The carbon value path (USD per tCO2e in the path's own prices, before the
deflator) and, per component, its streams: the construction shares and operating
years of a parametric component (derived by the engine: blue on light blue), or
the capital by category and O&M a case gives (blue on yellow); the benefits,
revenue, emissions without and with the project and the pollutants avoided.

Needs nothing from other steps; fills ``ctx.carbon_path_col`` and each
``Comp.cols``.
"""

from __future__ import annotations

from appraisal.formatting import EXCEL_FORMATS
from appraisal.io.workbook.context import Comp, FloatArray, WorkbookContext
from appraisal.result import AppraisalResult
from appraisal.streams import POLLUTANTS

__all__ = ["write_inputs"]

MONEY = EXCEL_FORMATS["money"]
_BASIS = {
    "parametric": "financial prices",
    "financial": "financial prices",
    "economic": "economic prices",
}


def write_inputs(ctx: WorkbookContext, result: AppraisalResult) -> None:
    """Write the Inputs sheet; fill ``ctx.carbon_path_col`` and each ``Comp.cols``."""
    sh = ctx.sheets["Inputs"]
    ctx.year_header(sh, "Inputs: yearly streams (input cells)")
    path = result.carbon_price_path
    path_price = (path if path is not None else result.carbon_price).to_numpy()
    ctx.carbon_path_col = ctx.column(
        sh,
        2,
        "Carbon value",
        "Carbon value path",
        "USD per tCO2e, path's prices",
        values=path_price,
        fmt=EXCEL_FORMATS["per_tonne"],
    )
    col = 3
    for c in ctx.comps:
        col = _component(ctx, c, col) + 1
    sh.widths(8, 14, col)
    ctx.finish(sh, "B6")


def _component(ctx: WorkbookContext, c: Comp, col: int) -> int:
    """A component's input columns from ``col`` on; returns the next free column."""
    sh, money = ctx.sheets["Inputs"], ctx.money
    derived = c.basis == "parametric"
    style = "derived" if derived else "input"
    origin = "derived by the engine from the case parameters" if derived else "given by the case"
    sh.put(2, col, f"{c.comp.name} ({origin})", "head")
    basis = _BASIS[c.basis]

    def add(key: str, label: str, unit: str, values: FloatArray, fmt: str = MONEY) -> None:
        nonlocal col
        c.cols[key] = ctx.column(sh, col, "", label, unit, values=values, fmt=fmt, style=style)
        col += 1

    if c.build is not None and c.operating_years is not None:
        add("build", "Construction share", "share of capital", c.build, "0.00%")
        add("opyear", "Operating year", "1 = yes", c.operating_years, "0")
    else:
        for cat in c.cats:
            add(f"cap:{cat}", f"Capital, {cat}", f"{money}, {basis}", c.cat_fin[cat])
        given_om = c.s.operating_financial if c.basis == "financial" else c.s.operating
        add("om", "O&M", f"{money}, {basis}", given_om)
        if c.fin_capital_given is not None:
            add("fin_cap", "Capital, financial", money, c.fin_capital_given)
        if c.fin_operating_given is not None:
            add("fin_om", "O&M, financial", money, c.fin_operating_given)
    prices = "financial prices" if c.basis == "financial" else "economic prices"
    for b, values in c.benefit_raw.items():
        add(f"b:{b}", f"Benefit: {b}", f"{money}, {prices}", values)
    if c.res.financial is not None:
        add("revenue", "Revenue", f"{money}, financial", c.s.revenue)
    t = EXCEL_FORMATS["tonnes"]
    add("without", "Emissions without project", "tCO2e", c.s.without_project, t)
    add("with", "Emissions with project", "tCO2e", c.s.with_project, t)
    for p in POLLUTANTS:
        add(f"p:{p}", f"{p} avoided", "t", c.s.pollutants_avoided[p], "#,##0.00")
    return col
