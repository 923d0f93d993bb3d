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
    # The terminal report shows both rows (it failed on the valid row's NaN error before).
    from appraisal.io.text.compare import compare_text

    text = compare_text(v.side_by_side, v)
    assert "financing.loan.tenor_years" in text and "not a valid case alone" in text


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


def test_metrics_and_labels_come_from_the_result_schema():
    # The hand-made list of appraisal/compare.py at b1b2cfc, now the schema's "compare" view.
    from appraisal.compare import EFFECTS, METRICS

    assert METRICS == (
        ("economic.enpv", "ENPV", "money"),
        ("economic.eirr", "EIRR", "rate"),
        ("economic.bcr", "BCR", "ratio"),
        ("economic.enpv_without_carbon", "ENPV without carbon", "money"),
        ("economic.eirr_without_carbon", "EIRR without carbon", "rate"),
        ("financial.wacc", "WACC (real)", "rate"),
        ("financial.fnpv", "FNPV", "money"),
        ("financial.firr", "FIRR", "rate"),
        ("ghg.reduction_tco2e_total", "tCO2e avoided", "tonnes"),
        ("abatement.cost_per_tco2e", "cost per tCO2e", "per_tonne"),
        ("cobenefits.jobs_construction_job_years", "construction job-years", "count"),
    )
    assert EFFECTS == (
        ("eirr", "economic.eirr"),
        ("enpv", "economic.enpv"),
        ("cost_per_tco2e", "abatement.cost_per_tco2e"),
    )


def test_compare_text_lines(versions):
    from appraisal.io.text.compare import compare_text

    _, _, v = versions
    text = compare_text(v.side_by_side, v, currency="CNY")
    lines = text.splitlines()
    # Independent source: the summaries of both versions, rounded by the f-strings the
    # report used at b1b2cfc.
    e0, e1 = v.base.summary["economic"], v.other.summary["economic"]
    assert lines[0].split() == ["figure", *v.side_by_side.columns[1:]]
    enpv_row = next(line for line in lines if line.startswith("ENPV "))
    assert enpv_row.split()[-2:] == [f"{e0['enpv']:,.2f}", f"{e1['enpv']:,.2f}"]
    assert "d CNY/tCO2e" in text
    d = e1["eirr"] - e0["eirr"]
    assert f"EIRR: {e0['eirr'] * 100:.2f}% -> {e1['eirr'] * 100:.2f}% ({d * 100:+.2f} pt); " in text
