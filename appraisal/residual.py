"""Residual value of assets whose life runs past the appraisal horizon.

Pure functions (``docs/methods.md`` section 2, residual value). The residual
value enters the economic cash flow as a negative capital cost in the horizon's
last year, so ENPV = PV(benefits) - PV(costs) still holds with costs net of it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["RESIDUAL_METHODS", "remaining_life", "residual_stream", "straight_line_residual"]

FloatArray = npt.NDArray[np.float64]
RESIDUAL_METHODS = ("straight-line", "none")


def remaining_life(life_years: int, operating_years_in_horizon: int) -> int:
    """Years of economic life left after the horizon [years].

    Examples
    --------
    >>> remaining_life(25, 22)
    3
    >>> remaining_life(20, 20)
    0
    """
    return max(0, int(life_years) - int(operating_years_in_horizon))


def straight_line_residual(
    capital: float, life_years: int, operating_years_in_horizon: int
) -> float:
    """Straight-line residual value: capital x remaining life / life [money].

    Parameters
    ----------
    capital
        Capital cost of the asset, undiscounted [money, economic or financial prices].
    life_years
        Economic life after construction [years]; 0 gives no residual value.
    operating_years_in_horizon
        Years of operation inside the appraisal horizon [years].

    Notes
    -----
    The asset is written down in equal parts over its life (ADB 2017 Guidelines
    for the Economic Analysis of Projects: assets with life left at the end of
    the period of analysis carry a residual value in its last year). Real
    terms: the capital is at the case's constant prices, so the residual value is
    too; it is not re-valued.

    Examples
    --------
    >>> straight_line_residual(30.0, 25, 22)  # 30 x 3 / 25
    3.6
    """
    if life_years <= 0:
        return 0.0
    return capital * remaining_life(life_years, operating_years_in_horizon) / life_years


def residual_stream(amount: float, years: int) -> FloatArray:
    """A stream holding ``amount`` in the horizon's last year, 0 elsewhere [money per year].

    >>> residual_stream(3.6, 3).tolist()
    [0.0, 0.0, 3.6]
    """
    out = np.zeros(years, dtype=np.float64)
    if years:
        out[-1] = amount
    return out
