"""Peak on time at least cost: exact equals brute force; a case the MAC order misses; the curve.

Independent sources: brute force over every subset of projects (the
trajectories computed here, baseline minus the chosen reductions, year by
year; not through the module's constraint rows), hand-worked instances, and the
Chang-Zhu-Tan baseline tables (cases/changzhutan/*.toml) interpolated by hand.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from appraisal.cli import main
from appraisal.peak import greedy_peak, peak_curve, solve_peak
from tests.conftest import CASES

CLUSTER = CASES / "changzhutan"
TOL = 1e-6  # the data below are whole numbers: a constraint is met or missed by >= 1 t


def brute_force(red, base, members, years, target, costs, levels, support=None, budget=None):
    """Every subset: (least cost of a feasible one or None, least largest excess over all).

    Unit u's emissions E_u,t = B_u,t - sum_i member_u,i r_i,t x_i; feasible when
    E_u,t <= E_u,T for every t > T (or E_u,t <= L_u for every t >= T), support within budget.
    """
    n = red.shape[0]
    k = years.index(target)
    best, least_gap = None, np.inf
    for bits in itertools.product([False, True], repeat=n):
        x = np.array(bits, dtype=bool)
        if budget is not None and support[x].sum() > budget + TOL:
            continue
        excess = []
        for u in range(base.shape[0]):
            e = base[u] - red[x & members[u]].sum(axis=0)
            bar = e[k] if levels[u] is None else levels[u]
            first = k + 1 if levels[u] is None else k
            excess += [e[j] - bar for j in range(first, len(years))]
        worst = max(excess, default=0.0)
        least_gap = min(least_gap, worst)
        if worst <= TOL and (best is None or costs[x].sum() < best):
            best = float(costs[x].sum())
    return best, float(least_gap)


def random_instance(seed):
    """2 or 3 cities (or their total), up to 12 projects, 6 years, whole numbers; some
    stated levels, some budgets."""
    rng = np.random.default_rng(seed)
    n_units = int(rng.integers(2, 4))
    n = int(rng.integers(4, 13))
    years = list(range(2025, 2031))
    city = rng.integers(0, n_units, n)
    members = np.vstack([city == u for u in range(n_units)])
    # Baselines rising to a random year, then flat or falling; reductions that ramp up, fall
    # or stay flat.
    top = rng.integers(0, len(years), (n_units, 1))
    steps = rng.integers(0, 5, (n_units, len(years)))
    base = 100 + np.cumsum(np.where(np.arange(len(years)) <= top, steps, -steps), axis=1) * 1.0
    red = np.zeros((n, len(years)))
    for i in range(n):
        start = int(rng.integers(0, len(years)))
        red[i, start:] = rng.integers(0, 6) + rng.integers(-1, 3) * np.arange(len(years) - start)
    red = np.clip(red, 0, None)
    costs = rng.integers(-3, 20, n).astype(float)  # a few negative (economic cost)
    support = rng.integers(1, 15, n).astype(float)
    levels = [
        float(base[u].max() - rng.integers(0, 8)) if rng.random() < 0.3 else None
        for u in range(n_units)
    ]
    budget = float(rng.integers(5, 40)) if seed % 3 == 0 else None
    target = int(rng.integers(2025, 2030))
    if seed % 4 == 1:  # scope cluster: one unit, the cities' total, every project counts
        base, members, levels = base.sum(axis=0, keepdims=True), np.ones((1, n), bool), [None]
    return red, base, members, years, target, costs, levels, support, budget


SEEDS = range(30)


@pytest.mark.parametrize("seed", SEEDS)
def test_exact_choice_equals_brute_force(seed):
    red, base, members, years, target, costs, levels, support, budget = random_instance(seed)
    best, least_gap = brute_force(red, base, members, years, target, costs, levels, support, budget)
    ch = solve_peak(
        red, base, members, years, target, costs, levels=levels, support=support, budget=budget
    )
    assert ch.feasible == (best is not None)
    if budget is not None:
        assert support[ch.chosen].sum() <= budget + TOL
    if best is None:
        # The gap no choice closes: the least largest excess over every subset.
        assert ch.gap_tco2e == pytest.approx(least_gap, abs=TOL)
        return
    # Costs are sums of <= 12 whole numbers; the solver's gap is 0.
    assert ch.cost == pytest.approx(best, abs=TOL)
    one, _ = brute_force(  # the chosen subset alone is feasible
        red[ch.chosen], base, members[:, ch.chosen], years, target, costs[ch.chosen], levels
    )
    assert one is not None


def test_the_random_instances_hold_feasible_and_infeasible_ones():
    feasible = []
    for seed in SEEDS:
        red, base, members, years, target, costs, levels, support, budget = random_instance(seed)
        ch = solve_peak(
            red, base, members, years, target, costs, levels=levels, support=support, budget=budget
        )
        feasible.append(ch.feasible)
    assert 5 <= sum(feasible) <= len(feasible) - 5


def test_mac_order_misses_the_target_where_the_exact_choice_meets_it():
    # Hand-made: one city, 2020-2023, baseline 100, 110, 115, 112; target 2021 (level 110).
    # A cuts 10/yr in 2020-2021 (20 t for 2 of support: cheap per tonne); B cuts 6/yr in
    # 2022-2023 (12 t for 5: dearer per tonne).
    years = [2020, 2021, 2022, 2023]
    base = np.array([[100.0, 110.0, 115.0, 112.0]])
    red = np.array([[10.0, 10.0, 0.0, 0.0], [0.0, 0.0, 6.0, 6.0]])
    members = np.array([[True, True]])
    costs = np.array([2.0, 5.0])
    mac = np.array([0.5, 5.0])
    # By hand: B alone gives 100, 110, 109, 106: 2022 and 2023 stay under 110 (meets).
    exact = solve_peak(red, base, members, years, 2021, costs)
    assert exact.feasible and exact.chosen.tolist() == [False, True] and exact.cost == 5.0
    # MAC order takes A first: 90, 100, 115, 112 (misses); then B: 90, 100, 109, 106, and
    # 2022 is 109 - 100 = 9 over the 2021 level: A lowered the bar more than B lowers 2022.
    greedy = greedy_peak(red, base, members, years, 2021, costs, mac)
    assert not greedy.feasible and greedy.chosen.tolist() == [True, True]
    assert (greedy.gap_tco2e, greedy.gap_year, greedy.cost) == (9.0, 2022, 7.0)


def test_infeasible_gives_the_year_and_the_gap_no_choice_closes():
    # Hand-made: baseline 10, 11, 12 (2020-2022), target 2020. The only project cuts 1 in 2022
    # for 3: with it, 2021 and 2022 are both 1 over 2020's level (the earliest is reported);
    # without, 2022 is 2 over. The least excess is 1, in 2021.
    ch = solve_peak(
        [[0.0, 0.0, 1.0]], [[10.0, 11.0, 12.0]], [[True]], [2020, 2021, 2022], 2020, [3]
    )
    assert not ch.feasible and ch.chosen.tolist() == [True]
    assert (ch.gap_tco2e, ch.gap_year, ch.gap_unit) == (1.0, 2021, 0)
    # With a budget of 2 the project cannot be paid for: the gap is 2, in 2022.
    capped = solve_peak(
        [[0.0, 0.0, 1.0]], [[10.0, 11.0, 12.0]], [[True]], [2020, 2021, 2022], 2020, [3], budget=2
    )
    assert (capped.gap_tco2e, capped.gap_year) == (2.0, 2022)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_with_a_stated_level_the_cost_never_falls_toward_earlier_years(seed):
    # An earlier target adds the constraints of the years it adds and removes none.
    red, base, members, years, _, costs, _, support, budget = random_instance(seed)
    levels = [float(b.max() - d) for b, d in zip(base, np.arange(len(base)) % 4, strict=True)]
    curve = peak_curve(
        red, base, members, years, years, costs, levels=levels, support=support, budget=budget
    )
    later = curve[-1]
    for c in reversed(curve[:-1]):
        if not later["feasible"]:
            assert not c["feasible"]
        elif c["feasible"]:
            assert c["cost"] >= later["cost"] - TOL
        later = c


# ---------------------------------------------------------------- the CLI on Chang-Zhu-Tan
def test_changzhutan_every_city_by_2028_is_infeasible_zhuzhou_2030(tmp_path, capsys):
    assert main(["peak", str(CLUSTER), "--out", str(tmp_path)]) == 0
    doc = json.loads((tmp_path / "peak.json").read_text("utf-8"))["peak"]
    assert doc["target_year"] == 2028 and doc["scope"] == "city"  # cluster.toml, the default
    assert doc["feasible"] is False and doc["cost"] is None and doc["chosen"] == []
    # Zhuzhou's baseline (zhuzhou.toml): 2028 = 29.8e6 + 3/5 x 0.8e6 = 30.28e6; 2030 = 30.6e6.
    # Its projects cut less in 2030 than in 2028 (waste heat's baseline falls, coal-to-gas is
    # flat), so no choice narrows the 320,000 t gap.
    assert doc["gap"]["year"] == 2030 and doc["gap"]["where"] == "Zhuzhou"
    assert doc["gap"]["tco2e"] == pytest.approx(320_000.0, abs=1.0)
    assert [c["target_year"] for c in doc["curve"]] == list(range(2025, 2032))
    assert all(set(c) == {"target_year", "feasible", "cost"} for c in doc["curve"])
    # Zhuzhou's baseline peaks in 2030 and falls after it: 2030 and later are free.
    assert [c["feasible"] for c in doc["curve"]] == [False] * 5 + [True] * 2
    assert [c["cost"] for c in doc["curve"]][5:] == [0.0, 0.0]
    assert [c["city"] for c in doc["cities"]] == ["Changsha", "Zhuzhou", "Xiangtan"]
    assert doc["greedy_mac_order"]["feasible"] is False
    out = capsys.readouterr().out
    assert "No choice of projects brings every city to peak by 2028: in 2030 Zhuzhou" in out
    wb = load_workbook(tmp_path / "peak.xlsx")
    assert wb.sheetnames == ["Peak", "Peak projects", "Peak trajectory"]
    assert len(wb["Peak"]._charts) == 1 and wb["Peak"]["A5"].value == 2028


def test_changzhutan_cluster_by_2028_needs_no_project_and_reruns_are_identical(tmp_path):
    args = ["peak", str(CLUSTER), "--scope", "cluster", "--formats", "json,xlsx"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--out", str(tmp_path / "b")]) == 0
    for name in ("peak.json", "peak.xlsx"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    doc = json.loads((tmp_path / "a" / "peak.json").read_text("utf-8"))["peak"]
    # By hand from the three baseline tables: the total is 117.947e6 in 2028, 117.873e6 in
    # 2029, 117.800e6 in 2030 and falls after: it peaks in 2028 without any project.
    assert doc["feasible"] is True and doc["cost"] == 0.0 and doc["chosen"] == []
    assert doc["total"]["peak_year"] == 2028
    assert doc["total"]["peak_level"] == pytest.approx(50.0e6 - 0.4e6 / 3 + 37.8e6 + 30.28e6)


@pytest.mark.parametrize(
    "option",
    [
        ["--scope", "town"],
        ["--objective", "cheapest"],
        ["--budget", "-1"],
        ["--target-year", "2100"],
        ["--target-year", "soon"],
        ["--formats", "pdf"],
    ],
)
def test_bad_options_give_one_line_and_exit_2(tmp_path, capsys, option):
    assert main(["peak", str(CLUSTER), "--out", str(tmp_path / "out"), *option]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")
    assert not (tmp_path / "out").exists()
