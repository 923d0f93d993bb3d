"""Weighted average cost of capital: ADB's WACC table and its total."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Final

import pandas as pd

__all__ = ["wacc", "wacc_table"]


_WACC_COLUMNS: Final = (
    "name", "amount", "weight", "nominal_cost", "tax_rate", "after_tax_nominal_cost",
    "inflation", "real_cost", "weighted_real_cost",
)  # fmt: skip


def _number(source: Mapping[str, Any], key: str, i: int, default: float | None) -> float:
    if key not in source:
        if default is None:
            raise ValueError(f"financing source {i} ({source.get('name', '?')!r}) lacks {key!r}")
        return default
    try:
        x = float(source[key])
    except (TypeError, ValueError):
        raise ValueError(
            f"financing source {i}: {key} must be a number (got {source[key]!r})"
        ) from None
    if not math.isfinite(x):
        raise ValueError(f"financing source {i}: {key} must be finite (got {x})")
    return x


def wacc_table(sources: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """ADB's weighted average cost of capital table, one row per source of funds.

    Parameters
    ----------
    sources : sequence of mappings
        One mapping per source (ADB loan, counterpart funds, on-lending, equity) with
        keys ``name`` (str); ``amount`` [money]; ``nominal_cost`` [decimal per year];
        ``tax_rate`` [decimal], default 0; ``inflation`` of the source's currency,
        international for foreign-currency debt, domestic for local funds
        [decimal per year], default 0; ``is_debt`` (bool), default True: equity
        gets no tax shield. Other keys (e.g. ``source``) are ignored.

    Returns
    -------
    pandas.DataFrame
        Columns ``name, amount, weight, nominal_cost, tax_rate,
        after_tax_nominal_cost, inflation, real_cost, weighted_real_cost``
        (rates decimal per year, weight a share of the total amount).

    Raises
    ------
    ValueError
        For no sources, a missing or non-numeric field, a negative amount, a zero
        total amount, a tax rate outside [0, 1] or an inflation or cost <= -100%.

    Notes
    -----
    After-tax nominal cost = nominal x (1 - tax) for debt (interest is deductible),
    = nominal for equity; real cost = (1 + after-tax nominal) / (1 + inflation) - 1
    (Fisher); weighted real cost = weight x real cost, weight = amount / total;
    WACC = sum of weighted real costs (ADB financial analysis practice;
    ``docs/methods.md``, Financial analysis).

    Examples
    --------
    >>> from appraisal.finance import wacc_table
    >>> t = wacc_table([
    ...     {"name": "ADB loan", "amount": 150.0, "nominal_cost": 0.025,
    ...      "tax_rate": 0.25, "inflation": 0.02},
    ...     {"name": "equity", "amount": 100.0, "nominal_cost": 0.08,
    ...      "inflation": 0.03, "is_debt": False},
    ... ])
    >>> t["weighted_real_cost"].round(6).tolist()
    [-0.000735, 0.019417]
    >>> round(float(t["weighted_real_cost"].sum()), 6)
    0.018682
    """
    if isinstance(sources, Mapping) or not len(sources):
        raise ValueError("wacc_table needs a non-empty sequence of financing sources")
    rows = []
    for i, s in enumerate(sources):
        if "name" not in s:
            raise ValueError(f"financing source {i} lacks 'name'")
        amount = _number(s, "amount", i, None)
        nominal = _number(s, "nominal_cost", i, None)
        tax = _number(s, "tax_rate", i, 0.0)
        inflation = _number(s, "inflation", i, 0.0)
        is_debt = bool(s.get("is_debt", True))
        if amount < 0:
            raise ValueError(f"financing source {i} ({s['name']!r}): amount {amount} < 0")
        if not 0.0 <= tax <= 1.0:
            raise ValueError(
                f"financing source {i} ({s['name']!r}): tax_rate {tax} outside [0, 1] "
                "(rates are decimals)"
            )
        if inflation <= -1.0 or nominal <= -1.0:
            raise ValueError(
                f"financing source {i} ({s['name']!r}): nominal_cost and inflation must be "
                f"> -1 (got {nominal}, {inflation})"
            )
        after_tax = nominal * (1.0 - tax) if is_debt else nominal
        rows.append((str(s["name"]), amount, nominal, tax, after_tax, inflation))
    total = math.fsum(r[1] for r in rows)
    if total <= 0:
        raise ValueError("financing sources total zero amount: weights undefined")
    table = pd.DataFrame(
        rows,
        columns=["name", "amount", "nominal_cost", "tax_rate", "after_tax_nominal_cost",
                 "inflation"],
    )  # fmt: skip
    table["weight"] = table["amount"] / total
    table["real_cost"] = (1.0 + table["after_tax_nominal_cost"]) / (1.0 + table["inflation"]) - 1.0
    table["weighted_real_cost"] = table["weight"] * table["real_cost"]
    return table[list(_WACC_COLUMNS)]


def wacc(sources: Sequence[Mapping[str, Any]]) -> float:
    """Real weighted average cost of capital: the sum of :func:`wacc_table`'s weighted costs.

    Parameters
    ----------
    sources : sequence of mappings
        As for :func:`wacc_table`.

    Returns
    -------
    float
        WACC [decimal per year, real].

    Examples
    --------
    >>> from appraisal.finance import wacc
    >>> round(wacc([{"name": "loan", "amount": 1.0, "nominal_cost": 0.05,
    ...              "inflation": 0.02}]), 6)
    0.029412
    """
    return float(math.fsum(wacc_table(sources)["weighted_real_cost"]))
