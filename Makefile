# The two commands of the README's quick start: `make briefings` and `make test`.
# Both create the virtual environment from the locked dependency set when it is missing or stale.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
PY     := $(VENV)/bin/python
UV     := $(VENV)/bin/uv
UV_VERSION := 0.13.9
STAMP  := $(VENV)/.installed

.PHONY: setup briefings test lint format lock clean

setup: $(STAMP)

# requirements.lock pins every package with its hashes (uv pip compile --generate-hashes), so two
# machines get the same environment; `uv pip sync` makes the venv match it exactly.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(UV) pip sync --quiet --python $(PY) requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	@touch $(STAMP)

briefings: setup
	$(PY) -m analysis briefings

test: setup lint
	$(PY) -m pytest tests notebooks --nbval-lax --nbval-current-env

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

# Re-resolve the pinned set after changing pyproject.toml's dependencies.
lock: setup
	$(UV) pip compile pyproject.toml --all-extras --python-version 3.11 --generate-hashes \
		--quiet -o requirements.lock

clean:
	rm -rf $(VENV) reports/*.pdf reports/*.html reports/executed
