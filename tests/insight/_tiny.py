"""A tiny labour data set (one segment, one occupation, ages 20-22) for hand checks."""

from __future__ import annotations

from typing import Any

from smartlogistics.insight.labour_data import LabourData

A = "assumption: hand-checked test value"


def tiny_tables(**overrides: Any) -> dict[str, Any]:
    """The tables as a mapping (edit before building to test a rule)."""
    tables: dict[str, Any] = {
        "base_year": 2025,
        "start_year": 2026,
        "end_year": 2027,
        "min_age": 20,
        "max_age": 22,
        "sources": {},
        "segments": [
            {"id": "hub", "name": "Hub", "unit": "t/year", "base_throughput": 1000,
             "base_jobs": 100, "source": A},
        ],
        "occupations": [
            {"id": "crew", "name": "Crew", "training_years": 2, "vacancy_rate": 0.2,
             "automation_rate": 0.1, "education_inflow": 8, "migration_inflow": 4, "source": A},
        ],
        "occupation_mix": [{"segment": "hub", "occupation": "crew", "share": 0.5, "source": A}],
        "age_profile": [
            {"occupation": "crew", "age_from": 20, "age_to": 21, "share": 0.5, "source": A},
            {"occupation": "crew", "age_from": 22, "age_to": 22, "share": 0.5, "source": A},
        ],
        "turnover": [
            {"occupation": "crew", "age_from": 20, "age_to": 22, "rate": 0.25, "source": A},
        ],
        "retirement": [{"age": 22, "probability": 0.5, "source": A}],
        "growth": [
            {"segment": "hub", "from_year": 2026, "to_year": 2027, "rate": 0.1, "source": A},
        ],
        "inflow_ages": [
            {"channel": "education", "age_from": 20, "age_to": 20, "share": 1, "source": A},
            {"channel": "migration", "age_from": 21, "age_to": 22, "share": 1, "source": A},
        ],
    }  # fmt: skip
    tables.update(overrides)
    return tables


def tiny_data(**overrides: Any) -> LabourData:
    """The tiny data set as :class:`LabourData`."""
    return LabourData(**tiny_tables(**overrides))
