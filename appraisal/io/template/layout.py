"""Where each case field goes in the input template: sheets, rows and cells.

The layout is computed from the case schema alone and shared by the writer
(:mod:`appraisal.io.template.write`) and the reader
(:mod:`appraisal.io.template.read`), so the two cannot disagree:

- one sheet per top-level table, one per element of a top-level array whose
  elements hold tables or yearly rows (Component 1, Component 2, ...);
- on a sheet, an :class:`Item` is one block of rows: a scalar row, a path (value
  row, years row, values row), a yearly row, a block of named or numbered rows;
- ``cap`` sizes the variable blocks: the writer takes the defaults or the sizes
  of the case's data, the reader the sizes recorded in the ``_layout`` sheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from openpyxl.utils import get_column_letter

from appraisal.schema import Field, children, field_by_key

__all__ = [
    "FORMAT",
    "MAX_ABS_NUMBER",
    "Item",
    "Sheet",
    "TemplateLayoutError",
    "build_layout",
    "defined_name",
    "format_path",
    "get_path",
    "input_cells",
    "labels",
    "schema_key",
    "template_locations",
]

FORMAT = "appraisal-input-template/2"  # 2: labels in words (was: schema keys)
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

Path = tuple[str | int, ...]


class TemplateLayoutError(ValueError):
    """A schema field has a shape the generic layout cannot place."""


def format_path(path: Path) -> str:
    """A data path in the validator's form.

    >>> format_path(("components", 0, "streams"))
    'components[0].streams'
    """
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


def defined_name(path: Path) -> str:
    """The workbook's defined name of a data path (element indices count from 1).

    >>> defined_name(("components", 0, "streams", "capital"))
    'components_1_streams_capital'
    """
    parts = [f"{p + 1}" if isinstance(p, int) else re.sub(r"\W", "_", p) for p in path]
    return "_".join(parts)


def get_path(data: Any, path: Path) -> Any:
    """The value at ``path`` in nested dicts and lists, or None where it is missing.

    >>> get_path({"a": [{"b": 1}]}, ("a", 0, "b")), get_path({"a": []}, ("a", 0))
    (1, None)
    """
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


@dataclass
class Item:
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
    depth: int = 0  # tables it sits in on its sheet (the label is indented this much)

    @property
    def rows(self) -> int:
        return {
            "path": 3,
            "wild_scalar": 2 + self.n,
            "wild_stream": 2 + self.n,
            "records": 3 + self.n,
        }.get(self.kind, 1)


@dataclass
class Sheet:
    """One sheet of the template: its name, the schema field it shows, its items."""

    name: str
    field: Field
    path: Path
    title: str
    items: list[Item] = dc_field(default_factory=list)


def _is_scalar_record(key: str) -> bool:
    kids = children(key)
    return bool(kids) and all(k.type in SCALARS and k.name != "*" for k in kids)


class _Walker:
    """Walks the schema and places every field; ``cap`` sizes the variable blocks."""

    def __init__(self, cap: Callable[[Path, int], int]) -> None:
        self.cap = cap
        self.items: list[Item] = []
        self.row = FIRST_ROW
        self.depth = 0

    def add(self, item: Item) -> None:
        item.depth = self.depth if item.kind not in ("title", "element") else self.depth - 1
        self.items.append(item)
        self.row += item.rows

    def table(self, key: str, path: Path) -> None:
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
                self.add(Item("scalar", self.row, k, (*path, k.name), k.words))
                self.items[-1].source = source_of(k.name)
            elif k.type in PATHS:
                n = self.cap((*path, k.name), PATH_COLUMNS)
                self.add(Item("path", self.row, k, (*path, k.name), k.words, n=n))
                self.items[-1].source = source_of(k.name)
        last = ""
        for k in kids:
            if k.type in LISTS:
                if k.type != last:
                    self.add(Item("years", self.row, k, path, "", years=k.type))
                    last = k.type
                label = k.words + (f" [{k.unit}]" if k.unit else "")
                self.add(Item("stream", self.row, k, (*path, k.name), label))
        for k in kids:
            if k.type in ("table", "array"):
                src = source_of(k.name) if k is not sources else None
                self.block(k, (*path, k.name), k.words, src)
            elif k.type not in SCALARS | PATHS | LISTS:
                raise TemplateLayoutError(f"{k.key}: type {k.type} has no template layout")

    def block(self, k: Field, path: Path, label: str, source: Path | None) -> None:
        if k.type == "array":
            if not _is_scalar_record(k.key + "[]"):
                # elements holding tables or rows: one section of rows per element
                for i in range(self.cap(path, ELEMENTS)):
                    elem = f"{label} {i + 1}"
                    self.depth += 1
                    self.add(Item("element", self.row, k, (*path, i), elem))
                    self.table(k.key + "[]", (*path, i))
                    self.depth -= 1
                return
            n = self.cap(path, BLOCK_ROWS)
            members = children(k.key + "[]")
            self.add(Item("records", self.row, k, path, label, n=n, members=members))
            self.items[-1].source = source
            return
        kids = children(k.key)
        wild = next((c for c in kids if c.name == "*"), None)
        if wild is None:
            self.depth += 1
            self.add(Item("title", self.row, k, path, label, source=source))
            self.table(k.key, path)
            self.depth -= 1
            return
        if len(kids) > 1:
            raise TemplateLayoutError(f"{k.key}: named fields and '*' members in one table")
        n = self.cap(path, BLOCK_ROWS)
        if wild.type in SCALARS:
            item = Item("wild_scalar", self.row, wild, path, label, n=n)
        elif wild.type in LISTS:
            item = Item("wild_stream", self.row, wild, path, label, n=n, years=wild.type)
        elif wild.type == "table" and _is_scalar_record(wild.key):
            members = children(wild.key)
            item = Item("records", self.row, wild, path, label, n=n, members=members, named=True)
        else:
            raise TemplateLayoutError(f"{wild.key}: type {wild.type} has no template layout")
        item.source = source
        self.add(item)


def _sheet_title(f: Field) -> str:
    return SHEET_TITLES.get(f.name, f.name.replace("_", " ").capitalize())


def build_layout(cap: Callable[[Path, int], int], elements: Callable[[Path], int]) -> list[Sheet]:
    """The sheets of the template; ``elements`` gives the sheet count of element arrays."""
    sheets: list[Sheet] = []
    for f in children(""):
        path: Path = (f.name,)
        if f.type == "table":
            w = _Walker(cap)
            kids = children(f.key)
            if any(k.name == "*" for k in kids):
                w.block(f, path, f.words, None)
            else:
                w.table(f.key, path)
            sheets.append(Sheet(_sheet_title(f), f, path, _sheet_title(f), w.items))
        elif f.type == "array" and _is_scalar_record(f.key + "[]"):
            w = _Walker(cap)
            w.block(f, path, f.words, None)
            sheets.append(Sheet(_sheet_title(f), f, path, _sheet_title(f), w.items))
        elif f.type == "array":
            singular = _sheet_title(f).removesuffix("s")
            for i in range(elements(path)):
                w = _Walker(cap)
                w.table(f.key + "[]", (*path, i))
                name = f"{singular} {i + 1}"
                sheets.append(Sheet(name, f, (*path, i), name, w.items))
        else:
            raise TemplateLayoutError(f"{f.key}: a top-level {f.type} has no template layout")
    return sheets


def labels(item: Item) -> Iterator[tuple[int, int, str]]:
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
            yield r + 1, B + j, m.words
        if not item.named:
            for i in range(item.n):
                yield r + 3 + i, A, str(i + 1)


def input_cells(item: Item) -> Iterator[tuple[int, int]]:
    """The input (unlocked) cells of an item: (row, column)."""
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


def schema_key(path: Path) -> str:
    """Schema key of a concrete data path.

    >>> schema_key(("components", 0, "capital", "land"))
    'components[].capital.*'
    """
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

    for s in build_layout(lambda p, d: d, lambda p: components):
        put(s.field.key, s.name, 1, A)
        for it in s.items:
            put(it.field.key, s.name, it.row, B if it.kind in ("scalar", "path") else A)
            if it.kind != "years":
                put(schema_key(it.path), s.name, it.row, A)
            if it.source is not None:
                put(schema_key(it.source[:-1]), s.name, it.row, D)
                put(schema_key(it.source), s.name, it.row, D)
            for j, m in enumerate(it.members):
                put(m.key, s.name, it.row + 3, B + j)
    return out
