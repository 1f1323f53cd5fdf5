//! [`SettingsError`]: everything that can go wrong loading settings or building a URL.

use std::path::PathBuf;

use super::Driver;

/// Why the settings could not be loaded or a connection URL could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// A value could not be parsed or is out of range. `setting` is the environment variable
    /// or `server.database.<key> in <file>`; `value` is the value as given (quoted when it was
    /// a string; `**********` for secrets).
    #[error("invalid value {value} for {setting}: expected {expected}")]
    InvalidValue {
        /// The environment variable or TOML key (with its file).
        setting: String,
        /// The value given, rendered for display.
        value: String,
        /// What was expected instead.
        expected: String,
    },
    /// A key inside `[server.database]` (or one of its sub-tables) is not a known setting.
    #[error("unknown key {key} in {}: valid keys are {valid}", .file.display())]
    UnknownKey {
        /// The full key path, e.g. `server.database.sqlalchemy.poolsize`.
        key: String,
        /// The configuration file.
        file: PathBuf,
        /// The keys allowed at that level, comma-separated.
        valid: String,
    },
    /// The configuration file could not be read.
    #[error("cannot read config file {}: {source}", .file.display())]
    ReadConfig {
        /// The configuration file.
        file: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The configuration file is not valid TOML.
    #[error("cannot parse config file {}: {message}", .file.display())]
    ParseConfig {
        /// The configuration file.
        file: PathBuf,
        /// The TOML parser's message, with the line and column when known.
        message: String,
    },
    /// The connection URL holds a password placeholder but no password is set.
    #[error(
        "the connection url contains {placeholder} but no database password is set \
         (set PREFECT_SERVER_DATABASE_PASSWORD or server.database.password)"
    )]
    MissingPassword {
        /// The placeholder found in the URL.
        placeholder: &'static str,
    },
    /// The driver needs settings that are not set (or are empty).
    #[error(
        "missing required database connection settings for driver {driver}: {}",
        .missing.join(", ")
    )]
    MissingConnectionSettings {
        /// The driver being composed for.
        driver: Driver,
        /// The missing settings (`host`, `user`, `name`), in that order.
        missing: Vec<&'static str>,
    },
    /// An environment variable that flowdb reads is not valid Unicode.
    #[error("environment variable {name} is not valid unicode")]
    NotUnicode {
        /// The variable's name.
        name: String,
    },
    /// The home directory cannot be written into a connection URL.
    #[error("home directory {} is not valid unicode and cannot be used in a connection url", .home.display())]
    NonUnicodeHome {
        /// The home directory.
        home: PathBuf,
    },
}
