"""Drawing primitives of the PDF annex: text run by run, scales, axes and legends.

The charts (:mod:`appraisal.io.pdf.charts`) and the page footer draw with these.
The only arithmetic here is layout: text widths, scales, tick positions.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import Any

from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.pdfbase import pdfmetrics

from appraisal.io.pdf.fonts import BODY_BOLD, BODY_FONT, font_runs
from appraisal.io.pdf.styles import GREY, INK, LIGHT, NAVY

__all__ = ["Plot", "fit_text", "nice_ticks", "rich_string", "rich_width"]


def rich_width(text: str, size: float, font: str = BODY_FONT) -> float:
    """Width of ``text`` set run by run [pt]."""
    return float(sum(pdfmetrics.stringWidth(run, f, size) for f, run in font_runs(text, font)))


def rich_string(
    x: float,
    y: float,
    text: str,
    *,
    size: float = 7.0,
    font: str = BODY_FONT,
    anchor: str = "start",
    color: Any = INK,
) -> Group:
    """A chart label drawn run by run, so mixed scripts each get a font that has them."""
    width = rich_width(text, size, font)
    x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
    g = Group()
    for f, run in font_runs(text, font):
        g.add(String(x0, y, run, fontName=f, fontSize=size, fillColor=color))
        x0 += pdfmetrics.stringWidth(run, f, size)
    return g


def fit_text(text: str, width: float, size: float, font: str = BODY_FONT) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` [pt].

    The longest prefix whose width with "…" is at most ``width`` (none: "…" alone),
    found by bisection in O(n log n) for n characters.

    Notes
    -----
    The cut is where dropping one character at a time from the end would stop (the
    earlier rule, quadratic: a 100,000-character case name took minutes):
    the width of ``text[:k] + "…"`` is computed the same way, as the sum of its runs'
    widths in order, and never falls as k grows (every glyph width is >= 0), so the
    largest k that fits is found by bisection. A prefix's runs are the whole runs
    before the run holding its last character, whose widths are summed once
    (``accumulate``, the same order of additions as :func:`rich_width`), then the cut
    run with the ellipsis.
    """
    runs = font_runs(text, font)
    widths = [pdfmetrics.stringWidth(run, f, size) for f, run in runs]
    if float(sum(widths)) <= width:
        return text
    before = [0.0, *accumulate(widths)]  # sum of the whole runs before run j, in order
    starts = [0, *accumulate(len(run) for _, run in runs)]  # first character of run j
    ellipsis = pdfmetrics.stringWidth("…", font, size)

    def prefix_width(k: int) -> float:
        """Width of ``text[:k] + "…"`` as :func:`rich_width` computes it [pt]."""
        if k == 0:
            return float(0 + ellipsis)
        j = bisect.bisect_right(starts, k - 1) - 1  # the run holding character k - 1
        f, run = runs[j]
        part = run[: k - starts[j]]
        total = before[j]
        if f == font:  # the ellipsis joins the last run (it is not a CJK character)
            return float(total + pdfmetrics.stringWidth(part + "…", f, size))
        return float(total + pdfmetrics.stringWidth(part, f, size) + ellipsis)

    lo, hi = 0, len(text)  # prefix_width(lo) fits or lo == 0; hi does not fit
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if prefix_width(mid) > width:
            hi = mid
        else:
            lo = mid
    return text[:lo].rstrip() + "…"


# ----------------------------------------------------------------- axes


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (lo and hi included in the range).

    Examples
    --------
    >>> nice_ticks(-3.2, 41.0)
    [-10, 0, 10, 20, 30, 40, 50]
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        lo, hi = 0.0, 1.0
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        lo, hi = (lo - 1.0, hi + 1.0) if lo == 0 else (min(0.0, lo), max(0.0, hi))
        if hi == lo:
            hi = lo + 1.0
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    v = start
    while v < hi + step * 0.5:
        ticks.append(round(v, 12))
        v += step
    if ticks[-1] < hi:
        ticks.append(round(ticks[-1] + step, 12))
    return ticks


def _tick_label(v: float, step: float) -> str:
    digits = next((k for k in range(7) if abs(round(step, k) - step) < 1e-9 * step), 6)
    return f"{v:,.{digits}f}"


class Plot:
    """A plotting rectangle with linear x and y scales."""

    def __init__(
        self,
        drawing: Drawing,
        box: tuple[float, float, float, float],
        xlim: tuple[float, float],
        yticks: list[float],
    ) -> None:
        self.d = drawing
        self.x0, self.y0, self.w, self.h = box
        self.xmin, self.xmax = xlim
        if self.xmax == self.xmin:
            self.xmax = self.xmin + 1.0
        self.yticks = yticks
        self.ymin, self.ymax = yticks[0], yticks[-1]

    def x(self, v: float) -> float:
        return self.x0 + (v - self.xmin) / (self.xmax - self.xmin) * self.w

    def y(self, v: float) -> float:
        return self.y0 + (v - self.ymin) / (self.ymax - self.ymin) * self.h

    def y_grid(self, label: str) -> None:
        step = self.yticks[1] - self.yticks[0] if len(self.yticks) > 1 else 1.0
        for t in self.yticks:
            yy = self.y(t)
            zero = abs(t) < step * 1e-9
            self.d.add(
                Line(
                    self.x0,
                    yy,
                    self.x0 + self.w,
                    yy,
                    strokeColor=GREY if zero else LIGHT,
                    strokeWidth=0.8 if zero else 0.5,
                )
            )
            self.d.add(rich_string(self.x0 - 4, yy - 2.5, _tick_label(t, step), anchor="end"))
        self.d.add(_rotated_label(self.x0 - 40, self.y0 + self.h / 2, label) if label else Group())

    def x_ticks(self, ticks: Sequence[float], fmt: Callable[[float], str], label: str) -> None:
        self.d.add(Line(self.x0, self.y0, self.x0 + self.w, self.y0, strokeColor=GREY))
        for t in ticks:
            xx = self.x(t)
            self.d.add(Line(xx, self.y0, xx, self.y0 - 3, strokeColor=GREY, strokeWidth=0.5))
            self.d.add(rich_string(xx, self.y0 - 11, fmt(t), anchor="middle"))
        if label:
            self.d.add(rich_string(self.x0 + self.w / 2, self.y0 - 23, label, anchor="middle"))

    def x_value_ticks(self, ticks: list[float], label: str) -> None:
        """The x axis at ``ticks`` (from :func:`nice_ticks`), labelled to the step's digits."""
        step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
        self.x_ticks(ticks, lambda t: _tick_label(t, step), label)

    def vline(self, v: float, color: Any, width: float, dash: list[float] | None = None) -> None:
        """A vertical line across the plot at x = ``v``, dashed when ``dash`` is given."""
        style: dict[str, Any] = {"strokeColor": color, "strokeWidth": width}
        if dash is not None:
            style["strokeDashArray"] = dash
        self.d.add(Line(self.x(v), self.y0, self.x(v), self.y0 + self.h, **style))

    def zero_vline(self, color: Any, width: float, dash: list[float] | None = None) -> None:
        """:meth:`vline` at x = 0 when zero lies inside the x range."""
        if self.xmin < 0 < self.xmax:
            self.vline(0.0, color, width, dash)


def _rotated_label(x: float, y: float, text: str, size: float = 7.0) -> Group:
    g = Group(rich_string(0, 0, text, size=size, anchor="middle", color=GREY))
    g.transform = (0, 1, -1, 0, x, y)
    return g


def legend(d: Drawing, x: float, title: str, items: Sequence[tuple[str, Any, str]]) -> None:
    """Legend entries (label, colour, kind) in a row from ``x``; kind: box or line.

    The row sits at the top of the drawing, under its title if it has one.
    """
    y = d.height - (26 if title else 10)
    for label, color, kind in items:
        if kind == "line":
            d.add(Line(x, y + 2.5, x + 12, y + 2.5, strokeColor=color, strokeWidth=1.6))
        else:
            d.add(Rect(x, y, 8, 6, fillColor=color, strokeColor=None))
        d.add(rich_string(x + 15, y, label, color=INK))
        x += 15 + rich_width(label, 7.0) + 14


def new_drawing(width: float, height: float, title: str) -> Drawing:
    """An empty drawing with its title, if any, in the top left corner."""
    d = Drawing(width, height)
    if title:
        d.add(rich_string(0, height - 10, title, size=8.5, font=BODY_BOLD, color=NAVY))
    return d


def finite(values: Sequence[float]) -> list[float]:
    """The finite values, as floats (None and NaN left out)."""
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def year_ticks(years: Sequence[int]) -> list[int]:
    """The years labelled on an axis: all up to 12, every 2nd up to 24, else every 5th."""
    n = len(years)
    step = 1 if n <= 12 else 2 if n <= 24 else 5
    return [y for y in years if (y - years[0]) % step == 0]
