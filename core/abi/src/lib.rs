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
mod linked;
mod module;
mod orm;
pub mod queries;
pub mod url;
mod value;

pub use abi_stable;
pub use async_ffi;
#[doc(hidden)]
pub use inventory;

pub use crate::config::{
    ConnectOptions, DatabasePool, DatabasePool_TO, DatabaseTransaction, DatabaseTransaction_TO,
    ExecOutcome, FAULT_OPTION, PoolBox, PoolOptions, PoolStatus, RowSet, ServerInfo, Statement,
    StatementOutcome, TlsOptions, TransactionBox, UnitOfWork,
};
pub use crate::error::{ErrorKind, PluginError, PluginResult};
pub use crate::linked::{Linkage, LinkedDialect, linked_dialects, without_superseded};
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

/// The release version of this crate (and of the whole workspace, the SDK included). It is not
/// what decides whether a plugin loads: [`CONTRACT_VERSION`] is.
pub const ABI_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The version of the contract between host and plugin: the layouts in this crate, the meaning
/// of every call, and the standard query components. It changes only when the contract does,
/// not with every release of the host or the SDK, and a plugin records the one it was built
/// against in its manifest (`contract_version`) and its description.
///
/// **Which hosts load which plugins.** A host of contract `H` loads a plugin built against
/// contract `P` when both have the same major version (the same minor one while the major is
/// 0) and `P` is not newer than `H`: the contract only grows within a minor version (new
/// calls at the end of a prefix-typed module, new standard components, new error kinds and
/// value kinds the host treats as unknown), so an older plugin lacks only what was added — a
/// host asking it for a newer component gets `UNSUPPORTED` naming it — while a newer plugin
/// may rely on something this host lacks. Anything else is refused before the library is
/// opened, with the SDK version to rebuild against.
///
/// History: 0.2.0 — typed components, the tier-2 contract of issue 7; 0.2.1 — the standard
/// fragments `for_update`, `in_list`, `json_has_all` and `json_has_any`; 0.2.2 — the
/// properties `nulls_ordering` and `deferred_foreign_keys`, and `insert`'s conflict clause
/// written by the dialect.
///
/// ```
/// let parts: Vec<u64> = flowdb_abi::CONTRACT_VERSION
///     .split('.')
///     .map(|part| part.parse().unwrap())
///     .collect();
/// assert_eq!(parts.len(), 3, "major.minor.patch");
/// ```
pub const CONTRACT_VERSION: &str = "0.2.2";
