//! `flowdb database …`.

use std::process::ExitCode;
use std::time::Instant;

use clap::Subcommand;
use flowdb::plugin::PluginRegistry;
use flowdb::settings::{SecretString, Settings};
use flowdb::{DatabaseConfig, DbInterface};
use serde_json::json;

use crate::cli::JSON_SCHEMA_VERSION;

#[derive(Debug, Subcommand)]
pub(crate) enum DatabaseCommand {
    /// Check connectivity through the selected plugin: dialect, server version, latency.
    Ping {
        /// Connect here instead of the configured URL.
        #[arg(long)]
        url: Option<String>,
        /// Print a JSON document.
        #[arg(long)]
        json: bool,
    },
}

pub(crate) async fn run(
    command: DatabaseCommand,
    registry: &PluginRegistry,
) -> anyhow::Result<ExitCode> {
    match command {
        DatabaseCommand::Ping { url, json } => ping(url, json, registry).await,
    }
}

/// The configuration from settings, with `--url` replacing the URL.
fn config(url: Option<String>) -> anyhow::Result<DatabaseConfig> {
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
            },
            "connect_ms": connect.as_secs_f64() * 1e3,
            "latency_ms": latency.as_secs_f64() * 1e3,
        });
        println!("{}", serde_json::to_string_pretty(&document)?);
    } else {
        println!(
            "ok: {} {} at {} (plugin {} {}, {}); connect {:.2} ms, round trip {:.3} ms",
            server.dialect,
            server.server_version,
            interface.config().redacted_url(),
            plugin.name(),
            plugin.manifest().version,
            plugin.library_path().display(),
            connect.as_secs_f64() * 1e3,
            latency.as_secs_f64() * 1e3,
        );
    }
    Ok(ExitCode::SUCCESS)
}
