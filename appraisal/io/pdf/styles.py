"""Page geometry, colours and paragraph styles of the PDF annex.

A4 portrait with 20 mm side margins; a restrained palette that prints well in
greyscale; body text in DejaVu Sans 9 pt (see :mod:`appraisal.io.pdf.fonts`).
:func:`p` and :func:`pm` make the paragraphs every section writes.
"""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph

from appraisal.io.pdf.fonts import BODY_BOLD, BODY_FONT, markup

DOCUMENT_TITLE = "Economic and Financial Analysis"
PAGE = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 22 * mm
FRAME_W = PAGE[0] - 2 * MARGIN_X
FRAME_H = PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM  # the text frame's height [pt] (about)

# Colours: a restrained palette that prints well in greyscale.
NAVY = colors.HexColor("#1F3B5A")
BLUE = colors.HexColor("#3A6EA5")
TEAL = colors.HexColor("#2E8B7A")
ORANGE = colors.HexColor("#D9822B")
RED = colors.HexColor("#B5473A")
GREY = colors.HexColor("#6B7280")
LIGHT = colors.HexColor("#E5E7EB")
INK = colors.HexColor("#1F2937")
ZEBRA = colors.HexColor("#F3F4F6")
RULE = colors.HexColor("#9CA3AF")

_STYLES: dict[str, ParagraphStyle] = {}


def styles() -> dict[str, ParagraphStyle]:
    """The paragraph styles by name (body, small, note, bullet, h1, h2, caption, cell, ...)."""
    if _STYLES:
        return _STYLES
    base = ParagraphStyle("body", fontName=BODY_FONT, fontSize=9, leading=12.5, spaceAfter=5)
    small = ParagraphStyle("small", parent=base, fontSize=7.5, leading=10, spaceAfter=3)
    bold = ParagraphStyle("bold", parent=base, fontName=BODY_BOLD)
    heading = ParagraphStyle("heading", parent=bold, textColor=NAVY, keepWithNext=True)
    head = ParagraphStyle(
        "head", parent=bold, fontSize=7.2, leading=8.8, spaceAfter=0, textColor=colors.white
    )
    _STYLES.update(
        body=base,
        small=small,
        note=ParagraphStyle("note", parent=small, textColor=GREY, spaceAfter=8),
        bullet=ParagraphStyle(
            "bullet", parent=base, leftIndent=10, bulletIndent=0, spaceAfter=3, bulletFontSize=9
        ),
        h1=ParagraphStyle(
            "h1", parent=heading, fontSize=13, leading=17, spaceBefore=4, spaceAfter=8
        ),
        h2=ParagraphStyle(
            "h2", parent=heading, fontSize=10, leading=13, spaceBefore=8, spaceAfter=4
        ),
        caption=ParagraphStyle(
            "caption",
            parent=bold,
            fontSize=8,
            leading=10.5,
            spaceBefore=6,
            spaceAfter=3,
            keepWithNext=True,
        ),
        cell=ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.2, spaceAfter=0),
        cell_head=ParagraphStyle("cell_head", parent=head, alignment=TA_CENTER),
        cell_head_left=ParagraphStyle("cell_head_left", parent=head, alignment=TA_LEFT),
        kicker=ParagraphStyle("kicker", parent=bold, fontSize=10, textColor=GREY, leading=14),
        title=ParagraphStyle(
            "title", parent=bold, fontSize=22, leading=28, textColor=NAVY, spaceAfter=10
        ),
        subtitle=ParagraphStyle(
            "subtitle", parent=base, fontSize=11, leading=15, textColor=INK, spaceAfter=6
        ),
    )
    return _STYLES


_NO_ROOM = (0, 0x7FFFFFFF)  # what Paragraph.wrap answers for a width it cannot use


# Parsed paragraph markup by (markup, style, bullet, cleaner): Para._setup. A style is
# keyed by identity: the annex's styles (styles()) are made once and never changed.
_PARSED: dict[tuple[Any, ...], tuple[str, ParagraphStyle, list[Any], Any]] = {}
# A fresh paragraph's wrap by (its _PARSED key, width): Para.wrap.
_FIRST_WRAP: dict[tuple[Any, ...], tuple[Any, ...]] = {}
_CACHE_MAX = 4096  # entries; a cache is emptied when full (a long-lived worker stays bounded)


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    if len(cache) >= _CACHE_MAX:
        cache.clear()
    cache[key] = value


class Para(Paragraph):
    """A reportlab Paragraph that does not break its lines again at the width it just used.

    A table lays out its cells' paragraphs several times at the same column
    width (to size the table, to test whether it fits with its caption, to split
    it over pages, to draw each part and each repeated header). Breaking again
    at the same width gives the same lines, so the last width's lines are kept
    and given again; another width breaks anew, as Paragraph does (reportlab
    keeps words it split at a narrower width). Same lines, same bytes; about a
    fifth of the annex's rendering time.

    Tables also repeat the same cell texts (years, labels, headers) in every
    section and every case: each distinct (markup, style, bullet) is parsed once
    per process (:meth:`_setup`), and the lines of its first wrap at a width are
    shared by the paragraphs of that text wrapped first at that width, where
    reportlab gives them as one list of lines (one font throughout: ``kind`` 0).
    """

    _memo: tuple[float, tuple[Any, ...]] | None = None
    _key: tuple[Any, ...] | None = None  # the parse's key, for a paragraph made from markup
    text: str  # (set by Paragraph._setup, as are the next three)
    style: ParagraphStyle
    frags: list[Any]
    bulletText: Any

    def _setup(self, text: str, style: Any, bulletText: Any, frags: Any, cleaner: Any) -> None:
        """Paragraph's set-up, parsing each distinct (markup, style, bullet) once per process.

        A table repeats the same cell texts (years, labels, headers) in every
        section, and parsing the markup is a third of a cell paragraph's cost.
        The parse is a pure function of the markup and the style; each paragraph
        gets its own copies of the parsed fragments (reportlab clones them before
        changing them, and so would a fresh parse), so the paragraphs stay
        independent.
        """
        if frags is not None:  # a part of a split paragraph: its own fragments
            super()._setup(text, style, bulletText, frags, cleaner)
            return
        key = (text, style, bulletText, cleaner)
        parsed = _PARSED.get(key)
        if parsed is None:
            super()._setup(text, style, bulletText, None, cleaner)
            parsed = (self.text, self.style, [f.clone() for f in self.frags], self.bulletText)
            _remember(_PARSED, key, parsed)
        else:
            self.text, self.style, frags, self.bulletText = parsed
            self.frags = [f.clone() for f in frags]
            self.debug = 0
        self._key = key

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        memo = self._memo
        if memo is not None and memo[0] == availWidth:
            self.width, self.height, self._wrapWidths, self._width_max, self.blPara = memo[1]
            return self.width, self.height
        first = None if memo is not None or self._key is None else (self._key, availWidth)
        shared = None if first is None else _FIRST_WRAP.get(first)
        if shared is not None:  # the lines a fresh paragraph of this text gets at this width
            state, self._splitLongWordCount, self._hyphenations = shared
            self.width, self.height, self._wrapWidths, self._width_max, self.blPara = state
            self._memo = (availWidth, state)
            return self.width, self.height
        out = super().wrap(availWidth, availHeight)
        if out != _NO_ROOM:  # a width too narrow for anything: Paragraph keeps no lines
            state = (self.width, self.height, self._wrapWidths, self._width_max, self.blPara)
            self._memo = (availWidth, state)
            if first is not None and self.blPara.kind == 0:  # (kind 1 rewrites self.frags)
                counts = (self._splitLongWordCount, self._hyphenations)
                _remember(_FIRST_WRAP, first, (state, *counts))
        return out


def p(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped; CJK runs get the CJK font)."""
    return Para(markup(text), styles()[style])


def pm(rich: str, style: str = "body") -> Paragraph:
    """A paragraph of ready markup (the caller escaped any case text with markup())."""
    if style == "bullet":
        return Para(rich, styles()[style], bulletText="•")
    return Para(rich, styles()[style])
