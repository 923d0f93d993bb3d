"""Climate-finance tracking and GCF-style indicators of a program.

Pure functions. Money is in the case's money unit at financial prices,
undiscounted; tonnes in tCO2e; per-tonne figures in whole currency units.
Methods and sources: ``docs/methods.md``, "Climate-finance tracking" and
"GCF-style indicators".
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from appraisal.adaptation import damage_curve, flood_risk
from appraisal.case import Case, Component
from appraisal.result import Check, ClimateFinanceResult, ComponentResult
from appraisal.streams import component_streams

__all__ = [
    "KINDS",
    "by_source",
    "climate_finance_checks",
    "climate_indicators",
    "cofinance_ratio",
    "investment_per_tonne",
    "lifetime_reduction_tco2e",
    "program_amounts",
    "tracked_amounts",
]

KINDS = ("mitigation", "adaptation", "dual")


def tracked_amounts(capital: float, shares: Mapping[str, float] | None) -> dict[str, float | None]:
    """Mitigation-only, adaptation-only and dual finance of one component.

    Parameters
    ----------
    capital
        The component's capital cost [money, financial prices].
    shares
        Disjoint shares of it, ``mitigation``, ``adaptation``, ``dual`` [share each,
        sum <= 1]; None: nothing tracked.

    Returns
    -------
    dict
        ``mitigation``, ``adaptation``, ``dual``, ``total`` [money] and
        ``share_of_cost`` (total / capital; None when the capital is 0).

    Notes
    -----
    Joint MDB Methodology for Tracking Climate Finance: only the shares (or
    elements) that are climate finance count, never the whole cost; an element
    serving both mitigation and adaptation is counted once, as dual.

    Examples
    --------
    >>> tracked_amounts(50.0, {"mitigation": 0.2, "adaptation": 0.4, "dual": 0.1})
    {'mitigation': 10.0, 'adaptation': 20.0, 'dual': 5.0, 'total': 35.0, 'share_of_cost': 0.7}
    """
    shares = shares or {}
    out: dict[str, float | None] = {k: capital * float(shares.get(k, 0.0)) for k in KINDS}
    total = sum(float(out[k] or 0.0) for k in KINDS)
    out["total"] = total
    out["share_of_cost"] = total / capital if capital else None
    return out


def program_amounts(
    parts: Sequence[Mapping[str, float | None]], capital: float
) -> dict[str, float | None]:
    """The program's amounts: the components' sums, and their share of its capital.

    >>> a = tracked_amounts(100.0, {"mitigation": 1.0})
    >>> b = tracked_amounts(50.0, {"mitigation": 0.2, "adaptation": 0.4, "dual": 0.1})
    >>> program_amounts([a, b], 150.0)
    {'mitigation': 110.0, 'adaptation': 20.0, 'dual': 5.0, 'total': 135.0, 'share_of_cost': 0.9}
    """
    out: dict[str, float | None] = {
        k: float(sum(float(p[k] or 0.0) for p in parts)) for k in (*KINDS, "total")
    }
    out["share_of_cost"] = float(out["total"] or 0.0) / capital if capital else None
    return out


def by_source(
    amounts: Mapping[str, float | None], sources: Sequence[tuple[str, float]]
) -> list[dict[str, Any]]:
    """The program's climate finance split among its financing sources pro rata to their amounts.

    Parameters
    ----------
    amounts
        The program's ``mitigation``, ``adaptation``, ``dual``, ``total`` [money].
    sources
        (name, amount) of each source [money].

    Returns
    -------
    list of dict
        ``name``, ``mitigation``, ``adaptation``, ``dual``, ``total`` per source; an
        empty list when the sources total 0.

    Examples
    --------
    >>> by_source({"mitigation": 90.0, "adaptation": 30.0, "dual": 0.0, "total": 120.0},
    ...           [("A", 100.0), ("B", 300.0)])[0]
    {'name': 'A', 'mitigation': 22.5, 'adaptation': 7.5, 'dual': 0.0, 'total': 30.0}
    """
    whole = sum(a for _, a in sources)
    if whole <= 0:
        return []
    return [
        {"name": name, **{k: float(amounts[k] or 0.0) * a / whole for k in (*KINDS, "total")}}
        for name, a in sources
    ]


def cofinance_ratio(sources: Sequence[tuple[str, float]], lead: str) -> float | None:
    """The other sources' total over the lead source's amount [ratio].

    None when no lead is named or its amount is 0.

    >>> cofinance_ratio([("GCF", 100.0), ("ADB", 150.0), ("City", 50.0)], "GCF")
    2.0
    """
    amount = sum(a for name, a in sources if name == lead)
    if not lead or amount <= 0:
        return None
    return (sum(a for _, a in sources) - amount) / amount


def lifetime_reduction_tco2e(case: Case, comp: Component) -> float:
    """Emissions avoided over the component's whole life, undiscounted [tCO2e].

    A parametric component operates ``life_years`` after construction; when that
    runs past the case horizon, its streams are rebuilt on a grid long enough to
    hold the whole life (the grid factor path held flat after its last year), so
    the tonnes count beyond the horizon. A component given as explicit streams has
    no stated life: its tonnes over the horizon are returned.
    """
    meta = case.meta
    years = meta.years
    if comp.form == "parametric":
        start = (comp.start_year or meta.first_year) - meta.first_year
        years = max(years, start + len(comp.disbursement) + (comp.life_years or 0))
    longer = dataclasses.replace(case, meta=dataclasses.replace(meta, years=years))
    s = component_streams(longer, comp)
    return float(np.sum(s.without_project - s.with_project))


def investment_per_tonne(
    capital: float, tonnes: float, unit_scale: float
) -> tuple[float | None, str | None]:
    """Capital per lifetime tonne [currency per tCO2e], or None and the reason.

    >>> investment_per_tonne(30.0, 600000.0, 1e6)
    (50.0, None)
    """
    if tonnes <= 0:
        return None, "no emissions avoided over the life: no investment per tonne"
    return capital * unit_scale / tonnes, None


def climate_indicators(
    case: Case,
    comps: Sequence[ComponentResult],
    program_capital: float,
) -> ClimateFinanceResult:
    """Climate finance, lifetime tonnes, investment per tonne, co-financing and flood EAD.

    Parameters
    ----------
    case
        The validated case.
    comps
        The component results (each carries its streams).
    program_capital
        Capital of every component at financial prices [money].

    Returns
    -------
    ClimateFinanceResult
        With the JSON blocks to add to each summary (``blocks``).
    """
    scale = case.meta.unit_scale
    rows: list[dict[str, Any]] = []
    blocks: dict[str, dict[str, dict[str, Any]]] = {}
    flood: dict[str, tuple[pd.DataFrame, dict[str, float]]] = {}
    parts = []
    for spec, res in zip(case.components, comps, strict=True):
        capital = float(res.streams.capital_financial.sum()) if res.streams is not None else 0.0
        amounts = tracked_amounts(capital, spec.climate_finance)
        parts.append(amounts)
        tonnes = lifetime_reduction_tco2e(case, spec)
        blocks[spec.id] = _blocks(capital, tonnes, amounts, scale)
        rows.append(_row(spec.id, spec.name, capital, tonnes, amounts, scale))
        if spec.flood_risk is not None:
            fr = spec.flood_risk
            curve = (fr["return_periods"], fr["damage_without"], fr["damage_with"])
            ead = flood_risk(*curve).as_dict()
            flood[spec.id] = (damage_curve(*curve), ead)
            blocks[spec.id]["adaptation"] = ead
    program = program_amounts(parts, program_capital)
    tonnes = float(sum(r["reduction_tco2e_lifetime"] for r in rows))
    sources = [(s.name, s.amount) for s in case.financing.sources]
    split = by_source(program, sources)
    blocks["program"] = _blocks(program_capital, tonnes, program, scale)
    blocks["program"]["climate_finance"]["by_source"] = [
        {"name": x["name"], "total": x["total"]} for x in split
    ]
    rows.append(_row("program", case.meta.name, program_capital, tonnes, program, scale))
    lead = case.financing.lead
    ratio = cofinance_ratio(sources, lead)
    lead_amount = sum(a for n, a in sources if n == lead) if lead else None
    if lead:
        blocks["program"]["financing"] = {
            "lead": lead,
            "lead_amount": lead_amount,
            "cofinance_ratio": ratio,
        }
    amounts_by_source = pd.DataFrame(
        [
            {"name": n, "amount": a, **{k: x[k] for k in (*KINDS, "total")}}
            for (n, a), x in zip(sources, split, strict=True)
        ]
        if split
        else [],
        columns=["name", "amount", *KINDS, "total"],
    )
    return ClimateFinanceResult(
        table=pd.DataFrame(rows).set_index("id"),
        by_source=amounts_by_source,
        flood=flood,
        lead=lead,
        lead_amount=lead_amount,
        cofinance_ratio=ratio,
        blocks=blocks,
    )


def _blocks(
    capital: float, tonnes: float, amounts: Mapping[str, float | None], scale: float
) -> dict[str, dict[str, Any]]:
    per_tonne, reason = investment_per_tonne(capital, tonnes, scale)
    abatement: dict[str, Any] = {"investment_per_tco2e_lifetime": per_tonne}
    if reason is not None:
        abatement["investment_per_tco2e_lifetime_reason"] = reason
    return {
        "ghg": {"reduction_tco2e_lifetime": tonnes},
        "abatement": abatement,
        "climate_finance": dict(amounts),
    }


def _row(
    cid: str,
    name: str,
    capital: float,
    tonnes: float,
    amounts: Mapping[str, float | None],
    scale: float,
) -> dict[str, Any]:
    per_tonne, _ = investment_per_tonne(capital, tonnes, scale)
    share = amounts["share_of_cost"]
    return {
        "id": cid,
        "name": name,
        "capital": capital,
        **{k: amounts[k] for k in (*KINDS, "total")},
        "share_of_cost": math.nan if share is None else share,
        "reduction_tco2e_lifetime": tonnes,
        "investment_per_tco2e_lifetime": math.nan if per_tonne is None else per_tonne,
    }


def climate_finance_checks(case: Case, comps: Sequence[ComponentResult]) -> list[Check]:
    """Tracking that disagrees with the tonnes (when the case tracks climate finance).

    A component that avoids emissions over its life but tracks no mitigation or
    dual share, or tracks one and avoids none, is flagged ``climate-finance-mitigation``
    (warning). Nothing is checked when no component declares ``climate_finance``.
    """
    if all(c.climate_finance is None for c in case.components):
        return []
    out: list[Check] = []
    for spec, res in zip(case.components, comps, strict=True):
        shares = spec.climate_finance or {}
        tracked = shares.get("mitigation", 0.0) + shares.get("dual", 0.0) > 0
        tonnes = float(res.summary["ghg"].get("reduction_tco2e_lifetime", 0.0))
        if tonnes > 0 and not tracked:
            message = (
                f"{spec.id}: avoids {tonnes:,.0f} tCO2e over its life but tracks no mitigation "
                "or dual climate finance (components.climate_finance)"
            )
        elif tracked and tonnes <= 0:
            message = (
                f"{spec.id}: tracks mitigation or dual climate finance but avoids no emissions "
                "over its life"
            )
        else:
            continue
        out.append(Check("climate-finance-mitigation", "warning", message))
    return out
