"""The printout of ``appraisal risk``: the summary table, then the ENPV/EIRR distribution."""

from __future__ import annotations

from appraisal import formatting as fmt
from appraisal.io.text.summary import summary_table
from appraisal.result import AppraisalResult

__all__ = ["risk_text"]


def risk_text(result: AppraisalResult) -> str:
    """The summary table and, with and without carbon, the risk analysis's distribution.

    ``result`` carries a risk analysis (its JSON summary has the ``risk`` block;
    see :func:`appraisal.workflow.risk`).
    """
    s = result.summary["risk"]
    lines = ["", f"Risk: {s['draws']:,} draws, seed {s['seed']}"]
    for label, key in (("headline", ""), ("without carbon", "_without_carbon")):
        lines.append(
            f"  {label}: P(ENPV < 0) {s['p_enpv_negative' + key]:.1%}; "
            f"ENPV p5/p50/p95 {fmt.money(s[f'enpv{key}_p5'])} / {fmt.money(s[f'enpv{key}_p50'])}"
            f" / {fmt.money(s[f'enpv{key}_p95'])}; EIRR p5/p50/p95 "
            f"{fmt.rate(s[f'eirr{key}_p5'])} / {fmt.rate(s[f'eirr{key}_p50'])} / "
            f"{fmt.rate(s[f'eirr{key}_p95'])}; draws without an EIRR "
            f"{s[f'eirr{key}_undefined_draws']:,}"
        )
    return summary_table(result) + "\n".join(lines) + "\n"
