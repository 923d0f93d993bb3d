"""Checks of an appraisal: what a reviewer must see beside the figures.

Pure: the case and the computed component results in, a list of
:class:`~appraisal.result.Check` out (JSON ``checks``; docs/methods.md section 9).
"""

from __future__ import annotations

from appraisal.case import Case
from appraisal.climate_finance import climate_finance_checks
from appraisal.result import Check, ComponentResult

__all__ = ["appraisal_checks"]


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
        (``real-nominal-mixed``), a DSCR below one (``dscr-below-one``) and inputs
        without a source (``source-missing``); docs/methods.md section 9.
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
    if loan is not None and any(s.inflation > 0 for s in case.financing.sources):
        out.append(
            Check(
                "real-nominal-mixed",
                "info",
                "the loan schedule is nominal while the cash flows are real (constant "
                f"{case.meta.price_year} prices): the DSCR compares nominal debt service with real "
                "cash available and is conservative when inflation is positive",
            )
        )
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
    dscr_min = program.summary["financial"].get("dscr_min")
    if dscr_min is not None and dscr_min < 1.0:
        out.append(
            Check(
                "dscr-below-one",
                "warning",
                f"the revenue-earning parts cover only {dscr_min:.2f} times the loan's debt "
                "service in its worst repayment year: the rest must come from the borrower's "
                "budget",
            )
        )
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
    if missing:
        out.append(
            Check("source-missing", "warning", "inputs without a source: " + ", ".join(missing))
        )
    return out
