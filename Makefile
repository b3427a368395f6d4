# Renkei — two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

ifeq ($(DB),postgres)
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/renkei
endif

.PHONY: run test setup migrate demo lint bench load test-sqlite test-postgres clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	mkdir -p var
	$(PY) manage.py migrate --noinput -v 0

demo: migrate
	$(PY) manage.py load_demo

# The periodic jobs (reminders, overdue referrals, lapsed bases, the audit seal) run next to the dev server,
# in the background, and stop with it: no cron line needed.
run: demo
	$(PY) manage.py collectstatic --noinput -v 0
	$(PY) manage.py demo_logins
	$(PY) manage.py run_jobs & jobs=$$!; trap 'kill $$jobs 2>/dev/null; wait $$jobs' EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT) --noreload

lint: setup
	$(PY) -m ruff check renkei tests

test: setup
	$(PY) -m ruff check renkei tests
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(PY) -m pytest --durations=25 $(PYTEST_ARGS)

test-sqlite:
	$(MAKE) test DB=sqlite

test-postgres:
	$(MAKE) test DB=postgres

# `make bench`: SQLite, then PostgreSQL when a server answers at BENCH_PG_URL (each on a throwaway
# test database); `make bench DB=sqlite|postgres` for one. Sizes: BENCH_ARGS="--persons N --entries N".
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/renkei_bench
bench: setup
ifeq ($(DB),)
	DATABASE_URL= $(PY) manage.py bench $(BENCH_ARGS)
	@if $(PY) -c "import sys, psycopg; psycopg.connect('$(BENCH_PG_URL)'.rsplit('/', 1)[0] + '/postgres', connect_timeout=3).close()" 2>/dev/null; then \
	  DATABASE_URL=$(BENCH_PG_URL) $(PY) manage.py bench $(BENCH_ARGS); \
	else echo "PostgreSQL ($(BENCH_PG_URL)) did not answer: measured on SQLite only"; fi
else ifeq ($(DB),sqlite)
	DATABASE_URL= $(PY) manage.py bench $(BENCH_ARGS)
else
	$(PY) manage.py bench $(BENCH_ARGS)
endif

# `make load`: the product as production runs it (gunicorn with gunicorn.conf.py, RENKEI_ENV=production, plain
# HTTP on a free loopback port), the demo prefecture on its own database, every demo worker logged in, 50
# connections for 60 s with wrk: SQLite, then PostgreSQL at LOAD_PG_URL when it answers (that database is
# dropped and created afresh). Writes var/bench/load.json. LOAD_ARGS="--duration 20 --workers 3 --threads 4".
LOAD_PG_URL ?= postgres://postgres@127.0.0.1:5432/renkei_load
load: setup
	@command -v wrk >/dev/null || { echo "wrk がありません: apt-get install wrk"; exit 1; }
	$(PY) manage.py load $(if $(filter sqlite,$(DB)),sqlite,$(if $(filter postgres,$(DB)),postgresql,)) --pg-url $(LOAD_PG_URL) $(LOAD_ARGS)

clean:
	rm -rf $(VENV) var staticfiles
