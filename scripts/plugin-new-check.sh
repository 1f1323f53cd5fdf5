#!/usr/bin/env bash
# `flowdb plugins new` as a plugin author meets it: the crate it writes builds outside the
# workspace without a warning, its build writes the manifest, and the plugin loads and passes the
# conformance suite's load checks; a directory that exists is refused.
# Usage: scripts/plugin-new-check.sh [path/to/flowdb]
set -euo pipefail
umask 022
cd "$(dirname "${BASH_SOURCE[0]}")/.."
flowdb="$(realpath "${1:-target/debug/flowdb}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Its own target directory, kept between runs so that a second run is warm.
export CARGO_TARGET_DIR="$PWD/target/plugin-new"

"$flowdb" plugins new mydb --path "$work/mydb"
if "$flowdb" plugins new mydb --path "$work/mydb" 2>"$work/refused"; then
    echo "plugin-new-check: plugins new wrote into a directory that exists" >&2
    exit 1
fi
grep -q "already exists" "$work/refused"

if grep -q abi_stable "$work/mydb/Cargo.toml"; then
    echo "plugin-new-check: the skeleton depends on abi_stable itself; the SDK should be enough" >&2
    exit 1
fi
(cd "$work/mydb" && cargo build 2>&1) | tee "$work/build.log"
if grep -E "^warning" "$work/build.log" | grep -v "Blocking waiting"; then
    echo "plugin-new-check: the skeleton builds with warnings" >&2
    exit 1
fi
manifest="$CARGO_TARGET_DIR/debug/mydb.flowdb-plugin.toml"
test -f "$manifest" || { echo "plugin-new-check: no manifest at $manifest" >&2; exit 1; }

# Loads, and passes every load check.
"$flowdb" plugins verify "$manifest"
# With a URL the connection checks run and fail, naming what is left to write.
if "$flowdb" plugins verify "$manifest" --url "mydb://localhost/x" >"$work/verify.txt"; then
    echo "plugin-new-check: an unwritten skeleton passed the whole suite" >&2
    exit 1
fi
grep -q "not written yet" "$work/verify.txt"
echo "plugin-new-check: the skeleton builds, loads and passes the load checks"
