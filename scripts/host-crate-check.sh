#!/usr/bin/env bash
# A host crate outside the workspace (core/tests/fixtures/host-crate) depends on flowdb and the
# SQLite plugin crate by path and runs its own tests: the plugin cargo built as its dependency
# must be found with no path or variable set, and the README's host API must work as written.
# Its build has a target directory of its own (target/host-crate), kept between runs.
set -euo pipefail
umask 022
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
WORK="$(mktemp -d -t flowdb-host-crate.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
cp -r "$ROOT/core/tests/fixtures/host-crate/." "$WORK/"
sed "s|@ROOT@|$ROOT|g" "$WORK/Cargo.toml.in" >"$WORK/Cargo.toml"
rm "$WORK/Cargo.toml.in"
# The workspace's lock file pins the versions the host shares with it.
cp "$ROOT/Cargo.lock" "$WORK/Cargo.lock"
mkdir "$WORK/home"
cd "$WORK"
# A home of its own: no plugin installed for the user is found, and no default database of the
# user's is touched.
env -u FLOWDB_PLUGIN_PATH -u PREFECT_API_DATABASE_CONNECTION_URL \
    CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" \
    HOME="$WORK/home" FLOWDB_HOME="$WORK/home/.flowdb" \
    FLOWDB_HOST_CHECK_TARGET="$ROOT/target/host-crate" \
    CARGO_TARGET_DIR="$ROOT/target/host-crate" cargo test --quiet
