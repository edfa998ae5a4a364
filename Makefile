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

# The test tools of package.json: axe-core (accessibility checks of the browser tests) and vnu-jar
# (the W3C Nu HTML Checker, run with the system's Java by tests/test_html_crawl.py). Needs npm;
# without it those checks are skipped. One recipe for both files, touching both, so a new version
# in package.json reinstalls once and a missing file reinstalls too. --ignore-scripts: vnu-jar's
# postinstall would download a Java runtime from GitHub when none is found; we use Debian's.
NODE_TOOLS := node_modules/axe-core/axe.min.js node_modules/vnu-jar/build/dist/vnu.jar
$(NODE_TOOLS): package.json
	@if command -v npm >/dev/null; then \
	  npm install --no-audit --no-fund --no-package-lock --ignore-scripts --silent && touch $(NODE_TOOLS); \
	else echo "npm absent : les contrôles axe-core et la validation W3C seront ignorés."; fi

migrate: $(STAMP)
	$(RUN_ENV) $(PY) manage.py migrate --noinput

seed: migrate
	$(RUN_ENV) $(PY) manage.py seed_demo

run: seed
	@echo "Portail sur http://127.0.0.1:8000/ — comptes de démonstration dans le README."
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:8000

test: $(STAMP) $(NODE_TOOLS)
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
