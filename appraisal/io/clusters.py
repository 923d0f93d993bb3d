"""Cluster folders: read ``cluster.toml`` and the cities' case files (the I/O of
:mod:`appraisal.cluster`, whose functions stay pure).

:func:`parse_cluster_spec` checks the mapping of a ``cluster.toml`` (format:
``docs/cluster.md``); :func:`load_cluster` reads a cluster folder.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from appraisal.case import Case, CaseError
from appraisal.cluster import ClusterResult, ClusterSpec, appraise_cluster
from appraisal.io.cases import load_case, read_toml
from appraisal.schema import Problem

__all__ = [
    "appraise_cluster_folder",
    "cluster_case_paths",
    "load_cluster",
    "parse_cluster_spec",
    "read_cluster_spec",
]

_CLUSTER_KEYS = ("name", "cities", "peak_target_year", "peak_target_tco2e", "source")
_FUND_KEYS = ("budget", "objective", "support_share", "by", "city_min", "city_max")


def _is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def parse_cluster_spec(data: Mapping[str, Any], *, source: str = "cluster.toml") -> ClusterSpec:
    """Check the mapping of a ``cluster.toml`` and build the :class:`ClusterSpec`.

    Raises
    ------
    CaseError
        With every problem found, each with its key path.
    """
    problems: list[Problem] = []
    for key in data:
        if key not in ("cluster", "fund"):
            problems.append(Problem(key, "unknown key; expected one of: cluster, fund"))
    c = data.get("cluster")
    if not isinstance(c, Mapping):
        problems.append(Problem("cluster", "is missing; expected a table [cluster]"))
        raise CaseError(source, problems)
    for key in c:
        if key not in _CLUSTER_KEYS:
            problems.append(
                Problem(
                    f"cluster.{key}", f"unknown key; expected one of: {', '.join(_CLUSTER_KEYS)}"
                )
            )
    name = c.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(Problem("cluster.name", "is missing; expected text"))
    cities = c.get("cities", [])
    if not isinstance(cities, list) or not all(isinstance(x, str) for x in cities):
        problems.append(Problem("cluster.cities", "expected a list of case file names"))
        cities = []
    year = c.get("peak_target_year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        problems.append(Problem("cluster.peak_target_year", f"expected a year, got {year!r}"))
    level = c.get("peak_target_tco2e")
    if level is not None and (not _is_num(level) or level < 0):
        problems.append(
            Problem("cluster.peak_target_tco2e", f"expected tCO2e per year >= 0, got {level!r}")
        )
    fund = data.get("fund", {})
    if not isinstance(fund, Mapping):
        problems.append(Problem("fund", "expected a table [fund]"))
        fund = {}
    for key, v in fund.items():
        if key not in _FUND_KEYS:
            problems.append(
                Problem(f"fund.{key}", f"unknown key; expected one of: {', '.join(_FUND_KEYS)}")
            )
        elif key in ("budget", "support_share") and (not _is_num(v) or v < 0):
            problems.append(Problem(f"fund.{key}", f"expected a number >= 0, got {v!r}"))
        elif key == "objective" and v not in ("tco2e", "enpv"):
            problems.append(Problem("fund.objective", f"{v!r}: expected tco2e or enpv"))
        elif key == "by" and v not in ("component", "case"):
            problems.append(Problem("fund.by", f"{v!r}: expected component or case"))
        elif key in ("city_min", "city_max") and (
            not isinstance(v, Mapping) or not all(_is_num(x) and x >= 0 for x in v.values())
        ):
            problems.append(Problem(f"fund.{key}", "expected a table {city = money amount >= 0}"))
    if problems:
        raise CaseError(source, problems)
    return ClusterSpec(
        name=str(name),
        cities=tuple(cities),
        peak_target_year=year,
        peak_target_tco2e=None if level is None else float(level),
        source=str(c.get("source", "")),
        fund={k: (dict(v) if isinstance(v, Mapping) else v) for k, v in fund.items()},
    )


def cluster_case_paths(folder: Path, spec: ClusterSpec) -> list[Path]:
    """A cluster folder's city case files: those listed, else each ``*.toml`` but cluster.toml."""
    if spec.cities:
        return [folder / c for c in spec.cities]
    return sorted(p for p in folder.glob("*.toml") if p.name != "cluster.toml")


def read_cluster_spec(path: str | Path) -> ClusterSpec:
    """Read and check a ``cluster.toml``.

    Raises
    ------
    CaseError
        For a missing file, a file that is not TOML, or the problems
        :func:`parse_cluster_spec` finds.
    """
    path = Path(path)
    if not path.is_file():
        raise CaseError(str(path), [Problem("(file)", "no such file; a cluster folder needs one")])
    data = read_toml(path)  # the one TOML reader: size, UTF-8, syntax, nesting depth
    return parse_cluster_spec(data, source=str(path))


def load_cluster(folder: str | Path) -> tuple[ClusterSpec, list[Case]]:
    """Read a cluster folder: ``cluster.toml`` and the cities' case files.

    Raises
    ------
    CaseError
        For a missing or bad ``cluster.toml`` or any bad city case (every
        problem of every file is collected before raising the first file's).
    """
    folder = Path(folder)
    spec = read_cluster_spec(folder / "cluster.toml")
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
