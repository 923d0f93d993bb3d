"""One error form and one exit-code table (docs/errors.md), on every path to an error.

Usage errors: ``error: <where>: <what is wrong; what is expected>``, exit 2 (argparse's
own included: one line, no usage block). The machine: ``error: <path>: <what>``, exit 1.
Interrupted: 130. A closed pipe: quiet, 141.
"""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
import tempfile

import pytest

from appraisal import cli
from appraisal.cli import main
from tests.conftest import CASES, ROOT

CASE = CASES / "excel-npv-example" / "case.toml"
USAGE = re.compile(r"^error: (?P<where>[^:]+): (?P<what>.+; (expected|see) .+)$")


def _one_error(capsys) -> str:
    captured = capsys.readouterr()
    err = captured.err.splitlines()
    assert len(err) == 1 and captured.out == "", captured
    return err[0]


@pytest.mark.parametrize(
    ("argv", "where"),
    [
        ([], "COMMAND"),
        (["rnu"], "COMMAND"),
        (["run"], "case"),
        (["run", "x", "--jobs", "x"], "--jobs"),
        (["run", "x", "--formats"], "--formats"),
        (["run", "x", "--frobnicate"], "--frobnicate"),
        (["convert", "x", "--to", "pdf"], "--to"),
        (["template", "--components", "1.5"], "--components"),
    ],
)
def test_argparse_errors_are_one_line_exit_2(capsys, argv, where):
    # Before: argparse's "usage: ..." block and "appraisal run: error: ...", SystemExit(2).
    assert main(argv) == 2
    line = _one_error(capsys)
    m = USAGE.match(line)
    assert m and m["where"] == where, line
    assert "usage:" not in line


def test_help_still_shows_usage(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["run", "--help"])
    assert exc.value.code == 0 and capsys.readouterr().out.startswith("usage: appraisal run")


@pytest.mark.parametrize(
    ("argv", "where"),
    [
        (["run", str(CASE), "--jobs", "0"], "--jobs 0"),
        (["run", "EMPTY"], "EMPTY"),
        (["run", str(CASE), "--formats", "json,docx"], "--formats 'json,docx'"),
        (["risk", str(CASE), "--draws", "0"], "--draws 0"),
        # over the cap of docs/limits.md: refused before any draw is made
        (["risk", str(CASE), "--draws", "100000000"], "--draws 100000000"),
        (["risk", str(CASE), "--seed", "-1"], "--seed -1"),
        (["compare", str(CASE)], "compare"),
        (["fund", str(CASE), "--budget", "1", "--city-min", "Nowhere"], "--city-min 'Nowhere'"),
        (["fund", str(CASE)], "--budget"),
        (["template", "--components", "0"], "--components 0"),
    ],
)
def test_usage_errors_follow_the_form(tmp_path, capsys, argv, where):
    argv = [str(tmp_path) if a == "EMPTY" else a for a in argv]
    where = str(tmp_path) if where == "EMPTY" else where
    out = tmp_path / "out"
    assert main([*argv, "--out", str(out)] if argv[0] != "template" else argv) == 2
    m = USAGE.match(_one_error(capsys))
    assert m and m["where"] == where, m
    assert not out.exists()


def test_a_file_where_the_out_folder_goes_is_refused_before_any_work(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "results"
    blocker.write_bytes(b"not a folder")

    def appraise(*a, **k):  # the check comes first: no appraisal is started
        raise AssertionError("appraised")

    monkeypatch.setattr("appraisal.workflow.appraise", appraise)
    assert main(["run", str(CASE), "--out", str(blocker / "x")]) == 1
    assert _one_error(capsys) == (
        f"error: {blocker}: Not a directory: a file stands where a folder is needed (check --out)"
    )


def test_an_unwritable_folder_is_refused_before_any_work(tmp_path, monkeypatch, capsys):
    # os.access says no (the superuser is never refused, so the answer is injected).
    monkeypatch.setattr(os, "access", lambda *a, **k: False)
    monkeypatch.setattr("appraisal.workflow.appraise", lambda *a, **k: 1 / 0)
    assert main(["run", str(CASE), "--out", str(tmp_path / "out")]) == 1
    assert _one_error(capsys) == f"error: {tmp_path}: Permission denied"


def test_a_folder_refusing_new_files_is_named(tmp_path, monkeypatch, capsys):
    # Permission lost between the check and the writing: the folder is named, not a temp file.
    def mkstemp(*a, dir=None, **k):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), f"{dir}/.tmp123")

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    assert main(["run", str(CASE), "--out", str(tmp_path / "out"), "--formats", "json"]) == 1
    assert _one_error(capsys) == f"error: {tmp_path / 'out'}: Permission denied"
    assert not (tmp_path / "out").exists()


def test_a_folder_where_an_output_file_goes(tmp_path, capsys):
    (tmp_path / "excel-npv-example.pdf").mkdir()
    assert main(["run", str(CASE), "--out", str(tmp_path)]) == 1
    line = _one_error(capsys)
    assert line.startswith(f"error: {tmp_path / 'excel-npv-example.pdf'}: Is a directory: ")
    assert [p.name for p in tmp_path.iterdir()] == ["excel-npv-example.pdf"]


def test_interrupt_exits_130_and_writes_nothing(tmp_path, monkeypatch, capsys):
    def appraise(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr("appraisal.workflow.appraise", appraise)
    assert main(["run", str(CASE), "--out", str(tmp_path / "out")]) == 130
    assert _one_error(capsys) == "error: interrupted"
    assert not (tmp_path / "out").exists()


class _ClosedPipe:
    def write(self, text: str) -> int:
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))

    def flush(self) -> None:
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def test_closed_stdout_in_process_is_quiet(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    assert main(["run", str(CASE), "--out", str(tmp_path), "--formats", "json"]) == 141
    assert capsys.readouterr().err == ""
    assert (tmp_path / "excel-npv-example.json").is_file()  # written before printing


def test_closed_pipe_is_quiet_in_a_real_process(tmp_path):
    # `appraisal run ... | head -1` where head has already gone: the read end is closed
    # before the process starts, so every write meets EPIPE (no race on pipe buffers).
    # Before: "error: Broken pipe" and Python's "Exception ignored ... BrokenPipeError".
    read, write = os.pipe()
    os.close(read)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "appraisal.cli", "run", str(CASE), "--out", str(tmp_path)],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            check=False,
        )
    finally:
        os.close(write)
    assert (proc.returncode, proc.stderr) == (141, "")
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".pdf", ".xlsx"]


def test_docs_list_every_exit_code():
    text = (ROOT / "docs" / "errors.md").read_text("utf-8")
    codes = {
        0,
        cli.EXIT_INPUT,
        cli.EXIT_ENVIRONMENT,
        cli.EXIT_INTERRUPTED,
        cli.EXIT_CLOSED_PIPE,
    }
    table = set(int(c) for c in re.findall(r"^\| `(\d+)` \|", text, flags=re.M))
    assert table == codes
