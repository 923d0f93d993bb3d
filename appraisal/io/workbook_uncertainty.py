"""The Sensitivity and Risk sheets of the appraisal workbook (issue 5).

:func:`add_sheets` is called by :func:`appraisal.io.workbook.render_workbook`
with the workbook being written and its :class:`~appraisal.io.workbook.WorkbookNames`.

Sensitivity sheet (the bank's table, live): the yearly economic flows that the
tests act on are written once as inputs (derived by the engine from the case,
grouped as :mod:`appraisal.uncertainty` groups them: capital, O&M, benefits,
carbon value, or finer when a test names a component or a stream); each test's
net flow by year is a formula of those rows and of the test's change cells, so
changing a change cell (or the discount rate on the Assumptions sheet, through
the defined name ``economic_discount_rate``) moves that test's ENPV, EIRR,
sensitivity indicator and switching value. ENPV is ``NPV`` over the net-flow
row (Excel convention, or the first year added undiscounted when the case says
so), EIRR is ``IRR``. A delay is fixed when the workbook is written (the shift
is in the cell references; change it in the case), and so is its switching
value, root-found by the engine. A ``check`` cell compares the base ENPV with
the Economic cash-flows sheet (defined name ``economic_enpv``).

Risk sheet (when a risk analysis was run): the summary figures (values: they
come from the draws, which a spreadsheet does not hold), the uncertain inputs
with their sources, and the ENPV histogram, S-curve and EIRR histogram with
charts. Each scalar of the JSON ``risk`` block gets the defined name
``risk_<key>``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from openpyxl.chart import BarChart, Reference, ScatterChart, Series
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from appraisal.io.xlsx_common import set_text
from appraisal.result import AppraisalResult
from appraisal.uncertainty import (
    SensitivityTest,
    Target,
    _Model,
    economic_streams,
    parse_sensitivity_tests,
)

__all__ = ["add_sheets"]

_INPUT = {"font": Font(color="0000CC"), "fill": PatternFill("solid", fgColor="FFF2CC")}
_DERIVED = {"font": Font(color="0000CC"), "fill": PatternFill("solid", fgColor="DDEBF7")}
_FIXED = {"font": Font(color="595959"), "fill": PatternFill("solid", fgColor="EDEDED")}
_CALC = {"font": Font(color="000000")}
_HEAD = {"font": Font(bold=True)}
_MONEY = "#,##0.00;-#,##0.00"
_PCT = "0.00%"


class _Writer:
    """Cells of one sheet, registering the cached value of every formula."""

    def __init__(self, ws: Worksheet, names: Any) -> None:
        self.ws = ws
        self.names = names

    def put(self, row: int, col: int, value: Any, style: dict[str, Any] | None = None,
            fmt: str | None = None) -> str:  # fmt: skip
        cell = self.ws.cell(row=row, column=col)
        if isinstance(value, str):
            set_text(cell, value)
        elif isinstance(value, float) and not math.isfinite(value):
            cell.value = None
        else:
            cell.value = value
        self._style(cell, style, fmt)
        return str(cell.coordinate)

    def formula(self, row: int, col: int, formula: str, cached: Any,
                fmt: str | None = None, style: dict[str, Any] | None = None) -> str:  # fmt: skip
        cell = self.ws.cell(row=row, column=col)
        cell.value = "=" + formula
        self._style(cell, style or _CALC, fmt)
        if self.names is not None:
            self.names.cache(self.ws, cell.coordinate, _cached(cached))
        return str(cell.coordinate)

    @staticmethod
    def _style(cell: Any, style: dict[str, Any] | None, fmt: str | None) -> None:
        for attr, value in (style or {}).items():
            setattr(cell, attr, value)
        if fmt:
            cell.number_format = fmt


def _cached(value: Any) -> Any:
    if isinstance(value, float | np.floating) and not math.isfinite(float(value)):
        try:
            from appraisal.io.workbook import NA
        except ImportError:  # pragma: no cover - the workbook writer is not installed
            return None
        return NA
    if isinstance(value, np.floating | np.integer):
        return value.item()
    return value


def _tests(result: AppraisalResult) -> list[SensitivityTest]:
    streams = economic_streams(result)
    return parse_sensitivity_tests(result.case.data.get("sensitivity"), streams)


def _group_label(model: _Model, g: int) -> str:
    atoms = [
        a
        for a, row in zip(model.streams.atoms, model.streams.values, strict=True)
        if _group_of(model, a) == g and np.any(row)
    ]
    kinds = sorted({("carbon value" if a.kind == "carbon" else a.kind) for a in atoms})
    label = ", ".join(k.replace("operating", "O&M") for k in kinds) or "(zero)"
    touched = [model.targets[i].label for i in (*model.scale_sets[g], *model.delay_sets[g])]
    sign = "costs (negative)" if model.signed[g].sum() < 0 else "benefits"
    extra = f"; tested: {', '.join(touched)}" if touched else ""
    return f"{label} [{sign}{extra}]"


def _group_of(model: _Model, atom: Any) -> int:
    hits = [i for i, t in enumerate(model.targets) if t.matches(atom)]
    scale = tuple(i for i in hits if not model.targets[i].is_delay)
    delay = tuple(i for i in hits if model.targets[i].is_delay)
    for g in range(len(model.scale_sets)):
        if (
            model.scale_sets[g] == scale
            and model.delay_sets[g] == delay
            and bool(model.carbon[g]) == (atom.kind == "carbon")
            and (model.signed[g].sum() < 0) == (atom.sign < 0)
        ):
            return g
    return -1


def _sensitivity_sheet(wb: Workbook, result: AppraisalResult, names: Any) -> None:
    sens = result.sensitivity
    streams = economic_streams(result)
    tests = _tests(result)
    targets: list[Target] = []
    for spec in tests:
        for t, _ in spec.changes:
            if t not in targets:
                targets.append(t)
    model = _Model(streams, targets)
    # the headline counts the carbon value when the case does
    groups = [
        g
        for g in range(model.signed.shape[0])
        if (streams.carbon_in_eirr or not model.carbon[g]) and np.any(model.signed[g])
    ]
    years = streams.years
    n = len(years)
    meta = result.case.meta
    ws = wb.create_sheet("Sensitivity")
    w = _Writer(ws, names)
    w.put(1, 1, "Sensitivity analysis: ADB's tests on ENPV and EIRR", _HEAD)
    carbon = "with" if streams.carbon_in_eirr else "without"
    note = (
        f"Money in {meta.money}; headline {carbon} the carbon value; blue cells are live "
        "inputs, grey cells are fixed when written (re-run the case to change)"
    )
    w.put(2, 1, note)
    w.put(3, 1, "Discount rate")
    refs = getattr(names, "refs", {}) if names is not None else {}
    if "economic_discount_rate" in refs:  # live: the Assumptions sheet's input
        w.formula(3, 2, "economic_discount_rate", streams.discount_rate, _PCT)
    else:
        w.put(3, 2, streams.discount_rate, _INPUT, _PCT)
    rate = "$B$3"
    timing = (
        "Excel NPV (first year discounted)" if meta.first_year_discounted else "first year at t = 0"
    )
    w.put(3, 3, f"NPV timing: {timing}")

    # --- the bank's table
    top = 5
    heads = ("Test", "Change", "ENPV", "EIRR", "Sensitivity indicator", "Switching value", "Unit")
    for j, h in enumerate(heads, start=1):
        w.put(top, j, h, _HEAD)
    n_tests = len(tests)
    # --- change matrix: one row per test, one column per target (live inputs)
    mat_top = top + n_tests + 4
    w.put(mat_top - 1, 1, "Changes by test (decimal; delays in years, fixed)", _HEAD)
    for i, t in enumerate(targets):
        w.put(mat_top - 1, 2 + i, t.label, _HEAD)
    change_cell: dict[tuple[int, int], str] = {}
    for j, spec in enumerate(tests):
        r = mat_top + j
        w.put(r, 1, spec.name)
        for t, c in spec.changes:
            i = targets.index(t)
            style = _FIXED if t.is_delay else _INPUT
            change_cell[(j, i)] = w.put(r, 2 + i, c, style, "0.0" if t.is_delay else "0.0%")
    # --- yearly flows the tests act on (derived inputs)
    flow_top = mat_top + n_tests + 2
    w.put(flow_top - 1, 1, f"Economic flows by year [{meta.money}]", _HEAD)
    first_col = 3
    for k, y in enumerate(years):
        w.put(flow_top - 1, first_col + k, y, _HEAD)
    group_row: dict[int, int] = {}
    for q, g in enumerate(groups):
        r = flow_top + q
        group_row[g] = r
        w.put(r, 1, _group_label(model, g))
        for k in range(n):
            w.put(r, first_col + k, float(model.signed[g, k]), _DERIVED, _MONEY)
    # --- net flow of the base and of each test (formulas)
    net_top = flow_top + len(groups) + 2
    w.put(net_top - 1, 1, "Net economic flow under each test", _HEAD)
    for k, y in enumerate(years):
        w.put(net_top - 1, first_col + k, y, _HEAD)
    values_by_test: list[np.ndarray] = []
    scenarios: list[SensitivityTest | None] = [None, *tests]
    for j, test in enumerate(scenarios):
        r = net_top + j
        w.put(r, 1, "base" if test is None else test.name)
        vals = np.zeros(len(targets))
        for i, t in enumerate(targets):
            vals[i] = 0.0 if t.is_delay else 1.0
        if test is not None:
            for t, c in test.changes:
                i = targets.index(t)
                vals[i] = c if t.is_delay else 1.0 + c
        without, carbon_value = model.parts(vals[None, :])
        net = (without + carbon_value)[0] if streams.carbon_in_eirr else without[0]
        values_by_test.append(net)
        for k in range(n):
            terms = []
            for g in groups:
                mult = ""
                delay = 0.0
                if test is not None:
                    factors = [
                        f"(1+{change_cell[(j - 1, i)]})"
                        for i in model.scale_sets[g]
                        if (j - 1, i) in change_cell
                    ]
                    mult = "*".join(factors)
                    delay = sum(vals[i] for i in model.delay_sets[g] if (j - 1, i) in change_cell)
                whole = math.floor(delay)
                frac = delay - whole
                parts = []
                for shift, weight in ((whole, 1.0 - frac), (whole + 1, frac)):
                    src = k - shift
                    if weight == 0.0 or src < 0:
                        continue
                    ref = f"{get_column_letter(first_col + src)}{group_row[g]}"
                    parts.append(ref if weight == 1.0 else f"{weight!r}*{ref}")
                if not parts:
                    continue
                body = "+".join(parts)
                body = f"({body})" if len(parts) > 1 and mult else body
                terms.append(f"{mult}*{body}" if mult else body)
            formula = "+".join(terms) if terms else "0"
            w.formula(r, first_col + k, formula, float(net[k]), _MONEY)
    last = get_column_letter(first_col + n - 1)
    fc = get_column_letter(first_col)
    second = get_column_letter(first_col + 1)

    def npv_formula(row: int) -> str:
        if meta.first_year_discounted:
            return f"NPV({rate},{fc}{row}:{last}{row})"
        return f"{fc}{row}+NPV({rate},{second}{row}:{last}{row})"

    table = sens.table.reset_index(drop=True)
    base_enpv = f"$C${top + 1}"
    for j in range(n_tests + 1):
        r = top + 1 + j
        row = table.iloc[j]
        test = scenarios[j]
        w.put(r, 1, str(row["test"]))
        net_r = net_top + j
        enpv = w.formula(r, 3, npv_formula(net_r), float(row["enpv"]), _MONEY)
        eirr = float(row["eirr"])
        if math.isfinite(eirr):
            w.formula(r, 4, f"IRR({fc}{net_r}:{last}{net_r})", eirr, _PCT)
        else:
            reason = sens.eirr_reasons.get(str(row["test"]), "no single IRR")
            w.formula(r, 4, "NA()", math.nan, _PCT)
            w.put(r, 8, reason)
        unit = sens.units.get(str(row["test"]), "")
        w.put(r, 7, unit)
        if test is None or not test.single:
            continue
        target, _ = test.changes[0]
        i = targets.index(target)
        change = change_cell[(j - 1, i)]
        if target.is_delay:
            w.formula(r, 2, change, float(row["change"]), "0.0")
            w.put(r, 6, float(row["switching_value"]), _FIXED, "0.00")
            w.put(r, 8, "switching value root-found by the engine (years of delay)")
            continue
        w.formula(r, 2, change, float(row["change"]), "0.0%")
        si = f"(({enpv}-{base_enpv})/{base_enpv})/{change}"
        w.formula(r, 5, f"IF({base_enpv}=0,NA(),{si})", float(row["sensitivity_indicator"]),
                  "0.00")  # fmt: skip
        slope = f"(({enpv}-{base_enpv})/{change})"
        w.formula(r, 6, f"IF({slope}=0,NA(),-{base_enpv}/{slope})",
                  float(row["switching_value"]), _PCT)  # fmt: skip
    del enpv
    # consistency with the Economic cash flows sheet
    if "economic_enpv" in refs:
        r = top + n_tests + 2
        w.put(r, 1, "check: base ENPV minus the Economic sheet's (0)")
        w.formula(r, 3, f"{base_enpv}-economic_enpv", 0.0, _MONEY)

    # --- tornado data and chart
    tor = sens.tornado
    t_top = net_top + n_tests + 3
    w.put(t_top - 1, 1, "Tornado: ENPV at the low and high end of each variable", _HEAD)
    for j, h in enumerate(("variable", "enpv_low", "enpv_high"), start=1):
        w.put(t_top, j, h, _HEAD)
    for q, rec in enumerate(tor.itertuples(index=False)):
        w.put(t_top + 1 + q, 1, str(rec.variable))
        w.put(t_top + 1 + q, 2, float(rec.enpv_low), _FIXED, _MONEY)
        w.put(t_top + 1 + q, 3, float(rec.enpv_high), _FIXED, _MONEY)
    if len(tor):
        chart = BarChart()
        chart.type = "bar"
        chart.title = "Tornado: ENPV"
        chart.y_axis.title = meta.money
        data = Reference(ws, min_col=2, max_col=3, min_row=t_top, max_row=t_top + len(tor))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=t_top + 1, max_row=t_top + len(tor)))
        chart.height, chart.width = 7, 16
        ws.add_chart(chart, f"J{top}")
    ws.column_dimensions["A"].width = 44
    for col in range(2, 8):
        ws.column_dimensions[get_column_letter(col)].width = 14
    ws.freeze_panes = "B6"


def _risk_sheet(wb: Workbook, result: AppraisalResult, names: Any) -> None:
    rr = result.risk
    s = rr.summary
    meta = result.case.meta
    ws = wb.create_sheet("Risk")
    w = _Writer(ws, names)
    w.put(1, 1, "Risk analysis: Monte Carlo over the case's uncertain inputs", _HEAD)
    w.put(2, 1, f"{s['draws']:,} draws, seed {s['seed']}; money in {meta.money}; figures from the "
                "draws, fixed when written (appraisal risk CASE --draws N --seed S)")  # fmt: skip
    w.put(4, 1, "Figure", _HEAD)
    w.put(4, 2, "Value", _HEAD)
    r = 5
    for key, value in s.items():
        if isinstance(value, list | dict):
            continue
        w.put(r, 1, key)
        fmt = _PCT if key.startswith(("eirr", "p_", "hurdle")) else None
        fmt = _MONEY if key.startswith("enpv") else fmt
        if value is None:  # as everywhere in the workbook: a null figure shows #N/A
            coord = w.formula(r, 2, "NA()", math.nan, fmt, _FIXED)
        else:
            coord = w.put(r, 2, value, _FIXED, fmt)
        if names is not None and hasattr(names, "define"):
            names.define(f"risk_{key}", ws, coord)
        r += 1
    r += 1
    w.put(r, 1, "Uncertain inputs", _HEAD)
    cols = ("id", "distribution", "min", "mode", "max", "mean", "sd", "source")
    for j, h in enumerate(cols, start=1):
        w.put(r + 1, j, h, _HEAD)
    for q, v in enumerate(s["variables"]):
        for j, h in enumerate(cols, start=1):
            w.put(r + 2 + q, j, v.get(h, ""), _FIXED)
    r += 3 + len(s["variables"])
    for c in s["correlations"]:
        w.put(r, 1, f"rank correlation {c['first']} / {c['second']}")
        w.put(r, 2, c["rank_correlation"], _FIXED, "0.00")
        r += 1

    def table(col: int, title: str, frame: Any, fmt: str) -> tuple[int, int]:
        w.put(4, col, title, _HEAD)
        for j, h in enumerate(frame.columns):
            w.put(5, col + j, str(h), _HEAD)
        for q, rec in enumerate(frame.itertuples(index=False)):
            for j, v in enumerate(rec):
                w.put(6 + q, col + j, float(v) if j < 2 else int(v), _FIXED,
                      fmt if j < 2 else "0")  # fmt: skip
        return 6, 5 + len(frame)

    # ENPV histogram: bars of counts by bin start
    c0 = 11
    first, last = table(c0, "ENPV histogram", rr.histogram, _MONEY)
    if last >= first:
        chart = BarChart()
        chart.title = "ENPV: draws by bin"
        chart.x_axis.title = f"ENPV, {meta.money} (bin start)"
        chart.y_axis.title = "draws"
        chart.add_data(
            Reference(ws, min_col=c0 + 2, min_row=5, max_row=last), titles_from_data=True
        )
        chart.set_categories(Reference(ws, min_col=c0, min_row=first, max_row=last))
        chart.gapWidth = 0
        chart.height, chart.width = 8, 16
        ws.add_chart(chart, "A40")
    # S-curve
    c1 = c0 + 4
    w.put(4, c1, "ENPV S-curve", _HEAD)
    w.put(5, c1, "enpv", _HEAD)
    w.put(5, c1 + 1, "cumulative_probability", _HEAD)
    for q, rec in enumerate(rr.s_curve.itertuples(index=False)):
        w.put(6 + q, c1, float(rec.enpv), _FIXED, _MONEY)
        w.put(6 + q, c1 + 1, float(rec.cumulative_probability), _FIXED, "0%")
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
    first, last = table(c2, "EIRR histogram (draws with an EIRR)", rr.eirr_histogram, _PCT)
    if last >= first:
        chart = BarChart()
        chart.title = "EIRR: draws by bin"
        chart.x_axis.title = "EIRR (bin start)"
        chart.y_axis.title = "draws"
        chart.add_data(
            Reference(ws, min_col=c2 + 2, min_row=5, max_row=last), titles_from_data=True
        )
        chart.set_categories(Reference(ws, min_col=c2, min_row=first, max_row=last))
        chart.gapWidth = 0
        chart.height, chart.width = 8, 16
        ws.add_chart(chart, "A76")
    ws.column_dimensions["A"].width = 40
    ws.column_dimensions["B"].width = 16


def add_sheets(wb: Workbook, result: AppraisalResult, names: Any = None) -> None:
    """Add the Sensitivity sheet (and the Risk sheet when a risk analysis was run).

    Parameters
    ----------
    wb
        The openpyxl workbook being written.
    result
        The appraisal; ``result.sensitivity`` and ``result.risk`` are drawn.
    names
        The workbook's :class:`~appraisal.io.workbook.WorkbookNames` (``refs``,
        ``define``, ``cache``), or None for a workbook without one: the discount
        rate is then written on the sheet and formula cells have no cached value.
    """
    if result.sensitivity is not None:
        _sensitivity_sheet(wb, result, names)
    if result.risk is not None:
        _risk_sheet(wb, result, names)
