//! Finding, checking and loading dialect plugins.
//!
//! One [`SearchPath`] computes where to look; [`PluginRegistry`] reads the manifests there,
//! reports their state and resolves a URL scheme to a [`LoadedPlugin`].

// ELF platforms: the library's structure is checked before it is mapped.
#[cfg(all(unix, not(target_vendor = "apple")))]
mod elf;
mod loader;
pub(crate) mod logging;
mod manifest;
mod pins;
mod probe;
mod registry;
mod search;
mod trust;

pub use self::loader::{LoadFailure, LoadedPlugin, check_contract_version, probe_library};
pub use self::manifest::{MANIFEST_SUFFIX, MANIFEST_VERSION, Manifest};
pub use self::pins::PluginPins;
pub use self::registry::{
    IgnoredFile, PluginCandidate, PluginRegistry, PluginReport, PluginStatus, SearchTraceEntry,
};
pub use self::search::{SearchCaller, SearchDir, SearchPath, SearchTier};
