//! The plugin's own tokio runtime.
//!
//! tokio's runtime context is thread-local state of the tokio copy linked into each binary, so
//! the host's runtime is invisible inside a plugin library. Each dialect therefore owns one
//! multi-thread runtime, built on first use (never while the library loads), whose worker
//! threads drive the dialect's I/O and timers. It must be multi-thread: the host polls plugin
//! futures on its own threads, and only the runtime's workers can drive the reactor for them.
//! A dialect linked statically into the host keeps a runtime of its own too, so that it
//! behaves exactly as its library build does and shutting it down stops only its own work.
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
use crate::config::Dialect;
use crate::state::{UNATTACHED, state_of};

/// One dialect's runtime: built on first use, stopped by [`shutdown`].
pub(crate) struct RuntimeSlot {
    handle: OnceLock<Result<Handle, String>>,
    owner: Mutex<Option<Runtime>>,
    shut_down: AtomicBool,
}

impl RuntimeSlot {
    pub(crate) const fn new() -> RuntimeSlot {
        RuntimeSlot {
            handle: OnceLock::new(),
            owner: Mutex::new(None),
            shut_down: AtomicBool::new(false),
        }
    }

    /// The runtime's handle, building the runtime (threads named `flowdb-<name>`) on first use.
    pub(crate) fn handle(&self, name: &str) -> Result<&Handle, PluginError> {
        match self.handle.get_or_init(|| self.build(name)) {
            Ok(handle) => Ok(handle),
            Err(message) => Err(PluginError::new(ErrorKind::INTERNAL, message.clone())),
        }
    }

    fn build(&self, name: &str) -> Result<Handle, String> {
        let runtime = Builder::new_multi_thread()
            .worker_threads(worker_threads())
            .thread_name(format!("flowdb-{name}"))
            .enable_all()
            .build()
            .map_err(|err| format!("could not start the plugin's runtime: {err}"))?;
        let handle = runtime.handle().clone();
        *self
            .owner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(runtime);
        Ok(handle)
    }

    pub(crate) fn is_shut_down(&self) -> bool {
        self.shut_down.load(Ordering::Acquire)
    }

    pub(crate) fn shutdown(&self) {
        self.shut_down.store(true, Ordering::Release);
        let runtime = self
            .owner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        if let Some(runtime) = runtime {
            runtime.shutdown_background();
        }
    }
}

fn worker_threads() -> usize {
    std::env::var("FLOWDB_PLUGIN_WORKER_THREADS")
        .ok()
        .and_then(|value| value.trim().parse::<usize>().ok())
        .filter(|count| *count > 0)
        .unwrap_or(1)
}

/// The runtime to spawn on: inside a call into a dialect (the SDK enters the dialect's runtime
/// around every entry point and every poll) and on its runtime's threads, that dialect's.
/// Outside them, the tokio runtime the calling thread is in — in a host that links the
/// dialect statically, the host's — and on a thread in none, a runtime of the SDK's own,
/// built on first use (not the dialect's: `shutdown` does not stop it). Call it from the
/// dialect's code, where it is the dialect's.
///
/// ```
/// let handle = flowdb_plugin_sdk::runtime::handle().expect("runtime starts");
/// let answer = handle.block_on(async { 40 + 2 });
/// assert_eq!(answer, 42);
/// ```
pub fn handle() -> Result<Handle, PluginError> {
    match Handle::try_current() {
        Ok(current) => Ok(current),
        Err(_) => UNATTACHED.runtime.handle(UNATTACHED.name).cloned(),
    }
}

/// Whether dialect `D` has been shut down (the host calls `shutdown` when it closes it).
///
/// ```
/// # use flowdb_plugin_sdk::doc_example::ExampleDialect as MyDialect;
/// assert!(!flowdb_plugin_sdk::runtime::is_shut_down::<MyDialect>());
/// ```
pub fn is_shut_down<D: Dialect>() -> bool {
    state_of::<D>().runtime.is_shut_down()
}

/// Stops dialect `D`'s runtime without waiting for its tasks. Later calls into the dialect
/// fail with [`ErrorKind::SHUT_DOWN`]. Call it from a thread that is not running async code.
///
/// ```
/// # use flowdb_plugin_sdk::doc_example::ExampleDialect as MyDialect;
/// flowdb_plugin_sdk::runtime::shutdown::<MyDialect>();
/// assert!(flowdb_plugin_sdk::runtime::is_shut_down::<MyDialect>());
/// ```
pub fn shutdown<D: Dialect>() {
    state_of::<D>().runtime.shutdown();
}
