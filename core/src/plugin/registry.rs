//! Discovery, status and scheme resolution.
//!
//! **The clash rule.** Candidates are ordered by search tier, then by the order of directories
//! within a tier, then by manifest file name. For each URL scheme, the first candidate in that
//! order that claims it *and loads* serves it. A later candidate all of whose schemes are
//! already served is `shadowed`, and `flowdb plugins list` names the plugin that shadows it. A
//! candidate that fails to load claims nothing, so the next one in order gets its chance.
//!
//! **Built-in dialects come first.** A dialect linked into the host's binary (a plugin crate
//! among the host's dependencies, registered by its `export_plugin!`) is a candidate of the
//! `built-in` tier, ahead of every directory: it serves its schemes, and a plugin file that
//! claims the same ones is listed as shadowed by it. A single-binary deployment runs the code
//! it was built with, whatever files lie on the search path. Two built-in dialects that claim
//! one scheme are a mistake in the host's build, not a choice to make at run time: both are
//! refused, and a URL of that scheme fails naming both packages.

use std::collections::{BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use serde::Serialize;

use crate::error::Error;
use flowdb_abi::LinkedDialect;

use crate::plugin::loader::{
    LoadFailure, LoadedPlugin, PerRegistration, built_in_description, built_in_manifest,
    built_in_module, once_per_registration,
};
use crate::plugin::manifest::{MANIFEST_SUFFIX, Manifest};
use crate::plugin::pins::{PluginPins, sha256_of_file};
use crate::plugin::search::{SearchPath, SearchTier};

/// A plugin's state, as `flowdb plugins list` shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PluginStatus {
    /// Loaded and initialised; it serves its schemes.
    Loaded,
    /// Found and valid, not loaded yet (listing without loading).
    Found,
    /// Built against an incompatible SDK/ABI, or the layout check failed.
    Incompatible,
    /// The manifest is missing a key, has an unknown version or is not valid TOML.
    InvalidManifest,
    /// Every scheme it claims is served by a plugin earlier in the search order.
    Shadowed,
    /// The library could not be opened or initialised, or (a built-in dialect) it clashes
    /// with another built-in over a scheme.
    Failed,
    /// It panicked; it refuses further calls until the process restarts.
    Poisoned,
}

impl PluginStatus {
    /// The status as written in listings.
    pub fn as_str(self) -> &'static str {
        match self {
            PluginStatus::Loaded => "loaded",
            PluginStatus::Found => "found",
            PluginStatus::Incompatible => "incompatible",
            PluginStatus::InvalidManifest => "invalid-manifest",
            PluginStatus::Shadowed => "shadowed",
            PluginStatus::Failed => "failed",
            PluginStatus::Poisoned => "poisoned",
        }
    }
}

/// One manifest found while searching, or a dialect built into this binary.
#[derive(Debug)]
pub struct PluginCandidate {
    /// The manifest file; `None` for a built-in dialect.
    pub manifest_path: Option<PathBuf>,
    /// The tier it was found in ([`SearchTier::BuiltIn`] for a built-in dialect).
    pub tier: SearchTier,
    /// The manifest (for a built-in dialect, made from its description), or why it is invalid.
    pub manifest: Result<Manifest, String>,
    built_in: Option<&'static LinkedDialect>,
    /// Why a built-in dialect is refused before it is initialised (it clashes with another).
    refused: Option<String>,
    state: OnceLock<Result<Arc<LoadedPlugin>, LoadFailure>>,
}

impl PluginCandidate {
    /// The Cargo package that linked this dialect into the binary, for a built-in one.
    pub fn built_in_package(&self) -> Option<&'static str> {
        self.built_in.map(|linked| linked.package)
    }

    /// Where the candidate is, for messages: its manifest, or the package that built it in.
    pub fn location(&self) -> String {
        match (&self.manifest_path, self.built_in) {
            (Some(path), _) => path.display().to_string(),
            (None, Some(linked)) => format!("built into this binary by {}", linked.package),
            (None, None) => "nowhere".to_owned(),
        }
    }
}

/// Everything `flowdb plugins list` says about one plugin.
#[derive(Debug, Clone, Serialize)]
pub struct PluginReport {
    /// The plugin's name (from the manifest; the file name when the manifest is unreadable).
    pub name: String,
    /// Its version.
    pub version: Option<String>,
    /// The SDK version it was built with.
    pub sdk_version: Option<String>,
    /// The contract version it was built against (what decides whether it loads).
    pub contract_version: Option<String>,
    /// Its URL schemes.
    pub schemes: Vec<String>,
    /// Its declared capabilities.
    pub capabilities: Vec<String>,
    /// The tier it was found in.
    pub tier: SearchTier,
    /// The manifest file; `None` for a built-in dialect.
    pub manifest_path: Option<PathBuf>,
    /// The Cargo package that linked it into this binary, for a built-in dialect.
    pub built_in: Option<String>,
    /// The library file.
    pub library_path: Option<PathBuf>,
    /// The library's SHA-256 (lowercase hex), what a pin in the configuration file names.
    pub sha256: Option<String>,
    /// Its state.
    pub status: PluginStatus,
    /// Why it is not loaded, when it is not.
    pub reason: Option<String>,
    /// The plugin that shadows it.
    pub shadowed_by: Option<String>,
    /// abi_stable's full layout report, for an incompatible plugin.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout_report: Option<String>,
}

/// A line of the search trace: a place searched and what was found there.
#[derive(Debug, Clone, Serialize)]
pub struct SearchTraceEntry {
    /// The tier.
    pub tier: SearchTier,
    /// The directory or file.
    pub path: PathBuf,
    /// What happened there.
    pub outcome: String,
}

/// A file in a searched directory that looks like part of a plugin but that the search cannot
/// use: a shared library no manifest names, or a manifest whose file name the search skips.
#[derive(Debug, Clone, Serialize)]
pub struct IgnoredFile {
    /// The tier of the directory.
    pub tier: SearchTier,
    /// The file.
    pub path: PathBuf,
    /// Why it is not a plugin, and what to do.
    pub reason: String,
}

/// The plugins found on a search path.
#[derive(Debug)]
pub struct PluginRegistry {
    search: SearchPath,
    pins: PluginPins,
    candidates: Vec<PluginCandidate>,
    trace: Vec<SearchTraceEntry>,
    ignored: Vec<IgnoredFile>,
}

static GLOBAL_REGISTRY: OnceLock<PluginRegistry> = OnceLock::new();

/// Loaded plugins by library path, process-wide: a library is initialised once and never
/// unloaded, however many registries find it.
fn loaded_libraries() -> &'static Mutex<HashMap<PathBuf, Arc<LoadedPlugin>>> {
    static LOADED: OnceLock<Mutex<HashMap<PathBuf, Arc<LoadedPlugin>>>> = OnceLock::new();
    LOADED.get_or_init(Default::default)
}

impl PluginRegistry {
    /// The process-wide registry that [`DbInterface::new`](crate::DbInterface::new) and
    /// [`provide_database_interface`](crate::provide_database_interface) use: the standard search
    /// path, discovered on first use, unless [`init_global`](Self::init_global) chose another,
    /// with the operator's [pins](PluginPins::from_env) either way.
    pub fn global() -> &'static PluginRegistry {
        GLOBAL_REGISTRY.get_or_init(|| {
            PluginRegistry::discover(SearchPath::from_env()).with_pins(PluginPins::from_env())
        })
    }

    /// Makes the process-wide registry search `search` instead of the standard path — for a
    /// host that installs its plugins somewhere of its own. It must run before the registry is
    /// first used; afterwards it returns the registry already in use as the error.
    ///
    /// ```
    /// use flowdb::plugin::{PluginRegistry, SearchPath};
    ///
    /// let search = SearchPath::from_env().with_explicit(["/opt/myhost/plugins".into()]);
    /// let registry = PluginRegistry::init_global(search).unwrap();
    /// assert_eq!(registry.search_path().dirs[0].path, std::path::Path::new("/opt/myhost/plugins"));
    /// assert!(PluginRegistry::init_global(SearchPath::default()).is_err());
    /// ```
    pub fn init_global(
        search: SearchPath,
    ) -> Result<&'static PluginRegistry, &'static PluginRegistry> {
        let mut fresh = Some(search);
        let registry = GLOBAL_REGISTRY.get_or_init(|| {
            PluginRegistry::discover(fresh.take().unwrap_or_default())
                .with_pins(PluginPins::from_env())
        });
        if fresh.is_none() {
            Ok(registry)
        } else {
            Err(registry)
        }
    }

    /// Reads every manifest on the search path. No library is opened yet, and none is pinned:
    /// see [`with_pins`](Self::with_pins).
    ///
    /// The dialects built into this binary come first (the `built-in` tier); each is asked to
    /// describe itself (its own code, in this process), not yet initialised. Pins do not apply
    /// to them: they are part of the binary, not files on the search path.
    pub fn discover(search: SearchPath) -> PluginRegistry {
        Self::discover_from(built_in_candidates(), search)
    }

    /// As [`discover`](Self::discover), but plugin libraries only: the dialects built into
    /// this binary are left out. For what must exercise the library builds even in a binary
    /// that links the same crates (flowdb-bench measures the plugin boundary against the
    /// crates linked in).
    ///
    /// ```
    /// use flowdb::plugin::{PluginRegistry, SearchPath, SearchTier};
    ///
    /// let registry = PluginRegistry::discover_libraries(SearchPath::from_env());
    /// assert!(registry.candidates().iter().all(|c| c.tier != SearchTier::BuiltIn));
    /// ```
    pub fn discover_libraries(search: SearchPath) -> PluginRegistry {
        Self::discover_from(Vec::new(), search)
    }

    fn discover_from(built_in: Vec<PluginCandidate>, search: SearchPath) -> PluginRegistry {
        let mut candidates: Vec<PluginCandidate> = built_in;
        let mut trace = Vec::new();
        let mut ignored = Vec::new();
        let mut seen = BTreeSet::new();
        for dir in &search.dirs {
            let mut note = |outcome: String| {
                trace.push(SearchTraceEntry {
                    tier: dir.tier,
                    path: dir.path.clone(),
                    outcome,
                });
            };
            if let Some(refused) = &dir.refused {
                note(refused.clone());
                continue;
            }
            let manifests = match list_manifests(&dir.path) {
                Ok(manifests) => manifests,
                Err(outcome) => {
                    note(outcome);
                    continue;
                }
            };
            if manifests.is_empty() {
                note(format!("no *{MANIFEST_SUFFIX} manifests"));
            }
            if dir.path.is_dir() {
                ignored.extend(ignored_files(&dir.path, &manifests).into_iter().map(
                    |(path, reason)| IgnoredFile {
                        tier: dir.tier,
                        path,
                        reason,
                    },
                ));
            }
            for manifest_path in manifests {
                let canonical = manifest_path
                    .canonicalize()
                    .unwrap_or_else(|_| manifest_path.clone());
                if !seen.insert(canonical) {
                    note(format!(
                        "{}: already found earlier in the search order",
                        manifest_path.display()
                    ));
                    continue;
                }
                let manifest = Manifest::read(&manifest_path);
                note(match &manifest {
                    Ok(manifest) => format!(
                        "found plugin `{}` ({})",
                        manifest.name,
                        manifest_path.display()
                    ),
                    Err(reason) => {
                        format!("invalid manifest {}: {reason}", manifest_path.display())
                    }
                });
                candidates.push(PluginCandidate {
                    manifest_path: Some(manifest_path),
                    tier: dir.tier,
                    manifest,
                    built_in: None,
                    refused: None,
                    state: OnceLock::new(),
                });
            }
        }
        PluginRegistry {
            search,
            pins: PluginPins::none(),
            candidates,
            trace,
            ignored,
        }
    }

    /// Loads only libraries whose SHA-256 matches their pin (and, if the pins require it,
    /// only pinned ones); a library that does not match is refused before it is mapped.
    ///
    /// ```
    /// use flowdb::plugin::{PluginPins, PluginRegistry, SearchPath};
    ///
    /// let registry = PluginRegistry::discover(SearchPath::from_env())
    ///     .with_pins(PluginPins::none().require_pins(true));
    /// // Every plugin found is now refused: none is pinned.
    /// assert!(registry.report(true).iter().all(|plugin| plugin.status.as_str() != "loaded"));
    /// ```
    pub fn with_pins(mut self, pins: PluginPins) -> PluginRegistry {
        self.pins = pins;
        self
    }

    /// The pins this registry enforces.
    pub fn pins(&self) -> &PluginPins {
        &self.pins
    }

    /// The search path this registry was discovered from.
    pub fn search_path(&self) -> &SearchPath {
        &self.search
    }

    /// Every manifest found, in precedence order.
    pub fn candidates(&self) -> &[PluginCandidate] {
        &self.candidates
    }

    /// Every place searched and what was found there.
    pub fn trace(&self) -> &[SearchTraceEntry] {
        &self.trace
    }

    /// Files in the searched directories that look like parts of plugins but are not usable
    /// ones, each with why and what to do (`flowdb plugins list` shows them).
    pub fn ignored(&self) -> &[IgnoredFile] {
        &self.ignored
    }

    /// Every scheme some valid manifest claims, sorted.
    pub fn known_schemes(&self) -> Vec<String> {
        let schemes: BTreeSet<&str> = self
            .candidates
            .iter()
            .filter_map(|candidate| candidate.manifest.as_ref().ok())
            .flat_map(|manifest| manifest.schemes.iter().map(String::as_str))
            .collect();
        schemes.into_iter().map(str::to_owned).collect()
    }

    /// Loads one of [`candidates`](Self::candidates) whatever the search order says (the
    /// conformance suite verifies a plugin that may be shadowed). Loaded once per library.
    pub fn load_candidate(
        &self,
        candidate: &PluginCandidate,
    ) -> Result<Arc<LoadedPlugin>, LoadFailure> {
        self.load(candidate)
    }

    fn load(&self, candidate: &PluginCandidate) -> Result<Arc<LoadedPlugin>, LoadFailure> {
        candidate
            .state
            .get_or_init(|| {
                let manifest = candidate
                    .manifest
                    .as_ref()
                    .map_err(|reason| LoadFailure::Failed(reason.clone()))?;
                if let Some(refused) = &candidate.refused {
                    return Err(LoadFailure::Failed(refused.clone()));
                }
                let manifest_path = match (&candidate.manifest_path, candidate.built_in) {
                    (_, Some(linked)) => return load_built_in(linked, manifest),
                    (Some(path), None) => path,
                    (None, None) => {
                        return Err(LoadFailure::Failed("a candidate with no manifest".into()));
                    }
                };
                let library = manifest.library_path(manifest_path);
                let key = library.canonicalize().unwrap_or(library);
                let mut loaded = loaded_libraries()
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                if let Some(plugin) = loaded.get(&key) {
                    return plugin
                        .with_manifest(manifest.clone(), manifest_path, &self.pins)
                        .map(Arc::new);
                }
                let plugin = Arc::new(LoadedPlugin::load(
                    manifest.clone(),
                    manifest_path,
                    &self.pins,
                )?);
                loaded.insert(key, Arc::clone(&plugin));
                Ok(plugin)
            })
            .clone()
    }

    /// The plugin that serves `scheme` (without `+driver`), loading it if needed.
    ///
    /// The error names the scheme, lists the known schemes, every place searched and why each
    /// candidate was rejected.
    pub fn resolve(&self, scheme: &str) -> Result<Arc<LoadedPlugin>, Error> {
        let mut rejected = Vec::new();
        for candidate in &self.candidates {
            let Ok(manifest) = &candidate.manifest else {
                continue;
            };
            if !manifest.schemes.iter().any(|claimed| claimed == scheme) {
                continue;
            }
            match self.load(candidate) {
                Ok(plugin) => return Ok(plugin),
                Err(failure) => rejected.push(format!(
                    "plugin `{}` ({}): {}",
                    manifest.name,
                    candidate.location(),
                    failure.reason()
                )),
            }
            // A built-in dialect that cannot serve the scheme (it failed, or clashes with another
            // built-in): no plugin file may stand in for the code the binary was built with.
            if candidate.built_in.is_some() {
                let clashing = self.candidates.iter().filter(|other| {
                    other.refused.is_some()
                        && !std::ptr::eq(*other, candidate)
                        && other.manifest.as_ref().is_ok_and(|other| {
                            other.schemes.iter().any(|claimed| claimed == scheme)
                        })
                });
                for other in clashing {
                    if let (Ok(other_manifest), Some(reason)) = (&other.manifest, &other.refused) {
                        rejected.push(format!(
                            "plugin `{}` ({}): {reason}",
                            other_manifest.name,
                            other.location(),
                        ));
                    }
                }
                break;
            }
        }
        Err(Error::NoPlugin {
            scheme: scheme.to_owned(),
            known_schemes: self.known_schemes(),
            details: self.describe_search(&rejected),
        })
    }

    fn describe_search(&self, rejected: &[String]) -> String {
        let mut text = String::new();
        if !rejected.is_empty() {
            text.push_str("candidates rejected:\n");
            for line in rejected {
                let _ = writeln!(text, "  - {line}");
            }
        }
        text.push_str("searched, in order:\n");
        for entry in &self.trace {
            let _ = writeln!(
                text,
                "  - [{}] {}: {}",
                entry.tier,
                entry.path.display(),
                entry.outcome
            );
        }
        text.push_str(self.search.caller.how_to_add());
        text
    }

    /// The state of every plugin found. With `load`, every candidate that is not shadowed is
    /// loaded (and so initialised) to learn whether it works.
    pub fn report(&self, load: bool) -> Vec<PluginReport> {
        let mut served: HashMap<String, String> = HashMap::new();
        let mut reports = Vec::with_capacity(self.candidates.len());
        for candidate in &self.candidates {
            let manifest = match &candidate.manifest {
                Ok(manifest) => manifest,
                Err(reason) => {
                    reports.push(PluginReport {
                        name: match candidate.built_in {
                            Some(linked) => linked.name.to_owned(),
                            None => candidate
                                .manifest_path
                                .as_deref()
                                .map(manifest_stem)
                                .unwrap_or_default(),
                        },
                        version: None,
                        sdk_version: None,
                        contract_version: None,
                        schemes: Vec::new(),
                        capabilities: Vec::new(),
                        tier: candidate.tier,
                        manifest_path: candidate.manifest_path.clone(),
                        built_in: candidate.built_in_package().map(str::to_owned),
                        library_path: None,
                        sha256: None,
                        status: if candidate.built_in.is_some() {
                            PluginStatus::Failed
                        } else {
                            PluginStatus::InvalidManifest
                        },
                        reason: Some(reason.clone()),
                        shadowed_by: None,
                        layout_report: None,
                    });
                    continue;
                }
            };
            let library_path = candidate
                .manifest_path
                .as_deref()
                .map(|manifest_path| manifest.library_path(manifest_path));
            let mut report = PluginReport {
                name: manifest.name.clone(),
                version: Some(manifest.version.clone()),
                sdk_version: Some(manifest.sdk_version.clone()),
                contract_version: Some(manifest.contract_version().to_owned()),
                schemes: manifest.schemes.clone(),
                capabilities: manifest.capabilities.clone(),
                tier: candidate.tier,
                manifest_path: candidate.manifest_path.clone(),
                built_in: candidate.built_in_package().map(str::to_owned),
                sha256: library_path
                    .as_deref()
                    .and_then(|library| sha256_of_file(library).ok()),
                library_path,
                status: PluginStatus::Found,
                reason: None,
                shadowed_by: None,
                layout_report: None,
            };
            if let Some(refused) = &candidate.refused {
                // It serves nothing, and no file serves its schemes in its place.
                claim(&mut served, manifest, candidate);
                report.status = PluginStatus::Failed;
                report.reason = Some(refused.clone());
                reports.push(report);
                continue;
            }
            if let Some(owner) = manifest
                .schemes
                .iter()
                .all(|scheme| served.contains_key(scheme))
                .then(|| {
                    manifest
                        .schemes
                        .first()
                        .and_then(|scheme| served.get(scheme))
                        .cloned()
                        .unwrap_or_default()
                })
            {
                report.status = PluginStatus::Shadowed;
                report.reason = Some(format!(
                    "every scheme it claims ({}) is served by {owner}, which comes first in the search order",
                    manifest.schemes.join(", ")
                ));
                report.shadowed_by = Some(owner);
                reports.push(report);
                continue;
            }
            let outcome = if load {
                Some(self.load(candidate))
            } else {
                candidate.state.get().cloned()
            };
            match outcome {
                None => claim(&mut served, manifest, candidate),
                Some(Ok(plugin)) => {
                    claim(&mut served, manifest, candidate);
                    let health = plugin.health();
                    if health.poisoned {
                        report.status = PluginStatus::Poisoned;
                        report.reason = Some(format!("poisoned by a {}", health.poison_reason));
                    } else {
                        report.status = PluginStatus::Loaded;
                        report.capabilities = plugin
                            .description()
                            .capabilities
                            .iter()
                            .map(|c| c.to_string())
                            .collect();
                    }
                }
                Some(Err(LoadFailure::Incompatible {
                    reason,
                    report: layout,
                })) => {
                    report.status = PluginStatus::Incompatible;
                    report.reason = Some(reason);
                    report.layout_report = layout;
                }
                Some(Err(LoadFailure::Failed(reason))) => {
                    report.status = PluginStatus::Failed;
                    report.reason = Some(reason);
                }
            }
            reports.push(report);
        }
        reports
    }
}

fn claim(served: &mut HashMap<String, String>, manifest: &Manifest, candidate: &PluginCandidate) {
    let refused = if candidate.refused.is_some() {
        ", which is refused: see its reason"
    } else {
        ""
    };
    for scheme in &manifest.schemes {
        served
            .entry(scheme.clone())
            .or_insert_with(|| format!("`{}` ({}{refused})", manifest.name, candidate.location()));
    }
}

/// The dialects linked into this binary, as candidates of the built-in tier. A built-in that
/// claims a scheme another built-in claims too is refused, naming the other.
fn built_in_candidates() -> Vec<PluginCandidate> {
    // A wrapper crate's registration stands in for the one it supersedes, as in its library.
    let mut candidates: Vec<PluginCandidate> =
        flowdb_abi::without_superseded(flowdb_abi::linked_dialects())
            .into_iter()
            .map(|linked| {
                let manifest = built_in_module(linked)
                    .and_then(built_in_description)
                    .map(|description| built_in_manifest(&description))
                    .map_err(|failure| failure.reason().to_owned());
                PluginCandidate {
                    manifest_path: None,
                    tier: SearchTier::BuiltIn,
                    manifest,
                    built_in: Some(linked),
                    refused: None,
                    state: OnceLock::new(),
                }
            })
            .collect();
    let claims: Vec<(String, Vec<String>, String)> = candidates
        .iter()
        .filter_map(|candidate| {
            let manifest = candidate.manifest.as_ref().ok()?;
            let linked = candidate.built_in?;
            Some((
                manifest.name.clone(),
                manifest.schemes.clone(),
                format!("{} {}", linked.package, linked.version),
            ))
        })
        .collect();
    for (index, candidate) in candidates.iter_mut().enumerate() {
        let Ok(manifest) = &candidate.manifest else {
            continue;
        };
        let clashes: Vec<String> = claims
            .iter()
            .enumerate()
            .filter(|(other, _)| *other != index)
            .flat_map(|(_, (name, schemes, package))| {
                schemes
                    .iter()
                    .filter(|scheme| manifest.schemes.contains(scheme))
                    .map(move |scheme| format!("`{scheme}` with `{name}` from {package}"))
            })
            .collect();
        if !clashes.is_empty() {
            candidate.refused = Some(format!(
                "two dialects built into this binary claim one scheme ({}); a binary links one dialect per scheme: remove one of the plugin crates from the host's dependencies",
                clashes.join(", ")
            ));
        }
    }
    candidates
}

/// Initialises a built-in dialect, once per process however many registries find it.
fn load_built_in(
    linked: &'static LinkedDialect,
    manifest: &Manifest,
) -> Result<Arc<LoadedPlugin>, LoadFailure> {
    static LOADED: PerRegistration<Arc<LoadedPlugin>> = OnceLock::new();
    once_per_registration(&LOADED, linked, || {
        let module = built_in_module(linked)?;
        Ok(Arc::new(LoadedPlugin::built_in(
            linked,
            module,
            manifest.clone(),
        )?))
    })
}

fn manifest_stem(path: &Path) -> String {
    let file = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.strip_suffix(MANIFEST_SUFFIX)
        .unwrap_or(&file)
        .to_owned()
}

/// The shared libraries in `dir` that none of its `manifests` names, and the files that look
/// like manifests but are named so that the search skips them.
fn ignored_files(dir: &Path, manifests: &[PathBuf]) -> Vec<(PathBuf, String)> {
    let invalid = manifests
        .iter()
        .filter(|path| Manifest::read(path).is_err())
        .count();
    let named: BTreeSet<std::ffi::OsString> = manifests
        .iter()
        .filter_map(|path| Manifest::read(path).ok())
        .filter_map(|manifest| {
            Path::new(&manifest.library)
                .file_name()
                .map(std::ffi::OsStr::to_os_string)
        })
        .collect();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut ignored = Vec::new();
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    for path in paths {
        let Some(file_name) = path.file_name() else {
            continue;
        };
        let text_name = file_name.to_string_lossy();
        if text_name.ends_with(MANIFEST_SUFFIX) {
            continue;
        }
        if text_name.ends_with(std::env::consts::DLL_SUFFIX) {
            if named.contains(file_name) {
                continue;
            }
            if invalid > 0 {
                ignored.push((
                    path.clone(),
                    format!(
                        "a shared library that no valid manifest here names ({invalid} manifest(s) here are invalid: see their reasons above; one of them may be meant for it)"
                    ),
                ));
                continue;
            }
            ignored.push((
                path.clone(),
                format!(
                    "a shared library that no manifest here names: flowdb loads a plugin only through the manifest beside it (`NAME{MANIFEST_SUFFIX}` naming `library = \"{text_name}\"`, which the plugin's build script writes with flowdb_plugin_build::write_manifest); copy the manifest cargo wrote beside the built library (`target/<profile>/NAME{MANIFEST_SUFFIX}`) here, or move the library out of this directory"
                ),
            ));
            continue;
        }
        // A manifest under another name: a `.toml` that says it is one by its name or its
        // first key (the template `flowdb-plugin.toml` copied as it is, `sqlite.toml`, …).
        let looks_like_manifest = text_name.ends_with(".toml")
            && (text_name.contains("flowdb-plugin")
                || text_name.contains("flowdb_plugin")
                || std::fs::read_to_string(&path)
                    .is_ok_and(|text| text.contains("manifest_version")));
        if looks_like_manifest {
            // The name it gives, even when the rest is incomplete (a template).
            let name = std::fs::read_to_string(&path)
                .ok()
                .and_then(|text| text.parse::<toml::Table>().ok())
                .and_then(|table| table.get("name")?.as_str().map(str::to_owned))
                .unwrap_or_else(|| "NAME".to_owned());
            ignored.push((
                path.clone(),
                format!(
                    "looks like a plugin manifest, but the search reads only files named `*{MANIFEST_SUFFIX}`: rename it to `{name}{MANIFEST_SUFFIX}`"
                ),
            ));
        }
    }
    ignored
}

/// The manifests in a directory, sorted by file name; a manifest file given directly is itself.
fn list_manifests(path: &Path) -> Result<Vec<PathBuf>, String> {
    if path.is_file() {
        return if path.to_string_lossy().ends_with(MANIFEST_SUFFIX) {
            Ok(vec![path.to_path_buf()])
        } else {
            Err(format!("not a directory or a *{MANIFEST_SUFFIX} manifest"))
        };
    }
    let entries = match std::fs::read_dir(path) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err("does not exist".into());
        }
        Err(err) => return Err(format!("cannot be read: {err}")),
    };
    let mut manifests: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(MANIFEST_SUFFIX))
        .collect();
    manifests.sort();
    Ok(manifests)
}
