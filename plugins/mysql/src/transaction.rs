//! A MySQL transaction on one pooled connection.

use flowdb_plugin_sdk::abi::{ExecOutcome, RowSet, Statement, StatementOutcome};
use flowdb_plugin_sdk::{Result, Transaction};
use sqlx::{AssertSqlSafe, MySql, MySqlPool};

use crate::error::from_sqlx;
use crate::types::{query_of, row_set, run_statement};

/// A READ COMMITTED transaction (the session's level); dropped uncommitted, sqlx rolls it back.
pub struct MySqlTransaction {
    transaction: sqlx::Transaction<'static, MySql>,
}

impl MySqlTransaction {
    pub(crate) async fn begin(pool: &MySqlPool) -> Result<Self> {
        Ok(Self {
            transaction: pool.begin().await.map_err(from_sqlx)?,
        })
    }
}

impl Transaction for MySqlTransaction {
    async fn execute(&mut self, statement: Statement) -> Result<ExecOutcome> {
        let done = query_of(statement)?
            .execute(&mut *self.transaction)
            .await
            .map_err(from_sqlx)?;
        Ok(ExecOutcome {
            rows_affected: done.rows_affected(),
        })
    }

    async fn fetch_all(&mut self, statement: Statement) -> Result<RowSet> {
        row_set(
            query_of(statement)?
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

    /// Runs a migration's script with no statement timeout: MySQL commits each DDL statement
    /// by itself, so a statement the timeout killed would leave the schema half-migrated.
    /// MariaDB's `max_statement_time` is saved and restored; MySQL's `max_execution_time`
    /// covers SELECTs only, and setting MariaDB's variable there fails harmlessly.
    async fn execute_script(&mut self, sql: String) -> Result<()> {
        let unlimited = sqlx::raw_sql(AssertSqlSafe(
            "SET @flowdb_statement_time = @@session.max_statement_time; \
             SET SESSION max_statement_time = 0"
                .to_owned(),
        ))
        .execute(&mut *self.transaction)
        .await
        .is_ok();
        let ran = sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(&mut *self.transaction)
            .await
            .map_err(from_sqlx);
        if unlimited {
            let _ = sqlx::raw_sql(AssertSqlSafe(
                "SET SESSION max_statement_time = @flowdb_statement_time".to_owned(),
            ))
            .execute(&mut *self.transaction)
            .await;
        }
        ran.map(|_| ())
    }
}
