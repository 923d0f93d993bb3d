"""Cross-field checks of a component's climate-finance shares and flood-risk curve.

Called by :func:`appraisal.case.parse_case` (kept apart to hold ``case.py`` short);
each problem names its key path, e.g. ``components[5].flood_risk.return_periods``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from appraisal.schema import Problem

__all__ = ["climate_problems"]


def climate_problems(comp: Mapping[str, Any], path: str, *, has_streams: bool) -> list[Problem]:
    """Problems of a component's ``climate_finance`` and ``flood_risk`` tables.

    Climate-finance shares must sum to at most 1; a flood-risk curve must have
    return periods above 1 year, strictly increasing, and one non-negative
    damage per return period; it is for the parametric form only (the benefit
    starts in the first operating year) and replaces an activity of the same name.

    Parameters
    ----------
    comp
        One component of the normalized case mapping.
    path
        Its key path for the messages (``components[5]``).
    has_streams
        Whether the component is in the explicit streams form.

    Examples
    --------
    >>> climate_problems({"climate_finance": {"mitigation": 0.8, "dual": 0.3}}, "c",
    ...                  has_streams=False)[0].path
    'c.climate_finance'
    """
    problems: list[Problem] = []
    shares = comp.get("climate_finance")
    if shares:
        total = sum(shares.get(k, 0.0) for k in ("mitigation", "adaptation", "dual"))
        if total > 1.0 + 1e-9:
            problems.append(
                Problem(
                    f"{path}.climate_finance",
                    f"mitigation + adaptation + dual = {total:g}; expected at most 1 "
                    "(disjoint shares of the capital cost)",
                )
            )
    flood = comp.get("flood_risk")
    if flood is None:
        return problems
    where = f"{path}.flood_risk"
    if has_streams:
        problems.append(Problem(where, "only for the parametric form; remove it"))
        return problems
    periods = flood.get("return_periods", [])
    if not periods:
        problems.append(Problem(f"{where}.return_periods", "expected at least one return period"))
    elif any(t <= 1.0 for t in periods) or any(b <= a for a, b in itertools.pairwise(periods)):
        problems.append(
            Problem(
                f"{where}.return_periods",
                "expected return periods above 1 year, strictly increasing",
            )
        )
    for key in ("damage_without", "damage_with"):
        values = flood.get(key, [])
        if len(values) != len(periods):
            problems.append(
                Problem(
                    f"{where}.{key}",
                    f"has {len(values)} values; expected {len(periods)}, one per return period",
                )
            )
        elif any(v < 0 for v in values):
            problems.append(Problem(f"{where}.{key}", "damages must not be negative"))
    if any(a.get("name") == "avoided_flood_damage" for a in comp.get("activities", [])):
        problems.append(
            Problem(
                f"{where}",
                "an activity already produces 'avoided_flood_damage'; keep one of the two",
            )
        )
    return problems
