"""Shared fixtures: the cases shipped in cases/ and small helpers."""

from __future__ import annotations

import copy
import json
import os
import tomllib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
CASE_FILES = sorted(CASES.glob("*/case.toml"))


def case_data(name: str) -> dict[str, Any]:
    """The raw TOML mapping of a shipped case (a fresh copy)."""
    return copy.deepcopy(tomllib.loads((CASES / name / "case.toml").read_text("utf-8")))


# A test module that needs workbooks recalculated by LibreOffice declares
# ``RECALC_INPUTS``: functions that write .xlsx files into a folder and return their
# paths (unique stems). The ``recalculated`` fixture gathers them from every
# collected module and runs LibreOffice ONCE per session over all of them.
RecalcInput = Callable[[Path], Iterable[Path]]


def write_workbooks(src: Path, results: Mapping[str, Any]) -> list[Path]:
    """Each appraisal result's workbook written as ``src``/stem.xlsx; the paths, in order."""
    from appraisal.io.workbook import render_workbook

    files = []
    for stem, result in results.items():
        path = src / f"{stem}.xlsx"
        path.write_bytes(render_workbook(result))
        files.append(path)
    return files


@pytest.fixture(scope="session")
def recalculated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict[str, Path]]:
    """Every workbook the session's tests recalculate, through one ``soffice`` run.

    Returns ``{"in": {stem: path}, "out": {stem: path}}``: the files as written
    and as LibreOffice recalculated and saved them.
    """
    from tests.libreoffice import SofficeMissing, find_soffice, recalculate

    try:
        find_soffice()
    except SofficeMissing as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set and LibreOffice is missing: {exc}")
        pytest.skip(str(exc))
    base = tmp_path_factory.mktemp("recalc")
    src = base / "in"
    src.mkdir()
    modules = {getattr(item, "module", None) for item in request.session.items}
    files: list[Path] = []
    for module in sorted((m for m in modules if m is not None), key=lambda m: m.__name__):
        for produce in getattr(module, "RECALC_INPUTS", ()):
            files.extend(produce(src))
    stems = [p.stem for p in files]
    assert len(stems) == len(set(stems)), f"two recalculation inputs share a name: {stems}"
    outs = recalculate(files, base / "out", base / "profile")
    return {"in": {p.stem: p for p in files}, "out": {p.stem: p for p in outs}}


@pytest.fixture(scope="session")
def xiangtan_result() -> Any:
    import appraisal

    return appraisal.appraise(appraisal.load_case(CASES / "xiangtan" / "case.toml"))


def minimal_case(**economic: Any) -> dict[str, Any]:
    """The explicit-streams example of the issue, as a mapping."""
    return {
        "case": {
            "name": "Example",
            "currency": "USD",
            "unit": "million",
            "price_year": 2020,
            "first_year": 2021,
            "years": 25,
            "first_year_discounted": True,
        },
        "economic": {"discount_rate": 0.09, "carbon_price": "adb-2017", **economic},
        "components": [
            {
                "id": "bus-priority",
                "name": "Bus priority corridors",
                "streams": {
                    "basis": "economic",
                    "capital": [12.0, 20.5, 8.0],
                    "operating": [0, 0, 0.4, 0.4],
                    "benefits": {"time_savings": [0, 0, 3.1, 3.4, 3.6] + [3.6] * 20},
                    "emissions": {
                        "without_project": [0, 0, 52000, 53000],
                        "with_project": [0, 0, 31000, 31500],
                    },
                },
            }
        ],
    }


def write_toml(path: Path, data: dict[str, Any]) -> Path:
    """Write a case mapping (``case``, ``economic``, ``components``) as TOML; the path.

    Only the sections present are written; the file is checked to be valid TOML.
    """

    def val(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{json.dumps(str(k))} = {val(x)}" for k, x in v.items()) + " }"
        return repr(v)

    lines = []
    for section in ("case", "economic"):
        if section in data:
            lines.append(f"[{section}]")
            lines += [f"{k} = {val(v)}" for k, v in data[section].items()]
    for comp in data.get("components", []):
        lines.append("[[components]]")
        lines += [f"{k} = {val(v)}" for k, v in comp.items()]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    assert tomllib.loads(path.read_text("utf-8"))  # the file is valid TOML
    return path
