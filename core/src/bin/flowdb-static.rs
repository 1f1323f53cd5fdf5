//! `flowdb` with the first-party dialects built in: the same command as `src/main.rs`, for a
//! single-binary deployment that needs no plugin files. Built with
//! `cargo build -p flowdb --features static-dialects --bin flowdb-static`.
//!
//! Naming a plugin crate is all a host does to link its dialect in: the crate's
//! `export_plugin!` registers the dialect, and the registry offers it as `built-in` ahead of
//! every plugin file (`flowdb-static plugins list`).

#[path = "../cli/mod.rs"]
mod cli;

use flowdb_plugin_mysql as _;
use flowdb_plugin_postgres as _;
use flowdb_plugin_sqlite as _;

fn main() -> std::process::ExitCode {
    cli::main()
}
