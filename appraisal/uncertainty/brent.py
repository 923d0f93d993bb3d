"""Brent's root finder on a bracket, step for step as ``scipy.optimize.brentq``.

The delay switching value needs one scalar root per run. Importing
``scipy.optimize`` for it costs about 0.3 s in every process (a CLI run, each
batch worker), more than the whole sensitivity analysis; this is the same
algorithm (Brent 1973, *Algorithms for Minimization without Derivatives*, ch. 4,
in the form of SciPy's ``brentq.c`` by Charles Harris), so it takes the same
steps in the same IEEE double arithmetic and returns the same root to the bit
(``tests/test_brent.py`` compares the two on many functions).
"""

from __future__ import annotations

import math
from collections.abc import Callable

__all__ = ["brentq"]


def brentq(
    f: Callable[[float], float],
    a: float,
    b: float,
    *,
    xtol: float = 2e-12,
    rtol: float = 8.881784197001252e-16,
    maxiter: int = 100,
) -> float:
    """A root of ``f`` in ``[a, b]``, where ``f(a)`` and ``f(b)`` differ in sign.

    Parameters
    ----------
    f
        A continuous function of one variable.
    a, b
        The bracket's ends.
    xtol, rtol
        The root is found within ``xtol + rtol * |x|`` (``rtol`` at least four
        machine epsilons, as SciPy requires).
    maxiter
        Most iterations [count].

    Returns
    -------
    float
        The root, as ``scipy.optimize.brentq(f, a, b, xtol=xtol, rtol=rtol)`` gives it.

    Raises
    ------
    ValueError
        When ``f(a)`` and ``f(b)`` have the same sign.
    RuntimeError
        When ``maxiter`` iterations do not converge (as SciPy raises it).

    Examples
    --------
    >>> round(brentq(lambda x: x * x - 2.0, 0.0, 2.0), 12)
    1.414213562373
    """
    xpre, xcur = float(a), float(b)
    xblk = fblk = spre = scur = 0.0
    fpre = float(f(xpre))
    fcur = float(f(xcur))
    if fpre == 0.0:
        return xpre
    if fcur == 0.0:
        return xcur
    if math.copysign(1.0, fpre) == math.copysign(1.0, fcur):
        raise ValueError("f(a) and f(b) must have different signs")
    for _ in range(maxiter):
        if fpre != 0.0 and fcur != 0.0 and math.copysign(1.0, fpre) != math.copysign(1.0, fcur):
            xblk, fblk = xpre, fpre
            spre = scur = xcur - xpre
        if abs(fblk) < abs(fcur):
            xpre, xcur, xblk = xcur, xblk, xcur
            fpre, fcur, fblk = fcur, fblk, fcur
        delta = (xtol + rtol * abs(xcur)) / 2
        sbis = (xblk - xcur) / 2
        if fcur == 0.0 or abs(sbis) < delta:
            return xcur
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:  # interpolate
                stry = -fcur * (xcur - xpre) / (fcur - fpre)
            else:  # extrapolate (inverse quadratic)
                dpre = (fpre - fcur) / (xpre - xcur)
                dblk = (fblk - fcur) / (xblk - xcur)
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            if 2 * abs(stry) < min(abs(spre), 3 * abs(sbis) - delta):
                spre, scur = scur, stry  # good short step
            else:
                spre = scur = sbis  # bisect
        else:
            spre = scur = sbis  # bisect
        xpre, fpre = xcur, fcur
        xcur += scur if abs(scur) > delta else (delta if sbis > 0 else -delta)
        fcur = float(f(xcur))
    raise RuntimeError(f"Failed to converge after {maxiter} iterations.")  # as scipy says
