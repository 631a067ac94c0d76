# The two commands: `make demo` (the main job) and `make test` (the test command).
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The AsyncAPI project's own CLI validates the committed documents (pinned in tools/asyncapi).
ASYNCAPI := tools/asyncapi/node_modules/.bin/asyncapi
ARGS ?=

.PHONY: venv tools up down status lint test test-fast fuzz demo bench bench-growth bench-memory schemas faults durability

$(STAMP): pyproject.toml contracts/pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c constraints.txt -e ./contracts -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

$(ASYNCAPI): tools/asyncapi/package.json tools/asyncapi/package-lock.json
	cd tools/asyncapi && npm ci --no-audit --no-fund --loglevel=error
	@touch $(ASYNCAPI)

tools: $(ASYNCAPI)

# BROKERS=3: three KRaft brokers (replication 3, min.insync.replicas 2) instead of one.
BROKERS ?= 1
up: venv
	SSP_KAFKA_BROKERS=$(BROKERS) deploy/local/stack.sh up

down:
	deploy/local/stack.sh down

status:
	deploy/local/stack.sh status

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy contracts/ssp_contracts services tests bench conftest.py

schemas: venv
	$(BIN)/ssp schemas write

# Two pytest sessions at once, the second on a stack of its own (tests/run.sh says why).
test: lint up tools
	tests/run.sh

test-fast: venv
	$(BIN)/pytest -q -m "not stack and not tools"

# The full fuzz: FUZZ_EXAMPLES cases per operation, a fresh random seed each run (printed by
# hypothesis on failure; SSP_FUZZ_SEED=<n> repeats one). `make test` runs the capped, fixed one.
FUZZ_EXAMPLES ?= 1000
fuzz: up
	SSP_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -s -p no:cacheprovider --timeout=0 tests/fuzz $(ARGS)

# The demo, the benchmarks and the fault suite each use their own topics (SSP_TOPIC_PREFIX;
# exported to the prerequisite `up` too, which creates them), as each test run does.
demo bench-memory: export SSP_TOPIC_PREFIX ?= demo.
bench bench-growth: export SSP_TOPIC_PREFIX ?= bench.
faults: export SSP_TOPIC_PREFIX ?= faults.

demo: up
	$(BIN)/ssp demo $(ARGS)

bench: up
	$(BIN)/python -m bench.run $(ARGS)

# Each service's resident memory through the full default demo, apart from make bench.
bench-memory: up
	$(BIN)/python -m bench.memory $(ARGS)

# Cost growth with history (1x, 10x, 100x the demo's staffing history), apart from make bench.
bench-growth: up
	$(BIN)/python -m bench.growth $(ARGS)

# The fault-injection suite at full scale (>= 100,000 events, 60 s outages), then the restore
# drill at the demo's scale (it wipes the local broker); both write docs/reliability.md. It
# starts with the three-broker durability test.
# A small run: make faults ARGS='--events 5000 --outage 5' DRILL_ARGS='--schools 3 --officers 2 --phase 3'
DRILL_ARGS ?=
faults: durability up
	$(BIN)/ssp faults --write docs/reliability.md $(ARGS)
	$(BIN)/ssp drill --write docs/reliability.md $(DRILL_ARGS)

# Three KRaft brokers (replication 3, min.insync.replicas 2); one is killed -9 under acks=all
# load and nothing acknowledged may be lost (about a minute). The stack stays on three brokers
# until the next plain `make up`.
durability: venv
	SSP_KAFKA_BROKERS=3 deploy/local/stack.sh up
	SSP_KAFKA_BROKERS=3 $(BIN)/pytest -q -p no:cacheprovider tests/reliability/test_broker_loss.py
