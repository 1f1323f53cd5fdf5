//! The SQLite pool: statements in autocommit, transactions, connectivity.

use flowdb_plugin_sdk::abi::{
    ExecOutcome, PoolStatus, RowSet, ServerInfo, Statement, StatementOutcome, UnitOfWork,
};
use flowdb_plugin_sdk::{Pool, Result, Transaction as _};
use sqlx::{AssertSqlSafe, SqlitePool};

use crate::error::from_sqlx;
use crate::transaction::SqliteTransaction;
use crate::types::{bind_all, row_set};

/// A pool of SQLite connections.
pub struct SqlitePoolHandle {
    pool: SqlitePool,
    max_size: u32,
}

impl SqlitePoolHandle {
    pub(crate) fn new(pool: SqlitePool, max_size: u32) -> Self {
        Self { pool, max_size }
    }

    /// The linked SQLite library's version.
    pub(crate) async fn library_version(&self) -> Result<String> {
        sqlx::query_scalar::<_, String>("select sqlite_version()")
            .fetch_one(&self.pool)
            .await
            .map_err(from_sqlx)
    }
}

impl Pool for SqlitePoolHandle {
    type Transaction = SqliteTransaction;

    fn execute(
        &self,
        statement: Statement,
    ) -> impl Future<Output = Result<ExecOutcome>> + Send + use<> {
        let pool = self.pool.clone();
        async move {
            let query = bind_all(
                sqlx::query(AssertSqlSafe(statement.sql.into_string())),
                &statement.params,
            )?;
            let done = query.execute(&pool).await.map_err(from_sqlx)?;
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
            let query = bind_all(
                sqlx::query(AssertSqlSafe(statement.sql.into_string())),
                &statement.params,
            )?;
            row_set(query.fetch_all(&pool).await.map_err(from_sqlx)?)
        }
    }

    /// `BEGIN IMMEDIATE` takes the write lock up front, which avoids the WAL deadlock of a
    /// read transaction that later needs to write; `DEFERRED` otherwise, as Prefect does.
    fn begin(
        &self,
        with_for_update: bool,
    ) -> impl Future<Output = Result<SqliteTransaction>> + Send + use<> {
        let pool = self.pool.clone();
        async move {
            let statement = if with_for_update {
                "BEGIN IMMEDIATE"
            } else {
                "BEGIN DEFERRED"
            };
            let transaction = pool.begin_with(statement).await.map_err(from_sqlx)?;
            Ok(SqliteTransaction::new(transaction))
        }
    }

    /// A unit of work that writes starts `BEGIN IMMEDIATE`: it holds SQLite's write lock from
    /// its first statement, so concurrent writers wait (up to the busy timeout) instead of
    /// failing with "database is locked" when a deferred transaction tries to upgrade. A unit
    /// writes when it asks for the lock (`with_for_update`) or one of its statements begins
    /// with INSERT, UPDATE, DELETE or REPLACE.
    fn run_unit_of_work(
        &self,
        work: UnitOfWork,
    ) -> impl Future<Output = Result<Vec<StatementOutcome>>> + Send + use<> {
        let immediate = work.with_for_update || work.statements.iter().any(|s| writes(&s.sql));
        let begin = self.begin(immediate);
        async move {
            let mut transaction = begin.await?;
            if work.independent {
                // Rows that reference each other go in one by one; their foreign keys are
                // checked at commit (the pragma ends with the transaction).
                transaction
                    .execute(Statement {
                        sql: "PRAGMA defer_foreign_keys = ON".into(),
                        params: Default::default(),
                    })
                    .await?;
            }
            let mut outcomes = Vec::with_capacity(work.statements.len());
            for statement in work.statements {
                match transaction.run(statement).await {
                    Ok(outcome) => outcomes.push(outcome),
                    Err(err) => {
                        let _ = transaction.rollback().await;
                        return Err(err);
                    }
                }
            }
            transaction.commit().await?;
            Ok(outcomes)
        }
    }

    fn server_info(&self) -> impl Future<Output = Result<ServerInfo>> + Send + use<> {
        let pool = self.pool.clone();
        async move {
            let version = sqlx::query_scalar::<_, String>("select sqlite_version()")
                .fetch_one(&pool)
                .await
                .map_err(from_sqlx)?;
            Ok(ServerInfo {
                dialect: "sqlite".into(),
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
        async move { crate::schema::snapshot(&pool).await }
    }

    fn close(&self) -> impl Future<Output = ()> + Send + use<> {
        let pool = self.pool.clone();
        async move { pool.close().await }
    }
}

/// Whether a statement's first keyword makes it a write.
fn writes(sql: &str) -> bool {
    let keyword: String = sql
        .trim_start()
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect();
    ["INSERT", "UPDATE", "DELETE", "REPLACE"]
        .iter()
        .any(|write| keyword.eq_ignore_ascii_case(write))
}
