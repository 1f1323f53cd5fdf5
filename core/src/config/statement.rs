//! [`Statement`]: one SQL statement and its parameters, as the tier-1 types send it to the
//! plugin, and how a plugin's result becomes the library's.

use abi_stable::std_types::RResult;
use flowdb_abi::{PluginResult, ValueNE};

use crate::error::{Error, Result};
use crate::plugin::LoadedPlugin;
use crate::value::Value;

/// One SQL statement in the dialect's syntax with its parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The SQL text, with `$1`, `$2`, … placeholders on every dialect (`$n` is
    /// `params[n - 1]`; the contract's convention).
    pub sql: String,
    /// The parameters in placeholder order.
    pub params: Vec<Value>,
}

impl Statement {
    /// A statement with parameters.
    ///
    /// ```
    /// use flowdb::{Statement, params};
    /// let statement = Statement::new("insert into t (a) values ($1)", params![1_i64]);
    /// assert_eq!(statement.params.len(), 1);
    /// ```
    pub fn new(sql: impl Into<String>, params: Vec<Value>) -> Statement {
        Statement {
            sql: sql.into(),
            params,
        }
    }

    pub(crate) fn into_abi(self) -> flowdb_abi::Statement {
        flowdb_abi::Statement {
            sql: self.sql.into(),
            params: self.params.into_iter().map(ValueNE::new).collect(),
        }
    }
}

/// Maps a plugin result into the library's, naming the plugin.
pub(crate) fn into_result<T>(plugin: &LoadedPlugin, result: PluginResult<T>) -> Result<T> {
    match result {
        RResult::ROk(value) => Ok(value),
        RResult::RErr(err) => Err(Error::plugin(plugin.name(), err)),
    }
}
