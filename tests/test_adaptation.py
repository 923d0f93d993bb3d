"""Expected annual damage (EAD) from return periods, and the benefit it becomes (issue 12).

Independent sources: the EAD hand-worked on a three-point curve; numpy.trapezoid
over a dense, piecewise-linear interpolation of the same curve (the stated rule:
linear in probability between the listed events, flat at the rarest event's
damage down to probability 0, nothing above the most frequent); and the identity
that the avoided EAD enters the ENPV exactly as a typed-in benefit stream would.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from appraisal import appraise
from appraisal.adaptation import expected_annual_damage, flood_risk
from appraisal.case import CaseError, parse_case
from tests.conftest import minimal_case

PERIODS = [2.0, 10.0, 100.0]
WITHOUT = [0.0, 50.0, 200.0]
WITH = [0.0, 10.0, 100.0]


def test_ead_by_hand_three_points() -> None:
    # p = 0.5, 0.1, 0.01. Trapezoids (0.5-0.1)(0+50)/2 = 10 and (0.1-0.01)(50+200)/2
    # = 11.25; tail 0.01 x 200 = 2: EAD 23.25. With: 0.4 x 5 + 0.09 x 55 + 0.01 x 100 = 7.95.
    assert expected_annual_damage(PERIODS, WITHOUT) == pytest.approx(23.25, rel=1e-14)
    r = flood_risk(PERIODS, WITHOUT, WITH)
    assert r.ead_with == pytest.approx(7.95, rel=1e-14)
    assert r.avoided_ead == pytest.approx(15.3, rel=1e-14)


@pytest.mark.parametrize(
    ("periods", "damages"),
    [(PERIODS, WITHOUT), ([2, 5, 10, 20, 50, 100], [0, 15, 38, 70, 110, 150]), ([25], [40.0])],
)
def test_ead_equals_numpy_trapezoid_on_a_dense_curve(
    periods: list[float], damages: list[float]
) -> None:
    p = 1.0 / np.asarray(periods, dtype=float)
    d = np.asarray(damages, dtype=float)
    # damage as a function of probability: linear between the listed points, the
    # rarest damage held below them (np.interp's flat left end), from 0 to p_max
    grid = np.union1d(np.linspace(0.0, p.max(), 200_001), p)
    dense = np.interp(grid, p[::-1], d[::-1])
    want = float(np.trapezoid(dense, grid))
    # piecewise linear with every knot on the grid: the trapezoid rule is exact
    assert expected_annual_damage(periods, damages) == pytest.approx(want, rel=1e-12)


def test_bad_curves_are_refused() -> None:
    with pytest.raises(ValueError):
        expected_annual_damage([10, 2], [1, 2])
    with pytest.raises(ValueError):
        expected_annual_damage([1, 2], [1, 2])
    with pytest.raises(ValueError):
        expected_annual_damage([2, 10], [1])


def _flood_case(with_flood_risk: bool) -> dict[str, Any]:
    """A parametric flood component (capital 40, built 2021-2022, life 15), or the
    same costs typed in as streams with the avoided damage as a benefit stream."""
    data = minimal_case(carbon_price="none")
    data["case"]["years"] = 20
    if with_flood_risk:
        comp: dict[str, Any] = {
            "id": "flood",
            "name": "Flood",
            "capital": {"civil_works": 40.0},
            "disbursement": [0.5, 0.5],
            "life_years": 15,
            "om_share": 0.01,
            "flood_risk": {
                "return_periods": PERIODS,
                "damage_without": WITHOUT,
                "damage_with": WITH,
                "climate_multiplier": {"2023": 1.0, "2033": 1.5},
            },
        }
    else:
        # by hand: operating 2023-2037; multiplier 1 + 0.05 (year - 2023) to 2033, then 1.5
        multiplier = [min(1.0 + 0.05 * k, 1.5) for k in range(15)]
        comp = {
            "id": "flood",
            "name": "Flood",
            "streams": {
                "basis": "economic",
                "capital": [20.0, 20.0],
                "operating": [0.0, 0.0] + [0.4] * 15,
                "benefits": {"avoided_flood_damage": [0.0, 0.0] + [15.3 * m for m in multiplier]},
            },
        }
    data["components"] = [comp]
    return data


def test_avoided_ead_enters_the_enpv_as_a_typed_in_stream() -> None:
    built = appraise(parse_case(_flood_case(True)))
    typed = appraise(parse_case(_flood_case(False)))
    assert built.summary["economic"]["enpv"] == pytest.approx(
        typed.summary["economic"]["enpv"], rel=1e-12
    )
    got = built.program.economic["benefit:avoided_flood_damage"].to_numpy()
    want = typed.program.economic["benefit:avoided_flood_damage"].to_numpy()
    np.testing.assert_allclose(got, want, rtol=1e-12)
    assert built.summary["components"][0]["adaptation"] == pytest.approx(
        {"ead_without": 23.25, "ead_with": 7.95, "avoided_ead": 15.3}, rel=1e-12
    )
    assert "adaptation" not in typed.summary["components"][0]


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        ({"return_periods": [10.0, 2.0, 100.0]}, "return_periods"),
        ({"damage_with": [0.0, 1.0]}, "damage_with"),
        ({"damage_without": [0.0, -1.0, 3.0]}, "damage_without"),
    ],
)
def test_bad_flood_inputs_name_their_field(edit: dict[str, Any], path: str) -> None:
    data = _flood_case(True)
    data["components"][0]["flood_risk"].update(edit)
    with pytest.raises(CaseError) as err:
        parse_case(data)
    assert [p.path for p in err.value.problems] == [f"components[0].flood_risk.{path}"]


def test_flood_risk_is_for_the_parametric_form() -> None:
    data = _flood_case(False)
    data["components"][0]["flood_risk"] = _flood_case(True)["components"][0]["flood_risk"]
    with pytest.raises(CaseError) as err:
        parse_case(data)
    assert [p.path for p in err.value.problems] == ["components[0].flood_risk"]
