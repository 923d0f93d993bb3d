"""appraisal.result: the one result object every output is rendered from.

Sources of truth: the result's own tables (the long cash-flow format and the engine
streams must reproduce them exactly: identities), and the JSON standard (RFC 8259 has
no NaN or infinity, so they are written as null).
"""

from __future__ import annotations

import dataclasses
import json
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

import appraisal
from appraisal.case import parse_case
from appraisal.result import AppraisalResult, Check, ComponentResult, to_json
from appraisal.streams import ComponentStreams
from tests.conftest import minimal_case


def test_result_and_component_results_are_frozen(xiangtan_result: AppraisalResult) -> None:
    r = xiangtan_result
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.summary = {}  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.program.summary = {}  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Check("c", "info", "m").code = "d"  # type: ignore[misc]


def test_component_lookup(xiangtan_result: AppraisalResult) -> None:
    r = xiangtan_result
    assert r.component("program") is r.program
    first = r.components[0]
    assert isinstance(first, ComponentResult)
    assert r.component(first.id) is first
    assert [c.id for c in r.components] == [c.id for c in r.case.components]
    with pytest.raises(KeyError):
        r.component("no-such-component")


def test_cashflows_long_format_reproduces_the_tables(xiangtan_result: AppraisalResult) -> None:
    r = xiangtan_result
    long = r.cashflows
    assert list(long.columns) == ["component", "year", "item", "value"]
    assert long["component"].unique().tolist() == [c.id for c in r.components] + ["program"]
    program = long[long["component"] == "program"]
    # One row per year and column of the program's economic table ...
    assert len(program) == r.program.economic.size
    # ... whose sums by item are the table's column sums (an identity: same numbers).
    sums = program.groupby("item", sort=False)["value"].sum()
    pd.testing.assert_series_equal(
        sums, r.program.economic.sum(), check_names=False, check_index_type=False
    )
    # and which pivots back to the table itself.
    wide = program.pivot(index="year", columns="item", values="value")
    wide = wide[list(r.program.economic.columns)]
    np.testing.assert_array_equal(wide.to_numpy(), r.program.economic.to_numpy())
    assert wide.index.tolist() == r.case.meta.calendar_years


def test_ghg_by_component(xiangtan_result: AppraisalResult) -> None:
    r = xiangtan_result
    g = r.ghg
    assert g.columns.get_level_values(0).unique().tolist() == [c.id for c in r.components] + [
        "program"
    ]
    np.testing.assert_array_equal(g["program"]["reduction"], r.program.ghg["reduction"])


def test_streams_present_and_equal_to_the_economic_table(
    xiangtan_result: AppraisalResult,
) -> None:
    r = xiangtan_result
    for c in (*r.components, r.program):
        s = c.streams
        assert isinstance(s, ComponentStreams), c.id
        # The economic table's capital and operating columns are these streams.
        # (the economic table's capital is net of the residual value, docs/methods.md section 2)
        residual = s.residual_value if s.residual_value is not None else 0.0
        np.testing.assert_array_equal(s.capital - residual, c.economic["capital"].to_numpy())
        np.testing.assert_array_equal(s.operating, c.economic["operating"].to_numpy())
        for name in c.benefit_names:
            np.testing.assert_array_equal(s.benefits[name], c.economic[f"benefit:{name}"])
    # The program's streams are the sum of the components' (an identity).
    total = sum(c.streams.capital for c in r.components if c.streams is not None)
    np.testing.assert_allclose(r.program.streams.capital, total, rtol=1e-12)  # type: ignore[union-attr]


def test_parametric_components_carry_their_build_schedule(
    xiangtan_result: AppraisalResult,
) -> None:
    # Every Xiangtan component is parametric; the minimal case's is explicit streams.
    explicit = appraisal.appraise(parse_case(minimal_case()))
    for r in (xiangtan_result, explicit):
        for comp, c in zip(r.case.components, r.components, strict=True):
            s = c.streams
            assert s is not None
            if comp.form == "parametric":
                assert s.build_share is not None and s.operating_years is not None
                assert s.build_share.sum() == pytest.approx(1.0)  # shares sum to 1
            else:
                assert s.build_share is None and s.operating_years is None
    assert explicit.case.components[0].form == "streams"


def test_to_json_is_deterministic(xiangtan_result: AppraisalResult) -> None:
    r = xiangtan_result
    text = r.to_json()
    assert text == r.to_json()
    assert text.endswith("}\n")
    assert json.loads(text)["schema_version"] == 1


def test_to_json_writes_nan_and_infinities_as_null() -> None:
    summary: dict[str, Any] = {
        "b": math.nan,
        "a": [1.5, math.inf, (-math.inf, 2)],
        "numpy": np.float64("nan"),
        "int": np.int64(3),
        "nested": {"x": np.float64(0.25), "name": "Zhuzhou—株洲"},
    }
    text = to_json(summary)
    assert json.loads(text) == {
        "b": None,
        "a": [1.5, None, [None, 2]],
        "numpy": None,
        "int": 3,
        "nested": {"x": 0.25, "name": "Zhuzhou—株洲"},
    }
    assert "NaN" not in text and "Infinity" not in text
    assert list(json.loads(text)) == ["b", "a", "numpy", "int", "nested"]  # order kept
    assert "株洲" in text  # not escaped
    assert summary["b"] != summary["b"]  # the input is not changed (still NaN)


def test_check_as_dict() -> None:
    assert Check("source-missing", "warning", "m").as_dict() == {
        "code": "source-missing",
        "severity": "warning",
        "message": "m",
    }
