#!/usr/bin/env bash
# End-to-end check of the local infrastructure:
#   start both -> psql + psycopg (password auth) -> kafka-python produce/consume
#   -> kcat consume/produce -> broker restart -> data still there -> stop both.
#
# usage: infra/smoke.sh [--keep]     (--keep: leave both running at the end)
#
# Installs kcat with apt-get if missing (root only). Python checks use the
# current python3; psycopg is optional (skipped with a note if not importable),
# kafka-python 3.x is required. Exit status 0 = everything passed.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
KEEP=${1:-}
PY=${PYTHON:-python3}

step() { echo "== $*" >&2; }
fail() { echo "SMOKE FAILED: $*" >&2; exit 1; }

if ! command -v kcat >/dev/null; then
    [ "$(id -u)" -eq 0 ] || fail "kcat missing (apt-get install kcat)"
    step "installing kcat"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat >&2
fi

step "start"
eval "$("$HERE/up.sh")"
[ "$KEEP" = "--keep" ] || trap '"$HERE/down.sh" >/dev/null' EXIT
echo "MOBILIZE_STORE=$MOBILIZE_STORE MOBILIZE_KAFKA=$MOBILIZE_KAFKA" >&2

step "psql over TCP with password"
[ "$(psql "$MOBILIZE_STORE" -X -tAc 'select current_user')" = mobilize ] || fail psql

step "psycopg"
"$PY" - "$MOBILIZE_STORE" <<'EOF' || fail psycopg
import sys
try:
    import psycopg
except ImportError:
    print("   psycopg not installed: skipped (pip install 'psycopg[binary,pool]')")
    raise SystemExit(0)
with psycopg.connect(sys.argv[1]) as conn:
    conn.execute("create temporary table smoke (n int)")
    conn.execute("insert into smoke values (41)")
    assert conn.execute("select n + 1 from smoke").fetchone() == (42,)
print("   psycopg", psycopg.__version__, psycopg.pq.__impl__, "ok")
EOF

TOPIC=smoke-$$-$(date +%s)
step "kafka-python produce/consume on $TOPIC"
"$PY" - "$MOBILIZE_KAFKA" "$TOPIC" <<'EOF' || fail kafka-python
import sys
import kafka
from kafka import KafkaConsumer, KafkaProducer
from kafka.admin import KafkaAdminClient

bootstrap, topic = sys.argv[1:]
admin = KafkaAdminClient(bootstrap_servers=bootstrap)
admin.create_topics({topic: {"num_partitions": 3, "replication_factor": 1}}, wait_for_metadata=True)
admin.close()
producer = KafkaProducer(bootstrap_servers=bootstrap)  # 3.x: acks=all, idempotent
for i in range(10):
    producer.send(topic, key=f"agg-{i % 3}".encode(), value=f"event-{i}".encode())
producer.flush()
producer.close()
consumer = KafkaConsumer(topic, bootstrap_servers=bootstrap, group_id="smoke",
                         auto_offset_reset="earliest", consumer_timeout_ms=10000)
values = []
for message in consumer:
    values.append(message.value.decode())
    if len(values) == 10:
        break
values.sort()
consumer.close()
assert values == sorted(f"event-{i}" for i in range(10)), values
print("   kafka-python", kafka.__version__, "10 produced, 10 consumed")
EOF

step "kcat consume + produce"
n=$(kcat -C -b "$MOBILIZE_KAFKA" -t "$TOPIC" -o beginning -e -q -f '%k %s\n' | wc -l)
[ "$n" -eq 10 ] || fail "kcat read $n messages, wanted 10"
echo "agg-9:from-kcat" | kcat -P -b "$MOBILIZE_KAFKA" -t "$TOPIC" -K:

step "broker restart"
"$HERE/kafka.sh" restart
n=$(kcat -C -b "$MOBILIZE_KAFKA" -t "$TOPIC" -o beginning -e -q -f '%k %s\n' | wc -l)
[ "$n" -eq 11 ] || fail "after restart kcat read $n messages, wanted 11"

step "all good"
