//! sqlx's PostgreSQL errors as the SDK's error type.

pub(crate) use flowdb_plugin_sdk::error::{Error, ErrorExt, ErrorKind, Result};

/// Classifies a sqlx error, keeping the SQLSTATE.
pub(crate) fn from_sqlx(err: sqlx::Error) -> Error {
    match err {
        sqlx::Error::Database(db) => {
            let sqlstate = db.code().map(|code| code.into_owned());
            let kind = match db.kind() {
                sqlx::error::ErrorKind::UniqueViolation
                | sqlx::error::ErrorKind::ForeignKeyViolation
                | sqlx::error::ErrorKind::NotNullViolation
                | sqlx::error::ErrorKind::CheckViolation => ErrorKind::CONSTRAINT_VIOLATION,
                _ => classify_sqlstate(sqlstate.as_deref().unwrap_or("")),
            };
            let message = match pooler_hint(sqlstate.as_deref(), db.message()) {
                Some(hint) => format!("{}; {hint}", db.message()),
                None => db.message().to_owned(),
            };
            let error = Error::new(kind, message);
            match sqlstate {
                Some(sqlstate) => error.with_sqlstate(sqlstate),
                None => error,
            }
        }
        sqlx::Error::PoolTimedOut => Error::new(
            ErrorKind::TIMEOUT,
            "timed out waiting for a free connection from the pool",
        ),
        sqlx::Error::PoolClosed => Error::new(ErrorKind::CONNECTION, "the pool has been closed"),
        sqlx::Error::Io(io) => Error::new(ErrorKind::CONNECTION, format!("i/o error: {io}")),
        sqlx::Error::Tls(tls) => Error::new(ErrorKind::CONNECTION, format!("tls error: {tls}")),
        sqlx::Error::Protocol(message) => {
            Error::new(ErrorKind::CONNECTION, format!("protocol error: {message}"))
        }
        sqlx::Error::Configuration(message) => Error::invalid_argument(message.to_string()),
        sqlx::Error::RowNotFound => Error::new(ErrorKind::NOT_FOUND, "no row returned"),
        sqlx::Error::ColumnDecode { index, source } => {
            Error::new(ErrorKind::DECODE, format!("column {index}: {source}"))
        }
        sqlx::Error::Encode(source) => {
            Error::new(ErrorKind::DECODE, format!("encoding a parameter: {source}"))
        }
        sqlx::Error::Decode(source) => Error::new(ErrorKind::DECODE, source.to_string()),
        other => Error::internal(other.to_string()),
    }
}

/// The setting to change when an error is what a transaction-mode pooler (PgBouncer) does to
/// a client that expects a server connection of its own: prepared statements that another
/// client's transaction left behind or took away, startup parameters the pooler refuses.
fn pooler_hint(sqlstate: Option<&str>, message: &str) -> Option<&'static str> {
    macro_rules! turn_the_cache_off {
        ($what:literal) => {
            concat!(
                $what,
                ": turn the statement cache off, which flowdb takes to mean a transaction-mode pooler is in between: ",
                "PREFECT_SERVER_DATABASE_SQLALCHEMY_CONNECT_ARGS_STATEMENT_CACHE_SIZE=0 ",
                "(server.database.sqlalchemy.connect_args.statement_cache_size = 0 in the config file, ",
                "or ?prepared_statement_cache_size=0 in the URL)"
            )
        };
    }
    const STATEMENTS: &str = turn_the_cache_off!(
        "a transaction-mode pooler such as PgBouncer is between flowdb and PostgreSQL, and prepared statements do not survive it"
    );
    const STARTUP: &str = turn_the_cache_off!(
        "a pooler such as PgBouncer refuses the startup parameters flowdb sends to a server of its own"
    );
    match sqlstate {
        // duplicate_prepared_statement; invalid_sql_statement_name for a statement gone.
        Some("42P05") => Some(STATEMENTS),
        Some("26000") if message.contains("prepared statement") => Some(STATEMENTS),
        // protocol_violation: PgBouncer's "unsupported startup parameter".
        Some("08P01") if message.contains("unsupported startup parameter") => Some(STARTUP),
        _ => None,
    }
}

fn classify_sqlstate(sqlstate: &str) -> ErrorKind {
    match sqlstate {
        // serialization_failure, deadlock_detected, lock_not_available
        "40001" | "40P01" | "55P03" => ErrorKind::SERIALIZATION,
        // invalid_authorization_specification, invalid_password
        "28000" | "28P01" => ErrorKind::AUTHENTICATION,
        // query_canceled (statement_timeout)
        "57014" => ErrorKind::TIMEOUT,
        // invalid_catalog_name (no such database), undefined_table
        "3D000" | "42P01" => ErrorKind::NOT_FOUND,
        // admin_shutdown (pg_terminate_backend, a server shutting down), crash_shutdown,
        // cannot_connect_now (starting up): the connection is gone, not the statement wrong.
        "57P01" | "57P02" | "57P03" => ErrorKind::CONNECTION,
        state if state.starts_with("08") => ErrorKind::CONNECTION,
        state if state.starts_with("23") => ErrorKind::CONSTRAINT_VIOLATION,
        _ => ErrorKind::DATABASE,
    }
}
