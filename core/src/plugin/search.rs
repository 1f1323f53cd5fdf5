//! Where plugins are looked for: one ordered list of directories, computed in one place, used
//! by the loader, `flowdb plugins list` and every error message alike.
//!
//! The tiers, first match wins:
//! 1. explicit paths given by the caller (`--plugin-path`, [`SearchPath::with_explicit`]);
//! 2. `FLOWDB_PLUGIN_PATH`, directories separated by `:` (absolute paths only, unless
//!    `FLOWDB_ALLOW_RELATIVE_PLUGIN_PATHS=1`);
//! 3. the running executable's directory, then its `../lib/flowdb/plugins`; for an executable
//!    cargo built into `target/<profile>/deps` or `target/<profile>/examples` (a test binary,
//!    an example), also `target/<profile>`, where cargo builds the workspace's plugins;
//! 4. the user directory, `$FLOWDB_HOME/plugins` (default `~/.flowdb/plugins`);
//! 5. the system directories `/usr/local/lib/flowdb/plugins` and `/usr/lib/flowdb/plugins`.
//!
//! A relative place from tiers 2–4 is refused (and listed as refused) unless
//! `FLOWDB_ALLOW_RELATIVE_PLUGIN_PATHS=1`; explicit paths are taken as given.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// A search tier, in precedence order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SearchTier {
    /// Linked into this binary: no file, ahead of every directory.
    BuiltIn,
    /// Given by the caller.
    Explicit,
    /// From `FLOWDB_PLUGIN_PATH`.
    Environment,
    /// Beside the executable.
    Executable,
    /// The user's plugin directory.
    User,
    /// The system's plugin directories.
    System,
}

impl fmt::Display for SearchTier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SearchTier::BuiltIn => "built-in",
            SearchTier::Explicit => "explicit",
            SearchTier::Environment => "FLOWDB_PLUGIN_PATH",
            SearchTier::Executable => "executable",
            SearchTier::User => "user",
            SearchTier::System => "system",
        })
    }
}

/// One place to look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchDir {
    /// The tier it belongs to.
    pub tier: SearchTier,
    /// A directory, or (explicit tier only) a manifest file.
    pub path: PathBuf,
    /// Why this entry is not searched, when it is refused outright (a relative path).
    pub refused: Option<String>,
}

/// Who searches, so that a plugin that is not found is explained in the caller's terms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SearchCaller {
    /// A host application linking flowdb: told about the API and `FLOWDB_PLUGIN_PATH`.
    #[default]
    Host,
    /// The `flowdb` command: told about `--plugin-path` and `FLOWDB_PLUGIN_PATH`.
    Cli,
}

impl SearchCaller {
    /// What to do when no plugin was found, in the caller's terms.
    pub fn how_to_add(self) -> &'static str {
        match self {
            SearchCaller::Cli => "add a plugin directory with --plugin-path or FLOWDB_PLUGIN_PATH",
            SearchCaller::Host => {
                "add a plugin directory to FLOWDB_PLUGIN_PATH (absolute paths, `:`-separated), or \
                 build the registry with it: PluginRegistry::init_global(SearchPath::from_env()\
                 .with_explicit([dir])) before the first interface, or PluginRegistry::discover \
                 for a registry of your own; or install the plugin's library and manifest in \
                 ~/.flowdb/plugins or /usr/local/lib/flowdb/plugins"
            }
        }
    }
}

/// `target/<profile>` for an executable in cargo's `target/<profile>/deps` or
/// `target/<profile>/examples`.
fn cargo_profile_dir(exe_dir: &Path) -> Option<PathBuf> {
    let name = exe_dir.file_name()?;
    let profile_dir = exe_dir.parent()?;
    // Only cargo's layout: a profile directory holds its `.fingerprint/`.
    ((name == "deps" || name == "examples") && profile_dir.join(".fingerprint").is_dir())
        .then(|| profile_dir.to_path_buf())
}

/// The ordered search path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SearchPath {
    /// Every place, in precedence order.
    pub dirs: Vec<SearchDir>,
    /// Who searches (the hint of a "not found" error follows it).
    #[serde(skip)]
    pub caller: SearchCaller,
}

impl SearchPath {
    /// The standard tiers 2–5, from the process environment.
    pub fn from_env() -> SearchPath {
        Self::from_lookup(|key| std::env::var(key).ok(), std::env::current_exe().ok())
    }

    /// The standard tiers from an explicit environment lookup and executable path.
    pub fn from_lookup(
        env: impl Fn(&str) -> Option<String>,
        current_exe: Option<PathBuf>,
    ) -> SearchPath {
        let mut dirs = Vec::new();
        let allow_relative =
            env("FLOWDB_ALLOW_RELATIVE_PLUGIN_PATHS").is_some_and(|value| value == "1");
        if let Some(list) = env("FLOWDB_PLUGIN_PATH") {
            for entry in list.split(':').filter(|entry| !entry.is_empty()) {
                let path = PathBuf::from(entry);
                let refused = (!path.is_absolute() && !allow_relative).then(|| {
                    "relative paths in FLOWDB_PLUGIN_PATH are refused (set FLOWDB_ALLOW_RELATIVE_PLUGIN_PATHS=1 to allow them)"
                        .to_owned()
                });
                dirs.push(SearchDir {
                    tier: SearchTier::Environment,
                    path,
                    refused,
                });
            }
        }
        if let Some(exe_dir) = current_exe.as_deref().and_then(Path::parent) {
            dirs.push(SearchDir {
                tier: SearchTier::Executable,
                path: exe_dir.to_path_buf(),
                refused: None,
            });
            dirs.push(SearchDir {
                tier: SearchTier::Executable,
                path: exe_dir.join("../lib/flowdb/plugins"),
                refused: None,
            });
            // Cargo puts test binaries and examples one level below the profile directory
            // that holds the workspace's built plugins.
            if let Some(profile_dir) = cargo_profile_dir(exe_dir) {
                dirs.push(SearchDir {
                    tier: SearchTier::Executable,
                    path: profile_dir,
                    refused: None,
                });
            }
        }
        let home = env("FLOWDB_HOME")
            .map(PathBuf::from)
            .or_else(|| env("HOME").map(|home| Path::new(&home).join(".flowdb")));
        if let Some(home) = home {
            dirs.push(SearchDir {
                tier: SearchTier::User,
                path: home.join("plugins"),
                refused: None,
            });
        }
        for system in ["/usr/local/lib/flowdb/plugins", "/usr/lib/flowdb/plugins"] {
            dirs.push(SearchDir {
                tier: SearchTier::System,
                path: PathBuf::from(system),
                refused: None,
            });
        }
        // A relative place means "wherever the host was started": whoever controls that
        // directory chooses the code the host runs.
        for dir in &mut dirs {
            if dir.refused.is_none() && !dir.path.is_absolute() && !allow_relative {
                dir.refused = Some(format!(
                    "a relative path (from {}) is refused: it depends on the working directory; make it absolute (or set FLOWDB_ALLOW_RELATIVE_PLUGIN_PATHS=1)",
                    match dir.tier {
                        SearchTier::User => "FLOWDB_HOME or HOME",
                        _ => "the executable's path",
                    }
                ));
            }
        }
        SearchPath {
            dirs,
            caller: SearchCaller::Host,
        }
    }

    /// The same places, searched for `caller`.
    pub fn for_caller(mut self, caller: SearchCaller) -> SearchPath {
        self.caller = caller;
        self
    }

    /// Puts explicit paths (directories or manifest files) in front, in the order given.
    pub fn with_explicit(mut self, paths: impl IntoIterator<Item = PathBuf>) -> SearchPath {
        let explicit: Vec<SearchDir> = paths
            .into_iter()
            .map(|path| SearchDir {
                tier: SearchTier::Explicit,
                path,
                refused: None,
            })
            .collect();
        self.dirs.splice(0..0, explicit);
        self
    }

    /// Only the explicit paths, without the standard tiers (for tests and embedding hosts).
    pub fn explicit_only(paths: impl IntoIterator<Item = PathBuf>) -> SearchPath {
        SearchPath::default().with_explicit(paths)
    }
}
