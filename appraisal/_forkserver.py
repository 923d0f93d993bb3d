"""Settings of a batch's fork server: the module it imports last (:mod:`appraisal.batch`).

Imported only by the fork server of :func:`appraisal.batch.run_batch`'s process
pool, a fresh interpreter that imports the reader, the workflow and the writers
once and forks each worker from itself; never import it anywhere else.

- :func:`gc.freeze`: the objects of the modules loaded so far (pandas, openpyxl,
  reportlab: some 70,000) leave the cyclic garbage collector's care, so a
  worker's collections do not walk them (nor touch, and so copy, the memory
  pages it shares with the server). They live as long as the process anyway.
- The server ends as soon as the batch's process has gone (its pipe closes):
  with :func:`os._exit`, at the first exit handler, instead of tearing down
  every module it loaded, which takes a quarter of a second that a reader of
  the batch's output (a pipe, a log) would wait for. The server writes no files
  (its standard streams are flushed first); its workers have ended before it.

Both only when imported by the fork server itself (its preload, inside
``multiprocessing.forkserver.main``): imported anywhere else (a test run
collecting doctests, a documentation tool) the module does nothing, since an
exit handler calling :func:`os._exit` there would replace the process's exit
status with 0.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
from types import FrameType

__all__: list[str] = []


def _leave() -> None:
    """Flush the standard streams and end the process without tearing its modules down."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, OSError, ValueError):  # closed or gone
            stream.flush()
    os._exit(0)


def _in_fork_server() -> bool:
    """Whether this import runs inside ``multiprocessing.forkserver.main`` (its preload)."""
    server = os.path.join("multiprocessing", "forkserver.py")
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        code = frame.f_code
        if code.co_name == "main" and code.co_filename.endswith(server):
            return True
        frame = frame.f_back
    return False


if _in_fork_server():
    gc.freeze()
    atexit.register(_leave)  # the last registered runs first
