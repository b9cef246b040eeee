"""Insight: the labour market model, the programme KPI monitor and sector views.

Three programme projects are about knowing rather than moving freight: the labour
market project (demand and supply of qualified staff per occupation, ageing,
bottlenecks), the Smart Services Hub and Trade & Logistics projects (trade flows per
sector), and the cluster board (its targets followed). This package holds the models;
the CLI (``smartlogistics insight``), the report and the dashboard pages present them.

Importing it loads pydantic only; YAML is read on first use of a default table, and
Plotly only by :mod:`smartlogistics.insight.report`, which is not imported here.
"""

from smartlogistics.insight.cohort import CohortYear, project_cohorts
from smartlogistics.insight.kpis import (
    Indicator,
    KpiObservation,
    KpiProgress,
    KpiReport,
    assess_kpis,
    default_indicators,
    labour_observations,
    read_observations,
)
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
from smartlogistics.insight.pages import kpi_page_data, labour_page_data, sector_page_data
from smartlogistics.insight.periods import Period, parse_period
from smartlogistics.insight.scenario import (
    SCENARIO_PARAMETERS,
    Scenario,
    load_scenario,
    scenario_from_mapping,
)
from smartlogistics.insight.sectors import (
    MODES,
    SECTORS,
    SectorMapping,
    SectorReport,
    SectorRule,
    SectorSummary,
    Shipment,
    analyse_sectors,
    default_sector_mapping,
    load_sector_mapping,
    read_shipments,
)

__all__ = [
    "LABOUR_TABLES",
    "MODES",
    "SCENARIO_PARAMETERS",
    "SECTORS",
    "Bottleneck",
    "CalibrationRow",
    "CohortYear",
    "Indicator",
    "KpiObservation",
    "KpiProgress",
    "KpiReport",
    "LabourData",
    "LabourResult",
    "OccupationProjection",
    "Period",
    "Scenario",
    "SectorMapping",
    "SectorReport",
    "SectorRule",
    "SectorSummary",
    "Shipment",
    "analyse_sectors",
    "assess_kpis",
    "default_indicators",
    "default_labour_data",
    "default_sector_mapping",
    "difficulty_index",
    "kpi_page_data",
    "labour_observations",
    "labour_page_data",
    "load_labour_tables",
    "load_labour_yaml",
    "load_scenario",
    "load_sector_mapping",
    "parse_period",
    "project_cohorts",
    "project_labour",
    "read_observations",
    "read_shipments",
    "read_volumes",
    "scenario_from_mapping",
    "sector_page_data",
]
