//! SQLite URLs in SQLAlchemy's (and so Prefect's) grammar, and the connect options they give.
//!
//! `sqlite:///relative.db` and `sqlite:////absolute.db` name files (one slash after the empty
//! host, then the path); `sqlite://`, `sqlite:///:memory:` and the URI form
//! `sqlite:///file::memory:?cache=shared&uri=true` name in-memory databases. A `+driver` suffix
//! (`sqlite+aiosqlite`) is accepted. sqlx's own `sqlite://path` grammar differs (it reads
//! `sqlite:///x.db` as `/x.db`), so the URL is parsed here rather than by sqlx.

use std::str::FromStr as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use flowdb_plugin_sdk::abi::ConnectOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions as _, SqlitePool};

use crate::dialect::SqliteDialect;
use crate::error::{Error, ErrorExt, Result};
use flowdb_plugin_sdk::Dialect as _;

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

/// The connect options Prefect's `setup_sqlite` amounts to.
pub(crate) fn connect_options(
    target: &SqliteTarget,
    options: &ConnectOptions,
) -> Result<SqliteConnectOptions> {
    let mut connect = if target.in_memory {
        SqliteConnectOptions::from_str(&format!(
            "sqlite:file:{}?mode=memory&cache=shared",
            target.filename
        ))
        .map_err(crate::error::from_sqlx)?
        .journal_mode(SqliteJournalMode::Memory)
    } else {
        SqliteConnectOptions::new()
            .filename(&target.filename)
            .create_if_missing(!target.must_exist)
            .read_only(target.read_only)
            .journal_mode(SqliteJournalMode::Wal)
    };
    connect = connect
        .foreign_keys(true)
        .pragma("legacy_alter_table", "OFF")
        .synchronous(SqliteSynchronous::Normal)
        .pragma("cache_size", "20000")
        .busy_timeout(Duration::from_secs(60));
    if let flowdb_plugin_sdk::abi::abi_stable::std_types::ROption::RSome(size) =
        options.statement_cache_size
    {
        connect = connect.statement_cache_capacity(size as usize);
    }
    connect = if options.echo {
        connect.log_statements(log::LevelFilter::Info)
    } else {
        connect.disable_statement_logging()
    };
    Ok(connect)
}

/// Opens the pool: SQLAlchemy's defaults for a file (5 + 10 overflow, 30 s checkout), and one
/// connection kept forever for an in-memory database, which vanishes with its last connection.
pub(crate) async fn open_pool(
    target: &SqliteTarget,
    options: &ConnectOptions,
) -> Result<(SqlitePool, u32)> {
    let connect = connect_options(target, options)?;
    let acquire_timeout = options
        .pool
        .acquire_timeout_ms
        .into_option()
        .map_or(Duration::from_secs(30), Duration::from_millis);
    let pool_options = if target.in_memory {
        SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
    } else {
        let max = options
            .pool
            .size
            .saturating_add(options.pool.max_overflow)
            .max(1);
        let lifetime = u64::try_from(options.pool.recycle_secs)
            .ok()
            .map(Duration::from_secs);
        SqlitePoolOptions::new()
            .max_connections(max)
            .max_lifetime(lifetime)
    };
    let max = pool_options.get_max_connections();
    let pool = pool_options
        .acquire_timeout(acquire_timeout)
        .connect_with(connect)
        .await
        .map_err(|err| describe_open_error(target, crate::error::from_sqlx(err)))?;
    Ok((pool, max))
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
