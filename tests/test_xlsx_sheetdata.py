"""The fast sheet writer (appraisal/io/xlsx_sheetdata.py) and SheetWriter's fast cells.

Independent source of truth: openpyxl's own writer and its own cell setters. Each
workbook is built twice by the same function, once with the fast paths and once
with them switched off (``fast_writer_available`` answering False, which is what
an openpyxl other than 3.1 or one writing through lxml gets), and the saved bytes
must be equal, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import numpy as np
import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.formula import ArrayFormula

from appraisal.io import xlsx_common, xlsx_dimensions, xlsx_sheetdata
from appraisal.io.xlsx_common import SheetWriter, WorkbookNames, workbook_bytes

NUMBERS: list[Any] = [
    0,
    1,
    -5,
    2**53 + 1,
    10**17,
    2**70,  # beyond the fast path: openpyxl's writer
    0.1,
    1 / 3,
    -0.0,
    5e-324,
    1e-300,
    1.7976931348623157e308,
    123456789.123456789,
    -2.5e15,
    float("nan"),
    float("inf"),
    True,
    False,
    np.float64(2.5),
    np.int64(7),
    Decimal("1.25"),
]
TEXTS = [
    "plain",
    "  leading",
    "trailing ",
    " both ",
    " ",
    "",
    "a&b<c>d\"e'f",
    "tab\there",
    "line\nbreak\r\nend",
    "中文 and ünïcödé",
    "\u00a0no-break",
    "emoji \U0001f600",
    "=1+1 typed as text",
    "#N/A",
    "x" * 40000,  # truncated by openpyxl to 32,767 characters
]


def _both(build: Callable[[], tuple[Workbook, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    """Build and save twice: the fast paths, then openpyxl's; the bytes must be equal."""
    version = openpyxl.__version__
    assert xlsx_sheetdata.fast_writer_available(), f"openpyxl {version}: fast path not taken"
    wb, cached = build()
    fast = workbook_bytes(wb, cached)
    with monkeypatch.context() as m:
        m.setattr(xlsx_sheetdata, "fast_writer_available", lambda: False)
        wb, cached = build()
        slow = workbook_bytes(wb, cached)
    assert _entries(fast) == _entries(slow)
    assert fast == slow


def _entries(data: bytes) -> dict[str, bytes]:
    """The zip's entries, to show which part differs when the bytes do."""
    src = zipfile.ZipFile(io.BytesIO(data))
    return {name: src.read(name) for name in src.namelist()}


def _every_kind() -> Workbook:
    """A workbook with every kind of cell openpyxl writes, set through openpyxl's API."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Cells & 'kinds'"
    for i, v in enumerate(NUMBERS, start=1):
        ws.cell(row=i, column=1, value=v)
        ws.cell(row=i, column=2, value=v).number_format = "#,##0.00;-#,##0.00"
    for i, t in enumerate(TEXTS, start=1):
        ws.cell(row=i, column=3, value=t)
        xlsx_common.set_text(ws.cell(row=i, column=4), t)  # stays text
    ws["E1"] = "=A1+1"
    ws["E2"] = '=IF(A1<2,"a&b","c>d")'
    ws["E3"] = ArrayFormula("E3:E4", "=SUM(A1:A2*B1:B2)")
    ws["E5"] = CellRichText("plain ", TextBlock(InlineFont(b=True), "bold"))
    ws["E6"] = dt.datetime(2024, 5, 6, 7, 8, 9)
    ws["E7"] = dt.date(2024, 5, 6)
    ws["E8"] = "#DIV/0!"  # an error value
    ws["E9"] = "commented"
    ws["E9"].comment = Comment("a note & more", "appraisal")
    ws["E10"] = "linked"
    ws["E10"].hyperlink = "https://example.org/?a=1&b=2"
    # a styled cell written by openpyxl (a note) before cells of styles not yet used:
    # the table of cell styles must list them in the order the cells are written
    ws["A1"].comment = Comment("first", "appraisal")
    ws["A1"].fill = PatternFill("solid", fgColor="DDEBF7")
    ws["B1"].font = Font(italic=True)
    ws["F1"].font = Font(bold=True)  # styled, empty
    ws["F2"].fill = PatternFill("solid", fgColor="FFF2CC")
    ws["F3"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(row=4, column=6)  # made, never set: left out
    ws["AB30"] = 1.5  # past column Z, a row far below
    ws.merge_cells("G1:H2")
    ws["G1"] = "merged"
    ws.row_dimensions[2].height = 30
    ws.row_dimensions[40].height = 20  # a row with a height and no cells
    ws.row_dimensions[41].hidden = True
    ws.row_dimensions[3].outlineLevel = 1
    wb.create_sheet("Empty")
    other = wb.create_sheet("Other")
    other["B2"] = "=Other!A1*2"
    other["A1"] = 2
    return wb


def test_every_kind_of_cell_is_written_as_openpyxl_writes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _both(lambda: (_every_kind(), None), monkeypatch)


def test_cached_values_are_written_as_add_cached_values_writes_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def build() -> tuple[Workbook, Any]:
        wb = _every_kind()
        cached = {
            ("Cells & 'kinds'", "C13"): 2.0,
            ("Cells & 'kinds'", "E1"): 2.0,
            ("Cells & 'kinds'", "E2"): "a&b",
            ("Cells & 'kinds'", "E3"): 0.1,  # an array formula: the search after saving
            ("Other", "B2"): 4.0,
        }
        names = WorkbookNames(wb)
        sh = SheetWriter(wb.create_sheet("Written"), names)
        for i, v in enumerate([1.0, 2.5e20, -0.0, 1 / 3, None, True, "text <&>", 7, 1e15]):
            sh.formula(i + 1, 1, f"{i}+0", v, "0.00")
        sh.formula(1, 2, 'IF(A1>0,"n/a",NA())', None)
        return wb, {**cached, **names.cached}

    _both(build, monkeypatch)


def test_a_formula_without_cached_value_is_refused_either_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def build() -> Workbook:
        wb = Workbook()
        wb.active["A1"] = "=1+1"
        wb.active["A2"] = "=2+2"
        return wb

    with pytest.raises(ValueError, match=r"without a cached value: Sheet!A2$"):
        workbook_bytes(build(), {("Sheet", "A1"): 2.0})
    monkeypatch.setattr(xlsx_sheetdata, "fast_writer_available", lambda: False)
    with pytest.raises(ValueError, match=r"without a cached value: Sheet!A2$"):
        workbook_bytes(build(), {("Sheet", "A1"): 2.0})


def test_sheet_writer_cells_equal_openpyxl_cells(monkeypatch: pytest.MonkeyPatch) -> None:
    # SheetWriter makes cells without openpyxl's per-cell calls; openpyxl's own
    # ws.cell and value setter are the reference.
    def build() -> tuple[Workbook, Any]:
        wb = Workbook()
        names = WorkbookNames(wb)
        sh = SheetWriter(wb.active, names)
        for i, v in enumerate(NUMBERS[:18] + TEXTS, start=1):
            sh.put(i, 1, v, "input" if i % 2 else None, "0.00" if i % 3 else None)
            sh.put(i, 3, v)
        for i in range(1, 6):
            sh.formula(i, 2, f"A{i}*2", float(i), "0.0%", "key" if i % 2 else "calc")
        sh.formula(7, 2, 'A7&"\u00a0"', "x")  # not plain printable: openpyxl's setter
        sh.put(3, 3, "again", "bold")  # a cell written twice keeps one entry
        # whole columns: the first cell as above, the others made by the short cut
        sh.formula_column(5, 2, ["A2*2", "A3*2", "A4\u00a0", "A5"], [1.0, None, "t", 2], "0.0")
        sh.formula_column(2, 4, ["B4+1", "B5+1"], [3.0, 4.0], "0.0", "key")  # B4 exists
        sh.value_column(6, 1, [1.0, float("nan"), -0.0, 7, 2.5], "input", "0.00")
        SheetWriter(wb.active).value_column(7, 1, [1.0, 2.0], "bold")  # no names: no style cache
        return wb, names.cached

    _both(build, monkeypatch)
    wb, _ = build()
    ref = Workbook().active
    for (r, c), cell in wb.active._cells.items():
        if c != 3:
            continue
        other = ref.cell(row=r, column=c)
        v = NUMBERS[:18][r - 1] if r <= 18 else TEXTS[r - 19]
        if isinstance(v, str):
            xlsx_common.set_text(other, v)
        elif not (isinstance(v, float) and not math.isfinite(v)):
            other.value = v
        if r == 3:
            xlsx_common.set_text(other, "again")
        assert (cell._value, cell.data_type) == (other._value, other.data_type), (r, c)
    assert wb.active._current_row == max(r for r, _ in wb.active._cells)


def test_sheet_writer_refuses_what_openpyxl_refuses() -> None:
    sh = SheetWriter(Workbook().active)
    with pytest.raises(IllegalCharacterError):
        sh.put(1, 1, "bell\x07")
    with pytest.raises(IllegalCharacterError):
        sh.formula(1, 2, '"\x01"', 0.0)
    with pytest.raises(ValueError, match="at least 1"):
        sh.put(0, 1, 1.0)


def _columns(fast: bool) -> Workbook:
    """Columns and rows of every kind, sized by :mod:`.xlsx_dimensions` or by openpyxl."""
    wb = Workbook()
    ws = wb.active
    other = wb.create_sheet("Other")
    widths: list[tuple[str, Any]] = [("C", 12.25), ("A", 44), ("AB", 7.5), ("C", 9.0)]
    widths += [("B", np.float64(3.25)), ("D", True), ("E", 0.0)]
    heights: list[tuple[int, Any]] = [(3, 26.0), (7, 13.0), (3, 39.0), (9, 15)]
    heights += [(11, np.float64(20.5)), (12, 0.0)]  # E and row 12: no width, no height
    for letter, width in widths:
        if fast:
            xlsx_dimensions.set_width(ws, letter, width)
        else:
            ws.column_dimensions[letter].width = width
    for row, height in heights:
        if fast:
            xlsx_dimensions.set_height(ws, row, height)
        else:
            ws.row_dimensions[row].height = height
    ws["A1"] = 1.0
    ws.column_dimensions["F"].font = Font(bold=True)  # a styled column
    ws.column_dimensions["G"].hidden = True
    ws.column_dimensions["H"].bestFit = True
    ws.column_dimensions["K"]  # made, never set: the default width
    ws.column_dimensions.group("M", "O", outline_level=2, hidden=True)
    ws.row_dimensions[5].font = Font(italic=True)  # a styled row
    for letter in ("B", "A"):  # a sheet whose columns get no width
        other.column_dimensions[letter]
    return wb


def test_columns_and_row_heights_are_set_and_written_as_openpyxl_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the source of truth: openpyxl's own assignments and writer (3.1)
    fast, slow = _columns(True), _columns(False)
    for a, b in zip(fast.worksheets, slow.worksheets, strict=True):
        for holder_a, holder_b in (
            (a.column_dimensions, b.column_dimensions),
            (a.row_dimensions, b.row_dimensions),
        ):
            assert list(holder_a) == list(holder_b)
            for key in holder_b:
                assert holder_a[key].__dict__ == holder_b[key].__dict__
                assert type(holder_a[key]) is type(holder_b[key])
    _both(lambda: (_columns(True), None), monkeypatch)
    _both(lambda: (_columns(False), None), monkeypatch)
