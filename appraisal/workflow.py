"""The workflow: one case in, one :class:`~appraisal.result.AppraisalResult` out.

This is the only place where the engine's pure functions are put together.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from appraisal.abatement import levelized_cost, mac_curve, program_abatement
from appraisal.carbon import carbon_summary, chosen_path_usd, switching_multiple
from appraisal.case import Case, CaseError
from appraisal.checks import appraisal_checks
from appraisal.climate_finance import climate_indicators
from appraisal.cobenefits import damage_cost_transfer, jobs, jobs_capital
from appraisal.economics import CARBON_PATHS, economic_indicators
from appraisal.entity_finance import program_wacc_sources
from appraisal.finance import irr_detail, npv, wacc_table
from appraisal.program_finance import case_entities, case_fiscal, loan_schedule_by_year
from appraisal.result import AppraisalResult, ComponentResult
from appraisal.result_schema import SCHEMA_VERSION
from appraisal.schema import Problem, field_by_key
from appraisal.streams import POLLUTANTS, ComponentStreams, component_streams
from appraisal.uncertainty import (
    UncertaintyInputError,
    economic_streams,
    monte_carlo,
    parse_risk,
    parse_sensitivity_tests,
    sensitivity,
)

__all__ = ["appraise", "risk"]

FloatArray = npt.NDArray[np.float64]


def _rate_block(
    prefix: str, detail_value: float | None, reason: str | None, roots: tuple[float, ...]
) -> dict[str, Any]:
    out: dict[str, Any] = {prefix: detail_value}
    if detail_value is None:
        out[f"{prefix}_reason"] = reason
        if len(roots) > 1:
            out[f"{prefix}_roots"] = list(roots)
    return out


def _economic_table(
    case: Case, s: ComponentStreams, carbon_usd: FloatArray, years: list[int]
) -> pd.DataFrame:
    meta = case.meta
    to_money = 1.0 / meta.usd_per_currency_unit / meta.unit_scale
    reduction = s.without_project - s.with_project
    carbon_value = reduction * carbon_usd * to_money
    cb = case.cobenefits
    pollutant_value = np.zeros(meta.years)
    for p in POLLUTANTS:
        v = damage_cost_transfer(cb.damage_costs.get(p, 0.0), cb.income_ratio, cb.income_elasticity)
        pollutant_value = pollutant_value + s.pollutants_avoided[p] * v * to_money
    # The residual value is a negative capital cost in the last year (docs/methods.md s. 2):
    # "capital" is net of it, so the sensitivity and risk tests scale it with the capital.
    residual = s.residual_value if s.residual_value is not None else np.zeros(meta.years)
    cols: dict[str, FloatArray] = {"capital": s.capital - residual, "operating": s.operating}
    cols["residual_value"] = residual
    for name, values in s.benefits.items():
        cols[f"benefit:{name}"] = values
    cols["carbon_value"] = carbon_value
    cols["pollutant_value"] = pollutant_value
    costs = cols["capital"] + s.operating
    benefits = np.sum(list(s.benefits.values()), axis=0) if s.benefits else np.zeros(meta.years)
    if case.economic.pollutants_in_eirr:
        benefits = benefits + pollutant_value
    cols["costs"] = costs
    cols["benefits_without_carbon"] = benefits
    cols["net_without_carbon"] = benefits - costs
    cols["net_with_carbon"] = benefits + carbon_value - costs
    return pd.DataFrame(cols, index=pd.Index(years, name="year"))


def _blocks(
    case: Case,
    econ: pd.DataFrame,
    fin: pd.DataFrame | None,
    ghg: pd.DataFrame,
    pollutants: pd.DataFrame,
    jobs_capital: float,
    om_financial_avg: float,
    wacc: float | None,
) -> dict[str, Any]:
    meta = case.meta
    e = case.economic
    r = e.discount_rate
    fyd = meta.first_year_discounted
    costs = econ["costs"].to_numpy()
    b0 = econ["benefits_without_carbon"].to_numpy()
    carbon = econ["carbon_value"].to_numpy()
    without = economic_indicators(costs, b0, r, first_year_discounted=fyd)
    withc = economic_indicators(costs, b0 + carbon, r, first_year_discounted=fyd)
    head = withc if e.carbon_in_eirr else without
    economic: dict[str, Any] = {"discount_rate": r, "enpv": head.enpv}
    economic |= _rate_block("eirr", head.eirr, head.eirr_reason, head.eirr_roots)
    economic["bcr"] = head.bcr
    economic["enpv_without_carbon"] = without.enpv
    economic |= _rate_block(
        "eirr_without_carbon", without.eirr, without.eirr_reason, without.eirr_roots
    )
    economic["bcr_without_carbon"] = without.bcr
    economic["enpv_with_carbon"] = withc.enpv
    economic |= _rate_block("eirr_with_carbon", withc.eirr, withc.eirr_reason, withc.eirr_roots)
    economic["bcr_with_carbon"] = withc.bcr
    economic["pv_costs"] = without.pv_costs
    economic["pv_residual_value"] = float(
        npv(r, econ["residual_value"].to_numpy(), first_year_discounted=fyd)
    )
    economic["pv_benefits_without_carbon"] = without.pv_benefits
    economic["pv_carbon_value"] = float(npv(r, carbon, first_year_discounted=fyd))
    economic |= switching_multiple(without.enpv, economic["pv_carbon_value"])
    economic["pv_pollutant_value"] = float(
        npv(r, econ["pollutant_value"].to_numpy(), first_year_discounted=fyd)
    )
    economic["carbon_in_eirr"] = e.carbon_in_eirr
    economic["pollutants_in_eirr"] = e.pollutants_in_eirr

    financial: dict[str, Any] = {"revenue_earning": fin is not None, "wacc": wacc}
    if fin is None:
        financial |= {
            "fnpv": None,
            "fnpv_reason": "no revenue: not a revenue-earning part",
            "firr": None,
            "firr_reason": "no revenue: not a revenue-earning part",
        }
    else:
        net = fin["net"].to_numpy()
        if wacc is None:
            financial |= {"fnpv": None, "fnpv_reason": "no financing sources: the WACC is unknown"}
        else:
            financial["fnpv"] = float(npv(wacc, net, first_year_discounted=fyd))
        d = irr_detail(net)
        financial |= _rate_block("firr", d.value, d.reason, tuple(d.roots))

    reduction = ghg["reduction"].to_numpy()
    active = int(np.count_nonzero(reduction))
    ghg_block = {
        "reduction_tco2e_total": float(reduction.sum()),
        "reduction_tco2e_annual_average": float(reduction.sum() / active) if active else 0.0,
        "without_project_tco2e_total": float(ghg["without_project"].sum()),
        "with_project_tco2e_total": float(ghg["with_project"].sum()),
        "reduction_years": active,
    }

    lc = levelized_cost(costs - b0, reduction, r, first_year_discounted=fyd, scale=meta.unit_scale)
    abatement = lc.block(meta.usd_per_currency_unit)

    cb = case.cobenefits
    usd_m = meta.unit_scale * meta.usd_per_currency_unit / 1e6
    construction = jobs(
        jobs_capital * usd_m,
        cb.jobs_construction_per_musd,
        local_share=cb.jobs_local_share,
        indirect_multiplier=cb.indirect_multiplier,
        induced_multiplier=cb.induced_multiplier,
        basis=cb.jobs_factor_basis,
    )
    operation = jobs(
        om_financial_avg * usd_m,
        cb.jobs_operation_per_musd,
        local_share=cb.jobs_local_share,
        indirect_multiplier=cb.indirect_multiplier,
        induced_multiplier=cb.induced_multiplier,
        basis=cb.jobs_factor_basis,
    )
    cobenefits = {
        "jobs_construction_capital": jobs_capital,
        "jobs_construction_job_years": construction.total,
        "jobs_construction_direct": construction.direct,
        "jobs_construction_indirect": construction.indirect,
        "jobs_construction_induced": construction.induced,
        "jobs_operation": operation.total,
        "jobs_operation_direct": operation.direct,
        "pollutants_avoided_t": {p: float(pollutants[p].sum()) for p in POLLUTANTS},
        "pollutant_value_pv": economic["pv_pollutant_value"],
    }
    return {
        "economic": economic,
        "financial": financial,
        "ghg": ghg_block,
        "abatement": abatement,
        "cobenefits": cobenefits,
    }


def _component_result(
    case: Case,
    cid: str,
    name: str,
    s: ComponentStreams,
    carbon_usd: FloatArray,
    years: list[int],
    fin: pd.DataFrame | None,
    wacc: float | None,
) -> ComponentResult:
    idx = pd.Index(years, name="year")
    econ = _economic_table(case, s, carbon_usd, years)
    ghg = pd.DataFrame(
        {"without_project": s.without_project, "with_project": s.with_project}, index=idx
    )
    ghg["reduction"] = ghg["without_project"] - ghg["with_project"]
    pollutants = pd.DataFrame(s.pollutants_avoided, index=idx)
    om_avg = s.om_financial_average
    summary = _blocks(case, econ, fin, ghg, pollutants, jobs_capital(case, s), om_avg, wacc)
    cap = pd.DataFrame(s.capital_by_category, index=idx) if s.capital_by_category else None
    return ComponentResult(
        cid, name, econ, fin, ghg, pollutants, summary, cap, dict(s.conversion_factors), s
    )


def _sum_streams(parts: list[ComponentStreams], n: int) -> ComponentStreams:
    z = np.zeros(n)
    benefits: dict[str, FloatArray] = {}
    for p in parts:
        for k, v in p.benefits.items():
            benefits[k] = benefits.get(k, z) + v
    return ComponentStreams(
        capital=sum((p.capital for p in parts), z),
        operating=sum((p.operating for p in parts), z),
        benefits=benefits,
        capital_financial=sum((p.capital_financial for p in parts), z),
        operating_financial=sum((p.operating_financial for p in parts), z),
        revenue=sum((p.revenue for p in parts), z),
        without_project=sum((p.without_project for p in parts), z),
        with_project=sum((p.with_project for p in parts), z),
        pollutants_avoided={
            k: sum((p.pollutants_avoided[k] for p in parts), z) for k in POLLUTANTS
        },
        residual_value=sum((p.residual_value for p in parts if p.residual_value is not None), z),
    )


def appraise(
    case: Case,
    *,
    risk_draws: int | None = None,
    risk_seed: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> AppraisalResult:
    """Appraise a case: economic, financial, GHG, abatement and co-benefit analysis.

    Parameters
    ----------
    case
        A validated case (see :func:`appraisal.load_case`).
    risk_draws
        Run the Monte Carlo risk analysis with this many draws (see :func:`risk`);
        default None: no risk analysis (``result.risk`` is None) [draws].
    risk_seed
        Seed of the risk analysis; default: the case's ``risk.seed``.
    progress
        Called as ``progress(done, draws)`` during the risk analysis.

    Returns
    -------
    AppraisalResult
        Tables by year and the JSON summary; money in the case's unit and prices.
        The sensitivity tests are always run (``result.sensitivity``, JSON block
        ``sensitivity``).

    Raises
    ------
    CaseError
        When the ``[sensitivity]`` or ``[risk]`` section names an unknown
        variable or component, or a distribution's parameters do not fit.
    """
    meta = case.meta
    years = meta.calendar_years
    spec = case.economic.carbon_price
    carbon_usd, carbon_base = chosen_path_usd(case, years)  # docs/methods.md section 2
    sources = [s.__dict__ for s in case.financing.sources]
    taxed = program_wacc_sources(
        sources, borrower_pays_income_tax=case.financing.borrower_pays_income_tax
    )
    wacc_df = wacc_table(taxed) if sources else None
    wacc = float(wacc_df["weighted_real_cost"].sum()) if wacc_df is not None else None
    schedule = loan_schedule_by_year(case)

    streams = {c.id: component_streams(case, c) for c in case.components}
    entities = case_entities(case, streams, schedule)
    comps = []
    for comp in case.components:
        ent = entities.get(comp.id)
        comps.append(
            _component_result(
                case,
                comp.id,
                comp.name,
                streams[comp.id],
                carbon_usd,
                years,
                None if ent is None else ent.table,
                wacc if ent is None else ent.wacc,
            )
        )
        f = comps[-1].summary["financial"]
        f |= ent.summary if ent else {"dscr_min": None, "dscr_min_reason": "earns no revenue"}
    n = meta.years
    total = _sum_streams(list(streams.values()), n)
    flows = ["capital", "operating", "revenue", "income_tax", "residual_value", "net"]
    tables = [ent.table[flows] for ent in entities.values()]
    fin_total = sum(tables[1:], tables[0].copy()) if tables else None
    if fin_total is not None:
        total.capital_financial = fin_total["capital"].to_numpy()
        total.operating_financial = fin_total["operating"].to_numpy()
        total.revenue = fin_total["revenue"].to_numpy()
    program = _component_result(
        case, "program", meta.name, total, carbon_usd, years, fin_total, wacc
    )
    # Jobs and co-benefits of the program count every component, not only earning ones.
    all_fin = _sum_streams(list(streams.values()), n)
    cob = _blocks(
        case,
        program.economic,
        None,
        program.ghg,
        program.pollutants,
        sum(c.summary["cobenefits"]["jobs_construction_capital"] for c in comps),
        all_fin.om_financial_average,
        wacc,
    )["cobenefits"]
    program.summary["cobenefits"] = cob
    program.summary["abatement"] = program_abatement(case, comps)
    climate = climate_indicators(case, comps, float(all_fin.capital_financial.sum()))
    for c in (*comps, program):
        for block, values in climate.blocks[c.id].items():
            c.summary[block] = {**c.summary.get(block, {}), **values}

    program.summary["financial"] |= {
        "dscr_min": None,
        "dscr_min_reason": "a loan that mostly finances public goods is not judged by one "
        "DSCR: see each revenue-earning component's dscr_min and the fiscal block",
    }
    fiscal = case_fiscal(case, streams, schedule, entities)
    if fiscal is not None:
        program.summary["fiscal"] = {
            "burden_share_max": fiscal.burden_share_max,
            "burden_share_year": fiscal.burden_share_year,
            "max_burden_share": case.fiscal.max_burden_share if case.fiscal else None,
        }

    mac = mac_curve(
        pd.DataFrame(
            {
                "id": [c.id for c in comps],
                "name": [c.name for c in comps],
                "cost_per_tco2e": [
                    np.nan
                    if c.summary["abatement"]["cost_per_tco2e"] is None
                    else c.summary["abatement"]["cost_per_tco2e"]
                    for c in comps
                ],
                "annual_tco2e": [c.summary["ghg"]["reduction_tco2e_annual_average"] for c in comps],
            }
        )
    )
    notes = {cid: s.notes for cid, s in streams.items() if s.notes}
    checks = appraisal_checks(case, comps, program, notes)

    carbon_meta: dict[str, Any]
    if isinstance(spec, str):
        path = CARBON_PATHS[spec]
        carbon_meta = {
            "path": spec,
            "path_price_year": path.price_year,
            "deflator": case.economic.carbon_price_deflator,
            "description": path.description,
            "source": path.source,
        }
    else:
        carbon_meta = {
            "path": "table",
            "path_price_year": meta.price_year,
            "deflator": 1.0,
            "description": "table given by the case",
            "source": case.economic.sources.get("carbon_price", ""),
        }
    carbon_block, carbon_compared = carbon_summary(case, years, carbon_usd, program)
    summary: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "case": {
            "name": meta.name,
            "country": meta.country,
            "currency": meta.currency,
            "unit": meta.unit,
            "price_year": meta.price_year,
            "first_year": meta.first_year,
            "years": meta.years,
            "first_year_discounted": meta.first_year_discounted,
        },
        "carbon_price": carbon_meta,
        "carbon": carbon_block,
        **program.summary,
        "components": [{"id": c.id, "name": c.name, **c.summary} for c in comps],
        "checks": [c.as_dict() for c in checks],
    }
    cb = case.cobenefits
    result = AppraisalResult(
        case=case,
        carbon_price=pd.Series(
            carbon_usd, index=pd.Index(years, name="year"), name="usd_per_tco2e"
        ),
        components=tuple(comps),
        program=program,
        wacc_table=wacc_df,
        loan_schedule=schedule,
        mac=mac,
        checks=tuple(checks),
        summary=summary,
        carbon_price_path=pd.Series(
            np.asarray(carbon_base, dtype=np.float64),
            index=pd.Index(years, name="year"),
            name="usd_per_tco2e",
        ),
        all_streams=all_fin,
        carbon_prices_compared=carbon_compared,
        fiscal=fiscal,
        entity_wacc={k: e.wacc_table for k, e in entities.items() if e.wacc_table is not None},
        climate_finance=climate,
        damage_cost_per_t={
            p: damage_cost_transfer(
                cb.damage_costs.get(p, 0.0), cb.income_ratio, cb.income_elasticity
            )
            for p in POLLUTANTS
        },
    )
    econ_streams = economic_streams(result)
    try:
        tests = parse_sensitivity_tests(case.data.get("sensitivity"), econ_streams)
        parse_risk(case.data.get("risk"), econ_streams)  # refuse bad risk inputs early
    except UncertaintyInputError as exc:
        raise CaseError(case.path or "<case>", exc.problems) from None
    sens = sensitivity(econ_streams, tests)
    summary["sensitivity"] = sens.to_summary()
    result = dataclasses.replace(result, sensitivity=sens)
    if risk_draws is not None:
        result = risk(result, risk_draws, risk_seed, progress=progress)
    return result


def risk(
    result: AppraisalResult,
    draws: int | None = None,
    seed: int | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> AppraisalResult:
    """Monte Carlo risk analysis of an appraisal, over the case's ``[risk]`` inputs.

    Parameters
    ----------
    result
        From :func:`appraise`.
    draws
        Number of draws; default the case's ``risk.draws`` [draws].
    seed
        Random seed; default the case's ``risk.seed``. Same seed, same result.
    progress
        Called as ``progress(done, draws)`` after each chunk of draws.

    Returns
    -------
    AppraisalResult
        A copy of ``result`` with ``risk`` set (see
        :class:`appraisal.uncertainty.RiskResult`) and the JSON block ``risk``.

    Raises
    ------
    CaseError
        When the case declares no uncertain input, or declares one badly.
    """
    case = result.case
    section = case.data.get("risk") or {}
    source = case.path or "<case>"
    streams = economic_streams(result)
    try:
        variables, correlations = parse_risk(section, streams)
    except UncertaintyInputError as exc:
        raise CaseError(source, exc.problems) from None
    if not variables:
        raise CaseError(
            source,
            [
                Problem(
                    "risk.variables",
                    "no uncertain input is declared; add [[risk.variables]] "
                    "(see docs/uncertainty.md)",
                )
            ],
        )
    defaults = field_by_key()
    n = int(draws if draws is not None else section.get("draws", defaults["risk.draws"].default))
    s = int(seed if seed is not None else section.get("seed", defaults["risk.seed"].default))
    outcome = monte_carlo(streams, variables, correlations, draws=n, seed=s, progress=progress)
    return dataclasses.replace(
        result, risk=outcome, summary={**result.summary, "risk": outcome.summary}
    )
