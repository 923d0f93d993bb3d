"""How a batch hands its cases out and how its fork server ends.

Independent evidence: hand-worked orders of files of known sizes; the results of
the same cases appraised one after another (``jobs=1``, in this process); what a
fresh interpreter prints and returns (its exit handlers, its garbage collector).
"""

from __future__ import annotations

import os
import subprocess
import sys

from appraisal.batch import _PRELOAD_LAST, _largest_first, _pool_context, run_batch
from tests.conftest import CASES

SMALL = CASES / "excel-npv-example" / "case.toml"
LARGE = CASES / "xiangtan" / "case.toml"


def test_the_largest_case_files_are_handed_out_first_ties_as_listed(tmp_path):
    sizes = {"a.toml": 10, "b.toml": 30, "c.toml": 20, "e.toml": 30}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"#" * size)
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "case.toml").write_bytes(b"#" * 25)  # a folder: its case.toml
    paths = [tmp_path / n for n in ["a.toml", "b.toml", "c.toml", "missing.toml", "e.toml", "f"]]
    # by hand: 30 (b, listed before e), 30 (e), 25 (f), 20 (c), 10 (a), unreadable (0) last
    assert _largest_first(paths) == [1, 4, 5, 2, 0, 3]


def test_results_stay_in_input_order_when_the_largest_go_first():
    paths = [SMALL, LARGE, SMALL.parent, LARGE]
    assert _largest_first(paths) == [1, 3, 0, 2]  # not the input order
    pooled = run_batch(paths, jobs=2)
    alone = run_batch(paths, jobs=1)  # one after another, in order
    assert [i.path for i in pooled] == [str(p) for p in paths]
    assert [i.summary for i in pooled] == [i.summary for i in alone]


def test_the_fork_server_loads_its_settings_last():
    from multiprocessing import forkserver

    _pool_context("json,pdf")
    preload = forkserver._forkserver._preload_modules  # type: ignore[attr-defined]
    assert preload[-1] == _PRELOAD_LAST and "appraisal.io.pdf" in preload
    assert "appraisal.io.workbook" not in preload  # only the writers asked for


def test_the_fork_server_settings_freeze_the_collector_and_skip_teardown():
    # Imported as the fork server imports it (inside multiprocessing.forkserver.main):
    # the frame test sees a function named main in a file .../multiprocessing/forkserver.py.
    server = os.path.join("x", "multiprocessing", "forkserver.py")
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(print, 'torn down')\n"  # registered first: would run last
        "src = 'def main():\\n    import " + _PRELOAD_LAST + "\\n'\n"
        f"exec(compile(src, {server!r}, 'exec'), ns := {{}})\n"
        "ns['main']()\n"
        "print('frozen', gc.get_freeze_count() > 0, end='')\n"  # no newline: must be flushed
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0
    assert done.stdout == "frozen True" and done.stderr == ""


def test_the_fork_server_settings_do_nothing_elsewhere():
    # Imported by anything but the fork server (a test run collecting doctests, say),
    # the module must neither freeze the collector nor replace the exit status.
    code = (
        "import atexit, gc, sys\n"
        "atexit.register(print, 'torn down')\n"
        f"import {_PRELOAD_LAST}\n"
        "print('frozen', gc.get_freeze_count() > 0)\n"
        "sys.exit(3)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 3
    assert done.stdout == "frozen False\ntorn down\n"
