"""Climate-finance tracking, GCF-style indicators and their checks (issue 12).

Expected numbers are hand-worked in each test (the issue's two-component
example: capital 100 all mitigation plus 50 split 0.2/0.4/0.1), or identities.
"""

from __future__ import annotations

from typing import Any

import pytest

from appraisal import appraise
from appraisal.case import CaseError, parse_case
from tests.conftest import minimal_case


def _two_components(**first_shares: float) -> dict[str, Any]:
    """Capital 100 (all mitigation, avoids tonnes) and 50 (0.2/0.4/0.1, avoids none)."""
    data = minimal_case(carbon_price="none")
    comp = data["components"][0]
    comp["streams"]["capital"] = [100.0]
    comp["climate_finance"] = first_shares or {"mitigation": 1.0}
    data["components"].append(
        {
            "id": "drainage",
            "name": "Drainage",
            "streams": {"basis": "economic", "capital": [20.0, 30.0], "benefits": {"b": [0, 5]}},
            "climate_finance": {"mitigation": 0.2, "adaptation": 0.4, "dual": 0.1},
        }
    )
    data["financing"] = {
        "sources": [
            {"name": "GCF", "amount": 30.0, "nominal_cost": 0.01},
            {"name": "ADB", "amount": 90.0, "nominal_cost": 0.02},
        ],
        "lead": "GCF",
    }
    return data


def test_two_components_hand_worked() -> None:
    # mitigation 100 x 1 + 50 x 0.2 = 110; adaptation 50 x 0.4 = 20; dual 50 x 0.1 = 5;
    # total 135; share 135 / 150 = 0.9 (the example)
    s = appraise(parse_case(_two_components())).summary
    cf = s["climate_finance"]
    assert cf["mitigation"] == pytest.approx(110.0, rel=1e-12)
    assert cf["adaptation"] == pytest.approx(20.0, rel=1e-12)
    assert cf["dual"] == pytest.approx(5.0, rel=1e-12)
    assert cf["total"] == pytest.approx(135.0, rel=1e-12)
    assert cf["share_of_cost"] == pytest.approx(0.9, rel=1e-12)
    second = s["components"][1]["climate_finance"]
    assert [second[k] for k in ("mitigation", "adaptation", "dual", "total")] == pytest.approx(
        [10.0, 20.0, 5.0, 35.0], rel=1e-12
    )
    assert second["share_of_cost"] == pytest.approx(0.7, rel=1e-12)  # 35 / 50
    # pro rata: GCF 30 of 120 -> 135 x 0.25 = 33.75; ADB 135 x 0.75 = 101.25
    assert cf["by_source"] == [
        {"name": "GCF", "total": pytest.approx(33.75, rel=1e-12)},
        {"name": "ADB", "total": pytest.approx(101.25, rel=1e-12)},
    ]
    # co-financing ratio: the other sources over the lead, 90 / 30 = 3
    assert s["financing"] == {"lead": "GCF", "lead_amount": 30.0, "cofinance_ratio": 3.0}


def test_lifetime_tonnes_and_investment_per_tonne_hand_worked() -> None:
    # The first component avoids 52000-31000 + 53000-31500 = 42500 t over its streams
    # (explicit streams: the horizon is the life); capital 100 million
    # -> 100e6 / 42500 = 2352.94... USD per lifetime tonne.
    s = appraise(parse_case(_two_components())).summary
    first = s["components"][0]
    assert first["ghg"]["reduction_tco2e_lifetime"] == pytest.approx(42500.0, rel=1e-12)
    per_t = first["abatement"]["investment_per_tco2e_lifetime"]
    assert per_t == pytest.approx(100e6 / 42500.0, rel=1e-12)
    second = s["components"][1]
    assert second["abatement"]["investment_per_tco2e_lifetime"] is None
    assert second["abatement"]["investment_per_tco2e_lifetime_reason"].startswith("no emissions")
    # the program: all capital 150 over all lifetime tonnes 42500
    assert s["abatement"]["investment_per_tco2e_lifetime"] == pytest.approx(150e6 / 42500.0)


def test_lifetime_tonnes_count_beyond_the_horizon() -> None:
    # Parametric: built in 2021, operating 2022-2041 (life 20) on a 10-year horizon
    # (2021-2030): 9 years in the horizon. Saves 1000 MWh of a fuel at 0.2 tCO2e/MWh
    # = 200 t a year: 1800 t over the horizon, 20 x 200 = 4000 t over the life.
    data = minimal_case(carbon_price="none")
    data["case"]["years"] = 10
    data["carriers"] = {"gas": {"emission_factor": 0.2, "price": 30.0, "source": "test"}}
    data["components"] = [
        {
            "id": "boiler",
            "name": "Boiler",
            "capital": {"equipment": 2.0},
            "life_years": 20,
            "energy": [{"carrier": "gas", "without_mwh": 1000.0, "with_mwh": 0.0}],
        }
    ]
    s = appraise(parse_case(data)).summary
    assert s["ghg"]["reduction_tco2e_total"] == pytest.approx(1800.0, rel=1e-12)
    assert s["ghg"]["reduction_tco2e_lifetime"] == pytest.approx(4000.0, rel=1e-12)
    assert s["abatement"]["investment_per_tco2e_lifetime"] == pytest.approx(2e6 / 4000.0)


def _codes(data: dict[str, Any]) -> list[str]:
    return [
        c.message
        for c in appraise(parse_case(data)).checks
        if c.code == "climate-finance-mitigation"
    ]


def test_check_tonnes_without_mitigation_share() -> None:
    data = _two_components(adaptation=1.0)
    data["components"][1]["climate_finance"] = {"adaptation": 0.5}
    messages = _codes(data)
    assert len(messages) == 1 and messages[0].startswith("bus-priority: avoids 42,500 tCO2e")


def test_check_mitigation_share_without_tonnes() -> None:
    # the second component tracks 0.2 mitigation and 0.1 dual but avoids nothing
    data = _two_components()
    data["components"][1]["climate_finance"] = {"mitigation": 0.2}
    messages = _codes(data)
    assert messages == [
        "drainage: tracks mitigation or dual climate finance but avoids no emissions over its life"
    ]


def test_no_check_when_nothing_is_tracked() -> None:
    assert _codes(minimal_case()) == []


@pytest.mark.parametrize(
    ("edit", "path"),
    [
        (lambda d: d["components"][1].update(climate_finance={"mitigation": 0.8, "dual": 0.3}),
         "components[1].climate_finance"),
        (lambda d: d["financing"].update(lead="GCF FP077"), "financing.lead"),
        (lambda d: d["components"][1].update(climate_finance={"mitigation": 1.2}),
         "components[1].climate_finance.mitigation"),
    ],
)  # fmt: skip
def test_bad_inputs_are_refused_with_their_path(edit: Any, path: str) -> None:
    data = _two_components()
    edit(data)
    with pytest.raises(CaseError) as err:
        parse_case(data)
    assert [p.path for p in err.value.problems] == [path]
