"""A case's entity and fiscal finance: the ``[fiscal]`` inputs and the on-lent parts' checks.

:func:`on_lent_problems` is called by :func:`appraisal.case.parse_case` after
the schema checks; :class:`Fiscal` is re-exported by :mod:`appraisal.case`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from appraisal.schema import Problem

__all__ = ["Fiscal", "on_lent_problems"]


@dataclass(frozen=True)
class Fiscal:
    """The borrowing city's budget (``[fiscal]``): money real, of the case's price year."""

    budget_revenue: float | dict[int, float]  # [money per year], a path
    inflation: float  # domestic [decimal per year]
    max_burden_share: float  # [share of budget revenue]
    source: str


def on_lent_problems(d: Mapping[str, Any]) -> list[Problem]:
    """Problems of ``components[].financial.on_lent_loan`` against the loan and the revenue."""
    problems: list[Problem] = []
    loan = d.get("financing", {}).get("loan")
    on_lent = 0.0
    for i, comp in enumerate(d.get("components", [])):
        fin = comp.get("financial") or {}
        if fin.get("on_lent_loan", 0.0) > 0:
            on_lent += fin["on_lent_loan"]
            if not loan:
                problems.append(
                    Problem(
                        f"components[{i}].financial.on_lent_loan",
                        "a part of the loan is on-lent but the case has no [financing.loan]; "
                        "expected the loan's terms",
                    )
                )
            if not (fin.get("revenue") or fin.get("revenue_per_year", 0.0) > 0):
                problems.append(
                    Problem(
                        f"components[{i}].financial.on_lent_loan",
                        "on-lent to a component that earns no revenue; expected revenue or "
                        "revenue_per_year to service it",
                    )
                )
    if loan and "amount" in loan and on_lent > loan["amount"] * (1 + 1e-12):
        problems.append(
            Problem(
                "components.financial.on_lent_loan",
                f"the on-lent parts sum to {on_lent:g}, more than the loan amount "
                f"{loan['amount']:g}; expected at most the loan",
            )
        )
    return problems
