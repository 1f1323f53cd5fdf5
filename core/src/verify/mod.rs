//! The conformance suite (`flowdb plugins verify`): what any dialect plugin must do to serve a
//! flowdb host, checked against a real database, with a report that doubles as the dialect's
//! feature table.
//!
//! A plugin author runs it before anyone loads the plugin in production, from the command line
//! or from their own `cargo test` (with `flowdb` as a dev-dependency):
//!
//! ```no_run
//! # async fn demo() -> Result<(), flowdb::Error> {
//! use flowdb::verify::{VerifyOptions, verify};
//!
//! // The manifest cargo's build script wrote beside the built library.
//! let report = verify(VerifyOptions::new(
//!     "target/debug/mydialect.flowdb-plugin.toml",
//!     Some("mydialect://localhost/verify".to_owned()),
//! ))
//! .await?;
//! assert!(report.passed(), "{}", report.to_table());
//! # Ok(())
//! # }
//! ```
//!
//! Checks are gated by what the plugin declares, as SQLAlchemy's requirements and ADBC's quirks
//! gate theirs: a check a declaration rules out is reported as skipped, with its reason, never
//! passed. A declared capability that a check covers is checked, so a plugin that claims what it
//! cannot do fails; the feature table shows the others as `not-checked`.
//!
//! Where it writes: when the plugin declares `create-database` and `drop-database`, every check
//! runs in a scratch database beside the URL's, dropped afterwards (if it cannot be made, the
//! checks that need a database fail or are skipped; the URL's own is never used instead);
//! otherwise in the URL's database itself, which must then hold no tables of flowdb's schema
//! (the migration checks refuse one that does, and leave it empty again). Files go to a
//! directory of the run's own, removed at the end.

mod checks;
mod faults;
mod hot_path;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::FutureExt as _;
use serde::Serialize;

use crate::config::DatabaseConfig;
use crate::error::{Error, Result};
use crate::interface::DbInterface;
use crate::plugin::{LoadedPlugin, MANIFEST_SUFFIX, PluginRegistry, SearchPath};

/// The capabilities the suite knows, each with what declaring it promises. A capability it does
/// not know is listed in the report but checks nothing.
pub const KNOWN_CAPABILITIES: &[(&str, &str)] = &[
    (
        "create-database",
        "creates the database a URL names (`flowdb database create`, scratch databases)",
    ),
    ("drop-database", "drops the database a URL names"),
    (
        "file",
        "a database is a file (scratch databases go to the temporary directory)",
    ),
    (
        "in-memory",
        "serves in-memory databases that keep their data between calls",
    ),
    ("server", "talks to a database server over the network"),
    (
        "float-special",
        "stores and returns NaN, the infinities and negative zero in float columns",
    ),
    (
        "skip-locked",
        "row locks with SKIP LOCKED: a locked read in a second transaction skips the rows the first holds",
    ),
    (
        "immediate-transactions",
        "a with_for_update transaction takes the database's write lock when it begins",
    ),
    ("tls", "connects over TLS when the URL asks for it"),
    (
        "statement-timeout",
        "honours the settings' statement timeout (checked with a SELECT: MySQL's covers SELECTs only)",
    ),
];

/// What to verify, and against which database.
#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// A plugin's name (found on the search path), a manifest, a plugin library (whose manifest
    /// must sit beside it) or a directory holding one plugin.
    pub plugin: String,
    /// A URL of the plugin's dialect; without one only the load checks run.
    pub url: Option<String>,
    /// Where a plugin given by name is searched for.
    pub search: SearchPath,
    /// How long one check may take before it fails as hung.
    pub check_timeout: Duration,
    /// Set (by a Ctrl-C handler, say) to stop: the check running ends, the rest are skipped,
    /// and what the checks made is still removed.
    pub interrupted: Arc<AtomicBool>,
}

impl VerifyOptions {
    /// The plugin `plugin` (name or path) against `url`, searching the standard path and
    /// allowing each check two minutes.
    pub fn new(plugin: impl Into<String>, url: Option<String>) -> VerifyOptions {
        VerifyOptions {
            plugin: plugin.into(),
            url,
            search: SearchPath::from_env(),
            check_timeout: Duration::from_secs(120),
            interrupted: Arc::new(AtomicBool::new(false)),
        }
    }
}

/// How one check ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// It ran and the plugin did what it must.
    Passed,
    /// It ran and the plugin did not.
    Failed,
    /// It did not run; the detail says why (a declaration, or a check it builds on failed).
    Skipped,
}

impl Outcome {
    /// As written in the table.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "FAILED",
            Outcome::Skipped => "skipped",
        }
    }
}

/// One check's result.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// The check's name (`values.timestamp`).
    pub name: String,
    /// What it proves, in one line.
    pub about: String,
    /// How it ended.
    pub outcome: Outcome,
    /// What it saw: the mismatch of a failure, the reason of a skip, a figure of a pass.
    pub detail: String,
    /// How long it ran, in milliseconds.
    pub millis: u64,
}

/// The plugin as the suite saw it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PluginSummary {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: Option<String>,
    /// The SDK it was built with.
    pub sdk_version: Option<String>,
    /// The contract it was built against.
    pub contract_version: Option<String>,
    /// Its URL schemes.
    pub schemes: Vec<String>,
    /// Its declared capabilities.
    pub capabilities: Vec<String>,
    /// Its manifest.
    pub manifest_path: Option<PathBuf>,
    /// Its library.
    pub library_path: Option<PathBuf>,
    /// The Cargo package that linked it into this binary, for a built-in dialect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub built_in: Option<String>,
}

/// One row of the feature table: a capability, whether the plugin declares it and what the
/// suite found.
#[derive(Debug, Clone, Serialize)]
pub struct Feature {
    /// The capability.
    pub capability: String,
    /// What declaring it promises; empty for one the suite does not know.
    pub meaning: String,
    /// Whether the plugin declares it.
    pub declared: bool,
    /// `passed`, `failed` (declared, and its checks failed), `not-checked` (no check covers it,
    /// or they did not run) or `not-declared`.
    pub verified: &'static str,
}

/// The whole report of one run.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyReport {
    /// The plugin.
    pub plugin: PluginSummary,
    /// The URL verified against, its password hidden.
    pub url: Option<String>,
    /// Where the checks wrote (a scratch database, or the URL's own).
    pub database: Option<String>,
    /// This host's contract version.
    pub host_contract_version: String,
    /// Every check, in the order run.
    pub checks: Vec<CheckReport>,
    /// The run was interrupted: the checks it did not reach are skipped, and it is no pass.
    pub interrupted: bool,
    /// The feature table.
    pub features: Vec<Feature>,
}

impl VerifyReport {
    /// True when the run was not interrupted and no check failed.
    pub fn passed(&self) -> bool {
        !self.interrupted && !self.checks.iter().any(|c| c.outcome == Outcome::Failed)
    }

    /// How many checks ended `outcome`.
    pub fn count(&self, outcome: Outcome) -> usize {
        self.checks.iter().filter(|c| c.outcome == outcome).count()
    }

    /// The check named `name`.
    pub fn check(&self, name: &str) -> Option<&CheckReport> {
        self.checks.iter().find(|c| c.name == name)
    }

    /// The report as a human-readable table.
    pub fn to_table(&self) -> String {
        let mut text = String::new();
        let plugin = &self.plugin;
        let _ = writeln!(
            text,
            "plugin {} {} (sdk {}, contract {}; this host: contract {})",
            plugin.name,
            plugin.version.as_deref().unwrap_or("?"),
            plugin.sdk_version.as_deref().unwrap_or("?"),
            plugin.contract_version.as_deref().unwrap_or("?"),
            self.host_contract_version
        );
        if let Some(path) = &plugin.library_path {
            let _ = writeln!(text, "library  {}", path.display());
        }
        match (&self.url, &self.database) {
            (Some(url), Some(database)) if url != database => {
                let _ = writeln!(
                    text,
                    "url      {url}\ndatabase {database} (scratch, dropped)"
                );
            }
            (Some(url), _) => {
                let _ = writeln!(text, "url      {url}");
            }
            (None, _) => {
                let _ = writeln!(text, "url      none: only the load checks ran (give --url)");
            }
        }
        text.push('\n');
        let width = self.checks.iter().map(|c| c.name.len()).max().unwrap_or(5);
        for check in &self.checks {
            let _ = writeln!(
                text,
                "{:<width$}  {:<7}  {:>6} ms  {}",
                check.name,
                check.outcome.as_str(),
                check.millis,
                one_line(&check.detail)
            );
        }
        text.push_str("\nfeatures\n");
        let width = self
            .features
            .iter()
            .map(|f| f.capability.len())
            .max()
            .unwrap_or(5);
        for feature in &self.features {
            let _ = writeln!(
                text,
                "  {:<width$}  {:<12}  {}",
                feature.capability, feature.verified, feature.meaning
            );
        }
        let _ = write!(
            text,
            "\n{} passed, {} failed, {} skipped",
            self.count(Outcome::Passed),
            self.count(Outcome::Failed),
            self.count(Outcome::Skipped)
        );
        text
    }
}

fn one_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    if text.lines().nth(1).is_some() {
        format!("{line} …")
    } else {
        line.to_owned()
    }
}

/// A check's error that starts with this is a skip found only by running it (the plugin cannot
/// be asked what the check needs), not a failure.
pub(crate) const SKIPPED: &str = "skipped: ";

/// The dialect the hot path's answers are compared with.
const REFERENCE_DIALECT: &str = "sqlite";

/// What a check needs before it can run.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Need {
    /// A URL was given (whether or not an interface for it could be opened).
    Database,
    /// A connection to the database (`--url` given, `connect.round_trip` passed).
    Connection,
    /// A declared capability.
    Capability(&'static str),
    /// The database at the head of the plugin's migrations (`migrations.up_down_up` passed).
    Schema,
    /// The SQLite plugin, to compare answers with.
    Reference,
}

type CheckFuture<'a> = futures::future::BoxFuture<'a, std::result::Result<String, String>>;

/// One check of the suite.
pub(crate) struct Check {
    pub(crate) name: &'static str,
    pub(crate) about: &'static str,
    pub(crate) needs: &'static [Need],
    /// The capabilities whose promise this check tests (the feature table's `verified`).
    pub(crate) capabilities: &'static [&'static str],
    pub(crate) run: for<'a> fn(&'a Context) -> CheckFuture<'a>,
}

/// What the checks share.
pub(crate) struct Context {
    pub(crate) plugin: Arc<LoadedPlugin>,
    /// The database the checks write to, when a URL was given and an interface for it opened.
    pub(crate) db: Option<Arc<DbInterface>>,
    /// Why no interface could be opened for the URL (the plugin's tier 2 or 3 refused).
    pub(crate) open_error: Option<String>,
    /// A prefix for the names of tables and rows the checks make.
    pub(crate) prefix: String,
    /// Whether the database is a scratch one of the suite's own.
    pub(crate) scratch: bool,
    /// Why the scratch database could not be made, when the plugin declares it can.
    pub(crate) scratch_failure: Option<String>,
    /// A directory of this run's own (mode 0700) for every file the checks make: scratch
    /// SQLite files, private copies of the library. Removed with everything in it at the end.
    pub(crate) work_dir: PrivateDir,
    /// Databases the checks made beyond the scratch one, dropped at the end whatever happened
    /// to the check (a timeout drops its future before its own cleanup).
    pub(crate) created: Mutex<Vec<Arc<DbInterface>>>,
    /// Tables the checks made in the URL's own database, dropped at the end likewise.
    pub(crate) tables: Mutex<Vec<String>>,
    /// Set before the checks first migrate the URL's own database, so that the suite takes it
    /// back to base however they end.
    pub(crate) migrated: AtomicBool,
    pub(crate) passed: Mutex<BTreeSet<&'static str>>,
    /// The SQLite plugin the hot path is compared with, or why there is none.
    pub(crate) reference: std::result::Result<Arc<LoadedPlugin>, String>,
}

impl Context {
    pub(crate) fn declares(&self, capability: &str) -> bool {
        declares(&self.plugin, capability)
    }

    /// Whether the check named `check` ran and passed.
    pub(crate) fn passed(&self, check: &str) -> bool {
        lock(&self.passed).contains(check)
    }
}

fn declares(plugin: &LoadedPlugin, capability: &str) -> bool {
    plugin
        .description()
        .capabilities
        .iter()
        .any(|declared| declared.as_str() == capability)
}

/// Runs the suite. An error only for what stops it from starting (no such plugin, a URL that
/// does not parse); everything about the plugin is in the report.
pub async fn verify(options: VerifyOptions) -> Result<VerifyReport> {
    let started = Instant::now();
    let (summary, loaded) = load(&options)?;
    let mut report = VerifyReport {
        plugin: summary,
        url: options.url.as_deref().map(crate::url::redact_url),
        database: None,
        host_contract_version: flowdb_abi::CONTRACT_VERSION.to_owned(),
        checks: Vec::new(),
        features: Vec::new(),
        interrupted: false,
    };
    let millis = |at: Instant| u64::try_from(at.elapsed().as_millis()).unwrap_or(u64::MAX);
    let plugin = match loaded {
        Ok(plugin) => {
            report.checks.push(CheckReport {
                name: "load.library".into(),
                about: "the library opens, its layout and contract fit this host, and its description matches its manifest".into(),
                outcome: Outcome::Passed,
                detail: match plugin.library_path() {
                    Some(library) => format!("loaded from {}", library.display()),
                    None => plugin.location(),
                },
                millis: millis(started),
            });
            plugin
        }
        Err(reason) => {
            report.checks.push(CheckReport {
                name: "load.library".into(),
                about: "the library opens, its layout and contract fit this host, and its description matches its manifest".into(),
                outcome: Outcome::Failed,
                detail: reason,
                millis: millis(started),
            });
            for check in checks::all() {
                report
                    .checks
                    .push(skipped(check, "the plugin did not load (load.library)"));
            }
            report.features = features(&report, None);
            return Ok(report);
        }
    };
    report.plugin = summarize(&plugin);

    let context = open_context(&plugin, options.url.as_deref(), &options.search).await?;
    if let Some(db) = &context.db {
        report.database = Some(crate::url::redact_url(db.config().url()));
    }
    for check in checks::all() {
        if options.interrupted.load(Ordering::SeqCst) {
            report
                .checks
                .push(skipped(check, "interrupted before it ran"));
            continue;
        }
        let unmet = check
            .needs
            .iter()
            .find_map(|need| unmet(need, &plugin, &context));
        if let Some(reason) = unmet {
            report.checks.push(skipped(check, &reason));
            continue;
        }
        let at = Instant::now();
        let (outcome, detail) = match run_check(check, &context, options.check_timeout).await {
            Ok(detail) => {
                lock(&context.passed).insert(check.name);
                (Outcome::Passed, detail)
            }
            Err(detail) => match detail.strip_prefix(SKIPPED) {
                Some(reason) => (Outcome::Skipped, reason.to_owned()),
                None => (Outcome::Failed, detail),
            },
        };
        report.checks.push(CheckReport {
            name: check.name.into(),
            about: check.about.into(),
            outcome,
            detail,
            millis: millis(at),
        });
    }
    close_context(context, &mut report).await;
    report.interrupted = options.interrupted.load(Ordering::SeqCst);
    report.features = features(&report, Some(&plugin));
    Ok(report)
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn skipped(check: &Check, reason: &str) -> CheckReport {
    CheckReport {
        name: check.name.into(),
        about: check.about.into(),
        outcome: Outcome::Skipped,
        detail: reason.to_owned(),
        millis: 0,
    }
}

fn unmet(need: &Need, plugin: &LoadedPlugin, context: &Context) -> Option<String> {
    let no_database = || "needs a database: give a URL (--url)".to_owned();
    match need {
        Need::Capability(capability) => (!declares(plugin, capability))
            .then(|| format!("the plugin does not declare `{capability}`")),
        Need::Database => (context.db.is_none() && context.open_error.is_none()).then(no_database),
        Need::Connection if context.db.is_none() && context.open_error.is_none() => {
            Some(no_database())
        }
        Need::Connection => (!context.passed("connect.round_trip"))
            .then(|| "no working connection (connect.round_trip did not pass)".to_owned()),
        Need::Reference => context.reference.as_ref().err().cloned(),
        Need::Schema if context.db.is_none() => Some(no_database()),
        Need::Schema => (!context.passed("migrations.up_down_up"))
            .then(|| "the schema is not at head (migrations.up_down_up did not pass)".to_owned()),
    }
}

/// Runs one check with a time limit, a panic in host-side code being a failure too.
async fn run_check(
    check: &Check,
    context: &Context,
    timeout: Duration,
) -> std::result::Result<String, String> {
    let run = std::panic::AssertUnwindSafe((check.run)(context)).catch_unwind();
    match tokio::time::timeout(timeout, run).await {
        Err(_) => Err(format!(
            "did not finish within {} s: the plugin hangs (or the server is slow: raise --check-timeout)",
            timeout.as_secs()
        )),
        Ok(Err(panic)) => Err(format!(
            "the check panicked in the host: {}",
            panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("(no message)")
        )),
        Ok(Ok(outcome)) => outcome,
    }
}

/// Finds and loads the plugin. The outer error stops the run (nothing to verify); the inner
/// one is a load failure the report shows.
fn load(
    options: &VerifyOptions,
) -> Result<(
    PluginSummary,
    std::result::Result<Arc<LoadedPlugin>, String>,
)> {
    let target = Path::new(&options.plugin);
    // A path when it looks like one (a directory needs a `/`: `./mine`); a plugin's name
    // otherwise, even if a directory of that name happens to be here.
    let by_path = options.plugin.contains(std::path::MAIN_SEPARATOR)
        || options.plugin.contains('/')
        || options.plugin.ends_with(MANIFEST_SUFFIX)
        || options.plugin.ends_with(std::env::consts::DLL_SUFFIX);
    let registry = if by_path && target.exists() {
        // A path names a file: the library, even when its dialect is also built in.
        PluginRegistry::discover_libraries(SearchPath::explicit_only([manifest_for(target)?]))
    } else if by_path {
        return Err(Error::PluginTarget {
            reason: format!(
                "{} does not exist; name a plugin (`flowdb plugins list` shows them), a manifest, a plugin library or a directory holding one",
                options.plugin
            ),
        });
    } else {
        PluginRegistry::discover(options.search.clone())
    };
    let by_name = !by_path;
    // By name, a dialect built into this binary comes first, as it does for URLs.
    let candidate = registry
        .candidates()
        .iter()
        .find(|candidate| match &candidate.manifest {
            Ok(manifest) => !by_name || manifest.name == options.plugin,
            Err(_) => !by_name,
        });
    let Some(candidate) = candidate else {
        let found: Vec<String> = registry
            .candidates()
            .iter()
            .filter_map(|c| c.manifest.as_ref().ok().map(|m| m.name.clone()))
            .collect();
        return Err(Error::PluginTarget {
            reason: format!(
                "no plugin named `{}` was found; found: {}; searched: {}. Give the plugin's manifest or library path, or add its directory with --plugin-path",
                options.plugin,
                if found.is_empty() {
                    "none".to_owned()
                } else {
                    found.join(", ")
                },
                options
                    .search
                    .dirs
                    .iter()
                    .map(|dir| dir.path.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    };
    let manifest = match &candidate.manifest {
        Ok(manifest) => manifest,
        Err(reason) => {
            let summary = PluginSummary {
                name: options.plugin.clone(),
                manifest_path: candidate.manifest_path.clone(),
                ..PluginSummary::default()
            };
            return Ok((
                summary,
                Err(format!(
                    "the manifest {} is invalid: {reason}",
                    candidate.location()
                )),
            ));
        }
    };
    let summary = PluginSummary {
        name: manifest.name.clone(),
        version: Some(manifest.version.clone()),
        sdk_version: Some(manifest.sdk_version.clone()),
        contract_version: Some(manifest.contract_version().to_owned()),
        schemes: manifest.schemes.clone(),
        capabilities: manifest.capabilities.clone(),
        manifest_path: candidate.manifest_path.clone(),
        library_path: candidate
            .manifest_path
            .as_deref()
            .map(|manifest_path| manifest.library_path(manifest_path)),
        built_in: candidate.built_in_package().map(str::to_owned),
    };
    let loaded = registry
        .load_candidate(candidate)
        .map_err(|failure| failure.reason().to_owned());
    Ok((summary, loaded))
}

/// The manifest for a path: the manifest itself, the one beside a library that names it, or
/// the one manifest in a directory.
fn manifest_for(target: &Path) -> Result<PathBuf> {
    let invalid = |reason: String| Error::PluginTarget { reason };
    let manifests_in = |dir: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                    .filter(|path| path.to_string_lossy().ends_with(MANIFEST_SUFFIX))
                    .collect()
            })
            .unwrap_or_default()
    };
    if target.is_dir() {
        let mut manifests = manifests_in(target);
        return match manifests.len() {
            1 => Ok(manifests.remove(0)),
            0 => Err(invalid(format!(
                "{} holds no plugin manifest (*{MANIFEST_SUFFIX}); a plugin's build script writes one beside its library (flowdb_plugin_build::write_manifest)",
                target.display()
            ))),
            _ => Err(invalid(format!(
                "{} holds {} plugin manifests; name one of them",
                target.display(),
                manifests.len()
            ))),
        };
    }
    if target.to_string_lossy().ends_with(MANIFEST_SUFFIX) {
        return Ok(target.to_path_buf());
    }
    // A library: the manifest beside it that names it.
    let dir = match target.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let canonical = target.canonicalize().ok();
    let describing = manifests_in(dir).into_iter().find(|manifest_path| {
        crate::plugin::Manifest::read(manifest_path).is_ok_and(|manifest| {
            // The library the manifest names beside it, or the one it resolves to (cargo's
            // `deps/` copy of a library built in a profile directory).
            [
                dir.join(&manifest.library),
                manifest.library_path(manifest_path),
            ]
            .iter()
            .any(|library| library.canonicalize().ok() == canonical)
        })
    });
    describing.ok_or_else(|| {
        invalid(format!(
            "{} is not a plugin flowdb can load: no manifest (*{MANIFEST_SUFFIX}) beside it names it as its library. \
             A plugin's build script writes one (flowdb_plugin_build::write_manifest); give the manifest, or the library beside it",
            target.display()
        ))
    })
}

fn summarize(plugin: &LoadedPlugin) -> PluginSummary {
    let description = plugin.description();
    PluginSummary {
        name: plugin.name().to_owned(),
        version: Some(description.version.to_string()),
        sdk_version: Some(description.sdk_version.to_string()),
        contract_version: Some(description.abi_version.to_string()),
        schemes: description.schemes.iter().map(|s| s.to_string()).collect(),
        capabilities: description
            .capabilities
            .iter()
            .map(|s| s.to_string())
            .collect(),
        manifest_path: plugin.manifest_path().map(Path::to_path_buf),
        library_path: plugin.library_path().map(Path::to_path_buf),
        built_in: plugin.built_in_package().map(str::to_owned),
    }
}

/// Opens the database the checks use: a scratch one when the plugin declares it can create and
/// drop databases, else the URL's own. Without a URL, a context for the load checks alone.
async fn open_context(
    plugin: &Arc<LoadedPlugin>,
    url: Option<&str>,
    search: &SearchPath,
) -> Result<Context> {
    let unique = unique_name();
    let mut context = Context {
        plugin: Arc::clone(plugin),
        db: None,
        open_error: None,
        prefix: format!("{unique}_"),
        scratch: false,
        scratch_failure: None,
        work_dir: PrivateDir::create(&unique)?,
        created: Mutex::default(),
        tables: Mutex::default(),
        migrated: AtomicBool::new(false),
        passed: Mutex::default(),
        reference: Err("needs a database: give a URL (--url)".to_owned()),
    };
    let Some(url) = url else {
        return Ok(context);
    };
    let scheme = crate::url::parse_scheme(url)?;
    let schemes: Vec<&str> = plugin
        .description()
        .schemes
        .iter()
        .map(|s| s.as_str())
        .collect();
    if !schemes.contains(&scheme.dialect.as_str()) {
        return Err(Error::InvalidArgument {
            operation: "plugins verify",
            argument: "--url",
            reason: format!(
                "has the scheme `{}`, which plugin `{}` does not serve ({}); give a URL of its dialect",
                scheme.dialect,
                plugin.name(),
                schemes.join(", ")
            ),
        });
    }
    context.reference = match PluginRegistry::discover(search.clone()).resolve(REFERENCE_DIALECT) {
        Ok(reference) if reference.location() == plugin.location() => Err(
            "the plugin is the SQLite dialect the hot path is compared with: nothing to compare"
                .to_owned(),
        ),
        Ok(reference) => Ok(reference),
        Err(err) => Err(format!(
            "the reference SQLite plugin was not found on the search path, or did not load ({}); install flowdb's sqlite plugin beside this one, or name its directory with --plugin-path or FLOWDB_PLUGIN_PATH",
            err.to_string().lines().next().unwrap_or_default()
        )),
    };
    let interface = |url: String| -> Result<Arc<DbInterface>> {
        Ok(Arc::new(DbInterface::uncached(
            DatabaseConfig::new(url),
            Arc::clone(plugin),
        )?))
    };
    if declares(plugin, "create-database") && declares(plugin, "drop-database") {
        // The URL's own database is never written to when a scratch one is promised: if it
        // cannot be made, the checks that need a database do not run.
        let scratch_url = crate::url::scratch_url_in(
            url,
            declares(plugin, "file"),
            &unique,
            context.work_dir.path(),
        )?;
        let scratch = match interface(scratch_url) {
            Err(err) => Err(err.to_string()),
            Ok(db) => match db.create_database().await {
                Ok(()) => Ok(db),
                Err(err) => Err(err.to_string()),
            },
        };
        match scratch {
            Ok(db) => {
                context.db = Some(db);
                context.scratch = true;
            }
            Err(reason) => {
                context.open_error = Some(format!(
                    "could not create a scratch database beside the URL's ({reason}); the suite writes only to a database of its own when the plugin can make one: check the server is reachable and the user may create databases (PostgreSQL: CREATEDB)"
                ));
                context.scratch_failure = Some(reason);
            }
        }
        return Ok(context);
    }
    match interface(url.to_owned()) {
        Ok(db) => context.db = Some(db),
        Err(err) => context.open_error = Some(err.to_string()),
    }
    Ok(context)
}

/// `flowdb_verify_<pid>_<micros>`: a name for this run's databases, tables and files.
fn unique_name() -> String {
    format!(
        "flowdb_verify_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|elapsed| elapsed.as_micros() % 1_000_000_000)
            .unwrap_or_default()
    )
}

/// A directory of the suite's own (mode 0700), removed with its contents when dropped.
pub(crate) struct PrivateDir(PathBuf);

impl PrivateDir {
    /// Creates `<temp>/<name>`, failing if it exists (so no one else's directory or link is
    /// used).
    pub(crate) fn create(name: &str) -> Result<PrivateDir> {
        let path = std::env::temp_dir().join(name);
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder
            .create(&path)
            .map_err(|err| Error::PluginTarget {
                reason: format!(
                    "cannot create the conformance suite's directory {}: {err}; set TMPDIR to a writable directory",
                    path.display()
                ),
            })?;
        Ok(PrivateDir(path))
    }

    /// The directory.
    pub(crate) fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// How long cleaning up may take before the report says what was left.
const CLEANUP_TIMEOUT: Duration = Duration::from_secs(60);

/// Leaves nothing behind: drops the databases and tables the checks made, the scratch
/// database, or takes the URL's database back to base when the checks migrated it; the run's
/// directory goes with the context.
async fn close_context(context: Context, report: &mut VerifyReport) {
    let at = Instant::now();
    let cleanup = async {
        let mut problems = Vec::new();
        let created: Vec<Arc<DbInterface>> = std::mem::take(&mut *lock(&context.created));
        for db in created {
            db.close().await;
            if let Err(err) = db.drop_database().await {
                problems.push(format!(
                    "{}: {err}",
                    crate::url::redact_url(db.config().url())
                ));
            }
        }
        let Some(db) = &context.db else {
            return problems;
        };
        if context.scratch {
            db.close().await;
            if let Err(err) = db.drop_database().await {
                problems.push(format!(
                    "{}: {err}",
                    crate::url::redact_url(db.config().url())
                ));
            }
            return problems;
        }
        let tables: Vec<String> = std::mem::take(&mut *lock(&context.tables));
        if !tables.is_empty()
            && let Ok(database) = db.database().await
        {
            for table in tables {
                // Most are gone already: a check drops its own tables as it ends.
                let _ = database
                    .execute(&format!("drop table {table}"), vec![])
                    .await;
            }
        }
        if context.migrated.load(Ordering::SeqCst)
            && let Err(err) = db.downgrade("base").await
        {
            problems.push(format!("downgrading the URL's database to base: {err}"));
        }
        db.close().await;
        problems
    };
    let problems = match tokio::time::timeout(CLEANUP_TIMEOUT, cleanup).await {
        Ok(problems) => problems,
        Err(_) => vec![format!(
            "cleaning up did not finish within {} s",
            CLEANUP_TIMEOUT.as_secs()
        )],
    };
    if !problems.is_empty() {
        report.checks.push(CheckReport {
            name: "cleanup".into(),
            about: "the suite leaves nothing behind".into(),
            outcome: Outcome::Failed,
            detail: format!(
                "could not remove what the checks made: {}",
                problems.join("; ")
            ),
            millis: u64::try_from(at.elapsed().as_millis()).unwrap_or(u64::MAX),
        });
    }
}

fn features(report: &VerifyReport, plugin: Option<&Arc<LoadedPlugin>>) -> Vec<Feature> {
    let declared: BTreeSet<String> = report.plugin.capabilities.iter().cloned().collect();
    let mut names: Vec<String> = KNOWN_CAPABILITIES
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    names.extend(
        declared
            .iter()
            .filter(|name| !KNOWN_CAPABILITIES.iter().any(|(known, _)| known == name))
            .cloned(),
    );
    let catalogue = checks::all();
    names
        .into_iter()
        .map(|capability| {
            let covering: Vec<&CheckReport> = catalogue
                .iter()
                .filter(|check| check.capabilities.contains(&capability.as_str()))
                .filter_map(|check| report.check(check.name))
                .collect();
            let is_declared = declared.contains(&capability);
            let verified = if !is_declared {
                "not-declared"
            } else if covering.iter().any(|c| c.outcome == Outcome::Failed) {
                "failed"
            } else if !covering.is_empty()
                && covering.iter().all(|c| c.outcome == Outcome::Passed)
                && plugin.is_some()
            {
                "passed"
            } else {
                "not-checked"
            };
            Feature {
                meaning: KNOWN_CAPABILITIES
                    .iter()
                    .find(|(known, _)| *known == capability)
                    .map(|(_, meaning)| (*meaning).to_owned())
                    .unwrap_or_default(),
                capability,
                declared: is_declared,
                verified,
            }
        })
        .collect()
}
