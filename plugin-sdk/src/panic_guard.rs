//! Panics become errors, and a panic poisons the plugin.
//!
//! A panic unwinding out of an `extern "C"` function aborts the host, and abi_stable turns one
//! in a `#[sabi_trait]` method into `process::exit(1)`. So every entry point and every poll of a
//! plugin future runs under `catch_unwind` here, with the plugin's runtime entered.

use std::any::Any;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context, Poll};

use async_ffi::{FfiFuture, FutureExt};

use crate::abi::{ErrorKind, PluginError, PluginResult};
use crate::config::Dialect;
use crate::state::{DialectState, state_of};

/// Whether a panic has poisoned dialect `D`.
///
/// ```
/// use flowdb_plugin_sdk::doc_example::ExampleDialect;
/// assert!(!flowdb_plugin_sdk::is_poisoned::<ExampleDialect>());
/// ```
pub fn is_poisoned<D: Dialect>() -> bool {
    state_of::<D>().poison.get().is_some()
}

/// The message of the panic that poisoned dialect `D`, if one did.
///
/// ```
/// use flowdb_plugin_sdk::doc_example::ExampleDialect;
/// assert_eq!(flowdb_plugin_sdk::poison_reason::<ExampleDialect>(), None);
/// ```
pub fn poison_reason<D: Dialect>() -> Option<&'static str> {
    state_of::<D>().poison.get().map(String::as_str)
}

fn poison(state: &DialectState, where_: &str, payload: &(dyn Any + Send)) -> PluginError {
    let message = panic_message(payload);
    let reason = format!("panic in {where_}: {message}");
    let _ = state.poison.set(reason.clone());
    tracing::error!(target: "flowdb_plugin", "{}: {reason}; the plugin is now poisoned", state.name);
    PluginError::new(
        ErrorKind::PANIC,
        format!(
            "the plugin panicked in {where_}: {message}; it is now poisoned and refuses further calls"
        ),
    )
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with a non-text payload".to_owned()
    }
}

/// Fails fast when the plugin is poisoned or shut down.
pub(crate) fn check_alive(state: &DialectState) -> Result<(), PluginError> {
    if let Some(reason) = state.poison.get() {
        return Err(PluginError::new(
            ErrorKind::POISONED,
            format!(
                "the plugin is poisoned by an earlier {reason}; restart the process to use it again"
            ),
        ));
    }
    if state.runtime.is_shut_down() {
        return Err(PluginError::new(
            ErrorKind::SHUT_DOWN,
            "the plugin has been shut down",
        ));
    }
    Ok(())
}

/// Runs a synchronous entry point with the runtime entered, turning a panic into an error.
pub(crate) fn guard_sync<T>(
    state: &DialectState,
    where_: &str,
    call: impl FnOnce() -> Result<T, PluginError>,
) -> Result<T, PluginError> {
    check_alive(state)?;
    let handle = state.runtime.handle(state.name)?;
    let _entered = handle.enter();
    match catch_unwind(AssertUnwindSafe(call)) {
        Ok(result) => result,
        Err(payload) => Err(poison(state, where_, payload.as_ref())),
    }
}

/// Builds a future inside [`guard_sync`] and wraps it so that every poll and its drop are
/// guarded too.
pub(crate) fn guard_future<T, F>(
    state: &'static DialectState,
    where_: &'static str,
    make: impl FnOnce() -> F,
) -> FfiFuture<PluginResult<T>>
where
    T: Send + 'static,
    F: Future<Output = Result<T, PluginError>> + Send + 'static,
{
    match guard_sync(state, where_, || Ok(make())) {
        Ok(future) => Guarded {
            state,
            where_,
            inner: Some(Box::pin(future)),
        }
        .into_ffi(),
        Err(err) => std::future::ready(PluginResult::RErr(err)).into_ffi(),
    }
}

/// A plugin future polled and dropped with the plugin's runtime entered and panics caught.
struct Guarded<F> {
    state: &'static DialectState,
    where_: &'static str,
    // Boxed so the wrapper is `Unpin` and can drop the inner future early, inside the runtime.
    inner: Option<Pin<Box<F>>>,
}

impl<T, F> Future for Guarded<F>
where
    F: Future<Output = Result<T, PluginError>>,
{
    type Output = PluginResult<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let where_ = self.where_;
        let state = self.state;
        if let Err(err) = check_alive(state) {
            self.drop_inner();
            return Poll::Ready(PluginResult::RErr(err));
        }
        let Some(inner) = self.inner.as_mut() else {
            return Poll::Ready(PluginResult::RErr(PluginError::new(
                ErrorKind::INTERNAL,
                format!("{where_}: future polled after it completed"),
            )));
        };
        let handle = match state.runtime.handle(state.name) {
            Ok(handle) => handle,
            Err(err) => return Poll::Ready(PluginResult::RErr(err)),
        };
        let entered = handle.enter();
        let outcome = catch_unwind(AssertUnwindSafe(|| inner.as_mut().poll(cx)));
        drop(entered);
        match outcome {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(result)) => {
                self.drop_inner();
                Poll::Ready(result.into())
            }
            Err(payload) => {
                let err = poison(state, where_, payload.as_ref());
                self.drop_inner();
                Poll::Ready(PluginResult::RErr(err))
            }
        }
    }
}

impl<F> Guarded<F> {
    /// Drops the inner future with the runtime entered: sqlx spawns from `Drop` (returning a
    /// pooled connection), and a cancelled query must not abort the host.
    fn drop_inner(&mut self) {
        let Some(inner) = self.inner.take() else {
            return;
        };
        let (state, where_) = (self.state, self.where_);
        let entered = state
            .runtime
            .handle(state.name)
            .ok()
            .map(|handle| handle.enter());
        if let Err(payload) = catch_unwind(AssertUnwindSafe(move || drop(inner))) {
            poison(state, where_, payload.as_ref());
        }
        drop(entered);
    }
}

impl<F> Drop for Guarded<F> {
    fn drop(&mut self) {
        self.drop_inner();
    }
}

/// Holds a value that must be dropped inside the plugin's runtime (a pool, a transaction).
pub(crate) struct RuntimeBound<T> {
    state: &'static DialectState,
    // Always `Some` until `drop`, which takes it to drop it inside the runtime.
    value: Option<T>,
}

impl<T> RuntimeBound<T> {
    pub(crate) fn new(state: &'static DialectState, value: T) -> Self {
        Self {
            state,
            value: Some(value),
        }
    }

    /// The dialect the value belongs to.
    pub(crate) fn state(&self) -> &'static DialectState {
        self.state
    }

    pub(crate) fn get(&self) -> Result<&T, PluginError> {
        self.value
            .as_ref()
            .ok_or_else(|| PluginError::new(ErrorKind::INTERNAL, "value used after it was dropped"))
    }
}

impl<T> Drop for RuntimeBound<T> {
    fn drop(&mut self) {
        let Some(value) = self.value.take() else {
            return;
        };
        let state = self.state;
        let entered = state
            .runtime
            .handle(state.name)
            .ok()
            .map(|handle| handle.enter());
        if let Err(payload) = catch_unwind(AssertUnwindSafe(move || drop(value))) {
            poison(state, "drop", payload.as_ref());
        }
        drop(entered);
    }
}
