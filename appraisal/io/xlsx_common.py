"""The one sheet and table writer of every .xlsx we write (workbooks, input template).

- :class:`SheetWriter` writes the cells of one worksheet: text and numbers with a
  style and a number format (:meth:`~SheetWriter.put`), formulas with the value
  the engine found for them (:meth:`~SheetWriter.formula`), header rows, simple
  tables, column widths, references and the page setup.
- :class:`WorkbookNames` is the registry of one workbook: its defined names and
  the cached value of each formula cell, which :func:`add_cached_values` writes
  into the saved file so that a viewer that does not calculate shows the value.
- :data:`STYLE` is the colour code (inputs blue on yellow, derived inputs blue on
  light blue, formulas black, key results boxed, settings grey).
- :func:`set_text` writes user text as text, never as a formula (text that starts
  with = + - @ would otherwise be taken as one by a spreadsheet).
- :func:`workbook_bytes` saves a workbook deterministically: fixed document
  properties and zip timestamps, so the same inputs give the same bytes
  (:mod:`appraisal.io.xlsx_save`, re-exported here with :data:`NA`,
  :func:`add_cached_values` and :func:`normalize_xlsx_bytes`).

The cells are openpyxl's, but :class:`SheetWriter` makes new ones without
openpyxl's per-cell calls (its ``Cell.__init__``, value checks and style
lookups), as openpyxl 3.1 would make them, where
:func:`appraisal.io.xlsx_sheetdata.fast_writer_available`; a large case writes
a quarter of a million.

Examples
--------
>>> from openpyxl import Workbook
>>> wb = Workbook()
>>> names = WorkbookNames(wb)
>>> sh = SheetWriter(wb.active, names)
>>> sh.put(1, 1, 2.5, "input", "0.00")
'A1'
>>> sh.formula(1, 2, "A1*2", 5.0)
'B1'
>>> names.cached[("Sheet", "B1")]
5.0
>>> sh.ref(1, 1, absolute=True)
"'Sheet'!$A$1"
"""

from __future__ import annotations

import array
import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from appraisal.io import xlsx_sheetdata
from appraisal.io.xlsx_dimensions import set_width
from appraisal.io.xlsx_save import (
    FIXED_TIME,
    NA,
    add_cached_values,
    normalize_xlsx_bytes,
    workbook_bytes,
)

__all__ = [
    "FIXED_TIME",
    "MONEY_FORMAT",
    "NA",
    "PERCENT_FORMAT",
    "STYLE",
    "SheetWriter",
    "WorkbookNames",
    "add_cached_values",
    "cached_value",
    "is_formula_like",
    "normalize_xlsx_bytes",
    "quote_sheet",
    "set_text",
    "workbook_bytes",
]

_FORMULA_START = ("=", "+", "-", "@")

Style = Mapping[str, Any]  # cell attribute -> value: font, fill, border, alignment


_THIN = Side(style="thin", color="999999")
STYLE: dict[str, dict[str, Any]] = {
    # Inputs given by the case: blue on yellow (the usual financial-model code).
    "input": {"font": Font(color="0000CC"), "fill": PatternFill("solid", fgColor="FFF2CC")},
    # Inputs derived by the engine from the case's parameters: blue on light blue.
    "derived": {"font": Font(color="0000CC"), "fill": PatternFill("solid", fgColor="DDEBF7")},
    # Calculated (formulas): black on white.
    "calc": {"font": Font(color="000000")},
    # Key results: bold, boxed.
    "key": {
        "font": Font(color="000000", bold=True),
        "border": Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN),
    },
    # Settings fixed when the workbook is written (re-run the case to change): grey.
    "setting": {"font": Font(color="595959")},
    # Figures fixed when written, on a grey ground (the risk and sensitivity sheets).
    "fixed": {"font": Font(color="595959"), "fill": PatternFill("solid", fgColor="EDEDED")},
    "head": {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="D9D9D9")},
    "bold": {"font": Font(bold=True)},
    "title": {"font": Font(bold=True, size=14)},
    # Not a colour: text that wraps in its column (the labels above yearly columns).
    "wrap": {"alignment": Alignment(wrap_text=True)},
}

# Number formats of figures written as values (the risk and sensitivity sheets).
MONEY_FORMAT = "#,##0.00;-#,##0.00"
PERCENT_FORMAT = "0.00%"

# cell attribute -> the field of openpyxl's StyleArray it sets
_STYLE_FIELDS = {
    "font": "fontId",
    "fill": "fillId",
    "border": "borderId",
    "alignment": "alignmentId",
    "number_format": "numFmtId",
}
# the same, as the field's position in the StyleArray (an array of 9 ints)
_STYLE_POSITION = {a: int(StyleArray.__dict__[f].key) for a, f in _STYLE_FIELDS.items()}


def set_text(cell: Any, value: str) -> None:
    """Put ``value`` in an openpyxl cell as a string, even if it looks like a formula."""
    if type(value) is str and _plain_text(value):  # what openpyxl's value setter keeps
        cell._value = value
    else:
        cell.value = value  # truncates a long text, refuses control characters
    cell.data_type = "s"  # openpyxl would otherwise mark "=..." as a formula


def _plain_text(value: str) -> bool:
    """Whether openpyxl would store this text unchanged (short, no control characters)."""
    return len(value) <= 32767 and value.isprintable()


def is_formula_like(value: str) -> bool:
    """Whether a spreadsheet would read this text as a formula."""
    return value.startswith(_FORMULA_START)


def quote_sheet(title: str) -> str:
    """A sheet title quoted for a reference.

    >>> quote_sheet("GHG and abatement")
    "'GHG and abatement'"
    """
    return "'" + title.replace("'", "''") + "'"


def cached_value(x: Any) -> Any:
    """The cached value of a formula from the engine's figure: None and non-finite become NA.

    >>> cached_value(None), cached_value(float("nan")), cached_value(2), cached_value("ok")
    (NA, NA, 2.0, 'ok')
    """
    if x is None:
        return NA
    if isinstance(x, bool | str):
        return x
    v = float(x)
    return v if math.isfinite(v) else NA


_letter = functools.lru_cache(maxsize=None)(get_column_letter)
_MAX_ROW = 1048576  # a worksheet's last row
_new_cell = object.__new__
_style_array = array.array.__new__
_quoted = functools.lru_cache(maxsize=256)(quote_sheet)


def _bare_cell(ws: Any, row: int, col: int, style: Any, value: Any, data_type: str) -> Any:
    """A cell put in ``ws`` as openpyxl 3.1's ``Cell.__init__`` and ``Worksheet._add_cell``
    make it, less their per-cell calls (the caller has checked what they would check)."""
    cell = _new_cell(Cell)
    cell.parent = ws
    cell._style = style
    cell.row = row
    cell.column = col
    cell._value = value
    cell._hyperlink = None
    cell.data_type = data_type
    cell._comment = None
    ws._cells[(row, col)] = cell
    if row > ws._current_row:
        ws._current_row = row
    return cell


@functools.cache
def _blank_name() -> dict[str, Any]:
    """The attributes of openpyxl's ``DefinedName()``, every field unset."""
    return dict(DefinedName("blank").__dict__)


def _defined_name(name: str, ref: str) -> DefinedName:
    """``DefinedName(name, attr_text=ref)``, without checking its fifteen unset fields each time."""
    if not xlsx_sheetdata.fast_writer_available():
        return DefinedName(name, attr_text=ref)
    dn = object.__new__(DefinedName)
    dn.__dict__.update(_blank_name())
    dn.name = name  # openpyxl's checks of these two
    dn.attr_text = ref
    return dn


@dataclass
class WorkbookNames:
    """Defined names and cached values of the workbook being written.

    Attributes
    ----------
    refs
        Defined name -> absolute reference, e.g. ``"'Economic cash flows'!$C$40"``.
    cached
        (sheet title, coordinate) -> the value shown before any recalculation.
    styles
        (style, number format) -> the style fields it sets: each combination is
        looked up in the workbook's style tables once.
    """

    wb: Workbook
    refs: dict[str, str] = field(default_factory=dict)
    cached: dict[tuple[str, str], Any] = field(default_factory=dict)
    styles: dict[tuple[str, str | None], Any] = field(default_factory=dict, repr=False)

    def define(self, name: str, ws: Worksheet, coordinate: str) -> None:
        """Add a workbook-level name for one cell."""
        m = re.fullmatch(r"([A-Z]+)(\d+)", coordinate)
        if m is None:
            raise ValueError(f"not a cell coordinate: {coordinate!r}")
        ref = f"{quote_sheet(ws.title)}!${m.group(1)}${m.group(2)}"
        if name in self.refs:
            raise ValueError(f"defined name {name!r} given twice")
        self.refs[name] = ref
        self.wb.defined_names[name] = _defined_name(name, ref)

    def cache(self, ws: Worksheet, coordinate: str, value: Any) -> None:
        """Register the cached value of a formula cell (a number, bool, text or NA)."""
        self.cached[(ws.title, coordinate)] = value


class SheetWriter:
    """The cells of one worksheet, with the colour code and the cached-value registry.

    Parameters
    ----------
    ws
        The worksheet.
    names
        The workbook's :class:`WorkbookNames`, or None: formulas then carry no
        cached value.
    """

    def __init__(self, ws: Worksheet, names: WorkbookNames | None = None) -> None:
        self.ws = ws
        self.names = names
        # cells made without openpyxl's per-cell calls where its internals are known
        self._fast = xlsx_sheetdata.fast_writer_available()

    @property
    def title(self) -> str:
        return str(self.ws.title)

    # ------------------------------------------------------------------ cells
    def style(self, cell: Any, style: str | Style | None, fmt: str | None = None) -> None:
        """Apply a style (a name in :data:`STYLE` or a mapping) and a number format."""
        if isinstance(style, str) and self.names is not None:
            # openpyxl hashes each style object it is given; the fields a named
            # style sets are looked up once per workbook and then copied.
            done = self.names.styles.get((style, fmt))
            if done is not None:
                fields, fresh = done
                if cell._style is None:  # a new cell has none until a style is set
                    cell._style = _style_array(StyleArray, "i", fresh)  # StyleArray(fresh)
                    return
                array = cell._style
                for position, idx in fields:  # the StyleArray's fields, by position
                    array[position] = idx
                return
            self._apply(cell, STYLE[style], fmt)
            attrs = [*STYLE[style], *(["number_format"] if fmt else [])]
            fields = [(_STYLE_POSITION[a], getattr(cell._style, _STYLE_FIELDS[a])) for a in attrs]
            fresh = StyleArray()  # what the fields make of a cell without a style
            for position, idx in fields:
                fresh[position] = idx
            self.names.styles[(style, fmt)] = (fields, fresh)
            return
        self._apply(cell, STYLE[style] if isinstance(style, str) else style, fmt)

    @staticmethod
    def _apply(cell: Any, style: Style | None, fmt: str | None) -> None:
        for attr, value in (style or {}).items():
            setattr(cell, attr, value)
        if fmt:
            cell.number_format = fmt

    def _cell(self, row: int, col: int) -> Any:
        """The openpyxl cell at (row, col), made as ``ws.cell`` makes it."""
        ws = self.ws
        cell = ws._cells.get((row, col))
        if cell is not None:
            return cell
        if not (self._fast and 0 < row <= _MAX_ROW and col > 0):
            return ws.cell(row=row, column=col)  # openpyxl's checks and errors
        return _bare_cell(ws, row, col, None, None, "n")

    def put(
        self,
        row: int,
        col: int,
        value: Any,
        style: str | Style | None = None,
        fmt: str | None = None,
    ) -> str:
        """A value: text (never read as a formula), a number or a bool; NaN leaves it empty."""
        cell = self._cell(row, col)
        kind = type(value)
        if kind is float or kind is int or kind is bool:
            # what openpyxl's value setter makes of these, without its checks
            if kind is float and value - value != 0.0:  # NaN, infinite
                value = None
            cell._value = value
            cell.data_type = "b" if kind is bool else "n"
        elif kind is str:
            set_text(cell, value)
        elif isinstance(value, float) and not math.isfinite(value):
            cell.value = None
        else:
            cell.value = value
        if style is not None or fmt:
            self.style(cell, style, fmt)
        return f"{_letter(col)}{row}"

    def formula(
        self,
        row: int,
        col: int,
        formula: str,
        cached: Any,
        fmt: str | None = None,
        style: str | Style | None = "calc",
    ) -> str:
        """A calculated cell (``formula`` without ``=``) and the value the engine found for it."""
        cell = self._cell(row, col)
        text = "=" + formula
        if _plain_text(text):  # what openpyxl's value setter makes of it, without its checks
            cell._value = text
            cell.data_type = "f"
        else:
            cell.value = text
        self.style(cell, style, fmt)
        coordinate = f"{_letter(col)}{row}"
        if self.names is not None:
            if type(cached) is not float or cached - cached != 0.0:  # not a finite float
                cached = cached_value(cached)
            self.names.cached[(self.ws.title, coordinate)] = cached
        return coordinate

    def formula_column(
        self,
        col: int,
        first: int,
        formulas: Sequence[str],
        cached: Sequence[Any],
        fmt: str | None = None,
        style: str = "calc",
    ) -> None:
        """Formulas down column ``col`` from row ``first``: :meth:`formula` for each, in order."""
        if len(formulas) != len(cached):
            raise ValueError("one cached value per formula")
        ws, letter = self.ws, _letter(col)
        cells, title = ws._cells, ws.title
        out = self.names.cached if self.names is not None else {}
        fresh = None  # the style array of a new cell, once the first has been styled
        for i, (text, value) in enumerate(zip(formulas, cached, strict=True)):
            row = first + i
            text = "=" + text
            if fresh is None or (row, col) in cells or row > _MAX_ROW or not _plain_text(text):
                self.formula(row, col, text[1:], value, fmt, style)
                fresh = self._fresh(style, fmt)
                continue
            # the cell as _cell makes it, valued and styled as formula() does
            _bare_cell(ws, row, col, _style_array(StyleArray, "i", fresh), text, "f")
            if type(value) is not float or value - value != 0.0:  # not a finite float
                value = cached_value(value)
            out[(title, f"{letter}{row}")] = value

    def value_column(
        self, col: int, first: int, values: Sequence[float], style: str, fmt: str | None = None
    ) -> None:
        """Floats down column ``col`` from row ``first``: :meth:`put` for each, in order."""
        ws = self.ws
        cells = ws._cells
        fresh = None  # the style array of a new cell, once the first has been styled
        for i, value in enumerate(values):
            row = first + i
            if fresh is None or (row, col) in cells or row > _MAX_ROW or type(value) is not float:
                self.put(row, col, value, style, fmt)
                fresh = self._fresh(style, fmt)
                continue
            style_array = _style_array(StyleArray, "i", fresh)
            empty_if_nan = value if value - value == 0.0 else None
            _bare_cell(ws, row, col, style_array, empty_if_nan, "n")

    def _fresh(self, style: str, fmt: str | None) -> Any:
        """What a named style makes of a new cell's style array, once used; else None."""
        if not (self._fast and isinstance(style, str) and self.names is not None):
            return None
        done = self.names.styles.get((style, fmt))
        return None if done is None else done[1]

    def header(
        self, row: int, headers: Sequence[str], style: str | Style | None = "head", col: int = 1
    ) -> None:
        """A row of headings from column ``col`` on."""
        for j, h in enumerate(headers):
            self.put(row, col + j, h, style)

    def table(
        self,
        headers: Sequence[str],
        rows: Sequence[Sequence[Any]],
        formats: Sequence[str | None],
        *,
        top: int = 1,
        style: str | Style | None = "bold",
    ) -> None:
        """Headings in row ``top``, values below, numbers in their column's format.

        A None or NaN value leaves its cell empty (but formatted); column widths
        fit the headings (at least 12).
        """
        self.header(top, headers, style)
        for i, row in enumerate(rows, start=top + 1):
            for j, v in enumerate(row, start=1):
                cell = self.ws.cell(row=i, column=j)
                v = _plain(v)
                if isinstance(v, str):
                    set_text(cell, v)
                else:
                    cell.value = v
                    if formats[j - 1]:
                        cell.number_format = formats[j - 1]
        for j, h in enumerate(headers, start=1):
            self.width(j, max(12, len(h) + 2))

    # ------------------------------------------------------------------ references
    def ref(
        self, row: int, col: int, *, here: SheetWriter | None = None, absolute: bool = False
    ) -> str:
        """A reference to a cell of this sheet, qualified unless used on ``here``."""
        c = _letter(col)
        a = f"${c}${row}" if absolute else f"{c}{row}"
        return a if here is self else f"{_quoted(self.ws.title)}!{a}"

    def col_range(self, col: int, r1: int, r2: int, *, here: SheetWriter | None = None) -> str:
        """A reference to rows ``r1`` to ``r2`` of one column, qualified unless on ``here``."""
        c = get_column_letter(col)
        a = f"{c}{r1}:{c}{r2}"
        return a if here is self else f"{quote_sheet(self.title)}!{a}"

    # ------------------------------------------------------------------ layout
    def width(self, col: int | str, width: float) -> None:
        """The width of one column (a number or a letter)."""
        letter = get_column_letter(col) if isinstance(col, int) else col
        set_width(self.ws, letter, width)

    def widths(self, first: float, others: float, n: int) -> None:
        """Column A ``first`` wide, columns B to the ``n``-th ``others`` wide."""
        self.width("A", first)
        for i in range(2, n + 1):
            self.width(i, others)

    def finish(self, freeze: str | None, landscape: bool = True, title_rows: int = 0) -> None:
        """Freeze panes and print on A4 one page wide, rows 1 to ``title_rows`` on each page."""
        ws = self.ws
        if freeze:
            ws.freeze_panes = freeze
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        if title_rows and freeze and freeze != "A1":
            ws.print_title_rows = f"1:{title_rows}"
        ws.oddHeader.center.text = "&A"
        ws.oddFooter.center.text = "Page &P of &N"


def _plain(v: Any) -> Any:
    """A table value as openpyxl takes it: None and NaN empty, numpy scalars as Python's."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v
