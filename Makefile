# Two commands for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint setup data serve bench clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed  ## create .venv, install, migrate
	$(PY) manage.py migrate --no-input

data: setup  ## the plan's data and the demo accounts and counts
	$(PY) manage.py load_plan
	$(PY) manage.py seed_demo

# The background worker (big enterprise imports: manage.py db_worker, django-tasks' database
# backend) runs beside the web server in the same command, and stops with it (Ctrl-C).
run: data  ## serve http://127.0.0.1:8000 on SQLite with demo data, with the background worker
	trap 'kill 0' INT TERM EXIT; $(PY) manage.py db_worker --interval 1 & $(PY) manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# pytest runs on every core (pytest-xdist); PYTEST_ARGS= (empty) runs it in one process.
PYTEST_ARGS ?= -n auto

test: $(VENV)/.installed lint  ## ruff, checks, migrations, pytest
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest $(PYTEST_ARGS)

# `make serve`: as in production (DEBUG=0, gunicorn, static files by WhiteNoise, hashed and
# compressed); DATABASE_URL=postgres://... to run it on PostgreSQL. The local SECRET_KEY is
# made once and kept in var/ (git-ignored) so that sessions survive a restart.
SERVE_ENV = DEBUG=0 ALLOWED_HOSTS="$${ALLOWED_HOSTS:-$(HOST),localhost}" SECRET_KEY="$${SECRET_KEY:-$$(cat var/serve_secret_key)}"

var/serve_secret_key:
	mkdir -p var
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

# In production run the worker as its own service (systemd: `manage.py db_worker`, restarted on
# failure) beside gunicorn; here both start in one command and stop together.
serve: $(VENV)/.installed var/serve_secret_key  ## gunicorn, 2 workers, and the background worker, DEBUG=0 on http://127.0.0.1:8000
	$(SERVE_ENV) $(PY) manage.py collectstatic --no-input
	$(SERVE_ENV) $(PY) manage.py migrate --no-input
	$(SERVE_ENV) $(PY) manage.py load_plan
	trap 'kill 0' INT TERM EXIT; $(SERVE_ENV) $(PY) manage.py db_worker --interval 1 & \
	$(SERVE_ENV) $(VENV)/bin/gunicorn beibei_dashboard.wsgi:application --workers 2 --bind $(HOST):$(PORT)

bench: $(VENV)/.installed  ## benchmarks on SQLite and PostgreSQL (README: 性能基准)
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
