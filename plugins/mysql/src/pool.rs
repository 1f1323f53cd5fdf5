//! The MySQL pool: statements in autocommit, transactions, connectivity.

use std::time::Duration;

use flowdb_plugin_sdk::abi::{
    ExecOutcome, PoolStatus, RowSet, ServerInfo, Statement, StatementOutcome, UnitOfWork,
};
use flowdb_plugin_sdk::config::run_statements;
use flowdb_plugin_sdk::{Pool, Result};
use sqlx::MySqlPool;

use crate::error::from_sqlx;
use crate::transaction::MySqlTransaction;
use crate::types::{query_of, row_set};

/// How many times a unit of work runs at most when InnoDB keeps choosing it as a deadlock's
/// victim.
const DEADLOCK_ATTEMPTS: u32 = 4;

/// InnoDB's ER_LOCK_DEADLOCK.
const ER_LOCK_DEADLOCK: i64 = 1213;

/// A pool of MySQL connections.
pub struct MySqlPoolHandle {
    pool: MySqlPool,
    max_size: u32,
}

impl MySqlPoolHandle {
    pub(crate) fn new(pool: MySqlPool, max_size: u32) -> Self {
        Self { pool, max_size }
    }
}

impl Pool for MySqlPoolHandle {
    type Transaction = MySqlTransaction;

    fn execute(
        &self,
        statement: Statement,
    ) -> impl Future<Output = Result<ExecOutcome>> + Send + use<> {
        let pool = self.pool.clone();
        async move {
            let done = query_of(statement)?
                .execute(&pool)
                .await
                .map_err(from_sqlx)?;
            Ok(ExecOutcome {
                rows_affected: done.rows_affected(),
            })
        }
    }

    fn fetch_all(
        &self,
        statement: Statement,
    ) -> impl Future<Output = Result<RowSet>> + Send + use<> {
        let pool = self.pool.clone();
        async move {
            row_set(
                query_of(statement)?
                    .fetch_all(&pool)
                    .await
                    .map_err(from_sqlx)?,
            )
        }
    }

    /// Sessions are READ COMMITTED; `with_for_update` changes nothing, as on PostgreSQL:
    /// callers lock rows with `SELECT … FOR UPDATE [SKIP LOCKED]`.
    fn begin(
        &self,
        _with_for_update: bool,
    ) -> impl Future<Output = Result<MySqlTransaction>> + Send + use<> {
        let pool = self.pool.clone();
        async move { MySqlTransaction::begin(&pool).await }
    }

    /// Runs the unit in one transaction, again from the start when InnoDB chose it as a
    /// deadlock's victim: the server has rolled the whole transaction back by then, and
    /// running it again is what MySQL's manual asks of a client (concurrent creates and claims
    /// meet such deadlocks: the row locks a foreign key check takes, and the index records an
    /// insert locks, are taken in no fixed order). A lock wait timeout rolls back only the
    /// statement, so it, and every other error, is returned.
    fn run_unit_of_work(
        &self,
        work: UnitOfWork,
    ) -> impl Future<Output = Result<Vec<StatementOutcome>>> + Send + use<> {
        let pool = self.pool.clone();
        async move {
            let mut attempt = 1;
            loop {
                let outcome = match MySqlTransaction::begin(&pool).await {
                    Ok(transaction) => run_statements(transaction, work.statements.to_vec()).await,
                    Err(err) => Err(err),
                };
                match outcome {
                    Err(err)
                        if err.vendor_code.into_option() == Some(ER_LOCK_DEADLOCK)
                            && attempt < DEADLOCK_ATTEMPTS =>
                    {
                        tracing::debug!(
                            attempt,
                            "a unit of work was a deadlock's victim; running it again"
                        );
                        // A little later each time, so that the other transaction gets ahead.
                        tokio::time::sleep(Duration::from_millis(u64::from(attempt) * 3)).await;
                        attempt += 1;
                    }
                    outcome => return outcome,
                }
            }
        }
    }

    fn server_info(&self) -> impl Future<Output = Result<ServerInfo>> + Send + use<> {
        let pool = self.pool.clone();
        async move {
            let version: String = sqlx::query_scalar("SELECT VERSION()")
                .fetch_one(&pool)
                .await
                .map_err(from_sqlx)?;
            Ok(ServerInfo {
                dialect: "mysql".into(),
                server_version: version.into(),
            })
        }
    }

    fn status(&self) -> PoolStatus {
        PoolStatus {
            size: self.pool.size(),
            idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
            max_size: self.max_size,
        }
    }

    fn schema_snapshot(&self) -> impl Future<Output = Result<Vec<String>>> + Send + use<> {
        let pool = self.pool.clone();
        async move {
            let mut connection = pool.acquire().await.map_err(from_sqlx)?;
            crate::schema::snapshot(&mut connection).await
        }
    }

    fn close(&self) -> impl Future<Output = ()> + Send + use<> {
        let pool = self.pool.clone();
        async move { pool.close().await }
    }
}
