"""The shared sheet writer of every .xlsx (appraisal/io/xlsx_common.py).

Independent evidence: openpyxl itself (a style set attribute by attribute, the
cells read back after saving) and the bytes of two saves.
"""

from __future__ import annotations

import io
import math

import openpyxl
from openpyxl import Workbook

from appraisal.io.xlsx_common import (
    NA,
    STYLE,
    SheetWriter,
    WorkbookNames,
    add_cached_values,
    cached_value,
    workbook_bytes,
)


def test_a_reused_style_equals_setting_it_attribute_by_attribute() -> None:
    # The writer copies the style fields a named style set on its first use; the
    # reference sets the same attributes through openpyxl on a fresh cell.
    wb = Workbook()
    sh = SheetWriter(wb.active, WorkbookNames(wb))
    sh.put(1, 1, 1.0, "input", "0.00%")
    sh.put(2, 1, 2.0, "input", "0.00%")  # from the cache
    ref = wb.active.cell(row=3, column=1)
    for attr, value in STYLE["input"].items():
        setattr(ref, attr, value)
    ref.number_format = "0.00%"
    assert wb.active["A2"]._style == ref._style


def test_a_reused_style_keeps_what_it_does_not_set() -> None:
    # setattr keeps a cell's alignment when a font is set; so must the cached path
    wb = Workbook()
    sh = SheetWriter(wb.active, WorkbookNames(wb))
    sh.put(1, 1, "a", "calc")
    cell = wb.active.cell(row=2, column=1)
    cell.alignment = openpyxl.styles.Alignment(wrap_text=True)
    sh.put(2, 1, "b", "calc")
    assert cell.alignment.wrap_text


def test_formula_registers_its_cached_value_and_text_stays_text() -> None:
    wb = Workbook()
    names = WorkbookNames(wb)
    sh = SheetWriter(wb.active, names)
    sh.put(1, 1, "=1+1")
    sh.formula(1, 2, "NA()", None)
    sh.formula(1, 3, "1/3", 1 / 3)
    data = add_cached_values(workbook_bytes(wb), names.cached)
    back = openpyxl.load_workbook(io.BytesIO(data), data_only=True).active
    assert back["A1"].value == "=1+1"  # a string, not a formula
    assert back["B1"].value == "#N/A"
    assert back["C1"].value == 1 / 3


def test_cached_value() -> None:
    assert cached_value(None) is NA
    assert cached_value(math.inf) is NA
    assert cached_value(True) is True
    assert cached_value(3) == 3.0


def test_table_leaves_missing_values_empty_and_is_reproducible() -> None:
    def build() -> bytes:
        wb = Workbook()
        SheetWriter(wb.active).table(
            ["name", "value"], [["a", 1.5], ["b", math.nan], ["c", None]], [None, "0.00"]
        )
        return workbook_bytes(wb)

    data = build()
    assert data == build()
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws["B"]] == ["value", 1.5, None, None]
    assert ws["A1"].font.bold
    assert ws["B2"].number_format == "0.00"
    assert ws.column_dimensions["A"].width == 12
