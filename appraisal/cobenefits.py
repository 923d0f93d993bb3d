"""Co-benefits: jobs and local air pollutants (``docs/methods.md`` section 8)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Jobs", "damage_cost_transfer", "jobs"]


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
        Indirect and induced jobs per direct job [ratio].

    Examples
    --------
    >>> jobs(10.0, 7.5, local_share=0.8).direct
    60.0
    """
    direct = spending_musd * factor * local_share
    return Jobs(direct, direct * indirect_multiplier, direct * induced_multiplier)


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
