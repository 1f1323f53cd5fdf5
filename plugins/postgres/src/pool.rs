//! The PostgreSQL pool: statements in autocommit, transactions, connectivity.

use flowdb_plugin_sdk::abi::{
    ExecOutcome, PoolStatus, RowSet, ServerInfo, Statement, StatementOutcome, UnitOfWork,
};
use flowdb_plugin_sdk::queries::shift_placeholders;
use flowdb_plugin_sdk::value::ValueNEExt as _;
use flowdb_plugin_sdk::{Pool, Result, Transaction as _};
use sqlx::{AssertSqlSafe, PgPool};

use crate::error::from_sqlx;
use crate::transaction::PgTransaction;
use crate::types::{bind_all, row_set, run_statement};

/// A pool of PostgreSQL connections.
pub struct PgPoolHandle {
    pool: PgPool,
    max_size: u32,
}

impl PgPoolHandle {
    pub(crate) fn new(pool: PgPool, max_size: u32) -> Self {
        Self { pool, max_size }
    }
}

impl Pool for PgPoolHandle {
    type Transaction = PgTransaction;

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

    /// Every session is READ COMMITTED already; `with_for_update` changes nothing here, as in
    /// Prefect: callers lock rows with `SELECT … FOR UPDATE`.
    fn begin(
        &self,
        _with_for_update: bool,
    ) -> impl Future<Output = Result<PgTransaction>> + Send + use<> {
        let pool = self.pool.clone();
        async move { Ok(PgTransaction::new(pool.begin().await.map_err(from_sqlx)?)) }
    }

    /// A unit of one statement runs in autocommit: PostgreSQL makes a single statement atomic
    /// by itself, and `BEGIN`/`COMMIT` would cost two more round trips.
    fn run_unit_of_work(
        &self,
        work: UnitOfWork,
    ) -> impl Future<Output = Result<Vec<StatementOutcome>>> + Send + use<> {
        let pool = self.pool.clone();
        async move {
            let mut statements = work.statements.into_vec();
            if statements.len() == 1 {
                let statement = statements.remove(0);
                return Ok(vec![run_statement(&pool, statement).await?]);
            }
            if work.independent && !statements.is_empty() {
                return run_as_one_statement(&pool, statements).await;
            }
            let mut transaction = PgTransaction::new(pool.begin().await.map_err(from_sqlx)?);
            let mut outcomes = Vec::with_capacity(statements.len());
            for statement in statements {
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
            let version = sqlx::query_scalar::<_, String>("show server_version")
                .fetch_one(&pool)
                .await
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
        async move { crate::schema::snapshot(&pool).await }
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
    let outcome = run_statement(
        pool,
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
