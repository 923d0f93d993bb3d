"""Write a batch's outputs (:mod:`appraisal.batch`): each case's files and ``portfolio.json``."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from appraisal.batch import BatchItem, portfolio_summary
from appraisal.case import CaseError
from appraisal.io.atomic import write_all_atomic
from appraisal.result import to_json
from appraisal.schema import Problem

__all__ = ["write_batch"]


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
    seen: dict[str, str] = {}
    for item in items:
        folder = item.name or item.slug
        if folder is None:
            continue
        if folder in seen:
            raise CaseError(
                item.path,
                [
                    Problem(
                        "(file)",
                        f"writes {folder}/ like {seen[folder]}; rename one of them (the "
                        "output name is the file name, or the folder's for case.toml)",
                    )
                ],
            )
        seen[folder] = item.path
    root = Path(out_dir)
    files: dict[Path, bytes] = {}
    for item in items:
        folder = item.name or item.slug
        if not item.ok or item.slug is None or folder is None:
            continue
        for fmt_name, data in item.outputs.items():
            files[root / folder / f"{item.slug}.{fmt_name}"] = data
    files[root / "portfolio.json"] = to_json(portfolio_summary(items)).encode()
    return write_all_atomic(files, inputs=[item.path for item in items])
