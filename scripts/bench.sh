#!/usr/bin/env bash
# make bench: the benchmark suite at city scale on SQLite, then on a throwaway PostgreSQL.
#
#   scripts/bench.sh [ARGS...]        ARGS go to `python -m benchmarks` for both databases
#   BENCH_ONLY=sqlite|postgresql      run one database only
#   BENCH_SCALE=small|city|region     the scale to synthesise (default city)
#
# Each run synthesises its data into a fresh database (a temporary directory for SQLite, the
# throwaway server for PostgreSQL), measures, and writes benchmarks/results/<label>.json and
# .md; benchmarks/results/summary.md then holds both. The databases are deleted afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=.venv/bin
SCALE="${BENCH_SCALE:-city}"
ONLY="${BENCH_ONLY:-}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/hubs-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

if [ -z "$ONLY" ] || [ "$ONLY" = sqlite ]; then
    echo "==> SQLite ($SCALE)"
    "$BIN/python" -m benchmarks --label sqlite --scale "$SCALE" \
        --database "sqlite:///$WORK/bench.db" --small-database "sqlite:///$WORK/small.db" "$@"
fi

if [ -z "$ONLY" ] || [ "$ONLY" = postgresql ]; then
    echo "==> PostgreSQL ($SCALE, throwaway server)"
    # shellcheck disable=SC2016  # expanded inside the throwaway server's environment
    bash scripts/pg-throwaway.sh bash -c '
        set -euo pipefail
        psql -q -c "CREATE DATABASE hubs_small"
        exec .venv/bin/python -m benchmarks --label postgresql --scale "$0" \
            --database "$HUBS_TEST_DATABASE_URL" \
            --small-database "${HUBS_TEST_DATABASE_URL%/*}/hubs_small" "${@}"
    ' "$SCALE" "$@"
fi

"$BIN/python" -m benchmarks.report > /dev/null
echo "Results: benchmarks/results/summary.md"
