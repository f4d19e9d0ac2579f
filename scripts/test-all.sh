#!/usr/bin/env bash
# Lint, then run the whole test suite twice: on SQLite and on a throwaway
# PostgreSQL server. Arguments are passed to both pytest runs.
#
# Ends with one summary line, "ALL: N passed, N failed", and exits non-zero if
# lint failed, either run failed, or either run collected no tests.
set -euo pipefail

cd "$(dirname "$0")/.."

BIN=.venv/bin
for tool in ruff pytest lint-imports; do
    [ -x "$BIN/$tool" ] || { echo "error: $BIN/$tool not found; run 'make venv' first" >&2; exit 1; }
done

# The browser tests (tests/e2e) drive Debian's Chromium; install it now or stop with how to.
echo "==> Chromium for the browser tests"
bash scripts/ensure-chromium.sh

echo "==> ruff check"
"$BIN/ruff" check .
echo "==> ruff format --check"
"$BIN/ruff" format --check .
echo "==> lint-imports (the layers of DESIGN §7)"
"$BIN/lint-imports"
echo "==> code shape (modules, function and view lengths)"
"$BIN/python" scripts/code-shape.py

LOGDIR="$(mktemp -d "${TMPDIR:-/tmp}/hubs-test.XXXXXX")"
trap 'rm -rf "$LOGDIR"' EXIT

# Per-run results, filled in by record().
declare -A PASSED FAILED SKIPPED NOTE SECONDS_TAKEN

# record NAME RC LOGFILE: read pytest's closing summary line from LOGFILE.
record() {
    local name="$1" rc="$2" logfile="$3" line
    line="$(sed 's/\x1b\[[0-9;]*m//g' "$logfile" \
        | grep -E '([0-9]+ (passed|failed|errors?|skipped|deselected|xfailed|xpassed|warnings?)|no tests ran).* in [0-9.]+s' \
        | tail -n 1 || true)"
    count() { { grep -oE "[0-9]+ $1" <<<"$line" || true; } | awk '{s += $1} END {print s + 0}'; }
    PASSED[$name]="$(count passed)"
    FAILED[$name]=$(($(count failed) + $(count 'errors?')))
    SKIPPED[$name]="$(count skipped)"
    NOTE[$name]=""
    case "$rc" in
        0) ;;
        5) NOTE[$name]=" (no tests were collected: treated as a failure)" ;;
        *) NOTE[$name]=" (pytest exited with status $rc)" ;;
    esac
    # A failed run must never read as "0 failed".
    if [ "$rc" -ne 0 ] && [ "${FAILED[$name]}" -eq 0 ]; then
        FAILED[$name]=1
    fi
}

status=0

# minutes SECONDS: "12m 05s", for the duration of each half (CI stops at 90 minutes).
minutes() { printf '%dm %02ds' $(($1 / 60)) $(($1 % 60)); }

echo "==> pytest on SQLite"
started=$SECONDS
set +e
env -u HUBS_TEST_DATABASE_URL "$BIN/pytest" "$@" 2>&1 | tee "$LOGDIR/sqlite.log"
rc=${PIPESTATUS[0]}
set -e
record SQLite "$rc" "$LOGDIR/sqlite.log"
SECONDS_TAKEN[SQLite]=$((SECONDS - started))
[ "$rc" -eq 0 ] || status=1

echo "==> pytest on PostgreSQL (throwaway server)"
started=$SECONDS
set +e
bash scripts/pg-throwaway.sh "$BIN/pytest" "$@" 2>&1 | tee "$LOGDIR/postgresql.log"
rc=${PIPESTATUS[0]}
set -e
record PostgreSQL "$rc" "$LOGDIR/postgresql.log"
SECONDS_TAKEN[PostgreSQL]=$((SECONDS - started))
[ "$rc" -eq 0 ] || status=1

total_passed=0
total_failed=0
total_skipped=0
echo
for name in SQLite PostgreSQL; do
    line="$name: ${PASSED[$name]} passed, ${FAILED[$name]} failed"
    [ "${SKIPPED[$name]}" -eq 0 ] || line+=", ${SKIPPED[$name]} skipped"
    echo "$line${NOTE[$name]}"
    total_passed=$((total_passed + PASSED[$name]))
    total_failed=$((total_failed + FAILED[$name]))
    total_skipped=$((total_skipped + SKIPPED[$name]))
done
summary="ALL: $total_passed passed, $total_failed failed"
[ "$total_skipped" -eq 0 ] || summary+=", $total_skipped skipped"
echo "Time: SQLite $(minutes "${SECONDS_TAKEN[SQLite]}"), PostgreSQL $(minutes "${SECONDS_TAKEN[PostgreSQL]}"), whole run $(minutes "$SECONDS")"
echo "$summary"
exit "$status"
