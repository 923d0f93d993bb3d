"""Co-benefits: jobs and local air pollutants (``docs/methods.md`` section 8)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from appraisal.case import Case
    from appraisal.streams import ComponentStreams

__all__ = [
    "JOBS_FACTOR_BASES",
    "Jobs",
    "construction_capital",
    "damage_cost_transfer",
    "is_construction_category",
    "jobs",
    "jobs_capital",
]

# What an employment factor counts (case field cobenefits.jobs_factor_basis)
JOBS_FACTOR_BASES = ("direct", "direct-and-indirect")
# Capital categories that buy no construction work: land changes hands, people are resettled
_NOT_CONSTRUCTION = ("land", "resettlement")


@dataclass(frozen=True)
class Jobs:
    """Gross jobs, split as NREL JEDI does: direct (on-site), indirect, induced."""

    direct: float
    indirect: float
    induced: float

    @property
    def total(self) -> float:
        return self.direct + self.indirect + self.induced


def jobs(
    spending_musd: float,
    factor: float,
    *,
    local_share: float = 1.0,
    indirect_multiplier: float = 0.0,
    induced_multiplier: float = 0.0,
    basis: str = "direct",
) -> Jobs:
    """Jobs from spending.

    Parameters
    ----------
    spending_musd
        Capital [US$ million] for construction job-years, or average annual
        O&M [US$ million per year] for operation jobs.
    factor
        Employment factor [job-years per US$ million] (e.g. 7.5 for efficiency
        and renewables, Garrett-Peltier 2017).
    local_share
        Share of the direct jobs that are local [share].
    indirect_multiplier, induced_multiplier
        Indirect and induced jobs per direct job [ratio]; applied only to a
        direct-only factor.
    basis
        What ``factor`` counts: "direct" (on-site jobs) or "direct-and-indirect"
        (an input-output factor that already includes supply-chain jobs). With the
        latter, ``direct`` holds the factor's direct and supply-chain jobs and the
        multipliers are not applied: adding them would count supply-chain jobs twice.

    Examples
    --------
    >>> jobs(10.0, 7.5, local_share=0.8).direct
    60.0
    >>> jobs(10.0, 7.5, indirect_multiplier=0.5, basis="direct-and-indirect").total
    75.0
    """
    direct = spending_musd * factor * local_share
    if basis != "direct":
        return Jobs(direct, 0.0, 0.0)
    return Jobs(direct, direct * indirect_multiplier, direct * induced_multiplier)


def is_construction_category(category: str) -> bool:
    """Whether a capital category pays for construction work (not land nor resettlement).

    >>> is_construction_category("civil_works"), is_construction_category("land_acquisition")
    (True, False)
    """
    name = category.lower()
    return not any(name == n or name.startswith(n + "_") for n in _NOT_CONSTRUCTION)


def construction_capital(
    capital_by_category: Mapping[str, float], tax_shares: Mapping[str, float]
) -> float:
    """The capital that creates construction work [money, financial prices].

    Parameters
    ----------
    capital_by_category
        Capital cost by category over the horizon [money, financial prices].
    tax_shares
        Share of taxes in each category's cost (``economic.cost_shares.<cat>.taxes``);
        a category without one is taken as untaxed [share].

    Notes
    -----
    Sum over categories of capital x (1 - tax share), leaving out land and
    resettlement (:func:`is_construction_category`): an employment factor per
    US$ of construction spending does not apply to a land purchase or to taxes,
    which are transfers (docs/methods.md section 8).

    Examples
    --------
    >>> construction_capital({"civil_works": 100.0, "land": 10.0}, {"civil_works": 0.1})
    90.0
    """
    return float(
        sum(
            amount * (1.0 - tax_shares.get(cat, 0.0))
            for cat, amount in capital_by_category.items()
            if is_construction_category(cat)
        )
    )


def jobs_capital(case: Case, streams: ComponentStreams) -> float:
    """A component's capital that creates construction work [money, financial prices].

    :func:`construction_capital` of its capital by category (the streams form: its
    one ``capital_category``, at the financial capital), with the tax shares of
    the case's ``economic.cost_shares``.
    """
    by_cat = {k: float(v.sum()) for k, v in streams.capital_by_category.items()}
    if streams.build_share is None:  # streams form: one category, its financial capital
        by_cat = dict.fromkeys(by_cat, float(streams.capital_financial.sum()))
    taxes = {k: v.get("taxes", 0.0) for k, v in case.economic.cost_shares.items()}
    return construction_capital(by_cat, taxes)


def damage_cost_transfer(value_source: float, income_ratio: float, elasticity: float) -> float:
    """Benefit transfer of a damage cost: V = V_source x (income ratio) ^ elasticity.

    Parameters
    ----------
    value_source
        Damage cost per tonne at the source [USD per t].
    income_ratio
        Income per capita of the project country over the source's [ratio].
    elasticity
        Income elasticity of the value [ratio].

    Examples
    --------
    >>> damage_cost_transfer(100.0, 0.25, 1.0)
    25.0
    """
    return value_source * income_ratio**elasticity
