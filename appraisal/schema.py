"""The case-field schema and the validator it drives.

One schema (``appraisal/data/case_schema.toml``) describes every field of a case:
key path, type, unit, default, bounds, choices and description. The same
description drives :func:`validate` (this module), the blank Excel input
template and ``docs/case-format.md``, so they cannot disagree (PyPSA's
component-attribute tables are the model).

Validation never stops at the first problem: it returns every problem found,
each with the key path of the offending field, so a reader can map it to a
file location (a TOML key path or a workbook cell).
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "Field",
    "Problem",
    "children",
    "field_by_key",
    "fields",
    "validate",
]


@dataclass(frozen=True)
class Field:
    """One field of the case schema (see the header of ``case_schema.toml``)."""

    key: str
    type: str
    description: str
    required: bool = False
    default: Any = None
    unit: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    pattern: str | None = None
    example: Any = None

    @property
    def name(self) -> str:
        """Last part of the key (``*`` for a member of a user-named table)."""
        return self.key.rsplit(".", 1)[-1]

    @property
    def parent(self) -> str:
        """Key of the enclosing table or array ("" at top level)."""
        return self.key.rsplit(".", 1)[0] if "." in self.key else ""

    @property
    def has_default(self) -> bool:
        return self.default is not None


@dataclass(frozen=True)
class Problem:
    """A problem found in a case: where (key path) and what (message)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@cache
def fields() -> tuple[Field, ...]:
    """All fields of the case schema, in file order."""
    text = resources.files("appraisal").joinpath("data/case_schema.toml").read_text("utf-8")
    raw = tomllib.loads(text)["field"]
    out = []
    for item in raw:
        item = dict(item)
        if "choices" in item:
            item["choices"] = tuple(item["choices"])
        if isinstance(item.get("default"), list):
            item["default"] = tuple(item["default"])
        out.append(Field(**item))
    return tuple(out)


@cache
def field_by_key() -> dict[str, Field]:
    """Map of key -> field."""
    return {f.key: f for f in fields()}


@cache
def children(parent: str) -> tuple[Field, ...]:
    """Fields directly inside the table or array element ``parent`` ("" = top level)."""
    return tuple(f for f in fields() if f.parent == parent)


def _element_key(key: str, ftype: str) -> str:
    return key + "[]" if ftype == "array" else key


def _fmt(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@dataclass
class _Ctx:
    problems: list[Problem] = field(default_factory=list)
    years: int | None = None

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))


def _check_number(f: Field, value: Any, path: str, ctx: _Ctx, *, integer: bool) -> Any:
    if integer:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            ctx.add(path, f"expected a whole number, got {_fmt(value)}")
            return None
    elif not _is_number(value):
        ctx.add(path, f"expected a number, got {_fmt(value)}")
        return None
    if isinstance(value, float) and not math.isfinite(value):
        ctx.add(path, f"expected a finite number, got {_fmt(value)}")
        return None
    lo, hi = f.min, f.max
    if f.type == "rate" and hi is not None and hi <= 1.0 and value > 1.0 and value < 100.0:
        ctx.add(
            path,
            f"{_fmt(value)} looks like a percentage; rates are decimals "
            f"(write {value / 100:g} for {value:g}%)",
        )
        return None
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        unit = f" [{f.unit}]" if f.unit else ""
        ctx.add(path, f"{_fmt(value)} is out of range; expected {lo:g} to {hi:g}{unit}")
        return None
    return float(value) if not integer else value


def _check_stream(f: Field, value: Any, path: str, ctx: _Ctx) -> Any:
    if not isinstance(value, list):
        ctx.add(path, f"expected a list of numbers (one per year), got {_fmt(value)}")
        return None
    out = []
    bad = False
    for i, v in enumerate(value):
        if not _is_number(v) or (isinstance(v, float) and not math.isfinite(v)):
            ctx.add(f"{path}[{i}]", f"expected a finite number, got {_fmt(v)}")
            bad = True
        else:
            out.append(float(v))
    if bad:
        return None
    if f.type == "stream" and ctx.years is not None and len(out) > ctx.years:
        ctx.add(
            path,
            f"has {len(out)} values but the case has {ctx.years} years; "
            f"expected at most {ctx.years} (one per year from case.first_year)",
        )
        return None
    if f.type == "shares":
        if any(v < 0 or v > 1 for v in out):
            ctx.add(path, "shares must each be between 0 and 1")
            return None
        if f.key.endswith("disbursement") and abs(sum(out) - 1.0) > 1e-6:
            ctx.add(path, f"shares sum to {sum(out):g}; expected 1")
            return None
    return out


def _check_path(f: Field, value: Any, path: str, ctx: _Ctx) -> Any:
    """A number, or a table {year = value}."""
    if _is_number(value):
        return _check_number(f, value, path, ctx, integer=False)
    if isinstance(value, Mapping):
        if not value:
            ctx.add(path, "expected at least one {year = value} entry")
            return None
        out: dict[int, float] = {}
        for k, v in value.items():
            if not re.fullmatch(r"\d{4}", str(k)):
                ctx.add(f"{path}.{k}", "expected a year (4 digits) as the key")
                continue
            checked = _check_number(f, v, f"{path}.{k}", ctx, integer=False)
            if checked is not None:
                out[int(k)] = checked
        return dict(sorted(out.items()))
    ctx.add(path, f"expected a number or a table {{year = value}}, got {_fmt(value)}")
    return None


def _check_value(f: Field, value: Any, path: str, ctx: _Ctx) -> Any:
    t = f.type
    if t == "str":
        if not isinstance(value, str):
            ctx.add(path, f"expected text, got {_fmt(value)}")
            return None
        if f.pattern and not re.fullmatch(f.pattern, value):
            ctx.add(path, f"{_fmt(value)} does not match {f.pattern}")
            return None
        if f.required and not value.strip():
            ctx.add(path, "is empty; expected text")
            return None
        return value
    if t == "bool":
        if not isinstance(value, bool):
            ctx.add(path, f"expected true or false, got {_fmt(value)}")
            return None
        return value
    if t == "int":
        return _check_number(f, value, path, ctx, integer=True)
    if t in ("float", "rate"):
        return _check_number(f, value, path, ctx, integer=False)
    if t == "choice":
        if value not in f.choices:
            ctx.add(path, f"{_fmt(value)} is not allowed; expected one of {', '.join(f.choices)}")
            return None
        return value
    if t in ("stream", "shares"):
        return _check_stream(f, value, path, ctx)
    if t == "path":
        return _check_path(f, value, path, ctx)
    if t == "carbon_path":
        if isinstance(value, str):
            if value not in f.choices:
                ctx.add(
                    path,
                    f"unknown carbon price path {_fmt(value)}; expected one of "
                    f"{', '.join(f.choices)}, or a table {{year = price}}",
                )
                return None
            return value
        return _check_path(f, value, path, ctx)
    if t == "table":
        if not isinstance(value, Mapping):
            ctx.add(path, f"expected a table, got {_fmt(value)}")
            return None
        return _check_table(f.key, value, path, ctx)
    if t == "array":
        if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
            ctx.add(path, f"expected an array of tables ([[{f.key}]]), got {_fmt(value)}")
            return None
        return [_check_table(f.key + "[]", v, f"{path}[{i}]", ctx) for i, v in enumerate(value)]
    raise AssertionError(f"schema field {f.key} has unknown type {t}")


def _check_table(key: str, data: Mapping[str, Any], path: str, ctx: _Ctx) -> dict[str, Any]:
    kids = children(key)
    named = {f.name: f for f in kids if f.name != "*"}
    wildcard = next((f for f in kids if f.name == "*"), None)
    out: dict[str, Any] = {}
    prefix = f"{path}." if path else ""
    for name, value in data.items():
        sub = f"{prefix}{name}"
        if name in named:
            checked = _check_value(named[name], value, sub, ctx)
        elif wildcard is not None:
            checked = _check_value(wildcard, value, sub, ctx)
        else:
            expected = ", ".join(named) or "nothing"
            ctx.add(sub, f"unknown key; expected one of: {expected}")
            continue
        if checked is not None:
            out[name] = checked
    for name, f in named.items():
        if name in data:
            continue
        if f.required:
            unit = f" [{f.unit}]" if f.unit else ""
            ctx.add(f"{prefix}{name}", f"is missing; expected {_describe(f)}{unit}")
        elif f.has_default:
            default = f.default
            if isinstance(default, tuple):
                default = list(default)
            elif f.type == "table":
                default = _check_table(f.key, dict(default), f"{prefix}{name}", ctx)
            out[name] = default
    return out


def _describe(f: Field) -> str:
    if f.type == "choice":
        return "one of " + ", ".join(f.choices)
    return {
        "str": "text",
        "int": "a whole number",
        "float": "a number",
        "rate": "a decimal rate (0.09 for 9%)",
        "bool": "true or false",
        "stream": "a list of numbers, one per year",
        "shares": "a list of shares",
        "path": "a number or a table {year = value}",
        "carbon_path": "a carbon path name or a table {year = price}",
        "table": "a table",
        "array": "an array of tables",
    }.get(f.type, f.type)


def validate(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Problem]]:
    """Check a parsed case against the schema.

    Parameters
    ----------
    data
        The case as nested mappings (e.g. from :func:`tomllib.load`).

    Returns
    -------
    (normalized, problems)
        ``normalized`` has defaults filled in and only valid values kept;
        ``problems`` lists every problem found (empty when the case is valid).
    """
    ctx = _Ctx()
    case = data.get("case")
    if isinstance(case, Mapping):
        years = case.get("years")
        if isinstance(years, int) and not isinstance(years, bool) and 1 <= years <= 100:
            ctx.years = years
    normalized = _check_table("", data, "", ctx)
    return normalized, ctx.problems
