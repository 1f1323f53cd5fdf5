use std::fmt;

use abi_stable::StableAbi;
use abi_stable::std_types::{ROption, RResult, RString};

/// The result type of every fallible call across the boundary.
pub type PluginResult<T> = RResult<T, PluginError>;

/// The class of an error, an integer newtype so that later ABI versions can add classes.
///
/// A host that meets a code it does not know treats it like [`ErrorKind::INTERNAL`].
///
/// It prints as its constant's name, so that a host's `main` returning an error shows the
/// class and not a number:
///
/// ```
/// use flowdb_abi::ErrorKind;
///
/// assert_eq!(format!("{:?}", ErrorKind::CONNECTION), "CONNECTION");
/// assert_eq!(format!("{:?}", ErrorKind(200)), "ErrorKind(200)");
/// ```
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorKind(pub u8);

impl ErrorKind {
    /// Something went wrong inside the plugin or the driver that fits no other class.
    pub const INTERNAL: Self = Self(0);
    /// The server could not be reached or the connection broke.
    pub const CONNECTION: Self = Self(1);
    /// The server refused the credentials.
    pub const AUTHENTICATION: Self = Self(2);
    /// A statement, a connect attempt or a pool checkout ran out of time.
    pub const TIMEOUT: Self = Self(3);
    /// A unique, foreign-key, not-null or check constraint was violated.
    pub const CONSTRAINT_VIOLATION: Self = Self(4);
    /// A serialization failure, deadlock or locked database: retrying may succeed.
    pub const SERIALIZATION: Self = Self(5);
    /// The database, table or row asked for does not exist.
    pub const NOT_FOUND: Self = Self(6);
    /// The plugin does not support what was asked (a capability it did not declare).
    pub const UNSUPPORTED: Self = Self(7);
    /// An argument was malformed: a URL, an option, a parameter's value.
    pub const INVALID_ARGUMENT: Self = Self(8);
    /// The database rejected a statement for another reason (syntax, permissions, ...).
    pub const DATABASE: Self = Self(9);
    /// A value could not be converted between the database and [`Value`](crate::Value).
    pub const DECODE: Self = Self(10);
    /// The plugin panicked in this call; it is now poisoned.
    pub const PANIC: Self = Self(11);
    /// The plugin panicked earlier and refuses further calls.
    pub const POISONED: Self = Self(12);
    /// The plugin was shut down.
    pub const SHUT_DOWN: Self = Self(13);

    /// The constant's name (`CONNECTION`), or `None` for a code this build does not know.
    pub fn constant_name(self) -> Option<&'static str> {
        Some(match self {
            Self::INTERNAL => "INTERNAL",
            Self::CONNECTION => "CONNECTION",
            Self::AUTHENTICATION => "AUTHENTICATION",
            Self::TIMEOUT => "TIMEOUT",
            Self::CONSTRAINT_VIOLATION => "CONSTRAINT_VIOLATION",
            Self::SERIALIZATION => "SERIALIZATION",
            Self::NOT_FOUND => "NOT_FOUND",
            Self::UNSUPPORTED => "UNSUPPORTED",
            Self::INVALID_ARGUMENT => "INVALID_ARGUMENT",
            Self::DATABASE => "DATABASE",
            Self::DECODE => "DECODE",
            Self::PANIC => "PANIC",
            Self::POISONED => "POISONED",
            Self::SHUT_DOWN => "SHUT_DOWN",
            _ => return None,
        })
    }

    /// A short lowercase name for messages and JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Self::CONNECTION => "connection",
            Self::AUTHENTICATION => "authentication",
            Self::TIMEOUT => "timeout",
            Self::CONSTRAINT_VIOLATION => "constraint violation",
            Self::SERIALIZATION => "serialization",
            Self::NOT_FOUND => "not found",
            Self::UNSUPPORTED => "unsupported",
            Self::INVALID_ARGUMENT => "invalid argument",
            Self::DATABASE => "database",
            Self::DECODE => "decode",
            Self::PANIC => "panic",
            Self::POISONED => "poisoned",
            Self::SHUT_DOWN => "shut down",
            _ => "internal",
        }
    }
}

/// An error as it crosses the boundary: a class, the database's own codes where there are some,
/// and a message.
///
/// ```
/// use flowdb_abi::{ErrorKind, PluginError};
///
/// let err = PluginError::new(ErrorKind::CONSTRAINT_VIOLATION, "duplicate key")
///     .with_sqlstate("23505");
/// assert_eq!(err.to_string(), "constraint violation: duplicate key (SQLSTATE 23505)");
/// ```
///
/// Its `Debug` form names the class and shows the optional codes as Rust options:
///
/// ```
/// use flowdb_abi::{ErrorKind, PluginError};
///
/// let err = PluginError::new(ErrorKind::TIMEOUT, "pool timed out");
/// assert_eq!(
///     format!("{err:?}"),
///     r#"PluginError { kind: TIMEOUT, sqlstate: None, vendor_code: None, message: "pool timed out" }"#
/// );
/// ```
#[repr(C)]
#[derive(StableAbi, Clone, PartialEq)]
pub struct PluginError {
    /// The class of the error.
    pub kind: ErrorKind,
    /// The five-character SQLSTATE, when the database gave one (PostgreSQL).
    pub sqlstate: ROption<RString>,
    /// The database's native error code, when it gave one (SQLite's extended result code).
    pub vendor_code: ROption<i64>,
    /// What went wrong, for a person to read.
    pub message: RString,
}

impl PluginError {
    /// An error of `kind` with `message` and no database codes.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            sqlstate: ROption::RNone,
            vendor_code: ROption::RNone,
            message: RString::from(message.into()),
        }
    }

    /// Adds the SQLSTATE.
    pub fn with_sqlstate(mut self, sqlstate: impl Into<String>) -> Self {
        self.sqlstate = ROption::RSome(RString::from(sqlstate.into()));
        self
    }

    /// Adds the database's native error code.
    pub fn with_vendor_code(mut self, code: i64) -> Self {
        self.vendor_code = ROption::RSome(code);
        self
    }
}

impl fmt::Debug for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.constant_name() {
            Some(name) => f.pad(name),
            None => f.debug_tuple("ErrorKind").field(&self.0).finish(),
        }
    }
}

impl fmt::Debug for PluginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PluginError")
            .field("kind", &self.kind)
            .field(
                "sqlstate",
                &self.sqlstate.as_ref().map(RString::as_str).into_option(),
            )
            .field("vendor_code", &self.vendor_code.into_option())
            .field("message", &self.message.as_str())
            .finish()
    }
}

impl fmt::Display for PluginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.message)?;
        if let ROption::RSome(state) = &self.sqlstate {
            write!(f, " (SQLSTATE {state})")?;
        }
        if let ROption::RSome(code) = &self.vendor_code {
            write!(f, " (code {code})")?;
        }
        Ok(())
    }
}

impl std::error::Error for PluginError {}
