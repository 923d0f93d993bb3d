"""Yearly streams of a component: from explicit lists or from parameters.

Pure functions: a :class:`~appraisal.case.Case` and one of its components in,
numpy arrays on the case's year grid out. Money is in the case's money unit,
emissions in tCO2e, pollutants in tonnes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from appraisal.adaptation import avoided_damage_stream, flood_risk
from appraisal.case import Case, Component
from appraisal.economics import conversion_factor
from appraisal.ghg import grid_factor
from appraisal.residual import remaining_life, residual_stream, straight_line_residual

__all__ = ["POLLUTANTS", "ComponentStreams", "component_streams", "pad"]

FloatArray = npt.NDArray[np.float64]
POLLUTANTS = ("pm25", "so2", "nox")


def pad(values: Sequence[float] | None, years: int) -> FloatArray:
    """A stream on the case's year grid: a shorter list means 0 after it."""
    out = np.zeros(years, dtype=np.float64)
    if values:
        v = np.asarray(values, dtype=np.float64)[:years]
        out[: v.size] = v
    return out


@dataclass
class ComponentStreams:
    """Everything the engine needs of one component, by year.

    Attributes
    ----------
    capital, operating
        Economic costs [money per year].
    benefits
        Economic benefits by name, carbon excluded [money per year].
    capital_financial, operating_financial, revenue
        Financial costs and revenue [money per year].
    without_project, with_project
        Emissions [tCO2e per year].
    pollutants_avoided
        Tonnes avoided by pollutant [t per year].
    build_share
        Share of the capital cost spent in each year (the disbursement profile
        placed at the start year) [decimal per year]; None for explicit streams.
    operating_years
        1.0 in each year the asset operates, else 0.0 [flag per year]; None for
        explicit streams.
    notes
        What was assumed or cut (e.g. a life cut at the horizon).
    residual_value, residual_value_financial
        Residual value of the assets in the horizon's last year, at economic and
        financial prices [money per year; 0 before the last year]; None for none.
    remaining_life_years
        Years of a parametric component's life left after the horizon [years].
    """

    capital: FloatArray
    operating: FloatArray
    benefits: dict[str, FloatArray]
    capital_financial: FloatArray
    operating_financial: FloatArray
    revenue: FloatArray
    without_project: FloatArray
    with_project: FloatArray
    pollutants_avoided: dict[str, FloatArray]
    capital_by_category: dict[str, FloatArray] = field(default_factory=dict)
    conversion_factors: dict[str, float] = field(default_factory=dict)
    build_share: FloatArray | None = None
    operating_years: FloatArray | None = None
    notes: list[str] = field(default_factory=list)
    residual_value: FloatArray | None = None
    residual_value_financial: FloatArray | None = None
    remaining_life_years: int = 0

    @property
    def om_financial_average(self) -> float:
        """Average financial O&M over the years that have some [money per year].

        The O&M basis of the operating jobs (:mod:`appraisal.cobenefits`); 0 when
        no year has O&M.

        >>> import numpy as np
        >>> z = np.zeros(4)
        >>> om = np.array([0.0, 2.0, 4.0, 0.0])  # O&M in years 1 and 2: (2 + 4) / 2
        >>> ComponentStreams(z, z, {}, z, om, z, z, z, {}).om_financial_average
        3.0
        """
        op_years = self.operating_financial[self.operating_financial > 0]
        return float(op_years.mean()) if op_years.size else 0.0


def _cf(case: Case, category: str, default: float = 1.0) -> float:
    e = case.economic
    return conversion_factor(
        category,
        conversion_factors=e.conversion_factors,
        cost_shares=e.cost_shares,
        numeraire=e.numeraire,
        serf=e.serf,
        swrf=e.swrf,
        default=default,
    )


def component_streams(case: Case, comp: Component) -> ComponentStreams:
    """Yearly streams of a component (either form)."""
    if comp.form == "streams":
        return _from_streams(case, comp)
    return _from_parameters(case, comp)


def _from_streams(case: Case, comp: Component) -> ComponentStreams:
    n = case.meta.years
    s = comp.streams
    financial_basis = s["basis"] == "financial"
    cap_cat = s["capital_category"]
    raw_capital = pad(s.get("capital"), n)
    raw_operating = pad(s.get("operating"), n)
    cfs: dict[str, float] = {}
    if financial_basis:
        cfs[cap_cat] = _cf(case, cap_cat)
        cfs["operating"] = _cf(case, "operating")
        capital = raw_capital * cfs[cap_cat]
        operating = raw_operating * cfs["operating"]
    else:
        capital, operating = raw_capital, raw_operating
    benefits: dict[str, FloatArray] = {}
    for name, values in s["benefits"].items():
        factor = _cf(case, name, default=_cf(case, "benefits")) if financial_basis else 1.0
        if financial_basis:
            cfs[name] = factor
        benefits[name] = pad(values, n) * factor
    fin = comp.financial or {}
    notes: list[str] = []
    if financial_basis:
        cap_fin, op_fin = raw_capital, raw_operating
    else:
        cap_fin = pad(fin["capital"], n) if "capital" in fin else raw_capital
        op_fin = pad(fin["operating"], n) if "operating" in fin else raw_operating
        if comp.revenue_earning and ("capital" not in fin or "operating" not in fin):
            notes.append(
                "financial costs taken equal to the economic streams "
                "(give financial.capital and financial.operating to differ)"
            )
    em = s.get("emissions", {})
    rv_given = float(s.get("residual_value", 0.0)) if case.meta.residual_value != "none" else 0.0
    rv_eco = rv_given * (cfs[cap_cat] if financial_basis else 1.0)
    return ComponentStreams(
        capital=capital,
        operating=operating,
        benefits=benefits,
        capital_financial=cap_fin,
        operating_financial=op_fin,
        revenue=pad(fin.get("revenue"), n),
        without_project=pad(em.get("without_project"), n),
        with_project=pad(em.get("with_project"), n),
        pollutants_avoided={p: pad(s.get("pollutants_avoided", {}).get(p), n) for p in POLLUTANTS},
        capital_by_category={cap_cat: raw_capital},
        conversion_factors=cfs,
        notes=notes,
        residual_value=residual_stream(rv_eco, n) if rv_given else None,
        residual_value_financial=residual_stream(rv_given, n) if rv_given else None,
    )


def _from_parameters(case: Case, comp: Component) -> ComponentStreams:
    meta = case.meta
    n = meta.years
    years = np.asarray(meta.calendar_years, dtype=np.float64)
    start = (comp.start_year or meta.first_year) - meta.first_year
    disb = np.asarray(comp.disbursement, dtype=np.float64)
    build = np.zeros(n)
    build[start : start + disb.size] = disb[: max(0, n - start)]
    op_start = start + disb.size
    life = comp.life_years or 0
    notes: list[str] = []
    left = remaining_life(life, max(0, n - op_start))
    operating_years = np.zeros(n)
    operating_years[op_start : min(n, op_start + life)] = 1.0
    ramp = operating_years.copy()
    for i, share in enumerate(comp.ramp_up):
        if op_start + i < n and operating_years[op_start + i]:
            ramp[op_start + i] = share
    # years since operation started, for growth
    age = np.clip(np.arange(n) - op_start, 0, None).astype(np.float64)

    capital_by_category = {cat: amount * build for cat, amount in comp.capital.items()}
    cfs = {cat: _cf(case, cat) for cat in comp.capital}
    cfs["operating"] = _cf(case, "operating")
    capital_fin = np.sum(list(capital_by_category.values()), axis=0)
    capital = np.sum([capital_by_category[c] * cfs[c] for c in comp.capital], axis=0)
    total_capital = float(sum(comp.capital.values()))
    op_fin = (comp.om_share * total_capital + comp.om_amount) * operating_years
    operating = op_fin * cfs["operating"]
    # Residual value: straight line over the life left after the horizon (docs/methods.md s. 2)
    rv_eco = rv_fin = 0.0
    if left:
        used = life - left
        cut = f"economic life {life} years cut at the case horizon after {used} operating years"
        if meta.residual_value == "none":
            notes.append(f"{cut} (no residual value: case.residual_value is 'none')")
        else:
            rv_eco = straight_line_residual(float(capital.sum()), life, life - left)
            rv_fin = straight_line_residual(float(capital_fin.sum()), life, life - left)
            notes.append(
                f"{cut}; residual value {rv_eco:.6g} (economic prices; {rv_fin:.6g} financial) "
                f"in {meta.last_year} = capital x {left} years left / {life} (straight line)"
            )

    scale = meta.unit_scale
    benefits: dict[str, FloatArray] = {}
    without = np.zeros(n)
    with_ = np.zeros(n)
    pollutants = {p: np.zeros(n) for p in POLLUTANTS}
    for use in comp.energy:
        if use.carrier == "electricity":
            g = case.grid
            ef = grid_factor(
                years,
                emission_factor=g.emission_factor,
                operating_margin=g.operating_margin,
                build_margin=g.build_margin,
                weight_om=g.weight_operating_margin,
                technology=use.technology,
            )
            price = case.electricity_price
            factors = {"pm25": g.pm25, "so2": g.so2, "nox": g.nox}
        else:
            c = case.carriers[use.carrier]
            ef = np.full(n, c.emission_factor)
            price = c.price
            factors = {"pm25": c.pm25, "so2": c.so2, "nox": c.nox}
        mwh_without = use.without_mwh * ramp
        mwh_with = use.with_mwh * ramp
        saved = mwh_without - mwh_with
        without += mwh_without * ef
        with_ += mwh_with * ef
        name = f"energy_{use.carrier}"
        benefits[name] = benefits.get(name, np.zeros(n)) + saved * price / scale
        for p in POLLUTANTS:
            pollutants[p] += saved * factors[p]
    for act in comp.activities:
        quantity = act.quantity_per_year * (1.0 + act.growth) ** age * ramp
        benefits[act.name] = benefits.get(act.name, np.zeros(n)) + (
            quantity * act.value_per_unit / scale
        )
    if comp.flood_risk is not None:
        # Flood protection avoids the full EAD once built (no ramp-up): docs/methods.md
        fr = comp.flood_risk
        avoided = flood_risk(fr["return_periods"], fr["damage_without"], fr["damage_with"])
        benefits["avoided_flood_damage"] = avoided_damage_stream(
            avoided.avoided_ead, fr["climate_multiplier"], meta.calendar_years, operating_years
        )
    fin = comp.financial or {}
    revenue = fin.get("revenue_per_year", 0.0) * ramp
    if fin.get("revenue"):
        revenue = pad(fin["revenue"], n)
    return ComponentStreams(
        capital=capital,
        operating=operating,
        benefits=benefits,
        capital_financial=capital_fin,
        operating_financial=op_fin,
        revenue=revenue,
        without_project=without,
        with_project=with_,
        pollutants_avoided=pollutants,
        capital_by_category=capital_by_category,
        conversion_factors=cfs,
        build_share=build,
        operating_years=operating_years,
        notes=notes,
        residual_value=residual_stream(rv_eco, n) if rv_eco else None,
        residual_value_financial=residual_stream(rv_fin, n) if rv_fin else None,
        remaining_life_years=left,
    )
