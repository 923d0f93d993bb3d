"""Section 8 of the PDF annex: sensitivity and risk.

ADB's sensitivity tests and the tornado chart (``result.sensitivity``, a
:class:`appraisal.uncertainty.SensitivityResult`), then the Monte Carlo
percentiles, ENPV histogram and S-curve (``result.risk``, a
:class:`appraisal.uncertainty.RiskResult`); each says "not computed" when absent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from reportlab.platypus import Flowable

from appraisal import formatting as fmt
from appraisal.io.pdf import charts, layout
from appraisal.io.pdf.drivers import drivers_flowables, inputs_table
from appraisal.io.pdf.styles import p
from appraisal.result import AppraisalResult

if TYPE_CHECKING:
    from appraisal.uncertainty import RiskResult, SensitivityResult


def risk_section(result: AppraisalResult, n: layout.Numbering) -> list[Flowable]:
    """Section 8: the sensitivity tests, then the Monte Carlo risk analysis."""
    story: list[Flowable] = [p("Sensitivity analysis", "h2")]
    if result.sensitivity is None:
        story.append(p("Sensitivity analysis: not computed for this case."))
    else:
        story += _sensitivity(result, result.sensitivity, n)
    story.append(p("Risk analysis", "h2"))
    if result.risk is None:
        story.append(p("Risk analysis (Monte Carlo): not computed for this case."))
    else:
        story += _risk(result, result.risk, n)
    return story


def _sensitivity(
    result: AppraisalResult, sens: SensitivityResult, n: layout.Numbering
) -> list[Flowable]:
    """The sensitivity table and the tornado chart."""
    meta = result.case.meta
    story: list[Flowable] = [
        p(
            "ADB's standard tests, each on the ENPV and EIRR. Sensitivity indicator (SI) = "
            "percentage change in ENPV / percentage change in the variable; switching value (SV) "
            "= the change in the variable that makes the ENPV zero."
        )
    ]
    tab = sens.table
    rows = []
    for r in tab.itertuples(index=False):
        unit = sens.units.get(str(r.test), "decimal")
        rows.append(
            [
                str(r.test),
                layout.change(r.change, unit),
                fmt.money(layout.num(r.enpv)),
                fmt.rate(layout.num(r.eirr)),
                fmt.ratio(layout.num(r.sensitivity_indicator)),
                layout.switching(r.switching_value, unit),
            ]
        )
    t = layout.table(
        [
            "Test",
            "Change",
            f"ENPV, {meta.money}",
            "EIRR",
            "Sensitivity indicator",
            "Switching value",
        ],
        rows,
        [170, 56, 80, 56, 60, 60],
        text_cols=(0,),
    )
    story += layout.captioned(
        f"{n.table()}: Sensitivity tests ({meta.money})",
        t,
        f"ENPV and EIRR {'including' if sens.headline_with_carbon else 'excluding'} the carbon "
        "value. The first row is the base case. Changes and switching values are relative to "
        "the appraised value, or in years for a delay."
        + "".join(f" EIRR of '{k}': {v}." for k, v in sens.eirr_reasons.items()),
    )
    tor = sens.tornado
    if len(tor):
        base = layout.num(tab["enpv"].iloc[0]) if len(tab) else None
        chart = charts.tornado_chart(
            [str(v) for v in tor["variable"]],
            tor["enpv_low"].tolist(),
            tor["enpv_high"].tolist(),
            base if base is not None else 0.0,
            unit=meta.money,
        )
        story.append(
            layout.figure(
                f"{n.figure()}: Tornado: ENPV for each variable at its low and high value",
                chart,
            )
        )
    return story


def _risk(result: AppraisalResult, risk: RiskResult, n: layout.Numbering) -> list[Flowable]:
    """The Monte Carlo percentiles, histogram and S-curve."""
    meta = result.case.meta
    rs = risk.summary
    story: list[Flowable] = []
    story.append(
        p(
            f"Monte Carlo simulation with {fmt.count(layout.num(rs.get('draws')))} draws (seed "
            f"{rs.get('seed')}). The probability that the ENPV is negative (the EIRR below the "
            f"{fmt.rate(result.summary['economic']['discount_rate'])} hurdle) is "
            f"{fmt.rate(layout.num(rs.get('p_enpv_negative')))}"
            + (
                " with the carbon value"
                if rs.get("headline_with_carbon", result.case.economic.carbon_in_eirr)
                else " without the carbon value"
            )
            + (
                f" and {fmt.rate(layout.num(rs['p_enpv_negative_without_carbon']))} without it."
                if rs.get("headline_with_carbon") and "p_enpv_negative_without_carbon" in rs
                else "."
            )
        )
    )
    rows = [
        ["EIRR", *(fmt.rate(layout.num(rs.get(f"eirr_{q}"))) for q in ("p5", "p50", "p95"))],
        [
            f"ENPV, {meta.money}",
            *(fmt.money(layout.num(rs.get(f"enpv_{q}"))) for q in ("p5", "p50", "p95")),
        ],
    ]
    t = layout.table(
        ["Indicator", "5th percentile", "Median", "95th percentile"], rows, [182, 100, 100, 100]
    )
    story += layout.captioned(
        f"{n.table()}: Risk analysis: percentiles of the Monte Carlo draws",
        t,
        f"Probability that ENPV < 0: {fmt.rate(layout.num(rs.get('p_enpv_negative')))}.",
    )
    hist, sc = risk.histogram, risk.s_curve
    drawings = []
    if len(hist):
        columns = (hist[k].tolist() for k in ("bin_start", "bin_end", "count"))
        drawings.append(
            (
                "Distribution of the ENPV (Monte Carlo draws)",
                charts.histogram_chart(*columns, unit=meta.money),
            )
        )
    if len(sc):
        curve = (sc[k].tolist() for k in ("enpv", "cumulative_probability"))
        drawings.append(
            (
                "Cumulative probability of the ENPV (S-curve)",
                charts.s_curve_chart(*curve, unit=meta.money),
            )
        )
    story += [layout.figure(f"{n.figure()}: {caption}", d) for caption, d in drawings]
    story += drivers_flowables(risk, n)
    story += inputs_table(list(rs.get("variables", [])), n)
    return story
