"""The program's economic streams split into atoms, and the targets that act on them.

:func:`economic_streams` splits an appraisal's yearly economic streams into
:class:`Atom` rows (capital, O&M, each benefit stream, the carbon value of each
component); a :class:`Target` names what a sensitivity test's change or a risk
variable acts on (a scaled variable, a benefit stream or the delay, for one
component or all). Conventions are in :mod:`appraisal.uncertainty`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from appraisal.schema import Problem

__all__ = [
    "DELAY",
    "SCALE_VARIABLES",
    "Atom",
    "EconomicStreams",
    "FloatArray",
    "Target",
    "UncertaintyInputError",
    "economic_streams",
]

FloatArray = npt.NDArray[np.float64]

SCALE_VARIABLES: Final = ("capital", "operating", "benefits", "carbon_price")
DELAY: Final = "delay"


class UncertaintyInputError(ValueError):
    """Sensitivity or risk inputs that do not fit the case; ``problems`` has each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class Atom:
    """One yearly economic stream of one component.

    ``kind`` is ``capital``, ``operating``, ``benefit`` (a named benefit stream or
    the pollutant value when it is counted in the EIRR) or ``carbon``.
    """

    kind: str
    component: str
    stream: str = ""

    @property
    def sign(self) -> float:
        """-1 for costs, +1 for benefits and the carbon value."""
        return -1.0 if self.kind in ("capital", "operating") else 1.0


@dataclass(frozen=True)
class EconomicStreams:
    """The program's economic streams by atom, with what is needed to discount them.

    Attributes
    ----------
    atoms
        What each row of ``values`` is.
    values
        Shape (atoms, years): each stream, costs and benefits both positive
        [money per year, economic prices].
    years
        Calendar years of the columns.
    discount_rate
        Economic discount rate [decimal per year, real].
    first_year_discounted
        NPV timing (see :func:`appraisal.finance.npv`).
    carbon_in_eirr
        Whether the headline ENPV/EIRR counts the carbon value.
    """

    atoms: tuple[Atom, ...]
    values: FloatArray
    years: tuple[int, ...]
    discount_rate: float
    first_year_discounted: bool
    carbon_in_eirr: bool

    @property
    def discount_factors(self) -> FloatArray:
        """Factor applied to each year's flow in the NPV [ratio]."""
        shift = 1.0 if self.first_year_discounted else 0.0
        t = np.arange(len(self.years), dtype=np.float64) + shift
        return np.asarray((1.0 + self.discount_rate) ** -t, dtype=np.float64)

    @property
    def stream_names(self) -> set[str]:
        return {a.stream for a in self.atoms if a.kind == "benefit"}

    @property
    def components(self) -> set[str]:
        return {a.component for a in self.atoms}


def economic_streams(result: Any) -> EconomicStreams:
    """Split an appraisal's program economics into atoms, one per component stream.

    Parameters
    ----------
    result : AppraisalResult
        An appraisal (see :func:`appraisal.appraise`).

    Returns
    -------
    EconomicStreams
        Capital, operating, each benefit stream (and the pollutant value when the
        case counts it in the EIRR) and the carbon value of every component. Their
        signed sum is the program's ``net_with_carbon``.
    """
    case = result.case
    atoms: list[Atom] = []
    rows: list[FloatArray] = []
    for comp in result.components:
        econ = comp.economic
        cols: list[tuple[Atom, str]] = [
            (Atom("capital", comp.id), "capital"),
            (Atom("operating", comp.id), "operating"),
        ]
        cols += [(Atom("benefit", comp.id, n), f"benefit:{n}") for n in comp.benefit_names]
        if case.economic.pollutants_in_eirr:
            cols.append((Atom("benefit", comp.id, "pollutant_value"), "pollutant_value"))
        cols.append((Atom("carbon", comp.id), "carbon_value"))
        for atom, col in cols:
            atoms.append(atom)
            rows.append(econ[col].to_numpy(dtype=np.float64))
    years = tuple(int(y) for y in result.program.economic.index)
    values = np.vstack(rows) if rows else np.zeros((0, len(years)))
    return EconomicStreams(
        atoms=tuple(atoms),
        values=values,
        years=years,
        discount_rate=case.economic.discount_rate,
        first_year_discounted=case.meta.first_year_discounted,
        carbon_in_eirr=case.economic.carbon_in_eirr,
    )


@dataclass(frozen=True)
class Target:
    """What a change or an uncertain input acts on.

    ``variable`` is one of :data:`SCALE_VARIABLES`, ``"delay"``, or the name of a
    benefit stream; ``component`` restricts it to one component ("" = all).
    """

    variable: str
    component: str = ""

    @property
    def is_delay(self) -> bool:
        return self.variable == DELAY

    @property
    def label(self) -> str:
        """``variable`` or ``component:variable``."""
        return f"{self.component}:{self.variable}" if self.component else self.variable

    def matches(self, atom: Atom) -> bool:
        """Whether this target scales (or, for a delay, shifts) the atom."""
        if self.component and atom.component != self.component:
            return False
        v = self.variable
        if v == "capital" or v == "operating":
            return atom.kind == v
        if v == "benefits" or v == DELAY:
            return atom.kind in ("benefit", "carbon")
        if v == "carbon_price":
            return atom.kind == "carbon"
        return atom.kind == "benefit" and atom.stream == v


def _target_problems(t: Target, streams: EconomicStreams, path: str) -> list[Problem]:
    out = []
    known = (*SCALE_VARIABLES, DELAY)
    if t.variable not in known and t.variable not in streams.stream_names:
        names = ", ".join([*known, *sorted(streams.stream_names)])
        out.append(Problem(path, f"unknown variable {t.variable!r}; expected one of {names}"))
    if t.component and t.component not in streams.components:
        ids = ", ".join(sorted(streams.components))
        out.append(Problem(path, f"unknown component {t.component!r}; expected one of {ids}"))
    return out
