//! The `flowdb` command.
//!
//! Exit codes (also in `flowdb --help` and the README):
//! 0 success · 1 unexpected error · 2 bad command line · 3 bad configuration (a setting, the
//! config file, a malformed URL) · 4 plugin problem (no plugin for the URL's scheme, a plugin that
//! failed to load or cannot do what was asked, an unknown plugin name) · 5 database problem (unreachable, refused
//! credentials, timeout, a failed statement) · 6 `database check` found schema drift · 141 the
//! output's reader went away (`| head`), the status a shell gives a process SIGPIPE ended.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
