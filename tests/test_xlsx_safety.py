"""Untrusted .xlsx input: hostile and wrong files are refused, fast and in bounded memory.

The bombs are read in a subprocess that reports its own time and peak memory
(resource.getrusage maxrss), so the limits are measured, not assumed.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from appraisal.case import CaseError
from appraisal.cli import main
from appraisal.io.template import read_template
from appraisal.io.xlsx_safety import WorkbookRefused, checked_parts, mark_bad_numbers
from tests.conftest import ROOT

TEMPLATE = ROOT / "templates" / "appraisal-input-template.xlsx"
LIMIT_SECONDS = 5.0
LIMIT_MAXRSS_MB = 500.0

LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b']><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"&lol9;</workbook>"
)
EXTERNAL = (
    b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"&xxe;</workbook>"
)


def _with_part(name: str, body: bytes) -> bytes:
    """The blank template with one part replaced."""
    src = zipfile.ZipFile(io.BytesIO(TEMPLATE.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = body if info.filename == name else src.read(info.filename)
            dst.writestr(info.filename, data)
    return out.getvalue()


def _zip_bomb(path: Path, size: int) -> None:
    """A template whose first sheet part inflates to ``size`` bytes of spaces."""
    src = zipfile.ZipFile(io.BytesIO(TEMPLATE.read_bytes()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                chunk = b" " * (1 << 20)
                with dst.open(info.filename, "w", force_zip64=True) as fh:
                    for _ in range(size // len(chunk)):
                        fh.write(chunk)
            else:
                dst.writestr(info.filename, src.read(info.filename))


def _measure(path: Path) -> dict:
    """Read ``path`` in a fresh interpreter; its refusal message, time and peak memory."""
    code = f"""
import json, resource, time
from appraisal.case import CaseError
from appraisal.io.template import read_template
t = time.perf_counter()
try:
    read_template({str(path)!r})
    message = None
except CaseError as exc:
    message = str(exc)
seconds = time.perf_counter() - t
maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"message": message, "seconds": seconds, "maxrss_mb": maxrss_mb}}))
"""
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> bytes:
    """256 MiB (4x the part limit, 2x the total limit) inside about 0.3 MB."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    _zip_bomb(path, size=256 << 20)
    return path.read_bytes()


@pytest.mark.parametrize("kind", ["billion laughs", "external entity", "zip bomb"])
def test_hostile_parts_refused_fast_in_bounded_memory(tmp_path, bomb, kind):
    path = tmp_path / "hostile.xlsx"
    if kind == "billion laughs":
        path.write_bytes(_with_part("xl/workbook.xml", LAUGHS))
        word = "ENTITY"
    elif kind == "external entity":
        path.write_bytes(_with_part("xl/workbook.xml", EXTERNAL))
        word = "ENTITY"
    else:
        path.write_bytes(bomb)
        assert len(bomb) < 1024 * 1024
        word = "zip bomb"
    before = path.read_bytes()
    got = _measure(path)
    assert got["message"] and word in got["message"], got
    assert got["seconds"] < LIMIT_SECONDS, got
    assert got["maxrss_mb"] < LIMIT_MAXRSS_MB, got
    assert path.read_bytes() == before


def test_zip_bomb_that_lies_about_its_size_is_refused(bomb):
    # The central directory says 1000 bytes; the data inflates to 256 MiB. Parts
    # are read in chunks and counted, so the lie costs nothing.
    name = b"xl/worksheets/sheet1.xml"
    info = zipfile.ZipFile(io.BytesIO(bomb)).getinfo(name.decode())
    data = bytearray(bomb)
    cd = next(
        i
        for i in range(len(data))
        if data[i : i + 4] == b"PK\x01\x02" and data[i + 46 : i + 46 + len(name)] == name
    )
    if data[cd + 24 : cd + 28] == b"\xff\xff\xff\xff":  # the size is in the zip64 extra
        size_at = bytes(data).find(info.file_size.to_bytes(8, "little"), cd)
        data[size_at : size_at + 8] = (1000).to_bytes(8, "little")
    else:
        data[cd + 24 : cd + 28] = (1000).to_bytes(4, "little")
    lied = bytes(data)
    assert zipfile.ZipFile(io.BytesIO(lied)).getinfo(name.decode()).file_size == 1000
    with pytest.raises(WorkbookRefused):
        checked_parts(lied)


def test_defusedxml_guards_openpyxl_too():
    # Without our own check, openpyxl (with defusedxml) still refuses the entities.
    from defusedxml import EntitiesForbidden
    from openpyxl import xml as openpyxl_xml

    assert openpyxl_xml.DEFUSEDXML
    with pytest.raises(Exception) as info:  # openpyxl wraps the parser's exception
        openpyxl.load_workbook(io.BytesIO(_with_part("xl/workbook.xml", LAUGHS)))
    chain, exc = [], info.value
    while exc is not None:
        chain.append(exc)
        exc = exc.__cause__ or exc.__context__
    assert any(isinstance(e, EntitiesForbidden) for e in chain), chain


@pytest.mark.parametrize(
    ("name", "content", "word"),
    [
        ("case.xls", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504, ".xls"),
        ("case.csv", b"name,value\ncase,1\n", "CSV"),
        ("case.ods", b"PK\x03\x04", ".ods"),
        ("renamed.xlsx", b"%PDF-1.7\n%binary\n", "not an Excel workbook (it is a PDF)"),
        ("renamed.xlsx", b"name,value\ncase,1\n", "plain text"),
        ("encrypted.xlsx", bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504, "encrypted"),
        ("empty.xlsx", b"", "empty"),
    ],
)
def test_wrong_file_types_refused_with_a_clear_message(tmp_path, name, content, word):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CaseError) as info:
        read_template(path)
    (problem,) = info.value.problems
    assert problem.path == "(file)" and word in problem.message, problem.message


def test_ods_renamed_xlsx_refused(tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", "<office:document-content/>")
    path = tmp_path / "sheet.xlsx"
    path.write_bytes(out.getvalue())
    with pytest.raises(CaseError, match="OpenDocument"):
        read_template(path)


def test_huge_merged_range_refused_before_openpyxl():
    body = zipfile.ZipFile(TEMPLATE).read("xl/worksheets/sheet2.xml")
    body = body.replace(
        b"</sheetData>",
        b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
        1,
    )
    with pytest.raises(WorkbookRefused, match="merges more than"):
        checked_parts(_with_part("xl/worksheets/sheet2.xml", body))


def test_macros_dropped_and_xlsm_read(tmp_path):
    data = _with_part("xl/vbaProject.bin", b"not really VBA")
    parts = dict(checked_parts(data))
    assert "xl/vbaProject.bin" not in parts
    path = tmp_path / "case.xlsm"
    path.write_bytes(data)
    with pytest.raises(CaseError) as info:  # the blank template: required cells empty
        read_template(path)
    assert all("!" in p.path for p in info.value.problems)


# ------------------------------------------------------------ hostile member names
# Each archive is the blank template (written by `appraisal template`) with one
# member added by zipfile; the expected reason is the rule the name breaks.


def _with_member(name: str, body: bytes = b"<x/>") -> bytes:
    """The blank template with one more member ``name``."""
    src = zipfile.ZipFile(io.BytesIO(TEMPLATE.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr(name, body)
    return out.getvalue()


def _with_duplicate(name: str, body: bytes) -> bytes:
    """The blank template with a second member ``name`` (zipfile warns while writing it)."""
    src = zipfile.ZipFile(io.BytesIO(TEMPLATE.read_bytes()))
    out = io.BytesIO()
    with (
        pytest.warns(UserWarning, match="Duplicate name"),
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr(name, body)
    return out.getvalue()


def _cli(path: Path) -> subprocess.CompletedProcess[str]:
    """`appraisal validate path` in a fresh interpreter: its real stderr, warnings included."""
    return subprocess.run(
        [sys.executable, "-m", "appraisal.cli", "validate", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        ("../../x", "a path outside the archive"),
        ("xl/../../x", "a path outside the archive"),
        ("/abs/x", "an absolute path"),
        ("C:/x", "an absolute path"),
        ("xl\\worksheets\\sheet2.xml", "a backslash in the name"),
        ("..\\..\\x", "a backslash in the name"),
        ("xl/./workbook.xml", "an empty or '.' path segment"),
        ("xl/work\nbook.xml", "a control character"),
    ],
)
def test_hostile_member_names_refused_before_parsing(tmp_path, capsys, member, reason):
    data = _with_member(member)
    with pytest.raises(WorkbookRefused) as info:
        checked_parts(data)
    assert info.value.where == "(archive)"
    path = tmp_path / "loan.xlsx"
    path.write_bytes(data)
    assert main(["validate", str(path)]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: {path}: (archive): member {member!r}: {reason}"), line
    assert line.endswith("; expected a workbook saved by Excel or LibreOffice"), line


def test_member_outside_the_archive_message_in_full(tmp_path, capsys):
    # The message of the issue, word for word.
    path = tmp_path / "loan.xlsx"
    path.write_bytes(_with_member("../../x"))
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err == (
        f"error: {path}: (archive): member '../../x': a path outside the archive; "
        "expected a workbook saved by Excel or LibreOffice\n"
    )


@pytest.mark.parametrize("case_only", [False, True])
def test_duplicate_member_refused_without_a_warning_on_stderr(tmp_path, case_only):
    # Two different Economic sheets under one name: zipfile reads the second, a
    # program that reads the first sees another workbook.
    part = "xl/worksheets/sheet3.xml"
    first = zipfile.ZipFile(TEMPLATE).read(part)
    second = first.replace(b"</sheetData>", b"</sheetData><!-- second copy -->", 1)
    if case_only:  # part names compare case-insensitively (ECMA-376 Part 2, 9.1.1.1.2)
        data = _with_member(part.upper(), second)
        twice = part.upper()
    else:
        data = _with_duplicate(part, second)
        assert zipfile.ZipFile(io.BytesIO(data)).read(part) == second  # the hazard
        twice = part
    path = tmp_path / "loan.xlsx"
    path.write_bytes(data)
    proc = _cli(path)
    assert proc.returncode == 2
    assert proc.stderr == (
        f"error: {path}: (archive): member {twice!r}: the name occurs twice in the archive "
        "(one part read two ways); expected a workbook saved by Excel or LibreOffice\n"
    )
    assert proc.stdout == ""


def test_a_template_passes_the_member_checks_and_keeps_its_numbers():
    # Every member of a template written by openpyxl is a plain relative name,
    # and no number cell in it is rewritten.
    parts = checked_parts(TEMPLATE.read_bytes())
    assert len(parts) == len(zipfile.ZipFile(TEMPLATE).namelist())
    assert mark_bad_numbers(parts) == parts
