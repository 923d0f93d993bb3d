"""Column widths and row heights set, and columns written, as openpyxl does, but faster.

A workbook sets some hundreds of column widths and row heights, each through
openpyxl's ``ws.column_dimensions[letter].width = w`` (a ``ColumnDimension``
built through a dozen typed descriptors), and writes each column as a ``<col>``
element through its ``Dimension.__iter__`` and et_xmlfile's incremental
serialiser: together some 7% of the time an ordinary case's workbook takes.
:func:`set_width` and :func:`set_height` do what those assignments do (the same
objects, the same attributes), and
:func:`cols_xml` gives the text openpyxl 3.1 writes for ``<cols>`` (checked on
3.1.5), with the same side effects: each column's ``min``/``max`` filled in,
its style registered in the workbook's cell-style table in the same order, and
the holder's ``max_outline`` set. Anything unusual (a subclass, a non-number
width) goes through openpyxl itself. ``tests/test_xlsx_sheetdata.py`` compares
the bytes with openpyxl's writer.
"""

from __future__ import annotations

from typing import Any

__all__ = ["cols_xml", "set_height", "set_width"]

_PROTO: dict[str, Any] = {}  # the attributes of a fresh ColumnDimension
_ROW_PROTO: dict[str, Any] = {}  # the attributes of a fresh RowDimension


def _set_dimension(
    ws: Any,
    holder: Any,
    key: Any,
    cls: Any,
    proto: dict[str, Any],
    field: str,
    attr: str,
    value: float,
) -> None:
    """``holder[key].<attr> = value`` for a row or column dimension, made as openpyxl 3.1
    makes it (its attributes copied from a fresh one, ``proto``) without its descriptors;
    openpyxl's own assignment for anything unusual."""
    dim = dict.get(holder, key)
    if dim is None:
        if not proto:
            proto.update(cls(ws).__dict__)
        add = ws._add_row if cls.__name__ == "RowDimension" else ws._add_column
        if holder.default_factory != add or not {"index", field} <= proto.keys():
            setattr(holder[key], attr, value)
            return
        dim = cls.__new__(cls)
        dim.parent = ws
        dim._style = None
        attrs = dim.__dict__
        attrs.update(proto)
        attrs["index"] = key
        attrs[field] = value
        dict.__setitem__(holder, key, dim)
    elif type(dim) is cls and dim.__dict__.get("index") == key:
        dim.__dict__[field] = value
    else:
        setattr(holder[key], attr, value)


def set_height(ws: Any, row: int, height: float) -> None:
    """``ws.row_dimensions[row].height = height``, faster."""
    from openpyxl.worksheet.dimensions import RowDimension

    if type(height) is not float or type(row) is not int:
        ws.row_dimensions[row].height = height  # openpyxl's conversion and errors
        return
    _set_dimension(ws, ws.row_dimensions, row, RowDimension, _ROW_PROTO, "ht", "height", height)


def set_width(ws: Any, letter: str, width: float) -> None:
    """``ws.column_dimensions[letter].width = width``, faster."""
    from openpyxl.worksheet.dimensions import ColumnDimension

    if type(width) is not float:
        if type(width) is not int:
            ws.column_dimensions[letter].width = width  # openpyxl's conversion and errors
            return
        width = float(width)  # what openpyxl's Float descriptor stores
    holder = ws.column_dimensions
    _set_dimension(ws, holder, letter, ColumnDimension, _PROTO, "width", "width", width)


def cols_xml(ws: Any) -> str | None:
    """The ``<cols>`` element openpyxl writes for ``ws`` ("" for none), or None if unusual.

    Has openpyxl's side effects (see the module docstring), so call it where
    openpyxl would write the columns.
    """
    from xml.etree.ElementTree import _escape_attrib  # type: ignore[attr-defined]

    from openpyxl.compat import safe_string
    from openpyxl.utils import column_index_from_string
    from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder

    holder = ws.column_dimensions
    if type(holder) is not DimensionHolder:
        return None
    dims = list(holder.values())
    for dim in dims:
        if type(dim) is not ColumnDimension:
            return None
        attrs = dim.__dict__
        if not (attrs.get("min") and attrs.get("max")):  # ColumnDimension.reindex
            attrs["min"] = attrs["max"] = column_index_from_string(attrs["index"])
    dims.sort(key=_min)
    out: list[str] = []
    outlines = set()
    for dim in dims:
        attrs = dim.__dict__
        width = attrs.get("width")
        fields = (
            ("hidden", attrs.get("hidden")),
            ("outlineLevel", attrs.get("outlineLevel")),
            ("collapsed", attrs.get("collapsed")),
            ("width", width),
            ("bestFit", attrs.get("bestFit")),
            ("customWidth", bool(width)),
            ("style", dim.style_id),  # registers the style, as openpyxl does here
            ("min", attrs["min"]),
            ("max", attrs["max"]),
        )
        shown = [(k, safe_string(v)) for k, v in fields if v]
        if len(shown) == 2 and shown[0][0] == "min" and shown[1][0] == "max":
            continue  # openpyxl writes no element for a bare column
        outlines.add(attrs.get("outlineLevel"))
        out.append("<col" + "".join(f' {k}="{_escape_attrib(v)}"' for k, v in shown) + " />")
    if outlines:
        holder.max_outline = max(outlines)
    return "<cols>" + "".join(out) + "</cols>" if out else ""


def _min(dim: Any) -> int:
    return int(dim.__dict__["min"])
