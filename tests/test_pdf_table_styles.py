"""The PDF table's shared cell styles and cached paragraphs draw what reportlab would (issue 13).

Sources of truth: reportlab itself. ``layout.table`` gives its cells six shared
styles instead of applying TableStyle commands cell by cell; the reference is a
table built with those commands (``_REFERENCE_COMMANDS``, the commands the table
used before): the same values in every cell, and the same PDF bytes for a table
long enough to split over pages with its header repeated. ``Para`` parses each
markup once per process and shares a fresh paragraph's first lines; the
reference is a plain ``Paragraph`` of the same markup, wrapped through the same
widths.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from reportlab.lib import colors
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

from appraisal.io.pdf import fonts, layout
from appraisal.io.pdf.styles import NAVY, RULE, ZEBRA, Para, styles

_CELL_ATTRS = (
    "fontname",
    "fontsize",
    "leading",
    "leftPadding",
    "rightPadding",
    "topPadding",
    "bottomPadding",
    "color",
    "alignment",
    "valign",
    "href",
    "destination",
    "direction",
    "shaping",
)


def _reference_commands(text_cols: list[int], bold_rows: list[int]) -> list[tuple[Any, ...]]:
    """The TableStyle commands ``layout.table`` applied cell by cell before."""
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), fonts.BODY_FONT, 7.5),
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("ALIGN", (0, 1), (-1, -1), "RIGHT"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
    ]
    for c in text_cols:
        style.append(("ALIGN", (c, 1), (c, -1), "LEFT"))
    for b in bold_rows:
        row = b + 1
        style += [
            ("FONT", (0, row), (-1, row), fonts.BODY_BOLD, 7.5),
            ("LINEABOVE", (0, row), (-1, row), 0.6, RULE),
        ]
    return style


def _reference_table(
    header: list[str], rows: list[list[Any]], widths: list[float], **kw: Any
) -> Table:
    """``layout.table`` as it was: the same cells, styled by TableStyle commands."""
    text_cols, bold_rows = list(kw.get("text_cols", (0,))), list(kw.get("bold_rows", ()))
    new = layout.table(header, rows, widths, text_cols=text_cols, bold_rows=bold_rows)
    t = Table(new._cellvalues, colWidths=new._argW, repeatRows=1, hAlign="LEFT")
    t.setStyle(TableStyle(_reference_commands(text_cols, bold_rows)))
    return t


def _rows(n: int) -> list[list[Any]]:
    return [[f"Row {i} 湘潭", f"{i * 1.5:,.1f}", str(i), f"note {i}"] for i in range(n)]


CASES = [
    dict(text_cols=(0,), bold_rows=()),
    dict(text_cols=(0, 3), bold_rows=(4,)),
    dict(text_cols=(), bold_rows=(0, 5)),
    dict(text_cols=(-1,), bold_rows=(-1,)),  # negative indexes count from the end
    dict(text_cols=(0,), bold_rows=(-1,), n=0),  # no body: row -1 is the header
]


@pytest.mark.parametrize("case", CASES)
def test_cell_styles_are_what_the_commands_set(case: dict[str, Any]) -> None:
    fonts.register_fonts()
    n = case.get("n", 6)
    header, rows, widths = ["Item", "Value", "Count", "Note"], _rows(n), [120.0, 60.0, 50.0, 90.0]
    kw = {k: v for k, v in case.items() if k != "n"}
    new = layout.table(header, rows, widths, **kw)
    ref = _reference_table(header, rows, widths, **kw)
    assert len(new._cellStyles) == len(ref._cellStyles) == n + 1
    for new_row, ref_row in zip(new._cellStyles, ref._cellStyles, strict=True):
        for a, b in zip(new_row, ref_row, strict=True):
            assert [getattr(a, k) for k in _CELL_ATTRS] == [getattr(b, k) for k in _CELL_ATTRS]
    non_cell = [c for c in ref._bkgrndcmds], [c for c in ref._linecmds]
    assert (new._bkgrndcmds, new._linecmds) == non_cell


def _pdf(story: list[Any]) -> bytes:
    buf = io.BytesIO()
    SimpleDocTemplate(buf, invariant=1).build(story)
    return buf.getvalue()


def test_a_long_table_draws_the_same_bytes_over_pages() -> None:
    # 150 rows: the table splits over pages, its header repeated on each.
    fonts.register_fonts()
    header, rows, widths = ["Item", "Value", "Count", "Note"], _rows(150), [120.0, 60.0, 50.0, 90.0]
    kw = dict(text_cols=(0, 3), bold_rows=(149,))
    new, ref = (
        layout.table(header, rows, widths, **kw),
        _reference_table(header, rows, widths, **kw),
    )
    assert _pdf([new]) == _pdf([ref])
    assert _pdf([new]).count(b"/Type /Page\n") > 2


def _lines(par: Paragraph) -> list[object]:
    bl = par.blPara
    if bl.kind == 0:
        return [(round(extra, 9), list(words)) for extra, words in bl.lines]
    return [(round(ln.extraSpace, 9), [w.text for w in ln.words]) for ln in bl.lines]


TEXTS = ["2031", "Program", fonts.markup("Xiangtan 湘潭 & Улаанбаатар"), "<b>Bold</b> then plain"]


@pytest.mark.parametrize("text", TEXTS)
def test_a_paragraph_of_a_text_seen_before_wraps_as_a_fresh_paragraph(text: str) -> None:
    fonts.register_fonts()
    st = styles()["cell"]
    first = Para(text, st)  # parses the markup, and leaves its lines to share
    parsed = {id(f) for f in first.frags}
    for width in (200.0, 9.0, 60.0):
        first.wrap(width, 500.0)
    second, plain = Para(text, st), Paragraph(text, st)
    assert second.text == plain.text and second.bulletText == plain.bulletText
    assert len(second.frags) == len(plain.frags)
    assert not parsed & {id(f) for f in second.frags}  # its own copies of the fragments
    for width in (200.0, 60.0, 9.0, 9.0, 200.0, 1e-9, 90.0):
        assert second.wrap(width, 500.0) == plain.wrap(width, 500.0)
        if width > 1:
            assert _lines(second) == _lines(plain)


def test_a_bulleted_paragraph_parses_as_a_fresh_one() -> None:
    fonts.register_fonts()
    st = styles()["bullet"]
    a, b = Para("Point one", st, bulletText="•"), Para("Point one", st, bulletText="•")
    plain = Paragraph("Point one", st, bulletText="•")
    assert b.bulletText == plain.bulletText == a.bulletText
    assert _pdf([b]) == _pdf([plain])
