"""Read a filled input template into a validated case, naming the cell of every problem.

The reader rebuilds the writer's layout from the block sizes in the ``_layout``
sheet, checks every fixed label against it (a row inserted or deleted moves
them), reads the input cells, and validates the data with the case schema; each
problem the validator finds is mapped back to the cell its value came from.
Reading never writes: see :mod:`appraisal.io.xlsx_safety` for the checks made
before openpyxl parses a byte.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from typing import Any

from openpyxl.utils import get_column_letter

from appraisal.case import Case, CaseError, parse_case
from appraisal.io.template.cells import (
    BLANK,
    Loc,
    Reader,
    coerce,
    describe,
    name_of,
    put_path,
    read_cell,
    read_row,
)
from appraisal.io.template.layout import (
    FIRST_ROW,
    FORMAT,
    INSTRUCTIONS,
    LAYOUT_SHEET,
    MAX_BLOCK_ROWS,
    MAX_SHEETS,
    YEAR_COLUMNS,
    A,
    B,
    D,
    Item,
    Path,
    Sheet,
    TemplateLayoutError,
    build_layout,
    format_path,
    get_path,
    input_cells,
)
from appraisal.io.template.unread import check_unread, moved_label, sheets_to_read
from appraisal.io.xlsx_safety import WorkbookRefused, load_workbooks
from appraisal.schema import Problem, children, key_problem, validate

__all__ = ["read_template"]


def _year_words(rd: Reader, j: int, kind: str) -> str:
    """The j-th yearly cell in words: its calendar year when the case gives the first."""
    first = get_path(rd.data, ("case", "first_year"))
    if kind == "stream" and isinstance(first, int) and not isinstance(first, bool):
        return str(first + j)
    return f"year {j + 1}"


def _read_item(rd: Reader, wsf: Any, wsv: Any, it: Item) -> None:
    sheet, r, f = wsf.title, it.row, it.field
    root = rd.data
    if it.source is not None:
        rd.record(it.source, sheet, r, D)
        rd.name(sheet, r, D, f"{f.words} (source)")
        v = read_cell(rd, wsf, wsv, r, D, what="text")
        if v is not BLANK:
            put_path(root, it.source, name_of(v))
    if it.kind in ("title", "element"):
        rd.record(it.path, sheet, r, A)
        rd.name(sheet, r, A, it.label)
    elif it.kind == "scalar":
        rd.record(it.path, sheet, r, B)
        rd.name(sheet, r, B, f.words)
        v = read_cell(rd, wsf, wsv, r, B, what=describe(f))
        if v is not BLANK:
            put_path(root, it.path, coerce(f, v))
    elif it.kind == "path":
        _read_path(rd, wsf, wsv, it)
    elif it.kind == "stream":
        cells = [rd.loc(sheet, r, B + j) for j in range(YEAR_COLUMNS)]
        rd.where[format_path(it.path)] = cells[0]
        rd.streams[format_path(it.path)] = cells
        for j, c in enumerate(cells):
            rd.where[f"{format_path(it.path)}[{j}]"] = c
            rd.name(sheet, r, B + j, f"{f.words}, {_year_words(rd, j, f.type)}")
        values = read_row(rd, wsf, wsv, r, B)
        if values:
            put_path(root, it.path, values)
    elif it.kind in ("wild_scalar", "wild_stream", "records"):
        _read_block(rd, wsf, wsv, it)


def _read_path(rd: Reader, wsf: Any, wsv: Any, it: Item) -> None:
    """A path: one value in the value cell, or a table of years and values below it."""
    sheet, r, f = wsf.title, it.row, it.field
    rd.record(it.path, sheet, r, B)
    rd.name(sheet, r, B, f.words)
    const = read_cell(rd, wsf, wsv, r, B, what=describe(f))
    table: dict[str, Any] = {}
    for j in range(it.n):
        rd.name(sheet, r + 1, B + j, f"{f.words}, year")
        rd.name(sheet, r + 2, B + j, f"{f.words}, value")
        year = read_cell(rd, wsf, wsv, r + 1, B + j, what="a year")
        value = read_cell(rd, wsf, wsv, r + 2, B + j, what="a number")
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
        rd.problem(sheet, r, B, "a single value and a table by year are both given; expected one")
    elif const is not BLANK:
        put_path(rd.data, it.path, coerce(f, const))
    elif table:
        put_path(rd.data, it.path, table)


def _name_values(rd: Reader, sheet: str, row: int, it: Item, whose: str) -> None:
    """Name in words the value cells of one row of a block (``whose``: the row's name)."""
    if it.kind == "wild_scalar":
        rd.name(sheet, row, B, f"{it.field.words}{whose}")
    elif it.kind == "wild_stream":
        for j in range(YEAR_COLUMNS):
            year = _year_words(rd, j, it.field.type)
            rd.name(sheet, row, B + j, f"{it.field.words}{whose}, {year}")
    else:
        for j, m in enumerate(it.members):
            rd.name(sheet, row, B + j, f"{m.words}{whose}")


def _read_block(rd: Reader, wsf: Any, wsv: Any, it: Item) -> None:
    sheet, r, f = wsf.title, it.row, it.field
    root = rd.data
    rd.record(it.path, sheet, r, A)
    first = r + (3 if it.kind == "records" else 2)
    named = it.kind != "records" or it.named
    existing = get_path(root, it.path)
    seen: set[str] = set(existing) if isinstance(existing, dict) else set()
    count = 0
    for i in range(it.n):
        row = first + i
        rd.name(sheet, row, A, f"{it.label}, name")
        name = read_cell(rd, wsf, wsv, row, A, what="a name") if named else BLANK
        whose = f" ({name_of(name)[:40]})" if name is not BLANK else f", row {i + 1}"
        _name_values(rd, sheet, row, it, whose)
        if it.kind == "wild_scalar":
            values: Any = read_cell(rd, wsf, wsv, row, B, what=describe(f))
            empty = values is BLANK
        elif it.kind == "wild_stream":
            values = read_row(rd, wsf, wsv, row, B)
            empty = not values
        else:
            values = {
                m.name: read_cell(rd, wsf, wsv, row, B + j, what=describe(m))
                for j, m in enumerate(it.members)
            }
            empty = all(v is BLANK for v in values.values())
        if name is BLANK and empty:
            continue
        if named:
            if name is BLANK:
                rd.problem(sheet, row, A, "is blank; expected the name of the values on this row")
                continue
            key = name_of(name)
            bad = key_problem(key)
            if bad is not None:
                rd.problem(sheet, row, A, bad)
                continue
            if key in seen:
                rd.problem(sheet, row, A, f"{key!r} is given twice; expected each name once")
                continue
            seen.add(key)
            path: Path = (*it.path, key)
        else:
            path = (*it.path, count)
        # a problem with a value names the cell it was typed in: B, not the name in A
        rd.record(path, sheet, row, B if it.kind == "wild_scalar" or not named else A)
        if it.kind == "wild_scalar":
            if empty:
                rd.problem(sheet, row, B, f"is blank; expected {describe(f)}")
                continue
            put_path(root, path, coerce(f, values))
        elif it.kind == "wild_stream":
            for j in range(YEAR_COLUMNS):
                rd.where[f"{format_path(path)}[{j}]"] = rd.loc(sheet, row, B + j)
            rd.streams[format_path(path)] = [rd.loc(sheet, row, B + j) for j in range(YEAR_COLUMNS)]
            rd.where[format_path(path)] = rd.loc(sheet, row, B)
            put_path(root, path, values)
        else:
            if not named:
                parent = get_path(root, it.path)
                if parent is None:
                    put_path(root, it.path, [])
                get_path(root, it.path).append({})
                count += 1
            for j, m in enumerate(it.members):
                rd.record((*path, m.name), sheet, row, B + j)
                v = values[m.name]
                if v is not BLANK:
                    put_path(root, (*path, m.name), coerce(m, v))


def _merged_inputs(rd: Reader, wsf: Any, inputs: set[tuple[int, int]]) -> bool:
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


def _read_caps(rd: Reader, wb: Any) -> dict[str, int] | None:
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


def _layout_for(caps: dict[str, int]) -> list[Sheet]:
    """Rebuild the writer's layout from the recorded block sizes."""

    def cap(path: Path, default: int) -> int:
        return caps.get(format_path(path), default)

    def elements(path: Path) -> int:
        return caps.get(format_path(path), 1)

    return build_layout(cap, elements)


def _locate_factory(rd: Reader) -> Callable[[str], str]:
    def locate(path: str) -> str:
        return _locate(rd, path)[0]

    return locate


def _locate(rd: Reader, path: str) -> tuple[str, Loc]:
    """The cell a data path was read from (or of its nearest recorded parent)."""
    cells = rd.streams.get(path)
    if cells is not None:
        years = get_path(rd.data, ("case", "years"))
        value = get_path(rd.data, tuple(_split(path)))
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


def _share_cell(rd: Reader, p: Problem) -> tuple[str, Loc] | None:
    """The cell typed in for a problem with a row of shares, else None.

    A share out of 0..1 is named at the first such share; shares that do not sum
    to 1 at the last share typed (the validator names the whole row).
    """
    cells = rd.streams.get(p.path)
    values = get_path(rd.data, tuple(_split(p.path)))
    if cells is None or not isinstance(values, list) or not values:
        return None
    if p.message.startswith("shares must each be between"):
        bad = [j for j, v in enumerate(values) if isinstance(v, int | float) and not 0 <= v <= 1]
        return cells[bad[0]] if bad and bad[0] < len(cells) else None
    if p.message.startswith("shares sum to"):
        return cells[min(len(values), len(cells)) - 1]
    return None


def _split(path: str) -> list[str | int]:
    """A validator path back into its parts.

    >>> _split("components[0].streams.capital")
    ['components', 0, 'streams', 'capital']
    """
    out: list[str | int] = []
    for part in re.finditer(r"([^.\[\]]+)|\[(\d+)\]", path):
        out.append(int(part.group(2)) if part.group(2) is not None else part.group(1))
    return out


def _check_labels(rd: Reader, wsf: Any, s: Sheet) -> bool:
    """Whether a fixed label of ``s`` moved (the first one found is a problem)."""
    moved = moved_label(wsf, s)
    if moved is None:
        return False
    row, col, text, found = moved
    rd.problem(
        s.name,
        row,
        col,
        f"expected the label {text!r} here, found {found!r}: the layout was "
        "changed (rows or columns inserted or deleted?); copy the inputs into "
        "a fresh template",
    )
    return True


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
        raise CaseError(source, [Problem(exc.where, str(exc))]) from None
    rd = Reader(source, list(wbf.sheetnames))
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
    if not missing:
        sheets = sheets_to_read(rd, wbf, sheets, extra)
    for f in children(""):
        if f.required and f.type == "table":
            rd.data[f.name] = {}
    broken_sheets: set[str] = set()
    for s in sheets:
        if s.name in missing:
            broken_sheets.add(s.name)
            if not isinstance(s.path[-1], int):
                rd.broken.append(format_path(s.path))
            continue
        wsf = wbf[s.name]

        def wsv(name: str = s.name) -> Any:
            try:  # loaded when a formula is met; a failure is the file's, in one line
                return load_values()[name]
            except WorkbookRefused as exc:
                raise CaseError(source, [Problem(exc.where, str(exc))]) from None

        inputs = {rc for it in s.items for rc in input_cells(it)}
        if _check_labels(rd, wsf, s) or _merged_inputs(rd, wsf, inputs):
            broken_sheets.add(s.name)
            if not isinstance(s.path[-1], int):
                rd.broken.append(format_path(s.path))
            continue
        check_unread(rd, wsf, s)
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
        value = get_path(root, path)
        if not isinstance(value, list):
            continue
        while value and value[-1] == {}:
            value.pop()
        if not value:
            parent = get_path(root, path[:-1])
            if isinstance(parent, dict):
                parent.pop(str(path[-1]), None)


def _reindex(it: Item, index: int) -> Item:
    """The item with the element index of its sheet replaced by the data index."""

    def fix(p: Path | None) -> Path | None:
        if p is None:
            return None
        return (p[0], index, *p[2:])

    return Item(**{**it.__dict__, "path": fix(it.path), "source": fix(it.source)})


def _finish(rd: Reader) -> Case:
    """Validate the data read; every problem, sorted by cell, or the parsed case."""
    reader_cells = {key for key, _, _ in rd.problems}
    problems = list(rd.problems)
    _, found = validate(rd.data)

    def under_broken(p: str) -> bool:
        return any(p == b or p.startswith((b + ".", b + "[")) for b in rd.broken)

    for p in found:
        if under_broken(p.path):
            continue
        text, key = _share_cell(rd, p) or _locate(rd, p.path)
        if key in reader_cells:
            continue
        problems.append((key, text, p.message))
    if problems:
        problems.sort(key=lambda x: x[0])
        raise CaseError(rd.source, [Problem(t, rd.message(k, m)) for k, t, m in problems])
    return parse_case(rd.data, source=rd.source, locate=_locate_factory(rd))
