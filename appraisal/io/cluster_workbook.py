"""Moved to :mod:`appraisal.io.workbook` (``cluster``, ``fund``, ``compare``): a re-export."""

from appraisal.io.workbook import (
    render_cluster_workbook,
    render_compare_workbook,
    render_fund_workbook,
)

__all__ = ["render_cluster_workbook", "render_compare_workbook", "render_fund_workbook"]
