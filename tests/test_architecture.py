"""The layers hold: read from the import statements of every module (docs/architecture.md).

Independent evidence: the source text itself, parsed with :mod:`ast`; nothing is
imported, so a rule cannot be met by accident of import order.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "appraisal"

# Drivers: they may use every layer (the CLI parses and writes; batch runs the
# workflow and the writers in worker processes).
DRIVERS = {"appraisal/__init__.py", "appraisal/cli.py", "appraisal/batch.py"}

# The engine's computations. A writer renders what the result carries and never
# calls one of these (that would be a second, possibly different, figure).
ENGINE_COMPUTATIONS = {
    "appraise",
    "carbon_price_path",
    "component_streams",
    "conversion_factor",
    "damage_cost_transfer",
    "economic_indicators",
    "economic_streams",
    "grid_factor",
    "jobs",
    "levelized_cost",
    "loan_schedule",
    "mac_curve",
    "monte_carlo",
    "parse_risk",
    "parse_sensitivity_tests",
    "sensitivity",
    "wacc_table",
    "CARBON_PATHS",
}

# Readers may run the workflow (a cluster folder is appraised city by city).
READERS_MAY_APPRAISE = {"appraisal/io/clusters.py", "appraisal/io/folders.py"}

# Libraries of the edge: the core never imports them.
EDGE_LIBRARIES = {"openpyxl", "reportlab", "argparse", "click", "rich", "defusedxml", "dask"}

MAX_LINES = 600


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _rel(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, package: str | None = None) -> list[tuple[str, str | None, int]]:
    """(module, imported name or None, line) for every import, relative ones resolved."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    if package is None:
        package = _module_name(path)
        if path.name != "__init__.py":
            package = package.rpartition(".")[0]
    out: list[tuple[str, str | None, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.extend((a.name, None, node.lineno) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, module] if module else base)
            out.extend((module, a.name, node.lineno) for a in node.names)
    return out


IO_MODULES = [p for p in _modules() if _rel(p).startswith("appraisal/io/")]
CORE_MODULES = [
    p for p in _modules() if not _rel(p).startswith("appraisal/io/") and _rel(p) not in DRIVERS
]


def test_the_walk_finds_both_layers() -> None:
    # guards the tests below against an empty parametrisation
    assert len(IO_MODULES) >= 5
    assert len(CORE_MODULES) >= 10


def _io_violations(path: Path, rel: str, package: str | None = None) -> list[str]:
    bad = []
    for module, name, line in _imports(path, package):
        if not module.startswith("appraisal") or module.startswith("appraisal.io"):
            continue
        if module == "appraisal._version":
            continue
        parts = module.split(".")
        if any(p.startswith("_") for p in parts):
            bad.append(f"line {line}: imports the private module {module}")
        if name is not None and name.startswith("_"):
            bad.append(f"line {line}: imports the private name {module}.{name}")
        if name in ENGINE_COMPUTATIONS and not (name == "appraise" and rel in READERS_MAY_APPRAISE):
            bad.append(f"line {line}: imports the engine computation {module}.{name}")
    return bad


@pytest.mark.parametrize("path", IO_MODULES, ids=_rel)
def test_io_uses_only_public_names_and_never_recomputes(path: Path) -> None:
    bad = _io_violations(path, _rel(path))
    assert not bad, f"{_rel(path)}:\n" + "\n".join(bad)


@pytest.mark.parametrize("path", CORE_MODULES, ids=_rel)
def test_core_imports_no_edge(path: Path) -> None:
    bad = []
    for module, _name, line in _imports(path):
        top = module.split(".")[0]
        if top in EDGE_LIBRARIES:
            bad.append(f"line {line}: imports {module}")
        if module == "appraisal.io" or module.startswith("appraisal.io."):
            bad.append(f"line {line}: imports {module}")
        if module == "appraisal.cli":
            bad.append(f"line {line}: imports the CLI")
    assert not bad, f"{_rel(path)}:\n" + "\n".join(bad)


@pytest.mark.parametrize("path", _modules(), ids=_rel)
def test_no_module_over_600_lines(path: Path) -> None:
    lines = len(path.read_text("utf-8").splitlines())
    assert lines <= MAX_LINES, f"{_rel(path)} has {lines} lines; split it by responsibility"


def test_the_rules_catch_planted_imports(tmp_path: Path) -> None:
    # the checker's own check: each planted violation is reported, the allowed lines are not
    planted = tmp_path / "planted.py"
    planted.write_text(
        "from appraisal.uncertainty import _Model\n"
        "from appraisal.streams import component_streams\n"
        "from ...finance._common import check\n"
        "from appraisal.io.xlsx_common import set_text\n"
        "from appraisal.result import AppraisalResult\n"
        "from .sheet import SheetWriter\n",
        "utf-8",
    )
    bad = _io_violations(planted, "appraisal/io/workbook/planted.py", "appraisal.io.workbook")
    assert [b.split(":")[0] for b in bad] == ["line 1", "line 2", "line 3"]
