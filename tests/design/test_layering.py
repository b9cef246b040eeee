"""``design`` keeps HiGHS behind one private module and imports only errors from the platform."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

DESIGN = Path(__file__).resolve().parents[2] / "src" / "smartlogistics" / "design"


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_only_the_private_module_imports_highspy() -> None:
    for path in sorted(DESIGN.rglob("*.py")):
        names = _imports(path)
        if path.name != "_highs.py":
            assert not any(n.split(".")[0] == "highspy" for n in names), path.name
        for name in names:
            if name.startswith("smartlogistics"):
                allowed = ["smartlogistics.design", "smartlogistics.errors"]
                if path.name == "_highs.py":
                    allowed.append("smartlogistics._highs")
                assert name.startswith(tuple(allowed)), f"{path.name} imports {name}"
            assert name.split(".")[0] not in {"typer", "rich", "fastapi", "sqlalchemy"}


def test_importing_design_does_not_load_highs() -> None:
    code = "import sys, smartlogistics.design; print('highspy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.split() == ["False"]


def test_cli_module_does_not_load_the_solver() -> None:
    code = (
        "import sys, smartlogistics.cli.design; "
        "print('highspy' in sys.modules, 'numpy' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.split() == ["False", "False"]
