"""The output-field schema: every key of the JSON summary, described once.

One schema (``appraisal/data/result_schema.toml``) describes every key the
engine writes in the JSON summary (``appraise(case).summary``): key path, kind,
unit, labels, number format and description. It drives ``docs/json-summary.md``
(:mod:`appraisal.io.docs`), the side-by-side table of :mod:`appraisal.compare`,
and the key-results table and number formats of :mod:`appraisal.formatting`, so
they cannot disagree. Its counterpart for the inputs is :mod:`appraisal.schema`.

Key paths read like the JSON: ``economic.eirr``, ``sensitivity[].switching_value``
(``[]``: each element of a list of tables). A block marked ``per_component`` is
written for the program at the top level and again in each ``components[]``
element (``components[].economic.eirr``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

__all__ = [
    "KINDS",
    "SCHEMA_VERSION",
    "NumberFormat",
    "OutputField",
    "children",
    "excel_format",
    "label",
    "number_format",
    "output_field",
    "output_fields",
    "short_label",
    "view",
]

SCHEMA_VERSION: Final = 1
"""Version of the JSON summary's contract (its ``schema_version``)."""

KINDS: Final = (
    "money",
    "rate",
    "ratio",
    "share",
    "tonnes",
    "count",
    "per_tonne",
    "year",
    "integer",
    "number",
    "text",
    "flag",
    "list",
    "table",
)
"""What a value is; see the header of ``result_schema.toml``."""


@dataclass(frozen=True)
class NumberFormat:
    """How a number is shown: in Excel, and as text (``value x scale``, spec, suffix).

    >>> number_format("rate")
    NumberFormat(name='rate', excel='0.00%', text='.2f', scale=100, suffix='%')
    """

    name: str
    excel: str
    text: str
    scale: int = 1
    suffix: str = ""


@dataclass(frozen=True)
class OutputField:
    """One key of the JSON summary (see the header of ``result_schema.toml``)."""

    key: str
    kind: str
    label: str
    description: str
    unit: str = ""
    short_label: str = ""
    workbook_label: str = ""
    format: str = ""
    excel: str = ""
    per_component: bool = False
    optional: bool = False
    nullable: bool = False

    @property
    def name(self) -> str:
        """Last part of the key."""
        return self.key.rsplit(".", 1)[-1]

    @property
    def parent(self) -> str:
        """Key of the enclosing table or list element ("" at top level).

        >>> output_field("sensitivity[].eirr").parent
        'sensitivity[]'
        """
        return self.key.rsplit(".", 1)[0] if "." in self.key else ""

    @property
    def section(self) -> str:
        """The top-level block the key belongs to (``economic``, ``sensitivity``)."""
        return self.key.split(".")[0].removesuffix("[]")


@cache
def _raw() -> dict[str, Any]:
    text = resources.files("appraisal").joinpath("data/result_schema.toml").read_text("utf-8")
    return tomllib.loads(text)


@cache
def _formats() -> dict[str, NumberFormat]:
    return {name: NumberFormat(name=name, **spec) for name, spec in _raw()["format"].items()}


@cache
def output_fields() -> tuple[OutputField, ...]:
    """All keys of the JSON summary, in file order.

    Raises
    ------
    ValueError
        When the schema is inconsistent: an unknown kind or format, a key twice,
        a key whose parent is not described.
    """
    formats = _formats()
    out: list[OutputField] = []
    seen: set[str] = set()
    for item in _raw()["field"]:
        f = OutputField(**item)
        if f.kind not in KINDS:
            raise ValueError(f"result schema: {f.key}: unknown kind {f.kind!r}")
        fmt = f.format or (f.kind if f.kind in formats else "")
        if fmt and fmt not in formats:
            raise ValueError(f"result schema: {f.key}: unknown format {fmt!r}")
        if f.key in seen:
            raise ValueError(f"result schema: {f.key} is described twice")
        parent = f.parent.removesuffix("[]")
        if parent and parent not in seen:
            raise ValueError(f"result schema: {f.key}: its parent {parent!r} is not described")
        seen.add(f.key)
        out.append(OutputField(**{**item, "format": fmt, "short_label": f.short_label or f.label}))
    return tuple(out)


@cache
def _by_key() -> dict[str, OutputField]:
    return {f.key: f for f in output_fields()}


def output_field(key: str) -> OutputField:
    """The field of a key path.

    A mapping keyed by data (``carbon.price_by_year``: one key per calendar year)
    is described once by a ``*`` entry, which any key in its place matches.

    >>> output_field("economic.eirr").unit
    'decimal'
    >>> output_field("carbon.price_by_year.2030").key
    'carbon.price_by_year.*'

    Raises
    ------
    KeyError
        When the schema does not describe ``key``.
    """
    by_key = _by_key()
    if key in by_key:
        return by_key[key]
    parent, _, _ = key.rpartition(".")
    if parent and f"{parent}.*" in by_key:
        return by_key[f"{parent}.*"]
    raise KeyError(f"the result schema has no key {key!r}")


@cache
def children(parent: str) -> tuple[OutputField, ...]:
    """Fields directly inside the table or list element ``parent`` ("" = top level).

    >>> [f.name for f in children("checks[]")]
    ['code', 'severity', 'message']
    """
    return tuple(f for f in output_fields() if f.parent == parent)


@cache
def view(name: str) -> tuple[OutputField, ...]:
    """The fields of a view (``compare``, ``key_results``, ``effects``), in order.

    >>> [f.key for f in view("effects")]
    ['economic.eirr', 'economic.enpv', 'abatement.cost_per_tco2e']
    """
    try:
        keys = _raw()["views"][name]
    except KeyError:
        raise KeyError(f"the result schema has no view {name!r}") from None
    return tuple(output_field(k) for k in keys)


def label(key: str) -> str:
    """What a person reads for a key.

    >>> label("economic.enpv_without_carbon")
    'ENPV without carbon'
    """
    return output_field(key).label


def short_label(key: str, *, currency: str = "") -> str:
    """The key-results table's column header of a key.

    >>> short_label("abatement.cost_per_tco2e", currency="USD")
    'USD/tCO2e'
    """
    return output_field(key).short_label.replace("{currency}", currency)


def number_format(name: str) -> NumberFormat:
    """A number format by name (``money``, ``rate``, ``ratio``, ``tonnes``, ...)."""
    try:
        return _formats()[name]
    except KeyError:
        raise KeyError(f"the result schema has no number format {name!r}") from None


def excel_format(key: str) -> str | None:
    """The Excel number format of a key (None: a text or flag, no number format).

    >>> excel_format("economic.eirr"), excel_format("case.name")
    ('0.00%', None)
    """
    f = output_field(key)
    if f.excel:
        return f.excel
    return number_format(f.format).excel if f.format else None
