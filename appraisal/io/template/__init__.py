"""The loan officer's Excel input template: generate, fill, read, validate.

The template is laid out from the case schema (``appraisal/data/case_schema.toml``)
alone, so a field added to the schema appears in the template without code here:

- one sheet per top-level table (Case, Economic, Financing, ...), and one sheet
  per element of a top-level array whose elements hold tables or yearly rows
  (Component 1, Component 2, ...);
- on a sheet, scalar fields are rows: Field | Value | Unit | Source | Expected |
  Description. The Source cell fills the section's ``sources`` table;
- a ``path`` (a number or a table {year = value}) is a value row plus a row of
  years and a row of values;
- yearly streams are rows with the years across (from ``case.first_year``);
  share lists are rows numbered 1, 2, ...;
- a table of user-named members (``conversion_factors``, ``carriers``, benefit
  streams) is a block of rows with the name in column A; an array of small
  tables (``financing.sources``, ``energy``, ``activities``) a block of rows.

Block sizes and the number of element sheets are recorded in a very hidden
``_layout`` sheet, so the reader rebuilds exactly the layout the writer used and
checks every label against it. Reading never writes: see
:mod:`appraisal.io.xlsx_safety` for the checks made before openpyxl parses a byte.

Modules: :mod:`~appraisal.io.template.layout` (where each field goes, shared by
writer and reader), :mod:`~appraisal.io.template.write` (render the template),
:mod:`~appraisal.io.template.read` and :mod:`~appraisal.io.template.cells` (read
it back, every problem named by its cell), :mod:`~appraisal.io.template.styles`,
:mod:`~appraisal.io.template.validation` (what a cell accepts),
:mod:`~appraisal.io.template.instructions` (the first sheet) and
:mod:`~appraisal.io.template.toml` (a case as a TOML file).
"""

from appraisal.io.template.layout import FORMAT, MAX_ABS_NUMBER, template_locations
from appraisal.io.template.read import read_template
from appraisal.io.template.toml import case_to_toml
from appraisal.io.template.write import template_bytes

__all__ = [
    "FORMAT",
    "MAX_ABS_NUMBER",
    "case_to_toml",
    "read_template",
    "template_bytes",
    "template_locations",
]
