//! The error type plugins return: the ABI's [`PluginError`](crate::abi::PluginError) itself, so
//! nothing is converted at the boundary.

pub use crate::abi::{ErrorKind, PluginError as Error};

/// The result type of plugin code.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Shorthand constructors for the common error kinds.
///
/// ```
/// use flowdb_plugin_sdk::prelude::*;
///
/// let err = Error::unsupported("LISTEN/NOTIFY");
/// assert_eq!(err.kind, ErrorKind::UNSUPPORTED);
/// assert_eq!(err.to_string(), "unsupported: LISTEN/NOTIFY is not supported by this plugin");
/// ```
pub trait ErrorExt: Sized {
    /// A feature the plugin does not have.
    fn unsupported(what: &str) -> Self;
    /// A malformed argument (URL, option, parameter).
    fn invalid_argument(message: impl Into<String>) -> Self;
    /// Anything else that went wrong inside the plugin.
    fn internal(message: impl Into<String>) -> Self;
}

impl ErrorExt for Error {
    fn unsupported(what: &str) -> Self {
        Error::new(
            ErrorKind::UNSUPPORTED,
            format!("{what} is not supported by this plugin"),
        )
    }

    fn invalid_argument(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::INVALID_ARGUMENT, message)
    }

    fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorKind::INTERNAL, message)
    }
}
