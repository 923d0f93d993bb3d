"""The case-field schema and the validator it drives.

One schema (``appraisal/data/case_schema.toml``) describes every field of a case:
key path, type, unit, default, bounds, choices and description. The same
description drives :func:`validate` (this module), the blank Excel input
template and ``docs/case-format.md``, so they cannot disagree (PyPSA's
component-attribute tables are the model).

Validation never stops at the first problem: it returns every problem found,
each with the key path of the offending field, so a reader can map it to a
file location (a TOML key path or a workbook cell).

Text is bounded (``docs/limits.md`` gives the reasons): a one-line field holds at
most :data:`LINE_LENGTH` characters, a ``multiline`` field (descriptions, sources)
:data:`PARAGRAPH_LENGTH`, a field may set its own ``max_length`` (identifiers:
64), a name given to a member of a user-named table :data:`KEY_LENGTH`; control
characters are refused everywhere (tab and line breaks are allowed in multiline
fields only); tables and arrays nest at most :data:`MAX_DEPTH` deep.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any, Final

__all__ = [
    "KEY_LENGTH",
    "LINE_LENGTH",
    "MAX_DEPTH",
    "PARAGRAPH_LENGTH",
    "Field",
    "Problem",
    "children",
    "field_by_key",
    "fields",
    "key_problem",
    "nesting_problem",
    "pattern_words",
    "validate",
]

# Text limits [characters]; docs/limits.md gives the reason for each.
LINE_LENGTH: Final = 200  # a one-line text: a name, a label, a unit, a reference to an id
PARAGRAPH_LENGTH: Final = 2000  # a multiline text: a description, a source
KEY_LENGTH: Final = 64  # a name given to a member of a user-named ("*") table
MAX_DEPTH: Final = 32  # tables and arrays inside one another; a case uses at most 6

# C0 controls, DEL, C1 controls, and U+FFFE/U+FFFF (not allowed in XML 1.0, so not in
# an .xlsx cell). Multiline text may hold tab, line feed and carriage return.
_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ufffe\uffff]")
_CONTROL_PARAGRAPH = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")


@dataclass(frozen=True)
class Field:
    """One field of the case schema (see the header of ``case_schema.toml``)."""

    key: str
    type: str
    description: str
    label: str = ""  # plain words for a person (template, docs, messages)
    required: bool = False
    default: Any = None
    unit: str = ""
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] = ()
    pattern: str | None = None
    example: Any = None
    max_length: int | None = None
    multiline: bool = False
    min_items: int = 0
    bounds_reason: str = ""
    names: bool = False  # a str that may also be given as a list of texts (joined by ", ")

    @property
    def name(self) -> str:
        """Last part of the key (``*`` for a member of a user-named table)."""
        return self.key.rsplit(".", 1)[-1]

    @property
    def words(self) -> str:
        """The field in words: its label, or its name with spaces when it has none."""
        return self.label or self.name.replace("_", " ")

    @property
    def parent(self) -> str:
        """Key of the enclosing table or array ("" at top level)."""
        return self.key.rsplit(".", 1)[0] if "." in self.key else ""

    @property
    def has_default(self) -> bool:
        return self.default is not None

    @property
    def length_limit(self) -> int | None:
        """Most characters a text field holds (None for other types) [characters]."""
        if self.type != "str":
            return None
        if self.max_length is not None:
            return self.max_length
        return PARAGRAPH_LENGTH if self.multiline else LINE_LENGTH


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
        if item["type"] == "str":
            # descriptions and sources are paragraphs unless the row says otherwise
            name = item["key"].rsplit(".", 1)[-1]
            paragraph = name in ("description", "source") or item["key"].endswith("sources.*")
            item.setdefault("multiline", paragraph)
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
    """A value for a message: strings quoted and escaped; at most about 80 characters."""
    if isinstance(value, str):
        text = repr(value[:80])
    elif isinstance(value, float):
        text = repr(value)
    else:
        text = str(value)
    return text if len(text) <= 80 else text[:76] + " ..."


def _control(text: str, *, multiline: bool) -> str | None:
    r"""What is wrong when ``text`` holds a control character, else None.

    Examples
    --------
    >>> _control("Xiang\x00tan", multiline=False)
    'contains the control character U+0000 at character 6; expected printable text'
    >>> _control("line 1\nline 2", multiline=True) is None
    True
    """
    m = (_CONTROL_PARAGRAPH if multiline else _CONTROL_LINE).search(text)
    if m is None:
        return None
    # A line break in a one-line field (a name): say where one is allowed.
    hint = (
        " (line breaks and tabs only in descriptions and sources)" if m.group() in "\t\n\r" else ""
    )
    return (
        f"contains the control character U+{ord(m.group()):04X} at character "
        f"{m.start() + 1}; expected printable text{hint}"
    )


def _check_text(f: Field, value: str, path: str, ctx: _Ctx) -> bool:
    """Length and control characters of a text value; False (and a problem) if bad."""
    limit = f.length_limit
    if limit is not None and len(value) > limit:
        ctx.add(path, f"{len(value)} characters is too long; expected at most {limit}")
        return False
    bad = _control(value, multiline=f.multiline)
    if bad is not None:
        ctx.add(path, bad)
        return False
    return True


def key_problem(name: str) -> str | None:
    """What is wrong with a name given to a member of a user-named table, else None.

    >>> key_problem("civil_works") is None, key_problem("x" * 65)[:30]
    (True, 'a name of 65 characters is too')
    """
    if len(name) > KEY_LENGTH:
        return f"a name of {len(name)} characters is too long; expected at most {KEY_LENGTH}"
    return _control(name, multiline=False)


def _shown_key(name: str) -> str:
    r"""A table key as part of a key path: as is when plain, else quoted, escaped, cut.

    Examples
    --------
    >>> _shown_key("civil_works"), _shown_key("a\x1b[31m")
    ('civil_works', "'a\\x1b[31m'")
    """
    if len(name) <= KEY_LENGTH and _CONTROL_LINE.search(name) is None:
        return name
    return repr(name[:40]) + ("..." if len(name) > 40 else "")


def nesting_problem(data: Mapping[str, Any]) -> Problem | None:
    """A problem at the first table or array nested deeper than :data:`MAX_DEPTH`, else None.

    Iterative (no recursion), so any depth is measured without RecursionError. The
    top-level table is level 1.

    Examples
    --------
    >>> nesting_problem({"a": {"b": [1.0]}}) is None
    True
    >>> deep: list = []
    >>> for _ in range(40):
    ...     deep = [deep]
    >>> nesting_problem({"a": deep}).path[:10]
    'a[0][0][0]'
    """
    stack: list[tuple[Any, int, str]] = [(data, 1, "")]
    while stack:
        value, depth, path = stack.pop()
        if depth > MAX_DEPTH:
            return Problem(
                path or "(case)",
                f"tables and arrays nested {MAX_DEPTH + 1} or more deep; expected at most "
                f"{MAX_DEPTH} (the deepest field of a case is 6 levels down)",
            )
        if isinstance(value, Mapping):
            for k, v in value.items():
                if isinstance(v, Mapping | list):
                    key = _shown_key(str(k))
                    stack.append((v, depth + 1, f"{path}.{key}" if path else key))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(v, Mapping | list):
                    stack.append((v, depth + 1, f"{path}[{i}]"))
    return None


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
        why = f" ({f.bounds_reason})" if f.bounds_reason else ""
        ctx.add(
            path,
            f"{_fmt(value)} is out of range; expected {_bound(lo, integer)} to "
            f"{_bound(hi, integer)}{unit}{why}",
        )
        return None
    return float(value) if not integer else value


def _bound(x: float | None, integer: bool) -> str:
    """A bound for a message: whole numbers of integer fields written out."""
    if integer and x is not None and float(x).is_integer():
        return str(int(x))
    return f"{x:g}"


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
        if f.names and isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = ", ".join(value)  # a list of names reads as the names joined by commas
        if f.names and not isinstance(value, str):
            ctx.add(path, f"expected a list of names (texts), got {_fmt(value)}")
            return None
        if not isinstance(value, str):
            ctx.add(path, f"expected text, got {_fmt(value)}")
            return None
        if not _check_text(f, value, path, ctx):
            return None
        if f.pattern and not re.fullmatch(f.pattern, value):
            ctx.add(path, f"{_fmt(value)} is not allowed here; expected {pattern_words(f.pattern)}")
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
            ctx.add(
                path,
                f"expected one or more rows ([[{f.key}]] tables in a TOML file), got {_fmt(value)}",
            )
            return None
        if len(value) < f.min_items:
            ctx.add(
                path,
                f"has {len(value)} entries; expected at least {f.min_items} ([[{f.key}]])",
            )
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
        sub = f"{prefix}{_shown_key(name)}"
        if name in named:
            checked = _check_value(named[name], value, sub, ctx)
        elif wildcard is not None:
            bad = key_problem(name)
            if bad is not None:
                ctx.add(sub, bad)
                continue
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


# The patterns of the schema in words, for messages (a regular expression is jargon).
PATTERN_WORDS: Final = {
    "^[a-z0-9][a-z0-9_-]*$": "lowercase letters, digits, - and _ (starting with a letter or digit)",
    "^[a-z0-9][a-z0-9_]*$": "lowercase letters, digits and _ (starting with a letter or digit)",
}


def pattern_words(pattern: str) -> str:
    """A schema pattern in words, for a message (the pattern itself when not listed).

    >>> pattern_words("^[a-z0-9][a-z0-9_-]*$")
    'lowercase letters, digits, - and _ (starting with a letter or digit)'
    """
    return PATTERN_WORDS.get(pattern, f"text of the form {pattern}")


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
        "array": "one or more rows",
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
    deep = nesting_problem(data)
    if deep is not None:
        # Refused before anything walks the case: deeper data would hit Python's
        # recursion limit in whatever reads it next (a message's repr, a writer).
        return {}, [deep]
    ctx = _Ctx()
    case = data.get("case")
    if isinstance(case, Mapping):
        years = case.get("years")
        if isinstance(years, int) and not isinstance(years, bool) and 1 <= years <= 100:
            ctx.years = years
    normalized = _check_table("", data, "", ctx)
    return normalized, ctx.problems
