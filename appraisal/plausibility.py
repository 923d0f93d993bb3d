"""Warnings on inputs that run but are probably wrong (JSON ``checks``; docs/methods.md s. 9).

Pure: the case and the component results in, :class:`~appraisal.result.Check`
rows out. What cannot be right (a negative cost) is refused when the case is read
(:mod:`appraisal.case_plausibility`); what is only suspicious is flagged here:

- ``implausible-input``: a carbon deflator of 1 while the named path's price year
  differs from the case's; an energy price below 1 per MWh for a carrier a
  component uses (a price typed per kWh, or in thousands); an economic discount
  rate below 0.03 (above 0.15 is ``real-nominal-mixed``, :mod:`appraisal.checks`).
- ``life-cut-no-residual``: a life cut at the horizon while ``case.residual_value``
  is "none": the assets' remaining value is counted as zero.
- ``jobs-double-counted``: indirect or induced multipliers set beside a jobs
  factor that already includes supply-chain jobs (they are not applied).
"""

from __future__ import annotations

from collections.abc import Sequence

from appraisal.case import Case
from appraisal.economics import CARBON_PATHS
from appraisal.result import Check, ComponentResult

__all__ = ["DISCOUNT_RATE_LOW", "ENERGY_PRICE_MIN", "plausibility_checks"]

DISCOUNT_RATE_LOW = 0.03  # below the lowest real social discount rate of the MDBs' guidance
ENERGY_PRICE_MIN = 1.0  # currency units per MWh: below it, a price was typed per kWh


def plausibility_checks(case: Case, comps: Sequence[ComponentResult]) -> list[Check]:
    """The ``implausible-input``, ``life-cut-no-residual`` and ``jobs-double-counted`` warnings.

    Parameters
    ----------
    case
        The validated case.
    comps
        The component results (``streams.remaining_life_years`` is read).

    Returns
    -------
    list of Check
        One warning per finding, in the order above; empty when none.
    """
    out: list[Check] = []
    e, meta = case.economic, case.meta
    spec = e.carbon_price
    path = CARBON_PATHS.get(spec) if isinstance(spec, str) else None
    base_year = getattr(path, "price_year", None)
    if base_year and base_year != meta.price_year and e.carbon_price_deflator == 1.0:
        out.append(
            Check(
                "implausible-input",
                "warning",
                f"economic.carbon_price_deflator is 1 but the carbon path {spec!r} is in "
                f"{base_year} prices and the case in {meta.price_year} prices: give the "
                f"deflator {meta.price_year}/{base_year}",
            )
        )
    used = {u.carrier for c in case.components for u in c.energy}
    prices = {"electricity": ("electricity.price", case.electricity_price)}
    prices |= {k: (f"carriers.{k}.price", v.price) for k, v in case.carriers.items()}
    for carrier in sorted(used):
        key, price = prices.get(carrier, ("", ENERGY_PRICE_MIN))
        if price < ENERGY_PRICE_MIN:
            out.append(
                Check(
                    "implausible-input",
                    "warning",
                    f"{key} is {price:g} {meta.currency} per MWh, below {ENERGY_PRICE_MIN:g}: "
                    "check that it is not a price per kWh (x 1,000 for per MWh)",
                )
            )
    if e.discount_rate < DISCOUNT_RATE_LOW:
        out.append(
            Check(
                "implausible-input",
                "warning",
                f"the economic discount rate {e.discount_rate:.2%} is below "
                f"{DISCOUNT_RATE_LOW:.0%}: the development banks' real rates are 3-12% "
                "(ADB 2017: 9%, 6% for mainly environmental projects)",
            )
        )
    if meta.residual_value == "none":
        for c in comps:
            left = c.streams.remaining_life_years if c.streams is not None else 0
            if left:
                out.append(
                    Check(
                        "life-cut-no-residual",
                        "warning",
                        f"{c.id}: economic life cut at the horizon with {left} years left "
                        "and case.residual_value 'none': the assets' remaining value counts "
                        "as zero (set 'straight-line' to count it)",
                    )
                )
    cb = case.cobenefits
    if cb.jobs_factor_basis != "direct" and (cb.indirect_multiplier or cb.induced_multiplier):
        out.append(
            Check(
                "jobs-double-counted",
                "warning",
                "cobenefits.jobs_factor_basis is 'direct-and-indirect' (the factor already "
                "counts supply-chain jobs) while indirect_multiplier or induced_multiplier is "
                "set: the multipliers are not applied; set them to 0",
            )
        )
    return out
