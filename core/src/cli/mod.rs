//! Command-line parsing, dispatch and exit codes.

/// `println!` for the command's output. Rust ignores SIGPIPE, so `println!` panics when the
/// reader has gone (`flowdb plugins list | head -1`); this ends the process quietly instead,
/// with the status a shell reports for a process SIGPIPE ended (141).
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::write_output(format_args!($($arg)*), true)
    };
}

/// `print!` for the command's output; see [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_output(format_args!($($arg)*), false)
    };
}

mod database;
mod plugins;
mod query;
mod scaffold;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use flowdb::plugin::{PluginPins, PluginRegistry, SearchCaller, SearchPath};
use flowdb::{DbInterface, Error};

/// The version of the `--json` envelopes; bumped when a field changes meaning or disappears.
pub(crate) const JSON_SCHEMA_VERSION: u32 = 1;

const EXIT_CODES: &str = "Exit codes: 0 success, 1 unexpected error, 2 bad command line, \
3 bad configuration (setting, config file, malformed URL), 4 plugin problem (no plugin for the \
scheme, plugin failed to load or cannot do what was asked, unknown plugin), 5 database problem (unreachable, credentials, \
timeout, failed statement), 6 schema drift found by `database check`, 141 the output's reader went \
away (`| head`), as for a process SIGPIPE ends.";

/// flowdb: the database layer of a workflow-orchestration server, dialects as plugins.
#[derive(Debug, Parser)]
#[command(name = "flowdb", version, about, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    /// Look for plugins here first, after the dialects built into the binary (a directory or a
    /// manifest file); repeatable.
    #[arg(long = "plugin-path", global = true, value_name = "PATH")]
    plugin_paths: Vec<PathBuf>,

    /// Say more: full layout reports of incompatible plugins, debug logs.
    #[arg(short, long, global = true)]
    pub(crate) verbose: bool,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Inspect the installed dialect plugins.
    #[command(subcommand)]
    Plugins(plugins::PluginsCommand),
    /// Work with the configured database.
    #[command(subcommand)]
    Database(database::DatabaseCommand),
    /// The dialect's query components: list them, see the SQL they render, run them.
    #[command(subcommand)]
    Query(query::QueryCommand),
    /// Measure the plugin boundary against the same sqlx code linked statically (runs the
    /// `flowdb-bench` program installed beside `flowdb`; `flowdb bench --help` for its options).
    #[command(disable_help_flag = true)]
    Bench {
        /// Passed to `flowdb-bench`.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// The command: parses the arguments, runs, and turns an error into its message and exit code.
pub(crate) fn main() -> ExitCode {
    use clap::Parser as _;
    let args = Cli::parse();
    init_logging(args.verbose);
    match run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(exit_code(&err))
        }
    }
}

pub(crate) fn init_logging(verbose: bool) {
    use tracing_subscriber::EnvFilter;
    let default = if verbose { "debug" } else { "warn" };
    let filter = EnvFilter::try_from_env("FLOWDB_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

pub(crate) fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let registry = PluginRegistry::discover(
        SearchPath::from_env()
            .with_explicit(cli.plugin_paths)
            .for_caller(SearchCaller::Cli),
    )
    .with_pins(PluginPins::from_env());
    match cli.command {
        Command::Plugins(command) => plugins::run(command, &registry, cli.verbose),
        Command::Database(command) => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let outcome = database::run(command, &registry).await;
                // Close every pool before exiting, so SQLite checkpoints its write-ahead log
                // into the database file instead of leaving the last writes in `-wal`.
                DbInterface::close_all().await;
                outcome
            })
        }
        Command::Query(command) => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let outcome = query::run(command, &registry).await;
                DbInterface::close_all().await;
                outcome
            })
        }
        Command::Bench { args } => bench(args),
    }
}

/// Runs `flowdb-bench` from beside this executable. It is a program of its own because it links
/// the dialect plugins statically as its baseline, and `flowdb` itself must link no dialect.
fn bench(args: Vec<String>) -> anyhow::Result<ExitCode> {
    let exe = std::env::current_exe()?;
    let bench = exe.with_file_name(format!("flowdb-bench{}", std::env::consts::EXE_SUFFIX));
    if !bench.is_file() {
        return Err(CliError {
            code: 1,
            message: format!(
                "{} is missing: build it with `cargo build --release -p flowdb-bench` (it is built with the workspace)",
                bench.display()
            ),
        }
        .into());
    }
    let status = std::process::Command::new(&bench).args(args).status()?;
    Ok(ExitCode::from(
        status
            .code()
            .and_then(|code| u8::try_from(code).ok())
            .unwrap_or(1),
    ))
}

/// An error the CLI itself raises, with its exit code.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct CliError {
    pub(crate) code: u8,
    pub(crate) message: String,
}

pub(crate) fn exit_code(err: &anyhow::Error) -> u8 {
    if let Some(cli) = err.downcast_ref::<CliError>() {
        return cli.code;
    }
    match err.downcast_ref::<Error>() {
        Some(Error::Settings(_) | Error::InvalidUrl { .. } | Error::Home { .. }) => 3,
        Some(Error::NoPlugin { .. } | Error::Unsupported { .. } | Error::PluginTarget { .. }) => 4,
        Some(Error::InvalidArgument { .. }) => 2,
        Some(Error::ScratchDatabase { .. }) => 5,
        Some(Error::Plugin { error: source, .. })
            if matches!(
                source.kind,
                flowdb::ErrorKind::PANIC
                    | flowdb::ErrorKind::POISONED
                    | flowdb::ErrorKind::SHUT_DOWN
                    | flowdb::ErrorKind::UNSUPPORTED
            ) =>
        {
            4
        }
        Some(Error::Plugin { error: source, .. })
            if source.kind == flowdb::ErrorKind::INVALID_ARGUMENT =>
        {
            3
        }
        Some(Error::Plugin { .. } | Error::Conversion { .. } | Error::Migration(_)) => 5,
        _ => 1,
    }
}

/// The exit status when the output's reader went away, as a shell reports a process SIGPIPE
/// ended (128 + 13).
const READER_GONE: i32 = 141;

/// Writes (and flushes) part of the command's output; see [`outln!`].
pub(crate) fn write_output(text: std::fmt::Arguments<'_>, newline: bool) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    let written = stdout
        .write_fmt(text)
        .and_then(|()| {
            if newline {
                stdout.write_all(b"\n")
            } else {
                Ok(())
            }
        })
        .and_then(|()| stdout.flush());
    match written {
        Ok(()) => {}
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(READER_GONE),
        Err(err) => {
            eprintln!("error: cannot write the output: {err}");
            std::process::exit(1)
        }
    }
}
