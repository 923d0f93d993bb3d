"""The charts of the appraisal workbook (openpyxl charts over cells of its sheets).

- :func:`year_lines`: yearly lines (the program's net economic benefit, its
  emissions without and with the project), years from column A.
- :func:`mac_curve`: the marginal abatement cost curve as a stepped line.
- :func:`enpv_bars`: ENPV by component, without and with carbon.
"""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.worksheet.worksheet import Worksheet

__all__ = ["enpv_bars", "mac_curve", "year_lines"]


def year_lines(
    ws: Worksheet,
    title: str,
    y_title: str,
    lines: Sequence[tuple[int, str]],
    rows: tuple[int, int],
    anchor: str,
) -> None:
    """One line per (column, label) over ``rows`` (first, last), years in column A."""
    first, last = rows
    chart = LineChart()
    chart.title = title
    chart.y_axis.title = y_title
    for col, label in lines:
        values = Reference(ws, min_col=col, min_row=first, max_row=last)
        chart.series.append(Series(values, title=label))
    chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    chart.height, chart.width = 8, 16
    ws.add_chart(chart, anchor)


def mac_curve(ws: Worksheet, first: int, last: int, currency: str, anchor: str) -> None:
    """Cost per tonne (column C) against tonnes a year (column B), rows ``first``-``last``."""
    chart = ScatterChart()
    chart.title = "Marginal abatement cost curve"
    chart.style = 13
    chart.x_axis.title = "tCO2e avoided a year"
    chart.y_axis.title = f"{currency} per tCO2e"
    xref = Reference(ws, min_col=2, min_row=first, max_row=last)
    yref = Reference(ws, min_col=3, min_row=first, max_row=last)
    chart.series.append(Series(yref, xref, title="cost per tonne"))
    chart.height, chart.width = 8, 16
    ws.add_chart(chart, anchor)


def enpv_bars(ws: Worksheet, head: int, n: int, money: str, anchor: str) -> None:
    """Bars of columns B and C (headings in row ``head``, ``n`` components below)."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = "ENPV by component, without and with carbon"
    chart.x_axis.title = "Component"
    chart.y_axis.title = f"ENPV, {money}"
    chart.x_axis.tickLblPos = "low"  # component names left of the plot, off the bars
    chart.legend.position = "b"
    data = Reference(ws, min_col=2, max_col=3, min_row=head, max_row=head + n)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=head + 1, max_row=head + n))
    chart.height, chart.width = 9, 18
    ws.add_chart(chart, anchor)
