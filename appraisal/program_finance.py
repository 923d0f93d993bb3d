"""The program's finance put together from a case: loan schedule, entities, fiscal burden.

Pure: a :class:`~appraisal.case.Case` and the components' streams in; the
tables of :mod:`appraisal.entity_finance` and :mod:`appraisal.fiscal` out
(docs/methods.md section 3). Called by :func:`appraisal.appraise`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from appraisal.case import Case
from appraisal.economics import interpolate_path
from appraisal.entity_finance import EntityAnalysis, EntityTerms, entity_analysis
from appraisal.finance import loan_schedule
from appraisal.fiscal import FiscalResult, fiscal_burden
from appraisal.streams import ComponentStreams

__all__ = ["case_entities", "case_fiscal", "loan_schedule_by_year"]


def case_entities(
    case: Case, streams: dict[str, ComponentStreams], schedule: pd.DataFrame | None
) -> dict[str, EntityAnalysis]:
    """The financial analysis of each revenue-earning component, by id."""
    meta, loan = case.meta, case.financing.loan
    sources = [s.__dict__ for s in case.financing.sources]
    out: dict[str, EntityAnalysis] = {}
    for c in case.components:
        if c.revenue_earning:
            st = streams[c.id]
            out[c.id] = entity_analysis(
                st.capital_financial,
                st.operating_financial,
                st.revenue,
                years=meta.calendar_years,
                price_year=meta.price_year,
                terms=EntityTerms.of(c.financial),
                life_years=c.life_years,
                residual_value=st.residual_value_financial,
                schedule=schedule,
                loan_amount=None if loan is None else loan.amount,
                loan_interest_rate=None if loan is None else loan.interest_rate,
                program_sources=sources,
            )
    return out


def loan_schedule_by_year(case: Case) -> pd.DataFrame | None:
    """The loan schedule by calendar year (loan year 0 = the case's first year), or None.

    The columns of :func:`appraisal.finance.loan_schedule` and ``drawn_before``: what
    was disbursed and capitalised before the year, repayments not deducted [money]
    (the balance that repayment, once it starts, is computed on).
    """
    loan = case.financing.loan
    if loan is None:
        return None
    sched = loan_schedule(
        loan.amount,
        interest_rate=loan.interest_rate,
        tenor_years=loan.tenor_years,
        grace_years=loan.grace_years,
        repayment=loan.repayment,
        disbursement=loan.disbursement,
        commitment_fee=loan.commitment_fee,
        capitalize_interest=loan.capitalize_interest,
    ).copy()
    drawn = (sched["disbursed"] + sched["interest_capitalized"]).to_numpy()
    sched["drawn_before"] = np.concatenate([[0.0], np.cumsum(drawn)[:-1]])
    first = case.meta.first_year
    sched.index = pd.Index(range(first, first + len(sched)), name="year")
    return sched


def case_fiscal(
    case: Case,
    streams: dict[str, ComponentStreams],
    schedule: pd.DataFrame | None,
    entities: dict[str, EntityAnalysis],
) -> FiscalResult | None:
    """The burden on the city's budget (``[fiscal]``), or None when the case gives none."""
    f = case.fiscal
    if f is None:
        return None
    meta = case.meta
    years = meta.calendar_years
    idx = pd.Index(years, name="year")
    z = np.zeros(meta.years)
    disbursed, service, retained = z, z, 1.0
    loan = case.financing.loan
    if schedule is not None and loan is not None and loan.amount > 0:
        disbursed = schedule["disbursed"].reindex(idx).fillna(0.0).to_numpy(dtype=np.float64)
        service = schedule["debt_service"].reindex(idx).fillna(0.0).to_numpy(dtype=np.float64)
        on_lent = sum(EntityTerms.of(c.financial).on_lent_loan for c in case.components)
        retained = max(0.0, 1.0 - on_lent / loan.amount)
    return fiscal_burden(
        years=years,
        price_year=meta.price_year,
        budget_revenue=interpolate_path(f.budget_revenue, years),
        inflation=f.inflation,
        capital=sum((s.capital_financial for s in streams.values()), z),
        loan_disbursed_nominal=disbursed,
        om_non_revenue=sum(
            (s.operating_financial for k, s in streams.items() if k not in entities), z
        ),
        debt_service_nominal=service,
        retained_share=retained,
    )
