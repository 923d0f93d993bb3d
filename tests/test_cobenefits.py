"""appraisal.cobenefits: jobs and the benefit transfer of damage costs, on hand-worked numbers.

Formulas (``docs/methods.md``, co-benefits): direct jobs = spending [US$ m] x factor
x local share; indirect and induced = direct x their multipliers (the NREL JEDI
split); damage cost V = V_source x (income ratio) ^ elasticity.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import appraisal
from appraisal.case import parse_case
from appraisal.cobenefits import Jobs, construction_capital, damage_cost_transfer, jobs
from tests.conftest import minimal_case


def test_jobs_direct_indirect_induced() -> None:
    # 10 US$ m x 7.5 job-years per US$ m x 0.8 local = 60 direct;
    # indirect 60 x 0.5 = 30; induced 60 x 0.3 = 18; total 108.
    j = jobs(10.0, 7.5, local_share=0.8, indirect_multiplier=0.5, induced_multiplier=0.3)
    assert isinstance(j, Jobs)
    assert (j.direct, j.indirect, j.induced) == pytest.approx((60.0, 30.0, 18.0), rel=1e-12)
    assert j.total == pytest.approx(108.0, rel=1e-12)


def test_jobs_defaults_all_local_no_multipliers() -> None:
    # 10 x 7.5 = 75 direct, nothing else (gross, as the factor gives them).
    j = jobs(10.0, 7.5)
    assert (j.direct, j.indirect, j.induced, j.total) == (75.0, 0.0, 0.0, 75.0)
    assert jobs(0.0, 7.5, indirect_multiplier=1.0).total == 0.0


@pytest.mark.parametrize(
    ("ratio", "elasticity", "expected"),
    [
        (0.25, 1.0, 38500.0),  # 154,000 x 0.25
        (0.25, 0.5, 77000.0),  # 154,000 x sqrt(0.25) = 154,000 x 0.5
        (0.25, 1.5, 19250.0),  # 154,000 x 0.25^1.5 = 154,000 x 0.125
        (0.25, 0.0, 154000.0),  # no income effect: the source value
        (1.0, 1.2, 154000.0),  # same income: the source value
    ],
)
def test_damage_cost_transfer(ratio: float, elasticity: float, expected: float) -> None:
    assert damage_cost_transfer(154000.0, ratio, elasticity) == pytest.approx(expected, rel=1e-12)


def _case(**economic: Any) -> dict[str, Any]:
    return {
        "case": {"name": "J", "price_year": 2020, "first_year": 2021, "years": 5},
        "economic": {"discount_rate": 0.09, "carbon_price": "none", **economic},
        "cobenefits": {
            "jobs_construction_per_musd": 7.5,
            "jobs_operation_per_musd": 10.0,
            "jobs_local_share": 0.8,
            "indirect_multiplier": 0.5,
            "induced_multiplier": 0.3,
            "income_ratio": 0.25,
            "income_elasticity": 0.5,
            "damage_costs": {"pm25": 154000.0},
        },
        "components": [
            {
                "id": "a",
                "name": "A",
                "streams": {
                    "capital": [10.0, 10.0],
                    "operating": [0, 0, 1.0, 1.0, 2.0],
                    "benefits": {"savings": [0, 0, 3.0, 3.0, 3.0]},
                    "pollutants_avoided": {"pm25": [0, 0, 1.0, 1.0, 1.0]},
                },
            }
        ],
    }


def test_cobenefits_through_the_workflow() -> None:
    r = appraisal.appraise(parse_case(_case()))
    cb = r.summary["cobenefits"]
    # Construction: 20 US$ m of capital x 7.5 x 0.8 = 120 direct, x (1 + 0.5 + 0.3) = 216.
    assert cb["jobs_construction_direct"] == pytest.approx(120.0, rel=1e-12)
    assert cb["jobs_construction_job_years"] == pytest.approx(216.0, rel=1e-12)
    # Operation: average O&M over the years with O&M, (1 + 1 + 2) / 3 = 4/3 US$ m a year,
    # x 10 x 0.8 = 10.667 direct, x 1.8 = 19.2.
    assert cb["jobs_operation_direct"] == pytest.approx(4 / 3 * 8.0, rel=1e-12)
    assert cb["jobs_operation"] == pytest.approx(19.2, rel=1e-12)
    # Pollutants: 3 t of PM2.5 valued at 154,000 x 0.25^0.5 = 77,000 US$/t, i.e. 0.077
    # US$ m a year for 1 t.
    assert cb["pollutants_avoided_t"] == {"pm25": 3.0, "so2": 0.0, "nox": 0.0}
    assert r.damage_cost_per_t == pytest.approx({"pm25": 77000.0, "so2": 0.0, "nox": 0.0})
    np.testing.assert_allclose(
        r.program.economic["pollutant_value"], [0, 0, 0.077, 0.077, 0.077], rtol=1e-12
    )
    # Excel-timing PV at 9% of 0.077 in years 2..4.
    pv = sum(0.077 / 1.09**t for t in (3, 4, 5))
    assert cb["pollutant_value_pv"] == pytest.approx(pv, rel=1e-12)


def test_pollutant_value_enters_the_eirr_only_when_asked() -> None:
    out = appraisal.appraise(parse_case(_case()))
    into = appraisal.appraise(parse_case(_case(pollutants_in_eirr=True)))
    pv = out.summary["economic"]["pv_pollutant_value"]
    # Kept apart by default: the ENPV differs by exactly the pollutants' PV when counted.
    assert pv > 0
    assert into.summary["economic"]["enpv"] == pytest.approx(
        out.summary["economic"]["enpv"] + pv, rel=1e-12
    )
    np.testing.assert_allclose(
        into.program.economic["benefits_without_carbon"],
        [0, 0, 3.077, 3.077, 3.077],
        rtol=1e-12,
    )


# ---------------------------------------------------------------- the capital that creates jobs
def _jobs_case(capital: dict[str, float], **cobenefits: Any) -> dict[str, Any]:
    """One parametric component; civil works taxed 10% (cost shares), land untaxed."""
    data = minimal_case()
    data["economic"]["cost_shares"] = {"civil_works": {"non_traded": 0.9, "taxes": 0.1}}
    data["cobenefits"] = {"jobs_construction_per_musd": 10.0, **cobenefits}
    data["components"] = [{"id": "works", "name": "Works", "capital": capital, "life_years": 20}]
    return data


def test_jobs_with_a_land_only_category_are_zero() -> None:
    s = appraisal.appraise(parse_case(_jobs_case({"land": 50.0}))).summary["cobenefits"]
    assert s["jobs_construction_capital"] == 0.0
    assert s["jobs_construction_job_years"] == 0.0


def test_jobs_leave_out_land_and_taxes_hand_worked() -> None:
    # (100 civil works x (1 - 0.10 taxes) + 0 for 40 of land) = 90 US$ m x 10 = 900
    data = _jobs_case({"civil_works": 100.0, "land_acquisition": 40.0})
    s = appraisal.appraise(parse_case(data)).summary["cobenefits"]
    assert s["jobs_construction_capital"] == pytest.approx(90.0, rel=1e-12)
    assert s["jobs_construction_direct"] == pytest.approx(900.0, rel=1e-12)
    assert construction_capital({"civil_works": 100.0, "resettlement": 5.0}, {}) == 100.0


def test_multipliers_apply_to_a_direct_only_factor() -> None:
    # direct: 90 x 10 = 900; indirect 900 x 0.5 = 450; induced 900 x 0.3 = 270
    direct = _jobs_case({"civil_works": 100.0}, indirect_multiplier=0.5, induced_multiplier=0.3)
    s = appraisal.appraise(parse_case(direct)).summary["cobenefits"]
    assert s["jobs_construction_job_years"] == pytest.approx(900 + 450 + 270, rel=1e-12)
    # an input-output factor (direct and indirect): the multipliers are not applied,
    # and a check says that they were set
    io_ = _jobs_case(
        {"civil_works": 100.0},
        indirect_multiplier=0.5,
        induced_multiplier=0.3,
        jobs_factor_basis="direct-and-indirect",
    )
    r = appraisal.appraise(parse_case(io_))
    s = r.summary["cobenefits"]
    assert s["jobs_construction_job_years"] == pytest.approx(900.0, rel=1e-12)
    assert (s["jobs_construction_indirect"], s["jobs_construction_induced"]) == (0.0, 0.0)
    assert [c.code for c in r.checks].count("jobs-double-counted") == 1
    plain = _jobs_case({"civil_works": 100.0}, jobs_factor_basis="direct-and-indirect")
    assert "jobs-double-counted" not in [
        c.code for c in appraisal.appraise(parse_case(plain)).checks
    ]
    j = jobs(10.0, 7.5, indirect_multiplier=0.5, basis="direct-and-indirect")
    assert (j.direct, j.indirect, j.induced) == (75.0, 0.0, 0.0)
