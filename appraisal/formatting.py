"""The one set of rounding and formatting rules for humans (terminal, PDF, workbook).

JSON keeps full precision; everything a person reads is formatted here, so the
table, the PDF and the workbook show the same digits.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "EXCEL_FORMATS",
    "count",
    "money",
    "per_tonne",
    "rate",
    "ratio",
    "summary_headers",
    "summary_row",
    "text_table",
    "tonnes",
]

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


def summary_headers(currency: str) -> list[str]:
    """Column headers of the key-results table (terminal and PDF)."""
    return [
        "component",
        "ENPV",
        "EIRR",
        "BCR",
        "ENPV w/o C",
        "EIRR w/o C",
        "FIRR",
        "tCO2e avoided",
        f"{currency}/tCO2e",
        "jobs (constr.)",
    ]


def summary_row(label: str, block: dict[str, Any]) -> list[str]:
    """One row of the key-results table, from a JSON block (program or component)."""
    e, f, g, a, c = (block[k] for k in ("economic", "financial", "ghg", "abatement", "cobenefits"))
    return [
        label,
        money(e["enpv"]),
        rate(e["eirr"]),
        ratio(e["bcr"]),
        money(e["enpv_without_carbon"]),
        rate(e["eirr_without_carbon"]),
        rate(f["firr"]),
        tonnes(g["reduction_tco2e_total"]),
        per_tonne(a["cost_per_tco2e"]),
        count(c["jobs_construction_job_years"]),
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
