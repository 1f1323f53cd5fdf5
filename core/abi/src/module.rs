//! The root module every plugin exports, and what host and plugin tell each other at load.

use abi_stable::library::RootModule;
use abi_stable::sabi_types::VersionStrings;
use abi_stable::std_types::{RResult, RStr, RString, RVec};
use abi_stable::{StableAbi, declare_root_module_statics, package_version_strings};
use async_ffi::FfiFuture;

use crate::config::{ConnectOptions, PoolBox};
use crate::error::{PluginError, PluginResult};
use crate::orm::OrmBox;
use crate::queries::QueryComponentsBox;

/// The name abi_stable gives the root module in its errors.
pub const ROOT_MODULE_BASE_NAME: &str = "flowdb_plugin";

/// The severity of a log record, an integer newtype (1 = error … 5 = trace) open to growth.
#[repr(transparent)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LogLevel(pub u8);

impl LogLevel {
    /// Logging is off.
    pub const OFF: Self = Self(0);
    /// Errors.
    pub const ERROR: Self = Self(1);
    /// Warnings.
    pub const WARN: Self = Self(2);
    /// Information.
    pub const INFO: Self = Self(3);
    /// Debugging detail.
    pub const DEBUG: Self = Self(4);
    /// Everything.
    pub const TRACE: Self = Self(5);
}

/// The type of the host's logging callback ([`HostServices::log`]): level, the plugin-side target (module path) and the message.
///
/// The host must not panic inside it (it is an `extern "C"` function called from plugin threads).
pub type LogFn = extern "C" fn(level: LogLevel, target: RStr<'_>, message: RStr<'_>);

/// What the host hands a plugin at initialisation.
#[repr(C)]
#[derive(StableAbi, Clone, Copy)]
pub struct HostServices {
    /// Where the plugin sends its log records, so they reach the host's `tracing` subscriber.
    pub log: extern "C" fn(level: LogLevel, target: RStr<'_>, message: RStr<'_>),
    /// The most detailed level the host wants; the plugin drops finer records itself.
    pub max_log_level: LogLevel,
    /// The host's contract version ([`CONTRACT_VERSION`](crate::CONTRACT_VERSION) as the host
    /// was built).
    pub host_abi_version: RStr<'static>,
}

/// What a plugin says about itself once loaded; the host checks it against the manifest.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct PluginDescription {
    /// The dialect's name (`sqlite`, `postgresql`).
    pub name: RString,
    /// The plugin's own version.
    pub version: RString,
    /// The `flowdb-plugin-sdk` version the plugin was built with.
    pub sdk_version: RString,
    /// The contract version the plugin was built against
    /// ([`CONTRACT_VERSION`](crate::CONTRACT_VERSION)); the field keeps its first name.
    pub abi_version: RString,
    /// The URL schemes it serves, without `+driver` (`postgresql`, `postgres`).
    pub schemes: RVec<RString>,
    /// What it can do, as declared capability names.
    pub capabilities: RVec<RString>,
}

/// Whether a plugin still accepts calls.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct PluginHealth {
    /// A panic happened inside the plugin; it refuses every later call.
    pub poisoned: bool,
    /// The message of the panic that poisoned it, or empty.
    pub poison_reason: RString,
    /// The plugin's runtime was shut down.
    pub shut_down: bool,
}

/// The root module: the table of entry points a plugin exports.
///
/// It is a prefix type: entries after `orm_configuration` may be added in later compatible ABI
/// versions, each marked `#[sabi(missing_field(option))]` so that the host sees it as optional
/// in a plugin built before it. The entries up to `orm_configuration` are frozen within a
/// compatible series (0.2.x).
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = PluginModuleRef)))]
#[sabi(missing_field(panic))]
pub struct PluginModule {
    /// Describes the plugin. Infallible and cheap.
    pub describe: extern "C" fn() -> PluginDescription,
    /// Called once by the host before anything else but `describe`.
    pub init: extern "C" fn(host: HostServices) -> PluginResult<()>,
    /// Whether the plugin is poisoned or shut down.
    pub health: extern "C" fn() -> PluginHealth,
    /// Stops the plugin's runtime; call from a thread that is not running async code.
    pub shutdown: extern "C" fn(),
    /// Opens a pool (tier 1).
    pub connect: extern "C" fn(options: ConnectOptions) -> FfiFuture<PluginResult<PoolBox>>,
    /// Creates the database the URL names (tier 1).
    pub create_database: extern "C" fn(options: ConnectOptions) -> FfiFuture<PluginResult<()>>,
    /// Drops the database the URL names (tier 1).
    pub drop_database: extern "C" fn(options: ConnectOptions) -> FfiFuture<PluginResult<()>>,
    /// The dialect's query components (tier 2), for the interface configured by `options`
    /// (the plugin reads the settings it needs from them, such as an `extra` entry
    /// `sql_template_dir` that overrides its SQL templates). A broken override is an error here,
    /// naming the file, the line and the fault.
    pub query_components:
        extern "C" fn(options: ConnectOptions) -> RResult<QueryComponentsBox, PluginError>,
    /// The dialect's ORM configuration (tier 3).
    #[sabi(last_prefix_field)]
    pub orm_configuration: extern "C" fn() -> RResult<OrmBox, PluginError>,
}

impl RootModule for PluginModuleRef {
    declare_root_module_statics! {PluginModuleRef}

    const BASE_NAME: &'static str = ROOT_MODULE_BASE_NAME;
    const NAME: &'static str = "flowdb dialect plugin";
    const VERSION_STRINGS: VersionStrings = package_version_strings!();
}
