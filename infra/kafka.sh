#!/usr/bin/env bash
# Single-node Apache Kafka 4.1 (KRaft) from Maven Central jars, no Docker.
#
# usage: infra/kafka.sh start|stop|restart|status|bootstrap
#   start      collect jars (once), format storage (once), start the broker in
#              the background, wait until it serves (idempotent)
#   stop       SIGTERM, wait up to 30 s, then SIGKILL (idempotent)
#   restart    stop, then start on the same data dir (topics and offsets survive)
#   status     exit 0 when running, 3 when not
#   bootstrap  print 127.0.0.1:PORT
#
# environment:
#   MOBILIZE_INFRA_DIR              state root           (default: $PWD/.infra)
#   MOBILIZE_KAFKA_DIR              broker data dir      (default: $MOBILIZE_INFRA_DIR/kafka)
#   MOBILIZE_KAFKA_LIBS             jar cache            (default: $MOBILIZE_INFRA_DIR/kafka-libs)
#   MOBILIZE_KAFKA_PORT             client port          (default: 59092)
#   MOBILIZE_KAFKA_CONTROLLER_PORT  KRaft controller port (default: 59093)
#   MOBILIZE_KAFKA_HEAP             JVM heap             (default: 512m)
#
# Files in the data dir: server.properties (regenerated on each start),
# data/ (log.dirs), logs/server.log (log4j2), kafka.out (JVM stdout/stderr),
# kafka.pid. Needs java (17+) and mvn; installed with apt-get if missing and root.
# Messages go to stderr; only `bootstrap` writes stdout.
set -euo pipefail
umask 022

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
POM=$HERE/kafka/pom.xml
LOG4J_CONF=$HERE/kafka/log4j2.properties

HOST=127.0.0.1
PORT=${MOBILIZE_KAFKA_PORT:-59092}
CPORT=${MOBILIZE_KAFKA_CONTROLLER_PORT:-59093}
HEAP=${MOBILIZE_KAFKA_HEAP:-512m}
START_TIMEOUT=60
STOP_TIMEOUT=30

INFRA_DIR=$(realpath -m "${MOBILIZE_INFRA_DIR:-$PWD/.infra}")
KAFKA_DIR=$(realpath -m "${MOBILIZE_KAFKA_DIR:-$INFRA_DIR/kafka}")
LIBS=$(realpath -m "${MOBILIZE_KAFKA_LIBS:-$INFRA_DIR/kafka-libs}")
PROPS=$KAFKA_DIR/server.properties
PID_FILE=$KAFKA_DIR/kafka.pid
LOG_DIR=$KAFKA_DIR/logs
SERVER_LOG=$LOG_DIR/server.log
OUT_FILE=$KAFKA_DIR/kafka.out
LOG_OFFSET=0

say() { echo "kafka: $*" >&2; }
die() { say "error: $*"; exit 1; }

ensure_tools() {
    local missing=()
    command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
    command -v mvn >/dev/null || missing+=(maven)
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "missing: ${missing[*]} (install them with apt-get)"
    say "installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq "${missing[@]}" >&2
}

# Copy the broker's runtime jars into $LIBS once. A marker holding the pom's
# checksum makes a half-finished copy or an edited pom trigger a fresh copy.
ensure_libs() {
    local sum
    sum=$(sha256sum "$POM" | cut -d' ' -f1)
    if [ -f "$LIBS/.complete" ] && [ "$(cat "$LIBS/.complete")" = "$sum" ]; then
        return 0
    fi
    ensure_tools
    say "collecting jars into $LIBS (mvn dependency:copy-dependencies)"
    rm -rf "$LIBS"
    mkdir -p "$LIBS"
    local out
    out=$(mktemp)
    if ! mvn -B -q -f "$POM" dependency:copy-dependencies \
        -DincludeScope=runtime -DoutputDirectory="$LIBS" >"$out" 2>&1; then
        cat "$out" >&2
        rm -f "$out"
        die "mvn could not collect the jars (network to Maven Central?)"
    fi
    rm -f "$out"
    echo "$sum" >"$LIBS/.complete"
}

write_properties() {
    mkdir -p "$KAFKA_DIR/data" "$LOG_DIR"
    cat >"$PROPS" <<EOF
# written by infra/kafka.sh on every start
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$HOST:$CPORT
listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CPORT
advertised.listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CPORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$KAFKA_DIR/data
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
}

kafka_java() {
    java -Xmx"$HEAP" -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$LOG4J_CONF" -Dkafka.logs.dir="$LOG_DIR" \
        -cp "$LIBS/*" "$@"
}

format_storage() {
    [ -f "$KAFKA_DIR/data/meta.properties" ] && return 0
    local cluster_id out
    # Same shape as `StorageTool random-uuid` (base64url of 16 random bytes,
    # never starting with '-'), without paying for another JVM start.
    cluster_id=-
    while [ "${cluster_id:0:1}" = - ]; do
        cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
    done
    say "formatting $KAFKA_DIR/data (cluster id $cluster_id)"
    out=$(kafka_java kafka.tools.StorageTool format --standalone -g \
        -t "$cluster_id" -c "$PROPS" 2>&1) || die "StorageTool format failed: $out"
}

running_pid() {
    [ -f "$PID_FILE" ] || return 1
    local pid
    pid=$(cat "$PID_FILE")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    # guard against a recycled pid: it must be our broker
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -F "kafka.Kafka $PROPS" >/dev/null || return 1
    echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
# Whether something listens on port $1, asked without connecting: the default ports lie in Linux's ephemeral
# range, and a connect to a port nobody listens on yet can connect to itself (TCP simultaneous open), which
# holds the port and made the broker's bind fail with "Address already in use".
port_taken() {
    python3 -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
try:
    s.bind((sys.argv[1], int(sys.argv[2])))
except OSError:
    sys.exit(0)
sys.exit(1)' "$HOST" "$1"
}

# Last lines this run wrote to server.log (LOG_OFFSET = its size before the start).
show_logs() {
    say "---- tail of $SERVER_LOG"
    tail -c +"$((LOG_OFFSET + 1))" "$SERVER_LOG" 2>/dev/null | tail -n 40 >&2 || true
    say "---- tail of $OUT_FILE"
    tail -n 20 "$OUT_FILE" >&2 2>/dev/null || true
}

cmd_start() {
    local pid
    if pid=$(running_pid); then
        grep -qx "listeners=PLAINTEXT://$HOST:$PORT,CONTROLLER://$HOST:$CPORT" "$PROPS" \
            || die "already running (pid $pid) with other ports: $(grep '^listeners=' "$PROPS"); stop it first"
        say "already running (pid $pid) on $HOST:$PORT"
        return 0
    fi
    rm -f "$PID_FILE"
    [ -f "$LOG4J_CONF" ] || die "missing $LOG4J_CONF"
    ensure_libs
    ensure_tools
    for p in "$PORT" "$CPORT"; do
        port_taken "$p" && die "port $p on $HOST is already in use by another process"
    done
    write_properties
    format_storage

    # Readiness = port answers AND this run logged "Kafka Server started".
    LOG_OFFSET=0
    [ -f "$SERVER_LOG" ] && LOG_OFFSET=$(stat -c %s "$SERVER_LOG")

    say "starting broker on $HOST:$PORT (controller $CPORT, data $KAFKA_DIR)"
    # setsid: the broker must not die with the caller's process group.
    setsid java -Xmx"$HEAP" -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$LOG4J_CONF" -Dkafka.logs.dir="$LOG_DIR" \
        -cp "$LIBS/*" kafka.Kafka "$PROPS" >"$OUT_FILE" 2>&1 </dev/null &
    pid=$!
    echo "$pid" >"$PID_FILE"

    local i
    for ((i = 0; i < START_TIMEOUT * 4; i++)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            show_logs
            rm -f "$PID_FILE"
            die "broker exited during startup"
        fi
        if [ -f "$SERVER_LOG" ]; then
            local size
            size=$(stat -c %s "$SERVER_LOG")
            [ "$size" -lt "$LOG_OFFSET" ] && LOG_OFFSET=0 # log rolled over
            # the log line first: it comes once the acceptors are bound, and only then is probing safe
            if tail -c +"$((LOG_OFFSET + 1))" "$SERVER_LOG" | grep -F "Kafka Server started" >/dev/null \
                && port_open "$PORT"; then
                say "ready on $HOST:$PORT (pid $pid, $(awk "BEGIN{print $i/4}") s)"
                return 0
            fi
        fi
        sleep 0.25
    done
    show_logs
    cmd_stop
    die "broker not ready after ${START_TIMEOUT}s"
}

cmd_stop() {
    local pid
    if ! pid=$(running_pid); then
        rm -f "$PID_FILE"
        say "not running"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < STOP_TIMEOUT * 4; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.25
    done
    if kill -0 "$pid" 2>/dev/null; then
        say "still alive after ${STOP_TIMEOUT}s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    rm -f "$PID_FILE"
    say "stopped (pid $pid)"
}

cmd_status() {
    local pid
    if pid=$(running_pid); then
        say "running (pid $pid) on $HOST:$PORT, data $KAFKA_DIR"
        return 0
    fi
    say "not running"
    return 3
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_stop && cmd_start ;;
    status) cmd_status ;;
    bootstrap) echo "$HOST:$PORT" ;;
    *)
        sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
        exit 2
        ;;
esac
