"""Write a batch's outputs (:mod:`appraisal.batch`): each case's files and ``portfolio.json``.

Two ways, the same files: :class:`BatchWriter` stages each case's files as it
finishes (what ``appraisal run DIR`` does: the batch keeps a few hundred bytes a
case, not its files), :func:`write_batch` writes a finished batch's items. Either
way every file of the batch is written or none (as
:func:`appraisal.io.atomic.write_all_atomic`), and a case that failed writes nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from appraisal.batch import BatchItem, output_folder, portfolio_summary
from appraisal.case import CaseError
from appraisal.io.atomic import InputFiles, StagedWrite, check_outputs, write_all_atomic
from appraisal.result import to_json
from appraisal.schema import Problem

__all__ = ["BatchWriter", "check_folders", "write_batch"]


def check_folders(cases: Iterable[tuple[str, str | None]]) -> None:
    """Refuse two cases that would write to the same output folder.

    Parameters
    ----------
    cases
        (case file, its output folder or None), in the batch's order.

    Raises
    ------
    CaseError
        Naming the second case file of the pair and the folder.
    """
    seen: dict[str, str] = {}
    for path, folder in cases:
        if folder is None:
            continue
        if folder in seen:
            raise CaseError(
                path,
                [
                    Problem(
                        "(file)",
                        f"writes {folder}/ like {seen[folder]}; rename one of them (the "
                        "output name is the file name, or the folder's for case.toml)",
                    )
                ],
            )
        seen[folder] = path


def _case_files(item: BatchItem, root: Path) -> dict[Path, bytes]:
    """``root/<folder>/<slug>.<format>`` of a successful case, by path; else none."""
    folder = item.name or item.slug
    if not item.ok or item.slug is None or folder is None:
        return {}
    return {root / folder / f"{item.slug}.{fmt}": data for fmt, data in item.outputs.items()}


def _portfolio(items: Sequence[BatchItem], root: Path) -> dict[Path, bytes]:
    return {root / "portfolio.json": to_json(portfolio_summary(items)).encode()}


class BatchWriter:
    """Write a batch's files as its cases finish (``on_item`` of
    :func:`appraisal.batch.run_batch`), all of them or none, as :func:`write_batch`.

    Made before any work, it refuses what :func:`write_batch` refuses, in the
    same words: an output folder that cannot be made or written
    (:func:`appraisal.io.atomic.check_outputs`), ``portfolio.json`` over a case
    file, two cases writing to one folder (:func:`check_folders`). Each
    finished case's files then go to temporary files beside their names
    (:class:`appraisal.io.atomic.StagedWrite`) and the item is released
    (:meth:`appraisal.batch.BatchItem.release`): the batch holds no case's bytes
    once it is done, so memory does not grow with the number of cases.
    :meth:`finish` adds ``portfolio.json`` and renames every file into place;
    leaving the ``with`` block otherwise (a full disk, an interrupt) removes
    them all: nothing of the batch is written, an earlier batch's files stay.

    Parameters
    ----------
    out_dir
        The batch's output folder.
    paths
        The case files, in the batch's order.
    root
        The batch folder (each case writes to :func:`appraisal.batch.output_folder`
        of its path); None: to its slug, checked as cases finish.

    Raises
    ------
    CaseError, appraisal.io.atomic.ReplacesInputError, OSError
        From the checks above, before any work.
    """

    def __init__(
        self,
        out_dir: str | os.PathLike[str],
        paths: Sequence[str | os.PathLike[str]],
        *,
        root: str | os.PathLike[str] | None = None,
    ) -> None:
        self.root = Path(out_dir)
        check_outputs(self.root, [self.root / "portfolio.json"], paths)
        if root is not None:
            check_folders((str(p), output_folder(p, root)) for p in paths)
        self._staged = StagedWrite(inputs=InputFiles(paths))
        self._folders: dict[str, str] = {}  # folder staged -> its case file

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._staged.__exit__(*exc)

    def __call__(self, item: BatchItem) -> None:
        """Stage one finished case's files (none if it failed), then release its bytes."""
        files = _case_files(item, self.root)
        if files:
            folder = item.name or item.slug
            assert folder is not None  # as _case_files found
            if folder in self._folders:  # names not known before the run (no root)
                check_folders([(self._folders[folder], folder), (item.path, folder)])
            self._staged.add(files)
            self._folders[folder] = item.path
        item.release()

    def finish(self, items: Sequence[BatchItem]) -> list[Path]:
        """Add ``portfolio.json`` of ``items`` and rename every file into place; their paths."""
        self._staged.add(_portfolio(items, self.root))
        self._staged.commit()
        return self._staged.paths


def write_batch(items: Sequence[BatchItem], out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write each successful case's outputs to ``out_dir/<slug>/`` and ``portfolio.json``.

    All or nothing (:func:`appraisal.io.atomic.write_all_atomic`): every file of
    the batch is written before any is renamed into place.

    Raises
    ------
    CaseError
        Before writing anything, when two cases would write to the same folder.
    appraisal.io.atomic.ReplacesInputError
        Before writing anything, when an output would replace a case file of the batch.
    """
    check_folders((item.path, item.name or item.slug) for item in items)
    root = Path(out_dir)
    files: dict[Path, bytes] = {}
    for item in items:
        files |= _case_files(item, root)
    files |= _portfolio(items, root)
    return write_all_atomic(files, inputs=[item.path for item in items])
