# The two commands of the README's quick start: `make briefings` and `make test`.
# Both create the virtual environment from the locked dependency set when it is missing or stale.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
UV     := $(VENV)/bin/uv
UV_VERSION := 0.13.9
STAMP  := $(VENV)/.installed

.PHONY: setup briefings test test-fast lab spark lint format lock clean

# compileall again on every run: it only recompiles what was edited since (a fraction of a second).
setup: $(STAMP)
	@$(PY) -m compileall -q analysis

# requirements.lock pins every package with its hashes (uv pip compile --generate-hashes), so two
# machines get the same environment; `uv pip sync` makes the venv match it exactly.
# Bytecode is compiled at install (uv's --compile-bytecode, compileall for this package): where
# PYTHONDONTWRITEBYTECODE is set, or the venv is read-only, Python would otherwise compile every
# module it imports on every start (measured: the briefing kernels' imports take twice as long).
$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV) pip sync --quiet --compile-bytecode --python $(PY) requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	@touch $(STAMP)

briefings: setup
	$(PY) -m analysis briefings

# `make test` runs everything, the Spark test included: it adds PySpark (the optional `spark` extra,
# pinned in requirements-spark.lock) to the venv; `make briefings` and `make setup` never need it.
test: setup lint spark
	$(PY) -m pytest tests notebooks --nbval-lax --nbval-current-env

# Daily work: the unit tests only (no notebooks under nbval, nothing marked slow), under a minute on
# two cores. `make test` still runs everything.
test-fast: setup
	$(PY) -m pytest tests -m "not slow" -q

# JupyterLab on the whole repository, on this project's kernel (the venv's python3) and settings
# (jupyter/: 127.0.0.1 only, no news or update checks, notebooks saved without outputs), opening
# notebooks/00_start_here.ipynb.
# As root (a container, say) Jupyter refuses to start without --allow-root.
lab: setup
	JUPYTER_CONFIG_DIR=$(CURDIR)/jupyter JUPYTER_PREFER_ENV_PATH=1 $(VENV)/bin/jupyter lab \
		$(if $(filter 0,$(shell id -u)),--allow-root)

spark: setup
	$(UV) pip install --quiet --python $(PY) -r requirements-spark.lock

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Re-resolve the pinned set after changing pyproject.toml's dependencies.
# requirements.lock holds everything but PySpark; requirements-spark.lock the `spark` extra on top of it.
# rfc3987-syntax is left out: jsonschema (under jupyter_events, nbformat, papermill) imports it if
# present, only to check "iri" string formats that nothing here uses, and building its grammar
# costs about a second at every start of JupyterLab (measured: 2.4 s -> 1.3 s to import).
lock: setup
	$(UV) pip compile pyproject.toml --extra tdb --extra dev --python-version 3.11 --generate-hashes \
		--no-emit-package rfc3987-syntax --quiet -o requirements.lock
	$(UV) pip compile pyproject.toml --extra spark -c requirements.lock --python-version 3.11 \
		--generate-hashes --no-emit-package rfc3987-syntax --quiet -o requirements-spark.lock

clean:
	rm -rf $(VENV) reports/*.pdf reports/*.html reports/executed
