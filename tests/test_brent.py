"""appraisal.uncertainty.brent against its reference, scipy.optimize.brentq, bit for bit."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import optimize

from appraisal.uncertainty.brent import brentq

TOL = {"xtol": 1e-15, "rtol": 1e-15}  # what the delay switching value asks for


def _cases() -> list[tuple[str, object, float, float]]:
    rng = np.random.default_rng(20261130)
    out: list[tuple[str, object, float, float]] = [
        ("sqrt2", lambda x: x * x - 2.0, 0.0, 2.0),
        ("cos", math.cos, 0.0, 3.0),
        ("steep", lambda x: math.exp(30 * x) - 5.0, -1.0, 1.0),
        ("flat cubic", lambda x: (x - 0.3) ** 3, -1.0, 2.0),
        ("step-like", lambda x: math.tanh(200 * (x - 0.123)), -1.0, 1.0),
    ]
    for i in range(200):  # random polynomials NPV-like in a delay: sums of shifted exponentials
        c = rng.normal(size=4)
        k = rng.uniform(0.1, 3.0, size=4)
        shift = rng.uniform(-1, 1)

        def f(x: float, c: np.ndarray = c, k: np.ndarray = k, s: float = shift) -> float:
            return float(np.sum(c * np.exp(-k * x))) - s

        a, b = -2.0, 2.0
        if f(a) * f(b) < 0:
            out.append((f"random {i}", f, a, b))
    return out


@pytest.mark.parametrize(
    ("name", "f", "a", "b"), _cases(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_same_root_as_scipy_to_the_bit(name, f, a, b):
    for tol in (TOL, {}):
        try:
            want = optimize.brentq(f, a, b, **tol)
        except RuntimeError:  # no convergence within 100 iterations: ours says so too
            with pytest.raises(RuntimeError):
                brentq(f, a, b, **tol)
            continue
        assert brentq(f, a, b, **tol) == want, name


def test_refuses_a_bracket_without_a_sign_change():
    with pytest.raises(ValueError, match="different signs"):
        brentq(lambda x: x * x + 1.0, -1.0, 1.0)
