# The two commands a newcomer needs: `make run` and `make test`.
# Everything else they would need happens inside those targets.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
# Compiled modules are kept between runs, whatever the shell says: without
# them every process (each test worker, each CLI the tests start) compiles
# casedesk and its libraries afresh, seconds each.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test setup lint format bench clean

# On the first start the KEV catalog beside the repository, when present,
# becomes the new workspace's cases: there is real work to triage at once.
KEV_CATALOG ?= ../shared/data/cisa-kev/known_exploited_vulnerabilities.json

run: setup
	$(VENV)/bin/casedesk migrate
	$(VENV)/bin/casedesk serve --host $(HOST) --port $(PORT) \
		$(if $(wildcard $(KEV_CATALOG)),--import-kev $(KEV_CATALOG))

test: setup
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests
	$(VENV)/bin/pytest -n auto --dist loadfile

setup: $(VENV)/.synced

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# The virtualenv is rebuilt from the lock file whenever the lock changes.
$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

lint: setup
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/mypy src

format: setup
	$(VENV)/bin/ruff format src tests
	$(VENV)/bin/ruff check --fix src tests

# The million-case benchmark (bench/): a PostgreSQL database of its own,
# created, migrated and seeded on first use (a few minutes), then measured.
CASEDESK_BENCH_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/casedesk_bench
BENCH_CASES ?= 1000000
export CASEDESK_BENCH_DATABASE_URL BENCH_CASES

bench: setup
	$(VENV)/bin/python -m bench.database
	CASEDESK_DATABASE_URL=$(CASEDESK_BENCH_DATABASE_URL) $(VENV)/bin/casedesk migrate
	$(VENV)/bin/python -m bench.seed
	$(VENV)/bin/python -m bench.run

clean:
	rm -rf $(VENV) $(TOOLS)
