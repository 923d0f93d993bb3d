"""Compare: side by side, and two versions of a case with the effect of each change."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

import appraisal
from appraisal.case import parse_case
from appraisal.compare import Id, changed_inputs, compare_versions, format_path, side_by_side
from tests.conftest import CASES, case_data


@pytest.fixture(scope="module")
def versions():
    base_data = case_data("xiangtan")
    new_data = copy.deepcopy(base_data)
    new_data["economic"]["discount_rate"] = 0.06
    bus = next(c for c in new_data["components"] if c["id"] == "bus-priority")
    bus["capital"]["civil_works"] = 100.0
    base = parse_case(base_data, source="v1")
    new = parse_case(new_data, source="v2")
    return base, new, compare_versions(base, new)


def test_changed_inputs_are_found_by_key_path(versions):
    base, new, _ = versions
    keys = [c.key for c in changed_inputs(base.data, new.data)]
    assert keys == ["economic.discount_rate", "components[bus-priority].capital.civil_works"]
    assert format_path(("components", Id("x"), "capital")) == "components[x].capital"
    assert changed_inputs(base.data, base.data) == []


def test_each_change_alone_equals_appraising_that_version(versions):
    base, new, v = versions
    rb = appraisal.appraise(base)
    # Independent source: the base with only the discount rate changed, appraised directly.
    only_rate = copy.deepcopy(base.data)
    only_rate["economic"]["discount_rate"] = 0.06
    r = appraisal.appraise(parse_case(only_rate))
    row = v.changes.set_index("key").loc["economic.discount_rate"]
    assert row["enpv"] == pytest.approx(r.summary["economic"]["enpv"], rel=1e-12)
    assert row["d_enpv"] == pytest.approx(
        r.summary["economic"]["enpv"] - rb.summary["economic"]["enpv"], rel=1e-12
    )
    # The EIRR does not depend on the discount rate.
    assert row["d_eirr"] == pytest.approx(0.0, abs=1e-12)
    cap = v.changes.set_index("key").loc["components[bus-priority].capital.civil_works"]
    assert cap["d_enpv"] < 0 and cap["d_eirr"] < 0 and cap["d_cost_per_tco2e"] > 0
    # Totals: other - base, and interaction = difference - sum of the effects alone.
    t = v.total.loc["enpv"]
    ro = appraisal.appraise(new)
    assert t["difference"] == pytest.approx(
        ro.summary["economic"]["enpv"] - rb.summary["economic"]["enpv"], rel=1e-12
    )
    assert t["interaction"] == pytest.approx(
        t["difference"] - (row["d_enpv"] + cap["d_enpv"]), abs=1e-9
    )


def test_a_change_that_is_not_valid_alone_is_reported_not_raised():
    # Tenor 25 -> 30 and grace 5 -> 26 together are valid; grace 26 alone is not (grace < tenor).
    base_data = case_data("xiangtan")
    new_data = copy.deepcopy(base_data)
    new_data["financing"]["loan"]["tenor_years"] = 30
    new_data["financing"]["loan"]["grace_years"] = 26
    v = compare_versions(parse_case(base_data), parse_case(new_data))
    rows = v.changes.set_index("key")
    assert pd.isna(rows.loc["financing.loan.tenor_years", "error"])
    err = rows.loc["financing.loan.grace_years", "error"]
    assert err.startswith("not a valid case alone") and "grace" in err
    assert pd.isna(rows.loc["financing.loan.grace_years", "d_enpv"])
    assert pd.isna(v.total.loc["enpv", "sum_of_effects_alone"])  # cannot be summed
    assert v.summary["changes"][1]["d_enpv"] is None  # JSON: null


def test_side_by_side_and_cli(tmp_path, capsys):
    from appraisal.cli import main

    a = appraisal.appraise(appraisal.load_case(CASES / "xiangtan" / "case.toml"))
    b = appraisal.appraise(appraisal.load_case(CASES / "astana" / "case.toml"))
    sbs = side_by_side([a, b])
    assert list(sbs.columns) == ["label", "xiangtan", "astana"]
    assert sbs.loc["economic.enpv", "astana"] == b.summary["economic"]["enpv"]
    v2 = tmp_path / "v2.toml"
    text = (CASES / "xiangtan" / "case.toml").read_text("utf-8")
    v2.write_text(text.replace("discount_rate = 0.09 ", "discount_rate = 0.06 "), "utf-8")
    assert (
        main(["compare", str(CASES / "xiangtan" / "case.toml"), str(v2), "--out", str(tmp_path)])
        == 0
    )
    out = capsys.readouterr().out
    assert "economic.discount_rate" in out and "interaction" in out
    assert (tmp_path / "compare.json").exists() and (tmp_path / "compare.xlsx").exists()
