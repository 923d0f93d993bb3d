"""Fonts of the PDF annex, chosen per text run so that mixed scripts render.

Latin and Cyrillic text is set in DejaVu Sans, a TrueType font embedded in the
PDF (Debian package ``fonts-dejavu-core``); Chinese, Japanese kana and
full-width forms in reportlab's Adobe CID font STSong-Light (Adobe-GB1, not
embedded: every PDF viewer supplies it). The font is chosen per text run, so a
name such as "湘潭低碳转型 / Улаанбаатар" renders in both scripts:
:func:`font_runs` splits a string, :func:`markup` writes Paragraph markup and
:func:`appraisal.io.pdf.drawing.rich_string` draws the runs in a chart.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont

__all__ = [
    "BODY_BOLD",
    "BODY_FONT",
    "CJK_FONT",
    "FONT_DIRS",
    "FONT_DIR_ENV",
    "FontError",
    "find_fonts",
    "font_runs",
    "markup",
    "register_fonts",
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


def register_fonts(*, oblique: bool = False) -> None:
    """Register DejaVu Sans (regular and bold) and STSong-Light once per process.

    The annex sets no italic text, so the oblique faces are loaded only when
    asked for (``oblique=True``; reading a TrueType file's metrics takes about
    50 ms each); without them, italic markup falls back to the upright faces, as
    it does when they are not installed.

    Raises
    ------
    FontError
        When DejaVu Sans is not installed (see :func:`find_fonts`).
    """
    registered = pdfmetrics.getRegisteredFontNames()
    if BODY_FONT in registered and (not oblique or BODY_ITALIC in registered):
        return
    paths = find_fonts()
    wanted = (BODY_FONT, BODY_BOLD, *((BODY_ITALIC, BODY_BOLD_ITALIC) if oblique else ()))
    for name in wanted:
        path = paths[name]
        if path is not None and name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(path)))
    if CJK_FONT not in registered:
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))
    registered = pdfmetrics.getRegisteredFontNames()
    # Oblique variants are optional: fall back to the upright faces.
    italic = BODY_ITALIC if BODY_ITALIC in registered else BODY_FONT
    bold_italic = BODY_BOLD_ITALIC if BODY_BOLD_ITALIC in registered else BODY_BOLD
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


_CJK_CLASS = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _CJK_RANGES)
# One match per run: group 1 a run of CJK characters, else a run of the others.
_RUNS = re.compile(f"([{_CJK_CLASS}]+)|[^{_CJK_CLASS}]+")


def font_runs(text: str, font: str = BODY_FONT) -> list[tuple[str, str]]:
    """Split ``text`` into ``(font, run)`` pairs: CJK runs in STSong-Light, the rest in ``font``.

    One regular-expression pass over the text (linear in its length).

    Examples
    --------
    >>> font_runs("Xiangtan 湘潭 Астана")
    [('DejaVuSans', 'Xiangtan '), ('STSong-Light', '湘潭'), ('DejaVuSans', ' Астана')]
    """
    if font == CJK_FONT:  # one font throughout: one run
        return [(font, text)] if text else []
    return [(CJK_FONT if m[1] else font, m[0]) for m in _RUNS.finditer(text)]


def _escape(text: str) -> str:
    """``xml.sax.saxutils.escape`` (&, >, < in that order), without importing it.

    (``xml.sax.saxutils`` imports ``urllib.request``, ``http.client``, ``ssl`` and
    ``email``: about 50 ms of the PDF writer's start.)

    >>> _escape("a<b & c>d")
    'a&lt;b &amp; c&gt;d'
    """
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def markup(text: str) -> str:
    """Paragraph markup of plain ``text``: XML-escaped, CJK runs in the CJK font.

    Examples
    --------
    >>> markup("A&B <湘潭>")
    'A&amp;B &lt;<font face="STSong-Light">湘潭</font>&gt;'
    """
    return "".join(
        f'<font face="{CJK_FONT}">{_escape(run)}</font>' if f == CJK_FONT else _escape(run)
        for f, run in font_runs(text)
    )
