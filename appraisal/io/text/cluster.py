"""The terminal summary of a city cluster (``appraisal cluster``): cities, peak, MAC curve."""

from __future__ import annotations

from appraisal import formatting as fmt
from appraisal.cluster import ClusterResult

__all__ = ["cluster_text"]


def _yes(v: bool | None) -> str:
    return "n/a" if v is None else ("yes" if v else "NO")


def cluster_text(cr: ClusterResult) -> str:
    """The terminal summary of a cluster."""
    s = cr.summary["cluster"]
    e = cr.economic
    lines = [
        cr.spec.name,
        f"Money: {s['currency']} {s['unit']} ({s['price_year']} prices); discount rate "
        f"{fmt.rate(e['discount_rate'])} real; target: peak by {s['peak_target_year'] or 'n/a'}"
        + (
            f" at most {fmt.tonnes(s['peak_target_tco2e'])} tCO2e/yr"
            if s["peak_target_tco2e"] is not None
            else ""
        ),
        "",
    ]
    headers = [
        "city",
        "ENPV",
        "EIRR",
        "tCO2e avoided",
        f"{s['currency']}/tCO2e",
        "peak year",
        "peak tCO2e/yr",
        "target",
        "on time",
    ]
    rows = []
    for c in cr.cities:
        es = c.result.summary
        rows.append(
            [
                c.name,
                fmt.money(es["economic"]["enpv"]),
                fmt.rate(es["economic"]["eirr"]),
                fmt.tonnes(es["ghg"]["reduction_tco2e_total"]),
                fmt.per_tonne(es["abatement"]["cost_per_tco2e"]),
                str(c.peak.peak_year) + ("" if c.peak.peaked_within_horizon else "+"),
                fmt.tonnes(c.peak.peak_level),
                str(c.peak.target_year or "n/a"),
                _yes(c.peak.meets_year),
            ]
        )
    p = cr.peak
    rows.append(
        [
            "CLUSTER",
            fmt.money(e["enpv"]),
            fmt.rate(e["eirr"]),
            fmt.tonnes(e["reduction_tco2e_total"]),
            fmt.per_tonne(e["cost_per_tco2e"]),
            str(p.peak_year) + ("" if p.peaked_within_horizon else "+"),
            fmt.tonnes(p.peak_level),
            str(p.target_year or "n/a"),
            _yes(p.meets_year),
        ]
    )
    lines += fmt.text_table(headers, rows)
    if not all(c.peak.peaked_within_horizon for c in cr.cities) or not p.peaked_within_horizon:
        lines.append("+ : still rising at the end of the path; the peak may be later")
    if p.meets_level is not None:
        lines.append(
            f"cluster peak level {fmt.tonnes(p.peak_level)} vs cap "
            f"{fmt.tonnes(p.target_level)} tCO2e/yr: {_yes(p.meets_level)}"
        )
    lines += ["", f"MAC curve across {len(cr.mac)} components (cost per tCO2e, tCO2e/yr):"]
    lines += fmt.text_table(
        ["component", f"{s['currency']}/tCO2e", "tCO2e/yr"],
        [
            [str(r["id"]), fmt.per_tonne(r["cost_per_tco2e"]), fmt.tonnes(r["annual_tco2e"])]
            for r in cr.mac.to_dict(orient="records")
        ],
    )
    return "\n".join(lines) + "\n"
