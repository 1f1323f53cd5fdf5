//! Constructors with Prefect 3.9.1's defaults (its models' and the schema's) for the models a
//! host creates: flows, work pools, queues and workers, deployments and their schedules, flow
//! and task runs, concurrency limits, variables, logs, artifacts, saved searches, block types. Their `created` and
//! `updated` are the current time to the microsecond, as stored, so a model built, written and
//! read back compares equal.

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::models::{
    Artifact, BlockType, ConcurrencyLimit, ConcurrencyLimitV2, Deployment, DeploymentSchedule,
    DeploymentStatus, Flow, FlowRun, FlowRunPolicy, Log, SavedSearch, TaskRun, TaskRunPolicy,
    Variable, WorkPool, WorkPoolStatus, WorkPoolStorageConfiguration, WorkQueue, WorkQueueStatus,
    Worker, WorkerStatus,
};
use crate::value::{Interval, Json};

/// The current time as the database keeps it (to the microsecond), so that a model built now
/// and read back after it is written compares equal to itself.
pub(crate) fn stored_now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

impl Flow {
    /// A flow named `name`, with a new id, no tags, created now.
    ///
    /// ```
    /// let flow = flowdb::models::Flow::new("etl");
    /// assert_eq!(flow.name, "etl");
    /// ```
    pub fn new(name: impl Into<String>) -> Flow {
        let now = stored_now();
        Flow {
            id: Uuid::new_v4(),
            created: now,
            updated: now,
            labels: None,
            name: name.into(),
            tags: Json(json!([])),
        }
    }
}

impl WorkPool {
    /// A work pool named `name` of type `process`, not paused, with no concurrency limit and
    /// no default queue yet (see [`WorkQueue::new`]).
    pub fn new(name: impl Into<String>) -> WorkPool {
        let now = stored_now();
        WorkPool {
            id: Uuid::new_v4(),
            created: now,
            updated: now,
            base_job_template: Json(json!({})),
            concurrency_limit: None,
            default_queue_id: None,
            description: None,
            is_paused: false,
            last_status_event_id: None,
            last_transitioned_status_at: None,
            name: name.into(),
            status: WorkPoolStatus::NotReady,
            storage_configuration: WorkPoolStorageConfiguration::default(),
            type_: "process".to_owned(),
        }
    }
}

impl WorkQueue {
    /// A queue named `name` in `work_pool_id`, priority 1, not paused, no concurrency limit.
    pub fn new(work_pool_id: Uuid, name: impl Into<String>) -> WorkQueue {
        let now = stored_now();
        WorkQueue {
            id: Uuid::new_v4(),
            created: now,
            updated: now,
            concurrency_limit: None,
            description: String::new(),
            filter: None,
            is_paused: false,
            last_polled: None,
            name: name.into(),
            priority: 1,
            status: WorkQueueStatus::NotReady,
            work_pool_id,
        }
    }
}

impl Deployment {
    /// A deployment of `flow_id` named `name`, in no queue, not paused, no parameters.
    pub fn new(flow_id: Uuid, name: impl Into<String>) -> Deployment {
        let now = stored_now();
        Deployment {
            id: Uuid::new_v4(),
            created: now,
            updated: now,
            concurrency_limit: None,
            concurrency_limit_id: None,
            concurrency_options: None,
            created_by: None,
            description: None,
            enforce_parameter_schema: true,
            entrypoint: None,
            flow_id,
            infra_overrides: Json(json!({})),
            infrastructure_document_id: None,
            labels: None,
            last_polled: None,
            name: name.into(),
            parameter_openapi_schema: None,
            parameters: Json(json!({})),
            path: None,
            paused: false,
            pull_steps: None,
            status: DeploymentStatus::NotReady,
            storage_document_id: None,
            tags: Json(json!([])),
            updated_by: None,
            version: None,
            version_id: None,
            work_queue_id: None,
            work_queue_name: None,
        }
    }
}

impl FlowRun {
    /// A run of `flow_id` named `name`, with no state yet, expected at `expected_start_time`;
    /// Prefect's defaults elsewhere (empty parameters, context and tags, no retries).
    pub fn new(
        flow_id: Uuid,
        name: impl Into<String>,
        expected_start_time: DateTime<Utc>,
    ) -> FlowRun {
        let now = stored_now();
        FlowRun {
            id: Uuid::new_v4(),
            created: now,
            updated: now,
            auto_scheduled: false,
            context: Json(json!({})),
            created_by: None,
            deployment_id: None,
            deployment_version: None,
            empirical_policy: FlowRunPolicy::default(),
            end_time: None,
            expected_start_time: Some(expected_start_time.trunc_subsecs(6)),
            flow_id,
            flow_version: None,
            idempotency_key: None,
            infrastructure_document_id: None,
            infrastructure_pid: None,
            job_variables: Some(Json(json!({}))),
            labels: None,
            name: name.into(),
            next_scheduled_start_time: None,
            parameters: Json(json!({})),
            parent_task_run_id: None,
            run_count: 0,
            start_time: None,
            state_id: None,
            state_name: None,
            state_timestamp: None,
            state_type: None,
            tags: Json(json!([])),
            total_run_time: Interval(TimeDelta::zero()),
            work_queue_id: None,
            work_queue_name: None,
        }
    }

    /// This run, in `queue` (its id and name).
    pub fn in_queue(mut self, queue: &WorkQueue) -> FlowRun {
        self.work_queue_id = Some(queue.id);
        self.work_queue_name = Some(queue.name.clone());
        self
    }
}

impl TaskRun {
    /// A task run named `name` of task `task_key` (call `dynamic_key`) in `flow_run_id`, with
    /// no state yet; Prefect's defaults elsewhere (no inputs, no tags, no retries, counts 0).
    pub fn new(
        flow_run_id: Option<Uuid>,
        task_key: impl Into<String>,
        dynamic_key: impl Into<String>,
        name: impl Into<String>,
    ) -> TaskRun {
        let now = stored_now();
        TaskRun {
            id: Uuid::new_v4(),
            created: now,
            updated: now,
            cache_expiration: None,
            cache_key: None,
            dynamic_key: dynamic_key.into(),
            empirical_policy: TaskRunPolicy::default(),
            end_time: None,
            expected_start_time: None,
            flow_run_id,
            flow_run_run_count: 0,
            labels: None,
            name: name.into(),
            next_scheduled_start_time: None,
            run_count: 0,
            start_time: None,
            state_id: None,
            state_name: None,
            state_timestamp: None,
            state_type: None,
            tags: Json(json!([])),
            task_inputs: Json(json!({})),
            task_key: task_key.into(),
            task_version: None,
            total_run_time: Interval(TimeDelta::zero()),
        }
    }
}

impl ConcurrencyLimit {
    /// A tag concurrency limit (Prefect's v1) of `concurrency_limit` runs of `tag`, no slots
    /// taken.
    pub fn new(tag: impl Into<String>, concurrency_limit: i32) -> ConcurrencyLimit {
        let now = stored_now();
        ConcurrencyLimit {
            id: Uuid::new_v4(),
            created: now,
            updated: now,
            active_slots: Json(json!([])),
            concurrency_limit,
            tag: tag.into(),
        }
    }
}

impl ConcurrencyLimitV2 {
    /// A global concurrency limit `name` of `limit` slots: active, none taken or denied, no
    /// decay, an average occupancy of 2 s (Prefect's model defaults).
    pub fn new(name: impl Into<String>, limit: i32) -> ConcurrencyLimitV2 {
        let now = stored_now();
        ConcurrencyLimitV2 {
            id: Uuid::new_v4(),
            created: now,
            updated: now,
            active: true,
            active_slots: 0,
            avg_slot_occupancy_seconds: 2.0,
            denied_slots: 0,
            limit,
            name: name.into(),
            slot_decay_per_second: 0.0,
        }
    }
}

impl Variable {
    /// A variable `name` holding `value`, without tags.
    pub fn new(name: impl Into<String>, value: serde_json::Value) -> Variable {
        let now = stored_now();
        Variable {
            id: Uuid::new_v4(),
            created: now,
            updated: now,
            name: name.into(),
            tags: Json(json!([])),
            value: Some(Json(value)),
        }
    }
}

impl Log {
    /// A log line from logger `name` at `level` (Python's numbers: 20 is INFO), logged at
    /// `timestamp`, of no run until one is set.
    pub fn new(
        name: impl Into<String>,
        level: i16,
        message: impl Into<String>,
        timestamp: DateTime<Utc>,
    ) -> Log {
        let now = stored_now();
        Log {
            id: Uuid::new_v4(),
            created: now,
            updated: now,
            flow_run_id: None,
            level,
            message: message.into(),
            name: name.into(),
            task_run_id: None,
            timestamp: timestamp.trunc_subsecs(6),
        }
    }
}

impl SavedSearch {
    /// A saved search `name` with no filters.
    pub fn new(name: impl Into<String>) -> SavedSearch {
        let now = stored_now();
        SavedSearch {
            id: Uuid::new_v4(),
            created: now,
            updated: now,
            filters: Json(json!([])),
            name: name.into(),
        }
    }
}

impl BlockType {
    /// A block type `name` with URL slug `slug`, not protected, with no docs or logo.
    pub fn new(name: impl Into<String>, slug: impl Into<String>) -> BlockType {
        let now = stored_now();
        BlockType {
            id: Uuid::new_v4(),
            created: now,
            updated: now,
            code_example: None,
            description: None,
            documentation_url: None,
            is_protected: false,
            logo_url: None,
            name: name.into(),
            slug: slug.into(),
        }
    }
}

impl Worker {
    /// A worker `name` of `work_pool_id` that has just sent its first heartbeat (`OFFLINE`
    /// until Prefect's heartbeat handling marks it online, as its model's default).
    pub fn new(work_pool_id: Uuid, name: impl Into<String>) -> Worker {
        let now = stored_now();
        Worker {
            id: Uuid::new_v4(),
            created: now,
            updated: now,
            heartbeat_interval_seconds: None,
            last_heartbeat_time: now,
            name: name.into(),
            status: WorkerStatus::Offline,
            work_pool_id,
        }
    }
}

impl Artifact {
    /// An artifact of `type_` (`markdown`, `table`, `progress`, `result` …) holding `data`,
    /// without key, description or run.
    pub fn new(type_: impl Into<String>, data: serde_json::Value) -> Artifact {
        let now = stored_now();
        Artifact {
            id: Uuid::new_v4(),
            created: now,
            updated: now,
            data: Some(Json(data)),
            description: None,
            flow_run_id: None,
            key: None,
            metadata_: None,
            task_run_id: None,
            type_: Some(type_.into()),
        }
    }
}

impl DeploymentSchedule {
    /// An active schedule of `deployment_id`, `schedule` being Prefect's schedule document
    /// (`{"interval": 3600.0, …}`, `{"cron": "0 * * * *", …}`), with no parameter overrides.
    pub fn new(deployment_id: Uuid, schedule: serde_json::Value) -> DeploymentSchedule {
        let now = stored_now();
        DeploymentSchedule {
            id: Uuid::new_v4(),
            created: now,
            updated: now,
            active: true,
            deployment_id,
            max_scheduled_runs: None,
            parameters: Json(json!({})),
            schedule: Json(schedule),
            slug: None,
        }
    }
}
