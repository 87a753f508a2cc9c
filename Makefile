# The two commands of the README: `make demo` and `make test`. Both install what they need.
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)

.PHONY: test demo install system-deps lint typecheck unit integration bench bench-smoke bench-soak clean messages

$(STAMP): pyproject.toml
	@bash infra/install-system-deps.sh
	@test -x $(BIN)/python || python3 -m venv $(VENV)
	@$(BIN)/pip install -q --disable-pip-version-check --upgrade pip
	@$(BIN)/pip install -q --disable-pip-version-check -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check services tests

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/jatkumo schemas check
	$(BIN)/pytest

unit: $(STAMP)
	$(BIN)/pytest tests/unit tests/contract

demo: $(STAMP)
	$(BIN)/jatkumo demo

# One broker, four measurements side by side; the table goes to docs/performance.md.
bench: $(STAMP)
	$(BIN)/python -m bench

bench-smoke: $(STAMP)
	$(BIN)/python -m bench --events 200 --latency-events 100 --output .jatkumo/bench-smoke.md

bench-soak: $(STAMP)
	$(BIN)/python -m bench.soak

# Extract the texts people read and update the fi/sv/en catalogues (services/i18n/locale).
messages: $(STAMP)
	$(BIN)/jatkumo messages update

clean:
	-$(BIN)/jatkumo broker stop
	rm -rf .jatkumo
