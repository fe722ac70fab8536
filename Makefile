# Income Watch 增收监测 — the two commands: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DB ?= data/incomewatch.duckdb
PORT ?= 8501
ADDRESS ?=
DEBUG ?=

.PHONY: run test lint bench demo browser-deps clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## run: set up, build the synthetic demo world on first start, open the dashboard
run: $(STAMP)
	@test -f $(DB) || $(PY) -m analysis demo --db $(DB)
	INCOMEWATCH_DB=$(DB) $(VENV)/bin/streamlit run app.py --server.port $(PORT) \
		$(if $(ADDRESS),--server.address $(ADDRESS)) $(if $(DEBUG),--client.showErrorDetails full)

## demo: rebuild the synthetic demo world
demo: $(STAMP)
	$(PY) -m analysis demo --db $(DB)

## test: set up and run the whole test suite (lint first)
test: $(STAMP) browser-deps lint
	$(PY) -m pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .

## bench: print measured timings (not part of the tests): analysis functions, then every page
bench: $(STAMP)
	$(PY) -m analysis.bench
	$(PY) -m pages._bench

# Debian's chromium and a CJK font for browser tests and figure export; installed when missing and root.
browser-deps:
	@if command -v chromium >/dev/null && fc-list :lang=zh | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "note: chromium or CJK fonts missing and not root: browser tests will skip (sudo apt-get install chromium fonts-noto-cjk)"; fi

clean:
	rm -rf $(VENV) data/cache bench-out .pytest_cache .ruff_cache
