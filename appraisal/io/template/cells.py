"""Reading the input cells of a template: one value at a time, every problem kept.

:class:`Reader` holds what the reader has found so far: the case data, the cell
of every data path (so a validation problem can name its cell), and the
problems. :func:`read_cell` reads one input cell (a formula through its cached
value) or records why it cannot; a cell that cannot be read is :data:`BLANK`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from openpyxl.utils import get_column_letter

from appraisal.io.template.layout import MAX_ABS_NUMBER, YEAR_COLUMNS, Path, format_path
from appraisal.schema import Field

__all__ = [
    "BLANK",
    "Loc",
    "Reader",
    "coerce",
    "describe",
    "error_text",
    "name_of",
    "put_path",
    "read_cell",
    "read_row",
]

Loc = tuple[int, int, int]  # sheet index, row, column: the sort key of a problem


@dataclass
class Reader:
    """The state of one read: data so far, where each path was read, problems."""

    source: str
    sheet_names: list[str]
    data: dict[str, Any] = dc_field(default_factory=dict)
    where: dict[str, tuple[str, Loc]] = dc_field(default_factory=dict)
    streams: dict[str, list[tuple[str, Loc]]] = dc_field(default_factory=dict)
    problems: list[tuple[Loc, str, str]] = dc_field(default_factory=list)
    broken: list[str] = dc_field(default_factory=list)  # data paths of unreadable sheets
    words: dict[Loc, str] = dc_field(default_factory=dict)  # the field of a cell, in words

    def loc(self, sheet: str, row: int, col: int) -> tuple[str, Loc]:
        idx = self.sheet_names.index(sheet) if sheet in self.sheet_names else 999
        return f"{sheet}!{get_column_letter(col)}{row}", (idx, row, col)

    def problem(self, sheet: str, row: int, col: int, message: str) -> None:
        text, key = self.loc(sheet, row, col)
        self.problems.append((key, text, message))

    def sheet_problem(self, sheet: str, message: str) -> None:
        idx = self.sheet_names.index(sheet) if sheet in self.sheet_names else 999
        self.problems.append(((idx, 0, 0), sheet, message))

    def record(self, path: Path, sheet: str, row: int, col: int) -> None:
        self.where[format_path(path)] = self.loc(sheet, row, col)

    def name(self, sheet: str, row: int, col: int, words: str) -> None:
        """Say in words which field the cell (row, col) holds, for its messages."""
        self.words[self.loc(sheet, row, col)[1]] = words

    def message(self, key: Loc, message: str) -> str:
        """``message`` about the cell ``key``, naming its field in words when known."""
        words = self.words.get(key)
        return f"{words}: {message}" if words else message


class _Blank:
    pass


BLANK = _Blank()


def put_path(root: dict[str, Any], path: Path, value: Any) -> None:
    """Set ``value`` at ``path``, making the dicts and lists on the way.

    >>> root: dict = {}
    >>> put_path(root, ("a", 1, "b"), 2.0)
    >>> root
    {'a': [{}, {'b': 2.0}]}
    """
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


def read_cell(rd: Reader, wsf: Any, wsv: Any, row: int, col: int, *, what: str = "a value") -> Any:
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
            rd.problem(sheet, row, col, f"{error_text(cv.value)}; expected {what}")
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
        rd.problem(sheet, row, col, f"{error_text(value)}; expected {what}")
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


def error_text(value: Any) -> str:
    """What an error cell holds: an Excel error, or a number cell that is not a number.

    :func:`appraisal.io.xlsx_safety.mark_bad_numbers` turns a number cell whose
    stored text openpyxl cannot read (``NaN``, ``INF``) into an error cell
    holding that text; Excel's own error values start with ``#``.

    >>> error_text("#DIV/0!"), error_text("NaN")
    ('an error value #DIV/0!', 'NaN is not a finite number')
    >>> error_text("abc")
    "'abc' is stored as a number but is not one"
    """
    text = str(value)
    if text.startswith("#"):
        return f"an error value {text[:40]}"
    try:
        number = float(text)
    except ValueError:
        return f"{text[:40]!r} is stored as a number but is not one"
    if math.isfinite(number):
        return f"an error value {text[:40]}"
    return f"{text.strip()[:40]} is not a finite number"


def coerce(f: Field, value: Any) -> Any:
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


def name_of(value: Any) -> str:
    """A name typed in a cell, as text (a whole number without its '.0').

    >>> name_of(2030.0), name_of(" solar ")
    ('2030', 'solar')
    """
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value)) if float(value).is_integer() else repr(value)
    return str(value).strip()


def describe(f: Field) -> str:
    """What a cell of ``f`` expects, for a message ('a number', 'TRUE or FALSE', ...)."""
    if f.type == "bool":
        return "TRUE or FALSE"
    if f.type in ("str",):
        return "text"
    if f.type == "choice":
        return "one of " + ", ".join(f.choices)
    return "a whole number" if f.type == "int" else "a number"


def read_row(rd: Reader, wsf: Any, wsv: Any, row: int, first: int) -> list[Any]:
    """A yearly row: values up to the last non-blank cell; blanks before it read as 0."""
    values = [read_cell(rd, wsf, wsv, row, first + j, what="a number") for j in range(YEAR_COLUMNS)]
    while values and values[-1] is BLANK:
        values.pop()
    return [0.0 if v is BLANK else v for v in values]
