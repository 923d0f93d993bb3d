"""Economic analysis: carbon paths, conversion factors, indicators."""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest

from appraisal.economics import (
    carbon_price_path,
    conversion_factor,
    economic_indicators,
    interpolate_path,
)
from appraisal.ghg import combined_margin, grid_factor


def test_adb_carbon_path_matches_the_methods_reference():
    # docs/methods.md section 2 [D]: 36.30 x 1.02^(y-2016) = 39.29 in 2020 and 47.89 in 2030.
    p = carbon_price_path("adb-2017", [2016, 2020, 2030])
    assert p[0] == pytest.approx(36.30)
    assert round(p[1], 2) == 39.29
    assert round(p[2], 2) == 47.90 or round(p[2], 2) == 47.89  # 47.897, printed 47.89/47.90


def test_world_bank_paths_and_growth_after_2030():
    # World Bank 2017 note: low 40 (2020) to 50 (2030), high 80 to 100; +2.25%/yr after 2030,
    # about 78 and 156 in 2050 (docs/methods.md section 2 [S/D]).
    low = carbon_price_path("wb-2017-low", [2019, 2020, 2025, 2030, 2050])
    high = carbon_price_path("wb-2017-high", [2020, 2030, 2050])
    assert low[:4].tolist() == [40.0, 40.0, 45.0, 50.0]
    assert low[4] == pytest.approx(50 * 1.0225**20)
    assert round(low[4]) == 78 and round(high[2]) == 156
    assert high[:2].tolist() == [80.0, 100.0]


def test_deflator_rebases_named_paths_only():
    assert carbon_price_path("adb-2017", [2016], deflator=1.1)[0] == pytest.approx(39.93)
    assert carbon_price_path({2020: 50.0}, [2020], deflator=1.1)[0] == 50.0
    assert carbon_price_path("none", [2020, 2030]).tolist() == [0.0, 0.0]


def test_interpolate_path_linear_and_flat_outside():
    v = interpolate_path({2020: 1.0, 2030: 0.5}, [2015, 2020, 2024, 2030, 2040])
    assert v.tolist() == pytest.approx([1.0, 1.0, 0.8, 0.5, 0.5])


def test_conversion_factor_from_shares_hand_worked():
    # Hand-worked (ADB 2017 ch. 4, domestic numeraire): civil works 30% traded x SERF 1.05
    # + 45% non-traded x 1 + 5% skilled x 1 + 10% unskilled x SWRF 0.8 + 10% taxes x 0
    # = 0.315 + 0.45 + 0.05 + 0.08 + 0 = 0.895.
    shares = {
        "civil_works": {
            "traded": 0.3,
            "non_traded": 0.45,
            "skilled_labour": 0.05,
            "unskilled_labour": 0.1,
            "taxes": 0.1,
        }
    }
    cf = conversion_factor(
        "civil_works", conversion_factors={}, cost_shares=shares, serf=1.05, swrf=0.8
    )
    assert cf == pytest.approx(0.895)
    # World numeraire: traded 0.3 x 1 + (0.45 + 0.05)/1.05 + 0.1 x 0.8/1.05 = 0.852381.
    cf_w = conversion_factor(
        "civil_works",
        conversion_factors={},
        cost_shares=shares,
        serf=1.05,
        swrf=0.8,
        numeraire="world",
    )
    assert cf_w == pytest.approx(0.3 + 0.5 / 1.05 + 0.08 / 1.05)
    # An explicit factor wins; an unknown category takes the default.
    assert (
        conversion_factor(
            "civil_works", conversion_factors={"civil_works": 0.7}, cost_shares=shares
        )
        == 0.7
    )
    assert conversion_factor("other", conversion_factors={}, cost_shares={}) == 1.0


def test_economic_indicators_against_numpy_financial():
    rng = np.random.default_rng(7)
    costs = np.r_[rng.uniform(10, 30, 3), rng.uniform(0.5, 1, 17)]
    benefits = np.r_[np.zeros(3), rng.uniform(4, 8, 17)]
    ind = economic_indicators(costs, benefits, 0.09, first_year_discounted=True)
    # Excel convention = numpy-financial npv divided by (1 + r).
    assert ind.enpv == pytest.approx(npf.npv(0.09, benefits - costs) / 1.09, rel=1e-12)
    assert ind.eirr == pytest.approx(npf.irr(benefits - costs), abs=1e-10)
    assert ind.bcr == pytest.approx(npf.npv(0.09, benefits) / npf.npv(0.09, costs), rel=1e-12)
    t0 = economic_indicators(costs, benefits, 0.09, first_year_discounted=False)
    assert t0.enpv == pytest.approx(npf.npv(0.09, benefits - costs), rel=1e-12)


def test_combined_margin_cdm_tool07():
    # CDM TOOL07: EF_CM = w_OM EF_OM + w_BM EF_BM; solar and wind 0.75/0.25.
    assert float(combined_margin(0.9, 0.5)) == pytest.approx(0.7)
    f = grid_factor([2021], operating_margin=0.9, build_margin=0.5, technology="solar")
    assert f[0] == pytest.approx(0.8)
    f = grid_factor([2021, 2031], emission_factor={2021: 0.8, 2031: 0.6})
    assert f.tolist() == pytest.approx([0.8, 0.6])
