"""Untrusted .xlsx input: check the file before openpyxl parses it.

An .xlsx from outside is a zip of XML parts written by anybody. Before openpyxl
sees a byte, :func:`load_workbooks` checks, and refuses with a message:

- the name: only ``.xlsx`` and ``.xlsm`` (an ``.xls``, ``.csv`` or ``.ods`` is
  refused with what to do instead);
- the file size (:data:`MAX_FILE_BYTES`) and its signature: a zip; an OLE2
  compound file is an old ``.xls`` or an encrypted (password-protected)
  workbook; an OpenDocument zip is an ``.ods``; anything else is not a workbook;
- the member names: an absolute name (``/x``, ``C:/x``), a ``..``, ``.`` or
  empty path segment, a backslash, a control character, or a name that occurs
  twice (also when only its case differs: part names are case-insensitive,
  ECMA-376 Part 2 §9.1.1.1.2) is refused before any part is read. Python's
  zipfile reads the last of two equal names, so one file could be read two
  ways; a name that climbs out of the archive is what "zip slip" tools use;
- the zip: entry count, encrypted entries, declared and actual uncompressed size
  of each part and of all parts, compression ratio (zip bombs). Parts are
  decompressed in chunks and counting stops at the limit, so a part that lies
  about its size costs no more than the limit;
- every XML part: UTF-8, no ``<!DOCTYPE`` or ``<!ENTITY`` (entity expansion,
  "billion laughs", and external entities); defusedxml, which openpyxl uses
  when it is installed, refuses them too, and its presence is asserted;
- merged-cell ranges: openpyxl materialises every cell of a merged range, so a
  huge range is refused before it does.

Macro parts (``vbaProject.bin`` and friends) are dropped, never kept or run.
openpyxl then reads a zip rebuilt in memory from exactly the checked parts, in
which a number cell whose stored text is not a finite number (``NaN``, ``INF``,
``-INF``, ``1e999``, ``abc``: openpyxl cannot parse them and would refuse the
whole file) is turned into an error cell holding that text
(:func:`mark_bad_numbers`), so the reader names the cell.
"""

from __future__ import annotations

import html
import io
import math
import os
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "MAX_ENTRIES",
    "MAX_FILE_BYTES",
    "MAX_MERGED_CELLS",
    "MAX_PART_BYTES",
    "MAX_RATIO",
    "MAX_TOTAL_BYTES",
    "WorkbookRefused",
    "checked_parts",
    "load_workbooks",
    "mark_bad_numbers",
]

# A filled template is about 100 kB zipped and a few MB unzipped; the limits
# leave two orders of magnitude of room and keep memory far below 500 MB.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 128 * 1024 * 1024
MAX_ENTRIES = 2000
# Compression ratio above which a part larger than RATIO_MIN_BYTES is refused.
# Spreadsheet XML compresses 10-50x; deflate's maximum is about 1030x.
MAX_RATIO = 200
RATIO_MIN_BYTES = 1024 * 1024
# Cells covered by merged ranges, per sheet.
MAX_MERGED_CELLS = 100_000

SUFFIXES = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
MACRO_PARTS = re.compile(r"(^|/)(vbaProject\.bin|vbaProjectSignature\.bin|vbaData\.xml)$", re.I)
XML_PARTS = re.compile(r"\.(xml|rels|vml)$", re.I)
DTD = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.I)
MERGE_REF = re.compile(rb'<mergeCell\s+ref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"')

_SUFFIX_ADVICE = {
    ".xls": "an old Excel 97-2003 workbook (.xls)",
    ".csv": "a CSV text file",
    ".ods": "an OpenDocument spreadsheet (.ods)",
}


class WorkbookRefused(ValueError):
    """The file is not a workbook we read, or it is unsafe to read.

    ``where`` is what the message is about: ``(file)``, or ``(archive)`` for a
    member name of the zip.
    """

    def __init__(self, message: str, where: str = "(file)") -> None:
        super().__init__(message)
        self.where = where


_MEMBER_ADVICE = "expected a workbook saved by Excel or LibreOffice"
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
DRIVE = re.compile(r"^[A-Za-z]:")


def _show(name: str) -> str:
    """A member name for a message: quoted, escaped, at most about 80 characters."""
    return repr(name if len(name) <= 80 else name[:77] + "...")


def _check_member_names(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse member names that are not plain relative paths, or occur twice."""
    seen: set[str] = set()
    for info in infos:
        # orig_filename: zipfile cuts a name at a NUL, which would hide it.
        name = info.orig_filename
        why = ""
        if CONTROL.search(name):
            why = "a control character in the name"
        elif "\\" in name:
            why = "a backslash in the name (zip member names use '/')"
        elif name.startswith("/") or DRIVE.match(name):
            why = "an absolute path"
        elif ".." in name.split("/"):
            why = "a path outside the archive"
        elif any(seg in ("", ".") for seg in name.rstrip("/").split("/")):
            why = "an empty or '.' path segment"
        elif name.casefold() in seen:
            # zipfile would read the last copy, another program the first.
            why = "the name occurs twice in the archive (one part read two ways)"
        if why:
            raise WorkbookRefused(f"member {_show(name)}: {why}; {_MEMBER_ADVICE}", "(archive)")
        seen.add(name.casefold())


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _check_suffix(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix in SUFFIXES:
        return
    what = _SUFFIX_ADVICE.get(suffix, f"a {suffix or 'file without extension'} file")
    raise WorkbookRefused(
        f"{what} is not read; expected an Excel workbook (.xlsx or .xlsm): "
        "open it in a spreadsheet program and save it as Excel Workbook (.xlsx)"
    )


def _read_limited(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise WorkbookRefused(f"{size} bytes is too large; expected at most {MAX_FILE_BYTES}")
        with path.open("rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise WorkbookRefused(f"cannot read the file: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookRefused(f"the file is too large; expected at most {MAX_FILE_BYTES} bytes")
    return data


def _check_signature(data: bytes) -> None:
    if data.startswith(OLE_MAGIC):
        raise WorkbookRefused(
            "an OLE2 compound file: an old Excel 97-2003 workbook (.xls) renamed, or an "
            "encrypted (password-protected) workbook; remove the password and save it as "
            "Excel Workbook (.xlsx)"
        )
    if not data.startswith(ZIP_MAGIC):
        start = data[:8]
        hint = ""
        if start.startswith(b"%PDF"):
            hint = " (it is a PDF)"
        elif not data:
            hint = " (it is empty)"
        elif all(32 <= b < 127 or b in (9, 10, 13) for b in data[:512]):
            hint = " (it is plain text, e.g. CSV)"
        raise WorkbookRefused(
            f"not an Excel workbook{hint}: an .xlsx file is a zip archive; "
            "save the file as Excel Workbook (.xlsx)"
        )


def _check_part_xml(name: str, body: bytes) -> None:
    utf16 = body[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in body[:64]
    if XML_PARTS.search(name) and utf16:
        raise WorkbookRefused(f"part {name} is not UTF-8 XML; refused")
    if DTD.search(body):
        raise WorkbookRefused(
            f"part {name} declares a DOCTYPE or ENTITY (XML entity expansion or an "
            "external entity); refused: spreadsheet programs never write them"
        )
    if name.lower().startswith("xl/worksheets/") and b"<mergeCell" in body:
        covered = 0
        for m in MERGE_REF.finditer(body):
            rows = abs(int(m.group(4)) - int(m.group(2))) + 1
            cols = abs(_col_number(m.group(3)) - _col_number(m.group(1))) + 1
            covered += rows * cols
            if covered > MAX_MERGED_CELLS:
                raise WorkbookRefused(
                    f"part {name} merges more than {MAX_MERGED_CELLS} cells; refused"
                )


def checked_parts(data: bytes) -> list[tuple[str, bytes]]:
    """The parts of an .xlsx (name, bytes), each checked; macro parts dropped.

    Raises
    ------
    WorkbookRefused
        With the reason, for any failed check.
    """
    _check_signature(data)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise WorkbookRefused(f"not a readable zip archive ({exc}); refused") from None
    if len(infos) > MAX_ENTRIES:
        raise WorkbookRefused(f"{len(infos)} zip entries; expected at most {MAX_ENTRIES}")
    _check_member_names(infos)
    names = {i.filename for i in infos}
    if "mimetype" in names and "[Content_Types].xml" not in names:
        raise WorkbookRefused(
            "an OpenDocument spreadsheet (.ods) renamed; save it as Excel Workbook (.xlsx)"
        )
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/") for n in names):
        raise WorkbookRefused(
            "a zip archive but not an Excel workbook (no [Content_Types].xml or xl/ parts)"
        )
    declared = sum(i.file_size for i in infos)
    if declared > MAX_TOTAL_BYTES:
        raise WorkbookRefused(
            f"parts uncompress to {declared} bytes; expected at most {MAX_TOTAL_BYTES} "
            "(a zip bomb?)"
        )
    parts: list[tuple[str, bytes]] = []
    total = 0
    for info in infos:
        name = info.filename
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise WorkbookRefused(f"part {name} is encrypted; refused")
        if info.file_size > MAX_PART_BYTES:
            raise WorkbookRefused(
                f"part {name} uncompresses to {info.file_size} bytes; expected at most "
                f"{MAX_PART_BYTES} (a zip bomb?)"
            )
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise WorkbookRefused(
                f"part {name} compresses {info.file_size // max(info.compress_size, 1)}:1; "
                f"expected at most {MAX_RATIO}:1 (a zip bomb?)"
            )
        chunks: list[bytes] = []
        size = 0
        try:
            with zf.open(info) as fh:
                while chunk := fh.read(1 << 16):
                    size += len(chunk)
                    total += len(chunk)
                    if size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
                        raise WorkbookRefused(
                            f"part {name} uncompresses to more than its limit "
                            f"({MAX_PART_BYTES} bytes a part, {MAX_TOTAL_BYTES} in all; "
                            "a zip bomb?)"
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as exc:
            raise WorkbookRefused(f"part {name} cannot be read ({exc}); refused") from None
        if MACRO_PARTS.search(name):
            continue  # macros are never kept or run
        body = b"".join(chunks)
        _check_part_xml(name, body)
        parts.append((name, body))
    return parts


CELL = re.compile(rb"<((?:[\w.-]+:)?c)((?:\s[^>]*?)?)(/>|>(.*?)</\1\s*>)", re.S)
CELL_VALUE = re.compile(rb"<((?:[\w.-]+:)?v)>([^<]*)</\1\s*>")
CELL_TYPE = re.compile(rb"""\st\s*=\s*(["'])(.*?)\1""")
# A value that is surely a finite number (at most 1e15 * 1e99), or empty: a part
# whose every value looks like this is left alone without a look at its cells.
UNUSUAL_VALUE = re.compile(
    rb"<(?:[\w.-]+:)?v>(?!(?:\s*-?\d{1,15}(?:\.\d{0,30})?(?:[eE][+-]?\d{1,2})?\s*)?</)"
)


def _is_stored_number(text: str) -> bool:
    """Whether openpyxl reads ``text`` as a finite number (its own int/float cast)."""
    try:
        value = float(text) if ("." in text or "e" in text or "E" in text) else int(text)
    except ValueError:
        return False
    return not isinstance(value, float) or math.isfinite(value)


def _mark_cell(m: re.Match[bytes]) -> bytes:
    body = m.group(4)
    if body is None:
        return m.group(0)
    attrs = m.group(2)
    kind = CELL_TYPE.search(attrs)
    if kind is not None and kind.group(2) != b"n":
        return m.group(0)
    value = CELL_VALUE.search(body)
    if value is None or not value.group(2):
        return m.group(0)
    if _is_stored_number(html.unescape(value.group(2).decode("utf-8", "replace"))):
        return m.group(0)
    if kind is None:
        attrs += b' t="e"'
    else:
        attrs = attrs[: kind.start()] + b' t="e"' + attrs[kind.end() :]
    return b"<" + m.group(1) + attrs + b">" + body + b"</" + m.group(1) + b">"


def mark_bad_numbers(parts: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The parts with every number cell openpyxl cannot read turned into an error cell.

    A number cell (no ``t`` or ``t="n"``) whose stored text is not a finite
    number (``<v>NaN</v>``, ``INF``, ``-INF``, ``1e999``, text) makes openpyxl
    refuse the whole file. As an error cell (``t="e"``) holding the same text it
    is read, and the reader names the cell (an Excel error value starts with
    ``#``; these never do).

    >>> body = b'<row><c r="B4"><v>NaN</v></c><c r="C4"><v>0.09</v></c></row>'
    >>> mark_bad_numbers([("xl/worksheets/sheet1.xml", body)])[0][1]
    b'<row><c r="B4" t="e"><v>NaN</v></c><c r="C4"><v>0.09</v></c></row>'
    """
    out = []
    for name, body in parts:
        if XML_PARTS.search(name) and name.lower().startswith("xl/") and UNUSUAL_VALUE.search(body):
            body = CELL.sub(_mark_cell, body)
        out.append((name, body))
    return out


def _rebuild(parts: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for name, body in parts:
            zf.writestr(name, body)
    return out.getvalue()


def load_workbooks(path: str | os.PathLike[str]) -> tuple[Any, Callable[[], Any]]:
    """Check ``path`` and open it with openpyxl; the cached values on demand.

    Returns
    -------
    (formulas, values)
        ``load_workbook(data_only=False)`` of the checked parts (``read_only=False``,
        ``keep_vba=False``), and a function that loads them with ``data_only=True``
        (the values cached for formulas; loaded only when a formula is met). The
        file is only read, never written.

    Raises
    ------
    WorkbookRefused
        When the file is not an .xlsx/.xlsm workbook or fails a safety check.
    """
    from openpyxl import xml as openpyxl_xml

    if not openpyxl_xml.DEFUSEDXML:
        raise WorkbookRefused(
            "defusedxml is not installed, so openpyxl would parse XML unprotected; "
            "install defusedxml"
        )
    p = Path(path)
    _check_suffix(p)
    data = _rebuild(mark_bad_numbers(checked_parts(_read_limited(p))))
    formulas = _load(data, data_only=False)
    cache: list[Any] = []

    def values() -> Any:
        if not cache:
            cache.append(_load(data, data_only=True))
        return cache[0]

    return formulas, values


def _load(data: bytes, *, data_only: bool) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(
            io.BytesIO(data), read_only=False, data_only=data_only, keep_vba=False
        )
    except Exception as exc:  # untrusted input: any parser failure is a refusal
        detail = " ".join(str(exc).split())[:300]  # one line, bounded
        raise WorkbookRefused(
            f"not a readable Excel workbook ({type(exc).__name__}: {detail})"
        ) from None
