# `make run` and `make test` install everything they need into .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint typecheck chromium unit seed schema vendor bench bench-goodput bench-writes bench-pages bench-cache bench-subscriptions mutation clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,embedded]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python -m api

test: lint typecheck chromium unit

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

# The browser tests (tests/browser) drive Debian's Chromium through Playwright, never a browser
# Playwright downloads: installed here when missing and we are root, else a clear message.
chromium:
	@if ! command -v chromium >/dev/null 2>&1 && [ ! -x "$${CHROMIUM:-/usr/bin/chromium}" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need Debian's Chromium: run 'sudo apt-get install chromium'" \
	      "(or set CHROMIUM to a Chromium binary), then 'make test' again." >&2; \
	    exit 1; \
	  fi; \
	fi

# Each test worker runs its own embedded database. On a shared MONGODB_URI the tests run
# one at a time: their fail points are armed server-wide.
TEST_WORKERS ?= $(if $(MONGODB_URI),0,auto)
unit: install
	$(BIN)/pytest --numprocesses=$(TEST_WORKERS) --maxprocesses=4

# Load the seed articles into MONGODB_URI (or the embedded database) without serving.
seed: install
	$(BIN)/python -m seed

# Rewrite schema.graphql from the served schema (then review the diff).
schema: install
	$(BIN)/python -m schema.export > schema.graphql

# Fetch the browser assets GraphiQL and the pages serve (api/static/vendor) from the npm
# registry again, each checked against the integrity its manifest records. To upgrade a
# package, change its version in api/static/vendor/manifest.json and empty its integrity.
vendor: install
	$(BIN)/python -m api.vendor

# The scale benchmark (bench/README.md): size S (S and L with MONGODB_URI), API against the
# hand-written floor. The first run generates and loads each corpus (S takes about five
# minutes, L half an hour); later runs reuse them from .data/bench.
# BENCH_ARGS='--size S --duration 3' for a quick look.
BENCH_ARGS ?=
bench: install
	$(BIN)/python -m bench.scale --json bench/results/scale.json --markdown bench/results/scale.md $(BENCH_ARGS)

# The goodput benchmark (bench/README.md): fifty-person pages at concurrency 1 to 64 and
# node(id) beside them, API and floor with two workers each; about five minutes at S.
GOODPUT_ARGS ?=
bench-goodput: install
	$(BIN)/python -m bench.goodput --json bench/results/goodput-s.json --markdown bench/results/goodput-s.md $(GOODPUT_ARGS)

# The write benchmark (bench/README.md): createStatement throughput at size S with 1, 4 and 8
# editors, and the scale benchmark's reads alone and beside an editor writing 5 facts/s, on a
# copy of the corpus (which stays as loaded). About three minutes once the corpus is loaded.
WRITES_ARGS ?=
bench-writes: install
	$(BIN)/python -m bench.writes --json bench/results/writes-s.json --markdown bench/results/writes-s.md $(WRITES_ARGS)

# The desk's pages in Debian's Chromium (bench/README.md): first render, ready and bytes
# transferred for the article reader and a person page with 500 events, on a scratch database.
PAGES_ARGS ?=
bench-pages: install chromium
	$(BIN)/python -m bench.pages --json bench/results/pages.json --markdown bench/results/pages.md $(PAGES_ARGS)

# The response cache benchmark (bench/README.md): repeated person pages and node(id) at size S,
# warm and cold, against the floor, and how soon a write in one process reaches another's
# cache. About three minutes once the corpus is loaded.
CACHE_ARGS ?=
bench-cache: install
	$(BIN)/python -m bench.cache --json bench/results/cache-s.json --markdown bench/results/cache-s.md $(CACHE_ARGS)

# The subscription fan-out benchmark (bench/README.md): 1,000 WebSocket subscribers on one
# process while createPerson runs at 20 per second for 30 s; delivery latency, events lost,
# server memory. About two minutes. SUBSCRIPTIONS_ARGS='--subscribers 50 --duration 5'.
SUBSCRIPTIONS_ARGS ?=
bench-subscriptions: install
	$(BIN)/python -m bench.subscriptions --json bench/results/subscriptions.json --markdown bench/results/subscriptions.md $(SUBSCRIPTIONS_ARGS)

# Mutation testing (bench/README.md, "Mutation testing"): mutmut on the three modules of the
# issue "Tests that fail when the property breaks", one pass each with that module's own tests
# (every GraphQL test runs the cost limiter, so coverage alone would give each of its mutants
# ~280 tests). MUTANTS picks mutants by name: the default, those whose number ends in 0 or 5,
# is a fixed one-in-five sample (~45 min); MUTANTS='*' runs all ~890 (several hours).
MUTANTS ?= *[05]
MUTATION_WORKERS ?= 2
MUTATION_OUT ?= bench/results/mutation-summary.txt
mutation: install
	$(BIN)/python -m pip install --quiet -e '.[dev,embedded,mutation]'
	rm -rf mutants
	for pass in 'schema.limits|test_limits.py' \
	    'schema.search.engine|test_engine.py or test_evaluation.py or test_filters.py' \
	    'schema.common.pagination|test_pagination.py or test_loaders.py or test_plans.py'; do \
	  rm -f mutants/mutmut-stats.json; \
	  PYTEST_ADDOPTS="-k '$${pass#*|}'" nice -n 10 $(BIN)/mutmut run \
	    --max-children $(MUTATION_WORKERS) "$${pass%%|*}.$(MUTANTS)" || exit 1; \
	done
	$(BIN)/mutmut results --all true | grep -v 'not checked' > mutants/results.txt
	{ echo "mutmut $$($(BIN)/mutmut --version | awk '{print $$NF}'), MUTANTS='$(MUTANTS)', $$(date -u +%F)"; \
	  awk '{ m = $$1; sub(/\.[^.]*$$/, "", m); n[m]++; n["all"]++; s[m, $$2]++; s["all", $$2]++ } \
	    END { for (m in n) printf "%s: %d mutants, %d killed, %d survived, %d other\n", m, n[m], \
	      s[m, "killed"], s[m, "survived"], n[m] - s[m, "killed"] - s[m, "survived"] }' \
	    mutants/results.txt | sort; \
	  for name in $$(awk '$$2 != "killed" { sub(/:$$/, "", $$1); print $$1 }' mutants/results.txt); do \
	    echo; $(BIN)/mutmut show "$$name"; done; } > $(MUTATION_OUT)
	sed -n 1,5p $(MUTATION_OUT)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
