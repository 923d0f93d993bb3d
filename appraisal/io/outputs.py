"""Render every output of a result and write them all or none (:mod:`appraisal.io.atomic`)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from appraisal.io.atomic import write_all_atomic
from appraisal.io.forked import Ahead
from appraisal.result import AppraisalResult

__all__ = ["RENDERERS", "output_paths", "render_ahead", "write_outputs"]


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


def _warm_xlsx() -> None:
    import appraisal.io.workbook  # noqa: F401


def _warm_pdf() -> None:
    from appraisal.io.pdf import register_fonts

    register_fonts()


# The formats worth a forked renderer (render_ahead): their writers' imports and
# fonts take a few tenths of a second, done while the case is appraised.
_WARMUPS: dict[str, Callable[[], None]] = {"xlsx": _warm_xlsx, "pdf": _warm_pdf}


def render_ahead(formats: str) -> Ahead:
    """Fork a renderer for each of ``formats``' workbook and PDF, to pass to :func:`write_outputs`.

    Call it before appraising: each child imports its writer meanwhile (see
    :mod:`appraisal.io.forked`: on Linux with two cores or more; elsewhere
    nothing is forked). Use it as a context manager: the children end with the
    block. A JSON-only run forks nothing.
    """
    wanted = output_paths("x", ".", formats)
    return Ahead(RENDERERS, {f: w for f, w in _WARMUPS.items() if f in wanted})


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
    ahead: Ahead | None = None,
) -> list[Path]:
    """Render the requested formats in memory, then write them all or none.

    Nothing is written unless every renderer succeeded and every file was
    written whole (:func:`appraisal.io.atomic.write_all_atomic`); an output that
    would replace the case file itself (or one of ``inputs``) is refused with
    :class:`appraisal.io.atomic.ReplacesInputError` before anything is written.
    With ``ahead`` (:func:`render_ahead`), the formats its children render come
    from them (the same bytes); any other, or one whose child failed, is
    rendered here, so its error is raised here as without children.
    """
    paths = output_paths(result.case.slug, out_dir, formats)
    if ahead is not None:
        ahead.send(result)
    # The formats no child renders first, while the children work; then in order.
    done = {f: RENDERERS[f](result) for f in paths if ahead is None or f not in ahead}
    for fmt in paths:
        if fmt not in done:
            data = ahead.take(fmt) if ahead is not None else None
            done[fmt] = data if data is not None else RENDERERS[fmt](result)
    rendered = {path: done[fmt] for fmt, path in paths.items()}
    own = [result.case.path] if result.case.path else []
    return write_all_atomic(rendered, inputs=[*own, *inputs])
