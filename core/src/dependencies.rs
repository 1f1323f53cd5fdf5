//! Getting the interface where it is needed: Prefect's `provide_database_interface`,
//! `inject_db` and temporary overrides, in Rust's terms.
//!
//! Unlike Prefect, nothing inferred is written back: without an override, every call reads the
//! settings afresh, so changing the URL setting takes effect on the next call (Prefect's sticky
//! inference surprises its users).

use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::config::DatabaseConfig;
use crate::error::Result;
use crate::interface::DbInterface;
use crate::settings::Settings;

#[derive(Clone)]
enum Override {
    Interface(Arc<DbInterface>),
    Config(Box<DatabaseConfig>),
}

static OVERRIDE: Mutex<Option<Override>> = Mutex::new(None);

fn current_override() -> Option<Override> {
    OVERRIDE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone()
}

fn replace_override(value: Option<Override>) -> Option<Override> {
    std::mem::replace(
        &mut *OVERRIDE
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()),
        value,
    )
}

/// The interface for the current settings (environment and `FLOWDB_CONFIG` file), or the
/// override in force.
pub fn provide_database_interface() -> Result<Arc<DbInterface>> {
    match current_override() {
        Some(Override::Interface(interface)) => Ok(interface),
        Some(Override::Config(config)) => DbInterface::new(*config),
        None => DbInterface::new(DatabaseConfig::from_settings(&Settings::load()?)?),
    }
}

/// Runs `work` with the provided interface: the Rust form of Prefect's `inject_db` /
/// `db_injector`.
///
/// ```no_run
/// # async fn example() -> flowdb::Result<()> {
/// let count = flowdb::inject_db(|db| async move {
///     let rows = db.session().await?.fetch_all("select 1", vec![]).await?;
///     Ok(rows.len())
/// })
/// .await?;
/// # Ok(()) }
/// ```
pub async fn inject_db<T, F, Fut>(work: F) -> Result<T>
where
    F: FnOnce(Arc<DbInterface>) -> Fut,
    Fut: Future<Output = Result<T>>,
{
    work(provide_database_interface()?).await
}

/// Restores the previous override when dropped.
#[must_use = "the override ends when this guard is dropped"]
pub struct OverrideGuard {
    previous: Option<Override>,
}

impl Drop for OverrideGuard {
    fn drop(&mut self) {
        replace_override(self.previous.take());
    }
}

/// Makes [`provide_database_interface`] return `interface` until the guard is dropped
/// (Prefect's `temporary_database_interface`). Overrides are process-wide, as in Prefect.
pub fn temporary_database_interface(interface: Arc<DbInterface>) -> OverrideGuard {
    OverrideGuard {
        previous: replace_override(Some(Override::Interface(interface))),
    }
}

/// Makes [`provide_database_interface`] build its interface from `config` until the guard is
/// dropped (Prefect's `temporary_database_config`).
pub fn temporary_database_config(config: DatabaseConfig) -> OverrideGuard {
    OverrideGuard {
        previous: replace_override(Some(Override::Config(Box::new(config)))),
    }
}

/// Sets (or with `None` clears) the interface override permanently.
pub fn set_database_interface(interface: Option<Arc<DbInterface>>) {
    replace_override(interface.map(Override::Interface));
}
