"""What a filled template holds beyond what the reader reads: copied sheets, stray cells.

Nothing an officer types is dropped without a word:

- an extra sheet whose fixed labels are those of a component sheet (a Component
  sheet copied to add a component, under any name) is read as one more
  component, in workbook order; :func:`copied_elements` finds them;
- any other extra worksheet is refused, saying how to add a component
  (:data:`EXTRA_SHEET`); chart sheets hold no inputs and are let be;
- a cell with content that is neither an input cell nor a cell the writer fills
  (labels, units, "Expected" and description texts, year headers) is refused,
  naming the cell (:func:`unread_cells`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

from appraisal.io.template.cells import Reader
from appraisal.io.template.layout import (
    YEAR_COLUMNS,
    A,
    B,
    C,
    E,
    F,
    Item,
    Sheet,
    input_cells,
    labels,
)

__all__ = [
    "EXTRA_SHEET",
    "check_unread",
    "copied_elements",
    "describe_unread",
    "moved_label",
    "sheets_to_read",
    "template_cells",
    "unread_cells",
]

EXTRA_SHEET = (
    "a sheet the template does not read (neither one of its sheets nor a copy of a "
    "Component sheet with its rows intact); expected only the template's sheets: "
    "delete it or move its inputs into them. To add a component, copy a Component "
    "sheet (unprotect the workbook first) or make a template with more: "
    "`appraisal template --components N`"
)
UNREAD_CELL = (
    "in a cell the template does not read; expected it empty: only the yellow input "
    "cells are read (a block is full? see docs/input-template.md, 'More rows')"
)


def _fixed_cells(it: Item) -> Iterator[tuple[int, int]]:
    """The cells the writer fills around an item's inputs (texts, year headers)."""
    r = it.row
    for row, col, _ in labels(it):
        yield row, col
    if it.kind in ("title", "element", "wild_scalar", "wild_stream", "records"):
        yield r, F
    if it.kind in ("scalar", "path"):
        yield from ((r, C), (r, E), (r, F))
    if it.kind == "years":
        yield from ((r, B + j) for j in range(YEAR_COLUMNS))
    if it.kind == "wild_scalar":
        yield r + 1, C
    if it.kind == "wild_stream":
        yield from ((r + 1, B + j) for j in range(YEAR_COLUMNS))
    if it.kind == "records":
        for j in range(len(it.members)):
            yield r + 1, B + j
            yield r + 2, B + j


def template_cells(s: Sheet) -> set[tuple[int, int]]:
    """Every cell of sheet ``s`` the template writes or reads: (row, column)."""
    cells = {(1, A), (2, A)} | {(3, col) for col in range(A, F + 1)}
    for it in s.items:
        cells.update(_fixed_cells(it))
        cells.update(input_cells(it))
    return cells


def _empty(value: Any) -> bool:
    """A cell the reader would read as blank (no value, or only spaces)."""
    return value is None or (isinstance(value, str) and not value.strip())


def unread_cells(ws: Any, s: Sheet) -> list[tuple[int, int, Any]]:
    """Cells of ``ws`` (laid out as ``s``) with content the reader does not read.

    Returns (row, column, value), sorted by row then column.
    """
    known = template_cells(s)
    # openpyxl keeps the cells it parsed in ``_cells``: walking them costs what the
    # file holds, where iter_rows over max_row x max_column could be 10^10 cells.
    found = [
        (row, col, cell.value)
        for (row, col), cell in ws._cells.items()
        if (row, col) not in known and not _empty(cell.value)
    ]
    return sorted(found, key=lambda x: (x[0], x[1]))


def describe_unread(value: Any, more: int) -> str:
    """The message of an unread cell (and how many more the sheet has)."""
    text = str(value)
    shown = text if len(text) <= 40 else text[:37] + "..."
    shown = repr(shown) if isinstance(value, str) else shown
    tail = f" ({more} more such cells on this sheet)" if more else ""
    return f"{shown} {UNREAD_CELL}{tail}"


def moved_label(ws: Any, s: Sheet) -> tuple[int, int, str, Any] | None:
    """The first fixed label of ``s`` not found in its place: (row, column, text, found)."""
    for it in s.items:
        for row, col, text in labels(it):
            found = ws.cell(row, col).value
            if str(found if found is not None else "") != text:
                return row, col, text, found
    return None


def copied_elements(wb: Any, extra: list[str], sheets: list[Sheet]) -> dict[str, Sheet]:
    """The extra sheets that are copies of an element sheet (a component), laid out.

    A copy is recognised by its labels: every fixed label of an element sheet's
    layout is where that layout puts it. When several layouts fit (they differ
    only in the rows of a trailing block or the columns of a path table), the
    one with the most input cells is taken, so no typed value falls outside it.
    """
    layouts: dict[tuple[Any, ...], Sheet] = {}
    for s in sheets:  # one candidate per distinct layout (labels and input cells)
        if isinstance(s.path[-1], int):
            texts = tuple(lab for it in s.items for lab in labels(it))
            inputs = frozenset(rc for it in s.items for rc in input_cells(it))
            layouts.setdefault((texts, inputs), s)
    candidates = list(layouts.values())
    out: dict[str, Sheet] = {}
    for name in extra:
        ws = wb[name]
        if not isinstance(ws, Worksheet):
            continue
        fits = [s for s in candidates if moved_label(ws, s) is None]
        if fits:
            best = max(fits, key=lambda s: sum(1 for it in s.items for _ in input_cells(it)))
            out[name] = Sheet(name, best.field, best.path, best.title, best.items)
    return out


def check_unread(rd: Reader, wsf: Any, s: Sheet) -> None:
    """Refuse content in cells the template does not read (the first of a sheet, counted)."""
    stray = unread_cells(wsf, s)
    if stray:
        row, col, value = stray[0]
        rd.problem(s.name, row, col, describe_unread(value, len(stray) - 1))


def sheets_to_read(rd: Reader, wb: Any, sheets: list[Sheet], extra: list[str]) -> list[Sheet]:
    """The layout's sheets with copied element sheets added; other extra sheets refused.

    The sheets of an element array (Component 1, 2, ... and copies) are read in
    workbook order, so the components keep the order of their sheets.
    """
    copies = copied_elements(wb, extra, sheets)
    for name in extra:
        if name not in copies and isinstance(wb[name], Worksheet):
            rd.sheet_problem(name, EXTRA_SHEET)
    where = {name: i for i, name in enumerate(wb.sheetnames)}
    out: list[Sheet] = []
    for s in sheets:
        if not isinstance(s.path[-1], int):
            out.append(s)
        elif not any(isinstance(x.path[-1], int) and x.path[0] == s.path[0] for x in out):
            group = [x for x in [*sheets, *copies.values()] if isinstance(x.path[-1], int)]
            group = [x for x in group if x.path[0] == s.path[0]]
            out.extend(sorted(group, key=lambda x: where.get(x.name, len(where))))
    return out
