"""Render the input template: blank, or filled from a case (``appraisal convert``).

Every sheet is drawn from :func:`appraisal.io.template.layout.build_layout`;
the block sizes and element-sheet counts the layout used are recorded in a
very hidden ``_layout`` sheet, so the reader rebuilds the same layout.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.protection import WorkbookProtection

from appraisal.case import Case
from appraisal.io.gcpause import gc_paused
from appraisal.io.template.instructions import write_instructions
from appraisal.io.template.layout import (
    FORMAT,
    HEADERS,
    INSTRUCTIONS,
    LAYOUT_SHEET,
    YEAR_COLUMNS,
    A,
    B,
    C,
    D,
    E,
    F,
    Item,
    Path,
    Sheet,
    build_layout,
    defined_name,
    format_path,
    get_path,
    input_cells,
    labels,
)
from appraisal.io.template.printing import (
    YEAR,
    fit_rows,
    number_format,
    print_setup,
    set_widths,
)
from appraisal.io.template.styles import BOLD, HEAD_FILL, WRAP, CellStyles
from appraisal.io.template.validation import Validations, comment, expected_text
from appraisal.io.xlsx_common import set_text, workbook_bytes
from appraisal.schema import Field, field_by_key

__all__ = ["template_bytes"]


class _Writer:
    """The workbook being written, the case data, and what is already in it."""

    def __init__(self, wb: Any, data: dict[str, Any] | None) -> None:
        self.wb = wb
        self.data = data
        self.validations = Validations()
        self.names: set[str] = set()
        self.styles = CellStyles()

    def style(self, cell: Any, kind: str, fmt: str = "General") -> None:
        self.styles.apply(cell, kind, fmt)

    def name(self, ws: Any, path: Path, ref: str) -> None:
        name = defined_name(path)
        if name in self.names:
            return
        self.names.add(name)
        dn = DefinedName(name, attr_text=f"{quote_sheetname(ws.title)}!{ref}")
        self.wb.defined_names[name] = dn

    def validate(self, ws: Any, f: Field, ref: str, *, years_row: bool = False) -> None:
        self.validations.add(ws, f, ref, years_row=years_row)

    def value(self, cell: Any, value: Any) -> None:
        if value is None or value == "":
            return
        if isinstance(value, str):
            set_text(cell, value)
        else:
            cell.value = value


def _years_header(w: _Writer, ws: Any, row: int, kind: str, first_col: int) -> None:
    for j in range(YEAR_COLUMNS):
        cell = ws.cell(row, first_col + j)
        if kind == "stream":
            cell.value = f'=IF({j + 1}<=case_years,case_first_year+{j},"")'
        else:
            cell.value = j + 1
        w.style(cell, "head")


def _note(cell: Any, f: Field, *, with_description: bool) -> None:
    """Put the hover note of ``f`` (if it has one) on ``cell``."""
    note = comment(f, with_description=with_description)
    if note is not None:
        cell.comment = note


def _input_format(it: Item, row: int, col: int) -> str:
    """The number format of the input cell (row, col) of ``it``; "@" for wrapped text."""
    if it.source is not None and (row, col) == (it.row, D):
        return "@"
    if it.kind == "records":
        f = it.members[col - B] if col >= B else None
    elif col == A:  # the name of a member
        return "General"
    elif it.kind == "path" and row == it.row + 1:
        return YEAR
    else:
        f = it.field
    if f is None:
        return "General"
    return "@" if f.type == "str" else number_format(f)


def _label_note(cell: Any, it: Item) -> None:
    """The label cell's hover note: the field's key in a case file (for machine use)."""
    key = format_path(it.path)
    text = f"TOML key: {key}"
    if cell.comment is not None:
        text = cell.comment.text + "\n" + text
    note = Comment(text, "appraisal")
    note.width, note.height = 320, 120
    cell.comment = note


def _input_range(w: _Writer, ws: Any, it: Item, name_ref: str, ref: str, note_cell: Any) -> None:
    """Name the block's cells, validate its values, and note the field on its first cell."""
    w.name(ws, it.path, name_ref)
    w.validate(ws, it.field, ref)
    _note(note_cell, it.field, with_description=True)


def _render_item(w: _Writer, ws: Any, it: Item) -> None:
    r, f = it.row, it.field
    data = w.data
    for row, col, text in labels(it):
        set_text(ws.cell(row, col), text)
    if it.kind != "years":
        ws.cell(r, A).alignment = Alignment(indent=it.depth, wrap_text=True, vertical="top")
    for row, col in input_cells(it):
        w.style(ws.cell(row, col), "input", _input_format(it, row, col))
    if it.kind in ("title", "element", "wild_scalar", "wild_stream", "records"):
        ws.cell(r, A).font = BOLD
        desc = (
            f.description
            if it.kind in ("title", "element")
            else field_by_key()[_table_key(it)].description
        )
        set_text(ws.cell(r, F), desc)
        ws.cell(r, F).alignment = WRAP
    if it.source is not None:
        w.value(ws.cell(r, D), get_path(data, it.source))
    if it.kind in ("scalar", "path"):
        for col, text in ((C, f.unit), (E, expected_text(f)), (F, f.description)):
            set_text(ws.cell(r, col), text)
        ws.cell(r, F).alignment = WRAP
        ref = f"${get_column_letter(B)}${r}"
        w.name(ws, it.path, ref)
        w.validate(ws, f, f"B{r}")
        _note(ws.cell(r, B), f, with_description=False)
        value = get_path(data, it.path)
        if it.kind == "scalar":
            w.value(ws.cell(r, B), value)
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
                w.value(ws.cell(r, B), value)
    elif it.kind == "years":
        _years_header(w, ws, r, it.years, B)
        ws.cell(r, A).font = BOLD
    elif it.kind == "stream":
        last = get_column_letter(B + YEAR_COLUMNS - 1)
        _input_range(w, ws, it, f"$B${r}:${last}${r}", f"B{r}:{last}{r}", ws.cell(r, A))
        for j, v in enumerate(get_path(data, it.path) or []):
            ws.cell(r, B + j).value = v
    elif it.kind == "wild_scalar":
        set_text(ws.cell(r + 1, C), f.unit)
        ws.cell(r + 1, A).font = ws.cell(r + 1, B).font = BOLD
        first, lastrow = r + 2, r + 1 + it.n
        _input_range(
            w, ws, it, f"$A${first}:$B${lastrow}", f"B{first}:B{lastrow}", ws.cell(first, A)
        )
        members = get_path(data, it.path) or {}
        for i, (name, v) in enumerate(_members_for_block(it, members)):
            set_text(ws.cell(first + i, A), str(name))
            w.value(ws.cell(first + i, B), v)
    elif it.kind == "wild_stream":
        _years_header(w, ws, r + 1, it.years, B)
        ws.cell(r + 1, A).font = BOLD
        first, lastrow = r + 2, r + 1 + it.n
        last = get_column_letter(B + YEAR_COLUMNS - 1)
        _input_range(
            w,
            ws,
            it,
            f"$A${first}:${last}${lastrow}",
            f"B{first}:{last}{lastrow}",
            ws.cell(first, A),
        )
        for i, (name, values) in enumerate((get_path(data, it.path) or {}).items()):
            set_text(ws.cell(first + i, A), str(name))
            for j, v in enumerate(values):
                ws.cell(first + i, B + j).value = v
    elif it.kind == "records":
        first, lastrow = r + 3, r + 2 + it.n
        for j, m in enumerate(it.members):
            head = ws.cell(r + 1, B + j)
            head.font = BOLD
            head.fill = HEAD_FILL
            head.alignment = WRAP
            _note(head, m, with_description=True)
            set_text(ws.cell(r + 2, B + j), m.unit or expected_text(m))
            col = get_column_letter(B + j)
            w.validate(ws, m, f"{col}{first}:{col}{lastrow}")
        ws.cell(r + 1, A).font = BOLD
        last = get_column_letter(B + max(len(it.members), 1) - 1)
        w.name(ws, it.path, f"${'A' if it.named else 'B'}${first}:${last}${lastrow}")
        if it.named:
            _note(ws.cell(first, A), f, with_description=True)
            rows = list((get_path(data, it.path) or {}).items())
        else:
            rows = [(None, e) for e in get_path(data, it.path) or []]
        for i, (name, elem) in enumerate(rows):
            if name is not None:
                set_text(ws.cell(first + i, A), str(name))
            for j, m in enumerate(it.members):
                w.value(ws.cell(first + i, B + j), elem.get(m.name))
    if it.kind != "years":
        _label_note(ws.cell(r, A), it)


def _table_key(it: Item) -> str:
    """Schema key of the table or array a block item shows."""
    return it.field.key[:-2] if it.field.name == "*" else it.field.key


def _members_for_block(it: Item, members: dict[str, Any]) -> list[tuple[str, Any]]:
    """Members of a wild_scalar block; a sources table keeps only what no Source cell holds."""
    return [(k, v) for k, v in members.items() if k not in it.taken]


def _mark_sources(sheet: Sheet) -> None:
    """Names shown in Source cells are not repeated in the sheet's sources table."""
    by_table: dict[Path, set[str]] = {}
    for it in sheet.items:
        if it.source is not None:
            by_table.setdefault(it.source[:-1], set()).add(str(it.source[-1]))
    for it in sheet.items:
        if it.kind == "wild_scalar" and it.path in by_table:
            it.taken = frozenset(by_table[it.path])


def _caps_from(data: dict[str, Any] | None) -> Callable[[Path, int], int]:
    """Block sizes: the default, or more rows where the case's data has more members."""

    def cap(path: Path, default: int) -> int:
        value = get_path(data, path) if data is not None else None
        n = len(value) if isinstance(value, list | dict) else 0
        return max(default, n)

    return cap


@gc_paused
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
        value = get_path(data, path) if data is not None else None
        n = max(1, len(value)) if isinstance(value, list) else max(1, components)
        caps[format_path(path)] = n
        return n

    base_cap = _caps_from(data)

    def cap(path: Path, default: int) -> int:
        n = base_cap(path, default)
        caps[format_path(path)] = n
        return n

    sheets = build_layout(cap, elements)
    name = str(get_path(data, ("case", "name")) or "")
    years = get_path(data, ("case", "years"))
    wb = Workbook()
    ws0 = wb.active
    ws0.title = INSTRUCTIONS
    write_instructions(ws0, sheets)
    w = _Writer(wb, data)
    for s in sheets:
        ws = wb.create_sheet(s.name)
        set_text(ws.cell(1, A), s.title)
        ws.cell(1, A).font = Font(bold=True, size=14)
        set_text(ws.cell(2, A), s.field.description)
        for col, text in enumerate(HEADERS, start=1):
            cell = ws.cell(3, col)
            set_text(cell, text)
            cell.font = BOLD
            cell.fill = HEAD_FILL
        _mark_sources(s)
        for it in s.items:
            _render_item(w, ws, it)
        set_widths(ws, s)
        fit_rows(ws)
        yearly = any(it.kind in ("years", "wild_stream") for it in s.items)
        print_setup(ws, name, years if isinstance(years, int) else None, yearly=yearly)
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
