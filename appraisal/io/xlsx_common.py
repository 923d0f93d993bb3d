"""Shared helpers for the .xlsx files we write (the appraisal workbook, the input template).

- :func:`set_text` writes user text as text, never as a formula (text that starts
  with = + - @ would otherwise be taken as one by a spreadsheet).
- :func:`workbook_bytes` saves a workbook deterministically: fixed document
  properties and zip timestamps, so the same inputs give the same bytes.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from typing import Any

__all__ = ["FIXED_TIME", "normalize_xlsx_bytes", "set_text", "workbook_bytes"]

FIXED_TIME = _dt.datetime(2000, 1, 1, 0, 0, 0)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_FORMULA_START = ("=", "+", "-", "@")


def set_text(cell: Any, value: str) -> None:
    """Put ``value`` in an openpyxl cell as a string, even if it looks like a formula."""
    cell.value = value
    cell.data_type = "s"  # openpyxl would otherwise mark "=..." as a formula


def is_formula_like(value: str) -> bool:
    """Whether a spreadsheet would read this text as a formula."""
    return value.startswith(_FORMULA_START)


def normalize_xlsx_bytes(data: bytes) -> bytes:
    """Rewrite an .xlsx so it is byte-for-byte reproducible.

    Every zip entry gets a fixed timestamp and permissions, entries keep their
    order, and the created/modified times in ``docProps/core.xml`` are fixed.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                text = body.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    lambda m: m.group(1) + stamp + m.group(3),
                    text,
                )
                body = text.encode("utf-8")
            zi = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body, compresslevel=6)
    return out.getvalue()


def workbook_bytes(wb: Any) -> bytes:
    """Save an openpyxl workbook to deterministic bytes."""
    wb.properties.creator = "appraisal"
    wb.properties.lastModifiedBy = "appraisal"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buf = io.BytesIO()
    wb.save(buf)
    return normalize_xlsx_bytes(buf.getvalue())
