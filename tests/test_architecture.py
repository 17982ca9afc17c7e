"""The house's shape (docs/architecture.md): layers, no cycles, every module imports alone,
no private name imported across stages, modules of a readable size."""

from __future__ import annotations

import ast
import importlib
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from framelab.paths import PACKAGE_DIR, PROJECT_ROOT

MODULES = sorted(
    ".".join(("framelab", *p.relative_to(PACKAGE_DIR).with_suffix("").parts)).removesuffix(
        ".__init__") for p in PACKAGE_DIR.rglob("*.py"))
#: The stage subpackages; the top-level modules are the shared layer.
STAGES = sorted(p.name for p in PACKAGE_DIR.iterdir() if (p / "__init__.py").is_file())
MAX_LINES = 520


def test_layers_contract_is_kept() -> None:
    """import-linter's layers contract in pyproject.toml: nothing imports upward."""
    pytest.importorskip("importlinter")
    exe = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(exe) if exe.exists() else "lint-imports"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_import_cycles_between_modules() -> None:
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("framelab")
    modules = sorted(graph.modules)
    state: dict[str, int] = {}
    cycle: list[str] = []

    def visit(module: str, path: list[str]) -> bool:
        state[module] = 1
        for other in sorted(graph.find_modules_directly_imported_by(module)):
            # a package's __init__ importing its own private modules is its API, not a cycle
            if other.startswith(module + "."):
                continue
            if state.get(other) == 1:
                cycle.extend([*path[path.index(other):], other] if other in path else [other])
                return True
            if state.get(other) is None and visit(other, [*path, other]):
                return True
        state[module] = 2
        return False

    for module in modules:
        if state.get(module) is None and visit(module, [module]):
            break
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_every_module_imports_alone() -> None:
    """Each module imported first, in an interpreter with no framelab module loaded yet."""
    code = (
        "import importlib, sys, traceback\n"
        f"failed = []\n"
        f"for name in {MODULES!r}:\n"
        "    for loaded in [m for m in sys.modules if m == 'framelab' or m.startswith('framelab.')]:\n"
        "        del sys.modules[loaded]\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception:\n"
        "        failed.append(name + ': ' + traceback.format_exc().splitlines()[-1])\n"
        "print('\\n'.join(failed))\n"
        "sys.exit(1 if failed else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(MODULES) > 40


def _relative_imports(path: Path) -> list[tuple[str, list[str]]]:
    """(absolute module, names) of each relative ``from ... import`` in ``path``."""
    package = ".".join(("framelab", *path.relative_to(PACKAGE_DIR).parent.parts))
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package.split(".")
            base = base[:len(base) - node.level + 1]
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.append((target, [a.name for a in node.names]))
    return found


def _stage_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) >= 2 and parts[1] in STAGES else ""


def test_no_private_name_is_imported_across_stages() -> None:
    offences = []
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        here = ".".join(("framelab", *path.relative_to(PACKAGE_DIR).with_suffix("").parts))
        for target, names in _relative_imports(path):
            if _stage_of(target) == _stage_of(here):
                continue
            private = [n for n in names if n.startswith("_") and not n.startswith("__")]
            private_module = [p for p in target.split(".")[1:] if p.startswith("_")]
            if private or private_module:
                offences.append(f"{here} imports {private or names} from {target}")
    assert not offences, "\n".join(offences)


def test_modules_stay_readable_in_size() -> None:
    big = {str(p.relative_to(PACKAGE_DIR)): n for p in PACKAGE_DIR.rglob("*.py")
           if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not big, f"modules over {MAX_LINES} lines (split them by concern): {big}"


def test_importing_framelab_changes_no_process_state() -> None:
    code = ("import os, matplotlib\n"
            "mask = os.umask(0o022); os.umask(mask)\n"
            "rc = dict(matplotlib.rcParams); env = dict(os.environ)\n"
            f"import importlib\nfor m in {MODULES!r}: importlib.import_module(m)\n"
            "mask2 = os.umask(0o022); os.umask(mask2)\n"
            "assert mask == mask2, 'umask changed'\n"
            "assert dict(matplotlib.rcParams) == rc, 'rcParams changed'\n"
            "assert dict(os.environ) == env, 'environment changed'\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr


def _framelab_imports(path: Path) -> list[tuple[int, str, list[str]]]:
    """(line, module, names) of each framelab import in a script, at top level or in a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module \
                and node.module.split(".")[0] == "framelab":
            found.append((node.lineno, node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name, []) for a in node.names
                      if a.name.split(".")[0] == "framelab"]
    return found


def test_scripts_and_benchmarks_import_what_exists() -> None:
    """A moved or renamed name breaks a script only when someone runs it: catch it here."""
    scripts = sorted((PROJECT_ROOT / "scripts").glob("*.py")) + \
        sorted((PROJECT_ROOT / "benchmarks").glob("*.py"))
    broken = []
    for path in scripts:
        for line, module, names in _framelab_imports(path):
            where = f"{path.relative_to(PROJECT_ROOT)}:{line}"
            try:
                imported = importlib.import_module(module)
            except ImportError as exc:
                broken.append(f"{where}: {module}: {exc}")
                continue
            broken += [f"{where}: {module} has no {name!r}" for name in names
                       if not hasattr(imported, name)
                       and not (hasattr(imported, "__path__")
                                and importlib.util.find_spec(f"{module}.{name}"))]
        broken += [f"{path.relative_to(PROJECT_ROOT)}:{line}: {problem}"
                   for line, problem in _attribute_problems(path)]
    assert len(scripts) > 5
    assert not broken, "\n".join(broken)


def _attribute_problems(path: Path) -> list[tuple[int, str]]:
    """``stage.name`` uses in a script naming a missing or private attribute of a framelab module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bound: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and not node.level and node.module \
                and node.module.split(".")[0] == "framelab":
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if _is_module(full):
                    bound[alias.asname or alias.name] = full
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in bound:
            module = importlib.import_module(bound[node.value.id])
            name = node.attr
            if name.startswith("_") and not name.startswith("__"):
                problems.append((node.lineno, f"{bound[node.value.id]}.{name} is private"))
            elif not hasattr(module, name):
                problems.append((node.lineno, f"{bound[node.value.id]} has no {name!r}"))
    return problems


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, AttributeError):
        return False
