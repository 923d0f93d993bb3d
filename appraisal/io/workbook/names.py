"""The output fields the workbook shows: key path, label, unit and number format.

Every figure the workbook names (``docs/workbook.md``, "Defined names") is listed
here once, in the order of its sheet. A key path is the JSON summary's
(``economic.eirr``); its defined name is
:func:`~appraisal.io.workbook.context.name_for` of it. The label beside a named
cell and its number format come from the result schema
(:mod:`appraisal.result_schema`: ``workbook_label`` and the format); the units
are spelled here as the sheets show them. Units written ``{money}`` and
``{currency}`` are filled in with the case's money unit and currency; a kind
(``money``, ``rate``, ``ratio``, ``tonnes``, ``per_tonne``, ``count``) names a
number format of :data:`appraisal.formatting.EXCEL_FORMATS`.
"""

from __future__ import annotations

from appraisal.formatting import EXCEL_FORMATS
from appraisal.result_schema import excel_format, output_field
from appraisal.streams import POLLUTANTS

__all__ = [
    "CARBON_PRICE_FIELDS",
    "CASE_FIELDS",
    "COBENEFIT_FIELDS",
    "ECONOMIC_FIELDS",
    "ECONOMIC_SETTINGS",
    "GHG_FIELDS",
    "LOAN_TERMS",
    "RATIO4",
    "SUMMARY_ROWS",
    "fmt",
]

RATIO4 = "0.0000"  # conversion factors, SERF, SWRF, deflator


def fmt(kind: str) -> str:
    """The Excel number format of a kind.

    >>> fmt("rate")
    '0.00%'
    """
    return EXCEL_FORMATS[kind]


def _named(*keys_units: tuple[str, str]) -> tuple[tuple[str, str, str, str | None], ...]:
    """(key path, label, unit, number format) of named cells: label and format from the schema."""
    return tuple(
        (key, output_field(key).workbook_label, unit, excel_format(key)) for key, unit in keys_units
    )


# Assumptions sheet: (key path, label, unit, number format); settings fixed when written
CASE_FIELDS = _named(
    ("schema_version", ""),
    ("case.name", ""),
    ("case.country", ""),
    ("case.currency", ""),
    ("case.unit", ""),
    ("case.price_year", "year"),
    ("case.first_year", "year"),
    ("case.years", "years"),
    ("case.first_year_discounted", ""),
)
CARBON_PRICE_FIELDS = _named(
    ("carbon_price.path", ""),
    ("carbon_price.path_price_year", "year"),
    ("carbon_price.deflator", "ratio"),
    ("carbon_price.description", ""),
    ("carbon_price.source", ""),
)
ECONOMIC_SETTINGS = _named(
    ("economic.discount_rate", "% per year, real"),
    ("economic.carbon_in_eirr", "TRUE/FALSE"),
    ("economic.pollutants_in_eirr", "TRUE/FALSE"),
)

# Economic cash flows sheet, under each block: (key path, label, unit, number format).
# The discount rate's named cell is on the Assumptions sheet; "pv_b1" is not a JSON
# key (PV of benefits with carbon, for the ENPV with carbon).
ECONOMIC_FIELDS: tuple[tuple[str, str, str, str | None], ...] = (
    ("economic.discount_rate", "Discount rate", "%", fmt("rate")),
    *_named(
        ("economic.pv_costs", "{money}"),
        ("economic.pv_benefits_without_carbon", "{money}"),
    ),
    ("pv_b1", "PV of benefits with carbon", "{money}", fmt("money")),
    *_named(
        ("economic.pv_carbon_value", "{money}"),
        ("economic.pv_pollutant_value", "{money}"),
        ("economic.enpv_without_carbon", "{money}"),
        ("economic.eirr_without_carbon", "%"),
        ("economic.bcr_without_carbon", "ratio"),
        ("economic.enpv_with_carbon", "{money}"),
        ("economic.eirr_with_carbon", "%"),
        ("economic.bcr_with_carbon", "ratio"),
        ("economic.enpv", "{money}"),
        ("economic.eirr", "%"),
        ("economic.bcr", "ratio"),
    ),
)

# GHG and abatement sheet, under each block: (key path, label, unit, number format)
GHG_FIELDS = _named(
    ("ghg.without_project_tco2e_total", "tCO2e"),
    ("ghg.with_project_tco2e_total", "tCO2e"),
    ("ghg.reduction_tco2e_total", "tCO2e"),
    ("ghg.reduction_years", "years"),
    ("ghg.reduction_tco2e_annual_average", "tCO2e per year"),
    ("abatement.pv_tco2e", "tCO2e"),
    ("abatement.pv_net_cost", "{money}"),
    ("abatement.cost_per_tco2e", "{currency} per tCO2e"),
    ("abatement.cost_per_tco2e_usd", "USD per tCO2e"),
)

# Co-benefits sheet, one column each: (key path, heading, unit, number format); "cap"
# and "om" are the inputs of the jobs, not JSON keys.
COBENEFIT_FIELDS: tuple[tuple[str, str, str, str | None], ...] = (
    ("", "Part", "", None),
    ("cap", "Capital, financial", "{money}", fmt("money")),
    ("om", "O&M a year, average of operating years", "{money}", fmt("money")),
    *_named(
        ("cobenefits.jobs_construction_direct", "job-years"),
        ("cobenefits.jobs_construction_indirect", "job-years"),
        ("cobenefits.jobs_construction_induced", "job-years"),
        ("cobenefits.jobs_construction_job_years", "job-years"),
        ("cobenefits.jobs_operation_direct", "jobs"),
        ("cobenefits.jobs_operation", "jobs"),
        *((f"cobenefits.pollutants_avoided_t.{p}", "t") for p in POLLUTANTS),
        ("cobenefits.pollutant_value_pv", "{money}"),
    ),
)

# Summary sheet: (label, defined name, hurdle: a defined name or a number, kind, unit)
SUMMARY_ROWS: tuple[tuple[str, str, str, str, str], ...] = (
    ("EIRR, with carbon", "economic_eirr_with_carbon", "economic_discount_rate", "rate", "%"),
    (
        "EIRR, without carbon",
        "economic_eirr_without_carbon",
        "economic_discount_rate",
        "rate",
        "%",
    ),
    ("EIRR, headline", "economic_eirr", "economic_discount_rate", "rate", "%"),
    ("ENPV, with carbon", "economic_enpv_with_carbon", "0", "money", "{money}"),
    ("ENPV, without carbon", "economic_enpv_without_carbon", "0", "money", "{money}"),
    ("BCR, with carbon", "economic_bcr_with_carbon", "1", "ratio", "ratio"),
    ("BCR, without carbon", "economic_bcr_without_carbon", "1", "ratio", "ratio"),
    ("FIRR", "financial_firr", "financial_wacc", "rate", "%"),
    ("FNPV at the WACC", "financial_fnpv", "0", "money", "{money}"),
    ("GHG reduction, total", "ghg_reduction_tco2e_total", "", "tonnes", "tCO2e"),
    (
        "Levelized abatement cost",
        "abatement_cost_per_tco2e",
        "",
        "per_tonne",
        "{currency} per tCO2e",
    ),
    ("Construction jobs", "cobenefits_jobs_construction_job_years", "", "count", "job-years"),
    ("Operation jobs", "cobenefits_jobs_operation", "", "count", "jobs"),
)

# Financial sheet, loan terms: (term, label, unit, number format)
LOAN_TERMS: tuple[tuple[str, str, str, str | None], ...] = (
    ("amount", "Amount", "{money}", fmt("money")),
    ("interest_rate", "Interest rate", "% per year", "0.00%"),
    ("tenor_years", "Tenor", "years", "0"),
    ("grace_years", "Grace period", "years", "0"),
    ("commitment_fee", "Commitment fee", "% per year", "0.00%"),
    ("capitalize_interest", "Interest during grace capitalised", "", None),
)
