"""Render the docs generated from the schemas.

``python -m appraisal.io.docs`` prints docs/case-format.md (from the case schema,
:mod:`appraisal.schema`); ``python -m appraisal.io.docs json-summary`` prints
docs/json-summary.md (from the result schema, :mod:`appraisal.result_schema`).
"""

from __future__ import annotations

import json
import sys
from typing import Any

from appraisal.result_schema import OutputField, output_fields
from appraisal.schema import Field, fields

__all__ = ["case_format_markdown", "json_summary_markdown"]

INTRO = """# Case file format

A case is a TOML file (read with the standard library's `tomllib`), or the same
fields in the Excel input template. This page is generated from the one schema
(`appraisal/data/case_schema.toml`) that drives the validator and the template:
`make docs` regenerates it, and a test fails when it is out of date.

Conventions: rates are decimals (0.09, never 9); money ("money" in the unit
column) is in the case's currency and money unit (`case.unit`) at constant
prices of `case.price_year`; a stream is a list with one value per year from
`case.first_year` (a shorter list means 0 after it, a longer one is an error).
`[]` marks an array of tables (`[[components]]`), `*` a name you choose.
The label is the field in words: the input template shows it beside each input
cell and names the field with it in a message. Any problem is reported as
`error: <file>: <key path>: <what is wrong; what is expected>` (in a template,
`error: <file>: <Sheet!Cell>: <label>: <what is wrong; what is expected>`) and
the exit code is 2.

A component is written in one of two forms:

- **explicit streams** — `[components.streams]` with yearly `capital`,
  `operating`, named `benefits` and `emissions` (without/with project);
- **parametric** — `[components.capital]` by cost category, a `disbursement`
  schedule, `life_years`, O&M as `om_share` and/or `om_amount`, `energy` use
  without and with the project by carrier (grid electricity uses the
  combined-margin factor path), and `activities` (quantity x unit value).

Minimal example (explicit streams):

```toml
[case]
name = "Example"
currency = "USD"
unit = "million"
price_year = 2020
first_year = 2021
years = 25
first_year_discounted = true

[economic]
discount_rate = 0.09
carbon_price = "adb-2017"

[[components]]
id = "bus-priority"
name = "Bus priority corridors"
[components.streams]
basis = "economic"
capital = [12.0, 20.5, 8.0]
operating = [0, 0, 0.4, 0.4]
[components.streams.benefits]
time_savings = [0, 0, 3.1, 3.4, 3.6]
[components.streams.emissions]
without_project = [0, 0, 52000, 53000]
with_project = [0, 0, 31000, 31500]
```

See `cases/xiangtan/case.toml` for the parametric form.

## Fields
"""


def _value(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, tuple):
        v = list(v)
    return "`" + json.dumps(v, ensure_ascii=False) + "`"


def _bounds(f: Field) -> str:
    if f.choices:
        return ", ".join(f"`{c}`" for c in f.choices)
    if f.min is None and f.max is None:
        return ""
    return f"{f.min:g} to {f.max:g}" if f.min is not None and f.max is not None else ""


def case_format_markdown() -> str:
    """The Markdown of docs/case-format.md."""
    lines = [INTRO]
    section = None
    for f in fields():
        top = f.key.split(".")[0].split("[")[0]
        if top != section:
            section = top
            lines.append(f"\n### `{top}`\n")
            lines.append(
                "| key | label | type | unit | required / default | bounds or choices "
                "| description |"
            )
            lines.append("|---|---|---|---|---|---|---|")
        req = "**required**" if f.required else _value(f.default)
        desc = f.description.replace("|", "\\|")
        if f.example is not None:
            desc += f" Example: {_value(f.example)}."
        label = _cell(f.label)
        lines.append(
            f"| `{f.key}` | {label} | {f.type} | {f.unit} | {req} | {_bounds(f)} | {desc} |"
        )
    return "\n".join(lines) + "\n"


JSON_SUMMARY_INTRO = """# The JSON summary: the stable contract

`appraisal run CASE` writes `<out>/<case>.json`; `appraise(case).summary` is the
same mapping. Rates are decimals; money is in the case's currency and money
unit (`case.unit`, e.g. USD million) at constant prices of `case.price_year`;
per-tonne figures are in whole currency units. A figure that does not exist is
`null` with a `<key>_reason` beside it (for example an IRR with no root, or
several: then `<key>_roots` lists them). Same inputs give the same bytes.

The program's blocks sit at the top level; `components` holds the same blocks
for each component, each with its `id` and `name`.

This page is generated from the one schema of the output fields
(`appraisal/data/result_schema.toml`, which also gives the labels and number
formats of the terminal, the PDF and `appraisal compare`): `make docs`
regenerates it, and a test fails when it is out of date or when the engine
writes a key the schema does not describe. In the tables, `[]` marks each
element of a list; "money" in the unit column is the case's money unit.
"""


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _json_row(f: OutputField, per_component_section: bool) -> str:
    notes = []
    if f.optional:
        notes.append("May be absent.")
    if f.nullable:
        notes.append("May be null.")
    if per_component_section and not f.per_component and f.kind != "table":
        notes.append("Program only.")
    desc = " ".join([_cell(f.description), *notes])
    return f"| `{f.key}` | {f.kind} | {_cell(f.unit)} | {_cell(f.label)} | {desc} |"


def json_summary_markdown() -> str:
    """The Markdown of docs/json-summary.md: one table per top-level key."""
    lines = [JSON_SUMMARY_INTRO.rstrip("\n")]
    sections: dict[str, list[OutputField]] = {}
    for f in output_fields():
        sections.setdefault(f.section, []).append(f)
    for name, items in sections.items():
        head = items[0]
        lines.append(f"\n## `{name}`\n")
        if head.key == name and head.kind in ("table", "list"):
            intro = [_cell(head.description)]
            if head.optional:
                intro.append("May be absent.")
            if head.per_component:
                intro.append(f"Also in each `components[]` element (`components[].{name}.*`).")
            lines.append(" ".join(intro) + "\n")
            items = items[1:]
        lines.append("| key | kind | unit | label | description |")
        lines.append("|---|---|---|---|---|")
        lines += [_json_row(f, head.per_component) for f in items]
    return "\n".join(lines) + "\n"


_DOCS = {"case-format": case_format_markdown, "json-summary": json_summary_markdown}


def main(argv: list[str]) -> int:
    """Print one generated doc: ``case-format`` (the default) or ``json-summary``."""
    name = argv[0] if argv else "case-format"
    if len(argv) > 1 or name not in _DOCS:
        sys.stderr.write(f"usage: python -m appraisal.io.docs [{' | '.join(_DOCS)}]\n")
        return 2
    sys.stdout.write(_DOCS[name]())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
