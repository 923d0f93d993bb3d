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
  properties and zip timestamps, so the same inputs give the same bytes.

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

import datetime as _dt
import io
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

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

FIXED_TIME = _dt.datetime(2000, 1, 1, 0, 0, 0)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FORMULA_START = ("=", "+", "-", "@")

Style = Mapping[str, Any]  # cell attribute -> value: font, fill, border, alignment


class _NA:
    """The cached value of a cell that shows Excel's #N/A error."""

    def __repr__(self) -> str:
        return "NA"


NA = _NA()

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
    cell.value = value
    cell.data_type = "s"  # openpyxl would otherwise mark "=..." as a formula


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
        self.wb.defined_names[name] = DefinedName(name, attr_text=ref)

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
                if not cell._style:  # a new cell has none until a style is set
                    cell._style = StyleArray()
                array = cell._style
                for position, idx in done:  # the StyleArray's fields, by position
                    array[position] = idx
                return
            self._apply(cell, STYLE[style], fmt)
            attrs = [*STYLE[style], *(["number_format"] if fmt else [])]
            self.names.styles[(style, fmt)] = [
                (_STYLE_POSITION[a], getattr(cell._style, _STYLE_FIELDS[a])) for a in attrs
            ]
            return
        self._apply(cell, STYLE[style] if isinstance(style, str) else style, fmt)

    @staticmethod
    def _apply(cell: Any, style: Style | None, fmt: str | None) -> None:
        for attr, value in (style or {}).items():
            setattr(cell, attr, value)
        if fmt:
            cell.number_format = fmt

    def put(
        self,
        row: int,
        col: int,
        value: Any,
        style: str | Style | None = None,
        fmt: str | None = None,
    ) -> str:
        """A value: text (never read as a formula), a number or a bool; NaN leaves it empty."""
        cell = self.ws.cell(row=row, column=col)
        if isinstance(value, str):
            set_text(cell, value)
        elif isinstance(value, float) and not math.isfinite(value):
            cell.value = None
        else:
            cell.value = value
        if style is not None or fmt:
            self.style(cell, style, fmt)
        return str(cell.coordinate)

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
        cell = self.ws.cell(row=row, column=col)
        cell.value = "=" + formula
        self.style(cell, style, fmt)
        coordinate = str(cell.coordinate)
        if self.names is not None:
            self.names.cache(self.ws, coordinate, cached_value(cached))
        return coordinate

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
        c = get_column_letter(col)
        a = f"${c}${row}" if absolute else f"{c}{row}"
        return a if here is self else f"{quote_sheet(self.title)}!{a}"

    def col_range(self, col: int, r1: int, r2: int, *, here: SheetWriter | None = None) -> str:
        """A reference to rows ``r1`` to ``r2`` of one column, qualified unless on ``here``."""
        c = get_column_letter(col)
        a = f"{c}{r1}:{c}{r2}"
        return a if here is self else f"{quote_sheet(self.title)}!{a}"

    # ------------------------------------------------------------------ layout
    def width(self, col: int | str, width: float) -> None:
        """The width of one column (a number or a letter)."""
        letter = get_column_letter(col) if isinstance(col, int) else col
        self.ws.column_dimensions[letter].width = width

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


# --------------------------------------------------------------------- saving
def _stamp_core(body: bytes) -> bytes:
    """``docProps/core.xml`` with its created and modified times fixed."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    text = re.sub(
        r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
        lambda m: m.group(1) + stamp + m.group(3),
        body.decode("utf-8"),
    )
    return text.encode("utf-8")


def _write_normalized(src: zipfile.ZipFile, change: Mapping[str, Any] | None = None) -> bytes:
    """The entries of ``src``, in order, zipped reproducibly; ``change[name](body)`` applied.

    Every entry gets a fixed timestamp and permissions and is deflated at level 6;
    ``docProps/core.xml`` gets fixed times.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = _stamp_core(body)
            if change is not None and info.filename in change:
                body = change[info.filename](body)
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body, compresslevel=6)
    return out.getvalue()


def normalize_xlsx_bytes(data: bytes) -> bytes:
    """Rewrite an .xlsx so it is byte-for-byte reproducible.

    Every zip entry gets a fixed timestamp and permissions, entries keep their
    order, and the created/modified times in ``docProps/core.xml`` are fixed.
    """
    return _write_normalized(zipfile.ZipFile(io.BytesIO(data)))


def workbook_bytes(wb: Any, cached: dict[tuple[str, str], Any] | None = None) -> bytes:
    """Save an openpyxl workbook to deterministic bytes.

    openpyxl's writer fills an uncompressed zip (what ``Workbook.save`` does, less
    its deflating, which the normalising rewrite would redo), then every entry is
    deflated once, reproducibly. With ``cached`` ((sheet title, coordinate) ->
    value), the formula cells' cached values are written in that same rewrite
    (:func:`add_cached_values`), so nothing is deflated twice.
    """
    wb.properties.creator = "appraisal"
    wb.properties.lastModifiedBy = "appraisal"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    if wb.read_only or wb.write_only:  # openpyxl's own checks and steps for these
        buf = io.BytesIO()
        wb.save(buf)
    else:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            ExcelWriter(wb, archive).save()
    if cached is not None:
        return add_cached_values(buf.getvalue(), cached)
    return normalize_xlsx_bytes(buf.getvalue())


def _v_xml(value: Any) -> tuple[str, str]:
    """(t attribute, <v> text) of a cached value."""
    if value is NA:
        return ' t="e"', "#N/A"
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, str):
        return ' t="str"', escape(value, quote=False)
    v = float(value)
    return "", repr(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def add_cached_values(data: bytes, cached: dict[tuple[str, str], Any]) -> bytes:
    """Write each formula cell's cached value into the saved .xlsx (``<v>`` element).

    openpyxl writes formulas without cached values, so a viewer that does not
    calculate would show empty cells; this fills them in.

    Parameters
    ----------
    data
        An .xlsx saved by openpyxl (formulas carry an empty ``<v/>``).
    cached
        (sheet title, coordinate) -> value: a number, bool, text or :data:`NA`.

    Raises
    ------
    ValueError
        If a formula cell has no registered value: every value must be visible
        without recalculation.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    wb_xml = src.read("xl/workbook.xml").decode("utf-8")
    rels = src.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = dict(re.findall(r'<Relationship[^>]*Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
    targets |= {
        k: v for v, k in re.findall(r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)
    }
    sheet_file: dict[str, str] = {}
    for name, rid in re.findall(r'<sheet name="([^"]*)" sheetId="\d+"[^>]*r:id="(rId\d+)"', wb_xml):
        title = (
            name.replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", '"')
            .replace("&apos;", "'")
        )
        target = targets[rid].lstrip("/")
        sheet_file[target if target.startswith("xl/") else "xl/" + target] = title
    cell_re = re.compile(r'<c r="([A-Z]+\d+)"((?: [st]="[^"]*")*)><f>(.*?)</f><v\s*/></c>', re.S)
    missing: list[str] = []

    def fill(title: str) -> Any:
        def sub(m: re.Match[str]) -> str:
            key = (title, m.group(1))
            if key not in cached:
                missing.append(f"{title}!{m.group(1)}")
                return m.group(0)
            attrs = re.sub(r' t="[^"]*"', "", m.group(2))
            t, v = _v_xml(cached[key])
            return f'<c r="{m.group(1)}"{attrs}{t}><f>{m.group(3)}</f><v>{v}</v></c>'

        return lambda body: cell_re.sub(sub, body.decode("utf-8")).encode("utf-8")

    # One rewrite: the cached values and the normalising (fixed times, level 6).
    out = _write_normalized(src, {name: fill(title) for name, title in sheet_file.items()})
    if missing:
        raise ValueError(f"formula cells without a cached value: {', '.join(missing[:10])}")
    return out
