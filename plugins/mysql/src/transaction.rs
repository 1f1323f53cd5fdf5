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

    async fn execute_script(&mut self, sql: String) -> Result<()> {
        sqlx::raw_sql(AssertSqlSafe(sql))
            .execute(&mut *self.transaction)
            .await
            .map_err(from_sqlx)?;
        Ok(())
    }
}
