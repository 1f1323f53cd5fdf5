//! sqlx's SQLite errors as the SDK's error type.

pub(crate) use flowdb_plugin_sdk::error::{Error, ErrorExt, ErrorKind, Result};

/// SQLite primary result codes that mean "try again".
const SQLITE_BUSY: i64 = 5;
const SQLITE_LOCKED: i64 = 6;
const SQLITE_READONLY: i64 = 8;
const SQLITE_CANTOPEN: i64 = 14;
const SQLITE_NOTADB: i64 = 26;

/// Classifies a sqlx error, keeping SQLite's extended result code.
pub(crate) fn from_sqlx(err: sqlx::Error) -> Error {
    match err {
        sqlx::Error::Database(db) => {
            let code = db.code().and_then(|code| code.parse::<i64>().ok());
            let primary = code.map(|code| code & 0xff);
            let kind = match db.kind() {
                sqlx::error::ErrorKind::UniqueViolation
                | sqlx::error::ErrorKind::ForeignKeyViolation
                | sqlx::error::ErrorKind::NotNullViolation
                | sqlx::error::ErrorKind::CheckViolation => ErrorKind::CONSTRAINT_VIOLATION,
                _ => match primary {
                    Some(SQLITE_BUSY | SQLITE_LOCKED) => ErrorKind::SERIALIZATION,
                    Some(SQLITE_CANTOPEN) => ErrorKind::CONNECTION,
                    Some(SQLITE_NOTADB) => ErrorKind::INVALID_ARGUMENT,
                    _ => ErrorKind::DATABASE,
                },
            };
            // SQLite names neither the file nor why it is read-only; the cause is one of three.
            let hint = if primary == Some(SQLITE_READONLY) {
                " (the database file, its -wal/-shm files or its directory is read-only for this \
                 process)"
            } else {
                ""
            };
            let error = Error::new(kind, format!("{}{hint}", db.message()));
            match code {
                Some(code) => error.with_vendor_code(code),
                None => error,
            }
        }
        sqlx::Error::PoolTimedOut => Error::new(
            ErrorKind::TIMEOUT,
            "timed out waiting for a free connection from the pool",
        ),
        sqlx::Error::PoolClosed => Error::new(ErrorKind::CONNECTION, "the pool has been closed"),
        sqlx::Error::Io(io) => Error::new(ErrorKind::CONNECTION, format!("i/o error: {io}")),
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
