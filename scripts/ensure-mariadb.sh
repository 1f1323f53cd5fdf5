#!/usr/bin/env bash
# Make sure a MariaDB (or MySQL) server is reachable for the mysql dialect's tests and print the
# connection URL on the LAST line of stdout. Diagnostics go to stderr. Fails loudly.
#
# Order of attempts:
#   (a) $FLOWDB_TEST_MYSQL_URL, if set: used as given (an explicit URL is never replaced; the
#       tests fail if it does not answer).
#   (b) root with no password on 127.0.0.1:3306 (the server this machine kind runs).
#   (c) the installed server, started with its init script (service mariadb start).
#   (d) nothing installed: apt-get install mariadb-server (as root), then (c).
#
# The script never creates, drops or alters databases; it only starts servers.
set -euo pipefail

readonly DEFAULT_URL="mysql://root@127.0.0.1:3306/test"
readonly WAIT_SECONDS="${FLOWDB_MYSQL_WAIT_SECONDS:-30}"

log() { printf 'ensure-mariadb: %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }

if [[ -n "${FLOWDB_TEST_MYSQL_URL:-}" ]]; then
    log "using FLOWDB_TEST_MYSQL_URL as given"
    printf '%s\n' "$FLOWDB_TEST_MYSQL_URL"
    exit 0
fi

client() {
    if have mariadb; then echo mariadb; elif have mysql; then echo mysql; else echo ""; fi
}

answers() {
    local cli
    cli="$(client)"
    [[ -n "$cli" ]] && "$cli" --protocol=tcp -h127.0.0.1 -P3306 -uroot --connect-timeout=3 -e 'select 1' >/dev/null 2>&1
}

wait_for_server() {
    local waited=0
    while (( waited < WAIT_SECONDS )); do
        if answers; then return 0; fi
        sleep 1
        waited=$((waited + 1))
    done
    return 1
}

if answers; then
    log "a server answers on 127.0.0.1:3306"
    printf '%s\n' "$DEFAULT_URL"
    exit 0
fi

if ! have mariadbd && ! have mysqld && [[ ! -x /usr/sbin/mariadbd && ! -x /usr/sbin/mysqld ]]; then
    if [[ "$(id -u)" != 0 ]]; then
        log "no MariaDB server is installed and this is not root: install mariadb-server, or set FLOWDB_TEST_MYSQL_URL"
        exit 1
    fi
    log "installing mariadb-server"
    DEBIAN_FRONTEND=noninteractive apt-get install -y mariadb-server >&2 \
        || { apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y mariadb-server >&2; }
fi

log "starting the installed server"
if have service; then
    service mariadb start >&2 || service mysql start >&2 || true
fi
if wait_for_server; then
    printf '%s\n' "$DEFAULT_URL"
    exit 0
fi
log "no MariaDB server answers on 127.0.0.1:3306 as root without a password; start one, or set FLOWDB_TEST_MYSQL_URL"
exit 1
