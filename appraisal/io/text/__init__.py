"""Text for the terminal: one renderer per printout, each reading a result and returning text.

=====================  ==========================================  ======================
printout               renderer                                    command
=====================  ==========================================  ======================
a case's summary       :func:`summary_table` (``summary``)         ``appraisal run``
a risk analysis        :func:`risk_text` (``risk``)                ``appraisal risk``
a city cluster         :func:`cluster_text` (``cluster``)          ``appraisal cluster``
a fund allocation      :func:`fund_text` (``fund``)                ``appraisal fund``
peak on time           :func:`peak_text` (``peak``)                ``appraisal peak``
a batch                :func:`portfolio_text` (``portfolio``)      ``appraisal run DIR``
a comparison           :func:`compare_text` (``compare``)          ``appraisal compare``
=====================  ==========================================  ======================

Figures are rounded by :mod:`appraisal.formatting`, the same rules as the PDF
and the workbook.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported on first use below: `appraisal run` needs only the summary
    from appraisal.io.text.cluster import cluster_text
    from appraisal.io.text.compare import compare_text
    from appraisal.io.text.fund import fund_text
    from appraisal.io.text.peak import peak_text
    from appraisal.io.text.portfolio import portfolio_text
    from appraisal.io.text.risk import risk_text
    from appraisal.io.text.summary import summary_table

_MODULES = {
    "cluster_text": "cluster",
    "compare_text": "compare",
    "fund_text": "fund",
    "peak_text": "peak",
    "portfolio_text": "portfolio",
    "risk_text": "risk",
    "summary_table": "summary",
}

__all__ = [
    "cluster_text",
    "compare_text",
    "fund_text",
    "peak_text",
    "portfolio_text",
    "risk_text",
    "summary_table",
]


def __getattr__(name: str) -> Any:
    """Import a renderer's module on first use (each command loads only its own)."""
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)
