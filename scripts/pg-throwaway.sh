#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server.
#
#   scripts/pg-throwaway.sh COMMAND [ARGS...]
#
# Starts a fresh cluster in a temporary directory (trust auth, listening only on
# a unix socket in that directory and on 127.0.0.1 at a free port), creates the
# database hubs_test owned by postgres, and runs COMMAND with:
#
#   HUBS_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:PORT/hubs_test
#   PGHOST=127.0.0.1 PGPORT=PORT PGUSER=postgres PGDATABASE=hubs_test  (for psql)
#
# The server is stopped and the directory deleted on exit, whatever COMMAND
# returns. Exits with COMMAND's exit status.
#
# PostgreSQL's server binaries are found with PG_BINDIR, `pg_config --bindir`,
# the highest /usr/lib/postgresql/*/bin, or initdb on PATH, in that order. When
# none is found and we are root on Debian, Debian's postgresql package is
# installed. initdb refuses to run as root, so as root the server runs as the
# `postgres` user.
set -euo pipefail

if [ "$#" -eq 0 ]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi

log() { echo "pg-throwaway: $*" >&2; }
die() { log "error: $*"; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

find_bindir() {
    local dir candidate
    if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ]; then
        echo "$PG_BINDIR"; return 0
    fi
    if command -v pg_config >/dev/null 2>&1; then
        dir="$(pg_config --bindir 2>/dev/null || true)"
        if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"; return 0
        fi
    fi
    candidate="$(
        for dir in /usr/lib/postgresql/*/bin; do
            [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
        done | sort -V | tail -n 1
    )"
    if [ -n "$candidate" ]; then
        echo "$candidate"; return 0
    fi
    if command -v initdb >/dev/null 2>&1; then
        dir="$(dirname "$(readlink -f "$(command -v initdb)")")"
        if [ -x "$dir/pg_ctl" ]; then
            echo "$dir"; return 0
        fi
    fi
    return 1
}

if ! BINDIR="$(find_bindir)"; then
    if is_root && command -v apt-get >/dev/null 2>&1; then
        log "PostgreSQL server not found: installing Debian's postgresql package"
        apt-get update
        DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
        BINDIR="$(find_bindir)" || die "installed postgresql but still cannot find initdb"
    else
        die "PostgreSQL server binaries (initdb, pg_ctl) not found.
  Install them, e.g. on Debian/Ubuntu: sudo apt-get install -y postgresql
  or point PG_BINDIR at the directory holding initdb and pg_ctl."
    fi
fi

# Run a PostgreSQL program as the server's owner (postgres when we are root).
if is_root; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' user to own the server"
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

TMP="$(mktemp -d "${TMPDIR:-/tmp}/hubs-pg.XXXXXX")"
DATA="$TMP/data"
SERVER_LOG="$TMP/server.log"
STARTED=0

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local rc=$?
    if [ "$STARTED" -eq 1 ]; then
        (cd "$TMP" && as_pg "$BINDIR/pg_ctl" -D "$DATA" -m fast -t 30 -w stop >/dev/null 2>&1) \
            || (cd "$TMP" && as_pg "$BINDIR/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1) \
            || log "warning: could not stop the server in $DATA"
    fi
    rm -rf "$TMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

chmod 700 "$TMP"
if is_root; then
    chown postgres: "$TMP"
fi

(cd "$TMP" && as_pg "$BINDIR/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C \
    --no-sync >"$TMP/initdb.log" 2>&1) || { cat "$TMP/initdb.log" >&2; die "initdb failed"; }

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

PORT=""
for attempt in 1 2 3; do
    candidate="$(free_port)"
    cat >"$DATA/postgresql.auto.conf" <<EOF
# Throwaway test server: fast and unsafe on purpose.
listen_addresses = '127.0.0.1'
port = $candidate
unix_socket_directories = '$TMP'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
EOF
    if is_root; then chown postgres: "$DATA/postgresql.auto.conf"; fi
    if (cd "$TMP" && as_pg "$BINDIR/pg_ctl" -D "$DATA" -l "$SERVER_LOG" -w -t 60 start >/dev/null); then
        STARTED=1
        PORT="$candidate"
        break
    fi
    log "start attempt $attempt on port $candidate failed:"
    tail -n 20 "$SERVER_LOG" >&2 || true
done
[ -n "$PORT" ] || die "could not start PostgreSQL"

(cd "$TMP" && as_pg "$BINDIR/createdb" -h "$TMP" -p "$PORT" -U postgres -O postgres hubs_test) \
    || die "could not create database hubs_test"

VERSION="$("$BINDIR/postgres" --version 2>/dev/null || echo PostgreSQL)"
log "started $VERSION on 127.0.0.1:$PORT (data in $DATA)"

export HUBS_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:$PORT/hubs_test"
export PGHOST=127.0.0.1 PGPORT="$PORT" PGUSER=postgres PGDATABASE=hubs_test

set +e
"$@"
rc=$?
set -e
exit "$rc"
