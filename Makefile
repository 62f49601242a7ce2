# oress — `make` runs the whole demo on a fresh machine; `make test` runs the suite.
SHELL := /bin/bash
SPEC ?= pipelines/demo.toml
PYTHON ?= python3
VENV := .venv
OR := $(VENV)/bin/oress
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig poppler-utils chromium chromium-driver
GEOMETRY := data/reference/cache/communes_geometrie.parquet
DEMO_DATA := data/raw/demo/.stamp
NODE_TOOLS := node_modules/.package-lock.json

.DEFAULT_GOAL := all
.PHONY: all help system install lock lint demo reference ingest transform validate protect audit conjoncture livraison keyfigures report site npm build test bench bench-national clean

all: build ## Everything: system packages, venv, demo data, full pipeline, PDFs

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

system: .stamp-system ## Install the Debian packages (pango, harfbuzz-subset, poppler, chromium, npm)
.stamp-system: Makefile
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done; \
	  command -v npm >/dev/null || echo npm); \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "Paquets système manquants. Lancer : sudo apt-get update && sudo apt-get install -y $$missing"; exit 1; \
	  fi; \
	fi
	@touch $@

install: $(VENV)/.stamp ## Create .venv and install oress with its test tools, the versions of requirements.lock
$(VENV)/.stamp: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --require-hashes -r requirements.lock
	$(VENV)/bin/pip install --quiet --no-deps -e .
	@touch $@

lock: | install ## Refresh requirements.lock from pyproject.toml (the newest versions PyPI offers; then make test)
	$(VENV)/bin/pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --python-version 3.11 --generate-hashes \
	  --no-annotate --no-header --quiet -o requirements.lock.new
	{ sed -n '1,2p' requirements.lock; cat requirements.lock.new; } > requirements.lock.tmp
	rm requirements.lock.new && mv requirements.lock.tmp requirements.lock

npm: $(NODE_TOOLS) ## JavaScript tools from npm (package-lock.json): axe-core for the site's accessibility tests
$(NODE_TOOLS): package.json package-lock.json | system
	npm ci --no-audit --no-fund --silent

$(GEOMETRY): | system install
	$(OR) reference --refresh --spec $(SPEC)

$(DEMO_DATA): | install
	$(OR) demo --spec $(SPEC)
	@touch $@

demo: system install ## Write the demo raw extracts into data/raw/demo
	$(OR) demo --spec $(SPEC)

reference: system install ## Load reference tables and territories (ref_*) into the warehouse
	$(OR) reference --spec $(SPEC)

ingest: install ## Read raw extracts; every line loaded or rejected with its reason
	$(OR) ingest --spec $(SPEC)

transform: install ## Classify and aggregate (sql/intermediate, sql/marts)
	$(OR) transform --spec $(SPEC)

validate: install npm ## Great Expectations suites and accounting identities (Data Docs made offline from npm packages)
	$(OR) validate --spec $(SPEC)

protect: install ## Statistical secrecy on the published cells (A, B, D) and its attacker audit
	$(OR) protect --spec $(SPEC)

audit: install ## Re-run the attacker audit on the written indicateurs.parquet
	$(OR) audit --spec $(SPEC)

conjoncture: system install ## Quarterly URSSAF-like data: secrecy, changes, notes de conjoncture PDF
	$(OR) conjoncture --spec $(SPEC)

livraison: install ## Tables INSEE delivers (spec key livraison_insee) → pub_indicateurs, secret S kept
	$(OR) livraison --spec $(SPEC)

keyfigures: install ## indicateurs.parquet / .csv / chiffres-cles.xlsx
	$(OR) keyfigures --spec $(SPEC)

report: system install ## Panorama PDF per custom territory
	$(OR) report --spec $(SPEC)

site: system install npm ## Static website of every published territory under reports/site/ (works from file://)
	$(OR) site --spec $(SPEC)

build: system install npm $(GEOMETRY) $(DEMO_DATA) ## All steps in order on the demo spec
	$(OR) build --spec $(SPEC)

lint: install ## ruff on the Python (pyproject.toml), sqlfluff on sql/ (.sqlfluff, DuckDB dialect)
	$(VENV)/bin/ruff check oress tests bench
	$(VENV)/bin/sqlfluff lint sql --processes 1 --disable-progress-bar --nocolor

test: system install lint npm $(GEOMETRY) ## Lint, then the test suite (map tests need the commune geometries, site tests chromium and axe-core)
	$(VENV)/bin/pytest

bench: install ## Benchmarks (figures printed, never part of the tests)
	$(VENV)/bin/python bench/run.py
	$(VENV)/bin/python bench/bench_ingest.py
	$(VENV)/bin/python bench/bench_demo.py

bench-national: install ## France-size demo through every step of oress build, timed with peak memory → bench/RESULTS.md (≈ 15 GB disk)
	$(VENV)/bin/python bench/national.py

clean: ## Remove generated data, warehouse and reports (keeps .venv and the package cache)
	rm -rf data/raw/demo data/warehouse/*.duckdb* reports/[0-9]*
