//! The TOML manifest that sits beside each plugin library.
//!
//! The host reads it before it opens the library, so an incompatible or broken plugin is refused
//! without running any of its code. It is named `<plugin>.flowdb-plugin.toml`:
//!
//! ```toml
//! manifest_version = 1
//! name = "sqlite"
//! version = "0.1.0"
//! sdk_version = "0.1.0"
//! schemes = ["sqlite"]
//! capabilities = ["in-memory", "file"]
//! library = "libflowdb_plugin_sqlite.so"
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The file-name suffix that marks a plugin manifest.
pub const MANIFEST_SUFFIX: &str = ".flowdb-plugin.toml";

/// The manifest format this build reads.
pub const MANIFEST_VERSION: i64 = 1;

/// A plugin's manifest.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The manifest format; this build reads [`MANIFEST_VERSION`].
    pub manifest_version: i64,
    /// The dialect's name (`postgresql`, `sqlite`).
    pub name: String,
    /// The plugin's own version.
    pub version: String,
    /// The `flowdb-plugin-sdk` version the plugin was built with (for messages and support).
    pub sdk_version: String,
    /// The contract version the plugin was built against
    /// ([`CONTRACT_VERSION`](flowdb_abi::CONTRACT_VERSION)); it decides compatibility. A
    /// manifest written before contract versions existed has none: its `sdk_version` stands
    /// for it, as the two were equal then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_version: Option<String>,
    /// URL schemes the plugin serves, without `+driver`.
    pub schemes: Vec<String>,
    /// Declared capabilities.
    #[serde(default)]
    pub capabilities: Vec<String>,
    /// The library file, relative to the manifest's directory (or absolute).
    pub library: String,
}

impl Manifest {
    /// Reads and checks a manifest. The error is one line saying what is wrong and how to fix it.
    pub fn read(path: &Path) -> Result<Manifest, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|err| format!("cannot read the manifest: {err}"))?;
        Self::parse(&text)
    }

    /// Parses and checks manifest text.
    ///
    /// ```
    /// use flowdb::plugin::Manifest;
    ///
    /// let err = Manifest::parse("manifest_version = 9\nname = \"x\"").unwrap_err();
    /// assert!(err.contains("unknown manifest_version 9"), "{err}");
    /// let err = Manifest::parse("manifest_version = 1\nname = \"x\"").unwrap_err();
    /// assert!(err.contains("missing field `version`"), "{err}");
    /// ```
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let table: toml::Table = toml::from_str(text)
            .map_err(|err| format!("broken TOML: {}", one_line(&err.to_string())))?;
        match table.get("manifest_version") {
            None => {
                return Err(
                    "missing key `manifest_version` (this build reads manifest_version = 1)".into(),
                );
            }
            Some(toml::Value::Integer(MANIFEST_VERSION)) => {}
            Some(toml::Value::Integer(other)) => {
                return Err(format!(
                    "unknown manifest_version {other}: this flowdb reads manifest_version {MANIFEST_VERSION}; \
                     use a plugin built for this flowdb, or upgrade flowdb"
                ));
            }
            Some(other) => {
                return Err(format!(
                    "manifest_version must be an integer, found `{}`",
                    other.type_str()
                ));
            }
        }
        let manifest: Manifest = toml::from_str(text)
            .map_err(|err| format!("invalid manifest: {}", one_line(&err.to_string())))?;
        if manifest.name.trim().is_empty() {
            return Err("the `name` key is empty".into());
        }
        if manifest.schemes.is_empty() {
            return Err(
                "the `schemes` list is empty: a plugin must serve at least one URL scheme".into(),
            );
        }
        if let Some(bad) = manifest.schemes.iter().find(|scheme| !is_scheme(scheme)) {
            return Err(format!(
                "`{bad}` is not a valid URL scheme (letters, digits, `-` and `.`, starting with a letter; no `+driver`)"
            ));
        }
        semver::Version::parse(&manifest.version).map_err(|err| {
            format!(
                "`version = \"{}\"` is not a semantic version: {err}",
                manifest.version
            )
        })?;
        if let Some(contract) = &manifest.contract_version {
            semver::Version::parse(contract).map_err(|err| {
                format!("`contract_version = \"{contract}\"` is not a semantic version: {err}")
            })?;
        }
        semver::Version::parse(&manifest.sdk_version).map_err(|err| {
            format!(
                "`sdk_version = \"{}\"` is not a semantic version: {err}",
                manifest.sdk_version
            )
        })?;
        Ok(manifest)
    }

    /// The contract version the plugin was built against: `contract_version`, or for a manifest
    /// written before it existed, `sdk_version`.
    pub fn contract_version(&self) -> &str {
        self.contract_version
            .as_deref()
            .unwrap_or(&self.sdk_version)
    }

    /// The library's path, resolved against the directory the manifest really is in: a manifest
    /// reached through a symbolic link (a plugin installed by linking its manifest into a
    /// plugin directory) names its library relative to where the file itself lives, not the
    /// link (or, failing that, beside the link). In a cargo profile directory
    /// (`target/<profile>`, which holds `.fingerprint/`), the library in `deps/` is taken,
    /// where cargo builds a plugin crate, also as a host's dependency.
    pub fn library_path(&self, manifest_path: &Path) -> PathBuf {
        let library = Path::new(&self.library);
        if library.is_absolute() {
            return library.to_path_buf();
        }
        let real_path =
            std::fs::canonicalize(manifest_path).unwrap_or_else(|_| manifest_path.to_path_buf());
        let dir = real_path.parent().unwrap_or(Path::new("."));
        // In a cargo profile directory the build script writes the manifest beside `deps/`,
        // where cargo builds the library; it copies it up beside the manifest only when the
        // plugin is a package of the build, not a dependency. `deps/` always holds the last
        // build, so it is preferred there.
        if dir.join(".fingerprint").is_dir() {
            let in_deps = dir.join("deps").join(library);
            if in_deps.is_file() {
                return in_deps;
            }
        }
        let beside = dir.join(library);
        if !beside.exists() {
            // A manifest linked into a plugin directory with its library linked beside it.
            let beside_link = manifest_path
                .parent()
                .unwrap_or(Path::new("."))
                .join(library);
            if beside_link.is_file() {
                return beside_link;
            }
        }
        beside
    }
}

fn is_scheme(scheme: &str) -> bool {
    let mut chars = scheme.chars();
    chars.next().is_some_and(|first| first.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
}

/// toml's messages span several lines (with a source excerpt); a trace line needs one.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
