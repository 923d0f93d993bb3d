"""Section 6 of the PDF annex: co-benefits, jobs and local air pollutants avoided.

Every figure is the summary block of a component or of the program (JSON
``cobenefits``); the employment factor and local share are quoted from the case.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from appraisal import formatting as fmt
from appraisal.io.pdf import layout
from appraisal.io.pdf.styles import p
from appraisal.result import AppraisalResult


def cobenefits_section(result: AppraisalResult, n: layout.Numbering) -> list[Flowable]:
    """Section 6: jobs by kind; pollutants avoided and the PV of the damage avoided."""
    meta = result.case.meta
    s = result.summary
    cb_case = result.case.cobenefits
    story: list[Flowable] = [
        p(
            "Construction job-years are the capital that creates construction work (US$ "
            "million, financial prices: every category but land and resettlement, net of its "
            f"tax share; {fmt.money(s['cobenefits']['jobs_construction_capital'])} "
            f"{meta.money} for the program) times an employment factor of "
            f"{layout.given(cb_case.jobs_construction_per_musd)} job-years per US$ million and "
            f"a local share of {fmt.rate(cb_case.jobs_local_share)}"
            + (
                ", plus indirect (supply-chain) and induced jobs by their multipliers"
                if cb_case.jobs_factor_basis == "direct"
                else "; the factor already counts supply-chain (indirect) jobs, so no "
                "multiplier is added and induced jobs are not estimated"
            )
            + "; operation jobs are per year of operation. The figures are gross jobs: jobs "
            "displaced elsewhere are not netted out."
        )
    ]
    jobs = [  # (header, width [pt], key in the cobenefits block)
        ("Construction, direct", 68, "jobs_construction_direct"),
        ("Construction, indirect", 68, "jobs_construction_indirect"),
        ("Construction, induced", 68, "jobs_construction_induced"),
        ("Construction, total (job-years)", 76, "jobs_construction_job_years"),
        ("Operation (jobs per year)", 70, "jobs_operation"),
    ]
    t = layout.component_table(
        result, 132, [(h, w, f"cobenefits.{key}", fmt.count) for h, w, key in jobs]
    )
    story += layout.captioned(f"{n.table()}: Jobs", t)
    in_eirr = s["economic"]["pollutants_in_eirr"]
    story.append(
        p(
            "Local air pollutants avoided are the energy saved times emission factors by fuel and "
            "for the grid; their value is the damage cost per tonne transferred to the country "
            "by the income ratio. "
            + (
                "The case counts this value in the economic benefits."
                if in_eirr
                else "This value is reported separately and is not in the EIRR."
            )
        )
    )
    pollutants = (("pm25", "PM2.5"), ("so2", "SO2"), ("nox", "NOx"))
    t2 = layout.component_table(
        result,
        150,
        [
            *(
                (f"{name} (t)", 70, f"cobenefits.pollutants_avoided_t.{key}", fmt.tonnes)
                for key, name in pollutants
            ),
            (
                f"PV of damage avoided, {meta.money}",
                122,
                "cobenefits.pollutant_value_pv",
                fmt.money,
            ),
        ],
    )
    src = cb_case.sources.get("damage_costs", "")
    story += layout.captioned(
        f"{n.table()}: Local air pollutants avoided over the appraisal period",
        t2,
        f"Damage costs: {src}" if src else "",
    )
    return story
