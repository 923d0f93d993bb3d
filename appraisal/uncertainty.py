"""Sensitivity tests, switching values and Monte Carlo risk analysis.

Pure functions over numpy arrays and pandas tables (no I/O). Methods follow
``METHODS.md`` section 4 (ADB practice) and ``docs/uncertainty.md``.

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
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import optimize, special

from appraisal.finance import _BLOCK as _IRR_BLOCK
from appraisal.finance import irr, irr_detail
from appraisal.schema import Problem

__all__ = [
    "ADB_STANDARD_TESTS",
    "DISTRIBUTIONS",
    "SCALE_VARIABLES",
    "Atom",
    "Correlation",
    "EconomicStreams",
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

FloatArray = npt.NDArray[np.float64]

SCALE_VARIABLES: Final = ("capital", "operating", "benefits", "carbon_price")
DELAY: Final = "delay"
DISTRIBUTIONS: Final = ("triangular", "pert", "normal", "lognormal", "uniform")
# Draws evaluated at once: bounds the working memory (about 10 arrays of
# chunk x years doubles, ~130 MB for 30 years) whatever the number of draws.
CHUNK_SIZE: Final = 65536
# PERT's inverse CDF is tabulated on this many points, spaced densely at both ends
# (x = (1 - cos(pi s)) / 2); linear interpolation keeps the error below 1e-8 of the
# range (tested against scipy.stats.beta.ppf), at a fraction of betaincinv's cost.
_PERT_TABLE: Final = 65537
_WORKERS: Final = 2


class UncertaintyInputError(ValueError):
    """Sensitivity or risk inputs that do not fit the case; ``problems`` has each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


# ---------------------------------------------------------------------- streams
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


# ---------------------------------------------------------------------- targets
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


class _Model:
    """Atoms grouped by the targets that act on them, for vectorised scenarios.

    Atoms acted on by the same scale targets and the same delay targets, and of
    the same sign and carbon-ness, are summed once: a scenario then costs a few
    rows, not one per atom.
    """

    def __init__(self, streams: EconomicStreams, targets: Sequence[Target]) -> None:
        self.streams = streams
        self.targets = tuple(targets)
        self.n_years = len(streams.years)
        keys: dict[tuple[Any, ...], int] = {}
        group_rows: list[FloatArray] = []
        scale_sets: list[tuple[int, ...]] = []
        delay_sets: list[tuple[int, ...]] = []
        carbon: list[bool] = []
        for atom, row in zip(streams.atoms, streams.values, strict=True):
            hits = [i for i, t in enumerate(self.targets) if t.matches(atom)]
            scale = tuple(i for i in hits if not self.targets[i].is_delay)
            delay = tuple(i for i in hits if self.targets[i].is_delay)
            key = (scale, delay, atom.kind == "carbon", atom.sign)
            if key not in keys:
                keys[key] = len(group_rows)
                group_rows.append(np.zeros(self.n_years))
                scale_sets.append(scale)
                delay_sets.append(delay)
                carbon.append(atom.kind == "carbon")
            group_rows[keys[key]] = group_rows[keys[key]] + atom.sign * row
        self.signed = np.vstack(group_rows) if group_rows else np.zeros((0, self.n_years))
        self.scale_sets = scale_sets
        self.delay_sets = delay_sets
        self.carbon = np.array(carbon, dtype=bool)
        self._tables = {g: self._shift_table(g) for g, d in enumerate(delay_sets) if d}

    def multipliers(self, values: FloatArray) -> FloatArray:
        """(n, groups) product of the scale multipliers acting on each group."""
        n = values.shape[0]
        out = np.ones((n, len(self.scale_sets)))
        for g, s in enumerate(self.scale_sets):
            for i in s:
                out[:, g] *= values[:, i]
        return out

    def _shift_table(self, g: int) -> FloatArray:
        """Group ``g``'s stream shifted right by 0, 1, ..., T + 1 whole years (rows)."""
        t = self.n_years
        table = np.zeros((t + 2, t))
        for k in range(t):
            table[k, k:] = self.signed[g, : t - k]
        return table

    def parts(self, values: FloatArray) -> tuple[FloatArray, FloatArray]:
        """(n, years) net stream without carbon, and the carbon value, of each scenario.

        ``values`` is (n, targets): a multiplier for a scale target, years for a
        delay target. An undelayed group adds its multiplier times its stream; a
        group delayed ``k + f`` years adds ``(1 - f)`` times row ``k`` and ``f`` times
        row ``k + 1`` of its shift table (rows ``T`` and ``T + 1`` are zero: the
        stream is shifted out of the horizon).
        """
        values = np.asarray(values, dtype=np.float64)
        n = values.shape[0]
        t = self.n_years
        mult = self.multipliers(values)
        delays: dict[tuple[int, ...], tuple[FloatArray, FloatArray, npt.NDArray[np.intp]]] = {}
        out = []
        term = np.empty((n, t))
        for use in (~self.carbon, self.carbon):
            part = np.empty((n, t))
            first = True  # the first term is written into ``part``, the others added
            for g in map(int, np.flatnonzero(use)):
                key = self.delay_sets[g]
                if not key:
                    first = _accumulate(part, term, first, mult[:, g], self.signed[g])
                    continue
                if key not in delays:
                    delay = values[:, list(key)].sum(axis=1)
                    if not np.all(delay >= 0):
                        bad = float(delay[~(delay >= 0)][0])
                        raise ValueError(f"a delay must be >= 0 years (got {bad})")
                    whole = np.floor(delay)
                    frac = np.where(whole >= t, 0.0, delay - whole)
                    delays[key] = (1.0 - frac, frac, np.minimum(whole, t).astype(np.intp))
                keep, frac, k = delays[key]
                table = self._tables[g]
                first = _accumulate(part, term, first, mult[:, g] * keep, table, k)
                if frac.any():
                    first = _accumulate(part, term, first, mult[:, g] * frac, table, k + 1)
            if first:
                part.fill(0.0)
            out.append(part)
        return out[0], out[1]

    def net(self, values: FloatArray, *, carbon: bool) -> FloatArray:
        """(n, years) net economic stream of each scenario, with or without carbon."""
        without, carbon_value = self.parts(values)
        return without + carbon_value if carbon else without


def _accumulate(
    part: FloatArray,
    term: FloatArray,
    first: bool,
    weight: FloatArray,
    rows: FloatArray,
    gather: npt.NDArray[np.intp] | None = None,
) -> bool:
    """``part (+)= weight[:, None] * rows`` (or ``* rows[gather]``), with no temporary.

    The first term is written straight into ``part``; later ones go through ``term``.
    Returns False (the next term is not the first).
    """
    dst = part if first else term
    if gather is None:
        np.multiply(weight[:, None], rows, out=dst)
    else:
        np.take(rows, gather, axis=0, out=dst)
        dst *= weight[:, None]
    if not first:
        part += term
    return False


def scenario_net(
    streams: EconomicStreams,
    targets: Sequence[Target],
    values: npt.ArrayLike,
    *,
    carbon: bool | None = None,
) -> FloatArray:
    """Net economic stream of scenarios, each a value for every target.

    Parameters
    ----------
    streams
        From :func:`economic_streams`.
    targets
        What each column of ``values`` acts on.
    values : array_like, shape (n, len(targets)) or (len(targets),)
        A multiplier (1 = as appraised) for a scale target, a delay for a delay
        target [ratio; years].
    carbon
        Count the carbon value; default: as the case's headline does.

    Returns
    -------
    ndarray, shape (n, years) or (years,)
        Benefits minus costs by year [money per year].
    """
    v = np.asarray(values, dtype=np.float64)
    one = v.ndim == 1
    v2 = v[None, :] if one else v
    with_carbon = streams.carbon_in_eirr if carbon is None else carbon
    out = _Model(streams, targets).net(v2, carbon=with_carbon)
    return out[0] if one else out


def scenario_enpv(
    streams: EconomicStreams,
    targets: Sequence[Target],
    values: npt.ArrayLike,
    *,
    carbon: bool | None = None,
) -> FloatArray:
    """ENPV of scenarios (see :func:`scenario_net`) [money, present value]."""
    net = scenario_net(streams, targets, values, carbon=carbon)
    return np.asarray(net @ streams.discount_factors, dtype=np.float64)


# ------------------------------------------------------------------ sensitivity
@dataclass(frozen=True)
class SensitivityTest:
    """One row of the bank's sensitivity table: a named set of changes.

    ``changes`` pairs a :class:`Target` with a change: a decimal for a scale
    variable (0.10 = +10%), years for a delay.
    """

    name: str
    changes: tuple[tuple[Target, float], ...]

    @property
    def single(self) -> bool:
        return len(self.changes) == 1


ADB_STANDARD_TESTS: Final = (
    SensitivityTest("capital cost +10%", ((Target("capital"), 0.10),)),
    SensitivityTest("O&M cost +10%", ((Target("operating"), 0.10),)),
    SensitivityTest("benefits -10%", ((Target("benefits"), -0.10),)),
    SensitivityTest("benefits delayed 1 year", ((Target(DELAY), 1.0),)),
    SensitivityTest(
        "combination: all of the above",
        (
            (Target("capital"), 0.10),
            (Target("operating"), 0.10),
            (Target("benefits"), -0.10),
            (Target(DELAY), 1.0),
        ),
    ),
)
"""ADB's standard tests (METHODS.md section 4): each, and all four together."""

_TABLE_COLUMNS: Final = (
    "test",
    "change",
    "enpv",
    "eirr",
    "sensitivity_indicator",
    "switching_value",
)


@dataclass
class SensitivityResult:
    """ADB's sensitivity table and tornado-chart data.

    Attributes
    ----------
    table
        One row per test, the base case first (``test`` = "base"). Columns:
        ``test``; ``change`` (decimal for a scaled variable, years for a delay,
        NaN for a combination); ``enpv`` [money]; ``eirr`` [decimal, NaN when
        none or several]; ``sensitivity_indicator`` SI = (% change in ENPV) /
        (% change in the variable) [ratio; NaN for a delay or a combination];
        ``switching_value``: the change that makes ENPV = 0 [decimal; years for
        a delay; NaN when no change does, and for combinations].
    tornado
        Columns ``variable``, ``enpv_low``, ``enpv_high``: the ENPV with each
        single-variable test's change applied downwards and upwards (a delay:
        none and the test's delay), widest first [money].
    units
        ``test -> "decimal" | "years" | ""``: the unit of ``change`` and
        ``switching_value`` in that row.
    eirr_reasons
        ``test -> reason`` where the EIRR is NaN (no root, several roots).
    headline_with_carbon
        Whether ENPV and EIRR include the carbon value.
    """

    table: pd.DataFrame
    tornado: pd.DataFrame
    units: dict[str, str] = field(default_factory=dict)
    eirr_reasons: dict[str, str] = field(default_factory=dict)
    headline_with_carbon: bool = True

    def to_summary(self) -> list[dict[str, Any]]:
        """The JSON ``sensitivity`` block: one mapping per row of :attr:`table`."""
        out = []
        for row in self.table.itertuples(index=False):
            item: dict[str, Any] = {}
            for col in _TABLE_COLUMNS:
                v = getattr(row, col)
                item[col] = None if isinstance(v, float) and not math.isfinite(v) else v
            test = str(item["test"])
            item["unit"] = self.units.get(test, "")
            if test in self.eirr_reasons:
                item["eirr_reason"] = self.eirr_reasons[test]
            out.append(item)
        return out


def _delay_switching_value(
    streams: EconomicStreams, target: Target, base: float, carbon: bool
) -> float:
    """Smallest delay (years) at which ENPV changes sign, or NaN when none does.

    ENPV(d) is piecewise linear in d (linear between whole years), so the whole-year
    grid brackets the first crossing and Brent's method finds it to rounding.
    """
    if base == 0.0:
        return 0.0
    n = len(streams.years)
    model = _Model(streams, [target])

    def f(d: FloatArray) -> FloatArray:
        net = model.net(np.asarray(d, dtype=np.float64)[:, None], carbon=carbon)
        return np.asarray(net @ streams.discount_factors, dtype=np.float64)

    grid = np.arange(n + 2, dtype=np.float64)
    values = f(grid)
    # a strict change of sign: an ENPV that only reaches 0 once every benefit has left
    # the horizon (a case without costs) has no switching value
    cross = np.flatnonzero(np.sign(values[1:]) * np.sign(base) < 0)
    if cross.size == 0:
        return math.nan
    k = int(cross[0])

    def scalar(d: float) -> float:
        return float(f(np.array([d]))[0])

    root: float = optimize.brentq(scalar, grid[k], grid[k + 1], xtol=1e-15, rtol=1e-15)
    return root


def sensitivity(
    streams: EconomicStreams, tests: Sequence[SensitivityTest] = ADB_STANDARD_TESTS
) -> SensitivityResult:
    """ADB's sensitivity table: ENPV, EIRR, sensitivity indicator and switching value.

    Parameters
    ----------
    streams
        From :func:`economic_streams`.
    tests
        The tests, in table order; default :data:`ADB_STANDARD_TESTS`.

    Returns
    -------
    SensitivityResult

    Notes
    -----
    For one scaled variable with present value P (signed: costs negative) in the
    headline ENPV, a change c gives ENPV(c) = ENPV_0 + c P, so

    .. math:: SI = \\frac{(ENPV(c) - ENPV_0) / ENPV_0}{c} = \\frac{P}{ENPV_0},
              \\qquad SV = -\\frac{ENPV_0}{P} = -\\frac{1}{SI}

    (METHODS.md section 4: SV = 100 / SI in percent, ENPV_0 / PV of the variable;
    here signed, so a cost's SV is a rise and a benefit's a fall). A delay is not
    linear: its SV is the delay in years where ENPV = 0, root-found by Brent's
    method (scipy ``brentq``) on the continuous delay defined in the module notes;
    its SI is left NaN (the indicator is defined for % changes). Combinations
    have neither.

    Examples
    --------
    >>> import numpy as np
    >>> s = EconomicStreams((Atom("capital", "a"), Atom("benefit", "a", "b")),
    ...     np.array([[100.0, 0.0, 0.0], [0.0, 60.0, 60.0]]), (2021, 2022, 2023),
    ...     0.10, False, True)
    >>> t = sensitivity(s, [SensitivityTest("capital +10%", ((Target("capital"), 0.1),))])
    >>> t.table[["enpv", "sensitivity_indicator", "switching_value"]].round(4).values.tolist()
    [[4.1322, nan, nan], [-5.8678, -24.2, 0.0413]]
    """
    carbon = streams.carbon_in_eirr
    base_net = scenario_net(streams, [], np.zeros(0), carbon=carbon)
    df = streams.discount_factors
    base = float(base_net @ df)
    rows: list[tuple[str, float, float, float, float, float]] = []
    units: dict[str, str] = {"base": ""}
    reasons: dict[str, str] = {}

    def eirr_of(name: str, net: FloatArray) -> float:
        d = irr_detail(net)
        if d.value is None:
            reasons[name] = d.reason or "no IRR"
            return math.nan
        return d.value

    rows.append(("base", math.nan, base, eirr_of("base", base_net), math.nan, math.nan))
    tornado: list[tuple[str, float, float]] = []
    for test in tests:
        if test.name in units:
            raise ValueError(f"sensitivity test {test.name!r} appears twice; names must differ")
        targets = [t for t, _ in test.changes]
        values = np.array([c if t.is_delay else 1.0 + c for t, c in test.changes])
        net = scenario_net(streams, targets, values, carbon=carbon)
        enpv = float(net @ df)
        eirr = eirr_of(test.name, net)
        si = sv = math.nan
        change = math.nan
        unit = ""
        if test.single:
            target, change = test.changes[0]
            if target.is_delay:
                unit = "years"
                sv = _delay_switching_value(streams, target, base, carbon)
                low = base
            else:
                unit = "decimal"
                p = float(scenario_enpv(streams, [target], [2.0], carbon=carbon)) - base
                si = p / base if base != 0.0 else math.nan
                sv = -base / p if p != 0.0 else math.nan
                low = float(scenario_enpv(streams, [target], [1.0 - change], carbon=carbon))
            lo, hi = (low, enpv) if change >= 0 else (enpv, low)
            span = abs(change)
            what = (
                f"{target.label} +{span:g} years"
                if target.is_delay
                else f"{target.label} ±{span:.0%}"
            )
            tornado.append((what, lo, hi))
        units[test.name] = unit
        rows.append((test.name, change, enpv, eirr, si, sv))
    table = pd.DataFrame(rows, columns=list(_TABLE_COLUMNS))
    tor = pd.DataFrame(tornado, columns=["variable", "enpv_low", "enpv_high"])
    if len(tor):
        width = (tor["enpv_high"] - tor["enpv_low"]).abs()
        tor = tor.iloc[np.argsort(-width.to_numpy(), kind="stable")].reset_index(drop=True)
    return SensitivityResult(table, tor, units, reasons, carbon)


def parse_sensitivity_tests(
    section: Mapping[str, Any] | None, streams: EconomicStreams
) -> list[SensitivityTest]:
    """The tests a case's ``[sensitivity]`` section asks for (validated mapping).

    The ADB standard tests come first unless ``standard = false``; then each
    ``[[sensitivity.tests]]``. Raises :class:`UncertaintyInputError` naming the
    key path of each unknown variable or component and each test without a change.
    """
    section = section or {}
    tests: list[SensitivityTest] = list(ADB_STANDARD_TESTS) if section.get("standard", True) else []
    problems: list[Problem] = []
    for i, t in enumerate(section.get("tests", [])):
        path = f"sensitivity.tests[{i}]"
        comp = t.get("component", "")
        changes: list[tuple[Target, float]] = []
        for var in SCALE_VARIABLES:
            if t.get(var, 0.0):
                changes.append((Target(var, comp), float(t[var])))
        for name, c in t.get("streams", {}).items():
            target = Target(name, comp)
            problems += _target_problems(target, streams, f"{path}.streams.{name}")
            if c:
                changes.append((target, float(c)))
        if t.get("delay_years", 0.0):
            changes.append((Target(DELAY, comp), float(t["delay_years"])))
        if comp:
            problems += _target_problems(Target("capital", comp), streams, f"{path}.component")
        if not changes:
            problems.append(Problem(path, "changes nothing; give at least one non-zero change"))
        if any(x.name == t["name"] for x in tests):
            problems.append(Problem(f"{path}.name", f"{t['name']!r} is already a test name"))
        tests.append(SensitivityTest(t["name"], tuple(changes)))
    if problems:
        raise UncertaintyInputError(problems)
    return tests


# ------------------------------------------------------------------ Monte Carlo
_PARAMS: Final = {
    "triangular": ("min", "mode", "max"),
    "pert": ("min", "mode", "max"),
    "normal": ("mean", "sd"),
    "lognormal": ("mean", "sd"),
    "uniform": ("min", "max"),
}


@dataclass(frozen=True)
class RiskVariable:
    """An uncertain input: a target, its distribution and the distribution's parameters.

    Parameters are multipliers of the appraised value (1 = as appraised) for a
    scaled variable, years for a delay. ``lognormal``'s ``mean`` and ``sd`` are
    those of the multiplier itself, not of its logarithm.
    """

    target: Target
    distribution: str
    params: Mapping[str, float]
    source: str = ""

    @property
    def label(self) -> str:
        return self.target.label

    def problems(self, path: str = "") -> list[Problem]:
        """What is wrong with the parameters (empty when they are usable)."""
        p = self.params
        pre = f"{path}." if path else ""
        out = []
        if self.distribution not in _PARAMS:
            return [Problem(f"{pre}distribution", f"unknown distribution {self.distribution!r}")]
        missing = [k for k in _PARAMS[self.distribution] if k not in p]
        if missing:
            need = ", ".join(_PARAMS[self.distribution])
            return [
                Problem(
                    f"{pre}{missing[0]}",
                    f"is missing; a {self.distribution} distribution needs {need}",
                )
            ]
        if "min" in _PARAMS[self.distribution]:
            mode = p.get("mode", p["min"])
            if not p["min"] <= mode <= p["max"]:
                out.append(Problem(f"{pre}min", "expected min <= mode <= max"))
        if "sd" in _PARAMS[self.distribution] and p["sd"] < 0:
            out.append(Problem(f"{pre}sd", f"{p['sd']:g} is negative; expected sd >= 0"))
        if self.distribution == "lognormal" and p["mean"] <= 0:
            out.append(Problem(f"{pre}mean", "a lognormal multiplier needs mean > 0"))
        if self.target.is_delay:
            if self.distribution == "normal":
                out.append(
                    Problem(
                        f"{pre}distribution",
                        "a delay cannot be negative: use triangular, pert, uniform or lognormal",
                    )
                )
            elif "min" in p and p["min"] < 0:
                out.append(Problem(f"{pre}min", "a delay cannot be negative; expected min >= 0"))
        return out

    def ppf(self, z: FloatArray) -> FloatArray:
        """Values at standard-normal scores ``z`` (the copula's): F^-1(Phi(z))."""
        p = self.params
        d = self.distribution
        if d == "normal":
            return np.asarray(p["mean"] + p["sd"] * z, dtype=np.float64)
        if d == "lognormal":
            m, s = p["mean"], p["sd"]
            sigma2 = math.log1p((s / m) ** 2)
            return np.asarray(
                np.exp(math.log(m) - 0.5 * sigma2 + math.sqrt(sigma2) * z), dtype=np.float64
            )
        u = special.ndtr(z)
        lo, hi = p["min"], p["max"]
        if d == "uniform":
            return np.asarray(lo + (hi - lo) * u, dtype=np.float64)
        if hi == lo:
            return np.full(z.shape, float(lo))
        mode = p["mode"]
        if d == "triangular":
            c = (mode - lo) / (hi - lo)
            left = lo + np.sqrt(u * (hi - lo) * (mode - lo))
            right = hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - mode))
            return np.asarray(np.where(u < c, left, right), dtype=np.float64)
        # PERT (Vose 2008, lambda = 4): Beta(a, b) scaled to [min, max].
        a = 1.0 + 4.0 * (mode - lo) / (hi - lo)
        b = 1.0 + 4.0 * (hi - mode) / (hi - lo)
        x, cdf = _beta_table(a, b)
        return np.asarray(lo + (hi - lo) * _interp_cdf(u, cdf, x), dtype=np.float64)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.label,
            "name": self.target.variable,
            "component": self.target.component,
            "distribution": self.distribution,
            **{k: float(self.params[k]) for k in _PARAMS[self.distribution]},
            "source": self.source,
        }


_BETA_CACHE: dict[tuple[float, float], tuple[FloatArray, FloatArray]] = {}
# Buckets of [0, 1] (a power of 2, so u x buckets is exact) that locate u in a PERT
# table without a binary search: about 97% of buckets hold at most one table point.
_BUCKETS: Final = 2**17
_BUCKET_CACHE: dict[int, tuple[FloatArray, npt.NDArray[np.intp]]] = {}


def _bucket_start(cdf: FloatArray) -> npt.NDArray[np.intp]:
    """Per bucket b of [b/B, (b+1)/B): the index j of the last ``cdf[j] <= b/B`` when the
    bucket holds at most one table point (then every u in it has j or j + 1), else -1."""
    hit = _BUCKET_CACHE.get(id(cdf))
    if hit is not None and hit[0] is cdf:
        return hit[1]
    edges = np.arange(_BUCKETS + 1, dtype=np.float64) / _BUCKETS
    first = np.searchsorted(cdf, edges, side="right") - 1
    last = np.searchsorted(cdf, edges[1:], side="left") - 1
    start = np.full(_BUCKETS + 1, -1, dtype=np.intp)  # the last, u = 1: left to np.interp
    one = last - first[:-1] <= 1
    start[:-1][one] = first[:-1][one]
    _BUCKET_CACHE[id(cdf)] = (cdf, start)
    return start


def _interp_cdf(u: FloatArray, cdf: FloatArray, x: FloatArray) -> FloatArray:
    """``np.interp(u, cdf, x)`` bit for bit, for ``u`` in [0, 1] and a tabulated CDF.

    numpy finds each u's interval by a binary search (16 cache-missing steps in a
    65,537-point table); here a bucket table gives it in one look-up and a comparison,
    and the value is numpy's own formula, ``slope * (u - cdf[j]) + x[j]`` with
    ``slope = (x[j+1] - x[j]) / (cdf[j+1] - cdf[j])``, ``x[j]`` where ``u == cdf[j]``.
    Values in a crowded bucket, outside [0, 1), or whose formula gives NaN are left to
    ``np.interp``.
    """
    start = _bucket_start(cdf)
    with np.errstate(invalid="ignore"):
        scaled = u * _BUCKETS
        inside = (scaled >= 0.0) & (scaled < _BUCKETS)  # NaN: outside
    j = start.take(np.where(inside, scaled, _BUCKETS).astype(np.intp))
    fast = j >= 0
    np.maximum(j, 0, out=j)
    j += u >= cdf.take(j + 1)
    c0, x0 = cdf.take(j), x.take(j)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        slope = (x.take(j + 1) - x0) / (cdf.take(j + 1) - c0)
        out = slope * (u - c0) + x0
    np.copyto(out, x0, where=c0 == u)
    fast &= ~np.isnan(out)
    if not fast.all():
        rest = np.flatnonzero(~fast)
        out[rest] = np.interp(u[rest], cdf, x)
    return out


def _beta_table(a: float, b: float) -> tuple[FloatArray, FloatArray]:
    """(x, CDF(x)) of Beta(a, b) on a grid dense at both ends, for inverse interpolation."""
    key = (a, b)
    if key not in _BETA_CACHE:
        s = np.linspace(0.0, 1.0, _PERT_TABLE)
        x = 0.5 * (1.0 - np.cos(np.pi * s))
        cdf = special.betainc(a, b, x)
        cdf[0], cdf[-1] = 0.0, 1.0
        _BETA_CACHE[key] = (x, np.maximum.accumulate(cdf))
    return _BETA_CACHE[key]


@dataclass(frozen=True)
class Correlation:
    """A rank (Spearman) correlation between two risk variables, by label."""

    first: str
    second: str
    rank_correlation: float


def _copula_factor(labels: Sequence[str], correlations: Sequence[Correlation]) -> FloatArray:
    """L with L L^T = the normal copula's correlation matrix.

    A Spearman rank correlation rho_s maps to the normal correlation
    rho = 2 sin(pi rho_s / 6) (Pearson 1907; Kruskal 1958), which the Gaussian copula
    turns back into rank correlation rho_s exactly. Factored by eigen-decomposition so
    that a singular matrix (rho = +-1) works; an indefinite one is refused.
    """
    k = len(labels)
    corr = np.eye(k)
    index = {lab: i for i, lab in enumerate(labels)}
    for c in correlations:
        i, j = index[c.first], index[c.second]
        rho = 2.0 * math.sin(math.pi * c.rank_correlation / 6.0)
        corr[i, j] = corr[j, i] = rho
    if k == 0 or not correlations:
        return corr
    w, v = np.linalg.eigh(corr)
    if w.min() < -1e-10:
        raise ValueError(
            "the rank correlations are not consistent (the correlation matrix is not "
            f"positive semi-definite; smallest eigenvalue {w.min():.3g})"
        )
    factor: FloatArray = v * np.sqrt(np.clip(w, 0.0, None))
    return factor


def sample(
    variables: Sequence[RiskVariable],
    correlations: Sequence[Correlation] = (),
    *,
    draws: int,
    seed: int,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[FloatArray]:
    """Draws of the uncertain inputs, chunk by chunk, through a Gaussian copula.

    Parameters
    ----------
    variables
        The uncertain inputs.
    correlations
        Rank correlations between pairs of them (by :attr:`RiskVariable.label`).
    draws
        Number of draws [count].
    seed
        Seed of numpy's PCG64 generator: the same seed gives the same draws, whatever
        ``chunk_size`` is (the normal scores are drawn row by row in order).
    chunk_size
        Draws per chunk [count].

    Yields
    ------
    ndarray, shape (chunk, len(variables))
        One column per variable, in its unit (multiplier or years).
    """
    labels = [v.label for v in variables]
    factor = _copula_factor(labels, correlations)
    rng = np.random.default_rng(seed)
    k = len(variables)
    for start in range(0, draws, chunk_size):
        n = min(chunk_size, draws - start)
        z = rng.standard_normal((n, k))
        if correlations:
            # einsum, not BLAS: OpenBLAS threads left spinning after a call take a 2-core
            # machine's second core from the rest of the loop (measured: 2x slower)
            z = np.einsum("ij,kj->ik", z, factor)
        out = np.empty((n, k))
        for j, var in enumerate(variables):
            out[:, j] = var.ppf(z[:, j])
        yield out


def parse_risk(
    section: Mapping[str, Any] | None, streams: EconomicStreams
) -> tuple[list[RiskVariable], list[Correlation]]:
    """The uncertain inputs and correlations of a case's ``[risk]`` section.

    Raises :class:`UncertaintyInputError` naming the key path of each problem.
    """
    section = section or {}
    problems: list[Problem] = []
    variables: list[RiskVariable] = []
    for i, v in enumerate(section.get("variables", [])):
        path = f"risk.variables[{i}]"
        target = Target(v["name"], v.get("component", ""))
        params = {k: float(v[k]) for k in ("min", "mode", "max", "mean", "sd") if k in v}
        var = RiskVariable(target, v["distribution"], params, v.get("source", ""))
        problems += _target_problems(target, streams, f"{path}.name")
        problems += var.problems(path)
        if any(x.label == var.label for x in variables):
            problems.append(Problem(f"{path}.name", f"{var.label!r} is declared twice"))
        variables.append(var)
    labels = {v.label for v in variables}
    correlations: list[Correlation] = []
    for i, c in enumerate(section.get("correlations", [])):
        path = f"risk.correlations[{i}]"
        for key in ("first", "second"):
            if c[key] not in labels:
                known = ", ".join(sorted(labels)) or "none declared"
                problems.append(
                    Problem(f"{path}.{key}", f"{c[key]!r} is not a risk variable ({known})")
                )
        if c["first"] == c["second"]:
            problems.append(Problem(f"{path}.second", "a variable cannot correlate with itself"))
        correlations.append(Correlation(c["first"], c["second"], float(c["rank_correlation"])))
    if not problems and correlations:
        try:
            _copula_factor([v.label for v in variables], correlations)
        except ValueError as exc:
            problems.append(Problem("risk.correlations", str(exc)))
    if problems:
        raise UncertaintyInputError(problems)
    return variables, correlations


@dataclass
class RiskResult:
    """Monte Carlo risk analysis of the ENPV and EIRR.

    Attributes
    ----------
    summary
        The JSON ``risk`` block (see ``docs/uncertainty.md``).
    histogram
        Headline ENPV: ``bin_start``, ``bin_end`` [money], ``count`` [draws].
    s_curve
        Headline ENPV quantiles: ``enpv`` [money] at ``cumulative_probability``
        0, 0.01, ..., 1.
    eirr_histogram
        EIRR of the draws that have one: ``bin_start``, ``bin_end`` [decimal],
        ``count`` [draws].
    histogram_without_carbon, s_curve_without_carbon
        The same for the ENPV without the carbon value.
    """

    summary: dict[str, Any]
    histogram: pd.DataFrame
    s_curve: pd.DataFrame
    eirr_histogram: pd.DataFrame
    histogram_without_carbon: pd.DataFrame
    s_curve_without_carbon: pd.DataFrame


def _histogram(x: FloatArray, bins: int) -> pd.DataFrame:
    x = x[np.isfinite(x)]
    if x.size == 0:
        return pd.DataFrame({"bin_start": [], "bin_end": [], "count": []})
    lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        lo, hi = lo - 0.5 * max(abs(lo), 1e-9), hi + 0.5 * max(abs(hi), 1e-9)
    counts, edges = np.histogram(x, bins=bins, range=(lo, hi))
    return pd.DataFrame(
        {"bin_start": edges[:-1], "bin_end": edges[1:], "count": counts.astype(np.int64)}
    )


_LEVELS: Final = np.arange(101) / 100.0  # S-curve probabilities; 5, 50, 95 give the percentiles


def _stats(
    prefix: str, enpv: FloatArray, eirr: FloatArray, no_sign: int, suffix: str = ""
) -> tuple[dict[str, Any], pd.DataFrame]:
    """The summary figures of one ENPV/EIRR pair, and the ENPV S-curve."""
    out: dict[str, Any] = {f"p_enpv_negative{suffix}": float(np.mean(enpv < 0.0))}
    out[f"enpv{prefix}_mean"] = float(np.mean(enpv))
    # Quantiles of a sorted copy: the same order statistics, so the same figures, but
    # numpy's partition for 101 levels costs about three times a sort (measured).
    curve = np.quantile(np.sort(enpv), _LEVELS)  # the S-curve and the percentiles
    for q in (5, 50, 95):
        out[f"enpv{prefix}_p{q}"] = float(curve[q])
    ok = eirr[np.isfinite(eirr)]
    pct = np.quantile(ok, [0.05, 0.5, 0.95]) if ok.size else [None] * 3
    for q, v in zip((5, 50, 95), pct, strict=True):
        out[f"eirr{prefix}_p{q}"] = None if v is None else float(v)
    undefined = int(eirr.size - ok.size)
    out[f"eirr{prefix}_undefined_draws"] = undefined
    out[f"eirr{prefix}_undefined_no_sign_change"] = no_sign
    out[f"eirr{prefix}_undefined_other"] = undefined - no_sign
    return out, pd.DataFrame({"enpv": curve, "cumulative_probability": _LEVELS})


def monte_carlo(
    streams: EconomicStreams,
    variables: Sequence[RiskVariable],
    correlations: Sequence[Correlation] = (),
    *,
    draws: int,
    seed: int,
    chunk_size: int = CHUNK_SIZE,
    bins: int = 50,
    progress: Callable[[int, int], None] | None = None,
) -> RiskResult:
    """Monte Carlo risk analysis: the distribution of ENPV and EIRR, with and without carbon.

    Parameters
    ----------
    streams
        From :func:`economic_streams`.
    variables, correlations
        The uncertain inputs and their rank correlations (see :func:`sample`).
    draws
        Number of draws [count].
    seed
        Random seed: the same seed and inputs give the same result.
    chunk_size
        Draws evaluated at once; bounds memory. The draws do not depend on it; the
        figures only to rounding (about 1e-15 relative).
    bins
        Histogram bins.
    progress
        Called as ``progress(done, draws)`` after each chunk.

    Returns
    -------
    RiskResult

    Notes
    -----
    Each draw's net stream is built from the atoms (no re-run of the appraisal);
    its ENPV is the stream times the discount factors and its EIRR comes from the
    vectorised :func:`appraisal.finance.irr` (NaN when a stream has no IRR or
    several: those draws are counted, split into "no sign change" and "other", and
    the EIRR percentiles are over the draws that have one). Percentiles use numpy's
    linear interpolation. ``p_enpv_negative`` is the share of draws with ENPV < 0,
    which is the share with EIRR below the discount rate for conventional streams.
    Only the four per-draw figures are kept (32 bytes a draw). Each chunk is solved
    in blocks of 8,192 draws (the blocks :func:`~appraisal.finance.irr` uses) shared
    by two threads; a block's figures do not depend on which thread or order.
    """
    if isinstance(draws, bool) or int(draws) != draws or draws < 1:
        raise ValueError(f"draws must be a positive whole number (got {draws!r})")
    draws = int(draws)
    model = _Model(streams, [v.target for v in variables])
    df = streams.discount_factors
    head = streams.carbon_in_eirr
    enpv_0 = np.empty(draws)
    eirr_0 = np.empty(draws)
    # with carbon only when it is the headline (else the headline is without carbon)
    enpv_c = np.empty(draws) if head else enpv_0
    eirr_c = np.empty(draws) if head else eirr_0
    no_sign = [0, 0]
    done = 0
    # Streams are built and solved a block at a time, the blocks :func:`irr` itself
    # would cut the chunk into (so every figure is as for the whole chunk): a block's
    # streams stay in cache from their construction to their EIRR.
    block = min(chunk_size, _IRR_BLOCK)

    def solve(x: FloatArray, first: int) -> tuple[int, int]:
        """ENPV and EIRR of draws ``first, first + 1, ...`` (rows of ``x``); counts."""
        sl = slice(first, first + x.shape[0])
        net0, carbon_value = model.parts(x)
        pairs = [(enpv_0, eirr_0, net0)]
        if head:
            carbon_value += net0  # the net stream with carbon, in place
            pairs.append((enpv_c, eirr_c, carbon_value))
        counts = [0, 0]
        for j, (enpv, eirr, net) in enumerate(pairs):
            enpv[sl] = np.einsum("ij,j->i", net, df)  # not BLAS: see sample()
            r = np.asarray(irr(net, chunk_size=block), dtype=np.float64)
            eirr[sl] = r
            bad = ~np.isfinite(r)
            if bad.any():
                nb = net[bad]
                counts[j] = int(np.count_nonzero((nb >= 0).all(axis=1) | (nb <= 0).all(axis=1)))
        return counts[0], counts[1]

    # Blocks are independent and write disjoint slices: two threads share them (numpy
    # releases the GIL in its loops), and every figure is as computed in one thread.
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        for x in sample(variables, correlations, draws=draws, seed=seed, chunk_size=chunk_size):
            n = x.shape[0]
            jobs = [pool.submit(solve, x[s : s + block], done + s) for s in range(0, n, block)]
            for job in jobs:
                a, b = job.result()
                no_sign[0] += a
                no_sign[1] += b
            done += n
            if progress is not None:
                progress(done, draws)
    h_enpv, h_eirr, h_ns = (enpv_c, eirr_c, no_sign[1]) if head else (enpv_0, eirr_0, no_sign[0])
    summary: dict[str, Any] = {"draws": draws, "seed": seed, "hurdle_rate": streams.discount_rate}
    summary["headline_with_carbon"] = head
    head_stats, head_curve = _stats("", h_enpv, h_eirr, h_ns)
    summary |= head_stats
    stats_0, curve_0 = _stats("_without_carbon", enpv_0, eirr_0, no_sign[0], "_without_carbon")
    summary |= stats_0
    summary["variables"] = [v.as_dict() for v in variables]
    summary["correlations"] = [
        {"first": c.first, "second": c.second, "rank_correlation": c.rank_correlation}
        for c in correlations
    ]
    ok = h_eirr[np.isfinite(h_eirr)]
    return RiskResult(
        summary=summary,
        histogram=_histogram(h_enpv, bins),
        s_curve=head_curve,
        eirr_histogram=_histogram(ok, bins),
        histogram_without_carbon=_histogram(enpv_0, bins),
        s_curve_without_carbon=curve_0,
    )
