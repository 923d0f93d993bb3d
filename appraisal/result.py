"""The result object every output is rendered from.

:func:`appraisal.appraise` returns an :class:`AppraisalResult`. Its pandas
tables hold the yearly figures; its :attr:`~AppraisalResult.summary` is the
JSON contract (``docs/json-summary.md``). The JSON file, the workbook, the PDF
and the terminal table are all rendered from this one object.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from appraisal.case import Case
from appraisal.fiscal import FiscalResult
from appraisal.streams import ComponentStreams

if TYPE_CHECKING:  # the uncertainty package imports numpy/scipy machinery: types only
    from appraisal.uncertainty import RiskResult, SensitivityResult

__all__ = ["AppraisalResult", "Check", "ClimateFinanceResult", "ComponentResult", "to_json"]


@dataclass(frozen=True)
class Check:
    """A finding of the checks: ``severity`` is "warning" or "info"."""

    code: str
    severity: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message}


@dataclass(frozen=True)
class ComponentResult:
    """Yearly tables and indicators of one component, or of the whole program.

    Attributes
    ----------
    economic
        By year: ``capital`` (net of the residual value), ``operating``,
        ``residual_value`` (in the horizon's last year), ``benefit:<name>`` for each benefit,
        ``carbon_value``, ``pollutant_value``, ``costs``, ``benefits_without_carbon``
        (what enters the EIRR besides carbon), ``net_without_carbon``,
        ``net_with_carbon`` [money per year, economic prices].
    financial
        By year: ``capital``, ``operating``, ``revenue``, ``income_tax``,
        ``residual_value``, ``net`` (after tax, with the residual value) [money per
        year, financial prices, real]; for a component also
        ``price_index``, ``income_tax_nominal``, ``cash_available_nominal`` and,
        with an on-lent loan, ``debt_service_nominal``,
        ``principal_repaid_nominal``, ``dscr`` (see
        :func:`appraisal.entity_finance.entity_analysis`); None when it earns no
        revenue.
    ghg
        By year: ``without_project``, ``with_project``, ``reduction`` [tCO2e].
    pollutants
        By year: tonnes avoided of ``pm25``, ``so2``, ``nox`` [t].
    summary
        The component's JSON blocks (``economic``, ``financial``, ``ghg``,
        ``abatement``, ``cobenefits``).
    capital_by_category
        Capital cost by year (rows) and category (columns) [money per year,
        financial prices, or the basis the case gives]; None when not split.
    conversion_factors
        The conversion factor applied to each cost category and benefit [ratio].
    streams
        The engine's yearly streams of the component (for the program: their sum)
        at financial and economic prices, with the build schedule
        (``build_share``) and operating years of a parametric component
        (see :class:`appraisal.streams.ComponentStreams`). Writers render these;
        they never recompute them.
    """

    id: str
    name: str
    economic: pd.DataFrame
    financial: pd.DataFrame | None
    ghg: pd.DataFrame
    pollutants: pd.DataFrame
    summary: dict[str, Any]
    capital_by_category: pd.DataFrame | None = None
    conversion_factors: dict[str, float] = field(default_factory=dict)
    streams: ComponentStreams | None = None

    @property
    def capital_cost(self) -> float:
        """Capital cost over the horizon, undiscounted [money, economic prices].

        Gross: the ``capital`` column is net of the residual value, added back here.
        """
        e = self.economic
        residual = e["residual_value"].sum() if "residual_value" in e else 0.0
        return float(e["capital"].sum() + residual)

    @property
    def benefit_names(self) -> list[str]:
        return [c.split(":", 1)[1] for c in self.economic.columns if c.startswith("benefit:")]


@dataclass(frozen=True)
class ClimateFinanceResult:
    """Climate-finance tracking, GCF-style indicators and flood damage avoided.

    Attributes
    ----------
    table
        One row per component and a last row ``program`` (index: the ids), columns
        ``name``, ``capital`` [money, financial prices, undiscounted], ``mitigation``,
        ``adaptation``, ``dual``, ``total`` [money], ``share_of_cost`` [share of
        capital; NaN without capital], ``reduction_tco2e_lifetime`` [tCO2e over each
        component's whole life, undiscounted], ``investment_per_tco2e_lifetime``
        [whole currency units per tCO2e; NaN without a reduction].
    by_source
        One row per financing source: ``name``, ``amount`` [money], and its pro-rata
        ``mitigation``, ``adaptation``, ``dual``, ``total`` [money].
    flood
        For each component with a flood-risk curve (by id): the damage table of
        :func:`appraisal.adaptation.damage_curve` and the EADs
        (``ead_without``, ``ead_with``, ``avoided_ead`` [money per year]).
    lead, lead_amount, cofinance_ratio
        The financing source named by ``financing.lead`` ("" for none), its amount
        [money] and the other sources' total over it [ratio]; None without a lead.
    blocks
        The JSON blocks this adds, by component id (``program`` for the program):
        ``ghg``/``abatement`` keys, ``climate_finance``, ``adaptation``, ``financing``.
    """

    table: pd.DataFrame
    by_source: pd.DataFrame
    flood: dict[str, tuple[pd.DataFrame, dict[str, float]]]
    lead: str
    lead_amount: float | None
    cofinance_ratio: float | None
    blocks: dict[str, dict[str, dict[str, Any]]]


@dataclass(frozen=True)
class AppraisalResult:
    """Everything an appraisal computes for a case.

    Attributes
    ----------
    case
        The validated inputs.
    carbon_price
        Carbon value by year [USD per tCO2e, case prices]: a path in another
        currency converted at its stated rate (``docs/methods.md`` section 2).
    carbon_price_path
        The named carbon path's value by year before the deflator [USD per
        tCO2e, the path's price year; a EUR or GBP path converted to US$ at its
        stated rate]; for a table given by the case, the same as ``carbon_price``.
    carbon_prices_compared
        Each path of ``economic.carbon_paths_compared`` by year, one column per
        path, converted with its exchange rate and deflator [case currency per
        tCO2e, case prices] (JSON ``carbon.paths``).
    all_streams
        Every component's streams summed, at financial prices too (unlike
        ``program.streams``, whose financial streams count only the
        revenue-earning components): what the program's jobs are computed from.
    damage_cost_per_t
        Damage cost of each local pollutant (``pm25``, ``so2``, ``nox``),
        transferred to the case's country by income ratio and elasticity
        [USD per t, case prices].
    components
        One :class:`ComponentResult` per component, in case order.
    program
        The program: the sum of the components (financial: of the revenue-earning ones).
    wacc_table
        ADB's WACC table (see :func:`appraisal.finance.wacc_table`), or None.
    loan_schedule
        The loan schedule by calendar year, or None (see
        :func:`appraisal.program_finance.loan_schedule_by_year`).
    mac
        MAC-curve data (see :func:`appraisal.abatement.mac_curve`).
    checks
        Findings: several IRRs or none, real and nominal mixed, missing sources,
        carbon counted twice, lives cut at the horizon.
    summary
        The JSON contract.
    sensitivity
        ADB's standard sensitivity tests with switching values, or None (see
        :mod:`appraisal.uncertainty`; JSON block ``sensitivity``).
    risk
        Monte Carlo risk analysis, or None when not run (JSON block ``risk``).
    climate_finance
        Climate-finance tracking, GCF-style indicators and flood damage avoided
        (JSON blocks ``climate_finance``, ``financing``, ``adaptation``), or None.
    fiscal
        The program's burden on the city's budget by year (``[fiscal]``; see
        :class:`appraisal.fiscal.FiscalResult`; JSON block ``fiscal``), or None.
    entity_wacc
        By revenue-earning component id: the WACC table of the financing it
        carries (:func:`appraisal.entity_finance.entity_wacc_sources`).
    """

    case: Case
    carbon_price: pd.Series
    components: tuple[ComponentResult, ...]
    program: ComponentResult
    wacc_table: pd.DataFrame | None
    loan_schedule: pd.DataFrame | None
    mac: pd.DataFrame
    checks: tuple[Check, ...]
    summary: dict[str, Any]
    carbon_price_path: pd.Series | None = None
    damage_cost_per_t: dict[str, float] = field(default_factory=dict)
    all_streams: ComponentStreams | None = None
    sensitivity: SensitivityResult | None = None
    risk: RiskResult | None = None
    climate_finance: ClimateFinanceResult | None = None
    fiscal: FiscalResult | None = None
    entity_wacc: dict[str, pd.DataFrame] = field(default_factory=dict)
    carbon_prices_compared: pd.DataFrame | None = None

    def component(self, component_id: str) -> ComponentResult:
        """The result of one component, by id ("program" for the program)."""
        if component_id == "program":
            return self.program
        for c in self.components:
            if c.id == component_id:
                return c
        raise KeyError(component_id)

    @property
    def cashflows(self) -> pd.DataFrame:
        """Economic cash flows of every component and the program, long format.

        Columns: ``component``, ``year``, ``item``, ``value`` [money, economic].
        """
        frames = []
        for c in (*self.components, self.program):
            long = (
                c.economic.rename_axis("year")
                .reset_index()
                .melt(id_vars="year", var_name="item", value_name="value")
            )
            long.insert(0, "component", c.id)
            frames.append(long)
        return pd.concat(frames, ignore_index=True)

    @property
    def ghg(self) -> pd.DataFrame:
        """Emissions by year (rows) and component (column level 0) [tCO2e]."""
        return pd.concat({c.id: c.ghg for c in (*self.components, self.program)}, axis=1)

    def to_json(self) -> str:
        """The JSON summary text (deterministic: same result, same bytes)."""
        return to_json(self.summary)

    def _repr_html_(self) -> str:
        """Jupyter's view: the key results table and the checks (:mod:`appraisal.notebook`)."""
        from appraisal.notebook import result_html  # checks imports this module

        return result_html(self.summary)


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return None if not math.isfinite(value) else value
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return _clean(value.item())
    return value


def to_json(summary: dict[str, Any]) -> str:
    """Serialize a summary: NaN and infinities become null, keys keep their order."""
    return json.dumps(_clean(summary), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
