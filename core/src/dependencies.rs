//! Getting the interface where it is needed: Prefect's `provide_database_interface`,
//! `inject_db` and temporary overrides, in Rust's terms.
//!
//! Unlike Prefect, nothing inferred is written back: without an override, every call reads the
//! settings afresh, so changing the URL setting takes effect on the next call (Prefect's sticky
//! inference surprises its users).
//!
//! # Overrides
//!
//! [`provide_database_interface`] looks, in order, for:
//! 1. a **scoped** override of the current task ([`scoped_database_interface`],
//!    [`scoped_database_config`]): it holds for the future it wraps and for futures wrapped in
//!    [`in_current_scope`] when spawned from it, and nowhere else. Tests that `cargo test` runs
//!    in parallel each see their own database this way;
//! 2. the newest **temporary** override still alive ([`temporary_database_interface`],
//!    [`temporary_database_config`]; Prefect's context managers): process-wide, as in Prefect.
//!    Each guard withdraws exactly its own override when dropped, so guards dropped in any
//!    order leave the newest remaining one in force, and none left behind once all are dropped;
//! 3. the **permanent** override ([`set_database_interface`]);
//! 4. the settings (environment and `FLOWDB_CONFIG` file).
//!
//! A temporary override set inside a scope is still process-wide: the scope keeps its own
//! interface, and every task outside a scope sees the temporary one.
//!
//! A scoped override is a tokio task-local: code on a blocking thread
//! (`spawn_blocking`) or another runtime does not see it, and `tokio::spawn` does not carry it
//! unless the spawned future is wrapped in [`in_current_scope`].

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};

use crate::config::DatabaseConfig;
use crate::error::{Error, Result};
use crate::interface::DbInterface;
use crate::settings::Settings;

#[derive(Clone)]
enum Override {
    Interface(Arc<DbInterface>),
    Config(Box<DatabaseConfig>),
}

tokio::task_local! {
    static SCOPED: Override;
}

/// The process-wide overrides: the permanent one and the temporary ones, oldest first, each
/// with the number of the guard that withdraws it.
struct ProcessOverrides {
    permanent: Option<Override>,
    temporary: Vec<(u64, Override)>,
    next_guard: u64,
}

static PROCESS: Mutex<ProcessOverrides> = Mutex::new(ProcessOverrides {
    permanent: None,
    temporary: Vec::new(),
    next_guard: 0,
});

fn process_overrides() -> MutexGuard<'static, ProcessOverrides> {
    // The data stays consistent whatever panicked while holding the lock: every change is
    // one push, removal or assignment.
    PROCESS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn current_override() -> Option<Override> {
    if let Ok(scoped) = SCOPED.try_with(Clone::clone) {
        return Some(scoped);
    }
    let process = process_overrides();
    process
        .temporary
        .last()
        .map(|(_, value)| value.clone())
        .or_else(|| process.permanent.clone())
}

/// The interface for the current settings (environment and `FLOWDB_CONFIG` file), or the
/// override in force (see the [module's rules](self)).
pub fn provide_database_interface() -> Result<Arc<DbInterface>> {
    match current_override() {
        Some(Override::Interface(interface)) => Ok(interface),
        Some(Override::Config(config)) => DbInterface::new(*config),
        None => DbInterface::new(DatabaseConfig::from_settings(&Settings::load()?)?),
    }
}

/// Runs `work` with the provided interface: the Rust form of Prefect's `inject_db` /
/// `db_injector`. The work's error type is the caller's own, as long as a
/// [`flowdb::Error`](Error) converts into it (the interface itself may fail to be provided).
/// Work that only returns flowdb's errors names the type once: `Ok::<_, flowdb::Error>(x)`.
///
/// ```no_run
/// #[derive(Debug)]
/// enum HostError {
///     Database(flowdb::Error),
///     NoRuns,
/// }
///
/// impl From<flowdb::Error> for HostError {
///     fn from(err: flowdb::Error) -> Self {
///         HostError::Database(err)
///     }
/// }
///
/// # async fn example() -> Result<(), HostError> {
/// let count = flowdb::inject_db(|db| async move {
///     let rows = db.session().await?.fetch_all("select 1", vec![]).await?;
///     if rows.is_empty() {
///         return Err(HostError::NoRuns);
///     }
///     Ok(rows.len())
/// })
/// .await?;
/// # Ok(()) }
/// ```
pub async fn inject_db<T, E, F, Fut>(work: F) -> std::result::Result<T, E>
where
    F: FnOnce(Arc<DbInterface>) -> Fut,
    Fut: Future<Output = std::result::Result<T, E>>,
    E: From<Error>,
{
    work(provide_database_interface()?).await
}

/// Withdraws its temporary override when dropped.
#[must_use = "the override ends when this guard is dropped"]
pub struct OverrideGuard {
    number: u64,
}

impl Drop for OverrideGuard {
    fn drop(&mut self) {
        process_overrides()
            .temporary
            .retain(|(number, _)| *number != self.number);
    }
}

impl std::fmt::Debug for OverrideGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OverrideGuard")
            .field("number", &self.number)
            .finish()
    }
}

fn push_temporary(value: Override) -> OverrideGuard {
    let mut process = process_overrides();
    let number = process.next_guard;
    process.next_guard += 1;
    process.temporary.push((number, value));
    OverrideGuard { number }
}

/// Makes [`provide_database_interface`] return `interface` until the guard is dropped
/// (Prefect's `temporary_database_interface`). Process-wide, as in Prefect: every task and
/// thread without a scoped override of its own sees it. For tests that run in parallel, use
/// [`scoped_database_interface`].
pub fn temporary_database_interface(interface: Arc<DbInterface>) -> OverrideGuard {
    push_temporary(Override::Interface(interface))
}

/// Makes [`provide_database_interface`] build its interface from `config` until the guard is
/// dropped (Prefect's `temporary_database_config`). Process-wide, like
/// [`temporary_database_interface`].
pub fn temporary_database_config(config: DatabaseConfig) -> OverrideGuard {
    push_temporary(Override::Config(Box::new(config)))
}

/// Sets (or with `None` clears) the permanent override, which is in force whenever no scoped
/// or temporary override is.
pub fn set_database_interface(interface: Option<Arc<DbInterface>>) {
    process_overrides().permanent = interface.map(Override::Interface);
}

/// Runs `work` with [`provide_database_interface`] returning `interface` inside it (and inside
/// futures spawned from it through [`in_current_scope`]), whatever the other tasks of the
/// process override meanwhile. Scopes nest: the innermost holds.
///
/// ```no_run
/// # async fn example(mine: std::sync::Arc<flowdb::DbInterface>) -> flowdb::Result<()> {
/// use std::sync::Arc;
///
/// let seen = flowdb::scoped_database_interface(Arc::clone(&mine), async {
///     flowdb::provide_database_interface()
/// })
/// .await?;
/// assert!(Arc::ptr_eq(&seen, &mine));
/// # Ok(()) }
/// ```
pub async fn scoped_database_interface<F: Future>(
    interface: Arc<DbInterface>,
    work: F,
) -> F::Output {
    SCOPED.scope(Override::Interface(interface), work).await
}

/// Runs `work` with [`provide_database_interface`] building its interface from `config` inside
/// it; scoped like [`scoped_database_interface`].
pub async fn scoped_database_config<F: Future>(config: DatabaseConfig, work: F) -> F::Output {
    SCOPED.scope(Override::Config(Box::new(config)), work).await
}

/// `work`, carrying the current task's scoped override (if any) with it, for
/// `tokio::spawn`: a spawned task does not inherit task-locals by itself.
///
/// ```no_run
/// # async fn example(mine: std::sync::Arc<flowdb::DbInterface>) -> flowdb::Result<()> {
/// flowdb::scoped_database_interface(mine, async {
///     let worker = tokio::spawn(flowdb::in_current_scope(async {
///         // Sees the same interface as the task that spawned it.
///         flowdb::provide_database_interface()
///     }));
///     worker.await.expect("the worker panicked")
/// })
/// .await?;
/// # Ok(()) }
/// ```
pub fn in_current_scope<F: Future>(work: F) -> impl Future<Output = F::Output> {
    let scoped = SCOPED.try_with(Clone::clone).ok();
    async move {
        match scoped {
            Some(value) => SCOPED.scope(value, work).await,
            None => work.await,
        }
    }
}
