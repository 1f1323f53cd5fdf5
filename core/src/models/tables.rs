//! Every table of Prefect 3.9.1's schema as a model, generated from the schema dump and kept
//! in step with `migrations/`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::models::{
    CreatedBy, DeploymentStatus, FlowRunPolicy, StateDetails, StateType, TaskRunPolicy,
    WorkPoolStatus, WorkPoolStorageConfiguration, WorkQueueStatus, WorkerStatus, model,
};
use crate::value::{Interval, Json};

model! {
    /// A row of the `agent` table.
    Agent => "agent", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `last_activity_time`.
        last_activity_time: DateTime<Utc> => "last_activity_time",
        /// Column `name`.
        name: String => "name",
        /// Column `work_queue_id`.
        work_queue_id: Uuid => "work_queue_id",
    }
}

model! {
    /// A row of the `alembic_version` table.
    AlembicVersion => "alembic_version", key = ["version_num"], upsert = [] {
        /// Column `version_num`.
        version_num: String => "version_num",
    }
}

model! {
    /// A row of the `artifact` table.
    Artifact => "artifact", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `data`.
        data: Option<Json> => "data",
        /// Column `description`.
        description: Option<String> => "description",
        /// Column `flow_run_id`.
        flow_run_id: Option<Uuid> => "flow_run_id",
        /// Column `key`.
        key: Option<String> => "key",
        /// Column `metadata_`.
        metadata_: Option<Json> => "metadata_",
        /// Column `task_run_id`.
        task_run_id: Option<Uuid> => "task_run_id",
        /// Column `type`.
        type_: Option<String> => "type",
    }
}

model! {
    /// A row of the `artifact_collection` table.
    ArtifactCollection => "artifact_collection", key = ["id"], upsert = ["key"] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `data`.
        data: Option<Json> => "data",
        /// Column `description`.
        description: Option<String> => "description",
        /// Column `flow_run_id`.
        flow_run_id: Option<Uuid> => "flow_run_id",
        /// Column `key`.
        key: String => "key",
        /// Column `latest_id`.
        latest_id: Uuid => "latest_id",
        /// Column `metadata_`.
        metadata_: Option<Json> => "metadata_",
        /// Column `task_run_id`.
        task_run_id: Option<Uuid> => "task_run_id",
        /// Column `type`.
        type_: Option<String> => "type",
    }
}

model! {
    /// A row of the `automation` table.
    Automation => "automation", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `actions`.
        actions: Json => "actions",
        /// Column `actions_on_resolve`.
        actions_on_resolve: Json => "actions_on_resolve",
        /// Column `actions_on_trigger`.
        actions_on_trigger: Json => "actions_on_trigger",
        /// Column `description`.
        description: String => "description",
        /// Column `enabled`.
        enabled: bool => "enabled",
        /// Column `name`.
        name: String => "name",
        /// Column `tags`.
        tags: Json => "tags",
        /// Column `trigger`.
        trigger: Json => "trigger",
    }
}

model! {
    /// A row of the `automation_bucket` table.
    AutomationBucket => "automation_bucket", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `automation_id`.
        automation_id: Uuid => "automation_id",
        /// Column `bucketing_key`.
        bucketing_key: Json => "bucketing_key",
        /// Column `count`.
        count: i32 => "count",
        /// Column `end`.
        end: DateTime<Utc> => "end",
        /// Column `last_event`.
        last_event: Option<Json> => "last_event",
        /// Column `last_operation`.
        last_operation: Option<String> => "last_operation",
        /// Column `start`.
        start: DateTime<Utc> => "start",
        /// Column `trigger_id`.
        trigger_id: Uuid => "trigger_id",
        /// Column `triggered_at`.
        triggered_at: Option<DateTime<Utc>> => "triggered_at",
    }
}

model! {
    /// A row of the `automation_event_follower` table.
    AutomationEventFollower => "automation_event_follower", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `follower`.
        follower: Json => "follower",
        /// Column `follower_event_id`.
        follower_event_id: Uuid => "follower_event_id",
        /// Column `leader_event_id`.
        leader_event_id: Uuid => "leader_event_id",
        /// Column `received`.
        received: DateTime<Utc> => "received",
        /// Column `scope`.
        scope: String => "scope",
    }
}

model! {
    /// A row of the `automation_held_event` table.
    AutomationHeldEvent => "automation_held_event", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `automation_id`.
        automation_id: Uuid => "automation_id",
        /// Column `bucketing_key`.
        bucketing_key: Json => "bucketing_key",
        /// Column `event_id`.
        event_id: Uuid => "event_id",
        /// Column `occurred`.
        occurred: DateTime<Utc> => "occurred",
        /// Column `trigger_id`.
        trigger_id: Uuid => "trigger_id",
    }
}

model! {
    /// A row of the `automation_related_resource` table.
    AutomationRelatedResource => "automation_related_resource", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `automation_id`.
        automation_id: Uuid => "automation_id",
        /// Column `automation_owned_by_resource`.
        automation_owned_by_resource: bool => "automation_owned_by_resource",
        /// Column `resource_id`.
        resource_id: Option<String> => "resource_id",
    }
}

model! {
    /// A row of the `block_document` table.
    BlockDocument => "block_document", key = ["id"], upsert = ["block_type_id", "name"] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `block_schema_id`.
        block_schema_id: Uuid => "block_schema_id",
        /// Column `block_type_id`.
        block_type_id: Uuid => "block_type_id",
        /// Column `block_type_name`.
        block_type_name: Option<String> => "block_type_name",
        /// Column `data`.
        data: Json => "data",
        /// Column `is_anonymous`.
        is_anonymous: bool => "is_anonymous",
        /// Column `name`.
        name: String => "name",
    }
}

model! {
    /// A row of the `block_document_reference` table.
    BlockDocumentReference => "block_document_reference", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `name`.
        name: String => "name",
        /// Column `parent_block_document_id`.
        parent_block_document_id: Uuid => "parent_block_document_id",
        /// Column `reference_block_document_id`.
        reference_block_document_id: Uuid => "reference_block_document_id",
    }
}

model! {
    /// A row of the `block_schema` table.
    BlockSchema => "block_schema", key = ["id"], upsert = ["checksum", "version"] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `block_type_id`.
        block_type_id: Uuid => "block_type_id",
        /// Column `capabilities`.
        capabilities: Json => "capabilities",
        /// Column `checksum`.
        checksum: String => "checksum",
        /// Column `fields`.
        fields: Json => "fields",
        /// Column `version`.
        version: String => "version",
    }
}

model! {
    /// A row of the `block_schema_reference` table.
    BlockSchemaReference => "block_schema_reference", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `name`.
        name: String => "name",
        /// Column `parent_block_schema_id`.
        parent_block_schema_id: Uuid => "parent_block_schema_id",
        /// Column `reference_block_schema_id`.
        reference_block_schema_id: Uuid => "reference_block_schema_id",
    }
}

model! {
    /// A row of the `block_type` table.
    BlockType => "block_type", key = ["id"], upsert = ["slug"] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `code_example`.
        code_example: Option<String> => "code_example",
        /// Column `description`.
        description: Option<String> => "description",
        /// Column `documentation_url`.
        documentation_url: Option<String> => "documentation_url",
        /// Column `is_protected`.
        is_protected: bool => "is_protected",
        /// Column `logo_url`.
        logo_url: Option<String> => "logo_url",
        /// Column `name`.
        name: String => "name",
        /// Column `slug`.
        slug: String => "slug",
    }
}

model! {
    /// A row of the `composite_trigger_child_firing` table.
    CompositeTriggerChildFiring => "composite_trigger_child_firing", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `automation_id`.
        automation_id: Uuid => "automation_id",
        /// Column `child_fired_at`.
        child_fired_at: Option<DateTime<Utc>> => "child_fired_at",
        /// Column `child_firing`.
        child_firing: Json => "child_firing",
        /// Column `child_firing_id`.
        child_firing_id: Uuid => "child_firing_id",
        /// Column `child_trigger_id`.
        child_trigger_id: Uuid => "child_trigger_id",
        /// Column `parent_trigger_id`.
        parent_trigger_id: Uuid => "parent_trigger_id",
    }
}

model! {
    /// A row of the `concurrency_limit` table.
    ConcurrencyLimit => "concurrency_limit", key = ["id"], upsert = ["tag"] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `active_slots`.
        active_slots: Json => "active_slots",
        /// Column `concurrency_limit`.
        concurrency_limit: i32 => "concurrency_limit",
        /// Column `tag`.
        tag: String => "tag",
    }
}

model! {
    /// A row of the `concurrency_limit_v2` table.
    ConcurrencyLimitV2 => "concurrency_limit_v2", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `active`.
        active: bool => "active",
        /// Column `active_slots`.
        active_slots: i32 => "active_slots",
        /// Column `avg_slot_occupancy_seconds`.
        avg_slot_occupancy_seconds: f64 => "avg_slot_occupancy_seconds",
        /// Column `denied_slots`.
        denied_slots: i32 => "denied_slots",
        /// Column `limit`.
        limit: i32 => "limit",
        /// Column `name`.
        name: String => "name",
        /// Column `slot_decay_per_second`.
        slot_decay_per_second: f64 => "slot_decay_per_second",
    }
}

model! {
    /// A row of the `configuration` table.
    Configuration => "configuration", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `key`.
        key: String => "key",
        /// Column `value`.
        value: Json => "value",
    }
}

model! {
    /// A row of the `csrf_token` table.
    CsrfToken => "csrf_token", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `client`.
        client: String => "client",
        /// Column `expiration`.
        expiration: DateTime<Utc> => "expiration",
        /// Column `token`.
        token: String => "token",
    }
}

model! {
    /// A row of the `deployment` table.
    Deployment => "deployment", key = ["id"], upsert = ["flow_id", "name"] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `concurrency_limit`.
        concurrency_limit: Option<i32> => "concurrency_limit",
        /// Column `concurrency_limit_id`.
        concurrency_limit_id: Option<Uuid> => "concurrency_limit_id",
        /// Column `concurrency_options`.
        concurrency_options: Option<Json> => "concurrency_options",
        /// Column `created_by`.
        created_by: Option<CreatedBy> => "created_by",
        /// Column `description`.
        description: Option<String> => "description",
        /// Column `enforce_parameter_schema`.
        enforce_parameter_schema: bool => "enforce_parameter_schema",
        /// Column `entrypoint`.
        entrypoint: Option<String> => "entrypoint",
        /// Column `flow_id`.
        flow_id: Uuid => "flow_id",
        /// Column `infra_overrides`.
        infra_overrides: Json => "infra_overrides",
        /// Column `infrastructure_document_id`.
        infrastructure_document_id: Option<Uuid> => "infrastructure_document_id",
        /// Column `labels`.
        labels: Option<Json> => "labels",
        /// Column `last_polled`.
        last_polled: Option<DateTime<Utc>> => "last_polled",
        /// Column `name`.
        name: String => "name",
        /// Column `parameter_openapi_schema`.
        parameter_openapi_schema: Option<Json> => "parameter_openapi_schema",
        /// Column `parameters`.
        parameters: Json => "parameters",
        /// Column `path`.
        path: Option<String> => "path",
        /// Column `paused`.
        paused: bool => "paused",
        /// Column `pull_steps`.
        pull_steps: Option<Json> => "pull_steps",
        /// Column `status`.
        status: DeploymentStatus => "status",
        /// Column `storage_document_id`.
        storage_document_id: Option<Uuid> => "storage_document_id",
        /// Column `tags`.
        tags: Json => "tags",
        /// Column `updated_by`.
        updated_by: Option<CreatedBy> => "updated_by",
        /// Column `version`.
        version: Option<String> => "version",
        /// Column `version_id`.
        version_id: Option<Uuid> => "version_id",
        /// Column `work_queue_id`.
        work_queue_id: Option<Uuid> => "work_queue_id",
        /// Column `work_queue_name`.
        work_queue_name: Option<String> => "work_queue_name",
    }
}

model! {
    /// A row of the `deployment_schedule` table.
    DeploymentSchedule => "deployment_schedule", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `active`.
        active: bool => "active",
        /// Column `deployment_id`.
        deployment_id: Uuid => "deployment_id",
        /// Column `max_scheduled_runs`.
        max_scheduled_runs: Option<i32> => "max_scheduled_runs",
        /// Column `parameters`.
        parameters: Json => "parameters",
        /// Column `schedule`.
        schedule: Json => "schedule",
        /// Column `slug`.
        slug: Option<String> => "slug",
    }
}

model! {
    /// A row of the `deployment_version` table.
    DeploymentVersion => "deployment_version", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `branch`.
        branch: Option<String> => "branch",
        /// Column `deployment_id`.
        deployment_id: Uuid => "deployment_id",
        /// Column `description`.
        description: Option<String> => "description",
        /// Column `enforce_parameter_schema`.
        enforce_parameter_schema: bool => "enforce_parameter_schema",
        /// Column `entrypoint`.
        entrypoint: Option<String> => "entrypoint",
        /// Column `infra_overrides`.
        infra_overrides: Json => "infra_overrides",
        /// Column `labels`.
        labels: Option<Json> => "labels",
        /// Column `parameter_openapi_schema`.
        parameter_openapi_schema: Option<Json> => "parameter_openapi_schema",
        /// Column `parameters`.
        parameters: Json => "parameters",
        /// Column `pull_steps`.
        pull_steps: Option<Json> => "pull_steps",
        /// Column `tags`.
        tags: Json => "tags",
        /// Column `version_info`.
        version_info: Json => "version_info",
        /// Column `work_queue_id`.
        work_queue_id: Option<Uuid> => "work_queue_id",
        /// Column `work_queue_name`.
        work_queue_name: Option<String> => "work_queue_name",
    }
}

model! {
    /// A row of the `event_resources` table.
    EventResource => "event_resources", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `event_id`.
        event_id: Uuid => "event_id",
        /// Column `occurred`.
        occurred: DateTime<Utc> => "occurred",
        /// Column `resource`.
        resource: Json => "resource",
        /// Column `resource_id`.
        resource_id: String => "resource_id",
        /// Column `resource_role`.
        resource_role: String => "resource_role",
    }
}

model! {
    /// A row of the `events` table.
    Event => "events", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `event`.
        event: String => "event",
        /// Column `follows`.
        follows: Option<Uuid> => "follows",
        /// Column `occurred`.
        occurred: DateTime<Utc> => "occurred",
        /// Column `payload`.
        payload: Json => "payload",
        /// Column `received`.
        received: DateTime<Utc> => "received",
        /// Column `recorded`.
        recorded: DateTime<Utc> => "recorded",
        /// Column `related`.
        related: Json => "related",
        /// Column `related_resource_ids`.
        related_resource_ids: Json => "related_resource_ids",
        /// Column `resource`.
        resource: Json => "resource",
        /// Column `resource_id`.
        resource_id: String => "resource_id",
    }
}

model! {
    /// A row of the `flow` table.
    Flow => "flow", key = ["id"], upsert = ["name"] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `labels`.
        labels: Option<Json> => "labels",
        /// Column `name`.
        name: String => "name",
        /// Column `tags`.
        tags: Json => "tags",
    }
}

model! {
    /// A row of the `flow_run` table.
    FlowRun => "flow_run", key = ["id"], upsert = ["flow_id", "idempotency_key"] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `auto_scheduled`.
        auto_scheduled: bool => "auto_scheduled",
        /// Column `context`.
        context: Json => "context",
        /// Column `created_by`.
        created_by: Option<CreatedBy> => "created_by",
        /// Column `deployment_id`.
        deployment_id: Option<Uuid> => "deployment_id",
        /// Column `deployment_version`.
        deployment_version: Option<String> => "deployment_version",
        /// Column `empirical_policy`.
        empirical_policy: FlowRunPolicy => "empirical_policy",
        /// Column `end_time`.
        end_time: Option<DateTime<Utc>> => "end_time",
        /// Column `expected_start_time`.
        expected_start_time: Option<DateTime<Utc>> => "expected_start_time",
        /// Column `flow_id`.
        flow_id: Uuid => "flow_id",
        /// Column `flow_version`.
        flow_version: Option<String> => "flow_version",
        /// Column `idempotency_key`.
        idempotency_key: Option<String> => "idempotency_key",
        /// Column `infrastructure_document_id`.
        infrastructure_document_id: Option<Uuid> => "infrastructure_document_id",
        /// Column `infrastructure_pid`.
        infrastructure_pid: Option<String> => "infrastructure_pid",
        /// Column `job_variables`.
        job_variables: Option<Json> => "job_variables",
        /// Column `labels`.
        labels: Option<Json> => "labels",
        /// Column `name`.
        name: String => "name",
        /// Column `next_scheduled_start_time`.
        next_scheduled_start_time: Option<DateTime<Utc>> => "next_scheduled_start_time",
        /// Column `parameters`.
        parameters: Json => "parameters",
        /// Column `parent_task_run_id`.
        parent_task_run_id: Option<Uuid> => "parent_task_run_id",
        /// Column `run_count`.
        run_count: i32 => "run_count",
        /// Column `start_time`.
        start_time: Option<DateTime<Utc>> => "start_time",
        /// Column `state_id`.
        state_id: Option<Uuid> => "state_id",
        /// Column `state_name`.
        state_name: Option<String> => "state_name",
        /// Column `state_timestamp`.
        state_timestamp: Option<DateTime<Utc>> => "state_timestamp",
        /// Column `state_type`.
        state_type: Option<StateType> => "state_type",
        /// Column `tags`.
        tags: Json => "tags",
        /// Column `total_run_time`.
        total_run_time: Interval => "total_run_time",
        /// Column `work_queue_id`.
        work_queue_id: Option<Uuid> => "work_queue_id",
        /// Column `work_queue_name`.
        work_queue_name: Option<String> => "work_queue_name",
    }
}

model! {
    /// A row of the `flow_run_input` table.
    FlowRunInput => "flow_run_input", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `flow_run_id`.
        flow_run_id: Uuid => "flow_run_id",
        /// Column `key`.
        key: String => "key",
        /// Column `sender`.
        sender: Option<String> => "sender",
        /// Column `value`.
        value: String => "value",
    }
}

model! {
    /// A row of the `flow_run_state` table.
    FlowRunState => "flow_run_state", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `data`.
        data: Option<Json> => "data",
        /// Column `flow_run_id`.
        flow_run_id: Uuid => "flow_run_id",
        /// Column `message`.
        message: Option<String> => "message",
        /// Column `name`.
        name: String => "name",
        /// Column `result_artifact_id`.
        result_artifact_id: Option<Uuid> => "result_artifact_id",
        /// Column `state_details`.
        state_details: StateDetails => "state_details",
        /// Column `timestamp`.
        timestamp: DateTime<Utc> => "timestamp",
        /// Column `type`.
        type_: StateType => "type",
    }
}

model! {
    /// A row of the `log` table.
    Log => "log", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `flow_run_id`.
        flow_run_id: Option<Uuid> => "flow_run_id",
        /// Column `level`.
        level: i16 => "level",
        /// Column `message`.
        message: String => "message",
        /// Column `name`.
        name: String => "name",
        /// Column `task_run_id`.
        task_run_id: Option<Uuid> => "task_run_id",
        /// Column `timestamp`.
        timestamp: DateTime<Utc> => "timestamp",
    }
}

model! {
    /// A row of the `saved_search` table.
    SavedSearch => "saved_search", key = ["id"], upsert = ["name"] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `filters`.
        filters: Json => "filters",
        /// Column `name`.
        name: String => "name",
    }
}

model! {
    /// A row of the `task_run` table.
    TaskRun => "task_run", key = ["id"], upsert = ["flow_run_id", "task_key", "dynamic_key"] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `cache_expiration`.
        cache_expiration: Option<DateTime<Utc>> => "cache_expiration",
        /// Column `cache_key`.
        cache_key: Option<String> => "cache_key",
        /// Column `dynamic_key`.
        dynamic_key: String => "dynamic_key",
        /// Column `empirical_policy`.
        empirical_policy: TaskRunPolicy => "empirical_policy",
        /// Column `end_time`.
        end_time: Option<DateTime<Utc>> => "end_time",
        /// Column `expected_start_time`.
        expected_start_time: Option<DateTime<Utc>> => "expected_start_time",
        /// Column `flow_run_id`.
        flow_run_id: Option<Uuid> => "flow_run_id",
        /// Column `flow_run_run_count`.
        flow_run_run_count: i32 => "flow_run_run_count",
        /// Column `labels`.
        labels: Option<Json> => "labels",
        /// Column `name`.
        name: String => "name",
        /// Column `next_scheduled_start_time`.
        next_scheduled_start_time: Option<DateTime<Utc>> => "next_scheduled_start_time",
        /// Column `run_count`.
        run_count: i32 => "run_count",
        /// Column `start_time`.
        start_time: Option<DateTime<Utc>> => "start_time",
        /// Column `state_id`.
        state_id: Option<Uuid> => "state_id",
        /// Column `state_name`.
        state_name: Option<String> => "state_name",
        /// Column `state_timestamp`.
        state_timestamp: Option<DateTime<Utc>> => "state_timestamp",
        /// Column `state_type`.
        state_type: Option<StateType> => "state_type",
        /// Column `tags`.
        tags: Json => "tags",
        /// Column `task_inputs`.
        task_inputs: Json => "task_inputs",
        /// Column `task_key`.
        task_key: String => "task_key",
        /// Column `task_version`.
        task_version: Option<String> => "task_version",
        /// Column `total_run_time`.
        total_run_time: Interval => "total_run_time",
    }
}

model! {
    /// A row of the `task_run_state` table.
    TaskRunState => "task_run_state", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `data`.
        data: Option<Json> => "data",
        /// Column `message`.
        message: Option<String> => "message",
        /// Column `name`.
        name: String => "name",
        /// Column `result_artifact_id`.
        result_artifact_id: Option<Uuid> => "result_artifact_id",
        /// Column `state_details`.
        state_details: StateDetails => "state_details",
        /// Column `task_run_id`.
        task_run_id: Uuid => "task_run_id",
        /// Column `timestamp`.
        timestamp: DateTime<Utc> => "timestamp",
        /// Column `type`.
        type_: StateType => "type",
    }
}

model! {
    /// A row of the `task_run_state_cache` table.
    TaskRunStateCache => "task_run_state_cache", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `cache_expiration`.
        cache_expiration: Option<DateTime<Utc>> => "cache_expiration",
        /// Column `cache_key`.
        cache_key: String => "cache_key",
        /// Column `task_run_state_id`.
        task_run_state_id: Uuid => "task_run_state_id",
    }
}

model! {
    /// A row of the `variable` table.
    Variable => "variable", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `name`.
        name: String => "name",
        /// Column `tags`.
        tags: Json => "tags",
        /// Column `value`.
        value: Option<Json> => "value",
    }
}

model! {
    /// A row of the `work_pool` table.
    WorkPool => "work_pool", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `base_job_template`.
        base_job_template: Json => "base_job_template",
        /// Column `concurrency_limit`.
        concurrency_limit: Option<i32> => "concurrency_limit",
        /// Column `default_queue_id`.
        default_queue_id: Option<Uuid> => "default_queue_id",
        /// Column `description`.
        description: Option<String> => "description",
        /// Column `is_paused`.
        is_paused: bool => "is_paused",
        /// Column `last_status_event_id`.
        last_status_event_id: Option<Uuid> => "last_status_event_id",
        /// Column `last_transitioned_status_at`.
        last_transitioned_status_at: Option<DateTime<Utc>> => "last_transitioned_status_at",
        /// Column `name`.
        name: String => "name",
        /// Column `status`.
        status: WorkPoolStatus => "status",
        /// Column `storage_configuration`.
        storage_configuration: WorkPoolStorageConfiguration => "storage_configuration",
        /// Column `type`.
        type_: String => "type",
    }
}

model! {
    /// A row of the `work_queue` table.
    WorkQueue => "work_queue", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `concurrency_limit`.
        concurrency_limit: Option<i32> => "concurrency_limit",
        /// Column `description`.
        description: String => "description",
        /// Column `filter`.
        filter: Option<Json> => "filter",
        /// Column `is_paused`.
        is_paused: bool => "is_paused",
        /// Column `last_polled`.
        last_polled: Option<DateTime<Utc>> => "last_polled",
        /// Column `name`.
        name: String => "name",
        /// Column `priority`.
        priority: i32 => "priority",
        /// Column `status`.
        status: WorkQueueStatus => "status",
        /// Column `work_pool_id`.
        work_pool_id: Uuid => "work_pool_id",
    }
}

model! {
    /// A row of the `worker` table.
    Worker => "worker", key = ["id"], upsert = [] {
        /// Column `id`.
        id: Uuid => "id",
        /// Column `created`.
        created: DateTime<Utc> => "created",
        /// Column `updated`.
        updated: DateTime<Utc> => "updated",
        /// Column `heartbeat_interval_seconds`.
        heartbeat_interval_seconds: Option<i32> => "heartbeat_interval_seconds",
        /// Column `last_heartbeat_time`.
        last_heartbeat_time: DateTime<Utc> => "last_heartbeat_time",
        /// Column `name`.
        name: String => "name",
        /// Column `status`.
        status: WorkerStatus => "status",
        /// Column `work_pool_id`.
        work_pool_id: Uuid => "work_pool_id",
    }
}
