"""The title page and Section 1 of the PDF annex: the project, its components, key results."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from appraisal import formatting as fmt
from appraisal._version import __version__
from appraisal.io.pdf import layout
from appraisal.io.pdf.fonts import markup
from appraisal.io.pdf.styles import DOCUMENT_TITLE, FRAME_W, Para, p, styles
from appraisal.result import AppraisalResult


def title_page(result: AppraisalResult) -> list[Flowable]:
    """Case name, country, description and the program's key figures."""
    s = result.summary
    meta = result.case.meta
    e, f, g, a, cb = (s[k] for k in ("economic", "financial", "ghg", "abatement", "cobenefits"))
    with_c = "including" if e["carbon_in_eirr"] else "excluding"
    rows = [
        [f"ENPV ({with_c} carbon), {meta.money}", fmt.money(e["enpv"])],
        [f"EIRR ({with_c} carbon)", fmt.rate(e["eirr"])],
        ["Benefit-cost ratio", fmt.ratio(e["bcr"])],
        ["ENPV without the carbon value", fmt.money(e["enpv_without_carbon"])],
        ["EIRR without the carbon value", fmt.rate(e["eirr_without_carbon"])],
        ["Economic discount rate (real)", fmt.rate(e["discount_rate"])],
        ["FIRR of the revenue-earning parts", fmt.rate(f["firr"])],
        ["WACC (real)", fmt.rate(f["wacc"])],
        # No DSCR for the sovereign loan (docs/methods.md section 3): each revenue-earning
        # entity's on its on-lent part, and the borrower's fiscal burden.
        *(
            [f"Lowest DSCR, {c['name']} (on-lent loan)", fmt.ratio(c["financial"]["dscr_min"])]
            for c in result.summary["components"]
            if c["financial"].get("dscr_min") is not None
        ),
        *(
            [
                f"Highest fiscal burden, share of budget revenue ({fiscal['burden_share_year']})",
                fmt.rate(fiscal["burden_share_max"]),
            ]
            for fiscal in [result.summary.get("fiscal")]
            if fiscal and fiscal.get("burden_share_max") is not None
        ),
        [
            "GHG emission reduction over the appraisal period, tCO2e",
            fmt.tonnes(g["reduction_tco2e_total"]),
        ],
        [
            f"Levelized abatement cost, {meta.currency} per tCO2e",
            fmt.per_tonne(a["cost_per_tco2e"]),
        ],
        ["Construction jobs, job-years", fmt.count(cb["jobs_construction_job_years"])],
    ]
    key = layout.table(["Key figures, program", "Value"], rows, [FRAME_W * 0.72, FRAME_W * 0.28])
    timing = (
        "the first year discounted one period (Excel NPV)"
        if meta.first_year_discounted
        else "the first year undiscounted"
    )
    story: list[Flowable] = [
        Spacer(1, 28 * mm),
        p(DOCUMENT_TITLE.upper(), "kicker"),
        Spacer(1, 4),
        p(meta.name, "title"),
    ]
    if meta.country:
        story.append(p(meta.country, "subtitle"))
    if meta.description:
        story.append(p(meta.description, "body"))
    story += [
        Spacer(1, 10 * mm),
        key,
        Spacer(1, 6 * mm),
        p(
            f"Money in {meta.money}, constant prices; appraisal period {meta.first_year} to "
            f"{meta.last_year}; present values at {fmt.rate(e['discount_rate'])} "
            f"real with {timing}. Carbon value: {s['carbon_price']['description']}.",
            "small",
        ),
        p(
            f"Prepared with appraisal {__version__} from the case file "
            f"'{result.case.slug}'. Every figure is rendered from the same result as the JSON "
            "summary and the workbook, with the same rounding; the same case gives the same file.",
            "note",
        ),
    ]
    return story


def project_section(result: AppraisalResult, n: layout.Numbering) -> list[Flowable]:
    """Section 1: each component with its description and source; the summary table."""
    meta = result.case.meta
    s = result.summary
    story: list[Flowable] = []
    if meta.description:
        story.append(p(meta.description))
    if meta.source:
        story.append(p(f"Source: {meta.source}", "small"))
    st = styles()
    rows: list[list[Any]] = []
    for comp, c in zip(result.case.components, result.components, strict=True):
        text = f"<b>{markup(comp.name)}</b> <font color='#6B7280'>({markup(comp.id)})</font>"
        if comp.description:
            text += f"<br/>{markup(comp.description)}"
        if comp.source:
            text += f"<br/><font color='#6B7280'>Source: {markup(comp.source)}</font>"
        rows.append(
            [
                Para(text, st["cell"]),
                # The one sum the annex does itself (docs/pdf-annex.md): the result
                # carries no undiscounted capital cost yet.
                fmt.money(layout.num(c.capital_cost)),
                fmt.money(c.summary["economic"]["pv_costs"]),
                layout.yes(c.summary["financial"]["revenue_earning"]),
            ]
        )
    rows.append(
        [
            Para("<b>Program</b>", st["cell"]),
            fmt.money(layout.num(result.program.capital_cost)),
            fmt.money(s["economic"]["pv_costs"]),
            # the program is not one part: say how many of its parts earn revenue
            f"{sum(bool(c['financial']['revenue_earning']) for c in s['components'])} "
            f"of {len(s['components'])}",
        ]
    )
    t = layout.table(
        ["Component", "Capital cost, economic prices", "PV of economic costs", "Earns revenue"],
        rows,
        [300, 62, 62, 58],
        bold_rows=[len(rows) - 1],
    )
    story += layout.captioned(
        f"{n.table()}: Components ({meta.money})",
        t,
        "Capital cost: undiscounted sum over the years at economic prices. PV of economic "
        f"costs: capital and O&M at {fmt.rate(s['economic']['discount_rate'])}.",
    )
    summary_rows = [fmt.summary_row(label, b) for label, b in layout.blocks(result)]
    t2 = layout.table(
        [
            "Component",
            "ENPV",
            "EIRR",
            "BCR",
            "ENPV w/o carbon",
            "EIRR w/o carbon",
            "FIRR",
            "tCO2e avoided",
            f"{meta.currency}/ tCO2e",
            "Jobs (constr.)",
        ],
        summary_rows,
        [98, 44, 40, 30, 46, 44, 38, 56, 44, 42],
        bold_rows=[len(summary_rows) - 1],
    )
    head = "including" if s["economic"]["carbon_in_eirr"] else "excluding"
    story += layout.captioned(
        f"{n.table()}: Summary of results ({meta.money})",
        t2,
        f"ENPV, EIRR and BCR {head} the carbon value; job-years of construction, gross. "
        "The same figures as the terminal summary and the JSON summary.",
    )
    return story
