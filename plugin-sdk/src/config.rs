//! Tier 1, database configuration: the traits a dialect implements, and their export.
//!
//! Implement [`Dialect`], [`Pool`] and [`Transaction`] with ordinary async Rust; the SDK wraps
//! them into the ABI's `DatabasePool` / `DatabaseTransaction` objects, adding the panic guard and
//! the plugin's runtime around every call.

use std::future::Future;
use std::sync::Arc;

use abi_stable::sabi_trait::TD_Opaque;
use abi_stable::std_types::{RString, RVec};
use async_ffi::{FfiFuture, FutureExt};
use tokio::sync::Mutex;

use crate::abi::{
    ConnectOptions, DatabasePool, DatabasePool_TO, DatabaseTransaction, DatabaseTransaction_TO,
    ErrorKind, ExecOutcome, PluginResult, PoolBox, PoolStatus, RowSet, ServerInfo, Statement,
    StatementOutcome, TransactionBox, UnitOfWork,
};
use crate::error::{Error, ErrorExt, Result};
use crate::orm::DialectOrm;
use crate::panic_guard::{RuntimeBound, guard_future};
use crate::queries::DialectQueries;
use crate::state::DialectState;

/// A SQL dialect: its identity, and how to reach a database of it.
///
/// Required: `NAME`, `URL_SCHEMES`, `Pool` and [`connect`](Dialect::connect). Everything else has
/// a default: no capabilities, `create_database`/`drop_database` unsupported, empty tiers 2
/// and 3.
pub trait Dialect: Send + Sync + 'static {
    /// The dialect's name, as in URLs (`postgresql`, `sqlite`).
    const NAME: &'static str;
    /// Every URL scheme the plugin serves, without `+driver`; the first is the canonical one.
    const URL_SCHEMES: &'static [&'static str];
    /// Declared capabilities, shown by `flowdb plugins list` and checked by `flowdb plugins
    /// verify`: `create-database`, `drop-database` (create/drop implemented), `float-special`
    /// (NaN, infinities and -0.0 stored), `skip-locked` (the `for_update` fragment skips held rows),
    /// and the descriptive `file`, `in-memory`, `server`, `tls`, `statement-timeout`,
    /// `immediate-transactions`. The manifest template must list the same ones.
    const CAPABILITIES: &'static [&'static str] = &[];

    /// The pool type.
    type Pool: Pool;

    /// Runs once when the host initialises the plugin, inside the plugin's runtime; an error
    /// (or a panic) refuses the plugin. The default does nothing.
    fn on_load() -> Result<()> {
        Ok(())
    }

    /// Opens a pool for the options' URL.
    fn connect(
        options: ConnectOptions,
    ) -> impl Future<Output = Result<Self::Pool>> + Send + use<Self>;

    /// Creates the database the URL names.
    fn create_database(
        _options: ConnectOptions,
    ) -> impl Future<Output = Result<()>> + Send + 'static {
        async { Err(Error::unsupported("create_database")) }
    }

    /// Drops the database the URL names.
    fn drop_database(
        _options: ConnectOptions,
    ) -> impl Future<Output = Result<()>> + Send + 'static {
        async { Err(Error::unsupported("drop_database")) }
    }

    /// Tier 2: the dialect's query components for an interface configured by `options`
    /// (`sql_template_dir` in `options.extra` overrides SQL templates; see
    /// [`crate::queries::Templates`]). The default has none.
    fn query_components(_options: &ConnectOptions) -> Result<Box<dyn DialectQueries>> {
        Ok(Box::new(crate::queries::NoQueryComponents {
            dialect: Self::NAME,
        }))
    }

    /// Tier 3: the dialect's ORM configuration.
    fn orm_configuration() -> Box<dyn DialectOrm> {
        Box::new(crate::orm::NoOrmConfiguration {
            dialect: Self::NAME,
        })
    }
}

/// A pool of connections. Futures are `'static`: clone what the future needs (sqlx pools are
/// cheap handles).
///
/// Required: everything but [`run_unit_of_work`](Pool::run_unit_of_work) and
/// [`close`](Pool::close).
pub trait Pool: Send + Sync + 'static {
    /// The transaction type.
    type Transaction: Transaction;

    /// Runs a statement that returns no rows, in autocommit.
    fn execute(
        &self,
        statement: Statement,
    ) -> impl Future<Output = Result<ExecOutcome>> + Send + use<Self>;

    /// Runs a query and returns all rows, in autocommit.
    fn fetch_all(
        &self,
        statement: Statement,
    ) -> impl Future<Output = Result<RowSet>> + Send + use<Self>;

    /// Starts a transaction; see the ABI's `DatabasePool::begin` for `with_for_update`.
    fn begin(
        &self,
        with_for_update: bool,
    ) -> impl Future<Output = Result<Self::Transaction>> + Send + use<Self>;

    /// A round trip that reports the server.
    fn server_info(&self) -> impl Future<Output = Result<ServerInfo>> + Send + use<Self>;

    /// The pool's connections right now.
    fn status(&self) -> PoolStatus;

    /// Runs statements in one transaction and commits, one outcome (rows included) per
    /// statement. The default uses [`begin`](Pool::begin) and [`Transaction::run`].
    fn run_unit_of_work(
        &self,
        work: UnitOfWork,
    ) -> impl Future<Output = Result<Vec<StatementOutcome>>> + Send + use<Self> {
        let begin = self.begin(work.with_for_update);
        async move { run_statements(begin.await?, work.statements.into_vec()).await }
    }

    /// Closes every connection. The default does nothing beyond dropping the pool.
    fn close(&self) -> impl Future<Output = ()> + Send + use<Self> {
        async {}
    }

    /// The live schema as snapshot lines ([`crate::schema`] describes the format), for the
    /// host's `flowdb database check`. The default says the dialect cannot report it.
    fn schema_snapshot(&self) -> impl Future<Output = Result<Vec<String>>> + Send + use<Self> {
        async { Err(Error::unsupported("schema snapshots")) }
    }
}

/// Runs `statements` in `transaction` with [`Transaction::run`] and commits, one outcome per
/// statement; at the first error, rolls back and returns it. What
/// [`Pool::run_unit_of_work`]'s default does once the transaction has begun, for a pool that
/// overrides it (to run a unit again after a deadlock, say).
///
/// ```
/// use flowdb_plugin_sdk::config::run_statements;
/// use flowdb_plugin_sdk::prelude::*;
///
/// /// A transaction that counts the statements it is given.
/// struct Counting(u64);
///
/// impl Transaction for Counting {
///     async fn execute(&mut self, _: Statement) -> Result<ExecOutcome> {
///         self.0 += 1;
///         Ok(ExecOutcome { rows_affected: self.0 })
///     }
///     async fn fetch_all(&mut self, _: Statement) -> Result<RowSet> {
///         self.0 += 1;
///         Ok(RowSet { columns: RVec::new(), values: RVec::new() })
///     }
///     async fn commit(self) -> Result<()> {
///         Ok(())
///     }
///     async fn rollback(self) -> Result<()> {
///         Ok(())
///     }
/// }
///
/// let statement = Statement { sql: "SELECT 1".into(), params: RVec::new() };
/// let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
/// let outcomes = runtime
///     .block_on(run_statements(Counting(0), vec![statement.clone(), statement]))
///     .unwrap();
/// assert_eq!(outcomes.len(), 2);
/// ```
pub async fn run_statements<T: Transaction>(
    mut transaction: T,
    statements: Vec<Statement>,
) -> Result<Vec<StatementOutcome>> {
    let mut outcomes = Vec::with_capacity(statements.len());
    for statement in statements {
        match transaction.run(statement).await {
            Ok(outcome) => outcomes.push(outcome),
            Err(err) => {
                // The statement's error is the one worth reporting; a failed rollback also
                // ends with the connection discarding the transaction.
                let _ = transaction.rollback().await;
                return Err(err);
            }
        }
    }
    transaction.commit().await?;
    Ok(outcomes)
}

/// A transaction on one connection. Dropping it uncommitted must roll it back (sqlx's
/// transactions do).
pub trait Transaction: Send + 'static {
    /// Runs a statement that returns no rows.
    fn execute(
        &mut self,
        statement: Statement,
    ) -> impl Future<Output = Result<ExecOutcome>> + Send + '_;

    /// Runs a query and returns all rows.
    fn fetch_all(
        &mut self,
        statement: Statement,
    ) -> impl Future<Output = Result<RowSet>> + Send + '_;

    /// Runs any statement and returns what it did: the rows it returned (if any) and the rows
    /// it affected. The default runs it as a query and counts the rows, which suits statements
    /// that return rows; a driver that reports both (sqlx's `fetch_many`) should override it.
    fn run(
        &mut self,
        statement: Statement,
    ) -> impl Future<Output = Result<StatementOutcome>> + Send + '_ {
        async move {
            let rows = self.fetch_all(statement).await?;
            let count = match rows.columns.len() {
                0 => 0,
                width => rows.values.len() / width,
            };
            Ok(StatementOutcome {
                rows_affected: count as u64,
                rows,
            })
        }
    }

    /// Commits.
    fn commit(self) -> impl Future<Output = Result<()>> + Send;

    /// Rolls back.
    fn rollback(self) -> impl Future<Output = Result<()>> + Send;

    /// Runs a multi-statement script without parameters (a migration). The default says the
    /// plugin cannot migrate.
    fn execute_script(&mut self, _sql: String) -> impl Future<Output = Result<()>> + Send + '_ {
        async { Err(Error::unsupported("running migration scripts")) }
    }
}

/// Wraps a pool into the ABI object the host receives.
pub(crate) fn export_pool<P: Pool>(state: &'static DialectState, pool: P) -> PoolBox {
    DatabasePool_TO::from_value(
        ExportedPool {
            pool: RuntimeBound::new(state, pool),
        },
        TD_Opaque,
    )
}

struct ExportedPool<P: Pool> {
    pool: RuntimeBound<P>,
}

impl<P: Pool> ExportedPool<P> {
    fn call<T, F>(
        &self,
        where_: &'static str,
        call: impl FnOnce(&P) -> F,
    ) -> FfiFuture<PluginResult<T>>
    where
        T: Send + 'static,
        F: Future<Output = Result<T>> + Send + 'static,
    {
        match self.pool.get() {
            Ok(pool) => guard_future(self.pool.state(), where_, || call(pool)),
            Err(err) => std::future::ready(PluginResult::RErr(err)).into_ffi(),
        }
    }
}

impl<P: Pool> DatabasePool for ExportedPool<P> {
    fn execute(&self, statement: Statement) -> FfiFuture<PluginResult<ExecOutcome>> {
        self.call("execute", |pool| pool.execute(statement))
    }

    fn fetch_all(&self, statement: Statement) -> FfiFuture<PluginResult<RowSet>> {
        self.call("fetch_all", |pool| pool.fetch_all(statement))
    }

    fn run_unit_of_work(
        &self,
        work: UnitOfWork,
    ) -> FfiFuture<PluginResult<RVec<StatementOutcome>>> {
        self.call("run_unit_of_work", |pool| {
            let run = pool.run_unit_of_work(work);
            async move { run.await.map(RVec::from) }
        })
    }

    fn begin(&self, with_for_update: bool) -> FfiFuture<PluginResult<TransactionBox>> {
        let state = self.pool.state();
        self.call("begin", |pool| {
            let begin = pool.begin(with_for_update);
            async move { Ok(export_transaction(state, begin.await?)) }
        })
    }

    fn server_info(&self) -> FfiFuture<PluginResult<ServerInfo>> {
        self.call("server_info", |pool| pool.server_info())
    }

    fn status(&self) -> PoolStatus {
        let status = crate::panic_guard::guard_sync(self.pool.state(), "status", || {
            Ok(self.pool.get()?.status())
        });
        status.unwrap_or(PoolStatus {
            size: 0,
            idle: 0,
            max_size: 0,
        })
    }

    fn schema_snapshot(&self) -> FfiFuture<PluginResult<RVec<RString>>> {
        self.call("schema_snapshot", |pool| {
            let snapshot = pool.schema_snapshot();
            async move { Ok(snapshot.await?.into_iter().map(RString::from).collect()) }
        })
    }

    fn close(&self) -> FfiFuture<()> {
        let closing = self.call("close", |pool| {
            let close = pool.close();
            async move {
                close.await;
                Ok(())
            }
        });
        async move {
            let _ = closing.await;
        }
        .into_ffi()
    }
}

fn export_transaction<T: Transaction>(
    state: &'static DialectState,
    transaction: T,
) -> TransactionBox {
    let shared = Arc::new(RuntimeBound::new(state, Mutex::new(Some(transaction))));
    DatabaseTransaction_TO::from_value(ExportedTransaction { shared }, TD_Opaque)
}

/// The transaction sits behind an async mutex so that the ABI's `&self` methods can return
/// `'static` futures that each take it in turn; commit and rollback take it out.
struct ExportedTransaction<T: Transaction> {
    shared: Arc<RuntimeBound<Mutex<Option<T>>>>,
}

fn finished() -> Error {
    Error::new(
        ErrorKind::INVALID_ARGUMENT,
        "the transaction has already been committed or rolled back",
    )
}

impl<T: Transaction> ExportedTransaction<T> {
    fn finish<F, Fut>(&self, where_: &'static str, end: F) -> FfiFuture<PluginResult<()>>
    where
        F: FnOnce(T) -> Fut + Send + 'static,
        Fut: Future<Output = Result<()>> + Send,
    {
        let shared = Arc::clone(&self.shared);
        guard_future(shared.state(), where_, move || async move {
            let transaction = shared.get()?.lock().await.take().ok_or_else(finished)?;
            end(transaction).await
        })
    }
}

impl<T: Transaction> DatabaseTransaction for ExportedTransaction<T> {
    fn execute(&self, statement: Statement) -> FfiFuture<PluginResult<ExecOutcome>> {
        let shared = Arc::clone(&self.shared);
        guard_future(shared.state(), "transaction execute", move || async move {
            let mut slot = shared.get()?.lock().await;
            slot.as_mut().ok_or_else(finished)?.execute(statement).await
        })
    }

    fn fetch_all(&self, statement: Statement) -> FfiFuture<PluginResult<RowSet>> {
        let shared = Arc::clone(&self.shared);
        guard_future(
            shared.state(),
            "transaction fetch_all",
            move || async move {
                let mut slot = shared.get()?.lock().await;
                slot.as_mut()
                    .ok_or_else(finished)?
                    .fetch_all(statement)
                    .await
            },
        )
    }

    fn commit(&self) -> FfiFuture<PluginResult<()>> {
        self.finish("commit", T::commit)
    }

    fn rollback(&self) -> FfiFuture<PluginResult<()>> {
        self.finish("rollback", T::rollback)
    }

    fn execute_script(&self, sql: RString) -> FfiFuture<PluginResult<()>> {
        let shared = Arc::clone(&self.shared);
        guard_future(
            shared.state(),
            "transaction execute_script",
            move || async move {
                let mut slot = shared.get()?.lock().await;
                slot.as_mut()
                    .ok_or_else(finished)?
                    .execute_script(sql.into_string())
                    .await
            },
        )
    }
}
