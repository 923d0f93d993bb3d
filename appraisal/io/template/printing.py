"""How the input template looks on screen and on paper: widths, number formats, print setup.

- Column A (the field in words) is as wide as its longest label, within
  :data:`LABEL_WIDTH`; longer labels wrap.
- Numbers show thousands separators (``52,000.0``); years and the plain
  decimals of rates and shares do not (``2021``, ``0.09``).
- Each sheet prints landscape on A4 with the header row and the label column on
  every page, the case name and the sheet in the header, "Page x of y" in the
  footer. The print area is the form (columns A to F) and, in a filled template,
  the year columns up to the case's horizon; it is fitted to as many pages wide
  as the form is wide, so the text keeps the size of a one-page-wide form.
"""

from __future__ import annotations

import math
from typing import Any

from openpyxl.utils import get_column_letter

from appraisal.io.template.layout import YEAR_COLUMNS, A, B, F, Sheet, labels
from appraisal.schema import Field

__all__ = [
    "FORM_WIDTHS",
    "LABEL_WIDTH",
    "YEAR_WIDTH",
    "fit_rows",
    "number_format",
    "print_setup",
    "set_widths",
]

# Widths of columns B to F (value, unit, source, expected, description) [characters].
FORM_WIDTHS = (22.0, 14.0, 24.0, 20.0, 60.0)
LABEL_WIDTH = (30.0, 44.0)  # narrowest and widest label column [characters]
LINE_HEIGHT = 15.0  # a line of 11-point text [points]
MAX_LINES = 8  # a row grows to at most this many lines (longer text is cut on paper)
YEAR_WIDTH = 11.0  # a year column past F: 11 characters hold "-1,234,567.0"
INDENT = 2.0  # characters one indent level of openpyxl's Alignment takes (about)

NUMBER = "#,##0.0#########"  # thousands separators, up to 10 decimals, never a bare "."
WHOLE = "#,##0"
YEAR = "0"
PLAIN = "General"
# TRUE or FALSE: Excel shows a boolean so anyway; LibreOffice shows an .xlsx boolean
# as 1 or 0 unless the format says otherwise.
BOOL = '"TRUE";"TRUE";"FALSE"'


def number_format(f: Field) -> str:
    """The number format of an input cell of ``f``.

    >>> from appraisal.schema import field_by_key
    >>> number_format(field_by_key()["case.price_year"])
    '0'
    >>> number_format(field_by_key()["financing.loan.amount"])
    '#,##0.0#########'
    >>> number_format(field_by_key()["economic.discount_rate"])
    'General'
    """
    unit = f.unit.lower()
    if f.type == "bool":
        return BOOL
    if f.type == "int":
        return YEAR if unit in ("year", "years") else WHOLE
    if f.type in ("rate", "shares") or "share" in unit or unit.startswith("decimal"):
        return PLAIN
    if f.type in ("float", "stream", "path"):
        if f.max is not None and f.max <= 10 and (f.min is None or f.min >= -10):
            return PLAIN  # a ratio or a factor: a few digits, no thousands
        return NUMBER
    return PLAIN


def set_widths(ws: Any, sheet: Sheet) -> None:
    """Column widths: the label column from its texts, the form, then the year columns."""
    longest = LABEL_WIDTH[0]
    for it in sheet.items:
        for _, col, text in labels(it):
            if col == A:
                longest = max(longest, len(text) + INDENT * it.depth + 1)
    ws.column_dimensions[get_column_letter(A)].width = min(longest, LABEL_WIDTH[1])
    for j, width in enumerate(FORM_WIDTHS):
        ws.column_dimensions[get_column_letter(B + j)].width = width
    for col in range(F + 1, B + YEAR_COLUMNS):
        ws.column_dimensions[get_column_letter(col)].width = YEAR_WIDTH


def _lines(text: str, width: float, indent: int) -> int:
    r"""Lines a wrapped text takes in a column ``width`` characters wide (an estimate).

    Proportional text fits about 1.2 characters per width unit (the width of a "0").

    >>> _lines("short", 20, 0), _lines("x" * 100, 20, 0), _lines("a\nb", 20, 0)
    (1, 5, 2)
    """
    per_line = max(1.0, (width - 2 * indent) * 1.2)
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def fit_rows(ws: Any) -> None:
    """Row heights that show every wrapped text of the form (columns A to F)."""
    widths = [ws.column_dimensions[get_column_letter(c)].width for c in range(A, F + 1)]
    widths = [w or 8.43 for w in widths]  # 8.43: a spreadsheet's default column width
    for row in range(1, ws.max_row + 1):
        lines = 1
        for col in range(A, len(widths) + 1):
            cell = ws._cells.get((row, col))
            if cell is None or not isinstance(cell.value, str) or not cell.alignment.wrap_text:
                continue
            indent = int(cell.alignment.indent or 0)
            lines = max(lines, _lines(cell.value, widths[col - 1], indent))
        if lines > 1:
            ws.row_dimensions[row].height = LINE_HEIGHT * min(lines, MAX_LINES)


def _form_width(ws: Any, last: int) -> float:
    return sum(ws.column_dimensions[get_column_letter(c)].width for c in range(A, last + 1))


def print_setup(
    ws: Any, case_name: str, years: int | None, *, yearly: bool, last_column: int = F
) -> None:
    """Landscape A4, title row and label column repeated, header and footer, print area.

    Parameters
    ----------
    ws
        The sheet (rows already written).
    case_name
        Shown in the page header ("" for a blank template).
    years
        The case's horizon [years], or None (blank template: the form only).
    yearly
        Whether the sheet has yearly rows (then the year columns up to ``years`` print).
    last_column
        The last column of the form (F; 1 for the Instructions sheet).
    """
    last = last_column
    if yearly and years:
        last = max(F, B + min(years, YEAR_COLUMNS) - 1)
    form = _form_width(ws, last_column)
    width = form + YEAR_WIDTH * max(0, last - last_column)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = max(1, math.ceil(width / form - 0.05))
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.print_options.gridLines = False
    if last_column > A:
        ws.print_title_rows = "3:3"
        ws.print_title_cols = "A:A"
    ws.print_area = f"A1:{get_column_letter(last)}{max(ws.max_row, 3)}"
    title = case_name.replace("&", "&&")[:80]
    ws.oddHeader.left.text = title or "Appraisal input template"
    ws.oddHeader.right.text = "&A"
    ws.oddFooter.center.text = "Page &P of &N"
