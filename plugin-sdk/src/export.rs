//! What [`export_plugin!`](crate::export_plugin) expands to: the root module's entry points,
//! generic over the dialect, and the one library header of a plugin library. Not for direct
//! use.
//!
//! **Why the header is here and not in the macro.** abi_stable's loader finds a library's root
//! module through a `#[no_mangle]` static of a fixed name. Written by the macro, it would be
//! defined once per plugin crate, and a host that links two plugin crates statically would not
//! link (two definitions of one symbol). Defined once here, it is in every plugin library (a
//! `cdylib` exports its dependencies' `#[no_mangle]` items) and in a static host exactly once;
//! it serves the one dialect the library registered through `inventory`.

use abi_stable::library::{
    __call_root_module_loader, CheckTypeLayout, IntoRootModuleResult, LibHeader, RootModuleResult,
};
use abi_stable::std_types::{RBoxError, RResult, RVec};
use async_ffi::FfiFuture;

use crate::abi::{
    CONTRACT_VERSION, ConnectOptions, FAULT_OPTION, HostServices, Linkage, LinkedDialect, OrmBox,
    PluginDescription, PluginError, PluginHealth, PluginModule, PluginModuleRef, PluginResult,
    PoolBox, QueryComponentsBox, linked_dialects, without_superseded,
};
use crate::config::{Dialect, Pool as _, export_pool};
use crate::panic_guard::{guard_future, guard_sync};
use crate::state::state_of;
use crate::{SDK_VERSION, logging};
use abi_stable::prefix_type::PrefixTypeTrait;

/// Builds the root module for `D`; `plugin_version` is the plugin crate's version.
pub fn root_module<D: Dialect>(linkage: Linkage, plugin_version: &'static str) -> PluginModuleRef {
    // The version cannot be a generic parameter of an `extern "C" fn`, so it is kept in the
    // dialect's state, which `describe` reads.
    let _ = state_of::<D>().version.set(plugin_version);
    PluginModule {
        describe: describe::<D>,
        init: match linkage {
            Linkage::Library => init::<D, true>,
            Linkage::Static => init::<D, false>,
        },
        health: health::<D>,
        shutdown: shutdown::<D>,
        connect: connect::<D>,
        create_database: create_database::<D>,
        drop_database: drop_database::<D>,
        query_components: query_components::<D>,
        orm_configuration: orm_configuration::<D>,
    }
    .leak_into_prefix()
}

/// The header abi_stable's loader looks up in a plugin library, written out as
/// `#[abi_stable::export_root_module]` writes it (abi_stable 0.11.3).
#[allow(unsafe_code, non_upper_case_globals)]
#[unsafe(no_mangle)]
pub static _1as_0lib_1header_0root_bmodule_bloader: LibHeader = {
    extern "C" fn erased_root_module() -> RootModuleResult {
        __call_root_module_loader(library_root_module)
    }
    type Module = <PluginModuleRef as IntoRootModuleResult>::Module;
    // SAFETY: what the attribute generates: the constructor returns the root module type the
    // header names, and its layout is checked by the host when it loads.
    unsafe { LibHeader::from_constructor::<Module>(erased_root_module, CheckTypeLayout::Yes) }
};

/// The root module of the one dialect this library serves.
fn library_root_module() -> Result<PluginModuleRef, RBoxError> {
    let dialect =
        library_dialect(linked_dialects()).map_err(|reason| RBoxError::from_fmt(&reason))?;
    Ok((dialect.root_module)(Linkage::Library))
}

/// Of the dialects registered in a library, the one it serves: the one no other supersedes.
fn library_dialect(linked: Vec<&'static LinkedDialect>) -> Result<&'static LinkedDialect, String> {
    let serving = without_superseded(linked);
    match serving.as_slice() {
        [dialect] => Ok(dialect),
        [] => Err("the library registers no dialect it serves: call flowdb_plugin_sdk::export_plugin!(YourDialect) once at the root of the plugin crate".to_owned()),
        several => {
            let names: Vec<String> = several
                .iter()
                .map(|dialect| {
                    format!(
                        "`{}` from {} {}",
                        dialect.name, dialect.package, dialect.version
                    )
                })
                .collect();
            Err(format!(
                "the library registers {} dialects ({}) and a plugin library serves exactly one: a plugin crate that builds on another plugin crate names it, export_plugin!(YourDialect, supersedes: [TheirDialect])",
                several.len(),
                names.join(", ")
            ))
        }
    }
}

fn strings(items: &[&str]) -> RVec<abi_stable::std_types::RString> {
    items.iter().map(|item| (*item).into()).collect()
}

extern "C" fn describe<D: Dialect>() -> PluginDescription {
    PluginDescription {
        name: D::NAME.into(),
        version: state_of::<D>()
            .version
            .get()
            .copied()
            .unwrap_or("0.0.0")
            .into(),
        sdk_version: SDK_VERSION.into(),
        abi_version: CONTRACT_VERSION.into(),
        schemes: strings(D::URL_SCHEMES),
        capabilities: strings(D::CAPABILITIES),
    }
}

/// `FORWARD_LOGS`: whether the plugin has logging of its own to forward (a library does; a
/// dialect linked into the host logs straight to the host's subscriber, and a forwarder
/// installed there would hand the host's own events back to it).
extern "C" fn init<D: Dialect, const FORWARD_LOGS: bool>(host: HostServices) -> PluginResult<()> {
    guard_sync(state_of::<D>(), "init", || {
        if FORWARD_LOGS {
            logging::install(host);
        }
        D::on_load()?;
        tracing::debug!(target: "flowdb_plugin", "{} plugin initialised", D::NAME);
        Ok(())
    })
    .into()
}

extern "C" fn health<D: Dialect>() -> PluginHealth {
    let state = state_of::<D>();
    PluginHealth {
        poisoned: state.poison.get().is_some(),
        poison_reason: state.poison.get().cloned().unwrap_or_default().into(),
        shut_down: state.runtime.is_shut_down(),
    }
}

extern "C" fn shutdown<D: Dialect>() {
    // A panic here must not unwind into the host; there is nothing to report it to.
    let _ = std::panic::catch_unwind(|| state_of::<D>().runtime.shutdown());
}

/// Keeps the panics the conformance suite asks for off the terminal, and leaves every other
/// panic to the hook that was there: in a static host that hook is the host's own.
fn silence_requested_panics() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let requested = info
                .payload()
                .downcast_ref::<String>()
                .is_some_and(|message| message.ends_with(REQUESTED_PANIC));
            if !requested {
                previous(info);
            }
        }));
    });
}

/// How every panic the conformance suite asks for ends.
const REQUESTED_PANIC: &str = "as the conformance suite asked";

extern "C" fn connect<D: Dialect>(options: ConnectOptions) -> FfiFuture<PluginResult<PoolBox>> {
    let state = state_of::<D>();
    guard_future(state, "connect", || {
        // The conformance suite's request to panic, on a private copy of the library: the
        // containment it proves is this very guard's.
        let fault = options
            .extra
            .iter()
            .find(|pair| pair.0.as_str() == FAULT_OPTION)
            .map(|pair| pair.1.to_string());
        if matches!(fault.as_deref(), Some("panic" | "panic-in-future")) {
            silence_requested_panics();
        }
        if fault.as_deref() == Some("panic") {
            panic!("{}: a panic in connect, {REQUESTED_PANIC}", D::NAME);
        }
        let panic_in_future = fault.as_deref() == Some("panic-in-future");
        // SQL template overrides are checked against the database as the pool opens: a
        // template that renders SQL the database rejects is refused at start, naming its file.
        let checks = match crate::queries::template_dir(&options) {
            Some(_) => {
                D::query_components(&options).and_then(|queries| queries.validation_statements())
            }
            None => Ok(Vec::new()),
        };
        let connecting = D::connect(options);
        async move {
            if panic_in_future {
                panic!(
                    "{}: a panic in the connect future, {REQUESTED_PANIC}",
                    D::NAME
                );
            }
            let checks = checks?;
            let pool = connecting.await?;
            for (origin, statement) in checks {
                let explain = crate::abi::Statement {
                    sql: format!("EXPLAIN {}", statement.sql).into(),
                    params: statement.params,
                };
                if let Err(err) = pool.fetch_all(explain).await {
                    pool.close().await;
                    return Err(crate::error::Error {
                        kind: crate::abi::ErrorKind::INVALID_ARGUMENT,
                        message: format!(
                            "{origin} renders SQL the database rejects: {}; fix or remove the file",
                            err.message
                        )
                        .into(),
                        ..err
                    });
                }
            }
            Ok(export_pool(state, pool))
        }
    })
}

extern "C" fn create_database<D: Dialect>(options: ConnectOptions) -> FfiFuture<PluginResult<()>> {
    guard_future(state_of::<D>(), "create_database", || {
        D::create_database(options)
    })
}

extern "C" fn drop_database<D: Dialect>(options: ConnectOptions) -> FfiFuture<PluginResult<()>> {
    guard_future(state_of::<D>(), "drop_database", || {
        D::drop_database(options)
    })
}

extern "C" fn query_components<D: Dialect>(
    options: ConnectOptions,
) -> RResult<QueryComponentsBox, PluginError> {
    let state = state_of::<D>();
    guard_sync(state, "query_components", || {
        Ok(crate::queries::export_queries(
            state,
            D::query_components(&options)?,
        ))
    })
    .into()
}

extern "C" fn orm_configuration<D: Dialect>() -> RResult<OrmBox, PluginError> {
    let state = state_of::<D>();
    guard_sync(state, "orm_configuration", || {
        Ok(crate::orm::export_orm(state, D::orm_configuration()))
    })
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::{ErrorKind, PluginResult};
    use crate::doc_example::ExampleDialect;

    /// The SDK writes abi_stable's header static by hand, under the name abi_stable's
    /// loader looks up: a later abi_stable that renamed it would make every plugin unloadable.
    #[test]
    fn the_header_has_the_name_abi_stables_loader_looks_up() {
        assert_eq!(
            "_1as_0lib_1header_0root_bmodule_bloader",
            abi_stable::library::ROOT_MODULE_LOADER_NAME
        );
    }

    fn unused_root(_: Linkage) -> PluginModuleRef {
        unreachable!("the selection never builds a module")
    }

    static BASE: LinkedDialect = LinkedDialect {
        name: "base",
        package: "base-plugin",
        version: "1.0.0",
        supersedes: &[],
        root_module: unused_root,
    };
    static WRAPPER: LinkedDialect = LinkedDialect {
        name: "wrapper",
        package: "wrapper-plugin",
        version: "0.3.0",
        supersedes: &["base"],
        root_module: unused_root,
    };
    /// A wrapper that keeps the name of the dialect it wraps.
    static PATCHED_BASE: LinkedDialect = LinkedDialect {
        name: "base",
        package: "patched-base-plugin",
        version: "1.0.1",
        supersedes: &["base"],
        root_module: unused_root,
    };
    static OTHER: LinkedDialect = LinkedDialect {
        name: "other",
        package: "other-plugin",
        version: "2.0.0",
        supersedes: &[],
        root_module: unused_root,
    };

    #[test]
    fn a_library_serves_its_one_dialect_or_the_one_that_supersedes_the_rest() {
        assert_eq!(library_dialect(vec![&BASE]).map(|d| d.name), Ok("base"));
        assert_eq!(
            library_dialect(vec![&BASE, &WRAPPER]).map(|d| d.name),
            Ok("wrapper")
        );
        assert_eq!(
            library_dialect(vec![&BASE, &PATCHED_BASE]).map(|d| d.package),
            Ok("patched-base-plugin")
        );
        let none = library_dialect(vec![]).expect_err("nothing to serve");
        assert!(
            none.contains("registers no dialect") && none.contains("export_plugin!"),
            "{none}"
        );
        let two = library_dialect(vec![&BASE, &OTHER]).expect_err("two to choose from");
        assert!(
            two.contains("registers 2 dialects")
                && two.contains("`base` from base-plugin 1.0.0")
                && two.contains("`other` from other-plugin 2.0.0")
                && two.contains("supersedes: [TheirDialect]"),
            "{two}"
        );
    }

    /// A second dialect in the same copy of the SDK, as in a host that links two statically.
    struct NeighbourDialect;

    impl Dialect for NeighbourDialect {
        const NAME: &'static str = "neighbour";
        const URL_SCHEMES: &'static [&'static str] = &["neighbour"];
        type Pool = crate::doc_example::ExamplePool;

        async fn connect(_: ConnectOptions) -> crate::Result<Self::Pool> {
            Err(crate::Error::new(ErrorKind::UNSUPPORTED, "no database"))
        }
    }

    /// The error of a connect through `module`, which every connect here ends in.
    fn connect_with(module: PluginModuleRef, fault: Option<&str>) -> PluginError {
        use crate::abi::{PoolOptions, TlsOptions};
        use abi_stable::std_types::{ROption, Tuple2};
        let options = ConnectOptions {
            url: "example://".into(),
            echo: false,
            statement_timeout_ms: ROption::RNone,
            connect_timeout_ms: ROption::RNone,
            pool: PoolOptions {
                size: 1,
                max_overflow: 0,
                recycle_secs: 0,
                acquire_timeout_ms: ROption::RNone,
            },
            application_name: ROption::RNone,
            search_path: ROption::RNone,
            statement_cache_size: ROption::RNone,
            tls: TlsOptions {
                enabled: false,
                ca_file: ROption::RNone,
                cert_file: ROption::RNone,
                key_file: ROption::RNone,
                check_hostname: true,
            },
            extra: fault
                .map(|fault| Tuple2(FAULT_OPTION.into(), fault.into()))
                .into_iter()
                .collect(),
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime");
        match runtime.block_on((module.connect())(options)) {
            PluginResult::ROk(_) => panic!("a connect that reaches no database succeeded"),
            PluginResult::RErr(err) => err,
        }
    }

    /// Two dialects linked into one binary share the SDK: a panic in one must poison that one
    /// alone, and shutting one down must leave the other running.
    #[test]
    fn a_panic_or_a_shutdown_reaches_only_its_own_dialect() {
        let example = root_module::<ExampleDialect>(Linkage::Static, "1.0.0");
        let neighbour = root_module::<NeighbourDialect>(Linkage::Static, "2.0.0");
        assert_eq!((neighbour.describe())().version.as_str(), "2.0.0");
        assert_eq!((example.describe())().version.as_str(), "1.0.0");
        let panicked = connect_with(example, Some("panic"));
        assert_eq!(panicked.kind, ErrorKind::PANIC, "{panicked}");
        assert!((example.health())().poisoned);
        assert_eq!(connect_with(example, None).kind, ErrorKind::POISONED);
        assert!(
            !(neighbour.health())().poisoned,
            "the neighbour is poisoned too"
        );
        let refused = connect_with(neighbour, None);
        assert_eq!(refused.kind, ErrorKind::UNSUPPORTED, "{refused}");
        (neighbour.shutdown())();
        assert!((neighbour.health())().shut_down);
        assert!(!(example.health())().shut_down);
        assert_eq!(connect_with(neighbour, None).kind, ErrorKind::SHUT_DOWN);
    }
}
