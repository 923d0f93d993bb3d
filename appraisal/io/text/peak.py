"""The terminal summary of ``appraisal peak``: the curve, the choice, each city's peak, why."""

from __future__ import annotations

from appraisal import formatting as fmt
from appraisal.io.mac_order import cost_text, mac_order_rows
from appraisal.peak_plan import PeakPlan

__all__ = ["peak_text"]


def _yes(flag: bool | None) -> str:
    return "" if flag is None else ("yes" if flag else "NO")


def peak_text(p: PeakPlan) -> str:
    """The terminal summary of a peak plan."""
    paid = "support" if p.objective == "support" else "economic cost"
    cap = "none" if p.budget is None else f"{fmt.money(p.budget)}"
    lines = [
        f"Peak by {p.target_year} at least {paid}: {p.cluster}",
        f"Scope: {p.scope}; money: {p.money}; support share {p.support_share:.0%}; "
        f"budget cap: {cap}",
        "",
        f"Least {paid} by target year:",
    ]
    curve = [
        [
            str(c["target_year"]) + (" *" if c["target_year"] == p.target_year else ""),
            "yes" if c["feasible"] else "no",
            fmt.money(c["cost"]) if c["feasible"] else "n/a",
        ]
        for c in p.curve
    ]
    lines += fmt.text_table(["target year", "feasible", paid], curve)
    lines.append("")
    rows = mac_order_rows(
        p.projects,
        [
            ("id", str),
            ("city", str),
            ("support", fmt.money),
            ("economic_cost", fmt.money),
            ("tco2e", fmt.tonnes),
            ("cost_per_tco2e", cost_text),
        ],
    )
    exact_head = "exact" if p.exact.feasible else "closest"
    heads = ["project (MAC order)", "city", "support", "econ. cost", "tCO2e", "cost/tCO2e"]
    lines += fmt.text_table([*heads, exact_head, "MAC order"], rows)
    lines.append("")
    assessed = [*p.cities, ("CLUSTER", p.total)]
    capped = any(pk.meets_level is not None for _, pk in assessed)
    peaks = [
        [
            name,
            str(pk.peak_year) + ("" if pk.peaked_within_horizon else "+"),
            fmt.tonnes(pk.peak_level),
            _yes(pk.meets_year),
            *([_yes(pk.meets_level)] if capped else []),
        ]
        for name, pk in assessed
    ]
    lines.append(f"Peaks with the {exact_head} choice (+: not seen to peak within the horizon):")
    heads = ["city", "peak year", "peak tCO2e/yr", "on time", *(["under cap"] if capped else [])]
    lines += fmt.text_table(heads, peaks)
    lines.append("")
    lines += p.explanation
    return "\n".join(lines) + "\n"
