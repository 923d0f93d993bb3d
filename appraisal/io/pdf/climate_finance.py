"""Section 7 of the PDF annex: climate finance, GCF-style indicators and flood damage avoided.

Every figure is a summary block of a component or of the program (JSON
``climate_finance``, ``ghg.reduction_tco2e_lifetime``,
``abatement.investment_per_tco2e_lifetime``, ``financing``, ``adaptation``) or a
table of ``result.climate_finance``; nothing is recomputed.
"""

from __future__ import annotations

import pandas as pd
from reportlab.platypus import Flowable

from appraisal import formatting as fmt
from appraisal.io.pdf import layout
from appraisal.io.pdf.styles import p
from appraisal.result import AppraisalResult

__all__ = ["climate_finance_section"]


def climate_finance_section(result: AppraisalResult, n: layout.Numbering) -> list[Flowable]:
    """Section 7: tracking by component, by source, the GCF-style indicators, flood EAD."""
    meta = result.case.meta
    s = result.summary
    cf = result.climate_finance
    story: list[Flowable] = [
        p(
            "Climate finance is tracked by the Joint MDB Methodology for Tracking Climate "
            "Finance: only the share of each component's capital cost (financial prices, "
            "undiscounted) that is mitigation, adaptation, or both (dual, counted once) counts, "
            "never the whole cost. The shares are the case's (components.climate_finance)."
        )
    ]
    cols = [
        ("Mitigation", 62, "climate_finance.mitigation", fmt.money),
        ("Adaptation", 62, "climate_finance.adaptation", fmt.money),
        ("Dual", 54, "climate_finance.dual", fmt.money),
        ("Total", 62, "climate_finance.total", fmt.money),
        ("Share of cost", 56, "climate_finance.share_of_cost", fmt.rate),
    ]
    t = layout.component_table(result, 150, cols)
    story += layout.captioned(f"{n.table()}: Climate finance by component ({meta.money})", t)
    if cf is not None and len(cf.by_source):
        rows = [
            [str(r.name), fmt.money(layout.num(r.amount)), fmt.money(layout.num(r.total))]
            for r in cf.by_source.itertuples(index=False)
        ]
        t = layout.table(["Financing source", "Amount", "Climate finance"], rows, [230, 90, 90])
        story += layout.captioned(
            f"{n.table()}: Climate finance by financing source ({meta.money})",
            t,
            "Each source is credited with the program's climate finance pro rata to its amount.",
        )
    story.append(
        p(
            "GCF-style indicators: the tonnes avoided over each component's whole life, "
            "undiscounted and counted also beyond the appraisal horizon, and the capital cost "
            f"(financial prices, whole {meta.currency}) per lifetime tonne."
        )
    )
    cols = [
        ("tCO2e, horizon", 74, "ghg.reduction_tco2e_total", fmt.tonnes),
        ("tCO2e, whole life", 74, "ghg.reduction_tco2e_lifetime", fmt.tonnes),
        (
            f"Investment per lifetime tCO2e, {meta.currency}",
            90,
            "abatement.investment_per_tco2e_lifetime",
            fmt.per_tonne,
        ),
    ]
    t = layout.component_table(result, 150, cols)
    story += layout.captioned(f"{n.table()}: Lifetime tonnes and investment per tonne", t)
    fin = s.get("financing")
    if fin:
        story.append(
            p(
                f"Co-financing ratio: the other sources' total over the lead source "
                f"({fin['lead']}, {fmt.money(layout.num(fin['lead_amount']))} {meta.currency} "
                f"{meta.unit}) is {fmt.ratio(layout.num(fin['cofinance_ratio']))}."
            )
        )
    if cf is not None:
        for cid, (table, ead) in cf.flood.items():
            story += _flood(result, cid, table, ead, n)
    return story


def _flood(
    result: AppraisalResult,
    cid: str,
    table: pd.DataFrame,
    ead: dict[str, float],
    n: layout.Numbering,
) -> list[Flowable]:
    """A component's damage-probability table and its expected annual damage."""
    meta = result.case.meta
    name = result.component(cid).name
    t = layout.frame_table(
        table,
        [
            ("return_period", "Return period, years", 80, fmt.count),
            ("probability", "Annual probability", 80, _probability),
            ("damage_without", "Damage without", 90, fmt.money),
            ("damage_with", "Damage with", 90, fmt.money),
            ("damage_avoided", "Damage avoided", 90, fmt.money),
        ],
        text_cols=(),
    )
    return layout.captioned(
        f"{n.table()}: {name}: flood damage by return period ({meta.money} per event)",
        t,
        "Expected annual damage (EAD) = the integral of damage over the annual exceedance "
        "probability 1/T: trapezoids between the listed events plus the rarest event's damage "
        "times its probability (the tail); no damage from events more frequent than the most "
        f"frequent listed. EAD without {fmt.money(ead['ead_without'])}, with "
        f"{fmt.money(ead['ead_with'])}, avoided {fmt.money(ead['avoided_ead'])} a year; the "
        "avoided EAD times the climate multiplier of each year is the benefit stream "
        "avoided_flood_damage from the first operating year.",
    )


def _probability(value: float | None) -> str:
    """An annual exceedance probability to four decimals (0 where it is missing)."""
    return f"{value or 0.0:.4f}"
