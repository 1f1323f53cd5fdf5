//! Tier 1, database configuration: pools, transactions and the statements they run.

use abi_stable::StableAbi;
use abi_stable::sabi_trait;
use abi_stable::std_types::{RBox, ROption, RString, RVec, Tuple2};
use async_ffi::{FfiFuture, FutureExt as _};

use crate::error::{ErrorKind, PluginError, PluginResult};
use crate::value::Value_NE;

/// How to open a pool: the URL plus the settings Prefect applies per dialect.
///
/// This struct never changes shape; options added in later ABI versions travel in `extra`.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct ConnectOptions {
    /// The connection URL as the user wrote it (`postgresql+asyncpg://…`, `sqlite:///…`).
    pub url: RString,
    /// Log every statement (Prefect's `echo`).
    pub echo: bool,
    /// Per-statement timeout in milliseconds (Prefect's `timeout`, 10 s by default).
    pub statement_timeout_ms: ROption<u64>,
    /// Connect timeout in milliseconds (Prefect's `connection_timeout`, 5 s by default).
    pub connect_timeout_ms: ROption<u64>,
    /// Pool sizing.
    pub pool: PoolOptions,
    /// PostgreSQL `application_name`.
    pub application_name: ROption<RString>,
    /// PostgreSQL `search_path`.
    pub search_path: ROption<RString>,
    /// Statement cache size; 0 disables caching (the PgBouncer transaction-mode recipe).
    pub statement_cache_size: ROption<u32>,
    /// TLS settings.
    pub tls: TlsOptions,
    /// Options added after ABI 0.1, as key/value pairs; a plugin ignores keys it does not know.
    pub extra: RVec<Tuple2<RString, RString>>,
}

/// Pool sizing, with Prefect's meaning.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq)]
pub struct PoolOptions {
    /// Connections kept open (Prefect's `pool_size`, 5).
    pub size: u32,
    /// Connections allowed beyond `size` under load (Prefect's `max_overflow`, 10).
    pub max_overflow: u32,
    /// Close connections older than this many seconds; negative means never (3600).
    pub recycle_secs: i64,
    /// How long to wait for a free connection, in milliseconds (30 s).
    pub acquire_timeout_ms: ROption<u64>,
}

/// TLS settings for servers that speak it.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct TlsOptions {
    /// Require TLS.
    pub enabled: bool,
    /// A CA bundle to verify the server with.
    pub ca_file: ROption<RString>,
    /// A client certificate.
    pub cert_file: ROption<RString>,
    /// The client certificate's key.
    pub key_file: ROption<RString>,
    /// Check that the server's certificate names the host.
    pub check_hostname: bool,
}

/// One SQL statement in the dialect's own syntax with its bound parameters.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Statement {
    /// The SQL text. Placeholders are `$1`, `$2`, … on every dialect (`$n` is `params[n - 1]`;
    /// see [the placeholder convention](crate::queries#placeholders)).
    pub sql: RString,
    /// The parameters, in placeholder order.
    pub params: RVec<Value_NE>,
}

/// Statements that run in one transaction, entirely on the plugin's side.
///
/// This is the cheap way to do a write: the host crosses the boundary once, however many
/// statements there are.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct UnitOfWork {
    /// The statements, run in order; the first error rolls everything back.
    pub statements: RVec<Statement>,
    /// Take the write lock up front (SQLite `BEGIN IMMEDIATE`); see
    /// [`DatabasePool::begin`].
    pub with_for_update: bool,
    /// The statements are writes that neither read what an earlier one wrote nor use its
    /// outcome (inserts of rows that reference each other, say), and none has `RETURNING`. A
    /// dialect may then run them as one statement — PostgreSQL chains them as data-modifying
    /// CTEs: one round trip, with foreign keys between the new rows checked at its end — and
    /// checks foreign keys at commit where it runs them one by one (SQLite's
    /// `defer_foreign_keys`).
    ///
    /// # Since
    /// ABI 0.2.
    pub independent: bool,
}

/// What one statement of a [`UnitOfWork`] did.
///
/// # Since
/// ABI 0.2 (ABI 0.1 returned only the rows affected).
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct StatementOutcome {
    /// Rows inserted, updated or deleted (for a query, the rows it returned).
    pub rows_affected: u64,
    /// The rows it returned (`SELECT`, `RETURNING`); empty for a statement that returns none.
    pub rows: RowSet,
}

/// What a statement that returns no rows did.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExecOutcome {
    /// Rows inserted, updated or deleted.
    pub rows_affected: u64,
}

/// The rows a query returned, flattened row by row: `values.len() == columns.len() * rows`.
///
/// One flat vector instead of a vector per row keeps a 10,000-row fetch to one allocation.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct RowSet {
    /// Column names, in order.
    pub columns: RVec<RString>,
    /// Every value of every row, row-major.
    pub values: RVec<Value_NE>,
}

/// What a connectivity check learned about the server.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct ServerInfo {
    /// The dialect's name (`postgresql`, `sqlite`).
    pub dialect: RString,
    /// The server's or the embedded library's version.
    pub server_version: RString,
}

/// A snapshot of a pool's connections.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections open.
    pub size: u32,
    /// Of those, connections idle.
    pub idle: u32,
    /// The most connections the pool will open.
    pub max_size: u32,
}

/// A pool of connections to one database (Prefect's engine).
///
/// Every future is `'static`: the plugin clones what it needs, so the host may drop the pool
/// while a query is in flight.
#[sabi_trait]
pub trait DatabasePool: Send + Sync {
    /// Runs a statement that returns no rows, outside any transaction (autocommit).
    fn execute(&self, statement: Statement) -> FfiFuture<PluginResult<ExecOutcome>>;

    /// Runs a query and returns all its rows, outside any transaction (autocommit).
    fn fetch_all(&self, statement: Statement) -> FfiFuture<PluginResult<RowSet>>;

    /// Runs the statements in one transaction and commits, crossing the boundary once; one
    /// outcome per statement, rows included. The first error rolls everything back.
    ///
    /// A unit of one statement may run without an explicit transaction where the dialect
    /// makes a single statement atomic by itself (PostgreSQL), saving two round trips.
    fn run_unit_of_work(&self, work: UnitOfWork)
    -> FfiFuture<PluginResult<RVec<StatementOutcome>>>;

    /// Starts a transaction on a connection of its own (Prefect's `begin_transaction`).
    ///
    /// `with_for_update` asks for the write lock up front: SQLite emits `BEGIN IMMEDIATE`
    /// instead of `BEGIN DEFERRED`; PostgreSQL, always READ COMMITTED, ignores it (callers lock
    /// rows with `SELECT … FOR UPDATE`).
    fn begin(&self, with_for_update: bool) -> FfiFuture<PluginResult<TransactionBox>>;

    /// Checks connectivity with a round trip and reports the server.
    fn server_info(&self) -> FfiFuture<PluginResult<ServerInfo>>;

    /// The pool's connections right now.
    fn status(&self) -> PoolStatus;

    /// Closes every connection; later calls fail.
    #[sabi(last_prefix_field)]
    fn close(&self) -> FfiFuture<()>;

    /// The live schema as sorted, normalized lines (the format `flowdb_plugin_sdk::schema`
    /// documents), for `flowdb database check`.
    ///
    /// Added after the prefix: a plugin built before it has no entry for it, and then this
    /// default answers, saying the plugin cannot report its schema.
    fn schema_snapshot(&self) -> FfiFuture<PluginResult<RVec<RString>>> {
        async {
            PluginResult::RErr(PluginError::new(
                ErrorKind::UNSUPPORTED,
                "this plugin was built without schema snapshots; rebuild it against a newer \
                 flowdb-plugin-sdk",
            ))
        }
        .into_ffi()
    }
}

/// A transaction bound to one connection. Dropping it without committing rolls it back.
#[sabi_trait]
pub trait DatabaseTransaction: Send + Sync {
    /// Runs a statement that returns no rows inside the transaction.
    fn execute(&self, statement: Statement) -> FfiFuture<PluginResult<ExecOutcome>>;

    /// Runs a query inside the transaction and returns all its rows.
    fn fetch_all(&self, statement: Statement) -> FfiFuture<PluginResult<RowSet>>;

    /// Commits. Later calls on this transaction fail.
    fn commit(&self) -> FfiFuture<PluginResult<()>>;

    /// Rolls back. Later calls on this transaction fail.
    fn rollback(&self) -> FfiFuture<PluginResult<()>>;

    /// Runs a script of several `;`-separated statements without parameters (a migration).
    #[sabi(last_prefix_field)]
    fn execute_script(&self, sql: RString) -> FfiFuture<PluginResult<()>>;
}

/// An owned pool behind the ABI.
pub type PoolBox = DatabasePool_TO<'static, RBox<()>>;

/// An owned transaction behind the ABI.
pub type TransactionBox = DatabaseTransaction_TO<'static, RBox<()>>;

/// The [`ConnectOptions::extra`] key by which the conformance suite (`flowdb plugins verify`)
/// asks `connect` to panic, to prove that the SDK contains a panic and poisons the plugin:
/// `panic` panics before the future is returned, `panic-in-future` while it is polled. The
/// suite sets it only on a private copy of the library it loads for the purpose. A host must
/// never set it otherwise, nor forward keys its users give into `extra`. A plugin built
/// against an older contract ignores it.
///
/// # Since
/// Contract 0.2.1.
pub const FAULT_OPTION: &str = "flowdb_verify_fault";
