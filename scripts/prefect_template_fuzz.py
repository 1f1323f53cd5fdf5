"""template-fuzz: randomized equivalence of flowdb's two scheduling queries with Prefect 3.9.1's.

A scenario of scripts/prefect_interop.py (`run --template-fuzz URL`), imported by it; it uses
that module's helpers (reporting, `flowdb query run`, Prefect database switching).

  * `flowdb database upgrade` builds the schema on an empty database (SQLite file or
    PostgreSQL database of the harness's own).
  * Many data sets, one after the other, each from its own seed (`<seed>/<n>`): 1-4 work pools
    (paused or not), 0-4 queues each (names shared across pools, as "default" is, since the
    legacy poll matches runs to queues by name; priorities, sometimes two equal in a pool;
    paused or not), 15-110 flow runs in every state type (or none), with
    next_scheduled_start_time within +-3 h of a base time (some exactly equal to another
    run's, some on a whole second, some NULL, SCHEDULED runs too), empirical_policy
    retry_type None / "in_process" / "reschedule", runs without a queue, runs with a queue
    name but no queue id, and runs whose name is not their queue's (a renamed queue); paused
    queues hold more of the RUNNING/PENDING runs. Concurrency limits of pools and queues:
    None, 0, or around what their RUNNING/PENDING runs already take (none, one or a few slots
    left). The rows are written by Prefect's ORM: its tables' own column types encode every
    value (Timestamp, UUID, JSON, the FlowRunPolicy model, the state_type enum) as Prefect's
    models would write them, but in one bulk INSERT per table (~40 ms a data set, where
    Prefect's models, orchestrating run by run, take ~1 s), and with combinations
    orchestration never produces (a SCHEDULED run without a next start, limits of 0, equal
    priorities) but a database can hold. Before each data set, the rows of the previous one
    are deleted (the database is this scenario's own; it must start without pools, queues or
    runs).
  * For each data set, random arguments for
      - `db.queries.get_scheduled_flow_runs_from_work_pool` (Prefect's Jinja template of the
        dialect: the worker poll): limit, worker_limit, queue_limit (None, 0, small),
        work_pool_ids, work_queue_ids (None, [], some, an unknown id), scheduled_before,
        scheduled_after (None, exactly a run's time, a microsecond either side of it, or any
        time, given at various UTC offsets), respect_queue_priorities;
      - `db.queries.get_scheduled_flow_runs_from_work_queues` (the legacy work-queue poll):
        limit_per_queue, work_queue_ids, scheduled_before;
    and Prefect's answer is compared with `flowdb query run` of the component of the same name
    (one process per call: the CLI runs one component per process).

Comparison (`compare`): the same number of rows; the same sequence of sort keys, i.e. of what
the final ORDER BY orders by (`worker_keys`, `legacy_keys`: the dialect's template decides);
and the same runs in each tie class, the runs the ORDER BYs cannot tell apart, which may
stand in either order (`worker_tie_class`; the work-queue poll breaks ties by id, so there the
order within a next start must be the id order, and only one run's pairs with several queues
of its name tie). Where a LIMIT (a queue's, a pool's, the overall one) cuts through runs that
tie on next_scheduled_start_time, Prefect and flowdb may each keep a different one of the tied
runs: a class may then differ, but only by runs that are eligible (`worker_eligible`,
`legacy_eligible`), at that same next start, and of which the data set holds more than
Prefect returned. Such cases are counted ("tie cut by a limit") in the PASS line. Each row's
pool and queue must also be the run's own.

A mismatch prints the seed, the data set number, the arguments, both answers (runs labelled
with their queue, state and next start) and the data set's pools and queues, and fails the
step. `--fuzz-seed S --fuzz-dataset N` re-runs exactly one data set.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
import traceback
import uuid
from dataclasses import dataclass, field
from typing import Any

import prefect_interop as pi  # the driver (registered under this name when run as a script)

UTC = dt.timezone.utc
OFFSETS = [
    UTC,
    dt.timezone(dt.timedelta(hours=5, minutes=30)),
    dt.timezone(dt.timedelta(hours=-8)),
    dt.timezone(dt.timedelta(hours=14)),
    dt.timezone(dt.timedelta(hours=-3, minutes=-30)),
]
QUEUE_NAMES = ["default", "high", "low", "gpu", "shared", "etl"]
STATE_TYPES = {
    "SCHEDULED": 44,
    "PENDING": 10,
    "RUNNING": 12,
    "CANCELLING": 5,
    "COMPLETED": 9,
    "FAILED": 4,
    "CANCELLED": 4,
    "CRASHED": 3,
    "PAUSED": 5,
    None: 2,  # a run without a state
}
STATE_NAMES = {
    "SCHEDULED": ["Scheduled", "Late", "AwaitingRetry", "AwaitingConcurrencySlot"],
    "PENDING": ["Pending"],
    "RUNNING": ["Running", "Retrying"],
    "CANCELLING": ["Cancelling"],
    "COMPLETED": ["Completed", "Cached"],
    "FAILED": ["Failed"],
    "CANCELLED": ["Cancelled"],
    "CRASHED": ["Crashed"],
    "PAUSED": ["Paused", "Suspended"],
    None: [None],
}
# 40 x (10 + 5) = 600 cases per dialect: ~25 s on SQLite, ~27 s on PostgreSQL (dialects side by
# side on 2 idle cores; twice that on a busy machine): one `flowdb query run` process per case
DEFAULT_DATASETS = 40
DEFAULT_WORKER_CASES = 10  # per data set
DEFAULT_LEGACY_CASES = 5  # per data set
SHOW_FAILURES = 4  # mismatches printed in full (the others counted)


# --------------------------------------------------------------------------------------------
# data sets


@dataclass(eq=False)  # compared by identity
class Pool:
    id: uuid.UUID
    name: str
    paused: bool
    limit: int | None


@dataclass(eq=False)
class Queue:
    id: uuid.UUID
    name: str
    pool: Pool
    priority: int
    paused: bool
    limit: int | None


@dataclass(eq=False)
class Run:
    id: uuid.UUID
    name: str
    state_type: str | None
    state_name: str | None
    nsst: dt.datetime | None  # next_scheduled_start_time, UTC
    retry_type: str | None
    queue: Queue | None
    queue_name: str | None  # work_queue_name (a queue's, or a name without a queue)


@dataclass
class Dataset:
    number: int
    seed: str
    base: dt.datetime
    pools: list[Pool] = field(default_factory=list)
    queues: list[Queue] = field(default_factory=list)
    runs: list[Run] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.run_by_id: dict[uuid.UUID, Run] = {}
        self.queue_by_id: dict[uuid.UUID, Queue] = {}
        self.pool_by_id: dict[uuid.UUID, Pool] = {}

    def index(self) -> None:
        self.run_by_id = {r.id: r for r in self.runs}
        self.queue_by_id = {q.id: q for q in self.queues}
        self.pool_by_id = {p.id: p for p in self.pools}

    def t(self, value: dt.datetime | None) -> str:
        """A time as an offset from the base, readable in failure reports."""
        if value is None:
            return "NULL"
        delta = value - self.base
        sign = "-" if delta < dt.timedelta(0) else "+"
        delta = abs(delta)
        return f"{sign}{int(delta.total_seconds()) // 60}m{delta.seconds % 60:02d}.{delta.microseconds:06d}s"

    def qlabel(self, queue_id: Any) -> str:
        q = self.queue_by_id.get(queue_id)
        return f"{q.pool.name}/{q.name}" if q else f"<queue {queue_id}>"

    def label(self, run_id: Any) -> str:
        r = self.run_by_id.get(run_id)
        if r is None:
            return f"<not a run of the data set: {run_id}>"
        return f"{r.name}[{r.state_type},{self.t(r.nsst)}{',in_process' if r.retry_type == 'in_process' else ''}]"

    def describe(self) -> str:
        lines = [f"data set {self.number} (seed {self.seed!r}), base {self.base.isoformat()}, {len(self.runs)} runs:"]
        for p in self.pools:
            lines.append(f"  pool {p.name} {p.id} paused={p.paused} concurrency_limit={p.limit}")
            for q in (q for q in self.queues if q.pool is p):
                held = [r for r in self.runs if r.queue is q]
                active = sum(1 for r in held if r.state_type in ("RUNNING", "PENDING"))
                cancelling = sum(1 for r in held if r.state_type == "CANCELLING")
                sched = sorted(
                    (r for r in held if r.state_type == "SCHEDULED"),
                    key=lambda r: (r.nsst is not None, r.nsst or self.base, str(r.id)),
                )
                lines.append(
                    f"    queue {q.name} {q.id} priority={q.priority} paused={q.paused} concurrency_limit={q.limit}; "
                    f"{active} RUNNING/PENDING, {cancelling} CANCELLING, {len(sched)} SCHEDULED: "
                    + ", ".join(f"{r.name}@{self.t(r.nsst)}{'(in_process)' if r.retry_type == 'in_process' else ''}" for r in sched)
                )
        loose = [r for r in self.runs if r.queue_name is not None and (r.queue is None or r.queue.name != r.queue_name)]
        if loose:
            lines.append(
                "  runs whose work_queue_name is not their queue's: "
                + ", ".join(f"{r.name}:{r.queue_name}(queue {self.qlabel(r.queue.id) if r.queue else None})[{r.state_type},{self.t(r.nsst)}]" for r in loose)
            )
        return "\n".join(lines)


def make_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def generate_dataset(seed: int, number: int, base: dt.datetime) -> Dataset:
    rng = random.Random(f"{seed}/{number}")
    ds = Dataset(number=number, seed=f"{seed}/{number}", base=base)

    for i in range(rng.randint(1, 4)):
        pool = Pool(make_uuid(rng), f"fz-pool-{i}", rng.random() < 0.15, None)
        ds.pools.append(pool)
        n_queues = 0 if rng.random() < 0.05 else rng.randint(1, 4)
        names = rng.sample(QUEUE_NAMES, n_queues)
        priorities = list(range(1, n_queues + 1))
        rng.shuffle(priorities)
        if n_queues > 1 and rng.random() < 0.2:
            priorities[0] = priorities[1]  # two queues of one pool with the same priority
        for name, priority in zip(names, priorities):
            ds.queues.append(Queue(make_uuid(rng), name, pool, priority, rng.random() < 0.2, None))

    # some queues get most of the runs, so that limits have something to cut; paused queues
    # hold more of the active runs (Prefect's SQLite template counts them against their pool's
    # limit, its PostgreSQL one does not)
    weights = [rng.expovariate(1.0) + 0.05 for _ in ds.queues]
    active_weights = [w * (4 if q.paused else 1) for w, q in zip(weights, ds.queues)]
    types, type_weights = zip(*STATE_TYPES.items())
    times: list[dt.datetime] = []

    def some_time() -> dt.datetime:
        if times and rng.random() < 0.15:
            return rng.choice(times)  # exactly another run's time: a tie
        value = base + dt.timedelta(seconds=rng.uniform(-3 * 3600, 3 * 3600))
        if rng.random() < 0.1:
            value = value.replace(microsecond=0)
        times.append(value)
        return value

    for i in range(rng.randint(15, 110)):
        state_type = rng.choices(types, type_weights)[0]
        x = rng.random()
        queue: Queue | None = None
        if x < 0.08 or not ds.queues:
            queue_name = None
        elif x < 0.11:
            queue_name = rng.choice(QUEUE_NAMES + ["nowhere"])  # a name, no queue id
        else:
            queue = rng.choices(ds.queues, active_weights if state_type in ("RUNNING", "PENDING", "CANCELLING") else weights)[0]
            # a run keeps the name its queue had when it was created (the queue may have been
            # renamed since): the worker poll goes by queue id, the work-queue poll by name
            queue_name = rng.choice(QUEUE_NAMES) if x > 0.97 else queue.name
        if state_type == "SCHEDULED":
            nsst = None if rng.random() < 0.08 else some_time()
        else:
            nsst = some_time() if rng.random() < 0.25 else None
        retry_type = rng.choices([None, "in_process", "reschedule"], [0.78, 0.17, 0.05])[0]
        ds.runs.append(
            Run(
                id=make_uuid(rng),
                name=f"fz-{number}-{i:03d}",
                state_type=state_type,
                state_name=rng.choice(STATE_NAMES[state_type]),
                nsst=nsst,
                retry_type=retry_type,
                queue=queue,
                queue_name=queue_name,
            )
        )

    # concurrency limits: None, 0, or around what the pool's / queue's RUNNING and PENDING
    # runs take (so that 0, 1 or a few slots are left, or the limit is already exceeded)
    def limit(active: int, p_none: float) -> int | None:
        x = rng.random()
        if x < p_none:
            return None
        if x < p_none + 0.08:
            return 0
        return max(1, active + (rng.randint(-2, 0) if rng.random() < 0.25 else rng.randint(1, 5)))

    def active(queues: list[Queue]) -> int:
        return sum(1 for r in ds.runs if r.queue in queues and r.state_type in ("RUNNING", "PENDING"))

    for q in ds.queues:
        q.limit = limit(active([q]), 0.5)
    for p in ds.pools:
        p.limit = limit(active([q for q in ds.queues if q.pool is p]), 0.45)
    ds.index()
    return ds


async def write_dataset(ds: Dataset, flow_id: uuid.UUID) -> None:
    """Replaces the previous data set's pools, queues and runs with these (Prefect's ORM: its
    tables' column types encode the values; one transaction)."""
    import sqlalchemy as sa

    from prefect.server.schemas import core

    db = pi.provide_db()
    now = dt.datetime.now(UTC)
    pools = [
        {"id": p.id, "name": p.name, "type": "process", "is_paused": p.paused, "concurrency_limit": p.limit, "created": now, "updated": now}
        for p in ds.pools
    ]
    queues = [
        {
            "id": q.id,
            "name": q.name,
            "work_pool_id": q.pool.id,
            "priority": q.priority,
            "is_paused": q.paused,
            "concurrency_limit": q.limit,
            "created": now,
            "updated": now,
        }
        for q in ds.queues
    ]
    runs = []
    for r in ds.runs:
        runs.append(
            {
                "id": r.id,
                "name": r.name,
                "flow_id": flow_id,
                "state_type": r.state_type,
                "state_name": r.state_name,
                "state_timestamp": ds.base - dt.timedelta(hours=4),
                "expected_start_time": r.nsst or ds.base,
                "next_scheduled_start_time": r.nsst,
                "empirical_policy": core.FlowRunPolicy(retry_type=r.retry_type),
                "work_queue_id": r.queue.id if r.queue else None,
                "work_queue_name": r.queue_name,
                "tags": [],
                "created": now,
                "updated": now,
            }
        )
    async with db.session_context(begin_transaction=True) as session:
        await session.execute(sa.delete(db.FlowRun))
        await session.execute(sa.delete(db.WorkQueue))
        await session.execute(sa.delete(db.WorkPool))
        if pools:
            await session.execute(sa.insert(db.WorkPool), pools)
        if queues:
            await session.execute(sa.insert(db.WorkQueue), queues)
        if runs:
            await session.execute(sa.insert(db.FlowRun), runs)


# --------------------------------------------------------------------------------------------
# arguments


def time_arg(rng: random.Random, ds: Dataset) -> dt.datetime:
    known = [r.nsst for r in ds.runs if r.nsst is not None]
    x = rng.random()
    if known and x < 0.35:
        value = rng.choice(known)  # a run's time exactly (the comparisons are inclusive)
    elif known and x < 0.5:
        value = rng.choice(known) + dt.timedelta(microseconds=rng.choice([-1, 1]))
    else:
        value = ds.base + dt.timedelta(seconds=rng.uniform(-3.5 * 3600, 3.5 * 3600))
    return value.astimezone(rng.choice(OFFSETS))


def small_limit(rng: random.Random, p_none: float, p_zero: float, hi: int) -> int | None:
    x = rng.random()
    if x < p_none:
        return None
    if x < p_none + p_zero:
        return 0
    return rng.randint(1, hi)


def id_list(rng: random.Random, ids: list[uuid.UUID], p_none: float) -> list[uuid.UUID] | None:
    x = rng.random()
    if x < p_none or not ids:
        return None
    if x < p_none + 0.05:
        return []  # Prefect: no filter
    chosen = rng.sample(ids, rng.randint(1, min(3, len(ids))))
    if rng.random() < 0.1:
        chosen.append(make_uuid(rng))  # an id of nothing
    if rng.random() < 0.05:
        chosen.append(chosen[0])  # an id twice
    return chosen


def worker_args(rng: random.Random, ds: Dataset) -> dict[str, Any]:
    args: dict[str, Any] = {
        "limit": small_limit(rng, 0.45, 0.04, 15),
        "worker_limit": small_limit(rng, 0.6, 0.04, 8),
        "queue_limit": small_limit(rng, 0.55, 0.04, 5),
        "work_pool_ids": id_list(rng, [p.id for p in ds.pools], 0.55),
        "work_queue_ids": id_list(rng, [q.id for q in ds.queues], 0.65),
        "scheduled_before": time_arg(rng, ds) if rng.random() < 0.45 else None,
        "scheduled_after": time_arg(rng, ds) if rng.random() < 0.3 else None,
        "respect_queue_priorities": rng.choice([True, False, None]),
    }
    return {k: v for k, v in args.items() if v is not None}


def legacy_args(rng: random.Random, ds: Dataset) -> dict[str, Any]:
    args: dict[str, Any] = {
        "limit_per_queue": small_limit(rng, 0.4, 0.08, 6),
        "work_queue_ids": id_list(rng, [q.id for q in ds.queues], 0.45),
        "scheduled_before": time_arg(rng, ds) if rng.random() < 0.55 else None,
    }
    return {k: v for k, v in args.items() if v is not None}


# --------------------------------------------------------------------------------------------
# what may be returned, and the sort keys


def in_window(nsst: dt.datetime | None, after: dt.datetime | None, before: dt.datetime | None) -> bool:
    if after is not None and (nsst is None or nsst < after):
        return False
    if before is not None and (nsst is None or nsst > before):
        return False
    return True


def worker_eligible(ds: Dataset, args: dict[str, Any]) -> set[Any]:
    """Runs the worker poll may return (before any limit): SCHEDULED, not retrying in process,
    in an unpaused queue of an unpaused pool, within the filters."""
    pools, queues = args.get("work_pool_ids"), args.get("work_queue_ids")
    out = set()
    for r in ds.runs:
        q = r.queue
        if r.state_type != "SCHEDULED" or r.retry_type == "in_process" or q is None:
            continue
        if q.paused or q.pool.paused or (pools and q.pool.id not in pools) or (queues and q.id not in queues):
            continue
        if in_window(r.nsst, args.get("scheduled_after"), args.get("scheduled_before")):
            out.add(r.id)
    return out


def legacy_eligible(ds: Dataset, args: dict[str, Any]) -> set[Any]:
    """(run, queue) pairs the work-queue poll may return: a SCHEDULED run and an unpaused queue
    of its queue's name (in any pool), within the filters."""
    queues = args.get("work_queue_ids")
    out = set()
    for r in ds.runs:
        if r.state_type != "SCHEDULED" or r.queue_name is None or not in_window(r.nsst, None, args.get("scheduled_before")):
            continue
        for q in ds.queues:
            if q.name == r.queue_name and not q.paused and not (queues and q.id not in queues):
                out.add((r.id, q.id))
    return out


def nsst_of(ds: Dataset, item: Any) -> Any:
    run_id = item[0] if isinstance(item, tuple) else item
    r = ds.run_by_id.get(run_id)
    return ("<unknown run>", str(run_id)) if r is None else r.nsst


def worker_keys(ds: Dataset, dialect: str, args: dict[str, Any], answer: list[Any]) -> list[tuple[Any, ...]]:
    """What the worker poll's final ORDER BY orders each returned run by.

    PostgreSQL: [work_queue_priority,] next_scheduled_start_time. SQLite: [work_pool_rank,]
    next_scheduled_start_time, where work_pool_rank numbers a pool's runs by (priority, next
    start) before the pool's limit: the runs a pool keeps are its ranks 1..n, so each run's
    rank is its position among its pool's returned runs sorted that way (NULLs first, as
    SQLite sorts them; runs that tie keep their order in the answer, which is their rank
    order since the answer is ordered by rank)."""
    if not args.get("respect_queue_priorities"):
        return [(nsst_of(ds, i),) for i in answer]
    if dialect == "postgresql":
        return [(ds.run_by_id[i].queue.priority if i in ds.run_by_id and ds.run_by_id[i].queue else None, nsst_of(ds, i)) for i in answer]
    ranks: dict[Any, int] = {}
    by_pool: dict[Any, list[Any]] = {}
    for i in answer:
        r = ds.run_by_id.get(i)
        by_pool.setdefault(r.queue.pool.id if r and r.queue else None, []).append(i)
    for members in by_pool.values():

        def order(i: Any) -> Any:
            r = ds.run_by_id.get(i)
            if r is None or r.queue is None:
                return (0, 0, 0, dt.datetime.min.replace(tzinfo=UTC))
            return (r.queue.priority, r.nsst is not None, r.nsst or dt.datetime.min.replace(tzinfo=UTC))

        for n, i in enumerate(sorted(members, key=order), 1):  # stable: ties keep answer order
            ranks[i] = n
    return [(ranks[i], nsst_of(ds, i)) for i in answer]


def worker_tie_class(ds: Dataset, dialect: str, args: dict[str, Any], run_id: Any) -> tuple[Any, ...]:
    """Runs the worker poll's ORDER BYs cannot tell apart: equal next starts; with queue
    priorities, in queues of the same priority too, and on SQLite (where the final order is by
    the rank within the pool) of the same pool."""
    r = ds.run_by_id.get(run_id)
    if r is None or r.queue is None or not args.get("respect_queue_priorities"):
        return (nsst_of(ds, run_id),)
    if dialect == "postgresql":
        return (r.queue.priority, r.nsst)
    return (r.queue.pool.name, r.queue.priority, r.nsst)


def legacy_keys(ds: Dataset, answer: list[tuple[Any, Any]]) -> list[tuple[Any, ...]]:
    """ORDER BY next_scheduled_start_time, id (one run comes once per queue of its name)."""
    return [(nsst_of(ds, p), str(p[0])) for p in answer]


def compare(
    ds: Dataset,
    prefect: list[Any],
    flowdb: list[Any],
    keys: Any,
    tie_class: Any,
    eligible: set[Any],
    trailing_id: bool = False,
) -> tuple[list[str], bool]:
    """Problems (empty: the answers agree) and whether a tie cut by a limit was accepted.

    `keys(answer)` gives each item's sort key (what the final ORDER BY orders by), ending with
    the next start, or with the next start and then the run's id (`trailing_id`): the two
    sequences must be equal (without the id: see below). `tie_class(item)` is what the ORDER
    BYs leading to the answer cannot tell apart, ending with the next start: items of a class
    may stand in any order, but each class must hold the same items in both answers, and
    (`trailing_id`) stand in id order. A class may hold other items only where a limit cut
    through a tie on the next start: the items only one side has must be eligible and at that
    next start, and the data set must hold more eligible items at that next start than Prefect
    returned (see the module's docstring)."""
    problems: list[str] = []
    if len(set(flowdb)) != len(flowdb):
        problems.append("flowdb returned a row more than once")
    if len(prefect) != len(flowdb):
        problems.append(f"{len(prefect)} row(s) from Prefect, {len(flowdb)} from flowdb")
        return problems, False
    kp, kf = keys(prefect), keys(flowdb)
    coarse = -1 if trailing_id else None
    cp = [k[:coarse] for k in kp]
    cf = [k[:coarse] for k in kf]
    if cp != cf:
        first = next(n for n, (a, b) in enumerate(zip(cp, cf)) if a != b)
        problems.append(
            f"the sort keys first differ at position {first}: Prefect {show_key(ds, cp[first])}, flowdb {show_key(ds, cf[first])}"
        )
        return problems, False
    classes: dict[Any, tuple[list[int], list[int]]] = {}
    for n, item in enumerate(prefect):
        classes.setdefault(tie_class(item), ([], []))[0].append(n)
    for n, item in enumerate(flowdb):
        classes.setdefault(tie_class(item), ([], []))[1].append(n)
    cut = False
    for cls, (pos_p, pos_f) in classes.items():
        a, b = [prefect[n] for n in pos_p], [flowdb[n] for n in pos_f]
        if set(a) == set(b):
            if trailing_id and [kp[n] for n in pos_p] != [kf[n] for n in pos_f]:
                problems.append(f"{show_key(ds, cls)}: the same runs, not in the same (id) order")
            continue
        t = cls[-1]
        tied = {e for e in eligible if nsst_of(ds, e) == t}
        returned = sum(1 for e in prefect if nsst_of(ds, e) == t)
        bad = [e for e in set(a) ^ set(b) if e not in tied]
        if bad or len(tied) <= returned:
            problems.append(
                f"tie class {show_key(ds, cls)} at positions Prefect {pos_p}, flowdb {pos_f}: "
                f"only Prefect {[show_item(ds, e) for e in a if e not in b]}, only flowdb {[show_item(ds, e) for e in b if e not in a]}"
                + ("" if bad else f" (all {len(tied)} eligible runs at that next start are returned: no limit cut a tie)")
            )
            continue
        cut = True
        if trailing_id and [kf[n] for n in pos_f] != sorted(kf[n] for n in pos_f):
            problems.append(f"{show_key(ds, cls)}: flowdb's runs not in id order")
    return problems, cut


def show_key(ds: Dataset, key: tuple[Any, ...]) -> str:
    return "(" + ", ".join(ds.t(k) if isinstance(k, dt.datetime) or k is None else repr(k) for k in key) + ")"


def show_item(ds: Dataset, item: Any) -> str:
    if isinstance(item, tuple):
        return f"{ds.qlabel(item[1])}:{ds.label(item[0])}"
    r = ds.run_by_id.get(item)
    return f"{ds.qlabel(r.queue.id) if r and r.queue else '?'}:{ds.label(item)}"


def args_text(args: dict[str, Any]) -> str:
    return json.dumps(pi.to_json_arg(args))


# --------------------------------------------------------------------------------------------
# the two polls, one case each


class Tally:
    def __init__(self, what: str) -> None:
        self.what = what
        self.cases = 0
        self.rows = 0
        self.nonempty = 0
        self.tie_cuts = 0
        self.limited = 0  # cases where a limit or a concurrency limit held runs back
        self.failures: list[str] = []
        self.failed_datasets: list[int] = []
        self.seconds = 0.0


async def worker_case(ds: Dataset, dialect: str, q: pi.FlowdbQuery, args: dict[str, Any], tally: Tally, where: str) -> None:
    db = pi.provide_db()
    async with db.session_context(begin_transaction=True) as session:
        responses = await db.queries.get_scheduled_flow_runs_from_work_pool(session=session, **args)
    # the transaction is over (PostgreSQL: its FOR UPDATE SKIP LOCKED locks are released)
    prefect = [(r.work_pool_id, r.work_queue_id, r.flow_run.id) for r in responses]
    rows = q.rows("get_scheduled_flow_runs_from_work_pool", args)
    got = [(pi.parse_uuid(r.get("run_work_pool_id")), pi.parse_uuid(r.get("run_work_queue_id")), pi.parse_uuid(r.get("id"))) for r in rows]
    problems: list[str] = []
    for who, answer in (("Prefect", prefect), ("flowdb", got)):
        for pool_id, queue_id, run_id in answer:
            r = ds.run_by_id.get(run_id)
            if r is None or r.queue is None or r.queue.id != queue_id or r.queue.pool.id != pool_id:
                problems.append(f"{who}: {ds.label(run_id)} given with pool {pool_id} and queue {ds.qlabel(queue_id)}, not its own")
    eligible = worker_eligible(ds, args)
    more, cut = compare(
        ds,
        [e[2] for e in prefect],
        [e[2] for e in got],
        lambda answer: worker_keys(ds, dialect, args, answer),
        lambda run_id: worker_tie_class(ds, dialect, args, run_id),
        eligible,
    )
    problems += more
    record(tally, ds, where, args, problems, cut, [show_item(ds, e[2]) for e in prefect], [show_item(ds, e[2]) for e in got], len(eligible))


async def legacy_case(ds: Dataset, q: pi.FlowdbQuery, args: dict[str, Any], tally: Tally, where: str) -> None:
    db = pi.provide_db()
    async with db.session_context(begin_transaction=True) as session:
        query = db.queries.get_scheduled_flow_runs_from_work_queues(
            limit_per_queue=args.get("limit_per_queue"),
            work_queue_ids=args.get("work_queue_ids"),
            scheduled_before=args.get("scheduled_before"),
        )
        prefect = [(row[0].id, row[1]) for row in (await session.execute(query)).all()]
    rows = q.rows("get_scheduled_flow_runs_from_work_queues", args)
    got = [(pi.parse_uuid(r.get("id")), pi.parse_uuid(r.get("wq_id"))) for r in rows]
    eligible = legacy_eligible(ds, args)
    problems, cut = compare(ds, prefect, got, lambda answer: legacy_keys(ds, answer), lambda pair: (nsst_of(ds, pair),), eligible, trailing_id=True)
    record(tally, ds, where, args, problems, cut, [show_item(ds, e) for e in prefect], [show_item(ds, e) for e in got], len(eligible))


def record(
    tally: Tally, ds: Dataset, where: str, args: dict[str, Any], problems: list[str], cut: bool, prefect: list[str], flowdb: list[str], eligible: int
) -> None:
    tally.cases += 1
    tally.limited += len(prefect) < eligible
    tally.rows += len(prefect)
    tally.nonempty += bool(prefect)
    if problems:
        text = f"{where}: args {args_text(args)}\n" + pi._indent("\n".join(problems), "  ")
        if len(tally.failures) < SHOW_FAILURES:
            text += (
                f"\n  Prefect ({len(prefect)}): {prefect}\n  flowdb  ({len(flowdb)}): {flowdb}\n"
                + pi._indent(ds.describe(), "  ")
            )
        tally.failures.append(text)
        if ds.number not in tally.failed_datasets:
            tally.failed_datasets.append(ds.number)
    elif cut:
        tally.tie_cuts += 1


# --------------------------------------------------------------------------------------------
# the scenario


def verdict(tally: Tally, seed: int, datasets: int, dialect: str) -> str:
    summary = (
        f"seed {seed}: {tally.cases} cases on {datasets} data set(s), {tally.nonempty} with rows ({tally.rows} in all), "
        f"{tally.limited} where a limit held runs back"
        + (f", {tally.tie_cuts} with a next-start tie cut by a limit" if tally.tie_cuts else "")
    )
    if tally.failures:
        shown = "\n".join(tally.failures[:SHOW_FAILURES])
        more = len(tally.failures) - SHOW_FAILURES
        raise pi.StepFailed(
            f"{len(tally.failures)} of {tally.cases} {tally.what} case(s) differ from Prefect or failed ({summary})\n"
            + shown
            + (f"\n... and {more} more" if more > 0 else "")
            + f"\ndata sets with a mismatch: {tally.failed_datasets}; rerun one (N) on an empty database of its own:\n  "
            + repro_command(seed, dialect)
        )
    return f"{summary}: every answer agrees with Prefect's"


def repro_command(seed: int, dialect: str) -> str:
    url = (
        "sqlite+aiosqlite:///$(mktemp -u /tmp/fuzz-XXXXXX.db)"
        if dialect == "sqlite"
        else "postgresql+asyncpg://postgres@127.0.0.1:5432/<an empty database>"
    )
    return (
        f"target/prefect-venv/bin/python scripts/prefect_interop.py run --flowdb target/debug/flowdb --dialect {dialect} "
        f'--template-fuzz "{url}" --fuzz-seed {seed} --fuzz-dataset N'
    )


async def scenario_template_fuzz(args: Any, rep: pi.Reporter, url: str) -> None:
    import sqlalchemy as sa

    flowdb = pi.Flowdb(args.flowdb, url)
    await pi.use_database(url, args.work / f"{args.dialect}-template-fuzz-home")
    seed = args.fuzz_seed
    numbers = [args.fuzz_dataset] if args.fuzz_dataset is not None else list(range(args.fuzz_datasets))
    rep.line("INFO", "seed", f"{seed} (rerun with --seed {seed}; one data set: --fuzz-seed {seed} --fuzz-dataset N)", 0.0)

    def flowdb_creates() -> str:
        proc = flowdb.upgrade()
        pi.expect(proc.returncode == 0, "flowdb database upgrade failed on the fuzz database:\n" + pi.describe(proc))
        return proc.stdout.strip().splitlines()[-1]

    await pi.step(rep, "flowdb database upgrade builds the fuzz database", flowdb_creates)

    flow_id = uuid.UUID(int=random.Random(f"{seed}/flow").getrandbits(128), version=4)

    async def prefect_writes_flow() -> str:
        db = pi.provide_db()
        async with db.session_context(begin_transaction=True) as session:
            for table in (db.FlowRun, db.WorkQueue, db.WorkPool):
                n = (await session.execute(sa.select(sa.func.count()).select_from(table))).scalar_one()
                pi.expect(n == 0, f"{table.__tablename__} has {n} row(s): the fuzz scenario deletes every row of it, give it an empty database")
            await session.execute(sa.insert(db.Flow), [{"id": flow_id, "name": f"fz-flow-{seed}"}])
        return "empty; one flow written"

    await pi.step(rep, "prefect ORM: the database is empty, a flow for the runs", prefect_writes_flow)

    q = pi.FlowdbQuery(args.flowdb, pi.flowdb_url_for(url))
    worker, legacy = Tally("worker poll"), Tally("work-queue poll")
    write_seconds = 0.0
    base = dt.datetime.now(UTC).replace(second=0, microsecond=0)
    for number in numbers:
        ds = generate_dataset(seed, number, base)
        started = time.monotonic()
        try:
            await write_dataset(ds, flow_id)
        except Exception as exc:  # noqa: BLE001 - reported, and the scenario ends
            rep.failed += 1
            rep.line("FAIL", f"prefect ORM writes data set {number}", f"{type(exc).__name__}: {exc}", time.monotonic() - started, traceback.format_exc())
            raise pi.StepFailed(f"data set {number} could not be written") from exc
        write_seconds += time.monotonic() - started
        rng = random.Random(f"{seed}/{number}/cases")
        cases = [(worker, n, worker_args(rng, ds)) for n in range(args.fuzz_worker_cases)]
        cases += [(legacy, n, legacy_args(rng, ds)) for n in range(args.fuzz_legacy_cases)]
        for tally, n, case_args in cases:
            where = f"seed {seed} data set {number} {'worker' if tally is worker else 'work-queue'} case {n}"
            started = time.monotonic()
            try:
                if tally is worker:
                    await worker_case(ds, args.dialect, q, case_args, tally, where)
                else:
                    await legacy_case(ds, q, case_args, tally, where)
            except Exception as exc:  # noqa: BLE001 - an error (flowdb failed, ...) is this case's failure
                tally.cases += 1
                detail = str(exc) if isinstance(exc, pi.StepFailed) else f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"
                tally.failures.append(f"{where}: args {args_text(case_args)}\n" + pi._indent(detail, "  "))
                if number not in tally.failed_datasets:
                    tally.failed_datasets.append(number)
            tally.seconds += time.monotonic() - started
    await pi.dispose_prefect_engines()

    for name, tally in (
        ("fuzz: worker poll get_scheduled_flow_runs_from_work_pool == Prefect's", worker),
        ("fuzz: work-queue poll get_scheduled_flow_runs_from_work_queues == Prefect's", legacy),
    ):
        try:
            detail = verdict(tally, seed, len(numbers), args.dialect)
        except pi.StepFailed as exc:
            rep.failed += 1
            rep.line("FAIL", name, "", tally.seconds, str(exc))
        else:
            rep.passed += 1
            rep.line("PASS", name, detail, tally.seconds)
    rep.line("INFO", "fuzz data sets written by Prefect's ORM", f"{len(numbers)} in {write_seconds:.1f}s; flowdb query run calls: {q.calls}", write_seconds)
