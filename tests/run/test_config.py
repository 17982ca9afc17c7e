"""The run configuration is the one source of every parameter: notebooks, CLI and report agree."""

from __future__ import annotations

import json

import pytest
from framelab.cli import build_parser
from framelab.errors import ParameterError
from framelab.paths import NOTEBOOKS_DIR
from framelab.report import discover_notebooks, notebook_parameters, resolve_parameters
from framelab.run import (
    NOTEBOOK_PARAMETERS,
    RUN_PARAMETERS,
    Parameter,
    check_value,
    describe_parameters,
    notebook_parameters_of,
    parameters_cell,
)


def test_every_notebook_is_configured_and_every_configured_notebook_exists() -> None:
    stems = {p.stem for p in NOTEBOOKS_DIR.glob("*.ipynb")}
    assert stems == set(NOTEBOOK_PARAMETERS)


@pytest.mark.parametrize("stem", sorted(NOTEBOOK_PARAMETERS))
def test_parameters_cell_matches_the_configuration(stem: str) -> None:
    path = NOTEBOOKS_DIR / f"{stem}.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", []))
    assert "".join(cell["source"]) == parameters_cell(stem), (
        f"{path.name}: run 'python scripts/sync_parameters.py' after changing the configuration")
    parsed = notebook_parameters(path)
    declared = notebook_parameters_of(stem)
    assert list(parsed) == [p.name for p in declared]
    for p in declared:
        assert parsed[p.name] == {"type": p.type, "default": p.default, "help": p.help}


def test_a_name_means_one_thing() -> None:
    """A parameter shared by notebooks has one type everywhere, and the old ambiguous 'seed'
    is gone (bootstrap_seed for intervals, minhash_seed for MinHash)."""
    kinds: dict[str, set[str]] = {}
    for stem in NOTEBOOK_PARAMETERS:
        for p in notebook_parameters_of(stem):
            kinds.setdefault(p.name, set()).add(p.type)
    assert all(len(k) == 1 for k in kinds.values()), kinds
    assert "seed" not in kinds
    assert {"bootstrap_seed", "minhash_seed"} <= set(kinds)


def test_cli_options_take_help_choices_and_defaults_from_the_configuration() -> None:
    report = build_parser()._subparsers._group_actions[0].choices["report"]  # type: ignore[union-attr]
    options = {a.dest: a for a in report._actions}
    mapped = {"corpus", "metadata", "codebook", "on_bad_rows", "engine", "workers", "scheduler",
              "cache_dir", "figure_width"}  # run_id/out_dir name the run folder, not a notebook's
    for p in RUN_PARAMETERS:
        if p.name not in mapped:
            continue
        action = options[p.name]
        assert p.help.split(" (")[0] in (action.help or "")
        if p.choices:
            assert tuple(action.choices) == p.choices
    assert options["engine"].default == "local"
    assert options["figure_width"].choices == ("single", "double")


def test_values_are_checked_against_type_choices_and_bounds() -> None:
    window = Parameter("kwic_window", "int", 60, "context", minimum=1)
    assert check_value(window, 5, "here") == 5
    with pytest.raises(ParameterError, match=r"here: parameter kwic_window=-5 is below its minimum 1"):
        check_value(window, -5, "here")
    with pytest.raises(ParameterError, match="kwic_window=True must be int"):
        check_value(window, True, "here")
    unit = Parameter("unit", "str", "auto", "u", choices=("auto", "documents"))
    with pytest.raises(ParameterError, match="unit='docs'; use one of 'auto', 'documents'"):
        check_value(unit, "docs", "x")
    assert check_value(Parameter("share", "float", 0.5, "s"), 1, "x") == 1.0
    with pytest.raises(ValueError, match="unknown type"):
        Parameter("bad", "list", [], "no lists")


def test_report_applies_the_bounds_before_anything_runs() -> None:
    specs = discover_notebooks(only=["00"])
    with pytest.raises(ParameterError, match=r"00_corpus.ipynb: parameter kwic_window=-5"):
        resolve_parameters(specs, {}, {"kwic_window": -5})
    with pytest.raises(ParameterError, match=r"01_framing.ipynb: parameter bootstrap_unit="):
        resolve_parameters(discover_notebooks(only=["01"]), {}, {"bootstrap_unit": "words"})


def test_listing_names_every_parameter_once_per_notebook() -> None:
    text = describe_parameters()
    for stem, params in NOTEBOOK_PARAMETERS.items():
        assert f"{stem} (set with -p NAME=VALUE or --params):" in text
        for p in params:
            assert p.line() in text
    assert text.count("corpus: str = ") == 1  # run parameters listed once, not per notebook
