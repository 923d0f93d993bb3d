"""Vector charts of the PDF annex (reportlab.graphics).

Each function takes data already computed by the engine (columns of the result
object) and returns a :class:`reportlab.graphics.shapes.Drawing`. The only
arithmetic here is layout: scales, tick positions, bar geometry.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Polygon, PolyLine, Rect
from reportlab.lib import colors

from appraisal.io.pdf.drawing import (
    Plot,
    finite,
    fit_text,
    legend,
    new_drawing,
    nice_ticks,
    rich_string,
    year_ticks,
)
from appraisal.io.pdf.fonts import BODY_BOLD
from appraisal.io.pdf.styles import BLUE, GREY, INK, LIGHT, NAVY, ORANGE, RED, TEAL

__all__ = [
    "cash_flow_chart",
    "emissions_chart",
    "histogram_chart",
    "mac_chart",
    "s_curve_chart",
    "tornado_chart",
]

MINT = colors.HexColor("#D8EDE6")  # the emission reduction between the two paths


def cash_flow_chart(
    years: Sequence[int],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    unit: str,
    width: float = 480.0,
    height: float = 210.0,
    title: str = "",
) -> Drawing:
    """Grouped bars of yearly net cash flows, one bar per series and year.

    Parameters
    ----------
    years
        Calendar years (the categories).
    series
        (label, values by year) pairs, e.g. net benefit without and with carbon [money].
    unit
        Axis label, e.g. "USD million (2020 prices)".
    """
    d = new_drawing(width, height, title)
    values = [v for _, vals in series for v in finite(vals)] or [0.0]
    ticks = nice_ticks(min(0.0, *values), max(0.0, *values))
    p = Plot(d, (52, 34, width - 60, height - 62), (0, len(years)), ticks)
    p.y_grid(unit)
    palette = [BLUE, TEAL, ORANGE, GREY]
    group_w = p.w / max(len(years), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    for k, (_, vals) in enumerate(series):
        for i, v in enumerate(vals):
            if v is None or not math.isfinite(float(v)) or v == 0:
                continue
            x = p.x0 + i * group_w + group_w * 0.1 + k * bar_w
            y0, y1 = sorted((p.y(0.0), p.y(float(v))))
            d.add(Rect(x, y0, bar_w, y1 - y0, fillColor=palette[k % 4], strokeColor=None))
    shown = set(year_ticks(list(years)))
    p.x_ticks(
        [i + 0.5 for i, y in enumerate(years) if y in shown],
        lambda t: str(years[int(t)]),
        "",
    )
    legend(
        d,
        p.x0,
        title,
        [(lab, palette[k % 4], "box") for k, (lab, _) in enumerate(series)],
    )
    return d


def emissions_chart(
    years: Sequence[int],
    without_project: Sequence[float],
    with_project: Sequence[float],
    *,
    width: float = 480.0,
    height: float = 210.0,
    title: str = "",
) -> Drawing:
    """Emissions without and with the project by year [tCO2e]; the gap shaded."""
    d = new_drawing(width, height, title)
    values = finite(list(without_project) + list(with_project)) or [0.0]
    ticks = nice_ticks(min(0.0, *values), max(values))
    p = Plot(d, (62, 34, width - 72, height - 62), (years[0], years[-1]), ticks)
    p.y_grid("tCO2e per year")
    top = [(p.x(y), p.y(float(v))) for y, v in zip(years, without_project, strict=True)]
    bottom = [(p.x(y), p.y(float(v))) for y, v in zip(years, with_project, strict=True)]
    pts: list[float] = []
    for x, y in [*top, *reversed(bottom)]:
        pts += [x, y]
    d.add(Polygon(pts, fillColor=MINT, strokeColor=None))
    for line, color in ((top, RED), (bottom, TEAL)):
        flat = [c for xy in line for c in xy]
        d.add(PolyLine(flat, strokeColor=color, strokeWidth=1.6))
    p.x_ticks(year_ticks(list(years)), lambda t: str(int(t)), "")
    legend(
        d,
        p.x0,
        title,
        [
            ("without project", RED, "line"),
            ("with project", TEAL, "line"),
            ("reduction", MINT, "box"),
        ],
    )
    return d


def mac_chart(
    labels: Sequence[str],
    cost_per_tco2e: Sequence[float],
    x_start: Sequence[float],
    x_end: Sequence[float],
    *,
    currency: str,
    width: float = 480.0,
    height: float = 230.0,
    title: str = "",
) -> Drawing:
    """Marginal abatement cost curve: bar width = tCO2e per year, height = cost per tCO2e.

    ``labels`` are short keys (e.g. "1", "2") printed on each bar; the table next to
    the chart names the components.
    """
    d = new_drawing(width, height, title)
    costs = finite(cost_per_tco2e) or [0.0]
    ticks = nice_ticks(min(0.0, *costs), max(0.0, *costs))
    xmax = max(finite(x_end) or [1.0])
    xt = nice_ticks(0.0, xmax)
    p = Plot(d, (58, 44, width - 70, height - 72), (0.0, xt[-1]), ticks)
    p.y_grid(f"{currency} per tCO2e")
    # Keys sit at the zero line on the side the bar does not cover (above it for a
    # saving, below it for a cost), staggered when bars are too narrow for them.
    last_label_x = -1e9
    level = 0
    for lab, c, a, b in zip(labels, cost_per_tco2e, x_start, x_end, strict=True):
        c = float(c)
        y0, y1 = sorted((p.y(0.0), p.y(c)))
        d.add(
            Rect(
                p.x(a),
                y0,
                max(p.x(b) - p.x(a), 0.5),
                y1 - y0,
                fillColor=TEAL if c < 0 else ORANGE,
                strokeColor=colors.white,
                strokeWidth=0.6,
            )
        )
        cx = (p.x(a) + p.x(b)) / 2
        level = level + 1 if cx - last_label_x < 12 else 0
        last_label_x = cx
        offset = 4 + 9 * level
        ly = p.y(0.0) + offset if c < 0 else p.y(0.0) - offset - 6
        d.add(rich_string(cx, ly, lab, size=7, font=BODY_BOLD, anchor="middle"))
    p.x_value_ticks(xt, "tCO2e avoided per year (cumulative)")
    legend(
        d,
        p.x0,
        title,
        [("net saving (negative cost)", TEAL, "box"), ("net cost", ORANGE, "box")],
    )
    return d


def tornado_chart(
    variables: Sequence[str],
    low: Sequence[float],
    high: Sequence[float],
    base: float,
    *,
    unit: str,
    width: float = 480.0,
    height: float | None = None,
    title: str = "",
) -> Drawing:
    """Tornado: ENPV when each variable is at its low and high value; widest range on top.

    Bars run from the base ENPV to the ENPV of the variable at each end of its
    range, red where the ENPV falls below the base, blue where it rises.
    """
    rows = sorted(
        zip(variables, low, high, strict=True),
        key=lambda r: -abs(float(r[2]) - float(r[1])),
    )
    row_h = 18.0
    height = height or 70 + row_h * max(len(rows), 1)
    d = new_drawing(width, height, title)
    label_w = 130.0
    values = finite([base, *low, *high]) or [0.0]
    xt = nice_ticks(min(values), max(values))
    box = (label_w, 34, width - label_w - 12, height - 62)
    p = Plot(d, box, (xt[0], xt[-1]), [0.0, float(len(rows) or 1)])
    for t in xt:
        p.vline(t, LIGHT, 0.5)
    for i, (name, lo, hi) in enumerate(rows):
        yc = p.y0 + p.h - (i + 0.5) * (p.h / max(len(rows), 1))
        for v in (float(lo), float(hi)):
            color = RED if v < base else BLUE
            x0, x1 = sorted((p.x(base), p.x(v)))
            d.add(Rect(x0, yc - 5, max(x1 - x0, 0.5), 10, fillColor=color, strokeColor=None))
        d.add(
            rich_string(label_w - 6, yc - 2.5, fit_text(str(name), label_w - 10, 7), anchor="end")
        )
    p.vline(base, INK, 0.8)
    p.zero_vline(GREY, 0.6, [2, 2])
    p.x_value_ticks(xt, f"ENPV, {unit}")
    legend(
        d,
        p.x0,
        title,
        [
            ("lowers the ENPV", RED, "box"),
            ("raises the ENPV", BLUE, "box"),
            ("base ENPV", INK, "line"),
        ],
    )
    return d


def histogram_chart(
    bin_start: Sequence[float],
    bin_end: Sequence[float],
    count: Sequence[float],
    *,
    unit: str,
    width: float = 480.0,
    height: float = 200.0,
    title: str = "",
) -> Drawing:
    """Histogram of Monte Carlo ENPV draws; bars left of zero in red."""
    d = new_drawing(width, height, title)
    counts = finite(count) or [0.0]
    edges = finite(list(bin_start) + list(bin_end)) or [0.0, 1.0]
    xt = nice_ticks(min(edges), max(edges))
    p = Plot(d, (52, 40, width - 64, height - 66), (xt[0], xt[-1]), nice_ticks(0.0, max(counts)))
    p.y_grid("draws")
    for a, b, c in zip(bin_start, bin_end, count, strict=True):
        x0, x1 = p.x(float(a)), p.x(float(b))
        d.add(
            Rect(
                x0,
                p.y(0.0),
                max(x1 - x0, 0.5),
                p.y(float(c)) - p.y(0.0),
                fillColor=RED if float(b) <= 0 else BLUE,
                strokeColor=colors.white,
                strokeWidth=0.4,
            )
        )
    p.zero_vline(INK, 0.8)
    p.x_value_ticks(xt, f"ENPV, {unit}")
    legend(d, p.x0, title, [("ENPV < 0", RED, "box"), ("ENPV ≥ 0", BLUE, "box")])
    return d


def s_curve_chart(
    enpv: Sequence[float],
    cumulative_probability: Sequence[float],
    *,
    unit: str,
    width: float = 480.0,
    height: float = 200.0,
    title: str = "",
) -> Drawing:
    """Cumulative probability of ENPV (the S-curve); the zero line marked."""
    d = new_drawing(width, height, title)
    xs = finite(enpv) or [0.0, 1.0]
    xt = nice_ticks(min(xs), max(xs))
    p = Plot(d, (52, 40, width - 64, height - 66), (xt[0], xt[-1]), [0.0, 0.25, 0.5, 0.75, 1.0])
    p.y_grid("cumulative probability")
    pts = [
        c
        for x, q in zip(enpv, cumulative_probability, strict=True)
        if math.isfinite(float(x)) and math.isfinite(float(q))
        for c in (p.x(float(x)), p.y(float(q)))
    ]
    if len(pts) >= 4:
        d.add(PolyLine(pts, strokeColor=NAVY, strokeWidth=1.6))
    p.zero_vline(RED, 0.8, [3, 2])
    p.x_value_ticks(xt, f"ENPV, {unit}")
    legend(
        d,
        p.x0,
        title,
        [("P(ENPV ≤ x)", NAVY, "line"), ("ENPV = 0", RED, "line")],
    )
    return d
