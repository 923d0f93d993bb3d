"""LibreOffice Calc, headless, as an independent spreadsheet engine for the tests.

The engine never needs this: only the tests recalculate the emitted workbooks.

LibreOffice does not recalculate an .xlsx it did not write unless told to: it
trusts the cached values. A private user profile whose
``registrymodifications.xcu`` sets ``/org.openoffice.Office.Calc/Formula/Load``
``OOXMLRecalcMode`` (and ``ODFRecalcMode``) to 0, "always recalculate", makes it
recompute every formula on load; ``--convert-to xlsx`` then saves the values it
computed as the new cached values, which openpyxl reads with ``data_only=True``.
The profile lives in a temporary directory so the user's own LibreOffice
settings are neither read nor changed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

__all__ = ["SofficeMissing", "find_soffice", "print_pdf", "recalculate"]

_REGISTRY = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
 <prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class SofficeMissing(RuntimeError):
    """LibreOffice's ``soffice`` is not on the PATH."""


def find_soffice() -> str:
    """Path of ``soffice`` (or ``libreoffice``); raises :class:`SofficeMissing`."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise SofficeMissing(
        "LibreOffice is not installed: run `make system-deps` "
        "(Debian/Ubuntu: apt-get install libreoffice-calc-nogui)"
    )


def _recalculating_profile(profile_dir: Path) -> None:
    """Make ``profile_dir`` a user profile that recalculates every workbook on load."""
    user = profile_dir / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(_REGISTRY, encoding="utf-8")


def print_pdf(
    files: list[Path], out_dir: Path, profile_dir: Path, *, timeout: float, recalc: bool
) -> None:
    """Print workbooks to PDF (``out_dir``/stem.pdf) with LibreOffice in one headless run.

    ``recalc``: recalculate on load (the profile of :func:`recalculate`); otherwise
    print the cached values, with a fresh default profile. Raises on a failed run.
    """
    soffice = find_soffice()
    if recalc:
        _recalculating_profile(profile_dir)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile_dir.resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out_dir),
            *map(str, files),
        ],
        capture_output=True,
        timeout=timeout,
        check=True,
        env={**os.environ, "HOME": str(profile_dir)},
    )


def recalculate(
    files: list[Path], out_dir: Path, profile_dir: Path, *, timeout: float = 300
) -> list[Path]:
    """Recalculate workbooks with LibreOffice Calc in one headless run.

    Parameters
    ----------
    files
        .xlsx files to recalculate (all in one ``soffice`` invocation, for speed).
    out_dir
        Where the recalculated copies are written, under the same file names.
    profile_dir
        A private, empty-or-reused LibreOffice user profile directory.

    Returns
    -------
    list of Path
        The recalculated files, in the order of ``files``.
    """
    soffice = find_soffice()
    _recalculating_profile(profile_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "HOME": str(profile_dir)}
    cmd = [
        soffice,
        f"-env:UserInstallation={profile_dir.resolve().as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        "xlsx:Calc MS Excel 2007 XML",
        "--outdir",
        str(out_dir),
        *(str(f) for f in files),
    ]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=timeout, env=env, check=False
    )
    outs = [out_dir / f.name for f in files]
    missing = [p.name for p in outs if not p.exists()]
    if proc.returncode != 0 or missing:
        raise RuntimeError(
            f"soffice failed (exit {proc.returncode}; missing {missing}):\n"
            f"{proc.stdout}\n{proc.stderr}"
        )
    return outs
