//! The setting table: one row per setting, shared by the environment and the TOML file.

use std::path::PathBuf;

use super::{DatabaseSettings, Driver, SecretString};

/// A mutable place in [`DatabaseSettings`].
type Slot<T> = fn(&mut DatabaseSettings) -> &mut T;

/// How a setting is parsed and where it is stored.
#[derive(Clone, Copy)]
pub(super) enum Field {
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
pub(super) struct Spec {
    /// Keys relative to `[server.database]`, highest priority first.
    pub(super) toml: &'static [&'static str],
    /// Environment variables, highest priority first.
    pub(super) env: &'static [&'static str],
    pub(super) field: Field,
}

/// Every setting. Order is the order used in messages that list valid keys.
pub(super) static SPECS: &[Spec] = &[
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
    Spec {
        toml: &["sql_template_dir"],
        env: &["FLOWDB_SQL_TEMPLATE_DIR"],
        field: Field::Path(|d| &mut d.sql_template_dir),
    },
];
