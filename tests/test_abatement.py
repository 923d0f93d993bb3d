"""appraisal.abatement: levelized cost of abatement and the MAC curve, on hand-worked numbers.

The identity "the levelized cost, used as a constant carbon price, gives ENPV = 0" is
tested through the whole workflow in ``test_workflow.py`` (both signs of cost); it is
not repeated here.
"""

from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pandas as pd
import pytest

from appraisal.abatement import LevelizedCost, levelized_cost, mac_curve

# A measure: 100 of capital in year 0, then 10 a year of net savings (non-carbon
# benefits above costs) and 5 tCO2e avoided in years 1 to 3.
NET_COST = [100.0, -10.0, -10.0, -10.0]
TONNES = [0.0, 5.0, 5.0, 5.0]


def test_levelized_cost_hand_worked() -> None:
    # Excel timing (first year discounted once), r = 10%:
    # PV(cost) = 100/1.1 - 10/1.1^2 - 10/1.1^3 - 10/1.1^4
    # PV(t)    =           5/1.1^2 +  5/1.1^3 +  5/1.1^4
    pv_cost = 100 / 1.1 - 10 / 1.1**2 - 10 / 1.1**3 - 10 / 1.1**4
    pv_t = 5 / 1.1**2 + 5 / 1.1**3 + 5 / 1.1**4
    lc = levelized_cost(NET_COST, TONNES, 0.10)
    assert isinstance(lc, LevelizedCost)
    assert lc.pv_net_cost == pytest.approx(pv_cost, rel=1e-12)
    assert lc.pv_tonnes == pytest.approx(pv_t, rel=1e-12)
    assert lc.value == pytest.approx(pv_cost / pv_t, rel=1e-12)
    # Times 1.1^4: (133.1 - 12.1 - 11 - 10) / (5 x (1.21 + 1.1 + 1)) = 100 / 16.55.
    assert lc.value == pytest.approx(100 / 16.55, rel=1e-12)
    assert lc.reason is None
    # Second source: numpy-financial discounts values[0] zero times; Excel's NPV once.
    assert lc.pv_net_cost == pytest.approx(npf.npv(0.10, NET_COST) / 1.1, rel=1e-12)


def test_levelized_cost_at_zero_rate_is_cost_over_tonnes() -> None:
    # Undiscounted: (100 - 30) / 15 = 4.6667.
    assert levelized_cost(NET_COST, TONNES, 0.0).value == pytest.approx(70 / 15, rel=1e-12)


def test_levelized_cost_does_not_depend_on_the_timing_convention() -> None:
    # Tonnes and money are discounted alike: both PVs scale by (1 + r), the ratio does not.
    excel = levelized_cost(NET_COST, TONNES, 0.10)
    t0 = levelized_cost(NET_COST, TONNES, 0.10, first_year_discounted=False)
    assert t0.pv_net_cost == pytest.approx(excel.pv_net_cost * 1.1, rel=1e-12)
    assert t0.value == pytest.approx(excel.value, rel=1e-12)


def test_scale_gives_whole_currency_units_per_tonne() -> None:
    # Money in millions: 70 million / 15 t = 4.6667 million per tonne.
    lc = levelized_cost(NET_COST, TONNES, 0.0, scale=1e6)
    assert lc.value == pytest.approx(70e6 / 15, rel=1e-12)
    assert lc.pv_net_cost == pytest.approx(70.0)  # PVs stay in the money unit


def test_negative_cost_is_win_win() -> None:
    # Savings of 40 a year against 100 of capital: net cost -20 undiscounted, over 15 t.
    lc = levelized_cost([100.0, -40.0, -40.0, -40.0], TONNES, 0.0)
    assert lc.value == pytest.approx(-20 / 15, rel=1e-12)


@pytest.mark.parametrize(
    ("tonnes", "reason"),
    [
        ([0.0, 0.0, 0.0, 0.0], "no emission reduction: cost per tonne undefined"),
        ([0.0, -5.0, -5.0, -5.0], "emissions increase: cost per tonne undefined"),
    ],
)
def test_undefined_when_nothing_is_avoided(tonnes: list[float], reason: str) -> None:
    lc = levelized_cost(NET_COST, tonnes, 0.10)
    assert lc.value is None and lc.reason == reason
    assert lc.pv_net_cost == pytest.approx(levelized_cost(NET_COST, TONNES, 0.10).pv_net_cost)


def test_mac_curve_sorted_with_cumulative_widths() -> None:
    measures = pd.DataFrame(
        {
            "id": ["a-led", "b-bus", "c-pv", "d-flood", "e-zero"],
            "name": ["LED", "Bus", "PV", "Flood", "Zero"],
            "cost_per_tco2e": [50.0, -20.0, 50.0, np.nan, 10.0],
            "annual_tco2e": [100.0, 300.0, 200.0, 50.0, 0.0],
        }
    )
    before = measures.copy()
    mac = mac_curve(measures)
    # Undefined cost (d-flood) and no tonnes (e-zero) are left out; cheapest first, ties
    # by id (a-led before c-pv); bar edges are the running sum of the widths.
    assert mac["id"].tolist() == ["b-bus", "a-led", "c-pv"]
    assert mac["x_start"].tolist() == [0.0, 300.0, 400.0]
    assert mac["x_end"].tolist() == [300.0, 400.0, 600.0]
    assert mac.index.tolist() == [0, 1, 2]
    pd.testing.assert_frame_equal(measures, before)  # the input is not changed


def test_mac_curve_of_nothing_is_empty() -> None:
    empty = pd.DataFrame(
        {"id": ["x"], "name": ["X"], "cost_per_tco2e": [np.nan], "annual_tco2e": [10.0]}
    )
    mac = mac_curve(empty)
    assert mac.empty and {"x_start", "x_end"} <= set(mac.columns)


# ---------------------------------------------------------------- the program: mitigation only
def test_a_zero_tonne_component_leaves_the_program_cost_unchanged() -> None:
    # The program's levelized cost counts only the components that avoid tonnes
    # (docs/methods.md section 7): adding flood protection with large benefits and no
    # GHG effect must not move it, and it is listed as left out.
    import appraisal
    from appraisal.case import parse_case
    from tests.conftest import minimal_case

    base = minimal_case()
    before = appraisal.appraise(parse_case(base)).summary["abatement"]
    assert before["excluded_components"] == []
    with_flood = minimal_case()
    with_flood["components"].append(
        {
            "id": "flood",
            "name": "Flood protection",
            "streams": {"capital": [30.0], "benefits": {"avoided_damage": [0.0] + [8.0] * 24}},
        }
    )
    after = appraisal.appraise(parse_case(with_flood)).summary
    assert after["abatement"]["cost_per_tco2e"] == pytest.approx(
        before["cost_per_tco2e"], rel=1e-12
    )
    assert after["abatement"]["excluded_components"] == ["flood"]
    # ... while the program's ENPV does count it
    assert after["economic"]["enpv_without_carbon"] != pytest.approx(
        appraisal.appraise(parse_case(base)).summary["economic"]["enpv_without_carbon"]
    )


def test_program_cost_is_the_pooled_cost_of_the_components_that_avoid_tonnes() -> None:
    # Hand-checked pooling: sum of PV(net cost) / sum of PV(tCO2e) over the kept parts,
    # here one kept component: the program's figure equals the component's.
    import appraisal
    from appraisal.case import parse_case
    from tests.conftest import minimal_case

    data = minimal_case()
    data["components"].append(
        {
            "id": "adds",
            "name": "Adds emissions",
            "streams": {
                "capital": [1.0],
                "emissions": {"without_project": [0, 0, 0, 0], "with_project": [0, 0, 9, 9]},
            },
        }
    )
    s = appraisal.appraise(parse_case(data)).summary
    assert s["abatement"]["excluded_components"] == ["adds"]
    comp = s["components"][0]["abatement"]
    assert s["abatement"]["cost_per_tco2e"] == pytest.approx(comp["cost_per_tco2e"], rel=1e-12)
    assert s["abatement"]["pv_tco2e"] == pytest.approx(comp["pv_tco2e"], rel=1e-12)
