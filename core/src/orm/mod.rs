//! Tier 3, ORM configuration, as the plugin provides it, and the migration engine that applies
//! its migration set.

mod check;
mod migrate;

pub use self::check::SchemaDrift;
pub(crate) use self::check::model_mismatches_of;
pub use self::migrate::{
    AppliedMigration, BOOKKEEPING_TABLE, MigrationError, MigrationInfo, MigrationProgress,
    MigrationStatus,
};

use abi_stable::std_types::{ROption, RStr};
use flowdb_abi::{Migration, OrmBox};

/// The dialect's migration set and upsert columns.
pub struct OrmConfiguration {
    inner: OrmBox,
}

impl std::fmt::Debug for OrmConfiguration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OrmConfiguration")
            .field("unique_key", &self.unique_key())
            .finish()
    }
}

impl OrmConfiguration {
    pub(crate) fn new(inner: OrmBox) -> OrmConfiguration {
        OrmConfiguration { inner }
    }

    /// Identifies the configuration; part of the interface's cache key.
    pub fn unique_key(&self) -> String {
        self.inner.unique_key().into_string()
    }

    /// The migration set, oldest first.
    pub fn migrations(&self) -> Vec<Migration> {
        self.inner.migrations().into_vec()
    }

    /// The SQL that takes the migration lock inside a transaction, if the dialect needs one.
    pub fn migration_lock_sql(&self) -> Option<String> {
        self.inner
            .migration_lock_sql()
            .into_option()
            .map(|sql| sql.into_string())
    }

    /// The columns an upsert of `model` conflicts on: a table's name (`flow_run`, as in
    /// Prefect) or a model's type name (`FlowRun`, as [`TableMeta::model`](crate::models::TableMeta)
    /// holds it). See also [`upsert_columns_of`](Self::upsert_columns_of).
    pub fn upsert_columns(&self, model: &str) -> Option<Vec<String>> {
        let table = crate::models::all_models()
            .into_iter()
            .find(|table| table.model == model)
            .map_or(model, |table| table.name);
        match self.inner.upsert_columns(RStr::from_str(table)) {
            ROption::RSome(columns) => Some(
                columns
                    .into_iter()
                    .map(|column| column.into_string())
                    .collect(),
            ),
            ROption::RNone => None,
        }
    }

    /// The columns an upsert of model `M` conflicts on.
    pub fn upsert_columns_of<M: crate::models::Model>(&self) -> Option<Vec<String>> {
        self.upsert_columns(M::TABLE.name)
    }
}
