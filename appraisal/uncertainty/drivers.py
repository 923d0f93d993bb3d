"""What drives the risk: each uncertain input's rank correlation with the ENPV, its variance share.

Used by :func:`appraisal.uncertainty.monte_carlo` while it draws, chunk by chunk:

- the **rank (Spearman) correlation** of each input's draws with the headline ENPV,
  over the first :data:`RANK_SAMPLE` draws (the draws are independent and
  identically distributed, so the first ones are a random sample; keeping them
  bounds the memory at 0.8 MB per input whatever the number of draws);
- the **variance share**: the squared standardised regression coefficients (SRC)
  of a linear regression of the ENPV on all inputs, normalised to sum to 1, from
  moments summed over every draw (streamed: Chan, Golub and LeVeque's pairwise
  update of means and co-moments, so no draw is kept for it). With independent
  inputs and an ENPV close to linear in them, SRC_j^2 is the share of the ENPV
  variance due to input j and the SRC^2 sum to R^2; the coefficient of
  determination R^2 says how far the linear reading holds (Saltelli et al. 2008,
  Global Sensitivity Analysis: The Primer, section 1.2.5; the "regression
  statistics" of NREL's SAM stochastic analysis). With correlated inputs the
  normalised shares are an approximation, as stated in ``docs/methods.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from appraisal.uncertainty.streams import FloatArray

__all__ = ["RANK_SAMPLE", "DriverStatistics"]

RANK_SAMPLE: Final = 100_000  # draws whose ranks are correlated (about 0.003 standard error)


def _average_ranks(v: FloatArray) -> FloatArray:
    """Ranks 1..n of a vector, tied values given their average rank.

    The same as ``scipy.stats.rankdata(v, method="average")`` (the tests compare
    them) without importing ``scipy.stats``, which costs more than the ranking.

    >>> _average_ranks(np.array([3.0, 1.0, 3.0, 2.0])).tolist()
    [3.5, 1.0, 3.5, 2.0]
    """
    # any sort gives the same ranks (ties get their average whatever their order), and
    # numpy's default (vectorised) one is several times faster than a stable one
    order = np.argsort(v)
    s = v[order]
    first = np.empty(v.size, dtype=bool)
    first[:1] = True
    np.not_equal(s[1:], s[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    ends = np.append(starts[1:], v.size)  # one past each tie group's last position
    average = (starts + ends + 1) / 2.0  # mean of the 1-based ranks start+1 .. end
    ranks = np.empty(v.size, dtype=np.float64)
    ranks[order] = average[np.cumsum(first) - 1]
    return ranks


def _ranks(x: FloatArray) -> FloatArray:
    """Ranks of each column, ties given their average rank (as Spearman's rho needs)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 1:
        return _average_ranks(x)
    return np.column_stack([_average_ranks(x[:, j]) for j in range(x.shape[1])])


def _pearson(a: FloatArray, b: FloatArray) -> float | None:
    """Pearson correlation of two rank vectors (at most ``RANK_SAMPLE`` long).

    Ranks are half-integers with mean (n + 1) / 2, so the deviations (half-integers),
    their products (quarters) and every partial sum (at most n^3 quarters, below 2^53
    for n <= 2 x 10^5) are exact: any summation order gives the same dot products.
    einsum, not BLAS ``np.dot``: OpenBLAS runs a 10^5-long dot on threads left
    spinning afterwards (see ``montecarlo._scores``), about 2 ms of CPU each against
    0.4 ms.
    """
    a = a - a.mean()
    b = b - b.mean()
    den = float(np.sqrt(np.einsum("i,i->", a, a) * np.einsum("i,i->", b, b)))
    return None if den == 0.0 else float(np.einsum("i,i->", a, b) / den)


class DriverStatistics:
    """Streamed moments of (inputs, ENPV) and the first draws of the inputs.

    Parameters
    ----------
    labels
        The inputs' labels, in the column order of the draws.
    rank_sample
        Draws kept for the rank correlations [count].

    Examples
    --------
    One input, ENPV = 10 - 5 x: the rank correlation is -1 and its share 1.

    >>> x = np.linspace(0.9, 1.3, 50).reshape(-1, 1)
    >>> d = DriverStatistics(["capital"])
    >>> d.update(x, 10.0 - 5.0 * x[:, 0])
    >>> rows, r2 = d.result(10.0 - 5.0 * x[:, 0])
    >>> rows[0]["rank_correlation"], round(rows[0]["variance_share"], 12), round(r2, 12)
    (-1.0, 1.0, 1.0)
    """

    def __init__(self, labels: Sequence[str], rank_sample: int = RANK_SAMPLE) -> None:
        self.labels = list(labels)
        self.rank_sample = rank_sample
        k = len(self.labels) + 1
        self.count = 0
        self.mean = np.zeros(k)
        self.comoment = np.zeros((k, k))  # sum of outer products of deviations
        self._kept: list[FloatArray] = []
        self._kept_rows = 0

    def update(self, x: FloatArray, enpv: FloatArray) -> None:
        """Add a chunk: ``x`` (draws x inputs) and the headline ENPV of each draw."""
        z = np.column_stack([x, enpv])
        n = z.shape[0]
        if n == 0:
            return
        mean = z.mean(axis=0)
        dev = z - mean
        comoment = np.einsum("ij,ik->jk", dev, dev)  # not BLAS: see montecarlo.sample()
        if self.count == 0:
            self.mean, self.comoment = mean, comoment
        else:
            total = self.count + n
            delta = mean - self.mean
            self.comoment = (
                self.comoment + comoment + np.outer(delta, delta) * (self.count * n / total)
            )
            self.mean = self.mean + delta * (n / total)
        self.count += n
        room = self.rank_sample - self._kept_rows
        if room > 0:
            self._kept.append(np.array(x[:room], dtype=np.float64))
            self._kept_rows += min(room, n)

    def result(self, enpv: FloatArray) -> tuple[list[dict[str, Any]], float | None]:
        """The drivers, largest variance share first, and the regression's R^2.

        Parameters
        ----------
        enpv
            The headline ENPV of every draw, in draw order (its first
            ``rank_sample`` values pair with the kept inputs) [money].

        Returns
        -------
        list of dict
            ``variable``, ``rank_correlation``, ``variance_share``,
            ``standardised_coefficient``; None where an input or the ENPV does not
            vary.
        float or None
            R^2 of the linear regression on all inputs.
        """
        k = len(self.labels)
        src: list[float | None] = [None] * k
        r2: float | None = None
        if self.count > 1:
            var = np.diag(self.comoment) / (self.count - 1)
            moving = [j for j in range(k) if var[j] > 0.0]
            if var[k] > 0.0 and moving:
                sd = np.sqrt(var)
                corr = self.comoment / (self.count - 1) / np.outer(sd, sd)
                idx = np.array(moving)
                r_xx = corr[np.ix_(idx, idx)]
                r_xy = corr[idx, k]
                beta = np.linalg.lstsq(r_xx, r_xy, rcond=None)[0]
                r2 = float(beta @ r_xy)
                for j, b in zip(moving, beta, strict=True):
                    src[j] = float(b)
        total = sum(b * b for b in src if b is not None)
        sample = np.concatenate(self._kept) if self._kept else np.zeros((0, k))
        m = sample.shape[0]
        ranks_y = _ranks(np.asarray(enpv[:m], dtype=np.float64)) if m > 1 else None
        ranks_x = _ranks(sample) if m > 1 else None
        rows = []
        for j, label in enumerate(self.labels):
            b = src[j]
            rho = None
            if ranks_x is not None and ranks_y is not None:
                rho = _pearson(ranks_x[:, j], ranks_y)
            rows.append(
                {
                    "variable": label,
                    "rank_correlation": rho,
                    "variance_share": None if b is None or total == 0.0 else b * b / total,
                    "standardised_coefficient": b,
                }
            )
        rows.sort(key=lambda r: -float(r["variance_share"] or 0.0))  # stable: ties keep order
        return rows, r2

    @property
    def rank_draws(self) -> int:
        """Draws the rank correlations are computed over [count]."""
        return self._kept_rows
