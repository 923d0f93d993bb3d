"""Tests of appraisal.finance.wacc_table and wacc against a hand-worked ADB-style table."""

from __future__ import annotations

import numpy as np
import pytest

from appraisal.finance import wacc, wacc_table

ADB_STYLE = [
    {"name": "ADB loan", "amount": 150.0, "nominal_cost": 0.025, "tax_rate": 0.25,
     "inflation": 0.02, "is_debt": True, "source": "illustrative"},
    {"name": "Counterpart equity", "amount": 100.0, "nominal_cost": 0.08, "tax_rate": 0.25,
     "inflation": 0.03, "is_debt": False},
]  # fmt: skip


def test_wacc_hand_worked_adb_style() -> None:
    # Worked by hand (ADB WACC table layout, docs/methods.md):
    # total = 150 + 100 = 250; weights 150/250 = 0.6 and 100/250 = 0.4.
    # ADB loan (debt): after-tax = 0.025 x (1 - 0.25) = 0.01875;
    #   real = 1.01875 / 1.02 - 1 = -0.00122549019608 (international inflation 2%);
    #   weighted = 0.6 x -0.00122549019608 = -0.000735294117647.
    # Equity (no tax shield): after-tax = 0.08; real = 1.08 / 1.03 - 1 = 0.0485436893204;
    #   weighted = 0.4 x 0.0485436893204 = 0.0194174757282.
    # WACC = -0.000735294117647 + 0.0194174757282 = 0.0186821816105 (1.87% real).
    table = wacc_table(ADB_STYLE)
    assert list(table.columns) == [
        "name", "amount", "weight", "nominal_cost", "tax_rate", "after_tax_nominal_cost",
        "inflation", "real_cost", "weighted_real_cost",
    ]  # fmt: skip
    np.testing.assert_allclose(table["weight"], [0.6, 0.4], rtol=1e-15)
    np.testing.assert_allclose(table["after_tax_nominal_cost"], [0.01875, 0.08], rtol=1e-15)
    np.testing.assert_allclose(table["real_cost"], [-0.00122549019608, 0.0485436893204], rtol=1e-11)
    np.testing.assert_allclose(
        table["weighted_real_cost"], [-0.000735294117647, 0.0194174757282], rtol=1e-11
    )
    assert wacc(ADB_STYLE) == pytest.approx(0.0186821816105, rel=1e-11)
    assert table["name"].tolist() == ["ADB loan", "Counterpart equity"]


def test_wacc_defaults_and_errors() -> None:
    one = wacc_table([{"name": "grant-like", "amount": 5.0, "nominal_cost": 0.0}])
    assert one["tax_rate"].iloc[0] == 0.0 and one["inflation"].iloc[0] == 0.0
    assert one["weight"].iloc[0] == 1.0
    with pytest.raises(ValueError, match="non-empty"):
        wacc_table([])
    with pytest.raises(ValueError, match="zero amount"):
        wacc_table([{"name": "a", "amount": 0.0, "nominal_cost": 0.05}])
    with pytest.raises(ValueError, match="lacks 'nominal_cost'"):
        wacc_table([{"name": "a", "amount": 1.0}])
    with pytest.raises(ValueError, match=r"tax_rate 25\.0 outside"):
        wacc_table([{"name": "a", "amount": 1.0, "nominal_cost": 0.05, "tax_rate": 25.0}])
