"""How every workbook we write looks on screen and on paper: one font, n/a, widths, page setup.

:func:`finish_workbook` is the last step before saving (the appraisal workbook
and the cluster, fund, peak and comparison workbooks). It is generic: it reads
the cells, the frozen panes and the charts each sheet module left, so a sheet
added later is covered without changes here.

1. One font family (:data:`FONT_NAME`, :data:`FONT_SIZE`): every font of the
   workbook's style table, the default ("Normal") style included, and the theme's
   fonts that charts use. Arial because Excel on Windows and macOS has it and
   Linux has the metric-compatible Liberation Sans, so the widths computed here
   hold everywhere (Calibri's substitute, Carlito, is rarely installed).
2. A figure that does not exist is the text ``n/a``, never ``#N/A``: ``NA()`` in
   a formula becomes ``"n/a"`` and the cached value follows (``docs/workbook.md``,
   "Figures the engine reports as null"). A custom number format cannot hide an
   error, and a white font would still print the error's text in a PDF.
3. Column widths from the content: each column is as wide as its widest entry
   (text measured with the font's published metrics, numbers as their number
   format shows them), capped at :data:`MAX_WIDTH` characters; a longer text
   wraps and its row gets the height of its lines. Header rows (above the
   frozen pane) wrap at word boundaries rather than widen a column of figures.
   Steps 2 and 3 are :func:`~appraisal.io.workbook.widths.fit_columns`.
4. The page setup: A4, margins, portrait when the used width fits, else
   landscape; fit to :func:`pages_wide` pages wide (one unless the text would
   print below :data:`MIN_SCALE`), any number of pages tall; the rows above and
   columns left of the frozen pane repeated on every page; header with the case
   name and the sheet, footer "Page x of y".

Examples
--------
>>> shown(0.0975, "0.00%"), shown(1234.5, "#,##0.00"), shown(True, None)
('9.75%', '1,234.50', 'TRUE')
>>> pages_wide([100.0] * 7, landscape=True), pages_wide([100.0] * 20, landscape=True)
(1, 2)
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Sequence
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.theme import theme_xml

from appraisal.io.workbook.widths import (
    FONT_SIZE,
    LINE_POINTS,
    MAX_WIDTH,
    NA_TEXT,
    column_points,
    fit_columns,
    frozen,
    shown,
    text_points,
)

__all__ = [
    "FONT_NAME",
    "FONT_SIZE",
    "MAX_WIDTH",
    "MIN_SCALE",
    "NA_TEXT",
    "column_points",
    "finish_workbook",
    "pages_wide",
    "shown",
    "text_points",
]

FONT_NAME = "Arial"
_OPENPYXL_SIZE = 11.0  # openpyxl's default font size
MIN_SCALE = 0.65  # below 65% a 10-point font prints under 6.5 points: split the width instead

# A4 in points, and the margins (inches, as openpyxl takes them)
_A4 = (595.3, 841.9)
_MARGINS = {"left": 0.5, "right": 0.5, "top": 0.75, "bottom": 0.75, "header": 0.3, "footer": 0.3}


# ------------------------------------------------------------------ fonts
def _one_font_family(wb: Workbook) -> None:
    """Every font of the style table in :data:`FONT_NAME`, sizes kept (unset: :data:`FONT_SIZE`)."""
    fonts = []
    for f in wb._fonts:
        g = copy.copy(f)  # the table holds the shared STYLE fonts: never change them in place
        g.name = FONT_NAME
        g.scheme = None  # a theme font ("minor") would override the name in Excel
        g.family = 2  # swiss: sans serif
        # openpyxl's default (11) and an unset size become the workbook's; titles keep theirs
        g.sz = FONT_SIZE if f.sz is None or f.sz == _OPENPYXL_SIZE else f.sz
        fonts.append(g)
    wb._fonts = IndexedList(fonts)
    # the theme's fonts are the charts' (titles, axes, legends)
    wb.loaded_theme = re.sub(r'typeface="(Calibri|Cambria)"', f'typeface="{FONT_NAME}"', theme_xml)


# ------------------------------------------------------------------ page setup
def _printable(landscape: bool) -> tuple[float, float]:
    """(width, height) inside the margins of an A4 page (points)."""
    w, h = (_A4[1], _A4[0]) if landscape else _A4
    m = _MARGINS
    return w - 72 * (m["left"] + m["right"]), h - 72 * (m["top"] + m["bottom"])


def pages_wide(columns: Sequence[float], *, landscape: bool, repeat: int = 0) -> int:
    """Pages across for columns (points each) to print at :data:`MIN_SCALE` or more.

    Columns are not split; the first ``repeat`` columns print on every page. The
    spreadsheet then picks the largest scale (at most 100%) that fits this many
    pages, which is :data:`MIN_SCALE` or more.
    """
    holds = _printable(landscape)[0] / MIN_SCALE - sum(columns[:repeat])
    pages, line = 1, 0.0
    for w in columns[repeat:]:
        if line and line + w > holds:
            pages, line = pages + 1, 0.0
        line += w
    return pages


def _columns(ws: Worksheet) -> list[float]:
    """The printed columns' widths at 100% (points), with what a chart adds at the right."""
    last = ws.max_column if ws._cells else 0
    cols = [_col_width(ws, j) for j in range(1, last + 1)]
    extra = _used_points(ws, last) - sum(cols)
    return [*cols, extra] if extra > 0 else cols


def _used_points(ws: Worksheet, last: int) -> float:
    """How wide the sheet prints at 100%: columns 1 to ``last`` and the right edge of its charts."""

    def left_of(col: int) -> float:  # points from the sheet's left edge to column ``col``
        return sum(_col_width(ws, j) for j in range(1, col))

    right = left_of(last + 1)
    for chart in ws._charts:
        anchor = chart.anchor
        if isinstance(anchor, str):
            m = re.fullmatch(r"([A-Z]+)(\d+)", anchor)
            assert m is not None
            col = column_index_from_string(m.group(1))
        else:
            col = anchor._from.col + 1
        right = max(right, left_of(col) + chart.width / 2.54 * 72)
    return right


def _used_height(ws: Worksheet) -> float:
    """How tall the sheet prints at 100% (points): its rows and the bottom of its charts."""
    heights = {r: d.height for r, d in ws.row_dimensions.items() if d.height}
    last = ws.max_row if ws._cells else 0
    for chart in ws._charts:
        anchor = chart.anchor
        if isinstance(anchor, str):
            row = int(re.sub(r"[A-Z]+", "", anchor))
        else:
            row = anchor._from.row + 1
        last = max(last, row + math.ceil(chart.height / 2.54 * 72 / LINE_POINTS))
    return sum(heights.get(r, LINE_POINTS) for r in range(1, last + 1))


def _pages(columns: list[float], repeat: int, tall: float, landscape: bool) -> tuple[int, float]:
    """(pages, -scale) of a sheet printed fit to :func:`pages_wide` in one orientation."""
    across = pages_wide(columns, landscape=landscape, repeat=repeat)
    width, height = _printable(landscape)
    wide = sum(columns) + (across - 1) * sum(columns[:repeat])
    scale = min(1.0, across * width / wide) if wide else 1.0
    return across * max(1, math.ceil(tall * scale / height)), -scale


def _col_width(ws: Worksheet, col: int) -> float:
    dim = ws.column_dimensions.get(get_column_letter(col))
    return column_points(dim.width if dim is not None and dim.width else 8.43)


def _page_setup(ws: Worksheet, title: str) -> None:
    """A4, margins, orientation, fit to width, repeated titles, header and footer."""
    columns = _columns(ws)
    tall = _used_height(ws)
    rows, cols = frozen(ws)
    # the frozen columns (the year, the labels) repeat on each page unless they fill a third of it
    repeat = cols if sum(columns[:cols]) <= _printable(False)[0] / MIN_SCALE / 3 else 0
    landscape = min((False, True), key=lambda land: _pages(columns, repeat, tall, land))
    setup = ws.page_setup
    setup.paperSize = ws.PAPERSIZE_A4
    setup.orientation = "landscape" if landscape else "portrait"
    setup.fitToWidth = pages_wide(columns, landscape=landscape, repeat=repeat)
    setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(**_MARGINS)
    if rows:
        ws.print_title_rows = f"1:{rows}"
    if repeat and setup.fitToWidth > 1:
        ws.print_title_cols = f"A:{get_column_letter(repeat)}"
    font = f"{FONT_NAME},Regular"
    header, footer = ws.oddHeader, ws.oddFooter
    for part, text in (
        (header.left, title.replace("&", "&&")),
        (header.center, ""),
        (header.right, "&A"),
        (footer.left, ""),
        (footer.center, "Page &P of &N"),
        (footer.right, ""),
    ):
        part.text = text or None
        part.font = font if text else None
        part.size = 8 if text else None


def finish_workbook(
    wb: Workbook, title: str, cached: dict[tuple[str, str], Any] | None = None
) -> None:
    """The last step before saving: font, n/a, widths and page setup of every sheet.

    Parameters
    ----------
    wb
        The workbook, every sheet written.
    title
        What the page header names on the left (the case, the cluster, ...).
    cached
        (sheet title, coordinate) -> cached value of each formula cell
        (:attr:`~appraisal.io.xlsx_common.WorkbookNames.cached`), changed in place
        where an error becomes ``n/a``; None when the workbook has no formulas.
    """
    _one_font_family(wb)
    values = cached if cached is not None else {}
    page = _printable(False)[0]  # a printed page holds at least a portrait page's width
    for ws in wb.worksheets:
        fit_columns(ws, values, page)
        _page_setup(ws, title)
