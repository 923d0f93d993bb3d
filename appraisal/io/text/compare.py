"""The terminal report of ``appraisal compare``: side by side, and what each change did."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd

from appraisal import formatting as fmt
from appraisal import result_schema

if TYPE_CHECKING:
    from appraisal.compare import VersionComparison

__all__ = ["compare_text"]


def compare_text(
    sbs: pd.DataFrame, versions: VersionComparison | None = None, *, currency: str = ""
) -> str:
    """The terminal report: the side-by-side table, and the changes of two versions.

    Parameters
    ----------
    sbs
        From :func:`appraisal.compare.side_by_side` (index: JSON keys of the
        result schema, which also gives each row's number format).
    versions
        From :func:`appraisal.compare.compare_versions`, for two versions of a case.
    currency
        The currency code in the cost-per-tonne column header.
    """
    names = [c for c in sbs.columns if c != "label"]
    rows = [
        [str(row["label"]), *(_fmt(_format(str(key)), row[n]) for n in names)]
        for key, row in sbs.iterrows()
    ]
    lines = fmt.text_table(["figure", *names], rows)
    if versions is None:
        return "\n".join(lines) + "\n"
    effects = result_schema.view("effects")
    lines += ["", f"Changed inputs ({len(versions.changes)}), each applied alone to the base:"]
    ch_rows = []
    for r in versions.changes.to_dict(orient="records"):
        head = [r["key"], _short(r["before"]), _short(r["after"])]
        # pandas stores a missing error as NaN once another row has one: text only
        if isinstance(r["error"], str) and r["error"]:
            ch_rows.append([*head, r["error"], *([""] * (len(effects) - 1))])
            continue
        ch_rows.append([*head, *(_signed(r[f"d_{f.name}"], f.format) for f in effects)])
    headers = [f"d {result_schema.short_label(f.key, currency=currency)}" for f in effects]
    lines += fmt.text_table(["input", "base", "new", *(h.strip() for h in headers)], ch_rows)
    t = versions.total
    lines += [""]
    for f in effects:
        r = t.loc[f.name].to_dict()
        lines.append(
            f"{f.label}: {_fmt(f.format, r['base'])} -> {_fmt(f.format, r['other'])} "
            f"({_signed(r['difference'], f.format)}); "
            f"interaction beyond the effects alone: {_signed(r['interaction'], f.format)}"
        )
    return "\n".join(lines) + "\n"


def _format(key: str) -> str:
    return result_schema.output_field(key).format


def _missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _fmt(name: str, v: Any) -> str:
    return fmt.DASH if _missing(v) else fmt.format_value(name, v)


def _num(x: Any) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _short(v: Any) -> str:
    s = _num(v) if not isinstance(v, str) else v
    return s if len(s) <= 40 else s[:37] + "..."


def _signed(v: Any, name: str) -> str:
    """A difference: rates in percentage points (+1.23 pt), others signed in their format."""
    if _missing(v):
        return fmt.DASH
    if name == "rate":
        return f"{v * 100:+.2f} pt"
    return ("-" if v < 0 else "+") + fmt.format_value(name, abs(v))
