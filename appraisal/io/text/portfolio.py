"""The terminal table of a batch (``appraisal run DIR``): one row per case, failures marked."""

from __future__ import annotations

from collections.abc import Sequence

from appraisal import formatting as fmt
from appraisal.batch import BatchItem, portfolio_summary

__all__ = ["portfolio_text"]


def portfolio_text(items: Sequence[BatchItem]) -> str:
    """The terminal table of a batch."""
    rows = []
    for rec in portfolio_summary(items)["cases"]:
        if not rec["ok"]:
            rows.append([rec["folder"] or rec["path"], "FAILED", "", "", "", "", ""])
            continue
        rows.append(
            [
                rec["folder"],
                f"{rec['currency']} {rec['unit']}",
                fmt.money(rec["enpv"]),
                fmt.rate(rec["eirr"]),
                fmt.rate(rec["firr"]),
                fmt.tonnes(rec["reduction_tco2e_total"]),
                fmt.per_tonne(rec["cost_per_tco2e"]),
            ]
        )
    lines = fmt.text_table(
        ["case", "money", "ENPV", "EIRR", "FIRR", "tCO2e avoided", "cost/tCO2e"], rows
    )
    return "\n".join(lines) + "\n"
