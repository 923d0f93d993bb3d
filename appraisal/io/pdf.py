"""The PDF appraisal annex, in the structure of an ADB "Economic and Financial Analysis".

:func:`render_pdf` turns an :class:`~appraisal.result.AppraisalResult` into the
bytes of a PDF: a title page with the key figures, then eight sections (see
:data:`SECTIONS`) with tables that split across pages under repeated headers and
vector charts (:mod:`appraisal.io.pdf_charts`). Pure rendering: every number is
read from the result object (its tables and its ``summary``, the JSON contract)
and formatted by :mod:`appraisal.formatting`, the rules the terminal table and the
workbook use, so the three say the same thing. Inputs quoted from the case
(conversion factors, emission factors) are shown as written in the case.

The file is reproducible: reportlab's invariant mode fixes the creation date and
the document ID, so the same result gives the same bytes.

Fonts: DejaVu Sans (embedded TrueType, from ``fonts-dejavu-core``) for Latin and
Cyrillic, STSong-Light (Adobe CID font) for Chinese, chosen per text run.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from appraisal import formatting as fmt
from appraisal._version import __version__
from appraisal.io import pdf_charts as charts
from appraisal.io.pdf_charts import BODY_BOLD, BODY_FONT, markup
from appraisal.result import AppraisalResult

__all__ = ["SECTIONS", "render_pdf"]

# The annex's sections, in the order of an ADB "Economic and Financial Analysis"
# linked document.
SECTIONS = (
    "1. The project and its components",
    "2. Method and assumptions",
    "3. Economic analysis",
    "4. Financial analysis",
    "5. GHG emissions and abatement cost",
    "6. Co-benefits",
    "7. Sensitivity and risk",
    "8. Checks and caveats",
)

DOCUMENT_TITLE = "Economic and Financial Analysis"
PAGE = A4
MARGIN_X = 20 * mm
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 22 * mm
FRAME_W = PAGE[0] - 2 * MARGIN_X

NAVY = charts.NAVY
GREY = charts.GREY
ZEBRA = colors.HexColor("#F3F4F6")
RULE = colors.HexColor("#9CA3AF")

_STYLES: dict[str, ParagraphStyle] = {}

# Labels of the co-benefit source keys of the case.
_OTHER_SOURCES = {
    "jobs_construction_per_musd": "Construction employment factor",
    "jobs_operation_per_musd": "Operation employment factor",
    "jobs_local_share": "Local share of jobs",
    "damage_costs": "Pollutant damage costs",
    "income_ratio": "Income ratio",
}


def _styles() -> dict[str, ParagraphStyle]:
    if _STYLES:
        return _STYLES
    base = ParagraphStyle("body", fontName=BODY_FONT, fontSize=9, leading=12.5, spaceAfter=5)
    _STYLES.update(
        body=base,
        small=ParagraphStyle("small", parent=base, fontSize=7.5, leading=10, spaceAfter=3),
        note=ParagraphStyle(
            "note", parent=base, fontSize=7.5, leading=10, textColor=GREY, spaceAfter=8
        ),
        bullet=ParagraphStyle(
            "bullet", parent=base, leftIndent=10, bulletIndent=0, spaceAfter=3, bulletFontSize=9
        ),
        h1=ParagraphStyle(
            "h1",
            parent=base,
            fontName=BODY_BOLD,
            fontSize=13,
            leading=17,
            textColor=NAVY,
            spaceBefore=4,
            spaceAfter=8,
            keepWithNext=True,
        ),
        h2=ParagraphStyle(
            "h2",
            parent=base,
            fontName=BODY_BOLD,
            fontSize=10,
            leading=13,
            textColor=NAVY,
            spaceBefore=8,
            spaceAfter=4,
            keepWithNext=True,
        ),
        caption=ParagraphStyle(
            "caption",
            parent=base,
            fontName=BODY_BOLD,
            fontSize=8,
            leading=10.5,
            spaceBefore=6,
            spaceAfter=3,
            keepWithNext=True,
        ),
        cell=ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.2, spaceAfter=0),
        cell_head=ParagraphStyle(
            "cell_head",
            parent=base,
            fontName=BODY_BOLD,
            fontSize=7.2,
            leading=8.8,
            spaceAfter=0,
            textColor=colors.white,
            alignment=TA_CENTER,
        ),
        cell_head_left=ParagraphStyle(
            "cell_head_left",
            parent=base,
            fontName=BODY_BOLD,
            fontSize=7.2,
            leading=8.8,
            spaceAfter=0,
            textColor=colors.white,
            alignment=TA_LEFT,
        ),
        kicker=ParagraphStyle(
            "kicker", parent=base, fontName=BODY_BOLD, fontSize=10, textColor=GREY, leading=14
        ),
        title=ParagraphStyle(
            "title",
            parent=base,
            fontName=BODY_BOLD,
            fontSize=22,
            leading=28,
            textColor=NAVY,
            spaceAfter=10,
        ),
        subtitle=ParagraphStyle(
            "subtitle", parent=base, fontSize=11, leading=15, textColor=charts.INK, spaceAfter=6
        ),
    )
    return _STYLES


# ----------------------------------------------------------------- helpers


def _p(text: str, style: str = "body") -> Paragraph:
    """A paragraph of plain text (escaped; CJK runs get the CJK font)."""
    return Paragraph(markup(text), _styles()[style])


def _pm(rich: str, style: str = "body") -> Paragraph:
    """A paragraph of ready markup (the caller escaped any case text with markup())."""
    if style == "bullet":
        return Paragraph(rich, _styles()[style], bulletText="•")
    return Paragraph(rich, _styles()[style])


def _num(value: Any) -> float | None:
    """A table value as a float, or None where it is missing or not finite."""
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _col(frame: Any, column: str, f: Callable[[float | None], str]) -> list[str]:
    return [f(_num(v)) for v in frame[column].tolist()]


def _given(value: float) -> str:
    """An input number as written in the case (no rounding: it is quoted, not computed)."""
    return f"{value:g}"


def _change(value: Any, unit: str) -> str:
    """A sensitivity change or switching value: a decimal as a rate, years as years."""
    if isinstance(value, str):
        return value
    v = _num(value)
    if unit == "years":
        return fmt.DASH if v is None else f"{fmt.ratio(v)} years"
    return fmt.rate(v)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


class _Numbering:
    """Table and figure numbers within a section: Table 3.1, Figure 3.1."""

    def __init__(self) -> None:
        self.section = 0
        self.tables = 0
        self.figures = 0

    def start(self, section: int) -> None:
        self.section, self.tables, self.figures = section, 0, 0

    def table(self) -> str:
        self.tables += 1
        return f"Table {self.section}.{self.tables}"

    def figure(self) -> str:
        self.figures += 1
        return f"Figure {self.section}.{self.figures}"


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    *,
    text_cols: Sequence[int] = (0,),
    bold_rows: Sequence[int] = (),
) -> Table:
    """A bank-style table: navy header repeated on every page, zebra rows, numbers right.

    ``text_cols`` hold free text (wrapped, per-run fonts); the other columns hold
    formatted numbers. ``bold_rows`` index ``rows`` (totals, present values).
    """
    st = _styles()
    head = [
        Paragraph(markup(h), st["cell_head_left" if i in text_cols else "cell_head"])
        for i, h in enumerate(header)
    ]
    body: list[list[Any]] = []
    for r in rows:
        body.append(
            [
                Paragraph(markup(c), st["cell"]) if i in text_cols and isinstance(c, str) else c
                for i, c in enumerate(r)
            ]
        )
    scale = FRAME_W / sum(widths) if sum(widths) > FRAME_W else 1.0
    t = Table([head, *body], colWidths=[w * scale for w in widths], repeatRows=1, hAlign="LEFT")
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), BODY_FONT, 7.5),
        ("BACKGROUND", (0, 0), (-1, 0), NAVY),
        ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
        ("VALIGN", (0, 1), (-1, -1), "TOP"),
        ("ALIGN", (0, 1), (-1, -1), "RIGHT"),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, ZEBRA]),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3.5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3.5),
    ]
    for c in text_cols:
        style.append(("ALIGN", (c, 1), (c, -1), "LEFT"))
    for b in bold_rows:
        row = b + 1
        style += [
            ("FONT", (0, row), (-1, row), BODY_BOLD, 7.5),
            ("LINEABOVE", (0, row), (-1, row), 0.6, RULE),
        ]
    t.setStyle(TableStyle(style))
    return t


def _captioned(caption: str, flowable: Flowable, note: str = "") -> list[Flowable]:
    """Caption above a table or chart; a source note below."""
    out: list[Flowable] = [_pm(markup(caption), "caption"), flowable]
    if note:
        out.append(_p(note, "note"))
    else:
        out.append(Spacer(1, 8))
    return out


def _figure(caption: str, drawing: Any, note: str = "") -> Flowable:
    return KeepTogether(_captioned(caption, drawing, note))


def _blocks(result: AppraisalResult) -> list[tuple[str, dict[str, Any]]]:
    """(label, summary block) for each component, then the program."""
    s = result.summary
    return [(c["id"], c) for c in s["components"]] + [("Program", s)]


# ----------------------------------------------------------------- title page


def _title_page(result: AppraisalResult) -> list[Flowable]:
    s = result.summary
    meta = result.case.meta
    e, f, g, a, cb = (s[k] for k in ("economic", "financial", "ghg", "abatement", "cobenefits"))
    with_c = "including" if e["carbon_in_eirr"] else "excluding"
    rows = [
        [f"ENPV ({with_c} carbon), {meta.money}", fmt.money(e["enpv"])],
        [f"EIRR ({with_c} carbon)", fmt.rate(e["eirr"])],
        ["Benefit-cost ratio", fmt.ratio(e["bcr"])],
        ["ENPV without the carbon value", fmt.money(e["enpv_without_carbon"])],
        ["EIRR without the carbon value", fmt.rate(e["eirr_without_carbon"])],
        ["Economic discount rate (real)", fmt.rate(e["discount_rate"])],
        ["FIRR of the revenue-earning parts", fmt.rate(f["firr"])],
        ["WACC (real)", fmt.rate(f["wacc"])],
        ["Lowest debt service coverage ratio", fmt.ratio(f.get("dscr_min"))],
        [
            "GHG emission reduction over the appraisal period, tCO2e",
            fmt.tonnes(g["reduction_tco2e_total"]),
        ],
        [
            f"Levelized abatement cost, {meta.currency} per tCO2e",
            fmt.per_tonne(a["cost_per_tco2e"]),
        ],
        ["Construction jobs, job-years", fmt.count(cb["jobs_construction_job_years"])],
    ]
    key = _table(["Key figures, program", "Value"], rows, [FRAME_W * 0.72, FRAME_W * 0.28])
    timing = (
        "the first year discounted one period (Excel NPV)"
        if meta.first_year_discounted
        else "the first year undiscounted"
    )
    story: list[Flowable] = [
        Spacer(1, 28 * mm),
        _p(DOCUMENT_TITLE.upper(), "kicker"),
        Spacer(1, 4),
        _p(meta.name, "title"),
    ]
    if meta.country:
        story.append(_p(meta.country, "subtitle"))
    if meta.description:
        story.append(_p(meta.description, "body"))
    story += [
        Spacer(1, 10 * mm),
        key,
        Spacer(1, 6 * mm),
        _p(
            f"Money in {meta.money}, constant prices; appraisal period {meta.first_year} to "
            f"{meta.first_year + meta.years - 1}; present values at {fmt.rate(e['discount_rate'])} "
            f"real with {timing}. Carbon value: {s['carbon_price']['description']}.",
            "small",
        ),
        _p(
            f"Prepared with appraisal {__version__} from the case file "
            f"'{result.case.slug}'. Every figure is rendered from the same result as the JSON "
            "summary and the workbook, with the same rounding; the same case gives the same file.",
            "note",
        ),
    ]
    return story


# ----------------------------------------------------------------- sections


def _section_project(result: AppraisalResult, n: _Numbering) -> list[Flowable]:
    meta = result.case.meta
    s = result.summary
    story: list[Flowable] = [_p(SECTIONS[0], "h1")]
    if meta.description:
        story.append(_p(meta.description))
    if meta.source:
        story.append(_p(f"Source: {meta.source}", "small"))
    st = _styles()
    rows: list[list[Any]] = []
    for comp, c in zip(result.case.components, result.components, strict=True):
        text = f"<b>{markup(comp.name)}</b> <font color='#6B7280'>({markup(comp.id)})</font>"
        if comp.description:
            text += f"<br/>{markup(comp.description)}"
        if comp.source:
            text += f"<br/><font color='#6B7280'>Source: {markup(comp.source)}</font>"
        rows.append(
            [
                Paragraph(text, st["cell"]),
                fmt.money(_num(c.economic["capital"].sum())),
                fmt.money(c.summary["economic"]["pv_costs"]),
                _yes(c.summary["financial"]["revenue_earning"]),
            ]
        )
    rows.append(
        [
            Paragraph("<b>Program</b>", st["cell"]),
            fmt.money(_num(result.program.economic["capital"].sum())),
            fmt.money(s["economic"]["pv_costs"]),
            _yes(s["financial"]["revenue_earning"]),
        ]
    )
    t = _table(
        ["Component", "Capital cost, economic prices", "PV of economic costs", "Earns revenue"],
        rows,
        [300, 62, 62, 58],
        bold_rows=[len(rows) - 1],
    )
    story += _captioned(
        f"{n.table()}: Components ({meta.money})",
        t,
        "Capital cost: undiscounted sum over the years at economic prices. PV of economic "
        f"costs: capital and O&M at {fmt.rate(s['economic']['discount_rate'])}.",
    )
    currency = meta.currency
    rows2 = []
    for label, b in _blocks(result):
        rows2.append(fmt.summary_row(label, b))
    t2 = _table(
        [
            "Component",
            "ENPV",
            "EIRR",
            "BCR",
            "ENPV w/o carbon",
            "EIRR w/o carbon",
            "FIRR",
            "tCO2e avoided",
            f"{currency}/ tCO2e",
            "Jobs (constr.)",
        ],
        rows2,
        [98, 44, 40, 30, 46, 44, 38, 56, 44, 42],
        bold_rows=[len(rows2) - 1],
    )
    head = "including" if s["economic"]["carbon_in_eirr"] else "excluding"
    story += _captioned(
        f"{n.table()}: Summary of results ({meta.money})",
        t2,
        f"ENPV, EIRR and BCR {head} the carbon value; job-years of construction, gross. "
        "The same figures as the terminal summary and the JSON summary.",
    )
    return story


def _section_method(result: AppraisalResult, n: _Numbering) -> list[Flowable]:
    case = result.case
    meta, e = case.meta, case.economic
    s = result.summary
    cp = s["carbon_price"]
    story: list[Flowable] = [_p(SECTIONS[1], "h1")]
    timing = (
        "the first year is discounted one period, as Excel's NPV and ADB's published "
        "economic cash-flow tables"
        if meta.first_year_discounted
        else "the first year is not discounted (numpy-financial's npv)"
    )
    story.append(
        _p(
            "The economic analysis follows the ADB Guidelines for the Economic Analysis of "
            "Projects (2017): costs and benefits in real terms at constant "
            f"{meta.price_year} prices, financial costs converted to economic costs (taxes and "
            "subsidies removed, traded items at border prices, labour at shadow wage rates) under "
            f"the {e.numeraire} price numeraire, and discounted at "
            f"{fmt.rate(e.discount_rate)} real; {timing}. The avoided emissions are valued at a "
            "shadow price of carbon and reported with and without that value. The financial "
            "analysis compares the FIRR of the revenue-earning parts with the real weighted "
            "average cost of capital. Rates are real unless stated."
        )
    )
    rows = [
        ["Price base year", str(meta.price_year), ""],
        ["Currency and unit", meta.money, ""],
        [
            "Appraisal period",
            f"{meta.first_year}-{meta.first_year + meta.years - 1} ({meta.years} years)",
            "",
        ],
        ["Economic discount rate", fmt.rate(e.discount_rate), e.sources.get("discount_rate", "")],
        [
            "NPV timing",
            "first year discounted" if meta.first_year_discounted else "first year undiscounted",
            "",
        ],
        ["Numeraire", e.numeraire, e.sources.get("numeraire", "")],
        ["Shadow exchange rate factor (SERF)", _given(e.serf), e.sources.get("serf", "")],
        ["Shadow wage rate factor (SWRF)", _given(e.swrf), e.sources.get("swrf", "")],
        [
            "Carbon value",
            f"{cp['path']}: {cp['description']} (path in {cp['path_price_year']} prices, "
            f"deflator {_given(cp['deflator'])})",
            cp.get("source", "") or e.sources.get("carbon_price", ""),
        ],
        ["Carbon value in the headline EIRR", _yes(e.carbon_in_eirr), ""],
        ["Pollutant damage avoided in the EIRR", _yes(e.pollutants_in_eirr), ""],
    ]
    factors: dict[str, float] = {}
    for c in result.components:
        for k, v in c.conversion_factors.items():
            factors.setdefault(k, v)
    if factors:
        rows.append(
            [
                "Conversion factors (financial to economic)",
                ", ".join(f"{k.replace('_', ' ')} {_given(v)}" for k, v in sorted(factors.items())),
                e.sources.get("cost_shares", "") or e.sources.get("conversion_factors", ""),
            ]
        )
    if case.grid.source:
        rows.append(["Grid emission factors", "see Section 5", case.grid.source])
    t = _table(["Parameter", "Value", "Source"], rows, [120, 160, 202], text_cols=(0, 1, 2))
    story += _captioned(f"{n.table()}: Parameters and sources", t)

    if case.carriers:
        crow = [
            [name.replace("_", " "), _given(c.emission_factor), _given(c.price), c.source]
            for name, c in case.carriers.items()
        ]
        t2 = _table(
            ["Energy carrier", "tCO2 per MWh", f"{meta.currency} per MWh", "Source"],
            crow,
            [90, 60, 60, 272],
            text_cols=(0, 3),
        )
        story += _captioned(
            f"{n.table()}: Energy carriers: emission factors and economic prices (as given)", t2
        )

    years = list(result.carbon_price.index)
    prices = [fmt.per_tonne(_num(v)) for v in result.carbon_price.tolist()]
    per_row = 5
    crows = []
    for i in range(0, len(years), per_row):
        row: list[str] = []
        for year, price in zip(years[i : i + per_row], prices[i : i + per_row], strict=True):
            row += [str(year), price]
        row += [""] * (2 * per_row - len(row))
        crows.append(row)
    t3 = _table(
        ["Year", "USD/tCO2e"] * per_row,
        crows,
        [40, 56.4] * per_row,
        text_cols=(),
    )
    story += _captioned(
        f"{n.table()}: Carbon value by year (USD per tCO2e, {meta.price_year} prices)",
        t3,
        f"Source: {cp.get('source', '')}",
    )
    fsrc = [(s_.name, s_.source) for s_ in case.financing.sources if s_.source]
    if case.financing.loan is not None and case.financing.loan.source:
        fsrc.append(("Loan terms", case.financing.loan.source))
    cb = case.cobenefits
    other = [(_OTHER_SOURCES.get(k, k.replace("_", " ")), v) for k, v in cb.sources.items() if v]
    if fsrc or other:
        story.append(_p("Other sources", "h2"))
        for name, src in [*fsrc, *other]:
            story.append(_pm(f"<b>{markup(name)}</b>: {markup(src)}", "bullet"))
    return story


def _section_economic(result: AppraisalResult, n: _Numbering) -> list[Flowable]:
    meta = result.case.meta
    s = result.summary
    e = s["economic"]
    econ = result.program.economic
    story: list[Flowable] = [_p(SECTIONS[2], "h1")]
    head = "with" if e["carbon_in_eirr"] else "without"
    story.append(
        _p(
            f"At a {fmt.rate(e['discount_rate'])} real discount rate the program's ENPV is "
            f"{fmt.money(e['enpv_with_carbon'])} with the carbon value (EIRR "
            f"{fmt.rate(e['eirr_with_carbon'])}, BCR {fmt.ratio(e['bcr_with_carbon'])}) and "
            f"{fmt.money(e['enpv_without_carbon'])} without it (EIRR "
            f"{fmt.rate(e['eirr_without_carbon'])}, BCR {fmt.ratio(e['bcr_without_carbon'])}), "
            f"in {meta.money}. The headline figures are those {head} carbon. Benefits counted: "
            + ", ".join(b.replace("_", " ") for b in result.program.benefit_names)
            + "."
            + (
                " The value of the pollutant damage avoided is included in the benefits."
                if e["pollutants_in_eirr"]
                else " The value of the pollutant damage avoided is reported in Section 6 and "
                "kept out of these figures."
            )
        )
    )
    years = [int(y) for y in econ.index]
    cols = [
        _col(econ, "capital", fmt.money),
        _col(econ, "operating", fmt.money),
        _col(econ, "costs", fmt.money),
        _col(econ, "benefits_without_carbon", fmt.money),
        _col(econ, "carbon_value", fmt.money),
        _col(econ, "net_without_carbon", fmt.money),
        _col(econ, "net_with_carbon", fmt.money),
    ]
    rows = [[str(y), *(c[i] for c in cols)] for i, y in enumerate(years)]
    rows.append(
        [
            f"PV at {fmt.rate(e['discount_rate'])}",
            "",
            "",
            fmt.money(e["pv_costs"]),
            fmt.money(e["pv_benefits_without_carbon"]),
            fmt.money(e["pv_carbon_value"]),
            fmt.money(e["enpv_without_carbon"]),
            fmt.money(e["enpv_with_carbon"]),
        ]
    )
    rows.append(
        [
            "EIRR",
            "",
            "",
            "",
            "",
            "",
            fmt.rate(e["eirr_without_carbon"]),
            fmt.rate(e["eirr_with_carbon"]),
        ]
    )
    rows.append(
        [
            "BCR",
            "",
            "",
            "",
            "",
            "",
            fmt.ratio(e["bcr_without_carbon"]),
            fmt.ratio(e["bcr_with_carbon"]),
        ]
    )
    t = _table(
        [
            "Year",
            "Capital",
            "O&M",
            "Total costs",
            "Benefits excl. carbon",
            "Carbon value",
            "Net benefit excl. carbon",
            "Net benefit incl. carbon",
        ],
        rows,
        [62, 56, 56, 60, 66, 58, 62, 62],
        bold_rows=[len(rows) - 3, len(rows) - 2, len(rows) - 1],
    )
    story += _captioned(
        f"{n.table()}: Economic cash flow of the program ({meta.money}, economic prices)",
        t,
        "Costs at economic prices (conversion factors applied). "
        + ("Benefits include the pollutant damage avoided. " if e["pollutants_in_eirr"] else "")
        + "Present values and EIRR as in the JSON summary.",
    )
    chart = charts.cash_flow_chart(
        years,
        [
            ("net benefit excluding carbon", econ["net_without_carbon"].tolist()),
            ("net benefit including carbon", econ["net_with_carbon"].tolist()),
        ],
        unit=meta.money,
    )
    story.append(_figure(f"{n.figure()}: Net economic benefit by year, program", chart))

    rows3 = []
    for label, b in _blocks(result):
        ee = b["economic"]
        rows3.append(
            [
                label,
                fmt.money(ee["pv_costs"]),
                fmt.money(ee["pv_benefits_without_carbon"]),
                fmt.money(ee["pv_carbon_value"]),
                fmt.money(ee["enpv_without_carbon"]),
                fmt.rate(ee["eirr_without_carbon"]),
                fmt.ratio(ee["bcr_without_carbon"]),
                fmt.money(ee["enpv_with_carbon"]),
                fmt.rate(ee["eirr_with_carbon"]),
                fmt.ratio(ee["bcr_with_carbon"]),
            ]
        )
    t3 = _table(
        [
            "Component",
            "PV costs",
            "PV benefits excl. carbon",
            "PV carbon value",
            "ENPV excl. carbon",
            "EIRR excl. carbon",
            "BCR excl. carbon",
            "ENPV incl. carbon",
            "EIRR incl. carbon",
            "BCR incl. carbon",
        ],
        rows3,
        [98, 42, 50, 44, 46, 44, 38, 46, 44, 38],
        bold_rows=[len(rows3) - 1],
    )
    story += _captioned(
        f"{n.table()}: Economic indicators by component, with and without carbon ({meta.money})",
        t3,
    )
    reasons = []
    for label, b in _blocks(result):
        ee = b["economic"]
        for key in ("eirr", "eirr_without_carbon", "eirr_with_carbon"):
            if ee.get(key) is None and ee.get(f"{key}_reason"):
                roots = ee.get(f"{key}_roots")
                extra = f" (roots: {', '.join(fmt.rate(r) for r in roots)})" if roots else ""
                reasons.append(f"{label}, {key.replace('_', ' ')}: {ee[f'{key}_reason']}{extra}")
    for r in dict.fromkeys(reasons):
        story.append(_p(r, "small"))
    return story


def _section_financial(result: AppraisalResult, n: _Numbering) -> list[Flowable]:
    meta = result.case.meta
    f = result.summary["financial"]
    story: list[Flowable] = [_p(SECTIONS[3], "h1")]
    earning = [c for c in result.case.components if c.revenue_earning]
    if earning:
        names = ", ".join(c.name for c in earning)
        firr_note = ""
        if f["firr"] is not None and f["wacc"] is not None:
            verdict = "above" if f["firr"] > f["wacc"] else "below"
            firr_note = (
                f" The FIRR of {fmt.rate(f['firr'])} is {verdict} the real WACC of "
                f"{fmt.rate(f['wacc'])}; the FNPV at the WACC is {fmt.money(f['fnpv'])}."
            )
        story.append(
            _p(
                f"The revenue-earning parts are appraised financially at financial prices in "
                f"constant {meta.price_year} prices: {names}.{firr_note}"
            )
        )
    else:
        story.append(
            _p(
                "No component earns revenue: there is no FIRR or FNPV. The WACC and the loan "
                "schedule are shown where the case gives financing sources and loan terms."
            )
        )
    w = result.wacc_table
    if w is not None:
        rows = []
        for r in w.itertuples(index=False):
            rows.append(
                [
                    str(r.name),
                    fmt.money(_num(r.amount)),
                    fmt.rate(_num(r.weight)),
                    fmt.rate(_num(r.nominal_cost)),
                    fmt.rate(_num(r.tax_rate)),
                    fmt.rate(_num(r.after_tax_nominal_cost)),
                    fmt.rate(_num(r.inflation)),
                    fmt.rate(_num(r.real_cost)),
                    fmt.rate(_num(r.weighted_real_cost)),
                ]
            )
        rows.append(["WACC (real)", "", "", "", "", "", "", "", fmt.rate(f["wacc"])])
        t = _table(
            [
                "Source of funds",
                "Amount",
                "Weight",
                "Nominal cost",
                "Tax rate",
                "After-tax nominal cost",
                "Inflation",
                "Real cost",
                "Weighted real cost",
            ],
            rows,
            [120, 48, 40, 42, 38, 48, 42, 42, 50],
            bold_rows=[len(rows) - 1],
        )
        story += _captioned(
            f"{n.table()}: Weighted average cost of capital ({meta.money})",
            t,
            "After-tax nominal cost = nominal cost x (1 - tax rate) for debt; real cost = "
            "(1 + after-tax nominal cost) / (1 + inflation) - 1; WACC = sum of weight x real cost.",
        )
    fin = result.program.financial
    if fin is not None:
        years = [int(y) for y in fin.index]
        cols = [_col(fin, k, fmt.money) for k in ("capital", "operating", "revenue", "net")]
        rows2 = [[str(y), *(c[i] for c in cols)] for i, y in enumerate(years)]
        rows2.append(
            [
                f"PV at WACC {fmt.rate(f['wacc'])}" if f["wacc"] is not None else "FNPV",
                "",
                "",
                "",
                fmt.money(f["fnpv"]),
            ]
        )
        rows2.append(["FIRR", "", "", "", fmt.rate(f["firr"])])
        t2 = _table(
            ["Year", "Capital", "O&M", "Revenue", "Net cash flow"],
            rows2,
            [110, 90, 90, 90, 100],
            bold_rows=[len(rows2) - 2, len(rows2) - 1],
        )
        story.append(CondPageBreak(120))
        story += _captioned(
            f"{n.table()}: Financial cash flow of the revenue-earning parts ({meta.money}, "
            "financial prices)",
            t2,
            f.get("firr_reason", "") or f.get("fnpv_reason", ""),
        )
    sched = result.loan_schedule
    if sched is not None:
        loan = result.case.financing.loan
        spec: list[tuple[str, str, Callable[[float | None], str]]] = [
            ("disbursed", "Disbursed", fmt.money),
            ("opening_balance", "Opening balance", fmt.money),
            ("interest", "Interest", fmt.money),
            ("commitment_fee", "Commitment fee", fmt.money),
            ("principal_repaid", "Principal repaid", fmt.money),
            ("debt_service", "Debt service", fmt.money),
            ("closing_balance", "Closing balance", fmt.money),
        ]
        if "interest_capitalized" in sched and (sched["interest_capitalized"] != 0).any():
            spec.insert(3, ("interest_capitalized", "Interest capitalized", fmt.money))
        if "cash_available" in sched:
            spec.append(("cash_available", "Cash available", fmt.money))
        if "dscr" in sched:
            spec.append(("dscr", "DSCR", fmt.ratio))
        cols3 = [_col(sched, k, f_) for k, _, f_ in spec]
        rows3 = [[str(int(y)), *(c[i] for c in cols3)] for i, y in enumerate(sched.index)]
        width0 = 36.0
        rest = (FRAME_W - width0) / len(spec)
        t3 = _table(
            ["Year", *(h for _, h, _ in spec)],
            rows3,
            [width0, *([rest] * len(spec))],
        )
        terms = ""
        if loan is not None:
            terms = (
                f"Loan of {fmt.money(loan.amount)}, interest {fmt.rate(loan.interest_rate)}, "
                f"tenor {loan.tenor_years} years including {loan.grace_years} years of grace, "
                f"{loan.repayment} repayment, commitment fee {fmt.rate(loan.commitment_fee)} on "
                "the undisbursed balance. "
            )
        story.append(CondPageBreak(160))
        story += _captioned(
            f"{n.table()}: Loan schedule and debt service coverage ({meta.money})",
            t3,
            terms
            + "DSCR = (revenue - O&M of the revenue-earning parts) / debt service; lowest DSCR "
            f"{fmt.ratio(f.get('dscr_min'))}. The loan is in nominal terms, the cash flows real.",
        )
    return story


def _section_ghg(result: AppraisalResult, n: _Numbering) -> list[Flowable]:
    case = result.case
    meta = case.meta
    s = result.summary
    g = s["ghg"]
    ghg = result.program.ghg
    story: list[Flowable] = [_p(SECTIONS[4], "h1")]
    story.append(
        _p(
            "Emission reductions are the without-project emissions minus the with-project "
            "emissions for the same level of service, by year over the appraisal period (IFI "
            "harmonised approach). Grid electricity uses the combined margin of the operating and "
            "build margins (CDM TOOL07), as a path by year as the grid decarbonises. Over "
            f"{meta.first_year}-{meta.first_year + meta.years - 1} the program avoids "
            f"{fmt.tonnes(g['reduction_tco2e_total'])} tCO2e, on average "
            f"{fmt.tonnes(g['reduction_tco2e_annual_average'])} tCO2e a year over "
            f"{g['reduction_years']} years. The levelized abatement cost is "
            f"{fmt.per_tonne(s['abatement']['cost_per_tco2e'])} {meta.currency} per tCO2e: the "
            "present value of costs net of non-carbon benefits over the present value of the "
            "tonnes avoided, at the same discount rate; a negative cost is a net saving."
        )
    )
    if case.grid.source:
        story.append(_p(f"Grid emission factors: {case.grid.source}", "small"))
    years = [int(y) for y in ghg.index]
    cols = [_col(ghg, k, fmt.tonnes) for k in ("without_project", "with_project", "reduction")]
    rows = [[str(y), *(c[i] for c in cols)] for i, y in enumerate(years)]
    rows.append(
        [
            "Total",
            fmt.tonnes(g["without_project_tco2e_total"]),
            fmt.tonnes(g["with_project_tco2e_total"]),
            fmt.tonnes(g["reduction_tco2e_total"]),
        ]
    )
    t = _table(
        ["Year", "Without project", "With project", "Reduction"],
        rows,
        [110, 120, 120, 120],
        bold_rows=[len(rows) - 1],
    )
    story += _captioned(f"{n.table()}: GHG emissions of the program (tCO2e)", t)
    story.append(
        _figure(
            f"{n.figure()}: Emissions without and with the program (tCO2e per year)",
            charts.emissions_chart(
                years, ghg["without_project"].tolist(), ghg["with_project"].tolist()
            ),
        )
    )
    usd = meta.currency != "USD"
    rows2 = []
    for label, b in _blocks(result):
        gg, a = b["ghg"], b["abatement"]
        row = [
            label,
            fmt.tonnes(gg["reduction_tco2e_total"]),
            fmt.tonnes(gg["reduction_tco2e_annual_average"]),
            fmt.tonnes(a["pv_tco2e"]),
            fmt.money(a["pv_net_cost"]),
            fmt.per_tonne(a["cost_per_tco2e"]),
        ]
        if usd:
            row.append(fmt.per_tonne(a["cost_per_tco2e_usd"]))
        rows2.append(row)
    header = [
        "Component",
        "tCO2e avoided, total",
        "tCO2e avoided per year",
        "PV of tCO2e avoided",
        f"PV of net cost, {meta.money}",
        f"Cost, {meta.currency} per tCO2e",
    ]
    widths = [120, 70, 70, 70, 82, 70]
    if usd:
        header.append("Cost, USD per tCO2e")
        widths.append(60)
    t2 = _table(header, rows2, widths, bold_rows=[len(rows2) - 1])
    story += _captioned(
        f"{n.table()}: Emission reductions and levelized abatement cost by component",
        t2,
        "Per year: the average over the years with a reduction (the MAC bar width). Net cost: "
        "economic costs minus non-carbon benefits.",
    )
    reasons = [
        f"{label}: {b['abatement']['cost_per_tco2e_reason']}"
        for label, b in _blocks(result)
        if b["abatement"].get("cost_per_tco2e_reason")
    ]
    for r in reasons:
        story.append(_p(r, "small"))
    mac = result.mac
    if len(mac):
        keys = [str(i + 1) for i in range(len(mac))]
        chart = charts.mac_chart(
            keys,
            mac["cost_per_tco2e"].tolist(),
            mac["x_start"].tolist(),
            mac["x_end"].tolist(),
            currency=meta.currency,
        )
        story.append(
            _figure(
                f"{n.figure()}: Marginal abatement cost curve",
                chart,
                "Bars sorted by cost per tCO2e; width: average tCO2e avoided per year. Numbers "
                "refer to the table below.",
            )
        )
        rows3 = [
            [
                k,
                f"{r.name} ({r.id})",
                fmt.per_tonne(_num(r.cost_per_tco2e)),
                fmt.tonnes(_num(r.annual_tco2e)),
                fmt.tonnes(_num(r.x_end)),
            ]
            for k, r in zip(keys, mac.itertuples(index=False), strict=True)
        ]
        t3 = _table(
            [
                "No.",
                "Component",
                f"{meta.currency} per tCO2e",
                "tCO2e per year",
                "Cumulative tCO2e per year",
            ],
            rows3,
            [28, 222, 74, 74, 84],
            text_cols=(1,),
        )
        story += _captioned(f"{n.table()}: MAC curve data", t3)
    return story


def _section_cobenefits(result: AppraisalResult, n: _Numbering) -> list[Flowable]:
    meta = result.case.meta
    s = result.summary
    cb_case = result.case.cobenefits
    story: list[Flowable] = [_p(SECTIONS[5], "h1")]
    story.append(
        _p(
            "Construction job-years are the investment (US$ million, financial prices) times "
            f"an employment factor of {_given(cb_case.jobs_construction_per_musd)} job-years per "
            f"US$ million and a local share of {fmt.rate(cb_case.jobs_local_share)}, plus "
            "indirect (supply-chain) and induced jobs; operation jobs are per year of operation. "
            "The figures are gross jobs: jobs displaced elsewhere are not netted out."
        )
    )
    rows = []
    for label, b in _blocks(result):
        c = b["cobenefits"]
        rows.append(
            [
                label,
                fmt.count(c["jobs_construction_direct"]),
                fmt.count(c["jobs_construction_indirect"]),
                fmt.count(c["jobs_construction_induced"]),
                fmt.count(c["jobs_construction_job_years"]),
                fmt.count(c["jobs_operation"]),
            ]
        )
    t = _table(
        [
            "Component",
            "Construction, direct",
            "Construction, indirect",
            "Construction, induced",
            "Construction, total (job-years)",
            "Operation (jobs per year)",
        ],
        rows,
        [132, 68, 68, 68, 76, 70],
        bold_rows=[len(rows) - 1],
    )
    story += _captioned(f"{n.table()}: Jobs", t)
    in_eirr = s["economic"]["pollutants_in_eirr"]
    story.append(
        _p(
            "Local air pollutants avoided are the energy saved times emission factors by fuel and "
            "for the grid; their value is the damage cost per tonne transferred to the country "
            "by the income ratio. "
            + (
                "The case counts this value in the economic benefits."
                if in_eirr
                else "This value is reported separately and is not in the EIRR."
            )
        )
    )
    rows2 = []
    for label, b in _blocks(result):
        c = b["cobenefits"]
        pol = c["pollutants_avoided_t"]
        rows2.append(
            [
                label,
                fmt.tonnes(pol.get("pm25")),
                fmt.tonnes(pol.get("so2")),
                fmt.tonnes(pol.get("nox")),
                fmt.money(c["pollutant_value_pv"]),
            ]
        )
    t2 = _table(
        ["Component", "PM2.5 (t)", "SO2 (t)", "NOx (t)", f"PV of damage avoided, {meta.money}"],
        rows2,
        [150, 70, 70, 70, 122],
        bold_rows=[len(rows2) - 1],
    )
    src = cb_case.sources.get("damage_costs", "")
    story += _captioned(
        f"{n.table()}: Local air pollutants avoided over the appraisal period",
        t2,
        f"Damage costs: {src}" if src else "",
    )
    return story


def _section_uncertainty(result: AppraisalResult, n: _Numbering) -> list[Flowable]:
    meta = result.case.meta
    story: list[Flowable] = [_p(SECTIONS[6], "h1")]
    sens = result.sensitivity
    story.append(_p("Sensitivity analysis", "h2"))
    if sens is None:
        story.append(_p("Sensitivity analysis: not computed for this case."))
    else:
        story.append(
            _p(
                "ADB's standard tests, each on the ENPV and EIRR. Sensitivity indicator (SI) = "
                "percentage change in ENPV / percentage change in the variable; switching value "
                "(SV) = the change in the variable that makes the ENPV zero."
            )
        )
        tab = sens.table
        units: dict[str, str] = dict(getattr(sens, "units", {}) or {})
        rows = []
        for i, r in enumerate(tab.itertuples(index=False)):
            unit = units.get(str(r.test), "decimal")
            rows.append(
                [
                    str(r.test),
                    "" if i == 0 and _num(r.change) is None else _change(r.change, unit),
                    fmt.money(_num(r.enpv)),
                    fmt.rate(_num(r.eirr)),
                    fmt.ratio(_num(r.sensitivity_indicator)),
                    _change(r.switching_value, unit),
                ]
            )
        t = _table(
            [
                "Test",
                "Change",
                f"ENPV, {meta.money}",
                "EIRR",
                "Sensitivity indicator",
                "Switching value",
            ],
            rows,
            [170, 56, 80, 56, 60, 60],
            text_cols=(0,),
        )
        with_c = getattr(sens, "headline_with_carbon", result.case.economic.carbon_in_eirr)
        reasons = dict(getattr(sens, "eirr_reasons", {}) or {})
        story += _captioned(
            f"{n.table()}: Sensitivity tests ({meta.money})",
            t,
            f"ENPV and EIRR {'including' if with_c else 'excluding'} the carbon value. The first "
            "row is the base case. Changes and switching values are relative to the appraised "
            "value, or in years for a delay."
            + "".join(f" EIRR of '{k}': {v}." for k, v in reasons.items()),
        )
        tor = getattr(sens, "tornado", None)
        if tor is not None and len(tor):
            base = _num(tab["enpv"].iloc[0]) if len(tab) else None
            chart = charts.tornado_chart(
                [str(v) for v in tor["variable"]],
                tor["enpv_low"].tolist(),
                tor["enpv_high"].tolist(),
                base if base is not None else 0.0,
                unit=meta.money,
            )
            story.append(
                _figure(
                    f"{n.figure()}: Tornado: ENPV for each variable at its low and high value",
                    chart,
                )
            )
    story.append(_p("Risk analysis", "h2"))
    risk = result.risk
    if risk is None:
        story.append(_p("Risk analysis (Monte Carlo): not computed for this case."))
        return story
    rs = risk.summary
    story.append(
        _p(
            f"Monte Carlo simulation with {fmt.count(_num(rs.get('draws')))} draws (seed "
            f"{rs.get('seed')}). The probability that the ENPV is negative (the EIRR below the "
            f"{fmt.rate(result.summary['economic']['discount_rate'])} hurdle) is "
            f"{fmt.rate(_num(rs.get('p_enpv_negative')))}"
            + (
                " with the carbon value"
                if rs.get("headline_with_carbon", result.case.economic.carbon_in_eirr)
                else " without the carbon value"
            )
            + (
                f" and {fmt.rate(_num(rs['p_enpv_negative_without_carbon']))} without it."
                if rs.get("headline_with_carbon") and "p_enpv_negative_without_carbon" in rs
                else "."
            )
        )
    )
    rows2 = [
        [
            "EIRR",
            fmt.rate(_num(rs.get("eirr_p5"))),
            fmt.rate(_num(rs.get("eirr_p50"))),
            fmt.rate(_num(rs.get("eirr_p95"))),
        ],
        [
            f"ENPV, {meta.money}",
            fmt.money(_num(rs.get("enpv_p5"))),
            fmt.money(_num(rs.get("enpv_p50"))),
            fmt.money(_num(rs.get("enpv_p95"))),
        ],
    ]
    t2 = _table(
        ["Indicator", "5th percentile", "Median", "95th percentile"],
        rows2,
        [182, 100, 100, 100],
    )
    story += _captioned(
        f"{n.table()}: Risk analysis: percentiles of the Monte Carlo draws",
        t2,
        f"Probability that ENPV < 0: {fmt.rate(_num(rs.get('p_enpv_negative')))}.",
    )
    hist = getattr(risk, "histogram", None)
    if hist is not None and len(hist):
        story.append(
            _figure(
                f"{n.figure()}: Distribution of the ENPV (Monte Carlo draws)",
                charts.histogram_chart(
                    hist["bin_start"].tolist(),
                    hist["bin_end"].tolist(),
                    hist["count"].tolist(),
                    unit=meta.money,
                ),
            )
        )
    sc = getattr(risk, "s_curve", None)
    if sc is not None and len(sc):
        story.append(
            _figure(
                f"{n.figure()}: Cumulative probability of the ENPV (S-curve)",
                charts.s_curve_chart(
                    sc["enpv"].tolist(), sc["cumulative_probability"].tolist(), unit=meta.money
                ),
            )
        )
    return story


def _section_checks(result: AppraisalResult, n: _Numbering) -> list[Flowable]:
    meta = result.case.meta
    story: list[Flowable] = [_p(SECTIONS[7], "h1")]
    checks = result.summary["checks"]
    if checks:
        rows = [[c["severity"], c["code"], c["message"]] for c in checks]
        t = _table(["Severity", "Check", "Finding"], rows, [52, 86, 344], text_cols=(0, 1, 2))
        story += _captioned(f"{n.table()}: Findings of the automatic checks", t)
    else:
        story.append(_p("The automatic checks found nothing to report."))
    caveats = [
        f"All money is in {meta.money}: constant prices, real terms. The loan schedule is the "
        "exception: it is in nominal terms.",
        "An IRR is reported only where the cash flow has exactly one; with none or several "
        "the table shows n/a and the reason is given beside it.",
        "Jobs are gross. The pollutant damage avoided is valued by benefit transfer: the source "
        "country's damage cost per tonne scaled by the income ratio.",
        "Inputs the case marks as illustrative are assumptions, not published figures; the "
        "case's sources (Section 2 and the components' sources in Section 1) say which is which.",
    ]
    if meta.source:
        caveats.append(f"Case source: {meta.source}")
    story.append(_p("Caveats", "h2"))
    for c in caveats:
        story.append(_pm(markup(c), "bullet"))
    return story


# ----------------------------------------------------------------- document


def _canvas_class(footer_left: str, footer_right: str) -> type:
    """A canvas that knows the page count when it draws the footers ("Page 3 of 17")."""

    class _FooterCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._footer(total)
                super().showPage()
            super().save()

        def _footer(self, total: int) -> None:
            page = self.getPageNumber()
            y = MARGIN_BOTTOM - 10 * mm
            self.saveState()
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN_X, y + 9, PAGE[0] - MARGIN_X, y + 9)
            right = f"{footer_right}   Page {page} of {total}"
            size = 7.0
            right_w = charts.rich_width(right, size)
            left = charts.fit_text(footer_left, FRAME_W - right_w - 20, size)
            for element in (
                charts.rich_string(MARGIN_X, y, left, size=size, color=GREY),
                charts.rich_string(
                    PAGE[0] - MARGIN_X, y, right, size=size, anchor="end", color=GREY
                ),
            ):
                for string in element.contents:
                    self.setFont(string.fontName, string.fontSize)
                    self.setFillColor(string.fillColor)
                    self.drawString(string.x, string.y, string.text)
            if page > 1:
                self.setFont(BODY_FONT, 7.0)
                self.setFillColor(GREY)
                self.drawRightString(PAGE[0] - MARGIN_X, PAGE[1] - 12 * mm, DOCUMENT_TITLE)
            self.restoreState()

    return _FooterCanvas


def render_pdf(result: AppraisalResult) -> bytes:
    """The PDF appraisal annex of a result, as bytes.

    Parameters
    ----------
    result
        The appraisal (see :func:`appraisal.appraise`); ``result.sensitivity`` and
        ``result.risk`` are rendered in Section 7 when present.

    Returns
    -------
    bytes
        An A4 PDF: title page, then the sections in :data:`SECTIONS`. Same result,
        same bytes (reportlab invariant mode: fixed dates and document ID).

    Raises
    ------
    appraisal.io.pdf_charts.FontError
        When the DejaVu Sans TrueType font is not installed.
    """
    charts.register_fonts()
    meta = result.case.meta
    buf = io.BytesIO()
    frame = Frame(
        MARGIN_X,
        MARGIN_BOTTOM,
        FRAME_W,
        PAGE[1] - MARGIN_TOP - MARGIN_BOTTOM,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
        id="body",
    )
    doc = BaseDocTemplate(
        buf,
        pagesize=PAGE,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=f"{DOCUMENT_TITLE}: {meta.name}",
        author="appraisal",
        subject=f"Economic and financial analysis, {meta.money}",
        creator=f"appraisal {__version__}",
        producer=f"appraisal {__version__} (ReportLab)",
        keywords="",
        invariant=1,
        pageCompression=1,
    )
    doc.addPageTemplates(
        [PageTemplate(id="title", frames=[frame]), PageTemplate(id="body", frames=[frame])]
    )
    story: list[Flowable] = _title_page(result)
    story += [NextPageTemplate("body"), PageBreak()]
    n = _Numbering()
    builders = (
        _section_project,
        _section_method,
        _section_economic,
        _section_financial,
        _section_ghg,
        _section_cobenefits,
        _section_uncertainty,
        _section_checks,
    )
    for i, build in enumerate(builders, start=1):
        n.start(i)
        if i > 1:
            story.append(CondPageBreak(220))
        story += build(result, n)
    footer_left = f"{meta.name}"
    footer_right = f"{meta.money}"
    doc.build(story, canvasmaker=_canvas_class(footer_left, footer_right))
    return buf.getvalue()
