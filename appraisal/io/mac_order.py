"""The projects of a fund allocation or a peak plan in MAC order, one row each.

The terminal (:mod:`appraisal.io.text`) and the workbook (:mod:`appraisal.io.workbook`)
list the same projects in the same order: cheapest per tCO2e first, ties by id,
an unknown cost last; then whether the exact and the MAC-order (greedy) choice
take each one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd

from appraisal import formatting as fmt

__all__ = ["as_is", "cost_text", "mac_order_rows"]


def mac_order_rows(
    projects: pd.DataFrame, columns: Sequence[tuple[str, Callable[[Any], Any]]]
) -> list[list[Any]]:
    """One row per project in MAC order: ``columns`` then the exact and greedy marks ("x").

    ``columns`` are (column of ``projects``, how its value is written in the cell).

    Examples
    --------
    >>> p = pd.DataFrame({"id": ["b", "a"], "cost_per_tco2e": [5.0, 5.0],
    ...                   "exact": [True, False], "greedy": [True, True]})
    >>> mac_order_rows(p, [("id", str)])
    [['a', '', 'x'], ['b', 'x', 'x']]
    """
    ordered = projects.sort_values(["cost_per_tco2e", "id"], na_position="last")
    rows = []
    for r in ordered.to_dict(orient="records"):
        marks = ["x" if r["exact"] else "", "x" if r["greedy"] else ""]
        rows.append([*(cell(r[key]) for key, cell in columns), *marks])
    return rows


def cost_text(value: float) -> str:
    """A project's cost per tCO2e as the terminal writes it ("n/a" where it is unknown: NaN).

    >>> cost_text(12.345), cost_text(float("nan"))
    ('12.35', 'n/a')
    """
    return fmt.per_tonne(None if math.isnan(value) else value)


def as_is(value: Any) -> Any:
    """A value written to a cell unchanged (the workbook writes numbers, not text)."""
    return value
