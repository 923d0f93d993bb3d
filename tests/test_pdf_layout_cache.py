"""The PDF writer's shortcuts give reportlab's own answers (issue 13).

Sources of truth: reportlab's ``Paragraph`` (the class :class:`Para` stands in for:
the same lines at every width, in any order of widths), ``xml.sax.saxutils.escape``
(which ``fonts._escape`` replaces) and reportlab's font family table (which face
``<i>`` picks). The annex's bytes themselves are held by scripts/output-hashes.sh.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

import pytest
from reportlab.lib.fonts import tt2ps
from reportlab.platypus import Paragraph

from appraisal.io.pdf import fonts
from appraisal.io.pdf.styles import Para, styles

TEXTS = [
    "Xiangtan low-carbon transition: district heating, 湘潭 and Улаанбаатар",
    "<b>Bold</b> then plain text long enough to wrap over several lines at narrow widths",
    "2031",
    "",
]


def _lines(par: Paragraph) -> list[object]:
    bl = par.blPara
    if bl.kind == 0:
        return [(round(extra, 9), list(words)) for extra, words in bl.lines]
    return [(round(ln.extraSpace, 9), [w.text for w in ln.words]) for ln in bl.lines]


@pytest.mark.parametrize("text", TEXTS)
def test_para_wraps_as_paragraph_through_any_sequence_of_widths(text: str) -> None:
    # A paragraph's line breaks may depend on the widths it was broken at before
    # (reportlab keeps the words it split at a narrow width): Para must give what
    # a Paragraph wrapped through the same widths gives, repeats included.
    fonts.register_fonts()
    st = styles()["cell"]
    rich = fonts.markup(text) if "<b>" not in text else text
    cached, plain = Para(rich, st), Paragraph(rich, st)
    for width in (200.0, 200.0, 40.0, 40.0, 200.0, 1e-9, 90.0, 90.0, 90.0, 200.0):
        assert cached.wrap(width, 500.0) == plain.wrap(width, 500.0)
        if width > 1:
            assert _lines(cached) == _lines(plain)


@pytest.mark.parametrize("text", ["a<b & c>d", "&amp; <<>> &", "湘潭 & <i>", ""])
def test_escape_is_saxutils_escape(text: str) -> None:
    assert fonts._escape(text) == escape(text)


def test_italic_falls_back_to_upright_unless_the_oblique_faces_are_asked_for() -> None:
    fonts.register_fonts()
    if fonts.BODY_ITALIC not in fonts.pdfmetrics.getRegisteredFontNames():
        assert tt2ps(fonts.BODY_FONT, 0, 1) == fonts.BODY_FONT
    if fonts.find_fonts()[fonts.BODY_ITALIC] is None:
        pytest.skip("DejaVu Sans Oblique is not installed")
    fonts.register_fonts(oblique=True)
    assert tt2ps(fonts.BODY_FONT, 0, 1) == fonts.BODY_ITALIC
    assert tt2ps(fonts.BODY_FONT, 1, 1) == fonts.BODY_BOLD_ITALIC
