"""Section 4 of the PDF annex, its last parts: the revenue-earning entities and the fiscal burden.

Each entity's WACC, FIRR, FNPV, on-lent loan and lowest DSCR (its
``financial`` block; DSCR by year from ``ComponentResult.financial``), then the
burden on the city's budget by year (``result.fiscal``) with the largest share
of budget revenue (docs/methods.md section 3).
"""

from __future__ import annotations

from reportlab.platypus import CondPageBreak, Flowable

from appraisal import formatting as fmt
from appraisal.io.pdf import layout
from appraisal.result import AppraisalResult

__all__ = ["entity_tables", "fiscal_tables"]


def entity_tables(result: AppraisalResult, n: layout.Numbering) -> list[Flowable]:
    """One row per revenue-earning entity, and its DSCR by year where it carries debt."""
    meta = result.case.meta
    rows = []
    notes = []
    for comp, res in zip(result.case.components, result.components, strict=True):
        if res.financial is None:
            continue
        f = res.summary["financial"]
        terms = comp.financial or {}
        rows.append(
            [
                comp.name,
                fmt.money(float(terms.get("on_lent_loan", 0.0))),
                fmt.rate(float(terms.get("income_tax_rate", 0.0))),
                fmt.rate(f["wacc"]),
                fmt.rate(f["firr"]),
                fmt.money(f["fnpv"]),
                fmt.ratio(f.get("dscr_min")),
            ]
        )
        if f.get("dscr_min_reason"):
            notes.append(f"{comp.name}: no DSCR ({f['dscr_min_reason']}).")
    if not rows:
        return []
    t = layout.table(
        ["Entity", "On-lent loan", "Income tax", "WACC", "FIRR", "FNPV", "Lowest DSCR"],
        rows,
        [150, 55, 45, 45, 45, 55, 55],
    )
    story: list[Flowable] = [CondPageBreak(120)]
    story += layout.captioned(
        f"{n.table()}: Revenue-earning entities ({meta.money})",
        t,
        "FIRR and FNPV after income tax, real, against the WACC of the financing the entity "
        "carries (its on-lent loan; the rest of its capital from the program's sources pro "
        "rata, at its own tax rate). DSCR = nominal cash available (revenue - O&M - income tax, "
        "inflated by the domestic inflation) / nominal debt service of the on-lent part (the "
        "loan's x on-lent / loan amount), lowest over the repayment years. " + " ".join(notes),
    )
    return story


def fiscal_tables(result: AppraisalResult, n: layout.Numbering) -> list[Flowable]:
    """The burden on the city's budget by year and its largest share of budget revenue."""
    fiscal, f = result.fiscal, result.case.fiscal
    if fiscal is None or f is None:
        return []
    meta = result.case.meta
    spec: list[tuple[str, str, layout.Formatter]] = [
        ("counterpart", "Counterpart capital", fmt.money),
        ("om_non_revenue", "O&M, no revenue", fmt.money),
        ("debt_service_retained", "Debt service kept", fmt.money),
        ("burden", "Burden", fmt.money),
        ("budget_revenue", "Budget revenue", fmt.money),
        ("burden_share", "Share", fmt.rate),
    ]
    t = layout.frame_wide_yearly_table(fiscal.table, spec, year_width=40.0)
    verdict = "above" if fiscal.burden_share_max > f.max_burden_share else "within"
    story: list[Flowable] = [CondPageBreak(160)]
    story += layout.captioned(
        f"{n.table()}: Fiscal burden on the city budget ({meta.money})",
        t,
        f"Burden = counterpart capital (capital - loan disbursed) + O&M of the components that "
        f"earn no revenue + debt service of the part of the loan not on-lent; loan flows deflated "
        f"by the domestic inflation {fmt.rate(f.inflation)}. The largest share is "
        f"{fmt.rate(fiscal.burden_share_max)} in {fiscal.burden_share_year}, {verdict} the "
        f"threshold of {fmt.rate(f.max_burden_share)}. Budget revenue: "
        f"{f.source or 'source not given'}.",
    )
    return story
