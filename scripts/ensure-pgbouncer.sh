#!/usr/bin/env bash
# Makes sure Debian's `pgbouncer` is installed, for the tests that run flowdb behind PgBouncer in
# transaction mode (each test starts and configures its own on a free port:
# core/tests/common/pgbouncer.rs). Prints the binary's path; fails loudly when it cannot.
set -euo pipefail

find_pgbouncer() {
    for candidate in "${FLOWDB_TEST_PGBOUNCER:-}" /usr/sbin/pgbouncer /usr/bin/pgbouncer "$(command -v pgbouncer || true)"; do
        if [[ -n "$candidate" && -x "$candidate" ]]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if found="$(find_pgbouncer)"; then
    echo "$found"
    exit 0
fi
if [[ "$(id -u)" != 0 ]]; then
    echo "ensure-pgbouncer.sh: pgbouncer is not installed and this is not root: install it (apt-get install pgbouncer) or set FLOWDB_TEST_PGBOUNCER" >&2
    exit 1
fi
if ! command -v apt-get > /dev/null; then
    echo "ensure-pgbouncer.sh: pgbouncer is not installed and apt-get is not available; set FLOWDB_TEST_PGBOUNCER" >&2
    exit 1
fi
echo "ensure-pgbouncer.sh: installing pgbouncer with apt-get" >&2
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends pgbouncer >&2; then
    apt-get update >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends pgbouncer >&2
fi
# The package starts a system-wide PgBouncer on 6432; the tests start their own.
if command -v systemctl > /dev/null && systemctl is-active --quiet pgbouncer 2> /dev/null; then
    systemctl stop pgbouncer || true
fi
find_pgbouncer || {
    echo "ensure-pgbouncer.sh: pgbouncer was installed but cannot be found" >&2
    exit 1
}
