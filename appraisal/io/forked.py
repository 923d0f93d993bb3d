"""Render outputs in forked processes that import their writers while the case is appraised.

A run that asks for the workbook and the PDF spends most of its time importing
openpyxl and reportlab and rendering the two files, one after the other. On a
machine with two cores they can go side by side: :class:`Ahead` forks one child
per format *before* the case is appraised; each child imports its writer (and
loads the PDF's fonts) while the parent appraises, then renders the result the
parent sends it (pickled) and returns the file's bytes through a pipe.

Nothing about the outputs changes: the bytes are the renderer's own (the same
function on an identical copy of the result), and the caller still writes them
all or none. A child is only a head start: when it cannot be forked, fails for
any reason (a missing font, a bug, a crash, an unpicklable result) or is not
asked for, :meth:`Ahead.take` answers ``None`` and the caller renders the format
itself, in process, so an error surfaces exactly as it does without children
(the same exception, the same one-line message and exit code). Children ignore
Ctrl-C (the parent answers it) and are killed and reaped when the parent leaves
the ``with`` block for any reason; a child whose parent died outright (SIGKILL)
sees the pipe close and exits. Only on Linux with two cores or more: elsewhere
(macOS, where forking a process with system frameworks loaded is unsafe;
Windows; one core) every format is rendered in process.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import struct
import sys
import threading
import warnings
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any

__all__ = ["Ahead", "can_fork"]

_HEADER = struct.Struct("<Q")  # the length of a message [bytes], before the message


def can_fork() -> bool:
    """Whether to render in forked children: on Linux, with two cores or more, from the main thread.

    (On one core the children would only add their start; Python answers Ctrl-C
    in the main thread only, and only there can :class:`Ahead` hold it.)
    """
    return (
        hasattr(os, "fork")
        and sys.platform.startswith("linux")
        and len(os.sched_getaffinity(0)) > 1
        and threading.current_thread() is threading.main_thread()
    )


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _read_all(fd: int) -> bytes | None:
    """One length-prefixed message, or None when the pipe closes before it is whole."""
    chunks: list[bytes] = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    data = b"".join(chunks)
    if len(data) < _HEADER.size or _HEADER.unpack_from(data)[0] != len(data) - _HEADER.size:
        return None
    return data[_HEADER.size :]


class _Child:
    """A forked renderer: its pid, the pipe ends the parent keeps, the thread sending to it."""

    def __init__(self, pid: int, to_child: int, from_child: int) -> None:
        self.pid = pid
        self.to_child = to_child
        self.from_child = from_child
        self.sender: threading.Thread | None = None
        self.reaped = False


class Ahead:
    """Forked renderers, one per format, started before the result exists.

    Parameters
    ----------
    renderers
        format -> function rendering a result to the file's bytes; a child
        forked for a format calls it on the result sent by :meth:`send`.
    warmups
        format -> function run in the child at once (import the writer, load
        fonts), while the parent appraises; its failure only ends the child.

    Use it as a context manager: leaving the block (normally, on an error or on
    Ctrl-C) kills and reaps every child still running.
    """

    def __init__(
        self,
        renderers: Mapping[str, Callable[[Any], bytes]],
        warmups: Mapping[str, Callable[[], object]],
    ) -> None:
        self._renderers = renderers
        self._children: dict[str, _Child] = {}
        if not can_fork():
            return
        try:
            for fmt, warm in warmups.items():
                self._fork(fmt, warm)
        except BaseException:  # Ctrl-C while forking: no child may outlive us
            self.close()
            raise

    def __contains__(self, fmt: object) -> bool:
        """Whether a child was forked to render ``fmt``."""
        return fmt in self._children

    @property
    def pids(self) -> list[int]:
        """The process ids of the children forked (reaped or not)."""
        return [c.pid for c in self._children.values()]

    def _fork(self, fmt: str, warm: Callable[[], object]) -> None:
        """Fork the child for ``fmt`` and record it; none when the system refuses a fork."""
        down_r, down_w = os.pipe()  # parent -> child: the pickled result
        up_r, up_w = os.pipe()  # child -> parent: the file's bytes
        # Ctrl-C must reach neither the child's Python before its SIG_IGN nor the
        # parent before the child is recorded (to be killed): it is held meanwhile,
        # then raised again. (No stdout flush: the child leaves by os._exit.)
        held: list[int] = []
        previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
        try:
            # The child's garbage collector leaves the parent's objects alone (it
            # would otherwise touch, and so copy, every page of them).
            gc.freeze()
            try:
                with warnings.catch_warnings():
                    # Python 3.12+ warns about forking with threads alive (OpenBLAS's):
                    # the child uses no BLAS and starts no thread before its own work.
                    warnings.simplefilter("ignore", DeprecationWarning)
                    pid = os.fork()
            except OSError:  # no fork (no memory, too many processes): rendered in process
                for fd in (down_r, down_w, up_r, up_w):
                    os.close(fd)
                pid = -1
            if pid != 0:
                gc.unfreeze()
            if pid == 0:  # the child: never returns into the caller's code
                code = 1
                try:
                    signal.signal(signal.SIGINT, signal.SIG_IGN)
                    for c in self._children.values():  # a sibling's pipes: not ours
                        os.close(c.to_child)
                        os.close(c.from_child)
                    os.close(down_w)
                    os.close(up_r)
                    code = self._serve(fmt, warm, down_r, up_w)
                finally:
                    os._exit(code)
            if pid > 0:
                self._children[fmt] = _Child(pid, down_w, up_r)
                os.close(down_r)
                os.close(up_w)
        finally:
            signal.signal(signal.SIGINT, previous)
        if held:
            signal.raise_signal(signal.SIGINT)

    def _serve(self, fmt: str, warm: Callable[[], object], down: int, up: int) -> int:
        """The child's work: warm up, read the result, render, answer; 0 when answered."""
        try:
            warm()
            data = _read_all(down)
            if data is None:  # the parent sent nothing (it failed, or rendered itself)
                return 1
            _write_all(up, self._renderers[fmt](pickle.loads(data)))
        except BaseException:  # any failure: the parent renders in process and reports it
            return 1
        return 0

    def send(self, result: object) -> None:
        """Send ``result`` to every child (from threads: a child may still be importing)."""
        if not self._children:
            return
        try:
            data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # not picklable: the parent renders every format itself
            self.close()
            return
        for child in self._children.values():
            child.sender = threading.Thread(target=self._send_one, args=(child, data), daemon=True)
            child.sender.start()

    @staticmethod
    def _send_one(child: _Child, data: bytes) -> None:
        try:
            _write_all(child.to_child, data)
        except OSError:  # the child is gone (failed, or killed): take() answers None
            pass
        finally:
            os.close(child.to_child)

    def take(self, fmt: str) -> bytes | None:
        """The bytes the child rendered for ``fmt``; None when there is none or it failed."""
        child = self._children.get(fmt)
        if child is None or child.reaped or child.sender is None:
            return None
        data = _read_all(child.from_child)
        ok = self._reap(child) == 0
        return data if ok else None

    def _reap(self, child: _Child, *, kill: bool = False) -> int:
        if child.reaped:
            return -1
        if kill:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child.pid, signal.SIGKILL)
        try:
            _, status = os.waitpid(child.pid, 0)
        except ChildProcessError:  # reaped already (an interrupt between wait and mark)
            status = 1 << 8
        child.reaped = True
        if child.sender is not None:
            child.sender.join()
        else:
            os.close(child.to_child)
        os.close(child.from_child)
        return os.waitstatus_to_exitcode(status)

    def close(self) -> None:
        """Kill and reap every child still running (idempotent)."""
        for child in self._children.values():
            self._reap(child, kill=True)

    def __enter__(self) -> Ahead:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
