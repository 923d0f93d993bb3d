"""The Summary sheet: the program's results against their hurdles, and ENPV by component.

Each indicator is a formula of its defined name (EIRR vs the discount rate, FIRR
vs the WACC, ENPV and FNPV vs 0, BCR and DSCR vs 1), with and without carbon,
and whether it meets the hurdle; then ENPV by component without and with carbon
and its bar chart.

Needs the defined names and the ``economic.enpv_*`` entries of ``Comp.cells``
(every earlier sheet); fills nothing.
"""

from __future__ import annotations

from typing import Any

from appraisal.formatting import EXCEL_FORMATS
from appraisal.io.workbook import charts
from appraisal.io.workbook.context import WorkbookContext
from appraisal.io.workbook.names import SUMMARY_ROWS
from appraisal.result import AppraisalResult

__all__ = ["write_summary"]


def _flat_summary(s: dict[str, Any]) -> dict[str, Any]:
    """Scalar figures of the JSON summary by defined name (``economic_eirr``)."""
    out: dict[str, Any] = {}
    for block in ("economic", "financial", "ghg", "abatement", "cobenefits"):
        for k, v in s[block].items():
            if not isinstance(v, dict | list):
                out[f"{block}_{k}"] = v
    return out


def write_summary(ctx: WorkbookContext, result: AppraisalResult) -> None:
    """Write the Summary sheet."""
    sh = ctx.sheets["Summary"]
    units = {"money": ctx.money, "currency": ctx.meta.currency}
    sh.put(1, 1, f"Appraisal summary: {ctx.meta.name}", "title")
    sh.put(2, 1, f"Money in {ctx.money}; rates are real; values are live formulas")
    sh.header(4, ("Indicator", "Value", "Hurdle", "Result", "Unit"), "head")
    flat = _flat_summary(result.summary)
    for i, (label, nm, hurdle, kind, unit) in enumerate(SUMMARY_ROWS):
        r = 5 + i
        fmt = EXCEL_FORMATS[kind]
        sh.put(r, 1, label)
        value = flat[nm]
        sh.formula(r, 2, nm, value, fmt, "key")
        if hurdle:
            hv = flat.get(hurdle, float(hurdle) if hurdle[0].isdigit() else None)
            sh.formula(r, 3, hurdle, hv, fmt)
            meets = "n/a" if value is None or hv is None else ("meets" if value >= hv else "below")
            sh.formula(
                r,
                4,
                f'IF(AND(ISNUMBER(B{r}),ISNUMBER(C{r})),IF(B{r}>=C{r},"meets","below"),"n/a")',
                meets,
            )
        sh.put(r, 5, unit.format(**units))
    r = 5 + len(SUMMARY_ROWS) + 1
    sh.header(r, ("ENPV by component", "without carbon", "with carbon"))
    money = EXCEL_FORMATS["money"]
    for i, c in enumerate(ctx.comps):
        e = c.res.summary["economic"]
        sh.put(r + 1 + i, 1, c.comp.name)
        for col, key in ((2, "enpv_without_carbon"), (3, "enpv_with_carbon")):
            sh.formula(r + 1 + i, col, c.cells[f"economic.{key}"], e[key], money)
    # below the tables, so the sheet prints on one page
    charts.enpv_bars(sh.ws, r, len(ctx.comps), ctx.money, f"A{r + len(ctx.comps) + 3}")
    sh.widths(44, 16, 5)
    sh.width("E", 30)
    ctx.finish(sh, "A5", landscape=True)
