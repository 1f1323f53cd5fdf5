//! flowdb: the database layer of a workflow-orchestration server (Prefect 3's
//! `prefect.server.database`), with every SQL dialect a plugin loaded at run time, or a
//! plugin crate the host links in (a *built-in* dialect, reached the same way).
//!
//! A host gets a working database from one URL:
//!
//! ```no_run
//! # async fn example() -> flowdb::Result<()> {
//! use flowdb::{DatabaseConfig, DbInterface, params};
//!
//! let db = DbInterface::new(DatabaseConfig::new("sqlite+aiosqlite:///flow.db"))?;
//! let session = db.session().await?;
//! session.execute("create table if not exists t (x integer)", vec![]).await?;
//! session.execute("insert into t (x) values ($1)", params![1_i64]).await?;
//! let rows = session.fetch_all("select x from t", vec![]).await?;
//! assert_eq!(rows.row(0).unwrap().get::<i64>("x")?, 1);
//! # Ok(()) }
//! ```
//!
//! The modules follow Prefect's three tiers: [`config`] (connections, sessions,
//! transactions), [`queries`] (dialect SQL) and [`orm`] (migrations, upsert columns), with
//! [`DbInterface`] over them, [`settings`] feeding it and [`plugin`] finding the dialects.
#![deny(missing_docs)]

pub mod config;
mod dependencies;
mod error;
mod interface;
pub mod models;
pub mod orchestration;
pub mod orm;
pub mod plugin;
pub mod queries;
pub mod settings;
pub mod url;
pub mod value;
pub mod verify;

pub use crate::config::{Database, DatabaseConfig, Session, Statement, Transaction};
pub use crate::dependencies::{
    OverrideGuard, in_current_scope, inject_db, provide_database_interface, scoped_database_config,
    scoped_database_interface, set_database_interface, temporary_database_config,
    temporary_database_interface,
};
pub use crate::error::{Error, Result};
pub use crate::interface::DbInterface;
pub use flowdb_abi::{
    ComponentInfo, ComponentKind, ErrorKind, ParameterInfo, PluginError, ServerInfo, ValueKind,
};
