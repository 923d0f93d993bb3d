"""The Assumptions sheet, its register: every case parameter with its unit and source.

Below the live inputs, one row per parameter of the case file (key path as in
the case file, value, unit from the case schema, source). A parameter that is a
live input elsewhere in the workbook is a formula pointing at that cell, so the
register never disagrees with the inputs. Written last: it needs the live cells
of every sheet.

Needs ``ctx.register_row``, ``ctx.a`` and ``ctx.financing_live``; then sets the
Assumptions sheet's column widths and page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from appraisal.formatting import EXCEL_FORMATS
from appraisal.io.workbook.context import WorkbookContext
from appraisal.io.workbook.names import RATIO4
from appraisal.result import AppraisalResult
from appraisal.schema import field_by_key
from appraisal.streams import POLLUTANTS

__all__ = ["write_register"]


def write_register(ctx: WorkbookContext, result: AppraisalResult) -> None:
    """Write the register below the live inputs, and finish the Assumptions sheet."""
    sh = ctx.sheets["Assumptions"]
    row = ctx.register_row
    sh.put(row, 1, "Register of every case parameter (key path as in the case file)", "head")
    row += 1
    fields = field_by_key()
    live = _live_keys(ctx)
    for path, value, source in _flatten(ctx.case.data):
        schema_key = re.sub(r"\[\d+\]", "[]", path)
        f = fields.get(schema_key) or fields.get(re.sub(r"\.[^.\[\]]+$", ".*", schema_key))
        unit = (f.unit if f else "").replace("money", ctx.money)
        sh.put(row, 1, path)
        if path in live:
            ref, cached, fmt = live[path]
            sh.formula(row, 2, ref, cached, fmt)
            sh.put(row, 4, f"live input: {ref}" + (f"; {source}" if source else ""))
        else:
            plain = isinstance(value, bool | int | float)
            sh.put(row, 2, value if plain else _as_text(value), "setting")
            sh.put(row, 4, source)
        sh.put(row, 3, unit)
        row += 1
    for col, width in (("A", 48), ("B", 16), ("C", 28), ("D", 60)):
        sh.width(col, width)
    ctx.finish(sh, "A4", landscape=False)


def _live_keys(ctx: WorkbookContext) -> dict[str, tuple[str, Any, str | None]]:
    """Case key path -> (reference of its live cell, value, number format)."""
    a, e, cb, meta = ctx.a, ctx.case.economic, ctx.case.cobenefits, ctx.meta
    out: dict[str, tuple[str, Any, str | None]] = {
        "economic.discount_rate": (a["rate"], e.discount_rate, EXCEL_FORMATS["rate"]),
        "economic.carbon_in_eirr": (a["carbon_in"], e.carbon_in_eirr, None),
        "economic.pollutants_in_eirr": (a["poll_in"], e.pollutants_in_eirr, None),
        "economic.serf": (a["serf"], e.serf, RATIO4),
        "economic.swrf": (a["swrf"], e.swrf, RATIO4),
        "economic.carbon_price_deflator": (a["deflator"], e.carbon_price_deflator, RATIO4),
        "case.usd_per_currency_unit": (a["usd"], meta.usd_per_currency_unit, None),
    }
    for key, live in (
        ("jobs_construction_per_musd", "jobs_c"),
        ("jobs_operation_per_musd", "jobs_o"),
        ("jobs_local_share", "local"),
        ("indirect_multiplier", "ind"),
        ("induced_multiplier", "indu"),
        ("income_ratio", "income"),
        ("income_elasticity", "elast"),
    ):
        out[f"cobenefits.{key}"] = (a[live], getattr(cb, key), None)
    for p in POLLUTANTS:
        out[f"cobenefits.damage_costs.{p}"] = (a[f"dmg:{p}"], cb.damage_costs.get(p, 0.0), None)
    for k, v in e.conversion_factors.items():
        if f"cf:{k}" in a:
            out[f"economic.conversion_factors.{k}"] = (a[f"cf:{k}"], v, None)
    for i, c in enumerate(ctx.case.components):
        if c.form != "parametric":
            continue
        for cat, v in c.capital.items():
            out[f"components[{i}].capital.{cat}"] = (a[f"{c.id}:cap:{cat}"], v, None)
        out[f"components[{i}].om_share"] = (a[f"{c.id}:om_share"], c.om_share, None)
        out[f"components[{i}].om_amount"] = (a[f"{c.id}:om_amount"], c.om_amount, None)
    out.update(ctx.financing_live)
    return out


def _as_text(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_as_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_as_text(v) for v in value)
    return str(value)


def _flatten(data: Any, prefix: str = "") -> Iterable[tuple[str, Any, str]]:
    """(key path, value, source) of every parameter; streams and paths stay whole."""
    if isinstance(data, dict):
        source = data.get("source", "") if isinstance(data.get("source", ""), str) else ""
        sources = data.get("sources", {}) if isinstance(data.get("sources"), dict) else {}
        for k, v in data.items():
            path = f"{prefix}.{k}" if prefix else str(k)
            if k in ("source", "sources", "description"):
                continue
            is_path = isinstance(v, dict) and v and all(str(x).isdigit() for x in v)
            if isinstance(v, dict) and not is_path:
                for sub in _flatten(v, path):
                    yield sub if sub[2] else (sub[0], sub[1], sources.get(k, "") or source)
            elif isinstance(v, list) and v and isinstance(v[0], dict):
                for i, item in enumerate(v):
                    yield from _flatten(item, f"{path}[{i}]")
            else:
                yield path, v, sources.get(k, "") or source
    return
