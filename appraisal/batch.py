"""Batch appraisal: every case of a list, in parallel processes or on a Dask cluster.

A bank's portfolio team appraises hundreds of projects at once. :func:`run_batch`
appraises each case file in a worker (a :class:`concurrent.futures.ProcessPoolExecutor`
on this machine, or a Dask cluster given its scheduler address), renders its
outputs there (:func:`appraise_one`), and hands the items back; the caller
writes them atomically (:func:`appraisal.io.batch_outputs.write_batch`), so a
case that fails writes nothing and the others are unaffected. Results come
back in the order of the input, whatever order the workers finish in, and are
byte-for-byte those of appraising each case alone.

A driver, like the CLI: it runs the reader, the workflow and the writers of
:mod:`appraisal.io` in the workers, and does no I/O of its own. Finding the
case files of a folder is :func:`appraisal.io.folders.discover`.

Dask is optional (``pip install appraisal[dask]``); the process pool needs
nothing beyond the standard library.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from appraisal.case import CaseError
from appraisal.result_schema import SCHEMA_VERSION

__all__ = [
    "BatchItem",
    "Progress",
    "appraise_one",
    "portfolio_summary",
    "portfolio_table",
    "run_batch",
]

Progress = Callable[[int, int, int], None]  # (done, total, failed)


@dataclass
class BatchItem:
    """The outcome of one case of a batch.

    Attributes
    ----------
    path
        The case file.
    slug
        Its output name (None when it could not be read).
    summary
        The JSON summary text (None when it failed).
    outputs
        Rendered files by format (``json``, ``xlsx``, ``pdf``) [bytes].
    errors
        One line per problem (``error: <file>: <where>: <what>``).
    internal
        True when the failure is a bug, not bad input.
    seconds
        Wall time in the worker [s].
    name
        Output folder, relative to the batch's output folder: the case's path
        relative to the batch folder, without ``.toml`` or ``/case.toml``
        (``xiangtan``, ``changzhutan/xiangtan``); else the slug.
    """

    path: str
    slug: str | None = None
    name: str | None = None
    summary: str | None = None
    outputs: dict[str, bytes] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    internal: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.summary is not None


def appraise_one(path: str, formats: str = "json") -> BatchItem:
    """Read, appraise and render one case (the work of one batch task).

    Never raises: a bad case comes back with its ``errors``.
    """
    from appraisal.io.cases import load_case
    from appraisal.io.outputs import RENDERERS
    from appraisal.workflow import appraise

    start = time.perf_counter()
    item = BatchItem(path=str(path))
    try:
        case = load_case(path)
        item.slug = case.slug
        result = appraise(case)
        for name in [f.strip() for f in formats.split(",") if f.strip()]:
            if name not in RENDERERS:
                raise ValueError(f"unknown output format {name!r}; expected {', '.join(RENDERERS)}")
            item.outputs[name] = RENDERERS[name](result)
        item.summary = result.to_json()
    except CaseError as exc:
        item.errors = [f"error: {exc.source}: {p.path}: {p.message}" for p in exc.problems]
        item.outputs = {}
    except Exception as exc:  # a bug must not lose the rest of a portfolio; reported, exit 1
        item.errors = [f"error: {path}: internal error: {type(exc).__name__}: {exc}"]
        item.errors += ["  " + line for line in traceback.format_exc().splitlines()[-6:]]
        item.internal = True
        item.outputs = {}
    item.seconds = time.perf_counter() - start
    return item


def run_batch(
    paths: Iterable[str | os.PathLike[str]],
    *,
    formats: str = "json",
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    root: str | os.PathLike[str] | None = None,
) -> list[BatchItem]:
    """Appraise many cases in parallel.

    Parameters
    ----------
    paths
        Case files (or folders holding ``case.toml``).
    formats
        Outputs to render in the workers (``json``, ``xlsx``, ``pdf``).
    jobs
        Worker processes on this machine (default: the CPU count); 1 runs in
        this process, one case after another.
    scheduler
        Address of a Dask scheduler (``tcp://host:8786``): run there instead.
    progress
        Called as ``progress(done, total, failed)`` after each case.
    root
        The batch folder: each item's ``name`` is its path relative to it.

    Returns
    -------
    list of BatchItem
        In the order of ``paths``.

    """
    items = [Path(p) for p in paths]
    total = len(items)
    out: list[BatchItem | None] = [None] * total
    done = failed = 0

    def record(i: int, item: BatchItem) -> None:
        nonlocal done, failed
        item.name = _out_name(items[i], root) if root is not None else item.slug
        out[i] = item
        done += 1
        failed += 0 if item.ok else 1
        if progress is not None:
            progress(done, total, failed)

    if scheduler is not None:
        _run_dask(items, formats, scheduler, record)
    elif jobs == 1 or total <= 1:
        for i, p in enumerate(items):
            record(i, appraise_one(str(p), formats))
    else:
        workers = min(jobs or os.cpu_count() or 1, total)
        # "spawn": a clean interpreter per worker (fork copies threads and locks of the parent).
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
            futures = {pool.submit(appraise_one, str(p), formats): i for i, p in enumerate(items)}
            for fut in as_completed(futures):
                record(futures[fut], fut.result())
    return [x for x in out if x is not None]


def _out_name(path: Path, root: str | os.PathLike[str]) -> str:
    try:
        rel = path.resolve().relative_to(Path(root).resolve())
    except ValueError:
        return path.stem
    parts = list(rel.parts)
    if parts[-1] == "case.toml" and len(parts) > 1:
        parts = parts[:-1]
    else:
        parts[-1] = Path(parts[-1]).stem
    return "/".join(parts)


def _run_dask(
    items: Sequence[Path], formats: str, scheduler: str, record: Callable[[int, BatchItem], None]
) -> None:
    try:
        from dask.distributed import Client
        from dask.distributed import as_completed as dask_completed
    except ImportError as exc:  # pragma: no cover - depends on the environment
        # the machine, not the input: the CLI reports an OSError in one line, exit 1
        raise OSError(
            "--scheduler needs Dask: pip install 'appraisal[dask]' (dask[distributed])"
        ) from exc
    with Client(scheduler, set_as_default=False) as client:
        futures = [
            client.submit(appraise_one, str(p), formats, pure=False, key=f"appraise-{i}-{p.name}")
            for i, p in enumerate(items)
        ]
        index = {f.key: i for i, f in enumerate(futures)}
        # loop=: the client is not made the process default, so name its loop explicitly.
        for fut in dask_completed(futures, loop=client.loop):
            record(index[fut.key], fut.result())


def portfolio_summary(items: Sequence[BatchItem]) -> dict[str, Any]:
    """One record per case: status and headline figures (the ``portfolio.json`` document)."""
    cases = []
    for item in items:
        rec: dict[str, Any] = {
            "path": item.path,
            "slug": item.slug,
            "folder": item.name or item.slug,
            "ok": item.ok,
        }
        if item.summary is not None:
            s = json.loads(item.summary)
            rec |= {
                "name": s["case"]["name"],
                "currency": s["case"]["currency"],
                "unit": s["case"]["unit"],
                "enpv": s["economic"]["enpv"],
                "eirr": s["economic"]["eirr"],
                "firr": s["financial"]["firr"],
                "reduction_tco2e_total": s["ghg"]["reduction_tco2e_total"],
                "cost_per_tco2e": s["abatement"]["cost_per_tco2e"],
            }
        else:
            rec["errors"] = item.errors
        cases.append(rec)
    return {
        "schema_version": SCHEMA_VERSION,
        "cases": cases,
        "ok": sum(1 for i in items if i.ok),
        "failed": sum(1 for i in items if not i.ok),
    }


def portfolio_table(items: Sequence[BatchItem]) -> pd.DataFrame:
    """:func:`portfolio_summary` as a table."""
    return pd.DataFrame(portfolio_summary(items)["cases"])
