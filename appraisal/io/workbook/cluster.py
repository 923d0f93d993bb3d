"""The cluster workbook: cities, emission trajectories, peaks and the MAC curve.

:func:`render_cluster_workbook` takes the cluster result (and optionally a fund
allocation, whose sheets come last) and returns the .xlsx bytes
(:func:`appraisal.io.xlsx_common.workbook_bytes`); the CLI writes them
atomically. Values are written as numbers (not formulas): these sheets report
results computed by the engine, whose own workbook carries the formulas.
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference, ScatterChart, Series

from appraisal.cluster import ClusterResult
from appraisal.formatting import EXCEL_FORMATS
from appraisal.fund import Allocation
from appraisal.io.gcpause import gc_paused
from appraisal.io.workbook.fund import add_fund_sheets
from appraisal.io.workbook.printing import finish_workbook
from appraisal.io.xlsx_common import SheetWriter, workbook_bytes

__all__ = ["render_cluster_workbook"]

_CITY_HEADS = (
    "city",
    "ENPV",
    "EIRR",
    "tCO2e avoided",
    "cost per tCO2e",
    "peak year",
    "peak tCO2e/yr",
    "target year",
    "on time",
)
_CITY_KINDS = (None, "money", "rate", "tonnes", "per_tonne", None, "tonnes", None, None)


def _formats(kinds: Any) -> list[str | None]:
    return [EXCEL_FORMATS[k] if k else None for k in kinds]


def _on_time(meets: bool | None) -> str | None:
    return None if meets is None else ("yes" if meets else "no")


@gc_paused
def render_cluster_workbook(cr: ClusterResult, fund: Allocation | None = None) -> bytes:
    """The cluster: cities, trajectories (with a chart), peaks, MAC curve; optional fund sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Cities"
    rows: list[list[Any]] = []
    for c in cr.cities:
        s = c.result.summary
        pk = c.peak
        rows.append(
            [
                c.name,
                s["economic"]["enpv"],
                s["economic"]["eirr"],
                s["ghg"]["reduction_tco2e_total"],
                s["abatement"]["cost_per_tco2e"],
                pk.peak_year,
                pk.peak_level,
                pk.target_year,
                _on_time(pk.meets_year),
            ]
        )
    e, p = cr.economic, cr.peak
    rows.append(
        [
            "CLUSTER",
            e["enpv"],
            e["eirr"],
            e["reduction_tco2e_total"],
            e["cost_per_tco2e"],
            p.peak_year,
            p.peak_level,
            p.target_year,
            _on_time(p.meets_year),
        ]
    )
    sh = SheetWriter(ws)
    sh.table(list(_CITY_HEADS), rows, _formats(_CITY_KINDS))
    s = cr.summary["cluster"]
    sh.put(
        len(rows) + 3,
        1,
        f"Money: {s['currency']} {s['unit']} ({s['price_year']} prices). "
        "Trajectory = baseline path - program reductions.",
    )
    _trajectory(wb, cr)
    _mac(wb, cr, s["currency"])
    if fund is not None:
        add_fund_sheets(wb, fund)
    finish_workbook(wb, "Cluster of cities")  # fonts, widths, page setup
    return workbook_bytes(wb)


def _trajectory(wb: Workbook, cr: ClusterResult) -> None:
    """Emissions by year, city and total, and their chart."""
    tw = SheetWriter(wb.create_sheet("Trajectory"))
    t = cr.trajectory
    headers = ["year", *t.columns]
    trows = [
        [int(y), *(float(v) for v in row)] for y, row in zip(t.index, t.to_numpy(), strict=True)
    ]
    tw.table(headers, trows, _formats([None, *(["tonnes"] * len(t.columns))]))
    chart = LineChart()
    chart.title = "Emissions with the programs, by city and in total"
    chart.y_axis.title = "tCO2e per year"
    chart.x_axis.title = "year"
    n = len(trows) + 1
    for j, col in enumerate(t.columns, start=2):
        if col.endswith(":with_program") or col == "total:baseline":
            chart.add_data(Reference(tw.ws, min_col=j, min_row=1, max_row=n), titles_from_data=True)
    chart.set_categories(Reference(tw.ws, min_col=1, min_row=2, max_row=n))
    chart.width, chart.height = 24, 12
    tw.ws.add_chart(chart, f"{tw.ws.cell(row=1, column=len(headers) + 2).column_letter}2")


def _mac(wb: Workbook, cr: ClusterResult, currency: str) -> None:
    """The MAC curve across every component of the cluster: table, step points, chart."""
    mw = SheetWriter(wb.create_sheet("MAC"))
    mrows = [
        [r["id"], r["city"], r["cost_per_tco2e"], r["annual_tco2e"], r["x_start"], r["x_end"]]
        for r in cr.mac.to_dict(orient="records")
    ]
    mw.table(
        ["component", "city", "cost per tCO2e", "tCO2e/yr", "from", "to"],
        mrows,
        _formats([None, None, "per_tonne", "tonnes", "tonnes", "tonnes"]),
    )
    # The MAC curve as a step line: each bar's top edge from x_start to x_end at its cost.
    col0 = 9
    mw.put(1, col0, "x (tCO2e/yr)")
    mw.put(1, col0 + 1, "cost per tCO2e")
    for k, r in enumerate(mrows):
        for m, x in enumerate((r[4], r[5])):
            mw.ws.cell(row=2 + 2 * k + m, column=col0, value=float(x))
            mw.ws.cell(row=2 + 2 * k + m, column=col0 + 1, value=float(r[2]))
    if mrows:
        sc = ScatterChart()
        sc.title = "MAC curve across every component of the cluster"
        sc.x_axis.title = "tCO2e avoided per year (cumulative)"
        sc.y_axis.title = f"{currency} per tCO2e"
        last = 1 + 2 * len(mrows)
        series = Series(
            Reference(mw.ws, min_col=col0 + 1, min_row=2, max_row=last),
            Reference(mw.ws, min_col=col0, min_row=2, max_row=last),
            title="cost per tCO2e",
        )
        sc.series.append(series)
        sc.width, sc.height = 24, 12
        mw.ws.add_chart(sc, "L2")
