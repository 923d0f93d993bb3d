"""Cell styles of the input template: yellow input cells, blue headers, bold labels.

Input cells are unlocked (the sheets are protected); every other cell stays
locked, so the layout the reader checks cannot be changed by accident.
"""

from __future__ import annotations

import copy
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

__all__ = ["BOLD", "HEAD_FILL", "WRAP", "CellStyles"]

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
_THIN = Side(style="thin", color="BFBFBF")
INPUT_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
UNLOCKED = Protection(locked=False)
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


class CellStyles:
    """Styles cells as 'input' or 'head', copying one style array per kind.

    openpyxl is slow to hash a style per cell; the first cell of a kind is styled
    field by field and its style array is copied to the next ones.
    """

    def __init__(self) -> None:
        self._saved: dict[tuple[str, str], Any] = {}

    def apply(self, cell: Any, kind: str, number_format: str = "General") -> None:
        """Style ``cell`` as ``kind`` ('input' or 'head') showing numbers as ``number_format``.

        The format ``"@"`` marks a text input: General, wrapped at the column width.
        """
        saved = self._saved.get((kind, number_format))
        if saved is not None:
            cell._style = copy.copy(saved)
            return
        if kind == "input":
            cell.fill = INPUT_FILL
            cell.border = INPUT_BORDER
            cell.protection = UNLOCKED
        else:
            cell.font = BOLD
            cell.fill = HEAD_FILL
        if number_format == "@":
            cell.alignment = WRAP
        else:
            cell.number_format = number_format
        self._saved[(kind, number_format)] = copy.copy(cell._style)
