"""Section 5 of the PDF annex: GHG emissions and the levelized abatement cost.

Emissions without and with the program by year (``program.ghg``) and their
trajectory chart; reductions and levelized cost by component from the JSON
summary; the marginal abatement cost curve and its data (``mac``).
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from appraisal import formatting as fmt
from appraisal.io.pdf import charts, layout
from appraisal.io.pdf.styles import p
from appraisal.result import AppraisalResult


def ghg_section(result: AppraisalResult, n: layout.Numbering) -> list[Flowable]:
    """Section 5: emissions by year, reductions and cost by component, MAC curve."""
    case = result.case
    meta = case.meta
    s = result.summary
    g = s["ghg"]
    ghg = result.program.ghg
    story: list[Flowable] = [
        p(
            "Emission reductions are the without-project emissions minus the with-project "
            "emissions for the same level of service, by year over the appraisal period (IFI "
            "harmonised approach). Grid electricity uses the combined margin of the operating and "
            "build margins (CDM TOOL07), as a path by year as the grid decarbonises. Over "
            f"{meta.first_year}-{meta.last_year} the program avoids "
            f"{fmt.tonnes(g['reduction_tco2e_total'])} tCO2e, on average "
            f"{fmt.tonnes(g['reduction_tco2e_annual_average'])} tCO2e a year over "
            f"{g['reduction_years']} years. The levelized abatement cost is "
            f"{fmt.per_tonne(s['abatement']['cost_per_tco2e'])} {meta.currency} per tCO2e: the "
            "present value of costs net of non-carbon benefits over the present value of the "
            "tonnes avoided, at the same discount rate; a negative cost is a net saving."
        )
    ]
    excluded = s["abatement"].get("excluded_components") or []
    if excluded:
        names = {c.id: c.name for c in result.components}
        story.append(
            p(
                "The program's abatement cost counts only the components that avoid tonnes; "
                "left out (no emission reduction, or an increase): "
                + "; ".join(names.get(i, i) for i in excluded)
                + ". Their benefits would otherwise lower, or their costs raise, the cost of "
                "tonnes they do not avoid.",
                "small",
            )
        )
    if case.grid.source:
        story.append(p(f"Grid emission factors: {case.grid.source}", "small"))
    t = layout.yearly_table(
        ghg,
        [
            ("without_project", "Without project", 120, fmt.tonnes),
            ("with_project", "With project", 120, fmt.tonnes),
            ("reduction", "Reduction", 120, fmt.tonnes),
        ],
        year_width=110,
        totals=[
            [
                "Total",
                fmt.tonnes(g["without_project_tco2e_total"]),
                fmt.tonnes(g["with_project_tco2e_total"]),
                fmt.tonnes(g["reduction_tco2e_total"]),
            ]
        ],
    )
    story += layout.captioned(f"{n.table()}: GHG emissions of the program (tCO2e)", t)
    story.append(
        layout.figure(
            f"{n.figure()}: Emissions without and with the program (tCO2e per year)",
            charts.emissions_chart(
                [int(y) for y in ghg.index],
                ghg["without_project"].tolist(),
                ghg["with_project"].tolist(),
            ),
        )
    )
    columns: list[layout.BlockColumn] = [
        ("tCO2e avoided, total", 70, "ghg.reduction_tco2e_total", fmt.tonnes),
        ("tCO2e avoided per year", 70, "ghg.reduction_tco2e_annual_average", fmt.tonnes),
        ("PV of tCO2e avoided", 70, "abatement.pv_tco2e", fmt.tonnes),
        (f"PV of net cost, {meta.money}", 82, "abatement.pv_net_cost", fmt.money),
        (f"Cost, {meta.currency} per tCO2e", 70, "abatement.cost_per_tco2e", fmt.per_tonne),
    ]
    if meta.currency != "USD":
        columns.append(("Cost, USD per tCO2e", 60, "abatement.cost_per_tco2e_usd", fmt.per_tonne))
    story += layout.captioned(
        f"{n.table()}: Emission reductions and levelized abatement cost by component",
        layout.component_table(result, 120, columns),
        "Per year: the average over the years with a reduction (the MAC bar width). Net cost: "
        "economic costs minus non-carbon benefits.",
    )
    reasons = [
        f"{label}: {b['abatement']['cost_per_tco2e_reason']}"
        for label, b in layout.blocks(result)
        if b["abatement"].get("cost_per_tco2e_reason")
    ]
    for r in reasons:
        story.append(p(r, "small"))
    mac = result.mac
    if len(mac):
        keys = [str(i + 1) for i in range(len(mac))]
        chart = charts.mac_chart(
            keys,
            mac["cost_per_tco2e"].tolist(),
            mac["x_start"].tolist(),
            mac["x_end"].tolist(),
            currency=meta.currency,
        )
        story.append(
            layout.figure(
                f"{n.figure()}: Marginal abatement cost curve",
                chart,
                "Bars sorted by cost per tCO2e; width: average tCO2e avoided per year. Numbers "
                "refer to the table below.",
            )
        )
        rows3 = [
            [
                k,
                f"{r.name} ({r.id})",
                fmt.per_tonne(layout.num(r.cost_per_tco2e)),
                fmt.tonnes(layout.num(r.annual_tco2e)),
                fmt.tonnes(layout.num(r.x_end)),
            ]
            for k, r in zip(keys, mac.itertuples(index=False), strict=True)
        ]
        t3 = layout.table(
            [
                "No.",
                "Component",
                f"{meta.currency} per tCO2e",
                "tCO2e per year",
                "Cumulative tCO2e per year",
            ],
            rows3,
            [28, 222, 74, 74, 84],
            text_cols=(1,),
        )
        story += layout.captioned(f"{n.table()}: MAC curve data", t3)
    return story
