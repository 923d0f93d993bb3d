"""Tables, captions and numbering shared by every section of the PDF annex.

:func:`table` is the one bank-style table (navy header repeated on every page,
zebra rows, numbers right-aligned); :func:`yearly_table` and
:func:`component_table` build the two kinds every section has: one row a year
of a result table, and one row per component then the program;
:func:`frame_table` writes one row per row of any other result table. Cells are
formatted by :mod:`appraisal.formatting`, the rules the terminal and the
workbook use.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Spacer, Table, TableStyle
from reportlab.platypus.tables import CellStyle

from appraisal import formatting as fmt
from appraisal.io.pdf.fonts import BODY_BOLD, BODY_FONT, markup, register_fonts
from appraisal.io.pdf.styles import FRAME_H, FRAME_W, NAVY, RULE, ZEBRA, Para, p, pm, styles
from appraisal.result import AppraisalResult

Formatter = Callable[[float | None], str]
# A column of a per-component table: header, width [pt], key path in a summary
# block (as in the JSON summary: "economic.enpv"), formatter.
BlockColumn = tuple[str, float, str, Callable[[Any], str]]


class Numbering:
    """Table and figure numbers within a section: Table 3.1, Figure 3.1."""

    def __init__(self) -> None:
        self.section = 0
        self.tables = 0
        self.figures = 0

    def start(self, section: int) -> None:
        self.section, self.tables, self.figures = section, 0, 0

    def table(self) -> str:
        self.tables += 1
        return f"Table {self.section}.{self.tables}"

    def figure(self) -> str:
        self.figures += 1
        return f"Figure {self.section}.{self.figures}"


# ----------------------------------------------------------------- cells


def num(value: Any) -> float | None:
    """A table value as a float, or None where it is missing or not finite.

    Examples
    --------
    >>> num("2.5"), num(float("nan")), num(None)
    (2.5, None, None)
    """
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def given(value: float) -> str:
    """An input number as written in the case (no rounding: it is quoted, not computed).

    Examples
    --------
    >>> given(1.2), given(0.035)
    ('1.2', '0.035')
    """
    return f"{value:g}"


def change(value: Any, unit: str) -> str:
    """A sensitivity test's change as the terminal shows it: +10%, +1 yr ("" for none).

    >>> change(0.1, "decimal"), change(1.0, "years"), change(None, "decimal")
    ('+10%', '+1 yr', '')
    """
    return value if isinstance(value, str) else fmt.change(num(value), unit)


def switching(value: Any, unit: str) -> str:
    """A switching value as the terminal shows it: +49.1%, 0.63 yr, n/a.

    >>> switching(0.491, "decimal"), switching(0.634, "years"), switching(None, "years")
    ('+49.1%', '0.63 yr', 'n/a')
    """
    return value if isinstance(value, str) else fmt.switching_value(num(value), unit)


def yes(flag: bool) -> str:
    return "yes" if flag else "no"


def blocks(result: AppraisalResult) -> list[tuple[str, dict[str, Any]]]:
    """(label, summary block) for each component, then the program."""
    s = result.summary
    return [(c["id"], c) for c in s["components"]] + [("Program", s)]


# ----------------------------------------------------------------- tables


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    text_cols: Sequence[int] = (0,),
    bold_rows: Sequence[int] = (),
) -> Table:
    """A bank-style table: navy header repeated on every page, zebra rows, numbers right.

    ``text_cols`` hold free text (wrapped, per-run fonts); the other columns hold
    formatted numbers. ``bold_rows`` index ``rows`` (totals, present values).
    Widths [pt] are scaled down together when they exceed the frame.
    """
    st = styles()
    head = [
        Para(markup(h), st["cell_head_left" if i in text_cols else "cell_head"])
        for i, h in enumerate(header)
    ]
    body: list[list[Any]] = []
    for r in rows:
        body.append(
            [
                Para(markup(c), st["cell"]) if i in text_cols and isinstance(c, str) else c
                for i, c in enumerate(r)
            ]
        )
    t = Table(
        [head, *body],
        colWidths=fit_widths(header, widths),
        repeatRows=1,
        hAlign="LEFT",
        cellStyles=_cell_styles(len(header), len(body), text_cols, bold_rows),
    )
    style: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
    ]
    for b in bold_rows:
        style.append(("LINEABOVE", (0, b + 1), (-1, b + 1), 0.6, RULE))
    t.setStyle(TableStyle(style))
    return t


def _cell_styles(
    ncols: int, nrows: int, text_cols: Sequence[int], bold_rows: Sequence[int]
) -> list[list[CellStyle]]:
    """The cell styles of :func:`table`: header row, then ``nrows`` rows of the body.

    What these TableStyle commands would set cell by cell (``FONT`` all in
    BODY_FONT 7.5 pt, the bold rows in BODY_BOLD; ``VALIGN`` the header BOTTOM
    and the body TOP; ``ALIGN`` the body RIGHT, its text columns LEFT; padding
    2.2 pt top and bottom, 3.5 pt left and right), as six styles the cells share:
    reportlab draws a cell from its style's values, and changes the canvas's
    font and colour only where they differ from the previous cell's.
    """

    def make(name: str, font: str, valign: str, align: str) -> CellStyle:
        s = CellStyle(name)
        s.fontname, s.fontsize, s.leading = font, 7.5, 7.5 * 1.2  # as FONT with no leading
        s.valign, s.alignment = valign, align
        s.topPadding = s.bottomPadding = 2.2
        s.leftPadding = s.rightPadding = 3.5
        return s

    fonts = ((False, BODY_FONT), (True, BODY_BOLD))
    head = {bold: make("head", font, "BOTTOM", "LEFT") for bold, font in fonts}
    body = {
        (bold, left): make("body", font, "TOP", align)
        for bold, font in fonts
        for left, align in ((False, "RIGHT"), (True, "LEFT"))
    }
    left = {c % ncols for c in text_cols}  # (a negative index counts from the end)
    bold = {(b + 1) % (nrows + 1) for b in bold_rows}  # rows of the whole table
    return [[head[0 in bold]] * ncols] + [
        [body[i in bold, j in left] for j in range(ncols)] for i in range(1, nrows + 1)
    ]


HEAD_SIZE = 7.2  # font size of a table header [pt] (styles.py, "head")
PADDING = 3.5  # left and right padding of a cell [pt]


def header_width(text: str) -> float:
    """Width [pt] of the longest word of a header: its column wraps at spaces only.

    >>> round(header_width("Commitment fee"), 1) > round(header_width("fee"), 1)
    True
    """
    register_fonts()
    words = text.split() or [""]
    return max(stringWidth(w, BODY_BOLD, HEAD_SIZE) for w in words) + 2 * PADDING + 1.0


def fit_widths(header: Sequence[str], widths: Sequence[float]) -> list[float]:
    """Column widths [pt] no narrower than their header's longest word, within the frame.

    A column too narrow for a header word is widened (a header breaks at spaces,
    never inside a word: "Commitment fee", not "Commitm / ent fee"); when the
    table is then wider than the frame, the columns with room to spare give it up
    in proportion to their spare width.

    >>> fit_widths(["Year", "Commitment fee"], [40, 30])[1] > 30
    True
    """
    least = [header_width(h) for h in header]
    out = [max(w, lo) for w, lo in zip(widths, least, strict=True)]
    over = sum(out) - FRAME_W
    spare = sum(w - lo for w, lo in zip(out, least, strict=True))
    if over > 0 and spare > 0:
        cut = min(1.0, over / spare)
        out = [w - (w - lo) * cut for w, lo in zip(out, least, strict=True)]
    if sum(out) > FRAME_W:  # even the header words do not fit: scale all down
        out = [w * FRAME_W / sum(out) for w in out]
    return out


def frame_table(
    frame: pd.DataFrame,
    columns: Sequence[tuple[str, str, float, Callable[[Any], str]]],
    *,
    text_cols: Sequence[int] = (0,),
    totals: Sequence[Sequence[str]] = (),
) -> Table:
    """One row per row of ``frame``, then ``totals`` rows in bold.

    ``columns`` are (column of ``frame``, header, width [pt], formatter); a
    formatter gets the value as a number (:func:`num`), or as it is in ``text_cols``.
    """
    cells = [
        [f(v) if j in text_cols else f(num(v)) for v in frame[key].tolist()]
        for j, (key, _, _, f) in enumerate(columns)
    ]
    rows = [[c[i] for c in cells] for i in range(len(frame))]
    rows += [list(r) for r in totals]
    return table(
        [h for _, h, _, _ in columns],
        rows,
        [w for _, _, w, _ in columns],
        text_cols=text_cols,
        bold_rows=list(range(len(rows) - len(totals), len(rows))),
    )


def yearly_table(
    frame: pd.DataFrame,
    columns: Sequence[tuple[str, str, float, Formatter]],
    *,
    year_width: float,
    totals: Sequence[Sequence[str]] = (),
) -> Table:
    """One row a year of ``frame`` (indexed by year), then ``totals`` rows in bold.

    ``columns`` are (column of ``frame``, header, width [pt], formatter); each
    ``totals`` row has the year column's label and one cell per column.
    """
    cells = [[f(num(v)) for v in frame[key].tolist()] for key, _, _, f in columns]
    rows = [[str(int(y)), *(c[i] for c in cells)] for i, y in enumerate(frame.index)]
    rows += [list(r) for r in totals]
    return table(
        ["Year", *(h for _, h, _, _ in columns)],
        rows,
        [year_width, *(w for _, _, w, _ in columns)],
        bold_rows=list(range(len(rows) - len(totals), len(rows))),
    )


def frame_wide_yearly_table(
    frame: pd.DataFrame, columns: Sequence[tuple[str, str, Formatter]], *, year_width: float
) -> Table:
    """:func:`yearly_table` across the frame: the columns after the year share its width equally.

    ``columns`` are (column of ``frame``, header, formatter).
    """
    rest = (FRAME_W - year_width) / len(columns)
    return yearly_table(frame, [(k, h, rest, f) for k, h, f in columns], year_width=year_width)


def component_table(
    result: AppraisalResult, label_width: float, columns: Sequence[BlockColumn]
) -> Table:
    """One row per component, then the program's in bold, from their summary blocks.

    ``columns`` after the first ("Component", ``label_width`` [pt]) are
    (header, width [pt], key path in the block, formatter).
    """
    rows = [[label, *(f(_at(b, path)) for _, _, path, f in columns)] for label, b in blocks(result)]
    return table(
        ["Component", *(h for h, _, _, _ in columns)],
        rows,
        [label_width, *(w for _, w, _, _ in columns)],
        bold_rows=[len(rows) - 1],
    )


def _at(block: dict[str, Any], path: str) -> Any:
    """The value at a dotted key path of a summary block.

    Examples
    --------
    >>> _at({"cobenefits": {"jobs_operation": 12.0}}, "cobenefits.jobs_operation")
    12.0
    """
    value: Any = block
    for key in path.split("."):
        value = value[key]
    return value


# ----------------------------------------------------------------- captions


def captioned(caption: str, flowable: Flowable, note: str = "") -> list[Flowable]:
    """Caption above a table or chart; a source note below.

    A table of up to a third of a page is kept on one page with its caption and
    note (no caption or note left alone at a page's foot or head); a longer one
    flows over pages with its header repeated.
    """
    out: list[Flowable] = [pm(markup(caption), "caption"), flowable]
    if note:
        out.append(p(note, "note"))
    else:
        out.append(Spacer(1, 8))
    if isinstance(flowable, Table) and flowable.wrap(FRAME_W, FRAME_H)[1] <= FRAME_H / 3:
        return [KeepTogether(out)]  # (a KeepTogether inside another would never fit)
    return out


def figure(caption: str, drawing: Any, note: str = "") -> Flowable:
    """A captioned chart kept on one page."""
    return KeepTogether(captioned(caption, drawing, note))
