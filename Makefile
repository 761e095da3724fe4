# The two quick-start commands: `make run` (a hub on http://127.0.0.1:8000, embedded backend unless
# REDIS_URL is set) and `make test` (installs what the tests need, finds or starts a real Redis, runs
# the whole suite). Both create .venv on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench clean chromium

# The install compiles the moderation pipeline (setup.py), so it is redone when that source changes;
# a stale build is never used meanwhile (moderation/compiled.py), only slower.
COMPILED_SOURCES := setup.py moderation/compiled.py $(wildcard moderation/*.py) moderation/_textscan.c

define install
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '$(1)'
endef

$(VENV)/.installed-run: pyproject.toml $(COMPILED_SOURCES)
	$(call install,.)
	touch $@

# One install for both: each install compiles the pipeline again.
$(VENV)/.installed-test: pyproject.toml $(COMPILED_SOURCES)
	$(call install,.[test])
	touch $@ $(VENV)/.installed-run

# Browser tests drive Debian's Chromium (Playwright's own browser download is not used).
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		echo "chromium is not installed and could not be installed: install it to run the browser tests"

run: $(VENV)/.installed-run
	$(BIN)/peerchat serve

test: $(VENV)/.installed-test chromium
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed-test
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) *.egg-info build *.so moderation/*.so moderation/_compiled.json
