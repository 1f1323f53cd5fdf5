//! What the SDK keeps for each dialect: its poison flag, its runtime and its version.
//!
//! A plugin library holds one dialect, but a host that links dialects statically holds several
//! in one copy of the SDK, so nothing here may be a single static: one dialect's panic must
//! not poison another, and shutting one down must not stop the other's runtime. Each dialect
//! type gets its own state, created on first use and kept for the life of the process.

use std::any::TypeId;
use std::sync::{Mutex, OnceLock};

use crate::config::Dialect;
use crate::runtime::RuntimeSlot;

/// One dialect's SDK-side state.
pub(crate) struct DialectState {
    /// The dialect's name, for messages and thread names.
    pub(crate) name: &'static str,
    /// The message of the first panic; set once, never cleared.
    pub(crate) poison: OnceLock<String>,
    /// The dialect's own tokio runtime.
    pub(crate) runtime: RuntimeSlot,
    /// The plugin crate's version, recorded by `export_plugin!`.
    pub(crate) version: OnceLock<&'static str>,
}

impl DialectState {
    pub(crate) const fn new(name: &'static str) -> DialectState {
        DialectState {
            name,
            poison: OnceLock::new(),
            runtime: RuntimeSlot::new(),
            version: OnceLock::new(),
        }
    }
}

/// The state of dialect `D`, created on first use. Entry points look it up once and hand the
/// reference to everything they create (pools, transactions, futures), so a poll never searches.
pub(crate) fn state_of<D: Dialect>() -> &'static DialectState {
    static STATES: Mutex<Vec<(TypeId, &'static DialectState)>> = Mutex::new(Vec::new());
    let key = TypeId::of::<D>();
    let mut states = STATES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some((_, state)) = states.iter().find(|(id, _)| *id == key) {
        return state;
    }
    // Leaked on purpose: a dialect's state lives as long as the process, as its code does.
    let state: &'static DialectState = Box::leak(Box::new(DialectState::new(D::NAME)));
    states.push((key, state));
    state
}

/// The state behind the SDK's free functions when no dialect's call is running (a doc test,
/// a plugin's own unit test).
pub(crate) static UNATTACHED: DialectState = DialectState::new("plugin");
