"""The Checks sheet: the engine's findings, and live checks recalculated with the inputs.

The findings (several IRRs or none, real and nominal mixed, inputs without a
source, carbon counted twice, lives cut at the horizon) are text; the live
checks are formulas: a real discount rate above 15% may be nominal, and the NPV
of the program's net benefit at its EIRR is 0 when the EIRR is a root.

Needs ``ctx.a``, ``ctx.prog_eco`` and ``ctx.prog_cells["economic.eirr"]``.
"""

from __future__ import annotations

import numpy as np

from appraisal.io.workbook.context import FIRST, WorkbookContext
from appraisal.result import AppraisalResult

__all__ = ["write_checks"]


def write_checks(ctx: WorkbookContext, result: AppraisalResult) -> None:
    """Write the Checks sheet."""
    sh = ctx.sheets["Checks"]
    sh.put(1, 1, "Checks", "title")
    sh.header(3, ("Code", "Severity", "Message"))
    row = 4
    for chk in result.checks:
        sh.put(row, 1, chk.code)
        sh.put(row, 2, chk.severity)
        sh.put(row, 3, chk.message)
        row += 1
    if not result.checks:
        sh.put(row, 1, "none")
        row += 1
    row += 1
    sh.put(row, 1, "Live checks (recalculated)", "head")
    row += 1
    e = result.summary["economic"]
    rate = e["discount_rate"]
    sh.put(row, 1, "real-nominal-mixed")
    warn = "warning" if rate > 0.15 else "ok"
    sh.formula(row, 2, f'IF({ctx.a["rate"]}>0.15,"warning","ok")', warn)
    sh.put(row, 3, "a real economic discount rate above 15% may be nominal")
    row += 1
    if e["eirr"] is not None:
        net = "net_with_carbon" if e["carbon_in_eirr"] else "net_without_carbon"
        flows = result.program.economic[net].to_numpy()
        # the check's value before recalculation: Excel NPV at the EIRR (about 0)
        npv_at = float(np.sum(flows / (1 + e["eirr"]) ** np.arange(1, ctx.n + 1)))
        sh.put(row, 1, "npv-at-eirr")
        key = "net_with" if e["carbon_in_eirr"] else "net_wo"
        rng = ctx.sheets["Economic cash flows"].col_range(ctx.prog_eco[key], FIRST, ctx.last)
        sh.formula(row, 2, f"NPV({ctx.prog_cells['economic.eirr']},{rng})", npv_at, "0.000000")
        sh.put(row, 3, "NPV of the program's net benefit at its EIRR: 0 when the EIRR is a root")
    sh.width("A", 24)
    sh.width("B", 12)
    sh.width("C", 120)
    ctx.finish(sh, "A4")
