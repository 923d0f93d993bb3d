"""The Sensitivity sheet of the appraisal workbook: ADB's tests, live (issue 5).

The bank's table, live: the yearly economic flows that the tests act on are
written once as inputs (derived by the engine from the case, grouped as
:class:`appraisal.uncertainty.GroupModel` groups them: capital, O&M, benefits,
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

Everything is read from ``result.sensitivity`` (:class:`~appraisal.uncertainty.
SensitivityResult`): its tests, targets, groups and each test's net flow, which
are the formulas' cached values.
"""

from __future__ import annotations

import math

import numpy as np
from openpyxl.chart import BarChart, Reference
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.pagebreak import Break

from appraisal.io.xlsx_common import MONEY_FORMAT, PERCENT_FORMAT, SheetWriter, WorkbookNames
from appraisal.result import AppraisalResult
from appraisal.uncertainty import SensitivityTest

__all__ = ["TORNADO_HEADS", "add_sensitivity_sheet"]

# the tornado table's headings: the chart's category axis and its two series
TORNADO_HEADS = ("Variable", "ENPV at the low end", "ENPV at the high end")


def add_sensitivity_sheet(
    wb: Workbook, result: AppraisalResult, names: WorkbookNames | None = None
) -> None:
    """Add the Sensitivity sheet of ``result.sensitivity`` (nothing when it is None).

    The parameters are those of :func:`appraisal.io.workbook.uncertainty_sheets.add_sheets`.
    """
    sens = result.sensitivity
    if sens is None:
        return
    streams = sens.streams
    tests = sens.tests
    targets = sens.targets
    model = sens.groups
    labels = model.labels
    flows = sens.flows.to_numpy()
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
    w = SheetWriter(ws, names)
    w.put(1, 1, "Sensitivity analysis: ADB's tests on ENPV and EIRR", "bold")
    carbon = "with" if streams.carbon_in_eirr else "without"
    note = (
        f"Money in {meta.money}; headline {carbon} the carbon value; blue cells are live "
        "inputs, grey cells are fixed when written (re-run the case to change)"
    )
    w.put(2, 1, note)
    w.put(3, 1, "Discount rate")
    refs = names.refs if names is not None else {}
    if "economic_discount_rate" in refs:  # live: the Assumptions sheet's input
        w.formula(3, 2, "economic_discount_rate", streams.discount_rate, PERCENT_FORMAT)
    else:
        w.put(3, 2, streams.discount_rate, "input", PERCENT_FORMAT)
    rate = "$B$3"
    timing = (
        "Excel NPV (first year discounted)" if meta.first_year_discounted else "first year at t = 0"
    )
    w.put(3, 3, f"NPV timing: {timing}")

    # --- the bank's table
    top = 5
    heads = ("Test", "Change", "ENPV", "EIRR", "Sensitivity indicator", "Switching value", "Unit")
    for j, h in enumerate(heads, start=1):
        w.put(top, j, h, "bold")
    n_tests = len(tests)
    # --- change matrix: one row per test, one column per target (live inputs)
    mat_top = top + n_tests + 4
    w.put(mat_top - 1, 1, "Changes by test (%; delays in years, fixed)", "bold")
    for i, t in enumerate(targets):
        w.put(mat_top - 1, 2 + i, t.label, "bold")
    change_cell: dict[tuple[int, int], str] = {}
    for j, spec in enumerate(tests):
        r = mat_top + j
        w.put(r, 1, spec.name)
        for t, c in spec.changes:
            i = targets.index(t)
            style = "fixed" if t.is_delay else "input"
            change_cell[(j, i)] = w.put(r, 2 + i, c, style, "0.0" if t.is_delay else "0.0%")
    # --- yearly flows the tests act on (derived inputs)
    flow_top = mat_top + n_tests + 2
    w.put(flow_top - 1, 1, f"Economic flows by year [{meta.money}]", "bold")
    first_col = 3
    for k, y in enumerate(years):
        w.put(flow_top - 1, first_col + k, y, "bold")
    group_row: dict[int, int] = {}
    for q, g in enumerate(groups):
        r = flow_top + q
        group_row[g] = r
        w.put(r, 1, labels[g])
        for k in range(n):
            w.put(r, first_col + k, float(model.signed[g, k]), "derived", MONEY_FORMAT)
    # --- net flow of the base and of each test (formulas)
    net_top = flow_top + len(groups) + 2
    w.put(net_top - 1, 1, "Net economic flow under each test", "bold")
    for k, y in enumerate(years):
        w.put(net_top - 1, first_col + k, y, "bold")
    scenarios: list[SensitivityTest | None] = [None, *tests]
    for j, test in enumerate(scenarios):
        r = net_top + j
        w.put(r, 1, "base" if test is None else test.name)
        # the test's change of each target it changes, by target index
        change_of = {} if test is None else {targets.index(t): c for t, c in test.changes}
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
                    delay = sum(change_of[i] for i in model.delay_sets[g] if i in change_of)
                whole = math.floor(delay)
                frac = delay - whole
                parts = []
                for shift, weight in ((whole, 1.0 - frac), (whole + 1, frac)):
                    src = k - shift
                    if weight == 0.0 or src < 0:
                        continue
                    ref = f"{get_column_letter(first_col + src)}{group_row[g]}"
                    parts.append(ref if weight == 1.0 else f"{float(weight)!r}*{ref}")
                if not parts:
                    continue
                body = "+".join(parts)
                body = f"({body})" if len(parts) > 1 and mult else body
                terms.append(f"{mult}*{body}" if mult else body)
            formula = "+".join(terms) if terms else "0"
            w.formula(r, first_col + k, formula, float(flows[j, k]), MONEY_FORMAT)
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
        enpv = w.formula(r, 3, npv_formula(net_r), float(row["enpv"]), MONEY_FORMAT)
        eirr = float(row["eirr"])
        if math.isfinite(eirr):
            w.formula(r, 4, f"IRR({fc}{net_r}:{last}{net_r})", eirr, PERCENT_FORMAT)
        else:
            reason = sens.eirr_reasons.get(str(row["test"]), "no single IRR")
            w.formula(r, 4, "NA()", math.nan, PERCENT_FORMAT)
            w.put(r, 8, reason)
        unit = sens.units.get(str(row["test"]), "")
        unit = "%" if unit == "decimal" else unit  # the switching value shows as a percentage
        w.put(r, 7, unit)
        if test is None or not test.single:
            continue
        target, _ = test.changes[0]
        i = targets.index(target)
        change = change_cell[(j - 1, i)]
        if target.is_delay:
            w.formula(r, 2, change, float(row["change"]), "0.0")
            w.put(r, 6, float(row["switching_value"]), "fixed", "0.00")
            w.put(r, 8, "switching value root-found by the engine (years of delay)")
            continue
        w.formula(r, 2, change, float(row["change"]), "0.0%")
        si = f"(({enpv}-{base_enpv})/{base_enpv})/{change}"
        w.formula(r, 5, f"IF({base_enpv}=0,NA(),{si})", float(row["sensitivity_indicator"]),
                  "0.00")  # fmt: skip
        slope = f"(({enpv}-{base_enpv})/{change})"
        w.formula(r, 6, f"IF({slope}=0,NA(),-{base_enpv}/{slope})",
                  float(row["switching_value"]), PERCENT_FORMAT)  # fmt: skip
    # consistency with the Economic cash flows sheet
    if "economic_enpv" in refs:
        r = top + n_tests + 2
        w.put(r, 1, "check: base ENPV minus the Economic sheet's (0)")
        w.formula(r, 3, f"{base_enpv}-economic_enpv", 0.0, MONEY_FORMAT)

    # --- tornado data and chart
    tor = sens.tornado
    t_top = net_top + n_tests + 3
    w.put(t_top - 1, 1, "Tornado: ENPV at the low and high end of each variable", "bold")
    for j, h in enumerate(TORNADO_HEADS, start=1):
        w.put(t_top, j, h, "bold")
    bars = zip(tor["variable"], tor["enpv_low"], tor["enpv_high"], strict=True)
    for q, (variable, low, high) in enumerate(bars):
        w.put(t_top + 1 + q, 1, str(variable))
        w.put(t_top + 1 + q, 2, float(low), "fixed", MONEY_FORMAT)
        w.put(t_top + 1 + q, 3, float(high), "fixed", MONEY_FORMAT)
    if len(tor):
        chart = BarChart()
        chart.type = "bar"
        chart.title = "Tornado: ENPV at the low and high end of each variable"
        chart.y_axis.title = f"ENPV, {meta.money}"
        chart.x_axis.title = "Variable"
        data = Reference(ws, min_col=2, max_col=3, min_row=t_top, max_row=t_top + len(tor))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=t_top + 1, max_row=t_top + len(tor)))
        chart.x_axis.tickLblPos = "low"  # the variable names left of the plot, off the bars
        chart.legend.position = "b"
        chart.height, chart.width = 8, 16
        # below its table, after a page break: the tornado and its data print on one page
        chart_row = t_top + len(tor) + 2
        ws.row_breaks.append(Break(id=t_top - 2))
        ws.add_chart(chart, f"A{chart_row}")
    ws.column_dimensions["A"].width = 44
    for col in range(2, 8):
        ws.column_dimensions[get_column_letter(col)].width = 14
    ws.freeze_panes = "B6"
