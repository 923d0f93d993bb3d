"""Case files: read a TOML case (or dispatch an .xlsx template) into a Case."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from appraisal.case import Case, CaseError, parse_case
from appraisal.schema import Problem

__all__ = ["MAX_CASE_BYTES", "load_case", "parse_toml"]

MAX_CASE_BYTES = 20 * 1024 * 1024


def parse_toml(text: str, *, source: str = "<case>") -> Case:
    """Parse the text of a TOML case."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CaseError(source, [Problem("(toml)", f"not valid TOML: {exc}")]) from None
    return parse_case(data, source=source)


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
    return parse_toml(text, source=source)
