"""What a finished sheet shows, and how wide and tall its columns and rows must be for it.

Steps 2 and 3 of :func:`~appraisal.io.workbook.printing.finish_workbook` (whose
docstring gives the rules): :func:`fit_columns` turns ``NA()`` into ``n/a`` and
sets every column's width and the height of rows whose text wraps, from the text
each cell shows (:func:`shown`) measured in the workbook's font
(:func:`text_points`).

A large case has hundreds of thousands of cells, so the figures of one column in
one number format and font are measured together: in a fixed-decimal or percent
format the text of a value of larger magnitude has at least as many digits and
separators, and every digit is as wide as every other (checked for the font), so
the column's largest value and its most negative one show the widest texts of
all. Texts are measured once each (cached), and fonts and alignments are read
from the workbook's style tables by the cells' style ids.

Examples
--------
>>> shown(0.0975, "0.00%"), shown(1234.5, "#,##0.00"), shown(True, None)
('9.75%', '1,234.50', 'TRUE')
>>> widest([5.0, -1234.5, 99.0], "#,##0.00", 10.0, False) == text_points("-1,234.50")
True
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Sequence
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.pdfbase.pdfmetrics import stringWidth

from appraisal.io.xlsx_common import NA
from appraisal.io.xlsx_dimensions import set_height, set_width

__all__ = [
    "FONT_SIZE",
    "LINE_POINTS",
    "MAX_WIDTH",
    "NA_TEXT",
    "column_points",
    "fit_columns",
    "frozen",
    "shown",
    "text_points",
    "widest",
]

FONT_SIZE = 10.0  # points
NA_TEXT = "n/a"
MAX_WIDTH = 60.0  # characters: a wider text wraps (the first column, labels)
MAX_OTHER_WIDTH = 50.0  # characters, every other column
MIN_WIDTH = 6.0  # characters
HEADER_WIDTH = 45.0  # points a header may take before it wraps at its spaces
LINE_POINTS = 13.0  # row height of one line of 10-point text (points)
PAD_POINTS = 10.0  # the cell's inner margins and a gap to the next column (points)

_NA_CALL = re.compile(r"(?<![A-Za-z0-9_.])NA\(\)")
# positions of the font and number format ids in openpyxl's StyleArray of a cell
_FONT, _FORMAT = (int(StyleArray.__dict__[f].key) for f in ("fontId", "numFmtId"))


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
    """The width of one line of text in the workbook's font, Arial (points).

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


@functools.lru_cache(maxsize=1024)
def _by_extremes(fmt: str | None, size: float, bold: bool) -> bool:
    """Whether the widest text of finite figures in ``fmt`` is the largest's or the most negative's.

    True for a fixed-decimal or percent format (one number, digits and separators
    that grow with the magnitude, a fixed literal) in a font whose digits are all
    equally wide; not for General (``0.1234567891`` is wider than ``1``) or
    scientific formats (``E-05`` and ``E+05`` differ).
    """
    section, literal, _, _ = _format_parts(fmt)
    fixed = section != "General" and "E+" not in section.upper() and "\n" not in literal
    return fixed and len({_points(d, size, bold) for d in "0123456789"}) == 1


def widest(values: Sequence[float], fmt: str | None, size: float, bold: bool) -> float:
    """The width of the widest text finite figures (floats or ints) show in ``fmt`` (points)."""
    picks: Sequence[float] = values
    if _by_extremes(fmt, size, bold):
        low, high = min(values), max(values)
        picks = [low, high]
        # -0.0 shows a minus sign, but min() may return an equal 0.0 before it
        if low == 0 and min(map(math.copysign, itertools.repeat(1.0), values)) < 0:
            picks.append(-0.0)
    return max(max(_points(line, size, bold) for line in shown(v, fmt).split("\n")) for v in picks)


def lines(text: str, width_pt: float, size: float, bold: bool) -> int:
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


def frozen(ws: Worksheet) -> tuple[int, int]:
    """(rows, columns) above and left of the frozen pane (0, 0 without one)."""
    pane = ws.freeze_panes
    if not pane:
        return 0, 0
    m = re.fullmatch(r"([A-Z]+)(\d+)", pane)
    assert m is not None
    return int(m.group(2)) - 1, column_index_from_string(m.group(1)) - 1


# ------------------------------------------------------------------ the sheet
def fit_columns(ws: Worksheet, cached: dict[tuple[str, str], Any], page: float) -> None:
    """n/a for NA, column widths from the content, wrapping what would not fit, row heights.

    ``NA()`` in a formula becomes ``"n/a"``, and a cached error that text,
    right-aligned (``cached`` is changed in place). A text stays in its own
    column (running into empty neighbours could cross a page edge and be cut),
    except the only entry of a row (a title, a note): that may run on to the
    edge of the first page that prints it, ``page`` points wide.
    """
    wb = ws.parent
    fonts, alignments = wb._fonts, wb._alignments
    font_of: dict[int, tuple[float, bool]] = {}
    aligned: dict[tuple[Any, Any, Any], int] = {}

    def font(fid: int) -> tuple[float, bool]:
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

    need: dict[int, float] = {}  # column -> points its entries need

    def want(col: int, pts: float) -> None:
        need[col] = max(need.get(col, 0.0), pts)

    head_rows, _ = frozen(ws)
    title = ws.title
    right = Alignment(horizontal="right")
    cells = ws._cells
    format_of: dict[int, str] = {}
    letters: dict[int, str] = {}
    count: dict[int, int] = {}  # row -> entries that show something
    texts: list[tuple[int, int, Any, str]] = []  # (row, column, cell, text) of text cells
    figures: dict[tuple[int, int, int], list[float]] = {}  # (column, format, font) -> values
    last_col = 0

    def value_of(cell: Any, r: int, c: int) -> Any:
        """What the cell shows: its value, or a formula's cached value."""
        if cell.data_type != "f":
            return cell._value
        letter = letters.get(c)
        if letter is None:
            letter = letters[c] = get_column_letter(c)
        return cached.get((title, f"{letter}{r}"), "")

    for (r, c), cell in cells.items():
        kind = cell.data_type
        if kind == "f":
            letter = letters.get(c)
            if letter is None:
                letter = letters[c] = get_column_letter(c)
            key = (title, f"{letter}{r}")
            value = cached.get(key, "")
            if isinstance(cell._value, str):
                if "NA()" in cell._value:
                    cell.value = _NA_CALL.sub(f'"{NA_TEXT}"', cell._value)
                if value is NA:
                    value = cached[key] = NA_TEXT
                    cell.alignment = right
        else:
            value = cell._value
        style = cell._style
        if not style:  # as reading ``cell.number_format`` would
            style = cell._style = StyleArray()
        fid = style[_FORMAT]
        if fid not in format_of:
            format_of[fid] = cell.number_format
        vt = type(value)
        if (vt is float or vt is int) and kind != "s" and value - value == 0:
            group = (c, fid, style[_FONT])
            if group in figures:
                figures[group].append(value)
            else:
                figures[group] = [value]
        else:
            text = shown(value, format_of[fid])
            if not text:
                continue
            if kind == "s":
                texts.append((r, c, cell, text))
            else:
                size, bold = font(style[_FONT])
                want(c, max(_points(line, size, bold) for line in text.split("\n")))
        count[r] = count.get(r, 0) + 1
        if c > last_col:
            last_col = c
    if not count:
        return
    for (c, fid, font_id), values in figures.items():
        want(c, widest(values, format_of[fid], *font(font_id)))
    texts.sort(key=lambda t: (t[0], t[1]))  # by row, then column: new alignments in that order
    for r, c, cell, text in texts:
        if count[r] == 1:
            continue  # a title or a note: measured against the page below
        size, bold = font(cell._style.fontId)
        if r <= head_rows or alignments[cell._style.alignmentId].wrap_text:
            widest_word = max(_points(w, size, bold) for w in text.split())
            want(c, max(widest_word, min(_points(text, size, bold), HEADER_WIDTH)))
            continue
        want(c, max(_points(line, size, bold) for line in text.split("\n")))
    width: dict[int, float] = {}
    for c in range(1, last_col + 1):
        cap_pts = column_points(MAX_WIDTH if c == 1 else MAX_OTHER_WIDTH) - PAD_POINTS
        width[c] = max(MIN_WIDTH, _chars(min(need.get(c, 0.0), cap_pts) + PAD_POINTS))
        set_width(ws, get_column_letter(c), width[c])
    # wrap what does not fit; rows as tall as their lines
    height: dict[int, float] = {}
    for r, c, cell, text in texts:
        size, bold = font(cell._style.fontId)
        alignment = alignments[cell._style.alignmentId]
        room = column_points(width[c]) - PAD_POINTS
        if count[r] == 1:
            left = sum(column_points(width[j]) for j in range(1, c))
            room = max(room, page - left - PAD_POINTS)
        n = 1
        if alignment.wrap_text or _points(text, size, bold) > room or "\n" in text:
            vertical = alignment.vertical or ("bottom" if r <= head_rows else "top")
            align(cell, alignment.horizontal, vertical, True)
            n = lines(text, column_points(width[c]) - PAD_POINTS, size, bold)
        line_pts = LINE_POINTS * size / FONT_SIZE
        if n > 1 or size > FONT_SIZE:
            height[r] = max(height.get(r, LINE_POINTS), n * line_pts)
    for r, h in height.items():
        set_height(ws, r, round(h, 2))
        if h > LINE_POINTS and r > head_rows:  # a tall row reads from its top line
            for c in range(1, last_col + 1):
                cell = cells.get((r, c))
                if cell is None or not shown(value_of(cell, r, c), format_of[cell._style.numFmtId]):
                    continue
                alignment = alignments[cell._style.alignmentId]
                if not alignment.vertical:
                    align(cell, alignment.horizontal, "top", alignment.wrap_text)
