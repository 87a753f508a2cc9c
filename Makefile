# The two commands of the README: `make demo` and `make test`. Both install what they need.
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha1sum | cut -c1-12)
PIP := $(BIN)/python -m pip --disable-pip-version-check
# The Kafka version of the local broker (`infra/kafka/pom.xml` takes it as a property).
KAFKA_VERSION ?=
export KAFKA_VERSION

.PHONY: test demo install lock system-deps lint typecheck unit integration bench bench-smoke bench-soak clean messages

# Everything comes from requirements.lock (exact versions, hashes); the project itself is then
# installed editable without resolving anything. An upgrade is a deliberate `make lock`.
$(STAMP): pyproject.toml requirements.lock
	@bash infra/install-system-deps.sh
	@test -x $(BIN)/python || python3 -m venv $(VENV)
	@$(PIP) install -q --require-hashes -r requirements.lock
	@$(PIP) install -q --no-deps --no-build-isolation -e .
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

# Re-resolve the whole environment after a change of pyproject.toml's dependencies.
lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --universal \
	  --python-version 3.11 --custom-compile-command "make lock" -o requirements.lock

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
