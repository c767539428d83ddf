# Orientation — the two commands of the README are `make demo` and `make test`.
# Everything a target needs is installed by the target itself (uv, the venv, browsers for CI).

SHELL := /bin/bash
.DEFAULT_GOAL := help

# A Python >= 3.12 found on this machine (Django 6 needs it; nothing can be downloaded).
PYTHON ?= $(shell for p in python3.13 python3.12 \
	$$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    command -v $$p; break; fi; done)
TOOLS := .tools
UV := $(TOOLS)/bin/uv
export UV_PYTHON_DOWNLOADS := never
RUN := $(UV) run --locked --no-sync
MANAGE := $(RUN) python manage.py
DEMO_PORT ?= 8000

.PHONY: help system-deps install demo demo-data test test-postgres test-browser quality format bench bench-optimise screenshots clean

help:
	@echo "make demo   — installe tout, construit un lycée fictif et lance le service"
	@echo "make test   — lance la suite de tests (SQLite)"

$(UV):
	@test -n "$(PYTHON)" || { echo "Python 3.12 ou plus est nécessaire." >&2; exit 1; }
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv

# Bytecode compiled once at install: every process (test workers, demo, bench server) starts
# without recompiling its ~5,000 modules, also where PYTHONDONTWRITEBYTECODE is set.
.venv/.synced: $(UV) pyproject.toml uv.lock
	UV_PYTHON=$(PYTHON) $(UV) sync --locked --all-groups --compile-bytecode
	touch $@

# WeasyPrint (PDF letters and fiches) needs Pango; installed from Debian's packages when missing.
system-deps:
	@if ! /sbin/ldconfig -p 2>/dev/null | grep -q libpangoft2; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installation de Pango (PDF)…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0) >/dev/null; \
	  else echo "Attention : installez libpango-1.0-0 et libpangoft2-1.0-0 pour les PDF." >&2; fi; \
	fi
	@# xmlsec1 signs and checks SAML messages (EduConnect, docs/identite.md).
	@if ! command -v xmlsec1 >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installation de xmlsec1 (SAML)…"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq xmlsec1) >/dev/null; \
	  else echo "Attention : installez xmlsec1 pour la connexion ÉduConnect (SAML)." >&2; fi; \
	fi

install: .venv/.synced system-deps

demo: install
	$(RUN) python -m orientation.demo --port $(DEMO_PORT)

test: install
	$(RUN) pytest -q -n 2 --dist loadfile

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/orientation} $(RUN) pytest -q -n 2 --dist loadfile

test-browser: install
	$(RUN) pytest -q -m browser tests/browser

quality: install
	$(RUN) ruff format --check .
	$(RUN) ruff check .
	$(MANAGE) makemigrations --check --dry-run

format: install
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

# BENCH_ARGS: bench.run's options, e.g. `make bench BENCH_ARGS=--quick`.
bench: install
	$(RUN) python -m bench.run $(BENCH_ARGS)

# The same bench served by CPython built as production runs it, with profile-guided and
# link-time optimisation (docs/performance.md, « L'interpréteur »): built once from CPython's
# sources by bench/python-optimise.sh (≈ 15 min on two cores), in a venv of its own.
PYTHON_OPTIMISE := $(TOOLS)/python-optimise/bin/python3
VENV_OPTIMISE := $(TOOLS)/venv-optimise

$(PYTHON_OPTIMISE):
	bench/python-optimise.sh $(TOOLS)/python-optimise

bench-optimise: install $(PYTHON_OPTIMISE)
	UV_PROJECT_ENVIRONMENT=$(VENV_OPTIMISE) UV_PYTHON=$(PYTHON_OPTIMISE) \
	  $(UV) sync --locked --all-groups --compile-bytecode
	$(VENV_OPTIMISE)/bin/python -m bench.run $(BENCH_ARGS)

screenshots: install
	$(RUN) pytest -q -m browser tests/browser/test_screenshots.py --screenshots

clean:
	rm -rf .venv $(TOOLS) var/
