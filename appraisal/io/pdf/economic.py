"""Section 3 of the PDF annex: the economic analysis, with and without the carbon value.

The program's economic cash flow by year (``program.economic``) with its present
values, EIRR and BCR from the JSON summary; the net benefit chart; the indicators
of each component.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from appraisal import formatting as fmt
from appraisal.io.pdf import charts, layout
from appraisal.io.pdf.styles import p
from appraisal.result import AppraisalResult


def economic_section(result: AppraisalResult, n: layout.Numbering) -> list[Flowable]:
    """Section 3: cash flow by year, net benefit chart, indicators by component."""
    meta = result.case.meta
    s = result.summary
    e = s["economic"]
    econ = result.program.economic
    story: list[Flowable] = []
    head = "with" if e["carbon_in_eirr"] else "without"
    story.append(
        p(
            f"At a {fmt.rate(e['discount_rate'])} real discount rate the program's ENPV is "
            f"{fmt.money(e['enpv_with_carbon'])} with the carbon value (EIRR "
            f"{fmt.rate(e['eirr_with_carbon'])}, BCR {fmt.ratio(e['bcr_with_carbon'])}) and "
            f"{fmt.money(e['enpv_without_carbon'])} without it (EIRR "
            f"{fmt.rate(e['eirr_without_carbon'])}, BCR {fmt.ratio(e['bcr_without_carbon'])}), "
            f"in {meta.money}. The headline figures are those {head} carbon. Benefits counted: "
            + ", ".join(b.replace("_", " ") for b in result.program.benefit_names)
            + "."
            + (
                " The value of the pollutant damage avoided is included in the benefits."
                if e["pollutants_in_eirr"]
                else " The value of the pollutant damage avoided is reported in Section 6 and "
                "kept out of these figures."
            )
        )
    )
    t = layout.yearly_table(
        econ,
        [
            ("capital", "Capital net of residual", 56, fmt.money),
            ("operating", "O&M", 56, fmt.money),
            ("costs", "Total costs", 60, fmt.money),
            ("benefits_without_carbon", "Benefits excl. carbon", 66, fmt.money),
            ("carbon_value", "Carbon value", 58, fmt.money),
            ("net_without_carbon", "Net benefit excl. carbon", 62, fmt.money),
            ("net_with_carbon", "Net benefit incl. carbon", 62, fmt.money),
        ],
        year_width=62,
        totals=[
            [
                f"PV at {fmt.rate(e['discount_rate'])}",
                "",
                "",
                fmt.money(e["pv_costs"]),
                fmt.money(e["pv_benefits_without_carbon"]),
                fmt.money(e["pv_carbon_value"]),
                fmt.money(e["enpv_without_carbon"]),
                fmt.money(e["enpv_with_carbon"]),
            ],
            [
                "EIRR",
                *[""] * 5,
                fmt.rate(e["eirr_without_carbon"]),
                fmt.rate(e["eirr_with_carbon"]),
            ],
            ["BCR", *[""] * 5, fmt.ratio(e["bcr_without_carbon"]), fmt.ratio(e["bcr_with_carbon"])],
        ],
    )
    story += layout.captioned(
        f"{n.table()}: Economic cash flow of the program ({meta.money}, economic prices)",
        t,
        "Costs at economic prices (conversion factors applied). "
        + ("Benefits include the pollutant damage avoided. " if e["pollutants_in_eirr"] else "")
        + "Present values and EIRR as in the JSON summary.",
    )
    story.append(p(_residual_text(result), "small"))
    chart = charts.cash_flow_chart(
        [int(y) for y in econ.index],
        [
            ("net benefit excluding carbon", econ["net_without_carbon"].tolist()),
            ("net benefit including carbon", econ["net_with_carbon"].tolist()),
        ],
        unit=meta.money,
    )
    story.append(layout.figure(f"{n.figure()}: Net economic benefit by year, program", chart))

    t3 = layout.component_table(
        result,
        98,
        [
            ("PV costs", 42, "economic.pv_costs", fmt.money),
            ("PV benefits excl. carbon", 50, "economic.pv_benefits_without_carbon", fmt.money),
            ("PV carbon value", 44, "economic.pv_carbon_value", fmt.money),
            ("ENPV excl. carbon", 46, "economic.enpv_without_carbon", fmt.money),
            ("EIRR excl. carbon", 44, "economic.eirr_without_carbon", fmt.rate),
            ("BCR excl. carbon", 38, "economic.bcr_without_carbon", fmt.ratio),
            ("ENPV incl. carbon", 46, "economic.enpv_with_carbon", fmt.money),
            ("EIRR incl. carbon", 44, "economic.eirr_with_carbon", fmt.rate),
            ("BCR incl. carbon", 38, "economic.bcr_with_carbon", fmt.ratio),
        ],
    )
    story += layout.captioned(
        f"{n.table()}: Economic indicators by component, with and without carbon ({meta.money})",
        t3,
    )
    reasons = []
    for label, b in layout.blocks(result):
        ee = b["economic"]
        for key in ("eirr", "eirr_without_carbon", "eirr_with_carbon"):
            if ee.get(key) is None and ee.get(f"{key}_reason"):
                roots = ee.get(f"{key}_roots")
                extra = f" (roots: {', '.join(fmt.rate(r) for r in roots)})" if roots else ""
                reasons.append(f"{label}, {key.replace('_', ' ')}: {ee[f'{key}_reason']}{extra}")
    for r in dict.fromkeys(reasons):
        story.append(p(r, "small"))
    story += _carbon_paths(result, n)
    return story


def _carbon_paths(result: AppraisalResult, n: layout.Numbering) -> list[Flowable]:
    """The compared carbon paths and the switching multiple (docs/methods.md section 2)."""
    meta, s = result.case.meta, result.summary
    rows = [
        [
            _short(r["description"]) or r["path"],
            r["currency"],
            str(r["path_price_year"]),
            fmt.format_value("ratio4", r["exchange_rate"]),
            fmt.format_value("ratio4", r["deflator"])
            + ("" if r["deflator_stated"] else " (not stated)"),
            fmt.money(r["enpv"]),
            fmt.rate(r["eirr"]),
        ]
        for r in s["carbon"]["paths"]
    ]
    story: list[Flowable] = []
    if rows:
        t = layout.table(
            ["Carbon path", "Currency", "Price year", "Exchange rate", "Deflator", "ENPV", "EIRR"],
            rows,
            [190, 40, 36, 50, 70, 52, 42],
        )
        story += layout.captioned(
            f"{n.table()}: The program with each carbon path compared ({meta.money})",
            t,
            f"Each path converted into {meta.currency} (exchange rate: {meta.currency} per unit "
            "of the path's currency) and the case's prices (deflator); sources and bases in "
            "docs/methods.md section 2.",
        )
    e = s["economic"]
    m = e["carbon_switching_multiple"]
    chosen = s["carbon_price"]
    story.append(
        p(
            f"The ENPV with carbon is zero at {fmt.ratio(m)} times the chosen carbon path "
            f"({_short(chosen['description']) or chosen['path']})."
            if m is not None
            else f"No multiple of the chosen carbon path makes the ENPV zero: "
            f"{e['carbon_switching_multiple_reason']}.",
            "small",
        )
    )
    return story


def _short(description: str) -> str:
    """A path's name in words: its description up to the colon that starts its values."""
    return description.partition(":")[0].strip()


def _residual_text(result: AppraisalResult) -> str:
    """What the residual value adds, by component (docs/methods.md section 2)."""
    meta = result.case.meta
    pv = result.summary["economic"]["pv_residual_value"]
    parts = [
        f"{c.name} {fmt.money(c.summary['economic']['pv_residual_value'])}"
        for c in result.components
        if c.summary["economic"]["pv_residual_value"]
    ]
    if meta.residual_value == "none":
        return (
            "No residual value is counted (case.residual_value is 'none'): assets with "
            "life left at the horizon are valued at zero."
        )
    if not parts:
        return "No asset has life left at the horizon: there is no residual value."
    return (
        f"Assets with life left at the horizon keep a residual value (straight line: capital "
        f"x years left / life), counted as a negative capital cost in {meta.last_year}; its "
        f"present value, {fmt.money(pv)}, is netted in the PV of costs: " + "; ".join(parts) + "."
    )
