"""Column widths: figures measured at their extremes are as wide as measured one by one.

Independent evidence: the brute force, every value's shown text measured
(``widths.shown`` and the same font metrics), against ``widths.widest``, which
measures only the largest and the most negative figure for fixed-decimal and
percent formats.
"""

from __future__ import annotations

import numpy as np
import pytest

from appraisal.io.workbook import widths

FORMATS = ["#,##0.00", "#,##0", "0.0%", "0.000", "0.00%", '#,##0.0" t"', "General", "0.00E+00"]


def brute_force(values, fmt, size, bold):
    return max(
        max(widths.text_points(line, size, bold) for line in widths.shown(v, fmt).split("\n"))
        for v in values
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("bold", [False, True])
def test_widest_equals_measuring_every_value(fmt, bold):
    rng = np.random.default_rng(20261130)
    for _ in range(60):
        n = int(rng.integers(1, 40))
        scale = 10.0 ** rng.integers(-4, 8)
        values = list(rng.normal(0.0, 1.0, n) * scale)
        if rng.random() < 0.3:
            values.append(-0.0)  # shows a minus sign in fixed formats
        if rng.random() < 0.3:
            values += [9.995, 99.9995, -0.004, 999.5]  # rounding up adds a digit
        size = widths.FONT_SIZE
        assert widths.widest(values, fmt, size, bold) == brute_force(values, fmt, size, bold)
