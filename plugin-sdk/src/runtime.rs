//! The plugin's own tokio runtime.
//!
//! tokio's runtime context is thread-local state of the tokio copy linked into each binary, so
//! the host's runtime is invisible inside a plugin. Each plugin therefore owns one multi-thread
//! runtime, built on first use (never while the library loads), whose worker threads drive the
//! plugin's I/O and timers. It must be multi-thread: the host polls plugin futures on its own
//! threads, and only the runtime's workers can drive the reactor for them.
//!
//! `FLOWDB_PLUGIN_WORKER_THREADS` sets the worker count (default 1). Plugin futures are polled
//! on the host's threads; the workers only drive the reactor, timers and the odd spawned task
//! (sqlx returns pooled connections from a task), so one is enough, and on a small machine
//! every extra thread competes with the host's. Measured with `flowdb bench` on 2 cores: with
//! 2 workers, SQLite inserts ran at 0.92× the statically linked code, with 1 at ≥ 1.0×.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, OnceLock};

use tokio::runtime::{Builder, Handle, Runtime};

use crate::abi::{ErrorKind, PluginError};

static HANDLE: OnceLock<Result<Handle, String>> = OnceLock::new();
static OWNER: Mutex<Option<Runtime>> = Mutex::new(None);
static SHUT_DOWN: AtomicBool = AtomicBool::new(false);
static THREAD_NAME: OnceLock<String> = OnceLock::new();

/// Names the runtime's threads `flowdb-<plugin>`; effective only before the first call.
pub(crate) fn set_plugin_name(name: &str) {
    let _ = THREAD_NAME.set(format!("flowdb-{name}"));
}

fn worker_threads() -> usize {
    std::env::var("FLOWDB_PLUGIN_WORKER_THREADS")
        .ok()
        .and_then(|value| value.trim().parse::<usize>().ok())
        .filter(|count| *count > 0)
        .unwrap_or(1)
}

fn build() -> Result<Handle, String> {
    let name = THREAD_NAME
        .get()
        .cloned()
        .unwrap_or_else(|| "flowdb-plugin".to_owned());
    let runtime = Builder::new_multi_thread()
        .worker_threads(worker_threads())
        .thread_name(name)
        .enable_all()
        .build()
        .map_err(|err| format!("could not start the plugin's runtime: {err}"))?;
    let handle = runtime.handle().clone();
    match OWNER.lock() {
        Ok(mut owner) => *owner = Some(runtime),
        Err(poisoned) => *poisoned.into_inner() = Some(runtime),
    }
    Ok(handle)
}

/// The runtime's handle, building the runtime on first use.
///
/// ```
/// let handle = flowdb_plugin_sdk::runtime::handle().expect("runtime starts");
/// let answer = handle.block_on(async { 40 + 2 });
/// assert_eq!(answer, 42);
/// ```
pub fn handle() -> Result<&'static Handle, PluginError> {
    match HANDLE.get_or_init(build) {
        Ok(handle) => Ok(handle),
        Err(message) => Err(PluginError::new(ErrorKind::INTERNAL, message.clone())),
    }
}

/// Whether [`shutdown`] has run.
pub fn is_shut_down() -> bool {
    SHUT_DOWN.load(Ordering::Acquire)
}

/// Stops the runtime without waiting for its tasks. Later calls into the plugin fail with
/// [`ErrorKind::SHUT_DOWN`]. Call it from a thread that is not running async code.
pub fn shutdown() {
    SHUT_DOWN.store(true, Ordering::Release);
    let runtime = match OWNER.lock() {
        Ok(mut owner) => owner.take(),
        Err(poisoned) => poisoned.into_inner().take(),
    };
    if let Some(runtime) = runtime {
        runtime.shutdown_background();
    }
}
