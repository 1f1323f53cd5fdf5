//! Opening a plugin library: the checks, in order, and the one unsafe step.
//!
//! 1. The manifest's `contract_version` must be one this host's contract accepts
//!    ([`check_contract_version`]: the same minor line while 0.x, not newer) — checked before
//!    the library is opened, so an incompatible plugin runs no code at all. After loading,
//!    every field of the manifest must match the library's own description.
//! 2. The manifest, the library and their directories must be changeable by no one but their
//!    owner (root or the host's user): `trust.rs`.
//! 3. On ELF platforms the library's structure is checked before it is mapped (`elf.rs`): a
//!    copy cut short, headers zeroed or a build for another machine is refused, not mapped.
//! 4. The library is loaded first by a probe process (`probe.rs`), then opened with
//!    `RTLD_NOW`, so a missing symbol fails here rather than as a crash at first call, and it is
//!    never closed (a library that owns runtime threads cannot be unloaded safely; abi_stable
//!    leaks libraries by design).
//! 5. abi_stable checks its own header and the root module's layout against this host's.
//! 6. The plugin's own description must agree with its manifest.
//!
//! A dialect linked into the host's binary ([`LoadedPlugin::built_in`]) has no file, no
//! manifest and no separate process to probe: it is the host's own code, compiled against the
//! host's own contract. It is only initialised.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use abi_stable::library::{LibraryError, lib_header_from_path};
use abi_stable::std_types::{RResult, RStr};
use flowdb_abi::{
    CONTRACT_VERSION, HostServices, Linkage, LinkedDialect, LogLevel, PluginDescription,
    PluginHealth, PluginModuleRef,
};

use crate::plugin::manifest::Manifest;
use crate::plugin::pins::PluginPins;

/// Why a plugin could not be loaded, classified for `flowdb plugins list`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadFailure {
    /// Built against an SDK/ABI this host cannot use, or abi_stable's layout check failed.
    Incompatible {
        /// One line for the listing.
        reason: String,
        /// The full layout report, when abi_stable produced one.
        report: Option<String>,
    },
    /// The library could not be opened or initialised.
    Failed(String),
}

impl LoadFailure {
    /// The one-line reason.
    pub fn reason(&self) -> &str {
        match self {
            LoadFailure::Incompatible { reason, .. } | LoadFailure::Failed(reason) => reason,
        }
    }
}

/// A plugin whose library is open and initialised. It is never unloaded.
pub struct LoadedPlugin {
    module: PluginModuleRef,
    description: PluginDescription,
    manifest: Manifest,
    origin: Origin,
}

/// Where a loaded plugin's code came from.
#[derive(Debug, Clone)]
enum Origin {
    /// A plugin library and the manifest beside it.
    Library {
        manifest_path: PathBuf,
        library_path: PathBuf,
    },
    /// Linked into this binary by the named Cargo package.
    BuiltIn { package: &'static str },
}

/// Checks that a plugin built against contract `contract_version` (with
/// `flowdb-plugin-sdk` `sdk_version`) can serve this host, by the rule of
/// [`CONTRACT_VERSION`]: the same major version (minor while the major is 0), and not newer.
/// The message names the contract and the SDK apart, and what to rebuild against.
///
/// ```
/// use flowdb::plugin::check_contract_version;
///
/// let host = flowdb_abi::CONTRACT_VERSION;
/// assert!(check_contract_version(host, "0.2.0").is_ok());
/// assert!(check_contract_version("0.2.0", "0.2.0").is_ok(), "an older compatible contract");
/// let newer = check_contract_version("0.3.0", "0.3.0").unwrap_err();
/// assert!(newer.contains("contract 0.3.0") && newer.contains("upgrade flowdb"), "{newer}");
/// let older = check_contract_version("0.1.0", "0.1.4").unwrap_err();
/// assert!(older.contains("flowdb-plugin-sdk 0.1.4") && older.contains("rebuild"), "{older}");
/// ```
pub fn check_contract_version(contract_version: &str, sdk_version: &str) -> Result<(), String> {
    let host = semver::Version::parse(CONTRACT_VERSION)
        .map_err(|err| format!("the host's contract version is invalid: {err}"))?;
    let plugin = semver::Version::parse(contract_version).map_err(|err| {
        format!("contract_version `{contract_version}` is not a semantic version: {err}")
    })?;
    let same_line = if host.major == 0 {
        plugin.major == 0 && plugin.minor == host.minor
    } else {
        plugin.major == host.major
    };
    let line = if host.major == 0 {
        format!("0.{}", host.minor)
    } else {
        host.major.to_string()
    };
    if same_line && plugin <= host {
        return Ok(());
    }
    let built = format!(
        "built with flowdb-plugin-sdk {sdk_version} against contract {plugin}, and this host speaks contract {host}"
    );
    Err(if plugin > host {
        format!(
            "{built} (it may use what this host lacks); upgrade flowdb to a release of contract {plugin} or later, or rebuild the plugin with a flowdb-plugin-sdk of contract {line} (≤ {host})"
        )
    } else {
        format!(
            "{built}, an older, incompatible contract; rebuild the plugin with a flowdb-plugin-sdk of contract {line}"
        )
    })
}

impl std::fmt::Debug for LoadedPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedPlugin")
            .field("name", &self.manifest.name)
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl LoadedPlugin {
    /// Loads the plugin a manifest describes.
    pub(crate) fn load(
        manifest: Manifest,
        manifest_path: &Path,
        pins: &PluginPins,
    ) -> Result<LoadedPlugin, LoadFailure> {
        check_compatible(&manifest)?;
        let library_path = manifest.library_path(manifest_path);
        if !library_path.is_file() {
            return Err(LoadFailure::Failed(format!(
                "the library `{}` named by the manifest does not exist",
                library_path.display()
            )));
        }
        crate::plugin::trust::check_trusted(manifest_path, &library_path)
            .map_err(|reason| LoadFailure::Failed(format!("not loaded: {reason}")))?;
        pins.check(&manifest.name, &library_path)
            .map_err(|reason| LoadFailure::Failed(format!("not loaded: {reason}")))?;
        // A damaged copy must be refused before the loader maps it: mapping one crashed the
        // host (SIGBUS on a copy cut short).
        #[cfg(all(unix, not(target_vendor = "apple")))]
        crate::plugin::elf::check_library_structure(&library_path).map_err(|reason| {
            LoadFailure::Failed(format!(
                "the library `{}` {reason}; reinstall or rebuild the plugin",
                library_path.display()
            ))
        })?;
        // What no reading of the file can rule out (a flipped bit in a relocation sends the
        // loader writing anywhere) is tried first in a process of its own.
        crate::plugin::probe::probe(&library_path)?;
        let module = open_module(&library_path)?;
        let description = call_plugin("describe", || (module.describe())())?;
        check_identity(&description, &manifest)?;
        init_module(module)?;
        tracing::debug!(plugin = %manifest.name, path = %library_path.display(), "plugin loaded");
        Ok(LoadedPlugin {
            module,
            description,
            manifest,
            origin: Origin::Library {
                manifest_path: manifest_path.to_path_buf(),
                library_path,
            },
        })
    }

    /// Initialises a dialect linked into this binary. `module` is its root module built for
    /// [`Linkage::Static`], `manifest` what [`built_in_manifest`] made of its description.
    pub(crate) fn built_in(
        linked: &'static LinkedDialect,
        module: PluginModuleRef,
        manifest: Manifest,
    ) -> Result<LoadedPlugin, LoadFailure> {
        let description = call_plugin("describe", || (module.describe())())?;
        init_module(module)?;
        tracing::debug!(plugin = %manifest.name, package = linked.package, "built-in dialect initialised");
        Ok(LoadedPlugin {
            module,
            description,
            manifest,
            origin: Origin::BuiltIn {
                package: linked.package,
            },
        })
    }

    /// The same library, described by another manifest (a second manifest naming a library
    /// already loaded): the library is initialised once, each manifest keeps its own identity.
    pub(crate) fn with_manifest(
        &self,
        manifest: Manifest,
        manifest_path: &Path,
        pins: &PluginPins,
    ) -> Result<LoadedPlugin, LoadFailure> {
        check_compatible(&manifest)?;
        check_identity(&self.description, &manifest)?;
        let library_path = manifest.library_path(manifest_path);
        pins.check(&manifest.name, &library_path)
            .map_err(|reason| LoadFailure::Failed(format!("not loaded: {reason}")))?;
        Ok(LoadedPlugin {
            module: self.module,
            description: self.description.clone(),
            manifest,
            origin: Origin::Library {
                manifest_path: manifest_path.to_path_buf(),
                library_path,
            },
        })
    }

    /// The root module's entry points.
    pub(crate) fn module(&self) -> PluginModuleRef {
        self.module
    }

    /// What the plugin says about itself.
    pub fn description(&self) -> &PluginDescription {
        &self.description
    }

    /// Its manifest.
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Where its manifest is; `None` for a dialect built into this binary.
    pub fn manifest_path(&self) -> Option<&Path> {
        match &self.origin {
            Origin::Library { manifest_path, .. } => Some(manifest_path),
            Origin::BuiltIn { .. } => None,
        }
    }

    /// Where its library is; `None` for a dialect built into this binary.
    pub fn library_path(&self) -> Option<&Path> {
        match &self.origin {
            Origin::Library { library_path, .. } => Some(library_path),
            Origin::BuiltIn { .. } => None,
        }
    }

    /// The Cargo package that linked it into this binary, for a built-in dialect.
    pub fn built_in_package(&self) -> Option<&'static str> {
        match &self.origin {
            Origin::Library { .. } => None,
            Origin::BuiltIn { package } => Some(package),
        }
    }

    /// Where its code is, for messages: the library's path, or the package that built it in.
    pub fn location(&self) -> String {
        match &self.origin {
            Origin::Library { library_path, .. } => library_path.display().to_string(),
            Origin::BuiltIn { package } => format!("built into this binary by {package}"),
        }
    }

    /// The dialect's name.
    pub fn name(&self) -> &str {
        &self.manifest.name
    }

    /// Whether it is poisoned or shut down. A plugin that cannot even answer counts as poisoned.
    pub fn health(&self) -> PluginHealth {
        call_plugin("health", || (self.module.health())()).unwrap_or_else(|failure| PluginHealth {
            poisoned: true,
            poison_reason: failure.reason().into(),
            shut_down: false,
        })
    }
}

/// The manifest a built-in dialect would have, made from its description: what listings and
/// URL routing read for every plugin.
pub(crate) fn built_in_manifest(description: &PluginDescription) -> Manifest {
    Manifest {
        manifest_version: crate::plugin::manifest::MANIFEST_VERSION,
        name: description.name.to_string(),
        version: description.version.to_string(),
        sdk_version: description.sdk_version.to_string(),
        contract_version: Some(description.abi_version.to_string()),
        schemes: description.schemes.iter().map(|s| s.to_string()).collect(),
        capabilities: description
            .capabilities
            .iter()
            .map(|c| c.to_string())
            .collect(),
        library: String::new(),
    }
}

/// A cache of one value per built-in registration (each registration is a distinct static,
/// so its address is its key).
pub(crate) type PerRegistration<T> = OnceLock<Mutex<HashMap<usize, T>>>;

/// The value `cache` holds for `linked`, made by `make` the first time in the process.
pub(crate) fn once_per_registration<T: Clone>(
    cache: &'static PerRegistration<T>,
    linked: &'static LinkedDialect,
    make: impl FnOnce() -> Result<T, LoadFailure>,
) -> Result<T, LoadFailure> {
    let key = std::ptr::from_ref(linked) as usize;
    let mut values = cache
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(value) = values.get(&key) {
        return Ok(value.clone());
    }
    let value = make()?;
    values.insert(key, value.clone());
    Ok(value)
}

/// The root module of a built-in dialect, built once per process for [`Linkage::Static`].
pub(crate) fn built_in_module(
    linked: &'static LinkedDialect,
) -> Result<PluginModuleRef, LoadFailure> {
    static MODULES: PerRegistration<PluginModuleRef> = OnceLock::new();
    once_per_registration(&MODULES, linked, || {
        call_plugin("root module", || (linked.root_module)(Linkage::Static))
    })
}

/// What a built-in dialect says of itself.
pub(crate) fn built_in_description(
    module: PluginModuleRef,
) -> Result<PluginDescription, LoadFailure> {
    call_plugin("describe", || (module.describe())())
}

fn check_compatible(manifest: &Manifest) -> Result<(), LoadFailure> {
    check_contract_version(manifest.contract_version(), &manifest.sdk_version).map_err(|reason| {
        LoadFailure::Incompatible {
            reason,
            report: None,
        }
    })
}

/// The library must be what its manifest says, field by field: the host routes URLs by the
/// manifest's schemes and checks compatibility by its versions before it opens the library, so
/// a manifest that claims other schemes (`kv2` for a library that serves `memkv`) or another
/// version would otherwise be believed.
fn check_identity(description: &PluginDescription, manifest: &Manifest) -> Result<(), LoadFailure> {
    fn sorted<'a>(items: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
        let mut items: Vec<&str> = items.collect();
        items.sort_unstable();
        items.dedup();
        items
    }
    let mut differences = Vec::new();
    let mut compare = |field: &str, in_manifest: String, in_library: String| {
        if in_manifest != in_library {
            differences.push(format!(
                "{field}: the manifest says {in_manifest}, the library {in_library}"
            ));
        }
    };
    compare(
        "name",
        format!("`{}`", manifest.name),
        format!("`{}`", description.name),
    );
    compare(
        "version",
        manifest.version.clone(),
        description.version.to_string(),
    );
    compare(
        "sdk_version",
        manifest.sdk_version.clone(),
        description.sdk_version.to_string(),
    );
    compare(
        "contract_version",
        manifest.contract_version().to_owned(),
        description.abi_version.to_string(),
    );
    compare(
        "schemes",
        format!("{:?}", sorted(manifest.schemes.iter().map(String::as_str))),
        format!(
            "{:?}",
            sorted(description.schemes.iter().map(|s| s.as_str()))
        ),
    );
    compare(
        "capabilities",
        format!(
            "{:?}",
            sorted(manifest.capabilities.iter().map(String::as_str))
        ),
        format!(
            "{:?}",
            sorted(description.capabilities.iter().map(|s| s.as_str()))
        ),
    );
    if differences.is_empty() {
        return Ok(());
    }
    Err(LoadFailure::Failed(format!(
        "the manifest does not describe this library ({}); install the manifest the plugin's \
         build wrote beside it (flowdb_plugin_build::write_manifest)",
        differences.join("; ")
    )))
}

/// Loads and initialises a plugin library as [`LoadedPlugin::load`] does, without a manifest:
/// what the `flowdb-plugin-probe` process runs, so that a library that crashes its loader or
/// its own initialisation crashes that process instead of the host.
#[doc(hidden)]
pub fn probe_library(library_path: &Path) -> Result<(), String> {
    let probe = || {
        let module = open_module(library_path)?;
        call_plugin("describe", || (module.describe())())?;
        // Initialising runs the plugin's own code and statics: a damaged library that
        // describes itself may still crash here (a segment's size flipped left its zeroed
        // statics garbage).
        init_module(module)
    };
    probe().map_err(|failure| failure.reason().to_owned())
}

/// Opens the library and checks its root module (abi_stable's header and layout checks).
fn open_module(library_path: &Path) -> Result<PluginModuleRef, LoadFailure> {
    open_now(library_path)?;
    lib_header_from_path(library_path)
        .map_err(|err| classify(&err))?
        .init_root_module::<PluginModuleRef>()
        .map_err(|err| classify(&err))
}

/// Calls the plugin's `init` with what the host gives it.
fn init_module(module: PluginModuleRef) -> Result<(), LoadFailure> {
    let host = HostServices {
        log: crate::plugin::logging::host_log,
        max_log_level: crate::plugin::logging::host_max_level(),
        host_abi_version: RStr::from_str(CONTRACT_VERSION),
    };
    match call_plugin("init", || (module.init())(host))? {
        RResult::ROk(()) => Ok(()),
        RResult::RErr(err) => Err(LoadFailure::Failed(format!("initialisation failed: {err}"))),
    }
}

/// Calls a plugin entry point that the SDK already guards; the host's own `catch_unwind` is a
/// second fence for plugins not built with the SDK.
fn call_plugin<T>(what: &str, call: impl FnOnce() -> T) -> Result<T, LoadFailure> {
    catch_unwind(AssertUnwindSafe(call))
        .map_err(|_| LoadFailure::Failed(format!("the plugin panicked in `{what}`")))
}

/// Opens the library with `RTLD_NOW | RTLD_LOCAL` and leaks the handle; abi_stable's own open
/// then finds it already loaded with every symbol resolved.
#[allow(unsafe_code)]
fn open_now(path: &Path) -> Result<(), LoadFailure> {
    #[cfg(unix)]
    {
        use libloading::os::unix::{Library, RTLD_LOCAL, RTLD_NOW};
        // SAFETY: opening a library runs its initialisers. The manifest beside it declared it a
        // flowdb plugin built against a compatible SDK (checked above), and SDK plugins do no
        // work at load time: their runtime is built on first use.
        let library = unsafe { Library::open(Some(path), RTLD_NOW | RTLD_LOCAL) }
            .map_err(|err| LoadFailure::Failed(format!("not a loadable shared library: {err}")))?;
        // Never unloaded: see the module documentation.
        std::mem::forget(library);
    }
    #[cfg(not(unix))]
    {
        let _ = path;
    }
    Ok(())
}

fn classify(err: &LibraryError) -> LoadFailure {
    match err {
        LibraryError::OpenError { err, .. } => LoadFailure::Failed(format!("not a loadable shared library: {err}")),
        LibraryError::GetSymbolError { .. } => LoadFailure::Failed(
            "the library has no flowdb root module (it is not a flowdb plugin, or was not built with export_plugin!)"
                .into(),
        ),
        LibraryError::IncompatibleVersionNumber { expected_version, actual_version, .. } => {
            LoadFailure::Incompatible {
                reason: format!(
                    "the library was built against flowdb-abi {actual_version}, incompatible with this host's {expected_version}"
                ),
                report: None,
            }
        }
        LibraryError::AbiInstability(report) => {
            let report = report.to_string();
            LoadFailure::Incompatible {
                reason: format!(
                    "abi_stable's layout check failed: {} (run with --verbose for the full report)",
                    first_error_block(&report)
                ),
                report: Some(report),
            }
        }
        LibraryError::InvalidAbiHeader(header) => LoadFailure::Incompatible {
            reason: format!("the library was built with an incompatible abi_stable ({header:?})"),
            report: None,
        },
        other => LoadFailure::Failed(format!("{other}")),
    }
}

/// The first `Error:` block of an abi_stable layout report, as one line.
fn first_error_block(report: &str) -> String {
    let mut lines = report.lines().skip_while(|line| !line.contains("Error:"));
    let block: Vec<&str> = lines
        .by_ref()
        .take(6)
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.chars().all(|c| c == '-'))
        .collect();
    if block.is_empty() {
        report
            .lines()
            .next()
            .unwrap_or("no details")
            .trim()
            .to_owned()
    } else {
        block.join(" ")
    }
}

/// The most detailed level worth sending, as a [`LogLevel`].
pub(crate) fn to_log_level(filter: tracing::level_filters::LevelFilter) -> LogLevel {
    use tracing::level_filters::LevelFilter;
    match filter {
        LevelFilter::OFF => LogLevel::OFF,
        LevelFilter::ERROR => LogLevel::ERROR,
        LevelFilter::WARN => LogLevel::WARN,
        LevelFilter::INFO => LogLevel::INFO,
        LevelFilter::DEBUG => LogLevel::DEBUG,
        _ => LogLevel::TRACE,
    }
}
