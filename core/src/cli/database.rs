//! `flowdb database …`.

use std::process::ExitCode;
use std::time::Instant;

use clap::Subcommand;
use flowdb::orm::MigrationProgress;
use flowdb::plugin::PluginRegistry;
use flowdb::settings::{SecretString, Settings};
use flowdb::{DatabaseConfig, DbInterface};
use serde_json::json;

use crate::cli::{CliError, JSON_SCHEMA_VERSION};

#[derive(Debug, Subcommand)]
pub(crate) enum DatabaseCommand {
    /// Apply pending migrations, up to head or a given version.
    Upgrade {
        /// Stop at this version (default: head).
        #[arg(long, default_value = "head")]
        revision: String,
        /// Connect here instead of the configured URL.
        #[arg(long)]
        url: Option<String>,
        /// Do not ask for confirmation (accepted for Prefect's CLI compatibility).
        #[arg(short = 'y', long)]
        yes: bool,
    },
    /// Revert applied migrations newer than a version (`base` reverts all). Destructive.
    Downgrade {
        /// The version to stop at, or `base`.
        #[arg(long)]
        revision: String,
        /// Connect here instead of the configured URL.
        #[arg(long)]
        url: Option<String>,
        /// Do not ask for confirmation.
        #[arg(short = 'y', long)]
        yes: bool,
    },
    /// Show where the database stands: current migration, head, pending ones, Prefect's revision.
    Current {
        /// Connect here instead of the configured URL.
        #[arg(long)]
        url: Option<String>,
        /// Print a JSON document.
        #[arg(long)]
        json: bool,
        /// Accepted for Prefect's CLI compatibility.
        #[arg(short = 'y', long)]
        yes: bool,
    },
    /// List this build's migrations for the configured dialect.
    History {
        /// Connect here instead of the configured URL (it picks the dialect).
        #[arg(long)]
        url: Option<String>,
        /// Print a JSON document.
        #[arg(long)]
        json: bool,
        /// Accepted for Prefect's CLI compatibility.
        #[arg(short = 'y', long)]
        yes: bool,
    },
    /// Revert every migration and apply them all again: an empty database at head. Destructive.
    Reset {
        /// Connect here instead of the configured URL.
        #[arg(long)]
        url: Option<String>,
        /// Do not ask for confirmation.
        #[arg(short = 'y', long)]
        yes: bool,
    },
    /// Create a new, empty migration for every dialect, with one naming convention:
    /// `<dir>/<dialect>/<yyyymmddhhmmss>_<slug>.up.sql` and `.down.sql`.
    Revision {
        /// What the migration does; it becomes the file names' slug.
        #[arg(short, long)]
        message: String,
        /// The migrations directory of the flowdb source tree (one subdirectory per dialect).
        #[arg(long, default_value = "migrations")]
        migrations_dir: std::path::PathBuf,
        /// Accepted for Prefect's CLI compatibility.
        #[arg(short = 'y', long)]
        yes: bool,
    },
    /// Record the database as being at a version without running anything. Destructive.
    Stamp {
        /// The version, `head` or `base`.
        revision: String,
        /// Connect here instead of the configured URL.
        #[arg(long)]
        url: Option<String>,
        /// Do not ask for confirmation.
        #[arg(short = 'y', long)]
        yes: bool,
    },
    /// Compare the live schema with what the migrations build at head and with the models, and
    /// report every difference line by line (exit code 6 when there is drift).
    Check {
        /// Connect here instead of the configured URL.
        #[arg(long)]
        url: Option<String>,
        /// Print a JSON document.
        #[arg(long)]
        json: bool,
        /// Accepted for Prefect's CLI compatibility.
        #[arg(short = 'y', long)]
        yes: bool,
    },
    /// Check connectivity through the selected plugin: dialect, server version, latency.
    Ping {
        /// Connect here instead of the configured URL.
        #[arg(long)]
        url: Option<String>,
        /// Print a JSON document.
        #[arg(long)]
        json: bool,
        /// Accepted for Prefect's CLI compatibility.
        #[arg(short = 'y', long)]
        yes: bool,
    },
}

pub(crate) async fn run(
    command: DatabaseCommand,
    registry: &PluginRegistry,
) -> anyhow::Result<ExitCode> {
    match command {
        DatabaseCommand::Ping { url, json, yes: _ } => ping(url, json, registry).await,
        DatabaseCommand::Check { url, json, yes: _ } => check(url, json, registry).await,
        DatabaseCommand::Upgrade {
            revision,
            url,
            yes: _,
        } => {
            let interface = DbInterface::with_registry(config(url)?, registry)?;
            let started = Instant::now();
            let applied = interface
                .upgrade_with_progress(&revision, &print_progress)
                .await?;
            let status = interface.migration_status().await?;
            outln!(
                "{} at {} ({} applied now, {:.0} ms)",
                interface.config().redacted_url(),
                status.current.as_deref().unwrap_or("base"),
                applied.len(),
                started.elapsed().as_secs_f64() * 1e3
            );
            Ok(ExitCode::SUCCESS)
        }
        DatabaseCommand::Downgrade { revision, url, yes } => {
            let interface = DbInterface::with_registry(config(url)?, registry)?;
            let url = interface.config().redacted_url();
            confirm(
                yes,
                &format!(
                    "downgrade {url} to {revision}, dropping the schema of every newer migration"
                ),
            )?;
            interface
                .downgrade_with_progress(&revision, &print_progress)
                .await?;
            let status = interface.migration_status().await?;
            outln!("{url} at {}", status.current.as_deref().unwrap_or("base"));
            Ok(ExitCode::SUCCESS)
        }
        DatabaseCommand::Current { url, json, yes: _ } => {
            let interface = DbInterface::with_registry(config(url)?, registry)?;
            let status = interface.migration_status().await?;
            if json {
                let document = json!({
                    "schema_version": JSON_SCHEMA_VERSION,
                    "kind": "database-current",
                    "url": interface.config().redacted_url(),
                    "dialect": interface.dialect(),
                    "status": status,
                });
                outln!("{}", serde_json::to_string_pretty(&document)?);
            } else {
                let pending: Vec<&str> =
                    status.pending.iter().map(|m| m.version.as_str()).collect();
                outln!(
                    "database:  {} ({})",
                    interface.config().redacted_url(),
                    interface.dialect()
                );
                outln!(
                    "current:   {}",
                    status
                        .current
                        .as_deref()
                        .unwrap_or("base (nothing applied)")
                );
                outln!("head:      {}", status.head.as_deref().unwrap_or("none"));
                outln!(
                    "prefect:   {}",
                    status
                        .alembic_revision
                        .as_deref()
                        .unwrap_or("no alembic_version")
                );
                if pending.is_empty() {
                    outln!("pending:   none, the database is up to date");
                } else {
                    outln!("pending:   {}", pending.join(", "));
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        DatabaseCommand::History { url, json, yes: _ } => {
            let interface = DbInterface::with_registry(config(url)?, registry)?;
            let history = interface.migration_history();
            if json {
                let document = json!({
                    "schema_version": JSON_SCHEMA_VERSION,
                    "kind": "database-history",
                    "dialect": interface.dialect(),
                    "migrations": history,
                });
                outln!("{}", serde_json::to_string_pretty(&document)?);
            } else {
                for migration in &history {
                    let prefect = migration
                        .alembic_revision
                        .as_deref()
                        .map(|r| format!(" (prefect {r})"));
                    outln!(
                        "{} {}{}",
                        migration.version,
                        migration.name,
                        prefect.unwrap_or_default()
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        DatabaseCommand::Reset { url, yes } => {
            let interface = DbInterface::with_registry(config(url)?, registry)?;
            let url = interface.config().redacted_url();
            confirm(
                yes,
                &format!("reset {url}, dropping every table and all its data"),
            )?;
            let applied = interface.reset().await?;
            outln!("{url} reset: {} migrations applied", applied.len());
            Ok(ExitCode::SUCCESS)
        }
        DatabaseCommand::Revision {
            message,
            migrations_dir,
            yes: _,
        } => {
            for path in create_revision(&message, &migrations_dir, chrono::Utc::now())? {
                outln!("created {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        DatabaseCommand::Stamp { revision, url, yes } => {
            let interface = DbInterface::with_registry(config(url)?, registry)?;
            let url = interface.config().redacted_url();
            confirm(
                yes,
                &format!("record {url} as being at {revision} without running any migration"),
            )?;
            interface.stamp(&revision).await?;
            outln!("{url} stamped at {revision}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The exit code of `database check` when the schema has drifted.
const DRIFT_EXIT_CODE: u8 = 6;

async fn check(
    url: Option<String>,
    json: bool,
    registry: &PluginRegistry,
) -> anyhow::Result<ExitCode> {
    let interface = DbInterface::with_registry(config(url)?, registry)?;
    let drift = interface.check_schema().await?;
    let url = interface.config().redacted_url();
    if json {
        let document = json!({
            "schema_version": JSON_SCHEMA_VERSION,
            "kind": "database-check",
            "url": url,
            "dialect": interface.dialect(),
            "clean": drift.is_clean(),
            "drift": drift,
        });
        outln!("{}", serde_json::to_string_pretty(&document)?);
    } else if drift.is_unadopted_prefect_database() {
        outln!(
            "{url}: the schema is Prefect's at alembic revision {}, exactly what the migrations \
             build at {}; flowdb has not adopted it yet: `flowdb database upgrade` records it \
             without running any DDL",
            drift.alembic_revision.as_deref().unwrap_or("?"),
            drift.head.as_deref().unwrap_or("base")
        );
    } else if drift.is_clean() {
        outln!(
            "{url}: no drift; the schema is what the migrations build at {} and all {} models match it",
            drift.head.as_deref().unwrap_or("base"),
            interface.models().len()
        );
    } else {
        outln!(
            "{url}: the schema differs from what the migrations build at {}",
            drift.head.as_deref().unwrap_or("base")
        );
        if !drift.pending.is_empty() {
            let pending: Vec<&str> = drift.pending.iter().map(|m| m.version.as_str()).collect();
            outln!(
                "pending migrations (flowdb database upgrade applies them): {}",
                pending.join(", ")
            );
        }
        // `-` what the migrations build and the database lacks, `+` what only the database has,
        // as in a diff from the expected schema to the live one.
        for line in &drift.missing {
            outln!("- {line}");
        }
        for line in &drift.unexpected {
            outln!("+ {line}");
        }
        for mismatch in &drift.model_mismatches {
            outln!("! {mismatch}");
        }
        outln!(
            "{} missing, {} unexpected, {} model mismatches",
            drift.missing.len(),
            drift.unexpected.len(),
            drift.model_mismatches.len()
        );
    }
    Ok(if drift.is_clean() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(DRIFT_EXIT_CODE)
    })
}

/// One line per migration: what it is as it starts, how long it took when it is committed.
fn print_progress(event: MigrationProgress<'_>) {
    use std::io::Write as _;
    match event {
        MigrationProgress::Applying(migration) => {
            out!("applying {} {} … ", migration.version, migration.name)
        }
        MigrationProgress::Reverting(migration) => {
            out!("reverting {} {} … ", migration.version, migration.name)
        }
        MigrationProgress::Done(_, took) => outln!("done in {:.0} ms", took.as_secs_f64() * 1e3),
        _ => {}
    }
    let _ = std::io::stdout().flush();
}

/// Writes an empty up/down pair for every dialect directory under `dir`.
fn create_revision(
    message: &str,
    dir: &std::path::Path,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let mut slug = String::new();
    for c in message.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('_') && !slug.is_empty() {
            slug.push('_');
        }
    }
    let slug: String = slug.trim_end_matches('_').chars().take(60).collect();
    if slug.is_empty() {
        let message =
            "the message must contain letters or digits: it names the migration files".to_owned();
        return Err(CliError { code: 2, message }.into());
    }
    let mut dialects: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|err| CliError {
            code: 3,
            message: format!("cannot read the migrations directory {}: {err}; run from the flowdb source tree or pass --migrations-dir", dir.display()),
        })?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_dir())
        .collect();
    dialects.sort();
    if dialects.is_empty() {
        let message = format!(
            "{} has no dialect directories (postgresql/, sqlite/, …)",
            dir.display()
        );
        return Err(CliError { code: 3, message }.into());
    }
    let stem = format!("{}_{slug}", now.format("%Y%m%d%H%M%S"));
    let mut created = Vec::new();
    for dialect_dir in dialects {
        let dialect = dialect_dir
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        for (suffix, header) in [
            ("up", message.trim().to_owned()),
            ("down", format!("revert: {}", message.trim())),
        ] {
            let path = dialect_dir.join(format!("{stem}.{suffix}.sql"));
            if path.exists() {
                return Err(CliError {
                    code: 1,
                    message: format!("{} already exists", path.display()),
                }
                .into());
            }
            std::fs::write(
                &path,
                format!("-- flowdb migration: {header} ({dialect})\n\n"),
            )?;
            created.push(path);
        }
    }
    Ok(created)
}

/// Asks before a destructive step, unless `-y`. Without a terminal to ask on, refuses.
fn confirm(yes: bool, what: &str) -> anyhow::Result<()> {
    use std::io::{BufRead as _, IsTerminal as _, Write as _};
    if yes {
        return Ok(());
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let message = format!("refusing to {what} without confirmation: pass -y");
        return Err(CliError { code: 2, message }.into());
    }
    out!("{what}? [y/N] ");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    if matches!(answer.trim(), "y" | "Y" | "yes") {
        Ok(())
    } else {
        Err(CliError {
            code: 1,
            message: "cancelled".to_owned(),
        }
        .into())
    }
}

/// The configuration from settings, with `--url` replacing the URL.
pub(crate) fn config(url: Option<String>) -> anyhow::Result<DatabaseConfig> {
    let mut settings = Settings::load().map_err(flowdb::Error::from)?;
    if let Some(url) = url {
        settings.database.connection_url = Some(SecretString::new(url));
    }
    Ok(DatabaseConfig::from_settings(&settings)?)
}

async fn ping(
    url: Option<String>,
    json: bool,
    registry: &PluginRegistry,
) -> anyhow::Result<ExitCode> {
    let config = config(url)?;
    let interface = DbInterface::with_registry(config, registry)?;
    let connect_started = Instant::now();
    let database = interface.database().await?;
    let connect = connect_started.elapsed();
    let started = Instant::now();
    let server = database.server_info().await?;
    let latency = started.elapsed();
    let plugin = interface.plugin();
    if json {
        let document = json!({
            "schema_version": JSON_SCHEMA_VERSION,
            "kind": "database-ping",
            "url": interface.config().redacted_url(),
            "dialect": server.dialect.as_str(),
            "driver": interface.scheme().driver,
            "server_version": server.server_version.as_str(),
            "plugin": {
                "name": plugin.name(),
                "version": plugin.manifest().version,
                "library": plugin.library_path(),
                "built_in": plugin.built_in_package(),
            },
            "connect_ms": connect.as_secs_f64() * 1e3,
            "latency_ms": latency.as_secs_f64() * 1e3,
        });
        outln!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        outln!(
            "ok: {} {} at {} (plugin {} {}, {}); connect {:.2} ms, round trip {:.3} ms",
            server.dialect,
            server.server_version,
            interface.config().redacted_url(),
            plugin.name(),
            plugin.manifest().version,
            plugin.location(),
            connect.as_secs_f64() * 1e3,
            latency.as_secs_f64() * 1e3,
        );
    }
    Ok(ExitCode::SUCCESS)
}
