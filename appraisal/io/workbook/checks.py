"""The Checks sheet: the engine's findings, and live checks recalculated with the inputs.

The findings (several IRRs or none, real and nominal mixed, inputs without a
source, carbon counted twice, lives cut at the horizon) are text, each named in
words (:func:`appraisal.checks.check_label`); the live checks are formulas, each
with its limit in a setting cell and a TRUE/FALSE "Passes" cell (shown so in
LibreOffice too, :data:`PASSES_FORMAT`): a real discount rate above 15% may be
nominal, and the NPV of the program's net benefit at its EIRR is 0 when the EIRR
is a root. The master check below them (defined name ``checks_all_pass``) is TRUE
when every live check passes.

Needs ``ctx.a``, ``ctx.prog_eco`` and ``ctx.prog_cells["economic.eirr"]``.
"""

from __future__ import annotations

from openpyxl.styles import Alignment

from appraisal.checks import check_label
from appraisal.finance import npv
from appraisal.io.workbook.context import FIRST, WorkbookContext
from appraisal.io.xlsx_common import STYLE
from appraisal.result import AppraisalResult

__all__ = [
    "MASTER_CHECK",
    "NPV_AT_EIRR_TOLERANCE",
    "PASSES_FORMAT",
    "REAL_RATE_LIMIT",
    "write_checks",
]

MASTER_CHECK = "checks_all_pass"  # the defined name of the master check (TRUE: all pass)
# A real economic discount rate above 15% is likely nominal (the engine's check
# real-nominal-mixed, appraisal/checks.py, uses the same limit).
REAL_RATE_LIMIT = 0.15
# NPV at the EIRR, as a share of the PV of costs. Excel's IRR is accurate to
# 0.00001 percent (Microsoft, "IRR function"): a rate off by 1e-7 moves the NPV
# by under 1e-5 of the PV of the flows when their duration is under 100 years,
# so 1e-4 leaves a margin of ten and still catches an IRR that is not a root.
NPV_AT_EIRR_TOLERANCE = 1e-4
# TRUE or FALSE: Excel and Gnumeric show a boolean so anyway; LibreOffice shows the
# cached boolean of an .xlsx formula as 1 or 0 unless the number format says
# otherwise (the input template's BOOL, appraisal/io/template/printing.py). Not on
# the master check: LibreOffice saves a cell in this format as a number, and the
# master must stay a boolean (tests/test_workbook.py reads it back after a save).
PASSES_FORMAT = '"TRUE";"TRUE";"FALSE"'
# Centred, as Excel shows a boolean (LibreOffice would put it right, as a number).
_CENTRE = Alignment(horizontal="center")
_PASSES = {**STYLE["calc"], "alignment": _CENTRE}
_MASTER = {**STYLE["key"], "alignment": _CENTRE}


def write_checks(ctx: WorkbookContext, result: AppraisalResult) -> None:
    """Write the Checks sheet.

    The findings' messages and the live checks' descriptions share column C, the
    sheet's one long-text column, so a message never widens the limits' column;
    the finding and its severity, and the check and whether it passes, share A and B.
    """
    sh = ctx.sheets["Checks"]
    sh.put(1, 1, "Checks", "title")
    sh.header(3, ("Finding", "Severity", "Message"))
    row = 4
    for chk in result.checks:
        sh.put(row, 1, check_label(chk.code))
        sh.put(row, 2, chk.severity)
        sh.put(row, 3, chk.message)
        row += 1
    if not result.checks:
        sh.put(row, 1, "none")
        row += 1
    row += 1
    sh.put(row, 1, "Live checks (recalculated)", "head")
    row += 1
    sh.header(row, ("Check", "Passes", "What it checks", "Value", "Limit"))
    first = row + 1
    e = result.summary["economic"]
    rate = e["discount_rate"]
    row += 1
    # the limits are setting cells, not constants inside the formulas (FAST Standard)
    sh.put(row, 1, "Real discount rate plausible")
    sh.formula(row, 2, f"D{row}<=E{row}", rate <= REAL_RATE_LIMIT, PASSES_FORMAT, _PASSES)
    sh.put(row, 3, "a real economic discount rate above the limit may be nominal")
    sh.formula(row, 4, ctx.a["rate"], rate, "0.00%")
    sh.put(row, 5, REAL_RATE_LIMIT, "setting", "0.00%")
    if e["eirr"] is not None:
        row += 1
        net = "net_with_carbon" if e["carbon_in_eirr"] else "net_without_carbon"
        flows = result.program.economic[net].to_numpy()
        # the check's value before recalculation: Excel NPV at the EIRR (about 0)
        npv_at = float(npv(e["eirr"], flows))  # Excel NPV, as the formula
        sh.put(row, 1, "NPV at the EIRR is zero")
        costs = ctx.prog_cells["economic.pv_costs"]
        sh.formula(
            row,
            2,
            f"ABS(D{row})<=E{row}*ABS({costs})",
            abs(npv_at) <= NPV_AT_EIRR_TOLERANCE * abs(e["pv_costs"]),
            PASSES_FORMAT,
            _PASSES,
        )
        sh.put(row, 3, "NPV of the program's net benefit at its EIRR, within the limit times "
                       "the PV of costs: 0 when the EIRR is a root")  # fmt: skip
        key = "net_with" if e["carbon_in_eirr"] else "net_wo"
        rng = ctx.sheets["Economic cash flows"].col_range(ctx.prog_eco[key], FIRST, ctx.last)
        sh.formula(row, 4, f"NPV({ctx.prog_cells['economic.eirr']},{rng})", npv_at, "0.000000")
        sh.put(row, 5, NPV_AT_EIRR_TOLERANCE, "setting", "0.0E+00")
    row += 2
    ok = all(ctx.names.cached[(sh.title, f"B{r}")] is True for r in range(first, row - 1))
    sh.put(row, 1, "All live checks pass", "bold")
    coord = sh.formula(row, 2, f"AND(B{first}:B{row - 2})", ok, None, _MASTER)
    ctx.names.define(MASTER_CHECK, sh.ws, coord)
    sh.formula(row, 3, f'IF(B{row},"OK","check the rows marked FALSE")',
               "OK" if ok else "check the rows marked FALSE")  # fmt: skip
    ctx.finish(sh, "A4")
