//! The library's error type.

use flowdb_abi::{ErrorKind, PluginError};

use crate::settings::SettingsError;

/// Everything that can go wrong in flowdb.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A setting has a bad value, or the configuration file is broken.
    #[error(transparent)]
    Settings(#[from] SettingsError),

    /// The flowdb home directory (for the default SQLite database) cannot be created.
    #[error("cannot create the flowdb home directory {}: {reason}; set FLOWDB_HOME to a writable directory or set PREFECT_API_DATABASE_CONNECTION_URL", path.display())]
    Home {
        /// The directory.
        path: std::path::PathBuf,
        /// Why not.
        reason: String,
    },

    /// The connection URL cannot be parsed.
    #[error("malformed database URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL, password masked.
        url: String,
        /// What is wrong with it.
        reason: String,
    },

    /// No plugin serves the URL's scheme.
    #[error(
        "no plugin serves the URL scheme `{scheme}`; known schemes: {}\n{details}",
        if known_schemes.is_empty() { "none (no plugin was found)".to_owned() } else { known_schemes.join(", ") }
    )]
    NoPlugin {
        /// The scheme, without `+driver`.
        scheme: String,
        /// Every scheme a valid plugin claims.
        known_schemes: Vec<String>,
        /// Why each candidate was rejected, and every place searched.
        details: String,
    },

    /// A plugin call failed: the database's error, or the plugin's.
    #[error("{plugin}: {error}")]
    Plugin {
        /// The plugin's name.
        plugin: String,
        /// The error it returned (shown in this error's message, so not also its `source`).
        error: PluginError,
    },

    /// A value read from the database is not of the type asked for.
    #[error("column `{column}`: {reason}")]
    Conversion {
        /// The column's name.
        column: String,
        /// What could not be converted.
        reason: String,
    },

    /// The database's migrations cannot be applied as asked.
    #[error(transparent)]
    Migration(crate::orm::MigrationError),

    /// The scratch database a schema check builds its reference schema in could not be
    /// created, migrated or read.
    #[error("cannot build the reference schema in the scratch database `{url}`: {reason}")]
    ScratchDatabase {
        /// The scratch database's URL, password masked.
        url: String,
        /// What went wrong.
        reason: String,
    },

    /// The flow run does not exist.
    #[error("flow run {id} not found")]
    FlowRunNotFound {
        /// The run asked for.
        id: uuid::Uuid,
    },

    /// A state change expected the run in another state than the one it is in: another
    /// writer moved it first. Nothing was written.
    #[error(
        "flow run {flow_run_id} is in state {} (state id {}), not the expected {expected}; nothing was changed",
        current_state_type.map_or("none", |state| state.as_str()),
        current_state_id.map_or_else(|| "none".to_owned(), |id| id.to_string())
    )]
    StateConflict {
        /// The run.
        flow_run_id: uuid::Uuid,
        /// What the caller expected, in words.
        expected: String,
        /// The run's current state type.
        current_state_type: Option<crate::models::StateType>,
        /// The run's current state id.
        current_state_id: Option<uuid::Uuid>,
    },

    /// A flow run's graph has more nodes than the caller allowed (Prefect's
    /// `FlowRunGraphTooLarge`).
    #[error("the graph of flow run {flow_run_id} has more than {max_nodes} nodes")]
    FlowRunGraphTooLarge {
        /// The run.
        flow_run_id: uuid::Uuid,
        /// The limit.
        max_nodes: i64,
    },

    /// An argument of a typed operation is out of its range.
    #[error("{operation}: `{argument}` {reason}")]
    InvalidArgument {
        /// The operation.
        operation: &'static str,
        /// The argument.
        argument: &'static str,
        /// What is wrong and what is accepted.
        reason: String,
    },

    /// The plugin a command names (by name or path) cannot be found, or a path is not a plugin.
    #[error("{reason}")]
    PluginTarget {
        /// What was named, what was found there and what to give instead.
        reason: String,
    },

    /// The plugin declares no such capability or entry point.
    #[error("{plugin}: {what} is not supported by this plugin")]
    Unsupported {
        /// The plugin's name.
        plugin: String,
        /// What was asked for.
        what: String,
    },
}

impl Error {
    /// The class of a plugin error, if this is one.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            Error::Plugin { error, .. } => Some(error.kind),
            _ => None,
        }
    }

    /// Whether the database rolled the whole transaction back to resolve a conflict with
    /// another one — SQLSTATE class 40, "transaction rollback": a deadlock's victim, a
    /// serialization failure — so that running the transaction again from its start is the
    /// remedy. A lock wait that timed out has no such SQLSTATE (MySQL's rolls back only the
    /// statement; SQLite's busy timeout has none at all).
    ///
    /// ```
    /// use flowdb::{Error, ErrorKind};
    /// use flowdb::PluginError;
    ///
    /// let deadlock = Error::Plugin {
    ///     plugin: "mysql plugin".into(),
    ///     error: PluginError::new(ErrorKind::SERIALIZATION, "Deadlock found").with_sqlstate("40001"),
    /// };
    /// assert!(deadlock.rolled_the_transaction_back());
    /// let busy = Error::Plugin {
    ///     plugin: "sqlite plugin".into(),
    ///     error: PluginError::new(ErrorKind::SERIALIZATION, "database is locked"),
    /// };
    /// assert!(!busy.rolled_the_transaction_back());
    /// ```
    pub fn rolled_the_transaction_back(&self) -> bool {
        self.plugin_error()
            .and_then(|error| error.sqlstate.as_ref().into_option())
            .is_some_and(|sqlstate| sqlstate.starts_with("40"))
    }

    /// The plugin error, if this is one.
    pub fn plugin_error(&self) -> Option<&PluginError> {
        match self {
            Error::Plugin { error, .. } => Some(error),
            _ => None,
        }
    }

    pub(crate) fn plugin(plugin: &str, source: PluginError) -> Error {
        Error::Plugin {
            plugin: format!("{plugin} plugin"),
            error: source,
        }
    }
}

/// The result type of the library.
pub type Result<T, E = Error> = std::result::Result<T, E>;
