"""The Risk sheet of the appraisal workbook: the Monte Carlo risk analysis (issue 5).

Written when a risk analysis was run: the summary figures (values: they come
from the draws, which a spreadsheet does not hold), the uncertain inputs with
their sources, and the ENPV histogram, S-curve and EIRR histogram with charts.
Each scalar of the JSON ``risk`` block gets the defined name ``risk_<key>``.
Everything is read from ``result.risk`` (:class:`~appraisal.uncertainty.RiskResult`).
"""

from __future__ import annotations

import math

import pandas as pd
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook

from appraisal.io.xlsx_common import MONEY_FORMAT, PERCENT_FORMAT, SheetWriter, WorkbookNames
from appraisal.result import AppraisalResult

__all__ = ["add_risk_sheet"]


_DRIVERS_COL = 22  # column V: right of the three histogram tables


def _drivers(w: SheetWriter, drivers: pd.DataFrame, col: int, rank_draws: int | None) -> None:
    """What drives the risk: the drivers table from row 4, column ``col``; its bar chart below."""
    w.put(4, col, "What drives the risk (docs/methods.md, risk drivers)", "bold")
    w.put(5, col, f"Rank correlation with the ENPV over the first {rank_draws or 0:,} draws; "
                  "variance share: squared standardised regression coefficients over every "
                  "draw, normalised to sum to 1")  # fmt: skip
    heads = ("Variable", "Rank correlation", "Share of ENPV variance", "Standardised coefficient")
    for j, h in enumerate(heads):
        w.put(6, col + j, h, "bold")
    for q, rec in enumerate(drivers.itertuples(index=False)):
        w.put(7 + q, col, str(rec.variable), "fixed")
        for j, fmt in ((1, "0.00"), (2, PERCENT_FORMAT), (3, "0.00")):
            v = rec[j]
            w.put(7 + q, col + j, math.nan if v is None else float(v), "fixed", fmt)
    last = 6 + len(drivers)
    chart = BarChart()
    chart.type = "bar"  # horizontal: the largest driver on top, as a tornado reads
    chart.title = "What drives the ENPV: share of its variance"
    chart.x_axis.title = "input"
    chart.y_axis.title = "share of ENPV variance"
    data = Reference(w.ws, min_col=col + 2, min_row=6, max_row=last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(w.ws, min_col=col, min_row=7, max_row=last))
    chart.x_axis.scaling.orientation = "maxMin"
    chart.height, chart.width = 8, 16
    w.ws.add_chart(chart, f"{get_column_letter(col)}{last + 3}")


def add_risk_sheet(
    wb: Workbook, result: AppraisalResult, names: WorkbookNames | None = None
) -> None:
    """Add the Risk sheet of ``result.risk`` (nothing when no risk analysis was run).

    The parameters are those of :func:`appraisal.io.workbook.uncertainty_sheets.add_sheets`;
    the ``risk_<key>`` names are defined in ``names``.
    """
    rr = result.risk
    if rr is None:
        return
    s = rr.summary
    meta = result.case.meta
    ws = wb.create_sheet("Risk")
    w = SheetWriter(ws, names)
    w.put(1, 1, "Risk analysis: Monte Carlo over the case's uncertain inputs", "bold")
    w.put(2, 1, f"{s['draws']:,} draws, seed {s['seed']}; money in {meta.money}; figures from the "
                "draws, fixed when written (appraisal risk CASE --draws N --seed S)")  # fmt: skip
    w.put(4, 1, "Figure", "bold")
    w.put(4, 2, "Value", "bold")
    r = 5
    for key, value in s.items():
        if isinstance(value, list | dict):
            continue
        w.put(r, 1, key)
        fmt = PERCENT_FORMAT if key.startswith(("eirr", "p_", "hurdle")) else None
        fmt = MONEY_FORMAT if key.startswith("enpv") else fmt
        if value is None:  # as everywhere in the workbook: a null figure shows #N/A
            coord = w.formula(r, 2, "NA()", math.nan, fmt, "fixed")
        else:
            coord = w.put(r, 2, value, "fixed", fmt)
        if names is not None:
            names.define(f"risk_{key}", ws, coord)
        r += 1
    r += 1
    w.put(r, 1, "Uncertain inputs", "bold")
    cols = ("id", "distribution", "min", "mode", "max", "mean", "sd", "source")
    for j, h in enumerate(cols, start=1):
        w.put(r + 1, j, h, "bold")
    for q, v in enumerate(s["variables"]):
        for j, h in enumerate(cols, start=1):
            w.put(r + 2 + q, j, v.get(h, ""), "fixed")
    r += 3 + len(s["variables"])
    for c in s["correlations"]:
        w.put(r, 1, f"rank correlation {c['first']} / {c['second']}")
        w.put(r, 2, c["rank_correlation"], "fixed", "0.00")
        r += 1
    if rr.drivers is not None and len(rr.drivers):
        _drivers(w, rr.drivers, _DRIVERS_COL, s.get("drivers_rank_draws"))

    def histogram(
        col: int, title: str, frame: pd.DataFrame, fmt: str, of: str, x_title: str, at: str
    ) -> None:
        """The bins of ``frame`` (of ``of`` draws) from column ``col``; their chart at ``at``."""
        w.put(4, col, title, "bold")
        for j, h in enumerate(frame.columns):
            w.put(5, col + j, str(h), "bold")
        for q, rec in enumerate(frame.itertuples(index=False)):
            for j, v in enumerate(rec):
                w.put(6 + q, col + j, float(v) if j < 2 else int(v), "fixed",
                      fmt if j < 2 else "0")  # fmt: skip
        first, last = 6, 5 + len(frame)
        if last < first:
            return
        chart = BarChart()
        chart.title = f"{of}: draws by bin"
        chart.x_axis.title = x_title
        chart.y_axis.title = "draws"
        chart.add_data(
            Reference(ws, min_col=col + 2, min_row=5, max_row=last), titles_from_data=True
        )
        chart.set_categories(Reference(ws, min_col=col, min_row=first, max_row=last))
        chart.gapWidth = 0
        chart.height, chart.width = 8, 16
        ws.add_chart(chart, at)

    # ENPV histogram: bars of counts by bin start
    c0 = 11
    x_title = f"ENPV, {meta.money} (bin start)"
    histogram(c0, "ENPV histogram", rr.histogram, MONEY_FORMAT, "ENPV", x_title, "A40")
    # S-curve
    c1 = c0 + 4
    w.put(4, c1, "ENPV S-curve", "bold")
    w.put(5, c1, "ENPV", "bold")
    w.put(5, c1 + 1, "Probability ENPV below", "bold")
    curve = zip(rr.s_curve["enpv"], rr.s_curve["cumulative_probability"], strict=True)
    for q, (enpv, probability) in enumerate(curve):
        w.put(6 + q, c1, float(enpv), "fixed", MONEY_FORMAT)
        w.put(6 + q, c1 + 1, float(probability), "fixed", "0%")
    n = len(rr.s_curve)
    sc = ScatterChart()
    sc.title = "ENPV: cumulative probability (S-curve)"
    sc.style = 13
    sc.x_axis.title = f"ENPV, {meta.money}"
    sc.y_axis.title = "probability ENPV below"
    xs = Reference(ws, min_col=c1, min_row=6, max_row=5 + n)
    ys = Reference(ws, min_col=c1 + 1, min_row=5, max_row=5 + n)
    series = Series(ys, xs, title_from_data=True)
    series.marker.symbol = "none"
    sc.series.append(series)
    sc.height, sc.width = 8, 16
    ws.add_chart(sc, "A58")
    # EIRR histogram
    c2 = c1 + 3
    title = "EIRR histogram (draws with an EIRR)"
    histogram(c2, title, rr.eirr_histogram, PERCENT_FORMAT, "EIRR", "EIRR (bin start)", "A76")
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 16
