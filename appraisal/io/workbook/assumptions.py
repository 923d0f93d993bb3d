"""The Assumptions sheet: the live inputs, each with its unit and source.

Case settings, the economic analysis (discount rate, carbon switches, SERF,
SWRF), the carbon value, the conversion factors (from cost shares and part
factors, ADB 2017 ch. 4), the co-benefit factors and damage costs (transferred
by income ratio and elasticity), and the parametric components' capital by
category and O&M. The register of every case parameter follows below
(:mod:`.register`, written last).

Fills ``ctx.a`` (live assumption -> absolute reference), ``ctx.cf_ref`` and
``ctx.register_row``.
"""

from __future__ import annotations

from typing import Any

from appraisal.carbon import CarbonSettings
from appraisal.formatting import EXCEL_FORMATS
from appraisal.io.workbook.context import WorkbookContext
from appraisal.io.workbook.names import (
    CARBON_PRICE_FIELDS,
    CASE_FIELDS,
    ECONOMIC_SETTINGS,
    RATIO4,
)
from appraisal.result import AppraisalResult
from appraisal.streams import POLLUTANTS

__all__ = ["write_assumptions"]

_PARTS = ("traded", "non_traded", "skilled_labour", "unskilled_labour", "taxes")
_FIXED = "fixed when the workbook is written (re-run the case to change)"


class _Rows:
    """Rows of label, value, unit and source, written one below the other."""

    def __init__(self, ctx: WorkbookContext) -> None:
        self.ctx = ctx
        self.sh = ctx.sheets["Assumptions"]
        self.row = 4

    def section(self, title: str) -> None:
        self.row += 1
        self.sh.put(self.row, 1, title, "head")
        self.row += 1

    def put(
        self,
        key: str,
        label: str,
        value: Any,
        unit: str,
        source: str,
        fmt: str | None = None,
        style: str = "input",
        name: str | None = None,
    ) -> str:
        """An input (or a setting) row; ``key`` registers it in ``ctx.a``."""
        sh, row = self.sh, self.row
        sh.put(row, 1, label)
        coord = sh.put(row, 2, value, style, fmt)
        sh.put(row, 3, unit)
        sh.put(row, 4, source)
        ref = sh.ref(row, 2, absolute=True)
        if key:
            self.ctx.a[key] = ref
        if name:
            self.ctx.name(name, sh, coord)
        self.row += 1
        return ref

    def calc(
        self,
        key: str,
        label: str,
        formula: str,
        cached: Any,
        unit: str,
        note: str,
        fmt: str | None = None,
    ) -> str:
        """A calculated row, registered in ``ctx.a`` under ``key``."""
        sh, row = self.sh, self.row
        sh.put(row, 1, label)
        sh.formula(row, 2, formula, cached, fmt)
        sh.put(row, 3, unit)
        sh.put(row, 4, note)
        ref = sh.ref(row, 2, absolute=True)
        self.ctx.a[key] = ref
        self.row += 1
        return ref


def write_assumptions(ctx: WorkbookContext, result: AppraisalResult) -> None:
    """Write the live inputs; fill ``ctx.a``, ``ctx.cf_ref`` and ``ctx.register_row``."""
    sh, meta, a = ctx.sheets["Assumptions"], ctx.meta, ctx.a
    e = ctx.case.economic
    sh.put(1, 1, "Assumptions: the live inputs and the register of every case parameter", "title")
    sh.header(3, ("Parameter", "Value", "Unit", "Source or note"))
    rows = _Rows(ctx)
    put, calc = rows.put, rows.calc

    rows.section("Case")
    sources = {
        "case.name": meta.source,
        "case.price_year": "constant prices of this year",
        "case.first_year": _FIXED,
        "case.years": _FIXED,
        "case.first_year_discounted": (
            "true: =NPV(r, all years); false: =first year + NPV(r, later years); " + _FIXED
        ),
    }
    for key, label, unit, fmt in CASE_FIELDS:
        value = (
            result.summary["schema_version"]
            if key == "schema_version"
            else getattr(meta, key.split(".")[1])
        )
        live = "first_year" if key == "case.first_year" else ""
        put(live, label, value, unit, sources.get(key, ""), fmt, "setting", key)
    put(
        "residual",
        "Residual value at the horizon (case.residual_value)",
        meta.residual_value,
        "straight-line or none",
        "a negative capital cost in the last year (docs/methods.md section 2)",
    )
    put("usd", "US dollars per currency unit", meta.usd_per_currency_unit, "USD", "case")
    scale = put(
        "scale",
        "Currency units per money unit",
        meta.unit_scale,
        meta.currency,
        f"'{meta.unit}'",
        "#,##0",
    )
    calc(
        "usd_m",
        "US$ million per money unit",
        f"{scale}*{a['usd']}/1000000",
        meta.unit_scale * meta.usd_per_currency_unit / 1e6,
        "USD million",
        "for the jobs",
        "0.000000",
    )

    rows.section("Economic analysis")
    live_keys = {
        "economic.discount_rate": "rate",
        "economic.carbon_in_eirr": "carbon_in",
        "economic.pollutants_in_eirr": "poll_in",
    }
    source = {"economic.discount_rate": e.sources.get("discount_rate", "")}
    for key, label, unit, fmt in ECONOMIC_SETTINGS:
        value = getattr(e, key.split(".")[1])
        put(live_keys[key], label, value, unit, source.get(key, ""), fmt, name=key)
    put("", "Numeraire", e.numeraire, "", _FIXED, style="setting")
    put(
        "serf",
        "Shadow exchange rate factor (SERF)",
        e.serf,
        "ratio",
        e.sources.get("serf", ""),
        RATIO4,
    )
    put(
        "swrf", "Shadow wage rate factor (SWRF)", e.swrf, "ratio", e.sources.get("swrf", ""), RATIO4
    )

    rows.section("Carbon value")
    cp = result.summary["carbon_price"]
    sources = {
        "carbon_price.path": cp["description"],
        "carbon_price.deflator": e.sources.get("carbon_price", ""),
    }
    for key, label, unit, fmt in CARBON_PRICE_FIELDS:
        deflator = key == "carbon_price.deflator"  # the one live input of the block
        value = cp[key.split(".")[1]]
        style = "input" if deflator else "setting"
        live = "deflator" if deflator else ""
        put(live, label, value, unit, sources.get(key, ""), fmt, style, key)
    # the paths compared on the Carbon values sheet (settings: re-run the case to change)
    src, cs = e.sources.get, CarbonSettings.of(ctx.case)
    for cur, rate in cs.exchange_rates.items():
        unit = f"{ctx.meta.currency} per {cur}"
        put(
            "",
            f"Exchange rate, {cur}",
            rate,
            unit,
            src("carbon_exchange_rates", ""),
            RATIO4,
            "setting",
        )
    for base, d in cs.deflators.items():
        label = f"Deflator, compared paths in {base} prices"
        put("", label, d, "ratio", src("carbon_price_deflators", ""), RATIO4, "setting")
    put("", "Carbon paths compared", cs.compared or "none", "", "", None, "setting")

    _conversion_factors(ctx, rows)
    _cobenefits(ctx, rows, result)
    _components(ctx, rows)
    ctx.register_row = rows.row + 1


def _conversion_factors(ctx: WorkbookContext, rows: _Rows) -> None:
    """Part factors from SERF and SWRF, then each category's factor (ADB 2017 ch. 4)."""
    sh, a, e = rows.sh, ctx.a, ctx.case.economic
    rows.section("Conversion factors (economic / financial price), ADB 2017 ch. 4")
    if e.numeraire == "world":
        part_f = {
            "traded": ("1", 1.0),
            "non_traded": (f"1/{a['serf']}", 1 / e.serf),
            "skilled_labour": (f"1/{a['serf']}", 1 / e.serf),
            "unskilled_labour": (f"{a['swrf']}/{a['serf']}", e.swrf / e.serf),
            "taxes": ("0", 0.0),
        }
    else:
        part_f = {
            "traded": (a["serf"], e.serf),
            "non_traded": ("1", 1.0),
            "skilled_labour": ("1", 1.0),
            "unskilled_labour": (a["swrf"], e.swrf),
            "taxes": ("0", 0.0),
        }
    sh.put(rows.row, 1, "Part of a cost", "head")
    sh.put(rows.row, 2, "Factor", "head")
    sh.put(rows.row, 4, f"{e.numeraire} price numeraire", "head")
    rows.row += 1
    part_ref: dict[str, str] = {}
    for p in _PARTS:
        f_, v_ = part_f[p]
        part_ref[p] = rows.calc(f"part:{p}", p, f_, v_, "ratio", "from SERF and SWRF", RATIO4)
    cf_values: dict[str, float] = {}
    for c in ctx.comps:
        for k, v in c.cat_econ_cf.items():
            if v is not None:
                cf_values.setdefault(k, v)
        if c.basis != "economic":
            cf_values.setdefault("operating", c.s.conversion_factors["operating"])
        for k, v in c.benefit_cf.items():
            if v is not None:
                cf_values.setdefault(k, v)
    if cf_values:
        sh.header(rows.row, ("Category", "Conversion factor", "Unit", "How"))
        sh.header(rows.row, [f"share {p}" for p in _PARTS], col=5)
        rows.row += 1
    for k, value in cf_values.items():
        if k in e.conversion_factors:
            ref = rows.put(
                f"cf:{k}",
                k,
                e.conversion_factors[k],
                "ratio",
                "economic.conversion_factors",
                RATIO4,
            )
        elif k in e.cost_shares:
            shares = e.cost_shares[k]
            cells = [
                sh.put(rows.row, 5 + j, shares.get(p, 0.0), "input", "0.00%")
                for j, p in enumerate(_PARTS)
            ]
            # the tax share also takes taxes out of the capital that creates jobs
            ctx.a[f"taxes:{k}"] = sh.ref(rows.row, 5 + _PARTS.index("taxes"), absolute=True)
            terms = "+".join(f"{sc}*{part_ref[p]}" for sc, p in zip(cells, _PARTS, strict=True))
            note = "shares x part factors (" + e.sources.get("cost_shares", "case") + ")"
            ref = rows.calc(f"cf:{k}", k, terms, value, "ratio", note, RATIO4)
        elif k in part_ref:
            ref = rows.calc(f"cf:{k}", k, part_ref[k], value, "ratio", "a part itself", RATIO4)
        else:
            ref = rows.put(f"cf:{k}", k, value, "ratio", "default (no factor given)", RATIO4)
        ctx.cf_ref[k] = ref


def _cobenefits(ctx: WorkbookContext, rows: _Rows, result: AppraisalResult) -> None:
    """Jobs factors and damage costs, source and transferred."""
    a, cb = ctx.a, ctx.case.cobenefits
    src = cb.sources
    put = rows.put
    rows.section("Co-benefits")
    put(
        "jobs_c",
        "Construction jobs per US$ million",
        cb.jobs_construction_per_musd,
        "job-years per USD million",
        src.get("jobs_construction_per_musd", ""),
        "0.00",
    )
    put(
        "jobs_o",
        "Operation jobs per US$ million a year of O&M",
        cb.jobs_operation_per_musd,
        "jobs per USD million a year",
        src.get("jobs_operation_per_musd", ""),
        "0.00",
    )
    put("local", "Local share of direct jobs", cb.jobs_local_share, "share", "", "0.00%")
    put("ind", "Indirect jobs per direct job", cb.indirect_multiplier, "ratio", "", "0.00")
    put("indu", "Induced jobs per direct job", cb.induced_multiplier, "ratio", "", "0.00")
    basis = put(
        "jobs_basis",
        "What the jobs factors count",
        cb.jobs_factor_basis,
        "direct or direct-and-indirect",
        "multipliers apply to a direct-only factor (docs/methods.md section 8)",
    )
    applied = cb.jobs_factor_basis == "direct"
    for key, label, value in (
        ("ind", "Indirect", cb.indirect_multiplier),
        ("indu", "Induced", cb.induced_multiplier),
    ):
        rows.calc(
            f"{key}_applied",
            f"{label} jobs per direct job, applied",
            f'IF({basis}="direct",{a[key]},0)',
            value if applied else 0.0,
            "ratio",
            "0 when the factor already counts supply-chain jobs",
            "0.00",
        )
    put("income", "Income ratio (project country / source)", cb.income_ratio, "ratio", "", RATIO4)
    put("elast", "Income elasticity of the damage cost", cb.income_elasticity, "ratio", "", "0.00")
    for p in POLLUTANTS:
        put(
            f"dmg:{p}",
            f"Damage cost {p}, source",
            cb.damage_costs.get(p, 0.0),
            "USD per t",
            src.get("damage_costs", ""),
            EXCEL_FORMATS["per_tonne"],
        )
    for p in POLLUTANTS:
        rows.calc(
            f"val:{p}",
            f"Damage cost {p}, transferred",
            f"{a[f'dmg:{p}']}*{a['income']}^{a['elast']}",
            result.damage_cost_per_t[p],
            "USD per t",
            "V = V_source x (income ratio)^elasticity",
            EXCEL_FORMATS["per_tonne"],
        )


def _components(ctx: WorkbookContext, rows: _Rows) -> None:
    """Each component's id and name; the parametric ones' capital by category and O&M."""
    sh = rows.sh
    rows.section("Components")
    for c in ctx.comps:
        sh.put(rows.row, 1, "Component id and name")
        ctx.name("id", sh, sh.put(rows.row, 2, c.comp.id, "setting"), c)
        ctx.name("name", sh, sh.put(rows.row, 3, c.comp.name, "setting"), c)
        sh.put(rows.row, 4, c.comp.source)
        rows.row += 1
    rows.section("Parametric components: capital by category and O&M")
    money = EXCEL_FORMATS["money"]
    for c in ctx.comps:
        if c.basis != "parametric":
            continue
        cid, source = c.comp.id, c.comp.source
        for cat in c.cats:
            rows.put(
                f"{cid}:cap:{cat}",
                f"{cid}: capital, {cat}",
                c.comp.capital[cat],
                f"{ctx.money}, financial prices",
                source,
                money,
            )
        rows.put(
            f"{cid}:om_share",
            f"{cid}: O&M, share of capital a year",
            c.comp.om_share,
            "share per year",
            source,
            "0.00%",
        )
        rows.put(
            f"{cid}:om_amount",
            f"{cid}: O&M, fixed amount a year",
            c.comp.om_amount,
            f"{ctx.money} per year",
            source,
            money,
        )
        rows.put(f"{cid}:life", f"{cid}: economic life", c.comp.life_years, "years", source, "0")
    for c in ctx.comps:
        if c.basis != "parametric" and c.comp.streams.get("residual_value"):
            rows.put(
                f"{c.comp.id}:residual",
                f"{c.comp.id}: residual value at the horizon (streams basis)",
                c.comp.streams["residual_value"],
                ctx.money,
                c.comp.source,
                money,
            )
