"""appraisal.schema: the case-field schema and its validator, on hand-written snippets.

Each test states the problem expected (key path and message), written out from the
field's row in ``appraisal/data/case_schema.toml``: its type, bounds, unit, choices,
pattern and default are the source of truth for every expected value here.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from appraisal.schema import Field, Problem, children, field_by_key, fields, validate


def _base() -> dict[str, Any]:
    """The smallest valid case: the required fields only."""
    return {
        "case": {"name": "X", "price_year": 2020, "first_year": 2021, "years": 5},
        "economic": {"discount_rate": 0.09},
        "components": [{"id": "a", "name": "A", "streams": {"capital": [1.0]}}],
    }


def _problems(edit: Any) -> list[str]:
    data = _base()
    edit(data)
    return [str(p) for p in validate(data)[1]]


def test_the_smallest_case_is_valid() -> None:
    normalized, problems = validate(_base())
    assert problems == []
    assert normalized["case"]["name"] == "X"


# ------------------------------------------------------------------ the schema as data


def test_schema_rows_are_unique_and_typed() -> None:
    keys = [f.key for f in fields()]
    assert len(keys) == len(set(keys))
    known = {
        "str", "int", "float", "bool", "rate", "choice", "stream", "shares", "path",
        "carbon_path", "table", "array",
    }  # fmt: skip  # the types listed in the header of case_schema.toml
    assert {f.type for f in fields()} <= known
    # a choice field always lists its choices
    assert all(f.choices for f in fields() if f.type == "choice")


def test_field_name_parent_and_children() -> None:
    f = field_by_key()["components[].streams.capital"]
    assert isinstance(f, Field)
    assert (f.name, f.parent) == ("capital", "components[].streams")
    assert field_by_key()["case"].parent == ""
    assert field_by_key()["economic.conversion_factors.*"].name == "*"
    top = [c.key for c in children("")]
    # file order of case_schema.toml's top-level rows
    assert top == [
        "case", "economic", "financing", "grid", "carriers", "electricity", "cobenefits",
        "components", "fiscal", "city", "sensitivity", "risk",
    ]  # fmt: skip


def test_problem_reads_as_path_colon_message() -> None:
    assert str(Problem("case.years", "is missing")) == "case.years: is missing"


# ------------------------------------------------------------------ defaults


def test_defaults_are_filled_in() -> None:
    normalized, _ = validate(_base())
    # Defaults from case_schema.toml.
    assert normalized["case"]["unit"] == "million"
    assert normalized["case"]["currency"] == "USD"
    assert normalized["case"]["first_year_discounted"] is True
    assert normalized["economic"]["carbon_price"] == "adb-2017"
    assert normalized["economic"]["carbon_in_eirr"] is True
    assert normalized["economic"]["pollutants_in_eirr"] is False
    assert normalized["economic"]["numeraire"] == "domestic"
    assert normalized["grid"]["weight_operating_margin"] == 0.5
    # A default table is itself filled in (cobenefits.damage_costs' members default to 0).
    assert normalized["cobenefits"]["damage_costs"] == {"pm25": 0.0, "so2": 0.0, "nox": 0.0}
    comp = normalized["components"][0]
    assert comp["disbursement"] == [1.0]  # a list default comes back as a list
    assert comp["streams"]["basis"] == "economic"
    assert comp["streams"]["operating"] == []
    # Fields without a default stay absent (city, loan, start_year).
    assert "city" not in normalized and "loan" not in normalized["financing"]
    assert "start_year" not in comp


def test_whole_float_becomes_int_and_int_rate_becomes_float() -> None:
    data = _base()
    data["case"]["years"] = 5.0
    data["economic"]["discount_rate"] = 0
    normalized, problems = validate(data)
    assert problems == []
    assert normalized["case"]["years"] == 5 and isinstance(normalized["case"]["years"], int)
    assert isinstance(normalized["economic"]["discount_rate"], float)


def test_path_tables_get_int_years_in_order() -> None:
    data = _base()
    data["economic"]["carbon_price"] = {"2030": 50, "2020": 40.0}
    normalized, problems = validate(data)
    assert problems == []
    assert normalized["economic"]["carbon_price"] == {2020: 40.0, 2030: 50.0}
    assert list(normalized["economic"]["carbon_price"]) == [2020, 2030]


# ------------------------------------------------------------------ types


@pytest.mark.parametrize(
    ("section", "key", "value", "expected"),
    [
        ("case", "years", "5", "case.years: expected a whole number, got '5'"),
        ("case", "years", 5.5, "case.years: expected a whole number, got 5.5"),
        ("case", "years", True, "case.years: expected a whole number, got True"),
        ("case", "name", 3, "case.name: expected text, got 3"),
        ("case", "name", "  ", "case.name: is empty; expected text"),
        (
            "economic",
            "discount_rate",
            True,
            "economic.discount_rate: expected a number, got True",
        ),
        (
            "economic",
            "discount_rate",
            float("inf"),
            "economic.discount_rate: expected a finite number, got inf",
        ),
        (
            "economic",
            "carbon_in_eirr",
            "yes",
            "economic.carbon_in_eirr: expected true or false, got 'yes'",
        ),
        (
            "economic",
            "conversion_factors",
            [1.0],
            "economic.conversion_factors: expected a table, got [1.0]",
        ),
    ],
)
def test_type_problems(section: str, key: str, value: Any, expected: str) -> None:
    assert _problems(lambda d: d[section].update({key: value})) == [expected]


def test_array_of_tables_expected() -> None:
    got = _problems(lambda d: d.update(components={}))
    assert got == [
        "components: expected one or more rows ([[components]] tables in a TOML file), got {}"
    ]


def test_stream_items_are_each_located() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["components"][0]["streams"]["capital"] = [1, "x", float("nan")]

    assert _problems(edit) == [
        "components[0].streams.capital[1]: expected a finite number, got 'x'",
        "components[0].streams.capital[2]: expected a finite number, got nan",
    ]


def test_stream_longer_than_the_case() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["components"][0]["streams"]["capital"] = [1.0] * 6  # the case has 5 years

    assert _problems(edit) == [
        "components[0].streams.capital: has 6 values but the case has 5 years; "
        "expected at most 5 (one per year from case.first_year)"
    ]


def test_stream_not_a_list() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["components"][0]["streams"]["capital"] = 3.0

    assert _problems(edit) == [
        "components[0].streams.capital: expected a list of numbers (one per year), got 3.0"
    ]


# ------------------------------------------------------------------ bounds


def test_rate_above_one_reads_as_a_percentage() -> None:
    # economic.discount_rate: rate, max 0.5; 9 is between 1 and 100.
    assert _problems(lambda d: d["economic"].update(discount_rate=9)) == [
        "economic.discount_rate: 9 looks like a percentage; rates are decimals (write 0.09 for 9%)"
    ]


def test_out_of_range_names_bounds_and_unit() -> None:
    # economic.discount_rate: min 0, max 0.5, unit "decimal per year, real".
    assert _problems(lambda d: d["economic"].update(discount_rate=0.6)) == [
        "economic.discount_rate: 0.6 is out of range; expected 0 to 0.5 [decimal per year, real]"
    ]
    # case.years: min 1, max 100, unit "years".
    assert _problems(lambda d: d["case"].update(years=0)) == [
        "case.years: 0 is out of range; expected 1 to 100 [years]"
    ]
    # a wildcard member's bounds: economic.conversion_factors.* is 0 to 3 [ratio].
    assert _problems(lambda d: d["economic"].update(conversion_factors={"civil": 4.0})) == [
        "economic.conversion_factors.civil: 4.0 is out of range; expected 0 to 3 [ratio]"
    ]


def test_out_of_range_states_why_when_the_row_says() -> None:
    # risk.draws: int, 1 to 10^7 [draws], with a bounds_reason; whole bounds written out.
    f = field_by_key()["risk.draws"]
    assert _problems(lambda d: d.update(risk={"draws": 10**8})) == [
        f"risk.draws: 100000000 is out of range; expected 1 to 10000000 [draws] ({f.bounds_reason})"
    ]


def test_an_array_refuses_fewer_entries_than_min_items() -> None:
    # components: min_items = 1 (an empty program used to crash the workbook writer).
    assert field_by_key()["components"].min_items == 1
    assert _problems(lambda d: d.update(components=[])) == [
        "components: has 0 entries; expected at least 1 ([[components]])"
    ]


def test_descriptions_and_sources_are_multiline_by_name() -> None:
    # The rule in the header of case_schema.toml: fields named description or source,
    # and members of a sources table, are paragraphs (2,000 characters).
    by_key = field_by_key()
    multiline = {f.key for f in fields() if f.multiline}
    assert {"case.description", "case.source", "economic.sources.*"} <= multiline
    assert not {"case.name", "components[].id"} & multiline
    assert by_key["case.source"].length_limit == 2000
    assert by_key["case.name"].length_limit == 200
    assert by_key["case.years"].length_limit is None


def test_bounds_are_inclusive() -> None:
    assert _problems(lambda d: d["economic"].update(discount_rate=0.5)) == []
    assert _problems(lambda d: d["case"].update(years=100)) == []


def test_shares_between_zero_and_one_and_disbursement_sums_to_one() -> None:
    def ramp(d: dict[str, Any]) -> None:
        d["components"][0]["ramp_up"] = [0.5, 1.2]

    def disb(d: dict[str, Any]) -> None:
        d["components"][0]["disbursement"] = [0.5, 0.4]

    def ramp_not_summing(d: dict[str, Any]) -> None:
        d["components"][0]["ramp_up"] = [0.5, 0.8]  # ramp-up need not sum to 1

    assert _problems(ramp) == ["components[0].ramp_up: shares must each be between 0 and 1"]
    assert _problems(disb) == ["components[0].disbursement: shares sum to 0.9; expected 1"]
    assert _problems(ramp_not_summing) == []


# ------------------------------------------------------------------ choices and patterns


def test_choice_lists_what_is_allowed() -> None:
    assert _problems(lambda d: d["case"].update(unit="millions")) == [
        "case.unit: 'millions' is not allowed; expected one of unit, thousand, million, billion"
    ]


def test_carbon_path_name_or_table() -> None:
    assert _problems(lambda d: d["economic"].update(carbon_price="adb-2019")) == [
        "economic.carbon_price: unknown carbon price path 'adb-2019'; expected one of "
        "adb-2017, wb-2017-low, wb-2017-high, eib-2020, ebrd-2022, uk-2023-low, "
        "uk-2023-central, uk-2023-high, us-epa-2023-1.5, us-epa-2023-2.0, us-epa-2023-2.5, "
        "none, or a table {year = price}"
    ]
    assert _problems(lambda d: d["economic"].update(carbon_price={"2020": 10, "20x": 5})) == [
        "economic.carbon_price.20x: expected a year (4 digits) as the key"
    ]
    assert _problems(lambda d: d["economic"].update(carbon_price={})) == [
        "economic.carbon_price: expected at least one {year = value} entry"
    ]


def test_path_value_type() -> None:
    assert _problems(lambda d: d.update(grid={"emission_factor": "high"})) == [
        "grid.emission_factor: expected a number or a table {year = value}, got 'high'"
    ]


def test_pattern_of_component_id() -> None:
    assert _problems(lambda d: d["components"][0].update(id="Bad Id")) == [
        "components[0].id: 'Bad Id' is not allowed here; expected lowercase letters, digits, "
        "- and _ (starting with a letter or digit)"
    ]


# ------------------------------------------------------------------ unknown and missing keys


def test_unknown_keys_are_refused_with_the_expected_ones() -> None:
    assert _problems(lambda d: d["case"].update(colour="red")) == [
        "case.colour: unknown key; expected one of: name, country, description, source, "
        "currency, unit, usd_per_currency_unit, price_year, first_year, years, "
        "first_year_discounted, residual_value"
    ]
    assert _problems(lambda d: d.update(extra={})) == [
        "extra: unknown key; expected one of: case, economic, financing, grid, carriers, "
        "electricity, cobenefits, components, fiscal, city, sensitivity, risk"
    ]


def test_user_named_tables_accept_any_key() -> None:
    # "*" rows (economic.conversion_factors.*, carriers.*) take any name.
    assert _problems(lambda d: d["economic"].update(conversion_factors={"anything": 0.9})) == []


def test_missing_required_fields_name_type_and_unit() -> None:
    assert _problems(lambda d: d["case"].pop("name")) == ["case.name: is missing; expected text"]
    assert _problems(lambda d: d["case"].pop("price_year")) == [
        "case.price_year: is missing; expected a whole number [year]"
    ]
    assert _problems(lambda d: d.pop("economic")) == ["economic: is missing; expected a table"]


def test_array_members_are_located_by_index() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["financing"] = {"sources": [{"name": "ADB", "amount": 1.0}]}

    assert _problems(edit) == [
        "financing.sources[0].nominal_cost: is missing; expected a decimal rate (0.09 for 9%) "
        "[decimal per year, nominal]"
    ]


# ------------------------------------------------------------------ every problem, not the first


def test_every_problem_is_reported_and_bad_values_are_dropped() -> None:
    data = _base()
    data["case"]["unit"] = "millions"
    data["economic"]["discount_rate"] = 9
    data["components"][0]["colour"] = "red"
    before = copy.deepcopy(data)
    normalized, problems = validate(data)
    assert [p.path for p in problems] == [
        "case.unit",
        "economic.discount_rate",
        "components[0].colour",
    ]
    assert data == before  # the input is not changed
    # Invalid values are left out of the normalized mapping (no default put in their place).
    assert "discount_rate" not in normalized["economic"]
    assert "colour" not in normalized["components"][0]
