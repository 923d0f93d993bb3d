"""The case: typed, validated inputs of an appraisal.

A case is read from a file by a reader at the edge (``appraisal.io``), checked
against the schema (:mod:`appraisal.schema`), then checked across fields here
and turned into frozen dataclasses that the engine reads. The normalized
mapping (defaults filled in) is kept in :attr:`Case.data`: it is the canonical
form used to compare, convert and write cases.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from appraisal.carbon import carbon_problems
from appraisal.case_climate import climate_problems
from appraisal.case_finance import Fiscal, on_lent_problems
from appraisal.case_plausibility import plausibility_problems
from appraisal.schema import Problem, validate

__all__ = [
    "Activity",
    "Carrier",
    "Case",
    "CaseError",
    "Cobenefits",
    "Component",
    "Economic",
    "EnergyUse",
    "Financing",
    "FinancingSource",
    "Fiscal",
    "Grid",
    "Loan",
    "Meta",
    "parse_case",
]

UNIT_SCALE = {"unit": 1.0, "thousand": 1e3, "million": 1e6, "billion": 1e9}


class CaseError(ValueError):
    """A case has problems; ``problems`` lists each with its location."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}: {p}" for p in problems))


@dataclass(frozen=True)
class Meta:
    """Identity and time frame of the case."""

    name: str
    country: str
    description: str
    source: str
    currency: str
    unit: str
    usd_per_currency_unit: float
    price_year: int
    first_year: int
    years: int
    first_year_discounted: bool
    residual_value: str = "straight-line"  # or "none": docs/methods.md section 2

    @property
    def unit_scale(self) -> float:
        """Currency units per money unit (1e6 for "million")."""
        return UNIT_SCALE[self.unit]

    @property
    def calendar_years(self) -> list[int]:
        return list(range(self.first_year, self.first_year + self.years))

    @property
    def last_year(self) -> int:
        """The horizon's last calendar year [year]."""
        return self.first_year + self.years - 1

    @property
    def money(self) -> str:
        """E.g. 'USD million (2020 prices)'."""
        unit = "" if self.unit == "unit" else f" {self.unit}"
        return f"{self.currency}{unit} ({self.price_year} prices)"


@dataclass(frozen=True)
class Economic:
    """Parameters of the economic analysis."""

    discount_rate: float
    carbon_price: str | dict[int, float]
    carbon_price_deflator: float
    carbon_in_eirr: bool
    pollutants_in_eirr: bool
    numeraire: str
    serf: float
    swrf: float
    conversion_factors: dict[str, float]
    cost_shares: dict[str, dict[str, float]]
    sources: dict[str, str]


@dataclass(frozen=True)
class FinancingSource:
    """One row of ADB's WACC table."""

    name: str
    amount: float
    nominal_cost: float
    tax_rate: float
    inflation: float
    is_debt: bool
    source: str


@dataclass(frozen=True)
class Loan:
    """Loan terms."""

    amount: float
    interest_rate: float
    tenor_years: int
    grace_years: int
    repayment: str
    disbursement: tuple[float, ...]
    commitment_fee: float
    capitalize_interest: bool
    source: str


@dataclass(frozen=True)
class Financing:
    sources: tuple[FinancingSource, ...]
    loan: Loan | None
    lead: str = ""  # the source whose co-financing ratio is reported; "" for none
    borrower_pays_income_tax: bool = False  # only then does the program WACC take a tax shield


@dataclass(frozen=True)
class Grid:
    """Grid emission factors; paths are a number or {year: value}."""

    emission_factor: float | dict[int, float] | None
    operating_margin: float | dict[int, float] | None
    build_margin: float | dict[int, float] | None
    weight_operating_margin: float
    pm25: float
    so2: float
    nox: float
    source: str


@dataclass(frozen=True)
class Carrier:
    name: str
    emission_factor: float
    price: float
    pm25: float
    so2: float
    nox: float
    source: str


@dataclass(frozen=True)
class Cobenefits:
    jobs_construction_per_musd: float
    jobs_operation_per_musd: float
    jobs_local_share: float
    indirect_multiplier: float
    induced_multiplier: float
    income_ratio: float
    income_elasticity: float
    damage_costs: dict[str, float]
    sources: dict[str, str]
    jobs_factor_basis: str = "direct"  # or "direct-and-indirect": docs/methods.md section 8


@dataclass(frozen=True)
class EnergyUse:
    carrier: str
    without_mwh: float
    with_mwh: float
    technology: str
    source: str


@dataclass(frozen=True)
class Activity:
    name: str
    quantity_per_year: float
    unit: str
    value_per_unit: float
    growth: float
    source: str


@dataclass(frozen=True)
class Component:
    """A component, in one of two forms: explicit ``streams`` or ``parametric``."""

    id: str
    name: str
    description: str
    source: str
    carbon_credits_sold: bool
    form: str  # "streams" or "parametric"
    streams: dict[str, Any] = field(default_factory=dict)
    capital: dict[str, float] = field(default_factory=dict)
    start_year: int | None = None
    disbursement: tuple[float, ...] = (1.0,)
    life_years: int | None = None
    om_share: float = 0.0
    om_amount: float = 0.0
    ramp_up: tuple[float, ...] = ()
    energy: tuple[EnergyUse, ...] = ()
    activities: tuple[Activity, ...] = ()
    financial: dict[str, Any] | None = None
    climate_finance: dict[str, float] | None = None  # shares: mitigation, adaptation, dual
    flood_risk: dict[str, Any] | None = None  # return periods and damages, parametric only

    @property
    def revenue_earning(self) -> bool:
        """Whether the component earns revenue (enters the financial analysis)."""
        if self.financial is None:
            return False
        return (
            bool(self.financial.get("revenue")) or self.financial.get("revenue_per_year", 0.0) > 0
        )


@dataclass(frozen=True)
class Case:
    """A validated case. ``data`` is the normalized mapping it was built from."""

    meta: Meta
    economic: Economic
    financing: Financing
    grid: Grid
    carriers: dict[str, Carrier]
    electricity_price: float
    cobenefits: Cobenefits
    components: tuple[Component, ...]
    data: dict[str, Any]
    path: str = ""
    fiscal: Fiscal | None = None

    @property
    def slug(self) -> str:
        """File-name stem for outputs."""
        import re

        stem = self.path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
        stem = stem.rsplit(".", 1)[0] if "." in stem else stem
        if stem in ("case", ""):
            parts = self.path.replace("\\", "/").rstrip("/").split("/")
            stem = parts[-2] if len(parts) >= 2 else re.sub(r"\W+", "-", self.meta.name.lower())
        return re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-") or "case"

    @property
    def declared_risk_draws(self) -> int | None:
        """The draws of the case's own ``[risk]`` analysis, None when it declares no inputs.

        ``appraisal run`` runs a declared risk analysis with its draws and seed, one
        case alone or in a batch (issue 12).
        """
        section = self.data.get("risk") or {}
        return section.get("draws") if section.get("variables") else None


def _cross_checks(d: Mapping[str, Any], problems: list[Problem]) -> None:
    """Checks that involve more than one field."""
    case = d.get("case", {})
    first_year = case.get("first_year")
    years = case.get("years")
    if first_year is None or years is None:
        return
    last_year = first_year + years - 1
    carriers = d.get("carriers", {})
    seen: set[str] = set()
    for i, comp in enumerate(d.get("components", [])):
        path = f"components[{i}]"
        cid = comp.get("id")
        if cid is not None:
            if cid in seen:
                problems.append(Problem(f"{path}.id", f"duplicate id {cid!r}; ids must be unique"))
            seen.add(cid)
        has_streams = "streams" in comp
        has_capital = "capital" in comp
        if has_streams == has_capital:
            problems.append(
                Problem(
                    path,
                    "expected exactly one of [components.streams] (explicit yearly streams) "
                    "or [components.capital] (parametric form)",
                )
            )
            continue
        parametric_keys = ("life_years", "start_year", "energy", "activities")
        if has_streams:
            for key in ("life_years", "start_year"):
                if key in comp:
                    problems.append(
                        Problem(f"{path}.{key}", "only for the parametric form; remove it")
                    )
            for key in ("energy", "activities"):
                if comp.get(key):
                    problems.append(
                        Problem(f"{path}.{key}", "only for the parametric form; remove it")
                    )
            em = comp["streams"].get("emissions", {})
            if bool(em.get("without_project")) != bool(em.get("with_project")) and em:
                missing = "with_project" if em.get("without_project") else "without_project"
                problems.append(
                    Problem(
                        f"{path}.streams.emissions.{missing}",
                        "is missing; give both without_project and with_project",
                    )
                )
        else:
            del parametric_keys
            if "life_years" not in comp:
                problems.append(
                    Problem(
                        f"{path}.life_years",
                        "is missing; expected a whole number [years] for the parametric form",
                    )
                )
            if not comp["capital"]:
                problems.append(Problem(f"{path}.capital", "expected at least one cost category"))
            start = comp.get("start_year", first_year)
            if start < first_year or start > last_year:
                problems.append(
                    Problem(
                        f"{path}.start_year",
                        f"{start} is outside the case years; expected {first_year} to {last_year}",
                    )
                )
            elif start + len(comp.get("disbursement", [1.0])) - 1 > last_year:
                problems.append(
                    Problem(f"{path}.disbursement", "construction runs past the case horizon")
                )
            for j, e in enumerate(comp.get("energy", [])):
                carrier = e.get("carrier")
                if carrier is not None and carrier != "electricity" and carrier not in carriers:
                    known = ", ".join(["electricity", *carriers]) or "electricity"
                    problems.append(
                        Problem(
                            f"{path}.energy[{j}].carrier",
                            f"unknown carrier {carrier!r}; expected one of {known} "
                            "(define others in [carriers])",
                        )
                    )
                if carrier == "electricity":
                    grid = d.get("grid", {})
                    if "emission_factor" not in grid and not (
                        "operating_margin" in grid and "build_margin" in grid
                    ):
                        problems.append(
                            Problem(
                                "grid",
                                "electricity is used but no grid factor is given; expected "
                                "grid.emission_factor, or grid.operating_margin and "
                                "grid.build_margin",
                            )
                        )
        problems += climate_problems(comp, path, has_streams=has_streams)
        problems += plausibility_problems(comp, path)
        fin = comp.get("financial")
        if fin is not None and has_streams and fin.get("revenue_per_year"):
            problems.append(
                Problem(
                    f"{path}.financial.revenue_per_year",
                    "only for the parametric form; use financial.revenue (a stream)",
                )
            )
    loan = d.get("financing", {}).get("loan")
    if loan and "tenor_years" in loan and "grace_years" in loan:
        if loan["grace_years"] >= loan["tenor_years"]:
            problems.append(
                Problem(
                    "financing.loan.grace_years",
                    f"{loan['grace_years']} is not shorter than tenor_years "
                    f"{loan['tenor_years']}; expected grace < tenor",
                )
            )
        disb = loan.get("disbursement", [1.0])
        if len(disb) > loan["tenor_years"]:
            problems.append(
                Problem("financing.loan.disbursement", "has more years than the loan tenor")
            )
        else:
            # The rules of appraisal.finance.loan_schedule, reported where they are broken.
            n_disb = max((i + 1 for i, s in enumerate(disb) if s > 0), default=1)
            grace = loan["grace_years"]
            if 0 < grace < n_disb:
                problems.append(
                    Problem(
                        "financing.loan.grace_years",
                        f"{grace} ends before the last disbursement (loan year {n_disb - 1}); "
                        f"expected at least {n_disb}, or 0 to repay from the end of "
                        "disbursement",
                    )
                )
            elif max(grace, n_disb) >= loan["tenor_years"]:
                problems.append(
                    Problem(
                        "financing.loan.tenor_years",
                        f"{loan['tenor_years']} leaves no repayment year after grace and "
                        f"disbursement; expected more than {max(grace, n_disb)}",
                    )
                )
    problems += on_lent_problems(d)
    sources = d.get("financing", {}).get("sources", [])
    lead = d.get("financing", {}).get("lead", "")
    if lead and lead not in [s.get("name") for s in sources]:
        known = ", ".join(repr(s.get("name")) for s in sources) or "none declared"
        problems.append(
            Problem(
                "financing.lead", f"{lead!r} is not a financing source; expected one of {known}"
            )
        )
    if sources and sum(s.get("amount", 0.0) for s in sources) <= 0:
        problems.append(
            Problem("financing.sources", "the amounts sum to 0; expected a positive total")
        )
    shares = d.get("economic", {}).get("cost_shares", {})
    for cat, parts in shares.items():
        total = sum(parts.values())
        if abs(total - 1.0) > 1e-6:
            problems.append(
                Problem(f"economic.cost_shares.{cat}", f"shares sum to {total:g}; expected 1")
            )
    carbon = d.get("economic", {}).get("carbon_price")
    if isinstance(carbon, dict) and any(v < 0 for v in carbon.values()):
        problems.append(Problem("economic.carbon_price", "prices must not be negative"))


def parse_case(
    data: Mapping[str, Any],
    *,
    source: str = "<case>",
    locate: Callable[[str], str] | None = None,
) -> Case:
    """Validate a parsed case and build the typed :class:`Case`.

    Parameters
    ----------
    data
        The case as nested mappings (TOML tables, or what the template reader built).
    source
        Name of the file it came from, for messages.
    locate
        Maps a key path to the location shown in messages (e.g. a workbook cell);
        default: the key path itself.

    Raises
    ------
    CaseError
        With every problem found, each located.
    """
    normalized, problems = validate(data)
    if not problems:
        _cross_checks(normalized, problems)
        problems += carbon_problems(normalized)
    if problems:
        if locate is not None:
            problems = [Problem(locate(p.path), p.message) for p in problems]
        raise CaseError(source, problems)
    return _build(normalized, source)


def _path_value(v: Any) -> float | dict[int, float] | None:
    if v is None:
        return None
    if isinstance(v, dict):
        return {int(k): float(x) for k, x in v.items()}
    return float(v)


def _build(d: dict[str, Any], source: str) -> Case:
    c = d["case"]
    meta = Meta(
        name=c["name"],
        country=c["country"],
        description=c["description"],
        source=c["source"],
        currency=c["currency"],
        unit=c["unit"],
        usd_per_currency_unit=c["usd_per_currency_unit"],
        price_year=c["price_year"],
        first_year=c["first_year"],
        years=c["years"],
        first_year_discounted=c["first_year_discounted"],
        residual_value=c["residual_value"],
    )
    e = d["economic"]
    carbon = e["carbon_price"]
    economic = Economic(
        discount_rate=e["discount_rate"],
        carbon_price=carbon if isinstance(carbon, str) else {int(k): v for k, v in carbon.items()},
        carbon_price_deflator=e["carbon_price_deflator"],
        carbon_in_eirr=e["carbon_in_eirr"],
        pollutants_in_eirr=e["pollutants_in_eirr"],
        numeraire=e["numeraire"],
        serf=e["serf"],
        swrf=e["swrf"],
        conversion_factors=dict(e["conversion_factors"]),
        cost_shares={k: dict(v) for k, v in e["cost_shares"].items()},
        sources=dict(e["sources"]),
    )
    f = d["financing"]
    loan = f.get("loan")
    financing = Financing(
        sources=tuple(FinancingSource(**s) for s in f["sources"]),
        loan=None
        if loan is None
        else Loan(**{**loan, "disbursement": tuple(loan["disbursement"])}),
        lead=f.get("lead", ""),
        borrower_pays_income_tax=f.get("borrower_pays_income_tax", False),
    )
    g = d["grid"]
    grid = Grid(
        emission_factor=_path_value(g.get("emission_factor")),
        operating_margin=_path_value(g.get("operating_margin")),
        build_margin=_path_value(g.get("build_margin")),
        weight_operating_margin=g["weight_operating_margin"],
        pm25=g["pm25"],
        so2=g["so2"],
        nox=g["nox"],
        source=g["source"],
    )
    carriers = {name: Carrier(name=name, **v) for name, v in d["carriers"].items()}
    cb = d["cobenefits"]
    cobenefits = Cobenefits(
        jobs_construction_per_musd=cb["jobs_construction_per_musd"],
        jobs_operation_per_musd=cb["jobs_operation_per_musd"],
        jobs_local_share=cb["jobs_local_share"],
        indirect_multiplier=cb["indirect_multiplier"],
        induced_multiplier=cb["induced_multiplier"],
        income_ratio=cb["income_ratio"],
        income_elasticity=cb["income_elasticity"],
        damage_costs=dict(cb["damage_costs"]),
        sources=dict(cb["sources"]),
        jobs_factor_basis=cb["jobs_factor_basis"],
    )
    components = []
    for comp in d["components"]:
        common = {
            "id": comp["id"],
            "name": comp["name"],
            "description": comp["description"],
            "source": comp["source"],
            "carbon_credits_sold": comp["carbon_credits_sold"],
            "financial": comp.get("financial"),
            "climate_finance": comp.get("climate_finance"),
        }
        if "streams" in comp:
            components.append(Component(form="streams", streams=comp["streams"], **common))
        else:
            components.append(
                Component(
                    form="parametric",
                    capital=dict(comp["capital"]),
                    start_year=comp.get("start_year", meta.first_year),
                    disbursement=tuple(comp["disbursement"]),
                    life_years=comp["life_years"],
                    om_share=comp["om_share"],
                    om_amount=comp["om_amount"],
                    ramp_up=tuple(comp["ramp_up"]),
                    energy=tuple(EnergyUse(**x) for x in comp["energy"]),
                    activities=tuple(Activity(**x) for x in comp["activities"]),
                    flood_risk=comp.get("flood_risk"),
                    **common,
                )
            )
    return Case(
        meta=meta,
        economic=economic,
        financing=financing,
        grid=grid,
        carriers=carriers,
        electricity_price=d["electricity"].get("price", 0.0),
        cobenefits=cobenefits,
        components=tuple(components),
        data=d,
        path=source,
        fiscal=None
        if "fiscal" not in d
        else Fiscal(
            budget_revenue=_path_value(d["fiscal"]["budget_revenue"]) or 0.0,
            inflation=d["fiscal"]["inflation"],
            max_burden_share=d["fiscal"]["max_burden_share"],
            source=d["fiscal"]["source"],
        ),
    )
