"""Financial analysis: NPV, IRR, MIRR, WACC, loan schedules and debt service coverage.

Pure functions over numpy arrays (pandas only for the two tables). Methods follow
``docs/methods.md``.

Conventions shared by every function here:

- Rates are decimals per period (0.09, never 9).
- Cash flows are signed: outflows (investment, costs) negative, inflows positive.
- ``values[t]`` is the net flow of period ``t``, periods one year apart.
- :func:`npv` discounts ``values[0]`` by one period by default, as Excel ``NPV``
  and published ADB economic cash-flow tables do; numpy-financial leaves it
  undiscounted. The IRR is the same under both conventions.
- A stream with more than one sign change can have several IRRs or none: the IRR
  functions report every real root in the range searched, and :func:`irr` gives
  NaN rather than pick one.

Modules, by topic: :mod:`~appraisal.finance.rates` (NPV, MIRR),
:mod:`~appraisal.finance.internal_rate` (IRR), :mod:`~appraisal.finance.roots` (every
real root), :mod:`~appraisal.finance.bracketing` (the fast path of one sign change),
:mod:`~appraisal.finance.multisign` (several sign changes, decided on the grid),
:mod:`~appraisal.finance.cost_of_capital` (WACC), :mod:`~appraisal.finance.loans`
(loan schedule, DSCR); shared private helpers in ``_common``.
"""

from __future__ import annotations

from appraisal.finance.cost_of_capital import wacc, wacc_table

# _BLOCK and _irr_transposed are private, re-exported for appraisal.uncertainty (the IRR
# block size it shares, and the IRR of a block it holds in both layouts).
from appraisal.finance.internal_rate import _BLOCK as _BLOCK
from appraisal.finance.internal_rate import IrrResult, irr, irr_detail
from appraisal.finance.internal_rate import _irr_transposed as _irr_transposed
from appraisal.finance.loans import dscr, loan_schedule
from appraisal.finance.rates import mirr, npv
from appraisal.finance.roots import irr_roots

__all__ = [
    "IrrResult",
    "dscr",
    "irr",
    "irr_detail",
    "irr_roots",
    "loan_schedule",
    "mirr",
    "npv",
    "wacc",
    "wacc_table",
]
