"""The peak workbook: the cost of each target year, the projects chosen, the trajectories.

:func:`render_peak_workbook` writes a :class:`~appraisal.peak_plan.PeakPlan`
(``appraisal peak``) with the shared :class:`~appraisal.io.xlsx_common.SheetWriter`:
*Peak* (the curve: least cost by target year, with a chart, and the
explanation), *Peak projects* (each project, the exact and the MAC-order
choice, each city's peak) and *Peak trajectory* (emissions by year with the
choice, with a chart). Values are written as numbers (not formulas): these
sheets report results computed by the engine.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from appraisal.formatting import EXCEL_FORMATS
from appraisal.io.gcpause import gc_paused
from appraisal.io.mac_order import as_is, mac_order_rows
from appraisal.io.workbook.charts import year_lines
from appraisal.io.workbook.printing import finish_workbook
from appraisal.io.xlsx_common import SheetWriter, workbook_bytes
from appraisal.peak_plan import PeakPlan

__all__ = ["render_peak_workbook"]


def _formats(kinds: Any) -> list[str | None]:
    return [EXCEL_FORMATS[k] if k else None for k in kinds]


def _yes(flag: bool | None) -> str | None:
    return None if flag is None else ("yes" if flag else "no")


def _curve(wb: Workbook, p: PeakPlan) -> None:
    sh = SheetWriter(wb.active)
    sh.ws.title = "Peak"
    paid = "support" if p.objective == "support" else "economic cost"
    rows = [
        [c["target_year"], "yes" if c["feasible"] else "no", c["cost"] if c["feasible"] else None]
        for c in p.curve
    ]
    sh.table(["target year", "feasible", f"least {paid}"], rows, _formats([None, None, "money"]))
    chart = BarChart()
    chart.type = "col"
    chart.title = f"Least {paid} to peak by each target year ({p.scope}; none: infeasible)"
    chart.y_axis.title = p.money
    chart.x_axis.title = "target year"
    n = len(rows) + 1
    chart.add_data(Reference(sh.ws, min_col=3, min_row=1, max_row=n), titles_from_data=True)
    chart.set_categories(Reference(sh.ws, min_col=1, min_row=2, max_row=n))
    chart.width, chart.height = 18, 9
    sh.ws.add_chart(chart, "E2")
    cap = "none" if p.budget is None else f"{p.budget:,.2f} {p.money}"
    notes = [
        f"{p.cluster}: peak by {p.target_year}, scope {p.scope}, objective {p.objective}.",
        f"Money: {p.money}; support share {p.support_share:.0%}; budget cap: {cap}.",
        *p.explanation,
    ]
    for k, line in enumerate(notes):
        sh.put(n + 20 + k, 1, line)


def _projects(wb: Workbook, p: PeakPlan) -> None:
    sh = SheetWriter(wb.create_sheet("Peak projects"))
    keys = ["id", "city", "support", "economic_cost", "tco2e", "cost_per_tco2e"]
    rows = mac_order_rows(p.projects, [(k, as_is) for k in keys])
    exact = "exact" if p.exact.feasible else "closest"
    heads = ["project", "city", "support", "economic cost", "tCO2e", "cost per tCO2e"]
    kinds = [None, None, "money", "money", "tonnes", "per_tonne", None, None]
    sh.table([*heads, exact, "MAC order"], rows, _formats(kinds))
    top = len(rows) + 3
    peaks = [
        [name, pk.peak_year, pk.peak_level, _yes(pk.peaked_within_horizon), _yes(pk.meets_year)]
        for name, pk in [*p.cities, ("CLUSTER", p.total)]
    ]
    sh.table(
        ["city", "peak year", "peak tCO2e/yr", "peaked in horizon", "on time"],
        peaks,
        _formats([None, None, "tonnes", None, None]),
        top=top,
    )


def _trajectory(wb: Workbook, p: PeakPlan) -> None:
    sh = SheetWriter(wb.create_sheet("Peak trajectory"))
    t = p.trajectory
    rows = [
        [int(y), *(float(v) for v in row)] for y, row in zip(t.index, t.to_numpy(), strict=True)
    ]
    sh.table(["year", *t.columns], rows, _formats([None, *(["tonnes"] * len(t.columns))]))
    lines = [(j, c) for j, c in enumerate(t.columns, start=2) if c.endswith(":with_choice")]
    anchor = f"{sh.ws.cell(row=1, column=len(t.columns) + 3).column_letter}2"
    title = f"Emissions with the {'exact' if p.exact.feasible else 'closest'} choice"
    year_lines(sh.ws, title, "tCO2e per year", lines, (2, len(rows) + 1), anchor)


@gc_paused
def render_peak_workbook(p: PeakPlan) -> bytes:
    """The peak plan: curve (with a chart), projects and peaks, trajectories (with a chart)."""
    wb = Workbook()
    _curve(wb, p)
    _projects(wb, p)
    _trajectory(wb, p)
    finish_workbook(wb, "Peak plan")  # fonts, widths, page setup
    return workbook_bytes(wb)
