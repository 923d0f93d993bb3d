"""The loan officer's Excel input template: generate, fill, read, validate.

The template is laid out from the case schema (``appraisal/data/case_schema.toml``)
alone, so a field added to the schema appears in the template without code here:

- one sheet per top-level table (Case, Economic, Financing, ...), and one sheet
  per element of a top-level array whose elements hold tables or yearly rows
  (Component 1, Component 2, ...);
- on a sheet, scalar fields are rows: Field | Value | Unit | Source | Expected |
  Description. The Source cell fills the section's ``sources`` table;
- a ``path`` (a number or a table {year = value}) is a value row plus a row of
  years and a row of values;
- yearly streams are rows with the years across (from ``case.first_year``);
  share lists are rows numbered 1, 2, ...;
- a table of user-named members (``conversion_factors``, ``carriers``, benefit
  streams) is a block of rows with the name in column A; an array of small
  tables (``financing.sources``, ``energy``, ``activities``) a block of rows.

Block sizes and the number of element sheets are recorded in a very hidden
``_layout`` sheet, so the reader rebuilds exactly the layout the writer used and
checks every label against it. Reading never writes: see
:mod:`appraisal.io.xlsx_safety` for the checks made before openpyxl parses a byte.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation

from appraisal.case import Case, CaseError, parse_case
from appraisal.io.xlsx_common import set_text, workbook_bytes
from appraisal.io.xlsx_safety import WorkbookRefused, load_workbooks
from appraisal.schema import Field, Problem, children, field_by_key, validate

__all__ = [
    "FORMAT",
    "MAX_ABS_NUMBER",
    "case_to_toml",
    "read_template",
    "template_bytes",
    "template_locations",
]

FORMAT = "appraisal-input-template/1"
LAYOUT_SHEET = "_layout"
INSTRUCTIONS = "Instructions"
# Largest magnitude of any number read from a template: the widest bound in the
# schema (activity quantities, 1e15). Beyond it a yearly sum is meaningless and
# 1e308 would overflow to inf in the engine.
MAX_ABS_NUMBER = 1e15
# Columns of a yearly row: the schema's largest horizon (case.years max).
YEAR_COLUMNS = int(field_by_key()["case.years"].max or 100)
# Default rows of a block of user-named members or array elements, and year
# columns of a path table, in a blank template.
BLOCK_ROWS = 6
PATH_COLUMNS = 12
ELEMENTS = 3  # sections of a nested array of tables (e.g. sensitivity tests)
MAX_BLOCK_ROWS = 1000  # refused above this in a _layout sheet (untrusted)
MAX_SHEETS = 200

SCALARS = frozenset({"str", "int", "float", "rate", "bool", "choice"})
LISTS = frozenset({"stream", "shares"})
PATHS = frozenset({"path", "carbon_path"})

A, B, C, D, E, F = 1, 2, 3, 4, 5, 6  # label, value, unit, source, expected, description
HEADERS = ("Field", "Value", "Unit", "Source", "Expected", "Description")
FIRST_ROW = 4  # row 1 title, row 2 description, row 3 headers

SHEET_TITLES = {"cobenefits": "Co-benefits"}

_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="BFBFBF")
_INPUT_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_UNLOCKED = Protection(locked=False)
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")

Path = tuple[str | int, ...]


class TemplateLayoutError(ValueError):
    """A schema field has a shape the generic layout cannot place."""


def _fmt(path: Path) -> str:
    """('components', 0, 'streams') -> 'components[0].streams' (the validator's form)."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


def _defined_name(path: Path) -> str:
    parts = [f"{p + 1}" if isinstance(p, int) else re.sub(r"\W", "_", p) for p in path]
    return "_".join(parts)


# ---------------------------------------------------------------- layout


@dataclass
class _Item:
    """One block of rows on a sheet.

    kind: title | element | scalar | path | years | stream | wild_scalar | wild_stream | records
    """

    kind: str
    row: int
    field: Field
    path: Path
    label: str
    n: int = 0  # rows of a block, or columns of a path table
    members: tuple[Field, ...] = ()
    named: bool = False  # records: a name column (user-named members) instead of 1, 2, ...
    source: Path | None = None  # where the Source cell's text goes
    years: str = ""  # years header: "stream" (calendar years) or "shares" (1, 2, ...)
    taken: frozenset[str] = frozenset()  # sources block: names held by Source cells

    @property
    def rows(self) -> int:
        return {
            "path": 3,
            "wild_scalar": 2 + self.n,
            "wild_stream": 2 + self.n,
            "records": 3 + self.n,
        }.get(self.kind, 1)


@dataclass
class _Sheet:
    name: str
    field: Field
    path: Path
    title: str
    items: list[_Item] = dc_field(default_factory=list)


def _is_scalar_record(key: str) -> bool:
    kids = children(key)
    return bool(kids) and all(k.type in SCALARS and k.name != "*" for k in kids)


class _Walker:
    """Walks the schema and places every field; ``cap`` sizes the variable blocks."""

    def __init__(self, cap: Callable[[Path, int], int]) -> None:
        self.cap = cap
        self.items: list[_Item] = []
        self.row = FIRST_ROW

    def add(self, item: _Item) -> None:
        self.items.append(item)
        self.row += item.rows

    def table(self, key: str, path: Path, prefix: str) -> None:
        kids = children(key)
        if any(k.name == "*" for k in kids):
            raise TemplateLayoutError(f"{key}: named fields and '*' members in one table")
        sources = next(
            (
                k
                for k in kids
                if k.name == "sources"
                and k.type == "table"
                and [c.type for c in children(k.key)] == ["str"]
                and children(k.key)[0].name == "*"
            ),
            None,
        )

        def source_of(name: str) -> Path | None:
            return (*path, "sources", name) if sources is not None else None

        for k in kids:
            if k.type in SCALARS:
                self.add(_Item("scalar", self.row, k, (*path, k.name), prefix + k.name))
                self.items[-1].source = source_of(k.name)
            elif k.type in PATHS:
                n = self.cap((*path, k.name), PATH_COLUMNS)
                self.add(_Item("path", self.row, k, (*path, k.name), prefix + k.name, n=n))
                self.items[-1].source = source_of(k.name)
        last = ""
        for k in kids:
            if k.type in LISTS:
                if k.type != last:
                    self.add(_Item("years", self.row, k, path, "", years=k.type))
                    last = k.type
                label = prefix + k.name + (f" [{k.unit}]" if k.unit else "")
                self.add(_Item("stream", self.row, k, (*path, k.name), label))
        for k in kids:
            if k.type in ("table", "array"):
                src = source_of(k.name) if k is not sources else None
                self.block(k, (*path, k.name), prefix + k.name, src)
            elif k.type not in SCALARS | PATHS | LISTS:
                raise TemplateLayoutError(f"{k.key}: type {k.type} has no template layout")

    def block(self, k: Field, path: Path, label: str, source: Path | None) -> None:
        if k.type == "array":
            if not _is_scalar_record(k.key + "[]"):
                # elements holding tables or rows: one section of rows per element
                for i in range(self.cap(path, ELEMENTS)):
                    elem = f"{label} {i + 1}"
                    self.add(_Item("element", self.row, k, (*path, i), elem))
                    self.table(k.key + "[]", (*path, i), elem + ".")
                return
            n = self.cap(path, BLOCK_ROWS)
            members = children(k.key + "[]")
            self.add(_Item("records", self.row, k, path, label, n=n, members=members))
            self.items[-1].source = source
            return
        kids = children(k.key)
        wild = next((c for c in kids if c.name == "*"), None)
        if wild is None:
            self.add(_Item("title", self.row, k, path, label, source=source))
            self.table(k.key, path, label + ".")
            return
        if len(kids) > 1:
            raise TemplateLayoutError(f"{k.key}: named fields and '*' members in one table")
        n = self.cap(path, BLOCK_ROWS)
        if wild.type in SCALARS:
            item = _Item("wild_scalar", self.row, wild, path, label, n=n)
        elif wild.type in LISTS:
            item = _Item("wild_stream", self.row, wild, path, label, n=n, years=wild.type)
        elif wild.type == "table" and _is_scalar_record(wild.key):
            members = children(wild.key)
            item = _Item("records", self.row, wild, path, label, n=n, members=members, named=True)
        else:
            raise TemplateLayoutError(f"{wild.key}: type {wild.type} has no template layout")
        item.source = source
        self.add(item)


def _sheet_title(f: Field) -> str:
    return SHEET_TITLES.get(f.name, f.name.replace("_", " ").capitalize())


def _layout(cap: Callable[[Path, int], int], elements: Callable[[Path], int]) -> list[_Sheet]:
    """The sheets of the template; ``elements`` gives the sheet count of element arrays."""
    sheets: list[_Sheet] = []
    for f in children(""):
        path: Path = (f.name,)
        if f.type == "table":
            w = _Walker(cap)
            kids = children(f.key)
            if any(k.name == "*" for k in kids):
                w.block(f, path, f.name, None)
            else:
                w.table(f.key, path, "")
            sheets.append(_Sheet(_sheet_title(f), f, path, _sheet_title(f), w.items))
        elif f.type == "array" and _is_scalar_record(f.key + "[]"):
            w = _Walker(cap)
            w.block(f, path, f.name, None)
            sheets.append(_Sheet(_sheet_title(f), f, path, _sheet_title(f), w.items))
        elif f.type == "array":
            singular = _sheet_title(f).removesuffix("s")
            for i in range(elements(path)):
                w = _Walker(cap)
                w.table(f.key + "[]", (*path, i), "")
                name = f"{singular} {i + 1}"
                sheets.append(_Sheet(name, f, (*path, i), name, w.items))
        else:
            raise TemplateLayoutError(f"{f.key}: a top-level {f.type} has no template layout")
    return sheets


def _labels(item: _Item) -> Iterator[tuple[int, int, str]]:
    """The fixed (protected) texts of an item: (row, column, text)."""
    r = item.row
    if item.kind in ("title", "element", "scalar", "path", "stream"):
        yield r, A, item.label
    if item.kind == "path":
        yield r + 1, A, "  by year: year"
        yield r + 2, A, "  by year: value"
    if item.kind == "years":
        yield r, A, "year" if item.years == "stream" else "year no."
    if item.kind in ("wild_scalar", "wild_stream", "records"):
        yield r, A, item.label
    if item.kind == "wild_scalar":
        yield r + 1, A, "name"
        yield r + 1, B, "value"
    if item.kind == "wild_stream":
        yield r + 1, A, "name \\ year" if item.years == "stream" else "name \\ year no."
    if item.kind == "records":
        yield r + 1, A, "name" if item.named else "#"
        yield r + 2, A, "unit"
        for j, m in enumerate(item.members):
            yield r + 1, B + j, m.name
        if not item.named:
            for i in range(item.n):
                yield r + 3 + i, A, str(i + 1)


def _inputs(item: _Item) -> Iterator[tuple[int, int]]:
    """The input (unlocked) cells of an item."""
    r = item.row
    if item.source is not None:
        yield r, D
    if item.kind in ("scalar", "path"):
        yield r, B
    if item.kind == "path":
        for j in range(item.n):
            yield r + 1, B + j
            yield r + 2, B + j
    if item.kind == "stream":
        for j in range(YEAR_COLUMNS):
            yield r, B + j
    if item.kind == "wild_scalar":
        for i in range(item.n):
            yield r + 2 + i, A
            yield r + 2 + i, B
    if item.kind == "wild_stream":
        for i in range(item.n):
            for j in range(YEAR_COLUMNS + 1):
                yield r + 2 + i, A + j
    if item.kind == "records":
        for i in range(item.n):
            if item.named:
                yield r + 3 + i, A
            for j in range(len(item.members)):
                yield r + 3 + i, B + j


def _schema_key(path: Path) -> str:
    """Schema key of a concrete data path: ('components', 0, 'capital', 'land') ->
    'components[].capital.*'."""
    key = ""
    for p in path:
        if isinstance(p, int):
            key += "[]"
            continue
        named = f"{key}.{p}" if key else p
        key = named if named in field_by_key() else (f"{key}.*" if key else p)
    return key


def template_locations(components: int = 1) -> dict[str, str]:
    """Map every schema key to the first template cell that holds it (for tests and docs)."""
    out: dict[str, str] = {}

    def put(key: str, sheet: str, row: int, col: int) -> None:
        out.setdefault(key, f"{sheet}!{get_column_letter(col)}{row}")

    for s in _layout(lambda p, d: d, lambda p: components):
        put(s.field.key, s.name, 1, A)
        for it in s.items:
            put(it.field.key, s.name, it.row, B if it.kind in ("scalar", "path") else A)
            if it.kind != "years":
                put(_schema_key(it.path), s.name, it.row, A)
            if it.source is not None:
                put(_schema_key(it.source[:-1]), s.name, it.row, D)
                put(_schema_key(it.source), s.name, it.row, D)
            for j, m in enumerate(it.members):
                put(m.key, s.name, it.row + 3, B + j)
    return out


# ---------------------------------------------------------------- writing


def _get(data: Any, path: Path) -> Any:
    cur = data
    for p in path:
        if isinstance(p, int):
            if not isinstance(cur, list) or p >= len(cur):
                return None
            cur = cur[p]
        else:
            if not isinstance(cur, dict) or p not in cur:
                return None
            cur = cur[p]
    return cur


def _num(x: float | None) -> str:
    return f"{x:.15g}".upper() if x is not None else ""


def _expected(f: Field) -> str:
    parts = []
    if f.required:
        parts.append("required")
    elif f.has_default:
        d = f.default
        if isinstance(d, tuple):
            d = list(d)
        if d not in ("", [], {}) and not isinstance(d, dict):
            shown = str(d).lower() if isinstance(d, bool) else str(d)
            parts.append(f"default {shown}")
        else:
            parts.append("optional")
    else:
        parts.append("optional")
    if f.choices:
        parts.append(" | ".join(f.choices))
    elif f.min is not None or f.max is not None:
        parts.append(f"{_num(f.min) or '...'} to {_num(f.max) or '...'}")
    if f.type == "rate":
        parts.append("decimal (0.09 for 9%)")
    if f.type == "bool":
        parts.append("TRUE | FALSE")
    return "; ".join(parts)


def _validation(f: Field, *, years_row: bool = False) -> tuple[str, str, str, str] | None:
    """(type, formula1, formula2, message) of the data validation of ``f``'s cells."""
    unit = f" [{f.unit}]" if f.unit and f.unit != "year" else ""
    if years_row:
        return "whole", "1000", "9999", "Expected a year (4 digits)."
    if f.type in ("choice", "carbon_path") and f.choices:
        return "list", '"' + ",".join(f.choices) + '"', "", "Expected one of the list."
    if f.type == "bool":
        return "list", '"TRUE,FALSE"', "", "Expected TRUE or FALSE."
    if f.type in ("int", "float", "rate", "stream", "shares", "path"):
        lo = f.min if f.min is not None else -MAX_ABS_NUMBER
        hi = f.max if f.max is not None else MAX_ABS_NUMBER
        if f.type == "shares":
            lo, hi = 0.0, 1.0
        kind = "whole" if f.type == "int" else "decimal"
        what = "a whole number" if kind == "whole" else "a number"
        rate = " (a decimal: 0.09 for 9%)" if f.type == "rate" else ""
        return (
            kind,
            _num(lo),
            _num(hi),
            f"Expected {what} from {_num(lo)} to {_num(hi)}{unit}{rate}.",
        )
    return None


class _Writer:
    def __init__(self, wb: Any, data: dict[str, Any] | None) -> None:
        self.wb = wb
        self.data = data
        self.validations: dict[tuple[str, tuple[str, str, str, str]], DataValidation] = {}
        self.names: set[str] = set()
        self.styles: dict[str, Any] = {}

    def style(self, cell: Any, kind: str) -> None:
        """Style a cell as 'input' or 'head' (copying one style array: openpyxl is slow
        to hash a style per cell)."""
        saved = self.styles.get(kind)
        if saved is not None:
            cell._style = copy.copy(saved)
            return
        if kind == "input":
            cell.fill = _INPUT_FILL
            cell.border = _INPUT_BORDER
            cell.protection = _UNLOCKED
        else:
            cell.font = _BOLD
            cell.fill = _HEAD_FILL
        self.styles[kind] = copy.copy(cell._style)

    def name(self, ws: Any, path: Path, ref: str) -> None:
        name = _defined_name(path)
        if name in self.names:
            return
        self.names.add(name)
        dn = DefinedName(name, attr_text=f"{quote_sheetname(ws.title)}!{ref}")
        self.wb.defined_names[name] = dn

    def validate(self, ws: Any, f: Field, ref: str, *, years_row: bool = False) -> None:
        spec = _validation(f, years_row=years_row)
        if spec is None:
            return
        key = (ws.title, spec)
        dv = self.validations.get(key)
        if dv is None:
            kind, f1, f2, msg = spec
            dv = DataValidation(
                type=kind,
                operator="between" if kind != "list" else None,
                formula1=f1,
                formula2=f2 or None,
                allow_blank=True,
                showErrorMessage=True,
                errorTitle="Not allowed here",
                error=msg[:255],
            )
            ws.add_data_validation(dv)
            self.validations[key] = dv
        dv.add(ref)

    def value(self, cell: Any, f: Field | None, value: Any) -> None:
        if value is None or value == "":
            return
        if isinstance(value, str):
            set_text(cell, value)
        else:
            cell.value = value


def _comment(f: Field, *, with_description: bool) -> Comment | None:
    text = f.description if with_description else ""
    if f.example is not None:
        ex = f.example
        shown = str(ex).lower() if isinstance(ex, bool) else str(ex)
        text = (text + "\n" if text else "") + f"Example: {shown}"
    if not text:
        return None
    c = Comment(text, "appraisal")
    c.width, c.height = 320, 120
    return c


def _years_header(w: _Writer, ws: Any, row: int, kind: str, first_col: int) -> None:
    for j in range(YEAR_COLUMNS):
        cell = ws.cell(row, first_col + j)
        if kind == "stream":
            cell.value = f'=IF({j + 1}<=case_years,case_first_year+{j},"")'
        else:
            cell.value = j + 1
        w.style(cell, "head")


def _render_item(w: _Writer, ws: Any, it: _Item) -> None:
    r, f = it.row, it.field
    data = w.data
    for row, col, text in _labels(it):
        set_text(ws.cell(row, col), text)
    for row, col in _inputs(it):
        w.style(ws.cell(row, col), "input")
    if it.kind in ("title", "element", "wild_scalar", "wild_stream", "records"):
        ws.cell(r, A).font = _BOLD
        desc = (
            f.description
            if it.kind in ("title", "element")
            else field_by_key()[_table_key(it)].description
        )
        set_text(ws.cell(r, F), desc)
        ws.cell(r, F).alignment = _WRAP
    if it.source is not None:
        w.value(ws.cell(r, D), None, _get(data, it.source))
    if it.kind in ("scalar", "path"):
        for col, text in ((C, f.unit), (E, _expected(f)), (F, f.description)):
            set_text(ws.cell(r, col), text)
        ws.cell(r, F).alignment = _WRAP
        ref = f"${get_column_letter(B)}${r}"
        w.name(ws, it.path, ref)
        w.validate(ws, f, f"B{r}")
        comment = _comment(f, with_description=False)
        if comment is not None:
            ws.cell(r, B).comment = comment
        value = _get(data, it.path)
        if it.kind == "scalar":
            w.value(ws.cell(r, B), f, value)
        else:
            last = get_column_letter(B + it.n - 1)
            w.validate(ws, f, f"B{r + 1}:{last}{r + 1}", years_row=True)
            spec_f = Field(
                key=f.key, type="path", description="", min=f.min, max=f.max, unit=f.unit
            )
            w.validate(ws, spec_f, f"B{r + 2}:{last}{r + 2}")
            if isinstance(value, dict):
                for j, (year, v) in enumerate(value.items()):
                    ws.cell(r + 1, B + j).value = int(year)
                    ws.cell(r + 2, B + j).value = v
            else:
                w.value(ws.cell(r, B), f, value)
    elif it.kind == "years":
        _years_header(w, ws, r, it.years, B)
        ws.cell(r, A).font = _BOLD
    elif it.kind == "stream":
        last = get_column_letter(B + YEAR_COLUMNS - 1)
        w.name(ws, it.path, f"$B${r}:${last}${r}")
        w.validate(ws, f, f"B{r}:{last}{r}")
        comment = _comment(f, with_description=True)
        if comment is not None:
            ws.cell(r, A).comment = comment
        for j, v in enumerate(_get(data, it.path) or []):
            ws.cell(r, B + j).value = v
    elif it.kind == "wild_scalar":
        set_text(ws.cell(r + 1, C), f.unit)
        ws.cell(r + 1, A).font = ws.cell(r + 1, B).font = _BOLD
        first, lastrow = r + 2, r + 1 + it.n
        w.name(ws, it.path, f"$A${first}:$B${lastrow}")
        w.validate(ws, f, f"B{first}:B{lastrow}")
        comment = _comment(f, with_description=True)
        if comment is not None:
            ws.cell(first, A).comment = comment
        members = _get(data, it.path) or {}
        for i, (name, v) in enumerate(_members_for_block(it, members)):
            set_text(ws.cell(first + i, A), str(name))
            w.value(ws.cell(first + i, B), f, v)
    elif it.kind == "wild_stream":
        _years_header(w, ws, r + 1, it.years, B)
        ws.cell(r + 1, A).font = _BOLD
        first, lastrow = r + 2, r + 1 + it.n
        last = get_column_letter(B + YEAR_COLUMNS - 1)
        w.name(ws, it.path, f"$A${first}:${last}${lastrow}")
        w.validate(ws, f, f"B{first}:{last}{lastrow}")
        comment = _comment(f, with_description=True)
        if comment is not None:
            ws.cell(first, A).comment = comment
        for i, (name, values) in enumerate((_get(data, it.path) or {}).items()):
            set_text(ws.cell(first + i, A), str(name))
            for j, v in enumerate(values):
                ws.cell(first + i, B + j).value = v
    elif it.kind == "records":
        first, lastrow = r + 3, r + 2 + it.n
        for j, m in enumerate(it.members):
            head = ws.cell(r + 1, B + j)
            head.font = _BOLD
            head.fill = _HEAD_FILL
            comment = _comment(m, with_description=True)
            if comment is not None:
                head.comment = comment
            set_text(ws.cell(r + 2, B + j), m.unit or _expected(m))
            col = get_column_letter(B + j)
            w.validate(ws, m, f"{col}{first}:{col}{lastrow}")
        ws.cell(r + 1, A).font = _BOLD
        last = get_column_letter(B + max(len(it.members), 1) - 1)
        w.name(ws, it.path, f"${'A' if it.named else 'B'}${first}:${last}${lastrow}")
        if it.named:
            comment = _comment(f, with_description=True)
            if comment is not None:
                ws.cell(first, A).comment = comment
            rows = list((_get(data, it.path) or {}).items())
        else:
            rows = [(None, e) for e in _get(data, it.path) or []]
        for i, (name, elem) in enumerate(rows):
            if name is not None:
                set_text(ws.cell(first + i, A), str(name))
            for j, m in enumerate(it.members):
                w.value(ws.cell(first + i, B + j), m, elem.get(m.name))


def _table_key(it: _Item) -> str:
    """Schema key of the table or array a block item shows."""
    return it.field.key[:-2] if it.field.name == "*" else it.field.key


def _members_for_block(it: _Item, members: dict[str, Any]) -> list[tuple[str, Any]]:
    """Members of a wild_scalar block; a sources table keeps only what no Source cell holds."""
    return [(k, v) for k, v in members.items() if k not in it.taken]


def _mark_sources(sheet: _Sheet, data: dict[str, Any] | None) -> None:
    """Names shown in Source cells are not repeated in the sheet's sources table."""
    by_table: dict[Path, set[str]] = {}
    for it in sheet.items:
        if it.source is not None:
            by_table.setdefault(it.source[:-1], set()).add(str(it.source[-1]))
    for it in sheet.items:
        if it.kind == "wild_scalar" and it.path in by_table:
            it.taken = frozenset(by_table[it.path])


def _caps_from(data: dict[str, Any] | None) -> Callable[[Path, int], int]:
    def cap(path: Path, default: int) -> int:
        value = _get(data, path) if data is not None else None
        n = len(value) if isinstance(value, list | dict) else 0
        return max(default, n)

    return cap


def _instructions(ws: Any, sheets: list[_Sheet]) -> None:
    lines = [
        ("Appraisal input template", True),
        ("Fill the yellow cells; grey cells are fixed. Then run:", False),
        (
            "    appraisal validate FILE.xlsx    (ok, or one line per problem, naming the cell)",
            False,
        ),
        (
            "    appraisal run FILE.xlsx         (the appraisal: summary, JSON, workbook, PDF)",
            False,
        ),
        ("", False),
        ("Rules", True),
        ("- Rates are decimals: 0.09 for 9% (never 9).", False),
        (
            "- Money ('money' in the Unit column) is in the case's currency and money unit "
            "(Case sheet) at constant prices of the price year.",
            False,
        ),
        (
            "- Yearly rows: one value per year from the first year (the year row above shows "
            "them). Leave later years blank for 0.",
            False,
        ),
        (
            "- Tables of named members (cost categories, carriers, benefits, sources): write "
            "the name in column A and its values on the same row; empty rows are ignored.",
            False,
        ),
        (
            "- A path (e.g. a grid factor or a carbon price) is one value, or a table: years "
            "in the 'year' row and values under them. Not both.",
            False,
        ),
        (
            "- A component is written either with yearly streams (the 'streams' rows) or "
            "parametrically (capital by category, disbursement, life_years, energy, "
            "activities). Fill one form; leave unused component sheets empty.",
            False,
        ),
        (
            "- Type values, or formulas whose result is saved with the file. Do not insert "
            "or delete rows, merge cells or rename sheets: the reader checks the layout.",
            False,
        ),
        ("- Hover over a cell with a red corner for an example or a description.", False),
        (
            "- The Expected column gives 'required', or the default used when the cell is "
            "blank, and the allowed range or list.",
            False,
        ),
        ("", False),
        ("Sheets", True),
    ]
    for s in sheets:
        desc = s.field.description
        lines.append((f"{s.name}: {desc}", False))
    lines += [
        ("", False),
        (f"Layout {FORMAT}, generated from the case schema (templates/case_schema.toml).", False),
    ]
    for i, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(i, 1)
        set_text(cell, text)
        if bold:
            cell.font = Font(bold=True, size=14 if i == 1 else 11)
    ws.column_dimensions["A"].width = 120


def template_bytes(case: Case | None = None, *, components: int = 3) -> bytes:
    """The input template as .xlsx bytes: blank, or filled from ``case``.

    Parameters
    ----------
    case
        A case to fill the template with (``appraisal convert --to xlsx``); None
        for a blank template.
    components
        Number of component sheets of a blank template (a filled one has one per
        component of the case).

    Returns
    -------
    bytes
        A deterministic .xlsx (same inputs, same bytes).
    """
    data = case.data if case is not None else None

    caps: dict[str, int] = {}

    def elements(path: Path) -> int:
        value = _get(data, path) if data is not None else None
        n = max(1, len(value)) if isinstance(value, list) else max(1, components)
        caps[_fmt(path)] = n
        return n

    base_cap = _caps_from(data)

    def cap(path: Path, default: int) -> int:
        n = base_cap(path, default)
        caps[_fmt(path)] = n
        return n

    sheets = _layout(cap, elements)
    wb = Workbook()
    ws0 = wb.active
    ws0.title = INSTRUCTIONS
    _instructions(ws0, sheets)
    w = _Writer(wb, data)
    for s in sheets:
        ws = wb.create_sheet(s.name)
        set_text(ws.cell(1, A), s.title)
        ws.cell(1, A).font = Font(bold=True, size=14)
        set_text(ws.cell(2, A), s.field.description)
        for col, text in enumerate(HEADERS, start=1):
            cell = ws.cell(3, col)
            set_text(cell, text)
            cell.font = _BOLD
            cell.fill = _HEAD_FILL
        _mark_sources(s, data)
        for it in s.items:
            _render_item(w, ws, it)
        for col, width in ((A, 34), (B, 16), (C, 18), (D, 28), (E, 26), (F, 60)):
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.freeze_panes = "B4"
        ws.protection.sheet = True
        ws.protection.formatColumns = False
        ws.protection.formatRows = False
    lay = wb.create_sheet(LAYOUT_SHEET)
    set_text(lay.cell(1, 1), "format")
    set_text(lay.cell(1, 2), FORMAT)
    for i, (key, n) in enumerate(sorted(caps.items()), start=2):
        set_text(lay.cell(i, 1), key)
        lay.cell(i, 2).value = n
    lay.sheet_state = "veryHidden"
    lay.protection.sheet = True
    wb.security = WorkbookProtection(lockStructure=True)
    return workbook_bytes(wb)


# ---------------------------------------------------------------- reading

_Loc = tuple[int, int, int]  # sheet index, row, column


@dataclass
class _Reader:
    source: str
    sheet_names: list[str]
    data: dict[str, Any] = dc_field(default_factory=dict)
    where: dict[str, tuple[str, _Loc]] = dc_field(default_factory=dict)
    streams: dict[str, list[tuple[str, _Loc]]] = dc_field(default_factory=dict)
    problems: list[tuple[_Loc, str, str]] = dc_field(default_factory=list)
    broken: list[str] = dc_field(default_factory=list)  # data paths of unreadable sheets

    def loc(self, sheet: str, row: int, col: int) -> tuple[str, _Loc]:
        idx = self.sheet_names.index(sheet) if sheet in self.sheet_names else 999
        return f"{sheet}!{get_column_letter(col)}{row}", (idx, row, col)

    def problem(self, sheet: str, row: int, col: int, message: str) -> None:
        text, key = self.loc(sheet, row, col)
        self.problems.append((key, text, message))

    def sheet_problem(self, sheet: str, message: str) -> None:
        idx = self.sheet_names.index(sheet) if sheet in self.sheet_names else 999
        self.problems.append(((idx, 0, 0), sheet, message))

    def record(self, path: Path, sheet: str, row: int, col: int) -> None:
        self.where[_fmt(path)] = self.loc(sheet, row, col)


class _Blank:
    pass


BLANK = _Blank()


def _put(root: dict[str, Any], path: Path, value: Any) -> None:
    cur: Any = root
    for i, p in enumerate(path[:-1]):
        if isinstance(p, int):
            while len(cur) <= p:
                cur.append({})
            cur = cur[p]
        else:
            nxt: Any = [] if isinstance(path[i + 1], int) else {}
            cur = cur.setdefault(p, nxt)
    cur[path[-1]] = value


def _cell(rd: _Reader, wsf: Any, wsv: Any, row: int, col: int, *, what: str = "a value") -> Any:
    """The value of an input cell (the cached value of a formula), or BLANK.

    Problems that only the workbook shows (a formula without a cached value, a
    date, an error value, a non-finite or huge number) are recorded here; the
    cell then reads as BLANK.
    """
    sheet = wsf.title
    cf = wsf.cell(row, col)
    if cf.data_type == "f":
        cv = wsv().cell(row, col)
        if cv.data_type == "e":
            rd.problem(sheet, row, col, f"an error value {cv.value}; expected {what}")
            return BLANK
        value = cv.value
        if value is None:
            formula = str(cf.value)[:60]
            rd.problem(
                sheet,
                row,
                col,
                f"formula {formula} has no cached value (the file was saved without "
                f"calculating it); expected {what}: type the value, or open and save the "
                "file in a spreadsheet program",
            )
            return BLANK
    else:
        value = cf.value
    if value is None:
        return BLANK
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        rd.problem(sheet, row, col, f"a date or time ({value}); expected {what}")
        return BLANK
    if cf.data_type == "e":
        rd.problem(sheet, row, col, f"an error value {value}; expected {what}")
        return BLANK
    if isinstance(value, float) and not math.isfinite(value):
        rd.problem(sheet, row, col, f"{value} is not a finite number; expected {what}")
        return BLANK
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and abs(value) > MAX_ABS_NUMBER
    ):
        rd.problem(
            sheet,
            row,
            col,
            f"{value!r} is too large; expected {what} of magnitude at most {MAX_ABS_NUMBER:g}",
        )
        return BLANK
    if isinstance(value, str) and not value.strip():
        return BLANK
    return value


def _coerce(f: Field, value: Any) -> Any:
    """A cell value in the type the schema expects, where the conversion is unambiguous."""
    if f.type == "str" and isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else repr(value)
    if f.type == "bool" and isinstance(value, str):
        low = value.strip().lower()
        if low in ("true", "yes"):
            return True
        if low in ("false", "no"):
            return False
    if f.type in ("choice", "carbon_path") and isinstance(value, str):
        return value.strip()
    return value


def _name(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else repr(value)
    return str(value).strip()


def _describe(f: Field) -> str:
    if f.type == "bool":
        return "TRUE or FALSE"
    if f.type in ("str",):
        return "text"
    if f.type == "choice":
        return "one of " + ", ".join(f.choices)
    return "a whole number" if f.type == "int" else "a number"


def _read_row(rd: _Reader, wsf: Any, wsv: Any, row: int, f: Field, first: int) -> list[Any]:
    """A yearly row: values up to the last non-blank cell; blanks before it read as 0."""
    values = [_cell(rd, wsf, wsv, row, first + j, what="a number") for j in range(YEAR_COLUMNS)]
    while values and values[-1] is BLANK:
        values.pop()
    return [0.0 if v is BLANK else v for v in values]


def _read_item(rd: _Reader, wsf: Any, wsv: Any, it: _Item) -> None:
    sheet, r, f = wsf.title, it.row, it.field
    root = rd.data
    if it.source is not None:
        rd.record(it.source, sheet, r, D)
        v = _cell(rd, wsf, wsv, r, D, what="text")
        if v is not BLANK:
            _put(root, it.source, _name(v))
    if it.kind in ("title", "element"):
        rd.record(it.path, sheet, r, A)
    elif it.kind == "scalar":
        rd.record(it.path, sheet, r, B)
        v = _cell(rd, wsf, wsv, r, B, what=_describe(f))
        if v is not BLANK:
            _put(root, it.path, _coerce(f, v))
    elif it.kind == "path":
        rd.record(it.path, sheet, r, B)
        const = _cell(rd, wsf, wsv, r, B, what=_describe(f))
        table: dict[str, Any] = {}
        for j in range(it.n):
            year = _cell(rd, wsf, wsv, r + 1, B + j, what="a year")
            value = _cell(rd, wsf, wsv, r + 2, B + j, what="a number")
            if year is BLANK and value is BLANK:
                continue
            if year is BLANK:
                rd.problem(sheet, r + 1, B + j, "is blank; expected the year of the value below")
                continue
            if not (isinstance(year, int | float) and not isinstance(year, bool)) or not (
                float(year).is_integer() and 1000 <= year <= 9999
            ):
                rd.problem(sheet, r + 1, B + j, f"{year!r} is not a year; expected 4 digits")
                continue
            key = str(int(year))
            if key in table:
                rd.problem(sheet, r + 1, B + j, f"year {key} is given twice; expected each once")
                continue
            rd.record((*it.path, key), sheet, r + 2, B + j)
            if value is BLANK:
                rd.problem(sheet, r + 2, B + j, f"is blank; expected a number for {key}")
                continue
            table[key] = value
        if const is not BLANK and table:
            rd.problem(
                sheet, r, B, "a single value and a table by year are both given; expected one"
            )
        elif const is not BLANK:
            _put(root, it.path, _coerce(f, const))
        elif table:
            _put(root, it.path, table)
    elif it.kind == "stream":
        cells = [rd.loc(sheet, r, B + j) for j in range(YEAR_COLUMNS)]
        rd.where[_fmt(it.path)] = cells[0]
        rd.streams[_fmt(it.path)] = cells
        for j, c in enumerate(cells):
            rd.where[f"{_fmt(it.path)}[{j}]"] = c
        values = _read_row(rd, wsf, wsv, r, f, B)
        if values:
            _put(root, it.path, values)
    elif it.kind in ("wild_scalar", "wild_stream", "records"):
        _read_block(rd, wsf, wsv, it)


def _read_block(rd: _Reader, wsf: Any, wsv: Any, it: _Item) -> None:
    sheet, r, f = wsf.title, it.row, it.field
    root = rd.data
    rd.record(it.path, sheet, r, A)
    first = r + (3 if it.kind == "records" else 2)
    named = it.kind != "records" or it.named
    existing = _get(root, it.path)
    seen: set[str] = set(existing) if isinstance(existing, dict) else set()
    count = 0
    for i in range(it.n):
        row = first + i
        name = _cell(rd, wsf, wsv, row, A, what="a name") if named else BLANK
        if it.kind == "wild_scalar":
            values: Any = _cell(rd, wsf, wsv, row, B, what=_describe(f))
            empty = values is BLANK
        elif it.kind == "wild_stream":
            values = _read_row(rd, wsf, wsv, row, f, B)
            empty = not values
        else:
            values = {
                m.name: _cell(rd, wsf, wsv, row, B + j, what=_describe(m))
                for j, m in enumerate(it.members)
            }
            empty = all(v is BLANK for v in values.values())
        if name is BLANK and empty:
            continue
        if named:
            if name is BLANK:
                rd.problem(sheet, row, A, "is blank; expected the name of the values on this row")
                continue
            key = _name(name)
            if key in seen:
                rd.problem(sheet, row, A, f"{key!r} is given twice; expected each name once")
                continue
            seen.add(key)
            path: Path = (*it.path, key)
        else:
            path = (*it.path, count)
        rd.record(path, sheet, row, A if named else B)
        if it.kind == "wild_scalar":
            if empty:
                rd.problem(sheet, row, B, f"is blank; expected {_describe(f)} for {key!r}")
                continue
            _put(root, path, _coerce(f, values))
        elif it.kind == "wild_stream":
            for j in range(YEAR_COLUMNS):
                rd.where[f"{_fmt(path)}[{j}]"] = rd.loc(sheet, row, B + j)
            rd.streams[_fmt(path)] = [rd.loc(sheet, row, B + j) for j in range(YEAR_COLUMNS)]
            rd.where[_fmt(path)] = rd.loc(sheet, row, B)
            _put(root, path, values)
        else:
            if not named:
                parent = _get(root, it.path)
                if parent is None:
                    _put(root, it.path, [])
                _get(root, it.path).append({})
                count += 1
            for j, m in enumerate(it.members):
                rd.record((*path, m.name), sheet, row, B + j)
                v = values[m.name]
                if v is not BLANK:
                    _put(root, (*path, m.name), _coerce(m, v))


def _merged_inputs(rd: _Reader, wsf: Any, inputs: set[tuple[int, int]]) -> bool:
    bad = False
    for rng in list(wsf.merged_cells.ranges):
        hit = any(
            rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col
            for row, col in inputs
        )
        if hit:
            bad = True
            text = f"{wsf.title}!{get_column_letter(rng.min_col)}{rng.min_row}"
            idx = rd.sheet_names.index(wsf.title) if wsf.title in rd.sheet_names else 999
            rd.problems.append(
                (
                    (idx, rng.min_row, rng.min_col),
                    text,
                    f"merged cells ({rng.coord}) in the input area; expected one value per "
                    "cell: unmerge them",
                )
            )
    return bad


def _read_caps(rd: _Reader, wb: Any) -> dict[str, int] | None:
    """Block sizes and element-sheet counts recorded by the writer (checked: untrusted)."""
    if LAYOUT_SHEET not in wb.sheetnames:
        rd.sheet_problem(
            LAYOUT_SHEET,
            "the workbook is not an appraisal input template (its layout sheet is missing); "
            "expected a workbook made by `appraisal template` or `appraisal convert --to xlsx`",
        )
        return None
    ws = wb[LAYOUT_SHEET]
    if ws.cell(1, 2).value != FORMAT:
        rd.sheet_problem(
            LAYOUT_SHEET,
            f"layout {ws.cell(1, 2).value!r} is not {FORMAT!r}; expected a template made "
            "by this version of appraisal",
        )
        return None
    caps: dict[str, int] = {}
    for row in range(2, 2 + 10_000):
        key, n = ws.cell(row, 1).value, ws.cell(row, 2).value
        if key is None:
            break
        top = "." not in str(key) and "[" not in str(key)
        limit = MAX_SHEETS if top else MAX_BLOCK_ROWS
        if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= limit:
            rd.sheet_problem(
                LAYOUT_SHEET, f"the size of {key} is damaged; expected a fresh template"
            )
            return None
        caps[str(key)] = n
    return caps


def _layout_for(caps: dict[str, int]) -> list[_Sheet]:
    """Rebuild the writer's layout from the recorded block sizes."""

    def cap(path: Path, default: int) -> int:
        return caps.get(_fmt(path), default)

    def elements(path: Path) -> int:
        return caps.get(_fmt(path), 1)

    return _layout(cap, elements)


def _locate_factory(rd: _Reader) -> Callable[[str], str]:
    def locate(path: str) -> str:
        return _locate(rd, path)[0]

    return locate


def _locate(rd: _Reader, path: str) -> tuple[str, _Loc]:
    cells = rd.streams.get(path)
    if cells is not None:
        years = _get(rd.data, ("case", "years"))
        value = _get(rd.data, tuple(_split(path)))
        if isinstance(years, int) and isinstance(value, list) and len(value) > years >= 0:
            return cells[min(years, len(cells) - 1)]
    p = path
    while p:
        if p in rd.where:
            return rd.where[p]
        if p.endswith("]"):
            p = p[: p.rindex("[")]
        elif "." in p:
            p = p.rsplit(".", 1)[0]
        else:
            break
    return "(workbook)", (998, 0, 0)


def _split(path: str) -> list[str | int]:
    out: list[str | int] = []
    for part in re.finditer(r"([^.\[\]]+)|\[(\d+)\]", path):
        out.append(int(part.group(2)) if part.group(2) is not None else part.group(1))
    return out


def read_template(path: str | os.PathLike[str]) -> Case:
    """Read a filled input template (.xlsx or .xlsm) into a validated :class:`Case`.

    The file is checked before it is parsed (:mod:`appraisal.io.xlsx_safety`) and
    only read, never written. Macros are dropped. A formula in an input cell is
    read through its cached value; without one it is an error.

    Raises
    ------
    CaseError
        With every problem found, each located as ``Sheet!Cell`` (or the sheet).
    """
    source = str(path)
    try:
        wbf, load_values = load_workbooks(path)
    except WorkbookRefused as exc:
        raise CaseError(source, [Problem("(file)", str(exc))]) from None
    rd = _Reader(source, list(wbf.sheetnames))
    caps = _read_caps(rd, wbf)
    if caps is None:
        raise CaseError(source, [Problem(t, m) for _, t, m in rd.problems])
    try:
        sheets = _layout_for(caps)
    except TemplateLayoutError as exc:  # the schema itself: a bug, not an input problem
        raise AssertionError(str(exc)) from exc
    expected = [s.name for s in sheets]
    missing = [n for n in expected if n not in wbf.sheetnames]
    extra = [n for n in wbf.sheetnames if n not in (*expected, INSTRUCTIONS, LAYOUT_SHEET)]
    for name in missing:
        found = f"; found {', '.join(repr(x) for x in extra)} instead" if extra else ""
        rd.sheet_names.append(name)
        rd.sheet_problem(
            name,
            f"the sheet is missing (deleted or renamed){found}; expected the sheets "
            f"{', '.join(expected)}: rename it back, or copy the inputs into a fresh template",
        )
    for f in children(""):
        if f.required and f.type == "table":
            rd.data[f.name] = {}
    broken_sheets: set[str] = set()
    for s in sheets:
        if s.name in missing:
            broken_sheets.add(s.name)
            if not isinstance(s.path[-1], int):
                rd.broken.append(_fmt(s.path))
            continue
        wsf = wbf[s.name]

        def wsv(name: str = s.name) -> Any:
            return load_values()[name]

        bad = False
        for it in s.items:
            for row, col, text in _labels(it):
                found = wsf.cell(row, col).value
                if str(found if found is not None else "") != text:
                    rd.problem(
                        s.name,
                        row,
                        col,
                        f"expected the label {text!r} here, found {found!r}: the layout was "
                        "changed (rows or columns inserted or deleted?); copy the inputs into "
                        "a fresh template",
                    )
                    bad = True
                    break
            if bad:
                break
        inputs = {rc for it in s.items for rc in _inputs(it)}
        if bad or _merged_inputs(rd, wsf, inputs):
            broken_sheets.add(s.name)
            if not isinstance(s.path[-1], int):
                rd.broken.append(_fmt(s.path))
            continue
        if isinstance(s.path[-1], int):
            arr = rd.data.setdefault(str(s.path[0]), [])
            index = len(arr)
            arr.append({})
            rd.where.setdefault(str(s.path[0]), rd.loc(s.name, FIRST_ROW, B))
            items = [_reindex(it, index) for it in s.items]
            for it in items:
                _read_item(rd, wsf, wsv, it)
            if not arr[index]:
                arr.pop()
        else:
            rd.record(s.path, s.name, 1, A)
            for it in s.items:
                _read_item(rd, wsf, wsv, it)
        _prune(rd.data, [it.path[:-1] for it in s.items if it.kind == "element"])
    for f in children(""):
        if f.type == "array" and rd.data.get(f.name) == []:
            del rd.data[f.name]
            if any(s.path[0] == f.name and s.name in broken_sheets for s in sheets):
                rd.broken.append(f.name)
    return _finish(rd)


def _prune(root: dict[str, Any], arrays: list[Path]) -> None:
    """Drop the empty trailing sections of nested arrays (and an array left empty)."""
    for path in dict.fromkeys(arrays):
        value = _get(root, path)
        if not isinstance(value, list):
            continue
        while value and value[-1] == {}:
            value.pop()
        if not value:
            parent = _get(root, path[:-1])
            if isinstance(parent, dict):
                parent.pop(str(path[-1]), None)


def _reindex(it: _Item, index: int) -> _Item:
    """The item with the element index of its sheet replaced by the data index."""

    def fix(p: Path | None) -> Path | None:
        if p is None:
            return None
        return (p[0], index, *p[2:])

    new = _Item(**{**it.__dict__, "path": fix(it.path), "source": fix(it.source)})
    return new


def _finish(rd: _Reader) -> Case:
    reader_cells = {key for key, _, _ in rd.problems}
    problems = list(rd.problems)
    _, found = validate(rd.data)

    def under_broken(p: str) -> bool:
        return any(p == b or p.startswith((b + ".", b + "[")) for b in rd.broken)

    for p in found:
        if under_broken(p.path):
            continue
        text, key = _locate(rd, p.path)
        if key in reader_cells:
            continue
        problems.append((key, text, p.message))
    if problems:
        problems.sort(key=lambda x: x[0])
        raise CaseError(rd.source, [Problem(t, m) for _, t, m in problems])
    return parse_case(rd.data, source=rd.source, locate=_locate_factory(rd))


# ---------------------------------------------------------------- TOML

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_key(key: str) -> str:
    return key if _BARE.match(key) else _toml_str(key)


def _toml_str(s: str) -> str:
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _toml_str(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        inner = ", ".join(f"{_toml_key(str(k))} = {_toml_value(x)}" for k, x in v.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _child(schema_key: str, name: str) -> Field | None:
    kids = {f.name: f for f in children(schema_key)}
    return kids.get(name) or kids.get("*")


def _ordered(schema_key: str, table: dict[str, Any]) -> list[str]:
    order = [f.name for f in children(schema_key) if f.name != "*"]
    named = [k for k in order if k in table]
    return named + [k for k in table if k not in named]


def _toml_table(lines: list[str], schema_key: str, header: str, table: dict[str, Any]) -> None:
    subs: list[tuple[str, Field, Any]] = []
    for name in _ordered(schema_key, table):
        value = table[name]
        f = _child(schema_key, name)
        is_table = f is not None and f.type == "table" and isinstance(value, dict)
        is_array = (
            f is not None and f.type == "array" and isinstance(value, list) and len(value) > 0
        )
        if is_table or is_array:
            assert f is not None
            subs.append((name, f, value))
        else:
            lines.append(f"{_toml_key(name)} = {_toml_value(value)}")
    for name, f, value in subs:
        sub_header = f"{header}.{_toml_key(name)}" if header else _toml_key(name)
        if f.type == "table":
            lines += ["", f"[{sub_header}]"]
            _toml_table(lines, f.key, sub_header, value)
        else:
            for elem in value:
                lines += ["", f"[[{sub_header}]]"]
                _toml_table(lines, f.key + "[]", sub_header, elem)


def case_to_toml(case: Case) -> str:
    """The case as a TOML case file (its normalized data: every default written out)."""
    lines = [
        f"# {case.meta.name}",
        "# Written by appraisal convert from " + (case.path or "a case") + ".",
    ]
    _toml_table(lines, "", "", case.data)
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"
