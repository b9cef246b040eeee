"""The dependency direction of docs/architecture.md, checked on the source tree."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "smartlogistics"

# For each subpackage: the platform modules it may import (prefix match).
ALLOWED: dict[str, tuple[str, ...]] = {
    "network": (
        "smartlogistics.errors",
        "smartlogistics.values",
        "smartlogistics.provenance",
        "smartlogistics.network",
    ),
    "emissions": (
        "smartlogistics.errors",
        "smartlogistics.values",
        "smartlogistics.provenance",
        "smartlogistics.emissions",
        "smartlogistics.network.mode",
        "smartlogistics.network.geo",
    ),
    "planner": (
        "smartlogistics.errors",
        "smartlogistics.config",
        "smartlogistics.values",
        "smartlogistics.provenance",
        "smartlogistics.network",
        "smartlogistics.emissions",
        "smartlogistics.planner",
        "smartlogistics._highs",
        "smartlogistics.tabular",
    ),
    "smartgate": (
        "smartlogistics.errors",
        "smartlogistics.values",
        "smartlogistics.provenance",
        "smartlogistics.config",
        "smartlogistics.smartgate",
        "smartlogistics.tabular",
    ),
    "hub": (
        "smartlogistics.errors",
        "smartlogistics.values",
        "smartlogistics.config",
        "smartlogistics.hub",
        "smartlogistics.db",
    ),
    "insight": (
        "smartlogistics.errors",
        "smartlogistics.values",
        "smartlogistics.provenance",
        "smartlogistics.config",
        "smartlogistics.tabular",
        "smartlogistics.insight",
    ),
    "db": ("smartlogistics.errors", "smartlogistics.config", "smartlogistics.db"),
    "design": (
        "smartlogistics.errors",
        "smartlogistics.values",
        "smartlogistics.provenance",
        "smartlogistics.design",
        "smartlogistics._highs",
        "smartlogistics.network",
        "smartlogistics.emissions",
        "smartlogistics.planner",
    ),
}

# The wiring layers (web, cli, twin, bridges) may import every part; they are not listed here.

# Libraries no model subpackage may import: I/O, HTTP, argv and heavy engines.
FORBIDDEN_LIBS = ("typer", "rich", "fastapi", "sqlalchemy", "httpx", "highspy", "lightgbm")

# Libraries a whole subpackage is about (the database layer is SQLAlchemy's).
PACKAGE_LIBS = {
    "db": ("sqlalchemy", "alembic"),
    # The hub is the ONE Record server: HTTP, its storage and its outbound deliveries.
    "hub": ("sqlalchemy", "fastapi", "httpx"),
}

# The one module of a subpackage that may import a heavy engine (kept out of its import).
ENGINE_MODULES = {
    "highspy": ("planner/_solver.py", "design/_highs.py"),
    "lightgbm": ("smartgate/model/_lgbm.py",),
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_subpackage_imports_only_what_the_design_allows(package: str) -> None:
    files = sorted((SRC / package).rglob("*.py"))
    assert files, f"no modules in {package}"
    for path in files:
        for name in _imports(path):
            if name == "smartlogistics":  # the root holds only __version__ and the error type
                continue
            if name.startswith("smartlogistics"):
                assert name.startswith(ALLOWED[package]), f"{path.name} imports {name}"
            lib = name.split(".")[0]
            relative = path.relative_to(SRC).as_posix()
            if relative in ENGINE_MODULES.get(lib, ()) or lib in PACKAGE_LIBS.get(package, ()):
                continue
            assert lib not in FORBIDDEN_LIBS, f"{relative} imports {name}"


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return {line.split(".")[0] for line in out.stdout.splitlines()}


def test_importing_the_package_stays_light() -> None:
    loaded = _modules_after("import smartlogistics")
    assert not loaded & {"pydantic", "yaml", "typer", "rich", "numpy"}


def test_network_and_emissions_do_not_pull_the_cli() -> None:
    loaded = _modules_after("import smartlogistics.network, smartlogistics.emissions")
    assert not loaded & {"typer", "rich", "sqlalchemy", "fastapi", "highspy"}


def test_hub_loads_rdflib_and_pyld_only_on_use() -> None:
    loaded = _modules_after("import smartlogistics.hub")
    assert not loaded & {"rdflib", "pyld", "fastapi", "sqlalchemy"}


def test_planner_and_design_load_highs_only_when_solving() -> None:
    loaded = _modules_after("import smartlogistics.planner, smartlogistics.design")
    assert not loaded & {"typer", "rich", "sqlalchemy", "fastapi", "highspy"}


def test_the_command_line_loads_no_engine_until_a_command_needs_it() -> None:
    loaded = _modules_after("import smartlogistics.cli")
    assert not loaded & {"highspy", "numpy", "pandas", "lightgbm", "sqlalchemy", "alembic"}


@pytest.mark.parametrize("package", ["twin", "bridges"])
def test_wiring_layers_twin_and_bridges_know_no_http_server_or_terminal(package: str) -> None:
    """The twin and the bridges run under the CLI, the web app and Dask workers alike."""
    for path in sorted((SRC / package).rglob("*.py")):
        for name in _imports(path):
            lib = name.split(".")[0]
            assert lib not in ("fastapi", "typer", "rich", "uvicorn"), f"{path.name} imports {name}"
            assert not name.startswith(("smartlogistics.cli", "smartlogistics.web")), name


def test_importing_the_twin_loads_no_dask_or_lightgbm() -> None:
    loaded = _modules_after("import smartlogistics.twin")
    assert not loaded & {"dask", "distributed", "lightgbm", "fastapi", "typer", "rich"}
