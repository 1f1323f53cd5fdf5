//! The SQLite pool: connections lent out one operation at a time, each operation run on the
//! plugin runtime's blocking threads.
//!
//! SQLite is a C library that blocks: a statement runs on the calling thread, and a writer
//! waiting for the database's lock sleeps in the busy handler (up to the busy timeout). So an
//! operation — a statement, or a whole unit of work with its `BEGIN` and `COMMIT` — runs in one
//! `spawn_blocking` call, with the connection moved in and back. sqlx's SQLite driver instead
//! hands every row to a worker thread and back through a channel: measured on this machine, a
//! 10,000-row fetch ran at 22/s through sqlx, 180/s through rusqlite on the calling thread and
//! 130/s through `spawn_blocking` (Python's `sqlite3`: 50/s).

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use flowdb_plugin_sdk::abi::{
    ExecOutcome, PoolStatus, RowSet, ServerInfo, Statement, StatementOutcome, UnitOfWork,
};
use flowdb_plugin_sdk::{Pool, Result};
use rusqlite::Connection;
use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore};

use crate::error::{Error, ErrorKind, from_sqlite};
use crate::options::Opener;
use crate::transaction::SqliteTransaction;
use crate::types;

/// What the pool's leases share.
pub(crate) struct Shared {
    opener: Opener,
    idle: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
    max_size: u32,
    open: AtomicU32,
    closed: AtomicBool,
    acquire_timeout: Duration,
    /// Woken after writes; None for an in-memory or read-only database.
    checkpoints: Option<Arc<Notify>>,
}

/// How long the checkpointer lets writes gather before it folds the write-ahead log back.
const CHECKPOINT_DELAY: Duration = Duration::from_millis(200);

impl Shared {
    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn echo(&self) -> bool {
        self.opener.echo()
    }

    /// Tells the checkpointer that the write-ahead log grew.
    fn wrote(&self) {
        if let Some(checkpoints) = &self.checkpoints {
            checkpoints.notify_one();
        }
    }

    /// Takes a connection back, or lets it go if the pool is closed.
    fn give_back(&self, connection: Connection) {
        if self.closed.load(Ordering::Acquire) {
            self.open.fetch_sub(1, Ordering::AcqRel);
            drop(connection);
        } else {
            self.idle().push(connection);
        }
    }
}

/// A connection lent out, with the right to use one of the pool's slots.
pub(crate) struct Lease {
    connection: Option<Connection>,
    shared: Arc<Shared>,
    /// The slot; held until the connection is back (see `Drop`).
    permit: Option<OwnedSemaphorePermit>,
}

impl Lease {
    /// Runs `work` on the lease's connection on a blocking thread (opening the connection
    /// there first if the pool has none idle), and hands the lease back with its result.
    pub(crate) async fn run<T, F>(mut self, work: F) -> Result<(Lease, T)>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection, bool) -> Result<T> + Send + 'static,
    {
        let outcome = tokio::task::spawn_blocking(move || {
            let connection = match self.connection.take() {
                Some(connection) => connection,
                None => match self.shared.opener.open() {
                    Ok(connection) => {
                        self.shared.open.fetch_add(1, Ordering::AcqRel);
                        connection
                    }
                    Err(err) => return (self, Err(err)),
                },
            };
            let mut connection = connection;
            let result = work(&mut connection, self.shared.echo());
            self.connection = Some(connection);
            (self, result)
        })
        .await;
        match outcome {
            Ok((lease, Ok(value))) => Ok((lease, value)),
            Ok((_, Err(err))) => Err(err),
            Err(join) => Err(Error::new(
                ErrorKind::INTERNAL,
                format!("a SQLite operation did not finish: {join}"),
            )),
        }
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        let Some(connection) = self.connection.take() else {
            // The connection was never opened, or was lost with a panic: its slot is free.
            return;
        };
        if connection.is_autocommit() {
            self.shared.give_back(connection);
            return;
        }
        // A transaction was left open (dropped uncommitted, or cancelled midway): roll it
        // back before anyone else gets the connection, off this thread, which may be async.
        // The slot stays taken until then: freed at once, it let the next lease find no idle
        // connection and open one more than the pool's size (seen under a storm of host
        // timeouts: 16 open of 15).
        let shared = Arc::clone(&self.shared);
        let permit = self.permit.take();
        let finish = move || {
            let _slot = permit;
            if connection.execute_batch("ROLLBACK").is_ok() {
                shared.give_back(connection);
            } else {
                shared.open.fetch_sub(1, Ordering::AcqRel);
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn_blocking(finish);
            }
            Err(_) => finish(),
        }
    }
}

/// A pool of SQLite connections.
pub struct SqlitePoolHandle {
    shared: Arc<Shared>,
}

impl SqlitePoolHandle {
    /// A pool of up to `max_size` connections. For a database file, a task of the plugin's
    /// runtime checkpoints the write-ahead log shortly after writes: SQLite would otherwise do
    /// it inside a writer's commit every 1,000 pages (`wal_autocheckpoint`), with an fsync of the
    /// database file, which showed as 15 ms stalls at the 99th percentile of one-run creates.
    /// Connections keep a much larger automatic checkpoint as a safety net.
    pub(crate) fn new(opener: Opener, max_size: u32, acquire_timeout: Duration) -> Self {
        let checkpoints = opener
            .checkpoints_in_background()
            .then(|| Arc::new(Notify::new()));
        let shared = Arc::new(Shared {
            opener,
            idle: Mutex::new(Vec::new()),
            permits: Arc::new(Semaphore::new(max_size as usize)),
            max_size,
            open: AtomicU32::new(0),
            closed: AtomicBool::new(false),
            acquire_timeout,
            checkpoints: checkpoints.clone(),
        });
        if let Some(checkpoints) = checkpoints {
            tokio::spawn(checkpointer(Arc::downgrade(&shared), checkpoints));
        }
        Self { shared }
    }

    /// Lends a connection: waits (up to the pool timeout) for a free slot.
    pub(crate) fn lease(&self) -> impl Future<Output = Result<Lease>> + Send + use<> {
        lease(Arc::clone(&self.shared))
    }
}

fn lease(shared: Arc<Shared>) -> impl Future<Output = Result<Lease>> + Send {
    {
        async move {
            if shared.closed.load(Ordering::Acquire) {
                return Err(Error::new(
                    ErrorKind::CONNECTION,
                    "the pool has been closed",
                ));
            }
            let permit = tokio::time::timeout(
                shared.acquire_timeout,
                Arc::clone(&shared.permits).acquire_owned(),
            )
            .await
            .map_err(|_| {
                Error::new(
                    ErrorKind::TIMEOUT,
                    format!(
                        "timed out after {:.1} s waiting for a free connection from the pool ({} connections)",
                        shared.acquire_timeout.as_secs_f64(),
                        shared.max_size
                    ),
                )
            })?
            .map_err(|_| Error::new(ErrorKind::CONNECTION, "the pool has been closed"))?;
            let connection = shared.idle().pop();
            Ok(Lease {
                connection,
                shared,
                permit: Some(permit),
            })
        }
    }
}

/// Folds the write-ahead log back into the database file shortly after writes, on a lent
/// connection (`PASSIVE`: it never blocks readers or writers). Ends with the pool.
async fn checkpointer(shared: Weak<Shared>, wrote: Arc<Notify>) {
    loop {
        wrote.notified().await;
        tokio::time::sleep(CHECKPOINT_DELAY).await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        if shared.closed.load(Ordering::Acquire) {
            return;
        }
        let Ok(lease) = lease(shared).await else {
            continue;
        };
        let outcome = lease
            .run(|connection, _| {
                connection
                    .execute_batch("PRAGMA wal_checkpoint(PASSIVE)")
                    .map_err(from_sqlite)
            })
            .await;
        if let Err(err) = outcome {
            tracing::debug!(target: "flowdb_plugin_sqlite", "background checkpoint failed: {err}");
        }
    }
}

impl Drop for SqlitePoolHandle {
    fn drop(&mut self) {
        // Lets the checkpointer see that the pool is gone.
        self.shared.wrote();
    }
}

impl SqlitePoolHandle {
    /// Opens the first connection now, so a bad file or directory fails at connect.
    pub(crate) async fn warm(&self) -> Result<()> {
        self.lease().await?.run(|_, _| Ok(())).await.map(|_| ())
    }

    /// The linked SQLite library's version.
    pub(crate) fn library_version(&self) -> impl Future<Output = Result<String>> + Send + use<> {
        let lease = self.lease();
        async move {
            let (_, version) = lease
                .await?
                .run(|connection, _| {
                    connection
                        .query_row("select sqlite_version()", [], |row| row.get::<_, String>(0))
                        .map_err(from_sqlite)
                })
                .await?;
            Ok(version)
        }
    }

    /// Runs a unit of work on one connection in one blocking call: `BEGIN`, the statements,
    /// `COMMIT`; the first error rolls back.
    fn unit(
        &self,
        work: UnitOfWork,
    ) -> impl Future<Output = Result<Vec<StatementOutcome>>> + Send + use<> {
        let shared = Arc::clone(&self.shared);
        // A unit that writes takes the write lock up front (`BEGIN IMMEDIATE`): concurrent
        // writers then wait for it (up to the busy timeout) instead of failing with "database
        // is locked" when a deferred transaction that has read tries to write.
        let immediate = work.with_for_update || work.statements.iter().any(|s| writes(&s.sql));
        let lease = self.lease();
        async move {
            let (_, outcomes) = lease
                .await?
                .run(move |connection, echo| {
                    let begin = if immediate {
                        "BEGIN IMMEDIATE"
                    } else {
                        "BEGIN DEFERRED"
                    };
                    connection.execute_batch(begin).map_err(from_sqlite)?;
                    let outcome = (|| {
                        if work.independent {
                            // Rows that reference each other go in one by one; their foreign
                            // keys are checked at commit (the pragma ends with the transaction).
                            connection
                                .execute_batch("PRAGMA defer_foreign_keys = ON")
                                .map_err(from_sqlite)?;
                        }
                        let mut outcomes = Vec::with_capacity(work.statements.len());
                        for statement in work.statements.iter() {
                            outcomes.push(types::run(connection, statement, echo)?);
                        }
                        connection.execute_batch("COMMIT").map_err(from_sqlite)?;
                        Ok(outcomes)
                    })();
                    if outcome.is_err() && !connection.is_autocommit() {
                        let _ = connection.execute_batch("ROLLBACK");
                    }
                    outcome
                })
                .await?;
            if immediate {
                shared.wrote();
            }
            Ok(outcomes)
        }
    }
}

impl Pool for SqlitePoolHandle {
    type Transaction = SqliteTransaction;

    fn execute(
        &self,
        statement: Statement,
    ) -> impl Future<Output = Result<ExecOutcome>> + Send + use<> {
        let lease = self.lease();
        let shared = Arc::clone(&self.shared);
        async move {
            let (_, rows_affected) = lease
                .await?
                .run(move |connection, echo| types::execute(connection, &statement, echo))
                .await?;
            shared.wrote();
            Ok(ExecOutcome { rows_affected })
        }
    }

    fn fetch_all(
        &self,
        statement: Statement,
    ) -> impl Future<Output = Result<RowSet>> + Send + use<> {
        let lease = self.lease();
        async move {
            let (_, rows) = lease
                .await?
                .run(move |connection, echo| types::fetch_all(connection, &statement, echo))
                .await?;
            Ok(rows)
        }
    }

    fn run_unit_of_work(
        &self,
        work: UnitOfWork,
    ) -> impl Future<Output = Result<Vec<StatementOutcome>>> + Send + use<> {
        self.unit(work)
    }

    /// `BEGIN IMMEDIATE` takes the write lock up front, which avoids the WAL deadlock of a
    /// read transaction that later needs to write; `DEFERRED` otherwise, as Prefect does.
    fn begin(
        &self,
        with_for_update: bool,
    ) -> impl Future<Output = Result<SqliteTransaction>> + Send + use<> {
        let lease = self.lease();
        async move {
            let begin = if with_for_update {
                "BEGIN IMMEDIATE"
            } else {
                "BEGIN DEFERRED"
            };
            let (lease, ()) = lease
                .await?
                .run(move |connection, _| connection.execute_batch(begin).map_err(from_sqlite))
                .await?;
            Ok(SqliteTransaction::new(lease))
        }
    }

    fn server_info(&self) -> impl Future<Output = Result<ServerInfo>> + Send + use<> {
        let version = self.library_version();
        async move {
            Ok(ServerInfo {
                dialect: "sqlite".into(),
                server_version: version.await?.into(),
            })
        }
    }

    fn status(&self) -> PoolStatus {
        let idle = self.shared.idle().len();
        PoolStatus {
            size: self.shared.open.load(Ordering::Acquire),
            idle: u32::try_from(idle).unwrap_or(u32::MAX),
            max_size: self.shared.max_size,
        }
    }

    fn schema_snapshot(&self) -> impl Future<Output = Result<Vec<String>>> + Send + use<> {
        let lease = self.lease();
        async move {
            let (_, lines) = lease
                .await?
                .run(|connection, _| crate::schema::snapshot(connection))
                .await?;
            Ok(lines)
        }
    }

    /// Waits for lent connections to come back, then closes every connection, so that the
    /// last one folds the write-ahead log back into the database file.
    fn close(&self) -> impl Future<Output = ()> + Send + use<> {
        let shared = Arc::clone(&self.shared);
        async move {
            shared.closed.store(true, Ordering::Release);
            shared.wrote();
            // Every slot taken back means every lease has ended.
            let all = shared.max_size;
            let _all = Arc::clone(&shared.permits).acquire_many_owned(all).await;
            let connections: Vec<Connection> = shared.idle().drain(..).collect();
            shared.permits.close();
            let _ = tokio::task::spawn_blocking(move || drop(connections)).await;
            shared.open.store(0, Ordering::Release);
        }
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
