//! Tier 3, ORM configuration: the migration set and the upsert columns of each model.

use abi_stable::std_types::{RBox, ROption, RStr, RString, RVec};
use abi_stable::{StableAbi, sabi_trait};

/// One migration of the plugin's migration set.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Migration {
    /// The version: a 14-digit UTC timestamp `yyyymmddhhmmss`; migrations apply in its order.
    pub revision: RString,
    /// A short description.
    pub name: RString,
    /// SQL that applies it.
    pub up_sql: RString,
    /// SQL that reverts it.
    pub down_sql: RString,
}

/// The dialect's ORM configuration.
#[sabi_trait]
pub trait OrmConfiguration: Send + Sync {
    /// Identifies this configuration; part of the interface's cache key, as in Prefect.
    fn unique_key(&self) -> RString;

    /// The migration set, oldest first.
    fn migrations(&self) -> RVec<Migration>;

    /// The columns an upsert of `model` conflicts on, or none when the model has no upsert.
    fn upsert_columns(&self, model: RStr<'_>) -> ROption<RVec<RString>>;

    /// A statement that, run first inside a migration's transaction, keeps any other process
    /// from migrating the same database until it ends (PostgreSQL: an advisory lock). None when
    /// the transaction itself serialises writers (SQLite's `BEGIN IMMEDIATE`).
    #[sabi(last_prefix_field)]
    fn migration_lock_sql(&self) -> ROption<RString>;
}

/// An owned ORM configuration behind the ABI.
pub type OrmBox = OrmConfiguration_TO<'static, RBox<()>>;
