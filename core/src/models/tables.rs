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
    /// A row of `agent`: a legacy agent (the pre-worker way to run deployments) that polls one
    /// work queue for flow runs. Unique on `name`; no upsert key.
    Agent => "agent", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `last_activity_time`: the last time this agent polled for work (server default
        /// `CURRENT_TIMESTAMP`).
        last_activity_time: DateTime<Utc> => "last_activity_time",
        /// Column `name`: the agent's unique name; Prefect generates a random two-word slug when
        /// none is given.
        name: String => "name",
        /// Column `work_queue_id`: the work queue this agent polls (FK to `work_queue.id`, with no
        /// ON DELETE action).
        work_queue_id: Uuid => "work_queue_id",
    }
}

model! {
    /// The row of Alembic's `alembic_version` table, recording which migration the schema is at.
    /// Not a Prefect ORM model; it holds a single row, keyed by `version_num`.
    AlembicVersion => "alembic_version", key = ["version_num"], upsert = [] {
        /// Column `version_num`: the applied head revision (`VARCHAR(32)`); for Prefect 3.9.1 it
        /// is `91e2b8f3d6a4` on PostgreSQL and `27d8f4e1a6c9` on SQLite.
        version_num: String => "version_num",
    }
}

model! {
    /// A row of `artifact`: one artifact (result, markdown, table, progress, ...) created by a
    /// flow or task run. Rows sharing a `key` are versions of one keyed artifact; no unique or
    /// upsert key.
    Artifact => "artifact", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `data`: the artifact's payload, whose structure depends on `type`; plain `json`
        /// (not JSONB) on PostgreSQL.
        data: Option<Json> => "data",
        /// Column `description`: an optional markdown-enabled description of the artifact.
        description: Option<String> => "description",
        /// Column `flow_run_id`: the flow run the artifact belongs to, if any (indexed, but not a
        /// foreign key).
        flow_run_id: Option<Uuid> => "flow_run_id",
        /// Column `key`: optional user-chosen key; NULL for a one-off artifact, else the newest
        /// row per key is tracked in `artifact_collection`.
        key: Option<String> => "key",
        /// Column `metadata_` (`metadata` is reserved by SQLAlchemy): user-defined
        /// string-to-string metadata; plain `json` on PostgreSQL.
        metadata_: Option<Json> => "metadata_",
        /// Column `task_run_id`: the task run the artifact belongs to, if any (indexed, but not a
        /// foreign key).
        task_run_id: Option<Uuid> => "task_run_id",
        /// Column `type`: what shape `data` has, e.g. `result`, `markdown`, `table` or `progress`.
        type_: Option<String> => "type",
    }
}

model! {
    /// A row of `artifact_collection`: the latest artifact for one artifact `key`. Upsert key
    /// `key` (`uq_artifact_collection__key`): each new keyed artifact overwrites its row.
    ArtifactCollection => "artifact_collection", key = ["id"], upsert = ["key"] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `data`: copy of the latest artifact's `data`; plain `json` on PostgreSQL.
        data: Option<Json> => "data",
        /// Column `description`: copy of the latest artifact's markdown description.
        description: Option<String> => "description",
        /// Column `flow_run_id`: the latest artifact's flow run, if any (not a foreign key).
        flow_run_id: Option<Uuid> => "flow_run_id",
        /// Column `key`: the artifact key this row tracks; unique, and the upsert target.
        key: String => "key",
        /// Column `latest_id`: id of the newest `artifact` row with this key (not a foreign key).
        latest_id: Uuid => "latest_id",
        /// Column `metadata_`: copy of the latest artifact's string-to-string metadata; plain
        /// `json` on PostgreSQL.
        metadata_: Option<Json> => "metadata_",
        /// Column `task_run_id`: the latest artifact's task run, if any (not a foreign key).
        task_run_id: Option<Uuid> => "task_run_id",
        /// Column `type`: copy of the latest artifact's `type`, e.g. `markdown` or `table`.
        type_: Option<String> => "type",
    }
}

model! {
    /// A row of `automation`: a user-defined automation, i.e. a trigger plus the actions to take
    /// when it fires. No unique or upsert key (names need not be unique).
    Automation => "automation", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `actions`: JSON list of the actions to perform when the automation triggers (no
        /// server default).
        actions: Json => "actions",
        /// Column `actions_on_resolve`: JSON list of actions to perform when the automation goes
        /// into a resolving state (server default `[]`).
        actions_on_resolve: Json => "actions_on_resolve",
        /// Column `actions_on_trigger`: JSON list of actions to perform when the automation goes
        /// into a triggered state (server default `[]`).
        actions_on_trigger: Json => "actions_on_trigger",
        /// Column `description`: a longer description (no server default; Prefect's default is the
        /// empty string).
        description: String => "description",
        /// Column `enabled`: whether the automation is evaluated at all (server default `true`).
        enabled: bool => "enabled",
        /// Column `name`: the automation's name (not unique).
        name: String => "name",
        /// Column `tags`: JSON list of tag strings (server default `[]`).
        tags: Json => "tags",
        /// Column `trigger`: the event, compound or sequence trigger, as JSON, deciding which
        /// events the automation covers and how it responds.
        trigger: Json => "trigger",
    }
}

model! {
    /// A row of `automation_bucket`: the running count of one event trigger for one bucketing key
    /// over a time window. Unique on `(automation_id, trigger_id, bucketing_key)`, which the
    /// triggers service upserts on.
    AutomationBucket => "automation_bucket", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `automation_id`: the automation owning the trigger (FK to `automation.id`, ON
        /// DELETE CASCADE).
        automation_id: Uuid => "automation_id",
        /// Column `bucketing_key`: JSON list of the values of the trigger's `for_each` labels (in
        /// sorted label order) this bucket counts for.
        bucketing_key: Json => "bucketing_key",
        /// Column `count`: how many of the trigger's expected events have been counted in the
        /// window so far.
        count: i32 => "count",
        /// Column `end`: exclusive end of the bucket's window, normally `start` plus the trigger's
        /// `within`.
        end: DateTime<Utc> => "end",
        /// Column `last_event`: the most recent event counted in the bucket (a `ReceivedEvent` as
        /// JSON); NULL when none was recorded.
        last_event: Option<Json> => "last_event",
        /// Column `last_operation`: a note of the last write, e.g. `increment_bucket[update]` or
        /// `start_new_bucket[insert]`.
        last_operation: Option<String> => "last_operation",
        /// Column `start`: inclusive start of the bucket's window; events that occurred before it
        /// are ignored as late.
        start: DateTime<Utc> => "start",
        /// Column `trigger_id`: id of the event trigger within the automation's trigger tree (not
        /// a foreign key).
        trigger_id: Uuid => "trigger_id",
        /// Column `triggered_at`: meant to record when the trigger fired for this bucket; no
        /// Prefect 3.9.1 server code sets it, so it stays NULL.
        triggered_at: Option<DateTime<Utc>> => "triggered_at",
    }
}

model! {
    /// A row of `automation_event_follower`: an event that arrived before the event it `follows`,
    /// parked until that leader is processed (causal ordering). Unique on
    /// `(scope, follower_event_id)`; no upsert key.
    AutomationEventFollower => "automation_event_follower", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `follower`: the parked follower event itself (a `ReceivedEvent` as JSON).
        follower: Json => "follower",
        /// Column `follower_event_id`: id of the parked (follower) event.
        follower_event_id: Uuid => "follower_event_id",
        /// Column `leader_event_id`: id of the event the follower waits for, i.e. its `follows`.
        leader_event_id: Uuid => "leader_event_id",
        /// Column `received`: when the follower was received; followers older than the
        /// preceding-event lookback are processed without their leader.
        received: DateTime<Utc> => "received",
        /// Column `scope`: the causal-ordering scope (consumer) the follower belongs to; Prefect's
        /// ORM default is the empty string.
        scope: String => "scope",
    }
}

model! {
    /// A row of `automation_held_event`: an `expect` event of a proactive trigger with `after`,
    /// held so that a bucket opening later over its time can count it. Unique on
    /// `(automation_id, trigger_id, bucketing_key, event_id)`.
    AutomationHeldEvent => "automation_held_event", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `automation_id`: the automation owning the trigger (FK to `automation.id`, ON
        /// DELETE CASCADE).
        automation_id: Uuid => "automation_id",
        /// Column `bucketing_key`: JSON list of the trigger's `for_each` label values the event is
        /// held under (server default `[]`).
        bucketing_key: Json => "bucketing_key",
        /// Column `event_id`: id of the held event.
        event_id: Uuid => "event_id",
        /// Column `occurred`: when the held event occurred; buckets count held events inside their
        /// window, and old ones are pruned.
        occurred: DateTime<Utc> => "occurred",
        /// Column `trigger_id`: id of the proactive event trigger (not a foreign key).
        trigger_id: Uuid => "trigger_id",
    }
}

model! {
    /// A row of `automation_related_resource`: links an automation to an event resource id, e.g. a
    /// deployment it runs or that owns it. Unique on `(automation_id, resource_id)`, which Prefect
    /// upserts on.
    AutomationRelatedResource => "automation_related_resource", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `automation_id`: the linked automation (FK to `automation.id`, ON DELETE
        /// CASCADE).
        automation_id: Uuid => "automation_id",
        /// Column `automation_owned_by_resource`: true when the automation was created with this
        /// resource as its `owner_resource` (server default `false`).
        automation_owned_by_resource: bool => "automation_owned_by_resource",
        /// Column `resource_id`: the related resource's id, e.g. `prefect.deployment.<uuid>`.
        resource_id: Option<String> => "resource_id",
    }
}

model! {
    /// A row of `block_document`: a saved, configured instance of a block type (credentials,
    /// storage, ...). Prefect's upsert key `(block_type_id, name)` (`uq_block__type_id_name`) is
    /// declared but unused by server code.
    BlockDocument => "block_document", key = ["id"], upsert = ["block_type_id", "name"] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `block_schema_id`: the block schema the data conforms to (FK to
        /// `block_schema.id`, ON DELETE CASCADE).
        block_schema_id: Uuid => "block_schema_id",
        /// Column `block_type_id`: the block's type (FK to `block_type.id`, ON DELETE CASCADE);
        /// unique together with `name`.
        block_type_id: Uuid => "block_type_id",
        /// Column `block_type_name`: copy of the block type's name, stored at creation so
        /// `(block_type_name, name)` lookups are indexed.
        block_type_name: Option<String> => "block_type_name",
        /// Column `data`: the block's field values, Fernet-encrypted with the `ENCRYPTION_KEY`
        /// configuration; a token string, not an object (server default `{}`).
        data: Json => "data",
        /// Column `is_anonymous`: true for blocks Prefect usually creates itself; unnamed ones get
        /// `anonymous-<uuid>` names (server default `false`).
        is_anonymous: bool => "is_anonymous",
        /// Column `name`: the block document's name, unique per block type.
        name: String => "name",
    }
}

model! {
    /// A row of `block_document_reference`: records that a field of a parent block document holds
    /// another (nested) block document. No unique or upsert key; a CHECK forbids self-references.
    BlockDocumentReference => "block_document_reference", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `name`: the name of the parent's field the reference is nested under.
        name: String => "name",
        /// Column `parent_block_document_id`: the block document containing the reference (FK, ON
        /// DELETE CASCADE).
        parent_block_document_id: Uuid => "parent_block_document_id",
        /// Column `reference_block_document_id`: the nested block document (FK, ON DELETE
        /// CASCADE); must differ from the parent.
        reference_block_document_id: Uuid => "reference_block_document_id",
    }
}

model! {
    /// A row of `block_schema`: one version of a block type's field schema. Upsert key
    /// `(checksum, version)` (`uq_block_schema__checksum_version`).
    BlockSchema => "block_schema", key = ["id"], upsert = ["checksum", "version"] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `block_type_id`: the block type this schema describes (FK to `block_type.id`, ON
        /// DELETE CASCADE).
        block_type_id: Uuid => "block_type_id",
        /// Column `capabilities`: JSON list of capabilities the block implements, e.g. `read-path`
        /// (server default `[]`; GIN-indexed on PostgreSQL).
        capabilities: Json => "capabilities",
        /// Column `checksum`: checksum of the schema's fields (with definitions), identifying the
        /// schema together with `version`.
        checksum: String => "checksum",
        /// Column `fields`: the block's JSON Schema of fields (server default `{}`).
        fields: Json => "fields",
        /// Column `version`: human-readable version of the schema (server default
        /// `non-versioned`).
        version: String => "version",
    }
}

model! {
    /// A row of `block_schema_reference`: records that a field of a parent block schema is itself
    /// of another (nested) block schema. No unique or upsert key.
    BlockSchemaReference => "block_schema_reference", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `name`: the name of the parent's field the reference is nested under.
        name: String => "name",
        /// Column `parent_block_schema_id`: the block schema containing the reference (FK, ON
        /// DELETE CASCADE).
        parent_block_schema_id: Uuid => "parent_block_schema_id",
        /// Column `reference_block_schema_id`: the nested block schema (FK, ON DELETE CASCADE).
        reference_block_schema_id: Uuid => "reference_block_schema_id",
    }
}

model! {
    /// A row of `block_type`: a kind of block, such as a storage or credentials class. Upsert key
    /// `slug` (`uq_block_type__slug`).
    BlockType => "block_type", key = ["id"], upsert = ["slug"] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `code_example`: a code snippet demonstrating use of the block.
        code_example: Option<String> => "code_example",
        /// Column `description`: a short blurb about the block's intended use.
        description: Option<String> => "description",
        /// Column `documentation_url`: web URL of the block type's documentation.
        documentation_url: Option<String> => "documentation_url",
        /// Column `is_protected`: protected block types cannot be modified through the API (server
        /// default `false`).
        is_protected: bool => "is_protected",
        /// Column `logo_url`: web URL of the block type's logo.
        logo_url: Option<String> => "logo_url",
        /// Column `name`: the block type's display name.
        name: String => "name",
        /// Column `slug`: the block type's unique slug; the upsert target.
        slug: String => "slug",
    }
}

model! {
    /// A row of `composite_trigger_child_firing`: the latest firing of one child of a compound or
    /// sequence trigger, kept until the parent fires. Unique on
    /// `(automation_id, parent_trigger_id, child_trigger_id)`, which Prefect upserts on.
    CompositeTriggerChildFiring => "composite_trigger_child_firing", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `automation_id`: the automation owning the triggers (FK to `automation.id`, ON
        /// DELETE CASCADE).
        automation_id: Uuid => "automation_id",
        /// Column `child_fired_at`: when the child trigger fired (the firing's `triggered` time).
        child_fired_at: Option<DateTime<Utc>> => "child_fired_at",
        /// Column `child_firing`: the child's whole `Firing`, as JSON.
        child_firing: Json => "child_firing",
        /// Column `child_firing_id`: id of the child's firing.
        child_firing_id: Uuid => "child_firing_id",
        /// Column `child_trigger_id`: id of the child trigger that fired.
        child_trigger_id: Uuid => "child_trigger_id",
        /// Column `parent_trigger_id`: id of the compound or sequence trigger the child belongs
        /// to.
        parent_trigger_id: Uuid => "parent_trigger_id",
    }
}

model! {
    /// A row of `concurrency_limit`: a legacy (v1) tag-based task concurrency limit; upsert key
    /// `tag`. Migration `9e83011d1f2a` copies these rows to `concurrency_limit_v2` as `tag:<tag>`
    /// and empties the table.
    ConcurrencyLimit => "concurrency_limit", key = ["id"], upsert = ["tag"] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `active_slots`: JSON list of the task run ids currently holding a slot (server
        /// default `[]`).
        active_slots: Json => "active_slots",
        /// Column `concurrency_limit`: the maximum number of task runs with this tag that may run
        /// at once.
        concurrency_limit: i32 => "concurrency_limit",
        /// Column `tag`: the tag the limit applies to; unique, and the upsert target.
        tag: String => "tag",
    }
}

model! {
    /// A row of `concurrency_limit_v2`: a global concurrency or rate limit (v1 tag limits live
    /// here too, named `tag:<tag>`). Unique on `name`; no upsert key.
    ConcurrencyLimitV2 => "concurrency_limit_v2", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`); also the
        /// reference time from which slot decay is computed.
        updated: DateTime<Utc> => "updated",
        /// Column `active`: whether the limit is enforced; slots are only taken or released on
        /// active limits (Prefect's default `true`).
        active: bool => "active",
        /// Column `active_slots`: slots currently occupied, decayed by `slot_decay_per_second`
        /// since `updated` (Prefect's default 0).
        active_slots: i32 => "active_slots",
        /// Column `avg_slot_occupancy_seconds`: moving average of how long a slot is held, used to
        /// decay `denied_slots` (Prefect's default 2.0).
        avg_slot_occupancy_seconds: f64 => "avg_slot_occupancy_seconds",
        /// Column `denied_slots`: recently denied slot requests, decaying over time; feeds the
        /// `Retry-After` hint (Prefect's default 0).
        denied_slots: i32 => "denied_slots",
        /// Column `limit`: the maximum number of slots that may be occupied at once.
        limit: i32 => "limit",
        /// Column `name`: the limit's unique name (`tag:<tag>` for limits migrated from v1 tag
        /// limits).
        name: String => "name",
        /// Column `slot_decay_per_second`: rate at which occupied slots free themselves; non-zero
        /// makes this a rate limit (Prefect's default 0).
        slot_decay_per_second: f64 => "slot_decay_per_second",
    }
}

model! {
    /// A row of `configuration`: a server-wide key/value setting, such as `ENCRYPTION_KEY` (the
    /// Fernet key for block data). Unique on `key`; no upsert key.
    Configuration => "configuration", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `key`: the setting's unique name, e.g. `ENCRYPTION_KEY`.
        key: String => "key",
        /// Column `value`: the setting's value, a JSON object such as `{"fernet_key": ...}`.
        value: Json => "value",
    }
}

model! {
    /// A row of `csrf_token`: the CSRF token issued to one API client. Unique on `client`, which
    /// Prefect upserts on to replace the token and its expiry.
    CsrfToken => "csrf_token", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `client`: identifier of the client the token was issued to; unique.
        client: String => "client",
        /// Column `expiration`: when the token expires; expired tokens are no longer returned and
        /// may be deleted.
        expiration: DateTime<Utc> => "expiration",
        /// Column `token`: the CSRF token value.
        token: String => "token",
    }
}

model! {
    /// A row of `deployment`: a deployment, i.e. a flow packaged with its schedules, parameters
    /// and infrastructure settings. Upsert key `(flow_id, name)` (`uq_deployment__flow_id_name`).
    Deployment => "deployment", key = ["id"], upsert = ["flow_id", "name"] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `concurrency_limit`: deprecated plain-number concurrency limit, superseded by
        /// `concurrency_limit_id` (the ORM maps it as `_concurrency_limit`).
        concurrency_limit: Option<i32> => "concurrency_limit",
        /// Column `concurrency_limit_id`: the deployment's `concurrency_limit_v2` row (ON DELETE
        /// SET NULL); NULL means no concurrency limit.
        concurrency_limit_id: Option<Uuid> => "concurrency_limit_id",
        /// Column `concurrency_options`: JSON `ConcurrencyOptions`: collision strategy (`ENQUEUE`
        /// or `CANCEL_NEW`) and optional grace period.
        concurrency_options: Option<Json> => "concurrency_options",
        /// Column `created_by`: JSON `CreatedBy` (`id`, `type`, `display_value`) describing the
        /// creator; NULL when unknown.
        created_by: Option<CreatedBy> => "created_by",
        /// Column `description`: free-text description of the deployment (`TEXT`).
        description: Option<String> => "description",
        /// Column `enforce_parameter_schema`: whether run parameters must match
        /// `parameter_openapi_schema` (server default `false`; Prefect's model default `true`).
        enforce_parameter_schema: bool => "enforce_parameter_schema",
        /// Column `entrypoint`: path to the flow's entrypoint, relative to `path`.
        entrypoint: Option<String> => "entrypoint",
        /// Column `flow_id`: the deployed flow (FK to `flow.id`, ON DELETE CASCADE).
        flow_id: Uuid => "flow_id",
        /// Column `infra_overrides`: job variables overriding the work pool's base job template;
        /// Prefect's ORM calls it `job_variables` (server default `{}`).
        infra_overrides: Json => "infra_overrides",
        /// Column `infrastructure_document_id`: legacy infrastructure block document for flow runs
        /// (FK to `block_document.id`, ON DELETE CASCADE).
        infrastructure_document_id: Option<Uuid> => "infrastructure_document_id",
        /// Column `labels`: JSON object of key-value labels (strings, numbers or booleans); NULL
        /// when none are stored.
        labels: Option<Json> => "labels",
        /// Column `last_polled`: last time the deployment was polled for work, which marks it
        /// `READY` (polls leave `updated` alone); NULL if never.
        last_polled: Option<DateTime<Utc>> => "last_polled",
        /// Column `name`: the deployment's name, unique per flow.
        name: String => "name",
        /// Column `parameter_openapi_schema`: OpenAPI schema of the flow's parameters, including
        /// defaults.
        parameter_openapi_schema: Option<Json> => "parameter_openapi_schema",
        /// Column `parameters`: default parameter values for the deployment's flow runs (server
        /// default `{}`).
        parameters: Json => "parameters",
        /// Column `path`: the flow's working directory, relative to remote storage or absolute.
        path: Option<String> => "path",
        /// Column `paused`: whether the deployment is paused; the scheduler skips paused
        /// deployments (server default `false`).
        paused: bool => "paused",
        /// Column `pull_steps`: JSON list of steps that retrieve the flow's code before a run;
        /// NULL when none.
        pull_steps: Option<Json> => "pull_steps",
        /// Column `status`: `READY` while polled recently, `NOT_READY` once polls stop (server
        /// default `NOT_READY`).
        status: DeploymentStatus => "status",
        /// Column `storage_document_id`: legacy storage block document holding the flow's code (FK
        /// to `block_document.id`, ON DELETE CASCADE).
        storage_document_id: Option<Uuid> => "storage_document_id",
        /// Column `tags`: JSON list of tag strings (server default `[]`).
        tags: Json => "tags",
        /// Column `updated_by`: JSON `UpdatedBy` (`id`, `type`, `display_value`) describing the
        /// last updater; NULL when unknown.
        updated_by: Option<CreatedBy> => "updated_by",
        /// Column `version`: optional user-supplied version, copied to its flow runs'
        /// `deployment_version`.
        version: Option<String> => "version",
        /// Column `version_id`: migration-only reference to a `deployment_version` row (indexed,
        /// no FK); Prefect 3.9.1's server never sets it.
        version_id: Option<Uuid> => "version_id",
        /// Column `work_queue_id`: the work queue that runs the deployment's flow runs (FK to
        /// `work_queue.id`, ON DELETE SET NULL).
        work_queue_id: Option<Uuid> => "work_queue_id",
        /// Column `work_queue_name`: that work queue's name, denormalised; with no work queue set,
        /// work is not scheduled.
        work_queue_name: Option<String> => "work_queue_name",
    }
}

model! {
    /// A row of `deployment_schedule`: one schedule of a deployment. Unique on
    /// `(deployment_id, slug)` where `slug` is not NULL; no upsert key.
    DeploymentSchedule => "deployment_schedule", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `active`: whether the schedule is active (no server default; Prefect's default
        /// `true`).
        active: bool => "active",
        /// Column `deployment_id`: the deployment the schedule belongs to (FK to `deployment.id`,
        /// ON DELETE CASCADE).
        deployment_id: Uuid => "deployment_id",
        /// Column `max_scheduled_runs`: optional cap on the schedule's scheduled runs, at most
        /// `PREFECT_DEPLOYMENT_SCHEDULE_MAX_SCHEDULED_RUNS`; NULL if unset.
        max_scheduled_runs: Option<i32> => "max_scheduled_runs",
        /// Column `parameters`: parameter overrides merged over the deployment's `parameters` for
        /// this schedule's runs (server default `{}`).
        parameters: Json => "parameters",
        /// Column `schedule`: the schedule itself, an interval, cron or rrule schedule as JSON.
        schedule: Json => "schedule",
        /// Column `slug`: optional name, unique per deployment; shown as
        /// `created_by.display_value` on the runs it creates.
        slug: Option<String> => "slug",
    }
}

model! {
    /// A row of `deployment_version` (created by migrations, not in Prefect's ORM): a snapshot of
    /// a deployment's configuration for one branch. Unique on `(deployment_id, branch)`; Prefect
    /// 3.9.1's server never writes it.
    DeploymentVersion => "deployment_version", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `branch`: the version's branch name, unique per deployment.
        branch: Option<String> => "branch",
        /// Column `deployment_id`: the versioned deployment (FK to `deployment.id`, ON DELETE
        /// CASCADE).
        deployment_id: Uuid => "deployment_id",
        /// Column `description`: the deployment description for this version (`TEXT`).
        description: Option<String> => "description",
        /// Column `enforce_parameter_schema`: as `deployment.enforce_parameter_schema` (server
        /// default `false`).
        enforce_parameter_schema: bool => "enforce_parameter_schema",
        /// Column `entrypoint`: the flow's entrypoint for this version.
        entrypoint: Option<String> => "entrypoint",
        /// Column `infra_overrides`: the job variables for this version (server default `{}`).
        infra_overrides: Json => "infra_overrides",
        /// Column `labels`: JSON object of key-value labels; NULL when none are stored.
        labels: Option<Json> => "labels",
        /// Column `parameter_openapi_schema`: OpenAPI schema of the flow's parameters for this
        /// version.
        parameter_openapi_schema: Option<Json> => "parameter_openapi_schema",
        /// Column `parameters`: default parameter values for this version (server default `{}`).
        parameters: Json => "parameters",
        /// Column `pull_steps`: JSON list of code-retrieval steps for this version; NULL when
        /// none.
        pull_steps: Option<Json> => "pull_steps",
        /// Column `tags`: JSON list of tag strings (server default `[]`).
        tags: Json => "tags",
        /// Column `version_info`: JSON describing the version (Prefect's `VersionInfo` has `type`
        /// and `version`); server default `{}`.
        version_info: Json => "version_info",
        /// Column `work_queue_id`: the work queue for this version (FK to `work_queue.id`, ON
        /// DELETE SET NULL).
        work_queue_id: Option<Uuid> => "work_queue_id",
        /// Column `work_queue_name`: that work queue's name, denormalised.
        work_queue_name: Option<String> => "work_queue_name",
    }
}

model! {
    /// A row of `event_resources`: one resource of a stored event (the primary one, or a related
    /// one with its role), for lookups by resource id. No unique or upsert key.
    EventResource => "event_resources", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `event_id`: id of the event in `events` (not a foreign key).
        event_id: Uuid => "event_id",
        /// Column `occurred`: copy of the event's `occurred`, for time-bounded queries by
        /// resource.
        occurred: DateTime<Utc> => "occurred",
        /// Column `resource`: the resource's labels without `prefect.resource.id` and
        /// `prefect.resource.role`; plain `json` on PostgreSQL.
        resource: Json => "resource",
        /// Column `resource_id`: the resource's `prefect.resource.id` label, e.g.
        /// `prefect.flow-run.<uuid>`.
        resource_id: String => "resource_id",
        /// Column `resource_role`: the related resource's `prefect.resource.role`; the empty
        /// string for the primary resource.
        resource_role: String => "resource_role",
    }
}

model! {
    /// A row of `events`: one event received by the server's event system, keyed by the event's
    /// own `id`. No upsert key.
    Event => "events", key = ["id"], upsert = [] {
        /// Column `id`: the event's client-provided id (server default `gen_random_uuid()` on
        /// PostgreSQL).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `event`: the event's name, e.g. `prefect.flow-run.Completed`.
        event: String => "event",
        /// Column `follows`: id of an event known to precede this one, used to restore causal
        /// order; NULL if none.
        follows: Option<Uuid> => "follows",
        /// Column `occurred`: when the event happened, from the sender's point of view.
        occurred: DateTime<Utc> => "occurred",
        /// Column `payload`: open-ended JSON data describing what happened.
        payload: Json => "payload",
        /// Column `received`: when the server received the event.
        received: DateTime<Utc> => "received",
        /// Column `recorded`: when the server wrote the event to the database.
        recorded: DateTime<Utc> => "recorded",
        /// Column `related`: JSON list of related resources, each a label map with a role (server
        /// default `[]`; GIN-indexed on PostgreSQL).
        related: Json => "related",
        /// Column `related_resource_ids`: JSON list of the related resources' ids (server default
        /// `[]`; GIN-indexed on PostgreSQL).
        related_resource_ids: Json => "related_resource_ids",
        /// Column `resource`: the primary resource's labels, as a JSON object.
        resource: Json => "resource",
        /// Column `resource_id`: the primary resource's `prefect.resource.id`, denormalised for
        /// indexed filters.
        resource_id: String => "resource_id",
    }
}

model! {
    /// A row of `flow`: a named flow. Upsert key `name` (`uq_flow__name`); Prefect creates flows
    /// with ON CONFLICT DO NOTHING.
    Flow => "flow", key = ["id"], upsert = ["name"] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `labels`: JSON object of key-value labels (strings, numbers or booleans); NULL
        /// when none are stored.
        labels: Option<Json> => "labels",
        /// Column `name`: the flow's unique name; the upsert target.
        name: String => "name",
        /// Column `tags`: JSON list of tag strings (server default `[]`).
        tags: Json => "tags",
    }
}

model! {
    /// A row of `flow_run`: one run of a flow, with its current state denormalised onto it. Upsert
    /// key `(flow_id, idempotency_key)` (`uq_flow_run__flow_id_idempotency_key`), used with ON
    /// CONFLICT DO NOTHING.
    FlowRun => "flow_run", key = ["id"], upsert = ["flow_id", "idempotency_key"] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `auto_scheduled`: whether the run was created automatically by the scheduler
        /// (server default `false`).
        auto_scheduled: bool => "auto_scheduled",
        /// Column `context`: additional JSON context for the run (server default `{}`).
        context: Json => "context",
        /// Column `created_by`: JSON `CreatedBy` (`id`, `type`, `display_value`); scheduler-made
        /// runs carry the schedule's id, type `SCHEDULE`.
        created_by: Option<CreatedBy> => "created_by",
        /// Column `deployment_id`: the deployment the run was created from, if any (indexed, but
        /// not a foreign key).
        deployment_id: Option<Uuid> => "deployment_id",
        /// Column `deployment_version`: the deployment's `version` when the run was created.
        deployment_version: Option<String> => "deployment_version",
        /// Column `empirical_policy`: JSON `FlowRunPolicy`: retries, retry delay, pause keys,
        /// `resuming` and `retry_type` (server default `{}`).
        empirical_policy: FlowRunPolicy => "empirical_policy",
        /// Column `end_time`: when the run entered a terminal state; NULL while unfinished
        /// (cleared if forced out of a terminal state).
        end_time: Option<DateTime<Utc>> => "end_time",
        /// Column `expected_start_time`: when the run was expected to start: its first SCHEDULED
        /// state's scheduled time, else its first state's time.
        expected_start_time: Option<DateTime<Utc>> => "expected_start_time",
        /// Column `flow_id`: the flow being run (FK to `flow.id`, ON DELETE CASCADE).
        flow_id: Uuid => "flow_id",
        /// Column `flow_version`: the version of the flow the run executed.
        flow_version: Option<String> => "flow_version",
        /// Column `idempotency_key`: optional key, unique per flow, stopping duplicate creation;
        /// scheduled runs use `scheduled <deployment> <schedule> <time>`.
        idempotency_key: Option<String> => "idempotency_key",
        /// Column `infrastructure_document_id`: legacy infrastructure block document for the run
        /// (FK to `block_document.id`, ON DELETE CASCADE).
        infrastructure_document_id: Option<Uuid> => "infrastructure_document_id",
        /// Column `infrastructure_pid`: the run's identifier on the infrastructure that executes
        /// it, as reported when it was started.
        infrastructure_pid: Option<String> => "infrastructure_pid",
        /// Column `job_variables`: per-run overrides of the work pool's base job template (server
        /// default `{}`, though nullable).
        job_variables: Option<Json> => "job_variables",
        /// Column `labels`: JSON object of key-value labels (strings, numbers or booleans); NULL
        /// when none are stored.
        labels: Option<Json> => "labels",
        /// Column `name`: the run's name; Prefect generates a random two-word slug when none is
        /// given.
        name: String => "name",
        /// Column `next_scheduled_start_time`: the scheduled start time while the run is
        /// SCHEDULED; NULL in any other state.
        next_scheduled_start_time: Option<DateTime<Utc>> => "next_scheduled_start_time",
        /// Column `parameters`: the run's parameter values (server default `{}`).
        parameters: Json => "parameters",
        /// Column `parent_task_run_id`: for a subflow, the parent flow's task run that tracks it
        /// (ON DELETE SET NULL); NULL for top-level runs.
        parent_task_run_id: Option<Uuid> => "parent_task_run_id",
        /// Column `run_count`: how many times the run entered RUNNING, not counting resumes from a
        /// pause (server default 0).
        run_count: i32 => "run_count",
        /// Column `start_time`: when the run first entered RUNNING (or its end time, if it
        /// finished without running); NULL before that.
        start_time: Option<DateTime<Utc>> => "start_time",
        /// Column `state_id`: id of the current `flow_run_state` row (FK, ON DELETE SET NULL);
        /// NULL before the first state.
        state_id: Option<Uuid> => "state_id",
        /// Column `state_name`: the current state's name, e.g. `Late` or `Retrying` (denormalised
        /// from `state_id`'s row).
        state_name: Option<String> => "state_name",
        /// Column `state_timestamp`: when the current state was entered (denormalised from
        /// `state_id`'s row).
        state_timestamp: Option<DateTime<Utc>> => "state_timestamp",
        /// Column `state_type`: the type of the run's current state (denormalised from
        /// `state_id`'s row so polls can filter without a join).
        state_type: Option<StateType> => "state_type",
        /// Column `tags`: JSON list of tag strings (server default `[]`).
        tags: Json => "tags",
        /// Column `total_run_time`: time spent in RUNNING, summed over all attempts; added to when
        /// a RUNNING state is left (server default zero).
        total_run_time: Interval => "total_run_time",
        /// Column `work_queue_id`: the work queue the run is assigned to (FK to `work_queue.id`,
        /// ON DELETE SET NULL).
        work_queue_id: Option<Uuid> => "work_queue_id",
        /// Column `work_queue_name`: that work queue's name, denormalised; the legacy work-queue
        /// poll matches runs by it.
        work_queue_name: Option<String> => "work_queue_name",
    }
}

model! {
    /// A row of `flow_run_input`: a keyed input value sent to a flow run, e.g. to resume a paused
    /// run. Unique on `(flow_run_id, key)`; no upsert key.
    FlowRunInput => "flow_run_input", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `flow_run_id`: the flow run receiving the input (FK to `flow_run.id`, ON DELETE
        /// CASCADE).
        flow_run_id: Uuid => "flow_run_id",
        /// Column `key`: the input's key (lowercase letters, digits and dashes only), unique per
        /// flow run.
        key: String => "key",
        /// Column `sender`: optional identifier of whoever sent the input.
        sender: Option<String> => "sender",
        /// Column `value`: the input's value, stored as text (`TEXT`).
        value: String => "value",
    }
}

model! {
    /// A row of `flow_run_state`: one entry in a flow run's state history; `flow_run.state_id`
    /// points at the current one. Unique on `(flow_run_id, timestamp DESC)`; no upsert key.
    FlowRunState => "flow_run_state", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `data`: legacy inline result of the state; NULL on states written by current
        /// servers, whose results go to `result_artifact_id`.
        data: Option<Json> => "data",
        /// Column `flow_run_id`: the flow run this state belongs to (FK to `flow_run.id`, ON
        /// DELETE CASCADE).
        flow_run_id: Uuid => "flow_run_id",
        /// Column `message`: optional human-readable message about the state.
        message: Option<String> => "message",
        /// Column `name`: the state's name, e.g. `Running`, `Retrying` or `Completed`.
        name: String => "name",
        /// Column `result_artifact_id`: the `artifact` row holding the state's result (ON DELETE
        /// SET NULL); NULL when there is none.
        result_artifact_id: Option<Uuid> => "result_artifact_id",
        /// Column `state_details`: JSON `StateDetails`: scheduled time, cache key, pause details
        /// and the like (server default `{}`).
        state_details: StateDetails => "state_details",
        /// Column `timestamp`: when the state was entered (server default `CURRENT_TIMESTAMP`);
        /// unique per flow run.
        timestamp: DateTime<Utc> => "timestamp",
        /// Column `type`: the state's type, a `state_type` enum value such as `SCHEDULED` or
        /// `COMPLETED`.
        type_: StateType => "type",
    }
}

model! {
    /// A row of `log`: one log record emitted by a flow or task run. No unique or upsert key.
    Log => "log", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `flow_run_id`: the flow run that emitted the log, if any (indexed, but not a
        /// foreign key).
        flow_run_id: Option<Uuid> => "flow_run_id",
        /// Column `level`: the Python logging level number, e.g. 20 for INFO.
        level: i16 => "level",
        /// Column `message`: the log message (`TEXT`).
        message: String => "message",
        /// Column `name`: the name of the logger that emitted the record.
        name: String => "name",
        /// Column `task_run_id`: the task run that emitted the log, if any (indexed, but not a
        /// foreign key).
        task_run_id: Option<Uuid> => "task_run_id",
        /// Column `timestamp`: when the record was logged, by the client's clock.
        timestamp: DateTime<Utc> => "timestamp",
    }
}

model! {
    /// A row of `saved_search`: a named set of filters saved from the UI. Upsert key `name`
    /// (`uq_saved_search__name`).
    SavedSearch => "saved_search", key = ["id"], upsert = ["name"] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `filters`: JSON list of filters, each with `object`, `property`, `type`,
        /// `operation` and `value` (server default `[]`).
        filters: Json => "filters",
        /// Column `name`: the saved search's unique name; the upsert target.
        name: String => "name",
    }
}

model! {
    /// A row of `task_run`: one run of a task, with its current state denormalised onto it. Upsert
    /// key `(flow_run_id, task_key, dynamic_key)`, used with ON CONFLICT DO NOTHING.
    TaskRun => "task_run", key = ["id"], upsert = ["flow_run_id", "task_key", "dynamic_key"] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `cache_expiration`: when the run's cached state expires; NULL means no expiry.
        cache_expiration: Option<DateTime<Utc>> => "cache_expiration",
        /// Column `cache_key`: optional cache key; a COMPLETED state cached under it is reused
        /// instead of running the task.
        cache_key: Option<String> => "cache_key",
        /// Column `dynamic_key`: distinguishes multiple runs of the same task within the same flow
        /// run.
        dynamic_key: String => "dynamic_key",
        /// Column `empirical_policy`: JSON `TaskRunPolicy`: retries, retry delay(s) and retry
        /// jitter factor (server default `{}`).
        empirical_policy: TaskRunPolicy => "empirical_policy",
        /// Column `end_time`: when the run entered a terminal state; NULL while unfinished
        /// (cleared if forced out of a terminal state).
        end_time: Option<DateTime<Utc>> => "end_time",
        /// Column `expected_start_time`: when the run was expected to start: its first SCHEDULED
        /// state's scheduled time, else its first state's time.
        expected_start_time: Option<DateTime<Utc>> => "expected_start_time",
        /// Column `flow_run_id`: the flow run the task ran in (FK to `flow_run.id`, ON DELETE
        /// CASCADE); NULL for a task run outside any flow run.
        flow_run_id: Option<Uuid> => "flow_run_id",
        /// Column `flow_run_run_count`: which attempt of the parent flow run (its `run_count`) the
        /// task run belongs to (server default 0).
        flow_run_run_count: i32 => "flow_run_run_count",
        /// Column `labels`: JSON object of key-value labels (strings, numbers or booleans); NULL
        /// when none are stored.
        labels: Option<Json> => "labels",
        /// Column `name`: the run's name; Prefect generates a random two-word slug when none is
        /// given.
        name: String => "name",
        /// Column `next_scheduled_start_time`: the scheduled start time while the run is
        /// SCHEDULED; NULL in any other state.
        next_scheduled_start_time: Option<DateTime<Utc>> => "next_scheduled_start_time",
        /// Column `run_count`: how many times the task run entered RUNNING (server default 0).
        run_count: i32 => "run_count",
        /// Column `start_time`: when the run first entered RUNNING (or its end time, if it
        /// finished without running); NULL before that.
        start_time: Option<DateTime<Utc>> => "start_time",
        /// Column `state_id`: id of the current `task_run_state` row; not a foreign key since
        /// 2025, so it may dangle. NULL before the first state.
        state_id: Option<Uuid> => "state_id",
        /// Column `state_name`: the current state's name, e.g. `Cached` or `Retrying`
        /// (denormalised from `state_id`'s row).
        state_name: Option<String> => "state_name",
        /// Column `state_timestamp`: when the current state was entered (denormalised from
        /// `state_id`'s row).
        state_timestamp: Option<DateTime<Utc>> => "state_timestamp",
        /// Column `state_type`: the type of the run's current state (denormalised from
        /// `state_id`'s row so queries can filter without a join).
        state_type: Option<StateType> => "state_type",
        /// Column `tags`: JSON list of tag strings (server default `[]`).
        tags: Json => "tags",
        /// Column `task_inputs`: JSON map from argument name to its sources (task run, flow run,
        /// parameter or constant); `__parents__` lists wrapping tasks.
        task_inputs: Json => "task_inputs",
        /// Column `task_key`: identifier of the task being run, shared by all runs of that task.
        task_key: String => "task_key",
        /// Column `task_version`: the version of the task being run.
        task_version: Option<String> => "task_version",
        /// Column `total_run_time`: time spent in RUNNING, summed over all attempts; added to when
        /// a RUNNING state is left (server default zero).
        total_run_time: Interval => "total_run_time",
    }
}

model! {
    /// A row of `task_run_state`: one entry in a task run's state history; `task_run.state_id`
    /// names the current one. Unique on `(task_run_id, timestamp DESC)`; no upsert key.
    TaskRunState => "task_run_state", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `data`: legacy inline result of the state; NULL on states written by current
        /// servers, whose results go to `result_artifact_id`.
        data: Option<Json> => "data",
        /// Column `message`: optional human-readable message about the state.
        message: Option<String> => "message",
        /// Column `name`: the state's name, e.g. `Running`, `Retrying` or `Completed`.
        name: String => "name",
        /// Column `result_artifact_id`: the `artifact` row holding the state's result (ON DELETE
        /// SET NULL); NULL when there is none.
        result_artifact_id: Option<Uuid> => "result_artifact_id",
        /// Column `state_details`: JSON `StateDetails`: scheduled time, cache key, pause details
        /// and the like (server default `{}`).
        state_details: StateDetails => "state_details",
        /// Column `task_run_id`: the task run this state belongs to (FK to `task_run.id`, ON
        /// DELETE CASCADE).
        task_run_id: Uuid => "task_run_id",
        /// Column `timestamp`: when the state was entered (server default `CURRENT_TIMESTAMP`);
        /// unique per task run.
        timestamp: DateTime<Utc> => "timestamp",
        /// Column `type`: the state's type, a `state_type` enum value such as `SCHEDULED` or
        /// `COMPLETED`.
        type_: StateType => "type",
    }
}

model! {
    /// A row of `task_run_state_cache`: maps a cache key to the COMPLETED task run state cached
    /// under it. No unique or upsert key; lookups take the newest unexpired row by `created`.
    TaskRunStateCache => "task_run_state_cache", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `cache_expiration`: when the cache entry expires; NULL means it never does.
        cache_expiration: Option<DateTime<Utc>> => "cache_expiration",
        /// Column `cache_key`: the cache key (indexed with `created DESC` for newest-first
        /// lookups).
        cache_key: String => "cache_key",
        /// Column `task_run_state_id`: the cached COMPLETED `task_run_state` (not a foreign key).
        task_run_state_id: Uuid => "task_run_state_id",
    }
}

model! {
    /// A row of `variable`: a named, user-defined value. Unique on `name`; no upsert key.
    Variable => "variable", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `name`: the variable's unique name.
        name: String => "name",
        /// Column `tags`: JSON list of tag strings (server default `[]`).
        tags: Json => "tags",
        /// Column `value`: the variable's JSON value (string, number, boolean, object or array);
        /// SQL NULL when the value is JSON `null`.
        value: Option<Json> => "value",
    }
}

model! {
    /// A row of `work_pool`: a typed group of work queues from which workers pull flow runs.
    /// Unique on `name`; no upsert key.
    WorkPool => "work_pool", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `base_job_template`: template for the infrastructure of the pool's flow runs;
        /// job variables are checked and applied against it (server default `{}`).
        base_job_template: Json => "base_job_template",
        /// Column `concurrency_limit`: maximum number of RUNNING or PENDING flow runs across the
        /// pool; NULL means no limit.
        concurrency_limit: Option<i32> => "concurrency_limit",
        /// Column `default_queue_id`: the pool's default work queue (FK, ON DELETE RESTRICT); NULL
        /// only while the pool is being created.
        default_queue_id: Option<Uuid> => "default_queue_id",
        /// Column `description`: optional description of the work pool.
        description: Option<String> => "description",
        /// Column `is_paused`: pausing the pool stops the delivery of all its work (server default
        /// `false`).
        is_paused: bool => "is_paused",
        /// Column `last_status_event_id`: id of the last status-change event emitted for the pool
        /// (the next one `follows` it); NULL if none.
        last_status_event_id: Option<Uuid> => "last_status_event_id",
        /// Column `last_transitioned_status_at`: when `status` last changed; NULL if it never has.
        last_transitioned_status_at: Option<DateTime<Utc>> => "last_transitioned_status_at",
        /// Column `name`: the work pool's unique name.
        name: String => "name",
        /// Column `status`: `READY` with an ONLINE worker, `NOT_READY` without one, `PAUSED` when
        /// paused (server default `NOT_READY`).
        status: WorkPoolStatus => "status",
        /// Column `storage_configuration`: JSON bundle upload and execution steps and default
        /// result storage block id (server default `{}`).
        storage_configuration: WorkPoolStorageConfiguration => "storage_configuration",
        /// Column `type`: the pool's worker type, e.g. `process`, `docker` or `kubernetes`
        /// (`prefect-agent` for legacy agent pools).
        type_: String => "type",
    }
}

model! {
    /// A row of `work_queue`: a queue of flow runs within a work pool, polled by workers (or
    /// legacy agents). Unique on `(work_pool_id, name)`; no upsert key.
    WorkQueue => "work_queue", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `concurrency_limit`: maximum number of active (RUNNING or PENDING) flow runs
        /// from this queue; NULL means no limit.
        concurrency_limit: Option<i32> => "concurrency_limit",
        /// Column `description`: optional description (server default the empty string).
        description: String => "description",
        /// Column `filter`: deprecated legacy filter (`tags`, `deployment_ids`) from before work
        /// pools; normally NULL.
        filter: Option<Json> => "filter",
        /// Column `is_paused`: whether the queue is paused; polls skip paused queues (server
        /// default `false`).
        is_paused: bool => "is_paused",
        /// Column `last_polled`: the last time a worker or agent polled this queue for work; NULL
        /// if never.
        last_polled: Option<DateTime<Utc>> => "last_polled",
        /// Column `name`: the queue's name, unique within its work pool.
        name: String => "name",
        /// Column `priority`: the queue's priority in its pool; lower values come first, 1 being
        /// the highest (server default 1).
        priority: i32 => "priority",
        /// Column `status`: `READY` while polled recently, `NOT_READY` otherwise, `PAUSED` when
        /// paused (server default `NOT_READY`).
        status: WorkQueueStatus => "status",
        /// Column `work_pool_id`: the work pool the queue belongs to (FK to `work_pool.id`, ON
        /// DELETE CASCADE).
        work_pool_id: Uuid => "work_pool_id",
    }
}

model! {
    /// A row of `worker`: a worker process that has sent heartbeats for a work pool. Unique on
    /// `(work_pool_id, name)`, which heartbeats upsert on.
    Worker => "worker", key = ["id"], upsert = [] {
        /// Column `id`: primary key, a UUID (server default `gen_random_uuid()` on PostgreSQL;
        /// Prefect's ORM default is `uuid4`).
        id: Uuid => "id",
        /// Column `created`: when the row was inserted (server default `CURRENT_TIMESTAMP`;
        /// Prefect's ORM sets it to now in UTC).
        created: DateTime<Utc> => "created",
        /// Column `updated`: when the row was last written (defaults as `created`; Prefect's ORM
        /// resets it to `now()` on every UPDATE). Indexed.
        updated: DateTime<Utc> => "updated",
        /// Column `heartbeat_interval_seconds`: seconds the worker expects between its heartbeats;
        /// NULL means the server's fallback interval applies.
        heartbeat_interval_seconds: Option<i32> => "heartbeat_interval_seconds",
        /// Column `last_heartbeat_time`: when the worker last sent a heartbeat (server default
        /// `CURRENT_TIMESTAMP`).
        last_heartbeat_time: DateTime<Utc> => "last_heartbeat_time",
        /// Column `name`: the worker's name, unique within its work pool.
        name: String => "name",
        /// Column `status`: `ONLINE` on each heartbeat, set `OFFLINE` once heartbeats are overdue
        /// (server default `OFFLINE`).
        status: WorkerStatus => "status",
        /// Column `work_pool_id`: the work pool the worker serves (FK to `work_pool.id`, ON DELETE
        /// CASCADE).
        work_pool_id: Uuid => "work_pool_id",
    }
}
