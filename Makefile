# framelab: two commands on a fresh machine with only python3.
#   make report   set up .venv, run every notebook on seeds/ into outputs/<run-id>/
#   make test     set up .venv with dev extras, run the whole test suite
#   make lab      open JupyterLab (your notebooks go in notebooks/scratch/)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
REPORT_ARGS ?=
# pytest-xdist workers of make test (0: none); see the order of work in tests/conftest.py
TEST_WORKERS ?= 2

.PHONY: report test lab kernel bench clean-venv help

help:
	@sed -n 's/^#   //p' Makefile

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP) $@

report: $(STAMP)
	$(VENV)/bin/framelab report $(REPORT_ARGS)

test: $(DEV_STAMP)
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder $(PYTEST_ARGS)

kernel: $(STAMP)
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (framelab)"

# JupyterLab in notebooks/, opening notebooks/scratch/ (your notebooks; gitignored), as root
# too; first sets up the git filter that strips outputs from notebooks as they are staged
lab: kernel
	$(PY) -m framelab.cli lab

bench: $(DEV_STAMP)
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean-venv:
	rm -rf $(VENV)
