//! Helpers for the values that cross the boundary.

use crate::abi::{ErrorKind, PluginError, Value, ValueNE};

/// Conversions between [`Value`] and its non-exhaustive wrapper [`ValueNE`].
///
/// ```
/// use flowdb_plugin_sdk::prelude::*;
///
/// let wrapped: ValueNE = Value::Int64(7).into_ne();
/// assert_eq!(wrapped.value().unwrap(), &Value::Int64(7));
/// ```
pub trait ValueExt {
    /// Wraps a value for the boundary.
    fn into_ne(self) -> ValueNE;
}

impl ValueExt for Value {
    fn into_ne(self) -> ValueNE {
        ValueNE::new(self)
    }
}

/// Reading a [`ValueNE`] that may hold a kind newer than this build knows.
pub trait ValueNEExt {
    /// The value, or an [`ErrorKind::UNSUPPORTED`] error for a kind this build does not know.
    fn value(&self) -> Result<&Value, PluginError>;
}

impl ValueNEExt for ValueNE {
    fn value(&self) -> Result<&Value, PluginError> {
        self.as_enum().map_err(|_| {
            PluginError::new(
                ErrorKind::UNSUPPORTED,
                "a value of a kind this plugin's SDK does not know (sent by a newer host)",
            )
        })
    }
}
