"""Plausibility refusals of a component: negative costs, field names used as cost categories.

Called by :func:`appraisal.case.parse_case` for each component (kept apart to hold
``case.py`` short). Each problem names its key path, e.g.
``components[0].streams.capital[2]``; the reader turns it into one line and exit
code 2. What is only suspicious (a deflator of 1, an energy price below 1 per MWh,
a discount rate outside 0.03-0.15) is a warning of the checks instead
(:mod:`appraisal.plausibility`). Negative emissions stay allowed (sinks).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from appraisal.schema import Problem, children

__all__ = ["component_field_names", "plausibility_problems"]

# Yearly cost streams that must not be negative (a cost of -x is a benefit or a residual value)
_COST_STREAMS = (
    ("streams", "capital"),
    ("streams", "operating"),
    ("financial", "capital"),
    ("financial", "operating"),
)


@cache
def component_field_names() -> frozenset[str]:
    """Names of a component's own fields (``om_share``, ``life_years``, ...), from the schema."""
    return frozenset(f.name for f in children("components[]"))


def plausibility_problems(comp: Mapping[str, Any], path: str) -> list[Problem]:
    """Refusals of one component of the normalized case mapping.

    A capital or O&M cost below zero (explicit streams, financial streams) and a
    cost category inside ``capital`` named like a component field (``om_share``
    written under ``[components.capital]`` becomes a cost category in TOML). The
    parametric capital categories, ``om_share`` and ``om_amount`` already have a
    lower bound of 0 in the schema.

    Examples
    --------
    >>> p = plausibility_problems({"streams": {"capital": [5.0, -1.0]}}, "components[0]")
    >>> p[0].path
    'components[0].streams.capital[1]'
    >>> plausibility_problems({"capital": {"om_share": 0.02}}, "c")[0].path
    'c.capital.om_share'
    """
    problems: list[Problem] = []
    for table, key in _COST_STREAMS:
        values = (comp.get(table) or {}).get(key) or []
        for i, v in enumerate(values):
            if v < 0:
                problems.append(
                    Problem(
                        f"{path}.{table}.{key}[{i}]",
                        f"{v:g} is negative; expected a cost of 0 or more (a sale of assets "
                        "or a value left at the horizon goes in streams.residual_value, a "
                        "saving in a benefit stream)",
                    )
                )
    fields = component_field_names()
    for cat in comp.get("capital") or {}:
        if cat in fields:
            problems.append(
                Problem(
                    f"{path}.capital.{cat}",
                    f"{cat!r} is a component field, not a cost category; write it above "
                    "the [components.capital] table (in TOML, every key after that "
                    "header belongs to it)",
                )
            )
    return problems
