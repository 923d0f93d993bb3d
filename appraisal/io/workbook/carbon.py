"""The Carbon values sheet: the compared carbon paths and the carbon switching multiple.

Years in rows: the program's GHG reduction and net economic benefit without
carbon (copied from the GHG and Economic cash flows sheets), then per compared
path its value in the case's currency and prices (blue input cells: the path
converted with its exchange rate and deflator, ``carbon.price_by_year`` for the
chosen one) and the net benefit with it. Below: the compared paths (currency,
price year, exchange rate, deflator, ENPV and EIRR recalculated from those
columns) and, per component and for the program, the multiple of the chosen
path at which the ENPV is zero (defined names
``economic_carbon_switching_multiple`` and ``c_<id>_economic_carbon_switching_multiple``).

Needs ``ctx.prog_ghg``, ``ctx.prog_eco``, the ``economic.*`` cells of
``Comp.cells`` and ``ctx.prog_cells``, and ``ctx.a`` (rate, scale).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from appraisal.formatting import EXCEL_FORMATS
from appraisal.io.workbook.context import FIRST, Comp, WorkbookContext
from appraisal.io.xlsx_common import SheetWriter
from appraisal.result import AppraisalResult

__all__ = ["SHEET", "write_carbon"]

SHEET = "Carbon values"
_MULTIPLE = "economic.carbon_switching_multiple"


def write_carbon(ctx: WorkbookContext, result: AppraisalResult) -> None:
    """Write the sheet after "GHG and abatement"; name each switching multiple."""
    index = ctx.wb.sheetnames.index("GHG and abatement") + 1
    sh = SheetWriter(ctx.wb.create_sheet(SHEET, index), ctx.names)
    ctx.sheets[SHEET] = sh
    ctx.year_header(sh, "Carbon values compared")
    ghg, eco = ctx.sheets["GHG and abatement"], ctx.sheets["Economic cash flows"]
    prog = result.program
    red = ctx.column(
        sh,
        2,
        "Program",
        "GHG reduction",
        "tCO2e",
        formulas=ctx.copy_column(ghg, ctx.prog_ghg["reduction"]),
        cached=prog.ghg["reduction"].to_numpy(),
        fmt=EXCEL_FORMATS["tonnes"],
    )
    net0 = prog.economic["net_without_carbon"].to_numpy()
    net = ctx.column(
        sh,
        3,
        "",
        "Net benefit without carbon",
        ctx.money,
        formulas=ctx.copy_column(eco, ctx.prog_eco["net_wo"]),
        cached=net0,
    )
    paths = result.summary["carbon"]["paths"]
    by_name = {p["path"]: p for p in paths}
    nets: dict[str, int] = {}
    col = 4
    currency = ctx.meta.currency
    reduction = prog.ghg["reduction"].to_numpy()
    for p in paths:
        price = _converted(result, p)
        ctx.column(
            sh,
            col,
            p["path"],
            "Carbon value",
            f"{currency} per tCO2e, case prices",
            values=price,
            fmt=EXCEL_FORMATS["per_tonne"],
        )
        f_ = [
            f"{sh.ref(FIRST + i, net, here=sh)}+{sh.ref(FIRST + i, red, here=sh)}"
            f"*{sh.ref(FIRST + i, col, here=sh)}/{ctx.a['scale']}"
            for i in range(ctx.n)
        ]
        cached = net0 + reduction * price / ctx.meta.unit_scale
        nets[p["path"]] = ctx.column(
            sh, col + 1, "", "Net benefit with it", ctx.money, formulas=f_, cached=cached
        )
        col += 2
    row = ctx.last + 2
    row = _paths_table(ctx, sh, row, paths, by_name, nets)
    _multiples(ctx, sh, row + 1, result)
    sh.widths(8, 14, max(col, 8))
    ctx.finish(sh, "B6")


def _converted(result: AppraisalResult, row: dict[str, Any]) -> np.ndarray[Any, Any]:
    """The path in the case's currency and prices, year by year, as the engine converted it."""
    table = result.carbon_prices_compared
    if table is None:
        raise ValueError("the result carries no compared carbon prices")
    return np.asarray(table[row["path"]].to_numpy(), dtype=np.float64)


def _paths_table(
    ctx: WorkbookContext,
    sh: SheetWriter,
    row: int,
    paths: list[dict[str, Any]],
    by_name: dict[str, dict[str, Any]],
    nets: dict[str, int],
) -> int:
    """The compared paths: settings, and ENPV and EIRR over each path's net column."""
    sh.put(row, 1, "Carbon paths compared (carbon.paths)", "head")
    heads = (
        "Path",
        "Currency",
        "Price year",
        f"Exchange rate, {ctx.meta.currency} per unit",
        "Deflator",
        "Deflator stated",
        f"ENPV [{ctx.money}]",
        "EIRR",
        "EIRR: why none",
    )
    sh.header(row + 1, heads)
    r = row + 2
    for p in paths:
        sh.put(r, 1, p["path"], "setting")
        sh.put(r, 2, p["currency"], "setting")
        sh.put(r, 3, p["path_price_year"], "setting", "0")
        sh.put(r, 4, p["exchange_rate"], "setting", "0.0000")
        sh.put(r, 5, p["deflator"], "setting", "0.0000")
        sh.put(r, 6, p["deflator_stated"], "setting")
        col = nets[p["path"]]
        sh.formula(r, 7, ctx.npv(ctx.a["rate"], sh, col, sh), p["enpv"], EXCEL_FORMATS["money"])
        rng = sh.col_range(col, FIRST, ctx.last, here=sh)
        sh.formula(r, 8, ctx.irr(rng, by_name[p["path"]]["eirr"]), p["eirr"], "0.00%")
        if p.get("eirr_reason"):
            sh.put(r, 9, p["eirr_reason"])
        r += 1
    if not paths:
        sh.put(r, 1, "none (economic.carbon_paths_compared)")
        r += 1
    return r


def _multiples(ctx: WorkbookContext, sh: SheetWriter, row: int, result: AppraisalResult) -> None:
    """Per component and for the program: -ENPV without carbon / PV of the carbon value."""
    sh.put(row, 1, "Multiple of the chosen carbon path at which ENPV = 0", "head")
    sh.header(
        row + 1,
        (
            "Part",
            f"ENPV without carbon [{ctx.money}]",
            f"PV of the carbon value [{ctx.money}]",
            "Switching multiple",
            "Why none",
        ),
    )
    r = row + 2
    parts: list[tuple[Comp | None, str, dict[str, str], dict[str, Any]]] = [
        (c, c.comp.name, c.cells, c.res.summary["economic"]) for c in ctx.comps
    ]
    parts.append((None, "Program", ctx.prog_cells, result.program.summary["economic"]))
    for comp, name, cells, e in parts:
        w, p = cells["economic.enpv_without_carbon"], cells["economic.pv_carbon_value"]
        sh.put(r, 1, name)
        sh.formula(r, 2, w, e["enpv_without_carbon"], EXCEL_FORMATS["money"])
        sh.formula(r, 3, p, e["pv_carbon_value"], EXCEL_FORMATS["money"])
        m = f"-{sh.ref(r, 2, here=sh)}/{sh.ref(r, 3, here=sh)}"
        formula = f"IF({sh.ref(r, 3, here=sh)}=0,NA(),IF({m}>=0,{m},NA()))"
        coord = sh.formula(r, 4, formula, e["carbon_switching_multiple"], "0.0000", "key")
        ctx.name(_MULTIPLE, sh, coord, comp)
        if e.get("carbon_switching_multiple_reason"):
            sh.put(r, 5, e["carbon_switching_multiple_reason"])
        r += 1
