//! A work pool and its default queue, which reference each other, created together.

use crate::error::Result;
use crate::interface::DbInterface;
use crate::models::{WorkPool, WorkQueue};

/// The description Prefect gives a pool's default queue.
const DEFAULT_QUEUE_DESCRIPTION: &str = "The work pool's default queue.";

impl DbInterface {
    /// Creates `pool` with its default queue, as Prefect's `create_work_pool` does: the pool,
    /// then a queue named `default` (priority 1) in it, then the pool pointed at the queue —
    /// one transaction, so no reader sees a pool without its default queue. Returns both rows
    /// as stored. A pool whose name is taken fails with a constraint violation and writes
    /// nothing.
    ///
    /// ```no_run
    /// # async fn example(db: &flowdb::DbInterface) -> flowdb::Result<()> {
    /// let (pool, queue) = db.create_work_pool(flowdb::models::WorkPool::new("k8s")).await?;
    /// assert_eq!(pool.default_queue_id, Some(queue.id));
    /// # Ok(()) }
    /// ```
    pub async fn create_work_pool(&self, pool: WorkPool) -> Result<(WorkPool, WorkQueue)> {
        let mut pool = pool;
        let mut queue = WorkQueue::new(pool.id, "default");
        queue.description = DEFAULT_QUEUE_DESCRIPTION.to_owned();
        queue.created = pool.created;
        queue.updated = pool.created;
        pool.default_queue_id = None;
        let mut transaction = self.session().await?.begin_transaction(true).await?;
        transaction.insert(&pool).await?;
        transaction.insert(&queue).await?;
        pool.default_queue_id = Some(queue.id);
        transaction.update(&pool).await?;
        transaction.commit().await?;
        Ok((pool, queue))
    }
}
