//! The worker poll and the legacy work-queue poll.

use uuid::Uuid;

use crate::error::Result;
use crate::interface::DbInterface;
use crate::models::{FlowRun, Model};
use crate::queries::components::{
    GetScheduledFlowRunsFromWorkPool, GetScheduledFlowRunsFromWorkQueues,
};

/// A run a worker may start, with the pool and queue it came from (Prefect's
/// `WorkerFlowRunResponse`).
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerFlowRun {
    /// The run's work pool.
    pub work_pool_id: Uuid,
    /// The run's work queue.
    pub work_queue_id: Uuid,
    /// The run.
    pub flow_run: FlowRun,
}

/// A run of the legacy work-queue poll, with the queue it matched.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkQueueFlowRun {
    /// The queue (matched by name, as in Prefect).
    pub work_queue_id: Uuid,
    /// The run.
    pub flow_run: FlowRun,
}

impl DbInterface {
    /// The worker poll (Prefect's `get_scheduled_flow_runs_from_work_pool`): SCHEDULED runs of
    /// unpaused pools and queues, within the pools' and queues' concurrency limits, soonest
    /// first (by queue priority first with `respect_queue_priorities`). On PostgreSQL and
    /// MySQL the runs are read `FOR UPDATE SKIP LOCKED`: overlapping polls see disjoint runs,
    /// and a run another transaction holds is left out rather than waited for. Claim with
    /// [`set_flow_run_state`](DbInterface::set_flow_run_state) and an expected state.
    pub async fn get_scheduled_flow_runs(
        &self,
        poll: &GetScheduledFlowRunsFromWorkPool,
    ) -> Result<Vec<WorkerFlowRun>> {
        let rows = self.run_query(self.queries().render_typed(poll)?).await?;
        rows.iter()
            .map(|row| {
                Ok(WorkerFlowRun {
                    work_pool_id: row.get("run_work_pool_id")?,
                    work_queue_id: row.get("run_work_queue_id")?,
                    flow_run: FlowRun::from_row(&row)?,
                })
            })
            .collect()
    }

    /// The legacy agent / work-queue poll (Prefect's
    /// `get_scheduled_flow_runs_from_work_queues`): SCHEDULED runs matched to unpaused queues
    /// by queue name, within each queue's concurrency limit, soonest first.
    pub async fn get_scheduled_flow_runs_from_work_queues(
        &self,
        poll: &GetScheduledFlowRunsFromWorkQueues,
    ) -> Result<Vec<WorkQueueFlowRun>> {
        let rows = self.run_query(self.queries().render_typed(poll)?).await?;
        rows.iter()
            .map(|row| {
                Ok(WorkQueueFlowRun {
                    work_queue_id: row.get("wq_id")?,
                    flow_run: FlowRun::from_row(&row)?,
                })
            })
            .collect()
    }
}
