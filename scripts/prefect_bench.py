#!/usr/bin/env python3
"""Prefect 3.9.1's own code on the read workloads of `flowdb bench`, on the database a
`flowdb-bench --keep` run left behind: the same data, the same machine, the same arguments, so
the two figures make a ratio measured in one run (the `×PREFECT` column of `flowdb bench`
divides by Prefect's figures from its reference benchmark, which another machine may not
match).

    target/prefect-venv/bin/python scripts/prefect_bench.py URL [--r 200] [--json]

URL is a database `flowdb-bench --keep` printed (sqlite+aiosqlite:///… or postgres://…). The
workloads, as `bench/src/workloads.rs` runs them through flowdb:

  c1_get_runs_in_work_queue          db.queries.get_scheduled_flow_runs_from_work_queues, limit 100 per queue
  c2_worker_get_scheduled_flow_runs  db.queries.get_scheduled_flow_runs_from_work_pool, limit 100
  d1_read_flow_runs                  models.flow_runs.read_flow_runs, SCHEDULED, ID_DESC, limit 200
  e_flow_run_history                 api.run_history.run_history, 60 one-minute buckets over the hour

Each call runs in a session of its own, as a request to Prefect's server would. Prints one line
per workload: name, calls, ops/s, p50 and p99 in ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import statistics
import sys
import tempfile
import time
from typing import Any, Awaitable, Callable


def prefect_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    return url


async def timed(r: int, call: Callable[[], Awaitable[int]]) -> dict[str, Any]:
    """As flowdb-bench times a workload: ops/s over the wall time of the whole loop."""
    latencies = []
    returned = 0
    loop_started = time.perf_counter()
    for _ in range(r):
        started = time.perf_counter()
        returned = await call()
        latencies.append(time.perf_counter() - started)
    elapsed = time.perf_counter() - loop_started
    latencies.sort()
    return {
        "calls": r,
        "ops_per_s": r / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "returned": returned,
    }


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--r", type=int, default=200, help="calls per workload (flowdb bench's R)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from importlib.metadata import version

    if version("prefect") != "3.9.1":
        print(f"prefect_bench: this venv has prefect {version('prefect')}, not 3.9.1", file=sys.stderr)
        return 1
    home = tempfile.TemporaryDirectory(prefix="prefect-bench-home.")
    os.environ["PREFECT_HOME"] = home.name
    os.environ["PREFECT_API_DATABASE_CONNECTION_URL"] = prefect_url(args.url)
    os.environ["PREFECT_API_DATABASE_MIGRATE_ON_START"] = "false"
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

    import sqlalchemy as sa
    from prefect.server import models
    from prefect.server.api.run_history import run_history
    from prefect.server.database import provide_database_interface
    from prefect.server.schemas import filters, sorting, states

    db = provide_database_interface()
    async with db.session_context() as session:
        pool_id = (await session.execute(sa.select(db.WorkPool.id).where(db.WorkPool.name == "bench-pool"))).scalar_one()
        queue_id = (await session.execute(sa.select(db.WorkQueue.id).where(db.WorkQueue.work_pool_id == pool_id))).scalar_one()
        # The bench spreads its runs over the hour after its setup; run a1-0 starts it.
        start = (await session.execute(sa.select(db.FlowRun.expected_start_time).where(db.FlowRun.name == "a1-0"))).scalar_one()
    if start.tzinfo is None:
        start = start.replace(tzinfo=dt.timezone.utc)

    async def c1() -> int:
        async with db.session_context(begin_transaction=True) as session:
            query = db.queries.get_scheduled_flow_runs_from_work_queues(limit_per_queue=100, work_queue_ids=[queue_id], scheduled_before=None)
            return len((await session.execute(query)).all())

    async def c2() -> int:
        async with db.session_context(begin_transaction=True) as session:
            return len(await db.queries.get_scheduled_flow_runs_from_work_pool(session=session, limit=100, work_pool_ids=[pool_id]))

    async def d1() -> int:
        async with db.session_context() as session:
            runs = await models.flow_runs.read_flow_runs(
                session=session,
                flow_run_filter=filters.FlowRunFilter(state=filters.FlowRunFilterState(type=filters.FlowRunFilterStateType(any_=[states.StateType.SCHEDULED]))),
                sort=sorting.FlowRunSort.ID_DESC,
                limit=200,
            )
            return len(runs)

    async def e() -> int:
        async with db.session_context() as session:
            history = await run_history(
                session=session,
                run_type="flow_run",
                history_start=start,
                history_end=start + dt.timedelta(hours=1),
                history_interval=dt.timedelta(minutes=1),
            )
            return len(history)

    results = {}
    # One call of each before timing: SQLAlchemy compiles and caches each statement on its
    # first use, as flowdb's statement caches are filled by the workloads run before.
    for name, call in (
        ("c1_get_runs_in_work_queue", c1),
        ("c2_worker_get_scheduled_flow_runs", c2),
        ("d1_read_flow_runs", d1),
        ("e_flow_run_history", e),
    ):
        await call()
        results[name] = await timed(args.r, call)
    from prefect.server.database.configurations import ENGINES

    for engine in list(ENGINES.values()):
        await engine.dispose()

    home.cleanup()
    if args.json:
        print(json.dumps({"url": args.url, "workloads": results}, indent=2))
    else:
        for name, result in results.items():
            print(f"prefect {name:<36} {result['calls']:>6} {result['ops_per_s']:>9.0f} {result['p50_ms']:>9.2f} {result['p99_ms']:>9.2f}  ({result['returned']} returned)")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
