"""The Excel input template: its layout from the schema, and the blank and filled template.

Expected values here are the schema itself (every field has a cell), the layout's
own contract (blocks of rows do not overlap; no input cell is a label) and the
cell the layout put a field in (read from the template's own defined names, so
the tests follow the layout). Reading is in test_template_read.py, the TOML
round trips in test_template_toml.py.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from appraisal.case import parse_case
from appraisal.cli import main
from appraisal.io.cases import load_case
from appraisal.io.template import read_template, template_bytes, template_locations
from appraisal.io.template.layout import build_layout, input_cells, labels
from appraisal.schema import fields
from tests.conftest import ROOT, minimal_case

TEMPLATE = ROOT / "templates" / "appraisal-input-template.xlsx"


# ---------------------------------------------------------------- the layout


def test_every_schema_key_has_a_template_location():
    locations = template_locations()
    missing = [f.key for f in fields() if f.key not in locations]
    assert not missing, f"schema keys without a template cell: {missing}"
    assert all(re.fullmatch(r"[^!]+![A-Z]+\d+", v) for v in locations.values())


def test_layout_blocks_follow_each_other_and_inputs_are_not_labels():
    for sheet in build_layout(lambda path, default: default, lambda path: 2):
        for item, after in zip(sheet.items, sheet.items[1:], strict=False):
            assert item.row + item.rows == after.row, (sheet.name, item.label)
        fixed = {(row, col) for it in sheet.items for row, col, _ in labels(it)}
        inputs = {cell for it in sheet.items for cell in input_cells(it)}
        assert not fixed & inputs, sheet.name


# ---------------------------------------------------------------- the blank template


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


# ---------------------------------------------------------------- plain words and print


def test_every_schema_field_has_a_label_in_words():
    # The label is what an officer reads in the template and in a message: words,
    # not a key (no "_", brackets or dotted path), short enough for the label column.
    bad = [
        f.key
        for f in fields()
        if not f.label or re.search(r"[_\[\]]|[a-z]\.[a-z]", f.label) or len(f.label) > 60
    ]
    assert not bad, f"fields without a plain-language label: {bad}"


def test_label_column_shows_words_and_the_note_gives_the_key(blank_wb):
    sheet, cell = _ref(blank_wb, "case_name")
    ws = blank_wb[sheet]
    label = ws.cell(ws[cell].row, 1)
    assert label.value == "Case name"
    assert "TOML key: case.name" in label.comment.text
    sheet, cell = _ref(blank_wb, "financing_loan_amount")
    assert blank_wb[sheet][cell].number_format == "#,##0.0#########"  # thousands separators


def _pdf_pages(pdf: Path) -> int:
    done = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    return int(next(x for x in done.stdout.splitlines() if x.startswith("Pages:")).split()[1])


def test_template_prints_to_a_bounded_number_of_pages(tmp_path):
    # LibreOffice prints the blank template and the Xiangtan case's (7 components,
    # 25 years) to PDF. Bound: the Instructions 2 pages, a Component sheet (about
    # 95 rows: 4 pages down, the form and the years beside it: 3 across) 12, any
    # other sheet 3. Before the print setup: 141 and 234 pages (every one of the
    # 100 year columns printed).
    from tests.libreoffice import SofficeMissing, find_soffice, print_pdf

    try:
        find_soffice()
    except SofficeMissing as exc:
        pytest.skip(str(exc))
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo (poppler-utils) is not installed")
    case = load_case(ROOT / "cases" / "xiangtan" / "case.toml")
    files = {"blank": template_bytes(), "xiangtan": template_bytes(case)}
    for name, data in files.items():
        (tmp_path / f"{name}.xlsx").write_bytes(data)
    print_pdf(
        [tmp_path / f"{n}.xlsx" for n in files],
        tmp_path,
        tmp_path / "profile",
        timeout=300,
        recalc=False,
    )
    for name, data in files.items():
        sheets = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
        components = sum(s.startswith("Component ") for s in sheets)
        others = len(sheets) - components - 2  # Instructions and the hidden _layout
        bound = 2 + 12 * components + 3 * others
        assert _pdf_pages(tmp_path / f"{name}.pdf") <= bound, name
