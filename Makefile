# Everyday targets. The virtualenv is .venv, made by infra/test.sh or `make install`.
PY := .venv/bin/python

.PHONY: install lint types check test-fast test bench demo

install:  ## the package, its test and dev tools, in .venv
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test,dev]'

lint: install  ## ruff over the whole tree
	$(PY) -m ruff check .

types: install  ## mypy over the package (settings in pyproject.toml)
	$(PY) -m mypy

check: lint types

test-fast:  ## the suite on the in-memory and SQLite stores (no PostgreSQL, no Kafka)
	MOBILIZE_TEST_BACKENDS=embedded bash infra/test.sh

test:  ## the whole suite: PostgreSQL and Kafka started by infra/, Chromium for the browser tests
	bash infra/test.sh

bench: install  ## the benchmark suite next to this machine's raw ceilings (add ARGS=--quick)
	.venv/bin/mobilize bench $(ARGS)

demo: install  ## the street demo on the embedded default
	.venv/bin/mobilize demo --seed 1
