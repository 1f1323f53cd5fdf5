#![doc = include_str!("doc.md")]

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// What a secret prints as in `Debug` and `Display` output.
const MASK: &str = "**********";

/// The URL placeholders that [`Settings::connection_url`] replaces with the password setting.
const PASSWORD_PLACEHOLDERS: [&str; 2] = [
    "${PREFECT_API_DATABASE_PASSWORD}",
    "${PREFECT_SERVER_DATABASE_PASSWORD}",
];

/// Environment variable that sets [`Settings::home`].
const HOME_VAR: &str = "FLOWDB_HOME";
/// Environment variable that names the TOML configuration file read by [`Settings::load`].
const CONFIG_VAR: &str = "FLOWDB_CONFIG";
/// The TOML table that holds the database settings.
const TOML_PREFIX: &str = "server.database";
/// File name of the default SQLite database inside [`Settings::home`].
const DEFAULT_DB_FILE: &str = "flowdb.db";

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

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

/// Why the settings could not be loaded or a connection URL could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// A value could not be parsed or is out of range. `setting` is the environment variable
    /// or `server.database.<key> in <file>`; `value` is the value as given (quoted when it was
    /// a string; `**********` for secrets).
    #[error("invalid value {value} for {setting}: expected {expected}")]
    InvalidValue {
        /// The environment variable or TOML key (with its file).
        setting: String,
        /// The value given, rendered for display.
        value: String,
        /// What was expected instead.
        expected: String,
    },
    /// A key inside `[server.database]` (or one of its sub-tables) is not a known setting.
    #[error("unknown key {key} in {}: valid keys are {valid}", .file.display())]
    UnknownKey {
        /// The full key path, e.g. `server.database.sqlalchemy.poolsize`.
        key: String,
        /// The configuration file.
        file: PathBuf,
        /// The keys allowed at that level, comma-separated.
        valid: String,
    },
    /// The configuration file could not be read.
    #[error("cannot read config file {}: {source}", .file.display())]
    ReadConfig {
        /// The configuration file.
        file: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The configuration file is not valid TOML.
    #[error("cannot parse config file {}: {message}", .file.display())]
    ParseConfig {
        /// The configuration file.
        file: PathBuf,
        /// The TOML parser's message, with the line and column when known.
        message: String,
    },
    /// The connection URL holds a password placeholder but no password is set.
    #[error(
        "the connection url contains {placeholder} but no database password is set \
         (set PREFECT_SERVER_DATABASE_PASSWORD or server.database.password)"
    )]
    MissingPassword {
        /// The placeholder found in the URL.
        placeholder: &'static str,
    },
    /// The driver needs settings that are not set (or are empty).
    #[error(
        "missing required database connection settings for driver {driver}: {}",
        .missing.join(", ")
    )]
    MissingConnectionSettings {
        /// The driver being composed for.
        driver: Driver,
        /// The missing settings (`host`, `user`, `name`), in that order.
        missing: Vec<&'static str>,
    },
    /// An environment variable that flowdb reads is not valid Unicode.
    #[error("environment variable {name} is not valid unicode")]
    NotUnicode {
        /// The variable's name.
        name: String,
    },
    /// The home directory cannot be written into a connection URL.
    #[error("home directory {} is not valid unicode and cannot be used in a connection url", .home.display())]
    NonUnicodeHome {
        /// The home directory.
        home: PathBuf,
    },
}

// ---------------------------------------------------------------------------------------------
// SecretString and Driver
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------------------------

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

/// `$HOME/.flowdb`, or `./.flowdb` when `HOME` is missing or empty.
fn default_home(home: Option<&str>) -> PathBuf {
    match home.filter(|h| !h.is_empty()) {
        Some(h) => Path::new(h).join(".flowdb"),
        None => PathBuf::from("./.flowdb"),
    }
}

// ---------------------------------------------------------------------------------------------
// The setting table: one row per setting, shared by the environment and the TOML file
// ---------------------------------------------------------------------------------------------

/// A mutable place in [`DatabaseSettings`].
type Slot<T> = fn(&mut DatabaseSettings) -> &mut T;

/// How a setting is parsed and where it is stored.
#[derive(Clone, Copy)]
enum Field {
    /// Any string.
    Str(Slot<Option<String>>),
    /// Any string, never echoed in errors.
    Secret(Slot<Option<SecretString>>),
    /// A [`Driver`] name.
    Driver(Slot<Option<Driver>>),
    /// 1..=65535.
    Port(Slot<Option<u16>>),
    /// Pydantic-style boolean.
    Bool(Slot<bool>),
    /// Finite, >= 0 seconds.
    Seconds(Slot<Option<f64>>),
    /// Finite, > 0 seconds.
    PositiveSeconds(Slot<Option<f64>>),
    /// 0..=u32::MAX.
    Count(Slot<u32>),
    /// 0..=u32::MAX, optional.
    OptCount(Slot<Option<u32>>),
    /// Any i64 (negative = never).
    Recycle(Slot<i64>),
    /// A file path.
    Path(Slot<Option<PathBuf>>),
}

/// One setting.
struct Spec {
    /// Keys relative to `[server.database]`, highest priority first.
    toml: &'static [&'static str],
    /// Environment variables, highest priority first.
    env: &'static [&'static str],
    field: Field,
}

/// Every setting. Order is the order used in messages that list valid keys.
static SPECS: &[Spec] = &[
    Spec {
        toml: &["connection_url"],
        env: &[
            "PREFECT_SERVER_DATABASE_CONNECTION_URL",
            "PREFECT_API_DATABASE_CONNECTION_URL",
        ],
        field: Field::Secret(|d| &mut d.connection_url),
    },
    Spec {
        toml: &["driver"],
        env: &[
            "PREFECT_SERVER_DATABASE_DRIVER",
            "PREFECT_API_DATABASE_DRIVER",
        ],
        field: Field::Driver(|d| &mut d.driver),
    },
    Spec {
        toml: &["host"],
        env: &["PREFECT_SERVER_DATABASE_HOST", "PREFECT_API_DATABASE_HOST"],
        field: Field::Str(|d| &mut d.host),
    },
    Spec {
        toml: &["port"],
        env: &["PREFECT_SERVER_DATABASE_PORT", "PREFECT_API_DATABASE_PORT"],
        field: Field::Port(|d| &mut d.port),
    },
    Spec {
        toml: &["user"],
        env: &["PREFECT_SERVER_DATABASE_USER", "PREFECT_API_DATABASE_USER"],
        field: Field::Str(|d| &mut d.user),
    },
    Spec {
        toml: &["password"],
        env: &[
            "PREFECT_SERVER_DATABASE_PASSWORD",
            "PREFECT_API_DATABASE_PASSWORD",
        ],
        field: Field::Secret(|d| &mut d.password),
    },
    Spec {
        toml: &["name"],
        env: &["PREFECT_SERVER_DATABASE_NAME", "PREFECT_API_DATABASE_NAME"],
        field: Field::Str(|d| &mut d.name),
    },
    Spec {
        toml: &["echo"],
        env: &["PREFECT_SERVER_DATABASE_ECHO", "PREFECT_API_DATABASE_ECHO"],
        field: Field::Bool(|d| &mut d.echo),
    },
    Spec {
        toml: &["migrate_on_start"],
        env: &[
            "PREFECT_SERVER_DATABASE_MIGRATE_ON_START",
            "PREFECT_API_DATABASE_MIGRATE_ON_START",
        ],
        field: Field::Bool(|d| &mut d.migrate_on_start),
    },
    Spec {
        toml: &["timeout"],
        env: &[
            "PREFECT_SERVER_DATABASE_TIMEOUT",
            "PREFECT_API_DATABASE_TIMEOUT",
        ],
        field: Field::Seconds(|d| &mut d.timeout),
    },
    Spec {
        toml: &["connection_timeout"],
        env: &[
            "PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT",
            "PREFECT_API_DATABASE_CONNECTION_TIMEOUT",
        ],
        field: Field::Seconds(|d| &mut d.connection_timeout),
    },
    Spec {
        toml: &["migration_timeout"],
        env: &["PREFECT_SERVER_DATABASE_MIGRATION_TIMEOUT"],
        field: Field::PositiveSeconds(|d| &mut d.migration_timeout),
    },
    Spec {
        // `sqlalchemy_pool_size` is Prefect's deprecated flat key, still honoured.
        toml: &["sqlalchemy.pool_size", "sqlalchemy_pool_size"],
        env: &[
            "PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE",
            "PREFECT_SQLALCHEMY_POOL_SIZE",
        ],
        field: Field::Count(|d| &mut d.pool.pool_size),
    },
    Spec {
        toml: &["sqlalchemy.max_overflow", "sqlalchemy_max_overflow"],
        env: &[
            "PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW",
            "PREFECT_SQLALCHEMY_MAX_OVERFLOW",
        ],
        field: Field::Count(|d| &mut d.pool.max_overflow),
    },
    Spec {
        toml: &["sqlalchemy.pool_recycle"],
        env: &["PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_RECYCLE"],
        field: Field::Recycle(|d| &mut d.pool.pool_recycle),
    },
    Spec {
        toml: &["sqlalchemy.pool_timeout"],
        env: &["PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_TIMEOUT"],
        field: Field::Seconds(|d| &mut d.pool.pool_timeout),
    },
    Spec {
        toml: &["sqlalchemy.connect_args.application_name"],
        env: &["PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_APPLICATION_NAME"],
        field: Field::Str(|d| &mut d.pool.connect_args.application_name),
    },
    Spec {
        toml: &["sqlalchemy.connect_args.search_path"],
        env: &["PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_SEARCH_PATH"],
        field: Field::Str(|d| &mut d.pool.connect_args.search_path),
    },
    Spec {
        toml: &["sqlalchemy.connect_args.statement_cache_size"],
        env: &["PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_STATEMENT_CACHE_SIZE"],
        field: Field::OptCount(|d| &mut d.pool.connect_args.statement_cache_size),
    },
    Spec {
        toml: &["sqlalchemy.connect_args.prepared_statement_cache_size"],
        env: &["PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_PREPARED_STATEMENT_CACHE_SIZE"],
        field: Field::OptCount(|d| &mut d.pool.connect_args.prepared_statement_cache_size),
    },
    Spec {
        toml: &["sqlalchemy.connect_args.tls.enabled"],
        env: &["PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_ENABLED"],
        field: Field::Bool(|d| &mut d.pool.connect_args.tls.enabled),
    },
    Spec {
        toml: &["sqlalchemy.connect_args.tls.ca_file"],
        env: &["PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CA_FILE"],
        field: Field::Path(|d| &mut d.pool.connect_args.tls.ca_file),
    },
    Spec {
        toml: &["sqlalchemy.connect_args.tls.cert_file"],
        env: &["PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CERT_FILE"],
        field: Field::Path(|d| &mut d.pool.connect_args.tls.cert_file),
    },
    Spec {
        toml: &["sqlalchemy.connect_args.tls.key_file"],
        env: &["PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_KEY_FILE"],
        field: Field::Path(|d| &mut d.pool.connect_args.tls.key_file),
    },
    Spec {
        toml: &["sqlalchemy.connect_args.tls.check_hostname"],
        env: &["PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CHECK_HOSTNAME"],
        field: Field::Bool(|d| &mut d.pool.connect_args.tls.check_hostname),
    },
];

// ---------------------------------------------------------------------------------------------
// Loading
// ---------------------------------------------------------------------------------------------

impl Settings {
    /// Defaults < TOML file (path from `FLOWDB_CONFIG` env var, if set) < environment.
    ///
    /// Only the variables flowdb knows about are read from the process environment (plus
    /// `HOME`); one of them holding non-Unicode bytes is an error. An empty `FLOWDB_CONFIG`
    /// counts as unset.
    pub fn load() -> Result<Settings, SettingsError> {
        let env = collect_env(|name| std::env::var(name))?;
        let config = env
            .get(CONFIG_VAR)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from);
        Settings::from_sources(&env, config.as_deref())
    }

    /// Same, from explicit sources (used by tests; `env` is looked up by exact variable name).
    ///
    /// `home` comes from `env["FLOWDB_HOME"]` (a leading `~` expands to `env["HOME"]`), else
    /// `env["HOME"]/.flowdb`, else `./.flowdb`. `FLOWDB_CONFIG` in `env` is not consulted: the
    /// file is `config_file`.
    pub fn from_sources(
        env: &HashMap<String, String>,
        config_file: Option<&Path>,
    ) -> Result<Settings, SettingsError> {
        let file_values = match config_file {
            Some(path) => read_config(path)?,
            None => HashMap::new(),
        };

        let mut database = DatabaseSettings::default();
        for spec in SPECS {
            if let Some((name, value)) = spec
                .env
                .iter()
                .find_map(|name| env.get(*name).map(|v| (*name, v)))
            {
                apply(spec.field, Raw::Env(value), name, &mut database)?;
            } else if let (Some(path), Some((key, value))) = (
                config_file,
                spec.toml
                    .iter()
                    .find_map(|key| file_values.get(*key).map(|v| (*key, v))),
            ) {
                let label = format!("{TOML_PREFIX}.{key} in {}", path.display());
                apply(spec.field, Raw::Toml(value), &label, &mut database)?;
            }
        }

        let env_home = env.get("HOME").map(String::as_str);
        let home = match env.get(HOME_VAR) {
            Some(h) if h.is_empty() => {
                return Err(SettingsError::InvalidValue {
                    setting: HOME_VAR.to_owned(),
                    value: "\"\"".to_owned(),
                    expected: "a directory path".to_owned(),
                });
            }
            Some(h) => expand_tilde(h, env_home),
            None => default_home(env_home),
        };

        Ok(Settings { database, home })
    }

    /// The effective URL: the explicit one (with password templating), else composed from
    /// driver/host/port/user/password/name, else the default SQLite file
    /// `sqlite+aiosqlite:///{home}/flowdb.db`.
    pub fn connection_url(&self) -> Result<SecretString, SettingsError> {
        let db = &self.database;
        if let Some(url) = &db.connection_url {
            return substitute_password(url.expose(), db.password.as_ref());
        }
        match db.driver {
            None => self.default_sqlite_url(),
            Some(Driver::SqliteAiosqlite) => match db.name.as_deref().filter(|n| !n.is_empty()) {
                Some(name) => Ok(SecretString(format!("sqlite+aiosqlite:///{name}"))),
                None => self.default_sqlite_url(),
            },
            Some(Driver::PostgresqlAsyncpg) => compose_postgres(db),
        }
    }

    fn default_sqlite_url(&self) -> Result<SecretString, SettingsError> {
        let file = self.home.join(DEFAULT_DB_FILE);
        match file.to_str() {
            Some(file) => Ok(SecretString(format!("sqlite+aiosqlite:///{file}"))),
            None => Err(SettingsError::NonUnicodeHome {
                home: self.home.clone(),
            }),
        }
    }
}

/// Reads every variable named in [`SPECS`], plus `FLOWDB_HOME`, `FLOWDB_CONFIG` and `HOME`.
fn collect_env(
    lookup: impl Fn(&str) -> Result<String, std::env::VarError>,
) -> Result<HashMap<String, String>, SettingsError> {
    let names = SPECS
        .iter()
        .flat_map(|spec| spec.env.iter().copied())
        .chain([HOME_VAR, CONFIG_VAR, "HOME"]);
    let mut env = HashMap::new();
    for name in names {
        match lookup(name) {
            Ok(value) => {
                env.insert(name.to_owned(), value);
            }
            Err(std::env::VarError::NotPresent) => {}
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(SettingsError::NotUnicode {
                    name: name.to_owned(),
                });
            }
        }
    }
    Ok(env)
}

/// `~` and `~/...` expand to `home` (when known), like Python's `Path.expanduser`.
fn expand_tilde(path: &str, home: Option<&str>) -> PathBuf {
    match home.filter(|h| !h.is_empty()) {
        Some(home) if path == "~" => PathBuf::from(home),
        Some(home) => match path.strip_prefix("~/") {
            Some(rest) => Path::new(home).join(rest),
            None => PathBuf::from(path),
        },
        None => PathBuf::from(path),
    }
}

// ---------------------------------------------------------------------------------------------
// TOML file
// ---------------------------------------------------------------------------------------------

/// Reads `path` and returns the leaves under `[server.database]`, keyed relative to it
/// (`timeout`, `sqlalchemy.pool_size`, ...). Unknown keys there are errors; everything
/// outside `server.database` is ignored.
fn read_config(path: &Path) -> Result<HashMap<String, toml::Value>, SettingsError> {
    let text = std::fs::read_to_string(path).map_err(|source| SettingsError::ReadConfig {
        file: path.to_path_buf(),
        source,
    })?;
    let root: toml::Table = toml::from_str(&text).map_err(|e| SettingsError::ParseConfig {
        file: path.to_path_buf(),
        message: toml_error_message(&text, &e),
    })?;

    let mut out = HashMap::new();
    let Some(server) = root.get("server") else {
        return Ok(out);
    };
    let toml::Value::Table(server) = server else {
        return Err(not_a_table("server", server, path));
    };
    let Some(database) = server.get("database") else {
        return Ok(out);
    };
    let toml::Value::Table(database) = database else {
        return Err(not_a_table(TOML_PREFIX, database, path));
    };
    collect_toml(database, "", path, &mut out)?;
    Ok(out)
}

/// The parser's message prefixed with the line and column. The offending source line is
/// left out on purpose: it may hold a password.
fn toml_error_message(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim().replace('\n', "; ");
    let Some(before) = error.span().and_then(|span| text.get(..span.start)) else {
        return message;
    };
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count())
        + 1;
    format!("line {line}, column {column}: {message}")
}

fn not_a_table(key: &str, value: &toml::Value, path: &Path) -> SettingsError {
    SettingsError::InvalidValue {
        setting: format!("{key} in {}", path.display()),
        value: render_toml(value),
        expected: "a table".to_owned(),
    }
}

/// Walks the table at `prefix` (relative to `server.database`), collecting leaves.
fn collect_toml(
    table: &toml::Table,
    prefix: &str,
    path: &Path,
    out: &mut HashMap<String, toml::Value>,
) -> Result<(), SettingsError> {
    for (key, value) in table {
        let rel = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let all_keys = || SPECS.iter().flat_map(|s| s.toml.iter().copied());
        if all_keys().any(|k| k == rel) {
            out.insert(rel, value.clone());
        } else if all_keys().any(|k| {
            k.strip_prefix(rel.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
        }) {
            match value {
                toml::Value::Table(sub) => collect_toml(sub, &rel, path, out)?,
                other => return Err(not_a_table(&format!("{TOML_PREFIX}.{rel}"), other, path)),
            }
        } else {
            return Err(SettingsError::UnknownKey {
                key: format!("{TOML_PREFIX}.{rel}"),
                file: path.to_path_buf(),
                valid: valid_keys(prefix).join(", "),
            });
        }
    }
    Ok(())
}

/// The keys allowed directly inside the table at `prefix` (relative to `server.database`).
fn valid_keys(prefix: &str) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for key in SPECS.iter().flat_map(|s| s.toml.iter().copied()) {
        let rest = if prefix.is_empty() {
            Some(key)
        } else {
            key.strip_prefix(prefix).and_then(|r| r.strip_prefix('.'))
        };
        if let Some(first) = rest.and_then(|r| r.split('.').next())
            && !keys.contains(&first)
        {
            keys.push(first);
        }
    }
    keys
}

/// A TOML value as shown in error messages.
fn render_toml(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("{s:?}"),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(_) => "[...]".to_owned(),
        toml::Value::Table(_) => "{...}".to_owned(),
    }
}

// ---------------------------------------------------------------------------------------------
// Value parsing
// ---------------------------------------------------------------------------------------------

/// A value as it came from one source.
#[derive(Clone, Copy)]
enum Raw<'a> {
    Env(&'a str),
    Toml(&'a toml::Value),
}

impl<'a> Raw<'a> {
    /// The value when it is a string (every environment value is).
    fn text(self) -> Option<&'a str> {
        match self {
            Raw::Env(s) => Some(s),
            Raw::Toml(toml::Value::String(s)) => Some(s),
            Raw::Toml(_) => None,
        }
    }

    fn render(self) -> String {
        match self {
            Raw::Env(s) => format!("{s:?}"),
            Raw::Toml(v) => render_toml(v),
        }
    }

    fn integer(self) -> Option<i64> {
        match self {
            Raw::Toml(toml::Value::Integer(i)) => Some(*i),
            other => other.text().and_then(|s| s.trim().parse().ok()),
        }
    }

    fn float(self) -> Option<f64> {
        match self {
            Raw::Toml(toml::Value::Float(f)) => Some(*f),
            // TOML integers are fine where seconds are expected; i64 -> f64 may round, which
            // is harmless for a timeout.
            #[allow(clippy::cast_precision_loss)]
            Raw::Toml(toml::Value::Integer(i)) => Some(*i as f64),
            other => other.text().and_then(|s| s.trim().parse().ok()),
        }
    }

    fn boolean(self) -> Option<bool> {
        match self {
            Raw::Toml(toml::Value::Boolean(b)) => Some(*b),
            Raw::Toml(toml::Value::Integer(0)) => Some(false),
            Raw::Toml(toml::Value::Integer(1)) => Some(true),
            other => other.text().and_then(parse_bool),
        }
    }
}

/// Pydantic's string-to-bool rules (case-insensitive, surrounding whitespace ignored).
fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" | "t" | "y" => Some(true),
        "false" | "0" | "no" | "off" | "f" | "n" => Some(false),
        _ => None,
    }
}

/// Parses `raw` according to `field` and stores it in `db`. `setting` names the source in
/// error messages.
fn apply(
    field: Field,
    raw: Raw<'_>,
    setting: &str,
    db: &mut DatabaseSettings,
) -> Result<(), SettingsError> {
    let invalid = |expected: &str| SettingsError::InvalidValue {
        setting: setting.to_owned(),
        value: raw.render(),
        expected: expected.to_owned(),
    };
    match field {
        Field::Str(slot) => {
            let s = raw.text().ok_or_else(|| invalid("a string"))?;
            *slot(db) = Some(s.to_owned());
        }
        Field::Secret(slot) => {
            let s = raw.text().ok_or_else(|| SettingsError::InvalidValue {
                setting: setting.to_owned(),
                value: MASK.to_owned(),
                expected: "a string".to_owned(),
            })?;
            *slot(db) = Some(SecretString(s.to_owned()));
        }
        Field::Driver(slot) => {
            let driver = raw
                .text()
                .and_then(Driver::parse)
                .ok_or_else(|| invalid(Driver::EXPECTED))?;
            *slot(db) = Some(driver);
        }
        Field::Port(slot) => {
            let port = raw
                .integer()
                .and_then(|p| u16::try_from(p).ok())
                .filter(|p| *p != 0)
                .ok_or_else(|| invalid("a port number between 1 and 65535"))?;
            *slot(db) = Some(port);
        }
        Field::Bool(slot) => {
            let b = raw
                .boolean()
                .ok_or_else(|| invalid("a boolean (true/false, 1/0, yes/no, on/off, t/f, y/n)"))?;
            *slot(db) = b;
        }
        Field::Seconds(slot) => {
            let secs = raw.float().ok_or_else(|| invalid("a number of seconds"))?;
            if !secs.is_finite() || secs < 0.0 {
                return Err(invalid("a finite, non-negative number of seconds"));
            }
            *slot(db) = Some(secs);
        }
        Field::PositiveSeconds(slot) => {
            let secs = raw.float().ok_or_else(|| invalid("a number of seconds"))?;
            if !secs.is_finite() || secs <= 0.0 {
                return Err(invalid("a finite number of seconds greater than 0"));
            }
            *slot(db) = Some(secs);
        }
        Field::Count(slot) => *slot(db) = parse_count(raw).ok_or_else(|| invalid(COUNT))?,
        Field::OptCount(slot) => {
            *slot(db) = Some(parse_count(raw).ok_or_else(|| invalid(COUNT))?);
        }
        Field::Recycle(slot) => {
            *slot(db) = raw
                .integer()
                .ok_or_else(|| invalid("an integer number of seconds (-1 = never)"))?;
        }
        Field::Path(slot) => {
            let s = raw.text().ok_or_else(|| invalid("a file path"))?;
            *slot(db) = Some(PathBuf::from(s));
        }
    }
    Ok(())
}

const COUNT: &str = "a non-negative integer (at most 4294967295)";

fn parse_count(raw: Raw<'_>) -> Option<u32> {
    raw.integer().and_then(|n| u32::try_from(n).ok())
}

// ---------------------------------------------------------------------------------------------
// URLs
// ---------------------------------------------------------------------------------------------

/// Replaces the password placeholders in an explicit URL, verbatim, as Prefect does (a
/// password with URL-special characters must be given already percent-encoded there).
fn substitute_password(
    url: &str,
    password: Option<&SecretString>,
) -> Result<SecretString, SettingsError> {
    let mut url = url.to_owned();
    for placeholder in PASSWORD_PLACEHOLDERS {
        if url.contains(placeholder) {
            let password = password.ok_or(SettingsError::MissingPassword { placeholder })?;
            url = url.replace(placeholder, password.expose());
        }
    }
    Ok(SecretString(url))
}

/// `postgresql+asyncpg://user[:password]@host:port/name`; host, user and name are required
/// (unset or empty counts as missing).
fn compose_postgres<'a>(db: &'a DatabaseSettings) -> Result<SecretString, SettingsError> {
    let field = |v: &'a Option<String>| v.as_deref().filter(|s| !s.is_empty());
    let (host, user, name) = (field(&db.host), field(&db.user), field(&db.name));
    let (Some(host), Some(user), Some(name)) = (host, user, name) else {
        let missing = [("host", host), ("user", user), ("name", name)]
            .into_iter()
            .filter(|(_, v)| v.is_none())
            .map(|(k, _)| k)
            .collect();
        return Err(SettingsError::MissingConnectionSettings {
            driver: Driver::PostgresqlAsyncpg,
            missing,
        });
    };
    let mut url = String::from("postgresql+asyncpg://");
    url.push_str(&percent_encode(user));
    if let Some(password) = &db.password {
        url.push(':');
        url.push_str(&percent_encode(password.expose()));
    }
    url.push('@');
    // An IPv6 literal needs brackets in a URL (SQLAlchemy adds them the same way).
    if host.contains(':') && !host.starts_with('[') {
        url.push('[');
        url.push_str(host);
        url.push(']');
    } else {
        url.push_str(host);
    }
    url.push(':');
    url.push_str(&db.port.unwrap_or(5432).to_string());
    url.push('/');
    url.push_str(name);
    Ok(SecretString(url))
}

/// Percent-encodes everything but RFC 3986 unreserved characters. Hand-rolled rather than
/// taken from the `percent-encoding` crate: it is ten lines, and this module keeps to the
/// workspace's existing dependencies (thiserror, serde, toml).
fn percent_encode(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn ok(pairs: &[(&str, &str)]) -> Settings {
        match Settings::from_sources(&env(pairs), None) {
            Ok(s) => s,
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    fn err(pairs: &[(&str, &str)]) -> String {
        match Settings::from_sources(&env(pairs), None) {
            Ok(s) => panic!("expected an error, got {s:?}"),
            Err(e) => e.to_string(),
        }
    }

    fn url(s: &Settings) -> String {
        match s.connection_url() {
            Ok(u) => u.expose().to_owned(),
            Err(e) => panic!("unexpected error: {e}"),
        }
    }

    fn url_err(s: &Settings) -> String {
        match s.connection_url() {
            Ok(u) => panic!("expected an error, got {}", u.expose()),
            Err(e) => e.to_string(),
        }
    }

    /// A TOML file in the temp dir, removed on drop.
    struct TempToml(PathBuf);

    impl TempToml {
        fn new(contents: &str) -> Self {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "flowdb-settings-test-{}-{}.toml",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            if let Err(e) = std::fs::write(&path, contents) {
                panic!("cannot write {}: {e}", path.display());
            }
            TempToml(path)
        }

        fn load(&self, pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
            Settings::from_sources(&env(pairs), Some(&self.0))
        }

        fn ok(&self, pairs: &[(&str, &str)]) -> Settings {
            match self.load(pairs) {
                Ok(s) => s,
                Err(e) => panic!("unexpected error: {e}"),
            }
        }

        /// The error message, with the file path replaced by `FILE`.
        fn err(&self, pairs: &[(&str, &str)]) -> String {
            match self.load(pairs) {
                Ok(s) => panic!("expected an error, got {s:?}"),
                Err(e) => e.to_string().replace(&self.0.display().to_string(), "FILE"),
            }
        }
    }

    impl Drop for TempToml {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    // --- defaults -------------------------------------------------------------------------

    #[test]
    fn defaults_match_prefect() {
        let s = ok(&[("HOME", "/home/u")]);
        let d = &s.database;
        assert_eq!(s.home, PathBuf::from("/home/u/.flowdb"));
        assert_eq!(d.connection_url, None);
        assert_eq!(d.driver, None);
        assert_eq!(d.host, None);
        assert_eq!(d.port, None);
        assert_eq!(d.user, None);
        assert_eq!(d.password, None);
        assert_eq!(d.name, None);
        assert!(!d.echo);
        assert!(d.migrate_on_start);
        assert_eq!(d.timeout, Some(10.0));
        assert_eq!(d.connection_timeout, Some(5.0));
        assert_eq!(d.migration_timeout, None);
        assert_eq!(d.pool.pool_size, 5);
        assert_eq!(d.pool.max_overflow, 10);
        assert_eq!(d.pool.pool_recycle, 3600);
        assert_eq!(d.pool.pool_timeout, Some(30.0));
        let c = &d.pool.connect_args;
        assert_eq!(c.application_name, None);
        assert_eq!(c.search_path, None);
        assert_eq!(c.statement_cache_size, None);
        assert_eq!(c.prepared_statement_cache_size, None);
        assert!(!c.tls.enabled);
        assert_eq!(c.tls.ca_file, None);
        assert_eq!(c.tls.cert_file, None);
        assert_eq!(c.tls.key_file, None);
        assert!(c.tls.check_hostname);
        assert_eq!(*d, Settings::default().database);
        assert_eq!(url(&s), "sqlite+aiosqlite:////home/u/.flowdb/flowdb.db");
    }

    #[test]
    fn home_fallbacks() {
        assert_eq!(ok(&[]).home, PathBuf::from("./.flowdb"));
        assert_eq!(ok(&[("HOME", "")]).home, PathBuf::from("./.flowdb"));
        assert_eq!(
            ok(&[("FLOWDB_HOME", "/srv/flow")]).home,
            PathBuf::from("/srv/flow")
        );
        assert_eq!(
            ok(&[("FLOWDB_HOME", "~/x"), ("HOME", "/home/u")]).home,
            PathBuf::from("/home/u/x")
        );
        assert_eq!(
            ok(&[("FLOWDB_HOME", "~"), ("HOME", "/home/u")]).home,
            PathBuf::from("/home/u")
        );
        assert_eq!(ok(&[("FLOWDB_HOME", "~/x")]).home, PathBuf::from("~/x"));
        assert_eq!(
            err(&[("FLOWDB_HOME", "")]),
            r#"invalid value "" for FLOWDB_HOME: expected a directory path"#
        );
        let expected = match std::env::var_os("HOME").filter(|h| !h.is_empty()) {
            Some(h) => PathBuf::from(h).join(".flowdb"),
            None => PathBuf::from("./.flowdb"),
        };
        assert_eq!(Settings::default().home, expected);
    }

    // --- environment ----------------------------------------------------------------------

    #[test]
    fn api_names_work_and_server_names_win() {
        let s = ok(&[
            ("PREFECT_API_DATABASE_HOST", "api-host"),
            ("PREFECT_API_DATABASE_TIMEOUT", "1.5"),
            ("PREFECT_API_DATABASE_ECHO", "yes"),
        ]);
        assert_eq!(s.database.host.as_deref(), Some("api-host"));
        assert_eq!(s.database.timeout, Some(1.5));
        assert!(s.database.echo);

        let s = ok(&[
            ("PREFECT_API_DATABASE_HOST", "api-host"),
            ("PREFECT_SERVER_DATABASE_HOST", "server-host"),
            ("PREFECT_API_DATABASE_TIMEOUT", "1.5"),
            ("PREFECT_SERVER_DATABASE_TIMEOUT", "2.5"),
            ("PREFECT_API_DATABASE_ECHO", "yes"),
            ("PREFECT_SERVER_DATABASE_ECHO", "off"),
            ("PREFECT_API_DATABASE_PASSWORD", "api-pw"),
            ("PREFECT_SERVER_DATABASE_PASSWORD", "server-pw"),
        ]);
        assert_eq!(s.database.host.as_deref(), Some("server-host"));
        assert_eq!(s.database.timeout, Some(2.5));
        assert!(!s.database.echo);
        assert_eq!(
            s.database.password.as_ref().map(SecretString::expose),
            Some("server-pw")
        );
    }

    #[test]
    fn the_server_name_wins_even_when_the_api_value_is_invalid() {
        let s = ok(&[
            ("PREFECT_API_DATABASE_PORT", "nope"),
            ("PREFECT_SERVER_DATABASE_PORT", "6543"),
        ]);
        assert_eq!(s.database.port, Some(6543));
    }

    #[test]
    fn every_setting_from_env() {
        let s = ok(&[
            (
                "PREFECT_SERVER_DATABASE_CONNECTION_URL",
                "sqlite+aiosqlite:///x.db",
            ),
            ("PREFECT_SERVER_DATABASE_DRIVER", "postgresql+asyncpg"),
            ("PREFECT_SERVER_DATABASE_HOST", "h"),
            ("PREFECT_SERVER_DATABASE_PORT", " 6432 "),
            ("PREFECT_SERVER_DATABASE_USER", "u"),
            ("PREFECT_SERVER_DATABASE_PASSWORD", "p"),
            ("PREFECT_SERVER_DATABASE_NAME", "n"),
            ("PREFECT_SERVER_DATABASE_ECHO", "TRUE"),
            ("PREFECT_SERVER_DATABASE_MIGRATE_ON_START", "0"),
            ("PREFECT_SERVER_DATABASE_TIMEOUT", "0"),
            ("PREFECT_SERVER_DATABASE_CONNECTION_TIMEOUT", "1e1"),
            ("PREFECT_SERVER_DATABASE_MIGRATION_TIMEOUT", "120"),
            ("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE", "20"),
            ("PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW", "0"),
            ("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_RECYCLE", "-1"),
            ("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_TIMEOUT", "2.25"),
            (
                "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_APPLICATION_NAME",
                "flowdb",
            ),
            (
                "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_SEARCH_PATH",
                "flow,public",
            ),
            (
                "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_STATEMENT_CACHE_SIZE",
                "0",
            ),
            (
                "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_PREPARED_STATEMENT_CACHE_SIZE",
                "100",
            ),
            (
                "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_ENABLED",
                "on",
            ),
            (
                "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CA_FILE",
                "/ca.pem",
            ),
            (
                "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CERT_FILE",
                "/c.pem",
            ),
            (
                "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_KEY_FILE",
                "/k.pem",
            ),
            (
                "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CHECK_HOSTNAME",
                "n",
            ),
        ]);
        let expected = DatabaseSettings {
            connection_url: Some(SecretString::new("sqlite+aiosqlite:///x.db")),
            driver: Some(Driver::PostgresqlAsyncpg),
            host: Some("h".into()),
            port: Some(6432),
            user: Some("u".into()),
            password: Some("p".into()),
            name: Some("n".into()),
            echo: true,
            migrate_on_start: false,
            timeout: Some(0.0),
            connection_timeout: Some(10.0),
            migration_timeout: Some(120.0),
            pool: PoolSettings {
                pool_size: 20,
                max_overflow: 0,
                pool_recycle: -1,
                pool_timeout: Some(2.25),
                connect_args: ConnectArgs {
                    application_name: Some("flowdb".into()),
                    search_path: Some("flow,public".into()),
                    statement_cache_size: Some(0),
                    prepared_statement_cache_size: Some(100),
                    tls: TlsSettings {
                        enabled: true,
                        ca_file: Some("/ca.pem".into()),
                        cert_file: Some("/c.pem".into()),
                        key_file: Some("/k.pem".into()),
                        check_hostname: false,
                    },
                },
            },
        };
        assert_eq!(s.database, expected);
    }

    #[test]
    fn legacy_pool_names() {
        let s = ok(&[
            ("PREFECT_SQLALCHEMY_POOL_SIZE", "7"),
            ("PREFECT_SQLALCHEMY_MAX_OVERFLOW", "3"),
        ]);
        assert_eq!(
            (s.database.pool.pool_size, s.database.pool.max_overflow),
            (7, 3)
        );
        let s = ok(&[
            ("PREFECT_SQLALCHEMY_POOL_SIZE", "7"),
            ("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE", "8"),
            ("PREFECT_SQLALCHEMY_MAX_OVERFLOW", "3"),
            ("PREFECT_SERVER_DATABASE_SQLALCHEMY_MAX_OVERFLOW", "4"),
        ]);
        assert_eq!(
            (s.database.pool.pool_size, s.database.pool.max_overflow),
            (8, 4)
        );
    }

    #[test]
    fn names_without_an_api_alias_are_not_read() {
        let s = ok(&[
            ("PREFECT_API_DATABASE_MIGRATION_TIMEOUT", "5"),
            ("PREFECT_API_DATABASE_SQLALCHEMY_POOL_SIZE", "50"),
        ]);
        assert_eq!(s.database.migration_timeout, None);
        assert_eq!(s.database.pool.pool_size, 5);
    }

    #[test]
    fn bool_spellings() {
        for (text, expected) in [
            ("true", true),
            ("True", true),
            ("1", true),
            ("yes", true),
            ("ON", true),
            ("t", true),
            ("Y", true),
            ("false", false),
            ("FALSE", false),
            ("0", false),
            ("no", false),
            ("off", false),
            ("f", false),
            ("N", false),
        ] {
            let s = ok(&[("PREFECT_SERVER_DATABASE_ECHO", text)]);
            assert_eq!(s.database.echo, expected, "{text}");
        }
        assert_eq!(
            err(&[("PREFECT_SERVER_DATABASE_ECHO", "maybe")]),
            r#"invalid value "maybe" for PREFECT_SERVER_DATABASE_ECHO: expected a boolean (true/false, 1/0, yes/no, on/off, t/f, y/n)"#
        );
    }

    #[test]
    fn empty_strings_are_values() {
        let s = ok(&[("PREFECT_SERVER_DATABASE_HOST", "")]);
        assert_eq!(s.database.host.as_deref(), Some(""));
        assert_eq!(
            err(&[("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE", "")]),
            r#"invalid value "" for PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE: expected a non-negative integer (at most 4294967295)"#
        );
    }

    // --- invalid environment values -------------------------------------------------------

    #[test]
    fn invalid_numbers() {
        assert_eq!(
            err(&[("PREFECT_SERVER_DATABASE_TIMEOUT", "abc")]),
            r#"invalid value "abc" for PREFECT_SERVER_DATABASE_TIMEOUT: expected a number of seconds"#
        );
        assert_eq!(
            err(&[("PREFECT_API_DATABASE_CONNECTION_TIMEOUT", "-1")]),
            r#"invalid value "-1" for PREFECT_API_DATABASE_CONNECTION_TIMEOUT: expected a finite, non-negative number of seconds"#
        );
        for bad in ["nan", "inf", "-inf"] {
            assert_eq!(
                err(&[("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_TIMEOUT", bad)]),
                format!(
                    "invalid value {bad:?} for PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_TIMEOUT: \
                     expected a finite, non-negative number of seconds"
                )
            );
        }
        assert_eq!(
            err(&[("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_RECYCLE", "1.5")]),
            r#"invalid value "1.5" for PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_RECYCLE: expected an integer number of seconds (-1 = never)"#
        );
    }

    #[test]
    fn negative_and_oversized_counts() {
        assert_eq!(
            err(&[("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE", "-1")]),
            r#"invalid value "-1" for PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE: expected a non-negative integer (at most 4294967295)"#
        );
        assert_eq!(
            err(&[("PREFECT_SQLALCHEMY_MAX_OVERFLOW", "-5")]),
            r#"invalid value "-5" for PREFECT_SQLALCHEMY_MAX_OVERFLOW: expected a non-negative integer (at most 4294967295)"#
        );
        assert_eq!(
            err(&[(
                "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_STATEMENT_CACHE_SIZE",
                "4294967296"
            )]),
            r#"invalid value "4294967296" for PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_STATEMENT_CACHE_SIZE: expected a non-negative integer (at most 4294967295)"#
        );
    }

    #[test]
    fn migration_timeout_must_be_positive() {
        for bad in ["0", "-2", "0.0"] {
            assert_eq!(
                err(&[("PREFECT_SERVER_DATABASE_MIGRATION_TIMEOUT", bad)]),
                format!(
                    "invalid value {bad:?} for PREFECT_SERVER_DATABASE_MIGRATION_TIMEOUT: \
                     expected a finite number of seconds greater than 0"
                )
            );
        }
        assert_eq!(
            err(&[("PREFECT_SERVER_DATABASE_MIGRATION_TIMEOUT", "soon")]),
            r#"invalid value "soon" for PREFECT_SERVER_DATABASE_MIGRATION_TIMEOUT: expected a number of seconds"#
        );
        let s = ok(&[("PREFECT_SERVER_DATABASE_MIGRATION_TIMEOUT", "0.5")]);
        assert_eq!(s.database.migration_timeout, Some(0.5));
    }

    #[test]
    fn port_out_of_range() {
        for bad in ["0", "65536", "-1", "abc", "54.32"] {
            assert_eq!(
                err(&[("PREFECT_SERVER_DATABASE_PORT", bad)]),
                format!(
                    "invalid value {bad:?} for PREFECT_SERVER_DATABASE_PORT: \
                     expected a port number between 1 and 65535"
                )
            );
        }
        assert_eq!(
            ok(&[("PREFECT_API_DATABASE_PORT", "65535")]).database.port,
            Some(65535)
        );
    }

    #[test]
    fn unknown_driver() {
        assert_eq!(
            err(&[("PREFECT_SERVER_DATABASE_DRIVER", "mysql+aiomysql")]),
            r#"invalid value "mysql+aiomysql" for PREFECT_SERVER_DATABASE_DRIVER: expected "postgresql+asyncpg" or "sqlite+aiosqlite""#
        );
        assert_eq!(
            ok(&[("PREFECT_API_DATABASE_DRIVER", "sqlite+aiosqlite")])
                .database
                .driver,
            Some(Driver::SqliteAiosqlite)
        );
        assert_eq!(
            "postgresql+asyncpg".parse::<Driver>().ok(),
            Some(Driver::PostgresqlAsyncpg)
        );
        assert_eq!(
            "postgresql".parse::<Driver>().map_err(|e| e.to_string()),
            Err(r#"invalid value "postgresql" for driver: expected "postgresql+asyncpg" or "sqlite+aiosqlite""#.to_owned())
        );
        assert_eq!(Driver::SqliteAiosqlite.to_string(), "sqlite+aiosqlite");
    }

    #[test]
    fn collect_env_reads_known_names_and_rejects_non_unicode() {
        let fake = env(&[
            ("PREFECT_SERVER_DATABASE_HOST", "h"),
            ("FLOWDB_CONFIG", "/etc/flowdb.toml"),
            ("HOME", "/home/u"),
            ("UNRELATED", "x"),
        ]);
        let got = collect_env(|name| {
            fake.get(name)
                .cloned()
                .ok_or(std::env::VarError::NotPresent)
        });
        let got = match got {
            Ok(g) => g,
            Err(e) => panic!("unexpected error: {e}"),
        };
        assert_eq!(got.len(), 3);
        assert_eq!(
            got.get("FLOWDB_CONFIG").map(String::as_str),
            Some("/etc/flowdb.toml")
        );

        let got = collect_env(|name| {
            if name == "PREFECT_API_DATABASE_NAME" {
                Err(std::env::VarError::NotUnicode("\u{fffd}".into()))
            } else {
                Err(std::env::VarError::NotPresent)
            }
        });
        assert_eq!(
            got.map_err(|e| e.to_string()),
            Err("environment variable PREFECT_API_DATABASE_NAME is not valid unicode".to_owned())
        );
    }

    // --- TOML file ------------------------------------------------------------------------

    const FULL_FILE: &str = r#"
        [server.api]
        port = 4200

        [server.database]
        connection_url = "postgresql+asyncpg://u:${PREFECT_SERVER_DATABASE_PASSWORD}@h/db"
        driver = "postgresql+asyncpg"
        host = "file-host"
        port = 6543
        user = "file-user"
        password = "file-pw"
        name = "file-db"
        echo = true
        migrate_on_start = "no"
        timeout = 3
        connection_timeout = 2.5
        migration_timeout = "60"

        [server.database.sqlalchemy]
        pool_size = 11
        max_overflow = 12
        pool_recycle = 60
        pool_timeout = 9.5

        [server.database.sqlalchemy.connect_args]
        application_name = "app"
        search_path = "s,public"
        statement_cache_size = 0
        prepared_statement_cache_size = 50

        [server.database.sqlalchemy.connect_args.tls]
        enabled = 1
        ca_file = "/tls/ca.pem"
        cert_file = "/tls/cert.pem"
        key_file = "/tls/key.pem"
        check_hostname = false

        [logging]
        level = "DEBUG"
    "#;

    #[test]
    fn file_beats_defaults() {
        let file = TempToml::new(FULL_FILE);
        let s = file.ok(&[]);
        let d = &s.database;
        assert_eq!(
            d.connection_url.as_ref().map(SecretString::expose),
            Some("postgresql+asyncpg://u:${PREFECT_SERVER_DATABASE_PASSWORD}@h/db")
        );
        assert_eq!(d.driver, Some(Driver::PostgresqlAsyncpg));
        assert_eq!(d.host.as_deref(), Some("file-host"));
        assert_eq!(d.port, Some(6543));
        assert_eq!(d.user.as_deref(), Some("file-user"));
        assert_eq!(d.password, Some(SecretString::new("file-pw")));
        assert_eq!(d.name.as_deref(), Some("file-db"));
        assert!(d.echo);
        assert!(!d.migrate_on_start);
        assert_eq!(d.timeout, Some(3.0));
        assert_eq!(d.connection_timeout, Some(2.5));
        assert_eq!(d.migration_timeout, Some(60.0));
        assert_eq!(d.pool.pool_size, 11);
        assert_eq!(d.pool.max_overflow, 12);
        assert_eq!(d.pool.pool_recycle, 60);
        assert_eq!(d.pool.pool_timeout, Some(9.5));
        let c = &d.pool.connect_args;
        assert_eq!(c.application_name.as_deref(), Some("app"));
        assert_eq!(c.search_path.as_deref(), Some("s,public"));
        assert_eq!(c.statement_cache_size, Some(0));
        assert_eq!(c.prepared_statement_cache_size, Some(50));
        assert!(c.tls.enabled);
        assert_eq!(c.tls.ca_file, Some(PathBuf::from("/tls/ca.pem")));
        assert_eq!(c.tls.cert_file, Some(PathBuf::from("/tls/cert.pem")));
        assert_eq!(c.tls.key_file, Some(PathBuf::from("/tls/key.pem")));
        assert!(!c.tls.check_hostname);
        assert_eq!(url(&s), "postgresql+asyncpg://u:file-pw@h/db");
    }

    #[test]
    fn env_beats_file() {
        let file = TempToml::new(FULL_FILE);
        let s = file.ok(&[
            ("PREFECT_API_DATABASE_HOST", "env-host"),
            ("PREFECT_SERVER_DATABASE_SQLALCHEMY_POOL_SIZE", "1"),
            (
                "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_TLS_CHECK_HOSTNAME",
                "true",
            ),
            ("PREFECT_SERVER_DATABASE_PASSWORD", "env-pw"),
        ]);
        assert_eq!(s.database.host.as_deref(), Some("env-host"));
        assert_eq!(s.database.pool.pool_size, 1);
        assert!(s.database.pool.connect_args.tls.check_hostname);
        // Untouched by the environment: still from the file.
        assert_eq!(s.database.user.as_deref(), Some("file-user"));
        assert_eq!(s.database.pool.max_overflow, 12);
        assert_eq!(url(&s), "postgresql+asyncpg://u:env-pw@h/db");
    }

    #[test]
    fn env_value_shadows_a_bad_file_value() {
        let file = TempToml::new("[server.database]\ntimeout = \"soon\"\n");
        let s = file.ok(&[("PREFECT_SERVER_DATABASE_TIMEOUT", "4")]);
        assert_eq!(s.database.timeout, Some(4.0));
    }

    #[test]
    fn files_without_database_settings() {
        for text in [
            "",
            "[server]\nhome = 1\n",
            "[logging]\nlevel = 1\n",
            "[server.api]\nx = 1\n",
        ] {
            let file = TempToml::new(text);
            assert_eq!(
                file.ok(&[("HOME", "/h")]),
                ok(&[("HOME", "/h")]),
                "{text:?}"
            );
        }
    }

    #[test]
    fn dotted_keys_and_inline_tables() {
        let file = TempToml::new(
            "server.database.sqlalchemy = { pool_size = 2, connect_args.tls.enabled = true }\n",
        );
        let s = file.ok(&[]);
        assert_eq!(s.database.pool.pool_size, 2);
        assert!(s.database.pool.connect_args.tls.enabled);
    }

    #[test]
    fn deprecated_flat_pool_keys() {
        let file = TempToml::new(
            "[server.database]\nsqlalchemy_pool_size = 3\nsqlalchemy_max_overflow = 4\n",
        );
        let s = file.ok(&[]);
        assert_eq!(
            (s.database.pool.pool_size, s.database.pool.max_overflow),
            (3, 4)
        );

        let file = TempToml::new(
            "[server.database]\nsqlalchemy_pool_size = 3\n[server.database.sqlalchemy]\npool_size = 9\n",
        );
        assert_eq!(file.ok(&[]).database.pool.pool_size, 9);
    }

    #[test]
    fn unknown_keys_are_errors() {
        let file = TempToml::new("[server.database]\nhots = \"x\"\n");
        assert_eq!(
            file.err(&[]),
            "unknown key server.database.hots in FILE: valid keys are connection_url, driver, \
             host, port, user, password, name, echo, migrate_on_start, timeout, \
             connection_timeout, migration_timeout, sqlalchemy, sqlalchemy_pool_size, \
             sqlalchemy_max_overflow"
        );
        let file = TempToml::new("[server.database.sqlalchemy]\npoolsize = 1\n");
        assert_eq!(
            file.err(&[]),
            "unknown key server.database.sqlalchemy.poolsize in FILE: valid keys are \
             pool_size, max_overflow, pool_recycle, pool_timeout, connect_args"
        );
        let file = TempToml::new("[server.database.sqlalchemy.connect_args.tls]\nverify = true\n");
        assert_eq!(
            file.err(&[]),
            "unknown key server.database.sqlalchemy.connect_args.tls.verify in FILE: valid \
             keys are enabled, ca_file, cert_file, key_file, check_hostname"
        );
        // Unknown keys are errors even when the environment sets everything.
        let file = TempToml::new("[server.database.sqlalchemy.connect_args]\nssl = true\n");
        assert_eq!(
            file.err(&[("PREFECT_SERVER_DATABASE_HOST", "h")]),
            "unknown key server.database.sqlalchemy.connect_args.ssl in FILE: valid keys are \
             application_name, search_path, statement_cache_size, \
             prepared_statement_cache_size, tls"
        );
    }

    #[test]
    fn tables_where_values_belong_and_values_where_tables_belong() {
        let file = TempToml::new("[server.database]\nsqlalchemy = 5\n");
        assert_eq!(
            file.err(&[]),
            "invalid value 5 for server.database.sqlalchemy in FILE: expected a table"
        );
        let file = TempToml::new("server = \"x\"\n");
        assert_eq!(
            file.err(&[]),
            r#"invalid value "x" for server in FILE: expected a table"#
        );
        let file = TempToml::new("[server]\ndatabase = [1]\n");
        assert_eq!(
            file.err(&[]),
            "invalid value [...] for server.database in FILE: expected a table"
        );
        let file = TempToml::new("[server.database.timeout]\nx = 1\n");
        assert_eq!(
            file.err(&[]),
            "invalid value {...} for server.database.timeout in FILE: expected a number of seconds"
        );
    }

    #[test]
    fn invalid_file_values() {
        let cases = [
            (
                "timeout = \"abc\"",
                r#"invalid value "abc" for server.database.timeout in FILE: expected a number of seconds"#,
            ),
            (
                "echo = 2",
                "invalid value 2 for server.database.echo in FILE: expected a boolean (true/false, 1/0, yes/no, on/off, t/f, y/n)",
            ),
            (
                "port = 70000",
                "invalid value 70000 for server.database.port in FILE: expected a port number between 1 and 65535",
            ),
            (
                "driver = \"postgres\"",
                r#"invalid value "postgres" for server.database.driver in FILE: expected "postgresql+asyncpg" or "sqlite+aiosqlite""#,
            ),
            (
                "host = 5",
                "invalid value 5 for server.database.host in FILE: expected a string",
            ),
            (
                "migration_timeout = 0",
                "invalid value 0 for server.database.migration_timeout in FILE: expected a finite number of seconds greater than 0",
            ),
            (
                "sqlalchemy_pool_size = -3",
                "invalid value -3 for server.database.sqlalchemy_pool_size in FILE: expected a non-negative integer (at most 4294967295)",
            ),
            (
                "sqlalchemy.max_overflow = 1.5",
                "invalid value 1.5 for server.database.sqlalchemy.max_overflow in FILE: expected a non-negative integer (at most 4294967295)",
            ),
            (
                "sqlalchemy.connect_args.tls.ca_file = false",
                "invalid value false for server.database.sqlalchemy.connect_args.tls.ca_file in FILE: expected a file path",
            ),
            (
                "connection_timeout = 1979-05-27",
                "invalid value 1979-05-27 for server.database.connection_timeout in FILE: expected a number of seconds",
            ),
        ];
        for (body, expected) in cases {
            let file = TempToml::new(&format!("[server.database]\n{body}\n"));
            assert_eq!(file.err(&[]), expected, "{body}");
        }
    }

    #[test]
    fn secrets_of_the_wrong_type_are_not_echoed() {
        let file = TempToml::new("[server.database]\npassword = 123456789\n");
        assert_eq!(
            file.err(&[]),
            "invalid value ********** for server.database.password in FILE: expected a string"
        );
        let file =
            TempToml::new("[server.database]\nconnection_url = [\"postgresql://u:pw@h/d\"]\n");
        let message = file.err(&[]);
        assert_eq!(
            message,
            "invalid value ********** for server.database.connection_url in FILE: expected a string"
        );
    }

    #[test]
    fn unreadable_file() {
        let path = std::env::temp_dir().join(format!(
            "flowdb-settings-test-{}-missing.toml",
            std::process::id()
        ));
        let message = match Settings::from_sources(&env(&[]), Some(&path)) {
            Ok(s) => panic!("expected an error, got {s:?}"),
            Err(e) => e.to_string(),
        };
        let prefix = format!("cannot read config file {}: ", path.display());
        assert!(message.starts_with(&prefix), "{message}");
        assert!(message.len() > prefix.len(), "{message}");
    }

    #[test]
    fn broken_toml() {
        let file = TempToml::new("[server.database]\nhost = \"h\"\npassword = \"hunter2\n");
        let message = file.err(&[]);
        assert!(
            message.starts_with("cannot parse config file FILE: line 3, column "),
            "{message}"
        );
        assert!(!message.contains("hunter2"), "{message}");
        assert!(!message.contains('\n'), "{message}");

        let file = TempToml::new("[server.database\n");
        let message = file.err(&[]);
        assert!(
            message.starts_with("cannot parse config file FILE: line 1, column "),
            "{message}"
        );
    }

    // --- connection URL -------------------------------------------------------------------

    #[test]
    fn password_templating() {
        for placeholder in PASSWORD_PLACEHOLDERS {
            let s = ok(&[
                (
                    "PREFECT_API_DATABASE_CONNECTION_URL",
                    &format!("postgresql+asyncpg://u:{placeholder}@h:5432/d"),
                ),
                ("PREFECT_API_DATABASE_PASSWORD", "s3cret"),
            ]);
            assert_eq!(url(&s), "postgresql+asyncpg://u:s3cret@h:5432/d");
        }
        // Both placeholders, several times; substituted verbatim.
        let s = ok(&[
            (
                "PREFECT_SERVER_DATABASE_CONNECTION_URL",
                "x://${PREFECT_API_DATABASE_PASSWORD}/${PREFECT_SERVER_DATABASE_PASSWORD}/${PREFECT_API_DATABASE_PASSWORD}",
            ),
            ("PREFECT_SERVER_DATABASE_PASSWORD", "p@ss"),
        ]);
        assert_eq!(url(&s), "x://p@ss/p@ss/p@ss");
        // No placeholder: the URL is used as is, and an unset password is fine.
        let s = ok(&[(
            "PREFECT_SERVER_DATABASE_CONNECTION_URL",
            "sqlite+aiosqlite:///a.db",
        )]);
        assert_eq!(url(&s), "sqlite+aiosqlite:///a.db");
    }

    #[test]
    fn templating_without_a_password_is_an_error() {
        let s = ok(&[(
            "PREFECT_SERVER_DATABASE_CONNECTION_URL",
            "postgresql+asyncpg://u:${PREFECT_SERVER_DATABASE_PASSWORD}@h/d",
        )]);
        assert_eq!(
            url_err(&s),
            "the connection url contains ${PREFECT_SERVER_DATABASE_PASSWORD} but no database \
             password is set (set PREFECT_SERVER_DATABASE_PASSWORD or server.database.password)"
        );
    }

    #[test]
    fn explicit_url_wins_over_composition() {
        let s = ok(&[
            (
                "PREFECT_SERVER_DATABASE_CONNECTION_URL",
                "sqlite+aiosqlite:///explicit.db",
            ),
            ("PREFECT_SERVER_DATABASE_DRIVER", "postgresql+asyncpg"),
        ]);
        assert_eq!(url(&s), "sqlite+aiosqlite:///explicit.db");
    }

    #[test]
    fn postgres_composition() {
        let s = ok(&[
            ("PREFECT_SERVER_DATABASE_DRIVER", "postgresql+asyncpg"),
            ("PREFECT_SERVER_DATABASE_HOST", "db.local"),
            ("PREFECT_SERVER_DATABASE_PORT", "6432"),
            ("PREFECT_SERVER_DATABASE_USER", "prefect"),
            ("PREFECT_SERVER_DATABASE_PASSWORD", "pw"),
            ("PREFECT_SERVER_DATABASE_NAME", "flows"),
        ]);
        assert_eq!(
            url(&s),
            "postgresql+asyncpg://prefect:pw@db.local:6432/flows"
        );

        // Default port, percent-encoded user and password.
        let s = ok(&[
            ("PREFECT_API_DATABASE_DRIVER", "postgresql+asyncpg"),
            ("PREFECT_API_DATABASE_HOST", "db"),
            ("PREFECT_API_DATABASE_USER", "me@corp"),
            ("PREFECT_API_DATABASE_PASSWORD", "p@ss:w/rd %é~"),
            ("PREFECT_API_DATABASE_NAME", "prefect"),
        ]);
        assert_eq!(
            url(&s),
            "postgresql+asyncpg://me%40corp:p%40ss%3Aw%2Frd%20%25%C3%A9~@db:5432/prefect"
        );

        // No password; IPv6 host.
        let s = ok(&[
            ("PREFECT_SERVER_DATABASE_DRIVER", "postgresql+asyncpg"),
            ("PREFECT_SERVER_DATABASE_HOST", "::1"),
            ("PREFECT_SERVER_DATABASE_USER", "u"),
            ("PREFECT_SERVER_DATABASE_NAME", "d"),
        ]);
        assert_eq!(url(&s), "postgresql+asyncpg://u@[::1]:5432/d");
    }

    #[test]
    fn postgres_composition_requires_host_user_name() {
        let s = ok(&[("PREFECT_SERVER_DATABASE_DRIVER", "postgresql+asyncpg")]);
        assert_eq!(
            url_err(&s),
            "missing required database connection settings for driver postgresql+asyncpg: \
             host, user, name"
        );
        let s = ok(&[
            ("PREFECT_SERVER_DATABASE_DRIVER", "postgresql+asyncpg"),
            ("PREFECT_SERVER_DATABASE_HOST", "h"),
            ("PREFECT_SERVER_DATABASE_USER", ""),
        ]);
        assert_eq!(
            url_err(&s),
            "missing required database connection settings for driver postgresql+asyncpg: \
             user, name"
        );
    }

    #[test]
    fn sqlite_composition() {
        let s = ok(&[
            ("PREFECT_SERVER_DATABASE_DRIVER", "sqlite+aiosqlite"),
            ("PREFECT_SERVER_DATABASE_NAME", "/var/lib/flow.db"),
        ]);
        assert_eq!(url(&s), "sqlite+aiosqlite:////var/lib/flow.db");
        let s = ok(&[
            ("PREFECT_SERVER_DATABASE_DRIVER", "sqlite+aiosqlite"),
            ("FLOWDB_HOME", "/data"),
        ]);
        assert_eq!(url(&s), "sqlite+aiosqlite:////data/flowdb.db");
        let s = ok(&[
            ("PREFECT_SERVER_DATABASE_DRIVER", "sqlite+aiosqlite"),
            ("PREFECT_SERVER_DATABASE_NAME", ""),
        ]);
        assert_eq!(url(&s), "sqlite+aiosqlite:///./.flowdb/flowdb.db");
    }

    #[test]
    fn default_url_without_driver() {
        assert_eq!(url(&ok(&[])), "sqlite+aiosqlite:///./.flowdb/flowdb.db");
        assert_eq!(
            url(&ok(&[
                ("FLOWDB_HOME", "/srv/flowdb"),
                ("PREFECT_SERVER_DATABASE_NAME", "x")
            ])),
            "sqlite+aiosqlite:////srv/flowdb/flowdb.db"
        );
    }

    #[cfg(unix)]
    #[test]
    fn non_unicode_home_is_an_error_not_a_panic() {
        use std::os::unix::ffi::OsStrExt;
        let mut s = ok(&[]);
        s.home = PathBuf::from(std::ffi::OsStr::from_bytes(b"/tmp/\xff"));
        assert_eq!(
            url_err(&s),
            "home directory /tmp/\u{fffd} is not valid unicode and cannot be used in a connection url"
        );
    }

    // --- secrets --------------------------------------------------------------------------

    #[test]
    fn debug_and_display_hide_secrets() {
        let s = ok(&[
            (
                "PREFECT_SERVER_DATABASE_CONNECTION_URL",
                "postgresql+asyncpg://u:topsecret1@h/d",
            ),
            ("PREFECT_SERVER_DATABASE_PASSWORD", "topsecret2"),
        ]);
        let debug = format!("{s:?} {s:#?}");
        assert!(!debug.contains("topsecret"), "{debug}");
        assert!(
            debug.contains("connection_url: Some(**********)"),
            "{debug}"
        );
        assert!(debug.contains("password: Some(**********)"), "{debug}");

        let url = match s.connection_url() {
            Ok(u) => u,
            Err(e) => panic!("unexpected error: {e}"),
        };
        assert_eq!(format!("{url} {url:?}"), "********** **********");
        assert_eq!(url.expose(), "postgresql+asyncpg://u:topsecret1@h/d");

        let composed = ok(&[
            ("PREFECT_SERVER_DATABASE_DRIVER", "postgresql+asyncpg"),
            ("PREFECT_SERVER_DATABASE_HOST", "h"),
            ("PREFECT_SERVER_DATABASE_USER", "u"),
            ("PREFECT_SERVER_DATABASE_PASSWORD", "topsecret3"),
            ("PREFECT_SERVER_DATABASE_NAME", "d"),
        ]);
        let composed_url = composed.connection_url();
        assert!(!format!("{composed_url:?}").contains("topsecret"));
    }

    #[test]
    fn percent_encoding() {
        assert_eq!(percent_encode("aZ09-._~"), "aZ09-._~");
        assert_eq!(percent_encode("a b/c?d#e"), "a%20b%2Fc%3Fd%23e");
        assert_eq!(percent_encode("ü"), "%C3%BC");
        assert_eq!(percent_encode(""), "");
    }

    // --- documentation --------------------------------------------------------------------

    #[test]
    fn doc_lists_every_setting() {
        let doc = include_str!("doc.md");
        for spec in SPECS {
            for name in spec.env {
                let short = name
                    .strip_prefix("PREFECT_SERVER_DATABASE_")
                    .map(|rest| format!("S_{rest}"))
                    .or_else(|| {
                        name.strip_prefix("PREFECT_API_DATABASE_")
                            .map(|rest| format!("A_{rest}"))
                    })
                    .unwrap_or_else(|| (*name).to_owned());
                assert!(doc.contains(&format!("`{short}`")), "doc.md lacks {short}");
            }
            for key in spec.toml {
                assert!(doc.contains(&format!("`{key}`")), "doc.md lacks {key}");
            }
        }
        for name in [HOME_VAR, CONFIG_VAR] {
            assert!(doc.contains(&format!("`{name}`")), "doc.md lacks {name}");
        }
    }
}
