"""Residual value at the horizon (docs/methods.md section 2), hand-worked and by identity.

A parametric asset whose life runs past the horizon keeps capital x years left /
life (straight line, ADB 2017 Guidelines for the Economic Analysis of Projects),
counted as a negative capital cost in the horizon's last year. Identity: ENPV with
it minus ENPV without it = the PV of the residual value (NPV is linear).
"""

from __future__ import annotations

import copy
from typing import Any

import numpy_financial as npf
import pytest

import appraisal
from appraisal.case import parse_case
from appraisal.residual import remaining_life, straight_line_residual
from tests.conftest import case_data, minimal_case


def _parametric(residual: str = "straight-line") -> dict[str, Any]:
    """Capital 100 (80 civil works, 20 equipment, no conversion factors) in 2021; a
    15-year life from 2022 cut by a 10-year horizon (2021-2030): 9 years inside, 6 left."""
    data = minimal_case()
    data["case"] |= {"years": 10, "residual_value": residual}
    data["components"] = [
        {
            "id": "plant",
            "name": "Plant",
            "capital": {"civil_works": 80.0, "equipment": 20.0},
            "life_years": 15,
            "om_share": 0.02,
            "activities": [
                {"name": "output", "quantity_per_year": 20.0, "value_per_unit": 1e6, "unit": "t"}
            ],
        }
    ]
    return data


def test_straight_line_hand_worked() -> None:
    # 30 x 3 years left / 25 years of life = 3.6
    assert remaining_life(25, 22) == 3
    assert straight_line_residual(30.0, 25, 22) == pytest.approx(3.6, rel=1e-15)
    assert straight_line_residual(30.0, 25, 25) == 0.0  # the whole life inside the horizon


def test_residual_value_in_the_last_year_hand_worked() -> None:
    r = appraisal.appraise(parse_case(_parametric()))
    econ = r.component("plant").economic
    # 100 x (15 - 9) / 15 = 40, in 2030 only
    assert econ["residual_value"].tolist() == pytest.approx([0.0] * 9 + [40.0], abs=1e-12)
    # the capital column is net of it: 100 in 2021, -40 in 2030
    assert econ["capital"].iloc[0] == pytest.approx(100.0)
    assert econ["capital"].iloc[-1] == pytest.approx(-40.0)
    # PV at 9%, first year discounted (Excel NPV): 40 / 1.09^10
    e = r.summary["components"][0]["economic"]
    assert e["pv_residual_value"] == pytest.approx(40.0 / 1.09**10, rel=1e-12)
    assert r.summary["economic"]["pv_residual_value"] == pytest.approx(40.0 / 1.09**10)
    # the financial residual: the same share of the financial capital
    s = r.component("plant").streams
    assert s is not None and s.residual_value_financial is not None
    assert s.residual_value_financial[-1] == pytest.approx(40.0)


def test_enpv_difference_is_the_pv_of_the_residual_value() -> None:
    # identity: ENPV(straight-line) - ENPV(none) = pv_residual_value, program and component
    with_rv = appraisal.appraise(parse_case(_parametric("straight-line"))).summary
    without = appraisal.appraise(parse_case(_parametric("none"))).summary
    for key in ("enpv_with_carbon", "enpv_without_carbon"):
        diff = with_rv["economic"][key] - without["economic"][key]
        assert diff == pytest.approx(with_rv["economic"]["pv_residual_value"], rel=1e-12)
    assert without["economic"]["pv_residual_value"] == 0.0
    # ENPV = PV(benefits) - PV(costs), PV(costs) net of the residual value
    e = with_rv["economic"]
    assert e["enpv_without_carbon"] == pytest.approx(
        e["pv_benefits_without_carbon"] - e["pv_costs"], rel=1e-12
    )


def test_eirr_counts_the_residual_value_against_numpy_financial() -> None:
    r = appraisal.appraise(parse_case(_parametric()))
    net = r.program.economic["net_without_carbon"].to_numpy()
    assert net[-1] == pytest.approx(20.0 - 2.0 + 40.0)  # output - O&M + residual value
    assert r.summary["economic"]["eirr_without_carbon"] == pytest.approx(npf.irr(net), rel=1e-9)


def test_none_warns_when_a_life_is_cut() -> None:
    r = appraisal.appraise(parse_case(_parametric("none")))
    codes = [c.code for c in r.checks]
    assert "life-cut-no-residual" in codes
    msg = next(c.message for c in r.checks if c.code == "life-cut-no-residual")
    assert msg.startswith("plant: economic life cut at the horizon with 6 years left")
    # straight-line: an assumption note with the value, no warning
    r2 = appraisal.appraise(parse_case(_parametric()))
    assert "life-cut-no-residual" not in [c.code for c in r2.checks]
    assert any("residual value 40" in c.message for c in r2.checks if c.code == "assumption")


def test_streams_component_residual_value_given() -> None:
    data = minimal_case()
    data["components"][0]["streams"]["residual_value"] = 5.0
    r = appraisal.appraise(parse_case(data))
    e = r.summary["economic"]
    assert e["pv_residual_value"] == pytest.approx(5.0 / 1.09**25, rel=1e-12)
    data_none = copy.deepcopy(data)
    data_none["case"]["residual_value"] = "none"
    e0 = appraisal.appraise(parse_case(data_none)).summary["economic"]
    assert e["enpv"] - e0["enpv"] == pytest.approx(e["pv_residual_value"], rel=1e-12)


def test_xiangtan_pv_life_follows_its_source() -> None:
    # PV modules: 25-year warranties. Built 2022-2023, operating 2024-2045: 22 years
    # inside the horizon, 3 left: residual = 30 x 3 / 25 = 3.6 (financial prices).
    data = case_data("xiangtan")
    comp = next(c for c in data["components"] if c["id"] == "community-solar-ev")
    assert comp["life_years"] == 25
    r = appraisal.appraise(parse_case(data))
    s = r.component("community-solar-ev").streams
    assert s is not None and s.residual_value_financial is not None
    assert s.residual_value_financial[-1] == pytest.approx(30.0 * 3 / 25, rel=1e-12)
