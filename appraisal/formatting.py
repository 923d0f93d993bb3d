"""The one set of rounding and formatting rules for humans (terminal, PDF, workbook).

JSON keeps full precision; everything a person reads is formatted here, so the
table, the PDF and the workbook show the same digits. The rules themselves (the
digits, the Excel number formats, the key-results table's columns and labels)
are data in the result schema (:mod:`appraisal.result_schema`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from appraisal import result_schema

__all__ = [
    "EXCEL_FORMATS",
    "change",
    "count",
    "format_value",
    "money",
    "per_tonne",
    "rate",
    "ratio",
    "summary_headers",
    "summary_row",
    "switching_value",
    "text_table",
    "tonnes",
]

DASH = "n/a"


def _text(name: str, value: float) -> str:
    f = result_schema.number_format(name)
    scaled = value * f.scale if f.scale != 1 else value
    return format(scaled, f.text) + f.suffix


def format_value(name: str, value: float | None) -> str:
    """A number in a named format of the result schema; ``n/a`` for None.

    >>> format_value("rate", 0.1234), format_value("tonnes", 1234567.4), format_value("money", None)
    ('12.34%', '1,234,567', 'n/a')
    """
    return DASH if value is None else _text(name, value)


def money(value: float | None, digits: int | None = None) -> str:
    """Money in the case's unit: 1,234.57 (``digits`` overrides the schema's 2)."""
    if value is None:
        return DASH
    return _text("money", value) if digits is None else f"{value:,.{digits}f}"


def rate(value: float | None) -> str:
    """A decimal rate as a percentage: 0.1234 -> 12.34%."""
    return format_value("rate", value)


def ratio(value: float | None) -> str:
    """A ratio such as the BCR or DSCR: 1.23."""
    return format_value("ratio", value)


def tonnes(value: float | None) -> str:
    """Tonnes: 1,234,567."""
    return format_value("tonnes", value)


def count(value: float | None) -> str:
    """A count of jobs: 1,234."""
    return format_value("count", value)


def per_tonne(value: float | None) -> str:
    """Currency per tonne: -12.34."""
    return format_value("per_tonne", value)


def change(value: float | None, unit: str = "decimal") -> str:
    """A sensitivity test's change: a signed percentage, or years of delay.

    ``unit`` is "years" for a delay [years], otherwise the change is a decimal.
    The terminal, the PDF and the notebook show a change this way.

    >>> change(0.1), change(-0.1), change(0.025), change(1.0, "years"), change(None)
    ('+10%', '-10%', '+2.5%', '+1 yr', '')
    """
    if value is None:
        return ""
    if unit == "years":
        return f"{value:+g} yr"
    return f"{round(value * 100, 6):+g}%"


def switching_value(value: float | None, unit: str = "decimal") -> str:
    """A switching value: the signed percentage change, or the years of delay, to ENPV 0.

    >>> switching_value(0.491), switching_value(-0.0529), switching_value(0.634, "years")
    ('+49.1%', '-5.3%', '0.63 yr')
    >>> switching_value(None)
    'n/a'
    """
    if value is None:
        return DASH
    if unit == "years":
        return f"{value:.2f} yr"
    return f"{value * 100:+.1f}%"


# Excel number formats that show the same digits as the functions above.
EXCEL_FORMATS = {
    name: result_schema.number_format(name).excel
    for name in ("money", "rate", "ratio", "tonnes", "count", "per_tonne")
}


def _get(block: Mapping[str, Any], key: str) -> Any:
    for part in key.split("."):
        block = block[part]
    return block


def summary_headers(currency: str) -> list[str]:
    """Column headers of the key-results table (terminal and PDF)."""
    return [
        "component",
        *(
            result_schema.short_label(f.key, currency=currency)
            for f in result_schema.view("key_results")
        ),
    ]


def summary_row(label: str, block: dict[str, Any]) -> list[str]:
    """One row of the key-results table, from a JSON block (program or component)."""
    return [
        label,
        *(format_value(f.format, _get(block, f.key)) for f in result_schema.view("key_results")),
    ]


def text_table(headers: list[str], rows: list[list[str]]) -> list[str]:
    """Plain-text table lines: first column left-aligned, the others right-aligned."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return [line(headers), "  ".join("-" * w for w in widths), *(line(r) for r in rows)]
