"""The workbook being written: its sheets, and the references each step leaves for the next.

The sheets are written in an order that the formulas impose: a formula can only
point at a cell that an earlier step placed. :class:`WorkbookContext` holds what
every step shares, and documents which step fills which reference (see its
docstring and :func:`appraisal.io.workbook.render_workbook`). Per component,
:class:`Comp` holds the component's result, its engine streams and the columns
each sheet gave it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
from openpyxl import Workbook

from appraisal.case import Case, Component, Meta
from appraisal.formatting import EXCEL_FORMATS
from appraisal.io.xlsx_common import SheetWriter, WorkbookNames
from appraisal.result import AppraisalResult, ComponentResult
from appraisal.streams import ComponentStreams

__all__ = ["FIRST", "HEADER_ROWS", "Comp", "WorkbookContext", "name_for"]

FloatArray = npt.NDArray[np.float64]

HEADER_ROWS = 5  # rows above the first year on the yearly sheets
FIRST = HEADER_ROWS + 1  # row of the first year on every yearly sheet

# the sheets, in workbook order
SHEETS = (
    "Summary",
    "Assumptions",
    "Inputs",
    "Investment costs",
    "Economic cash flows",
    "Financial",
    "GHG and abatement",
    "Co-benefits",
    "Checks",
)


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


def _given(values: Sequence[float] | None, years: int) -> FloatArray:
    """A stream as the case gives it, on the year grid (0 after a shorter list)."""
    given = np.asarray(values or [], dtype=np.float64)[:years]
    return np.pad(given, (0, years - given.size))


@dataclass
class Comp:
    """What the workbook needs of one component: its result, streams and columns.

    ``cols``, ``inv``, ``eco``, ``ghg`` and ``fin`` map an item to its column on the
    Inputs, Investment costs, Economic cash flows, GHG and Financial sheets;
    ``cells`` maps an indicator's key path to its absolute reference.
    """

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
    cols: dict[str, int] = field(default_factory=dict)
    inv: dict[str, int] = field(default_factory=dict)
    eco: dict[str, int] = field(default_factory=dict)
    ghg: dict[str, int] = field(default_factory=dict)
    fin: dict[str, int] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)


def _comp(case: Case, comp: Component, res: ComponentResult, key: str) -> Comp:
    """A component's data: the engine's streams, and the case's own lists to echo as inputs."""
    n = case.meta.years
    s = res.streams
    if s is None:
        raise ValueError(f"component {comp.id!r}: the result carries no streams")
    cats = list(res.capital_by_category.columns) if res.capital_by_category is not None else []
    cat_fin = {c: np.asarray(s.capital_by_category[c], dtype=np.float64) for c in cats}
    make = partial(Comp, comp, res, s, key, cats, cat_fin)
    if comp.form == "parametric" or comp.streams["basis"] == "financial":
        cfs: dict[str, float | None] = {c: s.conversion_factors[c] for c in cats}
    if comp.form == "parametric":
        return make(
            cat_econ_cf=cfs,
            basis="parametric",
            benefit_raw=dict(s.benefits),
            benefit_cf=dict.fromkeys(s.benefits),
            build=s.build_share,
            operating_years=s.operating_years,
        )
    st = comp.streams
    raw_benefits = {name: _given(v, n) for name, v in st["benefits"].items()}
    if st["basis"] == "financial":
        return make(
            cat_econ_cf=cfs,
            basis="financial",
            benefit_raw=raw_benefits,
            benefit_cf={b: s.conversion_factors[b] for b in raw_benefits},
        )
    fin = comp.financial or {}  # the case gives economic prices, and may give financial ones
    return make(
        cat_econ_cf=dict.fromkeys(cats),
        basis="economic",
        benefit_raw=raw_benefits,
        benefit_cf=dict.fromkeys(raw_benefits),
        fin_capital_given=_given(fin["capital"], n) if "capital" in fin else None,
        fin_operating_given=_given(fin["operating"], n) if "operating" in fin else None,
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


@dataclass
class WorkbookContext:
    """The workbook being written and the references its steps leave for the next.

    Set from the result when built: ``wb``, ``names`` (defined names and cached
    values), one :class:`~appraisal.io.xlsx_common.SheetWriter` per sheet in
    ``sheets`` (created in workbook order), ``comps``, and the case's year grid.

    Filled by the steps, in the order :func:`~appraisal.io.workbook.render_workbook`
    runs them (a step reads only what an earlier one filled):

    1. Assumptions (:mod:`.assumptions`): ``a`` (live assumption -> absolute
       reference), ``cf_ref`` (cost category -> its conversion factor cell),
       ``register_row``.
    2. Inputs (:mod:`.inputs`): ``carbon_path_col``; each ``Comp.cols``.
    3. Investment costs (:mod:`.investment`): ``inv_program``; each ``Comp.inv``.
    4. GHG columns (:mod:`.ghg`): ``carbon_col``, ``prog_ghg``; each ``Comp.ghg``.
    5. Economic cash flows (:mod:`.economic`): ``prog_eco``; each ``Comp.eco``;
       the ``economic.*`` entries of ``Comp.cells`` and ``prog_cells``.
    6. GHG indicators and MAC curve (:mod:`.abatement`): the ``ghg.*`` and
       ``abatement.*`` entries of ``Comp.cells`` and ``prog_cells``.
    7. Financial and loan (:mod:`.financial`, :mod:`.loan`): ``prog_fin``,
       ``wacc_ref``, ``dscr_cell``, ``financing_live``, the ``financial.*``
       entries of ``prog_cells``.
    8. Co-benefits, Summary, Checks: read only.
    9. Register (:mod:`.register`): reads ``a`` and ``financing_live``.
    """

    wb: Workbook
    names: WorkbookNames
    case: Case
    comps: list[Comp]
    sheets: dict[str, SheetWriter]
    a: dict[str, str] = field(default_factory=dict)
    cf_ref: dict[str, str] = field(default_factory=dict)
    register_row: int = 0
    carbon_path_col: int = 0
    inv_program: dict[str, int] = field(default_factory=dict)
    carbon_col: int = 0
    prog_ghg: dict[str, int] = field(default_factory=dict)
    prog_eco: dict[str, int] = field(default_factory=dict)
    prog_cells: dict[str, str] = field(default_factory=dict)
    prog_fin: dict[str, int] = field(default_factory=dict)
    wacc_ref: str = ""
    dscr_cell: tuple[int, int] = (0, 0)
    financing_live: dict[str, tuple[str, Any, str | None]] = field(default_factory=dict)

    @classmethod
    def start(cls, result: AppraisalResult) -> WorkbookContext:
        """An empty workbook with its sheets, for a result."""
        wb = Workbook()
        wb.remove(wb.active)
        names = WorkbookNames(wb)
        case = result.case
        keys = _component_keys([c.id for c in result.components])
        comps = [
            _comp(case, cc, res, k)
            for cc, res, k in zip(case.components, result.components, keys, strict=True)
        ]
        sheets = {t: SheetWriter(wb.create_sheet(t), names) for t in SHEETS}
        return cls(wb, names, case, comps, sheets)

    # ------------------------------------------------------------------ the year grid
    @property
    def meta(self) -> Meta:
        return self.case.meta

    @property
    def n(self) -> int:
        return self.case.meta.years

    @property
    def years(self) -> list[int]:
        return self.case.meta.calendar_years

    @property
    def last(self) -> int:
        """Row of the last year on every yearly sheet."""
        return FIRST + self.n - 1

    @property
    def money(self) -> str:
        return self.case.meta.money

    # ------------------------------------------------------------------ helpers
    def name(self, path: str, sheet: SheetWriter, coord: str, comp: Comp | None = None) -> None:
        """Define the name of a JSON key path (per component with its prefix) for a cell."""
        nm = f"c_{comp.key}_{path.replace('.', '_')}" if comp else name_for(path)
        self.names.define(nm, sheet.ws, coord)

    def npv(self, rate: str, sheet: SheetWriter, col: int, here: SheetWriter) -> str:
        """Excel NPV of a yearly column, honouring the case's timing convention."""
        if self.case.meta.first_year_discounted:
            return f"NPV({rate},{sheet.col_range(col, FIRST, self.last, here=here)})"
        first = sheet.ref(FIRST, col, here=here)
        if self.n == 1:
            return first
        return f"{first}+NPV({rate},{sheet.col_range(col, FIRST + 1, self.last, here=here)})"

    @staticmethod
    def irr(range_: str, value: float | None) -> str:
        """Excel IRR with the engine's root as the guess (NA() when there is none)."""
        # The engine's root is the starting guess: IRR's Newton iteration then lands on
        # the same root, and on the nearby one after an input changes.
        return "NA()" if value is None else f"IRR({range_},{value!r})"

    @staticmethod
    def finish(sh: SheetWriter, freeze: str | None, landscape: bool = True) -> None:
        """Freeze panes and the page setup, the header rows repeated on each page."""
        sh.finish(freeze, landscape, title_rows=HEADER_ROWS)

    def year_header(self, sh: SheetWriter, title: str) -> None:
        """Title, the case line, and the years in column A from row :data:`FIRST`."""
        sh.put(1, 1, title, "title")
        sh.put(2, 1, f"{self.meta.name}; money in {self.money}")
        sh.put(HEADER_ROWS, 1, "Year", "head")
        for i, y in enumerate(self.years):
            sh.put(FIRST + i, 1, y, "setting", "0")

    def column(
        self,
        sh: SheetWriter,
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
            sh.put(2, col, group, "head")
        sh.put(3, col, label, "head")
        sh.put(4, col, unit, "head")
        if formulas is not None:
            assert cached is not None
            texts = [formulas[i] for i in range(self.n)]
            sh.formula_column(col, FIRST, texts, _floats(cached, self.n), fmt)
        else:
            assert values is not None
            sh.value_column(col, FIRST, _floats(values, self.n), style, fmt)
        sh.style(sh.ws.cell(row=3, column=col), "wrap")
        return col

    def sum_columns(self, sh: SheetWriter, cols: Sequence[int]) -> list[str]:
        """Year by year, the sum of columns of ``sh`` (formulas on that sheet)."""
        return ["+".join(sh.ref(FIRST + i, c, here=sh) for c in cols) or "0" for i in range(self.n)]

    def copy_column(self, src: SheetWriter, col: int) -> list[str]:
        """Year by year, a reference to a column of another sheet."""
        return [src.ref(FIRST + i, col) for i in range(self.n)]


def _floats(values: Sequence[float] | FloatArray, n: int) -> list[float]:
    """The first ``n`` values as Python floats (what ``float(values[i])`` gives each)."""
    return [float(values[i]) for i in range(n)]
