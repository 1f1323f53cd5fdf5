//! Everything a third party needs to write a flowdb dialect plugin.
//!
//! A plugin is a `cdylib` that implements [`Dialect`] (tier 1: pools, transactions, create and
//! drop), optionally [`DialectQueries`] (tier 2) and [`DialectOrm`] (tier 3), and names its
//! dialect type in [`export_plugin!`]. The SDK does the rest, and the rest is what keeps a host
//! alive:
//!
//! - **A runtime of the plugin's own.** tokio's context does not cross a `cdylib` boundary, so
//!   each plugin lazily builds one multi-thread runtime ([`runtime`]). Every future the host
//!   polls is polled *and dropped* with that runtime entered, so sqlx finds its reactor and a
//!   host-side timeout that cancels a query cannot abort the process.
//! - **Panics become errors.** Every entry point and every poll runs under `catch_unwind`. A
//!   panic is returned as an [`ErrorKind::PANIC`](crate::abi::ErrorKind::PANIC) error and poisons the plugin: later calls fail
//!   fast with [`ErrorKind::POISONED`](crate::abi::ErrorKind::POISONED).
//! - **Logs reach the host.** `tracing` events and `log` records inside the plugin are forwarded
//!   to the host's subscriber through a callback given at initialisation.
//!
//! A plugin crate depends on this SDK (and its driver) only: the SDK re-exports what it needs
//! of abi_stable ([`abi::abi_stable`], and `RVec`, `RString`, `ROption` in the [`prelude`]).
//!
//! **Versions.** Three versions meet in a plugin, and only one decides whether a host loads
//! it: the *contract* version ([`CONTRACT_VERSION`], `contract_version` in the manifest the
//! build script writes), which changes only when the host–plugin contract does. A host of
//! contract `H` loads a plugin of contract `P` when they share the major version (the minor
//! one while it is 0) and `P` is not newer than `H` — an older plugin only lacks what was
//! added since (a newer standard component it is asked for is `UNSUPPORTED`, naming it). The
//! SDK's own version ([`SDK_VERSION`], `sdk_version`) and the plugin's (`version`) are
//! recorded for messages and support. Every field of the manifest must match what the
//! library says of itself, or the host refuses it.
//!
//! **Start with the [guide]**: from an empty crate (`flowdb plugins new`) to a loaded plugin
//! that passes the conformance suite.
//!
//! **Proving a plugin: the conformance suite.** `flowdb plugins verify PLUGIN --url URL`
//! runs the host's conformance suite (`flowdb::verify`) against the built library and a real
//! database of the dialect: load and contract checks, round trips, transactions, error kinds,
//! cancellation, foreign executors, the migrations up, down and up, every value kind through
//! Prefect's tables, and every capability the plugin declares (`create-database`,
//! `drop-database`, `float-special`, `skip-locked`: a declared capability is checked, so a
//! claim the plugin cannot keep fails). Declare only what the suite confirms. From the
//! plugin's own tests, with `flowdb` as a dev-dependency:
//!
//! ```ignore
//! #[tokio::test]
//! async fn conforms() {
//!     // Where the crate's own build wrote it (a crate of its own: `<crate>/target/debug`).
//!     let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/target/debug/mydialect.flowdb-plugin.toml");
//!     let options = flowdb::verify::VerifyOptions::new(manifest, Some("mydialect://localhost/test".into()));
//!     let report = flowdb::verify::verify(options).await.unwrap();
//!     assert!(report.passed(), "{}", report.to_table());
//! }
//! ```
//!
//! ```
//! use flowdb_plugin_sdk::prelude::*;
//!
//! /// A dialect that cannot connect anywhere, to show the shape.
//! struct NowhereDialect;
//!
//! struct NowherePool;
//!
//! struct NowhereTransaction;
//!
//! impl Dialect for NowhereDialect {
//!     const NAME: &'static str = "nowhere";
//!     const URL_SCHEMES: &'static [&'static str] = &["nowhere"];
//!     type Pool = NowherePool;
//!
//!     fn connect(_options: ConnectOptions) -> impl Future<Output = Result<NowherePool>> + Send + use<> {
//!         async { Ok(NowherePool) }
//!     }
//! }
//!
//! impl Pool for NowherePool {
//!     type Transaction = NowhereTransaction;
//!
//!     fn execute(&self, _: Statement) -> impl Future<Output = Result<ExecOutcome>> + Send + use<> {
//!         async { Err(Error::new(ErrorKind::UNSUPPORTED, "nowhere runs nothing")) }
//!     }
//!     fn fetch_all(&self, _: Statement) -> impl Future<Output = Result<RowSet>> + Send + use<> {
//!         async { Ok(RowSet { columns: RVec::new(), values: RVec::new() }) }
//!     }
//!     fn begin(&self, _: bool) -> impl Future<Output = Result<NowhereTransaction>> + Send + use<> {
//!         async { Ok(NowhereTransaction) }
//!     }
//!     fn server_info(&self) -> impl Future<Output = Result<ServerInfo>> + Send + use<> {
//!         async { Ok(ServerInfo { dialect: "nowhere".into(), server_version: "0".into() }) }
//!     }
//!     fn status(&self) -> PoolStatus {
//!         PoolStatus { size: 0, idle: 0, max_size: 0 }
//!     }
//! }
//!
//! impl Transaction for NowhereTransaction {
//!     fn execute(&mut self, _: Statement) -> impl Future<Output = Result<ExecOutcome>> + Send + '_ {
//!         async { Ok(ExecOutcome { rows_affected: 0 }) }
//!     }
//!     fn fetch_all(&mut self, _: Statement) -> impl Future<Output = Result<RowSet>> + Send + '_ {
//!         async { Ok(RowSet { columns: RVec::new(), values: RVec::new() }) }
//!     }
//!     fn commit(self) -> impl Future<Output = Result<()>> + Send { async { Ok(()) } }
//!     fn rollback(self) -> impl Future<Output = Result<()>> + Send { async { Ok(()) } }
//! }
//!
//! // In the plugin crate: flowdb_plugin_sdk::export_plugin!(NowhereDialect);
//! ```
#![deny(missing_docs)]
// The SDK's own code is safe Rust but for one item, the library header abi_stable's loader
// looks up (export.rs); the rest of the unsafe code a plugin contains is what abi_stable's,
// async-ffi's and inventory's macros generate.
#![deny(unsafe_code)]

pub mod config;
#[doc(hidden)]
pub mod doc_example;
pub mod error;
#[doc(hidden)]
pub mod export;
pub mod guide;
pub mod logging;
pub mod orm;
mod panic_guard;
pub mod queries;
pub mod runtime;
pub mod schema;
mod state;
pub mod value;

pub use abi_stable;
pub use flowdb_abi as abi;
/// The URL with its password masked, the same on both sides of the boundary.
pub use flowdb_abi::url::redact_url;

pub use crate::config::{Dialect, Pool, Transaction};
pub use crate::error::{Error, Result};
pub use crate::orm::DialectOrm;
pub use crate::panic_guard::{is_poisoned, poison_reason};
pub use crate::queries::DialectQueries;

/// The SDK version, recorded in each plugin's description and manifest.
pub const SDK_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The contract version this SDK builds plugins against; it decides which hosts load them
/// (see [the rule](flowdb_abi::CONTRACT_VERSION)).
///
/// ```
/// assert_eq!(flowdb_plugin_sdk::CONTRACT_VERSION, flowdb_plugin_sdk::abi::CONTRACT_VERSION);
/// ```
pub use flowdb_abi::CONTRACT_VERSION;

/// Everything a plugin usually needs, for a glob import.
pub mod prelude {
    pub use std::future::Future;

    pub use abi_stable::std_types::{ROption, RString, RVec};

    pub use crate::abi::{
        ComponentInfo, ConnectOptions, ErrorKind, ExecOutcome, Migration, PoolStatus, RowSet,
        ServerInfo, Statement, StatementOutcome, UnitOfWork, Value, ValueNE,
    };
    pub use crate::config::{Dialect, Pool, Transaction};
    pub use crate::error::{Error, ErrorExt, Result};
    pub use crate::orm::DialectOrm;
    pub use crate::queries::DialectQueries;
    pub use crate::value::{ValueExt, ValueNEExt};
}

/// Declares a plugin: registers its dialect, for the host that loads the library and for a host
/// that links the crate in statically.
///
/// # Parameters
/// - `$dialect`: the type implementing [`Dialect`]. Its `NAME`, `URL_SCHEMES` and
///   `CAPABILITIES` become the plugin's description; the plugin's version is the calling crate's
///   `CARGO_PKG_VERSION`.
///
/// The root module wraps every entry point in `catch_unwind` and the dialect's runtime, and
/// checks the dialect's poison flag first. Invoke it once, at the crate root.
///
/// **One crate, two ways to ship it.** With `crate-type = ["cdylib", "rlib"]` the same crate is
/// a plugin library (the SDK's library header serves the one dialect registered here) and a
/// dependency a host can link into its own binary (`use my_dialect as _;` in the host, and the
/// dialect is *built-in*: `flowdb plugins list` shows it so, and it serves its schemes before
/// any plugin file does).
///
/// **A plugin crate built on another.** A plugin library serves exactly one dialect, but a
/// crate that reuses another plugin crate's pool links that crate's registration too. Name
/// the dialects yours stands in for, and the library serves yours:
/// `export_plugin!(CockroachDialect, supersedes: [PgDialect])`. A static host that links both
/// crates has both dialects built in.
///
/// ```ignore
/// flowdb_plugin_sdk::export_plugin!(SqliteDialect);
/// ```
#[macro_export]
macro_rules! export_plugin {
    ($dialect:ty) => {
        $crate::export_plugin!($dialect, supersedes: []);
    };
    ($dialect:ty, supersedes: [$($superseded:ty),* $(,)?]) => {
        const _: () = {
            fn flowdb_root_module(
                linkage: $crate::abi::Linkage,
            ) -> $crate::abi::PluginModuleRef {
                $crate::export::root_module::<$dialect>(linkage, env!("CARGO_PKG_VERSION"))
            }
            $crate::abi::inventory::submit! {
                $crate::abi::LinkedDialect {
                    name: <$dialect as $crate::Dialect>::NAME,
                    package: env!("CARGO_PKG_NAME"),
                    version: env!("CARGO_PKG_VERSION"),
                    supersedes: &[$(<$superseded as $crate::Dialect>::NAME),*],
                    root_module: flowdb_root_module,
                }
            }
        };
    };
}
