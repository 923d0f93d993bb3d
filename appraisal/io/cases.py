"""Case files: read a TOML case (or dispatch an .xlsx template) into a Case.

:func:`read_toml` is the one reader of a TOML file (a case, a ``cluster.toml``):
size, encoding, syntax and nesting are refused as bad input naming the file.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from appraisal.case import Case, CaseError, parse_case
from appraisal.schema import MAX_DEPTH, Problem, nesting_problem

__all__ = ["MAX_CASE_BYTES", "load_case", "loads_toml", "parse_toml", "read_toml"]

MAX_CASE_BYTES = 20 * 1024 * 1024


def loads_toml(text: str, *, source: str = "<case>") -> dict[str, Any]:
    """The tables of a TOML text.

    Raises
    ------
    CaseError
        When the text is not TOML, or nests arrays or tables deeper than
        :data:`appraisal.schema.MAX_DEPTH` (located at the first too-deep key path).
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CaseError(source, [Problem("(toml)", f"not valid TOML: {exc}")]) from None
    except RecursionError:
        # tomllib parses nested arrays and inline tables recursively: a few hundred
        # levels exhaust Python's stack. Shallower nesting is refused just below.
        raise CaseError(
            source,
            [
                Problem(
                    "(toml)",
                    f"arrays or tables nested hundreds of levels deep; expected at most "
                    f"{MAX_DEPTH} (the deepest field of a case is 6 levels down)",
                )
            ],
        ) from None
    deep = nesting_problem(data)
    if deep is not None:
        raise CaseError(source, [deep])
    return data


def read_toml(path: str | os.PathLike[str], *, source: str | None = None) -> dict[str, Any]:
    """Read a TOML file: at most :data:`MAX_CASE_BYTES`, UTF-8, TOML (see :func:`loads_toml`).

    Raises
    ------
    CaseError
        Naming the file (``source``, default the path) and what is wrong with it.
    """
    p = Path(path)
    source = str(path) if source is None else source
    size = p.stat().st_size
    if size > MAX_CASE_BYTES:
        raise CaseError(
            source,
            [Problem("(file)", f"{size} bytes is too large; expected at most {MAX_CASE_BYTES}")],
        )
    try:
        text = p.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CaseError(source, [Problem("(file)", f"not UTF-8 text: {exc.reason}")]) from None
    return loads_toml(text, source=source)


def parse_toml(text: str, *, source: str = "<case>") -> Case:
    """Parse the text of a TOML case.

    Raises
    ------
    CaseError
        When the text is not TOML, nests too deep (see :func:`loads_toml`), or the
        case has problems.
    """
    return parse_case(loads_toml(text, source=source), source=source)


def load_case(path: str | os.PathLike[str]) -> Case:
    """Read and validate a case file.

    Parameters
    ----------
    path
        A ``.toml`` case, a folder holding ``case.toml``, or a filled ``.xlsx``
        input template.

    Raises
    ------
    CaseError
        With every problem found, each naming the key path (or cell).
    """
    p = Path(path)
    source = str(path)
    if p.is_dir():
        p = p / "case.toml"
        source = str(p)
    if not p.exists():
        raise CaseError(source, [Problem("(file)", "no such file")])
    suffix = p.suffix.lower()
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods", ".csv"):
        # Imported here: TOML cases need no openpyxl. The reader refuses .xls, .ods
        # and .csv with a message that says what to do instead.
        from appraisal.io.template import read_template

        return read_template(p)
    if suffix != ".toml":
        raise CaseError(
            source,
            [Problem("(file)", f"unknown case file type {suffix!r}; expected .toml or .xlsx")],
        )
    return parse_case(read_toml(p, source=source), source=source)
