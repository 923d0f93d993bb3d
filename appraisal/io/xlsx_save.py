"""Saving an openpyxl workbook as reproducible .xlsx bytes, with formulas' cached values.

- :func:`workbook_bytes` saves a workbook deterministically: fixed document
  properties and zip timestamps, so the same inputs give the same bytes. Its
  worksheets are written by :mod:`appraisal.io.xlsx_sheetdata` (openpyxl's bytes,
  faster) where the installed openpyxl allows, else by openpyxl itself.
- :func:`add_cached_values` writes each formula cell's cached value (openpyxl
  writes none), so a viewer that does not calculate shows the value; :data:`NA`
  is the cached value of a cell showing ``#N/A``.
- :func:`normalize_xlsx_bytes` makes any saved .xlsx reproducible.

:mod:`appraisal.io.xlsx_common` re-exports these for every writer.
"""

from __future__ import annotations

import datetime as _dt
import io
import re
import zipfile
from collections.abc import Mapping
from html import escape
from typing import Any

from appraisal.io import xlsx_sheetdata

__all__ = [
    "FIXED_TIME",
    "NA",
    "add_cached_values",
    "normalize_xlsx_bytes",
    "workbook_bytes",
]

FIXED_TIME = _dt.datetime(2000, 1, 1, 0, 0, 0)
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class _NA:
    """The cached value of a cell that shows Excel's #N/A error."""

    def __repr__(self) -> str:
        return "NA"


NA = _NA()


def _stamp_core(body: bytes) -> bytes:
    """``docProps/core.xml`` with its created and modified times fixed."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    text = re.sub(
        r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
        lambda m: m.group(1) + stamp + m.group(3),
        body.decode("utf-8"),
    )
    return text.encode("utf-8")


class _Entries:
    """The entries openpyxl's writer puts in a zip archive, kept in memory in order.

    What the writer asks of a ``zipfile.ZipFile`` (``writestr``, ``write``,
    ``namelist``, ``close``), without building the uncompressed zip that would
    only be read back to be deflated. As in a zip, a name written twice is listed
    twice and reads as its last body.
    """

    def __init__(self) -> None:
        self.names: list[str] = []
        self.bodies: dict[str, bytes] = {}

    def writestr(self, name: Any, data: str | bytes, *args: Any, **kwargs: Any) -> None:
        name = (
            getattr(name, "filename", None) or zipfile.ZipInfo(name).filename
        )  # as a zip names it
        self.names.append(name)
        self.bodies[name] = data.encode("utf-8") if isinstance(data, str) else bytes(data)

    def write(self, filename: str, arcname: str | None = None, *args: Any, **kwargs: Any) -> None:
        with open(filename, "rb") as f:
            self.writestr(arcname if arcname is not None else filename, f.read())

    def namelist(self) -> list[str]:
        return list(self.names)

    def close(self) -> None:
        pass

    def entries(self) -> list[tuple[str, bytes]]:
        """(name, body) of each entry, in order, as reading the zip back would give."""
        return [(name, self.bodies[name]) for name in self.names]


def _zip_entries(data: bytes) -> list[tuple[str, bytes]]:
    """(name, body) of each entry of a zip, in order."""
    src = zipfile.ZipFile(io.BytesIO(data))
    return [(info.filename, src.read(info.filename)) for info in src.infolist()]


def _write_normalized(
    src: list[tuple[str, bytes]], change: Mapping[str, Any] | None = None
) -> bytes:
    """The entries ``src`` (name, body) zipped reproducibly, ``change[name](body)`` applied.

    Every entry gets a fixed timestamp and permissions and is deflated at level 6;
    ``docProps/core.xml`` gets fixed times.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for filename, body in src:
            if filename == "docProps/core.xml":
                body = _stamp_core(body)
            if change is not None and filename in change:
                body = change[filename](body)
            zi = zipfile.ZipInfo(filename, date_time=_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, body, compresslevel=6)
    return out.getvalue()


def normalize_xlsx_bytes(data: bytes) -> bytes:
    """Rewrite an .xlsx so it is byte-for-byte reproducible.

    Every zip entry gets a fixed timestamp and permissions, entries keep their
    order, and the created/modified times in ``docProps/core.xml`` are fixed.
    """
    return _write_normalized(_zip_entries(data))


def workbook_bytes(wb: Any, cached: dict[tuple[str, str], Any] | None = None) -> bytes:
    """Save an openpyxl workbook to deterministic bytes.

    openpyxl's writer fills an uncompressed zip (what ``Workbook.save`` does, less
    its deflating, which the normalising rewrite would redo), then every entry is
    deflated once, reproducibly. With ``cached`` ((sheet title, coordinate) ->
    value), the formula cells' cached values are written in that same rewrite
    (:func:`add_cached_values`), so nothing is deflated twice.
    """
    wb.properties.creator = "appraisal"
    wb.properties.lastModifiedBy = "appraisal"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    done: set[str] = set()  # sheets whose formulas all got their cached values already
    buf = io.BytesIO()
    if wb.read_only or wb.write_only:  # openpyxl's own checks and steps for these
        wb.save(buf)
    elif xlsx_sheetdata.fast_writer_available():  # openpyxl's bytes, faster
        entries = _Entries()  # the entries, not an uncompressed zip read back
        done = xlsx_sheetdata.write_package(wb, entries, cached, _v_xml)
        if cached is not None:
            return _add_cached_values(entries.entries(), cached, done)
        return _write_normalized(entries.entries())
    else:
        from openpyxl.writer.excel import ExcelWriter

        with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED, allowZip64=True) as archive:
            ExcelWriter(wb, archive).save()
    if cached is not None:
        return _add_cached_values(_zip_entries(buf.getvalue()), cached, done)
    return normalize_xlsx_bytes(buf.getvalue())


def _v_xml(value: Any) -> tuple[str, str]:
    """(t attribute, <v> text) of a cached value."""
    if type(value) is float:  # the most common, first
        return "", repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if value is NA:
        return ' t="e"', "#N/A"
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, str):
        return ' t="str"', escape(value, quote=False)
    v = float(value)
    return "", repr(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def add_cached_values(data: bytes, cached: dict[tuple[str, str], Any]) -> bytes:
    """Write each formula cell's cached value into the saved .xlsx (``<v>`` element).

    openpyxl writes formulas without cached values, so a viewer that does not
    calculate would show empty cells; this fills them in.

    Parameters
    ----------
    data
        An .xlsx saved by openpyxl (formulas carry an empty ``<v/>``).
    cached
        (sheet title, coordinate) -> value: a number, bool, text or :data:`NA`.

    Raises
    ------
    ValueError
        If a formula cell has no registered value: every value must be visible
        without recalculation.
    """
    return _add_cached_values(_zip_entries(data), cached, set())


def _add_cached_values(
    src: list[tuple[str, bytes]], cached: Mapping[tuple[str, str], Any], done: set[str]
) -> bytes:
    """:func:`add_cached_values` on the entries ``src``, passing over the sheets in ``done``."""
    body_of = dict(src)  # the last body of each name, as a zip reads
    wb_xml = body_of["xl/workbook.xml"].decode("utf-8")
    rels = body_of["xl/_rels/workbook.xml.rels"].decode("utf-8")
    targets = dict(re.findall(r'<Relationship[^>]*Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
    targets |= {
        k: v for v, k in re.findall(r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)
    }
    sheet_file: dict[str, str] = {}
    for name, rid in re.findall(r'<sheet name="([^"]*)" sheetId="\d+"[^>]*r:id="(rId\d+)"', wb_xml):
        title = (
            name.replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", '"')
            .replace("&apos;", "'")
        )
        target = targets[rid].lstrip("/")
        sheet_file[target if target.startswith("xl/") else "xl/" + target] = title
    cell_re = re.compile(r'<c r="([A-Z]+\d+)"((?: [st]="[^"]*")*)><f>(.*?)</f><v\s*/></c>', re.S)
    missing: list[str] = []

    def fill(title: str) -> Any:
        def sub(m: re.Match[str]) -> str:
            key = (title, m.group(1))
            if key not in cached:
                missing.append(f"{title}!{m.group(1)}")
                return m.group(0)
            attrs = re.sub(r' t="[^"]*"', "", m.group(2))
            t, v = _v_xml(cached[key])
            return f'<c r="{m.group(1)}"{attrs}{t}><f>{m.group(3)}</f><v>{v}</v></c>'

        return lambda body: cell_re.sub(sub, body.decode("utf-8")).encode("utf-8")

    # One rewrite: the cached values and the normalising (fixed times, level 6).
    change = {name: fill(title) for name, title in sheet_file.items() if name not in done}
    out = _write_normalized(src, change)
    if missing:
        raise ValueError(f"formula cells without a cached value: {', '.join(missing[:10])}")
    return out
