"""City clusters: peak year and level on hand-made trajectories, combining cities."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest

import appraisal
from appraisal.case import CaseError
from appraisal.cluster import appraise_cluster, assess_peak, city_trajectory, peak
from appraisal.io.clusters import appraise_cluster_folder, load_cluster, parse_cluster_spec
from tests.conftest import CASES

CLUSTER = CASES / "changzhutan"


def test_peak_on_a_hand_made_trajectory():
    # Hand-made: rises to 110 in 2027, then falls. Peak 2027 at 110.
    t = pd.Series([100.0, 105.0, 108.0, 110.0, 109.0, 104.0], index=range(2024, 2030))
    assert peak(t) == (2027, 110.0)
    a = assess_peak(t, target_year=2028, target_level=112.0)
    assert (a.peak_year, a.peak_level) == (2027, 110.0)
    assert a.peaked_within_horizon and a.meets_year and a.meets_level
    assert a.years_margin == 1 and a.level_margin == pytest.approx(2.0)
    late = assess_peak(t, target_year=2026, target_level=109.0)
    assert late.meets_year is False and late.years_margin == -1
    assert late.meets_level is False and late.level_margin == pytest.approx(-1.0)


def test_a_plateau_peaks_in_its_first_year_and_a_rising_path_has_not_peaked():
    plateau = pd.Series([1.0, 3.0, 3.0, 2.0], index=[2030, 2031, 2032, 2033])
    assert peak(plateau) == (2031, 3.0)
    rising = pd.Series([1.0, 2.0, 3.0], index=[2030, 2031, 2032])
    a = assess_peak(rising, target_year=2035)
    assert a.peak_year == 2032 and not a.peaked_within_horizon
    assert a.meets_year is False  # not seen to fall: cannot claim the target is met


def test_trajectory_is_baseline_minus_reductions_and_reductions_move_the_peak():
    # Hand-made: baseline 100 -> 120 (2020 -> 2030) -> 100 (2040), linear between.
    base = {2020: 100.0, 2030: 120.0, 2040: 100.0}
    red = pd.Series(0.0, index=range(2020, 2041))
    red.loc[2026:2040] = 6.0  # a program that cuts 6/yr from 2026
    t = city_trajectory(base, red)
    assert list(t.index) == list(range(2020, 2041))
    assert t.loc[2025, "baseline"] == pytest.approx(110.0)
    np.testing.assert_allclose(t["with_program"], t["baseline"] - t["reduction"])
    # Without the program the peak is 2030 at 120; with it, 2025 (110) vs 2030 (114): still 2030.
    assert peak(t["baseline"]) == (2030, 120.0)
    assert peak(t["with_program"]) == (2030, 114.0)
    # A bigger cut from 2026 (12/yr) makes 2025 the peak: 110 > 2030's 108.
    t2 = city_trajectory(base, red * 2)
    assert peak(t2["with_program"]) == (2025, pytest.approx(110.0))


def test_changzhutan_cluster_combines_the_cities():
    cr = appraise_cluster_folder(CLUSTER)
    assert [c.name for c in cr.cities] == ["Changsha", "Zhuzhou", "Xiangtan"]
    # Total trajectory = sum of the cities' (same years here).
    t = cr.trajectory
    for part in ("baseline", "reduction", "with_program"):
        total = sum(t[f"{c.name}:{part}"] for c in cr.cities)
        np.testing.assert_allclose(t[f"total:{part}"], total, rtol=1e-12)
    # Every city starts in 2021: the combined ENPV is the sum of the cities' (ENPV is linear).
    enpv = sum(c.result.summary["economic"]["enpv"] for c in cr.cities)
    assert cr.economic["enpv"] == pytest.approx(enpv, rel=1e-12)
    tonnes = sum(c.result.summary["ghg"]["reduction_tco2e_total"] for c in cr.cities)
    assert cr.economic["reduction_tco2e_total"] == pytest.approx(tonnes, rel=1e-12)
    # Identity: the combined EIRR discounts the combined net stream to 0.
    net = sum(c.result.program.economic["net_with_carbon"].to_numpy() for c in cr.cities)
    assert appraisal.npv(cr.economic["eirr"], net) == pytest.approx(0.0, abs=1e-6)
    # One MAC curve across every component with a reduction, sorted by cost.
    n = sum(
        1
        for c in cr.cities
        for comp in c.result.components
        if comp.summary["abatement"]["cost_per_tco2e"] is not None
    )
    assert len(cr.mac) == n
    assert cr.mac["cost_per_tco2e"].is_monotonic_increasing
    # Xiangtan's published commitment (2028) is its own target; the others take the cluster's.
    xt = next(c for c in cr.cities if c.name == "Xiangtan")
    assert xt.peak.target_year == 2028
    assert cr.summary["peak"]["target_year"] == 2028
    assert cr.to_json() == appraise_cluster_folder(CLUSTER).to_json()  # deterministic


def test_cluster_xiangtan_is_the_reference_case_plus_a_city_section():
    ref = tomllib.loads((CASES / "xiangtan" / "case.toml").read_text("utf-8"))
    city = tomllib.loads((CLUSTER / "xiangtan.toml").read_text("utf-8"))
    assert city.pop("city")["name"] == "Xiangtan"
    # The inputs of the appraisal itself must agree ([sensitivity] and [risk] may differ).
    for key in ("case", "economic", "financing", "grid", "electricity", "carriers", "components"):
        assert city.get(key) == ref.get(key), (
            f"{key}: cases/changzhutan/xiangtan.toml must repeat cases/xiangtan/case.toml"
        )


def test_cities_must_share_money_and_discount_rate():
    spec, cases = load_cluster(CLUSTER)
    data = {**cases[0].data, "economic": {**cases[0].data["economic"], "discount_rate": 0.06}}
    other = appraisal.case.parse_case(data, source="changsha-6pc")
    results = [appraisal.appraise(other), *(appraisal.appraise(c) for c in cases[1:])]
    with pytest.raises(CaseError) as exc:
        appraise_cluster(spec, results)
    assert exc.value.problems[0].path == "discount_rate"


def test_cluster_file_problems_are_located():
    with pytest.raises(CaseError) as exc:
        parse_cluster_spec({"cluster": {"name": "x", "peak_target_year": "2028"}, "fnd": {}})
    paths = {p.path for p in exc.value.problems}
    assert paths == {"fnd", "cluster.peak_target_year"}
    with pytest.raises(CaseError):
        parse_cluster_spec({"cluster": {"name": "x"}, "fund": {"objective": "jobs"}})


def test_cli_cluster_writes_json_and_workbook(tmp_path, capsys):
    from openpyxl import load_workbook

    from appraisal.cli import main

    assert main(["cluster", str(CLUSTER), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "CLUSTER" in out and "Zhuzhou" in out
    wb = load_workbook(tmp_path / "cluster.xlsx")
    assert wb.sheetnames == ["Cities", "Trajectory", "MAC"]
    assert wb["Trajectory"]._charts and wb["MAC"]._charts
    assert (tmp_path / "cluster.json").read_bytes().startswith(b"{")
