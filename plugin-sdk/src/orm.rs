//! Tier 3, ORM configuration: the dialect's migration set and each model's upsert columns.

use abi_stable::sabi_trait::TD_Opaque;
use abi_stable::std_types::{ROption, RStr, RString, RVec};

use crate::abi::{Migration, OrmBox, OrmConfiguration, OrmConfiguration_TO};
use crate::state::DialectState;

/// The dialect's ORM configuration.
///
/// Required: [`unique_key`](DialectOrm::unique_key). By default there are no migrations and no
/// model has upsert columns.
///
/// ```
/// use flowdb_plugin_sdk::prelude::*;
///
/// struct MyOrm;
/// impl DialectOrm for MyOrm {
///     fn unique_key(&self) -> String { "my-dialect-orm".into() }
/// }
/// assert!(MyOrm.migrations().is_empty());
/// assert_eq!(MyOrm.upsert_columns("flow"), None);
/// ```
pub trait DialectOrm: Send + Sync + 'static {
    /// Identifies this configuration; part of the host's interface cache key.
    fn unique_key(&self) -> String;

    /// The migration set, oldest first.
    fn migrations(&self) -> Vec<Migration> {
        Vec::new()
    }

    /// The columns an upsert of `model` conflicts on.
    fn upsert_columns(&self, _model: &str) -> Option<Vec<String>> {
        None
    }

    /// SQL that takes an exclusive migration lock inside a transaction (PostgreSQL:
    /// `SELECT pg_advisory_xact_lock(…)`); None when `BEGIN IMMEDIATE` already serialises.
    fn migration_lock_sql(&self) -> Option<String> {
        None
    }
}

/// The conflict targets of Prefect's upserts, by table: what Prefect's ORM configuration
/// declares for both of its dialects, and the shared default a dialect's
/// [`DialectOrm::upsert_columns`] can return.
///
/// ```
/// assert_eq!(flowdb_plugin_sdk::orm::prefect_upsert_columns("task_run"), Some(&["flow_run_id", "task_key", "dynamic_key"][..]));
/// assert_eq!(flowdb_plugin_sdk::orm::prefect_upsert_columns("log"), None);
/// ```
pub fn prefect_upsert_columns(table: &str) -> Option<&'static [&'static str]> {
    Some(match table {
        "flow" => &["name"],
        "flow_run" => &["flow_id", "idempotency_key"],
        "task_run" => &["flow_run_id", "task_key", "dynamic_key"],
        "deployment" => &["flow_id", "name"],
        "concurrency_limit" => &["tag"],
        "block_type" => &["slug"],
        "block_schema" => &["checksum", "version"],
        "artifact_collection" => &["key"],
        "saved_search" => &["name"],
        "block_document" => &["block_type_id", "name"],
        _ => return None,
    })
}

/// Turns the table that `flowdb_plugin_build::embed_migrations` generates (version, name, up
/// SQL, down SQL) into the migration set.
///
/// ```
/// let set = flowdb_plugin_sdk::orm::migrations_from(&[("20260101000000", "init", "create table t (x int);", "drop table t;")]);
/// assert_eq!(set[0].revision.as_str(), "20260101000000");
/// assert_eq!(set[0].down_sql.as_str(), "drop table t;");
/// ```
pub fn migrations_from(table: &[(&str, &str, &str, &str)]) -> Vec<Migration> {
    table
        .iter()
        .map(|(version, name, up, down)| Migration {
            revision: (*version).into(),
            name: (*name).into(),
            up_sql: (*up).into(),
            down_sql: (*down).into(),
        })
        .collect()
}

/// The default: a dialect with no migrations yet.
pub(crate) struct NoOrmConfiguration {
    pub(crate) dialect: &'static str,
}

impl DialectOrm for NoOrmConfiguration {
    fn unique_key(&self) -> String {
        format!("{}-orm", self.dialect)
    }
}

pub(crate) fn export_orm(state: &'static DialectState, orm: Box<dyn DialectOrm>) -> OrmBox {
    OrmConfiguration_TO::from_value(ExportedOrm(state, orm), TD_Opaque)
}

struct ExportedOrm(&'static DialectState, Box<dyn DialectOrm>);

impl OrmConfiguration for ExportedOrm {
    fn unique_key(&self) -> RString {
        crate::panic_guard::guard_sync(self.0, "orm unique_key", || Ok(self.1.unique_key()))
            .unwrap_or_default()
            .into()
    }

    fn migrations(&self) -> RVec<Migration> {
        crate::panic_guard::guard_sync(self.0, "orm migrations", || Ok(self.1.migrations()))
            .unwrap_or_default()
            .into()
    }

    fn upsert_columns(&self, model: RStr<'_>) -> ROption<RVec<RString>> {
        let columns = crate::panic_guard::guard_sync(self.0, "orm upsert_columns", || {
            Ok(self.1.upsert_columns(model.as_str()))
        });
        match columns {
            Ok(Some(columns)) => ROption::RSome(columns.into_iter().map(RString::from).collect()),
            _ => ROption::RNone,
        }
    }

    fn migration_lock_sql(&self) -> ROption<RString> {
        crate::panic_guard::guard_sync(self.0, "orm migration_lock_sql", || {
            Ok(self.1.migration_lock_sql())
        })
        .ok()
        .flatten()
        .map(RString::from)
        .into()
    }
}
