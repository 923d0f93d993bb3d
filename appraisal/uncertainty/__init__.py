"""Sensitivity tests, switching values and Monte Carlo risk analysis.

Pure functions over numpy arrays and pandas tables (no I/O). Methods follow
``docs/methods.md`` (sensitivity and risk, ADB practice) and ``docs/uncertainty.md``.

Everything works on the program's yearly economic streams, split into *atoms*:
the capital, the O&M, each named benefit stream and the carbon value of each
component (:func:`economic_streams`). A test or a Monte Carlo draw never re-runs
the appraisal: it scales atoms and shifts benefit atoms in time, so that the
ENPV and the net stream of many scenarios are array operations.

Conventions:

- A change to a scaled variable is a decimal (0.10 = +10%); a Monte Carlo draw
  of a scaled variable is a multiplier of the appraised value (1.0 = as
  appraised). A delay is in years, continuous: a delay ``d = k + f`` (``k``
  whole years, ``0 <= f < 1``) moves each benefit ``b[t]`` to
  ``(1 - f) b[t - k] + f b[t - k - 1]``, i.e. the benefit stream read at
  ``t - d`` with linear interpolation between years. Benefits pushed past the
  last year of the case are lost (the horizon is fixed, as in a bank's table).
- ``capital`` and ``operating`` scale the costs; ``benefits`` scales every
  benefit counted in the ENPV including the carbon value (a shortfall in demand
  cuts both), ``carbon_price`` scales the carbon value only, and a benefit
  stream's own name (e.g. ``time_savings``) scales that stream only. ``delay``
  shifts every benefit and the carbon value, never the costs. Each may be
  restricted to one component.
- The headline ENPV and EIRR include the carbon value when the case counts it
  (``economic.carbon_in_eirr``); results "without carbon" drop it.

Modules, by topic: :mod:`~appraisal.uncertainty.streams` (atoms, economic streams,
targets), :mod:`~appraisal.uncertainty.groups` (atoms grouped by target; scenarios'
net streams), :mod:`~appraisal.uncertainty.sensitivity` (ADB's tests, switching
values), :mod:`~appraisal.uncertainty.distributions` (uncertain inputs, correlations)
and :mod:`~appraisal.uncertainty.montecarlo` (draws, risk analysis).
"""

from __future__ import annotations

from appraisal.uncertainty.distributions import DISTRIBUTIONS, Correlation, RiskVariable
from appraisal.uncertainty.groups import GroupModel, scenario_enpv, scenario_net
from appraisal.uncertainty.montecarlo import (
    CHUNK_SIZE,  # noqa: F401 (importable here as before; not in __all__)
    RiskResult,
    monte_carlo,
    parse_risk,
    sample,
)
from appraisal.uncertainty.sensitivity import (
    ADB_STANDARD_TESTS,
    SensitivityResult,
    SensitivityTest,
    parse_sensitivity_tests,
    sensitivity,
)
from appraisal.uncertainty.streams import (
    DELAY,  # noqa: F401 (as CHUNK_SIZE)
    SCALE_VARIABLES,
    Atom,
    EconomicStreams,
    FloatArray,  # noqa: F401 (as CHUNK_SIZE)
    Target,
    UncertaintyInputError,
    economic_streams,
)

__all__ = [
    "ADB_STANDARD_TESTS",
    "DISTRIBUTIONS",
    "SCALE_VARIABLES",
    "Atom",
    "Correlation",
    "EconomicStreams",
    "GroupModel",
    "RiskResult",
    "RiskVariable",
    "SensitivityResult",
    "SensitivityTest",
    "Target",
    "UncertaintyInputError",
    "economic_streams",
    "monte_carlo",
    "parse_risk",
    "parse_sensitivity_tests",
    "sample",
    "scenario_enpv",
    "scenario_net",
    "sensitivity",
]
