"""ADB's sensitivity tests: ENPV, EIRR, sensitivity indicators and switching values.

:func:`parse_sensitivity_tests` reads a case's ``[sensitivity]`` section into
:class:`SensitivityTest` rows (ADB's standard tests first); :func:`sensitivity`
computes the bank's table and the tornado data (see ``docs/uncertainty.md``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from appraisal.finance import irr_detail
from appraisal.schema import Problem
from appraisal.uncertainty.brent import brentq
from appraisal.uncertainty.groups import GroupModel, scenario_enpv, scenario_net
from appraisal.uncertainty.streams import (
    DELAY,
    SCALE_VARIABLES,
    EconomicStreams,
    FloatArray,
    Target,
    UncertaintyInputError,
    _target_problems,
)

__all__ = [
    "ADB_STANDARD_TESTS",
    "SensitivityResult",
    "SensitivityTest",
    "parse_sensitivity_tests",
    "sensitivity",
]


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
"""ADB's standard tests (``docs/methods.md``, sensitivity): each, and all four together."""

_TABLE_COLUMNS: Final = (
    "test",
    "change",
    "enpv",
    "eirr",
    "sensitivity_indicator",
    "switching_value",
)


@dataclass(frozen=True)
class SensitivityResult:
    """ADB's sensitivity table and tornado-chart data, with what they were computed from.

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
    streams
        The economic streams the tests acted on (:func:`economic_streams`).
    tests
        The tests, in table order (the rows after "base").
    targets
        Every target the tests change: each test's targets in turn, first seen
        first (the order of the Sensitivity sheet's change columns).
    groups
        The streams grouped over :attr:`targets` (:class:`GroupModel`): the
        yearly flows the tests act on, one row per group, with their labels.
    flows
        The headline net economic flow of the base and of each test, built from
        :attr:`groups` (index ``test``, as :attr:`table`; one column per year)
        [money per year]. Equal to the flows behind :attr:`table`'s ENPV and EIRR
        up to rounding (those sum only the test's own groups).
    """

    table: pd.DataFrame
    tornado: pd.DataFrame
    units: dict[str, str] = field(default_factory=dict)
    eirr_reasons: dict[str, str] = field(default_factory=dict)
    headline_with_carbon: bool = True
    _: KW_ONLY
    streams: EconomicStreams
    tests: tuple[SensitivityTest, ...]
    targets: tuple[Target, ...]
    groups: GroupModel
    flows: pd.DataFrame

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
    model = GroupModel(streams, [target])

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

    root: float = brentq(scalar, grid[k], grid[k + 1], xtol=1e-15, rtol=1e-15)
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

    (``docs/methods.md``, sensitivity: SV = 100 / SI in percent, ENPV_0 / PV of the variable;
    here signed, so a cost's SV is a rise and a benefit's a fall). A delay is not
    linear: its SV is the delay in years where ENPV = 0, root-found by Brent's
    method (``appraisal.uncertainty.brent.brentq``, step for step SciPy's
    ``brentq``) on the continuous delay defined in the module notes; its SI is
    left NaN (the indicator is defined for % changes). Combinations have neither.

    Examples
    --------
    >>> import numpy as np
    >>> from appraisal.uncertainty import Atom, EconomicStreams, SensitivityTest, Target
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
    all_targets = _targets_of(tests)
    groups = GroupModel(streams, all_targets)
    return SensitivityResult(
        table,
        tor,
        units,
        reasons,
        carbon,
        streams=streams,
        tests=tuple(tests),
        targets=all_targets,
        groups=groups,
        flows=_scenario_flows(groups, tests),
    )


def _targets_of(tests: Sequence[SensitivityTest]) -> tuple[Target, ...]:
    """Every target the tests change: each test's in turn, first seen first."""
    targets: list[Target] = []
    for test in tests:
        for t, _ in test.changes:
            if t not in targets:
                targets.append(t)
    return tuple(targets)


def _scenario_flows(groups: GroupModel, tests: Sequence[SensitivityTest]) -> pd.DataFrame:
    """Headline net flow by year of the base and of each test, over ``groups``.

    Each scenario sets every target of ``groups``: its test's change where it has
    one, else none (multiplier 1, no delay).
    """
    streams = groups.streams
    targets = list(groups.targets)
    rows: list[FloatArray] = []
    for test in (None, *tests):
        vals = np.zeros(len(targets))
        for i, t in enumerate(targets):
            vals[i] = 0.0 if t.is_delay else 1.0
        if test is not None:
            for t, c in test.changes:
                i = targets.index(t)
                vals[i] = c if t.is_delay else 1.0 + c
        without, carbon_value = groups.parts(vals[None, :])
        rows.append((without + carbon_value)[0] if streams.carbon_in_eirr else without[0])
    return pd.DataFrame(
        np.vstack(rows),
        index=pd.Index(["base", *(t.name for t in tests)], name="test"),
        columns=pd.Index(list(streams.years), name="year"),
    )


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
