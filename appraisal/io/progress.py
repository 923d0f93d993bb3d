"""Progress bars on stderr, without a dependency: cases of a batch, draws of a risk analysis.

Redrawn in place on a terminal; elsewhere (a log, CI) one line at the end.
"""

from __future__ import annotations

import sys
from typing import TextIO

from appraisal.case import Case

__all__ = ["BAR_FROM_DRAWS", "DrawsBar", "ProgressBar", "risk_progress"]

# A risk analysis with at least this many draws shows a progress bar.
BAR_FROM_DRAWS = 200_000


class _Bar:
    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.width = width
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())

    def _draw(self, done: int, total: int, counts: str) -> None:
        if not self.tty and done < total:
            return
        filled = self.width * done // total if total else self.width
        bar = "#" * filled + "." * (self.width - filled)
        end = "\n" if done >= total else ""
        self.stream.write(f"\r[{bar}] {counts}{end}")
        self.stream.flush()


class ProgressBar(_Bar):
    """The cases of a batch done, and how many failed (``progress`` of ``run_batch``)."""

    def __call__(self, done: int, total: int, failed: int) -> None:
        tail = f", {failed} failed" if failed else ""
        self._draw(done, total, f"{done}/{total} cases{tail}")


class DrawsBar(_Bar):
    """The draws of a risk analysis done (``progress`` of :func:`appraisal.workflow.risk`)."""

    def __call__(self, done: int, total: int) -> None:
        self._draw(done, total, f"{done:,}/{total:,} draws")


def risk_progress(case: Case, draws: int | None = None) -> DrawsBar | None:
    """A bar for a risk analysis of ``case`` long enough to need one, else None.

    ``draws`` is the number asked for (default: the case's ``risk.draws``).
    """
    n = draws if draws is not None else (case.data.get("risk") or {}).get("draws")
    return DrawsBar() if n is not None and n >= BAR_FROM_DRAWS else None
