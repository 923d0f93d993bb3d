"""Outputs: all or nothing (appraisal.io.atomic), and never over an input of the same run.

The faults are injected: a full disk (ENOSPC from ``os.write``) on the Nth file, a
rename refused (``os.replace``) on the Nth file, a file system without hard links, an
interrupt. The expectation in each case is the definition of all-or-nothing (issue
14): no new file is left, and an earlier set of the same names keeps its bytes.
"""

from __future__ import annotations

import errno
import hashlib
import os
import tempfile
from pathlib import Path

import pytest

from appraisal.batch import appraise_one
from appraisal.cli import main
from appraisal.io.atomic import ReplacesInputError, refuse_replacing, write_all_atomic
from appraisal.io.batch_outputs import write_batch
from tests.conftest import CASES

NAMES = ("x.json", "x.xlsx", "x.pdf")
CASE = CASES / "excel-npv-example" / "case.toml"  # small: a run takes about a second


def _set(folder: Path, tag: bytes) -> dict[Path, bytes]:
    return {folder / n: tag + b" " + n.encode() for n in NAMES}


def _listing(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden temporary files included) with its bytes."""
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _disk_full_on_file(monkeypatch, n: int) -> None:
    """``os.write`` to the nth temporary file made raises ENOSPC (a full disk)."""
    real_mkstemp, real_write = tempfile.mkstemp, os.write
    made: list[int] = []

    def mkstemp(*a, **k):
        fd, name = real_mkstemp(*a, **k)
        made.append(fd)
        return fd, name

    def write(fd, data):
        if len(made) == n and fd == made[-1]:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_write(fd, data)

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(os, "write", write)


def _rename_refused_on_file(monkeypatch, n: int) -> None:
    """The nth rename of a temporary file onto its name fails (EIO)."""
    real = os.replace
    count = [0]

    def replace(src, dst, *a, **k):
        if str(src).endswith(".tmp"):
            count[0] += 1
            if count[0] == n:
                raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", replace)


def test_all_files_written_none_left_behind(tmp_path):
    files = _set(tmp_path / "out" / "x", b"new")
    assert write_all_atomic(files) == list(files)
    assert _listing(tmp_path) == {str(p.relative_to(tmp_path)): b for p, b in files.items()}
    assert all((p.stat().st_mode & 0o777) == 0o644 for p in files)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_disk_full_on_nth_file_leaves_earlier_set_unchanged(tmp_path, monkeypatch, n):
    earlier = _set(tmp_path, b"earlier")
    write_all_atomic(earlier)
    before = _listing(tmp_path)
    _disk_full_on_file(monkeypatch, n)
    with pytest.raises(OSError) as exc:
        write_all_atomic(_set(tmp_path, b"new"))
    assert exc.value.errno == errno.ENOSPC
    assert exc.value.filename == str(tmp_path / NAMES[n - 1])  # the file that did not fit
    assert _listing(tmp_path) == before  # no temporary file, no new file


@pytest.mark.parametrize("n", [1, 2, 3])
def test_disk_full_with_no_earlier_set_leaves_nothing(tmp_path, monkeypatch, n):
    _disk_full_on_file(monkeypatch, n)
    with pytest.raises(OSError):
        write_all_atomic(_set(tmp_path / "out" / "x", b"new"))
    assert list(tmp_path.iterdir()) == []  # the folders it made are gone too


@pytest.mark.parametrize("links", [True, False])
@pytest.mark.parametrize("n", [1, 2, 3])
def test_rename_refused_on_nth_file_restores_the_earlier_set(tmp_path, monkeypatch, n, links):
    # links=False: a file system without hard links (the earlier file is moved aside).
    write_all_atomic(_set(tmp_path, b"earlier"))
    before = _listing(tmp_path)
    if not links:

        def no_link(*a, **k):
            raise OSError(errno.EPERM, os.strerror(errno.EPERM))

        monkeypatch.setattr(os, "link", no_link)
    _rename_refused_on_file(monkeypatch, n)
    with pytest.raises(OSError) as exc:
        write_all_atomic(_set(tmp_path, b"new"))
    assert exc.value.filename == str(tmp_path / NAMES[n - 1])
    assert _listing(tmp_path) == before


def test_rename_refused_with_some_names_new(tmp_path, monkeypatch):
    # Only x.json existed: the new x.xlsx renamed before the failure is removed again.
    (tmp_path / "x.json").write_bytes(b"earlier")
    _rename_refused_on_file(monkeypatch, 3)
    with pytest.raises(OSError):
        write_all_atomic(_set(tmp_path, b"new"))
    assert _listing(tmp_path) == {"x.json": b"earlier"}


def test_interrupt_while_writing_leaves_nothing(tmp_path, monkeypatch):
    write_all_atomic(_set(tmp_path, b"earlier"))
    before = _listing(tmp_path)
    real = os.write
    calls = [0]

    def write(fd, data):
        calls[0] += 1
        if calls[0] == 2:
            raise KeyboardInterrupt
        return real(fd, data)

    monkeypatch.setattr(os, "write", write)
    with pytest.raises(KeyboardInterrupt):
        write_all_atomic(_set(tmp_path, b"new"))
    assert _listing(tmp_path) == before


def test_a_folder_where_an_output_goes_is_refused_before_writing(tmp_path):
    (tmp_path / "x.pdf").mkdir()
    with pytest.raises(IsADirectoryError) as exc:
        write_all_atomic(_set(tmp_path, b"new"))
    assert exc.value.filename == str(tmp_path / "x.pdf")
    assert [p.name for p in tmp_path.iterdir()] == ["x.pdf"]


def test_same_file_by_any_name_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "loan.xlsx"
    src.write_bytes(b"filled template")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to(tmp_path)
    os.link(src, tmp_path / "hard.xlsx")
    for out in ["loan.xlsx", "./loan.xlsx", str(src), "sub/../loan.xlsx", "sub/up/loan.xlsx"]:
        with pytest.raises(ReplacesInputError):
            refuse_replacing([out], ["loan.xlsx"])
    with pytest.raises(ReplacesInputError):  # a hard link: os.path.samefile's test
        refuse_replacing(["hard.xlsx"], [src])
    refuse_replacing(["loan.json", "sub/loan.xlsx"], ["loan.xlsx"])  # other files: fine
    with pytest.raises(ReplacesInputError):
        write_all_atomic({Path("loan.json"): b"{}", Path("./loan.xlsx"): b"PK"}, inputs=[src])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hard.xlsx", "loan.xlsx", "sub"]


# --- the command line -------------------------------------------------------------


def _filled_template(folder: Path, name: str = "loan.xlsx") -> Path:
    xlsx = folder / name
    assert main(["convert", str(CASE), "--to", "xlsx", "--out", str(xlsx)]) == 0
    return xlsx


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("command", ["run", "risk"])
@pytest.mark.parametrize("out", [".", "./", "ABS", "LINK"])
def test_run_refuses_to_replace_the_filled_template(tmp_path, monkeypatch, capsys, command, out):
    # Before: `appraisal run loan.xlsx --out .` overwrote the officer's file (exit 0).
    monkeypatch.chdir(tmp_path)
    xlsx = _filled_template(tmp_path)
    capsys.readouterr()
    before = _sha(xlsx)
    (tmp_path / "link").symlink_to(tmp_path)
    out = {"ABS": str(tmp_path), "LINK": "link"}.get(out, out)
    extra = ["--draws", "10"] if command == "risk" else []
    code = main([command, "loan.xlsx", "--out", out, *extra])
    captured = capsys.readouterr()
    shown = str(Path(out) / "loan.xlsx")
    assert code == 2 and captured.out == ""
    assert captured.err.splitlines() == [
        f"error: loan.xlsx: --out: the output {shown} would replace this input; "
        "choose another --out folder"
    ]
    assert _sha(xlsx) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "loan.xlsx"]  # nothing new


def test_run_beside_the_template_without_its_name_is_fine(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    xlsx = _filled_template(tmp_path)
    before = _sha(xlsx)
    assert main(["run", "loan.xlsx", "--out", ".", "--formats", "json"]) == 0
    assert _sha(xlsx) == before and (tmp_path / "loan.json").is_file()


@pytest.mark.parametrize("command", ["compare", "fund"])
def test_table_commands_refuse_to_replace_an_input(tmp_path, capsys, command):
    named = _filled_template(tmp_path, f"{command}.xlsx")
    before = _sha(named)
    code = main([command, str(named), str(CASE), "--out", str(tmp_path), "--formats", "json,xlsx"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and len(err) == 1 and "would replace this input" in err[0]
    assert err[0].startswith(f"error: {named}: --out: the output {tmp_path / named.name} ")
    assert _sha(named) == before and not (tmp_path / f"{command}.json").exists()


def test_cluster_refuses_to_replace_a_city_file(tmp_path, capsys):
    folder = tmp_path / "cl"
    folder.mkdir()
    (folder / "cluster.toml").write_text(
        '[cluster]\nname = "c"\ncities = ["cluster.xlsx"]\npeak_target_year = 2028\n', "utf-8"
    )
    (folder / "cluster.xlsx").write_bytes(b"a city's filled template")
    code = main(["cluster", str(folder), "--out", str(folder), "--formats", "json,xlsx"])
    err = capsys.readouterr().err.splitlines()
    assert code == 2 and len(err) == 1 and "would replace this input" in err[0], err
    assert (folder / "cluster.xlsx").read_bytes() == b"a city's filled template"


def test_convert_refusal_has_the_same_form(tmp_path, capsys):
    xlsx = _filled_template(tmp_path)
    capsys.readouterr()
    assert main(["convert", str(xlsx), "--to", "xlsx", "--out", str(tmp_path / "." / "loan.xlsx")])
    assert capsys.readouterr().err.splitlines() == [
        f"error: {xlsx}: --out: the output {tmp_path / 'loan.xlsx'} would replace this input; "
        "choose another --out file"
    ]


def test_batch_refuses_an_output_over_a_case_file(tmp_path):
    # discover() finds only .toml cases, which no output is named like; write_batch holds
    # the rule for any other list of items.
    case = tmp_path / "out" / "a" / "a.json"
    case.parent.mkdir(parents=True)
    case.write_bytes(b"a case")
    item = appraise_one(str(CASE), "json")
    item.path, item.slug, item.name = str(case), "a", "a"
    with pytest.raises(ReplacesInputError):
        write_batch([item], tmp_path / "out")
    assert _listing(tmp_path) == {"out/a/a.json": b"a case"}


@pytest.mark.parametrize("n", [1, 2, 3])
def test_run_on_a_full_disk_writes_no_file_and_names_the_path(tmp_path, monkeypatch, capsys, n):
    # Before: case.json and case.xlsx were left without the PDF, "error: No space left on
    # device" with no path.
    out = tmp_path / "out"
    slug = "excel-npv-example"
    earlier = {out / f"{slug}.{f}": f"earlier {f}".encode() for f in ("json", "xlsx", "pdf")}
    write_all_atomic(earlier)
    _disk_full_on_file(monkeypatch, n)
    code = main(["run", str(CASE), "--out", str(out)])
    captured = capsys.readouterr()
    failed = list(earlier)[n - 1]
    assert code == 1 and captured.out == ""
    assert captured.err.splitlines() == [f"error: {failed}: No space left on device"]
    assert _listing(out) == {p.name: b for p, b in earlier.items()}


@pytest.mark.parametrize("argv", [["compare", str(CASE), str(CASE)], ["cluster", "CLUSTER"]])
def test_table_writers_are_all_or_nothing(tmp_path, monkeypatch, capsys, argv):
    argv = [str(CASES / "changzhutan") if a == "CLUSTER" else a for a in argv]
    _disk_full_on_file(monkeypatch, 2)  # the workbook, after the JSON
    code = main([*argv, "--out", str(tmp_path / "out"), "--formats", "json,xlsx"])
    err = capsys.readouterr().err.splitlines()
    assert code == 1 and err == [
        f"error: {tmp_path / 'out' / argv[0]}.xlsx: No space left on device"
    ]
    assert not (tmp_path / "out").exists()


def test_batch_is_all_or_nothing(tmp_path, monkeypatch, capsys):
    src = tmp_path / "cases"
    src.mkdir()
    for name in ("a", "b"):
        (src / f"{name}.toml").write_bytes(CASE.read_bytes())
    _disk_full_on_file(monkeypatch, 3)  # portfolio.json, after both cases' JSON
    code = main(
        ["run", str(src), "--out", str(tmp_path / "out"), "--formats", "json", "--jobs", "1"]
    )
    err = capsys.readouterr().err
    assert code == 1 and f"error: {tmp_path / 'out' / 'portfolio.json'}: No space" in err
    assert not (tmp_path / "out").exists()
