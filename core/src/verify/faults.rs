//! Checks on private copies of the plugin's library: a panic inside the plugin is contained and
//! poisons only that copy, and the plugin works beside another loaded plugin.
//!
//! A copy of the library (and its manifest) in a directory of the suite's own is a separate
//! load with its own statics — poison flag, runtime — so poisoning it leaves the plugin the
//! other checks use, and the host, untouched.

use std::path::PathBuf;
use std::sync::Arc;

use abi_stable::std_types::{RResult, RString, Tuple2};
use futures::FutureExt as _;

use super::{Context, SKIPPED};
use crate::ErrorKind;
use crate::config::DatabaseConfig;
use crate::interface::DbInterface;
use crate::plugin::{LoadedPlugin, MANIFEST_SUFFIX, PluginRegistry, SearchPath};
use flowdb_abi::{FAULT_OPTION, PluginError};

/// A directory of the suite's own, removed when dropped.
struct PrivateDir(PathBuf);

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Loads a private copy of `plugin`'s library, described by a copy of its manifest.
fn private_copy(
    plugin: &LoadedPlugin,
    label: &str,
) -> Result<(PrivateDir, Arc<LoadedPlugin>), String> {
    let dir = std::env::temp_dir().join(format!(
        "flowdb-verify-{label}-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos())
            .unwrap_or_default()
    ));
    let fail = |what: &str, err: std::io::Error| format!("{what} {}: {err}", dir.display());
    std::fs::create_dir(&dir).map_err(|err| fail("cannot create", err))?;
    let guard = PrivateDir(dir.clone());
    // Only the suite may write there: the loader refuses plugins from writable places.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|err| fail("cannot restrict", err))?;
    }
    let library_name = plugin
        .library_path()
        .file_name()
        .ok_or("the plugin's library has no file name")?;
    let library = dir.join(library_name);
    std::fs::copy(plugin.library_path(), &library)
        .map_err(|err| fail("cannot copy the library into", err))?;
    let manifest = plugin.manifest();
    let quoted = |items: &[String]| {
        items
            .iter()
            .map(|item| format!("{item:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let text = format!(
        "manifest_version = {}\nname = {:?}\nversion = {:?}\nsdk_version = {:?}\n{}schemes = [{}]\ncapabilities = [{}]\nlibrary = {:?}\n",
        manifest.manifest_version,
        manifest.name,
        manifest.version,
        manifest.sdk_version,
        manifest
            .contract_version
            .as_ref()
            .map(|version| format!("contract_version = {version:?}\n"))
            .unwrap_or_default(),
        quoted(&manifest.schemes),
        quoted(&manifest.capabilities),
        library_name.to_string_lossy()
    );
    let manifest_path = dir.join(format!("{}{MANIFEST_SUFFIX}", manifest.name));
    std::fs::write(&manifest_path, text)
        .map_err(|err| fail("cannot write a manifest into", err))?;
    let registry = PluginRegistry::discover(SearchPath::explicit_only([manifest_path]));
    let candidate = registry
        .candidates()
        .first()
        .ok_or("the copied manifest was not found")?;
    let copy = registry.load_candidate(candidate).map_err(|failure| {
        format!(
            "a private copy of the library did not load: {}",
            failure.reason()
        )
    })?;
    Ok((guard, copy))
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
    let db = context.db.as_ref().ok_or("needs a database")?;
    let url = db.config().url().to_owned();
    let mut seen = Vec::new();
    for fault in ["panic", "panic-in-future"] {
        let (_dir, copy) = private_copy(&context.plugin, fault)?;
        let Some(err) = connect_with_fault(&copy, &url, Some(fault)).await else {
            return Err(format!(
                "{SKIPPED}the plugin ignored the suite's request to panic (`{FAULT_OPTION}`): its SDK predates fault requests, so panic containment cannot be checked"
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
    let db = Arc::clone(context.db.as_ref().ok_or("needs a database")?);
    let (_dir, other, what) = match &context.reference {
        Ok(reference) if reference.library_path() != context.plugin.library_path() => {
            (None, Arc::clone(reference), "the SQLite plugin")
        }
        _ => {
            let (dir, copy) = private_copy(&context.plugin, "beside")?;
            (Some(dir), copy, "a second copy of the plugin")
        }
    };
    let file = std::env::temp_dir().join(format!("{}beside.db", context.prefix));
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
    let _ = std::fs::remove_file(&file);
    mine?;
    theirs?;
    Ok(format!("50 round trips each, interleaved with {what}"))
}
