# Two entry points: `make run` and `make test`. Each builds the virtual environment it needs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast test-oldest lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m bot run

test: $(STAMP)
	$(PY) -m ruff check bot tests
	$(PY) -m ruff format --check bot tests
	$(PY) -m mypy bot
	$(PY) -m bot kb check
	$(PY) -m pytest -q

# Locally, while working: everything but the tests that start or kill processes.
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow"

# The suite on the lowest python-telegram-bot pyproject.toml allows, in its own environment.
# test_eval.py, the longest file, measures the core's answers on every labelled set; the core
# never imports python-telegram-bot, so `make test` runs it once and this run leaves it out.
OLDEST_PTB := 22.2
test-oldest:
	$(PYTHON) -m venv .venv-oldest
	.venv-oldest/bin/python -m pip install --quiet -e '.[dev]' \
		'python-telegram-bot[rate-limiter,webhooks,job-queue]==$(OLDEST_PTB)'
	.venv-oldest/bin/python -m pytest -q --ignore=tests/test_eval.py

clean:
	rm -rf $(VENV) .venv-oldest .pytest_cache .mypy_cache .ruff_cache
