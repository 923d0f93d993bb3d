"""appraisal.case: the cross-field rules of parse_case and the typed Case it builds.

The per-field rules (types, bounds, choices) are tested in ``test_schema.py``; here,
the rules that involve more than one field, each stated in ``appraisal/case.py``
(and, for the loan, the rules of ``appraisal.finance.loan_schedule`` it mirrors), and
the mapping from the normalized data to the frozen dataclasses.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from appraisal.case import Case, CaseError, Component, parse_case


def _base() -> dict[str, Any]:
    """The smallest valid case: five years from 2021, one explicit-streams component."""
    return {
        "case": {"name": "X", "price_year": 2020, "first_year": 2021, "years": 5},
        "economic": {"discount_rate": 0.09},
        "components": [{"id": "a", "name": "A", "streams": {"capital": [1.0]}}],
    }


def _parametric(**extra: Any) -> dict[str, Any]:
    return {"id": "p", "name": "P", "capital": {"civil_works": 1.0}, "life_years": 3, **extra}


def _problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(CaseError) as err:
        parse_case(data)
    return [str(p) for p in err.value.problems]


# ------------------------------------------------------------------ components


def test_duplicate_ids() -> None:
    data = _base()
    data["components"].append({"id": "a", "name": "B", "streams": {}})
    assert _problems(data) == ["components[1].id: duplicate id 'a'; ids must be unique"]


@pytest.mark.parametrize("both", [True, False])
def test_exactly_one_form(both: bool) -> None:
    data = _base()
    if both:
        data["components"][0]["capital"] = {"civil_works": 1.0}
    else:
        del data["components"][0]["streams"]
    assert _problems(data) == [
        "components[0]: expected exactly one of [components.streams] (explicit yearly "
        "streams) or [components.capital] (parametric form)"
    ]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("life_years", 3),
        ("start_year", 2022),
        ("energy", [{"carrier": "electricity"}]),
        ("activities", [{"name": "b", "quantity_per_year": 1.0, "value_per_unit": 1.0}]),
    ],
)
def test_parametric_keys_refused_in_the_streams_form(key: str, value: Any) -> None:
    data = _base()
    data["components"][0][key] = value
    assert _problems(data) == [f"components[0].{key}: only for the parametric form; remove it"]


def test_emissions_come_in_pairs() -> None:
    data = _base()
    data["components"][0]["streams"]["emissions"] = {"without_project": [1.0]}
    assert _problems(data) == [
        "components[0].streams.emissions.with_project: is missing; give both "
        "without_project and with_project"
    ]


def test_parametric_needs_a_life_and_a_cost_category() -> None:
    data = _base()
    data["components"] = [{"id": "p", "name": "P", "capital": {"c": 1.0}}]
    assert _problems(data) == [
        "components[0].life_years: is missing; expected a whole number [years] for the "
        "parametric form"
    ]
    data["components"] = [_parametric(capital={})]
    assert _problems(data) == ["components[0].capital: expected at least one cost category"]


def test_start_year_and_construction_within_the_horizon() -> None:
    # Case years 2021..2025.
    data = _base()
    data["components"] = [_parametric(start_year=2030)]
    assert _problems(data) == [
        "components[0].start_year: 2030 is outside the case years; expected 2021 to 2025"
    ]
    # Two construction years from 2025 end in 2026, past 2025.
    data["components"] = [_parametric(start_year=2025, disbursement=[0.5, 0.5])]
    assert _problems(data) == [
        "components[0].disbursement: construction runs past the case horizon"
    ]
    # From 2024 they end in 2025: allowed (the life is then cut, see test_streams.py).
    data["components"] = [_parametric(start_year=2024, disbursement=[0.5, 0.5])]
    parse_case(data)


def test_energy_carriers_must_be_known_and_electricity_needs_a_grid_factor() -> None:
    data = _base()
    data["components"] = [_parametric(energy=[{"carrier": "coal"}])]
    assert _problems(data) == [
        "components[0].energy[0].carrier: unknown carrier 'coal'; expected one of electricity "
        "(define others in [carriers])"
    ]
    data["components"] = [_parametric(energy=[{"carrier": "electricity"}])]
    assert _problems(data) == [
        "grid: electricity is used but no grid factor is given; expected grid.emission_factor, "
        "or grid.operating_margin and grid.build_margin"
    ]
    # Either form of grid factor satisfies the rule; a named carrier needs its table.
    data["grid"] = {"operating_margin": 0.9, "build_margin": 0.6}
    parse_case(data)
    data["carriers"] = {"coal": {"emission_factor": 0.341, "price": 20.0}}
    data["components"] = [_parametric(energy=[{"carrier": "coal"}])]
    parse_case(data)


def test_revenue_per_year_is_parametric_only() -> None:
    data = _base()
    data["components"][0]["financial"] = {"revenue_per_year": 1.0}
    assert _problems(data) == [
        "components[0].financial.revenue_per_year: only for the parametric form; use "
        "financial.revenue (a stream)"
    ]


# ------------------------------------------------------------------ financing


def _loan(**terms: Any) -> dict[str, Any]:
    return {"amount": 1.0, "interest_rate": 0.02, "tenor_years": 5, **terms}


def test_loan_grace_shorter_than_tenor() -> None:
    data = _base()
    data["financing"] = {"loan": _loan(grace_years=5)}
    # grace = tenor breaks two rules: grace < tenor, and a repayment year must remain.
    assert _problems(data) == [
        "financing.loan.grace_years: 5 is not shorter than tenor_years 5; expected grace < tenor",
        "financing.loan.tenor_years: 5 leaves no repayment year after grace and disbursement; "
        "expected more than 5",
    ]


def test_loan_disbursement_against_tenor_and_grace() -> None:
    data = _base()
    data["financing"] = {"loan": _loan(tenor_years=2, disbursement=[0.3, 0.3, 0.4])}
    assert _problems(data) == ["financing.loan.disbursement: has more years than the loan tenor"]
    # Disbursed over 3 loan years (0..2): repayment starts in year 3, none left in a 3-year tenor.
    data["financing"] = {"loan": _loan(tenor_years=3, disbursement=[0.3, 0.3, 0.4])}
    assert _problems(data) == [
        "financing.loan.tenor_years: 3 leaves no repayment year after grace and disbursement; "
        "expected more than 3"
    ]
    # A grace of 2 years ends before the last disbursement (loan year 2).
    data["financing"] = {"loan": _loan(grace_years=2, disbursement=[0.3, 0.3, 0.4])}
    assert _problems(data) == [
        "financing.loan.grace_years: 2 ends before the last disbursement (loan year 2); "
        "expected at least 3, or 0 to repay from the end of disbursement"
    ]
    data["financing"] = {"loan": _loan(grace_years=3, disbursement=[0.3, 0.3, 0.4])}
    assert parse_case(data).financing.loan is not None


def test_financing_sources_need_a_positive_total() -> None:
    data = _base()
    data["financing"] = {"sources": [{"name": "x", "amount": 0.0, "nominal_cost": 0.02}]}
    assert _problems(data) == ["financing.sources: the amounts sum to 0; expected a positive total"]


# ------------------------------------------------------------------ economic


def test_cost_shares_sum_to_one() -> None:
    data = _base()
    data["economic"]["cost_shares"] = {"civil": {"traded": 0.5, "taxes": 0.2}}
    assert _problems(data) == ["economic.cost_shares.civil: shares sum to 0.7; expected 1"]


def test_carbon_price_table_not_negative() -> None:
    data = _base()
    data["economic"]["carbon_price"] = {"2020": -1.0}
    assert _problems(data) == ["economic.carbon_price: prices must not be negative"]


# ------------------------------------------------------------------ messages


def test_error_names_the_source_and_every_problem() -> None:
    data = _base()
    data["case"]["unit"] = "millions"
    data["economic"]["cost_shares"] = {"civil": {"traded": 0.5}}
    with pytest.raises(CaseError) as err:
        parse_case(data, source="f.toml")
    # Cross-field rules run only on a case whose fields are each valid: one problem here.
    assert str(err.value) == (
        "f.toml: case.unit: 'millions' is not allowed; expected one of unit, thousand, "
        "million, billion"
    )
    assert err.value.source == "f.toml"
    assert isinstance(err.value, ValueError)


def test_locate_maps_key_paths() -> None:
    data = _base()
    data["case"]["unit"] = "millions"
    with pytest.raises(CaseError) as err:
        parse_case(data, source="t.xlsx", locate=lambda path: f"Case!B3 ({path})")
    assert [p.path for p in err.value.problems] == ["Case!B3 (case.unit)"]


# ------------------------------------------------------------------ the typed case


def test_build_fills_defaults_and_types() -> None:
    data = _base()
    data["economic"]["carbon_price"] = {"2030": 50.0, "2020": 40.0}
    data["financing"] = {"loan": _loan(disbursement=[0.4, 0.6])}
    data["components"].append(_parametric())
    case = parse_case(data, source="cases/x/case.toml")
    assert isinstance(case, Case)
    m = case.meta
    assert (m.unit, m.unit_scale, m.currency) == ("million", 1e6, "USD")
    assert m.calendar_years == [2021, 2022, 2023, 2024, 2025]
    assert m.money == "USD million (2020 prices)"
    assert m.first_year_discounted is True
    assert case.economic.carbon_price == {2020: 40.0, 2030: 50.0}
    assert case.financing.loan is not None
    assert case.financing.loan.disbursement == (0.4, 0.6)
    assert case.electricity_price == 0.0
    streams, param = case.components
    assert (streams.form, param.form) == ("streams", "parametric")
    assert param.start_year == 2021  # default: case.first_year
    assert (param.disbursement, param.ramp_up, param.om_share) == ((1.0,), (), 0.0)
    assert case.data["case"]["unit"] == "million"  # the normalized mapping is kept
    assert case.path == "cases/x/case.toml"
    with pytest.raises(dataclasses.FrozenInstanceError):
        case.meta = m  # type: ignore[misc]


def test_money_of_whole_units() -> None:
    data = _base()
    data["case"].update(unit="unit", currency="CNY")
    assert parse_case(data).meta.money == "CNY (2020 prices)"


@pytest.mark.parametrize(
    ("financial", "earning"),
    [
        (None, False),
        ({}, False),
        ({"revenue": []}, False),
        ({"revenue": [0.0, 1.0]}, True),
        ({"revenue_per_year": 0.0}, False),
        ({"revenue_per_year": 2.0}, True),
    ],
)
def test_revenue_earning(financial: dict[str, Any] | None, earning: bool) -> None:
    comp = Component(
        id="a", name="A", description="", source="", carbon_credits_sold=False, form="streams",
        financial=financial,
    )  # fmt: skip
    assert comp.revenue_earning is earning


@pytest.mark.parametrize(
    ("path", "slug"),
    [
        ("cases/xiangtan/case.toml", "xiangtan"),
        ("cases/changzhutan/changsha.toml", "changsha"),
        ("C:\\cases\\astana\\case.toml", "astana"),
        ("my case v2.toml", "my-case-v2"),
        ("case.toml", "x"),  # no folder: the case name
    ],
)
def test_slug(path: str, slug: str) -> None:
    assert parse_case(_base(), source=path).slug == slug
