"""Shared fixtures: the cases shipped in cases/ and small helpers."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
CASE_FILES = sorted(CASES.glob("*/case.toml"))


def case_data(name: str) -> dict[str, Any]:
    """The raw TOML mapping of a shipped case (a fresh copy)."""
    return copy.deepcopy(tomllib.loads((CASES / name / "case.toml").read_text("utf-8")))


@pytest.fixture(scope="session")
def xiangtan_result() -> Any:
    import appraisal

    return appraisal.appraise(appraisal.load_case(CASES / "xiangtan" / "case.toml"))


def minimal_case(**economic: Any) -> dict[str, Any]:
    """The explicit-streams example of the issue, as a mapping."""
    return {
        "case": {
            "name": "Example",
            "currency": "USD",
            "unit": "million",
            "price_year": 2020,
            "first_year": 2021,
            "years": 25,
            "first_year_discounted": True,
        },
        "economic": {"discount_rate": 0.09, "carbon_price": "adb-2017", **economic},
        "components": [
            {
                "id": "bus-priority",
                "name": "Bus priority corridors",
                "streams": {
                    "basis": "economic",
                    "capital": [12.0, 20.5, 8.0],
                    "operating": [0, 0, 0.4, 0.4],
                    "benefits": {"time_savings": [0, 0, 3.1, 3.4, 3.6] + [3.6] * 20},
                    "emissions": {
                        "without_project": [0, 0, 52000, 53000],
                        "with_project": [0, 0, 31000, 31500],
                    },
                },
            }
        ],
    }
