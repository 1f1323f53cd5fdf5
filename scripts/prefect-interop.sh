#!/usr/bin/env bash
# End-to-end interoperability test between flowdb and the real Prefect 3.9.1 server package.
#
#   bash scripts/prefect-interop.sh [--seed N|random] [FLOWDB_BINARY]   (default: <repo>/target/debug/flowdb)
#
# For SQLite and PostgreSQL, each scenario on a fresh empty database (one Python process per
# dialect, scripts/prefect_interop.py; the two dialects run side by side):
#   prefect-first  Prefect's own alembic migration (what `prefect server start` runs) builds the
#                  schema and Prefect's models write rows; `flowdb database upgrade` must adopt
#                  it with 0 migrations applied and no DDL, `flowdb database check` must find no
#                  drift, and a fresh Prefect engine must read everything back, orchestrate,
#                  write more, and find its startup migration a no-op.
#   flowdb-first   `flowdb database upgrade` builds the schema; `prefect server database upgrade
#                  -y` must be a no-op (alembic at head, schema untouched), the schema must equal
#                  what Prefect's migrations built in prefect-first (SQLAlchemy's inspector), and
#                  Prefect's models and its REST API (in-process, ASGI) must write, read, filter
#                  and orchestrate rows; `flowdb database check` must still find no drift.
#   hot-path       on prefect-first's database (Prefect-migrated), Prefect's models write a
#                  seeded-random data set (3 pools, 13 queues, ~160 flow runs in every state,
#                  subflows, task-run inputs, artifacts); flowdb's query components (`flowdb query
#                  run`) must return what Prefect's own functions return for a table of cases:
#                  the worker and work-queue polls, read/count_flow_runs (filters, every sort,
#                  limit/offset), run history, the flow-run graph, configuration values; and
#                  states set by flowdb must be read and orchestrated on by Prefect's models and
#                  REST API, and vice versa. A recorded flowdb bug is a WARN (`# KNOWN:` in
#                  scripts/prefect_interop.py), anything else that differs a FAIL.
#   template-fuzz  on a database `flowdb database upgrade` built, many seeded-random data sets
#                  (pools and queues paused or not, concurrency limits None/0/small, queue
#                  priorities, runs in every state, next starts around now, some NULL or tied,
#                  retry_type in_process, runs without a queue), written by Prefect's ORM; for
#                  each, random arguments of the worker poll (get_scheduled_flow_runs_from_work_
#                  pool) and the work-queue poll (get_scheduled_flow_runs_from_work_queues):
#                  Prefect's query and `flowdb query run` must return the same runs with the
#                  same sort keys in the same order (scripts/prefect_template_fuzz.py). The
#                  seed is fixed unless given (--seed N|random, or FLOWDB_INTEROP_FUZZ_SEED),
#                  printed, and in every FAIL with the command that reruns one data set.
# Every step prints a PASS, FAIL (with the evidence) or WARN line (WARN: an oddity that is not an
# interoperability failure; it does not fail the run). Exit status non-zero when a step failed.
# Needs: python3 >= 3.11 with venv and PyPI access (first run only: ~1 min of pip), a
# PostgreSQL server with a role that may create databases. Takes ~35 s once the venv exists, plus
# ~30 s for hot-path and ~20-50 s (idle to busy machine) for template-fuzz (the dialects run
# side by side).
#
# Environment:
#   FLOWDB_PREFECT_VENV       venv with prefect==3.9.1 (default target/prefect-venv, relative to
#                             the repo root); created, or reused when it already has 3.9.1
#   FLOWDB_TEST_POSTGRES_URL  PostgreSQL admin URL (default
#                             postgresql://postgres@127.0.0.1:5432/postgres); the script creates
#                             databases flowdb_interop_<pid>_<n> there and drops them at the end
#   FLOWDB_INTEROP_DIALECTS   which dialects to run (default "sqlite postgresql")
#   FLOWDB_INTEROP_PARALLEL   1 (default): the dialects run side by side; 0: one after the other
#   FLOWDB_INTEROP_FUZZ_SEED  template-fuzz's seed (as --seed; default 20261202, `random` for a new one)
#   FLOWDB_INTEROP_FUZZ_DATASETS  template-fuzz's number of data sets per dialect (default in
#                             scripts/prefect_template_fuzz.py; 0 skips the scenario)
#   PYTHON                    interpreter for creating the venv (default python3, needs >= 3.11)
set -euo pipefail

readonly PREFECT_VERSION=3.9.1
CALLER_PWD="$PWD"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly CALLER_PWD ROOT
cd "$ROOT"

log() { printf 'prefect-interop: %s\n' "$*" >&2; }
die() {
    log "ERROR: $*"
    exit 1
}
# An absolute path as is, else relative to the directory given.
abspath() { [[ "$2" == /* ]] && printf '%s\n' "$2" || printf '%s\n' "$1/$2"; }

FUZZ_SEED="${FLOWDB_INTEROP_FUZZ_SEED:-}"
FUZZ_DATASETS="${FLOWDB_INTEROP_FUZZ_DATASETS:-}"
while [[ $# -gt 0 ]]; do
    case "$1" in
    --seed)
        [[ $# -ge 2 ]] || die "--seed needs a value"
        FUZZ_SEED="$2"
        shift 2
        ;;
    --seed=*)
        FUZZ_SEED="${1#--seed=}"
        shift
        ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
        exit 0
        ;;
    *) break ;;
    esac
done
# A fixed seed by default, so that the test command gives the same verdict on every run;
# `--seed random` explores new data sets (the seed is printed either way).
if [[ -z "$FUZZ_SEED" ]]; then
    FUZZ_SEED=20261202
elif [[ "$FUZZ_SEED" == random ]]; then
    FUZZ_SEED=$(((RANDOM << 15 | RANDOM) % 1000000000))
fi
[[ "$FUZZ_SEED" =~ ^[0-9]+$ ]] || die "--seed: not a non-negative integer: $FUZZ_SEED"
[[ -z "$FUZZ_DATASETS" || "$FUZZ_DATASETS" =~ ^[0-9]+$ ]] || die "FLOWDB_INTEROP_FUZZ_DATASETS: not a number: $FUZZ_DATASETS"

# A binary given on the command line is relative to the caller's directory; the default and
# the venv are relative to the repo root.
if [[ $# -ge 1 ]]; then
    FLOWDB_BIN="$(abspath "$CALLER_PWD" "$1")"
else
    FLOWDB_BIN="$ROOT/target/debug/flowdb"
fi
VENV="$(abspath "$ROOT" "${FLOWDB_PREFECT_VENV:-target/prefect-venv}")"
PG_ADMIN_URL="${FLOWDB_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
DIALECTS="${FLOWDB_INTEROP_DIALECTS:-sqlite postgresql}"
PARALLEL="${FLOWDB_INTEROP_PARALLEL:-1}"
DRIVER="$ROOT/scripts/prefect_interop.py"

[[ -x "$FLOWDB_BIN" ]] || die "flowdb binary not found or not executable: $FLOWDB_BIN (build it first, or pass its path as the first argument)"
for dialect in $DIALECTS; do
    [[ "$dialect" == sqlite || "$dialect" == postgresql ]] ||
        die "FLOWDB_INTEROP_DIALECTS: unknown dialect '$dialect' (sqlite, postgresql)"
done

# ---------------------------------------------------------------------------------------------
# 1. the venv with prefect==3.9.1

venv_prefect_version() {
    # The version `prefect version` reports, read from the installed package's metadata
    # (0.1 s instead of importing Prefect); the run itself checks prefect.__version__ again.
    [[ -x "$VENV/bin/python" && -x "$VENV/bin/prefect" ]] || return 1
    "$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("prefect"))' 2>/dev/null
}

ensure_venv() {
    local found python started
    found="$(venv_prefect_version || true)"
    if [[ "$found" == "$PREFECT_VERSION" ]]; then
        log "reusing $VENV (prefect $found)"
        return 0
    fi
    python="${PYTHON:-python3}"
    command -v "$python" >/dev/null 2>&1 || die "$python not found: Python >= 3.11 is needed to install prefect==$PREFECT_VERSION"
    "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' ||
        die "$("$python" --version 2>&1) is too old: prefect==$PREFECT_VERSION needs Python >= 3.11 (set PYTHON)"
    if [[ ! -x "$VENV/bin/python" ]]; then
        if [[ -e "$VENV" && ! -f "$VENV/pyvenv.cfg" ]]; then
            die "$VENV exists and is not a venv; remove it or set FLOWDB_PREFECT_VENV"
        fi
        log "creating venv $VENV with $("$python" --version 2>&1)"
        "$python" -m venv --clear "$VENV" || die "python -m venv $VENV failed (on Debian: apt-get install python3-venv)"
    else
        log "venv $VENV has prefect '${found:-none}', installing prefect==$PREFECT_VERSION into it"
    fi
    log "pip install prefect==$PREFECT_VERSION (about a minute from scratch) ..."
    started=$SECONDS
    if ! "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        "prefect==$PREFECT_VERSION" >"$WORK/pip.log" 2>&1; then
        tail -n 40 "$WORK/pip.log" >&2
        die "pip could not install prefect==$PREFECT_VERSION into $VENV (the last 40 lines of its output are above); is PyPI reachable?"
    fi
    log "pip install took $((SECONDS - started))s"
    found="$(venv_prefect_version || true)"
    [[ "$found" == "$PREFECT_VERSION" ]] ||
        die "after pip install, $VENV has prefect '${found:-nothing}', not $PREFECT_VERSION"
    found="$("$VENV/bin/prefect" --version 2>&1 | tail -n1)" ||
        die "$VENV/bin/prefect --version failed after pip install: $found"
    [[ "$found" == "$PREFECT_VERSION" ]] || die "$VENV/bin/prefect --version reports '$found', not $PREFECT_VERSION"
}

# ---------------------------------------------------------------------------------------------
# scratch space and databases, removed at exit whatever happens

WORK="$(mktemp -d "${TMPDIR:-/tmp}/flowdb-prefect-interop.XXXXXX")"
PG_DATABASES=()
JOB_PIDS=()

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local status=$? pid
    trap - EXIT INT TERM
    for pid in "${JOB_PIDS[@]}"; do
        # the job's own children (the Python driver), then the job itself
        pkill -TERM -P "$pid" 2>/dev/null || true
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${JOB_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if ((${#PG_DATABASES[@]})); then
        if "$VENV/bin/python" "$DRIVER" pg-drop --admin-url "$PG_ADMIN_URL" "${PG_DATABASES[@]}"; then
            log "dropped ${PG_DATABASES[*]}"
        else
            log "WARNING: could not drop ${PG_DATABASES[*]} on $PG_ADMIN_URL"
            status=1
        fi
    fi
    rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

export FLOWDB_HOME="$WORK/flowdb-home"
export PREFECT_HOME="$WORK/prefect-home"
mkdir -p "$FLOWDB_HOME" "$PREFECT_HOME"
unset PREFECT_API_URL PREFECT_API_KEY PREFECT_PROFILE PREFECT_PROFILES_PATH

ensure_venv
PY="$VENV/bin/python"

# ---------------------------------------------------------------------------------------------
# 2. one job (one Python process) per dialect: prefect-first, then flowdb-first (which compares
#    its schema with the one Prefect built in prefect-first)

run_dialect() {
    local dialect="$1" url_a url_b url_c fuzz=()
    case "$dialect" in
    sqlite)
        url_a="sqlite+aiosqlite:///$WORK/prefect-first.db"
        url_b="sqlite+aiosqlite:///$WORK/flowdb-first.db"
        url_c="sqlite+aiosqlite:///$WORK/template-fuzz.db"
        ;;
    postgresql)
        url_a="$("$PY" "$DRIVER" pg-url --admin-url "$PG_ADMIN_URL" "${PG_DATABASES[0]}")"
        url_b="$("$PY" "$DRIVER" pg-url --admin-url "$PG_ADMIN_URL" "${PG_DATABASES[1]}")"
        url_c="$("$PY" "$DRIVER" pg-url --admin-url "$PG_ADMIN_URL" "${PG_DATABASES[2]}")"
        ;;
    esac
    if [[ "$FUZZ_DATASETS" != 0 ]]; then
        # template-fuzz: a database of its own, built by flowdb (it deletes and rewrites rows)
        fuzz=(--template-fuzz "$url_c" --fuzz-seed "$FUZZ_SEED")
        [[ -z "$FUZZ_DATASETS" ]] || fuzz+=(--fuzz-datasets "$FUZZ_DATASETS")
    fi
    # hot-path reuses the database Prefect's migration built in prefect-first (saving a second
    # migration, ~10 s) and adds its own data set to what is there.
    "$PY" "$DRIVER" run --flowdb "$FLOWDB_BIN" --dialect "$dialect" --work "$WORK/$dialect" \
        --prefect-first "$url_a" --flowdb-first "$url_b" --hot-path "$url_a" "${fuzz[@]}"
}

if [[ " $DIALECTS " == *" postgresql "* ]]; then
    "$PY" "$DRIVER" pg-ping --admin-url "$PG_ADMIN_URL" ||
        die "PostgreSQL is not reachable at $PG_ADMIN_URL (set FLOWDB_TEST_POSTGRES_URL, or run scripts/ensure-postgres.sh)"
    # Only what this run created is dropped at exit.
    for n in 1 2 3; do
        "$PY" "$DRIVER" pg-create --admin-url "$PG_ADMIN_URL" "flowdb_interop_$$_$n" ||
            die "could not create database flowdb_interop_$$_$n on $PG_ADMIN_URL (the role needs CREATEDB)"
        PG_DATABASES+=("flowdb_interop_$$_$n")
    done
    log "created ${PG_DATABASES[*]}"
fi

log "flowdb: $FLOWDB_BIN; prefect: $VENV; dialects: $DIALECTS; template-fuzz seed $FUZZ_SEED (rerun: --seed $FUZZ_SEED)"
started=$SECONDS
declare -A RESULT=()
# Jobs run in the background even one at a time, so that a signal reaches the EXIT trap (which
# stops them and drops the databases) at once instead of after the running job.
wait_for() {
    local dialect="$1" pid="$2" kept=() other
    if wait "$pid"; then RESULT[$dialect]=PASS; else RESULT[$dialect]=FAIL; fi
    for other in "${JOB_PIDS[@]}"; do
        [[ "$other" == "$pid" ]] || kept+=("$other")
    done
    JOB_PIDS=("${kept[@]}")
}
declare -A PID_OF=()
for dialect in $DIALECTS; do
    run_dialect "$dialect" &
    PID_OF[$dialect]=$!
    JOB_PIDS+=("$!")
    [[ "$PARALLEL" == 1 ]] || wait_for "$dialect" "${PID_OF[$dialect]}"
done
if [[ "$PARALLEL" == 1 ]]; then
    for dialect in $DIALECTS; do
        wait_for "$dialect" "${PID_OF[$dialect]}"
    done
fi

overall=0
for dialect in $DIALECTS; do
    echo "${RESULT[$dialect]} [$dialect] prefect-first + flowdb-first + hot-path + template-fuzz (seed $FUZZ_SEED)"
    [[ "${RESULT[$dialect]}" == PASS ]] || overall=1
done
if ((overall == 0)); then
    echo "PASS prefect-interop: flowdb and Prefect $PREFECT_VERSION interoperate on: $DIALECTS ($((SECONDS - started))s)"
else
    echo "FAIL prefect-interop: see the FAIL lines above ($((SECONDS - started))s)"
fi
exit "$overall"
