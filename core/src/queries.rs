//! Tier 2, query components, as the plugin provides them.

use abi_stable::std_types::{RResult, RStr};
use flowdb_abi::QueryComponentsBox;

use crate::config::Statement;
use crate::error::{Error, Result};

/// The dialect's SQL building blocks.
pub struct QueryComponents {
    inner: QueryComponentsBox,
    plugin: String,
}

impl std::fmt::Debug for QueryComponents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueryComponents")
            .field("unique_key", &self.unique_key())
            .finish()
    }
}

impl QueryComponents {
    pub(crate) fn new(inner: QueryComponentsBox, plugin: &str) -> QueryComponents {
        QueryComponents {
            inner,
            plugin: plugin.to_owned(),
        }
    }

    /// Identifies the component set; part of the interface's cache key.
    pub fn unique_key(&self) -> String {
        self.inner.unique_key().into_string()
    }

    /// Renders the named component with its JSON arguments into a statement.
    pub fn render(&self, component: &str, arguments: &serde_json::Value) -> Result<Statement> {
        let arguments = arguments.to_string();
        match self
            .inner
            .render(RStr::from_str(component), RStr::from_str(&arguments))
        {
            RResult::ROk(statement) => Ok(Statement {
                sql: statement.sql.into_string(),
                params: statement
                    .params
                    .iter()
                    .filter_map(|value| value.as_enum().ok().cloned())
                    .collect(),
            }),
            RResult::RErr(err) => Err(Error::plugin(&self.plugin, err)),
        }
    }
}
