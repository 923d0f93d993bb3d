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
        self._saved: dict[str, Any] = {}

    def apply(self, cell: Any, kind: str) -> None:
        """Style ``cell`` as ``kind`` ('input' or 'head')."""
        saved = self._saved.get(kind)
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
        self._saved[kind] = copy.copy(cell._style)
