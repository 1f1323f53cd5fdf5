//! Loading: defaults < TOML file < environment, and reading the process environment.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::file::{TOML_PREFIX, read_config};
use super::parse::{Raw, apply};
use super::spec::SPECS;
use super::{DatabaseSettings, Settings, SettingsError};

/// Environment variable that sets [`Settings::home`].
pub(super) const HOME_VAR: &str = "FLOWDB_HOME";
/// Environment variable that names the TOML configuration file read by [`Settings::load`].
pub(super) const CONFIG_VAR: &str = "FLOWDB_CONFIG";

impl Settings {
    /// Defaults < TOML file (path from `FLOWDB_CONFIG` env var, if set) < environment.
    ///
    /// Only the variables flowdb knows about are read from the process environment (plus
    /// `HOME`); one of them holding non-Unicode bytes is an error. An empty `FLOWDB_CONFIG`
    /// counts as unset.
    pub fn load() -> Result<Settings, SettingsError> {
        let env = collect_env(|name| std::env::var(name))?;
        let config = env
            .get(CONFIG_VAR)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from);
        Settings::from_sources(&env, config.as_deref())
    }

    /// Same, from explicit sources (used by tests; `env` is looked up by exact variable name).
    ///
    /// `home` comes from `env["FLOWDB_HOME"]` (a leading `~` expands to `env["HOME"]`), else
    /// `env["HOME"]/.flowdb`, else `./.flowdb`. `FLOWDB_CONFIG` in `env` is not consulted: the
    /// file is `config_file`.
    pub fn from_sources(
        env: &HashMap<String, String>,
        config_file: Option<&Path>,
    ) -> Result<Settings, SettingsError> {
        let file_values = match config_file {
            Some(path) => read_config(path)?,
            None => HashMap::new(),
        };

        let mut database = DatabaseSettings::default();
        for spec in SPECS {
            if let Some((name, value)) = spec
                .env
                .iter()
                .find_map(|name| env.get(*name).map(|v| (*name, v)))
            {
                apply(spec.field, Raw::Env(value), name, &mut database)?;
            } else if let (Some(path), Some((key, value))) = (
                config_file,
                spec.toml
                    .iter()
                    .find_map(|key| file_values.get(*key).map(|v| (*key, v))),
            ) {
                let label = format!("{TOML_PREFIX}.{key} in {}", path.display());
                apply(spec.field, Raw::Toml(value), &label, &mut database)?;
            }
        }

        let env_home = env.get("HOME").map(String::as_str);
        let home = match env.get(HOME_VAR) {
            Some(h) if h.is_empty() => {
                return Err(SettingsError::InvalidValue {
                    setting: HOME_VAR.to_owned(),
                    value: "\"\"".to_owned(),
                    expected: "a directory path".to_owned(),
                });
            }
            Some(h) => expand_tilde(h, env_home),
            None => default_home(env_home),
        };

        Ok(Settings { database, home })
    }
}

/// Reads every variable named in [`SPECS`], plus `FLOWDB_HOME`, `FLOWDB_CONFIG` and `HOME`.
pub(super) fn collect_env(
    lookup: impl Fn(&str) -> Result<String, std::env::VarError>,
) -> Result<HashMap<String, String>, SettingsError> {
    let names = SPECS
        .iter()
        .flat_map(|spec| spec.env.iter().copied())
        .chain([HOME_VAR, CONFIG_VAR, "HOME"]);
    let mut env = HashMap::new();
    for name in names {
        match lookup(name) {
            Ok(value) => {
                env.insert(name.to_owned(), value);
            }
            Err(std::env::VarError::NotPresent) => {}
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(SettingsError::NotUnicode {
                    name: name.to_owned(),
                });
            }
        }
    }
    Ok(env)
}

/// `~` and `~/...` expand to `home` (when known), like Python's `Path.expanduser`.
fn expand_tilde(path: &str, home: Option<&str>) -> PathBuf {
    match home.filter(|h| !h.is_empty()) {
        Some(home) if path == "~" => PathBuf::from(home),
        Some(home) => match path.strip_prefix("~/") {
            Some(rest) => Path::new(home).join(rest),
            None => PathBuf::from(path),
        },
        None => PathBuf::from(path),
    }
}

/// `$HOME/.flowdb`, or `./.flowdb` when `HOME` is missing or empty.
fn default_home(home: Option<&str>) -> PathBuf {
    match home.filter(|h| !h.is_empty()) {
        Some(h) => Path::new(h).join(".flowdb"),
        None => PathBuf::from("./.flowdb"),
    }
}
