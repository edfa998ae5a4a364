# PACTE portal — the two commands of the README, plus a few helpers.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | md5sum | cut -c1-12)
# The embedded runtime of `make run`: SQLite, Celery in-process, e-mails on the console.
RUN_ENV := DEBUG=1 PACTE_STAFF_REQUIRE_2FA=0

.PHONY: run test bench lint format install migrate seed clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

# axe-core for the accessibility checks of the browser tests (needs npm; skipped without it).
node_modules/axe-core/axe.min.js: package.json
	@if command -v npm >/dev/null; then npm install --no-audit --no-fund --no-package-lock --silent && touch $@; \
	else echo "npm absent : les contrôles axe-core des tests navigateur seront ignorés."; fi

migrate: $(STAMP)
	$(RUN_ENV) $(PY) manage.py migrate --noinput

seed: migrate
	$(RUN_ENV) $(PY) manage.py seed_demo

run: seed
	@echo "Portail sur http://127.0.0.1:8000/ — comptes de démonstration dans le README."
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP) node_modules/axe-core/axe.min.js
	$(PY) -m pytest $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	bash bench/run.sh

clean:
	rm -rf $(VENV) node_modules db.sqlite3 staticfiles media private
