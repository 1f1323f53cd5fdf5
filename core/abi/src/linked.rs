//! Dialects linked into a binary, found through `inventory`.
//!
//! `flowdb_plugin_sdk::export_plugin!` registers its dialect here, in whatever binary the plugin
//! crate ends up in. A plugin *library* holds exactly one registration, which the SDK's library
//! header serves to a host that loads the file. A host that lists a plugin crate among its own
//! dependencies holds that crate's registration too, and its registry offers the dialect as
//! *built-in*: the same root module, reached without a file.

use crate::module::PluginModuleRef;

/// How a dialect's root module will be used; it decides what `init` does with logging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Linkage {
    /// Loaded from a plugin library: the plugin has its own copies of `tracing` and `log`,
    /// so `init` installs a forwarder to the host's logging callback.
    Library,
    /// Linked into the host's binary: it shares the host's `tracing` and `log`, whose events
    /// already reach the host's subscriber, so `init` installs nothing.
    Static,
}

/// One dialect registered by `export_plugin!` in this binary.
#[derive(Debug)]
pub struct LinkedDialect {
    /// The dialect's name (`Dialect::NAME`).
    pub name: &'static str,
    /// The Cargo package that registered it, for messages about which dependency linked it.
    pub package: &'static str,
    /// That package's version.
    pub version: &'static str,
    /// The names of dialects this one stands in for: a plugin crate that builds on another
    /// plugin crate links that crate's registration too, and names it here so that its own
    /// library serves its own dialect.
    pub supersedes: &'static [&'static str],
    /// Builds the dialect's root module. Called once per linkage by the host.
    pub root_module: fn(Linkage) -> PluginModuleRef,
}

inventory::collect!(LinkedDialect);

/// Every dialect registered in this binary, sorted by name and package (the order of
/// `inventory`'s own list depends on the linker).
///
/// ```
/// // The contract crate registers no dialect of its own.
/// assert!(flowdb_abi::linked_dialects().is_empty());
/// ```
pub fn linked_dialects() -> Vec<&'static LinkedDialect> {
    let mut linked: Vec<&'static LinkedDialect> = inventory::iter::<LinkedDialect>().collect();
    linked.sort_by_key(|dialect| (dialect.name, dialect.package));
    linked
}

/// The registrations that serve: all but those another registration supersedes. A dialect
/// that itself declares `supersedes` is kept even when another names it (a wrapper that keeps
/// the name of the dialect it wraps).
///
/// ```
/// use flowdb_abi::{Linkage, LinkedDialect, PluginModuleRef, without_superseded};
///
/// fn never(_: Linkage) -> PluginModuleRef { unreachable!() }
/// static BASE: LinkedDialect = LinkedDialect {
///     name: "postgresql", package: "pg", version: "1.0.0", supersedes: &[], root_module: never,
/// };
/// static PATCHED: LinkedDialect = LinkedDialect {
///     name: "postgresql", package: "pg-patched", version: "1.0.1", supersedes: &["postgresql"],
///     root_module: never,
/// };
/// let serving = without_superseded(vec![&BASE, &PATCHED]);
/// assert_eq!(serving.iter().map(|d| d.package).collect::<Vec<_>>(), ["pg-patched"]);
/// ```
pub fn without_superseded(linked: Vec<&'static LinkedDialect>) -> Vec<&'static LinkedDialect> {
    let superseded: Vec<&str> = linked
        .iter()
        .flat_map(|dialect| dialect.supersedes.iter().copied())
        .collect();
    linked
        .into_iter()
        .filter(|dialect| !dialect.supersedes.is_empty() || !superseded.contains(&dialect.name))
        .collect()
}
