"""Carbon value paths of the banks and governments that appraise today.

Each path is a versioned data file, ``appraisal/data/carbon_paths/<name>.toml``:
issuer, vintage, currency, price base year, discount basis, the values by year
as the source publishes them, the rules that fill the years between and beyond
them, and the source with its table (``docs/methods.md`` section 2). This module
reads them, converts a path into the case's currency and prices, compares the
paths a case lists, and finds the multiple of the chosen path at which the ENPV
is zero. Pure functions over numpy arrays.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from appraisal.finance import irr_detail, npv
from appraisal.schema import Problem

if TYPE_CHECKING:  # appraisal.case and appraisal.result import this module
    from appraisal.case import Case
    from appraisal.result import ComponentResult

__all__ = [
    "CarbonPath",
    "CarbonSettings",
    "ComparedPath",
    "carbon_paths",
    "carbon_problems",
    "carbon_summary",
    "chosen_path_usd",
    "compare_paths",
    "compared_paths",
    "path_exchange_rate",
    "switching_multiple",
]

FloatArray = npt.NDArray[np.float64]

RULES: Final = ("hold", "growth")
"""Outside the published years a path is held at its end value or grows at ``growth_rate``."""

_REQUIRED: Final = (
    "name",
    "issuer",
    "vintage",
    "currency",
    "price_year",
    "discount_basis",
    "description",
    "interpolation",
    "before_first",
    "after_last",
    "growth_rate",
    "source",
    "source_table",
    "provenance",
    "values",
)
_DEFLATOR_KEY: Final = re.compile(r"^[A-Z]{3}-[0-9]{4}$")


@dataclass(frozen=True)
class CarbonPath:
    """A named carbon value path, in its own currency and constant prices of ``price_year``.

    ``values`` are the published (year, value) points [currency per tCO2e];
    between two points the value is linear, before the first and after the last
    it is held (``"hold"``) or grows at ``growth_rate`` a year (``"growth"``)
    [decimal per year, real]. The other fields describe the source.
    """

    name: str
    issuer: str
    vintage: int
    currency: str
    price_year: int
    discount_basis: str
    description: str
    interpolation: str
    before_first: str
    after_last: str
    growth_rate: float
    source: str
    source_table: str
    provenance: str
    values: tuple[tuple[int, float], ...]

    def price(self, years: npt.ArrayLike) -> FloatArray:
        """Value in each calendar year [path currency per tCO2e, prices of ``price_year``].

        Notes
        -----
        Between published years ``y0 < y1``: ``v0 + (v1 - v0) * (y - y0) / (y1 - y0)``;
        before the first (after the last) year: that value, held or times
        ``(1 + growth_rate) ** (y - year)``.

        Examples
        --------
        >>> p = carbon_paths()["wb-2017-low"]
        >>> p.price([2019, 2025, 2031]).round(4).tolist()
        [40.0, 45.0, 51.125]
        """
        y = np.asarray(years, dtype=np.float64)
        if not self.values:
            return np.zeros_like(y)
        xs = np.array([x for x, _ in self.values], dtype=np.float64)
        vs = np.array([v for _, v in self.values], dtype=np.float64)
        out = np.empty_like(y)
        if xs.size > 1:
            seg = np.clip(np.searchsorted(xs, y, side="right") - 1, 0, xs.size - 2)
            x0, x1, v0, v1 = xs[seg], xs[seg + 1], vs[seg], vs[seg + 1]
            out = v0 + (v1 - v0) * (y - x0) / (x1 - x0)
        factor = 1.0 + self.growth_rate
        first, last = xs[0], xs[-1]
        before = vs[0] * factor ** (y - first) if self.before_first == "growth" else vs[0]
        after = vs[-1] * factor ** (y - last) if self.after_last == "growth" else vs[-1]
        out = np.where(y <= first, before, out)
        return np.asarray(np.where(y >= last, after, out), dtype=np.float64)


NONE: Final = CarbonPath(
    "none", "", 0, "", 0, "", "no carbon value", "", "hold", "hold", 0.0, "", "", "", ()
)


def _read(name: str, text: str) -> CarbonPath:
    raw: dict[str, Any] = tomllib.loads(text)
    missing = [k for k in _REQUIRED if k not in raw]
    if missing or raw["name"] != name:
        raise ValueError(f"carbon path file {name}.toml: missing {missing} or a wrong name")
    if raw["before_first"] not in RULES or raw["after_last"] not in RULES:
        raise ValueError(f"carbon path file {name}.toml: a rule is not one of {RULES}")
    values = tuple(sorted((int(y), float(v)) for y, v in raw["values"].items()))
    fields = {k: raw[k] for k in _REQUIRED if k != "values"}
    return CarbonPath(**{**fields, "growth_rate": float(raw["growth_rate"]), "values": values})


@cache
def carbon_paths() -> dict[str, CarbonPath]:
    """Every named path: the data files, sorted by name, then ``none`` (zero).

    Raises
    ------
    ValueError
        When a data file lacks a field or names a rule that does not exist.
    """
    folder = resources.files("appraisal").joinpath("data/carbon_paths")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    paths = {f.name[:-5]: _read(f.name[:-5], f.read_text("utf-8")) for f in files}
    return {**paths, "none": NONE}


# ---------------------------------------------------------------- case settings
@dataclass(frozen=True)
class CarbonSettings:
    """The case's carbon-path settings besides ``economic.carbon_price`` and its deflator.

    ``exchange_rates``: ``economic.carbon_exchange_rates`` [case currency per unit];
    ``deflators``: ``economic.carbon_price_deflators`` by ``CURRENCY-YEAR`` [ratio];
    ``compared``: ``economic.carbon_paths_compared`` (``all``, or names and commas).
    """

    exchange_rates: dict[str, float]
    deflators: dict[str, float]
    compared: str

    @classmethod
    def of(cls, case: Case) -> CarbonSettings:
        """Read from the validated case (its ``[economic]`` table, defaults filled)."""
        e = case.data.get("economic", {})
        return cls(
            dict(e.get("carbon_exchange_rates", {})),
            dict(e.get("carbon_price_deflators", {})),
            str(e.get("carbon_paths_compared", "all")),
        )


# ---------------------------------------------------------------- conversion
def path_exchange_rate(
    currency: str,
    *,
    case_currency: str,
    usd_per_currency_unit: float,
    rates: Mapping[str, float],
) -> float | None:
    """Case-currency units per unit of a path's currency, or None when none is stated.

    The case's own currency: 1. US$: ``1 / case.usd_per_currency_unit`` (the rate
    every US$ figure of the case uses). Another currency: the case's
    ``economic.carbon_exchange_rates``.

    >>> path_exchange_rate("EUR", case_currency="CNY", usd_per_currency_unit=0.15,
    ...     rates={"EUR": 7.8})
    7.8
    >>> path_exchange_rate("GBP", case_currency="USD", usd_per_currency_unit=1.0, rates={})
    """
    if currency in (case_currency, ""):
        return 1.0
    if currency == "USD":
        return 1.0 / usd_per_currency_unit
    return rates.get(currency)


@dataclass(frozen=True)
class ComparedPath:
    """A path as the case converts it: rate [case currency per path unit], deflator [ratio]."""

    path: CarbonPath
    exchange_rate: float
    deflator: float
    deflator_stated: bool

    def price(self, years: npt.ArrayLike) -> FloatArray:
        """[case currency per tCO2e, case prices]: path x deflator x exchange rate."""
        return self.path.price(years) * self.deflator * self.exchange_rate


def _deflator_key(p: CarbonPath) -> str:
    return f"{p.currency}-{p.price_year}"


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def compared_paths(
    *,
    chosen: str | Mapping[int, float],
    compared: str,
    case_currency: str,
    usd_per_currency_unit: float,
    rates: Mapping[str, float],
    deflator: float,
    deflators: Mapping[str, float],
) -> list[ComparedPath]:
    """The paths a case compares, each with its exchange rate and deflator.

    Parameters
    ----------
    chosen
        ``economic.carbon_price``: its path takes ``deflator``.
    compared
        ``economic.carbon_paths_compared``: ``"all"`` (every path in the case's
        currency or with a stated rate) or path names separated by commas.
    deflators
        ``economic.carbon_price_deflators`` by ``"<CURRENCY>-<price year>"``;
        a path not listed is taken at 1 (``deflator_stated`` False).

    Paths without a rate are left out of ``"all"``; :func:`carbon_problems`
    refuses a listed one.
    """
    known = carbon_paths()
    names = [n for n in known if n != "none"] if compared.strip() == "all" else _names(compared)
    out = []
    for name in names:
        p = known[name]
        rate = path_exchange_rate(
            p.currency,
            case_currency=case_currency,
            usd_per_currency_unit=usd_per_currency_unit,
            rates=rates,
        )
        if rate is None:
            continue
        if name == chosen:
            out.append(ComparedPath(p, rate, deflator, True))
        else:
            key = _deflator_key(p)
            out.append(ComparedPath(p, rate, deflators.get(key, 1.0), key in deflators))
    return out


def carbon_problems(d: Mapping[str, Any]) -> list[Problem]:
    """What a validated case gets wrong about its carbon paths, each naming its field.

    A chosen or listed path in another currency without a stated rate
    (``economic.carbon_exchange_rates.<CUR>``); an unknown name in
    ``economic.carbon_paths_compared``; a rate for US$ (that is
    ``case.usd_per_currency_unit``) or for the case's own currency; a
    deflator key not of the form ``EUR-2016``, or one that contradicts
    ``economic.carbon_price_deflator`` for the chosen path.
    """
    e, c = d.get("economic", {}), d.get("case", {})
    known = carbon_paths()
    rates = e.get("carbon_exchange_rates", {})
    problems: list[Problem] = []
    for cur in rates:
        if cur in ("USD", c.get("currency")):
            why = (
                "the US$ rate is case.usd_per_currency_unit"
                if cur == "USD"
                else "the case's own currency needs no rate"
            )
            problems.append(Problem(f"economic.carbon_exchange_rates.{cur}", why))
    compared = e.get("carbon_paths_compared", "all")
    listed = [] if compared.strip() == "all" else _names(compared)
    for name in listed:
        if name not in known or name == "none":
            choices = ", ".join(n for n in known if n != "none")
            problems.append(
                Problem(
                    "economic.carbon_paths_compared",
                    f"unknown carbon path {name!r}; expected all, or names from {choices} "
                    "separated by commas",
                )
            )
    chosen = e.get("carbon_price")
    for name in [*([chosen] if isinstance(chosen, str) else []), *listed]:
        p = known.get(name)
        if p is None:
            continue
        rate = path_exchange_rate(
            p.currency,
            case_currency=c.get("currency", ""),
            usd_per_currency_unit=c.get("usd_per_currency_unit", 1.0),
            rates=rates,
        )
        if rate is None:
            problems.append(
                Problem(
                    f"economic.carbon_exchange_rates.{p.currency}",
                    f"the carbon path {name} is in {p.currency} and no rate is stated; expected "
                    f"{c.get('currency')} per {p.currency} in the case's price year, e.g. "
                    f"carbon_exchange_rates = {{ {p.currency} = 1.1 }}",
                )
            )
    deflators = e.get("carbon_price_deflators", {})
    own = _deflator_key(known[chosen]) if isinstance(chosen, str) and chosen in known else None
    stated = e.get("carbon_price_deflator", 1.0)
    for key, value in deflators.items():
        where = f"economic.carbon_price_deflators.{key}"
        if not _DEFLATOR_KEY.match(key):
            problems.append(
                Problem(where, "expected a key of the form CURRENCY-YEAR, e.g. EUR-2016")
            )
        elif key == own and value != stated:
            problems.append(
                Problem(
                    where,
                    f"{value:g} differs from economic.carbon_price_deflator ({stated:g}) of the "
                    f"chosen path {chosen}; expected the same deflator in both",
                )
            )
    return problems


# ---------------------------------------------------------------- results
def compare_paths(
    paths: Sequence[ComparedPath],
    years: Sequence[int],
    net_without_carbon: npt.ArrayLike,
    reduction_tco2e: npt.ArrayLike,
    *,
    rate: float,
    unit_scale: float,
    first_year_discounted: bool = True,
) -> list[dict[str, Any]]:
    """ENPV and EIRR of the program under each path: ``carbon.paths`` of the JSON.

    Parameters
    ----------
    net_without_carbon
        Economic benefits less costs by year, without carbon [money per year].
    reduction_tco2e
        GHG reduction by year [tCO2e per year].
    rate
        Economic discount rate [decimal per year, real].
    unit_scale
        Currency units per money unit (1e6 for millions).

    Notes
    -----
    Net flow under path k: ``net + reduction x price_k / unit_scale``; ENPV its
    NPV at ``rate``, EIRR its unique real IRR (None with the reason otherwise).
    """
    net = np.asarray(net_without_carbon, dtype=np.float64)
    red = np.asarray(reduction_tco2e, dtype=np.float64)
    out = []
    for cp in paths:
        flows = net + red * cp.price(years) / unit_scale
        irr = irr_detail(flows)
        row: dict[str, Any] = {
            "path": cp.path.name,
            "description": cp.path.description,
            "currency": cp.path.currency,
            "path_price_year": cp.path.price_year,
            "exchange_rate": cp.exchange_rate,
            "deflator": cp.deflator,
            "deflator_stated": cp.deflator_stated,
            "enpv": float(npv(rate, flows, first_year_discounted=first_year_discounted)),
            "eirr": irr.value,
        }
        if irr.value is None:
            row["eirr_reason"] = irr.reason
        out.append(row)
    return out


def switching_multiple(enpv_without_carbon: float, pv_carbon_value: float) -> dict[str, Any]:
    """The multiple of the chosen path at which the ENPV with carbon is zero.

    ENPV is linear in the multiple m of the carbon path:
    ``ENPV(m) = ENPV_without + m x PV_carbon``, so ``m* = -ENPV_without / PV_carbon``.
    Null, with the reason, when the carbon value is zero, or when m* < 0: no
    positive multiple makes the ENPV zero (positive without carbon and carbon
    only adds; or negative without carbon and the project adds emissions).

    >>> switching_multiple(-30.0, 20.0)
    {'carbon_switching_multiple': 1.5}
    >>> switching_multiple(5.0, 20.0)["carbon_switching_multiple_reason"][:28]
    'ENPV is positive without any'
    """
    key = "carbon_switching_multiple"
    if pv_carbon_value == 0.0:
        return {key: None, f"{key}_reason": "the carbon value is zero (no path, or no tonnes)"}
    m = -enpv_without_carbon / pv_carbon_value + 0.0  # + 0.0: no -0.0
    if m >= 0.0:
        return {key: m}
    if pv_carbon_value > 0.0:
        why = (
            "ENPV is positive without any carbon value and the carbon value only adds to it: "
            "no multiple of the path makes it zero"
        )
    else:
        why = (
            "ENPV is negative without carbon and the project adds emissions, so the carbon "
            "value only lowers it: no multiple of the path makes it zero"
        )
    return {key: None, f"{key}_reason": why}


def chosen_path_usd(case: Case, years: Sequence[int]) -> tuple[FloatArray, FloatArray]:
    """The chosen path after and before the deflator [USD per tCO2e; case, path prices].

    The engine carries the carbon value in US$ per tonne and turns it into money
    with ``case.usd_per_currency_unit`` (the workbook's formulas do the same). A
    US$ path is taken as published; a path in another currency is first
    converted at its stated rate: ``value x rate x usd_per_currency_unit``. A
    table ``{year: price}`` is already in US$ of the case's prices (linear between
    years, flat outside).
    """
    e, meta = case.economic, case.meta
    spec = e.carbon_price
    if not isinstance(spec, str):
        xs = np.array(sorted(spec), dtype=np.float64)
        table = np.interp(np.asarray(years, dtype=np.float64), xs, [spec[int(k)] for k in xs])
        return table, table
    p = carbon_paths()[spec]
    base = p.price(years)
    if p.currency not in ("USD", ""):
        rate = path_exchange_rate(
            p.currency,
            case_currency=meta.currency,
            usd_per_currency_unit=meta.usd_per_currency_unit,
            rates=CarbonSettings.of(case).exchange_rates,
        )
        if rate is None:  # parse_case refuses it (carbon_problems); a hand-built Case may not
            raise ValueError(f"economic.carbon_exchange_rates.{p.currency}: no rate stated")
        base = base * rate * meta.usd_per_currency_unit
    return base * e.carbon_price_deflator, base


def carbon_summary(
    case: Case, years: Sequence[int], carbon_usd: FloatArray, program: ComponentResult
) -> tuple[dict[str, Any], pd.DataFrame]:
    """The JSON block ``carbon``, and the compared paths by year.

    The block: ``price_by_year``, ``{year: price}`` of the chosen path [case
    currency per tCO2e, case prices]; ``paths``, :func:`compare_paths` over
    ``economic.carbon_paths_compared``. The table: one column per compared path,
    years in rows [case currency per tCO2e, case prices].
    """
    e, meta, cs = case.economic, case.meta, CarbonSettings.of(case)
    price = np.asarray(carbon_usd, dtype=np.float64) / meta.usd_per_currency_unit
    paths = compared_paths(
        chosen=e.carbon_price,
        compared=cs.compared,
        case_currency=meta.currency,
        usd_per_currency_unit=meta.usd_per_currency_unit,
        rates=cs.exchange_rates,
        deflator=e.carbon_price_deflator,
        deflators=cs.deflators,
    )
    table = pd.DataFrame(
        {cp.path.name: cp.price(years) for cp in paths},
        index=pd.Index(list(years), name="year"),
        dtype=np.float64,
    )
    block = {
        "price_by_year": {str(int(y)): float(v) for y, v in zip(years, price, strict=True)},
        "paths": compare_paths(
            paths,
            years,
            program.economic["net_without_carbon"].to_numpy(),
            program.ghg["reduction"].to_numpy(),
            rate=e.discount_rate,
            unit_scale=meta.unit_scale,
            first_year_discounted=meta.first_year_discounted,
        ),
    }
    return block, table
