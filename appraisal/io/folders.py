"""Folders of cases: the case files of a batch, and the candidate projects of a fund.

A folder's cases are found by :func:`discover` (the batch of ``appraisal run
DIR``); :func:`fund_inputs` reads and appraises what ``appraisal fund`` chooses
among, with the defaults a cluster's ``cluster.toml`` gives (``[fund]``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from appraisal.fund import Allocation, allocate, project_table
from appraisal.io.cases import load_case
from appraisal.io.clusters import cluster_case_paths, read_cluster_spec
from appraisal.workflow import appraise

__all__ = ["FundInputs", "discover", "fund_inputs"]


def discover(folder: str | os.PathLike[str]) -> list[Path]:
    """The case files of a folder, sorted.

    A folder's cases are: its own ``*.toml`` files (except ``cluster.toml`` and
    ``expected.toml``), the ``case.toml`` of each sub-folder, and the city
    files of each sub-folder that is a cluster (holds a ``cluster.toml``).
    """
    root = Path(folder)
    skip = {"cluster.toml", "expected.toml"}
    found = [p for p in root.glob("*.toml") if p.name not in skip]
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        if (sub / "case.toml").is_file():
            found.append(sub / "case.toml")
        elif (sub / "cluster.toml").is_file():
            found += [p for p in sub.glob("*.toml") if p.name not in skip]
    return sorted(found)


@dataclass
class FundInputs:
    """The candidate projects of ``appraisal fund`` and the defaults a cluster.toml gives.

    Attributes
    ----------
    projects
        :func:`appraisal.fund.project_table` of the cases.
    money
        The cases' money unit (e.g. "USD million").
    defaults
        The ``[fund]`` table of the cluster.toml read, if any (``budget``
        [money], ``objective``, ``city_min`` / ``city_max`` [money], ...).
    """

    projects: pd.DataFrame
    money: str
    defaults: dict[str, Any]

    def allocate(
        self,
        budget: float | None = None,
        *,
        objective: str | None = None,
        city_min: Mapping[str, float] | None = None,
        city_max: Mapping[str, float] | None = None,
    ) -> Allocation:
        """:func:`appraisal.fund.allocate` with the cluster's defaults for what is not given.

        Raises
        ------
        ValueError
            No budget given or in the defaults, or what ``allocate`` refuses.
        """
        d = self.defaults
        budget = budget if budget is not None else d.get("budget")
        if budget is None:
            raise ValueError("no budget: give one, or a cluster.toml with [fund] budget")
        return allocate(
            self.projects,
            float(budget),
            objective=objective or d.get("objective", "tco2e"),
            city_min=city_min or d.get("city_min", {}),
            city_max=city_max or d.get("city_max", {}),
            money=self.money,
        )


def fund_inputs(
    paths: Sequence[str | os.PathLike[str]],
    *,
    by: str | None = None,
    support_share: float | None = None,
) -> FundInputs:
    """Read and appraise the cases a fund chooses among.

    Each path is a case file, a folder with ``case.toml``, a cluster folder
    (its cities; its ``[fund]`` table gives the defaults) or a folder of cases.
    ``by`` and ``support_share`` override the cluster's defaults (else
    ``component`` and 1.0).
    """
    files: list[Path] = []
    defaults: dict[str, Any] = {}
    for raw in paths:
        p = Path(raw)
        if p.is_dir() and (p / "cluster.toml").is_file():
            spec = read_cluster_spec(p / "cluster.toml")
            defaults = {**spec.fund, **defaults}
            files += cluster_case_paths(p, spec)
        elif p.is_dir() and not (p / "case.toml").is_file():
            files += discover(p)
        else:
            files.append(p)
    cases = [load_case(f) for f in files]
    appraised = [(c, appraise(c)) for c in cases]
    share = support_share if support_share is not None else defaults.get("support_share", 1.0)
    table = project_table(
        appraised, by=by or defaults.get("by", "component"), support_share=float(share)
    )
    money = cases[0].meta.money if cases else "money"
    return FundInputs(table, money, defaults)
