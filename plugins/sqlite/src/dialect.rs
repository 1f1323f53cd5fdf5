//! The SQLite dialect: its identity and how to open, create and drop a database.

use flowdb_plugin_sdk::abi::ConnectOptions;
use flowdb_plugin_sdk::{Dialect, DialectOrm, DialectQueries, Result};

use crate::error::{Error, ErrorKind};
use crate::options::{open_pool, parse_sqlite_url};
use crate::pool::SqlitePoolHandle;

/// The oldest SQLite Prefect supports: 3.24 added `ON CONFLICT` upserts.
const MIN_SQLITE_VERSION: (u32, u32, u32) = (3, 24, 0);

/// The SQLite dialect.
pub struct SqliteDialect;

impl Dialect for SqliteDialect {
    const NAME: &'static str = "sqlite";
    const URL_SCHEMES: &'static [&'static str] = &["sqlite"];
    const CAPABILITIES: &'static [&'static str] = &[
        "in-memory",
        "file",
        "create-database",
        "drop-database",
        "immediate-transactions",
    ];

    type Pool = SqlitePoolHandle;

    async fn connect(options: ConnectOptions) -> Result<SqlitePoolHandle> {
        let target = parse_sqlite_url(&options.url)?;
        let handle = open_pool(&target, &options).await?;
        check_version(&handle.library_version().await?)?;
        Ok(handle)
    }

    async fn create_database(options: ConnectOptions) -> Result<()> {
        // Opening a file creates it; a pool that opens and closes is the whole job.
        let target = parse_sqlite_url(&options.url)?;
        let pool = open_pool(&target, &options).await?;
        flowdb_plugin_sdk::Pool::close(&pool).await;
        Ok(())
    }

    async fn drop_database(options: ConnectOptions) -> Result<()> {
        let target = parse_sqlite_url(&options.url)?;
        if target.in_memory {
            return Ok(());
        }
        for suffix in ["", "-wal", "-shm"] {
            let path = format!("{}{suffix}", target.filename);
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
                Err(err) => {
                    return Err(Error::new(
                        ErrorKind::DATABASE,
                        format!("could not remove `{path}`: {err}"),
                    ));
                }
            }
        }
        Ok(())
    }

    fn query_components(options: &ConnectOptions) -> Result<Box<dyn DialectQueries>> {
        crate::queries::query_components(options)
    }

    fn orm_configuration() -> Box<dyn DialectOrm> {
        Box::new(crate::migrate::SqliteOrm)
    }
}

fn check_version(version: &str) -> Result<()> {
    let mut parts = version
        .split('.')
        .map(|part| part.parse::<u32>().unwrap_or(0));
    let found = (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    );
    if found < MIN_SQLITE_VERSION {
        let (major, minor, patch) = MIN_SQLITE_VERSION;
        return Err(Error::new(
            ErrorKind::UNSUPPORTED,
            format!(
                "SQLite {version} is too old: flowdb needs {major}.{minor}.{patch} or newer (for ON CONFLICT upserts)"
            ),
        ));
    }
    Ok(())
}
