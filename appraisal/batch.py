"""Batch appraisal: every case of a list, in parallel processes or on a Dask cluster.

A bank's portfolio team appraises hundreds of projects at once. :func:`run_batch`
appraises each case file in a worker (a :class:`concurrent.futures.ProcessPoolExecutor`
on this machine, or a Dask cluster given its scheduler address), renders its
outputs there (:func:`appraise_one`), and hands the items back; the caller
writes them atomically, each case as it finishes (``on_item``, e.g.
:class:`appraisal.io.batch_outputs.BatchWriter`: the parent's memory stays flat
however many cases) or all at the end (:func:`appraisal.io.batch_outputs.write_batch`),
so a case that fails writes nothing and the others are unaffected. Results come
back in the order of the input, whatever order the workers finish in (the
largest case files are handed out first, so that no long case is left for the
end), and are byte-for-byte those of appraising each case alone.

The pool's workers are started warm where the platform allows: a fork server
(``forkserver``) that has imported the reader, the workflow and the writers
(openpyxl, reportlab) once forks each worker, so no worker pays the imports
again; each worker then runs case after case.

A driver, like the CLI: it runs the reader, the workflow and the writers of
:mod:`appraisal.io` in the workers, and does no I/O of its own. Finding the
case files of a folder is :func:`appraisal.io.folders.discover`.

Dask is optional (``pip install appraisal[dask]``); the process pool needs
nothing beyond the standard library.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
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
    "output_folder",
    "portfolio_summary",
    "portfolio_table",
    "run_batch",
]

Progress = Callable[[int, int, int], None]  # (done, total, failed)

# What a worker imports before its first case (the fork server's preload): the
# reader, the workflow and each format's writer (openpyxl, reportlab); last, the
# fork server's own settings (appraisal._forkserver: imported there only).
_PRELOAD = ["appraisal.batch", "appraisal.io.cases", "appraisal.workflow", "appraisal.io.outputs"]
_PRELOAD_FORMAT = {"xlsx": "appraisal.io.workbook", "pdf": "appraisal.io.pdf"}
_PRELOAD_LAST = "appraisal._forkserver"
# Cases handed out ahead, per worker: enough that no worker waits, few enough that
# the futures of a large batch do not pile up in this process (or on the scheduler).
_AHEAD = 4


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
    headline
        The figures of its ``portfolio.json`` record (name, currency, unit,
        enpv, eirr, firr, reduction_tco2e_total, cost_per_tco2e), kept by
        :meth:`release` when the summary text is dropped; else None.
    """

    path: str
    slug: str | None = None
    name: str | None = None
    summary: str | None = None
    outputs: dict[str, bytes] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    internal: bool = False
    seconds: float = 0.0
    headline: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.summary is not None or self.headline is not None

    def release(self) -> None:
        """Drop the rendered files and the summary text (once written), keeping the headline.

        What a batch keeps of a written case: enough for ``portfolio.json`` and
        the terminal table, a few hundred bytes instead of the case's files.
        """
        if self.summary is not None:
            self.headline = _headline(self.summary)
        self.summary = None
        self.outputs = {}


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
        result = appraise(case, risk_draws=case.declared_risk_draws)  # as `appraisal run`
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
    on_item: Callable[[BatchItem], None] | None = None,
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
    on_item
        Called in this process with each item as soon as its case is done (in
        the order cases finish, before ``progress``): e.g. to write its files
        and :meth:`BatchItem.release` them. When it raises, the cases not yet
        started are cancelled and the exception propagates.

    Returns
    -------
    list of BatchItem
        In the order of ``paths`` (as ``on_item`` left them).

    """
    items = [Path(p) for p in paths]
    total = len(items)
    out: list[BatchItem | None] = [None] * total
    done = failed = 0

    def record(i: int, item: BatchItem) -> None:
        nonlocal done, failed
        item.name = output_folder(items[i], root) if root is not None else item.slug
        out[i] = item
        if on_item is not None:
            on_item(item)
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
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context(formats))
        queue = ((i, items[i]) for i in _largest_first(items))
        running: dict[Future[BatchItem], int] = {}

        def submit() -> None:
            for i, p in itertools.islice(queue, 1):
                running[pool.submit(appraise_one, str(p), formats)] = i

        try:
            for _ in range(_AHEAD * workers):
                submit()
            while running:
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for fut in finished:
                    # pop: a future holds its case's files until dropped
                    record(running.pop(fut), fut.result())
                    submit()
        except BaseException:
            # the cases already handed to workers finish; the rest never start
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        pool.shutdown(wait=True)
    return [x for x in out if x is not None]


def _pool_context(formats: str) -> multiprocessing.context.BaseContext:
    """The pool's start method: on Linux a fork server with the case's modules loaded, else spawn.

    Not "fork": the caller may have threads (a notebook, a server) whose locks a
    forked child would inherit held. The fork server is a fresh interpreter that
    imports :data:`_PRELOAD` (and the writers of ``formats``) once and forks each
    worker from itself, so workers start warm without copying the caller. Elsewhere
    (Windows; macOS, where system libraries are not safe to use after a fork without
    exec) each worker is a fresh interpreter that imports on its first case. A fork
    server already running keeps its preload.
    """
    if not sys.platform.startswith("linux"):  # pragma: no cover
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    wanted = [f.strip() for f in formats.split(",")]
    writers = [m for f, m in _PRELOAD_FORMAT.items() if f in wanted]
    ctx.set_forkserver_preload([*_PRELOAD, *writers, _PRELOAD_LAST])
    return ctx


def _largest_first(items: Sequence[Path]) -> list[int]:
    """The order to hand cases out: the largest files first, else as listed.

    The work of a case grows with its file (components, years, cities), so the
    last cases to start are the short ones and no worker is left with a long
    case while the others idle. Results are still returned in the input order.
    """

    def size(p: Path) -> int:
        try:
            return (p / "case.toml" if p.is_dir() else p).stat().st_size
        except OSError:  # unreadable: its worker says so, in its turn
            return 0

    sizes = [size(p) for p in items]
    return sorted(range(len(items)), key=lambda i: -sizes[i])


def output_folder(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> str:
    """The output folder of a batch's case: its path relative to ``root``, without the suffix.

    ``root/a.toml`` writes to ``a``, ``root/a/case.toml`` to ``a`` too, a cluster's
    city ``root/c/x.toml`` to ``c/x``; a path outside ``root`` to its file name's stem.

    >>> output_folder("cases/changzhutan/xiangtan.toml", "cases")
    'changzhutan/xiangtan'
    >>> output_folder("cases/xiangtan/case.toml", "cases")
    'xiangtan'
    """
    path = Path(path)
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
        queue = ((i, items[i]) for i in _largest_first(items))
        index: dict[str, int] = {}
        # loop=: the client is not made the process default, so name its loop explicitly.
        done = dask_completed(loop=client.loop)

        def submit() -> None:
            for i, p in itertools.islice(queue, 1):
                key = f"appraise-{i}-{p.name}"
                index[key] = i
                done.add(client.submit(appraise_one, str(p), formats, pure=False, key=key))

        for _ in range(_AHEAD * max(1, sum(client.nthreads().values()))):
            submit()
        for fut in done:
            item = fut.result()
            # the cluster keeps a result while a future names it: free it once fetched
            fut.release()
            record(index.pop(fut.key), item)
            submit()


def _headline(summary: str) -> dict[str, Any]:
    """A case's figures in ``portfolio.json``, from its JSON summary text."""
    s = json.loads(summary)
    return {
        "name": s["case"]["name"],
        "currency": s["case"]["currency"],
        "unit": s["case"]["unit"],
        "enpv": s["economic"]["enpv"],
        "eirr": s["economic"]["eirr"],
        "firr": s["financial"]["firr"],
        "reduction_tco2e_total": s["ghg"]["reduction_tco2e_total"],
        "cost_per_tco2e": s["abatement"]["cost_per_tco2e"],
    }


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
            rec |= _headline(item.summary)
        elif item.headline is not None:
            rec |= item.headline
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
