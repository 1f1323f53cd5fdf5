//! Pins of plugin libraries by SHA-256: an operator writes down the digest of each library
//! they installed, and a library that is not that exact file is refused before it is mapped.
//!
//! The pins live in the TOML configuration file (`FLOWDB_CONFIG`), beside Prefect's
//! `[server.database]` settings:
//!
//! ```toml
//! [flowdb.plugins]
//! # Refuse every plugin that has no pin (default false: unpinned plugins load).
//! require_sha256 = true
//!
//! [flowdb.plugins.sha256]
//! postgresql = "3b1f…64 hex digits…"
//! ```
//!
//! `flowdb plugins list` prints each library's digest, ready to paste. A configuration file
//! whose pins cannot be read refuses every plugin rather than none: an operator who pinned
//! means to be protected, and a typo must not switch the protection off.
//!
//! Pins guard files. A dialect built into the binary (`flowdb plugins list`: tier
//! `built-in`) is not a file on the search path and is not pinned: what vouches for it is the
//! binary itself.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

/// The environment variable naming the configuration file (shared with the settings).
const CONFIG_VAR: &str = "FLOWDB_CONFIG";

/// The SHA-256 digests plugin libraries must have, by plugin name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PluginPins {
    sha256: BTreeMap<String, String>,
    require: bool,
    /// Where the pins came from, for messages.
    source: Option<PathBuf>,
    /// Why the pins could not be read; every plugin is refused with it.
    unreadable: Option<String>,
}

impl PluginPins {
    /// No pins: every trusted plugin loads.
    pub fn none() -> PluginPins {
        PluginPins::default()
    }

    /// The pins of the configuration file named by `FLOWDB_CONFIG`, or none when it is unset
    /// or empty. A file that cannot be read or holds malformed pins gives pins that refuse
    /// every plugin, saying why.
    pub fn from_env() -> PluginPins {
        match std::env::var_os(CONFIG_VAR).filter(|path| !path.is_empty()) {
            Some(path) => {
                PluginPins::from_config_file(Path::new(&path)).unwrap_or_else(|why| PluginPins {
                    source: Some(PathBuf::from(&path)),
                    unreadable: Some(why),
                    ..PluginPins::default()
                })
            }
            None => PluginPins::none(),
        }
    }

    /// The pins of a configuration file's `[flowdb.plugins]` table (none when the file has no
    /// such table).
    ///
    /// ```
    /// use flowdb::plugin::PluginPins;
    ///
    /// let dir = std::env::temp_dir().join(format!("flowdb-doc-pins-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let file = dir.join("flowdb.toml");
    /// std::fs::write(&file, "[flowdb.plugins.sha256]\nsqlite = \"not hex\"\n").unwrap();
    /// let err = PluginPins::from_config_file(&file).unwrap_err();
    /// assert!(err.contains("flowdb.plugins.sha256.sqlite"), "{err}");
    /// std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    pub fn from_config_file(path: &Path) -> Result<PluginPins, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| format!("the configuration file cannot be read: {err}"))?;
        let root: toml::Table = toml::from_str(&text).map_err(|err| {
            format!(
                "the configuration file is not valid TOML: {}",
                err.message().trim()
            )
        })?;
        let mut pins = PluginPins {
            source: Some(path.to_path_buf()),
            ..PluginPins::default()
        };
        let Some(plugins) = root.get("flowdb").and_then(|flowdb| flowdb.get("plugins")) else {
            return Ok(pins);
        };
        let table = plugins
            .as_table()
            .ok_or("`flowdb.plugins` must be a table")?;
        for (key, value) in table {
            match (key.as_str(), value) {
                ("require_sha256", toml::Value::Boolean(require)) => pins.require = *require,
                ("require_sha256", _) => {
                    return Err("`flowdb.plugins.require_sha256` must be true or false".into());
                }
                ("sha256", toml::Value::Table(digests)) => {
                    for (name, digest) in digests {
                        let digest = digest
                            .as_str()
                            .and_then(normalise_digest)
                            .ok_or_else(|| {
                                format!(
                                    "`flowdb.plugins.sha256.{name}` must be a SHA-256 digest: 64 hexadecimal digits, as `flowdb plugins list --json` prints"
                                )
                            })?;
                        pins.sha256.insert(name.clone(), digest);
                    }
                }
                ("sha256", _) => {
                    return Err(
                        "`flowdb.plugins.sha256` must be a table of plugin name = digest".into(),
                    );
                }
                (other, _) => {
                    return Err(format!(
                        "unknown key `flowdb.plugins.{other}`; valid keys: require_sha256, sha256"
                    ));
                }
            }
        }
        Ok(pins)
    }

    /// Pins `plugin` to `sha256` (64 hex digits), for a host that keeps its pins elsewhere.
    ///
    /// ```
    /// use flowdb::plugin::PluginPins;
    ///
    /// let pins = PluginPins::none().pin("sqlite", &"ab".repeat(32)).unwrap();
    /// assert_eq!(pins.pinned("sqlite"), Some("ab".repeat(32).as_str()));
    /// assert!(PluginPins::none().pin("sqlite", "abc").is_err());
    /// ```
    pub fn pin(mut self, plugin: &str, sha256: &str) -> Result<PluginPins, String> {
        let digest = normalise_digest(sha256)
            .ok_or_else(|| format!("`{sha256}` is not a SHA-256 digest (64 hex digits)"))?;
        self.sha256.insert(plugin.to_owned(), digest);
        Ok(self)
    }

    /// Refuse plugins that have no pin.
    pub fn require_pins(mut self, require: bool) -> PluginPins {
        self.require = require;
        self
    }

    /// The digest `plugin` is pinned to, if any.
    pub fn pinned(&self, plugin: &str) -> Option<&str> {
        self.sha256.get(plugin).map(String::as_str)
    }

    /// Whether the library of `plugin` at `library` may be loaded.
    pub(crate) fn check(&self, plugin: &str, library: &Path) -> Result<(), String> {
        let source = self
            .source
            .as_ref()
            .map_or_else(String::new, |path| format!(" in {}", path.display()));
        if let Some(why) = &self.unreadable {
            return Err(format!(
                "the plugin pins{source} cannot be used, so no plugin is trusted: {why}"
            ));
        }
        let Some(expected) = self.sha256.get(plugin) else {
            return if self.require {
                Err(format!(
                    "no SHA-256 pin for plugin `{plugin}` and require_sha256 is set{source}; add `{plugin} = \"<digest>\"` under [flowdb.plugins.sha256] (`flowdb plugins list --json` prints the digest)"
                ))
            } else {
                Ok(())
            };
        };
        let actual = sha256_of_file(library).map_err(|err| {
            format!(
                "`{}` cannot be read to check its pin: {err}",
                library.display()
            )
        })?;
        if &actual == expected {
            return Ok(());
        }
        Err(format!(
            "the library `{}` has SHA-256 {actual}, but plugin `{plugin}` is pinned to {expected}{source}; reinstall the plugin you pinned, or update the pin if this build is the one you mean to run",
            library.display()
        ))
    }
}

/// The lowercase hex SHA-256 of a file's contents.
pub(crate) fn sha256_of_file(path: &Path) -> std::io::Result<String> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0_u8; 1 << 16];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect())
}

/// 64 hex digits, lowercased; an optional `sha256:` prefix is accepted.
fn normalise_digest(text: &str) -> Option<String> {
    let digits = text.trim();
    let digits = digits.strip_prefix("sha256:").unwrap_or(digits);
    (digits.len() == 64 && digits.bytes().all(|byte| byte.is_ascii_hexdigit()))
        .then(|| digits.to_ascii_lowercase())
}
