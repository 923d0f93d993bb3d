"""The GHG and abatement sheet, below the yearly columns: totals, abatement cost, MAC curve.

Under each block (component or program): emissions totals, years with a
reduction, the annual average, the PV of tCO2e avoided, the PV of costs less
non-carbon benefits and the levelized abatement cost per tCO2e (local currency
and USD). Then the marginal abatement cost curve (components sorted by cost as
the engine sorted them), its chart and a chart of the program's emissions.

Needs ``ctx.prog_ghg`` and ``Comp.ghg`` (:mod:`.ghg`), and the PVs of the
economic sheet (``economic.pv_costs`` and ``economic.pv_benefits_without_carbon``
in ``Comp.cells`` and ``ctx.prog_cells``, :mod:`.economic`); fills the ``ghg.*``
and ``abatement.*`` entries of ``Comp.cells`` and ``ctx.prog_cells``. The
program's abatement cost counts only the components that avoid tonnes (a positive
PV of tCO2e), as the engine does.
"""

from __future__ import annotations

from typing import Any

from appraisal.formatting import EXCEL_FORMATS
from appraisal.io.workbook import charts
from appraisal.io.workbook.context import FIRST, Comp, WorkbookContext
from appraisal.io.workbook.names import GHG_FIELDS
from appraisal.result import AppraisalResult

__all__ = ["write_abatement"]


def write_abatement(ctx: WorkbookContext, result: AppraisalResult) -> None:
    """Write the indicators under each block, then the MAC curve and the charts."""
    sh = ctx.sheets["GHG and abatement"]
    row = ctx.last + 2
    units = {"money": ctx.money, "currency": ctx.meta.currency}
    for j, (_, label, unit, _) in enumerate(GHG_FIELDS):
        sh.put(row + j, 1, f"{label} [{unit.format(**units)}]")
    blocks: list[tuple[Comp | None, dict[str, int], dict[str, Any], dict[str, str]]] = [
        (c, c.ghg, c.res.summary, c.cells) for c in ctx.comps
    ]
    blocks.append((None, ctx.prog_ghg, result.program.summary, ctx.prog_cells))
    a = ctx.a
    for comp, cols, summ, cells in blocks:
        col = cols["without"]
        rng = {
            k: sh.col_range(cols[k], FIRST, ctx.last, here=sh)
            for k in ("without", "with", "reduction")
        }
        at = {key: sh.ref(row + j, col, here=sh) for j, (key, *_) in enumerate(GHG_FIELDS)}
        years, total = at["ghg.reduction_years"], at["ghg.reduction_tco2e_total"]
        pv_t, cost = at["abatement.pv_tco2e"], at["abatement.cost_per_tco2e"]
        formulas = {
            "ghg.without_project_tco2e_total": f"SUM({rng['without']})",
            "ghg.with_project_tco2e_total": f"SUM({rng['with']})",
            "ghg.reduction_tco2e_total": f"SUM({rng['reduction']})",
            "ghg.reduction_years": f'COUNTIF({rng["reduction"]},"<>0")',
            "ghg.reduction_tco2e_annual_average": f"IF({years}=0,0,{total}/{years})",
            "abatement.pv_tco2e": ctx.npv(a["rate"], sh, cols["reduction"], sh),
            "abatement.pv_net_cost": (
                f"{cells['economic.pv_costs']}-{cells['economic.pv_benefits_without_carbon']}"
            ),
            "abatement.cost_per_tco2e": (
                f"IF({pv_t}>0,{at['abatement.pv_net_cost']}*{a['scale']}/{pv_t},NA())"
            ),
            "abatement.cost_per_tco2e_usd": f"IF(ISNUMBER({cost}),{cost}*{a['usd']},NA())",
        }
        if comp is None:  # the program: over the components that avoid tonnes only
            formulas |= _program_sums(ctx)
        for j, (key, _, _, fmt) in enumerate(GHG_FIELDS):
            block, k = key.split(".")
            style = "key" if k == "cost_per_tco2e" else "calc"
            coord = sh.formula(row + j, col, formulas[key], summ[block][k], fmt, style)
            ctx.name(key, sh, coord, comp)
            cells[key] = sh.ref(row + j, col, absolute=True)
        reason = summ["abatement"].get("cost_per_tco2e_reason")
        if reason:
            sh.put(row + 7, col + 1, reason)
    _mac_table(ctx, result, row + len(GHG_FIELDS) + 2)
    ctx.finish(sh, "B6")


def _program_sums(ctx: WorkbookContext) -> dict[str, str]:
    """The program's PV of net cost and of tCO2e, over the components that avoid tonnes.

    Live: a component counts while its PV of tCO2e is positive (the engine's rule,
    ``abatement.excluded_components``).
    """
    cost, tonnes = [], []
    for c in ctx.comps:
        k = c.cells
        pv_t = k["abatement.pv_tco2e"]
        net = f"{k['economic.pv_costs']}-{k['economic.pv_benefits_without_carbon']}"
        cost.append(f"IF({pv_t}>0,{net},0)")
        tonnes.append(f"IF({pv_t}>0,{pv_t},0)")
    return {
        "abatement.pv_net_cost": "+".join(cost) or "0",
        "abatement.pv_tco2e": "+".join(tonnes) or "0",
    }


def _mac_table(ctx: WorkbookContext, result: AppraisalResult, row: int) -> None:
    """Cost per tonne by component, sorted as at writing, and the MAC-curve chart."""
    sh, mac = ctx.sheets["GHG and abatement"], result.mac
    tonnes, per_t = EXCEL_FORMATS["tonnes"], EXCEL_FORMATS["per_tonne"]
    sh.put(row, 1, "Marginal abatement cost curve (sorted by cost at the time of writing)", "head")
    row += 1
    currency = ctx.meta.currency
    heads = (
        "Component",
        f"Cost [{currency}/tCO2e]",
        "Average tCO2e a year",
        "From [tCO2e/yr]",
        "To [tCO2e/yr]",
    )
    sh.header(row, heads)
    row += 1
    by_id = {c.comp.id: c for c in ctx.comps}
    first = row
    for i, rec in enumerate(mac.itertuples(index=False)):
        c = by_id[str(rec.id)]
        r_ = row + i
        sh.put(r_, 1, str(rec.name))
        sh.formula(r_, 2, c.cells["abatement.cost_per_tco2e"], rec.cost_per_tco2e, per_t)
        sh.formula(r_, 3, c.cells["ghg.reduction_tco2e_annual_average"], rec.annual_tco2e, tonnes)
        sh.formula(r_, 4, "0" if i == 0 else f"E{r_ - 1}", rec.x_start, tonnes)
        sh.formula(r_, 5, f"D{r_}+C{r_}", rec.x_end, tonnes)
    n = len(mac)
    if n == 0:
        sh.put(row, 1, "no component with a defined cost per tonne and a reduction")
        return
    # step points: (from, cost), (to, cost) per measure, for a stepped line
    pts_row = row + n + 2
    sh.put(pts_row - 1, 1, "Chart points", "head")
    for i in range(n):
        for k in range(2):
            r_ = pts_row + 2 * i + k
            src = first + i
            x = mac["x_start" if k == 0 else "x_end"].iloc[i]
            sh.formula(r_, 2, f"D{src}" if k == 0 else f"E{src}", x, tonnes)
            sh.formula(r_, 3, f"B{src}", mac["cost_per_tco2e"].iloc[i], per_t)
    charts.mac_curve(sh.ws, pts_row, pts_row + 2 * n - 1, currency, f"G{row}")
    lines = [(ctx.prog_ghg["without"], "without project"), (ctx.prog_ghg["with"], "with project")]
    charts.year_lines(sh.ws, "Program emissions", "tCO2e", lines, (FIRST, ctx.last), f"P{row}")
