#!/usr/bin/env bash
# Make sure a PostgreSQL server is reachable for the test suite and print the
# connection URL to use on the LAST line of stdout. All diagnostics go to stderr.
#
# Order of attempts:
#   (a) $FLOWDB_TEST_POSTGRES_URL, if set: verified and used, or the script fails
#       (an explicit URL is never silently replaced).
#   (b) postgres://postgres@127.0.0.1:5432/postgres (already running server).
#   (c) an existing Debian cluster (pg_lsclusters / /etc/postgresql/*/main):
#       started with pg_ctlcluster and re-checked.
#   (d) server binaries (/usr/lib/postgresql/*/bin) but no usable cluster: a
#       throwaway trust-auth cluster under ${TMPDIR:-/tmp}, owned by a non-root
#       user, on 127.0.0.1:5432 if free else 55432.
#   (e) nothing installed: apt-get install postgresql (as root), then (c)/(d).
#
# Environment knobs:
#   FLOWDB_TEST_POSTGRES_URL      explicit server to use (path a)
#   FLOWDB_PG_FORCE_TEMP_CLUSTER  =1: skip (a)-(c) and go straight to a temp cluster
#   FLOWDB_PG_TEMP_DIR            directory for the temp cluster
#                                 (default ${TMPDIR:-/tmp}/flowdb-test-pg)
#   FLOWDB_PG_WAIT_SECONDS        readiness timeout (default 30)
#
# The script never creates, drops or alters databases; it only starts servers.
# Running it again while a server is up is a no-op (one psql round trip).

set -euo pipefail

readonly DEFAULT_URL="postgres://postgres@127.0.0.1:5432/postgres"
readonly WAIT_SECONDS="${FLOWDB_PG_WAIT_SECONDS:-30}"
TEMP_DIR="${FLOWDB_PG_TEMP_DIR:-${TMPDIR:-/tmp}/flowdb-test-pg}"
[[ "$TEMP_DIR" == /* ]] || TEMP_DIR="$PWD/$TEMP_DIR"
readonly TEMP_DIR

TRIED=()

log() { printf 'ensure-postgres: %s\n' "$*" >&2; }
tried() { TRIED+=("$*"); log "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }

# Print the URL (last stdout line) and exit successfully.
succeed() {
    log "using $1"
    printf '%s\n' "$1"
    exit 0
}

# Parse host and port out of a postgres:// URL (best effort; used only when
# psql is unavailable). Prints "host port".
url_host_port() {
    local rest="${1#*://}" authority host port
    authority="${rest%%[/?]*}"
    authority="${authority##*@}"
    if [[ "$authority" == \[* ]]; then
        host="${authority%%]*}"
        host="${host#[}"
        port="${authority##*]}"
        port="${port#:}"
    elif [[ "$authority" == *:* ]]; then
        host="${authority%%:*}"
        port="${authority##*:}"
    else
        host="$authority"
        port=""
    fi
    printf '%s %s\n' "${host:-localhost}" "${port:-5432}"
}

# Succeeds if something accepts TCP connections on host:port.
# shellcheck disable=SC2016  # $0/$1 are expanded by the inner bash on purpose
tcp_open() {
    local host="$1" port="$2"
    if have timeout; then
        timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null
    else
        bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null
    fi
}

LAST_ERROR=""

# Check that a URL accepts queries. Uses psql when available (this also checks
# authentication), else falls back to a TCP probe.
url_works() {
    local url="$1"
    if have psql; then
        if LAST_ERROR="$(PGCONNECT_TIMEOUT=5 psql "$url" -X -q -A -t -v ON_ERROR_STOP=1 \
            -c 'select 1' 2>&1 >/dev/null)"; then
            return 0
        fi
        return 1
    fi
    local host port
    read -r host port < <(url_host_port "$url")
    if tcp_open "$host" "$port"; then
        log "psql not installed; $host:$port accepts TCP connections (authentication not verified)"
        return 0
    fi
    LAST_ERROR="no TCP listener on $host:$port (psql not installed)"
    return 1
}

# Wait up to WAIT_SECONDS for a server on host:port to accept connections.
wait_ready() {
    local host="$1" port="$2" deadline=$((SECONDS + WAIT_SECONDS))
    while ((SECONDS < deadline)); do
        if have pg_isready; then
            pg_isready -q -h "$host" -p "$port" -t 2 && return 0
        elif tcp_open "$host" "$port"; then
            return 0
        fi
        sleep 0.5
    done
    log "server on $host:$port not ready after ${WAIT_SECONDS}s"
    return 1
}

# Run a command as the given user (or directly when it is the current user),
# from / so that an unreadable working directory does not bother initdb/pg_ctl.
as_user() {
    local user="$1"
    shift
    if [[ "$(id -un)" == "$user" ]]; then
        (cd / && "$@")
    elif have runuser; then
        (cd / && runuser -u "$user" -- "$@")
    else
        (cd / && su -s /bin/sh "$user" -c "$(printf '%q ' "$@")")
    fi
}

# ---------------------------------------------------------------------------
# (c) Debian clusters
# ---------------------------------------------------------------------------

# Prints "version port status" for each cluster named "main".
list_debian_clusters() {
    if have pg_lsclusters; then
        pg_lsclusters --no-header 2>/dev/null | awk '$2 == "main" { print $1, $3, $4 }'
        return 0
    fi
    local conf ver port
    for conf in /etc/postgresql/*/main/postgresql.conf; do
        [[ -f "$conf" ]] || continue
        ver="$(basename "$(dirname "$(dirname "$conf")")")"
        port="$(sed -n 's/^[[:space:]]*port[[:space:]]*=[[:space:]]*\([0-9]\+\).*/\1/p' "$conf" | tail -n1)"
        printf '%s %s unknown\n' "$ver" "${port:-5432}"
    done
}

try_debian_clusters() {
    local clusters ver port status url
    clusters="$(list_debian_clusters || true)"
    if [[ -z "$clusters" ]]; then
        tried "(c) no Debian cluster found (pg_lsclusters / /etc/postgresql/*/main)"
        return 1
    fi
    while read -r ver port status; do
        [[ -n "$ver" ]] || continue
        url="postgres://postgres@127.0.0.1:${port}/postgres"
        if [[ "$status" != online* ]]; then
            if ! have pg_ctlcluster; then
                tried "(c) cluster $ver/main exists but pg_ctlcluster is not installed"
                continue
            fi
            log "(c) starting Debian cluster $ver/main (port $port)"
            if ! pg_ctlcluster --skip-systemctl-redirect "$ver" main start >&2; then
                # Exit status 2 means "already running"; anything else is a failure
                # but the readiness check below decides.
                log "(c) pg_ctlcluster $ver main start returned non-zero"
            fi
        fi
        if wait_ready 127.0.0.1 "$port" && url_works "$url"; then
            succeed "$url"
        fi
        tried "(c) cluster $ver/main on port $port not usable via $url: ${LAST_ERROR:-not ready}"
    done <<<"$clusters"
    return 1
}

# ---------------------------------------------------------------------------
# (d) throwaway cluster
# ---------------------------------------------------------------------------

find_server_bindir() {
    local dir
    # Highest installed major version first.
    while read -r dir; do
        [[ -d "$dir" ]] || continue
        if [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]]; then
            printf '%s\n' "$dir"
            return 0
        fi
    done < <(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V -r)
    if have initdb && have pg_ctl; then
        dirname "$(command -v initdb)"
        return 0
    fi
    return 1
}

# Pick the non-root user that will own the temp cluster.
temp_cluster_user() {
    if [[ "$(id -u)" != 0 ]]; then
        id -un
        return 0
    fi
    if id postgres >/dev/null 2>&1; then
        echo postgres
        return 0
    fi
    if ! id flowdbpg >/dev/null 2>&1; then
        log "(d) creating system user flowdbpg"
        if have useradd; then
            useradd --system --no-create-home --home-dir /nonexistent \
                --shell /usr/sbin/nologin flowdbpg >&2 || return 1
        else
            adduser --system --no-create-home --group flowdbpg >&2 || return 1
        fi
    fi
    echo flowdbpg
}

port_free() { ! tcp_open 127.0.0.1 "$1"; }

try_temp_cluster() {
    local bindir user data port pidport url
    if ! bindir="$(find_server_bindir)"; then
        tried "(d) no PostgreSQL server binaries (initdb, pg_ctl, postgres) under /usr/lib/postgresql/*/bin"
        return 1
    fi
    if ! user="$(temp_cluster_user)"; then
        tried "(d) could not create the non-root system user flowdbpg to own a temp cluster"
        return 1
    fi
    data="$TEMP_DIR/data"

    # Reuse a temp cluster left by a previous run if it is still up.
    if [[ -f "$data/postmaster.pid" ]] && as_user "$user" "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        pidport="$(sed -n 4p "$data/postmaster.pid")"
        url="postgres://postgres@127.0.0.1:${pidport}/postgres"
        if wait_ready 127.0.0.1 "$pidport" && url_works "$url"; then
            log "(d) reusing running temp cluster in $TEMP_DIR"
            succeed "$url"
        fi
        log "(d) temp cluster in $TEMP_DIR is running but unusable; stopping it"
        as_user "$user" "$bindir/pg_ctl" -D "$data" -m fast -w stop >&2 || true
    fi

    if [[ -L "$TEMP_DIR" ]] || [[ -e "$TEMP_DIR" && ! -O "$TEMP_DIR" && "$(stat -c %U "$TEMP_DIR")" != "$user" ]]; then
        tried "(d) $TEMP_DIR exists and is owned by someone else; set FLOWDB_PG_TEMP_DIR"
        return 1
    fi
    if ! mkdir -p "$TEMP_DIR" 2>/dev/null || ! chmod 700 "$TEMP_DIR" ||
        { [[ "$(id -u)" == 0 ]] && ! chown "$user:" "$TEMP_DIR"; }; then
        tried "(d) cannot create $TEMP_DIR; set FLOWDB_PG_TEMP_DIR or TMPDIR"
        return 1
    fi
    if ! as_user "$user" test -w "$TEMP_DIR"; then
        tried "(d) user $user cannot write to $TEMP_DIR (is a parent directory private?); set FLOWDB_PG_TEMP_DIR or TMPDIR"
        return 1
    fi

    if [[ -f "$data/PG_VERSION" && "$(cat "$data/PG_VERSION")" != "$("$bindir/postgres" -V | sed -n 's/^[^0-9]*\([0-9]\+\).*/\1/p')" ]]; then
        log "(d) temp cluster in $data is from another major version; recreating it"
        rm -rf "$data"
    fi
    if [[ ! -f "$data/PG_VERSION" ]]; then
        rm -rf "$data"
        log "(d) initdb throwaway cluster in $data (owner $user, $bindir)"
        if ! as_user "$user" "$bindir/initdb" -D "$data" --auth=trust -U postgres \
            -E UTF8 --locale=C --no-sync >&2; then
            tried "(d) initdb in $data failed"
            return 1
        fi
        # Test-only settings: this cluster is disposable.
        cat >>"$data/postgresql.conf" <<EOF

# --- added by scripts/ensure-postgres.sh (throwaway test cluster) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$TEMP_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
    fi

    port=""
    local candidate
    for candidate in 5432 55432 55433 55434 55435 55436 55437 55438 55439 55440 55441; do
        if port_free "$candidate"; then
            port="$candidate"
            break
        fi
    done
    if [[ -z "$port" ]]; then
        tried "(d) no free port among 5432, 55432-55441"
        return 1
    fi

    log "(d) starting temp cluster on 127.0.0.1:$port (log: $TEMP_DIR/postgres.log)"
    if ! as_user "$user" "$bindir/pg_ctl" -D "$data" -l "$TEMP_DIR/postgres.log" \
        -o "-p $port" -w -t "$WAIT_SECONDS" start >&2; then
        tail -n 20 "$TEMP_DIR/postgres.log" >&2 2>/dev/null || true
        tried "(d) pg_ctl start of temp cluster in $data on port $port failed"
        return 1
    fi
    url="postgres://postgres@127.0.0.1:${port}/postgres"
    if wait_ready 127.0.0.1 "$port" && url_works "$url"; then
        log "(d) temp cluster up; stop it with: $(printf '%q' "$bindir/pg_ctl") -D $(printf '%q' "$data") stop"
        succeed "$url"
    fi
    tried "(d) temp cluster on port $port started but $url is not usable: ${LAST_ERROR:-not ready}"
    return 1
}

# ---------------------------------------------------------------------------
# (e) install
# ---------------------------------------------------------------------------

try_install() {
    if [[ "$(id -u)" != 0 ]]; then
        tried "(e) not root: cannot apt-get install postgresql"
        return 1
    fi
    if ! have apt-get; then
        tried "(e) apt-get not available"
        return 1
    fi
    log "(e) installing postgresql with apt-get"
    if ! { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql; } >&2; then
        tried "(e) apt-get install -y postgresql failed"
        return 1
    fi
    hash -r
    return 0
}

fail() {
    log "FAILED: no reachable PostgreSQL server. Attempts:"
    local line
    for line in "${TRIED[@]}"; do
        printf '  - %s\n' "$line" >&2
    done
    log "set FLOWDB_TEST_POSTGRES_URL to a reachable server, or install PostgreSQL (apt-get install postgresql)"
    exit 1
}

# ---------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------

# (a) explicit URL: use it or fail, never replace it.
if [[ -n "${FLOWDB_TEST_POSTGRES_URL:-}" ]]; then
    if url_works "$FLOWDB_TEST_POSTGRES_URL"; then
        succeed "$FLOWDB_TEST_POSTGRES_URL"
    fi
    log "ERROR: FLOWDB_TEST_POSTGRES_URL is set but the server is not usable:"
    log "  URL:   $FLOWDB_TEST_POSTGRES_URL"
    log "  error: ${LAST_ERROR:-unknown}"
    log "unset FLOWDB_TEST_POSTGRES_URL to let this script find or start a local server"
    exit 1
fi

if [[ "${FLOWDB_PG_FORCE_TEMP_CLUSTER:-0}" == 1 ]]; then
    log "FLOWDB_PG_FORCE_TEMP_CLUSTER=1: skipping (a)-(c)"
    try_temp_cluster || fail
    fail
fi

# (b) default local server.
if url_works "$DEFAULT_URL"; then
    succeed "$DEFAULT_URL"
fi
tried "(b) $DEFAULT_URL not usable: ${LAST_ERROR:-unknown}"

# (c) then (d); on a machine without PostgreSQL, (e) and retry.
try_debian_clusters || true
try_temp_cluster || true
if try_install; then
    try_debian_clusters || true
    try_temp_cluster || true
fi
fail
