//! Configuration values, read through Prefect's cache.

use chrono::Utc;
use uuid::Uuid;

use crate::error::Result;
use crate::interface::DbInterface;
use crate::queries::components::{
    DeleteConfigurationValue, ReadConfigurationValue, WriteConfigurationValue,
};
use crate::value::Json;

impl DbInterface {
    /// The value of a configuration key (Prefect's `read_configuration_value`), or `None`.
    ///
    /// Values found are cached for an hour (at most 100 keys), as in Prefect; a key that is
    /// missing is asked of the database every time. Writes and deletes through this interface
    /// clear the key's cache entry; another process's writes are seen when the entry expires.
    pub async fn read_configuration_value(&self, key: &str) -> Result<Option<Json>> {
        let cache = self.queries().configuration_cache();
        if let Some(value) = cache.get(key) {
            return Ok(Some(value));
        }
        let rows = self
            .run_query(self.queries().render_typed(&ReadConfigurationValue {
                key: key.to_owned(),
            })?)
            .await?;
        let Some(row) = rows.row(0) else {
            return Ok(None);
        };
        let value: Option<Json> = row.get("value")?;
        if let Some(value) = &value {
            cache.put(key, value.clone());
        }
        Ok(value)
    }

    /// Sets a configuration key's value (inserting the key if it is new), then clears its
    /// cache entry.
    pub async fn write_configuration_value(&self, key: &str, value: Json) -> Result<()> {
        let rendered = self.queries().render_typed(&WriteConfigurationValue {
            id: Uuid::new_v4(),
            key: key.to_owned(),
            value,
            now: Utc::now(),
        })?;
        let outcome = self
            .database()
            .await?
            .run_statements(rendered.statements, true)
            .await;
        self.queries().configuration_cache().clear(key);
        outcome.map(|_| ())
    }

    /// Deletes a configuration key, then clears its cache entry; whether it existed.
    pub async fn delete_configuration_value(&self, key: &str) -> Result<bool> {
        let rendered = self.queries().render_typed(&DeleteConfigurationValue {
            key: key.to_owned(),
        })?;
        let outcome = self
            .database()
            .await?
            .run_statements(rendered.statements, true)
            .await;
        self.queries().configuration_cache().clear(key);
        Ok(outcome?.iter().any(|statement| statement.rows_affected > 0))
    }
}
