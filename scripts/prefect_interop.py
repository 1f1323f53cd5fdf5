#!/usr/bin/env python3
"""End-to-end interoperability checks between flowdb and the real Prefect 3.9.1 server.

Driven by scripts/prefect-interop.sh, which provides the venv with prefect==3.9.1, the empty
databases (and drops them afterwards) and the flowdb binary. `run` runs, in one process, the
scenarios of one dialect, each on its own empty database:

  prefect-first  Prefect's own migration (alembic, as `prefect server start` runs it) builds the
                 schema and Prefect's models write rows; `flowdb database upgrade` must adopt
                 the database with 0 migrations applied and no DDL, `flowdb database check` must
                 find no drift, and a fresh Prefect engine must read everything back, orchestrate
                 a run on, write more, and find its startup migration a no-op.
  flowdb-first   `flowdb database upgrade` builds the schema; `prefect server database upgrade
                 -y` (Prefect's CLI, in its own process) must be a no-op and `alembic current`
                 must say head; the schema must equal the one Prefect built in prefect-first
                 (SQLAlchemy's inspector, plus SQLite index details); Prefect's models write,
                 read, filter, sort and orchestrate rows, and Prefect's REST API, in-process
                 (ASGI), serves flows, flow runs, states, blocks and variables from the database.

Every step prints one line: PASS, FAIL (with the evidence), or WARN (something a user would trip
over that is not an interoperability failure; it does not fail the run). A failed step ends its
scenario, except checks that later steps do not build on (schema comparisons, `flowdb database
check`). Exit status: 0 all passed, 1 a step failed, 2 bad usage.

Prefect reads its settings from the environment: they are set before Prefect is imported, and
`use_database` re-reads them when a scenario switches databases.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path
from typing import Any, Callable

PREFECT_VERSION = "3.9.1"
ALEMBIC_HEADS = {"sqlite": "27d8f4e1a6c9", "postgresql": "91e2b8f3d6a4"}
BOOKKEEPING_TABLE = "flowdb_migrations"
UTC = dt.timezone.utc


class StepFailed(Exception):
    """A check failed; the message says what differs."""


class StepWarning(Exception):
    """Not an interoperability failure, but something a user would trip over: reported as
    WARN, with the evidence, without failing the run."""


# --------------------------------------------------------------------------------------------
# reporting


class Reporter:
    def __init__(self, label: str) -> None:
        self.label = label
        self.passed = 0
        self.failed = 0
        self.warnings = 0

    def line(self, status: str, name: str, detail: str, seconds: float, body: str = "") -> None:
        text = f"{status} [{self.label}] {name} ({seconds:.1f}s)"
        if detail:
            text += f": {detail}"
        if body:
            text += "\n" + _indent(body)
        # One write per step, so that the lines of scenarios run side by side do not interleave.
        sys.stdout.write(text + "\n")
        sys.stdout.flush()


async def step(rep: Reporter, name: str, fn: Callable[[], Any], fatal: bool = True) -> Any:
    """Runs one step (sync or async); prints PASS/FAIL. A failure raises StepFailed, which ends
    the scenario, unless `fatal` is false: for checks that later steps do not build on, so that
    a schema difference is reported together with whether Prefect still works."""
    started = time.monotonic()
    try:
        result = fn()
        if asyncio.iscoroutine(result):
            result = await result
    except StepWarning as exc:
        rep.warnings += 1
        rep.line("WARN", name, "", time.monotonic() - started, str(exc))
        return None
    except StepFailed as exc:
        rep.failed += 1
        rep.line("FAIL", name, "", time.monotonic() - started, str(exc))
        if fatal:
            raise
        return None
    except Exception as exc:  # an unexpected error is a failure of that step too
        rep.failed += 1
        rep.line("FAIL", name, f"{type(exc).__name__}: {exc}", time.monotonic() - started, traceback.format_exc())
        if fatal:
            raise StepFailed(f"{name}: {type(exc).__name__}: {exc}") from exc
        return None
    rep.passed += 1
    detail = result if isinstance(result, str) else ""
    rep.line("PASS", name, detail, time.monotonic() - started)
    return result


def _indent(text: str, prefix: str = "    | ") -> str:
    return "\n".join(prefix + line for line in text.rstrip().splitlines())


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailed(message)


def expect_equal(actual: Any, expected: Any, what: str) -> None:
    if actual != expected:
        raise StepFailed(f"{what}: expected {expected!r}, got {actual!r}")


# --------------------------------------------------------------------------------------------
# subprocesses: flowdb and Prefect's CLI


def run(cmd: list[str], env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def describe(proc: subprocess.CompletedProcess[str]) -> str:
    out = [f"command: {' '.join(proc.args)}", f"exit code: {proc.returncode}"]
    if proc.stdout.strip():
        out += ["stdout:", _indent(proc.stdout, "  ")]
    if proc.stderr.strip():
        out += ["stderr:", _indent(proc.stderr, "  ")]
    return "\n".join(out)


class Flowdb:
    def __init__(self, binary: str, url: str) -> None:
        self.binary = binary
        self.url = url

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run([self.binary, "database", *args, "--url", self.url])

    def upgrade(self) -> subprocess.CompletedProcess[str]:
        return self("upgrade", "-y")

    def current(self) -> dict[str, Any]:
        proc = self("current", "--json")
        if proc.returncode != 0:
            raise StepFailed("flowdb database current --json failed\n" + describe(proc))
        return json.loads(proc.stdout)

    def check(self) -> subprocess.CompletedProcess[str]:
        return self("check")


def prefect_cli_upgrade(prefect_bin: str) -> subprocess.CompletedProcess[str]:
    # Prefect's own command, in its own process, with this process's Prefect environment.
    return run([prefect_bin, "--no-prompt", "server", "database", "upgrade", "-y"], env=dict(os.environ))


APPLIED_RE = re.compile(r"\((\d+) applied now")


def applied_count(proc: subprocess.CompletedProcess[str]) -> int:
    match = APPLIED_RE.search(proc.stdout + proc.stderr)
    if not match:
        raise StepFailed("cannot find '(N applied now' in flowdb's output\n" + describe(proc))
    return int(match.group(1))


# --------------------------------------------------------------------------------------------
# schema snapshots (SQLAlchemy's inspector: Prefect's own view of a database)


def normalize_sql(text: str) -> str:
    """SQL text with layout removed (SQLite keeps the CREATE TABLE text as written, so Prefect's
    multi-line defaults and flowdb's one-line ones differ only in whitespace)."""
    text = " ".join(text.split())
    return re.sub(r"\(\s+", "(", re.sub(r"\s+\)", ")", text))


async def schema_snapshot(url: str, dialect: str) -> dict[str, Any]:
    import sqlalchemy as sa
    from sqlalchemy.ext.asyncio import create_async_engine
    from sqlalchemy.pool import NullPool

    def inspect_all(conn: Any) -> dict[str, Any]:
        insp = sa.inspect(conn)
        tables: dict[str, Any] = {}
        for table in sorted(insp.get_table_names()):
            cols = [
                {
                    "name": c["name"],
                    "type": str(c["type"]),
                    "nullable": c["nullable"],
                    "default": None if c.get("default") is None else normalize_sql(str(c["default"])),
                }
                for c in insp.get_columns(table)
            ]
            pk = insp.get_pk_constraint(table)
            fks = sorted(
                (
                    {
                        "name": fk.get("name"),
                        "columns": fk["constrained_columns"],
                        "referred": f"{fk['referred_table']}({', '.join(fk['referred_columns'])})",
                        "options": {k: v for k, v in sorted((fk.get("options") or {}).items())},
                    }
                    for fk in insp.get_foreign_keys(table)
                ),
                key=lambda f: (str(f["name"]), f["columns"]),
            )
            indexes = sorted(
                (
                    {
                        "name": ix["name"],
                        "columns": [str(c) for c in ix["column_names"]],
                        "expressions": [str(e) for e in ix.get("expressions") or []],
                        "unique": bool(ix["unique"]),
                        "column_sorting": {k: list(v) for k, v in sorted((ix.get("column_sorting") or {}).items())},
                        "dialect_options": {
                            k: str(v) for k, v in sorted((ix.get("dialect_options") or {}).items())
                        },
                    }
                    for ix in insp.get_indexes(table)
                ),
                key=lambda i: str(i["name"]),
            )
            uniques = sorted(
                ({"name": u["name"], "columns": u["column_names"]} for u in insp.get_unique_constraints(table)),
                key=lambda u: (str(u["name"]), u["columns"]),
            )
            checks = sorted(
                ({"name": c["name"], "sqltext": normalize_sql(str(c["sqltext"]))} for c in insp.get_check_constraints(table)),
                key=lambda c: (str(c["name"]), c["sqltext"]),
            )
            tables[table] = {
                "columns": cols,
                "primary_key": {"name": pk.get("name"), "columns": pk.get("constrained_columns")},
                "foreign_keys": fks,
                "indexes": indexes,
                "unique_constraints": uniques,
                "check_constraints": checks,
            }
        extra: dict[str, Any] = {"views": sorted(insp.get_view_names())}
        if dialect == "postgresql":
            extra["enums"] = sorted(
                (f"{e['name']}: {', '.join(e['labels'])}" for e in insp.get_enums()),
            )
            extra["extensions"] = sorted(
                r[0] for r in conn.execute(sa.text("SELECT extname FROM pg_extension WHERE extname <> 'plpgsql'"))
            )
            extra["triggers"] = sorted(
                f"{r[0]}.{r[1]}"
                for r in conn.execute(
                    sa.text(
                        "SELECT event_object_table, trigger_name FROM information_schema.triggers "
                        "WHERE trigger_schema = current_schema()"
                    )
                )
            )
            extra["sequences"] = sorted(insp.get_sequence_names())
        else:
            extra["triggers"] = sorted(
                r[0] for r in conn.execute(sa.text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            )
            # What the inspector leaves out on SQLite: each index's key order (DESC), collation
            # and partial-index predicate.
            index_details = []
            for name, table, sql in conn.execute(
                sa.text("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name")
            ):
                keys = [
                    f"{r[2] or '<expr>'} {'DESC' if r[3] else 'ASC'} {r[4]}"
                    for r in conn.execute(sa.text(f"PRAGMA index_xinfo(\"{name}\")"))
                    if r[5]  # key columns only
                ]
                predicate = ""
                if sql:
                    match = re.search(r"\bWHERE\b(.*)$", normalize_sql(sql), re.IGNORECASE)
                    predicate = f" WHERE {normalize_sql(match.group(1))}" if match else ""
                # automatic indexes of UNIQUE/PRIMARY KEY constraints are numbered by their
                # position in CREATE TABLE: compare what they index, not their number
                label = "<automatic>" if name.startswith("sqlite_autoindex_") else name
                index_details.append(f"{table}.{label}: {', '.join(keys)}{predicate}")
            extra["index_details"] = index_details
        alembic = None
        if "alembic_version" in tables:
            alembic = [r[0] for r in conn.execute(sa.text("SELECT version_num FROM alembic_version"))]
        return {"tables": tables, "extra": extra, "alembic_version": alembic}

    engine = create_async_engine(url, poolclass=NullPool)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            async with engine.connect() as conn:
                return await conn.run_sync(inspect_all)
    finally:
        await engine.dispose()


def snapshot_lines(snapshot: dict[str, Any], exclude: tuple[str, ...] = (BOOKKEEPING_TABLE,)) -> list[str]:
    """A snapshot as sorted, self-describing lines, for line-by-line comparison."""
    lines: list[str] = []
    for table, spec in snapshot["tables"].items():
        if table in exclude:
            continue
        for col in spec["columns"]:
            default = None if col["default"] is None else normalize_sql(col["default"])
            lines.append(f"{table}: column {col['name']} {col['type']} nullable={col['nullable']} default={default}")
        lines.append(f"{table}: primary key {spec['primary_key']['name']} {spec['primary_key']['columns']}")
        for kind, label in (
            ("foreign_keys", "foreign key"),
            ("indexes", "index"),
            ("unique_constraints", "unique constraint"),
            ("check_constraints", "check constraint"),
        ):
            for item in spec[kind]:
                lines.append(f"{table}: {label} {json.dumps(item, sort_keys=True)}")
    for key, values in snapshot["extra"].items():
        for value in values:
            if any(value.startswith(f"{table}.") for table in exclude):
                continue
            lines.append(f"{key[:-1]}: {value}")
    lines.append(f"alembic_version: {snapshot['alembic_version']}")
    return sorted(lines)


def diff_snapshots(left: dict[str, Any], right: dict[str, Any], left_name: str, right_name: str) -> list[str]:
    a, b = set(snapshot_lines(left)), set(snapshot_lines(right))
    out = [f"only in {left_name}: {line}" for line in sorted(a - b)]
    out += [f"only in {right_name}: {line}" for line in sorted(b - a)]
    return out


# --------------------------------------------------------------------------------------------
# Prefect: the database interface, fresh engines, alembic


def reset_prefect_database_state() -> None:
    """Forgets Prefect's cached database configuration (engines are disposed separately)."""
    from prefect.server.database import dependencies

    for key in dependencies.MODELS_DEPENDENCIES:
        dependencies.MODELS_DEPENDENCIES[key] = None  # type: ignore[literal-required]


async def dispose_prefect_engines() -> None:
    from prefect.server.database.configurations import ENGINES

    for key in list(ENGINES):
        engine = ENGINES.pop(key)
        await engine.dispose()
    reset_prefect_database_state()


def provide_db() -> Any:
    from prefect.server.database import provide_database_interface

    return provide_database_interface()


def alembic_current_output() -> str:
    """What `alembic current` prints for this database, through Prefect's alembic config."""
    import alembic.command

    from prefect.server.database.alembic_commands import alembic_config

    cfg = alembic_config()
    buffer = io.StringIO()
    cfg.stdout = buffer
    alembic.command.current(cfg)
    return buffer.getvalue().strip()


def alembic_script_heads() -> list[str]:
    from alembic.script import ScriptDirectory

    from prefect.server.database.alembic_commands import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    # Prefect keeps one version directory per dialect and picks it in env.py, as here.
    script.version_locations = [provide_db().orm.versions_dir]
    return list(script.get_heads())


class CaptureAlembic(logging.Handler):
    """Collects alembic's log records (`Running upgrade a -> b` is logged for each revision)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    def __enter__(self) -> "CaptureAlembic":
        self._logger = logging.getLogger("alembic")
        self._old_level = self._logger.level
        self._logger.setLevel(logging.INFO)
        self._logger.addHandler(self)
        return self

    def __exit__(self, *exc: Any) -> None:
        self._logger.removeHandler(self)
        self._logger.setLevel(self._old_level)


async def prefect_startup_migration_is_noop() -> str:
    """`PrefectDBInterface.create_db()`, what the server runs on start when migrate-on-start
    is on: alembic must run no revision."""
    db = provide_db()
    with CaptureAlembic() as captured:
        await db.create_db()
    ran = [m for m in captured.messages if m.startswith("Running upgrade") or m.startswith("Running stamp")]
    expect(not ran, "Prefect's startup migration ran revisions:\n" + "\n".join(ran))
    await dispose_prefect_engines()
    return "create_db() ran no alembic revision"


# --------------------------------------------------------------------------------------------
# the data set written and read through Prefect's models


# Distinctive values that must round-trip exactly (JSON documents, aware timestamps).
PARAMETERS = {
    "nested": {"list": [1, 2.5, "three", None, True, False], "empty": {}, "deep": {"a": {"b": {"c": [[]]}}}},
    "unicode": "héllo ✓ 漢字 \U0001f680",
    "quote": "it's \"quoted\" \\ backslash",
    "big": 9007199254740993,
    "negative": -1.25e-7,
}
EXPECTED_START = dt.datetime(2021, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
# An instant given at another UTC offset: must read back as the same instant.
OFFSET_START = dt.datetime(2021, 2, 3, 10, 35, 6, 123456, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))
LOG_TIME = dt.datetime(2030, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)


def as_utc(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    expect(isinstance(value, dt.datetime), f"expected a datetime, got {type(value).__name__}: {value!r}")
    expect(value.tzinfo is not None, f"timestamp read back without a time zone: {value!r}")
    return value.astimezone(UTC)


async def write_dataset(tag: str) -> dict[str, Any]:
    """Writes one of everything through Prefect's models, in one transaction; returns ids and
    the values to expect when reading back."""
    from prefect.server import models
    from prefect.server.orchestration.core_policy import CoreFlowPolicy
    from prefect.server.schemas import actions, core, states

    db = provide_db()
    ids: dict[str, Any] = {"tag": tag}
    async with db.session_context(begin_transaction=True) as session:
        flow = await models.flows.create_flow(
            session=session,
            flow=core.Flow(name=f"interop-flow-{tag}", tags=["interop", tag], labels={"team": "flowdb", "n": 7}),
        )
        ids["flow_id"] = flow.id

        pool = await models.workers.create_work_pool(
            session=session,
            work_pool=actions.WorkPoolCreate(name=f"interop-pool-{tag}", type="process", description="interop"),
        )
        ids["work_pool_id"] = pool.id

        deployment = await models.deployments.create_deployment(
            session=session,
            deployment=core.Deployment(
                name=f"interop-deployment-{tag}",
                flow_id=flow.id,
                tags=["interop", tag],
                parameters={"x": 1, "y": [1, 2]},
                job_variables={"env": {"A": "b"}},
                work_queue_name="default",
            ),
        )
        expect(deployment is not None, "create_deployment returned None")
        ids["deployment_id"] = deployment.id

        # Three flow runs: one driven through the core orchestration policy to Completed,
        # one left Scheduled, one with an offset timestamp.
        runs = []
        for i, (start, params) in enumerate(
            [(EXPECTED_START, PARAMETERS), (EXPECTED_START + dt.timedelta(days=1), {"i": 1}), (OFFSET_START, {"i": 2})]
        ):
            run_ = await models.flow_runs.create_flow_run(
                session=session,
                flow_run=core.FlowRun(
                    name=f"interop-run-{tag}-{i}",
                    flow_id=flow.id,
                    deployment_id=deployment.id if i == 0 else None,
                    parameters=params,
                    tags=["interop", tag, f"run-{i}"],
                    labels={"run": i},
                    context={"k": [tag, i]},
                    idempotency_key=f"idem-{tag}-{i}",
                    state=states.Scheduled(scheduled_time=start),
                ),
            )
            runs.append(run_)
        ids["flow_run_ids"] = [r.id for r in runs]

        for proposed in (states.Pending(), states.Running()):
            result = await models.flow_runs.set_flow_run_state(
                session=session, flow_run_id=runs[0].id, state=proposed, flow_policy=CoreFlowPolicy
            )
            expect_equal(str(result.status.value), "ACCEPT", f"orchestrating flow run 0 to {proposed.type.value}")

        task_run = await models.task_runs.create_task_run(
            session=session,
            task_run=core.TaskRun(
                flow_run_id=runs[0].id,
                task_key=f"interop-task-{tag}",
                dynamic_key="0",
                name=f"interop-task-run-{tag}",
                tags=["interop"],
                state=states.Running(),
            ),
        )
        ids["task_run_id"] = task_run.id

        await models.logs.create_logs(
            session=session,
            logs=[
                actions.LogCreate(
                    name="interop.logger",
                    level=20 + i * 10,
                    message=f"interop log {tag} #{i}: {'needle' if i == 1 else 'hay'} ✓",
                    timestamp=LOG_TIME - dt.timedelta(seconds=i),
                    flow_run_id=runs[0].id,
                    task_run_id=task_run.id if i == 2 else None,
                )
                for i in range(3)
            ],
        )

        variable = await models.variables.create_variable(
            session=session,
            variable=actions.VariableCreate(name=f"interop_var_{tag}", value={"json": [1, "two", None]}, tags=["interop"]),
        )
        ids["variable_id"] = variable.id

        artifact = await models.artifacts.create_artifact(
            session=session,
            artifact=core.Artifact(key=f"interop-artifact-{tag}", type="markdown", data="# hello", flow_run_id=runs[0].id),
        )
        ids["artifact_id"] = artifact.id

        limit = await models.concurrency_limits_v2.create_concurrency_limit(
            session=session,
            concurrency_limit=actions.ConcurrencyLimitV2Create(name=f"interop-limit-{tag}", limit=3),
        )
        ids["concurrency_limit_id"] = limit.id

        block_type = await models.block_types.create_block_type(
            session=session,
            block_type=core.BlockType(name=f"Interop Block {tag}", slug=f"interop-block-{tag}"),
        )
        expect(block_type is not None, "create_block_type returned None")
        block_schema = await models.block_schemas.create_block_schema(
            session=session,
            block_schema=actions.BlockSchemaCreate(
                fields={
                    "title": f"Interop Block {tag}",
                    "type": "object",
                    "properties": {"secret_value": {"type": "string"}, "count": {"type": "integer"}},
                    "block_type_slug": f"interop-block-{tag}",
                    "secret_fields": [],
                    "block_schema_references": {},
                },
                block_type_id=block_type.id,
                capabilities=["interop"],
            ),
        )
        block_document = await models.block_documents.create_block_document(
            session=session,
            block_document=actions.BlockDocumentCreate(
                name=f"interop-doc-{tag}",
                data={"secret_value": "s3cr3t ✓", "count": 42},
                block_schema_id=block_schema.id,
                block_type_id=block_type.id,
            ),
        )
        ids["block_document_id"] = block_document.id
    await dispose_prefect_engines()
    return ids


async def verify_dataset(ids: dict[str, Any]) -> str:
    """Reads back everything write_dataset wrote, through Prefect's models, and compares."""
    from prefect.server import models, schemas
    from prefect.server.schemas import filters, sorting

    tag = ids["tag"]
    db = provide_db()
    async with db.session_context() as session:
        flow = await models.flows.read_flow(session=session, flow_id=ids["flow_id"])
        expect(flow is not None, f"flow {ids['flow_id']} not found")
        expect_equal(flow.name, f"interop-flow-{tag}", "flow.name")
        expect_equal(sorted(flow.tags), sorted(["interop", tag]), "flow.tags")
        expect_equal(dict(flow.labels or {}), {"team": "flowdb", "n": 7}, "flow.labels")
        expect(as_utc(flow.created) is not None, "flow.created is null")

        run0 = await models.flow_runs.read_flow_run(session=session, flow_run_id=ids["flow_run_ids"][0])
        expect(run0 is not None, "flow run 0 not found")
        expect_equal(run0.parameters, PARAMETERS, "flow_run.parameters (JSON round trip)")
        expect_equal(run0.context, {"k": [tag, 0]}, "flow_run.context")
        expect_equal(run0.state_type.value, "RUNNING", "flow_run.state_type")
        expect_equal(as_utc(run0.expected_start_time), EXPECTED_START, "flow_run.expected_start_time (microseconds, UTC)")
        expect(run0.start_time is not None, "flow_run.start_time not set by the orchestration rules")
        expect_equal(run0.run_count, 1, "flow_run.run_count")
        expect_equal(run0.deployment_id, ids["deployment_id"], "flow_run.deployment_id")

        history = await models.flow_run_states.read_flow_run_states(session=session, flow_run_id=run0.id)
        expect_equal([s.type.value for s in history], ["SCHEDULED", "PENDING", "RUNNING"], "flow run state history")
        expect_equal(as_utc(history[0].state_details.scheduled_time), EXPECTED_START, "state_details.scheduled_time (JSON timestamp)")
        times = [as_utc(s.timestamp) for s in history]
        expect(times == sorted(times), f"state timestamps not increasing: {times}")

        run2 = await models.flow_runs.read_flow_run(session=session, flow_run_id=ids["flow_run_ids"][2])
        expect_equal(as_utc(run2.expected_start_time), OFFSET_START.astimezone(UTC), "expected_start_time given at +05:30")

        # Filters and sorting, as the UI and the API issue them.
        by_tag = await models.flow_runs.read_flow_runs(
            session=session,
            flow_run_filter=filters.FlowRunFilter(tags=filters.FlowRunFilterTags(all_=["interop", tag])),
            sort=sorting.FlowRunSort.EXPECTED_START_TIME_ASC,
        )
        expect_equal([r.id for r in by_tag], [ids["flow_run_ids"][i] for i in (0, 2, 1)], "flow runs by tags, EXPECTED_START_TIME_ASC")
        by_state = await models.flow_runs.read_flow_runs(
            session=session,
            flow_filter=filters.FlowFilter(name=filters.FlowFilterName(any_=[f"interop-flow-{tag}"])),
            flow_run_filter=filters.FlowRunFilter(
                state=filters.FlowRunFilterState(type=filters.FlowRunFilterStateType(any_=[schemas.states.StateType.SCHEDULED]))
            ),
        )
        expect_equal(sorted(r.id for r in by_state), sorted(ids["flow_run_ids"][1:]), "SCHEDULED flow runs of the flow")
        window = await models.flow_runs.read_flow_runs(
            session=session,
            flow_run_filter=filters.FlowRunFilter(
                tags=filters.FlowRunFilterTags(all_=[tag]),
                expected_start_time=filters.FlowRunFilterExpectedStartTime(
                    after_=EXPECTED_START - dt.timedelta(microseconds=1), before_=EXPECTED_START + dt.timedelta(microseconds=1)
                ),
            ),
        )
        expect_equal([r.id for r in window], [ids["flow_run_ids"][0]], "flow runs in a 2 µs expected_start_time window")
        by_any_tag = await models.flow_runs.count_flow_runs(
            session=session,
            flow_run_filter=filters.FlowRunFilter(tags=filters.FlowRunFilterTags(any_=["run-1", "run-2", "no-such-tag"]), id=filters.FlowRunFilterId(any_=ids["flow_run_ids"])),
        )
        expect_equal(by_any_tag, 2, "count of flow runs with any of the tags run-1/run-2")

        deployment = await models.deployments.read_deployment(session=session, deployment_id=ids["deployment_id"])
        expect(deployment is not None, "deployment not found")
        expect_equal(deployment.parameters, {"x": 1, "y": [1, 2]}, "deployment.parameters")
        expect_equal(deployment.job_variables, {"env": {"A": "b"}}, "deployment.job_variables")
        deployments = await models.deployments.read_deployments(
            session=session, deployment_filter=filters.DeploymentFilter(tags=filters.DeploymentFilterTags(all_=[tag]))
        )
        expect_equal([d.id for d in deployments], [ids["deployment_id"]], "deployments by tag")

        task_run = await models.task_runs.read_task_run(session=session, task_run_id=ids["task_run_id"])
        expect(task_run is not None and task_run.state_type.value == "RUNNING", f"task run state: {task_run and task_run.state_type}")

        logs = await models.logs.read_logs(
            session=session,
            log_filter=filters.LogFilter(flow_run_id=filters.LogFilterFlowRunId(any_=[run0.id])),
            sort=sorting.LogSort.TIMESTAMP_ASC,
        )
        expect_equal([log.level for log in logs], [40, 30, 20], "log levels ordered by timestamp")
        expect_equal(as_utc(logs[-1].timestamp), LOG_TIME, "log.timestamp")
        expect_equal(logs[0].task_run_id, ids["task_run_id"], "log.task_run_id")
        needle = await models.logs.read_logs(
            session=session,
            log_filter=filters.LogFilter(
                flow_run_id=filters.LogFilterFlowRunId(any_=[run0.id]), text=filters.LogFilterTextSearch(query="needle")
            ),
        )
        expect_equal([log.message for log in needle], [f"interop log {tag} #1: needle ✓"], "log text search")

        variable = await models.variables.read_variable(session=session, variable_id=ids["variable_id"])
        expect_equal(variable.value, {"json": [1, "two", None]}, "variable.value")

        artifacts = await models.artifacts.read_artifacts(
            session=session, artifact_filter=filters.ArtifactFilter(key=filters.ArtifactFilterKey(any_=[f"interop-artifact-{tag}"]))
        )
        expect_equal([a.data for a in artifacts], ["# hello"], "artifact data")

        limit = await models.concurrency_limits_v2.read_concurrency_limit(session=session, concurrency_limit_id=ids["concurrency_limit_id"])
        expect(limit is not None and limit.limit == 3, "concurrency limit v2 not read back")

        pool = await models.workers.read_work_pool(session=session, work_pool_id=ids["work_pool_id"])
        expect(pool is not None and pool.name == f"interop-pool-{tag}", "work pool not read back")
        queues = await models.workers.read_work_queues(session=session, work_pool_id=pool.id)
        expect_equal([q.name for q in queues], ["default"], "work pool's default queue")

        document = await models.block_documents.read_block_document_by_id(
            session=session, block_document_id=ids["block_document_id"], include_secrets=True
        )
        expect(document is not None, "block document not found")
        expect_equal(document.data, {"secret_value": "s3cr3t ✓", "count": 42}, "block document data (decrypted)")
    await dispose_prefect_engines()
    return "flow, 3 flow runs (+ state history), deployment, task run, logs, variable, artifact, limit, work pool, block document"


async def finish_run(ids: dict[str, Any]) -> str:
    """Drives flow run 0 Running -> Completed through the core policy, reads it back."""
    from prefect.server import models
    from prefect.server.orchestration.core_policy import CoreFlowPolicy
    from prefect.server.schemas import states

    db = provide_db()
    async with db.session_context(begin_transaction=True) as session:
        result = await models.flow_runs.set_flow_run_state(
            session=session, flow_run_id=ids["flow_run_ids"][0], state=states.Completed(), flow_policy=CoreFlowPolicy
        )
        expect_equal(str(result.status.value), "ACCEPT", "orchestrating flow run 0 to COMPLETED")
    await dispose_prefect_engines()
    async with provide_db().session_context() as session:
        run0 = await models.flow_runs.read_flow_run(session=session, flow_run_id=ids["flow_run_ids"][0])
        expect_equal(run0.state_type.value, "COMPLETED", "flow_run.state_type after completion")
        expect(run0.end_time is not None and as_utc(run0.end_time) >= as_utc(run0.start_time), "end_time not set after start_time")
        expect(run0.total_run_time >= dt.timedelta(0), "total_run_time negative")
    await dispose_prefect_engines()
    return "RUNNING -> COMPLETED accepted, end_time/total_run_time set"


async def api_roundtrip() -> str:
    """Prefect's REST API in-process (ASGI), against this database."""
    import httpx
    from asgi_lifespan import LifespanManager

    from prefect.server.api.server import create_app

    # webserver_only: the API and its startup (block registration) without the background
    # services. In ephemeral mode the event persister and friends write to the database while
    # the API does, and on SQLite Prefect then fails ~1 request in 6 with "database is locked"
    # (SQLITE_BUSY on a deferred transaction's write upgrade) whoever built the database: seen
    # as often on a database Prefect migrated itself, so not what this test is about.
    app = create_app(webserver_only=True, ignore_cache=True)
    notes = []
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://interop/api", timeout=60) as client:

            async def call(method: str, path: str, **kwargs: Any) -> Any:
                response = await client.request(method, path, **kwargs)
                if response.status_code >= 300:
                    raise StepFailed(f"{method} /api{path} -> HTTP {response.status_code}: {response.text[:2000]}")
                return response.json() if response.content else None

            expect_equal(await call("GET", "/health"), True, "GET /health")
            ready = await client.get("/ready")
            expect(ready.status_code == 200, f"GET /ready -> {ready.status_code}: {ready.text[:500]}")
            flow = await call("POST", "/flows/", json={"name": "api-flow", "tags": ["api"]})
            run_ = await call(
                "POST",
                "/flow_runs/",
                json={
                    "flow_id": flow["id"],
                    "name": "api-run",
                    "parameters": PARAMETERS,
                    "tags": ["api"],
                    "state": {"type": "SCHEDULED", "state_details": {"scheduled_time": EXPECTED_START.isoformat()}},
                },
            )
            state = await call("POST", f"/flow_runs/{run_['id']}/set_state", json={"state": {"type": "PENDING"}})
            expect_equal(state["status"], "ACCEPT", "set_state PENDING via API")
            state = await call("POST", f"/flow_runs/{run_['id']}/set_state", json={"state": {"type": "RUNNING"}})
            expect_equal(state["status"], "ACCEPT", "set_state RUNNING via API")
            found = await call(
                "POST",
                "/flow_runs/filter",
                json={"flows": {"name": {"any_": ["api-flow"]}}, "flow_runs": {"tags": {"all_": ["api"]}}},
            )
            expect_equal([r["id"] for r in found], [run_["id"]], "POST /flow_runs/filter")
            expect_equal(found[0]["parameters"], PARAMETERS, "flow run parameters via API")
            expect_equal(found[0]["state_type"], "RUNNING", "flow run state via API")
            expect_equal(
                dt.datetime.fromisoformat(found[0]["expected_start_time"].replace("Z", "+00:00")).astimezone(UTC),
                EXPECTED_START,
                "expected_start_time via API",
            )
            counted = await call("POST", "/flow_runs/count", json={"flow_runs": {"tags": {"all_": ["api"]}}})
            expect_equal(counted, 1, "POST /flow_runs/count")
            history = await call("GET", "/flow_run_states/", params={"flow_run_id": run_["id"]})
            expect_equal([s["type"] for s in history], ["SCHEDULED", "PENDING", "RUNNING"], "GET /flow_run_states/")
            block_types = await call("POST", "/block_types/filter", json={})
            slugs = {b["slug"] for b in block_types}
            notes.append(f"{len(slugs)} block types registered at startup")
            expect("secret" in slugs, f"block type 'secret' not registered at startup (got {sorted(slugs)[:20]})")
            secret_type_id = next(b["id"] for b in block_types if b["slug"] == "secret")
            secret_schema = await call(
                "POST", "/block_schemas/filter", json={"block_schemas": {"block_type_id": {"any_": [secret_type_id]}}}
            )
            expect(secret_schema, "no block schema for 'secret'")
            doc = await call(
                "POST",
                "/block_documents/",
                json={
                    "name": "api-secret",
                    "data": {"value": "api-s3cr3t"},
                    "block_schema_id": secret_schema[0]["id"],
                    "block_type_id": secret_schema[0]["block_type_id"],
                },
            )
            read = await call("GET", f"/block_documents/{doc['id']}", params={"include_secrets": "true"})
            expect_equal(read["data"], {"value": "api-s3cr3t"}, "secret block document via API")
            variable = await call("POST", "/variables/", json={"name": "api_var", "value": {"a": [1, 2]}})
            read = await call("GET", f"/variables/name/{variable['name']}")
            expect_equal(read["value"], {"a": [1, 2]}, "variable via API")
    await dispose_prefect_engines()
    return "health, ready, flows, flow_runs (create/set_state/filter/count), flow_run_states, block types/schemas/documents, variables; " + "; ".join(notes)


# --------------------------------------------------------------------------------------------
# scenarios


def check_clean(flowdb: Flowdb, when: str) -> str:
    proc = flowdb.check()
    if proc.returncode == 6:
        raise StepFailed(f"flowdb reports schema drift {when} (exit 6):\n" + describe(proc))
    if proc.returncode != 0:
        raise StepFailed(f"flowdb database check failed {when}:\n" + describe(proc))
    return proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else "exit 0"


def sqlite_path(url: str) -> Path:
    return Path(url.split(":///", 1)[1])


def sqlite_file_is_self_contained(url: str, expect_tables: list[str], who: str) -> str:
    """After `who` exited, does the database file hold its work by itself, as Prefect's CLI
    leaves it, or is part of it still only in the `-wal` file (never checkpointed because the
    last connection was not closed)? Inspects a copy of the main file alone, so the database
    itself is not touched (opening it would checkpoint the WAL)."""
    import shutil
    import sqlite3

    path = sqlite_path(url)
    wal = Path(f"{path}-wal")
    wal_size = wal.stat().st_size if wal.exists() else 0
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "main-file-only.db"
        shutil.copyfile(path, copy)
        conn = sqlite3.connect(copy)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    missing = [t for t in expect_tables if t not in tables]
    if wal_size or missing:
        raise StepFailed(
            f"after {who} exited, {wal.name} is {wal_size} bytes and {path.name}-shm "
            f"{'exists' if Path(f'{path}-shm').exists() else 'does not exist'}: the last connection was not closed, so SQLite never "
            f"checkpointed the WAL into {path.name}.\n"
            f"{path.name} alone ({path.stat().st_size} bytes) has {len(tables)} table(s); missing from it: "
            f"{', '.join(missing) if missing else 'none'}.\n"
            "The data is not lost (the next connection replays the WAL, and Prefect reads it), but a copy of the "
            ".db file alone (backup, scp, image layer) lacks it; Prefect's own `prefect server database upgrade` "
            "leaves a self-contained .db file and no -wal/-shm."
        )
    return f"{path.name} holds {len(tables)} tables by itself, no WAL left behind"


def upgrade_is_noop(flowdb: Flowdb) -> str:
    proc = flowdb.upgrade()
    expect(proc.returncode == 0, "flowdb database upgrade failed:\n" + describe(proc))
    n = applied_count(proc)
    expect(n == 0, f"flowdb database upgrade applied {n} migration(s) on a database at head:\n" + describe(proc))
    return "0 applied"


def check_current_at_head(flowdb: Flowdb, dialect: str) -> str:
    current = flowdb.current()
    status = current.get("status", {})
    expect_equal(status.get("pending"), [], "flowdb current: pending migrations")
    expect(status.get("current") == status.get("head") and status.get("head"), f"flowdb current: current {status.get('current')!r} != head {status.get('head')!r}")
    expect_equal(status.get("alembic_revision"), ALEMBIC_HEADS[dialect], "flowdb current: alembic_revision")
    expect(status.get("applied"), "flowdb current: nothing recorded as applied")
    return f"current={status['current']} head={status['head']} alembic={status['alembic_revision']} recorded={len(status['applied'])}"


async def use_database(url: str, home: Path) -> None:
    """Points this process's Prefect at `url` (and a PREFECT_HOME of its own), as a fresh
    server process would see it: settings re-read from the environment, no engine cached."""
    import prefect.context

    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL

    await dispose_prefect_engines()
    home.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        {
            "PREFECT_HOME": str(home),
            "PREFECT_API_DATABASE_CONNECTION_URL": url,
            "PREFECT_SERVER_DATABASE_CONNECTION_URL": url,
        }
    )
    prefect.context.refresh_global_settings_context()
    expect_equal(PREFECT_API_DATABASE_CONNECTION_URL.value(), url, "Prefect's database URL setting")


async def scenario_prefect_first(args: argparse.Namespace, rep: Reporter, url: str, shared: dict[str, Any]) -> None:
    """Leaves the schema snapshot of what Prefect's migrations built in shared["prefect_schema"]
    (as soon as it is taken, so that flowdb-first compares with it even if a later step fails)."""
    flowdb = Flowdb(args.flowdb, url)
    head = ALEMBIC_HEADS[args.dialect]
    snapshots: dict[str, Any] = {}
    await use_database(url, args.work / f"{args.dialect}-prefect-first-home")

    async def prefect_migrates() -> str:
        # What `prefect server start` runs with migrate-on-start, and what `prefect server
        # database upgrade` runs (both end in alembic_upgrade); the CLI itself is run in
        # flowdb-first.
        with CaptureAlembic() as captured:
            await provide_db().create_db()
        await dispose_prefect_engines()
        ran = [m for m in captured.messages if m.startswith("Running upgrade")]
        snap = await schema_snapshot(url, args.dialect)
        expect_equal(snap["alembic_version"], [head], "alembic_version after Prefect's migration")
        expect(BOOKKEEPING_TABLE not in snap["tables"], f"{BOOKKEEPING_TABLE} present before flowdb ran")
        snapshots["prefect"] = snap
        shared["prefect_schema"] = snap
        return f"{len(ran)} alembic revisions, alembic_version={head}, {len(snap['tables'])} tables"

    await step(rep, "prefect migrates the empty database to head (alembic)", prefect_migrates)
    ids = await step(rep, "prefect models write a data set before adoption", lambda: write_dataset("before"))

    def flowdb_adopts() -> str:
        proc = flowdb.upgrade()
        expect(proc.returncode == 0, "flowdb database upgrade failed on a Prefect-migrated database:\n" + describe(proc))
        n = applied_count(proc)
        expect(n == 0, f"flowdb applied {n} migration(s) on a database Prefect migrated to head (expected adoption, 0 applied)\n" + describe(proc))
        return proc.stdout.strip().splitlines()[-1]

    await step(rep, "flowdb database upgrade adopts it (0 applied)", flowdb_adopts)
    if args.dialect == "sqlite":
        await step(
            rep,
            "the .db file is self-contained after flowdb exits",
            lambda: sqlite_file_is_self_contained(url, [BOOKKEEPING_TABLE], "flowdb database upgrade"),
        )
    await step(rep, "flowdb database current: at head, Prefect's revision kept", lambda: check_current_at_head(flowdb, args.dialect))

    async def no_ddl() -> str:
        after = await schema_snapshot(url, args.dialect)
        expect(BOOKKEEPING_TABLE in after["tables"], f"{BOOKKEEPING_TABLE} not created by adoption")
        diff = diff_snapshots(snapshots["prefect"], after, "before adoption", "after adoption")
        expect(not diff, "adoption changed Prefect's schema:\n" + "\n".join(diff))
        return f"schema identical apart from the new {BOOKKEEPING_TABLE}"

    await step(rep, "adoption ran no DDL on Prefect's schema", no_ddl, fatal=False)
    await step(rep, "flowdb database check: no drift", lambda: check_clean(flowdb, "on a Prefect-migrated database"), fatal=False)
    await step(rep, "flowdb database upgrade again is a no-op", lambda: upgrade_is_noop(flowdb))
    await step(rep, "a fresh Prefect engine reads the data set back", lambda: verify_dataset(ids))
    await step(rep, "prefect orchestrates an existing run to COMPLETED", lambda: finish_run(ids))
    ids_after = await step(rep, "prefect models write a second data set", lambda: write_dataset("after"))
    await step(rep, "a fresh Prefect engine reads the second data set back", lambda: verify_dataset(ids_after))
    await step(rep, "prefect startup migration (create_db) is a no-op", prefect_startup_migration_is_noop)

    async def schema_kept() -> str:
        final = await schema_snapshot(url, args.dialect)
        diff = diff_snapshots(snapshots["prefect"], final, "as Prefect built it", "at the end")
        expect(not diff, "the schema changed during the scenario:\n" + "\n".join(diff))
        return "identical to what Prefect built"

    await step(rep, "schema unchanged after all of the above", schema_kept, fatal=False)


async def scenario_flowdb_first(args: argparse.Namespace, rep: Reporter, url: str, prefect_schema: dict[str, Any] | None) -> None:
    flowdb = Flowdb(args.flowdb, url)
    head = ALEMBIC_HEADS[args.dialect]
    snapshots: dict[str, Any] = {}
    await use_database(url, args.work / f"{args.dialect}-flowdb-first-home")

    def flowdb_creates() -> str:
        proc = flowdb.upgrade()
        expect(proc.returncode == 0, "flowdb database upgrade failed on an empty database:\n" + describe(proc))
        n = applied_count(proc)
        expect(n > 0, "flowdb applied nothing on an empty database\n" + describe(proc))
        return proc.stdout.strip().splitlines()[-1]

    await step(rep, "flowdb database upgrade (empty database -> head)", flowdb_creates)
    if args.dialect == "sqlite":
        # before anything else opens the database (closing the last connection checkpoints)
        expected = sorted(prefect_schema["tables"]) if prefect_schema else ["alembic_version", "flow", "flow_run"]
        await step(
            rep,
            "the .db file is self-contained after flowdb exits",
            lambda: sqlite_file_is_self_contained(url, expected + [BOOKKEEPING_TABLE], "flowdb database upgrade"),
        )

    async def flowdb_schema() -> str:
        snap = await schema_snapshot(url, args.dialect)
        expect_equal(snap["alembic_version"], [head], "alembic_version stamped by flowdb")
        snapshots["flowdb"] = snap
        return f"alembic_version={head}, {len(snap['tables'])} tables"

    await step(rep, "flowdb stamped Prefect's alembic head", flowdb_schema)
    await step(rep, "flowdb database current: at head", lambda: check_current_at_head(flowdb, args.dialect))

    async def prefect_noop() -> str:
        proc = prefect_cli_upgrade(args.prefect_bin)
        expect(proc.returncode == 0, "`prefect server database upgrade -y` failed on a flowdb-built database:\n" + describe(proc))
        after = await schema_snapshot(url, args.dialect)
        diff = diff_snapshots(snapshots["flowdb"], after, "before Prefect's upgrade", "after Prefect's upgrade")
        expect(not diff, "Prefect's migration changed a flowdb-built database (it should be at head):\n" + "\n".join(diff))
        return "exit 0, schema and alembic_version unchanged"

    await step(rep, "prefect server database upgrade -y is a no-op", prefect_noop)

    async def alembic_at_head() -> str:
        from prefect.utilities.asyncutils import run_sync_in_worker_thread

        heads = alembic_script_heads()
        expect_equal(heads, [head], "Prefect's alembic script heads")
        # env.py runs the async part from a worker thread, as Prefect's CLI does.
        out = await run_sync_in_worker_thread(alembic_current_output)
        await dispose_prefect_engines()
        expect(out == f"{head} (head)", f"`alembic current` through Prefect's config printed {out!r}, expected '{head} (head)'")
        return f"alembic current: {out}"

    await step(rep, "alembic current reports head", alembic_at_head)

    if prefect_schema is None:
        if args.prefect_first:
            rep.line("SKIP", "schema equals the one Prefect's migrations built", "prefect-first produced no schema to compare with", 0.0)
    else:

        def same_schema() -> str:
            diff = diff_snapshots(prefect_schema, snapshots["flowdb"], "Prefect-migrated", "flowdb-built")
            expect(not diff, f"{len(diff)} difference(s) between the schema Prefect's migrations build and flowdb's (SQLAlchemy inspector):\n" + "\n".join(diff))
            return f"{len(snapshot_lines(prefect_schema))} schema facts identical (tables, columns, types, defaults, keys, indexes, checks)"

        await step(rep, "schema equals the one Prefect's migrations built", same_schema, fatal=False)

    await step(rep, "prefect startup migration (create_db) is a no-op", prefect_startup_migration_is_noop)
    ids = await step(rep, "prefect models write a data set", lambda: write_dataset("flowdb"))
    await step(rep, "prefect models read back, filter and sort it", lambda: verify_dataset(ids))
    await step(rep, "prefect orchestrates a run to COMPLETED", lambda: finish_run(ids))
    if not args.no_api:
        await step(rep, "prefect REST API in-process (ASGI) against the database", api_roundtrip)
    await step(rep, "flowdb database check after Prefect's writes: no drift", lambda: check_clean(flowdb, "after Prefect wrote rows"), fatal=False)
    await step(rep, "flowdb database upgrade is still a no-op", lambda: upgrade_is_noop(flowdb))


# --------------------------------------------------------------------------------------------
# PostgreSQL administration for the driver script (no Prefect import: asyncpg and SQLAlchemy's
# URL parser, both installed with Prefect)

DB_NAME_RE = re.compile(r"^flowdb_interop_[0-9]+_[0-9]+$")


def database_url(admin_url: str, name: str, driver: str = "postgresql+asyncpg") -> str:
    """The URL of database `name` on the server of `admin_url` (same credentials, host, port)."""
    from sqlalchemy.engine import make_url

    url = make_url(admin_url).set(drivername=driver, database=name)
    return url.render_as_string(hide_password=False)


async def _pg_admin(admin_url: str, statements: list[str]) -> None:
    import asyncpg

    from sqlalchemy.engine import make_url

    url = make_url(admin_url)
    conn = await asyncpg.connect(
        host=url.host or "localhost",
        port=url.port or 5432,
        user=url.username or "postgres",
        password=url.password,
        database=url.database or "postgres",
        timeout=10,
    )
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


def pg_admin_main(args: argparse.Namespace) -> int:
    if args.command == "pg-url":
        print(database_url(args.admin_url, args.name))
        return 0
    if args.command == "pg-ping":
        try:
            asyncio.run(_pg_admin(args.admin_url, ["SELECT 1"]))
        except Exception as exc:
            print(f"cannot connect to PostgreSQL at {args.admin_url}: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
        return 0
    # Only databases named like this script's own are ever created or dropped.
    for name in args.names:
        if not DB_NAME_RE.match(name):
            print(f"refusing to touch database {name!r}: not a flowdb_interop_<pid>_<n> name", file=sys.stderr)
            return 2
    if args.command == "pg-create":
        statements = [f'CREATE DATABASE "{name}"' for name in args.names]
    else:
        statements = []
        for name in args.names:
            statements += [
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()",
                f'DROP DATABASE IF EXISTS "{name}"',
            ]
    try:
        asyncio.run(_pg_admin(args.admin_url, statements))
    except Exception as exc:
        print(f"{args.command} {' '.join(args.names)} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------------------------
# entry point


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    run_ = commands.add_parser("run", help="run the scenarios of one dialect, each on an EMPTY database")
    run_.add_argument("--flowdb", required=True, help="path of the flowdb binary")
    run_.add_argument("--dialect", required=True, choices=sorted(ALEMBIC_HEADS))
    run_.add_argument("--prefect-first", metavar="URL", help="run prefect-first on this empty database (sqlite+aiosqlite / postgresql+asyncpg URL)")
    run_.add_argument("--flowdb-first", metavar="URL", help="run flowdb-first on this empty database")
    run_.add_argument("--work", type=Path, default=None, help="scratch directory (default: a new temporary one)")
    run_.add_argument("--prefect-bin", default=str(Path(sys.executable).with_name("prefect")))
    run_.add_argument("--no-api", action="store_true", help="skip the in-process REST API step")

    for name, text in (("pg-create", "create databases"), ("pg-drop", "drop databases (terminating their sessions)")):
        sub = commands.add_parser(name, help=text)
        sub.add_argument("--admin-url", required=True)
        sub.add_argument("names", nargs="+")
    sub = commands.add_parser("pg-url", help="print the asyncpg URL of a database on the admin URL's server")
    sub.add_argument("--admin-url", required=True)
    sub.add_argument("name")
    sub = commands.add_parser("pg-ping", help="exit 0 when the admin URL accepts connections")
    sub.add_argument("--admin-url", required=True)
    return parser.parse_args(argv)


def configure_prefect_environment() -> None:
    os.environ.update(
        {
            "PREFECT_SERVER_DATABASE_MIGRATE_ON_START": "false",
            "PREFECT_API_DATABASE_MIGRATE_ON_START": "false",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_UI_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false",
            # register the block types at API startup every time (the memo is per PREFECT_HOME)
            "PREFECT_MEMOIZE_BLOCK_AUTO_REGISTRATION": "false",
            "PREFECT_SERVER_LOGGING_LEVEL": os.environ.get("PREFECT_SERVER_LOGGING_LEVEL", "WARNING"),
            "PREFECT_LOGGING_LEVEL": os.environ.get("PREFECT_LOGGING_LEVEL", "WARNING"),
        }
    )
    for name in ("PREFECT_PROFILES_PATH", "PREFECT_API_URL", "PREFECT_API_KEY", "PREFECT_PROFILE"):
        os.environ.pop(name, None)


async def run_dialect(args: argparse.Namespace) -> bool:
    ok = True
    shared: dict[str, Any] = {}
    if args.prefect_first:
        rep = Reporter(f"{args.dialect} prefect-first")
        started = time.monotonic()
        try:
            await scenario_prefect_first(args, rep, args.prefect_first, shared)
        except StepFailed:
            pass
        ok &= summary(rep, started)
    if args.flowdb_first:
        rep = Reporter(f"{args.dialect} flowdb-first")
        started = time.monotonic()
        try:
            await scenario_flowdb_first(args, rep, args.flowdb_first, shared.get("prefect_schema"))
        except StepFailed:
            pass
        ok &= summary(rep, started)
    await dispose_prefect_engines()
    return ok


def summary(rep: Reporter, started: float) -> bool:
    verdict = "PASS" if rep.failed == 0 else "FAIL"
    warned = f", {rep.warnings} warning(s)" if rep.warnings else ""
    sys.stdout.write(f"{verdict} [{rep.label}] scenario: {rep.passed} step(s) passed, {rep.failed} failed{warned} ({time.monotonic() - started:.1f}s)\n")
    sys.stdout.flush()
    return rep.failed == 0


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.command != "run":
        return pg_admin_main(args)
    if not (args.prefect_first or args.flowdb_first):
        print("run: give --prefect-first URL and/or --flowdb-first URL", file=sys.stderr)
        return 2
    if args.work is None:
        args.work = Path(tempfile.mkdtemp(prefix="prefect-interop-"))
    args.work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_HOME", str(args.work / f"{args.dialect}-prefect-home"))
    configure_prefect_environment()

    started = time.monotonic()
    import prefect

    if prefect.__version__ != PREFECT_VERSION:
        print(f"FAIL [{args.dialect}] prefect version: expected {PREFECT_VERSION}, imported {prefect.__version__} from {prefect.__file__}")
        return 1
    sys.stdout.write(f"INFO [{args.dialect}] prefect {prefect.__version__} imported from {Path(prefect.__file__).parent} ({time.monotonic() - started:.1f}s)\n")
    return 0 if asyncio.run(run_dialect(args)) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
