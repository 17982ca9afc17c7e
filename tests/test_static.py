"""Static checks: the library type-checks (mypy) and has no pyflakes-level errors (ruff)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from framelab.paths import PROJECT_ROOT


def _tool(name: str) -> str:
    path = shutil.which(name, path=str(PROJECT_ROOT / ".venv" / "bin")) or shutil.which(name)
    if path is None:
        pytest.skip(f"{name} not installed (pip install -e '.[dev]')")
    return path


def test_library_type_checks() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "lib/framelab"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_pyflakes_errors() -> None:
    result = subprocess.run([_tool("ruff"), "check", "--select", "F,E9", "lib", "tests",
                             "benchmarks", "scripts"], cwd=PROJECT_ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
