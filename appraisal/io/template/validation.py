"""What each input cell of the template accepts, told three ways from the schema.

- :func:`expected_text`: the Expected column ('required' or the default, the
  allowed range or list);
- :class:`Validations`: the Excel data validation of the cell (a list, or a
  number range), so a spreadsheet refuses a bad value as it is typed;
- :func:`comment`: the hover note (an example, and the description where no
  Description cell is beside it).
"""

from __future__ import annotations

from typing import Any

from openpyxl.comments import Comment
from openpyxl.worksheet.datavalidation import DataValidation

from appraisal.io.template.layout import MAX_ABS_NUMBER
from appraisal.schema import Field

__all__ = ["Validations", "comment", "expected_text", "validation_spec"]


def _num(x: float | None) -> str:
    """A bound as the template shows it (blank for no bound).

    >>> _num(0.5), _num(1e15), _num(None)
    ('0.5', '1E+15', '')
    """
    return f"{x:.15g}".upper() if x is not None else ""


def expected_text(f: Field) -> str:
    """The Expected column of ``f``: required or default, then range or choices."""
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


def validation_spec(f: Field, *, years_row: bool = False) -> tuple[str, str, str, str] | None:
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


class Validations:
    """The data validations of a workbook: one rule per sheet and spec, grown by ranges."""

    def __init__(self) -> None:
        self._rules: dict[tuple[str, tuple[str, str, str, str]], DataValidation] = {}

    def add(self, ws: Any, f: Field, ref: str, *, years_row: bool = False) -> None:
        """Validate the cells ``ref`` of sheet ``ws`` as values of ``f``."""
        spec = validation_spec(f, years_row=years_row)
        if spec is None:
            return
        key = (ws.title, spec)
        dv = self._rules.get(key)
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
            self._rules[key] = dv
        dv.add(ref)


def comment(f: Field, *, with_description: bool) -> Comment | None:
    """The hover note of ``f``'s cell: its description (if asked) and its example."""
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
