"""The Sensitivity and Risk sheets of the appraisal workbook (issue 5).

:func:`add_sheets` is called by the workbook writer with the workbook being
written and its :class:`~appraisal.io.xlsx_common.WorkbookNames`; it adds the
Sensitivity sheet (:mod:`~appraisal.io.workbook.sensitivity_sheet`) and, when a
risk analysis was run, the Risk sheet (:mod:`~appraisal.io.workbook.risk_sheet`).
Both only read the result (``result.sensitivity``, ``result.risk``).
"""

from __future__ import annotations

from openpyxl.workbook.workbook import Workbook

from appraisal.io.workbook.risk_sheet import add_risk_sheet
from appraisal.io.workbook.sensitivity_sheet import add_sensitivity_sheet
from appraisal.io.xlsx_common import WorkbookNames
from appraisal.result import AppraisalResult

__all__ = ["add_sheets"]


def add_sheets(wb: Workbook, result: AppraisalResult, names: WorkbookNames | None = None) -> None:
    """Add the Sensitivity sheet (and the Risk sheet when a risk analysis was run).

    Parameters
    ----------
    wb
        The openpyxl workbook being written.
    result
        The appraisal; ``result.sensitivity`` and ``result.risk`` are drawn.
    names
        The workbook's :class:`~appraisal.io.xlsx_common.WorkbookNames` (``refs``,
        ``define``, ``cache``), or None for a workbook without one: the discount
        rate is then written on the sheet and formula cells have no cached value.
    """
    add_sensitivity_sheet(wb, result, names)
    add_risk_sheet(wb, result, names)
