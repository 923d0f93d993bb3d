"""The summary table of a case, printed in the terminal (``appraisal run`` and ``risk``)."""

from __future__ import annotations

from appraisal import formatting as fmt
from appraisal.result import AppraisalResult

__all__ = ["summary_table"]


def summary_table(result: AppraisalResult) -> str:
    """A readable summary: program and components, with and without carbon."""
    s = result.summary
    meta = result.case.meta
    e = s["economic"]
    timing = (
        "first year discounted (Excel NPV)"
        if meta.first_year_discounted
        else "first year undiscounted"
    )
    lines = [
        f"{meta.name}",
        f"Money: {meta.money}; discount rate {fmt.rate(e['discount_rate'])} real; "
        f"NPV timing: {timing}; "
        f"carbon: {s['carbon_price']['path']}",
        "",
    ]
    headers = fmt.summary_headers(meta.currency)
    rows = []
    for block in [*s["components"], {"id": "PROGRAM", **s}]:
        rows.append(fmt.summary_row(block["id"], block))
    lines += fmt.text_table(headers, rows)
    f = s["financial"]
    lines += [
        "",
        f"WACC (real): {fmt.rate(f['wacc'])}   FNPV: {fmt.money(f['fnpv'])}   "
        f"FIRR: {fmt.rate(f['firr'])}   min DSCR: {fmt.ratio(f.get('dscr_min'))}",
    ]
    for key in ("eirr", "firr"):
        reason = e.get(f"{key}_reason") if key == "eirr" else f.get(f"{key}_reason")
        if reason:
            lines.append(f"{key.upper()}: {reason}")
    tests = s.get("sensitivity") or []
    if tests:
        rows = []
        for t in tests:
            sv = t["switching_value"]
            if t["unit"] == "years":
                change = f"+{t['change']:g} yr" if t["change"] is not None else ""
                sv_text = fmt.DASH if sv is None else f"{sv:.2f} yr"
            else:
                change = "" if t["change"] is None else f"{t['change'] * 100:+.0f}%"
                sv_text = fmt.DASH if sv is None else f"{sv * 100:+.1f}%"
            si = t["sensitivity_indicator"]
            rows.append(
                [
                    t["test"],
                    change,
                    fmt.money(t["enpv"]),
                    fmt.rate(t["eirr"]),
                    fmt.DASH if si is None else f"{si:.2f}",
                    sv_text,
                ]
            )
        lines += ["", "Sensitivity (ADB standard tests, program):"]
        lines += fmt.text_table(["test", "change", "ENPV", "EIRR", "SI", "switching value"], rows)
    risk = s.get("risk")
    if risk:
        lines += [
            "",
            f"Risk ({risk['draws']:,} draws, seed {risk['seed']}): "
            f"P(ENPV < 0) {risk['p_enpv_negative']:.1%}; EIRR p5/p50/p95 "
            f"{fmt.rate(risk['eirr_p5'])} / {fmt.rate(risk['eirr_p50'])} / "
            f"{fmt.rate(risk['eirr_p95'])}",
        ]
    warnings = [c for c in s["checks"] if c["severity"] == "warning"]
    if warnings:
        lines.append("")
        lines += [f"check: {c['message']}" for c in warnings]
    return "\n".join(lines) + "\n"
