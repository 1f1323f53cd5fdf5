//! The TOML configuration file: reading it and walking its `[server.database]` table.

use std::collections::HashMap;
use std::path::Path;

use super::SettingsError;
use super::spec::SPECS;

/// The TOML table that holds the database settings.
pub(super) const TOML_PREFIX: &str = "server.database";

/// Reads `path` and returns the leaves under `[server.database]`, keyed relative to it
/// (`timeout`, `sqlalchemy.pool_size`, ...). Unknown keys there are errors; everything
/// outside `server.database` is ignored.
pub(super) fn read_config(path: &Path) -> Result<HashMap<String, toml::Value>, SettingsError> {
    let text = std::fs::read_to_string(path).map_err(|source| SettingsError::ReadConfig {
        file: path.to_path_buf(),
        source,
    })?;
    let root: toml::Table = toml::from_str(&text).map_err(|e| SettingsError::ParseConfig {
        file: path.to_path_buf(),
        message: toml_error_message(&text, &e),
    })?;

    let mut out = HashMap::new();
    let Some(server) = root.get("server") else {
        return Ok(out);
    };
    let toml::Value::Table(server) = server else {
        return Err(not_a_table("server", server, path));
    };
    let Some(database) = server.get("database") else {
        return Ok(out);
    };
    let toml::Value::Table(database) = database else {
        return Err(not_a_table(TOML_PREFIX, database, path));
    };
    collect_toml(database, "", path, &mut out)?;
    Ok(out)
}

/// The parser's message prefixed with the line and column. The offending source line is
/// left out on purpose: it may hold a password.
fn toml_error_message(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim().replace('\n', "; ");
    let Some(before) = error.span().and_then(|span| text.get(..span.start)) else {
        return message;
    };
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map_or(0, |last| last.chars().count())
        + 1;
    format!("line {line}, column {column}: {message}")
}

fn not_a_table(key: &str, value: &toml::Value, path: &Path) -> SettingsError {
    SettingsError::InvalidValue {
        setting: format!("{key} in {}", path.display()),
        value: render_toml(value),
        expected: "a table".to_owned(),
    }
}

/// Walks the table at `prefix` (relative to `server.database`), collecting leaves.
fn collect_toml(
    table: &toml::Table,
    prefix: &str,
    path: &Path,
    out: &mut HashMap<String, toml::Value>,
) -> Result<(), SettingsError> {
    for (key, value) in table {
        let rel = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        let all_keys = || SPECS.iter().flat_map(|s| s.toml.iter().copied());
        if all_keys().any(|k| k == rel) {
            out.insert(rel, value.clone());
        } else if all_keys().any(|k| {
            k.strip_prefix(rel.as_str())
                .is_some_and(|rest| rest.starts_with('.'))
        }) {
            match value {
                toml::Value::Table(sub) => collect_toml(sub, &rel, path, out)?,
                other => return Err(not_a_table(&format!("{TOML_PREFIX}.{rel}"), other, path)),
            }
        } else {
            return Err(SettingsError::UnknownKey {
                key: format!("{TOML_PREFIX}.{rel}"),
                file: path.to_path_buf(),
                valid: valid_keys(prefix).join(", "),
            });
        }
    }
    Ok(())
}

/// The keys allowed directly inside the table at `prefix` (relative to `server.database`).
fn valid_keys(prefix: &str) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for key in SPECS.iter().flat_map(|s| s.toml.iter().copied()) {
        let rest = if prefix.is_empty() {
            Some(key)
        } else {
            key.strip_prefix(prefix).and_then(|r| r.strip_prefix('.'))
        };
        if let Some(first) = rest.and_then(|r| r.split('.').next())
            && !keys.contains(&first)
        {
            keys.push(first);
        }
    }
    keys
}

/// A TOML value as shown in error messages.
pub(super) fn render_toml(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => format!("{s:?}"),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        toml::Value::Array(_) => "[...]".to_owned(),
        toml::Value::Table(_) => "{...}".to_owned(),
    }
}
