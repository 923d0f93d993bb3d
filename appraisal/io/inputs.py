"""The files a command reads from its path arguments, so that no output replaces one."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from appraisal.io.clusters import cluster_case_paths, read_cluster_spec
from appraisal.io.folders import discover

__all__ = ["input_files"]


def input_files(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """The files read for ``paths``, by the rules of :func:`appraisal.io.folders.fund_inputs`.

    A cluster folder gives its ``cluster.toml`` and its cities' case files; a
    folder with ``case.toml`` gives that; another folder its cases
    (:func:`appraisal.io.folders.discover`); a file itself (existing or not).

    Raises
    ------
    CaseError
        A cluster folder's ``cluster.toml`` that cannot be read (as the command would).
    """
    files: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir() and (p / "cluster.toml").is_file():
            spec = read_cluster_spec(p / "cluster.toml")
            files += [p / "cluster.toml", *cluster_case_paths(p, spec)]
        elif p.is_dir() and (p / "case.toml").is_file():
            files.append(p / "case.toml")
        elif p.is_dir():
            files += discover(p)
        else:
            files.append(p)
    return files
