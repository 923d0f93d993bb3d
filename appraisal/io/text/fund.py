"""The terminal summary of a fund allocation (``appraisal fund``): projects, both choices, why."""

from __future__ import annotations

from appraisal import formatting as fmt
from appraisal.fund import Allocation
from appraisal.io.mac_order import cost_text, mac_order_rows

__all__ = ["fund_text"]


def fund_text(a: Allocation) -> str:
    """The terminal summary of an allocation."""
    unit = "tCO2e" if a.objective == "tco2e" else a.money
    lines = [
        f"Fund: budget {fmt.money(a.budget)} {a.money}; objective: maximise "
        f"{'tonnes avoided' if a.objective == 'tco2e' else 'ENPV'}; status: {a.status}",
        "",
    ]
    rows = mac_order_rows(
        a.projects,
        [
            ("id", str),
            ("city", str),
            ("support", fmt.money),
            ("tco2e", fmt.tonnes),
            ("enpv", fmt.money),
            ("cost_per_tco2e", cost_text),
        ],
    )
    lines += fmt.text_table(
        [
            "project (MAC order)",
            "city",
            "support",
            "tCO2e",
            "ENPV",
            "cost/tCO2e",
            "exact",
            "greedy",
        ],
        rows,
    )
    lines.append("")
    ev = "n/a" if a.exact_value is None else f"{a.exact_value:,.2f}"
    es = "n/a" if a.exact_spent is None else fmt.money(a.exact_spent)
    lines.append(f"exact:  {ev} {unit}, support {es}")
    lines.append(f"greedy: {a.greedy_value:,.2f} {unit}, support {fmt.money(a.greedy_spent)}")
    lines.append("")
    lines += a.explanation
    return "\n".join(lines) + "\n"
