"""The Excel input template: generated from the schema, round trips, bad input refused.

Expected values here are identities (TOML -> xlsx -> TOML gives the same case and
the same results) and the cell the layout put a field in (read from the
template's own defined names, so the tests follow the layout).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from appraisal.case import parse_case
from appraisal.cli import main
from appraisal.io.cases import load_case, parse_toml
from appraisal.io.template import (
    case_to_toml,
    read_template,
    template_bytes,
    template_locations,
)
from appraisal.schema import fields
from appraisal.workflow import appraise
from tests.conftest import CASE_FILES, ROOT, minimal_case

LINE = re.compile(r"^error: (?P<file>[^:]+): (?P<where>[^:]+): (?P<what>.+)$")
TEMPLATE = ROOT / "templates" / "appraisal-input-template.xlsx"


def _summary(case: Any) -> dict[str, Any]:
    return json.loads(appraise(case).to_json())


# ---------------------------------------------------------------- the blank template


def test_every_schema_key_has_a_template_location():
    locations = template_locations()
    missing = [f.key for f in fields() if f.key not in locations]
    assert not missing, f"schema keys without a template cell: {missing}"
    assert all(re.fullmatch(r"[^!]+![A-Z]+\d+", v) for v in locations.values())


def test_committed_template_is_current_and_deterministic():
    blank = template_bytes()
    assert blank == template_bytes()
    assert TEMPLATE.read_bytes() == blank, "run `make template`"


@pytest.fixture(scope="module")
def blank_wb() -> Any:
    return openpyxl.load_workbook(io.BytesIO(TEMPLATE.read_bytes()))


def _ref(wb: Any, name: str) -> tuple[str, str]:
    """(sheet, first cell) of a defined name."""
    sheet, cells = next(iter(wb.defined_names[name].destinations))
    return sheet, cells.split(":")[0].replace("$", "")


def test_blank_template_structure(blank_wb):
    wb = blank_wb
    assert wb.sheetnames[0] == "Instructions"
    for sheet in ("Case", "Economic", "Financing", "Grid", "Carriers", "Co-benefits"):
        assert sheet in wb.sheetnames
    assert [s for s in wb.sheetnames if s.startswith("Component ")] == [
        "Component 1",
        "Component 2",
        "Component 3",
    ]
    assert wb["_layout"].sheet_state == "veryHidden"
    assert wb.security.lockStructure
    sheet, cell = _ref(wb, "economic_discount_rate")
    ws = wb[sheet]
    assert ws.protection.sheet and not ws[cell].protection.locked  # input editable
    assert ws["A3"].protection.locked  # structure protected
    row = ws[cell].row
    assert ws.cell(row, 3).value == "decimal per year, real"  # unit column
    assert "Example: 0.09" in ws[cell].comment.text
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    dv = next(d for r, d in rules.items() if cell in r.split())
    assert (dv.type, dv.formula1, dv.formula2) == ("decimal", "0", "0.5")
    sheet, cell = _ref(wb, "economic_carbon_price")
    lists = [d for d in wb[sheet].data_validations.dataValidation if d.type == "list"]
    assert any(cell in str(d.sqref).split() and "adb-2017" in d.formula1 for d in lists)
    # yearly rows: the years across, from the first year of the case
    ws = wb["Component 1"]
    sheet, cell = _ref(wb, "components_1_streams_capital")
    year_row = ws[cell].row - 1
    assert ws.cell(year_row, 1).value == "year"
    assert ws.cell(year_row, 2).value == '=IF(1<=case_years,case_first_year+0,"")'


def test_blank_template_reports_the_required_cells(tmp_path, capsys):
    path = tmp_path / "blank.xlsx"
    path.write_bytes(TEMPLATE.read_bytes())
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert all(LINE.match(e) for e in err), err
    where = {LINE.match(e)["where"] for e in err}
    assert {"Case!B4", "Economic!B4"} <= where


# ---------------------------------------------------------------- round trips


@pytest.mark.parametrize("case_file", CASE_FILES, ids=lambda p: p.parent.name)
def test_round_trip_toml_xlsx_toml(tmp_path, case_file):
    case = load_case(case_file)
    xlsx = tmp_path / "case.xlsx"
    xlsx.write_bytes(template_bytes(case))
    back = read_template(xlsx)
    assert back.data == case.data
    toml_text = case_to_toml(back)
    again = parse_toml(toml_text)
    assert again.data == case.data
    assert _summary(back) == _summary(case) == _summary(again)


def test_convert_cli_both_ways_and_refuses_to_overwrite(tmp_path, capsys):
    src = CASE_FILES[0]
    xlsx, toml = tmp_path / "c.xlsx", tmp_path / "c.toml"
    assert main(["convert", str(src), "--to", "xlsx", "--out", str(xlsx)]) == 0
    assert main(["convert", str(xlsx), "--to", "toml", "--out", str(toml)]) == 0
    assert load_case(toml).data == load_case(src).data
    before = hashlib.sha256(xlsx.read_bytes()).hexdigest()
    assert main(["convert", str(xlsx), "--to", "xlsx", "--out", str(xlsx)]) == 2
    assert main(["convert", str(src), "--to", "xlsx", "--out", str(xlsx)]) == 2  # exists
    assert hashlib.sha256(xlsx.read_bytes()).hexdigest() == before
    assert "is the input" in capsys.readouterr().err


def test_template_command(tmp_path):
    out = tmp_path / "t.xlsx"
    assert main(["template", "--out", str(out), "--components", "2"]) == 0
    wb = openpyxl.load_workbook(out)
    assert "Component 2" in wb.sheetnames and "Component 3" not in wb.sheetnames
    assert main(["template", "--out", str(out)]) == 2  # no overwrite without --force


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    data = minimal_case()
    data["case"]["description"] = '=HYPERLINK("http://x")'
    data["components"][0]["name"] = "+1 corridor"
    case = parse_case(data)
    path = tmp_path / "f.xlsx"
    path.write_bytes(template_bytes(case))
    assert read_template(path).data == case.data


# ---------------------------------------------------------------- bad templates
# Each bad template is made from a good one by changing the case data before it is
# written (value problems) or by editing the XML of one part (structure problems):
# faster than an openpyxl load-and-save per file, and closer to what a
# hand-edited or hostile file looks like.


def _base_case() -> Any:
    """A streams component and a parametric one (for life_years)."""
    data = minimal_case()
    data["components"].append(
        {
            "id": "retrofit",
            "name": "Retrofit",
            "capital": {"civil_works": 10.0},
            "life_years": 20,
            "disbursement": [0.5, 0.5],
        }
    )
    return parse_case(data)


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    case = _base_case()
    data = template_bytes(case)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    names = {name: _ref(wb, name) for name in wb.defined_names}
    parts = {s: f"xl/worksheets/sheet{i + 1}.xml" for i, s in enumerate(wb.sheetnames)}
    return {"case": case, "bytes": data, "names": names, "parts": parts}


def _shift(cell: str, columns: int) -> str:
    from openpyxl.utils.cell import coordinate_from_string, get_column_letter

    letters, row = coordinate_from_string(cell)
    return f"{get_column_letter(openpyxl.utils.column_index_from_string(letters) + columns)}{row}"


def _cell_of(wb: Any, name: str) -> tuple[Any, str]:
    sheet, cell = _ref(wb, name)
    return wb[sheet], cell


def _replace_part(data: bytes, name: str, edit: Any) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, edit(body) if info.filename == name else body)
    return out.getvalue()


def _set_xml_value(base: dict[str, Any], name: str, new_cell_body: bytes) -> tuple[bytes, str]:
    """Replace the content of the cell a defined name points at; (bytes, 'Sheet!Cell')."""
    sheet, cell = base["names"][name]
    pattern = re.compile(rb'(<c r="' + cell.encode() + rb'")[^>]*?(/>|>.*?</c>)')
    data = _replace_part(
        base["bytes"],
        base["parts"][sheet],
        lambda b: pattern.sub(lambda m: m.group(1) + b">" + new_cell_body + b"</c>", b, count=1),
    )
    return data, f"{sheet}!{cell}"


def _bad(base: dict[str, Any], kind: str) -> tuple[bytes, str, str]:
    """A damaged template, the location the message must name, and a word of it."""
    names = base["names"]
    d = copy.deepcopy(base["case"].data)

    def written(where: str, word: str) -> tuple[bytes, str, str]:
        return template_bytes(dataclasses.replace(base["case"], data=d)), where, word

    def at(name: str, columns: int = 0) -> str:
        sheet, cell = names[name]
        return f"{sheet}!{_shift(cell, columns)}"

    if kind == "required cell blank":
        d["case"]["name"] = ""
        return written(at("case_name"), "missing")
    if kind == "text in a number cell":
        d["economic"]["discount_rate"] = "nine percent"
        return written(at("economic_discount_rate"), "number")
    if kind == "negative life":
        d["components"][1]["life_years"] = -5
        return written(at("components_2_life_years"), "out of range")
    if kind == "year out of range":
        d["case"]["price_year"] = 2200
        return written(at("case_price_year"), "out of range")
    if kind == "stream of the wrong length":
        d["components"][0]["streams"]["capital"] = [1.0] * 26
        return written(at("components_1_streams_capital", 25), "26 values")
    if kind == "value not in its list":
        d["economic"]["numeraire"] = "global"
        return written(at("economic_numeraire"), "not allowed")
    if kind == "date in a number cell":
        d["economic"]["discount_rate"] = dt.datetime(2020, 1, 1)
        return written(at("economic_discount_rate"), "date")
    if kind == "1e308":
        d["components"][0]["streams"]["operating"][2] = 1e308
        return written(at("components_1_streams_operating", 2), "too large")
    if kind == "NaN typed in a number cell":
        d["economic"]["discount_rate"] = "NaN"
        return written(at("economic_discount_rate"), "number")
    if kind == "infinity in the file":
        data, where = _set_xml_value(base, "economic_discount_rate", b"<v>1e999</v>")
        return data, where, "finite"
    if kind == "formula without a cached value":
        data, where = _set_xml_value(base, "case_years", b"<f>20+5</f>")
        return data, where, "cached value"
    if kind == "sheet deleted":
        edit = re.compile(rb'<sheet name="Economic"[^>]*/>')
        data = _replace_part(base["bytes"], "xl/workbook.xml", lambda b: edit.sub(b"", b))
        return data, "Economic", "missing"
    if kind == "sheet renamed":
        data = _replace_part(
            base["bytes"],
            "xl/workbook.xml",
            lambda b: b.replace(b'<sheet name="Economic"', b'<sheet name="Econ"'),
        )
        return data, "Economic", "'Econ'"
    if kind == "merged input cells":
        sheet, cell = names["case_country"]
        merge = f'<mergeCells count="1"><mergeCell ref="{cell}:{_shift(cell, 1)}"/></mergeCells>'
        data = _replace_part(
            base["bytes"],
            base["parts"][sheet],
            lambda b: b.replace(b"</sheetData>", b"</sheetData>" + merge.encode(), 1),
        )
        return data, f"{sheet}!{cell}", "merged"
    raise AssertionError(kind)


KINDS = [
    "required cell blank",
    "text in a number cell",
    "negative life",
    "year out of range",
    "stream of the wrong length",
    "value not in its list",
    "sheet deleted",
    "sheet renamed",
    "merged input cells",
    "formula without a cached value",
    "date in a number cell",
    "1e308",
    "NaN typed in a number cell",
    "infinity in the file",
]


def _check_refused(path: Path, capsys: Any, where: str, word: str) -> list[str]:
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    out_dir = path.parent / "out"
    assert main(["run", str(path), "--out", str(out_dir), "--formats", "json"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err and all(LINE.match(e) for e in err), err
    hits = [e for e in err if LINE.match(e)["where"] == where]
    assert hits and word in hits[0], (where, word, err)
    assert all(LINE.match(e)["file"] == str(path) for e in err)
    assert not out_dir.exists()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before
    return err


@pytest.mark.parametrize("kind", KINDS)
def test_bad_template_is_refused_naming_the_cell(tmp_path, capsys, base, kind):
    data, where, word = _bad(base, kind)
    path = tmp_path / "bad.xlsx"
    path.write_bytes(data)
    _check_refused(path, capsys, where, word)


def test_nan_written_into_the_xml_is_refused_without_a_traceback(tmp_path, capsys, base):
    # openpyxl itself cannot parse <v>NaN</v> in a number cell: the whole file is
    # refused (exit 2, one line), though without the cell's name.
    data, _ = _set_xml_value(base, "economic_discount_rate", b"<v>NaN</v>")
    path = tmp_path / "nan.xlsx"
    path.write_bytes(data)
    _check_refused(path, capsys, "(file)", "not a readable Excel workbook")


def test_every_problem_in_one_run(tmp_path, capsys, base):
    d = copy.deepcopy(base["case"].data)
    d["case"]["name"] = ""
    d["components"][1]["life_years"] = -5
    d["components"][0]["streams"]["operating"][2] = 1e308
    d["economic"]["discount_rate"] = 9  # a percentage, not a decimal
    path = tmp_path / "bad.xlsx"
    path.write_bytes(template_bytes(dataclasses.replace(base["case"], data=d)))
    sheet, cell = base["names"]["economic_discount_rate"]
    err = _check_refused(path, capsys, f"{sheet}!{cell}", "decimals")
    assert len(err) == 4, err


def test_formula_with_a_cached_value_is_accepted(tmp_path, base):
    data, _ = _set_xml_value(base, "economic_discount_rate", b"<f>0.03*3</f><v>0.09</v>")
    path = tmp_path / "cached.xlsx"
    path.write_bytes(data)
    case = read_template(path)
    assert case.economic.discount_rate == pytest.approx(0.09)


def test_filled_blank_template_reads_and_unused_sheets_are_ignored(tmp_path):
    wb = openpyxl.load_workbook(io.BytesIO(TEMPLATE.read_bytes()))
    values = {
        "case_name": "Filled by hand",
        "case_price_year": 2020,
        "case_first_year": 2021,
        "case_years": 5,
        "economic_discount_rate": 0.09,
        "economic_carbon_price": "none",
        "components_1_id": "solar",
        "components_1_name": "Rooftop solar",
        "components_1_streams_basis": "economic",
    }
    for name, value in values.items():
        ws, c = _cell_of(wb, name)
        ws[c] = value
    ws, c = _cell_of(wb, "components_1_streams_capital")
    for j, v in enumerate([10.0, 0, 0, 0]):
        ws.cell(ws[c].row, ws[c].column + j).value = v
    path = tmp_path / "filled.xlsx"
    wb.save(path)
    case = read_template(path)
    assert [c.id for c in case.components] == ["solar"]  # Component 2 and 3 left empty
    assert case.data["components"][0]["streams"]["capital"] == [10.0, 0.0, 0.0, 0.0]
    assert case.meta.years == 5 and case.economic.carbon_price == "none"
