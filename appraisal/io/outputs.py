"""Render every output of a result and write them all or none (:mod:`appraisal.io.atomic`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from appraisal.io.atomic import write_all_atomic
from appraisal.result import AppraisalResult

__all__ = ["RENDERERS", "output_paths", "write_outputs"]


def _json(result: AppraisalResult) -> bytes:
    return result.to_json().encode("utf-8")


# The writers import openpyxl and reportlab when first used: a run that asks
# only for JSON does not pay for them (about 0.25 s per process).
def _xlsx(result: AppraisalResult) -> bytes:
    from appraisal.io.workbook import render_workbook

    return render_workbook(result)


def _pdf(result: AppraisalResult) -> bytes:
    from appraisal.io.pdf import render_pdf

    return render_pdf(result)


# format -> renderer returning the file's bytes
RENDERERS: dict[str, Callable[[AppraisalResult], bytes]] = {
    "json": _json,
    "xlsx": _xlsx,
    "pdf": _pdf,
}


def output_paths(slug: str, out_dir: str | os.PathLike[str], formats: str) -> dict[str, Path]:
    """The files :func:`write_outputs` writes: ``out_dir/<slug>.<format>``, by format.

    Known before any work, so a caller can refuse a set that would replace an input.

    >>> {f: str(p) for f, p in output_paths("xiangtan", "out", "json,pdf").items()}
    {'json': 'out/xiangtan.json', 'pdf': 'out/xiangtan.pdf'}
    """
    paths: dict[str, Path] = {}
    for fmt in [f.strip() for f in formats.split(",") if f.strip()]:
        if fmt not in RENDERERS:
            raise ValueError(f"unknown output format {fmt!r}; expected {', '.join(RENDERERS)}")
        paths[fmt] = Path(out_dir) / f"{slug}.{fmt}"
    return paths


def write_outputs(
    result: AppraisalResult,
    out_dir: str | os.PathLike[str],
    *,
    formats: str = "json",
    inputs: Iterable[str | os.PathLike[str]] = (),
) -> list[Path]:
    """Render the requested formats in memory, then write them all or none.

    Nothing is written unless every renderer succeeded and every file was
    written whole (:func:`appraisal.io.atomic.write_all_atomic`); an output that
    would replace the case file itself (or one of ``inputs``) is refused with
    :class:`appraisal.io.atomic.ReplacesInputError` before anything is written.
    """
    paths = output_paths(result.case.slug, out_dir, formats)
    rendered = {path: RENDERERS[fmt](result) for fmt, path in paths.items()}
    own = [result.case.path] if result.case.path else []
    return write_all_atomic(rendered, inputs=[*own, *inputs])
