"""appraisal.streams: yearly streams of a component, parametric and explicit.

Every expected stream is worked by hand in the test (the arithmetic is written out
beside it), from the rules stated in ``appraisal/streams.py`` and the case schema:
capital placed at the start year by the disbursement shares, O&M = om_share x total
capital + om_amount in each operating year, ramp-up shares of the first operating
years, energy saved x price / unit scale, emissions = MWh x emission factor.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from appraisal.case import Case, parse_case
from appraisal.streams import POLLUTANTS, ComponentStreams, component_streams, pad


def _case(components: list[dict[str, Any]], **extra: Any) -> Case:
    data: dict[str, Any] = {
        "case": {"name": "T", "price_year": 2020, "first_year": 2021, "years": 8},
        "economic": {"discount_rate": 0.09},
        "components": components,
    }
    data.update(extra)
    return parse_case(data)


def _component(**fields: Any) -> dict[str, Any]:
    """A parametric component "x" built for 1.0 in the first year, with ``fields``."""
    return {"id": "x", "name": "X", "capital": {"c": 1.0}, **fields}


def _streams(case: Case, i: int = 0) -> ComponentStreams:
    return component_streams(case, case.components[i])


# ------------------------------------------------------------------ parametric


def _parametric_case() -> Case:
    return _case(
        [
            {
                "id": "retrofit",
                "name": "Retrofit",
                "capital": {"civil_works": 10.0, "equipment": 6.0},
                "start_year": 2022,
                "disbursement": [0.25, 0.75],
                "life_years": 4,
                "om_share": 0.02,
                "om_amount": 0.1,
                "ramp_up": [0.5],
                "energy": [
                    {"carrier": "electricity", "without_mwh": 1000.0, "with_mwh": 400.0},
                    {"carrier": "coal", "without_mwh": 200.0, "with_mwh": 0.0},
                ],
                "activities": [
                    {
                        "name": "time_savings",
                        "quantity_per_year": 100000.0,
                        "value_per_unit": 2.0,
                        "growth": 0.1,
                    }
                ],
                "financial": {"revenue_per_year": 0.5},
            }
        ],
        economic={
            "discount_rate": 0.09,
            "serf": 1.1,
            "conversion_factors": {"civil_works": 0.8, "operating": 0.9},
            "cost_shares": {"equipment": {"traded": 0.5, "non_traded": 0.3, "taxes": 0.2}},
        },
        grid={"emission_factor": {"2021": 0.8, "2025": 0.6}, "pm25": 0.0002},
        electricity={"price": 80.0},
        carriers={"coal": {"emission_factor": 0.341, "price": 20.0, "pm25": 0.001}},
    )


# Years 2021..2028 (index 0..7). Construction 2022-2023 (index 1, 2); operation starts
# in 2024 (index 3 = 1 + 2 disbursement years) for a life of 4 years: index 3..6.
# Ramp-up: 0.5 in the first operating year, then 1.
BUILD = [0.0, 0.25, 0.75, 0.0, 0.0, 0.0, 0.0, 0.0]
OPERATING = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0]
RAMP = np.array([0.0, 0.0, 0.0, 0.5, 1.0, 1.0, 1.0, 0.0])


def test_parametric_build_schedule_and_capital() -> None:
    s = _streams(_parametric_case())
    np.testing.assert_array_equal(s.build_share, BUILD)
    np.testing.assert_array_equal(s.operating_years, OPERATING)
    # civil works 10 x build, equipment 6 x build [financial]
    np.testing.assert_allclose(s.capital_by_category["civil_works"], [0, 2.5, 7.5, 0, 0, 0, 0, 0])
    np.testing.assert_allclose(s.capital_by_category["equipment"], [0, 1.5, 4.5, 0, 0, 0, 0, 0])
    np.testing.assert_allclose(s.capital_financial, [0, 4.0, 12.0, 0, 0, 0, 0, 0])
    # Conversion factors: civil works given (0.8); equipment from its shares under the
    # domestic numeraire, 0.5 traded x SERF 1.1 + 0.3 non-traded x 1 + 0.2 taxes x 0 = 0.85.
    assert s.conversion_factors == pytest.approx(
        {"civil_works": 0.8, "equipment": 0.85, "operating": 0.9}
    )
    # Economic capital: 2.5 x 0.8 + 1.5 x 0.85 = 3.275; 7.5 x 0.8 + 4.5 x 0.85 = 9.825.
    np.testing.assert_allclose(s.capital, [0, 3.275, 9.825, 0, 0, 0, 0, 0], rtol=1e-12)


def test_parametric_om_share_and_amount() -> None:
    s = _streams(_parametric_case())
    # O&M = 0.02 x (10 + 6) + 0.1 = 0.42 in each operating year, at full level from the
    # first (ramp-up scales quantities, not O&M); economic: 0.42 x 0.9 = 0.378.
    np.testing.assert_allclose(s.operating_financial, np.multiply(0.42, OPERATING), rtol=1e-12)
    np.testing.assert_allclose(s.operating, np.multiply(0.378, OPERATING), rtol=1e-12)


def test_parametric_energy_emissions_and_benefits() -> None:
    s = _streams(_parametric_case())
    # Grid factor path {2021: 0.8, 2025: 0.6}, linear between: 2024 -> 0.65, then 0.6 flat.
    ef = np.array([0.8, 0.75, 0.7, 0.65, 0.6, 0.6, 0.6, 0.6])
    # Electricity MWh = 1000 / 400 x ramp; coal 200 / 0 x ramp at 0.341 tCO2e/MWh.
    without = 1000 * RAMP * ef + 200 * RAMP * 0.341
    with_ = 400 * RAMP * ef
    # 2024: 500 x 0.65 + 100 x 0.341 = 359.1 and 200 x 0.65 = 130; 2025: 668.2 and 240.
    np.testing.assert_allclose(without[3:5], [359.1, 668.2], rtol=1e-12)
    np.testing.assert_allclose(with_[3:5], [130.0, 240.0], rtol=1e-12)
    np.testing.assert_allclose(s.without_project, without, rtol=1e-12)
    np.testing.assert_allclose(s.with_project, with_, rtol=1e-12)
    # Energy savings x price / unit scale (1e6 for "million"): electricity 600 MWh x
    # 80 / 1e6 = 0.048 at full operation; coal 200 MWh x 20 / 1e6 = 0.004.
    np.testing.assert_allclose(s.benefits["energy_electricity"], 0.048 * RAMP, rtol=1e-12)
    np.testing.assert_allclose(s.benefits["energy_coal"], 0.004 * RAMP, rtol=1e-12)
    # PM2.5 avoided: 600 MWh x 0.0002 + 200 MWh x 0.001 = 0.32 t at full operation.
    np.testing.assert_allclose(s.pollutants_avoided["pm25"], 0.32 * RAMP, rtol=1e-12)
    assert set(s.pollutants_avoided) == set(POLLUTANTS)
    assert not s.pollutants_avoided["so2"].any()


def test_parametric_activity_growth_and_revenue() -> None:
    s = _streams(_parametric_case())
    # 100,000 units x 1.1^(years since operation started) x ramp x 2.0 / 1e6:
    # 2024: 50,000 -> 0.1; 2025: 110,000 -> 0.22; 2026: 121,000 -> 0.242; 2027: 133,100
    # -> 0.2662; 2028: after the life, 0.
    np.testing.assert_allclose(
        s.benefits["time_savings"], [0, 0, 0, 0.1, 0.22, 0.242, 0.2662, 0], rtol=1e-12
    )
    # Revenue per year x ramp.
    np.testing.assert_allclose(s.revenue, 0.5 * RAMP, rtol=1e-12)
    assert s.notes == []


def test_parametric_grid_margins_by_technology() -> None:
    # CDM TOOL07: w_OM = 0.75 for solar and wind, the case's weight (0.5 default) else.
    comp = _component(
        life_years=7,
        energy=[
            {"carrier": "electricity", "without_mwh": 100.0, "technology": "solar"},
            {"carrier": "electricity", "without_mwh": 10.0},
        ],
    )
    case = _case([comp], grid={"operating_margin": 0.9, "build_margin": 0.6})
    s = _streams(case)
    # 100 x (0.75 x 0.9 + 0.25 x 0.6) + 10 x (0.5 x 0.9 + 0.5 x 0.6) = 82.5 + 7.5 = 90,
    # in each operating year (index 1..7: built in 2021, the first case year).
    np.testing.assert_allclose(s.without_project, [0] + [90.0] * 7, rtol=1e-12)
    assert not s.with_project.any()


def test_parametric_life_cut_at_the_horizon() -> None:
    s = _streams(_case([_component(life_years=10, om_amount=1.0)]))
    # Built in 2021; 10 years of life from 2022, but the case ends in 2028: 7 years.
    np.testing.assert_array_equal(s.operating_years, [0] + [1.0] * 7)
    # Residual value, straight line (docs/methods.md section 2): the capital of _component()
    # times 3 years of life left / 10, in the horizon's last year (2028).
    assert s.notes == [
        "economic life 10 years cut at the case horizon after 7 operating years; residual "
        "value 0.3 (economic prices; 0.3 financial) in 2028 = capital x 3 years left / 10 "
        "(straight line)"
    ]


def test_parametric_explicit_revenue_wins() -> None:
    revenue = {"revenue_per_year": 9.0, "revenue": [0.0, 1.0, 2.0]}
    s = _streams(_case([_component(life_years=3, financial=revenue)]))
    np.testing.assert_array_equal(s.revenue, [0, 1.0, 2.0, 0, 0, 0, 0, 0])


# ------------------------------------------------------------------ explicit streams


def test_explicit_streams_padded_to_the_horizon() -> None:
    comp = {
        "id": "bus",
        "name": "Bus",
        "streams": {
            "capital": [12.0, 20.5, 8.0],
            "operating": [0, 0, 0.4, 0.4],
            "benefits": {"time_savings": [0, 0, 3.1]},
            "emissions": {"without_project": [0, 0, 52000], "with_project": [0, 0, 31000]},
        },
    }
    s = _streams(_case([comp]))
    # A shorter list means 0 after it (case years: 8).
    np.testing.assert_array_equal(s.capital, [12.0, 20.5, 8.0, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(s.operating, [0, 0, 0.4, 0.4, 0, 0, 0, 0])
    np.testing.assert_array_equal(s.benefits["time_savings"], [0, 0, 3.1, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(s.without_project, [0, 0, 52000, 0, 0, 0, 0, 0])
    np.testing.assert_array_equal(s.with_project, [0, 0, 31000, 0, 0, 0, 0, 0])
    # Economic basis: no conversion; financial costs equal the streams; no schedule.
    np.testing.assert_array_equal(s.capital_financial, s.capital)
    assert s.conversion_factors == {}
    assert s.build_share is None and s.operating_years is None
    assert all(not v.any() for v in s.pollutants_avoided.values())
    assert list(s.capital_by_category) == ["capital"]


def test_explicit_financial_basis_converted() -> None:
    comp = {
        "id": "bus",
        "name": "Bus",
        "streams": {
            "basis": "financial",
            "capital_category": "civil_works",
            "capital": [10.0],
            "operating": [0, 1.0],
            "benefits": {"time_savings": [0, 2.0], "fares": [0, 4.0], "other": [0, 1.0]},
        },
    }
    case = _case(
        [comp],
        economic={
            "discount_rate": 0.09,
            "conversion_factors": {"operating": 0.9, "time_savings": 1.1, "benefits": 0.95},
            "cost_shares": {"civil_works": {"non_traded": 0.8, "taxes": 0.2}},
        },
    )
    s = _streams(case)
    # civil works: 0.8 x 1 + 0.2 x 0 = 0.8; 10 x 0.8 = 8.
    assert s.capital[0] == pytest.approx(8.0)
    assert s.operating[1] == pytest.approx(0.9)
    # A benefit's own factor, else the "benefits" factor (0.95).
    assert s.benefits["time_savings"][1] == pytest.approx(2.2)
    assert s.benefits["fares"][1] == pytest.approx(3.8)
    assert s.conversion_factors == pytest.approx(
        {"civil_works": 0.8, "operating": 0.9, "time_savings": 1.1, "fares": 0.95, "other": 0.95}
    )
    # The financial streams are the raw (financial) ones.
    assert s.capital_financial[0] == 10.0 and s.operating_financial[1] == 1.0


def test_explicit_economic_with_financial_costs_or_a_note() -> None:
    base = {"id": "a", "name": "A", "streams": {"capital": [10.0], "operating": [0, 1.0]}}
    given = dict(base, financial={"revenue": [0, 3.0], "capital": [12.0], "operating": [0, 1.5]})
    s = _streams(_case([given]))
    assert s.capital_financial[0] == 12.0 and s.operating_financial[1] == 1.5
    assert s.notes == []
    assumed = dict(base, financial={"revenue": [0, 3.0]})
    s = _streams(_case([assumed]))
    np.testing.assert_array_equal(s.capital_financial, s.capital)
    assert s.notes == [
        "financial costs taken equal to the economic streams "
        "(give financial.capital and financial.operating to differ)"
    ]


def test_pad() -> None:
    np.testing.assert_array_equal(pad([1.0, 2.0], 4), [1.0, 2.0, 0.0, 0.0])
    np.testing.assert_array_equal(pad(None, 3), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(pad([1.0, 2.0, 3.0], 2), [1.0, 2.0])  # cut at the grid
    assert pad([], 2).dtype == np.float64
