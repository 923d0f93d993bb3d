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
        f"FIRR: {fmt.rate(f['firr'])}",
    ]
    for c in s["components"]:  # the DSCR is per revenue-earning entity, on its on-lent loan
        cf = c["financial"]
        if cf["revenue_earning"]:
            lines.append(
                f"  {c['id']}: FIRR {fmt.rate(cf['firr'])} vs WACC {fmt.rate(cf['wacc'])}   "
                f"min DSCR: {fmt.ratio(cf.get('dscr_min'))}"
                + (f" ({cf['dscr_min_reason']})" if cf.get("dscr_min_reason") else "")
            )
    if "fiscal" in s:
        fb = s["fiscal"]
        lines.append(
            f"Fiscal burden: largest {fmt.rate(fb['burden_share_max'])} of the city's budget "
            f"revenue in {fb['burden_share_year']} (threshold {fmt.rate(fb['max_burden_share'])})"
        )
    for key in ("eirr", "firr"):
        reason = e.get(f"{key}_reason") if key == "eirr" else f.get(f"{key}_reason")
        if reason:
            lines.append(f"{key.upper()}: {reason}")
    tests = s.get("sensitivity") or []
    if tests:
        rows = []
        for t in tests:
            # one rule for the terminal, the PDF and the notebook (appraisal.formatting)
            change = fmt.change(t["change"], t["unit"])
            sv_text = fmt.switching_value(t["switching_value"], t["unit"])
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
