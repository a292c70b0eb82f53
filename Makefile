# Everyday commands. `make demo` runs the product on SQLite with nothing else installed;
# `make test` runs the tests (SQLite and eager Celery unless DATABASE_URL / REDIS_URL are set).

VENV ?= .venv
PY = $(VENV)/bin/python
DEMO_SIZE ?= kent
PYTEST_ARGS ?=
# manage.py, Celery, WSGI and ASGI default to the production settings (no fallback secret key,
# DEBUG off): the make targets run the demo, worker and beat on the local ones. pytest names its
# own (config.settings.test, pyproject.toml).
DJANGO_SETTINGS_MODULE ?= config.settings.local
export DJANGO_SETTINGS_MODULE

.DEFAULT_GOAL := help
.PHONY: help install demo demo-reset test lint format worker worker-imports beat assets clean bench

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

# The stamp is remade whenever pyproject.toml changes, so dependencies follow the project file.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed ## Create the virtual environment and install the project

# `make demo` seeds only an empty database, so a second run keeps what people entered;
# `make demo-reset` deletes the demo data (and anything entered) and seeds again.
demo: $(VENV)/.installed ## Migrate, seed an empty database, add demo users, serve on :8000
	$(PY) manage.py migrate
	$(PY) manage.py create_demo_users
	$(PY) manage.py seed_demo --size $(DEMO_SIZE) --seed 1 --if-empty
	$(PY) manage.py recompute_dashboards
	$(PY) manage.py runserver 127.0.0.1:8000

demo-reset: $(VENV)/.installed ## Like demo, but delete the data first and seed afresh
	$(PY) manage.py migrate
	$(PY) manage.py create_demo_users
	$(PY) manage.py seed_demo --size $(DEMO_SIZE) --seed 1 --flush
	$(PY) manage.py recompute_dashboards
	$(PY) manage.py runserver 127.0.0.1:8000

# Browser tests need Debian's Chromium; as root we try to install it, and never fail if we
# cannot (the tests then skip with a reason, unless CI_REQUIRE_SERVICES=1).
test: export DJANGO_SETTINGS_MODULE = config.settings.test
test: $(VENV)/.installed ## Run the tests
	@if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "Installing Chromium for the browser tests (apt-get)..."; \
			{ apt-get install -y -qq chromium >/dev/null 2>&1 \
				|| { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1; }; } \
				|| echo "Could not install Chromium: the browser tests will be skipped."; \
		else \
			echo "No Chromium: the browser tests will be skipped (apt-get install chromium)."; \
		fi; \
	fi
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed ## The checks CI runs before the tests
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(PY) .ci/check_image.py

format: $(VENV)/.installed ## Fix what ruff can and format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

BENCH_SIZE ?= national
bench: $(VENV)/.installed ## Benchmark against the targets (PostgreSQL and Redis; BENCH_SIZE=kent for a quick run)
	$(PY) bench/run.py --size $(BENCH_SIZE)

# Two workers, as docker-compose.yml runs them: imports have their own, so a big file never
# holds up a one-row import's neighbours on the other queue, or the dashboards' recompute.
worker: $(VENV)/.installed ## The Celery worker for every job but imports, queue `celery` (needs REDIS_URL)
	$(VENV)/bin/celery -A config worker -l info --concurrency 2 -Q celery -n worker@%h

worker-imports: $(VENV)/.installed ## The Celery worker for imports, queue `imports`, one at a time (needs REDIS_URL)
	$(VENV)/bin/celery -A config worker -l info --concurrency 1 -Q imports -n imports@%h

beat: $(VENV)/.installed ## Celery beat, the scheduler (needs REDIS_URL)
	$(VENV)/bin/celery -A config beat -l info

assets: ## Rebuild the compiled CSS and vendored JS in static/ (needs Node and npm)
	bash frontend/build.sh

clean: ## Remove caches and build output (keeps the virtual environment and db.sqlite3)
	find . -path ./$(VENV) -prune -o -path ./frontend/node_modules -prune \
		-o -type d -name __pycache__ -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache staticfiles test-results build *.egg-info
