"""The Economic cash flows sheet (economic prices), years in rows.

Per component and for the program: capital net of the residual value, O&M, the
residual value (in the horizon's last year: capital x years of life left / life,
or the amount a streams component gives, when the Assumptions cell
case.residual_value says straight-line), each benefit, the carbon value
(reduction x carbon price / US$ per currency unit / currency units per money
unit), the pollutant damage avoided (tonnes x transferred damage cost, likewise),
costs, benefits without and with carbon (the pollutant value enters when the
"pollutants in EIRR" cell is TRUE), net benefit without and with carbon. Below
each block: PVs, ENPV, EIRR and BCR without carbon, with carbon and the headline;
a chart of the program's net benefit.

Needs ``ctx.a``, ``ctx.cf_ref``, ``Comp.cols`` (Inputs), ``Comp.inv``
(Investment costs), ``Comp.ghg`` and ``ctx.carbon_col`` (GHG); fills each
``Comp.eco``, ``ctx.prog_eco`` and the ``economic.*`` entries of ``Comp.cells``
and ``ctx.prog_cells``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from openpyxl.utils import get_column_letter

from appraisal.formatting import EXCEL_FORMATS
from appraisal.io.workbook import charts
from appraisal.io.workbook.context import FIRST, Comp, WorkbookContext
from appraisal.io.workbook.names import ECONOMIC_FIELDS
from appraisal.io.xlsx_common import SheetWriter
from appraisal.result import AppraisalResult, ComponentResult
from appraisal.result_schema import output_field
from appraisal.streams import POLLUTANTS

__all__ = ["write_economic"]

_TITLE = "Economic cash flows"


def write_economic(ctx: WorkbookContext, result: AppraisalResult) -> None:
    """Write the sheet; fill ``Comp.eco``, ``ctx.prog_eco`` and the ``economic.*`` cells."""
    sh, inp, ghg = ctx.sheets[_TITLE], ctx.sheets["Inputs"], ctx.sheets["GHG and abatement"]
    inv, money, n = ctx.sheets["Investment costs"], ctx.money, ctx.n
    ctx.year_header(sh, "Economic cash flows (economic prices)")
    to_money = f"/{ctx.a['usd']}/{ctx.a['scale']}"
    col = 2
    blocks: list[tuple[Comp | None, dict[str, int]]] = []
    for c in ctx.comps:
        sh.put(2, col, c.comp.name, "head")
        e = c.res.economic
        cols = c.eco
        # capital net of the residual value (col), O&M (col + 1), residual value (col + 2)
        cap_f = [
            f"{ref}-{sh.ref(FIRST + i, col + 2, here=sh)}"
            for i, ref in enumerate(ctx.copy_column(inv, c.inv["cap_eco"]))
        ]
        om_f = ctx.copy_column(inv, c.inv["om_eco"])
        res_f = _residual_formulas(ctx, c)
        parts = (
            ("capital", "Capital, net of the residual value", cap_f, "capital"),
            ("operating", "O&M", om_f, "operating"),
            ("residual", "Residual value (negative cost)", res_f, "residual_value"),
        )
        for j, (key, label, formulas, frame_key) in enumerate(parts):
            cols[key] = ctx.column(
                sh, col + j, "", label, money, formulas=formulas, cached=e[frame_key].to_numpy()
            )
        col += len(parts)
        for b in c.res.benefit_names:
            cf = f"*{ctx.cf_ref[b]}" if c.benefit_cf[b] is not None else ""
            f_ = [ref + cf for ref in ctx.copy_column(inp, c.cols[f"b:{b}"])]
            cols[f"b:{b}"] = ctx.column(
                sh,
                col,
                "",
                f"Benefit: {b}",
                money,
                formulas=f_,
                cached=e[f"benefit:{b}"].to_numpy(),
            )
            col += 1
        f_ = [
            f"{ghg.ref(FIRST + i, c.ghg['reduction'])}*{ghg.ref(FIRST + i, ctx.carbon_col)}"
            + to_money
            for i in range(n)
        ]
        cols["carbon"] = ctx.column(
            sh, col, "", "Carbon value", money, formulas=f_, cached=e["carbon_value"].to_numpy()
        )
        # tonnes avoided x transferred damage cost (USD per t), in money units
        f_ = []
        for i in range(n):
            terms = (
                f"{inp.ref(FIRST + i, c.cols[f'p:{p}'])}*{ctx.a[f'val:{p}']}" for p in POLLUTANTS
            )
            f_.append("(" + "+".join(terms) + f"){to_money}")
        cols["pollutant"] = ctx.column(
            sh,
            col + 1,
            "",
            "Pollutant damage avoided",
            money,
            formulas=f_,
            cached=e["pollutant_value"].to_numpy(),
        )
        col = _totals(ctx, sh, c.res, cols, col + 2)
        blocks.append((c, cols))
    sh.put(2, col, "Program", "head")
    pe = result.program.economic
    items = [
        ("capital", "Capital, net of the residual value", "capital"),
        ("operating", "O&M", "operating"),
        ("residual", "Residual value (negative cost)", "residual_value"),
    ]
    items += [(f"b:{b}", f"Benefit: {b}", f"benefit:{b}") for b in result.program.benefit_names]
    items += [
        ("carbon", "Carbon value", "carbon_value"),
        ("pollutant", "Pollutant damage avoided", "pollutant_value"),
    ]
    pcols = ctx.prog_eco
    for key, label, df_col in items:
        f_ = ctx.sum_columns(sh, [c.eco[key] for c in ctx.comps if key in c.eco])
        pcols[key] = ctx.column(
            sh, col, "", label, money, formulas=f_, cached=pe[df_col].to_numpy()
        )
        col += 1
    col = _totals(ctx, sh, result.program, pcols, col)
    blocks.append((None, pcols))
    _indicators(ctx, result, blocks)
    sh.widths(8, 13, col)
    lines = [(pcols["net_wo"], "without carbon"), (pcols["net_with"], "with carbon")]
    charts.year_lines(
        sh.ws, "Program net economic benefit", money, lines, (FIRST, ctx.last), f"B{ctx.last + 20}"
    )
    ctx.finish(sh, "B6")


def _residual_formulas(ctx: WorkbookContext, c: Comp) -> list[str]:
    """0 in every year but the last; there, the residual value (docs/methods.md section 2)."""
    a, n = ctx.a, ctx.n
    on = f'{a["residual"]}="straight-line"'
    if c.basis == "parametric":
        inv, inp = ctx.sheets["Investment costs"], ctx.sheets["Inputs"]
        capital = f"SUM({inv.col_range(c.inv['cap_eco'], FIRST, ctx.last)})"
        life = a[f"{c.comp.id}:life"]
        used = f"SUM({inp.col_range(c.cols['opyear'], FIRST, ctx.last)})"
        last = f"IF({on},{capital}*MAX(0,{life}-{used})/{life},0)"
    elif f"{c.comp.id}:residual" in a:
        cat = c.comp.streams["capital_category"]
        cf = f"*{ctx.cf_ref[cat]}" if c.cat_econ_cf.get(cat) is not None else ""
        last = f"IF({on},{a[f'{c.comp.id}:residual']}{cf},0)"
    else:
        last = "0"
    return ["0"] * (n - 1) + [last]


def _totals(
    ctx: WorkbookContext, sh: SheetWriter, res: ComponentResult, cols: dict[str, int], col: int
) -> int:
    """Costs, benefits and net benefit columns of a block; returns the next free column."""
    e = res.economic
    L = get_column_letter
    benefit_cols = [cols[k] for k in cols if k.startswith("b:")]
    poll = f"IF({ctx.a['poll_in']},{L(cols['pollutant'])}{{r}},0)"
    specs: list[tuple[str, str, Callable[[int], str], Any]] = [
        (
            "costs",
            "Costs",
            lambda r: f"{L(cols['capital'])}{r}+{L(cols['operating'])}{r}",
            e["costs"],
        ),
        (
            "b0",
            "Benefits without carbon",
            lambda r: "+".join([*(f"{L(b)}{r}" for b in benefit_cols), poll.format(r=r)]),
            e["benefits_without_carbon"],
        ),
        (
            "b1",
            "Benefits with carbon",
            lambda r: f"{L(cols['b0'])}{r}+{L(cols['carbon'])}{r}",
            e["benefits_without_carbon"] + e["carbon_value"],
        ),
        (
            "net_wo",
            "Net benefit without carbon",
            lambda r: f"{L(cols['b0'])}{r}-{L(cols['costs'])}{r}",
            e["net_without_carbon"],
        ),
        (
            "net_with",
            "Net benefit with carbon",
            lambda r: f"{L(cols['b1'])}{r}-{L(cols['costs'])}{r}",
            e["net_with_carbon"],
        ),
    ]
    for key, label, make, cached in specs:
        cols[key] = ctx.column(
            sh,
            col,
            "",
            label,
            ctx.money,
            formulas=[make(FIRST + i) for i in range(ctx.n)],
            cached=cached.to_numpy(),
        )
        col += 1
    return col + 1


def _indicators(
    ctx: WorkbookContext, result: AppraisalResult, blocks: list[tuple[Comp | None, dict[str, int]]]
) -> None:
    """PVs, ENPV, EIRR and BCR under each block, named after their JSON keys."""
    sh = ctx.sheets[_TITLE]
    row = ctx.last + 2
    rate = ctx.a["rate"]
    for j, (_, label, unit, _) in enumerate(ECONOMIC_FIELDS):
        sh.put(row + j, 1, f"{label} [{unit.format(money=ctx.money)}]")
    rv_row, rv_key = row + len(ECONOMIC_FIELDS), "economic.pv_residual_value"
    sh.put(rv_row, 1, f"{output_field(rv_key).workbook_label} [{ctx.money}]")
    for comp, cols in blocks:
        summ = (comp.res if comp else result.program).summary["economic"]
        cells = comp.cells if comp else ctx.prog_cells
        col = cols["capital"]
        at = {key: sh.ref(row + j, col, here=sh) for j, (key, *_) in enumerate(ECONOMIC_FIELDS)}
        pv_b1 = summ["enpv_with_carbon"] + summ["pv_costs"]
        costs, b0 = at["economic.pv_costs"], at["economic.pv_benefits_without_carbon"]

        def npv(k: str, cols: dict[str, int] = cols) -> str:
            return ctx.npv(rate, sh, cols[k], sh)

        def irr(k: str, value: float | None, cols: dict[str, int] = cols) -> str:
            return ctx.irr(sh.col_range(cols[k], FIRST, ctx.last, here=sh), value)

        f = {
            "economic.discount_rate": rate,
            "economic.pv_costs": npv("costs"),
            "economic.pv_benefits_without_carbon": npv("b0"),
            "pv_b1": npv("b1"),
            "economic.pv_carbon_value": npv("carbon"),
            "economic.pv_pollutant_value": npv("pollutant"),
            "economic.enpv_without_carbon": f"{b0}-{costs}",
            "economic.eirr_without_carbon": irr("net_wo", summ["eirr_without_carbon"]),
            "economic.bcr_without_carbon": f"IF({costs}>0,{b0}/{costs},NA())",
            "economic.enpv_with_carbon": f"{at['pv_b1']}-{costs}",
            "economic.eirr_with_carbon": irr("net_with", summ["eirr_with_carbon"]),
            "economic.bcr_with_carbon": f"IF({costs}>0,{at['pv_b1']}/{costs},NA())",
        }
        for k in ("enpv", "eirr", "bcr"):
            with_, without = at[f"economic.{k}_with_carbon"], at[f"economic.{k}_without_carbon"]
            f[f"economic.{k}"] = f"IF({ctx.a['carbon_in']},{with_},{without})"
        for j, (key, _, _, fmt) in enumerate(ECONOMIC_FIELDS):
            cached = pv_b1 if key == "pv_b1" else summ[key.split(".")[1]]
            headline = key in ("economic.enpv", "economic.eirr", "economic.bcr")
            style = "key" if headline else "calc"
            coord = sh.formula(row + j, col, f[key], cached, fmt, style)
            cells[key] = sh.ref(row + j, col, absolute=True)
            if key.startswith("economic.") and key != "economic.discount_rate":
                ctx.name(key, sh, coord, comp)
            reason = summ.get(key.split(".")[-1] + "_reason") if "eirr" in key else None
            if reason:
                sh.put(row + j, col + 1, reason)
        # already netted in the PV of costs: ENPV(straight-line) - ENPV(none) equals it
        coord = sh.formula(
            rv_row, col, npv("residual"), summ["pv_residual_value"], EXCEL_FORMATS["money"]
        )
        ctx.name(rv_key, sh, coord, comp)
        if comp is not None:
            # each component's copy of the live settings, on the Assumptions sheet
            for k, a in (
                ("discount_rate", "rate"),
                ("carbon_in_eirr", "carbon_in"),
                ("pollutants_in_eirr", "poll_in"),
            ):
                coord = ctx.a[a].rsplit("!", 1)[-1].replace("$", "")
                ctx.name(f"economic.{k}", ctx.sheets["Assumptions"], coord, comp)
