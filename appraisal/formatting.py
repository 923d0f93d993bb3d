"""The one set of rounding and formatting rules for humans (terminal, PDF, workbook).

JSON keeps full precision; everything a person reads is formatted here, so the
table, the PDF and the workbook show the same digits.
"""

from __future__ import annotations

__all__ = ["EXCEL_FORMATS", "count", "money", "per_tonne", "rate", "ratio", "tonnes"]

DASH = "n/a"


def money(value: float | None, digits: int = 2) -> str:
    """Money in the case's unit: 1,234.57."""
    return DASH if value is None else f"{value:,.{digits}f}"


def rate(value: float | None) -> str:
    """A decimal rate as a percentage: 0.1234 -> 12.34%."""
    return DASH if value is None else f"{value * 100:.2f}%"


def ratio(value: float | None) -> str:
    """A ratio such as the BCR or DSCR: 1.23."""
    return DASH if value is None else f"{value:.2f}"


def tonnes(value: float | None) -> str:
    """Tonnes: 1,234,567."""
    return DASH if value is None else f"{value:,.0f}"


def count(value: float | None) -> str:
    """A count of jobs: 1,234."""
    return DASH if value is None else f"{value:,.0f}"


def per_tonne(value: float | None) -> str:
    """Currency per tonne: -12.34."""
    return DASH if value is None else f"{value:,.2f}"


# Excel number formats that show the same digits as the functions above.
EXCEL_FORMATS = {
    "money": "#,##0.00",
    "rate": "0.00%",
    "ratio": "0.00",
    "tonnes": "#,##0",
    "count": "#,##0",
    "per_tonne": "#,##0.00",
}
