"""The uncertain inputs: their distributions, and their rank correlations.

A :class:`RiskVariable` is a :class:`~appraisal.uncertainty.Target` with a
distribution (:data:`DISTRIBUTIONS`) whose inverse CDF (:meth:`RiskVariable.ppf`)
turns the Gaussian copula's normal scores into draws; a :class:`Correlation` is a
Spearman rank correlation between two of them (see ``docs/uncertainty.md``).
PERT's inverse CDF is interpolated in a tabulated Beta CDF, kept in a bounded cache.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt

from appraisal.schema import Problem
from appraisal.uncertainty.streams import FloatArray, Target

__all__ = ["DISTRIBUTIONS", "Correlation", "RiskVariable"]

DISTRIBUTIONS: Final = ("triangular", "pert", "normal", "lognormal", "uniform")
# PERT's inverse CDF is tabulated on this many points, spaced densely at both ends
# (x = (1 - cos(pi s)) / 2); linear interpolation keeps the error below 1e-8 of the
# range (tested against scipy.stats.beta.ppf), at a fraction of betaincinv's cost.
_PERT_TABLE: Final = 65537

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
        from scipy import special  # imported here: `import appraisal` stays light

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
        table = _pert_table(a, b)
        inverse = _interp_cdf(u, table.cdf, table.x, table.start, table.slope)
        return np.asarray(lo + (hi - lo) * inverse, dtype=np.float64)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.label,
            "name": self.target.variable,
            "component": self.target.component,
            "distribution": self.distribution,
            **{k: float(self.params[k]) for k in _PARAMS[self.distribution]},
            "source": self.source,
        }


# Buckets of [0, 1] (a power of 2, so u x buckets is exact) that locate u in a PERT
# table without a binary search: about 97% of buckets hold at most one table point.
_BUCKETS: Final = 2**17
# PERT tables kept (least recently used dropped first): each is about 2.5 MB (x, CDF and
# slopes, 65,537 doubles each, and the bucket starts, 131,073 indices), so the cache
# stays under ~40 MB in a long-lived worker however many cases it runs. A case has a few
# PERT inputs; a dropped table is rebuilt identically when next needed.
_TABLES_KEPT: Final = 16


class _PertTable(NamedTuple):
    """Beta(a, b)'s CDF tabulated for inverse interpolation (read-only arrays)."""

    x: FloatArray
    cdf: FloatArray
    start: npt.NDArray[np.intp]
    slope: FloatArray


def _bucket_start(cdf: FloatArray) -> npt.NDArray[np.intp]:
    """Per bucket b of [b/B, (b+1)/B): the index j of the last ``cdf[j] <= b/B`` when the
    bucket holds at most one table point (then every u in it has j or j + 1), else -1."""
    edges = np.arange(_BUCKETS + 1, dtype=np.float64) / _BUCKETS
    first = np.searchsorted(cdf, edges, side="right") - 1
    last = np.searchsorted(cdf, edges[1:], side="left") - 1
    start = np.full(_BUCKETS + 1, -1, dtype=np.intp)  # the last, u = 1: left to np.interp
    one = last - first[:-1] <= 1
    start[:-1][one] = first[:-1][one]
    return start


def _slopes(cdf: FloatArray, x: FloatArray) -> FloatArray:
    """Per interval j of the table, ``(x[j+1] - x[j]) / (cdf[j+1] - cdf[j])`` as numpy's
    ``interp`` computes it (inf or NaN where the CDF is flat); one more, NaN, at the end."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.append(np.diff(x) / np.diff(cdf), np.nan)


def _interp_cdf(
    u: FloatArray,
    cdf: FloatArray,
    x: FloatArray,
    start: npt.NDArray[np.intp] | None = None,
    slope: FloatArray | None = None,
) -> FloatArray:
    """``np.interp(u, cdf, x)`` bit for bit, for ``u`` in [0, 1] and a tabulated CDF.

    numpy finds each u's interval by a binary search (16 cache-missing steps in a
    65,537-point table); here a bucket table gives it in one look-up and a comparison,
    and the value is numpy's own formula, ``slope * (u - cdf[j]) + x[j]`` with
    ``slope = (x[j+1] - x[j]) / (cdf[j+1] - cdf[j])`` (the same operands, so the same
    value, whether computed per value or once per interval), ``x[j]`` where
    ``u == cdf[j]``. Values in a crowded bucket, outside [0, 1), or whose formula gives
    NaN are left to ``np.interp``. ``start`` is :func:`_bucket_start` of ``cdf`` and
    ``slope`` :func:`_slopes` of the table (each computed when None).
    """
    if start is None:
        start = _bucket_start(cdf)
    if slope is None:
        slope = _slopes(cdf, x)
    with np.errstate(invalid="ignore"):
        scaled = u * _BUCKETS
        inside = (scaled >= 0.0) & (scaled < _BUCKETS)  # NaN: outside
    j = start.take(np.where(inside, scaled, _BUCKETS).astype(np.intp))
    fast = j >= 0
    np.maximum(j, 0, out=j)
    j += u >= cdf.take(j + 1)
    c0, x0 = cdf.take(j), x.take(j)
    with np.errstate(invalid="ignore", over="ignore"):
        out = slope.take(j) * (u - c0) + x0
    np.copyto(out, x0, where=c0 == u)
    fast &= ~np.isnan(out)
    if not fast.all():
        rest = np.flatnonzero(~fast)
        out[rest] = np.interp(u[rest], cdf, x)
    return out


@functools.lru_cache(maxsize=_TABLES_KEPT)
def _pert_table(a: float, b: float) -> _PertTable:
    """Beta(a, b) on a grid dense at both ends, with its bucket starts (cached, bounded)."""
    s = np.linspace(0.0, 1.0, _PERT_TABLE)
    x = 0.5 * (1.0 - np.cos(np.pi * s))
    from scipy import special

    cdf = special.betainc(a, b, x)
    cdf[0], cdf[-1] = 0.0, 1.0
    cdf = np.maximum.accumulate(cdf)
    table = _PertTable(x, cdf, _bucket_start(cdf), _slopes(cdf, x))
    for array in table:
        array.flags.writeable = False  # shared by every caller
    return table


def _beta_table(a: float, b: float) -> tuple[FloatArray, FloatArray]:
    """(x, CDF(x)) of Beta(a, b) on a grid dense at both ends, for inverse interpolation."""
    table = _pert_table(a, b)
    return table.x, table.cdf


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
