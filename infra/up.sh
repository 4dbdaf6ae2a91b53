#!/usr/bin/env bash
# Start the local PostgreSQL and Kafka (see postgres.sh / kafka.sh) and print
# the environment the project reads. Progress goes to stderr, so:
#
#   eval "$(infra/up.sh)"
#
# prints/exports MOBILIZE_STORE=<postgres url> and MOBILIZE_KAFKA=<bootstrap>.
# Same MOBILIZE_INFRA_DIR / *_PORT variables as the two scripts.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

"$HERE/postgres.sh" start
"$HERE/kafka.sh" start
echo "export MOBILIZE_STORE=$("$HERE/postgres.sh" url)"
echo "export MOBILIZE_KAFKA=$("$HERE/kafka.sh" bootstrap)"
