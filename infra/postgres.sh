#!/usr/bin/env bash
# Throwaway PostgreSQL 15 cluster for development and tests.
#
# usage: infra/postgres.sh start|stop|status|url|env
#   start   install postgresql-15 if missing, initdb once, start, wait for pg_isready
#           (idempotent: an already running cluster is left alone)
#   stop    fast shutdown (idempotent)
#   status  exit 0 when running, 3 when not
#   url     print postgresql://mobilize:mobilize@127.0.0.1:PORT/mobilize
#   env     print eventsourcing's POSTGRES_* settings as shell exports
#
# environment:
#   MOBILIZE_INFRA_DIR  state root                (default: $PWD/.infra)
#   MOBILIZE_PG_DIR     data directory            (default: $MOBILIZE_INFRA_DIR/pg)
#   MOBILIZE_PG_PORT    TCP port on 127.0.0.1     (default: 55432)
#   MOBILIZE_PG_OPTS    extra server options, e.g. "-c fsync=off" (passed to pg_ctl -o)
#
# Database "mobilize", role "mobilize", password "mobilize"; TCP connections
# use scram-sha-256, the unix socket (inside the data dir) is trust-only for
# the superuser "postgres". Messages go to stderr; only `url`/`env` write stdout.
#
# When run as root the server runs as the OS user "postgres" (initdb refuses
# root). That user must be able to traverse every parent of the data dir; if
# it cannot (e.g. a 0700 home directory) the cluster is put in
# /tmp/mobilize-pg-<checksum of the wanted path> instead and a note is printed.
set -euo pipefail
umask 022

PG_MAJOR=15
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
PG_OS_USER=postgres
HOST=127.0.0.1
PORT=${MOBILIZE_PG_PORT:-55432}
DB_NAME=mobilize
DB_USER=mobilize
DB_PASSWORD=mobilize
START_TIMEOUT=30

INFRA_DIR=$(realpath -m "${MOBILIZE_INFRA_DIR:-$PWD/.infra}")
WANTED_DIR=$(realpath -m "${MOBILIZE_PG_DIR:-$INFRA_DIR/pg}")

say() { echo "postgres: $*" >&2; }
die() { say "error: $*"; exit 1; }
is_root() { [ "$(id -u)" -eq 0 ]; }

# Run a command as the cluster owner (cwd / so psql does not complain about
# an unreadable working directory).
as_owner() {
    if is_root; then
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
        "$@"
    fi
}

ensure_installed() {
    [ -x "$PG_BIN/initdb" ] && return 0
    is_root || die "$PG_BIN/initdb missing; install postgresql-$PG_MAJOR (apt-get install postgresql-$PG_MAJOR)"
    say "installing postgresql-$PG_MAJOR with apt-get"
    # Do not let the package create and start its own 'main' cluster on :5432.
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.d/mobilize.conf
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq "postgresql-$PG_MAJOR" >&2 || apt-get install -y -qq postgresql >&2
    [ -x "$PG_BIN/initdb" ] || die "installed, but $PG_BIN/initdb is still missing"
}

# Deepest existing ancestor of a path (the path itself if it exists).
existing_ancestor() {
    local p=$1
    while [ ! -e "$p" ]; do p=$(dirname "$p"); done
    echo "$p"
}

# Pick the data dir: the wanted one, unless we are root and the postgres user
# cannot reach it. Deterministic, so start/stop/status agree.
resolve_data_dir() {
    DATA_DIR=$WANTED_DIR
    if is_root && id -u "$PG_OS_USER" >/dev/null 2>&1; then
        local anc
        anc=$(existing_ancestor "$WANTED_DIR")
        if ! runuser -u "$PG_OS_USER" -- test -x "$anc"; then
            local sum
            sum=$(printf '%s' "$WANTED_DIR" | cksum | cut -d' ' -f1)
            DATA_DIR=/tmp/mobilize-pg-$sum
            NOTE="user $PG_OS_USER cannot traverse $anc; using $DATA_DIR instead of $WANTED_DIR"
        fi
    fi
    # unix socket paths are limited to 107 bytes
    local sock="$DATA_DIR/.s.PGSQL.$PORT"
    [ "${#sock}" -le 100 ] || die "data dir path too long for a unix socket: $DATA_DIR (set MOBILIZE_PG_DIR)"
    LOG_FILE=$DATA_DIR/postgres.log
}

is_running() {
    [ -f "$DATA_DIR/PG_VERSION" ] && as_owner "$PG_BIN/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1
}

init_cluster() {
    [ -f "$DATA_DIR/PG_VERSION" ] && return 0
    [ -n "${NOTE:-}" ] && say "note: $NOTE"
    say "initdb $DATA_DIR"
    mkdir -p "$DATA_DIR"
    is_root && chown "$PG_OS_USER:" "$DATA_DIR"
    chmod 700 "$DATA_DIR"
    as_owner test -w "$DATA_DIR" || die "$DATA_DIR is not writable by the cluster owner"
    local pwfile
    pwfile=$(mktemp)
    echo "unused-superuser-password" >"$pwfile"
    is_root && chown "$PG_OS_USER:" "$pwfile"
    as_owner "$PG_BIN/initdb" -D "$DATA_DIR" -U postgres --pwfile="$pwfile" \
        -E UTF8 --locale=C --auth-local=trust --auth-host=scram-sha-256 >"$DATA_DIR.initdb.log" 2>&1 \
        || { cat "$DATA_DIR.initdb.log" >&2; rm -f "$pwfile"; die "initdb failed"; }
    rm -f "$pwfile" "$DATA_DIR.initdb.log"
    echo "include_if_exists = 'mobilize.conf'" | as_owner tee -a "$DATA_DIR/postgresql.conf" >/dev/null
}

write_settings() {
    # Rewritten on every start so MOBILIZE_PG_PORT can change between runs.
    as_owner tee "$DATA_DIR/mobilize.conf" >/dev/null <<EOF
# written by infra/postgres.sh
listen_addresses = '$HOST'
port = $PORT
unix_socket_directories = '$DATA_DIR'
password_encryption = scram-sha-256
EOF
}

psql_super() {
    as_owner "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$DATA_DIR" -p "$PORT" -U postgres -d postgres
}

create_db() {
    psql_super >/dev/null <<EOF
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME') \gexec
EOF
}

wait_ready() {
    local i
    for ((i = 0; i < START_TIMEOUT * 2; i++)); do
        "$PG_BIN/pg_isready" -q -h "$HOST" -p "$PORT" -d "$DB_NAME" && return 0
        sleep 0.5
    done
    return 1
}

cmd_start() {
    ensure_installed
    resolve_data_dir
    if is_running; then
        say "already running ($DATA_DIR, port $PORT)"
        return 0
    fi
    init_cluster
    write_settings
    say "starting on $HOST:$PORT (data $DATA_DIR, log $LOG_FILE)"
    if ! as_owner "$PG_BIN/pg_ctl" -D "$DATA_DIR" -l "$LOG_FILE" -w -t "$START_TIMEOUT" \
        ${MOBILIZE_PG_OPTS:+-o "$MOBILIZE_PG_OPTS"} start >/dev/null 2>&1; then
        tail -n 20 "$LOG_FILE" >&2 || true
        die "pg_ctl start failed (port $PORT in use?)"
    fi
    wait_ready || { tail -n 20 "$LOG_FILE" >&2; die "not ready after ${START_TIMEOUT}s"; }
    create_db
    say "ready: $(cmd_url)"
}

cmd_stop() {
    resolve_data_dir
    if ! is_running; then
        say "not running"
        return 0
    fi
    as_owner "$PG_BIN/pg_ctl" -D "$DATA_DIR" -m fast -w -t 30 stop >/dev/null
    say "stopped"
}

cmd_status() {
    resolve_data_dir
    if is_running; then
        say "running ($DATA_DIR, port $PORT)"
        return 0
    fi
    say "not running"
    return 3
}

cmd_url() {
    echo "postgresql://$DB_USER:$DB_PASSWORD@$HOST:$PORT/$DB_NAME"
}

cmd_env() {
    cat <<EOF
export PERSISTENCE_MODULE=eventsourcing.postgres
export POSTGRES_DBNAME=$DB_NAME
export POSTGRES_HOST=$HOST
export POSTGRES_PORT=$PORT
export POSTGRES_USER=$DB_USER
export POSTGRES_PASSWORD=$DB_PASSWORD
EOF
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    url) cmd_url ;;
    env) cmd_env ;;
    *)
        sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
        exit 2
        ;;
esac
