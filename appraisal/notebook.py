"""The result as HTML for a Jupyter notebook: the key results table and the checks.

Pure: a summary mapping in, an HTML string out. Every figure is formatted by
:mod:`appraisal.formatting` (the terminal's and the PDF's rules), every text is
escaped, and nothing is fetched or scripted, so a notebook shows the same digits
as ``appraisal run`` and a case's names cannot inject markup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from appraisal import formatting as fmt
from appraisal.checks import check_label

__all__ = ["result_html"]

_TABLE = 'style="border-collapse:collapse;font-size:90%"'
_CELL = 'style="padding:2px 8px;text-align:{align};border-bottom:1px solid #ddd"'


def _row(cells: Sequence[str], *, head: bool = False, numbers: bool = True) -> str:
    tag = "th" if head else "td"
    out = []
    for i, c in enumerate(cells):
        style = _CELL.format(align="right" if i and numbers else "left")
        out.append(f"<{tag} {style}>{escape(c)}</{tag}>")
    return "<tr>" + "".join(out) + "</tr>"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], *, numbers: bool = True) -> str:
    """A table: the first column text, the others numbers (right-aligned) or text."""
    head = _row(header, head=True, numbers=numbers)
    body = "".join(_row(r, numbers=numbers) for r in rows)
    return f"<table {_TABLE}><thead>{head}</thead><tbody>{body}</tbody></table>"


def _summary_row(label: str, block: Mapping[str, Any]) -> list[str] | None:
    """The key-results row of a block, or None when the block lacks a key result."""
    try:
        return fmt.summary_row(label, dict(block))
    except (KeyError, TypeError):
        return None


def result_html(summary: Mapping[str, Any]) -> str:
    """The key results (each component, then the program) and the checks, as HTML.

    Parameters
    ----------
    summary
        The JSON summary of an appraisal (``AppraisalResult.summary``).

    Returns
    -------
    str
        A ``<div>`` with a heading (the case, its money unit), the key-results
        table and the findings of the checks, escaped.

    Examples
    --------
    >>> html = result_html({"case": {"name": "A & B"}, "components": [], "checks": [
    ...     {"code": "source-missing", "severity": "warning", "message": "<x>"}]})
    >>> "A &amp; B" in html, "Input without a source" in html, "&lt;x&gt;" in html
    (True, True, True)
    """
    case = summary.get("case", {})
    currency = str(case.get("currency", ""))
    money = f"{currency} {case.get('unit', '')}".strip()
    title = escape(str(case.get("name", "Appraisal")))
    unit = f"{money}, {case.get('price_year')} prices" if money else ""
    blocks = [(str(c.get("id", "")), c) for c in summary.get("components", [])]
    rows = [r for label, b in [*blocks, ("Program", summary)] if (r := _summary_row(label, b))]
    parts = [
        f'<div><h3 style="margin:0 0 4px 0">{title}</h3>',
        f'<p style="margin:0 0 6px 0">Key results ({escape(unit)})</p>' if unit else "",
        _table(fmt.summary_headers(currency), rows),
    ]
    checks = summary.get("checks") or []
    if checks:
        found = [
            [check_label(str(c.get("code", ""))), str(c.get("severity", "")), str(c.get("message"))]
            for c in checks
        ]
        parts.append('<p style="margin:8px 0 4px 0">Checks</p>')
        parts.append(_table(["Check", "Severity", "Finding"], found, numbers=False))
    else:
        parts.append('<p style="margin:8px 0 0 0">Checks: nothing to report.</p>')
    parts.append("</div>")
    return "".join(parts)
