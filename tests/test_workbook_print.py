"""The appraisal workbook on paper: every case's workbook printed to PDF by LibreOffice.

One ``soffice --convert-to pdf`` run prints every case's workbook (recalculated
on load, with the private profile of :mod:`tests.libreoffice`); ``pdftotext``
reads the pages back. What a reviewer handed the print must get:

- text large enough to read: the words on every page at least 6.5 points tall
  (10-point text printed at no less than 65%, the size of a bank report's
  smallest table print; the sheets used to be squeezed to one page width, about
  4 points for the cash-flow sheets);
- no page wasted: a sheet prints on at most twice the pages its content fills at
  that scale, plus one (a half-empty last page, a page break before a chart);
- no error and no ``###`` (a number too wide for its column) on any page;
- the sheet and the case named in each page's header, "Page x of y" in the footer;
- every text cell fits its column or wraps, measured with Arial's metrics
  (Helvetica's, published in the AFM files reportlab carries) against Excel's
  column width (7 pixels a character plus 5, at 0.75 point a pixel).

Without LibreOffice or poppler the tests are skipped, except when CI is set.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import statistics
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

import appraisal
from appraisal.io.workbook import render_workbook
from tests.conftest import CASE_FILES

SLUGS = [f.parent.name for f in CASE_FILES]
ERRORS = ("#N/A", "#VALUE!", "#NUM!", "#DIV/0!", "#REF!", "#NAME?", "###")
MIN_TEXT_POINTS = 6.5  # 10-point text at 65%
A4 = (595.3, 841.9)  # points


@pytest.fixture(scope="session")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """slug -> (workbook, its PDF), every case printed in one LibreOffice run."""
    from tests.libreoffice import SofficeMissing, find_soffice, print_pdf

    try:
        find_soffice()
        if shutil.which("pdftotext") is None:
            raise SofficeMissing("poppler's pdftotext is missing: run `make system-deps`")
    except SofficeMissing as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and a tool is missing: {exc}")
        pytest.skip(str(exc))
    base = tmp_path_factory.mktemp("print")
    files = []
    for f in CASE_FILES:
        path = base / f"{f.parent.name}.xlsx"
        path.write_bytes(render_workbook(appraisal.appraise(appraisal.load_case(f))))
        files.append(path)
    out = base / "pdf"
    print_pdf(files, out, base / "profile", timeout=600, recalc=True)
    return {p.stem: (p, out / f"{p.stem}.pdf") for p in files}


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return text.split("\f")[:-1]


def _sheet_of(page: str, sheets: list[str]) -> str:
    """The sheet a page prints: the header's right-hand text (``&A``)."""
    first = page.strip().splitlines()[0].rstrip()
    hits = [s for s in sheets if first.endswith(s)]
    assert hits, f"no sheet named in the header {first!r}"
    return max(hits, key=len)


def _word_heights(pdf: Path) -> dict[int, list[float]]:
    """Page -> heights of its words (points), from pdftotext's bounding boxes."""
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    out: dict[int, list[float]] = {}
    for i, page in enumerate(html.split("<page ")[1:], start=1):
        out[i] = [
            float(y1) - float(y0)
            for y0, y1 in re.findall(
                r'<word xMin="[^"]*" yMin="([^"]*)" xMax="[^"]*" yMax="([^"]*)"', page
            )
        ]
    return out


def _column_points(width: float | None) -> float:
    """Excel's column width in points: 7 pixels a character plus 5, 0.75 point a pixel."""
    return ((width or 8.43) * 7 + 5) * 0.75


def _text_points(text: str, font: Any) -> float:
    name = "Helvetica-Bold" if font.b else "Helvetica"
    size = float(font.sz or 10)
    return max(
        sum(float(stringWidth(ch, name, size)) if ord(ch) < 256 else size for ch in line)
        for line in text.split("\n")
    )


@pytest.mark.parametrize("slug", SLUGS)
def test_no_error_on_any_page(printed: dict[str, tuple[Path, Path]], slug: str) -> None:
    text = "\f".join(_pages(printed[slug][1]))
    assert not [e for e in ERRORS if e in text]
    assert "n/a" in text or slug != "xiangtan"  # Xiangtan's parts without revenue: FNPV n/a


@pytest.mark.parametrize("slug", SLUGS)
def test_every_page_is_readable_and_named(printed: dict[str, tuple[Path, Path]], slug: str) -> None:
    xlsx, pdf = printed[slug]
    wb = openpyxl.load_workbook(xlsx)
    pages = _pages(pdf)
    heights = _word_heights(pdf)
    case_name = wb["About"]["B5"].value
    for i, page in enumerate(pages, start=1):
        lines = [ln for ln in page.strip().splitlines() if ln.strip()]
        _sheet_of(page, wb.sheetnames)
        assert lines[0].strip().startswith(case_name[:30])
        assert f"Page {i} of {len(pages)}" in page
        # the header and footer are 8 points by design: the body's median word
        body = heights[i][1:-4] or heights[i]
        assert statistics.median(body) >= MIN_TEXT_POINTS, f"page {i}: text too small"


@pytest.mark.parametrize("slug", SLUGS)
def test_pages_per_sheet_within_bound(printed: dict[str, tuple[Path, Path]], slug: str) -> None:
    xlsx, pdf = printed[slug]
    wb = openpyxl.load_workbook(xlsx)
    counts: dict[str, int] = {}
    for page in _pages(pdf):
        sheet = _sheet_of(page, wb.sheetnames)
        counts[sheet] = counts.get(sheet, 0) + 1
    assert set(counts) == set(wb.sheetnames)
    for ws in wb.worksheets:
        landscape = ws.page_setup.orientation == "landscape"
        page_w, page_h = (A4[1], A4[0]) if landscape else A4
        m = ws.page_margins
        page_w -= 72 * (m.left + m.right)
        page_h -= 72 * (m.top + m.bottom)
        wide = sum(
            _column_points(ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width)
            for c in range(1, ws.max_column + 1)
        )
        for chart in ws._charts:  # charts add their size below or beside the cells
            wide = max(wide, chart.width / 2.54 * 72)
        tall = sum(ws.row_dimensions[r].height or 12.8 for r in range(1, ws.max_row + 1))
        tall += sum(chart.height / 2.54 * 72 for chart in ws._charts)
        filled = math.ceil(wide * 0.65 / page_w) * math.ceil(tall * 0.65 / page_h)
        bound = 2 * filled + 1
        assert counts[ws.title] <= bound, f"{ws.title}: {counts[ws.title]} pages > {bound}"


@pytest.mark.parametrize("slug", SLUGS)
def test_every_text_fits_its_column_or_wraps(
    printed: dict[str, tuple[Path, Path]], slug: str
) -> None:
    wb = openpyxl.load_workbook(printed[slug][0])
    cut = []
    for ws in wb.worksheets:
        rows: dict[int, list[Any]] = {}
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    rows.setdefault(cell.row, []).append(cell)
        for cells in rows.values():
            if len(cells) == 1:
                continue  # a title or a note alone in its row runs on into the empty cells
            for cell in cells:
                if cell.data_type != "s" or cell.alignment.wrap_text:
                    continue
                width = ws.column_dimensions[cell.column_letter].width
                # LibreOffice and Excel keep about 2 points of margin each side
                if _text_points(cell.value, cell.font) > _column_points(width) - 4:
                    cut.append(f"{ws.title}!{cell.coordinate} {cell.value[:40]!r}")
    assert not cut, cut[:10]


def test_one_font_family_and_the_print_setup(printed: dict[str, tuple[Path, Path]]) -> None:
    xlsx, _ = printed["xiangtan"]
    wb = openpyxl.load_workbook(xlsx)
    assert {f.name for f in wb._fonts} == {"Arial"}
    assert wb.sheetnames[0] == "About"
    for ws in wb.worksheets:
        assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.page_setup.fitToHeight == 0 and ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.oddFooter.center.text == "Page &P of &N"
        assert ws.oddHeader.right.text == "&A"
        if ws.freeze_panes and ws.freeze_panes[1:] != "1":
            assert ws.print_title_rows, ws.title
