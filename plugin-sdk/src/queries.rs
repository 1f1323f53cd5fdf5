//! Tier 2, query components: the dialect's SQL building blocks.
//!
//! ABI 0.1 declares the tier; the components (upserts, JSON helpers, intervals, work-queue
//! polling) come with the query-components work. A plugin that has none keeps the default.

use abi_stable::sabi_trait::TD_Opaque;
use abi_stable::std_types::{RStr, RString};

use crate::abi::{
    PluginResult, QueryComponents, QueryComponents_TO, QueryComponentsBox, Statement,
};
use crate::error::{Error, ErrorExt, Result};

/// The dialect's query components.
///
/// Required: [`unique_key`](DialectQueries::unique_key). [`render`](DialectQueries::render)
/// defaults to "unsupported".
///
/// ```
/// use flowdb_plugin_sdk::prelude::*;
///
/// struct MyQueries;
/// impl DialectQueries for MyQueries {
///     fn unique_key(&self) -> String { "my-dialect-queries".into() }
/// }
/// let err = MyQueries.render("upsert", "{}").unwrap_err();
/// assert_eq!(err.kind, ErrorKind::UNSUPPORTED);
/// ```
pub trait DialectQueries: Send + Sync + 'static {
    /// Identifies this set of components; part of the host's interface cache key.
    fn unique_key(&self) -> String;

    /// Renders the named component with its JSON arguments.
    fn render(&self, component: &str, _arguments_json: &str) -> Result<Statement> {
        Err(Error::unsupported(&format!(
            "query component `{component}`"
        )))
    }
}

/// The default: a dialect with no query components yet.
pub(crate) struct NoQueryComponents {
    pub(crate) dialect: &'static str,
}

impl DialectQueries for NoQueryComponents {
    fn unique_key(&self) -> String {
        format!("{}-query-components", self.dialect)
    }
}

pub(crate) fn export_queries(queries: Box<dyn DialectQueries>) -> QueryComponentsBox {
    QueryComponents_TO::from_value(ExportedQueries(queries), TD_Opaque)
}

struct ExportedQueries(Box<dyn DialectQueries>);

impl QueryComponents for ExportedQueries {
    fn unique_key(&self) -> RString {
        crate::panic_guard::guard_sync("query components unique_key", || Ok(self.0.unique_key()))
            .unwrap_or_default()
            .into()
    }

    fn render(&self, component: RStr<'_>, arguments_json: RStr<'_>) -> PluginResult<Statement> {
        crate::panic_guard::guard_sync("query component render", || {
            self.0.render(component.as_str(), arguments_json.as_str())
        })
        .into()
    }
}
