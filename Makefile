# Leerplek: `make demo` and `make test` work on a fresh clone; both create .venv themselves.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
N ?= 6000

.PHONY: demo test bench lint serve worker clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

demo: $(STAMP)
	@mkdir -p demo-output
	$(VENV)/bin/leerplek generate --students $(N) --seed 1 -o demo-output/round.json
	$(VENV)/bin/leerplek solve demo-output/round.json -o demo-output/result.json --compare
	$(VENV)/bin/leerplek verify demo-output/round.json demo-output/result.json
	@echo "round: demo-output/round.json  result: demo-output/result.json"

test: $(STAMP)
	$(PY) -m pytest -q
	$(VENV)/bin/ruff check solver seeds service tests bench
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) bench/bench_solver.py

lint: $(STAMP)
	$(VENV)/bin/ruff check solver seeds service tests bench
	$(VENV)/bin/mypy

serve: $(STAMP)
	$(VENV)/bin/leerplek db upgrade
	$(VENV)/bin/gunicorn --bind 127.0.0.1:8000 --workers 2 'service.app:create_app()'

worker: $(STAMP)
	$(VENV)/bin/leerplek db upgrade
	$(VENV)/bin/leerplek worker

clean:
	rm -rf $(VENV) demo-output .pytest_cache .mypy_cache .ruff_cache
