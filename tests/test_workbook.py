"""The appraisal workbook, recalculated by an independent spreadsheet engine.

Every expected number here comes from LibreOffice Calc (headless): it
recalculates the emitted workbooks from their input cells, and each defined
name must then equal the engine's JSON value. The tolerance, 1e-9 relative
(with 1e-12 absolute for figures that are zero), covers the different order in
which the two engines add and discount, and LibreOffice's 15 significant digits
in the saved file; a wrong formula misses it by far more.

A JSON ``null`` (an IRR with no root or several, no WACC, ...) must be the
text ``n/a`` after recalculation (never the error ``#N/A``, which would print);
an empty JSON text is an empty cell.

All workbooks go through ONE ``soffice`` run (a session fixture) to keep the
suite fast. Without LibreOffice the tests are skipped, except when the CI
environment variable is set: then they fail.
"""

from __future__ import annotations

import functools
import io
import math
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import appraisal
from appraisal.case import parse_case
from appraisal.cli import main
from appraisal.io.workbook import add_cached_values, render_workbook
from appraisal.result import AppraisalResult
from tests.conftest import CASE_FILES, CASES, case_data, minimal_case, write_workbooks

REL, ABS = 1e-9, 1e-12
BLOCKS = ("economic", "financial", "ghg", "abatement", "cobenefits")


def _variant_two_irrs() -> dict[str, Any]:
    """A case exercising what the shipped cases do not: financial-basis streams with
    cost shares under the world-price numeraire, revenue, a level loan with capitalised
    interest, pollutants in the EIRR, the World Bank carbon path, and a component
    whose net flows (-100, 230, -132) have two IRRs (10% and 20%): its EIRR is null."""
    data = minimal_case()
    data["economic"] |= {
        "carbon_price": "wb-2017-low",
        "pollutants_in_eirr": True,
        "numeraire": "world",
        "serf": 1.08,
        "swrf": 0.7,
        "cost_shares": {
            "civil_works": {"traded": 0.3, "non_traded": 0.4, "unskilled_labour": 0.2, "taxes": 0.1}
        },
        "conversion_factors": {"operating": 0.85},
    }
    comp = data["components"][0]
    comp["streams"] |= {
        "basis": "financial",
        "capital_category": "civil_works",
        "pollutants_avoided": {"pm25": [0, 0, 1.5, 1.5], "nox": [0, 0, 10.0, 10.0]},
    }
    comp["financial"] = {"revenue": [0, 0] + [5.0] * 23}
    data["components"].append(
        {
            "id": "two_irrs",
            "name": "Two IRRs",
            "streams": {
                "basis": "economic",
                "capital": [100.0, 0.0, 132.0],
                "benefits": {"sales": [0.0, 230.0]},
            },
        }
    )
    data["financing"] = {
        "sources": [
            {
                "name": "loan",
                "amount": 30.0,
                "nominal_cost": 0.04,
                "tax_rate": 0.2,
                "inflation": 0.02,
                "is_debt": True,
            },
            {
                "name": "equity",
                "amount": 10.0,
                "nominal_cost": 0.08,
                "inflation": 0.03,
                "is_debt": False,
            },
        ],
        "loan": {
            "amount": 30.0,
            "interest_rate": 0.04,
            "tenor_years": 12,
            "grace_years": 3,
            "repayment": "level",
            "disbursement": [0.4, 0.6],
            "commitment_fee": 0.005,
            "capitalize_interest": True,
        },
    }
    data["cobenefits"] = {
        "damage_costs": {"pm25": 100000.0, "nox": 5000.0},
        "income_ratio": 0.2,
        "jobs_construction_per_musd": 7.5,
        "jobs_operation_per_musd": 10.0,
    }
    return data


def _variant_t0() -> dict[str, Any]:
    """The Excel NPV example under the other timing convention (values[0] at t = 0)."""
    data = case_data("excel-npv-example")
    data["case"]["first_year_discounted"] = False
    return data


# The changed-input test: the same change made in the workbook and in the case.
NEW_RATE = 0.06
NEW_CIVIL_WORKS = 100.0  # bus-priority civil works, 88 in the case


def _changed_xiangtan() -> dict[str, Any]:
    data = case_data("xiangtan")
    data["economic"]["discount_rate"] = NEW_RATE
    assert data["components"][0]["id"] == "bus-priority"
    data["components"][0]["capital"]["civil_works"] = NEW_CIVIL_WORKS
    return data


def _edit_workbook(src: Path, dst: Path) -> None:
    """Change the discount rate and one capital cost in the workbook's input cells."""
    wb = openpyxl.load_workbook(src)
    sheet, coord = next(iter(wb.defined_names["economic_discount_rate"].destinations))
    wb[sheet][coord.replace("$", "")].value = NEW_RATE
    ws = wb["Assumptions"]
    label = "bus-priority: capital, civil_works"
    rows = [c.row for c in ws["A"] if c.value == label]
    assert len(rows) == 1, f"{label!r} not found once on Assumptions"
    assert ws.cell(row=rows[0], column=2).value == 88.0
    ws.cell(row=rows[0], column=2).value = NEW_CIVIL_WORKS
    wb.save(dst)


@functools.cache
def _results() -> dict[str, AppraisalResult]:
    out = {f.parent.name: appraisal.appraise(appraisal.load_case(f)) for f in CASE_FILES}
    out["variant-two-irrs"] = appraisal.appraise(parse_case(_variant_two_irrs()))
    out["variant-t0"] = appraisal.appraise(parse_case(_variant_t0()))
    return out


def _write_workbooks(src: Path) -> list[Path]:
    """Every case and variant, the edited Xiangtan workbook and the probe."""
    files = write_workbooks(src, _results())
    _edit_workbook(src / "xiangtan.xlsx", src / "xiangtan-changed.xlsx")
    files.append(src / "xiangtan-changed.xlsx")
    # Probe: a formula whose cached value is wrong; recalculation must replace it.
    wb = openpyxl.Workbook()
    wb.active["A1"] = "=1+1"
    buf = io.BytesIO()
    wb.save(buf)
    (src / "probe.xlsx").write_bytes(add_cached_values(buf.getvalue(), {("Sheet", "A1"): 5.0}))
    files.append(src / "probe.xlsx")
    return files


# Recalculated with every other module's workbooks in the session's one LibreOffice run
# (the ``recalculated`` fixture in conftest.py).
RECALC_INPUTS = (_write_workbooks,)


@pytest.fixture(scope="session")
def lo_run(recalculated: dict[str, dict[str, Path]]) -> dict[str, Any]:
    """The engine's results beside the workbooks LibreOffice recalculated."""
    return {
        "results": _results(),
        "in": recalculated["in"],
        "out": recalculated["out"],
        "changed": appraisal.appraise(parse_case(_changed_xiangtan())),
    }


def _leaves(block: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    for key, value in block.items():
        if key.endswith(("_reason", "_roots")) or key in ("components", "checks"):
            continue
        path = f"{prefix}_{key}" if prefix else key
        if isinstance(value, dict):
            yield from _leaves(value, path)
        elif not isinstance(value, list):
            yield path, value


def expected_names(summary: dict[str, Any]) -> dict[str, Any]:
    """Defined name -> JSON value, for the blocks this workbook owns (docs/workbook.md)."""
    own = {k: summary[k] for k in ("schema_version", "case", "carbon_price", *BLOCKS)}
    out = dict(_leaves(own, ""))
    for comp in summary["components"]:
        prefix = "c_" + comp["id"].replace("-", "_")
        out |= dict(_leaves({k: comp[k] for k in ("id", "name", *BLOCKS)}, prefix))
    return out


def _agrees(got: Any, want: Any) -> bool:
    if want is None:
        return got == "n/a"
    if isinstance(want, bool):
        return got is want
    if isinstance(want, str):
        return got == want or (want == "" and got is None)
    if isinstance(got, bool) or not isinstance(got, int | float):
        return False
    return math.isclose(got, want, rel_tol=REL, abs_tol=ABS)


def _named_values(path: Path) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for name, dn in wb.defined_names.items():
        (sheet, coord), *rest = list(dn.destinations)
        assert not rest, f"{name} points at more than one cell"
        out[name] = wb[sheet][coord.replace("$", "")].value
    return out


def _mismatches(values: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    return [
        f"{name}: LibreOffice {values.get(name)!r}, engine {want!r}"
        for name, want in expected.items()
        if not _agrees(values.get(name), want)
    ]


SLUGS = [f.parent.name for f in CASE_FILES] + ["variant-two-irrs", "variant-t0"]


def test_libreoffice_recalculates_on_load(lo_run: dict[str, Any]) -> None:
    # The probe's cached value is 5; a LibreOffice that trusted cached values would keep it.
    wb = openpyxl.load_workbook(lo_run["out"]["probe"], data_only=True)
    assert wb.active["A1"].value == 2


@pytest.mark.parametrize("slug", SLUGS)
def test_every_defined_name_equals_the_engine(lo_run: dict[str, Any], slug: str) -> None:
    result = lo_run["results"][slug]
    expected = expected_names(result.summary)
    values = _named_values(lo_run["out"][slug])
    missing = sorted(set(expected) - set(values))
    assert not missing, f"names missing from the workbook: {missing}"
    assert not _mismatches(values, expected)
    assert len(expected) >= 60  # every block of the program and of each component


@pytest.mark.parametrize("slug", SLUGS)
def test_cached_values_equal_the_engine_before_recalculation(
    lo_run: dict[str, Any], slug: str
) -> None:
    # What a viewer that does not calculate shows: the values written at rendering.
    expected = expected_names(lo_run["results"][slug].summary)
    assert not _mismatches(_named_values(lo_run["in"][slug]), expected)


def test_null_figures_show_n_a(lo_run: dict[str, Any]) -> None:
    # Net flows -100, 230, -132: IRRs 10% and 20% (engine: null with both roots).
    result = lo_run["results"]["variant-two-irrs"]
    comp = result.summary["components"][1]["economic"]
    assert comp["eirr_without_carbon"] is None
    assert comp["eirr_without_carbon_roots"] == pytest.approx([0.1, 0.2])
    values = _named_values(lo_run["out"]["variant-two-irrs"])
    assert values["c_two_irrs_economic_eirr_without_carbon"] == "n/a"
    assert values["c_two_irrs_financial_fnpv"] == "n/a"  # earns no revenue
    every = [v for path in lo_run["out"].values() for v in _named_values(path).values()]
    assert "#N/A" not in every


@pytest.mark.parametrize("slug", SLUGS)
def test_master_check_passes_after_recalculation(lo_run: dict[str, Any], slug: str) -> None:
    # LibreOffice recalculates the live checks (discount rate at most 15%; NPV at the
    # EIRR within 1e-4 of the PV of costs): every shipped case and variant passes them.
    assert _named_values(lo_run["out"][slug])["checks_all_pass"] is True
    wb = openpyxl.load_workbook(lo_run["out"][slug], data_only=True)
    assert wb.sheetnames[0] == "About"


def test_timing_conventions_give_different_npvs(lo_run: dict[str, Any]) -> None:
    # Both conventions are recalculated by LibreOffice; they differ by the factor 1 + r.
    excel = _named_values(lo_run["out"]["excel-npv-example"])["economic_enpv"]
    t0 = _named_values(lo_run["out"]["variant-t0"])["economic_enpv"]
    rate = lo_run["results"]["variant-t0"].summary["economic"]["discount_rate"]
    assert t0 == pytest.approx(excel * (1 + rate), rel=REL)


def test_changed_inputs_move_the_results_like_the_engine(lo_run: dict[str, Any]) -> None:
    # Discount rate 9% -> 6% and bus-priority civil works 88 -> 100 changed in the
    # workbook's input cells; LibreOffice recalculates; the engine appraises the case
    # with the same change. Every named figure must follow, EIRR and ENPV included.
    changed = lo_run["changed"]
    before = lo_run["results"]["xiangtan"].summary["economic"]
    after = changed.summary["economic"]
    assert after["eirr"] != pytest.approx(before["eirr"], rel=1e-3)
    assert after["enpv"] != pytest.approx(before["enpv"], rel=1e-3)
    values = _named_values(lo_run["out"]["xiangtan-changed"])
    assert values["economic_eirr"] == pytest.approx(after["eirr"], rel=REL)
    assert values["economic_enpv"] == pytest.approx(after["enpv"], rel=REL)
    assert not _mismatches(values, expected_names(changed.summary))


def test_rerun_gives_the_same_bytes(tmp_path: Path) -> None:
    # Two runs of the command line, each appraising the case afresh.
    paths = []
    for run in ("first", "second"):
        assert (
            main(
                ["run", str(CASES / "xiangtan"), "--out", str(tmp_path / run), "--formats", "xlsx"]
            )
            == 0
        )
        paths.append(tmp_path / run / "xiangtan.xlsx")
    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_text_from_the_user_is_text(tmp_path: Path) -> None:
    data = minimal_case()
    data["case"]["name"] = '=HYPERLINK("http://x","y")'
    data["components"][0]["name"] = "+1+1"
    data["components"][0]["source"] = "@SUM(A1)"
    result = appraisal.appraise(parse_case(data))
    body = render_workbook(result)
    wb = openpyxl.load_workbook(io.BytesIO(body))
    values = [c.value for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    assert not any("HYPERLINK" in str(v) or v in ("=+1+1", "=@SUM(A1)") for v in values)
    sheets = zipfile.ZipFile(io.BytesIO(body)).namelist()
    assert "xl/workbook.xml" in sheets


def test_inputs_and_calculations_look_different() -> None:
    result = appraisal.appraise(parse_case(minimal_case()))
    wb = openpyxl.load_workbook(io.BytesIO(render_workbook(result)))
    rate = wb["Assumptions"][
        next(iter(wb.defined_names["economic_discount_rate"].destinations))[1].replace("$", "")
    ]
    enpv_sheet, enpv_coord = next(iter(wb.defined_names["economic_enpv"].destinations))
    enpv = wb[enpv_sheet][enpv_coord.replace("$", "")]
    assert rate.data_type == "n" and rate.fill.fgColor.rgb.endswith("FFF2CC")
    assert enpv.data_type == "f" and enpv.fill.fgColor.rgb in ("00000000", None)
    assert rate.number_format == "0.00%" and enpv.number_format == "#,##0.00"
    assert wb["Economic cash flows"].freeze_panes == "B6"


def test_checks_sheet_shows_words_and_true_false(xiangtan_result: AppraisalResult) -> None:
    # The Checks sheet of the Xiangtan workbook: the findings named as the PDF names
    # them (appraisal.checks.check_label); each Passes cell a boolean in the format
    # LibreOffice itself writes for its BOOLEAN format, '"TRUE";"TRUE";"FALSE"'
    # (without it LibreOffice shows the cached value as 1); the master check a plain
    # boolean under them (test_master_check_passes_after_recalculation reads it back
    # from LibreOffice); the messages in the text column, not the limits' column.
    from appraisal.checks import check_label
    from appraisal.io.workbook.checks import PASSES_FORMAT

    wb = openpyxl.load_workbook(io.BytesIO(render_workbook(xiangtan_result)))
    ws = wb["Checks"]
    column_a = [c.value for c in ws["A"]]
    assert xiangtan_result.checks  # cases/xiangtan: a life cut at the horizon
    for chk in xiangtan_result.checks:
        assert check_label(chk.code) in column_a, chk.code
        assert chk.code not in column_a, chk.code
    head = column_a.index("Check") + 1
    assert [c.value for c in ws[head]] == ["Check", "Passes", "What it checks", "Value", "Limit"]
    _, coord = next(iter(wb.defined_names["checks_all_pass"].destinations))
    master = ws[coord.replace("$", "")]
    assert master.column_letter == "B" and master.value.startswith("=AND(B")
    passes = [ws.cell(row=r, column=2) for r in range(head + 1, master.row - 1)]
    assert len(passes) == 2  # the real-rate check and, with an EIRR, the NPV at it
    assert all(c.data_type == "f" and c.number_format == PASSES_FORMAT for c in passes)
    assert master.number_format == "General"
    # "15.00%" and "1.0E-04" in 10-point Arial are about 35 pt: under 10 characters
    assert ws.column_dimensions["E"].width < 10 < ws.column_dimensions["C"].width
