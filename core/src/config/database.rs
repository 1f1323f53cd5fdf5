//! [`Database`]: an open pool behind a plugin, Prefect's engine.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use abi_stable::std_types::RVec;
use flowdb_abi::{PoolBox, PoolStatus, ServerInfo, UnitOfWork};

use crate::config::options::DatabaseConfig;
use crate::config::statement::{Statement, into_result};
use crate::config::transaction::Transaction;
use crate::error::Result;
use crate::plugin::LoadedPlugin;
use crate::value::{Rows, Value};

/// What one statement of a unit of work did.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Rows inserted, updated or deleted (for a query, the rows it returned).
    pub rows_affected: u64,
    /// The rows it returned; empty for a statement that returns none.
    pub rows: Rows,
}

/// The pool cache key: Prefect keys engines by (event loop, URL, echo, timeout). Here the
/// runtime a pool lives on is its dialect's, one per plugin library or built-in dialect, so where
/// the dialect's code is stands for it;
/// and the SQL template overrides, which are checked as a pool opens, are part of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct PoolKey {
    code: String,
    url: String,
    echo: bool,
    timeout: Option<Duration>,
    /// A pool opened with SQL template overrides has had them checked against the database;
    /// one opened without has not.
    sql_template_dir: Option<PathBuf>,
}

fn pool_cache() -> &'static Mutex<HashMap<PoolKey, Weak<Database>>> {
    static POOLS: OnceLock<Mutex<HashMap<PoolKey, Weak<Database>>>> = OnceLock::new();
    POOLS.get_or_init(Default::default)
}

/// An open pool of connections to one database, through its plugin.
///
/// Pools are cached: opening the same URL with the same echo and timeout again returns the
/// pool that is still open, as Prefect's engine cache does.
pub struct Database {
    pool: PoolBox,
    /// Set by [`Database::close`]: a closed pool is never handed out again by the cache.
    closed: std::sync::atomic::AtomicBool,
    plugin: Arc<LoadedPlugin>,
    redacted_url: String,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("plugin", &self.plugin.name())
            .field("url", &self.redacted_url)
            .finish()
    }
}

impl Database {
    /// Opens (or reuses) the pool for `config` through `plugin`.
    pub async fn open(plugin: Arc<LoadedPlugin>, config: &DatabaseConfig) -> Result<Arc<Database>> {
        let key = PoolKey {
            code: plugin.location(),
            url: config.url().to_owned(),
            echo: config.echo,
            timeout: config.timeout,
            sql_template_dir: config.sql_template_dir.clone(),
        };
        if let Some(open) = Self::cached(&key) {
            return Ok(open);
        }
        let connect = (plugin.module().connect())(config.connect_options());
        let pool = into_result(&plugin, connect.await)?;
        let database = Arc::new(Database {
            pool,
            closed: std::sync::atomic::AtomicBool::new(false),
            plugin,
            redacted_url: config.redacted_url(),
        });
        let mut cache = pool_cache()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Another task may have opened the same pool meanwhile; keep the first.
        if let Some(open) = cache
            .get(&key)
            .and_then(Weak::upgrade)
            .filter(|open| !open.is_closed())
        {
            return Ok(open);
        }
        cache.retain(|_, pool| pool.strong_count() > 0);
        cache.insert(key, Arc::downgrade(&database));
        Ok(database)
    }

    fn cached(key: &PoolKey) -> Option<Arc<Database>> {
        let cache = pool_cache()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        cache
            .get(key)
            .and_then(Weak::upgrade)
            .filter(|open| !open.is_closed())
    }

    fn is_closed(&self) -> bool {
        self.closed.load(std::sync::atomic::Ordering::Acquire)
    }

    /// The plugin serving this database.
    pub fn plugin(&self) -> &Arc<LoadedPlugin> {
        &self.plugin
    }

    /// Runs a statement that returns no rows, in autocommit; returns the rows affected.
    pub async fn execute(&self, sql: &str, params: Vec<Value>) -> Result<u64> {
        let call = self.pool.execute(Statement::new(sql, params).into_abi());
        Ok(into_result(&self.plugin, call.await)?.rows_affected)
    }

    /// Runs a query in autocommit and returns all its rows.
    pub async fn fetch_all(&self, sql: &str, params: Vec<Value>) -> Result<Rows> {
        let call = self.pool.fetch_all(Statement::new(sql, params).into_abi());
        Ok(Rows::new(into_result(&self.plugin, call.await)?))
    }

    /// Runs the statements in one transaction and commits, crossing into the plugin once.
    /// Returns the rows each statement affected.
    pub async fn run_unit_of_work(
        &self,
        statements: Vec<Statement>,
        with_for_update: bool,
    ) -> Result<Vec<u64>> {
        Ok(self
            .run_statements(statements, with_for_update)
            .await?
            .iter()
            .map(|outcome| outcome.rows_affected)
            .collect())
    }

    /// Runs the statements in one transaction and commits, crossing into the plugin once, and
    /// returns what each did: the rows it affected and the rows it returned (`SELECT`,
    /// `RETURNING`).
    pub async fn run_statements(
        &self,
        statements: Vec<Statement>,
        with_for_update: bool,
    ) -> Result<Vec<Outcome>> {
        self.run_work(statements, with_for_update, false).await
    }

    /// Runs writes that neither read what an earlier one wrote nor use its outcome, and have
    /// no `RETURNING` — inserts of rows that reference each other, say — in one transaction
    /// with the write lock taken up front. The dialect may run them as one statement
    /// (PostgreSQL: one round trip), and checks foreign keys between them at the end.
    pub async fn run_independent_writes(&self, statements: Vec<Statement>) -> Result<Vec<Outcome>> {
        self.run_work(statements, true, true).await
    }

    async fn run_work(
        &self,
        statements: Vec<Statement>,
        with_for_update: bool,
        independent: bool,
    ) -> Result<Vec<Outcome>> {
        let work = UnitOfWork {
            statements: statements.into_iter().map(Statement::into_abi).collect(),
            with_for_update,
            independent,
        };
        let outcomes: RVec<_> = into_result(&self.plugin, self.pool.run_unit_of_work(work).await)?;
        Ok(outcomes
            .into_iter()
            .map(|outcome| Outcome {
                rows_affected: outcome.rows_affected,
                rows: Rows::new(outcome.rows),
            })
            .collect())
    }

    /// Runs what a query component rendered: a single statement without the write lock as a
    /// query, anything else as a unit of work. Returns the rows of the last statement that
    /// returned any (none for a write that returns none).
    pub async fn run_rendered(&self, rendered: crate::queries::Rendered) -> Result<Rows> {
        if rendered.statements.len() == 1 && !rendered.with_for_update {
            let mut statements = rendered.statements;
            if let Some(statement) = statements.pop() {
                let call = self.pool.fetch_all(statement.into_abi());
                return Ok(Rows::new(into_result(&self.plugin, call.await)?));
            }
            return Ok(Rows::empty());
        }
        let outcomes = self
            .run_statements(rendered.statements, rendered.with_for_update)
            .await?;
        Ok(outcomes
            .into_iter()
            .rev()
            .find(|outcome| outcome.rows.columns().next().is_some())
            .map(|outcome| outcome.rows)
            .unwrap_or_else(Rows::empty))
    }

    /// Starts a transaction; `with_for_update` takes the write lock up front on SQLite.
    pub async fn begin(&self, with_for_update: bool) -> Result<Transaction> {
        let transaction = into_result(&self.plugin, self.pool.begin(with_for_update).await)?;
        Ok(Transaction::new(
            transaction,
            Arc::clone(&self.plugin),
            with_for_update,
        ))
    }

    /// A round trip that reports the server.
    pub async fn server_info(&self) -> Result<ServerInfo> {
        into_result(&self.plugin, self.pool.server_info().await)
    }

    /// The live schema as the plugin's sorted, normalized snapshot lines.
    pub async fn schema_snapshot(&self) -> Result<Vec<String>> {
        let lines = into_result(&self.plugin, self.pool.schema_snapshot().await)?;
        Ok(lines.into_iter().map(|line| line.into_string()).collect())
    }

    /// The pool's connections right now.
    pub fn status(&self) -> PoolStatus {
        self.pool.status()
    }

    /// Closes every connection of the pool.
    pub async fn close(&self) {
        self.closed
            .store(true, std::sync::atomic::Ordering::Release);
        self.pool.close().await;
    }
}
