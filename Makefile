# Entry points named in the README. Every target sets up what it needs.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
SCALE  ?= 0.01
SEED   ?= 1
DATA   ?= data

.PHONY: setup demo test lint bench clean

$(BIN)/migstat: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	bash scripts/install_chromium.sh
	touch $(BIN)/migstat

setup: $(BIN)/migstat

# The main job: generate the built-in sample delivery, then land, validate,
# build, test and export it; prints where the warehouse and docs site are.
# Run again, it lands and builds nothing new; with another SCALE or SEED it
# starts a new sample and a new warehouse (landing only ever adds).
SAMPLE_STAMP = $(DATA)/.sample-scale-$(SCALE)-seed-$(SEED)
demo: setup
	@if [ ! -f $(SAMPLE_STAMP) ]; then \
		rm -rf $(DATA)/sample $(DATA)/sample_truth $(DATA)/.sample-* \
			$(DATA)/warehouse.duckdb* $(DATA)/.warehouse.dbt && \
		$(BIN)/migstat generate --out $(DATA)/sample --scale $(SCALE) --seed $(SEED) && \
		touch $(SAMPLE_STAMP); \
	fi
	$(BIN)/migstat run --source $(DATA)/sample --warehouse $(DATA)/warehouse.duckdb

# The test suite: pytest over the Python code, which also runs dbt build
# with its tests on a generated delivery, sqlfluff and ruff.
test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check ingest scripts bench
	$(BIN)/ruff format --check ingest scripts bench
	$(BIN)/sqlfluff lint models tests analyses

bench: setup
	$(BIN)/python bench/bench_full.py

clean:
	rm -rf $(DATA) target logs
