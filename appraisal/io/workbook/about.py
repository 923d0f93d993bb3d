"""The About sheet, first in the workbook: what it is, how to use it, the colour code, the sheets.

Written after every other sheet (it lists them) and moved to the front. It
holds no figure of the appraisal: the case's identity (name, currency and money
unit, price year, years), the version of ``appraisal`` that wrote it, how to use
it (change a blue cell, everything recalculates), the colour legend drawn with
the styles the sheets use (:data:`appraisal.io.xlsx_common.STYLE`), the master
check of the Checks sheet (defined name ``checks_all_pass``) and one line per
sheet: its name and its title (the text in its cell A1).

Needs every sheet written; fills nothing.
"""

from __future__ import annotations

from appraisal._version import __version__
from appraisal.io.workbook.context import WorkbookContext
from appraisal.io.xlsx_common import SheetWriter
from appraisal.result import AppraisalResult

__all__ = ["LEGEND", "write_about"]

TITLE = "About"

# (style of the sample cell, what it means): the colour code of docs/workbook.md
LEGEND: tuple[tuple[str, str, str], ...] = (
    ("input", "Input given by the case", "change it freely: every formula recalculates"),
    (
        "derived",
        "Input derived from the case's parameters",
        "changing it works; re-running the case keeps the derivation",
    ),
    ("calc", "Calculation (a formula)", "do not type over it"),
    ("key", "Key result (a formula)", "headline figures: ENPV, EIRR, FIRR, WACC, DSCR"),
    ("setting", "Setting fixed when written", "re-run the case to change it"),
    ("fixed", "Figure fixed when written", "sensitivity and risk figures from the engine"),
)

HOW_TO = (
    "Change a blue input cell (blue on yellow): every result recalculates. Excel does so "
    "when the workbook opens; in LibreOffice use Data > Calculate > Recalculate Hard.",
    "Grey cells are settings fixed when the workbook was written (years, timing "
    "convention, delays): change them in the case file and run it again.",
    "Every headline figure has a defined name equal to its key in the JSON summary "
    "(Formulas > Name Manager), e.g. economic_eirr, financial_fnpv.",
    "A figure that does not exist (no IRR, no revenue, no loan) reads n/a, with the "
    "reason beside it.",
    "The Checks sheet lists the engine's findings and live checks; the master check "
    "(checks_all_pass) is TRUE when every live check passes.",
)


def write_about(ctx: WorkbookContext, result: AppraisalResult) -> None:
    """Write the About sheet and put it first."""
    sheets = list(ctx.wb.sheetnames)
    sh = SheetWriter(ctx.wb.create_sheet(TITLE, 0), ctx.names)
    meta = ctx.meta
    sh.put(1, 1, "About this workbook", "title")
    sh.put(
        2,
        1,
        "The economic and financial analysis of the case as live formulas, laid out like "
        "the economic and financial analysis annex of an ADB report.",
    )
    facts = (
        ("Case", meta.name),
        ("Country", result.summary["case"].get("country") or ""),
        ("Money", f"{ctx.money}; rates are real unless a cell says otherwise"),
        ("Price year", str(meta.price_year)),
        ("Years", f"{meta.first_year} to {meta.first_year + meta.years - 1} ({meta.years})"),
        ("Written by", f"appraisal {__version__} (same case, same file)"),
    )
    r = 4
    sh.header(r, ("About", ""))
    for label, value in facts:
        r += 1
        sh.put(r, 1, label, "bold")
        sh.put(r, 2, value)
    if "checks_all_pass" in ctx.names.refs:
        r += 1
        sh.put(r, 1, "Checks", "bold")
        ok = ctx.names.cached.get(_ref_key(ctx.names.refs["checks_all_pass"]))
        sh.formula(
            r,
            2,
            'IF(checks_all_pass,"all live checks pass","a live check fails: see Checks")',
            "all live checks pass" if ok is True else "a live check fails: see Checks",
        )
    r += 2
    sh.header(r, ("How to use it", ""))
    for i, line in enumerate(HOW_TO, start=1):
        sh.put(r + i, 1, f"{i}.", "bold")
        sh.put(r + i, 2, line)
    r += len(HOW_TO) + 2
    sh.header(r, ("Colour code", "What it means"))
    for i, (style, label, meaning) in enumerate(LEGEND, start=1):
        sh.put(r + i, 1, label, style)
        sh.put(r + i, 2, meaning)
    r += len(LEGEND) + 2
    sh.header(r, ("Sheet", "What it holds"))
    for i, name in enumerate(sheets, start=1):
        title = ctx.wb[name]["A1"].value
        sh.put(r + i, 1, name, "bold")
        sh.put(r + i, 2, str(title) if isinstance(title, str) else "")
    sh.ws.freeze_panes = None
    ctx.wb.active = 0


def _ref_key(ref: str) -> tuple[str, str]:
    """(sheet title, coordinate) of an absolute reference such as ``'Checks'!$B$12``."""
    sheet, cell = ref.rsplit("!", 1)
    return sheet.strip("'").replace("''", "'"), cell.replace("$", "")
