"""The fund workbook: the projects a budget supports, exact vs greedy MAC order.

:func:`render_fund_workbook` writes the allocation on its own; the cluster
workbook (:mod:`.cluster`) adds the same sheets after its own. Values are
written as numbers (not formulas): these sheets report results computed by the
engine, whose own workbook carries the formulas.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference

from appraisal.formatting import EXCEL_FORMATS
from appraisal.fund import Allocation
from appraisal.io.gcpause import gc_paused
from appraisal.io.mac_order import as_is, mac_order_rows
from appraisal.io.workbook.printing import finish_workbook
from appraisal.io.xlsx_common import SheetWriter, workbook_bytes

__all__ = ["add_fund_sheets", "render_fund_workbook"]


def add_fund_sheets(wb: Workbook, a: Allocation) -> None:
    """The Fund sheet (projects, the two choices, the explanation) and Fund by city (chart)."""
    sh = SheetWriter(wb.create_sheet("Fund"))
    headers = ["project", "city", "support", "tCO2e", "ENPV", "cost per tCO2e", "exact", "greedy"]
    keys = ["id", "city", "support", "tco2e", "enpv", "cost_per_tco2e"]
    rows = mac_order_rows(a.projects, [(k, as_is) for k in keys])
    kinds = [None, None, "money", "tonnes", "money", "per_tonne", None, None]
    sh.table(headers, rows, [EXCEL_FORMATS[k] if k else None for k in kinds])
    r0 = len(rows) + 3
    notes = [
        f"Budget: {a.budget:,.2f} {a.money}; objective: {a.objective}; status: {a.status}",
        f"Exact: {a.exact_value}; greedy MAC order: {a.greedy_value}",
        *a.explanation,
    ]
    for k, line in enumerate(notes):
        sh.put(r0 + k, 1, line)
    by_city = a.spent_by_city()
    sh2 = SheetWriter(wb.create_sheet("Fund by city"))
    money = EXCEL_FORMATS["money"]
    sh2.table(
        ["city", "exact", "greedy"],
        [[c, row["exact"], row["greedy"]] for c, row in by_city.iterrows()],
        [None, money, money],
    )
    chart = BarChart()
    chart.type = "col"
    chart.title = "Support by city: exact vs greedy MAC order"
    chart.y_axis.title = a.money
    data = Reference(sh2.ws, min_col=2, max_col=3, min_row=1, max_row=len(by_city) + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sh2.ws, min_col=1, min_row=2, max_row=len(by_city) + 1))
    sh2.ws.add_chart(chart, "E2")


@gc_paused
def render_fund_workbook(a: Allocation) -> bytes:
    """The fund allocation: projects, the two choices, the explanation and a chart."""
    wb = Workbook()
    wb.remove(wb.active)
    add_fund_sheets(wb, a)
    finish_workbook(wb, "Climate fund allocation")  # fonts, widths, page setup
    return workbook_bytes(wb)
