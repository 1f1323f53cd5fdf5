//! What [`export_plugin!`](crate::export_plugin) expands to: the root module's entry points,
//! generic over the dialect. Not for direct use.

use abi_stable::std_types::{RResult, RString, RVec};
use async_ffi::FfiFuture;

use crate::abi::{
    CONTRACT_VERSION, ConnectOptions, FAULT_OPTION, HostServices, OrmBox, PluginDescription,
    PluginError, PluginHealth, PluginModule, PluginModuleRef, PluginResult, PoolBox,
    QueryComponentsBox,
};
use crate::config::{Dialect, Pool as _, export_pool};
use crate::panic_guard::{guard_future, guard_sync};
use crate::{SDK_VERSION, logging, runtime};
use abi_stable::prefix_type::PrefixTypeTrait;

/// Builds the root module for `D`; `plugin_version` is the plugin crate's version.
pub fn root_module<D: Dialect>(plugin_version: &'static str) -> PluginModuleRef {
    // The version cannot be a generic parameter of an `extern "C" fn`, so it is kept in a
    // static the `describe` entry reads.
    let _ = PLUGIN_VERSION.set(plugin_version);
    PluginModule {
        describe: describe::<D>,
        init: init::<D>,
        health,
        shutdown,
        connect: connect::<D>,
        create_database: create_database::<D>,
        drop_database: drop_database::<D>,
        query_components: query_components::<D>,
        orm_configuration: orm_configuration::<D>,
    }
    .leak_into_prefix()
}

static PLUGIN_VERSION: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();

fn strings(items: &[&str]) -> RVec<RString> {
    items.iter().map(|item| RString::from(*item)).collect()
}

extern "C" fn describe<D: Dialect>() -> PluginDescription {
    PluginDescription {
        name: D::NAME.into(),
        version: PLUGIN_VERSION.get().copied().unwrap_or("0.0.0").into(),
        sdk_version: SDK_VERSION.into(),
        abi_version: CONTRACT_VERSION.into(),
        schemes: strings(D::URL_SCHEMES),
        capabilities: strings(D::CAPABILITIES),
    }
}

extern "C" fn init<D: Dialect>(host: HostServices) -> PluginResult<()> {
    // Runs before the runtime exists: naming its threads must happen first.
    runtime::set_plugin_name(D::NAME);
    guard_sync("init", || {
        logging::install(host);
        D::on_load()?;
        tracing::debug!(target: "flowdb_plugin", "{} plugin initialised", D::NAME);
        Ok(())
    })
    .into()
}

extern "C" fn health() -> PluginHealth {
    PluginHealth {
        poisoned: crate::is_poisoned(),
        poison_reason: crate::poison_reason().unwrap_or_default().into(),
        shut_down: runtime::is_shut_down(),
    }
}

extern "C" fn shutdown() {
    // A panic here must not unwind into the host; there is nothing to report it to.
    let _ = std::panic::catch_unwind(runtime::shutdown);
}

extern "C" fn connect<D: Dialect>(options: ConnectOptions) -> FfiFuture<PluginResult<PoolBox>> {
    guard_future("connect", || {
        // The conformance suite's request to panic, on a private copy of the library: the
        // containment it proves is this very guard's.
        let fault = options
            .extra
            .iter()
            .find(|pair| pair.0.as_str() == FAULT_OPTION)
            .map(|pair| pair.1.to_string());
        if matches!(fault.as_deref(), Some("panic" | "panic-in-future")) {
            // The panic asked for is expected: keep its message and backtrace off the
            // host's terminal. The hook is this library's own (a plugin links its own std),
            // and the copy the suite asks this of is poisoned by it anyway.
            std::panic::set_hook(Box::new(|_| {}));
        }
        if fault.as_deref() == Some("panic") {
            panic!(
                "{}: a panic in connect, as the conformance suite asked",
                D::NAME
            );
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
                    "{}: a panic in the connect future, as the conformance suite asked",
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
            Ok(export_pool(pool))
        }
    })
}

extern "C" fn create_database<D: Dialect>(options: ConnectOptions) -> FfiFuture<PluginResult<()>> {
    guard_future("create_database", || D::create_database(options))
}

extern "C" fn drop_database<D: Dialect>(options: ConnectOptions) -> FfiFuture<PluginResult<()>> {
    guard_future("drop_database", || D::drop_database(options))
}

extern "C" fn query_components<D: Dialect>(
    options: ConnectOptions,
) -> RResult<QueryComponentsBox, PluginError> {
    guard_sync("query_components", || {
        Ok(crate::queries::export_queries(
            D::query_components(&options)?,
            D::NAME,
        ))
    })
    .into()
}

extern "C" fn orm_configuration<D: Dialect>() -> RResult<OrmBox, PluginError> {
    guard_sync("orm_configuration", || {
        Ok(crate::orm::export_orm(D::orm_configuration()))
    })
    .into()
}

#[cfg(test)]
mod tests {
    /// `export_plugin!` writes abi_stable's header static by hand, under the name abi_stable's
    /// loader looks up: a later abi_stable that renamed it would make every plugin unloadable.
    #[test]
    fn the_header_has_the_name_abi_stables_loader_looks_up() {
        assert_eq!(
            "_1as_0lib_1header_0root_bmodule_bloader",
            abi_stable::library::ROOT_MODULE_LOADER_NAME
        );
    }
}
