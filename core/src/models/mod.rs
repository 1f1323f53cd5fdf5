//! Prefect's tables as typed Rust models.
//!
//! Every table is a struct whose fields are its columns, with its [`TableMeta`] (name, columns,
//! primary key, upsert columns) and the conversions to and from [`Value`]s. Models register
//! themselves through `inventory`, so [`all_models`] enumerates them, and the generic CRUD
//! operations of [`Session`](crate::Session) and [`Transaction`](crate::Transaction) work on
//! any of them. The values are Prefect's, and each plugin stores them in Prefect's encoding for
//! its dialect, so Prefect and flowdb read each other's rows.
//!
//! JSON columns that Prefect types with pydantic hold typed documents ([`StateDetails`],
//! [`FlowRunPolicy`], …) that keep unknown keys; the others hold [`Json`](crate::value::Json).

mod column;
mod crud;
mod defaults;
mod documents;
mod enums;
mod select;
mod tables;
mod upsert;

pub use self::column::{ColumnKind, ColumnMeta, ColumnValue, TableMeta};
pub(crate) use self::defaults::stored_now;
pub use self::documents::{
    CreatedBy, ExtraFields, FlowRunPolicy, StateDetails, TaskRunPolicy,
    WorkPoolStorageConfiguration,
};
pub use self::enums::{DeploymentStatus, StateType, WorkPoolStatus, WorkQueueStatus, WorkerStatus};
pub use self::select::{Column, Filter, Lock, Operand, Select, Sort};
pub use self::tables::*;
pub use self::upsert::OnConflict;

use crate::error::Error;
use crate::value::{Row, Value};

/// A table of Prefect's schema as a Rust type.
pub trait Model: Sized + Send + Sync + 'static {
    /// The table's metadata.
    const TABLE: &'static TableMeta;

    /// The row's values, in [`TableMeta::columns`] order.
    fn values(&self) -> Vec<Value>;

    /// Reads a row that has every column of the table (by name).
    fn from_row(row: &Row<'_>) -> Result<Self, Error>;
}

/// A model's registration, collected by `inventory`.
#[derive(Debug)]
pub struct ModelEntry(pub &'static TableMeta);

inventory::collect!(ModelEntry);

/// Every model's table metadata, sorted by table name.
///
/// ```
/// let tables: Vec<&str> = flowdb::models::all_models().iter().map(|table| table.name).collect();
/// assert!(tables.contains(&"flow_run"));
/// ```
pub fn all_models() -> Vec<&'static TableMeta> {
    let mut tables: Vec<&'static TableMeta> = inventory::iter::<ModelEntry>
        .into_iter()
        .map(|entry| entry.0)
        .collect();
    tables.sort_by_key(|table| table.name);
    tables
}

/// Declares a model: the struct, its [`Model`] implementation and its registration.
///
/// ```ignore
/// model! {
///     /// A flow.
///     Flow => "flow", key = ["id"], upsert = ["name"] {
///         id: uuid::Uuid => "id",
///         name: String => "name",
///     }
/// }
/// ```
macro_rules! model {
    (
        $(#[$meta:meta])*
        $name:ident => $table:literal, key = [$($key:literal),+], upsert = [$($upsert:literal),*] {
            $($(#[$field_meta:meta])* $field:ident : $ty:ty => $column:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            $($(#[$field_meta])* pub $field: $ty,)+
        }

        impl $crate::models::Model for $name {
            const TABLE: &'static $crate::models::TableMeta = &$crate::models::TableMeta {
                name: $table,
                model: stringify!($name),
                columns: &[$($crate::models::ColumnMeta {
                    name: $column,
                    kind: <$ty as $crate::models::ColumnValue>::KIND,
                    nullable: <$ty as $crate::models::ColumnValue>::NULLABLE,
                }),+],
                primary_key: &[$($key),+],
                upsert_columns: &[$($upsert),*],
            };

            fn values(&self) -> Vec<$crate::value::Value> {
                vec![$($crate::models::ColumnValue::to_value(&self.$field)),+]
            }

            fn from_row(row: &$crate::value::Row<'_>) -> Result<Self, $crate::Error> {
                Ok(Self { $($field: row.get($column)?,)+ })
            }
        }

        /// The columns, for typed filters and sorts ([`Select`](crate::models::Select)).
        #[allow(non_upper_case_globals)]
        impl $name {
            $(
                #[doc = concat!("Column `", $column, "`, for filters and sorts.")]
                pub const $field: $crate::models::Column<$name, $ty> =
                    $crate::models::Column::new($column);
            )+
        }

        inventory::submit! { $crate::models::ModelEntry(<$name as $crate::models::Model>::TABLE) }
    };
}

pub(crate) use model;
