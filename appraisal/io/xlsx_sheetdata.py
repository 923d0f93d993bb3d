"""The cells of a worksheet written as openpyxl writes them, byte for byte, without its cost.

Why this exists: openpyxl serialises each cell as an ElementTree element through
et_xmlfile's pure-Python incremental writer (about ten Python calls and a dozen
dictionaries a cell). A 200-component appraisal workbook has some 240,000 cells,
and that writer was a third of the time it took. :func:`write_package` does what
``openpyxl.writer.excel.ExcelWriter(wb, archive).save()`` does, except that the
``<sheetData>`` element of every worksheet is formatted here with plain strings
(and ``<cols>`` by :func:`appraisal.io.xlsx_dimensions.cols_xml`), and each sheet
is written to memory rather than to a temporary file. Everything else in the file
(the rest of each sheet, styles, names, charts) is openpyxl's.

What it reproduces: openpyxl 3.1 (checked on 3.1.5) writing through et_xmlfile
(openpyxl without lxml), whose output for one row is::

    <row r="3" ht="26" customHeight="1"><c r="A3" s="2" t="inlineStr"><is><t>Year</t></is></c>
    <c r="B3" t="n"><v>0.1</v></c><c r="C3" s="5"><f>B3*2</f><v /></c><c r="D3" t="b"><v>1</v></c>
    <c r="E3" s="2" t="n" /></row>

(without the line breaks): attributes in the order r, s (the cell's index in the
workbook's cell-style table, which grows in the order cells are written), t; text
escaped by ElementTree's own functions; numbers as ``"%.16g" % value``; a text
with leading or trailing blanks marked ``xml:space="preserve"``; an unstyled empty
cell left out; a row with only a height written empty.

The plain cells (text, formulas, finite ints and floats, bools, errors) are
formatted here; anything rarer (a comment, a hyperlink, rich text, an array
formula, a date, a numpy scalar, NaN, a merged cell) is handed to openpyxl's own cell writer on
the same stream, so it comes out as before. When openpyxl is not 3.1 or writes
with lxml (whose output differs), :func:`fast_writer_available` is False and the
caller uses openpyxl's writer unchanged. ``tests/test_xlsx_sheetdata.py``
compares the bytes with openpyxl's writer on every kind of cell.

With ``cached``, each formula cell's cached value is written in its ``<v>``
element here (as :func:`appraisal.io.xlsx_save.add_cached_values` would write it
after saving), but only in a sheet where every formula has one and is plain;
such sheets are reported, so the caller need not search them again. Any other
sheet is written as openpyxl writes it, and the search after saving fills it
in or names the formulas without a value, exactly as before.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Mapping
from typing import Any

from appraisal.io.xlsx_dimensions import cols_xml

__all__ = ["OPENPYXL_SERIES", "fast_writer_available", "write_package"]

OPENPYXL_SERIES = "3.1."  # the versions whose format this module reproduces

# a cached value -> the t attribute and <v> text of its formula cell
ValueXml = Callable[[Any], tuple[str, str]]

_INLINE = ' t="inlineStr"'
_T_ATTR = {"n": ' t="n"', "b": ' t="b"', "e": ' t="e"', "str": ' t="str"', "f": ""}


@functools.cache
def fast_writer_available() -> bool:
    """Whether the installed openpyxl writes sheets the way this module reproduces."""
    try:
        from xml.etree.ElementTree import (  # type: ignore[attr-defined]  # noqa: F401
            _escape_attrib,
            _escape_cdata,
        )

        import openpyxl
        from openpyxl.worksheet._writer import WorksheetWriter
        from openpyxl.writer.excel import ExcelWriter
    except ImportError:
        return False
    return (
        openpyxl.__version__.startswith(OPENPYXL_SERIES)
        and not openpyxl.LXML
        and callable(getattr(ExcelWriter, "write_worksheet", None))
        and callable(getattr(WorksheetWriter, "write_rows", None))
    )


def write_package(
    wb: Any,
    archive: Any,
    cached: Mapping[tuple[str, str], Any] | None = None,
    value_xml: ValueXml | None = None,
) -> set[str]:
    """Write workbook ``wb`` into the open zip ``archive`` as openpyxl's ExcelWriter would.

    Call only when :func:`fast_writer_available`.

    Parameters
    ----------
    wb
        An openpyxl workbook (not read-only or write-only).
    archive
        A ``zipfile.ZipFile`` open for writing.
    cached, value_xml
        (sheet title, coordinate) -> the cached value of a formula cell, and the
        function that gives its (t attribute, ``<v>`` text); a formula without
        one keeps the empty ``<v />`` openpyxl writes.

    Returns
    -------
    set of str
        The archive names of the sheets every formula of which got its cached value.
    """
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.writer.excel import ExcelWriter

    done: set[str] = set()
    values = (cached or {}) if value_xml is not None else {}

    class _SheetWriter(WorksheetWriter):
        complete = True

        def write_cols(self) -> None:
            xf = self.xf.send(True)
            write = getattr(xf, "_file", None)
            text = cols_xml(self.ws) if callable(write) else None
            self.xf.send(None)
            if text is None or write is None:  # unusual columns: openpyxl's own writer
                super().write_cols()
            elif text:
                write(text)

        def write_rows(self) -> None:
            xf = self.xf.send(True)
            with xf.element("sheetData"):
                write = getattr(xf, "_file", None)
                if callable(write):
                    self.complete = _write_rows(self.ws, xf, write, values, value_xml or str)
                else:  # an et_xmlfile that no longer has it: openpyxl's own loop
                    self.complete = False
                    for row_idx, row in self.rows():
                        self.write_row(xf, row, row_idx)
            self.xf.send(None)

    class _ExcelWriter(ExcelWriter):
        def write_worksheet(self, ws: Any) -> None:
            # openpyxl 3.1's ExcelWriter.write_worksheet, the sheet written to memory
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            writer = _SheetWriter(ws, io.BytesIO())
            writer.write()
            ws._rels = writer._rels
            name = ws.path[1:]
            self._archive.writestr(name, writer.read())
            self.manifest.append(ws)
            if writer.complete:
                done.add(name)

    _ExcelWriter(wb, archive).save()
    return done


_MISSING = object()


def _write_rows(
    ws: Any,
    xf: Any,
    write: Callable[[str], Any],
    cached: Mapping[tuple[str, str], Any],
    value_xml: Callable[[Any], Any],
) -> bool:
    """The rows of ``ws`` inside ``<sheetData>``; whether every formula got its cached value.

    A sheet is written with cached values only if every formula gets one; else
    with none, as openpyxl writes it (the search after saving then fills them
    in or names the missing ones, as before this module).
    """
    from openpyxl.cell._writer import write_cell
    from openpyxl.comments.comment_sheet import CommentRecord

    parts, complete = _rows(ws, cached, value_xml)
    if not complete and cached:
        parts, _ = _rows(ws, {}, value_xml)
    text: list[str] = []
    for part in parts:
        if type(part) is str:
            text.append(part)
            continue
        # a rare cell: openpyxl's own steps (WorksheetWriter.write_row), on the same stream
        write("".join(text))
        text.clear()
        cell, styled = part
        if cell._comment is not None:
            ws._comments.append(CommentRecord.from_cell(cell))
        if cell._value is None and not styled and not cell._comment:
            continue
        write_cell(xf, ws, cell, styled)
    write("".join(text))
    return complete


def _rows(
    ws: Any, cached: Mapping[tuple[str, str], Any], value_xml: Callable[[Any], Any]
) -> tuple[list[Any], bool]:
    """The text of the rows, and (cell, styled) where openpyxl must write a cell; complete?"""
    from xml.etree.ElementTree import _escape_attrib, _escape_cdata  # type: ignore[attr-defined]

    from openpyxl.cell import Cell
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.utils import get_column_letter

    cells = ws._cells
    dims = ws.row_dimensions
    # openpyxl's order: by row, then column; rows with a height but no cells too
    by_row: dict[int, list[int]] = {}
    for r, c in cells:
        in_row = by_row.get(r)
        if in_row is None:
            by_row[r] = [c]
        else:
            in_row.append(c)
    cell_styles = ws.parent._cell_styles
    style_ids: dict[bytes, int] = {}
    unstyled = bytes(len(StyleArray().tobytes()))
    letters: dict[int, str] = {}
    title = ws.title
    complete = True
    out: list[Any] = []
    add = out.append

    for r in sorted(by_row.keys() | dims.keys()):
        dim = dims.get(r)
        if dim is None:
            add(f'<row r="{r}">')
        else:  # as openpyxl: r, then the dimension's attributes
            attrs = {"r": f"{r}"}
            attrs.update(dim)
            add("<row" + "".join(f' {k}="{_escape_attrib(v)}"' for k, v in attrs.items()) + ">")
        in_row = by_row.get(r, [])
        in_row.sort()
        rs = str(r)
        for c in in_row:
            cell = cells[(r, c)]
            value = cell._value
            style = cell._style
            key = unstyled if style is None else style.tobytes()
            styled = key != unstyled
            kind = cell.data_type
            vt = type(value)
            if type(cell) is not Cell or cell._comment is not None or cell._hyperlink is not None:
                vt = _Rare  # a merged cell, a note, a link
            elif value is None:
                if not styled:
                    continue
                if kind == "f" or kind == "d":
                    vt = _Rare
            elif vt is str:
                if kind != "f" and kind != "s" and kind not in _T_ATTR:
                    vt = _Rare  # a date given as text, an inline string typed by hand
            elif kind == "s" or kind == "f" or kind not in _T_ATTR:
                vt = _Rare
            elif vt is float:
                if value - value != 0.0:  # NaN or infinite: openpyxl writes <v />
                    vt = _Rare
            elif vt is int:
                if not -(1 << 62) < value < (1 << 62):
                    vt = _Rare
            elif vt is not bool:
                vt = _Rare
            if vt is _Rare:
                add((cell, styled))  # for openpyxl's own writer, after this loop
                if styled:  # its style takes its place in the table now, as in openpyxl
                    cell_styles.add(style)
                if kind == "f":
                    complete = False
                continue
            letter = letters.get(c)
            if letter is None:
                letter = letters[c] = get_column_letter(c)
            coordinate = letter + rs
            if styled:
                sid = style_ids.get(key)
                if sid is None:
                    sid = style_ids[key] = cell_styles.add(style)
                head = f'<c r="{coordinate}" s="{sid}"'
            else:
                head = f'<c r="{coordinate}"'
            if kind == "f" and vt is str and len(value) > 1:
                formula = value[1:]
                if "&" in formula or "<" in formula or ">" in formula:
                    formula = _escape_cdata(formula)
                got = cached.get((title, coordinate), _MISSING)
                if got is _MISSING:
                    complete = False
                    add(f"{head}><f>{formula}</f><v /></c>")
                elif type(got) is float and got - got == 0.0:  # as value_xml, the most common
                    v = repr(int(got)) if got.is_integer() and abs(got) < 1e15 else repr(got)
                    add(f"{head}><f>{formula}</f><v>{v}</v></c>")
                else:
                    t, v = value_xml(got)
                    add(f"{head}{t}><f>{formula}</f><v>{v}</v></c>")
            elif value is None or value == "":
                add(f"{head}{_T_ATTR.get(kind, _INLINE)} />")
            elif kind == "s":
                text = _escape_cdata(value)
                stripped = value.strip()
                if stripped and value != stripped:
                    add(f'{head} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
                else:
                    add(f'{head} t="inlineStr"><is><t>{text}</t></is></c>')
            elif kind == "f":  # "=" alone
                add(f"{head}><f /><v /></c>")
                complete = False
            elif vt is str:
                add(f"{head}{_T_ATTR[kind]}><v>{_escape_cdata(value)}</v></c>")
            else:
                number = "%.16g" % value  # noqa: UP031 -- openpyxl's safe_string, exactly
                add(f"{head}{_T_ATTR[kind]}><v>{number}</v></c>")
        add("</row>")
    return out, complete


class _Rare:
    """Marks a cell left to openpyxl's own writer."""
