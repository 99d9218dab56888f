# Leerplek: `make demo` and `make test` work on a fresh clone; both create .venv themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
N ?= 6000
SEED ?= 1
# Packages whose modules must import no cycle (.ci/import_cycles.py).
CYCLE_FREE ?= service solver
# pytest-xdist processes for `make test` (tests/workers.py gives each its own PostgreSQL and
# Redis database); WORKERS=0 runs the suite in one process. A whole file goes to one worker
# (loadfile): module fixtures such as test_demo's demo run, the fault tests' private servers
# and the browser tests' Chromium are then made once, not once per worker.
WORKERS ?= 2

.PHONY: demo demo-engine seed test bench lint serve worker clean translations client

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

# The whole service on a fresh SQLite file: reference data, a generated province, a round
# driven through the HTTP API, the coordinator's report in demo-output/.
demo: $(STAMP)
	$(VENV)/bin/leerplek demo --students $(N) --seed $(SEED) --output demo-output

# The engine alone: generate a round document, solve it under every objective, verify it.
demo-engine: $(STAMP)
	@mkdir -p demo-output
	$(VENV)/bin/leerplek generate --students $(N) --seed $(SEED) -o demo-output/round.json
	$(VENV)/bin/leerplek solve demo-output/round.json -o demo-output/result.json --compare
	$(VENV)/bin/leerplek verify demo-output/round.json demo-output/result.json
	@echo "round: demo-output/round.json  result: demo-output/result.json"

test: $(STAMP)
	bash .ci/install-chromium  # the browser tests need Debian's chromium; demo does not
	$(PY) -m pytest -q -n $(WORKERS) --dist loadfile
	$(VENV)/bin/ruff check solver seeds service tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) .ci/import_cycles.py $(CYCLE_FREE)

bench: $(STAMP)
	$(PY) bench/bench_solver.py

lint: $(STAMP)
	$(VENV)/bin/ruff check solver seeds service tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) .ci/import_cycles.py $(CYCLE_FREE)

# DATABASE_URL picks the database (default instance/leerplek.sqlite); reference data is
# loaded idempotently on every start.
serve: $(STAMP)
	$(VENV)/bin/leerplek db upgrade
	$(VENV)/bin/leerplek seed reference
	$(VENV)/bin/gunicorn --bind 127.0.0.1:8000 --workers 2 --threads 4 --worker-class service.serving.ProblemThreadWorker 'service.app:create_app()'

# Reference data plus an open provincial demo round in DATABASE_URL's database.
seed: $(STAMP)
	$(VENV)/bin/leerplek db upgrade
	$(VENV)/bin/leerplek seed reference
	$(VENV)/bin/leerplek seed demo --students $(N) --seed $(SEED)

worker: $(STAMP)
	$(VENV)/bin/leerplek db upgrade
	$(VENV)/bin/leerplek worker

# The message catalogue (docs/TRANSLATIONS.md): collect the texts of code and templates into
# messages.pot, merge them into each language's .po, and compile the .mo files the app reads.
# The .mo files are committed (a test checks they match their .po), so a fresh clone, the
# image and `make demo` need no compile step.
translations: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location \
	    --sort-output --project Leerplek -o service/translations/messages.pot .
	$(VENV)/bin/pybabel update -i service/translations/messages.pot -d service/translations \
	    --no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/pybabel compile -d service/translations --statistics

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache

# The Python client in clients/python/leerplek_client, generated from the committed OpenAPI
# document (regenerated first); tests/service/test_python_client.py checks it is current.
client: $(STAMP)
	$(VENV)/bin/leerplek openapi
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" $(VENV)/bin/openapi-python-client generate \
		--path api_spec/openapi.yaml --meta none --overwrite \
		--output-path clients/python/leerplek_client \
		--config clients/python/openapi-python-client.yaml
