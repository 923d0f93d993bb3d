"""Write a case as a TOML case file (``appraisal convert --to toml``).

The tables and arrays of tables follow the order of the case schema, then any
user-named members in the order of the data; every default is written out.
"""

from __future__ import annotations

import math
import re
from typing import Any

from appraisal.case import Case
from appraisal.schema import Field, children

__all__ = ["case_to_toml"]

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _toml_key(key: str) -> str:
    """A TOML key: bare where it can be, else quoted.

    >>> _toml_key("civil_works"), _toml_key("land use")
    ('civil_works', '"land use"')
    """
    return key if _BARE.match(key) else _toml_str(key)


def _toml_str(s: str) -> str:
    """A TOML basic string, with the characters TOML forbids escaped.

    >>> print(_toml_str('say "hi"\\n'))
    "say \\"hi\\"\\n"
    """
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _toml_value(v: Any) -> str:
    """A TOML value (inline tables for dicts).

    >>> _toml_value({"2030": 0.5, "2040": float("inf")})
    '{ 2030 = 0.5, 2040 = inf }'
    """
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, str):
        return _toml_str(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        inner = ", ".join(f"{_toml_key(str(k))} = {_toml_value(x)}" for k, x in v.items())
        return "{ " + inner + " }" if inner else "{}"
    raise TypeError(f"cannot write {type(v).__name__} to TOML")


def _child(schema_key: str, name: str) -> Field | None:
    kids = {f.name: f for f in children(schema_key)}
    return kids.get(name) or kids.get("*")


def _ordered(schema_key: str, table: dict[str, Any]) -> list[str]:
    order = [f.name for f in children(schema_key) if f.name != "*"]
    named = [k for k in order if k in table]
    return named + [k for k in table if k not in named]


def _toml_table(lines: list[str], schema_key: str, header: str, table: dict[str, Any]) -> None:
    subs: list[tuple[str, Field, Any]] = []
    for name in _ordered(schema_key, table):
        value = table[name]
        f = _child(schema_key, name)
        is_table = f is not None and f.type == "table" and isinstance(value, dict)
        is_array = (
            f is not None and f.type == "array" and isinstance(value, list) and len(value) > 0
        )
        if is_table or is_array:
            assert f is not None
            subs.append((name, f, value))
        else:
            lines.append(f"{_toml_key(name)} = {_toml_value(value)}")
    for name, f, value in subs:
        sub_header = f"{header}.{_toml_key(name)}" if header else _toml_key(name)
        if f.type == "table":
            lines += ["", f"[{sub_header}]"]
            _toml_table(lines, f.key, sub_header, value)
        else:
            for elem in value:
                lines += ["", f"[[{sub_header}]]"]
                _toml_table(lines, f.key + "[]", sub_header, elem)


def case_to_toml(case: Case) -> str:
    """The case as a TOML case file (its normalized data: every default written out)."""
    lines = [
        f"# {case.meta.name}",
        "# Written by appraisal convert from " + (case.path or "a case") + ".",
    ]
    _toml_table(lines, "", "", case.data)
    return "\n".join(lines).replace("\n\n\n", "\n\n") + "\n"
