//! SQLite URLs in SQLAlchemy's (and so Prefect's) grammar, and the connect options they give.
//!
//! `sqlite:///relative.db` and `sqlite:////absolute.db` name files (one slash after the empty
//! host, then the path); `sqlite://`, `sqlite:///:memory:` and the URI form
//! `sqlite:///file::memory:?cache=shared&uri=true` name in-memory databases. A `+driver` suffix
//! (`sqlite+aiosqlite`) is accepted.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use flowdb_plugin_sdk::Dialect as _;
use flowdb_plugin_sdk::abi::ConnectOptions;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use crate::dialect::SqliteDialect;
use crate::error::{Error, ErrorExt, Result, from_sqlite};
use crate::pool::SqlitePoolHandle;

/// Where a SQLite URL points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteTarget {
    /// The file path, or the shared-memory name for an in-memory database.
    pub filename: String,
    /// The database lives in memory and vanishes with its last connection.
    pub in_memory: bool,
    /// Opened read-only (`mode=ro`).
    pub read_only: bool,
    /// The file must already exist (`mode=ro` or `mode=rw`).
    pub must_exist: bool,
}

/// Parses a SQLite URL in SQLAlchemy's grammar.
///
/// ```
/// use flowdb_plugin_sqlite::parse_sqlite_url;
///
/// let file = parse_sqlite_url("sqlite+aiosqlite:////var/lib/prefect.db").unwrap();
/// assert_eq!(file.filename, "/var/lib/prefect.db");
/// assert!(!file.in_memory);
/// assert_eq!(parse_sqlite_url("sqlite:///prefect.db").unwrap().filename, "prefect.db");
/// assert!(parse_sqlite_url("sqlite+aiosqlite:///:memory:").unwrap().in_memory);
/// assert!(parse_sqlite_url("sqlite:///file::memory:?cache=shared&uri=true").unwrap().in_memory);
/// assert!(parse_sqlite_url("sqlite://host/x.db").is_err());
/// ```
pub fn parse_sqlite_url(url: &str) -> Result<SqliteTarget> {
    let malformed = |why: &str| {
        Error::invalid_argument(format!(
            "malformed SQLite URL `{url}`: {why}; write sqlite:///relative/path.db, \
             sqlite:////absolute/path.db or sqlite:///:memory:"
        ))
    };
    // sqlx's in-memory shorthand, accepted for convenience.
    if url == "sqlite::memory:" {
        return Ok(memory_target(None));
    }
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| malformed("no `://` after the scheme"))?;
    let dialect = scheme
        .split_once('+')
        .map_or(scheme, |(dialect, _driver)| dialect);
    if !SqliteDialect::URL_SCHEMES.contains(&dialect.to_ascii_lowercase().as_str()) {
        return Err(malformed(&format!(
            "the scheme `{scheme}` is not a SQLite scheme"
        )));
    }
    if rest.is_empty() {
        return Ok(memory_target(None));
    }
    let Some(path_and_query) = rest.strip_prefix('/') else {
        return Err(malformed(
            "SQLite URLs have no host: the path starts after `:///`",
        ));
    };
    let (raw_path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut path =
        percent_decode(raw_path).ok_or_else(|| malformed("bad percent-encoding in the path"))?;

    let mut mode = None;
    let mut uri = false;
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "mode" => mode = Some(value.to_owned()),
            "uri" => uri = matches!(value, "true" | "1"),
            // Meaningful to pysqlite only; accepted so Prefect URLs work unchanged.
            "cache" | "check_same_thread" | "timeout" | "isolation_level" | "detect_types" => {}
            other => {
                tracing::warn!(target: "flowdb_plugin_sqlite", "ignoring unknown SQLite URL parameter `{other}`");
            }
        }
    }
    if uri || path.starts_with("file:") {
        path = path.strip_prefix("file:").unwrap_or(&path).to_owned();
    }
    if path.is_empty() || path == ":memory:" || mode.as_deref() == Some("memory") {
        let name = (!path.is_empty() && path != ":memory:").then_some(path);
        return Ok(memory_target(name));
    }
    let (read_only, must_exist) = match mode.as_deref() {
        None | Some("rwc") => (false, false),
        Some("rw") => (false, true),
        Some("ro") => (true, true),
        Some(other) => {
            return Err(malformed(&format!(
                "unknown mode `{other}` (expected ro, rw, rwc or memory)"
            )));
        }
    };
    Ok(SqliteTarget {
        filename: path,
        in_memory: false,
        read_only,
        must_exist,
    })
}

fn memory_target(name: Option<String>) -> SqliteTarget {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    // An unnamed in-memory database gets a name of its own, so two pools never share one.
    let filename = name.unwrap_or_else(|| {
        format!(
            "flowdb-memory-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        )
    });
    SqliteTarget {
        filename,
        in_memory: true,
        read_only: false,
        must_exist: false,
    }
}

/// `%XX` decoding, hand-written because it is the only URL-escaping this plugin needs.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = text.get(index + 1..index + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// How to open one connection the way Prefect's `setup_sqlite` sets one up: WAL (a file) or an
/// in-memory journal, foreign keys on, `legacy_alter_table` off, synchronous NORMAL, a
/// 20,000-page cache and a 60 s busy timeout.
#[derive(Debug, Clone)]
pub(crate) struct Opener {
    target: SqliteTarget,
    echo: bool,
    statement_cache: usize,
}

impl Opener {
    /// Whether statements are logged (Prefect's `echo`).
    pub(crate) fn echo(&self) -> bool {
        self.echo
    }

    /// Whether the pool checkpoints the write-ahead log itself: a writable database file.
    pub(crate) fn checkpoints_in_background(&self) -> bool {
        !self.target.in_memory && !self.target.read_only
    }

    /// Opens and sets up a connection.
    pub(crate) fn open(&self) -> Result<Connection> {
        let target = &self.target;
        let mut flags = OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let connection = if target.in_memory {
            flags |= OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE;
            Connection::open_with_flags(
                format!("file:{}?mode=memory&cache=shared", target.filename),
                flags,
            )
        } else {
            flags |= if target.read_only {
                OpenFlags::SQLITE_OPEN_READ_ONLY
            } else if target.must_exist {
                OpenFlags::SQLITE_OPEN_READ_WRITE
            } else {
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
            };
            // A plain path, not a URI: `file:` names are read from the URL above.
            flags.remove(OpenFlags::SQLITE_OPEN_URI);
            Connection::open_with_flags(&target.filename, flags)
        }
        .map_err(|err| describe_open_error(target, from_sqlite(err)))?;
        connection
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|err| describe_open_error(target, from_sqlite(err)))?;
        let journal = if target.in_memory {
            "MEMORY"
        } else if target.read_only {
            // A read-only connection cannot change the journal mode; it reads WAL as it is.
            ""
        } else {
            "WAL"
        };
        let mut setup = String::new();
        if !journal.is_empty() {
            setup.push_str(&format!("PRAGMA journal_mode = {journal};"));
        }
        if self.checkpoints_in_background() {
            // The pool checkpoints after writes (see `SqlitePoolHandle::new`); a commit does it
            // itself only past this many pages, as a safety net.
            setup.push_str("PRAGMA wal_autocheckpoint = 10000;");
        }
        setup.push_str(
            "PRAGMA foreign_keys = ON; PRAGMA legacy_alter_table = OFF; \
             PRAGMA synchronous = NORMAL; PRAGMA cache_size = 20000;",
        );
        connection
            .execute_batch(&setup)
            .map_err(|err| describe_open_error(target, from_sqlite(err)))?;
        // Plans must not depend on bound values: with them, SQLite (built with STAT4, as the
        // bundled library is) marks every statement whose `LIMIT $n` or repeated `$n` it
        // looked at during planning as expired on each new binding and re-parses it — the
        // worker poll's statement was re-prepared on every call (10% of the c1 workload).
        connection
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .map_err(|err| describe_open_error(target, from_sqlite(err)))?;
        connection.set_prepared_statement_cache_capacity(self.statement_cache);
        Ok(connection)
    }
}

/// SQLite waits this long for another connection's lock before it gives up (Prefect's
/// `busy_timeout = 60000`).
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// Prepared statements kept per connection when the settings do not say (the hot path uses a
/// few dozen distinct statements).
const DEFAULT_STATEMENT_CACHE: usize = 256;

/// Opens the pool: SQLAlchemy's defaults for a file (5 + 10 overflow, 30 s checkout), and one
/// connection kept forever for an in-memory database, which vanishes with its last connection.
/// The first connection is opened here, so a file that cannot be opened fails at connect.
pub(crate) async fn open_pool(
    target: &SqliteTarget,
    options: &ConnectOptions,
) -> Result<SqlitePoolHandle> {
    let acquire_timeout = options
        .pool
        .acquire_timeout_ms
        .into_option()
        .map_or(Duration::from_secs(30), Duration::from_millis);
    let max = if target.in_memory {
        1
    } else {
        options
            .pool
            .size
            .saturating_add(options.pool.max_overflow)
            .max(1)
    };
    let statement_cache = match options.statement_cache_size {
        flowdb_plugin_sdk::abi::abi_stable::std_types::ROption::RSome(size) => size as usize,
        flowdb_plugin_sdk::abi::abi_stable::std_types::ROption::RNone => DEFAULT_STATEMENT_CACHE,
    };
    let opener = Opener {
        target: target.clone(),
        echo: options.echo,
        statement_cache,
    };
    let pool = SqlitePoolHandle::new(opener, max, acquire_timeout);
    pool.warm().await?;
    Ok(pool)
}

fn describe_open_error(target: &SqliteTarget, err: Error) -> Error {
    let hint = match err.vendor_code.into_option().map(|code| code & 0xff) {
        Some(14) => {
            " (check that the directory exists and is writable, or that the file exists for mode=ro/rw)"
        }
        Some(26) => " (the file exists but is not a SQLite database)",
        _ => "",
    };
    Error {
        message: format!(
            "could not open SQLite database `{}`: {}{hint}",
            target.filename, err.message
        )
        .into(),
        ..err
    }
}
