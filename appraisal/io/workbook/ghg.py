"""The GHG and abatement sheet, its yearly part: carbon value and emissions.

The carbon value in case prices (the path x the deflator); per component and for
the program: emissions without and with the project and the reduction. The
totals, the abatement cost and the MAC curve below these columns are written
after the economic sheet (:mod:`.abatement`).

Needs ``ctx.carbon_path_col``, ``ctx.a`` and ``Comp.cols``; fills
``ctx.carbon_col``, ``ctx.prog_ghg`` and each ``Comp.ghg``.
"""

from __future__ import annotations

import pandas as pd
from openpyxl.utils import get_column_letter

from appraisal.formatting import EXCEL_FORMATS
from appraisal.io.workbook.context import FIRST, WorkbookContext
from appraisal.result import AppraisalResult

__all__ = ["write_ghg"]

_T = EXCEL_FORMATS["tonnes"]


def _difference(ctx: WorkbookContext, col: int) -> list[str]:
    """Year by year, column ``col`` less the next one."""
    a, b = get_column_letter(col), get_column_letter(col + 1)
    return [f"{a}{FIRST + i}-{b}{FIRST + i}" for i in range(ctx.n)]


def write_ghg(ctx: WorkbookContext, result: AppraisalResult) -> None:
    """Write the yearly columns; fill ``ctx.carbon_col``, ``ctx.prog_ghg`` and ``Comp.ghg``."""
    sh, inp = ctx.sheets["GHG and abatement"], ctx.sheets["Inputs"]
    ctx.year_header(sh, "GHG emissions and abatement cost")
    f_ = [f"{inp.ref(FIRST + i, ctx.carbon_path_col)}*{ctx.a['deflator']}" for i in range(ctx.n)]
    ctx.carbon_col = ctx.column(
        sh,
        2,
        "Carbon value",
        "Carbon value, case prices",
        "USD per tCO2e",
        formulas=f_,
        cached=result.carbon_price.to_numpy(),
        fmt=EXCEL_FORMATS["per_tonne"],
    )
    col = 4
    for c in ctx.comps:
        sh.put(2, col, c.comp.name, "head")
        copies = {key: ctx.copy_column(inp, c.cols[key]) for key in ("without", "with")}
        c.ghg.update(_block(ctx, col, copies, c.res.ghg))
        col += 4
    sh.put(2, col, "Program", "head")
    sums = {
        key: ctx.sum_columns(sh, [c.ghg[key] for c in ctx.comps]) for key in ("without", "with")
    }
    ctx.prog_ghg.update(_block(ctx, col, sums, result.program.ghg))
    sh.widths(8, 14, col + 3)


def _block(
    ctx: WorkbookContext, col: int, formulas: dict[str, list[str]], table: pd.DataFrame
) -> dict[str, int]:
    """Emissions without and with the project (``formulas``) and the reduction, from ``col``."""
    sh = ctx.sheets["GHG and abatement"]
    cols: dict[str, int] = {}
    for j, (key, label, src) in enumerate(
        (
            ("without", "Without project", "without_project"),
            ("with", "With project", "with_project"),
            ("reduction", "Reduction", "reduction"),
        )
    ):
        f_ = formulas.get(key) or _difference(ctx, col)
        cached = table[src].to_numpy()
        cols[key] = ctx.column(sh, col + j, "", label, "tCO2e", fmt=_T, formulas=f_, cached=cached)
    return cols
