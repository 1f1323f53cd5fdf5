//! [`DatabaseConfig`]: Prefect's `BaseDatabaseConfiguration`, built from settings.

use std::path::PathBuf;
use std::time::Duration;

use abi_stable::std_types::{ROption, RString, Tuple2};
use flowdb_abi::{ConnectOptions, PoolOptions, TlsOptions};

use crate::error::Result;
use crate::settings::{SecretString, Settings};

/// TLS settings for server dialects.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct TlsConfig {
    /// Require TLS.
    pub enabled: bool,
    /// A CA bundle.
    pub ca_file: Option<PathBuf>,
    /// A client certificate.
    pub cert_file: Option<PathBuf>,
    /// Its key.
    pub key_file: Option<PathBuf>,
    /// Verify that the certificate names the host.
    pub check_hostname: bool,
}

/// What to connect to and how: Prefect's database configuration.
///
/// Two configurations that compare equal share one [`DbInterface`](crate::DbInterface).
///
/// ```
/// use flowdb::DatabaseConfig;
///
/// let config = DatabaseConfig::new("sqlite+aiosqlite:///:memory:");
/// assert_eq!(config.timeout, Some(std::time::Duration::from_secs(10)));
/// assert_eq!((config.pool_size, config.max_overflow), (5, 10));
/// assert!(config.is_in_memory());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DatabaseConfig {
    /// The connection URL (a secret: it may hold a password).
    pub connection_url: SecretString,
    /// Log every statement.
    pub echo: bool,
    /// Statement timeout (Prefect's `timeout`).
    pub timeout: Option<Duration>,
    /// Connect timeout (Prefect's `connection_timeout`).
    pub connection_timeout: Option<Duration>,
    /// Connections kept open.
    pub pool_size: u32,
    /// Extra connections allowed under load.
    pub max_overflow: u32,
    /// Recycle connections after this many seconds; negative means never.
    pub pool_recycle: i64,
    /// How long to wait for a free connection.
    pub pool_timeout: Option<Duration>,
    /// PostgreSQL `application_name`.
    pub application_name: Option<String>,
    /// PostgreSQL `search_path`.
    pub search_path: Option<String>,
    /// Statement cache size; 0 disables it.
    pub statement_cache_size: Option<u32>,
    /// TLS.
    pub tls: TlsConfig,
    /// A directory whose `*.sql.jinja` files override the plugin's SQL templates.
    pub sql_template_dir: Option<PathBuf>,
}

fn seconds(value: Option<f64>) -> Option<Duration> {
    // Settings already rejected negative and non-finite values.
    value.and_then(|secs| Duration::try_from_secs_f64(secs).ok())
}

impl DatabaseConfig {
    /// A configuration for `url` with Prefect's defaults.
    pub fn new(url: impl Into<String>) -> DatabaseConfig {
        let mut settings = Settings::default();
        settings.database.connection_url = Some(SecretString::new(url.into()));
        // Infallible: the URL is explicit, so nothing is composed or templated.
        Self::from_settings(&settings).unwrap_or_else(|_| DatabaseConfig {
            connection_url: settings
                .database
                .connection_url
                .clone()
                .unwrap_or_else(|| SecretString::new("")),
            echo: false,
            timeout: Some(Duration::from_secs(10)),
            connection_timeout: Some(Duration::from_secs(5)),
            pool_size: 5,
            max_overflow: 10,
            pool_recycle: 3600,
            pool_timeout: Some(Duration::from_secs(30)),
            application_name: None,
            search_path: None,
            statement_cache_size: None,
            tls: TlsConfig {
                check_hostname: true,
                ..TlsConfig::default()
            },
            sql_template_dir: None,
        })
    }

    /// The configuration the settings describe.
    ///
    /// When the settings name no database at all, the default SQLite file under the flowdb
    /// home is used, and the home directory is created if it is missing (as Prefect creates
    /// `PREFECT_HOME`).
    pub fn from_settings(settings: &Settings) -> Result<DatabaseConfig> {
        let database = &settings.database;
        if database.connection_url.is_none() && database.driver.is_none() {
            std::fs::create_dir_all(&settings.home).map_err(|err| crate::Error::Home {
                path: settings.home.clone(),
                reason: err.to_string(),
            })?;
        }
        let pool = &database.pool;
        let tls = &pool.connect_args.tls;
        Ok(DatabaseConfig {
            connection_url: settings.connection_url()?,
            echo: database.echo,
            timeout: seconds(database.timeout),
            connection_timeout: seconds(database.connection_timeout),
            pool_size: pool.pool_size,
            max_overflow: pool.max_overflow,
            pool_recycle: pool.pool_recycle,
            pool_timeout: seconds(pool.pool_timeout),
            application_name: pool.connect_args.application_name.clone(),
            search_path: pool.connect_args.search_path.clone(),
            statement_cache_size: pool
                .connect_args
                .statement_cache_size
                .or(pool.connect_args.prepared_statement_cache_size),
            tls: TlsConfig {
                enabled: tls.enabled,
                ca_file: tls.ca_file.clone(),
                cert_file: tls.cert_file.clone(),
                key_file: tls.key_file.clone(),
                check_hostname: tls.check_hostname,
            },
            sql_template_dir: database.sql_template_dir.clone(),
        })
    }

    /// The URL, for connecting. Don't log it: use [`redacted_url`](Self::redacted_url).
    pub fn url(&self) -> &str {
        self.connection_url.expose()
    }

    /// The URL with its password masked.
    pub fn redacted_url(&self) -> String {
        crate::url::redact_url(self.url())
    }

    /// Whether the URL names an in-memory database (`:memory:` or `mode=memory`), as Prefect's
    /// `is_inmemory` decides.
    pub fn is_in_memory(&self) -> bool {
        let url = self.url();
        url.contains(":memory:") || url.contains("mode=memory")
    }

    /// What the plugin receives.
    pub fn connect_options(&self) -> ConnectOptions {
        let millis = |duration: Option<Duration>| match duration {
            Some(duration) => {
                ROption::RSome(u64::try_from(duration.as_millis()).unwrap_or(u64::MAX))
            }
            None => ROption::RNone,
        };
        let text = |value: &Option<String>| value.clone().map(RString::from).into();
        let path = |value: &Option<PathBuf>| {
            value
                .as_ref()
                .map(|p| RString::from(p.to_string_lossy().into_owned()))
                .into()
        };
        ConnectOptions {
            url: self.url().into(),
            echo: self.echo,
            statement_timeout_ms: millis(self.timeout),
            connect_timeout_ms: millis(self.connection_timeout),
            pool: PoolOptions {
                size: self.pool_size,
                max_overflow: self.max_overflow,
                recycle_secs: self.pool_recycle,
                acquire_timeout_ms: millis(self.pool_timeout),
            },
            application_name: text(&self.application_name),
            search_path: text(&self.search_path),
            statement_cache_size: self.statement_cache_size.into(),
            tls: TlsOptions {
                enabled: self.tls.enabled,
                ca_file: path(&self.tls.ca_file),
                cert_file: path(&self.tls.cert_file),
                key_file: path(&self.tls.key_file),
                check_hostname: self.tls.check_hostname,
            },
            extra: self
                .sql_template_dir
                .iter()
                .map(|dir| {
                    Tuple2(
                        RString::from(flowdb_abi::queries::TEMPLATE_DIR_OPTION),
                        RString::from(dir.to_string_lossy().into_owned()),
                    )
                })
                .collect(),
        }
    }
}
