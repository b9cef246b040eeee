"""SmartGate Cargo: green/red lane risk screening of air cargo from ICS2 pre-loading data.

Rules owned by each agency (customs, security, product safety) and a LightGBM risk model run
in one pass and produce one decision: GREEN, RFI, RED or DNL with its ONE Record customs
status code and its reasons. The package stands on its own: adapters turn ONE Record
objects into its input, and the decision log lives in the platform database (``db``).
Heavy libraries (pandas, LightGBM) load only when a model is trained or used.
"""

from smartlogistics.smartgate.capacity import CapacityThreshold
from smartlogistics.smartgate.consignment import CSV_COLUMNS, PLACI_ELEMENTS, Consignment
from smartlogistics.smartgate.consignment_io import (
    consignments_text,
    parse_consignments,
    read_consignments,
    write_consignments,
)
from smartlogistics.smartgate.decision import Decision
from smartlogistics.smartgate.history import generate_history, write_history_csv
from smartlogistics.smartgate.lanes import Lane, Stage, status_code
from smartlogistics.smartgate.model import ColumnSpec, RiskModel, evaluate, read_table, train
from smartlogistics.smartgate.onerecord import consignment_from_onerecord
from smartlogistics.smartgate.rules import Agency, Outcome, RuleHit, RuleSet, Severity, load_config
from smartlogistics.smartgate.screening import RiskScorer, Screener

__all__ = [
    "CSV_COLUMNS",
    "PLACI_ELEMENTS",
    "Agency",
    "CapacityThreshold",
    "ColumnSpec",
    "Consignment",
    "Decision",
    "Lane",
    "Outcome",
    "RiskModel",
    "RiskScorer",
    "RuleHit",
    "RuleSet",
    "Screener",
    "Severity",
    "Stage",
    "consignment_from_onerecord",
    "consignments_text",
    "evaluate",
    "generate_history",
    "load_config",
    "parse_consignments",
    "read_consignments",
    "read_table",
    "status_code",
    "train",
    "write_consignments",
    "write_history_csv",
]
