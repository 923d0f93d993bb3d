"""The PDF annex as a whole: the sections in order, the page template and footers.

:func:`render_pdf` lays out the title page, then each section of :data:`SECTIONS`
(its heading, then what its builder returns) on A4 pages whose footer carries
the case name, the money unit and "Page n of N".
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
)

from appraisal._version import __version__
from appraisal.io.pdf.climate_finance import climate_finance_section
from appraisal.io.pdf.cobenefits import cobenefits_section
from appraisal.io.pdf.drawing import fit_text, rich_string, rich_width
from appraisal.io.pdf.economic import economic_section
from appraisal.io.pdf.financial import financial_section
from appraisal.io.pdf.fonts import BODY_FONT, register_fonts
from appraisal.io.pdf.ghg import ghg_section
from appraisal.io.pdf.layout import Numbering
from appraisal.io.pdf.method import checks_section, method_section
from appraisal.io.pdf.risk import risk_section
from appraisal.io.pdf.styles import (
    DOCUMENT_TITLE,
    FRAME_W,
    GREY,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PAGE,
    RULE,
    p,
)
from appraisal.io.pdf.summary import project_section, title_page
from appraisal.result import AppraisalResult

__all__ = ["SECTIONS", "render_pdf"]

Section = Callable[[AppraisalResult, Numbering], list[Flowable]]

# The annex's sections, in the order of an ADB "Economic and Financial Analysis"
# linked document: (heading, builder of what follows the heading).
_SECTIONS: tuple[tuple[str, Section], ...] = (
    ("1. The project and its components", project_section),
    ("2. Method and assumptions", method_section),
    ("3. Economic analysis", economic_section),
    ("4. Financial analysis", financial_section),
    ("5. GHG emissions and abatement cost", ghg_section),
    ("6. Co-benefits", cobenefits_section),
    ("7. Climate finance and adaptation", climate_finance_section),
    ("8. Sensitivity and risk", risk_section),
    ("9. Checks and caveats", checks_section),
)
SECTIONS = tuple(heading for heading, _ in _SECTIONS)


def _canvas_class(footer_left: str, footer_right: str) -> type:
    """A canvas that knows the page count when it draws the footers ("Page 3 of 17")."""

    class _FooterCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            page = self.getPageNumber()
            y = MARGIN_BOTTOM - 10 * mm
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN_X, y + 9, PAGE[0] - MARGIN_X, y + 9)
            right = f"{footer_right}   Page {page} of {total}"
            size = 7.0
            right_w = rich_width(right, size)
            left = fit_text(footer_left, FRAME_W - right_w - 20, size)
            for element in (
                rich_string(MARGIN_X, y, left, size=size, color=GREY),
                rich_string(PAGE[0] - MARGIN_X, y, right, size=size, anchor="end", color=GREY),
            ):
                for string in element.contents:
                    self.setFont(string.fontName, string.fontSize)
                    self.setFillColor(string.fillColor)
                    self.drawString(string.x, string.y, string.text)
            if page > 1:
                self.setFont(BODY_FONT, 7.0)
                self.setFillColor(GREY)
                self.drawRightString(PAGE[0] - MARGIN_X, PAGE[1] - 12 * mm, DOCUMENT_TITLE)
            self.restoreState()

    return _FooterCanvas


def render_pdf(result: AppraisalResult) -> bytes:
    """The PDF appraisal annex of a result, as bytes.

    Parameters
    ----------
    result
        The appraisal (see :func:`appraisal.appraise`); ``result.sensitivity`` and
        ``result.risk`` are rendered in Section 8 when present.

    Returns
    -------
    bytes
        An A4 PDF: title page, then the sections in :data:`SECTIONS`. Same result,
        same bytes (reportlab invariant mode: fixed dates and document ID).

    Raises
    ------
    appraisal.io.pdf.FontError
        When the DejaVu Sans TrueType font is not installed.
    """
    register_fonts()
    meta = result.case.meta
    buf = io.BytesIO()
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        FRAME_W,
        PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc = BaseDocTemplate(
        buf,
        pagesize=PAGE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=f"{DOCUMENT_TITLE}: {meta.name}",
        author="appraisal",
        subject=f"Economic and financial analysis, {meta.money}",
        creator=f"appraisal {__version__}",
        producer=f"appraisal {__version__} (ReportLab)",
        keywords="",
        invariant=1,
        pageCompression=1,
    )
    doc.addPageTemplates(
        [PageTemplate(id="title", frames=[frame]), PageTemplate(id="body", frames=[frame])]
    )
    story: list[Flowable] = title_page(result)
    story += [NextPageTemplate("body"), PageBreak()]
    n = Numbering()
    for i, (heading, build) in enumerate(_SECTIONS, start=1):
        n.start(i)
        if i > 1:
            story.append(CondPageBreak(220))
        story.append(p(heading, "h1"))
        story += build(result, n)
    doc.build(story, canvasmaker=_canvas_class(meta.name, meta.money))
    return buf.getvalue()
