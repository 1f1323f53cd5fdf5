//! The stable-ABI contract between the flowdb host and its dialect plugins.
//!
//! This crate holds only types and traits: the value and error types that cross the boundary,
//! the three tiers of Prefect's database layer as `#[sabi_trait]` objects, and the root module a
//! plugin exports. It has no sqlx, tokio or serde in its public types, so a plugin links it
//! without linking the host.
//!
//! **Its crate version is the ABI version.** A host accepts a plugin built against the same or a
//! newer *compatible* version of this crate (`^host`), never an older one: abi_stable prefix types
//! can gain fields at the end, and a plugin that lacks them cannot serve a newer host.
//!
//! How the contract grows without breaking plugins:
//! - [`PluginModule`] (the root module) and the tier traits are prefix types: new entries go
//!   after the `last_prefix_field`, and the host sees them as optional.
//! - [`Value`] is a non-exhaustive enum (abi_stable's `NonExhaustive`), so a newer plugin can send
//!   a value kind an older host does not know; the host gets an error, not undefined behaviour.
//! - [`ErrorKind`] and [`LogLevel`] are integer newtypes, open to new codes.
//! - [`ConnectOptions`] carries an `extra` key/value list for options added later.
//! - Tier 2 is open-ended by design: components are named and listed at run time
//!   ([`QueryComponents::components`]), so a plugin adds components and arguments without a
//!   change of layout; [`catalogue`] names the standard ones.
//!
//! Plugin authors do not implement these traits by hand: `flowdb-plugin-sdk` does it, wrapping
//! every entry point and every future so that a panic becomes an error instead of killing the
//! host.
#![deny(missing_docs)]
// abi_stable's derive and `#[sabi_trait]` macros expand to unsafe code, so `unsafe_code` cannot
// be denied here; this crate's own source writes none.

pub mod catalogue;
mod config;
mod error;
mod module;
mod orm;
pub mod queries;
pub mod url;
mod value;

pub use abi_stable;
pub use async_ffi;

pub use crate::config::{
    ConnectOptions, DatabasePool, DatabasePool_TO, DatabaseTransaction, DatabaseTransaction_TO,
    ExecOutcome, PoolBox, PoolOptions, PoolStatus, RowSet, ServerInfo, Statement, StatementOutcome,
    TlsOptions, TransactionBox, UnitOfWork,
};
pub use crate::error::{ErrorKind, PluginError, PluginResult};
pub use crate::module::{
    HostServices, LogFn, LogLevel, PluginDescription, PluginHealth, PluginModule, PluginModuleRef,
    ROOT_MODULE_BASE_NAME,
};
pub use crate::orm::{Migration, OrmBox, OrmConfiguration, OrmConfiguration_TO};
pub use crate::queries::{
    ComponentInfo, ComponentKind, ParameterInfo, QueryComponents, QueryComponents_TO,
    QueryComponentsBox,
};
pub use crate::value::{NamedValue, Value, Value_NE as ValueNE, ValueKind};

/// The version of this contract crate, which plugins record in their manifest and description.
pub const ABI_VERSION: &str = env!("CARGO_PKG_VERSION");
