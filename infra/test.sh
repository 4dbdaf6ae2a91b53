#!/usr/bin/env bash
# The whole test suite from a fresh clone: a virtualenv with the test dependencies, a throwaway
# PostgreSQL and a single-node Kafka broker (infra/postgres.sh and infra/kafka.sh install and start
# them; kcat, the tests' independent Kafka client, and Chromium, for the dashboard's browser test, are
# installed with apt-get if missing), then pytest
# on every backend. On exit the servers this run started are stopped again; servers that were already
# running are left running.
#
# usage: infra/test.sh [pytest args...]
#   MOBILIZE_TEST_BACKENDS=embedded   skip PostgreSQL and Kafka (memory and SQLite only; Kafka tests skip)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

APT_UPDATED=no
ensure() {  # ensure COMMAND: install Debian's package of that name when the command is missing
    command -v "$1" >/dev/null && return 0
    if [ "$(id -u)" -ne 0 ]; then
        echo "test: $1 is missing; install it (apt-get install $1) and run again" >&2
        exit 1
    fi
    echo "test: installing $1 with apt-get" >&2
    if [ "$APT_UPDATED" = no ]; then
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        APT_UPDATED=yes
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >&2
}

STARTED=()
stop_started() {
    local server status=0
    for server in ${STARTED[@]+"${STARTED[@]}"}; do
        "infra/$server.sh" stop || status=1
    done
    return "$status"
}
trap stop_started EXIT

ensure chromium  # the dashboard is tested in a real headless browser
if [ "${MOBILIZE_TEST_BACKENDS:-all}" != "embedded" ]; then
    ensure kcat  # the relay is checked with an independent Kafka client too
    for server in postgres kafka; do
        "infra/$server.sh" status 2>/dev/null || STARTED+=("$server")
        "infra/$server.sh" start
    done
    MOBILIZE_TEST_POSTGRES=$(infra/postgres.sh url)
    MOBILIZE_TEST_KAFKA=$(infra/kafka.sh bootstrap)
    export MOBILIZE_TEST_POSTGRES MOBILIZE_TEST_KAFKA
fi

.venv/bin/python -m pytest "$@"
