"""Sections 2 and 8 of the PDF annex: the method and assumptions, the checks and caveats.

Inputs quoted from the case (conversion factors, emission factors, prices) are
shown as written in the case, with their sources.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from appraisal import formatting as fmt
from appraisal.checks import check_label
from appraisal.io.pdf import layout
from appraisal.io.pdf.fonts import markup
from appraisal.io.pdf.styles import p, pm
from appraisal.result import AppraisalResult

# Labels of the co-benefit source keys of the case.
_OTHER_SOURCES = {
    "jobs_construction_per_musd": "Construction employment factor",
    "jobs_operation_per_musd": "Operation employment factor",
    "jobs_local_share": "Local share of jobs",
    "damage_costs": "Pollutant damage costs",
    "income_ratio": "Income ratio",
}


def method_section(result: AppraisalResult, n: layout.Numbering) -> list[Flowable]:
    """Section 2: approach; parameters and sources; energy carriers; carbon value by year."""
    case = result.case
    meta, e = case.meta, case.economic
    s = result.summary
    cp = s["carbon_price"]
    story: list[Flowable] = []
    timing = (
        "the first year is discounted one period, as Excel's NPV and ADB's published "
        "economic cash-flow tables"
        if meta.first_year_discounted
        else "the first year is not discounted (numpy-financial's npv)"
    )
    story.append(
        p(
            "The economic analysis follows the ADB Guidelines for the Economic Analysis of "
            "Projects (2017): costs and benefits in real terms at constant "
            f"{meta.price_year} prices, financial costs converted to economic costs (taxes and "
            "subsidies removed, traded items at border prices, labour at shadow wage rates) under "
            f"the {e.numeraire} price numeraire, and discounted at "
            f"{fmt.rate(e.discount_rate)} real; {timing}. The avoided emissions are valued at a "
            "shadow price of carbon and reported with and without that value. The financial "
            "analysis compares the FIRR of the revenue-earning parts with the real weighted "
            "average cost of capital. Rates are real unless stated."
        )
    )
    rows = [
        ["Price base year", str(meta.price_year), ""],
        ["Currency and unit", meta.money, ""],
        [
            "Appraisal period",
            f"{meta.first_year}-{meta.last_year} ({meta.years} years)",
            "",
        ],
        ["Economic discount rate", fmt.rate(e.discount_rate), e.sources.get("discount_rate", "")],
        [
            "NPV timing",
            "first year discounted" if meta.first_year_discounted else "first year undiscounted",
            "",
        ],
        ["Numeraire", e.numeraire, e.sources.get("numeraire", "")],
        ["Shadow exchange rate factor (SERF)", layout.given(e.serf), e.sources.get("serf", "")],
        ["Shadow wage rate factor (SWRF)", layout.given(e.swrf), e.sources.get("swrf", "")],
        [
            "Carbon value",
            f"{cp['description']} (path in {cp['path_price_year']} prices, "
            f"deflator {layout.given(cp['deflator'])})",
            cp.get("source", "") or e.sources.get("carbon_price", ""),
        ],
        ["Carbon value in the headline EIRR", layout.yes(e.carbon_in_eirr), ""],
        ["Pollutant damage avoided in the EIRR", layout.yes(e.pollutants_in_eirr), ""],
    ]
    # Each factor as the first component that has it gives it.
    factors: dict[str, float] = {}
    for c in result.components:
        for k, v in c.conversion_factors.items():
            factors.setdefault(k, v)
    if factors:
        rows.append(
            [
                "Conversion factors (financial to economic)",
                ", ".join(
                    f"{k.replace('_', ' ')} {layout.given(v)}" for k, v in sorted(factors.items())
                ),
                e.sources.get("cost_shares", "") or e.sources.get("conversion_factors", ""),
            ]
        )
    if case.grid.source:
        rows.append(["Grid emission factors", "see Section 5", case.grid.source])
    t = layout.table(["Parameter", "Value", "Source"], rows, [120, 160, 202], text_cols=(0, 1, 2))
    story += layout.captioned(f"{n.table()}: Parameters and sources", t)

    if case.carriers:
        crow = [
            [
                name.replace("_", " "),
                layout.given(c.emission_factor),
                layout.given(c.price),
                c.source,
            ]
            for name, c in case.carriers.items()
        ]
        t2 = layout.table(
            ["Energy carrier", "tCO2 per MWh", f"{meta.currency} per MWh", "Source"],
            crow,
            [90, 60, 60, 272],
            text_cols=(0, 3),
        )
        story += layout.captioned(
            f"{n.table()}: Energy carriers: emission factors and economic prices (as given)",
            t2,
        )

    years = list(result.carbon_price.index)
    prices = [fmt.per_tonne(layout.num(v)) for v in result.carbon_price.tolist()]
    per_row = 5
    crows = []
    for i in range(0, len(years), per_row):
        row: list[str] = []
        for year, price in zip(years[i : i + per_row], prices[i : i + per_row], strict=True):
            row += [str(year), price]
        row += [""] * (2 * per_row - len(row))
        crows.append(row)
    t3 = layout.table(
        ["Year", "USD/tCO2e"] * per_row,
        crows,
        [40, 56.4] * per_row,
        text_cols=(),
    )
    story += layout.captioned(
        f"{n.table()}: Carbon value by year (USD per tCO2e, {meta.price_year} prices)",
        t3,
        f"Source: {cp.get('source', '')}",
    )
    fsrc = [(s_.name, s_.source) for s_ in case.financing.sources if s_.source]
    if case.financing.loan is not None and case.financing.loan.source:
        fsrc.append(("Loan terms", case.financing.loan.source))
    cb = case.cobenefits
    other = [(_OTHER_SOURCES.get(k, k.replace("_", " ")), v) for k, v in cb.sources.items() if v]
    if fsrc or other:
        story.append(p("Other sources", "h2"))
        for name, src in [*fsrc, *other]:
            story.append(pm(f"<b>{markup(name)}</b>: {markup(src)}", "bullet"))
    return story


def checks_section(result: AppraisalResult, n: layout.Numbering) -> list[Flowable]:
    """Section 9: the findings of the automatic checks and the standing caveats."""
    meta = result.case.meta
    story: list[Flowable] = []
    checks = result.summary["checks"]
    if checks:
        rows = [[c["severity"], check_label(c["code"]), c["message"]] for c in checks]
        t = layout.table(["Severity", "Check", "Finding"], rows, [52, 86, 344], text_cols=(0, 1, 2))
        story += layout.captioned(f"{n.table()}: Findings of the automatic checks", t)
    else:
        story.append(p("The automatic checks found nothing to report."))
    caveats = [
        f"All money is in {meta.money}: constant prices, real terms. The loan schedule is the "
        "exception: it is in nominal terms.",
        "An IRR is reported only where the cash flow has exactly one; with none or several "
        "the table shows n/a and the reason is given beside it.",
        "Jobs are gross. The pollutant damage avoided is valued by benefit transfer: the source "
        "country's damage cost per tonne scaled by the income ratio.",
        "Inputs the case marks as illustrative are assumptions, not published figures; the "
        "case's sources (Section 2 and the components' sources in Section 1) say which is which.",
    ]
    if meta.source:
        caveats.append(f"Case source: {meta.source}")
    story.append(p("Caveats", "h2"))
    for c in caveats:
        story.append(pm(markup(c), "bullet"))
    return story
