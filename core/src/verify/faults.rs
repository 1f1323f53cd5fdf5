//! Checks on private copies of the plugin's library: a panic inside the plugin is contained and
//! poisons only that copy, and the plugin works beside another loaded plugin.
//!
//! A copy of the library (and its manifest) in a directory of the suite's own is a separate
//! load with its own statics — poison flag, runtime — so poisoning it leaves the plugin the
//! other checks use, and the host, untouched.

use std::sync::Arc;

use abi_stable::std_types::{RResult, RString, Tuple2};
use futures::FutureExt as _;

use super::{Context, SKIPPED};
use crate::ErrorKind;
use crate::config::DatabaseConfig;
use crate::interface::DbInterface;
use crate::plugin::{LoadedPlugin, MANIFEST_SUFFIX, PluginRegistry, SearchPath};
use flowdb_abi::{FAULT_OPTION, PluginError};

/// Loads a private copy of `plugin`'s library, described by a copy of its manifest, from a
/// new directory `label` inside the run's own.
fn private_copy(context: &Context, label: &str) -> Result<Arc<LoadedPlugin>, String> {
    let plugin = &context.plugin;
    let Some(library_path) = plugin.library_path() else {
        return Err(format!(
            "{SKIPPED}the dialect is {}: there is no library to load a second, private copy of; verify its library build for this check",
            plugin.location()
        ));
    };
    let dir = context.work_dir.path().join(label);
    let fail = |what: &str, err: std::io::Error| format!("{what} {}: {err}", dir.display());
    std::fs::create_dir(&dir).map_err(|err| fail("cannot create", err))?;
    let library_name = library_path
        .file_name()
        .ok_or("the plugin's library has no file name")?;
    std::fs::copy(library_path, dir.join(library_name))
        .map_err(|err| fail("cannot copy the library into", err))?;
    let manifest = plugin.manifest();
    // TOML's basic strings escape as JSON's do.
    let quote = |text: &str| serde_json::Value::from(text).to_string();
    let list = |items: &[String]| {
        items
            .iter()
            .map(|item| quote(item))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = format!(
        "manifest_version = {}\nname = {}\nversion = {}\nsdk_version = {}\n{}schemes = [{}]\ncapabilities = [{}]\nlibrary = {}\n",
        manifest.manifest_version,
        quote(&manifest.name),
        quote(&manifest.version),
        quote(&manifest.sdk_version),
        manifest
            .contract_version
            .as_deref()
            .map(|version| format!("contract_version = {}\n", quote(version)))
            .unwrap_or_default(),
        list(&manifest.schemes),
        list(&manifest.capabilities),
        quote(&library_name.to_string_lossy())
    );
    let manifest_path = dir.join(format!("copy{MANIFEST_SUFFIX}"));
    std::fs::write(&manifest_path, text)
        .map_err(|err| fail("cannot write a manifest into", err))?;
    let registry = PluginRegistry::discover_libraries(SearchPath::explicit_only([manifest_path]));
    let candidate = registry
        .candidates()
        .first()
        .ok_or("the copied manifest was not found")?;
    registry.load_candidate(candidate).map_err(|failure| {
        format!(
            "a private copy of the library did not load: {}",
            failure.reason()
        )
    })
}

/// Asks `plugin`'s `connect` for `fault` and returns the call's error, or None when it
/// connected (a plugin whose SDK ignores fault requests).
async fn connect_with_fault(
    plugin: &LoadedPlugin,
    url: &str,
    fault: Option<&str>,
) -> Option<PluginError> {
    let mut options = DatabaseConfig::new(url).connect_options();
    if let Some(fault) = fault {
        options
            .extra
            .push(Tuple2(RString::from(FAULT_OPTION), RString::from(fault)));
    }
    let call = (plugin.module().connect())(options);
    match call.await {
        RResult::ROk(pool) => {
            let _ = pool.close().await;
            None
        }
        RResult::RErr(err) => Some(err),
    }
}

pub(crate) async fn panics_contained(context: &Context) -> Result<String, String> {
    let db = super::checks::db(context)?;
    // A copy of a file dialect's library is a second copy of its database engine in this
    // process: it must not open the file the plugin has open (SQLite's POSIX locks are per
    // process, and one copy closing the file drops the other's; the plugin's next connection
    // then failed with SQLITE_IOERR_SHORT_READ). It gets a file of its own.
    let url = if context.declares("file") {
        crate::url::scratch_url_in(db.config().url(), true, "panics", context.work_dir.path())
            .map_err(|err| err.to_string())?
    } else {
        db.config().url().to_owned()
    };
    let mut seen = Vec::new();
    for fault in ["panic", "panic-in-future"] {
        let copy = private_copy(context, fault)?;
        let Some(err) = connect_with_fault(&copy, &url, Some(fault)).await else {
            // Fault requests came with contract 0.2.1: an older plugin may ignore them; a newer
            // one that does was not built with the SDK's guard.
            let contract = semver::Version::parse(&context.plugin.description().abi_version);
            let since = semver::Version::new(0, 2, 1);
            if contract.is_ok_and(|contract| contract >= since) {
                return Err(format!(
                    "the plugin ignored the suite's request to panic (`{FAULT_OPTION}`), which its contract ({}) includes: is it exported with flowdb_plugin_sdk::export_plugin!?",
                    context.plugin.description().abi_version
                ));
            }
            return Err(format!(
                "{SKIPPED}the plugin ignored the suite's request to panic (`{FAULT_OPTION}`): its contract ({}) predates fault requests (0.2.1), so panic containment cannot be checked",
                context.plugin.description().abi_version
            ));
        };
        if err.kind != ErrorKind::PANIC {
            return Err(format!(
                "a panic in connect ({fault}) came back as {:?}, not PANIC: {}",
                err.kind, err.message
            ));
        }
        let health = (copy.module().health())();
        if !health.poisoned {
            return Err(format!(
                "after a panic ({fault}) the plugin does not report itself poisoned"
            ));
        }
        match connect_with_fault(&copy, &url, None).await {
            Some(after) if after.kind == ErrorKind::POISONED => {}
            Some(after) => {
                return Err(format!(
                    "a call after the panic ({fault}) failed as {:?}, not POISONED: {}",
                    after.kind, after.message
                ));
            }
            None => {
                return Err(format!(
                    "a call after the panic ({fault}) succeeded: a poisoned plugin must refuse calls"
                ));
            }
        }
        seen.push(fault);
    }
    // The host, and the plugin the other checks use, are untouched.
    if context.plugin.health().poisoned {
        return Err("the panics in a private copy poisoned the plugin itself".into());
    }
    let rows = db
        .session()
        .await
        .map_err(|err| err.to_string())?
        .fetch_all("select 1 as one", vec![])
        .await
        .map_err(|err| format!("the plugin after its copies panicked: {err}"))?;
    if rows.len() != 1 {
        return Err("the plugin after its copies panicked returned no row".into());
    }
    Ok(format!(
        "{}: PANIC, then poisoned and refusing calls; the host and the plugin itself unharmed",
        seen.join(", ")
    ))
}

/// Round trips on the plugin and on another loaded plugin at once: the SQLite reference, or a
/// private copy of the plugin when it is SQLite itself.
pub(crate) async fn beside_another_plugin(context: &Context) -> Result<String, String> {
    let db = Arc::clone(super::checks::db(context)?);
    let (other, what) = match &context.reference {
        Ok(reference) => (Arc::clone(reference), "the SQLite plugin"),
        Err(_) => (
            private_copy(context, "beside")?,
            "a second copy of the plugin",
        ),
    };
    let file = context.work_dir.path().join("beside.db");
    let other_url = if other.name() == "sqlite" {
        format!("sqlite:///{}", file.display())
    } else {
        db.config().url().to_owned()
    };
    let other_db = Arc::new(
        DbInterface::uncached(DatabaseConfig::new(other_url), other)
            .map_err(|err| err.to_string())?,
    );
    let rounds = |db: Arc<DbInterface>, label: &'static str| async move {
        let session = db
            .session()
            .await
            .map_err(|err| format!("{label}: {err}"))?;
        for round in 0..50_i64 {
            let rows = session
                .fetch_all("select $1 + 1 as next", crate::params![round])
                .await
                .map_err(|err| format!("{label}, round {round}: {err}"))?;
            let next = rows
                .row(0)
                .ok_or_else(|| format!("{label}, round {round}: no row"))?
                .get::<i64>("next")
                .map_err(|err| format!("{label}, round {round}: {err}"))?;
            if next != round + 1 {
                return Err(format!("{label}, round {round}: {next}, not {}", round + 1));
            }
            tokio::task::yield_now().await;
        }
        Ok::<_, String>(())
    };
    let (mine, theirs) = futures::future::join(
        rounds(Arc::clone(&db), "the plugin").boxed(),
        rounds(Arc::clone(&other_db), "the other plugin").boxed(),
    )
    .await;
    other_db.close().await;
    mine?;
    theirs?;
    Ok(format!("50 round trips each, interleaved with {what}"))
}
