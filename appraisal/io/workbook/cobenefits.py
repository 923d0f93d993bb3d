"""The Co-benefits sheet: jobs and local air pollutants, per component and program.

Per part: the capital that creates construction work (every category but land
and resettlement, net of its tax share, at financial prices) and the average
O&M of the operating years (from the Investment costs sheet), construction jobs
(direct = that capital x US$ million per money unit x jobs per US$ million x
local share; indirect and induced by their multipliers, which are 0 when the
factor already counts supply-chain jobs), operation jobs, tonnes of each
pollutant avoided and the PV of the damage avoided. Gross figures, kept out of
the EIRR unless the case opts in.

Needs ``ctx.a``, ``Comp.inv`` and ``ctx.inv_program``, ``Comp.cols`` and the
``economic.pv_pollutant_value`` cells; fills nothing.
"""

from __future__ import annotations

from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from appraisal.cobenefits import is_construction_category
from appraisal.io.workbook.context import FIRST, HEADER_ROWS, Comp, WorkbookContext
from appraisal.io.workbook.names import COBENEFIT_FIELDS
from appraisal.result import AppraisalResult
from appraisal.result_schema import output_field
from appraisal.streams import POLLUTANTS

__all__ = ["write_cobenefits"]


def write_cobenefits(ctx: WorkbookContext, result: AppraisalResult) -> None:
    """Write the Co-benefits sheet: one row per component and one for the program."""
    sh, inv, inp = ctx.sheets["Co-benefits"], ctx.sheets["Investment costs"], ctx.sheets["Inputs"]
    title = (
        "Co-benefits: jobs and local air pollutants (gross, kept out of the EIRR unless opted in)"
    )
    sh.put(1, 1, title, "title")
    heads = [(k, h, u.format(money=ctx.money), fmt) for k, h, u, fmt in COBENEFIT_FIELDS]
    cap_key = "cobenefits.jobs_construction_capital"  # the jobs' capital, named
    heads = [
        (cap_key, output_field(cap_key).workbook_label, *h[2:]) if h[0] == "cap" else h
        for h in heads
    ]
    for j, (_, h, u, _) in enumerate(heads):
        sh.put(3, 1 + j, h, "head")
        sh.put(4, 1 + j, u, "head")
        sh.ws.cell(row=3, column=1 + j).alignment = Alignment(wrap_text=True)
    row = HEADER_ROWS + 1
    parts: list[tuple[Comp | None, dict[str, Any]]] = [
        (c, c.res.summary["cobenefits"]) for c in ctx.comps
    ]
    parts.append((None, result.summary["cobenefits"]))
    a = ctx.a
    for comp, summ in parts:
        sh.put(row, 1, comp.comp.name if comp else "Program")
        cap_col = comp.inv["cap_fin"] if comp else ctx.inv_program["cap_fin"]
        om_col = comp.inv["om_fin"] if comp else ctx.inv_program["om_fin"]
        cap_rng = inv.col_range(cap_col, FIRST, ctx.last)
        om_rng = inv.col_range(om_col, FIRST, ctx.last)
        # the cells' values before recalculation, from the engine's streams (the
        # program's jobs count every component: result.all_streams)
        streams = comp.s if comp else result.all_streams
        assert streams is not None  # appraise() always sets it
        mult = f"(1+{a['ind_applied']}+{a['indu_applied']})"
        pv = (comp.cells if comp else ctx.prog_cells)["economic.pv_pollutant_value"]
        f: dict[str, tuple[str, Any]] = {
            cap_key: (_jobs_capital(ctx, comp, cap_rng, row), None),
            "om": (
                f'IF(COUNTIF({om_rng},">0")=0,0,AVERAGEIF({om_rng},">0"))',
                streams.om_financial_average,
            ),
            "cobenefits.jobs_construction_direct": (
                f"B{row}*{a['usd_m']}*{a['jobs_c']}*{a['local']}",
                None,
            ),
            "cobenefits.jobs_construction_indirect": (f"D{row}*{a['ind_applied']}", None),
            "cobenefits.jobs_construction_induced": (f"D{row}*{a['indu_applied']}", None),
            "cobenefits.jobs_construction_job_years": (f"D{row}+E{row}+F{row}", None),
            "cobenefits.jobs_operation_direct": (
                f"C{row}*{a['usd_m']}*{a['jobs_o']}*{a['local']}",
                None,
            ),
            "cobenefits.jobs_operation": (f"H{row}*{mult}", None),
            "cobenefits.pollutant_value_pv": (pv, None),
        }
        for p in POLLUTANTS:
            key = f"cobenefits.pollutants_avoided_t.{p}"
            if comp:
                total = f"SUM({inp.col_range(comp.cols[f'p:{p}'], FIRST, ctx.last)})"
            else:  # the program: the sum of the rows above
                L = get_column_letter(1 + [h[0] for h in heads].index(key))
                total = f"SUM({L}{HEADER_ROWS + 1}:{L}{row - 1})"
            f[key] = (total, None)
        for j, (key, _, _, fmt) in enumerate(heads[1:], start=2):
            formula, cached = f[key]
            if cached is None:
                parts_ = key.split(".")
                cached = summ[parts_[1]] if len(parts_) == 2 else summ[parts_[1]][parts_[2]]
            coord = sh.formula(row, j, formula, cached, fmt)
            if key.startswith("cobenefits."):
                ctx.name(key, sh, coord, comp)
        row += 1
    sh.widths(46, 14, len(heads))
    ctx.finish(sh, "B6")


def _jobs_capital(ctx: WorkbookContext, comp: Comp | None, cap_rng: str, row: int) -> str:
    """Capital that creates construction work: categories but land, net of their tax share."""
    if comp is None:  # the program: the sum of the rows above
        return f"SUM(B{HEADER_ROWS + 1}:B{row - 1})"
    a, taxes = ctx.a, ctx.case.economic.cost_shares

    def untaxed(cat: str) -> str:
        ref = a.get(f"taxes:{cat}")
        share = ref if ref else repr(taxes.get(cat, {}).get("taxes", 0.0))
        return f"(1-{share})"

    if comp.basis == "parametric":
        terms = [
            f"{a[f'{comp.comp.id}:cap:{cat}']}*{untaxed(cat)}"
            for cat in comp.cats
            if is_construction_category(cat)
        ]
        return "+".join(terms) or "0"
    cat = comp.comp.streams["capital_category"]
    return f"SUM({cap_rng})*{untaxed(cat)}" if is_construction_category(cat) else "0"
