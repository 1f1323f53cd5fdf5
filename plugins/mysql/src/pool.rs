//! The MySQL pool: statements in autocommit, transactions, connectivity.

use flowdb_plugin_sdk::abi::{ExecOutcome, PoolStatus, RowSet, ServerInfo, Statement};
use flowdb_plugin_sdk::{Pool, Result};
use sqlx::MySqlPool;

use crate::error::from_sqlx;
use crate::transaction::MySqlTransaction;
use crate::types::{query_of, row_set};

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
