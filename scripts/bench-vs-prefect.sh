#!/usr/bin/env bash
# flowdb against Prefect 3.9.1 on the read workloads, measured in one run on one machine:
# `flowdb-bench` creates its runs (a1, a2, b) and times c1, c2, d1 and e through flowdb, keeps
# its databases, then scripts/prefect_bench.py times Prefect's own code on the very same
# databases with the same arguments; the table gives both figures and their ratio. (The
# `×PREFECT` column of `flowdb bench` divides by Prefect's figures from its reference benchmark
# instead, which were measured on another machine of this kind.)
#
#   bash scripts/bench-vs-prefect.sh [--r R] [--dialect sqlite|postgres|all]
#
# Needs the Prefect venv the interop harness installs (target/prefect-venv: run
# `bash scripts/prefect-interop.sh` once, or set FLOWDB_PREFECT_VENV) and a PostgreSQL server
# (scripts/ensure-postgres.sh finds or starts one). Drops the databases it made.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
R=200
DIALECT=all
while [[ $# -gt 0 ]]; do
    case "$1" in
        --r) R="$2"; shift 2 ;;
        --dialect) DIALECT="$2"; shift 2 ;;
        *) echo "usage: $0 [--r R] [--dialect sqlite|postgres|all]" >&2; exit 2 ;;
    esac
done
VENV="${FLOWDB_PREFECT_VENV:-$ROOT/target/prefect-venv}"
if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import prefect' 2>/dev/null; then
    echo "bench-vs-prefect: no Prefect venv at $VENV; run 'bash scripts/prefect-interop.sh' once (it installs prefect==3.9.1 there) or set FLOWDB_PREFECT_VENV" >&2
    exit 1
fi
PG_URL="$(bash scripts/ensure-postgres.sh | tail -n1)"

WORK="$(mktemp -d -t flowdb-bench-vs-prefect.XXXXXX)"
# The databases flowdb-bench kept, as it printed them ("kept URL"), also when it failed after
# keeping some.
kept() { sed -n 's/^kept //p' "$WORK/flowdb.err" 2>/dev/null; }
cleanup() {
    local url dir
    while read -r url; do
        case "$url" in
            sqlite*)
                dir="$(dirname "${url#sqlite+aiosqlite:///}")"
                # Only the directory flowdb-bench makes for its SQLite file.
                [[ "$dir" == */flowdb-bench-workloads-* ]] && rm -rf -- "$dir"
                ;;
            postgres*)
                psql "$PG_URL" -qAtc "DROP DATABASE IF EXISTS \"${url##*/}\"" >/dev/null \
                    || echo "bench-vs-prefect: could not drop ${url##*/}" >&2
                ;;
        esac
    done < <(kept)
    rm -rf "$WORK"
}
trap cleanup EXIT

cargo build --release -p flowdb-bench -p flowdb-plugin-sqlite -p flowdb-plugin-postgres >&2
./target/release/flowdb-bench --workloads-only --workloads a1,a2,b,c1,c2,d1,e --r "$R" \
    --dialect "$DIALECT" --postgres-url "$PG_URL" --keep --json >"$WORK/flowdb.json" 2>"$WORK/flowdb.err" \
    || { cat "$WORK/flowdb.err" >&2; exit 1; }
mapfile -t KEPT < <(kept)
for url in "${KEPT[@]}"; do
    dialect=sqlite
    [[ "$url" == postgres* ]] && dialect=postgresql
    echo "bench-vs-prefect: Prefect 3.9.1 on $url ..." >&2
    "$VENV/bin/python" scripts/prefect_bench.py "$url" --r "$R" --json >"$WORK/prefect-$dialect.json"
done

python3 - "$WORK" <<'PY'
import json, pathlib, sys
work = pathlib.Path(sys.argv[1])
failed = False
flowdb = json.loads((work / "flowdb.json").read_text())
print(f"{'DIALECT':<11} {'WORKLOAD':<36} {'FLOWDB/s':>9} {'PREFECT/s':>9} {'×PREFECT':>8}   p50 ms flowdb / Prefect")
for result in flowdb["workloads"]:
    path = work / f"prefect-{result['dialect']}.json"
    prefect = json.loads(path.read_text())["workloads"].get(result["workload"]) if path.exists() else None
    if prefect is None:
        continue
    ratio = f"{result['ops_per_sec'] / prefect['ops_per_s']:>8.1f}"
    # A figure counts only if every call succeeded and both read as much.
    problem = ""
    if result["errors"]:
        problem = f"  NOT COMPARABLE: flowdb errors {result['errors']}"
    elif result.get("returned") != prefect["returned"]:
        problem = f"  NOT COMPARABLE: flowdb returned {result.get('returned')} rows a call, Prefect {prefect['returned']}"
    if problem:
        ratio = f"{'-':>8}"
        failed = True
    print(
        f"{result['dialect']:<11} {result['workload']:<36} {result['ops_per_sec']:>9.0f} {prefect['ops_per_s']:>9.0f} "
        f"{ratio}   {result['p50_ms']:.2f} / {prefect['p50_ms']:.2f}{problem}"
    )
print(f"(R = {flowdb['r']} calls each, on the same databases: {flowdb['n']} runs from a1 and {flowdb['n']} from a2, the a1 runs PENDING)")
sys.exit(1 if failed else 0)
PY
