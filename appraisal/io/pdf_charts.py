"""Fonts and vector charts of the PDF annex (reportlab.graphics).

Fonts: Latin and Cyrillic text is set in DejaVu Sans, a TrueType font embedded
in the PDF (Debian package ``fonts-dejavu-core``); Chinese, Japanese kana and
full-width forms in reportlab's Adobe CID font STSong-Light (Adobe-GB1, not
embedded: every PDF viewer supplies it). The font is chosen per text run, so a
name such as "湘潭低碳转型 / Улаанбаатар" renders in both scripts:
:func:`font_runs` splits a string, :func:`markup` writes Paragraph markup and
:func:`rich_string` draws the runs in a chart.

Charts: each function takes data already computed by the engine (columns of the
result object) and returns a :class:`reportlab.graphics.shapes.Drawing`. The only
arithmetic here is layout: scales, tick positions, bar geometry.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Group, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

__all__ = [
    "BODY_BOLD",
    "BODY_FONT",
    "CJK_FONT",
    "FontError",
    "cash_flow_chart",
    "emissions_chart",
    "find_fonts",
    "font_runs",
    "histogram_chart",
    "mac_chart",
    "markup",
    "register_fonts",
    "rich_string",
    "rich_width",
    "s_curve_chart",
    "tornado_chart",
]

BODY_FONT = "DejaVuSans"
BODY_BOLD = "DejaVuSans-Bold"
BODY_ITALIC = "DejaVuSans-Oblique"
BODY_BOLD_ITALIC = "DejaVuSans-BoldOblique"
CJK_FONT = "STSong-Light"

# Where fonts-dejavu-core puts the files (Debian/Ubuntu), then other common places.
FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/local/share/fonts",
    "/Library/Fonts",
)
FONT_DIR_ENV = "APPRAISAL_FONT_DIR"

# Colours: a restrained palette that prints well in greyscale.
NAVY = colors.HexColor("#1F3B5A")
BLUE = colors.HexColor("#3A6EA5")
TEAL = colors.HexColor("#2E8B7A")
ORANGE = colors.HexColor("#D9822B")
RED = colors.HexColor("#B5473A")
GREY = colors.HexColor("#6B7280")
LIGHT = colors.HexColor("#E5E7EB")
INK = colors.HexColor("#1F2937")


class FontError(FileNotFoundError):
    """A font the PDF needs is not installed (a missing file: the CLI reports it as one)."""


def _find_font(file_name: str) -> Path | None:
    dirs = [os.environ[FONT_DIR_ENV]] if os.environ.get(FONT_DIR_ENV) else []
    for d in (*dirs, *FONT_DIRS):
        p = Path(d) / file_name
        if p.is_file():
            return p
    return None


_FONT_FILES = {
    BODY_FONT: "DejaVuSans.ttf",
    BODY_BOLD: "DejaVuSans-Bold.ttf",
    BODY_ITALIC: "DejaVuSans-Oblique.ttf",
    BODY_BOLD_ITALIC: "DejaVuSans-BoldOblique.ttf",
}


def find_fonts() -> dict[str, Path | None]:
    """The DejaVu Sans files, by font name: ``$APPRAISAL_FONT_DIR`` first, then FONT_DIRS.

    Raises
    ------
    FontError
        When the regular or bold face is missing, naming the places searched and
        the package that provides them.
    """
    paths = {name: _find_font(f) for name, f in _FONT_FILES.items()}
    missing = [_FONT_FILES[n] for n in (BODY_FONT, BODY_BOLD) if paths[n] is None]
    if missing:
        env = os.environ.get(FONT_DIR_ENV)
        searched = ", ".join(([f"${FONT_DIR_ENV}={env}"] if env else []) + list(FONT_DIRS))
        raise FontError(
            f"the PDF annex needs the DejaVu Sans TrueType font ({', '.join(missing)}) for "
            f"Latin and Cyrillic text; not found in {searched}. Install it (Debian/Ubuntu: "
            f"apt-get install fonts-dejavu-core) or set {FONT_DIR_ENV} to a folder holding it"
        )
    return paths


def register_fonts() -> None:
    """Register DejaVu Sans (regular, bold, oblique) and STSong-Light once per process.

    Raises
    ------
    FontError
        When DejaVu Sans is not installed (see :func:`find_fonts`).
    """
    if BODY_FONT in pdfmetrics.getRegisteredFontNames():
        return
    paths = find_fonts()
    # Oblique variants are optional: fall back to the upright faces.
    italic = BODY_ITALIC if paths[BODY_ITALIC] else BODY_FONT
    bold_italic = BODY_BOLD_ITALIC if paths[BODY_BOLD_ITALIC] else BODY_BOLD
    for name, path in paths.items():
        if path is not None:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    pdfmetrics.registerFontFamily(
        BODY_FONT, normal=BODY_FONT, bold=BODY_BOLD, italic=italic, boldItalic=bold_italic
    )


# Unicode blocks set in the CJK font (STSong-Light covers the BMP part of these).
_CJK_RANGES = (
    (0x2E80, 0x2FDF),  # CJK radicals, Kangxi radicals
    (0x3000, 0x30FF),  # CJK symbols and punctuation, hiragana, katakana
    (0x3100, 0x31FF),  # bopomofo, Hangul compatibility jamo, kanbun, CJK strokes
    (0x3200, 0x33FF),  # enclosed CJK letters, CJK compatibility
    (0x3400, 0x4DBF),  # CJK unified ideographs extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
    (0x20000, 0x2FA1F),  # supplementary ideographs
)


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return any(lo <= o <= hi for lo, hi in _CJK_RANGES)


def font_runs(text: str, font: str = BODY_FONT) -> list[tuple[str, str]]:
    """Split ``text`` into ``(font, run)`` pairs: CJK runs in STSong-Light, the rest in ``font``.

    Examples
    --------
    >>> font_runs("Xiangtan 湘潭 Астана")
    [('DejaVuSans', 'Xiangtan '), ('STSong-Light', '湘潭'), ('DejaVuSans', ' Астана')]
    """
    runs: list[tuple[str, str]] = []
    for ch in text:
        f = CJK_FONT if _is_cjk(ch) else font
        if runs and runs[-1][0] == f:
            runs[-1] = (f, runs[-1][1] + ch)
        else:
            runs.append((f, ch))
    return runs


def markup(text: str) -> str:
    """Paragraph markup of plain ``text``: XML-escaped, CJK runs in the CJK font."""
    return "".join(
        f'<font face="{CJK_FONT}">{escape(run)}</font>' if f == CJK_FONT else escape(run)
        for f, run in font_runs(text)
    )


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
    """``text`` shortened with an ellipsis to fit ``width`` [pt]."""
    if rich_width(text, size, font) <= width:
        return text
    while text and rich_width(text + "…", size, font) > width:
        text = text[:-1]
    return text.rstrip() + "…"


# ----------------------------------------------------------------- axes


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] (lo and hi included in the range)."""
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


class _Plot:
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


def _rotated_label(x: float, y: float, text: str, size: float = 7.0) -> Group:
    g = Group(rich_string(0, 0, text, size=size, anchor="middle", color=GREY))
    g.transform = (0, 1, -1, 0, x, y)
    return g


def _legend(d: Drawing, x: float, y: float, items: Sequence[tuple[str, Any, str]]) -> None:
    """Legend entries (label, colour, kind) from (x, y) to the right; kind: box or line."""
    for label, color, kind in items:
        if kind == "line":
            d.add(Line(x, y + 2.5, x + 12, y + 2.5, strokeColor=color, strokeWidth=1.6))
        else:
            d.add(Rect(x, y, 8, 6, fillColor=color, strokeColor=None))
        d.add(rich_string(x + 15, y, label, color=INK))
        x += 15 + rich_width(label, 7.0) + 14


def _drawing(width: float, height: float, title: str) -> Drawing:
    d = Drawing(width, height)
    if title:
        d.add(rich_string(0, height - 10, title, size=8.5, font=BODY_BOLD, color=NAVY))
    return d


def _legend_y(height: float, title: str) -> float:
    """Baseline of the legend row: under the title if any, else at the top."""
    return height - (26 if title else 10)


def _finite(values: Sequence[float]) -> list[float]:
    return [float(v) for v in values if v is not None and math.isfinite(float(v))]


def _year_ticks(years: Sequence[int]) -> list[int]:
    n = len(years)
    step = 1 if n <= 12 else 2 if n <= 24 else 5
    return [y for y in years if (y - years[0]) % step == 0]


# ----------------------------------------------------------------- charts


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
    d = _drawing(width, height, title)
    values = [v for _, vals in series for v in _finite(vals)] or [0.0]
    ticks = nice_ticks(min(0.0, *values), max(0.0, *values))
    p = _Plot(d, (52, 34, width - 60, height - 62), (0, len(years)), ticks)
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
    shown = set(_year_ticks(list(years)))
    p.x_ticks(
        [i + 0.5 for i, y in enumerate(years) if y in shown],
        lambda t: str(years[int(t)]),
        "",
    )
    _legend(
        d,
        p.x0,
        _legend_y(height, title),
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
    d = _drawing(width, height, title)
    values = _finite(list(without_project) + list(with_project)) or [0.0]
    ticks = nice_ticks(min(0.0, *values), max(values))
    p = _Plot(d, (62, 34, width - 72, height - 62), (years[0], years[-1]), ticks)
    p.y_grid("tCO2e per year")
    top = [(p.x(y), p.y(float(v))) for y, v in zip(years, without_project, strict=True)]
    bottom = [(p.x(y), p.y(float(v))) for y, v in zip(years, with_project, strict=True)]
    pts: list[float] = []
    for x, y in [*top, *reversed(bottom)]:
        pts += [x, y]
    d.add(Polygon(pts, fillColor=colors.HexColor("#D8EDE6"), strokeColor=None))
    for line, color in ((top, RED), (bottom, TEAL)):
        flat = [c for xy in line for c in xy]
        d.add(PolyLine(flat, strokeColor=color, strokeWidth=1.6))
    p.x_ticks(_year_ticks(list(years)), lambda t: str(int(t)), "")
    _legend(
        d,
        p.x0,
        _legend_y(height, title),
        [
            ("without project", RED, "line"),
            ("with project", TEAL, "line"),
            ("reduction", colors.HexColor("#D8EDE6"), "box"),
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
    d = _drawing(width, height, title)
    costs = _finite(cost_per_tco2e) or [0.0]
    ticks = nice_ticks(min(0.0, *costs), max(0.0, *costs))
    xmax = max(_finite(x_end) or [1.0])
    xt = nice_ticks(0.0, xmax)
    p = _Plot(d, (58, 44, width - 70, height - 72), (0.0, xt[-1]), ticks)
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
    step = xt[1] - xt[0] if len(xt) > 1 else 1.0
    p.x_ticks(xt, lambda t: _tick_label(t, step), "tCO2e avoided per year (cumulative)")
    _legend(
        d,
        p.x0,
        _legend_y(height, title),
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
    d = _drawing(width, height, title)
    label_w = 130.0
    values = _finite([base, *low, *high]) or [0.0]
    xt = nice_ticks(min(values), max(values))
    box = (label_w, 34, width - label_w - 12, height - 62)
    p = _Plot(d, box, (xt[0], xt[-1]), [0.0, float(len(rows) or 1)])
    step = xt[1] - xt[0] if len(xt) > 1 else 1.0
    for t in xt:
        d.add(Line(p.x(t), p.y0, p.x(t), p.y0 + p.h, strokeColor=LIGHT, strokeWidth=0.5))
    for i, (name, lo, hi) in enumerate(rows):
        yc = p.y0 + p.h - (i + 0.5) * (p.h / max(len(rows), 1))
        for v in (float(lo), float(hi)):
            color = RED if v < base else BLUE
            x0, x1 = sorted((p.x(base), p.x(v)))
            d.add(Rect(x0, yc - 5, max(x1 - x0, 0.5), 10, fillColor=color, strokeColor=None))
        d.add(
            rich_string(label_w - 6, yc - 2.5, fit_text(str(name), label_w - 10, 7), anchor="end")
        )
    d.add(Line(p.x(base), p.y0, p.x(base), p.y0 + p.h, strokeColor=INK, strokeWidth=0.8))
    if xt[0] < 0 < xt[-1]:
        d.add(
            Line(
                p.x(0.0),
                p.y0,
                p.x(0.0),
                p.y0 + p.h,
                strokeColor=GREY,
                strokeWidth=0.6,
                strokeDashArray=[2, 2],
            )
        )
    p.x_ticks(xt, lambda t: _tick_label(t, step), f"ENPV, {unit}")
    _legend(
        d,
        p.x0,
        _legend_y(height, title),
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
    d = _drawing(width, height, title)
    counts = _finite(count) or [0.0]
    edges = _finite(list(bin_start) + list(bin_end)) or [0.0, 1.0]
    xt = nice_ticks(min(edges), max(edges))
    p = _Plot(d, (52, 40, width - 64, height - 66), (xt[0], xt[-1]), nice_ticks(0.0, max(counts)))
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
    if xt[0] < 0 < xt[-1]:
        d.add(Line(p.x(0.0), p.y0, p.x(0.0), p.y0 + p.h, strokeColor=INK, strokeWidth=0.8))
    step = xt[1] - xt[0] if len(xt) > 1 else 1.0
    p.x_ticks(xt, lambda t: _tick_label(t, step), f"ENPV, {unit}")
    _legend(
        d, p.x0, _legend_y(height, title), [("ENPV < 0", RED, "box"), ("ENPV ≥ 0", BLUE, "box")]
    )
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
    d = _drawing(width, height, title)
    xs = _finite(enpv) or [0.0, 1.0]
    xt = nice_ticks(min(xs), max(xs))
    p = _Plot(d, (52, 40, width - 64, height - 66), (xt[0], xt[-1]), [0.0, 0.25, 0.5, 0.75, 1.0])
    p.y_grid("cumulative probability")
    pts = [
        c
        for x, q in zip(enpv, cumulative_probability, strict=True)
        if math.isfinite(float(x)) and math.isfinite(float(q))
        for c in (p.x(float(x)), p.y(float(q)))
    ]
    if len(pts) >= 4:
        d.add(PolyLine(pts, strokeColor=NAVY, strokeWidth=1.6))
    if xt[0] < 0 < xt[-1]:
        d.add(
            Line(
                p.x(0.0),
                p.y0,
                p.x(0.0),
                p.y0 + p.h,
                strokeColor=RED,
                strokeWidth=0.8,
                strokeDashArray=[3, 2],
            )
        )
    step = xt[1] - xt[0] if len(xt) > 1 else 1.0
    p.x_ticks(xt, lambda t: _tick_label(t, step), f"ENPV, {unit}")
    _legend(
        d,
        p.x0,
        _legend_y(height, title),
        [("P(ENPV ≤ x)", NAVY, "line"), ("ENPV = 0", RED, "line")],
    )
    return d
