"""``import smartlogistics.insight`` stays light: no YAML, Plotly, pandas or NumPy."""

from __future__ import annotations

import subprocess
import sys

import smartlogistics.insight as insight


def test_import_is_light() -> None:
    code = "import sys, smartlogistics.insight; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    loaded = {name.split(".")[0] for name in out.stdout.split()}
    assert not loaded & {"yaml", "plotly", "pandas", "numpy", "typer", "rich"}


def test_public_names_are_exported() -> None:
    assert sorted(insight.__all__) == sorted(set(insight.__all__))
    for name in insight.__all__:
        assert hasattr(insight, name), name
    for name in ("labour_page_data", "kpi_page_data", "sector_page_data"):
        assert name in insight.__all__
