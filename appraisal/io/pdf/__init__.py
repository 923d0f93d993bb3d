"""The PDF appraisal annex, in the structure of an ADB "Economic and Financial Analysis".

:func:`render_pdf` turns an :class:`~appraisal.result.AppraisalResult` into the
bytes of a PDF: a title page with the key figures, then eight sections (see
:data:`SECTIONS`) with tables that split across pages under repeated headers and
vector charts (:mod:`appraisal.io.pdf.charts`). Pure rendering: every number is
read from the result object (its tables and its ``summary``, the JSON contract)
and formatted by :mod:`appraisal.formatting`, the rules the terminal table and the
workbook use, so the three say the same thing. Inputs quoted from the case
(conversion factors, emission factors) are shown as written in the case.

The file is reproducible: reportlab's invariant mode fixes the creation date and
the document ID, so the same result gives the same bytes.

Fonts: DejaVu Sans (embedded TrueType, from ``fonts-dejavu-core``) for Latin and
Cyrillic, STSong-Light (Adobe CID font) for Chinese, chosen per text run
(:mod:`appraisal.io.pdf.fonts`).

Modules: ``document`` (section order, page template, footers), ``fonts``,
``styles`` (page geometry, colours, paragraph styles), ``layout`` (the shared
table, caption and numbering helpers), ``drawing`` and ``charts``, then one
module per section: ``summary`` (title page and Section 1), ``method``
(Sections 2 and 8), ``economic``, ``financial``, ``ghg``, ``cobenefits`` and
``risk`` (Section 8).
"""

from appraisal.io.pdf.charts import (
    cash_flow_chart,
    emissions_chart,
    histogram_chart,
    mac_chart,
    s_curve_chart,
    tornado_chart,
)
from appraisal.io.pdf.document import SECTIONS, render_pdf
from appraisal.io.pdf.drawing import rich_string, rich_width
from appraisal.io.pdf.fonts import (
    BODY_BOLD,
    BODY_FONT,
    CJK_FONT,
    FontError,
    find_fonts,
    font_runs,
    markup,
    register_fonts,
)

__all__ = [
    "BODY_BOLD",
    "BODY_FONT",
    "CJK_FONT",
    "SECTIONS",
    "FontError",
    "cash_flow_chart",
    "emissions_chart",
    "find_fonts",
    "font_runs",
    "histogram_chart",
    "mac_chart",
    "markup",
    "register_fonts",
    "render_pdf",
    "rich_string",
    "rich_width",
    "s_curve_chart",
    "tornado_chart",
]
