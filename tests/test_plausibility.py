"""Plausibility: what cannot be right is refused (exit 2, one line naming the key path);
what is only suspicious is a warning in the checks (docs/methods.md section 9).

Every expected message is the contract written in appraisal/case_plausibility.py and
appraisal/plausibility.py; negative emissions (a sink) stay allowed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import appraisal
from appraisal.case import parse_case
from appraisal.cli import main
from tests.conftest import minimal_case

_CASE = """
[case]
name = "Plausibility"
price_year = 2020
first_year = 2021
years = 5

[economic]
discount_rate = {rate}
carbon_price = "adb-2017"
carbon_price_deflator = {deflator}

[electricity]
price = {price}

[grid]
emission_factor = 0.5

[[components]]
id = "plant"
name = "Plant"
{body}
"""

_STREAMS = """[components.streams]
capital = {capital}
operating = [0, 1, 1, 1, 1]
benefits = {{ output = [0, 30, 30, 30, 30] }}
"""

_PARAMETRIC = """life_years = 4
[components.capital]
civil_works = 10.0
om_share = 0.02
[[components.energy]]
carrier = "electricity"
without_mwh = 100.0
with_mwh = 50.0
"""


def _write(
    tmp_path: Path, body: str, rate: float = 0.09, deflator: float = 1.0747, price: float = 75.0
) -> Path:
    path = tmp_path / "case.toml"
    text = _CASE.format(rate=rate, deflator=deflator, price=price, body=body)
    path.write_text(text, "utf-8")
    return path


def _error_line(capsys: pytest.CaptureFixture[str]) -> str:
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 1, captured.err
    return lines[0]


@pytest.mark.parametrize(
    ("body", "where", "what"),
    [
        (
            _STREAMS.format(capital="[50, -5]"),
            "components[0].streams.capital[1]",
            "-5 is negative; expected a cost of 0 or more",
        ),
        (
            _STREAMS.format(capital="[50]").replace("[0, 1, 1, 1, 1]", "[0, 1, -1]"),
            "components[0].streams.operating[2]",
            "-1 is negative; expected a cost of 0 or more",
        ),
        (
            _PARAMETRIC.replace("civil_works = 10.0", "civil_works = -10.0").replace(
                "om_share = 0.02\n", ""
            ),
            "components[0].capital.civil_works",
            "-10.0 is out of range; expected 0 to 1e+12",
        ),
        (
            _PARAMETRIC,
            "components[0].capital.om_share",
            "'om_share' is a component field, not a cost category",
        ),
    ],
    ids=["negative-capital", "negative-om", "negative-category", "field-as-category"],
)
def test_refusals_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], body: str, where: str, what: str
) -> None:
    path = _write(tmp_path, body)
    out = tmp_path / "out"
    assert main(["run", str(path), "--out", str(out), "--formats", "json"]) == 2
    line = _error_line(capsys)
    assert line.startswith(f"error: {path}: {where}: {what}"), line
    assert not out.exists() or not any(out.iterdir())  # nothing written


def test_negative_emissions_stay_allowed(tmp_path: Path) -> None:
    # a sink: with-project emissions below zero
    body = _STREAMS.format(capital="[50]") + (
        "[components.streams.emissions]\n"
        "without_project = [0, 10, 10, 10, 10]\nwith_project = [0, -5, -5, -5, -5]\n"
    )
    r = appraisal.appraise(appraisal.load_case(_write(tmp_path, body)))
    assert r.summary["ghg"]["reduction_tco2e_total"] == pytest.approx(60.0)


def _codes_and_messages(**changes: float) -> list[tuple[str, str]]:
    data = minimal_case()
    data["economic"] |= {k: v for k, v in changes.items() if k != "price"}
    if "price" in changes:
        data["grid"] = {"emission_factor": 0.5}
        data["electricity"] = {"price": changes["price"]}
        data["components"] = [
            {
                "id": "plant",
                "name": "Plant",
                "capital": {"civil_works": 10.0},
                "life_years": 4,
                "energy": [{"carrier": "electricity", "without_mwh": 100.0, "with_mwh": 50.0}],
            }
        ]
    r = appraisal.appraise(parse_case(data))
    return [(c.code, c.message) for c in r.checks]


def test_warning_deflator_of_one_with_another_price_year() -> None:
    # adb-2017 is in 2016 prices, the case in 2020: a deflator of 1 was left as it was
    found = _codes_and_messages(carbon_price_deflator=1.0)
    assert (
        "implausible-input",
        "economic.carbon_price_deflator is 1 but the carbon path 'adb-2017' is in 2016 prices "
        "and the case in 2020 prices: give the deflator 2020/2016",
    ) in found
    assert not any("deflator" in m for _, m in _codes_and_messages(carbon_price_deflator=1.07))


def test_warning_energy_price_below_one_per_mwh() -> None:
    found = _codes_and_messages(price=0.07)
    assert any(
        code == "implausible-input" and m.startswith("electricity.price is 0.07 USD per MWh")
        for code, m in found
    ), found
    assert not any("electricity.price" in m for _, m in _codes_and_messages(price=70.0))


@pytest.mark.parametrize(
    ("rate", "code"), [(0.02, "implausible-input"), (0.2, "real-nominal-mixed")]
)
def test_warning_discount_rate_outside_3_to_15_percent(rate: float, code: str) -> None:
    found = _codes_and_messages(discount_rate=rate)
    assert any(c == code and "discount rate" in m for c, m in found), found
    assert not any("discount rate" in m for _, m in _codes_and_messages(discount_rate=0.09))


def test_warnings_reach_the_json_checks() -> None:
    data = minimal_case(carbon_price_deflator=1.0, discount_rate=0.02)
    s = appraisal.appraise(parse_case(data)).summary
    codes = [c["code"] for c in s["checks"] if c["severity"] == "warning"]
    assert codes.count("implausible-input") == 2
