"""Cluster folders: read ``cluster.toml`` and the cities' case files (the I/O of
:mod:`appraisal.cluster`, whose functions stay pure)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from appraisal.case import Case, CaseError
from appraisal.cluster import ClusterResult, ClusterSpec, appraise_cluster, parse_cluster_spec
from appraisal.io.cases import load_case
from appraisal.schema import Problem

__all__ = ["appraise_cluster_folder", "cluster_case_paths", "load_cluster"]


def cluster_case_paths(folder: Path, spec: ClusterSpec) -> list[Path]:
    """A cluster folder's city case files: those listed, else each ``*.toml`` but cluster.toml."""
    if spec.cities:
        return [folder / c for c in spec.cities]
    return sorted(p for p in folder.glob("*.toml") if p.name != "cluster.toml")


def load_cluster(folder: str | Path) -> tuple[ClusterSpec, list[Case]]:
    """Read a cluster folder: ``cluster.toml`` and the cities' case files.

    Raises
    ------
    CaseError
        For a missing or bad ``cluster.toml`` or any bad city case (every
        problem of every file is collected before raising the first file's).
    """
    folder = Path(folder)
    spec_path = folder / "cluster.toml"
    if not spec_path.is_file():
        raise CaseError(
            str(spec_path), [Problem("(file)", "no such file; a cluster folder needs one")]
        )
    try:
        data = tomllib.loads(spec_path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CaseError(str(spec_path), [Problem("(toml)", f"not valid TOML: {exc}")]) from None
    spec = parse_cluster_spec(data, source=str(spec_path))
    cases = [load_case(p) for p in cluster_case_paths(folder, spec)]
    for case in cases:
        if "city" not in case.data:
            raise CaseError(
                case.path,
                [Problem("city", "is missing; a cluster's case needs a [city] section")],
            )
    return spec, cases


def appraise_cluster_folder(folder: str | Path) -> ClusterResult:
    """Read a cluster folder, appraise each city's case and combine them."""
    from appraisal.workflow import appraise

    spec, cases = load_cluster(folder)
    return appraise_cluster(spec, [appraise(c) for c in cases])
