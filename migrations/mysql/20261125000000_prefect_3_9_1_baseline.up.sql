-- flowdb migration: Prefect 3.9.1 schema baseline (MariaDB 10.6+ / MySQL 8.0.21+)
-- alembic_revision: 91e2b8f3d6a4
--
-- The logical schema of ../postgresql/20261125000000_prefect_3_9_1_baseline.up.sql (Prefect
-- 3.9.1, alembic head 91e2b8f3d6a4) in MariaDB/MySQL terms: the same 37 tables (alembic_version
-- included), columns in the same order with the same nullability and defaults, unique
-- constraints, index names, foreign keys (ON DELETE actions included) and check constraint.
-- alembic_version is created empty; the engine stamps it (as on PostgreSQL).
--
-- Session: the mysql plugin runs this as one script with ANSI_QUOTES and PIPES_AS_CONCAT in
-- sql_mode, time_zone '+00:00' and utf8mb4, so identifiers are quoted with double quotes (only
-- where needed: the reserved words "key", "limit", "trigger", plus "value", "type", "end" and
-- "timestamp" for readability), never backticks. DDL is not transactional on these servers:
-- a script that fails half-way leaves the tables it created (drop the database to retry).
--
-- Types: UUID -> CHAR(36) (lower-case hyphenated text, DEFAULT (UUID())); TIMESTAMP WITH TIME
-- ZONE -> DATETIME(6) in UTC (DEFAULT CURRENT_TIMESTAMP(6)); INTERVAL -> BIGINT microseconds;
-- JSON/JSONB -> JSON; the PostgreSQL enum types -> inline ENUM(...) with the same labels in the
-- same order; VARCHAR/TEXT -> VARCHAR(255) where the column is in a key or index (PostgreSQL's
-- trigram indexes included), LONGTEXT otherwise (PostgreSQL's text is unbounded; MySQL's TEXT stops at 64 KiB). Every table is InnoDB, utf8mb4, utf8mb4_bin
-- (comparison and order by code point, case-sensitive, like PostgreSQL's C collation).
--
-- Where MariaDB/MySQL cannot say the same thing, the closest equivalent is used and marked
-- "MySQL:" at the place:
--   * primary keys are always named PRIMARY (the pk_<table> names are not kept);
--   * no CREATE EXTENSION, no enum types, no trigram (pg_trgm) or JSONB GIN indexes;
--   * partial and expression indexes become STORED generated columns (gen_*, INVISIBLE, so
--     SELECT * and INSERT without a column list see the PostgreSQL columns only) and/or
--     leading predicate columns; INCLUDE columns become trailing key columns;
--   * a JSON column cannot be a key part: the keys over bucketing_key use the SHA-256 of its
--     text (MySQL's normalized JSON text; MariaDB stores JSON as written, so there two spellings
--     of one value, e.g. '["a","b"]' and '["a", "b"]', count as different keys);
--   * MariaDB's JSON is LONGTEXT with a CHECK (json_valid(col)) named after the column;
--   * deleting a work_pool whose default_queue_id names one of its own queues is refused
--     (InnoDB checks the RESTRICT key row by row, mid-cascade); clear default_queue_id first;
--   * InnoDB adds an index, named after the constraint, for each foreign key whose columns
--     lead no index (9 of them; PostgreSQL has none there).
-- MySQL needs 8.0.21+ (JSON_VALUE in a generated column; expression defaults need 8.0.13,
-- enforced CHECK 8.0.16, INVISIBLE 8.0.23 and is skipped before). MariaDB ignores "DESC" in
-- index definitions before 10.8 (the index is then ascending, which it can scan backwards).

-- agent
CREATE TABLE agent (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    name VARCHAR(255) NOT NULL,
    work_queue_id CHAR(36) NOT NULL,
    last_activity_time DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    PRIMARY KEY (id),
    CONSTRAINT uq_agent__name UNIQUE (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_agent__updated ON agent (updated);
CREATE INDEX ix_agent__work_queue_id ON agent (work_queue_id);

-- alembic_version
CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    PRIMARY KEY (version_num)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- artifact
CREATE TABLE artifact (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    "key" VARCHAR(255),
    task_run_id CHAR(36),
    flow_run_id CHAR(36),
    "type" VARCHAR(255),
    data JSON,
    description LONGTEXT,
    metadata_ JSON,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_artifact__flow_run_id ON artifact (flow_run_id);
CREATE INDEX ix_artifact__key ON artifact ("key");
-- MySQL: no INCLUDE; PostgreSQL's included columns (id, updated, type, task_run_id,
-- flow_run_id) follow the key columns, so the index still covers the same queries.
CREATE INDEX ix_artifact__key_created_desc ON artifact ("key", created DESC, id, updated, "type", task_run_id, flow_run_id);
CREATE INDEX ix_artifact__task_run_id ON artifact (task_run_id);
CREATE INDEX ix_artifact__updated ON artifact (updated);

-- artifact_collection
CREATE TABLE artifact_collection (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    "key" VARCHAR(255) NOT NULL,
    latest_id CHAR(36) NOT NULL,
    task_run_id CHAR(36),
    flow_run_id CHAR(36),
    "type" LONGTEXT,
    data JSON,
    description LONGTEXT,
    metadata_ JSON,
    PRIMARY KEY (id),
    CONSTRAINT uq_artifact_collection__key UNIQUE ("key")
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_artifact_collection__key_latest_id ON artifact_collection ("key", latest_id);
CREATE INDEX ix_artifact_collection__updated ON artifact_collection (updated);

-- automation
CREATE TABLE automation (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    name LONGTEXT NOT NULL,
    description LONGTEXT NOT NULL,
    enabled BOOLEAN NOT NULL DEFAULT TRUE,
    tags JSON NOT NULL DEFAULT ('[]'),
    "trigger" JSON NOT NULL,
    actions JSON NOT NULL,
    actions_on_trigger JSON NOT NULL DEFAULT ('[]'),
    actions_on_resolve JSON NOT NULL DEFAULT ('[]'),
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_automation__updated ON automation (updated);

-- automation_bucket
CREATE TABLE automation_bucket (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    automation_id CHAR(36) NOT NULL,
    trigger_id CHAR(36) NOT NULL,
    bucketing_key JSON NOT NULL,
    last_event JSON,
    start DATETIME(6) NOT NULL,
    "end" DATETIME(6) NOT NULL,
    count INT NOT NULL,
    last_operation LONGTEXT,
    triggered_at DATETIME(6),
    -- MySQL: a JSON column cannot be a key part; the unique key below uses its SHA-256.
    gen_bucketing_key_sha256 CHAR(64) GENERATED ALWAYS AS (SHA2(CAST(bucketing_key AS CHAR CHARACTER SET utf8mb4), 256)) STORED /*M!100303 INVISIBLE */ /*!80023 INVISIBLE */,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_automation_bucket__automation_id__end ON automation_bucket (automation_id, "end");
CREATE INDEX ix_automation_bucket__updated ON automation_bucket (updated);
-- MySQL: PostgreSQL's key is (automation_id, trigger_id, bucketing_key).
CREATE UNIQUE INDEX uq_automation_bucket__automation_id__trigger_id__bucketing_key ON automation_bucket (automation_id, trigger_id, gen_bucketing_key_sha256);

-- automation_event_follower
CREATE TABLE automation_event_follower (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    scope VARCHAR(255) NOT NULL,
    leader_event_id CHAR(36) NOT NULL,
    follower_event_id CHAR(36) NOT NULL,
    received DATETIME(6) NOT NULL,
    follower JSON NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_ae_follower_scope_leader ON automation_event_follower (scope, leader_event_id);
CREATE INDEX ix_automation_event_follower__leader_event_id ON automation_event_follower (leader_event_id);
CREATE INDEX ix_automation_event_follower__received ON automation_event_follower (received);
CREATE INDEX ix_automation_event_follower__scope ON automation_event_follower (scope);
CREATE INDEX ix_automation_event_follower__updated ON automation_event_follower (updated);
CREATE UNIQUE INDEX uq_follower_for_scope ON automation_event_follower (scope, follower_event_id);

-- automation_held_event
CREATE TABLE automation_held_event (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    automation_id CHAR(36) NOT NULL,
    trigger_id CHAR(36) NOT NULL,
    bucketing_key JSON NOT NULL DEFAULT ('[]'),
    event_id CHAR(36) NOT NULL,
    occurred DATETIME(6) NOT NULL,
    -- MySQL: a JSON column cannot be a key part; the two indexes below use its SHA-256.
    gen_bucketing_key_sha256 CHAR(64) GENERATED ALWAYS AS (SHA2(CAST(bucketing_key AS CHAR CHARACTER SET utf8mb4), 256)) STORED /*M!100303 INVISIBLE */ /*!80023 INVISIBLE */,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- MySQL: PostgreSQL's key is (automation_id, trigger_id, bucketing_key, occurred, event_id).
CREATE INDEX ix_automation_held_event__trigger_key_occurred ON automation_held_event (automation_id, trigger_id, gen_bucketing_key_sha256, occurred, event_id);
CREATE INDEX ix_automation_held_event__updated ON automation_held_event (updated);
-- MySQL: PostgreSQL's key is (automation_id, trigger_id, bucketing_key, event_id).
CREATE UNIQUE INDEX uq_automation_held_event__trigger_key_event ON automation_held_event (automation_id, trigger_id, gen_bucketing_key_sha256, event_id);

-- automation_related_resource
CREATE TABLE automation_related_resource (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    automation_id CHAR(36) NOT NULL,
    resource_id VARCHAR(255),
    automation_owned_by_resource BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_automation_related_resource__resource_id ON automation_related_resource (resource_id);
CREATE INDEX ix_automation_related_resource__updated ON automation_related_resource (updated);
CREATE UNIQUE INDEX uq_automation_related_resource__automation_id__resource_id ON automation_related_resource (automation_id, resource_id);

-- block_document
CREATE TABLE block_document (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    name VARCHAR(255) NOT NULL,
    data JSON NOT NULL DEFAULT ('{}'),
    is_anonymous BOOLEAN NOT NULL DEFAULT FALSE,
    block_type_name VARCHAR(255),
    block_type_id CHAR(36) NOT NULL,
    block_schema_id CHAR(36) NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_block_document__block_type_name__name ON block_document (block_type_name, name);
CREATE INDEX ix_block_document__is_anonymous ON block_document (is_anonymous);
CREATE INDEX ix_block_document__name ON block_document (name);
CREATE INDEX ix_block_document__updated ON block_document (updated);
-- MySQL: trgm_ix_block_document_name (GIN (name gin_trgm_ops), serving ILIKE '%...%' on name) is omitted:
-- MariaDB has no trigram index and FULLTEXT does not serve substring LIKE; name stays VARCHAR(255).
CREATE UNIQUE INDEX uq_block__type_id_name ON block_document (block_type_id, name);

-- block_document_reference
CREATE TABLE block_document_reference (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    name LONGTEXT NOT NULL,
    parent_block_document_id CHAR(36) NOT NULL,
    reference_block_document_id CHAR(36) NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT ck_block_document_reference__ck_block_document_referenc_824f CHECK (parent_block_document_id <> reference_block_document_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_block_document_reference__updated ON block_document_reference (updated);

-- block_schema
CREATE TABLE block_schema (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    checksum VARCHAR(255) NOT NULL,
    fields JSON NOT NULL DEFAULT ('{}'),
    capabilities JSON NOT NULL DEFAULT ('[]'),
    version VARCHAR(255) NOT NULL DEFAULT 'non-versioned',
    block_type_id CHAR(36) NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_block_schema__block_type_id ON block_schema (block_type_id);
-- MySQL: ix_block_schema__capabilities (GIN (capabilities), serving JSONB containment) is omitted:
-- MariaDB has no JSON array index (MySQL's multi-valued indexes have no MariaDB counterpart).
CREATE INDEX ix_block_schema__created ON block_schema (created);
CREATE INDEX ix_block_schema__updated ON block_schema (updated);
CREATE UNIQUE INDEX uq_block_schema__checksum_version ON block_schema (checksum, version);

-- block_schema_reference
CREATE TABLE block_schema_reference (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    name LONGTEXT NOT NULL,
    parent_block_schema_id CHAR(36) NOT NULL,
    reference_block_schema_id CHAR(36) NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_block_schema_reference__updated ON block_schema_reference (updated);

-- block_type
CREATE TABLE block_type (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    name VARCHAR(255) NOT NULL,
    slug VARCHAR(255) NOT NULL,
    logo_url LONGTEXT,
    documentation_url LONGTEXT,
    description LONGTEXT,
    code_example LONGTEXT,
    is_protected BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_block_type__updated ON block_type (updated);
-- MySQL: trgm_ix_block_type_name (GIN (name gin_trgm_ops), serving ILIKE '%...%' on name) is omitted:
-- MariaDB has no trigram index and FULLTEXT does not serve substring LIKE; name stays VARCHAR(255).
CREATE UNIQUE INDEX uq_block_type__slug ON block_type (slug);

-- composite_trigger_child_firing
CREATE TABLE composite_trigger_child_firing (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    automation_id CHAR(36) NOT NULL,
    parent_trigger_id CHAR(36) NOT NULL,
    child_trigger_id CHAR(36) NOT NULL,
    child_firing_id CHAR(36) NOT NULL,
    child_fired_at DATETIME(6),
    child_firing JSON NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_composite_trigger_child_firing__updated ON composite_trigger_child_firing (updated);
CREATE UNIQUE INDEX uq_composite_trigger_child_firing__a_id__pt_id__ct__id ON composite_trigger_child_firing (automation_id, parent_trigger_id, child_trigger_id);

-- concurrency_limit
CREATE TABLE concurrency_limit (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    tag VARCHAR(255) NOT NULL,
    concurrency_limit INT NOT NULL,
    active_slots JSON NOT NULL DEFAULT ('[]'),
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_concurrency_limit__updated ON concurrency_limit (updated);
CREATE UNIQUE INDEX uq_concurrency_limit__tag ON concurrency_limit (tag);

-- concurrency_limit_v2
CREATE TABLE concurrency_limit_v2 (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    active BOOLEAN NOT NULL,
    name VARCHAR(255) NOT NULL,
    "limit" INT NOT NULL,
    active_slots INT NOT NULL,
    denied_slots INT NOT NULL,
    slot_decay_per_second DOUBLE NOT NULL,
    avg_slot_occupancy_seconds DOUBLE NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uq_concurrency_limit_v2__name UNIQUE (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_concurrency_limit_v2__updated ON concurrency_limit_v2 (updated);

-- configuration
CREATE TABLE configuration (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    "key" VARCHAR(255) NOT NULL,
    "value" JSON NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uq_configuration__key UNIQUE ("key")
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_configuration__key ON configuration ("key");
CREATE INDEX ix_configuration__updated ON configuration (updated);

-- csrf_token
CREATE TABLE csrf_token (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    token LONGTEXT NOT NULL,
    client VARCHAR(255) NOT NULL,
    expiration DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uq_csrf_token__client UNIQUE (client)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_csrf_token__updated ON csrf_token (updated);

-- deployment
CREATE TABLE deployment (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    name VARCHAR(255) NOT NULL,
    version LONGTEXT,
    description LONGTEXT,
    work_queue_name VARCHAR(255),
    infra_overrides JSON NOT NULL DEFAULT ('{}'),
    path LONGTEXT,
    entrypoint LONGTEXT,
    last_polled DATETIME(6),
    status ENUM('READY','NOT_READY') NOT NULL DEFAULT 'NOT_READY',
    flow_id CHAR(36) NOT NULL,
    work_queue_id CHAR(36),
    paused BOOLEAN NOT NULL DEFAULT FALSE,
    concurrency_limit INT,
    concurrency_limit_id CHAR(36),
    concurrency_options JSON,
    tags JSON NOT NULL DEFAULT ('[]'),
    labels JSON,
    parameters JSON NOT NULL DEFAULT ('{}'),
    pull_steps JSON,
    parameter_openapi_schema JSON,
    enforce_parameter_schema BOOLEAN NOT NULL DEFAULT FALSE,
    created_by JSON,
    updated_by JSON,
    infrastructure_document_id CHAR(36),
    storage_document_id CHAR(36),
    version_id CHAR(36),
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_deployment__created ON deployment (created);
CREATE INDEX ix_deployment__flow_id ON deployment (flow_id);
CREATE INDEX ix_deployment__paused ON deployment (paused);
CREATE INDEX ix_deployment__updated ON deployment (updated);
CREATE INDEX ix_deployment__version_id ON deployment (version_id);
CREATE INDEX ix_deployment__work_queue_id ON deployment (work_queue_id);
CREATE INDEX ix_deployment__work_queue_name ON deployment (work_queue_name);
-- MySQL: trgm_ix_deployment_name (GIN (name gin_trgm_ops), serving ILIKE '%...%' on name) is omitted:
-- MariaDB has no trigram index and FULLTEXT does not serve substring LIKE; name stays VARCHAR(255).
CREATE UNIQUE INDEX uq_deployment__flow_id_name ON deployment (flow_id, name);

-- deployment_schedule
CREATE TABLE deployment_schedule (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    deployment_id CHAR(36) NOT NULL,
    schedule JSON NOT NULL,
    active BOOLEAN NOT NULL,
    max_scheduled_runs INT,
    parameters JSON NOT NULL DEFAULT ('{}'),
    slug VARCHAR(255),
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_deployment_schedule__deployment_id ON deployment_schedule (deployment_id);
-- MySQL: PostgreSQL's index is partial (WHERE slug IS NOT NULL). A unique key here never
-- compares rows whose slug is NULL, so the full unique index has the same semantics.
CREATE UNIQUE INDEX ix_deployment_schedule__deployment_id__slug ON deployment_schedule (deployment_id, slug);
CREATE INDEX ix_deployment_schedule__slug ON deployment_schedule (slug);
CREATE INDEX ix_deployment_schedule__updated ON deployment_schedule (updated);

-- deployment_version
CREATE TABLE deployment_version (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    deployment_id CHAR(36) NOT NULL,
    branch VARCHAR(255),
    version_info JSON NOT NULL DEFAULT ('{}'),
    description LONGTEXT,
    tags JSON NOT NULL DEFAULT ('[]'),
    labels JSON,
    entrypoint LONGTEXT,
    pull_steps JSON,
    parameters JSON NOT NULL DEFAULT ('{}'),
    parameter_openapi_schema JSON,
    enforce_parameter_schema BOOLEAN NOT NULL DEFAULT FALSE,
    work_queue_id CHAR(36),
    work_queue_name VARCHAR(255),
    infra_overrides JSON NOT NULL DEFAULT ('{}'),
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_deployment_version__deployment_id ON deployment_version (deployment_id);
CREATE INDEX ix_deployment_version__updated ON deployment_version (updated);
CREATE INDEX ix_deployment_version__work_queue_id ON deployment_version (work_queue_id);
CREATE INDEX ix_deployment_version__work_queue_name ON deployment_version (work_queue_name);
CREATE UNIQUE INDEX uq_deployment_version__deployment__branch ON deployment_version (deployment_id, branch);

-- event_resources
CREATE TABLE event_resources (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    occurred DATETIME(6) NOT NULL,
    resource_id VARCHAR(255) NOT NULL, -- MySQL: LONGTEXT in PostgreSQL; indexed, so VARCHAR(255)
    resource_role LONGTEXT NOT NULL,
    resource JSON NOT NULL,
    event_id CHAR(36) NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_event_resources__event_id ON event_resources (event_id);
CREATE INDEX ix_event_resources__occurred ON event_resources (occurred);
CREATE INDEX ix_event_resources__resource_id__occurred ON event_resources (resource_id, occurred);
CREATE INDEX ix_event_resources__updated ON event_resources (updated);

-- events
CREATE TABLE events (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    occurred DATETIME(6) NOT NULL,
    event VARCHAR(255) NOT NULL, -- MySQL: LONGTEXT in PostgreSQL; indexed, so VARCHAR(255)
    resource_id VARCHAR(255) NOT NULL, -- MySQL: likewise
    resource JSON NOT NULL,
    related_resource_ids JSON NOT NULL DEFAULT ('[]'),
    related JSON NOT NULL DEFAULT ('[]'),
    payload JSON NOT NULL,
    received DATETIME(6) NOT NULL,
    recorded DATETIME(6) NOT NULL,
    follows CHAR(36),
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_events__event__id ON events (event, id);
CREATE INDEX ix_events__event_occurred ON events (event, occurred);
CREATE INDEX ix_events__event_occurred_id ON events (event, occurred, id);
CREATE INDEX ix_events__event_resource_id_occurred ON events (event, resource_id, occurred);
CREATE INDEX ix_events__occurred ON events (occurred);
CREATE INDEX ix_events__occurred_id ON events (occurred, id);
-- MySQL: ix_events__related_gin (GIN (related)) and ix_events__related_resource_ids_gin
-- (GIN (related_resource_ids)) are omitted: MariaDB has no JSON array index.
CREATE INDEX ix_events__updated ON events (updated);

-- flow
CREATE TABLE flow (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    name VARCHAR(255) NOT NULL,
    tags JSON NOT NULL DEFAULT ('[]'),
    labels JSON,
    PRIMARY KEY (id),
    CONSTRAINT uq_flow__name UNIQUE (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_flow__created ON flow (created);
CREATE INDEX ix_flow__updated ON flow (updated);
-- MySQL: trgm_ix_flow_name (GIN (name gin_trgm_ops), serving ILIKE '%...%' on name) is omitted:
-- MariaDB has no trigram index and FULLTEXT does not serve substring LIKE; name stays VARCHAR(255).

-- flow_run
CREATE TABLE flow_run (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    name VARCHAR(255) NOT NULL,
    state_type ENUM('SCHEDULED','PENDING','RUNNING','COMPLETED','FAILED','CANCELLED','CRASHED','PAUSED','CANCELLING'),
    state_name VARCHAR(255),
    state_timestamp DATETIME(6),
    run_count INT NOT NULL DEFAULT 0,
    expected_start_time DATETIME(6),
    next_scheduled_start_time DATETIME(6),
    start_time DATETIME(6),
    end_time DATETIME(6),
    total_run_time BIGINT NOT NULL DEFAULT 0,
    flow_id CHAR(36) NOT NULL,
    deployment_id CHAR(36),
    work_queue_name VARCHAR(255),
    flow_version VARCHAR(255),
    deployment_version VARCHAR(255),
    parameters JSON NOT NULL DEFAULT ('{}'),
    idempotency_key VARCHAR(255),
    context JSON NOT NULL DEFAULT ('{}'),
    empirical_policy JSON NOT NULL DEFAULT ('{}'),
    tags JSON NOT NULL DEFAULT ('[]'),
    labels JSON,
    created_by JSON,
    infrastructure_pid LONGTEXT,
    job_variables JSON DEFAULT ('{}'),
    infrastructure_document_id CHAR(36),
    parent_task_run_id CHAR(36),
    auto_scheduled BOOLEAN NOT NULL DEFAULT FALSE,
    state_id CHAR(36),
    work_queue_id CHAR(36),
    -- MySQL: the expressions of PostgreSQL's expression indexes, as generated columns
    -- (MariaDB has no functional key parts): COALESCE(start_time, expected_start_time) and
    -- created_by ->> 'id' (JSON_VALUE gives NULL for a missing key and for JSON null, as ->> does).
    gen_coalesce_start_time_expected_start_time DATETIME(6) GENERATED ALWAYS AS (COALESCE(start_time, expected_start_time)) STORED /*M!100303 INVISIBLE */ /*!80023 INVISIBLE */,
    gen_created_by_id VARCHAR(255) GENERATED ALWAYS AS (LEFT(JSON_VALUE(created_by, '$.id'), 255)) STORED /*M!100303 INVISIBLE */ /*!80023 INVISIBLE */,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- MySQL: PostgreSQL's key is (COALESCE(start_time, expected_start_time)).
CREATE INDEX ix_flow_run__coalesce_start_time_expected_start_time_asc ON flow_run (gen_coalesce_start_time_expected_start_time);
-- MySQL: PostgreSQL's key is (COALESCE(start_time, expected_start_time) DESC).
CREATE INDEX ix_flow_run__coalesce_start_time_expected_start_time_desc ON flow_run (gen_coalesce_start_time_expected_start_time DESC);
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
-- MySQL: no partial indexes. PostgreSQL's
--   (deployment_id, (created_by ->> 'id'), next_scheduled_start_time)
--   WHERE state_type = 'SCHEDULED' AND auto_scheduled = true
-- becomes a full index led by the predicate's equality columns: every query PostgreSQL can
-- serve from the partial index (its WHERE implies the predicate) seeks straight to the same
-- entries, in the same order; the index also holds the other rows.
CREATE INDEX ix_flow_run__schedule_id_scheduler ON flow_run (state_type, auto_scheduled, deployment_id, gen_created_by_id, next_scheduled_start_time);
-- MySQL: likewise, PostgreSQL's (deployment_id, auto_scheduled, next_scheduled_start_time)
-- WHERE state_type = 'SCHEDULED', led by state_type.
CREATE INDEX ix_flow_run__scheduler_deployment_id_auto_scheduled_next_schedu ON flow_run (state_type, deployment_id, auto_scheduled, next_scheduled_start_time);
CREATE INDEX ix_flow_run__start_time ON flow_run (start_time);
CREATE INDEX ix_flow_run__state_id ON flow_run (state_id);
CREATE INDEX ix_flow_run__state_name ON flow_run (state_name);
CREATE INDEX ix_flow_run__state_timestamp ON flow_run (state_timestamp);
CREATE INDEX ix_flow_run__state_type ON flow_run (state_type);
-- MySQL: PostgreSQL's key is (state_type, COALESCE(start_time, expected_start_time)).
CREATE INDEX ix_flow_run__state_type_coalesce_start_time ON flow_run (state_type, gen_coalesce_start_time_expected_start_time);
CREATE INDEX ix_flow_run__updated ON flow_run (updated);
CREATE INDEX ix_flow_run__work_queue_id ON flow_run (work_queue_id);
CREATE INDEX ix_flow_run__work_queue_name ON flow_run (work_queue_name);
-- MySQL: trgm_ix_flow_run_name (GIN (name gin_trgm_ops), serving ILIKE '%...%' on name) is omitted:
-- MariaDB has no trigram index and FULLTEXT does not serve substring LIKE; name stays VARCHAR(255).
CREATE UNIQUE INDEX uq_flow_run__flow_id_idempotency_key ON flow_run (flow_id, idempotency_key);

-- flow_run_input
CREATE TABLE flow_run_input (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    flow_run_id CHAR(36) NOT NULL,
    "key" VARCHAR(255) NOT NULL,
    "value" LONGTEXT NOT NULL,
    sender LONGTEXT,
    PRIMARY KEY (id),
    CONSTRAINT uq_flow_run_input__flow_run_id_key UNIQUE (flow_run_id, "key")
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_flow_run_input__updated ON flow_run_input (updated);

-- flow_run_state
CREATE TABLE flow_run_state (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    flow_run_id CHAR(36) NOT NULL,
    "type" ENUM('SCHEDULED','PENDING','RUNNING','COMPLETED','FAILED','CANCELLED','CRASHED','PAUSED','CANCELLING') NOT NULL,
    "timestamp" DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    name VARCHAR(255) NOT NULL,
    message LONGTEXT,
    state_details JSON NOT NULL DEFAULT ('{}'),
    data JSON,
    result_artifact_id CHAR(36),
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_flow_run_state__name ON flow_run_state (name);
CREATE INDEX ix_flow_run_state__result_artifact_id ON flow_run_state (result_artifact_id);
CREATE INDEX ix_flow_run_state__type ON flow_run_state ("type");
CREATE INDEX ix_flow_run_state__updated ON flow_run_state (updated);
CREATE UNIQUE INDEX uq_flow_run_state__flow_run_id_timestamp_desc ON flow_run_state (flow_run_id, "timestamp" DESC);

-- log
CREATE TABLE log (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    name LONGTEXT NOT NULL,
    level SMALLINT NOT NULL,
    flow_run_id CHAR(36),
    task_run_id CHAR(36),
    message LONGTEXT NOT NULL,
    "timestamp" DATETIME(6) NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_log__flow_run_id ON log (flow_run_id);
CREATE INDEX ix_log__flow_run_id_timestamp ON log (flow_run_id, "timestamp");
CREATE INDEX ix_log__level ON log (level);
CREATE INDEX ix_log__task_run_id ON log (task_run_id);
CREATE INDEX ix_log__timestamp ON log ("timestamp");
CREATE INDEX ix_log__updated ON log (updated);

-- saved_search
CREATE TABLE saved_search (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    name VARCHAR(255) NOT NULL,
    filters JSON NOT NULL DEFAULT ('[]'),
    PRIMARY KEY (id),
    CONSTRAINT uq_saved_search__name UNIQUE (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_saved_search__updated ON saved_search (updated);

-- task_run
CREATE TABLE task_run (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    name VARCHAR(255) NOT NULL,
    state_type ENUM('SCHEDULED','PENDING','RUNNING','COMPLETED','FAILED','CANCELLED','CRASHED','PAUSED','CANCELLING'),
    state_name VARCHAR(255),
    state_timestamp DATETIME(6),
    run_count INT NOT NULL DEFAULT 0,
    expected_start_time DATETIME(6),
    next_scheduled_start_time DATETIME(6),
    start_time DATETIME(6),
    end_time DATETIME(6),
    total_run_time BIGINT NOT NULL DEFAULT 0,
    flow_run_id CHAR(36),
    task_key VARCHAR(255) NOT NULL,
    dynamic_key VARCHAR(255) NOT NULL,
    cache_key LONGTEXT,
    cache_expiration DATETIME(6),
    task_version LONGTEXT,
    flow_run_run_count INT NOT NULL DEFAULT 0,
    empirical_policy JSON NOT NULL DEFAULT ('{}'),
    task_inputs JSON NOT NULL DEFAULT ('{}'),
    tags JSON NOT NULL DEFAULT ('[]'),
    labels JSON,
    state_id CHAR(36),
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
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
-- MySQL: trgm_ix_task_run_name (GIN (name gin_trgm_ops), serving ILIKE '%...%' on name) is omitted:
-- MariaDB has no trigram index and FULLTEXT does not serve substring LIKE; name stays VARCHAR(255).
CREATE UNIQUE INDEX uq_task_run__flow_run_id_task_key_dynamic_key ON task_run (flow_run_id, task_key, dynamic_key);

-- task_run_state
CREATE TABLE task_run_state (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    task_run_id CHAR(36) NOT NULL,
    "type" ENUM('SCHEDULED','PENDING','RUNNING','COMPLETED','FAILED','CANCELLED','CRASHED','PAUSED','CANCELLING') NOT NULL,
    "timestamp" DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    name VARCHAR(255) NOT NULL,
    message LONGTEXT,
    state_details JSON NOT NULL DEFAULT ('{}'),
    data JSON,
    result_artifact_id CHAR(36),
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_task_run_state__name ON task_run_state (name);
CREATE INDEX ix_task_run_state__result_artifact_id ON task_run_state (result_artifact_id);
CREATE INDEX ix_task_run_state__type ON task_run_state ("type");
CREATE INDEX ix_task_run_state__updated ON task_run_state (updated);
CREATE UNIQUE INDEX uq_task_run_state__task_run_id_timestamp_desc ON task_run_state (task_run_id, "timestamp" DESC);

-- task_run_state_cache
CREATE TABLE task_run_state_cache (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    cache_key VARCHAR(255) NOT NULL,
    cache_expiration DATETIME(6),
    task_run_state_id CHAR(36) NOT NULL,
    PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_task_run_state_cache__cache_key_created_desc ON task_run_state_cache (cache_key, created DESC);
CREATE INDEX ix_task_run_state_cache__updated ON task_run_state_cache (updated);

-- variable
CREATE TABLE variable (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    name VARCHAR(255) NOT NULL,
    "value" JSON,
    tags JSON NOT NULL DEFAULT ('[]'),
    PRIMARY KEY (id),
    CONSTRAINT uq_variable__name UNIQUE (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_variable__updated ON variable (updated);

-- work_pool
CREATE TABLE work_pool (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    name VARCHAR(255) NOT NULL,
    description LONGTEXT,
    "type" VARCHAR(255) NOT NULL,
    base_job_template JSON NOT NULL DEFAULT ('{}'),
    is_paused BOOLEAN NOT NULL DEFAULT FALSE,
    default_queue_id CHAR(36),
    concurrency_limit INT,
    status ENUM('READY','NOT_READY','PAUSED') NOT NULL DEFAULT 'NOT_READY',
    last_transitioned_status_at DATETIME(6),
    last_status_event_id CHAR(36),
    storage_configuration JSON NOT NULL DEFAULT ('{}'),
    PRIMARY KEY (id),
    CONSTRAINT uq_work_pool__name UNIQUE (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_work_pool__type ON work_pool ("type");
CREATE INDEX ix_work_pool__updated ON work_pool (updated);

-- work_queue
CREATE TABLE work_queue (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    name VARCHAR(255) NOT NULL,
    filter JSON,
    description LONGTEXT NOT NULL DEFAULT (''),
    is_paused BOOLEAN NOT NULL DEFAULT FALSE,
    concurrency_limit INT,
    priority INT NOT NULL DEFAULT 1,
    last_polled DATETIME(6),
    status ENUM('READY','NOT_READY','PAUSED') NOT NULL DEFAULT 'NOT_READY',
    work_pool_id CHAR(36) NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT uq_work_queue__work_pool_id_name UNIQUE (work_pool_id, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_work_queue__updated ON work_queue (updated);
CREATE INDEX ix_work_queue__work_pool_id ON work_queue (work_pool_id);
CREATE INDEX ix_work_queue__work_pool_id_priority ON work_queue (work_pool_id, priority);
-- MySQL: trgm_ix_work_queue_name (GIN (name gin_trgm_ops), serving ILIKE '%...%' on name) is omitted:
-- MariaDB has no trigram index and FULLTEXT does not serve substring LIKE; name stays VARCHAR(255).

-- worker
CREATE TABLE worker (
    id CHAR(36) NOT NULL DEFAULT (UUID()),
    created DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    work_pool_id CHAR(36) NOT NULL,
    name VARCHAR(255) NOT NULL,
    last_heartbeat_time DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    heartbeat_interval_seconds INT,
    status ENUM('ONLINE','OFFLINE') NOT NULL DEFAULT 'OFFLINE',
    PRIMARY KEY (id),
    CONSTRAINT uq_worker__work_pool_id_name UNIQUE (work_pool_id, name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX ix_worker__updated ON worker (updated);
CREATE INDEX ix_worker__work_pool_id ON worker (work_pool_id);
CREATE INDEX ix_worker__work_pool_id_last_heartbeat_time ON worker (work_pool_id, last_heartbeat_time);

-- Foreign keys (added last: several tables reference each other circularly,
-- e.g. flow_run <-> flow_run_state, work_pool <-> work_queue)
-- MySQL: InnoDB checks them row by row (PostgreSQL's NO ACTION at the end of the statement),
-- and needs an index led by each foreign key's columns: where none of the indexes above is,
-- it creates one named after the constraint (block_document.block_schema_id, both columns of
-- block_document_reference and of block_schema_reference, deployment.concurrency_limit_id,
-- infrastructure_document_id and storage_document_id, work_pool.default_queue_id).
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

