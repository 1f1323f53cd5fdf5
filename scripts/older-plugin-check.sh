#!/usr/bin/env bash
# A plugin built against an older compatible contract loads in this host and passes the whole
# conformance suite: the first-party plugins as they were built at commit de90606, the last one
# before the contract had a version of its own (their libraries say contract 0.2.0 and their
# manifests carry no contract_version), verified by this build's `flowdb plugins verify`.
# Usage: scripts/older-plugin-check.sh [path/to/flowdb]   (needs FLOWDB_TEST_POSTGRES_URL)
set -euo pipefail
umask 022
cd "$(dirname "${BASH_SOURCE[0]}")/.."
flowdb="$(realpath "${1:-target/debug/flowdb}")"
older=de90606
postgres_url="${FLOWDB_TEST_POSTGRES_URL:?set FLOWDB_TEST_POSTGRES_URL (scripts/ensure-postgres.sh prints one)}"

if ! git cat-file -e "$older^{commit}" 2>/dev/null; then
    # A shallow clone: fetch the one commit.
    git fetch --quiet origin "$older" || true
fi
if ! git cat-file -e "$older^{commit}" 2>/dev/null; then
    echo "older-plugin-check: commit $older is not in this clone and could not be fetched; clone with history (git fetch --unshallow)" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git archive "$older" | tar -x -C "$work/"
# Its own target directory, kept between runs so that a second run is warm.
target="$PWD/target/older-plugin"
(cd "$work" && CARGO_TARGET_DIR="$target" cargo build --locked -p flowdb-plugin-sqlite -p flowdb-plugin-postgres)

for plugin in sqlite postgresql; do
    manifest="$target/debug/$plugin.flowdb-plugin.toml"
    if grep -q contract_version "$manifest"; then
        echo "older-plugin-check: $manifest has a contract_version: not the older build" >&2
        exit 1
    fi
    case "$plugin" in
        sqlite) url="sqlite+aiosqlite:///$work/verify.db" ;;
        postgresql) url="$postgres_url" ;;
    esac
    "$flowdb" plugins verify "$manifest" --url "$url" | tee "$work/$plugin.txt"
    grep -q "contract 0.2.0; this host: contract" "$work/$plugin.txt"
done
echo "older-plugin-check: plugins of contract 0.2.0 (built at $older) load and pass the suite"
