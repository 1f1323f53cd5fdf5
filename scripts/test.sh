#!/usr/bin/env bash
# The project's whole test suite: ensures a PostgreSQL server for the
# Postgres-backed tests and PgBouncer for the transaction-mode ones, builds every target, runs every test, then a host
# crate outside the workspace (scripts/host-crate-check.sh), then the interoperability test
# against Prefect 3.9.1 itself (scripts/prefect-interop.sh).
# Extra arguments are passed to `cargo test`, e.g. `scripts/test.sh -- --nocapture`.
set -euo pipefail
# flowdb refuses plugins from world-writable places (src/plugin/trust.rs): build them, and the
# tests' own copies, with modes no one else can write, whatever umask the caller had.
umask 022

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Assign separately from `export` so a failure of ensure-postgres.sh is not masked.
FLOWDB_TEST_POSTGRES_URL="$(bash scripts/ensure-postgres.sh | tail -n1)"
if [[ -z "$FLOWDB_TEST_POSTGRES_URL" ]]; then
    echo "test.sh: scripts/ensure-postgres.sh printed no URL" >&2
    exit 1
fi
export FLOWDB_TEST_POSTGRES_URL
echo "FLOWDB_TEST_POSTGRES_URL=$FLOWDB_TEST_POSTGRES_URL"

# MariaDB for the mysql dialect's tests.
FLOWDB_TEST_MYSQL_URL="$(bash scripts/ensure-mariadb.sh | tail -n1)"
export FLOWDB_TEST_MYSQL_URL
echo "FLOWDB_TEST_MYSQL_URL=$FLOWDB_TEST_MYSQL_URL"

# PgBouncer, which the transaction-mode tests start themselves (core/tests/common/pgbouncer.rs).
FLOWDB_TEST_PGBOUNCER="$(bash scripts/ensure-pgbouncer.sh | tail -n1)"
export FLOWDB_TEST_PGBOUNCER
echo "FLOWDB_TEST_PGBOUNCER=$FLOWDB_TEST_PGBOUNCER"

if [[ -f Cargo.lock ]]; then
    cargo build --workspace --all-targets --locked
else
    cargo build --workspace --all-targets
fi

cargo test --workspace --no-fail-fast "$@"

# The conformance suite through the command a plugin author runs, on the three dialects,
# printing each one's feature table (core/tests/verify.rs asserts the details).
verify_dir="$(mktemp -d)"
trap 'rm -rf "$verify_dir"' EXIT
target/debug/flowdb plugins verify sqlite --url "sqlite+aiosqlite:///$verify_dir/verify.db"
target/debug/flowdb plugins verify postgresql --url "$FLOWDB_TEST_POSTGRES_URL"
target/debug/flowdb plugins verify mysql --url "$FLOWDB_TEST_MYSQL_URL"

# The same suite on the three dialects linked statically into one binary (flowdb-static,
# src/bin/flowdb-static.rs), which `plugins list` must show as built-in, serving their schemes
# ahead of the plugin files beside it.
if [[ -f Cargo.lock ]]; then
    cargo build -p flowdb --features static-dialects --bin flowdb-static --locked
else
    cargo build -p flowdb --features static-dialects --bin flowdb-static
fi
target/debug/flowdb-static plugins list | tee "$verify_dir/static-list.txt"
for name in sqlite postgresql mysql; do
    if ! grep -Eq "^$name +[^ ]+ +[^ ]+ +[^ ]+ +built-in +loaded " "$verify_dir/static-list.txt"; then
        echo "error: flowdb-static does not list $name as a loaded built-in dialect" >&2
        exit 1
    fi
done
target/debug/flowdb-static plugins verify sqlite --url "sqlite+aiosqlite:///$verify_dir/static.db"
target/debug/flowdb-static plugins verify postgresql --url "$FLOWDB_TEST_POSTGRES_URL"
target/debug/flowdb-static plugins verify mysql --url "$FLOWDB_TEST_MYSQL_URL"

# A plugin crate from `flowdb plugins new`, built outside the workspace, loads and passes the
# load checks.
bash scripts/plugin-new-check.sh target/debug/flowdb

# Plugins built against an older compatible contract (at an earlier commit) load in this host
# and pass the suite.
bash scripts/older-plugin-check.sh target/debug/flowdb

# A host crate outside the workspace finds the plugin it depends on and uses the host API.
bash scripts/host-crate-check.sh

# Interoperability with the real Prefect 3.9.1 (installed into target/prefect-venv on the first
# run): each program migrates an empty database and the other one accepts and uses it.
bash scripts/prefect-interop.sh target/debug/flowdb
