"""The appraisal workbook, recalculated from scratch by a second engine: Gnumeric.

LibreOffice (``tests/test_workbook.py``) is one independent engine; Gnumeric's
``ssconvert --recalc`` is another, with its own parser and function library, so
a formula that only one engine understands (MINIFS, IFS, XLOOKUP: Excel 2019
and later, which officers in borrowing governments often lack) fails here.
Every defined name of every case's workbook must equal the engine's JSON value
to the same tolerance as LibreOffice's (1e-9 relative), and a JSON null must be
the text ``n/a``.

Without ``ssconvert`` (Debian package ``gnumeric``; ``make system-deps``) the
tests are skipped, except when the CI environment variable is set: then they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from appraisal.io.workbook import render_workbook
from tests.test_workbook import SLUGS, _mismatches, _named_values, _results, expected_names

# Gnumeric's .xlsx has no named cell styles; openpyxl warns when it reads one.
pytestmark = pytest.mark.filterwarnings("ignore:Workbook contains no default style")


@pytest.fixture(scope="session")
def gnumeric_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every case's workbook as Gnumeric recalculated and saved it, by slug."""
    ssconvert = shutil.which("ssconvert")
    if ssconvert is None:
        message = "Gnumeric's ssconvert is not installed: run `make system-deps`"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and {message}")
        pytest.skip(message)
    base = tmp_path_factory.mktemp("gnumeric")
    out: dict[str, Path] = {}
    for slug, result in _results().items():
        src, dst = base / f"{slug}.xlsx", base / f"{slug}-gnumeric.xlsx"
        src.write_bytes(render_workbook(result))
        proc = subprocess.run(
            [ssconvert, "--recalc", str(src), str(dst)],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
            env={**os.environ, "HOME": str(base)},
        )
        assert proc.returncode == 0 and dst.exists(), f"ssconvert failed: {proc.stderr}"
        out[slug] = dst
    return out


@pytest.mark.parametrize("slug", SLUGS)
def test_gnumeric_recalculates_every_name_to_the_engine(
    gnumeric_run: dict[str, Path], slug: str
) -> None:
    result = _results()[slug]
    expected = expected_names(result.summary)
    values: dict[str, Any] = _named_values(gnumeric_run[slug])
    missing = sorted(set(expected) - set(values))
    assert not missing, f"names missing after Gnumeric: {missing}"
    wrong = _mismatches(values, expected)
    assert not wrong, "\n".join(w.replace("LibreOffice", "Gnumeric") for w in wrong)


@pytest.mark.parametrize("slug", SLUGS)
def test_gnumeric_leaves_no_error_in_a_named_cell(gnumeric_run: dict[str, Path], slug: str) -> None:
    # names outside the JSON contract too (the master check, risk, other blocks)
    errors = {
        name: v
        for name, v in _named_values(gnumeric_run[slug]).items()
        if isinstance(v, str) and v.startswith("#")
    }
    assert not errors
