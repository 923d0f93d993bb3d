"""The result schema: it describes every key the engine writes, and drives the docs and labels.

Independent evidence: the JSON files `appraisal run` and `appraisal risk` write
for every case in cases/ (read back with the standard library's json), the
committed docs/json-summary.md, and the labels and formats the terminal, the PDF
and `appraisal compare` printed before the schema existed (commit b1b2cfc).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from appraisal import formatting as fmt
from appraisal import result_schema as rs
from appraisal.cli import main
from appraisal.io import docs
from tests.conftest import CASES, ROOT

CASE_PATHS = [
    *sorted(CASES.glob("*/case.toml")),
    *sorted(p for p in (CASES / "changzhutan").glob("*.toml") if p.name != "cluster.toml"),
]

# Python types a JSON value of each kind may have (after json.load)
_NUMBER = (int, float)
TYPES: dict[str, tuple[type, ...]] = {
    **dict.fromkeys(
        ("money", "rate", "ratio", "share", "tonnes", "count", "per_tonne", "number"), _NUMBER
    ),
    "year": (int,),
    "integer": (int,),
    "text": (str,),
    "flag": (bool,),
    "list": (list,),
    "table": (dict,),
}


@pytest.fixture(scope="module")
def summaries(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict[str, Any]]]:
    """The JSON files written by the CLI: every case, and a risk run of Xiangtan."""
    out = tmp_path_factory.mktemp("json")
    for i, path in enumerate(CASE_PATHS):
        assert main(["run", str(path), "--out", str(out / f"run{i}"), "--formats", "json"]) == 0
    risk_args = ["risk", str(CASES / "xiangtan"), "--draws", "500", "--seed", "7"]
    assert main([*risk_args, "--out", str(out / "risk"), "--formats", "json"]) == 0
    files = sorted(out.glob("*/*.json"))
    assert len(files) == len(CASE_PATHS) + 1
    return [(str(f.relative_to(out)), json.loads(f.read_text("utf-8"))) for f in files]


def _schema_key(path: str) -> str:
    """``components[].economic.enpv`` -> ``economic.enpv`` (the per-component blocks)."""
    if path.startswith("components[].") and path not in ("components[].id", "components[].name"):
        return path.removeprefix("components[].")
    return path


def _walk(value: Any, path: str) -> Iterator[tuple[str, Any, Any]]:
    """(JSON key path, value, enclosing mapping) of every key, depth first."""
    if isinstance(value, dict):
        for k, v in value.items():
            sub = f"{path}.{k}" if path else k
            yield sub, v, value
            yield from _walk(v, sub)
    elif isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
        for item in value:
            yield from _walk(item, path + "[]")


def _expected_children(path: str) -> list[rs.OutputField]:
    """Fields that must be in the mapping at JSON path ``path`` ("" = the top level)."""
    if path == "components[]":
        kids = [*rs.children("components[]"), *(f for f in rs.children("") if f.per_component)]
    elif path.startswith("components[]."):
        kids = [f for f in rs.children(path.removeprefix("components[].")) if f.per_component]
    else:
        kids = list(rs.children(path))
    # a `*` entry describes keys that are data (years): none of them is required
    return [f for f in kids if not f.optional and f.name != "*"]


def _containers(value: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(value, dict):
        yield path, value
        for k, v in value.items():
            yield from _containers(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                yield from _containers(item, path + "[]")


def test_every_key_written_is_described_with_its_kind(summaries):
    for name, summary in summaries:
        for path, value, _ in _walk(summary, ""):
            key = _schema_key(path)
            f = rs.output_field(key)  # KeyError: a key the schema does not describe
            if path.startswith("components[].") and key != path:
                assert f.per_component, f"{name}: {path}: not marked per_component"
            if value is None:
                assert f.nullable, f"{name}: {path} is null but not nullable"
                continue
            assert isinstance(value, TYPES[f.kind]), f"{name}: {path}: {value!r} is not {f.kind}"
            if f.kind not in ("flag", "integer", "year"):
                assert not isinstance(value, bool), f"{name}: {path}: a bool, not {f.kind}"


def test_every_required_key_is_written(summaries):
    seen: set[str] = set()
    for name, summary in summaries:
        for path, mapping in _containers(summary, ""):
            for f in _expected_children(path):
                assert f.name in mapping, f"{name}: {path or 'top level'} lacks {f.key}"
        seen |= {rs.output_field(_schema_key(p)).key for p, _, _ in _walk(summary, "")}
    never = [f.key for f in rs.output_fields() if not f.optional and f.key not in seen]
    # the risk block is optional as a whole; its keys were seen in the risk run
    assert never == [], never


def test_dscr_is_per_entity_not_for_the_program(summaries):
    # issue 11: the sovereign loan is not judged by a DSCR; each revenue-earning entity is
    for _, summary in summaries:
        assert summary["financial"]["dscr_min"] is None
        assert summary["financial"]["dscr_min_reason"]
    assert rs.output_field("financial.dscr_min").per_component


def test_schema_version_is_the_one_constant(summaries):
    assert {s["schema_version"] for _, s in summaries} == {rs.SCHEMA_VERSION}


def test_committed_doc_is_current():
    text = (ROOT / "docs" / "json-summary.md").read_text("utf-8")
    assert text == docs.json_summary_markdown(), (
        "run `python -m appraisal.io.docs json-summary > docs/json-summary.md`"
    )


def test_docs_command_prints_each_doc(capsys):
    assert docs.main([]) == 0
    assert capsys.readouterr().out == (ROOT / "docs" / "case-format.md").read_text("utf-8")
    assert docs.main(["json-summary"]) == 0
    assert capsys.readouterr().out == (ROOT / "docs" / "json-summary.md").read_text("utf-8")
    assert docs.main(["nonsense"]) == 2
    assert "usage" in capsys.readouterr().err


def test_every_field_has_a_label_and_description_and_known_format():
    for f in rs.output_fields():
        assert f.label and f.description.endswith("."), f.key
        if f.kind in ("money", "rate", "ratio", "share", "tonnes", "count", "per_tonne"):
            assert f.format, f"{f.key}: a number without a format"
            assert rs.excel_format(f.key), f.key
    with pytest.raises(KeyError, match="no key"):
        rs.output_field("economic.nonsense")
    with pytest.raises(KeyError, match="no view"):
        rs.view("nonsense")


def test_key_results_table_is_as_printed_before_the_schema():
    # Headers and rounding of the terminal's and the PDF's key-results table at b1b2cfc.
    assert fmt.summary_headers("CNY") == [
        "component",
        "ENPV",
        "EIRR",
        "BCR",
        "ENPV w/o C",
        "EIRR w/o C",
        "FIRR",
        "tCO2e avoided",
        "CNY/tCO2e",
        "jobs (constr.)",
    ]
    block = {
        "economic": {
            "enpv": 1234.5678,
            "eirr": 0.123456,
            "bcr": 1.005,
            "enpv_without_carbon": -12.345,
            "eirr_without_carbon": None,
        },
        "financial": {"firr": 0.07},
        "ghg": {"reduction_tco2e_total": 1234567.5},
        "abatement": {"cost_per_tco2e": -12.345},
        "cobenefits": {"jobs_construction_job_years": 999.5},
    }
    e = block["economic"]
    assert fmt.summary_row("PROGRAM", block) == [
        "PROGRAM",
        f"{e['enpv']:,.2f}",
        f"{e['eirr'] * 100:.2f}%",
        f"{e['bcr']:.2f}",
        f"{e['enpv_without_carbon']:,.2f}",
        "n/a",
        f"{0.07 * 100:.2f}%",
        f"{1234567.5:,.0f}",
        f"{-12.345:,.2f}",
        f"{999.5:,.0f}",
    ]


def test_excel_formats_are_as_before_the_schema():
    assert fmt.EXCEL_FORMATS == {
        "money": "#,##0.00",
        "rate": "0.00%",
        "ratio": "0.00",
        "tonnes": "#,##0",
        "count": "#,##0",
        "per_tonne": "#,##0.00",
    }
    assert rs.excel_format("cobenefits.pollutants_avoided_t.pm25") == "#,##0.00"
    assert rs.excel_format("risk.enpv_p50") == "#,##0.00;-#,##0.00"


@pytest.mark.parametrize(
    ("function", "value"),
    [
        (fmt.money, -1234.565),
        (fmt.rate, 0.0049999),
        (fmt.ratio, 2.675),
        (fmt.tonnes, 2.5),
        (fmt.count, 1e9 + 0.5),
        (fmt.per_tonne, -0.005),
    ],
)
def test_text_rounding_is_as_before_the_schema(function, value):
    # The f-strings of appraisal/formatting.py at b1b2cfc.
    before = {
        "money": f"{value:,.2f}",
        "rate": f"{value * 100:.2f}%",
        "ratio": f"{value:.2f}",
        "tonnes": f"{value:,.0f}",
        "count": f"{value:,.0f}",
        "per_tonne": f"{value:,.2f}",
    }[function.__name__]
    assert function(value) == before
    assert function(None) == "n/a"


def test_workbook_names_cover_the_scalar_keys():
    # The workbook names every scalar key (docs/workbook.md); each has a workbook label
    # except the *_reason/_roots texts, the lists, the keys that are data (years) and the
    # risk sheet (it prints the key).
    for f in rs.output_fields():
        unnamed = f.kind in ("table", "list") or f.optional or "[]" in f.key or f.name == "*"
        if not unnamed and f.section != "risk":
            assert f.workbook_label, f.key
