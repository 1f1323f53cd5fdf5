#!/usr/bin/env bash
# The project's whole test suite: ensures a PostgreSQL server for the
# Postgres-backed tests, builds every target, then runs every test.
# Extra arguments are passed to `cargo test`, e.g. `scripts/test.sh -- --nocapture`.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Assign separately from `export` so a failure of ensure-postgres.sh is not masked.
FLOWDB_TEST_POSTGRES_URL="$(bash scripts/ensure-postgres.sh | tail -n1)"
if [[ -z "$FLOWDB_TEST_POSTGRES_URL" ]]; then
    echo "test.sh: scripts/ensure-postgres.sh printed no URL" >&2
    exit 1
fi
export FLOWDB_TEST_POSTGRES_URL
echo "FLOWDB_TEST_POSTGRES_URL=$FLOWDB_TEST_POSTGRES_URL"

if [[ -f Cargo.lock ]]; then
    cargo build --workspace --all-targets --locked
else
    cargo build --workspace --all-targets
fi

cargo test --workspace --no-fail-fast "$@"
