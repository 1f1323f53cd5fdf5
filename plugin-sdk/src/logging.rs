//! Forwards the plugin's `tracing` events and `log` records to the host.
//!
//! `tracing`'s and `log`'s global dispatchers are statics of the copies linked into each binary,
//! so a plugin's events never reach the host's subscriber on their own. At initialisation the SDK
//! installs, inside the plugin, a `tracing` subscriber and a `log` logger that hand each record to
//! the host's [`HostServices::log`](crate::abi::HostServices) callback.
//!
//! The subscriber is written here rather than built from `tracing-subscriber` because it needs
//! none of that crate's machinery: no spans are forwarded (only events), nothing is formatted
//! beyond the message and its fields, and it keeps the plugin smaller.

use std::fmt::{self, Write as _};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use abi_stable::std_types::RStr;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

use crate::abi::{HostServices, LogLevel};

static HOST: OnceLock<HostServices> = OnceLock::new();

/// Installs the forwarding subscriber and logger. Later calls change nothing.
pub(crate) fn install(host: HostServices) {
    if HOST.set(host).is_err() {
        return;
    }
    let _ = tracing::subscriber::set_global_default(ForwardingSubscriber::default());
    if log::set_logger(&FORWARDING_LOGGER).is_ok() {
        log::set_max_level(to_log_filter(host.max_log_level));
    }
}

/// Sends one record to the host, if the host asked for that level.
///
/// ```
/// use flowdb_plugin_sdk::abi::LogLevel;
/// // Without a host (as in this doc test) the record is dropped.
/// flowdb_plugin_sdk::logging::forward(LogLevel::INFO, "my_plugin", "connected");
/// ```
pub fn forward(level: LogLevel, target: &str, message: &str) {
    if let Some(host) = HOST.get()
        && level <= host.max_log_level
    {
        (host.log)(level, RStr::from_str(target), RStr::from_str(message));
    }
}

fn max_level() -> LogLevel {
    HOST.get().map_or(LogLevel::OFF, |host| host.max_log_level)
}

fn from_tracing(level: &Level) -> LogLevel {
    match *level {
        Level::ERROR => LogLevel::ERROR,
        Level::WARN => LogLevel::WARN,
        Level::INFO => LogLevel::INFO,
        Level::DEBUG => LogLevel::DEBUG,
        _ => LogLevel::TRACE,
    }
}

fn from_log(level: log::Level) -> LogLevel {
    match level {
        log::Level::Error => LogLevel::ERROR,
        log::Level::Warn => LogLevel::WARN,
        log::Level::Info => LogLevel::INFO,
        log::Level::Debug => LogLevel::DEBUG,
        log::Level::Trace => LogLevel::TRACE,
    }
}

fn to_log_filter(level: LogLevel) -> log::LevelFilter {
    match level {
        LogLevel::OFF => log::LevelFilter::Off,
        LogLevel::ERROR => log::LevelFilter::Error,
        LogLevel::WARN => log::LevelFilter::Warn,
        LogLevel::INFO => log::LevelFilter::Info,
        LogLevel::DEBUG => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    }
}

#[derive(Default)]
struct ForwardingSubscriber {
    next_span: AtomicU64,
}

impl Subscriber for ForwardingSubscriber {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        from_tracing(metadata.level()) <= max_level()
    }

    fn new_span(&self, _span: &Attributes<'_>) -> Id {
        // Spans are not forwarded, but each needs a distinct non-zero id.
        Id::from_u64(
            self.next_span
                .fetch_add(1, Ordering::Relaxed)
                .saturating_add(1),
        )
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut text = MessageText::default();
        event.record(&mut text);
        let metadata = event.metadata();
        forward(
            from_tracing(metadata.level()),
            metadata.target(),
            &text.finish(),
        );
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

/// The message first, then the other fields as `name=value`.
#[derive(Default)]
struct MessageText {
    message: String,
    fields: String,
}

impl MessageText {
    fn finish(self) -> String {
        if self.fields.is_empty() {
            self.message
        } else if self.message.is_empty() {
            self.fields
        } else {
            format!("{} {}", self.message, self.fields)
        }
    }
}

impl Visit for MessageText {
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            if !self.fields.is_empty() {
                self.fields.push(' ');
            }
            let _ = write!(self.fields, "{}={value:?}", field.name());
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            if !self.fields.is_empty() {
                self.fields.push(' ');
            }
            let _ = write!(self.fields, "{}={value}", field.name());
        }
    }
}

struct ForwardingLogger;

static FORWARDING_LOGGER: ForwardingLogger = ForwardingLogger;

impl log::Log for ForwardingLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        from_log(metadata.level()) <= max_level()
    }

    fn log(&self, record: &log::Record<'_>) {
        if self.enabled(record.metadata()) {
            forward(
                from_log(record.level()),
                record.target(),
                &record.args().to_string(),
            );
        }
    }

    fn flush(&self) {}
}
