"""The Climate finance sheet: tracking, GCF-style indicators, co-financing and flood EAD.

Per component and for the program: the capital at financial prices (live: the
sum of the Investment costs sheet's column), the climate-finance shares (inputs)
and the mitigation, adaptation, dual and total amounts they give, their share of
the cost, the lifetime tonnes (the horizon's reduction, live, plus the tonnes
beyond the horizon) and the investment per lifetime tonne; the program's climate
finance by financing source and the co-financing ratio of ``financing.lead``;
for each component with a flood-risk curve, the damage table whose trapezoid
terms sum to the expected annual damage. Every figure of the JSON blocks
``climate_finance``, ``financing``, ``adaptation`` and the keys
``ghg.reduction_tco2e_lifetime`` and ``abatement.investment_per_tco2e_lifetime``
carries its defined name (:func:`~appraisal.io.workbook.context.name_for`).
Everything is read from ``result.climate_finance``.

Needs ``Comp.inv``, ``ctx.inv_program`` and the ``ghg.*`` entries of ``Comp.cells``
and ``ctx.prog_cells`` (steps 3 and 6); fills nothing.
"""

from __future__ import annotations

import math
from typing import Any

from appraisal.formatting import EXCEL_FORMATS
from appraisal.io.workbook.context import FIRST, Comp, WorkbookContext
from appraisal.io.xlsx_common import SheetWriter
from appraisal.result import AppraisalResult

__all__ = ["write_climate_finance"]

SHEET = "Climate finance"
_M, _S = EXCEL_FORMATS["money"], "0.00%"
_T, _PT, _R = EXCEL_FORMATS["tonnes"], EXCEL_FORMATS["per_tonne"], "0.00"
# (key, heading, format): the columns of the tracking table, from column B
_COLUMNS = (
    ("capital", "Capital, financial", _M),
    ("s:mitigation", "Mitigation share", _S),
    ("s:adaptation", "Adaptation share", _S),
    ("s:dual", "Dual share", _S),
    ("climate_finance.mitigation", "Mitigation only", _M),
    ("climate_finance.adaptation", "Adaptation only", _M),
    ("climate_finance.dual", "Dual (both)", _M),
    ("climate_finance.total", "Climate finance, total", _M),
    ("climate_finance.share_of_cost", "Share of the capital cost", _S),
    ("horizon", "tCO2e avoided over the horizon", _T),
    ("beyond", "tCO2e avoided beyond the horizon", _T),
    ("ghg.reduction_tco2e_lifetime", "tCO2e avoided over the whole life", _T),
    ("abatement.investment_per_tco2e_lifetime", "Investment per lifetime tCO2e", _PT),
)
_COL = {key: j for j, (key, _, _) in enumerate(_COLUMNS, start=2)}
_KINDS = ("mitigation", "adaptation", "dual")


def _num(v: Any) -> float:
    return math.nan if v is None else float(v)


def write_climate_finance(ctx: WorkbookContext, result: AppraisalResult) -> None:
    """Write the Climate finance sheet (before Checks) when the result carries the indicators."""
    cf = result.climate_finance
    if cf is None:
        return
    index = ctx.wb.sheetnames.index("Checks") if "Checks" in ctx.wb.sheetnames else None
    sh = SheetWriter(ctx.wb.create_sheet(SHEET, index), ctx.names)
    meta = ctx.meta
    sh.put(1, 1, "Climate finance, GCF-style indicators and flood damage avoided", "title")
    sh.put(2, 1, f"{meta.name}; money in {ctx.money}, capital at financial prices, undiscounted")
    note = "Joint MDB Methodology for Tracking Climate Finance: only the shares that are "
    sh.put(3, 1, note + "mitigation, adaptation or both (dual, counted once) are climate finance.")
    top = 5
    sh.header(top, ["Part", *(h for _, h, _ in _COLUMNS)])
    inv = ctx.sheets["Investment costs"]
    rows: list[int] = []
    for i, c in enumerate(ctx.comps):
        r = top + 1 + i
        rows.append(r)
        cap = f"SUM({inv.col_range(c.inv['cap_fin'], FIRST, ctx.last)})"
        shares = c.comp.climate_finance or {}
        horizon = float(c.res.summary["ghg"]["reduction_tco2e_total"])
        _row(ctx, sh, r, c, cf.table.loc[c.comp.id], horizon, cap, shares, c.cells)
    r = top + 1 + len(ctx.comps)
    sums = {
        key: "+".join(sh.ref(q, _COL[key], here=sh) for q in rows) or "0"
        for key in ("horizon", "beyond", *(f"climate_finance.{k}" for k in _KINDS))
    }
    cap = f"SUM({inv.col_range(ctx.inv_program['cap_fin'], FIRST, ctx.last)})"
    horizon = float(result.program.summary["ghg"]["reduction_tco2e_total"])
    _row(ctx, sh, r, None, cf.table.loc["program"], horizon, cap, None, ctx.prog_cells, sums)
    r += 2
    program_total = sh.ref(top + 1 + len(ctx.comps), _COL["climate_finance.total"], here=sh)
    r = _sources(ctx, sh, result, r, program_total)
    for c in ctx.comps:
        if c.comp.id in cf.flood:
            r = _flood(ctx, sh, c, cf.flood[c.comp.id], r + 1)
    sh.widths(34, 15, len(_COLUMNS) + 1)
    sh.finish("B6", landscape=True)


def _row(
    ctx: WorkbookContext,
    sh: SheetWriter,
    r: int,
    c: Comp | None,
    rec: Any,
    horizon: float,
    cap: str,
    shares: dict[str, float] | None,
    cells: dict[str, str],
    sums: dict[str, str] | None = None,
) -> None:
    """One line of the tracking table: a component's (``shares`` given) or the program's."""
    ref = {key: sh.ref(r, col, here=sh) for key, col in _COL.items()}

    def name(key: str, coord: str) -> None:
        ctx.name(key, sh, coord, c)

    sh.put(
        r,
        1,
        "Program (all components)" if c is None else c.comp.name,
        "bold" if c is None else None,
    )
    sh.formula(r, _COL["capital"], cap, float(rec["capital"]), _M)
    for k in _KINDS:
        key = f"climate_finance.{k}"
        if shares is not None:
            sh.put(r, _COL[f"s:{k}"], float(shares.get(k, 0.0)), "input", _S)
            f_ = f"{ref['capital']}*{ref[f's:{k}']}"
        else:
            assert sums is not None
            f_ = sums[key]
        name(key, sh.formula(r, _COL[key], f_, float(rec[k]), _M))
    total = "+".join(ref[f"climate_finance.{k}"] for k in _KINDS)
    name(
        "climate_finance.total",
        sh.formula(r, _COL["climate_finance.total"], total, float(rec["total"]), _M),
    )
    share = f"IF({ref['capital']}>0,{ref['climate_finance.total']}/{ref['capital']},NA())"
    name(
        "climate_finance.share_of_cost",
        sh.formula(r, _COL["climate_finance.share_of_cost"], share, _num(rec["share_of_cost"]), _S),
    )
    horizon_total = cells["ghg.reduction_tco2e_total"]
    lifetime = float(rec["reduction_tco2e_lifetime"])
    sh.formula(r, _COL["horizon"], horizon_total, horizon, _T)
    if sums is None:  # from the component's parameters: not on any yearly sheet
        sh.put(r, _COL["beyond"], lifetime - horizon, "fixed", _T)
    else:
        sh.formula(r, _COL["beyond"], sums["beyond"], lifetime - horizon, _T)
    life = f"{ref['horizon']}+{ref['beyond']}"
    name(
        "ghg.reduction_tco2e_lifetime",
        sh.formula(r, _COL["ghg.reduction_tco2e_lifetime"], life, lifetime, _T),
    )
    per_t = (
        f"IF({ref['ghg.reduction_tco2e_lifetime']}>0,"
        f"{ref['capital']}*{ctx.a['scale']}/{ref['ghg.reduction_tco2e_lifetime']},NA())"
    )
    key = "abatement.investment_per_tco2e_lifetime"
    name(key, sh.formula(r, _COL[key], per_t, _num(rec["investment_per_tco2e_lifetime"]), _PT))


def _sources(
    ctx: WorkbookContext, sh: SheetWriter, result: AppraisalResult, r: int, program_total: str
) -> int:
    """Climate finance by financing source, and the co-financing ratio; the next free row."""
    cf = result.climate_finance
    assert cf is not None
    sh.put(r, 1, "Climate finance by financing source (pro rata to the amounts)", "bold")
    sh.header(r + 1, ["Source", "Amount", "Climate finance"])
    first = r + 2
    last = first + len(cf.by_source) - 1
    for q, rec in enumerate(cf.by_source.itertuples(index=False)):
        row = first + q
        sh.put(row, 1, str(rec.name))
        sh.put(row, 2, _num(rec.amount), "fixed", _M)
        amounts = sh.col_range(2, first, last, here=sh)
        f_ = f"{program_total}*{sh.ref(row, 2, here=sh)}/SUM({amounts})"
        sh.formula(row, 3, f_, _num(rec.total), _M)
    r = max(last, first - 1) + 2
    if not cf.lead:
        return r
    sh.put(r, 1, "Co-financing (GCF style)", "bold")
    sh.put(r + 1, 1, "Lead source")
    ctx.name("financing.lead", sh, sh.put(r + 1, 2, cf.lead, "fixed"))
    sh.put(r + 2, 1, "Lead source amount")
    match = [first + q for q, n in enumerate(cf.by_source["name"]) if n == cf.lead]
    lead_ref = "+".join(sh.ref(q, 2, here=sh) for q in match) or "0"
    lead = sh.formula(r + 2, 2, lead_ref, _num(cf.lead_amount), _M)
    ctx.name("financing.lead_amount", sh, lead)
    sh.put(r + 3, 1, "Co-financing ratio: the other sources over the lead")
    amounts = sh.col_range(2, first, last, here=sh)
    ratio = f"IF({lead}>0,(SUM({amounts})-{lead})/{lead},NA())"
    ctx.name(
        "financing.cofinance_ratio", sh, sh.formula(r + 3, 2, ratio, _num(cf.cofinance_ratio), _R)
    )
    return r + 5


def _flood(
    ctx: WorkbookContext, sh: SheetWriter, c: Comp, flood: tuple[Any, dict[str, float]], r: int
) -> int:
    """A component's damage table and its EADs; the next free row."""
    table, ead = flood
    sh.put(r, 1, f"{c.comp.name}: flood damage by return period ({ctx.money} per event)", "bold")
    heads = ["Return period, years", "Annual exceedance probability", "Damage without",
             "Damage with", "EAD term without", "EAD term with"]  # fmt: skip
    sh.header(r + 1, heads)
    first = r + 2
    n = len(table)
    for q, rec in enumerate(table.itertuples(index=False)):
        row = first + q
        ref = {j: sh.ref(row, j, here=sh) for j in range(1, 7)}
        sh.put(row, 1, float(rec.return_period), "fixed", "0")
        sh.formula(row, 2, f"1/{ref[1]}", float(rec.probability), "0.0000")
        sh.put(row, 3, float(rec.damage_without), "fixed", _M)
        sh.put(row, 4, float(rec.damage_with), "fixed", _M)
        for j, src, part in ((5, 3, rec.ead_part_without), (6, 4, rec.ead_part_with)):
            if q < n - 1:  # the trapezoid to the next rarer event
                nxt = sh.ref(row + 1, 2, here=sh)
                f_ = f"({ref[2]}-{nxt})*({ref[src]}+{sh.ref(row + 1, src, here=sh)})/2"
            else:  # the tail: the rarest event's damage for every rarer one
                f_ = f"{ref[2]}*{ref[src]}"
            sh.formula(row, j, f_, float(part), _M)
    last = first + n - 1
    r = last + 1
    cells: dict[str, str] = {}
    for k, (label, f_) in enumerate(
        (
            ("EAD without the component", f"SUM({sh.col_range(5, first, last, here=sh)})"),
            ("EAD with the component", f"SUM({sh.col_range(6, first, last, here=sh)})"),
            ("EAD avoided (first operating year, before the climate multiplier)", ""),
        )
    ):
        key = ("adaptation.ead_without", "adaptation.ead_with", "adaptation.avoided_ead")[k]
        sh.put(r + k, 1, label)
        if not f_:
            f_ = f"{cells['adaptation.ead_without']}-{cells['adaptation.ead_with']}"
        cells[key] = sh.formula(r + k, 2, f_, float(ead[key.split(".")[1]]), _M)
        ctx.name(key, sh, cells[key], c)
    return r + 4
