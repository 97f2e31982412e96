# geomap — `make run` serves the sample map, `make test` runs the checks, `make bench` the benchmarks.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STORE  ?= geomap.gpkg
HOST   ?= 127.0.0.1
PORT   ?= 8501

.PHONY: run test lint bench sample clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# stamps: reinstall when pyproject.toml changes
$(VENV)/.app-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[app]"
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@ $(VENV)/.app-installed

sample: $(VENV)/.app-installed
	$(BIN)/geomap import data/sample/events.csv data/sample/articles --store $(STORE)
	$(BIN)/geomap map --store $(STORE) --offline --out sample-map.html

run: sample
	@echo "geomap on http://$(HOST):$(PORT)  (Ctrl-C stops it)"
	$(BIN)/geomap serve --store $(STORE) --host $(HOST) --port $(PORT)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest

bench: $(VENV)/.dev-installed
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(STORE) sample-map.html tests/artifacts
