# Two commands a new machine needs: `make run` and `make test`. Both create .venv when missing.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# pip takes this CPU build of torch (argostranslate -> stanza -> torch) from local disk here;
# an unpinned torch would pull a CUDA build of several GB.
TORCH ?= torch==2.13.0
STAMP := $(VENV)/.installed

export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: run test lint venv clean serve stop review-screenshot bench bench-scale-out

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/newsl10n models ensure
	$(BIN)/newsl10n run

test: $(STAMP)
	$(BIN)/ruff check src flows tests benchmarks scripts devtools
	$(BIN)/ruff format --check src flows tests benchmarks scripts devtools
	$(BIN)/mypy
	$(BIN)/python -m pytest

serve: $(STAMP)
	$(BIN)/python -m flows.serve

# Stops exactly the process groups `make serve` recorded in .prefect/serve.json (stdlib only).
stop:
	@$(PYTHON) -m flows.serve --stop

review-screenshot: $(STAMP)
	$(BIN)/python scripts/review_screenshot.py

lint: $(STAMP)
	$(BIN)/ruff check src flows tests benchmarks scripts devtools
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run

# Only part 7 of `make bench`: the nightly batch on an external Dask cluster of 1 and 2
# workers (a Prefect server, `dask scheduler` and `dask worker`s on 127.0.0.1).
bench-scale-out: $(STAMP)
	$(BIN)/python -m benchmarks.run --only scaleout --json benchmarks/scale-out.json
