"""Checks of an appraisal: what a reviewer must see beside the figures.

Pure: the case and the computed component results in, a list of
:class:`~appraisal.result.Check` out (JSON ``checks``; docs/methods.md section 9).
"""

from __future__ import annotations

from appraisal.case import Case
from appraisal.climate_finance import climate_finance_checks
from appraisal.plausibility import plausibility_checks
from appraisal.result import Check, ComponentResult

__all__ = ["CHECK_LABELS", "appraisal_checks", "check_label"]

# Each check code in words, for a person (PDF annex, notebook); the code stays in the JSON.
CHECK_LABELS = {
    "assumption": "Assumption made",
    "carbon-double-counted": "Carbon counted twice",
    "climate-finance-mitigation": "Climate finance share",
    "dscr-below-one": "Debt service not covered",
    "fiscal-burden-high": "High burden on the city budget",
    "implausible-input": "Implausible input",
    "irr-undefined": "No single rate of return",
    "jobs-double-counted": "Jobs counted twice",
    "life-cut-no-residual": "Life cut without residual value",
    "real-nominal-mixed": "Real and nominal figures mixed",
    "source-missing": "Input without a source",
}


def check_label(code: str) -> str:
    """A check code in words (the code with spaces when it has no label).

    >>> check_label("real-nominal-mixed"), check_label("new-check")
    ('Real and nominal figures mixed', 'New check')
    """
    return CHECK_LABELS.get(code, code.replace("-", " ").capitalize())


def appraisal_checks(
    case: Case, comps: list[ComponentResult], program: ComponentResult, notes: dict[str, list[str]]
) -> list[Check]:
    """The findings a reviewer must see beside the figures.

    Parameters
    ----------
    case
        The validated case.
    comps, program
        The component results and the program's (their ``summary`` blocks are read).
    notes
        Assumptions made while building each component's streams, by component id
        (e.g. a life cut at the horizon).

    Returns
    -------
    list of Check
        Several IRRs or none (``irr-undefined``), assumptions (``assumption``),
        carbon counted twice (``carbon-double-counted``), real and nominal mixed
        (``real-nominal-mixed``), an entity's DSCR below one (``dscr-below-one``),
        a burden on the city budget above its threshold (``fiscal-burden-high``)
        and inputs without a source (``source-missing``); docs/methods.md section 9.
    """
    out: list[Check] = []
    for c in (*comps, program):
        for key in ("eirr", "eirr_without_carbon"):
            e = c.summary["economic"]
            if e.get(key) is None and e.get(f"{key}_reason"):
                out.append(
                    Check("irr-undefined", "warning", f"{c.id}: {key}: {e[f'{key}_reason']}")
                )
        f = c.summary["financial"]
        if f["revenue_earning"] and f.get("firr") is None:
            out.append(Check("irr-undefined", "warning", f"{c.id}: firr: {f['firr_reason']}"))
    for cid, items in notes.items():
        for note in items:
            out.append(Check("assumption", "info", f"{cid}: {note}"))
    e = case.economic
    if e.carbon_in_eirr and e.carbon_price != "none":
        for comp in case.components:
            if comp.carbon_credits_sold:
                out.append(
                    Check(
                        "carbon-double-counted",
                        "warning",
                        f"{comp.id}: its reductions are sold as carbon credits and also valued at "
                        "the shadow carbon price in the EIRR: carbon counted twice",
                    )
                )
    loan = case.financing.loan
    out += _entity_checks(case, comps, program)
    if e.discount_rate > 0.15:
        out.append(
            Check(
                "real-nominal-mixed",
                "warning",
                f"the economic discount rate {e.discount_rate:.2%} is high for a real rate; "
                "check that it is not nominal",
            )
        )
    out += climate_finance_checks(case, comps)
    out += plausibility_checks(case, comps)
    missing = []
    for key in ("discount_rate", "carbon_price"):
        if not e.sources.get(key):
            missing.append(f"economic.{key}")
    missing += [f"components.{c.id}" for c in case.components if not c.source]
    missing += [f"carriers.{k}" for k, v in case.carriers.items() if not v.source]
    if (
        case.grid.emission_factor is not None or case.grid.operating_margin is not None
    ) and not case.grid.source:
        missing.append("grid")
    cb = case.cobenefits
    for key in ("jobs_construction_per_musd", "jobs_operation_per_musd"):
        if getattr(cb, key) and not cb.sources.get(key):
            missing.append(f"cobenefits.{key}")
    if any(cb.damage_costs.values()) and not cb.sources.get("damage_costs"):
        missing.append("cobenefits.damage_costs")
    for s in case.financing.sources:
        if not s.source:
            missing.append(f"financing.sources.{s.name}")
    if loan is not None and not loan.source:
        missing.append("financing.loan")
    if case.fiscal is not None and not case.fiscal.source:
        missing.append("fiscal")
    if missing:
        out.append(
            Check("source-missing", "warning", "inputs without a source: " + ", ".join(missing))
        )
    return out


def _entity_checks(
    case: Case, comps: list[ComponentResult], program: ComponentResult
) -> list[Check]:
    """DSCR below one per entity, real and nominal mixed, the tax shield, the fiscal burden."""
    out: list[Check] = []
    loan = case.financing.loan
    for comp, res in zip(case.components, comps, strict=True):
        f = res.summary["financial"]
        worst = f.get("dscr_min")
        if worst is not None and worst < 1.0:
            out.append(
                Check(
                    "dscr-below-one",
                    "warning",
                    f"{comp.id}: its cash available covers only {worst:.2f} times the debt "
                    "service of the loan on-lent to it in its worst repayment year",
                )
            )
        fin = comp.financial or {}
        if loan is not None and fin.get("on_lent_loan", 0.0) > 0 and not fin.get("inflation"):
            out.append(
                Check(
                    "real-nominal-mixed",
                    "info",
                    f"{comp.id}: financial.inflation is 0: its DSCR compares real cash (constant "
                    f"{case.meta.price_year} prices) with the loan's nominal debt service",
                )
            )
    if not case.financing.borrower_pays_income_tax:
        taxed = [s.name for s in case.financing.sources if s.tax_rate > 0]
        if taxed:
            out.append(
                Check(
                    "assumption",
                    "info",
                    "the borrower pays no income tax (financing.borrower_pays_income_tax): "
                    "the program's WACC ignores the tax_rate of " + ", ".join(taxed),
                )
            )
    fiscal = program.summary.get("fiscal")
    if fiscal is not None and case.fiscal is not None:
        share, limit = fiscal["burden_share_max"], case.fiscal.max_burden_share
        if share > limit:
            out.append(
                Check(
                    "fiscal-burden-high",
                    "warning",
                    f"the program's burden on the city budget reaches {share:.1%} of budget "
                    f"revenue in {fiscal['burden_share_year']}, above fiscal.max_burden_share "
                    f"{limit:.1%}",
                )
            )
    return out
