"""The report's parameters: each notebook's parameters cell, and the checks a run's values pass
before anything runs (names, types, and the run configuration's choices and bounds)."""

from __future__ import annotations

import ast
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import ParameterError
from ..paths import NOTEBOOKS_DIR
from ..run import NOTEBOOK_PARAMETERS, check_value, notebook_parameters_of, run_parameter_names

__all__ = [
    "NUMBERED_NOTEBOOK", "RUN_PARAMETERS", "SUMMARY_NUMBER", "NotebookSpec", "notebook_parameters", "discover_notebooks",
    "resolve_parameters", "load_params_file", "parse_cli_value",
]

log = logging.getLogger(__name__)


#: Parameters the report injects into every notebook that declares them (the run configuration,
#: :mod:`framelab.run`, declares their types, defaults and help).
RUN_PARAMETERS = run_parameter_names()


@dataclass(frozen=True)
class NotebookSpec:
    """A notebook of the report and the parameters its tagged cell declares."""

    name: str
    path: Path
    parameters: dict[str, dict[str, Any]] = field(default_factory=dict)


def notebook_parameters(path: str | Path) -> dict[str, dict[str, Any]]:
    """Parse the ``parameters`` cell: ``{name: {"type": str, "default": value, "help": str}}``.

    Raises
    ------
    ParameterError
        The notebook has no cell tagged ``parameters``, or more than one, or a line that is
        not ``name: type = literal  # help``.
    """
    path = Path(path)
    try:  # plain JSON: importing nbformat costs a second the report need not pay here
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = [c for c in nb["cells"]
                 if "parameters" in c.get("metadata", {}).get("tags", [])]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        raise ParameterError(f"{path}: not a readable notebook ({type(err).__name__}: "
                             f"{err}); open and save it in JupyterLab") from None
    if len(cells) != 1:
        raise ParameterError(f"{path.name}: needs exactly one cell tagged 'parameters', "
                             f"found {len(cells)}")
    params: dict[str, dict[str, Any]] = {}
    source = cells[0].get("source", "")
    source = "".join(source) if isinstance(source, list) else str(source)
    for node in ast.parse(source).body:
        line = source.splitlines()[node.lineno - 1]
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, kind = node.target.id, ast.unparse(node.annotation)
            value_node = node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            name, kind, value_node = node.targets[0].id, "", node.value
        else:
            raise ParameterError(f"{path.name}: parameters cell line {node.lineno} is not "
                                 f"'name: type = value': {line.strip()!r}")
        try:
            default = ast.literal_eval(value_node) if value_node is not None else None
        except ValueError:
            raise ParameterError(f"{path.name}: parameter {name!r} needs a literal default, "
                                 f"got {line.strip()!r}") from None
        kind = kind or type(default).__name__
        params[name] = {"type": kind, "default": default,
                        "help": line.split("#", 1)[1].strip() if "#" in line else ""}
    return params


#: The report's notebooks are named ``NN_name.ipynb``; any other notebook (a user's
#: ``Untitled.ipynb``) is left alone.
NUMBERED_NOTEBOOK = re.compile(r"^\d\d_\w+\.ipynb$")
#: The number of the summary notebook, which every run (also ``--only``) reruns.
SUMMARY_NUMBER = "99"


def discover_notebooks(folder: Path = NOTEBOOKS_DIR,
                       only: Sequence[str] | None = None) -> list[NotebookSpec]:
    """The report's notebooks in run order (file name order), optionally a selection.

    Only numbered notebooks (:data:`NUMBERED_NOTEBOOK`, such as ``01_framing.ipynb``) belong
    to the report; others in ``folder`` are ignored, with a log message naming them.
    ``only`` entries match a notebook stem exactly or by its numeric prefix ("01"); the
    summary notebook (number :data:`SUMMARY_NUMBER`) is always added, so its page describes
    the run it is in.
    """
    found = sorted(p for p in Path(folder).glob("*.ipynb") if not p.name.startswith("."))
    paths = [p for p in found if NUMBERED_NOTEBOOK.match(p.name)]
    others = [p.name for p in found if p not in paths]
    if others:
        log.warning("not part of the report (its notebooks are named NN_name.ipynb), "
                    "ignored: %s in %s", ", ".join(others), folder)
    if not paths:
        raise ParameterError(f"no report notebooks (NN_name.ipynb) in {folder}"
                             + (f"; ignored: {', '.join(others)}" if others else ""))
    if only:
        stems = {p.stem: p for p in paths}
        chosen: list[Path] = []
        for want in only:
            hits = [p for s, p in stems.items() if s == want or s.split("_", 1)[0] == want]
            if not hits:
                raise ParameterError(f"--only {want!r} matches no notebook; available: "
                                     + ", ".join(stems))
            chosen.extend(h for h in hits if h not in chosen)
        chosen.extend(p for s, p in stems.items()
                      if s.startswith(SUMMARY_NUMBER + "_") and p not in chosen)
        paths = sorted(chosen)
    return [NotebookSpec(p.stem, p, notebook_parameters(p)) for p in paths]


def _coerce(name: str, value: Any, kind: str, where: str) -> Any:
    """Check ``value`` against the declared type ``kind``; convert where it is lossless."""
    base = kind.replace(" ", "")
    if base == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no"):
            return value.lower() in ("true", "yes")
    elif base == "int":
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
    elif base == "float":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        try:
            return float(value)
        except (TypeError, ValueError):
            pass
    elif base == "str":
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, (list, dict)):  # never joined: "a,b" would be matched as one word
            raise ParameterError(f"parameter {name}={value!r} is a {type(value).__name__}, but "
                                 f"{where} declares one {kind}; give a single value (for "
                                 "several, run once per value)")
    elif {t.strip() for t in base.split("|")} >= {"int", "str"}:
        if isinstance(value, (int, str)) and not isinstance(value, bool):
            return value
        if isinstance(value, float):
            return str(value)
    else:
        return value
    raise ParameterError(f"parameter {name}={value!r} ({type(value).__name__}) does not fit "
                         f"the type {kind} declared in {where}")


def parse_cli_value(raw: str) -> Any:
    try:
        return yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        return raw


def _describe(specs: Sequence[NotebookSpec]) -> str:
    lines = []
    for spec in specs:
        own = [f"{n}: {p['type']} = {p['default']!r}" for n, p in spec.parameters.items()]
        lines.append(f"  {spec.name}: " + "; ".join(own))
    return "\n".join(lines)


def resolve_parameters(
    specs: Sequence[NotebookSpec],
    run_params: Mapping[str, Any],
    user_params: Mapping[str, Any],
    per_notebook: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, dict[str, Any]]:
    """Work out each notebook's parameters, checking names and types before anything runs.

    ``run_params`` go to every notebook that declares them; ``user_params`` (from ``-p`` and
    ``--params``) must each be declared by at least one selected notebook; ``per_notebook``
    maps a notebook stem to parameters for that notebook only.
    """
    per_notebook = per_notebook or {}
    declared = {n for s in specs for n in s.parameters}
    unknown = sorted(set(user_params) - declared)
    names = {s.name for s in specs}
    for stem, params in per_notebook.items():
        if stem not in names:
            raise ParameterError(f"--params has a section {stem!r} but no such notebook runs; "
                                 "notebooks: " + ", ".join(sorted(names)))
        spec = next(s for s in specs if s.name == stem)
        unknown += [f"{stem}.{n}" for n in params if n not in spec.parameters]
    if unknown:
        raise ParameterError("unknown parameter(s) " + ", ".join(unknown)
                             + ". The notebooks declare:\n" + _describe(specs))
    resolved = {}
    for spec in specs:
        values = {}
        sources = [run_params, user_params, per_notebook.get(spec.name, {})]
        for source in sources:
            for name, value in source.items():
                if name in spec.parameters:
                    kind = spec.parameters[name]["type"]
                    values[name] = _coerce(name, value, kind, f"{spec.name}.ipynb")
        resolved[spec.name] = _check_constraints(spec.name, values)
    return resolved


def _check_constraints(notebook: str, values: dict[str, Any]) -> dict[str, Any]:
    """Apply the run configuration's choices and bounds to a configured notebook's values."""
    if notebook not in NOTEBOOK_PARAMETERS:
        return values
    declared = {p.name: p for p in notebook_parameters_of(notebook)}
    return {name: check_value(declared[name], value, f"{notebook}.ipynb")
            if name in declared else value for name, value in values.items()}


def load_params_file(path: str | Path, notebook_names: Sequence[str]
                     ) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """Read a ``--params`` YAML: top-level values, and sections named after notebooks."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as err:
        raise ParameterError(f"--params {path}: cannot read it ({err})") from None
    if not isinstance(data, dict):
        raise ParameterError(f"--params {path}: expected a mapping of name: value")
    sections = {k: v for k, v in data.items() if k in notebook_names and isinstance(v, dict)}
    flat = {k: v for k, v in data.items() if k not in sections}
    return flat, sections
