"""appraisal: appraise climate-finance loans the way development banks do.

>>> import appraisal
>>> round(appraisal.npv(0.10, [-100.0, 60.0, 60.0]), 4)  # Excel NPV convention
3.7566
"""

from appraisal._version import __version__
from appraisal.case import Case, CaseError
from appraisal.finance import irr, irr_detail, irr_roots, mirr, npv
from appraisal.io.cases import load_case
from appraisal.result import AppraisalResult
from appraisal.workflow import appraise, risk

__all__ = [
    "AppraisalResult",
    "Case",
    "CaseError",
    "__version__",
    "appraise",
    "irr",
    "irr_detail",
    "irr_roots",
    "load_case",
    "mirr",
    "npv",
    "risk",
]
