-- flowdb migration: Prefect 3.9.1 schema baseline (PostgreSQL)
-- alembic_revision: 91e2b8f3d6a4
--
-- Reproduces the schema that Prefect 3.9.1's Alembic migrations build on PostgreSQL
-- (head 91e2b8f3d6a4); checked with dump_schema.py against
-- core/tests/fixtures/schema/prefect-3.9.1-postgresql.txt (zero diff).
-- Runs inside the migration engine's transaction: no transaction control, no concurrent index builds.
-- alembic_version is created empty; the engine stamps it.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Enum types
CREATE TYPE deployment_status AS ENUM ('READY', 'NOT_READY');
CREATE TYPE state_type AS ENUM ('SCHEDULED', 'PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'CRASHED', 'PAUSED', 'CANCELLING');
CREATE TYPE work_pool_status AS ENUM ('READY', 'NOT_READY', 'PAUSED');
CREATE TYPE work_queue_status AS ENUM ('READY', 'NOT_READY', 'PAUSED');
CREATE TYPE worker_status AS ENUM ('ONLINE', 'OFFLINE');

-- agent
CREATE TABLE agent (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    name VARCHAR NOT NULL,
    work_queue_id UUID NOT NULL,
    last_activity_time TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT pk_agent PRIMARY KEY (id),
    CONSTRAINT uq_agent__name UNIQUE (name)
);
CREATE INDEX ix_agent__updated ON agent (updated);
CREATE INDEX ix_agent__work_queue_id ON agent (work_queue_id);

-- alembic_version
CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);

-- artifact
CREATE TABLE artifact (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    key VARCHAR,
    task_run_id UUID,
    flow_run_id UUID,
    type VARCHAR,
    data JSON,
    description VARCHAR,
    metadata_ JSON,
    CONSTRAINT pk_artifact PRIMARY KEY (id)
);
CREATE INDEX ix_artifact__flow_run_id ON artifact (flow_run_id);
CREATE INDEX ix_artifact__key ON artifact (key);
CREATE INDEX ix_artifact__key_created_desc ON artifact (key, created DESC) INCLUDE (id, updated, type, task_run_id, flow_run_id);
CREATE INDEX ix_artifact__task_run_id ON artifact (task_run_id);
CREATE INDEX ix_artifact__updated ON artifact (updated);

-- artifact_collection
CREATE TABLE artifact_collection (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    key VARCHAR NOT NULL,
    latest_id UUID NOT NULL,
    task_run_id UUID,
    flow_run_id UUID,
    type VARCHAR,
    data JSON,
    description VARCHAR,
    metadata_ JSON,
    CONSTRAINT pk_artifact_collection PRIMARY KEY (id),
    CONSTRAINT uq_artifact_collection__key UNIQUE (key)
);
CREATE INDEX ix_artifact_collection__key_latest_id ON artifact_collection (key, latest_id);
CREATE INDEX ix_artifact_collection__updated ON artifact_collection (updated);

-- automation
CREATE TABLE automation (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    name VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT true,
    tags JSONB NOT NULL DEFAULT '[]'::jsonb,
    trigger JSONB NOT NULL,
    actions JSONB NOT NULL,
    actions_on_trigger JSONB NOT NULL DEFAULT '[]'::jsonb,
    actions_on_resolve JSONB NOT NULL DEFAULT '[]'::jsonb,
    CONSTRAINT pk_automation PRIMARY KEY (id)
);
CREATE INDEX ix_automation__updated ON automation (updated);

-- automation_bucket
CREATE TABLE automation_bucket (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    automation_id UUID NOT NULL,
    trigger_id UUID NOT NULL,
    bucketing_key JSONB NOT NULL,
    last_event JSONB,
    start TIMESTAMP WITH TIME ZONE NOT NULL,
    "end" TIMESTAMP WITH TIME ZONE NOT NULL,
    count INTEGER NOT NULL,
    last_operation VARCHAR,
    triggered_at TIMESTAMP WITH TIME ZONE,
    CONSTRAINT pk_automation_bucket PRIMARY KEY (id)
);
CREATE INDEX ix_automation_bucket__automation_id__end ON automation_bucket (automation_id, "end");
CREATE INDEX ix_automation_bucket__updated ON automation_bucket (updated);
CREATE UNIQUE INDEX uq_automation_bucket__automation_id__trigger_id__bucketing_key ON automation_bucket (automation_id, trigger_id, bucketing_key);

-- automation_event_follower
CREATE TABLE automation_event_follower (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    scope VARCHAR NOT NULL,
    leader_event_id UUID NOT NULL,
    follower_event_id UUID NOT NULL,
    received TIMESTAMP WITH TIME ZONE NOT NULL,
    follower JSONB NOT NULL,
    CONSTRAINT pk_automation_event_follower PRIMARY KEY (id)
);
CREATE INDEX ix_ae_follower_scope_leader ON automation_event_follower (scope, leader_event_id);
CREATE INDEX ix_automation_event_follower__leader_event_id ON automation_event_follower (leader_event_id);
CREATE INDEX ix_automation_event_follower__received ON automation_event_follower (received);
CREATE INDEX ix_automation_event_follower__scope ON automation_event_follower (scope);
CREATE INDEX ix_automation_event_follower__updated ON automation_event_follower (updated);
CREATE UNIQUE INDEX uq_follower_for_scope ON automation_event_follower (scope, follower_event_id);

-- automation_held_event
CREATE TABLE automation_held_event (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    automation_id UUID NOT NULL,
    trigger_id UUID NOT NULL,
    bucketing_key JSONB NOT NULL DEFAULT '[]'::jsonb,
    event_id UUID NOT NULL,
    occurred TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_automation_held_event PRIMARY KEY (id)
);
CREATE INDEX ix_automation_held_event__trigger_key_occurred ON automation_held_event (automation_id, trigger_id, bucketing_key, occurred, event_id);
CREATE INDEX ix_automation_held_event__updated ON automation_held_event (updated);
CREATE UNIQUE INDEX uq_automation_held_event__trigger_key_event ON automation_held_event (automation_id, trigger_id, bucketing_key, event_id);

-- automation_related_resource
CREATE TABLE automation_related_resource (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    automation_id UUID NOT NULL,
    resource_id VARCHAR,
    automation_owned_by_resource BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT pk_automation_related_resource PRIMARY KEY (id)
);
CREATE INDEX ix_automation_related_resource__resource_id ON automation_related_resource (resource_id);
CREATE INDEX ix_automation_related_resource__updated ON automation_related_resource (updated);
CREATE UNIQUE INDEX uq_automation_related_resource__automation_id__resource_id ON automation_related_resource (automation_id, resource_id);

-- block_document
CREATE TABLE block_document (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    name VARCHAR NOT NULL,
    data JSONB NOT NULL DEFAULT '{}'::jsonb,
    is_anonymous BOOLEAN NOT NULL DEFAULT false,
    block_type_name VARCHAR,
    block_type_id UUID NOT NULL,
    block_schema_id UUID NOT NULL,
    CONSTRAINT pk_block_document PRIMARY KEY (id)
);
CREATE INDEX ix_block_document__block_type_name__name ON block_document (block_type_name, name);
CREATE INDEX ix_block_document__is_anonymous ON block_document (is_anonymous);
CREATE INDEX ix_block_document__name ON block_document (name);
CREATE INDEX ix_block_document__updated ON block_document (updated);
CREATE INDEX trgm_ix_block_document_name ON block_document USING gin (name gin_trgm_ops);
CREATE UNIQUE INDEX uq_block__type_id_name ON block_document (block_type_id, name);

-- block_document_reference
CREATE TABLE block_document_reference (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    name VARCHAR NOT NULL,
    parent_block_document_id UUID NOT NULL,
    reference_block_document_id UUID NOT NULL,
    CONSTRAINT pk_block_document_reference PRIMARY KEY (id),
    CONSTRAINT ck_block_document_reference__ck_block_document_referenc_824f CHECK (parent_block_document_id <> reference_block_document_id)
);
CREATE INDEX ix_block_document_reference__updated ON block_document_reference (updated);

-- block_schema
CREATE TABLE block_schema (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    checksum VARCHAR NOT NULL,
    fields JSONB NOT NULL DEFAULT '{}'::jsonb,
    capabilities JSONB NOT NULL DEFAULT '[]'::jsonb,
    version VARCHAR NOT NULL DEFAULT 'non-versioned'::character varying,
    block_type_id UUID NOT NULL,
    CONSTRAINT pk_block_schema PRIMARY KEY (id)
);
CREATE INDEX ix_block_schema__block_type_id ON block_schema (block_type_id);
CREATE INDEX ix_block_schema__capabilities ON block_schema USING gin (capabilities);
CREATE INDEX ix_block_schema__created ON block_schema (created);
CREATE INDEX ix_block_schema__updated ON block_schema (updated);
CREATE UNIQUE INDEX uq_block_schema__checksum_version ON block_schema (checksum, version);

-- block_schema_reference
CREATE TABLE block_schema_reference (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    name VARCHAR NOT NULL,
    parent_block_schema_id UUID NOT NULL,
    reference_block_schema_id UUID NOT NULL,
    CONSTRAINT pk_block_schema_reference PRIMARY KEY (id)
);
CREATE INDEX ix_block_schema_reference__updated ON block_schema_reference (updated);

-- block_type
CREATE TABLE block_type (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    name VARCHAR NOT NULL,
    slug VARCHAR NOT NULL,
    logo_url VARCHAR,
    documentation_url VARCHAR,
    description VARCHAR,
    code_example VARCHAR,
    is_protected BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT pk_block_type PRIMARY KEY (id)
);
CREATE INDEX ix_block_type__updated ON block_type (updated);
CREATE INDEX trgm_ix_block_type_name ON block_type USING gin (name gin_trgm_ops);
CREATE UNIQUE INDEX uq_block_type__slug ON block_type (slug);

-- composite_trigger_child_firing
CREATE TABLE composite_trigger_child_firing (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    automation_id UUID NOT NULL,
    parent_trigger_id UUID NOT NULL,
    child_trigger_id UUID NOT NULL,
    child_firing_id UUID NOT NULL,
    child_fired_at TIMESTAMP WITH TIME ZONE,
    child_firing JSONB NOT NULL,
    CONSTRAINT pk_composite_trigger_child_firing PRIMARY KEY (id)
);
CREATE INDEX ix_composite_trigger_child_firing__updated ON composite_trigger_child_firing (updated);
CREATE UNIQUE INDEX uq_composite_trigger_child_firing__a_id__pt_id__ct__id ON composite_trigger_child_firing (automation_id, parent_trigger_id, child_trigger_id);

-- concurrency_limit
CREATE TABLE concurrency_limit (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    tag VARCHAR NOT NULL,
    concurrency_limit INTEGER NOT NULL,
    active_slots JSONB NOT NULL DEFAULT '[]'::jsonb,
    CONSTRAINT pk_concurrency_limit PRIMARY KEY (id)
);
CREATE INDEX ix_concurrency_limit__updated ON concurrency_limit (updated);
CREATE UNIQUE INDEX uq_concurrency_limit__tag ON concurrency_limit (tag);

-- concurrency_limit_v2
CREATE TABLE concurrency_limit_v2 (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    active BOOLEAN NOT NULL,
    name VARCHAR NOT NULL,
    "limit" INTEGER NOT NULL,
    active_slots INTEGER NOT NULL,
    denied_slots INTEGER NOT NULL,
    slot_decay_per_second DOUBLE PRECISION NOT NULL,
    avg_slot_occupancy_seconds DOUBLE PRECISION NOT NULL,
    CONSTRAINT pk_concurrency_limit_v2 PRIMARY KEY (id),
    CONSTRAINT uq_concurrency_limit_v2__name UNIQUE (name)
);
CREATE INDEX ix_concurrency_limit_v2__updated ON concurrency_limit_v2 (updated);

-- configuration
CREATE TABLE configuration (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    key VARCHAR NOT NULL,
    value JSONB NOT NULL,
    CONSTRAINT pk_configuration PRIMARY KEY (id),
    CONSTRAINT uq_configuration__key UNIQUE (key)
);
CREATE INDEX ix_configuration__key ON configuration (key);
CREATE INDEX ix_configuration__updated ON configuration (updated);

-- csrf_token
CREATE TABLE csrf_token (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    token VARCHAR NOT NULL,
    client VARCHAR NOT NULL,
    expiration TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_csrf_token PRIMARY KEY (id),
    CONSTRAINT uq_csrf_token__client UNIQUE (client)
);
CREATE INDEX ix_csrf_token__updated ON csrf_token (updated);

-- deployment
CREATE TABLE deployment (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    name VARCHAR NOT NULL,
    version VARCHAR,
    description TEXT,
    work_queue_name VARCHAR,
    infra_overrides JSONB NOT NULL DEFAULT '{}'::jsonb,
    path VARCHAR,
    entrypoint VARCHAR,
    last_polled TIMESTAMP WITH TIME ZONE,
    status deployment_status NOT NULL DEFAULT 'NOT_READY'::deployment_status,
    flow_id UUID NOT NULL,
    work_queue_id UUID,
    paused BOOLEAN NOT NULL DEFAULT false,
    concurrency_limit INTEGER,
    concurrency_limit_id UUID,
    concurrency_options JSONB,
    tags JSONB NOT NULL DEFAULT '[]'::jsonb,
    labels JSONB,
    parameters JSONB NOT NULL DEFAULT '{}'::jsonb,
    pull_steps JSONB,
    parameter_openapi_schema JSONB,
    enforce_parameter_schema BOOLEAN NOT NULL DEFAULT false,
    created_by JSONB,
    updated_by JSONB,
    infrastructure_document_id UUID,
    storage_document_id UUID,
    version_id UUID,
    CONSTRAINT pk_deployment PRIMARY KEY (id)
);
CREATE INDEX ix_deployment__created ON deployment (created);
CREATE INDEX ix_deployment__flow_id ON deployment (flow_id);
CREATE INDEX ix_deployment__paused ON deployment (paused);
CREATE INDEX ix_deployment__updated ON deployment (updated);
CREATE INDEX ix_deployment__version_id ON deployment (version_id);
CREATE INDEX ix_deployment__work_queue_id ON deployment (work_queue_id);
CREATE INDEX ix_deployment__work_queue_name ON deployment (work_queue_name);
CREATE INDEX trgm_ix_deployment_name ON deployment USING gin (name gin_trgm_ops);
CREATE UNIQUE INDEX uq_deployment__flow_id_name ON deployment (flow_id, name);

-- deployment_schedule
CREATE TABLE deployment_schedule (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    deployment_id UUID NOT NULL,
    schedule JSONB NOT NULL,
    active BOOLEAN NOT NULL,
    max_scheduled_runs INTEGER,
    parameters JSONB NOT NULL DEFAULT '{}'::jsonb,
    slug VARCHAR,
    CONSTRAINT pk_deployment_schedule PRIMARY KEY (id)
);
CREATE INDEX ix_deployment_schedule__deployment_id ON deployment_schedule (deployment_id);
CREATE UNIQUE INDEX ix_deployment_schedule__deployment_id__slug ON deployment_schedule (deployment_id, slug) WHERE slug IS NOT NULL;
CREATE INDEX ix_deployment_schedule__slug ON deployment_schedule (slug);
CREATE INDEX ix_deployment_schedule__updated ON deployment_schedule (updated);

-- deployment_version
CREATE TABLE deployment_version (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    deployment_id UUID NOT NULL,
    branch VARCHAR,
    version_info JSONB NOT NULL DEFAULT '{}'::jsonb,
    description TEXT,
    tags JSONB NOT NULL DEFAULT '[]'::jsonb,
    labels JSONB,
    entrypoint VARCHAR,
    pull_steps JSONB,
    parameters JSONB NOT NULL DEFAULT '{}'::jsonb,
    parameter_openapi_schema JSONB,
    enforce_parameter_schema BOOLEAN NOT NULL DEFAULT false,
    work_queue_id UUID,
    work_queue_name VARCHAR,
    infra_overrides JSONB NOT NULL DEFAULT '{}'::jsonb,
    CONSTRAINT pk_deployment_version PRIMARY KEY (id)
);
CREATE INDEX ix_deployment_version__deployment_id ON deployment_version (deployment_id);
CREATE INDEX ix_deployment_version__updated ON deployment_version (updated);
CREATE INDEX ix_deployment_version__work_queue_id ON deployment_version (work_queue_id);
CREATE INDEX ix_deployment_version__work_queue_name ON deployment_version (work_queue_name);
CREATE UNIQUE INDEX uq_deployment_version__deployment__branch ON deployment_version (deployment_id, branch);

-- event_resources
CREATE TABLE event_resources (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    occurred TIMESTAMP WITH TIME ZONE NOT NULL,
    resource_id TEXT NOT NULL,
    resource_role TEXT NOT NULL,
    resource JSON NOT NULL,
    event_id UUID NOT NULL,
    CONSTRAINT pk_event_resources PRIMARY KEY (id)
);
CREATE INDEX ix_event_resources__event_id ON event_resources (event_id);
CREATE INDEX ix_event_resources__occurred ON event_resources (occurred);
CREATE INDEX ix_event_resources__resource_id__occurred ON event_resources (resource_id, occurred);
CREATE INDEX ix_event_resources__updated ON event_resources (updated);

-- events
CREATE TABLE events (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    occurred TIMESTAMP WITH TIME ZONE NOT NULL,
    event TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    resource JSONB NOT NULL,
    related_resource_ids JSONB NOT NULL DEFAULT '[]'::jsonb,
    related JSONB NOT NULL DEFAULT '[]'::jsonb,
    payload JSONB NOT NULL,
    received TIMESTAMP WITH TIME ZONE NOT NULL,
    recorded TIMESTAMP WITH TIME ZONE NOT NULL,
    follows UUID,
    CONSTRAINT pk_events PRIMARY KEY (id)
);
CREATE INDEX ix_events__event__id ON events (event, id);
CREATE INDEX ix_events__event_occurred ON events (event, occurred);
CREATE INDEX ix_events__event_occurred_id ON events (event, occurred, id);
CREATE INDEX ix_events__event_resource_id_occurred ON events (event, resource_id, occurred);
CREATE INDEX ix_events__occurred ON events (occurred);
CREATE INDEX ix_events__occurred_id ON events (occurred, id);
CREATE INDEX ix_events__related_gin ON events USING gin (related);
CREATE INDEX ix_events__related_resource_ids_gin ON events USING gin (related_resource_ids);
CREATE INDEX ix_events__updated ON events (updated);

-- flow
CREATE TABLE flow (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    name VARCHAR NOT NULL,
    tags JSONB NOT NULL DEFAULT '[]'::jsonb,
    labels JSONB,
    CONSTRAINT pk_flow PRIMARY KEY (id),
    CONSTRAINT uq_flow__name UNIQUE (name)
);
CREATE INDEX ix_flow__created ON flow (created);
CREATE INDEX ix_flow__updated ON flow (updated);
CREATE INDEX trgm_ix_flow_name ON flow USING gin (name gin_trgm_ops);

-- flow_run
CREATE TABLE flow_run (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    name VARCHAR NOT NULL,
    state_type state_type,
    state_name VARCHAR,
    state_timestamp TIMESTAMP WITH TIME ZONE,
    run_count INTEGER NOT NULL DEFAULT 0,
    expected_start_time TIMESTAMP WITH TIME ZONE,
    next_scheduled_start_time TIMESTAMP WITH TIME ZONE,
    start_time TIMESTAMP WITH TIME ZONE,
    end_time TIMESTAMP WITH TIME ZONE,
    total_run_time INTERVAL NOT NULL DEFAULT '00:00:00'::interval,
    flow_id UUID NOT NULL,
    deployment_id UUID,
    work_queue_name VARCHAR,
    flow_version VARCHAR,
    deployment_version VARCHAR,
    parameters JSONB NOT NULL DEFAULT '{}'::jsonb,
    idempotency_key VARCHAR,
    context JSONB NOT NULL DEFAULT '{}'::jsonb,
    empirical_policy JSONB NOT NULL DEFAULT '{}'::jsonb,
    tags JSONB NOT NULL DEFAULT '[]'::jsonb,
    labels JSONB,
    created_by JSONB,
    infrastructure_pid VARCHAR,
    job_variables JSONB DEFAULT '{}'::jsonb,
    infrastructure_document_id UUID,
    parent_task_run_id UUID,
    auto_scheduled BOOLEAN NOT NULL DEFAULT false,
    state_id UUID,
    work_queue_id UUID,
    CONSTRAINT pk_flow_run PRIMARY KEY (id)
);
CREATE INDEX ix_flow_run__coalesce_start_time_expected_start_time_asc ON flow_run (COALESCE(start_time, expected_start_time));
CREATE INDEX ix_flow_run__coalesce_start_time_expected_start_time_desc ON flow_run (COALESCE(start_time, expected_start_time) DESC);
CREATE INDEX ix_flow_run__deployment_id ON flow_run (deployment_id);
CREATE INDEX ix_flow_run__deployment_version ON flow_run (deployment_version);
CREATE INDEX ix_flow_run__end_time_desc ON flow_run (end_time DESC);
CREATE INDEX ix_flow_run__expected_start_time_desc ON flow_run (expected_start_time DESC);
CREATE INDEX ix_flow_run__flow_id ON flow_run (flow_id);
CREATE INDEX ix_flow_run__flow_version ON flow_run (flow_version);
CREATE INDEX ix_flow_run__infrastructure_document_id ON flow_run (infrastructure_document_id);
CREATE INDEX ix_flow_run__name ON flow_run (name);
CREATE INDEX ix_flow_run__next_scheduled_start_time_asc ON flow_run (next_scheduled_start_time);
CREATE INDEX ix_flow_run__parent_task_run_id ON flow_run (parent_task_run_id);
CREATE INDEX ix_flow_run__schedule_id_scheduler ON flow_run (deployment_id, (created_by ->> 'id'::text), next_scheduled_start_time) WHERE state_type = 'SCHEDULED'::state_type AND auto_scheduled = true;
CREATE INDEX ix_flow_run__scheduler_deployment_id_auto_scheduled_next_schedu ON flow_run (deployment_id, auto_scheduled, next_scheduled_start_time) WHERE state_type = 'SCHEDULED'::state_type;
CREATE INDEX ix_flow_run__start_time ON flow_run (start_time);
CREATE INDEX ix_flow_run__state_id ON flow_run (state_id);
CREATE INDEX ix_flow_run__state_name ON flow_run (state_name);
CREATE INDEX ix_flow_run__state_timestamp ON flow_run (state_timestamp);
CREATE INDEX ix_flow_run__state_type ON flow_run (state_type);
CREATE INDEX ix_flow_run__state_type_coalesce_start_time ON flow_run (state_type, COALESCE(start_time, expected_start_time));
CREATE INDEX ix_flow_run__updated ON flow_run (updated);
CREATE INDEX ix_flow_run__work_queue_id ON flow_run (work_queue_id);
CREATE INDEX ix_flow_run__work_queue_name ON flow_run (work_queue_name);
CREATE INDEX trgm_ix_flow_run_name ON flow_run USING gin (name gin_trgm_ops);
CREATE UNIQUE INDEX uq_flow_run__flow_id_idempotency_key ON flow_run (flow_id, idempotency_key);

-- flow_run_input
CREATE TABLE flow_run_input (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    flow_run_id UUID NOT NULL,
    key VARCHAR NOT NULL,
    value TEXT NOT NULL,
    sender VARCHAR,
    CONSTRAINT pk_flow_run_input PRIMARY KEY (id),
    CONSTRAINT uq_flow_run_input__flow_run_id_key UNIQUE (flow_run_id, key)
);
CREATE INDEX ix_flow_run_input__updated ON flow_run_input (updated);

-- flow_run_state
CREATE TABLE flow_run_state (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    flow_run_id UUID NOT NULL,
    type state_type NOT NULL,
    "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    name VARCHAR NOT NULL,
    message VARCHAR,
    state_details JSONB NOT NULL DEFAULT '{}'::jsonb,
    data JSONB,
    result_artifact_id UUID,
    CONSTRAINT pk_flow_run_state PRIMARY KEY (id)
);
CREATE INDEX ix_flow_run_state__name ON flow_run_state (name);
CREATE INDEX ix_flow_run_state__result_artifact_id ON flow_run_state (result_artifact_id);
CREATE INDEX ix_flow_run_state__type ON flow_run_state (type);
CREATE INDEX ix_flow_run_state__updated ON flow_run_state (updated);
CREATE UNIQUE INDEX uq_flow_run_state__flow_run_id_timestamp_desc ON flow_run_state (flow_run_id, "timestamp" DESC);

-- log
CREATE TABLE log (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    name VARCHAR NOT NULL,
    level SMALLINT NOT NULL,
    flow_run_id UUID,
    task_run_id UUID,
    message TEXT NOT NULL,
    "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_log PRIMARY KEY (id)
);
CREATE INDEX ix_log__flow_run_id ON log (flow_run_id);
CREATE INDEX ix_log__flow_run_id_timestamp ON log (flow_run_id, "timestamp");
CREATE INDEX ix_log__level ON log (level);
CREATE INDEX ix_log__task_run_id ON log (task_run_id);
CREATE INDEX ix_log__timestamp ON log ("timestamp");
CREATE INDEX ix_log__updated ON log (updated);

-- saved_search
CREATE TABLE saved_search (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    name VARCHAR NOT NULL,
    filters JSONB NOT NULL DEFAULT '[]'::jsonb,
    CONSTRAINT pk_saved_search PRIMARY KEY (id),
    CONSTRAINT uq_saved_search__name UNIQUE (name)
);
CREATE INDEX ix_saved_search__updated ON saved_search (updated);

-- task_run
CREATE TABLE task_run (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    name VARCHAR NOT NULL,
    state_type state_type,
    state_name VARCHAR,
    state_timestamp TIMESTAMP WITH TIME ZONE,
    run_count INTEGER NOT NULL DEFAULT 0,
    expected_start_time TIMESTAMP WITH TIME ZONE,
    next_scheduled_start_time TIMESTAMP WITH TIME ZONE,
    start_time TIMESTAMP WITH TIME ZONE,
    end_time TIMESTAMP WITH TIME ZONE,
    total_run_time INTERVAL NOT NULL DEFAULT '00:00:00'::interval,
    flow_run_id UUID,
    task_key VARCHAR NOT NULL,
    dynamic_key VARCHAR NOT NULL,
    cache_key VARCHAR,
    cache_expiration TIMESTAMP WITH TIME ZONE,
    task_version VARCHAR,
    flow_run_run_count INTEGER NOT NULL DEFAULT 0,
    empirical_policy JSONB NOT NULL DEFAULT '{}'::jsonb,
    task_inputs JSONB NOT NULL DEFAULT '{}'::jsonb,
    tags JSONB NOT NULL DEFAULT '[]'::jsonb,
    labels JSONB,
    state_id UUID,
    CONSTRAINT pk_task_run PRIMARY KEY (id)
);
CREATE INDEX ix_task_run__end_time_desc ON task_run (end_time DESC);
CREATE INDEX ix_task_run__expected_start_time_desc ON task_run (expected_start_time DESC);
CREATE INDEX ix_task_run__flow_run_id ON task_run (flow_run_id);
CREATE INDEX ix_task_run__name ON task_run (name);
CREATE INDEX ix_task_run__next_scheduled_start_time_asc ON task_run (next_scheduled_start_time);
CREATE INDEX ix_task_run__start_time ON task_run (start_time);
CREATE INDEX ix_task_run__state_id ON task_run (state_id);
CREATE INDEX ix_task_run__state_name ON task_run (state_name);
CREATE INDEX ix_task_run__state_timestamp ON task_run (state_timestamp);
CREATE INDEX ix_task_run__state_type ON task_run (state_type);
CREATE INDEX ix_task_run__state_type_start_time ON task_run (state_type, start_time);
CREATE INDEX ix_task_run__updated ON task_run (updated);
CREATE INDEX trgm_ix_task_run_name ON task_run USING gin (name gin_trgm_ops);
CREATE UNIQUE INDEX uq_task_run__flow_run_id_task_key_dynamic_key ON task_run (flow_run_id, task_key, dynamic_key);

-- task_run_state
CREATE TABLE task_run_state (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    task_run_id UUID NOT NULL,
    type state_type NOT NULL,
    "timestamp" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    name VARCHAR NOT NULL,
    message VARCHAR,
    state_details JSONB NOT NULL DEFAULT '{}'::jsonb,
    data JSONB,
    result_artifact_id UUID,
    CONSTRAINT pk_task_run_state PRIMARY KEY (id)
);
CREATE INDEX ix_task_run_state__name ON task_run_state (name);
CREATE INDEX ix_task_run_state__result_artifact_id ON task_run_state (result_artifact_id);
CREATE INDEX ix_task_run_state__type ON task_run_state (type);
CREATE INDEX ix_task_run_state__updated ON task_run_state (updated);
CREATE UNIQUE INDEX uq_task_run_state__task_run_id_timestamp_desc ON task_run_state (task_run_id, "timestamp" DESC);

-- task_run_state_cache
CREATE TABLE task_run_state_cache (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    cache_key VARCHAR NOT NULL,
    cache_expiration TIMESTAMP WITH TIME ZONE,
    task_run_state_id UUID NOT NULL,
    CONSTRAINT pk_task_run_state_cache PRIMARY KEY (id)
);
CREATE INDEX ix_task_run_state_cache__cache_key_created_desc ON task_run_state_cache (cache_key, created DESC);
CREATE INDEX ix_task_run_state_cache__updated ON task_run_state_cache (updated);

-- variable
CREATE TABLE variable (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    name VARCHAR NOT NULL,
    value JSONB,
    tags JSONB NOT NULL DEFAULT '[]'::jsonb,
    CONSTRAINT pk_variable PRIMARY KEY (id),
    CONSTRAINT uq_variable__name UNIQUE (name)
);
CREATE INDEX ix_variable__updated ON variable (updated);

-- work_pool
CREATE TABLE work_pool (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    name VARCHAR NOT NULL,
    description VARCHAR,
    type VARCHAR NOT NULL,
    base_job_template JSONB NOT NULL DEFAULT '{}'::jsonb,
    is_paused BOOLEAN NOT NULL DEFAULT false,
    default_queue_id UUID,
    concurrency_limit INTEGER,
    status work_pool_status NOT NULL DEFAULT 'NOT_READY'::work_pool_status,
    last_transitioned_status_at TIMESTAMP WITH TIME ZONE,
    last_status_event_id UUID,
    storage_configuration JSONB NOT NULL DEFAULT '{}'::jsonb,
    CONSTRAINT pk_work_pool PRIMARY KEY (id),
    CONSTRAINT uq_work_pool__name UNIQUE (name)
);
CREATE INDEX ix_work_pool__type ON work_pool (type);
CREATE INDEX ix_work_pool__updated ON work_pool (updated);

-- work_queue
CREATE TABLE work_queue (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    name VARCHAR NOT NULL,
    filter JSONB,
    description VARCHAR NOT NULL DEFAULT ''::character varying,
    is_paused BOOLEAN NOT NULL DEFAULT false,
    concurrency_limit INTEGER,
    priority INTEGER NOT NULL DEFAULT 1,
    last_polled TIMESTAMP WITH TIME ZONE,
    status work_queue_status NOT NULL DEFAULT 'NOT_READY'::work_queue_status,
    work_pool_id UUID NOT NULL,
    CONSTRAINT pk_work_queue PRIMARY KEY (id),
    CONSTRAINT uq_work_queue__work_pool_id_name UNIQUE (work_pool_id, name)
);
CREATE INDEX ix_work_queue__updated ON work_queue (updated);
CREATE INDEX ix_work_queue__work_pool_id ON work_queue (work_pool_id);
CREATE INDEX ix_work_queue__work_pool_id_priority ON work_queue (work_pool_id, priority);
CREATE INDEX trgm_ix_work_queue_name ON work_queue USING gin (name gin_trgm_ops);

-- worker
CREATE TABLE worker (
    id UUID NOT NULL DEFAULT gen_random_uuid(),
    created TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    work_pool_id UUID NOT NULL,
    name VARCHAR NOT NULL,
    last_heartbeat_time TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP,
    heartbeat_interval_seconds INTEGER,
    status worker_status NOT NULL DEFAULT 'OFFLINE'::worker_status,
    CONSTRAINT pk_worker PRIMARY KEY (id),
    CONSTRAINT uq_worker__work_pool_id_name UNIQUE (work_pool_id, name)
);
CREATE INDEX ix_worker__updated ON worker (updated);
CREATE INDEX ix_worker__work_pool_id ON worker (work_pool_id);
CREATE INDEX ix_worker__work_pool_id_last_heartbeat_time ON worker (work_pool_id, last_heartbeat_time);

-- Foreign keys (added last: several tables reference each other circularly,
-- e.g. flow_run <-> flow_run_state, work_pool <-> work_queue)
ALTER TABLE agent ADD CONSTRAINT fk_agent__work_queue_id__work_queue
    FOREIGN KEY (work_queue_id) REFERENCES work_queue (id);
ALTER TABLE automation_bucket ADD CONSTRAINT fk_automation_bucket__automation_id__automation
    FOREIGN KEY (automation_id) REFERENCES automation (id) ON DELETE CASCADE;
ALTER TABLE automation_held_event ADD CONSTRAINT fk_automation_held_event__automation_id__automation
    FOREIGN KEY (automation_id) REFERENCES automation (id) ON DELETE CASCADE;
ALTER TABLE automation_related_resource ADD CONSTRAINT fk_automation_related_resource__automation_id__automation
    FOREIGN KEY (automation_id) REFERENCES automation (id) ON DELETE CASCADE;
ALTER TABLE block_document ADD CONSTRAINT fk_block__block_schema_id__block_schema
    FOREIGN KEY (block_schema_id) REFERENCES block_schema (id) ON DELETE CASCADE;
ALTER TABLE block_document ADD CONSTRAINT fk_block_document__block_type_id__block_type
    FOREIGN KEY (block_type_id) REFERENCES block_type (id) ON DELETE CASCADE;
ALTER TABLE block_document_reference ADD CONSTRAINT fk_block_document_reference__parent_block_document_id___328f
    FOREIGN KEY (parent_block_document_id) REFERENCES block_document (id) ON DELETE CASCADE;
ALTER TABLE block_document_reference ADD CONSTRAINT fk_block_document_reference__reference_block_document_i_5759
    FOREIGN KEY (reference_block_document_id) REFERENCES block_document (id) ON DELETE CASCADE;
ALTER TABLE block_schema ADD CONSTRAINT fk_block_schema__block_type_id__block_type
    FOREIGN KEY (block_type_id) REFERENCES block_type (id) ON DELETE CASCADE;
ALTER TABLE block_schema_reference ADD CONSTRAINT fk_block_schema_reference__parent_block_schema_id__block_schema
    FOREIGN KEY (parent_block_schema_id) REFERENCES block_schema (id) ON DELETE CASCADE;
ALTER TABLE block_schema_reference ADD CONSTRAINT fk_block_schema_reference__reference_block_schema_id__b_6e5d
    FOREIGN KEY (reference_block_schema_id) REFERENCES block_schema (id) ON DELETE CASCADE;
ALTER TABLE composite_trigger_child_firing ADD CONSTRAINT fk_composite_trigger_child_firing__automation_id__automation
    FOREIGN KEY (automation_id) REFERENCES automation (id) ON DELETE CASCADE;
ALTER TABLE deployment ADD CONSTRAINT fk_deployment__concurrency_limit_id__concurrency_limit_v2
    FOREIGN KEY (concurrency_limit_id) REFERENCES concurrency_limit_v2 (id) ON DELETE SET NULL;
ALTER TABLE deployment ADD CONSTRAINT fk_deployment__flow_id__flow
    FOREIGN KEY (flow_id) REFERENCES flow (id) ON DELETE CASCADE;
ALTER TABLE deployment ADD CONSTRAINT fk_deployment__infrastructure_document_id__block_document
    FOREIGN KEY (infrastructure_document_id) REFERENCES block_document (id) ON DELETE CASCADE;
ALTER TABLE deployment ADD CONSTRAINT fk_deployment__storage_document_id__block_document
    FOREIGN KEY (storage_document_id) REFERENCES block_document (id) ON DELETE CASCADE;
ALTER TABLE deployment ADD CONSTRAINT fk_deployment__work_queue_id__work_queue
    FOREIGN KEY (work_queue_id) REFERENCES work_queue (id) ON DELETE SET NULL;
ALTER TABLE deployment_schedule ADD CONSTRAINT fk_deployment_schedule__deployment_id__deployment
    FOREIGN KEY (deployment_id) REFERENCES deployment (id) ON DELETE CASCADE;
ALTER TABLE deployment_version ADD CONSTRAINT fk_deployment_version__deployment_id__deployment
    FOREIGN KEY (deployment_id) REFERENCES deployment (id) ON DELETE CASCADE;
ALTER TABLE deployment_version ADD CONSTRAINT fk_deployment_version__work_queue_id__work_queue
    FOREIGN KEY (work_queue_id) REFERENCES work_queue (id) ON DELETE SET NULL;
ALTER TABLE flow_run ADD CONSTRAINT fk_flow_run__flow_id__flow
    FOREIGN KEY (flow_id) REFERENCES flow (id) ON DELETE CASCADE;
ALTER TABLE flow_run ADD CONSTRAINT fk_flow_run__infrastructure_document_id__block_document
    FOREIGN KEY (infrastructure_document_id) REFERENCES block_document (id) ON DELETE CASCADE;
ALTER TABLE flow_run ADD CONSTRAINT fk_flow_run__parent_task_run_id__task_run
    FOREIGN KEY (parent_task_run_id) REFERENCES task_run (id) ON DELETE SET NULL;
ALTER TABLE flow_run ADD CONSTRAINT fk_flow_run__state_id__flow_run_state
    FOREIGN KEY (state_id) REFERENCES flow_run_state (id) ON DELETE SET NULL;
ALTER TABLE flow_run ADD CONSTRAINT fk_flow_run__work_queue_id__work_queue
    FOREIGN KEY (work_queue_id) REFERENCES work_queue (id) ON DELETE SET NULL;
ALTER TABLE flow_run_input ADD CONSTRAINT fk_flow_run_input__flow_run_id__flow_run
    FOREIGN KEY (flow_run_id) REFERENCES flow_run (id) ON DELETE CASCADE;
ALTER TABLE flow_run_state ADD CONSTRAINT fk_flow_run_state__flow_run_id__flow_run
    FOREIGN KEY (flow_run_id) REFERENCES flow_run (id) ON DELETE CASCADE;
ALTER TABLE flow_run_state ADD CONSTRAINT fk_flow_run_state__result_artifact_id__artifact
    FOREIGN KEY (result_artifact_id) REFERENCES artifact (id) ON DELETE SET NULL;
ALTER TABLE task_run ADD CONSTRAINT fk_task_run__flow_run_id__flow_run
    FOREIGN KEY (flow_run_id) REFERENCES flow_run (id) ON DELETE CASCADE;
ALTER TABLE task_run_state ADD CONSTRAINT fk_task_run_state__result_artifact_id__artifact
    FOREIGN KEY (result_artifact_id) REFERENCES artifact (id) ON DELETE SET NULL;
ALTER TABLE task_run_state ADD CONSTRAINT fk_task_run_state__task_run_id__task_run
    FOREIGN KEY (task_run_id) REFERENCES task_run (id) ON DELETE CASCADE;
ALTER TABLE work_pool ADD CONSTRAINT fk_work_pool__default_queue_id__work_queue
    FOREIGN KEY (default_queue_id) REFERENCES work_queue (id) ON DELETE RESTRICT;
ALTER TABLE work_queue ADD CONSTRAINT fk_work_queue__work_pool_id__work_pool
    FOREIGN KEY (work_pool_id) REFERENCES work_pool (id) ON DELETE CASCADE;
ALTER TABLE worker ADD CONSTRAINT fk_worker__work_pool_id__work_pool
    FOREIGN KEY (work_pool_id) REFERENCES work_pool (id) ON DELETE CASCADE;
