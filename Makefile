# One entry point for a newcomer: `make run` runs the product, `make test` runs the tests.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: help setup test test-python test-addons lint format bench run smoke clean

help:
	@echo "make setup        create .venv with the engine, the sync service and the dev tools"
	@echo "make run          the whole stack (Odoo 18 + addon, PostgreSQL, Redis, api, worker, beat): with Docker"
	@echo "                  when an engine answers, else on this machine's Odoo 18 (docs/odoo.md); Ctrl-C stops it"
	@echo "make smoke        starts make run without Docker, signs a Shopify order to the api, finds it routed in Odoo, stops"
	@echo "make test         every test: engine, sync service (real Redis + Celery), addon (real Odoo 18 when importable)"
	@echo "make lint         ruff, ruff format --check, pylint-odoo and manifestoo where installed"
	@echo "make bench        benchmarks; results in docs/benchmarks.md"

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	$(PY) -m pip install -q --no-deps -e .
	touch $@

# Both suites run even when the first fails, so one run reports on everything; it fails if either did.
test: setup
	@rc=0; $(MAKE) --no-print-directory test-python || rc=1; \
	$(MAKE) --no-print-directory test-addons || rc=1; exit $$rc

test-python: setup
	$(PY) -m pytest

# Runs the addon tests on a real Odoo 18 when one is importable (see docs/odoo.md);
# otherwise says loudly that they were skipped.
test-addons: setup
	bash tools/test_addons.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/pylint --rcfile=.pylintrc-mandatory addons/*/
	$(PY) tools/check_test_modules.py addons
	@# manifestoo reads the manifests of Odoo's own addons to judge dependencies and licences.
	@if [ -n "$(ODOO_HOME)" ]; then for check in check-dev-status check-licenses; do \
		$(VENV)/bin/manifestoo --select-addons-dir addons --no-addons-path-from-import-odoo \
			--addons-path $(ODOO_HOME)/addons,$(ODOO_HOME)/odoo/addons $$check || exit 1; done; \
	else echo "manifestoo skipped: set ODOO_HOME to an Odoo 18 source tree"; fi

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: setup
	$(PY) -m bench

# With Docker when an engine answers, else honcho + the Procfile on this machine's Odoo 18
# (tools/run.sh; OMS_RUN_MODE=docker|local chooses).
run:
	bash tools/run.sh

smoke: setup
	$(PY) tools/smoke.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build *.egg-info
