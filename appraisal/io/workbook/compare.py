"""The comparison workbook: cases side by side, and what each changed input did.

Values are written as numbers (not formulas): they report results the engine
computed (:mod:`appraisal.compare`).
"""

from __future__ import annotations

from typing import Any

from openpyxl import Workbook

from appraisal.io.gcpause import gc_paused
from appraisal.io.workbook.printing import finish_workbook
from appraisal.io.xlsx_common import SheetWriter, workbook_bytes

__all__ = ["render_compare_workbook"]


@gc_paused
def render_compare_workbook(sbs: Any, versions: Any = None) -> bytes:
    """The comparison: side by side, and for two versions the changed inputs and their effects."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Side by side"
    names = [c for c in sbs.columns if c != "label"]
    SheetWriter(ws).table(
        ["figure", *names],
        [[row["label"], *(row[n] for n in names)] for _, row in sbs.iterrows()],
        [None] * (1 + len(names)),
    )
    if versions is not None:
        cols = list(versions.changes.columns)
        rows = [
            [v if isinstance(v, int | float | type(None)) else str(v) for v in rec.values()]
            for rec in versions.changes.to_dict(orient="records")
        ]
        SheetWriter(wb.create_sheet("Changes")).table(cols, rows, [None] * len(cols))
    finish_workbook(wb, "Comparison")  # fonts, widths, page setup
    return workbook_bytes(wb)
