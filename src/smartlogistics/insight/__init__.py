"""Insight: the labour market model, the programme KPI monitor and sector views.

Three programme projects are about knowing rather than moving freight: the labour
market project (demand and supply of qualified staff per occupation, ageing,
bottlenecks), the Smart Services Hub and Trade & Logistics projects (trade flows per
sector), and the cluster board (its targets followed). This package holds the models;
the CLI (``smartlogistics insight``), the report and the dashboard pages present them.

Importing it loads pydantic only; YAML, Plotly and the report are loaded on use.
"""

from smartlogistics.insight.cohort import CohortYear, project_cohorts
from smartlogistics.insight.labour import (
    Bottleneck,
    CalibrationRow,
    LabourResult,
    OccupationProjection,
    difficulty_index,
    project_labour,
)
from smartlogistics.insight.labour_data import LabourData, default_labour_data, load_labour_yaml
from smartlogistics.insight.labour_io import LABOUR_TABLES, load_labour_tables, read_volumes
from smartlogistics.insight.scenario import (
    SCENARIO_PARAMETERS,
    Scenario,
    load_scenario,
    scenario_from_mapping,
)

__all__ = [
    "LABOUR_TABLES",
    "SCENARIO_PARAMETERS",
    "Bottleneck",
    "CalibrationRow",
    "CohortYear",
    "LabourData",
    "LabourResult",
    "OccupationProjection",
    "Scenario",
    "default_labour_data",
    "difficulty_index",
    "load_labour_tables",
    "load_labour_yaml",
    "load_scenario",
    "project_cohorts",
    "project_labour",
    "read_volumes",
    "scenario_from_mapping",
]
