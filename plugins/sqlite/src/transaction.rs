//! A SQLite transaction on one pooled connection.

use flowdb_plugin_sdk::abi::{ExecOutcome, RowSet, Statement, StatementOutcome};
use flowdb_plugin_sdk::{Result, Transaction};
use sqlx::{AssertSqlSafe, Sqlite};

use crate::error::from_sqlx;
use crate::types::{bind_all, row_set, run_statement};

/// A transaction begun with `BEGIN IMMEDIATE` or `BEGIN DEFERRED`; dropped uncommitted, sqlx
/// rolls it back.
pub struct SqliteTransaction {
    transaction: sqlx::Transaction<'static, Sqlite>,
}

impl SqliteTransaction {
    pub(crate) fn new(transaction: sqlx::Transaction<'static, Sqlite>) -> Self {
        Self { transaction }
    }
}

impl Transaction for SqliteTransaction {
    async fn execute(&mut self, statement: Statement) -> Result<ExecOutcome> {
        let query = bind_all(
            sqlx::query(AssertSqlSafe(statement.sql.into_string())),
            &statement.params,
        )?;
        let done = query
            .execute(&mut *self.transaction)
            .await
            .map_err(from_sqlx)?;
        Ok(ExecOutcome {
            rows_affected: done.rows_affected(),
        })
    }

    async fn fetch_all(&mut self, statement: Statement) -> Result<RowSet> {
        let query = bind_all(
            sqlx::query(AssertSqlSafe(statement.sql.into_string())),
            &statement.params,
        )?;
        row_set(
            query
                .fetch_all(&mut *self.transaction)
                .await
                .map_err(from_sqlx)?,
        )
    }

    async fn run(&mut self, statement: Statement) -> Result<StatementOutcome> {
        run_statement(&mut *self.transaction, statement).await
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
