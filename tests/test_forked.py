"""Outputs rendered in forked children (appraisal.io.forked): the same bytes, the same errors.

The source of truth for every expectation is the in-process path the children
replace: ``write_outputs`` without ``ahead`` (the renderer called in this
process), whose bytes the children's must equal, whose exception a failing
child's format must raise, and whose one-line error and exit code ``appraisal
run`` must print (docs/errors.md). Children must end with the block that made
them: a pid that is still ours, or still alive, after it is a leak.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from appraisal.cli import main
from appraisal.io import forked, outputs
from appraisal.io.cases import load_case
from appraisal.io.forked import Ahead
from appraisal.io.outputs import render_ahead, write_outputs
from appraisal.io.pdf import FontError
from appraisal.workflow import appraise
from tests.conftest import CASES

pytestmark = pytest.mark.skipif(not forked.can_fork(), reason="children are forked on Linux only")

CASE = CASES / "excel-npv-example" / "case.toml"  # small: a run takes about a second


def _gone(pid: int) -> bool:
    """The child was reaped (not ours any more) and is not running under another parent."""
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _toy(result: object) -> bytes:
    return repr(result).encode()


def test_children_render_the_same_bytes_as_the_process(tmp_path: Path) -> None:
    result = appraise(load_case(CASE))
    alone = write_outputs(result, tmp_path / "alone", formats="json,xlsx,pdf")
    with render_ahead("json,xlsx,pdf") as ahead:
        assert "xlsx" in ahead and "pdf" in ahead and "json" not in ahead
        pids = ahead.pids
        forked_paths = write_outputs(
            result, tmp_path / "forked", formats="json,xlsx,pdf", ahead=ahead
        )
    assert [p.read_bytes() for p in forked_paths] == [p.read_bytes() for p in alone]
    assert all(_gone(pid) for pid in pids)


def test_a_json_run_forks_nothing() -> None:
    with render_ahead("json") as ahead:
        assert ahead.pids == []


def test_a_failing_child_leaves_the_error_to_the_process(tmp_path, monkeypatch, capsys) -> None:
    # A missing font: the PDF child fails; the parent renders the PDF itself and
    # reports what the run reports without children.
    def no_font(result: object) -> bytes:
        raise FontError("no DejaVu Sans")

    monkeypatch.setitem(outputs.RENDERERS, "pdf", no_font)
    argv = ["run", str(CASE), "--out", str(tmp_path / "out")]
    code = main(argv)
    with_children = capsys.readouterr()
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    assert main(argv) == code == 1
    alone = capsys.readouterr()
    assert with_children.err == alone.err == "error: no DejaVu Sans\n"
    assert with_children.out == alone.out == ""
    assert not (tmp_path / "out").exists()


def test_an_interrupt_in_the_parent_ends_every_child(tmp_path, monkeypatch, capsys) -> None:
    seen: list[list[int]] = []
    real = Ahead.send

    def send(self: Ahead, result: object) -> None:
        seen.append(self.pids)
        real(self, result)
        raise KeyboardInterrupt

    monkeypatch.setattr(Ahead, "send", send)
    code = main(["run", str(CASE), "--out", str(tmp_path / "out")])
    assert code == 130 and capsys.readouterr().err == "error: interrupted\n"
    assert len(seen[0]) == 2 and all(_gone(pid) for pid in seen[0])
    assert not (tmp_path / "out").exists()


def test_a_result_that_does_not_pickle_is_rendered_in_process() -> None:
    with Ahead({"x": _toy}, {"x": lambda: None}) as ahead:
        pids = ahead.pids
        ahead.send(lambda: None)  # a lambda does not pickle
        assert ahead.take("x") is None
    assert len(pids) == 1 and _gone(pids[0])


def test_a_child_that_fails_to_warm_up_answers_none() -> None:
    def broken() -> None:
        raise ImportError("no openpyxl")

    with Ahead({"x": _toy, "y": _toy}, {"x": broken, "y": lambda: None}) as ahead:
        ahead.send([1.5, "湘潭"])
        assert ahead.take("x") is None
        assert ahead.take("y") == _toy([1.5, "湘潭"])
        pids = ahead.pids
    assert all(_gone(pid) for pid in pids)


def test_a_large_result_is_sent_and_answered_whole() -> None:
    # Several times a pipe's buffer (64 KiB) each way, while the child still warms up.
    big = bytes(range(256)) * 4096

    with Ahead({"x": lambda b: bytes(reversed(b))}, {"x": lambda: time.sleep(0.2)}) as ahead:
        ahead.send(big)
        assert ahead.take("x") == bytes(reversed(big))


_SLOW_RUN = """
import sys, time
from appraisal.io import outputs
def slow(result):
    time.sleep(60)
    return b""
outputs.RENDERERS["xlsx"] = outputs.RENDERERS["pdf"] = slow
from appraisal.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        kids += [int(k) for k in (task / "children").read_text().split()]
    return kids


def test_ctrl_c_ends_the_run_and_its_children(tmp_path: Path) -> None:
    # Ctrl-C reaches the whole foreground process group, as a terminal sends it.
    argv = [sys.executable, "-c", _SLOW_RUN, "run", str(CASE), "--out", str(tmp_path / "out")]
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    kids: list[int] = []
    deadline = time.monotonic() + 60
    while len(kids) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
        kids = _children(proc.pid)
    assert len(kids) == 2, "the run did not fork its two renderers"
    time.sleep(0.5)  # the children are (most likely) warm and sleeping in "slow"
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, err.decode(), out) == (130, "error: interrupted\n", b"")
    for pid in kids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert not (tmp_path / "out").exists()


def test_a_json_run_imports_no_writer(tmp_path: Path) -> None:
    # The JSON-only run pays for neither openpyxl nor reportlab (issue 13), in
    # the process or in a child (none is forked).
    code = (
        "import sys\n"
        "from appraisal.cli import main\n"
        f"main(['run', {str(CASE)!r}, '--formats', 'json', '--out', {str(tmp_path)!r}])\n"
        "print(sorted(m for m in ('openpyxl', 'reportlab') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"
