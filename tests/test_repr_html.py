"""The result in a notebook: ``AppraisalResult._repr_html_``.

Expected values are the terminal's own strings (``appraisal.formatting``, the
rules of the summary table) and the JSON summary's checks; the HTML is parsed
back with the standard library's ``html.parser``, independent of how it is built.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from appraisal import appraise
from appraisal import formatting as fmt
from appraisal.case import parse_case
from appraisal.checks import CHECK_LABELS
from tests.conftest import minimal_case


class _Cells(HTMLParser):
    """The text of every table cell, row by row; and whether any tag is a script."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.tags: set[str] = set()
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _parse(html: str) -> _Cells:
    parser = _Cells()
    parser.feed(html)
    return parser


def test_key_results_and_checks_as_the_terminal_shows_them() -> None:
    data = minimal_case()
    data["case"]["name"] = "<script>alert(1)</script> & Co"
    result = appraise(parse_case(data))
    html = result._repr_html_()
    cells = _parse(html)
    assert "script" not in cells.tags  # the case's name is text, not markup
    assert "&lt;script&gt;" in html
    s = result.summary
    program = next(r for r in cells.rows if r and r[0] == "Program")
    assert program == fmt.summary_row("Program", s)
    assert fmt.money(s["economic"]["enpv"]) in program
    assert fmt.rate(s["economic"]["eirr"]) in program
    assert cells.rows[0] == fmt.summary_headers(s["case"]["currency"])
    for c in s["checks"]:
        assert [CHECK_LABELS[c["code"]], c["severity"], c["message"]] in cells.rows


def test_every_check_code_has_words() -> None:
    # Every code a Check is made with in the package's source has a label.
    root = Path(__file__).resolve().parents[1] / "appraisal"
    codes = {
        m
        for path in root.rglob("*.py")
        for m in re.findall(r'Check\(\s*"([a-z0-9-]+)"', path.read_text("utf-8"))
    }
    assert codes and not codes - set(CHECK_LABELS), codes - set(CHECK_LABELS)
