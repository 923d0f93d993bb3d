"""Fonts of the PDF annex: the font chosen per text run, and a clear error without DejaVu Sans.

The expected runs follow the Unicode blocks (CJK unified ideographs U+4E00-U+9FFF
in STSong-Light; Latin and Cyrillic in DejaVu Sans); the font files are the
Debian package fonts-dejavu-core's.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from appraisal.io import pdf
from appraisal.io.pdf import fonts


def test_font_runs_split_by_script() -> None:
    runs = pdf.font_runs("Xiangtan 湘潭, Астана")
    assert runs == [
        ("DejaVuSans", "Xiangtan "),
        ("STSong-Light", "湘潭"),
        ("DejaVuSans", ", Астана"),
    ]
    assert pdf.markup("A&B <湘潭>") == 'A&amp;B &lt;<font face="STSong-Light">湘潭</font>&gt;'


def test_missing_dejavu_font_fails_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(fonts, "FONT_DIRS", ())
    monkeypatch.setenv(fonts.FONT_DIR_ENV, str(tmp_path))
    with pytest.raises(pdf.FontError) as info:
        pdf.find_fonts()
    message = str(info.value)
    assert "DejaVuSans.ttf" in message
    assert "fonts-dejavu-core" in message
    assert str(tmp_path) in message
    # A folder named by the variable is used when it holds the files.
    for f in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        src = Path("/usr/share/fonts/truetype/dejavu") / f
        if not src.exists():
            pytest.skip("fonts-dejavu-core is not installed")
        (tmp_path / f).write_bytes(src.read_bytes())
    found = pdf.find_fonts()
    assert found["DejaVuSans"] == tmp_path / "DejaVuSans.ttf"
