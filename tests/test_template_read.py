"""Reading a filled input template: values read back, bad input refused naming the cell.

Expected values here are the cell the layout put a field in (read from the
template's own defined names, so the tests follow the layout) and a word of the
message the case schema's validator or the reader gives for that cell.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import hashlib
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from appraisal.case import parse_case
from appraisal.cli import main
from appraisal.io.template import read_template, template_bytes
from tests.conftest import ROOT, minimal_case

LINE = re.compile(r"^error: (?P<file>[^:]+): (?P<where>[^:]+): (?P<what>.+)$")
TEMPLATE = ROOT / "templates" / "appraisal-input-template.xlsx"


def _ref(wb: Any, name: str) -> tuple[str, str]:
    """(sheet, first cell) of a defined name."""
    sheet, cells = next(iter(wb.defined_names[name].destinations))
    return sheet, cells.split(":")[0].replace("$", "")


def test_blank_template_reports_the_required_cells(tmp_path, capsys):
    path = tmp_path / "blank.xlsx"
    path.write_bytes(TEMPLATE.read_bytes())
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert all(LINE.match(e) for e in err), err
    where = {LINE.match(e)["where"] for e in err}
    assert {"Case!B4", "Economic!B4"} <= where


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
        return written(at("case_name"), "Case name: is missing; expected text")
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
    # one kind per input block, each named at the very cell typed in and in words
    if kind == "bad value in a table of named values":  # the value in B, not the name in A
        d["components"][1]["capital"]["civil_works"] = -5.0
        return written(at("components_2_capital", 1), "Capital cost (civil_works): -5 is out")
    if kind == "bad name in a table of named values":
        d["components"][1]["capital"] = {"x" * 65: 1.0}
        return written(at("components_2_capital"), "a name of 65 characters is too long")
    if kind == "bad value in a table of rows":  # financing sources: the typed member cell
        d["financing"] = {"sources": [{"name": "ADB", "amount": "lots"}]}
        return written(at("financing_sources", 1), "Amount, row 1: expected a number")
    if kind == "bad value in a yearly row":
        d["components"][0]["streams"]["capital"][2] = "eight"
        return written(at("components_1_streams_capital", 2), "Capital cost, 2023: expected")
    if kind == "bad value in a named yearly row":
        d["components"][0]["streams"]["benefits"]["time_savings"][4] = "x"
        return written(at("components_1_streams_benefits", 5), "Benefit (time_savings), 2025")
    if kind == "share out of range":  # the share typed, not the row's first cell
        d["components"][1]["disbursement"] = [0.4, 1.6]
        return written(at("components_2_disbursement", 1), "between 0 and 1")
    if kind == "shares that do not sum to 1":  # the last share typed
        d["components"][1]["disbursement"] = [0.5, 0.3, 0.1]
        return written(at("components_2_disbursement", 2), "shares sum to 0.9; expected 1")
    if kind == "identifier in capitals":
        d["components"][0]["id"] = "Bus Priority"
        return written(at("components_1_id"), "expected lowercase letters, digits, - and _")
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
    "bad value in a table of named values",
    "bad name in a table of named values",
    "bad value in a table of rows",
    "bad value in a yearly row",
    "bad value in a named yearly row",
    "share out of range",
    "shares that do not sum to 1",
    "identifier in capitals",
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


@pytest.mark.parametrize(
    ("stored", "word"),
    [
        (b"<v>NaN</v>", "NaN is not a finite number; expected a number"),
        (b"<v>INF</v>", "INF is not a finite number; expected a number"),
        (b"<v>-INF</v>", "-INF is not a finite number; expected a number"),
        # A formula whose cached value is NaN: read through the values workbook.
        (b"<f>0/0</f><v>NaN</v>", "NaN is not a finite number; expected a number"),
        (b"<v>nine</v>", "'nine' is stored as a number but is not one; expected a number"),
    ],
)
def test_nan_or_inf_stored_in_the_xml_is_named_at_the_cell(tmp_path, capsys, base, stored, word):
    # openpyxl cannot parse these number cells (its int() of "NaN" raises): the
    # file used to be refused as "(file): not a readable Excel workbook".
    data, where = _set_xml_value(base, "economic_discount_rate", stored)
    path = tmp_path / "loan.xlsx"
    path.write_bytes(data)
    err = _check_refused(path, capsys, where, word)
    assert err == [f"error: {path}: {where}: Economic discount rate: {word}"]


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


# ------------------------------------------------- sheets and cells the template does not read
# The expected components and cells come from the template's own defined names
# (where the writer put each block), not from the reader's layout.


def _filled(base: dict[str, Any]) -> Any:
    return openpyxl.load_workbook(io.BytesIO(base["bytes"]))


def _save(wb: Any, tmp_path: Path) -> Path:
    path = tmp_path / "loan.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("position", ["last", "between"])
def test_copied_component_sheet_is_read_as_a_component(tmp_path, base, position):
    wb = _filled(base)
    copy = wb.copy_worksheet(wb["Component 2"])
    copy.title = "Component 99"
    sheet, cell = base["names"]["components_2_id"]
    assert sheet == "Component 2"
    copy[cell] = "retrofit-b"
    if position == "between":  # put the copy between Component 1 and Component 2
        wb.move_sheet(copy, offset=wb.sheetnames.index("Component 2") - len(wb.sheetnames) + 1)
    case = read_template(_save(wb, tmp_path))
    ids = [c.id for c in case.components]
    expected = {
        "last": ["bus-priority", "retrofit", "retrofit-b"],
        "between": ["bus-priority", "retrofit-b", "retrofit"],
    }
    assert ids == expected[position]
    original = case.data["components"][ids.index("retrofit")]
    copied = case.data["components"][ids.index("retrofit-b")]
    assert {k: v for k, v in copied.items() if k != "id"} == {
        k: v for k, v in original.items() if k != "id"
    }


def test_copied_component_values_are_named_at_the_copy(tmp_path, capsys, base):
    wb = _filled(base)
    copy = wb.copy_worksheet(wb["Component 2"])
    copy.title = "Component 99"
    _, cell = base["names"]["components_2_life_years"]
    copy[cell] = -5
    path = _save(wb, tmp_path)
    _check_refused(path, capsys, f"Component 99!{cell}", "out of range")


def test_extra_sheet_refused_saying_how_to_add_a_component(tmp_path, capsys, base):
    wb = _filled(base)
    notes = wb.create_sheet("Notes")
    notes["A1"] = "tariff assumptions"
    path = _save(wb, tmp_path)
    err = _check_refused(path, capsys, "Notes", "appraisal template --components N")
    assert len(err) == 1, err


def test_copied_sheet_with_rows_inserted_is_refused_not_read(tmp_path, capsys, base):
    wb = _filled(base)
    copy = wb.copy_worksheet(wb["Component 2"])
    copy.title = "Component 99"
    copy.insert_rows(6)
    path = _save(wb, tmp_path)
    _check_refused(path, capsys, "Component 99", "copy a Component sheet")


def _below(base: dict[str, Any], name: str) -> tuple[str, str]:
    """(sheet, cell) in column B of the row just below the block a defined name covers."""
    wb = _filled(base)
    sheet, cells = next(iter(wb.defined_names[name].destinations))
    last_row = int(re.sub(r"\D", "", cells.split(":")[-1]))
    return sheet, f"B{last_row + 1}"


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("below a block", 7.5),
        ("below the last row of a sheet", "an extra note"),
        ("right of a record block", 3.0),
    ],
)
def test_content_in_a_cell_the_template_does_not_read_is_refused(
    tmp_path, capsys, base, where, value
):
    wb = _filled(base)
    if where == "below a block":
        sheet, cell = _below(base, "components_2_capital")
    elif where == "below the last row of a sheet":
        sheet = "Economic"
        cell = f"A{wb[sheet].max_row + 3}"
    else:
        sheet, cells = next(iter(wb.defined_names["components_2_energy"].destinations))
        first, last = cells.replace("$", "").split(":")
        cell = _shift(f"{re.sub(r'[0-9]', '', last)}{re.sub(r'[A-Z]', '', first)}", 1)
    assert wb[sheet][cell].value is None
    wb[sheet][cell] = value
    path = _save(wb, tmp_path)
    err = _check_refused(path, capsys, f"{sheet}!{cell}", "does not read")
    assert len(err) == 1, err


def test_template_and_converted_case_have_no_unread_cells(tmp_path, capsys, base):
    # Every cell the writer fills is one the reader reads or knows as a label:
    # a converted case reads back, a blank template reports only its blank inputs.
    path = tmp_path / "converted.xlsx"
    path.write_bytes(base["bytes"])
    assert read_template(path).data["components"] == base["case"].data["components"]
    blank = tmp_path / "blank.xlsx"
    blank.write_bytes(template_bytes(components=2))
    assert main(["validate", str(blank)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err and all(LINE.match(e) and "is missing" in e for e in err), err
