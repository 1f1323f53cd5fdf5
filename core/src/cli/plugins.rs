//! `flowdb plugins list | info | verify | new`.

use std::process::ExitCode;

use clap::Subcommand;
use flowdb::plugin::{PluginRegistry, PluginReport};
use serde_json::json;

use crate::cli::{CliError, JSON_SCHEMA_VERSION};

#[derive(Debug, Subcommand)]
pub(crate) enum PluginsCommand {
    /// Every plugin found: where, its versions, schemes and status, and why one is refused.
    List {
        /// Print a JSON document instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Everything known about one plugin.
    Info {
        /// The plugin's name (`sqlite`, `postgresql`).
        name: String,
        /// Print a JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Run the conformance suite against a plugin and a database of its dialect, and print the
    /// dialect's feature table. Writes only to a scratch database (when the plugin can create
    /// one) or to the URL's database, which must then be empty; leaves nothing behind.
    Verify {
        /// The plugin: its name, its manifest, its library (the manifest beside it names it)
        /// or a directory holding one plugin.
        plugin: String,
        /// A database of the plugin's dialect. Without it, only the load checks run.
        #[arg(long)]
        url: Option<String>,
        /// Print the report as a JSON document (it doubles as the dialect's feature table).
        #[arg(long)]
        json: bool,
        /// Seconds one check may take before it fails as hung.
        #[arg(long, default_value_t = 120)]
        check_timeout: u64,
    },
    /// Write a new dialect plugin crate that builds and loads as it is, outside any workspace.
    New {
        /// The dialect's name: its URL scheme, and the crate's `flowdb-plugin-NAME`.
        name: String,
        /// Where to write it (a directory that does not exist yet); default
        /// `./flowdb-plugin-NAME`.
        #[arg(long)]
        path: Option<std::path::PathBuf>,
        /// The flowdb-plugin-sdk sources to depend on by path; default this build's, else the
        /// released crate of this version.
        #[arg(long)]
        sdk_path: Option<std::path::PathBuf>,
    },
}

pub(crate) fn run(
    command: PluginsCommand,
    registry: &PluginRegistry,
    verbose: bool,
) -> anyhow::Result<ExitCode> {
    // Verifying loads only the plugin named; listing loads them all.
    let reports = || registry.report(true);
    match command {
        PluginsCommand::Verify {
            plugin,
            url,
            json,
            check_timeout,
        } => return verify(plugin, url, json, check_timeout, registry),
        PluginsCommand::New {
            name,
            path,
            sdk_path,
        } => {
            let dir = crate::cli::scaffold::new_plugin(&name, path, sdk_path)?;
            outln!(
                "wrote the {name} plugin crate to {}\nnext:\n  cd {} && cargo build\n  flowdb plugins verify target/debug/{name}{}",
                dir.display(),
                dir.display(),
                flowdb::plugin::MANIFEST_SUFFIX
            );
        }
        PluginsCommand::List { json } if json => {
            let plugins: Vec<_> = reports()
                .iter()
                .map(|report| to_json(report, verbose))
                .collect();
            let document = json!({
                "schema_version": JSON_SCHEMA_VERSION,
                "kind": "plugin-list",
                "search_path": registry.search_path().dirs,
                "plugins": plugins,
                "ignored": registry.ignored(),
            });
            outln!("{}", serde_json::to_string_pretty(&document)?);
        }
        PluginsCommand::List { .. } => print_table(&reports(), registry, verbose),
        PluginsCommand::Info { name, json } => {
            let reports = reports();
            let matching: Vec<&PluginReport> = reports
                .iter()
                .filter(|report| report.name == name)
                .collect();
            if matching.is_empty() {
                let known: Vec<&str> = reports.iter().map(|report| report.name.as_str()).collect();
                return Err(CliError {
                    code: 4,
                    message: format!(
                        "no plugin named `{name}` was found; found: {}",
                        if known.is_empty() {
                            "none".to_owned()
                        } else {
                            known.join(", ")
                        }
                    ),
                }
                .into());
            }
            if json {
                let plugins: Vec<serde_json::Value> = matching
                    .iter()
                    .map(|report| {
                        let mut value = to_json(report, true);
                        if let Some(object) = value.as_object_mut() {
                            object.insert(
                                "query_components".into(),
                                components(registry, report).map_or(serde_json::Value::Null, |list| {
                                    list.into_iter()
                                        .map(|(name, kind, description)| {
                                            json!({"name": name, "kind": kind, "description": description})
                                        })
                                        .collect()
                                }),
                            );
                        }
                        value
                    })
                    .collect();
                let document = json!({
                    "schema_version": JSON_SCHEMA_VERSION,
                    "kind": "plugin-info",
                    "plugins": plugins,
                });
                outln!("{}", serde_json::to_string_pretty(&document)?);
            } else {
                for report in matching {
                    print_info(report, verbose);
                    if let Some(list) = components(registry, report) {
                        outln!("query components ({}):", list.len());
                        for (name, kind, description) in list {
                            outln!("  {name:<46} {kind:<8} {description}");
                        }
                    }
                }
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `plugins verify`: exit 0 when every check passed or was skipped, 4 when one failed.
fn verify(
    plugin: String,
    url: Option<String>,
    json: bool,
    check_timeout: u64,
    registry: &PluginRegistry,
) -> anyhow::Result<ExitCode> {
    let options = flowdb::verify::VerifyOptions {
        search: registry.search_path().clone(),
        check_timeout: std::time::Duration::from_secs(check_timeout.max(1)),
        ..flowdb::verify::VerifyOptions::new(plugin, url)
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    // Ctrl-C stops after the check running and still cleans up (a scratch database left on a
    // server would be the user's to find); a second Ctrl-C exits at once.
    let interrupted = std::sync::Arc::clone(&options.interrupted);
    let was_interrupted = std::sync::Arc::clone(&options.interrupted);
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("interrupted: finishing the check running and cleaning up (Ctrl-C again to quit now)");
            interrupted.store(true, std::sync::atomic::Ordering::SeqCst);
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(130);
            }
        }
    });
    let report = runtime.block_on(flowdb::verify::verify(options))?;
    if json {
        let document = json!({
            "schema_version": JSON_SCHEMA_VERSION,
            "kind": "plugin-verify",
            "passed": report.passed(),
            "report": report,
        });
        outln!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        outln!("{}", report.to_table());
    }
    Ok(
        if was_interrupted.load(std::sync::atomic::Ordering::SeqCst) {
            // As a shell reports a process SIGINT ended: the run is not a verdict.
            ExitCode::from(130)
        } else if report.passed() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(4)
        },
    )
}

/// The query components of a loaded plugin (name, kind, description); None for a plugin that
/// did not load, or whose components cannot be listed.
fn components(
    registry: &PluginRegistry,
    report: &PluginReport,
) -> Option<Vec<(String, &'static str, String)>> {
    if report.status != flowdb::plugin::PluginStatus::Loaded {
        return None;
    }
    let scheme = report.schemes.first()?;
    let plugin = registry.resolve(scheme).ok()?;
    // The plugin that serves the scheme must be this one (a shadowed one lists nothing).
    if plugin.library_path() != report.library_path.as_deref()
        || plugin.built_in_package() != report.built_in.as_deref()
    {
        return None;
    }
    let config = flowdb::DatabaseConfig::new(format!("{scheme}://"));
    let queries = flowdb::queries::QueryComponents::of(&plugin, &config).ok()?;
    Some(
        queries
            .components()
            .map(|info| {
                (
                    info.name.to_string(),
                    info.kind.name(),
                    info.description.to_string(),
                )
            })
            .collect(),
    )
}

fn to_json(report: &PluginReport, with_layout: bool) -> serde_json::Value {
    let mut value = serde_json::to_value(report).unwrap_or_default();
    if !with_layout && let Some(object) = value.as_object_mut() {
        object.remove("layout_report");
    }
    value
}

fn print_table(reports: &[PluginReport], registry: &PluginRegistry, verbose: bool) {
    print_table_of_plugins(reports, registry, verbose);
    for file in registry.ignored() {
        outln!(
            "ignored: [{}] {}: {}",
            file.tier,
            file.path.display(),
            file.reason
        );
    }
}

fn print_table_of_plugins(reports: &[PluginReport], registry: &PluginRegistry, verbose: bool) {
    if reports.is_empty() {
        outln!("no plugins found. searched, in order:");
        for entry in registry.trace() {
            outln!(
                "  [{}] {}: {}",
                entry.tier,
                entry.path.display(),
                entry.outcome
            );
        }
        return;
    }
    let rows: Vec<[String; 8]> = reports
        .iter()
        .map(|report| {
            [
                report.name.clone(),
                report.version.clone().unwrap_or_else(|| "-".into()),
                report.sdk_version.clone().unwrap_or_else(|| "-".into()),
                if report.schemes.is_empty() {
                    "-".into()
                } else {
                    report.schemes.join(",")
                },
                report.tier.to_string(),
                report.status.as_str().to_owned(),
                // Enough to tell builds apart; `--json` and `plugins info` give all 64 digits.
                report
                    .sha256
                    .as_deref()
                    .map_or_else(|| "-".to_owned(), |digest| digest[..12].to_owned()),
                manifest_column(report),
            ]
        })
        .collect();
    let headers = [
        "NAME", "VERSION", "SDK", "SCHEMES", "TIER", "STATUS", "SHA256", "MANIFEST",
    ];
    let mut widths = headers.map(str::len);
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.len());
        }
    }
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(widths)
            .map(|(cell, width)| format!("{cell:<width$}"))
            .collect();
        outln!("{}", padded.join("  ").trim_end());
    };
    line(headers.to_vec());
    for (row, report) in rows.iter().zip(reports) {
        line(row.iter().map(String::as_str).collect());
        if let Some(reason) = &report.reason {
            outln!("    reason: {reason}");
        }
        if verbose && let Some(layout) = &report.layout_report {
            outln!("    layout report:\n{layout}");
        }
    }
    print_refused_places(registry);
}

/// Places on the search path that were not searched at all (a relative path), which would
/// otherwise go unmentioned when other places did hold plugins.
fn print_refused_places(registry: &PluginRegistry) {
    for dir in &registry.search_path().dirs {
        if let Some(refused) = &dir.refused {
            outln!(
                "not searched: [{}] {}: {refused}",
                dir.tier,
                dir.path.display()
            );
        }
    }
}

/// Where a plugin's manifest is, or that it has none because it is built in.
fn manifest_column(report: &PluginReport) -> String {
    match (&report.manifest_path, &report.built_in) {
        (Some(path), _) => path.display().to_string(),
        (None, Some(package)) => format!("(built into this binary by {package})"),
        (None, None) => "-".to_owned(),
    }
}

fn print_info(report: &PluginReport, verbose: bool) {
    outln!("name:          {}", report.name);
    outln!("status:        {}", report.status.as_str());
    outln!(
        "version:       {}",
        report.version.as_deref().unwrap_or("-")
    );
    outln!(
        "sdk version:   {}",
        report.sdk_version.as_deref().unwrap_or("-")
    );
    outln!(
        "contract:      {} (this host: {})",
        report.contract_version.as_deref().unwrap_or("-"),
        flowdb_abi::CONTRACT_VERSION
    );
    outln!("schemes:       {}", report.schemes.join(", "));
    outln!("capabilities:  {}", report.capabilities.join(", "));
    outln!("search tier:   {}", report.tier);
    outln!("manifest:      {}", manifest_column(report));
    if let Some(package) = &report.built_in {
        outln!("built into:    this binary, by the crate {package}");
    }
    if let Some(library) = &report.library_path {
        outln!("library:       {}", library.display());
    }
    if let Some(sha256) = &report.sha256 {
        outln!("sha256:        {sha256}");
    }
    if let Some(shadowed_by) = &report.shadowed_by {
        outln!("shadowed by:   {shadowed_by}");
    }
    if let Some(reason) = &report.reason {
        outln!("reason:        {reason}");
    }
    if let Some(layout) = &report.layout_report {
        if verbose {
            outln!("layout report:\n{layout}");
        } else {
            outln!("layout report: (run with --verbose to see it)");
        }
    }
}
