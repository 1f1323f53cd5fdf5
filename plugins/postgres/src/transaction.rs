//! A PostgreSQL transaction on one pooled connection.

use flowdb_plugin_sdk::abi::{ExecOutcome, RowSet, Statement, StatementOutcome};
use flowdb_plugin_sdk::{Result, Transaction};
use sqlx::{AssertSqlSafe, PgConnection, PgPool, Postgres};

use crate::error::from_sqlx;
use crate::types::{query_of, row_set, run_statement};

/// A READ COMMITTED transaction; dropped uncommitted, sqlx
/// rolls it back.
pub struct PgTransaction {
    transaction: sqlx::Transaction<'static, Postgres>,
    /// Whether statements are prepared under names and cached (not behind a pooler).
    persistent: bool,
}

impl PgTransaction {
    /// Begins a transaction on a connection of `pool`: a plain `BEGIN`, or behind a
    /// transaction-mode pooler the statement that also applies the session's settings.
    pub(crate) async fn begin(pool: &PgPool, pooled_begin: Option<&str>) -> Result<Self> {
        let transaction = match pooled_begin {
            Some(sql) => pool.begin_with(AssertSqlSafe(sql.to_owned())).await,
            None => pool.begin().await,
        }
        .map_err(from_sqlx)?;
        Ok(Self {
            transaction,
            persistent: pooled_begin.is_none(),
        })
    }

    /// The transaction's connection, and whether statements on it may be named and cached.
    pub(crate) fn connection(&mut self) -> (&mut PgConnection, bool) {
        (&mut self.transaction, self.persistent)
    }
}

impl Transaction for PgTransaction {
    async fn execute(&mut self, statement: Statement) -> Result<ExecOutcome> {
        let done = query_of(statement, self.persistent)?
            .execute(&mut *self.transaction)
            .await
            .map_err(from_sqlx)?;
        Ok(ExecOutcome {
            rows_affected: done.rows_affected(),
        })
    }

    async fn fetch_all(&mut self, statement: Statement) -> Result<RowSet> {
        row_set(
            query_of(statement, self.persistent)?
                .fetch_all(&mut *self.transaction)
                .await
                .map_err(from_sqlx)?,
        )
    }

    async fn run(&mut self, statement: Statement) -> Result<StatementOutcome> {
        run_statement(&mut *self.transaction, statement, self.persistent).await
    }

    async fn commit(self) -> Result<()> {
        self.transaction.commit().await.map_err(from_sqlx)
    }

    async fn rollback(self) -> Result<()> {
        self.transaction.rollback().await.map_err(from_sqlx)
    }

    async fn execute_script(&mut self, sql: String) -> Result<()> {
        sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(&mut *self.transaction)
            .await
            .map_err(from_sqlx)?;
        Ok(())
    }
}
