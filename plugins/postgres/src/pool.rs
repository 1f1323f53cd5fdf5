//! The PostgreSQL pool: statements in autocommit, transactions, connectivity.

use std::sync::Arc;

use flowdb_plugin_sdk::abi::{
    ExecOutcome, PoolStatus, RowSet, ServerInfo, Statement, StatementOutcome, UnitOfWork,
};
use flowdb_plugin_sdk::queries::shift_placeholders;
use flowdb_plugin_sdk::value::ValueNEExt as _;
use flowdb_plugin_sdk::{Pool, Result, Transaction as _};
use sqlx::{PgPool, Row as _};

use crate::error::from_sqlx;
use crate::transaction::PgTransaction;
use crate::types::{query_of, row_set, run_statement};

/// A pool of PostgreSQL connections.
pub struct PgPoolHandle {
    pool: PgPool,
    max_size: u32,
    /// Behind a transaction-mode pooler, how a transaction begins (see
    /// [`PgSession`](crate::options::PgSession)); then every statement runs inside one.
    pooled_begin: Option<Arc<str>>,
}

impl PgPoolHandle {
    pub(crate) fn new(pool: PgPool, max_size: u32, pooled_begin: Option<String>) -> Self {
        Self {
            pool,
            max_size,
            pooled_begin: pooled_begin.map(Arc::from),
        }
    }
}

/// Runs one statement outside any caller's transaction. Directly in autocommit (PostgreSQL
/// makes a single statement atomic, and `BEGIN`/`COMMIT` would cost two round trips more);
/// behind a transaction-mode pooler inside a transaction of its own, because sqlx sends an
/// unnamed statement's Parse and its Execute in two exchanges, and between them the pooler
/// may hand the server connection — and the statement — to another client.
async fn run_alone(
    pool: &PgPool,
    pooled_begin: Option<&str>,
    statement: Statement,
) -> Result<StatementOutcome> {
    let Some(begin) = pooled_begin else {
        return run_statement(pool, statement, true).await;
    };
    let mut transaction = PgTransaction::begin(pool, Some(begin)).await?;
    let outcome = transaction.run(statement).await?;
    transaction.commit().await?;
    Ok(outcome)
}

impl Pool for PgPoolHandle {
    type Transaction = PgTransaction;

    fn execute(
        &self,
        statement: Statement,
    ) -> impl Future<Output = Result<ExecOutcome>> + Send + use<> {
        let pool = self.pool.clone();
        let pooled_begin = self.pooled_begin.clone();
        async move {
            if pooled_begin.is_some() {
                let outcome = run_alone(&pool, pooled_begin.as_deref(), statement).await?;
                return Ok(ExecOutcome {
                    rows_affected: outcome.rows_affected,
                });
            }
            let done = query_of(statement, true)?
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
        let pooled_begin = self.pooled_begin.clone();
        async move {
            if pooled_begin.is_some() {
                return Ok(run_alone(&pool, pooled_begin.as_deref(), statement)
                    .await?
                    .rows);
            }
            row_set(
                query_of(statement, true)?
                    .fetch_all(&pool)
                    .await
                    .map_err(from_sqlx)?,
            )
        }
    }

    /// Every session is READ COMMITTED already; `with_for_update` changes nothing here, as in
    /// Prefect: callers lock rows with `SELECT … FOR UPDATE`.
    fn begin(
        &self,
        _with_for_update: bool,
    ) -> impl Future<Output = Result<PgTransaction>> + Send + use<> {
        let pool = self.pool.clone();
        let pooled_begin = self.pooled_begin.clone();
        async move { PgTransaction::begin(&pool, pooled_begin.as_deref()).await }
    }

    /// A unit of one statement runs in autocommit: PostgreSQL makes a single statement atomic
    /// by itself, and `BEGIN`/`COMMIT` would cost two more round trips.
    fn run_unit_of_work(
        &self,
        work: UnitOfWork,
    ) -> impl Future<Output = Result<Vec<StatementOutcome>>> + Send + use<> {
        let pool = self.pool.clone();
        let pooled_begin = self.pooled_begin.clone();
        async move {
            let mut statements = work.statements.into_vec();
            if statements.len() == 1 {
                let statement = statements.remove(0);
                return Ok(vec![
                    run_alone(&pool, pooled_begin.as_deref(), statement).await?,
                ]);
            }
            if work.independent && !statements.is_empty() {
                return run_as_one_statement(&pool, pooled_begin.as_deref(), statements).await;
            }
            let transaction = PgTransaction::begin(&pool, pooled_begin.as_deref()).await?;
            flowdb_plugin_sdk::config::run_statements(transaction, statements).await
        }
    }

    fn server_info(&self) -> impl Future<Output = Result<ServerInfo>> + Send + use<> {
        let pool = self.pool.clone();
        async move {
            // The simple protocol: one message, which a transaction-mode pooler cannot split.
            let version: String = sqlx::raw_sql("show server_version")
                .fetch_one(&pool)
                .await
                .and_then(|row| row.try_get(0))
                .map_err(from_sqlx)?;
            Ok(ServerInfo {
                dialect: "postgresql".into(),
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
        let pooled_begin = self.pooled_begin.clone();
        async move {
            // Its two queries must see one server connection, and a pooler gives one only
            // inside a transaction.
            let mut transaction = PgTransaction::begin(&pool, pooled_begin.as_deref()).await?;
            let (connection, persistent) = transaction.connection();
            let snapshot = crate::schema::snapshot(connection, persistent).await?;
            transaction.commit().await?;
            Ok(snapshot)
        }
    }

    fn close(&self) -> impl Future<Output = ()> + Send + use<> {
        let pool = self.pool.clone();
        async move { pool.close().await }
    }
}

/// Independent writes chained as data-modifying CTEs, one statement: one round trip, atomic by
/// itself, with foreign keys between the new rows checked at its end. Each write reports its
/// count through `RETURNING 1`.
async fn run_as_one_statement(
    pool: &PgPool,
    pooled_begin: Option<&str>,
    statements: Vec<Statement>,
) -> Result<Vec<StatementOutcome>> {
    let mut sql = String::from("WITH ");
    let mut params = Vec::new();
    let mut counts = Vec::with_capacity(statements.len());
    for (index, statement) in statements.into_iter().enumerate() {
        if index > 0 {
            sql.push_str(", ");
        }
        let shifted = shift_placeholders(&statement.sql, params.len());
        sql.push_str(&format!("w{index} AS ({shifted} RETURNING 1)"));
        counts.push(format!("(SELECT count(*) FROM w{index}) AS w{index}"));
        params.extend(statement.params);
    }
    sql.push_str(" SELECT ");
    sql.push_str(&counts.join(", "));
    let outcome = run_alone(
        pool,
        pooled_begin,
        Statement {
            sql: sql.into(),
            params: params.into(),
        },
    )
    .await?;
    let row = outcome.rows.values;
    Ok(row
        .iter()
        .map(|value| StatementOutcome {
            rows_affected: match value.value() {
                Ok(flowdb_plugin_sdk::abi::Value::Int64(count)) => {
                    u64::try_from(*count).unwrap_or(0)
                }
                _ => 0,
            },
            rows: RowSet {
                columns: Default::default(),
                values: Default::default(),
            },
        })
        .collect())
}
