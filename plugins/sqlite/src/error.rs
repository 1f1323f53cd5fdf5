//! rusqlite's errors as the SDK's error type.

pub(crate) use flowdb_plugin_sdk::error::{Error, ErrorExt, ErrorKind, Result};
use rusqlite::ffi;

/// SQLite primary result codes with a meaning of their own here.
const SQLITE_READONLY: i32 = 8;

/// Classifies a rusqlite error, keeping SQLite's extended result code.
pub(crate) fn from_sqlite(err: rusqlite::Error) -> Error {
    match err {
        rusqlite::Error::SqliteFailure(failure, message) => {
            let kind = match failure.code {
                ffi::ErrorCode::ConstraintViolation => ErrorKind::CONSTRAINT_VIOLATION,
                ffi::ErrorCode::DatabaseBusy | ffi::ErrorCode::DatabaseLocked => {
                    ErrorKind::SERIALIZATION
                }
                ffi::ErrorCode::CannotOpen => ErrorKind::CONNECTION,
                ffi::ErrorCode::NotADatabase => ErrorKind::INVALID_ARGUMENT,
                ffi::ErrorCode::OperationInterrupted => ErrorKind::TIMEOUT,
                _ => ErrorKind::DATABASE,
            };
            // SQLite names neither the file nor why it is read-only; the cause is one of three.
            let hint = if failure.extended_code & 0xff == SQLITE_READONLY {
                " (the database file, its -wal/-shm files or its directory is read-only for this \
                 process)"
            } else {
                ""
            };
            let text = message.unwrap_or_else(|| failure.to_string());
            Error::new(kind, format!("{text}{hint}"))
                .with_vendor_code(i64::from(failure.extended_code))
        }
        // A statement SQLite cannot prepare (a syntax error, an unknown table or column).
        rusqlite::Error::SqlInputError {
            error, msg, offset, ..
        } => Error::new(
            ErrorKind::DATABASE,
            format!("{msg} (at byte {offset} of the statement)"),
        )
        .with_vendor_code(i64::from(error.extended_code)),
        rusqlite::Error::QueryReturnedNoRows => Error::new(ErrorKind::NOT_FOUND, "no row returned"),
        rusqlite::Error::InvalidParameterCount(given, expected) => Error::invalid_argument(
            format!("the statement takes {expected} parameters, {given} were given"),
        ),
        rusqlite::Error::InvalidParameterName(name) => {
            Error::invalid_argument(format!("the statement has no parameter `{name}`"))
        }
        rusqlite::Error::NulError(err) => Error::invalid_argument(format!(
            "SQL text or a text value holds a NUL byte SQLite cannot take: {err}"
        )),
        rusqlite::Error::Utf8Error(column, err) => Error::new(
            ErrorKind::DECODE,
            format!("column {column} is not UTF-8: {err}"),
        ),
        rusqlite::Error::InvalidPath(path) => Error::invalid_argument(format!(
            "`{}` is not a path SQLite can open",
            path.display()
        )),
        other => Error::internal(other.to_string()),
    }
}
