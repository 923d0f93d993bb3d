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
import functools
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.theme import theme_xml
from reportlab.pdfbase.pdfmetrics import stringWidth

from appraisal.io.xlsx_common import NA

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
FONT_SIZE = 10.0  # points
NA_TEXT = "n/a"
MAX_WIDTH = 60.0  # characters: a wider text wraps (the first column, labels)
MAX_OTHER_WIDTH = 50.0  # characters, every other column
MIN_WIDTH = 6.0  # characters
HEADER_WIDTH = 45.0  # points a header may take before it wraps at its spaces
_OPENPYXL_SIZE = 11.0  # openpyxl's default font size
MIN_SCALE = 0.65  # below 65% a 10-point font prints under 6.5 points: split the width instead
LINE_POINTS = 13.0  # row height of one line of 10-point text (points)
PAD_POINTS = 10.0  # the cell's inner margins and a gap to the next column (points)

# A4 in points, and the margins (inches, as openpyxl takes them)
_A4 = (595.3, 841.9)
_MARGINS = {"left": 0.5, "right": 0.5, "top": 0.75, "bottom": 0.75, "header": 0.3, "footer": 0.3}
_NA_CALL = re.compile(r"(?<![A-Za-z0-9_.])NA\(\)")


# ------------------------------------------------------------------ measuring
def column_points(width: float) -> float:
    """The printed width of a column ``width`` characters wide (points).

    Excel's column width counts the maximum digit width of the default font
    (7 pixels for Arial 10 at 96 dpi) plus 5 pixels of padding; a pixel is 0.75 pt.

    >>> column_points(10)
    56.25
    """
    return (width * 7 + 5) * 0.75


def text_points(text: str, size: float = FONT_SIZE, bold: bool = False) -> float:
    """The width of one line of text in :data:`FONT_NAME` (points).

    Arial's widths are Helvetica's (the fonts are metric-compatible), whose
    published AFM metrics reportlab carries; a character outside Latin-1 (a
    Chinese name) counts one em.

    >>> round(text_points("Year"), 2)
    21.12
    """
    font = "Helvetica-Bold" if bold else "Helvetica"
    if text.isascii():
        return float(stringWidth(text, font, size))
    return sum(float(stringWidth(ch, font, size)) if ord(ch) < 256 else size for ch in text)


# a workbook measures the same labels and figures many times over
_points = functools.lru_cache(maxsize=1 << 16)(text_points)


def _decimals(section: str) -> int:
    m = re.search(r"0\.(0+)", section)
    return len(m.group(1)) if m else 0


@functools.lru_cache(maxsize=1024)
def _format_parts(fmt: str | None) -> tuple[str, str, int, str]:
    """(first section, its literal text, decimals, thousands separator) of a number format."""
    section = (fmt or "General").split(";")[0]
    literal = "".join(re.findall(r'"([^"]*)"', section))
    return section, literal, _decimals(section), "," if "," in section else ""


def shown(value: Any, fmt: str | None) -> str:
    """The text a spreadsheet shows for a value in a number format (near enough to measure)."""
    if value is None:
        return ""
    if value is NA:
        return NA_TEXT
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, str):
        return value
    v = float(value)
    if not math.isfinite(v):
        return NA_TEXT
    section, literal, d, sep = _format_parts(fmt)
    if "%" in section:
        return f"{v * 100:{sep}.{d}f}%{literal}"
    if "E+" in section.upper():
        return f"{v:.{d}E}"
    if section == "General":
        return f"{v:.10g}"
    return f"{v:{sep}.{d}f}{literal}"


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


# ------------------------------------------------------------------ n/a
def _na_as_text(ws: Worksheet, cached: dict[tuple[str, str], Any]) -> None:
    """``NA()`` in formulas becomes ``"n/a"``; a cached error becomes that text, right-aligned."""
    right = Alignment(horizontal="right")
    title = ws.title
    for cell in ws._cells.values():
        if cell.data_type != "f" or not isinstance(cell.value, str):
            continue
        if "NA()" in cell.value:
            cell.value = _NA_CALL.sub(f'"{NA_TEXT}"', cell.value)
        key = (title, f"{get_column_letter(cell.column)}{cell.row}")
        if cached.get(key) is NA:
            cached[key] = NA_TEXT
            cell.alignment = right


# ------------------------------------------------------------------ widths
def _frozen(ws: Worksheet) -> tuple[int, int]:
    """(rows, columns) above and left of the frozen pane (0, 0 without one)."""
    pane = ws.freeze_panes
    if not pane:
        return 0, 0
    m = re.fullmatch(r"([A-Z]+)(\d+)", pane)
    assert m is not None
    return int(m.group(2)) - 1, column_index_from_string(m.group(1)) - 1


def _lines(text: str, width_pt: float, size: float, bold: bool) -> int:
    """Lines ``text`` takes when wrapped at word boundaries in ``width_pt`` points."""
    n = 0
    for para in text.split("\n"):
        n += 1
        line = ""
        for word in para.split(" "):
            trial = f"{line} {word}" if line else word
            if line and _points(trial, size, bold) > width_pt:
                n += 1
                line = word
            else:
                line = trial
    return n


def _chars(points: float) -> float:
    """The column width (characters, to a quarter) that prints ``points`` wide."""
    return math.ceil((points / 0.75 - 5) / 7 * 4) / 4


def _fit_columns(ws: Worksheet, cached: Mapping[tuple[str, str], Any]) -> None:
    """Column widths from the content, wrapping what would not fit, row heights to match.

    A text stays in its own column (running into empty neighbours could cross a
    page edge and be cut), except the only entry of a row (a title, a note):
    that may run on to the edge of the first page that prints it.
    """
    # Styles are read from the workbook's tables by the cell's style ids (what
    # ``cell.font`` and ``cell.alignment`` do, without a proxy object per call),
    # and each new alignment is added to the table once: a large case has
    # hundreds of thousands of cells.
    wb = ws.parent
    fonts, alignments = wb._fonts, wb._alignments
    font_of: dict[int, tuple[float, bool]] = {}
    aligned: dict[tuple[Any, Any, Any], int] = {}

    def font(cell: Any) -> tuple[float, bool]:
        fid = cell._style.fontId
        if fid not in font_of:
            f = fonts[fid]
            font_of[fid] = (float(f.sz or FONT_SIZE), bool(f.b))
        return font_of[fid]

    def align(cell: Any, horizontal: Any, vertical: Any, wrap: Any) -> None:
        key = (horizontal, vertical, wrap)
        if key not in aligned:
            aligned[key] = alignments.add(
                Alignment(horizontal=horizontal, vertical=vertical, wrap_text=wrap)
            )
        cell._style.alignmentId = aligned[key]

    head_rows, _ = _frozen(ws)
    title = ws.title
    rows: dict[int, list[tuple[int, Any, str]]] = {}
    format_of: dict[int, str] = {}
    for (r, c), cell in sorted(ws._cells.items()):
        value = cell.value
        if cell.data_type == "f":
            value = cached.get((title, f"{get_column_letter(c)}{r}"), "")
        if not cell._style:  # as reading ``cell.number_format`` would
            cell._style = StyleArray()
        fid = cell._style.numFmtId
        if fid not in format_of:
            format_of[fid] = cell.number_format
        text = shown(value, format_of[fid])
        if text:
            rows.setdefault(r, []).append((c, cell, text))
    if not rows:
        return
    last_col = max(c for cells in rows.values() for c, _, _ in cells)
    need: dict[int, float] = {}  # column -> points its entries need

    def want(col: int, pts: float) -> None:
        need[col] = max(need.get(col, 0.0), pts)

    for r, cells in rows.items():
        if len(cells) == 1 and cells[0][1].data_type == "s":
            continue  # a title or a note: measured against the page below
        for c, cell, text in cells:
            size, bold = font(cell)
            if cell.data_type == "s" and (
                r <= head_rows or alignments[cell._style.alignmentId].wrap_text
            ):
                widest = max(_points(w, size, bold) for w in text.split())
                want(c, max(widest, min(_points(text, size, bold), HEADER_WIDTH)))
                continue
            want(c, max(_points(line, size, bold) for line in text.split("\n")))
    width: dict[int, float] = {}
    for c in range(1, last_col + 1):
        cap_pts = column_points(MAX_WIDTH if c == 1 else MAX_OTHER_WIDTH) - PAD_POINTS
        width[c] = max(MIN_WIDTH, _chars(min(need.get(c, 0.0), cap_pts) + PAD_POINTS))
        ws.column_dimensions[get_column_letter(c)].width = width[c]
    # a printed page holds at least a portrait page's width of the sheet (scale <= 1)
    page = _printable(False)[0]
    # wrap what does not fit; rows as tall as their lines
    height: dict[int, float] = {}
    for r, cells in rows.items():
        for c, cell, text in cells:
            if cell.data_type != "s":
                continue
            size, bold = font(cell)
            alignment = alignments[cell._style.alignmentId]
            room = column_points(width[c]) - PAD_POINTS
            if len(cells) == 1:
                left = sum(column_points(width[j]) for j in range(1, c))
                room = max(room, page - left - PAD_POINTS)
            lines = 1
            if alignment.wrap_text or _points(text, size, bold) > room or "\n" in text:
                vertical = alignment.vertical or ("bottom" if r <= head_rows else "top")
                align(cell, alignment.horizontal, vertical, True)
                lines = _lines(text, column_points(width[c]) - PAD_POINTS, size, bold)
            line_pts = LINE_POINTS * size / FONT_SIZE
            if lines > 1 or size > FONT_SIZE:
                height[r] = max(height.get(r, LINE_POINTS), lines * line_pts)
    for r, h in height.items():
        ws.row_dimensions[r].height = round(h, 2)
        if h > LINE_POINTS and r > head_rows:  # a tall row reads from its top line
            for _, cell, _text in rows[r]:
                alignment = alignments[cell._style.alignmentId]
                if not alignment.vertical:
                    align(cell, alignment.horizontal, "top", alignment.wrap_text)


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
    extra = _used_points(ws) - sum(cols)
    return [*cols, extra] if extra > 0 else cols


def _used_points(ws: Worksheet) -> float:
    """How wide the sheet prints at 100%: its columns and the right edge of its charts."""
    last = ws.max_column if ws._cells else 0

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
    rows, cols = _frozen(ws)
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
    for ws in wb.worksheets:
        _na_as_text(ws, values)
        _fit_columns(ws, values)
        _page_setup(ws, title)
