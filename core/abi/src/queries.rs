//! Tier 2, query components: the dialect-specific SQL of Prefect's `query_components.py`.
//!
//! ABI 0.1 declares the tier; the components themselves arrive as later prefix fields.

use abi_stable::sabi_trait;
use abi_stable::std_types::{RBox, RStr, RString};

use crate::config::Statement;
use crate::error::PluginResult;

/// The dialect's SQL building blocks (upserts, JSON helpers, intervals, work-queue polling…).
#[sabi_trait]
pub trait QueryComponents: Send + Sync {
    /// Identifies this set of components; part of the interface's cache key, as in Prefect.
    fn unique_key(&self) -> RString;

    /// Renders the named component with its arguments (a JSON object) into a statement.
    ///
    /// A component the plugin does not have is an [`ErrorKind::UNSUPPORTED`](crate::ErrorKind)
    /// error naming it.
    #[sabi(last_prefix_field)]
    fn render(&self, component: RStr<'_>, arguments_json: RStr<'_>) -> PluginResult<Statement>;
}

/// An owned set of query components behind the ABI.
pub type QueryComponentsBox = QueryComponents_TO<'static, RBox<()>>;
