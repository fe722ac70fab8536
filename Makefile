# Income Watch 增收监测 — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DB ?= data/incomewatch.duckdb
PORT ?= 8501
ADDRESS ?=
DEBUG ?=

.PHONY: run serve test lint bench load soak demo browser-deps office-deps oidc-deps clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## run: set up, build the synthetic demo world on first start, open the dashboard
run: $(STAMP)
	@test -f $(DB) || $(PY) -m analysis demo --db $(DB)
	INCOMEWATCH_DB=$(DB) $(PY) -m pages._server run app.py --server.port $(PORT) \
		$(if $(ADDRESS),--server.address $(ADDRESS)) $(if $(DEBUG),--client.showErrorDetails full --server.fileWatcherType auto --server.runOnSave true)

## serve: several app processes behind nginx with sticky sessions (PROCS=4; ADDRESS=0.0.0.0 to serve the network)
PROCS ?= 2
serve: $(STAMP) browser-deps
	@test -f $(DB) || $(PY) -m analysis demo --db $(DB)
	$(PY) -m analysis serve --db $(DB) --processes $(PROCS) --port $(PORT) $(if $(ADDRESS),--address $(ADDRESS))

## demo: rebuild the synthetic demo world
demo: $(STAMP)
	$(PY) -m analysis demo --db $(DB)

## test: set up and run the whole test suite (lint first), in WORKERS processes (pytest-xdist; a test module
## stays on one worker, so its server and browser fixtures are made once). WORKERS=0 runs it in this process.
WORKERS ?= 2
test: $(STAMP) browser-deps office-deps oidc-deps lint
	$(PY) -m pytest -q $(if $(filter 0,$(WORKERS)),,-n $(WORKERS) --dist loadfile)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

## bench: print measured timings (not part of the tests): analysis functions, every page, first views in Chromium
## (national world only when bench-out/large.duckdb exists or LARGE=path is given; it is never built unasked)
LARGE ?=
bench: $(STAMP) browser-deps
	$(PY) -m analysis.bench $(if $(LARGE),--large $(LARGE))
	$(PY) -m pages._bench $(if $(LARGE),--db $(LARGE))
	$(PY) -m analysis.bench._firstview
	$(if $(LARGE),$(PY) -m analysis.bench._firstview --db $(LARGE))

## load: real browsers, then protocol clients (no rendering), at 1, 10 and 20 concurrent sessions against a freshly started server (PROCS app processes)
load: $(STAMP) browser-deps
	@test -f $(DB) || $(PY) -m analysis demo --db $(DB)
	$(PY) -m analysis.bench._load --db $(DB) --processes $(PROCS)
	$(PY) -m analysis.bench._load --db $(DB) --processes $(PROCS) --clients protocol

## soak: memory of one app process over MINUTES of slow visits (3 browser sessions, every page, zh and en)
MINUTES ?= 60
soak: $(STAMP) browser-deps
	@test -f $(DB) || $(PY) -m analysis demo --db $(DB)
	$(PY) -m analysis.bench._soak --db $(DB) --minutes $(MINUTES)

# Debian's chromium and a CJK font for browser tests and figure export, nginx for several app processes;
# installed when missing and root.
browser-deps:
	@if command -v chromium >/dev/null && fc-list :lang=zh | grep -q . && [ -x /usr/sbin/nginx ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk nginx-light >/dev/null; \
	else echo "note: chromium or CJK fonts missing and not root: browser tests will skip (sudo apt-get install chromium fonts-noto-cjk)"; fi

# LibreOffice renders the briefing's deck and Word file to PDF, so that tests look at them as a reader would
# (tests/test_deck_render.py). Without recommends: 63 packages, ≈95 MB download, ≈300 MB installed, about a minute.
# The Word file's 仿宋/小标宋/楷体 are rendered in Noto Serif CJK and AR PL UKai (≈8 MB; tests/fonts/fonts.conf).
office-deps:
	@if command -v soffice >/dev/null && fc-list | grep -q "AR PL UKai" && fc-list | grep -q "Noto Serif CJK"; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			libreoffice-impress libreoffice-writer fonts-liberation2 fonts-noto-cjk fonts-arphic-ukai >/dev/null; \
	else echo "note: LibreOffice or fonts missing and not root: the deck render test will skip or fail (sudo apt-get install libreoffice-impress libreoffice-writer fonts-noto-cjk fonts-arphic-ukai)"; fi

# The loopback OpenID Connect provider of the sign-in browser test (npm oidc-provider, pinned by package-lock.json).
oidc-deps:
	cd tests/oidc && npm ci --no-audit --no-fund --loglevel=error

clean:
	rm -rf $(VENV) data/cache bench-out .pytest_cache .ruff_cache
