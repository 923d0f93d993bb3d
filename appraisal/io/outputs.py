"""Render every output of a result and write each atomically."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from appraisal.io.atomic import write_bytes_atomic
from appraisal.io.pdf import render_pdf
from appraisal.io.workbook import render_workbook
from appraisal.result import AppraisalResult

__all__ = ["RENDERERS", "write_outputs"]


def _json(result: AppraisalResult) -> bytes:
    return result.to_json().encode("utf-8")


def _xlsx(result: AppraisalResult) -> bytes:
    return render_workbook(result)


def _pdf(result: AppraisalResult) -> bytes:
    return render_pdf(result)


# format -> renderer returning the file's bytes
RENDERERS: dict[str, Callable[[AppraisalResult], bytes]] = {
    "json": _json,
    "xlsx": _xlsx,
    "pdf": _pdf,
}


def write_outputs(result: AppraisalResult, out_dir: Path, *, formats: str = "json") -> list[Path]:
    """Render the requested formats in memory, then write each atomically.

    Nothing is written unless every requested renderer succeeded.
    """
    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    rendered: dict[str, bytes] = {}
    for fmt in wanted:
        if fmt not in RENDERERS:
            raise ValueError(f"unknown output format {fmt!r}; expected {', '.join(RENDERERS)}")
        rendered[fmt] = RENDERERS[fmt](result)
    return [
        write_bytes_atomic(out_dir / f"{result.case.slug}.{fmt}", data)
        for fmt, data in rendered.items()
    ]
