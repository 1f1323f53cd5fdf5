//! Constructors with Prefect 3.9.1's defaults for the models the orchestration hot path
//! creates: a flow, a work pool and its queues, a deployment, a flow run. Their `created` and
//! `updated` are the current time to the microsecond, as stored, so a model built, written and
//! read back compares equal.

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use serde_json::json;
use uuid::Uuid;

use crate::models::{
    Deployment, DeploymentStatus, Flow, FlowRun, FlowRunPolicy, WorkPool, WorkPoolStatus,
    WorkPoolStorageConfiguration, WorkQueue, WorkQueueStatus,
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
            expected_start_time: Some(expected_start_time),
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
