# make run  : the whole pipeline on this machine (CPU preset, offline, about 8 minutes on 2 cores)
# make test : the test suite
# Both create .venv on first use from requirements.lock (every package pinned).
VENV ?= .venv
PRESET ?= presets/cpu.yaml
CORES ?= 2
STAMP := $(VENV)/.installed

.PHONY: run test lint clean-results

$(STAMP): pyproject.toml requirements.lock
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.lock
	$(VENV)/bin/pip install --quiet --no-deps -e .
	touch $@

run: $(STAMP)
	$(VENV)/bin/snakemake --cores $(CORES) --configfile $(PRESET)

test: $(STAMP)
	$(VENV)/bin/python -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/snakefmt --check Snakefile rules
	$(VENV)/bin/snakemake --lint

clean-results:
	find results -mindepth 1 -maxdepth 1 ! -name README.md -exec rm -rf {} +
	rm -rf .snakemake
