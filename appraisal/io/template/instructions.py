"""The Instructions sheet of the input template: how to fill it, the rules, the sheets."""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Font

from appraisal.io.template.layout import FORMAT, Sheet
from appraisal.io.template.printing import fit_rows, print_setup
from appraisal.io.template.styles import WRAP
from appraisal.io.xlsx_common import set_text

__all__ = ["write_instructions"]


def write_instructions(ws: Any, sheets: list[Sheet]) -> None:
    """Write the instructions, then one line per sheet of ``sheets``, on ``ws``."""
    lines = [
        ("Appraisal input template", True),
        ("Fill the yellow cells; grey cells are fixed. Then run:", False),
        (
            "    appraisal validate FILE.xlsx    (ok, or one line per problem, naming the cell)",
            False,
        ),
        (
            "    appraisal run FILE.xlsx         (the appraisal: summary, JSON, workbook, PDF)",
            False,
        ),
        ("", False),
        ("Rules", True),
        ("- Rates are decimals: 0.09 for 9% (never 9).", False),
        (
            "- Money ('money' in the Unit column) is in the case's currency and money unit "
            "(Case sheet) at constant prices of the price year.",
            False,
        ),
        (
            "- Yearly rows: one value per year from the first year (the year row above shows "
            "them). Leave later years blank for 0.",
            False,
        ),
        (
            "- Tables of named members (cost categories, carriers, benefits, sources): write "
            "the name in column A and its values on the same row; empty rows are ignored.",
            False,
        ),
        (
            "- A path (e.g. a grid factor or a carbon price) is one value, or a table: years "
            "in the 'year' row and values under them. Not both.",
            False,
        ),
        (
            "- A component is written either with yearly streams (the 'streams' rows) or "
            "parametrically (capital by category, disbursement, life_years, energy, "
            "activities). Fill one form; leave unused component sheets empty.",
            False,
        ),
        (
            "- Type values, or formulas whose result is saved with the file. Do not insert "
            "or delete rows, merge cells or rename sheets: the reader checks the layout.",
            False,
        ),
        ("- Hover over a cell with a red corner for an example or a description.", False),
        (
            "- The Expected column gives 'required', or the default used when the cell is "
            "blank, and the allowed range or list.",
            False,
        ),
        ("", False),
        ("Sheets", True),
    ]
    for s in sheets:
        desc = s.field.description
        lines.append((f"{s.name}: {desc}", False))
    lines += [
        ("", False),
        (
            f"Layout {FORMAT}, generated from the case schema (appraisal/data/case_schema.toml).",
            False,
        ),
    ]
    for i, (text, bold) in enumerate(lines, start=1):
        cell = ws.cell(i, 1)
        set_text(cell, text)
        cell.alignment = WRAP
        if bold:
            cell.font = Font(bold=True, size=14 if i == 1 else 11)
    ws.column_dimensions["A"].width = 100
    fit_rows(ws)
    print_setup(ws, "", None, yearly=False, last_column=1)
