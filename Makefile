# CIO Dispatch. `make demo` serves a populated demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.8
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEMO_ENV := DEBUG=true DEMO_MODE=true
DEMO_DB := var/ciodispatch.sqlite3
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install demo-deps system-deps messages demo demo-reset serve test lint bench clean

# Python 3.11 is required; fall back to python3 when it is 3.11.
$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { python3 -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required"' && echo "using python3"; }
	@$$(command -v $(PYTHON) || command -v python3) -c 'import ensurepip' 2>/dev/null || { \
	  echo "Installing Debian's python3-venv"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq python3-venv; }
	$$(command -v $(PYTHON) || command -v python3) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Reinstall whenever the lock file or the project metadata change.
$(VENV)/.installed: $(BIN)/python requirements.lock pyproject.toml
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

install: $(VENV)/.installed

# Debian packages, installed only when missing: gettext compiles the message catalogues and
# the IPAex fonts go into PDFs (demo and tests); chromium and Noto CJK are for the browser tests.
DEMO_DEBS := gettext:/usr/bin/msgfmt fonts-ipaexfont-gothic:/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf
TEST_DEBS := $(DEMO_DEBS) chromium:/usr/bin/chromium fonts-noto-cjk:/usr/share/fonts/opentype/noto
define install_debs
	@missing=""; for pair in $(1); do [ -e "$${pair#*:}" ] || missing="$$missing $${pair%%:*}"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
endef

demo-deps:
	$(call install_debs,$(DEMO_DEBS))

system-deps:
	$(call install_debs,$(TEST_DEBS))

messages: install demo-deps
	cd ciodispatch && DEBUG=true ../$(BIN)/ciodispatch compilemessages -v0

demo: install messages
	mkdir -p var
	$(DEMO_ENV) $(BIN)/ciodispatch migrate --no-input -v0
	@if [ ! -f var/.demo-loaded ]; then $(DEMO_ENV) $(BIN)/ciodispatch load_demo && touch var/.demo-loaded; fi
	@echo "Serving the demo at http://$(HOST):$(PORT)/ (Ctrl-C stops it; accounts in README.md)"
	@trap 'kill $$worker 2>/dev/null' EXIT; \
	$(DEMO_ENV) $(BIN)/ciodispatch fail_stalled_runs -v0; \
	$(DEMO_ENV) $(BIN)/ciodispatch db_worker --no-reload -v0 & worker=$$!; \
	$(DEMO_ENV) $(BIN)/ciodispatch runserver --noreload $(HOST):$(PORT)

demo-reset:
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm var/.demo-loaded
	$(MAKE) demo

# The production server on this machine: gunicorn (WEB_CONCURRENCY processes, default 2) and
# one background worker, DEBUG off, static files collected. Refuses to start, saying what to
# set, without SECRET_KEY or ALLOWED_HOSTS, on SQLite unless SINGLE_MACHINE=true, or with
# migrations not applied (run `ciodispatch migrate` first). See docs/operations.md.
serve: install messages
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python -m ciodispatch.core.serve

lint: install
	$(BIN)/ruff check ciodispatch tests bench
	$(BIN)/ruff format --check ciodispatch tests bench
	SECRET_KEY=type-check-only $(BIN)/mypy ciodispatch/policy ciodispatch/api_support.py \
	  ciodispatch/core/states.py ciodispatch/core/dates.py ciodispatch/localgov/codes.py \
	  ciodispatch/*/services.py ciodispatch/matching ciodispatch/core/errors.py \
	  ciodispatch/core/wizard.py ciodispatch/core/heartbeat.py ciodispatch/core/uploads.py \
	  ciodispatch/core/personal_data.py ciodispatch/core/middleware.py \
	  ciodispatch/core/logfilters.py ciodispatch/core/mail.py ciodispatch/accounts/sessions.py \
	  ciodispatch/core/probes.py ciodispatch/core/workers.py ciodispatch/core/joblocks.py \
	  ciodispatch/core/serve.py ciodispatch/core/menu.py
	$(BIN)/lint-imports --no-cache

test: install system-deps messages lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
