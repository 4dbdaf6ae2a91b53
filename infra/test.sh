#!/usr/bin/env bash
# The whole test suite from a fresh clone: a virtualenv with the test dependencies, a throwaway
# PostgreSQL (infra/postgres.sh installs and starts it), then pytest on every backend.
#
# usage: infra/test.sh [pytest args...]
#   MOBILIZE_TEST_BACKENDS=embedded   skip PostgreSQL (memory and SQLite only)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

if [ "${MOBILIZE_TEST_BACKENDS:-all}" != "embedded" ]; then
    infra/postgres.sh start
    trap 'infra/postgres.sh stop' EXIT
    MOBILIZE_TEST_POSTGRES=$(infra/postgres.sh url)
    export MOBILIZE_TEST_POSTGRES
fi

.venv/bin/python -m pytest "$@"
