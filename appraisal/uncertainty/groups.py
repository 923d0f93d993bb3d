"""Atoms grouped by the targets acting on them: the scenarios' net streams as arrays.

:class:`GroupModel` sums the atoms that every scenario treats alike, so that the
net stream of many scenarios (sensitivity tests, Monte Carlo draws) is a few
array operations; :func:`scenario_net` and :func:`scenario_enpv` use it for one
set of targets. Scaling and the continuous delay are defined in
:mod:`appraisal.uncertainty`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from appraisal.uncertainty.streams import EconomicStreams, FloatArray, Target

__all__ = ["GroupModel", "scenario_enpv", "scenario_net"]


class GroupModel:
    """Atoms grouped by the targets that act on them, for vectorised scenarios.

    Atoms acted on by the same scale targets and the same delay targets, and of
    the same sign and carbon-ness, are summed once: a scenario then costs a few
    rows, not one per atom. The Sensitivity sheet writes one row per group (its
    :attr:`labels` and :attr:`signed` flows) and builds each test's net flow
    from them.

    Parameters
    ----------
    streams
        From :func:`~appraisal.uncertainty.economic_streams`.
    targets
        What the scenarios act on; a scenario gives one value per target.

    Attributes
    ----------
    streams, targets
        As given (``targets`` as a tuple).
    n_years
        Number of years [count].
    signed
        Shape (groups, years): each group's atoms summed, costs negative
        [money per year, economic prices].
    scale_sets, delay_sets
        Per group, the indices (into :attr:`targets`) of the scale targets and of
        the delay targets that act on it.
    carbon
        Per group, whether it is the carbon value [bool array].
    signs
        Per group, -1.0 for costs and +1.0 for benefits and the carbon value.
    atom_groups
        Per atom of ``streams``, the index of the group it is summed into.

    Examples
    --------
    >>> import numpy as np
    >>> from appraisal.uncertainty import Atom, EconomicStreams, Target
    >>> s = EconomicStreams((Atom("capital", "a"), Atom("operating", "a"),
    ...     Atom("benefit", "a", "b")), np.array([[100.0, 0.0], [5.0, 5.0], [0.0, 60.0]]),
    ...     (2021, 2022), 0.10, False, True)
    >>> m = GroupModel(s, [Target("capital")])
    >>> m.atom_groups, m.signed.tolist()
    ((0, 1, 2), [[-100.0, 0.0], [-5.0, -5.0], [0.0, 60.0]])
    >>> m.labels
    ('capital [costs (negative); tested: capital]', 'O&M [costs (negative)]', 'benefit [benefits]')
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
        signs: list[float] = []
        atom_groups: list[int] = []
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
                signs.append(atom.sign)
            group_rows[keys[key]] = group_rows[keys[key]] + atom.sign * row
            atom_groups.append(keys[key])
        self.signed = np.vstack(group_rows) if group_rows else np.zeros((0, self.n_years))
        self.scale_sets = tuple(scale_sets)
        self.delay_sets = tuple(delay_sets)
        self.carbon = np.array(carbon, dtype=bool)
        self.signs = tuple(signs)
        self.atom_groups = tuple(atom_groups)
        self._tables = {g: self._shift_table(g) for g, d in enumerate(delay_sets) if d}
        self._tables_t = {g: np.ascontiguousarray(a.T) for g, a in self._tables.items()}

    @property
    def labels(self) -> tuple[str, ...]:
        """Per group, what it holds: ``"capital, O&M [costs (negative); tested: capital]"``.

        The kinds of its atoms that have a non-zero flow (``capital``, ``O&M``,
        ``benefit``, ``carbon value``; "(zero)" when none), whether they are costs
        or benefits, and the labels of the targets acting on it.
        """
        return tuple(self._label(g) for g in range(len(self.scale_sets)))

    def _label(self, g: int) -> str:
        pairs = zip(self.streams.atoms, self.streams.values, self.atom_groups, strict=True)
        kinds = {
            ("carbon value" if a.kind == "carbon" else a.kind)
            for a, row, k in pairs
            if k == g and np.any(row)
        }
        label = ", ".join(k.replace("operating", "O&M") for k in sorted(kinds)) or "(zero)"
        touched = [self.targets[i].label for i in (*self.scale_sets[g], *self.delay_sets[g])]
        sign = "costs (negative)" if self.signs[g] < 0 else "benefits"
        extra = f"; tested: {', '.join(touched)}" if touched else ""
        return f"{label} [{sign}{extra}]"

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

    def parts(
        self, values: FloatArray, out: FloatArray | None = None, *, columns: bool = False
    ) -> tuple[FloatArray, FloatArray]:
        """(n, years) net stream without carbon, and the carbon value, of each scenario.

        ``values`` is (n, targets): a multiplier for a scale target, years for a
        delay target. An undelayed group adds its multiplier times its stream; a
        group delayed ``k + f`` years adds ``(1 - f)`` times row ``k`` and ``f`` times
        row ``k + 1`` of its shift table (rows ``T`` and ``T + 1`` are zero: the
        stream is shifted out of the horizon).

        ``out``, shape (3, n, years), is optional working memory: the two parts are
        written into ``out[0]`` and ``out[1]`` (and returned), ``out[2]`` is scratch.
        A Monte Carlo thread reuses one for every block of draws: the same figures,
        without fresh memory (and its page faults) per block.

        ``columns``: the parts are (years, n), ``out`` (3, years, n), the same values
        (every figure is the same products and sums, in the same order); numpy's loops
        then run along the draws rather than along 25-odd years, several times faster
        for the products.
        """
        values = np.asarray(values, dtype=np.float64)
        n = values.shape[0]
        t = self.n_years
        mult = self.multipliers(values)
        delays: dict[tuple[int, ...], tuple[FloatArray, FloatArray, npt.NDArray[np.intp]]] = {}
        if out is None:
            out = np.empty((3, t, n) if columns else (3, n, t))
        tables = self._tables_t if columns else self._tables
        term = out[2]
        for part, use in zip(out[:2], (~self.carbon, self.carbon), strict=True):
            first = True  # the first term is written into ``part``, the others added
            for g in map(int, np.flatnonzero(use)):
                key = self.delay_sets[g]
                if not key:
                    first = _accumulate(part, term, first, mult[:, g], self.signed[g], columns)
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
                table = tables[g]
                first = _accumulate(part, term, first, mult[:, g] * keep, table, columns, k)
                if frac.any():
                    w = mult[:, g] * frac
                    first = _accumulate(part, term, first, w, table, columns, k + 1)
            if first:
                part.fill(0.0)
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
    columns: bool = False,
    gather: npt.NDArray[np.intp] | None = None,
) -> bool:
    """``part (+)= weight[:, None] * rows`` (or ``* rows[gather]``), with no temporary.

    The first term is written straight into ``part``; later ones go through ``term``.
    With ``columns``, ``part`` is the transpose, (years, n), and ``rows`` too when
    ``gather`` is given (the shift table's transpose). Returns False (the next term
    is not the first).
    """
    dst = part if first else term
    axis = 1 if columns else 0
    w = weight[None, :] if columns else weight[:, None]
    if gather is None:
        np.multiply(w, rows[:, None] if columns else rows, out=dst)
    else:
        # "clip" never clips (shifts run 0..T+1, the table's rows) but, unlike "raise",
        # takes straight into ``dst`` with no buffer
        np.take(rows, gather, axis=axis, out=dst, mode="clip")
        dst *= w
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
    out = GroupModel(streams, targets).net(v2, carbon=with_carbon)
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
