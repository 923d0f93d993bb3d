"""The appraisal workbook: a development bank's economic and financial analysis annex.

:func:`render_workbook` turns an :class:`~appraisal.result.AppraisalResult` into
the bytes of an .xlsx in which every result is a live Excel formula over input
cells (``docs/workbook.md`` describes the layout, the colour code and the
defined names). Sheets: Summary, Assumptions, Inputs, Investment costs,
Economic cash flows, Financial, GHG and abatement, Carbon values (the
compared carbon paths, :mod:`.carbon`), Co-benefits, Checks, and the
Sensitivity and Risk sheets (:mod:`.uncertainty_sheets`). One module per sheet
writes it with the shared :class:`~appraisal.io.xlsx_common.SheetWriter`;
:class:`~appraisal.io.workbook.context.WorkbookContext` carries the references
one sheet leaves for the next. The cluster, fund, peak and comparison workbooks
are :mod:`.cluster`, :mod:`.fund`, :mod:`.peak` and :mod:`.compare`.

How the values stay visible and equal to the JSON
-------------------------------------------------
openpyxl writes formulas without cached values, so a viewer that does not
calculate would show empty cells. Every formula cell is therefore registered
with the value the engine computed for it (from the result object: the JSON
summary for the indicators, the result's tables for the yearly rows), and
after saving, :func:`add_cached_values` writes that value into the cell's
``<v>`` element. Excel recalculates on load anyway (``fullCalcOnLoad``); the
tests recalculate with LibreOffice and compare every defined name with the
JSON, so a formula that disagrees with its cached value cannot pass.

Defined names
-------------
Every scalar key of the JSON contract (``docs/json-summary.md``) has a
workbook-level name: the key path with dots replaced by underscores
(``economic_eirr``, ``cobenefits_pollutants_avoided_t_pm25``); per component
the same with the prefix ``c_<id>_`` where ``-`` in the id becomes ``_``
(``c_bus_priority_economic_enpv``). ``*_reason`` texts and ``*_roots`` lists
are not named (they describe the figures at the time of writing; the reason is
shown beside an ``n/a`` cell). A figure the engine reports as null shows
``#N/A`` (``=NA()``, or a live ``IF`` that yields ``NA()``). The labels, units
and formats of the named figures are listed in :mod:`.names`.

The uncertainty sheets
----------------------
When ``result.sensitivity`` or ``result.risk`` is set, :func:`render_workbook`
calls ``add_sheets(wb, result, names)`` of :mod:`.uncertainty_sheets` before
saving, where ``names`` is the :class:`WorkbookNames` of this workbook:
``names.refs`` maps every defined name to its absolute reference (e.g.
``"'Economic cash flows'!$C$40"``), so the sensitivity formulas can point at
the live inputs (``economic_discount_rate``) and results; ``names.define(name,
ws, "C5")`` adds a defined name and ``names.cache(ws, "C5", value)`` registers
the cached value of a formula cell written there (every formula cell needs one,
see above). Use :data:`STYLE` ``"input"``/``"calc"`` for the colour code.
"""

from __future__ import annotations

from appraisal.io.gcpause import gc_paused
from appraisal.io.workbook.abatement import write_abatement
from appraisal.io.workbook.about import write_about
from appraisal.io.workbook.assumptions import write_assumptions
from appraisal.io.workbook.carbon import write_carbon
from appraisal.io.workbook.checks import write_checks
from appraisal.io.workbook.climate_finance import write_climate_finance
from appraisal.io.workbook.cluster import render_cluster_workbook
from appraisal.io.workbook.cobenefits import write_cobenefits
from appraisal.io.workbook.compare import render_compare_workbook
from appraisal.io.workbook.context import WorkbookContext, name_for
from appraisal.io.workbook.economic import write_economic
from appraisal.io.workbook.financial import write_financial
from appraisal.io.workbook.fiscal import write_fiscal
from appraisal.io.workbook.fund import render_fund_workbook
from appraisal.io.workbook.ghg import write_ghg
from appraisal.io.workbook.inputs import write_inputs
from appraisal.io.workbook.investment import write_investment
from appraisal.io.workbook.peak import render_peak_workbook
from appraisal.io.workbook.printing import finish_workbook
from appraisal.io.workbook.register import write_register
from appraisal.io.workbook.summary import write_summary
from appraisal.io.workbook.uncertainty_sheets import add_sheets
from appraisal.io.xlsx_common import NA, STYLE, WorkbookNames, add_cached_values, workbook_bytes
from appraisal.result import AppraisalResult

__all__ = [
    "NA",
    "STYLE",
    "WorkbookNames",
    "add_cached_values",
    "name_for",
    "render_cluster_workbook",
    "render_compare_workbook",
    "render_fund_workbook",
    "render_peak_workbook",
    "render_workbook",
]

# The steps in the order the formulas impose: a step may point only at cells an
# earlier one placed (WorkbookContext says which step fills which reference).
STEPS = (
    write_assumptions,
    write_inputs,
    write_investment,
    write_ghg,
    write_economic,
    write_abatement,  # needs the economic PVs
    write_carbon,  # needs the program's GHG and economic columns and every ENPV cell
    write_financial,  # with the loan
    write_fiscal,  # needs the loan schedule; only with [fiscal]
    write_cobenefits,
    write_climate_finance,  # needs the investment columns and the GHG totals
    write_summary,
    write_checks,
    write_register,  # needs every live cell
)


@gc_paused
def render_workbook(result: AppraisalResult) -> bytes:
    """The appraisal workbook of a result, as deterministic .xlsx bytes.

    Parameters
    ----------
    result
        What :func:`appraisal.appraise` returned.

    Returns
    -------
    bytes
        The .xlsx file: live formulas with cached values, a defined name per
        JSON key (``docs/workbook.md``); same result, same bytes.
    """
    ctx = WorkbookContext.start(result)
    for step in STEPS:
        step(ctx, result)
    if result.sensitivity is not None or result.risk is not None:
        add_sheets(ctx.wb, result, ctx.names)
    write_about(ctx, result)  # first sheet: lists every sheet written above
    finish_workbook(ctx.wb, ctx.meta.name, ctx.names.cached)  # fonts, n/a, widths, printing
    return workbook_bytes(ctx.wb, ctx.names.cached)  # with the cached values, zipped once
