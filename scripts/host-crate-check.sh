#!/usr/bin/env bash
# A host crate outside the workspace (core/tests/fixtures/host-crate) depends on flowdb and the
# SQLite plugin crate by path and runs its own tests: the plugin cargo built as its dependency
# must be found with no path or variable set, and the README's host API must work as written.
# Its build has a target directory of its own (target/host-crate), kept between runs.
set -euo pipefail
umask 022
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d -t flowdb-host-crate.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$ROOT/core/tests/fixtures/host-crate/." "$WORK/"
sed "s|@ROOT@|$ROOT|g" "$WORK/Cargo.toml.in" >"$WORK/Cargo.toml"
rm "$WORK/Cargo.toml.in"
# The workspace's lock file pins the versions the host shares with it.
cp "$ROOT/Cargo.lock" "$WORK/Cargo.lock"
cd "$WORK"
env -u FLOWDB_PLUGIN_PATH -u FLOWDB_HOME -u PREFECT_API_DATABASE_CONNECTION_URL \
    CARGO_TARGET_DIR="$ROOT/target/host-crate" cargo test --quiet
