//! sqlx's MySQL errors as the SDK's error type.

pub(crate) use flowdb_plugin_sdk::error::{Error, ErrorExt, ErrorKind, Result};
use sqlx::mysql::MySqlDatabaseError;

/// Server error numbers with a kind of their own.
fn kind_of_number(number: u16) -> Option<ErrorKind> {
    Some(match number {
        // ER_DUP_ENTRY, ER_DUP_KEY, ER_ROW_IS_REFERENCED(_2), ER_NO_REFERENCED_ROW(_2),
        // ER_BAD_NULL_ERROR, ER_CONSTRAINT_FAILED (MariaDB), ER_CHECK_CONSTRAINT_VIOLATED (MySQL)
        1062 | 1022 | 1451 | 1452 | 1216 | 1217 | 1048 | 4025 | 3819 => {
            ErrorKind::CONSTRAINT_VIOLATION
        }
        // ER_LOCK_DEADLOCK, ER_LOCK_WAIT_TIMEOUT
        1213 | 1205 => ErrorKind::SERIALIZATION,
        // ER_QUERY_INTERRUPTED, ER_STATEMENT_TIMEOUT (MariaDB's max_statement_time)
        1317 | 1969 | 3024 => ErrorKind::TIMEOUT,
        // ER_ACCESS_DENIED_ERROR, ER_DBACCESS_DENIED_ERROR, ER_BAD_DB_ERROR at connect
        1045 | 1044 | 1049 => ErrorKind::CONNECTION,
        _ => return None,
    })
}

/// Classifies a sqlx error, keeping the SQLSTATE and the server's error number.
pub(crate) fn from_sqlx(err: sqlx::Error) -> Error {
    match err {
        sqlx::Error::Database(db) => {
            let sqlstate = db.code().map(|code| code.into_owned());
            let number = db
                .try_downcast_ref::<MySqlDatabaseError>()
                .map(MySqlDatabaseError::number);
            let kind = number
                .and_then(kind_of_number)
                .unwrap_or(ErrorKind::DATABASE);
            let mut error = Error::new(kind, db.message().to_owned());
            if let Some(sqlstate) = sqlstate {
                error = error.with_sqlstate(sqlstate);
            }
            if let Some(number) = number {
                error = error.with_vendor_code(i64::from(number));
            }
            error
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
