"""Workbooks of the cluster, fund and comparison results (openpyxl, deterministic bytes).

Each renderer takes the result object and returns the .xlsx bytes
(:func:`appraisal.io.xlsx_common.workbook_bytes`); the CLI writes them
atomically. Values are written as numbers (not formulas): these sheets report
results computed by the engine, whose own workbook carries the formulas.
"""

from __future__ import annotations

import math
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.styles import Font

from appraisal.cluster import ClusterResult
from appraisal.formatting import EXCEL_FORMATS
from appraisal.fund import Allocation
from appraisal.io.xlsx_common import set_text, workbook_bytes

__all__ = ["render_cluster_workbook", "render_compare_workbook", "render_fund_workbook"]

BOLD = Font(bold=True)


def _val(v: Any) -> Any:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def _write_rows(ws: Any, headers: list[str], rows: list[list[Any]], formats: list[str]) -> None:
    for j, h in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=j)
        set_text(cell, h)
        cell.font = BOLD
    for i, row in enumerate(rows, start=2):
        for j, v in enumerate(row, start=1):
            cell = ws.cell(row=i, column=j)
            v = _val(v)
            if isinstance(v, str):
                set_text(cell, v)
            else:
                cell.value = v
                if formats[j - 1]:
                    cell.number_format = EXCEL_FORMATS[formats[j - 1]]
    for j, h in enumerate(headers, start=1):
        ws.column_dimensions[ws.cell(row=1, column=j).column_letter].width = max(12, len(h) + 2)


def _fund_sheet(wb: Any, a: Allocation) -> None:
    ws = wb.create_sheet("Fund")
    p = a.projects.sort_values(["cost_per_tco2e", "id"], na_position="last")
    headers = ["project", "city", "support", "tCO2e", "ENPV", "cost per tCO2e", "exact", "greedy"]
    rows = [
        [
            r["id"],
            r["city"],
            r["support"],
            r["tco2e"],
            r["enpv"],
            r["cost_per_tco2e"],
            "x" if r["exact"] else "",
            "x" if r["greedy"] else "",
        ]
        for r in p.to_dict(orient="records")
    ]
    _write_rows(ws, headers, rows, ["", "", "money", "tonnes", "money", "per_tonne", "", ""])
    r0 = len(rows) + 3
    notes = [
        f"Budget: {a.budget:,.2f} {a.money}; objective: {a.objective}; status: {a.status}",
        f"Exact: {a.exact_value}; greedy MAC order: {a.greedy_value}",
        *a.explanation,
    ]
    for k, line in enumerate(notes):
        set_text(ws.cell(row=r0 + k, column=1), line)
    by_city = a.spent_by_city()
    ws2 = wb.create_sheet("Fund by city")
    _write_rows(
        ws2,
        ["city", "exact", "greedy"],
        [[c, row["exact"], row["greedy"]] for c, row in by_city.iterrows()],
        ["", "money", "money"],
    )
    chart = BarChart()
    chart.type = "col"
    chart.title = "Support by city: exact vs greedy MAC order"
    chart.y_axis.title = a.money
    data = Reference(ws2, min_col=2, max_col=3, min_row=1, max_row=len(by_city) + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws2, min_col=1, min_row=2, max_row=len(by_city) + 1))
    ws2.add_chart(chart, "E2")


def render_fund_workbook(a: Allocation) -> bytes:
    """The fund allocation: projects, the two choices, the explanation and a chart."""
    wb = Workbook()
    wb.remove(wb.active)
    _fund_sheet(wb, a)
    return workbook_bytes(wb)


def render_cluster_workbook(cr: ClusterResult, fund: Allocation | None = None) -> bytes:
    """The cluster: cities, trajectories (with a chart), peaks, MAC curve; optional fund sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Cities"
    rows = []
    for c in cr.cities:
        s = c.result.summary
        rows.append(
            [
                c.name,
                s["economic"]["enpv"],
                s["economic"]["eirr"],
                s["ghg"]["reduction_tco2e_total"],
                s["abatement"]["cost_per_tco2e"],
                c.peak.peak_year,
                c.peak.peak_level,
                c.peak.target_year,
                None if c.peak.meets_year is None else ("yes" if c.peak.meets_year else "no"),
            ]
        )
    e = cr.economic
    p = cr.peak
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
            None if p.meets_year is None else ("yes" if p.meets_year else "no"),
        ]
    )
    _write_rows(
        ws,
        [
            "city",
            "ENPV",
            "EIRR",
            "tCO2e avoided",
            "cost per tCO2e",
            "peak year",
            "peak tCO2e/yr",
            "target year",
            "on time",
        ],
        rows,
        ["", "money", "rate", "tonnes", "per_tonne", "", "tonnes", "", ""],
    )
    s = cr.summary["cluster"]
    set_text(
        ws.cell(row=len(rows) + 3, column=1),
        f"Money: {s['currency']} {s['unit']} ({s['price_year']} prices). "
        "Trajectory = baseline path - program reductions.",
    )

    tw = wb.create_sheet("Trajectory")
    t = cr.trajectory
    headers = ["year", *t.columns]
    trows = [
        [int(y), *(float(v) for v in row)] for y, row in zip(t.index, t.to_numpy(), strict=True)
    ]
    _write_rows(tw, headers, trows, ["", *(["tonnes"] * len(t.columns))])
    chart = LineChart()
    chart.title = "Emissions with the programs, by city and in total"
    chart.y_axis.title = "tCO2e per year"
    chart.x_axis.title = "year"
    n = len(trows) + 1
    for j, col in enumerate(t.columns, start=2):
        if col.endswith(":with_program") or col == "total:baseline":
            chart.add_data(Reference(tw, min_col=j, min_row=1, max_row=n), titles_from_data=True)
    chart.set_categories(Reference(tw, min_col=1, min_row=2, max_row=n))
    chart.width, chart.height = 24, 12
    tw.add_chart(chart, f"{tw.cell(row=1, column=len(headers) + 2).column_letter}2")

    mw = wb.create_sheet("MAC")
    mac = cr.mac
    mrows = [
        [r["id"], r["city"], r["cost_per_tco2e"], r["annual_tco2e"], r["x_start"], r["x_end"]]
        for r in mac.to_dict(orient="records")
    ]
    _write_rows(
        mw,
        ["component", "city", "cost per tCO2e", "tCO2e/yr", "from", "to"],
        mrows,
        ["", "", "per_tonne", "tonnes", "tonnes", "tonnes"],
    )
    # The MAC curve as a step line: each bar's top edge from x_start to x_end at its cost.
    col0 = 9
    set_text(mw.cell(row=1, column=col0), "x (tCO2e/yr)")
    set_text(mw.cell(row=1, column=col0 + 1), "cost per tCO2e")
    for k, r in enumerate(mrows):
        for m, x in enumerate((r[4], r[5])):
            mw.cell(row=2 + 2 * k + m, column=col0, value=float(x))
            mw.cell(row=2 + 2 * k + m, column=col0 + 1, value=float(r[2]))
    if mrows:
        sc = ScatterChart()
        sc.title = "MAC curve across every component of the cluster"
        sc.x_axis.title = "tCO2e avoided per year (cumulative)"
        sc.y_axis.title = f"{s['currency']} per tCO2e"
        last = 1 + 2 * len(mrows)
        series = Series(
            Reference(mw, min_col=col0 + 1, min_row=2, max_row=last),
            Reference(mw, min_col=col0, min_row=2, max_row=last),
            title="cost per tCO2e",
        )
        sc.series.append(series)
        sc.width, sc.height = 24, 12
        mw.add_chart(sc, "L2")
    if fund is not None:
        _fund_sheet(wb, fund)
    return workbook_bytes(wb)


def render_compare_workbook(sbs: Any, versions: Any = None) -> bytes:
    """The comparison: side by side, and for two versions the changed inputs and their effects."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Side by side"
    names = [c for c in sbs.columns if c != "label"]
    _write_rows(
        ws,
        ["figure", *names],
        [[row["label"], *(row[n] for n in names)] for _, row in sbs.iterrows()],
        ["", *([""] * len(names))],
    )
    if versions is not None:
        cw = wb.create_sheet("Changes")
        cols = list(versions.changes.columns)
        rows = [
            [v if isinstance(v, int | float | type(None)) else str(v) for v in rec.values()]
            for rec in versions.changes.to_dict(orient="records")
        ]
        _write_rows(cw, cols, rows, [""] * len(cols))
    return workbook_bytes(wb)
