//! The host's end of the plugins' logging callback: records become `tracing` events.

use std::panic::{AssertUnwindSafe, catch_unwind};

use abi_stable::std_types::RStr;
use flowdb_abi::LogLevel;

/// Receives a plugin's log record. It must never unwind: it is called from plugin threads
/// through an `extern "C"` pointer.
pub(crate) extern "C" fn host_log(level: LogLevel, target: RStr<'_>, message: RStr<'_>) {
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let (target, message) = (target.as_str(), message.as_str());
        match level {
            LogLevel::ERROR => {
                tracing::error!(target: "flowdb::plugin", plugin_target = target, "{message}")
            }
            LogLevel::WARN => {
                tracing::warn!(target: "flowdb::plugin", plugin_target = target, "{message}")
            }
            LogLevel::INFO => {
                tracing::info!(target: "flowdb::plugin", plugin_target = target, "{message}")
            }
            LogLevel::DEBUG => {
                tracing::debug!(target: "flowdb::plugin", plugin_target = target, "{message}")
            }
            _ => tracing::trace!(target: "flowdb::plugin", plugin_target = target, "{message}"),
        }
    }));
}

/// The level the host's subscriber wants right now.
pub(crate) fn host_max_level() -> LogLevel {
    crate::plugin::loader::to_log_level(tracing::level_filters::LevelFilter::current())
}
