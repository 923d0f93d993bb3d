"""The risk analysis's inputs and drivers in the PDF annex (section 8, with :mod:`.risk`).

:func:`inputs_table`: each uncertain input's distribution, parameters and source
(the JSON ``risk.variables``). :func:`drivers_flowables`: what drives the ENPV's
spread, a table and a bar chart of ``result.risk.drivers`` (rank correlation with
the ENPV, share of its variance). Nothing is recomputed. Both name an input in
words (:func:`input_words`), not by its code in the case file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from reportlab.graphics.shapes import Drawing, Rect
from reportlab.platypus import Flowable

from appraisal import formatting as fmt
from appraisal.io.pdf import layout
from appraisal.io.pdf.drawing import Plot, fit_text, new_drawing, rich_string
from appraisal.io.pdf.styles import BLUE, GREY, LIGHT, RED, p
from appraisal.schema import field_by_key
from appraisal.uncertainty.streams import DELAY, SCALE_VARIABLES

if TYPE_CHECKING:
    from appraisal.uncertainty import RiskResult

__all__ = ["drivers_flowables", "input_words", "inputs_table"]

_PARAMS = ("min", "mode", "max", "mean", "sd")
# An uncertain input acts on what the sensitivity test's change of the same name acts
# on (appraisal.uncertainty.streams.Target); the case schema labels those changes.
_TEST_FIELD = {**{v: v for v in SCALE_VARIABLES}, DELAY: "delay_years"}


def input_words(label: str) -> str:
    """An uncertain input in words: ``[component:]name`` as a reader says it.

    A variable of the engine takes its sensitivity change's label in the case
    schema, less "Change in"; a benefit stream its name with spaces; a
    component's input ends with the component's id.

    >>> input_words("carbon_price"), input_words("bus:delay"), input_words("time_savings")
    ('Carbon value', 'Delay of benefits (years), bus', 'Time savings (benefit)')
    """
    component, _, name = label.rpartition(":")
    key = _TEST_FIELD.get(name)
    field = field_by_key().get(f"sensitivity.tests[].{key}") if key else None
    if field is not None and field.label:
        words = field.label.removeprefix("Change in ")
    else:
        words = f"{name.replace('_', ' ')} (benefit)"
    words = words[:1].upper() + words[1:]
    return f"{words}, {component}" if component else words


def inputs_table(variables: list[dict[str, Any]], n: layout.Numbering) -> list[Flowable]:
    """The uncertain inputs: distribution, its parameters as given, and the source."""
    rows = []
    for v in variables:
        params = ", ".join(f"{k} {layout.given(float(v[k]))}" for k in _PARAMS if k in v)
        name = input_words(str(v.get("id", v.get("name", ""))))
        rows.append([name, str(v["distribution"]), params,
                     str(v.get("source", "")) or "(no source given)"])  # fmt: skip
    t = layout.table(
        ["Input", "Distribution", "Parameters", "Source"],
        rows,
        [80, 60, 110, 240],
        text_cols=(0, 1, 2, 3),
    )
    return layout.captioned(
        f"{n.table()}: Uncertain inputs: distributions and sources",
        t,
        "A multiplier of the appraised value (1 = as appraised), or years for a delay.",
    )


def drivers_flowables(risk: RiskResult, n: layout.Numbering) -> list[Flowable]:
    """The drivers table and its chart (nothing when the analysis has no drivers)."""
    drivers = risk.drivers
    if drivers is None or not len(drivers):
        return []
    rs = risk.summary
    t = layout.frame_table(
        drivers,
        [
            ("variable", "Input", 140, lambda v: input_words(str(v))),
            ("rank_correlation", "Rank correlation with ENPV", 100, fmt.ratio),
            ("variance_share", "Share of ENPV variance", 100, fmt.rate),
            ("standardised_coefficient", "Standardised coefficient", 100, fmt.ratio),
        ],
    )
    r2 = layout.num(rs.get("drivers_r_squared"))
    story: list[Flowable] = [
        p(
            "What drives the risk: the rank (Spearman) correlation of each input's draws with the "
            f"ENPV, over the first {fmt.count(layout.num(rs.get('drivers_rank_draws')))} draws, "
            "and its share of the ENPV's variance: the squared standardised regression "
            "coefficients of a linear regression of the ENPV on all inputs over every draw, "
            f"normalised to sum to 1 (the regression explains R² = {fmt.ratio(r2)} of the "
            "variance)."
        )
    ]
    story += layout.captioned(f"{n.table()}: What drives the ENPV", t)
    names = [input_words(str(v)) for v in drivers["variable"]]
    shares = [layout.num(v) or 0.0 for v in drivers["variance_share"]]
    signs = [layout.num(v) or 0.0 for v in drivers["standardised_coefficient"]]
    story.append(
        layout.figure(
            f"{n.figure()}: Share of the ENPV's variance by input (red: raising the input "
            "lowers the ENPV)",
            _bars(names, shares, signs),
        )
    )
    return story


def _bars(names: list[str], shares: list[float], signs: list[float]) -> Drawing:
    """Horizontal bars of the variance shares, largest on top, 0 to 100%."""
    row_h = 18.0
    width, height = 480.0, 56 + row_h * max(len(names), 1)
    d = new_drawing(width, height, "")
    label_w = 130.0
    ticks = [0.0, 0.25, 0.5, 0.75, 1.0]
    plot = Plot(d, (label_w, 34, width - label_w - 12, height - 50), (0.0, 1.0), [0.0, 1.0])
    for t in ticks:
        plot.vline(t, LIGHT, 0.5)
    k = max(len(names), 1)
    for i, (name, share, sign) in enumerate(zip(names, shares, signs, strict=True)):
        yc = plot.y0 + plot.h - (i + 0.5) * (plot.h / k)
        color = RED if sign < 0 else BLUE
        w = max(plot.x(share) - plot.x0, 0.5)
        d.add(Rect(plot.x0, yc - 5, w, 10, fillColor=color, strokeColor=None))
        d.add(rich_string(label_w - 6, yc - 2.5, fit_text(name, label_w - 10, 7), anchor="end"))
    plot.vline(0.0, GREY, 0.6)
    plot.x_ticks(ticks, lambda t: f"{t:.0%}", "share of the ENPV's variance")
    return d
