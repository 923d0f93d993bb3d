"""``font_runs`` (one regular-expression pass) splits text as the per-character test did.

Reference kept here: the per-character ``any()`` over the CJK ranges that
``appraisal.io.pdf.fonts`` used before, joining equal neighbours. The ranges' ends
(first and last code point of each Unicode block, and their outer neighbours) come
from the table itself; Unicode blocks: https://www.unicode.org/Public/UCD/latest/ucd/Blocks.txt
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from appraisal.io.pdf.fonts import _CJK_RANGES, BODY_FONT, CJK_FONT, font_runs


def per_character(text: str, font: str) -> list[tuple[str, str]]:
    runs: list[tuple[str, str]] = []
    for ch in text:
        o = ord(ch)
        f = CJK_FONT if any(lo <= o <= hi for lo, hi in _CJK_RANGES) else font
        if runs and runs[-1][0] == f:
            runs[-1] = (f, runs[-1][1] + ch)
        else:
            runs.append((f, ch))
    return runs


EDGES = [chr(c) for lo, hi in _CJK_RANGES for c in (lo - 1, lo, hi, hi + 1)]
OTHERS = [*"aZ -]^\\[", "Ж", "é", "湘", "😀", "\n"]


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(st.sampled_from(EDGES + OTHERS), max_size=20).map("".join),
    font=st.sampled_from([BODY_FONT, CJK_FONT, "DejaVuSans-Bold"]),
)
def test_runs_as_per_character(text: str, font: str) -> None:
    assert font_runs(text, font) == per_character(text, font)


def test_block_ends() -> None:
    # The first and last code point of CJK Unified Ideographs (U+4E00..U+9FFF) are CJK;
    # U+4DFF (Yijing hexagram symbols) is not (Blocks.txt).
    assert font_runs("\u4e00\u9fff") == [(CJK_FONT, "\u4e00\u9fff")]
    assert font_runs("\u4dff") == [(BODY_FONT, "\u4dff")]
    assert font_runs("") == []
