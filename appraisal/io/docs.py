"""Render docs/case-format.md from the case schema (``python -m appraisal.io.docs``)."""

from __future__ import annotations

import json
import sys
from typing import Any

from appraisal.schema import Field, fields

__all__ = ["case_format_markdown"]

INTRO = """# Case file format

A case is a TOML file (read with the standard library's `tomllib`), or the same
fields in the Excel input template. This page is generated from the one schema
(`appraisal/data/case_schema.toml`, also at `templates/case_schema.toml`) that
drives the validator and the template: `make docs` regenerates it, and a test
fails when it is out of date.

Conventions: rates are decimals (0.09, never 9); money ("money" in the unit
column) is in the case's currency and money unit (`case.unit`) at constant
prices of `case.price_year`; a stream is a list with one value per year from
`case.first_year` (a shorter list means 0 after it, a longer one is an error).
`[]` marks an array of tables (`[[components]]`), `*` a name you choose.
Any problem is reported as `error: <file>: <key path>: <what is wrong; what is
expected>` and the exit code is 2.

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
                "| key | type | unit | required / default | bounds or choices | description |"
            )
            lines.append("|---|---|---|---|---|---|")
        req = "**required**" if f.required else _value(f.default)
        desc = f.description.replace("|", "\\|")
        if f.example is not None:
            desc += f" Example: {_value(f.example)}."
        lines.append(f"| `{f.key}` | {f.type} | {f.unit} | {req} | {_bounds(f)} | {desc} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.stdout.write(case_format_markdown())
