"""GHG accounting: grid factors and emission reductions (IFI harmonised approach).

Emission reduction = without-project emissions - with-project emissions, for
the same level of service, per year (``docs/methods.md`` section 6).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from appraisal.economics import interpolate_path

__all__ = ["combined_margin", "grid_factor", "reduction"]

FloatArray = npt.NDArray[np.float64]

# CDM methodological tool 07 (Tool to calculate the emission factor for an
# electricity system), v7.0: w_OM = 0.75 and w_BM = 0.25 for wind and solar.
WEIGHT_OM_WIND_SOLAR = 0.75


def combined_margin(
    operating_margin: npt.ArrayLike, build_margin: npt.ArrayLike, weight_om: float = 0.5
) -> FloatArray:
    """Combined-margin grid emission factor EF_CM = w_OM x EF_OM + (1 - w_OM) x EF_BM.

    Parameters
    ----------
    operating_margin, build_margin
        EF_OM and EF_BM [tCO2e/MWh].
    weight_om
        w_OM [share]; w_BM = 1 - w_OM.

    Examples
    --------
    >>> round(float(combined_margin(0.9, 0.6, 0.75)), 6)
    0.825
    """
    om = np.asarray(operating_margin, dtype=np.float64)
    bm = np.asarray(build_margin, dtype=np.float64)
    return weight_om * om + (1.0 - weight_om) * bm


def grid_factor(
    years: npt.ArrayLike,
    *,
    emission_factor: float | Mapping[int, float] | None = None,
    operating_margin: float | Mapping[int, float] | None = None,
    build_margin: float | Mapping[int, float] | None = None,
    weight_om: float = 0.5,
    technology: str = "other",
) -> FloatArray:
    """Grid emission factor by year [tCO2e/MWh].

    A given ``emission_factor`` path is used as is; otherwise the combined
    margin of the operating- and build-margin paths, with w_OM = 0.75 for
    ``technology`` "solar" or "wind" (CDM TOOL07) and ``weight_om`` otherwise.
    """
    if emission_factor is not None:
        return interpolate_path(emission_factor, years)
    if operating_margin is None or build_margin is None:
        raise ValueError("grid factor needs emission_factor, or operating and build margins")
    w = WEIGHT_OM_WIND_SOLAR if technology in ("solar", "wind") else weight_om
    return combined_margin(
        interpolate_path(operating_margin, years), interpolate_path(build_margin, years), w
    )


def reduction(without_project: npt.ArrayLike, with_project: npt.ArrayLike) -> FloatArray:
    """Emission reduction by year [tCO2e]: without-project minus with-project."""
    return np.asarray(without_project, dtype=np.float64) - np.asarray(
        with_project, dtype=np.float64
    )
