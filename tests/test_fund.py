"""Fund allocation: exact equals brute force; an instance where greedy MAC order is not optimal."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from appraisal.fund import allocate, greedy_mac, project_table, solve_exact
from tests.conftest import CASES


def brute_force(costs, values, budget, groups=None, lo=None, hi=None):
    """The independent source: every subset, the best feasible total (None if none is)."""
    best = None
    n = len(costs)
    for bits in itertools.product([False, True], repeat=n):
        x = np.array(bits)
        if costs[x].sum() > budget + 1e-9:
            continue
        ok = True
        for g in set(lo or {}) | set(hi or {}):
            spent = costs[x & (groups == g)].sum()
            if (
                spent < (lo or {}).get(g, -np.inf) - 1e-9
                or spent > (hi or {}).get(g, np.inf) + 1e-9
            ):
                ok = False
        if ok and (best is None or values[x].sum() > best):
            best = values[x].sum()
    return best


@pytest.mark.parametrize("seed", range(25))
def test_exact_equals_brute_force_on_small_random_instances(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 10))
    costs = rng.uniform(1, 20, n).round(2)
    values = rng.uniform(-5, 100, n).round(2)  # a few negative values (ENPV objective)
    budget = float(rng.uniform(0, costs.sum()))
    groups = rng.choice(["A", "B", "C"], n)
    lo = {"A": float(rng.uniform(0, 10))} if seed % 3 == 0 else {}
    hi = {"B": float(rng.uniform(5, 30))} if seed % 2 == 0 else {}
    expected = brute_force(costs, values, budget, groups, lo, hi)
    x = solve_exact(costs, values, budget, groups=list(groups), group_min=lo, group_max=hi)
    if expected is None:
        assert x is None
        return
    assert x is not None
    assert costs[x].sum() <= budget + 1e-7
    # Tolerance: values are sums of <= 9 numbers of 2 decimals; the solver's gap is 0.
    assert values[x].sum() == pytest.approx(expected, abs=1e-6)


def _three_projects(tco2e: list[float], enpv: float, cost_per_tco2e: list[float]) -> pd.DataFrame:
    """Projects A and B in city X and C in city Y, asking 6, 5 and 5 of support."""
    return pd.DataFrame(
        {
            "id": ["A", "B", "C"],
            "name": ["A", "B", "C"],
            "city": ["X", "X", "Y"],
            "support": [6.0, 5.0, 5.0],
            "tco2e": tco2e,
            "enpv": [enpv] * 3,
            "cost_per_tco2e": cost_per_tco2e,
        }
    )


def test_an_instance_where_greedy_mac_order_and_exact_differ():
    # Hand-made: budget 10. A is cheapest per tonne (MAC order first) but takes 6 of the 10;
    # B and C (5 each) fit together and avoid more tonnes.
    projects = _three_projects(
        tco2e=[100.0, 70.0, 70.0], enpv=1.0, cost_per_tco2e=[-10.0, 5.0, 8.0]
    )
    g = greedy_mac(projects["support"], projects["cost_per_tco2e"], 10.0)
    assert g.tolist() == [True, False, False]
    a = allocate(projects, 10.0, objective="tco2e")
    assert a.status == "optimal"
    assert a.projects["exact"].tolist() == [False, True, True]
    assert (a.exact_value, a.greedy_value) == (140.0, 100.0)
    text = " ".join(a.explanation)
    assert "40.00 tCO2e less" in text and "Funded by greedy only: A" in text
    assert "Budget left unspent: exact 0.00, greedy 4.00" in text
    assert a.to_json() == allocate(projects, 10.0).to_json()


def test_city_limits_and_infeasible_minimums():
    projects = _three_projects(tco2e=[100.0, 70.0, 10.0], enpv=0.0, cost_per_tco2e=[1.0, 2.0, 3.0])
    a = allocate(projects, 11.0, city_min={"Y": 5.0})
    assert a.projects.loc[a.projects["exact"], "id"].tolist() == ["A", "C"]
    assert not a.greedy_meets_city_min  # greedy funds A and B, nothing in Y
    assert any("ignores the city minimums" in s for s in a.explanation)
    bad = allocate(projects, 4.0, city_min={"Y": 5.0})
    assert bad.status == "infeasible" and bad.exact_value is None
    with pytest.raises(ValueError, match="no project"):
        allocate(projects, 4.0, city_max={"Z": 1.0})


def test_fund_over_the_changzhutan_cluster(tmp_path, capsys):
    from openpyxl import load_workbook

    from appraisal.cli import main

    assert main(["fund", str(CASES / "changzhutan"), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "status: optimal" in out
    wb = load_workbook(tmp_path / "fund.xlsx")
    assert wb.sheetnames == ["Fund", "Fund by city"] and wb["Fund by city"]._charts


def test_project_table_support_is_a_share_of_financial_capital():
    import appraisal

    case = appraisal.load_case(CASES / "xiangtan" / "case.toml")
    t = project_table([(case, appraisal.appraise(case))], support_share=0.2)
    row = t.set_index("id").loc["xiangtan/smart-city"]
    assert row["capital"] == pytest.approx(16.0)  # published ~US$16 m ICT platform
    assert row["support"] == pytest.approx(3.2)
    by_case = project_table([(case, appraisal.appraise(case))], by="case")
    assert by_case["capital"].iloc[0] == pytest.approx(t["capital"].sum())


def test_fund_on_a_cluster_whose_cluster_toml_is_not_toml_is_one_located_error(tmp_path, capsys):
    # Same reader as `appraisal cluster` (appraisal.io.clusters.read_cluster_spec):
    # error: <file>: (toml): ..., exit 2 (was a TOMLDecodeError traceback).
    from appraisal.cli import main

    (tmp_path / "cluster.toml").write_text("[cluster\n", "utf-8")
    assert main(["fund", str(tmp_path), "--budget", "1", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [err[0]] and err[0].startswith(f"error: {tmp_path / 'cluster.toml'}: (toml): ")


def test_project_table_capital_is_the_engines_financial_capital_of_each_component():
    # Independent source: the engine's own streams, recomputed here with
    # appraisal.streams.component_streams (project_table reads ComponentResult.streams).
    import appraisal
    from appraisal.streams import component_streams

    case = appraisal.load_case(CASES / "xiangtan" / "case.toml")
    t = project_table([(case, appraisal.appraise(case))]).set_index("id")
    for comp in case.components:
        expected = float(component_streams(case, comp).capital_financial.sum())
        assert t.loc[f"xiangtan/{comp.id}", "capital"] == expected  # same numbers, exactly
