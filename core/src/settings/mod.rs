#![doc = include_str!("doc.md")]

mod error;
mod file;
mod load;
mod parse;
mod spec;
mod url;

#[cfg(test)]
mod tests;

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

pub use error::SettingsError;

/// What a secret prints as in `Debug` and `Display` output.
const MASK: &str = "**********";

/// All settings of flowdb that this module knows about.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// Database settings (Prefect's `server.database`).
    pub database: DatabaseSettings,
    /// The flowdb home directory (Prefect's `PREFECT_HOME`); the default SQLite file lives here.
    pub home: PathBuf,
}

/// Database settings (Prefect's `ServerDatabaseSettings`).
#[derive(Debug, Clone, PartialEq)]
pub struct DatabaseSettings {
    /// An explicit connection URL; wins over the composed one. Secret: it may hold a password.
    pub connection_url: Option<SecretString>,
    /// The driver used to compose a URL when `connection_url` is not set.
    pub driver: Option<Driver>,
    /// Database server host (PostgreSQL).
    pub host: Option<String>,
    /// Database server port (PostgreSQL; 5432 when composing and unset).
    pub port: Option<u16>,
    /// Database user (PostgreSQL).
    pub user: Option<String>,
    /// Database password.
    pub password: Option<SecretString>,
    /// Database name (PostgreSQL) or database file path (SQLite).
    pub name: Option<String>,
    /// Log every SQL statement.
    pub echo: bool,
    /// Run the migrations when the server starts.
    pub migrate_on_start: bool,
    /// Statement timeout in seconds (`None`: no timeout).
    pub timeout: Option<f64>,
    /// Connection timeout in seconds (`None`: no timeout).
    pub connection_timeout: Option<f64>,
    /// Timeout in seconds for running migrations (`None`: no limit).
    pub migration_timeout: Option<f64>,
    /// Connection-pool settings (Prefect's `sqlalchemy` group; PostgreSQL only).
    pub pool: PoolSettings,
    /// A directory whose `*.sql.jinja` files replace the dialect plugin's SQL templates of the
    /// same name (flowdb's own setting; Prefect has none).
    pub sql_template_dir: Option<std::path::PathBuf>,
}

/// Connection-pool settings (Prefect's `server.database.sqlalchemy` group).
#[derive(Debug, Clone, PartialEq)]
pub struct PoolSettings {
    /// Number of connections kept open in the pool.
    pub pool_size: u32,
    /// Connections allowed beyond `pool_size`.
    pub max_overflow: u32,
    /// Seconds after which a connection is recycled; -1 (any negative value) = never.
    pub pool_recycle: i64,
    /// Seconds to wait for a pooled connection (`None`: wait forever).
    pub pool_timeout: Option<f64>,
    /// Arguments passed to the driver when connecting.
    pub connect_args: ConnectArgs,
}

/// Driver connect arguments (Prefect's `server.database.sqlalchemy.connect_args`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConnectArgs {
    /// `application_name` reported to PostgreSQL.
    pub application_name: Option<String>,
    /// `search_path` for the connection (include `public` for `pg_trgm`).
    pub search_path: Option<String>,
    /// Statement cache size (0 for PgBouncer in transaction mode).
    pub statement_cache_size: Option<u32>,
    /// Prepared statement cache size.
    pub prepared_statement_cache_size: Option<u32>,
    /// TLS settings.
    pub tls: TlsSettings,
}

/// TLS settings (Prefect's `server.database.sqlalchemy.connect_args.tls`).
#[derive(Debug, Clone, PartialEq)]
pub struct TlsSettings {
    /// Connect with TLS.
    pub enabled: bool,
    /// CA certificate file.
    pub ca_file: Option<PathBuf>,
    /// Client certificate file.
    pub cert_file: Option<PathBuf>,
    /// Client key file.
    pub key_file: Option<PathBuf>,
    /// Verify that the server certificate matches the host name.
    pub check_hostname: bool,
}

/// The database drivers Prefect accepts in its `driver` setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Driver {
    /// `postgresql+asyncpg`
    PostgresqlAsyncpg,
    /// `sqlite+aiosqlite`
    SqliteAiosqlite,
}

/// A string that never shows up in `Debug` or `Display` output (both print `**********`).
///
/// Use [`SecretString::expose`] to get at the value.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value itself. Keep it out of logs.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl Driver {
    /// What [`Driver::as_str`] and parsing accept, in a form fit for error messages.
    const EXPECTED: &'static str = "\"postgresql+asyncpg\" or \"sqlite+aiosqlite\"";

    /// The SQLAlchemy-style driver name: `postgresql+asyncpg` or `sqlite+aiosqlite`.
    pub fn as_str(self) -> &'static str {
        match self {
            Driver::PostgresqlAsyncpg => "postgresql+asyncpg",
            Driver::SqliteAiosqlite => "sqlite+aiosqlite",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "postgresql+asyncpg" => Some(Driver::PostgresqlAsyncpg),
            "sqlite+aiosqlite" => Some(Driver::SqliteAiosqlite),
            _ => None,
        }
    }
}

impl fmt::Display for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Driver {
    type Err = SettingsError;

    /// Parses `postgresql+asyncpg` or `sqlite+aiosqlite` (exactly, as Prefect's `Literal`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Driver::parse(s).ok_or_else(|| SettingsError::InvalidValue {
            setting: "driver".to_owned(),
            value: format!("{s:?}"),
            expected: Driver::EXPECTED.to_owned(),
        })
    }
}

impl Default for Settings {
    /// Prefect's defaults; `home` is `$HOME/.flowdb`, or `./.flowdb` when `HOME` is unset or empty.
    fn default() -> Self {
        let home = std::env::var_os("HOME").filter(|h| !h.is_empty());
        Settings {
            database: DatabaseSettings::default(),
            home: match home {
                Some(h) => PathBuf::from(h).join(".flowdb"),
                None => PathBuf::from("./.flowdb"),
            },
        }
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        DatabaseSettings {
            connection_url: None,
            driver: None,
            host: None,
            port: None,
            user: None,
            password: None,
            name: None,
            echo: false,
            migrate_on_start: true,
            timeout: Some(10.0),
            connection_timeout: Some(5.0),
            migration_timeout: None,
            pool: PoolSettings::default(),
            sql_template_dir: None,
        }
    }
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            pool_size: 5,
            max_overflow: 10,
            pool_recycle: 3600,
            pool_timeout: Some(30.0),
            connect_args: ConnectArgs::default(),
        }
    }
}

impl Default for TlsSettings {
    fn default() -> Self {
        TlsSettings {
            enabled: false,
            ca_file: None,
            cert_file: None,
            key_file: None,
            check_hostname: true,
        }
    }
}
