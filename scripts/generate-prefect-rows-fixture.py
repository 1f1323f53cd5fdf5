#!/usr/bin/env python3
"""Generates core/tests/fixtures/prefect-rows/: rows that the real Prefect 3.9.1 wrote, on SQLite
and on PostgreSQL, for core/tests/prefect_rows.rs to load into a flowdb-built schema and read back
through flowdb's typed models, without Prefect at test time.

    target/prefect-venv/bin/python scripts/generate-prefect-rows-fixture.py [--out DIR]

Needs the venv with prefect==3.9.1 (scripts/prefect-interop.sh creates it) and a PostgreSQL
server whose role may create databases: FLOWDB_TEST_POSTGRES_URL, else
postgresql://postgres@127.0.0.1:5432/postgres. A database flowdb_fixture_<pid> is created there
and dropped at the end.

For each dialect, in a process of its own, on an empty database:
  1. Prefect's own migrations build the schema (`PrefectDBInterface.create_db()`, alembic).
  2. Prefect's server models write one data set (`write_dataset`): two flows (tags, labels), a
     work pool with a storage configuration, its default and a second work queue, a worker
     heartbeat, a block type/schema/document (data encrypted by Prefect), a deployment with two
     schedules, a concurrency limit and created_by/updated_by, three flow runs orchestrated
     through Prefect's core policy (Scheduled -> Pending -> Running -> Completed with a cache key,
     total_run_time 90.123456 s; one Paused with a pause key after a run of 3 days; a subflow
     scheduled at an instant given at +05:30), task runs (task_inputs, retry_delay list, a cached
     COMPLETED state), logs (multi-line, unicode, before 1970), a variable, an artifact,
     concurrency limits v1/v2, a saved search, a configuration, a CSRF token, a flow run input,
     an automation and an event.
     The same values on both dialects: ids are fixed or come from seeded stand-ins for uuid4 and
     Prefect's uuid7, state timestamps are given, the Fernet key and IVs are fixed.
  3. The values that come from the wall clock (`created`, `updated`, heartbeats, expirations:
     any timestamp column within a day of now) are then set, through Prefect's own column types
     (`sa.update` on Prefect's tables), to fixed instants that depend on the cell alone; a run's
     state_timestamp is then set to its state's timestamp again, as Prefect keeps it.
  4. Every row of every table but alembic_version is read back two ways:
     - raw, as the dialect stores it (sqlite3 without type conversion; PostgreSQL's text output
       with TimeZone=UTC, DateStyle=ISO, IntervalStyle=postgres), and rendered as SQL literals:
       `<dialect>.sql`, one INSERT per row, tables in foreign-key order then rows by primary key;
       a foreign key that would point forward (use_alter cycles such as flow_run.state_id ->
       flow_run_state, work_pool.default_queue_id -> work_queue) is inserted NULL and set by an
       UPDATE after all inserts, so the file loads with foreign keys enforced;
     - through Prefect's SQLAlchemy tables and column types (Prefect's view: aware datetimes,
       UUIDs, timedeltas, enums, pydantic documents), normalized: UUIDs as lowercase hyphenated
       strings, timestamps as RFC 3339 UTC with 6 fractional digits and `Z`, intervals as total
       microseconds, JSON parsed, pydantic documents as Prefect dumps them to JSON (every field,
       defaults included; sets sorted, timestamps inside normalized as above), enums by name,
       booleans as booleans. Columns of the schema that Prefect's ORM does not map (deployment.
       version_id) are taken raw and listed under "outside_orm".
  5. expected.json holds Prefect's view. Where it differs between the dialects (Prefect's own
     behaviour: the deployment concurrency limit's denied_slots), the cell is left out of
     "tables" and each dialect's value is under "dialect_differences" (also printed on stderr).

Reproducible: the script re-executes itself with PYTHONHASHSEED=0 (set iteration order inside
Prefect's JSON documents); two runs write identical files.
"""

from __future__ import annotations

import os
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable, *sys.argv])

import random
import uuid

# Prefect's ids come from uuid.uuid4 (ORM column defaults, schema default factories) and, for
# states and logs, from its uuid7; both are bound at import time. They are replaced before Prefect
# is imported, by generators that `reset_ids` reseeds before each dialect's data set (each
# dialect runs in a process of its own), so both dialects get the same ids. The uuid7 stand-in
# keeps uuid7's layout and order: a millisecond count (from a fixed instant, one more per call),
# then seeded random bits.
_ID_RNG = random.Random(0)
_UUID7_MS = [0]
UUID7_EPOCH_MS = 1_640_995_200_000  # 2022-01-01T00:00:00Z


def _seeded_uuid4() -> uuid.UUID:
    return uuid.UUID(int=_ID_RNG.getrandbits(128), version=4)


def _seeded_uuid7(ms: int | None = None, time_func: object = None) -> uuid.UUID:
    if ms is None:
        _UUID7_MS[0] += 1
        ms = UUID7_EPOCH_MS + _UUID7_MS[0]
    rand_a = _ID_RNG.getrandbits(12)
    rand_b = _ID_RNG.getrandbits(62)
    value = (int(ms) << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    return uuid.UUID(int=value)


def reset_ids(seed: int) -> None:
    _ID_RNG.seed(seed)
    _UUID7_MS[0] = 0


uuid.uuid4 = _seeded_uuid4  # type: ignore[assignment]

import prefect._internal.uuid7 as _prefect_uuid7  # noqa: E402

_prefect_uuid7.uuid7 = _seeded_uuid7  # type: ignore[assignment]

import argparse  # noqa: E402
import asyncio  # noqa: E402
import datetime as dt  # noqa: E402
import enum  # noqa: E402
import json  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import tempfile  # noqa: E402
import zlib  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

PREFECT_VERSION = "3.9.1"
UTC = dt.timezone.utc
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "core" / "tests" / "fixtures" / "prefect-rows"

# --------------------------------------------------------------------------------------------
# the data set: fixed ids and instants


def fixed_id(n: int) -> uuid.UUID:
    # Version-4 shaped, with mixed hex digits, so a byte-order or case slip shows.
    return uuid.UUID(f"{n:08x}-9c4e-4b1a-8f3d-{0xA1B2C3D4E5F6 + n:012x}")


FLOW_ID = fixed_id(0x10)
FLOW2_ID = fixed_id(0x11)
DEPLOYMENT_ID = fixed_id(0x30)
RUN_IDS = [fixed_id(0x40), fixed_id(0x41), fixed_id(0x42)]
TASK_RUN_IDS = [fixed_id(0x50), fixed_id(0x51)]
BLOCK_TYPE_ID = fixed_id(0x60)
ARTIFACT_ID = fixed_id(0x71)
LIMIT_ID = fixed_id(0x72)
V1_LIMIT_ID = fixed_id(0x73)
SAVED_SEARCH_ID = fixed_id(0x74)
AUTOMATION_ID = fixed_id(0x75)
EVENT_ID = fixed_id(0x76)
CREATOR_ID = fixed_id(0x80)

PARAMETERS = {
    "nested": {"list": [1, 2.5, "three", None, True, False], "empty": {}, "deep": {"a": {"b": {"c": [[]]}}}},
    "unicode": "héllo ✓ 漢字 \U0001f680",
    "quote": "it's \"quoted\" \\ backslash; -- not a comment",
    "big": 9007199254740993,
    "negative": -1.25e-7,
    "date_like": "2021-02-03T04:05:06+05:30",
}
# Instants with distinctive microseconds; one given at +05:30, one in another year.
T0 = dt.datetime(2021, 2, 3, 4, 5, 6, 789012, tzinfo=UTC)
OFFSET_START = dt.datetime(2021, 2, 3, 10, 35, 6, 123456, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30)))
LOG_TIME = dt.datetime(2030, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
CACHE_EXPIRATION = dt.datetime(2031, 7, 1, 12, 0, 0, 500000, tzinfo=UTC)
PAUSE_TIMEOUT = dt.datetime(2021, 2, 8, 0, 0, 0, 1, tzinfo=UTC)
RUN_SECONDS = dt.timedelta(seconds=90, microseconds=123456)
# A run time of days (PostgreSQL keeps an interval's days apart from its microseconds).
LONG_RUN = dt.timedelta(days=3, seconds=3723, microseconds=7)
# Before the Unix epoch; and on a leap day with no fractional second.
BEFORE_EPOCH = dt.datetime(1969, 7, 20, 20, 17, 40, 1, tzinfo=UTC)
WHOLE_SECOND = dt.datetime(2024, 2, 29, 0, 0, 0, tzinfo=UTC)
# The wall-clock values are replaced with instants from here on (step 3).
PIN_BASE = dt.datetime(2022, 6, 15, 13, 14, 15, 161718, tzinfo=UTC)


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


# --------------------------------------------------------------------------------------------
# Prefect set-up


def configure_prefect_environment(home: Path) -> None:
    os.environ.update(
        {
            "PREFECT_HOME": str(home),
            "PREFECT_SERVER_DATABASE_MIGRATE_ON_START": "false",
            "PREFECT_API_DATABASE_MIGRATE_ON_START": "false",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_SERVER_UI_ENABLED": "false",
            "PREFECT_UI_ENABLED": "false",
            "PREFECT_SERVER_LOGGING_LEVEL": "WARNING",
            "PREFECT_LOGGING_LEVEL": "WARNING",
        }
    )
    for name in ("PREFECT_PROFILES_PATH", "PREFECT_API_URL", "PREFECT_API_KEY", "PREFECT_PROFILE"):
        os.environ.pop(name, None)


async def dispose_prefect_engines() -> None:
    from prefect.server.database import dependencies
    from prefect.server.database.configurations import ENGINES

    for key in list(ENGINES):
        engine = ENGINES.pop(key)
        await engine.dispose()
    for key in dependencies.MODELS_DEPENDENCIES:
        dependencies.MODELS_DEPENDENCIES[key] = None  # type: ignore[literal-required]


async def use_database(url: str) -> None:
    import prefect.context
    from prefect.settings import PREFECT_API_DATABASE_CONNECTION_URL

    await dispose_prefect_engines()
    os.environ["PREFECT_API_DATABASE_CONNECTION_URL"] = url
    os.environ["PREFECT_SERVER_DATABASE_CONNECTION_URL"] = url
    prefect.context.refresh_global_settings_context()
    assert PREFECT_API_DATABASE_CONNECTION_URL.value() == url


def provide_db() -> Any:
    from prefect.server.database import provide_database_interface

    return provide_database_interface()


# --------------------------------------------------------------------------------------------
# step 2: the data set, through Prefect's models


async def write_dataset() -> None:
    from prefect.server import models
    from prefect.server.events.models.automations import create_automation
    from prefect.server.events.schemas.automations import Automation, EventTrigger, Posture
    from prefect.server.events.actions import DoNothing
    from prefect.server.events.schemas.events import ReceivedEvent
    from prefect.server.events.storage.database import write_events
    from prefect.server.orchestration.core_policy import CoreFlowPolicy, CoreTaskPolicy
    from prefect.server.schemas import actions, core, states
    from prefect.server.schemas.schedules import CronSchedule, IntervalSchedule

    db = provide_db()

    def accepted(result: Any, what: str) -> None:
        status = str(result.status.value)
        if status != "ACCEPT":
            raise SystemExit(f"Prefect did not accept {what}: {status} {result.details}")

    async with db.session_context(begin_transaction=True) as session:
        await models.flows.create_flow(
            session=session,
            flow=core.Flow(
                id=FLOW_ID,
                name="fixture-flow ✓",
                tags=["etl", "nightly", "ünïcode"],
                labels={"team": "data", "n": 7, "ratio": 2.5, "on": True},
            ),
        )
        await models.flows.create_flow(session=session, flow=core.Flow(id=FLOW2_ID, name="second flow"))

        block_type = await models.block_types.create_block_type(
            session=session,
            block_type=core.BlockType(
                id=BLOCK_TYPE_ID,
                name="Fixture Storage",
                slug="fixture-storage",
                logo_url="https://example.com/logo.png",
                documentation_url="https://example.com/docs",
                description="Stores things ✓",
                code_example="```python\nFixtureStorage.load('x')\n```",
            ),
        )
        block_schema = await models.block_schemas.create_block_schema(
            session=session,
            block_schema=actions.BlockSchemaCreate(
                fields={
                    "title": "FixtureStorage",
                    "type": "object",
                    "properties": {"bucket": {"type": "string"}, "token": {"type": "string", "format": "password"}},
                    "required": ["bucket"],
                    "block_type_slug": "fixture-storage",
                    "secret_fields": ["token"],
                    "block_schema_references": {},
                },
                block_type_id=block_type.id,
                capabilities=["read-path", "write-path"],
                version="3.9.1",
            ),
        )
        block_document = await models.block_documents.create_block_document(
            session=session,
            block_document=actions.BlockDocumentCreate(
                name="fixture-storage-doc",
                data={"bucket": "bücket-1", "token": "s3cr3t ✓"},
                block_schema_id=block_schema.id,
                block_type_id=block_type.id,
            ),
        )

        pool = await models.workers.create_work_pool(
            session=session,
            work_pool=actions.WorkPoolCreate(
                name="fixture-pool",
                type="process",
                description="a pool ✓",
                base_job_template={
                    "job_configuration": {"command": "{{ command }}", "env": "{{ env }}"},
                    "variables": {
                        "type": "object",
                        "properties": {
                            "command": {"type": "string", "default": None},
                            "env": {"type": "object", "additionalProperties": {"type": "string"}},
                        },
                    },
                },
                concurrency_limit=5,
                storage_configuration=core.WorkPoolStorageConfiguration(
                    bundle_upload_step={"prefect_aws.experimental.bundles.upload": {"requires": "prefect-aws", "bucket": "b"}},
                    bundle_execution_step={"prefect_aws.experimental.bundles.execute": {"requires": "prefect-aws"}},
                    default_result_storage_block_id=block_document.id,
                ),
            ),
        )
        pool_id = pool.id
        queue = await models.workers.create_work_queue(
            session=session,
            work_pool_id=pool_id,
            work_queue=actions.WorkQueueCreate(
                name="fixture-queue", description="high priority ✓", concurrency_limit=3, priority=1
            ),
        )
        await models.workers.worker_heartbeat(
            session=session, work_pool_id=pool_id, worker_name="fixture-worker", heartbeat_interval_seconds=30
        )

        deployment = await models.deployments.create_deployment(
            session=session,
            deployment=core.Deployment(
                id=DEPLOYMENT_ID,
                name="fixture-deployment",
                version="1.2.3",
                description="deploys ✓",
                flow_id=FLOW_ID,
                paused=False,
                tags=["etl", "prod"],
                labels={"env": "prod"},
                parameters={"x": 1, "y": [1, 2], "s": "ü"},
                job_variables={"env": {"A": "b"}, "image": "img:1"},
                parameter_openapi_schema={
                    "title": "Parameters",
                    "type": "object",
                    "properties": {"x": {"type": "integer", "title": "x", "position": 0}},
                },
                enforce_parameter_schema=True,
                pull_steps=[{"prefect.deployments.steps.git_clone": {"repository": "https://example.com/r.git", "branch": "main"}}],
                entrypoint="flows/etl.py:main",
                path="/opt/flows",
                work_queue_name="fixture-queue",
                work_queue_id=queue.id,
                concurrency_limit=2,
                created_by=core.CreatedBy(id=CREATOR_ID, type="AUTOMATION", display_value="nightly ✓"),
                updated_by=core.UpdatedBy(id=CREATOR_ID, type="USER", display_value="someone"),
                schedules=[
                    core.DeploymentSchedule(
                        schedule=IntervalSchedule(
                            interval=dt.timedelta(hours=1, microseconds=500000),
                            anchor_date=dt.datetime(2021, 1, 1, 0, 0, 0, 250000, tzinfo=UTC),
                            timezone="America/New_York",
                        ),
                        active=True,
                        parameters={"x": 2},
                        slug="hourly",
                    ),
                    core.DeploymentSchedule(
                        schedule=CronSchedule(cron="0 9 * * 1-5", timezone="Europe/Berlin", day_or=False),
                        active=False,
                        slug="weekdays",
                    ),
                ],
            ),
        )
        assert deployment is not None

        # Flow run 0: a deployment's run, orchestrated Scheduled -> Pending -> Running -> Completed.
        run0 = await models.flow_runs.create_flow_run(
            session=session,
            flow_run=core.FlowRun(
                id=RUN_IDS[0],
                name="fixture-run-0",
                flow_id=FLOW_ID,
                deployment_id=DEPLOYMENT_ID,
                deployment_version="1.2.3",
                flow_version="abc123",
                parameters=PARAMETERS,
                tags=["etl", "run-0"],
                labels={"run": 0},
                context={"k": ["v", 0], "ü": True},
                idempotency_key="idem-0",
                work_queue_id=queue.id,
                work_queue_name="fixture-queue",
                job_variables={"image": "img:2", "cpu": 0.5},
                infrastructure_pid="host:1234",
                empirical_policy=core.FlowRunPolicy(retries=3, retry_delay=10, pause_keys={"pause-b", "pause-a"}, retry_type="in_process"),
                created_by=core.CreatedBy(id=CREATOR_ID, type="DEPLOYMENT", display_value="fixture-deployment"),
                state=states.Scheduled(scheduled_time=T0, timestamp=at(-3600)),
            ),
        )
        async def move_run0(*proposals: Any) -> None:
            for proposed in proposals:
                result = await models.flow_runs.set_flow_run_state(
                    session=session, flow_run_id=run0.id, state=proposed, flow_policy=CoreFlowPolicy
                )
                accepted(result, f"flow run 0 -> {proposed.type.value}")

        await move_run0(states.Pending(timestamp=at(1)), states.Running(timestamp=at(2)))

        # Flow run 1: paused with a pause key and a timeout.
        run1 = await models.flow_runs.create_flow_run(
            session=session,
            flow_run=core.FlowRun(
                id=RUN_IDS[1],
                name="fixture-run-1",
                flow_id=FLOW_ID,
                parameters={"i": 1},
                tags=["run-1"],
                state=states.Scheduled(scheduled_time=at(86400), timestamp=at(-60)),
            ),
        )
        for proposed in (
            states.Pending(timestamp=at(86401)),
            states.Running(timestamp=at(86402)),
            states.Paused(
                timestamp=at(86402) + LONG_RUN,
                pause_key="pause-1",
                timeout_seconds=None,
                pause_expiration_time=PAUSE_TIMEOUT,
            ),
        ):
            result = await models.flow_runs.set_flow_run_state(
                session=session, flow_run_id=run1.id, state=proposed, flow_policy=CoreFlowPolicy
            )
            accepted(result, f"flow run 1 -> {proposed.type.value}")

        # Task runs of flow run 0.
        task1 = await models.task_runs.create_task_run(
            session=session,
            task_run=core.TaskRun(
                id=TASK_RUN_IDS[1],
                flow_run_id=RUN_IDS[0],
                task_key="fixture.upstream",
                dynamic_key="0",
                name="upstream-0",
                state=states.Pending(timestamp=at(3)),
            ),
        )
        task0 = await models.task_runs.create_task_run(
            session=session,
            task_run=core.TaskRun(
                id=TASK_RUN_IDS[0],
                flow_run_id=RUN_IDS[0],
                task_key="fixture.task-✓",
                dynamic_key="1",
                name="fixture-task-run-1",
                task_version="v1",
                tags=["etl", "fixture-tag"],
                labels={"kind": "task"},
                cache_key="task-cache-key",
                cache_expiration=CACHE_EXPIRATION,
                flow_run_run_count=1,
                empirical_policy=core.TaskRunPolicy(retries=2, retry_delay=[1, 2, 4], retry_jitter_factor=0.5),
                task_inputs={
                    "x": [core.TaskRunResult(id=task1.id)],
                    "y": [core.Parameter(name="p")],
                    "z": [core.Constant(type="int")],
                    "none": [],
                },
                state=states.Pending(timestamp=at(4)),
            ),
        )
        for proposed in (
            states.Running(timestamp=at(5)),
            states.Completed(
                timestamp=at(5) + dt.timedelta(seconds=1, microseconds=1),
                state_details=states.StateDetails(cache_key="task-cache-key", cache_expiration=CACHE_EXPIRATION),
            ),
        ):
            result = await models.task_runs.set_task_run_state(
                session=session, task_run_id=task0.id, state=proposed, task_policy=CoreTaskPolicy
            )
            accepted(result, f"task run 0 -> {proposed.type.value}")

        # Flow run 0 ends once its task has.
        await move_run0(
            states.Completed(
                timestamp=at(2) + RUN_SECONDS,
                message="done ✓",
                state_details=states.StateDetails(cache_key="flow-cache-key ✓", cache_expiration=CACHE_EXPIRATION),
            )
        )

        # Flow run 2: a subflow of task run 1 (flow_run.parent_task_run_id -> task_run), scheduled
        # at an instant given at +05:30.
        await models.flow_runs.create_flow_run(
            session=session,
            flow_run=core.FlowRun(
                id=RUN_IDS[2],
                name="fixture-run-2",
                flow_id=FLOW2_ID,
                parent_task_run_id=TASK_RUN_IDS[1],
                parameters={},
                auto_scheduled=True,
                state=states.Scheduled(scheduled_time=OFFSET_START, timestamp=at(-1)),
            ),
        )

        await models.logs.create_logs(
            session=session,
            logs=[
                actions.LogCreate(
                    name="prefect.flow_runs",
                    level=level,
                    message=message,
                    timestamp=timestamp,
                    flow_run_id=RUN_IDS[0],
                    task_run_id=task_run_id,
                )
                for level, message, timestamp, task_run_id in [
                    (20, "started ✓", LOG_TIME, None),
                    (30, "two\nlines 'quoted' \\ ;", LOG_TIME - dt.timedelta(seconds=1, microseconds=1), None),
                    (40, "task failed: 漢字 \U0001f680", LOG_TIME - dt.timedelta(seconds=2, microseconds=2), TASK_RUN_IDS[0]),
                    (10, "before the epoch", BEFORE_EPOCH, None),
                    (50, "", WHOLE_SECOND, TASK_RUN_IDS[1]),
                ]
            ],
        )

        await models.variables.create_variable(
            session=session,
            variable=actions.VariableCreate(
                name="fixture_var", value={"json": [1, "two", None], "f": 1.5, "ü": "✓"}, tags=["etl"]
            ),
        )
        await models.artifacts.create_artifact(
            session=session,
            artifact=core.Artifact(
                id=ARTIFACT_ID,
                key="fixture-artifact",
                type="markdown",
                description="an artifact ✓",
                data="# hello ✓\n\n| a | b |",
                metadata_={"rows": "2"},
                flow_run_id=RUN_IDS[0],
                task_run_id=TASK_RUN_IDS[0],
            ),
        )
        await models.concurrency_limits_v2.create_concurrency_limit(
            session=session,
            concurrency_limit=core.ConcurrencyLimitV2(
                id=LIMIT_ID, name="fixture-limit", limit=3, active=True, slot_decay_per_second=0.1, denied_slots=1
            ),
        )
        await models.concurrency_limits.create_concurrency_limit(
            session=session,
            concurrency_limit=core.ConcurrencyLimit(
                id=V1_LIMIT_ID, tag="fixture-tag", concurrency_limit=4
            ),
        )
        await models.saved_searches.create_saved_search(
            session=session,
            saved_search=core.SavedSearch(
                id=SAVED_SEARCH_ID,
                name="fixture search ✓",
                filters=[core.SavedSearchFilter(object="flow", property="name", type="string", operation="equals", value="fixture-flow ✓")],
            ),
        )
        await models.configuration.write_configuration(
            session=session,
            configuration=core.Configuration(key="fixture-config", value={"enabled": True, "n": 2}),
        )
        # The token is random in Prefect: a fixed one, for a stable fixture.
        token_hex = secrets.token_hex
        secrets.token_hex = lambda nbytes=None: "f1xed" * 12 + "cafe"  # type: ignore[assignment]
        try:
            await models.csrf_token.create_or_update_csrf_token(session=session, client="fixture-client")
        finally:
            secrets.token_hex = token_hex  # type: ignore[assignment]
        await models.flow_run_input.create_flow_run_input(
            session=session,
            flow_run_input=core.FlowRunInput(
                flow_run_id=RUN_IDS[1], key="fixture-input", value=json.dumps({"answer": 42, "ü": "✓"}), sender="prefect.flow-run.x"
            ),
        )

        await create_automation(
            session=session,
            automation=Automation(
                id=AUTOMATION_ID,
                name="fixture-automation",
                description="notices things ✓",
                enabled=True,
                tags=["auto"],
                trigger=EventTrigger(
                    expect={"prefect.flow-run.Failed"},
                    match={"prefect.resource.id": "prefect.flow-run.*"},
                    posture=Posture.Reactive,
                    threshold=2,
                    within=dt.timedelta(seconds=30),
                ),
                actions=[DoNothing()],
                actions_on_trigger=[],
                actions_on_resolve=[DoNothing()],
            ),
        )
        await write_events(
            session=session,
            events=[
                ReceivedEvent(
                    id=EVENT_ID,
                    occurred=at(7),
                    received=at(8),
                    event="prefect.flow-run.Completed",
                    resource={"prefect.resource.id": f"prefect.flow-run.{RUN_IDS[0]}", "prefect.resource.name": "fixture-run-0"},
                    related=[
                        {"prefect.resource.id": f"prefect.flow.{FLOW_ID}", "prefect.resource.role": "flow", "prefect.resource.name": "fixture-flow ✓"}
                    ],
                    payload={"intended": {"from": "RUNNING", "to": "COMPLETED"}, "n": 1.5},
                )
            ],
        )
    await dispose_prefect_engines()


# --------------------------------------------------------------------------------------------
# step 3: fixed instants for the wall-clock values


def data_tables(db: Any) -> list[Any]:
    return [t for name, t in sorted(db.Base.metadata.tables.items()) if name != "alembic_version"]


def primary_key(table: Any) -> list[Any]:
    return list(table.primary_key.columns)


def pinned_instant(table: str, key: list[Any], column: str) -> dt.datetime:
    """The fixed instant for one cell: a function of the cell alone, so that both dialects get
    the same one whatever else differs (on PostgreSQL, now() is one value per transaction)."""
    cell = zlib.crc32(f"{table}|{key_string(key)}|{column}".encode())
    return PIN_BASE + dt.timedelta(seconds=cell % (180 * 86400), microseconds=(cell // 7) % 1_000_000)


async def pin_wall_clock(started: dt.datetime) -> int:
    import sqlalchemy as sa

    from prefect.server.utilities.database import Timestamp

    db = provide_db()
    low, high = started - dt.timedelta(days=1), dt.datetime.now(UTC) + dt.timedelta(days=1)
    pinned = 0
    async with db.session_context(begin_transaction=True) as session:
        for table in data_tables(db):
            ts_columns = [c for c in table.columns if isinstance(c.type, Timestamp)]
            if not ts_columns:
                continue
            pk = primary_key(table)
            rows = (await session.execute(sa.select(*pk, *ts_columns).order_by(*pk))).all()
            for row in rows:
                key = list(row[: len(pk)])
                current = dict(zip((c.name for c in ts_columns), row[len(pk) :]))
                values = {
                    name: pinned_instant(table.name, key, name)
                    for name, value in current.items()
                    if value is not None and low <= value <= high
                }
                if not values:
                    continue
                pinned += len(values)
                if "updated" in current:
                    # set explicitly: its onupdate would make it now()
                    values.setdefault("updated", current["updated"])
                condition = sa.and_(*(c == v for c, v in zip(pk, key)))
                await session.execute(sa.update(table).where(condition).values(**values))
        # Prefect's denormalization: a run's state_timestamp is its current state's timestamp
        for run, state in ((db.FlowRun.__table__, db.FlowRunState.__table__), (db.TaskRun.__table__, db.TaskRunState.__table__)):
            state_time = sa.select(state.c.timestamp).where(state.c.id == run.c.state_id).scalar_subquery()
            await session.execute(
                sa.update(run)
                .where(run.c.state_id.is_not(None))
                .values(state_timestamp=state_time, updated=run.c.updated)
            )
    await dispose_prefect_engines()
    return pinned


# --------------------------------------------------------------------------------------------
# step 4a: Prefect's view, normalized


def rfc3339(value: dt.datetime) -> str:
    if value.tzinfo is None:
        raise SystemExit(f"Prefect returned a naive datetime: {value!r}")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def normalize_document(python: Any, as_json: Any) -> Any:
    """A pydantic document as Prefect writes it (its JSON dump, `as_json`), with what the JSON
    form leaves ambiguous taken from its python dump: sets sorted, instants normalized."""
    if isinstance(python, dt.datetime):
        return rfc3339(python)
    if isinstance(python, (set, frozenset)) and isinstance(as_json, list):
        return sorted(as_json, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(python, dict) and isinstance(as_json, dict) and set(map(str, python)) == set(as_json):
        by_name = {str(k): v for k, v in python.items()}
        return {k: normalize_document(by_name[k], v) for k, v in as_json.items()}
    if isinstance(python, (list, tuple)) and isinstance(as_json, list) and len(python) == len(as_json):
        return [normalize_document(p, j) for p, j in zip(python, as_json)]
    return as_json


def normalize(column: Any, value: Any) -> Any:
    from prefect.server.utilities.database import Pydantic

    if value is None:
        return None
    if isinstance(column.type, Pydantic):
        adapter = column.type._adapter
        return normalize_document(adapter.dump_python(value, mode="python"), adapter.dump_python(value, mode="json"))
    if isinstance(value, bool):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime):
        return rfc3339(value)
    if isinstance(value, dt.timedelta):
        return value // dt.timedelta(microseconds=1)
    if isinstance(value, (int, float, str, dict, list)):
        return value
    raise SystemExit(f"{column.table.name}.{column.name}: cannot normalize {type(value).__name__} {value!r}")


def key_string(values: list[Any]) -> str:
    return ",".join(str(v) for v in values)


async def prefect_view() -> tuple[dict[str, dict[str, dict[str, Any]]], dict[str, list[str]]]:
    """Every row through Prefect's tables and column types; and the pydantic-typed columns."""
    import sqlalchemy as sa

    from prefect.server.utilities.database import Pydantic

    db = provide_db()
    view: dict[str, dict[str, dict[str, Any]]] = {}
    typed: dict[str, list[str]] = {}
    async with db.session_context() as session:
        for table in data_tables(db):
            pk = primary_key(table)
            rows = (await session.execute(sa.select(table).order_by(*pk))).mappings().all()
            if not rows:
                continue
            typed_columns = sorted(c.name for c in table.columns if isinstance(c.type, Pydantic))
            if typed_columns:
                typed[table.name] = typed_columns
            view[table.name] = {
                key_string([normalize(c, row[c]) for c in pk]): {c.name: normalize(c, row[c]) for c in table.columns}
                for row in rows
            }
    await dispose_prefect_engines()
    return view, typed


async def add_columns_outside_orm(view: dict[str, dict[str, dict[str, Any]]], db_columns: dict[str, list[str]]) -> dict[str, list[str]]:
    """Columns the database has but Prefect's ORM does not map (Prefect never reads them, e.g.
    deployment.version_id in 3.9.1): their raw values, so that every stored cell is expected."""
    import sqlalchemy as sa

    db = provide_db()
    outside: dict[str, list[str]] = {}
    async with db.session_context() as session:
        for table in data_tables(db):
            extra = [c for c in db_columns.get(table.name, []) if c not in table.columns]
            if not extra:
                continue
            outside[table.name] = extra
            pk = primary_key(table)
            query = sa.select(*pk, *(sa.column(c) for c in extra)).select_from(table).order_by(*pk)
            for row in (await session.execute(query)).all():
                key = key_string([normalize(c, v) for c, v in zip(pk, row[: len(pk)])])
                for column, value in zip(extra, row[len(pk) :]):
                    if isinstance(value, uuid.UUID):
                        value = str(value)
                    elif value is not None and not isinstance(value, str):
                        raise SystemExit(f"{table.name}.{column}: no normal form for the raw value {value!r}")
                    view[table.name][key][column] = value
    await dispose_prefect_engines()
    return outside


# --------------------------------------------------------------------------------------------
# step 4b: the stored values as SQL literals


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def quote_text(text: str) -> str:
    if "\x00" in text:
        raise SystemExit("NUL in a text value")
    return "'" + text.replace("'", "''") + "'"


class StoredRow:
    def __init__(self, table: str, key: list[str], columns: list[str], literals: list[str]) -> None:
        self.table, self.key, self.columns, self.literals = table, key, columns, literals


def sqlite_stored(path: Path, tables: list[str]) -> dict[str, list[StoredRow]]:
    """Raw stored values: no type conversion (sqlite3 returns str, int, float, bytes, None)."""
    conn = sqlite3.connect(path)
    try:
        out: dict[str, list[StoredRow]] = {}
        for table in tables:
            info = conn.execute(f"PRAGMA table_info({quote_ident(table)})").fetchall()
            columns = [r[1] for r in info]
            pk = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
            select = ", ".join(quote_ident(c) for c in columns)
            order = ", ".join(quote_ident(c) for c in pk)
            rows = []
            for values in conn.execute(f"SELECT {select} FROM {quote_ident(table)} ORDER BY {order}"):
                literals = []
                for value in values:
                    if value is None:
                        literals.append("NULL")
                    elif isinstance(value, bool):
                        raise SystemExit("sqlite3 returned a bool")
                    elif isinstance(value, int):
                        literals.append(str(value))
                    elif isinstance(value, float):
                        literals.append(repr(value))
                    elif isinstance(value, str):
                        literals.append(quote_text(value))
                    elif isinstance(value, bytes):
                        literals.append("X'" + value.hex().upper() + "'")
                    else:
                        raise SystemExit(f"unexpected sqlite value {value!r}")
                row = dict(zip(columns, literals))
                rows.append(StoredRow(table, [row[c] for c in pk], columns, literals))
            out[table] = rows
        return out
    finally:
        conn.close()


UNQUOTED_PG_TYPES = {"smallint", "integer", "bigint", "double precision", "real", "numeric"}


async def postgres_stored(dsn: dict[str, Any], tables: list[str]) -> dict[str, list[StoredRow]]:
    """PostgreSQL's text output of every value, with the output settings pinned."""
    import asyncpg

    conn = await asyncpg.connect(**dsn)
    try:
        for setting in (
            "SET TimeZone TO 'UTC'",
            "SET DateStyle TO 'ISO, MDY'",
            "SET IntervalStyle TO 'postgres'",
            "SET extra_float_digits TO 1",
        ):
            await conn.execute(setting)
        out: dict[str, list[StoredRow]] = {}
        for table in tables:
            info = await conn.fetch(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                table,
            )
            columns = [r["column_name"] for r in info]
            types = {r["column_name"]: r["data_type"] for r in info}
            pk = [
                r["attname"]
                for r in await conn.fetch(
                    "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                    "AND a.attnum = ANY(i.indkey) WHERE i.indrelid = $1::regclass AND i.indisprimary "
                    "ORDER BY array_position(i.indkey, a.attnum)",
                    quote_ident(table),
                )
            ]
            select = ", ".join(f"{quote_ident(c)}::text" for c in columns)
            order = ", ".join(quote_ident(c) for c in pk)
            rows = []
            for record in await conn.fetch(f"SELECT {select} FROM {quote_ident(table)} ORDER BY {order}"):
                literals = []
                for column, value in zip(columns, record.values()):
                    if value is None:
                        literals.append("NULL")
                    elif types[column] in UNQUOTED_PG_TYPES:
                        literals.append(value)
                    elif types[column] == "boolean":
                        literals.append({"true": "TRUE", "false": "FALSE"}[value])
                    else:
                        literals.append(quote_text(value))
                row = dict(zip(columns, literals))
                rows.append(StoredRow(table, [row[c] for c in pk], columns, literals))
            out[table] = rows
        return out
    finally:
        await conn.close()


def insertion_order(db: Any, tables: list[str]) -> list[str]:
    """Tables so that each comes after those its foreign keys point to, leaving out the
    use_alter keys (Prefect's cycle breakers); ties by name."""
    meta = db.Base.metadata.tables
    deps = {
        name: {
            fk.column.table.name
            for fk in meta[name].foreign_keys
            if not fk.use_alter and fk.column.table.name != name and fk.column.table.name in tables
        }
        for name in tables
    }
    order: list[str] = []
    while len(order) < len(tables):
        ready = sorted(t for t in tables if t not in order and deps[t] <= set(order))
        if not ready:
            raise SystemExit(f"foreign-key cycle among {sorted(set(tables) - set(order))}")
        order.append(ready[0])
    return order


def render_sql(db: Any, dialect: str, stored: dict[str, list[StoredRow]]) -> str:
    meta = db.Base.metadata.tables
    order = insertion_order(db, sorted(stored))
    position = {t: i for i, t in enumerate(order)}
    inserts: list[str] = []
    updates: list[str] = []
    for table in order:
        # foreign-key columns whose target is not inserted before this table
        deferred = {
            fk.parent.name
            for fk in meta[table].foreign_keys
            if fk.column.table.name in position and position[fk.column.table.name] >= position[table]
        }
        for row in stored[table]:
            literals = []
            for column, literal in zip(row.columns, row.literals):
                if column in deferred and literal != "NULL":
                    pk_names = [c.name for c in primary_key(meta[table])]
                    where = " AND ".join(f"{quote_ident(c)} = {v}" for c, v in zip(pk_names, row.key))
                    updates.append(f"UPDATE {quote_ident(table)} SET {quote_ident(column)} = {literal} WHERE {where};")
                    literal = "NULL"
                literals.append(literal)
            inserts.append(
                f"INSERT INTO {quote_ident(table)} ({', '.join(quote_ident(c) for c in row.columns)}) "
                f"VALUES ({', '.join(literals)});"
            )
    header = [
        f"-- Rows written by Prefect {PREFECT_VERSION} through its server models on {dialect}, as stored",
        "-- (data only; alembic_version left out). Generated by scripts/generate-prefect-rows-fixture.py:",
        "-- do not edit. One INSERT per row, tables in foreign-key order, rows by primary key; foreign",
        "-- keys that point forward are inserted NULL and set by the UPDATEs at the end.",
    ]
    return "\n".join(header + inserts + updates) + "\n"


# --------------------------------------------------------------------------------------------
# driver


async def rows_after_migration() -> dict[str, int]:
    import sqlalchemy as sa

    db = provide_db()
    counts = {}
    async with db.session_context() as session:
        for table in data_tables(db):
            n = (await session.execute(sa.select(sa.func.count()).select_from(table))).scalar_one()
            if n:
                counts[table.name] = n
    await dispose_prefect_engines()
    return counts


def make_deterministic() -> None:
    """Checks that Prefect took the seeded id generators, and fixes what else is random in
    what it stores: the Fernet key and the Fernet tokens of block documents' data."""
    import base64

    from cryptography.fernet import Fernet

    import prefect.server.schemas.states
    import prefect.server.utilities.schemas.bases

    for module in (prefect.server.schemas.states, prefect.server.utilities.schemas.bases):
        if module.uuid7 is not _seeded_uuid7:
            raise SystemExit(f"{module.__name__} bound Prefect's uuid7 before it was replaced")
    key = base64.urlsafe_b64encode(bytes(range(32)))
    Fernet.generate_key = classmethod(lambda cls: key)  # type: ignore[method-assign,assignment]
    fernet_time = int(PIN_BASE.timestamp())
    Fernet.encrypt = lambda self, data: self._encrypt_from_parts(data, fernet_time, bytes(range(16, 32)))  # type: ignore[method-assign]


async def build_dialect(dialect: str, url: str, sqlite_path: Path | None, pg_dsn: dict[str, Any] | None) -> dict[str, Any]:
    await use_database(url)
    await provide_db().create_db()
    await dispose_prefect_engines()
    seeded = await rows_after_migration()
    if seeded:
        raise SystemExit(f"{dialect}: Prefect's migrations left rows: {seeded}")

    make_deterministic()
    reset_ids(20261130)
    started = dt.datetime.now(UTC)
    await write_dataset()
    pinned = await pin_wall_clock(started)
    view, typed = await prefect_view()
    tables = sorted(view)
    db = provide_db()
    if dialect == "sqlite":
        assert sqlite_path is not None
        stored = sqlite_stored(sqlite_path, tables)
    else:
        assert pg_dsn is not None
        stored = await postgres_stored(pg_dsn, tables)
    for table in tables:
        if len(stored[table]) != len(view[table]):
            raise SystemExit(f"{dialect}: {table}: {len(stored[table])} stored rows, {len(view[table])} in Prefect's view")
    outside = await add_columns_outside_orm(view, {t: rows[0].columns for t, rows in stored.items()})
    sql = render_sql(db, dialect, stored)
    await dispose_prefect_engines()
    # nothing of the wall clock may be left (in JSON documents, say): it would differ per run
    for day in {started.strftime("%Y-%m-%d"), dt.datetime.now(UTC).strftime("%Y-%m-%d")}:
        for line in sql.splitlines():
            if day in line:
                raise SystemExit(f"{dialect}: a wall-clock value ({day}) is left in: {line[:300]}")
    rows = sum(len(v) for v in view.values())
    print(f"{dialect}: {len(tables)} tables, {rows} rows, {pinned} wall-clock instants pinned", file=sys.stderr)
    return {"view": view, "typed": typed, "outside_orm": outside, "sql": sql}


async def run_dialect(dialect: str, work: Path) -> dict[str, Any]:
    """One dialect, in this process: an empty database, Prefect's migrations and data set."""
    import asyncpg
    from sqlalchemy.engine import make_url

    import prefect

    if prefect.__version__ != PREFECT_VERSION:
        raise SystemExit(f"needs prefect=={PREFECT_VERSION}, found {prefect.__version__}")
    configure_prefect_environment(work / f"{dialect}-home")
    if dialect == "sqlite":
        path = work / "prefect.db"
        return await build_dialect("sqlite", f"sqlite+aiosqlite:///{path}", path, None)

    admin = make_url(pg_admin_url())
    name = f"flowdb_fixture_{os.getpid()}"
    base = dict(
        host=admin.host or "127.0.0.1", port=admin.port or 5432, user=admin.username or "postgres", password=admin.password
    )
    conn = await asyncpg.connect(database=admin.database or "postgres", **base)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        url = admin.set(drivername="postgresql+asyncpg", database=name).render_as_string(hide_password=False)
        return await build_dialect("postgresql", url, None, dict(database=name, **base))
    finally:
        await dispose_prefect_engines()
        conn = await asyncpg.connect(database=admin.database or "postgres", **base)
        try:
            await conn.execute(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            )
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        finally:
            await conn.close()


def diff_views(a: dict[str, Any], b: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The cells where two views differ: (only a's values, only b's values)."""
    only_a: dict[str, Any] = {}
    only_b: dict[str, Any] = {}
    for table in sorted(set(a) | set(b)):
        ta, tb = a.get(table, {}), b.get(table, {})
        for key in sorted(set(ta) | set(tb)):
            ra, rb = ta.get(key), tb.get(key)
            if ra is None or rb is None:
                only_a.setdefault(table, {})[key] = ra
                only_b.setdefault(table, {})[key] = rb
                continue
            for column in sorted(set(ra) | set(rb)):
                if ra.get(column) != rb.get(column):
                    only_a.setdefault(table, {}).setdefault(key, {})[column] = ra.get(column)
                    only_b.setdefault(table, {}).setdefault(key, {})[column] = rb.get(column)
    return only_a, only_b


def pg_admin_url() -> str:
    return os.environ.get("FLOWDB_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def main_generate(out: Path) -> int:
    import subprocess

    work = Path(tempfile.mkdtemp(prefix="flowdb-prefect-rows-"))
    results: dict[str, dict[str, Any]] = {}
    for dialect in ("sqlite", "postgresql"):
        result = work / f"{dialect}.json"
        subprocess.run(
            [sys.executable, __file__, "--dialect", dialect, "--work", str(work), "--result", str(result)], check=True
        )
        results[dialect] = json.loads(result.read_text(encoding="utf-8"))
    shutil.rmtree(work, ignore_errors=True)

    sqlite_view, pg_view = results["sqlite"]["view"], results["postgresql"]["view"]
    only_sqlite, only_pg = diff_views(sqlite_view, pg_view)
    if only_sqlite or only_pg:
        print("Prefect's view differs between the dialects:", file=sys.stderr)
        print(json.dumps({"sqlite": only_sqlite, "postgresql": only_pg}, indent=1, ensure_ascii=False), file=sys.stderr)
    for part in ("typed", "outside_orm"):
        if results["sqlite"][part] != results["postgresql"][part]:
            raise SystemExit(f"{part}: the columns differ between the dialects")
    if set(sqlite_view) != set(pg_view):
        raise SystemExit("the dialects have rows in different tables")

    # the common view: where the dialects differ, the cell is left out of "tables" and each
    # dialect's value is in "dialect_differences"
    common: dict[str, Any] = json.loads(json.dumps(sqlite_view))
    for table, rows in only_sqlite.items():
        for key, columns in rows.items():
            if columns is None or key not in common.get(table, {}):
                common.get(table, {}).pop(key, None)
                continue
            for column in columns:
                common[table][key].pop(column, None)

    expected = {
        "prefect_version": PREFECT_VERSION,
        "generated_by": "scripts/generate-prefect-rows-fixture.py",
        "normalization": {
            "uuid": "lowercase hyphenated string",
            "timestamp": "RFC 3339 in UTC, 6 fractional digits, Z",
            "interval": "total microseconds (integer)",
            "json": "parsed JSON",
            "pydantic_document": (
                "Prefect's pydantic model dumped with every field (defaults included); sets as sorted "
                "lists; timestamps inside as above"
            ),
            "enum": "name",
            "boolean": "true/false",
        },
        "typed_json": results["sqlite"]["typed"],
        # columns of Prefect's schema that its ORM does not map: raw values
        "outside_orm": results["sqlite"]["outside_orm"],
        "tables": common,
        "dialect_differences": {"sqlite": only_sqlite, "postgresql": only_pg},
    }
    out.mkdir(parents=True, exist_ok=True)
    (out / "sqlite.sql").write_text(results["sqlite"]["sql"], encoding="utf-8")
    (out / "postgresql.sql").write_text(results["postgresql"]["sql"], encoding="utf-8")
    (out / "expected.json").write_text(json.dumps(expected, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {out}/sqlite.sql, postgresql.sql, expected.json", file=sys.stderr)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output directory (default {DEFAULT_OUT})")
    # internal: one dialect, in a process of its own
    parser.add_argument("--dialect", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dialect:
        result = asyncio.run(run_dialect(args.dialect, args.work))
        args.result.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        return 0
    return main_generate(args.out)


if __name__ == "__main__":
    sys.exit(main())
