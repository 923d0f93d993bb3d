"""The appraisal workbook: a development bank's economic and financial analysis annex.

:func:`render_workbook` turns an :class:`~appraisal.result.AppraisalResult` into
the bytes of an .xlsx in which every result is a live Excel formula over input
cells (``docs/workbook.md`` describes the layout, the colour code and the
defined names). Sheets: Summary, Assumptions, Inputs, Investment costs,
Economic cash flows, Financial, GHG and abatement, Co-benefits, Checks.

How the values stay visible and equal to the JSON
-------------------------------------------------
openpyxl writes formulas without cached values, so a viewer that does not
calculate would show empty cells. Every formula cell is therefore registered
with the value the engine computed for it (from the result object: the JSON
summary for the indicators, the result's tables for the yearly rows), and
after saving, :func:`add_cached_values` writes that value into the cell's
``<v>`` element. Excel recalculates on load anyway (``fullCalcOnLoad``); the
tests recalculate with LibreOffice and compare every defined name with the
JSON, so a formula that disagrees with its cached value cannot pass.

Defined names
-------------
Every scalar key of the JSON contract (``docs/json-summary.md``) has a
workbook-level name: the key path with dots replaced by underscores
(``economic_eirr``, ``cobenefits_pollutants_avoided_t_pm25``); per component
the same with the prefix ``c_<id>_`` where ``-`` in the id becomes ``_``
(``c_bus_priority_economic_enpv``). ``*_reason`` texts and ``*_roots`` lists
are not named (they describe the figures at the time of writing; the reason is
shown beside an ``n/a`` cell). A figure the engine reports as null shows
``#N/A`` (``=NA()``, or a live ``IF`` that yields ``NA()``).

Hook for the uncertainty sheets (issue 5)
-----------------------------------------
When ``result.sensitivity`` or ``result.risk`` is set, :func:`render_workbook`
imports ``appraisal.io.workbook_uncertainty`` and calls
``add_sheets(wb, result, names)`` before saving, where ``names`` is the
:class:`WorkbookNames` of this workbook: ``names.refs`` maps every defined name
to its absolute reference (e.g. ``"'Economic cash flows'!$C$40"``), so the
sensitivity formulas can point at the live inputs (``economic_discount_rate``)
and results; ``names.define(name, ws, "C5")`` adds a defined name and
``names.cache(ws, "C5", value)`` registers the cached value of a formula cell
written there (every formula cell needs one, see above). Use
:data:`STYLE` ``"input"``/``"calc"`` for the colour code.
"""

from __future__ import annotations

import copy
import importlib
import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

import numpy as np
import numpy.typing as npt
from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference, ScatterChart, Series
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.worksheet import Worksheet

from appraisal.case import Case, Component
from appraisal.cobenefits import damage_cost_transfer
from appraisal.economics import CARBON_PATHS
from appraisal.formatting import EXCEL_FORMATS
from appraisal.io.xlsx_common import normalize_xlsx_bytes, set_text, workbook_bytes
from appraisal.result import AppraisalResult, ComponentResult
from appraisal.schema import field_by_key
from appraisal.streams import POLLUTANTS, ComponentStreams, component_streams, pad

__all__ = ["NA", "STYLE", "WorkbookNames", "add_cached_values", "name_for", "render_workbook"]

FloatArray = npt.NDArray[np.float64]

HEADER_ROWS = 5  # rows above the first year on the yearly sheets
FIRST = HEADER_ROWS + 1  # row of the first year on every yearly sheet


class _NA:
    """The cached value of a cell that shows Excel's #N/A error."""

    def __repr__(self) -> str:
        return "NA"


NA = _NA()

_THIN = Side(style="thin", color="999999")
STYLE: dict[str, dict[str, Any]] = {
    # Inputs given by the case: blue on yellow (the usual financial-model code).
    "input": {"font": Font(color="0000CC"), "fill": PatternFill("solid", fgColor="FFF2CC")},
    # Inputs derived by the engine from the case's parameters: blue on light blue.
    "derived": {"font": Font(color="0000CC"), "fill": PatternFill("solid", fgColor="DDEBF7")},
    # Calculated (formulas): black on white.
    "calc": {"font": Font(color="000000")},
    # Key results: bold, boxed.
    "key": {
        "font": Font(color="000000", bold=True),
        "border": Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN),
    },
    # Settings fixed when the workbook is written (re-run the case to change): grey.
    "setting": {"font": Font(color="595959")},
    "head": {"font": Font(bold=True), "fill": PatternFill("solid", fgColor="D9D9D9")},
    "title": {"font": Font(bold=True, size=14)},
}
RATIO4 = "0.0000"


def name_for(path: str, component_id: str | None = None) -> str:
    """Defined name of a JSON key path: dots to underscores, ``c_<id>_`` per component.

    Examples
    --------
    >>> name_for("economic.eirr")
    'economic_eirr'
    >>> name_for("economic.enpv", "bus-priority")
    'c_bus_priority_economic_enpv'
    """
    base = path.replace(".", "_")
    if component_id is None:
        return base
    return f"c_{component_id.replace('-', '_')}_{base}"


def _q(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _num(x: Any) -> Any:
    """A cached value from the engine: None and non-finite floats become #N/A."""
    if x is None:
        return NA
    if isinstance(x, bool | str):
        return x
    v = float(x)
    return v if math.isfinite(v) else NA


@dataclass
class WorkbookNames:
    """Defined names and cached values of the workbook being written.

    Attributes
    ----------
    refs
        Defined name -> absolute reference, e.g. ``"'Economic cash flows'!$C$40"``.
    cached
        (sheet title, coordinate) -> the value shown before any recalculation.
    """

    wb: Workbook
    refs: dict[str, str] = field(default_factory=dict)
    cached: dict[tuple[str, str], Any] = field(default_factory=dict)
    styles: dict[tuple[str, str | None], Any] = field(default_factory=dict, repr=False)

    def define(self, name: str, ws: Worksheet, coordinate: str) -> None:
        """Add a workbook-level name for one cell."""
        m = re.fullmatch(r"([A-Z]+)(\d+)", coordinate)
        if m is None:
            raise ValueError(f"not a cell coordinate: {coordinate!r}")
        ref = f"{_q(ws.title)}!${m.group(1)}${m.group(2)}"
        if name in self.refs:
            raise ValueError(f"defined name {name!r} given twice")
        self.refs[name] = ref
        self.wb.defined_names[name] = DefinedName(name, attr_text=ref)

    def cache(self, ws: Worksheet, coordinate: str, value: Any) -> None:
        """Register the cached value of a formula cell (a number, bool, text or NA)."""
        self.cached[(ws.title, coordinate)] = value


class _Sheet:
    """A worksheet with the colour code and the cached-value registry."""

    def __init__(self, wb: Workbook, names: WorkbookNames, title: str) -> None:
        self.ws: Worksheet = wb.create_sheet(title)
        self.title = title
        self.names = names

    def _style(self, cell: Any, style: str, fmt: str | None) -> None:
        # Setting font, fill and format cell by cell costs openpyxl a hash of each style
        # object; the style array of a combination is computed once per workbook and copied.
        done = self.names.styles.get((style, fmt))
        if done is not None:
            cell._style = copy.copy(done)
            return
        for attr, value in STYLE[style].items():
            setattr(cell, attr, value)
        if fmt:
            cell.number_format = fmt
        self.names.styles[(style, fmt)] = copy.copy(cell._style)

    def value(
        self, row: int, col: int, value: Any, fmt: str | None = None, style: str = "input"
    ) -> str:
        """An input (or a setting): a number, a bool or text (text never as a formula)."""
        cell = self.ws.cell(row=row, column=col)
        if isinstance(value, str):
            set_text(cell, value)
        else:
            cell.value = value
        self._style(cell, style, fmt)
        return str(cell.coordinate)

    def formula(
        self,
        row: int,
        col: int,
        formula: str,
        cached: Any,
        fmt: str | None = None,
        style: str = "calc",
    ) -> str:
        """A calculated cell and the value the engine found for it."""
        cell = self.ws.cell(row=row, column=col)
        cell.value = "=" + formula
        self._style(cell, style, fmt)
        self.names.cache(self.ws, cell.coordinate, _num(cached))
        return str(cell.coordinate)

    def text(self, row: int, col: int, text: str, style: str | None = None) -> None:
        cell = self.ws.cell(row=row, column=col)
        set_text(cell, text)
        if style:
            self._style(cell, style, None)

    def ref(self, row: int, col: int, *, here: _Sheet | None = None, absolute: bool = False) -> str:
        """A reference to a cell of this sheet, qualified unless used on ``here``."""
        c = get_column_letter(col)
        a = f"${c}${row}" if absolute else f"{c}{row}"
        return a if here is self else f"{_q(self.title)}!{a}"

    def col_range(self, col: int, r1: int, r2: int, *, here: _Sheet | None = None) -> str:
        c = get_column_letter(col)
        a = f"{c}{r1}:{c}{r2}"
        return a if here is self else f"{_q(self.title)}!{a}"

    def widths(self, first: float, others: float, n: int) -> None:
        self.ws.column_dimensions["A"].width = first
        for i in range(2, n + 1):
            self.ws.column_dimensions[get_column_letter(i)].width = others

    def finish(self, freeze: str | None, landscape: bool = True) -> None:
        ws = self.ws
        if freeze:
            ws.freeze_panes = freeze
        ws.page_setup.orientation = "landscape" if landscape else "portrait"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        if freeze and freeze != "A1":
            ws.print_title_rows = f"1:{HEADER_ROWS}"
        ws.oddHeader.center.text = "&A"
        ws.oddFooter.center.text = "Page &P of &N"


# --------------------------------------------------------------------- data per component
@dataclass
class _Comp:
    """What the workbook needs of one component: its result, streams and input columns."""

    comp: Component
    res: ComponentResult
    s: ComponentStreams
    key: str  # name prefix id
    cats: list[str]
    cat_fin: dict[str, FloatArray]  # capital by category, financial prices (or given basis)
    cat_econ_cf: dict[str, float | None]  # CF per category; None = case gives economic prices
    basis: str  # "parametric", "financial", "economic"
    benefit_raw: dict[str, FloatArray]
    benefit_cf: dict[str, float | None]
    fin_capital_given: FloatArray | None = None
    fin_operating_given: FloatArray | None = None
    build: FloatArray | None = None
    operating_years: FloatArray | None = None
    cols: dict[str, int] = field(default_factory=dict)  # item -> column on each sheet
    inv: dict[str, int] = field(default_factory=dict)
    eco: dict[str, int] = field(default_factory=dict)
    ghg: dict[str, int] = field(default_factory=dict)
    fin: dict[str, int] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)  # indicator -> absolute ref


def _component_data(case: Case, comp: Component, res: ComponentResult, key: str) -> _Comp:
    n = case.meta.years
    s = component_streams(case, comp)
    cats = list(res.capital_by_category.columns) if res.capital_by_category is not None else []
    cat_fin = {c: np.asarray(s.capital_by_category[c], dtype=np.float64) for c in cats}
    if comp.form == "parametric":
        meta = case.meta
        start = (comp.start_year or meta.first_year) - meta.first_year
        disb = np.asarray(comp.disbursement, dtype=np.float64)
        build = np.zeros(n)
        build[start : start + disb.size] = disb[: max(0, n - start)]
        op_start = start + disb.size
        operating_years = np.zeros(n)
        operating_years[op_start : min(n, op_start + (comp.life_years or 0))] = 1.0
        return _Comp(
            comp,
            res,
            s,
            key,
            cats,
            cat_fin,
            {c: s.conversion_factors[c] for c in cats},
            "parametric",
            dict(s.benefits),
            dict.fromkeys(s.benefits),
            build=build,
            operating_years=operating_years,
        )
    st = comp.streams
    raw_benefits = {name: pad(v, n) for name, v in st["benefits"].items()}
    if st["basis"] == "financial":
        return _Comp(
            comp,
            res,
            s,
            key,
            cats,
            cat_fin,
            {c: s.conversion_factors[c] for c in cats},
            "financial",
            raw_benefits,
            {b: s.conversion_factors[b] for b in raw_benefits},
        )
    fin = comp.financial or {}
    return _Comp(
        comp,
        res,
        s,
        key,
        cats,
        cat_fin,
        dict.fromkeys(cats),
        "economic",
        raw_benefits,
        dict.fromkeys(raw_benefits),
        fin_capital_given=pad(fin["capital"], n) if "capital" in fin else None,
        fin_operating_given=pad(fin["operating"], n) if "operating" in fin else None,
    )


def _component_keys(ids: Sequence[str]) -> list[str]:
    """Unique name prefixes: ids differing only by - and _ get a numeric suffix."""
    out: list[str] = []
    seen: set[str] = set()
    for cid in ids:
        k = cid.replace("-", "_")
        base, i = k, 2
        while k.lower() in seen:
            k, i = f"{base}_{i}", i + 1
        seen.add(k.lower())
        out.append(k)
    return out


# ----------------------------------------------------------------------------- the builder
class _Builder:
    def __init__(self, result: AppraisalResult) -> None:
        self.r = result
        self.case = result.case
        self.meta = result.case.meta
        self.n = self.meta.years
        self.years = self.meta.calendar_years
        self.last = FIRST + self.n - 1
        self.fyd = self.meta.first_year_discounted
        self.wb = Workbook()
        self.wb.remove(self.wb.active)
        self.names = WorkbookNames(self.wb)
        keys = _component_keys([c.id for c in result.components])
        self.comps = [
            _component_data(self.case, cc, res, k)
            for cc, res, k in zip(self.case.components, result.components, keys, strict=True)
        ]
        self.money = self.meta.money
        self.a: dict[str, str] = {}  # live assumption -> absolute ref (on Assumptions)
        self.cf_ref: dict[str, str] = {}  # category -> CF cell
        self.summary_sheet = _Sheet(self.wb, self.names, "Summary")
        self.assumptions = _Sheet(self.wb, self.names, "Assumptions")
        self.inputs = _Sheet(self.wb, self.names, "Inputs")
        self.investment = _Sheet(self.wb, self.names, "Investment costs")
        self.economic = _Sheet(self.wb, self.names, "Economic cash flows")
        self.financial = _Sheet(self.wb, self.names, "Financial")
        self.ghg = _Sheet(self.wb, self.names, "GHG and abatement")
        self.cobenefits = _Sheet(self.wb, self.names, "Co-benefits")
        self.checks = _Sheet(self.wb, self.names, "Checks")

    # ------------------------------------------------------------------ helpers
    def name(self, path: str, sheet: _Sheet, coord: str, comp: _Comp | None = None) -> None:
        nm = f"c_{comp.key}_{path.replace('.', '_')}" if comp else name_for(path)
        self.names.define(nm, sheet.ws, coord)

    def npv(self, rate: str, sheet: _Sheet, col: int, here: _Sheet) -> str:
        """Excel NPV of a yearly column, honouring the case's timing convention."""
        if self.fyd:
            return f"NPV({rate},{sheet.col_range(col, FIRST, self.last, here=here)})"
        first = sheet.ref(FIRST, col, here=here)
        if self.n == 1:
            return first
        return f"{first}+NPV({rate},{sheet.col_range(col, FIRST + 1, self.last, here=here)})"

    @staticmethod
    def irr(range_: str, value: float | None) -> str:
        # The engine's root is the starting guess: IRR's Newton iteration then lands on
        # the same root, and on the nearby one after an input changes.
        return "NA()" if value is None else f"IRR({range_},{value!r})"

    def year_header(self, sh: _Sheet, title: str) -> None:
        sh.text(1, 1, title, "title")
        set_text(sh.ws.cell(row=2, column=1), f"{self.meta.name}; money in {self.money}")
        sh.text(HEADER_ROWS, 1, "Year", "head")
        for i, y in enumerate(self.years):
            sh.value(FIRST + i, 1, y, "0", style="setting")

    def column(
        self,
        sh: _Sheet,
        col: int,
        group: str,
        label: str,
        unit: str,
        *,
        values: Sequence[float] | FloatArray | None = None,
        formulas: Sequence[str] | None = None,
        cached: Sequence[float] | FloatArray | None = None,
        fmt: str = EXCEL_FORMATS["money"],
        style: str = "input",
    ) -> int:
        """A yearly column: header rows (group, label, unit) and one cell per year."""
        if group:
            sh.text(2, col, group, "head")
        sh.text(3, col, label, "head")
        sh.text(4, col, unit, "head")
        for i in range(self.n):
            if formulas is not None:
                assert cached is not None
                sh.formula(FIRST + i, col, formulas[i], float(cached[i]), fmt)
            else:
                assert values is not None
                sh.value(FIRST + i, col, float(values[i]), fmt, style=style)
        sh.ws.cell(row=3, column=col).alignment = Alignment(wrap_text=True)
        return col

    # ------------------------------------------------------------------ Assumptions
    def build_assumptions(self) -> None:
        sh, case, meta = self.assumptions, self.case, self.meta
        e = case.economic
        sh.text(
            1, 1, "Assumptions: the live inputs and the register of every case parameter", "title"
        )
        for j, h in enumerate(("Parameter", "Value", "Unit", "Source or note"), start=1):
            sh.text(3, j, h, "head")
        row = 4

        def section(title: str) -> None:
            nonlocal row
            row += 1
            sh.text(row, 1, title, "head")
            row += 1

        def put(
            key: str,
            label: str,
            value: Any,
            unit: str,
            source: str,
            fmt: str | None = None,
            style: str = "input",
            name: str | None = None,
        ) -> str:
            nonlocal row
            sh.text(row, 1, label)
            coord = sh.value(row, 2, value, fmt, style=style)
            sh.text(row, 3, unit)
            sh.text(row, 4, source)
            ref = sh.ref(row, 2, absolute=True)
            if key:
                self.a[key] = ref
            if name:
                self.name(name, sh, coord)
            row += 1
            return ref

        def calc(
            key: str,
            label: str,
            formula: str,
            cached: Any,
            unit: str,
            note: str,
            fmt: str | None = None,
        ) -> str:
            nonlocal row
            sh.text(row, 1, label)
            sh.formula(row, 2, formula, cached, fmt)
            sh.text(row, 3, unit)
            sh.text(row, 4, note)
            ref = sh.ref(row, 2, absolute=True)
            self.a[key] = ref
            row += 1
            return ref

        fixed = "fixed when the workbook is written (re-run the case to change)"
        section("Case")
        put(
            "",
            "Schema version of the JSON summary",
            self.r.summary["schema_version"],
            "",
            "",
            "0",
            "setting",
            "schema_version",
        )
        put("", "Name", meta.name, "", meta.source, style="setting", name="case.name")
        put("", "Country", meta.country, "", "", style="setting", name="case.country")
        put("", "Currency", meta.currency, "", "", style="setting", name="case.currency")
        put("", "Money unit", meta.unit, "", "", style="setting", name="case.unit")
        put(
            "",
            "Price year",
            meta.price_year,
            "year",
            "constant prices of this year",
            "0",
            "setting",
            "case.price_year",
        )
        put(
            "first_year",
            "First year",
            meta.first_year,
            "year",
            fixed,
            "0",
            "setting",
            "case.first_year",
        )
        put("", "Years", meta.years, "years", fixed, "0", "setting", "case.years")
        put(
            "",
            "First year discounted (Excel NPV timing)",
            meta.first_year_discounted,
            "",
            "true: =NPV(r, all years); false: =first year + NPV(r, later years); " + fixed,
            None,
            "setting",
            "case.first_year_discounted",
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
            f"{scale}*{self.a['usd']}/1000000",
            meta.unit_scale * meta.usd_per_currency_unit / 1e6,
            "USD million",
            "for the jobs",
            "0.000000",
        )

        section("Economic analysis")
        put(
            "rate",
            "Economic discount rate",
            e.discount_rate,
            "decimal per year, real",
            e.sources.get("discount_rate", ""),
            EXCEL_FORMATS["rate"],
            name="economic.discount_rate",
        )
        put(
            "carbon_in",
            "Carbon value in the headline EIRR",
            e.carbon_in_eirr,
            "TRUE/FALSE",
            "",
            name="economic.carbon_in_eirr",
        )
        put(
            "poll_in",
            "Pollutant value in the EIRR",
            e.pollutants_in_eirr,
            "TRUE/FALSE",
            "",
            name="economic.pollutants_in_eirr",
        )
        put("", "Numeraire", e.numeraire, "", fixed, style="setting")
        put(
            "serf",
            "Shadow exchange rate factor (SERF)",
            e.serf,
            "ratio",
            e.sources.get("serf", ""),
            RATIO4,
        )
        put(
            "swrf",
            "Shadow wage rate factor (SWRF)",
            e.swrf,
            "ratio",
            e.sources.get("swrf", ""),
            RATIO4,
        )

        section("Carbon value")
        cp = self.r.summary["carbon_price"]
        put(
            "", "Path", cp["path"], "", cp["description"], style="setting", name="carbon_price.path"
        )
        put(
            "",
            "Path's price year",
            cp["path_price_year"],
            "year",
            "",
            "0",
            "setting",
            "carbon_price.path_price_year",
        )
        put(
            "deflator",
            "Deflator, case price year / path's price year",
            cp["deflator"],
            "ratio",
            e.sources.get("carbon_price", ""),
            RATIO4,
            name="carbon_price.deflator",
        )
        put(
            "",
            "Description",
            cp["description"],
            "",
            "",
            style="setting",
            name="carbon_price.description",
        )
        put("", "Source", cp["source"], "", "", style="setting", name="carbon_price.source")

        section("Conversion factors (economic / financial price), ADB 2017 ch. 4")
        parts = ("traded", "non_traded", "skilled_labour", "unskilled_labour", "taxes")
        if e.numeraire == "world":
            part_f = {
                "traded": ("1", 1.0),
                "non_traded": (f"1/{self.a['serf']}", 1 / e.serf),
                "skilled_labour": (f"1/{self.a['serf']}", 1 / e.serf),
                "unskilled_labour": (f"{self.a['swrf']}/{self.a['serf']}", e.swrf / e.serf),
                "taxes": ("0", 0.0),
            }
        else:
            part_f = {
                "traded": (self.a["serf"], e.serf),
                "non_traded": ("1", 1.0),
                "skilled_labour": ("1", 1.0),
                "unskilled_labour": (self.a["swrf"], e.swrf),
                "taxes": ("0", 0.0),
            }
        sh.text(row, 1, "Part of a cost", "head")
        sh.text(row, 2, "Factor", "head")
        sh.text(row, 4, f"{e.numeraire} price numeraire", "head")
        row += 1
        part_ref: dict[str, str] = {}
        for p in parts:
            f_, v_ = part_f[p]
            part_ref[p] = calc(f"part:{p}", p, f_, v_, "ratio", "from SERF and SWRF", RATIO4)
        cf_values: dict[str, float] = {}
        for c in self.comps:
            for k, v in c.cat_econ_cf.items():
                if v is not None:
                    cf_values.setdefault(k, v)
            if c.basis != "economic":
                cf_values.setdefault("operating", c.s.conversion_factors["operating"])
            for k, v in c.benefit_cf.items():
                if v is not None:
                    cf_values.setdefault(k, v)
        cats = list(cf_values)
        if cats:
            sh.text(row, 1, "Category", "head")
            sh.text(row, 2, "Conversion factor", "head")
            sh.text(row, 3, "Unit", "head")
            sh.text(row, 4, "How", "head")
            for j, p in enumerate(parts):
                sh.text(row, 5 + j, f"share {p}", "head")
            row += 1
        for k in cats:
            value = cf_values[k]
            if k in e.conversion_factors:
                self.cf_ref[k] = put(
                    f"cf:{k}",
                    k,
                    e.conversion_factors[k],
                    "ratio",
                    "economic.conversion_factors",
                    RATIO4,
                )
            elif k in e.cost_shares:
                shares = e.cost_shares[k]
                share_cells = []
                for j, p in enumerate(parts):
                    share_cells.append(sh.value(row, 5 + j, shares.get(p, 0.0), "0.00%"))
                terms = "+".join(
                    f"{sc}*{part_ref[p]}" for sc, p in zip(share_cells, parts, strict=True)
                )
                self.cf_ref[k] = calc(
                    f"cf:{k}",
                    k,
                    terms,
                    value,
                    "ratio",
                    "shares x part factors (" + e.sources.get("cost_shares", "case") + ")",
                    RATIO4,
                )
            elif k in part_ref:
                self.cf_ref[k] = calc(
                    f"cf:{k}", k, part_ref[k], value, "ratio", "a part itself", RATIO4
                )
            else:
                self.cf_ref[k] = put(
                    f"cf:{k}", k, value, "ratio", "default (no factor given)", RATIO4
                )

        section("Co-benefits")
        cb = case.cobenefits
        src = cb.sources
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
        put(
            "income",
            "Income ratio (project country / source)",
            cb.income_ratio,
            "ratio",
            "",
            RATIO4,
        )
        put(
            "elast",
            "Income elasticity of the damage cost",
            cb.income_elasticity,
            "ratio",
            "",
            "0.00",
        )
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
            v = damage_cost_transfer(
                cb.damage_costs.get(p, 0.0), cb.income_ratio, cb.income_elasticity
            )
            calc(
                f"val:{p}",
                f"Damage cost {p}, transferred",
                f"{self.a[f'dmg:{p}']}*{self.a['income']}^{self.a['elast']}",
                v,
                "USD per t",
                "V = V_source x (income ratio)^elasticity",
                EXCEL_FORMATS["per_tonne"],
            )

        section("Components")
        for c in self.comps:
            sh.text(row, 1, "Component id and name")
            self.name("id", sh, sh.value(row, 2, c.comp.id, style="setting"), c)
            self.name("name", sh, sh.value(row, 3, c.comp.name, style="setting"), c)
            sh.text(row, 4, c.comp.source)
            row += 1
        section("Parametric components: capital by category and O&M")
        for c in self.comps:
            if c.basis != "parametric":
                continue
            for cat in c.cats:
                put(
                    f"{c.comp.id}:cap:{cat}",
                    f"{c.comp.id}: capital, {cat}",
                    c.comp.capital[cat],
                    f"{self.money}, financial prices",
                    c.comp.source,
                    EXCEL_FORMATS["money"],
                )
            put(
                f"{c.comp.id}:om_share",
                f"{c.comp.id}: O&M, share of capital a year",
                c.comp.om_share,
                "share per year",
                c.comp.source,
                "0.00%",
            )
            put(
                f"{c.comp.id}:om_amount",
                f"{c.comp.id}: O&M, fixed amount a year",
                c.comp.om_amount,
                f"{self.money} per year",
                c.comp.source,
                EXCEL_FORMATS["money"],
            )
        self.register_row = row + 1

    def build_register(self) -> None:
        """Every parameter of the case with its unit and source; live ones point at their cell."""
        sh = self.assumptions
        row = self.register_row
        sh.text(row, 1, "Register of every case parameter (key path as in the case file)", "head")
        row += 1
        fields = field_by_key()
        live = self.live_keys()
        for path, value, source in _flatten(self.case.data):
            schema_key = re.sub(r"\[\d+\]", "[]", path)
            f = fields.get(schema_key) or fields.get(re.sub(r"\.[^.\[\]]+$", ".*", schema_key))
            unit = (f.unit if f else "").replace("money", self.money)
            sh.text(row, 1, path)
            if path in live:
                sh.formula(row, 2, live[path][0], live[path][1], live[path][2])
                sh.text(row, 4, f"live input: {live[path][0]}" + (f"; {source}" if source else ""))
            else:
                if isinstance(value, bool | int | float):
                    sh.value(row, 2, value, None, style="setting")
                else:
                    sh.value(row, 2, _as_text(value), None, style="setting")
                sh.text(row, 4, source)
            sh.text(row, 3, unit)
            row += 1

    def live_keys(self) -> dict[str, tuple[str, Any, str | None]]:
        e, cb = self.case.economic, self.case.cobenefits
        out: dict[str, tuple[str, Any, str | None]] = {
            "economic.discount_rate": (self.a["rate"], e.discount_rate, EXCEL_FORMATS["rate"]),
            "economic.carbon_in_eirr": (self.a["carbon_in"], e.carbon_in_eirr, None),
            "economic.pollutants_in_eirr": (self.a["poll_in"], e.pollutants_in_eirr, None),
            "economic.serf": (self.a["serf"], e.serf, RATIO4),
            "economic.swrf": (self.a["swrf"], e.swrf, RATIO4),
            "economic.carbon_price_deflator": (self.a["deflator"], e.carbon_price_deflator, RATIO4),
            "case.usd_per_currency_unit": (self.a["usd"], self.meta.usd_per_currency_unit, None),
            "cobenefits.jobs_construction_per_musd": (
                self.a["jobs_c"],
                cb.jobs_construction_per_musd,
                None,
            ),
            "cobenefits.jobs_operation_per_musd": (
                self.a["jobs_o"],
                cb.jobs_operation_per_musd,
                None,
            ),
            "cobenefits.jobs_local_share": (self.a["local"], cb.jobs_local_share, None),
            "cobenefits.indirect_multiplier": (self.a["ind"], cb.indirect_multiplier, None),
            "cobenefits.induced_multiplier": (self.a["indu"], cb.induced_multiplier, None),
            "cobenefits.income_ratio": (self.a["income"], cb.income_ratio, None),
            "cobenefits.income_elasticity": (self.a["elast"], cb.income_elasticity, None),
        }
        for p in POLLUTANTS:
            out[f"cobenefits.damage_costs.{p}"] = (
                self.a[f"dmg:{p}"],
                cb.damage_costs.get(p, 0.0),
                None,
            )
        for k, v in e.conversion_factors.items():
            if f"cf:{k}" in self.a:
                out[f"economic.conversion_factors.{k}"] = (self.a[f"cf:{k}"], v, None)
        for i, c in enumerate(self.case.components):
            if c.form != "parametric":
                continue
            for cat, v in c.capital.items():
                out[f"components[{i}].capital.{cat}"] = (self.a[f"{c.id}:cap:{cat}"], v, None)
            out[f"components[{i}].om_share"] = (self.a[f"{c.id}:om_share"], c.om_share, None)
            out[f"components[{i}].om_amount"] = (self.a[f"{c.id}:om_amount"], c.om_amount, None)
        out.update(self.financing_live)
        return out

    # ------------------------------------------------------------------ Inputs
    def build_inputs(self) -> None:
        sh = self.inputs
        self.year_header(sh, "Inputs: yearly streams (input cells)")
        col = 2
        path_price = (
            CARBON_PATHS[self.case.economic.carbon_price].price(self.years)
            if isinstance(self.case.economic.carbon_price, str)
            else self.r.carbon_price.to_numpy()
        )
        self.carbon_path_col = self.column(
            sh,
            col,
            "Carbon value",
            "Carbon value path",
            "USD per tCO2e, path's prices",
            values=path_price,
            fmt=EXCEL_FORMATS["per_tonne"],
        )
        col += 1
        for c in self.comps:
            derived = c.basis == "parametric"
            style = "derived" if derived else "input"
            origin = (
                "derived by the engine from the case parameters" if derived else "given by the case"
            )
            sh.text(2, col, f"{c.comp.name} ({origin})", "head")
            basis = {
                "parametric": "financial prices",
                "financial": "financial prices",
                "economic": "economic prices",
            }[c.basis]
            if c.build is not None and c.operating_years is not None:
                c.cols["build"] = self.column(
                    sh,
                    col,
                    "",
                    "Construction share",
                    "share of capital",
                    values=c.build,
                    fmt="0.00%",
                    style=style,
                )
                c.cols["opyear"] = self.column(
                    sh,
                    col + 1,
                    "",
                    "Operating year",
                    "1 = yes",
                    values=c.operating_years,
                    fmt="0",
                    style=style,
                )
                col += 2
            else:
                for cat in c.cats:
                    c.cols[f"cap:{cat}"] = self.column(
                        sh,
                        col,
                        "",
                        f"Capital, {cat}",
                        f"{self.money}, {basis}",
                        values=c.cat_fin[cat],
                        style=style,
                    )
                    col += 1
                raw_op = pad(c.comp.streams.get("operating"), self.n)
                c.cols["om"] = self.column(
                    sh, col, "", "O&M", f"{self.money}, {basis}", values=raw_op, style=style
                )
                col += 1
                if c.fin_capital_given is not None:
                    c.cols["fin_cap"] = self.column(
                        sh,
                        col,
                        "",
                        "Capital, financial",
                        self.money,
                        values=c.fin_capital_given,
                        style=style,
                    )
                    col += 1
                if c.fin_operating_given is not None:
                    c.cols["fin_om"] = self.column(
                        sh,
                        col,
                        "",
                        "O&M, financial",
                        self.money,
                        values=c.fin_operating_given,
                        style=style,
                    )
                    col += 1
            for b, values in c.benefit_raw.items():
                prices = "financial prices" if c.basis == "financial" else "economic prices"
                unit = f"{self.money}, {prices}"
                c.cols[f"b:{b}"] = self.column(
                    sh, col, "", f"Benefit: {b}", unit, values=values, style=style
                )
                col += 1
            if c.res.financial is not None:
                c.cols["revenue"] = self.column(
                    sh,
                    col,
                    "",
                    "Revenue",
                    f"{self.money}, financial",
                    values=c.s.revenue,
                    style=style,
                )
                col += 1
            c.cols["without"] = self.column(
                sh,
                col,
                "",
                "Emissions without project",
                "tCO2e",
                values=c.s.without_project,
                fmt=EXCEL_FORMATS["tonnes"],
                style=style,
            )
            c.cols["with"] = self.column(
                sh,
                col + 1,
                "",
                "Emissions with project",
                "tCO2e",
                values=c.s.with_project,
                fmt=EXCEL_FORMATS["tonnes"],
                style=style,
            )
            col += 2
            for p in POLLUTANTS:
                c.cols[f"p:{p}"] = self.column(
                    sh,
                    col,
                    "",
                    f"{p} avoided",
                    "t",
                    values=c.s.pollutants_avoided[p],
                    fmt="#,##0.00",
                    style=style,
                )
                col += 1
            col += 1
        sh.widths(8, 14, col)
        sh.finish("B6")

    # ------------------------------------------------------------------ Investment costs
    def build_investment(self) -> None:
        sh, inp = self.investment, self.inputs
        self.year_header(sh, "Investment costs: financial cost, conversion factor, economic cost")
        sh.text(3, 1, "CF", "head")
        col = 2
        for c in self.comps:
            sh.text(2, col, c.comp.name, "head")
            fin_cols, eco_cols = [], []
            for cat in c.cats:
                cf = c.cat_econ_cf[cat]
                fin_v = c.cat_fin[cat]
                if c.basis == "parametric":
                    amount = self.a[f"{c.comp.id}:cap:{cat}"]
                    fin_f = [
                        f"{amount}*{inp.ref(FIRST + i, c.cols['build'])}" for i in range(self.n)
                    ]
                else:
                    fin_f = [inp.ref(FIRST + i, c.cols[f"cap:{cat}"]) for i in range(self.n)]
                if c.basis == "economic":
                    label = f"{cat}, as given (economic)"
                else:
                    label = f"{cat}, financial"
                self.column(sh, col, "", label, self.money, formulas=fin_f, cached=fin_v)
                fin_cols.append(col)
                if cf is None:
                    eco_cols.append(col)
                    col += 1
                    continue
                sh.formula(HEADER_ROWS, col + 1, self.cf_ref[cat], cf, RATIO4)
                eco_f = [
                    f"{sh.ref(FIRST + i, col, here=sh)}*{get_column_letter(col + 1)}${HEADER_ROWS}"
                    for i in range(self.n)
                ]
                self.column(
                    sh,
                    col + 1,
                    "",
                    f"{cat}, economic (x CF in row {HEADER_ROWS})",
                    self.money,
                    formulas=eco_f,
                    cached=fin_v * cf,
                )
                eco_cols.append(col + 1)
                col += 2
            # financial capital total (for the financial analysis and the jobs)
            if c.basis == "economic" and c.fin_capital_given is not None:
                f_ = [inp.ref(FIRST + i, c.cols["fin_cap"]) for i in range(self.n)]
            else:
                f_ = [
                    "+".join(sh.ref(FIRST + i, fc, here=sh) for fc in fin_cols)
                    for i in range(self.n)
                ]
            c.inv["cap_fin"] = self.column(
                sh,
                col,
                "",
                "Capital, financial prices",
                self.money,
                formulas=f_,
                cached=c.s.capital_financial,
                style="calc",
            )
            col += 1
            f_ = [
                "+".join(sh.ref(FIRST + i, ec, here=sh) for ec in eco_cols) for i in range(self.n)
            ]
            c.inv["cap_eco"] = self.column(
                sh, col, "", "Capital, economic prices", self.money, formulas=f_, cached=c.s.capital
            )
            col += 1
            if c.basis == "parametric":
                amounts = "+".join(self.a[f"{c.comp.id}:cap:{cat}"] for cat in c.cats)
                share, fixed = self.a[f"{c.comp.id}:om_share"], self.a[f"{c.comp.id}:om_amount"]
                base = f"({share}*({amounts})+{fixed})"
                f_ = [f"{base}*{inp.ref(FIRST + i, c.cols['opyear'])}" for i in range(self.n)]
            elif c.basis == "economic" and c.fin_operating_given is not None:
                f_ = [inp.ref(FIRST + i, c.cols["fin_om"]) for i in range(self.n)]
            else:
                f_ = [inp.ref(FIRST + i, c.cols["om"]) for i in range(self.n)]
            label = "O&M, financial prices"
            c.inv["om_fin"] = self.column(
                sh, col, "", label, self.money, formulas=f_, cached=c.s.operating_financial
            )
            col += 1
            if c.basis == "economic":
                f_ = [inp.ref(FIRST + i, c.cols["om"]) for i in range(self.n)]
            else:
                sh.formula(
                    HEADER_ROWS,
                    col,
                    self.cf_ref["operating"],
                    c.s.conversion_factors["operating"],
                    RATIO4,
                )
                om_src = c.inv["om_fin"]
                f_ = [
                    f"{sh.ref(FIRST + i, om_src, here=sh)}*{get_column_letter(col)}${HEADER_ROWS}"
                    for i in range(self.n)
                ]
            c.inv["om_eco"] = self.column(
                sh, col, "", "O&M, economic prices", self.money, formulas=f_, cached=c.s.operating
            )
            col += 2
        # the program: every component (the jobs count all of them)
        sh.text(2, col, "Program (all components)", "head")
        prog: dict[str, int] = {}
        for key, label in (
            ("cap_fin", "Capital, financial prices"),
            ("cap_eco", "Capital, economic prices"),
            ("om_fin", "O&M, financial prices"),
            ("om_eco", "O&M, economic prices"),
        ):
            f_ = [
                "+".join(sh.ref(FIRST + i, c.inv[key], here=sh) for c in self.comps)
                for i in range(self.n)
            ]
            cached = np.sum([_col_values(c, key) for c in self.comps], axis=0)
            prog[key] = self.column(sh, col, "", label, self.money, formulas=f_, cached=cached)
            col += 1
        self.inv_program = prog
        sh.widths(8, 14, col)
        sh.finish("B6")

    # ------------------------------------------------------------------ GHG
    def build_ghg(self) -> None:
        sh, inp = self.ghg, self.inputs
        self.year_header(sh, "GHG emissions and abatement cost")
        col = 2
        f_ = [
            f"{inp.ref(FIRST + i, self.carbon_path_col)}*{self.a['deflator']}"
            for i in range(self.n)
        ]
        self.carbon_col = self.column(
            sh,
            col,
            "Carbon value",
            "Carbon value, case prices",
            "USD per tCO2e",
            formulas=f_,
            cached=self.r.carbon_price.to_numpy(),
            fmt=EXCEL_FORMATS["per_tonne"],
        )
        col += 2
        t = EXCEL_FORMATS["tonnes"]
        for c in self.comps:
            sh.text(2, col, c.comp.name, "head")
            c.ghg["without"] = self.column(
                sh,
                col,
                "",
                "Without project",
                "tCO2e",
                fmt=t,
                formulas=[inp.ref(FIRST + i, c.cols["without"]) for i in range(self.n)],
                cached=c.s.without_project,
            )
            c.ghg["with"] = self.column(
                sh,
                col + 1,
                "",
                "With project",
                "tCO2e",
                fmt=t,
                formulas=[inp.ref(FIRST + i, c.cols["with"]) for i in range(self.n)],
                cached=c.s.with_project,
            )
            c.ghg["reduction"] = self.column(
                sh,
                col + 2,
                "",
                "Reduction",
                "tCO2e",
                fmt=t,
                formulas=[
                    f"{get_column_letter(col)}{FIRST + i}-{get_column_letter(col + 1)}{FIRST + i}"
                    for i in range(self.n)
                ],
                cached=c.res.ghg["reduction"].to_numpy(),
            )
            col += 4
        sh.text(2, col, "Program", "head")
        self.prog_ghg: dict[str, int] = {}
        for j, key in enumerate(("without", "with")):
            self.prog_ghg[key] = self.column(
                sh,
                col + j,
                "",
                ("Without project", "With project")[j],
                "tCO2e",
                fmt=t,
                formulas=[
                    "+".join(sh.ref(FIRST + i, c.ghg[key], here=sh) for c in self.comps)
                    for i in range(self.n)
                ],
                cached=self.r.program.ghg[("without_project", "with_project")[j]].to_numpy(),
            )
        self.prog_ghg["reduction"] = self.column(
            sh,
            col + 2,
            "",
            "Reduction",
            "tCO2e",
            fmt=t,
            formulas=[
                f"{get_column_letter(col)}{FIRST + i}-{get_column_letter(col + 1)}{FIRST + i}"
                for i in range(self.n)
            ],
            cached=self.r.program.ghg["reduction"].to_numpy(),
        )
        self.ghg_end_col = col + 3
        sh.widths(8, 14, col + 3)

    def ghg_indicators(self) -> None:
        """Totals and abatement cost under each block (after the economic sheet exists)."""
        sh = self.ghg
        row = self.last + 2
        labels = [
            (
                "ghg.without_project_tco2e_total",
                "Without project, total",
                "tCO2e",
                EXCEL_FORMATS["tonnes"],
            ),
            (
                "ghg.with_project_tco2e_total",
                "With project, total",
                "tCO2e",
                EXCEL_FORMATS["tonnes"],
            ),
            ("ghg.reduction_tco2e_total", "Reduction, total", "tCO2e", EXCEL_FORMATS["tonnes"]),
            ("ghg.reduction_years", "Years with a reduction", "years", "0"),
            (
                "ghg.reduction_tco2e_annual_average",
                "Reduction, average a year",
                "tCO2e per year",
                EXCEL_FORMATS["tonnes"],
            ),
            ("abatement.pv_tco2e", "PV of tCO2e avoided", "tCO2e", EXCEL_FORMATS["tonnes"]),
            (
                "abatement.pv_net_cost",
                "PV of costs less non-carbon benefits",
                self.money,
                EXCEL_FORMATS["money"],
            ),
            (
                "abatement.cost_per_tco2e",
                "Levelized abatement cost",
                f"{self.meta.currency} per tCO2e",
                EXCEL_FORMATS["per_tonne"],
            ),
            (
                "abatement.cost_per_tco2e_usd",
                "Levelized abatement cost",
                "USD per tCO2e",
                EXCEL_FORMATS["per_tonne"],
            ),
        ]
        for j, (_, label, unit, _) in enumerate(labels):
            sh.text(row + j, 1, f"{label} [{unit}]")
        blocks: list[tuple[_Comp | None, dict[str, int], dict[str, Any], dict[str, str]]] = [
            (c, c.ghg, c.res.summary, c.cells) for c in self.comps
        ]
        blocks.append((None, self.prog_ghg, self.r.program.summary, self.prog_cells))
        for comp, cols, summ, cells in blocks:
            col = cols["without"]
            rng = {
                k: sh.col_range(cols[k], FIRST, self.last, here=sh)
                for k in ("without", "with", "reduction")
            }
            at = {key: sh.ref(row + j, col, here=sh) for j, (key, *_) in enumerate(labels)}
            formulas = {
                "ghg.without_project_tco2e_total": f"SUM({rng['without']})",
                "ghg.with_project_tco2e_total": f"SUM({rng['with']})",
                "ghg.reduction_tco2e_total": f"SUM({rng['reduction']})",
                "ghg.reduction_years": f'COUNTIF({rng["reduction"]},"<>0")',
                "ghg.reduction_tco2e_annual_average": (
                    f"IF({at['ghg.reduction_years']}=0,0,{at['ghg.reduction_tco2e_total']}/{at['ghg.reduction_years']})"
                ),
                "abatement.pv_tco2e": self.npv(self.a["rate"], sh, cols["reduction"], sh),
                "abatement.pv_net_cost": (
                    f"{cells['economic.pv_costs']}-{cells['economic.pv_benefits_without_carbon']}"
                ),
                "abatement.cost_per_tco2e": (
                    f"IF({at['abatement.pv_tco2e']}>0,{at['abatement.pv_net_cost']}*{self.a['scale']}"
                    f"/{at['abatement.pv_tco2e']},NA())"
                ),
                "abatement.cost_per_tco2e_usd": (
                    f"IF(ISNUMBER({at['abatement.cost_per_tco2e']}),{at['abatement.cost_per_tco2e']}*{self.a['usd']},NA())"
                ),
            }
            for j, (key, _, _, fmt) in enumerate(labels):
                block, k = key.split(".")
                coord = sh.formula(
                    row + j,
                    col,
                    formulas[key],
                    summ[block][k],
                    fmt,
                    "key" if k == "cost_per_tco2e" else "calc",
                )
                self.name(key, sh, coord, comp)
                cells[key] = sh.ref(row + j, col, absolute=True)
            reason = summ["abatement"].get("cost_per_tco2e_reason")
            if reason:
                sh.text(row + 7, col + 1, reason)
        self.mac_table(row + len(labels) + 2)
        sh.finish("B6")

    def mac_table(self, row: int) -> None:
        """Cost per tonne by component, sorted as at writing, and the MAC-curve chart."""
        sh = self.ghg
        sh.text(
            row, 1, "Marginal abatement cost curve (sorted by cost at the time of writing)", "head"
        )
        row += 1
        heads = (
            "Component",
            f"Cost [{self.meta.currency}/tCO2e]",
            "Average tCO2e a year",
            "From [tCO2e/yr]",
            "To [tCO2e/yr]",
        )
        for j, h in enumerate(heads):
            sh.text(row, 1 + j, h, "head")
        row += 1
        by_id = {c.comp.id: c for c in self.comps}
        first = row
        for i, rec in enumerate(self.r.mac.itertuples(index=False)):
            c = by_id[str(rec.id)]
            r_ = row + i
            sh.text(r_, 1, str(rec.name))
            sh.formula(
                r_,
                2,
                c.cells["abatement.cost_per_tco2e"],
                rec.cost_per_tco2e,
                EXCEL_FORMATS["per_tonne"],
            )
            sh.formula(
                r_,
                3,
                c.cells["ghg.reduction_tco2e_annual_average"],
                rec.annual_tco2e,
                EXCEL_FORMATS["tonnes"],
            )
            sh.formula(r_, 4, "0" if i == 0 else f"E{r_ - 1}", rec.x_start, EXCEL_FORMATS["tonnes"])
            sh.formula(r_, 5, f"D{r_}+C{r_}", rec.x_end, EXCEL_FORMATS["tonnes"])
        n = len(self.r.mac)
        if n == 0:
            sh.text(row, 1, "no component with a defined cost per tonne and a reduction")
            return
        # step points: (from, cost), (to, cost) per measure, for a stepped line
        pts_row = row + n + 2
        sh.text(pts_row - 1, 1, "Chart points", "head")
        for i in range(n):
            for k in range(2):
                r_ = pts_row + 2 * i + k
                src = first + i
                xs = f"D{src}" if k == 0 else f"E{src}"
                x = self.r.mac["x_start" if k == 0 else "x_end"].iloc[i]
                sh.formula(r_, 2, xs, x, EXCEL_FORMATS["tonnes"])
                cost = self.r.mac["cost_per_tco2e"].iloc[i]
                sh.formula(r_, 3, f"B{src}", cost, EXCEL_FORMATS["per_tonne"])
        chart = ScatterChart()
        chart.title = "Marginal abatement cost curve"
        chart.style = 13
        chart.x_axis.title = "tCO2e avoided a year"
        chart.y_axis.title = f"{self.meta.currency} per tCO2e"
        xref = Reference(sh.ws, min_col=2, min_row=pts_row, max_row=pts_row + 2 * n - 1)
        yref = Reference(sh.ws, min_col=3, min_row=pts_row, max_row=pts_row + 2 * n - 1)
        series = Series(yref, xref, title="cost per tonne")
        chart.series.append(series)
        chart.height, chart.width = 8, 16
        sh.ws.add_chart(chart, f"{get_column_letter(7)}{row}")
        line = LineChart()
        line.title = "Program emissions"
        line.y_axis.title = "tCO2e"
        for key, label in (("without", "without project"), ("with", "with project")):
            values = Reference(sh.ws, min_col=self.prog_ghg[key], min_row=FIRST, max_row=self.last)
            line.series.append(Series(values, title=label))
        line.set_categories(Reference(sh.ws, min_col=1, min_row=FIRST, max_row=self.last))
        line.height, line.width = 8, 16
        sh.ws.add_chart(line, f"{get_column_letter(16)}{row}")

    # ------------------------------------------------------------------ Economic
    def build_economic(self) -> None:
        sh, inp, inv, ghg = self.economic, self.inputs, self.investment, self.ghg
        self.year_header(sh, "Economic cash flows (economic prices)")
        to_money = f"/{self.a['usd']}/{self.a['scale']}"
        col = 2
        blocks: list[tuple[_Comp | None, dict[str, int]]] = []
        for c in self.comps:
            sh.text(2, col, c.comp.name, "head")
            e = c.res.economic
            cols = c.eco
            cols["capital"] = self.column(
                sh,
                col,
                "",
                "Capital",
                self.money,
                formulas=[inv.ref(FIRST + i, c.inv["cap_eco"]) for i in range(self.n)],
                cached=e["capital"].to_numpy(),
            )
            cols["operating"] = self.column(
                sh,
                col + 1,
                "",
                "O&M",
                self.money,
                formulas=[inv.ref(FIRST + i, c.inv["om_eco"]) for i in range(self.n)],
                cached=e["operating"].to_numpy(),
            )
            col += 2
            for b in c.res.benefit_names:
                cf = c.benefit_cf[b]
                src = c.cols[f"b:{b}"]
                f_ = [
                    inp.ref(FIRST + i, src) + (f"*{self.cf_ref[b]}" if cf is not None else "")
                    for i in range(self.n)
                ]
                cols[f"b:{b}"] = self.column(
                    sh,
                    col,
                    "",
                    f"Benefit: {b}",
                    self.money,
                    formulas=f_,
                    cached=e[f"benefit:{b}"].to_numpy(),
                )
                col += 1
            f_ = [
                f"{ghg.ref(FIRST + i, c.ghg['reduction'])}*{ghg.ref(FIRST + i, self.carbon_col)}"
                + to_money
                for i in range(self.n)
            ]
            cols["carbon"] = self.column(
                sh,
                col,
                "",
                "Carbon value",
                self.money,
                formulas=f_,
                cached=e["carbon_value"].to_numpy(),
            )
            f_ = [
                "("
                + "+".join(
                    f"{inp.ref(FIRST + i, c.cols[f'p:{p}'])}*{self.a[f'val:{p}']}"
                    for p in POLLUTANTS
                )
                + f"){to_money}"
                for i in range(self.n)
            ]
            cols["pollutant"] = self.column(
                sh,
                col + 1,
                "",
                "Pollutant damage avoided",
                self.money,
                formulas=f_,
                cached=e["pollutant_value"].to_numpy(),
            )
            col = self.totals(sh, c.res, cols, col + 2)
            blocks.append((c, cols))
        sh.text(2, col, "Program", "head")
        pe = self.r.program.economic
        pcols: dict[str, int] = {}
        items = [("capital", "Capital", "capital"), ("operating", "O&M", "operating")]
        items += [(f"b:{b}", f"Benefit: {b}", f"benefit:{b}") for b in self.r.program.benefit_names]
        items += [
            ("carbon", "Carbon value", "carbon_value"),
            ("pollutant", "Pollutant damage avoided", "pollutant_value"),
        ]
        for key, label, df_col in items:
            f_ = []
            for i in range(self.n):
                terms = [sh.ref(FIRST + i, c.eco[key], here=sh) for c in self.comps if key in c.eco]
                f_.append("+".join(terms) if terms else "0")
            pcols[key] = self.column(
                sh, col, "", label, self.money, formulas=f_, cached=pe[df_col].to_numpy()
            )
            col += 1
        col = self.totals(sh, self.r.program, pcols, col)
        self.prog_eco = pcols
        blocks.append((None, pcols))
        self.economic_indicators(blocks)
        sh.widths(8, 13, col)
        chart = LineChart()
        chart.title = "Program net economic benefit"
        chart.y_axis.title = self.money
        for key, label in (("net_wo", "without carbon"), ("net_with", "with carbon")):
            values = Reference(sh.ws, min_col=pcols[key], min_row=FIRST, max_row=self.last)
            chart.series.append(Series(values, title=label))
        chart.set_categories(Reference(sh.ws, min_col=1, min_row=FIRST, max_row=self.last))
        chart.height, chart.width = 8, 16
        sh.ws.add_chart(chart, f"B{self.last + 20}")
        sh.finish("B6")

    def totals(self, sh: _Sheet, res: ComponentResult, cols: dict[str, int], col: int) -> int:
        e = res.economic
        L = get_column_letter
        benefit_cols = [cols[k] for k in cols if k.startswith("b:")]
        poll = f"IF({self.a['poll_in']},{L(cols['pollutant'])}{{r}},0)"
        specs = [
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
            cols[key] = self.column(
                sh,
                col,
                "",
                label,
                self.money,
                formulas=[make(FIRST + i) for i in range(self.n)],
                cached=cached.to_numpy(),
            )
            col += 1
        return col + 1

    def economic_indicators(self, blocks: list[tuple[_Comp | None, dict[str, int]]]) -> None:
        sh = self.economic
        row = self.last + 2
        rate = self.a["rate"]
        labels = [
            ("economic.discount_rate", "Discount rate", EXCEL_FORMATS["rate"]),
            ("economic.pv_costs", "PV of costs", EXCEL_FORMATS["money"]),
            (
                "economic.pv_benefits_without_carbon",
                "PV of benefits without carbon",
                EXCEL_FORMATS["money"],
            ),
            ("pv_b1", "PV of benefits with carbon", EXCEL_FORMATS["money"]),
            ("economic.pv_carbon_value", "PV of the carbon value", EXCEL_FORMATS["money"]),
            (
                "economic.pv_pollutant_value",
                "PV of pollutant damage avoided",
                EXCEL_FORMATS["money"],
            ),
            ("economic.enpv_without_carbon", "ENPV without carbon", EXCEL_FORMATS["money"]),
            ("economic.eirr_without_carbon", "EIRR without carbon", EXCEL_FORMATS["rate"]),
            ("economic.bcr_without_carbon", "BCR without carbon", EXCEL_FORMATS["ratio"]),
            ("economic.enpv_with_carbon", "ENPV with carbon", EXCEL_FORMATS["money"]),
            ("economic.eirr_with_carbon", "EIRR with carbon", EXCEL_FORMATS["rate"]),
            ("economic.bcr_with_carbon", "BCR with carbon", EXCEL_FORMATS["ratio"]),
            ("economic.enpv", "ENPV (headline)", EXCEL_FORMATS["money"]),
            ("economic.eirr", "EIRR (headline)", EXCEL_FORMATS["rate"]),
            ("economic.bcr", "BCR (headline)", EXCEL_FORMATS["ratio"]),
        ]
        for j, (_, label, _) in enumerate(labels):
            unit = {"0.00%": "decimal", EXCEL_FORMATS["money"]: self.money, "0.00": "ratio"}[
                labels[j][2]
            ]
            sh.text(row + j, 1, f"{label} [{unit}]")
        for comp, cols in blocks:
            summ = (comp.res if comp else self.r.program).summary["economic"]
            cells = comp.cells if comp else self.prog_cells
            col = cols["capital"]
            at = {key: sh.ref(row + j, col, here=sh) for j, (key, *_) in enumerate(labels)}
            pv_b1 = summ["enpv_with_carbon"] + summ["pv_costs"]

            def rng(k: str, cols: dict[str, int] = cols) -> str:
                return sh.col_range(cols[k], FIRST, self.last, here=sh)

            f = {
                "economic.discount_rate": rate,
                "economic.pv_costs": self.npv(rate, sh, cols["costs"], sh),
                "economic.pv_benefits_without_carbon": self.npv(rate, sh, cols["b0"], sh),
                "pv_b1": self.npv(rate, sh, cols["b1"], sh),
                "economic.pv_carbon_value": self.npv(rate, sh, cols["carbon"], sh),
                "economic.pv_pollutant_value": self.npv(rate, sh, cols["pollutant"], sh),
                "economic.enpv_without_carbon": (
                    f"{at['economic.pv_benefits_without_carbon']}-{at['economic.pv_costs']}"
                ),
                "economic.eirr_without_carbon": self.irr(
                    rng("net_wo"), summ["eirr_without_carbon"]
                ),
                "economic.bcr_without_carbon": (
                    f"IF({at['economic.pv_costs']}>0,{at['economic.pv_benefits_without_carbon']}/{at['economic.pv_costs']},NA())"
                ),
                "economic.enpv_with_carbon": f"{at['pv_b1']}-{at['economic.pv_costs']}",
                "economic.eirr_with_carbon": self.irr(rng("net_with"), summ["eirr_with_carbon"]),
                "economic.bcr_with_carbon": (
                    f"IF({at['economic.pv_costs']}>0,{at['pv_b1']}/{at['economic.pv_costs']},NA())"
                ),
            }
            for k in ("enpv", "eirr", "bcr"):
                f[f"economic.{k}"] = (
                    f"IF({self.a['carbon_in']},{at[f'economic.{k}_with_carbon']},{at[f'economic.{k}_without_carbon']})"
                )
            for j, (key, _, fmt) in enumerate(labels):
                cached = pv_b1 if key == "pv_b1" else summ[key.split(".")[1]]
                headline = key in ("economic.enpv", "economic.eirr", "economic.bcr")
                coord = sh.formula(row + j, col, f[key], cached, fmt, "key" if headline else "calc")
                cells[key] = sh.ref(row + j, col, absolute=True)
                if key.startswith("economic.") and key != "economic.discount_rate":
                    self.name(key, sh, coord, comp)
                reason = summ.get(key.split(".")[-1] + "_reason") if "eirr" in key else None
                if reason:
                    sh.text(row + j, col + 1, reason)
            if comp is not None:
                for k, a in (
                    ("discount_rate", "rate"),
                    ("carbon_in_eirr", "carbon_in"),
                    ("pollutants_in_eirr", "poll_in"),
                ):
                    self.name(f"economic.{k}", self.assumptions, _coord(self.a[a]), comp)
        self.eco_ind_row = row

    # ------------------------------------------------------------------ Financial
    def build_financial(self) -> None:
        sh, inp, inv = self.financial, self.inputs, self.investment
        self.year_header(sh, "Financial analysis (financial prices)")
        col = 2
        earning = [c for c in self.comps if c.res.financial is not None]
        for c in earning:
            sh.text(2, col, c.comp.name, "head")
            fin = c.res.financial
            assert fin is not None
            c.fin["capital"] = self.column(
                sh,
                col,
                "",
                "Capital",
                self.money,
                formulas=[inv.ref(FIRST + i, c.inv["cap_fin"]) for i in range(self.n)],
                cached=fin["capital"].to_numpy(),
            )
            c.fin["operating"] = self.column(
                sh,
                col + 1,
                "",
                "O&M",
                self.money,
                formulas=[inv.ref(FIRST + i, c.inv["om_fin"]) for i in range(self.n)],
                cached=fin["operating"].to_numpy(),
            )
            c.fin["revenue"] = self.column(
                sh,
                col + 2,
                "",
                "Revenue",
                self.money,
                formulas=[inp.ref(FIRST + i, c.cols["revenue"]) for i in range(self.n)],
                cached=fin["revenue"].to_numpy(),
            )
            L = get_column_letter
            c.fin["net"] = self.column(
                sh,
                col + 3,
                "",
                "Net cash flow",
                self.money,
                formulas=[
                    f"{L(col + 2)}{FIRST + i}-{L(col)}{FIRST + i}-{L(col + 1)}{FIRST + i}"
                    for i in range(self.n)
                ],
                cached=fin["net"].to_numpy(),
            )
            col += 5
        self.prog_fin: dict[str, int] = {}
        pf = self.r.program.financial
        if earning and pf is not None:
            sh.text(2, col, "Program (revenue-earning components)", "head")
            for j, (key, label) in enumerate(
                (("capital", "Capital"), ("operating", "O&M"), ("revenue", "Revenue"))
            ):
                self.prog_fin[key] = self.column(
                    sh,
                    col + j,
                    "",
                    label,
                    self.money,
                    formulas=[
                        "+".join(sh.ref(FIRST + i, c.fin[key], here=sh) for c in earning)
                        for i in range(self.n)
                    ],
                    cached=pf[key].to_numpy(),
                )
            L = get_column_letter
            self.prog_fin["net"] = self.column(
                sh,
                col + 3,
                "",
                "Net cash flow",
                self.money,
                formulas=[
                    f"{L(col + 2)}{FIRST + i}-{L(col)}{FIRST + i}-{L(col + 1)}{FIRST + i}"
                    for i in range(self.n)
                ],
                cached=pf["net"].to_numpy(),
            )
            self.prog_fin["cash"] = self.column(
                sh,
                col + 4,
                "",
                "Cash available for debt service",
                self.money,
                formulas=[
                    f"{L(col + 2)}{FIRST + i}-{L(col + 1)}{FIRST + i}" for i in range(self.n)
                ],
                cached=(pf["revenue"] - pf["operating"]).to_numpy(),
            )
            col += 6
        sh.widths(8, 13, max(col, 12))
        row = self.last + 2
        row = self.wacc(row)
        row = self.financial_results(row + 1)
        self.loan(row + 1)
        sh.finish("B6")

    def wacc(self, row: int) -> int:
        sh = self.financial
        sh.text(row, 1, "Weighted average cost of capital (ADB table)", "head")
        row += 1
        heads = (
            "Source",
            f"Amount [{self.money}]",
            "Weight",
            "Nominal cost",
            "Tax rate",
            "Debt",
            "After-tax nominal cost",
            "Inflation",
            "Real cost",
            "Weighted real cost",
            "Source of the figure",
        )
        for j, h in enumerate(heads):
            sh.text(row, 1 + j, h, "head")
        row += 1
        self.financing_live: dict[str, tuple[str, Any, str | None]] = {}
        srcs = self.case.financing.sources
        t = self.r.wacc_table
        first = row
        last = row + len(srcs) - 1
        for i, s in enumerate(srcs):
            r_ = row + i
            sh.text(r_, 1, s.name)
            sh.value(r_, 2, s.amount, EXCEL_FORMATS["money"])
            sh.value(r_, 4, s.nominal_cost, "0.00%")
            sh.value(r_, 5, s.tax_rate, "0.00%")
            sh.value(r_, 6, s.is_debt)
            sh.value(r_, 8, s.inflation, "0.00%")
            assert t is not None
            sh.formula(r_, 3, f"B{r_}/SUM($B${first}:$B${last})", t["weight"].iloc[i], "0.00%")
            sh.formula(
                r_,
                7,
                f"IF(F{r_},D{r_}*(1-E{r_}),D{r_})",
                t["after_tax_nominal_cost"].iloc[i],
                "0.00%",
            )
            sh.formula(r_, 9, f"(1+G{r_})/(1+H{r_})-1", t["real_cost"].iloc[i], "0.00%")
            sh.formula(r_, 10, f"C{r_}*I{r_}", t["weighted_real_cost"].iloc[i], "0.00%")
            sh.text(r_, 11, s.source)
            for k, cc, fmt in (
                ("amount", 2, None),
                ("nominal_cost", 4, None),
                ("tax_rate", 5, None),
                ("inflation", 8, None),
                ("is_debt", 6, None),
            ):
                self.financing_live[f"financing.sources[{i}].{k}"] = (
                    sh.ref(r_, cc, absolute=True),
                    getattr(s, k),
                    fmt,
                )
        row = max(row + len(srcs), row)
        sh.text(row, 1, "WACC (real)", "head")
        wacc = self.r.summary["financial"]["wacc"]
        if srcs:
            coord = sh.formula(
                row, 10, f"SUMPRODUCT(C{first}:C{last},I{first}:I{last})", wacc, "0.00%", "key"
            )
        else:
            coord = sh.formula(row, 10, "NA()", None, "0.00%", "key")
            sh.text(row, 11, "no financing sources: the WACC is unknown")
        self.wacc_ref = sh.ref(row, 10, absolute=True)
        self.name("financial.wacc", sh, coord)
        for c in self.comps:
            self.name("financial.wacc", sh, coord, c)
        return row + 1

    def financial_results(self, row: int) -> int:
        sh = self.financial
        sh.text(row, 1, "Financial results", "head")
        heads = (
            "Part",
            "Revenue-earning",
            "WACC",
            f"FNPV [{self.money}]",
            "FIRR",
            "DSCR, lowest",
            "Note",
        )
        for j, h in enumerate(heads):
            sh.text(row + 1, 1 + j, h, "head")
        row += 2
        parts: list[tuple[_Comp | None, dict[str, Any], dict[str, int]]] = [
            (c, c.res.summary["financial"], c.fin) for c in self.comps
        ]
        parts.append((None, self.r.summary["financial"], self.prog_fin))
        for comp, summ, cols in parts:
            sh.text(row, 1, comp.comp.name if comp else "Program")
            coord = sh.value(row, 2, summ["revenue_earning"], None, style="setting")
            self.name("financial.revenue_earning", sh, coord, comp)
            sh.formula(row, 3, self.wacc_ref, summ["wacc"], "0.00%")
            notes = []
            if cols:
                f_npv = (
                    self.npv(self.wacc_ref, sh, cols["net"], sh)
                    if summ["wacc"] is not None or self.case.financing.sources
                    else "NA()"
                )
                f_irr = self.irr(sh.col_range(cols["net"], FIRST, self.last, here=sh), summ["firr"])
            else:
                f_npv = f_irr = "NA()"
            for key, cc, f_, fmt in (
                ("fnpv", 4, f_npv, EXCEL_FORMATS["money"]),
                ("firr", 5, f_irr, "0.00%"),
            ):
                coord = sh.formula(row, cc, f_, summ[key], fmt, "key" if comp is None else "calc")
                self.name(f"financial.{key}", sh, coord, comp)
                if summ.get(f"{key}_reason") and summ[f"{key}_reason"] not in notes:
                    notes.append(summ[f"{key}_reason"])
            if comp is None:
                self.dscr_cell = (row, 6)
                self.prog_cells["financial.fnpv"] = sh.ref(row, 4, absolute=True)
                self.prog_cells["financial.firr"] = sh.ref(row, 5, absolute=True)
            sh.text(row, 7, "; ".join(notes))
            row += 1
        return row

    def loan(self, row: int) -> None:
        sh = self.financial
        loan = self.case.financing.loan
        dscr_min = self.r.summary["financial"]["dscr_min"]
        r0, c0 = self.dscr_cell
        if loan is None:
            coord = sh.formula(r0, c0, "NA()", None, EXCEL_FORMATS["ratio"], "key")
            self.name("financial.dscr_min", sh, coord)
            return
        sched = self.r.loan_schedule
        assert sched is not None
        sh.text(row, 1, "Loan", "head")
        row += 1
        terms = [
            ("amount", "Amount", loan.amount, self.money, EXCEL_FORMATS["money"]),
            ("interest_rate", "Interest rate", loan.interest_rate, "decimal per year", "0.00%"),
            ("tenor_years", "Tenor", loan.tenor_years, "years", "0"),
            ("grace_years", "Grace period", loan.grace_years, "years", "0"),
            ("commitment_fee", "Commitment fee", loan.commitment_fee, "decimal per year", "0.00%"),
            (
                "capitalize_interest",
                "Interest during grace capitalised",
                loan.capitalize_interest,
                "",
                None,
            ),
        ]
        ref: dict[str, str] = {}
        for term, label, v, unit, fmt in terms:
            sh.text(row, 1, f"{label} [{unit}]" if unit else label)
            sh.value(row, 2, v, fmt)
            ref[term] = sh.ref(row, 2, here=sh, absolute=True)
            self.financing_live[f"financing.loan.{term}"] = (sh.ref(row, 2, absolute=True), v, fmt)
            row += 1
        sh.text(row, 1, "Repayment")
        sh.value(row, 2, loan.repayment, None, style="setting")
        sh.text(row, 3, loan.source)
        row += 1
        tenor = loan.tenor_years
        shares = np.zeros(tenor)
        shares[: len(loan.disbursement)] = loan.disbursement
        n_disb = int(np.flatnonzero(shares)[-1]) + 1
        start = max(loan.grace_years, n_disb)
        heads = (
            "Loan year",
            "Year",
            "Disbursement share",
            "Disbursed",
            "Balance before repayment",
            "Commitment fee",
            "Opening balance",
            "Interest",
            "Interest capitalised",
            "Principal repaid",
            "Debt service",
            "Closing balance",
            "Cash available",
            "DSCR",
        )
        hdr = row + 2
        first = hdr + 1
        last = first + tenor - 1
        sh.text(row, 1, "Repayment starts in loan year")
        sh.formula(
            row,
            2,
            f"MAX({ref['grace_years']},SUMPRODUCT(MAX((C{first}:C{last}>0)*(A{first}:A{last}+1))))",
            start,
            "0",
        )
        start_ref = f"$B${row}"
        sh.text(row + 1, 1, "Balance to repay")
        b_ref = f"$B${row + 1}"
        pre_balance = float(sched["opening_balance"].iloc[start]) if start < tenor else 0.0
        sh.formula(
            row + 1,
            2,
            f"SUM(D{first}:D{last})+SUM(I{first}:I{last})",
            pre_balance,
            EXCEL_FORMATS["money"],
        )
        for j, h in enumerate(heads):
            sh.text(hdr, 1 + j, h, "head")
        # helper "balance before repayment": disbursed and capitalised so far (no repayment)
        pre = np.concatenate(
            [[0.0], np.cumsum(sched["disbursed"] + sched["interest_capitalized"])[:-1]]
        )
        cash_col = self.prog_fin.get("cash")
        dscr_vals = sched["dscr"].to_numpy() if "dscr" in sched else None
        fy = self.meta.first_year
        for k in range(tenor):
            rr = first + k
            srow = sched.iloc[k]
            sh.value(rr, 1, k, "0", style="setting")
            sh.formula(rr, 2, f"{self.a['first_year']}+A{rr}", fy + k, "0")
            sh.value(rr, 3, float(shares[k]), "0.00%")
            sh.formula(rr, 4, f"{ref['amount']}*C{rr}", srow["disbursed"], EXCEL_FORMATS["money"])
            sh.formula(
                rr,
                5,
                "0" if k == 0 else f"SUM(D${first}:D{rr - 1})+SUM(I${first}:I{rr - 1})",
                pre[k],
                EXCEL_FORMATS["money"],
            )
            sh.formula(
                rr,
                6,
                f"IF(A{rr}<{start_ref},{ref['commitment_fee']}*({ref['amount']}-"
                + ("0" if k == 0 else f"SUM(D${first}:D{rr - 1})")
                + "),0)",
                srow["commitment_fee"],
                EXCEL_FORMATS["money"],
            )
            sh.formula(
                rr,
                7,
                f"IF(A{rr}<{start_ref},E{rr},{b_ref}-"
                + ("0" if k == 0 else f"SUM(J${first}:J{rr - 1})")
                + ")",
                srow["opening_balance"],
                EXCEL_FORMATS["money"],
            )
            sh.formula(
                rr, 8, f"{ref['interest_rate']}*G{rr}", srow["interest"], EXCEL_FORMATS["money"]
            )
            sh.formula(
                rr,
                9,
                f"IF(AND({ref['capitalize_interest']},A{rr}<{start_ref}),{ref['interest_rate']}*E{rr},0)",
                srow["interest_capitalized"],
                EXCEL_FORMATS["money"],
            )
            n_rep = f"({ref['tenor_years']}-{start_ref})"
            instal = (
                f"PPMT({ref['interest_rate']},A{rr}-{start_ref}+1,{n_rep},-{b_ref})"
                if loan.repayment == "annuity"
                else f"{b_ref}/{n_rep}"
            )
            repaid = "0" if k == 0 else f"SUM(J${first}:J{rr - 1})"
            sh.formula(
                rr,
                10,
                f"IF(A{rr}<{start_ref},0,IF(A{rr}={ref['tenor_years']}-1,{b_ref}-{repaid},{instal}))",
                srow["principal_repaid"],
                EXCEL_FORMATS["money"],
            )
            sh.formula(
                rr, 11, f"H{rr}-I{rr}+J{rr}+F{rr}", srow["debt_service"], EXCEL_FORMATS["money"]
            )
            sh.formula(
                rr, 12, f"G{rr}+D{rr}+I{rr}-J{rr}", srow["closing_balance"], EXCEL_FORMATS["money"]
            )
            if cash_col is not None and dscr_vals is not None:
                if k < self.n:
                    sh.formula(
                        rr,
                        13,
                        sh.ref(FIRST + k, cash_col, here=sh),
                        srow["cash_available"],
                        EXCEL_FORMATS["money"],
                    )
                    dv = float(dscr_vals[k])
                    sh.formula(
                        rr,
                        14,
                        f'IF(K{rr}<>0,M{rr}/K{rr},"")',
                        "" if not math.isfinite(dv) else dv,
                        EXCEL_FORMATS["ratio"],
                    )
                else:
                    sh.text(rr, 13, "beyond the case years")
        if cash_col is not None and dscr_vals is not None:
            # lowest DSCR over the repayment period (loan years from start_ref on),
            # as the engine computes it
            rng = f"N{first}:N{last}"
            yrs = f"A{first}:A{last}"
            crit = f'">="&{start_ref}'
            coord = sh.formula(
                r0,
                c0,
                f'IF(COUNTIFS({yrs},{crit},{rng},">-1E300")=0,NA(),_xlfn.MINIFS({rng},{yrs},{crit}))',
                dscr_min,
                EXCEL_FORMATS["ratio"],
                "key",
            )
        else:
            coord = sh.formula(r0, c0, "NA()", None, EXCEL_FORMATS["ratio"], "key")
        self.name("financial.dscr_min", sh, coord)
        self.prog_cells["financial.dscr_min"] = sh.ref(r0, c0, absolute=True)

    # ------------------------------------------------------------------ Co-benefits
    def build_cobenefits(self) -> None:
        sh, inv, inp = self.cobenefits, self.investment, self.inputs
        sh.text(
            1,
            1,
            "Co-benefits: jobs and local air pollutants "
            "(gross, kept out of the EIRR unless opted in)",
            "title",
        )
        heads = [
            ("", "Part", ""),
            ("cap", "Capital, financial", self.money),
            ("om", "O&M a year, average of operating years", self.money),
            ("cobenefits.jobs_construction_direct", "Construction, direct", "job-years"),
            ("cobenefits.jobs_construction_indirect", "Construction, indirect", "job-years"),
            ("cobenefits.jobs_construction_induced", "Construction, induced", "job-years"),
            ("cobenefits.jobs_construction_job_years", "Construction, total", "job-years"),
            ("cobenefits.jobs_operation_direct", "Operation, direct", "jobs"),
            ("cobenefits.jobs_operation", "Operation, total", "jobs"),
            *((f"cobenefits.pollutants_avoided_t.{p}", f"{p} avoided", "t") for p in POLLUTANTS),
            ("cobenefits.pollutant_value_pv", "PV of pollutant damage avoided", self.money),
        ]
        for j, (_, h, u) in enumerate(heads):
            sh.text(3, 1 + j, h, "head")
            sh.text(4, 1 + j, u, "head")
            sh.ws.cell(row=3, column=1 + j).alignment = Alignment(wrap_text=True)
        row = HEADER_ROWS + 1
        parts: list[tuple[_Comp | None, dict[str, Any]]] = [
            (c, c.res.summary["cobenefits"]) for c in self.comps
        ]
        parts.append((None, self.r.summary["cobenefits"]))
        a = self.a
        for comp, summ in parts:
            sh.text(row, 1, comp.comp.name if comp else "Program")
            cap_col = comp.inv["cap_fin"] if comp else self.inv_program["cap_fin"]
            om_col = comp.inv["om_fin"] if comp else self.inv_program["om_fin"]
            cap_rng = inv.col_range(cap_col, FIRST, self.last)
            om_rng = inv.col_range(om_col, FIRST, self.last)
            fin_cap = (
                float(comp.s.capital_financial.sum())
                if comp
                else float(sum(c.s.capital_financial.sum() for c in self.comps))
            )
            om_vals = (
                comp.s.operating_financial
                if comp
                else np.sum([c.s.operating_financial for c in self.comps], axis=0)
            )
            pos = om_vals[om_vals > 0]
            mult = f"(1+{a['ind']}+{a['indu']})"
            f = {
                "cap": (f"SUM({cap_rng})", fin_cap),
                "om": (
                    f'IF(COUNTIF({om_rng},">0")=0,0,AVERAGEIF({om_rng},">0"))',
                    float(pos.mean()) if pos.size else 0.0,
                ),
                "cobenefits.jobs_construction_direct": (
                    f"B{row}*{a['usd_m']}*{a['jobs_c']}*{a['local']}",
                    None,
                ),
                "cobenefits.jobs_construction_indirect": (f"D{row}*{a['ind']}", None),
                "cobenefits.jobs_construction_induced": (f"D{row}*{a['indu']}", None),
                "cobenefits.jobs_construction_job_years": (f"D{row}+E{row}+F{row}", None),
                "cobenefits.jobs_operation_direct": (
                    f"C{row}*{a['usd_m']}*{a['jobs_o']}*{a['local']}",
                    None,
                ),
                "cobenefits.jobs_operation": (f"H{row}*{mult}", None),
                "cobenefits.pollutant_value_pv": (
                    (comp.cells if comp else self.prog_cells)["economic.pv_pollutant_value"],
                    None,
                ),
            }
            for p in POLLUTANTS:
                if comp:
                    f[f"cobenefits.pollutants_avoided_t.{p}"] = (
                        f"SUM({inp.col_range(comp.cols[f'p:{p}'], FIRST, self.last)})",
                        None,
                    )
                else:
                    j = 1 + [h[0] for h in heads].index(f"cobenefits.pollutants_avoided_t.{p}")
                    L = get_column_letter(j)
                    f[f"cobenefits.pollutants_avoided_t.{p}"] = (
                        f"SUM({L}{HEADER_ROWS + 1}:{L}{row - 1})",
                        None,
                    )
            for j, (key, _, unit) in enumerate(heads[1:], start=2):
                formula, cached = f[key]
                if cached is None:
                    parts_ = key.split(".")
                    cached = summ[parts_[1]] if len(parts_) == 2 else summ[parts_[1]][parts_[2]]
                fmt = (
                    EXCEL_FORMATS["money"]
                    if unit == self.money
                    else ("#,##0.00" if unit == "t" else EXCEL_FORMATS["count"])
                )
                coord = sh.formula(row, j, formula, cached, fmt)
                if key.startswith("cobenefits."):
                    self.name(key, sh, coord, comp)
            row += 1
        sh.widths(46, 14, len(heads))
        sh.finish("B6")

    # ------------------------------------------------------------------ Summary and checks
    def build_summary(self) -> None:
        sh = self.summary_sheet
        s = self.r.summary
        sh.text(1, 1, f"Appraisal summary: {self.meta.name}", "title")
        set_text(
            sh.ws.cell(row=2, column=1),
            f"Money in {self.money}; rates are real; values are live formulas",
        )
        for j, h in enumerate(("Indicator", "Value", "Hurdle", "Result", "Unit")):
            sh.text(4, 1 + j, h, "head")
        rows = [
            (
                "EIRR, with carbon",
                "economic_eirr_with_carbon",
                "economic_discount_rate",
                "0.00%",
                "decimal",
            ),
            (
                "EIRR, without carbon",
                "economic_eirr_without_carbon",
                "economic_discount_rate",
                "0.00%",
                "decimal",
            ),
            ("EIRR, headline", "economic_eirr", "economic_discount_rate", "0.00%", "decimal"),
            (
                "ENPV, with carbon",
                "economic_enpv_with_carbon",
                "0",
                EXCEL_FORMATS["money"],
                self.money,
            ),
            (
                "ENPV, without carbon",
                "economic_enpv_without_carbon",
                "0",
                EXCEL_FORMATS["money"],
                self.money,
            ),
            ("BCR, with carbon", "economic_bcr_with_carbon", "1", EXCEL_FORMATS["ratio"], "ratio"),
            (
                "BCR, without carbon",
                "economic_bcr_without_carbon",
                "1",
                EXCEL_FORMATS["ratio"],
                "ratio",
            ),
            ("FIRR", "financial_firr", "financial_wacc", "0.00%", "decimal"),
            ("FNPV at the WACC", "financial_fnpv", "0", EXCEL_FORMATS["money"], self.money),
            ("DSCR, lowest", "financial_dscr_min", "1", EXCEL_FORMATS["ratio"], "ratio"),
            (
                "GHG reduction, total",
                "ghg_reduction_tco2e_total",
                "",
                EXCEL_FORMATS["tonnes"],
                "tCO2e",
            ),
            (
                "Levelized abatement cost",
                "abatement_cost_per_tco2e",
                "",
                EXCEL_FORMATS["per_tonne"],
                f"{self.meta.currency} per tCO2e",
            ),
            (
                "Construction jobs",
                "cobenefits_jobs_construction_job_years",
                "",
                EXCEL_FORMATS["count"],
                "job-years",
            ),
            ("Operation jobs", "cobenefits_jobs_operation", "", EXCEL_FORMATS["count"], "jobs"),
        ]
        flat = _flat_summary(s)
        for i, (label, nm, hurdle, fmt, unit) in enumerate(rows):
            r = 5 + i
            sh.text(r, 1, label)
            value = flat[nm]
            sh.formula(r, 2, nm, value, fmt, "key")
            if hurdle:
                hv = flat.get(hurdle, float(hurdle) if hurdle[0].isdigit() else None)
                sh.formula(r, 3, hurdle, hv, fmt)
                meets = (
                    "n/a" if value is None or hv is None else ("meets" if value >= hv else "below")
                )
                sh.formula(
                    r,
                    4,
                    f'IF(AND(ISNUMBER(B{r}),ISNUMBER(C{r})),IF(B{r}>=C{r},"meets","below"),"n/a")',
                    meets,
                )
            sh.text(r, 5, unit)
        r = 5 + len(rows) + 1
        sh.text(r, 1, "ENPV by component", "head")
        sh.text(r, 2, "without carbon", "head")
        sh.text(r, 3, "with carbon", "head")
        for i, c in enumerate(self.comps):
            sh.text(r + 1 + i, 1, c.comp.name)
            sh.formula(
                r + 1 + i,
                2,
                c.cells["economic.enpv_without_carbon"],
                c.res.summary["economic"]["enpv_without_carbon"],
                EXCEL_FORMATS["money"],
            )
            sh.formula(
                r + 1 + i,
                3,
                c.cells["economic.enpv_with_carbon"],
                c.res.summary["economic"]["enpv_with_carbon"],
                EXCEL_FORMATS["money"],
            )
        chart = BarChart()
        chart.type = "bar"
        chart.title = "ENPV by component, without and with carbon"
        chart.x_axis.title = ""
        chart.y_axis.title = self.money
        data = Reference(sh.ws, min_col=2, max_col=3, min_row=r, max_row=r + len(self.comps))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(
            Reference(sh.ws, min_col=1, min_row=r + 1, max_row=r + len(self.comps))
        )
        chart.height, chart.width = 9, 18
        sh.ws.add_chart(chart, "G4")
        sh.widths(44, 16, 5)
        sh.ws.column_dimensions["E"].width = 30
        sh.finish("A5", landscape=True)

    def build_checks(self) -> None:
        sh = self.checks
        sh.text(1, 1, "Checks", "title")
        for j, h in enumerate(("Code", "Severity", "Message")):
            sh.text(3, 1 + j, h, "head")
        row = 4
        for chk in self.r.checks:
            sh.text(row, 1, chk.code)
            sh.text(row, 2, chk.severity)
            sh.text(row, 3, chk.message)
            row += 1
        if not self.r.checks:
            sh.text(row, 1, "none")
            row += 1
        row += 1
        sh.text(row, 1, "Live checks (recalculated)", "head")
        row += 1
        e = self.r.summary["economic"]
        rate = e["discount_rate"]
        sh.text(row, 1, "real-nominal-mixed")
        sh.formula(
            row, 2, f'IF({self.a["rate"]}>0.15,"warning","ok")', "warning" if rate > 0.15 else "ok"
        )
        sh.text(row, 3, "a real economic discount rate above 15% may be nominal")
        row += 1
        if e["eirr"] is not None:
            npv_at = float(
                np.sum(
                    self.r.program.economic[
                        "net_with_carbon" if e["carbon_in_eirr"] else "net_without_carbon"
                    ].to_numpy()
                    / (1 + e["eirr"]) ** np.arange(1, self.n + 1)
                )
            )
            sh.text(row, 1, "npv-at-eirr")
            key = "net_with" if e["carbon_in_eirr"] else "net_wo"
            rng = self.economic.col_range(self.prog_eco[key], FIRST, self.last)
            sh.formula(row, 2, f"NPV({self.prog_cells['economic.eirr']},{rng})", npv_at, "0.000000")
            sh.text(
                row, 3, "NPV of the program's net benefit at its EIRR: 0 when the EIRR is a root"
            )
        sh.ws.column_dimensions["A"].width = 24
        sh.ws.column_dimensions["B"].width = 12
        sh.ws.column_dimensions["C"].width = 120
        sh.finish("A4")

    def build(self) -> Workbook:
        self.prog_cells: dict[str, str] = {}
        self.build_assumptions()
        self.build_inputs()
        self.build_investment()
        self.build_ghg()
        self.build_economic()
        self.ghg_indicators()
        self.build_financial()
        self.build_cobenefits()
        self.build_summary()
        self.build_checks()
        self.build_register()
        self.assumptions.ws.column_dimensions["A"].width = 48
        self.assumptions.ws.column_dimensions["B"].width = 16
        self.assumptions.ws.column_dimensions["C"].width = 28
        self.assumptions.ws.column_dimensions["D"].width = 60
        self.assumptions.finish("A4", landscape=False)
        # names of the top-level case and carbon_price blocks are defined on Assumptions
        return self.wb


def _coord(ref: str) -> str:
    return ref.rsplit("!", 1)[-1].replace("$", "")


def _col_values(c: _Comp, key: str) -> FloatArray:
    s = c.s
    return {
        "cap_fin": s.capital_financial,
        "cap_eco": s.capital,
        "om_fin": s.operating_financial,
        "om_eco": s.operating,
    }[key]


def _as_text(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_as_text(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_as_text(v) for v in value)
    return str(value)


def _flatten(data: Any, prefix: str = "") -> Iterable[tuple[str, Any, str]]:
    """(key path, value, source) of every parameter; streams and paths stay whole."""
    if isinstance(data, dict):
        source = data.get("source", "") if isinstance(data.get("source", ""), str) else ""
        sources = data.get("sources", {}) if isinstance(data.get("sources"), dict) else {}
        for k, v in data.items():
            path = f"{prefix}.{k}" if prefix else str(k)
            if k in ("source", "sources", "description"):
                continue
            is_path = isinstance(v, dict) and v and all(str(x).isdigit() for x in v)
            if isinstance(v, dict) and not is_path:
                for sub in _flatten(v, path):
                    yield sub if sub[2] else (sub[0], sub[1], sources.get(k, "") or source)
            elif isinstance(v, list) and v and isinstance(v[0], dict):
                for i, item in enumerate(v):
                    yield from _flatten(item, f"{path}[{i}]")
            else:
                yield path, v, sources.get(k, "") or source
    return


def _flat_summary(s: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for block in ("economic", "financial", "ghg", "abatement", "cobenefits"):
        for k, v in s[block].items():
            if not isinstance(v, dict | list):
                out[f"{block}_{k}"] = v
    return out


# --------------------------------------------------------------------- cached values
def _v_xml(value: Any) -> tuple[str, str]:
    """(t attribute, <v> text) of a cached value."""
    if value is NA:
        return ' t="e"', "#N/A"
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, str):
        return ' t="str"', escape(value, quote=False)
    v = float(value)
    return "", repr(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def add_cached_values(data: bytes, cached: dict[tuple[str, str], Any]) -> bytes:
    """Write each formula cell's cached value into the saved .xlsx (``<v>`` element).

    Parameters
    ----------
    data
        An .xlsx saved by openpyxl (formulas carry an empty ``<v/>``).
    cached
        (sheet title, coordinate) -> value: a number, bool, text or :data:`NA`.

    Raises
    ------
    ValueError
        If a formula cell has no registered value: every value must be visible
        without recalculation.
    """
    src = zipfile.ZipFile(io.BytesIO(data))
    wb_xml = src.read("xl/workbook.xml").decode("utf-8")
    rels = src.read("xl/_rels/workbook.xml.rels").decode("utf-8")
    targets = dict(re.findall(r'<Relationship[^>]*Id="(rId\d+)"[^>]*Target="([^"]+)"', rels))
    targets |= {
        k: v for v, k in re.findall(r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="(rId\d+)"', rels)
    }
    sheet_file: dict[str, str] = {}
    for name, rid in re.findall(r'<sheet name="([^"]*)" sheetId="\d+"[^>]*r:id="(rId\d+)"', wb_xml):
        title = (
            name.replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", '"')
            .replace("&apos;", "'")
        )
        target = targets[rid].lstrip("/")
        sheet_file[target if target.startswith("xl/") else "xl/" + target] = title
    cell_re = re.compile(r'<c r="([A-Z]+\d+)"((?: [st]="[^"]*")*)><f>(.*?)</f><v\s*/></c>', re.S)
    out = io.BytesIO()
    missing: list[str] = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            title = sheet_file.get(info.filename)
            if title is not None:

                def sub(m: re.Match[str], title: str = title) -> str:
                    key = (title, m.group(1))
                    if key not in cached:
                        missing.append(f"{title}!{m.group(1)}")
                        return m.group(0)
                    attrs = re.sub(r' t="[^"]*"', "", m.group(2))
                    t, v = _v_xml(cached[key])
                    return f'<c r="{m.group(1)}"{attrs}{t}><f>{m.group(3)}</f><v>{v}</v></c>'

                body = cell_re.sub(sub, body.decode("utf-8")).encode("utf-8")
            dst.writestr(info, body)
    if missing:
        raise ValueError(f"formula cells without a cached value: {', '.join(missing[:10])}")
    return normalize_xlsx_bytes(out.getvalue())


# --------------------------------------------------------------------- entry point
def render_workbook(result: AppraisalResult) -> bytes:
    """The appraisal workbook of a result, as deterministic .xlsx bytes.

    Parameters
    ----------
    result
        What :func:`appraisal.appraise` returned.

    Returns
    -------
    bytes
        The .xlsx file: live formulas with cached values, a defined name per
        JSON key (``docs/workbook.md``); same result, same bytes.
    """
    builder = _Builder(result)
    wb = builder.build()
    if result.sensitivity is not None or result.risk is not None:
        try:
            module = importlib.import_module("appraisal.io.workbook_uncertainty")
        except ModuleNotFoundError as exc:
            if exc.name != "appraisal.io.workbook_uncertainty":
                raise
        else:
            module.add_sheets(wb, result, builder.names)
    return add_cached_values(workbook_bytes(wb), builder.names.cached)
