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
  hot-path       on a Prefect-migrated database (prefect-first's, when the same URL is given),
                 Prefect's models write a seeded-random data set; then, case by case, flowdb's
                 query components (`flowdb query run`) are compared with the Prefect functions
                 they re-implement (worker and work-queue polls, read/count_flow_runs, run
                 history, graph v2, configuration values), and states are set by flowdb and
                 read and orchestrated on by Prefect (models and REST API), and the reverse.
                 Each family of cases is one step; a case marked KNOWN (a recorded flowdb bug,
                 `# KNOWN:` comments) makes its step WARN instead of FAIL.
  template-fuzz  on a database `flowdb database upgrade` built, many seeded-random data sets
                 written by Prefect's ORM, and for each many random arguments of the worker poll
                 and the work-queue poll: Prefect's query and flowdb's component must return the
                 same runs in the same order of sort keys (scripts/prefect_template_fuzz.py).

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
# hot-path: flowdb's query components (tier 2) return what Prefect's own functions return
#
# On a database Prefect's alembic migration built, Prefect's models write a seeded-random data
# set (pools, queues, deployments, ~150 flow runs in every state type, subflows, task runs with
# inputs, artifacts, a configuration row). Then, case by case, Prefect's function and `flowdb
# query run` are called with the same arguments and their answers compared. Each family of
# cases is one step; a case that disagrees is listed with both answers. A case marked KNOWN is
# a recorded flowdb bug: it is reported as WARN (with its evidence) instead of FAIL, and a KNOWN
# case that starts to agree is reported too, so that the mark gets removed.

HOT_PATH_SEED = 20260301
IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
HOT_PATH_RUNS = 130  # plus the scheduler's, the graph's and the state-interchange runs: ~155
TERMINAL_TYPES = {"COMPLETED", "FAILED", "CANCELLED", "CRASHED"}
FLOW_RUN_SORTS = [
    "ID_DESC",
    "START_TIME_ASC",
    "START_TIME_DESC",
    "EXPECTED_START_TIME_ASC",
    "EXPECTED_START_TIME_DESC",
    "NAME_ASC",
    "NAME_DESC",
    "NEXT_SCHEDULED_START_TIME_ASC",
    "END_TIME_DESC",
]
# What each sort orders by, read from Prefect's own view of a run (see `run_snapshot`).
SORT_KEYS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "ID_DESC": lambda r: r["id"],
    "START_TIME_ASC": lambda r: r["start_time"] or r["expected_start_time"],
    "START_TIME_DESC": lambda r: r["start_time"] or r["expected_start_time"],
    "EXPECTED_START_TIME_ASC": lambda r: r["expected_start_time"],
    "EXPECTED_START_TIME_DESC": lambda r: r["expected_start_time"],
    "NAME_ASC": lambda r: r["name"],
    "NAME_DESC": lambda r: r["name"],
    "NEXT_SCHEDULED_START_TIME_ASC": lambda r: r["next_scheduled_start_time"],
    "END_TIME_DESC": lambda r: r["end_time"],
}


def to_json_arg(value: Any) -> Any:
    """A Python argument as `flowdb query run --args` takes it: UUIDs and timestamps as text
    (RFC 3339), intervals as seconds."""
    import enum
    import uuid

    if isinstance(value, dict):
        return {k: to_json_arg(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_arg(v) for v in value]
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        expect(value.tzinfo is not None, f"naive timestamp passed to flowdb: {value!r}")
        return value.isoformat()  # RFC 3339, at the offset it was given
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def parse_ts(value: Any) -> dt.datetime | None:
    """A timestamp from flowdb's JSON output: RFC 3339 as documented, or (KNOWN, see
    `hot_path_output_types`) Prefect's SQLite storage text, UTC without an offset."""
    if value is None:
        return None
    expect(isinstance(value, str), f"flowdb timestamp is not text: {value!r}")
    parsed = dt.datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


SQLITE_EPOCH = dt.datetime(1970, 1, 1)


def parse_interval(value: Any) -> dt.timedelta | None:
    """An interval from flowdb's JSON output: seconds as documented, or (KNOWN) Prefect's SQLite
    storage text, a timestamp from 1970-01-01."""
    if value is None:
        return None
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value).replace(tzinfo=None) - SQLITE_EPOCH
    return dt.timedelta(seconds=float(value))


def parse_json(value: Any) -> Any:
    """A JSON column from flowdb's JSON output: parsed as documented, or (KNOWN) the text."""
    return json.loads(value) if isinstance(value, str) else value


def is_rfc3339(value: Any) -> bool:
    return isinstance(value, str) and bool(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", value))


def parse_uuid(value: Any) -> Any:
    import uuid

    return None if value is None else uuid.UUID(str(value))


def parse_uuid_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, str):  # a JSON array left as text
        value = json.loads(value)
    return [parse_uuid(v) for v in value]


class FlowdbQuery:
    """`flowdb query run NAME --args JSON --url URL --json`, parsed."""

    def __init__(self, binary: str, url: str) -> None:
        self.binary = binary
        self.url = url
        self.calls = 0

    def command(self, name: str, args: dict[str, Any]) -> list[str]:
        return [self.binary, "query", "run", name, "--args", json.dumps(to_json_arg(args)), "--url", self.url, "--json"]

    def __call__(self, name: str, args: dict[str, Any]) -> dict[str, Any]:
        proc = run(self.command(name, args), timeout=120)
        self.calls += 1
        if proc.returncode != 0:
            raise StepFailed(f"flowdb query run {name} failed\n" + describe(proc))
        try:
            return json.loads(proc.stdout)
        except ValueError as exc:
            raise StepFailed(f"flowdb query run {name}: output is not JSON ({exc})\n" + describe(proc)) from exc

    def rows(self, name: str, args: dict[str, Any]) -> list[dict[str, Any]]:
        doc = self(name, args)
        expect(isinstance(doc.get("rows"), list), f"flowdb query run {name}: no rows list in {str(doc)[:500]}")
        return doc["rows"]


class Cases:
    """Collects the cases of one step: each case passes, fails (with the evidence), or is a
    recorded flowdb bug (`known`: WARN). The step fails if any case failed."""

    def __init__(self) -> None:
        self.passed: list[str] = []
        self.failed: list[str] = []
        self.known: list[str] = []

    async def check(self, name: str, fn: Callable[[], Any], known: str | None = None) -> None:
        try:
            result = fn()
            if asyncio.iscoroutine(result):
                await result
        except StepFailed as exc:
            if known:
                self.known.append(f"{name}: KNOWN flowdb bug ({known}):\n{_indent(str(exc), '  ')}")
            else:
                self.failed.append(f"{name}:\n{_indent(str(exc), '  ')}")
        except Exception as exc:  # noqa: BLE001 - any error is this case's failure
            self.failed.append(f"{name}: {type(exc).__name__}: {exc}\n{_indent(traceback.format_exc(), '  ')}")
        else:
            if known:
                self.known.append(f"{name}: marked KNOWN ({known}) but flowdb now agrees with Prefect: remove the mark")
            else:
                self.passed.append(name)

    def verdict(self, what: str) -> str:
        total = len(self.passed) + len(self.failed) + len(self.known)
        if self.failed:
            text = f"{len(self.failed)} of {total} {what} case(s) differ:\n" + "\n".join(self.failed)
            if self.known:
                text += "\nand recorded flowdb bugs:\n" + "\n".join(self.known)
            raise StepFailed(text)
        if self.known:
            raise StepWarning(f"{len(self.passed)} of {total} {what} case(s) agree; recorded flowdb bugs:\n" + "\n".join(self.known))
        return f"{total} {what} case(s) agree"


def run_snapshot(run_: Any) -> dict[str, Any]:
    """Prefect's ORM flow run as plain values (what the comparisons read)."""
    policy = run_.empirical_policy
    if hasattr(policy, "model_dump"):
        policy = policy.model_dump(mode="json")
    return {
        "id": run_.id,
        "name": run_.name,
        "flow_id": run_.flow_id,
        "deployment_id": run_.deployment_id,
        "work_queue_id": run_.work_queue_id,
        "work_queue_name": run_.work_queue_name,
        "parent_task_run_id": run_.parent_task_run_id,
        "idempotency_key": run_.idempotency_key,
        "state_id": run_.state_id,
        "state_type": run_.state_type.value if run_.state_type else None,
        "state_name": run_.state_name,
        "state_timestamp": as_utc(run_.state_timestamp),
        "expected_start_time": as_utc(run_.expected_start_time),
        "next_scheduled_start_time": as_utc(run_.next_scheduled_start_time),
        "start_time": as_utc(run_.start_time),
        "end_time": as_utc(run_.end_time),
        "run_count": run_.run_count,
        "total_run_time": run_.total_run_time,
        "tags": list(run_.tags or []),
        "parameters": run_.parameters,
        "empirical_policy": policy,
        "auto_scheduled": run_.auto_scheduled,
    }


def flowdb_run_values(row: dict[str, Any]) -> dict[str, Any]:
    """flowdb's flow_run row in the shape of `run_snapshot`."""
    policy = parse_json(row.get("empirical_policy"))
    tags = parse_json(row.get("tags"))
    params = parse_json(row.get("parameters"))
    return {
        "id": parse_uuid(row.get("id")),
        "name": row.get("name"),
        "flow_id": parse_uuid(row.get("flow_id")),
        "deployment_id": parse_uuid(row.get("deployment_id")),
        "work_queue_id": parse_uuid(row.get("work_queue_id")),
        "work_queue_name": row.get("work_queue_name"),
        "parent_task_run_id": parse_uuid(row.get("parent_task_run_id")),
        "idempotency_key": row.get("idempotency_key"),
        "state_id": parse_uuid(row.get("state_id")),
        "state_type": row.get("state_type"),
        "state_name": row.get("state_name"),
        "state_timestamp": parse_ts(row.get("state_timestamp")),
        "expected_start_time": parse_ts(row.get("expected_start_time")),
        "next_scheduled_start_time": parse_ts(row.get("next_scheduled_start_time")),
        "start_time": parse_ts(row.get("start_time")),
        "end_time": parse_ts(row.get("end_time")),
        "run_count": row.get("run_count"),
        "total_run_time": parse_interval(row.get("total_run_time")),
        "tags": tags,
        "parameters": params,
        "empirical_policy": policy,
        "auto_scheduled": None if row.get("auto_scheduled") is None else bool(row.get("auto_scheduled")),
    }


def compare_run_values(prefect: dict[str, Any], flowdb: dict[str, Any], columns: list[str] | None = None) -> list[str]:
    out = []
    for column in columns or list(prefect):
        a, b = prefect.get(column), flowdb.get(column)
        if column == "total_run_time" and a is not None and b is not None:
            same = abs(a.total_seconds() - b.total_seconds()) < 1e-6
        elif column == "empirical_policy" and isinstance(a, dict) and isinstance(b, dict):
            # compare the keys Prefect's model has; flowdb keeps unknown keys, Prefect adds defaults
            same = all(a.get(k) == b.get(k) for k in ("retry_type", "retries", "retry_delay", "resuming", "pause_keys"))
        else:
            same = a == b
        if not same:
            out.append(f"{column}: Prefect {a!r}, flowdb {b!r}")
    return out


class HotPath:
    """The data set and the helpers the hot-path cases share."""

    def __init__(self, dialect: str, query: FlowdbQuery) -> None:
        self.dialect = dialect
        self.q = query
        self.base: dt.datetime = dt.datetime.now(UTC)
        self.runs: dict[Any, dict[str, Any]] = {}  # id -> run_snapshot, Prefect's view
        self.pools: dict[str, Any] = {}  # key -> id
        self.queues: dict[str, dict[str, Any]] = {}  # key -> {id, name, pool}
        self.flows: list[Any] = []
        self.deployments: list[Any] = []
        self.parent_task_runs: list[Any] = []  # tasks that have subflow runs
        self.parent_flow_runs: list[Any] = []  # the flow runs of those tasks
        self.graph: dict[str, Any] = {}  # graph parent/child run ids, task ids by label
        self.twins: dict[str, Any] = {}  # runs reserved for the state-interchange step
        self.boundaries: list[dt.datetime] = []  # scheduled times of the hp-boundary-N runs

    def label(self, run_id: Any) -> str:
        r = self.runs.get(run_id)
        if r is None:
            return f"{run_id} (not in Prefect's data set)"
        nsst = r["next_scheduled_start_time"]
        return f"{r['name']} [{r['state_name']}{', next ' + nsst.strftime('%H:%M:%S.%f') if nsst else ''}]"

    async def refresh(self) -> None:
        from prefect.server import models

        async with provide_db().session_context() as session:
            runs = await models.flow_runs.read_flow_runs(session=session)
            self.runs = {r.id: run_snapshot(r) for r in runs}


# (key, pool, name, priority, paused): the queues of the data set; each pool's "default" queue
# is the one Prefect creates with the pool.
HOT_PATH_POOLS = [("a", "hp-pool-a", False), ("b", "hp-pool-b", False), ("c", "hp-pool-c", True)]
HOT_PATH_QUEUES = [
    ("a-default", "a", "default", None, False),
    ("a-urgent", "a", "urgent", 1, False),
    ("a-bulk", "a", "bulk", 4, False),
    ("a-paused", "a", "paused-q", None, True),
    ("a-limited", "a", "limited", None, False),
    ("a-shared", "a", "shared", None, False),
    ("b-default", "b", "default", None, False),
    ("b-fast", "b", "fast", 1, False),
    ("b-paused", "b", "paused-q", None, True),
    ("b-limited", "b", "limited-b", None, False),
    ("b-shared", "b", "shared", None, False),
    ("c-default", "c", "default", None, False),
    ("c-q", "c", "c-q", None, False),
]
# kind -> weight for the runs not placed by hand
HOT_PATH_KINDS = {
    "scheduled-future": 18,
    "scheduled-past": 14,
    "late": 6,
    "rescheduled": 4,
    "awaiting-retry": 4,
    "pending": 8,
    "running": 8,
    "retrying": 3,
    "completed": 14,
    "failed": 6,
    "crashed": 3,
    "cancelled-early": 3,
    "cancelled": 3,
    "cancelling": 3,
    "paused": 3,
}
# runs placed by hand so that every limit and pause has something to act on
HOT_PATH_FORCED = (
    [("b-paused", "running")] * 2
    + [("a-limited", "running"), ("a-limited", "pending")]
    + [("a-limited", "scheduled-past")] * 4
    + [("a-limited", "scheduled-future")] * 2
    + [("b-limited", "running")]
    + [("b-limited", "scheduled-past")] * 2
    + [("a-shared", "cancelling")]
    + [("a-shared", "scheduled-past")] * 2
    + [("b-shared", "scheduled-past")] * 3
    + [("b-shared", "running")]
    + [("b-default", "running")]
    + [("b-default", "scheduled-past")] * 3
    + [("b-fast", "scheduled-past")] * 3
    + [("c-q", "scheduled-past")] * 2
    + [("a-paused", "scheduled-past")] * 2
    + [("a-urgent", "scheduled-past")] * 3
    + [("a-bulk", "scheduled-past")] * 3
    + [("a-default", "scheduled-past")] * 2
)
TAG_POOL = ["etl", "ml", "nightly", "adhoc", "critical"]
ACTIVE_KINDS = {"running", "pending", "retrying"}  # final state RUNNING or PENDING


async def hot_path_seed(hp: HotPath, seed: int) -> str:
    """Writes the data set through Prefect's models (in one transaction) and reads it back."""
    import random

    from prefect.server import models
    from prefect.server.schemas import actions, core, schedules, states

    rng = random.Random(seed)
    base = hp.base = dt.datetime.now(UTC).replace(second=0, microsecond=0)

    def us() -> dt.timedelta:
        return dt.timedelta(microseconds=rng.randrange(1, 1_000_000))

    def minutes(lo: float, hi: float) -> dt.timedelta:
        return dt.timedelta(seconds=rng.uniform(lo * 60, hi * 60)) + us()

    # the plan, one entry per run: queue key (or None), kind, and which spawner it is a subflow of
    plan: list[dict[str, Any]] = []
    for key, kind in HOT_PATH_FORCED:
        plan.append({"queue": key, "kind": kind})
    kinds, weights = zip(*HOT_PATH_KINDS.items())
    queue_keys = [q[0] for q in HOT_PATH_QUEUES]
    while len(plan) < HOT_PATH_RUNS:
        plan.append({"queue": None if rng.random() < 0.15 else rng.choice(queue_keys), "kind": rng.choices(kinds, weights)[0]})
    rng.shuffle(plan)
    # three runs that have a task run with subflow runs (created first), nine subflow runs
    plan[:0] = [{"queue": None, "kind": rng.choice(["running", "completed"]), "spawns": True} for _ in range(3)]
    for i in rng.sample(range(3, len(plan)), 9):
        plan[i]["parent"] = rng.randrange(3)

    # concurrency limits from the plan, so that each leaves a known number of slots
    def active(keys: set[str], kinds_: set[str] = ACTIVE_KINDS) -> int:
        return sum(1 for p in plan if p["queue"] in keys and p["kind"] in kinds_)

    queue_limits = {
        "a-limited": active({"a-limited"}) + 2,
        "b-limited": active({"b-limited"}),  # no slot left
        # the legacy poll counts CANCELLING too, and by queue *name* across pools
        "b-shared": active({"a-shared", "b-shared"}, ACTIVE_KINDS | {"cancelling"}) + 1,
    }
    # PostgreSQL's template leaves paused queues' runs out of the pool's count, SQLite's not
    pool_limits = {"b": active({q[0] for q in HOT_PATH_QUEUES if q[1] == "b"}) + 2}

    db = provide_db()
    async with db.session_context(begin_transaction=True) as session:
        for i in range(4):
            flow = await models.flows.create_flow(session=session, flow=core.Flow(name=f"hp-flow-{i}", tags=["hp"]))
            hp.flows.append(flow.id)
        for key, name, paused in HOT_PATH_POOLS:
            pool = await models.workers.create_work_pool(
                session=session,
                work_pool=actions.WorkPoolCreate(name=name, type="process", is_paused=paused, concurrency_limit=pool_limits.get(key)),
            )
            hp.pools[key] = pool.id
        for key, pool_key, name, priority, paused in HOT_PATH_QUEUES:
            if name == "default":
                queue = (await models.workers.read_work_queues(session=session, work_pool_id=hp.pools[pool_key]))[0]
            else:
                queue = await models.workers.create_work_queue(
                    session=session,
                    work_pool_id=hp.pools[pool_key],
                    work_queue=actions.WorkQueueCreate(
                        name=name, priority=priority, is_paused=paused, concurrency_limit=queue_limits.get(key)
                    ),
                )
            hp.queues[key] = {"id": queue.id, "name": name, "pool": pool_key}
        for i, qkey in enumerate(["a-default", "b-fast", "a-urgent", "b-shared", "a-paused"]):
            deployment = await models.deployments.create_deployment(
                session=session,
                deployment=core.Deployment(
                    name=f"hp-deployment-{i}",
                    flow_id=rng.choice(hp.flows),
                    work_queue_name=hp.queues[qkey]["name"],
                    work_queue_id=hp.queues[qkey]["id"],
                    tags=["hp", f"d{i}"],
                ),
            )
            hp.deployments.append(deployment.id)
        # the scheduler's path: runs bulk-inserted with their SCHEDULED state (uuid7 ids,
        # auto_scheduled, no state_timestamp), every 7 minutes around now
        await models.deployments.create_deployment_schedules(
            session=session,
            deployment_id=hp.deployments[0],
            schedules=[
                actions.DeploymentScheduleCreate(
                    schedule=schedules.IntervalSchedule(interval=dt.timedelta(minutes=7), anchor_date=base - dt.timedelta(hours=1, microseconds=-1500)),
                    active=True,
                )
            ],
        )
        scheduled_by_scheduler = await models.deployments.schedule_runs(
            session=session,
            deployment_id=hp.deployments[0],
            start_time=base - dt.timedelta(minutes=40),
            end_time=base + dt.timedelta(minutes=50),
            min_time=dt.timedelta(minutes=90),
            max_runs=20,
        )
        expect(len(scheduled_by_scheduler) >= 10, f"schedule_runs inserted {len(scheduled_by_scheduler)} runs")

        async def create_run(name: str, spec: dict[str, Any], initial: Any, **extra: Any) -> Any:
            qkey = spec.get("queue")
            run_ = await models.flow_runs.create_flow_run(
                session=session,
                flow_run=core.FlowRun(
                    name=name,
                    flow_id=extra.pop("flow_id", None) or rng.choice(hp.flows),
                    work_queue_id=hp.queues[qkey]["id"] if qkey else None,
                    work_queue_name=hp.queues[qkey]["name"] if qkey else None,
                    state=initial,
                    **extra,
                ),
            )
            return run_.id

        async def set_states(run_id: Any, proposed: list[Any]) -> None:
            for state in proposed:
                await models.flow_runs.set_flow_run_state(session=session, flow_run_id=run_id, state=state, force=True)

        async def task(flow_run_id: Any, label: str, inputs: dict[str, list[Any]], proposed: list[Any]) -> Any:
            task_run = await models.task_runs.create_task_run(
                session=session,
                task_run=core.TaskRun(
                    flow_run_id=flow_run_id, task_key=label, dynamic_key="0", name=label, task_inputs=inputs, state=proposed[0]
                ),
            )
            for state in proposed[1:]:
                await models.task_runs.set_task_run_state(session=session, task_run_id=task_run.id, state=state, force=True)
            return task_run.id

        for i, spec in enumerate(plan):
            kind = spec["kind"]
            if kind == "scheduled-future":
                t0 = base + minutes(1, 110)
            else:
                t0 = base - minutes(6, 175)
            created = min(t0, base) - minutes(5, 60)
            clock = [t0]

            def tick(lo: float = 2, hi: float = 40) -> dt.datetime:
                clock[0] = clock[0] + dt.timedelta(seconds=rng.uniform(lo, hi)) + us()
                return clock[0]

            seq: list[Any] = []
            if kind in ("late",):
                seq = [states.Late(scheduled_time=t0, timestamp=tick())]
            elif kind == "rescheduled":
                seq = [states.Pending(timestamp=tick()), states.AwaitingConcurrencySlot(scheduled_time=base + minutes(-30, 60), timestamp=tick())]
            elif kind not in ("scheduled-future", "scheduled-past", "cancelled-early"):
                # some runs go straight from SCHEDULED to RUNNING (as a flow started by hand does)
                seq = [states.Pending(timestamp=tick())] if kind == "pending" or rng.random() < 0.6 else []
                if kind != "pending":
                    seq.append(states.Running(timestamp=tick()))
                if kind in ("awaiting-retry", "retrying"):
                    seq.append(states.AwaitingRetry(scheduled_time=base + minutes(-20, 60) if kind == "awaiting-retry" else tick(), timestamp=tick()))
                if kind == "retrying":
                    seq.append(states.Retrying(timestamp=tick()))
                extra_state = {
                    "completed": states.Completed,
                    "failed": states.Failed,
                    "crashed": states.Crashed,
                    "cancelling": states.Cancelling,
                    "paused": states.Paused,
                }.get(kind)
                if extra_state:
                    seq.append(extra_state(timestamp=tick()))
                if kind == "cancelled":
                    seq += [states.Cancelling(timestamp=tick()), states.Cancelled(timestamp=tick())]
            elif kind == "cancelled-early":
                seq = [states.Cancelled(timestamp=tick())]
            in_process = kind in ("awaiting-retry", "retrying") or (kind.startswith("scheduled") and rng.random() < 0.12)
            tags = [] if rng.random() < 0.06 else rng.sample(TAG_POOL, rng.randint(1, 3))
            extra: dict[str, Any] = {
                "tags": tags,
                "deployment_id": rng.choice(hp.deployments) if rng.random() < 0.45 else None,
                "empirical_policy": core.FlowRunPolicy(retry_type="in_process" if in_process else ("reschedule" if rng.random() < 0.1 else None)),
                "parameters": {"i": i, "kind": kind},
            }
            if i % 7 == 3:
                extra["idempotency_key"] = f"hp-key-{i}"
            if "parent" in spec:
                extra["parent_task_run_id"] = hp.parent_task_runs[spec["parent"]]
            run_id = await create_run(f"hp-{i:03d}-{kind}", spec, states.Scheduled(scheduled_time=t0, timestamp=created), **extra)
            await set_states(run_id, seq)
            if spec.get("spawns"):
                hp.parent_flow_runs.append(run_id)
                hp.parent_task_runs.append(
                    await task(run_id, f"spawn-{i}", {}, [states.Running(timestamp=t0 + us()), states.Completed(timestamp=t0 + dt.timedelta(seconds=50))])
                )

        # the graph: a parent run with task runs whose inputs make edges, and a subflow
        def trr(task_run_id: Any) -> Any:
            return core.TaskRunResult(id=task_run_id)

        g0 = base - dt.timedelta(minutes=50) + us()

        def at(seconds: float) -> dt.datetime:
            return g0 + dt.timedelta(seconds=seconds)

        parent = await create_run("hp-graph-parent", {}, states.Scheduled(scheduled_time=g0, timestamp=at(-60)), flow_id=hp.flows[0], tags=["graph"])
        await set_states(parent, [states.Pending(timestamp=at(0.5)), states.Running(timestamp=at(1))])
        g: dict[str, Any] = {"parent": parent, "g0": g0}
        g["a-0"] = await task(parent, "a-0", {}, [states.Pending(timestamp=at(1.1)), states.Running(timestamp=at(2)), states.Completed(timestamp=at(5))])
        g["a-1"] = await task(parent, "a-1", {}, [states.Running(timestamp=at(3)), states.Completed(timestamp=at(4))])
        g["b-0"] = await task(
            parent,
            "b-0",
            {"x": [trr(g["a-0"])], "__parents__": [trr(g["a-0"])], "y": [trr(g["a-1"])]},
            [states.Running(timestamp=at(6)), states.Completed(timestamp=at(9))],
        )
        g["c-0"] = await task(
            parent,
            "c-0",
            {"z": [trr(g["b-0"])], "n": [core.Parameter(name="n")], "k": [core.Constant(type="int")]},
            [states.Running(timestamp=at(10))],
        )
        g["sub-task"] = await task(parent, "sub-task", {"y": [trr(g["a-0"])]}, [states.Running(timestamp=at(11))])
        child = await create_run(
            "hp-graph-child",
            {},
            states.Scheduled(scheduled_time=at(11.5), timestamp=at(11.2)),
            flow_id=hp.flows[1],
            parent_task_run_id=g["sub-task"],
            tags=["graph"],
        )
        await set_states(child, [states.Pending(timestamp=at(11.6)), states.Running(timestamp=at(12)), states.Completed(timestamp=at(19))])
        g["child"] = child
        g["child-t0"] = await task(child, "child-t0", {}, [states.Running(timestamp=at(12.5)), states.Completed(timestamp=at(13))])
        g["d-0"] = await task(parent, "d-0", {"w": [trr(g["c-0"])]}, [states.Pending(timestamp=at(21))])
        g["f-0"] = await task(parent, "f-0", {"x": [trr(g["child-t0"])]}, [states.Running(timestamp=at(22)), states.Failed(timestamp=at(23))])
        g["e-0"] = await task(
            parent,
            "e-0",
            {"__parents__": [trr(g["b-0"]), trr(g["b-0"])], "x": [trr(g["b-0"])], "y": [trr(g["d-0"])]},
            [states.Running(timestamp=at(24))],
        )
        for artifact in (
            core.Artifact(key="hp-report", type="markdown", data="# v1", flow_run_id=parent),
            core.Artifact(key="hp-report", type="markdown", data="# v2", flow_run_id=parent),
            core.Artifact(type="progress", data=50.0, flow_run_id=parent, task_run_id=g["a-0"]),
            core.Artifact(type="result", data={"storage_key": "x"}, flow_run_id=parent),
            core.Artifact(type="table", data=[[1, 2], [3, 4]], flow_run_id=parent, task_run_id=g["b-0"]),
            core.Artifact(key="hp-other", type="markdown", data="other", flow_run_id=parent, task_run_id=g["c-0"]),
            core.Artifact(data="untyped", flow_run_id=parent),
            core.Artifact(type="progress", data=12.5, flow_run_id=child),
        ):
            await models.artifacts.create_artifact(session=session, artifact=artifact)
        hp.graph = g

        # runs for the state-interchange step, outside every queue
        pair_t0: dict[str, dt.datetime] = {}
        for key in ("x1", "y1", "x2", "y2", "x3", "y3", "z"):
            # twins share their schedule, so that their columns can be compared
            t0 = pair_t0.setdefault(key[-1], base - minutes(20, 30))
            hp.twins[key] = await create_run(
                f"hp-twin-{key}",
                {"queue": "a-urgent"} if key == "z" else {},
                states.Scheduled(scheduled_time=t0, timestamp=t0 - dt.timedelta(minutes=5)),
                flow_id=hp.flows[2],
                tags=["twin"],
            )
        # runs exactly on boundaries the cases use (inclusive comparisons; on SQLite, the text
        # form flowdb binds: one with no microseconds)
        hp.boundaries = [base, base + dt.timedelta(minutes=30, microseconds=250000)]
        for n, (qkey, when) in enumerate(zip(("a-urgent", "b-fast"), hp.boundaries)):
            await create_run(
                f"hp-boundary-{n}",
                {"queue": qkey},
                states.Scheduled(scheduled_time=when, timestamp=when - dt.timedelta(hours=1)),
                flow_id=hp.flows[3],
                tags=["boundary"],
            )
        await models.configuration.write_configuration(
            session=session, configuration=core.Configuration(key="hp-config", value={"a": 1, "nested": {"b": [1, 2.5, None]}, "s": "✓"})
        )
    await hp.refresh()
    counts: dict[str, int] = {}
    for r in hp.runs.values():
        counts[r["state_type"]] = counts.get(r["state_type"], 0) + 1
    return f"seed {seed}: {len(hp.runs)} flow runs (" + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + f"), {len(hp.queues)} queues in {len(hp.pools)} pools, {len(hp.deployments)} deployments"


def prefect_filter_kwargs(args: dict[str, Any]) -> dict[str, Any]:
    """flowdb's flattened filter arguments as Prefect's filter objects (keyword arguments of
    read_flow_runs / count_flow_runs). Prefect's FlowRunFilter has no flow or work queue/pool
    id: those are FlowFilter / WorkQueueFilter / WorkPoolFilter (EXISTS on the related row)."""
    from prefect.server.schemas import filters as f

    a = args.get
    fr: dict[str, Any] = {}

    def put(field: str, model: Any, **values: Any) -> None:
        values = {k: v for k, v in values.items() if v is not None}
        if values:
            fr[field] = model(**values)

    put("id", f.FlowRunFilterId, any_=a("id_any"), not_any_=a("id_not_any"))
    put("name", f.FlowRunFilterName, any_=a("name_any"), like_=a("name_like"))
    put("tags", f.FlowRunFilterTags, all_=a("tags_all"), any_=a("tags_any"), is_null_=a("tags_is_null"))
    put("deployment_id", f.FlowRunFilterDeploymentId, any_=a("deployment_id_any"), is_null_=a("deployment_id_is_null"))
    put("work_queue_name", f.FlowRunFilterWorkQueueName, any_=a("work_queue_name_any"))
    state: dict[str, Any] = {}
    if a("state_type_any") is not None or a("state_type_not_any") is not None:
        state["type"] = f.FlowRunFilterStateType(
            **{k: v for k, v in (("any_", a("state_type_any")), ("not_any_", a("state_type_not_any"))) if v is not None}
        )
    if a("state_name_any") is not None or a("state_name_not_any") is not None:
        state["name"] = f.FlowRunFilterStateName(
            **{k: v for k, v in (("any_", a("state_name_any")), ("not_any_", a("state_name_not_any"))) if v is not None}
        )
    if state:
        fr["state"] = f.FlowRunFilterState(**state)
    put("start_time", f.FlowRunFilterStartTime, before_=a("start_time_before"), after_=a("start_time_after"), is_null_=a("start_time_is_null"))
    put("end_time", f.FlowRunFilterEndTime, before_=a("end_time_before"), after_=a("end_time_after"), is_null_=a("end_time_is_null"))
    put("expected_start_time", f.FlowRunFilterExpectedStartTime, before_=a("expected_start_time_before"), after_=a("expected_start_time_after"))
    put(
        "next_scheduled_start_time",
        f.FlowRunFilterNextScheduledStartTime,
        before_=a("next_scheduled_start_time_before"),
        after_=a("next_scheduled_start_time_after"),
    )
    put("parent_task_run_id", f.FlowRunFilterParentTaskRunId, any_=a("parent_task_run_id_any"), is_null_=a("parent_task_run_id_is_null"))
    put("parent_flow_run_id", f.FlowRunFilterParentFlowRunId, any_=a("parent_flow_run_id_any"))
    put("idempotency_key", f.FlowRunFilterIdempotencyKey, any_=a("idempotency_key_any"))
    out: dict[str, Any] = {}
    if fr:
        out["flow_run_filter"] = f.FlowRunFilter(**fr)
    if a("flow_id_any") is not None:
        out["flow_filter"] = f.FlowFilter(id=f.FlowFilterId(any_=a("flow_id_any")))
    if a("work_queue_id_any") is not None:
        out["work_queue_filter"] = f.WorkQueueFilter(id=f.WorkQueueFilterId(any_=a("work_queue_id_any")))
    if a("work_pool_id_any") is not None:
        out["work_pool_filter"] = f.WorkPoolFilter(id=f.WorkPoolFilterId(any_=a("work_pool_id_any")))
    return out


def compare_ordered(
    key: Callable[[Any], Any],
    prefect_ids: list[Any],
    flowdb_ids: list[Any],
    paged: bool,
    universe: set[Any],
    describe_id: Callable[[Any], str],
) -> list[str]:
    """Same ids in the same order where the order is defined: the sort keys must form the same
    sequence, and each run of equal keys (a tie, which neither Prefect nor SQL orders) must hold
    the same ids. With limit/offset, a tie at the edge of the page may hold any of the tied ids
    of the whole result (`universe`)."""
    problems: list[str] = []
    if len(set(flowdb_ids)) != len(flowdb_ids):
        problems.append("flowdb returned an id more than once")
    kp = [key(i) for i in prefect_ids]
    kf = [key(i) for i in flowdb_ids]
    if len(prefect_ids) != len(flowdb_ids) or kp != kf:
        first = next((n for n, (x, y) in enumerate(zip(kp, kf)) if x != y), min(len(kp), len(kf)))
        problems.append(
            f"{len(prefect_ids)} row(s) from Prefect, {len(flowdb_ids)} from flowdb; sort keys first differ at position {first}:\n"
            f"  Prefect: {[describe_id(i) for i in prefect_ids[max(0, first - 2):first + 3]]}\n"
            f"  flowdb:  {[describe_id(i) for i in flowdb_ids[max(0, first - 2):first + 3]]}"
        )
        return problems
    i = 0
    while i < len(kp):
        j = i
        while j < len(kp) and kp[j] == kp[i]:
            j += 1
        a, b = set(prefect_ids[i:j]), set(flowdb_ids[i:j])
        if paged and (i == 0 or j == len(kp)):
            allowed = {x for x in universe if key(x) == kp[i]}
            if not b <= allowed:
                problems.append(f"positions {i}..{j - 1} (tie on {kp[i]!r} at the page edge): flowdb {sorted(map(describe_id, b - allowed))} do not match")
        elif a != b:
            problems.append(
                f"positions {i}..{j - 1} (sort key {kp[i]!r}): only Prefect {sorted(map(describe_id, a - b))}, only flowdb {sorted(map(describe_id, b - a))}"
            )
        i = j
    return problems


async def hot_path_worker_poll(hp: HotPath) -> str:
    """db.queries.get_scheduled_flow_runs_from_work_pool (the worker poll's query, Prefect's
    Jinja template for the dialect) against flowdb's component, argument for argument."""
    cases = Cases()
    db = provide_db()
    pa, pb, pc = hp.pools["a"], hp.pools["b"], hp.pools["c"]
    q = {k: v["id"] for k, v in hp.queues.items()}
    queue_key = {v["id"]: k for k, v in hp.queues.items()}
    base = hp.base
    hour = dt.timedelta(hours=1)
    table: list[tuple[str, dict[str, Any], bool]] = [
        ("all pools", {}, True),
        ("all pools, queue priorities", {"respect_queue_priorities": True}, True),
        ("pool a", {"work_pool_ids": [pa]}, True),
        ("pool a, priorities", {"work_pool_ids": [pa], "respect_queue_priorities": True}, True),
        ("pool b: pool concurrency limit, a paused queue holding running runs", {"work_pool_ids": [pb], "respect_queue_priorities": True}, True),
        ("paused pool c", {"work_pool_ids": [pc]}, False),
        ("pools a+b, queues urgent+limited+fast", {"work_pool_ids": [pa, pb], "work_queue_ids": [q["a-urgent"], q["a-limited"], q["b-fast"]], "respect_queue_priorities": True}, True),
        ("queue ids only: limited, shared, limited-b (0 slots)", {"work_queue_ids": [q["a-limited"], q["b-shared"], q["b-limited"]]}, True),
        ("a paused queue", {"work_queue_ids": [q["a-paused"]]}, False),
        ("due now (scheduled_before)", {"scheduled_before": base}, True),
        ("window (scheduled_after + scheduled_before), priorities", {"scheduled_after": base - hour, "scheduled_before": base + hour, "respect_queue_priorities": True}, True),
        ("scheduled_after only", {"scheduled_after": base}, True),
        ("scheduled_after = scheduled_before = a run's time", {"scheduled_after": hp.boundaries[1], "scheduled_before": hp.boundaries[1]}, True),
        ("scheduled_before = a run's time (no microseconds), given at +05:30", {"scheduled_before": base.astimezone(IST)}, True),
        ("limit 5, priorities", {"limit": 5, "respect_queue_priorities": True}, True),
        ("limit 1", {"limit": 1}, True),
        ("worker_limit 3, queue_limit 2", {"worker_limit": 3, "queue_limit": 2}, True),
        ("queue_limit 1, priorities", {"queue_limit": 1, "respect_queue_priorities": True}, True),
        ("worker_limit 0", {"worker_limit": 0}, False),
        ("limit 0", {"limit": 0}, False),
        ("empty id lists (Prefect: no filter)", {"work_pool_ids": [], "work_queue_ids": []}, True),
        (
            "pool a, due in 30 min, limit 7, queue_limit 3, priorities",
            {"work_pool_ids": [pa], "scheduled_before": base + hour / 2, "limit": 7, "queue_limit": 3, "respect_queue_priorities": True},
            True,
        ),
    ]

    def describe_poll(entry: tuple[Any, Any, Any]) -> str:
        return f"{queue_key.get(entry[1], entry[1])}:{hp.label(entry[2])}"

    total = 0
    for name, args, nonempty in table:

        async def case(args: dict[str, Any] = args, nonempty: bool = nonempty) -> None:
            nonlocal total
            async with db.session_context(begin_transaction=True) as session:
                responses = await db.queries.get_scheduled_flow_runs_from_work_pool(session=session, **args)
            expected = [(r.work_pool_id, r.work_queue_id, r.flow_run.id) for r in responses]
            rows = hp.q.rows("get_scheduled_flow_runs_from_work_pool", args)
            got = [(parse_uuid(r.get("run_work_pool_id")), parse_uuid(r.get("run_work_queue_id")), parse_uuid(r.get("id"))) for r in rows]
            if got != expected:
                raise StepFailed(
                    f"args {json.dumps(to_json_arg(args))}\n"
                    f"Prefect ({len(expected)}): {[describe_poll(e) for e in expected]}\n"
                    f"flowdb  ({len(got)}): {[describe_poll(e) for e in got]}"
                )
            expect(bool(expected) == nonempty, f"the data set gives {'no' if nonempty else 'some'} runs here: the case proves nothing ({len(expected)} rows)")
            for row in rows:
                diff = compare_run_values(hp.runs[parse_uuid(row["id"])], flowdb_run_values(row))
                expect(not diff, f"flow_run columns of {hp.label(parse_uuid(row['id']))} differ: " + "; ".join(diff))
            total += len(expected)

        await cases.check(name, case)
    return cases.verdict("worker poll") + f", {total} runs in all, every flow_run column equal"


async def hot_path_legacy_poll(hp: HotPath) -> str:
    """db.queries.get_scheduled_flow_runs_from_work_queues (the work-queue poll) against
    flowdb's component: (run, queue) pairs in Prefect's ORDER BY next_scheduled_start_time, id.
    Runs are matched to queues by name, so one run comes once per queue of its queue's name
    (every pool's "default"): those pairs tie on the ORDER BY and are compared as a set."""
    cases = Cases()
    db = provide_db()
    base = hp.base
    queue_key = {v["id"]: k for k, v in hp.queues.items()}
    table: list[tuple[str, dict[str, Any]]] = [
        ("every queue, no limit", {}),
        ("every queue, 1 per queue", {"limit_per_queue": 1}),
        ("every queue, due now", {"scheduled_before": base}),
        ("every queue, due at a run's time given at +05:30", {"scheduled_before": hp.boundaries[1].astimezone(IST)}),
        ("a/default unlimited (runs matched by queue name, across pools)", {"work_queue_ids": [hp.queues["a-default"]["id"]]}),
        ("empty queue id list (Prefect: no filter)", {"work_queue_ids": [], "limit_per_queue": 2}),
        ("0 per queue", {"limit_per_queue": 0}),
        ("a/shared + b/shared (b limited, CANCELLING counted by name)", {"work_queue_ids": [hp.queues["a-shared"]["id"], hp.queues["b-shared"]["id"]], "limit_per_queue": 5}),
    ]
    for key, spec in hp.queues.items():
        table.append((f"queue {key}: 3 per queue, due in 30 min", {"work_queue_ids": [spec["id"]], "limit_per_queue": 3, "scheduled_before": base + dt.timedelta(minutes=30)}))
    total = 0
    for name, args in table:

        async def case(args: dict[str, Any] = args) -> None:
            nonlocal total
            async with db.session_context(begin_transaction=True) as session:
                query = db.queries.get_scheduled_flow_runs_from_work_queues(
                    limit_per_queue=args.get("limit_per_queue"),
                    work_queue_ids=args.get("work_queue_ids"),
                    scheduled_before=args.get("scheduled_before"),
                )
                expected = [(row[0].id, row[1]) for row in (await session.execute(query)).all()]
            rows = hp.q.rows("get_scheduled_flow_runs_from_work_queues", args)
            got = [(parse_uuid(r.get("id")), parse_uuid(r.get("wq_id"))) for r in rows]

            def key(pair: tuple[Any, Any]) -> Any:
                run_ = hp.runs.get(pair[0])
                return (run_["next_scheduled_start_time"], str(pair[0])) if run_ else ("<not a run>", str(pair))

            problems = compare_ordered(key, expected, got, False, set(expected), lambda p: f"{queue_key.get(p[1], p[1])}:{hp.label(p[0])}")
            if problems:
                raise StepFailed(
                    f"args {json.dumps(to_json_arg(args))}\n" + "\n".join(problems) + "\n"
                    f"Prefect ({len(expected)}): {[f'{queue_key.get(w, w)}:{hp.label(i)}' for i, w in expected]}\n"
                    f"flowdb  ({len(got)}): {[f'{queue_key.get(w, w)}:{hp.label(i)}' for i, w in got]}"
                )
            total += len(expected)

        await cases.check(name, case)
    return cases.verdict("work-queue poll") + f", {total} (run, queue) pairs in all"


def hot_path_filter_table(hp: HotPath) -> list[tuple[str, dict[str, Any]]]:
    import random

    rng = random.Random(HOT_PATH_SEED + 1)
    base = hp.base
    minute = dt.timedelta(minutes=1)
    ids = sorted(hp.runs, key=str)
    names = sorted(r["name"] for r in hp.runs.values())
    keys = sorted(r["idempotency_key"] for r in hp.runs.values() if r["idempotency_key"])
    q = {k: v["id"] for k, v in hp.queues.items()}
    return [
        ("no filter", {}),
        ("state_type_any SCHEDULED", {"state_type_any": ["SCHEDULED"]}),
        ("state_type_any RUNNING+PENDING, START_TIME_ASC", {"state_type_any": ["RUNNING", "PENDING"], "sort": "START_TIME_ASC"}),
        ("state_type_not_any SCHEDULED+COMPLETED", {"state_type_not_any": ["SCHEDULED", "COMPLETED"]}),
        ("state_type_not_any [] (ignored)", {"state_type_not_any": []}),
        ("state_name_any Late+AwaitingRetry", {"state_name_any": ["Late", "AwaitingRetry"]}),
        ("SCHEDULED but not named Scheduled", {"state_type_any": ["SCHEDULED"], "state_name_not_any": ["Scheduled"]}),
        ("deployment_id_any (2)", {"deployment_id_any": hp.deployments[:2]}),
        ("deployment_id_is_null true", {"deployment_id_is_null": True}),
        ("deployment_id_is_null false, NAME_DESC", {"deployment_id_is_null": False, "sort": "NAME_DESC"}),
        ("work_queue_name_any default+shared", {"work_queue_name_any": ["default", "shared"]}),
        ("work_queue_id_any limited+fast", {"work_queue_id_any": [q["a-limited"], q["b-fast"]]}),
        ("work_pool_id_any b", {"work_pool_id_any": [hp.pools["b"]]}),
        ("pool a and queues urgent/fast (fast is in b) of 3 flows", {"work_pool_id_any": [hp.pools["a"]], "work_queue_id_any": [q["a-urgent"], q["b-fast"]], "flow_id_any": hp.flows[:3]}),
        ("flow_id_any (1)", {"flow_id_any": [hp.flows[1]]}),
        ("tags_all etl+ml", {"tags_all": ["etl", "ml"]}),
        ("tags_any nightly+critical", {"tags_any": ["nightly", "critical"]}),
        ("tags_any [] (matches nothing)", {"tags_any": []}),
        ("tags_is_null true", {"tags_is_null": True}),
        ("tags_is_null false", {"tags_is_null": False}),
        ("start_time_before (coalesce with expected), START_TIME_DESC", {"start_time_before": base - 60 * minute, "sort": "START_TIME_DESC"}),
        ("start_time_after", {"start_time_after": base - 30 * minute}),
        ("start_time_is_null true", {"start_time_is_null": True}),
        ("end_time window, END_TIME_DESC", {"end_time_after": base - 120 * minute, "end_time_before": base - 30 * minute, "sort": "END_TIME_DESC"}),
        ("end_time_is_null false", {"end_time_is_null": False}),
        ("expected_start_time window, EXPECTED_START_TIME_ASC", {"expected_start_time_after": base - 45 * minute, "expected_start_time_before": base + 15 * minute, "sort": "EXPECTED_START_TIME_ASC"}),
        ("next_scheduled_start_time_before, NEXT_SCHEDULED_START_TIME_ASC", {"next_scheduled_start_time_before": base, "sort": "NEXT_SCHEDULED_START_TIME_ASC"}),
        ("next_scheduled_start_time_after", {"next_scheduled_start_time_after": base}),
        ("next_scheduled_start_time exactly a run's (before_ = after_)", {"next_scheduled_start_time_after": hp.boundaries[0], "next_scheduled_start_time_before": hp.boundaries[0]}),
        (
            "expected_start_time between two runs' times given at +05:30, EXPECTED_START_TIME_DESC",
            {"expected_start_time_after": hp.boundaries[0].astimezone(IST), "expected_start_time_before": hp.boundaries[1].astimezone(IST), "sort": "EXPECTED_START_TIME_DESC"},
        ),
        ("parent_task_run_id_any (2 tasks)", {"parent_task_run_id_any": hp.parent_task_runs[:2]}),
        ("parent_task_run_id_is_null false", {"parent_task_run_id_is_null": False}),
        ("parent_task_run_id_is_null true, limit 10", {"parent_task_run_id_is_null": True, "limit": 10}),
        ("parent_flow_run_id_any", {"parent_flow_run_id_any": [hp.parent_flow_runs[0], hp.parent_flow_runs[1], hp.graph["parent"]]}),
        ("id_any (12)", {"id_any": rng.sample(ids, 12)}),
        ("id_any []", {"id_any": []}),
        ("state_name_any [] (matches nothing)", {"state_name_any": []}),
        ("deployment_id_any [] (matches nothing)", {"deployment_id_any": []}),
        ("tags_all [] (ignored)", {"tags_all": []}),
        ("start_time_is_null false, START_TIME_ASC", {"start_time_is_null": False, "sort": "START_TIME_ASC"}),
        ("name_like with a LIKE wildcard (Prefect does not escape _)", {"name_like": "-0_1-"}),
        ("offset without limit, NAME_ASC", {"offset": 140, "sort": "NAME_ASC"}),
        ("limit 0", {"limit": 0}),
        ("id_not_any (40)", {"id_not_any": rng.sample(ids, 40)}),
        ("name_any (3)", {"name_any": rng.sample(names, 3)}),
        ("name_like LATE (case-insensitive)", {"name_like": "LATE"}),
        ("idempotency_key_any", {"idempotency_key_any": keys[:4] + ["no-such-key"]}),
        (
            "SCHEDULED in pool a with etl/ml, due within 1 h, NEXT_SCHEDULED_START_TIME_ASC, limit 5 offset 2",
            {
                "state_type_any": ["SCHEDULED"],
                "work_pool_id_any": [hp.pools["a"]],
                "tags_any": ["etl", "ml"],
                "next_scheduled_start_time_before": base + 60 * minute,
                "sort": "NEXT_SCHEDULED_START_TIME_ASC",
                "limit": 5,
                "offset": 2,
            },
        ),
        (
            "terminal runs of 2 flows with a deployment, END_TIME_DESC, limit 6 offset 3",
            {
                "state_type_any": sorted(TERMINAL_TYPES),
                "flow_id_any": hp.flows[:2],
                "deployment_id_is_null": False,
                "sort": "END_TIME_DESC",
                "limit": 6,
                "offset": 3,
            },
        ),
    ]


async def prefect_read_flow_runs(args: dict[str, Any]) -> list[Any]:
    from prefect.server import models
    from prefect.server.schemas import sorting

    filters = prefect_filter_kwargs(args)
    db = provide_db()
    async with db.session_context() as session:
        runs = await models.flow_runs.read_flow_runs(
            session=session,
            columns=[db.FlowRun.id],  # type: ignore[list-item]  # load_only wants the attribute
            sort=sorting.FlowRunSort[args.get("sort", "ID_DESC")],
            limit=args.get("limit"),
            offset=args.get("offset"),
            **filters,
        )
        return [r.id for r in runs]


async def prefect_count_flow_runs(args: dict[str, Any]) -> int:
    from prefect.server import models

    async with provide_db().session_context() as session:
        return await models.flow_runs.count_flow_runs(session=session, **prefect_filter_kwargs(args))


async def hot_path_read_flow_runs(hp: HotPath) -> str:
    """models.flow_runs.read_flow_runs with filters, every sort, limit/offset, against flowdb's
    read_flow_runs; plus every flow_run column of every run as flowdb reads it."""
    cases = Cases()

    async def all_columns() -> None:
        rows = hp.q.rows("read_flow_runs", {})
        got = {parse_uuid(r["id"]): flowdb_run_values(r) for r in rows}
        expect_equal(sorted(map(str, got)), sorted(map(str, hp.runs)), "the ids of every flow run")
        problems = []
        for run_id, prefect in hp.runs.items():
            diff = compare_run_values(prefect, got[run_id])
            if diff:
                problems.append(f"{prefect['name']}: " + "; ".join(diff))
        expect(not problems, f"{len(problems)} run(s) read differently:\n" + "\n".join(problems[:20]))

    await cases.check(f"every column of all {len(hp.runs)} runs", all_columns)

    compared = 0
    universes: dict[str, set[Any]] = {}  # filter -> every run it matches (whatever the sort)

    async def one(args: dict[str, Any]) -> None:
        nonlocal compared
        sort = args.get("sort", "ID_DESC")
        expected = await prefect_read_flow_runs(args)
        compared += len(expected)
        got = [parse_uuid(r["id"]) for r in hp.q.rows("read_flow_runs", args)]
        paged = "limit" in args or "offset" in args
        filter_args = {k: v for k, v in args.items() if k not in ("sort", "limit", "offset")}
        key = json.dumps(to_json_arg(filter_args), sort_keys=True)
        if not paged:
            universes[key] = set(expected)
        elif key not in universes:
            universes[key] = set(await prefect_read_flow_runs(filter_args))
        universe = universes[key]
        sort_key = SORT_KEYS[sort]
        problems = compare_ordered(lambda i: sort_key(hp.runs[i]) if i in hp.runs else ("<not a run>", str(i)), expected, got, paged, universe, hp.label)
        if problems:
            raise StepFailed(f"args {json.dumps(to_json_arg(args))}\n" + "\n".join(problems))

    for sort in FLOW_RUN_SORTS:
        for paging in ({}, {"limit": 10}, {"limit": 12, "offset": 25}):
            args = {"sort": sort, **paging}
            await cases.check(f"sort {sort} {paging or ''}".strip(), lambda args=args: one(args))
    for name, args in hot_path_filter_table(hp):
        await cases.check(name, lambda args=args: one(args))
    return cases.verdict("read_flow_runs") + f", {compared} rows in all"


async def hot_path_count_flow_runs(hp: HotPath) -> str:
    """models.flow_runs.count_flow_runs against flowdb's count_flow_runs, same filters."""
    cases = Cases()
    counted: list[int] = []
    for name, args in hot_path_filter_table(hp):
        filter_args = {k: v for k, v in args.items() if k not in ("sort", "limit", "offset")}

        async def case(filter_args: dict[str, Any] = filter_args) -> None:
            expected = await prefect_count_flow_runs(filter_args)
            rows = hp.q.rows("count_flow_runs", filter_args)
            expect(len(rows) == 1, f"flowdb returned {len(rows)} rows: {rows}")
            got = rows[0].get("count")
            expect(got == expected, f"args {json.dumps(to_json_arg(filter_args))}: Prefect counts {expected}, flowdb {got!r}")
            counted.append(expected)

        await cases.check(name, case)
    return cases.verdict("count_flow_runs") + f" (counts {min(counted, default=0)}..{max(counted, default=0)})"


async def hot_path_history(hp: HotPath) -> str:
    """api.run_history.run_history (POST /flow_runs/history) against flowdb's flow_run_history:
    count and sums per (bucket, state type, state name). Prefect takes "now" from the database
    (estimated run time of RUNNING runs, lateness of runs not started yet): on PostgreSQL it is
    read in Prefect's own transaction and given to flowdb, so every sum must be equal; on
    SQLite (a statement's own clock, whole seconds per run) the sums that depend on it may
    differ by the seconds between the two calls, the others must be equal."""
    import sqlalchemy as sa

    from prefect.server.api.run_history import run_history

    cases = Cases()
    base = hp.base
    minute = dt.timedelta(minutes=1)
    table: list[tuple[str, dt.datetime, dt.datetime, float, dict[str, Any]]] = [
        ("10-minute buckets over 5 h", base - 180 * minute, base + 120 * minute, 600, {}),
        ("1-minute buckets over 1 h", base - 90 * minute, base - 30 * minute, 60, {}),
        ("1-minute buckets over 9 h (Prefect stops at 500)", base - 180 * minute, base + 360 * minute, 60, {}),
        ("7-minute buckets, window not a multiple of them", base - 100 * minute, base + 3 * minute, 420, {}),
        ("1-minute buckets from an odd start", base - 61 * minute + dt.timedelta(seconds=17.5), base - minute, 60, {}),
        ("10-minute buckets, terminal states", base - 180 * minute, base + 120 * minute, 600, {"state_type_any": sorted(TERMINAL_TYPES)}),
        ("10-minute buckets, pool a, tags etl/ml", base - 180 * minute, base + 120 * minute, 600, {"work_pool_id_any": [hp.pools["a"]], "tags_any": ["etl", "ml"]}),
        ("10-minute buckets, 2 deployments of 3 flows", base - 180 * minute, base + 120 * minute, 600, {"deployment_id_any": hp.deployments[:2], "flow_id_any": hp.flows[:3]}),
        ("end before start: no bucket", base, base - 60 * minute, 600, {}),
    ]
    for name, start, end, interval, filter_args in table:

        async def case(start: dt.datetime = start, end: dt.datetime = end, interval: float = interval, filter_args: dict[str, Any] = filter_args) -> None:
            filters = prefect_filter_kwargs(filter_args)
            async with provide_db().session_context() as session:
                before = dt.datetime.now(UTC)
                db_now = None
                if hp.dialect == "postgresql":
                    db_now = as_utc((await session.execute(sa.text("SELECT now()"))).scalar_one())
                history = await run_history(
                    session=session,
                    run_type="flow_run",
                    history_start=start,
                    history_end=end,
                    history_interval=dt.timedelta(seconds=interval),
                    flows=filters.get("flow_filter"),
                    flow_runs=filters.get("flow_run_filter"),
                    work_pools=filters.get("work_pool_filter"),
                    work_queues=filters.get("work_queue_filter"),
                )
                after = dt.datetime.now(UTC)
            now = db_now or before + (after - before) / 2
            expected: dict[tuple[int, str, str], tuple[int, float, float]] = {}
            for i, bucket in enumerate(history):
                expect(as_utc(bucket.interval_start) == start + i * dt.timedelta(seconds=interval), f"Prefect's bucket {i} starts at {bucket.interval_start}")
                for s in bucket.states:
                    expected[(i, s.state_type.value, s.state_name)] = (
                        s.count_runs,
                        s.sum_estimated_run_time.total_seconds(),
                        s.sum_estimated_lateness.total_seconds(),
                    )
            args = {**filter_args, "history_start": start, "history_end": end, "history_interval": interval, "now": now}
            rows = hp.q.rows("flow_run_history", args)
            got: dict[tuple[int, str, str], tuple[int, float, float]] = {}
            for r in rows:
                k = (r.get("bucket_index"), r.get("state_type"), r.get("state_name"))
                expect(k not in got, f"flowdb returned group {k} twice")
                got[k] = (
                    r.get("count_runs"),
                    None if r.get("sum_estimated_run_time") is None else float(r["sum_estimated_run_time"]),
                    None if r.get("sum_estimated_lateness") is None else float(r["sum_estimated_lateness"]),
                )
            problems = []
            for k in sorted(set(expected) | set(got), key=str):
                if k not in got:
                    problems.append(f"bucket {k[0]} {k[1]}/{k[2]}: Prefect {expected[k]}, flowdb has no such group")
                    continue
                if k not in expected:
                    problems.append(f"bucket {k[0]} {k[1]}/{k[2]}: flowdb {got[k]}, Prefect has no such group")
                    continue
                (pc, pr, pl), (fc, fr, fl) = expected[k], got[k]
                lo = start + k[0] * dt.timedelta(seconds=interval)
                hi = lo + dt.timedelta(seconds=interval)
                members = [
                    r
                    for r in hp.runs.values()
                    if r["state_type"] == k[1] and r["state_name"] == k[2] and r["expected_start_time"] and lo <= r["expected_start_time"] < hi
                ]
                depends = any(
                    r["state_type"] == "RUNNING" or (r["start_time"] is None and r["state_type"] not in TERMINAL_TYPES and r["expected_start_time"] < after)
                    for r in members
                )
                slack = 1e-3 * max(pc, 1)
                if depends and db_now is None:
                    slack += pc * ((after - before).total_seconds() + 1.01)
                if pc != fc or fr is None or fl is None or abs(pr - fr) > slack or abs(pl - fl) > slack:
                    problems.append(
                        f"bucket {k[0]} {k[1]}/{k[2]} (count, run time s, lateness s): Prefect {expected[k]}, flowdb {got[k]}"
                        + (f" (depends on now; allowed difference {slack:.3f} s)" if depends else "")
                    )
            if problems:
                raise StepFailed(
                    f"args {json.dumps(to_json_arg(args))}, Prefect's {len(history)} bucket(s), now {'(database) ' if db_now else '~'}{now.isoformat()}\n"
                    + "\n".join(problems)
                )

        await cases.check(name, case)
    return cases.verdict("flow run history")


async def hot_path_graph(hp: HotPath) -> str:
    """db.queries.flow_run_graph_v2 (GET /flow_runs/{id}/graph-v2) against flowdb's
    flow_run_graph_v2 (+ its _bounds, _artifacts and _states): nodes, their edges as sets,
    the root nodes, artifacts and states."""
    import uuid

    from prefect.server.exceptions import FlowRunGraphTooLarge, ObjectNotFoundError

    cases = Cases()
    db = provide_db()
    g = hp.graph
    earliest = dt.datetime(1, 1, 1, tzinfo=UTC)
    plain = next(r["id"] for r in hp.runs.values() if r["name"].startswith("hp-") and r["state_type"] == "COMPLETED" and r["id"] not in hp.parent_flow_runs)
    table: list[tuple[str, Any, dt.datetime, int, bool]] = [
        ("parent run, every node", g["parent"], earliest, 10000, True),
        ("parent run, since a-1 ended", g["parent"], g["g0"] + dt.timedelta(seconds=4.5), 10000, False),
        ("parent run, since every finished node ended", g["parent"], g["g0"] + dt.timedelta(seconds=30), 10000, False),
        ("parent run, max_nodes 3 (too large)", g["parent"], earliest, 3, False),
        ("the subflow run", g["child"], earliest, 10000, True),
        ("a run whose task has 3 subflow runs", hp.parent_flow_runs[0], earliest, 10000, True),
        ("a run without task runs", plain, earliest, 10000, True),
        ("an unknown flow run", uuid.uuid4(), earliest, 10000, True),
    ]
    names = {v: k for k, v in g.items() if not isinstance(v, dt.datetime)}

    def nm(node_id: Any) -> str:
        return names.get(node_id) or (hp.runs[node_id]["name"] if node_id in hp.runs else str(node_id))

    total_nodes = 0
    for name, run_id, since, max_nodes, extras in table:

        async def case(run_id: Any = run_id, since: dt.datetime = since, max_nodes: int = max_nodes, extras: bool = extras) -> None:
            nonlocal total_nodes
            async with db.session_context() as session:
                try:
                    graph = await db.queries.flow_run_graph_v2(session=session, flow_run_id=run_id, since=since, max_nodes=max_nodes, max_artifacts=10000)
                except FlowRunGraphTooLarge:
                    graph = None
                except ObjectNotFoundError:
                    # Prefect's 404 comes from the bounds query finding no run
                    bounds = hp.q.rows("flow_run_graph_v2_bounds", {"flow_run_id": run_id})
                    expect(not bounds, f"Prefect: flow run not found; flowdb's flow_run_graph_v2_bounds returned {bounds}")
                    return
            # Prefect asks for max_nodes + 1 rows and raises when it gets more than max_nodes
            rows = hp.q.rows("flow_run_graph_v2", {"flow_run_id": run_id, "since": since, "max_nodes": max_nodes + 1})
            if graph is None:
                expect(len(rows) > max_nodes, f"Prefect raised FlowRunGraphTooLarge (more than {max_nodes} nodes), flowdb returned {len(rows)} row(s) for max_nodes {max_nodes + 1}")
                return
            nodes = dict(graph.nodes)
            got = {parse_uuid(r["id"]): r for r in rows}
            expect(len(got) == len(rows), "flowdb returned a node twice")
            expect(
                set(nodes) == set(got),
                f"node ids: only Prefect {sorted(map(nm, set(nodes) - set(got)))}, only flowdb {sorted(map(nm, set(got) - set(nodes)))}",
            )
            problems = []
            for node_id, node in nodes.items():
                row = got[node_id]
                mine = {
                    "kind": row.get("kind"),
                    "label": row.get("label"),
                    "state_type": row.get("state_type"),
                    "start_time": parse_ts(row.get("start_time")),
                    "end_time": parse_ts(row.get("end_time")),
                    "parents": sorted(map(nm, set(parse_uuid_list(row.get("parent_ids"))))),
                    "children": sorted(map(nm, set(parse_uuid_list(row.get("child_ids"))))),
                    "encapsulating": sorted(map(nm, set(parse_uuid_list(row.get("encapsulating_ids"))))),
                }
                theirs = {
                    "kind": node.kind,
                    "label": node.label,
                    "state_type": node.state_type.value,
                    "start_time": as_utc(node.start_time),
                    "end_time": as_utc(node.end_time),
                    "parents": sorted(map(nm, {e.id for e in node.parents})),
                    "children": sorted(map(nm, {e.id for e in node.children})),
                    "encapsulating": sorted(map(nm, {e.id for e in node.encapsulating})),
                }
                for k in theirs:
                    if theirs[k] != mine[k]:
                        problems.append(f"node {nm(node_id)} {k}: Prefect {theirs[k]!r}, flowdb {mine[k]!r}")
            order_key = {i: (as_utc(n.start_time), as_utc(n.end_time)) for i, n in nodes.items()}
            problems += compare_ordered(
                lambda i: order_key.get(i, ("<unknown>", str(i))), [i for i, _ in graph.nodes], [parse_uuid(r["id"]) for r in rows], False, set(nodes), nm
            )
            roots = {parse_uuid(r["id"]) for r in rows if not parse_uuid_list(r.get("parent_ids"))}
            if roots != set(graph.root_node_ids):
                problems.append(f"root nodes: Prefect {sorted(map(nm, graph.root_node_ids))}, flowdb {sorted(map(nm, roots))}")
            if extras:
                bounds = hp.q.rows("flow_run_graph_v2_bounds", {"flow_run_id": run_id})
                mine_bounds = (parse_ts(bounds[0].get("start_time")), parse_ts(bounds[0].get("end_time"))) if bounds else None
                if mine_bounds != (as_utc(graph.start_time), as_utc(graph.end_time)):
                    problems.append(f"bounds: Prefect {(graph.start_time, graph.end_time)}, flowdb {bounds}")
                states_rows = hp.q.rows("flow_run_graph_v2_states", {"flow_run_id": run_id})
                mine_states = [(parse_uuid(s.get("id")), parse_ts(s.get("timestamp")), s.get("type"), s.get("name")) for s in states_rows]
                their_states = [(s.id, as_utc(s.timestamp), s.type.value, s.name) for s in graph.states]
                if mine_states != their_states:
                    problems.append(f"states: Prefect {their_states}, flowdb {mine_states}")
                art_rows = hp.q.rows("flow_run_graph_v2_artifacts", {"flow_run_id": run_id, "max_artifacts": 10000})

                def art(a: Any, task_run_id: Any) -> tuple[Any, ...]:
                    return (a.id, as_utc(a.created), a.key, a.type, a.is_latest, a.data if a.type == "progress" else None, task_run_id)

                def art_row(r: dict[str, Any]) -> tuple[Any, ...]:
                    data = parse_json(r.get("data")) if r.get("type") == "progress" else None
                    return (
                        parse_uuid(r.get("id")),
                        parse_ts(r.get("created")),
                        r.get("key"),
                        r.get("type"),
                        bool(r.get("is_latest")),
                        data if r.get("type") == "progress" else None,
                        parse_uuid(r.get("task_run_id")),
                    )

                theirs_art = [art(a, None) for a in graph.artifacts] + [art(a, i) for i, n in graph.nodes for a in n.artifacts]
                mine_art = [art_row(r) for r in art_rows if r.get("task_run_id") is None or parse_uuid(r.get("task_run_id")) in nodes]
                if sorted(mine_art, key=str) != sorted(theirs_art, key=str):
                    problems.append(f"artifacts (id, created, key, type, is_latest, progress data, task run):\n  Prefect {theirs_art}\n  flowdb  {mine_art}")
                flow_level = [a for a in mine_art if a[6] is None]
                if [a[0] for a in flow_level] != [a.id for a in graph.artifacts]:
                    problems.append(f"flow-level artifacts in order: Prefect {[a.id for a in graph.artifacts]}, flowdb {[a[0] for a in flow_level]}")
            if problems:
                raise StepFailed(f"graph of {nm(run_id)} since {since.isoformat()}:\n" + "\n".join(problems))
            total_nodes += len(nodes)

        await cases.check(name, case)
    return cases.verdict("flow run graph") + f", {total_nodes} nodes in all"


async def read_prefect_run(run_id: Any) -> tuple[dict[str, Any], Any, list[Any]]:
    """Prefect's view of a run: its columns, its current state and its state history."""
    from prefect.server import models

    async with provide_db().session_context() as session:
        run_ = await models.flow_runs.read_flow_run(session=session, flow_run_id=run_id)
        expect(run_ is not None, f"Prefect cannot read flow run {run_id}")
        state = run_.state.as_state() if run_.state else None
        history = [s.as_state() for s in await models.flow_run_states.read_flow_run_states(session=session, flow_run_id=run_id)]
        return run_snapshot(run_), state, history


async def prefect_set_state(run_id: Any, state: Any, core: bool) -> Any:
    """models.flow_runs.set_flow_run_state as POST /flow_runs/{id}/set_state runs it: the core
    policy (core=True) or force=True (Prefect's global transforms only)."""
    from prefect.server import models
    from prefect.server.orchestration.core_policy import CoreFlowPolicy

    async with provide_db().session_context(begin_transaction=True, with_for_update=True) as session:
        result = await models.flow_runs.set_flow_run_state(
            session=session, flow_run_id=run_id, state=state, force=not core, flow_policy=CoreFlowPolicy if core else None
        )
    expect_equal(str(result.status.value), "ACCEPT", f"Prefect setting {state.type.value} on {run_id}")
    return result.state


RUN_STATE_COLUMNS = [
    "state_type",
    "state_name",
    "state_timestamp",
    "expected_start_time",
    "next_scheduled_start_time",
    "start_time",
    "end_time",
    "total_run_time",
    "run_count",
]


async def hot_path_state_interchange(hp: HotPath) -> str:
    """flowdb's set_flow_run_state writes states that Prefect's models and REST API read, and on
    which Prefect's orchestration goes on; Prefect's states are what flowdb reads."""
    import uuid

    from prefect.server.schemas import states

    cases = Cases()

    def flowdb_set(run_id: Any, state_type: str, state_name: str, ts: dt.datetime, **extra: Any) -> tuple[Any, dict[str, Any]]:
        state_id = uuid.uuid4()
        args = {
            "flow_run_id": run_id,
            "state_id": state_id,
            "state_type": state_type,
            "state_name": state_name,
            "state_timestamp": ts,
            "state_details": {"flow_run_id": str(run_id)},
            **extra,
        }
        rows = hp.q.rows("set_flow_run_state", args)
        expect(len(rows) == 1, f"set_flow_run_state returned {len(rows)} rows: {rows}")
        return state_id, rows[0]

    def applied(out: dict[str, Any], state_id: Any, what: str) -> None:
        expect(bool(out.get("found")) and bool(out.get("applied")), f"flowdb did not apply {what}: {out}")
        expect_equal(parse_uuid(out.get("current_state_id")), state_id, f"current_state_id flowdb reports after {what}")

    async def core_transitions_read_by_prefect() -> None:
        """SCHEDULED -> PENDING -> RUNNING by flowdb on x1, by Prefect's core policy on its twin
        y1 (same flow, same schedule): Prefect reads the same run columns on both; the REST API
        serves flowdb's states; Prefect's orchestration completes the run from flowdb's RUNNING."""
        x, y = hp.twins["x1"], hp.twins["y1"]
        _, x_initial, _ = await read_prefect_run(x)
        await prefect_set_state(y, states.Pending(), core=True)
        ts_pending = dt.datetime.now(UTC)
        pending_id, out = flowdb_set(
            x, "PENDING", "Pending", ts_pending, expected_state_type="SCHEDULED",
            state_details={"flow_run_id": str(x), "scheduled_time": to_json_arg(x_initial.state_details.scheduled_time)},
        )
        applied(out, pending_id, "SCHEDULED -> PENDING")
        xs, x_state, _ = await read_prefect_run(x)
        ys, y_state, _ = await read_prefect_run(y)
        expect_equal(xs["state_id"], pending_id, "flow_run.state_id Prefect reads after flowdb's PENDING")
        expect_equal((x_state.id, x_state.type.value, x_state.name, as_utc(x_state.timestamp)), (pending_id, "PENDING", "Pending", ts_pending), "the state Prefect reads")
        expect_equal(as_utc(x_state.state_details.scheduled_time), as_utc(y_state.state_details.scheduled_time), "state_details.scheduled_time (Prefect's CopyScheduledTime)")
        diff = compare_run_values({k: ys[k] for k in RUN_STATE_COLUMNS if k != "state_timestamp"}, xs)
        expect(not diff, "after PENDING, Prefect reads from flowdb's run vs its own orchestrated twin: " + "; ".join(diff))
        expect_equal(xs["state_timestamp"], ts_pending, "flow_run.state_timestamp")

        await prefect_set_state(y, states.Running(), core=True)
        ts_running = dt.datetime.now(UTC)
        running_id, out = flowdb_set(x, "RUNNING", "Running", ts_running, expected_state_type="PENDING", expected_state_id=pending_id)
        applied(out, running_id, "PENDING -> RUNNING")
        xs, x_state, _ = await read_prefect_run(x)
        ys, y_state, _ = await read_prefect_run(y)
        expect_equal(xs["start_time"], ts_running, "flow_run.start_time after flowdb's RUNNING (Prefect's SetStartTime: the state's timestamp)")
        expect_equal(ys["start_time"], ys["state_timestamp"], "Prefect's own twin: start_time = RUNNING state timestamp")
        diff = compare_run_values({k: ys[k] for k in RUN_STATE_COLUMNS if k not in ("state_timestamp", "start_time")}, xs)
        expect(not diff, "after RUNNING, Prefect reads from flowdb's run vs its own orchestrated twin: " + "; ".join(diff))

        import httpx
        from asgi_lifespan import LifespanManager

        from prefect.server.api.server import create_app

        app = create_app(webserver_only=True, ignore_cache=True)
        async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://interop/api", timeout=60) as client:

                async def call(method: str, path: str, **kwargs: Any) -> Any:
                    response = await client.request(method, path, **kwargs)
                    if response.status_code >= 300:
                        raise StepFailed(f"{method} /api{path} -> HTTP {response.status_code}: {response.text[:2000]}")
                    return response.json()

                doc = await call("GET", f"/flow_runs/{x}")
                expect_equal(
                    (doc["state"]["id"], doc["state_type"], doc["state_name"], doc["run_count"]),
                    (str(running_id), "RUNNING", "Running", 1),
                    "GET /flow_runs/{id}: state id, type, name, run_count",
                )
                expect_equal(as_utc(dt.datetime.fromisoformat(doc["start_time"])), ts_running, "GET /flow_runs/{id}: start_time")
                history = await call("GET", "/flow_run_states/", params={"flow_run_id": str(x)})
                expect_equal(
                    [(h["id"], h["type"]) for h in history],
                    [(str(x_initial.id), "SCHEDULED"), (str(pending_id), "PENDING"), (str(running_id), "RUNNING")],
                    "GET /flow_run_states/",
                )
                found = await call("POST", "/flow_runs/filter", json={"flow_runs": {"id": {"any_": [str(x)]}, "state": {"type": {"any_": ["RUNNING"]}}}})
                expect_equal([f["id"] for f in found], [str(x)], "POST /flow_runs/filter by state RUNNING")
                done = await call("POST", f"/flow_runs/{x}/set_state", json={"state": {"type": "COMPLETED"}})
                expect_equal(done["status"], "ACCEPT", "POST /flow_runs/{id}/set_state COMPLETED (core policy, from flowdb's RUNNING)")
                ts_done = as_utc(dt.datetime.fromisoformat(done["state"]["timestamp"]))
        await dispose_prefect_engines()
        row = hp.q.rows("read_flow_runs", {"id_any": [x]})
        expect(len(row) == 1, f"flowdb read_flow_runs id_any [{x}]: {row}")
        mine = flowdb_run_values(row[0])
        expect_equal(
            (mine["state_type"], mine["state_id"] is not None, mine["end_time"], mine["run_count"]),
            ("COMPLETED", True, ts_done, 1),
            "flowdb reads Prefect's completion: state_type, state_id set, end_time, run_count",
        )
        expect(
            abs(mine["total_run_time"].total_seconds() - (ts_done - ts_running).total_seconds()) < 1e-6,
            f"total_run_time {mine['total_run_time']} != COMPLETED - RUNNING (flowdb's state) = {ts_done - ts_running} (Prefect's IncrementRunTime)",
        )
        hp.twins["x1_completed"] = mine["state_id"]

    async def stale_expectations_refused() -> None:
        x = hp.twins["x1"]
        before, state_before, history_before = await read_prefect_run(x)
        _, out = flowdb_set(x, "PENDING", "Pending", dt.datetime.now(UTC), expected_state_type="SCHEDULED")
        expect(bool(out.get("found")) and not out.get("applied"), f"expected_state_type SCHEDULED on a COMPLETED run: {out}")
        expect_equal(out.get("current_state_type"), "COMPLETED", "current_state_type flowdb reports")
        _, out = flowdb_set(x, "PENDING", "Pending", dt.datetime.now(UTC), expected_state_id=uuid.uuid4())
        expect(bool(out.get("found")) and not out.get("applied"), f"a stale expected_state_id: {out}")
        rows = hp.q.rows(
            "set_flow_run_state",
            {"flow_run_id": uuid.uuid4(), "state_id": uuid.uuid4(), "state_type": "PENDING", "state_name": "Pending", "state_timestamp": dt.datetime.now(UTC)},
        )
        # no row, or a row that says not found
        expect(all(not r.get("found") and not r.get("applied") for r in rows), f"an unknown flow run: {rows}")
        after, state_after, history_after = await read_prefect_run(x)
        expect_equal(state_after.id, state_before.id, "the state Prefect reads after refused writes")
        expect_equal(len(history_after), len(history_before), "the number of states Prefect reads after refused writes")
        expect(not compare_run_values(before, after), "the run changed: " + "; ".join(compare_run_values(before, after)))

    chain_diffs: dict[str, list[str]] = {"columns": [], "total_run_time": [], "state": []}

    async def same_chain_both_ways() -> None:
        """Chains of states on x2 and x3 by flowdb and on their twins y2 and y3 by Prefect
        (force=True: only Prefect's global transforms, the column rules flowdb implements), with
        the same timestamps; after every transition the differences are collected for the cases
        below. "initial" stands for the run's own scheduled time."""
        t = hp.base - dt.timedelta(minutes=15)
        retry_at = hp.base - dt.timedelta(minutes=2, microseconds=-4321)
        chains = {
            "2": [
                ("PENDING", "Pending", None),
                ("RUNNING", "Running", None),
                ("FAILED", "Failed", None),
                ("SCHEDULED", "AwaitingRetry", retry_at),
                ("PENDING", "Pending", None),
                ("RUNNING", "Retrying", None),
                ("PAUSED", "Paused", None),
                ("RUNNING", "Running", None),
                ("COMPLETED", "Completed", None),
            ],
            "3": [
                ("SCHEDULED", "Late", "initial"),
                ("CANCELLED", "Cancelled", None),
                ("SCHEDULED", "Scheduled", retry_at + dt.timedelta(minutes=1)),
                ("RUNNING", "Running", None),
                ("CRASHED", "Crashed", None),
                ("SCHEDULED", "AwaitingRetry", retry_at),
                ("PENDING", "Pending", None),
                ("CANCELLING", "Cancelling", None),
                ("CANCELLED", "Cancelled", None),
            ],
        }
        for pair, chain in chains.items():
            x, y = hp.twins[f"x{pair}"], hp.twins[f"y{pair}"]
            _, previous, _ = await read_prefect_run(x)
            initial = previous.state_details.scheduled_time
            for n, (state_type, state_name, scheduled) in enumerate(chain):
                if scheduled == "initial":
                    scheduled = initial
                ts = t + dt.timedelta(seconds=7 * n, microseconds=123457 * n)
                kwargs: dict[str, Any] = {"type": states.StateType(state_type), "name": state_name, "timestamp": ts}
                if scheduled:
                    kwargs["state_details"] = states.StateDetails(scheduled_time=scheduled)
                await prefect_set_state(y, states.State(**kwargs), core=False)
                extra: dict[str, Any] = {"expected_state_type": previous.type.value, "expected_state_id": previous.id}
                if scheduled:
                    extra["scheduled_time"] = scheduled
                state_id, out = flowdb_set(x, state_type, state_name, ts, **extra)
                applied(out, state_id, f"x{pair} step {n} -> {state_type}/{state_name}")
                xs, x_state, _ = await read_prefect_run(x)
                ys, y_state, _ = await read_prefect_run(y)
                where = f"x{pair}/y{pair} after step {n} ({previous.type.value} -> {state_type}/{state_name})"
                for bucket, columns in (("columns", [c for c in RUN_STATE_COLUMNS if c != "total_run_time"]), ("total_run_time", ["total_run_time"])):
                    diff = compare_run_values({k: ys[k] for k in columns}, xs)
                    if diff:
                        chain_diffs[bucket].append(f"{where}: " + "; ".join(diff))
                x_details = (x_state.type.value, x_state.name, as_utc(x_state.timestamp), as_utc(x_state.state_details.scheduled_time))
                y_details = (y_state.type.value, y_state.name, as_utc(y_state.timestamp), as_utc(y_state.state_details.scheduled_time))
                if x_details != y_details:
                    chain_diffs["state"].append(
                        f"{where}: state (type, name, timestamp, state_details.scheduled_time) Prefect reads: from Prefect's twin {y_details}, from flowdb's {x_details}"
                    )
                previous = x_state

    def chain_case(bucket: str) -> Callable[[], None]:
        def check() -> None:
            found = chain_diffs[bucket]
            shown = found[:6] + ([f"... and {len(found) - 6} more"] if len(found) > 6 else [])
            expect(not found, "flowdb's runs (x2, x3) vs Prefect's twins (y2, y3), read by Prefect:\n" + "\n".join(shown))

        return check

    async def prefect_sets_flowdb_reads() -> None:
        z = hp.twins["z"]
        urgent = hp.queues["a-urgent"]["id"]

        def polled() -> list[Any]:
            return [parse_uuid(r["id"]) for r in hp.q.rows("get_scheduled_flow_runs_from_work_pool", {"work_queue_ids": [urgent]})]

        def flowdb_run() -> dict[str, Any]:
            rows = hp.q.rows("read_flow_runs", {"id_any": [z]})
            expect(len(rows) == 1, f"flowdb read_flow_runs id_any [{z}]: {rows}")
            return flowdb_run_values(rows[0])

        def count(state_type: str) -> int:
            return hp.q.rows("count_flow_runs", {"id_any": [z], "state_type_any": [state_type]})[0]["count"]

        expect(z in polled(), "the SCHEDULED run is not in flowdb's worker poll before Prefect moves it")
        pending = await prefect_set_state(z, states.Pending(), core=True)
        mine = flowdb_run()
        expect_equal(
            (mine["state_id"], mine["state_type"], mine["state_name"], mine["next_scheduled_start_time"], mine["state_timestamp"]),
            (pending.id, "PENDING", "Pending", None, as_utc(pending.timestamp)),
            "flowdb reads Prefect's PENDING (state_id, type, name, next_scheduled_start_time, state_timestamp)",
        )
        expect_equal((count("PENDING"), count("SCHEDULED")), (1, 0), "flowdb counts by state type (PENDING, SCHEDULED)")
        expect(z not in polled(), "the PENDING run is still in flowdb's worker poll")
        running = await prefect_set_state(z, states.Running(), core=True)
        mine = flowdb_run()
        prefect_view, _, _ = await read_prefect_run(z)
        diff = compare_run_values(prefect_view, mine)
        expect(not diff, "after Prefect's RUNNING, flowdb reads: " + "; ".join(diff))
        expect_equal((mine["state_id"], mine["start_time"], mine["run_count"]), (running.id, as_utc(running.timestamp), 1), "state_id, start_time, run_count")
        states_rows = hp.q.rows("flow_run_graph_v2_states", {"flow_run_id": z})
        expect_equal([s.get("type") for s in states_rows], ["SCHEDULED", "PENDING", "RUNNING"], "flowdb's flow_run_graph_v2_states types")
        expect_equal(parse_uuid(states_rows[-1].get("id")), running.id, "the last state flowdb lists")

    await cases.check("flowdb SCHEDULED -> PENDING -> RUNNING; Prefect models + REST API read it and complete the run", core_transitions_read_by_prefect)
    await cases.check("flowdb refuses stale expected states; Prefect sees nothing change", stale_expectations_refused)
    await cases.check("flowdb and Prefect (force) apply the same 2 chains of 9 states", same_chain_both_ways)
    await cases.check("... same state_type/name/timestamp, start/end/expected/next scheduled times, run_count", chain_case("columns"))
    # On SQLite, run time is added to the microsecond (Prefect adds Python timedeltas), not
    # through julianday(), which keeps milliseconds.
    await cases.check("... same total_run_time", chain_case("total_run_time"))
    # A SCHEDULED state carries its scheduled_time in state_details, as Prefect's Scheduled()
    # does (else Prefect's validator fills in *now*, and WaitForScheduledTime sees that).
    await cases.check(
        "... same state rows (type, name, timestamp, state_details.scheduled_time)",
        chain_case("state"),
    )
    await cases.check("Prefect sets PENDING, RUNNING; flowdb reads, counts and polls accordingly", prefect_sets_flowdb_reads)
    return cases.verdict("state interchange")


async def hot_path_configuration(hp: HotPath) -> str:
    """read_configuration_value / write_configuration_value / delete_configuration_value against
    Prefect's models.configuration. Prefect caches values it read (per process, an hour); after
    flowdb changes a key this process's cache entry is dropped, as another server process
    would not have it."""
    import uuid

    from prefect.server import models
    from prefect.server.schemas import core

    db = provide_db()

    def flowdb_read(key: str) -> Any:
        rows = hp.q.rows("read_configuration_value", {"key": key})
        expect(len(rows) <= 1, f"read_configuration_value {key}: {rows}")
        return parse_json(rows[0].get("value")) if rows else None

    async def prefect_read(key: str) -> Any:
        db.queries.clear_configuration_value_cache_for_key(key=key)
        async with db.session_context() as session:
            cfg = await models.configuration.read_configuration(session=session, key=key)
            return None if cfg is None else cfg.value

    async with db.session_context() as session:
        theirs = (await models.configuration.read_configuration(session=session, key="hp-config")).value
    expect_equal(flowdb_read("hp-config"), theirs, "flowdb reads the value Prefect wrote")
    expect_equal(flowdb_read("hp-no-such-key"), None, "flowdb reads a missing key")
    value = {"written": "by flowdb", "n": [1, 2, {"x": None}], "ü": True}
    hp.q("write_configuration_value", {"id": uuid.uuid4(), "key": "hp-from-flowdb", "value": value, "now": dt.datetime.now(UTC)})
    expect_equal(await prefect_read("hp-from-flowdb"), value, "Prefect reads a key flowdb inserted")
    updated = {"a": 2, "replaced": "by flowdb"}
    hp.q("write_configuration_value", {"id": uuid.uuid4(), "key": "hp-config", "value": updated, "now": dt.datetime.now(UTC)})
    expect_equal(await prefect_read("hp-config"), updated, "Prefect reads the value flowdb updated")
    async with db.session_context(begin_transaction=True) as session:
        await models.configuration.write_configuration(session=session, configuration=core.Configuration(key="hp-config", value={"back": "to Prefect"}))
    expect_equal(flowdb_read("hp-config"), {"back": "to Prefect"}, "flowdb reads Prefect's update")
    hp.q("delete_configuration_value", {"key": "hp-from-flowdb"})
    expect_equal(await prefect_read("hp-from-flowdb"), None, "Prefect reads a key flowdb deleted")
    return "read, insert, update and delete interchange both ways"


async def hot_path_output_types(hp: HotPath) -> str:
    """`flowdb query run --json` prints values as documented: timestamps in RFC 3339, intervals
    in seconds, JSON columns parsed."""
    cases = Cases()

    def check() -> None:
        problems: list[str] = []

        def want(ok: bool, where: str, value: Any, what: str) -> None:
            if not ok:
                problems.append(f"{where}: {value!r} ({what})")

        run_ = next(r for r in hp.runs.values() if r["state_type"] == "COMPLETED" and r["name"].startswith("hp-"))
        row = hp.q.rows("read_flow_runs", {"id_any": [run_["id"]]})[0]
        for column in ("created", "updated", "expected_start_time", "start_time", "end_time", "state_timestamp"):
            want(is_rfc3339(row.get(column)), f"read_flow_runs {column}", row.get(column), "not RFC 3339")
        want(isinstance(row.get("total_run_time"), (int, float)), "read_flow_runs total_run_time", row.get("total_run_time"), "not seconds")
        for column in ("parameters", "tags", "empirical_policy", "labels", "context", "job_variables"):
            want(not isinstance(row.get(column), str), f"read_flow_runs {column}", row.get(column), "JSON left as text")
        cfg = hp.q.rows("read_configuration_value", {"key": "hp-config"})
        want(bool(cfg) and isinstance(cfg[0].get("value"), dict), "read_configuration_value value", cfg and cfg[0].get("value"), "JSON left as text")
        nodes = hp.q.rows("flow_run_graph_v2", {"flow_run_id": hp.graph["parent"], "since": dt.datetime(1, 1, 1, tzinfo=UTC), "max_nodes": 100})
        node = next(n for n in nodes if n.get("parent_ids"))
        want(is_rfc3339(node.get("start_time")), "flow_run_graph_v2 start_time", node.get("start_time"), "not RFC 3339")
        want(isinstance(node.get("parent_ids"), list), "flow_run_graph_v2 parent_ids", node.get("parent_ids"), "not a JSON array")
        state = hp.q.rows("flow_run_graph_v2_states", {"flow_run_id": hp.graph["parent"]})[0]
        want(is_rfc3339(state.get("timestamp")), "flow_run_graph_v2_states timestamp", state.get("timestamp"), "not RFC 3339")
        artifacts = hp.q.rows("flow_run_graph_v2_artifacts", {"flow_run_id": hp.graph["parent"], "max_artifacts": 100})
        progress = next(a for a in artifacts if a.get("type") == "progress")
        want(is_rfc3339(progress.get("created")), "flow_run_graph_v2_artifacts created", progress.get("created"), "not RFC 3339")
        want(not isinstance(progress.get("data"), str), "flow_run_graph_v2_artifacts data", progress.get("data"), "JSON left as text")
        expect(not problems, "\n".join(problems))

    # On SQLite a computed column has no declared type; flowdb reads the catalogue's computed
    # result columns (the graph's coalesced times, its json_group_array id lists) as their kind.
    await cases.check("timestamps RFC 3339, intervals in seconds, JSON parsed", check)
    return cases.verdict("output type")


def flowdb_url_for(url: str) -> str:
    """The URL flowdb is given: the same database; on a loopback PostgreSQL without TLS options,
    TLS is switched off, which saves a TLS handshake (~0.1 s here) in each of the ~200
    `flowdb query run` processes."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql") or parsed.host not in ("127.0.0.1", "localhost", "::1"):
        return url
    if any(k in parsed.query for k in ("ssl", "sslmode")):
        return url
    key = "ssl" if parsed.drivername.endswith("+asyncpg") else "sslmode"
    return parsed.update_query_dict({key: "disable"}).render_as_string(hide_password=False)


async def scenario_hot_path(args: argparse.Namespace, rep: Reporter, url: str) -> None:
    """Prefect migrates an empty database and its models fill it; flowdb's query components are
    then compared, case by case, with the Prefect functions they re-implement."""
    await use_database(url, args.work / f"{args.dialect}-hot-path-home")
    query = FlowdbQuery(args.flowdb, flowdb_url_for(url))
    hp = HotPath(args.dialect, query)

    async def prefect_migrates() -> str:
        if args.dialect == "postgresql":
            # PostgreSQL's JIT compiles the graph query (its jsonb_each row estimates put it
            # far over jit_above_cost) in ~1.7 s per call here, Prefect's and flowdb's alike;
            # off for this database (results are the same either way).
            await _pg_admin(url, [f'ALTER DATABASE "{make_url_database(url)}" SET jit = off'])
        with CaptureAlembic() as captured:
            await provide_db().create_db()
        await dispose_prefect_engines()
        ran = [m for m in captured.messages if m.startswith("Running upgrade")]
        import sqlalchemy as sa

        async with provide_db().session_context() as session:
            version = (await session.execute(sa.text("SELECT version_num FROM alembic_version"))).scalars().all()
        expect_equal(version, [ALEMBIC_HEADS[args.dialect]], "alembic_version")
        return f"{len(ran)} alembic revisions now" + (" (already at head: the database prefect-first migrated)" if not ran else "")

    await step(rep, "prefect migrates the database to head (alembic)", prefect_migrates)
    await step(rep, "prefect models write the seeded data set", lambda: hot_path_seed(hp, args.hot_path_seed))
    await step(rep, "flowdb query run --json: value types", lambda: hot_path_output_types(hp), fatal=False)
    await step(rep, "worker poll: get_scheduled_flow_runs_from_work_pool", lambda: hot_path_worker_poll(hp), fatal=False)
    await step(rep, "work-queue poll: get_scheduled_flow_runs_from_work_queues", lambda: hot_path_legacy_poll(hp), fatal=False)
    await step(rep, "read_flow_runs: filters, every sort, limit/offset", lambda: hot_path_read_flow_runs(hp), fatal=False)
    await step(rep, "count_flow_runs: filters", lambda: hot_path_count_flow_runs(hp), fatal=False)
    await step(rep, "flow run history (run_history)", lambda: hot_path_history(hp), fatal=False)
    await step(rep, "flow run graph v2", lambda: hot_path_graph(hp), fatal=False)
    await step(rep, "configuration values", lambda: hot_path_configuration(hp), fatal=False)
    await step(rep, "state interchange: flowdb writes, Prefect reads and orchestrates, and back", lambda: hot_path_state_interchange(hp), fatal=False)
    await dispose_prefect_engines()
    rep.line("INFO", "flowdb query run calls", f"{query.calls}", 0.0)


# --------------------------------------------------------------------------------------------
# PostgreSQL administration for the driver script (no Prefect import: asyncpg and SQLAlchemy's
# URL parser, both installed with Prefect)

DB_NAME_RE = re.compile(r"^flowdb_interop_[0-9]+_[0-9]+$")


def make_url_database(url: str) -> str:
    from sqlalchemy.engine import make_url

    return str(make_url(url).database)


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
    import prefect_template_fuzz as fuzz  # its defaults (it imports nothing of Prefect's at import)

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    run_ = commands.add_parser("run", help="run the scenarios of one dialect, each on an EMPTY database")
    run_.add_argument("--flowdb", required=True, help="path of the flowdb binary")
    run_.add_argument("--dialect", required=True, choices=sorted(ALEMBIC_HEADS))
    run_.add_argument("--prefect-first", metavar="URL", help="run prefect-first on this empty database (sqlite+aiosqlite / postgresql+asyncpg URL)")
    run_.add_argument("--flowdb-first", metavar="URL", help="run flowdb-first on this empty database")
    run_.add_argument("--hot-path", metavar="URL", help="run hot-path (flowdb's query components against Prefect's functions) on this empty database")
    run_.add_argument("--hot-path-seed", type=int, default=HOT_PATH_SEED, help=f"seed of hot-path's random data set (default {HOT_PATH_SEED})")
    run_.add_argument(
        "--template-fuzz",
        metavar="URL",
        help="run template-fuzz (randomized worker and work-queue polls, flowdb against Prefect; scripts/prefect_template_fuzz.py) on this empty database",
    )
    run_.add_argument("--fuzz-seed", type=int, default=None, help="seed of template-fuzz (default: a random one, printed)")
    run_.add_argument("--fuzz-datasets", type=int, default=fuzz.DEFAULT_DATASETS, help=f"template-fuzz: how many data sets (default {fuzz.DEFAULT_DATASETS})")
    run_.add_argument("--fuzz-dataset", type=int, default=None, metavar="N", help="template-fuzz: only data set N of the seed (to reproduce a failure)")
    run_.add_argument(
        "--fuzz-worker-cases", type=int, default=fuzz.DEFAULT_WORKER_CASES, help=f"template-fuzz: worker poll cases per data set (default {fuzz.DEFAULT_WORKER_CASES})"
    )
    run_.add_argument(
        "--fuzz-legacy-cases", type=int, default=fuzz.DEFAULT_LEGACY_CASES, help=f"template-fuzz: work-queue poll cases per data set (default {fuzz.DEFAULT_LEGACY_CASES})"
    )
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
    if args.hot_path:
        rep = Reporter(f"{args.dialect} hot-path")
        started = time.monotonic()
        try:
            await scenario_hot_path(args, rep, args.hot_path)
        except StepFailed:
            pass
        ok &= summary(rep, started)
    if args.template_fuzz:
        import prefect_template_fuzz

        rep = Reporter(f"{args.dialect} template-fuzz")
        started = time.monotonic()
        try:
            await prefect_template_fuzz.scenario_template_fuzz(args, rep, args.template_fuzz)
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
    if not (args.prefect_first or args.flowdb_first or args.hot_path or args.template_fuzz):
        print("run: give --prefect-first URL, --flowdb-first URL, --hot-path URL and/or --template-fuzz URL", file=sys.stderr)
        return 2
    if args.fuzz_seed is None:
        args.fuzz_seed = int.from_bytes(os.urandom(4), "big") % 1_000_000_000
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
    # scripts/prefect_template_fuzz.py imports this module by name: let it find this very
    # module (its exception classes are the ones `step` catches) instead of loading a copy.
    sys.modules.setdefault("prefect_interop", sys.modules[__name__])
    sys.exit(main(sys.argv[1:]))
