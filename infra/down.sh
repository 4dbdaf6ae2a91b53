#!/usr/bin/env bash
# Stop the local Kafka and PostgreSQL started by infra/up.sh (idempotent).
# Data stays in $MOBILIZE_INFRA_DIR (default $PWD/.infra); delete it for a
# clean slate. Prints the matching `unset`, so `eval "$(infra/down.sh)"` works.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

status=0
"$HERE/kafka.sh" stop || status=1
"$HERE/postgres.sh" stop || status=1
echo "unset MOBILIZE_STORE MOBILIZE_KAFKA"
exit "$status"
