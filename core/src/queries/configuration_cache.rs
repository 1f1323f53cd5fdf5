//! The cache behind `read_configuration_value`, as Prefect's `_configuration_cache`: up to 100
//! keys, each kept an hour, dropped when flowdb writes or deletes the key.
//!
//! Hand-written rather than a cache crate's because it needs exactly two operations and a
//! clock; one per interface (Prefect's is per process, shared by every interface).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::value::Json;

/// How long a value is kept (Prefect's `ttl=3600`).
const TTL: Duration = Duration::from_secs(3600);
/// How many keys are kept (Prefect's `maxsize=100`).
const MAX_KEYS: usize = 100;

/// Configuration values read recently.
#[derive(Debug, Default)]
pub(crate) struct ConfigurationCache {
    entries: Mutex<HashMap<String, (Instant, Json)>>,
}

impl ConfigurationCache {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Json)>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The cached value of `key`, if it is fresh.
    pub(crate) fn get(&self, key: &str) -> Option<Json> {
        let mut entries = self.entries();
        match entries.get(key) {
            Some((stored, value)) if stored.elapsed() < TTL => Some(value.clone()),
            Some(_) => {
                entries.remove(key);
                None
            }
            None => None,
        }
    }

    /// Remembers `value` for `key`, evicting the oldest entry when full.
    pub(crate) fn put(&self, key: &str, value: Json) {
        let mut entries = self.entries();
        if entries.len() >= MAX_KEYS && !entries.contains_key(key) {
            entries.retain(|_, (stored, _)| stored.elapsed() < TTL);
            let oldest = entries
                .iter()
                .min_by_key(|(_, (stored, _))| *stored)
                .map(|(key, _)| key.clone())
                .filter(|_| entries.len() >= MAX_KEYS);
            if let Some(oldest) = oldest {
                entries.remove(&oldest);
            }
        }
        entries.insert(key.to_owned(), (Instant::now(), value));
    }

    /// Forgets `key` (Prefect's `clear_configuration_value_cache_for_key`).
    pub(crate) fn clear(&self, key: &str) {
        self.entries().remove(key);
    }
}
